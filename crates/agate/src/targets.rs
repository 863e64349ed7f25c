//! Which reports a run writes: each `--format` with its `--output`, and colour.

use std::path::PathBuf;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// Findings with code excerpts, for people.
    Terminal,
    /// agate's report (docs/report.schema.json).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML: a test suite per gate.
    Junit,
    /// GitLab Code Quality.
    Gitlab,
    /// GitLab SAST security report.
    GitlabSast,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// Markdown step summary ($GITHUB_STEP_SUMMARY).
    Summary,
    /// Markdown pull/merge request comment.
    Comment,
    /// One self-contained HTML page.
    Html,
}

impl FormatArg {
    /// The renderer's format.
    pub(crate) fn format(self) -> agate_report::Format {
        use agate_report::Format;
        match self {
            FormatArg::Terminal => Format::Terminal,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Junit => Format::Junit,
            FormatArg::Gitlab => Format::Gitlab,
            FormatArg::GitlabSast => Format::GitlabSast,
            FormatArg::Github => Format::Github,
            FormatArg::Summary => Format::Summary,
            FormatArg::Comment => Format::Comment,
            FormatArg::Html => Format::Html,
        }
    }
}

/// One report to write: a format, and a file (standard output when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) format: FormatArg,
    pub(crate) output: Option<PathBuf>,
}

/// Pairs each `--output` with the `--format` before it, from their positions on the
/// command line. With one format, its output may come first; with several, an output
/// before any format, or two for one format, is an error.
pub(crate) fn targets(
    formats: &[(usize, FormatArg)],
    outputs: &[(usize, PathBuf)],
) -> Result<Vec<Target>, String> {
    let formats: Vec<(usize, FormatArg)> = if formats.is_empty() {
        vec![(0, FormatArg::Terminal)]
    } else {
        formats.to_vec()
    };
    let mut targets: Vec<Target> = formats
        .iter()
        .map(|&(_, format)| Target {
            format,
            output: None,
        })
        .collect();
    for (position, path) in outputs {
        let owner = if targets.len() == 1 {
            Some(0)
        } else {
            formats.iter().rposition(|(at, _)| at < position)
        };
        let Some(owner) = owner else {
            return Err(format!(
                "`--output {}` comes before any --format; with several formats, put each --output right after the --format it is for",
                path.display()
            ));
        };
        if let Some(taken) = &targets[owner].output {
            return Err(format!(
                "two --output files ({} and {}) for one --format; give each report its own --format",
                taken.display(),
                path.display()
            ));
        }
        targets[owner].output = Some(path.clone());
    }
    Ok(targets)
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorArg {
    Auto,
    Always,
    Never,
}
