//! The JSON API over a real listener and a SQLite file: who may upload and read what, and
//! what bad input gets.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::time::Duration;

use agate_server::{Hooks, ServerOptions, Store};
use serde_json::{Value, json};

struct Server {
    base: String,
    store: Store,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn server(options: ServerOptions) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("agate.db").display());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (store, listener) = runtime.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        (store, listener)
    });
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hooks = Hooks {
        redact: Box::new(|report| {
            for finding in &mut report.findings {
                finding.snippet = finding.snippet.replace("hunter2", "[REDACTED]");
            }
        }),
        log: Box::new(|_| {}),
    };
    let app = agate_server::router(store.clone(), options, hooks);
    runtime.spawn(async move { axum::serve(listener, app).await });
    Server {
        base,
        store,
        runtime,
        _dir: dir,
    }
}

impl Server {
    fn token(&self, team: &str, admin: bool) -> String {
        self.runtime
            .block_on(self.store.create_token(team, admin, "test"))
            .unwrap()
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> (u16, Value) {
        let agent = agate_http::agent_without_redirects(Duration::from_secs(10));
        let url = format!("{}{path}", self.base);
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let response = match body {
            Some(body) => agent
                .run(
                    request
                        .header("Content-Type", "application/json")
                        .body(body)
                        .unwrap(),
                )
                .unwrap(),
            None => agent.run(request.body(()).unwrap()).unwrap(),
        };
        let status = response.status().as_u16();
        let text = response.into_body().read_to_string().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

fn report(repository: &str, commit: &str, run: &str) -> String {
    json!({
        "schema_version": 2,
        "tool": { "name": "agate", "version": "0.1.0" },
        "run": {
            "repository": repository,
            "commit": commit,
            "run_id": run,
            "started_at": "2026-12-07T10:00:00Z",
            "policy_digest": "d1",
            "policy_layers": [{ "source": "agate.yaml", "digest": "d1" }],
            "lines": { "changed": 10, "ai": 4 }
        },
        "findings": [{
            "rule_id": "py.sql-injection", "analyzer": "sast", "severity": "high",
            "confidence": "high", "message": "SQL built from request data",
            "location": { "path": "app.py", "start": { "line": 3, "column": 1 }, "end": { "line": 3, "column": 9 } },
            "snippet": "password = 'hunter2'", "fingerprint": "f1", "tier": "ai",
            "ai_evidence": { "source": "trailer", "tool": "Claude", "model": "claude-opus-4-7" },
            "status": "open", "blocking": true, "gate": "security"
        }],
        "rules": [],
        "notices": [],
        "stats": { "files": 1, "bytes": 10, "rules": 1, "duration_ms": 1 },
        "verdict": { "status": "blocked", "environment": "staging", "gates": [
            { "name": "security", "mode": "block", "status": "fail", "counts": {
                "blocking": 1, "below_threshold": 0, "baselined": 0, "suppressed": 0,
                "blocking_ai": 1, "blocking_new": 0, "blocking_legacy": 0 } }
        ] }
    })
    .to_string()
}

#[test]
fn a_team_uploads_and_reads_its_own_runs_only() {
    let server = server(ServerOptions::default());
    let payments = server.token("payments", false);
    let lending = server.token("lending", false);
    let admin = server.token("platform", true);

    let (status, body) = server.call(
        "POST",
        "/api/v1/runs",
        Some(&payments),
        Some(report("bank/pay", "c1", "r1")),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["created"], true);
    // The same run again is the same run.
    let (status, again) = server.call(
        "POST",
        "/api/v1/runs",
        Some(&payments),
        Some(report("bank/pay", "c1", "r1")),
    );
    assert_eq!(
        (status, &again["id"], &again["created"]),
        (200, &body["id"], &json!(false))
    );

    // Another team may neither upload to nor read the repository.
    let (status, body) = server.call(
        "POST",
        "/api/v1/runs",
        Some(&lending),
        Some(report("bank/pay", "c2", "r2")),
    );
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("belongs to team `payments`")
    );
    let id = again["id"].as_i64().unwrap();
    assert_eq!(
        server
            .call("GET", &format!("/api/v1/runs/{id}"), Some(&lending), None)
            .0,
        403
    );
    let (_, listed) = server.call("GET", "/api/v1/runs", Some(&lending), None);
    assert_eq!(listed["runs"], json!([]));
    let (_, found) = server.call("GET", "/api/v1/findings", Some(&lending), None);
    assert_eq!(found["findings"], json!([]));

    // The owner and an admin do.
    let (_, listed) = server.call("GET", "/api/v1/runs", Some(&payments), None);
    assert_eq!(listed["runs"][0]["repository"], "bank/pay");
    assert_eq!(listed["runs"][0]["lines_ai"], 4);
    let (_, listed) = server.call("GET", "/api/v1/runs?team=payments", Some(&admin), None);
    assert_eq!(listed["runs"].as_array().unwrap().len(), 1);
    let (status, stored) = server.call("GET", &format!("/api/v1/runs/{id}"), Some(&admin), None);
    assert_eq!(status, 200);
    assert_eq!(
        stored["findings"][0]["snippet"], "password = '[REDACTED]'",
        "stored redacted"
    );
    let (_, found) = server.call(
        "GET",
        "/api/v1/findings?tier=ai&rule=py.sql-injection",
        Some(&payments),
        None,
    );
    assert_eq!(found["findings"][0]["ai_model"], "claude-opus-4-7");
    assert_eq!(
        server.call("GET", "/api/v1/runs/999", Some(&admin), None).0,
        404
    );
}

#[test]
fn an_admin_assigns_repositories_to_teams() {
    let server = server(ServerOptions::default());
    let payments = server.token("payments", false);
    let lending = server.token("lending", false);
    let admin = server.token("platform", true);
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/runs",
                Some(&payments),
                Some(report("bank/pay", "c1", "r1"))
            )
            .0,
        201
    );
    // An admin reassigns the repository; only an admin may.
    let assign = json!({ "team": "lending" }).to_string();
    assert_eq!(
        server
            .call(
                "PUT",
                "/api/v1/repositories/bank%2Fpay",
                Some(&payments),
                Some(assign.clone())
            )
            .0,
        403
    );
    let (status, body) = server.call(
        "PUT",
        "/api/v1/repositories/bank%2Fpay",
        Some(&admin),
        Some(assign),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/runs",
                Some(&lending),
                Some(report("bank/pay", "c2", "r2"))
            )
            .0,
        201
    );
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/runs",
                Some(&payments),
                Some(report("bank/pay", "c3", "r3"))
            )
            .0,
        403
    );
    let unknown = json!({ "team": "nobody" }).to_string();
    let (status, body) = server.call("PUT", "/api/v1/repositories/x", Some(&admin), Some(unknown));
    assert_eq!(status, 404, "{body}");
}

#[test]
fn no_token_or_an_unknown_one_is_401_on_every_endpoint() {
    let server = server(ServerOptions::default());
    for (method, path) in [
        ("GET", "/api/v1/runs"),
        ("POST", "/api/v1/runs"),
        ("GET", "/api/v1/runs/1"),
        ("GET", "/api/v1/findings"),
        ("PUT", "/api/v1/repositories/x"),
    ] {
        let body = (method != "GET").then(|| "{}".to_owned());
        assert_eq!(
            server.call(method, path, None, body.clone()).0,
            401,
            "{method} {path}"
        );
        assert_eq!(
            server.call(method, path, Some("agate_0000"), body).0,
            401,
            "{method} {path}"
        );
    }
    assert_eq!(
        server.call("GET", "/healthz", None, None),
        (200, json!({ "status": "ok" }))
    );
}

#[test]
fn bad_uploads_get_a_clear_4xx_and_store_nothing() {
    let server = server(ServerOptions {
        max_upload_bytes: 64 * 1024,
        uploads_per_minute: 5,
        ..ServerOptions::default()
    });
    let token = server.token("payments", false);
    let cases = [
        ("not json".to_owned(), 400, "not JSON"),
        (
            json!({ "schema_version": 1 }).to_string(),
            422,
            "schema version 2",
        ),
        (
            json!({ "schema_version": 2, "tool": 3 }).to_string(),
            422,
            "not an agate report",
        ),
        (
            report("bank/pay", "c1", "r1").replace("\"run\"", "\"ignored\""),
            422,
            "no `run`",
        ),
        (
            "x".repeat(65 * 1024),
            413,
            "larger than the server's limit of 65536 bytes",
        ),
    ];
    for (body, status, message) in cases {
        let (got, answer) = server.call("POST", "/api/v1/runs", Some(&token), Some(body));
        assert_eq!(got, status, "{answer}");
        assert!(answer.to_string().contains(message), "{answer}");
    }
    let (_, listed) = server.call("GET", "/api/v1/runs", Some(&token), None);
    assert_eq!(listed["runs"], json!([]));
}

#[test]
fn uploads_past_the_rate_limit_get_429_with_retry_after() {
    let server = server(ServerOptions {
        uploads_per_minute: 2,
        ..ServerOptions::default()
    });
    let token = server.token("payments", false);
    for run in ["r1", "r2"] {
        assert_eq!(
            server
                .call(
                    "POST",
                    "/api/v1/runs",
                    Some(&token),
                    Some(report("a/b", "c", run))
                )
                .0,
            201
        );
    }
    let agent = agate_http::agent_without_redirects(Duration::from_secs(10));
    let response = agent
        .post(format!("{}/api/v1/runs", server.base))
        .header("Authorization", format!("Bearer {token}"))
        .send(report("a/b", "c", "r3"))
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
}
