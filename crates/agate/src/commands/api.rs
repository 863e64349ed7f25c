//! `agate api test`: start the service when asked, test it against its OpenAPI document,
//! stop it, and render the findings (with the service's logs as a notice) like a scan's.

use std::time::{Duration, SystemTime};

use agate_api::{ApiError, Options};
use agate_model::{Notice, NoticeLevel, REPORT_SCHEMA_VERSION, Report, ScanStats, Tool};
use agate_process::{Service, ServiceSpec};
use anyhow::Context as _;

use crate::args::ApiTestArgs;
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// How long a stopped service has to exit after TERM before its group is killed.
const GRACE: Duration = Duration::from_secs(5);

pub(crate) fn test(args: &ApiTestArgs) -> anyhow::Result<ExitStatus> {
    let started = SystemTime::now();
    let root = match &args.root {
        Some(root) => root.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let mut options = Options::new(args.base_url.clone());
    options.allow_remote = args.allow_remote;
    options.allow_destructive = args.allow_destructive;
    options.max_requests_per_operation = args.max_requests_per_operation;
    options.max_requests = args.max_requests;
    options.slow_response = args.slow;
    options.seed = args.seed;
    // The target is checked before anything starts: a remote URL is refused up front.
    agate_api::Target::check(&args.base_url, args.allow_remote)
        .map_err(|error| api_error(&error))?;
    let service = match &args.start {
        Some(command) => Some(start(args, command, &root)?),
        None => None,
    };
    let result = agate_api::run(&args.spec, &root, &options);
    let logs = service.map(|(service, argv)| (argv, service.stop_and_collect()));
    let mut notices = Vec::new();
    if let Some((argv, logs)) = &logs
        && !logs.is_empty()
    {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: format!(
                "the service `{}` wrote (its last {} KiB at most):\n{logs}",
                argv.join(" "),
                agate_process::LOG_BYTES / 1024
            ),
        });
    }
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            let mut message = error.to_string();
            if let Some((_, logs)) = &logs {
                let last: Vec<&str> = logs.lines().rev().take(20).collect();
                let last: Vec<&str> = last.into_iter().rev().collect();
                message.push_str("\nthe service's last log lines:\n");
                message.push_str(&last.join("\n"));
            }
            return Err(api_error_with(&error, message));
        }
    };
    output::note(&format!(
        "agate api: sent {} requests from `{}` to `{}`",
        outcome.requests_sent,
        args.spec.display(),
        args.base_url
    ));
    notices.extend(outcome.notices);
    let blocked = !outcome.findings.is_empty();
    let mut findings = outcome.findings;
    // Each finding's snippet is its operation's line in the document.
    for finding in &mut findings {
        finding.snippet =
            agate_external::source_line(&root, &finding.location.path, finding.location.start.line)
                .unwrap_or_default();
    }
    findings.sort_by(|left, right| left.sort_key().cmp(&right.sort_key()));
    let rules = agate_api::rules()
        .into_iter()
        .filter(|rule| findings.iter().any(|finding| *finding.rule_id == *rule.id))
        .collect();
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        run: None,
        tool: Tool {
            name: "agate".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        findings,
        rules,
        notices,
        stats: ScanStats::default(),
        checks: Vec::new(),
        coverage: Vec::new(),
        load: Vec::new(),
        compliance: Vec::new(),
        reviews: Vec::new(),
        verdict: None,
    };
    let secrets = output::bundled_secrets()
        .ok_or_else(|| anyhow::anyhow!("the bundled secret rules are broken"))?;
    report.redact(secrets);
    crate::commands::report::write_all(&report, &args.out.targets, args.out.color, started)?;
    Ok(if blocked {
        ExitStatus::Blocked
    } else {
        ExitStatus::Pass
    })
}

/// Starts the service of `--start` and waits for `--ready` (else the base URL).
fn start(
    args: &ApiTestArgs,
    command: &[String],
    root: &std::path::Path,
) -> anyhow::Result<(Service, Vec<String>)> {
    let spec = ServiceSpec {
        argv: command.to_vec(),
        env: args
            .env
            .iter()
            .map(|pair| {
                pair.split_once('=')
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .ok_or_else(|| Failure::usage(format!("`--env {pair}` is not NAME=VALUE")))
            })
            .collect::<anyhow::Result<_>>()?,
        workdir: root.to_path_buf(),
        ready: args.ready.clone().unwrap_or_else(|| args.base_url.clone()),
        ready_timeout: args.ready_timeout,
        grace: GRACE,
    };
    let service = Service::start(&spec).map_err(|error| {
        let secrets = output::bundled_secrets();
        let message = error.to_string();
        let message = secrets.map_or(message.clone(), |secrets| {
            agate_model::Redactor::redact_tool_output(secrets, &message).into_owned()
        });
        anyhow::anyhow!(message)
    })?;
    Ok((service, command.to_vec()))
}

fn api_error(error: &ApiError) -> anyhow::Error {
    let message = error.to_string();
    api_error_with(error, message)
}

/// A bad document or target exits 2; an unreachable service 3.
fn api_error_with(error: &ApiError, message: String) -> anyhow::Error {
    match error {
        ApiError::Read(_) | ApiError::Spec { .. } | ApiError::Target(_) => Failure::usage(message),
        ApiError::Unreachable { .. } => {
            let secrets = output::bundled_secrets();
            let message = secrets.map_or(message.clone(), |secrets| {
                agate_model::Redactor::redact_tool_output(secrets, &message).into_owned()
            });
            anyhow::anyhow!(message)
        }
    }
}

/// `90`, `90s`, `500ms`, `2m` as a duration.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|character: char| !character.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration; write e.g. `30s`, `500ms` or `2m`"))?;
    match unit {
        "" | "s" => Ok(Duration::from_secs(number)),
        "ms" => Ok(Duration::from_millis(number)),
        "m" => Ok(Duration::from_secs(number.saturating_mul(60))),
        _ => Err(format!(
            "`{text}` is not a duration; write e.g. `30s`, `500ms` or `2m`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
    }
}
