use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How bad a finding is if it is real, from `info` to `critical`.
///
/// Ordered: `Severity::Critical > Severity::High`, so a threshold is a plain comparison.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never blocks under the default policy.
    Info,
    /// A weakness with little direct impact.
    Low,
    /// A weakness that matters in some contexts.
    Medium,
    /// A likely exploitable or clearly harmful defect.
    High,
    /// Exploitable with severe impact (remote code execution, credential leak).
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// Returns the lowercase name used in YAML, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Returns the CVSS-like score GitHub code scanning reads from `security-severity`.
    pub fn security_score(self) -> &'static str {
        match self {
            Severity::Info => "0.0",
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a severity or confidence name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseLevelError {
    /// What was given.
    pub given: String,
    /// The accepted names.
    pub expected: &'static str,
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not one of {}", self.given, self.expected)
    }
}

impl std::error::Error for ParseLevelError {}

impl FromStr for Severity {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == s)
            .ok_or_else(|| ParseLevelError {
                given: s.to_owned(),
                expected: "info, low, medium, high, critical",
            })
    }
}

/// How sure a rule is that a match is a real problem.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Often a false alarm; needs a human look.
    Low,
    /// Usually right.
    Medium,
    /// Almost always a real problem.
    High,
}

impl Confidence {
    /// Returns the lowercase name used in YAML and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Confidence {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Confidence::Low, Confidence::Medium, Confidence::High]
            .into_iter()
            .find(|confidence| confidence.as_str() == s)
            .ok_or_else(|| ParseLevelError {
                given: s.to_owned(),
                expected: "low, medium, high",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_are_ordered_by_harm() {
        assert!(Severity::ALL.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn severity_names_round_trip() {
        for severity in Severity::ALL {
            assert_eq!(severity.as_str().parse::<Severity>(), Ok(severity));
        }
        let error = "severe".parse::<Severity>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "`severe` is not one of info, low, medium, high, critical"
        );
    }
}
