//! `agate scan` and `agate gate`: analyzers, then the policy.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use agate_lang::{ChangeScope, WalkOptions};
use agate_model::{
    AiEvidence, Notice, NoticeLevel, REPORT_SCHEMA_VERSION, Report, Severity, Tool, Verdict,
    VerdictStatus,
};
use agate_policy::{Baseline, Date, Overrides, Policy, RunContext, TierMap, Unscannable};
use agate_rules::{ScanOptions, Scanner};
use anyhow::Context as _;

use crate::args::ScanArgs;
use crate::commands::rules::load_rules;
use crate::exit::{ExitStatus, Failure};

/// Rule ids beyond the loaded rule files (the policy's own findings, known vulnerabilities),
/// so `rules:` may configure them.
const POLICY_RULES: &[&str] = &[
    "agate.gate-policy-deny",
    "agate.suppression-without-reason",
    "agate.suppression-invalid-date",
    "agate.suppression-expired",
    "agate.suppression-unknown-rule",
    "agate.suppression-unused",
    agate_policy::SIGNOFF_RULE,
];

/// The error of a gate run that found no file to scan.
const NOTHING_SCANNED: &str = "no files were scanned; a gate that checks nothing does not pass (check the paths and ignore files)";

/// What the run is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose<'a> {
    /// `agate scan` (and `agate baseline`): findings only, no verdict.
    Scan,
    /// `agate gate`, for an environment (`None`: the default one).
    Gate(Option<&'a str>),
}

impl<'a> Purpose<'a> {
    /// The environment whose gates run (`None`: the default one, or not gating).
    fn environment(self) -> Option<&'a str> {
        match self {
            Purpose::Scan => None,
            Purpose::Gate(environment) => environment,
        }
    }

    /// Whether the run decides a verdict.
    fn gating(self) -> bool {
        matches!(self, Purpose::Gate(_))
    }
}

/// A scan with the policy applied.
pub(crate) struct Evaluated {
    pub(crate) report: Report,
    /// Who hears about a blocked verdict.
    pub(crate) notify: Vec<agate_model::NotifyTarget>,
}

/// Loads the policy, scans, and applies the policy.
pub(crate) fn evaluate(
    args: &ScanArgs,
    purpose: Purpose<'_>,
    block_at: Option<Severity>,
) -> anyhow::Result<Evaluated> {
    let root = scan_root(args)?;
    check_paths(args, &root)?;
    let policy = load_policy(
        &root,
        args.config.as_deref(),
        args.offline,
        block_at,
        &args.ai_paths,
    )?;
    let selection = crate::commands::secrets::Selection::new(args)?;
    let (rules, known) = rules_for(args, &policy, selection.rules)?;
    // Built even when the secrets analyzer does not run: it redacts every report.
    let secrets = crate::commands::secrets::scanner(&root, &policy)?;
    let (repository, scope) = known_change(args, &policy, &root)?;
    let Analysis { mut found, scanner } =
        analyze(args, &policy, &selection, rules, &secrets, &root, &scope)?;
    let (secrets, _) = secrets;
    // The secrets in agate's environment, which checks inherit, are hidden wherever they
    // appear, as is whatever the rules find.
    let redactor = agate_secrets::KnownSecrets::new(&secrets, crate::ci::secret_values());

    let mut notices = found.notices;
    let (environment, gating) = (purpose.environment(), purpose.gating());
    // Nothing staged is nothing to commit, not an unchecked change.
    if gating && found.stats.files == 0 && !args.staged {
        notices.push(Notice {
            level: NoticeLevel::Error,
            path: None,
            message: NOTHING_SCANNED.to_owned(),
        });
    }

    let (external, coverage) = gate_inputs(&root, &policy, purpose, &selection, &redactor);
    notices.extend(external.notices);
    found.findings.extend(external.findings);
    let mut failed_checks = external.failed;
    failed_checks.extend(coverage.failed.iter().cloned());
    let covered = coverage.files();

    // Lines with findings, and covered lines, need their provenance.
    let flagged: BTreeSet<&str> = found
        .findings
        .iter()
        .map(|f| f.location.path.as_str())
        .chain(covered.iter().map(String::as_str))
        .collect();
    let lines = provenance(
        &root,
        &policy,
        repository,
        args.ai_change || crate::ci::change_is_ai(),
        gating,
        &found.annotated,
        &flagged,
    )?;
    let LineProvenance {
        tiers,
        suppressions,
        notices: provenance_notices,
        findings: provenance_findings,
    } = lines;
    notices.extend(provenance_notices);
    let mut findings = found.findings;
    findings.extend(provenance_findings);
    let (coverage_findings, coverage_results) =
        crate::commands::coverage::judge(&root, &coverage, &tiers);
    findings.extend(coverage_findings);
    let baseline = load_baseline(args, &root)?;
    // The external checks' rules exist now that they ran; suppressions may name them.
    let mut known = known;
    known.extend(external.rules.iter().map(|rule| rule.id.clone()));
    known.extend(agate_model::COVERAGE_RULES.map(str::to_owned));
    let context = RunContext {
        environment,
        tiers: &tiers,
        baseline: &baseline,
        suppressions: &suppressions,
        known_rules: &known,
        today: today(),
        unchecked: notices
            .iter()
            .any(|notice| notice.level == NoticeLevel::Error),
        failed_checks: &failed_checks,
    };
    let (findings, verdict) = decide(&root, &policy, &context, findings, &notices)?;
    let descriptors = descriptors(&scanner, &secrets, external.rules, &findings);
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "agate".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        findings,
        rules: descriptors,
        notices,
        stats: found.stats,
        checks: external.runs,
        coverage: coverage_results,
        verdict: gating.then_some(verdict),
    };
    // One place for every format: no excerpt, message or tool output shows a secret.
    report.redact(&redactor);
    Ok(Evaluated {
        report,
        notify: policy.notify_on_block().to_vec(),
    })
}

/// `--root`, else the current directory.
pub(crate) fn scan_root(args: &ScanArgs) -> anyhow::Result<PathBuf> {
    match &args.root {
        Some(root) => Ok(root.clone()),
        None => std::env::current_dir().context("cannot read the current directory"),
    }
}

/// A path to scan that does not exist, or is neither a file nor a folder (`/dev/zero`, a
/// FIFO), is a usage error (exit 2), told once, before any work: a scan of nothing must not
/// pass. `--staged` and `--history` read git, not these paths.
fn check_paths(args: &ScanArgs, root: &Path) -> anyhow::Result<()> {
    if args.staged || args.history.is_some() {
        return Ok(());
    }
    for path in &args.paths {
        if std::fs::symlink_metadata(root.join(path)).is_err() {
            return Err(Failure::usage(format!(
                "`{}` does not exist\n  help: check the path; a relative path is taken from the scan root (--root, default: the current directory)",
                path.display()
            )));
        }
        if let Ok(metadata) = std::fs::metadata(root.join(path))
            && !metadata.is_file()
            && !metadata.is_dir()
        {
            return Err(Failure::usage(format!(
                "`{}` is {}, not a file or folder to scan",
                path.display(),
                agate_fs::describe(metadata.file_type())
            )));
        }
    }
    Ok(())
}

/// The external checks' results and the coverage reports of the environment's gates (only
/// `agate gate` runs them, unless `--only` leaves them out); `redactor` redacts the checks'
/// commands and output before they are shown.
fn gate_inputs(
    root: &Path,
    policy: &Policy,
    purpose: Purpose<'_>,
    selection: &crate::commands::secrets::Selection,
    redactor: &agate_secrets::KnownSecrets<'_>,
) -> (
    crate::commands::external::ExternalRun,
    crate::commands::coverage::Loaded,
) {
    if !purpose.gating() || !selection.external {
        return Default::default();
    }
    let environment = purpose.environment();
    // The checks run first: the tests they run write the coverage reports.
    let started = std::time::SystemTime::now();
    let external = crate::commands::external::run_checks(root, policy, environment, redactor);
    let coverage = crate::commands::coverage::load(root, policy, environment, started);
    (external, coverage)
}

/// What the analyzers found, with the structural engine (for its rule descriptors).
struct Analysis {
    found: agate_rules::ScanOutput,
    scanner: Scanner,
}

/// Runs the analyzers `--only` selects — structural rules, secrets (with `secrets`, the
/// engine and the notices of its configuration) — and merges what they found: one finding
/// per leak, notices once each, files counted once.
fn analyze(
    args: &ScanArgs,
    policy: &Policy,
    selection: &crate::commands::secrets::Selection,
    rules: agate_rules::RuleSet,
    secrets: &(agate_secrets::SecretScanner, Vec<Notice>),
    root: &Path,
    change: &InChange,
) -> anyhow::Result<Analysis> {
    let paths: Vec<PathBuf> = args.paths.iter().map(|path| root.join(path)).collect();
    let paths = paths.as_slice();
    let scope = &change.scope;
    let unscannable = |notices: &mut Vec<Notice>| {
        judge_unscannable(root, notices, scope, policy.unscannable());
    };
    let mut options = scan_options(args, policy);
    options.scope = scope.clone();
    // The change's files are scanned wherever they are; the walk's usual skips (hidden and
    // vendored folders, `.gitignore`) are for the files around them.
    options.walk.change_files.clone_from(&change.files);
    let working_tree = !args.staged && args.history.is_none();
    // The dependency analyzer reads imports off the trees the structural scan parses.
    options.imports = selection.deps && working_tree;
    let walk = options.walk.clone();
    let started = std::time::Instant::now();
    // Without structural rules `rules` is empty, and the scan only lists imports.
    let parse = selection.rules || options.imports;
    let scanner = Scanner::new(rules, options);
    let mut found = if parse {
        scanner.scan(root, paths)
    } else {
        agate_rules::ScanOutput::default()
    };
    unscannable(&mut found.notices);
    // One walk over every text file feeds both the secrets and the dependency analyzers.
    let walked = (working_tree && (selection.secrets || selection.deps)).then(|| {
        let options = WalkOptions {
            include_hidden: true,
            ..walk.clone()
        };
        agate_lang::walk_all(root, paths, &options)
    });
    if let Some(walked) = &walked {
        let mut skipped = walked.errors.iter().cloned().map(Notice::from).collect();
        unscannable(&mut skipped);
        found.notices.extend(skipped);
    }
    if selection.secrets {
        let (secrets, secret_notices) = secrets;
        let mut leaks = match &walked {
            Some(walked) => secrets.scan_files(&walked.files),
            None => crate::commands::secrets::scan_git(args, secrets, root)?,
        };
        if walked.is_some() {
            unscannable(&mut leaks.notices);
        }
        found.notices.extend(secret_notices.iter().cloned());
        found.notices.extend(leaks.notices);
        found.findings.extend(leaks.findings);
        for (path, text) in leaks.annotated {
            if !found.annotated.iter().any(|(seen, _)| *seen == path) {
                found.annotated.push((path, text));
            }
        }
        // The secrets walk reads every text file, the language files included.
        found.stats.files = found.stats.files.max(leaks.stats.files);
        found.stats.bytes = found.stats.bytes.max(leaks.stats.bytes);
        found.stats.rules += secrets.rules().len() as u64;
    }
    if let (true, Some(walked)) = (selection.deps, &walked) {
        let vulnerabilities = selection
            .keep
            .as_ref()
            .is_none_or(|keep| keep.contains(agate_deps::DEPS_ANALYZER));
        let run = crate::commands::deps::DepsRun {
            vulnerabilities,
            offline: args.offline,
            settings: policy.deps(),
        };
        let deps = crate::commands::deps::scan(
            root,
            &walked.files,
            &std::mem::take(&mut found.imports),
            &run,
        )?;
        found.findings.extend(deps.findings);
        found.notices.extend(deps.notices);
        // Manifests are text files the secrets pass already counted, when it ran.
        found.stats.rules += agate_deps::rules().len() as u64;
        found.stats.files = found.stats.files.max(deps.manifests);
        found.stats.bytes = found.stats.bytes.max(deps.bytes);
    }
    found.stats.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    found.findings.retain(|finding| selection.keeps(finding));
    crate::commands::secrets::drop_duplicates(&mut found.findings);
    found
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut seen_notices = BTreeSet::new();
    found
        .notices
        .retain(|notice| seen_notices.insert((notice.path.clone(), notice.message.clone())));
    Ok(Analysis { found, scanner })
}

/// The bundled rules (unless disabled), the policy's rule folders and `--rules`, with the
/// ids a configuration may name; unknown ids in `rules:` are a usage error.
fn rules_for(
    args: &ScanArgs,
    policy: &Policy,
    structural: bool,
) -> anyhow::Result<(agate_rules::RuleSet, BTreeSet<String>)> {
    let mut rule_dirs = policy.rule_dirs().to_vec();
    rule_dirs.extend(args.rule_dirs.iter().cloned());
    let mut known: BTreeSet<String> = agate_secrets::bundled_rule_ids()
        .into_iter()
        .chain(POLICY_RULES.iter().map(|&id| (*id).to_owned()))
        .chain(agate_deps::rules().into_iter().map(|rule| rule.id))
        .collect();
    for dir in &policy.secrets().rule_dirs {
        known.extend(agate_secrets::rule_ids_in(dir));
    }
    let rules = if structural {
        let rules = load_rules(&rule_dirs, !args.no_bundled_rules)?;
        if rules.is_empty() {
            return Err(Failure::usage(
                "no rules to run: --no-bundled-rules needs at least one --rules DIR with rules",
            ));
        }
        known.extend(rules.iter().map(|rule| rule.id().to_owned()));
        rules
    } else {
        // Not run: only their ids, so `rules:` settings for them stay valid.
        if !args.no_bundled_rules {
            known.extend(agate_rules::RuleSet::bundled_ids());
        }
        for dir in &rule_dirs {
            known.extend(
                agate_rules::RuleSet::ids_in(dir)
                    .map_err(|error| Failure::usage(error.to_string()))?,
            );
        }
        agate_rules::RuleSet::default()
    };
    policy
        .check_rule_ids(&known)
        .map_err(|error| Failure::usage(error.to_string()))?;
    Ok((rules, known))
}

/// What the analyzers know of the change before they run.
struct InChange {
    /// Which files belong to the change.
    scope: ChangeScope,
    /// The files the change's commits added or modified, relative to the scan root, when
    /// there is a change: listed wherever they are, never skipped silently.
    files: Option<std::sync::Arc<BTreeSet<String>>>,
}

/// The repository and the change since the base, found before the analyzers run: the
/// change's files are scanned whatever they look like and wherever they are, and a file of
/// it that cannot be scanned fails its gate closed.
fn known_change(
    args: &ScanArgs,
    policy: &Policy,
    root: &Path,
) -> anyhow::Result<(Known, InChange)> {
    let opened = agate_provenance::History::open(root, classifier(policy)?);
    let change = find_change(
        root,
        requested_base(args, policy)?.as_ref(),
        opened.as_ref(),
    )?;
    let history = opened.ok();
    let scope = change_scope(root, policy, history.as_ref(), change.as_ref());
    let files = history
        .as_ref()
        .zip(change.as_ref())
        .map(|(history, change)| {
            let prefix = root_prefix(history, root);
            std::sync::Arc::new(
                change
                    .paths()
                    .iter()
                    .filter_map(|path| to_root(&prefix, path))
                    .map(str::to_owned)
                    .collect(),
            )
        });
    Ok((Known { history, change }, InChange { scope, files }))
}

/// Which files belong to the change under review: with a base, every file that is not
/// exactly as it was at the merge base, and every file `ai_paths` names; without a base (or
/// a repository), every file.
fn change_scope(
    root: &Path,
    policy: &Policy,
    history: Option<&agate_provenance::History>,
    change: Option<&agate_provenance::Change>,
) -> ChangeScope {
    let (Some(history), Some(change)) = (history, change) else {
        return ChangeScope::default();
    };
    let Ok(unchanged) = history.unchanged(change) else {
        return ChangeScope::default();
    };
    let prefix = root_prefix(history, root);
    let ai = TierMap::new(policy.ai_paths());
    ChangeScope::outside(move |relative| {
        let in_repository = if prefix.is_empty() {
            relative.to_owned()
        } else {
            format!("{prefix}/{relative}")
        };
        ai.ai_files(std::iter::once(relative)).is_empty() && unchanged.contains(&in_repository)
    })
}

/// Sets the level of the analyzers' `error` notices about files they could not scan: a
/// file of the change stays an error (the gate fails closed) unless the policy says
/// `unscannable: warn`; a file outside the change is a warning. Paths that do not exist
/// (a mistyped argument) are left as they are.
fn judge_unscannable(
    root: &Path,
    notices: &mut [Notice],
    scope: &ChangeScope,
    unscannable: Unscannable,
) {
    for notice in notices
        .iter_mut()
        .filter(|notice| notice.level == NoticeLevel::Error)
    {
        let Some(path) = &notice.path else { continue };
        if std::fs::symlink_metadata(root.join(path)).is_err() {
            continue;
        }
        if !scope.contains(path) {
            notice.level = NoticeLevel::Warning;
            notice
                .message
                .push_str(" (outside the change: unchanged since the base revision)");
        } else if unscannable == Unscannable::Warn {
            notice.level = NoticeLevel::Warning;
            notice
                .message
                .push_str(" (part of the change; a warning by `unscannable: warn`)");
        } else {
            notice.message.push_str(
                " (part of the change, so its gate fails closed; `unscannable: warn` in agate.yaml makes it a warning)",
            );
        }
    }
}

fn scan_options(args: &ScanArgs, policy: &Policy) -> ScanOptions {
    ScanOptions {
        walk: WalkOptions {
            respect_ignore_files: !args.no_ignore,
            include_vendored: args.include_vendored,
            max_file_size: args.max_file_size,
            threads: args.threads,
            ignore_globs: policy.ignore().to_vec(),
            include_hidden: false,
            change_files: None,
        },
        threads: args.threads,
        imports: false,
        scope: ChangeScope::default(),
    }
}

/// `--baseline`, else `.agate/baseline.json` in the root; a corrupt file is a usage error.
fn load_baseline(args: &ScanArgs, root: &Path) -> anyhow::Result<Baseline> {
    let path = args
        .baseline
        .clone()
        .unwrap_or_else(|| root.join(".agate/baseline.json"));
    Baseline::load(&path).map_err(|error| Failure::usage(error.to_string()))
}

/// Applies the policy, then the gates' Rego policies over the result; a deny adds findings
/// and the policy is applied again so they count.
fn decide(
    root: &Path,
    policy: &Policy,
    context: &RunContext<'_>,
    findings: Vec<agate_model::Finding>,
    notices: &[Notice],
) -> anyhow::Result<(Vec<agate_model::Finding>, Verdict)> {
    let usage = |error: agate_policy::PolicyError| Failure::usage(error.to_string());
    // Only a gate's Rego policy needs the findings as they were before the policy: copy
    // them for it alone (a copy of a million findings is hundreds of megabytes).
    let has_rego = policy
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
    findings: &[agate_model::Finding],
    notices: &[Notice],
) -> anyhow::Result<Vec<agate_model::Finding>> {
    let Some(environment) = policy.environment(context.environment) else {
        return Ok(Vec::new());
    };
    let mut denied = Vec::new();
    for gate in policy.gates_of(&environment) {
        let Some(rego) = &gate.policy else { continue };
        let changed = context.tiers.changed_files();
        let candidates = changed.iter().map(String::as_str).chain(
            findings
                .iter()
                .map(|finding| finding.location.path.as_str()),
        );
        let input = serde_json::json!({
            "environment": environment.name,
            "gate": gate.name,
            "findings": findings,
            "notices": notices,
            "changed_files": changed,
            "ai_files": context.tiers.ai_files(candidates),
        });
        let messages = agate_policy::deny_messages(rego, &input)
            .map_err(|error| Failure::usage(error.to_string()))?;
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

/// The descriptors of the rules the findings reference — structural, secret, the
/// dependency analyzer's and external checks' — for the report, by id.
fn descriptors(
    scanner: &Scanner,
    secrets: &agate_secrets::SecretScanner,
    external: Vec<agate_model::RuleDescriptor>,
    findings: &[agate_model::Finding],
) -> Vec<agate_model::RuleDescriptor> {
    let referenced: BTreeSet<&str> = findings
        .iter()
        .map(|finding| finding.rule_id.as_str())
        .collect();
    let mut descriptors: Vec<agate_model::RuleDescriptor> = scanner
        .rules()
        .iter()
        .filter(|rule| referenced.contains(rule.id()))
        .map(agate_rules::Rule::descriptor)
        .collect();
    descriptors.extend(secrets.descriptors(findings));
    descriptors.extend(
        agate_deps::rules()
            .into_iter()
            .chain(external)
            .filter(|rule| referenced.contains(rule.id.as_str())),
    );
    descriptors.sort_by(|a, b| a.id.cmp(&b.id));
    // Checks of the same name in two gates describe their rules twice.
    descriptors.dedup_by(|a, b| a.id == b.id);
    descriptors
}

/// The base asked for: `--base`, else the CI's target branch, else `provenance.base` (the
/// remote's default branch is looked up later, in the repository).
fn requested_base(
    args: &ScanArgs,
    policy: &Policy,
) -> anyhow::Result<Option<(String, BaseSource)>> {
    let requested = match &args.base {
        Some(base) => Some((base.clone(), BaseSource::Flag)),
        None => crate::ci::base()
            .map(|ci| (ci.revision(), BaseSource::Ci(ci)))
            .or_else(|| {
                policy
                    .base()
                    .map(|base| (base.to_owned(), BaseSource::Config))
            }),
    };
    if let Some((base, _)) = &requested
        && base.starts_with('-')
    {
        return Err(Failure::usage(format!("`--base {base}` is not a revision")));
    }
    Ok(requested)
}

/// Where the base revision comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BaseSource {
    /// `--base`: an error when it cannot be used.
    Flag,
    /// The CI's target branch, and the variable that named it.
    Ci(crate::ci::CiBase),
    /// `provenance.base`.
    Config,
}

/// Builds the tier map and collects the suppression comments of the annotated files.
///
/// AI lines: an AI change (`--ai-change`, CI labels), inline markers, `ai_paths`, the
/// manifest, and — for the files with findings — the lines that AI-assisted commits, git-ai
/// notes or Agent Trace records attribute. New lines: those the change since the base
/// introduced, committed or not; with no base every line is new. With a base, history is
/// only read back to the merge base, and lines older than it are legacy.
fn provenance(
    root: &Path,
    policy: &Policy,
    known: Known,
    ai_change: bool,
    gating: bool,
    annotated: &[(String, String)],
    flagged: &BTreeSet<&str>,
) -> anyhow::Result<LineProvenance> {
    let mut notices = Vec::new();
    let Known {
        mut history,
        change,
    } = known;
    if change.is_none() && gating {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: "no base revision to compare with (no --base, CI target branch, provenance.base or origin/main): every line counts as new".to_owned(),
        });
    }

    let mut ai_paths = policy.ai_paths().to_vec();
    if ai_change && change.is_none() {
        // An AI change with no base to diff against: every line is the change.
        ai_paths.push("**".to_owned());
    }
    let mut tiers = TierMap::new(&ai_paths);
    let mut suppressions = HashMap::new();
    for (path, text) in annotated {
        tiers.mark_ai(
            path,
            &agate_policy::ai_lines(text),
            &AiEvidence::from_source("inline marker"),
        );
        let parsed = agate_policy::parse_suppressions(text);
        if !parsed.is_empty() {
            suppressions.insert(path.clone(), parsed);
        }
    }
    let manifest =
        agate_provenance::Manifest::load(&root.join(crate::commands::provenance::MANIFEST))
            .map_err(|error| Failure::usage(error.to_string()))?;
    for path in flagged {
        if manifest.entries.iter().any(|entry| entry.path == *path)
            && let Ok(file) = agate_fs::resolve_under(root, Path::new(path))
            && let Ok(text) = agate_fs::read_to_string_bounded(
                &file,
                crate::commands::provenance::MAX_SOURCE_BYTES,
            )
        {
            for (start, end, entry) in manifest.ai_ranges(path, &text) {
                let evidence = AiEvidence {
                    tool: entry.tool.clone(),
                    model: entry.model.clone(),
                    ..AiEvidence::from_source("provenance manifest")
                };
                tiers.mark_ai(path, &[(start, end)], &evidence);
            }
        }
    }
    let findings = accountability(
        policy,
        history.as_mut(),
        change.as_ref(),
        root,
        &mut notices,
    )?;
    match (&history, &change) {
        (Some(history), change) => {
            let changed = from_history(
                history,
                root,
                change.as_ref(),
                ai_change,
                flagged,
                &mut tiers,
                &mut notices,
            );
            match changed {
                Some(changed) => tiers.set_changed(changed),
                None => tiers.set_all_new(),
            }
        }
        (None, _) => tiers.set_all_new(),
    }
    Ok(LineProvenance {
        tiers,
        suppressions,
        notices,
        findings,
    })
}

/// With `provenance.require_signoff`, a finding for each AI-assisted commit of the change
/// that no human (or no approver) signed off; without a change to check, an error notice.
fn accountability(
    policy: &Policy,
    history: Option<&mut agate_provenance::History>,
    change: Option<&agate_provenance::Change>,
    root: &Path,
    notices: &mut Vec<Notice>,
) -> anyhow::Result<Vec<agate_model::Finding>> {
    if !policy.require_signoff() {
        return Ok(Vec::new());
    }
    let (Some(history), Some(change)) = (history, change) else {
        notices.push(Notice {
            level: NoticeLevel::Error,
            path: None,
            message: "provenance.require_signoff needs the change's commits: run in a git repository with a base revision (--base)".to_owned(),
        });
        return Ok(Vec::new());
    };
    let anyone = policy.approvers().is_empty();
    let unsigned = history
        .unsigned_ai_commits(change, |email| policy.approves(email))
        .map_err(|error| Failure::usage(error.to_string()))?;
    let prefix = root_prefix(history, root);
    Ok(unsigned
        .into_iter()
        .map(|commit| {
            let path = commit
                .path
                .as_deref()
                .map(|path| to_root(&prefix, path).unwrap_or(path).to_owned())
                .unwrap_or_default();
            let why = commit.evidence.first().map_or_else(String::new, |evidence| {
                format!(" ({})", evidence.tool)
            });
            let who = if anyone {
                "a person".to_owned()
            } else {
                format!("an approver ({})", policy.approvers().join(", "))
            };
            let message = format!(
                "commit {} \"{}\" is AI-assisted{why} but no `Signed-off-by:` trailer of {who} vouches for it",
                &commit.commit[..12],
                commit.summary
            );
            agate_policy::signoff_finding(&path, &commit.commit, message)
        })
        .collect())
}

/// The scan root relative to the repository's working tree (`""` when they are the same).
pub(crate) fn root_prefix(history: &agate_provenance::History, root: &Path) -> String {
    fs_err::canonicalize(root)
        .ok()
        .and_then(|root| {
            root.strip_prefix(history.workdir())
                .ok()
                .map(|prefix| prefix.to_string_lossy().replace('\\', "/"))
        })
        .unwrap_or_default()
}

/// A repository-relative path relative to the scan root; `None` when it lies outside.
pub(crate) fn to_root<'a>(prefix: &str, path: &'a str) -> Option<&'a str> {
    if prefix.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('/'))
    }
}

/// The change since the base: the requested one, else the remote's default branch. `None`
/// when there is no base (or no history); a `--base` without history is an error that says
/// why there is none (no repository, no commit yet).
fn find_change(
    root: &Path,
    requested: Option<&(String, BaseSource)>,
    history: Result<&agate_provenance::History, &agate_provenance::HistoryError>,
) -> anyhow::Result<Option<agate_provenance::Change>> {
    let base = match (requested, history) {
        (Some((base, _)), _) => Some(base.clone()),
        (None, Ok(history)) => history.default_base(),
        (None, Err(_)) => None,
    };
    match (history, base) {
        (Ok(history), Some(base)) => history.change(&base).map(Some).map_err(|error| {
            let from = match requested {
                Some((_, BaseSource::Ci(ci))) => format!("`{}`", ci.variable),
                Some((_, BaseSource::Config)) => "`provenance.base`".to_owned(),
                Some((_, BaseSource::Flag)) => "`--base`".to_owned(),
                None => "the remote's default branch".to_owned(),
            };
            Failure::usage(crate::ci::base_error(&error, &from))
        }),
        (Err(error), Some(base)) if matches!(requested, Some((_, BaseSource::Flag))) => {
            let message = match error {
                agate_provenance::HistoryError::NotARepository(_) => format!(
                    "`--base {base}` needs a git repository, and `{}` is not in one\n  help: run agate inside a git checkout, or leave out --base (every line then counts as new)",
                    root.display()
                ),
                agate_provenance::HistoryError::NoCommits(_) => format!(
                    "`--base {base}` needs git history: {error}\n  help: commit the files first, or leave out --base (every line then counts as new)"
                ),
                _ => format!("`--base {base}` needs git history: {error}"),
            };
            Err(Failure::usage(message))
        }
        _ => Ok(None),
    }
}

/// Marks the AI lines git history knows of in the files with findings, and returns the
/// lines the change introduced by path (`None` without a change: every line is new). The
/// files are blamed in parallel, each thread with its own handle on the repository.
fn from_history(
    history: &agate_provenance::History,
    root: &Path,
    change: Option<&agate_provenance::Change>,
    ai_change: bool,
    flagged: &BTreeSet<&str>,
    tiers: &mut TierMap,
    notices: &mut Vec<Notice>,
) -> Option<ChangedLines> {
    if let Some(why) = history.unreadable_traces() {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: Some(agate_provenance::TRACE_FILE.to_owned()),
            message: format!("not read, so no Agent Trace record counts: {why}"),
        });
    }
    if history.skipped_traces() > 0 {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: Some(agate_provenance::TRACE_FILE.to_owned()),
            message: format!(
                "{} lines are not Agent Trace records and were skipped",
                history.skipped_traces()
            ),
        });
    }
    // Paths in history are relative to the repository; findings' to the scan root.
    let prefix = root_prefix(history, root);
    let mut changed = ChangedLines::new();
    for path in change.iter().flat_map(|change| change.paths()) {
        if let Some(relative) = to_root(&prefix, path) {
            changed.insert(relative.to_owned(), Vec::new());
        }
    }
    let attributed = blame_files(root, history.classifier(), change, flagged);
    let done = attributed.len();
    if done < flagged.len() {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: format!(
                "AI attribution from git history covers {done} of {} files with findings: blame stopped after {} s (the rest count as not AI-authored unless marked); pass --base to read history only back to the change's merge base",
                flagged.len(),
                BLAME_BUDGET.as_secs()
            ),
        });
    }
    let span = |range: &agate_provenance::Attribution| (range.start, range.end);
    for (path, ranges) in attributed {
        if change.is_some() && !ranges.is_empty() {
            changed.insert(path.to_owned(), ranges.iter().map(span).collect());
        }
        if is_generated(root, path) {
            // An agent that ran a code generator did not write the generator's output.
            continue;
        }
        for range in &ranges {
            let evidence = match range.evidence.first() {
                Some(evidence) => AiEvidence {
                    source: crate::commands::provenance::source(&evidence.source),
                    tool: Some(evidence.tool.clone()),
                    model: evidence.model.clone(),
                    commit: range.commit.clone(),
                },
                None if ai_change => AiEvidence::from_source(AI_CHANGE),
                None => continue,
            };
            tiers.mark_ai(path, &[span(range)], &evidence);
        }
    }
    change.map(|_| changed)
}

/// Whether the file starts with an `@generated` header (read from its first 4 KiB). Paths
/// come from findings, which external tools may name: only a regular file under the root is
/// read, so a FIFO cannot block the run and a link cannot lead outside.
fn is_generated(root: &Path, path: &str) -> bool {
    use std::io::Read as _;
    let Ok(file) = agate_fs::resolve_under(root, Path::new(path)) else {
        return false;
    };
    if !std::fs::metadata(&file).is_ok_and(|metadata| metadata.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    std::fs::File::open(&file)
        .and_then(|file| file.take(4096).read_to_end(&mut head))
        .is_ok_and(|_| agate_policy::is_generated(&String::from_utf8_lossy(&head)))
}

/// The evidence of lines that are AI-authored because the whole change is.
const AI_CHANGE: &str = "AI change (--ai-change, AGATE_AI_CHANGE or a pull/merge request label)";

/// Lines changed since the base, by path (1-based, inclusive ranges).
type ChangedLines = HashMap<String, Vec<(u32, u32)>>;

/// Blames `files` on all cores until [`BLAME_BUDGET`] runs out: with a change, the lines it
/// introduced; without, the AI lines of all history. Files not reached are left out; a
/// file whose history cannot be read has no lines.
fn blame_files<'a>(
    root: &Path,
    classifier: &agate_provenance::Classifier,
    change: Option<&agate_provenance::Change>,
    files: &BTreeSet<&'a str>,
) -> Vec<(&'a str, Vec<agate_provenance::Attribution>)> {
    let deadline = std::time::Instant::now() + BLAME_BUDGET;
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(files.len())
        .max(1);
    let mut shares: Vec<Vec<&str>> = vec![Vec::new(); threads];
    for (index, path) in files.iter().enumerate() {
        shares[index % threads].push(path);
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let classifier = classifier.clone();
                scope.spawn(move || {
                    let Ok(history) = agate_provenance::History::open(root, classifier) else {
                        return Vec::new();
                    };
                    let mut history = history.with_cache(root.join(BLAME_CACHE));
                    let mut out = Vec::new();
                    for path in share {
                        if std::time::Instant::now() > deadline {
                            break;
                        }
                        let file = root.join(path);
                        let ranges = match change {
                            Some(change) => history.changed_lines(&file, change),
                            None => history.ai_ranges(&file),
                        };
                        out.push((path, ranges.unwrap_or_default()));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    })
}

/// The repository (when the root is in one) and the change since the base (when there is
/// one), found once before the analyzers run.
struct Known {
    history: Option<agate_provenance::History>,
    change: Option<agate_provenance::Change>,
}

/// What [`provenance`] found: tiers of lines, suppression comments, and notices (no base,
/// git history not read in full, unreadable Agent Trace records).
struct LineProvenance {
    tiers: TierMap,
    suppressions: HashMap<String, Vec<agate_policy::Suppression>>,
    notices: Vec<Notice>,
    /// AI-assisted commits without a sign-off, when the policy requires one.
    findings: Vec<agate_model::Finding>,
}

/// How long `gate` spends blaming files with findings before going on without the rest.
const BLAME_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Where blame results are cached, keyed by blob id, relative to the root.
pub(crate) const BLAME_CACHE: &str = ".agate/cache/blame";

/// The built-in AI identities plus `provenance.ai_identities` from the policy.
pub(crate) fn classifier(policy: &Policy) -> anyhow::Result<agate_provenance::Classifier> {
    let mut classifier = agate_provenance::Classifier::builtin();
    for (tool, pattern) in policy.ai_identities() {
        classifier = classifier.with_identity(tool, pattern).map_err(|error| {
            Failure::usage(format!("provenance.ai_identities `{tool}`: {error}"))
        })?;
    }
    Ok(classifier)
}

/// Loads `--config`, or `agate.yaml` in the root when present, or the built-in policy.
/// URL parents are cached in `.agate/cache` under the root.
pub(crate) fn load_policy(
    root: &Path,
    config: Option<&Path>,
    offline: bool,
    block_at: Option<Severity>,
    ai_paths: &[String],
) -> anyhow::Result<Policy> {
    let default = root.join("agate.yaml");
    let path = match config {
        Some(path) => Some(path.to_path_buf()),
        None => default.exists().then_some(default),
    };
    let remote = agate_policy::RemoteOptions {
        cache_dir: Some(root.join(".agate/cache")),
        offline,
        ..agate_policy::RemoteOptions::default()
    };
    let layers = match &path {
        Some(path) => agate_policy::load_with(path, &remote)
            .map_err(|error| Failure::usage(error.to_string()))?,
        None => Vec::new(),
    };
    let overrides = Overrides {
        block_at,
        ai_paths: ai_paths.to_vec(),
    };
    agate_policy::resolve(&layers, &overrides).map_err(|error| Failure::usage(error.to_string()))
}

/// Today in UTC, for suppression expiry.
pub(crate) fn today() -> Date {
    Date::from_unix_seconds(unix_seconds(SystemTime::now()))
}

/// Seconds since the Unix epoch (0 for times before it).
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
    })
}

/// Scans, renders, and — for `agate gate` — decides the exit status.
pub(crate) fn run(
    args: &ScanArgs,
    purpose: Purpose<'_>,
    block_at: Option<Severity>,
) -> anyhow::Result<ExitStatus> {
    let started = SystemTime::now();
    let Evaluated {
        mut report, notify, ..
    } = evaluate(args, purpose, block_at)?;
    crate::commands::notify::on_block(&notify, &mut report);
    crate::commands::report::write_all(&report, &args.targets, args.color, started)?;
    Ok(exit_status(report.verdict.as_ref()))
}

fn exit_status(verdict: Option<&Verdict>) -> ExitStatus {
    match verdict.map(|verdict| verdict.status) {
        None | Some(VerdictStatus::Pass) => ExitStatus::Pass,
        Some(VerdictStatus::Blocked) => ExitStatus::Blocked,
        Some(VerdictStatus::Error) => ExitStatus::Internal,
    }
}
