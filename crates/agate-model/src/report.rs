use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Finding, RuleDescriptor, Severity};

/// The version of the report JSON; bumped on any incompatible change.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The result of one agate run: findings, notices, statistics and, for `agate gate`, a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// The report schema version, [`REPORT_SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// The program that wrote the report.
    pub tool: Tool,
    /// Findings, ordered by path, line, column and rule id.
    pub findings: Vec<Finding>,
    /// Descriptors of the rules referenced by `findings`, ordered by id.
    pub rules: Vec<RuleDescriptor>,
    /// Files that could not be scanned fully, and other things the user should know.
    pub notices: Vec<Notice>,
    /// What was scanned and how long it took.
    pub stats: ScanStats,
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

/// What was scanned and how long it took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScanStats {
    /// Files analyzed.
    pub files: u64,
    /// Bytes of source analyzed.
    pub bytes: u64,
    /// Rules that were run.
    pub rules: u64,
    /// Wall-clock time of the scan in milliseconds.
    pub duration_ms: u64,
}

/// The decision of `agate gate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// Pass, blocked, or error (something could not be checked).
    pub status: VerdictStatus,
    /// Findings at or above this severity block.
    pub block_at: Severity,
    /// How many findings block.
    pub blocking: u64,
}

/// The outcome of a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VerdictStatus {
    /// Nothing blocks.
    Pass,
    /// At least one finding blocks.
    Blocked,
    /// Nothing blocks, but something could not be checked, so the gate fails closed.
    Error,
}

impl Verdict {
    /// Decides a gate over a report: blocked when a finding reaches `block_at`, an error when
    /// nothing blocks but a notice says something was not checked, a pass otherwise.
    pub fn decide(report: &Report, block_at: Severity) -> Verdict {
        let blocking = report
            .findings
            .iter()
            .filter(|finding| finding.severity >= block_at)
            .count() as u64;
        let unchecked = report
            .notices
            .iter()
            .any(|notice| notice.level == NoticeLevel::Error);
        let status = if blocking > 0 {
            VerdictStatus::Blocked
        } else if unchecked {
            VerdictStatus::Error
        } else {
            VerdictStatus::Pass
        };
        Verdict {
            status,
            block_at,
            blocking,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Confidence, Fingerprint, Location, Position};

    fn report(severities: &[Severity], notices: Vec<Notice>) -> Report {
        let findings = severities
            .iter()
            .map(|&severity| Finding {
                rule_id: "py.x".into(),
                analyzer: "sast".into(),
                severity,
                confidence: Confidence::High,
                message: "m".into(),
                location: Location {
                    path: "a.py".into(),
                    start: Position { line: 1, column: 1 },
                    end: Position { line: 1, column: 2 },
                },
                snippet: "x".into(),
                cwe: vec![],
                owasp: vec![],
                ai_pattern: false,
                fingerprint: Fingerprint::from_hex("00"),
            })
            .collect();
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: Tool {
                name: "agate".into(),
                version: "0".into(),
            },
            findings,
            rules: vec![],
            notices,
            stats: ScanStats::default(),
            verdict: None,
        }
    }

    #[test]
    fn gate_blocks_at_threshold_and_passes_below() {
        let blocked = Verdict::decide(
            &report(&[Severity::Medium, Severity::High], vec![]),
            Severity::High,
        );
        assert_eq!(
            (blocked.status, blocked.blocking),
            (VerdictStatus::Blocked, 1)
        );
        let pass = Verdict::decide(&report(&[Severity::Medium], vec![]), Severity::High);
        assert_eq!((pass.status, pass.blocking), (VerdictStatus::Pass, 0));
    }

    #[test]
    fn gate_fails_closed_on_unchecked_files() {
        let notice = Notice {
            level: NoticeLevel::Error,
            path: Some("a.py".into()),
            message: "permission denied".into(),
        };
        let verdict = Verdict::decide(&report(&[Severity::Low], vec![notice]), Severity::High);
        assert_eq!(verdict.status, VerdictStatus::Error);
    }
}
