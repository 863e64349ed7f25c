//! `agate provenance show` on a repository with human and AI commits.

use std::path::Path;

use crate::{agate, git_as, git_with, tree};

/// Commits everything as `author`, a minute after the previous commit, so commit ids are
/// the same on every run.
fn commit(dir: &Path, author: &str, message: &str) {
    let count = std::process::Command::new("git")
        .args(["rev-list", "--count", "--all"])
        .current_dir(dir)
        .output()
        .ok()
        .and_then(|output| {
            String::from_utf8(output.stdout)
                .ok()?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(0);
    let date = format!("@{} +0000", 1_767_225_600 + count * 60);
    let env = [
        ("GIT_AUTHOR_DATE", date.clone()),
        ("GIT_COMMITTER_DATE", date),
    ];
    git_as(dir, author, &["add", "."]);
    git_with(dir, author, &["commit", "-q", "-m", message], &env);
}

const HUMAN: &str = "Ana Dev <ana@example.com>";

/// A repository with human commits, a Copilot trailer appending to a human file, a Claude
/// commit, an aider commit, a later human edit, and an inline ai-begin/ai-end region.
fn mixed_history() -> tempfile::TempDir {
    let dir = tree(&[("lib.py", "a = 1\nb = 2\n"), ("other.py", "x = 1\n")]);
    let repo = dir.path();
    git_as(repo, HUMAN, &["init", "-q", "-b", "main"]);
    commit(repo, HUMAN, "human start");
    std::fs::write(repo.join("lib.py"), "a = 1\nb = 2\nc = 3\nd = 4\n").unwrap();
    commit(
        repo,
        HUMAN,
        "append\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    );
    std::fs::write(repo.join("other.py"), "x = 1\ny = 2\n").unwrap();
    commit(
        repo,
        HUMAN,
        "add y\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
    );
    std::fs::write(repo.join("lib.py"), "a = 10\nb = 2\nc = 3\nd = 4\n").unwrap();
    commit(repo, "Ana Dev (aider) <ana@example.com>", "tune a");
    std::fs::write(repo.join("lib.py"), "a = 10\nb = 2\nc = 30\nd = 4\n").unwrap();
    commit(repo, HUMAN, "human edit of c");
    std::fs::write(
        repo.join("other.py"),
        "x = 1\ny = 2\n# agate: ai-begin\nz = 3\n# agate: ai-end\n",
    )
    .unwrap();
    commit(repo, HUMAN, "pasted generated block");
    dir
}

#[test]
fn show_marks_exactly_the_ai_lines() {
    let dir = mixed_history();
    let repo = dir.path();
    let output = agate(repo)
        .args(["provenance", "show", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let ranges: Vec<(String, u64, u64, String)> = rows
        .iter()
        .map(|row| {
            (
                row["path"].as_str().unwrap().to_owned(),
                row["start_line"].as_u64().unwrap(),
                row["end_line"].as_u64().unwrap(),
                row["origin"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("lib.py", 1, 1, "ai"),
        ("lib.py", 2, 2, "human"),
        ("lib.py", 3, 3, "human"),
        ("lib.py", 4, 4, "ai"),
        ("other.py", 1, 1, "human"),
        ("other.py", 2, 2, "ai"),
        ("other.py", 3, 5, "ai"),
    ];
    let expected: Vec<(String, u64, u64, String)> = expected
        .iter()
        .map(|(path, start, end, origin)| ((*path).to_owned(), *start, *end, (*origin).to_owned()))
        .collect();
    assert_eq!(ranges, expected);
    let tools: Vec<&str> = rows
        .iter()
        .filter_map(|row| row["evidence"][0]["tool"].as_str())
        .collect();
    assert_eq!(tools, ["aider", "GitHub Copilot", "Claude"]);
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn stats_sum_ai_lines_by_tool() {
    let dir = mixed_history();
    let repo = dir.path();
    let output = agate(repo)
        .args(["provenance", "stats", "--format", "json"])
        .output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (stats["lines"].as_u64(), stats["ai_lines"].as_u64()),
        (Some(9), Some(6))
    );
    let tool_lines: Vec<(String, u64)> = stats["by_tool"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["tool"].as_str().unwrap().to_owned(),
                row["ai_lines"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tool_lines,
        [
            ("Claude".to_owned(), 1),
            ("GitHub Copilot".to_owned(), 1),
            ("aider".to_owned(), 1),
            ("marker or manifest".to_owned(), 3)
        ]
    );
    let text = agate(repo).args(["provenance", "stats"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("AI-authored: 6 of 9 lines (66.7%)"));
}

#[test]
fn recorded_blocks_are_ai_in_the_gate_and_in_show_even_after_moving() {
    let code = "import os\n\n\ndef helper(items=[]):\n    return items\n";
    let dir = tree(&[("gen.py", code)]);
    let output = agate(dir.path())
        .args([
            "provenance",
            "record",
            "gen.py",
            "--lines",
            "4-5",
            "--tool",
            "codegen",
            "--model",
            "m-1",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let manifest = std::fs::read_to_string(dir.path().join(".agate/provenance.jsonl")).unwrap();
    assert!(
        manifest.contains("\"tool\":\"codegen\"") && manifest.contains("\"start_line\":4"),
        "{manifest}"
    );
    // A human adds lines above: the block moves, the attribution follows its content.
    std::fs::write(
        dir.path().join("gen.py"),
        format!("# header\n# more\n{code}"),
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["tier"], "ai");
    assert_eq!(report["findings"][0]["location"]["start"]["line"], 6);
    assert_eq!(output.status.code(), Some(1));
    let output = agate(dir.path())
        .args(["provenance", "show", "gen.py", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let ai: Vec<(u64, u64)> = rows
        .iter()
        .filter(|row| row["origin"] == "ai")
        .map(|row| {
            (
                row["start_line"].as_u64().unwrap(),
                row["end_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ai, [(6, 7)]);
    let bad = agate(dir.path())
        .args(["provenance", "record", "gen.py", "--lines", "9-3"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn configured_identities_mark_commits_as_ai() {
    let dir = tree(&[
        (
            "agate.yaml",
            "version: 1\nprovenance:\n  ai_identities:\n    - { tool: codegen-bot, pattern: '^codegen-bot\\b' }\n",
        ),
        ("client.py", "def get(items=[]):\n    return items\n"),
    ]);
    let repo = dir.path();
    git_as(repo, HUMAN, &["init", "-q", "-b", "main"]);
    commit(repo, "codegen-bot <bot@corp.example>", "generated client");
    let output = agate(repo)
        .args(["provenance", "show", "client.py", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows[0]["origin"], "ai");
    assert_eq!(rows[0]["evidence"][0]["tool"], "codegen-bot");
    let output = agate(repo)
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["tier"], "ai");

    std::fs::write(
        repo.join("agate.yaml"),
        "version: 1\nprovenance:\n  ai_identities:\n    - { tool: broken, pattern: '(' }\n",
    )
    .unwrap();
    let output = agate(repo).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid pattern for `broken`"));
}

/// A "remote" with a human commit holding a legacy finding, cloned; in the clone a branch
/// adds an AI commit with a new finding and an unsigned human commit with another.
fn cloned_change() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tree(&[(
        "origin/legacy.py",
        "import pickle\n\n\ndef load(request):\n    return pickle.loads(request.data)\n",
    )]);
    let origin = dir.path().join("origin");
    git_as(&origin, HUMAN, &["init", "-q", "-b", "main"]);
    commit(&origin, HUMAN, "legacy code");
    git_as(dir.path(), HUMAN, &["clone", "-q", "origin", "clone"]);
    let clone = dir.path().join("clone");
    git_as(&clone, HUMAN, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        clone.join("agent.py"),
        "import os\n\n\ndef run(request):\n    os.system(request.args[\"cmd\"])\n",
    )
    .unwrap();
    commit(
        &clone,
        HUMAN,
        "agent work\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
    );
    std::fs::write(
        clone.join("human.py"),
        "import pickle\n\n\ndef read(request):\n    return pickle.loads(request.data)\n",
    )
    .unwrap();
    commit(&clone, HUMAN, "human work");
    (dir, clone)
}

/// `(path, tier)` of every finding, sorted.
fn tiers(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut tiers: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["location"]["path"].as_str().unwrap().to_owned(),
                finding["tier"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    tiers.sort();
    tiers
}

#[test]
fn the_gate_compares_with_origin_main_by_default() {
    let (_dir, clone) = cloned_change();
    let output = agate(&clone)
        .args(["gate", "--format", "json"])
        .env_remove("GITHUB_BASE_REF")
        .env_remove("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        tiers(&report),
        [
            ("agent.py".to_owned(), "ai".to_owned()),
            ("human.py".to_owned(), "new".to_owned()),
            ("legacy.py".to_owned(), "legacy".to_owned()),
        ]
    );
    assert!(
        report["notices"].as_array().unwrap().is_empty(),
        "{}",
        report["notices"]
    );
    let agent = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["location"]["path"] == "agent.py")
        .unwrap();
    assert_eq!(agent["ai_evidence"]["tool"], "Claude");
    assert_eq!(agent["ai_evidence"]["commit"].as_str().unwrap().len(), 40);
    assert!(
        agent["ai_evidence"]["source"]
            .as_str()
            .unwrap()
            .contains("Co-Authored-By: Claude")
    );

    // Outside git there is nothing to compare with: every line is new, and the report says so.
    let loose = tree(&[(
        "legacy.py",
        "import pickle\n\n\ndef load(request):\n    return pickle.loads(request.data)\n",
    )]);
    let output = agate(loose.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(tiers(&report), [("legacy.py".to_owned(), "new".to_owned())]);
    assert!(
        report["notices"][0]["message"]
            .as_str()
            .unwrap()
            .contains("every line counts as new")
    );
    let output = agate(loose.path())
        .args(["gate", "--base", "main"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs a git repository"));
}

#[test]
fn required_sign_off_flags_unsigned_ai_commits_of_the_change() {
    let (_dir, clone) = cloned_change();
    let signoff = |config: &str| {
        std::fs::write(clone.join("agate.yaml"), config).unwrap();
        let output = agate(&clone)
            .args(["gate", "--base", "origin/main", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["rule_id"] == "agate.ai-commit-without-signoff")
            .map(|finding| {
                (
                    finding["location"]["path"].as_str().unwrap().to_owned(),
                    finding["message"].as_str().unwrap().to_owned(),
                    finding["gate"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(signoff("version: 1\n").is_empty(), "off by default");
    let flagged = signoff("version: 1\nprovenance:\n  require_signoff: true\n");
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0].0, "agent.py");
    assert!(
        flagged[0]
            .1
            .contains("\"agent work\" is AI-assisted (Claude)"),
        "{}",
        flagged[0].1
    );
    assert_eq!(flagged[0].2, "provenance-lint");

    // Amend the AI commit with a human sign-off: accepted, unless approvers are narrower.
    git_as(&clone, HUMAN, &["checkout", "-q", "HEAD~1"]);
    git_as(
        &clone,
        HUMAN,
        &["commit", "-q", "--amend", "--no-edit", "--signoff"],
    );
    assert!(signoff("version: 1\nprovenance:\n  require_signoff: true\n").is_empty());
    let narrower = signoff(
        "version: 1\nprovenance:\n  require_signoff: true\n  approvers: ['*@bank.example']\n",
    );
    assert_eq!(narrower.len(), 1);
    assert!(
        narrower[0].1.contains("an approver (*@bank.example)"),
        "{}",
        narrower[0].1
    );
}

#[test]
fn show_covers_every_tracked_text_file() {
    let dir = tree(&[
        ("docs/guide.md", "# Guide\n\nText.\n"),
        ("src/app.py", "x = 1\n"),
        ("deploy/values.yaml", "replicas: 2\n"),
    ]);
    let repo = dir.path();
    std::fs::write(repo.join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    git_as(repo, HUMAN, &["init", "-q", "-b", "main"]);
    commit(repo, HUMAN, "start");
    std::fs::write(repo.join("notes.txt"), "untracked\n").unwrap();
    std::fs::write(repo.join("src/new.py"), "y = 2\n").unwrap();
    let output = agate(repo)
        .args(["provenance", "show", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row["path"].as_str().unwrap(),
                row["origin"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("deploy/values.yaml", "human"),
            ("docs/guide.md", "human"),
            ("src/app.py", "human"),
            ("src/new.py", "unknown"),
        ],
        "tracked text files and untracked source files; not the image, not untracked notes"
    );
    let output = agate(repo)
        .args(["provenance", "show", "docs", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["path"], "docs/guide.md");
    assert_eq!(rows[0]["end_line"], 3);
}

#[test]
fn generated_files_are_not_ai_even_when_an_agent_committed_them() {
    let dir = tree(&[(
        "api_pb2.py",
        "# -*- coding: utf-8 -*-\n# @generated by the protocol buffer compiler.  DO NOT EDIT!\nimport os\n\n\ndef run(request):\n    os.system(request.args[\"cmd\"])\n",
    )]);
    let repo = dir.path();
    git_as(repo, HUMAN, &["init", "-q", "-b", "main"]);
    commit(
        repo,
        HUMAN,
        "regenerate\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
    );
    let output = agate(repo)
        .args(["provenance", "show", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["origin"], "unknown");
    assert_eq!(rows[0]["evidence"][0]["kind"], "generated");
    let output = agate(repo)
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        tiers(&report),
        [("api_pb2.py".to_owned(), "new".to_owned())]
    );
}
