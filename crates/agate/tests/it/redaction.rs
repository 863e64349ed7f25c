//! Redaction end to end: a secret never shows in full, in any format or on standard error,
//! whichever finding, notice or check carries it — and evidence (commit ids, digests,
//! fingerprints) stays.

use super::secrets::{ALNUM, random};
use super::{agate, tree};

/// Every `--format`.
pub(crate) const FORMATS: [&str; 10] = [
    "terminal",
    "json",
    "sarif",
    "junit",
    "gitlab",
    "gitlab-sast",
    "github",
    "summary",
    "comment",
    "html",
];

/// A GitHub classic token with a valid checksum, which `secret.github-pat-classic` flags.
pub(crate) fn github_token(seed: u64) -> String {
    let body = random(seed, ALNUM, 30);
    format!(
        "ghp_{body}{}",
        agate_secrets::base62_checksum(crc32fast::hash(body.as_bytes()))
    )
}

/// An AWS access key id, which `secret.aws-access-key-id` flags.
fn aws_key_id(seed: u64) -> String {
    format!(
        "AKIA{}",
        random(seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    )
}

/// Runs agate and returns its standard output and error together.
fn run(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let output = agate(dir).args(args).output().unwrap();
    (
        output.status.code(),
        format!(
            "{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn issue_7_a_secret_in_another_rules_excerpt_is_redacted_in_every_format() {
    let token = github_token(71);
    let key = aws_key_id(72);
    let app = format!(
        "import os\nimport pickle\n\n\ndef run(x):\n    os.system(\"curl -H token {token} \" + x)\n\n\ndef load(request):\n    return pickle.loads(request.data)  # key {key}\n"
    );
    let dir = tree(&[("app.py", &app)]);
    // With the secrets analyzer and without it: redaction does not depend on `--only`.
    for only in [None, Some("sast")] {
        for format in FORMATS {
            let mut args = vec!["scan", "--format", format];
            args.extend(only.iter().flat_map(|only| ["--only", *only]));
            let (_, output) = run(dir.path(), &args);
            for secret in [&token, &key] {
                assert!(
                    !output.contains(secret.as_str()) && !output.contains(&secret[4..]),
                    "{args:?} shows {secret}:\n{output}"
                );
            }
            assert!(
                output.contains("command-injection") && output.contains("unsafe-deserialization"),
                "{args:?} lacks the findings:\n{output}"
            );
        }
        let mut args = vec!["scan", "--format", "json"];
        args.extend(only.iter().flat_map(|only| ["--only", *only]));
        let (_, output) = run(dir.path(), &args);
        let json = output.split("\n--- stderr ---\n").next().unwrap();
        let report: serde_json::Value = serde_json::from_str(json).unwrap();
        let snippet = |rule: &str| {
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|finding| finding["rule_id"] == rule)
                .map(|finding| finding["snippet"].as_str().unwrap().to_owned())
                .unwrap()
        };
        let shell = snippet("py.command-injection");
        assert!(
            shell.starts_with("    os.system(\"curl -H token ghp_…(40 chars, sha256:"),
            "{shell}"
        );
        let pickle = snippet("py.unsafe-deserialization");
        assert!(pickle.contains("# key AKIA…(20 chars, sha256:"), "{pickle}");
    }
}

#[test]
fn issue_7_redaction_keeps_fingerprints_so_baselines_match() {
    let token = github_token(73);
    let dir = tree(&[(
        "app.py",
        &format!("import os\n\n\ndef run(x):\n    os.system(\"curl -H token {token} \" + x)\n"),
    )]);
    let fingerprints = |dir: &std::path::Path| {
        let output = agate(dir)
            .args(["scan", "--only", "sast", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["fingerprint"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // The fingerprint hashes the matched code, not the redacted excerpt: another token in
    // the same place is another fingerprint, and the same one is always the same.
    let before = fingerprints(dir.path());
    assert_eq!(before.len(), 1);
    let other = tree(&[(
        "app.py",
        &format!(
            "import os\n\n\ndef run(x):\n    os.system(\"curl -H token {} \" + x)\n",
            github_token(74)
        ),
    )]);
    assert_ne!(fingerprints(other.path()), before);
    let (code, output) = run(dir.path(), &["baseline", "create", "--only", "sast"]);
    assert_eq!(code, Some(0), "{output}");
    let baseline = std::fs::read_to_string(dir.path().join(".agate/baseline.json")).unwrap();
    assert!(baseline.contains(&before[0]), "{baseline}");
    assert!(!baseline.contains(&token), "{baseline}");
    let (code, output) = run(dir.path(), &["gate", "--only", "sast", "--format", "json"]);
    assert_eq!(
        code,
        Some(0),
        "the baselined finding does not block: {output}"
    );
    assert!(output.contains("\"status\": \"baselined\""), "{output}");
}

/// An AWS secret access key as a tool might print it, alone on its line.
const AWS_SECRET: &str = "q8Zr2LmXv7Tn4KpW/e1Hs9Ub3Yc6Rd0Fj5Gk+Ni2";
/// Evidence that must survive: a commit id and an image digest.
const COMMIT: &str = "9a289b5c0f6e4d1e8b7a3c2d1f0e9d8c7b6a5f4e";
const DIGEST: &str = "sha256:3f7a1c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a";

#[test]
fn issue_7_a_checks_arguments_and_output_are_redacted_everywhere() {
    // The tool prints the key alone on its standard error, the secrets of its environment
    // with no name beside them, then evidence, and fails.
    let script = format!(
        "echo \"$AWS_KEY\" >&2; echo \"using $ACME_DB_PASSWORD and $ACME_API_KEY\" >&2; echo \"commit {COMMIT} image {DIGEST} key $AWS_KEY\" >&2; exit 2"
    );
    let run_command = serde_json::json!([
        "sh",
        "-c",
        script,
        "tool",
        "--password=pw1Secret9",
        "--aws-secret-access-key",
        "awsValue7Q",
        "--token=tok3nValue",
        "--password",
        "pw2Secret8",
        "-p",
        "8443",
    ]);
    let dir = tree(&[
        ("app.py", "print('hello')\n"),
        (
            "agate.yaml",
            &format!(
                "version: 1\ngates:\n  security:\n    external:\n      - name: acme\n        run: {run_command}\n        format: sarif\n        env: {{ ACME_API_KEY: \"configured key value\" }}\n"
            ),
        ),
    ]);
    let secrets = [
        AWS_SECRET,
        "plain words pass",
        "configured key value",
        "pw1Secret9",
        "awsValue7Q",
        "tok3nValue",
        "pw2Secret8",
    ];
    for format in FORMATS {
        let output = agate(dir.path())
            .args(["gate", "--format", format])
            .env("AWS_KEY", AWS_SECRET)
            .env("ACME_DB_PASSWORD", "plain words pass")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "the check fails closed");
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for secret in secrets {
            assert!(!text.contains(secret), "{format} shows {secret}:\n{text}");
        }
        assert!(
            text.contains("agate: check `acme` failed"),
            "{format}: {text}"
        );
    }
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .env("AWS_KEY", AWS_SECRET)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let check = &report["checks"][0];
    let command: Vec<&str> = check["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|argument| argument.as_str().unwrap())
        .collect();
    assert!(
        command[4].starts_with("--password=pw…(10 chars, sha256:"),
        "{command:?}"
    );
    assert_eq!(command[5], "--aws-secret-access-key");
    assert!(
        command[6].starts_with("aw…(10 chars, sha256:"),
        "{command:?}"
    );
    assert!(
        command[7].starts_with("--token=to…(10 chars, sha256:"),
        "{command:?}"
    );
    assert!(
        command[9].starts_with("pw…(10 chars, sha256:"),
        "{command:?}"
    );
    // `-p` is too generic to redact.
    assert_eq!(&command[10..], ["-p", "8443"]);
    let stderr = check["stderr"].as_str().unwrap();
    assert!(stderr.starts_with("q8Zr…(40 chars, sha256:"), "{stderr}");
    // Commit ids and digests are evidence: they stay, in the report and in the log.
    for text in [
        stderr,
        check["error"].as_str().unwrap(),
        &String::from_utf8_lossy(&output.stderr),
    ] {
        assert!(text.contains(COMMIT) && text.contains(DIGEST), "{text}");
    }
}

#[test]
fn issue_7_report_convert_redacts_an_old_report() {
    let token = github_token(75);
    let dir = tree(&[("app.py", "print('hello')\n")]);
    let report = serde_json::json!({
        "schema_version": 1,
        "tool": {"name": "agate", "version": "0.0.0"},
        "findings": [{
            "rule_id": "py.command-injection",
            "analyzer": "sast",
            "severity": "high",
            "confidence": "high",
            "message": "shell command built from input",
            "location": {"path": "app.py", "start": {"line": 1, "column": 1}, "end": {"line": 1, "column": 9}},
            "snippet": format!("os.system(\"curl -H token {token} \" + x)"),
            "fingerprint": "0f3c9a7e5b1d2c4e6a8b0d1f3e5c7a9b"
        }],
        "rules": [],
        "notices": [],
        "stats": {"files": 1, "bytes": 10, "rules": 1, "duration_ms": 1}
    });
    std::fs::write(dir.path().join("old.json"), report.to_string()).unwrap();
    for format in FORMATS {
        let (code, output) = run(
            dir.path(),
            &["report", "convert", "old.json", "--to", format],
        );
        assert_eq!(code, Some(0), "{output}");
        assert!(!output.contains(&token), "{format}:\n{output}");
    }
}

#[test]
fn issue_7_a_tools_messages_and_rule_texts_are_redacted_in_every_format() {
    let token = github_token(76);
    let key = aws_key_id(77);
    let sarif = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "acme-scan", "rules": [{
                "id": "acme.token",
                "shortDescription": {"text": format!("tokens like {key}")},
                "fullDescription": {"text": format!("never commit {key}")}
            }]}},
            "results": [{
                "ruleId": "acme.token",
                "level": "error",
                "message": {"text": format!("hard-coded token {token}")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "app.py"},
                    "region": {"startLine": 1}
                }}]
            }]
        }]
    });
    let dir = tree(&[
        ("app.py", &format!("TOKEN = \"{token}\"\n")),
        ("tool/result.sarif", &sarif.to_string()),
        (
            "agate.yaml",
            "version: 1\ngates:\n  security:\n    external:\n      - name: acme\n        run: [\"cp\", \"tool/result.sarif\", \"{out}\"]\n        format: sarif\n",
        ),
    ]);
    for format in FORMATS {
        let (code, output) = run(
            dir.path(),
            &["gate", "--only", "external", "--format", format],
        );
        assert_eq!(code, Some(1), "{format}: {output}");
        for secret in [&token, &key] {
            assert!(
                !output.contains(secret.as_str()) && !output.contains(&secret[4..]),
                "{format} shows {secret}:\n{output}"
            );
        }
        assert!(
            output.contains("hard-coded token ghp_…(40 chars, sha256:"),
            "{format} lacks the redacted message:\n{output}"
        );
    }
}

#[test]
fn issue_7_errors_on_standard_error_are_redacted() {
    // An error quotes what it refuses: a rule id, a value, a URL — each may be a token.
    let token = github_token(91);
    let cases = [
        format!("rules:\n  {token}: off\n"),
        format!("tiers:\n  ai:\n    block_at: {token}\n"),
        format!("extends: [\"https://example.invalid/org.yaml?token={token}\"]\n"),
    ];
    for config in cases {
        let dir = tree(&[("agate.yaml", &config), ("app.py", "x = 1\n")]);
        let (code, output) = run(dir.path(), &["scan", "--offline"]);
        assert_eq!(code, Some(2), "{output}");
        assert!(!output.contains(&token), "{output}");
        assert!(output.contains("error: "), "{output}");
    }
}

#[test]
fn issue_7_a_private_key_in_a_cut_excerpt_is_redacted_in_every_format() {
    // The key is longer than the six lines a structural rule's excerpt keeps, so the
    // excerpt holds its BEGIN line and body but not its END.
    let body: Vec<String> = (0..8).map(|line| random(80 + line, ALNUM, 64)).collect();
    let app = format!(
        "import os\n\n\ndef run(x):\n    os.system(\"\"\"cat <<EOF\n-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\nEOF\"\"\" + x)\n",
        body.join("\n")
    );
    let dir = tree(&[("app.py", &app)]);
    for format in FORMATS {
        let (_, output) = run(dir.path(), &["scan", "--only", "sast", "--format", format]);
        assert!(
            output.contains("command-injection"),
            "{format} lacks the finding:\n{output}"
        );
        for line in &body {
            assert!(
                !output.contains(&line[8..]),
                "{format} shows the key:\n{output}"
            );
        }
    }
}

#[test]
fn issue_7_a_baseline_never_stores_a_secret_typed_as_its_reason() {
    let token = github_token(93);
    let dir = tree(&[(
        "app.py",
        "import os\n\n\ndef f(x):\n    os.system(\"ls \" + x)\n",
    )]);
    let reason = format!("accepted; ask with {token}");
    let (code, output) = run(
        dir.path(),
        &["baseline", "create", "--reason", &reason, "--who", &token],
    );
    assert_eq!(code, Some(0), "{output}");
    let stored = std::fs::read_to_string(dir.path().join(".agate/baseline.json")).unwrap();
    assert!(!stored.contains(&token), "{stored}");
    assert!(stored.contains("accepted; ask with ghp_…"), "{stored}");
}

#[test]
fn issue_7_rule_ids_paths_and_cut_messages_are_redacted_in_every_format() {
    let rule_token = github_token(90);
    let path_token = github_token(91);
    let file_token = github_token(92);
    let cut_token = github_token(93);
    // A message cut at 400 characters in the middle of a token.
    let long = format!("{} {cut_token} and more", "word ".repeat(76));
    let sarif = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "acme-scan", "rules": [{
                "id": format!("R-{rule_token}"),
                "shortDescription": {"text": "a rule"}
            }]}},
            "results": [{
                "ruleId": format!("R-{rule_token}"),
                "level": "error",
                "message": {"text": long},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": format!("src/{path_token}.py")},
                    "region": {"startLine": 1}
                }}]
            }]
        }]
    });
    let file = format!("{file_token}.py");
    let dir = tree(&[
        (
            file.as_str(),
            "import os\n\n\ndef run(request):\n    os.system(request.args[\"x\"])\n",
        ),
        ("tool/result.sarif", &sarif.to_string()),
        (
            "agate.yaml",
            "version: 1\ngates:\n  security:\n    external:\n      - name: acme\n        run: [\"cp\", \"tool/result.sarif\", \"{out}\"]\n        format: sarif\n",
        ),
    ]);
    for format in FORMATS {
        let (_, output) = run(
            dir.path(),
            &["gate", "--only", "external,sast", "--format", format],
        );
        for secret in [&rule_token, &path_token, &file_token, &cut_token] {
            assert!(
                !output.contains(&secret[4..16]),
                "{format} shows {secret}:\n{output}"
            );
        }
        assert!(
            output.contains("command-injection") || format == "summary",
            "{format} lacks the finding:\n{output}"
        );
    }
}

#[test]
fn a_tools_message_quoting_a_password_option_is_redacted_like_its_output() {
    // Not a secret any rule matches on its own: a password given as an option, and an AWS
    // secret access key without its key id. A tool's message is its output.
    let secret_key = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEYq";
    let sarif = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "acme-scan", "rules": [{ "id": "acme.cli" }]}},
            "results": [{
                "ruleId": "acme.cli",
                "level": "error",
                "message": {"text": format!("called with --password=hunter2hunter2 and {secret_key}")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "app.py"},
                    "region": {"startLine": 1}
                }}]
            }]
        }]
    });
    let dir = tree(&[
        ("app.py", "print('hello')\n"),
        ("tool/result.sarif", &sarif.to_string()),
        (
            "agate.yaml",
            "version: 1\ngates:\n  security:\n    external:\n      - name: acme\n        run: [\"cp\", \"tool/result.sarif\", \"{out}\"]\n        format: sarif\n",
        ),
    ]);
    for format in FORMATS {
        let (code, output) = run(
            dir.path(),
            &["gate", "--only", "external", "--format", format],
        );
        assert_eq!(code, Some(1), "{format}: {output}");
        assert!(
            !output.contains("hunter2hunter2") && !output.contains(secret_key),
            "{format} shows the tool's secret:\n{output}"
        );
        assert!(
            output.contains("called with --password="),
            "{format}:\n{output}"
        );
    }
}
