//! The rule catalog in `docs/rule-catalog.md` is generated from the rule files; this test
//! keeps it current. Regenerate with `AGATE_UPDATE_DOCS=1 cargo test -p agate-rules`.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::fmt::Write as _;
use std::path::Path;

use agate_rules::RuleSet;

fn catalog() -> String {
    let rules = RuleSet::bundled().unwrap();
    let mut text = String::from(
        "# Rule catalog\n\nGenerated from `rules/` by `crates/agate-rules/tests/catalog.rs`; do not edit.\n\
         `agate rules show ID` prints a rule's full documentation; `agate fix` applies the fixes of\n\
         the rules marked in column *fix*.\n",
    );
    for (language, title) in [
        ("python", "Python"),
        ("javascript", "JavaScript and TypeScript"),
        ("java", "Java"),
    ] {
        let selected: Vec<_> = rules
            .iter()
            .filter(|rule| rule.language().name() == language)
            .collect();
        let _ = write!(
            text,
            "\n## {title} ({} rules)\n\n| rule | severity | confidence | CWE | AI | fix | what it flags |\n|---|---|---|---|---|---|---|\n",
            selected.len()
        );
        for rule in selected {
            let metadata = rule.metadata();
            let _ = writeln!(
                text,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                rule.id(),
                metadata.severity,
                metadata.confidence,
                metadata.cwe.join(", "),
                if metadata.ai_pattern { "yes" } else { "" },
                if rule.has_fix() { "yes" } else { "" },
                rule.message().replace('|', "\\|"),
            );
        }
    }
    text
}

#[test]
fn published_catalog_matches_the_rules() {
    let generated = catalog();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rule-catalog.md");
    #[expect(
        clippy::disallowed_methods,
        reason = "the test's own switch, not agate's"
    )]
    let update = std::env::var_os("AGATE_UPDATE_DOCS").is_some();
    if update {
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "docs/rule-catalog.md is stale; run `AGATE_UPDATE_DOCS=1 cargo test -p agate-rules --test catalog`"
    );
}
