//! The functional gate's own runs (issue [10]): the function contracts and HTTP API contract
//! tests of the environment's gates. Their findings belong to the gate that lists them; a
//! run that cannot start (a runtime, a module, the service) puts its gate in `error` (the
//! gate fails closed), never passes it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use agate_model::{
    ApiSpec, ContractsSpec, Finding, Notice, NoticeLevel, RuleDescriptor, ServiceSpec,
};
use agate_policy::Policy;

use crate::external::ExternalRun;
use crate::request::CiFacts;

/// Runs the contracts of every gate `environment` runs, one gate after another.
pub(crate) fn run(
    root: &Path,
    policy: &Policy,
    environment: Option<&str>,
    ci: &CiFacts,
) -> ExternalRun {
    let mut run = ExternalRun::default();
    let Some(environment) = policy.environment(environment) else {
        return run;
    };
    for gate in policy.gates_of(&environment) {
        if let Some(spec) = &gate.contracts {
            contracts(root, spec, ci, &mut run);
        }
        if let Some(spec) = &gate.api {
            api(root, spec, &mut run);
        }
    }
    run
}

/// One gate's contracts.
fn contracts(root: &Path, spec: &ContractsSpec, ci: &CiFacts, run: &mut ExternalRun) {
    let mut options = agate_contract::Options {
        env: ci.runtime_env.clone(),
        ..agate_contract::Options::default()
    };
    if let Some(python) = &spec.python {
        options.python = interpreter(root, python);
    }
    if let Some(node) = &spec.node {
        options.node = interpreter(root, node);
    }
    let outcome = agate_contract::contract_files(root, &spec.paths)
        .and_then(|files| agate_contract::run(root, &files, &options));
    let outcome =
        outcome.map(|outcome| (outcome.findings, outcome.notices, agate_contract::rules()));
    run.take(&spec.gate, "contracts could not run", outcome);
}

/// How long a started service has to exit after TERM before its process group is killed.
const SERVICE_GRACE: Duration = Duration::from_secs(5);

/// One gate's API contract test: the service started first when the gate says how, and
/// stopped (with its children) afterwards whatever happened; what it wrote is a warning
/// notice (redacted with the rest of the report).
fn api(root: &Path, spec: &ApiSpec, run: &mut ExternalRun) {
    let service = match spec
        .start
        .as_ref()
        .map(|start| start_service(root, start))
        .transpose()
    {
        Ok(service) => service,
        Err(error) => {
            run.failed.push((
                spec.gate.clone(),
                format!("the service for the API test did not start: {error}"),
            ));
            return;
        }
    };
    let mut options = agate_api::Options::new(&spec.base_url);
    options.allow_remote = spec.allow_remote;
    options.allow_destructive = spec.allow_destructive;
    options.seed = spec.seed;
    if let Some(most) = spec.max_requests_per_operation {
        options.max_requests_per_operation = most;
    }
    if let Some(millis) = spec.slow_response_ms {
        options.slow_response = Duration::from_millis(millis);
    }
    let outcome = agate_api::run(&spec.spec, root, &options);
    if let Some(service) = service {
        stop_service(service, &format!("gate `{}`'s API test", spec.gate), run);
    }
    let outcome = outcome.map(|outcome| (outcome.findings, outcome.notices, agate_api::rules()));
    run.take(&spec.gate, "the API test could not run", outcome);
}

/// What a gate's contracts or API test produced: findings, notices and rule descriptors.
pub(crate) type Produced = (Vec<Finding>, Vec<Notice>, Vec<RuleDescriptor>);

impl ExternalRun {
    /// Takes a gate's run: its findings (in that gate), notices and rules, or why it could
    /// not run (the gate fails closed).
    pub(crate) fn take(
        &mut self,
        gate: &str,
        failure: &str,
        outcome: Result<Produced, impl std::fmt::Display>,
    ) {
        match outcome {
            Ok((findings, notices, rules)) => {
                self.notices.extend(notices);
                self.findings
                    .extend(findings.into_iter().map(|mut finding| {
                        finding.gate = Some(gate.into());
                        finding
                    }));
                self.rules.extend(rules);
            }
            Err(error) => self
                .failed
                .push((gate.to_owned(), format!("{failure}: {error}"))),
        }
    }
}

/// Starts the service a gate's test needs, in its working directory under the root.
pub(crate) fn start_service(
    root: &Path,
    start: &ServiceSpec,
) -> Result<agate_process::Service, String> {
    let workdir = match &start.workdir {
        Some(dir) => agate_fs::resolve_under(root, dir).map_err(|error| error.to_string())?,
        None => root.to_path_buf(),
    };
    agate_process::Service::start(&agate_process::ServiceSpec {
        argv: start.run.clone(),
        env: start.env.clone(),
        workdir,
        ready: start.ready.clone(),
        ready_timeout: Duration::from_secs(start.timeout_secs),
        grace: SERVICE_GRACE,
    })
    .map_err(|error| error.to_string())
}

/// Stops a started service (with its children); what it wrote becomes a warning notice
/// (redacted with the rest of the report).
pub(crate) fn stop_service(service: agate_process::Service, whose: &str, run: &mut ExternalRun) {
    let logs = service.stop_and_collect();
    if !logs.trim().is_empty() {
        run.notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: format!("the service of {whose} wrote:\n{logs}"),
        });
    }
}

/// An interpreter setting: a path with a folder in it is relative to the root (a
/// virtualenv's `.venv/bin/python`); a bare name is looked up on `PATH`.
fn interpreter(root: &Path, setting: &Path) -> PathBuf {
    if setting.components().count() > 1 && setting.is_relative() {
        root.join(setting)
    } else {
        setting.to_path_buf()
    }
}
