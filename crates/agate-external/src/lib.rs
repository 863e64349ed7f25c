//! External checks: the tools teams already run (Semgrep, Bandit, Trivy, Checkov, Snyk,
//! ZAP, gitleaks, SonarQube) and their test runners, started without a shell, read from
//! SARIF or their native JSON / JUnit XML, and turned into agate findings.
//!
//! A check fails closed: a command that cannot start, crashes, times out, exits with a code
//! not in its `exit_codes`, or leaves no readable report is an error, never a pass; so is a
//! report that says nothing was scanned.
//!
//! ```
//! use agate_model::ToolFormat;
//!
//! let bandit = r#"{"results": [{"test_id": "B602", "test_name": "subprocess_popen_with_shell_equals_true",
//!   "issue_text": "subprocess call with shell=True identified", "issue_severity": "HIGH",
//!   "issue_confidence": "HIGH", "issue_cwe": {"id": 78}, "filename": "app.py",
//!   "line_number": 4, "col_offset": 4, "line_range": [4]}], "errors": [],
//!   "metrics": {"_totals": {}, "app.py": {}}}"#;
//! let parsed = agate_external::read(ToolFormat::Bandit, bandit, 10_000).unwrap();
//! assert_eq!(parsed.scanned, Some(1));
//! ```
#![warn(missing_docs)]

mod bandit;
mod checkov;
pub mod coverage;
mod gitleaks;
mod junit;
mod reported;
mod run;
mod sarif;
mod semgrep;
mod snyk;
mod sonarqube;
mod trivy;
mod xml;
mod zap;

use agate_model::ToolFormat;

pub use agate_process::interrupt;
pub use reported::{below_root, source_line};
pub use run::{CheckOutcome, ReportFileError, RunOptions, read_report_file, run};
pub use sonarqube::{SonarScope, SonarServer};

/// What a tool's report held.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Its results, in the tool's terms.
    pub(crate) reported: Vec<reported::Reported>,
    /// Files, resources or sites it says it scanned, when the format says (JUnit reports
    /// that no test ran as a finding instead).
    pub scanned: Option<u64>,
    /// Problems the tool reported that make its result untrustworthy.
    pub failures: Vec<String>,
    /// Problems that reduced its coverage (a file it could not parse).
    pub warnings: Vec<String>,
    /// Results beyond the limit [`read`] was given: counted, not kept.
    pub dropped: u64,
}

/// A report agate cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {format} report: {message}")]
pub struct ReadError {
    /// The format expected.
    pub format: &'static str,
    /// What is wrong.
    pub message: String,
}

impl ReadError {
    pub(crate) fn json(format: &'static str, error: &serde_json::Error) -> ReadError {
        ReadError {
            format,
            message: format!("{error} (line {}, column {})", error.line(), error.column()),
        }
    }

    pub(crate) fn shape(format: &'static str, message: &str) -> ReadError {
        ReadError {
            format,
            message: message.to_owned(),
        }
    }
}

/// Reads a report of `format`, keeping at most `max_results` results; the rest are
/// counted in [`Parsed::dropped`].
///
/// SARIF, the format of the largest reports, is read as a stream: a result past the limit
/// is parsed, counted and dropped at once. The native formats are parsed whole (their size
/// is bounded by the report's), then cut to the limit.
pub fn read(format: ToolFormat, text: &str, max_results: usize) -> Result<Parsed, ReadError> {
    let mut parsed = match format {
        ToolFormat::Sarif => sarif::read(text, max_results)?,
        ToolFormat::Bandit => bandit::read(text)?,
        ToolFormat::Semgrep => semgrep::read(text)?,
        ToolFormat::Trivy => trivy::read(text)?,
        ToolFormat::Checkov => checkov::read(text)?,
        ToolFormat::Snyk => snyk::read(text, max_results)?,
        ToolFormat::Zap => zap::read(text)?,
        ToolFormat::Gitleaks => gitleaks::read(text)?,
        ToolFormat::Sonarqube => sonarqube::read(text)?,
        ToolFormat::Junit => junit::read(text)?,
    };
    if parsed.reported.len() > max_results {
        parsed.dropped += (parsed.reported.len() - max_results) as u64;
        parsed.reported.truncate(max_results);
    }
    Ok(parsed)
}
