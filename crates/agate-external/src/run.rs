//! Running one configured check from start to findings, failing closed at every step.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use agate_model::{
    CheckCommand, CheckRun, CheckSpec, CheckStatus, Finding, RuleDescriptor, ToolFormat,
};

use crate::Parsed;
use crate::reported::Context;
use crate::sonarqube::SonarServer;
use agate_process::{Exit, Finished, MAX_REPORT_BYTES, execute};

/// Where checks run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions<'a> {
    /// The scan root: working directories and report paths are relative to it.
    pub root: &'a Path,
    /// The SonarQube server, for `sonarqube` checks.
    pub sonar: Option<&'a SonarServer>,
}

/// What one check produced.
#[derive(Debug)]
pub struct CheckOutcome {
    /// How it ran, for the report; `status: error` fails its gate closed.
    pub run: CheckRun,
    /// Its findings, in its gate.
    pub findings: Vec<Finding>,
    /// The descriptors of their rules.
    pub rules: Vec<RuleDescriptor>,
    /// Things that reduced its coverage.
    pub warnings: Vec<String>,
}

/// The placeholder in `run` replaced by the path the tool should write its report to.
const OUT: &str = "{out}";

/// Runs a check and reads its report.
pub fn run(spec: &CheckSpec, options: &RunOptions<'_>) -> CheckOutcome {
    let started = Instant::now();
    let mut outcome = CheckOutcome {
        run: CheckRun {
            name: spec.name.clone(),
            gate: spec.gate.clone(),
            format: spec.format,
            command: Vec::new(),
            status: CheckStatus::Ok,
            exit_code: None,
            duration_ms: 0,
            findings: 0,
            truncated: 0,
            error: None,
            stdout: String::new(),
            stderr: String::new(),
        },
        findings: Vec::new(),
        rules: Vec::new(),
        warnings: Vec::new(),
    };
    let result = attempt(spec, options, &mut outcome);
    outcome.run.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if let Err(error) = result {
        outcome.run.status = CheckStatus::Error;
        outcome.run.error = Some(error);
        // An untrusted run's findings are kept: they are real, just not all there is.
    }
    outcome.run.findings = outcome.findings.len() as u64;
    outcome
}

fn attempt(
    spec: &CheckSpec,
    options: &RunOptions<'_>,
    outcome: &mut CheckOutcome,
) -> Result<(), String> {
    let workdir = match &spec.workdir {
        Some(dir) => options.root.join(dir),
        None => options.root.to_path_buf(),
    };
    if !workdir.is_dir() {
        return Err(format!(
            "the working directory {} does not exist",
            workdir.display()
        ));
    }
    let scratch = agate_process::Scratch::new()
        .map_err(|error| format!("cannot create a temporary folder for the report: {error}"))?;
    let out = scratch.path().join(format!(
        "{}.{}",
        file_stem(&spec.name),
        extension(spec.format)
    ));
    let names_out = match &spec.command {
        Some(CheckCommand::Argv(argv)) => argv.iter().any(|arg| arg.contains(OUT)),
        Some(CheckCommand::Shell(script)) => script.contains(OUT),
        None => false,
    } || spec.env.iter().any(|(_, value)| value.contains(OUT));
    let report_file = match (&spec.report, names_out) {
        (Some(report), _) => Some(workdir.join(report)),
        (None, true) => Some(out.clone()),
        (None, false) => None,
    };
    let started = SystemTime::now();
    let text = match &spec.command {
        Some(command) => {
            let from_stdout = report_file.is_none() && spec.format != ToolFormat::Sonarqube;
            let output = run_command(spec, command, &workdir, &out, from_stdout, outcome)?;
            from_stdout.then_some(output)
        }
        None => None,
    };
    let text = match (text, &report_file, spec.format) {
        (Some(text), _, _) => text,
        (None, Some(file), _) => {
            if spec.report.is_some() {
                stays_under_root(options.root, file)?;
            }
            read_report(file, spec.command.is_some().then_some(started))
                .map_err(|why| why + &last_words(&outcome.run.stderr))?
        }
        (None, None, ToolFormat::Sonarqube) => {
            sonar_status(spec, options, &workdir, started, outcome)?
        }
        (None, None, _) => {
            return Err(
                "there is nothing to read: give `run` (a command) or `report` (a file)".to_owned(),
            );
        }
    };
    if text.trim().is_empty() {
        return Err(format!(
            "the tool wrote an empty report{}",
            last_words(&outcome.run.stderr)
        ));
    }
    let Parsed {
        reported,
        scanned,
        failures,
        mut warnings,
        dropped,
    } = crate::read(spec.format, &text, spec.max_results).map_err(|error| error.to_string())?;
    drop(text);
    let context = Context::new(options.root, &workdir, &spec.name, &spec.gate);
    let (findings, rules) = context.findings(reported, &mut warnings);
    let total = findings.len() as u64 + dropped;
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} of its {total} results are over `max_results: {}`: counted, not kept",
            spec.max_results
        ));
    }
    outcome.warnings.extend(
        warnings
            .iter()
            .map(|warning| format!("{}: {warning}", spec.name)),
    );
    outcome.findings = findings;
    outcome.rules = rules;
    outcome.run.truncated = dropped;
    if !failures.is_empty() {
        return Err(format!("the tool reported errors: {}", failures.join("; ")));
    }
    // Results not kept are not judged: one of them could be new and severe while the kept
    // ones are baselined, so a check over its cap cannot pass.
    if dropped > 0 {
        return Err(format!(
            "the tool reported {total} results, more than `max_results: {}`; {dropped} were not judged, so the check cannot pass: narrow what the tool scans or raise `max_results`",
            spec.max_results
        ));
    }
    if scanned == Some(0) {
        return Err("the tool scanned nothing (0 files): a check that checks nothing does not pass; check its paths and working directory".to_owned());
    }
    Ok(())
}

/// Runs the check's command; returns its standard output as text when that is the report
/// (`from_stdout`), else an empty string.
fn run_command(
    spec: &CheckSpec,
    command: &CheckCommand,
    workdir: &Path,
    out: &Path,
    from_stdout: bool,
    outcome: &mut CheckOutcome,
) -> Result<String, String> {
    let argv = argv_of(command, out);
    outcome.run.command.clone_from(&argv);
    let timeout = Duration::from_secs(spec.timeout_secs.max(1));
    // Some tools take their report path from the environment (jest-junit).
    let env: Vec<(String, String)> = spec
        .env
        .iter()
        .map(|(key, value)| (key.clone(), value.replace(OUT, &out.to_string_lossy())))
        .collect();
    let finished = execute(&argv, workdir, &env, timeout, from_stdout)
        .map_err(|error| start_error(&argv[0], &error))?;
    outcome.run.stderr = finished.stderr.tail();
    if !from_stdout {
        outcome.run.stdout = finished.stdout.tail();
    }
    outcome.run.exit_code = match finished.exit {
        Exit::Code(code) => Some(code),
        _ => None,
    };
    check_exit(spec, &finished)?;
    if !from_stdout {
        return Ok(String::new());
    }
    if finished.stdout.truncated {
        return Err(format!(
            "its output is larger than {} MiB",
            MAX_REPORT_BYTES >> 20
        ));
    }
    Ok(String::from_utf8_lossy(&finished.stdout.bytes).into_owned())
}

/// Refuses a configured report file that resolves outside the root, through `..` or a
/// link such as `report.json -> /etc/shadow`; a missing one is left to the read.
fn stays_under_root(root: &Path, file: &Path) -> Result<(), String> {
    let relative = file.strip_prefix(root).unwrap_or(file);
    match agate_fs::resolve_under(root, relative) {
        Err(agate_fs::FsError::OutsideRoot { .. }) => Err(format!(
            "the report {} resolves to a place outside the scan root (through a symbolic link); give a file inside it",
            file.display()
        )),
        _ => Ok(()),
    }
}

/// `: <the last line the tool wrote to standard error>`, or nothing: why a tool wrote no
/// report is usually there (`No module named pytest`).
fn last_words(stderr: &str) -> String {
    stderr
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map(|line| format!(" (it said: {})", crate::reported::one_line(line)))
        .unwrap_or_default()
}

/// The argv to run: `{out}` replaced in every argument, a shell script run by `sh -c`
/// with the path quoted.
fn argv_of(command: &CheckCommand, out: &Path) -> Vec<String> {
    let out = out.to_string_lossy();
    match command {
        CheckCommand::Argv(argv) => argv.iter().map(|arg| arg.replace(OUT, &out)).collect(),
        CheckCommand::Shell(script) => {
            let quoted = format!("'{}'", out.replace('\'', r"'\''"));
            vec![
                "sh".to_owned(),
                "-c".to_owned(),
                script.replace(OUT, &quoted),
            ]
        }
    }
}

fn start_error(program: &str, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound {
        format!("cannot start `{program}`: it is not installed or not on PATH")
    } else {
        format!("cannot start `{program}`: {error}")
    }
}

/// An exit the check does not expect is an error, with the end of what it said.
fn check_exit(spec: &CheckSpec, finished: &Finished) -> Result<(), String> {
    let said = || {
        let tail = finished.stderr.tail();
        let last = tail.lines().rev().find(|line| !line.trim().is_empty());
        last.map(|line| format!(": {}", crate::reported::one_line(line)))
            .unwrap_or_default()
    };
    match finished.exit {
        Exit::Code(code) if spec.exit_codes.contains(&code) => Ok(()),
        Exit::Code(code) => {
            let expected: Vec<String> = spec.exit_codes.iter().map(ToString::to_string).collect();
            Err(format!(
                "exited with code {code}, not {}{}",
                expected.join(" or "),
                said()
            ))
        }
        Exit::Signal(signal) => Err(format!("was killed by signal {signal}{}", said())),
        Exit::TimedOut => Err(format!(
            "did not finish within {} s and was stopped (raise `timeout` if it needs longer)",
            spec.timeout_secs
        )),
    }
}

/// Reads a report file; when the command just ran, one older than the run is stale.
fn read_report(file: &Path, written_after: Option<SystemTime>) -> Result<String, String> {
    read_report_file(file, written_after).map_err(|error| match error {
        ReportFileError::Missing => format!("the tool wrote no report at {}", file.display()),
        ReportFileError::Folder => format!(
            "{} is a folder, not a report file (does the tool take a folder for its output?)",
            file.display()
        ),
        ReportFileError::TooLarge => format!(
            "the report {} is larger than {} MiB",
            file.display(),
            MAX_REPORT_BYTES >> 20
        ),
        ReportFileError::Stale => format!(
            "the tool did not write its report: {} is older than this run",
            file.display()
        ),
        ReportFileError::Unreadable(why) => why,
    })
}

/// Why a report file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportFileError {
    /// There is no such file.
    Missing,
    /// It is a folder.
    Folder,
    /// It is larger than a report may be (256 MiB).
    TooLarge,
    /// It was written before the run that should have written it.
    Stale,
    /// Reading it failed.
    Unreadable(String),
}

/// Reads a report (tool output, coverage) of bounded size; with `written_after`, a file
/// older than that is stale (file systems with coarse timestamps round down by up to two
/// seconds, which is allowed for).
pub fn read_report_file(
    file: &Path,
    written_after: Option<SystemTime>,
) -> Result<String, ReportFileError> {
    read_report_file_within(file, written_after, MAX_REPORT_BYTES as u64)
}

/// [`read_report_file`] with another size limit.
pub(crate) fn read_report_file_within(
    file: &Path,
    written_after: Option<SystemTime>,
    max_bytes: u64,
) -> Result<String, ReportFileError> {
    let metadata = fs_err::metadata(file).map_err(|_| ReportFileError::Missing)?;
    if metadata.is_dir() {
        return Err(ReportFileError::Folder);
    }
    if let (Some(after), Ok(modified)) = (written_after, metadata.modified())
        && modified + Duration::from_secs(2) < after
    {
        return Err(ReportFileError::Stale);
    }
    // Bounded, and regular files only: `/dev/zero` or a FIFO named as the report is refused
    // before it is opened.
    let bytes = agate_fs::read_bounded(file, max_bytes).map_err(|error| match error {
        agate_fs::FsError::NotFound { .. } => ReportFileError::Missing,
        agate_fs::FsError::TooLarge { .. } => ReportFileError::TooLarge,
        other => ReportFileError::Unreadable(other.to_string()),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The quality gate status of this run's analysis: the scanner's task file (under the
/// working directory, inside the root; written after `started` when the check ran the
/// scanner) names the task to wait for.
fn sonar_status(
    spec: &CheckSpec,
    options: &RunOptions<'_>,
    workdir: &Path,
    started: SystemTime,
    outcome: &mut CheckOutcome,
) -> Result<String, String> {
    let ran_since = spec.command.is_some().then_some(started);
    let server = options
        .sonar
        .ok_or("SonarQube's URL is not set: export SONAR_HOST_URL (and SONAR_TOKEN)")?;
    let project = spec
        .project
        .as_deref()
        .ok_or("a `sonarqube` check needs `project:` (the SonarQube project key)")?;
    let task_file = workdir.join(
        spec.report_task
            .as_deref()
            .unwrap_or(Path::new(crate::sonarqube::DEFAULT_REPORT_TASK)),
    );
    stays_under_root(options.root, &task_file)?;
    let status = crate::sonarqube::fetch(
        server,
        &crate::sonarqube::StatusQuery {
            project,
            task_file: &task_file,
            task_required: spec.report_task.is_some() || ran_since.is_some(),
            written_after: ran_since,
            request_timeout: Duration::from_secs(spec.timeout_secs.clamp(1, 120)),
            wait: Duration::from_secs(spec.timeout_secs.max(1)),
        },
    )?;
    outcome.warnings.extend(
        status
            .warnings
            .into_iter()
            .map(|warning| format!("{}: {warning}", spec.name)),
    );
    Ok(status.answer)
}

/// A file name made of the check's name.
fn file_stem(name: &str) -> String {
    name.chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '-' {
                character
            } else {
                '_'
            }
        })
        .collect()
}

fn extension(format: ToolFormat) -> &'static str {
    match format {
        ToolFormat::Sarif => "sarif",
        ToolFormat::Junit => "xml",
        _ => "json",
    }
}
