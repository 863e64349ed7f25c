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

use std::net::SocketAddr;
use std::time::Duration;

pub use engine::run;
pub use stats::{Errors, Latency, LoadReport, RequestStats, Stats};
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

/// Parses a duration as the command line and agate.yaml write it: `250ms`, `10s`, `2m`,
/// `1h`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (digits, scale) = if let Some(digits) = text.strip_suffix("ms") {
        (digits, 0.001)
    } else if let Some(digits) = text.strip_suffix('s') {
        (digits, 1.0)
    } else if let Some(digits) = text.strip_suffix('m') {
        (digits, 60.0)
    } else if let Some(digits) = text.strip_suffix('h') {
        (digits, 3600.0)
    } else {
        (text, 1.0)
    };
    digits
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite() && *value >= 0.0)
        .and_then(|value| Duration::try_from_secs_f64(value * scale).ok())
        .ok_or_else(|| format!("`{text}` is not a duration (write e.g. `250ms`, `30s`, `2m`)"))
}

/// Parses a rate: `500`, `500/s`, `30000/m`.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (digits, per) = match text.split_once('/') {
        Some((digits, "s")) => (digits, 1.0),
        Some((digits, "m")) => (digits, 60.0),
        Some(_) => {
            return Err(format!(
                "`{text}`: a rate is per second (`/s`) or per minute (`/m`)"
            ));
        }
        None => (text, 1.0),
    };
    digits
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite() && *value > 0.0)
        .map(|value| value / per)
        .ok_or_else(|| format!("`{text}` is not a rate (write e.g. `500/s`)"))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn durations_and_rates() {
        assert_eq!(
            super::parse_duration("250ms"),
            Ok(Duration::from_millis(250))
        );
        assert_eq!(super::parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(
            super::parse_duration("1.5"),
            Ok(Duration::from_millis(1500))
        );
        assert!(super::parse_duration("soon").is_err());
        assert!(super::parse_duration("-1s").is_err());
        assert_eq!(super::parse_rate("500/s"), Ok(500.0));
        assert_eq!(super::parse_rate("600/m"), Ok(10.0));
        assert!(super::parse_rate("0").is_err());
        assert!(super::parse_rate("5/h").is_err());
    }
}
