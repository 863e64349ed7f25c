use super::*;

fn change(path: &str, before: Option<&str>, after: Option<&str>) -> FileChange {
    FileChange {
        path: path.to_owned(),
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
    }
}

/// (rule id, line, message) of each finding.
fn found(changes: &[FileChange]) -> Vec<(String, u32, String)> {
    analyze(changes, &|_| false)
        .into_iter()
        .map(|finding| {
            assert_eq!(finding.analyzer, Analyzer::TestIntegrity);
            (
                finding.rule_id.to_string(),
                finding.location.start.line,
                finding.message.to_string(),
            )
        })
        .collect()
}

fn rules(changes: &[FileChange]) -> Vec<String> {
    found(changes)
        .into_iter()
        .map(|(rule, _, _)| rule)
        .collect()
}

const PY: &str = "\
import pytest


def test_refund_rejects_negative():
    with pytest.raises(ValueError):
        refund(-1)
    assert refund(0) == 0
    assert refund(5) == 5


def test_total():
    assert total([1, 2]) == 3


class TestCart(unittest.TestCase):
    def test_add(self):
        self.assertEqual(add(1, 2), 3)
        self.assertEqual(add(2, 2), 4)
";

const JS: &str = "\
describe('refund', () => {
  it('rejects negative amounts', () => {
    expect(() => refund(-1)).toThrow();
    expect(refund(0)).toBe(0);
    expect(refund(5)).toEqual(5);
  });

  test('totals', () => {
    expect(total([1, 2])).toBe(3);
  });
});
";

const JAVA: &str = "\
import org.junit.jupiter.api.Test;

class RefundTest {
    @Test
    void rejectsNegative() {
        assertThrows(IllegalArgumentException.class, () -> refund(-1));
        assertEquals(0, refund(0));
        assertEquals(5, refund(5));
    }

    @Test
    void totals() {
        assertEquals(3, total(1, 2));
    }
}
";

#[test]
fn issue_10_unchanged_and_added_tests_are_not_findings() {
    for (path, text) in [
        ("tests/test_refund.py", PY),
        ("src/refund.test.js", JS),
        ("src/test/java/RefundTest.java", JAVA),
    ] {
        assert!(found(&[change(path, Some(text), Some(text))]).is_empty());
        assert!(
            found(&[change(path, None, Some(text))]).is_empty(),
            "{path}"
        );
    }
    let more = format!("{PY}\n\ndef test_more():\n    assert more() == 1\n");
    assert!(found(&[change("tests/test_refund.py", Some(PY), Some(&more))]).is_empty());
}

#[test]
fn issue_10_deleted_test_files_name_their_tests() {
    for (path, text, tests) in [
        ("tests/test_refund.py", PY, 3),
        ("src/refund.test.js", JS, 2),
        ("src/test/java/RefundTest.java", JAVA, 2),
    ] {
        let findings = found(&[change(path, Some(text), None)]);
        assert_eq!(findings.len(), 1, "{path}: {findings:?}");
        let (rule, line, message) = &findings[0];
        assert_eq!(rule, "test-integrity.test-file-deleted");
        assert_eq!(*line, 1);
        assert!(
            message.contains(&format!("with {tests} tests")),
            "{message}"
        );
    }
    // A file without tests (a helper) is not a deleted test file.
    assert!(found(&[change("tests/helpers.py", Some("X = 1\n"), None)]).is_empty());
}

#[test]
fn issue_10_a_renamed_test_file_with_the_same_tests_is_not_a_deletion() {
    for (old, new, text) in [
        ("tests/test_refund.py", "tests/test_refunds.py", PY),
        ("src/refund.test.js", "src/refunds.spec.js", JS),
        (
            "src/test/java/RefundTest.java",
            "src/test/java/RefundsTest.java",
            JAVA,
        ),
    ] {
        let changes = [change(old, Some(text), None), change(new, None, Some(text))];
        assert!(found(&changes).is_empty(), "{old} → {new}");
    }
    // Moved, but weakened on the way: compared with where it went.
    let weakened = PY.replace("    assert refund(5) == 5\n", "");
    let changes = [
        change("tests/test_refund.py", Some(PY), None),
        change("tests/unit/test_refund.py", None, Some(&weakened)),
    ];
    assert_eq!(rules(&changes), ["test-integrity.assertion-removed"]);
}

#[test]
fn issue_10_deleted_test_functions_say_what_was_removed() {
    let python = PY.replace(
        "def test_refund_rejects_negative():\n    with pytest.raises(ValueError):\n        refund(-1)\n    assert refund(0) == 0\n    assert refund(5) == 5\n",
        "",
    );
    let findings = found(&[change("tests/test_refund.py", Some(PY), Some(&python))]);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].2,
        "test `test_refund_rejects_negative` deleted (it had 3 assertions)"
    );
    let js = JS.replace(
        "  test('totals', () => {\n    expect(total([1, 2])).toBe(3);\n  });\n",
        "",
    );
    let findings = found(&[change("a.test.js", Some(JS), Some(&js))]);
    assert_eq!(findings[0].0, "test-integrity.test-deleted");
    assert_eq!(
        findings[0].2,
        "test `refund > totals` deleted (it had 1 assertion)"
    );
    let java = JAVA.replace(
        "    @Test\n    void totals() {\n        assertEquals(3, total(1, 2));\n    }\n",
        "",
    );
    let findings = found(&[change(
        "src/test/java/RefundTest.java",
        Some(JAVA),
        Some(&java),
    )]);
    assert_eq!(
        findings[0].2,
        "test `RefundTest.totals` deleted (it had 1 assertion)"
    );
}

#[test]
fn issue_10_emptied_tests_are_findings() {
    let python = PY.replace(
        "def test_total():\n    assert total([1, 2]) == 3\n",
        "def test_total():\n    \"\"\"Later.\"\"\"\n    pass  # flaky\n",
    );
    let js = JS.replace("    expect(total([1, 2])).toBe(3);\n", "    // flaky\n");
    let java = JAVA.replace(
        "        assertEquals(3, total(1, 2));\n",
        "        return;\n",
    );
    for (path, before, after, line) in [
        ("tests/test_refund.py", PY, python.as_str(), 11),
        ("refund.spec.ts", JS, js.as_str(), 8),
        ("src/test/java/RefundTest.java", JAVA, java.as_str(), 11),
    ] {
        let findings = found(&[change(path, Some(before), Some(after))]);
        assert_eq!(findings.len(), 1, "{path}: {findings:?}");
        assert_eq!(findings[0].0, "test-integrity.test-emptied");
        assert_eq!(findings[0].1, line, "{path}");
    }
}

#[test]
fn issue_10_skip_markers_added_are_findings() {
    let cases = [
        (
            "tests/test_refund.py",
            PY,
            PY.replace(
                "def test_total",
                "@pytest.mark.skip(reason=\"flaky\")\ndef test_total",
            ),
        ),
        (
            "tests/test_refund.py",
            PY,
            PY.replace("def test_total", "@pytest.mark.xfail\ndef test_total"),
        ),
        (
            "tests/test_refund.py",
            PY,
            PY.replace(
                "    def test_add(self):\n",
                "    def test_add(self):\n        self.skipTest(\"later\")\n",
            ),
        ),
        (
            "a.test.js",
            JS,
            JS.replace("test('totals'", "test.skip('totals'"),
        ),
        ("a.test.js", JS, JS.replace("test('totals'", "xit('totals'")),
        (
            "src/test/java/RefundTest.java",
            JAVA,
            JAVA.replace(
                "    @Test\n    void totals",
                "    @Disabled(\"flaky\")\n    @Test\n    void totals",
            ),
        ),
        (
            "src/test/java/RefundTest.java",
            JAVA,
            JAVA.replace(
                "    @Test\n    void totals",
                "    @Ignore\n    @Test\n    void totals",
            ),
        ),
    ];
    for (path, before, after) in cases {
        let findings = found(&[change(path, Some(before), Some(&after))]);
        assert_eq!(findings.len(), 1, "{after}: {findings:?}");
        assert_eq!(findings[0].0, "test-integrity.test-skipped", "{after}");
    }
    // A skipped suite skips every test in it.
    let js = JS.replace("describe('refund'", "describe.skip('refund'");
    assert_eq!(
        rules(&[change("a.test.js", Some(JS), Some(&js))]),
        ["test-integrity.test-skipped", "test-integrity.test-skipped"]
    );
    let python = PY.replace(
        "class TestCart",
        "@unittest.skip(\"later\")\nclass TestCart",
    );
    assert_eq!(
        rules(&[change("tests/test_refund.py", Some(PY), Some(&python))]),
        ["test-integrity.test-skipped"]
    );
}

#[test]
fn issue_10_focused_tests_are_findings() {
    for after in [
        JS.replace("test('totals'", "test.only('totals'"),
        JS.replace("it('rejects", "fit('rejects"),
        JS.replace("describe('refund'", "describe.only('refund'"),
    ] {
        let found = rules(&[change("a.test.ts", Some(JS), Some(&after))]);
        assert!(!found.is_empty(), "{after}");
        assert!(
            found
                .iter()
                .all(|rule| rule == "test-integrity.test-focused"),
            "{found:?}"
        );
    }
    // A new focused test silences the others too.
    let added = format!("{JS}\nit.only('new', () => {{ expect(a()).toBe(1); }});\n");
    assert_eq!(
        rules(&[change("a.test.ts", Some(JS), Some(&added))]),
        ["test-integrity.test-focused"]
    );
}

#[test]
fn issue_10_removed_assertions_are_findings() {
    let python = PY.replace("    assert refund(5) == 5\n", "");
    let js = JS.replace("    expect(refund(5)).toEqual(5);\n", "");
    let java = JAVA.replace("        assertEquals(5, refund(5));\n", "");
    for (path, before, after) in [
        ("tests/test_refund.py", PY, python),
        ("a.test.js", JS, js),
        ("src/test/java/RefundTest.java", JAVA, java),
    ] {
        let findings = found(&[change(path, Some(before), Some(&after))]);
        assert_eq!(findings.len(), 1, "{path}: {findings:?}");
        assert_eq!(findings[0].0, "test-integrity.assertion-removed");
        assert!(
            findings[0].2.contains("has 2 assertions where it had 3"),
            "{}",
            findings[0].2
        );
    }
}

#[test]
fn issue_10_loosened_assertions_are_findings() {
    let cases = [
        (
            "tests/test_refund.py",
            PY,
            PY.replace("self.assertEqual(add(1, 2), 3)", "self.assertTrue(True)"),
            "`self.assertEqual(add(1, 2), 3)` became `self.assertTrue(True)`",
        ),
        (
            "tests/test_refund.py",
            PY,
            PY.replace("assert total([1, 2]) == 3", "assert True"),
            "`assert total([1, 2]) == 3` became `assert True`",
        ),
        (
            "a.test.js",
            JS,
            JS.replace("expect(total([1, 2])).toBe(3)", "expect(true).toBe(true)"),
            "became `expect(true).toBe(true)`",
        ),
        (
            "a.test.js",
            JS,
            JS.replace(
                "expect(refund(5)).toEqual(5)",
                "expect(refund(5)).toBeDefined()",
            ),
            "`expect(refund(5)).toEqual(5)` became `expect(refund(5)).toBeDefined()`",
        ),
        (
            "a.test.js",
            JS,
            JS.replace(
                "expect(refund(0)).toBe(0)",
                "expect(refund(0)).toBeTruthy()",
            ),
            "became `expect(refund(0)).toBeTruthy()`",
        ),
        (
            "src/test/java/RefundTest.java",
            JAVA,
            JAVA.replace("assertEquals(3, total(1, 2))", "assertTrue(true)"),
            "`assertEquals(3, total(1, 2))` became `assertTrue(true)`",
        ),
        (
            "src/test/java/RefundTest.java",
            JAVA,
            JAVA.replace("assertEquals(3, total(1, 2))", "assertNotNull(total(1, 2))"),
            "became `assertNotNull(total(1, 2))`",
        ),
    ];
    for (path, before, after, what) in cases {
        let findings = found(&[change(path, Some(before), Some(&after))]);
        assert_eq!(findings.len(), 1, "{after}: {findings:?}");
        assert_eq!(findings[0].0, "test-integrity.assertion-loosened");
        assert!(findings[0].2.contains(what), "{}", findings[0].2);
    }
    // A stronger assertion is no finding.
    let stronger = JS.replace("toBeDefined", "toBe");
    let weak = JS.replace(
        "expect(refund(5)).toEqual(5)",
        "expect(refund(5)).toBeDefined()",
    );
    assert!(found(&[change("a.test.js", Some(&weak), Some(&stronger))]).is_empty());
}

#[test]
fn issue_10_only_test_files_are_read_for_tests() {
    let after = PY.replace("    assert refund(5) == 5\n", "");
    assert!(found(&[change("app/refund.py", Some(PY), Some(&after))]).is_empty());
    // The project's own test paths count too.
    let findings = analyze(&[change("qa/refund.py", Some(PY), Some(&after))], &|path| {
        path.starts_with("qa/")
    });
    assert_eq!(findings.len(), 1);
    for path in [
        "tests/helpers.py",
        "pkg/test_x.py",
        "pkg/x_test.py",
        "web/__tests__/a.js",
        "web/a.spec.tsx",
        "src/test/java/a/FooTest.java",
        "src/main/java/a/FooIT.java",
    ] {
        assert!(is_conventional_test(path), "{path}");
    }
    for path in [
        "app/testing.py",
        "src/main/java/a/Tester.java",
        "lib/contest.js",
    ] {
        assert!(!is_conventional_test(path), "{path}");
    }
}

#[test]
fn issue_10_lowered_coverage_thresholds_are_findings() {
    let cases = [
        (
            ".coveragerc",
            "[report]\nfail_under = 90\n",
            "[report]\nfail_under = 70\n",
            "`fail_under` lowered from 90 to 70",
        ),
        (
            "setup.cfg",
            "[coverage:report]\nfail_under=85\n",
            "[coverage:report]\nfail_under=0\n",
            "from 85 to 0",
        ),
        (
            "pyproject.toml",
            "[tool.coverage.report]\nfail_under = 95.5\n",
            "[tool.coverage.report]\n",
            "`fail_under` (95.5) removed",
        ),
        (
            "pytest.ini",
            "[pytest]\naddopts = --cov=app --cov-fail-under=90\n",
            "[pytest]\naddopts = --cov=app --cov-fail-under 50\n",
            "`--cov-fail-under` lowered from 90 to 50",
        ),
        (
            "package.json",
            "{\"jest\": {\"coverageThreshold\": {\"global\": {\"lines\": 90, \"branches\": 80}}}}\n",
            "{\"jest\": {\"coverageThreshold\": {\"global\": {\"lines\": 60, \"branches\": 80}}}}\n",
            "`coverage lines` lowered from 90 to 60",
        ),
        (
            "jest.config.js",
            "module.exports = {\n  coverageThreshold: { global: { statements: 80 } },\n};\n",
            "module.exports = {\n  coverageThreshold: { global: { statements: 50 } },\n};\n",
            "`coverage statements` lowered from 80 to 50",
        ),
        (
            ".nycrc",
            "{\"check-coverage\": true, \"lines\": 90}\n",
            "{\"check-coverage\": false, \"lines\": 90}\n",
            "`check-coverage` lowered from 1 to 0",
        ),
        (
            ".github/workflows/ci.yml",
            "run: npx c8 --check-coverage --lines 90 npm test\n",
            "run: npx c8 --check-coverage --lines 80 npm test\n",
            "`--lines` lowered from 90 to 80",
        ),
        (
            "pom.xml",
            "<limit>\n  <minimum>0.80</minimum>\n</limit>\n",
            "<limit>\n  <minimum>0.50</minimum>\n</limit>\n",
            "`<minimum>` lowered from 0.8 to 0.5",
        ),
    ];
    for (path, before, after, message) in cases {
        let findings = found(&[change(path, Some(before), Some(after))]);
        assert_eq!(findings.len(), 1, "{path}: {findings:?}");
        assert_eq!(findings[0].0, "test-integrity.coverage-threshold-lowered");
        assert!(findings[0].2.contains(message), "{path}: {}", findings[0].2);
    }
    // Raised or unchanged: nothing.
    assert!(
        found(&[change(
            ".coveragerc",
            Some("fail_under = 70\n"),
            Some("fail_under = 90\n")
        )])
        .is_empty()
    );
    let deleted = found(&[change(
        ".coveragerc",
        Some("[report]\nfail_under = 90\n"),
        None,
    )]);
    assert_eq!(
        deleted[0].2,
        "coverage threshold `fail_under` (90) removed with `.coveragerc`"
    );
}

#[test]
fn issue_10_added_suppression_comments_are_medium_findings() {
    let cases = [
        ("app/a.py", "x = f()\n", "x = f()  # noqa: E501\n", "# noqa"),
        (
            "app/a.py",
            "x = f()\n",
            "x = f()  # type: ignore[arg-type]\n",
            "# type: ignore",
        ),
        (
            "app/a.py",
            "x = f()\n",
            "x = f()  # nosec B602\n",
            "# nosec",
        ),
        (
            "app/a.py",
            "x = f()\n",
            "x = f()  # agate: ignore[py.code-injection] reason=\"ok\"\n",
            "agate: ignore",
        ),
        (
            "web/a.js",
            "f();\n",
            "/* eslint-disable */\nf();\n",
            "eslint-disable",
        ),
        (
            "web/a.js",
            "f();\n",
            "// eslint-disable-next-line no-eval\nf();\n",
            "eslint-disable",
        ),
        ("web/a.ts", "f();\n", "// @ts-ignore\nf();\n", "@ts-ignore"),
        (
            "web/a.ts",
            "f();\n",
            "// @ts-expect-error\nf();\n",
            "@ts-expect-error",
        ),
        (
            "web/a.ts",
            "f();\n",
            "// @ts-nocheck\nf();\n",
            "@ts-nocheck",
        ),
        (
            "src/A.java",
            "class A {}\n",
            "@SuppressWarnings(\"unchecked\")\nclass A {}\n",
            "@SuppressWarnings",
        ),
        (
            "src/A.java",
            "class A {}\n",
            "class A {} // NOSONAR\n",
            "NOSONAR",
        ),
    ];
    for (path, before, after, marker) in cases {
        let findings = analyze(&[change(path, Some(before), Some(after))], &|_| false);
        assert_eq!(findings.len(), 1, "{after}: {findings:?}");
        assert_eq!(
            findings[0].rule_id.as_str(),
            "test-integrity.suppression-added"
        );
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(
            findings[0].message.as_str(),
            format!("suppression comment `{marker}` added")
        );
    }
    // Already there, or moved to another file: nothing new.
    let kept = "x = f()  # noqa\n";
    assert!(found(&[change("a.py", Some(kept), Some(&format!("y = 1\n{kept}")))]).is_empty());
    assert!(
        found(&[
            change("a.py", Some(kept), None),
            change("b.py", None, Some(kept))
        ])
        .is_empty()
    );
    // A new file brings its suppressions with it.
    let findings = found(&[change("b.py", None, Some("y = 1\nx = f()  # noqa\n"))]);
    assert_eq!(findings[0].1, 2);
}

#[test]
fn issue_10_severities_follow_the_issue() {
    let after = PY.replace("    assert refund(5) == 5\n", "");
    let findings = analyze(
        &[change("tests/test_refund.py", Some(PY), Some(&after))],
        &|_| false,
    );
    assert_eq!(findings[0].severity, Severity::High);
    let rules = super::rules();
    for finding in &findings {
        let rule = rules
            .iter()
            .find(|rule| rule.id == finding.rule_id.as_str())
            .unwrap();
        assert_eq!(rule.severity, finding.severity);
    }
    assert!(
        rules
            .iter()
            .all(|rule| rule.id.starts_with("test-integrity."))
    );
}

#[test]
fn issue_10_deeply_nested_classes_end_the_search_not_the_run() {
    let mut text = String::new();
    for depth in 0..2_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("class C:\n");
    }
    text.push_str(&" ".repeat(2_000));
    text.push_str("def test_deep(self):\n");
    text.push_str(&" ".repeat(2_001));
    text.push_str("assert f() == 1\n");
    let weaker = text.replace("assert f() == 1", "assert True");
    // Below the nesting bound no test is read, so nothing is compared.
    assert!(found(&[change("tests/test_deep.py", Some(&text), Some(&weaker))]).is_empty());
}
