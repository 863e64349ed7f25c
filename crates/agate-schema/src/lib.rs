//! JSON Schema values for agate's functional gate: the contracts of functions and the
//! request and response bodies of HTTP APIs are JSON Schemas, and both need the same three
//! things from one.
//!
//! - [`Schema::validate`]: what is wrong with a value (validation is the `jsonschema`
//!   crate's, draft 2020-12, formats checked).
//! - [`Schema::cases`]: values to try, deterministic for a seed — the schema's own examples
//!   and defaults, boundaries (every minimum, every maximum), empty, huge and non-ASCII
//!   strings, deep nesting where the schema allows any value, then random values — and,
//!   marked as such, values *outside* the schema (a wrong type, a missing required property,
//!   a number past its bound, …). Every case is checked against the validator, so a value
//!   marked inside is valid and one marked outside is not, whatever the generator's limits.
//! - [`Schema::shrink`]: smaller neighbours of a failing value, on the same side of the
//!   schema, so a caller can reduce a failure to a minimal one.
//!
//! OpenAPI documents embed schemas with two differences from JSON Schema 2020-12 that are
//! normalised here: 3.0's `nullable: true` and its boolean `exclusiveMinimum` /
//! `exclusiveMaximum`. Only local `$ref`s (`#/components/schemas/Item`) are followed.

mod generate;
mod normalize;
mod pattern;
mod shrink;

use jsonschema::Validator;
use serde_json::Value;

pub use generate::Case;

/// How deep `$ref`s are followed while generating (a recursive schema stops there).
const MAX_REF_DEPTH: usize = 16;

/// A compiled JSON Schema.
pub struct Schema {
    /// The schema, with the document its `$ref`s point into merged around it.
    root: Value,
    validator: Validator,
}

/// A schema that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The schema is not a valid JSON Schema (or a `$ref` points nowhere).
    #[error("invalid schema: {0}")]
    Invalid(String),
}

impl Schema {
    /// Compiles a standalone schema.
    pub fn new(schema: &Value) -> Result<Schema, SchemaError> {
        Schema::with_document(schema, &Value::Null)
    }

    /// Compiles `schema`, a part of `document` (an OpenAPI document, say) whose local
    /// `$ref`s point into the document.
    pub fn with_document(schema: &Value, document: &Value) -> Result<Schema, SchemaError> {
        let mut root = match schema {
            Value::Bool(true) => Value::Object(serde_json::Map::new()),
            Value::Bool(false) => serde_json::json!({ "not": {} }),
            Value::Object(_) => schema.clone(),
            other => {
                return Err(SchemaError::Invalid(format!(
                    "a schema is an object or a boolean, not `{other}`"
                )));
            }
        };
        if let (Value::Object(root), Value::Object(document)) = (&mut root, document) {
            // The document's other parts are unknown keywords to a validator: they are only
            // where references land.
            for (key, value) in document {
                root.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        normalize::openapi_30(&mut root);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|error| SchemaError::Invalid(error.to_string()))?;
        Ok(Schema { root, validator })
    }

    /// What is wrong with `value`, one line per error with the JSON pointer to the place;
    /// empty when the value is valid.
    pub fn validate(&self, value: &Value) -> Vec<String> {
        self.validator
            .iter_errors(value)
            .map(|error| {
                let at = error.instance_path().to_string();
                if at.is_empty() {
                    error.to_string()
                } else {
                    format!("at `{at}`: {error}")
                }
            })
            .collect()
    }

    /// Whether `value` is valid.
    pub fn is_valid(&self, value: &Value) -> bool {
        self.validator.is_valid(value)
    }

    /// `count` values to try, the same for the same seed (see the crate's documentation).
    pub fn cases(&self, seed: u64, count: usize) -> Vec<Case> {
        generate::cases(self, seed, count)
    }

    /// Smaller values than `value` on the same side of the schema (valid if it is valid,
    /// invalid if not), most reduced first.
    pub fn shrink(&self, value: &Value) -> Vec<Value> {
        let valid = self.is_valid(value);
        shrink::candidates(value)
            .into_iter()
            .filter(|candidate| candidate != value && self.is_valid(candidate) == valid)
            .collect()
    }

    /// The schema itself (with the document around it).
    fn root(&self) -> &Value {
        &self.root
    }

    /// `schema` with its `$ref` followed (local references only), or `None` when it points
    /// nowhere.
    fn resolve<'a>(&'a self, schema: &'a Value) -> Option<&'a Value> {
        let mut current = schema;
        for _ in 0..MAX_REF_DEPTH {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Some(current);
            };
            let pointer = reference.strip_prefix('#')?;
            current = self.root.pointer(pointer)?;
        }
        None
    }
}

#[cfg(test)]
mod tests;
