//! Real tools from PyPI as external checks of a gate: Bandit (its JSON), Semgrep (SARIF)
//! and Checkov (its JSON) on a fixture project, their findings in agate's SARIF and JUnit.
//!
//! These need the tools: `scripts/test` installs them and runs these tests (they are
//! ignored by a plain `cargo test`).

use std::path::Path;

use super::agate;

/// The folders holding the tools, from `AGATE_TEST_TOOLS` (set by `scripts/test`).
pub(crate) fn tools_path() -> String {
    let tools = std::env::var("AGATE_TEST_TOOLS").unwrap_or_else(|_| {
        panic!("AGATE_TEST_TOOLS is not set: run `scripts/test`, which installs Bandit, Semgrep and Checkov")
    });
    format!("{tools}:{}", std::env::var("PATH").unwrap_or_default())
}

const APP: &str = r"import subprocess

import yaml


def run(command):
    return subprocess.call(command, shell=True)


def load(text):
    return yaml.load(text)


def calculate(expression):
    return eval(expression)
";

const SEMGREP_RULE: &str = r#"rules:
  - id: python-eval
    pattern: eval(...)
    message: eval() of dynamic input runs arbitrary code
    languages: [python]
    severity: ERROR
    metadata:
      cwe: ["CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code"]
"#;

const TERRAFORM: &str = r#"resource "aws_s3_bucket" "data" {
  bucket = "agate-fixture-data"
  acl    = "public-read"
}
"#;

const CONFIG: &str = r#"version: 1
gates:
  security:
    external:
      - name: bandit
        run: ["bandit", "-r", "service", "-f", "json", "-o", "{out}", "-q"]
        format: bandit
      - name: semgrep
        run: ["semgrep", "scan", "--sarif", "--output", "{out}", "--metrics=off", "--disable-version-check", "--config", "rules/", "service"]
        format: sarif
        timeout: 10m
      - name: checkov
        run: ["checkov", "-d", "infra", "-o", "json", "--quiet", "--skip-download"]
        format: checkov
"#;

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
#[ignore = "needs Bandit, Semgrep and Checkov: scripts/test installs them and runs this"]
fn bandit_semgrep_and_checkov_findings_reach_sarif_and_junit() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "service/app.py", APP);
    write(dir.path(), "rules/eval.yaml", SEMGREP_RULE);
    write(dir.path(), "infra/main.tf", TERRAFORM);
    write(dir.path(), "agate.yaml", CONFIG);
    let output = agate(dir.path())
        .env("PATH", tools_path())
        .args([
            "gate", "--format", "sarif", "--output", "s.sarif", "--format", "junit", "--output",
            "j.xml",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for check in ["bandit", "semgrep", "checkov"] {
        assert!(
            stderr.contains(&format!("agate: check `{check}`: ")),
            "{check} ran: {stderr}"
        );
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.sarif")).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let rule_ids: Vec<&str> = results
        .iter()
        .map(|result| result["ruleId"].as_str().unwrap())
        .collect();
    let junit = std::fs::read_to_string(dir.path().join("j.xml")).unwrap();

    // Bandit's yaml.load (CWE-20) is its own finding; its shell=True one (CWE-78) merged
    // into agate's own subprocess finding.
    assert!(rule_ids.contains(&"bandit/B506"), "{rule_ids:?}");
    assert!(
        junit.contains("name=\"bandit/B506 service/app.py:11\""),
        "{junit}"
    );
    let shell = results
        .iter()
        .find(|result| result["ruleId"] == "py.command-injection")
        .unwrap();
    let sources: Vec<&str> = shell["properties"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|source| source["tool"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["agate", "bandit"]);

    // Semgrep's eval (CWE-95) agrees with agate's code-injection rule.
    let eval = results
        .iter()
        .find(|result| result["ruleId"] == "py.code-injection")
        .unwrap();
    assert!(
        eval["properties"]["sources"]
            .to_string()
            .contains("\"semgrep\""),
        "{eval}"
    );
    assert!(junit.contains("semgrep rules.python-eval"), "{junit}");

    // Checkov's failed checks on the bucket, at the resource's lines.
    let checkov: Vec<&serde_json::Value> = results
        .iter()
        .filter(|result| {
            result["ruleId"]
                .as_str()
                .unwrap()
                .starts_with("checkov/CKV")
        })
        .collect();
    assert!(!checkov.is_empty(), "{rule_ids:?}");
    for result in &checkov {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "infra/main.tf");
        assert_eq!(location["region"]["startLine"], 1);
    }
    assert!(junit.contains("name=\"checkov/CKV"), "{junit}");
}

#[test]
#[ignore = "needs Bandit: scripts/test installs it and runs this"]
fn bandit_scanning_nothing_fails_the_gate_closed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "service/app.py", "print('hello')\n");
    write(dir.path(), "empty/README.md", "nothing to scan here\n");
    write(
        dir.path(),
        "agate.yaml",
        "version: 1\ngates:\n  security:\n    external:\n      - name: bandit\n        run: [\"bandit\", \"-r\", \"empty\", \"-f\", \"json\", \"-o\", \"{out}\"]\n        format: bandit\n",
    );
    let output = agate(dir.path())
        .env("PATH", tools_path())
        .arg("gate")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("check `bandit` failed"), "{stderr}");
    assert!(stderr.contains("scanned nothing"), "{stderr}");
}

#[test]
#[ignore = "needs Node.js with Mocha and mocha-junit-reporter: scripts/test installs them and runs this"]
fn mocha_tests_as_a_gate() {
    let modules = std::env::var("AGATE_TEST_NODE_MODULES")
        .expect("AGATE_TEST_NODE_MODULES is not set: run `scripts/test`, which installs Mocha");
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "cart.js",
        "function total(prices) {\n  return prices.reduce((sum, price) => sum + price, 0);\n}\nmodule.exports = { total };\n",
    );
    write(
        dir.path(),
        "test/cart.test.js",
        "const assert = require(\"node:assert\");\nconst { total } = require(\"../cart\");\n\ndescribe(\"cart\", () => {\n  it(\"adds prices\", () => assert.strictEqual(total([1, 2]), 3));\n  it(\"charges nothing for an empty cart\", () => assert.strictEqual(total([]), 1));\n});\n",
    );
    let mocha = Path::new(&modules).join("mocha/bin/mocha.js");
    write(
        dir.path(),
        "agate.yaml",
        &format!(
            "version: 1\ngates:\n  tests:\n    external:\n      - name: mocha\n        run: [\"node\", \"{}\", \"--reporter\", \"mocha-junit-reporter\", \"--reporter-options\", \"mochaFile={{out}}\"]\n        env: {{ NODE_PATH: \"{modules}\" }}\n        format: junit\n",
            mocha.display()
        ),
    );
    let output = agate(dir.path())
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let failures: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["gate"] == "tests")
        .collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0]["rule_id"], "mocha/test-failure");
    assert_eq!(failures[0]["location"]["path"], "test/cart.test.js");
    assert_eq!(failures[0]["location"]["start"]["line"], 6);
    assert!(
        failures[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("test `cart charges nothing for an empty cart` failed")
    );
}
