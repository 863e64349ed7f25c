//! What the functional gate is configured to run: function contracts and HTTP API contract
//! tests, and the service a test starts. Plain data: agate-policy checks it, the pipeline
//! runs it.

use std::path::PathBuf;

/// The function contracts a gate runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractsSpec {
    /// The gate whose verdict their findings count toward.
    pub gate: String,
    /// Contract files or folders, relative to the scan root.
    pub paths: Vec<PathBuf>,
    /// The Python interpreter (e.g. a virtualenv's), relative to the root or on `PATH`.
    pub python: Option<PathBuf>,
    /// The Node interpreter.
    pub node: Option<PathBuf>,
}

/// An HTTP API contract test a gate runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSpec {
    /// The gate whose verdict its findings count toward.
    pub gate: String,
    /// The OpenAPI document, relative to the scan root.
    pub spec: PathBuf,
    /// The service's base URL, e.g. `http://127.0.0.1:8000`.
    pub base_url: String,
    /// The service to start first, if the pipeline does not run it already.
    pub start: Option<ServiceSpec>,
    /// Test a target that is not a loopback address.
    pub allow_remote: bool,
    /// Send POST, PUT, PATCH and DELETE to a target that is not a loopback address.
    pub allow_destructive: bool,
    /// The most requests sent for one operation.
    pub max_requests_per_operation: Option<usize>,
    /// An answer slower than this many milliseconds is a finding.
    pub slow_response_ms: Option<u64>,
    /// The seed of the generated requests.
    pub seed: u64,
}

/// A service a gate starts for its tests, and stops (with its children) afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSpec {
    /// The program and its arguments (no shell).
    pub run: Vec<String>,
    /// Variables added to its environment.
    pub env: Vec<(String, String)>,
    /// Its working directory, relative to the scan root (default: the root).
    pub workdir: Option<PathBuf>,
    /// The URL polled until it answers (any status below 500).
    pub ready: String,
    /// How long it may take to become ready.
    pub timeout_secs: u64,
}

/// The LLM review a gate runs over the change's AI-authored and new hunks.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmReviewSpec {
    /// The gate whose verdict its findings count toward.
    pub gate: String,
    /// The API root, e.g. `http://127.0.0.1:8000/v1`.
    pub base_url: String,
    /// The model name the server knows.
    pub model: String,
    /// The environment variable holding the API key, when the server needs one.
    pub api_key_env: Option<String>,
    /// What to look for: `hallucination`, `business-rules` or `security`.
    pub rubric: String,
    /// For `business-rules`: the file of the team's rules, relative to the scan root.
    pub rules: Option<std::path::PathBuf>,
    /// Hunks reviewed at most.
    pub max_hunks: usize,
    /// Tokens a run may spend.
    pub max_tokens: u64,
    /// How long one request may take, in seconds.
    pub timeout_secs: u64,
    /// Requests at once.
    pub concurrency: usize,
    /// Whether `llm.*` findings block; advisory (false) by default.
    pub block: bool,
    /// Prices per million tokens (prompt, completion), to put a cost in the report.
    pub price: Option<(f64, f64)>,
}

/// One gate's LLM review as a report carries it: what was asked and what it cost.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct LlmReview {
    /// The gate that ran it.
    pub gate: String,
    /// The model asked.
    pub model: String,
    /// The rubric: `hallucination`, `business-rules` or `security`.
    pub rubric: String,
    /// The hunks the review covers: AI-authored or new lines of the change.
    pub hunks: usize,
    /// Hunks answered, by the model or from the cache.
    pub reviewed: usize,
    /// Of those, answered from the cache (`.agate/cache/llm/`), at no cost.
    pub cached: usize,
    /// Hunks not asked about: past `max_hunks` or the token budget.
    pub skipped: usize,
    /// Hunks asked about without a usable answer (the endpoint failed, or answered
    /// malformed twice).
    pub failed: usize,
    /// Prompt tokens spent, as the server counted them.
    pub prompt_tokens: u64,
    /// Answer tokens spent.
    pub completion_tokens: u64,
    /// What the tokens cost, in the currency of the gate's `price:`; absent without prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}
