//! Everything that touches standard output, standard error and report files.
#![expect(
    clippy::print_stderr,
    reason = "the one place agate writes diagnostics"
)]

use std::io::{self, Write};
use std::path::Path;

use crate::args::ColorArg;

/// Prints an error the way every agate error looks: `error: …` on standard error. Control
/// characters and escape sequences (a file name may carry them) are spelled out.
pub(crate) fn error(message: &str) {
    let message = redact(message);
    eprintln!("error: {}", agate_report::escape_lines(&message));
}

/// The secrets engine with the bundled rules alone, compiled on first use: what redacts
/// text that comes before (or without) a policy — errors, `report convert`, a baseline's
/// `--reason`. `None` only if the bundled rules are broken, which their tests rule out.
pub(crate) fn bundled_secrets() -> Option<&'static agate_secrets::SecretScanner> {
    static SECRETS: std::sync::OnceLock<Option<agate_secrets::SecretScanner>> =
        std::sync::OnceLock::new();
    SECRETS
        .get_or_init(|| {
            let rules = agate_secrets::bundled_rules().ok()?;
            agate_secrets::SecretScanner::new(rules, agate_secrets::Allowlist::default()).ok()
        })
        .as_ref()
}

/// Hides secrets in text a person typed or an error quotes: a configuration value, a rule
/// id or a URL may be a token (`rules: {ghp_…: off}`, `?token=…` in an `extends` URL), and
/// so may a baseline's `--reason`.
pub(crate) fn redact(message: &str) -> std::borrow::Cow<'_, str> {
    match bundled_secrets() {
        Some(secrets) => secrets.redact_tool_output(message),
        // Without the rules, show nothing quoted.
        None => std::borrow::Cow::Borrowed(
            "agate could not load its secret rules to print this error safely",
        ),
    }
}

/// Prints a line for the person watching the console, on standard error, with control
/// characters and escape sequences spelled out.
pub(crate) fn note(message: &str) {
    eprintln!("{}", agate_report::escape_lines(message));
}

/// Rewrites the progress line on standard error (a terminal: the caller checks).
pub(crate) fn progress(line: &str) {
    eprint!("\r\x1b[2K{}", agate_report::escape_lines(line));
}

/// Ends the progress line.
pub(crate) fn progress_done() {
    eprint!("\r\x1b[2K");
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

/// Writes `render`'s output to standard output when `path` is `None`, else to `path`:
/// atomically over a regular (or missing) file or a link (replaced, never written
/// through), directly into a device, FIFO or `/dev/stdout`, which are never replaced (see
/// [`agate_fs::write_atomic`]). A directory or a disk as `--output` is a usage error.
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
        Some(path) => agate_fs::write_atomic(path, render).map_err(|error| match error {
            agate_fs::FsError::NotRegular { .. } => crate::exit::Failure::usage(format!(
                "{error}\n  help: give --output a file name (a report is one file)"
            )),
            error => error.into(),
        })?,
    }
    Ok(())
}
