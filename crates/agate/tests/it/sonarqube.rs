//! SonarQube's quality gate judges this run's analysis: the task the scanner's
//! `report-task.txt` names is waited for, and its analysis asked about; without a task file
//! the CI's branch or pull request is asked for. Every way this can fail fails the gate
//! closed.

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use super::agate;
use super::notify::{Seen, serve_answers};

const FAILED_STATUS: &str = r#"{"projectStatus":{"status":"ERROR","conditions":[{"status":"ERROR","metricKey":"new_coverage","comparator":"LT","errorThreshold":"80","actualValue":"42.5"}]}}"#;

/// A project with a `sonarqube` check; `extra` is added to the check's settings.
fn project(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!(
            "version: 1\ngates:\n  quality:\n    external:\n      - name: sonar\n        format: sonarqube\n        project: acme:shop\n{extra}"
        ),
    )
    .unwrap();
    dir
}

/// Writes the scanner's task file as the SonarScanner CLI does (Java properties).
fn task_file(dir: &Path, url: &str, task: &str) {
    std::fs::create_dir_all(dir.join(".scannerwork")).unwrap();
    let escaped = url.replace(':', "\\:");
    std::fs::write(
        dir.join(".scannerwork/report-task.txt"),
        format!(
            "projectKey=acme\\:shop\nserverUrl={escaped}\nserverVersion=10.6.0\ndashboardUrl={escaped}/dashboard?id\\=acme%3Ashop\nceTaskId={task}\nceTaskUrl={escaped}/api/ce/task?id\\={task}\n"
        ),
    )
    .unwrap();
}

fn task(status: &str) -> (u16, String) {
    (
        200,
        format!(
            r#"{{"task":{{"id":"AXtask","type":"REPORT","componentKey":"acme:shop","status":"{status}","analysisId":"AXanalysis","errorMessage":"the report is corrupt"}}}}"#
        ),
    )
}

/// The paths requested, as many as the server answered.
fn paths(seen: &Receiver<Seen>) -> Vec<String> {
    seen.recv_timeout(Duration::from_secs(10)).unwrap();
    let mut paths = Vec::new();
    while let Ok(request) = seen.recv_timeout(Duration::from_millis(200)) {
        paths.push(request.path);
    }
    paths
}

fn gate(dir: &Path, url: &str, env: &[(&str, &str)]) -> std::process::Output {
    agate(dir)
        .args(["gate", "--format", "json"])
        .env("SONAR_HOST_URL", url)
        .env("SONAR_TOKEN", "squ_token")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn issue_8_sonarqube_waits_for_this_runs_task_and_judges_its_analysis() {
    let (url, seen) = serve_answers(vec![
        task("PENDING"),
        task("IN_PROGRESS"),
        task("SUCCESS"),
        (200, FAILED_STATUS.to_owned()),
    ]);
    let dir = project("");
    task_file(dir.path(), &url, "AXtask");
    // On a merge request: the task pins the analysis, so the request id is not needed.
    let output = gate(dir.path(), &url, &[("CI_MERGE_REQUEST_IID", "7")]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let first = seen.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(first.path, "/api/ce/task?id=AXtask");
    assert_eq!(
        first.header("Authorization"),
        Some("Basic c3F1X3Rva2VuOg==")
    );
    let mut rest = Vec::new();
    while let Ok(request) = seen.recv_timeout(Duration::from_millis(200)) {
        rest.push(request.path);
    }
    assert_eq!(
        rest,
        [
            "/api/ce/task?id=AXtask",
            "/api/ce/task?id=AXtask",
            "/api/qualitygates/project_status?analysisId=AXanalysis"
        ]
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "sonar/new_coverage");
    let notices = report["notices"].to_string();
    assert!(!notices.contains("sonar"), "{notices}");
}

#[test]
fn issue_8_sonarqube_fails_closed_when_the_task_fails_or_is_canceled() {
    for status in ["FAILED", "CANCELED"] {
        let (url, seen) = serve_answers(vec![task(status)]);
        let dir = project("");
        task_file(dir.path(), &url, "AXtask");
        let output = gate(dir.path(), &url, &[]);
        assert_eq!(output.status.code(), Some(3), "{status}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!(
                "SonarQube's analysis task ended {status}: the report is corrupt"
            )),
            "{stderr}"
        );
        assert_eq!(paths(&seen), Vec::<String>::new(), "nothing after the task");
    }
}

#[test]
fn issue_8_sonarqube_fails_closed_when_the_task_does_not_finish_in_time() {
    let (url, _seen) = serve_answers(vec![task("PENDING"); 20]);
    let dir = project("        timeout: 1s\n");
    task_file(dir.path(), &url, "AXtask");
    let output = gate(dir.path(), &url, &[]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "SonarQube's analysis task `AXtask` did not finish within 1 s (still PENDING)"
        ),
        "{stderr}"
    );
}

#[test]
fn issue_8_sonarqube_fails_closed_on_a_task_file_it_cannot_use() {
    let (url, seen) = serve_answers(Vec::new());
    // Named but missing.
    let dir = project("        report_task: target/sonar/report-task.txt\n");
    let output = gate(dir.path(), &url, &[]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read the scanner's task file")
            && stderr.contains("there is no such file"),
        "{stderr}"
    );
    // Without a task id.
    let dir = project("");
    std::fs::create_dir_all(dir.path().join(".scannerwork")).unwrap();
    std::fs::write(
        dir.path().join(".scannerwork/report-task.txt"),
        "projectKey=acme\\:shop\n",
    )
    .unwrap();
    let output = gate(dir.path(), &url, &[]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("it has no `ceTaskId`"));
    // Of another project.
    std::fs::write(
        dir.path().join(".scannerwork/report-task.txt"),
        "projectKey=acme\\:other\nceTaskId=AXtask\n",
    )
    .unwrap();
    let output = gate(dir.path(), &url, &[]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("is for project `acme:other`, not `acme:shop`")
    );
    // Left by an earlier run, when the check runs the scanner itself (which wrote nothing).
    let dir = project("        run: [\"true\"]\n");
    task_file(dir.path(), &url, "AXold");
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(dir.path().join(".scannerwork/report-task.txt"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let output = gate(dir.path(), &url, &[]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("it is older than this run"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        seen.recv_timeout(Duration::from_millis(500)).is_err(),
        "no request without a usable task"
    );
}

#[test]
fn issue_8_sonarqube_without_a_task_file_asks_for_the_ci_branch_or_pull_request() {
    for (variable, value, query) in [
        ("CI_MERGE_REQUEST_IID", "7", "&pullRequest=7"),
        ("CHANGE_ID", "12", "&pullRequest=12"),
        ("GITHUB_REF", "refs/heads/feature/x", "&branch=feature%2Fx"),
        (
            "BUILD_SOURCEBRANCH",
            "refs/heads/release",
            "&branch=release",
        ),
    ] {
        let (url, seen) = serve_answers(vec![(200, FAILED_STATUS.to_owned())]);
        let dir = project("");
        let output = gate(dir.path(), &url, &[(variable, value)]);
        assert_eq!(output.status.code(), Some(1), "{variable}");
        let request = seen.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(
            request.path,
            format!("/api/qualitygates/project_status?projectKey=acme:shop{query}")
        );
        // It cannot tell whether that analysis is this run's, and says so.
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let notices = report["notices"].to_string();
        assert!(
            notices.contains("no scanner task file at")
                && notices.contains("may not be this run's"),
            "{notices}"
        );
    }
}
