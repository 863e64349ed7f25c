//! The shards' reports, joined into what the analyzers of one unsharded run would have
//! found: their findings as the analyzers made them, their notices and counts, and the
//! files whose `agate:` comments the policy reads.

use std::collections::BTreeSet;
use std::path::Path;

use agate_model::{Analyzer, Finding, FindingStatus, Report, RuleDescriptor, ScanStats};
use agate_rules::ScanOutput;

use crate::{PipelineError, Request, Result};

/// Checks that `shards` (each named by where it came from) are every shard of one split,
/// once each, and joins them; the descriptors of their rules come along.
pub(crate) fn join(
    request: &Request,
    shards: Vec<(String, Report)>,
    head: Option<&str>,
) -> Result<(ScanOutput, Vec<RuleDescriptor>)> {
    complete(&shards)?;
    same_commit(&shards, head)?;
    let mut found = ScanOutput::default();
    let mut descriptors = Vec::new();
    let mut named = BTreeSet::new();
    for (_, shard) in shards {
        add_stats(&mut found.stats, &shard.stats);
        descriptors.extend(shard.rules);
        // The merge counts the joined findings of an analyzer no gate judges itself; the
        // run-wide notices every shard made are shown once (`finish`).
        found.notices.extend(
            shard
                .notices
                .into_iter()
                .filter(|notice| !crate::is_ungated(notice)),
        );
        for finding in shard.findings {
            named.insert(finding.location.path.to_string());
            // The policy's own findings (suppression problems, sign-off, Rego denials) are
            // made again when the joined findings are decided.
            if !matches!(finding.analyzer, Analyzer::Policy | Analyzer::Rego) {
                found.findings.push(undecided(finding));
            }
        }
    }
    found
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Every file with a suppression or an AI marker that matters is named by a finding: one
    // the comment is about, or the shard's own finding about the comment (unused, expired).
    found.annotated = annotated(&request.root, &named, request.walk.max_file_size);
    Ok((found, descriptors))
}

/// A digest of what a shard's per-file work covers: every shard of a split must cover the
/// same, or the files a narrower shard (`--only sast`, a sub-folder, another configuration)
/// left out would pass unchecked.
pub(crate) fn scope(request: &Request) -> u32 {
    let only: BTreeSet<_> = request.only.iter().collect();
    let walk = &request.walk;
    let described = format!(
        "{only:?}|{:?}|{:?}|{:?}|{}|{:?}|{}|{}|{}",
        request.paths,
        request.source,
        request.rules.dirs,
        request.rules.bundled,
        request.config,
        walk.respect_ignore_files,
        walk.include_vendored,
        walk.max_file_size,
    );
    crc32fast::hash(described.as_bytes())
}

/// Every shard scanned the commit the merge's checkout is at: a report of another commit
/// says nothing about this one's files. (A shard outside a repository names no commit.)
fn same_commit(shards: &[(String, Report)], head: Option<&str>) -> Result<()> {
    for (name, report) in shards {
        let Some(scanned) = report.stats.shard_commit.as_deref() else {
            continue;
        };
        if head != Some(scanned) {
            let here = head.map_or_else(
                || "this folder is not a git checkout".to_owned(),
                |head| format!("this checkout is at `{}`", short(head)),
            );
            return Err(PipelineError::Invalid(format!(
                "`{name}` scanned commit `{}`, but {here}: its findings are not this commit's\n  help: run the merge in a checkout of the commit the shards scanned, and every shard on that commit",
                short(scanned)
            )));
        }
    }
    Ok(())
}

/// A commit id as people read it: its first 12 characters.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// Missing shards named in an error, at most.
const MISSING_SHOWN: usize = 10;

/// Every shard `1..=N` of one split, each once. The reports are read from files another
/// job wrote: their shard numbers are checked, never trusted to index or size anything.
fn complete(shards: &[(String, Report)]) -> Result<()> {
    let Some((first_name, first)) = shards.first() else {
        return Err(PipelineError::Invalid(
            "no shard reports to merge\n  help: pass the JSON report of every shard (`agate scan --shard K/N --format json -o shard-K.json`)".to_owned(),
        ));
    };
    let count = match first.stats.shard {
        Some(shard) => shard.count,
        None => return Err(not_a_shard(first_name)),
    };
    let mut seen = BTreeSet::new();
    for (name, report) in shards {
        let Some(shard) = report.stats.shard else {
            return Err(not_a_shard(name));
        };
        if !shard.is_valid() {
            return Err(PipelineError::Invalid(format!(
                "`{name}` names shard {shard}, which does not exist (K/N needs 1 <= K <= N)\n  help: write each shard's report with `agate scan --shard K/N --format json`"
            )));
        }
        if shard.count != count {
            return Err(PipelineError::Invalid(format!(
                "`{name}` is shard {shard} but `{first_name}` is of a split into {count}\n  help: merge the reports of one split"
            )));
        }
        if report.stats.shard_scope != first.stats.shard_scope
            || report.tool.version != first.tool.version
        {
            return Err(PipelineError::Invalid(format!(
                "`{name}` and `{first_name}` scanned differently (agate {} and {}), so files one shard left out would go unchecked\n  help: run every shard with the same agate and the same --only, paths, --config, --rules, --no-bundled-rules, --no-ignore, --include-vendored and --max-file-size",
                report.tool.version, first.tool.version
            )));
        }
        if !seen.insert(shard.index) {
            return Err(PipelineError::Invalid(format!(
                "shard {shard} is given twice (again in `{name}`)\n  help: pass each shard's report once"
            )));
        }
    }
    // Each index was checked to lie in `1..=count` and to be new.
    let absent = u64::from(count) - seen.len() as u64;
    if absent == 0 {
        return Ok(());
    }
    let mut missing: Vec<String> = (1..=count)
        .filter(|index| !seen.contains(index))
        .take(MISSING_SHOWN)
        .map(|index| format!("{index}/{count}"))
        .collect();
    if absent > MISSING_SHOWN as u64 {
        missing.push(format!("and {} more", absent - MISSING_SHOWN as u64));
    }
    // A shard not merged is files nobody checked: never a verdict without them.
    Err(PipelineError::Invalid(format!(
        "shard {} missing: the merge needs the report of every shard, or its files go unchecked\n  help: pass every shard's JSON report (`agate scan --shard K/N --format json -o shard-K.json`)",
        missing.join(", ")
    )))
}

fn not_a_shard(name: &str) -> PipelineError {
    PipelineError::Invalid(format!(
        "`{name}` is not a shard's report (it has no `stats.shard`)\n  help: write each shard's report with `agate scan --shard K/N --format json`"
    ))
}

/// Files, bytes and skipped files add up; rules and time are the largest shard's (the
/// shards ran side by side).
fn add_stats(total: &mut ScanStats, shard: &ScanStats) {
    total.files += shard.files;
    total.bytes += shard.bytes;
    total.skipped_minified += shard.skipped_minified;
    total.rules = total.rules.max(shard.rules);
    total.duration_ms = total.duration_ms.max(shard.duration_ms);
}

/// The finding as its analyzer made it, before the policy placed and judged it.
fn undecided(mut finding: Finding) -> Finding {
    if finding.analyzer != Analyzer::External {
        finding.gate = None;
    }
    finding.tier = None;
    finding.ai_evidence = None;
    finding.status = FindingStatus::Open;
    finding.justification = None;
    finding.blocking = false;
    finding
}

/// `annotated` and the covered files' `agate:` comments: their AI markers count on their
/// lines, findings or not (a merge has read only the files its shards' findings name).
pub(crate) fn with_covered(
    request: &Request,
    mut annotated: Vec<(String, String)>,
    covered: &[String],
) -> Vec<(String, String)> {
    let read: BTreeSet<&String> = annotated.iter().map(|(path, _)| path).collect();
    let unread: BTreeSet<String> = covered
        .iter()
        .filter(|path| !read.contains(path))
        .cloned()
        .collect();
    annotated.extend(self::annotated(
        &request.root,
        &unread,
        request.walk.max_file_size,
    ));
    annotated
}

/// `(path, text)` of the named files under `root` that hold `agate:` comments; a file that
/// cannot be read (gone, too large, outside the root) has none to offer.
pub(crate) fn annotated(
    root: &Path,
    named: &BTreeSet<String>,
    limit: u64,
) -> Vec<(String, String)> {
    named
        .iter()
        .filter(|path| !path.is_empty())
        .filter_map(|path| {
            let file = agate_fs::resolve_under(root, Path::new(path)).ok()?;
            let text = agate_fs::read_to_string_bounded(&file, limit).ok()?;
            text.contains(agate_model::ANNOTATION_MARKER)
                .then(|| (path.clone(), text))
        })
        .collect()
}
