//! JUnit XML, the test report every CI system shows: a `<testsuite>` per gate, a failing
//! `<testcase>` per blocking finding, an `<error>` for a gate that could not check.
//!
//! Without a verdict (`agate scan`), every open finding fails, grouped by gate. The run's
//! notices (files not scanned, skipped or scanned with reduced coverage) are the first
//! suite's `<system-out>`, where CI systems show a suite's log.

use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{Finding, GateStatus, Notice, Report};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// Writes `report` as JUnit XML.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(report);
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let failures: usize = suites.iter().map(|suite| suite.failing.len()).sum();
    let errors: usize = suites.iter().map(|suite| suite.errors.len()).sum();
    let tests: usize = suites.iter().map(Suite::tests).sum();
    let seconds = format!("{:.3}", report.stats.duration_ms as f64 / 1000.0);
    writer
        .create_element("testsuites")
        .with_attribute(("name", "agate"))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", errors.to_string().as_str()))
        .with_attribute(("time", seconds.as_str()))
        .write_inner_content(|writer| {
            for (index, suite) in suites.iter().enumerate() {
                let notices: &[Notice] = if index == 0 { &report.notices } else { &[] };
                write_suite(writer, suite, notices)?;
            }
            Ok(())
        })?;
    writer.get_mut().write_all(b"\n")
}

/// One gate's test suite.
struct Suite<'r> {
    name: String,
    failing: Vec<&'r Finding>,
    /// Why the gate could not check, one test case each.
    errors: Vec<String>,
}

impl Suite<'_> {
    /// Failing findings, errors, and one passing case for a gate that has neither.
    fn tests(&self) -> usize {
        (self.failing.len() + self.errors.len()).max(1)
    }
}

fn suites(report: &Report) -> Vec<Suite<'_>> {
    if let Some(verdict) = &report.verdict {
        return verdict
            .gates
            .iter()
            .map(|gate| Suite {
                name: gate.name.clone(),
                failing: report
                    .findings
                    .iter()
                    .filter(|finding| {
                        finding.blocking && finding.gate.as_deref() == Some(&gate.name)
                    })
                    .collect(),
                errors: if gate.status == GateStatus::Error
                    || gate.status == GateStatus::Warn && gate.counts.blocking == 0
                {
                    gate.reasons.clone()
                } else {
                    Vec::new()
                },
            })
            .collect();
    }
    let mut suites: Vec<Suite<'_>> = Vec::new();
    for finding in report
        .findings
        .iter()
        .filter(|finding| finding.status.is_open())
    {
        let name = finding
            .gate
            .as_ref()
            .map_or_else(|| finding.analyzer.as_str().to_owned(), ToString::to_string);
        match suites.iter_mut().find(|suite| suite.name == name) {
            Some(suite) => suite.failing.push(finding),
            None => suites.push(Suite {
                name,
                failing: vec![finding],
                errors: Vec::new(),
            }),
        }
    }
    if suites.is_empty() {
        suites.push(Suite {
            name: "agate".to_owned(),
            failing: Vec::new(),
            errors: Vec::new(),
        });
    }
    suites
}

fn write_suite<W: Write>(
    writer: &mut Writer<W>,
    suite: &Suite<'_>,
    notices: &[Notice],
) -> io::Result<()> {
    let class = format!("agate.{}", suite.name);
    writer
        .create_element("testsuite")
        .with_attribute(("name", clean(&suite.name).as_str()))
        .with_attribute(("tests", suite.tests().to_string().as_str()))
        .with_attribute(("failures", suite.failing.len().to_string().as_str()))
        .with_attribute(("errors", suite.errors.len().to_string().as_str()))
        .write_inner_content(|writer| {
            for reason in &suite.errors {
                writer
                    .create_element("testcase")
                    .with_attribute(("classname", clean(&class).as_str()))
                    .with_attribute(("name", format!("gate {}", clean(&suite.name)).as_str()))
                    .write_inner_content(|writer| {
                        writer
                            .create_element("error")
                            .with_attribute(("message", clean(reason).as_str()))
                            .write_text_content(BytesText::new(&clean(reason)))?;
                        Ok(())
                    })?;
            }
            for finding in &suite.failing {
                write_case(writer, &class, finding)?;
            }
            if suite.failing.is_empty() && suite.errors.is_empty() {
                writer
                    .create_element("testcase")
                    .with_attribute(("classname", clean(&class).as_str()))
                    .with_attribute(("name", format!("gate {}", clean(&suite.name)).as_str()))
                    .write_empty()?;
            }
            if !notices.is_empty() {
                writer
                    .create_element("system-out")
                    .write_text_content(BytesText::new(&clean(&notice_lines(notices))))?;
            }
            Ok(())
        })?;
    Ok(())
}

/// The notices, one `level: path: message` line each.
fn notice_lines(notices: &[Notice]) -> String {
    let mut text = String::new();
    for notice in notices {
        let level = notice.level.as_str();
        match &notice.path {
            Some(path) => {
                let _ = writeln!(text, "{level}: {path}: {}", notice.message);
            }
            None => {
                let _ = writeln!(text, "{level}: {}", notice.message);
            }
        }
    }
    text
}

fn write_case<W: Write>(writer: &mut Writer<W>, class: &str, finding: &Finding) -> io::Result<()> {
    let location = &finding.location;
    let in_a_file = finding.location.names_a_file();
    let place = if in_a_file {
        format!(" {}:{}", location.path, location.start.line)
    } else if location.path.is_empty() {
        String::new()
    } else {
        format!(" {}", location.path)
    };
    let name = format!("{}{place}", finding.rule_id);
    let mut details = format!(
        "{} ({} severity, {} confidence",
        finding.message,
        finding.severity,
        finding.confidence.as_str()
    );
    if let Some(tier) = finding.tier {
        let _ = write!(details, ", {tier} tier");
    }
    details.push(')');
    if !finding.cwe.is_empty() {
        let _ = write!(details, "\n{}", finding.cwe.join(", "));
    }
    if finding.sources.len() > 1 {
        let tools: Vec<String> = finding
            .sources
            .iter()
            .map(|source| format!("{} {}", source.tool, source.rule_id))
            .collect();
        let _ = write!(details, "\nreported by {}", tools.join(", "));
    }
    if in_a_file {
        let _ = write!(
            details,
            "\n{}:{}:{}",
            location.path, location.start.line, location.start.column
        );
    }
    if !finding.snippet.is_empty() {
        let _ = write!(details, "\n\n{}", finding.snippet);
    }
    let mut element = writer
        .create_element("testcase")
        .with_attribute(("classname", clean(class).as_str()))
        .with_attribute(("name", clean(&name).as_str()));
    if in_a_file {
        element = element
            .with_attribute(("file", clean(&location.path).as_str()))
            .with_attribute(("line", location.start.line.to_string().as_str()));
    }
    element.write_inner_content(|writer| {
        writer
            .create_element("failure")
            .with_attribute(("message", clean(&finding.message).as_str()))
            .with_attribute(("type", finding.severity.as_str()))
            .write_text_content(BytesText::new(&clean(&details)))?;
        Ok(())
    })?;
    Ok(())
}

/// Replaces characters XML 1.0 cannot hold (control characters from tool output).
fn clean(text: &str) -> String {
    text.chars()
        .map(|character| match character {
            '\t' | '\n' | '\r' => character,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            _ => character,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::external_report;

    fn rendered(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(rendered(&external_report()));
    }

    #[test]
    fn well_formed_with_a_suite_per_gate_and_a_failure_per_blocking_finding() {
        let xml = rendered(&external_report());
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut suites, mut failures, mut errors) = (Vec::new(), 0, 0);
        loop {
            match reader.read_event().unwrap() {
                Event::Start(element) | Event::Empty(element) => {
                    match element.local_name().as_ref() {
                        "testsuite" => suites.push(
                            element
                                .try_get_attribute("name")
                                .unwrap()
                                .unwrap()
                                .value
                                .into_owned(),
                        ),
                        "failure" => failures += 1,
                        "error" => errors += 1,
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(suites, ["provenance-lint", "security"]);
        assert_eq!(failures, 4, "1 blocking in provenance-lint, 3 in security");
        assert_eq!(
            errors, 0,
            "a failing gate's check error is in its reasons, not a test error"
        );
        assert!(xml.contains("reported by semgrep python.eval, bandit B307"));
        assert!(xml.contains("&lt;script&gt;"), "markup is escaped");
    }

    #[test]
    fn control_characters_from_tools_do_not_break_the_xml() {
        let mut report = external_report();
        report.findings[0].message = "bell \u{7} and escape \u{1b}[31m".into();
        report.findings[0].blocking = true;
        let xml = rendered(&report);
        assert!(!xml.contains('\u{1b}'));
        assert!(xml.contains("bell \u{fffd} and escape \u{fffd}[31m"));
    }

    #[test]
    fn a_gate_in_error_is_a_test_error() {
        let mut report = external_report();
        let gate = &mut report.verdict.as_mut().unwrap().gates[1];
        gate.status = GateStatus::Error;
        gate.counts.blocking = 0;
        for finding in &mut report.findings {
            finding.blocking = false;
        }
        let xml = rendered(&report);
        assert!(
            xml.contains("<error message=\"check `zap` failed: exited with code 3"),
            "{xml}"
        );
    }
}
