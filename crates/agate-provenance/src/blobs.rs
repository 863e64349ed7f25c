//! File contents from git rather than the working tree, for analyzers that scan what is
//! staged or what history holds: each blob once, with the commit that introduced it.

use std::collections::{BTreeSet, HashMap, HashSet};

use gix::ObjectId;
use gix::bstr::ByteSlice as _;

use crate::history::{Change, History, HistoryError, git_error};

/// A file version from git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// Path relative to the repository root.
    pub path: String,
    /// The contents.
    pub data: Vec<u8>,
    /// The commit that introduced this version (`None` for staged content).
    pub commit: Option<String>,
    /// The first line of that commit's message.
    pub summary: Option<String>,
}

impl History {
    /// The files whose staged version differs from `HEAD` (added or modified; not
    /// deletions, symlinks or submodules), with their staged contents.
    pub fn staged(&self) -> Result<Vec<Blob>, HistoryError> {
        let repo = self.repo();
        let index = repo
            .index_or_empty()
            .map_err(|error| HistoryError::Git(error.to_string()))?;
        let head = repo.head_tree().ok();
        let mut blobs = Vec::new();
        for entry in index.entries() {
            let regular = entry
                .mode
                .to_tree_entry_mode()
                .is_some_and(|mode| mode.is_blob());
            if !regular || entry.stage_raw() != 0 {
                continue;
            }
            let path = entry.path(&index).to_str_lossy().into_owned();
            let committed = head
                .as_ref()
                .and_then(|tree| tree.lookup_entry_by_path(&path).ok().flatten())
                .map(|entry| entry.object_id());
            if committed == Some(entry.id) {
                continue;
            }
            let data = repo
                .find_blob(entry.id)
                .map_err(|error| HistoryError::Git(error.to_string()))?
                .take_data();
            blobs.push(Blob {
                path,
                data,
                commit: None,
                summary: None,
            });
        }
        Ok(blobs)
    }

    /// Visits every file version that the commits of `range` introduced, oldest commit
    /// first, each blob once (the first commit that added it). `range` is `REV` (all
    /// history up to it) or `FROM..TO`. Stops at the first error `visit` returns.
    pub fn introduced<E>(
        &self,
        range: &str,
        mut visit: impl FnMut(Blob) -> Result<(), E>,
    ) -> Result<Result<(), E>, HistoryError> {
        let repo = self.repo();
        let resolve = |spec: &str| -> Result<ObjectId, HistoryError> {
            repo.rev_parse_single(spec.as_bytes().as_bstr())
                .ok()
                .and_then(|id| id.object().ok()?.peel_to_commit().ok())
                .map(|commit| commit.id)
                .ok_or_else(|| HistoryError::Base(format!("unknown revision `{spec}`")))
        };
        let (hidden, tip) = match range.split_once("..") {
            Some((from, to)) => (
                Some(resolve(from)?),
                resolve(if to.is_empty() { "HEAD" } else { to })?,
            ),
            None => (None, resolve(range)?),
        };
        let git = |error: &dyn std::fmt::Display| HistoryError::Git(error.to_string());
        let mut order = Vec::new();
        for info in repo
            .rev_walk([tip])
            .with_hidden(hidden)
            .all()
            .map_err(|error| git(&error))?
        {
            order.push(info.map_err(|error| git(&error))?.id);
        }
        let mut seen: HashSet<ObjectId> = HashSet::new();
        for id in order.into_iter().rev() {
            let commit = repo.find_commit(id).map_err(|error| git(&error))?;
            let summary = commit
                .message_raw()
                .map(|message| {
                    message
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_str_lossy()
                        .into_owned()
                })
                .ok();
            let tree = commit.tree().map_err(|error| git(&error))?;
            let parent = match commit.parent_ids().next() {
                Some(parent) => Some(
                    repo.find_commit(parent)
                        .and_then(|parent| parent.tree())
                        .map_err(|error| git(&error))?,
                ),
                None => None,
            };
            let mut options = gix::diff::Options::default();
            options.track_path();
            let changes = repo
                .diff_tree_to_tree(parent.as_ref(), &tree, Some(options))
                .map_err(|error| git(&error))?;
            for change in changes {
                if matches!(
                    change,
                    gix::object::tree::diff::ChangeDetached::Deletion { .. }
                ) {
                    continue;
                }
                let (mode, blob) = change.entry_mode_and_id();
                if !mode.is_blob() || !seen.insert(blob.to_owned()) {
                    continue;
                }
                let data = repo
                    .find_blob(blob)
                    .map_err(|error| git(&error))?
                    .take_data();
                let found = Blob {
                    path: change.location().to_str_lossy().into_owned(),
                    data,
                    commit: Some(id.to_string()),
                    summary: summary.clone(),
                };
                if let Err(error) = visit(found) {
                    return Ok(Err(error));
                }
            }
        }
        Ok(Ok(()))
    }
}

/// One version of a file in a [`Revision`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The file is not there (added: no old version; deleted: no new one).
    Missing,
    /// Its bytes.
    Data(Vec<u8>),
    /// Larger than the limit asked for (its size): not read.
    TooLarge(u64),
}

/// A file the change touches, as it was and as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Path relative to the repository root.
    pub path: String,
    /// The older version: at the merge base, or in `HEAD` for staged changes.
    pub before: Content,
    /// The newer version: in the working tree, or staged.
    pub after: Content,
}

impl History {
    /// The files that differ between the merge base of `change` and `HEAD` (deleted ones
    /// too) or between `HEAD` and the index (staged edits), each with its merge-base
    /// version and its working-tree version; blobs and files over `limit` bytes are not
    /// read. A working-tree path that is not a regular file counts as deleted. Unstaged
    /// edits of files neither the commits nor the index touch are not listed.
    pub fn revisions(&self, change: &Change, limit: u64) -> Result<Vec<Revision>, HistoryError> {
        let repo = self.repo();
        let base = repo
            .find_commit(change.merge_base_id())
            .and_then(|commit| commit.tree())
            .map_err(git_error)?;
        let base_files = files_of(&base)?;
        let head_files = match repo.head_tree() {
            Ok(tree) => files_of(&tree)?,
            Err(_) => HashMap::new(),
        };
        let staged = index_files(repo)?;
        let mut paths: BTreeSet<&String> = BTreeSet::new();
        for (path, id) in &head_files {
            if base_files.get(path) != Some(id) {
                paths.insert(path);
            }
        }
        paths.extend(
            base_files
                .keys()
                .filter(|path| !head_files.contains_key(*path)),
        );
        for (path, id) in &staged {
            if head_files.get(path) != Some(id) {
                paths.insert(path);
            }
        }
        // Staged deletions (an index that lists nothing is no index at all).
        if !staged.is_empty() {
            paths.extend(head_files.keys().filter(|path| !staged.contains_key(*path)));
        }
        let workdir = self.workdir();
        paths
            .into_iter()
            .map(|path| {
                let before = blob_content(repo, base_files.get(path), limit)?;
                let file = workdir.join(path);
                let after = match std::fs::symlink_metadata(&file) {
                    Ok(metadata) if metadata.is_file() && metadata.len() > limit => {
                        Content::TooLarge(metadata.len())
                    }
                    Ok(metadata) if metadata.is_file() => {
                        match agate_fs::resolve_under(workdir, std::path::Path::new(path))
                            .and_then(|resolved| agate_fs::read_bounded(&resolved, limit))
                        {
                            Ok(data) => Content::Data(data),
                            Err(error) => return Err(HistoryError::Git(error.to_string())),
                        }
                    }
                    _ => Content::Missing,
                };
                Ok(Revision {
                    path: path.clone(),
                    before,
                    after,
                })
            })
            .collect()
    }

    /// The files whose staged version differs from `HEAD`, deletions included, with both
    /// versions (blobs over `limit` bytes are not read).
    pub fn staged_revisions(&self, limit: u64) -> Result<Vec<Revision>, HistoryError> {
        let repo = self.repo();
        let head_files = match repo.head_tree() {
            Ok(tree) => files_of(&tree)?,
            Err(_) => HashMap::new(),
        };
        let staged = index_files(repo)?;
        let mut paths: BTreeSet<&String> = BTreeSet::new();
        for (path, id) in &staged {
            if head_files.get(path) != Some(id) {
                paths.insert(path);
            }
        }
        paths.extend(head_files.keys().filter(|path| !staged.contains_key(*path)));
        paths
            .into_iter()
            .map(|path| {
                Ok(Revision {
                    path: path.clone(),
                    before: blob_content(repo, head_files.get(path), limit)?,
                    after: blob_content(repo, staged.get(path), limit)?,
                })
            })
            .collect()
    }
}

/// The regular files of a tree by path (links and submodules left out).
fn files_of(tree: &gix::Tree<'_>) -> Result<HashMap<String, ObjectId>, HistoryError> {
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(git_error)?;
    Ok(recorder
        .records
        .into_iter()
        .filter(|entry| entry.mode.is_blob())
        .map(|entry| (entry.filepath.to_str_lossy().into_owned(), entry.oid))
        .collect())
}

/// The index's regular files by path (conflicted entries left out).
fn index_files(repo: &gix::Repository) -> Result<HashMap<String, ObjectId>, HistoryError> {
    let index = repo.index_or_empty().map_err(git_error)?;
    Ok(index
        .entries()
        .iter()
        .filter(|entry| {
            entry.stage_raw() == 0
                && entry
                    .mode
                    .to_tree_entry_mode()
                    .is_some_and(|mode| mode.is_blob())
        })
        .map(|entry| (entry.path(&index).to_str_lossy().into_owned(), entry.id))
        .collect())
}

fn blob_content(
    repo: &gix::Repository,
    id: Option<&ObjectId>,
    limit: u64,
) -> Result<Content, HistoryError> {
    let Some(id) = id else {
        return Ok(Content::Missing);
    };
    let size = repo.find_header(*id).map_err(git_error)?.size();
    if size > limit {
        return Ok(Content::TooLarge(size));
    }
    Ok(Content::Data(
        repo.find_blob(*id).map_err(git_error)?.take_data(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Classifier;
    use std::process::Command;

    fn git(dir: &std::path::Path, args: &[&str]) {
        let output = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    }

    fn text(content: &Content) -> Option<&str> {
        match content {
            Content::Data(data) => Some(std::str::from_utf8(data).unwrap()),
            Content::Missing => None,
            Content::TooLarge(size) => panic!("too large: {size}"),
        }
    }

    #[test]
    fn revisions_pair_the_merge_base_with_the_working_tree_and_head_with_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        for (name, content) in [("kept.py", "a\n"), ("edited.py", "b\n"), ("gone.py", "c\n")] {
            std::fs::write(root.join(name), content).unwrap();
        }
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "base"]);
        git(root, &["checkout", "-q", "-b", "feature"]);
        std::fs::write(root.join("edited.py"), "b2\n").unwrap();
        std::fs::remove_file(root.join("gone.py")).unwrap();
        git(root, &["commit", "-q", "-am", "change"]);
        std::fs::write(root.join("new.py"), "d\n").unwrap();
        git(root, &["add", "new.py"]);
        std::fs::write(root.join("new.py"), "d2\n").unwrap();
        git(root, &["rm", "-q", "kept.py"]);

        let history = History::open(root, Classifier::builtin()).unwrap();
        let change = history.change("main").unwrap();
        let revisions = history.revisions(&change, 1024).unwrap();
        let seen: Vec<(&str, Option<&str>, Option<&str>)> = revisions
            .iter()
            .map(|revision| {
                (
                    revision.path.as_str(),
                    text(&revision.before),
                    text(&revision.after),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("edited.py", Some("b\n"), Some("b2\n")),
                ("gone.py", Some("c\n"), None),
                ("kept.py", Some("a\n"), None),
                ("new.py", None, Some("d2\n")),
            ]
        );
        let staged = history.staged_revisions(1024).unwrap();
        let seen: Vec<(&str, Option<&str>, Option<&str>)> = staged
            .iter()
            .map(|revision| {
                (
                    revision.path.as_str(),
                    text(&revision.before),
                    text(&revision.after),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("kept.py", Some("a\n"), None),
                ("new.py", None, Some("d\n"))
            ]
        );
        let small = history.staged_revisions(1).unwrap();
        assert_eq!(small[0].before, Content::TooLarge(2));
    }
}
