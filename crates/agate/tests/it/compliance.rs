//! Rules' compliance requirements reach every place a rule is described: `rules show`, the
//! JSON report, SARIF (taxonomies, relationships and tags) and HTML; compliance packs, the
//! control matrix of `agate compliance report`, and the gate that requires controls.

use crate::secrets::card;
use crate::{agate, tree};

#[test]
fn issue_8_rules_show_prints_compliance() {
    let dir = tree(&[]);
    let output = agate(dir.path())
        .args(["rules", "show", "secret.payment-card-number"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("compliance: PCI-DSS-4 3.4.1, PCI-DSS-4 3.5.1"),
        "{text}"
    );
}

#[test]
fn issue_8_reports_carry_compliance() {
    let source = format!("logger.info(\"charged card {}\")\n", card(8));
    let dir = tree(&[("pay.py", source.as_str())]);
    let output = agate(dir.path())
        .args([
            "scan",
            "--only",
            "secrets",
            "--format",
            "json",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
            "--format",
            "html",
            "--output",
            "out.html",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&output.stderr));
    });
    let rule = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["id"] == "secret.payment-card-number")
        .unwrap();
    assert_eq!(
        rule["compliance"],
        serde_json::json!(["PCI-DSS-4 3.4.1", "PCI-DSS-4 3.5.1"])
    );

    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["taxonomies"][0]["name"], "PCI-DSS-4");
    assert_eq!(
        run["taxonomies"][0]["taxa"],
        serde_json::json!([{ "id": "3.4.1" }, { "id": "3.5.1" }])
    );
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["relationships"][1]["target"]["id"], "3.5.1");
    assert!(
        rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&"compliance/PCI-DSS-4 3.4.1".into())
    );

    let html = std::fs::read_to_string(dir.path().join("out.html")).unwrap();
    assert!(
        html.contains("PCI-DSS-4 3.4.1<br>PCI-DSS-4 3.5.1"),
        "{html}"
    );
}

// Issue 12: compliance packs, the control matrix and the compliance gate.

/// A Flask view that builds SQL from request input.
const SQL_FROM_INPUT: &str = "from flask import request\nimport sqlite3\n\n\ndef view():\n    q = request.args.get(\"id\")\n    conn = sqlite3.connect(\"x\")\n    return conn.execute(\"SELECT * FROM t WHERE id = \" + q)\n";

/// `agate compliance report` in `dir` with `args`: exit code, stdout, stderr.
fn report(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = agate(dir)
        .args(["compliance", "report"])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn matrix(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = report(dir, &all);
    assert_eq!(code, Some(0), "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}\n{stderr}"))
}

fn control<'m>(matrix: &'m serde_json::Value, id: &str) -> &'m serde_json::Value {
    matrix["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|control| control["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}

#[test]
fn issue_12_a_card_number_fails_pci_dss_3_and_never_shows_in_full() {
    let number = card(12);
    let source = format!("logger.info(\"charged card {number}\")\n");
    let dir = tree(&[("pay.py", source.as_str())]);
    let matrix = matrix(dir.path(), &["--framework", "pci-dss-4"]);
    assert_eq!(matrix["framework"], "pci-dss-4");
    assert_eq!(matrix["title"], "PCI DSS v4.0");
    for id in ["3.4.1", "3.5.1"] {
        let control = control(&matrix, id);
        assert_eq!(control["status"], "fail", "{control}");
        let finding = &control["evidence"][0];
        assert_eq!(finding["kind"], "finding");
        assert_eq!(finding["rule"], "secret.payment-card-number");
        assert_eq!(finding["path"], "pay.py");
        assert_eq!(finding["line"], 1);
        assert_eq!(finding["fingerprint"].as_str().unwrap().len(), 32);
    }
    // The run's evidence.
    let run = &matrix["run"];
    assert!(run["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(run["environment"], "default");
    assert_eq!(run["tools"][0]["name"], "agate");
    assert!(run["gates"].as_array().unwrap().len() >= 3);
    assert!(matrix["summary"]["fail"].as_u64().unwrap() >= 2);

    for format in ["json", "summary", "html", "sarif"] {
        let (code, stdout, stderr) = report(
            dir.path(),
            &["--framework", "pci-dss-4", "--format", format],
        );
        assert_eq!(code, Some(0), "{stderr}");
        assert!(!stdout.contains(&number), "{format} shows the card number");
        assert!(!stderr.contains(&number), "{format} shows the card number");
    }
    // Nor the gate's JSON report, which carries the matrix when a gate requires it.
    std::fs::write(
        dir.path().join("agate.yaml"),
        "gates:\n  compliance:\n    frameworks: [pci-dss-4]\n    require: [\"3.5.1\"]\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains(&number));
    let gate: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(gate["compliance"][0]["framework"], "pci-dss-4");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn issue_12_sql_built_from_input_fails_6_2_4_and_unmapped_controls_are_not_covered() {
    let dir = tree(&[("app.py", SQL_FROM_INPUT)]);
    let matrix = matrix(dir.path(), &["--framework", "pci-dss-4"]);
    let attacks = control(&matrix, "6.2.4");
    assert_eq!(attacks["status"], "fail");
    assert_eq!(attacks["evidence"][0]["rule"], "py.sql-injection");
    assert_eq!(attacks["evidence"][0]["path"], "app.py");
    // No rule, analyzer or gate is evidence for these: never a pass.
    for id in ["3.3.1", "8.3.1", "10.2.1"] {
        let control = control(&matrix, id);
        assert_eq!(control["status"], "not-covered", "{control}");
        assert_eq!(control["evidence"], serde_json::json!([]));
    }
    // A pass lists the evidence that ran.
    let transport = control(&matrix, "4.2.1");
    assert_eq!(transport["status"], "pass");
    let rules = &transport["evidence"][0];
    assert_eq!(rules["kind"], "rules");
    assert!(
        rules["ids"]
            .as_array()
            .unwrap()
            .contains(&"py.tls-verify-disabled".into())
    );
    assert_eq!(rules["findings"], 0);
    assert_eq!(rules["files"], 1);

    // Rules that did not run are no evidence: with only the secrets analyzer, the SQL rule
    // is not checked, and no structural rule counts for 3.5.1.
    let secrets_only = self::matrix(
        dir.path(),
        &["--framework", "pci-dss-4", "--only", "secrets"],
    );
    assert_eq!(control(&secrets_only, "6.2.4")["status"], "not-covered");
    let stored = control(&secrets_only, "3.5.1");
    assert_eq!(stored["status"], "pass");
    assert_eq!(
        stored["evidence"][0]["ids"],
        serde_json::json!(["secret.payment-card-number"])
    );

    // The same run seen through the other frameworks.
    let owasp = self::matrix(dir.path(), &["--framework", "owasp-top10-2021"]);
    assert_eq!(control(&owasp, "A03:2021")["status"], "fail");
    let top25 = self::matrix(dir.path(), &["--framework", "cwe-top25-2024"]);
    assert_eq!(control(&top25, "CWE-89")["status"], "fail");
    assert_eq!(control(&top25, "CWE-787")["status"], "not-covered");
}

#[test]
fn issue_12_a_control_whose_gate_is_not_in_the_environment_is_an_error() {
    let dir = tree(&[
        ("app.py", "x = 1\n"),
        (
            "agate.yaml",
            "environments:\n  ci:\n    gates: [security]\ncompliance:\n  packs: [ours.yaml]\n",
        ),
        (
            "ours.yaml",
            "id: ours\ntag: OURS\ntitle: Our controls\ncontrols:\n  - id: T-1\n    title: functional tests pass\n    evidence:\n      gates: [functional]\n  - id: T-2\n    title: no raw SQL\n    evidence:\n      rules: [\"py.sql-injection\"]\n",
        ),
    ]);
    let matrix = matrix(dir.path(), &["--framework", "ours", "--env", "ci"]);
    let tests = control(&matrix, "T-1");
    assert_eq!(tests["status"], "error");
    assert_eq!(tests["evidence"][0]["kind"], "missing");
    assert!(
        tests["evidence"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("gate `functional` did not run in environment `ci`"),
        "{tests}"
    );
    assert_eq!(control(&matrix, "T-2")["status"], "pass");
    // --require: 3 for a control in error, 0 for one that passes.
    let (code, _, stderr) = report(
        dir.path(),
        &["--framework", "ours", "--env", "ci", "--require", "T-1"],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("required controls of `ours` not met: `T-1` error"),
        "{stderr}"
    );
    let (code, _, stderr) = report(
        dir.path(),
        &["--framework", "ours", "--env", "ci", "--require", "T-2"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("not met"), "{stderr}");
    let (code, _, stderr) = report(
        dir.path(),
        &["--framework", "ours", "--env", "ci", "--require", "T-9"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no control `T-9`"), "{stderr}");
}

#[test]
fn issue_12_the_compliance_gate_blocks_on_required_controls() {
    let clean = tree(&[
        ("app.py", "def add(a, b):\n    return a + b\n"),
        (
            "agate.yaml",
            "gates:\n  compliance:\n    frameworks: [pci-dss-4]\n    require: [all]\n",
        ),
    ]);
    // `all` includes controls no check covers: the gate blocks and names them.
    let output = agate(clean.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let gate = report["verdict"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "compliance")
        .unwrap();
    assert_eq!(gate["status"], "fail");
    assert!(
        gate["reasons"]
            .as_array()
            .unwrap()
            .contains(&"control `3.3.1` of `pci-dss-4` is not covered: no rule, analyzer or gate of this run is evidence for it".into()),
        "{gate}"
    );
    assert_eq!(report["compliance"][0]["framework"], "pci-dss-4");
    // The terminal names the controls, since no finding blocks.
    let output = agate(clean.path()).args(["gate"]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("environment `default`: blocked by compliance\n  compliance: control `3.3.1` of `pci-dss-4` is not covered"),
        "{text}"
    );

    // Only 6.2.4 required: clean code passes.
    std::fs::write(
        clean.path().join("agate.yaml"),
        "gates:\n  compliance:\n    frameworks: [pci-dss-4]\n    require: [\"6.2.4\"]\n",
    )
    .unwrap();
    let output = agate(clean.path()).args(["gate"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // SQL from input fails 6.2.4, so the gate blocks; in warn mode it only warns.
    std::fs::write(clean.path().join("app.py"), SQL_FROM_INPUT).unwrap();
    std::fs::write(
        clean.path().join("agate.yaml"),
        "gates:\n  security: off\n  compliance:\n    frameworks: [pci-dss-4]\n    require: [\"6.2.4\"]\n  checks:\n    analyzers: [sast]\nenvironments:\n  dev:\n    gates: [compliance, checks]\n    mode: warn\n",
    )
    .unwrap();
    let output = agate(clean.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("control `6.2.4` of `pci-dss-4` fails: 1 open finding"),
        "{text}"
    );
    let output = agate(clean.path())
        .args(["gate", "--env", "dev"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn issue_12_an_unknown_framework_or_control_names_its_line() {
    let dir = tree(&[
        ("app.py", "x = 1\n"),
        (
            "agate.yaml",
            "version: 1\ngates:\n  compliance:\n    frameworks: [pci-dss-5]\n",
        ),
    ]);
    let output = agate(dir.path()).args(["gate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("agate.yaml:4:"), "{stderr}");
    assert!(
        stderr.contains("unknown compliance framework `pci-dss-5`"),
        "{stderr}"
    );
    assert!(stderr.contains("pci-dss-4, owasp-top10-2021"), "{stderr}");

    std::fs::write(
        dir.path().join("agate.yaml"),
        "gates:\n  compliance:\n    frameworks: [pci-dss-4]\n    require:\n      - \"6.2.4\"\n      - \"6.9.9\"\n",
    )
    .unwrap();
    let output = agate(dir.path()).args(["gate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("agate.yaml:6:"), "{stderr}");
    assert!(stderr.contains("unknown control `6.9.9`"), "{stderr}");

    std::fs::remove_file(dir.path().join("agate.yaml")).unwrap();
    let (code, _, stderr) = report(dir.path(), &["--framework", "nope"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("unknown compliance framework `nope`"),
        "{stderr}"
    );
}

#[test]
fn issue_12_every_format_renders_and_html_escapes_hostile_paths() {
    let dir = tree(&[("<b>x.py", SQL_FROM_INPUT)]);
    let (code, html, stderr) = report(
        dir.path(),
        &["--framework", "pci-dss-4", "--format", "html"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("&lt;b&gt;x.py:8"), "{html}");
    assert!(!html.contains("<b>x.py"));

    let (code, sarif, _) = report(
        dir.path(),
        &["--framework", "pci-dss-4", "--format", "sarif"],
    );
    assert_eq!(code, Some(0));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run["taxonomies"][0]["name"], "pci-dss-4");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "py.sql-injection");
    assert!(
        result["taxa"]
            .as_array()
            .unwrap()
            .iter()
            .any(|taxon| taxon["id"] == "6.2.4")
    );
    assert!(
        !run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let (code, summary, _) = report(dir.path(), &["--framework", "pci-dss-4", "-o", "m.txt"]);
    assert_eq!(code, Some(0));
    assert!(summary.is_empty());
    let summary = std::fs::read_to_string(dir.path().join("m.txt")).unwrap();
    assert!(summary.contains("6.2.4    fail"), "{summary}");
    assert!(summary.contains("not covered"), "{summary}");
}

#[test]
fn issue_12_a_saved_gate_report_makes_the_same_matrix() {
    let dir = tree(&[("app.py", SQL_FROM_INPUT)]);
    let output = agate(dir.path())
        .args(["gate", "--format", "json", "--output", "gate.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let saved = matrix(
        dir.path(),
        &["--framework", "pci-dss-4", "--report", "gate.json"],
    );
    let fresh = matrix(dir.path(), &["--framework", "pci-dss-4"]);
    let statuses = |matrix: &serde_json::Value| -> Vec<(String, String)> {
        matrix["controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|control| {
                (
                    control["id"].as_str().unwrap().to_owned(),
                    control["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(statuses(&saved), statuses(&fresh));
    assert_eq!(
        control(&saved, "6.2.4")["evidence"][0]["rule"],
        "py.sql-injection"
    );

    // A scan's report has no verdict to build a matrix from.
    agate(dir.path())
        .args(["scan", "--format", "json", "--output", "scan.json"])
        .output()
        .unwrap();
    let (code, _, stderr) = report(
        dir.path(),
        &["--framework", "pci-dss-4", "--report", "scan.json"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no verdict"), "{stderr}");
}

#[test]
fn issue_12_rules_list_and_show_the_mappings() {
    let dir = tree(&[]);
    let output = agate(dir.path())
        .args(["rules", "list", "--compliance", "pci-dss-4"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find(|line| line.starts_with("secret.payment-card-number "))
        .unwrap();
    assert!(line.contains("3.4.1, 3.5.1, 6.5.5"), "{line}");
    assert!(
        text.lines()
            .any(|line| line.starts_with("py.sql-injection ") && line.contains("6.2.4"))
    );
    assert!(
        !text.contains("py.mutable-default-argument"),
        "unmapped rules are left out"
    );

    let output = agate(dir.path())
        .args(["rules", "show", "py.sql-injection"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("controls:   PCI-DSS-4 6.2.3, PCI-DSS-4 6.2.4, OWASP-2021 A03:2021, CWE-TOP25-2024 CWE-89"),
        "{text}"
    );
}

#[test]
fn issue_12_a_team_pack_is_checked_and_stays_under_the_root() {
    let dir = tree(&[
        ("app.py", "x = 1\n"),
        ("agate.yaml", "compliance:\n  packs: [ours.yaml]\n"),
        (
            "ours.yaml",
            "id: ours\ntag: OURS\ntitle: t\ncontrols:\n  - id: A\n    title: a\n    evidence:\n      rulez: [x]\n",
        ),
    ]);
    let (code, _, stderr) = report(dir.path(), &["--framework", "ours"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("ours.yaml:8: unknown key `rulez`"),
        "{stderr}"
    );

    let outside = tree(&[("pack.yaml", "id: x\ntag: X\ntitle: x\ncontrols: []\n")]);
    let escape = format!(
        "compliance:\n  packs: [{}]\n",
        outside.path().join("pack.yaml").display()
    );
    std::fs::write(dir.path().join("agate.yaml"), escape).unwrap();
    let (code, _, stderr) = report(dir.path(), &["--framework", "pci-dss-4"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("agate.yaml:2:") && stderr.contains("cannot use compliance pack"),
        "{stderr}"
    );

    // A pack of a bundled framework's id extends it with the team's rule.
    std::fs::write(
        dir.path().join("agate.yaml"),
        "compliance:\n  packs: [ours.yaml]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ours.yaml"),
        "id: pci-dss-4\ntag: PCI-DSS-4\ntitle: ours\ncontrols:\n  - id: \"3.3.1\"\n    title: SAD\n    evidence:\n      rules: [\"py.hardcoded-credential\"]\n",
    )
    .unwrap();
    let matrix = matrix(dir.path(), &["--framework", "pci-dss-4"]);
    assert_eq!(control(&matrix, "3.3.1")["status"], "pass");
    let output = agate(dir.path())
        .args(["rules", "list", "--compliance", "pci-dss-4"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.lines()
            .any(|line| line.starts_with("py.hardcoded-credential ") && line.contains("3.3.1")),
        "{text}"
    );
}

#[test]
fn issue_12_a_prompt_built_from_request_input_fails_llm01() {
    let source = "from flask import Flask, request\nfrom openai import OpenAI\n\napp = Flask(__name__)\nclient = OpenAI()\n\n\n@app.post(\"/support\")\ndef support():\n    persona = request.json[\"persona\"]\n    return client.chat.completions.create(\n        model=\"gpt-4o\",\n        messages=[\n            {\"role\": \"system\", \"content\": f\"You are {persona}.\"},\n        ],\n    )\n";
    let dir = tree(&[("bot.py", source)]);
    let matrix = matrix(dir.path(), &["--framework", "owasp-llm-top10-2025"]);
    let injection = control(&matrix, "LLM01:2025");
    assert_eq!(injection["status"], "fail", "{injection}");
    assert_eq!(injection["evidence"][0]["rule"], "py.llm-prompt-injection");
    assert_eq!(control(&matrix, "LLM10:2025")["status"], "pass");
    assert_eq!(control(&matrix, "LLM06:2025")["status"], "not-covered");
}

#[test]
fn issue_12_dependencies_unchecked_for_advisories_are_no_evidence() {
    // Dependencies, and no advisories imported (the tests' cache is empty): nothing checked
    // them for known vulnerabilities, so the patching control cannot pass.
    let dir = tree(&[
        ("requirements.txt", "flask==3.1.3\n"),
        ("app.py", "import flask\n"),
    ]);
    let matrix = matrix(dir.path(), &["--framework", "pci-dss-4"]);
    let patched = control(&matrix, "6.3.3");
    assert_eq!(patched["status"], "not-covered", "{patched}");
}

#[test]
fn issue_12_a_pack_no_gate_requires_is_still_checked_by_gate() {
    let dir = tree(&[
        ("app.py", "x = 1\n"),
        ("agate.yaml", "compliance:\n  packs: [packs/ours.yaml]\n"),
    ]);
    let output = agate(dir.path()).arg("gate").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("agate.yaml:2:")
            && stderr.contains("cannot use compliance pack `packs/ours.yaml`"),
        "{stderr}"
    );

    std::fs::create_dir(dir.path().join("packs")).unwrap();
    std::fs::write(
        dir.path().join("packs/ours.yaml"),
        "id: ours\ntag: OURS\ntitle: t\ncontrols: []\n",
    )
    .unwrap();
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn issue_12_rules_list_counts_a_team_packs_rules() {
    let dir = tree(&[
        ("agate.yaml", "compliance:\n  packs: [ours.yaml]\n"),
        (
            "ours.yaml",
            "id: ours\ntag: OURS\ntitle: Ours\ncontrols:\n  - id: A\n    title: a\n    evidence:\n      rules: [py.sql-injection]\n",
        ),
    ]);
    let output = agate(dir.path())
        .args(["rules", "list", "--compliance", "ours"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.starts_with("py.sql-injection "), "{text}");
    assert!(text.contains("\n1 rule mapped to Ours (ours)"), "{text}");
}

#[test]
fn issue_12_a_team_packs_texts_never_show_a_secret() {
    let token = crate::redaction::github_token(12);
    let pack = format!(
        "id: ours\ntag: OURS\ntitle: \"Ours {token}\"\ncontrols:\n  - id: \"A-{token}\"\n    title: \"rotate {token}\"\n    evidence:\n      rules: [py.sql-injection]\n"
    );
    let dir = tree(&[
        ("app.py", "x = 1\n"),
        (
            "agate.yaml",
            "compliance:\n  packs: [ours.yaml]\ngates:\n  security:\n    frameworks: [ours]\n",
        ),
        ("ours.yaml", pack.as_str()),
    ]);
    let hidden = &token[..4];
    for format in ["summary", "json", "html", "sarif"] {
        let (code, stdout, stderr) =
            report(dir.path(), &["--framework", "ours", "--format", format]);
        assert_eq!(code, Some(0), "{format}: {stderr}");
        assert!(!stdout.contains(&token), "{format}: {stdout}");
        assert!(stdout.contains(&format!("{hidden}…")), "{format}: {stdout}");
    }
    agate(dir.path())
        .args(["gate", "--format", "json", "--output", "gate.json"])
        .output()
        .unwrap();
    let saved = std::fs::read_to_string(dir.path().join("gate.json")).unwrap();
    assert!(saved.contains("\"framework\": \"ours\""), "{saved}");
    assert!(!saved.contains(&token), "{saved}");
    let (code, stdout, stderr) = report(
        dir.path(),
        &[
            "--framework",
            "ours",
            "--report",
            "gate.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.contains(&token), "{stdout}");

    // `rules list --compliance` shows the pack's ids and title too, control characters
    // spelled out.
    std::fs::write(
        dir.path().join("ours.yaml"),
        pack.replace("A-", "A\\x1b[2J-"),
    )
    .unwrap();
    for format in ["terminal", "json"] {
        let output = agate(dir.path())
            .args(["rules", "list", "--compliance", "ours", "--format", format])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains("py.sql-injection"), "{stdout}");
        assert!(!stdout.contains(&token), "{format}: {stdout}");
        assert!(!stdout.contains('\u{1b}'), "{format}: {stdout}");
    }
}

#[test]
fn issue_12_a_team_pack_may_not_add_evidence_to_a_locked_requirement() {
    // The organisation requires 3.3.1, which no rule covers: the gate blocks. A team pack
    // mapping a rule that never fires to it would make it pass.
    let dir = tree(&[
        ("app.py", "x = 1\n"),
        (
            "org/org.yaml",
            "version: 1\nlocked: [gates]\ngates:\n  compliance:\n    frameworks: [pci-dss-4]\n    require: [\"3.3.1\"]\n",
        ),
        (
            "agate.yaml",
            "version: 1\nextends: [org/org.yaml]\ncompliance:\n  packs: [ours.yaml]\n",
        ),
        (
            "ours.yaml",
            "id: pci-dss-4\ntag: PCI-DSS-4\ntitle: ours\ncontrols:\n  - id: \"3.3.1\"\n    title: SAD\n    evidence:\n      rules: [secret.payment-card-number]\n",
        ),
    ]);
    let output = agate(dir.path()).args(["gate"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("agate.yaml:4:")
            && stderr.contains("adds evidence to `pci-dss-4`, which gate `compliance` (locked at")
            && stderr.contains("org.yaml:2:"),
        "{stderr}"
    );

    // Its own framework is fine; so is the extension when nothing is locked.
    std::fs::write(
        dir.path().join("ours.yaml"),
        "id: ours\ntag: OURS\ntitle: ours\ncontrols:\n  - id: A\n    title: a\n    evidence:\n      rules: [secret.payment-card-number]\n",
    )
    .unwrap();
    let output = agate(dir.path()).args(["gate"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "3.3.1 stays not covered: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(
        dir.path().join("org/org.yaml"),
        "version: 1\ngates:\n  compliance:\n    frameworks: [pci-dss-4]\n    require: [\"3.3.1\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ours.yaml"),
        "id: pci-dss-4\ntag: PCI-DSS-4\ntitle: ours\ncontrols:\n  - id: \"3.3.1\"\n    title: SAD\n    evidence:\n      rules: [secret.payment-card-number]\n",
    )
    .unwrap();
    let output = agate(dir.path()).args(["gate"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
