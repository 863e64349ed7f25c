//! GitLab's SAST security report (`artifacts:reports:sast`, schema 15.x): open findings in
//! files as vulnerabilities, each with agate's rule and its CWEs as identifiers; the run's
//! notices (files not scanned or skipped) are the scan's `messages`.

use std::io::{self, Write};

use agate_model::{Finding, NoticeLevel, Report, Severity};
use serde::Serialize;

use crate::RenderOptions;

/// The security report schema version written.
const SCHEMA_VERSION: &str = "15.0.7";

/// Writes the open findings of `report` as a GitLab SAST report.
pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let tool = Component {
        id: "agate",
        name: "agate",
        version: &report.tool.version,
        vendor: Vendor { name: "agate" },
    };
    let failed = report
        .verdict
        .as_ref()
        .is_some_and(|verdict| verdict.status == agate_model::VerdictStatus::Error);
    let sast = Sast {
        version: SCHEMA_VERSION,
        scan: Scan {
            analyzer: tool.clone(),
            scanner: tool,
            kind: "sast",
            start_time: &options.started,
            end_time: &options.finished,
            status: if failed { "failure" } else { "success" },
            messages: report
                .notices
                .iter()
                .map(|notice| Message {
                    level: match notice.level {
                        NoticeLevel::Error => "fatal",
                        NoticeLevel::Warning => "warn",
                    },
                    value: match &notice.path {
                        Some(path) => format!("{path}: {}", notice.message),
                        None => notice.message.clone(),
                    },
                })
                .collect(),
        },
        vulnerabilities: report
            .findings
            .iter()
            .filter(|finding| finding.status.is_open() && finding.location.names_a_file())
            .map(vulnerability)
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &sast)?;
    writeln!(out)
}

fn vulnerability(finding: &Finding) -> Vulnerability<'_> {
    let mut identifiers = vec![Identifier {
        kind: "agate_rule".to_owned(),
        name: finding.rule_id.to_string(),
        value: finding.rule_id.to_string(),
        url: None,
    }];
    for cwe in &finding.cwe {
        let number = cwe.trim_start_matches("CWE-");
        identifiers.push(Identifier {
            kind: "cwe".to_owned(),
            name: cwe.clone(),
            value: number.to_owned(),
            url: Some(format!(
                "https://cwe.mitre.org/data/definitions/{number}.html"
            )),
        });
    }
    let location = &finding.location;
    Vulnerability {
        id: uuid_shaped(finding.fingerprint.as_str()),
        name: &finding.rule_id,
        description: &finding.message,
        severity: match finding.severity {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
            Severity::Info => "Info",
        },
        location: VulnerabilityLocation {
            file: &location.path,
            start_line: location.start.line,
            end_line: location.end.line.max(location.start.line),
        },
        identifiers,
    }
}

/// The fingerprint's 32 hex digits grouped like a UUID, as GitLab recommends for ids.
fn uuid_shaped(hex: &str) -> String {
    if hex.len() != 32 || !hex.is_ascii() {
        return hex.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[derive(Serialize)]
struct Sast<'r> {
    version: &'static str,
    scan: Scan<'r>,
    vulnerabilities: Vec<Vulnerability<'r>>,
}

#[derive(Serialize)]
struct Scan<'r> {
    analyzer: Component<'r>,
    scanner: Component<'r>,
    #[serde(rename = "type")]
    kind: &'static str,
    start_time: &'r str,
    end_time: &'r str,
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    messages: Vec<Message>,
}

/// A message about the scan: `info`, `warn` or `fatal`.
#[derive(Serialize)]
struct Message {
    level: &'static str,
    value: String,
}

#[derive(Serialize, Clone)]
struct Component<'r> {
    id: &'static str,
    name: &'static str,
    version: &'r str,
    vendor: Vendor,
}

#[derive(Serialize, Clone)]
struct Vendor {
    name: &'static str,
}

#[derive(Serialize)]
struct Vulnerability<'r> {
    id: String,
    name: &'r str,
    description: &'r str,
    severity: &'static str,
    location: VulnerabilityLocation<'r>,
    identifiers: Vec<Identifier>,
}

#[derive(Serialize)]
struct VulnerabilityLocation<'r> {
    file: &'r str,
    start_line: u32,
    end_line: u32,
}

#[derive(Serialize)]
struct Identifier {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::external_report;

    #[test]
    fn snapshot() {
        let options = RenderOptions {
            started: "2026-11-26T10:00:00".into(),
            finished: "2026-11-26T10:00:07".into(),
            ..RenderOptions::default()
        };
        let mut out = Vec::new();
        render(&external_report(), &options, &mut out).unwrap();
        let sast: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for vulnerability in sast["vulnerabilities"].as_array().unwrap() {
            let id = vulnerability["id"].as_str().unwrap();
            assert_eq!(id.len(), 36, "UUID-shaped: {id}");
            assert!(!vulnerability["identifiers"].as_array().unwrap().is_empty());
        }
        insta::assert_json_snapshot!(sast);
    }
}
