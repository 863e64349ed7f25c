//! Snyk Open Source's JSON (`snyk test --json`, one project or a list with
//! `--all-projects`); Snyk Code writes SARIF (`snyk code test --sarif`), read as such.

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::{Reported, cwes_in, one_line, severity_from_word};
use crate::{Parsed, ReadError};

/// Reads Snyk's vulnerabilities, one finding per issue and package version.
pub(crate) fn read(text: &str, max_results: usize) -> Result<Parsed, ReadError> {
    // Snyk Code's SARIF is streamed like any SARIF, not parsed whole first.
    if serde_json::from_str::<HasRuns>(text).is_ok_and(|has| has.0) {
        return crate::sarif::read(text, max_results);
    }
    let output: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("Snyk", &error))?;
    let projects: Vec<&Value> = match &output {
        Value::Array(projects) => projects.iter().collect(),
        Value::Object(_) => vec![&output],
        _ => {
            return Err(ReadError::shape(
                "Snyk",
                "expected a project object or a list of them",
            ));
        }
    };
    let mut parsed = Parsed::default();
    for project in projects {
        if let Some(error) = project.get("error").and_then(Value::as_str) {
            parsed.failures.push(one_line(error));
            continue;
        }
        let Some(vulnerabilities) = project.get("vulnerabilities").and_then(Value::as_array) else {
            return Err(ReadError::shape("Snyk", "no `vulnerabilities` array"));
        };
        let target = project
            .get("displayTargetFile")
            .or_else(|| project.get("targetFile"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        for vulnerability in vulnerabilities {
            let text = |key: &str| {
                vulnerability
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            };
            let (id, package, version) = (text("id"), text("packageName"), text("version"));
            if !seen.insert((id, package, version)) {
                continue;
            }
            let mut cwe = Vec::new();
            if let Some(ids) = vulnerability.pointer("/identifiers/CWE") {
                cwes_in(&ids.to_string(), &mut cwe);
            }
            let fixed: Vec<&str> = vulnerability
                .get("fixedIn")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let fix = if fixed.is_empty() {
                "; no fixed version is published".to_owned()
            } else {
                format!("; upgrade to {}", fixed.join(" or "))
            };
            parsed.reported.push(Reported {
                rule: id.to_owned(),
                title: text("title").to_owned(),
                help: format!("https://security.snyk.io/vuln/{id}"),
                message: one_line(&format!(
                    "{package} {version} is affected by {id}: {}{fix}",
                    text("title")
                )),
                severity: severity_from_word(text("severity")).unwrap_or(Severity::Medium),
                confidence: Confidence::High,
                path: target.to_owned(),
                snippet: Some(format!("{package} {version}")),
                cwe,
                ..Reported::default()
            });
        }
    }
    Ok(parsed)
}

/// Whether a JSON document is an object with a `runs` key (SARIF), found without keeping
/// any of it.
struct HasRuns(bool);

impl<'de> serde::Deserialize<'de> for HasRuns {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<HasRuns, D::Error> {
        deserializer.deserialize_any(HasRunsVisitor)
    }
}

/// Visits the top level of a document for [`HasRuns`].
struct HasRunsVisitor;

impl<'de> serde::de::Visitor<'de> for HasRunsVisitor {
    type Value = HasRuns;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON document")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<HasRuns, A::Error> {
        let mut runs = false;
        while let Some(key) = map.next_key::<String>()? {
            runs |= key == "runs";
            map.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(HasRuns(runs))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<HasRuns, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(HasRuns(false))
    }
}
