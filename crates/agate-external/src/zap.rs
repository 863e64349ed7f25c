//! OWASP ZAP's JSON report (`zap-baseline.py -t URL -J report.json`): one finding per
//! alert instance, at its URL.

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::{Reported, one_line, push_cwe};
use crate::{Parsed, ReadError};

/// Reads the alerts of every site; alerts ZAP rates as false positives are skipped.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let report: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("ZAP", &error))?;
    let sites = report
        .get("site")
        .and_then(Value::as_array)
        .ok_or_else(|| ReadError::shape("ZAP", "no `site` array: this is not a ZAP JSON report"))?;
    let mut parsed = Parsed::default();
    for site in sites {
        for alert in site
            .get("alerts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = |key: &str| alert.get(key).and_then(Value::as_str).unwrap_or_default();
            let confidence = match text("confidence") {
                "0" => continue,
                "1" => Confidence::Low,
                "3" | "4" => Confidence::High,
                _ => Confidence::Medium,
            };
            let severity = match text("riskcode") {
                "3" => Severity::High,
                "2" => Severity::Medium,
                "1" => Severity::Low,
                _ => Severity::Info,
            };
            let mut cwe = Vec::new();
            push_cwe(text("cweid"), &mut cwe);
            let name = if text("alert").is_empty() {
                text("name")
            } else {
                text("alert")
            };
            let rule = if text("alertRef").is_empty() {
                text("pluginid")
            } else {
                text("alertRef")
            };
            let solution = strip_tags(text("solution"));
            for instance in alert
                .get("instances")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let field = |key: &str| {
                    instance
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                };
                let parameter = if field("param").is_empty() {
                    String::new()
                } else {
                    format!(", parameter `{}`", field("param"))
                };
                parsed.reported.push(Reported {
                    rule: rule.to_owned(),
                    title: name.to_owned(),
                    help: format!("https://www.zaproxy.org/docs/alerts/{}/", text("pluginid")),
                    message: one_line(&format!(
                        "{name} ({} {}{parameter}). {solution}",
                        field("method"),
                        field("uri")
                    )),
                    severity,
                    confidence,
                    path: field("uri").to_owned(),
                    snippet: Some(field("evidence").to_owned())
                        .filter(|evidence| !evidence.is_empty()),
                    cwe: cwe.clone(),
                    ..Reported::default()
                });
            }
        }
    }
    parsed.scanned = Some(sites.len() as u64);
    Ok(parsed)
}

/// ZAP's descriptions are HTML paragraphs; the text is enough.
fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for character in html.chars() {
        match character {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(character),
            _ => {}
        }
    }
    one_line(&text)
}
