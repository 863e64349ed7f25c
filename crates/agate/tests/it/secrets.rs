//! The secrets analyzer end to end: freshly generated fake secrets of many kinds planted in
//! a tree beside look-alikes, every output format checked for leaks, history and staged
//! modes on real repositories, and a team's gitleaks configuration.

use std::collections::BTreeSet;
use std::path::Path;

use crate::{agate, git, tree};

/// A deterministic stream of characters from `alphabet` (a tiny LCG: fakes differ per seed
/// but tests stay reproducible).
pub(crate) fn random(seed: u64, alphabet: &str, length: usize) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut state = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (0..length)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            chars[((state >> 33) % chars.len() as u64) as usize]
        })
        .collect()
}

pub(crate) const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &str = "0123456789abcdef";

/// A GitHub/npm-style token: prefix, 30 random characters, base62 CRC32 checksum.
fn checksummed(prefix: &str, seed: u64) -> String {
    let body = random(seed, ALNUM, 30);
    format!(
        "{prefix}{body}{}",
        agate_secrets::base62_checksum(crc32fast::hash(body.as_bytes()))
    )
}

/// A 16-digit Visa-range number that passes Luhn and is not a published test card.
pub(crate) fn card(seed: u64) -> String {
    let stem = format!("4{}", random(seed, "0123456789", 14));
    (0..10)
        .map(|digit| format!("{stem}{digit}"))
        .find(|number| agate_secrets::luhn(number) && !number.starts_with("4111"))
        .unwrap()
}

/// `(file, line, rule, secret)` of each planted secret, and the tree's `(path, text)`.
type Planted = (
    Vec<(&'static str, u32, &'static str, String)>,
    Vec<(String, String)>,
);

/// 17 planted secrets of 17 kinds among look-alikes, and the files holding them.
#[expect(clippy::too_many_lines, reason = "one table of planted secrets")]
fn planted(seed: u64) -> Planted {
    let aws_id = format!(
        "AKIA{}",
        random(seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    let aws_secret = random(seed + 1, &format!("{ALNUM}/+"), 40);
    let ghp = checksummed("ghp_", seed + 2);
    let fine = format!(
        "github_pat_{}_{}",
        random(seed + 3, ALNUM, 22),
        random(seed + 4, ALNUM, 59)
    );
    let glpat = format!("glpat-{}", random(seed + 5, ALNUM, 20));
    let slack = format!(
        "xoxb-{}-{}-{}",
        random(seed + 6, "0123456789", 12),
        random(seed + 7, "0123456789", 13),
        random(seed + 8, ALNUM, 24)
    );
    let webhook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        random(seed + 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8),
        random(seed + 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
        random(seed + 11, ALNUM, 24)
    );
    let stripe = format!("sk_live_{}", random(seed + 12, ALNUM, 24));
    let openai = format!(
        "sk-proj-{}T3BlbkFJ{}",
        random(seed + 13, ALNUM, 40),
        random(seed + 14, ALNUM, 40)
    );
    let anthropic = format!("sk-ant-api03-{}AA", random(seed + 15, ALNUM, 93));
    let hf = format!(
        "hf_{}",
        random(
            seed + 16,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            34
        )
    );
    let npm = checksummed("npm_", seed + 17);
    let key_body = format!("MIIEow{}", random(seed + 18, &format!("{ALNUM}+/"), 120));
    let db_password = random(seed + 19, ALNUM, 18);
    let jwt = format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{}.{}",
        random(seed + 20, ALNUM, 30),
        random(seed + 21, ALNUM, 43)
    );
    let pan = card(seed + 22);
    let password = format!(
        "{}-{}",
        random(seed + 23, ALNUM, 10),
        random(seed + 24, ALNUM, 8)
    );
    let secrets = vec![
        ("config.py", 4, "secret.aws-access-key-id", aws_id.clone()),
        (
            "config.py",
            5,
            "secret.aws-secret-access-key",
            aws_secret.clone(),
        ),
        ("config.py", 6, "secret.github-pat-classic", ghp.clone()),
        (
            "deploy/.env",
            1,
            "secret.github-fine-grained-pat",
            fine.clone(),
        ),
        ("deploy/.env", 2, "secret.gitlab-token", glpat.clone()),
        ("deploy/.env", 3, "secret.slack-bot-token", slack.clone()),
        ("notify.js", 2, "secret.slack-webhook", webhook.clone()),
        (
            "billing/pay.ts",
            3,
            "secret.stripe-secret-key",
            stripe.clone(),
        ),
        ("llm.py", 3, "secret.openai-api-key", openai.clone()),
        ("llm.py", 4, "secret.anthropic-api-key", anthropic.clone()),
        ("llm.py", 5, "secret.huggingface-token", hf.clone()),
        (".npmrc", 1, "secret.npm-access-token", npm.clone()),
        (
            "keys/deploy.pem",
            2,
            "secret.private-key-rsa",
            key_body.clone(),
        ),
        (
            "settings.yaml",
            2,
            "secret.postgres-url-password",
            db_password.clone(),
        ),
        ("client.java", 4, "secret.jwt", jwt.clone()),
        (
            "billing/pay.ts",
            5,
            "secret.payment-card-number",
            pan.clone(),
        ),
        (
            "settings.yaml",
            3,
            "secret.generic-credential",
            password.clone(),
        ),
    ];
    let files = vec![
        (
            "config.py".to_owned(),
            format!(
                "import os\n\nREGION = os.environ[\"AWS_REGION\"]  # look-alike: an env lookup\naws_access_key_id = \"{aws_id}\"\naws_secret_access_key = \"{aws_secret}\"\nGITHUB_TOKEN = \"{ghp}\"\nCOMMIT = \"9fceb02d0ae598e95dc970b74767f19372d61af8\"  # a git SHA\nREQUEST_ID = \"123e4567-e89b-12d3-a456-426614174000\"  # a UUID\nAPI_KEY_HEADER = \"X-API-Key\"\n"
            ),
        ),
        (
            "deploy/.env".to_owned(),
            format!(
                "GITHUB_PAT={fine}\nGITLAB_TOKEN={glpat}\nSLACK_BOT_TOKEN={slack}\nDB_PASSWORD=${{VAULT_DB_PASSWORD}}\n"
            ),
        ),
        (
            "notify.js".to_owned(),
            format!(
                "const axios = require('axios');\nconst HOOK = '{webhook}';\nconst token = process.env.SLACK_TOKEN;\n"
            ),
        ),
        (
            "billing/pay.ts".to_owned(),
            format!(
                "import Stripe from 'stripe';\n\nconst stripe = new Stripe('{stripe}');\nconst testCard = process.env.TEST_CARD;\nlogger.info(`charged card {pan}`);\n"
            ),
        ),
        (
            "llm.py".to_owned(),
            format!(
                "from openai import OpenAI\n\nOPENAI_API_KEY = \"{openai}\"\nANTHROPIC_API_KEY = \"{anthropic}\"\nHF_TOKEN = \"{hf}\"\nsession_token = request.headers[\"Authorization\"]\n"
            ),
        ),
        (
            ".npmrc".to_owned(),
            format!("//registry.npmjs.org/:_authToken={npm}\n"),
        ),
        (
            "keys/deploy.pem".to_owned(),
            format!("-----BEGIN RSA PRIVATE KEY-----\n{key_body}\n-----END RSA PRIVATE KEY-----\n"),
        ),
        (
            "settings.yaml".to_owned(),
            format!(
                "database:\n  url: postgresql://app:{db_password}@db.internal:5432/app\n  password: \"{password}\"\n  replica_password: \"${{REPLICA_PASSWORD}}\"\n"
            ),
        ),
        (
            "client.java".to_owned(),
            format!(
                "class Client {{\n  String header = \"Authorization\";\n  String user = System.getenv(\"USER\");\n  String bearer = \"Bearer {jwt}\";\n}}\n"
            ),
        ),
    ];
    (secrets, files)
}

fn write(dir: &Path, files: &[(String, String)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn planted_secrets_are_found_on_their_lines_and_never_printed() {
    let (secrets, files) = planted(7);
    let dir = tree(&[]);
    write(dir.path(), &files);
    let output = agate(dir.path())
        .args(["scan", "--only", "secrets", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: BTreeSet<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["location"]["path"].as_str().unwrap().to_owned(),
                finding["location"]["start"]["line"].as_u64().unwrap(),
                finding["rule_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, u64, String)> = secrets
        .iter()
        .map(|(path, line, rule, _)| ((*path).to_owned(), u64::from(*line), (*rule).to_owned()))
        .collect();
    assert_eq!(
        found,
        expected,
        "missed: {:?}\nfalse alarms: {:?}",
        expected.difference(&found).collect::<Vec<_>>(),
        found.difference(&expected).collect::<Vec<_>>()
    );

    // No output format, and no report file, holds a secret in full (or its first half).
    for format in ["terminal", "json", "sarif"] {
        for command in ["scan", "gate"] {
            let output = agate(dir.path())
                .args([command, "--format", format])
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            for (path, _, rule, secret) in &secrets {
                let half = &secret[..secret.len() / 2];
                assert!(
                    !text.contains(half),
                    "{command} --format {format} shows {rule} in {path}"
                );
            }
        }
    }
    let output = agate(dir.path())
        .args(["gate", "--format", "sarif", "--output", "report.sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "live credentials block");
    let written = std::fs::read_to_string(dir.path().join("report.sarif")).unwrap();
    for (_, _, rule, secret) in &secrets {
        assert!(
            !written.contains(&secret[..secret.len() / 2]),
            "{rule} in report.sarif"
        );
    }
    let sarif: serde_json::Value = serde_json::from_str(&written).unwrap();
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../../agate-report/tests/sarif-schema-2.1.0.json"
    ))
    .unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&sarif));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules
            .iter()
            .any(|rule| rule["id"] == "secret.aws-access-key-id")
    );
}

#[test]
fn history_mode_reports_the_commit_that_introduced_each_secret() {
    let dir = tree(&[("app.py", "import os\n")]);
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "start"]);
    let token = checksummed("ghp_", 99);
    std::fs::write(
        repo.join("app.py"),
        format!("import os\nTOKEN = \"{token}\"\n"),
    )
    .unwrap();
    git(repo, &["commit", "-q", "-am", "add the token"]);
    std::fs::write(
        repo.join("app.py"),
        "import os\nTOKEN = os.environ[\"TOKEN\"]\n",
    )
    .unwrap();
    git(repo, &["commit", "-q", "-am", "remove the token"]);

    let clean = agate(repo)
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "the working tree is clean"
    );

    let output = agate(repo)
        .args(["scan", "--history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule_id"], "secret.github-pat-classic");
    assert_eq!(findings[0]["location"]["start"]["line"], 2);
    assert_eq!(findings[0]["commit"].as_str().unwrap().len(), 40);
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("\"add the token\"")
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains(&token[..20]));

    let range = agate(repo)
        .args(["scan", "--history", "HEAD~1..HEAD", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&range.stdout).unwrap();
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "only the last commit"
    );
    let mixed = agate(repo)
        .args(["scan", "--history", "--only", "sast"])
        .output()
        .unwrap();
    assert_eq!(mixed.status.code(), Some(2));
}

#[test]
fn staged_mode_checks_what_is_about_to_be_committed() {
    let dir = tree(&[("app.py", "import os\n")]);
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "start"]);
    let key = format!("sk_live_{}", random(5, ALNUM, 24));
    std::fs::write(repo.join("pay.py"), format!("STRIPE = \"{key}\"\n")).unwrap();
    let output = agate(repo).args(["gate", "--staged"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "not staged yet");
    git(repo, &["add", "pay.py"]);
    let output = agate(repo)
        .args(["gate", "--staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "secret.stripe-secret-key");
    // The working copy is fixed but the staged copy is not: the staged copy counts.
    std::fs::write(repo.join("pay.py"), "STRIPE = os.environ[\"STRIPE\"]\n").unwrap();
    let output = agate(repo).args(["gate", "--staged"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_teams_gitleaks_config_and_allowlist_apply() {
    let token = format!("acme_live_{}", random(3, HEX, 32));
    let dir = tree(&[
        (
            ".gitleaks.toml",
            "[[rules]]\nid = \"acme-key\"\ndescription = \"Acme key\"\nregex = '''acme_live_[0-9a-f]{32}'''\nkeywords = [\"acme_live_\"]\n\n[allowlist]\npaths = ['''fixtures/''']\n",
        ),
        ("app.py", &format!("KEY = \"{token}\"\n")),
        ("fixtures/sample.py", &format!("KEY = \"{token}\"\n")),
        (
            "agate.yaml",
            "version: 1\nsecrets:\n  rule_dirs: [team-secrets]\n  allowlist:\n    stopwords: [dummy]\n",
        ),
        ("test_app.py", "api_key = \"dummy-Q7w8E9r0T1y2\"\n"),
        (
            "team-secrets/secret.acme-internal.yaml",
            "id: secret.acme-internal\ntitle: Acme internal token\nseverity: high\nkeywords: [aci-]\nregex: '\\b(aci-[a-z0-9]{20})\\b'\ncwe: [CWE-798]\n",
        ),
        ("internal.py", "TOKEN = \"aci-k3j5h7g9f1d3s5a7q9w2\"\n"),
    ]);
    let output = agate(dir.path())
        .args(["scan", "--only", "secrets", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["location"]["path"].as_str().unwrap(),
                finding["rule_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("app.py", "gitleaks.acme-key"),
            ("internal.py", "secret.acme-internal")
        ]
    );
    std::fs::write(
        dir.path().join("agate.yaml"),
        "version: 1\nsecrets:\n  allowlist:\n    regexes: ['(']\n",
    )
    .unwrap();
    let output = agate(dir.path()).arg("scan").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("agate.yaml:4:"));
    let unknown = agate(dir.path())
        .args(["scan", "--only", "secret"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}
