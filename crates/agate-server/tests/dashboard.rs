//! The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core
//! from npm): `dashboard.mjs` logs in, reads the overview and a run's page, tries a stored
//! XSS and a forged form, and screenshots; this test serves it the data.

#![expect(
    clippy::unwrap_used,
    clippy::disallowed_methods,
    reason = "a test reads where its tools are, and fails loudly"
)]

mod support;

use std::path::Path;
use std::process::Command;

use agate_server::ServerOptions;
use serde_json::{Value, json};
use support::{Db, server_on};

/// A gate report of `repository` with an AI-authored SQL injection (open) and an insecure
/// cookie triaged as a false positive, accepted until a date within 30 days.
fn report(repository: &str, run: &str) -> String {
    let until = day_in(10);
    let finding = |rule: &str, severity: &str, message: &str, line: u32| {
        json!({
            "rule_id": rule, "analyzer": "sast", "severity": severity, "confidence": "high",
            "message": message,
            "location": { "path": "app.py", "start": { "line": line, "column": 1 }, "end": { "line": line, "column": 9 } },
            "snippet": "x", "fingerprint": format!("{rule}-{line}"), "tier": "ai", "gate": "security",
            "ai_evidence": { "source": "trailer", "tool": "Claude", "model": "claude-opus-4-7" },
        })
    };
    let mut cookie = finding("py.insecure-cookie", "low", "cookie without Secure", 9);
    cookie["status"] = json!("triaged");
    cookie["justification"] = json!({
        "source": "triage", "reason": "test client only", "decision": "false-positive", "until": until,
    });
    let mut injection = finding(
        "py.sql-injection",
        "high",
        "<img src=x onerror=alert(1)>",
        3,
    );
    injection["status"] = json!("open");
    injection["blocking"] = json!(true);
    json!({
        "schema_version": 2,
        "tool": { "name": "agate", "version": "0.1.0" },
        "run": {
            "repository": repository, "commit": "0123456789abcdef", "run_id": run,
            "started_at": "2026-12-07T10:00:00Z", "policy_digest": "d1",
            "lines": { "changed": 10, "ai": 4 }
        },
        "findings": [injection, cookie],
        "rules": [], "notices": [],
        "stats": { "files": 1, "bytes": 10, "rules": 2, "duration_ms": 1 },
        "verdict": { "status": "blocked", "environment": "staging", "gates": [
            { "name": "security", "mode": "block", "status": "fail", "reasons": ["1 finding at or above the threshold"],
              "counts": { "blocking": 1, "below_threshold": 0, "baselined": 0, "suppressed": 0, "triaged": 1,
                          "blocking_ai": 1, "blocking_new": 0, "blocking_legacy": 0 } }
        ] }
    })
    .to_string()
}

/// The date `days` from today, `YYYY-MM-DD`.
fn day_in(days: u64) -> String {
    let output = Command::new("date")
        .args(["-u", "-d", &format!("+{days} days"), "+%Y-%m-%d"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
#[ignore = "needs Chromium and playwright-core: scripts/test installs them"]
fn issue_13_dashboard_in_headless_chromium() {
    let server = server_on(Db::Sqlite, ServerOptions::default());
    let payments = server.token("payments", false);
    let lending = server.token("lending", false);
    let (status, _) = server.call(
        "POST",
        "/api/v1/runs",
        Some(&payments),
        Some(report("bank/<script>alert(1)</script>", "1")),
    );
    assert_eq!(status, 201);
    let (status, other): (u16, Value) = server.call(
        "POST",
        "/api/v1/runs",
        Some(&lending),
        Some(report("other/secret-repo", "2")),
    );
    assert_eq!(status, 201);

    let out = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dashboard.mjs");
    let modules = std::env::var_os("AGATE_TEST_NODE_MODULES")
        .expect("AGATE_TEST_NODE_MODULES holds playwright-core (scripts/test installs it)");
    let chromium =
        std::env::var_os("AGATE_TEST_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
    let output = Command::new("node")
        .arg(&script)
        .args([
            server.base.as_str(),
            payments.as_str(),
            &other["id"].to_string(),
        ])
        .arg(out.path())
        .env("NODE_PATH", modules)
        .env("AGATE_TEST_CHROMIUM", chromium)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        results["ink"]["overview"].as_f64().unwrap() > 0.02,
        "{results}"
    );
    for shot in ["login.png", "overview.png"] {
        let bytes = std::fs::read(out.path().join(shot)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{shot} is a PNG");
    }
}
