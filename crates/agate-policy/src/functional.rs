//! `gates.NAME.contracts` and `gates.NAME.api` checked and turned into [`ContractsSpec`] and
//! [`ApiSpec`].

use std::path::{Path, PathBuf};

use agate_model::{
    ApiSpec, ContractsSpec, LoadResultFile, LoadSource, LoadSpec, ScenarioRequest, ServiceSpec,
};

use crate::error::{Place, PolicyError};
use crate::external::{seconds, stays_inside};
use crate::options::{
    ApiOptions, ContractsValue, LoadLimits, LoadOptions, ServiceOptions, TimeoutValue,
};

/// Where contracts are when `contracts:` names no path.
const DEFAULT_CONTRACTS: &str = "contracts";

/// How long a started service may take to become ready unless it says otherwise.
const DEFAULT_READY_SECS: u64 = 30;

/// Checks `gates.GATE.contracts`: paths inside the root.
pub(crate) fn contracts_spec(
    gate: &str,
    value: &ContractsValue,
    at: &Place,
) -> Result<ContractsSpec, PolicyError> {
    let (paths, python, node) = match value {
        ContractsValue::Paths(paths) => (Some(paths.clone()), None, None),
        ContractsValue::Settings(settings) => (
            settings.paths.clone(),
            settings.python.clone(),
            settings.node.clone(),
        ),
    };
    let paths = paths.unwrap_or_else(|| vec![DEFAULT_CONTRACTS.to_owned()]);
    if paths.is_empty() {
        return Err(PolicyError::Invalid {
            at: at.clone(),
            message: format!("gates.{gate}.contracts: no path"),
            help: "list contract files or folders, e.g. [contracts/], or drop `contracts`"
                .to_owned(),
        });
    }
    for path in &paths {
        inside(gate, "contracts", path, at)?;
    }
    Ok(ContractsSpec {
        gate: gate.to_owned(),
        paths: paths.iter().map(PathBuf::from).collect(),
        python: python.map(PathBuf::from),
        node: node.map(PathBuf::from),
    })
}

/// Checks `gates.GATE.api`: the document inside the root, an http(s) base URL, a service
/// with a command and a readiness URL.
pub(crate) fn api_spec(
    gate: &str,
    options: &ApiOptions,
    at: &Place,
) -> Result<ApiSpec, PolicyError> {
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("gates.{gate}.api: {message}"),
        help: help.to_owned(),
    };
    inside(gate, "api.spec", &options.spec, at)?;
    let url = |key: &str, value: &str| {
        if value.starts_with("http://") || value.starts_with("https://") {
            Ok(())
        } else {
            Err(invalid(
                format!("`{key}: {value}` is not an http:// or https:// URL"),
                "write the URL the service answers on, e.g. http://127.0.0.1:8000",
            ))
        }
    };
    url("base_url", &options.base_url)?;
    let start = match &options.start {
        None => None,
        Some(start) => Some(service_spec(gate, start, at)?),
    };
    let slow_response_ms = match &options.slow_response {
        None => None,
        Some(text) => Some(milliseconds(text).ok_or_else(|| {
            invalid(
                format!("`slow_response: {text}` is not a duration"),
                "write e.g. 500ms or 2s",
            )
        })?),
    };
    Ok(ApiSpec {
        gate: gate.to_owned(),
        spec: PathBuf::from(&options.spec),
        base_url: options.base_url.clone(),
        start,
        allow_remote: options.allow_remote.unwrap_or(false),
        allow_destructive: options.allow_destructive.unwrap_or(false),
        max_requests_per_operation: options.max_requests_per_operation,
        slow_response_ms,
        seed: options.seed.unwrap_or(0),
    })
}

/// Checks a service to start: a command and an http(s) readiness URL.
fn service_spec(
    gate: &str,
    start: &ServiceOptions,
    at: &Place,
) -> Result<ServiceSpec, PolicyError> {
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("gates.{gate}: {message}"),
        help: help.to_owned(),
    };
    if start
        .run
        .first()
        .is_none_or(|program| program.trim().is_empty())
    {
        return Err(invalid(
            "`start.run` is empty".to_owned(),
            "give the program and its arguments, e.g. [\"node\", \"server.js\"]",
        ));
    }
    if !(start.ready.starts_with("http://") || start.ready.starts_with("https://")) {
        return Err(invalid(
            format!(
                "`start.ready: {}` is not an http:// or https:// URL",
                start.ready
            ),
            "write the URL that answers once the service is up, e.g. http://127.0.0.1:8000/health",
        ));
    }
    let timeout_secs = match &start.timeout {
        None => DEFAULT_READY_SECS,
        Some(TimeoutValue::Seconds(seconds)) => *seconds,
        Some(TimeoutValue::Text(text)) => seconds(text).ok_or_else(|| {
            invalid(
                format!("`start.timeout: {text}` is not a duration"),
                "write seconds (30) or a number with s, m or h (30s, 2m)",
            )
        })?,
    };
    if let Some(workdir) = &start.workdir {
        inside(gate, "start.workdir", workdir, at)?;
    }
    Ok(ServiceSpec {
        run: start.run.clone(),
        env: start
            .env
            .iter()
            .flatten()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
        workdir: start.workdir.as_ref().map(PathBuf::from),
        ready: start.ready.clone(),
        timeout_secs: timeout_secs.max(1),
    })
}

fn inside(gate: &str, key: &str, path: &str, at: &Place) -> Result<(), PolicyError> {
    if stays_inside(Path::new(path)) {
        Ok(())
    } else {
        Err(PolicyError::Invalid {
            at: at.clone(),
            message: format!("gates.{gate}.{key}: `{path}` leaves the scan root"),
            help: "give a path relative to the scan root, without `..`".to_owned(),
        })
    }
}

/// `500ms`, `2s`, `1m`, or a number of seconds, in milliseconds.
fn milliseconds(text: &str) -> Option<u64> {
    agate_model::parse_duration(text)
        .map(|duration| u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
}

/// What an environment changes of a gate's load test, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Limits {
    rate: Option<f64>,
    connections: Option<usize>,
    duration: Option<std::time::Duration>,
    requests: Option<u64>,
    thresholds: Option<Vec<String>>,
    regression: Option<f64>,
}

impl Limits {
    /// `spec` with these limits in place of its own.
    pub(crate) fn apply(&self, spec: &LoadSpec) -> LoadSpec {
        let mut spec = spec.clone();
        if let Some(rate) = self.rate {
            spec.rate = Some(rate);
        }
        if let Some(connections) = self.connections {
            spec.connections = connections;
        }
        if self.duration.is_some() || self.requests.is_some() {
            spec.duration = self.duration;
            spec.requests = self.requests;
        }
        if let Some(thresholds) = &self.thresholds {
            spec.thresholds.clone_from(thresholds);
        }
        if let Some(regression) = self.regression {
            spec.max_regression = Some(regression);
        }
        spec
    }
}

/// Checks `environments.ENV.load.TEST`.
pub(crate) fn load_limits(
    key: &str,
    options: &LoadLimits,
    at: &Place,
) -> Result<Limits, PolicyError> {
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("{key}: {message}"),
        help: help.to_owned(),
    };
    let rate = options
        .rate
        .as_deref()
        .map(agate_model::parse_rate)
        .transpose()
        .map_err(|error| invalid(error, "write e.g. 500/s"))?;
    let duration = options
        .duration
        .as_deref()
        .map(|text| {
            agate_model::parse_duration(text).ok_or_else(|| {
                invalid(
                    format!("`duration: {text}` is not a duration"),
                    "write e.g. 30s or 2m",
                )
            })
        })
        .transpose()?;
    if options.connections == Some(0) {
        return Err(invalid(
            "`connections: 0`".to_owned(),
            "give at least one connection",
        ));
    }
    if let Some(regression) = options.regression
        && !(regression.is_finite() && regression >= 0.0)
    {
        return Err(invalid(
            format!("`regression: {regression}` is not a percentage"),
            "write how many percent p95 may worsen, e.g. 10",
        ));
    }
    Ok(Limits {
        rate,
        connections: options.connections,
        duration,
        requests: options.requests,
        thresholds: options.thresholds.clone(),
        regression: options.regression,
    })
}

/// A load test's `url` or `result`: exactly one; a result file in a known format inside the
/// root.
fn result_file(
    gate: &str,
    options: &LoadOptions,
    invalid: &impl Fn(String, &str) -> PolicyError,
    at: &Place,
) -> Result<Option<LoadResultFile>, PolicyError> {
    Ok(match (&options.url, &options.result) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(invalid(
                "give either `url` (agate sends the load) or `result` (a result another tool wrote)".to_owned(),
                "e.g. url: http://127.0.0.1:8000/ or result: { from: k6, path: summary.json }",
            ));
        }
        (Some(url), None) => {
            if !url.starts_with("http://") {
                return Err(invalid(
                    format!("`url: {url}` is not an http:// URL"),
                    "load tests speak plain HTTP/1.1 to a service on this machine, e.g. http://127.0.0.1:8000/",
                ));
            }
            None
        }
        (None, Some(result)) => {
            let from = match result.from.as_str() {
                "k6" => LoadSource::K6,
                "jmeter" => LoadSource::Jmeter,
                "locust" => LoadSource::Locust,
                other => {
                    return Err(invalid(
                        format!("`result.from: {other}` is not a known format"),
                        "write k6 (a --summary-export JSON), jmeter (a JTL in CSV) or locust (a *_stats.csv)",
                    ));
                }
            };
            inside(gate, "load.result.path", &result.path, at)?;
            if options.scenario.is_some() || options.start.is_some() {
                return Err(invalid(
                    "`result` is read, not run: `scenario` and `start` do not apply".to_owned(),
                    "drop them, or give `url` to have agate send the load",
                ));
            }
            Some(LoadResultFile {
                from,
                path: PathBuf::from(&result.path),
            })
        }
    })
}

/// A load test's scenario: its requests, at least one with a weight when given.
fn scenario(
    options: &LoadOptions,
    invalid: &impl Fn(String, &str) -> PolicyError,
) -> Result<Vec<ScenarioRequest>, PolicyError> {
    let scenario: Vec<ScenarioRequest> = options
        .scenario
        .iter()
        .flatten()
        .map(|spanned| {
            let request = &spanned.value;
            let method = request.method.clone().unwrap_or_else(|| "GET".to_owned());
            ScenarioRequest {
                line: spanned.referenced.line(),
                name: request
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{method} {}", request.path)),
                method,
                path: request.path.clone(),
                headers: request
                    .headers
                    .iter()
                    .flatten()
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect(),
                body: request.body.clone(),
                weight: request.weight.unwrap_or(1),
                expect: request.expect.clone().unwrap_or_default(),
            }
        })
        .collect();
    if options.scenario.is_some() && scenario.iter().all(|request| request.weight == 0) {
        return Err(invalid(
            "the scenario has no request with a weight".to_owned(),
            "list requests with `path` (and `weight` above 0)",
        ));
    }
    Ok(scenario)
}

/// Checks a gate's `load` entry: a plain name, an http:// URL, durations, a service.
pub(crate) fn load_spec(
    gate: &str,
    options: &LoadOptions,
    (file, line): (&str, u64),
    at: &Place,
) -> Result<LoadSpec, PolicyError> {
    let key = format!("gates.{gate}.load `{}`", options.name);
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("{key}: {message}"),
        help: help.to_owned(),
    };
    let plain = !options.name.is_empty()
        && !options.name.starts_with('.')
        && options
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        return Err(invalid(
            "the name may hold only letters, digits, `-`, `_` and `.`".to_owned(),
            "it names the baseline file .agate/perf/NAME.json",
        ));
    }
    let result = result_file(gate, options, &invalid, at)?;
    let scenario = scenario(options, &invalid)?;
    let limits = load_limits(
        &key,
        &LoadLimits {
            rate: options.rate.clone(),
            connections: options.connections,
            duration: options.duration.clone(),
            requests: options.requests,
            thresholds: options.thresholds.clone(),
            regression: options.regression,
        },
        at,
    )?;
    let duration_of = |value: &Option<String>, name: &str, default: std::time::Duration| {
        value.as_deref().map_or(Ok(default), |text| {
            agate_model::parse_duration(text).ok_or_else(|| {
                invalid(
                    format!("`{name}: {text}` is not a duration"),
                    "write e.g. 500ms or 5s",
                )
            })
        })
    };
    let start = match &options.start {
        None => None,
        Some(start) => Some(service_spec(gate, start, at)?),
    };
    let spec = LoadSpec {
        gate: gate.to_owned(),
        name: options.name.clone(),
        url: options.url.clone().unwrap_or_default(),
        scenario,
        result,
        rate: None,
        connections: 10,
        duration: Some(std::time::Duration::from_secs(10)),
        requests: None,
        ramp_up: duration_of(&options.ramp_up, "ramp_up", std::time::Duration::ZERO)?,
        warm_up: duration_of(&options.warm_up, "warm_up", std::time::Duration::ZERO)?,
        timeout: duration_of(
            &options.timeout,
            "timeout",
            std::time::Duration::from_secs(10),
        )?,
        method: options.method.clone().unwrap_or_else(|| "GET".to_owned()),
        headers: options
            .headers
            .iter()
            .flatten()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
        body: options.body.clone(),
        expect: options.expect.clone().unwrap_or_default(),
        thresholds: Vec::new(),
        max_regression: None,
        baseline: match &options.baseline {
            Some(path) => {
                inside(gate, "load.baseline", path, at)?;
                PathBuf::from(path)
            }
            None => PathBuf::from(".agate/perf").join(format!("{}.json", options.name)),
        },
        start,
        defined_in: PathBuf::from(file),
        line,
    };
    Ok(limits.apply(&spec))
}

/// The rubrics `llm_review.rubric` names.
const RUBRICS: [&str; 3] = ["hallucination", "business-rules", "security"];

/// Checks `gates.GATE.llm_review`: an http(s) API root (plain http only for loopback), a
/// known rubric, a rules file inside the root for `business-rules`, sane limits.
pub(crate) fn llm_review_spec(
    gate: &str,
    options: &crate::options::LlmReviewOptions,
    at: &Place,
) -> Result<agate_model::LlmReviewSpec, PolicyError> {
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("gates.{gate}.llm_review: {message}"),
        help: help.to_owned(),
    };
    let url = options.base_url.trim_end_matches('/');
    // The host as a client reads it: `http://127.0.0.1@models.example` and
    // `http://localhost.models.example` are not loopback.
    let parts = crate::remote::Parts::of(url);
    let loopback = parts.scheme == "http://" && parts.is_loopback();
    if parts.scheme != "https://" && !loopback {
        return Err(invalid(
            format!("`{}` is not an https URL", crate::remote::display(url)),
            "use https (plain http only for a loopback model server: http://127.0.0.1:8000/v1)",
        ));
    }
    if parts.userinfo.is_some() {
        return Err(invalid(
            format!(
                "`{}` carries credentials, which messages would show",
                crate::remote::display(url)
            ),
            "drop them from `base_url` and name the variable holding the API key in `api_key_env`",
        ));
    }
    if !RUBRICS.contains(&options.rubric.as_str()) {
        return Err(invalid(
            format!("unknown rubric `{}`", options.rubric),
            "use hallucination, business-rules or security",
        ));
    }
    match (&options.rubric[..], &options.rules) {
        ("business-rules", None) => {
            return Err(invalid(
                "the business-rules rubric needs `rules`".to_owned(),
                "name the file of your business rules, e.g. rules: docs/business-rules.md",
            ));
        }
        ("business-rules", Some(rules)) => inside(gate, "llm_review.rules", rules, at)?,
        (_, Some(_)) => {
            return Err(invalid(
                "`rules` is only for the business-rules rubric".to_owned(),
                "drop `rules`, or set rubric: business-rules",
            ));
        }
        _ => {}
    }
    let timeout = match &options.timeout {
        None => 60,
        Some(text) => agate_model::parse_duration(text)
            .map(|duration| duration.as_secs().max(1))
            .ok_or_else(|| {
                invalid(
                    format!("`{text}` is not a duration"),
                    "write e.g. 60s or 2m",
                )
            })?,
    };
    let concurrency = options.concurrency.unwrap_or(4);
    if concurrency == 0 || concurrency > 16 {
        return Err(invalid(
            format!("concurrency {concurrency} is outside 1 to 16"),
            "a model server is easily overloaded; 4 is the default",
        ));
    }
    let price = options.price.map(|price| (price.prompt, price.completion));
    if price.is_some_and(|(prompt, completion)| !(prompt >= 0.0 && completion >= 0.0)) {
        return Err(invalid(
            "a price is negative".to_owned(),
            "prices are per million tokens, e.g. { prompt: 0.15, completion: 0.60 }",
        ));
    }
    Ok(agate_model::LlmReviewSpec {
        gate: gate.to_owned(),
        base_url: url.to_owned(),
        model: options.model.clone(),
        api_key_env: options.api_key_env.clone(),
        rubric: options.rubric.clone(),
        rules: options.rules.as_ref().map(PathBuf::from),
        max_hunks: options.max_hunks.unwrap_or(50),
        max_tokens: options.max_tokens.unwrap_or(200_000),
        timeout_secs: timeout,
        concurrency,
        block: options.block.unwrap_or(false),
        price,
    })
}
