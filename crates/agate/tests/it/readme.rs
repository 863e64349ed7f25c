//! Runs the steps of an example's README, line by line, as a reader would in a shell:
//! `cd`, `export NAME=…` (also `NAME=$(agate …)`), `agate server … &` (served on a free
//! port, which then replaces the README's fixed one in the commands and the copy's files),
//! `agate …  # exit N: …` (run and checked for exit code N; 0 without the comment; words
//! split as a shell would, with double quotes) and anything else through bash. The README's
//! other fixed addresses are replaced the same way by ones the test chooses ([`Session::map`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::agate;
use super::scenario::copy;
use super::server::{Server, start};

/// The port the READMEs' servers listen on.
const README_ADDRESS: &str = "127.0.0.1:8470";

/// A copy of an example and the state of the shell its README's steps run in.
pub(crate) struct Session {
    /// Dropped first (fields drop in order): the server stops before its folder goes.
    server: Option<Server>,
    _dir: tempfile::TempDir,
    root: PathBuf,
    cwd: PathBuf,
    env: Vec<(String, String)>,
    /// Each README address and the one used instead.
    addresses: Vec<(String, String)>,
}

/// An `agate` step: what the README expects and what agate did.
pub(crate) struct Outcome {
    pub(crate) command: String,
    pub(crate) expected: i32,
    pub(crate) output: Output,
}

impl Outcome {
    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

impl Session {
    /// Copies `example` into a temporary folder; every command gets `env` on top of the
    /// test's environment and a fixed git identity.
    pub(crate) fn new(example: &Path, env: &[(&str, String)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(example.file_name().unwrap());
        std::fs::create_dir_all(&root).unwrap();
        copy(example, &root);
        let mut all: Vec<(String, String)> = [
            ("GIT_AUTHOR_NAME", "Ana Dev"),
            ("GIT_AUTHOR_EMAIL", "ana@example.com"),
            ("GIT_COMMITTER_NAME", "Ana Dev"),
            ("GIT_COMMITTER_EMAIL", "ana@example.com"),
            ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
        all.extend(
            env.iter()
                .map(|(key, value)| ((*key).to_owned(), value.clone())),
        );
        Self {
            cwd: root.clone(),
            root,
            _dir: dir,
            env: all,
            server: None,
            addresses: Vec::new(),
        }
    }

    /// The copy of the example.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The server the README started, if it did.
    pub(crate) fn server_url(&self) -> Option<&str> {
        self.server.as_ref().map(|server| server.url.as_str())
    }

    /// A variable the README exported.
    pub(crate) fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Uses `address` wherever the README says `readme_address`, in the commands from now
    /// on and in the copy's files.
    pub(crate) fn map(&mut self, readme_address: &str, address: &str) {
        self.addresses
            .push((readme_address.to_owned(), address.to_owned()));
        self.localize_files(&self.root.clone());
    }

    /// `text` with the README's addresses replaced by the ones in use.
    pub(crate) fn localize(&self, text: &str) -> String {
        self.addresses
            .iter()
            .fold(text.to_owned(), |text, (from, to)| text.replace(from, to))
    }

    /// Runs one README line; an `agate` command's outcome is returned, checked for the
    /// exit code its `# exit N` comment gives (0 without one).
    pub(crate) fn step(&mut self, line: &str) -> Option<Outcome> {
        let (command, comment) = match line.split_once("  #") {
            Some((command, comment)) => (command, comment.trim()),
            None => (line, ""),
        };
        let command = self.localize(command.trim());
        if command.is_empty() {
            return None;
        }
        if let Some(folder) = command.strip_prefix("cd ") {
            self.cwd = self.cwd.join(folder);
            assert!(self.cwd.is_dir(), "`{command}`: no such folder");
            return None;
        }
        if let Some(assignment) = command.strip_prefix("export ") {
            let (name, value) = assignment.split_once('=').unwrap();
            let value = match value
                .strip_prefix("$(agate ")
                .and_then(|rest| rest.strip_suffix(')'))
            {
                Some(args) => {
                    let output = self.agate(args);
                    assert!(
                        output.status.success(),
                        "`{command}`: {}",
                        String::from_utf8_lossy(&output.stderr)
                    );
                    String::from_utf8(output.stdout).unwrap().trim().to_owned()
                }
                None => value.trim_matches('"').to_owned(),
            };
            self.env.push((name.to_owned(), value));
            return None;
        }
        if let Some(serve) = command
            .strip_prefix("agate server ")
            .and_then(|rest| rest.strip_suffix(" &"))
        {
            let words: Vec<&str> = serve.split_whitespace().collect();
            let at = words.iter().position(|word| *word == "--db").unwrap();
            let server = start(&self.cwd, words[at + 1]);
            let address = server.url.trim_start_matches("http://").to_owned();
            self.server = Some(server);
            self.map(README_ADDRESS, &address);
            return None;
        }
        if let Some(args) = command.strip_prefix("agate ") {
            let expected: i32 = comment
                .strip_prefix("exit ")
                .and_then(|rest| rest.split(':').next())
                .map_or(0, |code| code.parse().unwrap());
            let output = self.agate(args);
            let outcome = Outcome {
                command: command.clone(),
                expected,
                output,
            };
            assert_eq!(
                outcome.output.status.code(),
                Some(expected),
                "`{command}`:\n{}\n{}",
                outcome.stdout(),
                outcome.stderr()
            );
            return Some(outcome);
        }
        let output = Command::new("bash")
            .args(["-c", &command])
            .current_dir(&self.cwd)
            .envs(self.env.iter().map(|(key, value)| (key, value)))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "`{command}` failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        None
    }

    fn agate(&self, args: &str) -> Output {
        agate(&self.cwd)
            .args(words(args))
            .envs(self.env.iter().map(|(key, value)| (key, value)))
            .output()
            .unwrap()
    }

    /// Replaces the README's addresses in every text file of the copy.
    fn localize_files(&self, dir: &Path) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                self.localize_files(&path);
            } else if let Ok(text) = std::fs::read_to_string(&path)
                && self.addresses.iter().any(|(from, _)| text.contains(from))
            {
                std::fs::write(&path, self.localize(&text)).unwrap();
            }
        }
    }
}

/// A command line's words as a shell splits them: at spaces, except inside double quotes,
/// which are removed.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            c if c.is_whitespace() && !quoted => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(!quoted, "an unclosed quote in `{line}`");
    words.extend(word);
    words
}
