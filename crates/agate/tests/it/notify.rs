//! `notify.on_block` against a local HTTP server that records every request: webhook JSON
//! and its HMAC signature, Slack, GitHub and GitLab comments, retries, and a failure that
//! stays a warning.

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc::{Receiver, channel};

use super::agate;

/// One request the server saw.
#[derive(Debug)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) path: String,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Serves `statuses` in turn (then 200) with an empty JSON body, recording each request.
fn serve(statuses: &[u16]) -> (String, Receiver<Seen>) {
    let answers: Vec<(u16, String)> = statuses
        .iter()
        .map(|&status| (status, "{}".to_owned()))
        .collect();
    serve_answers(answers)
}

/// Serves `answers` (status and body) in turn, then 200 with `{}`, recording each request.
pub(crate) fn serve_answers(answers: Vec<(u16, String)>) -> (String, Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = channel();
    let mut answers: VecDeque<(u16, String)> = answers.into_iter().collect();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_owned();
            let path = parts.next().unwrap_or_default().to_owned();
            let mut headers = Vec::new();
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (key, value) = header.split_once(':').unwrap();
                headers.push((key.trim().to_owned(), value.trim().to_owned()));
            }
            let length: usize = headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, value)| value.parse().unwrap());
            let mut content = vec![0; length];
            reader.read_exact(&mut content).unwrap();
            let (status, body) = answers.pop_front().unwrap_or((200, "{}".to_owned()));
            // Recorded before answering: once agate has its answer it may exit, and the
            // test then reads what was seen.
            let _ = sender.send(Seen {
                method,
                path,
                headers,
                body: String::from_utf8(content).unwrap(),
            });
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
    });
    (url, receiver)
}

/// A project that blocks (a shell call built from data), with `notify` as configured.
fn blocked_project(notify: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "import os\n\n\ndef archive(name):\n    os.system(\"tar czf \" + name)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!("version: 1\nnotify:\n  on_block:\n{notify}"),
    )
    .unwrap();
    dir
}

fn gate(dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut command = agate(dir);
    command.arg("gate").env("AGATE_NOTIFY_BACKOFF_MS", "10");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn a_signed_webhook_hears_the_verdict_gates_and_top_findings() {
    let (url, seen) = serve(&[]);
    let dir = blocked_project(&format!(
        "    - type: webhook\n      url: {url}/hooks/agate\n      secret_env: HOOK_SECRET\n"
    ));
    let output = gate(dir.path(), &[("HOOK_SECRET", "s3cret-key")]);
    assert_eq!(output.status.code(), Some(1));
    let request = seen
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/hooks/agate")
    );
    let payload: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(payload["verdict"], "blocked");
    assert_eq!(payload["environment"], "default");
    let security = payload["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "security")
        .unwrap();
    assert_eq!(security["status"], "fail");
    assert_eq!(payload["top_findings"][0]["path"], "app.py");
    assert_eq!(payload["top_findings"][0]["line"], 5);
    let signature =
        agate_notify::signature(&agate_model::Redacted::new("s3cret-key"), &request.body);
    assert_eq!(
        request.header("X-Agate-Signature-256"),
        Some(signature.as_str())
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("agate: notified webhook 127.0.0.1:"));
}

#[test]
fn transient_failures_are_retried_and_a_lost_notification_is_only_a_warning() {
    let (url, seen) = serve(&[503, 502]);
    let dir = blocked_project("    - type: slack\n      url_env: SLACK_URL\n");
    let output = gate(
        dir.path(),
        &[("SLACK_URL", &format!("{url}/services/T0/B0/secret"))],
    );
    assert_eq!(output.status.code(), Some(1));
    let attempts: Vec<Seen> = seen.try_iter().take(3).collect();
    assert_eq!(attempts.len(), 3, "two 5xx answers, then accepted");
    let text: serde_json::Value = serde_json::from_str(&attempts[2].body).unwrap();
    let text = text["text"].as_str().unwrap();
    assert!(
        text.starts_with("*agate blocked default: security (1 blocking)*"),
        "{text}"
    );
    assert!(text.contains("`app.py:5`"), "{text}");

    // Nothing listens: three tries, a warning naming the variable (never the URL), and
    // the verdict unchanged.
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .env("AGATE_NOTIFY_BACKOFF_MS", "10")
        .env("SLACK_URL", "http://127.0.0.1:9/services/T0/B0/secret")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: could not notify Slack $SLACK_URL: gave up after 3 tries"),
        "{stderr}"
    );
    assert!(!stderr.contains("/services/T0/B0/secret"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"]["status"], "blocked");
    assert!(
        report["notices"]
            .to_string()
            .contains("could not notify Slack $SLACK_URL")
    );
}

#[test]
fn a_refused_request_is_not_retried() {
    let (url, seen) = serve(&[404]);
    let dir = blocked_project(&format!("    - type: webhook\n      url: {url}/gone\n"));
    let output = gate(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("refused: HTTP 404"));
    assert_eq!(seen.try_iter().count(), 1);
}

#[test]
fn github_pull_request_comment_and_gitlab_merge_request_note() {
    let (url, seen) = serve(&[]);
    let dir =
        blocked_project("    - type: github\n    - type: gitlab\n      token_env: MR_TOKEN\n");
    let event = dir.path().join("event.json");
    std::fs::write(&event, r#"{"pull_request": {"number": 42, "labels": []}}"#).unwrap();
    let output = gate(
        dir.path(),
        &[
            ("GITHUB_API_URL", url.as_str()),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("GITHUB_TOKEN", "ghs_token"),
            ("CI_API_V4_URL", &format!("{url}/api/v4")),
            ("CI_PROJECT_ID", "7"),
            ("CI_MERGE_REQUEST_IID", "3"),
            ("MR_TOKEN", "glpat-token"),
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let requests: Vec<Seen> = seen.try_iter().collect();
    let github = requests
        .iter()
        .find(|request| request.path == "/repos/acme/shop/issues/42/comments")
        .unwrap();
    assert_eq!(github.header("Authorization"), Some("Bearer ghs_token"));
    let body: serde_json::Value = serde_json::from_str(&github.body).unwrap();
    assert!(
        body["body"]
            .as_str()
            .unwrap()
            .starts_with("<!-- agate-report -->\n## ❌ agate: blocked")
    );
    let gitlab = requests
        .iter()
        .find(|request| request.path == "/api/v4/projects/7/merge_requests/3/notes")
        .unwrap();
    assert_eq!(gitlab.header("PRIVATE-TOKEN"), Some("glpat-token"));
}

#[test]
fn a_passing_gate_notifies_nobody() {
    let (url, seen) = serve(&[]);
    let dir = blocked_project(&format!("    - type: webhook\n      url: {url}/hook\n"));
    std::fs::write(dir.path().join("app.py"), "print('fine')\n").unwrap();
    assert_eq!(gate(dir.path(), &[]).status.code(), Some(0));
    assert!(
        seen.recv_timeout(std::time::Duration::from_millis(300))
            .is_err()
    );
}

#[test]
fn notification_settings_are_checked() {
    let dir = blocked_project("    - type: slack\n");
    let output = gate(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("agate.yaml:4"), "{stderr}");
    assert!(
        stderr.contains("notify.on_block: a webhook needs `url` or `url_env`"),
        "{stderr}"
    );
}

#[test]
fn an_earlier_agate_comment_is_edited_instead_of_adding_another() {
    let github_comments = r#"[{"id": 11, "body": "LGTM"}, {"id": 555, "body": "<!-- agate-report -->\n## old verdict"}]"#;
    let gitlab_notes =
        r#"[{"id": 77, "body": "<!-- agate-report -->\nold"}, {"id": 12, "body": "nit"}]"#;
    let (url, seen) = serve_answers(vec![
        (200, github_comments.to_owned()),
        (200, "{}".to_owned()),
        (200, gitlab_notes.to_owned()),
        (200, "{}".to_owned()),
    ]);
    let dir = blocked_project("    - type: github\n    - type: gitlab\n");
    let output = gate(
        dir.path(),
        &[
            ("GITHUB_API_URL", url.as_str()),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_REF", "refs/pull/42/merge"),
            ("GITHUB_TOKEN", "ghs_token"),
            ("CI_API_V4_URL", &format!("{url}/api/v4")),
            ("CI_PROJECT_ID", "7"),
            ("CI_MERGE_REQUEST_IID", "3"),
            ("GITLAB_TOKEN", "glpat-token"),
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let requests: Vec<(String, String)> = seen
        .try_iter()
        .map(|request| (request.method, request.path))
        .collect();
    assert_eq!(
        requests,
        [
            (
                "GET".to_owned(),
                "/repos/acme/shop/issues/42/comments?per_page=100".to_owned()
            ),
            (
                "PATCH".to_owned(),
                "/repos/acme/shop/issues/comments/555".to_owned()
            ),
            (
                "GET".to_owned(),
                "/api/v4/projects/7/merge_requests/3/notes?per_page=100&sort=desc".to_owned()
            ),
            (
                "PUT".to_owned(),
                "/api/v4/projects/7/merge_requests/3/notes/77".to_owned()
            ),
        ]
    );
}
