//! Human-readable output: each finding as a rustc-style excerpt with a caret line, then
//! notices, a summary line and, for `agate gate`, the verdict.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{
    Finding, FindingStatus, GateMode, GateStatus, Report, Severity, Verdict, VerdictStatus,
};
use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::RenderOptions;
use crate::escape::{escape_excerpt, escape_line};

/// Writes every finding, the notices and a summary.
pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    // Baselined, suppressed and triaged findings are counted in the gate table, not shown in
    // full.
    for finding in report
        .findings
        .iter()
        .filter(|finding| finding.status.is_open())
    {
        let shown = Shown::of(finding);
        writeln!(
            out,
            "{}\n",
            renderer.render(&finding_groups(report, finding, &shown))
        )?;
    }
    for notice in &report.notices {
        let level = notice.level.as_str();
        let message = escape_line(&notice.message);
        match &notice.path {
            Some(path) => writeln!(out, "{level}: {}: {message}", escape_line(path))?,
            None => writeln!(out, "{level}: {message}")?,
        }
    }
    if !report.notices.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(report))?;
    if let Some(verdict) = &report.verdict {
        write_verdict(verdict, out)?;
    }
    for result in &report.coverage {
        writeln!(
            out,
            "coverage, gate {}: {}",
            escape_line(&result.gate),
            crate::coverage_line(result)
        )?;
    }
    for run in &report.load {
        writeln!(out, "load test {}", escape_line(&crate::load_line(run)))?;
    }
    for review in &report.reviews {
        writeln!(
            out,
            "LLM review {}",
            escape_line(&crate::review_line(review))
        )?;
    }
    Ok(())
}

/// The gate table and the environment's outcome.
fn write_verdict(verdict: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\n{:<18} {:<6} {:<6} {:>8} {:>6} {:>9} {:>10} {:>7}  blocking ai/new/legacy",
        "gate", "mode", "status", "blocking", "below", "baselined", "suppressed", "triaged"
    )?;
    for gate in &verdict.gates {
        let counts = &gate.counts;
        writeln!(
            out,
            "{:<18} {:<6} {:<6} {:>8} {:>6} {:>9} {:>10} {:>7}  {}/{}/{}",
            escape_line(&gate.name),
            match gate.mode {
                GateMode::Block => "block",
                GateMode::Warn => "warn",
            },
            match gate.status {
                GateStatus::Pass => "pass",
                GateStatus::Warn => "warn",
                GateStatus::Fail => "FAIL",
                GateStatus::Error => "ERROR",
            },
            counts.blocking,
            counts.below_threshold,
            counts.baselined,
            counts.suppressed,
            counts.triaged,
            counts.blocking_ai,
            counts.blocking_new,
            counts.blocking_legacy
        )?;
    }
    let failed: Vec<Cow<str>> = verdict
        .gates
        .iter()
        .filter(|gate| gate.status == GateStatus::Fail)
        .map(|gate| escape_line(&gate.name))
        .collect();
    let environment = escape_line(&verdict.environment);
    let line = match verdict.status {
        VerdictStatus::Pass => format!("\nenvironment `{environment}`: passed"),
        VerdictStatus::Blocked => {
            let mut line = format!(
                "\nenvironment `{environment}`: blocked by {}",
                failed.join(", ")
            );
            // A gate failed by what it requires (compliance controls), not by findings.
            for gate in verdict
                .gates
                .iter()
                .filter(|gate| gate.status == GateStatus::Fail && gate.counts.blocking == 0)
            {
                for reason in &gate.reasons {
                    let _ = write!(
                        line,
                        "\n  {}: {}",
                        escape_line(&gate.name),
                        escape_line(reason)
                    );
                }
            }
            line
        }
        VerdictStatus::Error => {
            let why: Vec<String> = verdict
                .gates
                .iter()
                .filter(|gate| gate.status == GateStatus::Error)
                .map(|gate| {
                    format!(
                        "{}: {}",
                        escape_line(&gate.name),
                        escape_line(&gate.reasons.join("; "))
                    )
                })
                .collect();
            format!(
                "\nenvironment `{environment}`: error, not everything could be checked (fails closed)\n  {}",
                why.join("\n  ")
            )
        }
    };
    writeln!(out, "{line}")
}

/// The text of a finding as the terminal shows it: every value from the repository
/// escaped (file names, messages and code may carry newlines and escape sequences).
struct Shown<'a> {
    message: Cow<'a, str>,
    rule_id: Cow<'a, str>,
    path: Cow<'a, str>,
    snippet: Cow<'a, str>,
}

impl<'a> Shown<'a> {
    fn of(finding: &'a Finding) -> Shown<'a> {
        Shown {
            message: escape_line(&finding.message),
            rule_id: escape_line(&finding.rule_id),
            path: escape_line(&finding.location.path),
            snippet: escape_excerpt(&finding.snippet),
        }
    }
}

fn finding_groups<'a>(
    report: &'a Report,
    finding: &'a Finding,
    shown: &'a Shown<'a>,
) -> Vec<Group<'a>> {
    let level = match finding.severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low | Severity::Info => Level::INFO,
    }
    .with_name(finding.severity.as_str());
    let span = snippet_span(finding, &shown.snippet);
    let title = level
        .primary_title(shown.message.as_ref())
        .id(shown.rule_id.as_ref());
    let snippet = Snippet::source(shown.snippet.as_ref())
        .line_start(finding.location.start.line as usize)
        .path(shown.path.as_ref())
        .annotation(AnnotationKind::Primary.span(span));
    let mut groups = vec![title.element(snippet)];
    let mut context = Vec::new();
    if let Some(tier) = finding.tier {
        match &finding.ai_evidence {
            Some(evidence) => context.push(format!("tier: {tier} ({})", evidence.summary())),
            None => context.push(format!("tier: {tier}")),
        }
    }
    if let Some(gate) = &finding.gate {
        context.push(format!("gate: {gate}"));
    }
    let mut tags: Vec<&str> = finding
        .cwe
        .iter()
        .chain(&finding.owasp)
        .map(String::as_str)
        .collect();
    if finding.ai_pattern {
        tags.push("AI anti-pattern");
    }
    let confidence = format!("confidence: {}", finding.confidence);
    tags.push(&confidence);
    tags.extend(context.iter().map(String::as_str));
    let mut footer = escape_line(&tags.join(" · ")).into_owned();
    if let Some(help) = report
        .rule(&finding.rule_id)
        .and_then(|rule| how_to_fix(&rule.help))
    {
        footer = format!("{footer}\nhow to fix: {}", escape_line(&help));
    }
    if finding.fix.is_some() {
        footer.push_str("\nfixable: `agate fix` shows the edit, `agate fix --apply` writes it");
    }
    groups.push(Group::with_title(Level::NOTE.secondary_title(footer)));
    groups
}

/// Returns the first paragraph under the rule help's "How to fix" heading.
fn how_to_fix(help: &str) -> Option<String> {
    let after = help.split("## How to fix").nth(1)?;
    let paragraph: Vec<&str> = after
        .lines()
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// Byte range of the match inside `snippet` (the finding's, escaped: the same characters
/// per line), which starts at the match's first line.
fn snippet_span(finding: &Finding, snippet: &str) -> std::ops::Range<usize> {
    let start = finding.location.start;
    let end = finding.location.end;
    let offset = |line: u32, column: u32| -> usize {
        let mut offset = 0;
        for (index, text) in snippet.split('\n').enumerate() {
            if u32::try_from(index).is_ok_and(|index| index + start.line == line) {
                let chars = column.saturating_sub(1) as usize;
                return offset
                    + text
                        .char_indices()
                        .nth(chars)
                        .map_or(text.len(), |(byte, _)| byte);
            }
            offset += text.len() + 1;
        }
        snippet.len()
    };
    let from = offset(start.line, start.column);
    let to = offset(end.line, end.column).max(from);
    from..to
}

/// Returns the one-line summary: counts by severity, files, bytes, rules and time.
pub fn summary(report: &Report) -> String {
    let total = report.findings.len() as u64;
    let stats = &report.stats;
    let mut scanned = format!(
        "{} file{} ({}) with {} rules in {:.2}s",
        stats.files,
        plural(stats.files),
        human_bytes(stats.bytes),
        stats.rules,
        stats.duration_ms as f64 / 1000.0
    );
    if stats.skipped_minified > 0 {
        let _ = write!(
            scanned,
            "; {} minified file{} outside the change skipped",
            stats.skipped_minified,
            plural(stats.skipped_minified)
        );
    }
    if total == 0 {
        return format!("No findings in {scanned}.");
    }
    let counts: Vec<String> = report
        .counts_by_severity()
        .iter()
        .rev()
        .filter(|(_, count)| *count > 0)
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    let excused = |status: FindingStatus| {
        report
            .findings
            .iter()
            .filter(|finding| finding.status == status)
            .count()
    };
    let (baselined, suppressed, triaged) = (
        excused(FindingStatus::Baselined),
        excused(FindingStatus::Suppressed),
        excused(FindingStatus::Triaged),
    );
    let excused = if triaged > 0 {
        format!("; {baselined} baselined, {suppressed} suppressed, {triaged} triaged")
    } else if baselined + suppressed > 0 {
        format!("; {baselined} baselined, {suppressed} suppressed")
    } else {
        String::new()
    };
    format!(
        "Found {total} finding{} ({}{excused}) in {scanned}.",
        plural(total),
        counts.join(", ")
    )
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_report;

    #[test]
    fn renders_findings_notices_summary_and_verdict() {
        let mut out = Vec::new();
        render(&sample_report(), &RenderOptions::default(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn issue_9_a_finding_with_a_fix_says_how_to_apply_it() {
        let mut report = sample_report();
        let render_text = |report: &Report| {
            let mut out = Vec::new();
            render(report, &RenderOptions::default(), &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert!(!render_text(&report).contains("fixable:"));
        let open = report
            .findings
            .iter()
            .position(|finding| finding.status.is_open())
            .unwrap();
        let at = report.findings[open].location.start;
        report.findings[open].fix = Some(Box::new(agate_model::Fix {
            start: at,
            end: at,
            replacement: "x".to_owned(),
            bytes: 0..0,
            digest: String::new(),
        }));
        let text = render_text(&report);
        assert_eq!(
            text.matches("fixable: `agate fix` shows the edit, `agate fix --apply` writes it")
                .count(),
            1,
            "{text}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let mut plain = Vec::new();
        render(&sample_report(), &RenderOptions::default(), &mut plain).unwrap();
        assert!(!plain.contains(&0x1b));
        let mut styled = Vec::new();
        render(
            &sample_report(),
            &RenderOptions {
                color: true,
                ..RenderOptions::default()
            },
            &mut styled,
        )
        .unwrap();
        assert!(styled.contains(&0x1b));
    }
}
