//! `agate config explain [KEY]`.

use crate::exit::ExitStatus;
use crate::output;

pub(crate) fn explain(
    key: Option<&str>,
    config: Option<&std::path::Path>,
    offline: bool,
) -> anyhow::Result<ExitStatus> {
    let root = std::env::current_dir()?;
    let policy = agate_pipeline::load_policy(&root, config, offline, None, &[])
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
    output::emit(None, |out| {
        for (name, value, origin) in &rows {
            writeln!(out, "{name:<width$}  {value:<24}  # {origin}")?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Pass)
}
