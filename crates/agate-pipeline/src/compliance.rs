//! Compliance: the packs a run knows (bundled and the team's), the catalogue of rules with
//! the analyzer and gate of each, the control matrices a run's report carries, and the
//! gates that require controls.

use std::collections::BTreeSet;
use std::path::Path;

use agate_compliance::{CatalogueRule, Packs, Run};
use agate_model::{
    Analyzer, ComplianceMatrix, ComplianceRun, ControlSummary, GateMode, GateStatus, Report,
    RuleDescriptor, ToolVersion, VerdictStatus,
};
use agate_policy::{Date, Policy};

use crate::{PipelineError, Result};

/// The bundled packs, extended or joined by the team's `compliance.packs` (each read
/// bounded, from under `root`).
pub fn packs(root: &Path, policy: &Policy) -> Result<Packs> {
    let mut packs = Packs::bundled().map_err(|error| {
        PipelineError::Failed(format!("a bundled compliance pack is broken: {error}"))
    })?;
    for file in policy.compliance_packs() {
        let (path, at) = (&file.path, &file.at);
        let shown = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let resolved = agate_fs::resolve_under(root, path).map_err(|error| {
            PipelineError::Invalid(format!(
                "{at}: cannot use compliance pack `{shown}`: {error}\n  help: a pack is a YAML file under the scan root, named relative to the configuration file"
            ))
        })?;
        let text = agate_fs::read_to_string_bounded(&resolved, agate_compliance::MAX_PACK_BYTES)
            .map_err(|error| {
                PipelineError::Invalid(format!(
                    "{at}: cannot read compliance pack `{shown}`: {error}\n  help: a pack is a YAML file of at most 1 MiB (docs/compliance.md)"
                ))
            })?;
        let pack = agate_compliance::Pack::parse(&shown, &text).map_err(PipelineError::invalid)?;
        if let Some((id, gate)) = file.locked.iter().find(|(id, _)| *id == pack.id) {
            return Err(PipelineError::Invalid(format!(
                "{at}: compliance pack `{shown}` adds evidence to `{id}`, which {gate} requires\n  help: under a lock a team may add its own frameworks, not evidence for a locked requirement: ask the owner of the lock to map the rules, or give the pack its own `id` and `tag`"
            )));
        }
        packs.add(&shown, pack).map_err(PipelineError::invalid)?;
    }
    Ok(packs)
}

/// Checks that every framework and control a gate requires exists; the error names the
/// place in agate.yaml and lists the known ids.
pub(crate) fn check_requirements(policy: &Policy, packs: &Packs) -> Result<()> {
    for environment in policy
        .environment_names()
        .map(|name| policy.environment(Some(name)))
        .chain([policy.environment(None)])
        .flatten()
    {
        for gate in policy.gates_of(&environment) {
            let Some(requirement) = &gate.compliance else {
                continue;
            };
            let mut frameworks = Vec::new();
            for (id, at) in &requirement.frameworks {
                let Some(pack) = packs.get(id) else {
                    return Err(PipelineError::Invalid(format!(
                        "{at}: unknown compliance framework `{id}` in `gates.{}.frameworks`\n  help: known frameworks: {} (a team adds its own with `compliance.packs`)",
                        gate.name,
                        packs.ids().join(", ")
                    )));
                };
                frameworks.push(pack);
            }
            for (id, at) in requirement.controls.iter().flatten() {
                if !frameworks.iter().any(|pack| pack.control(id).is_some()) {
                    let known: Vec<&str> = frameworks
                        .iter()
                        .flat_map(|pack| pack.control_ids())
                        .collect();
                    return Err(PipelineError::Invalid(format!(
                        "{at}: unknown control `{id}` in `gates.{}.require`: no framework of the gate has it\n  help: write `all` or ids the frameworks number their controls by: {}",
                        gate.name,
                        known.join(", ")
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Every rule agate knows, with the analyzer its findings carry: the structural rules of
/// `structural`, the secret rules of `secrets`, and the dependency and test-integrity
/// analyzers' rules (what `agate rules list` lists).
pub fn catalogue(
    structural: &agate_rules::RuleSet,
    secrets: &[agate_secrets::SecretRule],
) -> Vec<(RuleDescriptor, Analyzer)> {
    let flagged = |ai: bool, analyzer: Analyzer| {
        if ai { Analyzer::AiPatterns } else { analyzer }
    };
    let mut rules: Vec<(RuleDescriptor, Analyzer)> = structural
        .iter()
        .map(|rule| {
            let descriptor = rule.descriptor();
            let analyzer = flagged(descriptor.ai_pattern, Analyzer::Sast);
            (descriptor, analyzer)
        })
        .collect();
    rules.extend(secrets.iter().map(|rule| {
        let descriptor = rule.descriptor();
        let analyzer = flagged(descriptor.ai_pattern, Analyzer::Secrets);
        (descriptor, analyzer)
    }));
    rules.extend(agate_deps::rules().into_iter().map(|rule| {
        let analyzer = if rule.id == agate_deps::VULNERABLE_RULE {
            Analyzer::Deps
        } else {
            Analyzer::AiPatterns
        };
        (rule, analyzer)
    }));
    rules.extend(
        agate_integrity::rules()
            .into_iter()
            .map(|rule| (rule, Analyzer::TestIntegrity)),
    );
    rules
}

/// Checks the team's packs (`compliance.packs`), the frameworks and controls the policy's
/// gates require, and the frameworks the request asks for (`frameworks`), before anything is
/// scanned: a pack that cannot be read is an error even when no gate requires it yet.
pub(crate) fn check_policy(root: &Path, policy: &Policy, frameworks: &[String]) -> Result<()> {
    let requires = policy
        .environment_names()
        .map(|name| policy.environment(Some(name)))
        .chain([policy.environment(None)])
        .flatten()
        .any(|environment| {
            policy
                .gates_of(&environment)
                .iter()
                .any(|gate| gate.compliance.is_some())
        });
    if !requires && frameworks.is_empty() && policy.compliance_packs().is_empty() {
        return Ok(());
    }
    let packs = packs(root, policy)?;
    if let Some(id) = frameworks.iter().find(|id| packs.get(id).is_none()) {
        return Err(PipelineError::Invalid(format!(
            "unknown compliance framework `{id}`\n  help: known frameworks: {} (a team adds its own with `compliance.packs`)",
            packs.ids().join(", ")
        )));
    }
    check_requirements(policy, &packs)
}

/// Which engines ran: a rule is active only when its engine ran and its analyzer's findings
/// were kept (an `ai-patterns` structural rule did not run under `--only secrets`).
#[derive(Debug, Clone, Copy)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one flag per engine, as the selection has"
)]
pub(crate) struct Engines {
    pub(crate) rules: bool,
    pub(crate) secrets: bool,
    pub(crate) deps: bool,
    pub(crate) integrity: bool,
}

impl Engines {
    /// The engines of a run's selection.
    pub(crate) fn of(selection: &crate::selection::Selection) -> Engines {
        Engines {
            rules: selection.rules,
            secrets: selection.secrets,
            deps: selection.deps,
            integrity: selection.integrity,
        }
    }

    /// The engines whose own analyzers ran, for a saved report.
    fn judged(ran: &[Analyzer]) -> Engines {
        Engines {
            rules: ran.contains(&Analyzer::Sast),
            secrets: ran.contains(&Analyzer::Secrets),
            deps: ran.contains(&Analyzer::Deps),
            integrity: ran.contains(&Analyzer::TestIntegrity),
        }
    }
}

/// What the run knows that the matrices are made of.
pub(crate) struct Inputs<'a> {
    pub(crate) request: &'a crate::Request,
    pub(crate) policy: &'a Policy,
    /// The analyzers that ran.
    pub(crate) ran: &'a [Analyzer],
    /// The engines that ran.
    pub(crate) engines: Engines,
    pub(crate) secrets: &'a [agate_secrets::SecretRule],
    /// The external checks' rules.
    pub(crate) external: &'a [RuleDescriptor],
    pub(crate) commit: Option<String>,
}

/// Adds to a gating run's report the matrix of every framework the environment's gates
/// require (and of `inputs.frameworks`), and judges the gates that require controls: a
/// required control that fails or is not covered fails its gate (warns in warn mode), one in
/// error makes it `error`. The verdict is decided again.
pub(crate) fn apply(report: &mut Report, inputs: &Inputs<'_>) -> Result<()> {
    let request = inputs.request;
    let Some(environment) = inputs.policy.environment(request.purpose.environment()) else {
        return Ok(());
    };
    let gates = inputs.policy.gates_of(&environment);
    let mut wanted: Vec<String> = Vec::new();
    for id in gates
        .iter()
        .filter_map(|gate| gate.compliance.as_ref())
        .flat_map(|requirement| requirement.frameworks.iter().map(|(id, _)| id))
        .chain(&request.frameworks)
    {
        if !wanted.contains(id) {
            wanted.push(id.clone());
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    // Every id was checked before the scan (check_policy).
    let packs = packs(&request.root, inputs.policy)?;
    let Some(verdict) = report.verdict.as_ref() else {
        return Ok(());
    };
    let mut matrices = evaluate_all(
        inputs,
        &environment.name,
        &gates,
        report,
        &verdict.gates,
        &wanted,
        &packs,
    )?;
    let Some(verdict) = report.verdict.as_mut() else {
        return Ok(());
    };
    judge_gates(verdict, &gates, &matrices);
    for matrix in &mut matrices {
        matrix.run.gates.clone_from(&verdict.gates);
    }
    report.compliance = matrices;
    Ok(())
}

/// The matrix of each framework of `wanted`, judged against the run `report` describes.
fn evaluate_all(
    inputs: &Inputs<'_>,
    environment: &str,
    gates: &[&agate_policy::Gate],
    report: &Report,
    results: &[agate_model::GateResult],
    wanted: &[String],
    packs: &Packs,
) -> Result<Vec<ComplianceMatrix>> {
    // Without advisories, dependencies were not checked for known vulnerabilities.
    let advisories = !report
        .notices
        .iter()
        .any(|notice| notice.message == crate::deps::NO_ADVISORIES);
    let (rules, analyzers) = run_rules(inputs, gates, advisories)?;
    let tools = tools(report);
    let run = Run {
        environment,
        rules: &rules,
        analyzers: &analyzers,
        gates: results,
        findings: &report.findings,
        files: report.stats.files,
    };
    let time = now_rfc3339();
    Ok(wanted
        .iter()
        .filter_map(|id| packs.get(id))
        .map(|pack| {
            let controls = agate_compliance::evaluate(pack, &run);
            ComplianceMatrix {
                framework: pack.id.clone(),
                title: pack.title.clone(),
                run: ComplianceRun {
                    commit: inputs.commit.clone(),
                    time: time.clone(),
                    policy_digest: inputs.policy.digest().map(str::to_owned),
                    environment: environment.to_owned(),
                    gates: results.to_vec(),
                    tools: tools.clone(),
                },
                summary: ControlSummary::of(&controls),
                controls,
            }
        })
        .collect())
}

/// The matrix of `framework` for a saved gate report (`agate compliance report --report`):
/// the policy is read again from the request's root; the analyzers that ran are those the
/// policy's gates of the report's environment judge, and those of its findings; the
/// catalogue is agate's rules and the report's external ones. The commit is not known.
pub fn report_matrix(
    request: &crate::Request,
    report: &Report,
    framework: &str,
) -> Result<ComplianceMatrix> {
    let root = request.root.as_path();
    let verdict = report.verdict.as_ref().ok_or_else(|| {
        PipelineError::Invalid(
            "the report has no verdict: it was made by `agate scan`\n  help: make it with `agate gate --format json`".to_owned(),
        )
    })?;
    let policy = crate::load_policy(
        root,
        request.config.as_deref(),
        request.offline,
        request.server_token.as_ref(),
        None,
        &[],
    )?;
    let named = (verdict.environment != "default").then_some(verdict.environment.as_str());
    let environment = policy.environment(named).ok_or_else(|| {
        PipelineError::Invalid(format!(
            "the report's environment `{}` is not in the policy\n  help: pass the `--config` the report was made with",
            verdict.environment
        ))
    })?;
    let gates: Vec<&agate_policy::Gate> = policy
        .gates_of(&environment)
        .into_iter()
        .filter(|gate| verdict.gates.iter().any(|result| result.name == gate.name))
        .collect();
    let mut ran: Vec<Analyzer> = Vec::new();
    for analyzer in gates
        .iter()
        .flat_map(|gate| gate.analyzers.iter().copied())
        .chain(report.findings.iter().map(|finding| finding.analyzer))
    {
        if !ran.contains(&analyzer) && analyzer != Analyzer::External {
            ran.push(analyzer);
        }
    }
    let packs = packs(root, &policy)?;
    if packs.get(framework).is_none() {
        return Err(PipelineError::Invalid(format!(
            "unknown compliance framework `{framework}`\n  help: known frameworks: {}",
            packs.ids().join(", ")
        )));
    }
    let (secrets, _) = crate::secrets::scanner(root, &policy)?;
    let external: Vec<RuleDescriptor> = report
        .rules
        .iter()
        .filter(|rule| rule.id.contains('/'))
        .cloned()
        .collect();
    let inputs = Inputs {
        request,
        policy: &policy,
        ran: &ran,
        engines: Engines::judged(&ran),
        secrets: secrets.rules(),
        external: &external,
        commit: None,
    };
    let wanted = [framework.to_owned()];
    let mut matrices = evaluate_all(
        &inputs,
        &environment.name,
        &gates,
        report,
        &verdict.gates,
        &wanted,
        &packs,
    )?;
    let mut matrix = matrices
        .pop()
        .ok_or_else(|| PipelineError::Failed(format!("no matrix for `{framework}`")))?;
    // The pack's texts, and the saved report's, which may have been edited since.
    matrix.redact(&secrets);
    Ok(matrix)
}

/// The rules active in the run, each with the gate that judges it, and the analyzers that
/// ran with theirs.
#[expect(clippy::type_complexity, reason = "two lists for one Run")]
fn run_rules(
    inputs: &Inputs<'_>,
    gates: &[&agate_policy::Gate],
    advisories: bool,
) -> Result<(Vec<CatalogueRule>, Vec<(Analyzer, Option<String>)>)> {
    let judge = |analyzer: Analyzer| {
        gates
            .iter()
            .find(|gate| gate.analyzers.contains(&analyzer))
            .map(|gate| gate.name.clone())
    };
    let mut rule_dirs = inputs.policy.rule_dirs().to_vec();
    rule_dirs.extend(inputs.request.rules.dirs.iter().cloned());
    let structural = crate::analyze::load_rules(&rule_dirs, inputs.request.rules.bundled)?;
    let engines = inputs.engines;
    let engine_ran = |id: &str| {
        if structural.get(id).is_some() {
            engines.rules
        } else if inputs.secrets.iter().any(|rule| rule.id() == id) {
            engines.secrets
        } else if id == agate_deps::VULNERABLE_RULE {
            engines.deps && advisories
        } else if id.starts_with("deps.") {
            engines.deps
        } else {
            engines.integrity
        }
    };
    let mut rules: Vec<CatalogueRule> = catalogue(&structural, inputs.secrets)
        .into_iter()
        .filter(|(rule, analyzer)| {
            inputs.ran.contains(analyzer)
                && engine_ran(&rule.id)
                && !inputs
                    .policy
                    .rule(&rule.id)
                    .is_some_and(|settings| settings.off)
        })
        .map(|(rule, analyzer)| catalogue_rule(rule, analyzer, judge(analyzer)))
        .collect();
    rules.extend(inputs.external.iter().map(|rule| {
        let check = rule.id.split_once('/').map_or("", |(check, _)| check);
        let gate = gates
            .iter()
            .find(|gate| gate.external.iter().any(|spec| spec.name == check))
            .map(|gate| gate.name.clone());
        catalogue_rule(rule.clone(), Analyzer::External, gate)
    }));
    let analyzers = inputs
        .ran
        .iter()
        .map(|&analyzer| (analyzer, judge(analyzer)))
        .collect();
    Ok((rules, analyzers))
}

/// agate, and the tools of the external checks that ran (their versions are not known).
fn tools(report: &Report) -> Vec<ToolVersion> {
    let mut tools = vec![ToolVersion {
        name: report.tool.name.clone(),
        version: Some(report.tool.version.clone()),
    }];
    let mut seen = BTreeSet::new();
    for check in &report.checks {
        if seen.insert(check.name.clone()) {
            tools.push(ToolVersion {
                name: format!("{} ({})", check.name, check.format),
                version: None,
            });
        }
    }
    tools
}

/// Judges the gates that require controls, and decides the verdict again.
fn judge_gates(
    verdict: &mut agate_model::Verdict,
    gates: &[&agate_policy::Gate],
    matrices: &[ComplianceMatrix],
) {
    for result in &mut verdict.gates {
        let Some(requirement) = gates
            .iter()
            .find(|gate| gate.name == result.name)
            .and_then(|gate| gate.compliance.as_ref())
        else {
            continue;
        };
        let required: Option<Vec<String>> = requirement
            .controls
            .as_ref()
            .map(|controls| controls.iter().map(|(id, _)| id.clone()).collect());
        let mut failing = Vec::new();
        let mut erroring = Vec::new();
        for (id, _) in &requirement.frameworks {
            if let Some(matrix) = matrices.iter().find(|matrix| &matrix.framework == id) {
                let unmet = agate_compliance::unmet(matrix, required.as_deref());
                failing.extend(unmet.failing);
                erroring.extend(unmet.erroring);
            }
        }
        let status = match (failing.is_empty(), erroring.is_empty(), result.mode) {
            (true, true, _) => GateStatus::Pass,
            (false, _, GateMode::Block) => GateStatus::Fail,
            (true, false, GateMode::Block) => GateStatus::Error,
            (_, _, GateMode::Warn) => GateStatus::Warn,
        };
        result.status = worse(result.status, status);
        result.reasons.extend(failing);
        result.reasons.extend(erroring);
    }
    verdict.status = if verdict
        .gates
        .iter()
        .any(|gate| gate.status == GateStatus::Fail)
    {
        VerdictStatus::Blocked
    } else if verdict
        .gates
        .iter()
        .any(|gate| gate.status == GateStatus::Error)
    {
        VerdictStatus::Error
    } else {
        VerdictStatus::Pass
    };
}

fn catalogue_rule(rule: RuleDescriptor, analyzer: Analyzer, gate: Option<String>) -> CatalogueRule {
    CatalogueRule {
        id: rule.id,
        analyzer,
        cwe: rule.cwe,
        owasp: rule.owasp,
        compliance: rule.compliance,
        gate,
    }
}

/// The worse of two gate statuses: fail, then error, then warn, then pass.
fn worse(a: GateStatus, b: GateStatus) -> GateStatus {
    let rank = |status| match status {
        GateStatus::Pass => 0,
        GateStatus::Warn => 1,
        GateStatus::Error => 2,
        GateStatus::Fail => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// The time now, RFC 3339 in UTC (`2026-12-07T13:06:28Z`).
pub fn now_rfc3339() -> String {
    Date::rfc3339(Date::unix_seconds(std::time::SystemTime::now()))
}

#[cfg(test)]
mod tests {

    use super::*;

    /// Every `rules:` entry of a bundled pack names (or matches) at least one bundled rule,
    /// and every analyzer, CWE and OWASP mapping of a control with evidence reaches a rule.
    #[test]
    fn issue_12_every_bundled_mapping_matches_a_bundled_rule() {
        let structural = agate_rules::RuleSet::bundled().unwrap();
        let secrets = agate_secrets::bundled_rules().unwrap();
        let rules = catalogue(&structural, &secrets);
        let packs = Packs::bundled().unwrap();
        for pack in packs.iter() {
            for control in &pack.controls {
                for glob in &control.evidence.rules {
                    let single = agate_compliance::Pack::parse(
                        "probe.yaml",
                        &format!(
                            "id: p\ntag: P\ntitle: p\ncontrols:\n  - id: x\n    title: x\n    evidence:\n      rules: [\"{glob}\"]\n"
                        ),
                    )
                    .unwrap();
                    assert!(
                        rules
                            .iter()
                            .any(|(rule, _)| single.controls[0].evidence.names_rule(&rule.id)),
                        "`{glob}` of {} {} matches no bundled rule",
                        pack.id,
                        control.id
                    );
                }
            }
        }
    }

    #[test]
    fn issue_12_rules_reach_the_controls_the_issue_names() {
        let structural = agate_rules::RuleSet::bundled().unwrap();
        let secrets = agate_secrets::bundled_rules().unwrap();
        let rules = catalogue(&structural, &secrets);
        let packs = Packs::bundled().unwrap();
        let pci = packs.get("pci-dss-4").unwrap();
        let controls_of = |id: &str| -> Vec<String> {
            let (rule, analyzer) = rules.iter().find(|(rule, _)| rule.id == id).unwrap();
            pci.controls_of(&catalogue_rule(rule.clone(), *analyzer, None))
                .iter()
                .map(|control| control.id.clone())
                .collect()
        };
        assert!(controls_of("py.sql-injection").contains(&"6.2.4".to_owned()));
        let card = controls_of("secret.payment-card-number");
        assert!(card.contains(&"3.4.1".to_owned()) && card.contains(&"3.5.1".to_owned()));
        assert!(controls_of("secret.aws-access-key-id").contains(&"8.6.2".to_owned()));
        assert!(controls_of("py.tls-verify-disabled").contains(&"4.2.1".to_owned()));
        assert!(controls_of("deps.known-vulnerability").contains(&"6.3.3".to_owned()));
        assert!(controls_of("java.log-injection").contains(&"10.3.2".to_owned()));
        // Controls no rule reaches stay in the pack, so they show as not covered.
        for id in ["3.3.1", "8.3.1", "10.2.1"] {
            let control = pci.control(id).unwrap();
            assert!(
                rules.iter().all(|(rule, analyzer)| {
                    pci.controls_of(&catalogue_rule(rule.clone(), *analyzer, None))
                        .iter()
                        .all(|mapped| mapped.id != control.id)
                }),
                "{id}"
            );
        }
        let llm = packs.get("owasp-llm-top10-2025").unwrap();
        for id in ["py.llm-prompt-injection", "js.llm-unbounded-consumption"] {
            let (rule, analyzer) = rules.iter().find(|(rule, _)| rule.id == id).unwrap();
            assert!(
                !llm.controls_of(&catalogue_rule(rule.clone(), *analyzer, None))
                    .is_empty()
            );
        }
    }

    #[test]
    fn issue_12_the_time_is_rfc_3339_utc() {
        let time = now_rfc3339();
        assert_eq!(time.len(), 20, "{time}");
        assert!(time.ends_with('Z') && time.as_bytes()[10] == b'T', "{time}");
    }
}
