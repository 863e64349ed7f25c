//! `agate contract init`: a starting contract from a function's signature and type hints
//! (Python), or its parameter names (Node), read by the harness in its `inspect` mode.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::harness::Harness;
use crate::{ContractError, Options, Target, launch};

#[derive(Serialize)]
struct Document {
    contracts: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    name: String,
    function: String,
    input: Value,
    output: Value,
    invariants: Vec<String>,
    examples: Vec<Value>,
    cases: usize,
    seed: u64,
    timeout: String,
}

/// The text of a contract file for `function` (`python:module:function` or
/// `node:./file.js#export`), from what its runtime says of its parameters.
pub fn init(root: &Path, function: &str, options: &Options) -> Result<String, ContractError> {
    let target = Target::parse(function).map_err(|message| ContractError::File {
        file: function.to_owned(),
        message,
    })?;
    let folder = tempfile::Builder::new()
        .prefix("agate-contract-")
        .tempdir()
        .map_err(|error| ContractError::Start {
            contract: function.to_owned(),
            message: format!("cannot make a temporary folder: {error}"),
        })?;
    let launch = launch(root, &target, None, "inspect", folder.path(), options)?;
    let mut harness = Harness::new(launch, folder.path().to_path_buf());
    let described = harness.start().map_err(|error| match error {
        ContractError::Start { message, .. } => ContractError::Start {
            contract: function.to_owned(),
            message,
        },
        other => other,
    })?;
    drop(harness);
    let notes: Vec<String> = described
        .get("notes")
        .and_then(Value::as_array)
        .map(|notes| {
            notes
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let document = Document {
        contracts: vec![Entry {
            name: kebab(target.function_name()),
            function: function.to_owned(),
            input: described.get("input").cloned().unwrap_or(Value::Null),
            output: described.get("output").cloned().unwrap_or(Value::Null),
            invariants: Vec::new(),
            examples: Vec::new(),
            cases: crate::DEFAULT_CASES,
            seed: 1,
            timeout: "2s".to_owned(),
        }],
    };
    let yaml = serde_saphyr::to_string(&document).map_err(|error| ContractError::Start {
        contract: function.to_owned(),
        message: format!("cannot write the contract: {error}"),
    })?;
    let mut text = format!(
        "# A starting contract for `{function}`, from its signature{}.\n\
         # Tighten the schemas (minimum, maximum, lengths, enums), then add `invariants`\n\
         # (CEL over `input` and `output`, e.g. \"output <= input.amount\") and `examples`\n\
         # (`input` with `output` or `raises`). See docs/functional.md.\n",
        if target.runtime() == "python" {
            " and type hints"
        } else {
            ""
        }
    );
    for note in notes {
        text.push_str("# Note: ");
        text.push_str(&note);
        text.push_str(".\n");
    }
    text.push_str(&yaml);
    Ok(text)
}

/// `apply_discount` or `applyDiscount` → `apply-discount`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (index, character) in name.chars().enumerate() {
        if character == '_' {
            out.push('-');
        } else if character.is_uppercase() {
            if index > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.extend(character.to_lowercase());
        } else {
            out.push(character);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_kebab_case() {
        assert_eq!(kebab("apply_discount"), "apply-discount");
        assert_eq!(kebab("applyDiscount"), "apply-discount");
        assert_eq!(kebab("Total"), "total");
    }
}
