//! `gates.NAME.external` entries checked and turned into [`CheckSpec`]s.

use std::path::{Component, Path, PathBuf};
use std::str::FromStr as _;

use agate_model::{CheckCommand, CheckSpec, CoverageSpec, ToolFormat};

use crate::error::{Place, PolicyError};
use crate::options::{CommandValue, CoverageOptions, ExternalOptions, TimeoutValue};

/// How long a check may run unless it says otherwise.
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 15 * 60;

/// Exit codes that mean a tool ran, unless a check says otherwise: most tools exit 1 when
/// they find something.
pub(crate) const DEFAULT_EXIT_CODES: [i32; 2] = [0, 1];

/// The most results a check keeps unless it says otherwise: enough for any tool scoped to
/// a project, few enough that the report stays readable and memory small.
pub(crate) const DEFAULT_MAX_RESULTS: u64 = 10_000;

/// The highest `max_results` a check may set: a million findings is as many as one run
/// holds in memory.
pub(crate) const HIGHEST_MAX_RESULTS: u64 = 1_000_000;

/// Checks one entry of `gates.GATE.external`.
pub(crate) fn check_spec(
    gate: &str,
    options: &ExternalOptions,
    at: &Place,
) -> Result<CheckSpec, PolicyError> {
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("gates.{gate}.external `{}`: {message}", options.name),
        help: help.to_owned(),
    };
    let name_ok = !options.name.is_empty()
        && options
            .name
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "-_.".contains(character));
    if !name_ok {
        return Err(invalid(
            "the name may hold only letters, digits, `-`, `_` and `.`".to_owned(),
            "it starts the rule ids of the check's findings, e.g. `semgrep/python.lang.eval`",
        ));
    }
    let format = ToolFormat::from_str(&options.format).map_err(|error| {
        let known: Vec<String> = ToolFormat::ALL
            .iter()
            .map(|format| format.as_str().to_owned())
            .collect();
        PolicyError::Invalid {
            at: at.clone(),
            message: format!("gates.{gate}.external `{}`: {error}", options.name),
            help: crate::error::suggestion(&options.format, &known),
        }
    })?;
    let command = command_of(options, &invalid)?;
    if command.is_none() && options.report.is_none() && format != ToolFormat::Sonarqube {
        return Err(invalid(
            "it has neither `run` nor `report`".to_owned(),
            "give `run` (the command; `{out}` is where it writes its report) or `report` (a file an earlier step wrote)",
        ));
    }
    if format == ToolFormat::Sonarqube && options.project.is_none() {
        return Err(invalid(
            "a `sonarqube` check needs `project`".to_owned(),
            "`project: KEY` is the SonarQube project key; the server comes from SONAR_HOST_URL and SONAR_TOKEN",
        ));
    }
    if format != ToolFormat::Sonarqube && options.report_task.is_some() {
        return Err(invalid(
            "`report_task` is for `sonarqube` checks only".to_owned(),
            "drop it, or set `format: sonarqube`",
        ));
    }
    let timeout_secs = match &options.timeout {
        None => DEFAULT_TIMEOUT_SECS,
        Some(TimeoutValue::Seconds(seconds)) => *seconds,
        Some(TimeoutValue::Text(text)) => parse_duration(text).ok_or_else(|| {
            invalid(
                format!("`timeout: {text}` is not a duration"),
                "write seconds (600) or a number with s, m or h (90s, 10m, 1h)",
            )
        })?,
    };
    if options.exit_codes.as_ref().is_some_and(Vec::is_empty) {
        return Err(invalid(
            "`exit_codes` is empty, so every run would be an error".to_owned(),
            "list the codes that mean the tool ran, e.g. [0, 1]",
        ));
    }
    if timeout_secs == 0 {
        return Err(invalid(
            "`timeout` is zero".to_owned(),
            "give the longest the tool may run, e.g. 10m",
        ));
    }
    let max_results = max_results_of(options, &invalid)?;
    let inside = |value: &Option<String>, key: &str| -> Result<Option<PathBuf>, PolicyError> {
        match value {
            Some(path) if !stays_inside(Path::new(path)) => Err(invalid(
                format!("`{key}: {path}` leaves the scan root"),
                "give a path relative to the scan root, without `..`",
            )),
            other => Ok(other.as_ref().map(PathBuf::from)),
        }
    };
    Ok(CheckSpec {
        name: options.name.clone(),
        gate: gate.to_owned(),
        command,
        format,
        workdir: inside(&options.workdir, "workdir")?,
        env: options
            .env
            .iter()
            .flatten()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
        timeout_secs,
        exit_codes: options
            .exit_codes
            .clone()
            .unwrap_or_else(|| DEFAULT_EXIT_CODES.to_vec()),
        report: inside(&options.report, "report")?,
        project: options.project.clone(),
        report_task: inside(&options.report_task, "report_task")?,
        max_results,
    })
}

/// `max_results`, checked: from 1 to [`HIGHEST_MAX_RESULTS`], default
/// [`DEFAULT_MAX_RESULTS`].
fn max_results_of(
    options: &ExternalOptions,
    invalid: &impl Fn(String, &str) -> PolicyError,
) -> Result<usize, PolicyError> {
    let max_results = options.max_results.unwrap_or(DEFAULT_MAX_RESULTS);
    if !(1..=HIGHEST_MAX_RESULTS).contains(&max_results) {
        return Err(invalid(
            format!("`max_results: {max_results}` is out of range"),
            &format!(
                "give a number from 1 to {HIGHEST_MAX_RESULTS} (default {DEFAULT_MAX_RESULTS})"
            ),
        ));
    }
    Ok(usize::try_from(max_results).unwrap_or(usize::MAX))
}

/// `run` and `shell` as a command: an argv list, or one line only with `shell: true`.
fn command_of(
    options: &ExternalOptions,
    invalid: &impl Fn(String, &str) -> PolicyError,
) -> Result<Option<CheckCommand>, PolicyError> {
    let shell = options.shell.unwrap_or(false);
    Ok(match (&options.run, shell) {
        (None, _) => None,
        (Some(CommandValue::Argv(argv)), false) => {
            if argv.first().is_none_or(|program| program.trim().is_empty()) {
                return Err(invalid(
                    "`run` is empty".to_owned(),
                    "give the program and its arguments, e.g. [\"bandit\", \"-r\", \".\", \"-f\", \"json\"]",
                ));
            }
            Some(CheckCommand::Argv(argv.clone()))
        }
        (Some(CommandValue::Line(line)), true) => Some(CheckCommand::Shell(line.clone())),
        (Some(CommandValue::Line(_)), false) => {
            return Err(invalid(
                "`run` is a string, which would need a shell".to_owned(),
                "give an argv list, e.g. [\"semgrep\", \"scan\", \"--sarif\", \"--output\", \"{out}\"], or add `shell: true` to run the line with sh -c",
            ));
        }
        (Some(CommandValue::Argv(_)), true) => {
            return Err(invalid(
                "`shell: true` needs `run` as one command line".to_owned(),
                "write `run: \"tool --flag | other\"`, or drop `shell: true` to run the list directly",
            ));
        }
    })
}

/// Checks `gates.GATE.coverage`: reports inside the root, minimums between 0 and 100.
pub(crate) fn coverage_spec(
    gate: &str,
    options: &CoverageOptions,
    at: &Place,
) -> Result<CoverageSpec, PolicyError> {
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("gates.{gate}.coverage: {message}"),
        help: help.to_owned(),
    };
    if options.reports.is_empty() {
        return Err(invalid(
            "`reports` is empty".to_owned(),
            "list the coverage files your tests write, e.g. [coverage.xml] or [coverage/lcov.info]",
        ));
    }
    for report in &options.reports {
        if !stays_inside(Path::new(report)) {
            return Err(invalid(
                format!("`{report}` leaves the scan root"),
                "give a path relative to the scan root, without `..`",
            ));
        }
    }
    for (key, value) in [
        ("new_lines", options.new_lines),
        ("ai_lines", options.ai_lines),
    ] {
        if let Some(value) = value
            && !(0.0..=100.0).contains(&value)
        {
            return Err(invalid(
                format!("`{key}: {value}` is not a percentage"),
                "write a number from 0 to 100, e.g. 80",
            ));
        }
    }
    if options.new_lines.is_none() && options.ai_lines.is_none() {
        return Err(invalid(
            "it sets no minimum".to_owned(),
            "set `new_lines` and/or `ai_lines`, e.g. new_lines: 80",
        ));
    }
    Ok(CoverageSpec {
        gate: gate.to_owned(),
        reports: options.reports.iter().map(PathBuf::from).collect(),
        new_lines: options.new_lines,
        ai_lines: options.ai_lines,
    })
}

/// Whether a relative path stays below where it starts.
pub(crate) fn stays_inside(path: &Path) -> bool {
    let mut depth = 0_i32;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

/// `90`, `90s`, `10m`, `1h` in seconds.
pub(crate) fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let number: u64 = number.parse().ok()?;
    let scale = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return None,
    };
    number.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("10m"), Some(600));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("1d"), None);
        assert_eq!(parse_duration("m"), None);
    }

    fn options(run: Option<CommandValue>, shell: Option<bool>) -> ExternalOptions {
        ExternalOptions {
            name: "tool".to_owned(),
            run,
            shell,
            format: "sarif".to_owned(),
            workdir: None,
            env: None,
            timeout: None,
            exit_codes: None,
            report: None,
            project: None,
            report_task: None,
            max_results: None,
        }
    }

    fn message(options: &ExternalOptions) -> String {
        match check_spec("security", options, &Place::file("agate.yaml")) {
            Ok(_) => String::new(),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn commands_are_argv_lists_unless_a_shell_is_asked_for() {
        let argv = CommandValue::Argv(vec!["tool".to_owned(), "{out}".to_owned()]);
        let line = CommandValue::Line("tool | tee {out}".to_owned());
        let spec = check_spec(
            "security",
            &options(Some(argv.clone()), None),
            &Place::file("agate.yaml"),
        )
        .unwrap();
        assert_eq!(
            spec.command,
            Some(CheckCommand::Argv(vec![
                "tool".to_owned(),
                "{out}".to_owned()
            ]))
        );
        assert_eq!(spec.exit_codes, [0, 1]);
        assert_eq!(spec.timeout_secs, DEFAULT_TIMEOUT_SECS);
        assert_eq!(spec.max_results, 10_000);
        assert!(message(&options(Some(line.clone()), None)).contains("`run` is a string"));
        assert!(
            message(&options(Some(argv), Some(true)))
                .contains("`shell: true` needs `run` as one command line")
        );
        let spec = check_spec(
            "security",
            &options(Some(line), Some(true)),
            &Place::file("agate.yaml"),
        )
        .unwrap();
        assert_eq!(
            spec.command,
            Some(CheckCommand::Shell("tool | tee {out}".to_owned()))
        );
        assert!(message(&options(None, None)).contains("neither `run` nor `report`"));
        assert!(
            message(&ExternalOptions {
                exit_codes: Some(Vec::new()),
                ..options(Some(CommandValue::Argv(vec!["t".to_owned()])), None)
            })
            .contains("`exit_codes` is empty")
        );
        assert!(
            message(&ExternalOptions {
                workdir: Some("../up".to_owned()),
                ..options(Some(CommandValue::Argv(vec!["t".to_owned()])), None)
            })
            .contains("leaves the scan root")
        );
        for out_of_range in [0, HIGHEST_MAX_RESULTS + 1] {
            assert!(
                message(&ExternalOptions {
                    max_results: Some(out_of_range),
                    ..options(Some(CommandValue::Argv(vec!["t".to_owned()])), None)
                })
                .contains(&format!("`max_results: {out_of_range}` is out of range")),
            );
        }
        assert!(
            message(&ExternalOptions {
                name: "a b".to_owned(),
                ..options(Some(CommandValue::Argv(vec!["t".to_owned()])), None)
            })
            .contains("the name may hold only")
        );
    }

    #[test]
    fn paths_stay_inside() {
        assert!(stays_inside(Path::new("service/reports")));
        assert!(stays_inside(Path::new("a/../b")));
        assert!(!stays_inside(Path::new("../elsewhere")));
        assert!(!stays_inside(Path::new("/etc")));
    }
}
