//! The policy's decision: gates, tiers, statuses and the verdict, with the gates' Rego
//! policies; and the descriptors of the rules the findings reference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use agate_model::{Finding, Notice, RuleDescriptor, Verdict};
use agate_policy::{Baseline, Policy, RunContext, Triage};
use agate_rules::Scanner;

use crate::{PipelineError, Request, Result};

/// The baseline's file when the request names none, relative to the root.
pub const DEFAULT_BASELINE: &str = ".agate/baseline.json";

/// The request's baseline, else `.agate/baseline.json` in the root; a corrupt file is an
/// error.
fn load_baseline(request: &Request) -> Result<Baseline> {
    let path = request
        .baseline
        .clone()
        .unwrap_or_else(|| request.root.join(DEFAULT_BASELINE));
    Baseline::load(&path).map_err(PipelineError::invalid)
}

/// The baseline (see [`load_baseline`]) and the triage decisions: `.agate/triage.yaml` in
/// the root (none: no decisions; a bad file is an error). When decisions may need an
/// approver, the file is blamed so each line's author is known; a blame that fails leaves
/// every line unapproved and says why.
pub(crate) fn records(
    request: &Request,
    policy: &Policy,
    repository: &mut crate::change::Known,
    notices: &mut Vec<Notice>,
) -> Result<(Baseline, Triage)> {
    let baseline = load_baseline(request)?;
    let path = request.root.join(agate_policy::TRIAGE_FILE);
    let mut triage = Triage::load_in(&request.root).map_err(PipelineError::invalid)?;
    if policy.triage_approvers().is_empty() || triage.decisions.is_empty() {
        return Ok((baseline, triage));
    }
    if let Some(history) = repository.history.as_mut() {
        match history.line_authors(&path) {
            Ok(authors) => {
                let committed = approvers_versions(history, policy, &authors);
                let authors = authors
                    .into_iter()
                    .map(|author| {
                        author.map(|author| agate_policy::LineCommit {
                            email: author.email,
                            commit: author.commit,
                        })
                    })
                    .collect();
                triage.set_line_authors(authors, committed);
            }
            Err(error) => notices.push(Notice {
                level: agate_model::NoticeLevel::Warning,
                path: None,
                message: format!(
                    "cannot read who committed `{}` ({error}): triage decisions that need an approver do not count",
                    agate_policy::TRIAGE_FILE
                ),
            }),
        }
    }
    Ok((baseline, triage))
}

/// The triage file as each approver's commit among `authors` has it, read one at a time:
/// a decision needing approval holds only when one has its entry as it is. A version that
/// cannot be read or parsed is left out, so the decisions it approved await approval again.
fn approvers_versions<'h>(
    history: &'h agate_provenance::History,
    policy: &Policy,
    authors: &[Option<agate_provenance::LineAuthor>],
) -> impl Iterator<Item = (String, Triage)> + use<'h> {
    let mut commits: BTreeMap<String, String> = BTreeMap::new();
    for author in authors
        .iter()
        .flatten()
        .filter(|author| policy.approves_triage(&author.email))
    {
        commits
            .entry(author.commit.clone())
            .or_insert_with(|| author.path.clone());
    }
    commits.into_iter().filter_map(move |(commit, path)| {
        let version = history
            .file_at(&commit, &path, agate_policy::MAX_TRIAGE_BYTES)
            .ok()
            .flatten()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| Triage::parse(agate_policy::TRIAGE_FILE, &text).ok())?;
        Some((commit, version))
    })
}

/// Applies the policy, then the gates' Rego policies over the result; a deny adds findings
/// and the policy is applied again so they count.
pub(crate) fn decide(
    root: &Path,
    policy: &Policy,
    context: &RunContext<'_>,
    findings: Vec<Finding>,
    notices: &[Notice],
    rego: bool,
) -> Result<(Vec<Finding>, Verdict)> {
    let usage = |error: agate_policy::PolicyError| PipelineError::Invalid(error.to_string());
    // Only a gate's Rego policy needs the findings as they were before the policy: copy
    // them for it alone (a copy of a million findings is hundreds of megabytes).
    let has_rego = rego
        && policy
            .environment(context.environment)
            .is_some_and(|environment| {
                policy
                    .gates_of(&environment)
                    .iter()
                    .any(|gate| gate.policy.is_some())
            });
    let before = has_rego.then(|| findings.clone());
    let (decided, verdict) = agate_policy::apply(policy, context, findings).map_err(usage)?;
    let Some(mut all) = before else {
        return Ok((decided, verdict));
    };
    let denied = gate_policy_denials(root, policy, context, &decided, notices)?;
    if denied.is_empty() {
        return Ok((decided, verdict));
    }
    // Applied again from the analyzers' findings, so the policy's own are not doubled.
    all.extend(denied);
    agate_policy::apply(policy, context, all).map_err(usage)
}

/// Evaluates the Rego `policy` of every gate of the environment over the run, and returns
/// a finding for each `deny` message.
fn gate_policy_denials(
    root: &Path,
    policy: &Policy,
    context: &RunContext<'_>,
    findings: &[Finding],
    notices: &[Notice],
) -> Result<Vec<Finding>> {
    let Some(environment) = policy.environment(context.environment) else {
        return Ok(Vec::new());
    };
    let with_rego: Vec<_> = policy
        .gates_of(&environment)
        .into_iter()
        .filter_map(|gate| Some((gate, gate.policy.as_ref()?)))
        .collect();
    if with_rego.is_empty() {
        return Ok(Vec::new());
    }
    let mut denied = Vec::new();
    // What the policies see of the run is the same for every gate.
    let changed = context.tiers.changed_files();
    let candidates = changed.iter().map(String::as_str).chain(
        findings
            .iter()
            .map(|finding| finding.location.path.as_str()),
    );
    let ai_files = context.tiers.ai_files(candidates);
    for (gate, rego) in with_rego {
        let input = serde_json::json!({
            "environment": environment.name,
            "gate": gate.name,
            "findings": findings,
            "notices": notices,
            "changed_files": changed,
            "ai_files": ai_files,
        });
        let messages = agate_policy::deny_messages(rego, &input).map_err(PipelineError::invalid)?;
        let shown = rego
            .strip_prefix(root)
            .unwrap_or(rego)
            .to_string_lossy()
            .replace('\\', "/");
        denied.extend(
            messages
                .iter()
                .map(|message| agate_policy::deny_finding(&gate.name, &shown, message)),
        );
    }
    Ok(denied)
}

/// The descriptors of the rules the analyzers' findings reference — structural, secret,
/// the dependency and the test-integrity analyzers'.
pub(crate) fn descriptors(
    scanner: &Scanner,
    secrets: &agate_secrets::SecretScanner,
    findings: &[Finding],
) -> Vec<RuleDescriptor> {
    let referenced = rule_ids(findings);
    let mut descriptors: Vec<RuleDescriptor> = scanner
        .rules()
        .iter()
        .filter(|rule| referenced.contains(rule.id()))
        .map(agate_rules::Rule::descriptor)
        .collect();
    descriptors.extend(secrets.descriptors(findings));
    descriptors.extend(
        agate_deps::rules()
            .into_iter()
            .chain(agate_integrity::rules())
            .filter(|rule| referenced.contains(rule.id.as_str())),
    );
    descriptors
}

/// The descriptors of the rules the report's findings reference, by id, each once (checks
/// of the same name in two gates, or two shards, describe their rules twice).
pub(crate) fn referenced(
    mut descriptors: Vec<RuleDescriptor>,
    findings: &[Finding],
) -> Vec<RuleDescriptor> {
    let referenced = rule_ids(findings);
    descriptors.retain(|rule| referenced.contains(rule.id.as_str()));
    descriptors.sort_by(|a, b| a.id.cmp(&b.id));
    descriptors.dedup_by(|a, b| a.id == b.id);
    descriptors
}

fn rule_ids(findings: &[Finding]) -> BTreeSet<&str> {
    findings
        .iter()
        .map(|finding| finding.rule_id.as_str())
        .collect()
}
