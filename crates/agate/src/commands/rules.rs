//! `agate rules list|show|test`.

use std::path::PathBuf;

use anyhow::Context as _;

use agate_rules::{RuleSet, check_fixtures};

use crate::args::{ListArgs, ListFormat};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The bundled rules (unless `bundled` is false) plus the rules in `dirs`; a bad rule file
/// is a usage error.
fn load_rules(dirs: &[PathBuf], bundled: bool) -> anyhow::Result<RuleSet> {
    agate_pipeline::load_rules(dirs, bundled).map_err(|error| Failure::usage(error.to_string()))
}

/// Each rule of the catalogue with the controls of `pack` it is evidence for.
fn mapped<'p>(
    pack: &'p agate_compliance::Pack,
    rules: &[(agate_model::RuleDescriptor, agate_model::Analyzer)],
) -> Vec<(String, Vec<&'p str>)> {
    rules
        .iter()
        .filter_map(|(rule, analyzer)| {
            let controls: Vec<&str> = pack
                .controls_of(&catalogue_rule(rule, *analyzer))
                .into_iter()
                .map(|control| control.id.as_str())
                .collect();
            (!controls.is_empty()).then(|| (rule.id.clone(), controls))
        })
        .collect()
}

fn catalogue_rule(
    rule: &agate_model::RuleDescriptor,
    analyzer: agate_model::Analyzer,
) -> agate_compliance::CatalogueRule {
    agate_compliance::CatalogueRule {
        id: rule.id.clone(),
        analyzer,
        cwe: rule.cwe.clone(),
        owasp: rule.owasp.clone(),
        compliance: rule.compliance.clone(),
        gate: None,
    }
}

/// `agate rules list --compliance FRAMEWORK`: the rules mapped to a framework (bundled, or
/// a pack of the current folder's agate.yaml), each with its controls.
fn list_compliance(args: &ListArgs, framework: &str) -> anyhow::Result<ExitStatus> {
    let root = std::env::current_dir().context("cannot read the current directory")?;
    let usage = |error: agate_pipeline::PipelineError| Failure::usage(error.to_string());
    let policy = crate::commands::config::policy_of(&root).map_err(usage)?;
    let packs = agate_pipeline::packs(&root, &policy).map_err(usage)?;
    let Some(pack) = packs.get(framework) else {
        return Err(Failure::usage(format!(
            "unknown compliance framework `{framework}`\n  help: known frameworks: {}",
            packs.ids().join(", ")
        )));
    };
    let rules = load_rules(&args.rule_dirs, true)?;
    let secret_rules =
        agate_secrets::bundled_rules().context("the bundled secret rules are broken")?;
    let mapped = mapped(pack, &agate_pipeline::catalogue(&rules, &secret_rules));
    // A team's pack is a file of the repository: its ids and title are shown redacted,
    // and on a terminal with control characters spelled out.
    let shown = |text: &str| output::redact(text).into_owned();
    let line = |text: &str| agate_report::escape_line(&output::redact(text)).into_owned();
    output::emit(None, |out| match args.format {
        ListFormat::Json => {
            let rows: Vec<_> = mapped
                .iter()
                .map(|(id, controls)| {
                    let controls: Vec<String> =
                        controls.iter().map(|control| shown(control)).collect();
                    serde_json::json!({ "id": shown(id), "controls": controls })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
        ListFormat::Terminal => {
            for (id, controls) in &mapped {
                writeln!(out, "{:<36} {}", line(id), line(&controls.join(", ")))?;
            }
            writeln!(
                out,
                "\n{} rule{} mapped to {} ({})",
                mapped.len(),
                if mapped.len() == 1 { "" } else { "s" },
                line(&pack.title),
                line(&pack.id)
            )
        }
    })?;
    Ok(ExitStatus::Pass)
}

/// The controls of every bundled framework a rule is evidence for, as `TAG ID`.
fn controls_line(
    rule: &agate_model::RuleDescriptor,
    analyzer: agate_model::Analyzer,
) -> anyhow::Result<Option<String>> {
    let packs =
        agate_compliance::Packs::bundled().context("the bundled compliance packs are broken")?;
    let rule = catalogue_rule(rule, analyzer);
    let controls: Vec<String> = packs
        .iter()
        .flat_map(|pack| {
            pack.controls_of(&rule)
                .into_iter()
                .map(|control| format!("{} {}", pack.tag, control.id))
        })
        .collect();
    Ok((!controls.is_empty()).then(|| controls.join(", ")))
}

pub(crate) fn list(args: &ListArgs) -> anyhow::Result<ExitStatus> {
    if let Some(framework) = &args.compliance {
        return list_compliance(args, framework);
    }
    let mut rules = load_rules(&args.rule_dirs, true)?;
    let secrets_only = args.language.as_deref() == Some("secrets");
    match &args.language {
        Some(_) if secrets_only => rules.retain(|_| false),
        Some(language) => {
            let language: agate_lang::Language =
                language
                    .parse()
                    .map_err(|error: agate_lang::ParseLanguageError| {
                        Failure::usage(format!("{error} (or `secrets` for the secret rules)"))
                    })?;
            rules.retain(|rule| rule.language() == language);
        }
        None => {}
    }
    let secret_rules = if args.language.is_none() || secrets_only {
        agate_secrets::bundled_rules().context("the bundled secret rules are broken")?
    } else {
        Vec::new()
    };
    output::emit(None, |out| match args.format {
        ListFormat::Json => {
            let descriptors: Vec<_> = rules
                .iter()
                .map(agate_rules::Rule::descriptor)
                .chain(
                    secret_rules
                        .iter()
                        .map(agate_secrets::SecretRule::descriptor),
                )
                .collect();
            serde_json::to_writer_pretty(&mut *out, &descriptors)?;
            writeln!(out)
        }
        ListFormat::Terminal => {
            for rule in rules.iter() {
                let metadata = rule.metadata();
                let tags = if metadata.ai_pattern {
                    "AI".to_owned()
                } else {
                    metadata.cwe.join(",")
                };
                writeln!(
                    out,
                    "{:<36} {:<8} {:<16} {}",
                    rule.id(),
                    metadata.severity,
                    tags,
                    rule.message().replace('\n', " ")
                )?;
            }
            for rule in &secret_rules {
                let file = rule.file();
                writeln!(
                    out,
                    "{:<36} {:<8} {:<16} {}",
                    file.id,
                    file.severity,
                    if file.ai_pattern {
                        "AI".to_owned()
                    } else {
                        file.cwe.join(",")
                    },
                    file.title
                )?;
            }
            writeln!(out, "\n{} rules", rules.len() + secret_rules.len())
        }
    })?;
    Ok(ExitStatus::Pass)
}

/// `agate rules show` for a secret rule.
fn show_secret(rule: &agate_secrets::SecretRule) -> anyhow::Result<ExitStatus> {
    let file = rule.file();
    let descriptor = rule.descriptor();
    let analyzer = if descriptor.ai_pattern {
        agate_model::Analyzer::AiPatterns
    } else {
        agate_model::Analyzer::Secrets
    };
    let controls = controls_line(&descriptor, analyzer)?;
    output::emit(None, |out| {
        writeln!(out, "{}  (secrets, bundled)", file.id)?;
        writeln!(out, "{}\n", file.title)?;
        writeln!(out, "severity:   {}", file.severity)?;
        if !file.cwe.is_empty() {
            writeln!(out, "cwe:        {}", file.cwe.join(", "))?;
        }
        if !file.owasp.is_empty() {
            writeln!(out, "owasp:      {}", file.owasp.join(", "))?;
        }
        if !file.compliance.is_empty() {
            writeln!(out, "compliance: {}", file.compliance.join(", "))?;
        }
        if let Some(controls) = &controls {
            writeln!(out, "controls:   {controls}")?;
        }
        if !file.keywords.is_empty() {
            writeln!(out, "keywords:   {}", file.keywords.join(", "))?;
        }
        writeln!(out, "regex:      {}", file.regex)?;
        if let Some(entropy) = file.entropy {
            writeln!(out, "entropy:    ≥ {entropy} bits per character")?;
        }
        if file.ai_pattern {
            writeln!(out, "AI anti-pattern: yes")?;
        }
        writeln!(out, "\n{}", file.note)
    })?;
    Ok(ExitStatus::Pass)
}

pub(crate) fn show(id: &str) -> anyhow::Result<ExitStatus> {
    let rules = load_rules(&[], true)?;
    let secret_rules =
        agate_secrets::bundled_rules().context("the bundled secret rules are broken")?;
    if let Some(rule) = secret_rules.iter().find(|rule| rule.id() == id) {
        return show_secret(rule);
    }
    let Some(rule) = rules.get(id) else {
        let close: Vec<&str> = rules
            .iter()
            .map(agate_rules::Rule::id)
            .chain(secret_rules.iter().map(agate_secrets::SecretRule::id))
            .filter(|candidate| candidate.contains(id) || id.contains(*candidate))
            .take(5)
            .collect();
        let hint = if close.is_empty() {
            "run `agate rules list` to see every rule".to_owned()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        return Err(Failure::usage(format!("no rule `{id}`\n  help: {hint}")));
    };
    let metadata = rule.metadata();
    let analyzer = if metadata.ai_pattern {
        agate_model::Analyzer::AiPatterns
    } else {
        agate_model::Analyzer::Sast
    };
    let controls = controls_line(&rule.descriptor(), analyzer)?;
    output::emit(None, |out| {
        writeln!(
            out,
            "{}  ({}, from {})",
            rule.id(),
            rule.language(),
            rule.source()
        )?;
        writeln!(out, "{}\n", rule.message())?;
        writeln!(out, "severity:   {}", metadata.severity)?;
        writeln!(out, "confidence: {}", metadata.confidence)?;
        if !metadata.cwe.is_empty() {
            writeln!(out, "cwe:        {}", metadata.cwe.join(", "))?;
        }
        if !metadata.owasp.is_empty() {
            writeln!(out, "owasp:      {}", metadata.owasp.join(", "))?;
        }
        if !metadata.compliance.is_empty() {
            writeln!(out, "compliance: {}", metadata.compliance.join(", "))?;
        }
        if let Some(controls) = &controls {
            writeln!(out, "controls:   {controls}")?;
        }
        if metadata.ai_pattern {
            writeln!(out, "AI anti-pattern: yes")?;
        }
        if rule.has_fix() {
            writeln!(
                out,
                "fix:        yes (`agate fix` shows it, `--apply` writes it)"
            )?;
        }
        writeln!(out, "\n{}", rule.note())
    })?;
    Ok(ExitStatus::Pass)
}

pub(crate) fn test(dirs: &[PathBuf]) -> anyhow::Result<ExitStatus> {
    // The folders given, or the bundled rules when none is.
    let rules = load_rules(dirs, dirs.is_empty())?;
    let outcomes = check_fixtures(&rules);
    let failed = outcomes.iter().filter(|outcome| !outcome.passed()).count();
    let expected: usize = outcomes.iter().map(|outcome| outcome.expected).sum();
    let near_misses: usize = outcomes.iter().map(|outcome| outcome.near_misses).sum();
    output::emit(None, |out| {
        for outcome in &outcomes {
            if outcome.passed() {
                continue;
            }
            writeln!(out, "FAIL {}", outcome.rule_id)?;
            for failure in &outcome.failures {
                writeln!(out, "  {failure}")?;
            }
        }
        writeln!(
            out,
            "{} rules, {} passed, {failed} failed ({expected} expected matches, {near_misses} near misses checked)",
            outcomes.len(),
            outcomes.len() - failed
        )
    })?;
    Ok(if failed == 0 {
        ExitStatus::Pass
    } else {
        ExitStatus::Blocked
    })
}
