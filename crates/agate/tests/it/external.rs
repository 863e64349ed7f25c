//! External checks in `agate gate`: a tool's results in every report format, failing
//! closed, configuration errors, and the `--format`/`--output` pairs.

use std::path::Path;

use super::{agate, exit_code};

/// A SARIF log as a tool would write it: one result the bundled rules do not make.
const TOOL_SARIF: &str = r#"{
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {"name": "acme-scan", "rules": [{
      "id": "acme.weak-token",
      "shortDescription": {"text": "tokens from a weak random source"},
      "helpUri": "https://acme.test/rules/weak-token",
      "properties": {"tags": ["security", "external/cwe/cwe-330"], "security-severity": "7.5"}
    }]}},
    "results": [{
      "ruleId": "acme.weak-token",
      "level": "warning",
      "message": {"text": "session token from a weak source"},
      "locations": [{"physicalLocation": {
        "artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 12, "endColumn": 27}
      }}]
    }]
  }]
}"#;

/// A project whose only finding comes from the external tool.
fn project(run: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "import uuid\n\n\ndef token():\n    return uuid.uuid4().hex\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("tool")).unwrap();
    std::fs::write(dir.path().join("tool/result.sarif"), TOOL_SARIF).unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!(
            "version: 1\ngates:\n  security:\n    external:\n      - name: acme\n        run: {run}\n        format: sarif\nenvironments:\n  dev:\n    mode: warn\n"
        ),
    )
    .unwrap();
    dir
}

const COPY_REPORT: &str = r#"["cp", "tool/result.sarif", "{out}"]"#;

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn one_run_writes_every_format_with_the_tools_result() {
    let dir = project(COPY_REPORT);
    let output = agate(dir.path())
        .args([
            "gate", "--format", "junit", "--output", "j.xml", "--format", "sarif", "--output",
            "s.sarif", "--format", "gitlab", "--output", "g.json", "--format", "github",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("::error file=app.py,line=4,endLine=4,col=12,endColumn=27,title=acme/acme.weak-token (high)::session token from a weak source"),
        "{stdout}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&read(dir.path(), "s.sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let result = results
        .iter()
        .find(|result| result["ruleId"] == "acme/acme.weak-token")
        .unwrap();
    assert_eq!(result["properties"]["sources"][0]["tool"], "acme");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules
        .iter()
        .find(|rule| rule["id"] == "acme/acme.weak-token")
        .unwrap();
    assert_eq!(rule["properties"]["tags"][1], "external/cwe/cwe-330");
    let junit = read(dir.path(), "j.xml");
    assert!(
        junit.contains(r#"<testcase classname="agate.security" name="acme/acme.weak-token app.py:4" file="app.py" line="4">"#),
        "{junit}"
    );
    let gitlab: serde_json::Value = serde_json::from_str(&read(dir.path(), "g.json")).unwrap();
    assert_eq!(gitlab[0]["check_name"], "acme/acme.weak-token");
    assert_eq!(gitlab[0]["severity"], "critical");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("agate: check `acme`: 1 finding in"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Reports written to `j.xml`, `s.sarif`, `g.json`."),
        "{stderr}"
    );
}

#[test]
fn a_tool_that_exits_127_fails_the_gate_closed() {
    let dir = project(r#"["sh", "-c", "echo 'acme: command not found' >&2; exit 127"]"#);
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let security = report["verdict"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "security")
        .unwrap();
    assert_eq!(security["status"], "error");
    assert_eq!(
        security["reasons"][0],
        "check `acme` failed: exited with code 127, not 0 or 1: acme: command not found"
    );
    assert_eq!(report["checks"][0]["stderr"], "acme: command not found");
    assert_eq!(report["checks"][0]["exit_code"], 127);
    // In warn mode the same failure warns instead.
    assert_eq!(exit_code(dir.path(), &["gate", "--env", "dev"]), Some(0));
    // `agate scan` does not run gates' checks.
    assert_eq!(exit_code(dir.path(), &["scan"]), Some(0));
}

#[test]
fn a_run_string_needs_shell_true() {
    let dir = project(r#""acme scan --sarif""#);
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("agate.yaml:5"), "{stderr}");
    assert!(
        stderr.contains(
            "gates.security.external `acme`: `run` is a string, which would need a shell"
        ),
        "{stderr}"
    );
}

#[test]
fn an_unknown_format_suggests_the_closest() {
    let dir = project(COPY_REPORT);
    let config = read(dir.path(), "agate.yaml").replace("format: sarif", "format: sarf");
    std::fs::write(dir.path().join("agate.yaml"), config).unwrap();
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("`sarf` is not a tool format"), "{stderr}");
    assert!(stderr.contains("sarif"), "{stderr}");
}

#[test]
fn outputs_pair_with_the_format_before_them() {
    let dir = project(COPY_REPORT);
    let output = agate(dir.path())
        .args([
            "scan", "--output", "a.json", "--format", "json", "--format", "sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("`--output a.json` comes before any --format")
    );
    let output = agate(dir.path())
        .args([
            "scan", "--format", "json", "-o", "a.json", "-o", "b.json", "--format", "sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    // One format: its output may come first, as before.
    assert_eq!(
        exit_code(
            dir.path(),
            &["scan", "-o", "one.sarif", "--format", "sarif"]
        ),
        Some(0)
    );
    assert!(read(dir.path(), "one.sarif").contains("\"version\": \"2.1.0\""));
}

#[test]
fn report_convert_renders_a_saved_report_like_the_run_did() {
    let dir = project(COPY_REPORT);
    agate(dir.path())
        .args([
            "gate", "--format", "json", "-o", "r.json", "--format", "sarif", "-o", "s.sarif",
            "--format", "junit", "-o", "j.xml",
        ])
        .assert()
        .code(1);
    for (format, direct) in [("sarif", "s.sarif"), ("junit", "j.xml")] {
        let converted = agate(dir.path())
            .args(["report", "convert", "r.json", "--to", format])
            .output()
            .unwrap();
        assert_eq!(converted.status.code(), Some(0));
        assert_eq!(
            String::from_utf8(converted.stdout).unwrap(),
            read(dir.path(), direct)
        );
    }
    std::fs::write(dir.path().join("bad.json"), "{\"schema_version\": 99}").unwrap();
    let output = agate(dir.path())
        .args(["report", "convert", "bad.json", "--to", "html"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("is not an agate report of schema version 1")
    );
}

#[test]
fn sonarqube_quality_gate_conditions_from_its_web_api() {
    let status = r#"{"projectStatus":{"status":"ERROR","conditions":[{"status":"ERROR","metricKey":"new_coverage","comparator":"LT","errorThreshold":"80","actualValue":"42.5"},{"status":"OK","metricKey":"new_bugs","comparator":"GT","errorThreshold":"0","actualValue":"0"}]}}"#;
    let (url, seen) =
        super::notify::serve_answers(vec![(200, status.to_owned()), (401, "{}".to_owned())]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        "version: 1\ngates:\n  quality:\n    external:\n      - name: sonar\n        format: sonarqube\n        project: acme:shop\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .env("SONAR_HOST_URL", &url)
        .env("SONAR_TOKEN", "squ_token")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let request = seen
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    assert_eq!(
        request.path,
        "/api/qualitygates/project_status?projectKey=acme:shop"
    );
    // The token is the user name of HTTP basic authentication: base64("squ_token:").
    assert_eq!(
        request.header("Authorization"),
        Some("Basic c3F1X3Rva2VuOg==")
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_id"], "sonar/new_coverage");
    assert_eq!(finding["gate"], "quality");
    assert_eq!(
        finding["message"],
        "SonarQube quality gate: new_coverage is 42.5 but must be at least 80"
    );

    // A refused token fails the gate closed, and says what to do.
    let output = agate(dir.path())
        .arg("gate")
        .env("SONAR_HOST_URL", &url)
        .env("SONAR_TOKEN", "expired")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("SonarQube refused the request (HTTP 401): set SONAR_TOKEN")
    );
    // Without a server, the check cannot run.
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("export SONAR_HOST_URL"));
}

#[test]
fn external_rules_can_be_configured_and_suppressed() {
    let dir = project(COPY_REPORT);
    let config = read(dir.path(), "agate.yaml");
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!("{config}rules:\n  acme/acme.weak-token: {{ severity: low }}\n"),
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["severity"], "low");

    // An unknown check's rule is still an error.
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!("{config}rules:\n  nope/acme.weak-token: off\n"),
    )
    .unwrap();
    assert_eq!(super::exit_code(dir.path(), &["gate"]), Some(2));

    // A suppression with a reason silences the tool's finding, and names a known rule.
    std::fs::write(dir.path().join("agate.yaml"), &config).unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "import uuid\n\n# agate: ignore[acme/acme.weak-token] reason=\"ids, not secrets\"\ndef token():\n    return uuid.uuid4().hex\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["acme/acme.weak-token"],
        "no suppression problem reported"
    );
    assert_eq!(report["findings"][0]["status"], "suppressed");
}

#[test]
fn secrets_a_tool_prints_are_redacted_in_the_report() {
    let key = format!(
        "sk_live_{}",
        super::secrets::random(7, super::secrets::ALNUM, 24)
    );
    // The tool reads its key from the environment (as it should) and prints it.
    let dir = project(r#"["sh", "-c", "echo \"auth failed for key $TOOL_KEY\" >&2; exit 2"]"#);
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .env("TOOL_KEY", &key)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    for (what, text) in [("report", &stdout), ("log", &stderr)] {
        assert!(!text.contains(&key), "the {what} shows the key: {text}");
        assert!(
            !text.contains(&key[8..]),
            "the {what} shows the key: {text}"
        );
    }
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        report["checks"][0]["stderr"]
            .as_str()
            .unwrap()
            .starts_with("auth failed for key sk_l"),
        "{report}"
    );
}
