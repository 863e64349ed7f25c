//! Runs every bundled rule on its fixture, as `agate rules test` does.

use agate_rules::{RuleSet, check_fixtures};

#[test]
fn every_bundled_rule_passes_its_fixture() {
    let rules = RuleSet::bundled().expect("bundled rules load");
    let failures: Vec<String> = check_fixtures(&rules)
        .into_iter()
        .filter(|outcome| !outcome.passed())
        .flat_map(|outcome| {
            outcome
                .failures
                .into_iter()
                .map(move |failure| format!("{}: {failure}", outcome.rule_id))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
