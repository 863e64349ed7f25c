//! The external checks of the environment's gates: run side by side, each failing its gate
//! closed when it cannot be trusted.

use std::path::Path;

use agate_external::{CheckOutcome, RunOptions, SonarServer};
use agate_model::{CheckRun, CheckStatus, Finding, Notice, NoticeLevel, RuleDescriptor};
use agate_policy::Policy;

use crate::output;

/// What the checks produced, for the report and the policy.
#[derive(Debug, Default)]
pub(crate) struct ExternalRun {
    pub(crate) findings: Vec<Finding>,
    pub(crate) rules: Vec<RuleDescriptor>,
    pub(crate) runs: Vec<CheckRun>,
    pub(crate) notices: Vec<Notice>,
    /// Gate name and why, for each check in error.
    pub(crate) failed: Vec<(String, String)>,
}

/// Runs every external check of the gates `environment` runs, all at once, and reports
/// progress on standard error; their command, output and error are redacted with
/// `redactor`, and the values of their own secret-named `env:` variables, before anything
/// shows them.
pub(crate) fn run_checks(
    root: &Path,
    policy: &Policy,
    environment: Option<&str>,
    redactor: &agate_secrets::KnownSecrets<'_>,
) -> ExternalRun {
    let Some(environment) = policy.environment(environment) else {
        // An unknown environment is reported when the policy is applied.
        return ExternalRun::default();
    };
    let specs: Vec<_> = policy
        .gates_of(&environment)
        .into_iter()
        .flat_map(|gate| gate.external.iter())
        .collect();
    if specs.is_empty() {
        return ExternalRun::default();
    }
    let sonar = crate::ci::var("SONAR_HOST_URL").map(|url| SonarServer {
        url,
        token: crate::ci::var("SONAR_TOKEN"),
        scope: crate::ci::sonar_scope(),
    });
    let options = RunOptions {
        root,
        sonar: sonar.as_ref(),
    };
    output::note(&format!(
        "agate: running {} external check{}: {}",
        specs.len(),
        if specs.len() == 1 { "" } else { "s" },
        specs
            .iter()
            .map(|spec| spec.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let outcomes: Vec<CheckOutcome> = std::thread::scope(|scope| {
        let workers: Vec<_> = specs
            .iter()
            .map(|spec| {
                scope.spawn(move || {
                    let mut outcome = agate_external::run(spec, &options);
                    // Tools print what they find, and their commands may carry
                    // credentials: the progress line and every report show them redacted.
                    let given = spec
                        .env
                        .iter()
                        .filter(|(name, _)| agate_secrets::is_secret_name(name))
                        .map(|(_, value)| value.clone());
                    outcome.run.redact(&redactor.clone().with(given));
                    output::note(&progress_line(&outcome.run));
                    outcome
                })
            })
            .collect();
        workers
            .into_iter()
            .filter_map(|worker| worker.join().ok())
            .collect()
    });
    let mut run = ExternalRun::default();
    for outcome in outcomes {
        if let (CheckStatus::Error, Some(error)) = (outcome.run.status, &outcome.run.error) {
            run.failed.push((
                outcome.run.gate.clone(),
                format!("check `{}` failed: {error}", outcome.run.name),
            ));
        }
        run.notices
            .extend(outcome.warnings.into_iter().map(|message| Notice {
                level: NoticeLevel::Warning,
                path: None,
                message,
            }));
        run.findings.extend(outcome.findings);
        run.rules.extend(outcome.rules);
        run.runs.push(outcome.run);
    }
    run
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
