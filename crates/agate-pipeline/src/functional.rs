//! The functional gate's own runs (issue [10]): the function contracts of the environment's
//! gates. Their findings belong to the gate that lists them; a contract run that cannot
//! start puts its gate in `error` (the gate fails closed), never passes it.

use std::path::{Path, PathBuf};

use agate_model::ContractsSpec;
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
    match outcome {
        Ok(outcome) => {
            run.notices.extend(outcome.notices);
            run.findings
                .extend(outcome.findings.into_iter().map(|mut finding| {
                    finding.gate = Some(spec.gate.as_str().into());
                    finding
                }));
            run.rules.extend(agate_contract::rules());
        }
        Err(error) => run.failed.push((
            spec.gate.clone(),
            format!("contracts could not run: {error}"),
        )),
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
