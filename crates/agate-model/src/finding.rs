use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Analyzer, Confidence, FindingSource, FindingStatus, Fingerprint, Justification, Severity, Text,
    Tier,
};

/// A 1-based line and column; columns count Unicode scalar values, not bytes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number, starting at 1, in Unicode scalar values.
    pub column: u32,
}

/// Where a finding is: a path relative to the scan root (always with `/`) and a range.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Location {
    /// Path relative to the scan root, with `/` separators.
    pub path: Text,
    /// First character of the match.
    pub start: Position,
    /// Position just after the last character of the match (exclusive).
    pub end: Position,
}

impl Location {
    /// Whether the location is a file of the repository: not empty (a result about no file,
    /// such as a quality-gate condition) and not a URL (a dynamic scan's target).
    pub fn names_a_file(&self) -> bool {
        !self.path.is_empty() && !self.path.contains("://")
    }

    /// Whether the path is a URL.
    pub fn is_url(&self) -> bool {
        self.path.contains("://")
    }
}

/// One problem an analyzer found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The rule that fired, e.g. `py.broad-except`.
    pub rule_id: Text,
    /// The analyzer that produced the finding, e.g. `sast`.
    pub analyzer: Analyzer,
    /// How bad the problem is.
    pub severity: Severity,
    /// How sure the rule is.
    pub confidence: Confidence,
    /// What is wrong, in one line.
    pub message: Text,
    /// Where it is.
    pub location: Location,
    /// The full source lines the match spans (capped), starting at `location.start.line`.
    pub snippet: String,
    /// CWE identifiers, e.g. `CWE-78`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<String>,
    /// OWASP Top 10 categories, e.g. `A03:2021`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owasp: Vec<String>,
    /// True when the rule flags a pattern typical of AI-written code.
    #[serde(default)]
    pub ai_pattern: bool,
    /// Identity that survives unrelated edits; baselines and suppressions key on it.
    pub fingerprint: Fingerprint,
    /// The gate the finding belongs to (set by the policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<Text>,
    /// Where the line came from: `ai`, `new` or `legacy` (set by the policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// What kind of code the file holds: `test` for test code and fixtures (set by the policy
    /// from `tests.paths`, whose findings it reports at most at `tests.severity`); absent for
    /// the code the project ships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<CodeContext>,
    /// Why the line counts as AI-authored, for findings in the `ai` tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_evidence: Option<Box<AiEvidence>>,
    /// The commit that introduced the finding, when the scan read git history
    /// (`agate scan --history`); the location is then in that commit's version of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Open, baselined or suppressed (set by the policy).
    #[serde(default)]
    pub status: FindingStatus,
    /// Why it is baselined or suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Box<Justification>>,
    /// True when this finding makes its gate fail.
    #[serde(default)]
    pub blocking: bool,
    /// The tools that reported it, for findings of external checks (several when tools
    /// agree on the location and CWE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<FindingSource>,
    /// The edit that removes the flaw, from the rule's `fix:` (`agate fix` applies it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Box<Fix>>,
}

/// An edit that removes the flaw a finding reports: replace the text from `start` to `end`
/// with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Fix {
    /// First character replaced.
    pub start: Position,
    /// Position just after the last character replaced (exclusive).
    pub end: Position,
    /// The text that takes its place.
    pub replacement: String,
    /// The replaced byte range, in the file's text as scanned (without a byte-order mark).
    #[serde(skip)]
    pub bytes: std::ops::Range<usize>,
    /// SHA-256 of that text (hex): an edit applies only to the file it was made for.
    #[serde(skip)]
    pub digest: String,
}

impl Fix {
    /// The digest [`Fix::digest`] holds for a file's text.
    pub fn digest_of(text: &str) -> String {
        sha256_hex(text.as_bytes())
    }
}

/// The SHA-256 of `bytes`, as lowercase hex: how agate names a file's content (a fix's
/// file, a policy layer).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest as _, Sha256};
    hex(&Sha256::digest(bytes))
}

/// `bytes` as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// What kind of code a finding is in, when it is not the code the project ships.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum CodeContext {
    /// Tests and their fixtures: a test key or `verify=False` there is not the product's.
    Test,
}

impl CodeContext {
    /// Returns the lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeContext::Test => "test",
        }
    }
}

/// Why a line counts as AI-authored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AiEvidence {
    /// What said so, e.g. ``trailer `Co-authored-by: Claude <noreply@anthropic.com>` ``,
    /// `inline marker`, `provenance manifest`, `ai_paths glob`.
    pub source: String,
    /// The tool, when known, e.g. `Claude`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// The model, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The commit that introduced the line (hex), when it came from history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

impl AiEvidence {
    /// Evidence with only a source, e.g. `inline marker`.
    pub fn from_source(source: &str) -> AiEvidence {
        AiEvidence {
            source: source.to_owned(),
            tool: None,
            model: None,
            commit: None,
        }
    }

    /// A short description: `Claude (Opus 4.7), commit 1a2b3c4d5e`, else the source.
    pub fn summary(&self) -> String {
        let mut text = match (&self.tool, &self.model) {
            (Some(tool), Some(model)) => format!("{tool} ({model})"),
            (Some(tool), None) => tool.clone(),
            _ => self.source.clone(),
        };
        if let Some(commit) = &self.commit {
            text.push_str(", commit ");
            text.extend(commit.chars().take(10));
        }
        text
    }
}

impl Finding {
    /// A finding as an analyzer reports it, with an empty snippet and no CWE, OWASP
    /// category or sources (set those fields after); what the policy decides — gate,
    /// tier, status, justification, blocking — is left for the policy.
    pub fn new(
        rule_id: impl Into<Text>,
        analyzer: Analyzer,
        severity: Severity,
        confidence: Confidence,
        message: impl Into<Text>,
        location: Location,
        fingerprint: Fingerprint,
    ) -> Finding {
        Finding {
            rule_id: rule_id.into(),
            analyzer,
            severity,
            confidence,
            message: message.into(),
            location,
            snippet: String::new(),
            cwe: Vec::new(),
            owasp: Vec::new(),
            ai_pattern: analyzer == Analyzer::AiPatterns,
            fingerprint,
            gate: None,
            tier: None,
            context: None,
            ai_evidence: None,
            commit: None,
            status: FindingStatus::Open,
            justification: None,
            blocking: false,
            sources: Vec::new(),
            fix: None,
        }
    }

    /// Returns the key that orders findings deterministically: path, line, column, rule id.
    pub fn sort_key(&self) -> (&str, Position, &str) {
        (&self.location.path, self.location.start, &self.rule_id)
    }
}

/// Splits a compliance requirement as rules write it, the standard, one space and the
/// requirement (`PCI-DSS-4 3.4.1`, `ASVS-4.0.3 V5.3.8`), into the standard and the requirement; `None` when the
/// text is not of that form.
pub fn split_compliance(requirement: &str) -> Option<(&str, &str)> {
    let (standard, item) = requirement.split_once(' ')?;
    let standard_ok = !standard.is_empty() && !standard.contains(char::is_whitespace);
    let item_ok = !item.is_empty() && item.trim() == item && !item.contains(['\n', '\r']);
    (standard_ok && item_ok).then_some((standard, item))
}

/// What a report says about a rule that produced findings (for SARIF `tool.driver.rules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleDescriptor {
    /// The rule id.
    pub id: String,
    /// The language the rule was written for.
    pub language: String,
    /// One line: what the rule flags.
    pub summary: String,
    /// Markdown: why it matters, how to fix it, references.
    pub help: String,
    /// Default severity.
    pub severity: Severity,
    /// Default confidence.
    pub confidence: Confidence,
    /// CWE identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<String>,
    /// OWASP Top 10 categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owasp: Vec<String>,
    /// Compliance requirements the rule helps meet, each the standard, a space and the
    /// requirement: `PCI-DSS-4 3.4.1`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<String>,
    /// True for AI anti-pattern rules.
    #[serde(default)]
    pub ai_pattern: bool,
}
