//! Bandit's JSON report (`bandit -r . -f json`).

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::{Reported, one_line, push_cwe, severity_from_word};
use crate::{Parsed, ReadError};

/// Reads a Bandit report: `results`, `errors` (files it could not scan) and `metrics`
/// (how many files it scanned).
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let report: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("Bandit", &error))?;
    let results = report
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| ReadError::shape("Bandit", "no `results` array"))?;
    let mut parsed = Parsed::default();
    for result in results {
        let text = |key: &str| result.get(key).and_then(Value::as_str).unwrap_or_default();
        let number = |key: &str| {
            result
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|number| u32::try_from(number).ok())
                .unwrap_or(0)
        };
        let mut cwe = Vec::new();
        if let Some(id) = result.pointer("/issue_cwe/id") {
            push_cwe(&id.to_string(), &mut cwe);
        }
        let last_line = result
            .get("line_range")
            .and_then(Value::as_array)
            .and_then(|range| range.last())
            .and_then(Value::as_u64)
            .and_then(|line| u32::try_from(line).ok())
            .unwrap_or(0);
        parsed.reported.push(Reported {
            rule: text("test_id").to_owned(),
            title: text("test_name").replace('_', " "),
            help: text("more_info").to_owned(),
            message: one_line(text("issue_text")),
            severity: severity_from_word(text("issue_severity")).unwrap_or(Severity::Medium),
            confidence: confidence(text("issue_confidence")),
            path: text("filename").to_owned(),
            line: number("line_number"),
            // Bandit's columns are 0-based.
            column: number("col_offset") + 1,
            end_line: last_line,
            end_column: number("end_col_offset") + 1,
            snippet: None,
            cwe,
            secret: None,
            path_candidates: Vec::new(),
            symbols: Vec::new(),
        });
    }
    for error in report
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let file = error.get("filename").and_then(Value::as_str).unwrap_or("?");
        let reason = error
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        parsed
            .warnings
            .push(format!("could not scan {file}: {}", one_line(reason)));
    }
    // `metrics` has one entry per scanned file plus `_totals`.
    parsed.scanned = report
        .get("metrics")
        .and_then(Value::as_object)
        .map(|metrics| metrics.keys().filter(|key| *key != "_totals").count() as u64);
    Ok(parsed)
}

pub(crate) fn confidence(word: &str) -> Confidence {
    match word.to_ascii_lowercase().as_str() {
        "high" => Confidence::High,
        "low" => Confidence::Low,
        _ => Confidence::Medium,
    }
}
