use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{GateResult, Severity};

/// The control matrix of one compliance framework for one run: each control with its
/// status and the evidence behind it (`agate compliance report`, and the JSON report of a
/// gate that requires controls).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ComplianceMatrix {
    /// The framework's id, e.g. `pci-dss-4`.
    pub framework: String,
    /// Its title, e.g. `PCI DSS v4.0`.
    pub title: String,
    /// What the run was: commit, time, policy, gates, tools.
    pub run: ComplianceRun,
    /// Every control of the framework, in the pack's order.
    pub controls: Vec<ControlResult>,
    /// How many controls have each status.
    pub summary: ControlSummary,
}

impl ComplianceMatrix {
    /// The result of a control, by id.
    pub fn control(&self, id: &str) -> Option<&ControlResult> {
        self.controls.iter().find(|control| control.id == id)
    }
}

/// The run a matrix describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ComplianceRun {
    /// The commit the root's checkout was at (`HEAD`), when it is a git repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// When the matrix was made, RFC 3339 in UTC.
    pub time: String,
    /// SHA-256 over the configuration files the policy was loaded from, in load order;
    /// absent for the built-in policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_digest: Option<String>,
    /// The environment whose gates ran.
    pub environment: String,
    /// Each gate's result.
    pub gates: Vec<GateResult>,
    /// agate and the tools the gates' checks ran.
    pub tools: Vec<ToolVersion>,
}

/// A program that took part in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ToolVersion {
    /// Its name.
    pub name: String,
    /// Its version, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The outcome of one control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ControlResult {
    /// The control's id as the standard numbers it, e.g. `6.2.4`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Pass, fail, error or not-covered.
    pub status: ControlStatus,
    /// What the status rests on.
    pub evidence: Vec<Evidence>,
}

/// The status of a control.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    /// Evidence ran and found nothing open.
    Pass,
    /// An open finding of a mapped rule exists.
    Fail,
    /// A gate the evidence depends on errored or did not run.
    Error,
    /// Nothing that ran provides evidence for the control.
    NotCovered,
}

impl ControlStatus {
    /// `pass`, `fail`, `error` or `not-covered`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Pass => "pass",
            ControlStatus::Fail => "fail",
            ControlStatus::Error => "error",
            ControlStatus::NotCovered => "not-covered",
        }
    }
}

/// One piece of evidence for a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Evidence {
    /// A finding of a mapped rule: open (the control fails) or accepted.
    Finding(FindingEvidence),
    /// The mapped rules that ran, and what they found.
    Rules {
        /// Their ids.
        ids: Vec<String>,
        /// Files the run analyzed.
        files: u64,
        /// Their findings, open or accepted.
        findings: u64,
    },
    /// An analyzer whose having run is evidence.
    Analyzer {
        /// Its name, e.g. `deps`.
        name: String,
    },
    /// A gate whose result is evidence.
    Gate {
        /// Its name.
        name: String,
        /// Its result.
        status: crate::GateStatus,
    },
    /// Why evidence is missing (the reason of an `error` control).
    Missing {
        /// What did not run or errored, and what to do.
        reason: String,
    },
}

/// A finding as evidence: where it is and how it was decided; the message and code are
/// left out (the report holds them, redacted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingEvidence {
    /// The rule that fired.
    pub rule: String,
    /// The path, relative to the root.
    pub path: String,
    /// The line.
    pub line: u32,
    /// Its severity.
    pub severity: Severity,
    /// Its fingerprint.
    pub fingerprint: String,
    /// `open`, or how it was accepted (`baselined`, `suppressed`, …).
    pub status: crate::FindingStatus,
    /// Why it was accepted, for an accepted finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// How many controls have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ControlSummary {
    /// Controls that pass.
    pub pass: u64,
    /// Controls that fail.
    pub fail: u64,
    /// Controls in error.
    pub error: u64,
    /// Controls no evidence covers.
    pub not_covered: u64,
}

impl ControlSummary {
    /// Counts `controls` by status.
    pub fn of(controls: &[ControlResult]) -> ControlSummary {
        let mut summary = ControlSummary::default();
        for control in controls {
            match control.status {
                ControlStatus::Pass => summary.pass += 1,
                ControlStatus::Fail => summary.fail += 1,
                ControlStatus::Error => summary.error += 1,
                ControlStatus::NotCovered => summary.not_covered += 1,
            }
        }
        summary
    }
}
