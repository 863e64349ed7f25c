//! GitLab Code Quality JSON (`artifacts:reports:codequality`): open findings in files, each
//! with a fingerprint unique in the report, and the run's notices (files not scanned or
//! skipped) as issues of check `agate.notice`, so the merge request widget shows them too.

use std::collections::HashSet;
use std::io::{self, Write};

use agate_model::{Fingerprint, FingerprintInput, NoticeLevel, Report, Severity};
use serde::Serialize;

/// Writes the open findings of `report` as a GitLab Code Quality report.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut seen = HashSet::new();
    let issues: Vec<Issue<'_>> = report
        .findings
        .iter()
        .filter(|finding| finding.status.is_open() && finding.location.names_a_file())
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
    let notices = report.notices.iter().map(|notice| {
        let path = notice.path.as_deref().unwrap_or(".");
        Issue {
            kind: "issue",
            description: &notice.message,
            check_name: NOTICE_CHECK,
            fingerprint: Fingerprint::compute(&FingerprintInput {
                rule_id: NOTICE_CHECK,
                path,
                code: &notice.message,
                scope: "",
                occurrence: 0,
            })
            .as_str()
            .to_owned(),
            severity: match notice.level {
                NoticeLevel::Error => "major",
                NoticeLevel::Warning => "info",
            },
            categories: vec!["Bug Risk"],
            location: IssueLocation {
                path,
                lines: Lines { begin: 1, end: 1 },
            },
        }
    });
    let issues: Vec<Issue<'_>> = issues.into_iter().chain(notices).collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// The check name of issues that are the run's notices.
const NOTICE_CHECK: &str = "agate.notice";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::external_report;

    #[test]
    fn issue_7_notices_are_issues() {
        let mut report = external_report();
        report.notices = vec![agate_model::Notice {
            level: NoticeLevel::Warning,
            path: Some("dist/app.min.js".to_owned()),
            message: "skipped: minified, outside the change".to_owned(),
        }];
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        let issues: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        let notice = issues
            .iter()
            .find(|issue| issue["check_name"] == NOTICE_CHECK)
            .unwrap();
        assert_eq!(notice["location"]["path"], "dist/app.min.js");
        assert_eq!(notice["severity"], "info");
        assert_eq!(
            notice["description"],
            "skipped: minified, outside the change"
        );
    }

    #[test]
    fn open_findings_in_files_with_unique_fingerprints() {
        let mut report = external_report();
        // Two findings with one fingerprint (a tool reporting the same thing twice).
        let copy = report.findings.last().unwrap().clone();
        report.findings.push(copy);
        let last = report.findings.len() - 1;
        report.findings[last].location.path = "app/views.py".into();
        let previous = report
            .findings
            .iter()
            .position(|f| f.rule_id == "semgrep/python.eval")
            .unwrap();
        report.findings[last].fingerprint = report.findings[previous].fingerprint.clone();
        report.notices.clear();
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        let issues: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        let mut fingerprints: Vec<&str> = issues
            .iter()
            .map(|issue| issue["fingerprint"].as_str().unwrap())
            .collect();
        let total = fingerprints.len();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(fingerprints.len(), total, "fingerprints are unique");
        let paths: Vec<&str> = issues
            .iter()
            .map(|issue| issue["location"]["path"].as_str().unwrap())
            .collect();
        assert!(
            !paths
                .iter()
                .any(|path| path.is_empty() || path.contains("://")),
            "{paths:?}"
        );
        assert!(
            !paths.contains(&"app/views.py") || issues.len() == 3,
            "the baselined finding is left out: {paths:?}"
        );
        insta::assert_json_snapshot!(issues[0]);
    }
}
