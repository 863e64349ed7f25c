//! Atomic writes that never replace a special file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{FsError, describe};

/// Temporary files being written, removed by [`remove_unfinished`] when the process is
/// told to stop before it renamed them into place.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Writes `render`'s output to `path`.
///
/// - A missing path or a regular file (also through a symbolic link, which stays a link):
///   a temporary file beside it is written, synced and renamed into place, so readers see
///   the old file or the new one, never half of one. A replaced file keeps its permissions;
///   a new one is readable by all (`0644`), as reports and baselines are meant to be.
/// - A character device, FIFO or socket (`/dev/null`, `/dev/stdout`, a pipe): written
///   directly, never replaced.
/// - A directory: an error.
pub fn write_atomic(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FsError> {
    let target = match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Some((resolve_link(path)?, Some(metadata))),
        Ok(metadata) if metadata.is_dir() => {
            return Err(FsError::NotRegular {
                path: path.to_path_buf(),
                kind: describe(metadata.file_type()),
            });
        }
        Ok(_) => None,
        // A dangling link is written through, like any other missing target.
        Err(error) if error.kind() == io::ErrorKind::NotFound => Some((resolve_link(path)?, None)),
        Err(error) => return Err(FsError::io("write", path, error)),
    };
    match target {
        None => write_directly(path, render),
        Some((target, existing)) => replace(&target, existing.as_ref(), render),
    }
}

/// Removes the temporary files of writes still in progress; for a signal handler, so an
/// interrupted run leaves no hidden partial files behind.
pub fn remove_unfinished() {
    let unfinished = UNFINISHED.lock().map_or_else(
        |poisoned| poisoned.into_inner().clone(),
        |list| list.clone(),
    );
    for path in unfinished {
        let _ = std::fs::remove_file(path);
    }
}

/// Where a path that is a symbolic link points, so the link survives the write.
fn resolve_link(path: &Path) -> Result<PathBuf, FsError> {
    let mut path = path.to_path_buf();
    // A bounded walk: a link loop is an error, not a hang.
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(target) => {
                path = match path.parent() {
                    Some(parent) => parent.join(target),
                    None => target,
                };
            }
            Err(_) => return Ok(path),
        }
    }
    Err(FsError::io(
        "write",
        &path,
        io::Error::other("too many levels of symbolic links"),
    ))
}

fn write_directly(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FsError> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|error| FsError::io("write", path, error))?;
    let mut writer = io::BufWriter::new(file);
    render(&mut writer)
        .and_then(|()| writer.flush())
        .map_err(|error| FsError::io("write", path, error))
}

fn replace(
    target: &Path,
    existing: Option<&std::fs::Metadata>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FsError> {
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".agate-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(|error| FsError::io("create a file in", folder, error))?;
    let temporary = file.path().to_path_buf();
    track(&temporary, true);
    let written = (|| {
        let mut writer = io::BufWriter::new(file.as_file_mut());
        render(&mut writer)?;
        writer.flush()?;
        drop(writer);
        set_permissions(file.as_file(), existing)?;
        file.as_file().sync_all()
    })();
    let result = written
        .map_err(|error| FsError::io("write", target, error))
        .and_then(|()| {
            file.persist(target)
                .map(drop)
                .map_err(|error| FsError::io("write", target, error.error))
        });
    track(&temporary, false);
    result
}

/// Gives a replacing file the permissions of the file it replaces, a new one `0644`
/// (temporary files start private; reports and baselines are meant to be read).
fn set_permissions(file: &std::fs::File, existing: Option<&std::fs::Metadata>) -> io::Result<()> {
    if let Some(existing) = existing {
        return file.set_permissions(existing.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(())
}

fn track(path: &Path, writing: bool) {
    let mut list = UNFINISHED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if writing {
        list.push(path.to_path_buf());
    } else {
        list.retain(|known| known != path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) -> Result<(), FsError> {
        write_atomic(path, |out| out.write_all(text.as_bytes()))
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_and_a_replaced_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("baseline.json");
        write(&path, "{}").unwrap();
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, "{\"a\": 1}").unwrap();
        assert_eq!(mode(&path), 0o640);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\": 1}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_regular_file_stays_a_link() {
        let folder = tempfile::tempdir().unwrap();
        let (real, link) = (
            folder.path().join("real.json"),
            folder.path().join("link.json"),
        );
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write(&link, "new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_character_device_is_written_not_replaced() {
        // /dev/null is the one device every machine has; writing it must leave it a device.
        use std::os::unix::fs::FileTypeExt as _;
        write(Path::new("/dev/null"), "report").unwrap();
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let folder = tempfile::tempdir().unwrap();
        let link = folder.path().join("out.json");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        write(&link, "report").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_directly() {
        let folder = tempfile::tempdir().unwrap();
        let fifo = folder.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write(&fifo, "through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe");
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(
            &std::fs::metadata(&fifo).unwrap().file_type()
        ));
    }

    #[test]
    fn a_directory_is_an_error_and_a_failed_render_leaves_nothing() {
        let folder = tempfile::tempdir().unwrap();
        assert!(matches!(
            write(folder.path(), "x").unwrap_err(),
            FsError::NotRegular {
                kind: "a directory",
                ..
            }
        ));
        let path = folder.path().join("report.json");
        let failed = write_atomic(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("renderer failed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
        let unfinished = UNFINISHED.lock().unwrap();
        assert!(
            !unfinished
                .iter()
                .any(|path| path.starts_with(folder.path()))
        );
    }
}
