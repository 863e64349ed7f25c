//! `agate load run`: an HTTP load test with thresholds and a regression check.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agate_load::regression::{self, Regression};
use agate_load::threshold::Threshold;
use agate_load::{Load, LoadReport, Plan, RequestSpec, Template};
use serde::Serialize;

use crate::args::{LoadCheckArgs, LoadFormat, LoadJudgeArgs, LoadRunArgs, LoadSource};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The most a stored result may weigh.
const MAX_RESULT_BYTES: u64 = 16 * 1024 * 1024;

/// What `--format json` writes.
#[derive(Serialize)]
struct Output<'a> {
    /// The URL loaded, or the result file read.
    url: &'a str,
    /// `closed`, `open`, or the tool that ran the test (`k6`, `jmeter`, `locust`).
    model: &'static str,
    #[serde(flatten)]
    report: &'a LoadReport,
    thresholds: Vec<ThresholdResult>,
    regressions: Vec<RegressionResult>,
    passed: bool,
}

#[derive(Serialize)]
struct ThresholdResult {
    threshold: String,
    passed: bool,
    actual: String,
}

#[derive(Serialize)]
struct RegressionResult {
    request: Option<String>,
    baseline_p95_ms: f64,
    p95_ms: f64,
    worse_by_percent: f64,
    regressed: bool,
}

pub(crate) fn run(args: &LoadRunArgs) -> anyhow::Result<ExitStatus> {
    let judge = &args.judge;
    let thresholds = parse_thresholds(judge)?;
    let plan = plan(args)?;
    let stored = stored_path(judge)?;
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let report = agate_load::run(&plan, &|progress| {
        if interactive {
            output::progress(&format!(
                "{:>5.1}s  {} requests  {} errors",
                progress.elapsed.as_secs_f64(),
                progress.done,
                progress.errors
            ));
        }
    })
    .map_err(|error| Failure::usage(error.to_string()))?;
    if interactive {
        output::progress_done();
    }
    if report.total.requests > 0 && report.total.errors.connect == report.total.requests {
        output::error(&format!(
            "could not connect to {}: nothing is listening there, or it refuses connections",
            plan.target
        ));
        return Ok(ExitStatus::Internal);
    }
    let model = match plan.load {
        Load::Closed { .. } => "closed",
        Load::Open { .. } => "open",
    };
    judge_report(
        judge,
        &args.url,
        model,
        &report,
        &thresholds,
        Vec::new(),
        stored.as_deref(),
    )
}

/// `agate load check`: a result k6, JMeter or Locust wrote.
pub(crate) fn check(args: &LoadCheckArgs) -> anyhow::Result<ExitStatus> {
    let judge = &args.judge;
    let thresholds = parse_thresholds(judge)?;
    let stored = stored_path(judge)?;
    let text = agate_fs::read_to_string_bounded(&args.result, MAX_RESULT_BYTES)
        .map_err(|error| Failure::usage(format!("cannot read the result: {error}")))?;
    let unreadable = |error: String| Failure::usage(format!("{}: {error}", args.result.display()));
    let (report, recorded) = match args.from {
        LoadSource::K6 => {
            let (report, evaluated) = agate_load::ingest::k6_summary(&text).map_err(unreadable)?;
            // k6's own thresholds count as they were evaluated.
            let recorded = evaluated
                .into_iter()
                .map(|threshold| ThresholdResult {
                    threshold: format!("k6 {}", threshold.name),
                    passed: !threshold.failed,
                    actual: if threshold.failed {
                        "failed in k6"
                    } else {
                        "passed in k6"
                    }
                    .to_owned(),
                })
                .collect();
            (report, recorded)
        }
        LoadSource::Jmeter => (
            agate_load::ingest::jmeter_jtl(&text).map_err(unreadable)?,
            Vec::new(),
        ),
        LoadSource::Locust => (
            agate_load::ingest::locust_stats(&text).map_err(unreadable)?,
            Vec::new(),
        ),
    };
    let source = args.result.display().to_string();
    let model = match args.from {
        LoadSource::K6 => "k6",
        LoadSource::Jmeter => "jmeter",
        LoadSource::Locust => "locust",
    };
    judge_report(
        judge,
        &source,
        model,
        &report,
        &thresholds,
        recorded,
        stored.as_deref(),
    )
}

fn parse_thresholds(judge: &LoadJudgeArgs) -> anyhow::Result<Vec<Threshold>> {
    judge
        .threshold
        .iter()
        .map(|text| Threshold::parse(text).map_err(Failure::usage))
        .collect()
}

/// Checks `report` against the thresholds and the stored result, prints it, records it when
/// asked; exit 1 when anything failed.
fn judge_report(
    judge: &LoadJudgeArgs,
    url: &str,
    model: &'static str,
    report: &LoadReport,
    thresholds: &[Threshold],
    mut recorded: Vec<ThresholdResult>,
    stored: Option<&Path>,
) -> anyhow::Result<ExitStatus> {
    let baseline = match stored {
        Some(path) if path.exists() => Some(read_result(path)?),
        _ => None,
    };
    for threshold in thresholds {
        let checked = threshold.check(report).map_err(Failure::usage)?;
        recorded.push(ThresholdResult {
            threshold: threshold.to_string(),
            passed: checked.passed,
            actual: checked.actual,
        });
    }
    let regressions = baseline
        .as_ref()
        .map(|baseline| regression::compare(report, baseline, judge.max_regression))
        .unwrap_or_default();
    let passed = recorded.iter().all(|threshold| threshold.passed)
        && regressions.iter().all(|found| !found.regressed);
    let out = Output {
        url,
        model,
        report,
        thresholds: recorded,
        regressions: regressions.iter().map(regression_result).collect(),
        passed,
    };
    output::emit(judge.output.as_deref(), |writer| match judge.format {
        LoadFormat::Json => {
            serde_json::to_writer_pretty(&mut *writer, &out)?;
            writeln!(writer)
        }
        LoadFormat::Terminal => terminal(writer, &out, &regressions),
    })?;
    if judge.update_baseline
        && let Some(path) = stored
    {
        if let Some(parent) = path.parent() {
            fs_err::create_dir_all(parent)?;
        }
        agate_fs::write_atomic(path, |file| {
            serde_json::to_writer_pretty(&mut *file, report)?;
            writeln!(file)
        })?;
        output::note(&format!(
            "recorded this run as the baseline in {}",
            path.display()
        ));
    }
    Ok(if passed {
        ExitStatus::Pass
    } else {
        ExitStatus::Blocked
    })
}

fn regression_result(found: &Regression) -> RegressionResult {
    RegressionResult {
        request: found.request.clone(),
        baseline_p95_ms: found.baseline_p95_ms,
        p95_ms: found.p95_ms,
        worse_by_percent: found.worse_by_percent,
        regressed: found.regressed,
    }
}

fn terminal(
    writer: &mut dyn Write,
    out: &Output<'_>,
    regressions: &[Regression],
) -> std::io::Result<()> {
    let report = out.report;
    writeln!(
        writer,
        "{} model, {:.1} s measured: {} requests, {:.1} rps, {} errors ({:.2}%)",
        out.model,
        report.measured_seconds,
        report.total.requests,
        report.total.rps,
        report.total.errors.total(),
        report.total.error_rate()
    )?;
    writeln!(
        writer,
        "\n{:<28} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "request", "requests", "rps", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms", "errors"
    )?;
    let rows = std::iter::once(("(all)".to_owned(), &report.total)).chain(
        report
            .requests
            .iter()
            .map(|request| (request.name.clone(), &request.stats)),
    );
    for (name, stats) in rows {
        let latency = &stats.latency_ms;
        writeln!(
            writer,
            "{:<28} {:>9} {:>9.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>7}",
            agate_report::escape_lines(&name),
            stats.requests,
            stats.rps,
            latency.p50,
            latency.p90,
            latency.p95,
            latency.p99,
            latency.max,
            stats.errors.total()
        )?;
    }
    if !out.thresholds.is_empty() {
        writeln!(writer)?;
    }
    for threshold in &out.thresholds {
        let mark = if threshold.passed { "pass" } else { "FAIL" };
        writeln!(
            writer,
            "{mark}  {}  (measured {})",
            threshold.threshold, threshold.actual
        )?;
    }
    for found in regressions {
        let mark = if found.regressed { "FAIL" } else { "pass" };
        writeln!(
            writer,
            "{mark}  p95{} {:.2}ms against {:.2}ms in the baseline ({:+.1}%)",
            found
                .request
                .as_ref()
                .map(|name| format!("{{{name}}}"))
                .unwrap_or_default(),
            found.p95_ms,
            found.baseline_p95_ms,
            found.worse_by_percent
        )?;
    }
    Ok(())
}

/// The plan the flags describe.
fn plan(args: &LoadRunArgs) -> anyhow::Result<Plan> {
    let usage = |message: String| Failure::usage(message);
    let (host, target, path) = agate_load::target(&args.url, args.allow_remote).map_err(usage)?;
    let duration_of = |text: &Option<String>| -> anyhow::Result<Option<Duration>> {
        text.as_deref()
            .map(|text| {
                agate_model::parse_duration(text).ok_or_else(|| {
                    format!("`{text}` is not a duration (write e.g. `250ms`, `30s`, `2m`)")
                })
            })
            .transpose()
            .map_err(usage)
    };
    let load = match &args.rate {
        Some(rate) => Load::Open {
            rate: agate_model::parse_rate(rate).map_err(usage)?,
            connections: args.connections,
        },
        None => Load::Closed {
            connections: args.connections,
        },
    };
    let duration = duration_of(&args.duration)?;
    let body = args
        .body
        .as_deref()
        .map(Template::parse)
        .transpose()
        .map_err(usage)?;
    let headers = args
        .header
        .iter()
        .map(|header| {
            header
                .split_once(':')
                .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
                .ok_or_else(|| usage(format!("`{header}` is not a header (write `Name: value`)")))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let method = args.method.to_ascii_uppercase();
    Ok(Plan {
        target,
        host,
        requests: vec![RequestSpec {
            name: format!("{method} {path}"),
            method,
            path: Template::parse(&path).map_err(usage)?,
            headers,
            body,
            weight: 1,
            expect: args.expect.clone(),
        }],
        load,
        duration: if duration.is_none() && args.requests.is_none() {
            Some(Duration::from_secs(10))
        } else {
            duration
        },
        count: args.requests,
        ramp_up: duration_of(&args.ramp_up)?.unwrap_or_default(),
        warm_up: duration_of(&args.warm_up)?.unwrap_or_default(),
        timeout: duration_of(&Some(args.timeout.clone()))?.unwrap_or(Duration::from_secs(10)),
        threads: args.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        }),
        seed: args.seed,
    })
}

/// Where this run's result is kept: `--baseline PATH`, or `.agate/perf/NAME.json`.
fn stored_path(args: &LoadJudgeArgs) -> anyhow::Result<Option<PathBuf>> {
    if let Some(path) = &args.baseline {
        return Ok(Some(path.clone()));
    }
    let Some(name) = &args.name else {
        return Ok(None);
    };
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        return Err(Failure::usage(format!(
            "`{name}` cannot name a result file: use letters, digits, `-`, `_` and `.`"
        )));
    }
    Ok(Some(Path::new(".agate/perf").join(format!("{name}.json"))))
}

fn read_result(path: &Path) -> anyhow::Result<LoadReport> {
    let text = agate_fs::read_to_string_bounded(path, MAX_RESULT_BYTES)
        .map_err(|error| Failure::usage(format!("cannot read the baseline: {error}")))?;
    serde_json::from_str(&text).map_err(|error| {
        Failure::usage(format!(
            "{}: not a load result ({error}); record one with --update-baseline",
            path.display()
        ))
    })
}
