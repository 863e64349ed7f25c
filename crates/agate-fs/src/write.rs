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
/// - A missing path or a regular file: a temporary file beside it is written, synced and
///   renamed into place, so readers see the old file or the new one, never half of one. A
///   replaced file keeps its permissions; a new one is readable by all (`0644`), as reports
///   and baselines are meant to be.
/// - A symbolic link to a regular file, or a dangling one, is replaced by the new file and
///   never written through: a link a change planted where a pipeline writes its report
///   (`agate.sarif -> ~/.bashrc`) cannot redirect the write outside the folder.
/// - A character device, FIFO or socket (`/dev/null`, `/dev/stdout`, a pipe), also through
///   a link: written directly, never replaced.
/// - A directory or a block device: an error.
pub fn write_atomic(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FsError> {
    let existing = match std::fs::symlink_metadata(path) {
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(FsError::io("write", path, error)),
    };
    let Some(existing) = existing else {
        return replace(path, None, render);
    };
    // What the path leads to; a dangling link leads nowhere, and is simply replaced.
    let target = if existing.file_type().is_symlink() {
        std::fs::metadata(path).ok()
    } else {
        Some(existing.clone())
    };
    match target {
        None => replace(path, None, render),
        Some(metadata) if metadata.is_file() => {
            // Only a regular file's own permissions carry over, never a link target's.
            let kept = (!existing.file_type().is_symlink()).then_some(&metadata);
            replace(path, kept, render)
        }
        Some(metadata) if metadata.is_dir() || is_block_device(&metadata) => {
            Err(FsError::NotRegular {
                path: path.to_path_buf(),
                kind: describe(metadata.file_type()),
            })
        }
        Some(_) => write_directly(path, render),
    }
}

/// Whether `metadata` is a block device (a disk), which a report must never be written to.
fn is_block_device(metadata: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        metadata.file_type().is_block_device()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        false
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
    fn issue_7_a_link_is_replaced_never_written_through() {
        // A change may plant `agate.sarif -> somewhere` where the pipeline writes its report.
        let folder = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        let link = folder.path().join("agate.sarif");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        write(&link, "report").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "report");
        // A dangling link creates nothing where it points.
        let missing = outside.path().join("created");
        let dangling = folder.path().join("a.json");
        std::os::unix::fs::symlink(&missing, &dangling).unwrap();
        write(&dangling, "report").unwrap();
        assert!(!missing.exists());
        assert!(std::fs::symlink_metadata(&dangling).unwrap().is_file());
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

/// Creates `path` readable by its owner only (`0600` on Unix) and writes `bytes` into it:
/// for a private key. An existing file or link is never replaced (`AlreadyExists`); a
/// partly written file is removed.
pub fn create_private(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|error| FsError::io("create", path, error))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(error) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(FsError::io("write", path, error));
    }
    Ok(())
}

#[cfg(test)]
mod private_tests {
    use super::*;

    #[test]
    fn a_private_file_is_the_owners_alone_and_never_replaces_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        create_private(&path, b"secret").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = create_private(&path, b"other").unwrap_err();
        assert!(again.to_string().contains("key"), "{again}");
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
            assert!(
                create_private(&link, b"x").is_err(),
                "a dangling link is not followed"
            );
            assert!(!dir.path().join("elsewhere").exists());
        }
    }
}
