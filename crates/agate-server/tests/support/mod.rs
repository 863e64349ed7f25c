//! A server on a real listener over a fresh database, and reports to upload.

#![allow(dead_code, reason = "each test binary uses part of it")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a test reads where its PostgreSQL server is, and fails loudly"
)]

use std::time::Duration;

use agate_server::{Hooks, ServerOptions, Store};
use serde_json::{Value, json};

pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) store: Store,
    pub(crate) runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

/// Where a test's store lives: a fresh SQLite file, or a fresh database on the PostgreSQL
/// server `AGATE_TEST_POSTGRES` names (an admin URL; `scripts/test` starts one).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Db {
    Sqlite,
    Postgres,
}

/// Runs each named test (a function taking a [`Db`]) once on SQLite and once on
/// PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(super::support::Db::Sqlite);
            })*
        }
        mod postgres {
            $(#[test]
            #[ignore = "needs PostgreSQL: scripts/test starts one and sets AGATE_TEST_POSTGRES"]
            fn $name() {
                super::$name(super::support::Db::Postgres);
            })*
        }
    };
}

/// A fresh database on the test PostgreSQL server, named for this test run.
fn postgres_database(runtime: &tokio::runtime::Runtime) -> String {
    use sqlx::Connection as _;
    let admin = std::env::var("AGATE_TEST_POSTGRES")
        .expect("AGATE_TEST_POSTGRES names a PostgreSQL server (scripts/test starts one)");
    let name = format!(
        "agate_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let mut connection = sqlx::AnyConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .execute(&mut connection)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut connection)
            .await
            .unwrap();
    });
    let (prefix, _) = admin.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

pub(crate) fn server(options: ServerOptions) -> Server {
    server_on(Db::Sqlite, options)
}

pub(crate) fn server_on(db: Db, options: ServerOptions) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = match db {
        Db::Sqlite => format!("sqlite:{}", dir.path().join("agate.db").display()),
        Db::Postgres => postgres_database(&runtime),
    };
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
    pub(crate) fn token(&self, team: &str, admin: bool) -> String {
        self.runtime
            .block_on(self.store.create_token(team, admin, "test"))
            .unwrap()
    }

    pub(crate) fn call(
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

pub(crate) fn report(repository: &str, commit: &str, run: &str) -> String {
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
