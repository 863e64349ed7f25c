//! `agate init`: a commented agate.yaml for the languages found here.

use agate_lang::{Language, WalkOptions, walk};

use crate::exit::{ExitStatus, Failure};
use crate::output;

pub(crate) fn run(force: bool) -> anyhow::Result<ExitStatus> {
    let root = std::env::current_dir()?;
    let path = root.join("agate.yaml");
    if path.exists() && !force {
        return Err(Failure::usage(
            "agate.yaml already exists\n  help: pass --force to overwrite it",
        ));
    }
    let found = walk(&root, std::slice::from_ref(&root), &WalkOptions::default());
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

# Gates group analyzers: sast (security rules), ai-patterns (AI anti-patterns), policy
# (problems with suppressions). `gates.NAME: off` turns one off.
gates:
  security: { analyzers: [sast] }
  provenance-lint: { analyzers: [ai-patterns, policy] }

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
