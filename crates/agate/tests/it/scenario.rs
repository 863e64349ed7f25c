//! Scenario 1 end to end: the steps of examples/python-user-input/README.md, read from the
//! README itself and run in a copy of the example — the AI version blocked with the
//! findings the README shows, the fixed version passing.

use std::path::Path;
use std::process::Command;

use super::agate;
use super::tools::tools_path;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/python-user-input"
);

/// The fenced blocks of `language` in a Markdown text, in order.
pub(crate) fn blocks<'a>(markdown: &'a str, language: &str) -> Vec<Vec<&'a str>> {
    let mut found = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, fence) if fence == format!("```{language}") => current = Some(Vec::new()),
            (Some(_), "```") => found.extend(current.take()),
            (Some(block), _) => block.push(line),
            (None, _) => {}
        }
    }
    found
}

pub(crate) fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
#[ignore = "needs pytest and pytest-cov: scripts/test installs them and runs this"]
fn the_readme_steps_block_the_ai_version_and_pass_the_fix() {
    let readme = std::fs::read_to_string(Path::new(EXAMPLE).join("README.md")).unwrap();
    let steps = &blocks(&readme, "sh")[1];
    let shown = &blocks(&readme, "text")[0];
    let dir = tempfile::tempdir().unwrap();
    copy(Path::new(EXAMPLE), dir.path());
    let path = tools_path();
    let mut gates = 0;
    for step in steps {
        let (command, comment) = step.split_once('#').unwrap_or((step, ""));
        let command = command.trim();
        if let Some(args) = command.strip_prefix("agate ") {
            gates += 1;
            let expected: i32 = comment
                .trim()
                .strip_prefix("exit ")
                .and_then(|rest| rest.split(':').next())
                .unwrap()
                .parse()
                .unwrap();
            let output = agate(dir.path())
                .args(args.split_whitespace())
                .args(["--color", "never"])
                .env("PATH", &path)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(
                output.status.code(),
                Some(expected),
                "`{command}`:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            if expected == 1 {
                // Every finding the README shows, as it shows it (up to its `…`).
                for line in shown
                    .iter()
                    .filter(|line| line.contains('[') && line.contains("]: "))
                {
                    let prefix = line.split('…').next().unwrap();
                    assert!(
                        stdout.contains(prefix),
                        "README shows `{prefix}`; agate said:\n{stdout}"
                    );
                }
                for line in shown
                    .iter()
                    .filter(|line| line.starts_with("environment") || line.starts_with("tests "))
                {
                    assert!(
                        stdout.contains(line),
                        "README shows `{line}`; agate said:\n{stdout}"
                    );
                }
            } else {
                assert!(stdout.contains("environment `staging`: passed"), "{stdout}");
            }
        } else {
            let status = Command::new("bash")
                .args(["-c", command])
                .current_dir(dir.path())
                .env("PATH", &path)
                .env("GIT_AUTHOR_NAME", "Ana Dev")
                .env("GIT_AUTHOR_EMAIL", "ana@example.com")
                .env("GIT_COMMITTER_NAME", "Ana Dev")
                .env("GIT_COMMITTER_EMAIL", "ana@example.com")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .status()
                .unwrap();
            assert!(status.success(), "`{command}` failed");
        }
    }
    assert_eq!(gates, 2, "the README runs agate gate twice");
}
