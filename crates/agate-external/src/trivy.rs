//! Trivy's JSON report (`trivy fs --format json --output {out} .`): vulnerable packages,
//! misconfigurations and secrets (Trivy masks secrets in `Match` itself).

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::{Reported, cwes_in, one_line, severity_from_word};
use crate::{Parsed, ReadError};

/// Reads every `Results[]` entry's vulnerabilities, failed misconfigurations and secrets.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let report: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("Trivy", &error))?;
    if !report.is_object()
        || report.get("SchemaVersion").is_none() && report.get("Results").is_none()
    {
        return Err(ReadError::shape(
            "Trivy",
            "no `SchemaVersion` or `Results`: this is not a Trivy JSON report",
        ));
    }
    let mut parsed = Parsed::default();
    for result in report
        .get("Results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let target = result
            .get("Target")
            .and_then(Value::as_str)
            .unwrap_or_default();
        parsed
            .reported
            .extend(array(result, "Vulnerabilities").map(|found| vulnerability(found, target)));
        parsed.reported.extend(
            array(result, "Misconfigurations")
                .filter(|found| found.get("Status").and_then(Value::as_str) != Some("PASS"))
                .map(|found| misconfiguration(found, target)),
        );
        parsed
            .reported
            .extend(array(result, "Secrets").map(|found| secret(found, target)));
    }
    Ok(parsed)
}

/// A vulnerable package.
fn vulnerability(vulnerability: &Value, target: &str) -> Reported {
    let text = |key: &str| {
        vulnerability
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let mut cwe = Vec::new();
    if let Some(ids) = vulnerability.get("CweIDs") {
        cwes_in(&ids.to_string(), &mut cwe);
    }
    let fixed = text("FixedVersion");
    let fix = if fixed.is_empty() {
        "; no fixed version is published".to_owned()
    } else {
        format!("; upgrade to {fixed}")
    };
    let title = text("Title");
    Reported {
        rule: text("VulnerabilityID").to_owned(),
        title: title.to_owned(),
        help: text("PrimaryURL").to_owned(),
        message: one_line(&format!(
            "{} {} is affected by {}: {title}{fix}",
            text("PkgName"),
            text("InstalledVersion"),
            text("VulnerabilityID")
        )),
        severity: severity(text("Severity")),
        confidence: Confidence::High,
        path: target.to_owned(),
        line: line_of(vulnerability.pointer("/Locations/0/StartLine")),
        snippet: Some(format!("{} {}", text("PkgName"), text("InstalledVersion"))),
        cwe,
        ..Reported::default()
    }
}

/// A failed misconfiguration check.
fn misconfiguration(misconfiguration: &Value, target: &str) -> Reported {
    let text = |key: &str| {
        misconfiguration
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let id = if text("AVDID").is_empty() {
        text("ID")
    } else {
        text("AVDID")
    };
    Reported {
        rule: id.to_owned(),
        title: text("Title").to_owned(),
        help: text("PrimaryURL").to_owned(),
        message: one_line(&format!("{}: {}", text("Title"), text("Message"))),
        severity: severity(text("Severity")),
        confidence: Confidence::High,
        path: target.to_owned(),
        line: line_of(misconfiguration.pointer("/CauseMetadata/StartLine")),
        end_line: line_of(misconfiguration.pointer("/CauseMetadata/EndLine")),
        ..Reported::default()
    }
}

/// A secret, which Trivy masks in `Match`.
fn secret(secret: &Value, target: &str) -> Reported {
    let text = |key: &str| secret.get(key).and_then(Value::as_str).unwrap_or_default();
    Reported {
        rule: text("RuleID").to_owned(),
        title: text("Title").to_owned(),
        help: "https://trivy.dev/latest/docs/scanner/secret/".to_owned(),
        message: one_line(&format!("{} ({})", text("Title"), text("Category"))),
        severity: severity(text("Severity")),
        confidence: Confidence::Medium,
        path: target.to_owned(),
        line: line_of(secret.get("StartLine")),
        end_line: line_of(secret.get("EndLine")),
        // Trivy masks the secret in `Match`; agate still does not read the line.
        snippet: Some(text("Match").to_owned()),
        cwe: vec!["CWE-798".to_owned()],
        secret: Some(agate_model::Redacted::new(text("Match"))),
        ..Reported::default()
    }
}

fn array<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn line_of(value: Option<&Value>) -> u32 {
    value
        .and_then(Value::as_u64)
        .and_then(|line| u32::try_from(line).ok())
        .unwrap_or(0)
}

fn severity(word: &str) -> Severity {
    severity_from_word(word).unwrap_or(Severity::Medium)
}
