//! Renders an agate [`Report`] for people and for machines.
//!
//! One module per format, each a function from a report to any [`std::io::Write`]:
//! [`terminal`] (rustc-style snippets with carets, then a summary), [`json`] (the report
//! itself, schema in `docs/report.schema.json`), [`sarif`] (SARIF 2.1.0 as GitHub code
//! scanning reads it), [`junit`] (a test suite per gate), [`gitlab`] (Code Quality),
//! [`gitlab_sast`] (GitLab's SAST report), [`github`] (workflow-command annotations),
//! [`markdown`] (step summary and pull request comment) and [`html`] (one self-contained
//! page). Renderers only render: they never decide; formats with display limits pick the
//! most important findings by [`rank::ranked`].
//!
//! ```
//! use agate_model::{Report, ScanStats, Tool, REPORT_SCHEMA_VERSION};
//! use agate_report::{Format, RenderOptions, render};
//!
//! let report = Report {
//!     schema_version: REPORT_SCHEMA_VERSION,
//!     tool: Tool { name: "agate".into(), version: "0.1.0".into() },
//!     findings: vec![],
//!     rules: vec![],
//!     notices: vec![],
//!     stats: ScanStats::default(),
//!     checks: vec![],
//!     coverage: vec![],
//!     verdict: None,
//! };
//! let mut out = Vec::new();
//! render(&report, Format::Terminal, &RenderOptions::default(), &mut out).unwrap();
//! assert!(String::from_utf8(out).unwrap().contains("No findings"));
//! ```
#![warn(missing_docs)]

mod escape;
pub mod github;
pub mod gitlab;
pub mod gitlab_sast;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod rank;
pub mod sarif;
pub mod terminal;

use std::io::{self, Write};

use agate_model::Report;

pub use escape::{escape_excerpt, escape_line, escape_lines};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable, with code excerpts.
    Terminal,
    /// The report as JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML: a test suite per gate.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// GitLab SAST security report JSON.
    GitlabSast,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown step summary.
    Summary,
    /// A Markdown pull/merge request comment.
    Comment,
    /// One self-contained HTML page.
    Html,
}

/// Presentation options shared by the renderers.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colours (terminal format only).
    pub color: bool,
    /// When the run started and finished, UTC `YYYY-MM-DDThh:mm:ss` (GitLab SAST).
    pub started: String,
    /// See `started`.
    pub finished: String,
    /// A URL that source paths are appended to, e.g. a repository's blob URL at the
    /// commit (Markdown links).
    pub source_url: Option<String>,
    /// Where the full report can be seen (Markdown comment).
    pub report_url: Option<String>,
}

/// Renders `report` as `format` into `out`.
pub fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Terminal => terminal::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::GitlabSast => gitlab_sast::render(report, options, out),
        Format::Github => github::render(report, out),
        Format::Summary => markdown::summary(report, options, out),
        Format::Comment => markdown::comment(report, options, out),
        Format::Html => html::render(report, out),
    }
}

/// One line about a gate's diff coverage: `new lines 60.0% (3 of 5, minimum 50%); AI lines …`.
pub fn coverage_line(result: &agate_model::CoverageResult) -> String {
    let part = |what: &str, ratio: agate_model::LineRatio, minimum: Option<f64>| {
        let minimum = minimum.map_or_else(String::new, |minimum| format!(", minimum {minimum}%"));
        if ratio.total == 0 {
            format!("{what}: none instrumented{minimum}")
        } else {
            format!(
                "{what} {:.1}% ({} of {}{minimum})",
                ratio.covered as f64 * 100.0 / ratio.total as f64,
                ratio.covered,
                ratio.total
            )
        }
    };
    format!(
        "{}; {}",
        part("new lines", result.new_lines, result.new_lines_min),
        part("AI lines", result.ai_lines, result.ai_lines_min)
    )
}

#[cfg(test)]
mod test_support;
