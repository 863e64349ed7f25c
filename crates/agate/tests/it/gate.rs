use crate::{SAFE_PY, VULNERABLE_PY, agate, exit_code, tree};

#[test]
fn gate_blocks_on_high_findings() {
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("environment `default`: blocked by security"),
        "{stdout}"
    );
}

#[test]
fn gate_passes_safe_code_and_respects_block_at() {
    let dir = tree(&[("app.py", SAFE_PY), ("web/app.py", VULNERABLE_PY)]);
    let output = agate(dir.path()).args(["gate", "app.py"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let output = agate(dir.path())
        .args(["gate", "web", "--block-at", "critical"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "shell=True with data is critical"
    );
}

#[test]
fn gate_with_nothing_to_scan_fails_closed() {
    // Binary files are not scanned, not even for secrets.
    let dir = tree(&[("logo.png", "\u{0}PNG\u{0}\u{0}")]);
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    // A text file is scanned for secrets: the gate checked something.
    std::fs::write(dir.path().join("README.md"), "# nothing here\n").unwrap();
    let output = agate(dir.path()).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn gate_skips_vendored_trees_unless_asked() {
    let dir = tree(&[
        ("node_modules/x/index.js", "eval(req.body.code);\n"),
        ("app.py", SAFE_PY),
    ]);
    assert_eq!(exit_code(dir.path(), &["gate"]), Some(0));
    let output = agate(dir.path())
        .args(["gate", "--include-vendored"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tree(&[]);
    let output = agate(dir.path())
        .args(["gate", "--block-at", "severe"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
