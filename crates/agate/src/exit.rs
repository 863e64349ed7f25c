use std::fmt;
use std::process::ExitCode;

/// How `agate` ends; the number is part of its interface with CI systems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// Success; for `agate gate`, nothing blocks.
    Pass = 0,
    /// A gate blocked the change, or `agate rules test` found failing rules.
    Blocked = 1,
    /// Bad usage or configuration (bad flag, unreadable or invalid rule file).
    Usage = 2,
    /// agate could not do its job: an internal error, or files that could not be checked.
    Internal = 3,
    /// Stopped by SIGINT, SIGTERM or SIGHUP (128 + SIGINT, as shells report Ctrl-C).
    Interrupted = 130,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}

/// An error that knows its exit status; anything else exits [`ExitStatus::Internal`].
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: ExitStatus,
    pub(crate) message: String,
}

impl Failure {
    /// A usage or configuration error (exit 2).
    pub(crate) fn usage(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Failure {
            status: ExitStatus::Usage,
            message: message.into(),
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}
