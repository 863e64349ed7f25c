//! `agate fix`: the rules' fixes shown as a diff, or written with `--apply`.

use std::path::Path;

use crate::{agate, tree};

const UNSAFE_YAML: &str = "import yaml\n\n\ndef read(text):\n    return yaml.load(text)\n";
const SAFE_YAML: &str = "import yaml\n\n\ndef read(text):\n    return yaml.safe_load(text)\n";

/// A rule of the test's own: `eval($X)` becomes `$FIX`.
fn eval_rule(id: &str, fix: &str) -> String {
    format!(
        "id: {id}\nlanguage: python\nmessage: eval of `$X`\nrule: {{ pattern: eval($X) }}\nfix: {fix}\nmetadata: {{ severity: high, confidence: high, cwe: [CWE-95] }}\n"
    )
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn issue_9_fix_shows_the_diff_and_exits_1_without_writing() {
    let dir = tree(&[("app.py", UNSAFE_YAML)]);
    let output = agate(dir.path()).arg("fix").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("--- a/app.py\n+++ b/app.py\n@@ "),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-    return yaml.load(text)\n+    return yaml.safe_load(text)\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("agate: 1 fix in 1 file; run `agate fix --apply` to write them"),
        "{stderr}"
    );
    assert_eq!(read(dir.path(), "app.py"), UNSAFE_YAML);
}

#[test]
fn issue_9_fix_apply_writes_the_fixes_and_keeps_the_mode() {
    let dir = tree(&[
        ("app.py", UNSAFE_YAML),
        (
            "web/client.js",
            "const https = require(\"https\");\nconst agent = new https.Agent({ rejectUnauthorized: false });\n",
        ),
        ("clean.py", "print(1)\n"),
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let permissions = std::fs::Permissions::from_mode(0o640);
        std::fs::set_permissions(dir.path().join("app.py"), permissions).unwrap();
    }
    let output = agate(dir.path()).args(["fix", "--apply"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("agate: applied 2 fixes in 2 files"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(read(dir.path(), "app.py"), SAFE_YAML);
    assert_eq!(
        read(dir.path(), "web/client.js"),
        "const https = require(\"https\");\nconst agent = new https.Agent({ rejectUnauthorized: true });\n"
    );
    assert_eq!(read(dir.path(), "clean.py"), "print(1)\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("app.py"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // Nothing is left to fix; no temporary file is left behind.
    let output = agate(dir.path()).arg("fix").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("agate: nothing to fix"));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|name| !name.contains("tmp")), "{names:?}");
}

#[test]
fn issue_9_fix_refuses_overlapping_fixes_and_writes_nothing() {
    let dir = tree(&[
        (
            "rules/py.demo-one.yaml",
            &eval_rule("py.demo-one", "one($X)"),
        ),
        (
            "rules/py.demo-two.yaml",
            &eval_rule("py.demo-two", "two($X)"),
        ),
        ("a.py", "x = 1\ny = eval(a)\n"),
        ("b.py", UNSAFE_YAML),
    ]);
    let output = agate(dir.path())
        .args(["fix", "--apply", "--rules", "rules", "a.py", "b.py"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: a.py:2: the fixes of `py.demo-one` and `py.demo-two` (line 2) change the same code; nothing was written"),
        "{stderr}"
    );
    assert!(
        stderr.contains("agate fix --apply --rule py.demo-one"),
        "{stderr}"
    );
    assert_eq!(read(dir.path(), "a.py"), "x = 1\ny = eval(a)\n");
    assert_eq!(read(dir.path(), "b.py"), UNSAFE_YAML);

    // One rule's fixes at a time settle it.
    let output = agate(dir.path())
        .args([
            "fix",
            "--apply",
            "--rules",
            "rules",
            "--rule",
            "py.demo-one",
            "a.py",
            "b.py",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(read(dir.path(), "a.py"), "x = 1\ny = one(a)\n");
    assert_eq!(read(dir.path(), "b.py"), UNSAFE_YAML);
}

#[test]
fn issue_9_fix_refuses_a_fix_that_breaks_the_syntax() {
    let dir = tree(&[
        (
            "rules/py.demo-eval.yaml",
            &eval_rule("py.demo-eval", "'eval(($X)'"),
        ),
        ("a.py", "x = eval(a)\n"),
    ]);
    let output = agate(dir.path())
        .args([
            "fix",
            "--apply",
            "--rules",
            "rules",
            "--no-bundled-rules",
            "a.py",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("fixing `a.py` would leave a syntax error near line 1 that the file did not have; not written"),
        "{stderr}"
    );
    assert_eq!(read(dir.path(), "a.py"), "x = eval(a)\n");
}

#[test]
fn issue_9_fix_leaves_suppressed_findings_alone() {
    // A suppression covers its line and the next: `other` is two lines below.
    let source = "import yaml\n\nsafe = yaml.load(a)  # agate: ignore[py.yaml-unsafe-load] reason=\"a trusted file we wrote\"\n\nother = yaml.load(b)\n";
    let dir = tree(&[("app.py", source)]);
    let output = agate(dir.path()).args(["fix", "--apply"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("agate: 1 suppressed finding not fixed"),
        "{stderr}"
    );
    assert_eq!(
        read(dir.path(), "app.py"),
        source.replace("other = yaml.load(b)", "other = yaml.safe_load(b)")
    );
}

#[cfg(unix)]
#[test]
fn issue_9_fix_never_writes_through_a_symlink() {
    let outside = tree(&[("real.py", UNSAFE_YAML)]);
    let dir = tree(&[]);
    std::os::unix::fs::symlink(outside.path().join("real.py"), dir.path().join("link.py")).unwrap();
    for paths in [&["."][..], &["link.py"][..]] {
        let output = agate(dir.path())
            .args(["fix", "--apply"])
            .args(paths)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("applied 0 fixes in 0 files"), "{stderr}");
    }
    assert_eq!(read(outside.path(), "real.py"), UNSAFE_YAML);
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn issue_9_rules_test_checks_the_fixed_fixture() {
    let fixture = "x = eval(a)  # expect: py.demo-eval\ny = f(b)  # ok: py.demo-eval\n";
    let dir = tree(&[
        (
            "rules/py.demo-eval.yaml",
            &eval_rule("py.demo-eval", "ast.literal_eval($X)"),
        ),
        ("rules/py.demo-eval.py", fixture),
        (
            "rules/py.demo-eval.fixed.py",
            "x = literal_eval(a)  # expect: py.demo-eval\ny = f(b)  # ok: py.demo-eval\n",
        ),
    ]);
    let output = agate(dir.path())
        .args(["rules", "test", "rules"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("applying the fixes does not give `rules/py.demo-eval.fixed.py`"),
        "{stdout}"
    );
    assert!(stdout.contains("\n-x = literal_eval(a)"), "{stdout}");
    assert!(stdout.contains("\n+x = ast.literal_eval(a)"), "{stdout}");

    std::fs::write(
        dir.path().join("rules/py.demo-eval.fixed.py"),
        "x = ast.literal_eval(a)  # expect: py.demo-eval\ny = f(b)  # ok: py.demo-eval\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["rules", "test", "rules"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    std::fs::remove_file(dir.path().join("rules/py.demo-eval.fixed.py")).unwrap();
    let output = agate(dir.path())
        .args(["rules", "test", "rules"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("the rule has `fix:` but no `rules/py.demo-eval.fixed.py`"),
        "{stdout}"
    );
}

#[test]
fn issue_9_scan_reports_carry_the_fix() {
    let dir = tree(&[("app.py", UNSAFE_YAML)]);
    let output = agate(dir.path())
        .args([
            "scan",
            "--format",
            "json",
            "--format",
            "sarif",
            "--output",
            "agate.sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let fix = &json["findings"][0]["fix"];
    assert_eq!(fix["replacement"], "yaml.safe_load(text)");
    assert_eq!(fix["start"], serde_json::json!({ "line": 5, "column": 12 }));
    let sarif: serde_json::Value = serde_json::from_str(&read(dir.path(), "agate.sarif")).unwrap();
    let replacement =
        &sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        replacement["insertedContent"]["text"],
        "yaml.safe_load(text)"
    );
    assert_eq!(replacement["deletedRegion"]["startLine"], 5);
    let output = agate(dir.path())
        .args(["rules", "show", "py.yaml-unsafe-load"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("\nfix:        yes"));
}

#[test]
fn issue_9_fix_keeps_windows_line_ends_and_shows_them_plainly() {
    let source = "import yaml\r\n\r\nx = yaml.load(s)\r\n";
    let dir = tree(&[("app.py", source)]);
    let output = agate(dir.path()).arg("fix").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("\n-x = yaml.load(s)\n+x = yaml.safe_load(s)\n"),
        "{stdout}"
    );
    let output = agate(dir.path()).args(["fix", "--apply"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        read(dir.path(), "app.py"),
        "import yaml\r\n\r\nx = yaml.safe_load(s)\r\n"
    );
}

#[test]
fn issue_9_fix_refuses_a_file_that_is_not_utf8() {
    let dir = tree(&[]);
    let bytes = b"import yaml\n# caf\xe9\nx = yaml.load(s)\n";
    std::fs::write(dir.path().join("app.py"), bytes).unwrap();
    let output = agate(dir.path()).args(["fix", "--apply"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`app.py` is not valid UTF-8; not written"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.path().join("app.py")).unwrap(), bytes);
}
