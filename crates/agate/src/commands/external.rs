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
/// progress on standard error; their output is redacted with `secrets`.
pub(crate) fn run_checks(
    root: &Path,
    policy: &Policy,
    environment: Option<&str>,
    secrets: Option<&agate_secrets::SecretScanner>,
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
    // Tools print what they find; agate's reports never show a secret in full.
    // The secrets analyzer's engine when it ran, else one built for this.
    let built = secrets
        .is_none()
        .then(|| crate::commands::secrets::scanner(root, policy).ok())
        .flatten()
        .map(|(scanner, _)| scanner);
    let secrets = secrets.or(built.as_ref());
    let outcomes: Vec<CheckOutcome> = std::thread::scope(|scope| {
        let workers: Vec<_> = specs
            .iter()
            .map(|spec| {
                scope.spawn(move || {
                    let mut outcome = agate_external::run(spec, &options);
                    if let Some(secrets) = secrets {
                        redact_output(secrets, &mut outcome.run);
                    }
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

/// Replaces each secret in a check's command, output and error with its redacted form.
fn redact_output(secrets: &agate_secrets::SecretScanner, run: &mut CheckRun) {
    let redact = |text: &mut String| {
        let found = secrets.matches("check-output.txt", text.as_bytes());
        // From the end, so earlier ranges stay valid.
        for secret in found.iter().rev() {
            if text.is_char_boundary(secret.range.start) && text.is_char_boundary(secret.range.end)
            {
                text.replace_range(secret.range.clone(), &secret.secret.to_string());
            }
        }
    };
    redact(&mut run.stdout);
    redact(&mut run.stderr);
    if let Some(error) = &mut run.error {
        redact(error);
    }
    for argument in &mut run.command {
        redact(argument);
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
