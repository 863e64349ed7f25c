//! The performance gate's load tests (issue [11]): each runs against its service (started
//! first when the gate says how), its thresholds and its p95 baseline are checked, and a
//! breach is a finding at the test's line in agate.yaml. A test that cannot run (a
//! threshold that does not parse, a target that is not allowed, a service that does not
//! start, nothing answering) puts its gate in `error`.

use std::path::Path;

use agate_load::regression;
use agate_load::threshold::Threshold;
use agate_model::{
    Confidence, Finding, Fingerprint, FingerprintInput, LoadReport, LoadResultFile, LoadRun,
    LoadSource, LoadSpec, Location, Position, RegressionOutcome, Severity, ThresholdOutcome,
};
use agate_policy::Policy;

use crate::Event;
use crate::external::ExternalRun;
use crate::functional::{start_service, stop_service};

/// The most a stored result may weigh.
const MAX_RESULT_BYTES: u64 = 16 * 1024 * 1024;

/// Runs the load tests of the gates `environment` runs, one after another (load tests
/// side by side would measure each other).
pub(crate) fn run(
    root: &Path,
    policy: &Policy,
    environment: Option<&str>,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> ExternalRun {
    let mut run = ExternalRun::default();
    let Some(environment) = policy.environment(environment) else {
        return run;
    };
    let tests = policy.load_tests(&environment);
    if !tests.is_empty() {
        run.rules.extend(agate_load::rules());
    }
    for spec in &tests {
        progress(Event::LoadStarted(spec));
        let before = run.load.len();
        let outcome = load(root, spec, &mut run);
        if let Some(finished) = run.load.get(before) {
            progress(Event::LoadFinished(finished));
        }
        if let Err(error) = outcome {
            let at = format!("{}:{}", spec.defined_in.display(), spec.line);
            run.failed.push((
                spec.gate.clone(),
                format!("load test `{}` ({at}) could not run: {error}", spec.name),
            ));
        }
    }
    run
}

fn load(root: &Path, spec: &LoadSpec, run: &mut ExternalRun) -> Result<(), String> {
    let thresholds = spec
        .thresholds
        .iter()
        .map(|text| Threshold::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(file) = &spec.result {
        return read_result(root, spec, file, &thresholds, run);
    }
    let plan = plan(spec)?;
    let service = spec
        .start
        .as_ref()
        .map(|start| start_service(root, start))
        .transpose()
        .map_err(|error| format!("the service did not start: {error}"))?;
    let result = agate_load::run(&plan, &|_| {});
    if let Some(service) = service {
        stop_service(service, &format!("load test `{}`", spec.name), run);
    }
    let report = result.map_err(|error| error.to_string())?;
    if report.total.requests > 0 && report.total.errors.connect == report.total.requests {
        return Err(format!("nothing answered at `{}`", spec.url));
    }
    judge(root, spec, report, &thresholds, run)
}

/// The scenario's requests, their paths after the URL's; or the one request the URL names.
fn requests(spec: &LoadSpec, base: &str) -> Result<Vec<agate_load::RequestSpec>, String> {
    let template = |text: &str| agate_load::Template::parse(text);
    let body = |body: &Option<String>| body.as_deref().map(template).transpose();
    if spec.scenario.is_empty() {
        return Ok(vec![agate_load::RequestSpec {
            name: format!("{} {base}", spec.method),
            method: spec.method.clone(),
            path: template(base)?,
            headers: spec.headers.clone(),
            body: body(&spec.body)?,
            weight: 1,
            expect: spec.expect.clone(),
        }]);
    }
    let base = base.trim_end_matches('/');
    spec.scenario
        .iter()
        .map(|request| {
            let path = format!("{base}/{}", request.path.trim_start_matches('/'));
            let mut headers = spec.headers.clone();
            headers.extend(request.headers.iter().cloned());
            Ok(agate_load::RequestSpec {
                name: request.name.clone(),
                method: request.method.clone(),
                path: template(&path)?,
                headers,
                body: body(&request.body)?,
                weight: request.weight,
                expect: request.expect.clone(),
            })
        })
        .collect()
}

/// The generator's plan for `spec` (a loopback target only).
fn plan(spec: &LoadSpec) -> Result<agate_load::Plan, String> {
    let (host, target, path) = agate_load::target(&spec.url, false)?;
    Ok(agate_load::Plan {
        target,
        host,
        requests: requests(spec, &path)?,
        load: match spec.rate {
            Some(rate) => agate_load::Load::Open {
                rate,
                connections: spec.connections,
            },
            None => agate_load::Load::Closed {
                connections: spec.connections,
            },
        },
        duration: spec.duration,
        count: spec.requests,
        ramp_up: spec.ramp_up,
        warm_up: spec.warm_up,
        timeout: spec.timeout,
        threads: 2,
        seed: 1,
    })
}

/// Checks a run against the test's thresholds and baseline: findings for each breach, and
/// the run's results for the report.
fn judge(
    root: &Path,
    spec: &LoadSpec,
    report: LoadReport,
    thresholds: &[Threshold],
    run: &mut ExternalRun,
) -> Result<(), String> {
    let mut outcomes = Vec::new();
    for threshold in thresholds {
        let checked = threshold.check(&report)?;
        if !checked.passed {
            let message = format!(
                "load test `{}`: `{threshold}` failed: measured {} over {} requests",
                spec.name, checked.actual, report.total.requests
            );
            let at = (threshold.to_string(), checked.request.clone());
            run.findings
                .push(finding(root, spec, "load.threshold", &at, message));
        }
        outcomes.push(ThresholdOutcome {
            threshold: threshold.to_string(),
            passed: checked.passed,
            actual: checked.actual,
        });
    }
    let regressions = match (spec.max_regression, baseline(root, &spec.baseline)?) {
        (Some(allowed), Some(baseline)) => regression::compare(&report, &baseline, allowed),
        _ => Vec::new(),
    };
    for found in regressions.iter().filter(|found| found.regressed) {
        let of = found
            .request
            .as_ref()
            .map_or_else(String::new, |request| format!(" of `{request}`"));
        let message = format!(
            "load test `{}`: p95{of} is {:.2} ms against {:.2} ms in its baseline ({:+.1}%, more than the {}% allowed)",
            spec.name,
            found.p95_ms,
            found.baseline_p95_ms,
            found.worse_by_percent,
            spec.max_regression.unwrap_or_default()
        );
        let at = (String::new(), found.request.clone());
        run.findings
            .push(finding(root, spec, "load.regression", &at, message));
    }
    run.load.push(LoadRun {
        gate: spec.gate.clone(),
        name: spec.name.clone(),
        url: spec.url.clone(),
        model: if spec.rate.is_some() {
            "open"
        } else {
            "closed"
        }
        .to_owned(),
        result: report,
        thresholds: outcomes,
        regressions: regressions
            .into_iter()
            .map(|found| RegressionOutcome {
                request: found.request,
                baseline_p95_ms: found.baseline_p95_ms,
                p95_ms: found.p95_ms,
                worse_by_percent: found.worse_by_percent,
                regressed: found.regressed,
            })
            .collect(),
    });
    Ok(())
}

/// Judges a result another tool wrote; a k6 summary's own thresholds count as k6 evaluated
/// them.
fn read_result(
    root: &Path,
    spec: &LoadSpec,
    file: &LoadResultFile,
    thresholds: &[Threshold],
    run: &mut ExternalRun,
) -> Result<(), String> {
    let path = agate_fs::resolve_under(root, &file.path).map_err(|error| error.to_string())?;
    let text = agate_fs::read_to_string_bounded(&path, MAX_RESULT_BYTES)
        .map_err(|error| error.to_string())?;
    let shown = file.path.display();
    let (report, evaluated) = match file.from {
        LoadSource::K6 => agate_load::ingest::k6_summary(&text),
        LoadSource::Jmeter => {
            agate_load::ingest::jmeter_jtl(&text).map(|report| (report, Vec::new()))
        }
        LoadSource::Locust => {
            agate_load::ingest::locust_stats(&text).map(|report| (report, Vec::new()))
        }
    }
    .map_err(|error| format!("{shown}: {error}"))?;
    for threshold in evaluated.iter().filter(|threshold| threshold.failed) {
        let message = format!(
            "load test `{}`: k6's threshold `{}` failed in {shown}",
            spec.name, threshold.name
        );
        let at = (threshold.name.clone(), None);
        run.findings
            .push(finding(root, spec, "load.threshold", &at, message));
    }
    let before = run.load.len();
    judge(root, spec, report, thresholds, run)?;
    if let Some(load) = run.load.get_mut(before) {
        match file.from {
            LoadSource::K6 => "k6",
            LoadSource::Jmeter => "jmeter",
            LoadSource::Locust => "locust",
        }
        .clone_into(&mut load.model);
        load.url = shown.to_string();
        load.thresholds.splice(
            0..0,
            evaluated.into_iter().map(|threshold| ThresholdOutcome {
                threshold: format!("k6 {}", threshold.name),
                passed: !threshold.failed,
                actual: if threshold.failed {
                    "failed in k6"
                } else {
                    "passed in k6"
                }
                .to_owned(),
            }),
        );
    }
    Ok(())
}

/// The stored result (`.agate/perf/NAME.json`, or the test's `baseline`) under the root, if any.
fn baseline(root: &Path, stored: &Path) -> Result<Option<LoadReport>, String> {
    let path = root.join(stored);
    if !path.exists() {
        return Ok(None);
    }
    let path = agate_fs::resolve_under(root, stored).map_err(|error| error.to_string())?;
    let name = stored.display();
    let text = agate_fs::read_to_string_bounded(&path, MAX_RESULT_BYTES)
        .map_err(|error| error.to_string())?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|error| format!("{name} is not a load result: {error}"))
}

/// A finding at the test's line in agate.yaml (shown relative to the root), or at its
/// scenario request's line when it is about one request. `(key, request)`: what tells the
/// finding apart within the test, and the request it is about.
fn finding(
    root: &Path,
    spec: &LoadSpec,
    rule: &str,
    (key, request): &(String, Option<String>),
    message: String,
) -> Finding {
    let line = request
        .as_ref()
        .and_then(|name| spec.scenario.iter().find(|entry| entry.name == *name))
        .map_or(spec.line, |entry| entry.line);
    let path = spec
        .defined_in
        .strip_prefix(root)
        .unwrap_or(&spec.defined_in)
        .to_string_lossy()
        .replace('\\', "/");
    let start = Position {
        line: u32::try_from(line).unwrap_or(u32::MAX).max(1),
        column: 1,
    };
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id: rule,
        path: &path,
        code: &format!("{key}{}", request.as_deref().unwrap_or_default()),
        scope: &spec.name,
        occurrence: 0,
    });
    let mut finding = Finding::new(
        rule,
        agate_model::Analyzer::External,
        Severity::High,
        Confidence::High,
        message,
        Location {
            path: path.as_str().into(),
            start,
            end: start,
        },
        fingerprint,
    );
    finding.gate = Some(spec.gate.as_str().into());
    finding
}
