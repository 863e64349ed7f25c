//! SARIF 2.1.0 from any tool: rules from the driver and its extensions, results with their
//! level or `security-severity`, CWE from tags and taxonomies, the first physical location.

use std::collections::HashMap;

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::{Reported, cwes_in, one_line, severity_from_score};
use crate::{Parsed, ReadError};

/// Reads a SARIF log.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let log: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("SARIF", &error))?;
    let runs = log
        .get("runs")
        .and_then(Value::as_array)
        .ok_or_else(|| ReadError::shape("SARIF", "no `runs` array: this is not a SARIF log"))?;
    let mut parsed = Parsed::default();
    for run in runs {
        read_run(run, &mut parsed);
    }
    Ok(parsed)
}

/// What a rule says about its results.
#[derive(Default)]
struct RuleInfo {
    title: String,
    help: String,
    level: Option<String>,
    score: Option<f64>,
    cwe: Vec<String>,
}

fn read_run(run: &Value, parsed: &mut Parsed) {
    parsed.failures.extend(failed_invocations(run));
    let (rules, by_index) = rules_of(run);
    let base_ids = run.get("originalUriBaseIds");
    let artifacts = run.get("artifacts").and_then(Value::as_array);
    for result in run
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if is_dismissed(result) {
            continue;
        }
        let rule_id = text_at(result, "ruleId")
            .or_else(|| result.pointer("/rule/id").and_then(Value::as_str))
            .map(str::to_owned)
            .or_else(|| {
                let index = result.get("ruleIndex").and_then(Value::as_u64)?;
                by_index.get(usize::try_from(index).ok()?).cloned()
            })
            .unwrap_or_else(|| "result".to_owned());
        let rule = rules.get(&rule_id);
        let mut cwe = rule.map(|rule| rule.cwe.clone()).unwrap_or_default();
        for tag in result
            .pointer("/properties/tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(tag) = tag.as_str() {
                cwes_in(tag, &mut cwe);
            }
        }
        let score = result
            .pointer("/properties/security-severity")
            .and_then(score_of)
            .or_else(|| rule.and_then(|rule| rule.score));
        let level = text_at(result, "level")
            .map(str::to_owned)
            .or_else(|| rule.and_then(|rule| rule.level.clone()));
        let severity = match score {
            Some(score) => severity_from_score(score),
            None => level_severity(level.as_deref()),
        };
        let message = result
            .pointer("/message/text")
            .or_else(|| result.pointer("/message/markdown"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| rule.map(|rule| rule.title.clone()))
            .unwrap_or_else(|| rule_id.clone());
        let mut reported = Reported {
            title: rule.map(|rule| rule.title.clone()).unwrap_or_default(),
            help: rule.map(|rule| rule.help.clone()).unwrap_or_default(),
            message: one_line(&message),
            severity,
            confidence: Confidence::Medium,
            cwe,
            rule: rule_id,
            ..Reported::default()
        };
        if let Some(physical) = result.pointer("/locations/0/physicalLocation") {
            reported.path = artifact_path(physical.get("artifactLocation"), base_ids, artifacts);
            if let Some(region) = physical.get("region") {
                reported.line = number_at(region, "startLine");
                reported.column = number_at(region, "startColumn");
                reported.end_line = number_at(region, "endLine").max(reported.line);
                reported.end_column = number_at(region, "endColumn");
                reported.snippet = region
                    .pointer("/snippet/text")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
        }
        parsed.reported.push(reported);
    }
}

/// The rules of the driver and its extensions by id, and the driver's ids in order (for
/// `ruleIndex`).
fn rules_of(run: &Value) -> (HashMap<String, RuleInfo>, Vec<String>) {
    let driver = run.pointer("/tool/driver");
    let mut rules: HashMap<String, RuleInfo> = HashMap::new();
    let mut by_index: Vec<String> = Vec::new();
    let components = driver.into_iter().chain(
        run.pointer("/tool/extensions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for (component_index, component) in components.enumerate() {
        for rule in component
            .get("rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(id) = text_at(rule, "id") else {
                continue;
            };
            if component_index == 0 {
                by_index.push(id.to_owned());
            }
            rules.insert(id.to_owned(), rule_info(rule));
        }
    }
    (rules, by_index)
}

/// Why the tool says its run failed: one reason per unsuccessful invocation.
fn failed_invocations(run: &Value) -> Vec<String> {
    run.get("invocations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|invocation| invocation.get("executionSuccessful") == Some(&Value::Bool(false)))
        .map(|invocation| {
            let reasons: Vec<&str> = invocation
                .get("toolExecutionNotifications")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|note| text_at(note, "level") == Some("error"))
                .filter_map(|note| note.pointer("/message/text").and_then(Value::as_str))
                .take(3)
                .collect();
            if reasons.is_empty() {
                "the tool reported that its run did not succeed".to_owned()
            } else {
                format!(
                    "the tool reported that its run did not succeed: {}",
                    reasons.join("; ")
                )
            }
        })
        .collect()
}

fn rule_info(rule: &Value) -> RuleInfo {
    let mut cwe = Vec::new();
    for tag in rule
        .pointer("/properties/tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(tag) = tag.as_str() {
            cwes_in(tag, &mut cwe);
        }
    }
    if let Some(value) = rule.pointer("/properties/cwe") {
        cwes_in(&value.to_string(), &mut cwe);
    }
    for relationship in rule
        .get("relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let taxonomy = relationship
            .pointer("/target/toolComponent/name")
            .and_then(Value::as_str);
        if taxonomy.is_some_and(|name| name.eq_ignore_ascii_case("cwe"))
            && let Some(id) = relationship.pointer("/target/id").and_then(Value::as_str)
        {
            crate::reported::push_cwe(id.trim_start_matches("CWE-"), &mut cwe);
        }
    }
    let title = rule
        .pointer("/shortDescription/text")
        .or_else(|| rule.get("name"))
        .or_else(|| rule.pointer("/fullDescription/text"))
        .and_then(Value::as_str)
        .map(one_line)
        .unwrap_or_default();
    let help = rule
        .get("helpUri")
        .or_else(|| rule.pointer("/help/markdown"))
        .or_else(|| rule.pointer("/help/text"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    RuleInfo {
        title,
        help,
        level: rule
            .pointer("/defaultConfiguration/level")
            .and_then(Value::as_str)
            .map(str::to_owned),
        score: rule
            .pointer("/properties/security-severity")
            .and_then(score_of),
        cwe,
    }
}

/// A result the tool itself dismissed: suppressed in source or by the tool, a passing
/// check, or gone since its baseline.
fn is_dismissed(result: &Value) -> bool {
    let kind = text_at(result, "kind").unwrap_or("fail");
    if !matches!(kind, "fail" | "open" | "review") {
        return true;
    }
    if text_at(result, "baselineState") == Some("absent") {
        return true;
    }
    result
        .get("suppressions")
        .and_then(Value::as_array)
        .is_some_and(|suppressions| {
            suppressions.iter().any(|suppression| {
                matches!(text_at(suppression, "status"), None | Some("accepted"))
            })
        })
}

/// The artifact's URI, resolved against its base id when that is a `file:` URI.
fn artifact_path(
    location: Option<&Value>,
    base_ids: Option<&Value>,
    artifacts: Option<&Vec<Value>>,
) -> String {
    let Some(location) = location else {
        return String::new();
    };
    let from_index = || {
        let index = usize::try_from(location.get("index")?.as_u64()?).ok()?;
        artifacts?.get(index)?.pointer("/location/uri")?.as_str()
    };
    let Some(uri) = text_at(location, "uri").or_else(from_index) else {
        return String::new();
    };
    let base = text_at(location, "uriBaseId")
        .and_then(|id| base_ids?.get(id)?.get("uri")?.as_str())
        .filter(|base| base.starts_with("file:"));
    let joined = match base {
        Some(base) if !uri.contains("://") => format!("{}/{uri}", base.trim_end_matches('/')),
        _ => uri.to_owned(),
    };
    if joined.starts_with("file:") {
        joined
    } else {
        crate::reported::percent_decode(&joined)
    }
}

fn level_severity(level: Option<&str>) -> Severity {
    match level {
        Some("error") => Severity::High,
        Some("note") => Severity::Low,
        Some("none") => Severity::Info,
        _ => Severity::Medium,
    }
}

fn score_of(value: &Value) -> Option<f64> {
    match value {
        Value::String(text) => text.trim().parse().ok(),
        Value::Number(number) => number.as_f64(),
        _ => None,
    }
}

fn text_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn number_at(value: &Value, key: &str) -> u32 {
    value
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|number| u32::try_from(number).ok())
        .unwrap_or(0)
}
