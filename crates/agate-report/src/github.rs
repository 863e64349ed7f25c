//! GitHub Actions workflow commands: `::error file=…,line=…::message` annotations on the
//! pull request's diff. GitHub shows at most 10 errors and 10 warnings per step, so gate
//! errors come first, then findings ranked by importance; what does not fit is counted in
//! one closing notice.

use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{Finding, GateStatus, Report};

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
    if left_out > 0 {
        writeln!(
            out,
            "::notice title=agate::{}",
            data(&format!(
                "{left_out} more finding{} not shown as annotations (GitHub shows {LIMIT_PER_LEVEL} errors and {LIMIT_PER_LEVEL} warnings per step); see the full report",
                if left_out == 1 { "" } else { "s" }
            ))
        )?;
    }
    Ok(())
}

fn properties(finding: &Finding) -> String {
    let location = &finding.location;
    let title = format!("{} ({})", finding.rule_id, finding.severity);
    if !crate::rank::in_a_file(finding) {
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
    let mut text = finding.message.clone();
    if let Some(tier) = finding.tier {
        let _ = write!(text, " [{tier} tier");
        if let Some(evidence) = &finding.ai_evidence {
            let _ = write!(text, ": {}", evidence.summary());
        }
        text.push(']');
    }
    if !crate::rank::in_a_file(finding) && !finding.location.path.is_empty() {
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
