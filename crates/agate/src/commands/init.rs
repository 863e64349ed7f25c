//! `agate init`: a commented agate.yaml for the languages found here.

use agate_lang::{Language, WalkOptions, walk};

use crate::args::CiSystem;
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// `agate init [--ci SYSTEM]`.
pub(crate) fn run(force: bool, ci: Option<CiSystem>) -> anyhow::Result<ExitStatus> {
    let root = std::env::current_dir()?;
    let Some(system) = ci else {
        return write_policy(&root, force);
    };
    let (file, text) = pipeline(system);
    let path = root.join(file);
    if path.exists() && !force {
        return Err(Failure::usage(format!(
            "{file} already exists\n  help: pass --force to overwrite it, or merge agate's job from docs/ci.md into it"
        )));
    }
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent)?;
    }
    crate::output::emit(Some(&path), |out| out.write_all(text.as_bytes()))?;
    output::note(&if system == CiSystem::Argocd {
        format!(
            "wrote {file}: a PreSync hook that verifies the synced revision's attestations; fill in its ConfigMap and Secret (docs/attestations.md)"
        )
    } else {
        format!(
            "wrote {file}: dev on every push, staging on pull/merge requests to main, production on release tags"
        )
    });
    if root.join("agate.yaml").exists() {
        Ok(ExitStatus::Pass)
    } else {
        write_policy(&root, false)
    }
}

/// The pipeline file for a CI system and its text (the templates in `templates/`).
pub(crate) fn pipeline(system: CiSystem) -> (&'static str, &'static str) {
    match system {
        CiSystem::Github => (
            ".github/workflows/agate.yml",
            include_str!("../../../../templates/github/agate.yml"),
        ),
        CiSystem::Gitlab => (
            ".gitlab-ci.yml",
            include_str!("../../../../templates/gitlab/agate.gitlab-ci.yml"),
        ),
        CiSystem::Jenkins => (
            "Jenkinsfile",
            include_str!("../../../../templates/jenkins/Jenkinsfile"),
        ),
        CiSystem::Tekton => (
            ".tekton/agate.yaml",
            include_str!("../../../../templates/tekton/agate.yaml"),
        ),
        CiSystem::Argo => (
            ".argo/agate.yaml",
            include_str!("../../../../templates/argo/agate.yaml"),
        ),
        CiSystem::Argocd => (
            ".argocd/agate-presync.yaml",
            include_str!("../../../../templates/argocd/agate-presync.yaml"),
        ),
    }
}

/// Writes a commented agate.yaml for the languages found in `root`.
fn write_policy(root: &std::path::Path, force: bool) -> anyhow::Result<ExitStatus> {
    let path = root.join("agate.yaml");
    if path.exists() && !force {
        return Err(Failure::usage(
            "agate.yaml already exists\n  help: pass --force to overwrite it",
        ));
    }
    let found = walk(root, &[root.to_path_buf()], &WalkOptions::default());
    let mut languages: Vec<&str> = found
        .files
        .iter()
        .map(|file| match file.language {
            Language::Python => "Python",
            Language::JavaScript | Language::TypeScript | Language::Tsx => "JavaScript/TypeScript",
            Language::Java => "Java",
        })
        .collect();
    languages.sort_unstable();
    languages.dedup();
    let detected = if languages.is_empty() {
        "none yet".to_owned()
    } else {
        languages.join(", ")
    };
    let text = TEMPLATE.replace("{languages}", &detected);
    crate::output::emit(Some(&path), |out| out.write_all(text.as_bytes()))?;
    output::note(&format!(
        "wrote agate.yaml (languages found: {detected}); `agate config explain` shows the result"
    ));
    Ok(ExitStatus::Pass)
}

const TEMPLATE: &str = r#"# agate policy. Reference: docs/config.md. Languages found: {languages}.
version: 1

# Parent policies, org first; a parent's `locked` keys can be tightened here, never loosened.
# extends: [../org-policy/agate.yaml]

# How strict each tier is. `ai`: AI-authored lines (inline `agate: ai-generated` markers,
# `ai_paths`); `new`: lines changed since `agate gate --base REF`; `legacy`: the rest.
tiers:
  ai:     { block_at: low,    baseline: forbidden, suppress: allowed }
  new:    { block_at: medium, baseline: allowed,   suppress: allowed }
  legacy: { block_at: high,   baseline: allowed,   suppress: allowed }

# Gates group analyzers: sast (security rules), secrets, deps (vulnerable, unknown and
# typosquatted packages), ai-patterns (AI anti-patterns), policy (problems with
# suppressions), test-integrity (tests the change deletes, skips or weakens).
# `gates.NAME: off` turns one off.
gates:
  functional: { analyzers: [test-integrity] }
  security:
    analyzers: [sast, secrets, deps]
    # Tools you already run, read from SARIF or their JSON (docs/external.md):
    # external:
    #   - name: semgrep
    #     run: ["semgrep", "scan", "--sarif", "--output", "{out}", "--metrics=off", "--config", "p/ci"]
    #     format: sarif
  provenance-lint: { analyzers: [ai-patterns, policy] }
  # Your tests as a gate (JUnit XML; failures block, no test run blocks):
  # tests:
  #   external:
  #     - name: pytest
  #       run: ["pytest", "--junitxml={out}"]
  #       format: junit

# `agate gate --env NAME` runs an environment's gates; warn mode reports without blocking.
environments:
  dev: { gates: all, mode: warn }
  staging: { gates: all, mode: block }
  production: { gates: all, mode: block }

# Per-rule settings: `off`, or a severity and paths.
# rules:
#   py.mutable-default-argument: off
#   py.broad-except-swallowed: { severity: high, exclude: ["tests/**"] }

# Files whose every line counts as AI-authored.
# ai_paths: ["generated/ai/**"]

# Paths never scanned (gitignore globs).
# ignore: ["migrations/**"]
"#;
