//! `agate triage`: decisions in `.agate/triage.yaml` that follow a finding's fingerprint,
//! expire, wait for an approver's commit, and feed the noise statistics and the export.

use std::fmt::Write as _;
use std::path::Path;

use super::{VULNERABLE_PY, agate, agate_process, exit_code, git, git_as, tree};

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// The JSON report of `agate gate` in `dir` (also saved as `save`), with its exit code.
fn gate_json(dir: &Path, save: Option<&str>) -> (i32, serde_json::Value) {
    let output = agate(dir)
        .args(["gate", "--format", "json"])
        .args(save.map(|file| ["--output", file]).into_iter().flatten())
        .output()
        .unwrap();
    let json = match save {
        Some(file) => read(dir, file),
        None => String::from_utf8_lossy(&output.stdout).into_owned(),
    };
    (
        output.status.code().unwrap(),
        serde_json::from_str(&json).unwrap(),
    )
}

/// The findings of `rule` in a report.
fn findings_of<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule_id"] == rule)
        .collect()
}

fn fingerprint(report: &serde_json::Value, rule: &str) -> String {
    findings_of(report, rule)[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Runs `agate triage ARGS` and returns its exit code, standard output and error.
fn triage(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = agate(dir).arg("triage").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const RULE: &str = "py.command-injection";

/// The SARIF `suppressions` of the command-injection result of `agate gate`.
fn sarif_suppressions(dir: &Path) -> serde_json::Value {
    let sarif = agate(dir)
        .args(["gate", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["ruleId"] == RULE)
        .unwrap()["suppressions"]
        .clone()
}

#[test]
fn issue_12_a_marked_finding_stops_blocking_and_follows_its_line() {
    let dir = tree(&[("app.py", VULNERABLE_PY), ("util.py", "X = 1\n")]);
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 1);
    let fingerprint = fingerprint(&report, RULE);

    // By a prefix, from a gate run (no --report).
    let (code, stdout, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint[..8],
            "--false-positive",
            "--reason",
            "the folder name comes from a fixed allowlist",
            "--owner",
            "payments-team",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!(
            "recorded: false-positive for {} ({RULE}, app.py:5)",
            &fingerprint[..12]
        )),
        "{stdout}"
    );
    let file = read(dir.path(), ".agate/triage.yaml");
    assert!(
        file.contains(&format!("  - fingerprint: \"{fingerprint}\"\n"))
            && file.contains("    decision: false-positive\n")
            && file.contains("    owner: \"payments-team\"\n")
            && file.contains("    tier: new\n"),
        "{file}"
    );

    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");
    let finding = findings_of(&report, RULE)[0];
    assert_eq!(finding["status"], "triaged");
    assert_eq!(finding["blocking"], false);
    assert_eq!(finding["justification"]["source"], "triage");
    assert_eq!(finding["justification"]["decision"], "false-positive");
    assert_eq!(finding["justification"]["owner"], "payments-team");
    let security = report["verdict"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "security")
        .unwrap();
    assert_eq!(security["counts"]["triaged"], 1);

    assert_eq!(
        sarif_suppressions(dir.path()),
        serde_json::json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "false-positive: the folder name comes from a fixed allowlist"
        }])
    );
    let terminal = agate(dir.path()).arg("gate").output().unwrap();
    let terminal = String::from_utf8_lossy(&terminal.stdout);
    assert!(
        terminal.contains("suppressed triaged") && terminal.contains("1 triaged"),
        "{terminal}"
    );

    // Lines inserted above it, an edit elsewhere: the decision still holds.
    std::fs::write(
        dir.path().join("app.py"),
        format!("\"\"\"Runs things.\"\"\"\n# one more line\n\n{VULNERABLE_PY}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("util.py"), "X = 2\nY = 3\n").unwrap();
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");
    let finding = findings_of(&report, RULE)[0];
    assert_eq!(finding["location"]["start"]["line"], 8);
    assert_eq!(finding["status"], "triaged");

    // Marking it again replaces the decision: one entry per finding.
    let (code, stdout, _) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--wont-fix",
            "--reason",
            "legacy tool",
        ],
    );
    assert_eq!(code, 0);
    assert!(stdout.starts_with("replaced: wont-fix"), "{stdout}");
    assert_eq!(
        read(dir.path(), ".agate/triage.yaml")
            .matches("fingerprint:")
            .count(),
        1
    );
}

#[test]
fn issue_12_an_expired_decision_reopens_the_finding() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let (_, report) = gate_json(dir.path(), None);
    let fingerprint = fingerprint(&report, RULE);
    std::fs::create_dir(dir.path().join(".agate")).unwrap();
    std::fs::write(
        dir.path().join(".agate/triage.yaml"),
        format!(
            "version: 1\ndecisions:\n  - fingerprint: \"{fingerprint}\"\n    rule: {RULE}\n    path: app.py\n    decision: accepted-risk\n    reason: \"until the rewrite\"\n    by: \"Ana <ana@bank.example>\"\n    on: 2020-01-01\n    until: 2020-03-01\n"
        ),
    )
    .unwrap();
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 1, "expired: blocking again");
    assert_eq!(findings_of(&report, RULE)[0]["status"], "open");
    let notices = report["notices"].to_string();
    assert!(
        notices.contains(&format!(
            "the triage decision for `{fingerprint}` (`{RULE}`, `app.py`) expired on 2020-03-01"
        )),
        "{notices}"
    );
}

/// A project whose only finding comes from an external tool, reported at `line`.
fn external_project(dir: &Path, line: u32) {
    let sarif = format!(
        r#"{{"version": "2.1.0", "runs": [{{"tool": {{"driver": {{"name": "acme-scan"}}}},
  "results": [{{"ruleId": "acme.weak-token", "level": "error",
    "message": {{"text": "session token from a weak source"}},
    "locations": [{{"physicalLocation": {{"artifactLocation": {{"uri": "app.py"}},
      "region": {{"startLine": {line}, "startColumn": 12, "endColumn": 27}}}}}}]}}]}}]}}"#
    );
    std::fs::create_dir_all(dir.join("tool")).unwrap();
    std::fs::write(dir.join("tool/result.sarif"), sarif).unwrap();
}

#[test]
fn issue_12_an_external_tools_finding_is_triaged_from_a_saved_report() {
    let dir = tree(&[
        (
            "app.py",
            "import uuid\n\n\ndef token():\n    return uuid.uuid4().hex\n",
        ),
        (
            "agate.yaml",
            "version: 1\ngates:\n  security:\n    external:\n      - name: acme\n        run: [\"cp\", \"tool/result.sarif\", \"{out}\"]\n        format: sarif\n",
        ),
    ]);
    external_project(dir.path(), 5);
    let (code, report) = gate_json(dir.path(), Some("r.json"));
    assert_eq!(code, 1, "{report}");
    let saved: serde_json::Value = serde_json::from_str(&read(dir.path(), "r.json")).unwrap();
    let fingerprint = fingerprint(&saved, "acme/acme.weak-token");
    let (code, stdout, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint[..10],
            "--accepted-risk",
            "--reason",
            "tokens are never used for auth",
            "--until",
            "2099-12-31",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("until 2099-12-31"), "{stdout}");
    assert!(
        read(dir.path(), ".agate/triage.yaml").contains("    tool: \"acme\"\n"),
        "the tool is recorded"
    );
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        findings_of(&report, "acme/acme.weak-token")[0]["status"],
        "triaged"
    );

    // The tool reports it two lines further down after an edit above it.
    std::fs::write(
        dir.path().join("app.py"),
        "import uuid\nimport os\n\n\n# tokens\ndef token():\n    return uuid.uuid4().hex\n",
    )
    .unwrap();
    external_project(dir.path(), 7);
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");
    let finding = findings_of(&report, "acme/acme.weak-token")[0];
    assert_eq!(finding["location"]["start"]["line"], 7);
    assert_eq!(finding["status"], "triaged");

    let (code, stdout, _) = triage(
        dir.path(),
        &[
            "stats", "--by", "tool", "--format", "json", "--report", "r.json",
        ],
    );
    assert_eq!(code, 0);
    let stats: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(stats[0]["key"], "acme");
    assert_eq!(stats[0]["accepted_risk"], 1);
}

#[test]
fn issue_12_an_ai_tier_decision_counts_once_an_approver_commits_it() {
    let dir = tree(&[
        ("app.py", VULNERABLE_PY),
        (
            "agate.yaml",
            "version: 1\nai_paths: [\"app.py\"]\ntriage:\n  approvers: [\"*@sec.bank.example\"]\n",
        ),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "app"]);
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 1);
    assert_eq!(findings_of(&report, RULE)[0]["tier"], "ai");
    let fingerprint = fingerprint(&report, RULE);
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--false-positive",
            "--reason",
            "shell=True on a constant",
        ],
    );
    assert_eq!(code, 0, "{stderr}");

    // Not committed: still blocking, and the notice says whose commit it waits for.
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 1);
    assert_eq!(findings_of(&report, RULE)[0]["status"], "open");
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("awaits approval (not committed)")
            && notices.contains("`*@sec.bank.example`"),
        "{notices}"
    );

    // Committed by someone who is not an approver: still open.
    git_as(
        dir.path(),
        "Eve <eve@dev.bank.example>",
        &["add", ".agate/triage.yaml"],
    );
    git_as(
        dir.path(),
        "Eve <eve@dev.bank.example>",
        &["commit", "-qm", "triage"],
    );
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 1);
    assert!(
        report["notices"]
            .to_string()
            .contains("committed by `eve@dev.bank.example`"),
        "{report}"
    );

    // The same lines committed by an approver: triaged.
    git_as(
        dir.path(),
        "Sam <sam@sec.bank.example>",
        &["commit", "-q", "--amend", "--reset-author", "--no-edit"],
    );
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings_of(&report, RULE)[0]["status"], "triaged");
}

#[test]
fn issue_12_an_approved_decision_with_a_line_removed_by_someone_else_blocks_again() {
    let dir = tree(&[
        ("app.py", VULNERABLE_PY),
        (
            "agate.yaml",
            "version: 1\nai_paths: [\"app.py\"]\ntriage:\n  approvers: [\"*@sec.bank.example\"]\n",
        ),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "app"]);
    let (_, report) = gate_json(dir.path(), None);
    let fingerprint = fingerprint(&report, RULE);
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--accepted-risk",
            "--reason",
            "until the migration",
            "--until",
            "2999-12-31",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let sam = "Sam <sam@sec.bank.example>";
    git_as(dir.path(), sam, &["add", ".agate/triage.yaml"]);
    git_as(dir.path(), sam, &["commit", "-qm", "accept until 2999"]);
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");

    // Someone else deletes the `until` line: every line left is Sam's, yet the decision
    // is not the one Sam committed.
    let file = dir.path().join(".agate/triage.yaml");
    let text = read(dir.path(), ".agate/triage.yaml");
    assert!(text.contains("    until: 2999-12-31\n"), "{text}");
    std::fs::write(&file, text.replace("    until: 2999-12-31\n", "")).unwrap();
    let eve = "Eve <eve@dev.bank.example>";
    git_as(dir.path(), eve, &["commit", "-qam", "tidy"]);
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 1, "{report}");
    assert_eq!(findings_of(&report, RULE)[0]["status"], "open");
    assert!(
        report["notices"]
            .to_string()
            .contains("changed since an approver committed it"),
        "{report}"
    );

    // An approver marking it again (the entry rewritten) and committing approves it.
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--accepted-risk",
            "--reason",
            "accepted for good",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    git_as(dir.path(), sam, &["commit", "-qam", "accept for good"]);
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn issue_12_an_entry_edited_to_name_another_rule_or_file_does_not_count() {
    let dir = tree(&[("app.py", VULNERABLE_PY), ("util.py", "X = 1\n")]);
    let (_, report) = gate_json(dir.path(), None);
    let fingerprint = fingerprint(&report, RULE);
    let (code, _, stderr) = triage(
        dir.path(),
        &["mark", &fingerprint, "--wont-fix", "--reason", "legacy"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(gate_json(dir.path(), None).0, 0);
    let file = dir.path().join(".agate/triage.yaml");
    let text = read(dir.path(), ".agate/triage.yaml");
    // What a reviewer of the pull request would read: a harmless rule, another file.
    for (from, to) in [
        (
            format!("rule: \"{RULE}\""),
            "rule: \"py.unused-import\"".to_owned(),
        ),
        (
            "path: \"app.py\"".to_owned(),
            "path: \"util.py\"".to_owned(),
        ),
    ] {
        assert!(text.contains(&from), "{text}");
        std::fs::write(&file, text.replace(&from, &to)).unwrap();
        let (code, report) = gate_json(dir.path(), None);
        assert_eq!(code, 1, "{to}: {report}");
        assert_eq!(findings_of(&report, RULE)[0]["status"], "open");
        assert!(
            report["notices"]
                .to_string()
                .contains("but the finding of that fingerprint is"),
            "{report}"
        );
    }
}

#[test]
fn issue_12_a_decision_on_a_rule_whose_id_shows_redacted_still_counts() {
    // The entry holds the rule id as reports show it, redacted; it must still name the
    // finding.
    let token = crate::redaction::github_token(21);
    let dir = tree(&[
        (
            "app.py",
            "import uuid\n\n\ndef token():\n    return uuid.uuid4().hex\n",
        ),
        (
            "agate.yaml",
            "version: 1\nignore: [\"tool/\"]\ngates:\n  security:\n    external:\n      - name: acme\n        run: [\"cp\", \"tool/result.sarif\", \"{out}\"]\n        format: sarif\n",
        ),
    ]);
    external_project(dir.path(), 5);
    let sarif = read(dir.path(), "tool/result.sarif")
        .replace("acme.weak-token", &format!("acme.weak-{token}"));
    std::fs::write(dir.path().join("tool/result.sarif"), sarif).unwrap();
    let (code, report) = gate_json(dir.path(), Some("r.json"));
    assert_eq!(code, 1, "{report}");
    let rule = report["findings"][0]["rule_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(rule.starts_with("acme/acme.weak-ghp_…("), "{rule}");
    let fingerprint = fingerprint(&report, &rule);
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--false-positive",
            "--reason",
            "test data",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!read(dir.path(), ".agate/triage.yaml").contains(&token));
    let (code, report) = gate_json(dir.path(), None);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["findings"][0]["status"], "triaged");
}

#[test]
fn issue_12_a_saved_report_edited_to_hold_a_secret_is_shown_redacted() {
    let token = crate::redaction::github_token(31);
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let (code, _) = gate_json(dir.path(), Some("r.json"));
    assert_eq!(code, 1);
    let mut saved: serde_json::Value = serde_json::from_str(&read(dir.path(), "r.json")).unwrap();
    saved["findings"][0]["rule_id"] = format!("py.{token}").into();
    saved["findings"][0]["location"]["path"] = format!("{token}.py").into();
    saved["findings"][0]["snippet"] = format!("key = {token}").into();
    std::fs::write(dir.path().join("r.json"), saved.to_string()).unwrap();
    for args in [
        &["list", "--report", "r.json"][..],
        &["list", "--format", "json", "--report", "r.json"],
        &["stats", "--report", "r.json"],
        &["export", "--report", "r.json"],
    ] {
        let (code, stdout, stderr) = triage(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stdout.contains(&token), "{args:?}: {stdout}");
    }
    let (_, stdout, _) = triage(dir.path(), &["list", "--report", "r.json"]);
    assert!(stdout.contains("py.ghp_…("), "{stdout}");
}

#[test]
fn issue_12_stats_and_export_from_a_known_set() {
    let dir = tree(&[
        ("app.py", VULNERABLE_PY),
        ("ai/gen.py", VULNERABLE_PY),
        ("agate.yaml", "version: 1\nai_paths: [\"ai/**\"]\n"),
    ]);
    let (_, report) = gate_json(dir.path(), Some("r.json"));
    let mut fingerprints: Vec<(String, String)> = findings_of(&report, RULE)
        .iter()
        .map(|finding| {
            (
                finding["location"]["path"].as_str().unwrap().to_owned(),
                finding["fingerprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    fingerprints.sort();
    assert_eq!(fingerprints.len(), 2);
    let entry = |fingerprint: &str, rule: &str, kind: &str| {
        format!(
            "  - fingerprint: \"{fingerprint}\"\n    rule: {rule}\n    path: x.py\n    decision: {kind}\n    reason: \"r\"\n    by: \"Ana <ana@bank.example>\"\n    on: 2026-01-01\n"
        )
    };
    // The AI finding is a false positive; three more decisions of the rule are on
    // findings no longer in the code.
    let file = format!(
        "version: 1\ndecisions:\n{}{}{}{}",
        entry(&fingerprints[0].1, RULE, "false-positive"),
        entry("00000000000000000000000000000001", RULE, "false-positive"),
        entry("00000000000000000000000000000002", RULE, "accepted-risk"),
        entry("00000000000000000000000000000003", "py.other", "wont-fix"),
    );
    std::fs::create_dir(dir.path().join(".agate")).unwrap();
    std::fs::write(dir.path().join(".agate/triage.yaml"), file).unwrap();
    let (code, stdout, stderr) = triage(
        dir.path(),
        &["stats", "--format", "json", "--report", "r.json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let stats: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let row = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["key"] == RULE)
        .unwrap();
    assert_eq!(row["findings"], 4, "two in the code, two decided earlier");
    assert_eq!(row["decided"], 3);
    assert_eq!(row["false_positive"], 2);
    assert_eq!(row["accepted_risk"], 1);
    assert_eq!(row["false_positive_rate"], 0.5, "2 of 4 findings");
    assert_eq!(row["acceptance_rate"], 0.25);
    assert_eq!(row["suggestion"], "demote to warn");
    assert!(row["median_age_days"].as_f64().unwrap() > 0.0);
    let (_, text, _) = triage(dir.path(), &["stats", "--report", "r.json"]);
    assert!(
        text.lines()
            .any(|line| line.starts_with(RULE) && line.ends_with("demote to warn")),
        "{text}"
    );

    let (code, stdout, _) = triage(
        dir.path(),
        &["export", "--report", "r.json", "--output", "feedback.jsonl"],
    );
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    let lines: Vec<serde_json::Value> = read(dir.path(), "feedback.jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "only the finding on an AI line: {lines:?}");
    assert_eq!(lines[0]["path"], "ai/gen.py");
    assert_eq!(lines[0]["rule"], RULE);
    assert_eq!(lines[0]["ai_source"], "ai_paths glob");
    assert!(
        lines[0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("subprocess.run")
    );
    assert_eq!(lines[0]["decision"]["kind"], "false-positive");
}

#[test]
fn issue_12_the_interactive_walk_drives_its_prompts_through_a_terminal() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let (code, _) = gate_json(dir.path(), Some("r.json"));
    assert_eq!(code, 1);
    // A pseudo-terminal: answers only after each prompt appears.
    let script = r#"
import os, pty, select, subprocess, sys, time
agate, folder = sys.argv[1], sys.argv[2]
main, child = pty.openpty()
process = subprocess.Popen([agate, "triage", "--report", "r.json"], cwd=folder,
                           stdin=child, stdout=child, stderr=child)
os.close(child)
seen = b""
def until(text):
    global seen
    deadline = time.monotonic() + 120
    while text not in seen:
        if time.monotonic() > deadline:
            sys.stdout.write(seen.decode(errors="replace")); sys.exit("no prompt: " + text.decode())
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            try:
                seen += os.read(main, 4096)
            except OSError:
                break
until(b"[q]uit: "); os.write(main, b"x\n")
until(b"answer f, a, w, s or q"); os.write(main, b"f\n")
until(b"reason (required): "); os.write(main, b"\n")
until(b"a reason is required"); os.write(main, b"built from a constant list\n")
until(b"(empty: none): "); os.write(main, b"2001-01-01\n")
until(b"is in the past"); os.write(main, b"2099-01-31\n")
until(b"decision recorded")
process.wait(timeout=60)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(process.returncode)
"#;
    let mut command = std::process::Command::new("python3");
    let agate = agate_process(dir.path());
    for (key, value) in agate.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    let output = command
        .args(["-c", script, env!("CARGO_BIN_EXE_agate")])
        .arg(dir.path())
        .output()
        .unwrap();
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{transcript}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        transcript.contains("[1/1]") && transcript.contains("py.command-injection"),
        "{transcript}"
    );
    // The prompt's own words: no flag the person did not type.
    assert!(
        transcript.contains("`2001-01-01` is in the past") && !transcript.contains("--until"),
        "{transcript}"
    );
    let file = read(dir.path(), ".agate/triage.yaml");
    assert!(
        file.contains("    decision: false-positive\n")
            && file.contains("    reason: \"built from a constant list\"\n")
            && file.contains("    until: 2099-01-31\n"),
        "{file}"
    );
    assert_eq!(exit_code(dir.path(), &["gate"]), Some(0));

    // Not a terminal: told to use list and mark.
    let (code, _, stderr) = triage(dir.path(), &["--report", "r.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("needs a terminal") && stderr.contains("agate triage list"),
        "{stderr}"
    );
    // The walk's options before a subcommand would be ignored by it: refused.
    let (code, _, stderr) = triage(dir.path(), &["--report", "r.json", "list"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn issue_12_hostile_inputs_are_refused_or_redacted() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let (_, report) = gate_json(dir.path(), Some("r.json"));
    let fingerprint = fingerprint(&report, RULE);

    // A secret in the reason or owner is stored redacted.
    let key = ["AKIA", "IOSFODNN7", "EXAMPLQ"].concat();
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--wont-fix",
            "--reason",
            &format!("the key {key} is revoked"),
            "--owner",
            &key,
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let file = read(dir.path(), ".agate/triage.yaml");
    assert!(!file.contains(&key), "{file}");
    assert!(file.contains("AKIA…"), "{file}");

    // Fingerprints with odd characters, too short, or matching nothing.
    for odd in [
        "2814;rm -rf /",
        "../../etc/passwd",
        "abc",
        "ZZZZZZZZ",
        "\u{1b}[31mabcdef",
    ] {
        let (code, _, stderr) = triage(
            dir.path(),
            &[
                "mark",
                odd,
                "--false-positive",
                "--reason",
                "x",
                "--report",
                "r.json",
            ],
        );
        assert_eq!(code, 2, "{odd}: {stderr}");
        assert!(stderr.contains("is not a fingerprint"), "{stderr}");
        assert!(
            !stderr.contains('\u{1b}'),
            "escapes are spelled out: {stderr}"
        );
    }
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            "fedcba98",
            "--false-positive",
            "--reason",
            "x",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("agate triage list"), "{stderr}");
    // Two findings whose fingerprints share a prefix: the prefix names neither.
    let mut saved: serde_json::Value = serde_json::from_str(&read(dir.path(), "r.json")).unwrap();
    let mut twin = saved["findings"][0].clone();
    twin["fingerprint"] = format!("{}{}", &fingerprint[..8], "0".repeat(24)).into();
    saved["findings"].as_array_mut().unwrap().push(twin);
    std::fs::write(dir.path().join("twins.json"), saved.to_string()).unwrap();
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint[..8],
            "--false-positive",
            "--reason",
            "x",
            "--report",
            "twins.json",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("`{}` starts 2 fingerprints", &fingerprint[..8]))
            && stderr.contains(&fingerprint)
            && stderr.contains("give more digits"),
        "{stderr}"
    );
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--false-positive",
            "--reason",
            "  ",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("the reason is empty"), "{stderr}");
}

#[test]
fn issue_12_bad_triage_files_are_refused_with_their_place() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let (_, _) = gate_json(dir.path(), Some("r.json"));
    std::fs::create_dir(dir.path().join(".agate")).unwrap();
    // Refused with their place, before any scan; a YAML bomb is not expanded.
    let mut bomb = String::from("version: 1\ndecisions:\n  - &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 0..9 {
        let previous = if level == 0 {
            "a".to_owned()
        } else {
            format!("b{}", level - 1)
        };
        let items = vec![format!("*{previous}"); 10].join(", ");
        writeln!(bomb, "  - &b{level} [{items}]").unwrap();
    }
    let bad = [
        (
            "version: 1\ndecisions:\n  - fingerprint: \"ab\"\n    verdict: fine\n".to_owned(),
            ".agate/triage.yaml:4:",
        ),
        (
            "version: 1\ndecisions: [\n".to_owned(),
            ".agate/triage.yaml:",
        ),
        (bomb, ".agate/triage.yaml:"),
    ];
    for (text, place) in bad {
        std::fs::write(dir.path().join(".agate/triage.yaml"), &text).unwrap();
        for args in [&["gate"][..], &["triage", "list", "--report", "r.json"][..]] {
            let output = agate(dir.path()).args(args).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?} {text}: {stderr}");
            assert!(stderr.contains(place), "{args:?}: {stderr}");
        }
    }
    let huge = std::fs::File::create(dir.path().join(".agate/triage.yaml")).unwrap();
    huge.set_len(9 * 1024 * 1024).unwrap();
    let (code, _, stderr) = triage(dir.path(), &["list", "--report", "r.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("triage.yaml"), "{stderr}");
}

#[test]
fn issue_12_fix_leaves_triaged_findings_alone() {
    let source = "import yaml\n\nsafe = yaml.load(a)\n";
    let dir = tree(&[("app.py", source)]);
    let (_, report) = gate_json(dir.path(), Some("r.json"));
    let fingerprint = fingerprint(&report, "py.yaml-unsafe-load");
    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &fingerprint,
            "--false-positive",
            "--reason",
            "a is a constant string",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let output = agate(dir.path()).args(["fix", "--apply"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("agate: 1 triaged finding not fixed"),
        "{stderr}"
    );
    assert_eq!(read(dir.path(), "app.py"), source);
}

#[test]
fn issue_12_list_over_a_saved_report_leaves_out_what_was_decided_since() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let (code, report) = gate_json(dir.path(), Some("r.json"));
    assert_eq!(code, 1);
    let print = fingerprint(&report, RULE);
    let (code, stdout, _) = triage(dir.path(), &["list", "--report", "r.json"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(&print[..12]), "{stdout}");

    let (code, _, stderr) = triage(
        dir.path(),
        &[
            "mark",
            &print,
            "--false-positive",
            "--reason",
            "a fixed allowlist",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    // The saved report still says open; the decision taken since is not asked for again.
    let (code, stdout, _) = triage(dir.path(), &["list", "--report", "r.json"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains(&print[..12]), "{stdout}");
    let (_, stdout, _) = triage(dir.path(), &["list", "--report", "r.json", "--all"]);
    assert!(
        stdout.contains(&format!("{}  {RULE}", &print[..12]))
            && stdout.contains("[open, decided: false-positive]"),
        "{stdout}"
    );
    let (_, stdout, _) = triage(
        dir.path(),
        &["list", "--report", "r.json", "--all", "--format", "json"],
    );
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["fingerprint"] == print.as_str())
        .unwrap();
    assert_eq!(row["status"], "open");
    assert_eq!(row["decision"], "false-positive");
    assert_eq!(row["reason"], "a fixed allowlist");

    // An expired decision asks again.
    let file = read(dir.path(), ".agate/triage.yaml");
    let expired = file.replace("    tier:", "    until: 2001-01-31\n    tier:");
    assert_ne!(file, expired);
    std::fs::write(dir.path().join(".agate/triage.yaml"), expired).unwrap();
    let (code, stdout, stderr) = triage(dir.path(), &["list", "--report", "r.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&print[..12]), "{stdout}");
}

#[test]
fn issue_12_empty_stats_say_what_the_grouping_needs() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let (code, _) = gate_json(dir.path(), Some("r.json"));
    assert_eq!(code, 1);
    let (code, stdout, _) = triage(dir.path(), &["stats", "--by", "tool", "--report", "r.json"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("no findings of external checks (`gates.NAME.external`)"),
        "{stdout}"
    );
    let (code, stdout, _) = triage(
        dir.path(),
        &["stats", "--by", "model", "--report", "r.json"],
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("no findings on AI-authored lines"),
        "{stdout}"
    );
}
