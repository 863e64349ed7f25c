use crate::{agate, tree};

#[test]
fn bundled_rule_fixtures_pass() {
    let dir = tree(&[]);
    let output = agate(dir.path()).args(["rules", "test"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 failed"), "{stdout}");
}

#[test]
fn rules_test_reports_a_broken_fixture() {
    let rule = "id: py.no-print\nlanguage: python\nmessage: print in production code\nrule: { pattern: print($$$) }\nmetadata: { severity: low, confidence: high, ai_pattern: true }\n";
    let fixture = "print('x')  # ok: py.no-print\nlog('y')  # expect: py.no-print\n";
    let dir = tree(&[
        ("rules/py.no-print.yaml", rule),
        ("rules/py.no-print.py", fixture),
    ]);
    let output = agate(dir.path())
        .args(["rules", "test", "rules"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("py.no-print.py:1: matched a line marked `ok`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("py.no-print.py:2: expected a match, found none"),
        "{stdout}"
    );
}

#[test]
fn rules_show_explains_and_suggests() {
    let dir = tree(&[]);
    let output = agate(dir.path())
        .args(["rules", "show", "py.broad-except-swallowed"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("## How to fix"));
    let output = agate(dir.path())
        .args(["rules", "show", "broad-except"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("did you mean py.broad-except-swallowed")
    );
}

#[test]
fn rules_list_counts_every_language() {
    let dir = tree(&[]);
    let output = agate(dir.path())
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let count = |language: &str| {
        rules
            .iter()
            .filter(|rule| rule["language"] == language)
            .count()
    };
    assert!(count("python") >= 30 && count("javascript") >= 25 && count("java") >= 20);
    assert!(count("any") >= 60, "the secret rules");
    let output = agate(dir.path())
        .args(["rules", "show", "secret.payment-card-number"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("PCI DSS") && text.contains("regex:"),
        "{text}"
    );
    let output = agate(dir.path())
        .args(["rules", "list", "--language", "secrets"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("secret.aws-access-key-id"));
}

#[test]
fn issue_8_broad_catch_returning_null_is_an_ai_pattern() {
    let source = "class Profiles {\n    String read(java.nio.file.Path path) {\n        try {\n            return java.nio.file.Files.readString(path);\n        } catch (Exception e) {\n            return null;\n        }\n    }\n}\n";
    let dir = tree(&[("src/Profiles.java", source)]);
    let output = agate(dir.path())
        .args(["scan", "--only", "ai-patterns", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["rule_id"] == "java.broad-catch-returns-null")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(finding["location"]["start"]["line"], 5);
    assert_eq!(finding["ai_pattern"], true);
}
