//! Every bundled secret rule against its examples, with fake secrets generated from the
//! rule's `fake` shape (and checksums fixed up), so no real-looking secret is committed.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use agate_secrets::{Allowlist, Check, SecretScanner, base62_checksum, bundled_rules, luhn};
use proptest::strategy::{Strategy as _, ValueTree as _};
use proptest::test_runner::TestRunner;

/// `count` fake secrets of the rule's shape, with valid checksums.
fn fakes(shape: &str, check: Check, count: usize) -> Vec<String> {
    let strategy = proptest::string::string_regex(shape).unwrap();
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| {
            let fake = strategy.new_tree(&mut runner).unwrap().current();
            match check {
                Check::Crc32Base62 => {
                    let (prefix, body) = fake.split_at(fake.len() - 36);
                    let random = &body[..30];
                    format!(
                        "{prefix}{random}{}",
                        base62_checksum(crc32fast::hash(random.as_bytes()))
                    )
                }
                Check::Luhn => with_luhn_digit(&fake),
                _ => fake,
            }
        })
        .collect()
}

/// Replaces the last digit so that the number passes the Luhn check.
fn with_luhn_digit(number: &str) -> String {
    let stem = &number[..number.len() - 1];
    (0..10)
        .map(|digit| format!("{stem}{digit}"))
        .find(|candidate| luhn(candidate))
        .unwrap()
}

#[test]
fn bundled_rules_find_their_examples_and_only_them() {
    let rules = bundled_rules().unwrap();
    assert!(rules.len() >= 60, "{} rules", rules.len());
    let scanner = SecretScanner::new(rules.clone(), Allowlist::default()).unwrap();
    let mut failures = Vec::new();
    for rule in &rules {
        let file = rule.file();
        if file.examples.matching.is_empty() || file.examples.no_match.is_empty() {
            failures.push(format!("{}: needs match and no_match examples", file.id));
        }
        if file.cwe.is_empty() || !file.note.contains("## How to fix") {
            failures.push(format!("{}: needs a CWE and a note", file.id));
        }
        for example in &file.examples.matching {
            let samples = match (&file.fake, example.contains("{secret}")) {
                (Some(shape), true) => fakes(shape, file.check, 3),
                (None, true) => {
                    failures.push(format!("{}: `{{secret}}` without a `fake` shape", file.id));
                    continue;
                }
                (_, false) => vec![String::new()],
            };
            let line = example
                .find("{secret}")
                .map_or(1, |at| example[..at].matches('\n').count() + 1);
            for secret in samples {
                let text = example.replace("{secret}", &secret);
                let found = scanner.findings("example.txt", text.as_bytes());
                let hit = found.iter().find(|finding| finding.rule_id == file.id);
                match hit {
                    Some(hit) if hit.location.start.line as usize == line => {}
                    Some(hit) => failures.push(format!(
                        "{}: found on line {} instead of {line} in {text:?}",
                        file.id, hit.location.start.line
                    )),
                    None => failures.push(format!(
                        "{}: missed {text:?} (found {:?})",
                        file.id,
                        found.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
                    )),
                }
                if secret.len() >= 8 {
                    for finding in &found {
                        let shown = format!("{} {} {finding:?}", finding.message, finding.snippet);
                        if shown.contains(&secret) {
                            failures
                                .push(format!("{}: the secret is shown in full: {shown}", file.id));
                        }
                    }
                }
            }
        }
        for example in &file.examples.no_match {
            let found = scanner.findings("example.txt", example.as_bytes());
            if found.iter().any(|finding| finding.rule_id == file.id) {
                failures.push(format!("{}: false alarm on {example:?}", file.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `docs/secret-rules.md` lists every bundled rule; regenerate with `AGATE_UPDATE_DOCS=1`.
#[test]
fn the_secret_rule_catalog_is_current() {
    use std::fmt::Write as _;
    let rules = bundled_rules().unwrap();
    let mut text = String::from(
        "# Secret rules\n\nGenerated from `rules/secrets/` by `AGATE_UPDATE_DOCS=1 cargo test -p agate-secrets`; \
         see docs/secrets.md for how they run.\n\n| id | finds | severity | check | keywords |\n|---|---|---|---|---|\n",
    );
    for rule in &rules {
        let file = rule.file();
        let check = match file.check {
            Check::None => String::new(),
            check => format!("{check:?}"),
        };
        let mut notes = Vec::new();
        if let Some(entropy) = file.entropy {
            notes.push(format!("entropy ≥ {entropy}"));
        }
        if !check.is_empty() {
            notes.push(check);
        }
        if file.generic {
            notes.push("generic".to_owned());
        }
        let _ = writeln!(
            text,
            "| `{}` | {} | {} | {} | {} |",
            file.id,
            file.title,
            file.severity,
            notes.join(", "),
            file.keywords
                .iter()
                .map(|keyword| format!("`{keyword}`"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let _ = writeln!(text, "\n{} rules.", rules.len());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/secret-rules.md");
    #[expect(
        clippy::disallowed_methods,
        reason = "the test's own switch, not agate's"
    )]
    let update = std::env::var_os("AGATE_UPDATE_DOCS").is_some();
    if update {
        std::fs::write(&path, &text).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap_or_default() == text,
        "docs/secret-rules.md is stale; run `AGATE_UPDATE_DOCS=1 cargo test -p agate-secrets`"
    );
}

proptest::proptest! {
    /// Hostile text never panics the scanner, and a planted token never shows in full in
    /// what it reports, whatever surrounds it.
    #[test]
    fn hostile_text_is_scanned_and_secrets_stay_hidden(
        before in "\\PC{0,200}",
        after in "\\PC{0,200}",
        body in "[A-Za-z0-9]{30}",
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
    ) {
        static SCANNER: std::sync::LazyLock<SecretScanner> = std::sync::LazyLock::new(|| {
            SecretScanner::new(bundled_rules().unwrap(), Allowlist::default()).unwrap()
        });
        let _ = SCANNER.findings("random.bin", &bytes);
        let token = format!("ghp_{body}{}", base62_checksum(crc32fast::hash(body.as_bytes())));
        let text = format!("{before}\nGITHUB_TOKEN = \"{token}\"\n{after}");
        let findings = SCANNER.findings("planted.py", text.as_bytes());
        proptest::prop_assert!(findings.iter().any(|finding| finding.rule_id == "secret.github-pat-classic"));
        for finding in &findings {
            let shown = format!("{} {} {finding:?}", finding.message, finding.snippet);
            proptest::prop_assert!(!shown.contains(&token[..20]), "{}", shown);
        }
    }
}

#[test]
fn issue_8_secret_rules_describe_their_compliance_requirements() {
    let rules = bundled_rules().unwrap();
    let card = rules
        .iter()
        .find(|rule| rule.id() == "secret.payment-card-number")
        .unwrap();
    assert_eq!(
        card.descriptor().compliance,
        ["PCI-DSS-4 3.4.1", "PCI-DSS-4 3.5.1"]
    );
    let yaml = "id: secret.demo\ntitle: Demo\nseverity: high\nregex: 'demo_[a-z]{8}'\ncompliance: [\"PCI-DSS\"]\n";
    let error = agate_secrets::SecretRule::from_yaml(yaml, "secret.demo.yaml").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("compliance requirement `PCI-DSS` is not the standard"),
        "{error}"
    );
}
