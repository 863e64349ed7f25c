//! A compliance framework's control matrix (`agate compliance report`): JSON, a terminal
//! summary, one self-contained HTML page, or SARIF 2.1.0 whose taxonomy is the framework.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{ComplianceMatrix, ControlResult, ControlStatus, Evidence, FindingEvidence};
use serde_json::{Value, json};

use crate::escape_line;

/// The formats of a control matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComplianceFormat {
    /// The matrix as JSON.
    Json,
    /// A table for the terminal.
    Summary,
    /// One self-contained HTML page.
    Html,
    /// SARIF 2.1.0: the framework as a taxonomy, failing findings as results.
    Sarif,
}

/// Writes `matrix` in `format`.
///
/// # Errors
///
/// Writing to `out` failed.
pub fn render(
    matrix: &ComplianceMatrix,
    format: ComplianceFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ComplianceFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, matrix)?;
            writeln!(out)
        }
        ComplianceFormat::Summary => out.write_all(summary(matrix).as_bytes()),
        ComplianceFormat::Html => out.write_all(html(matrix).as_bytes()),
        ComplianceFormat::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(matrix))?;
            writeln!(out)
        }
    }
}

/// One line of evidence, as the summary and the HTML page show it.
fn evidence_line(evidence: &Evidence) -> String {
    match evidence {
        Evidence::Finding(finding) => finding_line(finding),
        Evidence::Rules {
            ids,
            files,
            findings,
        } => {
            let shown: Vec<&str> = ids.iter().take(6).map(String::as_str).collect();
            let more = ids.len().saturating_sub(shown.len());
            let more = if more == 0 {
                String::new()
            } else {
                format!(" and {more} more")
            };
            format!(
                "{} rule{} checked ({}{more}): {findings} finding{} in {files} files",
                ids.len(),
                if ids.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if *findings == 1 { "" } else { "s" }
            )
        }
        Evidence::Analyzer { name } => format!("analyzer `{name}` ran"),
        Evidence::Gate { name, status } => {
            format!("gate `{name}`: {}", gate_status(*status))
        }
        Evidence::Missing { reason } => reason.lines().next().unwrap_or_default().to_owned(),
    }
}

fn finding_line(finding: &FindingEvidence) -> String {
    let status = if finding.status.is_open() {
        "open".to_owned()
    } else {
        let status = serde_json::to_value(finding.status)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        match &finding.justification {
            Some(reason) => format!("accepted ({status}: {reason})"),
            None => format!("accepted ({status})"),
        }
    };
    format!(
        "{} {} at {}:{} [{}] {}",
        status, finding.rule, finding.path, finding.line, finding.severity, &finding.fingerprint
    )
}

fn gate_status(status: agate_model::GateStatus) -> &'static str {
    match status {
        agate_model::GateStatus::Pass => "pass",
        agate_model::GateStatus::Warn => "warn",
        agate_model::GateStatus::Fail => "fail",
        agate_model::GateStatus::Error => "error",
    }
}

fn run_line(matrix: &ComplianceMatrix) -> String {
    let run = &matrix.run;
    let mut line = format!("environment {}, {}", run.environment, run.time);
    if let Some(commit) = &run.commit {
        let _ = write!(line, ", commit {commit}");
    }
    if let Some(digest) = &run.policy_digest {
        let _ = write!(line, ", policy sha256:{digest}");
    }
    line
}

fn summary(matrix: &ComplianceMatrix) -> String {
    let mut text = format!(
        "{} ({})\n{}\n\n",
        escape_line(&matrix.title),
        escape_line(&matrix.framework),
        escape_line(&run_line(matrix))
    );
    let width = matrix
        .controls
        .iter()
        .map(|control| control.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let _ = writeln!(
        text,
        "{:<width$}  {:<11}  TITLE / EVIDENCE",
        "CONTROL", "STATUS"
    );
    for control in &matrix.controls {
        let _ = writeln!(
            text,
            "{:<width$}  {:<11}  {}",
            escape_line(&control.id),
            control.status.as_str(),
            escape_line(&control.title)
        );
        for evidence in &control.evidence {
            let _ = writeln!(
                text,
                "{:<width$}  {:<11}    {}",
                "",
                "",
                escape_line(&evidence_line(evidence))
            );
        }
    }
    let summary = &matrix.summary;
    let _ = writeln!(
        text,
        "\n{} control{}: {} pass, {} fail, {} error, {} not covered",
        matrix.controls.len(),
        if matrix.controls.len() == 1 { "" } else { "s" },
        summary.pass,
        summary.fail,
        summary.error,
        summary.not_covered
    );
    text
}

const STATUS_STYLE: &str = ".pass{color:#1a7f37}.fail{color:#cf222e}.error{color:#9a6700}\
.not-covered{color:#57606a}td ul{margin:0;padding-left:1.2em}";

fn html(matrix: &ComplianceMatrix) -> String {
    use crate::html::escape;
    let title = escape(&format!("{} compliance matrix", matrix.title));
    let mut page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>{}{STATUS_STYLE}</style></head><body><h1>{title}</h1>",
        crate::html::STYLE
    );
    let _ = write!(
        page,
        "<p>{} (<code>{}</code>): {}.</p>",
        escape(&matrix.title),
        escape(&matrix.framework),
        escape(&run_line(matrix))
    );
    let summary = &matrix.summary;
    let _ = write!(
        page,
        "<p><span class=\"pass\">{} pass</span>, <span class=\"fail\">{} fail</span>, \
<span class=\"error\">{} error</span>, <span class=\"not-covered\">{} not covered</span>.</p>",
        summary.pass, summary.fail, summary.error, summary.not_covered
    );
    if !matrix.run.gates.is_empty() {
        page.push_str("<p>Gates: ");
        let gates: Vec<String> = matrix
            .run
            .gates
            .iter()
            .map(|gate| format!("{} {}", escape(&gate.name), gate_status(gate.status)))
            .collect();
        page.push_str(&gates.join(", "));
        page.push_str(".</p>");
    }
    if !matrix.run.tools.is_empty() {
        let tools: Vec<String> = matrix
            .run
            .tools
            .iter()
            .map(|tool| match &tool.version {
                Some(version) => format!("{} {}", escape(&tool.name), escape(version)),
                None => escape(&tool.name),
            })
            .collect();
        let _ = write!(page, "<p>Tools: {}.</p>", tools.join(", "));
    }
    page.push_str(
        "<table><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Evidence</th></tr></thead><tbody>",
    );
    for control in &matrix.controls {
        let status = control.status.as_str();
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td class=\"{status}\">{status}</td><td><ul>",
            escape(&control.id),
            escape(&control.title)
        );
        for evidence in &control.evidence {
            let _ = write!(page, "<li>{}</li>", escape(&evidence_line(evidence)));
        }
        page.push_str("</ul></td></tr>");
    }
    page.push_str("</tbody></table><p>A mapping is evidence of checking, not certification.</p></body></html>\n");
    page
}

/// SARIF: the framework is the run's taxonomy (each control a taxon with its status); each
/// open finding of a failing control is a result referencing its controls; controls not
/// covered or in error are notifications.
fn sarif(matrix: &ComplianceMatrix) -> Value {
    let taxa: Vec<Value> = matrix
        .controls
        .iter()
        .map(|control| {
            json!({
                "id": control.id,
                "name": control.title,
                "shortDescription": { "text": control.title },
                "properties": { "status": control.status.as_str() },
            })
        })
        .collect();
    // One result per open finding, referencing every control it fails.
    let mut failing: BTreeMap<&str, (&FindingEvidence, Vec<usize>)> = BTreeMap::new();
    for (index, control) in matrix.controls.iter().enumerate() {
        for evidence in &control.evidence {
            if let Evidence::Finding(finding) = evidence
                && finding.status.is_open()
            {
                failing
                    .entry(finding.fingerprint.as_str())
                    .or_insert((finding, Vec::new()))
                    .1
                    .push(index);
            }
        }
    }
    let mut rules: Vec<&str> = failing
        .values()
        .map(|(finding, _)| finding.rule.as_str())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<Value> = failing
        .values()
        .map(|(finding, controls)| result(matrix, finding, controls, &rules))
        .collect();
    let notifications: Vec<Value> = matrix
        .controls
        .iter()
        .filter_map(|control| notification(matrix, control))
        .collect();
    json!({
        "$schema": crate::sarif::SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "agate",
                    "version": matrix.run.tools.first().and_then(|tool| tool.version.clone()),
                    "informationUri": crate::sarif::INFORMATION_URI,
                    "rules": rules.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
                    "supportedTaxonomies": [{ "name": matrix.framework, "index": 0 }],
                }
            },
            "taxonomies": [{
                "name": matrix.framework,
                "fullName": matrix.title,
                "organization": "agate compliance pack",
                "isComprehensive": false,
                "taxa": taxa,
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": "file:///" } },
            "versionControlProvenance": matrix.run.commit.as_ref().map(|commit| vec![json!({
                "repositoryUri": "file:///",
                "revisionId": commit,
            })]).unwrap_or_default(),
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "time": matrix.run.time,
                "environment": matrix.run.environment,
                "policyDigest": matrix.run.policy_digest,
                "summary": matrix.summary,
            },
        }],
    })
}

fn result(
    matrix: &ComplianceMatrix,
    finding: &FindingEvidence,
    controls: &[usize],
    rules: &[&str],
) -> Value {
    let ids: Vec<&str> = controls
        .iter()
        .map(|&index| matrix.controls[index].id.as_str())
        .collect();
    json!({
        "ruleId": finding.rule,
        "ruleIndex": rules.iter().position(|rule| *rule == finding.rule),
        "level": "error",
        "message": {
            "text": format!(
                "`{}` fails {} {} of {}",
                finding.rule,
                if ids.len() == 1 { "control" } else { "controls" },
                ids.join(", "),
                matrix.title
            )
        },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {
                    "uri": crate::sarif::encode_uri_path(&finding.path),
                    "uriBaseId": "%SRCROOT%",
                },
                "region": { "startLine": finding.line.max(1) },
            }
        }],
        "partialFingerprints": { "agate/v1": finding.fingerprint },
        "taxa": controls.iter().map(|&index| json!({
            "id": matrix.controls[index].id,
            "index": index,
            "toolComponent": { "name": matrix.framework, "index": 0 },
        })).collect::<Vec<_>>(),
    })
}

fn notification(matrix: &ComplianceMatrix, control: &ControlResult) -> Option<Value> {
    let (level, text) = match control.status {
        ControlStatus::NotCovered => (
            "note",
            format!(
                "control {} of {} is not covered: no rule, analyzer or gate of this run is evidence for it",
                control.id, matrix.framework
            ),
        ),
        ControlStatus::Error => {
            let why: Vec<String> = control
                .evidence
                .iter()
                .filter_map(|evidence| match evidence {
                    Evidence::Missing { reason } => {
                        Some(reason.lines().next().unwrap_or_default().to_owned())
                    }
                    _ => None,
                })
                .collect();
            (
                "error",
                format!(
                    "control {} of {} is in error: {}",
                    control.id,
                    matrix.framework,
                    why.join("; ")
                ),
            )
        }
        ControlStatus::Pass | ControlStatus::Fail => return None,
    };
    Some(json!({
        "level": level,
        "message": { "text": text },
        "associatedRule": { "id": control.id },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use agate_model::{
        ComplianceRun, ControlSummary, FindingStatus, GateCounts, GateMode, GateResult, GateStatus,
        Severity, ToolVersion,
    };

    fn matrix() -> ComplianceMatrix {
        let hostile = FindingEvidence {
            rule: "py.sql-injection".to_owned(),
            path: "<script>alert(1)</script>.py".to_owned(),
            line: 3,
            severity: Severity::High,
            fingerprint: "f".repeat(32),
            status: FindingStatus::Open,
            justification: None,
        };
        let controls = vec![
            ControlResult {
                id: "6.2.4".to_owned(),
                title: "attacks".to_owned(),
                status: ControlStatus::Fail,
                evidence: vec![Evidence::Finding(hostile)],
            },
            ControlResult {
                id: "3.3.1".to_owned(),
                title: "SAD".to_owned(),
                status: ControlStatus::NotCovered,
                evidence: Vec::new(),
            },
            ControlResult {
                id: "10.2.1".to_owned(),
                title: "audit logs".to_owned(),
                status: ControlStatus::Error,
                evidence: vec![Evidence::Missing {
                    reason: "gate `functional` did not run in environment `dev`\n  help: …"
                        .to_owned(),
                }],
            },
        ];
        ComplianceMatrix {
            framework: "pci-dss-4".to_owned(),
            title: "PCI DSS v4.0".to_owned(),
            run: ComplianceRun {
                commit: Some("abc123".to_owned()),
                time: "2026-12-07T13:00:00Z".to_owned(),
                policy_digest: Some("00ff".to_owned()),
                environment: "dev".to_owned(),
                gates: vec![GateResult {
                    name: "security".to_owned(),
                    mode: GateMode::Block,
                    status: GateStatus::Fail,
                    counts: GateCounts::default(),
                    reasons: Vec::new(),
                }],
                tools: vec![ToolVersion {
                    name: "agate".to_owned(),
                    version: Some("0.1.0".to_owned()),
                }],
            },
            summary: ControlSummary::of(&controls),
            controls,
        }
    }

    fn rendered(format: ComplianceFormat) -> String {
        let mut out = Vec::new();
        render(&matrix(), format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn issue_12_html_escapes_everything() {
        let page = rendered(ComplianceFormat::Html);
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;.py:3"));
        assert!(page.contains("class=\"not-covered\">not-covered"));
        assert!(!page.contains("http"), "no external assets");
    }

    #[test]
    fn issue_12_sarif_has_the_framework_as_taxonomy() {
        let log: Value = serde_json::from_str(&rendered(ComplianceFormat::Sarif)).unwrap();
        let run = &log["runs"][0];
        assert_eq!(run["taxonomies"][0]["name"], "pci-dss-4");
        assert_eq!(
            run["taxonomies"][0]["taxa"][1]["properties"]["status"],
            "not-covered"
        );
        assert_eq!(run["results"][0]["taxa"][0]["id"], "6.2.4");
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "%3Cscript%3Ealert%281%29%3C/script%3E.py"
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[1]["level"], "error");
        assert!(
            notes[1]["message"]["text"]
                .as_str()
                .unwrap()
                .contains("gate `functional` did not run")
        );
    }

    #[test]
    fn issue_12_summary_is_a_table() {
        let text = rendered(ComplianceFormat::Summary);
        assert!(text.contains("6.2.4    fail"), "{text}");
        assert!(text.contains("3 controls: 0 pass, 1 fail, 1 error, 1 not covered"));
        assert!(text.contains("commit abc123"));
    }

    #[test]
    fn issue_12_summary_counts_one_control_in_the_singular() {
        let mut one = matrix();
        one.controls.truncate(1);
        one.summary = ControlSummary::of(&one.controls);
        let text = summary(&one);
        assert!(text.contains("\n1 control: "), "{text}");
    }
}
