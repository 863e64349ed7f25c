//! `agate scan` and `agate gate`: the flags and the CI's variables become a pipeline
//! request; the report is rendered and the verdict becomes the exit status.

use std::path::PathBuf;
use std::time::SystemTime;

use agate_model::{CheckRun, CheckStatus, Severity, Verdict, VerdictStatus};
use agate_pipeline::{
    CiFacts, DepsSources, Event, Outcome, PipelineError, Purpose, Request, Source, WalkLimits,
};
use anyhow::Context as _;

use crate::args::{ContextArgs, GateArgs, MergeArgs, ScanArgs};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// `--root`, else the current directory.
pub(crate) fn scan_root(context: &ContextArgs) -> anyhow::Result<PathBuf> {
    match &context.root {
        Some(root) => Ok(root.clone()),
        None => std::env::current_dir().context("cannot read the current directory"),
    }
}

/// The pipeline request the flags and the CI's variables describe.
pub(crate) fn request(
    args: &ScanArgs,
    purpose: Purpose,
    block_at: Option<Severity>,
) -> anyhow::Result<Request> {
    let mut request = judged_in(&args.context, purpose, block_at)?;
    request.paths.clone_from(&args.paths);
    request.source = match (&args.history, args.staged) {
        (Some(range), _) => Source::History(range.clone()),
        (None, true) => Source::Staged,
        (None, false) => Source::WorkingTree,
    };
    request.only.clone_from(&args.only);
    request.rules.bundled = !args.no_bundled_rules;
    request.walk = WalkLimits {
        respect_ignore_files: !args.no_ignore,
        include_vendored: args.include_vendored,
        max_file_size: args.max_file_size,
        threads: args.threads,
    };
    request.shard = args.shard;
    Ok(request)
}

/// A request for the whole root, judged in `context` and by what the CI's variables say.
pub(crate) fn judged_in(
    context: &ContextArgs,
    purpose: Purpose,
    block_at: Option<Severity>,
) -> anyhow::Result<Request> {
    let mut request = Request::new(scan_root(context)?);
    request.purpose = purpose;
    request.block_at = block_at;
    request.config.clone_from(&context.config);
    request.offline = context.offline;
    request.ai_paths.clone_from(&context.ai_paths);
    request.base.clone_from(&context.base);
    request.ai_change = context.ai_change || crate::ci::change_is_ai();
    request.baseline.clone_from(&context.baseline);
    request.rules.dirs.clone_from(&context.rule_dirs);
    request.ci = ci_facts();
    request.server_token = crate::commands::server::policy_token(None);
    request.deps = deps_sources();
    Ok(request)
}

/// `agate report merge`: the shards' reports joined and gated as one run.
pub(crate) fn merge(args: &MergeArgs) -> anyhow::Result<ExitStatus> {
    let started = SystemTime::now();
    let shards = args
        .reports
        .iter()
        .map(|path| {
            Ok((
                path.display().to_string(),
                crate::commands::report::read(path)?,
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let request = judged_in(
        &args.context,
        Purpose::Gate(args.env.clone()),
        args.block_at,
    )?;
    let Outcome { mut report, notify } =
        agate_pipeline::merge(&request, shards, &show_progress).map_err(pipeline_error)?;
    crate::commands::notify::on_block(&notify, &mut report);
    crate::commands::report::write_all(&report, &args.out.targets, args.out.color, started)?;
    Ok(exit_status(report.verdict.as_ref()))
}

/// What agate's environment says about the CI run.
fn ci_facts() -> CiFacts {
    CiFacts {
        repository: crate::ci::repository(),
        run_id: crate::ci::run_id(),
        target: crate::ci::target(),
        secret_values: crate::ci::secret_values(),
        sonar: crate::ci::sonar(),
        runtime_env: crate::ci::runtime_env(),
        // Only the variables the policy names (an LLM review's `api_key_env`) are read.
        variables: agate_pipeline::Variables::new(|name| std::env::var(name).ok()),
    }
}

/// The advisory store and registries agate's environment names.
fn deps_sources() -> DepsSources {
    DepsSources {
        store: crate::commands::db::store_dir(),
        registries: crate::commands::db::registry_urls(),
    }
}

/// The pipeline's errors as the CLI's: a bad request or configuration exits 2.
pub(crate) fn pipeline_error(error: PipelineError) -> anyhow::Error {
    match error {
        PipelineError::Invalid(message) => Failure::usage(message),
        PipelineError::Failed(message) => anyhow::anyhow!(message),
    }
}

/// Runs the pipeline, telling progress on standard error.
pub(crate) fn evaluate(request: &Request) -> anyhow::Result<Outcome> {
    agate_pipeline::run(request, &show_progress).map_err(pipeline_error)
}

/// Scans, renders, and — for `agate gate` — decides the exit status.
pub(crate) fn run(
    args: &ScanArgs,
    purpose: Purpose,
    block_at: Option<Severity>,
) -> anyhow::Result<ExitStatus> {
    let started = SystemTime::now();
    let Outcome { mut report, notify } = evaluate(&request(args, purpose, block_at)?)?;
    crate::commands::notify::on_block(&notify, &mut report);
    crate::commands::report::write_all(&report, &args.out.targets, args.out.color, started)?;
    Ok(exit_status(report.verdict.as_ref()))
}

/// `agate gate`: scans, renders, signs the verdict (--attest), uploads (--upload), and
/// decides the exit status.
pub(crate) fn gate(args: &GateArgs) -> anyhow::Result<ExitStatus> {
    let started = SystemTime::now();
    let purpose = Purpose::Gate(args.env.clone());
    let mut request = request(&args.scan, purpose, args.block_at)?;
    if args.upload.is_some() {
        request.server_token = crate::commands::server::policy_token(args.upload.as_deref());
    }
    let Outcome { mut report, notify } = evaluate(&request)?;
    crate::commands::notify::on_block(&notify, &mut report);
    crate::commands::report::write_all(
        &report,
        &args.scan.out.targets,
        args.scan.out.color,
        started,
    )?;
    let attestation = match args.attest.attest {
        Some(_) => {
            let (file, envelope) = crate::commands::attest::attest(&report, &args.attest)?;
            output::note(&format!("agate: attestation written to {}", file.display()));
            Some(envelope)
        }
        None => None,
    };
    if let Some(server) = &args.upload {
        let token = crate::commands::server::token()?;
        crate::commands::server::send(&serde_json::to_string(&report)?, server, &token)?;
        if let Some(envelope) = attestation {
            crate::commands::server::send_attestation(&envelope, server, &token)?;
        }
    }
    Ok(exit_status(report.verdict.as_ref()))
}

fn exit_status(verdict: Option<&Verdict>) -> ExitStatus {
    match verdict.map(|verdict| verdict.status) {
        None | Some(VerdictStatus::Pass) => ExitStatus::Pass,
        Some(VerdictStatus::Blocked) => ExitStatus::Blocked,
        Some(VerdictStatus::Error) => ExitStatus::Internal,
    }
}

/// The pipeline's progress, one line each on standard error.
fn show_progress(event: Event<'_>) {
    match event {
        Event::ChecksStarted(names) => output::note(&format!(
            "agate: running {} external check{}: {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        )),
        Event::CheckFinished(run) => output::note(&progress_line(run)),
        // Not the URL: its query may carry a token (the report shows it redacted).
        Event::LoadStarted(spec) => output::note(&format!(
            "agate: load test `{}` (gate {}) running",
            spec.name, spec.gate
        )),
        Event::LoadFinished(run) => {
            output::note(&format!(
                "agate: load test {}",
                agate_report::load_line(run)
            ));
        }
        Event::ReviewStarted { gate, hunks } => output::note(&format!(
            "agate: LLM review (gate {gate}) asking about {hunks} hunk{}",
            if hunks == 1 { "" } else { "s" }
        )),
        Event::ReviewFinished(review) => output::note(&format!(
            "agate: LLM review {}",
            agate_report::review_line(review)
        )),
    }
}

/// One line per finished check: `agate: semgrep: 3 findings in 4.2 s`.
fn progress_line(run: &CheckRun) -> String {
    let seconds = run.duration_ms as f64 / 1000.0;
    match (&run.status, &run.error) {
        (CheckStatus::Error, Some(error)) => {
            // The error may quote the tool's output: one line, whatever it printed.
            format!(
                "agate: check `{}` failed after {seconds:.1} s: {}",
                run.name,
                agate_report::escape_line(error)
            )
        }
        _ => format!(
            "agate: check `{}`: {} finding{} in {seconds:.1} s",
            run.name,
            run.findings,
            if run.findings == 1 { "" } else { "s" }
        ),
    }
}
