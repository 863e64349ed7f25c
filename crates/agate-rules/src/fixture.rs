use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use ast_grep_core::Matcher as _;

use agate_model::Finding;

use crate::rule::Fixture;
use crate::scanner::Engine;
use crate::{Rule, RuleSet};

/// tree-sitter's kind id of the `ERROR` nodes it makes of code that does not parse.
const ERROR_KIND: u16 = u16::MAX;

/// The result of checking one rule against its fixtures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureOutcome {
    /// The rule id.
    pub rule_id: String,
    /// Lines annotated `expect:` that matched, over all fixtures.
    pub expected: usize,
    /// Lines annotated `ok:` (near misses that must not match), over all fixtures.
    pub near_misses: usize,
    /// Everything wrong, one line each; empty when the rule passes.
    pub failures: Vec<String>,
}

impl FixtureOutcome {
    /// Returns true when the rule passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// An annotation in a fixture: `# expect: py.a, py.b` or `// ok: js.c`.
static ANNOTATION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:#|//|/\*)\s*(expect|ok):\s*([a-z0-9.\-]+(?:\s*,\s*[a-z0-9.\-]+)*)").ok()
});

/// Runs every rule of `rules` on its fixtures and reports, per rule, what failed.
///
/// A rule fails when it has no fixture; when its fixtures have no `expect:` or no `ok:`
/// line; when it misses an `expect:` line; or when it matches any line not annotated
/// `expect:` for it (an `ok:` line or any other).
pub fn check_fixtures(rules: &RuleSet) -> Vec<FixtureOutcome> {
    let rules: Vec<&Rule> = rules.iter().collect();
    rules.par_iter().map(|rule| check_rule(rule)).collect()
}

fn check_rule(rule: &Rule) -> FixtureOutcome {
    let mut outcome = FixtureOutcome {
        rule_id: rule.id().to_owned(),
        expected: 0,
        near_misses: 0,
        failures: Vec::new(),
    };
    if rule.fixtures().is_empty() {
        outcome.failures.push(format!(
            "no fixture: add `{}.<ext>` beside {} with `expect:` and `ok:` lines",
            rule.id(),
            rule.source()
        ));
        return outcome;
    }
    let engine = Engine::from_rules(std::iter::once(rule), rule.language().rule_targets());
    let matches_broken_code = rule.targets().any(|target| {
        rule.matcher(target)
            .and_then(|config| config.matcher.potential_kinds())
            .is_some_and(|kinds| kinds.contains(usize::from(ERROR_KIND)))
    });
    outcome.failures.extend(fixed_without_fix(rule));
    for fixture in rule
        .fixtures()
        .iter()
        .filter(|fixture| !crate::fix::is_fixed_fixture(&fixture.path))
    {
        if !rule.language().rule_targets().contains(&fixture.language) {
            outcome.failures.push(format!(
                "{}: a {} rule does not run on {} files",
                fixture.path,
                rule.language(),
                fixture.language
            ));
            continue;
        }
        let annotations = annotations(&fixture.text, rule.id());
        let expected: BTreeSet<u32> = annotations
            .iter()
            .filter(|(_, kind)| **kind == "expect")
            .map(|(line, _)| *line)
            .collect();
        outcome.expected += expected.len();
        outcome.near_misses += annotations.values().filter(|kind| **kind == "ok").count();
        // Annotations are blanked before the scan, so a rule id in a comment can neither
        // satisfy a keyword prefilter nor be matched by a rule that reads comments.
        let text = blank_annotations(&fixture.text);
        let analyzed = engine.analyze_text(&fixture.path, fixture.language, &text);
        let findings = analyzed.findings;
        for notice in analyzed.notices {
            // A rule about code that does not parse is tested on code that does not parse.
            if matches_broken_code && notice.message.starts_with(crate::scanner::SYNTAX_ERROR) {
                continue;
            }
            outcome
                .failures
                .push(format!("{}: {}", fixture.path, notice.message));
        }
        let matched: BTreeSet<u32> = findings
            .iter()
            .map(|finding| finding.location.start.line)
            .collect();
        for line in expected.difference(&matched) {
            outcome.failures.push(format!(
                "{}:{line}: expected a match, found none",
                fixture.path
            ));
        }
        for line in matched.difference(&expected) {
            let what = if annotations.get(line) == Some(&"ok") {
                "matched a line marked `ok`"
            } else {
                "unexpected match (mark the line `expect:` or fix the rule)"
            };
            outcome
                .failures
                .push(format!("{}:{line}: {what}", fixture.path));
        }
        outcome
            .failures
            .extend(check_fixes(&engine, rule, fixture, &findings));
    }
    if outcome.expected == 0 {
        outcome
            .failures
            .push(format!("fixtures have no `expect: {}` line", rule.id()));
    }
    if outcome.near_misses == 0 {
        outcome.failures.push(format!(
            "fixtures have no `ok: {}` line (add a near miss)",
            rule.id()
        ));
    }
    outcome
}

/// `dir/py.x.py` → `dir/py.x.fixed.py`.
fn fixed_path(path: &str) -> String {
    match path.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}{}.{extension}", crate::fix::FIXED_SUFFIX),
        None => format!("{path}{}", crate::fix::FIXED_SUFFIX),
    }
}

/// The `.fixed` files of a rule without a fix for their language.
fn fixed_without_fix(rule: &Rule) -> Vec<String> {
    rule.fixtures()
        .iter()
        .filter(|fixed| {
            crate::fix::is_fixed_fixture(&fixed.path) && !crate::fix::has_fix(rule, fixed.language)
        })
        .map(|fixed| {
            format!(
                "{}: the rule has no `fix:` for {} files; remove the file or add the fix",
                fixed.path, fixed.language
            )
        })
        .collect()
}

/// When `rule` has a fix for `fixture`'s language: [`check_fixed`] with the `.fixed` file.
fn check_fixes(
    engine: &Engine<'_>,
    rule: &Rule,
    fixture: &Fixture,
    findings: &[Finding],
) -> Vec<String> {
    if !crate::fix::has_fix(rule, fixture.language) {
        return Vec::new();
    }
    let want = fixed_path(&fixture.path);
    let fixed = rule.fixtures().iter().find(|fixed| fixed.path == want);
    check_fixed(engine, fixture, fixed, findings)
}

/// Checks a fixable rule's fixes on `fixture`, whose scan gave `findings`: applied, they
/// give exactly the `.fixed` file beside it, and leave nothing to fix.
fn check_fixed(
    engine: &Engine<'_>,
    fixture: &Fixture,
    fixed: Option<&Fixture>,
    findings: &[Finding],
) -> Vec<String> {
    let want = fixed_path(&fixture.path);
    let Some(fixed) = fixed else {
        return vec![format!(
            "{}: the rule has `fix:` but no `{want}`; add it: the fixture with every fix applied",
            fixture.path
        )];
    };
    let plans = match crate::fix::plan(findings) {
        Ok(plans) => plans,
        Err(error) => return vec![error.to_string()],
    };
    let edits = plans.iter().flat_map(crate::fix::FilePlan::fixes);
    // Annotations were blanked in place: the edits' offsets hold in the annotated text.
    let Some(applied) = crate::fix::apply_edits(&fixture.text, edits) else {
        return vec![format!(
            "{}: a fix does not fit the fixture's text",
            fixture.path
        )];
    };
    let mut failures = Vec::new();
    if applied != fixed.text {
        failures.push(format!(
            "{}: applying the fixes does not give `{}`:\n{}",
            fixture.path,
            fixed.path,
            crate::fix::diff_between(
                (&fixed.path, &fixed.text),
                ("what the fixes give", &applied)
            )
            .trim_end()
        ));
    }
    let again = engine.analyze_text(&fixed.path, fixed.language, &blank_annotations(&applied));
    for finding in again
        .findings
        .iter()
        .filter(|finding| finding.fix.is_some())
    {
        failures.push(format!(
            "{}:{}: the fixed code still has a fix to apply; a fix must remove what its rule matches",
            fixed.path, finding.location.start.line
        ));
    }
    if let Some(line) = crate::fix::new_syntax_error(fixture.language, &fixture.text, &applied) {
        failures.push(format!(
            "{}:{line}: the fixes leave a syntax error",
            fixed.path
        ));
    }
    failures
}

/// Replaces the `expect: ids` / `ok: ids` part of every annotation with spaces, keeping
/// every other byte (and so every line and column) where it was.
fn blank_annotations(text: &str) -> String {
    let Some(pattern) = ANNOTATION.as_ref() else {
        return text.to_owned();
    };
    let mut blanked = text.to_owned();
    for captures in pattern.captures_iter(text) {
        if let (Some(kind), Some(ids)) = (captures.get(1), captures.get(2)) {
            let range = kind.start()..ids.end();
            blanked.replace_range(range.clone(), &" ".repeat(range.len()));
        }
    }
    blanked
}

/// Maps 1-based line numbers to the annotation kind (`expect` or `ok`) naming `rule_id`.
fn annotations(text: &str, rule_id: &str) -> BTreeMap<u32, &'static str> {
    let mut found = BTreeMap::new();
    let Some(pattern) = ANNOTATION.as_ref() else {
        return found;
    };
    for (index, line) in text.lines().enumerate() {
        for captures in pattern.captures_iter(line) {
            let names_rule = captures[2].split(',').any(|id| id.trim() == rule_id);
            if names_rule {
                let kind = if &captures[1] == "expect" {
                    "expect"
                } else {
                    "ok"
                };
                found.insert(u32::try_from(index + 1).unwrap_or(u32::MAX), kind);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_blanked_in_place() {
        let text = "eval(x)  # expect: py.a, py.b\n";
        let blanked = blank_annotations(text);
        assert_eq!(blanked, "eval(x)  #                   \n");
        assert_eq!(blanked.len(), text.len());
    }

    #[test]
    fn annotations_name_rules_by_id() {
        let text = "a()  # expect: py.a, py.b\nb()  // ok: py.a\nc()\n";
        let found = annotations(text, "py.a");
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            [(1, "expect"), (2, "ok")]
        );
        assert_eq!(annotations(text, "py.b").len(), 1);
        assert!(annotations(text, "py.c").is_empty());
    }

    fn outcome_for(fixture: &str) -> FixtureOutcome {
        let yaml = "id: py.demo-eval\nlanguage: python\nmessage: m\nrule: { pattern: eval($X) }\nmetadata: { severity: high, confidence: high, cwe: [CWE-95] }\n";
        let rule = Rule::parse(
            "py.demo-eval.yaml",
            yaml,
            vec![("py.demo-eval.py".to_owned(), fixture.to_owned())],
            crate::rule::Compile::Now,
        )
        .unwrap();
        check_rule(&rule)
    }

    #[test]
    fn a_correct_fixture_passes() {
        let outcome = outcome_for(
            "eval(x)  # expect: py.demo-eval\nast.literal_eval(x)  # ok: py.demo-eval\n",
        );
        assert!(outcome.passed(), "{:?}", outcome.failures);
        assert_eq!((outcome.expected, outcome.near_misses), (1, 1));
    }

    #[test]
    fn a_fixture_that_does_not_parse_fails_unless_the_rule_is_about_broken_code() {
        let broken = "eval(x)  # expect: py.demo-eval\ndef (:\n";
        let outcome = outcome_for(broken);
        assert!(
            outcome
                .failures
                .iter()
                .any(|failure| failure.contains("syntax error")),
            "{:?}",
            outcome.failures
        );
        let yaml = "id: py.demo-fence\nlanguage: python\nmessage: m\nrule: { kind: ERROR, regex: '^```' }\nmetadata: { severity: low, confidence: high, cwe: [CWE-1164] }\n";
        let rule = Rule::parse(
            "py.demo-fence.yaml",
            yaml,
            vec![(
                "py.demo-fence.py".to_owned(),
                "x = \"```\"  # ok: py.demo-fence\n```python  # expect: py.demo-fence\n".to_owned(),
            )],
            crate::rule::Compile::Now,
        )
        .unwrap();
        let outcome = check_rule(&rule);
        assert!(outcome.passed(), "{:?}", outcome.failures);
    }

    #[test]
    fn misses_and_false_alarms_fail() {
        let outcome =
            outcome_for("x = 1  # expect: py.demo-eval\neval(y)  # ok: py.demo-eval\neval(z)\n");
        assert_eq!(
            outcome.failures,
            [
                "py.demo-eval.py:1: expected a match, found none",
                "py.demo-eval.py:2: matched a line marked `ok`",
                "py.demo-eval.py:3: unexpected match (mark the line `expect:` or fix the rule)",
            ]
        );
    }

    #[test]
    fn fixtures_need_both_kinds_of_annotation() {
        let outcome = outcome_for("eval(x)  # expect: py.demo-eval\n");
        assert!(outcome.failures[0].contains("no `ok: py.demo-eval` line"));
    }

    fn fix_outcome(fixtures: &[(&str, &str)], fix: bool) -> FixtureOutcome {
        let fix = if fix {
            "fix: ast.literal_eval($X)\n"
        } else {
            ""
        };
        let yaml = format!(
            "id: py.demo-eval\nlanguage: python\nmessage: m\nrule: {{ pattern: eval($X) }}\n{fix}metadata: {{ severity: high, confidence: high, cwe: [CWE-95] }}\n"
        );
        let set = RuleSet::from_files(
            std::iter::once(("py.demo-eval.yaml".to_owned(), yaml))
                .chain(
                    fixtures
                        .iter()
                        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned())),
                )
                .collect(),
            crate::rule::Compile::Now,
        )
        .unwrap();
        check_fixtures(&set).remove(0)
    }

    const FIXTURE: &str =
        "x = eval(a)  # expect: py.demo-eval\ny = literal(b)  # ok: py.demo-eval\n";

    #[test]
    fn issue_9_fixes_are_checked_against_the_fixed_file() {
        let right =
            "x = ast.literal_eval(a)  # expect: py.demo-eval\ny = literal(b)  # ok: py.demo-eval\n";
        let outcome = fix_outcome(
            &[
                ("py.demo-eval.py", FIXTURE),
                ("py.demo-eval.fixed.py", right),
            ],
            true,
        );
        // The `.fixed` file is not a second fixture: its line 1 has no match to expect.
        assert!(outcome.passed(), "{:?}", outcome.failures);
        assert_eq!(outcome.expected, 1);

        let wrong =
            "x = literal_eval(a)  # expect: py.demo-eval\ny = literal(b)  # ok: py.demo-eval\n";
        let outcome = fix_outcome(
            &[
                ("py.demo-eval.py", FIXTURE),
                ("py.demo-eval.fixed.py", wrong),
            ],
            true,
        );
        let [failure] = outcome.failures.as_slice() else {
            panic!("{:?}", outcome.failures);
        };
        assert!(
            failure.starts_with(
                "py.demo-eval.py: applying the fixes does not give `py.demo-eval.fixed.py`"
            ),
            "{failure}"
        );
        assert!(failure.contains("\n-x = literal_eval(a)"), "{failure}");
        assert!(failure.contains("\n+x = ast.literal_eval(a)"), "{failure}");
    }

    #[test]
    fn issue_9_a_fix_needs_a_fixed_file_and_a_fixed_file_a_fix() {
        let outcome = fix_outcome(&[("py.demo-eval.py", FIXTURE)], true);
        assert_eq!(
            outcome.failures,
            [
                "py.demo-eval.py: the rule has `fix:` but no `py.demo-eval.fixed.py`; add it: the fixture with every fix applied"
            ]
        );
        let outcome = fix_outcome(
            &[
                ("py.demo-eval.py", FIXTURE),
                ("py.demo-eval.fixed.py", FIXTURE),
            ],
            false,
        );
        assert_eq!(
            outcome.failures,
            [
                "py.demo-eval.fixed.py: the rule has no `fix:` for python files; remove the file or add the fix"
            ]
        );
    }

    #[test]
    fn issue_9_a_fix_must_remove_the_match() {
        let yaml = "id: py.demo-eval\nlanguage: python\nmessage: m\nrule: { pattern: eval($X) }\nfix: eval(eval($X))\nmetadata: { severity: high, confidence: high, cwe: [CWE-95] }\n";
        let fixed =
            "x = eval(eval(a))  # expect: py.demo-eval\ny = literal(b)  # ok: py.demo-eval\n";
        let set = RuleSet::from_files(
            vec![
                ("py.demo-eval.yaml".to_owned(), yaml.to_owned()),
                ("py.demo-eval.py".to_owned(), FIXTURE.to_owned()),
                ("py.demo-eval.fixed.py".to_owned(), fixed.to_owned()),
            ],
            crate::rule::Compile::Now,
        )
        .unwrap();
        let outcome = check_fixtures(&set).remove(0);
        assert_eq!(
            outcome.failures,
            [
                "py.demo-eval.fixed.py:1: the fixed code still has a fix to apply; a fix must remove what its rule matches"
            ]
        );
    }
}
