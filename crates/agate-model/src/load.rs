//! What a load test measured, for the performance gate's results in reports: latency
//! percentiles, throughput and errors by kind, of the whole run and each request.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The results of a run: the whole, and each request of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadReport {
    /// Seconds of measurement (the run's length less warm-up).
    pub measured_seconds: f64,
    /// The whole run.
    pub total: LoadStats,
    /// Each request of the scenario, in its order.
    pub requests: Vec<RequestStats>,
}

/// One request's measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestStats {
    /// The request's name in the scenario (`GET /items/{id}`).
    pub name: String,
    /// Its measurements.
    #[serde(flatten)]
    pub stats: LoadStats,
}

/// Measurements of a set of requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadStats {
    /// Responses and errors recorded.
    pub requests: u64,
    /// Recorded per second of measurement.
    pub rps: f64,
    /// Latency percentiles of the answered requests.
    pub latency_ms: Latency,
    /// Failed requests by kind.
    pub errors: LoadErrors,
}

/// Latency percentiles of the answered requests, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Latency {
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 95th percentile.
    pub p95: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// The 99.9th percentile.
    pub p999: f64,
    /// The slowest answer.
    pub max: f64,
    /// The mean.
    pub mean: f64,
}

/// Failed requests by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct LoadErrors {
    /// No connection could be made (refused, reset during connect).
    pub connect: u64,
    /// No full answer within the timeout.
    pub timeout: u64,
    /// The connection failed mid-request or the answer was not HTTP.
    pub io: u64,
    /// Answered with a 4xx status the request does not expect.
    pub status_4xx: u64,
    /// Answered with a 5xx status the request does not expect.
    pub status_5xx: u64,
    /// Answered with another status the request does not expect (1xx, 2xx or 3xx not in
    /// its list).
    pub unexpected_status: u64,
    /// Failed for a reason the tool that ran the test did not say (k6, Locust).
    #[serde(default)]
    pub other: u64,
}

impl LoadErrors {
    /// Every failed request.
    pub fn total(&self) -> u64 {
        self.connect
            + self.timeout
            + self.io
            + self.status_4xx
            + self.status_5xx
            + self.unexpected_status
            + self.other
    }

    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &LoadErrors) {
        self.connect += other.connect;
        self.timeout += other.timeout;
        self.io += other.io;
        self.status_4xx += other.status_4xx;
        self.status_5xx += other.status_5xx;
        self.unexpected_status += other.unexpected_status;
        self.other += other.other;
    }
}

impl LoadStats {
    /// The share of recorded requests that failed, in percent.
    pub fn error_rate(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.errors.total() as f64 * 100.0 / self.requests as f64
        }
    }
}

/// A load test a gate runs (`gates.NAME.load`), with the environment's overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSpec {
    /// The gate whose verdict its findings count toward.
    pub gate: String,
    /// Unique in the gate; its baseline is `.agate/perf/NAME.json`.
    pub name: String,
    /// The URL loaded, templated (`http://127.0.0.1:8000/items/{{counter}}`); with a
    /// scenario, the base its requests' paths are appended to; empty for a result file.
    pub url: String,
    /// Several requests, each with its weight; empty: the one request `url` names.
    pub scenario: Vec<ScenarioRequest>,
    /// A result another tool wrote, judged instead of generating load.
    pub result: Option<LoadResultFile>,
    /// Requests per second due (the open model); `None` for the closed model.
    pub rate: Option<f64>,
    /// Connections.
    pub connections: usize,
    /// How long to send.
    pub duration: Option<std::time::Duration>,
    /// How many requests to send.
    pub requests: Option<u64>,
    /// How long the start is spread over.
    pub ramp_up: std::time::Duration,
    /// How long the results leave out at the start.
    pub warm_up: std::time::Duration,
    /// A request not answered in full by then is an error.
    pub timeout: std::time::Duration,
    /// The HTTP method.
    pub method: String,
    /// Request headers.
    pub headers: Vec<(String, String)>,
    /// The request body, templated.
    pub body: Option<String>,
    /// Statuses that count as success (empty: any 2xx or 3xx).
    pub expect: Vec<u16>,
    /// Thresholds (`p95 < 50ms`).
    pub thresholds: Vec<String>,
    /// Fail when p95 is worse than the baseline's by more than this many percent.
    pub max_regression: Option<f64>,
    /// The baseline, relative to the scan root (`.agate/perf/NAME.json` by default).
    pub baseline: std::path::PathBuf,
    /// The service to start first.
    pub start: Option<crate::ServiceSpec>,
    /// The agate.yaml that defines it and the line, for its findings.
    pub defined_in: std::path::PathBuf,
    /// The 1-based line.
    pub line: u64,
}

/// One request of a load test's scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRequest {
    /// How results and thresholds (`p95{NAME}`) name it.
    pub name: String,
    /// Its line in the agate.yaml that defines it, for its findings.
    pub line: u64,
    /// The HTTP method.
    pub method: String,
    /// The path and query after the test's URL, templated.
    pub path: String,
    /// Request headers.
    pub headers: Vec<(String, String)>,
    /// The body, templated.
    pub body: Option<String>,
    /// Its share of the requests.
    pub weight: u32,
    /// Statuses that count as success (empty: any 2xx or 3xx).
    pub expect: Vec<u16>,
}

/// A load test result another tool wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadResultFile {
    /// Which tool's format.
    pub from: LoadSource,
    /// The file, relative to the scan root.
    pub path: std::path::PathBuf,
}

/// The tools whose load test results agate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadSource {
    /// k6's `--summary-export` JSON.
    K6,
    /// A JMeter JTL in CSV.
    Jmeter,
    /// Locust's `*_stats.csv`.
    Locust,
}

/// A load test's results, as a report carries them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadRun {
    /// Its gate.
    pub gate: String,
    /// Its name.
    pub name: String,
    /// The URL loaded.
    pub url: String,
    /// `closed` or `open`.
    pub model: String,
    /// What was measured.
    pub result: LoadReport,
    /// Each threshold and how it came out.
    pub thresholds: Vec<ThresholdOutcome>,
    /// p95 against the baseline, when there is one.
    pub regressions: Vec<RegressionOutcome>,
}

/// A threshold checked against a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdOutcome {
    /// As written (`p95 < 50ms`).
    pub threshold: String,
    /// Whether it held.
    pub passed: bool,
    /// What was measured (`63.2ms`).
    pub actual: String,
}

/// A run's p95 against its baseline's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RegressionOutcome {
    /// The request, or `None` for the whole run.
    pub request: Option<String>,
    /// The baseline's p95, in milliseconds.
    pub baseline_p95_ms: f64,
    /// This run's p95, in milliseconds.
    pub p95_ms: f64,
    /// How much worse, in percent (negative: better).
    pub worse_by_percent: f64,
    /// Worse by more than allowed.
    pub regressed: bool,
}
