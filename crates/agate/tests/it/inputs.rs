//! Issue [7], inputs: every configuration, baseline and report read is bounded and refuses
//! devices and FIFOs; a missing scan path is a usage error; baselines are written readable
//! and never replaced by accident; errors speak agate's language; URL credentials are masked.

use std::path::Path;
use std::time::Duration;

use crate::{SAFE_PY, VULNERABLE_PY, agate, git, tree};

/// Runs agate in `dir` and returns (exit code, stderr with `dir` replaced by `[DIR]`).
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = agate(dir)
        .args(args)
        // A FIFO read would block forever: the bound turns a regression into a failure.
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr =
        String::from_utf8_lossy(&output.stderr).replace(&dir.display().to_string(), "[DIR]");
    (output.status.code(), stderr)
}

#[cfg(unix)]
#[test]
fn issue_7_config_from_a_device_is_refused() {
    let dir = tree(&[("app.py", SAFE_PY)]);
    let (code, stderr) = run(dir.path(), &["scan", "--config", "/dev/zero"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: `/dev/zero` is a character device, not a regular file\n"
    );
}

#[cfg(unix)]
#[test]
fn issue_7_extends_of_a_device_is_refused_where_it_is_named() {
    let dir = tree(&[
        ("agate.yaml", "version: 1\nextends: [/dev/zero]\n"),
        ("app.py", SAFE_PY),
    ]);
    let (code, stderr) = run(dir.path(), &["scan"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: [DIR]/agate.yaml:2:11: cannot use `/dev/zero` in `extends`: `/dev/zero` is a character device, not a regular file\n  help: `extends` names configuration files (regular files of at most 1 MiB) or https URLs\n"
    );
}

#[cfg(unix)]
#[test]
fn issue_7_report_convert_of_a_device_is_refused() {
    let dir = tree(&[]);
    let (code, stderr) = run(
        dir.path(),
        &["report", "convert", "/dev/zero", "--to", "sarif"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: `/dev/zero` is a character device, not a regular file\n"
    );
}

#[cfg(unix)]
#[test]
fn issue_7_a_fifo_as_config_is_refused_without_blocking() {
    let dir = tree(&[("app.py", SAFE_PY)]);
    let fifo = dir.path().join("agate.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Found as the default configuration and named with --config alike.
    for args in [&["scan"][..], &["scan", "--config", "agate.yaml"]] {
        let (code, stderr) = run(dir.path(), args);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.ends_with("agate.yaml` is a FIFO, not a regular file\n"),
            "{stderr}"
        );
    }
}

#[test]
fn issue_7_an_oversized_config_or_baseline_is_refused() {
    // One byte over the limit: a comment, so only the size is wrong.
    let config = format!("version: 1\n#{}\n", "x".repeat(1024 * 1024));
    let dir = tree(&[("agate.yaml", &config), ("app.py", SAFE_PY)]);
    let (code, stderr) = run(dir.path(), &["scan"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: `[DIR]/agate.yaml` is larger than 1048576 bytes, the limit for this kind of file\n"
    );
    let exactly = format!("#{}\n", "x".repeat(1024 * 1024 - 2));
    std::fs::write(dir.path().join("agate.yaml"), exactly).unwrap();
    let (code, stderr) = run(dir.path(), &["scan"]);
    assert_eq!(
        code,
        Some(0),
        "a file of exactly the limit is read: {stderr}"
    );

    std::fs::remove_file(dir.path().join("agate.yaml")).unwrap();
    let baseline = dir.path().join(".agate/baseline.json");
    std::fs::create_dir_all(baseline.parent().unwrap()).unwrap();
    let file = std::fs::File::create(&baseline).unwrap();
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let (code, stderr) = run(dir.path(), &["scan"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: `[DIR]/.agate/baseline.json` is larger than 67108864 bytes, the limit for this kind of file\n"
    );
}

#[test]
fn issue_7_scan_of_a_missing_path_is_one_usage_error() {
    let dir = tree(&[("app.py", SAFE_PY)]);
    let output = agate(dir.path())
        .args(["scan", "missing.py"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: `missing.py` does not exist\n  help: check the path; a relative path is taken from the scan root (--root, default: the current directory)\n"
    );
    assert!(output.stdout.is_empty(), "no report of nothing");
    // A device is no more a thing to scan than a missing file.
    #[cfg(unix)]
    {
        let (code, stderr) = run(dir.path(), &["scan", "/dev/zero"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert_eq!(
            stderr,
            "error: `/dev/zero` is a character device, not a file or folder to scan\n"
        );
    }
}

#[cfg(unix)]
#[test]
fn issue_7_baseline_is_readable_keeps_its_mode_and_is_not_replaced_by_accident() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    let baseline = dir.path().join(".agate/baseline.json");
    let (code, stderr) = run(dir.path(), &["baseline", "create", "--who", "ci"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        mode(&baseline),
        0o644,
        "a baseline is meant to be committed"
    );
    let accepted = std::fs::read_to_string(&baseline).unwrap();

    let (code, stderr) = run(dir.path(), &["baseline", "create", "--who", "someone"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: `[DIR]/.agate/baseline.json` already exists\n  help: `agate baseline update` adds today's findings and keeps the accepted ones; pass --force to replace it\n"
    );
    assert_eq!(std::fs::read_to_string(&baseline).unwrap(), accepted);

    std::fs::set_permissions(&baseline, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, stderr) = run(dir.path(), &["baseline", "update", "--who", "ci"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(mode(&baseline), 0o640, "update keeps the mode");
    let (code, stderr) = run(
        dir.path(),
        &["baseline", "create", "--force", "--who", "someone"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(mode(&baseline), 0o640, "--force replaces the content only");
    assert!(
        std::fs::read_to_string(&baseline)
            .unwrap()
            .contains("someone")
    );
}

#[test]
fn issue_7_configuration_errors_name_the_key_in_agates_words() {
    let cases = [
        (
            "version: 1\nversion: 1\n",
            "agate.yaml:2:1: `version` is set twice at the top level\n  help: a key may appear once in a mapping: keep one of the two and delete the other",
        ),
        (
            "version: 1\n---\nversion: 1\n",
            "agate.yaml:3:1: the file holds more than one YAML document (a `---` line starts a second one)\n  help: a configuration is one document: delete the `---` line and merge the settings",
        ),
        (
            "version: -1\n",
            "agate.yaml:1:10: `-1` is not a whole number from 0 to 4294967295 for `version`\n  help: see docs/config.md for every key and its type",
        ),
        (
            "version: 4294967296\n",
            "agate.yaml:1:10: `4294967296` is not a whole number from 0 to 4294967295 for `version`\n  help: see docs/config.md for every key and its type",
        ),
        (
            "tiers: {ai: {block_at: extreme}}\n",
            "agate.yaml:1:24: `extreme` is not a valid value for `tiers.ai.block_at`\n  help: expected one of: info, low, medium, high, critical",
        ),
        (
            "rules: {py.eval: {severty: high}}\n",
            "agate.yaml:1:19: unknown key `severty` in `rules.py.eval`\n  help: did you mean `severity`? expected one of: severity, include, exclude",
        ),
    ];
    for (yaml, expected) in cases {
        let dir = tree(&[("agate.yaml", yaml), ("app.py", SAFE_PY)]);
        let (code, stderr) = run(dir.path(), &["config", "explain"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert_eq!(stderr, format!("error: [DIR]/{expected}\n"), "{yaml}");
    }
}

#[test]
fn issue_7_a_configuration_over_the_yaml_budget_says_so() {
    // 260,000 values in 520 kB: under the size limit, over the YAML node budget.
    let values = vec!["x"; 260_000].join(",");
    let nested = format!("ignore: {}{}\n", "[".repeat(3000), "]".repeat(3000));
    for (yaml, expected) in [
        (
            format!("ignore: [{values}]\n"),
            "the file holds more values than a configuration may",
        ),
        (
            nested,
            "the file nests values deeper than a configuration may",
        ),
    ] {
        let dir = tree(&[("agate.yaml", &yaml)]);
        let (code, stderr) = run(dir.path(), &["config", "explain"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        for internal in ["budget", "Nodes", "recursion"] {
            assert!(!stderr.contains(internal), "{stderr}");
        }
    }
}

#[test]
fn issue_7_a_repository_without_commits_is_not_called_no_repository() {
    let dir = tree(&[("app.py", SAFE_PY)]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let (code, stderr) = run(dir.path(), &["gate", "--base", "main"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: `--base main` needs git history: the git repository at `[DIR]` has no commits yet\n  help: commit the files first, or leave out --base (every line then counts as new)\n"
    );
}

#[test]
fn issue_7_extends_url_credentials_are_never_shown() {
    let dir = tree(&[
        (
            "agate.yaml",
            "version: 1\nextends: [\"https://ci:hunter2-secret@127.0.0.1:9/org/agate.yaml\"]\n",
        ),
        ("app.py", SAFE_PY),
    ]);
    for args in [
        &["scan", "--offline"][..],
        &["scan"],
        &["config", "explain"],
    ] {
        let (code, stderr) = run(dir.path(), args);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("`https://ci:***@127.0.0.1:9/org/agate.yaml`"),
            "{stderr}"
        );
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
}

#[test]
fn issue_7_plain_http_extends_is_only_for_loopback() {
    let dir = tree(&[(
        "agate.yaml",
        "version: 1\nextends: [\"http://policies.example.com/agate.yaml\"]\n",
    )]);
    let (code, stderr) = run(dir.path(), &["config", "explain"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "`http://policies.example.com/agate.yaml` is plain http; use https (http is only allowed for loopback hosts: localhost, 127.0.0.0/8, [::1])"
        ),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn issue_7_a_planted_link_where_the_report_goes_is_replaced_not_written_through() {
    // A change commits `agate.sarif -> <a file outside>`; the pipeline then writes its report
    // there (the GitHub Action writes agate.sarif in the checkout).
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let dir = tree(&[("app.py", VULNERABLE_PY)]);
    std::os::unix::fs::symlink(&victim, dir.path().join("agate.sarif")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("created.json"),
        dir.path().join("agate.json"),
    )
    .unwrap();
    let (code, stderr) = run(
        dir.path(),
        &[
            "scan",
            "--format",
            "sarif",
            "--output",
            "agate.sarif",
            "--format",
            "json",
            "--output",
            "agate.json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(!outside.path().join("created.json").exists());
    for report in ["agate.sarif", "agate.json"] {
        let metadata = std::fs::symlink_metadata(dir.path().join(report)).unwrap();
        assert!(metadata.is_file(), "{report} is now the report itself");
    }
    // A folder as --output is a usage error, not a failure of agate.
    let (code, stderr) = run(dir.path(), &["scan", "--output", "."]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("is a directory, not a regular file"),
        "{stderr}"
    );
}
