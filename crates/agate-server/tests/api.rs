//! The JSON API over a real listener and a SQLite file: who may upload and read what, and
//! what bad input gets.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

mod support;

use std::time::Duration;

use agate_server::ServerOptions;
use serde_json::json;
use support::{Db, report, server_on};

on_both_databases!(
    a_team_uploads_and_reads_its_own_runs_only,
    an_admin_assigns_repositories_to_teams,
    no_token_or_an_unknown_one_is_401_on_every_endpoint,
    bad_uploads_get_a_clear_4xx_and_store_nothing,
    uploads_past_the_rate_limit_get_429_with_retry_after,
    published_policies_are_served_and_flag_uploads_that_do_not_extend_them,
    attestations_are_stored_for_the_repositorys_team,
);

fn a_team_uploads_and_reads_its_own_runs_only(db: Db) {
    let server = server_on(db, ServerOptions::default());
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
    let (_, gates) = server.call(
        "GET",
        "/api/v1/gates?environment=staging",
        Some(&payments),
        None,
    );
    assert_eq!(gates["gates"][0]["gate"], "security");
    assert_eq!(gates["gates"][0]["status"], "fail");
    let (_, none) = server.call("GET", "/api/v1/gates", Some(&lending), None);
    assert_eq!(none["gates"], json!([]));
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

fn an_admin_assigns_repositories_to_teams(db: Db) {
    let server = server_on(db, ServerOptions::default());
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

fn no_token_or_an_unknown_one_is_401_on_every_endpoint(db: Db) {
    let server = server_on(db, ServerOptions::default());
    for (method, path) in [
        ("GET", "/api/v1/runs"),
        ("POST", "/api/v1/runs"),
        ("GET", "/api/v1/runs/1"),
        ("GET", "/api/v1/findings"),
        ("GET", "/api/v1/gates"),
        ("GET", "/api/v1/attestations?commit=x"),
        ("POST", "/api/v1/attestations"),
        ("GET", "/api/v1/policies/a/b/c"),
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

fn bad_uploads_get_a_clear_4xx_and_store_nothing(db: Db) {
    let server = server_on(
        db,
        ServerOptions {
            max_upload_bytes: 64 * 1024,
            uploads_per_minute: 20,
        },
    );
    let token = server.token("payments", false);
    let cases = [
        ("not json".to_owned(), 400, "not JSON"),
        ("[2]".to_owned(), 422, "not an agate report"),
        (
            report("bank/pay", "c1", "r1").replace("\"bank/pay\"", "\" \""),
            422,
            "the repository name is empty",
        ),
        (
            report("bank/pay", "c1", "r1").replace("\"bank/pay\"", "\"bank/pay \""),
            422,
            "has spaces around it",
        ),
        (
            report("bank/pay", "c1", "r1").replace("\"bank/pay\"", "\"bank\\npay\""),
            422,
            "control character",
        ),
        ("\"text\"".to_owned(), 422, "schema version 2"),
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
    // A bad parameter is a JSON error too, naming it.
    for (path, message) in [
        ("/api/v1/runs?limit=-1", "limit"),
        ("/api/v1/findings?severity=x&nope=1", "nope"),
        ("/api/v1/gates?limit=x", "limit"),
        ("/api/v1/attestations", "commit"),
        ("/api/v1/runs/abc", "abc"),
    ] {
        let (got, answer) = server.call("GET", path, Some(&token), None);
        assert_eq!(got, 400, "{path}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(message),
            "{path}: {answer}"
        );
    }
}

fn uploads_past_the_rate_limit_get_429_with_retry_after(db: Db) {
    let server = server_on(
        db,
        ServerOptions {
            uploads_per_minute: 2,
            ..ServerOptions::default()
        },
    );
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
    // Attestations count against the same limit: a token cannot fill the store with them.
    let (status, answer) = server.call(
        "POST",
        "/api/v1/attestations",
        Some(&token),
        Some("{}".to_owned()),
    );
    assert_eq!(status, 429, "{answer}");
}

fn published_policies_are_served_and_flag_uploads_that_do_not_extend_them(db: Db) {
    let server = server_on(db, ServerOptions::default());
    let token = server.token("payments", false);
    // Before any policy is published, nothing is required.
    let (_, first) = server.call(
        "POST",
        "/api/v1/runs",
        Some(&token),
        Some(report("a/b", "c1", "r1")),
    );
    assert_eq!(first["org_policy"], true);

    let text = "version: 1\ntiers:\n  ai: { block_at: low }\n";
    let digest = server
        .runtime
        .block_on(server.store.publish_policy("bank/base", "v3", text))
        .unwrap();
    let again = server.runtime.block_on(server.store.publish_policy(
        "bank/base",
        "v3",
        "version: 1\n",
    ));
    assert!(again.is_err(), "a published version never changes");

    let (status, yaml) = server.call("GET", "/api/v1/policies/bank/base/v3", Some(&token), None);
    assert_eq!(
        (status, yaml),
        (200, serde_json::Value::String(text.to_owned()))
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/policies/bank/base/v3", None, None)
            .0,
        401
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/policies/bank/base/v4", Some(&token), None)
            .0,
        404
    );

    // The report's layers: `d1` only — it does not extend the published policy.
    let (_, flagged) = server.call(
        "POST",
        "/api/v1/runs",
        Some(&token),
        Some(report("a/b", "c2", "r2")),
    );
    assert_eq!(flagged["org_policy"], false);
    let mut extending: serde_json::Value =
        serde_json::from_str(&report("a/b", "c3", "r3")).unwrap();
    extending["run"]["policy_layers"] =
        json!([{ "source": "agate+https://s/bank/base@v3", "digest": digest }]);
    let extending = extending.to_string();
    let (_, extended) = server.call("POST", "/api/v1/runs", Some(&token), Some(extending));
    assert_eq!(extended["org_policy"], true, "{extended}");
}

fn attestations_are_stored_for_the_repositorys_team(db: Db) {
    let server = server_on(db, ServerOptions::default());
    let payments = server.token("payments", false);
    let lending = server.token("lending", false);
    let key = agate_attest::PrivateKey::generate().unwrap();
    let report: agate_model::Report =
        serde_json::from_str(&report("bank/pay", "0123abcd", "r1")).unwrap();
    let statement = agate_attest::gate_statement(&report, &[]).unwrap();
    let envelope = serde_json::to_string(&agate_attest::sign(&statement, &key).unwrap()).unwrap();

    let (status, body) = server.call(
        "POST",
        "/api/v1/attestations",
        Some(&payments),
        Some(envelope.clone()),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["environment"], "staging");
    // Another team cannot attest (or overwrite) the repository's commits.
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/attestations",
                Some(&lending),
                Some(envelope)
            )
            .0,
        403
    );
    let (_, listed) = server.call(
        "GET",
        "/api/v1/attestations?commit=0123abcd",
        Some(&payments),
        None,
    );
    let stored: agate_attest::Envelope =
        serde_json::from_value(listed["attestations"][0]["envelope"].clone()).unwrap();
    assert_eq!(
        agate_attest::open(&stored, &key.public()).unwrap(),
        statement
    );
    let (_, hidden) = server.call(
        "GET",
        "/api/v1/attestations?commit=0123abcd",
        Some(&lending),
        None,
    );
    assert_eq!(hidden["attestations"], json!([]));
    let (status, _) = server.call(
        "POST",
        "/api/v1/attestations",
        Some(&payments),
        Some("{\"payload\": \"%%\", \"payloadType\": \"x\", \"signatures\": []}".to_owned()),
    );
    assert_eq!(status, 422);
}

/// Every operation docs/server-api.yaml documents exists, and answers a call with one of
/// the statuses the document lists for it.
#[test]
fn the_openapi_document_matches_the_routes() {
    let server = server_on(Db::Sqlite, ServerOptions::default());
    let admin = server.token("platform", true);
    let document = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/server-api.yaml"),
    )
    .unwrap();
    let document: serde_json::Value = serde_saphyr::from_str(&document).unwrap();
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let url = path
                .replace("{id}", "1")
                .replace("{org}", "bank")
                .replace("{name}", "base")
                .replace("{version}", "v1");
            let url = if url == "/api/v1/attestations" && method == "get" {
                format!("{url}?commit=0123")
            } else {
                url
            };
            let body = (method != "get").then(|| "{}".to_owned());
            let (status, answer) = server.call(&method.to_uppercase(), &url, Some(&admin), body);
            let documented = operation["responses"].as_object().unwrap();
            assert!(
                documented.contains_key(&status.to_string()),
                "{method} {path}: {status} is not documented ({answer})"
            );
            operations += 1;
        }
    }
    assert_eq!(operations, 10);
}
