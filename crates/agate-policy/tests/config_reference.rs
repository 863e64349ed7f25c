//! docs/config.md must document every key the configuration accepts. The accepted keys are
//! read from the parser itself: an unknown key at each level makes it list the valid ones.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use agate_policy::{Overrides, load, resolve};

fn accepted_keys(yaml: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agate.yaml");
    std::fs::write(&path, yaml).unwrap();
    let error = load(&path)
        .and_then(|layers| resolve(&layers, &Overrides::default()))
        .unwrap_err()
        .to_string();
    let list = error
        .split("expected one of: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no key list in: {error}"));
    list.split(", ").map(|key| key.trim().to_owned()).collect()
}

#[test]
fn every_key_is_documented() {
    let reference =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/config.md"))
            .unwrap();
    let levels = [
        "zz_unknown: 1\n",
        "tiers:\n  zz_unknown: 1\n",
        "tiers:\n  ai:\n    zz_unknown: 1\n",
        "gates:\n  g:\n    zz_unknown: 1\n",
        "environments:\n  e:\n    zz_unknown: 1\n",
        "rules:\n  r:\n    zz_unknown: 1\n",
        "provenance:\n  zz_unknown: 1\n",
        "provenance:\n  ai_identities:\n    - zz_unknown: 1\n",
        "gates:\n  g:\n    external:\n      - zz_unknown: 1\n",
        "gates:\n  g:\n    coverage:\n      zz_unknown: 1\n",
        "gates:\n  g:\n    api:\n      zz_unknown: 1\n",
        "gates:\n  g:\n    api:\n      start:\n        zz_unknown: 1\n",
        "gates:\n  g:\n    load:\n      - zz_unknown: 1\n",
        "gates:\n  g:\n    llm_review:\n      zz_unknown: 1\n",
        "environments:\n  e:\n    load:\n      t:\n        zz_unknown: 1\n",
        "notify:\n  zz_unknown: 1\n",
        "tests:\n  zz_unknown: 1\n",
        "triage:\n  zz_unknown: 1\n",
        "notify:\n  on_block:\n    - zz_unknown: 1\n",
        "compliance:\n  zz_unknown: 1\n",
    ];
    let mut missing = Vec::new();
    for yaml in levels {
        let keys = accepted_keys(yaml);
        assert!(!keys.is_empty(), "{yaml}");
        for key in keys {
            if !reference.contains(&format!("`{key}`")) {
                missing.push(format!("{key} (from {yaml:?})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/config.md does not document: {missing:?}"
    );
}
