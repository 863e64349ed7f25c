//! What notifications say: agate's webhook JSON and Slack's text.

use std::fmt::Write as _;

use agate_model::{GateStatus, Report, VerdictStatus};
use serde_json::{Value, json};

/// Findings a notification lists at most.
pub const TOP_FINDINGS: usize = 10;

/// The generic webhook's body: the verdict, each gate, the top findings, the report link.
pub fn webhook_payload(report: &Report, context: &crate::Context) -> Value {
    let verdict = report.verdict.as_ref();
    let gates: Vec<Value> = verdict
        .iter()
        .flat_map(|verdict| &verdict.gates)
        .map(|gate| {
            json!({
                "name": gate.name,
                "status": gate.status,
                "blocking": gate.counts.blocking,
                "reasons": gate.reasons,
            })
        })
        .collect();
    let findings: Vec<Value> = agate_report::rank::ranked(report)
        .into_iter()
        .filter(|finding| finding.blocking)
        .take(TOP_FINDINGS)
        .map(|finding| {
            json!({
                "rule_id": finding.rule_id,
                "severity": finding.severity,
                "tier": finding.tier,
                "gate": finding.gate,
                "path": finding.location.path,
                "line": finding.location.start.line,
                "message": finding.message,
                "fingerprint": finding.fingerprint,
            })
        })
        .collect();
    json!({
        "event": "agate.gate",
        "verdict": verdict.map(|verdict| verdict.status),
        "environment": verdict.map(|verdict| verdict.environment.as_str()),
        "gates": gates,
        "top_findings": findings,
        "blocking": report.findings.iter().filter(|finding| finding.blocking).count(),
        "report_url": context.report_url,
        "repository": context.github_repository,
        "commit": context.commit,
        "agate_version": report.tool.version,
    })
}

/// One line for a title: `agate blocked staging: security (3 blocking)`.
pub(crate) fn title(report: &Report) -> String {
    let Some(verdict) = &report.verdict else {
        return "agate report".to_owned();
    };
    let word = match verdict.status {
        VerdictStatus::Pass => "passed",
        VerdictStatus::Blocked => "blocked",
        VerdictStatus::Error => "could not check",
    };
    let failing: Vec<String> = verdict
        .gates
        .iter()
        .filter(|gate| matches!(gate.status, GateStatus::Fail | GateStatus::Error))
        .map(|gate| {
            if gate.status == GateStatus::Error {
                format!("{} (error)", gate.name)
            } else {
                format!("{} ({} blocking)", gate.name, gate.counts.blocking)
            }
        })
        .collect();
    format!(
        "agate {word} {}: {}",
        verdict.environment,
        failing.join(", ")
    )
}

/// Slack's mrkdwn text: the title, the top findings, the report link.
pub(crate) fn slack_text(report: &Report, context: &crate::Context) -> String {
    let mut text = format!("*{}*", escape(&title(report)));
    if let Some(repository) = &context.github_repository {
        let _ = write!(text, " in `{}`", escape(repository));
    }
    for finding in agate_report::rank::ranked(report)
        .into_iter()
        .filter(|finding| finding.blocking)
        .take(TOP_FINDINGS)
    {
        let place = if finding.location.path.is_empty() {
            String::new()
        } else {
            format!(
                " `{}:{}`",
                escape(&finding.location.path),
                finding.location.start.line
            )
        };
        let _ = write!(
            text,
            "\n• {} `{}`{place}: {}",
            finding.severity,
            escape(&finding.rule_id),
            escape(&finding.message)
        );
    }
    if let Some(url) = &context.report_url {
        let _ = write!(
            text,
            "\n<{}|Full report>",
            url.replace('|', "%7C").replace('>', "%3E")
        );
    }
    text
}

/// Slack's three control characters.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
