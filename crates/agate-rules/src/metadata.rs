use agate_model::{Confidence, Severity};
use serde::Deserialize;

/// agate's fields in a rule's `metadata:` block.
///
/// Keeping them under ast-grep's own `metadata` key means every agate rule file is also a
/// valid ast-grep rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMetadata {
    /// How bad a match is.
    pub severity: Severity,
    /// How sure the rule is.
    pub confidence: Confidence,
    /// CWE identifiers (`CWE-78`); required for security rules.
    #[serde(default)]
    pub cwe: Vec<String>,
    /// OWASP Top 10 2021 categories (`A03:2021`).
    #[serde(default)]
    pub owasp: Vec<String>,
    /// Compliance requirements, each the standard, a space and the requirement:
    /// `PCI-DSS-4 6.2.4`.
    #[serde(default)]
    pub compliance: Vec<String>,
    /// True when the rule flags a pattern typical of AI-written code.
    #[serde(default)]
    pub ai_pattern: bool,
    /// The rule runs on a file only if the file contains one of these strings (ASCII
    /// case-insensitive); empty means every file. A prefilter, so list what every match
    /// must contain (an API name), never a guess.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// True when matches may contain credentials: string literals in snippets are masked.
    #[serde(default)]
    pub sensitive: bool,
}
