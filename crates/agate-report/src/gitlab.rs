//! GitLab Code Quality JSON (`artifacts:reports:codequality`): open findings in files, each
//! with a fingerprint unique in the report.

use std::collections::HashSet;
use std::io::{self, Write};

use agate_model::{Report, Severity};
use serde::Serialize;

/// Writes the open findings of `report` as a GitLab Code Quality report.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut seen = HashSet::new();
    let issues: Vec<Issue<'_>> = report
        .findings
        .iter()
        .filter(|finding| finding.status.is_open() && crate::rank::in_a_file(finding))
        .map(|finding| {
            // The same fingerprint twice would hide one issue in GitLab's widget.
            let mut fingerprint = finding.fingerprint.as_str().to_owned();
            let mut occurrence = 1;
            while !seen.insert(fingerprint.clone()) {
                occurrence += 1;
                fingerprint = format!("{}-{occurrence}", finding.fingerprint);
            }
            Issue {
                kind: "issue",
                description: &finding.message,
                check_name: &finding.rule_id,
                fingerprint,
                severity: severity(finding.severity),
                categories: vec![if finding.ai_pattern {
                    "Bug Risk"
                } else {
                    "Security"
                }],
                location: IssueLocation {
                    path: &finding.location.path,
                    lines: Lines {
                        begin: finding.location.start.line,
                        end: finding.location.end.line.max(finding.location.start.line),
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// Code Quality's severities.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

#[derive(Serialize)]
struct Issue<'r> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'r str,
    check_name: &'r str,
    fingerprint: String,
    severity: &'static str,
    categories: Vec<&'static str>,
    location: IssueLocation<'r>,
}

#[derive(Serialize)]
struct IssueLocation<'r> {
    path: &'r str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}
