//! Property tests: whatever bytes a file holds, the scanner returns findings or notices and
//! never panics. (The cargo-fuzz targets in `fuzz/` explore the same entry points longer.)
#![expect(
    clippy::expect_used,
    reason = "a static initializer in a test fails loudly"
)]

use std::sync::LazyLock;

use agate_rules::{RuleSet, ScanOptions, Scanner};
use proptest::prelude::*;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    Scanner::new(
        RuleSet::bundled().expect("bundled rules"),
        ScanOptions::default(),
    )
});

/// Fragments of real code, so generated inputs reach deep into the grammars and the rules.
const FRAGMENTS: &[&str] = &[
    "def f(x):\n",
    "    ",
    "try:\n",
    "except Exception:\n",
    "pass\n",
    "eval(",
    "os.system(",
    "request.args[\"q\"]",
    "f\"SELECT * FROM t WHERE a = {x}\"",
    "\"",
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "\n",
    "catch (e) {}",
    "function g() {",
    "`${",
    "new Function(",
    "<div ",
    "dangerouslySetInnerHTML={{__html: x}}",
    "/>",
    "class A {",
    "void m() {",
    "Runtime.getRuntime().exec(",
    " + ",
    "password = \"hunter2!\"",
    "# TODO",
    "// rest of the code here",
    "\\",
    "\u{feff}",
    "µ",
    "$",
];

fn code() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}", extension in prop::sample::select(&["py", "js", "ts", "tsx", "java"][..])) {
        let findings = SCANNER.scan_source(&format!("input.{extension}"), &text);
        for finding in findings {
            prop_assert!(finding.location.start <= finding.location.end);
            prop_assert!(finding.location.start.line >= 1 && finding.location.start.column >= 1);
        }
    }

    #[test]
    fn code_like_input_never_panics(text in code(), extension in prop::sample::select(&["py", "js", "ts", "tsx", "java"][..])) {
        let findings = SCANNER.scan_source(&format!("input.{extension}"), &text);
        // Credential rules mask string literals in what they report. (Masking secrets that
        // merely share a line with another rule's match is the secrets engine's job.)
        for finding in findings.iter().filter(|finding| finding.rule_id.ends_with("hardcoded-credential")) {
            prop_assert!(!finding.snippet.contains("hunter2"), "credentials are masked: {}", finding.snippet);
            prop_assert!(!finding.message.contains("hunter2"));
        }
    }

    #[test]
    fn arbitrary_rule_yaml_is_an_error_not_a_panic(yaml in "\\PC{0,300}") {
        let _ = RuleSet::load_str("py.fuzz.yaml", &yaml);
    }
}

#[test]
fn deeply_nested_input_is_scanned_without_overflow() {
    let nested_python = format!("x = {}1{}\n", "[".repeat(50_000), "]".repeat(50_000));
    let _ = SCANNER.scan_source("deep.py", &nested_python);
    let nested_js = format!("const x = {}1{};\n", "(".repeat(50_000), ")".repeat(50_000));
    let _ = SCANNER.scan_source("deep.js", &nested_js);
}

#[test]
fn issue_2_a_second_credential_on_the_matched_line_is_masked() {
    // Found by `code_like_input_never_panics`: the match was the first declaration and the
    // snippet showed the second one in full.
    let text = "class A {\n  void f() {\n    String password = \"hunter2!\"; String token = \"hunter2!\";\n  }\n}\n";
    let findings = SCANNER.scan_source("A.java", text);
    assert!(!findings.is_empty());
    for finding in findings {
        assert!(!finding.snippet.contains("hunter2"), "{}", finding.snippet);
    }
}

#[test]
fn issue_2_credentials_in_unbalanced_quotes_are_masked() {
    // Found by `code_like_input_never_panics` with 3,000 cases: quotes that do not pair up
    // defeated lexical masking.
    let text = "request.args[\"q\"]def f(x):\ndef f(x):\nrequest.args[\"q\"]# TODO\"password = \"hunter2!\"";
    for name in ["a.java", "a.py", "a.js"] {
        for finding in SCANNER.scan_source(name, text) {
            assert!(
                !finding.snippet.contains("hunter2"),
                "{name}: {}",
                finding.snippet
            );
        }
    }
}

#[test]
fn issue_7_rule_yaml_errors_speak_agates_language() {
    let cases = [
        (
            "id: py.x\nlanguage: python\nseverity: low\nmessage: m\nrule:\n  pattern: eval($X)\n",
            "rules/py.x.yaml:3:11: unknown variant `low`, expected one of off, hint, info, warning, error",
        ),
        (
            "id: py.x\nlanguage: python\nmessage: m\nrule:\n  pattern: eval($X)\n  pattern: x\n",
            "rules/py.x.yaml:6:3: `pattern` is set twice in one mapping; keep one",
        ),
    ];
    for (yaml, expected) in cases {
        let error = RuleSet::load_str("rules/py.x.yaml", yaml)
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert_eq!(
            error,
            format!("{expected}\n  help: see docs/rules.md for the rule format")
        );
    }
}
