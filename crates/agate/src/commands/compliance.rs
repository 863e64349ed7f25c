//! `agate compliance report`: a framework's control matrix, from a run of the gates or a
//! saved gate report.

use agate_model::{ComplianceMatrix, ControlStatus};
use agate_pipeline::{Purpose, WalkLimits};
use agate_report::compliance::ComplianceFormat;

use crate::args::{ComplianceFormatArg, ComplianceReportArgs};
use crate::commands::scan::{evaluate, judged_in, pipeline_error};
use crate::exit::{ExitStatus, Failure};
use crate::output;

pub(crate) fn report(args: &ComplianceReportArgs) -> anyhow::Result<ExitStatus> {
    let mut request = judged_in(
        &args.context,
        Purpose::Gate(args.env.clone()),
        args.block_at,
    )?;
    let matrix = if let Some(path) = &args.report {
        let saved = crate::commands::report::read(path)?;
        agate_pipeline::report_matrix(&request, &saved, &args.framework).map_err(pipeline_error)?
    } else {
        request.paths.clone_from(&args.paths);
        request.only.clone_from(&args.only);
        request.rules.bundled = !args.no_bundled_rules;
        request.walk = WalkLimits {
            respect_ignore_files: !args.no_ignore,
            include_vendored: args.include_vendored,
            max_file_size: args.max_file_size,
            threads: args.threads,
        };
        request.frameworks = vec![args.framework.clone()];
        let outcome = evaluate(&request)?;
        outcome
            .report
            .compliance
            .into_iter()
            .find(|matrix| matrix.framework == args.framework)
            .ok_or_else(|| anyhow::anyhow!("the run made no matrix for `{}`", args.framework))?
    };
    check_required(&matrix, &args.require)?;
    let format = match args.format {
        ComplianceFormatArg::Summary => ComplianceFormat::Summary,
        ComplianceFormatArg::Json => ComplianceFormat::Json,
        ComplianceFormatArg::Html => ComplianceFormat::Html,
        ComplianceFormatArg::Sarif => ComplianceFormat::Sarif,
    };
    output::emit(args.output.as_deref(), |out| {
        agate_report::compliance::render(&matrix, format, out)
    })?;
    Ok(required_status(&matrix, &args.require))
}

/// `--require`'s control ids must be the framework's.
fn check_required(matrix: &ComplianceMatrix, required: &[String]) -> anyhow::Result<()> {
    for id in required.iter().filter(|id| id.as_str() != "all") {
        if matrix.control(id).is_none() {
            let known: Vec<&str> = matrix
                .controls
                .iter()
                .map(|control| control.id.as_str())
                .collect();
            return Err(Failure::usage(format!(
                "`--require {id}`: `{}` has no control `{id}`\n  help: its controls are {}",
                matrix.framework,
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// 0 without `--require`; else 1 when a required control fails or is not covered, 3 when
/// one is in error (and none fails). The required controls that are not met are named on
/// standard error.
fn required_status(matrix: &ComplianceMatrix, required: &[String]) -> ExitStatus {
    if required.is_empty() {
        return ExitStatus::Pass;
    }
    let all = required.iter().any(|id| id == "all");
    let required: Vec<_> = matrix
        .controls
        .iter()
        .filter(|control| all || required.contains(&control.id))
        .collect();
    let unmet: Vec<String> = required
        .iter()
        .filter(|control| control.status != ControlStatus::Pass)
        .map(|control| format!("`{}` {}", control.id, control.status.as_str()))
        .collect();
    if !unmet.is_empty() {
        output::note(&format!(
            "agate: required controls of `{}` not met: {}",
            matrix.framework,
            unmet.join(", ")
        ));
    }
    let statuses: Vec<ControlStatus> = required.iter().map(|control| control.status).collect();
    if statuses
        .iter()
        .any(|status| matches!(status, ControlStatus::Fail | ControlStatus::NotCovered))
    {
        ExitStatus::Blocked
    } else if statuses.contains(&ControlStatus::Error) {
        ExitStatus::Internal
    } else {
        ExitStatus::Pass
    }
}
