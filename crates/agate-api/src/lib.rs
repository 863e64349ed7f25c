//! HTTP API contract testing: every operation of an OpenAPI 3.0 or 3.1 document exercised
//! against a running service, and every answer that breaks the document a finding.
//!
//! For each operation (`GET /items/{id}`) agate sends:
//! - **valid requests**, from the document's examples first, then values generated from
//!   the parameters' and JSON body's schemas (boundaries, typical values), each value
//!   checked against its schema before it is sent;
//! - **malformed requests**: a parameter or body of the wrong type, a required property
//!   missing, a body that is not JSON, an oversized body (these should get a 4xx);
//! - **probing requests**: injection strings (`' OR 1=1--`, `<script>`, `../../etc/passwd`,
//!   `{{7*7}}`) in string parameters and properties (these must not get a 5xx).
//!
//! and checks the answer: a status the operation documents (or `default`), a content type
//! and body its response schema accepts, no 5xx, a 4xx for malformed input, and an answer
//! within the time limit. Findings (`api.*`) name the operation, the request (credentials
//! redacted) and the expected and actual response, and point at the operation's line in
//! the document.
//!
//! Safety: only loopback targets unless [`Options::allow_remote`] (every address the host
//! resolves to is checked), no `POST`/`PUT`/`PATCH`/`DELETE` against another host unless
//! [`Options::allow_destructive`], no redirect followed, every body read bounded, and the
//! number of requests bounded per operation and per run.
#![warn(missing_docs)]

mod exercise;
mod findings;
mod spec;
mod target;
mod values;

use std::path::Path;
use std::time::Duration;

use agate_model::{Finding, Notice};

pub use findings::rules;
pub use target::Target;

/// What a run may do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The service's base URL, e.g. `http://127.0.0.1:8080`; an operation's path is
    /// appended to it.
    pub base_url: String,
    /// Test a target that is not a loopback address.
    pub allow_remote: bool,
    /// Send `POST`, `PUT`, `PATCH` and `DELETE` to a target that is not a loopback address.
    pub allow_destructive: bool,
    /// The most requests sent for one operation.
    pub max_requests_per_operation: usize,
    /// The most requests sent in the whole run.
    pub max_requests: usize,
    /// An answer slower than this is an `api.slow-response` finding.
    pub slow_response: Duration,
    /// How long one request may take before it counts as unanswered.
    pub request_timeout: Duration,
    /// The size of the oversized body sent to operations that take a JSON body.
    pub oversized_body_bytes: usize,
    /// The seed of the generated values (the same seed sends the same requests).
    pub seed: u64,
}

impl Options {
    /// The defaults for `base_url`: loopback only, nothing destructive elsewhere, 20
    /// requests per operation, 2000 per run, 2 s for a slow answer, 10 s per request, a
    /// 2 MiB oversized body, seed 0.
    pub fn new(base_url: impl Into<String>) -> Options {
        Options {
            base_url: base_url.into(),
            allow_remote: false,
            allow_destructive: false,
            max_requests_per_operation: 20,
            max_requests: 2000,
            slow_response: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            oversized_body_bytes: 2 * 1024 * 1024,
            seed: 0,
        }
    }
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Contract violations, ordered by operation.
    pub findings: Vec<Finding>,
    /// What was not tested and why (an operation skipped as destructive, a body in a media
    /// type agate does not generate, the run's request limit reached).
    pub notices: Vec<Notice>,
    /// How many requests were sent.
    pub requests_sent: usize,
}

/// Why a run could not test anything.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The document cannot be read.
    #[error(transparent)]
    Read(#[from] agate_fs::FsError),
    /// The document is not a usable OpenAPI 3.0/3.1 document.
    #[error("{file}:{line}: {message}")]
    Spec {
        /// The document, as given.
        file: String,
        /// The 1-based line.
        line: u64,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The base URL is not one agate may test (not a loopback address without
    /// `--allow-remote`), or not a URL.
    #[error("{0}")]
    Target(String),
    /// No request got an answer: the service is down or the base URL is wrong.
    #[error(
        "no request reached the service at `{base_url}`: {reason}; start it (`--start`) or fix `--base-url`"
    )]
    Unreachable {
        /// The base URL.
        base_url: String,
        /// What the first request got.
        reason: String,
    },
}

/// Tests the service at `options.base_url` against the OpenAPI document `spec` (a path
/// under `root`; findings point at it relative to `root`).
///
/// # Errors
///
/// [`ApiError`]: the document cannot be read or is not OpenAPI 3.0/3.1 (with file:line),
/// the target is not allowed, or no request reached the service.
pub fn run(spec: &Path, root: &Path, options: &Options) -> Result<Outcome, ApiError> {
    let full = agate_fs::resolve_under(root, spec)?;
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let display = full
        .strip_prefix(&root)
        .unwrap_or(spec)
        .to_string_lossy()
        .replace('\\', "/");
    let text = agate_fs::read_to_string_bounded(&full, spec::MAX_SPEC_BYTES)?;
    let document = spec::parse(&display, &text)?;
    let target = Target::check(&options.base_url, options.allow_remote)?;
    exercise::all(&document, &display, &target, options)
}
