//! Diff coverage in `agate gate`: coverage reports judged on the lines a change added and
//! the lines an AI wrote, against the gate's minimums.

use std::path::Path;

use super::{agate, git_as};

const HUMAN: &str = "Ana Dev <ana@example.com>";

const OLD: &str = "def old_one():\n    return 1\n\n\ndef old_two():\n    return 2\n";

const NEW: &str = "\n\ndef parse(text):\n    if not text:\n        return None\n    value = text.strip()\n    return value.upper()\n";

/// A repository whose last commit (AI-assisted) appends `parse` (lines 7-13) to a file
/// whose first six lines are old; the tests ran lines 9, 10 and 12 of the new ones.
fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_as(repo, HUMAN, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("lib.py"), OLD).unwrap();
    git_as(repo, HUMAN, &["add", "."]);
    git_as(repo, HUMAN, &["commit", "-q", "-m", "old code"]);
    std::fs::write(repo.join("lib.py"), format!("{OLD}{NEW}")).unwrap();
    git_as(repo, HUMAN, &["add", "."]);
    git_as(
        repo,
        HUMAN,
        &[
            "commit",
            "-q",
            "-m",
            "parse\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
        ],
    );
    // Old lines unrun (they must not count), new lines 9, 10, 12 run, 11 and 13 not.
    let lcov = "TN:\nSF:lib.py\nDA:1,0\nDA:2,0\nDA:5,0\nDA:6,0\nDA:9,3\nDA:10,3\nDA:11,0\nDA:12,2\nDA:13,0\nend_of_record\n";
    std::fs::create_dir(repo.join("coverage")).unwrap();
    std::fs::write(repo.join("coverage/lcov.info"), lcov).unwrap();
    std::fs::write(repo.join("agate.yaml"), config).unwrap();
    dir
}

fn gate_json(repo: &Path) -> (Option<i32>, serde_json::Value) {
    let output = agate(repo)
        .args(["gate", "--base", "HEAD~1", "--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code(), report)
}

#[test]
fn new_and_ai_lines_below_their_minimums_block() {
    let dir = repository(
        "version: 1\ngates:\n  tests:\n    coverage:\n      reports: [coverage/lcov.info]\n      new_lines: 50\n      ai_lines: 80\n",
    );
    let (code, report) = gate_json(dir.path());
    assert_eq!(code, Some(1));
    let coverage = &report["coverage"][0];
    assert_eq!(coverage["gate"], "tests");
    assert_eq!(
        coverage["new_lines"],
        serde_json::json!({"covered": 3, "total": 5})
    );
    assert_eq!(
        coverage["ai_lines"],
        serde_json::json!({"covered": 3, "total": 5})
    );
    let findings: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["gate"] == "tests")
        .collect();
    assert_eq!(
        findings.len(),
        1,
        "60% of new lines meets 50%; 60% of AI lines misses 80%"
    );
    let finding = findings[0];
    assert_eq!(finding["rule_id"], "coverage/ai-lines");
    assert_eq!(
        finding["message"],
        "tests run 60.0% of the AI-authored lines (3 of 5), below the 80% minimum; not run: lib.py 11, 13"
    );
    assert_eq!(finding["location"]["path"], "lib.py");
    assert_eq!(finding["location"]["start"]["line"], 11);
    assert_eq!(finding["tier"], "ai");
    assert_eq!(finding["blocking"], true);
}

#[test]
fn met_minimums_pass_and_a_missing_report_fails_closed() {
    let dir = repository(
        "version: 1\ngates:\n  tests:\n    coverage:\n      reports: [coverage/lcov.info]\n      new_lines: 60\n",
    );
    let (code, report) = gate_json(dir.path());
    let tests = report["verdict"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "tests")
        .unwrap()
        .clone();
    assert_eq!(tests["status"], "pass", "{report}");
    assert_eq!(code, Some(0));

    std::fs::remove_file(dir.path().join("coverage/lcov.info")).unwrap();
    let (code, report) = gate_json(dir.path());
    assert_eq!(code, Some(3));
    let tests = report["verdict"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "tests")
        .unwrap()
        .clone();
    assert_eq!(tests["status"], "error");
    assert!(
        tests["reasons"]
            .to_string()
            .contains("coverage report coverage/lcov.info: not found"),
        "{tests}"
    );
}

#[test]
fn coverage_settings_are_checked() {
    let dir = repository(
        "version: 1\ngates:\n  tests:\n    coverage:\n      reports: [coverage/lcov.info]\n      new_lines: 180\n",
    );
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("gates.tests.coverage: `new_lines: 180` is not a percentage")
    );
}
