//! The repository and the change under review, found before the analyzers run: which
//! files the change holds (scanned whatever they look like), and its base revision.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use agate_lang::ChangeScope;
use agate_model::{Notice, NoticeLevel};
use agate_policy::{Policy, TierMap, Unscannable};

use crate::{PipelineError, Request, Result};

/// What the analyzers know of the change before they run.
pub(crate) struct InChange {
    /// Which files belong to the change.
    pub(crate) scope: ChangeScope,
    /// The files the change's commits added or modified, relative to the scan root, when
    /// there is a change: listed wherever they are, never skipped silently.
    pub(crate) files: Option<Arc<BTreeSet<String>>>,
}

/// The repository (when the root is in one) and the change since the base (when there is
/// one), found once before the analyzers run.
pub(crate) struct Known {
    pub(crate) history: Option<agate_provenance::History>,
    pub(crate) change: Option<agate_provenance::Change>,
}

/// The repository and the change since the base, found before the analyzers run: the
/// change's files are scanned whatever they look like and wherever they are, and a file of
/// it that cannot be scanned fails its gate closed.
pub(crate) fn known_change(request: &Request, policy: &Policy) -> Result<(Known, InChange)> {
    let root = request.root.as_path();
    let opened = agate_provenance::History::open(root, classifier(policy)?);
    let change = find_change(
        root,
        requested_base(request, policy)?.as_ref(),
        opened.as_ref(),
    )?;
    let history = opened.ok();
    let scope = change_scope(root, policy, history.as_ref(), change.as_ref());
    let files = history
        .as_ref()
        .zip(change.as_ref())
        .map(|(history, change)| {
            let prefix = root_prefix(history, root);
            Arc::new(
                change
                    .paths()
                    .iter()
                    .filter_map(|path| to_root(&prefix, path))
                    .map(str::to_owned)
                    .collect(),
            )
        });
    Ok((Known { history, change }, InChange { scope, files }))
}

/// Which files belong to the change under review: with a base, every file that is not
/// exactly as it was at the merge base, and every file `ai_paths` names; without a base (or
/// a repository), every file.
fn change_scope(
    root: &Path,
    policy: &Policy,
    history: Option<&agate_provenance::History>,
    change: Option<&agate_provenance::Change>,
) -> ChangeScope {
    let (Some(history), Some(change)) = (history, change) else {
        return ChangeScope::default();
    };
    let Ok(unchanged) = history.unchanged(change) else {
        return ChangeScope::default();
    };
    let prefix = root_prefix(history, root);
    let ai = TierMap::new(policy.ai_paths());
    ChangeScope::outside(move |relative| {
        let in_repository = if prefix.is_empty() {
            relative.to_owned()
        } else {
            format!("{prefix}/{relative}")
        };
        ai.ai_files(std::iter::once(relative)).is_empty() && unchanged.contains(&in_repository)
    })
}

/// Sets the level of the analyzers' `error` notices about files they could not scan: a
/// file of the change stays an error (the gate fails closed) unless the policy says
/// `unscannable: warn`; a file outside the change is a warning. Paths that do not exist
/// (a mistyped argument) are left as they are.
pub(crate) fn judge_unscannable(
    root: &Path,
    notices: &mut [Notice],
    scope: &ChangeScope,
    unscannable: Unscannable,
) {
    for notice in notices
        .iter_mut()
        .filter(|notice| notice.level == NoticeLevel::Error)
    {
        let Some(path) = &notice.path else { continue };
        if std::fs::symlink_metadata(root.join(path)).is_err() {
            continue;
        }
        if !scope.contains(path) {
            notice.level = NoticeLevel::Warning;
            notice
                .message
                .push_str(" (outside the change: unchanged since the base revision)");
        } else if unscannable == Unscannable::Warn {
            notice.level = NoticeLevel::Warning;
            notice
                .message
                .push_str(" (part of the change; a warning by `unscannable: warn`)");
        } else {
            notice.message.push_str(
                " (part of the change, so its gate fails closed; `unscannable: warn` in agate.yaml makes it a warning)",
            );
        }
    }
}

/// The base asked for: `--base`, else the CI's target branch, else `provenance.base` (the
/// remote's default branch is looked up later, in the repository).
fn requested_base(request: &Request, policy: &Policy) -> Result<Option<(String, BaseSource)>> {
    let requested = match (&request.base, &request.ci.target, policy.base()) {
        (Some(base), _, _) => Some((base.clone(), BaseSource::Flag)),
        (None, Some(target), _) => Some((
            target.revision.clone(),
            BaseSource::Ci(target.variable.clone()),
        )),
        (None, None, Some(base)) => Some((base.to_owned(), BaseSource::Policy)),
        (None, None, None) => None,
    };
    if let Some((base, _)) = &requested
        && base.starts_with('-')
    {
        return Err(PipelineError::Invalid(format!(
            "`--base {base}` is not a revision"
        )));
    }
    Ok(requested)
}

/// Where the base revision comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BaseSource {
    /// `--base`: an error when it cannot be used.
    Flag,
    /// The CI's target branch, from this variable.
    Ci(String),
    /// `provenance.base` in agate.yaml.
    Policy,
}

/// The scan root relative to the repository's working tree (`""` when they are the same).
pub(crate) fn root_prefix(history: &agate_provenance::History, root: &Path) -> String {
    fs_err::canonicalize(root)
        .ok()
        .and_then(|root| {
            root.strip_prefix(history.workdir())
                .ok()
                .map(|prefix| prefix.to_string_lossy().replace('\\', "/"))
        })
        .unwrap_or_default()
}

/// The root's `.agate/cache` folder, relative to the root, when `HEAD` tracks anything in
/// it: a cache someone committed. Blame results and LLM answers read from it would be
/// theirs, not agate's — a committed answer could stand in for a review — so none is read.
pub(crate) fn committed_cache(
    root: &Path,
    history: Option<&agate_provenance::History>,
) -> Option<String> {
    let history = history?;
    let prefix = root_prefix(history, root);
    let in_repository = if prefix.is_empty() {
        CACHE_DIR.to_owned()
    } else {
        format!("{prefix}/{CACHE_DIR}")
    };
    history
        .tracks(&in_repository)
        .unwrap_or(false)
        .then(|| CACHE_DIR.to_owned())
}

/// Where agate keeps what it learned between runs, relative to the root.
pub(crate) const CACHE_DIR: &str = ".agate/cache";

/// A repository-relative path relative to the scan root; `None` when it lies outside.
pub(crate) fn to_root<'a>(prefix: &str, path: &'a str) -> Option<&'a str> {
    if prefix.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('/'))
    }
}

/// The change since the base: the requested one, else the remote's default branch. `None`
/// when there is no base (or no history); a `--base` without history is an error that says
/// why there is none (no repository, no commit yet).
fn find_change(
    root: &Path,
    requested: Option<&(String, BaseSource)>,
    history: Result<&agate_provenance::History, &agate_provenance::HistoryError>,
) -> Result<Option<agate_provenance::Change>> {
    let base = match (requested, history) {
        (Some((base, _)), _) => Some(base.clone()),
        (None, Ok(history)) => history.default_base(),
        (None, Err(_)) => None,
    };
    match (history, base) {
        (Ok(history), Some(base)) => history.change(&base).map(Some).map_err(|error| {
            let from = match requested {
                Some((_, BaseSource::Ci(variable))) => format!("`{variable}`"),
                Some((_, BaseSource::Policy)) => "`provenance.base`".to_owned(),
                Some((_, BaseSource::Flag)) => "`--base`".to_owned(),
                None => "the remote's default branch".to_owned(),
            };
            PipelineError::Invalid(base_error(&error, &from))
        }),
        (Err(error), Some(base)) if matches!(requested, Some((_, BaseSource::Flag))) => {
            let message = match error {
                agate_provenance::HistoryError::NotARepository(_) => format!(
                    "`--base {base}` needs a git repository, and `{}` is not in one\n  help: run agate inside a git checkout, or leave out --base (every line then counts as new)",
                    root.display()
                ),
                agate_provenance::HistoryError::NoCommits(_) => format!(
                    "`--base {base}` needs git history: {error}\n  help: commit the files first, or leave out --base (every line then counts as new)"
                ),
                _ => format!("`--base {base}` needs git history: {error}"),
            };
            Err(PipelineError::Invalid(message))
        }
        _ => Ok(None),
    }
}

/// The message for a base revision that cannot be used, `from` naming what implied it
/// (`` `CI_MERGE_REQUEST_TARGET_BRANCH_NAME` ``, `` `--base` ``): a missing remote branch
/// gets the command that fetches it; other revisions keep agate-provenance's advice.
fn base_error(error: &agate_provenance::HistoryError, from: &str) -> String {
    let agate_provenance::HistoryError::BaseNotFound { base, shallow } = error else {
        return error.to_string();
    };
    let Some(branch) = base
        .strip_prefix("origin/")
        .filter(|branch| !branch.is_empty())
    else {
        return format!("{error} (the base revision comes from {from})");
    };
    let (depth, deepen) = if *shallow {
        (
            " --depth=50",
            " (this is a shallow clone: if agate then cannot find the merge base, fetch the whole history with `git fetch --unshallow`)",
        )
    } else {
        ("", "")
    };
    format!(
        "the base revision `{base}` (from {from}) is not in this checkout: CI systems often fetch only the change under test\n  help: fetch it before agate runs: `git fetch --no-tags{depth} origin {}`{deepen}",
        shell_word(&format!(
            "+refs/heads/{branch}:refs/remotes/origin/{branch}"
        ))
    )
}

/// `word`, quoted for a POSIX shell when it needs to be.
fn shell_word(word: &str) -> String {
    if word
        .chars()
        .all(|character| character.is_ascii_alphanumeric() || "+-_./:@".contains(character))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The built-in AI identities plus `provenance.ai_identities` from the policy.
pub fn classifier(policy: &Policy) -> Result<agate_provenance::Classifier> {
    let mut classifier = agate_provenance::Classifier::builtin();
    for (tool, pattern) in policy.ai_identities() {
        classifier = classifier.with_identity(tool, pattern).map_err(|error| {
            PipelineError::Invalid(format!("provenance.ai_identities `{tool}`: {error}"))
        })?;
    }
    Ok(classifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_8_a_missing_base_says_which_variable_and_how_to_fetch_it() {
        use agate_provenance::HistoryError;
        let missing = |base: &str, shallow: bool| HistoryError::BaseNotFound {
            base: base.to_owned(),
            shallow,
        };
        let message = base_error(
            &missing("origin/main", false),
            "`CI_MERGE_REQUEST_TARGET_BRANCH_NAME`",
        );
        assert!(message.contains("(from `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`)"));
        assert!(
            message
                .contains("`git fetch --no-tags origin +refs/heads/main:refs/remotes/origin/main`")
        );
        let message = base_error(&missing("origin/a;b", true), "`--base`");
        assert!(
            message.contains(
                "`git fetch --no-tags --depth=50 origin '+refs/heads/a;b:refs/remotes/origin/a;b'`"
            ),
            "{message}"
        );
        assert!(message.contains("git fetch --unshallow"));
        let message = base_error(&missing("HEAD~1", true), "`--base`");
        assert!(
            message.contains("fetch-depth: 0") && message.contains("comes from `--base`"),
            "{message}"
        );
    }
}
