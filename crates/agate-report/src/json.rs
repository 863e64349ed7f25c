//! The report as pretty-printed JSON; its schema is `docs/report.schema.json`.

use std::io::{self, Write};

use agate_model::Report;

/// Writes `report` as JSON followed by a newline.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use crate::test_support::sample_report;

    #[test]
    fn json_round_trips() {
        let report = sample_report();
        let mut out = Vec::new();
        super::render(&report, &mut out).unwrap();
        let back: agate_model::Report = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, report);
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn issue_8_rules_carry_their_compliance_requirements() {
        let mut out = Vec::new();
        super::render(&sample_report(), &mut out).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            json["rules"][1]["compliance"],
            serde_json::json!(["PCI-DSS-4 6.2.4", "ASVS-4.0.3 V5.3.8"])
        );
        assert!(
            json["rules"][0].get("compliance").is_none(),
            "left out when empty"
        );
    }
}
