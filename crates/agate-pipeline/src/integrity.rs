//! The test-integrity analyzer's run: both versions of each file the change touches, from
//! git, handed to agate-integrity.

use agate_model::{Finding, Notice, NoticeLevel};
use agate_policy::Policy;
use agate_provenance::{Content, Revision};

use crate::change::{Known, root_prefix, to_root};
use crate::{Request, Source};

/// What the analyzer found.
#[derive(Debug, Default)]
pub(crate) struct IntegrityScan {
    pub(crate) findings: Vec<Finding>,
    pub(crate) notices: Vec<Notice>,
    /// The files compared, and the bytes of their versions now.
    pub(crate) files: u64,
    pub(crate) bytes: u64,
}

/// Compares the change's files at the base with now: with `--base` (or any base the change
/// was found from) the merge base against the working tree; with `--staged`, `HEAD`
/// against the index. Without a base (or a repository) there is nothing to compare: no
/// findings and no notice (the run already says there is no base).
pub(crate) fn scan(request: &Request, policy: &Policy, known: &Known) -> IntegrityScan {
    let Some(history) = &known.history else {
        return IntegrityScan::default();
    };
    let limit = request.walk.max_file_size;
    let revisions = match (&request.source, &known.change) {
        (Source::Staged, _) => history.staged_revisions(limit),
        (Source::WorkingTree, Some(change)) => history.revisions(change, limit),
        _ => return IntegrityScan::default(),
    };
    let revisions = match revisions {
        Ok(revisions) => revisions,
        Err(error) => {
            return IntegrityScan {
                notices: vec![Notice::error(format!(
                    "test integrity not checked: the change's files could not be read from git: {error}"
                ))],
                ..IntegrityScan::default()
            };
        }
    };
    let prefix = root_prefix(history, &request.root);
    let mut notices = Vec::new();
    let mut changes = Vec::new();
    for Revision {
        path,
        before,
        after,
    } in revisions
    {
        let Some(relative) = to_root(&prefix, &path) else {
            continue;
        };
        let mut text = |content: Content| match content {
            Content::Missing => Some(None),
            Content::Data(data) if agate_lang::is_binary(&data) => None,
            Content::Data(data) => Some(Some(String::from_utf8_lossy(&data).into_owned())),
            Content::TooLarge(size) => {
                notices.push(Notice {
                    level: NoticeLevel::Warning,
                    path: Some(relative.to_owned()),
                    message: format!(
                        "not compared for test integrity: {size} bytes, over the --max-file-size of {limit}"
                    ),
                });
                None
            }
        };
        let (Some(before), Some(after)) = (text(before), text(after)) else {
            continue;
        };
        changes.push(agate_integrity::FileChange {
            path: relative.to_owned(),
            before,
            after,
        });
    }
    let tests = policy.tests();
    let findings = agate_integrity::analyze(&changes, &|path| tests.is_test(path));
    let bytes = changes
        .iter()
        .filter_map(|change| change.after.as_ref())
        .map(|text| text.len() as u64)
        .sum();
    IntegrityScan {
        findings,
        notices,
        files: changes.len() as u64,
        bytes,
    }
}
