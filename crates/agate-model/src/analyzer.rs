use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What found a finding. The policy routes a finding to the first gate that lists its
/// analyzer (an external check's findings to the gate that ran it); `--only` selects
/// analyzers by these names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Analyzer {
    /// Structural rules for security defects.
    Sast,
    /// Secret rules: keys, tokens and passwords in files or git history.
    Secrets,
    /// Dependency manifests: known vulnerabilities, undeclared imports.
    Deps,
    /// Patterns typical of AI-written code: structural rules, placeholder secrets,
    /// non-existent and typosquatted packages, unknown standard-library members.
    AiPatterns,
    /// The policy's own findings: suppression comments, unsigned AI commits.
    Policy,
    /// `deny` messages of a gate's Rego policy.
    Rego,
    /// External tools and coverage reports, run by a gate's `external:` checks.
    External,
    /// Function contracts: a function's outputs checked against the contract a person
    /// wrote (schemas, invariants, examples).
    Contracts,
    /// What the change does to its tests: tests deleted, emptied or skipped, assertions
    /// removed or loosened, coverage thresholds lowered, suppression comments added.
    TestIntegrity,
    /// A model's review of the AI-authored and new hunks (a gate's `llm_review:`): advisory
    /// unless the gate says its findings block.
    Llm,
}

impl Analyzer {
    /// Every analyzer, in the order reports list them.
    pub const ALL: [Analyzer; 10] = [
        Analyzer::Sast,
        Analyzer::Secrets,
        Analyzer::Deps,
        Analyzer::AiPatterns,
        Analyzer::Policy,
        Analyzer::Rego,
        Analyzer::External,
        Analyzer::Contracts,
        Analyzer::TestIntegrity,
        Analyzer::Llm,
    ];

    /// The analyzers a gate's `analyzers:` may list. Rego denials, external findings and
    /// LLM reviews belong to the gate whose policy, check or review made them.
    pub const GATED: [Analyzer; 6] = [
        Analyzer::Sast,
        Analyzer::Secrets,
        Analyzer::Deps,
        Analyzer::AiPatterns,
        Analyzer::Policy,
        Analyzer::TestIntegrity,
    ];

    /// The analyzers `--only` may select.
    pub const SELECTABLE: [Analyzer; 7] = [
        Analyzer::Sast,
        Analyzer::Secrets,
        Analyzer::Deps,
        Analyzer::AiPatterns,
        Analyzer::External,
        Analyzer::TestIntegrity,
        Analyzer::Llm,
    ];

    /// The name in reports and configuration, e.g. `ai-patterns`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Analyzer::Sast => "sast",
            Analyzer::Secrets => "secrets",
            Analyzer::Deps => "deps",
            Analyzer::AiPatterns => "ai-patterns",
            Analyzer::Policy => "policy",
            Analyzer::Rego => "rego",
            Analyzer::External => "external",
            Analyzer::Contracts => "contracts",
            Analyzer::TestIntegrity => "test-integrity",
            Analyzer::Llm => "llm",
        }
    }

    /// The names of `analyzers`, comma-separated, for messages.
    pub fn names(analyzers: &[Analyzer]) -> String {
        analyzers
            .iter()
            .map(|analyzer| analyzer.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not an analyzer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAnalyzer(pub String);

impl fmt::Display for UnknownAnalyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown analyzer `{}`; expected one of: {}",
            self.0,
            Analyzer::names(&Analyzer::ALL)
        )
    }
}

impl std::error::Error for UnknownAnalyzer {}

impl FromStr for Analyzer {
    type Err = UnknownAnalyzer;

    fn from_str(name: &str) -> Result<Analyzer, UnknownAnalyzer> {
        Analyzer::ALL
            .into_iter()
            .find(|analyzer| analyzer.as_str() == name)
            .ok_or_else(|| UnknownAnalyzer(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for analyzer in Analyzer::ALL {
            assert_eq!(analyzer.as_str().parse::<Analyzer>(), Ok(analyzer));
            let json = serde_json::to_string(&analyzer).unwrap();
            assert_eq!(json, format!("\"{analyzer}\""));
        }
        assert!("sca".parse::<Analyzer>().is_err());
    }
}
