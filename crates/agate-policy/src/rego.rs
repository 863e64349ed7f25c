//! Team gate logic in Rego: a gate's `policy:` file is evaluated over the run (the report
//! JSON plus changed and AI-authored files) and every message of its `deny` set becomes a
//! finding of that gate.

use std::path::Path;

use crate::error::{Place, PolicyError};

/// The largest Rego policy read: a team's gate logic is a few kilobytes; the bound keeps a
/// device or a runaway file from exhausting memory.
pub(crate) const MAX_REGO_BYTES: u64 = 1024 * 1024;

/// Evaluates the Rego file at `path` with `input` and returns its `deny` messages, sorted.
///
/// The file may use any package; agate reads `data.<package>.deny`, a set of strings. A file
/// that does not parse, or a `deny` that is not a set of strings, is a configuration error.
pub fn deny_messages(path: &Path, input: &serde_json::Value) -> Result<Vec<String>, PolicyError> {
    let file = path.display().to_string();
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: Place::file(&file),
        message,
        help: help.to_owned(),
    };
    let text = agate_fs::read_to_string_bounded(path, MAX_REGO_BYTES)?;
    let mut engine = regorus::Engine::new();
    let package = engine.add_policy(file.clone(), text).map_err(|error| {
        invalid(
            format!("invalid Rego: {error}"),
            "see https://www.openpolicyagent.org/docs/policy-language",
        )
    })?;
    let input = regorus::Value::from_json_str(&input.to_string()).map_err(|error| {
        invalid(
            format!("cannot pass the run to Rego: {error}"),
            "report this as a bug",
        )
    })?;
    engine.set_input(input);
    let denied = engine
        .eval_rule(format!("{package}.deny"))
        .map_err(|error| {
            invalid(
                format!("evaluating `{package}.deny` failed: {error}"),
                "declare `deny contains msg if { … }` in the policy",
            )
        })?;
    if denied == regorus::Value::Undefined {
        return Ok(Vec::new());
    }
    let json = denied.to_json_str().map_err(|error| {
        invalid(
            format!("`deny` is not data: {error}"),
            "`deny` must be a set of strings",
        )
    })?;
    let mut messages: Vec<String> = serde_json::from_str(&json).map_err(|_| {
        invalid(
            format!("`{package}.deny` is not a set of strings: {json}"),
            "`deny` must be a set of strings",
        )
    })?;
    messages.sort();
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deny_rules_produce_messages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gate.rego");
        std::fs::write(
            &path,
            "package team.review\n\ndeny contains msg if {\n  some f in input.changed_files\n  startswith(f, \"payments/\")\n  msg := sprintf(\"%s changed\", [f])\n}\n",
        )
        .unwrap();
        let input = serde_json::json!({"changed_files": ["payments/api.py", "docs/x.md"]});
        assert_eq!(
            deny_messages(&path, &input).unwrap(),
            ["payments/api.py changed"]
        );
        let quiet = serde_json::json!({"changed_files": []});
        assert!(deny_messages(&path, &quiet).unwrap().is_empty());
    }

    #[test]
    fn broken_policies_are_configuration_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.rego");
        std::fs::write(&path, "package x\ndeny contains msg if {\n").unwrap();
        let error = deny_messages(&path, &serde_json::json!({})).unwrap_err();
        assert!(error.to_string().contains("invalid Rego"), "{error}");
    }
}
