//! agate's gate pipeline: a [`Request`] in, a [`Report`] with the verdict out.
//!
//! Every caller — the CLI's `scan`, `gate` and `baseline`, and anything that embeds agate —
//! runs the same steps: load the policy; find the change under review; run the analyzers
//! over one walk of the files; run the gates' external checks and read their coverage
//! reports; attribute lines (AI, new, legacy); apply the policy and the gates' Rego
//! policies; redact. The pipeline reads no environment variables, prints nothing and never
//! exits: the caller puts what it knows of the CI system into the request, and is told of
//! progress through a callback.
//!
//! ```no_run
//! use agate_pipeline::{Purpose, Request};
//!
//! let mut request = Request::new("/path/to/repository");
//! request.purpose = Purpose::Gate(Some("staging".to_owned()));
//! let outcome = agate_pipeline::run(&request, &|_event| {})?;
//! let verdict = outcome.report.verdict.expect("a gate run decides a verdict");
//! println!("{:?}", verdict.status);
//! # Ok::<(), agate_pipeline::PipelineError>(())
//! ```

mod analyze;
mod change;
mod compliance;
mod coverage;
mod decide;
mod deps;
mod error;
mod external;
mod functional;
mod integrity;
mod lines;
mod parallel;
mod performance;
mod request;
mod review;
mod run;
mod secrets;
mod selection;
mod shards;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use agate_model::{
    Analyzer, Finding, Notice, NoticeLevel, NotifyTarget, REPORT_SCHEMA_VERSION, Report,
    RuleDescriptor, Severity, Tool,
};
use agate_policy::{Date, Overrides, Policy, RunContext};

pub use agate_model::Shard;
pub use analyze::load_rules;
pub use change::classifier;
pub use compliance::{catalogue, now_rfc3339, packs, report_matrix};
pub use decide::DEFAULT_BASELINE;
pub use error::{PipelineError, Result};
pub use lines::BLAME_CACHE;
pub use request::{
    CiFacts, CiTarget, DepsSources, Event, Purpose, Request, RuleSources, Source, Variables,
    WalkLimits,
};
pub use review::LLM_CACHE;

use crate::analyze::Analysis;
use crate::lines::{LineProvenance, RunKind};
use crate::selection::Selection;

/// The error of a gate run that found no file to scan.
const NOTHING_SCANNED: &str = "no files were scanned; a gate that checks nothing does not pass (check the paths and ignore files)";

/// What a run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The findings, notices, checks and — for a gating run — the verdict, redacted.
    pub report: Report,
    /// Who the policy says hears about a blocked verdict.
    pub notify: Vec<NotifyTarget>,
}

/// Runs the pipeline: loads the policy, scans, runs the gates' checks, and applies the
/// policy. `progress` hears of long steps as they happen.
pub fn run(request: &Request, progress: &(dyn Fn(Event<'_>) + Sync)) -> Result<Outcome> {
    analyze::check_request(request)?;
    let (setup, rules) = Setup::new(request, Rules::Compiled)?;
    let Analysis { mut found, scanner } = analyze::analyze(
        request,
        &setup.policy,
        &setup.selection,
        rules,
        &setup.secrets,
        &setup.scope,
    )?;
    if setup.selection.integrity {
        let integrity = integrity::scan(request, &setup.policy, &setup.repository);
        found.findings.extend(integrity.findings);
        found.notices.extend(integrity.notices);
        // The same files the other analyzers read, or the only ones (`--only test-integrity`);
        // a shard counts only its own share, which the merge adds up.
        if request.shard.is_none() {
            found.stats.files = found.stats.files.max(integrity.files);
            found.stats.bytes = found.stats.bytes.max(integrity.bytes);
        }
    }
    let descriptors = decide::descriptors(&scanner, &setup.secrets.0, &found.findings);
    finish(request, setup, found, descriptors, progress)
}

/// Joins the JSON reports of every shard of a sharded run (`Request::shard`) into the
/// report of the whole repository: their findings are decided again together, and the
/// repository-wide work runs now — the gates' external checks and coverage, the sign-off
/// check, the gates' Rego policies — so the verdict is the one an unsharded run decides.
/// `request` describes the run as the shards' did (root, policy, environment, base); each
/// report comes with the name its errors call it by (its file).
pub fn merge(
    request: &Request,
    shards: Vec<(String, Report)>,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> Result<Outcome> {
    let mut request = request.clone();
    request.shard = None;
    // The shards ran the rules: the merge needs only their ids.
    let (setup, _) = Setup::new(&request, Rules::IdsOnly)?;
    let head = setup.head();
    let (found, descriptors) = shards::join(&request, shards, head.as_deref())?;
    finish(&request, setup, found, descriptors, progress)
}

/// What every run needs before it looks at files: the policy, which analyzers run, the
/// rule ids, the secrets engine (which redacts every report) and the change under review.
struct Setup {
    policy: Policy,
    selection: Selection,
    /// Rule ids a configuration may name.
    known: BTreeSet<String>,
    secrets: (agate_secrets::SecretScanner, Vec<Notice>),
    repository: change::Known,
    scope: change::InChange,
    /// When the run began.
    started: std::time::SystemTime,
}

impl Setup {
    /// The commit the root's checkout is at, when it is in a git repository.
    fn head(&self) -> Option<String> {
        self.repository
            .history
            .as_ref()
            .map(agate_provenance::History::head)
    }

    /// The set-up, and the structural rules compiled when `rules` asks and the selection
    /// runs them.
    fn new(request: &Request, rules: Rules) -> Result<(Setup, agate_rules::RuleSet)> {
        let root = request.root.as_path();
        let policy = load_policy(
            root,
            request.config.as_deref(),
            request.offline,
            request.server_token.as_ref(),
            request.block_at,
            &request.ai_paths,
        )?;
        let selection = Selection::new(request)?;
        compliance::check_policy(root, &policy, &request.frameworks)?;
        let compile = rules == Rules::Compiled && selection.rules;
        let (rules, known) = analyze::rules_for(request, &policy, compile)?;
        // Built even when the secrets analyzer does not run: it redacts every report.
        let secrets = secrets::scanner(root, &policy)?;
        let (repository, scope) = change::known_change(request, &policy)?;
        let setup = Setup {
            policy,
            selection,
            known,
            secrets,
            repository,
            scope,
            started: std::time::SystemTime::now(),
        };
        Ok((setup, rules))
    }
}

/// Whether a run compiles the structural rules or only needs their ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    Compiled,
    IdsOnly,
}

/// Everything after the analyzers: the gates' checks, line provenance, the policy, the
/// report. A shard's run does only the per-file part and keeps only its own files' findings
/// and notices.
#[expect(
    clippy::too_many_lines,
    reason = "the steps after the analyzers, in order, each a call"
)]
fn finish(
    request: &Request,
    setup: Setup,
    found: agate_rules::ScanOutput,
    mut descriptors: Vec<RuleDescriptor>,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> Result<Outcome> {
    let root = request.root.as_path();
    let mut stats = found.stats;
    let head = setup.head();
    shard_stats(request, &mut stats, head.clone());
    let Setup {
        policy,
        selection,
        mut known,
        secrets: (secrets, _),
        mut repository,
        scope,
        started,
        ..
    } = setup;
    let (environment, gating) = (request.purpose.environment(), request.purpose.gating());
    let whole = request.shard.is_none();
    let reviews = if gating && whole && selection.llm {
        review::Reviews::new(&policy, environment, &request.ci.variables)
    } else {
        review::Reviews::default()
    };
    // The secrets in the caller's environment, which checks inherit, and the LLM reviews'
    // API keys are hidden wherever they appear, as is whatever the rules find.
    let redactor = agate_secrets::KnownSecrets::new(&secrets, request.ci.secret_values.clone())
        .with(reviews.keys());
    let mut notices = found.notices;
    // Nothing staged is nothing to commit, not an unchecked change; a shard may hold no
    // file of a small repository.
    if gating
        && whole
        && stats.files == 0
        && request.source != Source::Staged
        && selection.reads_files()
    {
        notices.push(Notice::error(NOTHING_SCANNED));
    }

    let (external, coverage) = if gating && whole && selection.external {
        gate_inputs(request, &policy, &redactor, progress)
    } else {
        Default::default()
    };
    notices.extend(external.notices);
    let mut findings = found.findings;
    // API tests and load tests point at a line of the OpenAPI document or of agate.yaml:
    // that line is their snippet (redacted with the rest of the report).
    findings.extend(external.findings.into_iter().map(|mut finding| {
        if finding.snippet.is_empty() {
            finding.snippet = agate_external::source_line(
                root,
                &finding.location.path,
                finding.location.start.line,
            )
            .unwrap_or_default();
        }
        finding
    }));
    let mut failed_checks = external.failed;
    failed_checks.extend(coverage.failed.iter().cloned());
    let covered = coverage.files();
    let annotated = shards::with_covered(request, found.annotated, &covered);

    // The files an LLM review may send: the change's, or without one every source file
    // (those holding AI-authored lines are sent).
    let reviewed_files = if reviews.is_empty() {
        Vec::new()
    } else {
        review_candidates(request, &policy, scope.files.as_deref())
    };
    // Lines with findings, covered lines and the lines a review may send need their
    // provenance.
    let flagged: BTreeSet<&str> = findings
        .iter()
        .map(|finding| finding.location.path.as_str())
        .chain(covered.iter().map(String::as_str))
        .chain(reviewed_files.iter().map(String::as_str))
        .collect();
    // A cache someone committed is not agate's: nothing is read from it.
    let committed = if gating {
        change::committed_cache(root, repository.history.as_ref())
    } else {
        None
    };
    if let Some(path) = &committed {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: Some(path.clone()),
            message: "is committed to the repository: agate reads no cached blame or LLM answer from `.agate/cache/` while it holds committed files (a committed answer could stand in for a review); remove them with `git rm -r --cached .agate/cache` and add `.agate/cache/` to .gitignore".to_owned(),
        });
    }
    let run = RunKind {
        ai_change: request.ai_change,
        gating,
        whole,
        cached: committed.is_none(),
    };
    let (baseline, triage) = decide::records(request, &policy, &mut repository, &mut notices)?;
    let LineProvenance {
        tiers,
        suppressions,
        notices: provenance_notices,
        findings: provenance_findings,
    } = lines::provenance(root, &policy, repository, run, &annotated, &flagged)?;
    notices.extend(provenance_notices);
    findings.extend(provenance_findings);
    let (coverage_findings, coverage_results) = coverage::judge(root, &coverage, &tiers);
    findings.extend(coverage_findings);
    let reviewed = if reviews.is_empty() {
        external::ExternalRun::default()
    } else {
        let has_change = scope.files.is_some();
        let files = if has_change {
            reviewed_files
        } else {
            tiers.ai_files(reviewed_files.iter().map(String::as_str))
        };
        let change = review::Change {
            root,
            tiers: &tiers,
            files,
            with_base: has_change,
            walk: review_walk(request, &policy),
            cached: run.cached,
            unscannable: policy.unscannable(),
        };
        reviews.run(&change, &redactor, progress)
    };
    notices.extend(reviewed.notices);
    findings.extend(reviewed.findings);
    failed_checks.extend(reviewed.failed);
    known.extend(reviewed.rules.iter().map(|rule| rule.id.clone()));
    descriptors.extend(reviewed.rules);
    // The external checks' rules exist now that they ran; suppressions may name them.
    known.extend(external.rules.iter().map(|rule| rule.id.clone()));
    known.extend(agate_model::COVERAGE_RULES.map(str::to_owned));
    let context = RunContext {
        environment,
        tiers: &tiers,
        baseline: &baseline,
        triage: &triage,
        suppressions: &suppressions,
        known_rules: &known,
        today: Date::today(),
        unchecked: notices
            .iter()
            .any(|notice| notice.level == NoticeLevel::Error),
        failed_checks: &failed_checks,
    };
    // A gate's Rego policy judges the whole repository's findings (`whole`): not a shard's.
    let (mut findings, verdict) =
        decide::decide(root, &policy, &context, findings, &notices, whole)?;
    notices.extend(triage.notices(&policy, &findings, context.today));
    notices.extend(ungated(
        &policy,
        environment,
        &selection.analyzers(),
        &findings,
    ));
    once_each(&mut notices);
    let external_rules = external.rules.clone();
    descriptors.extend(external.rules);
    if let Some(shard) = request.shard {
        keep_own(shard, &mut findings, &mut notices);
    }
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        run: gating.then(|| run::info(request, &policy, head.clone(), &tiers, started)),
        tool: Tool::agate(env!("CARGO_PKG_VERSION")),
        rules: decide::referenced(descriptors, &findings),
        findings,
        notices,
        stats,
        checks: external.runs,
        coverage: coverage_results,
        load: external.load,
        compliance: Vec::new(),
        reviews: reviewed.reviews,
        verdict: gating.then_some(verdict),
    };
    // One place for every format: no excerpt, message or tool output shows a secret.
    report.redact(&redactor);
    // The control matrices are made of the redacted findings.
    if gating && whole {
        let ran = selection.analyzers();
        let inputs = compliance::Inputs {
            request,
            policy: &policy,
            ran: &ran,
            engines: compliance::Engines::of(&selection),
            secrets: secrets.rules(),
            external: &external_rules,
            commit: head,
        };
        compliance::apply(&mut report, &inputs)?;
        // A team's pack is a file of the repository: its titles are redacted too.
        for matrix in &mut report.compliance {
            matrix.redact(&redactor);
        }
    }
    Ok(Outcome {
        report,
        notify: policy.notify_on_block().to_vec(),
    })
}

/// The files an LLM review may send: the change's (`changed`), or without a change every
/// source file of the request's paths.
fn review_candidates(
    request: &Request,
    policy: &Policy,
    changed: Option<&BTreeSet<String>>,
) -> Vec<String> {
    // The files asked for (`agate gate PATH…`) bound what is sent, as they bound the scan.
    let plain = |path: &Path| -> PathBuf {
        path.components()
            .filter(|part| !matches!(part, std::path::Component::CurDir))
            .collect()
    };
    let asked: Vec<PathBuf> = request
        .paths
        .iter()
        .map(|path| plain(&request.root.join(path)))
        .collect();
    if let Some(files) = changed {
        return files
            .iter()
            .filter(|file| {
                let path = plain(&request.root.join(file.as_str()));
                asked.iter().any(|asked| path.starts_with(asked))
            })
            .cloned()
            .collect();
    }
    agate_lang::walk(&request.root, &asked, &review_walk(request, policy))
        .files
        .into_iter()
        .map(|file| file.relative)
        .collect()
}

/// How a review finds files: as the scan does, over the whole root (not a shard).
fn review_walk(request: &Request, policy: &Policy) -> agate_lang::WalkOptions {
    agate_lang::WalkOptions {
        shard: None,
        ..analyze::scan_options(request, policy).walk
    }
}

/// Drops repeated notices: a merge makes again the run-wide notices each shard made (no
/// base revision, blame), and shows them once.
fn once_each(notices: &mut Vec<Notice>) {
    let mut shown = BTreeSet::new();
    notices
        .retain(|notice| shown.insert((notice.level, notice.path.clone(), notice.message.clone())));
}

/// Keeps a shard's own: each file's findings and notices are its shard's (a manifest's
/// known vulnerabilities too, though every shard reads every manifest).
fn keep_own(shard: agate_model::Shard, findings: &mut Vec<Finding>, notices: &mut Vec<Notice>) {
    findings.retain(|finding| shard.owns(&finding.location.path));
    notices.retain(|notice| notice.path.as_deref().is_none_or(|path| shard.owns(path)));
}

/// For a shard's run, says which shard it is, what its per-file work covered, and the
/// commit it scanned (`head`): the merge takes only shards of its own checkout's commit.
fn shard_stats(request: &Request, stats: &mut agate_model::ScanStats, head: Option<String>) {
    if let Some(shard) = request.shard {
        stats.shard = Some(shard);
        stats.shard_scope = Some(shards::scope(request));
        stats.shard_commit = head;
    }
}

/// The external checks' results and the coverage reports of the environment's gates;
/// `redactor` redacts the checks' commands and output before they are shown.
fn gate_inputs(
    request: &Request,
    policy: &Policy,
    redactor: &agate_secrets::KnownSecrets<'_>,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> (external::ExternalRun, coverage::Loaded) {
    let (root, environment) = (request.root.as_path(), request.purpose.environment());
    // The checks run first: the tests they run write the coverage reports.
    let started = std::time::SystemTime::now();
    let sonar = request.ci.sonar.as_ref();
    let mut external = external::run_checks(root, policy, environment, sonar, redactor, progress);
    external.absorb(functional::run(root, policy, environment, &request.ci));
    external.absorb(performance::run(root, policy, environment, progress));
    let coverage = coverage::load(root, policy, environment, started);
    (external, coverage)
}

/// How the notice of an analyzer no gate judges begins.
const UNGATED: &str = "no gate of environment ";

/// Whether `notice` is [`ungated`]'s: a merge counts the joined findings again.
pub(crate) fn is_ungated(notice: &Notice) -> bool {
    notice.level == NoticeLevel::Warning
        && notice.path.is_none()
        && notice.message.starts_with(UNGATED)
}

/// A warning for each analyzer that ran, or has findings, that no gate of the environment
/// judges: its findings have no gate and never block, which a policy must not do quietly.
fn ungated(
    policy: &Policy,
    environment: Option<&str>,
    ran: &[Analyzer],
    findings: &[Finding],
) -> Vec<Notice> {
    let Some(environment) = policy.environment(environment) else {
        return Vec::new();
    };
    let ungated = policy.ungated(&environment);
    let mut counts: BTreeMap<Analyzer, usize> = ran
        .iter()
        .filter(|analyzer| ungated.contains(analyzer))
        .map(|&analyzer| (analyzer, 0))
        .collect();
    for finding in findings.iter().filter(|finding| finding.gate.is_none()) {
        *counts.entry(finding.analyzer).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(analyzer, count)| Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: format!(
                "{UNGATED}`{}` judges analyzer `{analyzer}`: its findings ({count} in this run) have no gate and never block\n  help: add `{analyzer}` to a gate's `analyzers:` in agate.yaml",
                environment.name
            ),
        })
        .collect()
}

/// Loads `config`, or `agate.yaml` in the root when present, or the built-in policy. URL
/// parents are cached in `.agate/cache` under the root; `server_token` goes with the
/// fetches of its server's `agate+https://` parents (published policies) only.
pub fn load_policy(
    root: &Path,
    config: Option<&Path>,
    offline: bool,
    server_token: Option<&agate_policy::ServerToken>,
    block_at: Option<Severity>,
    ai_paths: &[String],
) -> Result<Policy> {
    let default = root.join("agate.yaml");
    let path = match config {
        Some(path) => Some(path.to_path_buf()),
        None => default.exists().then_some(default),
    };
    let remote = agate_policy::RemoteOptions {
        cache_dir: Some(root.join(".agate/cache")),
        offline,
        server_token: server_token.cloned(),
        ..agate_policy::RemoteOptions::default()
    };
    let layers = match &path {
        Some(path) => agate_policy::load_with(path, &remote).map_err(PipelineError::invalid)?,
        None => Vec::new(),
    };
    let overrides = Overrides {
        block_at,
        ai_paths: ai_paths.to_vec(),
    };
    agate_policy::resolve(&layers, &overrides).map_err(PipelineError::invalid)
}
