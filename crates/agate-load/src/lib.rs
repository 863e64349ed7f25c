//! agate's HTTP load generator, for the performance gate.
//!
//! A run sends a scenario's requests (weighted, templated) to one HTTP/1.1 server over
//! keep-alive connections, each connection one task on a small tokio runtime, and records
//! every response's latency in an HDR histogram per request of the scenario.
//!
//! - **Closed model** ([`Load::Closed`]): N connections send as fast as the server answers.
//! - **Open model** ([`Load::Open`]): requests are due at a constant rate; a request's latency
//!   is measured from the time it was *due*, not from when a free connection sent it, so a
//!   server that stalls cannot hide the stall by slowing the sender down (coordinated
//!   omission, corrected as wrk2 does).
//!
//! Ramp-up spreads the start (connections join one by one, or the rate climbs linearly);
//! warm-up results are dropped. [`threshold`] checks results against expressions like
//! `p95 < 50ms` and `errors < 1%`, [`regression`] against an earlier result.
//!
//! Only loopback targets unless the plan allows others: a load test is a denial of service
//! for anything it was not meant for.

mod engine;
pub mod ingest;
pub mod regression;
mod stats;
mod template;
pub mod threshold;

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

pub use agate_model::{Latency, LoadErrors, LoadReport, LoadStats, RequestStats};
pub use engine::run;
pub use template::Template;

/// One request of a scenario.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// How the results name it (`GET /items/{id}` by default).
    pub name: String,
    pub method: String,
    /// Path and query, templated (`/items/{{counter}}`).
    pub path: Template,
    pub headers: Vec<(String, String)>,
    pub body: Option<Template>,
    /// Its share of the requests, against the other requests' weights.
    pub weight: u32,
    /// Statuses that count as success; empty: any 2xx or 3xx.
    pub expect: Vec<u16>,
}

/// How the load is applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Load {
    /// `connections` connections, each sending its next request when the last is answered.
    Closed { connections: usize },
    /// `rate` requests per second, due on a fixed schedule, sent over up to `connections`
    /// connections.
    Open { rate: f64, connections: usize },
}

/// What a run does.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The server: `http://host:port` (a host name is resolved once).
    pub target: SocketAddr,
    /// The `Host` header.
    pub host: String,
    pub requests: Vec<RequestSpec>,
    pub load: Load,
    /// How long to send (after ramp-up and warm-up, which are part of it).
    pub duration: Option<Duration>,
    /// How many requests to send in all, warm-up included.
    pub count: Option<u64>,
    pub ramp_up: Duration,
    /// Results of requests due before this point are not recorded.
    pub warm_up: Duration,
    /// A request (connect included) that takes longer is an error of kind `timeout`.
    pub timeout: Duration,
    /// Worker threads of the runtime.
    pub threads: usize,
    /// Seed of the templates' random values.
    pub seed: u64,
}

/// Progress, about once a second.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub elapsed: Duration,
    /// Responses and errors so far (warm-up included).
    pub done: u64,
    pub errors: u64,
}

/// A run that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("invalid load plan: {0}")]
    Invalid(String),
    #[error("could not start the load generator: {0}")]
    Runtime(#[from] std::io::Error),
}

impl Plan {
    /// Checks what a run needs: requests with weight, a limit, sane numbers.
    pub fn check(&self) -> Result<(), LoadError> {
        let invalid = |message: &str| Err(LoadError::Invalid(message.to_owned()));
        if self.requests.is_empty() {
            return invalid("the scenario has no request");
        }
        if self.requests.iter().all(|request| request.weight == 0) {
            return invalid("every request of the scenario has weight 0");
        }
        if self.duration.is_none() && self.count.is_none() {
            return invalid("give a duration or a request count");
        }
        match self.load {
            Load::Closed { connections } | Load::Open { connections, .. } if connections == 0 => {
                invalid("at least one connection is needed")
            }
            Load::Open { rate, .. } if !(rate.is_finite() && rate > 0.0) => {
                invalid("the rate must be a positive number of requests per second")
            }
            _ => Ok(()),
        }
    }
}

/// `http://host[:port][/path]` → the `Host` header, the address and the path with its
/// query. Loopback addresses only (every address the host resolves to), unless
/// `allow_remote`.
pub fn target(url: &str, allow_remote: bool) -> Result<(String, SocketAddr, String), String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!(
            "`{url}`: give an http:// URL (load tests speak plain HTTP/1.1 to a service on this machine)"
        )
    })?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(at) => (&rest[..at], rest[at..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path
    };
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok())
    {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let addresses: Vec<SocketAddr> = with_port
        .to_socket_addrs()
        .map_err(|error| format!("cannot resolve `{authority}`: {error}"))?
        .collect();
    let Some(first) = addresses.first().copied() else {
        return Err(format!("`{authority}` resolves to no address"));
    };
    if !allow_remote && !addresses.iter().all(|address| address.ip().is_loopback()) {
        return Err(format!(
            "`{authority}` is not this machine: agate sends load only to loopback addresses unless --allow-remote says the target is meant for it"
        ));
    }
    Ok((authority.to_owned(), first, path))
}

/// The descriptors of the performance gate's rules, for a report's `rules`.
pub fn rules() -> Vec<agate_model::RuleDescriptor> {
    let rule = |id: &str, summary: &str, help: &str| agate_model::RuleDescriptor {
        id: id.to_owned(),
        language: "http".to_owned(),
        summary: summary.to_owned(),
        help: help.to_owned(),
        severity: agate_model::Severity::High,
        confidence: agate_model::Confidence::High,
        cwe: Vec::new(),
        owasp: Vec::new(),
        compliance: Vec::new(),
        ai_pattern: false,
    };
    vec![
        rule(
            "load.threshold",
            "a load test breached a threshold",
            "The service is slower, less available or handles less than the gate allows under this load. Profile the requests the finding names; if the limit is wrong for this environment, set it in `environments.NAME.load`.",
        ),
        rule(
            "load.regression",
            "a load test's p95 latency regressed against its baseline",
            "p95 is worse than the stored result (.agate/perf/NAME.json) by more than the gate's `regression` percentage. Find what the change made slower; record a new baseline with `agate load run --name NAME --update-baseline` only when the slowdown is accepted.",
        ),
    ]
}
