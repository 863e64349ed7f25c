//! JUnit XML test results (pytest `--junitxml`, jest-junit, mocha-junit-reporter, Maven
//! Surefire, Gradle): each failed or errored test case is a finding; no test run at all
//! is one too.

use agate_model::{Confidence, Severity};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::reported::{Reported, one_line};
use crate::xml::attribute;
use crate::{Parsed, ReadError};

/// The rule of a failed test.
const FAILURE: &str = "test-failure";
/// The rule of a test that errored (crashed before it could assert).
const ERROR: &str = "test-error";
/// The rule of a report with no test that ran.
const NONE_RAN: &str = "no-tests";

/// Reads every `<testcase>` of the report, however `<testsuite>`s nest.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let mut reader = Reader::from_str(text);
    let mut parsed = Parsed::default();
    let mut current: Option<Case> = None;
    let mut outcome: Option<Outcome> = None;
    let (mut cases, mut skipped, mut root_seen, mut pytest) = (0_u64, 0_u64, false, false);
    // Mocha's reporter names the file on the suite, not on each case.
    let mut suite_file = String::new();
    loop {
        let event = reader.read_event().map_err(|error| {
            ReadError::shape(
                "JUnit XML",
                &format!("invalid XML at byte {}: {error}", reader.error_position()),
            )
        })?;
        match event {
            Event::Start(element) | Event::Empty(element) if !root_seen => {
                // pytest writes 0-based `line` attributes.
                pytest = attribute(&element, "name")
                    .unwrap_or_default()
                    .starts_with("pytest");
                suite_file = attribute(&element, "file").unwrap_or_default();
                let name = element.local_name();
                if !matches!(name.as_ref(), "testsuites" | "testsuite") {
                    return Err(ReadError::shape(
                        "JUnit XML",
                        &format!(
                            "the root element is <{}>, not <testsuites> or <testsuite>",
                            name.as_ref()
                        ),
                    ));
                }
                root_seen = true;
            }
            Event::Start(element) => match element.local_name().as_ref() {
                "testcase" => {
                    cases += 1;
                    current = Some(Case::from(&element, pytest, &suite_file));
                }
                "testsuite" => suite_file = attribute(&element, "file").unwrap_or_default(),
                "failure" | "error" if current.is_some() => outcome = Some(Outcome::from(&element)),
                "skipped" if current.is_some() => skipped += 1,
                _ => {}
            },
            Event::Empty(element) => match element.local_name().as_ref() {
                "testcase" => cases += 1,
                "failure" | "error" => {
                    if let Some(case) = &current {
                        parsed
                            .reported
                            .push(case.reported(&Outcome::from(&element)));
                    }
                }
                "skipped" if current.is_some() => skipped += 1,
                _ => {}
            },
            Event::Text(text) => detail(&mut outcome, &text.xml10_content()),
            Event::CData(data) => detail(&mut outcome, &data.xml10_content()),
            Event::GeneralRef(reference) => {
                let reference = format!("&{};", reference.into_inner());
                if let Ok(character) = quick_xml::escape::unescape(&reference) {
                    detail(&mut outcome, &character);
                }
            }
            Event::End(element) => match element.local_name().as_ref() {
                "failure" | "error" => {
                    if let (Some(case), Some(done)) = (&current, outcome.take()) {
                        parsed.reported.push(case.reported(&done));
                    }
                }
                "testcase" => current = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(ReadError::shape("JUnit XML", "the report is empty"));
    }
    let ran = cases.saturating_sub(skipped);
    if ran == 0 {
        parsed.reported.push(Reported {
            rule: NONE_RAN.to_owned(),
            title: "no test ran".to_owned(),
            message: format!(
                "no test ran ({cases} test cases, {skipped} skipped): a test gate that tests nothing does not pass; check the test command and its paths"
            ),
            severity: Severity::Critical,
            confidence: Confidence::High,
            ..Reported::default()
        });
    }
    Ok(parsed)
}

/// Adds text to the failure being read, up to 4 KiB.
fn detail(outcome: &mut Option<Outcome>, text: &str) {
    if let Some(outcome) = outcome
        && outcome.detail.len() < 4096
    {
        outcome.detail.push_str(text);
    }
}

/// A test case being read.
struct Case {
    name: String,
    class: String,
    file: String,
    line: u32,
}

impl Case {
    fn from(element: &BytesStart<'_>, zero_based: bool, suite_file: &str) -> Case {
        // pytest's lines are 0-based: a line attribute there is one less than the line.
        let line = attribute(element, "line")
            .and_then(|line| line.parse::<u32>().ok())
            .map_or(0, |line| if zero_based { line + 1 } else { line });
        let file = attribute(element, "file").unwrap_or_default();
        Case {
            name: attribute(element, "name").unwrap_or_default(),
            class: attribute(element, "classname").unwrap_or_default(),
            file: if file.is_empty() {
                suite_file.to_owned()
            } else {
                file
            },
            line,
        }
    }

    fn reported(&self, outcome: &Outcome) -> Reported {
        // Mocha's name already holds its class (the title): `cart adds prices`.
        let test = if self.class.is_empty() || self.name.contains(&self.class) {
            self.name.clone()
        } else {
            format!("{}.{}", self.class, self.name)
        };
        let why = [outcome.message.as_str(), outcome.detail.trim()]
            .into_iter()
            .find(|text| !text.is_empty())
            .map(|text| format!(": {}", one_line(text)))
            .unwrap_or_default();
        let (rule, verb) = if outcome.error {
            (ERROR, "errored")
        } else {
            (FAILURE, "failed")
        };
        Reported {
            rule: rule.to_owned(),
            title: format!("a test {verb}"),
            message: one_line(&format!("test `{test}` {verb}{why}")),
            severity: Severity::High,
            confidence: Confidence::High,
            path: self.file.clone(),
            // `test_x[param]` is defined as `test_x`; Mocha's class name is the test's title.
            symbols: if self.line == 0 {
                vec![
                    self.name.split('[').next().unwrap_or_default().to_owned(),
                    self.class.clone(),
                ]
            } else {
                Vec::new()
            },
            path_candidates: if self.file.is_empty() {
                class_files(&self.class)
            } else {
                Vec::new()
            },
            line: self.line,
            snippet: Some(test),
            ..Reported::default()
        }
    }
}

/// Files a test class may live in, most specific first: `tests.test_app.TestLogin` may be
/// `tests/test_app.py`, `com.example.AppTest` may be `src/test/java/com/example/AppTest.java`.
fn class_files(class: &str) -> Vec<String> {
    let parts: Vec<&str> = class.split('.').filter(|part| !part.is_empty()).collect();
    let mut candidates = Vec::new();
    for end in (1..=parts.len()).rev() {
        let base = parts[..end].join("/");
        candidates.push(format!("{base}.py"));
        candidates.push(format!("src/test/java/{base}.java"));
        candidates.push(format!("src/test/kotlin/{base}.kt"));
    }
    candidates
}

/// A `<failure>` or `<error>`.
struct Outcome {
    error: bool,
    message: String,
    detail: String,
}

impl Outcome {
    fn from(element: &BytesStart<'_>) -> Outcome {
        Outcome {
            error: element.local_name().as_ref() == "error",
            message: attribute(element, "message").unwrap_or_default(),
            detail: String::new(),
        }
    }
}
