//! Markdown for people reading CI pages: a step summary (`$GITHUB_STEP_SUMMARY`, GitLab
//! job pages) and a pull/merge request comment, both with the verdict, each gate, the most
//! important findings and the external checks.

use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{CheckStatus, Finding, GateStatus, Report, VerdictStatus};

use crate::RenderOptions;

/// The first line of every comment, so a bot can find and update its previous one.
pub const COMMENT_MARKER: &str = "<!-- agate-report -->";

/// Findings listed in a step summary.
const SUMMARY_FINDINGS: usize = 50;
/// Findings listed openly in a comment; the rest fold into a details block.
const COMMENT_FINDINGS: usize = 10;
/// Notices listed in a step summary.
const SUMMARY_NOTICES: usize = 50;
/// Notices listed (folded) in a comment.
const COMMENT_NOTICES: usize = 20;

/// Writes the step summary.
pub fn summary(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut text = String::new();
    heading(report, &mut text);
    gates(report, &mut text);
    let ranked = open_ranked(report);
    if !ranked.is_empty() {
        let shown = ranked.len().min(SUMMARY_FINDINGS);
        let _ = writeln!(
            text,
            "\n### Findings ({shown} of {}, most important first)\n",
            ranked.len()
        );
        findings_table(&ranked[..shown], options, &mut text);
    }
    checks(report, &mut text);
    coverage(report, &mut text);
    load(report, &mut text);
    reviews(report, &mut text);
    notices(report, &mut text);
    out.write_all(text.as_bytes())
}

/// Writes a pull/merge request comment: short, blocking findings first, the rest folded.
pub fn comment(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut text = format!("{COMMENT_MARKER}\n");
    heading(report, &mut text);
    gates(report, &mut text);
    let ranked = open_ranked(report);
    if !ranked.is_empty() {
        let shown = ranked.len().min(COMMENT_FINDINGS);
        text.push('\n');
        findings_table(&ranked[..shown], options, &mut text);
        if ranked.len() > shown {
            let _ = writeln!(
                text,
                "\n<details><summary>{} more finding{}</summary>\n",
                ranked.len() - shown,
                if ranked.len() - shown == 1 { "" } else { "s" }
            );
            findings_table(
                &ranked[shown..ranked.len().min(shown + 100)],
                options,
                &mut text,
            );
            text.push_str("\n</details>\n");
        }
    }
    checks(report, &mut text);
    coverage(report, &mut text);
    load(report, &mut text);
    reviews(report, &mut text);
    if !report.notices.is_empty() {
        // Folded: a comment stays short, but what was not scanned is one click away.
        let count = report.notices.len();
        let _ = writeln!(
            text,
            "\n<details><summary>{count} notice{}</summary>\n",
            if count == 1 { "" } else { "s" }
        );
        notice_list(report, COMMENT_NOTICES, &mut text);
        text.push_str("\n</details>\n");
    }
    if let Some(url) = &options.report_url {
        let _ = writeln!(text, "\n[Full report]({url})");
    }
    out.write_all(text.as_bytes())
}

fn open_ranked(report: &Report) -> Vec<&Finding> {
    crate::rank::ranked(report)
        .into_iter()
        .filter(|finding| finding.status.is_open())
        .collect()
}

fn heading(report: &Report, text: &mut String) {
    let counts = report.counts_by_severity();
    let total: usize = counts.iter().map(|(_, count)| count).sum();
    match &report.verdict {
        Some(verdict) => {
            let (mark, word) = match verdict.status {
                VerdictStatus::Pass => ("✅", "passed"),
                VerdictStatus::Blocked => ("❌", "blocked"),
                VerdictStatus::Error => ("⚠️", "could not check everything (fails closed)"),
            };
            let _ = writeln!(
                text,
                "## {mark} agate: {word} ({})\n",
                cell(&verdict.environment)
            );
        }
        None => {
            let _ = writeln!(text, "## agate scan\n");
        }
    }
    let by_severity: Vec<String> = counts
        .iter()
        .rev()
        .filter(|(_, count)| *count > 0)
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    let _ = writeln!(
        text,
        "{total} finding{} ({}) in {} files, {} rules.",
        if total == 1 { "" } else { "s" },
        if by_severity.is_empty() {
            "none".to_owned()
        } else {
            by_severity.join(", ")
        },
        report.stats.files,
        report.stats.rules
    );
}

fn gates(report: &Report, text: &mut String) {
    let Some(verdict) = &report.verdict else {
        return;
    };
    text.push_str("\n| Gate | Mode | Status | Blocking (ai / new / legacy) | Below threshold | Baselined | Suppressed | Triaged |\n|---|---|---|---|---|---|---|---|\n");
    for gate in &verdict.gates {
        let status = match gate.status {
            GateStatus::Pass => "✅ pass",
            GateStatus::Warn => "⚠️ warn",
            GateStatus::Fail => "❌ fail",
            GateStatus::Error => "⚠️ error",
        };
        let counts = &gate.counts;
        let _ = writeln!(
            text,
            "| {} | {} | {status} | {} ({} / {} / {}) | {} | {} | {} | {} |",
            cell(&gate.name),
            match gate.mode {
                agate_model::GateMode::Block => "block",
                agate_model::GateMode::Warn => "warn",
            },
            counts.blocking,
            counts.blocking_ai,
            counts.blocking_new,
            counts.blocking_legacy,
            counts.below_threshold,
            counts.baselined,
            counts.suppressed,
            counts.triaged
        );
    }
    for gate in verdict
        .gates
        .iter()
        .filter(|gate| gate.status != GateStatus::Pass)
    {
        for reason in &gate.reasons {
            let _ = writeln!(text, "\n- **{}**: {}", cell(&gate.name), cell(reason));
        }
    }
}

fn findings_table(findings: &[&Finding], options: &RenderOptions, text: &mut String) {
    text.push_str("| | Severity | Tier | Rule | Where | Message |\n|---|---|---|---|---|---|\n");
    for finding in findings {
        let tier = finding
            .tier
            .map_or_else(String::new, |tier| tier.to_string());
        let _ = writeln!(
            text,
            "| {} | {} | {tier} | `{}` | {} | {} |",
            if finding.blocking { "❌" } else { "" },
            finding.severity,
            finding.rule_id.replace('`', "'"),
            place(finding, options),
            cell(&finding.message)
        );
    }
}

/// `path:line`, linked to the source when a base URL is known.
fn place(finding: &Finding, options: &RenderOptions) -> String {
    let location = &finding.location;
    if location.path.is_empty() {
        return String::new();
    }
    if !finding.location.names_a_file() {
        return cell(&location.path);
    }
    let label = format!("{}:{}", cell(&location.path), location.start.line);
    match &options.source_url {
        Some(base) => format!(
            "[{label}]({}/{}#L{})",
            base.trim_end_matches('/'),
            crate::sarif::encode_uri_path(&location.path),
            location.start.line
        ),
        None => label,
    }
}

fn checks(report: &Report, text: &mut String) {
    if report.checks.is_empty() {
        return;
    }
    text.push_str("\n### External checks\n\n| Check | Gate | Status | Findings | Time |\n|---|---|---|---|---|\n");
    for check in &report.checks {
        let status = match (&check.status, &check.error) {
            (CheckStatus::Error, Some(error)) => format!("⚠️ {}", cell(error)),
            _ => "✅ ran".to_owned(),
        };
        let _ = writeln!(
            text,
            "| {} | {} | {status} | {} | {:.1} s |",
            cell(&check.name),
            cell(&check.gate),
            check.findings,
            check.duration_ms as f64 / 1000.0
        );
    }
}

fn coverage(report: &Report, text: &mut String) {
    if report.coverage.is_empty() {
        return;
    }
    text.push_str("\n### Coverage of the change\n\n");
    for result in &report.coverage {
        let _ = writeln!(
            text,
            "- **{}**: {}",
            cell(&result.gate),
            cell(&crate::coverage_line(result))
        );
    }
}

fn reviews(report: &Report, text: &mut String) {
    if report.reviews.is_empty() {
        return;
    }
    text.push_str("\n### LLM reviews\n\n");
    for review in &report.reviews {
        let _ = writeln!(text, "- {}", cell(&crate::review_line(review)));
    }
}

fn load(report: &Report, text: &mut String) {
    if report.load.is_empty() {
        return;
    }
    text.push_str("\n### Load tests\n\n| Test | Gate | Requests | rps | p50 | p90 | p95 | p99 | p99.9 | max | Errors | Checks |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for run in &report.load {
        let total = &run.result.total;
        let latency = &total.latency_ms;
        let checks: Vec<String> = run
            .thresholds
            .iter()
            .map(|threshold| {
                let mark = if threshold.passed { "✅" } else { "❌" };
                format!("{mark} `{}` ({})", threshold.threshold, threshold.actual)
            })
            .chain(run.regressions.iter().map(|found| {
                let mark = if found.regressed { "❌" } else { "✅" };
                format!("{mark} p95 vs baseline {:+.1}%", found.worse_by_percent)
            }))
            .collect();
        let _ = writeln!(
            text,
            "| {} | {} | {} | {:.1} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} |",
            cell(&run.name),
            cell(&run.gate),
            total.requests,
            total.rps,
            latency.p50,
            latency.p90,
            latency.p95,
            latency.p99,
            latency.p999,
            latency.max,
            total.errors.total(),
            cell(&checks.join("; "))
        );
    }
}

fn notices(report: &Report, text: &mut String) {
    if report.notices.is_empty() {
        return;
    }
    text.push_str("\n### Notices\n\n");
    notice_list(report, SUMMARY_NOTICES, text);
}

/// The first `limit` notices as a list, and how many more there are.
fn notice_list(report: &Report, limit: usize, text: &mut String) {
    for notice in report.notices.iter().take(limit) {
        let place = notice
            .path
            .as_deref()
            .map(|path| format!("{}: ", cell(path)))
            .unwrap_or_default();
        let level = notice.level.as_str();
        let _ = writeln!(text, "- {level}: {place}{}", cell(&notice.message));
    }
    if report.notices.len() > limit {
        let _ = writeln!(
            text,
            "- … and {} more in the full report",
            report.notices.len() - limit
        );
    }
}

/// Text safe inside a Markdown table cell: one line, no pipes, no HTML, no links and no
/// mentions (a tool's message or a file name is not allowed to ping `@everyone` or dress a
/// link up as agate's), at most 300 characters.
fn cell(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut safe = one_line
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('[', "\\[")
        .replace(']', "\\]")
        // A zero-width space after `@` keeps the text and drops the mention.
        .replace('@', "@\u{200b}");
    if safe.chars().count() > 300 {
        safe = safe.chars().take(299).collect::<String>() + "…";
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::external_report;

    fn options() -> RenderOptions {
        RenderOptions {
            source_url: Some("https://github.com/acme/shop/blob/0123abc".into()),
            report_url: Some("https://github.com/acme/shop/actions/runs/42".into()),
            ..RenderOptions::default()
        }
    }

    #[test]
    fn issue_7_cells_carry_no_mentions_links_or_html() {
        assert_eq!(
            cell("ping @everyone: [click](https://evil.example) <img src=x>"),
            "ping @\u{200b}everyone: \\[click\\](https://evil.example) &lt;img src=x&gt;"
        );
    }

    #[test]
    fn step_summary() {
        let mut out = Vec::new();
        summary(&external_report(), &options(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("<script>"), "markup from tools is escaped");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn pull_request_comment() {
        let mut out = Vec::new();
        comment(&external_report(), &options(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(COMMENT_MARKER));
        assert!(text.contains(
            "[app/views.py:20](https://github.com/acme/shop/blob/0123abc/app/views.py#L20)"
        ));
        insta::assert_snapshot!(text);
    }
}
