//! Issue [2]'s acceptance, end to end in a temporary git repository.

use std::path::Path;

use crate::{agate, exit_code, git, tree};

/// Code with one high-severity finding (`py.yaml-unsafe-load`).
const HIGH: &str = "import yaml\n\n\ndef load(path):\n    return yaml.load(open(path))\n";
const LEGACY: &str =
    "import pickle\n\n\ndef load(request):\n    return pickle.loads(request.data)\n";

#[test]
fn unknown_key_exits_2_naming_the_file_line_and_key() {
    let dir = tree(&[
        (
            "agate.yaml",
            "version: 1\ntiers:\n  ai:\n    blok_at: low\n",
        ),
        ("app.py", LEGACY),
    ]);
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("agate.yaml:4:5: unknown key `blok_at` in `tiers.ai`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `block_at`?"), "{stderr}");
}

#[test]
fn baseline_accepts_legacy_and_new_ai_code_blocks_again() {
    let dir = tree(&[("app.py", LEGACY)]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "legacy"]);

    assert_eq!(
        exit_code(dir.path(), &["gate"]),
        Some(1),
        "a high finding blocks"
    );
    let created = agate(dir.path())
        .args([
            "baseline",
            "create",
            "--who",
            "ci",
            "--reason",
            "legacy import",
        ])
        .output()
        .unwrap();
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let baseline = std::fs::read_to_string(dir.path().join(".agate/baseline.json")).unwrap();
    assert!(
        baseline.contains("\"rule_id\": \"py.unsafe-deserialization\"")
            && baseline.contains("legacy import")
    );
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "baseline"]);
    git(dir.path(), &["branch", "base"]);

    let ai_code = format!(
        "{LEGACY}\n\ndef run(request):  # agate: ai-generated\n    import os\n    os.system(request.args[\"cmd\"])  # agate: ai-generated\n"
    );
    std::fs::write(dir.path().join("app.py"), ai_code).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "assistant change"]);
    let output = agate(dir.path())
        .args(["gate", "--base", "base", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let legacy = findings
        .iter()
        .find(|f| f["rule_id"] == "py.unsafe-deserialization")
        .unwrap();
    assert_eq!(
        (legacy["status"].as_str(), legacy["tier"].as_str()),
        (Some("baselined"), Some("legacy"))
    );
    let fresh = findings
        .iter()
        .find(|f| f["rule_id"] == "py.command-injection")
        .unwrap();
    assert_eq!(
        (fresh["status"].as_str(), fresh["tier"].as_str()),
        (Some("open"), Some("ai"))
    );
    assert_eq!(report["verdict"]["status"], "blocked");
}

#[test]
fn a_team_cannot_turn_off_the_orgs_locked_security_gate() {
    let dir = tree(&[
        ("org/agate.yaml", "version: 1\nlocked: [gates.security]\n"),
        (
            "repo/agate.yaml",
            "version: 1\nextends: [../org/agate.yaml]\ngates: {security: off}\n",
        ),
        ("repo/app.py", LEGACY),
    ]);
    let output = agate(&dir.path().join("repo"))
        .arg("gate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("repo/agate.yaml:3:") && stderr.contains("org/agate.yaml:2:"),
        "{stderr}"
    );
    assert!(stderr.contains("`gates.security` is locked"), "{stderr}");
}

#[test]
fn suppressions_with_reasons_apply_and_bare_ones_are_findings() {
    let code = "import pickle\n\n\ndef load(request):\n    return pickle.loads(request.data)  # agate: ignore[py.unsafe-deserialization] reason=\"signed blobs only\"\n\n\ndef other(request):\n    return pickle.loads(request.data)  # agate: ignore[py.unsafe-deserialization]\n";
    let dir = tree(&[("app.py", code)]);
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let statuses: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(
            "py.unsafe-deserialization".to_owned(),
            "suppressed".to_owned()
        )),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(
            "agate.suppression-without-reason".to_owned(),
            "open".to_owned()
        )),
        "{statuses:?}"
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "the unexplained suppression does not apply"
    );
}

#[test]
fn environments_warn_or_block_and_config_explain_shows_origins() {
    let dir = tree(&[
        (
            "agate.yaml",
            "version: 1\ntiers:\n  new: { block_at: critical }\n",
        ),
        ("app.py", HIGH),
    ]);
    // Not a git repository: every line is new.
    assert_eq!(exit_code(dir.path(), &["gate"]), Some(0), "high < critical");
    assert_eq!(
        exit_code(dir.path(), &["gate", "--block-at", "high"]),
        Some(1)
    );
    assert_eq!(
        exit_code(dir.path(), &["gate", "--block-at", "high", "--env", "dev"]),
        Some(0),
        "dev warns"
    );
    let output = agate(dir.path())
        .args(["config", "explain", "tiers.new"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("tiers.new.block_at")
            && stdout.contains("critical")
            && stdout.contains("agate.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("tiers.new.baseline") && stdout.contains("# built-in"),
        "{stdout}"
    );
}

#[test]
fn init_writes_a_config_that_loads() {
    let dir = tree(&[("app.py", LEGACY)]);
    let output = agate(dir.path()).arg("init").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("agate.yaml")).unwrap();
    assert!(text.contains("Languages found: Python"));
    assert_eq!(exit_code(dir.path(), &["gate"]), Some(1));
    assert_eq!(
        exit_code(dir.path(), &["init"]),
        Some(2),
        "no overwrite without --force"
    );
}

#[test]
fn the_org_policy_example_denies_untested_ai_payment_changes() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/org-policy");
    let dir = tree(&[
        (
            "org/agate.yaml",
            &std::fs::read_to_string(example.join("org/agate.yaml")).unwrap(),
        ),
        (
            "repo/agate.yaml",
            &std::fs::read_to_string(example.join("payments-service/agate.yaml")).unwrap(),
        ),
        (
            "repo/policies/ai-changes-need-tests.rego",
            &std::fs::read_to_string(
                example.join("payments-service/policies/ai-changes-need-tests.rego"),
            )
            .unwrap(),
        ),
        (
            "repo/payments/api.py",
            "def total(items):\n    return sum(items)\n",
        ),
        (
            "repo/tests/test_api.py",
            "def test_total():\n    assert True\n",
        ),
    ]);
    let repo = dir.path().join("repo");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "start"]);
    git(&repo, &["branch", "base"]);
    std::fs::write(repo.join("payments/api.py"), "def total(items):  # agate: ai-generated\n    return round(sum(items), 2)  # agate: ai-generated\n").unwrap();
    git(&repo, &["commit", "-q", "-am", "assistant: rounding"]);

    let output = agate(&repo)
        .args(["gate", "--base", "base", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let deny = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "agate.gate-policy-deny")
        .unwrap();
    assert_eq!(deny["gate"], "review");
    assert_eq!(
        deny["message"],
        "payments/api.py is AI-authored and changed, but no test file changed"
    );

    std::fs::write(
        repo.join("tests/test_api.py"),
        "def test_total():\n    assert round(0.1 + 0.2, 2) == 0.3\n",
    )
    .unwrap();
    git(&repo, &["commit", "-q", "-am", "test rounding"]);
    let output = agate(&repo)
        .args(["gate", "--base", "base"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// Serves `body` to `requests` HTTP requests on a loopback port; returns the base URL.
fn serve(body: &'static str, requests: usize) -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/yaml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn url_parents_are_fetched_cached_pinned_and_usable_offline() {
    const ORG: &str =
        "version: 1\ntiers:\n  new: { block_at: critical }\nlocked: [gates.security]\n";
    let url = serve(ORG, 1);
    let dir = tree(&[("app.py", HIGH)]);
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!("version: 1\nextends: [\"{url}/org.yaml\"]\n"),
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["config", "explain", "tiers.new.block_at"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("critical") && stdout.contains(&format!("{url}/org.yaml")),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The server is gone now: offline and online runs both use the cache.
    assert_eq!(exit_code(dir.path(), &["gate", "--offline"]), Some(0));
    assert_eq!(exit_code(dir.path(), &["gate"]), Some(0));

    let sha = "0000000000000000000000000000000000000000000000000000000000000000";
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!("version: 1\nextends: [\"{url}/org.yaml#sha256={sha}\"]\n"),
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--offline"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not match its pin"));

    let fresh = tree(&[("app.py", HIGH)]);
    std::fs::write(
        fresh.path().join("agate.yaml"),
        format!("version: 1\nextends: [\"{url}/org.yaml\"]\n"),
    )
    .unwrap();
    let output = agate(fresh.path())
        .args(["gate", "--offline"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("agate.yaml:2:") && stderr.contains("not in the cache"),
        "{stderr}"
    );
}

#[test]
fn lines_from_ai_assisted_commits_are_in_the_ai_tier() {
    let dir = tree(&[("app.py", "def ok():\n    return 1\n")]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    std::fs::write(dir.path().join("app.py"), "def ok():\n    return 1\n\n\ndef add(item, items=[]):\n    items.append(item)\n    return items\n").unwrap();
    git(
        dir.path(),
        &[
            "commit",
            "-q",
            "-am",
            "Add helper\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
        ],
    );
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(
        (finding["rule_id"].as_str(), finding["tier"].as_str()),
        (Some("py.mutable-default-argument"), Some("ai"))
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "a low finding blocks in the ai tier"
    );

    std::fs::write(dir.path().join("app.py"), "def ok():\n    return 1\n\n\ndef add(item, items=[]):  # same flaw, now a human commit\n    items.append(item)\n    return items\n").unwrap();
    git(dir.path(), &["commit", "-q", "-am", "Human edit"]);
    assert_eq!(
        exit_code(dir.path(), &["gate"]),
        Some(0),
        "a low finding in legacy code does not block"
    );
}

#[test]
fn the_whole_change_can_be_marked_ai() {
    let code = "def add(item, items=[]):\n    items.append(item)\n    return items\n";
    let dir = tree(&[("app.py", code)]);
    assert_eq!(
        exit_code(dir.path(), &["gate"]),
        Some(0),
        "a low legacy finding passes"
    );
    assert_eq!(
        exit_code(dir.path(), &["gate", "--ai-change"]),
        Some(1),
        "in an AI change it blocks"
    );
    let labelled = agate(dir.path())
        .arg("gate")
        .env("CI_MERGE_REQUEST_LABELS", "backend,ai-generated")
        .output()
        .unwrap();
    assert_eq!(
        labelled.status.code(),
        Some(1),
        "a GitLab merge request label marks the change"
    );
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        r#"{"pull_request": {"labels": [{"name": "AI-Assisted"}]}}"#,
    )
    .unwrap();
    let github = agate(dir.path())
        .arg("gate")
        .env("GITHUB_EVENT_PATH", &event)
        .output()
        .unwrap();
    assert_eq!(
        github.status.code(),
        Some(1),
        "a GitHub pull request label marks the change"
    );
}

#[test]
fn a_shallow_clone_says_how_much_history_to_fetch() {
    let dir = tree(&[("app.py", LEGACY)]);
    let origin = dir.path().join("origin");
    std::fs::create_dir_all(&origin).unwrap();
    std::fs::copy(dir.path().join("app.py"), origin.join("app.py")).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "one"]);
    std::fs::write(origin.join("b.py"), "x = 1\n").unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "two"]);
    let clone = dir.path().join("clone");
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let output = agate(&clone)
        .args(["gate", "--base", "HEAD~1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("shallow clone") && stderr.contains("fetch-depth: 0"),
        "{stderr}"
    );
    let output = agate(&clone)
        .arg("gate")
        .env("GITHUB_BASE_REF", "release")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "the CI target branch is the default base"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("origin/release"));
}

#[test]
fn issue_8_an_analyzer_no_gate_judges_is_told_not_dropped() {
    let dir = tree(&[
        (
            "agate.yaml",
            "version: 1\ngates:\n  security: { analyzers: [sast] }\n  provenance-lint: { analyzers: [ai-patterns, policy] }\n",
        ),
        (
            "payments/keys.py",
            "STRIPE_KEY = \"sk_live_51H8abcdefghijklmnopqrstuvwx\"\n",
        ),
    ]);
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let leak = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["analyzer"] == "secrets")
        .expect("the key is found");
    assert!(leak["gate"].is_null());
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("no gate of environment `default` judges analyzer `secrets`: its findings (1 in this run)"),
        "{notices}"
    );
    assert!(notices.contains("judges analyzer `deps`"), "{notices}");

    let explained = agate(dir.path())
        .args(["config", "explain"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(
        text.contains(
            "# warning: no gate of environment `dev` judges analyzer(s) `secrets`, `deps`"
        ),
        "{text}"
    );

    // The org example gates every analyzer.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/org-policy/org");
    let org = agate(&example)
        .args(["config", "explain"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&org.stdout).contains("warning"));
}
