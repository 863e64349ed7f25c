//! Line attribution from git history (gix, no `git` process): blame the working-tree file
//! against `HEAD` and mark the lines whose introducing commit is AI-assisted — by its
//! trailers and identities, a git-ai note on it, or an Agent Trace record for it.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::bstr::ByteSlice as _;
use sha2::{Digest as _, Sha256};

use crate::agent_trace::Traces;
use crate::gitai::{AuthorshipLog, NOTES_REF};
use crate::{Classifier, Commit, Evidence};

/// Why history could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// No git repository contains the folder.
    #[error("not in a git repository: {0}")]
    NotARepository(String),
    /// The repository has no commit yet (`git init`, nothing committed): no history to read.
    #[error("the git repository at `{}` has no commits yet", .0.display())]
    NoCommits(PathBuf),
    /// The base revision is not in the repository (not fetched, or misspelt).
    #[error("unknown revision `{base}`: {}", fetch_advice(base, *shallow))]
    BaseNotFound {
        /// The revision asked for, e.g. `origin/main`.
        base: String,
        /// Whether the repository is a shallow clone.
        shallow: bool,
    },
    /// The base revision cannot be used; the message says what to fetch.
    #[error("{0}")]
    Base(String),
    /// Reading the repository failed.
    #[error("cannot read git history: {0}")]
    Git(String),
}

/// What to fetch when `base` is missing from a repository, shallow or not.
fn fetch_advice(base: &str, shallow: bool) -> String {
    if shallow {
        format!(
            "this is a shallow clone, so the history back to `{base}` is missing: fetch it \
             (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout, \
             `GIT_DEPTH: 0` in GitLab CI)"
        )
    } else {
        format!("is `{base}` fetched? (`git fetch origin` first)")
    }
}

pub(crate) fn git_error(error: impl std::fmt::Display) -> HistoryError {
    HistoryError::Git(error.to_string())
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

/// The change under review: the commits on `HEAD` since its merge base with a base
/// revision, and the files they touched.
#[derive(Debug, Clone)]
pub struct Change {
    base: String,
    merge_base: ObjectId,
    /// Newest first.
    order: Vec<ObjectId>,
    commits: HashSet<ObjectId>,
    since: gix::date::Time,
    paths: BTreeSet<String>,
}

impl Change {
    /// The base revision as given, e.g. `origin/main`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The merge base of the base revision and `HEAD` (hex).
    pub fn merge_base(&self) -> String {
        self.merge_base.to_string()
    }

    /// The merge base's id.
    pub(crate) fn merge_base_id(&self) -> ObjectId {
        self.merge_base
    }

    /// How many commits the change has.
    pub fn commit_count(&self) -> usize {
        self.commits.len()
    }

    /// The files added, modified or renamed by the change's commits (not counting
    /// uncommitted edits), relative to the repository root.
    pub fn paths(&self) -> &BTreeSet<String> {
        &self.paths
    }
}

/// An AI-assisted commit that nobody signed off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedCommit {
    /// The commit (hex).
    pub commit: String,
    /// The first line of its message.
    pub summary: String,
    /// Why it counts as AI-assisted.
    pub evidence: Vec<Evidence>,
    /// The first file it added or modified, relative to the repository root.
    pub path: Option<String>,
}

/// The email of `Name <email>`, or the whole value when it has none.
fn email(identity: &str) -> &str {
    identity
        .rsplit_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or(identity.trim(), |(email, _)| email.trim())
}

/// A blamed hunk: lines `start..start + len` (0-based) of the working-tree file came from
/// `commit` (null: not committed), where they were lines `source_start..` of `source_path`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    start: u32,
    len: u32,
    commit: ObjectId,
    source_start: u32,
    source_path: Option<String>,
}

/// Who committed a line of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAuthor {
    /// The commit's author email.
    pub email: String,
    /// The commit, as hex.
    pub commit: String,
    /// The file's path in that commit (it may have been renamed since).
    pub path: String,
}

/// What agate needs of a commit.
#[derive(Debug, Clone)]
struct CommitInfo {
    evidence: Vec<Evidence>,
    author: String,
    /// The author's email.
    email: String,
    parents: Vec<ObjectId>,
}

/// A repository's history, with commit classifications, notes and traces cached.
pub struct History {
    repo: gix::Repository,
    workdir: PathBuf,
    head: ObjectId,
    classifier: Classifier,
    commits: HashMap<ObjectId, CommitInfo>,
    /// Whether `refs/notes/ai` exists; notes per commit once read.
    has_notes: bool,
    notes: HashMap<ObjectId, Option<AuthorshipLog>>,
    traces: Traces,
    skipped_traces: usize,
    unreadable_traces: Option<String>,
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
        let mut repo =
            gix::discover(dir).map_err(|error| HistoryError::NotARepository(error.to_string()))?;
        let workdir = repo.workdir().map(fs_canonical).ok_or_else(|| {
            HistoryError::NotARepository("a bare repository has no working tree".to_owned())
        })?;
        // Blame reads the same trees and blobs many times over.
        repo.object_cache_size_if_unset(64 * 1024 * 1024);
        let head = match repo.head_id() {
            Ok(head) => head.detach(),
            Err(_) if repo.head().is_ok_and(|head| head.is_unborn()) => {
                return Err(HistoryError::NoCommits(workdir));
            }
            Err(error) => return Err(HistoryError::Git(format!("no HEAD commit: {error}"))),
        };
        let has_notes = repo.try_find_reference(NOTES_REF).ok().flatten().is_some();
        let (traces, skipped_traces, unreadable_traces) = Traces::load(&workdir);
        Ok(History {
            repo,
            workdir,
            head,
            classifier,
            commits: HashMap::new(),
            has_notes,
            notes: HashMap::new(),
            traces,
            skipped_traces,
            unreadable_traces,
            cache_dir: None,
        })
    }

    /// Keeps blame results in `dir` (`.agate/cache/blame`), keyed by the file's blob at
    /// `HEAD` and its working-tree content, so a second run over unchanged files does not
    /// walk history again.
    #[must_use]
    pub fn with_cache(mut self, dir: PathBuf) -> History {
        self.cache_dir = Some(dir);
        self
    }

    /// The repository.
    pub(crate) fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    /// The classifier commits are judged by.
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// The commit `HEAD` names (hex).
    pub fn head(&self) -> String {
        self.head.to_string()
    }

    /// The repository's working tree.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// How many lines of `.agent-trace/traces.jsonl` were not valid Agent Trace records.
    pub fn skipped_traces(&self) -> usize {
        self.skipped_traces
    }

    /// Why `.agent-trace/traces.jsonl` exists but was not read (a device, a FIFO, too
    /// large), if so: none of its records count.
    pub fn unreadable_traces(&self) -> Option<&str> {
        self.unreadable_traces.as_deref()
    }

    /// The remote's default branch, when one is fetched: `origin/HEAD`'s target, else
    /// `origin/main`, else `origin/master`.
    pub fn default_base(&self) -> Option<String> {
        if let Ok(Some(head)) = self.repo.try_find_reference("refs/remotes/origin/HEAD")
            && let Some(target) = head.target().try_name()
            && let Some(branch) = target.as_bstr().strip_prefix(b"refs/remotes/")
        {
            return Some(branch.to_str_lossy().into_owned());
        }
        ["origin/main", "origin/master"]
            .into_iter()
            .find(|branch| {
                self.repo
                    .try_find_reference(format!("refs/remotes/{branch}").as_str())
                    .ok()
                    .flatten()
                    .is_some()
            })
            .map(str::to_owned)
    }

    /// Finds the change under review: `HEAD`'s commits since its merge base with `base`. A
    /// base that does not resolve, or shares no history with `HEAD` (a shallow clone), is
    /// an error that says what to fetch.
    pub fn change(&self, base: &str) -> Result<Change, HistoryError> {
        let shallow = self.repo.is_shallow().unwrap_or(false);
        let base_id = self
            .repo
            .rev_parse_single(base.as_bytes().as_bstr())
            .ok()
            .and_then(|id| id.object().ok()?.peel_to_commit().ok())
            .map(|commit| commit.id)
            .ok_or_else(|| HistoryError::BaseNotFound {
                base: base.to_owned(),
                shallow,
            })?;
        let merge_base = self
            .repo
            .merge_base(base_id, self.head)
            .ok()
            .flatten()
            .ok_or_else(|| {
                HistoryError::Base(format!(
                    "cannot find the merge base of `{base}` and HEAD: {}",
                    fetch_advice(base, shallow)
                ))
            })?
            .detach();
        let since = self
            .repo
            .find_commit(merge_base)
            .and_then(|commit| commit.time())
            .map_err(git_error)?;
        let order = self
            .repo
            .rev_walk([self.head])
            .with_hidden([merge_base])
            .all()
            .map_err(git_error)?
            .map(|info| info.map(|info| info.id))
            .collect::<Result<Vec<_>, _>>()
            .map_err(git_error)?;
        let commits = order.iter().copied().collect();
        let old = self
            .repo
            .find_commit(merge_base)
            .and_then(|commit| commit.tree())
            .map_err(git_error)?;
        let new = self.repo.head_tree().map_err(git_error)?;
        let paths = self
            .repo
            .diff_tree_to_tree(&old, &new, None)
            .map_err(git_error)?
            .iter()
            .filter(|change| {
                !matches!(
                    change,
                    gix::object::tree::diff::ChangeDetached::Deletion { .. }
                ) && change.entry_mode().is_blob()
            })
            .map(|change| change.location().to_str_lossy().into_owned())
            .collect();
        Ok(Change {
            base: base.to_owned(),
            merge_base,
            order,
            commits,
            since,
            paths,
        })
    }

    /// Whether `HEAD` tracks anything at `path` (a file or a folder, relative to the
    /// repository root): one lookup down the tree, not a walk of it.
    pub fn tracks(&self, path: &str) -> Result<bool, HistoryError> {
        let tree = self.repo.head_tree().map_err(git_error)?;
        Ok(tree
            .lookup_entry_by_path(path)
            .map_err(git_error)?
            .is_some())
    }

    /// Every file `HEAD` tracks (not symlinks or submodules), relative to the repository
    /// root, sorted.
    pub fn tracked_files(&self) -> Result<Vec<String>, HistoryError> {
        let mut recorder = gix::traverse::tree::Recorder::default();
        self.repo
            .head_tree()
            .map_err(git_error)?
            .traverse()
            .breadthfirst(&mut recorder)
            .map_err(git_error)?;
        let mut files: Vec<String> = recorder
            .records
            .into_iter()
            .filter(|entry| entry.mode.is_blob())
            .map(|entry| entry.filepath.to_str_lossy().into_owned())
            .collect();
        files.sort();
        Ok(files)
    }

    /// The AI-assisted commits of `change` (by trailers, identities or a git-ai note) that
    /// no person signed off: no `Signed-off-by:` trailer naming a human, or — when
    /// `approved` is narrower — none whose email it accepts. Newest first.
    pub fn unsigned_ai_commits(
        &mut self,
        change: &Change,
        approved: impl Fn(&str) -> bool,
    ) -> Result<Vec<UnsignedCommit>, HistoryError> {
        let mut unsigned = Vec::new();
        for &id in &change.order {
            let mut evidence = self.commit_info(id)?.evidence;
            if evidence.is_empty()
                && let Some(noted) = self.note(id).and_then(AuthorshipLog::first)
            {
                evidence.push(noted.clone());
            }
            if evidence.is_empty() {
                continue;
            }
            let commit = self.repo.find_commit(id).map_err(git_error)?;
            let message = commit
                .message_raw()
                .map_err(git_error)?
                .to_str_lossy()
                .into_owned();
            let signed = crate::trailers(&message).iter().any(|trailer| {
                trailer.token.eq_ignore_ascii_case("signed-off-by")
                    && !self.classifier.is_ai_identity(&trailer.value)
                    && approved(email(&trailer.value))
            });
            if signed {
                continue;
            }
            let path = self.first_changed_path(&commit)?;
            unsigned.push(UnsignedCommit {
                commit: id.to_string(),
                summary: message.lines().next().unwrap_or_default().trim().to_owned(),
                evidence,
                path,
            });
        }
        Ok(unsigned)
    }

    /// The first file (by path) that `commit` added or modified relative to its first parent.
    fn first_changed_path(&self, commit: &gix::Commit<'_>) -> Result<Option<String>, HistoryError> {
        let tree = commit.tree().map_err(git_error)?;
        let parent = match commit.parent_ids().next() {
            Some(parent) => Some(
                self.repo
                    .find_commit(parent)
                    .and_then(|parent| parent.tree())
                    .map_err(git_error)?,
            ),
            None => None,
        };
        Ok(self
            .repo
            .diff_tree_to_tree(parent.as_ref(), &tree, None)
            .map_err(git_error)?
            .iter()
            .filter(|change| {
                !matches!(
                    change,
                    gix::object::tree::diff::ChangeDetached::Deletion { .. }
                ) && change.entry_mode().is_blob()
            })
            .map(|change| change.location().to_str_lossy().into_owned())
            .min())
    }

    /// Attributes every line of the file at `path` (absolute, or relative to the current
    /// directory) as it is in the working tree: `ai` or `human` by the commit that
    /// introduced it, `unknown` when not committed (or the file is not tracked). Adjacent
    /// lines of one commit and origin form one range.
    pub fn attribute(&mut self, path: &Path) -> Result<Vec<Attribution>, HistoryError> {
        Ok(self
            .lines(path, None)?
            .into_iter()
            .map(|(range, _)| range)
            .collect())
    }

    /// The lines of the file at `path` that `change` introduced, or that are not committed
    /// yet, with who wrote them. History is only walked back to the change's merge base.
    pub fn changed_lines(
        &mut self,
        path: &Path,
        change: &Change,
    ) -> Result<Vec<Attribution>, HistoryError> {
        Ok(self
            .lines(path, Some(change))?
            .into_iter()
            .filter_map(|(range, new)| new.then_some(range))
            .collect())
    }

    /// Who committed each line of the working-tree file at `path` (index 0 is line 1):
    /// the author email, the commit and the file's path in it; `None` for a line not
    /// committed, and for every line of a file that is not tracked. Triage approvals read
    /// it.
    pub fn line_authors(&mut self, path: &Path) -> Result<Vec<Option<LineAuthor>>, HistoryError> {
        let absolute = fs_canonical(path);
        let contents =
            agate_fs::read_bounded(&absolute, crate::MAX_SOURCE_BYTES).map_err(git_error)?;
        let mut authors = vec![None; usize::try_from(count_lines(&contents)).unwrap_or(0)];
        let Ok(relative) = absolute.strip_prefix(&self.workdir) else {
            return Ok(authors);
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        let Some(hunks) = self.blame(&relative, &contents, None)? else {
            return Ok(authors);
        };
        for hunk in hunks.into_iter().filter(|hunk| !hunk.commit.is_null()) {
            let author = LineAuthor {
                email: self.commit_info(hunk.commit)?.email,
                commit: hunk.commit.to_string(),
                path: hunk.source_path.clone().unwrap_or_else(|| relative.clone()),
            };
            for offset in 0..hunk.len {
                let index = usize::try_from(hunk.start + offset).unwrap_or(usize::MAX);
                if let Some(slot) = authors.get_mut(index) {
                    *slot = Some(author.clone());
                }
            }
        }
        Ok(authors)
    }

    /// The file at `relative` as `commit` has it; `None` when the commit has no such file.
    /// A blob over `limit` bytes is an error, never read.
    pub fn file_at(
        &self,
        commit: &str,
        relative: &str,
        limit: u64,
    ) -> Result<Option<Vec<u8>>, HistoryError> {
        let id = ObjectId::from_hex(commit.as_bytes()).map_err(git_error)?;
        let tree = self
            .repo
            .find_commit(id)
            .map_err(git_error)?
            .tree()
            .map_err(git_error)?;
        let Some(entry) = tree.lookup_entry_by_path(relative).map_err(git_error)? else {
            return Ok(None);
        };
        let blob = entry.object_id();
        let size = self.repo.find_header(blob).map_err(git_error)?.size();
        if size > limit {
            return Err(git_error(format!(
                "`{relative}` in commit {commit} is {size} bytes, over the {limit}-byte limit"
            )));
        }
        Ok(Some(
            self.repo.find_blob(blob).map_err(git_error)?.data.clone(),
        ))
    }

    /// Returns the AI-authored line ranges of the file at `path`.
    pub fn ai_ranges(&mut self, path: &Path) -> Result<Vec<Attribution>, HistoryError> {
        let mut ranges = self.attribute(path)?;
        ranges.retain(|range| range.origin == Origin::Ai);
        Ok(ranges)
    }

    /// Blames the working-tree file and attributes each line; the flag says whether the
    /// line is part of `change` (always true for uncommitted lines).
    fn lines(
        &mut self,
        path: &Path,
        change: Option<&Change>,
    ) -> Result<Vec<(Attribution, bool)>, HistoryError> {
        let absolute = fs_canonical(path);
        let contents =
            agate_fs::read_bounded(&absolute, crate::MAX_SOURCE_BYTES).map_err(git_error)?;
        let line_count = count_lines(&contents);
        let hunks = match absolute.strip_prefix(&self.workdir) {
            Ok(relative) => {
                let relative = relative.to_string_lossy().replace('\\', "/");
                self.blame(&relative, &contents, change)?
                    .map(|hunks| (relative, hunks))
            }
            Err(_) => None,
        };
        let Some((relative, hunks)) = hunks else {
            // Not tracked: every line is new and nobody's yet.
            let range = Attribution {
                start: 1,
                end: line_count,
                origin: Origin::Unknown,
                commit: None,
                evidence: Vec::new(),
                author: None,
            };
            return Ok(if line_count == 0 {
                Vec::new()
            } else {
                vec![(range, true)]
            });
        };
        let mut out: Vec<(Attribution, bool)> = Vec::new();
        for hunk in hunks {
            let new = hunk.commit.is_null()
                || change.is_none_or(|change| change.commits.contains(&hunk.commit));
            // Agent Trace records name the revision that was HEAD while the agent worked:
            // the commit itself or its parent; for uncommitted lines, today's HEAD.
            let (commit_evidence, author, revisions) = if hunk.commit.is_null() {
                (Vec::new(), None, vec![self.head])
            } else {
                let info = self.commit_info(hunk.commit)?;
                let mut revisions = vec![hunk.commit];
                revisions.extend(info.parents);
                (info.evidence, Some(info.author), revisions)
            };
            let source_path = hunk.source_path.clone().unwrap_or_else(|| relative.clone());
            for offset in 0..hunk.len {
                let line = hunk.start + offset + 1;
                let evidence = if commit_evidence.is_empty() {
                    self.line_evidence(&hunk, &source_path, &revisions, offset + 1, line)
                } else {
                    commit_evidence.clone()
                };
                let origin = match (hunk.commit.is_null(), evidence.is_empty()) {
                    (_, false) => Origin::Ai,
                    (true, true) => Origin::Unknown,
                    (false, true) => Origin::Human,
                };
                let commit = (!hunk.commit.is_null()).then(|| hunk.commit.to_string());
                match out.last_mut() {
                    Some((last, last_new))
                        if last.end + 1 == line
                            && last.commit == commit
                            && last.origin == origin
                            && last.evidence == evidence
                            && *last_new == new =>
                    {
                        last.end = line;
                    }
                    _ => out.push((
                        Attribution {
                            start: line,
                            end: line,
                            origin,
                            commit,
                            evidence,
                            author: author.clone(),
                        },
                        new,
                    )),
                }
            }
        }
        Ok(out)
    }

    /// Evidence for one line from git-ai notes and Agent Trace records: the note on the
    /// introducing commit, else a trace recorded at one of `revisions`. Line numbers in both
    /// are those of the file at that commit (`line_in_hunk` counts from 1), or today's for
    /// uncommitted lines.
    fn line_evidence(
        &mut self,
        hunk: &Hunk,
        source_path: &str,
        revisions: &[ObjectId],
        line_in_hunk: u32,
        line: u32,
    ) -> Vec<Evidence> {
        let recorded_line = if hunk.commit.is_null() {
            line
        } else {
            hunk.source_start + line_in_hunk
        };
        if !hunk.commit.is_null()
            && let Some(evidence) = self
                .note(hunk.commit)
                .and_then(|log| log.evidence(source_path, recorded_line))
        {
            return vec![evidence.clone()];
        }
        if self.traces.is_empty() {
            return Vec::new();
        }
        revisions
            .iter()
            .find_map(|&revision| self.traces.evidence(revision, source_path, recorded_line))
            .cloned()
            .into_iter()
            .collect()
    }

    /// The git-ai authorship log attached to `commit`, read once.
    fn note(&mut self, commit: ObjectId) -> Option<&AuthorshipLog> {
        if !self.has_notes {
            return None;
        }
        if !self.notes.contains_key(&commit) {
            let log = self
                .repo
                .notes()
                .and_then(|notes| notes.with_refs([NOTES_REF]))
                .ok()
                .and_then(|mut notes| {
                    let found = notes.get(commit).ok()?;
                    let note = found.first()?;
                    AuthorshipLog::parse(&note.blob.data.to_str_lossy())
                });
            self.notes.insert(commit, log);
        }
        self.notes.get(&commit)?.as_ref()
    }

    /// Blames the working-tree `contents` of `relative` from `HEAD` (back to the change's
    /// merge base when given). `None` when `HEAD` does not track the file.
    fn blame(
        &self,
        relative: &str,
        contents: &[u8],
        change: Option<&Change>,
    ) -> Result<Option<Vec<Hunk>>, HistoryError> {
        let Some(entry) = self
            .repo
            .head_tree()
            .map_err(git_error)?
            .lookup_entry_by_path(relative)
            .map_err(git_error)?
        else {
            return Ok(None);
        };
        let blob = entry.object_id();
        let contents = self.normalize_line_endings(blob, contents);
        if let Some(change) = change
            && !change.paths.contains(relative)
            && gix::objs::compute_hash(self.repo.object_hash(), gix::objs::Kind::Blob, &contents)
                .is_ok_and(|id| id == blob)
        {
            // Untouched by the change and not edited: every line predates the merge base.
            let len = count_lines(&contents);
            return Ok(Some(
                (len > 0)
                    .then_some(Hunk {
                        start: 0,
                        len,
                        commit: change.merge_base,
                        source_start: 0,
                        source_path: None,
                    })
                    .into_iter()
                    .collect(),
            ));
        }
        let cached = self.cache_dir.as_ref().map(|dir| {
            let scope = change.map_or_else(String::new, |change| format!("-{}", change.merge_base));
            let digest = Sha256::digest(&contents);
            dir.join(format!("{blob}-{}{scope}.blame", hex(&digest[..8])))
        });
        if let Some(hunks) = cached.as_ref().and_then(|path| read_cache(path)) {
            return Ok(Some(hunks));
        }
        let options = gix::blame::Options {
            diff_algorithm: self.repo.diff_algorithm().map_err(git_error)?,
            ranges: gix::blame::BlameRanges::default(),
            since: change.map(|change| change.since),
            rewrites: Some(gix::diff::Rewrites::default()),
            debug_track_path: false,
        };
        let outcome = gix::blame::file(
            &self.repo.objects,
            gix::blame::Start::Contents {
                first_suspect: self.head,
                contents,
            },
            self.repo.commit_graph_if_enabled().map_err(git_error)?,
            &mut self
                .repo
                .diff_resource_cache_for_tree_diff()
                .map_err(git_error)?,
            relative.as_bytes().as_bstr(),
            options,
        )
        .map_err(git_error)?;
        let hunks: Vec<Hunk> = outcome
            .entries
            .iter()
            .map(|entry| Hunk {
                start: entry.start_in_blamed_file,
                len: entry.len.get(),
                commit: entry.commit_id,
                source_start: entry.start_in_source_file,
                source_path: entry
                    .source_file_name
                    .as_ref()
                    .map(|name| name.to_str_lossy().into_owned()),
            })
            .collect();
        if let Some(path) = cached {
            write_cache(&path, &hunks);
        }
        Ok(Some(hunks))
    }

    /// A checkout with CRLF line endings of a file committed with LF would differ on every
    /// line; compare it as committed.
    fn normalize_line_endings<'a>(&self, blob: ObjectId, contents: &'a [u8]) -> Cow<'a, [u8]> {
        if !contents.contains(&b'\r') {
            return Cow::Borrowed(contents);
        }
        let committed_lf = self
            .repo
            .find_blob(blob)
            .is_ok_and(|committed| !committed.data.contains(&b'\r'));
        if committed_lf {
            Cow::Owned(contents.replace(b"\r\n", b"\n"))
        } else {
            Cow::Borrowed(contents)
        }
    }

    /// A commit's AI evidence (empty: human), author name and parents, cached.
    fn commit_info(&mut self, id: ObjectId) -> Result<CommitInfo, HistoryError> {
        if let Some(known) = self.commits.get(&id) {
            return Ok(known.clone());
        }
        let commit = self.repo.find_commit(id).map_err(git_error)?;
        let message = commit
            .message_raw()
            .map_err(git_error)?
            .to_str_lossy()
            .into_owned();
        let author = commit.author().map_err(git_error)?;
        let author_name = author.name.to_str_lossy().into_owned();
        let email = author.email.to_str_lossy().into_owned();
        let author = format!("{} <{}>", author.name, author.email);
        let committer = commit.committer().map_err(git_error)?;
        let committer = format!("{} <{}>", committer.name, committer.email);
        let evidence = self.classifier.classify(&Commit {
            message: &message,
            author: &author,
            committer: &committer,
        });
        let info = CommitInfo {
            evidence,
            author: author_name,
            email,
            parents: commit.parent_ids().map(gix::Id::detach).collect(),
        };
        self.commits.insert(id, info.clone());
        Ok(info)
    }
}

/// Lines in `contents`; a last line without a newline counts.
fn count_lines(contents: &[u8]) -> u32 {
    u32::try_from(contents.lines().count()).unwrap_or(u32::MAX)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Reads cached hunks: `start len commit source_start [source path]` per line.
fn read_cache(path: &Path) -> Option<Vec<Hunk>> {
    let text = agate_fs::read_to_string_bounded(path, crate::MAX_SOURCE_BYTES).ok()?;
    text.lines()
        .map(|line| {
            let mut parts = line.splitn(5, ' ');
            Some(Hunk {
                start: parts.next()?.parse().ok()?,
                len: parts.next()?.parse().ok()?,
                commit: ObjectId::from_hex(parts.next()?.as_bytes()).ok()?,
                source_start: parts.next()?.parse().ok()?,
                source_path: parts.next().map(str::to_owned),
            })
        })
        .collect()
}

/// Writes hunks atomically; a cache that cannot be written only costs the next run time.
fn write_cache(path: &Path, hunks: &[Hunk]) {
    use std::fmt::Write as _;
    let Some(folder) = path.parent() else { return };
    if std::fs::create_dir_all(folder).is_err() {
        return;
    }
    let mut text = String::new();
    for hunk in hunks {
        let _ = write!(
            text,
            "{} {} {} {}",
            hunk.start, hunk.len, hunk.commit, hunk.source_start
        );
        if let Some(source) = &hunk.source_path {
            let _ = write!(text, " {source}");
        }
        text.push('\n');
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&temporary, text).is_ok() && std::fs::rename(&temporary, path).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

fn fs_canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
