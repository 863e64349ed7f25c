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
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| FsError::io("read", path, error))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
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
