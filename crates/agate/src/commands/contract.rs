//! `agate contract test|init`: function contracts, run alone.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use agate_contract::{ContractError, Options};
use agate_model::{REPORT_SCHEMA_VERSION, Report, ScanStats, Tool};
use anyhow::Context as _;

use crate::args::{ContractRuntimeArgs, ContractTestArgs};
use crate::exit::{ExitStatus, Failure};
use crate::output;

fn root_of(runtime: &ContractRuntimeArgs) -> anyhow::Result<PathBuf> {
    match &runtime.root {
        Some(root) => Ok(root.clone()),
        None => std::env::current_dir().context("cannot read the current directory"),
    }
}

fn options(runtime: &ContractRuntimeArgs) -> Options {
    let mut options = Options::default();
    if let Some(python) = &runtime.python {
        options.python.clone_from(python);
    }
    if let Some(node) = &runtime.node {
        options.node.clone_from(node);
    }
    options.env = crate::ci::runtime_env();
    options
}

/// A bad contract file exits 2; a runtime or module that cannot start exits 3.
fn contract_error(error: &ContractError) -> anyhow::Error {
    match error {
        ContractError::Invalid { .. } | ContractError::File { .. } => {
            Failure::usage(error.to_string())
        }
        ContractError::Start { .. } => anyhow::Error::new(Failure {
            status: ExitStatus::Internal,
            message: error.to_string(),
        }),
    }
}

/// `agate contract test`: exit 1 when a contract is broken.
pub(crate) fn test(args: &ContractTestArgs) -> anyhow::Result<ExitStatus> {
    let started = SystemTime::now();
    let root = root_of(&args.runtime)?;
    let files = agate_contract::contract_files(&root, &args.paths)
        .map_err(|error| contract_error(&error))?;
    let outcome = agate_contract::run(&root, &files, &options(&args.runtime))
        .map_err(|error| contract_error(&error))?;
    for checked in &outcome.checked {
        output::note(&format!(
            "agate: contract `{}` ({}): {} call{}, {} finding{} (seed {})",
            agate_report::escape_line(&checked.name),
            agate_report::escape_line(&checked.function),
            checked.calls,
            if checked.calls == 1 { "" } else { "s" },
            checked.findings,
            if checked.findings == 1 { "" } else { "s" },
            checked.seed
        ));
    }
    let broken = !outcome.findings.is_empty();
    let mut rules = agate_contract::rules();
    rules.retain(|rule| {
        outcome
            .findings
            .iter()
            .any(|finding| finding.rule_id.as_str() == rule.id)
    });
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        run: None,
        tool: Tool {
            name: "agate".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        findings: outcome.findings,
        rules,
        notices: outcome.notices,
        stats: ScanStats {
            files: u64::try_from(files.len()).unwrap_or(u64::MAX),
            rules: u64::try_from(agate_contract::rules().len()).unwrap_or(u64::MAX),
            duration_ms: u64::try_from(started.elapsed().unwrap_or_default().as_millis())
                .unwrap_or(u64::MAX),
            ..ScanStats::default()
        },
        checks: Vec::new(),
        coverage: Vec::new(),
        load: Vec::new(),
        compliance: Vec::new(),
        reviews: Vec::new(),
        verdict: None,
    };
    // A function's output may hold a secret (it runs with the project's code): every text
    // is redacted as in a scan's report.
    let scanner = agate_secrets::SecretScanner::new(
        agate_secrets::bundled_rules().context("the bundled secret rules are broken")?,
        agate_secrets::Allowlist::default(),
    )
    .context("the bundled secret rules are broken")?;
    report.redact(&agate_secrets::KnownSecrets::new(
        &scanner,
        crate::ci::secret_values(),
    ));
    crate::commands::report::write_all(&report, &args.out.targets, args.out.color, started)?;
    Ok(if broken {
        ExitStatus::Blocked
    } else {
        ExitStatus::Pass
    })
}

/// `agate contract init`: a starting contract on standard output or in `output`.
pub(crate) fn init(
    function: &str,
    output: Option<&Path>,
    runtime: &ContractRuntimeArgs,
) -> anyhow::Result<ExitStatus> {
    let root = root_of(runtime)?;
    let text = agate_contract::init(&root, function, &options(runtime))
        .map_err(|error| contract_error(&error))?;
    output::emit(output, |out| out.write_all(text.as_bytes()))?;
    if let Some(path) = output {
        output::note(&format!(
            "agate: wrote a starting contract for `{}` to {}",
            agate_report::escape_line(function),
            agate_report::escape_line(&path.display().to_string())
        ));
    }
    Ok(ExitStatus::Pass)
}
