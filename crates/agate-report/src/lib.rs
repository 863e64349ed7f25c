//! Renders an agate [`Report`] for people and for machines.
//!
//! One module per format, each a function from a report to any [`std::io::Write`]:
//! [`terminal`] (rustc-style snippets with carets, then a summary), [`json`] (the report
//! itself, schema in `docs/report.schema.json`) and [`sarif`] (SARIF 2.1.0 as GitHub code
//! scanning reads it). Renderers only render: they never filter, sort or decide.
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
//!     verdict: None,
//! };
//! let mut out = Vec::new();
//! render(&report, Format::Terminal, &RenderOptions::default(), &mut out).unwrap();
//! assert!(String::from_utf8(out).unwrap().contains("No findings"));
//! ```
#![warn(missing_docs)]

pub mod json;
pub mod sarif;
pub mod terminal;

use std::io::{self, Write};

use agate_model::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable, with code excerpts.
    Terminal,
    /// The report as JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Presentation options shared by the renderers.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colours (terminal format only).
    pub color: bool,
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
    }
}

#[cfg(test)]
mod test_support;
