//! agate's policy: what blocks, for whom, and why.
//!
//! [`load`] reads an `agate.yaml` and every file it `extends` (org → team → repo), and
//! [`resolve`] merges them, with command-line overrides last, into a [`Policy`]: gates,
//! environments, tiers, per-rule settings. A parent file's `locked:` keys may be tightened
//! by a child, never loosened; a violation is an error naming both files. Every resolved
//! value remembers its [`Origin`] for `agate config explain`.
//!
//! [`apply`] then decides a run: it assigns each finding its gate, its [`Tier`] (`ai`, `new`,
//! `legacy`), its context (`test` for findings in test code, reported at most at
//! `tests.severity`) and its status (open, suppressed, triaged, baselined), and returns each gate's
//! result and the verdict. The [`Baseline`] file, the [`Triage`] decisions and inline suppressions live here too.
//!
//! This crate reads the configuration and baseline files it is given, and nothing else: no
//! environment variables, no current directory, no clock (today's date is an argument).
//!
//! ```
//! use agate_policy::{resolve, Overrides, Policy};
//! use agate_model::{Severity, Tier};
//!
//! let policy: Policy = resolve(&[], &Overrides::default()).unwrap();
//! assert_eq!(policy.tier(Tier::Ai).block_at, Severity::Low);
//! assert_eq!(policy.tier(Tier::Legacy).block_at, Severity::High);
//! ```
#![warn(missing_docs)]

mod apply;
mod baseline;
mod error;
mod external;
mod functional;
mod load;
mod markers;
mod merge;
mod notify;
mod options;
mod patterns;
mod rego;
mod remote;
mod resolve;
mod suppress;
mod triage;
mod triage_stats;

pub use agate_model::Date;
pub use apply::{RunContext, SIGNOFF_RULE, TierMap, apply, deny_finding, signoff_finding};
pub use baseline::{Baseline, BaselineEntry};
pub use error::PolicyError;
pub use load::{Layer, MAX_CONFIG_BYTES, load, load_with};
pub use markers::{ai_lines, is_generated};
pub use options::{Baselining, GateSelection, IdentityOptions, Suppressing, Unscannable};
pub use patterns::MAX_PATTERNS;
pub use rego::deny_messages;
pub use remote::{RemoteOptions, ServerToken};
pub use resolve::{
    ComplianceRequirement, DEFAULT_TEST_PATHS, DepsSettings, Environment, Gate, Origin, Overrides,
    PackFile, Policy, RulePolicy, SecretsSettings, TestsSettings, TierPolicy, resolve,
};
pub use suppress::{Suppression, parse_suppressions};
pub use triage::{
    Decision, LineCommit, MAX_TRIAGE_BYTES, Standing, TRIAGE_FILE, Triage, is_fingerprint,
};
pub use triage_stats::{
    ExportDecision, ExportRow, GroupStats, MIN_DECISIONS_FOR_SUGGESTION, StatsBy, export_rows,
    stats,
};
