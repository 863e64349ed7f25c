//! SARIF 2.1.0 from any tool: rules from the driver and its extensions, results with their
//! level or `security-severity`, CWE from tags and taxonomies, the first physical location.
//!
//! The log is read as a stream: each result is parsed on its own and either kept (up to the
//! check's `max_results`) or only counted, so a log of a million results never becomes a
//! million values in memory. Results may come before the run's rules (JSON objects have no
//! order), so the kept ones are turned into [`Reported`] when their run ends.

use std::collections::HashMap;
use std::fmt;

use agate_model::{Confidence, Severity};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::reported::{Reported, cwes_in, one_line, severity_from_score};
use crate::{Parsed, ReadError};

/// Reads a SARIF log, keeping at most `limit` results (the others are counted in
/// [`Parsed::dropped`]).
pub(crate) fn read(text: &str, limit: usize) -> Result<Parsed, ReadError> {
    let mut log = Log {
        parsed: Parsed::default(),
        limit,
        kept: 0,
        runs: None,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    LogSeed(&mut log)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end())
        .map_err(|error| ReadError::json("SARIF", &error))?;
    match log.runs {
        None => Err(ReadError::shape(
            "SARIF",
            "no `runs` array: this is not a SARIF log",
        )),
        // A log without a run says no tool ran: it scanned nothing.
        Some(0) => {
            log.parsed.scanned = Some(0);
            Ok(log.parsed)
        }
        Some(_) => Ok(log.parsed),
    }
}

/// What the stream has gathered so far.
struct Log {
    parsed: Parsed,
    /// Results to keep at most, over all runs.
    limit: usize,
    /// Results kept so far, over all runs.
    kept: usize,
    /// How many runs the log has; `None` until `runs` is seen.
    runs: Option<usize>,
}

/// The top-level object: only `runs` is read, everything else skipped unparsed.
struct LogSeed<'a>(&'a mut Log);

impl<'de> DeserializeSeed<'de> for LogSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a SARIF log (an object with `runs`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "runs" {
                map.next_value_seed(RunsSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `runs`: each run read in turn.
struct RunsSeed<'a>(&'a mut Log);

impl<'de> DeserializeSeed<'de> for RunsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RunsSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("`runs`, an array of runs")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut count = self.0.runs.unwrap_or(0);
        while let Some(run) = seq.next_element_seed(RunSeed {
            log: &mut *self.0,
            number: count + 1,
        })? {
            finish_run(run, &mut self.0.parsed);
            count += 1;
        }
        self.0.runs = Some(count);
        Ok(())
    }
}

/// One run as read: its results kept so far, and what they need to become [`Reported`].
#[derive(Default)]
struct Run {
    tool: Option<Tool>,
    /// Whether `results` is there and an array (null or absent: the tool produced none).
    has_results: bool,
    results: Vec<Value>,
    base_ids: Option<BaseIds>,
    /// Each artifact's `location.uri`, by index.
    artifacts: Vec<Option<String>>,
    invocations: Option<Vec<Invocation>>,
}

/// `originalUriBaseIds`: each base id's URI, and nothing else of it (a hostile log may
/// pad any object; only the fields agate reads are kept).
type BaseIds = HashMap<String, BaseUri>;

/// One base id.
#[derive(Deserialize)]
struct BaseUri {
    #[serde(default)]
    uri: Option<String>,
}

/// One invocation: whether it succeeded and its notifications, nothing else of it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    #[serde(default)]
    execution_successful: Option<bool>,
    #[serde(default)]
    tool_execution_notifications: Vec<Notification>,
}

/// One notification of an invocation: its level and text.
#[derive(Deserialize)]
struct Notification {
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    message: Option<NotificationMessage>,
}

#[derive(Deserialize)]
struct NotificationMessage {
    #[serde(default)]
    text: Option<String>,
}

/// One run, its results streamed.
struct RunSeed<'a> {
    log: &'a mut Log,
    /// 1-based, for messages.
    number: usize,
}

impl<'de> DeserializeSeed<'de> for RunSeed<'_> {
    type Value = Run;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Run, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RunSeed<'_> {
    type Value = Run;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a SARIF run (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Run, A::Error> {
        let mut run = Run::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "tool" => run.tool = Some(map.next_value()?),
                "results" => {
                    run.has_results = map.next_value_seed(ResultsSeed {
                        log: &mut *self.log,
                        kept: &mut run.results,
                    })?;
                }
                "originalUriBaseIds" => run.base_ids = Some(map.next_value()?),
                "artifacts" => {
                    run.artifacts = map.next_value::<Option<Artifacts>>()?.unwrap_or_default().0;
                }
                "invocations" => run.invocations = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if run.tool.as_ref().is_none_or(|tool| tool.driver.is_none()) {
            return Err(de::Error::custom(format!(
                "run {} names no tool (`tool.driver`), which SARIF requires: this is not a tool's report",
                self.number
            )));
        }
        Ok(run)
    }
}

/// `results`: each result parsed alone, kept while under the limit, else only counted.
/// `true` when it is an array, `false` when null.
struct ResultsSeed<'a> {
    log: &'a mut Log,
    kept: &'a mut Vec<Value>,
}

impl<'de> DeserializeSeed<'de> for ResultsSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for ResultsSeed<'_> {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("`results`, an array of results or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(result) = seq.next_element::<Value>()? {
            if is_dismissed(&result) {
                continue;
            }
            if self.log.kept < self.log.limit {
                self.kept.push(trimmed(result));
                self.log.kept += 1;
            } else {
                self.log.parsed.dropped += 1;
            }
        }
        Ok(true)
    }
}

/// A result with only what agate reads of it, so kept results stay small.
fn trimmed(mut result: Value) -> Value {
    let Some(object) = result.as_object_mut() else {
        return result;
    };
    let mut kept = serde_json::Map::new();
    for key in [
        "ruleId",
        "rule",
        "ruleIndex",
        "level",
        "message",
        "properties",
    ] {
        if let Some(value) = object.remove(key) {
            kept.insert(key.to_owned(), value);
        }
    }
    if let Some(first) = object
        .get_mut("locations")
        .and_then(Value::as_array_mut)
        .filter(|locations| !locations.is_empty())
        .map(|locations| locations.swap_remove(0))
    {
        kept.insert("locations".to_owned(), Value::Array(vec![first]));
    }
    Value::Object(kept)
}

/// `tool`: the driver and its extensions, each with its rules.
#[derive(Deserialize)]
struct Tool {
    driver: Option<Component>,
    #[serde(default)]
    extensions: Option<Vec<Component>>,
}

/// A tool component's rules, each read as it comes.
#[derive(Deserialize)]
struct Component {
    #[serde(default)]
    rules: Option<Vec<Rule>>,
}

/// A rule's id and what it says about its results; `None` without an id.
struct Rule(Option<(String, RuleInfo)>);

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rule, D::Error> {
        let rule = Value::deserialize(deserializer)?;
        Ok(Rule(
            text_at(&rule, "id").map(|id| (id.to_owned(), rule_info(&rule))),
        ))
    }
}

/// `artifacts`: each artifact's `location.uri`.
#[derive(Default)]
struct Artifacts(Vec<Option<String>>);

impl<'de> Deserialize<'de> for Artifacts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Artifacts, D::Error> {
        /// One artifact, only its URI kept.
        struct Uri(Option<String>);
        impl<'de> Deserialize<'de> for Uri {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Uri, D::Error> {
                let artifact = Value::deserialize(deserializer)?;
                Ok(Uri(artifact
                    .pointer("/location/uri")
                    .and_then(Value::as_str)
                    .map(str::to_owned)))
            }
        }
        let uris = Vec::<Uri>::deserialize(deserializer)?;
        Ok(Artifacts(uris.into_iter().map(|uri| uri.0).collect()))
    }
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

/// Turns a run's kept results into [`Reported`] now that its rules are known, and records
/// why the run cannot be trusted: the tool said it failed, or it produced no results.
fn finish_run(run: Run, parsed: &mut Parsed) {
    if let Some(invocations) = &run.invocations {
        parsed.failures.extend(failed_invocations(invocations));
    }
    if !run.has_results {
        parsed.failures.push(
            "a run has no `results` (SARIF's sign that the tool could not produce any)".to_owned(),
        );
    }
    let (rules, by_index) = run.tool.map(rules_of).unwrap_or_default();
    for result in &run.results {
        parsed.reported.push(reported(
            result,
            &rules,
            &by_index,
            run.base_ids.as_ref(),
            &run.artifacts,
        ));
    }
}

/// One kept result in agate's terms.
fn reported(
    result: &Value,
    rules: &HashMap<String, RuleInfo>,
    by_index: &[String],
    base_ids: Option<&BaseIds>,
    artifacts: &[Option<String>],
) -> Reported {
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
    reported
}

/// The rules of the driver and its extensions by id, and the driver's ids in order (for
/// `ruleIndex`).
fn rules_of(tool: Tool) -> (HashMap<String, RuleInfo>, Vec<String>) {
    let mut rules: HashMap<String, RuleInfo> = HashMap::new();
    let mut by_index: Vec<String> = Vec::new();
    let driver = tool.driver.into_iter().map(|driver| (true, driver));
    let extensions = tool
        .extensions
        .into_iter()
        .flatten()
        .map(|extension| (false, extension));
    for (is_driver, component) in driver.chain(extensions) {
        for Rule(rule) in component.rules.into_iter().flatten() {
            let Some((id, info)) = rule else {
                continue;
            };
            if is_driver {
                by_index.push(id.clone());
            }
            rules.insert(id, info);
        }
    }
    (rules, by_index)
}

/// Why the tool says its run failed: one reason per unsuccessful invocation.
fn failed_invocations(invocations: &[Invocation]) -> Vec<String> {
    invocations
        .iter()
        .filter(|invocation| invocation.execution_successful == Some(false))
        .map(|invocation| {
            let reasons: Vec<&str> = invocation
                .tool_execution_notifications
                .iter()
                .filter(|note| note.level.as_deref() == Some("error"))
                .filter_map(|note| note.message.as_ref()?.text.as_deref())
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
    base_ids: Option<&BaseIds>,
    artifacts: &[Option<String>],
) -> String {
    let Some(location) = location else {
        return String::new();
    };
    let from_index = || {
        let index = usize::try_from(location.get("index")?.as_u64()?).ok()?;
        artifacts.get(index)?.as_deref()
    };
    let Some(uri) = text_at(location, "uri").or_else(from_index) else {
        return String::new();
    };
    // A `file:` base or a relative one is joined (a relative base such as `src/link/` must
    // not be dropped, or the joined path's escape would go unseen); another scheme is not
    // a place on this disk.
    let base = text_at(location, "uriBaseId")
        .and_then(|id| base_ids?.get(id)?.uri.as_deref())
        .filter(|base| base.starts_with("file:") || !base.contains(':'))
        .filter(|base| !base.is_empty());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rule: &str) -> String {
        format!(r#"{{"ruleId":"{rule}","message":{{"text":"m"}}}}"#)
    }

    #[test]
    fn issue_7_results_past_the_limit_are_counted_and_not_kept() {
        let results: Vec<String> = (0..1_000).map(|_| result("r")).collect();
        let log = format!(
            r#"{{"runs":[{{"tool":{{"driver":{{"name":"x"}}}},"results":[{}]}},{{"tool":{{"driver":{{"name":"y"}}}},"results":[{}]}}]}}"#,
            results.join(","),
            results.join(",")
        );
        let parsed = read(&log, 1_500).unwrap();
        assert_eq!(parsed.reported.len(), 1_500, "the limit is over all runs");
        assert_eq!(parsed.dropped, 500);
        let parsed = read(&log, 10).unwrap();
        assert_eq!((parsed.reported.len(), parsed.dropped), (10, 1_990));
    }

    #[test]
    fn issue_7_a_relative_base_id_is_joined_not_dropped() {
        // Dropping `src/etclink/` would leave `passwd`, a path that hides the link it went
        // through; joined, the path is judged (and refused) for what it is.
        let log = r#"{"runs":[{"tool":{"driver":{"name":"x"}},
            "originalUriBaseIds":{"LINK":{"uri":"src/etclink/"},"WEB":{"uri":"https://example.com/"}},
            "results":[
              {"ruleId":"a","locations":[{"physicalLocation":{"artifactLocation":{"uri":"passwd","uriBaseId":"LINK"}}}]},
              {"ruleId":"b","locations":[{"physicalLocation":{"artifactLocation":{"uri":"app.py","uriBaseId":"WEB"}}}]}]}]}"#;
        let parsed = read(log, 10).unwrap();
        assert_eq!(parsed.reported[0].path, "src/etclink/passwd");
        assert_eq!(parsed.reported[1].path, "app.py");
    }

    #[test]
    fn issue_7_invocations_keep_only_what_is_read() {
        // Padding in an invocation is skipped, not held; a failed run still fails.
        let padding = "[],".repeat(10_000);
        let log = format!(
            r#"{{"runs":[{{"tool":{{"driver":{{"name":"x"}}}},"results":[],
              "invocations":[{{"executionSuccessful":false,"padding":[{padding}[]],
                "toolExecutionNotifications":[{{"level":"error","message":{{"text":"out of memory"}},"extra":{{}}}}]}}]}}]}}"#
        );
        let parsed = read(&log, 10).unwrap();
        assert_eq!(
            parsed.failures,
            ["the tool reported that its run did not succeed: out of memory"]
        );
    }

    #[test]
    fn dismissed_results_are_neither_kept_nor_counted() {
        let log = r#"{"runs":[{"tool":{"driver":{"name":"x"}},"results":[
            {"ruleId":"a","kind":"pass"},
            {"ruleId":"b","suppressions":[{"kind":"inSource"}]},
            {"ruleId":"c"},
            {"ruleId":"d"}]}]}"#;
        let parsed = read(log, 1).unwrap();
        assert_eq!(parsed.reported.len(), 1);
        assert_eq!(parsed.reported[0].rule, "c");
        assert_eq!(parsed.dropped, 1);
    }

    #[test]
    fn results_before_the_tool_still_get_its_rules() {
        let log = r#"{"runs":[{
            "results":[{"ruleIndex":0,"message":{"text":"m"},
              "locations":[{"physicalLocation":{"artifactLocation":{"index":1}}}]}],
            "artifacts":[{"location":{"uri":"a.py"}},{"location":{"uri":"b%20c.py"}}],
            "tool":{"driver":{"name":"x","rules":[{"id":"py.eval","shortDescription":{"text":"eval of input"},
              "properties":{"tags":["CWE-95"],"security-severity":"9.1"}}]}}}]}"#;
        let parsed = read(log, 10).unwrap();
        let reported = &parsed.reported[0];
        assert_eq!(reported.rule, "py.eval");
        assert_eq!(reported.title, "eval of input");
        assert_eq!(reported.severity, Severity::Critical);
        assert_eq!(reported.cwe, ["CWE-95"]);
        assert_eq!(reported.path, "b c.py");
    }

    #[test]
    fn a_log_that_is_not_sarif_is_an_error() {
        for (text, expected) in [
            ("{}", "no `runs` array"),
            (r#"{"runs":{}}"#, "expected `runs`, an array of runs"),
            (r#"{"runs":[]} trailing"#, "trailing characters"),
            ("[1]", "expected a SARIF log"),
        ] {
            let error = read(text, 10).unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
        assert_eq!(read(r#"{"runs":[]}"#, 10).unwrap().scanned, Some(0));
    }
}
