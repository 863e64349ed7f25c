//! `agate server`, uploads, published policies and attestations, end to end: the real
//! binary serving a SQLite file, the real binary uploading to it, killed and restarted.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use crate::{agate, agate_process, git, tree};

/// A running `agate server` and where it listens.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `agate server` on a free loopback port over `db`, and waits for it to listen.
pub(crate) fn start(dir: &Path, db: &str) -> Server {
    let mut child = agate_process(dir)
        .args(["server", "--db", db, "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let first = lines.next().unwrap().unwrap();
    let log: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(log["event"], "start", "{first}");
    let url = log["message"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap()
        .to_owned();
    // Keep reading the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, url }
}

fn token(dir: &Path, db: &str, team: &str) -> String {
    let output = agate(dir)
        .args(["server", "token", "create", "--db", db, "--team", team])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn get(url: &str, token: &str) -> serde_json::Value {
    let agent = agate_http::agent_without_redirects(std::time::Duration::from_secs(10));
    let response = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    serde_json::from_str(&response.into_body().read_to_string().unwrap()).unwrap()
}

/// A repository with one blocking finding, committed.
fn repository() -> tempfile::TempDir {
    let dir = tree(&[(
        "app.py",
        "import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n",
    )]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "app"]);
    dir
}

fn head(dir: &Path) -> String {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
fn issue_13_gate_uploads_its_run_and_a_killed_server_loses_no_acknowledged_upload() {
    let home = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", home.path().join("agate.db").display());
    let token = token(home.path(), &db, "payments");
    let mut server = start(home.path(), &db);
    let repo = repository();

    let gate = agate(repo.path())
        .args(["gate", "--env", "staging", "--upload", &server.url])
        .args(["--format", "json", "--output", "report.json"])
        .env("AGATE_TOKEN", &token)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&gate.stderr);
    assert_eq!(gate.status.code(), Some(1), "blocked: {stderr}");
    assert!(stderr.contains("uploaded: run 1"), "{stderr}");
    let runs = get(&format!("{}/api/v1/runs", server.url), &token);
    let run = &runs["runs"][0];
    assert_eq!(run["commit"], head(repo.path()).as_str());
    assert_eq!(run["environment"], "staging");
    assert_eq!(run["verdict"], "blocked");
    let name = repo
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(run["repository"], name.as_str());

    // The same report again is the same run.
    let again = agate(repo.path())
        .args(["upload", "report.json", "--server", &server.url])
        .env("AGATE_TOKEN", &token)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already there"));

    // Twenty more runs, each acknowledged, then SIGKILL: every one is still there.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.path().join("report.json")).unwrap()).unwrap();
    for index in 0..20 {
        let mut run = report.clone();
        run["run"]["run_id"] = format!("ci-{index}").into();
        std::fs::write(repo.path().join("run.json"), run.to_string()).unwrap();
        let upload = agate(repo.path())
            .args(["upload", "run.json", "--server", &server.url])
            .env("AGATE_TOKEN", &token)
            .output()
            .unwrap();
        assert_eq!(
            upload.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&upload.stderr)
        );
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let server = start(home.path(), &db);
    let runs = get(&format!("{}/api/v1/runs", server.url), &token);
    assert_eq!(runs["runs"].as_array().unwrap().len(), 21);

    // Without a token, or with another's, the upload is refused and says why (exit 3).
    let refused = agate(repo.path())
        .args(["upload", "report.json", "--server", &server.url])
        .env("AGATE_TOKEN", "agate_0000")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("(401)"));
}

#[test]
fn issue_13_sigterm_stops_the_server_gracefully() {
    let home = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", home.path().join("agate.db").display());
    let mut child = agate_process(home.path())
        .args(["server", "--db", &db, "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().contains("\"start\""));
    nix_kill(child.id());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(lines.next().unwrap().unwrap().contains("\"stop\""));
}

/// Sends SIGTERM.
fn nix_kill(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn issue_13_environments_are_attested_and_verified_in_order() {
    let home = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", home.path().join("agate.db").display());
    let token = token(home.path(), &db, "payments");
    let server = start(home.path(), &db);
    let repo = tree(&[("app.py", "print('hello')\n")]);
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-qm", "app"]);
    // The key pair lives outside the repository, as a CI secret would.
    let keys = tempfile::tempdir().unwrap();
    let keygen = agate(repo.path())
        .args(["attest", "keygen", "--out"])
        .arg(keys.path().join("agate"))
        .output()
        .unwrap();
    assert_eq!(keygen.status.code(), Some(0));
    let key = keys.path().join("agate.key");
    let public = keys.path().join("agate.pub");
    let commit = head(repo.path());
    let verify = |env: &str, require: &[&str], from_server: bool| {
        let mut command = agate(repo.path());
        command.args(["attest", "verify", "--commit", &commit, "--env", env]);
        command.arg("--key").arg(&public);
        for earlier in require {
            command.args(["--require", earlier]);
        }
        if from_server {
            command
                .args(["--server", &server.url])
                .env("AGATE_TOKEN", &token);
        }
        let output = command.output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };

    // Production cannot be verified before it ran; staging first.
    assert_eq!(verify("production", &["staging"], false).0, Some(1));
    for env in ["staging", "production"] {
        let gate = agate(repo.path())
            .args(["gate", "--env", env, "--attest"])
            .arg(&key)
            .args(["--upload", &server.url])
            .env("AGATE_TOKEN", &token)
            .output()
            .unwrap();
        assert_eq!(
            gate.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&gate.stderr)
        );
    }
    assert!(
        repo.path()
            .join(format!(".agate/attestations/{commit}.production.json"))
            .is_file()
    );
    let (code, text) = verify("production", &["staging"], false);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("ok    staging: pass") && text.contains("ok    production: pass"),
        "{text}"
    );
    let (code, text) = verify("production", &["staging"], true);
    assert_eq!(code, Some(0), "from the server: {text}");
    let (code, text) = verify("production", &["qa"], true);
    assert_eq!(code, Some(1));
    assert!(text.contains("FAIL  qa: no attestation"), "{text}");

    // A tampered attestation no longer verifies.
    let file = repo
        .path()
        .join(format!(".agate/attestations/{commit}.staging.json"));
    let mut envelope: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let mut payload: Vec<char> = envelope["payload"].as_str().unwrap().chars().collect();
    payload[10] = if payload[10] == 'A' { 'B' } else { 'A' };
    envelope["payload"] = payload.into_iter().collect::<String>().into();
    std::fs::write(&file, envelope.to_string()).unwrap();
    let (code, text) = verify("production", &["staging"], false);
    assert_eq!(code, Some(1));
    assert!(text.contains("FAIL  staging"), "{text}");

    // Staging signed again; production then gated under another policy: staging's pass
    // does not count for it.
    let gate = |env: &str| {
        agate(repo.path())
            .args(["gate", "--env", env, "--attest"])
            .arg(&key)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(gate("staging"), Some(0));
    std::fs::write(repo.path().join("agate.yaml"), "version: 1\n").unwrap();
    assert_eq!(gate("production"), Some(0));
    let (code, text) = verify("production", &["staging"], false);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("FAIL  staging: passed under another policy"),
        "{text}"
    );
}

#[test]
fn issue_13_a_repository_extends_the_published_org_policy() {
    let home = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", home.path().join("agate.db").display());
    let token = token(home.path(), &db, "payments");
    std::fs::write(
        home.path().join("base.yaml"),
        "version: 1\ntiers:\n  legacy:\n    block_at: low\n",
    )
    .unwrap();
    let publish = agate(home.path())
        .args([
            "server",
            "policy",
            "publish",
            "--db",
            &db,
            "bank/base@v3",
            "base.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        publish.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&publish.stderr)
    );
    // A policy with a mistake is refused before it is published for good.
    std::fs::write(
        home.path().join("typo.yaml"),
        "version: 1\ntier:\n  legacy: {}\n",
    )
    .unwrap();
    let typo = agate(home.path())
        .args([
            "server",
            "policy",
            "publish",
            "--db",
            &db,
            "bank/base@v2",
            "typo.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&typo.stderr).contains("typo.yaml:2"),
        "{}",
        String::from_utf8_lossy(&typo.stderr)
    );
    let server = start(home.path(), &db);
    let host = server.url.trim_start_matches("http://");
    let repo = repository();
    std::fs::write(
        repo.path().join("agate.yaml"),
        format!("version: 1\nextends: [\"agate+http://{host}/bank/base@v3\"]\n"),
    )
    .unwrap();

    let without = agate(repo.path()).args(["gate"]).output().unwrap();
    assert_eq!(without.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&without.stderr).contains("401"),
        "needs the token"
    );

    let gate = agate(repo.path())
        .args(["gate", "--format", "json", "--upload", &server.url])
        .env("AGATE_TOKEN", &token)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&gate.stdout).unwrap();
    let layers = &report["run"]["policy_layers"];
    assert_eq!(
        layers[0]["source"],
        format!("agate+http://{host}/bank/base@v3").as_str()
    );
    let runs = get(&format!("{}/api/v1/runs", server.url), &token);
    assert_eq!(runs["runs"][0]["org_policy"], true);

    // Without --upload, AGATE_SERVER says which server the token belongs to.
    std::fs::remove_dir_all(repo.path().join(".agate/cache")).unwrap();
    let scan = agate(repo.path())
        .args(["config", "explain"])
        .env("AGATE_TOKEN", &token)
        .env("AGATE_SERVER", &server.url)
        .output()
        .unwrap();
    assert_eq!(
        scan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
}

#[test]
fn issue_13_signed_provenance_records_verify_and_edits_do_not() {
    let dir = tree(&[("gen.py", "def add(a, b):\n    return a + b\n")]);
    let keys = tempfile::tempdir().unwrap();
    let keygen = agate(dir.path())
        .args(["attest", "keygen", "--out"])
        .arg(keys.path().join("k"))
        .output()
        .unwrap();
    assert_eq!(keygen.status.code(), Some(0));
    let record = agate(dir.path())
        .args([
            "provenance",
            "record",
            "gen.py",
            "--lines",
            "1-2",
            "--tool",
            "codegen",
            "--model",
            "m-1",
            "--sign",
        ])
        .env(
            "AGATE_ATTEST_KEY",
            std::fs::read_to_string(keys.path().join("k.key")).unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(
        record.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&record.stderr)
    );
    let verify = |extra: &[&str]| {
        let output = agate(dir.path())
            .args(["provenance", "verify", "--key"])
            .arg(keys.path().join("k.pub"))
            .args(extra)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, text) = verify(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("1 signed entry verified, 0 failed"), "{text}");

    // An unsigned claim passes only without --require-signed.
    let unsigned = agate(dir.path())
        .args([
            "provenance",
            "record",
            "gen.py",
            "--lines",
            "2-2",
            "--tool",
            "codegen",
        ])
        .output()
        .unwrap();
    assert_eq!(unsigned.status.code(), Some(0));
    assert_eq!(verify(&[]).0, Some(0));
    let (code, text) = verify(&["--require-signed"]);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("FAIL  .agate/provenance.jsonl:2 gen.py:2-2: unsigned"),
        "{text}"
    );

    // Claiming another model for the signed block breaks its signature.
    let manifest = dir.path().join(".agate/provenance.jsonl");
    let edited = std::fs::read_to_string(&manifest)
        .unwrap()
        .replacen("m-1", "m-2", 1);
    std::fs::write(&manifest, edited).unwrap();
    let (code, text) = verify(&[]);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("FAIL  .agate/provenance.jsonl:1 gen.py:1-2: signature does not verify"),
        "{text}"
    );
}

#[test]
fn issue_13_a_pass_of_another_repository_does_not_verify_a_blocked_commit() {
    let home = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", home.path().join("agate.db").display());
    let token = token(home.path(), &db, "payments");
    let server = start(home.path(), &db);
    // The key's folder does not exist yet: keygen creates it.
    let keys = tempfile::tempdir().unwrap();
    let keygen = agate(keys.path())
        .args(["attest", "keygen", "--out", "ci/agate"])
        .output()
        .unwrap();
    assert_eq!(
        keygen.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&keygen.stderr)
    );
    let (key, public) = (
        keys.path().join("ci/agate.key"),
        keys.path().join("ci/agate.pub"),
    );
    // The same commit, blocked in `bank/app`, passes in a clone under a lax policy.
    let app = repository();
    let commit = head(app.path());
    let fork_home = tempfile::tempdir().unwrap();
    let fork = fork_home.path().join("fork");
    git(
        fork_home.path(),
        &["clone", "-q", &app.path().display().to_string(), "fork"],
    );
    std::fs::write(
        fork.join("agate.yaml"),
        "version: 1\nenvironments:\n  production: { gates: all, mode: warn }\n",
    )
    .unwrap();
    for (dir, name, code) in [
        (app.path(), "bank/app", 1),
        (fork.as_path(), "bank/app-fork", 0),
    ] {
        let gate = agate(dir)
            .args(["gate", "--env", "production", "--attest"])
            .arg(&key)
            .args(["--upload", &server.url])
            .env("AGATE_TOKEN", &token)
            .env("GITHUB_REPOSITORY", name)
            .output()
            .unwrap();
        assert_eq!(
            gate.status.code(),
            Some(code),
            "{name}: {}",
            String::from_utf8_lossy(&gate.stderr)
        );
    }
    let verify = |repository: Option<&str>| {
        let mut command = agate(home.path());
        command
            .args([
                "attest",
                "verify",
                "--commit",
                &commit,
                "--env",
                "production",
            ])
            .arg("--key")
            .arg(&public)
            .args(["--server", &server.url])
            .env("AGATE_TOKEN", &token);
        if let Some(name) = repository {
            command.args(["--repository", name]);
        }
        let output = command.output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, text) = verify(None);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(
            "FAIL  production: attestations of several repositories (`bank/app`, `bank/app-fork`)"
        ),
        "{text}"
    );
    let (code, text) = verify(Some("bank/app"));
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("FAIL  production: the gates did not pass: verdict \"blocked\""),
        "{text}"
    );
    let (code, text) = verify(Some("bank/app-fork"));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("of `bank/app-fork`"), "{text}");
}

#[test]
fn issue_13_the_token_never_goes_to_a_policy_server_other_than_its_own() {
    use std::io::{Read as _, Write as _};
    // A hostile server a change under review names in `extends`: it records what it gets.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hostile = listener.local_addr().unwrap();
    let seen = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for _ in 0..2 {
            let (mut stream, _) = listener.accept().unwrap();
            let mut buffer = [0u8; 8192];
            let read = stream.read(&mut buffer).unwrap();
            requests.push(String::from_utf8_lossy(&buffer[..read]).into_owned());
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
        requests
    });
    let repo = repository();
    std::fs::write(
        repo.path().join("agate.yaml"),
        format!("version: 1\nextends: [\"agate+http://{hostile}/bank/base@v3\"]\n"),
    )
    .unwrap();
    let secret = format!("agate_{}", "ab".repeat(24));
    // The token's own server, from --upload and from AGATE_SERVER: neither is the hostile one.
    let upload = agate(repo.path())
        .args(["gate", "--upload", "http://127.0.0.1:9"])
        .env("AGATE_TOKEN", &secret)
        .output()
        .unwrap();
    assert_eq!(upload.status.code(), Some(2));
    let scan = agate(repo.path())
        .args(["scan"])
        .env("AGATE_TOKEN", &secret)
        .env("AGATE_SERVER", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(scan.status.code(), Some(2));
    let requests = seen.join().unwrap();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert!(
            request.starts_with("GET /api/v1/policies/bank/base/v3 "),
            "{request}"
        );
        assert!(!request.contains(&secret), "{request}");
        assert!(
            !request.to_ascii_lowercase().contains("authorization"),
            "{request}"
        );
    }
}

#[test]
fn issue_13_a_revoked_token_no_longer_authenticates() {
    let home = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", home.path().join("agate.db").display());
    let token = token(home.path(), &db, "payments");
    let server = start(home.path(), &db);
    assert_eq!(
        get(&format!("{}/api/v1/runs", server.url), &token)["runs"],
        serde_json::json!([])
    );
    // A revoked token no longer authenticates; revoking it again says so.
    let revoke = |input: &str| {
        use std::io::Write as _;
        let mut child = agate_process(home.path())
            .args(["server", "token", "revoke", "--db", &db])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, text) = revoke(&format!("{token}\n"));
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("revoked a token of team `payments`"),
        "{text}"
    );
    let (code, text) = revoke(&token);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("no such token"), "{text}");
    let refused = agate_http::agent(
        std::time::Duration::from_secs(10),
        agate_http::Statuses::AsResponses,
    )
    .get(&format!("{}/api/v1/runs", server.url))
    .header("Authorization", &format!("Bearer {token}"))
    .call()
    .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
}
