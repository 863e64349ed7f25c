//! The secrets analyzer: the scanner built from the bundled rules, agate.yaml's allowlist
//! and a gitleaks configuration, and the git sources it reads — the staged files or
//! history. (The working tree is walked once in `analyze.rs`, for secrets and dependencies
//! together.)

use std::collections::BTreeSet;
use std::path::Path;

use agate_model::{Analyzer, Finding, Notice, NoticeLevel};
use agate_policy::Policy;
use agate_secrets::{Allowlist, AllowlistFile, SecretScanner, SecretsScan};

use crate::change::{root_prefix, to_root};
use crate::{PipelineError, Source};

/// The bundled secret rules with agate.yaml's allowlist, plus the gitleaks configuration
/// named by `secrets.gitleaks_config` or found as `.gitleaks.toml` in the root.
pub(crate) fn scanner(
    root: &Path,
    policy: &Policy,
) -> Result<(SecretScanner, Vec<Notice>), PipelineError> {
    let settings = policy.secrets();
    let mut rules = agate_secrets::bundled_rules().map_err(|error| {
        PipelineError::Failed(format!("the bundled secret rules are broken: {error}"))
    })?;
    let mut allowlist = Allowlist::compile(
        &AllowlistFile {
            regexes: settings.allowlist_regexes.clone(),
            stopwords: settings.allowlist_stopwords.clone(),
            paths: settings.allowlist_paths.clone(),
        },
        "secrets.allowlist",
    )
    .map_err(PipelineError::invalid)?;
    for dir in &settings.rule_dirs {
        rules.extend(
            agate_secrets::load_dir(dir)
                .map_err(|error| PipelineError::Invalid(format!("{}: {error}", dir.display())))?,
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
            .map_err(PipelineError::invalid)?;
        let imported = agate_secrets::gitleaks::load(&text, &path.display().to_string())
            .map_err(PipelineError::invalid)?;
        rules.extend(imported.rules);
        allowlist.extend(imported.allowlist);
        notices.extend(imported.skipped.into_iter().map(|message| Notice {
            level: NoticeLevel::Warning,
            path: Some(path.display().to_string()),
            message,
        }));
    }
    let scanner = SecretScanner::new(rules, allowlist).map_err(PipelineError::invalid)?;
    Ok((scanner, notices))
}

/// Scans what `--staged` or `--history` asks for: the staged files or git history.
pub(crate) fn scan_git(
    source: &Source,
    scanner: &SecretScanner,
    root: &Path,
) -> Result<SecretsScan, PipelineError> {
    let history = agate_provenance::History::open(root, agate_provenance::Classifier::builtin())
        .map_err(|error| {
            PipelineError::Invalid(format!(
                "--staged and --history need a git repository with a commit: {error}"
            ))
        })?;
    let prefix = root_prefix(&history, root);
    let relative = |path: &str| to_root(&prefix, path).map(str::to_owned);
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
    match source {
        Source::History(range) => {
            let visited = history
                .introduced::<std::convert::Infallible>(range, |blob| {
                    add(blob);
                    Ok(())
                })
                .map_err(PipelineError::invalid)?;
            if let Err(never) = visited {
                match never {}
            }
        }
        Source::Staged | Source::WorkingTree => {
            for blob in history.staged().map_err(PipelineError::invalid)? {
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
        .filter(|finding| finding.analyzer == Analyzer::Secrets)
        .map(|finding| (finding.location.path.clone(), finding.location.start.line))
        .collect();
    findings.retain(|finding| {
        finding.analyzer == Analyzer::Secrets
            || !finding.cwe.iter().any(|cwe| cwe == "CWE-798")
            || !secret_lines.contains(&(finding.location.path.clone(), finding.location.start.line))
    });
}
