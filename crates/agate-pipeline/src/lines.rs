//! Line provenance: which lines are AI-authored and which the change introduced (the
//! tiers), the suppression comments, and the sign-off check.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use agate_model::{AiEvidence, Notice, NoticeLevel};
use agate_policy::{Policy, TierMap};

use crate::change::{Known, root_prefix, to_root};
use crate::{PipelineError, Result};

/// Builds the tier map and collects the suppression comments of the annotated files.
///
/// AI lines: an AI change (`--ai-change`, CI labels), inline markers, `ai_paths`, the
/// manifest, and — for the files with findings — the lines that AI-assisted commits, git-ai
/// notes or Agent Trace records attribute. New lines: those the change since the base
/// introduced, committed or not; with no base every line is new. With a base, history is
/// only read back to the merge base, and lines older than it are legacy.
pub(crate) fn provenance(
    root: &Path,
    policy: &Policy,
    known: Known,
    run: RunKind,
    annotated: &[(String, String)],
    flagged: &BTreeSet<&str>,
) -> Result<LineProvenance> {
    let RunKind {
        ai_change,
        gating,
        whole,
        ..
    } = run;
    let mut notices = Vec::new();
    let Known {
        mut history,
        change,
    } = known;
    if change.is_none() && gating {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: "no base revision to compare with (no --base, CI target branch, provenance.base or origin/main): every line counts as new".to_owned(),
        });
    }

    let mut ai_paths = policy.ai_paths().to_vec();
    if ai_change && change.is_none() {
        // An AI change with no base to diff against: every line is the change.
        ai_paths.push("**".to_owned());
    }
    let mut tiers = TierMap::new(&ai_paths);
    let mut suppressions = HashMap::new();
    for (path, text) in annotated {
        tiers.mark_ai(
            path,
            &agate_policy::ai_lines(text),
            &AiEvidence::from_source("inline marker"),
        );
        let parsed = agate_policy::parse_suppressions(text);
        if !parsed.is_empty() {
            suppressions.insert(path.clone(), parsed);
        }
    }
    let manifest = agate_provenance::Manifest::load(&root.join(agate_provenance::MANIFEST_PATH))
        .map_err(PipelineError::invalid)?;
    for path in flagged {
        if manifest.entries.iter().any(|entry| entry.path == *path)
            && let Ok(file) = agate_fs::resolve_under(root, Path::new(path))
            && let Ok(text) =
                agate_fs::read_to_string_bounded(&file, agate_provenance::MAX_SOURCE_BYTES)
        {
            for (start, end, entry) in manifest.ai_ranges(path, &text) {
                let evidence = AiEvidence {
                    tool: entry.tool.clone(),
                    model: entry.model.clone(),
                    ..AiEvidence::from_source("provenance manifest")
                };
                tiers.mark_ai(path, &[(start, end)], &evidence);
            }
        }
    }
    // Commits are the whole repository's: a shard leaves them to the merge.
    let findings = if whole {
        accountability(
            policy,
            history.as_mut(),
            change.as_ref(),
            root,
            &mut notices,
        )?
    } else {
        Vec::new()
    };
    match (&history, &change) {
        (Some(history), change) => {
            let changed = from_history(
                history,
                root,
                change.as_ref(),
                run,
                flagged,
                &mut tiers,
                &mut notices,
            );
            match changed {
                Some(changed) => tiers.set_changed(changed),
                None => tiers.set_all_new(),
            }
        }
        (None, _) => tiers.set_all_new(),
    }
    Ok(LineProvenance {
        tiers,
        suppressions,
        notices,
        findings,
    })
}

/// With `provenance.require_signoff`, a finding for each AI-assisted commit of the change
/// that no human (or no approver) signed off; without a change to check, an error notice.
fn accountability(
    policy: &Policy,
    history: Option<&mut agate_provenance::History>,
    change: Option<&agate_provenance::Change>,
    root: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Vec<agate_model::Finding>> {
    if !policy.require_signoff() {
        return Ok(Vec::new());
    }
    let (Some(history), Some(change)) = (history, change) else {
        notices.push(Notice {
            level: NoticeLevel::Error,
            path: None,
            message: "provenance.require_signoff needs the change's commits: run in a git repository with a base revision (--base)".to_owned(),
        });
        return Ok(Vec::new());
    };
    let anyone = policy.approvers().is_empty();
    let unsigned = history
        .unsigned_ai_commits(change, |email| policy.approves(email))
        .map_err(PipelineError::invalid)?;
    let prefix = root_prefix(history, root);
    Ok(unsigned
        .into_iter()
        .map(|commit| {
            let path = commit
                .path
                .as_deref()
                .map(|path| to_root(&prefix, path).unwrap_or(path).to_owned())
                .unwrap_or_default();
            let why = commit.evidence.first().map_or_else(String::new, |evidence| {
                format!(" ({})", evidence.tool)
            });
            let who = if anyone {
                "a person".to_owned()
            } else {
                format!("an approver ({})", policy.approvers().join(", "))
            };
            let message = format!(
                "commit {} \"{}\" is AI-assisted{why} but no `Signed-off-by:` trailer of {who} vouches for it",
                &commit.commit[..12],
                commit.summary
            );
            agate_policy::signoff_finding(&path, &commit.commit, message)
        })
        .collect())
}

/// Marks the AI lines git history knows of in the files with findings, and returns the
/// lines the change introduced by path (`None` without a change: every line is new). The
/// files are blamed in parallel, each thread with its own handle on the repository.
fn from_history(
    history: &agate_provenance::History,
    root: &Path,
    change: Option<&agate_provenance::Change>,
    run: RunKind,
    flagged: &BTreeSet<&str>,
    tiers: &mut TierMap,
    notices: &mut Vec<Notice>,
) -> Option<ChangedLines> {
    let RunKind {
        ai_change, gating, ..
    } = run;
    if let Some(why) = history.unreadable_traces() {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: Some(agate_provenance::TRACE_FILE.to_owned()),
            message: format!("not read, so no Agent Trace record counts: {why}"),
        });
    }
    if history.skipped_traces() > 0 {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: Some(agate_provenance::TRACE_FILE.to_owned()),
            message: format!(
                "{} lines are not Agent Trace records and were skipped",
                history.skipped_traces()
            ),
        });
    }
    // Paths in history are relative to the repository; findings' to the scan root.
    let prefix = root_prefix(history, root);
    let mut changed = ChangedLines::new();
    for path in change.iter().flat_map(|change| change.paths()) {
        if let Some(relative) = to_root(&prefix, path) {
            changed.insert(relative.to_owned(), Vec::new());
        }
    }
    let Blamed {
        files: attributed,
        failures,
    } = blame_files(root, history.classifier(), change, flagged, run.cached);
    if let Some(panic) = failures.first() {
        // Lines not attributed would count as human: in a gate that is a verdict on
        // unknown provenance, so the gate fails closed.
        notices.push(Notice {
            level: if gating {
                NoticeLevel::Error
            } else {
                NoticeLevel::Warning
            },
            path: None,
            message: format!(
                "AI attribution from git history failed ({} of its workers stopped; a bug, please report it): {panic}",
                failures.len()
            ),
        });
    }
    let done = attributed.len();
    if done < flagged.len() {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: format!(
                "AI attribution from git history covers {done} of {} files with findings: blame stopped after {} s (the rest count as not AI-authored unless marked); pass --base to read history only back to the change's merge base",
                flagged.len(),
                BLAME_BUDGET.as_secs()
            ),
        });
    }
    let span = |range: &agate_provenance::Attribution| (range.start, range.end);
    for (path, ranges) in attributed {
        if change.is_some() && !ranges.is_empty() {
            changed.insert(path.to_owned(), ranges.iter().map(span).collect());
        }
        if is_generated(root, path) {
            // An agent that ran a code generator did not write the generator's output.
            continue;
        }
        for range in &ranges {
            let evidence = match range.evidence.first() {
                Some(evidence) => AiEvidence {
                    source: evidence.source.to_string(),
                    tool: Some(evidence.tool.clone()),
                    model: evidence.model.clone(),
                    commit: range.commit.clone(),
                },
                None if ai_change => AiEvidence::from_source(AI_CHANGE),
                None => continue,
            };
            tiers.mark_ai(path, &[span(range)], &evidence);
        }
    }
    change.map(|_| changed)
}

/// Whether the file starts with an `@generated` header (read from its first 4 KiB). Paths
/// come from findings, which external tools may name: only a regular file under the root is
/// read, so a FIFO cannot block the run and a link cannot lead outside.
fn is_generated(root: &Path, path: &str) -> bool {
    use std::io::Read as _;
    let Ok(file) = agate_fs::resolve_under(root, Path::new(path)) else {
        return false;
    };
    if !std::fs::metadata(&file).is_ok_and(|metadata| metadata.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    std::fs::File::open(&file)
        .and_then(|file| file.take(4096).read_to_end(&mut head))
        .is_ok_and(|_| agate_policy::is_generated(&String::from_utf8_lossy(&head)))
}

/// The evidence of lines that are AI-authored because the whole change is.
const AI_CHANGE: &str = "AI change (--ai-change, AGATE_AI_CHANGE or a pull/merge request label)";

/// Lines changed since the base, by path (1-based, inclusive ranges).
type ChangedLines = HashMap<String, Vec<(u32, u32)>>;

/// Blames `files` on all cores until [`BLAME_BUDGET`] runs out: with a change, the lines it
/// introduced; without, the AI lines of all history. Files not reached are left out; a
/// file whose history cannot be read has no lines.
fn blame_files<'a>(
    root: &Path,
    classifier: &agate_provenance::Classifier,
    change: Option<&agate_provenance::Change>,
    files: &BTreeSet<&'a str>,
    cached: bool,
) -> Blamed<'a> {
    let deadline = std::time::Instant::now() + BLAME_BUDGET;
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(files.len())
        .max(1);
    let mut shares: Vec<Vec<&str>> = vec![Vec::new(); threads];
    for (index, path) in files.iter().enumerate() {
        shares[index % threads].push(path);
    }
    let jobs: Vec<_> = shares
        .into_iter()
        .map(|share| {
            let classifier = classifier.clone();
            move || {
                let Ok(history) = agate_provenance::History::open(root, classifier) else {
                    return Vec::new();
                };
                let mut history = if cached {
                    history.with_cache(root.join(BLAME_CACHE))
                } else {
                    history
                };
                let mut out = Vec::new();
                for path in share {
                    if std::time::Instant::now() > deadline {
                        break;
                    }
                    let file = root.join(path);
                    let ranges = match change {
                        Some(change) => history.changed_lines(&file, change),
                        None => history.ai_ranges(&file),
                    };
                    out.push((path, ranges.unwrap_or_default()));
                }
                out
            }
        })
        .collect();
    let mut blamed = Blamed::default();
    for result in crate::parallel::run_all(jobs) {
        match result {
            Ok(files) => blamed.files.extend(files),
            Err(panic) => blamed.failures.push(panic),
        }
    }
    blamed
}

/// The files [`blame_files`] blamed, and the panic message of each worker that failed.
#[derive(Default)]
struct Blamed<'a> {
    files: Vec<(&'a str, Vec<agate_provenance::Attribution>)>,
    failures: Vec<String>,
}

/// What [`provenance`] found: tiers of lines, suppression comments, and notices (no base,
/// git history not read in full, unreadable Agent Trace records).
pub(crate) struct LineProvenance {
    pub(crate) tiers: TierMap,
    pub(crate) suppressions: HashMap<String, Vec<agate_policy::Suppression>>,
    pub(crate) notices: Vec<Notice>,
    /// AI-assisted commits without a sign-off, when the policy requires one.
    pub(crate) findings: Vec<agate_model::Finding>,
}

/// What kind of run asks for line provenance.
#[derive(Debug, Clone, Copy)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts about the run"
)]
pub(crate) struct RunKind {
    /// The whole change is AI-authored.
    pub(crate) ai_change: bool,
    /// The run decides a verdict: what cannot be attributed fails closed.
    pub(crate) gating: bool,
    /// The run covers the whole repository, not one shard: the sign-off check, which is
    /// about commits, not files, runs.
    pub(crate) whole: bool,
    /// Blame results may be read from and written to `.agate/cache/blame`: false when the
    /// repository commits files under `.agate/cache/` (see `change::committed_cache`).
    pub(crate) cached: bool,
}

/// How long `gate` spends blaming files with findings before going on without the rest.
const BLAME_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Where blame results are cached, keyed by blob id, relative to the root.
pub const BLAME_CACHE: &str = ".agate/cache/blame";
