//! Writing reports: every `--format`/`--output` pair of a run, and `agate report convert`.

use std::path::Path;
use std::time::SystemTime;

use agate_model::{REPORT_SCHEMA_VERSION, Report};
use agate_report::{Format, RenderOptions};
use anyhow::Context as _;

use crate::args::{ColorArg, FormatArg, Target};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// Renders `report` once per target, files atomically, the rest to standard output in
/// order; when reports went only to files, one summary line goes to standard error.
pub(crate) fn write_all(
    report: &Report,
    targets: &[Target],
    color: ColorArg,
    started: SystemTime,
) -> anyhow::Result<()> {
    let finished = SystemTime::now();
    let mut options = RenderOptions {
        color: false,
        started: agate_model::Date::timestamp(agate_model::Date::unix_seconds(started)),
        finished: agate_model::Date::timestamp(agate_model::Date::unix_seconds(finished)),
        source_url: crate::ci::source_url(),
        report_url: crate::ci::run_url(),
    };
    let default = [Target {
        format: FormatArg::Terminal,
        output: None,
    }];
    let targets = if targets.is_empty() {
        &default[..]
    } else {
        targets
    };
    for target in targets {
        let format = target.format.format();
        options.color =
            target.output.is_none() && format == Format::Terminal && output::stdout_color(color);
        output::emit(target.output.as_deref(), |out| {
            agate_report::render(report, format, &options, out)
        })?;
    }
    let files: Vec<String> = targets
        .iter()
        .filter_map(|target| target.output.as_ref())
        .map(|path| format!("`{}`", path.display()))
        .collect();
    let terminal_on_stdout = targets
        .iter()
        .any(|target| target.output.is_none() && target.format == FormatArg::Terminal);
    if !files.is_empty() && !terminal_on_stdout {
        // The reports went to files; the CI log still gets one line saying what happened.
        output::note(&format!(
            "{} Report{} written to {}.",
            agate_report::terminal::summary(report),
            if files.len() == 1 { "" } else { "s" },
            files.join(", ")
        ));
    }
    Ok(())
}

/// The largest JSON report `report convert` reads: a report of a million findings is about
/// 200 MiB; a bound keeps `/dev/zero` or a runaway file from exhausting memory.
const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a JSON report agate wrote (`--format json`); anything else is a usage error
/// that says what the file is.
pub(crate) fn read(path: &Path) -> anyhow::Result<Report> {
    let text = agate_fs::read_to_string_bounded(path, MAX_REPORT_BYTES)
        .map_err(|error| Failure::usage(error.to_string()))?;
    // A good report is parsed once; only a bad one is looked at again, to say what it is.
    let parsed = match serde_json::from_str::<Report>(&text) {
        Ok(report) if readable(report.schema_version) => return Ok(report),
        parsed => parsed,
    };
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|error| {
            Failure::usage(format!(
                "{}:{}:{}: not JSON: {error}",
                path.display(),
                error.line(),
                error.column()
            ))
        })?
        .get("schema_version")
        .and_then(serde_json::Value::as_u64);
    if !version
        .and_then(|version| u32::try_from(version).ok())
        .is_some_and(readable)
    {
        return Err(Failure::usage(format!(
            "{} is not an agate report of schema version 1 to {REPORT_SCHEMA_VERSION} (write one with `--format json`)",
            path.display()
        )));
    }
    parsed.map_err(|error| {
        Failure::usage(format!(
            "{}:{}:{}: not an agate report: {error}",
            path.display(),
            error.line(),
            error.column()
        ))
    })
}

/// Whether this build reads reports of `version`: version 1 lacks only `run`, which is
/// optional.
fn readable(version: u32) -> bool {
    (1..=REPORT_SCHEMA_VERSION).contains(&version)
}

/// `agate report convert`: reads a JSON report and renders it as `to`, redacted.
pub(crate) fn convert(
    path: &Path,
    to: FormatArg,
    output: Option<&Path>,
) -> anyhow::Result<ExitStatus> {
    let mut report = read(path)?;
    // A report written elsewhere, or by an older agate, is shown redacted as well.
    let secrets = crate::output::bundled_secrets()
        .ok_or_else(|| anyhow::anyhow!("the bundled secret rules are broken"))?;
    report.redact(secrets);
    let modified = fs_err::metadata(path)
        .and_then(|metadata| metadata.modified())
        .context("cannot read the report's time")?;
    let target = Target {
        format: to,
        output: output.map(Path::to_path_buf),
    };
    write_all(&report, &[target], ColorArg::Auto, modified)?;
    Ok(ExitStatus::Pass)
}
