//! Rules' compliance requirements reach every place a rule is described: `rules show`, the
//! JSON report, SARIF (taxonomies, relationships and tags) and HTML.

use crate::secrets::card;
use crate::{agate, tree};

#[test]
fn issue_8_rules_show_prints_compliance() {
    let dir = tree(&[]);
    let output = agate(dir.path())
        .args(["rules", "show", "secret.payment-card-number"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("compliance: PCI-DSS-4 3.4.1, PCI-DSS-4 3.5.1"),
        "{text}"
    );
}

#[test]
fn issue_8_reports_carry_compliance() {
    let source = format!("logger.info(\"charged card {}\")\n", card(8));
    let dir = tree(&[("pay.py", source.as_str())]);
    let output = agate(dir.path())
        .args([
            "scan",
            "--only",
            "secrets",
            "--format",
            "json",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
            "--format",
            "html",
            "--output",
            "out.html",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&output.stderr));
    });
    let rule = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["id"] == "secret.payment-card-number")
        .unwrap();
    assert_eq!(
        rule["compliance"],
        serde_json::json!(["PCI-DSS-4 3.4.1", "PCI-DSS-4 3.5.1"])
    );

    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["taxonomies"][0]["name"], "PCI-DSS-4");
    assert_eq!(
        run["taxonomies"][0]["taxa"],
        serde_json::json!([{ "id": "3.4.1" }, { "id": "3.5.1" }])
    );
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["relationships"][1]["target"]["id"], "3.5.1");
    assert!(
        rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&"compliance/PCI-DSS-4 3.4.1".into())
    );

    let html = std::fs::read_to_string(dir.path().join("out.html")).unwrap();
    assert!(
        html.contains("PCI-DSS-4 3.4.1<br>PCI-DSS-4 3.5.1"),
        "{html}"
    );
}
