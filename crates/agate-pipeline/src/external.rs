//! The external checks of the environment's gates: run side by side, each failing its gate
//! closed when it cannot be trusted.

use std::path::Path;

use agate_external::{CheckOutcome, RunOptions, SonarServer};
use agate_model::{CheckRun, CheckSpec, CheckStatus, Finding, Notice, NoticeLevel, RuleDescriptor};
use agate_policy::Policy;

use crate::Event;

/// What the checks produced, for the report and the policy.
#[derive(Debug, Default)]
pub(crate) struct ExternalRun {
    pub(crate) findings: Vec<Finding>,
    pub(crate) rules: Vec<RuleDescriptor>,
    pub(crate) runs: Vec<CheckRun>,
    pub(crate) notices: Vec<Notice>,
    /// Gate name and why, for each check in error.
    pub(crate) failed: Vec<(String, String)>,
    /// The load tests' results.
    pub(crate) load: Vec<agate_model::LoadRun>,
    /// The LLM reviews' records.
    pub(crate) reviews: Vec<agate_model::LlmReview>,
}

impl ExternalRun {
    /// Adds what another run produced.
    pub(crate) fn absorb(&mut self, other: ExternalRun) {
        self.findings.extend(other.findings);
        self.rules.extend(other.rules);
        self.runs.extend(other.runs);
        self.notices.extend(other.notices);
        self.failed.extend(other.failed);
        self.load.extend(other.load);
        self.reviews.extend(other.reviews);
    }
}

/// Runs every external check of the gates `environment` runs, all at once, telling
/// `progress` as they start and end; their command, output and error are redacted with
/// `redactor`, and the values of their own secret-named `env:` variables, before anything
/// shows them. A check whose thread panicked is a check in error: its gate fails closed.
pub(crate) fn run_checks(
    root: &Path,
    policy: &Policy,
    environment: Option<&str>,
    sonar: Option<&SonarServer>,
    redactor: &agate_secrets::KnownSecrets<'_>,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> ExternalRun {
    let Some(environment) = policy.environment(environment) else {
        // An unknown environment is reported when the policy is applied.
        return ExternalRun::default();
    };
    let specs: Vec<&CheckSpec> = policy
        .gates_of(&environment)
        .into_iter()
        .flat_map(|gate| gate.external.iter())
        .collect();
    if specs.is_empty() {
        return ExternalRun::default();
    }
    let options = RunOptions { root, sonar };
    let names: Vec<&str> = specs.iter().map(|spec| spec.name.as_str()).collect();
    progress(Event::ChecksStarted(&names));
    let jobs: Vec<_> = specs
        .iter()
        .map(|&spec| {
            let options = &options;
            move || {
                let mut outcome = agate_external::run(spec, options);
                // Tools print what they find, and their commands may carry credentials:
                // the progress line and every report show them redacted.
                let given = spec
                    .env
                    .iter()
                    .filter(|(name, _)| agate_secrets::is_secret_name(name))
                    .map(|(_, value)| value.clone());
                outcome.run.redact(&redactor.clone().with(given));
                progress(Event::CheckFinished(&outcome.run));
                outcome
            }
        })
        .collect();
    let outcomes = crate::parallel::run_all(jobs);
    let mut run = ExternalRun::default();
    for (outcome, spec) in outcomes.into_iter().zip(specs) {
        let outcome = outcome.unwrap_or_else(|panic| panicked(spec, &panic));
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

/// The outcome of a check whose thread panicked: an error of its gate, never a check that
/// silently did not run.
fn panicked(spec: &CheckSpec, panic: &str) -> CheckOutcome {
    CheckOutcome {
        run: CheckRun {
            name: spec.name.clone(),
            gate: spec.gate.clone(),
            format: spec.format,
            command: Vec::new(),
            status: CheckStatus::Error,
            exit_code: None,
            duration_ms: 0,
            findings: 0,
            truncated: 0,
            error: Some(format!(
                "agate failed while running the check (a bug; please report it): {panic}"
            )),
            stdout: String::new(),
            stderr: String::new(),
        },
        findings: Vec::new(),
        rules: Vec::new(),
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_8_a_panicked_check_fails_its_gate_closed() {
        let spec = CheckSpec {
            name: "semgrep".to_owned(),
            gate: "security".to_owned(),
            command: None,
            format: agate_model::ToolFormat::Sarif,
            workdir: None,
            env: Vec::new(),
            timeout_secs: 60,
            exit_codes: vec![0],
            report: None,
            project: None,
            report_task: None,
            max_results: 10,
        };
        let outcome = panicked(&spec, "index out of bounds");
        assert_eq!(outcome.run.status, CheckStatus::Error);
        assert_eq!(outcome.run.gate, "security");
        assert!(
            outcome
                .run
                .error
                .as_deref()
                .is_some_and(|error| error.contains("index out of bounds"))
        );
    }
}
