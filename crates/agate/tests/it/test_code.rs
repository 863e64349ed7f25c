//! Findings in test code carry the `test` context and are reported at `tests.severity`.

use crate::{VULNERABLE_PY, agate, tree};

fn findings_by_path(report: &serde_json::Value) -> Vec<(String, String, Option<String>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["location"]["path"].as_str().unwrap().to_owned(),
                finding["severity"].as_str().unwrap().to_owned(),
                finding["context"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn issue_9_test_code_findings_are_reported_lower_with_their_context() {
    let dir = tree(&[
        ("src/app.py", VULNERABLE_PY),
        ("tests/test_app.py", VULNERABLE_PY),
        (
            "web/client.test.js",
            "const cp = require('child_process');\nfunction run(req) {\n  cp.exec('ls ' + req.query.dir);\n}\nmodule.exports = run;\n",
        ),
    ]);
    let output = agate(dir.path())
        .args(["scan", "--format", "json", "--only", "sast"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../../docs/report.schema.json")).unwrap();
    assert!(
        jsonschema::validator_for(&schema)
            .unwrap()
            .is_valid(&report)
    );
    let findings = findings_by_path(&report);
    assert!(
        findings.contains(&("src/app.py".into(), "critical".into(), None)),
        "{findings:?}"
    );
    assert!(
        findings.contains(&(
            "tests/test_app.py".into(),
            "low".into(),
            Some("test".into())
        )),
        "test findings stay in the report, at `low`: {findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|(path, severity, context)| path == "web/client.test.js"
                && severity == "low"
                && context.as_deref() == Some("test")),
        "{findings:?}"
    );

    // The gate blocks on the shipped code only; with `tests.severity: critical` the test
    // finding is judged like any other.
    std::fs::remove_file(dir.path().join("src/app.py")).unwrap();
    let gate = agate(dir.path())
        .args(["gate", "--block-at", "medium"])
        .output()
        .unwrap();
    assert_eq!(
        gate.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&gate.stdout)
    );
    std::fs::write(
        dir.path().join("agate.yaml"),
        "version: 1\ntests: { severity: critical }\n",
    )
    .unwrap();
    let gate = agate(dir.path())
        .args(["gate", "--block-at", "medium"])
        .output()
        .unwrap();
    assert_eq!(
        gate.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&gate.stdout)
    );
}
