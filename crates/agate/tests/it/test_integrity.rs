//! The test-integrity analyzer end to end: a real repository with tests at the base, a
//! change on a branch, and `agate gate --base main` (or `--staged`) judging it in the
//! built-in `functional` gate.

use std::path::Path;

use crate::{agate, git, git_as};

const CODE: &str = "\
def refund(amount):
    if amount < 0:
        raise ValueError(\"negative refund\")
    return amount
";

const TESTS: &str = "\
import pytest

from pricing import refund


def test_refund_rejects_negative():
    with pytest.raises(ValueError):
        refund(-1)
    assert refund(0) == 0
    assert refund(5) == 5


def test_refund_keeps_amount():
    assert refund(7) == 7
";

const JS_TESTS: &str = "\
const { total } = require('../lib/total');

describe('total', () => {
  it('adds amounts', () => {
    expect(total([1, 2])).toBe(3);
  });
});
";

const AI: &str = "Claude <claude@users.noreply.github.com>";

/// A repository on branch `feature`, forked from `main` with the code and its tests.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "pricing.py", CODE);
    write(root, "tests/test_pricing.py", TESTS);
    write(
        root,
        "lib/total.js",
        "exports.total = (xs) => xs.reduce((a, b) => a + b, 0);\n",
    );
    write(root, "web/__tests__/total.test.js", JS_TESTS);
    write(root, ".coveragerc", "[report]\nfail_under = 90\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Commits everything as an AI agent (a `Co-authored-by` trailer of a known agent).
fn commit_as_ai(root: &Path, message: &str) {
    git(root, &["add", "-A"]);
    git_as(
        root,
        AI,
        &[
            "commit",
            "-q",
            "-m",
            &format!("{message}\n\nCo-authored-by: Claude <noreply@anthropic.com>"),
        ],
    );
}

/// `agate gate` with `args` and the JSON report: exit code and the test-integrity
/// findings as (rule, path, line, gate, tier, message).
fn gate(root: &Path, args: &[&str]) -> (Option<i32>, Vec<[String; 6]>, serde_json::Value) {
    let output = agate(root)
        .args(["gate", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_owned();
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["analyzer"] == "test-integrity")
        .map(|finding| {
            [
                text(&finding["rule_id"]),
                text(&finding["location"]["path"]),
                finding["location"]["start"]["line"].to_string(),
                text(&finding["gate"]),
                text(&finding["tier"]),
                text(&finding["message"]),
            ]
        })
        .collect();
    (output.status.code(), findings, report)
}

#[test]
fn issue_10_test_integrity_blocks_an_ai_change_that_weakens_the_tests() {
    let dir = repository();
    let root = dir.path();
    // The agent makes the build green: one assertion goes, another checks nothing, the
    // JavaScript test is skipped, the threshold drops and a linter is silenced.
    write(
        root,
        "tests/test_pricing.py",
        &TESTS
            .replace("    assert refund(5) == 5\n", "")
            .replace("assert refund(7) == 7", "assert True"),
    );
    write(
        root,
        "web/__tests__/total.test.js",
        &JS_TESTS.replace("it('adds", "it.skip('adds"),
    );
    write(root, ".coveragerc", "[report]\nfail_under = 60\n");
    write(
        root,
        "pricing.py",
        &CODE.replace("def refund(amount):", "def refund(amount):  # noqa: C901"),
    );
    commit_as_ai(root, "make the build green");

    let (code, findings, _) = gate(root, &["--base", "main"]);
    assert_eq!(code, Some(1), "{findings:?}");
    let rules: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|[rule, path, line, ..]| (rule.as_str(), path.as_str(), line.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            (
                "test-integrity.coverage-threshold-lowered",
                ".coveragerc",
                "2"
            ),
            ("test-integrity.suppression-added", "pricing.py", "1"),
            (
                "test-integrity.assertion-removed",
                "tests/test_pricing.py",
                "6"
            ),
            (
                "test-integrity.assertion-loosened",
                "tests/test_pricing.py",
                "13"
            ),
            (
                "test-integrity.test-skipped",
                "web/__tests__/total.test.js",
                "4"
            ),
        ]
    );
    for [rule, path, _, gate, tier, _] in &findings {
        assert_eq!(gate, "functional", "{rule}");
        // What the agent wrote is in the ai tier; a removal points at the test's own
        // line, which the change left alone, and blocks at `high` in any tier.
        let expected = if rule.ends_with("assertion-removed") {
            "legacy"
        } else {
            "ai"
        };
        assert_eq!(tier, expected, "{rule} in {path}");
    }
    let messages: Vec<&str> = findings.iter().map(|finding| finding[5].as_str()).collect();
    assert!(messages.contains(&"coverage threshold `fail_under` lowered from 90 to 60"));
    assert!(messages.contains(
        &"test `test_refund_rejects_negative` has 2 assertions where it had 3 at the base"
    ));
    assert!(messages.contains(
        &"assertion of test `test_refund_keeps_amount` loosened: `assert refund(7) == 7` became `assert True`"
    ));
}

#[test]
fn issue_10_test_integrity_reports_deleted_test_files_and_functions() {
    let dir = repository();
    let root = dir.path();
    std::fs::remove_file(root.join("web/__tests__/total.test.js")).unwrap();
    write(
        root,
        "tests/test_pricing.py",
        &TESTS.replace(
            "\n\ndef test_refund_keeps_amount():\n    assert refund(7) == 7\n",
            "",
        ),
    );
    commit_as_ai(root, "drop flaky tests");

    let (code, findings, _) = gate(root, &["--base", "main"]);
    assert_eq!(code, Some(1));
    let found: Vec<(&str, &str)> = findings
        .iter()
        .map(|finding| (finding[0].as_str(), finding[5].as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "test-integrity.test-deleted",
                "test `test_refund_keeps_amount` deleted (it had 1 assertion)"
            ),
            (
                "test-integrity.test-file-deleted",
                "test file `web/__tests__/total.test.js` deleted with 1 test (`total > adds amounts`; 1 assertion)"
            ),
        ]
    );
    // Alone, it still judges the change's files: blocked, not "nothing scanned".
    let (code, alone, report) = gate(root, &["--base", "main", "--only", "test-integrity"]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(alone, findings);
    assert!(
        report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|notice| notice["level"] != "error"),
        "{report}"
    );
}

#[test]
fn issue_10_test_integrity_passes_a_change_that_only_adds_tests_or_renames_them() {
    let dir = repository();
    let root = dir.path();
    // A renamed test file with the same tests, and a new test.
    git(
        root,
        &["mv", "tests/test_pricing.py", "tests/test_refunds.py"],
    );
    write(
        root,
        "tests/test_refunds.py",
        &format!("{TESTS}\n\ndef test_refund_of_one():\n    assert refund(1) == 1\n"),
    );
    commit_as_ai(root, "more tests");

    let (code, findings, report) = gate(root, &["--base", "main"]);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(code, Some(0), "{report}");
    let gates = report["verdict"]["gates"].as_array().unwrap();
    assert!(
        gates
            .iter()
            .any(|gate| gate["name"] == "functional" && gate["status"] == "pass"),
        "{gates:?}"
    );
}

#[test]
fn issue_10_test_integrity_without_a_base_compares_nothing() {
    let dir = repository();
    let root = dir.path();
    std::fs::remove_file(root.join("tests/test_pricing.py")).unwrap();
    commit_as_ai(root, "drop tests");
    // No --base, no remote, no provenance.base: nothing to compare with.
    let (_, findings, _) = gate(root, &[]);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn issue_10_test_integrity_checks_the_staged_changes_against_head() {
    let dir = repository();
    let root = dir.path();
    write(
        root,
        "tests/test_pricing.py",
        &TESTS.replace(
            "def test_refund_keeps_amount",
            "@pytest.mark.skip\ndef test_refund_keeps_amount",
        ),
    );
    // Not staged yet: nothing to commit.
    let (code, findings, _) = gate(root, &["--staged"]);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(code, Some(0));
    git(root, &["add", "tests/test_pricing.py"]);
    let (code, findings, _) = gate(root, &["--staged"]);
    assert_eq!(code, Some(1), "{findings:?}");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0][0], "test-integrity.test-skipped");
    assert_eq!(
        findings[0][5],
        "test `test_refund_keeps_amount` is now skipped (`@pytest.mark.skip`)"
    );
    // `--only` may name it with --staged, not other analyzers.
    let output = agate(root)
        .args(["gate", "--staged", "--only", "sast"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("secrets and test integrity only"));
}
