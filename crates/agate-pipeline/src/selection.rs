//! Which engines a run needs (`only`), and which analyzers' findings it keeps.

use std::collections::BTreeSet;

use agate_model::{Analyzer, Finding};

use crate::{PipelineError, Request, Source};

/// Which engines a run needs, and which analyzers' findings it keeps.
#[derive(Debug)]
#[expect(clippy::struct_excessive_bools, reason = "one switch per engine")]
pub(crate) struct Selection {
    /// The structural rules engine (analyzers `sast` and `ai-patterns`).
    pub(crate) rules: bool,
    /// The secrets engine (analyzer `secrets`, and `ai-patterns` for placeholders).
    pub(crate) secrets: bool,
    /// The dependency analyzer.
    pub(crate) deps: bool,
    /// The gates' external checks (gating runs only).
    pub(crate) external: bool,
    /// The test-integrity analyzer (the change's files at the base and now).
    pub(crate) integrity: bool,
    /// The gates' LLM reviews (gating runs only).
    pub(crate) llm: bool,
    /// Findings of other analyzers are dropped; `None` keeps all.
    pub(crate) keep: Option<BTreeSet<Analyzer>>,
}

impl Selection {
    /// From `only` and the source; an analyzer that cannot be selected, or one that cannot
    /// read git's staged files or history, is an error. `--staged` runs the secrets and
    /// test-integrity analyzers, `--history` the secrets analyzer only.
    pub(crate) fn new(request: &Request) -> Result<Selection, PipelineError> {
        let mut only: BTreeSet<Analyzer> = request.only.iter().copied().collect();
        if let Some(unknown) = only
            .iter()
            .find(|analyzer| !Analyzer::SELECTABLE.contains(analyzer))
        {
            return Err(PipelineError::Invalid(format!(
                "analyzer `{unknown}` cannot be selected; expected one of: {}",
                Analyzer::names(&Analyzer::SELECTABLE)
            )));
        }
        let git = request.source != Source::WorkingTree;
        let staged = request.source == Source::Staged;
        if staged {
            if only
                .iter()
                .any(|&analyzer| !matches!(analyzer, Analyzer::Secrets | Analyzer::TestIntegrity))
            {
                return Err(PipelineError::Invalid(
                    "--staged scans for secrets and test integrity only; drop the other analyzers from --only"
                        .to_owned(),
                ));
            }
            if only.is_empty() {
                only.extend([Analyzer::Secrets, Analyzer::TestIntegrity]);
            }
        } else if git {
            if only.iter().any(|&analyzer| analyzer != Analyzer::Secrets) {
                return Err(PipelineError::Invalid(
                    "--history scans for secrets only; drop the other analyzers from --only"
                        .to_owned(),
                ));
            }
            only.insert(Analyzer::Secrets);
        }
        if only.is_empty() {
            return Ok(Selection {
                rules: true,
                secrets: true,
                deps: true,
                external: !git,
                integrity: true,
                llm: !git,
                keep: None,
            });
        }
        let any = |analyzers: &[Analyzer]| analyzers.iter().any(|analyzer| only.contains(analyzer));
        Ok(Selection {
            rules: any(&[Analyzer::Sast, Analyzer::AiPatterns]),
            secrets: any(&[Analyzer::Secrets, Analyzer::AiPatterns]),
            deps: any(&[Analyzer::Deps, Analyzer::AiPatterns]),
            external: only.contains(&Analyzer::External),
            integrity: only.contains(&Analyzer::TestIntegrity),
            llm: only.contains(&Analyzer::Llm),
            keep: Some(only),
        })
    }

    /// Whether the run's analyzers read the files (not only the gates' checks and reviews):
    /// then a run that scanned no file checked nothing.
    pub(crate) fn reads_files(&self) -> bool {
        self.rules || self.secrets || self.deps || self.integrity
    }

    /// Whether a finding belongs to a selected analyzer. The dependency analyzer's
    /// hallucination findings are AI anti-patterns, and also belong to `--only deps`.
    pub(crate) fn keeps(&self, finding: &Finding) -> bool {
        self.keep.as_ref().is_none_or(|keep| {
            keep.contains(&finding.analyzer)
                || keep.contains(&Analyzer::Deps) && finding.rule_id.starts_with("deps.")
        })
    }

    /// Whether the dependency analyzer's own findings (known vulnerabilities) are kept.
    pub(crate) fn keeps_deps(&self) -> bool {
        self.keep
            .as_ref()
            .is_none_or(|keep| keep.contains(&Analyzer::Deps))
    }

    /// The analyzers this run runs and keeps the findings of (the policy's own always).
    pub(crate) fn analyzers(&self) -> Vec<Analyzer> {
        [
            (Analyzer::Sast, self.rules),
            (Analyzer::Secrets, self.secrets),
            (Analyzer::Deps, self.deps),
            (
                Analyzer::AiPatterns,
                self.rules || self.secrets || self.deps,
            ),
            (Analyzer::Policy, true),
            (Analyzer::TestIntegrity, self.integrity),
        ]
        .into_iter()
        .filter(|&(analyzer, runs)| {
            runs && self
                .keep
                .as_ref()
                .is_none_or(|keep| keep.contains(&analyzer))
                || analyzer == Analyzer::Policy
        })
        .map(|(analyzer, _)| analyzer)
        .collect()
    }
}
