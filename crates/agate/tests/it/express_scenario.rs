//! The Express scenario end to end: the steps of examples/express-service/README.md, read
//! from the README itself and run in a copy of the example — the AI version warned in dev
//! and blocked in staging and production, the fixed version passing, and its deployment to
//! production refused without staging's attestation and accepted with it. Every output the
//! README shows is compared with what agate printed.

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use super::scenario::{blocks, copy};
use super::{agate, agate_process};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/express-service"
);

/// The outputs the README shows: each `$ command` of its `text` blocks with the lines
/// after it, in order.
fn shown(markdown: &str) -> Vec<(String, Vec<&str>)> {
    let mut shown: Vec<(String, Vec<&str>)> = Vec::new();
    for block in blocks(markdown, "text") {
        for line in block {
            match line.strip_prefix("$ ") {
                Some(command) => shown.push((command.to_owned(), Vec::new())),
                None => shown
                    .last_mut()
                    .unwrap_or_else(|| panic!("a text block starts with the `$ command` it shows"))
                    .1
                    .push(line),
            }
        }
    }
    shown
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `bash -c step` in `dir`, with the environment the `agate` helper gives the binary
/// (CI variables cleared, no real registry), the built agate first on `PATH`, then the
/// test tools (Semgrep) and Node.js.
fn step(dir: &Path, cache: &Path, path: &str, command: &str) -> Command {
    let mut bash = Command::new("bash");
    bash.args(["-c", command]).current_dir(dir);
    for (key, value) in agate_process(dir).get_envs() {
        match value {
            Some(value) => bash.env(key, value),
            None => bash.env_remove(key),
        };
    }
    bash.env("PATH", path)
        // Its own advisory store: an express advisory another test imported is not this one's.
        .env("AGATE_CACHE_DIR", cache)
        .env("SEMGREP_SEND_METRICS", "off")
        .env("SEMGREP_ENABLE_VERSION_CHECK", "0")
        .env("GIT_AUTHOR_NAME", "Ana Dev")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("GIT_COMMITTER_NAME", "Ana Dev")
        .env("GIT_COMMITTER_EMAIL", "ana@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    bash
}

#[test]
#[ignore = "needs Node.js with Express and Semgrep: scripts/test installs them and runs this"]
fn issue_21_express_service_readme_steps_from_dev_to_production() {
    let modules = std::env::var("AGATE_TEST_NODE_MODULES").unwrap_or_else(|_| {
        panic!("AGATE_TEST_NODE_MODULES is not set: run `scripts/test`, which installs Express")
    });
    let readme = std::fs::read_to_string(Path::new(EXAMPLE).join("README.md")).unwrap();
    let steps = &blocks(&readme, "sh")[1];
    let mut shown = shown(&readme).into_iter();
    let work = tempfile::tempdir().unwrap();
    // As in the README: a copy of the example, with `..` outside it for the key.
    let dir = work.path().join("orders");
    std::fs::create_dir(&dir).unwrap();
    copy(Path::new(EXAMPLE), &dir);
    // The service listens on a free port rather than 3000, as the README says to do.
    let config = std::fs::read_to_string(dir.join("agate.yaml")).unwrap();
    assert!(config.contains(":3000") && config.contains("PORT: \"3000\""));
    std::fs::write(
        dir.join("agate.yaml"),
        config.replace("3000", &free_port().to_string()),
    )
    .unwrap();
    let binary = Path::new(env!("CARGO_BIN_EXE_agate")).parent().unwrap();
    let path = format!(
        "{}:{}",
        binary.display(),
        super::tools::tools_path() // Semgrep, then the system's PATH (Node.js)
    );
    let cache = work.path().join("cache");
    let mut gates = 0;
    for line in steps {
        let (command, comment) = line.split_once('#').unwrap_or((line, ""));
        let command = command.trim();
        if command.starts_with("npm ci") {
            // No registry in a test: the packages scripts/test installed, Express among them.
            std::os::unix::fs::symlink(&modules, dir.join("node_modules")).unwrap();
            continue;
        }
        let output = step(&dir, &cache, &path, command).output().unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let Some(args) = command.strip_prefix("agate ") else {
            assert!(output.status.success(), "`{command}` failed:\n{printed}");
            continue;
        };
        gates += 1;
        let expected: i32 = comment
            .trim()
            .strip_prefix("exit ")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_else(|| panic!("`{command}` has no `# exit N` comment"))
            .parse()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(expected),
            "`{command}`:\n{printed}"
        );
        let (shown_command, lines) = shown
            .next()
            .unwrap_or_else(|| panic!("the README shows no output for `{command}`"));
        assert_eq!(
            shown_command,
            format!("agate {args}"),
            "the README's outputs follow its steps"
        );
        // Every line the README shows, as it shows it, up to its first `…`.
        for line in lines {
            let prefix = line.split('…').next().unwrap().trim_end();
            if prefix.is_empty() {
                continue;
            }
            assert!(
                printed.contains(prefix),
                "README shows `{prefix}` for `{command}`; agate said:\n{printed}"
            );
        }
    }
    assert_eq!(gates, 10, "the README runs agate ten times");
    assert!(
        shown.next().is_none(),
        "the README shows an output no step makes"
    );
    // What the deployment check relies on: both environments' signed verdicts.
    let attested: Vec<String> = std::fs::read_dir(dir.join(".agate/attestations"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(attested.len(), 2, "{attested:?}");
}

const K6_SUMMARY: &str = r#"{"metrics": {
    "http_req_duration": {"avg": 144.5, "min": 104.1, "med": 110.4, "max": 1140.2, "p(90)": 203.5, "p(95)": 215.9},
    "http_req_failed": {"passes": 0, "fails": 180, "value": 0},
    "http_reqs": {"count": 180, "rate": 4.36}}}"#;

#[test]
fn issue_21_rules_settings_apply_to_the_functional_and_performance_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("k6.json"), K6_SUMMARY).unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        "version: 1\n\
         gates:\n\
         \x20 performance:\n\
         \x20   load:\n\
         \x20     - name: nightly\n\
         \x20       result: { from: k6, path: k6.json }\n\
         \x20       thresholds: [\"p95 < 100ms\"]\n\
         rules:\n\
         \x20 load.threshold: { severity: low }\n\
         \x20 api.response-schema: { severity: high }\n\
         \x20 contract.example: off\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("no JSON report: {stderr}"));
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["rule_id"] == "load.threshold")
        .unwrap_or_else(|| panic!("no load.threshold finding: {report:#}"));
    assert_eq!(finding["severity"], "low", "{finding:#}");
    // The load test's line in agate.yaml is the finding's snippet, in every format.
    assert_eq!(finding["location"]["start"]["line"], 5, "{finding:#}");
    assert_eq!(finding["snippet"], "      - name: nightly", "{finding:#}");
    let terminal = agate(dir.path())
        .args(["gate", "--color", "never"])
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&terminal.stdout);
    assert!(terminal.contains("5 |       - name: nightly"), "{terminal}");
}

#[test]
fn issue_21_an_unknown_rule_in_rules_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        "version: 1\nrules:\n  api.response-shape: { severity: high }\n",
    )
    .unwrap();
    let output = agate(dir.path()).args(["gate"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("unknown rule `api.response-shape` in `rules`")
            && stderr.contains("api.response-schema"),
        "{stderr}"
    );
}
