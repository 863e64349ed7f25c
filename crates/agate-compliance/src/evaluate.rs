//! A pack's controls judged against one run: pure, no I/O.

use std::collections::{BTreeMap, BTreeSet};

use agate_model::{
    Analyzer, ControlResult, ControlStatus, Evidence, Finding, FindingEvidence, GateResult,
    GateStatus,
};

use crate::pack::{Control, Pack};

/// A rule as the evaluation sees it: what it is tagged with, which analyzer reports it,
/// and the gate that judges its findings in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRule {
    /// The rule id.
    pub id: String,
    /// The analyzer its findings carry.
    pub analyzer: Analyzer,
    /// CWE ids.
    pub cwe: Vec<String>,
    /// OWASP categories.
    pub owasp: Vec<String>,
    /// Its own compliance requirements, `TAG ID`.
    pub compliance: Vec<String>,
    /// The gate of the environment that judges its findings; `None` when none does.
    pub gate: Option<String>,
}

/// What one run offers as evidence.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The environment's name, for messages.
    pub environment: &'a str,
    /// The rules active in the run (their analyzer ran, the policy did not turn them off).
    pub rules: &'a [CatalogueRule],
    /// The analyzers that ran, each with the gate that judges it (`None`: no gate does).
    pub analyzers: &'a [(Analyzer, Option<String>)],
    /// The result of each gate of the environment.
    pub gates: &'a [GateResult],
    /// The decided findings.
    pub findings: &'a [Finding],
    /// Files analyzed.
    pub files: u64,
}

/// Whether `rule` is evidence for `control` of `pack`: named by id or glob, tagged with
/// one of its CWEs or OWASP categories, or naming `TAG ID` in its own `compliance:`.
pub(crate) fn maps(pack: &Pack, control: &Control, rule: &CatalogueRule) -> bool {
    let evidence = &control.evidence;
    evidence.names_rule(&rule.id)
        || rule.cwe.iter().any(|cwe| evidence.cwe.contains(cwe))
        || rule
            .owasp
            .iter()
            .any(|owasp| evidence.owasp.contains(owasp))
        || rule.compliance.iter().any(|requirement| {
            agate_model::split_compliance(requirement)
                .is_some_and(|(tag, id)| tag == pack.tag && id == control.id)
        })
}

/// The most open findings, and the most accepted ones, a control lists: every finding of a
/// mapped rule would list thousands of findings under each of thousands of controls (a
/// report many times the size of the run). The `rules` evidence counts them all.
pub const MAX_LISTED_FINDINGS: usize = 100;

/// Judges every control of `pack` against `run`, in the pack's order.
///
/// A control fails when an open finding of a rule mapped to it exists (or of an analyzer
/// it names, or a gate it names failed); is in error when a gate its evidence depends on
/// errored or is not part of the environment; is not covered when no active rule, no
/// analyzer that ran and no gate maps to it; and passes otherwise, listing the evidence
/// that ran. A finding whose status is not open is accepted: listed, never failing.
pub fn evaluate(pack: &Pack, run: &Run<'_>) -> Vec<ControlResult> {
    let gates: BTreeMap<&str, &GateResult> = run
        .gates
        .iter()
        .map(|gate| (gate.name.as_str(), gate))
        .collect();
    pack.controls
        .iter()
        .map(|control| judge(pack, control, run, &gates))
        .collect()
}

fn judge(
    pack: &Pack,
    control: &Control,
    run: &Run<'_>,
    gates: &BTreeMap<&str, &GateResult>,
) -> ControlResult {
    let wanted = &control.evidence;
    let analyzers: Vec<&(Analyzer, Option<String>)> = run
        .analyzers
        .iter()
        .filter(|(analyzer, _)| wanted.analyzers.contains(analyzer))
        .collect();
    let rules: Vec<&CatalogueRule> = run
        .rules
        .iter()
        .filter(|rule| {
            maps(pack, control, rule)
                || analyzers
                    .iter()
                    .any(|(analyzer, _)| *analyzer == rule.analyzer)
        })
        .collect();
    let mut result = ControlResult {
        id: control.id.clone(),
        title: control.title.clone(),
        status: ControlStatus::NotCovered,
        evidence: Vec::new(),
    };
    if rules.is_empty() && analyzers.is_empty() && wanted.gates.is_empty() {
        return result;
    }

    let Dependencies {
        missing,
        failed_gate,
        gates: gate_evidence,
    } = dependencies(&rules, &analyzers, &wanted.gates, run, gates);

    let ids: BTreeSet<&str> = rules.iter().map(|rule| rule.id.as_str()).collect();
    let mut open = Vec::new();
    let mut accepted = Vec::new();
    let (mut open_count, mut accepted_count) = (0_u64, 0_u64);
    for finding in run
        .findings
        .iter()
        .filter(|finding| ids.contains(finding.rule_id.as_str()))
    {
        let listed = if finding.status.is_open() {
            open_count += 1;
            &mut open
        } else {
            accepted_count += 1;
            &mut accepted
        };
        if listed.len() >= MAX_LISTED_FINDINGS {
            continue;
        }
        let evidence = Evidence::Finding(FindingEvidence {
            rule: finding.rule_id.to_string(),
            path: finding.location.path.to_string(),
            line: finding.location.start.line,
            severity: finding.severity,
            fingerprint: finding.fingerprint.as_str().to_owned(),
            status: finding.status,
            justification: finding
                .justification
                .as_ref()
                .map(|justification| justification.reason.clone()),
        });
        listed.push(evidence);
    }

    result.status = if open_count > 0 || failed_gate {
        ControlStatus::Fail
    } else if !missing.is_empty() {
        ControlStatus::Error
    } else {
        ControlStatus::Pass
    };
    let found = open_count + accepted_count;
    result.evidence.extend(open);
    result.evidence.extend(
        missing
            .into_iter()
            .map(|reason| Evidence::Missing { reason }),
    );
    if !rules.is_empty() {
        result.evidence.push(Evidence::Rules {
            ids: ids.iter().map(|&id| id.to_owned()).collect(),
            files: run.files,
            findings: found,
        });
    }
    result
        .evidence
        .extend(analyzers.iter().map(|(analyzer, _)| Evidence::Analyzer {
            name: analyzer.as_str().to_owned(),
        }));
    result.evidence.extend(gate_evidence);
    result.evidence.extend(accepted);
    result
}

/// What a control's evidence depends on: the gates that judge its rules and analyzers, and
/// the gates it names.
struct Dependencies {
    /// Why evidence is missing: a gate in error or not part of the environment.
    missing: BTreeSet<String>,
    /// A gate the control names failed.
    failed_gate: bool,
    /// The named gates that ran, as evidence.
    gates: Vec<Evidence>,
}

fn dependencies(
    rules: &[&CatalogueRule],
    analyzers: &[&(Analyzer, Option<String>)],
    named: &[String],
    run: &Run<'_>,
    gates: &BTreeMap<&str, &GateResult>,
) -> Dependencies {
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let mut judged_by = |gate: Option<&String>, what: String| match gate {
        None => {
            missing.insert(format!(
                "no gate of environment `{}` judges {what}: its findings never count\n  help: add the analyzer to a gate's `analyzers:` in agate.yaml, or run the environment whose gates judge it",
                run.environment
            ));
        }
        Some(name) => {
            if let Some(gate) = gates.get(name.as_str())
                && gate.status == GateStatus::Error
            {
                missing.insert(errored(gate));
            }
        }
    };
    for rule in rules {
        judged_by(rule.gate.as_ref(), format!("analyzer `{}`", rule.analyzer));
    }
    for (analyzer, gate) in analyzers {
        judged_by(gate.as_ref(), format!("analyzer `{analyzer}`"));
    }
    let mut failed_gate = false;
    let mut gate_evidence = Vec::new();
    for name in named {
        match gates.get(name.as_str()) {
            None => {
                missing.insert(format!(
                    "gate `{name}` did not run in environment `{}`\n  help: add it to the environment's `gates:` in agate.yaml, or run with the `--env` that has it",
                    run.environment
                ));
            }
            Some(gate) => {
                match gate.status {
                    GateStatus::Error => {
                        missing.insert(errored(gate));
                    }
                    GateStatus::Fail | GateStatus::Warn => failed_gate = true,
                    GateStatus::Pass => {}
                }
                gate_evidence.push(Evidence::Gate {
                    name: gate.name.clone(),
                    status: gate.status,
                });
            }
        }
    }

    Dependencies {
        missing,
        failed_gate,
        gates: gate_evidence,
    }
}

fn errored(gate: &GateResult) -> String {
    let why = if gate.reasons.is_empty() {
        String::new()
    } else {
        format!(": {}", gate.reasons.join("; "))
    };
    format!("gate `{}` is in error{why}", gate.name)
}
