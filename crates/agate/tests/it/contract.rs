//! `agate contract test|init` against real Python and Node functions.

use std::path::Path;

use serde_json::Value;

use crate::agate;

/// The contract of the issue, for a function `function`.
fn contract(function: &str, extra: &str) -> String {
    format!(
        "\
contracts:
  - name: apply-discount
    function: {function}
    input:
      type: object
      properties:
        amount:  {{ type: number, minimum: 0, maximum: 1000000 }}
        percent: {{ type: integer, minimum: 0, maximum: 100 }}
      required: [amount, percent]
      additionalProperties: false
    output: {{ type: number, minimum: 0 }}
    invariants: [\"output <= input.amount\"]
    examples:
      - input: {{ amount: 100, percent: 10 }}
        output: 90
      - input: {{ amount: -1, percent: 10 }}
        raises: ValueError
    cases: 60
    seed: 7
    timeout: 5s
{extra}"
    )
}

const PRICING: &str = "\
\"\"\"Prices.\"\"\"


def apply_discount(amount: float, percent: int) -> float:
    print(\"applying\", percent)  # the function's prints must not disturb the harness
    if amount < 0 or not 0 <= percent <= 100:
        raise ValueError(\"amount must be >= 0 and percent within 0..100\")
    return amount * (100 - percent) / 100


def buggy_discount(amount, percent):
    if percent >= 50:
        return amount - amount * 2 * percent / 100 - 1
    return amount - amount / (100 / percent)
";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Runs `agate contract test ARGS --format json`: the exit code and the report.
fn test_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = agate(dir)
        .args(["contract", "test"])
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "no JSON report ({error}): {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), report)
}

fn findings(report: &Value) -> Vec<(String, String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule_id"].as_str().unwrap().to_owned(),
                finding["message"].as_str().unwrap().to_owned(),
                finding["location"]["path"].as_str().unwrap().to_owned(),
                finding["location"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn issue_10_contract_a_correct_python_function_passes() {
    let dir = project(&[
        ("pricing.py", PRICING),
        (
            "contracts/pricing.yaml",
            &contract("python:pricing:apply_discount", ""),
        ),
    ]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(findings(&report), Vec::new());
    assert_eq!(code, 0);
}

#[test]
fn issue_10_contract_a_violation_is_shrunk_and_reproduces_with_its_seed() {
    let dir = project(&[
        ("pricing.py", PRICING),
        (
            "contracts/pricing.yaml",
            &contract("python:pricing:buggy_discount", ""),
        ),
    ]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    let rules: Vec<&str> = found.iter().map(|(rule, ..)| rule.as_str()).collect();
    // Percent 0 divides by zero; -1 does not raise; from 50 percent the price is negative.
    assert!(rules.contains(&"contract.exception"), "{found:#?}");
    assert!(rules.contains(&"contract.example"), "{found:#?}");
    let exception = found
        .iter()
        .find(|(rule, ..)| rule == "contract.exception")
        .unwrap();
    assert!(exception.1.contains(r#""percent":0}"#), "{}", exception.1);
    let negative = found
        .iter()
        .find(|(rule, message, ..)| {
            rule == "contract.output-schema" && !message.contains("outside the input schema")
        })
        .unwrap();
    assert!(
        negative.1.contains(r#""percent":50}"#) && negative.1.contains("shrunk in"),
        "not shrunk to the minimal input: {}",
        negative.1
    );
    assert!(exception.1.contains("ZeroDivisionError"), "{}", exception.1);
    assert!(exception.1.contains("seed 7"), "{}", exception.1);
    // The function's definition line.
    assert_eq!((exception.2.as_str(), exception.3), ("pricing.py", 11));
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|finding| finding["snippet"] == "def buggy_discount(amount, percent):"),
        "{report:#}"
    );
    // The same seed gives the same findings.
    let (_, again) = test_json(dir.path(), &["contracts/pricing.yaml"]);
    assert_eq!(findings(&again), found);
}

#[test]
fn issue_10_contract_a_wrong_success_outside_the_schema_is_a_finding() {
    let negative = "\
def apply_discount(amount, percent):
    return amount * (100 - percent) / 100
";
    let dir = project(&[
        ("shop/__init__.py", ""),
        ("shop/pricing.py", negative),
        (
            "contracts/pricing.yaml",
            &contract("python:shop.pricing:apply_discount", "")
                .replace("        raises: ValueError\n", "        output: -0.9\n"),
        ),
    ]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    // Inside the schema it is right; above 100 percent it returns a negative price
    // instead of an error.
    assert_eq!(found.len(), 1, "{found:#?}");
    let (rule, message, path, line) = &found[0];
    assert_eq!(rule, "contract.output-schema");
    assert!(message.contains("outside the input schema"), "{message}");
    assert!(message.contains("minimum"), "{message}");
    assert_eq!((path.as_str(), *line), ("shop/pricing.py", 1));
}

#[test]
fn issue_10_contract_a_timeout_kills_the_call_and_the_next_calls_go_on() {
    let slow = "\
def settle(count: int) -> int:
    while count == 7:
        pass
    return count
";
    let contract = "\
contracts:
  - name: settle
    function: python:ledger:settle
    input:
      type: object
      properties:
        count: { type: integer, minimum: 0, maximum: 9 }
      required: [count]
    output: { type: integer }
    invariants: [\"output == input.count\"]
    examples:
      - input: { count: 7 }
        output: 7
      - input: { count: 2 }
        output: 2
    cases: 5
    timeout: 300ms
";
    let dir = project(&[("ledger.py", slow), ("contracts/ledger.yaml", contract)]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    // The example with 7 timed out; the example after it ran in a new process and passed.
    let example = found
        .iter()
        .find(|(rule, ..)| rule == "contract.example")
        .unwrap();
    assert!(example.1.contains(r#"{"count":7}"#), "{}", example.1);
    assert!(example.1.contains("ran past the timeout"), "{}", example.1);
    assert!(
        !found
            .iter()
            .any(|(_, message, ..)| message.contains(r#"{"count":2}"#)),
        "{found:#?}"
    );
    let notices = report["notices"].to_string();
    assert!(notices.contains("started"), "{notices}");
}

#[test]
fn issue_10_contract_an_endless_node_loop_is_killed() {
    let spin = "\
export function settle(count) {
  while (count === 7) {}
  return count;
}
";
    let contract = "\
contracts:
  - name: settle
    function: node:./ledger.mjs#settle
    input:
      type: object
      properties:
        count: { type: integer, minimum: 7, maximum: 7 }
      required: [count]
    output: { type: integer }
    examples:
      - input: { count: 7 }
        output: 7
    cases: 3
    timeout: 300ms
";
    let dir = project(&[("ledger.mjs", spin), ("contracts/ledger.yaml", contract)]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    let rules: Vec<&str> = found.iter().map(|(rule, ..)| rule.as_str()).collect();
    assert!(rules.contains(&"contract.timeout"), "{found:#?}");
    let timeout = found
        .iter()
        .find(|(rule, ..)| rule == "contract.timeout")
        .unwrap();
    assert!(timeout.1.contains(r#"{"count":7}"#), "{}", timeout.1);
    assert_eq!((timeout.2.as_str(), timeout.3), ("ledger.mjs", 1));
}

#[test]
fn issue_10_contract_a_crash_is_a_finding_and_the_harness_restarts() {
    let crashing = "\
import os


def parse(text: str) -> int:
    if text == \"\":
        os._exit(3)
    return len(text)
";
    let contract = "\
contracts:
  - name: parse
    function: python:parser:parse
    input:
      type: object
      properties:
        text: { type: string, maxLength: 5 }
      required: [text]
    output: { type: integer, minimum: 0 }
    invariants: [\"output == size(input.text)\"]
    examples:
      - input: { text: \"\" }
        output: 0
      - input: { text: \"abc\" }
        output: 3
    cases: 20
";
    let dir = project(&[("parser.py", crashing), ("contracts/c.yaml", contract)]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    let rules: Vec<&str> = found.iter().map(|(rule, ..)| rule.as_str()).collect();
    assert!(rules.contains(&"contract.example"), "{found:#?}");
    assert!(rules.contains(&"contract.crash"), "{found:#?}");
    let crash = found
        .iter()
        .find(|(rule, ..)| rule == "contract.crash")
        .unwrap();
    assert!(crash.1.contains(r#"{"text":""}"#), "{}", crash.1);
    assert_eq!((crash.2.as_str(), crash.3), ("parser.py", 4));
    // The example with "abc" ran after the crash, in a new process, and passed.
    assert!(
        !found.iter().any(|(_, message, ..)| message.contains("abc")),
        "{found:#?}"
    );
}

#[test]
fn issue_10_contract_es_module_and_commonjs_exports_both_run() {
    let esm = "\
// Prices, as an ES module.
export function applyDiscount(amount, percent) {
  if (typeof amount !== \"number\" || !Number.isInteger(percent)) {
    throw new TypeError(\"amount is a number, percent an integer\");
  }
  if (amount < 0 || percent < 0 || percent > 100) {
    throw new RangeError(\"out of range\");
  }
  console.log(\"applying\", percent);
  return (amount * (100 - percent)) / 100;
}
";
    let common = "\
'use strict';

const applyDiscount = (amount, percent) => amount * (100 - percent) / 100 + 1;

module.exports = { applyDiscount };
";
    let both = format!(
        "{}{}",
        contract("node:./lib/pricing.mjs#applyDiscount", "")
            .replace("raises: ValueError", "raises: RangeError"),
        contract("node:./lib/legacy.js#applyDiscount", "")
            .replace("contracts:\n", "")
            .replace("name: apply-discount", "name: legacy-discount")
            .replace("raises: ValueError", "raises: RangeError")
    );
    let dir = project(&[
        ("lib/pricing.mjs", esm),
        ("lib/legacy.js", common),
        ("contracts/pricing.yml", &both),
    ]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    // The ES module is right; the CommonJS one adds 1, which breaks the example and the
    // invariant at percent 0.
    assert!(
        found
            .iter()
            .all(|(_, message, path, line)| path == "lib/legacy.js"
                && *line == 3
                && message.contains("legacy-discount")),
        "{found:#?}"
    );
    let invariant = found
        .iter()
        .find(|(rule, ..)| rule == "contract.invariant")
        .unwrap();
    assert!(
        invariant.1.contains("output <= input.amount"),
        "{}",
        invariant.1
    );
    assert!(found.iter().any(|(rule, ..)| rule == "contract.example"));
}

#[test]
fn issue_10_contract_a_bad_contract_file_exits_2_naming_file_and_line() {
    let bad = contract("python:pricing:apply_discount", "    retries: 3\n");
    let dir = project(&[("pricing.py", PRICING), ("contracts/pricing.yaml", &bad)]);
    let output = agate(dir.path())
        .args(["contract", "test"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("contracts/pricing.yaml:21"), "{stderr}");
    assert!(stderr.contains("unknown key `retries`"), "{stderr}");
}

#[test]
fn issue_10_contract_a_missing_module_or_runtime_exits_3() {
    let dir = project(&[(
        "contracts/pricing.yaml",
        &contract("python:no_such_module:apply_discount", ""),
    )]);
    let output = agate(dir.path())
        .args(["contract", "test"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ModuleNotFoundError"), "{stderr}");
    assert!(stderr.contains("contract `apply-discount`"), "{stderr}");

    let dir = project(&[
        ("pricing.py", PRICING),
        (
            "contracts/pricing.yaml",
            &contract(
                "python:pricing:apply_discount",
                "    runtime: venv/bin/python\n",
            ),
        ),
    ]);
    let output = agate(dir.path())
        .args(["contract", "test"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot start"), "{stderr}");
}

#[test]
fn issue_10_contract_a_value_json_cannot_hold_is_a_finding() {
    let sets = "def unique(items: list) -> list:\n    return set(items)\n";
    let contract = "\
contracts:
  - name: unique
    function: python:sets:unique
    input:
      type: object
      properties:
        items: { type: array, items: { type: integer }, maxItems: 3 }
      required: [items]
    output: { type: array }
    cases: 5
";
    let dir = project(&[("sets.py", sets), ("contracts/sets.yaml", contract)]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "contract.output-schema");
    assert!(
        found[0].1.contains("`set`, which is not JSON"),
        "{}",
        found[0].1
    );
}

#[test]
fn issue_10_contract_init_writes_a_contract_from_type_hints() {
    let hinted = "\
from typing import Literal, Optional


def quote(amount: float, currency: Literal[\"EUR\", \"USD\"], items: list[int], note: Optional[str] = None, percent: int = 10) -> float:
    return float(amount)
";
    let dir = project(&[("quotes.py", hinted)]);
    let output = agate(dir.path())
        .args(["contract", "init", "python:quotes:quote"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    let written: Value = serde_saphyr::from_str(&text).unwrap();
    let entry = &written["contracts"][0];
    assert_eq!(entry["name"], "quote");
    assert_eq!(entry["function"], "python:quotes:quote");
    let properties = &entry["input"]["properties"];
    assert_eq!(properties["amount"]["type"], "number");
    assert_eq!(
        properties["currency"]["enum"],
        serde_json::json!(["EUR", "USD"])
    );
    assert_eq!(properties["items"]["items"]["type"], "integer");
    assert_eq!(properties["percent"]["default"], 10);
    assert_eq!(
        entry["input"]["required"],
        serde_json::json!(["amount", "currency", "items"])
    );
    assert_eq!(entry["output"]["type"], "number");

    // The written contract runs as it is.
    std::fs::create_dir(dir.path().join("contracts")).unwrap();
    agate(dir.path())
        .args([
            "contract",
            "init",
            "python:quotes:quote",
            "-o",
            "contracts/quote.yaml",
        ])
        .assert()
        .success();
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(findings(&report), Vec::new());
    assert_eq!(code, 0);

    // Node: the parameter names, types left open.
    std::fs::write(
        dir.path().join("total.js"),
        "exports.total = function (items, tax = 0) { return 0; };\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["contract", "init", "node:./total.js#total"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let written: Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(
        written["contracts"][0]["input"]["required"],
        serde_json::json!(["items"])
    );
}

#[test]
fn issue_10_contract_the_harness_has_a_memory_limit() {
    let hog = "\
def reserve(gigabytes: int) -> int:
    return len(bytearray(gigabytes * 1024 * 1024 * 1024))
";
    let contract = "\
contracts:
  - name: reserve
    function: python:hog:reserve
    input:
      type: object
      properties:
        gigabytes: { type: integer, minimum: 0, maximum: 4 }
      required: [gigabytes]
    output: { type: integer, minimum: 0 }
    cases: 10
";
    let dir = project(&[("hog.py", hog), ("contracts/hog.yaml", contract)]);
    let (code, report) = test_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    // A gigabyte and more cannot be had within the 1 GiB limit: a clean MemoryError, shrunk
    // to the least that fails.
    let exception = found
        .iter()
        .find(|(rule, ..)| rule == "contract.exception")
        .unwrap();
    assert!(exception.1.contains("MemoryError"), "{}", exception.1);
    assert!(
        exception.1.contains(r#"{"gigabytes":1}"#),
        "{}",
        exception.1
    );
}

/// The `functional` gate's result in a report.
fn functional_gate(report: &Value) -> &Value {
    report["verdict"]["gates"]
        .as_array()
        .and_then(|gates| gates.iter().find(|gate| gate["name"] == "functional"))
        .unwrap_or_else(|| panic!("no functional gate: {report:#}"))
}

/// Runs `agate gate --format json`: the exit code, the report and standard error.
fn gate_json(dir: &Path) -> (i32, Value, String) {
    let output = agate(dir)
        .args(["gate", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap(), report, stderr)
}

#[test]
fn issue_10_a_gates_contracts_block_it_pass_it_or_fail_it_closed() {
    let config = "gates:\n  functional:\n    contracts: [contracts/]\n";
    // The buggy function: the gate that lists the contracts blocks, with its findings.
    let dir = project(&[
        ("pricing.py", PRICING),
        (
            "contracts/pricing.yaml",
            &contract("python:pricing:buggy_discount", ""),
        ),
        ("agate.yaml", config),
    ]);
    let (code, report, stderr) = gate_json(dir.path());
    assert_eq!(code, 1, "{stderr}");
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["analyzer"] == "contracts")
        .collect();
    assert!(!findings.is_empty(), "{report}");
    assert!(
        findings
            .iter()
            .all(|finding| finding["gate"] == "functional")
    );
    assert!(
        findings
            .iter()
            .all(|finding| finding["location"]["path"] == "pricing.py")
    );
    let functional = functional_gate(&report);
    assert_eq!(functional["status"], "fail", "{functional}");
    assert!(findings.iter().all(|finding| finding["tier"] == "new"));
    // An AI-written function's broken contract is an `ai` finding.
    let marked = PRICING.replace(
        "def buggy_discount",
        "# agate: ai-begin\ndef buggy_discount",
    ) + "# agate: ai-end\n";
    std::fs::write(dir.path().join("pricing.py"), marked).unwrap();
    let (code, report, stderr) = gate_json(dir.path());
    assert_eq!(code, 1, "{stderr}");
    let tiers: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["analyzer"] == "contracts")
        .map(|finding| &finding["tier"])
        .collect();
    assert!(
        !tiers.is_empty() && tiers.iter().all(|tier| *tier == "ai"),
        "{tiers:?}"
    );
    // The correct function passes the same gate.
    std::fs::write(
        dir.path().join("contracts/pricing.yaml"),
        contract("python:pricing:apply_discount", ""),
    )
    .unwrap();
    let (code, report, stderr) = gate_json(dir.path());
    let functional = functional_gate(&report);
    assert_eq!(functional["status"], "pass", "{functional}");
    assert_eq!(code, 0, "{stderr}");
    // A module that is not there: the gate fails closed (exit 3), never passes.
    std::fs::write(
        dir.path().join("contracts/pricing.yaml"),
        contract("python:missing_module:apply_discount", ""),
    )
    .unwrap();
    let (code, report, stderr) = gate_json(dir.path());
    assert_eq!(code, 3, "{stderr}");
    let functional = functional_gate(&report);
    assert_eq!(functional["status"], "error", "{functional}");
}
