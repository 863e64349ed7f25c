//! `agate fix`: the fixes of the rules `agate scan` runs, shown as a diff or, with
//! `--apply`, written.
//!
//! The findings come from the same pipeline as `agate scan` (bundled rules, `--rules`
//! folders and the policy's), so suppressions hold: a suppressed finding is not fixed. Two
//! fixes that change the same code refuse the whole run; a file changed since the scan, or
//! whose fixes would break its syntax, is refused on its own.

use std::io::Write as _;

use agate_model::{Analyzer, Finding, FindingStatus, NoticeLevel, Report};
use agate_pipeline::{Outcome, Purpose, WalkLimits};
use agate_rules::FixedFile;

use crate::args::{ContextArgs, FixArgs};
use crate::commands::scan::{evaluate, judged_in};
use crate::exit::{ExitStatus, Failure};
use crate::output;

pub(crate) fn run(args: &FixArgs) -> anyhow::Result<ExitStatus> {
    // What a finding's tier or baseline status is does not change its fix.
    let context = ContextArgs {
        root: args.root.clone(),
        rule_dirs: args.rule_dirs.clone(),
        config: args.config.clone(),
        base: None,
        ai_paths: Vec::new(),
        baseline: None,
        offline: args.offline,
        ai_change: false,
    };
    let mut request = judged_in(&context, Purpose::Scan, None)?;
    request.paths.clone_from(&args.paths);
    // Only the structural rules carry fixes.
    request.only = vec![Analyzer::Sast, Analyzer::AiPatterns];
    request.rules.bundled = !args.no_bundled_rules;
    request.walk = WalkLimits {
        respect_ignore_files: !args.no_ignore,
        include_vendored: args.include_vendored,
        max_file_size: args.max_file_size,
        threads: args.threads,
    };
    let root = request.root.clone();
    let Outcome { report, .. } = evaluate(&request)?;
    let plans = agate_rules::plan_fixes(selected(&report, args))
        .map_err(|error| Failure::usage(error.to_string()))?;
    let mut prepared = Vec::new();
    let mut refused = 0;
    for plan in &plans {
        match plan.prepare(&root, args.max_file_size) {
            Ok(fixed) => prepared.push((fixed, plan.len())),
            Err(error) => {
                refused += 1;
                output::error(&error.to_string());
            }
        }
    }
    let found: usize = prepared.iter().map(|(_, count)| count).sum();
    if args.apply {
        refused += apply(&prepared);
    } else {
        show(&prepared)?;
        if found > 0 {
            output::note(&format!(
                "agate: {}; run `agate fix --apply` to write them",
                counted(found, prepared.len())
            ));
        } else if refused == 0 {
            output::note("agate: nothing to fix");
        }
    }
    Ok(if refused > 0 {
        ExitStatus::Usage
    } else if found > 0 && !args.apply {
        ExitStatus::Blocked
    } else {
        ExitStatus::Pass
    })
}

/// The findings whose fixes this run applies: those with a fix, of the `--rule`s when
/// given, not suppressed. Says what it leaves out, and which files were not scanned.
fn selected<'r>(report: &'r Report, args: &FixArgs) -> Vec<&'r Finding> {
    for notice in &report.notices {
        if notice.level == NoticeLevel::Error {
            let place = notice
                .path
                .as_deref()
                .map(|path| format!("{path}: "))
                .unwrap_or_default();
            output::note(&format!("warning: {place}{}", notice.message));
        }
    }
    let fixable: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|finding| finding.fix.is_some())
        .filter(|finding| {
            args.rule.is_empty() || args.rule.iter().any(|id| *id == *finding.rule_id)
        })
        .collect();
    for id in &args.rule {
        if !fixable.iter().any(|finding| *finding.rule_id == **id) {
            output::note(&format!("agate: no finding of rule `{id}` has a fix here"));
        }
    }
    // A suppression or a triage decision says the code stays as it is.
    let (excused, open): (Vec<&Finding>, Vec<&Finding>) =
        fixable.into_iter().partition(|finding| {
            matches!(
                finding.status,
                FindingStatus::Suppressed | FindingStatus::Triaged
            )
        });
    for (status, word) in [
        (FindingStatus::Suppressed, "suppressed"),
        (FindingStatus::Triaged, "triaged"),
    ] {
        let count = excused
            .iter()
            .filter(|finding| finding.status == status)
            .count();
        if count > 0 {
            output::note(&format!(
                "agate: {count} {word} finding{} not fixed",
                plural(count)
            ));
        }
    }
    open
}

/// Prints each file's diff on standard output: what a secret rule would flag is redacted,
/// control characters are spelled out (a Windows line end is shown as a line end).
fn show(prepared: &[(FixedFile, usize)]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (fixed, _) in prepared {
        let diff = fixed.diff().replace("\r\n", "\n");
        let shown = output::redact(&diff);
        out.write_all(agate_report::escape_lines(&shown).as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// Writes each file; returns how many were refused.
fn apply(prepared: &[(FixedFile, usize)]) -> usize {
    let (mut written, mut applied, mut refused) = (0, 0, 0);
    for (fixed, count) in prepared {
        match fixed.write() {
            Ok(()) => {
                written += 1;
                applied += count;
                output::note(&format!("fixed `{}` ({count})", fixed.path()));
            }
            Err(error) => {
                refused += 1;
                output::error(&error.to_string());
            }
        }
    }
    output::note(&format!("agate: applied {}", counted(applied, written)));
    refused
}

/// `3 fixes in 2 files`.
fn counted(edits: usize, paths: usize) -> String {
    format!(
        "{edits} fix{} in {paths} file{}",
        if edits == 1 { "" } else { "es" },
        plural(paths)
    )
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
