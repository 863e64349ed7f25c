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
//!     run: None,
//!     tool: Tool { name: "agate".into(), version: "0.1.0".into() },
//!     findings: vec![],
//!     rules: vec![],
//!     notices: vec![],
//!     stats: ScanStats::default(),
//!     checks: vec![],
//!     coverage: vec![],
//!     load: vec![],
//!     compliance: vec![],
//!     reviews: vec![],
//!     verdict: None,
//! };
//! let mut out = Vec::new();
//! render(&report, Format::Terminal, &RenderOptions::default(), &mut out).unwrap();
//! assert!(String::from_utf8(out).unwrap().contains("No findings"));
//! ```
#![warn(missing_docs)]

pub mod compliance;
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

use std::fmt::Write as _;
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

/// One line about an LLM review: `gate review, model qwen2.5-coder (security): 12 of 12
/// hunks reviewed (4 from the cache), 0 failed, 0 not asked; 8,412 + 1,230 tokens, cost
/// 0.0043`.
pub fn review_line(review: &agate_model::LlmReview) -> String {
    let mut line = format!(
        "gate {}, model {} ({}): {} of {} hunks reviewed ({} from the cache), {} failed, {} not asked; {} + {} tokens",
        review.gate,
        review.model,
        review.rubric,
        review.reviewed,
        review.hunks,
        review.cached,
        review.failed,
        review.skipped,
        review.prompt_tokens,
        review.completion_tokens,
    );
    if let Some(cost) = review.cost {
        let _ = write!(line, ", cost {cost:.4}");
    }
    line
}

/// One line about a load test: `search (gate performance, open model): 6,000 requests,
/// 200.0 rps, p50 3.1 ms, p95 7.9 ms, p99 14.2 ms, max 52.3 ms, 0 errors; p95 < 50ms pass
/// (7.9ms)`.
pub fn load_line(run: &agate_model::LoadRun) -> String {
    let total = &run.result.total;
    let latency = &total.latency_ms;
    let mut line = format!(
        "{} (gate {}, {} model): {} requests, {:.1} rps, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} errors",
        run.name,
        run.gate,
        run.model,
        total.requests,
        total.rps,
        latency.p50,
        latency.p95,
        latency.p99,
        latency.max,
        total.errors.total()
    );
    for threshold in &run.thresholds {
        let outcome = if threshold.passed { "pass" } else { "FAIL" };
        let _ = write!(
            line,
            "; {} {outcome} ({})",
            threshold.threshold, threshold.actual
        );
    }
    for found in &run.regressions {
        let outcome = if found.regressed { "FAIL" } else { "pass" };
        let _ = write!(
            line,
            "; p95 against baseline {outcome} ({:+.1}%)",
            found.worse_by_percent
        );
    }
    line
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

#[cfg(test)]
mod load_tests {
    use agate_model::{
        Latency, LoadErrors, LoadReport, LoadRun, LoadStats, RegressionOutcome, ThresholdOutcome,
    };

    use crate::{Format, RenderOptions, render};

    fn with_load() -> agate_model::Report {
        let mut report = crate::test_support::sample_report();
        report.load.push(LoadRun {
            gate: "performance".into(),
            name: "search<x>".into(),
            url: "http://127.0.0.1:8000/search".into(),
            model: "open".into(),
            result: LoadReport {
                measured_seconds: 10.0,
                total: LoadStats {
                    requests: 2000,
                    rps: 200.0,
                    latency_ms: Latency {
                        p50: 3.1,
                        p90: 6.0,
                        p95: 7.9,
                        p99: 14.2,
                        p999: 31.0,
                        max: 52.3,
                        mean: 3.8,
                    },
                    errors: LoadErrors {
                        status_5xx: 3,
                        ..LoadErrors::default()
                    },
                },
                requests: Vec::new(),
            },
            thresholds: vec![ThresholdOutcome {
                threshold: "p95 < 5ms".into(),
                passed: false,
                actual: "7.9ms".into(),
            }],
            regressions: vec![RegressionOutcome {
                request: None,
                baseline_p95_ms: 7.0,
                p95_ms: 7.9,
                worse_by_percent: 12.9,
                regressed: true,
            }],
        });
        report
    }

    fn rendered(format: Format) -> String {
        let mut out = Vec::new();
        render(&with_load(), format, &RenderOptions::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn load_results_show_in_the_terminal_markdown_and_html() {
        let terminal = rendered(Format::Terminal);
        assert!(
            terminal.contains("load test search<x> (gate performance, open model): 2000 requests, 200.0 rps, p50 3.10 ms, p95 7.90 ms")
                && terminal.contains("p95 < 5ms FAIL (7.9ms)")
                && terminal.contains("p95 against baseline FAIL (+12.9%)"),
            "{terminal}"
        );
        let summary = rendered(Format::Summary);
        assert!(summary.contains("### Load tests"), "{summary}");
        assert!(summary.contains("| 2000 | 200.0 | 3.10 ms | 6.00 ms | 7.90 ms | 14.20 ms | 31.00 ms | 52.30 ms | 3 |"), "{summary}");
        assert!(summary.contains("❌ `p95 &lt; 5ms` (7.9ms)"), "{summary}");
        let html = rendered(Format::Html);
        assert!(
            html.contains("<h2>Load tests</h2>") && html.contains("<svg role=\"img\""),
            "{html}"
        );
        assert!(html.contains("search&lt;x&gt;") && !html.contains("search<x>"));
        assert_eq!(html.matches("<circle").count(), 6);
    }
}
