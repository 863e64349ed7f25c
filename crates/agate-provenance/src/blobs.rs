//! File contents from git rather than the working tree, for analyzers that scan what is
//! staged or what history holds: each blob once, with the commit that introduced it.

use std::collections::HashSet;

use gix::ObjectId;
use gix::bstr::ByteSlice as _;

use crate::history::{History, HistoryError};

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
