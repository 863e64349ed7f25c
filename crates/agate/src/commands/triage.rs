//! `agate triage [mark|list|stats|export]`: decisions about single findings in
//! `.agate/triage.yaml`, over a saved JSON report or a gate run.

use std::collections::HashMap;
use std::io::{self, BufRead as _, IsTerminal as _, Write};
use std::path::PathBuf;

use agate_model::{Finding, FindingStatus, Report, TriageDecision};
use agate_pipeline::Purpose;
use agate_policy::{Date, Decision, StatsBy, TRIAGE_FILE, Triage};

use crate::args::{
    ExportFormat, StatsByArg, TriageCommand, TriageFormat, TriageMarkArgs, TriageSource,
};
use crate::commands::scan::{evaluate, judged_in, scan_root};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The shortest fingerprint prefix `mark` accepts: 6 hex digits are 16 million values,
/// enough to name one finding of a repository without typing 32.
const MIN_PREFIX: usize = 6;

/// The longest answer read at a prompt.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// How many hex digits `list` shows.
const SHOWN_PREFIX: usize = 12;

pub(crate) fn run(
    command: Option<TriageCommand>,
    source: &TriageSource,
) -> anyhow::Result<ExitStatus> {
    match command {
        None => walk(source),
        Some(TriageCommand::Mark(args)) => mark(&args),
        Some(TriageCommand::List {
            all,
            format,
            source,
        }) => list(all, format, &source),
        Some(TriageCommand::Stats { format, by, source }) => stats(format, by, &source),
        Some(TriageCommand::Export {
            format: ExportFormat::Jsonl,
            output,
            source,
        }) => export(output, &source),
    }
}

/// The decisions, where they are kept, and the findings they are about.
struct Workspace {
    path: PathBuf,
    triage: Triage,
    report: Report,
}

/// Reads the decisions (a bad file fails before any scan), then the findings: the saved
/// report, else a gate run of the environment.
fn open(source: &TriageSource) -> anyhow::Result<Workspace> {
    let root = scan_root(&source.context)?;
    let path = root.join(TRIAGE_FILE);
    let triage = Triage::load_in(&root).map_err(|error| Failure::usage(error.to_string()))?;
    let report = if let Some(report) = &source.report {
        let mut saved = crate::commands::report::read(report)?;
        // A saved report may have been edited since agate wrote it: shown redacted.
        let secrets = output::bundled_secrets().ok_or_else(|| {
            anyhow::anyhow!("agate could not load its secret rules to show the report safely")
        })?;
        saved.redact(secrets);
        saved
    } else {
        let request = judged_in(&source.context, Purpose::Gate(source.env.clone()), None)?;
        evaluate(&request)?.report
    };
    Ok(Workspace {
        path,
        triage,
        report,
    })
}

fn decision_of(args: &TriageMarkArgs) -> TriageDecision {
    if args.false_positive {
        TriageDecision::FalsePositive
    } else if args.accepted_risk {
        TriageDecision::AcceptedRisk
    } else {
        TriageDecision::WontFix
    }
}

/// `agate triage mark`.
fn mark(args: &TriageMarkArgs) -> anyhow::Result<ExitStatus> {
    let prefixes = args
        .fingerprints
        .iter()
        .map(|wanted| prefix(wanted))
        .collect::<anyhow::Result<Vec<String>>>()?;
    let reason = required_reason(&args.reason)?;
    let until = args
        .until
        .as_deref()
        .map(|text| until(text, true))
        .transpose()?;
    let Workspace {
        path,
        mut triage,
        report,
    } = open(&args.source)?;
    let findings = prefixes
        .iter()
        .map(|prefix| find(&report.findings, prefix))
        .collect::<anyhow::Result<Vec<&Finding>>>()?;
    let kind = decision_of(args);
    let owner = args
        .owner
        .as_deref()
        .map(|owner| output::redact(owner.trim()).into_owned())
        .filter(|owner| !owner.is_empty());
    let mut out = io::stdout().lock();
    for finding in findings {
        let decision = decide(finding, kind, &reason, until, owner.clone());
        let replaced = triage.mark(decision);
        writeln!(
            out,
            "{} {kind} for {} ({}, {}:{}){}",
            if replaced.is_some() {
                "replaced:"
            } else {
                "recorded:"
            },
            short(finding),
            agate_report::escape_line(&finding.rule_id),
            agate_report::escape_line(&finding.location.path),
            finding.location.start.line,
            until.map_or_else(String::new, |until| format!(", until {until}"))
        )?;
    }
    save(&triage, &path)?;
    writeln!(out, "→ `{}`", path.display())?;
    Ok(ExitStatus::Pass)
}

/// A decision about `finding`, made now by whoever runs agate.
fn decide(
    finding: &Finding,
    kind: TriageDecision,
    reason: &str,
    until: Option<Date>,
    owner: Option<String>,
) -> Decision {
    Decision {
        fingerprint: finding.fingerprint.to_string(),
        rule: finding.rule_id.to_string(),
        path: finding.location.path.to_string(),
        decision: kind,
        reason: reason.to_owned(),
        by: who(),
        on: Date::today(),
        until,
        owner,
        tier: finding.tier,
        tool: finding
            .sources
            .iter()
            .map(|source| source.tool.clone())
            .find(|tool| tool != "agate"),
        lines: None,
    }
}

fn save(triage: &Triage, path: &std::path::Path) -> anyhow::Result<()> {
    triage
        .save(path)
        .map_err(|error| Failure::usage(error.to_string()))
}

/// The reason, trimmed and redacted (it is stored in a committed file); empty is refused.
fn required_reason(reason: &str) -> anyhow::Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Failure::usage(
            "the reason is empty\n  help: say why the finding needs no fix, e.g. --reason \"the table name comes from a fixed allowlist\"",
        ));
    }
    Ok(output::redact(reason).into_owned())
}

/// `--until` (`flag`) or the walk's answer: a day that is not past.
fn until(text: &str, flag: bool) -> anyhow::Result<Date> {
    let date: Date = text
        .trim()
        .parse()
        .map_err(|message: String| Failure::usage(output::redact(&message).into_owned()))?;
    let today = Date::today();
    if date < today {
        let shown = if flag {
            format!("--until {date}")
        } else {
            date.to_string()
        };
        return Err(Failure::usage(format!(
            "`{shown}` is in the past (today is {today})\n  help: give the last day the decision should hold: today or later"
        )));
    }
    Ok(date)
}

/// A fingerprint argument, lowercased: 6 to 64 hex digits, nothing else.
fn prefix(wanted: &str) -> anyhow::Result<String> {
    let lower = wanted.trim().to_ascii_lowercase();
    if lower.len() >= MIN_PREFIX && agate_policy::is_fingerprint(&lower) {
        return Ok(lower);
    }
    let shown: String = wanted.chars().take(80).collect();
    Err(Failure::usage(format!(
        "`{}` is not a fingerprint\n  help: give a finding's fingerprint or its first {MIN_PREFIX} or more hex digits, as `agate triage list` shows them",
        agate_report::escape_line(&output::redact(&shown))
    )))
}

/// The one finding whose fingerprint is `prefix` or starts with it.
fn find<'a>(findings: &'a [Finding], prefix: &str) -> anyhow::Result<&'a Finding> {
    if let Some(exact) = findings
        .iter()
        .find(|finding| finding.fingerprint.as_str() == prefix)
    {
        return Ok(exact);
    }
    let mut candidates: Vec<&Finding> = findings
        .iter()
        .filter(|finding| finding.fingerprint.as_str().starts_with(prefix))
        .collect();
    candidates.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    match candidates.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::usage(format!(
            "no finding has a fingerprint starting with `{prefix}`\n  help: `agate triage list` shows the open findings and their fingerprints (pass the same --report, --root and --env)"
        ))),
        many => Err(Failure::usage(format!(
            "`{prefix}` starts {} fingerprints:\n{}\n  help: give more digits",
            many.len(),
            many.iter()
                .take(20)
                .map(|finding| format!(
                    "  {}  {}  {}:{}",
                    finding.fingerprint,
                    agate_report::escape_line(&finding.rule_id),
                    agate_report::escape_line(&finding.location.path),
                    finding.location.start.line
                ))
                .collect::<Vec<_>>()
                .join("\n")
        ))),
    }
}

/// Who is deciding: `$AGATE_USER`, else the git author of the environment
/// (`$GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>`), else `$USER`; redacted.
fn who() -> String {
    let variable = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let person = variable("AGATE_USER")
        .or_else(
            || match (variable("GIT_AUTHOR_NAME"), variable("GIT_AUTHOR_EMAIL")) {
                (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
                (name, email) => name.or(email),
            },
        )
        .or_else(|| variable("USER"))
        .unwrap_or_else(|| "unknown".to_owned());
    output::redact(&person).into_owned()
}

/// A finding's fingerprint as `list` shows it.
fn short(finding: &Finding) -> &str {
    let fingerprint = finding.fingerprint.as_str();
    fingerprint.get(..SHOWN_PREFIX).unwrap_or(fingerprint)
}

/// The first line of a finding's excerpt, redacted and on one line.
fn first_line(finding: &Finding) -> String {
    let line = finding.snippet.lines().next().unwrap_or_default().trim();
    let line: String = line.chars().take(160).collect();
    agate_report::escape_line(&output::redact(&line)).into_owned()
}

fn status_name(status: FindingStatus) -> &'static str {
    match status {
        FindingStatus::Open => "open",
        FindingStatus::Baselined => "baselined",
        FindingStatus::Suppressed => "suppressed",
        FindingStatus::Triaged => "triaged",
    }
}

/// The decision `.agate/triage.yaml` holds for an open finding, unless it expired: one
/// recorded after the saved report was made, or one waiting for an approver's commit.
fn pending<'d>(
    finding: &Finding,
    decisions: &HashMap<&str, &'d Decision>,
    today: Date,
) -> Option<&'d Decision> {
    if !finding.status.is_open() {
        return None;
    }
    decisions
        .get(finding.fingerprint.as_str())
        .copied()
        .filter(|decision| decision.until.is_none_or(|until| until >= today))
}

/// Whether an open finding still needs a decision: none in `.agate/triage.yaml`, or an
/// expired one.
fn undecided(finding: &Finding, decisions: &HashMap<&str, &Decision>, today: Date) -> bool {
    finding.status.is_open() && pending(finding, decisions, today).is_none()
}

/// `agate triage list`.
fn list(all: bool, format: TriageFormat, source: &TriageSource) -> anyhow::Result<ExitStatus> {
    let Workspace { triage, report, .. } = open(source)?;
    let decisions = triage.by_fingerprint();
    let today = Date::today();
    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|finding| all || undecided(finding, &decisions, today))
        .collect();
    output::emit(None, |out| match format {
        TriageFormat::Json => {
            let rows: Vec<serde_json::Value> = shown
                .iter()
                .enumerate()
                .map(|(index, finding)| {
                    serde_json::json!({
                        "number": index + 1,
                        "fingerprint": finding.fingerprint,
                        "rule": finding.rule_id,
                        "path": finding.location.path,
                        "line": finding.location.start.line,
                        "severity": finding.severity,
                        "tier": finding.tier,
                        "status": status_name(finding.status),
                        "decision": finding.justification.as_ref().and_then(|justification| justification.decision).or_else(|| pending(finding, &decisions, today).map(|decision| decision.decision)),
                        "reason": finding.justification.as_ref().map(|justification| justification.reason.as_str()).or_else(|| pending(finding, &decisions, today).map(|decision| decision.reason.as_str())).map(|reason| output::redact(reason).into_owned()),
                        "excerpt": output::redact(finding.snippet.lines().next().unwrap_or_default()).into_owned(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
        TriageFormat::Text => {
            if shown.is_empty() {
                return writeln!(out, "no {}findings", if all { "" } else { "open " });
            }
            for (index, finding) in shown.iter().enumerate() {
                write_finding(out, index + 1, finding, pending(finding, &decisions, today))?;
            }
            writeln!(
                out,
                "\nmark one: agate triage mark FINGERPRINT --false-positive|--accepted-risk|--wont-fix --reason \"…\""
            )
        }
    })?;
    Ok(ExitStatus::Pass)
}

/// One finding of `list` and of the interactive walk: number, fingerprint prefix, rule,
/// place, severity, tier, status (and decision), then the first excerpt line.
fn write_finding(
    out: &mut dyn Write,
    number: usize,
    finding: &Finding,
    pending: Option<&Decision>,
) -> io::Result<()> {
    let status = match (&finding.justification, finding.status) {
        (_, FindingStatus::Open) => pending.map_or_else(String::new, |decision| {
            format!("  [open, decided: {}]", decision.decision)
        }),
        (Some(justification), status) => format!(
            "  [{}{}]",
            status_name(status),
            justification
                .decision
                .map_or_else(String::new, |decision| format!(": {decision}"))
        ),
        (None, status) => format!("  [{}]", status_name(status)),
    };
    writeln!(
        out,
        "{number:>3}. {}  {}  {}:{}  {}  {}{status}",
        short(finding),
        agate_report::escape_line(&finding.rule_id),
        agate_report::escape_line(&finding.location.path),
        finding.location.start.line,
        finding.severity,
        finding.tier.map_or("-", agate_model::Tier::as_str),
    )?;
    let excerpt = first_line(finding);
    if !excerpt.is_empty() {
        writeln!(out, "       {excerpt}")?;
    }
    Ok(())
}

/// `agate triage stats`.
fn stats(
    format: TriageFormat,
    by: StatsByArg,
    source: &TriageSource,
) -> anyhow::Result<ExitStatus> {
    let Workspace { triage, report, .. } = open(source)?;
    let by = match by {
        StatsByArg::Rule => StatsBy::Rule,
        StatsByArg::Tool => StatsBy::Tool,
        StatsByArg::Model => StatsBy::Model,
    };
    let rows = agate_policy::stats(&triage, &report.findings, by, Date::today());
    output::emit(None, |out| match format {
        TriageFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
        TriageFormat::Text => {
            let percent = |rate: Option<f64>| {
                rate.map_or_else(|| "-".to_owned(), |rate| format!("{:.0}%", rate * 100.0))
            };
            writeln!(
                out,
                "{:<36} {:>8} {:>7} {:>5} {:>5} {:>5} {:>6} {:>7} {:>8}  suggestion",
                match by {
                    StatsBy::Rule => "rule",
                    StatsBy::Tool => "tool",
                    StatsBy::Model => "ai tool / model",
                },
                "findings",
                "decided",
                "fp",
                "risk",
                "wont",
                "fp%",
                "accept%",
                "age(d)"
            )?;
            for row in &rows {
                writeln!(
                    out,
                    "{:<36} {:>8} {:>7} {:>5} {:>5} {:>5} {:>6} {:>7} {:>8}  {}",
                    agate_report::escape_line(&row.key),
                    row.findings,
                    row.decided,
                    row.false_positive,
                    row.accepted_risk,
                    row.wont_fix,
                    percent(row.false_positive_rate),
                    percent(row.acceptance_rate),
                    row.median_age_days
                        .map_or_else(|| "-".to_owned(), |days| format!("{days:.1}")),
                    row.suggestion.unwrap_or("")
                )?;
            }
            if rows.is_empty() {
                writeln!(
                    out,
                    "{}",
                    match by {
                        StatsBy::Rule => "no findings and no decisions",
                        StatsBy::Tool =>
                            "no findings of external checks (`gates.NAME.external`) and no decisions that name a tool",
                        StatsBy::Model =>
                            "no findings on AI-authored lines (docs/provenance.md) in this run",
                    }
                )?;
            }
            Ok(())
        }
    })?;
    Ok(ExitStatus::Pass)
}

/// `agate triage export`.
fn export(output_path: Option<PathBuf>, source: &TriageSource) -> anyhow::Result<ExitStatus> {
    let Workspace { triage, report, .. } = open(source)?;
    let rows = agate_policy::export_rows(&triage, &report.findings);
    output::emit(output_path.as_deref(), |out| {
        for row in &rows {
            serde_json::to_writer(&mut *out, row)?;
            writeln!(out)?;
        }
        Ok(())
    })?;
    if let Some(path) = output_path {
        output::note(&format!(
            "{} finding{} on AI-authored lines → `{}`",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" },
            path.display()
        ));
    }
    Ok(ExitStatus::Pass)
}

/// `agate triage` on a terminal: each open finding in turn, a decision, its reason and an
/// optional last day; the file is written after each decision.
fn walk(source: &TriageSource) -> anyhow::Result<ExitStatus> {
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        return Err(Failure::usage(
            "`agate triage` without a subcommand asks questions and needs a terminal\n  help: use `agate triage list` to see the open findings and `agate triage mark FINGERPRINT --false-positive|--accepted-risk|--wont-fix --reason \"…\"` to record a decision",
        ));
    }
    let Workspace {
        path,
        mut triage,
        report,
    } = open(source)?;
    let today = Date::today();
    let open: Vec<&Finding> = {
        let decisions = triage.by_fingerprint();
        report
            .findings
            .iter()
            .filter(|finding| undecided(finding, &decisions, today))
            .collect()
    };
    let mut input = io::stdin().lock();
    let mut out = io::stdout().lock();
    if open.is_empty() {
        writeln!(out, "no open findings")?;
        return Ok(ExitStatus::Pass);
    }
    let mut recorded = 0;
    for (index, finding) in open.iter().enumerate() {
        writeln!(
            out,
            "\n[{}/{}] {}",
            index + 1,
            open.len(),
            agate_report::escape_line(&finding.message)
        )?;
        write_finding(&mut out, index + 1, finding, None)?;
        for line in finding.snippet.lines().skip(1).take(4) {
            writeln!(
                out,
                "       {}",
                agate_report::escape_line(&output::redact(line))
            )?;
        }
        match ask_decision(&mut input, &mut out)? {
            Step::Skip => {}
            Step::Quit => break,
            Step::Decided(kind, reason, until) => {
                let earlier = triage.mark(decide(finding, kind, &reason, until, None));
                save(&triage, &path)?;
                recorded += 1;
                writeln!(
                    out,
                    "{}: {kind} for {} → `{}`",
                    if earlier.is_some() {
                        "replaced"
                    } else {
                        "recorded"
                    },
                    short(finding),
                    path.display()
                )?;
            }
        }
    }
    writeln!(
        out,
        "{recorded} decision{} recorded",
        if recorded == 1 { "" } else { "s" }
    )?;
    Ok(ExitStatus::Pass)
}

/// What the person said about one finding.
enum Step {
    Decided(TriageDecision, String, Option<Date>),
    Skip,
    /// `q`, or the end of input.
    Quit,
}

/// Asks for a decision, then its reason (required) and its last day (optional), until
/// each answer is valid.
fn ask_decision(input: &mut dyn io::BufRead, out: &mut dyn Write) -> anyhow::Result<Step> {
    let kind = loop {
        let answer = ask(
            input,
            out,
            "[f]alse positive, [a]ccepted risk, [w]on't fix, [s]kip, [q]uit: ",
        )?;
        match answer.map(|answer| answer.to_ascii_lowercase()).as_deref() {
            Some("f") => break TriageDecision::FalsePositive,
            Some("a") => break TriageDecision::AcceptedRisk,
            Some("w") => break TriageDecision::WontFix,
            Some("s") => return Ok(Step::Skip),
            Some("q") | None => return Ok(Step::Quit),
            Some(_) => writeln!(out, "answer f, a, w, s or q")?,
        }
    };
    let reason = loop {
        let Some(reason) = ask(input, out, "reason (required): ")? else {
            return Ok(Step::Quit);
        };
        match required_reason(&reason) {
            Ok(reason) => break reason,
            Err(_) => writeln!(
                out,
                "a reason is required: say why the finding needs no fix"
            )?,
        }
    };
    let until = loop {
        match ask(input, out, "last day it holds, YYYY-MM-DD (empty: none): ")? {
            None => return Ok(Step::Quit),
            Some(text) if text.trim().is_empty() => break None,
            Some(text) => match until(&text, false) {
                Ok(date) => break Some(date),
                Err(error) => writeln!(out, "{error}")?,
            },
        }
    };
    Ok(Step::Decided(kind, reason, until))
}

/// Prints `prompt` and reads one line; `None` at the end of input.
fn ask(
    input: &mut dyn io::BufRead,
    out: &mut dyn Write,
    prompt: &str,
) -> io::Result<Option<String>> {
    write!(out, "{prompt}")?;
    out.flush()?;
    let mut line = String::new();
    // A person types a short answer: a pasted megabyte is cut, not held.
    if io::Read::take(input, MAX_ANSWER_BYTES).read_line(&mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim().to_owned()))
}
