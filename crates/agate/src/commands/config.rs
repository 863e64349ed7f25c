//! `agate config explain [KEY]`.

use crate::exit::ExitStatus;
use crate::output;

pub(crate) fn explain(
    key: Option<&str>,
    config: Option<&std::path::Path>,
    offline: bool,
) -> anyhow::Result<ExitStatus> {
    let root = std::env::current_dir()?;
    let policy = agate_pipeline::load_policy(
        &root,
        config,
        offline,
        crate::commands::server::policy_token(None).as_ref(),
        None,
        &[],
    )
    .map_err(|error| crate::exit::Failure::usage(error.to_string()))?;
    let rows: Vec<_> = policy
        .explain()
        .into_iter()
        .filter(|(name, _, _)| {
            key.is_none_or(|key| name == key || name.starts_with(&format!("{key}.")))
        })
        .collect();
    let width = rows
        .iter()
        .map(|(name, _, _)| name.len())
        .max()
        .unwrap_or(0);
    let ungated = ungated(&policy);
    output::emit(None, |out| {
        for (name, value, origin) in &rows {
            writeln!(out, "{name:<width$}  {value:<24}  # {origin}")?;
        }
        for line in &ungated {
            writeln!(out, "# warning: {line}")?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Pass)
}

/// For each environment, the analyzers none of its gates judges: their findings would have
/// no gate and never block.
fn ungated(policy: &agate_policy::Policy) -> Vec<String> {
    policy
        .environment_names()
        .filter_map(|name| policy.environment(Some(name)))
        .filter_map(|environment| {
            let ungated = policy.ungated(&environment);
            (!ungated.is_empty()).then(|| {
                format!(
                    "no gate of environment `{}` judges analyzer(s) {}: their findings have no gate and never block",
                    environment.name,
                    ungated
                        .iter()
                        .map(|analyzer| format!("`{analyzer}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect()
}

/// The policy of `root` (its agate.yaml, or the built-in one), as commands that only read it
/// load it: online, no overrides.
pub(crate) fn policy_of(
    root: &std::path::Path,
) -> Result<agate_policy::Policy, agate_pipeline::PipelineError> {
    agate_pipeline::load_policy(
        root,
        None,
        false,
        crate::commands::server::policy_token(None).as_ref(),
        None,
        &[],
    )
}
