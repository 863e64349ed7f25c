//! The dependency rules of docs/architecture.md, checked: each crate depends only on the
//! agate crates it is meant to, so the model stays plain data, an engine never reaches
//! into another engine, and only the pipeline (and the CLI over it) joins them.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::collections::BTreeSet;
use std::path::Path;

/// Each agate crate and the agate crates it may depend on.
const ALLOWED: &[(&str, &[&str])] = &[
    ("agate-fs", &[]),
    ("agate-http", &[]),
    ("agate-model", &[]),
    ("agate-lang", &["agate-model"]),
    ("agate-taint", &["agate-lang"]),
    ("agate-schema", &[]),
    (
        "agate-llm",
        &["agate-model", "agate-fs", "agate-http", "agate-lang"],
    ),
    ("agate-attest", &["agate-model"]),
    ("agate-load", &["agate-model"]),
    (
        "agate-rules",
        &["agate-model", "agate-lang", "agate-fs", "agate-taint"],
    ),
    ("agate-secrets", &["agate-model", "agate-lang", "agate-fs"]),
    (
        "agate-deps",
        &["agate-model", "agate-lang", "agate-fs", "agate-http"],
    ),
    ("agate-integrity", &["agate-model", "agate-lang"]),
    ("agate-provenance", &["agate-fs"]),
    ("agate-process", &["agate-http"]),
    (
        "agate-external",
        &["agate-model", "agate-fs", "agate-http", "agate-process"],
    ),
    (
        "agate-api",
        &["agate-model", "agate-fs", "agate-http", "agate-schema"],
    ),
    ("agate-policy", &["agate-model", "agate-fs", "agate-http"]),
    ("agate-report", &["agate-model"]),
    ("agate-server", &["agate-model", "agate-attest"]),
    ("agate-compliance", &["agate-model"]),
    (
        "agate-notify",
        &["agate-model", "agate-report", "agate-http"],
    ),
    (
        "agate-contract",
        &["agate-model", "agate-fs", "agate-schema"],
    ),
    (
        "agate-pipeline",
        &[
            "agate-model",
            "agate-fs",
            "agate-lang",
            "agate-rules",
            "agate-secrets",
            "agate-deps",
            "agate-provenance",
            "agate-external",
            "agate-contract",
            "agate-integrity",
            "agate-api",
            "agate-process",
            "agate-load",
            "agate-policy",
            "agate-compliance",
            "agate-llm",
        ],
    ),
];

/// The agate crates `crate_dir`'s Cargo.toml lists under `[dependencies]`.
fn agate_dependencies(crate_dir: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    manifest
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .map(|dependencies| {
            dependencies
                .keys()
                .filter(|name| name.starts_with("agate"))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn issue_8_crates_depend_only_on_what_the_architecture_allows() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = BTreeSet::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if name == "agate" || !dir.join("Cargo.toml").is_file() {
            // The CLI may use every library.
            continue;
        }
        let allowed: BTreeSet<String> = ALLOWED
            .iter()
            .find(|(known, _)| *known == name)
            .unwrap_or_else(|| {
                panic!("crate `{name}` is new: add it to ALLOWED and to docs/architecture.md")
            })
            .1
            .iter()
            .map(|&allowed| allowed.to_owned())
            .collect();
        let extra: Vec<String> = agate_dependencies(&dir)
            .difference(&allowed)
            .cloned()
            .collect();
        assert!(
            extra.is_empty(),
            "`{name}` depends on {extra:?}, which docs/architecture.md does not allow"
        );
        checked.insert(name);
    }
    assert_eq!(checked.len(), ALLOWED.len(), "every listed crate exists");
}
