//! A hostile review of sharded runs and `agate report merge`: forged or mismatched shard
//! reports, and merged reports that must read as the unsharded one.

use std::path::Path;

use serde_json::Value;

use crate::{agate, git, tree};

/// A small repository whose policy gates only `sast`, so the secrets it holds are ungated.
fn ungated_repository() -> tempfile::TempDir {
    let dir = tree(&[
        (
            "agate.yaml",
            "version: 1\ngates:\n  security: { analyzers: [sast] }\n",
        ),
        (
            "p/keys.py",
            "STRIPE = \"sk_live_51H8abcdefghijklmnopqrstuvwx\"\n",
        ),
        ("q/k.py", "K = \"sk_live_51H8abcdefghijklmnopqrstuvwy\"\n"),
        ("q/a.py", "x = 1\n"),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    dir
}

/// Writes the JSON report of each shard of `count` to `out`, running `args` after the shard.
fn shards(dir: &Path, out: &Path, count: u32, args: &[&str]) -> Vec<std::path::PathBuf> {
    (1..=count)
        .map(|index| {
            let path = out.join(format!("shard-{index}.json"));
            let shard = format!("{index}/{count}");
            let output = agate(dir)
                .args(["scan", "--shard", &shard, "--format", "json", "-o"])
                .arg(&path)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{shard}");
            path
        })
        .collect()
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn notices(report: &Value) -> Vec<String> {
    let mut notices: Vec<String> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    notices.sort();
    notices
}

#[test]
fn issue_8_review_merged_notices_are_the_unsharded_ones() {
    let dir = ungated_repository();
    let out = tempfile::tempdir().unwrap();
    let whole = out.path().join("whole.json");
    agate(dir.path())
        .args(["gate", "--format", "json", "-o"])
        .arg(&whole)
        .assert()
        .success();
    let reports = shards(dir.path(), out.path(), 2, &[]);
    let merged = out.path().join("merged.json");
    agate(dir.path())
        .args(["report", "merge", "--format", "json", "-o"])
        .arg(&merged)
        .args(&reports)
        .assert()
        .success();
    let (whole, merged) = (read(&whole), read(&merged));
    // Once each, and the ungated analyzer's count is the whole run's (2 secrets), not a
    // shard's: the run-wide warnings (no base, ungated analyzers) were shown per shard.
    assert_eq!(notices(&merged), notices(&whole), "{merged}");
    assert!(
        notices(&merged)
            .iter()
            .any(|notice| notice.contains("`secrets`: its findings (2 in this run)")),
        "{merged}"
    );
}

/// Shard `index`/`count` written into a copy of the report at `path`.
fn forge(path: &Path, to: &Path, index: u64, count: u64) {
    let mut report = read(path);
    report["stats"]["shard"] = serde_json::json!({ "index": index, "count": count });
    std::fs::write(to, report.to_string()).unwrap();
}

#[test]
fn issue_8_review_forged_shard_numbers_are_refused_by_name() {
    let dir = ungated_repository();
    let out = tempfile::tempdir().unwrap();
    let reports = shards(dir.path(), out.path(), 2, &[]);

    // Shard 0 once made the merge panic (exit 101).
    let zero = out.path().join("zero.json");
    forge(&reports[0], &zero, 0, 2);
    let output = agate(dir.path())
        .args(["report", "merge"])
        .arg(&zero)
        .arg(&reports[1])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("zero.json` names shard 0/2, which does not exist"),
        "{stderr}"
    );

    // A split into four billion once listed every missing shard (and sized a table by it).
    let huge = out.path().join("huge.json");
    forge(&reports[0], &huge, 1, u64::from(u32::MAX));
    let output = agate(dir.path())
        .args(["report", "merge"])
        .arg(&huge)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.len() < 2000, "{} bytes", stderr.len());
    assert!(stderr.contains("and 4294967284 more missing"), "{stderr}");

    // The errors say which file: a glob's order is not the user's.
    let output = agate(dir.path())
        .args(["report", "merge"])
        .arg(&reports[1])
        .arg(&reports[1])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("given twice (again in `") && stderr.contains("shard-2.json`)"),
        "{stderr}"
    );
}

#[test]
fn issue_8_review_a_shard_that_could_not_check_a_file_fails_the_merge_closed() {
    let dir = tree(&[("a.py", "x = 1\n"), ("b.py", "y = 2\n")]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    let out = tempfile::tempdir().unwrap();
    let reports = shards(dir.path(), out.path(), 2, &[]);
    let mut merge = agate(dir.path());
    merge.args(["report", "merge"]).args(&reports);
    merge.assert().success();
    let mut report = read(&reports[0]);
    report["notices"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "level": "error", "path": "a.py", "message": "cannot read `a.py`: too large"
        }));
    std::fs::write(&reports[0], report.to_string()).unwrap();
    let output = agate(dir.path())
        .args(["report", "merge"])
        .args(&reports)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn issue_8_review_a_baseline_takes_every_shard() {
    let dir = ungated_repository();
    let output = agate(dir.path())
        .args(["baseline", "create", "--shard", "1/2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("without --shard"), "{stderr}");
    assert!(!dir.path().join(".agate/baseline.json").exists());
}

#[test]
fn issue_8_review_shards_that_scanned_differently_are_refused() {
    let dir = ungated_repository();
    let out = tempfile::tempdir().unwrap();
    let reports = shards(dir.path(), out.path(), 2, &[]);
    // Shard 2 again, with the secrets analyzer left out: its files' keys would go unseen.
    let narrow = out.path().join("narrow.json");
    agate(dir.path())
        .args([
            "scan", "--shard", "2/2", "--only", "sast", "--format", "json", "-o",
        ])
        .arg(&narrow)
        .assert()
        .success();
    let output = agate(dir.path())
        .args(["report", "merge"])
        .arg(&reports[0])
        .arg(&narrow)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("narrow.json` and `") && stderr.contains("scanned differently"),
        "{stderr}"
    );
    // A shard of one sub-folder is refused too.
    let folder = out.path().join("folder.json");
    agate(dir.path())
        .args(["scan", "--shard", "2/2", "q", "--format", "json", "-o"])
        .arg(&folder)
        .assert()
        .success();
    let mut merge = agate(dir.path());
    merge
        .args(["report", "merge"])
        .arg(&reports[0])
        .arg(&folder);
    assert_eq!(merge.output().unwrap().status.code(), Some(2));
    // The same flags merge.
    let mut merge = agate(dir.path());
    merge.args(["report", "merge"]).args(&reports);
    merge.assert().success();
}

#[test]
fn issue_8_review_a_merge_reads_the_ai_markers_of_covered_files() {
    // AI-marked lines 5-9 with no finding; the tests ran two of them, below the minimum.
    let dir = tree(&[("lib.py", "def old_one():\n    return 1\n")]);
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "old"]);
    std::fs::write(
        repo.join("lib.py"),
        "def old_one():\n    return 1\n\n# agate: ai-begin\ndef parse(text):\n    if not text:\n        return None\n    value = text.strip()\n    return value.upper()\n# agate: ai-end\n",
    )
    .unwrap();
    git(repo, &["commit", "-q", "-am", "parse"]);
    std::fs::create_dir(repo.join("coverage")).unwrap();
    std::fs::write(
        repo.join("coverage/lcov.info"),
        "TN:\nSF:lib.py\nDA:5,1\nDA:6,1\nDA:7,0\nDA:8,0\nDA:9,0\nend_of_record\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("agate.yaml"),
        "version: 1\ngates:\n  tests:\n    coverage:\n      reports: [coverage/lcov.info]\n      ai_lines: 80\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let whole = agate(repo)
        .args(["gate", "--base", "HEAD~1"])
        .output()
        .unwrap();
    assert_eq!(whole.status.code(), Some(1), "40% of the AI lines blocks");
    let reports = shards(repo, out.path(), 2, &["--base", "HEAD~1"]);
    let merged = out.path().join("merged.json");
    let output = agate(repo)
        .args([
            "report", "merge", "--base", "HEAD~1", "--format", "json", "-o",
        ])
        .arg(&merged)
        .args(&reports)
        .output()
        .unwrap();
    // The merge once judged no AI line (the marked file had no finding) and passed.
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        read(&merged)["coverage"][0]["ai_lines"],
        serde_json::json!({"covered": 2, "total": 5})
    );
}
