//! Line attribution from git history (gix, no `git` process): blame a file at `HEAD` and
//! mark the lines whose introducing commit is AI-assisted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::bstr::ByteSlice as _;

use crate::{Classifier, Commit, Evidence};

/// Why history could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// No git repository contains the folder.
    #[error("not in a git repository: {0}")]
    NotARepository(String),
    /// Reading the repository failed.
    #[error("cannot read git history: {0}")]
    Git(String),
}

/// Where a range of lines came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Introduced by an AI-assisted commit (or marked AI inline).
    Ai,
    /// Introduced by a commit with no AI evidence.
    Human,
    /// Not committed yet, or history unavailable.
    Unknown,
}

impl Origin {
    /// Returns `ai`, `human` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Ai => "ai",
            Origin::Human => "human",
            Origin::Unknown => "unknown",
        }
    }
}

/// A range of lines (1-based, inclusive) with one origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// First line.
    pub start: u32,
    /// Last line.
    pub end: u32,
    /// Where the lines came from.
    pub origin: Origin,
    /// The introducing commit (hex), when known.
    pub commit: Option<String>,
    /// The evidence for `ai`.
    pub evidence: Vec<Evidence>,
    /// The introducing commit's author name, when known.
    pub author: Option<String>,
}

/// A repository's history, with commit classifications cached.
pub struct History {
    repo: gix::Repository,
    workdir: PathBuf,
    head: ObjectId,
    classifier: Classifier,
    commits: HashMap<ObjectId, (Vec<Evidence>, String)>,
    cache_dir: Option<PathBuf>,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("workdir", &self.workdir)
            .finish_non_exhaustive()
    }
}

impl History {
    /// Opens the repository that contains `dir`, at its `HEAD`.
    pub fn open(dir: &Path, classifier: Classifier) -> Result<History, HistoryError> {
        let repo =
            gix::discover(dir).map_err(|error| HistoryError::NotARepository(error.to_string()))?;
        let workdir = repo.workdir().ok_or_else(|| {
            HistoryError::NotARepository("a bare repository has no working tree".to_owned())
        })?;
        let workdir = fs_canonical(workdir);
        let head = repo
            .head_id()
            .map_err(|error| HistoryError::Git(format!("no HEAD commit: {error}")))?
            .detach();
        Ok(History {
            repo,
            workdir,
            head,
            classifier,
            commits: HashMap::new(),
            cache_dir: None,
        })
    }

    /// Keeps blame results in `dir` (`.agate/cache/blame`), keyed by the file's blob id at
    /// `HEAD`, so a second run over unchanged files does not walk history again.
    #[must_use]
    pub fn with_cache(mut self, dir: PathBuf) -> History {
        self.cache_dir = Some(dir);
        self
    }

    /// Blames `relative` at `HEAD`: `(first line, 0-based; line count; commit)` per hunk, in
    /// file order. `None` when git does not track the file.
    fn blame(&self, relative: &str) -> Option<Vec<(u32, u32, ObjectId)>> {
        let blob = self
            .repo
            .head_tree()
            .ok()?
            .lookup_entry_by_path(relative)
            .ok()??
            .object_id();
        let cached = self
            .cache_dir
            .as_ref()
            .map(|dir| dir.join(format!("{blob}.blame")));
        if let Some(hunks) = cached.as_ref().and_then(|path| read_cache(path)) {
            return Some(hunks);
        }
        let outcome = self
            .repo
            .blame_file(
                relative.as_bytes().as_bstr(),
                self.head,
                gix::repository::blame_file::Options::default(),
            )
            .ok()?;
        let hunks: Vec<(u32, u32, ObjectId)> = outcome
            .entries
            .iter()
            .map(|entry| (entry.start_in_blamed_file, entry.len.get(), entry.commit_id))
            .collect();
        if let Some(path) = cached {
            write_cache(&path, &hunks);
        }
        Some(hunks)
    }

    /// Returns the AI-authored line ranges of the file at `path` (absolute, or relative to
    /// the current directory) as of `HEAD`; a file git does not track has none.
    pub fn ai_ranges(&mut self, path: &Path) -> Result<Vec<Attribution>, HistoryError> {
        let mut ranges = self.attribute(path, u32::MAX)?;
        ranges.retain(|range| range.origin == Origin::Ai);
        Ok(ranges)
    }

    /// Attributes every line of the file at `path` as of `HEAD`: `ai` or `human` by the
    /// commit that introduced it, `unknown` when the file is not committed or the working
    /// tree has more lines than `HEAD`. Adjacent lines of one commit form one range.
    pub fn attribute(
        &mut self,
        path: &Path,
        line_count: u32,
    ) -> Result<Vec<Attribution>, HistoryError> {
        let absolute = fs_canonical(path);
        let mut ranges: Vec<Attribution> = Vec::new();
        let mut covered = 0;
        if let Ok(relative) = absolute.strip_prefix(&self.workdir) {
            let relative = relative.to_string_lossy().replace('\\', "/");
            if let Some(hunks) = self.blame(&relative) {
                for (first, length, commit_id) in hunks {
                    let (evidence, author) = self.classify(commit_id)?;
                    let origin = if evidence.is_empty() {
                        Origin::Human
                    } else {
                        Origin::Ai
                    };
                    let start = first + 1;
                    let end = (first + length).min(line_count);
                    if start > end {
                        continue;
                    }
                    covered = covered.max(end);
                    let commit = Some(commit_id.to_string());
                    match ranges.last_mut() {
                        Some(last) if last.end + 1 == start && last.commit == commit => {
                            last.end = end;
                        }
                        _ => ranges.push(Attribution {
                            start,
                            end,
                            origin,
                            commit,
                            evidence,
                            author: Some(author),
                        }),
                    }
                }
            }
        }
        if covered < line_count {
            ranges.push(Attribution {
                start: covered + 1,
                end: line_count,
                origin: Origin::Unknown,
                commit: None,
                evidence: Vec::new(),
                author: None,
            });
        }
        Ok(ranges)
    }

    /// Returns a commit's AI evidence (empty: human) and its author's name, cached.
    fn classify(&mut self, id: ObjectId) -> Result<(Vec<Evidence>, String), HistoryError> {
        if let Some(known) = self.commits.get(&id) {
            return Ok(known.clone());
        }
        let git = |error: &dyn std::fmt::Display| HistoryError::Git(error.to_string());
        let commit = self.repo.find_commit(id).map_err(|error| git(&error))?;
        let message = commit
            .message_raw()
            .map_err(|error| git(&error))?
            .to_str_lossy()
            .into_owned();
        let author = commit.author().map_err(|error| git(&error))?;
        let author_name = author.name.to_str_lossy().into_owned();
        let author = format!("{} <{}>", author.name, author.email);
        let committer = commit.committer().map_err(|error| git(&error))?;
        let committer = format!("{} <{}>", committer.name, committer.email);
        let evidence = self.classifier.classify(&Commit {
            message: &message,
            author: &author,
            committer: &committer,
        });
        self.commits
            .insert(id, (evidence.clone(), author_name.clone()));
        Ok((evidence, author_name))
    }
}

/// Reads cached hunks: one `first length commit` line each.
fn read_cache(path: &Path) -> Option<Vec<(u32, u32, ObjectId)>> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .map(|line| {
            let mut parts = line.split(' ');
            let first = parts.next()?.parse().ok()?;
            let length = parts.next()?.parse().ok()?;
            let commit = ObjectId::from_hex(parts.next()?.as_bytes()).ok()?;
            Some((first, length, commit))
        })
        .collect()
}

/// Writes hunks atomically; a cache that cannot be written only costs the next run time.
fn write_cache(path: &Path, hunks: &[(u32, u32, ObjectId)]) {
    use std::fmt::Write as _;
    let Some(folder) = path.parent() else { return };
    if std::fs::create_dir_all(folder).is_err() {
        return;
    }
    let mut text = String::new();
    for (first, length, commit) in hunks {
        let _ = writeln!(text, "{first} {length} {commit}");
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&temporary, text).is_ok() && std::fs::rename(&temporary, path).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

fn fs_canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
