//! What triage says about the rules: noise statistics per rule, tool or model, and the
//! feedback set of findings on AI-authored lines.

use std::collections::{BTreeMap, BTreeSet};

use agate_model::{Finding, Severity, TriageDecision};
use serde::Serialize;

use crate::{Date, Decision, Triage};

/// How [`stats`] groups findings and decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsBy {
    /// By rule id.
    Rule,
    /// By the external tool that reported the finding (external checks' findings only;
    /// `agate` itself is not a group).
    Tool,
    /// By AI tool and model, for findings on AI-authored lines.
    Model,
}

/// The noise of one rule, tool or model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    /// The rule id, tool name, or `tool / model`.
    pub key: String,
    /// Distinct fingerprints seen in the run or decided.
    pub findings: u64,
    /// Decisions recorded.
    pub decided: u64,
    /// Of which false positives.
    pub false_positive: u64,
    /// Of which accepted risks.
    pub accepted_risk: u64,
    /// Of which won't fix.
    pub wont_fix: u64,
    /// `false_positive / findings`: the share of the findings a person marked false
    /// positives (true positives are usually fixed or left open, not decided); `None` with
    /// no decision.
    pub false_positive_rate: Option<f64>,
    /// `(accepted_risk + wont_fix) / findings`; `None` with no decision.
    pub acceptance_rate: Option<f64>,
    /// The median age of the decisions in days; `None` with no decision.
    pub median_age_days: Option<f64>,
    /// `demote to warn` (false-positive rate of at least 50 % over 3 or more decisions),
    /// `tune` (at least 25 %), else `None`; always `None` by model.
    pub suggestion: Option<&'static str>,
}

/// The fewest decisions a suggestion is made from.
pub const MIN_DECISIONS_FOR_SUGGESTION: u64 = 3;

/// The noise statistics of `findings` (a run) and `triage` (its decisions), grouped as
/// `by` says, ordered by key. A decision counts in the group of its finding in the run
/// when the run has it, else in the group its entry names (`rule`, `tool`); by model, a
/// decision whose finding is not in the run is left out (the file does not record models).
pub fn stats(triage: &Triage, findings: &[Finding], by: StatsBy, today: Date) -> Vec<GroupStats> {
    let in_run: BTreeMap<&str, &Finding> = findings
        .iter()
        .map(|finding| (finding.fingerprint.as_str(), finding))
        .collect();
    let mut seen: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for finding in findings {
        for key in finding_keys(finding, by) {
            seen.entry(key)
                .or_default()
                .insert(finding.fingerprint.as_str());
        }
    }
    let mut decided: BTreeMap<String, Vec<&Decision>> = BTreeMap::new();
    for decision in &triage.decisions {
        let keys = match in_run.get(decision.fingerprint.as_str()) {
            Some(finding) => finding_keys(finding, by),
            None => match by {
                StatsBy::Rule => vec![decision.rule.clone()],
                StatsBy::Tool => decision.tool.iter().cloned().collect(),
                StatsBy::Model => Vec::new(),
            },
        };
        for key in keys {
            seen.entry(key.clone())
                .or_default()
                .insert(decision.fingerprint.as_str());
            decided.entry(key).or_default().push(decision);
        }
    }
    seen.into_iter()
        .map(|(key, fingerprints)| {
            let decisions = decided.remove(&key).unwrap_or_default();
            let mut row = group(key, fingerprints.len(), &decisions, today);
            if by == StatsBy::Model {
                // A model is not demoted or tuned: `--by rule` says which rules misjudge it.
                row.suggestion = None;
            }
            row
        })
        .collect()
}

/// The groups a finding counts in.
fn finding_keys(finding: &Finding, by: StatsBy) -> Vec<String> {
    match by {
        StatsBy::Rule => vec![finding.rule_id.to_string()],
        StatsBy::Tool => {
            // agate's own findings have no sources; one that agrees with a tool lists
            // `agate` beside it and counts for the tool.
            let tools: BTreeSet<String> = finding
                .sources
                .iter()
                .filter(|source| source.tool != "agate")
                .map(|source| source.tool.clone())
                .collect();
            tools.into_iter().collect()
        }
        StatsBy::Model => finding
            .ai_evidence
            .as_ref()
            .map(|evidence| {
                format!(
                    "{} / {}",
                    evidence.tool.as_deref().unwrap_or("unknown tool"),
                    evidence.model.as_deref().unwrap_or("unknown model")
                )
            })
            .into_iter()
            .collect(),
    }
}

#[expect(clippy::cast_precision_loss, reason = "counts and ages far below 2^52")]
fn group(key: String, findings: usize, decisions: &[&Decision], today: Date) -> GroupStats {
    let count = |kind: TriageDecision| {
        decisions
            .iter()
            .filter(|decision| decision.decision == kind)
            .count() as u64
    };
    let decided = decisions.len() as u64;
    let false_positive = count(TriageDecision::FalsePositive);
    let accepted_risk = count(TriageDecision::AcceptedRisk);
    let wont_fix = count(TriageDecision::WontFix);
    let rate = |part: u64| (decided > 0).then(|| part as f64 / findings.max(1) as f64);
    let mut ages: Vec<i64> = decisions
        .iter()
        .map(|decision| today.days_since(decision.on).max(0))
        .collect();
    ages.sort_unstable();
    let median_age_days = match ages.len() {
        0 => None,
        len if len % 2 == 1 => Some(ages[len / 2] as f64),
        len => Some((ages[len / 2 - 1] + ages[len / 2]) as f64 / 2.0),
    };
    let false_positive_rate = rate(false_positive);
    let suggestion = match false_positive_rate {
        Some(rate) if decided >= MIN_DECISIONS_FOR_SUGGESTION && rate >= 0.5 => {
            Some("demote to warn")
        }
        Some(rate) if decided >= MIN_DECISIONS_FOR_SUGGESTION && rate >= 0.25 => Some("tune"),
        _ => None,
    };
    GroupStats {
        key,
        findings: findings as u64,
        decided,
        false_positive,
        accepted_risk,
        wont_fix,
        false_positive_rate,
        acceptance_rate: rate(accepted_risk + wont_fix),
        median_age_days,
        suggestion,
    }
}

/// One finding on an AI-authored line, as `agate triage export` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    /// The rule.
    pub rule: String,
    /// Its severity.
    pub severity: Severity,
    /// The file.
    pub path: String,
    /// The first line.
    pub line: u32,
    /// The AI tool that wrote the line, when known.
    pub ai_tool: Option<String>,
    /// The model, when known.
    pub model: Option<String>,
    /// What said the line is AI-authored.
    pub ai_source: Option<String>,
    /// The code, as the report holds it (redacted).
    pub excerpt: String,
    /// The replacement text of the rule's fix, when it has one.
    pub fix: Option<String>,
    /// The triage decision, when there is one.
    pub decision: Option<ExportDecision>,
    /// The finding's fingerprint.
    pub fingerprint: String,
}

/// A decision, in an [`ExportRow`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportDecision {
    /// `false-positive`, `accepted-risk` or `wont-fix`.
    pub kind: TriageDecision,
    /// Why.
    pub reason: String,
}

/// The findings on AI-authored lines (tier `ai`, or with AI evidence), each with its
/// decision, in the run's order.
pub fn export_rows(triage: &Triage, findings: &[Finding]) -> Vec<ExportRow> {
    let decisions = triage.by_fingerprint();
    findings
        .iter()
        .filter(|finding| {
            finding.tier == Some(agate_model::Tier::Ai) || finding.ai_evidence.is_some()
        })
        .map(|finding| {
            let evidence = finding.ai_evidence.as_deref();
            ExportRow {
                rule: finding.rule_id.to_string(),
                severity: finding.severity,
                path: finding.location.path.to_string(),
                line: finding.location.start.line,
                ai_tool: evidence.and_then(|evidence| evidence.tool.clone()),
                model: evidence.and_then(|evidence| evidence.model.clone()),
                ai_source: evidence.map(|evidence| evidence.source.clone()),
                excerpt: finding.snippet.clone(),
                fix: finding.fix.as_ref().map(|fix| fix.replacement.clone()),
                decision: decisions.get(finding.fingerprint.as_str()).map(|decision| {
                    ExportDecision {
                        kind: decision.decision,
                        reason: decision.reason.clone(),
                    }
                }),
                fingerprint: finding.fingerprint.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use agate_model::{
        AiEvidence, Analyzer, Confidence, FindingSource, Fingerprint, Location, Position, Tier,
    };

    fn finding(rule: &str, fingerprint: &str) -> Finding {
        let at = Position { line: 3, column: 1 };
        Finding::new(
            rule,
            Analyzer::Sast,
            Severity::High,
            Confidence::High,
            "m",
            Location {
                path: "a.py".into(),
                start: at,
                end: at,
            },
            Fingerprint::from_hex(fingerprint),
        )
    }

    fn decided(rule: &str, fingerprint: &str, kind: TriageDecision, on: &str) -> Decision {
        Decision {
            fingerprint: fingerprint.to_owned(),
            rule: rule.to_owned(),
            path: "a.py".to_owned(),
            decision: kind,
            reason: "r".to_owned(),
            by: "b".to_owned(),
            on: on.parse().unwrap(),
            until: None,
            owner: None,
            tier: None,
            tool: Some("semgrep".to_owned()),
            lines: None,
        }
    }

    #[test]
    fn issue_12_stats_count_rates_ages_and_suggestions() {
        use TriageDecision::{AcceptedRisk, FalsePositive, WontFix};
        let mut triage = Triage::empty();
        for (fingerprint, kind, on) in [
            ("01", FalsePositive, "2026-12-01"),
            ("02", FalsePositive, "2026-12-03"),
            ("03", AcceptedRisk, "2026-11-07"),
            ("04", WontFix, "2026-12-07"),
        ] {
            triage.mark(decided("py.a", fingerprint, kind, on));
        }
        triage.mark(decided("py.b", "05", FalsePositive, "2026-12-07"));
        let run = [
            finding("py.a", "01"),
            finding("py.a", "09"),
            finding("py.c", "0a"),
        ];
        let today = "2026-12-07".parse().unwrap();
        let rows = stats(&triage, &run, StatsBy::Rule, today);
        let keys: Vec<&str> = rows.iter().map(|row| row.key.as_str()).collect();
        assert_eq!(keys, ["py.a", "py.b", "py.c"]);
        let a = &rows[0];
        assert_eq!((a.findings, a.decided), (5, 4), "4 decided and 1 open");
        assert_eq!((a.false_positive, a.accepted_risk, a.wont_fix), (2, 1, 1));
        assert_eq!(a.false_positive_rate, Some(0.4), "2 of 5 findings");
        assert_eq!(a.acceptance_rate, Some(0.4));
        assert_eq!(a.median_age_days, Some(5.0), "ages 0, 4, 6, 30");
        assert_eq!(a.suggestion, Some("tune"));
        assert_eq!(rows[1].suggestion, None, "one decision is too few");
        assert_eq!((rows[2].decided, rows[2].false_positive_rate), (0, None));

        triage.mark(decided("py.a", "06", AcceptedRisk, "2026-12-07"));
        triage.mark(decided("py.a", "07", AcceptedRisk, "2026-12-07"));
        triage.mark(decided("py.b", "10", FalsePositive, "2026-12-07"));
        triage.mark(decided("py.b", "11", FalsePositive, "2026-12-07"));
        let tuned = stats(&triage, &run, StatsBy::Rule, today);
        assert_eq!(tuned[0].false_positive_rate, Some(2.0 / 7.0));
        assert_eq!(tuned[0].suggestion, Some("tune"));
        assert_eq!(tuned[1].false_positive_rate, Some(1.0), "3 of 3");
        assert_eq!(tuned[1].suggestion, Some("demote to warn"));

        let by_tool = stats(&triage, &run, StatsBy::Tool, today);
        assert!(
            by_tool.iter().all(|row| row.key == "semgrep"),
            "only decisions that name a tool: {by_tool:?}"
        );
    }

    #[test]
    fn issue_12_by_model_and_export_take_ai_lines_only() {
        let mut ai = finding("py.a", "01");
        ai.tier = Some(Tier::Ai);
        ai.ai_evidence = Some(Box::new(AiEvidence {
            tool: Some("Claude".to_owned()),
            model: Some("opus".to_owned()),
            ..AiEvidence::from_source("trailer")
        }));
        ai.snippet = "query(f\"…{name}\")".to_owned();
        let mut external = finding("semgrep.x", "02");
        external.sources = vec![
            FindingSource {
                tool: "agate".to_owned(),
                rule_id: "py.x".to_owned(),
            },
            FindingSource {
                tool: "semgrep".to_owned(),
                rule_id: "x".to_owned(),
            },
        ];
        let mut triage = Triage::empty();
        triage.mark(decided(
            "py.a",
            "01",
            TriageDecision::FalsePositive,
            "2026-12-07",
        ));
        let run = [ai, external];
        let today = "2026-12-07".parse().unwrap();
        let by_model = stats(&triage, &run, StatsBy::Model, today);
        assert_eq!(by_model.len(), 1);
        assert_eq!(by_model[0].key, "Claude / opus");
        assert_eq!(by_model[0].false_positive, 1);

        // Three false positives of one model: no suggestion (a model is not a rule).
        let mut many = Vec::new();
        let mut noisy = Triage::empty();
        for fingerprint in ["11", "12", "13"] {
            let mut finding = run[0].clone();
            finding.fingerprint = Fingerprint::from_hex(fingerprint);
            many.push(finding);
            noisy.mark(decided(
                "py.a",
                fingerprint,
                TriageDecision::FalsePositive,
                "2026-12-07",
            ));
        }
        let by_model = stats(&noisy, &many, StatsBy::Model, today);
        assert_eq!(by_model[0].false_positive_rate, Some(1.0));
        assert_eq!(by_model[0].suggestion, None);
        let by_rule = stats(&noisy, &many, StatsBy::Rule, today);
        assert_eq!(by_rule[0].suggestion, Some("demote to warn"));
        let by_tool = stats(&triage, &run, StatsBy::Tool, today);
        assert_eq!(by_tool.len(), 1);
        assert_eq!(
            (by_tool[0].key.as_str(), by_tool[0].findings),
            ("semgrep", 1)
        );
        let rows = export_rows(&triage, &run);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].model.as_deref(), Some("opus"));
        assert_eq!(
            rows[0].decision.as_ref().map(|decision| decision.kind),
            Some(TriageDecision::FalsePositive)
        );
    }
}
