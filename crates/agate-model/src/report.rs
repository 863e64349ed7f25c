use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{CheckRun, CoverageResult, Finding, GateResult, RuleDescriptor, Severity};

/// The version of the report JSON; bumped on any incompatible change.
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// The result of one agate run: findings, notices, statistics and, for `agate gate`, a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// The report schema version, [`REPORT_SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// The program that wrote the report.
    pub tool: Tool,
    /// The repository, commit, CI run and policy of `agate gate`'s run; absent for `agate
    /// scan` and for commands that check one thing (`api test`, `contract test`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<crate::RunInfo>,
    /// Findings, ordered by path, line, column and rule id.
    pub findings: Vec<Finding>,
    /// Descriptors of the rules referenced by `findings`, ordered by id.
    pub rules: Vec<RuleDescriptor>,
    /// Files that could not be scanned fully, and other things the user should know.
    pub notices: Vec<Notice>,
    /// What was scanned and how long it took.
    pub stats: ScanStats,
    /// External checks that ran (tools, tests), with their outcome and output.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckRun>,
    /// Diff coverage per gate that sets coverage thresholds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coverage: Vec<CoverageResult>,
    /// The load tests of the environment's gates, with what they measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load: Vec<crate::LoadRun>,
    /// The control matrices of the compliance frameworks the environment's gates require.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<crate::ComplianceMatrix>,
    /// The LLM reviews of the environment's gates: what was asked, what it cost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<crate::LlmReview>,
    /// The gate decision; absent for `agate scan`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

impl Report {
    /// Returns how many findings there are of each severity, lowest first.
    pub fn counts_by_severity(&self) -> [(Severity, usize); 5] {
        Severity::ALL.map(|severity| {
            let count = self
                .findings
                .iter()
                .filter(|finding| finding.severity == severity)
                .count();
            (severity, count)
        })
    }

    /// Returns the descriptor of a rule referenced by the findings.
    pub fn rule(&self, id: &str) -> Option<&RuleDescriptor> {
        self.rules
            .binary_search_by(|rule| rule.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.rules[index])
    }
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    /// Always `agate`.
    pub name: String,
    /// The version of agate.
    pub version: String,
}

impl Tool {
    /// agate itself, at `version`.
    pub fn agate(version: &str) -> Tool {
        Tool {
            name: "agate".to_owned(),
            version: version.to_owned(),
        }
    }
}

/// Something the user should know that is not a finding: a file skipped or only partly
/// scanned, or an analyzer that could not run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Notice {
    /// `warning`: the scan went on with reduced coverage; `error`: something was not checked.
    pub level: NoticeLevel,
    /// The file concerned, relative to the scan root, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What happened, and what to do about it.
    pub message: String,
}

impl Notice {
    /// An error about the whole run (no path): its gates fail closed.
    pub fn error(message: impl Into<String>) -> Notice {
        Notice {
            level: NoticeLevel::Error,
            path: None,
            message: message.into(),
        }
    }
}

/// How serious a [`Notice`] is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum NoticeLevel {
    /// Coverage was reduced (a file skipped by a limit, parsed with syntax errors).
    Warning,
    /// Something could not be checked at all (an unreadable file); a gate fails closed.
    Error,
}

impl NoticeLevel {
    /// `warning` or `error`, as reports spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeLevel::Warning => "warning",
            NoticeLevel::Error => "error",
        }
    }
}

/// What was scanned and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScanStats {
    /// Files analyzed.
    pub files: u64,
    /// Bytes of source analyzed.
    pub bytes: u64,
    /// Rules that were run.
    pub rules: u64,
    /// Wall-clock time of the scan in milliseconds.
    pub duration_ms: u64,
    /// Minified or bundled files outside the change under review that were not scanned
    /// (each also has a notice); files of the change are scanned whatever they look like.
    #[serde(default, skip_serializing_if = "crate::is_zero")]
    pub skipped_minified: u64,
    /// The shard this run scanned (`--shard K/N`), when the files were split across runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::Shard>,
    /// For a shard's run, a digest of what its per-file work covered (the analyzers, paths,
    /// rule folders, configuration file and walk options): the shards of one split share
    /// it, or `report merge` refuses them (a shard run with less would leave files unchecked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_scope: Option<u32>,
    /// The commit the shard's checkout was at (`HEAD`), when it was in a git repository:
    /// the merge refuses shards of another commit than its own checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_commit: Option<String>,
}

/// The decision of `agate gate`: every gate of the environment, and the overall outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// Pass, blocked (a gate in block mode failed), or error (something could not be checked).
    pub status: VerdictStatus,
    /// The environment the gates ran for (`default` without `--env`).
    pub environment: String,
    /// Each gate's result, in configuration order.
    pub gates: Vec<GateResult>,
}

/// The overall outcome of `agate gate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VerdictStatus {
    /// No gate in block mode failed.
    Pass,
    /// A gate in block mode failed.
    Blocked,
    /// Nothing blocks, but something could not be checked, so the gate fails closed.
    Error,
}
