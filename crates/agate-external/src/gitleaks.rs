//! gitleaks' JSON report (`gitleaks detect --report-format json --report-path {out}`).
//! The secret itself is only hashed, never shown.

use agate_model::{Confidence, Redacted, Severity};
use serde_json::Value;

use crate::reported::{Reported, one_line};
use crate::{Parsed, ReadError};

/// Reads gitleaks' list of leaks.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let leaks: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("gitleaks", &error))?;
    let leaks = leaks
        .as_array()
        .ok_or_else(|| ReadError::shape("gitleaks", "expected a list of leaks"))?;
    let mut parsed = Parsed::default();
    for leak in leaks {
        let text = |key: &str| leak.get(key).and_then(Value::as_str).unwrap_or_default();
        let number = |key: &str| {
            leak.get(key)
                .and_then(Value::as_u64)
                .and_then(|number| u32::try_from(number).ok())
                .unwrap_or(0)
        };
        let secret = Some(text("Secret"))
            .filter(|secret| !secret.is_empty())
            .or(Some(text("Match")).filter(|found| !found.is_empty()))
            .map(Redacted::new);
        let commit = text("Commit");
        let place = if commit.is_empty() {
            String::new()
        } else {
            format!(" (commit {})", commit.chars().take(12).collect::<String>())
        };
        let description = text("Description");
        let shown = secret.as_ref().map(ToString::to_string).unwrap_or_default();
        parsed.reported.push(Reported {
            rule: text("RuleID").to_owned(),
            title: description.to_owned(),
            help: "https://github.com/gitleaks/gitleaks".to_owned(),
            message: one_line(&format!("{description}: {shown}{place}")),
            severity: Severity::High,
            confidence: Confidence::Medium,
            path: text("File").to_owned(),
            line: number("StartLine"),
            column: number("StartColumn"),
            end_line: number("EndLine"),
            end_column: number("EndColumn"),
            snippet: None,
            cwe: vec!["CWE-798".to_owned()],
            secret,
            path_candidates: Vec::new(),
            symbols: Vec::new(),
        });
    }
    Ok(parsed)
}
