//! The file access rules every agate crate follows.
//!
//! agate reads files a hostile change may have planted (configuration, baselines, reports,
//! rules) and writes reports where a pipeline tells it to. Three rules keep that safe:
//!
//! - **Reads are bounded and regular.** [`read_bounded`] refuses anything that is not a
//!   regular file (a device such as `/dev/zero`, a FIFO, a directory) before opening it, and
//!   never reads more than its limit, so no input can exhaust memory or block the run.
//!   [`with_bounded_read`], for the files a walk listed, opens without a look first (the walk
//!   looked): without following a link in the file's own name and without blocking, then
//!   refuses what is not a regular file.
//! - **Paths stay under the root.** [`resolve_under`] resolves every component of a path,
//!   symbolic links included, and answers only when the result is inside the root, so a link
//!   such as `src/etc -> /etc` cannot pull outside files into a report.
//! - **Writes replace only regular files.** [`write_atomic`] writes a temporary file beside
//!   a regular (or missing) target and renames it into place, so a crash never leaves half a
//!   file; a symbolic link there is replaced, never written through; a device, a FIFO or
//!   `/dev/stdout` is written directly and never replaced.
//!
//! This crate knows nothing of agate's data; it only does I/O.
//!
//! ```
//! # let folder = tempfile::tempdir().unwrap();
//! let path = folder.path().join("report.json");
//! agate_fs::write_atomic(&path, |out| out.write_all(b"{}"))?;
//! assert_eq!(agate_fs::read_bounded(&path, 1024)?, b"{}");
//! # Ok::<(), agate_fs::FsError>(())
//! ```
#![warn(missing_docs)]

mod read;
mod root;
mod write;

pub use read::{read_bounded, read_to_string_bounded, with_bounded_read};
pub use root::resolve_under;
pub use write::{create_private, remove_unfinished, write_atomic};

use std::path::PathBuf;

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FsError {
    /// The path does not exist.
    #[error("`{path}` does not exist")]
    NotFound {
        /// The path asked for.
        path: PathBuf,
    },
    /// The path is a device, FIFO, socket or directory where a regular file is needed.
    #[error("`{path}` is {kind}, not a regular file")]
    NotRegular {
        /// The path asked for.
        path: PathBuf,
        /// What it is instead, e.g. `a directory`.
        kind: &'static str,
    },
    /// The file is larger than the limit for its kind.
    #[error("`{path}` is larger than {limit} bytes, the limit for this kind of file")]
    TooLarge {
        /// The path asked for.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("`{path}` is not UTF-8 text")]
    NotText {
        /// The path asked for.
        path: PathBuf,
    },
    /// The path resolves (through `..` or a symbolic link) to a place outside the root.
    #[error("`{path}` resolves to a place outside the scan root")]
    OutsideRoot {
        /// The path asked for.
        path: PathBuf,
    },
    /// Any other I/O error.
    // Shown inline, not as a `source`: an error chain would print the cause twice.
    #[error("cannot {action} `{path}`: {error}")]
    Io {
        /// What was being done: `read`, `write`, `create a file in`.
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
}

impl FsError {
    /// What went wrong, without the path: for messages that name the file already.
    pub fn reason(&self) -> String {
        match self {
            FsError::NotFound { .. } => "it does not exist".to_owned(),
            FsError::NotRegular { kind, .. } => format!("it is {kind}, not a regular file"),
            FsError::TooLarge { limit, .. } => format!("it is larger than {limit} bytes"),
            FsError::NotText { .. } => "it is not UTF-8 text".to_owned(),
            FsError::OutsideRoot { .. } => {
                "it resolves to a place outside the scan root".to_owned()
            }
            FsError::Io { error, .. } => error.kind().to_string(),
        }
    }

    /// Whether the error is a missing file (callers often treat it as empty).
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::NotFound { .. })
    }

    pub(crate) fn io(
        action: &'static str,
        path: &std::path::Path,
        source: std::io::Error,
    ) -> FsError {
        if source.kind() == std::io::ErrorKind::NotFound {
            FsError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            FsError::Io {
                action,
                path: path.to_path_buf(),
                error: source,
            }
        }
    }
}

/// Names a file type that is not a regular file, e.g. `a character device`, for messages.
pub fn describe(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}
