//! Which working-tree files are exactly as they were at a change's merge base.

use std::io::Read as _;
use std::path::PathBuf;

use gix::ObjectId;

use crate::history::{Change, History, HistoryError, git_error};

/// The working-tree files whose content is byte for byte what the merge base of a
/// [`Change`] holds at the same path: files the change did not touch, committed or not.
///
/// Only such a file may be treated as outside the change; anything else — a file added,
/// modified (committed, staged or not), untracked, a symbolic link, one that cannot be read
/// — is part of it. The answer compares git blob ids, so it is exact and costs one read of
/// the file, and only for the files it is asked about. `Send + Sync`: scanner threads ask.
pub struct Unchanged {
    /// The repository's git folder; each thread opens it once (a gix handle is not `Send`).
    git_dir: PathBuf,
    workdir: PathBuf,
    base_tree: ObjectId,
}

std::thread_local! {
    /// This thread's handle on the repository last asked about, by git folder.
    static OPENED: std::cell::RefCell<Option<(PathBuf, gix::Repository)>> =
        const { std::cell::RefCell::new(None) };
}

impl std::fmt::Debug for Unchanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unchanged")
            .field("workdir", &self.workdir)
            .field("base_tree", &self.base_tree)
            .finish_non_exhaustive()
    }
}

impl History {
    /// The files `change` left as they were at its merge base.
    pub fn unchanged(&self, change: &Change) -> Result<Unchanged, HistoryError> {
        let base_tree = self
            .repo()
            .find_commit(change.merge_base_id())
            .and_then(|commit| commit.tree_id())
            .map_err(git_error)?
            .detach();
        Ok(Unchanged {
            git_dir: self.repo().path().to_path_buf(),
            workdir: self.workdir().to_path_buf(),
            base_tree,
        })
    }
}

impl Unchanged {
    /// Whether the working-tree file at `path` (relative to the repository's working tree,
    /// `/`-separated) has exactly the content the merge base has there.
    pub fn contains(&self, path: &str) -> bool {
        OPENED.with_borrow_mut(|opened| {
            if opened.as_ref().is_none_or(|(dir, _)| *dir != self.git_dir) {
                *opened = gix::open(&self.git_dir)
                    .ok()
                    .map(|repo| (self.git_dir.clone(), repo));
            }
            opened
                .as_ref()
                .is_some_and(|(_, repo)| self.is_unchanged(repo, path))
        })
    }

    fn is_unchanged(&self, repo: &gix::Repository, path: &str) -> bool {
        let Some(entry) = repo
            .find_tree(self.base_tree)
            .ok()
            .and_then(|tree| tree.lookup_entry_by_path(path).ok().flatten())
        else {
            return false;
        };
        if !entry.mode().is_blob() {
            return false;
        }
        let base = entry.object_id();
        let file = self.workdir.join(path);
        let Ok(metadata) = std::fs::symlink_metadata(&file) else {
            return false;
        };
        // A different size is a different file; no need to read it.
        if !metadata.is_file()
            || repo
                .find_header(base)
                .map_or(true, |header| header.size() != metadata.len())
        {
            return false;
        }
        blob_id(repo.object_hash(), &file, metadata.len()).is_some_and(|id| id == base)
    }
}

/// The git blob id of the file at `path`, read in chunks (constant memory); `None` when it
/// cannot be read or its length is not `len`.
fn blob_id(kind: gix::hash::Kind, path: &std::path::Path, len: u64) -> Option<ObjectId> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = gix::hash::hasher(kind);
    hasher.update(&gix::objs::encode::loose_header(gix::objs::Kind::Blob, len));
    let mut chunk = vec![0_u8; 64 * 1024];
    let mut read_total = 0_u64;
    loop {
        let read = file.read(&mut chunk).ok()?;
        if read == 0 {
            break;
        }
        read_total += read as u64;
        if read_total > len {
            return None;
        }
        hasher.update(&chunk[..read]);
    }
    (read_total == len).then(|| hasher.try_finalize().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Classifier;
    use std::process::Command;

    fn git(dir: &std::path::Path, args: &[&str]) {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
    }

    #[test]
    fn only_files_identical_to_the_merge_base_are_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        for (name, text) in [
            ("kept.js", "a();\n"),
            ("edited.js", "b();\n"),
            ("committed.js", "c();\n"),
        ] {
            std::fs::write(root.join(name), text).unwrap();
        }
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "base"]);
        git(root, &["checkout", "-q", "-b", "feature"]);
        std::fs::write(root.join("committed.js"), "c(1);\n").unwrap();
        git(root, &["commit", "-q", "-am", "change"]);
        std::fs::write(root.join("edited.js"), "b(2);\n").unwrap();
        std::fs::write(root.join("new.js"), "d();\n").unwrap();

        let history = History::open(root, Classifier::builtin()).unwrap();
        let change = history.change("main").unwrap();
        let unchanged = history.unchanged(&change).unwrap();
        assert!(unchanged.contains("kept.js"));
        for path in ["edited.js", "committed.js", "new.js", "missing.js"] {
            assert!(!unchanged.contains(path), "{path}");
        }
        // Same size, other bytes.
        std::fs::write(root.join("kept.js"), "x();\n").unwrap();
        assert!(!unchanged.contains("kept.js"));
    }
}
