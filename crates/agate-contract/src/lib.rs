//! Function contracts: a person's contract for a Python or Node function — JSON Schemas of
//! its arguments and result, CEL invariants over `input` and `output`, examples — checked
//! by calling the function with the examples and with inputs generated from the input
//! schema (`agate_schema::Schema::cases`).
//!
//! Each contract gets one long-lived interpreter (`python3`, `node`, or the `runtime:` the
//! file names) running a small embedded harness that speaks JSON lines on stdin/stdout, in
//! a temporary working folder, with a memory limit, each call under the contract's timeout
//! (the process group is killed on a timeout and the harness started again). Each kind of
//! failure becomes one finding, its input shrunk (`Schema::shrink`) while the failure
//! reproduces, pointing at the function's definition line.
//!
//! The entry point is [`run`]; [`init`] writes a starting contract from a function's
//! signature.

mod check;
mod file;
mod harness;
mod init;
mod invariant;
mod locate;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agate_model::{
    Analyzer, Confidence, Finding, Fingerprint, FingerprintInput, Location, Notice, NoticeLevel,
    Position, RuleDescriptor, Severity,
};

pub use crate::file::{Contract, DEFAULT_CASES, DEFAULT_TIMEOUT, Target};
pub use crate::harness::interrupt;
pub use crate::init::init;

use crate::check::{Kind, Limits, Violation};
use crate::harness::{Harness, Launch};

/// Where contract files are looked for when no path is given, relative to the root.
pub const DEFAULT_DIR: &str = "contracts";

/// How contracts run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Python interpreter when a contract names none (default `python3` on `PATH`).
    pub python: PathBuf,
    /// The Node interpreter when a contract names none (default `node` on `PATH`).
    pub node: PathBuf,
    /// The variables the interpreters get; nothing else of agate's environment is passed
    /// (give at least `PATH` for the interpreter's own lookups).
    pub env: Vec<(OsString, OsString)>,
    /// The memory limit of each harness process, in bytes.
    pub memory_bytes: u64,
    /// How long loading the module may take.
    pub start_timeout: Duration,
    /// Calls one shrink may make.
    pub shrink_calls: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            python: PathBuf::from("python3"),
            node: PathBuf::from("node"),
            env: Vec::new(),
            memory_bytes: 1024 * 1024 * 1024,
            start_timeout: Duration::from_secs(30),
            shrink_calls: 200,
        }
    }
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One finding per contract and kind of failure.
    pub findings: Vec<Finding>,
    /// What the user should know: generated inputs that could not be passed, restarts.
    pub notices: Vec<Notice>,
    /// The contracts that ran.
    pub checked: Vec<CheckedContract>,
}

/// A contract that ran.
#[derive(Debug, Clone)]
pub struct CheckedContract {
    /// Its name.
    pub name: String,
    /// Its file, relative to the root.
    pub file: PathBuf,
    /// The function, as the file names it.
    pub function: String,
    /// Calls made (examples, generated inputs, shrinking).
    pub calls: usize,
    /// The seed of its generated inputs.
    pub seed: u64,
    /// Findings it gave.
    pub findings: usize,
}

/// Why contracts could not run.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// A contract file is wrong: where, what, and how to fix it.
    #[error("{file}:{line}: {message}; {help}")]
    Invalid {
        /// The file, relative to the root.
        file: String,
        /// The 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// A contract file or folder cannot be read.
    #[error("`{file}`: {message}")]
    File {
        /// The path, relative to the root.
        file: String,
        /// Why.
        message: String,
    },
    /// The runtime or the function's module cannot be started.
    #[error("contract `{contract}`: {message}")]
    Start {
        /// The contract's name.
        contract: String,
        /// What went wrong, and what to do.
        message: String,
    },
}

impl ContractError {
    /// The error with the contract's name filled in.
    fn of(self, name: &str) -> ContractError {
        match self {
            ContractError::Start { message, .. } => ContractError::Start {
                contract: name.to_owned(),
                message,
            },
            other => other,
        }
    }
}

/// The contract files `paths` name (files, or folders searched for `*.yaml`/`*.yml`, not
/// recursively), relative to `root`; [`DEFAULT_DIR`] when `paths` is empty.
pub fn contract_files(root: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, ContractError> {
    let default = [PathBuf::from(DEFAULT_DIR)];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        let shown = path.strip_prefix(root).unwrap_or(path);
        let resolved =
            agate_fs::resolve_under(root, path).map_err(|error| ContractError::File {
                file: shown.display().to_string(),
                message: format!(
                    "{error}; write contracts there (`agate contract init` starts one) or name their files"
                ),
            })?;
        if resolved.is_dir() {
            let entries = std::fs::read_dir(&resolved).map_err(|error| ContractError::File {
                file: shown.display().to_string(),
                message: error.to_string(),
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|file| {
                    file.is_file()
                        && file
                            .extension()
                            .is_some_and(|extension| extension == "yaml" || extension == "yml")
                })
                .map(|file| shown.join(file.file_name().unwrap_or_default()))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(shown.to_path_buf());
        }
    }
    if files.is_empty() {
        return Err(ContractError::File {
            file: paths
                .iter()
                .map(|path| path.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            message: "holds no contract files (`*.yaml`); add one, e.g. with `agate contract init python:module:function`".to_owned(),
        });
    }
    Ok(files)
}

/// Reads and checks the contract files `files` (relative to `root`); names must be unique.
pub fn load(root: &Path, files: &[PathBuf]) -> Result<Vec<Contract>, ContractError> {
    let mut contracts: Vec<Contract> = Vec::new();
    for path in files {
        for contract in file::load_file(root, path)? {
            if let Some(earlier) = contracts.iter().find(|other| other.name == contract.name) {
                return Err(ContractError::Invalid {
                    file: contract.file.display().to_string(),
                    line: contract.line,
                    message: format!(
                        "the contract name `{}` is taken by {}:{}",
                        contract.name,
                        earlier.file.display(),
                        earlier.line
                    ),
                    help: "give each contract its own name".to_owned(),
                });
            }
            contracts.push(contract);
        }
    }
    Ok(contracts)
}

/// Loads the contract files `files` (relative to `root`) and checks each contract.
pub fn run(root: &Path, files: &[PathBuf], options: &Options) -> Result<Outcome, ContractError> {
    let contracts = load(root, files)?;
    let mut outcome = Outcome::default();
    for contract in &contracts {
        run_one(root, contract, options, &mut outcome).map_err(|error| error.of(&contract.name))?;
    }
    outcome.findings.sort_by(|a, b| {
        (&a.location.path, a.location.start.line, &a.rule_id).cmp(&(
            &b.location.path,
            b.location.start.line,
            &b.rule_id,
        ))
    });
    Ok(outcome)
}

/// The interpreter and harness arguments for `contract`'s function.
pub(crate) fn launch(
    root: &Path,
    target: &Target,
    runtime: Option<&Path>,
    mode: &str,
    folder: &Path,
    options: &Options,
) -> Result<Launch, ContractError> {
    let interpreter = match (runtime, target) {
        // A path with a folder is the project's (e.g. a virtualenv's); a bare name is looked
        // up on `PATH`.
        (Some(runtime), _) if runtime.components().count() > 1 && runtime.is_relative() => {
            root.join(runtime)
        }
        (Some(runtime), _) => runtime.to_path_buf(),
        (None, Target::Python { .. }) => options.python.clone(),
        (None, Target::Node { .. }) => options.node.clone(),
    };
    let tail: Vec<OsString> = match target {
        Target::Python { module, function } => vec![
            mode.into(),
            std::fs::canonicalize(root)
                .unwrap_or_else(|_| root.to_path_buf())
                .into_os_string(),
            module.into(),
            function.into(),
        ],
        Target::Node { path, export } => {
            let module =
                agate_fs::resolve_under(root, path).map_err(|error| ContractError::Start {
                    contract: String::new(),
                    message: format!("the module `{}` cannot be loaded: {error}", path.display()),
                })?;
            vec![mode.into(), module.into_os_string(), export.into()]
        }
    };
    let mut launch = Launch::new(
        target.runtime(),
        interpreter,
        folder,
        options.memory_bytes,
        tail,
    )?;
    launch.env.clone_from(&options.env);
    launch.start_timeout = options.start_timeout;
    Ok(launch)
}

fn run_one(
    root: &Path,
    contract: &Contract,
    options: &Options,
    outcome: &mut Outcome,
) -> Result<(), ContractError> {
    let folder = tempfile::Builder::new()
        .prefix("agate-contract-")
        .tempdir()
        .map_err(|error| ContractError::Start {
            contract: String::new(),
            message: format!("cannot make a temporary folder: {error}"),
        })?;
    let launch = launch(
        root,
        &contract.target,
        contract.runtime.as_deref(),
        "call",
        folder.path(),
        options,
    )?;
    let mut harness = Harness::new(launch, folder.path().to_path_buf());
    // Started before the first call, so a module that does not load is an error of its own.
    harness.start()?;
    let limits = Limits {
        shrink_calls: options.shrink_calls,
        shrink_timeout_calls: options.shrink_calls.min(5),
    };
    let checked = check::check(contract, &mut harness, &limits)?;
    drop(harness);
    let function = function_text(&contract.target);
    let (path, line, code) = locate::definition(root, &contract.target).unwrap_or_else(|| {
        (
            contract.file.clone(),
            contract.function_line,
            format!("function: {function}"),
        )
    });
    let path = path.to_string_lossy().replace('\\', "/");
    let at = Definition {
        path: &path,
        line,
        code: &code,
    };
    for violation in &checked.violations {
        outcome
            .findings
            .push(finding(contract, &function, violation, &at));
    }
    if checked.not_objects > 0 {
        outcome.notices.push(Notice {
            level: NoticeLevel::Warning,
            path: Some(contract.file.display().to_string()),
            message: format!(
                "contract `{}`: {} generated input{} outside the schema {} not an object of arguments and cannot be passed by name: not called",
                contract.name,
                checked.not_objects,
                if checked.not_objects == 1 { "" } else { "s" },
                if checked.not_objects == 1 { "was" } else { "were" },
            ),
        });
    }
    if checked.starts > 1 {
        outcome.notices.push(Notice {
            level: NoticeLevel::Warning,
            path: Some(contract.file.display().to_string()),
            message: format!(
                "contract `{}`: the harness was started {} times (after timeouts or crashes)",
                contract.name, checked.starts
            ),
        });
    }
    outcome.checked.push(CheckedContract {
        name: contract.name.clone(),
        file: contract.file.clone(),
        function,
        calls: checked.calls,
        seed: contract.seed,
        findings: checked.violations.len(),
    });
    Ok(())
}

/// The function as the file names it: `python:pricing:apply_discount`.
fn function_text(target: &Target) -> String {
    match target {
        Target::Python { module, function } => format!("python:{module}:{function}"),
        Target::Node { path, export } => format!("node:{}#{export}", path.display()),
    }
}

/// Where a finding points: the function's definition.
struct Definition<'a> {
    path: &'a str,
    line: u64,
    /// The text of its line, the finding's snippet.
    code: &'a str,
}

fn finding(
    contract: &Contract,
    function: &str,
    violation: &Violation,
    at: &Definition<'_>,
) -> Finding {
    let Definition {
        path,
        line,
        code: snippet,
    } = *at;
    let input = check::compact(&violation.input);
    let origin = if let Some(example) = violation.example_line {
        format!("the example at {}:{example}", contract.file.display())
    } else {
        let shrunk = if violation.shrink_steps > 0 {
            let calls = if violation.shrink_steps == 1 {
                "call"
            } else {
                "calls"
            };
            format!(", shrunk in {} {calls}", violation.shrink_steps)
        } else {
            String::new()
        };
        let more = if violation.count > 1 {
            format!("; {} generated inputs failed this way", violation.count)
        } else {
            String::new()
        };
        format!(
            "the generated input{}{shrunk} (seed {}, {} cases){more}",
            if violation.inside {
                ""
            } else {
                " outside the input schema"
            },
            contract.seed,
            contract.cases
        )
    };
    let message = format!(
        "contract `{}`: `{function}` with input `{input}` from {origin}: {}",
        contract.name, violation.detail
    );
    let code = format!("{}\n{function}", contract.name);
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id: violation.kind.rule_id(),
        path,
        code: &code,
        scope: contract.target.function_name(),
        // A contract may have the same kind of failure inside and outside the schema.
        occurrence: u32::from(!violation.inside),
    });
    let line = u32::try_from(line).unwrap_or(1);
    let location = Location {
        path: path.into(),
        start: Position { line, column: 1 },
        end: Position { line, column: 1 },
    };
    let mut finding = Finding::new(
        violation.kind.rule_id(),
        Analyzer::Contracts,
        severity(&violation.kind),
        Confidence::High,
        message,
        location,
        fingerprint,
    );
    finding.snippet.push_str(snippet);
    finding
}

fn severity(kind: &Kind) -> Severity {
    match kind {
        Kind::Timeout | Kind::Crash => Severity::Medium,
        _ => Severity::High,
    }
}

/// The descriptors of the contract rules, for reports.
pub fn rules() -> Vec<RuleDescriptor> {
    let rule = |kind: Kind, summary: &str, help: &str| RuleDescriptor {
        id: kind.rule_id().to_owned(),
        language: "contract".to_owned(),
        summary: summary.to_owned(),
        help: help.to_owned(),
        severity: severity(&kind),
        confidence: Confidence::High,
        cwe: Vec::new(),
        owasp: Vec::new(),
        compliance: Vec::new(),
        ai_pattern: false,
    };
    vec![
        rule(
            Kind::Example,
            "A contract's example gives another output or error",
            "The function no longer gives what the contract's example says. Fix the function, or — when the business rule changed — the example.",
        ),
        rule(
            Kind::Exception,
            "The function raises on an input the contract accepts",
            "An input inside the contract's input schema made the function raise or throw. Handle it, or narrow the input schema if the input is not valid.",
        ),
        rule(
            Kind::Invariant,
            "The function's output breaks an invariant of its contract",
            "A CEL invariant over `input` and `output` is false for this input: the function computes something the business rule forbids.",
        ),
        rule(
            Kind::OutputSchema,
            "The function returns a value outside its contract's output schema",
            "The returned value does not match the output schema (or is not JSON). For inputs outside the input schema, raise an error instead of returning a wrong value.",
        ),
        rule(
            Kind::Timeout,
            "A call of the function runs past the contract's timeout",
            "The call did not end within the timeout and was killed: an endless loop, or work that grows too fast with the input.",
        ),
        rule(
            Kind::Crash,
            "A call of the function ends its process",
            "The interpreter ended during the call (exit, abort, out of memory, a crash in native code). A function must return or raise.",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_descriptor() {
        let ids: Vec<String> = rules().into_iter().map(|rule| rule.id).collect();
        for kind in [
            Kind::OutputSchema,
            Kind::Invariant,
            Kind::Example,
            Kind::Exception,
            Kind::Timeout,
            Kind::Crash,
        ] {
            assert!(ids.iter().any(|id| id == kind.rule_id()));
        }
    }

    #[test]
    fn missing_contract_folder_is_a_file_error() {
        let root = tempfile::tempdir().unwrap();
        let error = contract_files(root.path(), &[]).unwrap_err();
        assert!(
            matches!(error, ContractError::File { ref file, .. } if file == "contracts"),
            "{error}"
        );
    }
}
