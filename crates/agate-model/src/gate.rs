use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a flagged line came from, which decides how strict the policy is with it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// The line is AI-authored.
    Ai,
    /// The line changed since the base revision.
    New,
    /// Everything else: code that was already there.
    Legacy,
}

impl Tier {
    /// Every tier, strictest first.
    pub const ALL: [Tier; 3] = [Tier::Ai, Tier::New, Tier::Legacy];

    /// Returns the lowercase name used in configuration and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Ai => "ai",
            Tier::New => "new",
            Tier::Legacy => "legacy",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the policy did with a finding.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    /// Counts toward the gate.
    #[default]
    Open,
    /// Accepted legacy risk, recorded in the baseline: reported, never blocks.
    Baselined,
    /// Silenced by an inline suppression with a reason: reported, never blocks.
    Suppressed,
    /// Decided by a person in `.agate/triage.yaml` (a false positive, an accepted risk, a
    /// finding that will not be fixed): reported, never blocks.
    Triaged,
}

impl FindingStatus {
    /// Returns true for [`FindingStatus::Open`].
    pub fn is_open(self) -> bool {
        self == FindingStatus::Open
    }
}

/// Why a finding is not open: the reason someone gave, and until when it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Justification {
    /// `inline` (a suppression comment), `baseline` (an entry in the baseline file) or
    /// `triage` (a decision in `.agate/triage.yaml`).
    pub source: String,
    /// The reason given.
    pub reason: String,
    /// The last day it holds (`YYYY-MM-DD`), if it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The triage decision, for source `triage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<TriageDecision>,
    /// Who answers for the decision (a team or a person), for source `triage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Who marked it (`Name <email>`), for source `triage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl Justification {
    /// A justification with only a source and a reason.
    pub fn new(source: &str, reason: impl Into<String>) -> Justification {
        Justification {
            source: source.to_owned(),
            reason: reason.into(),
            until: None,
            decision: None,
            owner: None,
            by: None,
        }
    }
}

/// What a person decided about a finding in triage.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum TriageDecision {
    /// The rule is wrong here: the code is not the flaw it reports.
    FalsePositive,
    /// The flaw is real and the risk is accepted (usually until a date).
    AcceptedRisk,
    /// The flaw is real and will not be fixed.
    WontFix,
}

impl TriageDecision {
    /// Every decision, in the order they are shown.
    pub const ALL: [TriageDecision; 3] = [
        TriageDecision::FalsePositive,
        TriageDecision::AcceptedRisk,
        TriageDecision::WontFix,
    ];

    /// The name used in files and reports: `false-positive`, `accepted-risk`, `wont-fix`.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageDecision::FalsePositive => "false-positive",
            TriageDecision::AcceptedRisk => "accepted-risk",
            TriageDecision::WontFix => "wont-fix",
        }
    }
}

impl std::fmt::Display for TriageDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a failing gate stops the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GateMode {
    /// A failing gate blocks (exit 1).
    Block,
    /// A failing gate only warns.
    Warn,
}

/// The outcome of one gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GateStatus {
    /// No open finding reaches its tier's threshold.
    Pass,
    /// It would fail, but the gate is in warn mode.
    Warn,
    /// An open finding reaches its tier's threshold and the gate blocks.
    Fail,
    /// Something the gate needed could not be checked; a gate fails closed.
    Error,
}

/// Counts of one gate's findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GateCounts {
    /// Open findings at or above their tier's threshold.
    pub blocking: u64,
    /// Open findings below their tier's threshold.
    pub below_threshold: u64,
    /// Findings in the baseline.
    pub baselined: u64,
    /// Findings silenced inline.
    pub suppressed: u64,
    /// Findings decided in triage (`.agate/triage.yaml`).
    #[serde(default)]
    pub triaged: u64,
    /// Blocking findings in the `ai` tier.
    pub blocking_ai: u64,
    /// Blocking findings in the `new` tier.
    pub blocking_new: u64,
    /// Blocking findings in the `legacy` tier.
    pub blocking_legacy: u64,
}

/// The result of one gate in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GateResult {
    /// The gate's name, e.g. `security`.
    pub name: String,
    /// Block or warn.
    pub mode: GateMode,
    /// Pass, warn, fail or error.
    pub status: GateStatus,
    /// Its findings, counted.
    pub counts: GateCounts,
    /// Why it did not pass, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}
