use std::collections::BTreeSet;
use std::path::Path;

use crate::agate;

/// `(path, line, rule)` for every `expect: <rule>[, <rule>…]` annotation under `dir`.
fn expected(dir: &Path) -> BTreeSet<(String, u64, String)> {
    let mut expected = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() || path.extension().is_some_and(|extension| extension == "md") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (index, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            if let Some(at) = line.find("expect: ") {
                let rules = line[at + 8..].trim().trim_end_matches("*/}").trim();
                for rule in rules.split(',') {
                    expected.insert((name.clone(), index as u64 + 1, rule.trim().to_owned()));
                }
            }
        }
    }
    expected
}

#[test]
fn realistic_corpus_reports_exactly_the_planted_flaws() {
    // Scanned from a copy: agate writes caches under the root, and the source tree stays clean.
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let dir = copy.path().to_path_buf();
    let output = agate(&dir)
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
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
    let expected = expected(&dir);
    let missed: Vec<_> = expected.difference(&found).collect();
    let false_alarms: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && false_alarms.is_empty(),
        "missed: {missed:#?}\nfalse alarms: {false_alarms:#?}"
    );
    assert!(
        expected.len() >= 30,
        "the corpus plants {} flaws",
        expected.len()
    );
}
