//! `agate baseline create|update|prune`.

use agate_model::Analyzer;
use agate_pipeline::Purpose;
use agate_policy::{Baseline, Date};

use crate::args::{BaselineArgs, BaselineCommand};
use crate::commands::scan::{evaluate, request, scan_root};
use crate::exit::{ExitStatus, Failure};
use crate::output;

pub(crate) fn run(command: &BaselineCommand) -> anyhow::Result<ExitStatus> {
    let (args, mode) = match command {
        BaselineCommand::Create { args, .. } => (args, "create"),
        BaselineCommand::Update(args) => (args, "update"),
        BaselineCommand::Prune(args) => (args, "prune"),
    };
    // A shard's findings are a share of the repository's: as a baseline they would drop
    // every other shard's accepted findings.
    if let Some(shard) = args.scan.shard {
        return Err(Failure::usage(format!(
            "`agate baseline {mode}` takes every file, not shard {shard}\n  help: run it once without --shard"
        )));
    }
    let path = match &args.scan.context.baseline {
        Some(path) => path.clone(),
        None => scan_root(&args.scan.context)?.join(agate_pipeline::DEFAULT_BASELINE),
    };
    // Told before the scan: replacing a baseline loses who accepted each finding and why.
    if let BaselineCommand::Create { force: false, .. } = command
        && std::fs::symlink_metadata(&path).is_ok()
    {
        return Err(Failure::usage(format!(
            "`{}` already exists\n  help: `agate baseline update` adds today's findings and keeps the accepted ones; pass --force to replace it",
            path.display()
        )));
    }
    let evaluated = evaluate(&request(&args.scan, Purpose::Scan, None)?)?;
    // Findings about suppressions are never accepted: fix the comment instead.
    let findings: Vec<_> = evaluated
        .report
        .findings
        .into_iter()
        .filter(|finding| finding.analyzer != Analyzer::Policy)
        .collect();
    // Stored in a committed file: what the person typed is redacted like any report text.
    let who = output::redact(&who(args)).into_owned();
    let reason = output::redact(&args.reason).into_owned();
    let message = match mode {
        "create" => {
            let mut baseline = Baseline::default();
            let added = baseline.add(&findings, &who, &Date::today().to_string(), &reason);
            baseline
                .save(&path)
                .map_err(|error| Failure::usage(error.to_string()))?;
            format!("baseline created with {added} finding(s)")
        }
        "update" => {
            let mut baseline =
                Baseline::load(&path).map_err(|error| Failure::usage(error.to_string()))?;
            let added = baseline.add(&findings, &who, &Date::today().to_string(), &reason);
            baseline
                .save(&path)
                .map_err(|error| Failure::usage(error.to_string()))?;
            format!(
                "baseline updated: {added} finding(s) added, {} in total",
                baseline.entries.len()
            )
        }
        _ => {
            let mut baseline =
                Baseline::load(&path).map_err(|error| Failure::usage(error.to_string()))?;
            let dropped = baseline.prune(&findings);
            baseline
                .save(&path)
                .map_err(|error| Failure::usage(error.to_string()))?;
            format!(
                "baseline pruned: {dropped} stale entr{} dropped, {} left",
                if dropped == 1 { "y" } else { "ies" },
                baseline.entries.len()
            )
        }
    };
    output::note(&format!("{message} → `{}`", path.display()));
    Ok(ExitStatus::Pass)
}

/// `--who`, else the person the CI or shell says is running.
fn who(args: &BaselineArgs) -> String {
    args.who
        .clone()
        .or_else(|| {
            ["AGATE_USER", "GIT_AUTHOR_NAME", "USER"]
                .iter()
                .find_map(|name| std::env::var(name).ok())
        })
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
