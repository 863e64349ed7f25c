//! agate's test-integrity analyzer: what a change does to the tests that guard the code.
//!
//! An agent asked to make the build green can do it by weakening the checks instead of
//! fixing the code: deleting a failing test, emptying it, skipping it, replacing
//! `assertEqual(total, 90)` with `assertTrue(True)`, lowering `fail_under`, or silencing a
//! linter with `# noqa`. This crate compares each file the change touches as it was at the
//! base ([`FileChange::before`]) with what it is now ([`FileChange::after`]) and reports
//! every such step as a finding of analyzer `test-integrity`.
//!
//! Tests are read from syntax trees (Python, JavaScript, TypeScript and Java, through
//! `agate-lang`'s grammars), not lines: a test function is matched with its counterpart at
//! the base by name — in the same file, or, when a file was renamed or tests moved, in any
//! file of the change — so moving tests is not deleting them. Coverage thresholds and
//! suppression comments are read line by line: they are settings and comments, not code.
//!
//! The crate reads no files and knows nothing of git: the caller hands it both versions.
//!
//! ```
//! use agate_integrity::{FileChange, analyze};
//!
//! let change = FileChange {
//!     path: "tests/test_pricing.py".to_owned(),
//!     before: Some("def test_total():\n    assert total(2) == 4\n".to_owned()),
//!     after: Some("def test_total():\n    assert True\n".to_owned()),
//! };
//! let findings = analyze(&[change], &|_| false);
//! assert_eq!(findings[0].rule_id.as_str(), "test-integrity.assertion-loosened");
//! ```
#![warn(missing_docs)]

mod config;
mod suite;

use std::collections::{BTreeMap, HashMap};

use agate_lang::Language;
use agate_model::{
    Analyzer, Confidence, Finding, Fingerprint, FingerprintInput, Location, Position,
    RuleDescriptor, Severity,
};

use crate::suite::{Strength, TestFn};

/// One file the change touches, in both versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path relative to the scan root, `/`-separated.
    pub path: String,
    /// The text at the base; `None` when the change adds the file.
    pub before: Option<String>,
    /// The text now; `None` when the change deletes the file.
    pub after: Option<String>,
}

/// Each rule: id, severity, summary, and how to fix a finding.
const RULES: &[(&str, Severity, &str, &str)] = &[
    (
        "test-integrity.test-file-deleted",
        Severity::High,
        "a test file was deleted with its tests",
        "Restore the file, or move its tests to another file of the change under the same names.",
    ),
    (
        "test-integrity.test-deleted",
        Severity::High,
        "a test function was deleted",
        "Restore the test; if the behaviour it checked is gone on purpose, say so in the review and baseline the finding with a reason.",
    ),
    (
        "test-integrity.test-emptied",
        Severity::High,
        "a test function's body now does nothing",
        "Restore the test's body and fix the code it checks.",
    ),
    (
        "test-integrity.test-skipped",
        Severity::High,
        "a skip or xfail marker was added to a test",
        "Remove the marker and fix the code the test checks; a known failure belongs in an issue, not a silenced test.",
    ),
    (
        "test-integrity.test-focused",
        Severity::High,
        "`.only` or `fit` was added: the other tests stop running",
        "Remove `.only`/`fit`/`fdescribe`: they are for a local run, never for a commit.",
    ),
    (
        "test-integrity.assertion-removed",
        Severity::High,
        "a test has fewer assertions than at the base",
        "Restore the assertions; a test that checks less lets the code change behaviour unnoticed.",
    ),
    (
        "test-integrity.assertion-loosened",
        Severity::High,
        "a test's assertions check less than at the base",
        "Compare values again (`assertEqual`, `toBe`, `assertEquals`) instead of only truthiness or existence.",
    ),
    (
        "test-integrity.coverage-threshold-lowered",
        Severity::High,
        "a coverage threshold was lowered or removed",
        "Restore the threshold and add tests for the code that is not covered.",
    ),
    (
        "test-integrity.suppression-added",
        Severity::Medium,
        "a comment that silences a checker was added",
        "Fix what the checker reports instead; where the suppression is right, give it a reason the reviewer can judge.",
    ),
];

/// The descriptors of the rules this analyzer reports, for reports and `rules:` settings.
pub fn rules() -> Vec<RuleDescriptor> {
    RULES
        .iter()
        .map(|&(id, severity, summary, fix)| RuleDescriptor {
            id: id.to_owned(),
            language: "any".to_owned(),
            summary: summary.to_owned(),
            help: format!(
                "## Why it matters\n\nTests are the check a change cannot talk its way past; a change that weakens them, especially one an AI agent wrote to make the build green, removes that check.\n\n## How to fix\n\n{fix}\n"
            ),
            severity,
            confidence: Confidence::High,
            cwe: Vec::new(),
            owasp: Vec::new(),
            compliance: Vec::new(),
            ai_pattern: false,
        })
        .collect()
}

/// Whether `path` is a test file by the usual conventions: `test_*.py`, `*_test.py`,
/// `conftest.py`, `*.test.ts`, `*.spec.js`, files under `tests/`, `test/`, `__tests__/`,
/// `spec/`, and `*Test.java`/`*Tests.java`/`*IT.java`.
pub fn is_conventional_test(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let in_folder = path
        .split('/')
        .rev()
        .skip(1)
        .any(|folder| matches!(folder, "test" | "tests" | "__tests__" | "spec" | "specs"));
    let stem = name.split('.').next().unwrap_or(name);
    let extension = std::path::Path::new(name)
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let by_name = name.starts_with("test_") && extension == "py"
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || name.contains(".test.")
        || name.contains(".spec.")
        || extension == "java"
            && (stem.ends_with("Test") || stem.ends_with("Tests") || stem.ends_with("IT"));
    in_folder || by_name
}

/// Compares every file of `changes` at the base and now, and returns the findings of
/// analyzer `test-integrity`, sorted by path and line. `is_test` names the project's test
/// files (its `tests.paths`) on top of [`is_conventional_test`].
pub fn analyze(changes: &[FileChange], is_test: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    tests_changed(changes, is_test, &mut findings);
    for change in changes {
        thresholds_changed(change, &mut findings);
    }
    suppressions_added(changes, &mut findings);
    // Each finding shows its line as it is now (none for a deleted file).
    for finding in &mut findings {
        let line = changes
            .iter()
            .find(|change| change.path == finding.location.path.as_str())
            .and_then(|change| change.after.as_ref())
            .and_then(|text| {
                let index = usize::try_from(finding.location.start.line).ok()?;
                text.lines().nth(index.checked_sub(1)?)
            });
        if let Some(line) = line {
            line.clone_into(&mut finding.snippet);
            // At the line's first character, past its indentation.
            let indent = line.chars().take_while(|c| c.is_whitespace()).count();
            let column = u32::try_from(indent + 1).unwrap_or(1);
            finding.location.start.column = column;
            finding.location.end.column = column;
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// A test function found in one version of one file.
struct Located<'a> {
    path: &'a str,
    test: TestFn,
}

fn tests_of<'a>(
    changes: &'a [FileChange],
    is_test: &dyn Fn(&str) -> bool,
    version: impl Fn(&'a FileChange) -> Option<&'a String>,
) -> Vec<Located<'a>> {
    changes
        .iter()
        .filter(|change| is_test(&change.path) || is_conventional_test(&change.path))
        .filter_map(|change| {
            let language = Language::from_path(&change.path)?;
            let text = version(change)?;
            Some(
                suite::tests(language, text)
                    .into_iter()
                    .map(|test| Located {
                        path: &change.path,
                        test,
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .collect()
}

fn tests_changed(changes: &[FileChange], is_test: &dyn Fn(&str) -> bool, out: &mut Vec<Finding>) {
    let before = tests_of(changes, is_test, |change| change.before.as_ref());
    let after = tests_of(changes, is_test, |change| change.after.as_ref());
    // Each test now, matched at most once: first in its own file, then anywhere (moved).
    let mut taken = vec![false; after.len()];
    let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
    for (index, old) in before.iter().enumerate() {
        let find = |same_file: bool, taken: &[bool]| {
            after.iter().enumerate().position(|(candidate, new)| {
                !taken[candidate]
                    && new.test.name == old.test.name
                    && (new.path == old.path) == same_file
            })
        };
        let found = find(true, &taken);
        if let Some(found) = found {
            taken[found] = true;
        }
        pairs.push((index, found));
    }
    for (index, found) in &mut pairs {
        if found.is_none() {
            let old = &before[*index];
            *found = after.iter().enumerate().position(|(candidate, new)| {
                !taken[candidate] && new.test.name == old.test.name && new.path != old.path
            });
            if let Some(found) = *found {
                taken[found] = true;
            }
        }
    }
    let deleted_files: Vec<&str> = changes
        .iter()
        .filter(|change| change.before.is_some() && change.after.is_none())
        .map(|change| change.path.as_str())
        .collect();
    let mut gone_with_file: BTreeMap<&str, Vec<&TestFn>> = BTreeMap::new();
    for (index, found) in pairs {
        let old = &before[index];
        match found {
            Some(found) => compare(old, &after[found], out),
            None if deleted_files.contains(&old.path) => {
                gone_with_file.entry(old.path).or_default().push(&old.test);
            }
            None => {
                let lines = changes
                    .iter()
                    .find(|change| change.path == old.path)
                    .and_then(|change| change.after.as_ref())
                    .map_or(1, |text| text.lines().count().max(1));
                let line = old.test.line.min(u32::try_from(lines).unwrap_or(u32::MAX));
                let count = old.test.meaningful();
                out.push(finding(
                    "test-integrity.test-deleted",
                    Severity::High,
                    Confidence::High,
                    format!(
                        "test `{}` deleted (it had {count} {})",
                        old.test.name,
                        plural(count, "assertion", "assertions")
                    ),
                    old.path,
                    line,
                    &old.test.name,
                ));
            }
        }
    }
    for (path, tests) in gone_with_file {
        let assertions: usize = tests.iter().map(|test| test.meaningful()).sum();
        let mut names: Vec<String> = tests
            .iter()
            .take(5)
            .map(|test| format!("`{}`", test.name))
            .collect();
        if tests.len() > 5 {
            names.push(format!("and {} more", tests.len() - 5));
        }
        out.push(finding(
            "test-integrity.test-file-deleted",
            Severity::High,
            Confidence::High,
            format!(
                "test file `{path}` deleted with {} {} ({}; {assertions} {})",
                tests.len(),
                plural(tests.len(), "test", "tests"),
                names.join(", "),
                plural(assertions, "assertion", "assertions")
            ),
            path,
            1,
            path,
        ));
    }
    // A new test that is focused silences every other test of its file or run.
    for (index, new) in after.iter().enumerate() {
        if !taken[index]
            && let Some(focus) = &new.test.focused
        {
            out.push(focused(new, focus));
        }
    }
}

fn focused(new: &Located<'_>, focus: &str) -> Finding {
    finding(
        "test-integrity.test-focused",
        Severity::High,
        Confidence::High,
        format!(
            "test `{}` is focused with `{focus}`: the other tests stop running",
            new.test.name
        ),
        new.path,
        new.test.line,
        &new.test.name,
    )
}

/// What the change did to one test that is still there.
fn compare(old: &Located<'_>, new: &Located<'_>, out: &mut Vec<Finding>) {
    let name = &new.test.name;
    let (path, line) = (new.path, new.test.line);
    if old.test.focused.is_none()
        && let Some(focus) = &new.test.focused
    {
        out.push(focused(new, focus));
    }
    if old.test.skipped.is_none()
        && let Some(skip) = &new.test.skipped
    {
        out.push(finding(
            "test-integrity.test-skipped",
            Severity::High,
            Confidence::High,
            format!("test `{name}` is now skipped (`{skip}`)"),
            path,
            line,
            name,
        ));
        return;
    }
    let (was, now) = (old.test.meaningful(), new.test.meaningful());
    if new.test.empty && !old.test.empty {
        out.push(finding(
            "test-integrity.test-emptied",
            Severity::High,
            Confidence::High,
            format!(
                "test `{name}` emptied: its body does nothing now (it had {was} {})",
                plural(was, "assertion", "assertions")
            ),
            path,
            line,
            name,
        ));
        return;
    }
    if new.test.assertions.len() < old.test.assertions.len() && now < was {
        out.push(finding(
            "test-integrity.assertion-removed",
            Severity::High,
            Confidence::High,
            format!(
                "test `{name}` has {now} {} where it had {was} at the base",
                plural(now, "assertion", "assertions")
            ),
            path,
            line,
            name,
        ));
        return;
    }
    if now < was || new.test.strong() < old.test.strong() {
        // The first assertion that is new and checks less than a comparison.
        let weaker = new.test.assertions.iter().find(|assertion| {
            assertion.strength != Strength::Strong
                && !old
                    .test
                    .assertions
                    .iter()
                    .any(|old| old.text == assertion.text)
        });
        let dropped = old.test.assertions.iter().find(|assertion| {
            assertion.strength == Strength::Strong
                && !new
                    .test
                    .assertions
                    .iter()
                    .any(|new| new.text == assertion.text)
        });
        let what = match (dropped, weaker) {
            (Some(dropped), Some(weaker)) => {
                format!("`{}` became `{}`", clip(&dropped.text), clip(&weaker.text))
            }
            _ => format!(
                "{} of {} assertions now compare values, {} at the base",
                new.test.strong(),
                new.test.assertions.len(),
                old.test.strong()
            ),
        };
        out.push(finding(
            "test-integrity.assertion-loosened",
            Severity::High,
            Confidence::Medium,
            format!("assertion of test `{name}` loosened: {what}"),
            path,
            weaker.map_or(line, |weaker| weaker.line),
            name,
        ));
    }
}

fn thresholds_changed(change: &FileChange, out: &mut Vec<Finding>) {
    let Some(before) = &change.before else {
        return;
    };
    let old = config::thresholds(&change.path, before);
    if old.is_empty() {
        return;
    }
    let new = change
        .after
        .as_ref()
        .map(|after| config::thresholds(&change.path, after))
        .unwrap_or_default();
    // Paired by setting, in order of appearance.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for threshold in &old {
        let occurrence = seen.entry(threshold.setting.as_str()).or_default();
        let now = new
            .iter()
            .filter(|candidate| candidate.setting == threshold.setting)
            .nth(*occurrence);
        *occurrence += 1;
        let (message, line) = match now {
            Some(now) if now.value < threshold.value => (
                format!(
                    "coverage threshold `{}` lowered from {} to {}",
                    threshold.setting, threshold.value, now.value
                ),
                now.line,
            ),
            Some(_) => continue,
            None if change.after.is_none() => (
                format!(
                    "coverage threshold `{}` ({}) removed with `{}`",
                    threshold.setting, threshold.value, change.path
                ),
                1,
            ),
            None => (
                format!(
                    "coverage threshold `{}` ({}) removed",
                    threshold.setting, threshold.value
                ),
                threshold.line.min(change.after.as_ref().map_or(1, |after| {
                    u32::try_from(after.lines().count().max(1)).unwrap_or(1)
                })),
            ),
        };
        out.push(finding(
            "test-integrity.coverage-threshold-lowered",
            Severity::High,
            Confidence::High,
            message,
            &change.path,
            line,
            &threshold.setting,
        ));
    }
}

/// Suppression comments now that the base did not have, counted across the change by their
/// line's text, so a moved or renamed file brings none.
fn suppressions_added(changes: &[FileChange], out: &mut Vec<Finding>) {
    let mut before: HashMap<(&str, String), usize> = HashMap::new();
    for text in changes.iter().filter_map(|change| change.before.as_ref()) {
        for line in text.lines() {
            for marker in config::suppressions(line) {
                *before.entry((marker, suite::collapse(line))).or_default() += 1;
            }
        }
    }
    for change in changes {
        let Some(after) = &change.after else { continue };
        for (index, line) in after.lines().enumerate() {
            for marker in config::suppressions(line) {
                let count = before.entry((marker, suite::collapse(line))).or_default();
                if *count > 0 {
                    *count -= 1;
                    continue;
                }
                out.push(finding(
                    "test-integrity.suppression-added",
                    Severity::Medium,
                    Confidence::High,
                    format!(
                        "suppression comment `{}` added",
                        marker.trim_end_matches('[')
                    ),
                    &change.path,
                    u32::try_from(index + 1).unwrap_or(u32::MAX),
                    &suite::collapse(line),
                ));
            }
        }
    }
}

fn finding(
    rule_id: &str,
    severity: Severity,
    confidence: Confidence,
    message: String,
    path: &str,
    line: u32,
    code: &str,
) -> Finding {
    let position = Position { line, column: 1 };
    let location = Location {
        path: path.into(),
        start: position,
        end: position,
    };
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id,
        path,
        code,
        scope: "",
        occurrence: 0,
    });
    Finding::new(
        rule_id,
        Analyzer::TestIntegrity,
        severity,
        confidence,
        message,
        location,
        fingerprint,
    )
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// An assertion's text for a message: at most 60 characters.
fn clip(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests;
