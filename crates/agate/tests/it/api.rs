//! `agate api test` against real services: the items service of `tests/fixtures/api` in
//! Express and in Flask, each started by `--start` on a free port, broken (three contract
//! violations) and fixed (none); and the exits of a bad document, a remote target, a
//! service that cannot start and one that is not there.
//!
//! The Express and Flask tests need the packages: `scripts/test` installs them and runs
//! these tests (they are ignored by a plain `cargo test`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::agate;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api")
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `agate api test` on the fixture service started by `program`, in `mode`; returns
/// the exit code and the JSON report.
fn test_service(program: &[&str], mode: &str, path: &str, node_path: &str) -> (i32, Value) {
    let port = free_port().to_string();
    let base = format!("http://127.0.0.1:{port}");
    let output = agate(&fixtures())
        .env("PATH", path)
        .env("NODE_PATH", node_path)
        .args(["api", "test", "--spec", "openapi.yaml", "--base-url", &base])
        .arg("--start")
        .args(program)
        .args([port.as_str(), mode, "--"])
        .args(["--ready", &format!("{base}/health"), "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), report)
}

fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule_id"].as_str().unwrap().to_owned())
        .collect()
}

/// The finding of `rule` on `operation`.
fn finding<'r>(report: &'r Value, rule: &str, operation: &str) -> &'r Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| {
            finding["rule_id"] == rule
                && finding["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("`{operation}`"))
        })
        .unwrap_or_else(|| panic!("no {rule} on {operation}: {report:#}"))
}

/// The three deliberate violations, at the operations' lines of openapi.yaml, and the
/// service's logs as a notice.
fn assert_broken(code: i32, report: &Value, started: &str) {
    assert_eq!(code, 1, "{report:#}");
    let wrong_type = finding(report, "api.response-schema", "GET /items/{id}");
    let message = wrong_type["message"].as_str().unwrap();
    assert!(message.contains("`GET /items/1` (valid)"), "{message}");
    assert!(message.contains("at `/price`"), "{message}");
    assert!(message.contains("\"price\":\"12.5\""), "{message}");
    assert_eq!(wrong_type["location"]["path"], "openapi.yaml");
    assert_eq!(wrong_type["location"]["start"]["line"], 48);
    // Issue 21: the operation's line is the finding's snippet.
    assert_eq!(wrong_type["snippet"], "    get:");
    let undocumented = finding(report, "api.undocumented-status", "POST /items");
    let message = undocumented["message"].as_str().unwrap();
    assert!(
        message.contains("expected one of the documented statuses (201, 400, 413), got status 200"),
        "{message}"
    );
    assert_eq!(undocumented["location"]["start"]["line"], 30);
    let crash = finding(report, "api.server-error", "POST /items");
    let message = crash["message"].as_str().unwrap();
    assert!(message.contains("malformed body"), "{message}");
    assert!(
        message.contains("expected a 4xx, got status 500"),
        "{message}"
    );
    assert!(
        report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|rule| rule["id"] == "api.server-error")
    );
    let logs = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|notice| {
            notice["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("the service `{started}"))
        })
        .unwrap_or_else(|| panic!("no logs: {report:#}"));
    assert_eq!(logs["level"], "warning");
}

fn node_modules() -> String {
    std::env::var("AGATE_TEST_NODE_MODULES").unwrap_or_else(|_| {
        panic!("AGATE_TEST_NODE_MODULES is not set: run `scripts/test`, which installs Express")
    })
}

fn path() -> String {
    std::env::var("PATH").unwrap_or_default()
}

#[test]
#[ignore = "needs Node.js with Express: scripts/test installs it and runs this"]
fn issue_10_api_express_contract_violations_are_findings() {
    let (code, report) = test_service(&["node", "app.js"], "broken", &path(), &node_modules());
    assert_broken(code, &report, "node app.js");
}

#[test]
#[ignore = "needs Node.js with Express: scripts/test installs it and runs this"]
fn issue_10_api_express_fixed_twin_passes() {
    let (code, report) = test_service(&["node", "app.js"], "fixed", &path(), &node_modules());
    assert_eq!(rules(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(code, 0);
}

#[test]
#[ignore = "needs Flask: scripts/test installs it and runs this"]
fn issue_10_api_flask_contract_violations_are_findings() {
    let path = super::tools::tools_path();
    let (code, report) = test_service(&["python3", "app.py"], "broken", &path, "");
    assert_broken(code, &report, "python3 app.py");
}

#[test]
#[ignore = "needs Flask: scripts/test installs it and runs this"]
fn issue_10_api_flask_fixed_twin_passes() {
    let path = super::tools::tools_path();
    let (code, report) = test_service(&["python3", "app.py"], "fixed", &path, "");
    assert_eq!(rules(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(code, 0);
}

#[test]
fn issue_10_api_a_bad_document_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openapi.yaml"),
        "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      summary: no responses\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["api", "test", "--spec", "openapi.yaml", "--base-url"])
        .arg(format!("http://127.0.0.1:{}", free_port()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("openapi.yaml:4: `GET /a` has no `responses`"),
        "{stderr}"
    );
}

#[test]
fn issue_10_api_a_remote_target_needs_allow_remote() {
    let dir = tempfile::tempdir().unwrap();
    let output = agate(dir.path())
        .args(["api", "test", "--spec", "openapi.yaml"])
        .args(["--base-url", "http://192.0.2.1:8080"])
        .args(["--start", "agate-never-started"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`--allow-remote`"), "{stderr}");
}

#[test]
fn issue_10_api_a_service_that_cannot_start_or_be_reached_exits_3() {
    let fixtures = fixtures();
    let base = format!("http://127.0.0.1:{}", free_port());
    let output = agate(&fixtures)
        .args(["api", "test", "--spec", "openapi.yaml", "--base-url", &base])
        .args(["--start", "agate-no-such-server", "--port", "1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("command `agate-no-such-server` not found"),
        "{stderr}"
    );
    let output = agate(&fixtures)
        .args(["api", "test", "--spec", "openapi.yaml", "--base-url", &base])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("no request reached the service at `{base}`")),
        "{stderr}"
    );
}

#[test]
fn issue_10_api_a_service_that_exits_early_is_reported_with_its_logs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("openapi.yaml"),
        dir.path().join("openapi.yaml"),
    )
    .unwrap();
    let base = format!("http://127.0.0.1:{}", free_port());
    let output = agate(dir.path())
        .args(["api", "test", "--spec", "openapi.yaml", "--base-url", &base])
        .args([
            "--start",
            "sh",
            "-c",
            "echo address already in use >&2; exit 1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("exited (exit code 1)"), "{stderr}");
    assert!(stderr.contains("address already in use"), "{stderr}");
}

/// Runs `agate gate` on a copy of the fixtures whose agate.yaml has the functional gate
/// start the Express app in `mode` (or `program` when given) and test it.
fn gate_with_api(mode: &str, program: &str) -> (i32, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    for file in ["openapi.yaml", "app.js"] {
        std::fs::copy(fixtures().join(file), dir.path().join(file)).unwrap();
    }
    let port = free_port();
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!(
            "gates:\n  functional:\n    api:\n      spec: openapi.yaml\n      base_url: http://127.0.0.1:{port}\n      start:\n        run: [{program}, app.js, \"{port}\", {mode}]\n        ready: http://127.0.0.1:{port}/health\n        timeout: 20s\n        env: {{ NODE_PATH: \"{}\" }}\n",
            node_modules()
        ),
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap(), report, stderr)
}

fn functional_gate(report: &Value) -> &Value {
    report["verdict"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "functional")
        .unwrap_or_else(|| panic!("no functional gate: {report:#}"))
}

#[test]
#[ignore = "needs Node.js with Express: scripts/test installs it and runs this"]
fn issue_10_api_the_functional_gate_starts_the_service_tests_it_and_stops_it() {
    let (code, report, stderr) = gate_with_api("broken", "node");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(functional_gate(&report)["status"], "fail");
    let api: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule_id"].as_str().unwrap().starts_with("api."))
        .collect();
    assert!(api.len() >= 3, "{report:#}");
    assert!(api.iter().all(|finding| finding["gate"] == "functional"));
    assert!(
        api.iter()
            .all(|finding| finding["location"]["path"] == "openapi.yaml")
    );
    let (code, report, stderr) = gate_with_api("fixed", "node");
    assert_eq!(functional_gate(&report)["status"], "pass", "{stderr}");
    assert_eq!(code, 0, "{stderr}");
    // A service that cannot start fails the gate closed.
    let (code, report, stderr) = gate_with_api("fixed", "agate-no-such-program");
    assert_eq!(code, 3, "{stderr}");
    let gate = functional_gate(&report);
    assert_eq!(gate["status"], "error");
    assert!(
        gate["reasons"][0]
            .as_str()
            .unwrap()
            .contains("did not start"),
        "{gate}"
    );
}
