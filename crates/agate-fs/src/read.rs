//! Bounded reads of regular files.

use std::io::Read as _;
use std::path::Path;

use crate::{FsError, describe};

/// Reads at most `limit` bytes of the regular file at `path` (symbolic links followed).
///
/// A device, FIFO, socket or directory is refused before it is opened, so `/dev/zero` or a
/// FIFO nobody writes to can neither exhaust memory nor block; a file over `limit` is an
/// error, never silently cut.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FsError> {
    let metadata = std::fs::metadata(path).map_err(|error| FsError::io("read", path, error))?;
    if !metadata.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            kind: describe(metadata.file_type()),
        });
    }
    if metadata.len() > limit {
        return Err(FsError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(|error| FsError::io("read", path, error))?;
    // The file may have been swapped between the check and the open: check what was opened.
    let opened = file
        .metadata()
        .map_err(|error| FsError::io("read", path, error))?;
    if !opened.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            kind: describe(opened.file_type()),
        });
    }
    let mut bytes = Vec::new();
    read_opened(file, path, opened.len(), limit, &mut bytes)?;
    Ok(bytes)
}

/// A thread keeps a read buffer up to this size for the next file; a larger one is freed.
const KEPT_BUFFER_BYTES: usize = 8 * 1024 * 1024;

thread_local! {
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads the file at `path` that a walk listed (at most `limit` bytes) into this thread's
/// read buffer and hands `use_bytes` the bytes or the error: a scan of thousands of files
/// allocates a buffer per thread, not one per file.
///
/// The walk saw a regular file, so the file is opened without a look first: without
/// following a link in the file's own name (a scan path that is a link, or one swapped in
/// since, is refused, not followed) and without blocking (a FIFO swapped in cannot hang the
/// scan); what was opened must be a regular file. A folder on the way swapped for a link
/// since the walk is followed, as any open does.
pub fn with_bounded_read<T>(
    path: &Path,
    limit: u64,
    use_bytes: impl FnOnce(Result<&[u8], FsError>) -> T,
) -> T {
    BUFFER.with(|buffer| {
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            // Called again from inside `use_bytes`: a buffer of its own.
            let mut own = Vec::new();
            let read = read_walked_into(path, limit, &mut own);
            return use_bytes(read.map(|()| own.as_slice()));
        };
        let read = read_walked_into(path, limit, &mut buffer);
        let result = use_bytes(read.map(|()| buffer.as_slice()));
        if buffer.capacity() > KEPT_BUFFER_BYTES {
            *buffer = Vec::new();
        }
        result
    })
}

/// Reads a walked file into `buffer` (see [`with_bounded_read`]).
fn read_walked_into(path: &Path, limit: u64, buffer: &mut Vec<u8>) -> Result<(), FsError> {
    buffer.clear();
    let file = open_walked(path)?;
    let opened = file
        .metadata()
        .map_err(|error| FsError::io("read", path, error))?;
    if !opened.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            kind: describe(opened.file_type()),
        });
    }
    read_opened(file, path, opened.len(), limit, buffer)
}

/// Opens with `O_NOFOLLOW | O_NONBLOCK`. The flag stays on the descriptor; reads of a
/// regular file ignore it on local filesystems.
#[cfg(unix)]
fn open_walked(path: &Path) -> Result<std::fs::File, FsError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|error| {
            // Linux and macOS say ELOOP for a link under O_NOFOLLOW, FreeBSD EMLINK.
            if matches!(error.raw_os_error(), Some(libc::ELOOP | libc::EMLINK)) {
                FsError::NotRegular {
                    path: path.to_path_buf(),
                    kind: "a symbolic link",
                }
            } else {
                FsError::io("read", path, error)
            }
        })
}

/// Elsewhere a look first, then an open: a link swapped in between is followed.
#[cfg(not(unix))]
fn open_walked(path: &Path) -> Result<std::fs::File, FsError> {
    let metadata =
        std::fs::symlink_metadata(path).map_err(|error| FsError::io("read", path, error))?;
    if !metadata.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            kind: describe(metadata.file_type()),
        });
    }
    std::fs::File::open(path).map_err(|error| FsError::io("read", path, error))
}

/// Reads an opened regular file of `length` bytes into `buffer`, at most `limit`.
fn read_opened(
    file: std::fs::File,
    path: &Path,
    length: u64,
    limit: u64,
    buffer: &mut Vec<u8>,
) -> Result<(), FsError> {
    let too_large = || FsError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if length > limit {
        return Err(too_large());
    }
    buffer.reserve(usize::try_from(length).unwrap_or(0));
    let read = file.take(limit.saturating_add(1)).read_to_end(buffer);
    if let Err(error) = read {
        buffer.clear();
        return Err(FsError::io("read", path, error));
    }
    if buffer.len() as u64 > limit {
        buffer.clear();
        return Err(too_large());
    }
    Ok(())
}

/// Reads the regular file at `path` as UTF-8 text, at most `limit` bytes; see
/// [`read_bounded`].
pub fn read_to_string_bounded(path: &Path, limit: u64) -> Result<String, FsError> {
    String::from_utf8(read_bounded(path, limit)?).map_err(|_| FsError::NotText {
        path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_within_the_limit() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("a.yaml");
        std::fs::write(&path, "version: 1\n").unwrap();
        assert_eq!(read_to_string_bounded(&path, 11).unwrap(), "version: 1\n");
    }

    #[test]
    fn the_thread_buffer_holds_each_file_alone_also_when_nested() {
        let folder = tempfile::tempdir().unwrap();
        let (long, short) = (folder.path().join("long"), folder.path().join("short"));
        std::fs::write(&long, "a long first file\n").unwrap();
        std::fs::write(&short, "short\n").unwrap();
        with_bounded_read(&long, 100, |bytes| {
            assert_eq!(bytes.unwrap(), b"a long first file\n");
            // A read from inside a read gets a buffer of its own.
            with_bounded_read(&short, 100, |inner| assert_eq!(inner.unwrap(), b"short\n"));
        });
        // The reused buffer holds the second file only, nothing of the first.
        with_bounded_read(&short, 100, |bytes| assert_eq!(bytes.unwrap(), b"short\n"));
        let error = with_bounded_read(&long, 5, |bytes| bytes.unwrap_err());
        assert!(
            matches!(error, FsError::TooLarge { limit: 5, .. }),
            "{error}"
        );
        assert_eq!(error.reason(), "it is larger than 5 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn a_walked_file_swapped_for_a_link_or_a_fifo_is_refused_without_waiting() {
        let folder = tempfile::tempdir().unwrap();
        let link = folder.path().join("link");
        std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
        let error = with_bounded_read(&link, 100, |bytes| bytes.unwrap_err());
        assert_eq!(error.reason(), "it is a symbolic link, not a regular file");
        let fifo = folder.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Nobody writes to it: a blocking open would hang here.
        let error = with_bounded_read(&fifo, 100, |bytes| bytes.unwrap_err());
        assert!(matches!(error, FsError::NotRegular { .. }), "{error}");
    }

    #[test]
    fn a_file_over_the_limit_is_an_error() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("a.yaml");
        std::fs::write(&path, "version: 1\n").unwrap();
        let error = read_bounded(&path, 10).unwrap_err();
        assert!(
            matches!(error, FsError::TooLarge { limit: 10, .. }),
            "{error}"
        );
    }

    #[test]
    fn a_directory_is_refused_and_a_missing_file_is_not_found() {
        let folder = tempfile::tempdir().unwrap();
        let error = read_bounded(folder.path(), 10).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "`{}` is a directory, not a regular file",
                folder.path().display()
            )
        );
        assert!(
            read_bounded(&folder.path().join("none"), 10)
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_without_reading() {
        // /dev/zero never ends: reading it would exhaust memory.
        let error = read_bounded(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(
            matches!(
                error,
                FsError::NotRegular {
                    kind: "a character device",
                    ..
                }
            ),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_device_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        let link = folder.path().join("config.yaml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(
            read_bounded(&link, 1 << 20).unwrap_err(),
            FsError::NotRegular { .. }
        ));
    }
}
