use crate::{SAFE_PY, VULNERABLE_PY, agate, stable, tree};

#[test]
fn scan_renders_findings_with_excerpt_and_summary() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let output = agate(dir.path()).arg("scan").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "scan never blocks");
    insta::assert_snapshot!(stable(&output.stdout));
}

#[test]
fn sarif_output_validates_and_goes_to_the_file() {
    let dir = tree(&[("src/app.py", VULNERABLE_PY), ("src/ok.py", SAFE_PY)]);
    let output = agate(dir.path())
        .args(["scan", "src", "--format", "sarif", "--output", "out.sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stdout.is_empty(),
        "the report goes to the file, not stdout"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("Report written to `out.sarif`"));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../../agate-report/tests/sarif-schema-2.1.0.json"
    ))
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&sarif));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/app.py"
    );
    assert_eq!(results[0]["ruleId"], "py.command-injection");
}

#[test]
fn json_report_follows_the_published_schema() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let output = agate(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../../docs/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&report));
    assert_eq!(report["schema_version"], 2);
    assert_eq!(report["findings"][0]["location"]["start"]["line"], 5);
}

#[test]
fn bad_files_become_notices_and_the_scan_goes_on() {
    let dir = tree(&[
        ("broken.py", "def (:\n    os.system(x +\n"),
        ("app.py", VULNERABLE_PY),
    ]);
    std::fs::write(
        dir.path().join("latin1.py"),
        b"# caf\xe9\nimport os, sys\nos.system(cmd + sys.argv[1])\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let notices = report["notices"].as_array().unwrap();
    assert!(notices.iter().any(
        |n| n["path"] == "broken.py" && n["message"].as_str().unwrap().contains("syntax error")
    ));
    assert!(
        notices
            .iter()
            .any(|n| n["path"] == "latin1.py" && n["message"].as_str().unwrap().contains("UTF-8"))
    );
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"py.command-injection"),
        "latin-1 file still scanned: {rules:?}"
    );
}

#[test]
fn user_rule_folders_add_rules_and_bad_rules_are_usage_errors() {
    let rule = "id: py.no-print\nlanguage: python\nmessage: print in production code\nrule: { pattern: print($$$) }\nmetadata: { severity: low, confidence: high, ai_pattern: true }\n";
    let dir = tree(&[
        ("rules/py.no-print.yaml", rule),
        ("app.py", "print('hi')\n"),
    ]);
    let output = agate(dir.path())
        .args(["scan", "app.py", "--rules", "rules", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "py.no-print");

    std::fs::write(
        dir.path().join("rules/py.no-print.yaml"),
        rule.replace("severity: low", "severity: severe"),
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["scan", "--rules", "rules"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("py.no-print.yaml") && stderr.contains("severe"),
        "{stderr}"
    );
}

#[test]
fn ignore_globs_hold_when_the_path_is_the_default_dot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("generated")).unwrap();
    let code = "import os\n\n\ndef run(name):\n    os.system(\"tar \" + name)\n";
    std::fs::write(dir.path().join("generated/tool.py"), code).unwrap();
    std::fs::write(dir.path().join("app.py"), code).unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        "version: 1\nignore: [\"generated/**\"]\n",
    )
    .unwrap();
    for args in [
        &["scan", "--format", "json"][..],
        &["scan", ".", "--format", "json"],
        &["scan", "./", "--format", "json"],
    ] {
        let output = super::agate(dir.path()).args(args).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let paths: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["location"]["path"].as_str().unwrap())
            .collect();
        assert!(
            !paths.is_empty() && paths.iter().all(|path| *path == "app.py"),
            "{args:?}: {paths:?}"
        );
    }
}

#[test]
fn issue_8_only_takes_the_analyzers_one_list_names() {
    let dir = tree(&[("a.py", "x = 1\n")]);
    for (name, says) in [
        ("sca", "unknown analyzer `sca`"),
        ("rego", "`rego` findings come from the policy"),
    ] {
        let output = agate(dir.path())
            .args(["scan", "--only", name])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(
            stderr.contains("expected one of: sast, secrets, deps, ai-patterns, external"),
            "{stderr}"
        );
    }
    agate(dir.path())
        .args(["scan", "--only", "ai-patterns,external"])
        .assert()
        .success();
}
