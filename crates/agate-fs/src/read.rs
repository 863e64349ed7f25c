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
    let mut bytes = Vec::new();
    read_bounded_into(path, limit, &mut bytes)?;
    Ok(bytes)
}

/// Reads the regular file at `path` into `buffer`, as [`read_bounded`] does: `buffer` is
/// cleared first and its capacity reused, so a thread that reads many files allocates (and
/// the kernel maps fresh pages) only for the largest. On error `buffer` is left empty.
pub fn read_bounded_into(path: &Path, limit: u64, buffer: &mut Vec<u8>) -> Result<(), FsError> {
    buffer.clear();
    let metadata = std::fs::metadata(path).map_err(|error| FsError::io("read", path, error))?;
    if !metadata.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            kind: describe(metadata.file_type()),
        });
    }
    let too_large = || FsError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if metadata.len() > limit {
        return Err(too_large());
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
    buffer.reserve(usize::try_from(opened.len().min(limit)).unwrap_or(0));
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

/// A thread keeps a read buffer up to this size for the next file; a larger one is freed.
const KEPT_BUFFER_BYTES: usize = 8 * 1024 * 1024;

thread_local! {
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads the regular file at `path` (at most `limit` bytes, see [`read_bounded`]) into this
/// thread's read buffer and hands `use_bytes` the bytes or the error: a scan of thousands of
/// files allocates a buffer per thread, not one per file.
pub fn with_bounded_read<T>(
    path: &Path,
    limit: u64,
    use_bytes: impl FnOnce(Result<&[u8], FsError>) -> T,
) -> T {
    BUFFER.with(|buffer| {
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            // Called again from inside `use_bytes`: a buffer of its own.
            let mut own = Vec::new();
            let read = read_bounded_into(path, limit, &mut own);
            return use_bytes(read.map(|()| own.as_slice()));
        };
        let read = read_bounded_into(path, limit, &mut buffer);
        let result = use_bytes(read.map(|()| buffer.as_slice()));
        if buffer.capacity() > KEPT_BUFFER_BYTES {
            *buffer = Vec::new();
        }
        result
    })
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
