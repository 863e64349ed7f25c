//! Issue [7]: reports written over special files, code hidden as minified or binary, file
//! names that fake report lines, temporary files left by an interrupted run.

use std::path::Path;

use crate::{VULNERABLE_PY, agate, tree};

#[cfg(unix)]
fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    std::fs::metadata(path).is_ok_and(|metadata| metadata.file_type().is_char_device())
}

#[cfg(unix)]
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink())
}

/// The names of the files in `dir` that start with `prefix`.
fn leftovers(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

#[cfg(unix)]
#[test]
fn issue_7_output_never_replaces_a_device_or_a_link_to_one() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let scan_to = |target: &Path| {
        let output = agate(dir.path())
            .args(["scan", "--format", "json", "--output"])
            .arg(target)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
    };
    scan_to(Path::new("/dev/null"));
    assert!(is_char_device(Path::new("/dev/null")));
    // A link to a device stays a link, and no temporary file is left beside it.
    let link = dir.path().join("report.json");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    scan_to(&link);
    assert!(is_symlink(&link), "the link was replaced");
    assert!(is_char_device(&link));
    assert!(leftovers(dir.path(), ".").is_empty());
    // A device node of the test's own (root only): written, never renamed over.
    let node = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .output()
        .is_ok_and(|output| output.status.success());
    if made {
        scan_to(&node);
        assert!(is_char_device(&node), "the device became a regular file");
    }
}

#[cfg(unix)]
#[test]
fn issue_7_output_to_dev_stdout_reaches_standard_output() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let output = agate(dir.path())
        .args(["scan", "--format", "json", "--output", "/dev/stdout"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "py.subprocess-shell-true");
}
