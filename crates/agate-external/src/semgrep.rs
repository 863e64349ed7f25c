//! Semgrep's JSON output (`semgrep scan --json`).

use agate_model::Severity;
use serde_json::Value;

use crate::reported::{Reported, cwes_in, one_line, severity_from_word};
use crate::{Parsed, ReadError};

/// Reads Semgrep's `results`, its `errors` (rules or files it failed on) and
/// `paths.scanned`.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let output: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("Semgrep", &error))?;
    let results = output
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| ReadError::shape("Semgrep", "no `results` array"))?;
    let mut parsed = Parsed::default();
    for result in results {
        let extra = result.get("extra").unwrap_or(&Value::Null);
        let metadata = extra.get("metadata").unwrap_or(&Value::Null);
        let mut cwe = Vec::new();
        if let Some(value) = metadata.get("cwe") {
            cwes_in(&value.to_string(), &mut cwe);
        }
        let position = |key: &str, field: &str| {
            result
                .pointer(&format!("/{key}/{field}"))
                .and_then(Value::as_u64)
                .and_then(|number| u32::try_from(number).ok())
                .unwrap_or(0)
        };
        // Semgrep 1.x says ERROR/WARNING/INFO; newer rules say CRITICAL…LOW.
        let severity = extra
            .get("severity")
            .and_then(Value::as_str)
            .and_then(severity_from_word)
            .unwrap_or(Severity::Medium);
        let confidence = metadata
            .get("confidence")
            .and_then(Value::as_str)
            .map_or(agate_model::Confidence::Medium, crate::bandit::confidence);
        let rule = result
            .get("check_id")
            .and_then(Value::as_str)
            .unwrap_or("result");
        let help = metadata
            .get("source")
            .or_else(|| metadata.pointer("/references/0"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let lines = extra
            .get("lines")
            .and_then(Value::as_str)
            .filter(|lines| *lines != "requires login");
        parsed.reported.push(Reported {
            rule: rule.to_owned(),
            title: rule.rsplit('.').next().unwrap_or(rule).replace('-', " "),
            help: help.to_owned(),
            message: one_line(extra.get("message").and_then(Value::as_str).unwrap_or(rule)),
            severity,
            confidence,
            path: result
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            line: position("start", "line"),
            column: position("start", "col"),
            end_line: position("end", "line"),
            end_column: position("end", "col"),
            snippet: lines.map(str::to_owned),
            cwe,
            secret: None,
            path_candidates: Vec::new(),
            symbols: Vec::new(),
        });
    }
    for error in output
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let level = error
            .get("level")
            .and_then(Value::as_str)
            .unwrap_or("error");
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .or_else(|| error.get("type").and_then(Value::as_str))
            .unwrap_or("unknown error");
        let message = one_line(message);
        if level == "error" && error.get("path").is_none() {
            // A rule or configuration error: the scan did not do what it was asked.
            parsed.failures.push(message);
        } else {
            parsed.warnings.push(message);
        }
    }
    parsed.scanned = output
        .pointer("/paths/scanned")
        .and_then(Value::as_array)
        .map(|scanned| scanned.len() as u64);
    Ok(parsed)
}
