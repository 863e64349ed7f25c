//! Checkov's JSON output (`checkov -d . -o json`): one report per framework, or a list of
//! them; a summary alone when it found nothing to scan.

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::{Reported, one_line, severity_from_word};
use crate::{Parsed, ReadError};

/// Reads the failed checks of every framework's report, and how many resources were
/// scanned.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let output: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("Checkov", &error))?;
    let reports: Vec<&Value> = match &output {
        Value::Array(reports) => reports.iter().collect(),
        Value::Object(_) => vec![&output],
        _ => {
            return Err(ReadError::shape(
                "Checkov",
                "expected a report object or a list of them",
            ));
        }
    };
    let mut parsed = Parsed::default();
    let mut resources = 0;
    for report in reports {
        // With nothing to scan Checkov prints only a summary: `{"passed": 0, "failed": 0, …}`.
        let summary = report.get("summary").unwrap_or(report);
        if report.get("results").is_none() && summary.get("resource_count").is_none() {
            return Err(ReadError::shape(
                "Checkov",
                "no `results` or `summary`: this is not Checkov's JSON",
            ));
        }
        resources += summary
            .get("resource_count")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let results = report.get("results").unwrap_or(&Value::Null);
        for check in results
            .get("failed_checks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = |key: &str| check.get(key).and_then(Value::as_str).unwrap_or_default();
            let range = check.get("file_line_range").and_then(Value::as_array);
            let line = |index: usize| {
                range
                    .and_then(|range| range.get(index))
                    .and_then(Value::as_u64)
                    .and_then(|line| u32::try_from(line).ok())
                    .unwrap_or(0)
            };
            // `file_path` is relative to the scanned folder with a leading `/`.
            let path = if text("file_abs_path").is_empty() {
                text("file_path").trim_start_matches('/').to_owned()
            } else {
                text("file_abs_path").to_owned()
            };
            let resource = text("resource");
            parsed.reported.push(Reported {
                rule: text("check_id").to_owned(),
                title: text("check_name").to_owned(),
                help: text("guideline").to_owned(),
                message: one_line(&format!("{} ({resource})", text("check_name"))),
                // Checkov only has severities with a Prisma Cloud API key.
                severity: severity_from_word(text("severity")).unwrap_or(Severity::Medium),
                confidence: Confidence::High,
                path,
                line: line(0),
                end_line: line(1),
                ..Reported::default()
            });
        }
        for error in results
            .get("parsing_errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(file) = error.as_str() {
                parsed.warnings.push(format!("could not parse {file}"));
            }
        }
    }
    parsed.scanned = Some(resources);
    Ok(parsed)
}
