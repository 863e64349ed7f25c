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
}
