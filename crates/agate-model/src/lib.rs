//! agate's data model: what every analyzer produces and every renderer consumes.
//!
//! This crate is plain data. It does no I/O and knows nothing about how a finding was found
//! (analyzers) or what is done with it (policy, reports). Everything here serializes to the
//! versioned report JSON whose schema is published in `docs/report.schema.json`.
//!
//! ```
//! use agate_model::{Fingerprint, FingerprintInput, Severity};
//!
//! let fingerprint = Fingerprint::compute(&FingerprintInput {
//!     rule_id: "py.eval-of-input",
//!     path: "app/views.py",
//!     code: "eval(expr)",
//!     scope: "def handler",
//!     occurrence: 0,
//! });
//! assert_eq!(fingerprint.as_str().len(), 32);
//! assert!(Severity::High > Severity::Medium);
//! ```
#![warn(missing_docs)]

mod analyzer;
mod check;
mod compliance;
mod date;
mod duration;
mod finding;
mod fingerprint;
mod functional;
mod gate;
mod load;
mod redacted;
mod redaction;
mod report;
mod run;
mod severity;
mod shard;
mod text;

pub use analyzer::{Analyzer, UnknownAnalyzer};
pub use check::{
    COVERAGE_RULES, Channel, CheckCommand, CheckRun, CheckSpec, CheckStatus, CoverageResult,
    CoverageSpec, FindingSource, LineRatio, NotifyTarget, ToolFormat,
};
pub use compliance::{
    ComplianceMatrix, ComplianceRun, ControlResult, ControlStatus, ControlSummary, Evidence,
    FindingEvidence, ToolVersion,
};
pub use date::Date;
pub use duration::{parse_duration, parse_rate};
pub use finding::{
    AiEvidence, CodeContext, Finding, Fix, Location, Position, RuleDescriptor, hex, sha256_hex,
    split_compliance,
};
pub use fingerprint::{Fingerprint, FingerprintInput, normalize_code};
pub use functional::{ApiSpec, ContractsSpec, LlmReview, LlmReviewSpec, ServiceSpec};
pub use gate::{
    FindingStatus, GateCounts, GateMode, GateResult, GateStatus, Justification, Tier,
    TriageDecision,
};
pub use load::{
    Latency, LoadErrors, LoadReport, LoadResultFile, LoadRun, LoadSource, LoadSpec, LoadStats,
    RegressionOutcome, RequestStats, ScenarioRequest, ThresholdOutcome,
};
pub use redacted::{Redacted, entropy};
pub use redaction::Redactor;
pub use report::{
    Notice, NoticeLevel, REPORT_SCHEMA_VERSION, Report, ScanStats, Tool, Verdict, VerdictStatus,
};
pub use run::{LineShare, PolicyLayer, RunInfo};
pub use severity::{Confidence, ParseLevelError, Severity};
pub use shard::Shard;
pub use text::Text;

/// What marks an agate comment in source (`# agate: ignore[…]`, `// agate: ai-generated`):
/// files holding it are handed to the policy, which reads suppressions and AI markers.
pub const ANNOTATION_MARKER: &str = "agate:";

/// The longest glob or regular expression agate compiles from a configuration file or a
/// user's rule: 4 KiB. Parsing and compiling a pattern takes memory many times its length
/// (one 52 MB glob took 4 GB), and no real pattern comes near this.
pub const MAX_PATTERN_BYTES: usize = 4 * 1024;

/// Whether a count is zero (serde's `skip_serializing_if` for counts reports leave out).
#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(count: &u64) -> bool {
    *count == 0
}
