//! A self-contained HTML report: one file with inline style and script, no external
//! assets, findings filterable by gate, tier and severity.

use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{CheckStatus, Finding, GateStatus, Report, Severity, Tier, VerdictStatus};

pub(crate) const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1f2328}\
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:1rem 0}\
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}pre{margin:.25rem 0 0;white-space:pre-wrap;background:#f6f8fa;padding:.35rem}\
.pass{color:#1a7f37}.fail,.blocking{color:#cf222e}.error,.warn{color:#9a6700}\
.sev-critical,.sev-high{font-weight:600}.filters label{margin-right:1rem}\
tr.hidden{display:none}code{font-size:.9em}";

const SCRIPT: &str = "function f(){var g=document.getElementById('gate').value,t=document.getElementById('tier').value,\
s=document.getElementById('severity').value,o=document.getElementById('open').checked;\
document.querySelectorAll('#findings tbody tr').forEach(function(r){\
var show=(!g||r.dataset.gate===g)&&(!t||r.dataset.tier===t)&&(!s||+r.dataset.rank>=+s)&&(!o||r.dataset.open==='1');\
r.classList.toggle('hidden',!show);});}\
document.querySelectorAll('.filters select,.filters input').forEach(function(e){e.addEventListener('change',f);});";

/// Writes `report` as one HTML page.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut page = String::with_capacity(PAGE_CHUNK + 4096);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    let title = match &report.verdict {
        Some(verdict) => format!(
            "agate: {} ({})",
            verdict_word(verdict.status),
            escape(&verdict.environment)
        ),
        None => "agate scan".to_owned(),
    };
    let _ = write!(
        page,
        "<title>{title}</title><style>{STYLE}</style></head><body>"
    );
    let _ = write!(page, "<h1>{title}</h1>");
    let _ = write!(
        page,
        "<p>{} findings in {} files with {} rules, agate {}.</p>",
        report.findings.len(),
        report.stats.files,
        report.stats.rules,
        escape(&report.tool.version)
    );
    gates(report, &mut page);
    checks(report, &mut page);
    if !report.coverage.is_empty() {
        page.push_str("<h2>Coverage of the change</h2><ul>");
        for result in &report.coverage {
            let _ = write!(
                page,
                "<li>{}: {}</li>",
                escape(&result.gate),
                escape(&crate::coverage_line(result))
            );
        }
        page.push_str("</ul>");
    }
    load(report, &mut page);
    reviews(report, &mut page);
    findings(report, &mut page, out)?;
    rules(report, &mut page);
    notices(report, &mut page);
    let _ = writeln!(page, "<script>{SCRIPT}</script></body></html>");
    out.write_all(page.as_bytes())
}

/// Each LLM review: what it asked and what it cost.
fn reviews(report: &Report, page: &mut String) {
    if report.reviews.is_empty() {
        return;
    }
    page.push_str("<h2>LLM reviews</h2><ul>");
    for review in &report.reviews {
        let _ = write!(page, "<li>{}</li>", escape(&crate::review_line(review)));
    }
    page.push_str("</ul>");
}

/// Each load test: its line, and its latency percentiles as an inline SVG plot (no
/// external assets).
fn load(report: &Report, page: &mut String) {
    if report.load.is_empty() {
        return;
    }
    page.push_str("<h2>Load tests</h2>");
    for run in &report.load {
        let latency = &run.result.total.latency_ms;
        let points = [
            ("p50", latency.p50),
            ("p90", latency.p90),
            ("p95", latency.p95),
            ("p99", latency.p99),
            ("p99.9", latency.p999),
            ("max", latency.max),
        ];
        let top = points
            .iter()
            .map(|(_, value)| *value)
            .filter(|value| value.is_finite())
            .fold(0.0_f64, f64::max)
            .max(f64::EPSILON);
        let _ = write!(page, "<p>{}</p>", escape(&crate::load_line(run)));
        let (width, height, left, bottom) = (480.0, 160.0, 50.0, 24.0);
        let step = (width - left - 20.0) / (points.len() - 1) as f64;
        let mut svg = format!(
            "<svg role=\"img\" aria-label=\"latency percentiles of {}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/>",
            escape(&run.name),
            height - bottom,
            width - 10.0,
            height - bottom
        );
        let mut line = String::new();
        for (index, (label, value)) in points.iter().enumerate() {
            let value = if value.is_finite() { *value } else { 0.0 };
            let x = left + step * index as f64;
            let y = (height - bottom) - (value / top) * (height - bottom - 20.0);
            let _ = write!(line, "{x:.1},{y:.1} ");
            let _ = write!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#36c\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{value:.1}</text>",
                height - 8.0,
                y - 6.0
            );
        }
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#36c\"/><text x=\"4\" y=\"14\" font-size=\"11\">ms</text></svg>",
            line.trim_end()
        );
        page.push_str(&svg);
    }
}

/// How much of the page is built before it is written out: the findings table of a million
/// findings is streamed, never held whole.
const PAGE_CHUNK: usize = 64 * 1024;

fn verdict_word(status: VerdictStatus) -> &'static str {
    match status {
        VerdictStatus::Pass => "passed",
        VerdictStatus::Blocked => "blocked",
        VerdictStatus::Error => "error (fails closed)",
    }
}

fn gates(report: &Report, page: &mut String) {
    let Some(verdict) = &report.verdict else {
        return;
    };
    page.push_str("<h2>Gates</h2><table><thead><tr><th>Gate</th><th>Status</th><th>Blocking</th><th>Below threshold</th><th>Baselined</th><th>Suppressed</th><th>Triaged</th><th>Why</th></tr></thead><tbody>");
    for gate in &verdict.gates {
        let (class, word) = match gate.status {
            GateStatus::Pass => ("pass", "pass"),
            GateStatus::Warn => ("warn", "warn"),
            GateStatus::Fail => ("fail", "fail"),
            GateStatus::Error => ("error", "error"),
        };
        let _ = write!(
            page,
            "<tr><td>{}</td><td class=\"{class}\">{word}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&gate.name),
            gate.counts.blocking,
            gate.counts.below_threshold,
            gate.counts.baselined,
            gate.counts.suppressed,
            gate.counts.triaged,
            gate.reasons
                .iter()
                .map(|reason| escape(reason))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    page.push_str("</tbody></table>");
}

fn checks(report: &Report, page: &mut String) {
    if report.checks.is_empty() {
        return;
    }
    page.push_str("<h2>External checks</h2><table><thead><tr><th>Check</th><th>Gate</th><th>Status</th><th>Findings</th><th>Time</th><th>Output</th></tr></thead><tbody>");
    for check in &report.checks {
        let status = match (&check.status, &check.error) {
            (CheckStatus::Error, Some(error)) => {
                format!("<span class=\"error\">error: {}</span>", escape(error))
            }
            _ => "<span class=\"pass\">ran</span>".to_owned(),
        };
        let output = if check.stderr.is_empty() {
            String::new()
        } else {
            format!(
                "<details><summary>stderr</summary><pre>{}</pre></details>",
                escape(&check.stderr)
            )
        };
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{status}</td><td>{}</td><td>{:.1} s</td><td>{output}</td></tr>",
            escape(&check.name),
            escape(&check.gate),
            check.findings,
            check.duration_ms as f64 / 1000.0
        );
    }
    page.push_str("</tbody></table>");
}

fn findings(report: &Report, page: &mut String, out: &mut dyn Write) -> io::Result<()> {
    page.push_str("<h2>Findings</h2><div class=\"filters\">");
    let mut gates: Vec<&str> = report
        .findings
        .iter()
        .filter_map(|finding| finding.gate.as_deref())
        .collect();
    gates.sort_unstable();
    gates.dedup();
    page.push_str("<label>Gate <select id=\"gate\"><option value=\"\">all</option>");
    for gate in gates {
        let _ = write!(page, "<option>{}</option>", escape(gate));
    }
    page.push_str(
        "</select></label><label>Tier <select id=\"tier\"><option value=\"\">all</option>",
    );
    for tier in Tier::ALL {
        let _ = write!(page, "<option>{tier}</option>");
    }
    page.push_str(
        "</select></label><label>Severity <select id=\"severity\"><option value=\"0\">all</option>",
    );
    for severity in Severity::ALL.iter().skip(1) {
        let _ = write!(
            page,
            "<option value=\"{}\">{severity} and above</option>",
            rank(*severity)
        );
    }
    page.push_str(
        "</select></label><label><input type=\"checkbox\" id=\"open\"> open only</label></div>",
    );
    page.push_str("<table id=\"findings\"><thead><tr><th>Severity</th><th>Gate</th><th>Tier</th><th>Status</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>");
    for finding in crate::rank::ranked(report) {
        row(finding, page);
        if page.len() >= PAGE_CHUNK {
            out.write_all(page.as_bytes())?;
            page.clear();
        }
    }
    page.push_str("</tbody></table>");
    Ok(())
}

fn row(finding: &Finding, page: &mut String) {
    let location = &finding.location;
    let place = if location.path.is_empty() {
        String::new()
    } else if finding.location.names_a_file() {
        format!(
            "{}:{}:{}",
            escape(&location.path),
            location.start.line,
            location.start.column
        )
    } else {
        escape(&location.path)
    };
    let status = if finding.blocking {
        "<span class=\"blocking\">blocking</span>".to_owned()
    } else {
        format!("{:?}", finding.status).to_lowercase()
    };
    let tier = finding
        .tier
        .map_or_else(String::new, |tier| tier.to_string());
    let mut message = escape(&finding.message);
    if let Some(evidence) = &finding.ai_evidence {
        let _ = write!(
            message,
            "<br><small>AI: {}</small>",
            escape(&evidence.summary())
        );
    }
    if finding.sources.len() > 1 {
        let tools: Vec<String> = finding
            .sources
            .iter()
            .map(|source| escape(&format!("{} {}", source.tool, source.rule_id)))
            .collect();
        let _ = write!(
            message,
            "<br><small>reported by {}</small>",
            tools.join(", ")
        );
    }
    if let Some(justification) = &finding.justification {
        let _ = write!(
            message,
            "<br><small>{}: {}</small>",
            escape(&justification.decision.map_or_else(
                || justification.source.clone(),
                |decision| format!("{} ({decision})", justification.source)
            )),
            escape(&justification.reason)
        );
    }
    if !finding.snippet.is_empty() {
        let _ = write!(message, "<pre>{}</pre>", escape(&finding.snippet));
    }
    let _ = write!(
        page,
        "<tr data-gate=\"{}\" data-tier=\"{tier}\" data-rank=\"{}\" data-open=\"{}\"><td class=\"sev-{}\">{}</td><td>{}</td><td>{tier}</td><td>{status}</td><td><code>{}</code></td><td>{place}</td><td>{message}</td></tr>",
        escape(finding.gate.as_deref().unwrap_or_default()),
        rank(finding.severity),
        u8::from(finding.status.is_open()),
        finding.severity,
        finding.severity,
        escape(finding.gate.as_deref().unwrap_or_default()),
        escape(&finding.rule_id)
    );
}

/// The rules that produced findings, with the weaknesses and the compliance requirements
/// each maps to: what an auditor reads the report for.
fn rules(report: &Report, page: &mut String) {
    if report.rules.is_empty() {
        return;
    }
    page.push_str("<h2>Rules</h2><table id=\"rules\"><thead><tr><th>Rule</th><th>Severity</th><th>What it flags</th><th>CWE</th><th>OWASP</th><th>Compliance</th></tr></thead><tbody>");
    let list = |items: &[String]| {
        items
            .iter()
            .map(|item| escape(item))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    for rule in &report.rules {
        let _ = write!(
            page,
            "<tr><td><code>{}</code></td><td class=\"sev-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&rule.id),
            rule.severity,
            rule.severity,
            escape(&rule.summary),
            list(&rule.cwe),
            list(&rule.owasp),
            list(&rule.compliance)
        );
    }
    page.push_str("</tbody></table>");
}

fn notices(report: &Report, page: &mut String) {
    if report.notices.is_empty() {
        return;
    }
    page.push_str("<h2>Notices</h2><ul>");
    for notice in &report.notices {
        let place = notice
            .path
            .as_deref()
            .map(|path| format!("{}: ", escape(path)))
            .unwrap_or_default();
        let _ = write!(page, "<li>{place}{}</li>", escape(&notice.message));
    }
    page.push_str("</ul>");
}

fn rank(severity: Severity) -> u8 {
    severity as u8
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(character),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::external_report;

    fn rendered() -> String {
        let mut out = Vec::new();
        render(&external_report(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn self_contained_and_escaped() {
        let page = rendered();
        assert!(page.starts_with("<!DOCTYPE html>"));
        for external in ["src=", "href=", "@import", "url("] {
            assert!(
                !page.contains(external),
                "`{external}` would load something: no external assets"
            );
        }
        assert!(!page.contains("<script>alert"), "tool output is escaped");
        assert!(page.contains("eval of &lt;script&gt;alert(1)&lt;/script&gt; | request data"));
        assert_eq!(
            page.matches("<script>").count(),
            1,
            "only agate's own filter script"
        );
    }

    #[test]
    fn issue_8_rules_table_lists_compliance_requirements() {
        let page = rendered();
        let rules = &page[page.find("<h2>Rules</h2>").unwrap()..];
        assert!(
            rules.contains(
                "<td><code>py.os-system-injection</code></td><td class=\"sev-critical\">critical</td><td>shell command built from data</td><td>CWE-78</td><td>A03:2021</td><td>PCI-DSS-4 6.2.4<br>ASVS-4.0.3 V5.3.8</td>"
            ),
            "{rules}"
        );
    }

    #[test]
    fn rows_carry_what_the_filters_need() {
        let page = rendered();
        for needle in [
            "<select id=\"gate\">",
            "<select id=\"tier\">",
            "<select id=\"severity\">",
            "data-gate=\"security\" data-tier=\"new\" data-rank=\"3\" data-open=\"1\"",
            "data-gate=\"provenance-lint\" data-tier=\"ai\"",
            "check `zap` failed",
            "reported by semgrep python.eval, bandit B307",
        ] {
            assert!(page.contains(needle), "missing {needle}");
        }
    }
}
