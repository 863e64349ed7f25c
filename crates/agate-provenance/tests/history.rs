//! Blame-based attribution on real repositories built with git.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::Path;
use std::process::Command;

use agate_provenance::{Classifier, History, HistoryError};

fn git(dir: &Path, author: &str, args: &[&str]) {
    let (name, email) = author.split_once(" <").unwrap();
    let output = Command::new("git")
        .args([
            "-c",
            &format!("user.name={name}"),
            "-c",
            &format!("user.email={}", email.trim_end_matches('>')),
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email.trim_end_matches('>'))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

const HUMAN: &str = "Ana Dev <ana@example.com>";

#[test]
fn lines_of_ai_commits_are_attributed_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, HUMAN, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("app.py"), "a = 1\nb = 2\nc = 3\n").unwrap();
    git(repo, HUMAN, &["add", "."]);
    git(repo, HUMAN, &["commit", "-q", "-m", "human start"]);

    // Copilot appends two lines to the human file.
    std::fs::write(repo.join("app.py"), "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n").unwrap();
    git(
        repo,
        HUMAN,
        &[
            "commit",
            "-q",
            "-am",
            "Add d and e\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
        ],
    );

    // aider (author suffix) rewrites line 2.
    std::fs::write(repo.join("app.py"), "a = 1\nb = 22\nc = 3\nd = 4\ne = 5\n").unwrap();
    git(
        repo,
        "Ana Dev (aider) <ana@example.com>",
        &["commit", "-q", "-am", "Tune b"],
    );

    // A human later edits one of Copilot's lines.
    std::fs::write(repo.join("app.py"), "a = 1\nb = 22\nc = 3\nd = 40\ne = 5\n").unwrap();
    git(repo, HUMAN, &["commit", "-q", "-am", "Human fix of d"]);

    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    let ranges = history.ai_ranges(&repo.join("app.py")).unwrap();
    let lines: Vec<(u32, u32, String)> = ranges
        .iter()
        .map(|range| (range.start, range.end, range.evidence[0].tool.clone()))
        .collect();
    assert_eq!(
        lines,
        [
            (2, 2, "aider".to_owned()),
            (5, 5, "GitHub Copilot".to_owned())
        ],
        "line 4 was edited by a human afterwards, lines 1 and 3 are human"
    );

    let cache = tempfile::tempdir().unwrap();
    let mut cached = History::open(repo, Classifier::builtin())
        .unwrap()
        .with_cache(cache.path().to_path_buf());
    let first = cached.ai_ranges(&repo.join("app.py")).unwrap();
    assert_eq!(
        std::fs::read_dir(cache.path()).unwrap().count(),
        1,
        "one blame cached per blob"
    );
    let mut again = History::open(repo, Classifier::builtin())
        .unwrap()
        .with_cache(cache.path().to_path_buf());
    assert_eq!(
        again.ai_ranges(&repo.join("app.py")).unwrap(),
        first,
        "the cached blame gives the same lines"
    );
}

#[test]
fn untracked_files_and_folders_outside_git_have_no_ai_lines() {
    let dir = tempfile::tempdir().unwrap();
    assert!(History::open(dir.path(), Classifier::builtin()).is_err());
    git(dir.path(), HUMAN, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    git(dir.path(), HUMAN, &["add", "."]);
    git(dir.path(), HUMAN, &["commit", "-q", "-m", "start"]);
    std::fs::write(dir.path().join("new.py"), "y = 2\n").unwrap();
    let mut history = History::open(dir.path(), Classifier::builtin()).unwrap();
    assert!(
        history
            .ai_ranges(&dir.path().join("new.py"))
            .unwrap()
            .is_empty()
    );
    assert!(
        history
            .ai_ranges(&dir.path().join("a.py"))
            .unwrap()
            .is_empty()
    );
}

const CLAUDE: &str = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>";

/// A repository with one human commit of `files`.
fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, HUMAN, &["init", "-q", "-b", "main"]);
    for (path, text) in files {
        write(repo, path, text);
    }
    commit(repo, HUMAN, "human start");
    dir
}

fn write(repo: &Path, path: &str, text: &str) {
    let path = repo.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit(repo: &Path, author: &str, message: &str) {
    git(repo, author, &["add", "-A"]);
    git(repo, author, &["commit", "-q", "-m", message]);
}

fn head(repo: &Path) -> String {
    let output = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// `(start, end, origin)` of every range of the file.
fn origins(history: &mut History, path: &Path) -> Vec<(u32, u32, &'static str)> {
    history
        .attribute(path)
        .unwrap()
        .iter()
        .map(|range| (range.start, range.end, range.origin.as_str()))
        .collect()
}

#[test]
fn renamed_files_keep_their_ai_lines() {
    let dir = repository(&[("old.py", "a = 1\n")]);
    let repo = dir.path();
    write(repo, "old.py", "a = 1\nb = 2\nc = 3\n");
    commit(repo, HUMAN, &format!("extend{CLAUDE}"));
    git(repo, HUMAN, &["mv", "old.py", "new.py"]);
    commit(repo, HUMAN, "rename");
    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    assert_eq!(
        origins(&mut history, &repo.join("new.py")),
        [(1, 1, "human"), (2, 3, "ai")]
    );
}

#[test]
fn uncommitted_edits_above_ai_lines_do_not_shift_them() {
    let dir = repository(&[("app.py", "a = 1\n")]);
    let repo = dir.path();
    write(repo, "app.py", "a = 1\nb = 2\n");
    commit(repo, HUMAN, &format!("add b{CLAUDE}"));
    write(repo, "app.py", "import os\nimport sys\na = 1\nb = 2\n");
    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    assert_eq!(
        origins(&mut history, &repo.join("app.py")),
        [(1, 2, "unknown"), (3, 3, "human"), (4, 4, "ai")]
    );
}

#[test]
fn lines_merged_from_a_branch_belong_to_the_branch_commit() {
    let dir = repository(&[("app.py", "a = 1\nb = 2\nc = 3\n")]);
    let repo = dir.path();
    git(repo, HUMAN, &["checkout", "-q", "-b", "feature"]);
    write(repo, "app.py", "a = 1\nb = 2\nc = 3\nd = 4\n");
    commit(repo, HUMAN, &format!("add d{CLAUDE}"));
    git(repo, HUMAN, &["checkout", "-q", "main"]);
    write(repo, "app.py", "z = 0\na = 1\nb = 2\nc = 3\n");
    commit(repo, HUMAN, "add z");
    git(
        repo,
        HUMAN,
        &["merge", "-q", "--no-ff", "-m", "merge feature", "feature"],
    );
    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    assert_eq!(
        origins(&mut history, &repo.join("app.py")),
        [(1, 1, "human"), (2, 4, "human"), (5, 5, "ai")],
        "z is main's commit, a to c the first one, d the branch's AI commit"
    );
}

#[test]
fn the_change_is_the_commits_since_the_merge_base_even_after_a_rebase() {
    let dir = repository(&[("app.py", "a = 1\nb = 2\n"), ("other.py", "x = 1\n")]);
    let repo = dir.path();
    git(repo, HUMAN, &["checkout", "-q", "-b", "feature"]);
    write(repo, "app.py", "a = 1\nb = 2\nc = 3\n");
    commit(repo, HUMAN, &format!("add c{CLAUDE}"));
    write(repo, "app.py", "a = 1\nb = 2\nc = 3\nd = 4\n");
    commit(repo, HUMAN, "add d");
    git(repo, HUMAN, &["checkout", "-q", "main"]);
    write(repo, "other.py", "x = 1\ny = 2\n");
    commit(repo, HUMAN, &format!("main moves on{CLAUDE}"));
    git(repo, HUMAN, &["checkout", "-q", "feature"]);
    git(repo, HUMAN, &["rebase", "-q", "main"]);
    // Not committed yet: a new line at the top.
    write(repo, "app.py", "import os\na = 1\nb = 2\nc = 3\nd = 4\n");

    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    let change = history.change("main").unwrap();
    assert_eq!(change.commit_count(), 2, "the rebased commits only");
    assert_eq!(
        change.paths().iter().collect::<Vec<_>>(),
        ["app.py"],
        "main's own commit is not part of the change"
    );
    let changed: Vec<(u32, u32, &str)> = history
        .changed_lines(&repo.join("app.py"), &change)
        .unwrap()
        .iter()
        .map(|range| (range.start, range.end, range.origin.as_str()))
        .collect();
    assert_eq!(
        changed,
        [(1, 1, "unknown"), (4, 4, "ai"), (5, 5, "human")],
        "the rebased AI commit keeps its trailer; lines before the base are not part of it"
    );
    assert!(
        history
            .changed_lines(&repo.join("other.py"), &change)
            .unwrap()
            .is_empty(),
        "other.py changed on main, before the merge base"
    );
    let error = history.change("no-such-branch").unwrap_err();
    assert!(
        matches!(&error, HistoryError::BaseNotFound { base, shallow: false } if base == "no-such-branch"),
        "{error:?}"
    );
    let error = error.to_string();
    assert!(
        error.contains("unknown revision `no-such-branch`"),
        "{error}"
    );
}

#[test]
fn a_shallow_clone_without_the_merge_base_says_what_to_fetch() {
    let dir = repository(&[("app.py", "a = 1\n")]);
    let origin = dir.path();
    write(origin, "app.py", "a = 1\nb = 2\n");
    commit(origin, HUMAN, "main 2");
    git(
        origin,
        HUMAN,
        &["checkout", "-q", "-b", "feature", "HEAD~1"],
    );
    write(origin, "feature.py", "f = 1\n");
    commit(origin, HUMAN, "feature");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.display());
    git(
        clones.path(),
        HUMAN,
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            "--branch",
            "feature",
            &url,
            "clone",
        ],
    );
    let history = History::open(&clones.path().join("clone"), Classifier::builtin()).unwrap();
    let error = history.change("origin/main").unwrap_err().to_string();
    assert!(
        error.contains("shallow clone") && error.contains("fetch-depth: 0"),
        "{error}"
    );
}

#[test]
fn git_ai_notes_mark_the_lines_they_attest() {
    let dir = repository(&[("src/app.py", "a = 1\n")]);
    let repo = dir.path();
    write(repo, "src/app.py", "a = 1\nb = 2\nc = 3\nd = 4\n");
    commit(repo, HUMAN, "mixed work");
    let note = "src/app.py\n  9c1f0e2a41b3d5c7 2-3\n  h_4e1d2c3b4a5f60 4\n---\n{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"x\",\"prompts\":{\"9c1f0e2a41b3d5c7\":{\"agent_id\":{\"tool\":\"cursor\",\"id\":\"s1\",\"model\":\"gpt-5\"}}},\"humans\":{\"h_4e1d2c3b4a5f60\":{\"author\":\"Ana\"}}}";
    git(
        repo,
        HUMAN,
        &["notes", "--ref=ai", "add", "-m", note, "HEAD"],
    );
    // A later human commit above the noted lines moves them; the note still places them.
    write(
        repo,
        "src/app.py",
        "import os\na = 1\nb = 2\nc = 3\nd = 4\n",
    );
    commit(repo, HUMAN, "import");
    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    let ranges = history.attribute(&repo.join("src/app.py")).unwrap();
    let ai: Vec<(u32, u32, &str, Option<&str>)> = ranges
        .iter()
        .filter(|range| range.origin.as_str() == "ai")
        .map(|range| {
            (
                range.start,
                range.end,
                range.evidence[0].tool.as_str(),
                range.evidence[0].model.as_deref(),
            )
        })
        .collect();
    assert_eq!(ai, [(3, 4, "cursor", Some("gpt-5"))]);
}

#[test]
fn agent_trace_records_mark_the_lines_of_the_commit_that_follows() {
    let dir = repository(&[("app.ts", "const a = 1;\n")]);
    let repo = dir.path();
    let before = head(repo);
    write(
        repo,
        "app.ts",
        "const a = 1;\nconst b = 2;\nconst c = 3;\nconst d = 4;\n",
    );
    let record = |revision: &str, lines: (u32, u32)| {
        format!(
            r#"{{"version":"0.1.0","id":"rec-{}","timestamp":"2026-01-23T14:30:00Z","vcs":{{"type":"git","revision":"{revision}"}},"tool":{{"name":"claude-code"}},"files":[{{"path":"app.ts","conversations":[{{"contributor":{{"type":"ai","model_id":"anthropic/claude-opus-4-5"}},"ranges":[{{"start_line":{},"end_line":{}}}]}}]}}]}}"#,
            lines.0, lines.0, lines.1
        )
    };
    // Written while the agent worked, before the commit: HEAD was `before`.
    write(
        repo,
        ".agent-trace/traces.jsonl",
        &(record(&before, (2, 3)) + "\n"),
    );
    commit(repo, HUMAN, "agent work");
    // Uncommitted agent edit, recorded at the new HEAD.
    write(
        repo,
        "app.ts",
        "const a = 1;\nconst b = 2;\nconst c = 3;\nconst d = 4;\nconst e = 5;\n",
    );
    let traces = format!(
        "{}\n{}\nnot a record\n",
        record(&before, (2, 3)),
        record(&head(repo), (5, 5))
    );
    write(repo, ".agent-trace/traces.jsonl", &traces);

    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    assert_eq!(history.skipped_traces(), 1);
    assert_eq!(
        origins(&mut history, &repo.join("app.ts")),
        [(1, 1, "human"), (2, 3, "ai"), (4, 4, "human"), (5, 5, "ai")]
    );
}

#[test]
fn ai_lines_moved_down_by_a_later_commit_stay_ai_and_moved_blocks_belong_to_the_mover() {
    let dir = repository(&[("app.py", "a = 1\n")]);
    let repo = dir.path();
    write(repo, "app.py", "a = 1\nb = 2\nc = 3\n");
    commit(repo, HUMAN, &format!("add b and c{CLAUDE}"));
    // A human inserts lines above: b and c move down but are unchanged.
    write(
        repo,
        "app.py",
        "import os\nimport sys\na = 1\nb = 2\nc = 3\n",
    );
    commit(repo, HUMAN, "imports");
    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    assert_eq!(
        origins(&mut history, &repo.join("app.py")),
        [(1, 2, "human"), (3, 3, "human"), (4, 5, "ai")]
    );
    // A human cuts c and pastes it at the top: the pasted line is the human's now.
    write(
        repo,
        "app.py",
        "c = 3\nimport os\nimport sys\na = 1\nb = 2\n",
    );
    commit(repo, HUMAN, "move c");
    let mut history = History::open(repo, Classifier::builtin()).unwrap();
    assert_eq!(
        origins(&mut history, &repo.join("app.py")),
        [
            (1, 1, "human"),
            (2, 3, "human"),
            (4, 4, "human"),
            (5, 5, "ai")
        ]
    );
}
