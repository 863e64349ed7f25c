//! `agate scan` and `agate gate`.

use std::collections::BTreeSet;

use agate_lang::WalkOptions;
use agate_model::{
    Notice, NoticeLevel, REPORT_SCHEMA_VERSION, Report, Severity, Tool, Verdict, VerdictStatus,
};
use agate_report::{Format, RenderOptions};
use agate_rules::{ScanOptions, Scanner};
use anyhow::Context as _;

use crate::args::{FormatArg, ScanArgs};
use crate::commands::rules::load_rules;
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// Scans, renders, and — when `block_at` is given (`agate gate`) — decides.
pub(crate) fn run(args: &ScanArgs, block_at: Option<Severity>) -> anyhow::Result<ExitStatus> {
    let rules = load_rules(&args.rule_dirs, !args.no_bundled_rules)?;
    if rules.is_empty() {
        return Err(Failure::usage(
            "no rules to run: --no-bundled-rules needs at least one --rules DIR with rules",
        ));
    }
    let root = match &args.root {
        Some(root) => root.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let paths: Vec<_> = args
        .paths
        .iter()
        .map(|path| {
            if path.is_absolute() {
                path.clone()
            } else {
                root.join(path)
            }
        })
        .collect();
    let options = ScanOptions {
        walk: WalkOptions {
            respect_ignore_files: !args.no_ignore,
            include_vendored: args.include_vendored,
            max_file_size: args.max_file_size,
            threads: args.threads,
        },
        threads: args.threads,
    };
    let scanner = Scanner::new(rules, options);
    let found = scanner.scan(&root, &paths);

    let mut notices = found.notices;
    if block_at.is_some() && found.stats.files == 0 {
        notices.push(Notice {
            level: NoticeLevel::Error,
            path: None,
            message: "no Python, JavaScript, TypeScript or Java files were found; a gate that checks nothing does not pass (check the paths and ignore files)".to_owned(),
        });
    }
    let referenced: BTreeSet<&str> = found.findings.iter().map(|f| f.rule_id.as_str()).collect();
    let descriptors = scanner
        .rules()
        .iter()
        .filter(|rule| referenced.contains(rule.id()))
        .map(agate_rules::Rule::descriptor)
        .collect();
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "agate".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        findings: found.findings,
        rules: descriptors,
        notices,
        stats: found.stats,
        verdict: None,
    };
    report.verdict = block_at.map(|block_at| Verdict::decide(&report, block_at));

    let format = match args.format {
        FormatArg::Terminal => Format::Terminal,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let color =
        args.output.is_none() && format == Format::Terminal && output::stdout_color(args.color);
    let options = RenderOptions { color };
    output::emit(args.output.as_deref(), |out| {
        agate_report::render(&report, format, &options, out)
    })?;
    if let Some(path) = &args.output {
        // The report went to a file; the CI log still gets one line saying what happened.
        output::note(&format!(
            "{} Report written to `{}`.",
            agate_report::terminal::summary(&report),
            path.display()
        ));
    }
    Ok(match report.verdict.map(|verdict| verdict.status) {
        None | Some(VerdictStatus::Pass) => ExitStatus::Pass,
        Some(VerdictStatus::Blocked) => ExitStatus::Blocked,
        Some(VerdictStatus::Error) => ExitStatus::Internal,
    })
}
