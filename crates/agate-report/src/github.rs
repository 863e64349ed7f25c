//! GitHub Actions workflow commands: `::error file=…,line=…::message` annotations on the
//! pull request's diff. GitHub shows at most 10 errors and 10 warnings per step, so gate
//! errors come first, then findings ranked by importance, then the run's notices (files not
//! scanned, skipped or scanned with reduced coverage); what does not fit is counted in one
//! closing notice.

use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{Finding, GateStatus, NoticeLevel, Report};

/// The most annotations of one level GitHub displays per step.
pub const LIMIT_PER_LEVEL: usize = 10;

/// Writes annotations for gate errors, blocking findings (errors) and other open findings
/// (warnings), most important first, within GitHub's limits.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut errors = 0;
    let mut warnings = 0;
    let mut left_out = 0;
    for gate in report.verdict.iter().flat_map(|verdict| &verdict.gates) {
        if gate.status == GateStatus::Error && errors < LIMIT_PER_LEVEL {
            errors += 1;
            let why = gate.reasons.join("; ");
            writeln!(
                out,
                "::error title={}::{}",
                property(&format!("agate gate {} could not check", gate.name)),
                data(&why)
            )?;
        }
    }
    for finding in crate::rank::ranked(report) {
        if !finding.status.is_open() {
            continue;
        }
        let (level, used) = if finding.blocking {
            ("error", &mut errors)
        } else {
            ("warning", &mut warnings)
        };
        if *used >= LIMIT_PER_LEVEL {
            left_out += 1;
            continue;
        }
        *used += 1;
        writeln!(
            out,
            "::{level} {}::{}",
            properties(finding),
            data(&message(finding))
        )?;
    }
    for notice in &report.notices {
        let (level, used) = match notice.level {
            NoticeLevel::Error => ("error", &mut errors),
            NoticeLevel::Warning => ("warning", &mut warnings),
        };
        if *used >= LIMIT_PER_LEVEL {
            left_out += 1;
            continue;
        }
        *used += 1;
        let file = notice
            .path
            .as_ref()
            .map_or_else(String::new, |path| format!("file={},", property(path)));
        writeln!(
            out,
            "::{level} {file}title=agate::{}",
            data(&notice.message)
        )?;
    }
    if left_out > 0 {
        writeln!(
            out,
            "::notice title=agate::{}",
            data(&format!(
                "{left_out} more finding{} or notice{} not shown as annotations (GitHub shows {LIMIT_PER_LEVEL} errors and {LIMIT_PER_LEVEL} warnings per step); see the full report",
                if left_out == 1 { "" } else { "s" },
                if left_out == 1 { "" } else { "s" }
            ))
        )?;
    }
    Ok(())
}

fn properties(finding: &Finding) -> String {
    let location = &finding.location;
    let title = format!("{} ({})", finding.rule_id, finding.severity);
    if !finding.location.names_a_file() {
        return format!("title={}", property(&title));
    }
    let mut text = format!(
        "file={},line={},endLine={}",
        property(&location.path),
        location.start.line,
        location.end.line.max(location.start.line)
    );
    if location.end.line == location.start.line {
        let _ = write!(
            text,
            ",col={},endColumn={}",
            location.start.column, location.end.column
        );
    }
    let _ = write!(text, ",title={}", property(&title));
    text
}

fn message(finding: &Finding) -> String {
    let mut text = finding.message.to_string();
    if let Some(tier) = finding.tier {
        let _ = write!(text, " [{tier} tier");
        if let Some(evidence) = &finding.ai_evidence {
            let _ = write!(text, ": {}", evidence.summary());
        }
        text.push(']');
    }
    if !finding.location.names_a_file() && !finding.location.path.is_empty() {
        let _ = write!(text, " ({})", finding.location.path);
    }
    text
}

/// Escapes an annotation's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::external_report;
    use agate_model::{Severity, Tier};

    fn rendered(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(rendered(&external_report()));
    }

    #[test]
    fn the_most_important_findings_fit_the_display_limits() {
        let mut report = external_report();
        let template = report
            .findings
            .iter()
            .find(|finding| finding.rule_id == "semgrep/python.eval")
            .unwrap()
            .clone();
        report.findings.clear();
        for index in 0..30_u32 {
            let mut finding = template.clone();
            finding.location.start.line = index + 1;
            finding.location.end.line = index + 1;
            finding.blocking = index % 2 == 0;
            finding.severity = if index == 29 {
                Severity::Critical
            } else {
                Severity::Medium
            };
            finding.tier = Some(if index == 26 { Tier::Ai } else { Tier::Legacy });
            report.findings.push(finding);
        }
        report.verdict = None;
        report.notices.clear();
        let text = rendered(&report);
        let errors: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with("::error "))
            .collect();
        let warnings = text
            .lines()
            .filter(|line| line.starts_with("::warning "))
            .count();
        assert_eq!(errors.len(), LIMIT_PER_LEVEL);
        assert_eq!(warnings, LIMIT_PER_LEVEL);
        assert!(text.ends_with("::notice title=agate::10 more findings or notices not shown as annotations (GitHub shows 10 errors and 10 warnings per step); see the full report\n"), "{text}");
        // Blocking findings: the AI-tier one (line 27) first, then by severity.
        assert!(errors[0].contains("line=27,"), "{}", errors[0]);
        let warning_lines: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with("::warning "))
            .collect();
        assert!(
            warning_lines[0].contains("line=30,"),
            "critical first: {}",
            warning_lines[0]
        );
    }

    #[test]
    fn issue_7_notices_are_annotations() {
        let mut report = external_report();
        report.notices = vec![
            agate_model::Notice {
                level: NoticeLevel::Warning,
                path: Some("dist/app.min.js".to_owned()),
                message: "skipped: minified, outside the change".to_owned(),
            },
            agate_model::Notice {
                level: NoticeLevel::Error,
                path: None,
                message: "not scanned".to_owned(),
            },
        ];
        let text = rendered(&report);
        assert!(
            text.contains("::warning file=dist/app.min.js,title=agate::skipped: minified, outside the change\n"),
            "{text}"
        );
        assert!(
            text.contains("::error title=agate::not scanned\n"),
            "{text}"
        );
    }

    #[test]
    fn values_are_escaped() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
