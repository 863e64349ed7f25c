//! `--shard K/N` and `agate report merge`: sharded runs join into the unsharded result.

use std::path::Path;

use serde_json::Value;

use crate::{agate, git, tree};

/// A repository with findings of every per-file analyzer in several languages, inline
/// suppressions (one used, one not), and a change since `base` so tiers differ.
fn repository() -> tempfile::TempDir {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ai-flaws");
    let read = |path: &str| std::fs::read_to_string(example.join(path)).unwrap();
    let dir = tree(&[
        ("api/app.py", &read("api/app.py")),
        ("web/server.js", &read("web/server.js")),
        (
            "service/TokenService.java",
            &read("service/TokenService.java"),
        ),
        ("requirements.txt", "flask==3.0.0\n"),
        (
            "tools/report.py",
            "import yaml\nimport subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)  # agate: ignore[py.command-injection] reason=\"fixed input\"\n",
        ),
        (
            "tools/unused.py",
            "x = 1  # agate: ignore[py.eval-injection] reason=\"nothing here\"\n",
        ),
        (
            "config/settings.py",
            "STRIPE = \"sk_live_51H8abcdefghijklmnopqrstuvwx\"\n",
        ),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    git(dir.path(), &["branch", "base"]);
    std::fs::write(
        dir.path().join("web/extra.js"),
        "const cp = require('child_process');\nmodule.exports = (req) => cp.exec('ls ' + req.query.dir);\n",
    )
    .unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "more"]);
    dir
}

fn json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = agate(dir).args(args).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let report = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "{error}: {text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

/// What must be the same whether the files were split or not.
fn essentials(report: &Value) -> Value {
    let mut notices: Vec<Value> = report["notices"].as_array().unwrap().clone();
    notices.sort_by_key(ToString::to_string);
    serde_json::json!({
        "findings": report["findings"],
        "rules": report["rules"],
        "notices": notices,
        "verdict": report["verdict"],
        "files": report["stats"]["files"],
        "bytes": report["stats"]["bytes"],
    })
}

#[test]
fn issue_8_sharded_runs_merge_to_the_unsharded_result() {
    let dir = repository();
    // Reports go outside the repository, or the next shard would scan them.
    let out = tempfile::tempdir().unwrap();
    let (whole_code, whole) = json(dir.path(), &["gate", "--base", "base", "--format", "json"]);
    assert_eq!(whole_code, Some(1), "the sample blocks: {whole}");
    assert!(whole["findings"].as_array().unwrap().len() >= 8, "{whole}");

    for count in [2, 3, 5] {
        let mut reports = Vec::new();
        let mut seen = 0;
        for index in 1..=count {
            let shard = format!("{index}/{count}");
            let path = out.path().join(format!("shard-{index}.json"));
            let status = agate(dir.path())
                .args([
                    "scan", "--shard", &shard, "--base", "base", "--format", "json", "-o",
                ])
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(status.status.code(), Some(0), "{shard}");
            let report: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert_eq!(report["stats"]["shard"]["index"], index);
            seen += report["findings"].as_array().unwrap().len();
            reports.push(path);
        }
        assert!(seen > 0);
        let mut merge = agate(dir.path());
        merge.args(["report", "merge", "--base", "base", "--format", "json"]);
        merge.args(&reports);
        let output = merge.output().unwrap();
        let merged: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(output.status.code(), whole_code, "{count} shards");
        assert_eq!(essentials(&merged), essentials(&whole), "{count} shards");
        for path in reports {
            std::fs::remove_file(path).unwrap();
        }
    }
}

#[test]
fn issue_8_a_merge_without_every_shard_is_refused() {
    let dir = repository();
    for index in [1, 3] {
        agate(dir.path())
            .args([
                "scan",
                "--shard",
                &format!("{index}/3"),
                "--format",
                "json",
                "-o",
            ])
            .arg(format!("s{index}.json"))
            .assert()
            .success();
    }
    let output = agate(dir.path())
        .args(["report", "merge", "s1.json", "s3.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("shard 2/3 missing"), "{stderr}");

    let twice = agate(dir.path())
        .args(["report", "merge", "s1.json", "s1.json", "s3.json"])
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("given twice"));

    agate(dir.path())
        .args(["scan", "--format", "json", "-o", "whole.json"])
        .assert()
        .success();
    let unsharded = agate(dir.path())
        .args(["report", "merge", "whole.json"])
        .output()
        .unwrap();
    assert_eq!(unsharded.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unsharded.stderr).contains("not a shard's report"));
}

#[test]
fn issue_8_shard_flags_are_checked() {
    let dir = tree(&[("a.py", "x = 1\n")]);
    for bad in ["0/2", "3/2", "2", "a/b", "1/0"] {
        let output = agate(dir.path())
            .args(["scan", "--shard", bad])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("write K/N"),
            "{bad}"
        );
    }
}

#[test]
fn issue_8_a_merge_refuses_shards_of_another_commit() {
    let dir = repository();
    let out = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for index in 1..=2 {
        let path = out.path().join(format!("shard-{index}.json"));
        agate(dir.path())
            .args([
                "scan",
                "--shard",
                &format!("{index}/2"),
                "--format",
                "json",
                "-o",
            ])
            .arg(&path)
            .assert()
            .success();
        reports.push(path);
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&reports[0]).unwrap()).unwrap();
    assert_eq!(
        report["stats"]["shard_commit"].as_str().map(str::len),
        Some(40)
    );
    // The checkout moves on: the shards' findings are no longer this commit's.
    std::fs::write(dir.path().join("web/later.js"), "module.exports = 1;\n").unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "later"]);
    let output = agate(dir.path())
        .args(["report", "merge"])
        .args(&reports)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("scanned commit") && stderr.contains("this checkout is at"),
        "{stderr}"
    );
}
