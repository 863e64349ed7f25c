//! Deciding a run: each finding's gate, tier and status, each gate's result, the verdict.

use std::collections::{BTreeSet, HashMap};

use agate_model::{
    AiEvidence, Analyzer, CodeContext, Confidence, Finding, FindingStatus, Fingerprint,
    FingerprintInput, GateCounts, GateMode, GateResult, GateStatus, Justification, Location,
    Position, Severity, Text, Tier, Verdict, VerdictStatus,
};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::{Place, PolicyError};
use crate::options::{Baselining, Suppressing};
use crate::{Baseline, Date, Policy, Standing, Suppression, Triage};

/// Which lines are AI-authored and which changed since the base revision.
#[derive(Debug, Default)]
pub struct TierMap {
    ai_lines: HashMap<String, Vec<(u32, u32, AiEvidence)>>,
    ai_globs: Option<GlobSet>,
    changed: Option<HashMap<String, Vec<(u32, u32)>>>,
    all_new: bool,
}

impl TierMap {
    /// Starts a map in which files matching `ai_paths` (globs) are AI-authored throughout.
    pub fn new(ai_paths: &[String]) -> TierMap {
        let mut builder = GlobSetBuilder::new();
        for pattern in ai_paths {
            if let Ok(glob) = Glob::new(pattern) {
                builder.add(glob);
            }
        }
        TierMap {
            ai_globs: (!ai_paths.is_empty())
                .then(|| builder.build().ok())
                .flatten(),
            ..TierMap::default()
        }
    }

    /// Marks 1-based inclusive line ranges of `path` as AI-authored, for the reason given.
    pub fn mark_ai(&mut self, path: &str, ranges: &[(u32, u32)], evidence: &AiEvidence) {
        if !ranges.is_empty() {
            self.ai_lines.entry(path.to_owned()).or_default().extend(
                ranges
                    .iter()
                    .map(|&(start, end)| (start, end, evidence.clone())),
            );
        }
    }

    /// Why `line` of `path` is AI-authored; `None` when it is not.
    pub fn ai_evidence(&self, path: &str, line: u32) -> Option<AiEvidence> {
        if self
            .ai_globs
            .as_ref()
            .is_some_and(|globs| globs.is_match(path))
        {
            return Some(AiEvidence::from_source("ai_paths glob"));
        }
        self.ai_lines
            .get(path)?
            .iter()
            .find_map(|(start, end, evidence)| {
                (*start <= line && line <= *end).then(|| evidence.clone())
            })
    }

    /// Records the lines changed since the base revision, by path. Without this call no
    /// line is `new`.
    pub fn set_changed(&mut self, changed: HashMap<String, Vec<(u32, u32)>>) {
        self.changed = Some(changed);
    }

    /// Counts every line as changed: there is no base revision to compare with.
    pub fn set_all_new(&mut self) {
        self.all_new = true;
    }

    /// Returns the files with lines changed since the base revision, sorted.
    pub fn changed_files(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .changed
            .iter()
            .flat_map(|changed| changed.keys().cloned())
            .collect();
        files.sort();
        files
    }

    /// Returns the files known to hold AI-authored lines: those with markers, and those of
    /// `candidates` that match `ai_paths`, sorted.
    pub fn ai_files<'a>(&self, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
        let mut files: Vec<String> = self.ai_lines.keys().cloned().collect();
        if let Some(globs) = &self.ai_globs {
            files.extend(
                candidates
                    .filter(|path| globs.is_match(path))
                    .map(str::to_owned),
            );
        }
        files.sort();
        files.dedup();
        files
    }

    /// The lines changed since the base revision, and how many of them are AI-authored;
    /// `None` without a base revision.
    pub fn change_size(&self) -> Option<(u64, u64)> {
        let changed = self.changed.as_ref()?;
        let (mut lines, mut ai) = (0, 0);
        for (path, ranges) in changed {
            for &(start, end) in ranges {
                lines += u64::from(end.saturating_sub(start)) + 1;
                ai += (start..=end)
                    .filter(|&line| self.ai_evidence(path, line).is_some())
                    .count() as u64;
            }
        }
        Some((lines, ai))
    }

    /// Returns the tier of `line` in `path`: `ai` beats `new` beats `legacy`.
    pub fn tier(&self, path: &str, line: u32) -> Tier {
        let within = |ranges: Option<&Vec<(u32, u32)>>| {
            ranges.is_some_and(|ranges| {
                ranges
                    .iter()
                    .any(|&(start, end)| start <= line && line <= end)
            })
        };
        if self.ai_evidence(path, line).is_some() {
            Tier::Ai
        } else if self.all_new
            || self
                .changed
                .as_ref()
                .is_some_and(|changed| within(changed.get(path)))
        {
            Tier::New
        } else {
            Tier::Legacy
        }
    }

    /// The tier of each of lines `1..=lines` of `path` (index 0 is line 1), as
    /// [`TierMap::tier`] gives it, in time linear in the lines and the ranges: a file's
    /// every line looked up one by one would cost lines × ranges.
    pub fn line_tiers(&self, path: &str, lines: u32) -> Vec<Tier> {
        let count = usize::try_from(lines).unwrap_or(usize::MAX);
        let mut tiers = vec![
            if self.all_new {
                Tier::New
            } else {
                Tier::Legacy
            };
            count
        ];
        let mut paint = |start: u32, end: u32, tier: Tier| {
            let from = usize::try_from(start.max(1) - 1).unwrap_or(usize::MAX);
            let to = usize::try_from(end).unwrap_or(usize::MAX).min(count);
            for slot in tiers.get_mut(from..to).unwrap_or_default() {
                *slot = tier;
            }
        };
        for &(start, end) in self
            .changed
            .as_ref()
            .and_then(|changed| changed.get(path))
            .into_iter()
            .flatten()
        {
            paint(start, end, Tier::New);
        }
        if self
            .ai_globs
            .as_ref()
            .is_some_and(|globs| globs.is_match(path))
        {
            paint(1, lines, Tier::Ai);
        }
        for &(start, end, _) in self.ai_lines.get(path).into_iter().flatten() {
            paint(start, end, Tier::Ai);
        }
        tiers
    }
}

/// Everything besides the findings that a decision depends on.
#[derive(Debug)]
pub struct RunContext<'a> {
    /// `--env`, or `None` for the default environment.
    pub environment: Option<&'a str>,
    /// Line provenance.
    pub tiers: &'a TierMap,
    /// Accepted findings.
    pub baseline: &'a Baseline,
    /// Decisions about single findings (`.agate/triage.yaml`), with who committed them.
    pub triage: &'a Triage,
    /// Suppression comments, by file path.
    pub suppressions: &'a HashMap<String, Vec<Suppression>>,
    /// Ids of the rules that exist, to flag suppressions naming others.
    pub known_rules: &'a BTreeSet<String>,
    /// Today, for suppression expiry.
    pub today: Date,
    /// True when some file could not be checked (a gate then fails closed).
    pub unchecked: bool,
    /// External checks that could not be trusted: gate name and why (that gate fails
    /// closed).
    pub failed_checks: &'a [(String, String)],
}

/// Applies `policy` to a run's findings: drops rules turned off or out of their paths,
/// applies severity overrides, marks findings in test code (`tests.paths`) with the `test`
/// context and reports them at most at `tests.severity` (never drops them), reports suppression problems as findings, sets each finding's
/// gate, tier, status and `blocking`, and decides every gate of the environment.
pub fn apply(
    policy: &Policy,
    context: &RunContext<'_>,
    findings: Vec<Finding>,
) -> Result<(Vec<Finding>, Verdict), PolicyError> {
    let environment = policy.environment(context.environment).ok_or_else(|| {
        let known: Vec<String> = policy.environment_names().map(str::to_owned).collect();
        PolicyError::Invalid {
            at: Place::file("--env"),
            message: format!(
                "unknown environment `{}`",
                context.environment.unwrap_or_default()
            ),
            help: crate::error::suggestion(context.environment.unwrap_or_default(), &known),
        }
    })?;
    // Each gate's name once, shared by every finding of the gate.
    let gates: Vec<(&crate::Gate, Text)> = policy
        .gates_of(&environment)
        .into_iter()
        .map(|gate| (gate, Text::from(gate.name.as_str())))
        .collect();

    let mut kept: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut finding| {
            if let Some(rule) = policy.rule(&finding.rule_id) {
                if !rule.applies_to(&finding.location.path) {
                    return None;
                }
                if let Some(severity) = rule.severity {
                    finding.severity = severity;
                }
            }
            let tests = policy.tests();
            if tests.is_test(&finding.location.path) {
                finding.context = Some(CodeContext::Test);
                // What agate's analyzers find in test code weighs less; what a check reports
                // there (a failing test, a tool's own severity) keeps its weight.
                let judged_code = matches!(
                    finding.analyzer,
                    Analyzer::Sast | Analyzer::Secrets | Analyzer::Deps | Analyzer::AiPatterns
                );
                if judged_code {
                    finding.severity = finding.severity.min(tests.severity);
                }
            }
            Some(finding)
        })
        .collect();

    // Tools agreeing on a gate, line and CWE make one finding.
    crate::merge::merge_sources(&mut kept, |finding| gate_of(&gates, finding));

    let mut used: BTreeSet<(Text, u32)> = BTreeSet::new();
    let known = Known {
        baseline: context.baseline.by_fingerprint(),
        triage: context.triage.by_fingerprint(),
    };
    for finding in &mut kept {
        decide_finding(policy, context, &known, &gates, finding, &mut used);
    }

    let mut problems = suppression_problems(context, &used);
    for finding in &mut problems {
        let tier = place(context, &gates, finding);
        finding.blocking = finding.gate.is_some() && finding.severity >= policy.tier(tier).block_at;
    }
    kept.extend(problems);
    kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let results: Vec<GateResult> = gates
        .iter()
        .map(|(gate, _)| {
            let failed: Vec<&str> = context
                .failed_checks
                .iter()
                .filter(|(name, _)| *name == gate.name)
                .map(|(_, reason)| reason.as_str())
                .collect();
            gate_result(
                &gate.name,
                environment.mode,
                &kept,
                context.unchecked,
                &failed,
            )
        })
        .collect();
    let status = if results
        .iter()
        .any(|result| result.status == GateStatus::Fail)
    {
        VerdictStatus::Blocked
    } else if results
        .iter()
        .any(|result| result.status == GateStatus::Error)
    {
        VerdictStatus::Error
    } else {
        VerdictStatus::Pass
    };
    Ok((
        kept,
        Verdict {
            status,
            environment: environment.name,
            gates: results,
        },
    ))
}

/// Sets a finding's tier (from its line) and gate (the first that lists its analyzer), and
/// returns the tier.
fn place(context: &RunContext<'_>, gates: &[(&crate::Gate, Text)], finding: &mut Finding) -> Tier {
    let tier = context
        .tiers
        .tier(&finding.location.path, finding.location.start.line);
    finding.tier = Some(tier);
    finding.ai_evidence = context
        .tiers
        .ai_evidence(&finding.location.path, finding.location.start.line)
        .map(Box::new);
    finding.gate = gate_of(gates, finding);
    tier
}

/// The gate a finding belongs to: an external check's, a contract's or an LLM review's is
/// the gate that ran it, anything else the first gate that lists its analyzer.
fn gate_of(gates: &[(&crate::Gate, Text)], finding: &Finding) -> Option<Text> {
    if matches!(
        finding.analyzer,
        Analyzer::External | Analyzer::Contracts | Analyzer::Llm
    ) {
        let name = finding.gate.as_ref()?;
        gates
            .iter()
            .find(|(_, gate)| gate == name)
            .map(|(_, gate)| gate.clone())
    } else {
        gates
            .iter()
            .find(|(gate, _)| gate.analyzers.contains(&finding.analyzer))
            .map(|(_, name)| name.clone())
    }
}

/// The baseline and the triage decisions, indexed by fingerprint.
struct Known<'a> {
    baseline: HashMap<&'a str, &'a crate::BaselineEntry>,
    triage: HashMap<&'a str, &'a crate::Decision>,
}

/// Sets one finding's tier, gate, status and `blocking`, recording the suppression it used:
/// a valid inline suppression first, then a triage decision that holds, then the baseline.
fn decide_finding(
    policy: &Policy,
    context: &RunContext<'_>,
    known: &Known<'_>,
    gates: &[(&crate::Gate, Text)],
    finding: &mut Finding,
    used: &mut BTreeSet<(Text, u32)>,
) {
    finding.status = FindingStatus::Open;
    finding.justification = None;
    if finding.analyzer == Analyzer::Rego {
        // A Rego deny is the gate's own decision: it belongs to its gate and always counts.
        finding.tier = Some(
            context
                .tiers
                .tier(&finding.location.path, finding.location.start.line),
        );
        finding.blocking = finding
            .gate
            .as_ref()
            .is_some_and(|name| gates.iter().any(|(_, gate)| gate == name));
        return;
    }
    let tier_policy = policy.tier(place(context, gates, finding));
    let suppression = context
        .suppressions
        .get(finding.location.path.as_str())
        .into_iter()
        .flatten()
        .find(|suppression| suppression.covers(&finding.rule_id, finding.location.start.line));
    if let Some(suppression) = suppression {
        used.insert((finding.location.path.clone(), suppression.line));
    }
    let valid_suppression = suppression.filter(|suppression| {
        suppression.reason.is_some()
            && match suppression.until_date() {
                None => true,
                Some(Ok(until)) => until >= context.today,
                Some(Err(_)) => false,
            }
    });
    let triaged = known
        .triage
        .get(finding.fingerprint.as_str())
        .filter(|decision| {
            decision.describes(&finding.rule_id, &finding.location.path)
                && context
                    .triage
                    .standing(policy, decision, finding.tier, context.today)
                    == Standing::Holds
        });
    if let (Some(suppression), Suppressing::Allowed) = (valid_suppression, tier_policy.suppress) {
        finding.status = FindingStatus::Suppressed;
        finding.justification = Some(Box::new(Justification {
            until: suppression.until.clone(),
            ..Justification::new("inline", suppression.reason.clone().unwrap_or_default())
        }));
    } else if let Some(decision) = triaged {
        finding.status = FindingStatus::Triaged;
        finding.justification = Some(Box::new(Justification {
            until: decision.until.map(|until| until.to_string()),
            decision: Some(decision.decision),
            owner: decision.owner.clone(),
            by: Some(decision.by.clone()),
            ..Justification::new("triage", decision.reason.clone())
        }));
    } else if let (Some(entry), Baselining::Allowed) = (
        known.baseline.get(finding.fingerprint.as_str()),
        tier_policy.baseline,
    ) {
        finding.status = FindingStatus::Baselined;
        finding.justification = Some(Box::new(Justification::new(
            "baseline",
            entry.reason.clone(),
        )));
    }
    finding.blocking = finding.status.is_open()
        && if finding.analyzer == Analyzer::Llm {
            // A model's opinion blocks only where its gate says so, whatever the tiers'
            // thresholds.
            gates.iter().any(|(gate, name)| {
                finding.gate.as_ref() == Some(name)
                    && gate.llm_review.as_ref().is_some_and(|review| review.block)
            })
        } else {
            finding.gate.is_some() && finding.severity >= tier_policy.block_at
        };
}

fn gate_result(
    name: &str,
    mode: GateMode,
    findings: &[Finding],
    unchecked_files: bool,
    failed_checks: &[&str],
) -> GateResult {
    let mut counts = GateCounts::default();
    for finding in findings
        .iter()
        .filter(|finding| finding.gate.as_deref() == Some(name))
    {
        match finding.status {
            FindingStatus::Baselined => counts.baselined += 1,
            FindingStatus::Suppressed => counts.suppressed += 1,
            FindingStatus::Triaged => counts.triaged += 1,
            FindingStatus::Open if finding.blocking => {
                counts.blocking += 1;
                match finding.tier {
                    Some(Tier::Ai) => counts.blocking_ai += 1,
                    Some(Tier::New) => counts.blocking_new += 1,
                    Some(Tier::Legacy) | None => counts.blocking_legacy += 1,
                }
            }
            FindingStatus::Open => counts.below_threshold += 1,
        }
    }
    let mut reasons = Vec::new();
    if counts.blocking > 0 {
        reasons.push(format!(
            "{} finding{} at or above the threshold of {} tier (ai {}, new {}, legacy {})",
            counts.blocking,
            if counts.blocking == 1 { "" } else { "s" },
            if counts.blocking == 1 { "its" } else { "their" },
            counts.blocking_ai,
            counts.blocking_new,
            counts.blocking_legacy
        ));
    }
    if unchecked_files {
        reasons.push("some files could not be checked".to_owned());
    }
    reasons.extend(failed_checks.iter().map(|reason| (*reason).to_owned()));
    let unchecked = unchecked_files || !failed_checks.is_empty();
    let status = match (counts.blocking > 0, unchecked, mode) {
        (true, _, GateMode::Block) => GateStatus::Fail,
        (false, true, GateMode::Block) => GateStatus::Error,
        (true, _, GateMode::Warn) | (false, true, GateMode::Warn) => GateStatus::Warn,
        (false, false, _) => GateStatus::Pass,
    };
    GateResult {
        name: name.to_owned(),
        mode,
        status,
        counts,
        reasons,
    }
}

/// Findings about the suppressions themselves: no reason, bad or past date, unknown rule,
/// or matching nothing.
fn suppression_problems(context: &RunContext<'_>, used: &BTreeSet<(Text, u32)>) -> Vec<Finding> {
    let mut problems = Vec::new();
    for (path, suppressions) in context.suppressions {
        for suppression in suppressions {
            let mut report = |rule_id: &str, severity: Severity, message: String| {
                problems.push(policy_finding(
                    path,
                    suppression,
                    rule_id,
                    severity,
                    message,
                ));
            };
            if suppression.reason.is_none() {
                report(
                    "agate.suppression-without-reason",
                    Severity::Medium,
                    "a suppression needs a reason: add `reason=\"…\"` saying why the finding is acceptable".to_owned(),
                );
            }
            match suppression.until_date() {
                Some(Err(error)) => {
                    report("agate.suppression-invalid-date", Severity::Medium, error);
                }
                Some(Ok(until)) if until < context.today => report(
                    "agate.suppression-expired",
                    Severity::Medium,
                    format!(
                        "this suppression expired on {until}: fix the finding or renew it with a new reason"
                    ),
                ),
                _ => {}
            }
            for rule in suppression
                .rules
                .iter()
                .filter(|rule| !context.known_rules.contains(*rule))
            {
                report(
                    "agate.suppression-unknown-rule",
                    Severity::Medium,
                    format!("`{rule}` is not a rule; `agate rules list` shows the ids"),
                );
            }
            if !used.contains(&(Text::from(path.as_str()), suppression.line)) {
                report(
                    "agate.suppression-unused",
                    Severity::Low,
                    "this suppression matches no finding on its line or the next; remove it"
                        .to_owned(),
                );
            }
        }
    }
    problems
}

/// Makes the finding for one Rego `deny` message of `gate`, located at the policy file.
pub fn deny_finding(gate: &str, policy_file: &str, message: &str) -> Finding {
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id: "agate.gate-policy-deny",
        path: policy_file,
        code: message,
        scope: gate,
        occurrence: 0,
    });
    let at_top = Position { line: 1, column: 1 };
    let location = Location {
        path: policy_file.into(),
        start: at_top,
        end: at_top,
    };
    let mut finding = Finding::new(
        "agate.gate-policy-deny",
        Analyzer::Rego,
        Severity::High,
        Confidence::High,
        message,
        location,
        fingerprint,
    );
    // A deny is its gate's own decision.
    finding.gate = Some(gate.into());
    finding
}

/// The rule of an AI-assisted commit that nobody signed off (`provenance.require_signoff`).
pub const SIGNOFF_RULE: &str = "agate.ai-commit-without-signoff";

/// A finding for an AI-assisted commit without a human sign-off, placed at the first file
/// the commit changed; the fingerprint is the commit's, so it survives edits of the file.
pub fn signoff_finding(path: &str, commit: &str, message: String) -> Finding {
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id: SIGNOFF_RULE,
        path: "",
        code: commit,
        scope: "",
        occurrence: 0,
    });
    let at_top = Position { line: 1, column: 1 };
    let location = Location {
        path: path.into(),
        start: at_top,
        end: at_top,
    };
    Finding::new(
        SIGNOFF_RULE,
        Analyzer::Policy,
        Severity::High,
        Confidence::High,
        message,
        location,
        fingerprint,
    )
}

fn policy_finding(
    path: &str,
    suppression: &Suppression,
    rule_id: &str,
    severity: Severity,
    message: String,
) -> Finding {
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id,
        path,
        code: &suppression.text,
        scope: "",
        occurrence: 0,
    });
    let width = u32::try_from(suppression.text.chars().count()).unwrap_or(u32::MAX);
    let location = Location {
        path: path.into(),
        start: Position {
            line: suppression.line,
            column: 1,
        },
        end: Position {
            line: suppression.line,
            column: width.saturating_add(1),
        },
    };
    let mut finding = Finding::new(
        rule_id,
        Analyzer::Policy,
        severity,
        Confidence::High,
        message,
        location,
        fingerprint,
    );
    finding.snippet.clone_from(&suppression.text);
    finding
}
