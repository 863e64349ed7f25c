//! Issue [7]: reports written over special files, code hidden as minified or binary, file
//! names that fake report lines, temporary files left by an interrupted run.

use std::fmt::Write as _;
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
    assert_eq!(report["findings"][0]["rule_id"], "py.command-injection");
}

/// A 2.8 kB server on one line with 40 shell commands built from the query string.
fn one_line_server() -> String {
    let mut text =
        String::from("const cp=require(\"child_process\");const app=require(\"express\")();");
    for index in 0..40 {
        write!(
            text,
            "app.get(\"/report-{index:02}\",function(req,res){{cp.exec(\"ls \"+req.query.x);}});"
        )
        .unwrap();
    }
    text
}

fn gate_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = agate(dir)
        .arg("gate")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code(), report)
}

fn count_rule(report: &serde_json::Value, rule: &str) -> usize {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule_id"] == rule)
        .count()
}

/// The notices about `path`, as `(level, message)`.
fn notices_of(report: &serde_json::Value, path: &str) -> Vec<(String, String)> {
    report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|notice| notice["path"] == path)
        .map(|notice| {
            (
                notice["level"].as_str().unwrap().to_owned(),
                notice["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A repository whose `main` holds `files`, on a branch `feature` that changed `app.py`.
fn repository(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tree(&[("app.py", "print('hello')\n")]);
    for (path, bytes) in files {
        std::fs::write(dir.path().join(path), bytes).unwrap();
    }
    crate::git(dir.path(), &["init", "-q", "-b", "main"]);
    crate::git(dir.path(), &["add", "."]);
    crate::git(dir.path(), &["commit", "-q", "-m", "base"]);
    crate::git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    std::fs::write(dir.path().join("app.py"), "print('hello, world')\n").unwrap();
    crate::git(dir.path(), &["commit", "-q", "-am", "greet the world"]);
    dir
}

#[test]
fn issue_7_one_line_javascript_in_the_change_is_scanned() {
    let server = one_line_server();
    assert!(server.len() > 2_800 && !server.contains('\n'));
    // No repository: every file is the change, whatever its name or shape.
    for name in [
        "server.js",
        "server.min.js",
        "server-min.js",
        "app.bundle.js",
    ] {
        let dir = tree(&[(name, &server)]);
        let (code, report) = gate_json(dir.path(), &[]);
        assert_eq!(code, Some(1), "{name}: {report}");
        assert_eq!(count_rule(&report, "js.command-injection"), 40, "{name}");
    }
    // In a repository, a minified file the change added is scanned too.
    let dir = repository(&[]);
    std::fs::write(dir.path().join("server.min.js"), &server).unwrap();
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(count_rule(&report, "js.command-injection"), 40);
}

#[test]
fn issue_7_minified_files_outside_the_change_are_skipped_with_a_notice_and_a_count() {
    let server = one_line_server();
    let dir = repository(&[("server.js", server.as_bytes())]);
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(count_rule(&report, "js.command-injection"), 0);
    let notices = notices_of(&report, "server.js");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].0, "warning");
    assert!(notices[0].1.contains("minified"), "{notices:?}");
    assert_eq!(report["stats"]["skipped_minified"], 1);
    let output = agate(dir.path())
        .args(["gate", "--base", "main"])
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(
        terminal.contains("warning: server.js: skipped: looks minified")
            && terminal.contains("1 minified file outside the change skipped"),
        "{terminal}"
    );
    // Every format says so, not only the terminal.
    for format in crate::redaction::FORMATS {
        let output = agate(dir.path())
            .args(["gate", "--base", "main", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("server.js") && text.contains("minified"),
            "{format}: {text}"
        );
    }
    // `agate scan` without a base skips nothing.
    let output = agate(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    let scanned: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(count_rule(&scanned, "js.command-injection"), 40);
    // Files `ai_paths` names are scanned whatever the change.
    std::fs::write(dir.path().join("agate.yaml"), "ai_paths: [\"*.js\"]\n").unwrap();
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(1), "{report}");
    std::fs::remove_file(dir.path().join("agate.yaml")).unwrap();
    // An uncommitted edit puts the file in the change.
    std::fs::write(dir.path().join("server.js"), format!("{server};")).unwrap();
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(count_rule(&report, "js.command-injection"), 40);
}

#[test]
fn issue_7_a_nul_byte_does_not_hide_a_file() {
    let token = "glpat-Xk9Qa2Lm7Rt4Vb8Nc1Zp";
    let source = format!(
        "const cp = require(\"child_process\");\nconst sep = \"\0\";\nconst token = \"{token}\";\napp.get(\"/\", (req, res) => cp.exec(\"ls \" + req.query.x));\n"
    );
    let dir = tree(&[("server.js", &source)]);
    let (code, report) = gate_json(dir.path(), &[]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(count_rule(&report, "js.command-injection"), 1);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["analyzer"] == "secrets"),
        "{report}"
    );
    // tree-sitter may call the NUL a syntax error: a warning, the file is still scanned.
    assert!(
        notices_of(&report, "server.js")
            .iter()
            .all(|(level, _)| level == "warning"),
        "{report}"
    );
}

#[test]
fn issue_7_a_file_of_the_change_that_cannot_be_scanned_fails_the_gate_closed() {
    // An ELF header in front of code: binary to agate, so not scanned.
    let mut elf = b"\x7fELF\x02\x01\x01\n".to_vec();
    elf.extend_from_slice(b"cp.exec(\"ls \" + req.query.x);\n");
    let dir = tree(&[("app.py", "print('hello')\n")]);
    std::fs::write(dir.path().join("tool.js"), &elf).unwrap();
    let (code, report) = gate_json(dir.path(), &[]);
    assert_eq!(code, Some(3), "{report}");
    let notices = notices_of(&report, "tool.js");
    assert!(
        notices
            .iter()
            .any(|(level, message)| level == "error" && message.contains("binary content")),
        "{notices:?}"
    );
    // Too large to scan: the same.
    std::fs::write(dir.path().join("big.py"), "x = 1\n".repeat(100)).unwrap();
    std::fs::remove_file(dir.path().join("tool.js")).unwrap();
    let (code, report) = gate_json(dir.path(), &["--max-file-size", "100"]);
    assert_eq!(code, Some(3), "{report}");
    assert_eq!(notices_of(&report, "big.py")[0].0, "error");
    // `unscannable: warn` makes both warnings.
    std::fs::write(dir.path().join("tool.js"), &elf).unwrap();
    std::fs::write(dir.path().join("agate.yaml"), "unscannable: warn\n").unwrap();
    let (code, report) = gate_json(dir.path(), &["--max-file-size", "100"]);
    assert_eq!(code, Some(0), "{report}");
    for path in ["tool.js", "big.py"] {
        let notices = notices_of(&report, path);
        assert!(
            !notices.is_empty() && notices.iter().all(|(level, _)| level == "warning"),
            "{path}: {notices:?}"
        );
    }
    let output = agate(dir.path())
        .args(["config", "explain", "unscannable"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("warn"),
        "{output:?}"
    );
}

#[test]
fn issue_7_an_unscannable_file_outside_the_change_is_a_warning() {
    let mut elf = b"\x7fELF\x02\x01\x01\n".to_vec();
    elf.extend_from_slice(b"cp.exec(\"ls \" + req.query.x);\n");
    let dir = repository(&[("tool.js", &elf)]);
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(0), "{report}");
    let notices = notices_of(&report, "tool.js");
    assert!(
        !notices.is_empty() && notices.iter().all(|(level, _)| level == "warning"),
        "{notices:?}"
    );
    // Changed in the working tree: part of the change again.
    elf.extend_from_slice(b"// more\n");
    std::fs::write(dir.path().join("tool.js"), &elf).unwrap();
    let (code, _) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(3));
}

#[test]
fn issue_7_file_names_and_code_cannot_fake_terminal_lines() {
    let name = "a\n✔ No findings\x1b[2J.py";
    let code = "import os\n\n\ndef run(request):\n    os.system(\"ls \" + request.args[\"d\"])  # \x1b[2J\u{202e}\n";
    let dir = tree(&[(name, code)]);
    let output = agate(dir.path()).arg("scan").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("a\\n✔ No findings\\x1b[2J.py"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{202e}'),
        "{stdout:?}"
    );
    assert!(
        !stdout.lines().any(|line| line.starts_with("✔ No findings")),
        "{stdout}"
    );
    // The code's escape sequence is shown, one visible character for each control one.
    assert!(stdout.contains("# ␛[2J"), "{stdout}");
}

/// The process ids in `file` (one a line), once it has `count` of them.
#[cfg(unix)]
fn wait_for_pids(file: &Path, count: usize) -> Vec<u32> {
    for _ in 0..600 {
        if let Ok(text) = std::fs::read_to_string(file) {
            let pids: Vec<u32> = text.lines().filter_map(|line| line.parse().ok()).collect();
            if pids.len() >= count {
                return pids;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the check never started");
}

/// Whether process `pid` is gone (or a zombie nobody reaped yet).
#[cfg(unix)]
fn is_gone(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

#[cfg(unix)]
#[test]
fn issue_7_an_interrupted_run_kills_its_checks_and_leaves_no_temporary_files() {
    let config = "gates:\n  slow:\n    analyzers: []\n    external:\n      - name: sleeper\n        format: junit\n        shell: true\n        run: \"echo $$ > pids; sleep 120 & echo $! >> pids; wait; : > {out}\"\n";
    let dir = tree(&[("app.py", crate::SAFE_PY), ("agate.yaml", config)]);
    let temporary = dir.path().join("tmp");
    std::fs::create_dir(&temporary).unwrap();
    for signal in ["TERM", "INT", "HUP"] {
        let _ = std::fs::remove_file(dir.path().join("pids"));
        let run = crate::agate_process(dir.path())
            .args(["gate", "--format", "json", "--output", "report.json"])
            .env("TMPDIR", &temporary)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pids = wait_for_pids(&dir.path().join("pids"), 2);
        // The check's scratch folder exists while it runs.
        assert_eq!(leftovers(&temporary, "agate-check-").len(), 1);
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), run.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let output = run.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(130), "SIG{signal}: {output:?}");
        for pid in pids {
            let mut gone = false;
            for _ in 0..100 {
                gone = is_gone(pid);
                if gone {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            assert!(gone, "SIG{signal}: process {pid} of the check survived");
        }
        assert!(
            leftovers(&temporary, "").is_empty(),
            "SIG{signal}: {:?}",
            leftovers(&temporary, "")
        );
        assert!(leftovers(dir.path(), ".agate-").is_empty());
        assert!(!dir.path().join("report.json").exists());
    }
}

/// Python that runs a shell command built from its argument (`py.command-injection`).
const SHELL_PY: &str = "import os\ndef f(x):\n    os.system(\"ls \" + x)\n";

/// JavaScript that runs a shell command built from the query (`js.command-injection`).
const SHELL_JS: &str = "const cp = require(\"child_process\");\nfunction h(req) {\n  cp.exec(\"ls \" + req.query.x);\n}\n";

/// A repository whose `main` holds a README, on a branch `feature` whose one commit adds
/// `files` (force-added, so `.gitignore` cannot keep one out of the commit).
fn change_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tree(&[("README.md", "# demo\n")]);
    crate::git(dir.path(), &["init", "-q", "-b", "main"]);
    crate::git(dir.path(), &["add", "."]);
    crate::git(dir.path(), &["commit", "-q", "-m", "base"]);
    crate::git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    crate::git(dir.path(), &["add", "-f", "."]);
    crate::git(dir.path(), &["commit", "-q", "-m", "the change"]);
    dir
}

/// The paths of the findings of `rule`.
fn paths_of(report: &serde_json::Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule_id"] == rule)
        .map(|finding| finding["location"]["path"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn issue_7_files_of_the_change_in_hidden_vendored_or_gitignored_folders_are_scanned() {
    let python = [
        ".hidden/h.py",
        "vendor/v.py",
        "third_party/t.py",
        "__pycache__/p.py",
        ".github/scripts/s.py",
        "generated/g.py",
        "A.PY",
        "w.pyw",
    ];
    let javascript = [
        "node_modules/pkg/index.js",
        "dist/d.js",
        "build/b.js",
        "target/t.js",
    ];
    let mut files: Vec<(&str, &str)> = python.iter().map(|path| (*path, SHELL_PY)).collect();
    files.extend(javascript.iter().map(|path| (*path, SHELL_JS)));
    // The change's own `.gitignore` names a file it force-added.
    files.push((".gitignore", "generated/\n"));
    // A script without an extension, known by its `#!` line.
    let script = format!("#!/usr/bin/env python3\n{SHELL_PY}");
    files.push(("bin/tool", &script));
    let dir = change_of(&files);
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(1), "{report}");
    let mut found = paths_of(&report, "py.command-injection");
    found.sort();
    let mut expected: Vec<&str> = python.to_vec();
    expected.push("bin/tool");
    expected.sort_unstable();
    assert_eq!(found, expected, "{report}");
    let mut found = paths_of(&report, "js.command-injection");
    found.sort();
    let mut expected = javascript.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected, "{report}");
    // Without change information the usual skips hold: no node_modules of every project.
    let plain = tree(&[
        ("app.py", "print('hello')\n"),
        ("node_modules/pkg/index.js", SHELL_JS),
        ("vendor/v.py", SHELL_PY),
    ]);
    let (code, report) = gate_json(plain.path(), &[]);
    assert_eq!(code, Some(0), "{report}");
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "{report}"
    );
}

#[test]
fn issue_7_a_secret_in_node_modules_of_the_change_is_found() {
    let key = format!(
        "AKIA{}",
        crate::secrets::random(7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    let config = format!("module.exports = {{ key: \"{key}\" }};\n");
    let dir = change_of(&[("node_modules/pkg/config.js", &config)]);
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        paths_of(&report, "secret.aws-access-key-id"),
        ["node_modules/pkg/config.js"],
        "{report}"
    );
}

#[test]
fn issue_7_a_file_of_the_change_excluded_on_purpose_is_a_warning_naming_the_exclusion() {
    let dir = change_of(&[
        (".agateignore", "private/\n"),
        ("private/p.py", SHELL_PY),
        ("agate.yaml", "ignore:\n  - \"made/**\"\n"),
        ("made/m.py", SHELL_PY),
    ]);
    let (code, report) = gate_json(dir.path(), &["--base", "main"]);
    assert_eq!(code, Some(0), "{report}");
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "{report}"
    );
    let private = notices_of(&report, "private/p.py");
    assert!(
        private.iter().any(|(level, message)| level == "warning"
            && message.contains("part of the change but excluded by `.agateignore`")),
        "{report}"
    );
    let made = notices_of(&report, "made/m.py");
    assert!(
        made.iter().any(|(level, message)| level == "warning"
            && message.contains("part of the change but excluded by `ignore` in agate.yaml")),
        "{report}"
    );
}
