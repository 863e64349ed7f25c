//! External checks end to end through `agate_external::run`: reports of every format read
//! from files the real tools wrote (Bandit, Semgrep, Checkov, pytest) or their documented
//! shapes (Trivy, Snyk, ZAP, gitleaks, SonarQube), and commands that fail every way a tool
//! can fail.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::{Path, PathBuf};

use agate_external::{CheckOutcome, RunOptions, run};
use agate_model::{CheckCommand, CheckSpec, CheckStatus, Finding, Severity, ToolFormat};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A copy of the fixture project, with the reports in `reports/` (`/repo` in them replaced
/// by the copy's path).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(&Path::new(FIXTURES).join("project"), dir.path());
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace("/repo", &dir.path().to_string_lossy());
            std::fs::write(reports.join(path.file_name().unwrap()), text).unwrap();
        }
    }
    dir
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn spec(name: &str, format: ToolFormat) -> CheckSpec {
    CheckSpec {
        name: name.to_owned(),
        gate: "security".to_owned(),
        command: None,
        format,
        workdir: None,
        env: Vec::new(),
        timeout_secs: 30,
        exit_codes: vec![0, 1],
        report: None,
        project: None,
        report_task: None,
        max_results: 10_000,
    }
}

fn read_report(root: &Path, name: &str, format: ToolFormat, file: &str) -> CheckOutcome {
    let spec = CheckSpec {
        report: Some(PathBuf::from("reports").join(file)),
        ..spec(name, format)
    };
    run(&spec, &RunOptions { root, sonar: None })
}

fn ok(outcome: &CheckOutcome) {
    assert_eq!(
        outcome.run.status,
        CheckStatus::Ok,
        "{:?}",
        outcome.run.error
    );
}

fn summary(finding: &Finding) -> (String, String, u32, Severity, Vec<String>) {
    (
        finding.rule_id.to_string(),
        finding.location.path.to_string(),
        finding.location.start.line,
        finding.severity,
        finding.cwe.clone(),
    )
}

#[test]
fn bandit_json_from_a_real_run() {
    let root = project();
    let outcome = read_report(root.path(), "bandit", ToolFormat::Bandit, "bandit.json");
    ok(&outcome);
    let found: Vec<_> = outcome.findings.iter().map(summary).collect();
    let shell = found
        .iter()
        .find(|f| f.0 == "bandit/B602")
        .expect("subprocess with shell=True");
    assert_eq!(shell.1, "app.py", "./app.py made relative to the root");
    assert_eq!((shell.2, shell.3), (6, Severity::High));
    assert_eq!(shell.4, ["CWE-78"]);
    let b602 = &outcome
        .findings
        .iter()
        .find(|f| f.rule_id == "bandit/B602")
        .unwrap();
    assert_eq!(b602.snippet, "    return subprocess.call(cmd, shell=True)");
    assert_eq!(
        b602.location.start.column, 12,
        "bandit's 0-based column made 1-based"
    );
    assert_eq!(b602.analyzer, agate_model::Analyzer::External);
    assert_eq!(b602.gate.as_deref(), Some("security"));
    assert_eq!(b602.sources[0].tool, "bandit");
    assert_eq!(b602.sources[0].rule_id, "B602");
    assert!(
        found.iter().any(|f| f.0 == "bandit/B506" && f.2 == 10),
        "yaml.load"
    );
    assert!(
        found.iter().any(|f| f.0 == "bandit/B307" && f.2 == 14),
        "eval"
    );
    let rule = outcome
        .rules
        .iter()
        .find(|rule| rule.id == "bandit/B602")
        .unwrap();
    assert!(rule.help.starts_with("https://bandit.readthedocs.io/"));
}

#[test]
fn semgrep_json_and_sarif_agree() {
    let root = project();
    let json = read_report(root.path(), "semgrep", ToolFormat::Semgrep, "semgrep.json");
    let sarif = read_report(root.path(), "semgrep", ToolFormat::Sarif, "semgrep.sarif");
    ok(&json);
    ok(&sarif);
    let expected = (
        "semgrep/rules.python-eval".to_owned(),
        "app.py".to_owned(),
        14,
        Severity::High,
        vec!["CWE-95".to_owned()],
    );
    assert_eq!(
        json.findings.iter().map(summary).collect::<Vec<_>>(),
        std::slice::from_ref(&expected)
    );
    assert_eq!(
        sarif.findings.iter().map(summary).collect::<Vec<_>>(),
        [expected]
    );
    assert_eq!(json.findings[0].location.start.column, 12);
    assert_eq!(sarif.findings[0].location.end.column, 22);
    assert_eq!(
        json.findings[0].fingerprint, sarif.findings[0].fingerprint,
        "the same result read from either format is the same finding"
    );
}

#[test]
fn checkov_failed_checks_with_their_lines() {
    let root = project();
    let outcome = read_report(root.path(), "checkov", ToolFormat::Checkov, "checkov.json");
    ok(&outcome);
    assert!(!outcome.findings.is_empty());
    for finding in &outcome.findings {
        assert_eq!(finding.location.path, "infra/main.tf");
        assert_eq!(finding.location.start.line, 1);
        assert_eq!(finding.location.end.line, 4);
        assert!(
            finding.rule_id.starts_with("checkov/CKV"),
            "{}",
            finding.rule_id
        );
    }
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.message.contains("aws_s3_bucket.data"))
    );
}

#[test]
fn checkov_with_nothing_to_scan_is_an_error() {
    let root = project();
    std::fs::write(
        root.path().join("reports/empty.json"),
        r#"{"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0, "checkov_version": "3.3.30"}"#,
    )
    .unwrap();
    let outcome = read_report(root.path(), "checkov", ToolFormat::Checkov, "empty.json");
    assert_eq!(outcome.run.status, CheckStatus::Error);
    assert!(
        outcome
            .run
            .error
            .as_deref()
            .unwrap()
            .contains("scanned nothing")
    );
}

#[test]
fn trivy_vulnerabilities_misconfigurations_and_masked_secrets() {
    let root = project();
    let outcome = read_report(root.path(), "trivy", ToolFormat::Trivy, "trivy.json");
    ok(&outcome);
    let found: Vec<_> = outcome.findings.iter().map(summary).collect();
    assert_eq!(
        found,
        [
            (
                "trivy/CVE-2020-14343".to_owned(),
                "requirements.txt".to_owned(),
                1,
                Severity::Critical,
                vec!["CWE-20".to_owned()]
            ),
            (
                "trivy/AVD-DS-0002".to_owned(),
                "Dockerfile".to_owned(),
                1,
                Severity::High,
                vec![]
            ),
            (
                "trivy/aws-access-key-id".to_owned(),
                "settings.py".to_owned(),
                2,
                Severity::Critical,
                vec!["CWE-798".to_owned()]
            ),
        ],
        "the passing DS001 is not a finding"
    );
    let vulnerability = &outcome.findings[0];
    assert!(
        vulnerability.message.contains("upgrade to 5.4"),
        "{}",
        vulnerability.message
    );
    assert!(outcome.findings[2].snippet.contains("****"));
}

#[test]
fn snyk_open_source_one_finding_per_issue_and_version() {
    let root = project();
    let outcome = read_report(root.path(), "snyk", ToolFormat::Snyk, "snyk.json");
    ok(&outcome);
    assert_eq!(
        outcome.findings.len(),
        1,
        "two paths to the same vulnerable lodash"
    );
    let finding = &outcome.findings[0];
    assert_eq!(finding.rule_id, "snyk/SNYK-JS-LODASH-1040724");
    assert_eq!(finding.location.path, "package-lock.json");
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.cwe, ["CWE-78"]);
    assert!(finding.message.contains("lodash 4.17.20") && finding.message.contains("4.17.21"));
}

#[test]
fn snyk_code_sarif_is_read_as_sarif() {
    let root = project();
    let outcome = read_report(root.path(), "snyk", ToolFormat::Snyk, "semgrep.sarif");
    ok(&outcome);
    assert_eq!(outcome.findings.len(), 1);
}

#[test]
fn zap_alert_instances_at_their_urls() {
    let root = project();
    let outcome = read_report(root.path(), "zap", ToolFormat::Zap, "zap.json");
    ok(&outcome);
    let found: Vec<_> = outcome.findings.iter().map(summary).collect();
    assert_eq!(
        found,
        [
            (
                "zap/10038-1".to_owned(),
                "http://localhost:8080/".to_owned(),
                1,
                Severity::Medium,
                vec!["CWE-693".to_owned()]
            ),
            (
                "zap/10038-1".to_owned(),
                "http://localhost:8080/login".to_owned(),
                1,
                Severity::Medium,
                vec!["CWE-693".to_owned()]
            ),
            (
                "zap/10096".to_owned(),
                "http://localhost:8080/static/app.js".to_owned(),
                1,
                Severity::Info,
                vec!["CWE-497".to_owned()]
            ),
        ],
        "the alert ZAP rates a false positive is skipped"
    );
    assert!(!outcome.findings[0].message.contains("<p>"));
}

#[test]
fn gitleaks_never_shows_the_secret() {
    let root = project();
    let outcome = read_report(
        root.path(),
        "gitleaks",
        ToolFormat::Gitleaks,
        "gitleaks.json",
    );
    ok(&outcome);
    let finding = &outcome.findings[0];
    assert_eq!(
        summary(finding),
        (
            "gitleaks/github-pat".to_owned(),
            "config.py".to_owned(),
            3,
            Severity::High,
            vec!["CWE-798".to_owned()]
        )
    );
    let secret = "ghp_R2aNqLkW8vX5cT1mZp9Yh3Jd7Fs0Gb4Ue6Qi";
    let json = serde_json::to_string(&outcome.findings).unwrap();
    assert!(!json.contains(secret), "{json}");
    assert!(!json.contains(&secret[8..]), "{json}");
    assert!(
        finding.snippet.starts_with("ghp_…(40 chars, sha256:"),
        "{}",
        finding.snippet
    );
}

#[test]
fn sonarqube_failed_conditions() {
    let root = project();
    let outcome = read_report(
        root.path(),
        "sonar",
        ToolFormat::Sonarqube,
        "sonarqube-error.json",
    );
    ok(&outcome);
    let messages: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "SonarQube quality gate: new_coverage is 42.5 but must be at least 80",
            "SonarQube quality gate: new_security_rating is 3 but must be at most 1",
        ]
    );
}

#[test]
fn pytest_junit_failures_and_errors() {
    let root = project();
    let outcome = read_report(root.path(), "pytest", ToolFormat::Junit, "pytest-junit.xml");
    ok(&outcome);
    let found: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.as_str(),
                f.location.path.as_str(),
                f.location.start.line,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("pytest/test-failure", "tests/test_calc.py", 12),
            ("pytest/test-error", "tests/test_calc.py", 21),
        ],
        "pytest's 0-based lines are made 1-based"
    );
    assert!(
        outcome.findings[0]
            .message
            .contains("tests.test_calc.test_add_negative")
    );
    assert!(
        outcome.findings[0]
            .message
            .contains("negative sums are wrong")
    );
    assert!(outcome.findings[1].message.contains("fixture exploded"));
}

#[test]
fn junit_without_file_attributes_finds_the_test_file_by_class() {
    let root = project();
    std::fs::write(
        root.path().join("reports/xunit2.xml"),
        r#"<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="1" failures="1"><testcase classname="tests.test_calc" name="test_add_negative"><failure message="boom &amp; bust"/></testcase></testsuite></testsuites>"#,
    )
    .unwrap();
    let outcome = read_report(root.path(), "pytest", ToolFormat::Junit, "xunit2.xml");
    ok(&outcome);
    assert_eq!(outcome.findings[0].location.path, "tests/test_calc.py");
    assert!(outcome.findings[0].message.ends_with("failed: boom & bust"));
}

#[test]
fn junit_with_no_test_run_is_a_failure() {
    let root = project();
    std::fs::write(
        root.path().join("reports/none.xml"),
        r#"<testsuites><testsuite name="jest" tests="1"><testcase name="later"><skipped/></testcase></testsuite></testsuites>"#,
    )
    .unwrap();
    let outcome = read_report(root.path(), "jest", ToolFormat::Junit, "none.xml");
    ok(&outcome);
    assert_eq!(outcome.findings.len(), 1);
    assert_eq!(outcome.findings[0].rule_id, "jest/no-tests");
    assert_eq!(outcome.findings[0].severity, Severity::Critical);
}

fn shell(script: &str) -> CheckCommand {
    CheckCommand::Shell(script.to_owned())
}

fn failed(outcome: &CheckOutcome) -> String {
    assert_eq!(outcome.run.status, CheckStatus::Error, "{:?}", outcome.run);
    outcome.run.error.clone().unwrap()
}

#[cfg(unix)]
#[test]
fn a_command_writes_its_report_to_out() {
    let root = project();
    let spec = CheckSpec {
        command: Some(shell(
            "echo scanning >&2; cp reports/bandit.json {out}; exit 1",
        )),
        ..spec("bandit", ToolFormat::Bandit)
    };
    let outcome = run(
        &spec,
        &RunOptions {
            root: root.path(),
            sonar: None,
        },
    );
    ok(&outcome);
    assert_eq!(outcome.run.exit_code, Some(1), "1 is an expected exit code");
    assert_eq!(outcome.run.stderr, "scanning");
    assert_eq!(outcome.run.findings, 4);
    assert!(
        outcome.run.command[2].contains("bandit.json'"),
        "{:?}",
        outcome.run.command
    );
}

#[cfg(unix)]
#[test]
fn standard_output_is_the_report_without_out() {
    let root = project();
    let spec = CheckSpec {
        command: Some(CheckCommand::Argv(vec![
            "cat".to_owned(),
            "reports/semgrep.json".to_owned(),
        ])),
        ..spec("semgrep", ToolFormat::Semgrep)
    };
    let outcome = run(
        &spec,
        &RunOptions {
            root: root.path(),
            sonar: None,
        },
    );
    ok(&outcome);
    assert_eq!(outcome.findings.len(), 1);
    assert!(
        outcome.run.stdout.is_empty(),
        "the report is not repeated as output"
    );
}

#[cfg(unix)]
#[test]
fn every_way_a_tool_fails_is_an_error() {
    let root = project();
    let options = RunOptions {
        root: root.path(),
        sonar: None,
    };
    let with = |command: Option<CheckCommand>| CheckSpec {
        command,
        ..spec("tool", ToolFormat::Sarif)
    };
    let error = failed(&run(
        &with(Some(shell("echo 'tool: command not found' >&2; exit 127"))),
        &options,
    ));
    assert_eq!(
        error,
        "exited with code 127, not 0 or 1: tool: command not found"
    );
    let error = failed(&run(
        &with(Some(CheckCommand::Argv(vec![
            "agate-no-such-tool".to_owned(),
        ]))),
        &options,
    ));
    assert!(error.contains("not installed or not on PATH"), "{error}");
    let error = failed(&run(&with(Some(shell("kill -9 $$"))), &options));
    assert!(error.starts_with("was killed by signal 9"), "{error}");
    let error = failed(&run(&with(Some(shell("true {out}"))), &options));
    assert!(error.starts_with("the tool wrote no report at "), "{error}");
    let error = failed(&run(
        &with(Some(shell(
            "echo '/usr/bin/python: No module named pytest' >&2; exit 1; {out}",
        ))),
        &options,
    ));
    assert!(
        error.ends_with(" (it said: /usr/bin/python: No module named pytest)"),
        "{error}"
    );
    let error = failed(&run(&with(Some(shell("printf '' > {out}"))), &options));
    assert_eq!(error, "the tool wrote an empty report");
    let error = failed(&run(
        &with(Some(shell("echo '{\"runs\": [' > {out}"))),
        &options,
    ));
    assert!(error.starts_with("not a valid SARIF report: "), "{error}");
    let error = failed(&run(
        &with(Some(shell("echo '{\"version\": \"2.1.0\"}' > {out}"))),
        &options,
    ));
    assert!(error.contains("no `runs` array"), "{error}");
    let error = failed(&run(
        &CheckSpec {
            timeout_secs: 1,
            ..with(Some(shell("sleep 20")))
        },
        &options,
    ));
    assert!(error.starts_with("did not finish within 1 s"), "{error}");
    let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(root.path().join("reports/semgrep.sarif"))
        .unwrap()
        .set_modified(stale)
        .unwrap();
    let error = failed(&run(
        &CheckSpec {
            report: Some(PathBuf::from("reports/semgrep.sarif")),
            ..with(Some(shell("true")))
        },
        &options,
    ));
    assert!(
        error.contains("is older than this run"),
        "a stale report is not trusted: {error}"
    );
    let error = failed(&run(
        &CheckSpec {
            workdir: Some(PathBuf::from("missing")),
            ..with(Some(shell("true")))
        },
        &options,
    ));
    assert!(error.contains("does not exist"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_sarif_run_the_tool_says_failed_is_an_error() {
    let root = project();
    let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"invocations":[{"executionSuccessful":false,"toolExecutionNotifications":[{"level":"error","message":{"text":"rule file invalid"}}]}],"results":[]}]}"#;
    std::fs::write(root.path().join("reports/failed.sarif"), sarif).unwrap();
    let error = failed(&read_report(
        root.path(),
        "x",
        ToolFormat::Sarif,
        "failed.sarif",
    ));
    assert_eq!(
        error,
        "the tool reported errors: the tool reported that its run did not succeed: rule file invalid"
    );
}

#[cfg(unix)]
#[test]
fn the_working_directory_and_environment_reach_the_command() {
    let root = project();
    let spec = CheckSpec {
        command: Some(shell(
            "test \"$AGATE_TEST_VALUE\" = 42 && cp ../reports/semgrep.json \"$REPORT_PATH\"",
        )),
        workdir: Some(PathBuf::from("infra")),
        env: vec![
            ("AGATE_TEST_VALUE".to_owned(), "42".to_owned()),
            ("REPORT_PATH".to_owned(), "{out}".to_owned()),
        ],
        ..spec("semgrep", ToolFormat::Semgrep)
    };
    let outcome = run(
        &spec,
        &RunOptions {
            root: root.path(),
            sonar: None,
        },
    );
    ok(&outcome);
    assert_eq!(
        outcome.findings[0].location.path, "infra/app.py",
        "paths are relative to the working directory"
    );
}

#[test]
fn mocha_junit_names_the_file_on_the_suite_and_the_title_as_class() {
    let root = project();
    let outcome = read_report(root.path(), "mocha", ToolFormat::Junit, "mocha-junit.xml");
    ok(&outcome);
    assert_eq!(outcome.findings.len(), 1);
    let finding = &outcome.findings[0];
    assert_eq!(finding.location.path, "test/cart.test.js");
    assert_eq!(finding.location.start.line, 6, "found by the test's title");
    assert!(finding.message.starts_with("test `cart applies no discount to an empty cart` failed: Expected values to be strictly equal: 0 !== 1"), "{}", finding.message);
}

#[test]
fn a_hostile_report_cannot_quote_files_outside_the_root() {
    let root = project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP SECRET LINE\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.path().join("link.py"),
    )
    .unwrap();
    let relative = format!(
        "../{}/secret.txt",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let report = format!(
        r#"{{"results": [
          {{"check_id": "a", "path": "{relative}", "start": {{"line": 1, "col": 1}}, "end": {{"line": 1, "col": 5}}, "extra": {{"message": "m", "severity": "ERROR"}}}},
          {{"check_id": "b", "path": "{}/secret.txt", "start": {{"line": 1, "col": 1}}, "end": {{"line": 1, "col": 5}}, "extra": {{"message": "m", "severity": "ERROR"}}}},
          {{"check_id": "c", "path": "link.py", "start": {{"line": 1, "col": 1}}, "end": {{"line": 1, "col": 5}}, "extra": {{"message": "m", "severity": "ERROR"}}}}
        ], "errors": []}}"#,
        outside.path().display()
    );
    std::fs::write(root.path().join("reports/hostile.json"), report).unwrap();
    let outcome = read_report(root.path(), "semgrep", ToolFormat::Semgrep, "hostile.json");
    ok(&outcome);
    assert_eq!(outcome.findings.len(), 3);
    for finding in &outcome.findings {
        assert!(!finding.snippet.contains("TOP SECRET"), "{finding:?}");
    }
}

/// A SARIF log of one run whose results are `results` (JSON objects, comma-separated).
fn sarif_log(results: &str) -> String {
    format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"x","rules":[{{"id":"r","shortDescription":{{"text":"a rule"}}}}]}}}},"originalUriBaseIds":{{"ETC":{{"uri":"file:///etc/"}}}},"results":[{results}]}}]}}"#
    )
}

/// A result of rule `r` at `uri` (a JSON string's content), quoting `snippet` as the tool
/// saw it, with `base` as its `uriBaseId` when given.
fn sarif_result(uri: &str, base: Option<&str>, snippet: &str) -> String {
    let base = base
        .map(|base| format!(r#","uriBaseId":"{base}""#))
        .unwrap_or_default();
    format!(
        r#"{{"ruleId":"r","level":"error","message":{{"text":"m"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"{uri}"{base}}},"region":{{"startLine":1,"snippet":{{"text":"{snippet}"}}}}}}}}]}}"#
    )
}

#[cfg(unix)]
#[test]
fn issue_7_a_report_cannot_quote_a_file_outside_the_root_by_any_path() {
    let root = project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0:OUTSIDE\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("src/etclink")).unwrap();
    std::fs::create_dir(root.path().join("src/deep")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("src/deep/up")).unwrap();
    let outside_name = outside.path().file_name().unwrap().to_string_lossy();
    let absolute = outside.path().join("passwd").display().to_string();
    let results = [
        // A link in a middle component (the case of the issue), with the tool quoting it.
        sarif_result("src/etclink/passwd", None, "root:x:0:0:OUTSIDE"),
        sarif_result("src/deep/up/passwd", Some("%SRCROOT%"), ""),
        sarif_result(&absolute, None, "root:x:0:0:OUTSIDE"),
        sarif_result(&format!("file://{absolute}"), None, "root:x:0:0:OUTSIDE"),
        sarif_result(&format!("../{outside_name}/passwd"), None, ""),
        sarif_result(
            &format!("src/%2e%2e/%2E%2E/{outside_name}/passwd"),
            None,
            "",
        ),
        sarif_result(&format!(r"src\\..\\..\\{outside_name}\\passwd"), None, ""),
        sarif_result("passwd", Some("ETC"), "root:x:0:0:OUTSIDE"),
        sarif_result(r"src/etclink\u0000/passwd", None, ""),
        // A result about no file is not outside.
        r#"{"ruleId":"r","message":{"text":"m"}}"#.to_owned(),
        // A file inside the root is still quoted.
        sarif_result("app.py", None, ""),
    ];
    std::fs::write(
        root.path().join("reports/escape.sarif"),
        sarif_log(&results.join(",")),
    )
    .unwrap();
    let outcome = read_report(root.path(), "x", ToolFormat::Sarif, "escape.sarif");
    ok(&outcome);
    assert_eq!(
        outcome.findings.len(),
        results.len(),
        "results outside are kept"
    );
    for finding in &outcome.findings {
        assert!(!finding.snippet.contains("OUTSIDE"), "{finding:?}");
        assert!(!finding.location.path.contains('\0'), "{finding:?}");
    }
    assert_eq!(outcome.findings[0].location.path, "src/etclink/passwd");
    assert_eq!(outcome.findings[6].location.path.matches('\\').count(), 0);
    let inside = outcome.findings.last().unwrap();
    assert_eq!(inside.location.path, "app.py");
    assert!(!inside.snippet.is_empty(), "a file inside is quoted");
    assert_eq!(
        outcome.warnings,
        [
            "x: 8 results name a file outside the scan root or in `.git` (the first: `src/etclink/passwd`); kept without any of its lines"
        ]
    );
}

#[cfg(unix)]
#[test]
fn issue_7_git_internals_are_never_quoted() {
    // actions/checkout writes the job's token into .git/config, inside the scan root.
    let root = project();
    std::fs::create_dir_all(root.path().join(".git")).unwrap();
    std::fs::write(
        root.path().join(".git/config"),
        "[http]\n\textraheader = AUTHORIZATION: basic TOKEN-LINE\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../.git", root.path().join("src/gitlink")).unwrap();
    let results = [
        sarif_result(".git/config", None, ""),
        sarif_result("src/gitlink/config", None, ""),
        sarif_result("src/../.git/config", None, "TOKEN-LINE"),
    ];
    std::fs::write(
        root.path().join("reports/git.sarif"),
        sarif_log(&results.join(",")),
    )
    .unwrap();
    let outcome = read_report(root.path(), "x", ToolFormat::Sarif, "git.sarif");
    ok(&outcome);
    assert_eq!(
        outcome.findings.len(),
        results.len(),
        "the results are kept"
    );
    for finding in &outcome.findings {
        assert!(!finding.snippet.contains("TOKEN-LINE"), "{finding:?}");
    }
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
}

#[cfg(unix)]
#[test]
fn issue_7_report_files_are_bounded_and_stay_under_the_root() {
    let root = project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.sarif"), sarif_log("")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("x.sarif"),
        root.path().join("reports/linked.sarif"),
    )
    .unwrap();
    let error = failed(&read_report(
        root.path(),
        "x",
        ToolFormat::Sarif,
        "linked.sarif",
    ));
    assert!(
        error.contains("resolves to a place outside the scan root"),
        "{error}"
    );
    // `/dev/zero` never ends: it is refused before a byte is read.
    std::os::unix::fs::symlink("/dev/zero", root.path().join("zero.sarif")).unwrap();
    let error =
        agate_external::read_report_file(&root.path().join("zero.sarif"), None).unwrap_err();
    assert!(
        matches!(&error, agate_external::ReportFileError::Unreadable(why) if why.contains("is a character device")),
        "{error:?}"
    );
}

#[test]
fn issue_7_results_over_max_results_are_counted_not_kept() {
    let root = project();
    let cap = 50;
    let over = 7;
    let results: Vec<String> = (0..cap + over)
        .map(|index| sarif_result(&format!("gen/f{index}.py"), None, "x"))
        .collect();
    std::fs::write(
        root.path().join("reports/many.sarif"),
        sarif_log(&results.join(",")),
    )
    .unwrap();
    let spec = CheckSpec {
        report: Some(PathBuf::from("reports/many.sarif")),
        max_results: cap,
        ..spec("x", ToolFormat::Sarif)
    };
    let outcome = run(
        &spec,
        &RunOptions {
            root: root.path(),
            sonar: None,
        },
    );
    assert_eq!(outcome.findings.len(), cap, "exactly the cap is kept");
    assert_eq!(outcome.findings[cap - 1].location.path, "gen/f49.py");
    assert_eq!(outcome.run.findings, cap as u64);
    assert_eq!(outcome.run.truncated, over as u64, "the rest is counted");
    assert_eq!(
        failed(&outcome),
        "the tool reported 57 results, more than `max_results: 50`; 7 were not judged, so the check cannot pass: narrow what the tool scans or raise `max_results`"
    );
    assert_eq!(
        outcome.warnings,
        ["x: 7 of its 57 results are over `max_results: 50`: counted, not kept"]
    );
    // The native formats are cut the same way.
    let semgrep: Vec<String> = (0..cap + over)
        .map(|index| format!(r#"{{"check_id":"a","path":"f{index}.py","start":{{"line":1,"col":1}},"end":{{"line":1,"col":2}},"extra":{{"message":"m","severity":"ERROR"}}}}"#))
        .collect();
    let text = format!(r#"{{"results":[{}],"errors":[]}}"#, semgrep.join(","));
    let parsed = agate_external::read(ToolFormat::Semgrep, &text, cap).unwrap();
    assert_eq!(parsed.dropped, over as u64);
}

#[test]
fn issue_7_a_sarif_log_that_scanned_nothing_fails_closed() {
    let root = project();
    let cases = [
        (
            r#"{"version":"2.1.0","runs":[]}"#,
            "the tool scanned nothing",
        ),
        (
            r#"{"version":"2.1.0","runs":[{"results":[]}]}"#,
            "run 1 names no tool (`tool.driver`)",
        ),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]},{"tool":{},"results":[]}]}"#,
            "run 2 names no tool (`tool.driver`)",
        ),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}}}]}"#,
            "a run has no `results`",
        ),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":null}]}"#,
            "a run has no `results`",
        ),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"invocations":[{"executionSuccessful":false}],"results":[]}]}"#,
            "the tool reported that its run did not succeed",
        ),
    ];
    for (index, (sarif, expected)) in cases.iter().enumerate() {
        let file = format!("nothing-{index}.sarif");
        std::fs::write(root.path().join("reports").join(&file), sarif).unwrap();
        let error = failed(&read_report(root.path(), "x", ToolFormat::Sarif, &file));
        assert!(error.contains(expected), "{sarif}: {error}");
    }
    // A run with a tool and an empty `results` array found nothing, and passes.
    std::fs::write(root.path().join("reports/clean.sarif"), sarif_log("")).unwrap();
    ok(&read_report(
        root.path(),
        "x",
        ToolFormat::Sarif,
        "clean.sarif",
    ));
}
