//! The analyzers: structural rules, secrets and dependencies over one walk of the files,
//! merged into one list of findings and notices.

use std::collections::BTreeSet;
use std::path::PathBuf;

use agate_lang::{ChangeScope, WalkOptions};
use agate_model::Notice;
use agate_policy::Policy;
use agate_rules::{ScanOptions, Scanner};

use crate::change::{InChange, judge_unscannable};
use crate::selection::Selection;
use crate::{PipelineError, Request, Result, Source};

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

/// What the analyzers found, with the structural engine (for its rule descriptors).
pub(crate) struct Analysis {
    pub(crate) found: agate_rules::ScanOutput,
    pub(crate) scanner: Scanner,
}

/// Runs the analyzers the selection asks for — structural rules, secrets (with `secrets`,
/// the engine and the notices of its configuration), dependencies — and merges what they
/// found: one finding per leak, notices once each, files counted once.
pub(crate) fn analyze(
    request: &Request,
    policy: &Policy,
    selection: &Selection,
    rules: agate_rules::RuleSet,
    secrets: &(agate_secrets::SecretScanner, Vec<Notice>),
    change: &InChange,
) -> Result<Analysis> {
    let root = request.root.as_path();
    let paths: Vec<PathBuf> = request.paths.iter().map(|path| root.join(path)).collect();
    let paths = paths.as_slice();
    let scope = &change.scope;
    let unscannable = |notices: &mut Vec<Notice>| {
        judge_unscannable(root, notices, scope, policy.unscannable());
    };
    let mut options = scan_options(request, policy);
    options.scope = scope.clone();
    // The change's files are scanned wherever they are; the walk's usual skips (hidden and
    // vendored folders, `.gitignore`) are for the files around them.
    options.walk.change_files.clone_from(&change.files);
    let working_tree = request.source == Source::WorkingTree;
    // The dependency analyzer reads imports off the trees the structural scan parses.
    options.imports = selection.deps && working_tree;
    let walk = options.walk.clone();
    let started = std::time::Instant::now();
    // Without structural rules `rules` is empty, and the scan only lists imports.
    let parse = selection.rules || options.imports;
    let scanner = Scanner::new(rules, options);
    let structural = || {
        if parse {
            scanner.scan(root, paths)
        } else {
            agate_rules::ScanOutput::default()
        }
    };
    let text_files = || TextFiles::read(request, paths, selection, &walk, &secrets.0);
    // The structural scan and the secrets pass share one thread pool, so each fills the
    // cores the other leaves idle (the walks, the end of the other's files).
    let both = || rayon::join(structural, text_files);
    let (
        mut found,
        TextFiles {
            walked,
            owned,
            leaks,
        },
    ) = match agate_rules::thread_pool(request.walk.threads) {
        Ok(pool) => pool.install(both),
        Err(_) => both(),
    };
    let leaks = leaks?;
    unscannable(&mut found.notices);
    if let Some(walked) = &walked {
        let mut skipped = walked.errors.iter().cloned().map(Notice::from).collect();
        unscannable(&mut skipped);
        found.notices.extend(skipped);
    }
    if let Some(mut leaks) = leaks {
        let (secrets, secret_notices) = secrets;
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
        let run = crate::deps::DepsRun {
            vulnerabilities: selection.keeps_deps(),
            offline: request.offline,
            settings: policy.deps(),
            sources: &request.deps,
        };
        let deps = crate::deps::scan(
            root,
            &walked.files,
            &std::mem::take(&mut found.imports),
            &run,
        )?;
        found.findings.extend(deps.findings);
        found.notices.extend(deps.notices);
        // Manifests are text files the secrets pass already counted, when it ran.
        found.stats.rules += agate_deps::rules().len() as u64;
        let (manifests, bytes) = crate::deps::counted(owned.as_deref().unwrap_or(&walked.files));
        found.stats.files = found.stats.files.max(manifests);
        found.stats.bytes = found.stats.bytes.max(bytes);
    }
    found.stats.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    found.findings.retain(|finding| selection.keeps(finding));
    crate::secrets::drop_duplicates(&mut found.findings);
    found
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut seen_notices = BTreeSet::new();
    found
        .notices
        .retain(|notice| seen_notices.insert((notice.path.clone(), notice.message.clone())));
    Ok(Analysis { found, scanner })
}

/// Every text file, walked once for the secrets and the dependency analyzers, and what the
/// secrets pass found in them.
struct TextFiles {
    walked: Option<agate_lang::Walk<agate_lang::AnyFile>>,
    /// This shard's files, when the scan is sharded: every shard reads every manifest (an
    /// import's package is declared anywhere); each reports its own files' findings.
    owned: Option<Vec<agate_lang::AnyFile>>,
    leaks: Result<Option<agate_secrets::SecretsScan>>,
}

impl TextFiles {
    fn read(
        request: &Request,
        paths: &[PathBuf],
        selection: &Selection,
        walk: &WalkOptions,
        secrets: &agate_secrets::SecretScanner,
    ) -> TextFiles {
        let root = request.root.as_path();
        let working_tree = request.source == Source::WorkingTree;
        let walked = (working_tree && (selection.secrets || selection.deps)).then(|| {
            let options = WalkOptions {
                include_hidden: true,
                shard: None,
                ..walk.clone()
            };
            agate_lang::walk_all(root, paths, &options)
        });
        let owned = request.shard.and_then(|shard| {
            let walked = walked.as_ref()?;
            Some(
                walked
                    .files
                    .iter()
                    .filter(|file| shard.owns(&file.relative))
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        });
        let leaks = selection
            .secrets
            .then(|| match &walked {
                Some(walked) => Ok(secrets.scan_files(
                    owned.as_deref().unwrap_or(&walked.files),
                    walk.max_file_size,
                )),
                None => crate::secrets::scan_git(&request.source, secrets, root),
            })
            .transpose();
        TextFiles {
            walked,
            owned,
            leaks,
        }
    }
}

/// The bundled rules (unless disabled), the policy's rule folders and `--rules`, with the
/// ids a configuration may name; unknown ids in `rules:` are a usage error.
pub(crate) fn rules_for(
    request: &Request,
    policy: &Policy,
    structural: bool,
) -> Result<(agate_rules::RuleSet, BTreeSet<String>)> {
    let mut rule_dirs = policy.rule_dirs().to_vec();
    rule_dirs.extend(request.rules.dirs.iter().cloned());
    let mut known: BTreeSet<String> = agate_secrets::bundled_rule_ids()
        .into_iter()
        .chain(POLICY_RULES.iter().map(|&id| (*id).to_owned()))
        .chain(agate_deps::rules().into_iter().map(|rule| rule.id))
        .chain(agate_integrity::rules().into_iter().map(|rule| rule.id))
        // The functional and performance gates' own findings: a policy may set their
        // severity or paths like any rule's.
        .chain(agate_contract::rules().into_iter().map(|rule| rule.id))
        .chain(agate_api::rules().into_iter().map(|rule| rule.id))
        .chain(agate_load::rules().into_iter().map(|rule| rule.id))
        .collect();
    for dir in &policy.secrets().rule_dirs {
        known.extend(agate_secrets::rule_ids_in(dir));
    }
    let rules = if structural {
        let rules = load_rules(&rule_dirs, request.rules.bundled)?;
        if rules.is_empty() {
            return Err(PipelineError::Invalid(
                "no rules to run: --no-bundled-rules needs at least one --rules DIR with rules"
                    .to_owned(),
            ));
        }
        known.extend(rules.iter().map(|rule| rule.id().to_owned()));
        rules
    } else {
        // Not run: only their ids, so `rules:` settings for them stay valid.
        if request.rules.bundled {
            known.extend(agate_rules::RuleSet::bundled_ids());
        }
        for dir in &rule_dirs {
            known.extend(agate_rules::RuleSet::ids_in(dir).map_err(PipelineError::invalid)?);
        }
        agate_rules::RuleSet::default()
    };
    policy
        .check_rule_ids(&known)
        .map_err(PipelineError::invalid)?;
    Ok((rules, known))
}

pub(crate) fn scan_options(request: &Request, policy: &Policy) -> ScanOptions {
    let limits = &request.walk;
    ScanOptions {
        walk: WalkOptions {
            respect_ignore_files: limits.respect_ignore_files,
            include_vendored: limits.include_vendored,
            max_file_size: limits.max_file_size,
            threads: limits.threads,
            ignore_globs: policy.ignore().to_vec(),
            include_hidden: false,
            change_files: None,
            shard: request.shard,
        },
        threads: limits.threads,
        imports: false,
        scope: ChangeScope::default(),
    }
}

/// Checks the request before any work: a shard that does not exist, or a path to scan that
/// does not exist or is neither a file nor a folder (`/dev/zero`, a FIFO), is an error told
/// once — a scan of nothing must not pass. `--staged` and `--history` read git, not these
/// paths.
pub(crate) fn check_request(request: &Request) -> Result<()> {
    if let Some(shard) = request.shard.filter(|shard| !shard.is_valid()) {
        return Err(PipelineError::Invalid(format!(
            "shard {shard} does not exist: K/N needs 1 <= K <= N"
        )));
    }
    if request.source != Source::WorkingTree {
        return Ok(());
    }
    let root = request.root.as_path();
    for path in &request.paths {
        if std::fs::symlink_metadata(root.join(path)).is_err() {
            return Err(PipelineError::Invalid(format!(
                "`{}` does not exist\n  help: check the path; a relative path is taken from the scan root (--root, default: the current directory)",
                path.display()
            )));
        }
        if let Ok(metadata) = std::fs::metadata(root.join(path))
            && !metadata.is_file()
            && !metadata.is_dir()
        {
            return Err(PipelineError::Invalid(format!(
                "`{}` is {}, not a file or folder to scan",
                path.display(),
                agate_fs::describe(metadata.file_type())
            )));
        }
    }
    Ok(())
}

/// Loads the bundled rules (unless `bundled` is false) plus the rules in `dirs`; any bad rule
/// file is an error naming it.
pub fn load_rules(dirs: &[PathBuf], bundled: bool) -> Result<agate_rules::RuleSet> {
    let mut rules = if bundled {
        agate_rules::RuleSet::bundled().map_err(PipelineError::invalid)?
    } else {
        agate_rules::RuleSet::default()
    };
    for dir in dirs {
        let extra = agate_rules::RuleSet::load_dir(dir).map_err(PipelineError::invalid)?;
        rules.extend(extra).map_err(PipelineError::invalid)?;
    }
    Ok(rules)
}
