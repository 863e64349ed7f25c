//! `gates.NAME.contracts` and `gates.NAME.api` checked and turned into [`ContractsSpec`] and
//! [`ApiSpec`].

use std::path::{Path, PathBuf};

use agate_model::{ApiSpec, ContractsSpec, ServiceSpec};

use crate::error::{Place, PolicyError};
use crate::external::{parse_duration, stays_inside};
use crate::options::{ApiOptions, ContractsValue, TimeoutValue};

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
        Some(start) => {
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
            url("start.ready", &start.ready)?;
            let timeout_secs = match &start.timeout {
                None => DEFAULT_READY_SECS,
                Some(TimeoutValue::Seconds(seconds)) => *seconds,
                Some(TimeoutValue::Text(text)) => parse_duration(text).ok_or_else(|| {
                    invalid(
                        format!("`start.timeout: {text}` is not a duration"),
                        "write seconds (30) or a number with s, m or h (30s, 2m)",
                    )
                })?,
            };
            if let Some(workdir) = &start.workdir {
                inside(gate, "api.start.workdir", workdir, at)?;
            }
            Some(ServiceSpec {
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
    let text = text.trim();
    match text.strip_suffix("ms") {
        Some(digits) => digits.trim().parse().ok(),
        None => parse_duration(text)?.checked_mul(1000),
    }
}
