//! Blame-based attribution on real repositories built with git.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::Path;
use std::process::Command;

use agate_provenance::{Classifier, History};

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
