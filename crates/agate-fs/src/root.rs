//! Paths kept under a root.

use std::path::{Path, PathBuf};

use crate::FsError;

/// Resolves `path` (relative to `root`, or absolute) with every component's symbolic links
/// followed, and returns it only when it lies inside `root` (itself resolved).
///
/// `src/etc/passwd` where `src/etc -> /etc` resolves outside and is refused, as are `..`
/// walks and absolute paths elsewhere; a missing path is [`FsError::NotFound`].
pub fn resolve_under(root: &Path, path: &Path) -> Result<PathBuf, FsError> {
    let root = std::fs::canonicalize(root).map_err(|error| FsError::io("resolve", root, error))?;
    let joined = root.join(path);
    let resolved =
        std::fs::canonicalize(&joined).map_err(|error| FsError::io("resolve", &joined, error))?;
    if resolved.starts_with(&root) {
        Ok(resolved)
    } else {
        Err(FsError::OutsideRoot {
            path: path.to_path_buf(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_under_the_root_resolves() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir(folder.path().join("src")).unwrap();
        std::fs::write(folder.path().join("src/app.py"), "x = 1\n").unwrap();
        let resolved = resolve_under(folder.path(), Path::new("src/../src/app.py")).unwrap();
        assert!(resolved.ends_with("src/app.py"));
    }

    #[test]
    fn dot_dot_and_absolute_paths_outside_are_refused() {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(folder.path().join("outside.txt"), "secret\n").unwrap();
        for path in [
            "../outside.txt",
            folder.path().join("outside.txt").to_str().unwrap(),
        ] {
            assert!(
                matches!(
                    resolve_under(&root, Path::new(path)),
                    Err(FsError::OutsideRoot { .. })
                ),
                "{path}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_any_component_that_leaves_the_root_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        let (root, outside) = (folder.path().join("root"), folder.path().join("etc"));
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("passwd"), "root:x:0:0\n").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("src/etclink")).unwrap();
        let error = resolve_under(&root, Path::new("src/etclink/passwd")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`src/etclink/passwd` resolves to a place outside the scan root"
        );
    }

    #[test]
    fn a_missing_path_is_not_found() {
        let folder = tempfile::tempdir().unwrap();
        assert!(
            resolve_under(folder.path(), Path::new("none.py"))
                .unwrap_err()
                .is_not_found()
        );
    }
}
