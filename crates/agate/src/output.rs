//! Everything that touches standard output, standard error and report files.
#![expect(
    clippy::print_stderr,
    reason = "the one place agate writes diagnostics"
)]

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context as _;

use crate::args::ColorArg;

/// Prints an error the way every agate error looks: `error: …` on standard error.
pub(crate) fn error(message: &str) {
    eprintln!("error: {message}");
}

/// Prints a line for the person watching the console, on standard error.
pub(crate) fn note(message: &str) {
    eprintln!("{message}");
}

/// Returns true when `error` is a closed pipe (`agate scan | head`), which is not a failure.
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Decides whether terminal output on standard output gets colour: `--color`, then
/// `NO_COLOR`/`CLICOLOR_FORCE`, then whether standard output is a terminal.
pub(crate) fn stdout_color(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => !matches!(
            anstream::AutoStream::choice(&io::stdout()),
            anstream::ColorChoice::Never
        ),
    }
}

/// Writes `render`'s output to `path` atomically (a temporary file in the same folder,
/// renamed over the target), or to standard output when `path` is `None`.
pub(crate) fn emit(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut lock = io::BufWriter::new(stdout.lock());
            render(&mut lock)?;
            lock.flush()?;
        }
        Some(path) => {
            let folder = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            let mut file = tempfile::NamedTempFile::new_in(folder)
                .with_context(|| format!("cannot create a file in `{}`", folder.display()))?;
            {
                let mut writer = io::BufWriter::new(file.as_file_mut());
                render(&mut writer)?;
                writer.flush()?;
            }
            file.as_file().sync_all()?;
            #[cfg(unix)]
            {
                // Temporary files are private; a report is meant to be read (CI artifacts).
                use std::os::unix::fs::PermissionsExt as _;
                file.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
            file.persist(path)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
    }
    Ok(())
}
