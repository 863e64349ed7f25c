//! `agate completions SHELL` and `agate man`: generated from the argument definitions, so
//! they never drift from `agate --help`.

use std::io::Write as _;

use anyhow::Context as _;
use clap::CommandFactory as _;

use crate::args::Cli;
use crate::exit::ExitStatus;

/// Writes the completion script for `shell` to standard output.
pub(crate) fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitStatus> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "agate", &mut script);
    write_stdout(&script)
}

/// Writes the manual page, agate(1), to standard output.
pub(crate) fn man() -> anyhow::Result<ExitStatus> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .date(env!("AGATE_BUILD_DATE"))
        .render(&mut page)
        .context("cannot render the manual page")?;
    write_stdout(&page)
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitStatus> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")?;
    Ok(ExitStatus::Pass)
}
