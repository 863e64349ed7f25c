//! The LLM review gate (issue [14]) end to end, against a local server that speaks the
//! OpenAI chat-completions API: a model that reads the numbered hunk it is sent and
//! answers as a real one would, and servers that answer malformed, slowly, 429 or 500.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::{agate, git, git_as, tree};

/// An AWS access key id and a lone AWS secret key, in the AI-written file: neither may
/// reach the model.
const KEY_ID: &str = "AKIAZ7QXD2M4PLRVN3KQ";
const SECRET_KEY: &str = "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";
/// The API key the review sends, from `AGATE_TEST_LLM_KEY`.
const API_KEY: &str = "sk-test-4f9c2a7e1b8d3f6a5c0e9b2d";

/// What a request got: its headers (lower-cased names) and body.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// How the server answers a request: (the request's body, how many came before) → (status,
/// extra headers, body, delay).
type Answer = dyn Fn(&str, usize) -> (u16, String, String, Duration) + Send + Sync;

/// Serves chat completions on a free loopback port; returns its API root and what it saw.
fn serve(answer: Box<Answer>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(value) = lower.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                headers.push_str(&lower);
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let body = String::from_utf8_lossy(&body).into_owned();
            let before = {
                let mut seen = record.lock().unwrap();
                seen.push((headers, body.clone()));
                seen.len() - 1
            };
            let (status, extra, reply, delay) = answer(&body, before);
            std::thread::sleep(delay);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{reply}",
                reply.len()
            );
        }
    });
    (base, seen)
}

/// A chat completion whose message is `content`, with its token counts.
fn completion(content: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "reviewer",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340},
    })
    .to_string()
}

/// A model that reads the hunk it is sent and reports each line calling `requests.fetch`,
/// which the `requests` package does not have.
fn reviewer(body: &str, _: usize) -> (u16, String, String, Duration) {
    let request: Value = serde_json::from_str(body).unwrap();
    let user = request["messages"][1]["content"].as_str().unwrap();
    let hunk = user.split("Hunk (line number | code):\n").nth(1).unwrap();
    let findings: Vec<Value> = hunk
        .lines()
        .filter(|line| line.contains("requests.fetch"))
        .map(|line| {
            let number: u32 = line.split(" | ").next().unwrap().trim().parse().unwrap();
            serde_json::json!({"line": number, "category": "hallucinated-api", "confidence": 0.92,
                "explanation": "requests has no `fetch` function", "fix": "use requests.get(url, timeout=5)"})
        })
        .collect();
    let content = serde_json::json!({ "findings": findings }).to_string();
    (200, String::new(), completion(&content), Duration::ZERO)
}

/// The repository: a human's client on `main`; on `feature`, an AI-assisted commit adds a
/// module calling it (and a function that does not exist, and an AWS key), and a human
/// adds a line to the client.
fn repository(review: &str) -> tempfile::TempDir {
    let config = format!(
        "gates:\n  security: off\n  provenance-lint: off\n  functional: off\n  review:\n    llm_review:\n{review}\nenvironments:\n  staging:\n    mode: block\n    gates: [review]\n"
    );
    let dir = tree(&[
        (
            "app/client.py",
            "import requests\n\n\ndef get_json(url):\n    return requests.get(url, timeout=5).json()\n",
        ),
        ("agate.yaml", &config),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "client"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        dir.path().join("app/orders.py"),
        format!(
            "import requests\n\nfrom app.client import get_json\n\nAWS_KEY_ID = \"{KEY_ID}\"\nAWS_SECRET = \"{SECRET_KEY}\"\n\n\ndef orders(user):\n    data = get_json(\"https://api.example/orders/\" + user)\n    return requests.fetch(data[\"next\"])\n"
        ),
    )
    .unwrap();
    git(dir.path(), &["add", "."]);
    git_as(
        dir.path(),
        "dev <dev@example.com>",
        &[
            "commit",
            "-q",
            "-m",
            "orders\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        ],
    );
    let mut client = std::fs::read_to_string(dir.path().join("app/client.py")).unwrap();
    client.push_str("\n\ndef ping():\n    return get_json(\"https://api.example/ping\")\n");
    std::fs::write(dir.path().join("app/client.py"), client).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "ping"]);
    dir
}

/// The `llm_review:` settings for `base`, indented under the gate, plus `extra` lines.
fn settings(base: &str, model: &str, extra: &str) -> String {
    format!(
        "      base_url: {base}\n      model: {model}\n      api_key_env: AGATE_TEST_LLM_KEY\n      rubric: hallucination\n      concurrency: 1\n      price: {{prompt: 2.5, completion: 10}}\n{extra}"
    )
}

/// Runs `agate gate --base main --format json` in `dir`: exit code, report, standard error.
fn gate(dir: &Path) -> (Option<i32>, Value, String) {
    let output = agate(dir)
        .args([
            "gate", "--env", "staging", "--base", "main", "--format", "json",
        ])
        .env("AGATE_TEST_LLM_KEY", API_KEY)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    for secret in [KEY_ID, SECRET_KEY, API_KEY] {
        assert!(!stdout.contains(secret), "{secret} in the report");
        assert!(!stderr.contains(secret), "{secret} on standard error");
    }
    let report = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!("not a report ({error}): {stdout}\nstderr: {stderr}");
    });
    (output.status.code(), report, stderr)
}

fn llm_findings(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["analyzer"] == "llm")
        .collect()
}

#[test]
fn issue_14_an_advisory_review_reports_ai_hunks_with_context_and_never_sends_a_secret() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", ""));
    let (code, report, stderr) = gate(dir.path());
    assert_eq!(code, Some(0), "advisory findings never block: {stderr}");
    assert!(
        stderr.contains("LLM review (gate review) asking about 2 hunks"),
        "{stderr}"
    );

    let found = llm_findings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    let finding = found[0];
    assert_eq!(finding["rule_id"], "llm.hallucination");
    assert_eq!(finding["location"]["path"], "app/orders.py");
    assert_eq!(finding["location"]["start"]["line"], 11);
    assert_eq!(finding["confidence"], "high");
    assert_eq!(finding["tier"], "ai");
    assert_eq!(finding["gate"], "review");
    assert_eq!(finding["blocking"], false);
    assert!(
        finding["message"].as_str().unwrap().starts_with(
            "hallucinated-api: requests has no `fetch` function Fix: use requests.get"
        ),
        "{finding}"
    );
    assert_eq!(report["verdict"]["status"], "pass");

    // What it cost: two hunks of 300 + 40 tokens at 2.5 and 10 per million.
    let review = &report["reviews"][0];
    assert_eq!(review["hunks"], 2);
    assert_eq!(review["reviewed"], 2);
    assert_eq!(review["cached"], 0);
    assert_eq!(review["prompt_tokens"], 600);
    assert_eq!(review["completion_tokens"], 80);
    let cost = review["cost"].as_f64().unwrap();
    assert!(
        (cost - (600.0 * 2.5 + 80.0 * 10.0) / 1e6).abs() < 1e-12,
        "{cost}"
    );

    sent_in_order_with_context_and_no_secret(&seen);

    // Asked again, the answers come from `.agate/cache/llm/`: nothing is sent, nothing spent.
    let (code, again, _) = gate(dir.path());
    assert_eq!(code, Some(0));
    assert_eq!(seen.lock().unwrap().len(), 2, "no request on a re-run");
    assert_eq!(again["reviews"][0]["cached"], 2);
    assert_eq!(again["reviews"][0]["prompt_tokens"], 0);
    assert_eq!(llm_findings(&again).len(), 1);
    // `--only llm` runs the reviews alone (from the cache here).
    let output = agate(dir.path())
        .args([
            "gate", "--env", "staging", "--base", "main", "--only", "llm", "--format", "json",
        ])
        .env("AGATE_TEST_LLM_KEY", API_KEY)
        .output()
        .unwrap();
    let only: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", only["notices"]);
    assert_eq!(only["reviews"][0]["cached"], 2);
    assert!(
        only["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|finding| finding["analyzer"] == "llm"),
        "{}",
        only["findings"]
    );
    let cached = std::fs::read_dir(dir.path().join(".agate/cache/llm"))
        .unwrap()
        .count();
    assert_eq!(cached, 2);
}

/// What the first run sent: the AI hunk first, with the definition it calls from another
/// file; the human's new lines next, with their file's imports; never a secret; the API key
/// only as a header.
fn sent_in_order_with_context_and_no_secret(seen: &Seen) {
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    for (headers, body) in &requests {
        assert!(
            headers.contains(&format!("authorization: bearer {API_KEY}")),
            "{headers}"
        );
        for secret in [KEY_ID, SECRET_KEY, API_KEY] {
            assert!(!body.contains(secret), "{secret} sent to the model: {body}");
        }
        let request: Value = serde_json::from_str(body).unwrap();
        assert_eq!(request["model"], "reviewer");
        assert!(request["response_format"]["json_schema"].is_object());
    }
    let first: Value = serde_json::from_str(&requests[0].1).unwrap();
    let user = first["messages"][1]["content"].as_str().unwrap();
    assert!(user.starts_with("File: app/orders.py\n"), "{user}");
    assert!(
        user.contains("Definition of `get_json` (app/client.py):\n4 | def get_json(url):"),
        "{user}"
    );
    assert!(user.contains("5 | AWS_KEY_ID = \"AKIA…(20 chars"), "{user}");
    assert!(
        user.contains("11 |     return requests.fetch(data[\"next\"])"),
        "{user}"
    );
    let second: Value = serde_json::from_str(&requests[1].1).unwrap();
    let user = second["messages"][1]["content"].as_str().unwrap();
    assert!(user.starts_with("File: app/client.py\n"), "{user}");
    assert!(user.contains("Imports:\n1 | import requests\n"), "{user}");
    assert!(
        user.contains("Definition of `get_json` (this file):\n4 | def get_json(url):"),
        "{user}"
    );
    assert!(
        user.ends_with("Hunk (line number | code):\n6 | \n7 | \n8 | def ping():\n9 |     return get_json(\"https://api.example/ping\")\n"),
        "only the new lines, not the legacy ones: {user}"
    );
}

#[test]
fn issue_14_a_blocking_review_blocks_and_a_failing_endpoint_is_an_error_never_a_pass() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", "      block: true\n"));
    let (code, report, _) = gate(dir.path());
    assert_eq!(code, Some(1), "a blocking review's finding blocks");
    assert_eq!(llm_findings(&report)[0]["blocking"], true);
    assert_eq!(seen.lock().unwrap().len(), 2);

    // An endpoint nobody answers: a blocking review is in error (exit 3), an advisory one
    // warns and passes.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let config = dir.path().join("agate.yaml");
    let original = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, original.replace(&base, &nowhere)).unwrap();
    // Answers are cached by question, whichever server gave them: forget them.
    let forget = || std::fs::remove_dir_all(dir.path().join(".agate/cache/llm")).unwrap();
    forget();
    let (code, report, stderr) = gate(dir.path());
    assert_eq!(code, Some(3), "{stderr}");
    let gate_result = &report["verdict"]["gates"][0];
    assert_eq!(gate_result["status"], "error");
    let reasons = gate_result["reasons"].to_string();
    assert!(
        reasons.contains("the LLM review did not cover the change: 2 of 2 hunks have no answer"),
        "{reasons}"
    );
    let notices = report["notices"].to_string();
    assert!(notices.contains("cannot reach the model at"), "{notices}");
    assert!(
        notices.contains("not asked: cannot reach the model"),
        "the second hunk waited for nothing: {notices}"
    );

    std::fs::write(
        &config,
        original
            .replace(&base, &nowhere)
            .replace("      block: true\n", ""),
    )
    .unwrap();
    let (code, report, _) = gate(dir.path());
    assert_eq!(code, Some(0));
    assert!(
        !dir.path().join(".agate/cache/llm").exists(),
        "no answer, nothing cached"
    );
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("gate `review`: the LLM review did not cover the change: 2 of 2 hunks have no answer (advisory: `block: false`)"),
        "{notices}"
    );

    // No key in the environment: the review cannot run, and says which variable is missing.
    std::fs::write(&config, &original).unwrap();
    let output = agate(dir.path())
        .args(["gate", "--env", "staging", "--base", "main"])
        .env_remove("AGATE_TEST_LLM_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("the variable `AGATE_TEST_LLM_KEY` that `gates.review.llm_review.api_key_env` names is not set"),
        "{shown}"
    );

    // A budget that leaves a hunk unasked: a blocking review cannot vouch for the change,
    // even when what it did ask about is clean.
    let (clean, _) = serve(Box::new(|_, _| {
        (
            200,
            String::new(),
            completion(r#"{"findings": []}"#),
            Duration::ZERO,
        )
    }));
    std::fs::write(
        &config,
        original.replace(&base, &clean).replace(
            "      block: true\n",
            "      block: true\n      max_hunks: 1\n",
        ),
    )
    .unwrap();
    let (code, report, _) = gate(dir.path());
    assert_eq!(code, Some(3));
    let reasons = report["verdict"]["gates"][0]["reasons"].to_string();
    assert!(
        reasons.contains("1 of 2 hunks were not asked about: past `max_hunks` (1)"),
        "{reasons}"
    );
    assert_eq!(report["reviews"][0]["skipped"], 1);
    assert_eq!(report["reviews"][0]["hunks"], 2);
}

/// Runs a blocking review against a server answering with `answer`, with `extra` settings;
/// returns the exit code, the report and how many requests the server got.
fn against(answer: Box<Answer>, extra: &str) -> (Option<i32>, Value, usize) {
    let (base, seen) = serve(answer);
    let dir = repository(&settings(
        &base,
        "reviewer",
        &format!("      block: true\n{extra}"),
    ));
    let (code, report, _) = gate(dir.path());
    let requests = seen.lock().unwrap().len();
    (code, report, requests)
}

#[test]
fn issue_14_malformed_slow_rate_limited_and_failing_servers() {
    // Malformed twice: asked once more, then an error.
    let (code, report, requests) = against(
        Box::new(|_, _| {
            (
                200,
                String::new(),
                completion("I think it is fine!"),
                Duration::ZERO,
            )
        }),
        "",
    );
    assert_eq!(code, Some(3));
    assert_eq!(requests, 4, "each hunk asked twice");
    assert!(
        report["notices"].to_string().contains("asked twice"),
        "{}",
        report["notices"]
    );

    // A line outside the hunk is not believed: asked again, then an error.
    let (code, report, _) = against(
        Box::new(|_, _| {
            let content = r#"{"findings": [{"line": 1000, "category": "x", "confidence": 1, "explanation": "y", "fix": null}]}"#;
            (200, String::new(), completion(content), Duration::ZERO)
        }),
        "",
    );
    assert_eq!(code, Some(3));
    assert!(
        report["notices"]
            .to_string()
            .contains("outside the lines sent"),
        "{}",
        report["notices"]
    );
    assert!(llm_findings(&report).is_empty());

    // A server without structured output (400 to `response_format`): asked in plain JSON.
    let (code, report, requests) = against(
        Box::new(|body, seen| {
            if body.contains("response_format") {
                (
                    400,
                    String::new(),
                    r#"{"error": {"message": "response_format is not supported"}}"#.to_owned(),
                    Duration::ZERO,
                )
            } else {
                reviewer(body, seen)
            }
        }),
        "",
    );
    assert_eq!(code, Some(1), "{}", report["notices"]);
    assert_eq!(requests, 3, "one refusal, then two plain requests");

    // 429 with Retry-After: waited out, then answered.
    let (code, report, requests) = against(
        Box::new(|body, seen| {
            if seen == 0 {
                (
                    429,
                    "retry-after: 1\r\n".to_owned(),
                    "{}".to_owned(),
                    Duration::ZERO,
                )
            } else {
                reviewer(body, seen)
            }
        }),
        "",
    );
    assert_eq!(code, Some(1), "{}", report["notices"]);
    assert_eq!(requests, 3);
    assert_eq!(llm_findings(&report).len(), 1);

    // 500: an error that says what the server said.
    let (code, report, _) = against(
        Box::new(|_, _| {
            (
                500,
                String::new(),
                r#"{"error": "model crashed"}"#.to_owned(),
                Duration::ZERO,
            )
        }),
        "",
    );
    assert_eq!(code, Some(3));
    assert!(
        report["notices"].to_string().contains("answered 500"),
        "{}",
        report["notices"]
    );

    // Slower than the timeout: an error, and the other hunk is not left waiting too.
    let (code, report, requests) = against(
        Box::new(|body, seen| {
            let (status, headers, reply, _) = reviewer(body, seen);
            (status, headers, reply, Duration::from_secs(4))
        }),
        "      timeout: 1s\n",
    );
    assert_eq!(code, Some(3));
    assert_eq!(requests, 1, "{}", report["notices"]);
}

/// Commits `files` on the feature branch as an AI-assisted commit.
fn ai_commit(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    git(dir, &["add", "."]);
    git_as(
        dir,
        "dev <dev@example.com>",
        &[
            "commit",
            "-q",
            "-m",
            "more\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        ],
    );
}

#[test]
fn issue_14_copies_of_a_line_latin_1_files_and_generated_files() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", ""));
    ai_commit(
        dir.path(),
        &[
            // The same wrong call twice: two findings, not one.
            (
                "app/twice.py",
                b"import requests\n\n\ndef a(u):\n    return requests.fetch(u)\n\n\n\ndef b(u):\n    return requests.fetch(u)\n",
            ),
            // Not UTF-8: sent all the same, never skipped in silence.
            (
                "app/latin.py",
                b"# -*- coding: latin-1 -*-\n# caf\xe9\nimport requests\nx = requests.fetch('u')\n",
            ),
            // Generated: not sent, and a notice says so.
            (
                "app/gen.py",
                b"# @generated\nimport requests\ny = requests.fetch('v')\n",
            ),
            // Source made to look binary: not sent, and said; an image: not news.
            (
                "app/ctl.py",
                b"#\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10\x11\x12\x13\x14\x15\nz = requests.fetch('w')\n",
            ),
            ("app/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ],
    );
    let (code, report, stderr) = gate(dir.path());
    // The scan fails closed on `app/ctl.py`, binary source in the change; the review says
    // it did not send it.
    assert_eq!(code, Some(3), "{stderr}\n{}", report["notices"]);
    let found: Vec<(String, u64, String)> = llm_findings(&report)
        .iter()
        .map(|finding| {
            (
                finding["location"]["path"].as_str().unwrap().to_owned(),
                finding["location"]["start"]["line"].as_u64().unwrap(),
                finding["fingerprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let at: Vec<(&str, u64)> = found
        .iter()
        .map(|(path, line, _)| (path.as_str(), *line))
        .collect();
    for expected in [
        ("app/twice.py", 5),
        ("app/twice.py", 10),
        ("app/latin.py", 4),
    ] {
        assert!(at.contains(&expected), "{expected:?} not in {at:?}");
    }
    assert!(!at.iter().any(|(path, _)| *path == "app/gen.py"), "{at:?}");
    let twice: BTreeSet<&str> = found
        .iter()
        .filter(|(path, _, _)| path == "app/twice.py")
        .map(|(_, _, fingerprint)| fingerprint.as_str())
        .collect();
    assert_eq!(twice.len(), 2, "each copy has its own fingerprint");
    let notices = report["notices"].to_string();
    assert!(
        notices.contains(
            "2 changed files are not sent to the LLM review: `app/ctl.py` (binary), `app/gen.py` (`@generated`)"
        ),
        "{notices}"
    );
    assert!(!notices.contains("logo.png"), "{notices}");
    let bodies: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| body.clone())
        .collect();
    assert!(
        bodies.iter().any(|body| body.contains("app/latin.py")),
        "the Latin-1 file was not sent"
    );
    assert!(!bodies.iter().any(|body| body.contains("app/gen.py")));
}

#[test]
fn issue_14_a_hostile_server_echoing_the_api_key_never_gets_it_shown() {
    // The first hunk's answer names the key in a finding; the second is a 401 quoting the
    // request's headers, key and all.
    let echo: Box<Answer> = Box::new(move |_, seen| {
        if seen == 0 {
            let content = serde_json::json!({"findings": [{"line": 11, "category": "leak",
                "confidence": 0.9, "explanation": format!("the key is {API_KEY}"),
                "fix": format!("Authorization: Bearer {API_KEY}")}]})
            .to_string();
            (200, String::new(), completion(&content), Duration::ZERO)
        } else {
            (
                401,
                String::new(),
                format!("{{\"error\": \"bad key: Bearer {API_KEY}\"}}"),
                Duration::ZERO,
            )
        }
    });
    let (base, _) = serve(echo);
    let dir = repository(&settings(&base, "reviewer", ""));
    // `gate` fails if the key is on standard output or error.
    let (_, report, _) = gate(dir.path());
    assert!(
        report["notices"].to_string().contains("answered 401"),
        "{}",
        report["notices"]
    );
    assert_eq!(llm_findings(&report).len(), 1);
    for format in [
        "terminal",
        "sarif",
        "junit",
        "gitlab",
        "gitlab-sast",
        "github",
        "summary",
        "comment",
        "html",
    ] {
        let output = agate(dir.path())
            .args([
                "gate", "--env", "staging", "--base", "main", "--format", format,
            ])
            .env("AGATE_TEST_LLM_KEY", API_KEY)
            .output()
            .unwrap();
        for shown in [&output.stdout, &output.stderr] {
            assert!(
                !String::from_utf8_lossy(shown).contains(API_KEY),
                "the API key in the {format} format"
            );
        }
    }
}

#[test]
fn issue_14_a_blocking_review_in_a_warn_environment_warns_and_exits_0() {
    // The AI hunk gets a finding, the other a 500.
    let (base, _) = serve(Box::new(|body, seen| {
        if seen == 0 {
            reviewer(body, seen)
        } else {
            (500, String::new(), "{}".to_owned(), Duration::ZERO)
        }
    }));
    let dir = repository(&settings(&base, "reviewer", "      block: true\n"));
    let config = dir.path().join("agate.yaml");
    let original = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, original.replace("mode: block", "mode: warn")).unwrap();
    let (code, report, stderr) = gate(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let gate_result = &report["verdict"]["gates"][0];
    assert_eq!(gate_result["status"], "warn", "{gate_result}");
    assert!(
        gate_result["reasons"]
            .to_string()
            .contains("the LLM review did not cover the change: 1 of 2 hunks have no answer"),
        "{gate_result}"
    );
    assert_eq!(llm_findings(&report).len(), 1);
}

#[test]
fn issue_14_links_in_the_change_are_not_a_review_failure() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", "      block: true\n"));
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.py"), "import os\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.py"), dir.path().join("app/out.py")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("app/here")).unwrap();
    std::os::unix::fs::symlink("orders.py", dir.path().join("app/same.py")).unwrap();
    ai_commit(dir.path(), &[]);
    let (code, report, stderr) = gate(dir.path());
    let reasons = report["verdict"]["gates"][0]["reasons"].to_string();
    assert_eq!(code, Some(1), "{reasons}\n{stderr}");
    assert!(!reasons.contains("not read"), "{reasons}");
    let bodies: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| body.clone())
        .collect();
    assert!(
        !bodies.iter().any(|body| body.contains("import os")),
        "a file outside the root was sent"
    );
}

#[test]
fn issue_14_a_linked_cache_folder_is_not_written_through() {
    let (base, _) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", ""));
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".agate/cache")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join(".agate/cache/llm")).unwrap();
    let (code, report, _) = gate(dir.path());
    assert_eq!(code, Some(0));
    assert!(
        report["notices"]
            .to_string()
            .contains("`.agate/cache/llm` is a symbolic link: LLM answers are not cached"),
        "{}",
        report["notices"]
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert_eq!(llm_findings(&report).len(), 1);
}

#[test]
fn issue_14_a_crlf_file_with_a_private_key_across_hunks_keeps_lines_and_the_key() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", ""));
    let body_line = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";
    let mut text = String::from("import requests\r\n");
    text.extend((0..74).map(|index| format!("x{index} = {index}\r\n")));
    // Lines 76 to 107: the key, across the 80-line cut.
    text.push_str("KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----\r\n");
    for _ in 0..30 {
        text.push_str(body_line);
        text.push_str("\r\n");
    }
    text.push_str("-----END RSA PRIVATE KEY-----\"\"\"\r\n");
    text.push_str("y = requests.fetch('u')\r\n");
    ai_commit(dir.path(), &[("app/crlf.py", text.as_bytes())]);
    let (_, report, _) = gate(dir.path());
    let found: Vec<(String, u64)> = llm_findings(&report)
        .iter()
        .map(|finding| {
            (
                finding["location"]["path"].as_str().unwrap().to_owned(),
                finding["location"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        found.contains(&("app/crlf.py".to_owned(), 108)),
        "{found:?}"
    );
    for (_, body) in seen.lock().unwrap().iter() {
        assert!(
            !body.contains(&body_line[10..40]),
            "the private key was sent"
        );
    }
}

#[test]
fn issue_14_a_secret_used_as_a_name_is_not_sent_in_the_context_headers() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", ""));
    ai_commit(
        dir.path(),
        &[(
            &format!("app/{KEY_ID}.py"),
            format!(
                "import requests\n\n\ndef {KEY_ID}():\n    x = 1\n    return requests.fetch(x)\n\n\ndef use():\n    return {KEY_ID}()\n"
            )
            .as_bytes(),
        )],
    );
    let (_, report, _) = gate(dir.path());
    let bodies = seen.lock().unwrap().clone();
    assert!(bodies.len() >= 3, "{}", report["notices"]);
    for (_, body) in &bodies {
        assert!(!body.contains(KEY_ID), "the key was sent: {body}");
    }
    // The finding is where the file is.
    assert!(
        llm_findings(&report)
            .iter()
            .any(|finding| finding["location"]["start"]["line"] == 6),
        "{:#?}",
        llm_findings(&report)
    );
}

#[test]
fn issue_14_a_large_image_in_the_change_is_not_a_review_failure() {
    let (base, _) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", "      block: true\n"));
    let mut image = b"\x89PNG\r\n\x1a\n".to_vec();
    image.resize(3 * 1024 * 1024, 7);
    // Text of the same size is a file nobody checked: that one fails the review.
    let text = "x = 1\n".repeat(600_000);
    ai_commit(dir.path(), &[("assets/big.png", &image)]);
    let (code, report, stderr) = gate(dir.path());
    let reasons = report["verdict"]["gates"][0]["reasons"].to_string();
    assert_eq!(code, Some(1), "{reasons}\n{stderr}");
    assert!(!reasons.contains("big.png"), "{reasons}");
    ai_commit(dir.path(), &[("data/big.txt", text.as_bytes())]);
    let (code, report, _) = gate(dir.path());
    let reasons = report["verdict"]["gates"][0]["reasons"].to_string();
    assert_eq!(code, Some(1), "a blocking finding wins: {reasons}");
    assert!(
        reasons.contains("`data/big.txt` not read: it is larger than"),
        "{reasons}"
    );
    // `unscannable: warn` makes it a warning, for the review as for the scan.
    let config = dir.path().join("agate.yaml");
    let original = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("unscannable: warn\n{original}")).unwrap();
    let (_, report, _) = gate(dir.path());
    let reasons = report["verdict"]["gates"][0]["reasons"].to_string();
    assert!(!reasons.contains("big.txt"), "{reasons}");
    assert!(
        report["notices"].to_string().contains(
            "not sent to the LLM review: `data/big.txt` not read: it is larger than 2097152 bytes (a warning by `unscannable: warn`)"
        ),
        "{}",
        report["notices"]
    );
}

#[test]
fn issue_14_only_the_paths_asked_for_are_sent() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", ""));
    let output = agate(dir.path())
        .args([
            "gate",
            "--env",
            "staging",
            "--base",
            "main",
            "--format",
            "json",
            "app/client.py",
        ])
        .env("AGATE_TEST_LLM_KEY", API_KEY)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", report["notices"]);
    let bodies: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| body.clone())
        .collect();
    assert_eq!(bodies.len(), 1, "{}", report["reviews"]);
    assert!(bodies[0].contains("File: app/client.py"));
}

#[test]
fn issue_14_a_committed_answer_cache_is_never_read() {
    let (base, seen) = serve(Box::new(reviewer));
    let dir = repository(&settings(&base, "reviewer", "      block: true\n"));
    let (code, _, _) = gate(dir.path());
    assert_eq!(code, Some(1));
    let asked = seen.lock().unwrap().len();

    // The change's author knows the question (prompt, model, rubric, hunk are all in the
    // repository), so they can commit an answer that finds nothing.
    let cache = dir.path().join(".agate/cache/llm");
    for entry in std::fs::read_dir(&cache).unwrap() {
        std::fs::write(entry.unwrap().path(), r#"{"findings": []}"#).unwrap();
    }
    git(dir.path(), &["add", "-f", ".agate/cache"]);
    git(dir.path(), &["commit", "-q", "-m", "cache"]);
    let (code, report, _) = gate(dir.path());
    assert_eq!(code, Some(1), "the hunk is asked again and still blocks");
    assert!(
        seen.lock().unwrap().len() > asked,
        "the model was asked again"
    );
    assert_eq!(report["reviews"][0]["cached"], 0);
    assert_eq!(llm_findings(&report).len(), 1);
    let notices = report["notices"].to_string();
    assert!(
        notices
            .contains("is committed to the repository: agate reads no cached blame or LLM answer"),
        "{notices}"
    );
}

#[test]
fn issue_14_without_a_base_the_review_covers_the_ai_authored_lines() {
    let (base, seen) = serve(Box::new(reviewer));
    let config = format!(
        "gates:\n  security: off\n  provenance-lint: off\n  functional: off\n  review:\n    llm_review:\n{}\nenvironments:\n  staging:\n    mode: block\n    gates: [review]\n",
        settings(&base, "reviewer", "")
    );
    let dir = tree(&[
        ("agate.yaml", config.as_str()),
        (
            "app/fetch.py",
            "import requests\n\n\ndef get(url):\n    return requests.fetch(url)\n",
        ),
        ("app/human.py", "def add(a, b):\n    return a + b\n"),
        (
            "app/marked.py",
            "def ok():\n    return 1\n\n\n# agate: ai-begin\ndef bad(url):\n    return requests.fetch(url)\n# agate: ai-end\n",
        ),
    ]);
    // No repository, so no base: only what is known to be AI-authored is sent — here the
    // lines between the inline markers, then everything with --ai-change.
    let output = agate(dir.path())
        .args(["gate", "--env", "staging", "--format", "json"])
        .env("AGATE_TEST_LLM_KEY", API_KEY)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["reviews"][0]["hunks"], 1, "{}", report["notices"]);
    let found = llm_findings(&report);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["location"]["path"], "app/marked.py");
    assert_eq!(found[0]["location"]["start"]["line"], 7);
    assert_eq!(seen.lock().unwrap().len(), 1);

    let output = agate(dir.path())
        .args([
            "gate",
            "--env",
            "staging",
            "--format",
            "json",
            "--ai-change",
        ])
        .env("AGATE_TEST_LLM_KEY", API_KEY)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["reviews"][0]["hunks"], 3,
        "every source file, each whole: {}",
        report["reviews"]
    );
    assert_eq!(llm_findings(&report).len(), 2);
}
