//! The secrets analyzer in `scan` and `gate`: which analyzers run (`--only`), the scanner
//! built from the bundled rules, agate.yaml's allowlist and a gitleaks configuration, and
//! the git sources it reads — the staged files or history. (The working tree is walked
//! once in `scan.rs`, for secrets and dependencies together.)

use std::collections::BTreeSet;
use std::path::Path;

use agate_model::{Finding, Notice, NoticeLevel};
use agate_policy::Policy;
use agate_secrets::{Allowlist, AllowlistFile, SecretScanner, SecretsScan};
use anyhow::Context as _;

use crate::args::ScanArgs;
use crate::exit::Failure;

/// The analyzers agate runs, by name.
pub(crate) const ANALYZERS: &[&str] = &["sast", "secrets", "deps", "ai-patterns", "external"];

/// Which engines a run needs, and which analyzers' findings it keeps.
#[derive(Debug)]
#[expect(clippy::struct_excessive_bools, reason = "one switch per analyzer")]
pub(crate) struct Selection {
    /// The structural rules engine (analyzers `sast` and `ai-patterns`).
    pub(crate) rules: bool,
    /// The secrets engine (analyzer `secrets`, and `ai-patterns` for placeholders).
    pub(crate) secrets: bool,
    /// The dependency analyzer.
    pub(crate) deps: bool,
    /// The gates' external checks (`agate gate` only).
    pub(crate) external: bool,
    /// Findings of other analyzers are dropped; `None` keeps all.
    pub(crate) keep: Option<BTreeSet<String>>,
}

impl Selection {
    /// From `--only`, `--staged` and `--history`; an unknown analyzer is a usage error.
    pub(crate) fn new(args: &ScanArgs) -> anyhow::Result<Selection> {
        let mut only: BTreeSet<String> = args
            .only
            .iter()
            .map(|name| name.trim().to_owned())
            .collect();
        if let Some(unknown) = only.iter().find(|name| !ANALYZERS.contains(&name.as_str())) {
            return Err(Failure::usage(format!(
                "unknown analyzer `{unknown}` in --only; expected one of: {}",
                ANALYZERS.join(", ")
            )));
        }
        if args.staged || args.history.is_some() {
            if only.iter().any(|name| name != "secrets") {
                return Err(Failure::usage(
                    "--staged and --history scan for secrets only; drop the other analyzers from --only",
                ));
            }
            only.insert("secrets".to_owned());
        }
        if only.is_empty() {
            return Ok(Selection {
                rules: true,
                secrets: true,
                deps: true,
                external: !(args.staged || args.history.is_some()),
                keep: None,
            });
        }
        Ok(Selection {
            rules: only.contains("sast") || only.contains("ai-patterns"),
            secrets: only.contains("secrets") || only.contains("ai-patterns"),
            deps: only.contains("deps") || only.contains("ai-patterns"),
            external: only.contains("external"),
            keep: Some(only),
        })
    }

    /// Whether a finding belongs to a selected analyzer. The dependency analyzer's
    /// hallucination findings are AI anti-patterns, and also belong to `--only deps`.
    pub(crate) fn keeps(&self, finding: &agate_model::Finding) -> bool {
        self.keep.as_ref().is_none_or(|keep| {
            keep.contains(finding.analyzer.as_str())
                || keep.contains(agate_deps::DEPS_ANALYZER) && finding.rule_id.starts_with("deps.")
        })
    }
}

/// The bundled secret rules with agate.yaml's allowlist, plus the gitleaks configuration
/// named by `secrets.gitleaks_config` or found as `.gitleaks.toml` in the root.
pub(crate) fn scanner(
    root: &Path,
    policy: &Policy,
) -> anyhow::Result<(SecretScanner, Vec<Notice>)> {
    let settings = policy.secrets();
    let mut rules =
        agate_secrets::bundled_rules().context("the bundled secret rules are broken")?;
    let mut allowlist = Allowlist::compile(
        &AllowlistFile {
            regexes: settings.allowlist_regexes.clone(),
            stopwords: settings.allowlist_stopwords.clone(),
            paths: settings.allowlist_paths.clone(),
        },
        "secrets.allowlist",
    )
    .map_err(|error| Failure::usage(error.to_string()))?;
    for dir in &settings.rule_dirs {
        rules.extend(
            agate_secrets::load_dir(dir)
                .map_err(|error| Failure::usage(format!("{}: {error}", dir.display())))?,
        );
    }
    let mut notices = Vec::new();
    let default = root.join(".gitleaks.toml");
    let gitleaks = settings
        .gitleaks_config
        .clone()
        .or_else(|| default.is_file().then_some(default));
    if let Some(path) = gitleaks {
        // A gitleaks configuration is a configuration: the same bound as agate.yaml.
        let text = agate_fs::read_to_string_bounded(&path, agate_policy::MAX_CONFIG_BYTES)
            .map_err(|error| Failure::usage(error.to_string()))?;
        let imported = agate_secrets::gitleaks::load(&text, &path.display().to_string())
            .map_err(|error| Failure::usage(error.to_string()))?;
        rules.extend(imported.rules);
        allowlist.extend(imported.allowlist);
        notices.extend(imported.skipped.into_iter().map(|message| Notice {
            level: NoticeLevel::Warning,
            path: Some(path.display().to_string()),
            message,
        }));
    }
    let scanner =
        SecretScanner::new(rules, allowlist).map_err(|error| Failure::usage(error.to_string()))?;
    Ok((scanner, notices))
}

/// Scans what `--staged` or `--history` asks for: the staged files or git history.
pub(crate) fn scan_git(
    args: &ScanArgs,
    scanner: &SecretScanner,
    root: &Path,
) -> anyhow::Result<SecretsScan> {
    let history = agate_provenance::History::open(root, agate_provenance::Classifier::builtin())
        .map_err(|error| {
            Failure::usage(format!(
                "--staged and --history need a git repository with a commit: {error}"
            ))
        })?;
    let prefix = crate::commands::scan::root_prefix(&history, root);
    let relative = |path: &str| crate::commands::scan::to_root(&prefix, path).map(str::to_owned);
    let mut scan = SecretsScan::default();
    let mut add = |blob: agate_provenance::Blob| {
        let Some(path) = relative(&blob.path) else {
            return;
        };
        scan.stats.files += 1;
        scan.stats.bytes += blob.data.len() as u64;
        for mut finding in scanner.findings(&path, &blob.data) {
            if let Some(commit) = &blob.commit {
                finding.message = format!(
                    "{} — introduced in {} \"{}\"",
                    finding.message,
                    &commit[..commit.len().min(12)],
                    blob.summary.as_deref().unwrap_or_default()
                )
                .into();
                finding.commit = Some(commit.clone());
            }
            scan.findings.push(finding);
        }
    };
    match &args.history {
        Some(range) => {
            let visited = history
                .introduced::<std::convert::Infallible>(range, |blob| {
                    add(blob);
                    Ok(())
                })
                .map_err(|error| Failure::usage(error.to_string()))?;
            if let Err(never) = visited {
                match never {}
            }
        }
        None => {
            for blob in history
                .staged()
                .map_err(|error| Failure::usage(error.to_string()))?
            {
                add(blob);
            }
        }
    }
    scan.findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(scan)
}

/// Drops a structural hard-coded-credential finding where the secrets analyzer reported
/// the same line: one leak, one finding (the secrets one carries the redacted value).
pub(crate) fn drop_duplicates(findings: &mut Vec<Finding>) {
    let secret_lines: BTreeSet<(agate_model::Text, u32)> = findings
        .iter()
        .filter(|finding| finding.analyzer == agate_secrets::SECRETS_ANALYZER)
        .map(|finding| (finding.location.path.clone(), finding.location.start.line))
        .collect();
    findings.retain(|finding| {
        finding.analyzer == agate_secrets::SECRETS_ANALYZER
            || !finding.cwe.iter().any(|cwe| cwe == "CWE-798")
            || !secret_lines.contains(&(finding.location.path.clone(), finding.location.start.line))
    });
}
