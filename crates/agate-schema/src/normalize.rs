//! OpenAPI 3.0's schema dialect in JSON Schema 2020-12 terms.

use serde_json::{Map, Value};

/// Keywords whose values are data, not schemas: nothing under them is rewritten.
const DATA: [&str; 5] = ["example", "examples", "enum", "const", "default"];

/// How deep a document is rewritten (deeper parts are left as they are).
const MAX_DEPTH: usize = 128;

/// Rewrites `nullable: true` as a type that includes `null`, and a boolean
/// `exclusiveMinimum`/`exclusiveMaximum` (with `minimum`/`maximum`) as the numeric form,
/// everywhere in `value` but inside data keywords.
pub(crate) fn openapi_30(value: &mut Value) {
    rewrite(value, 0);
}

fn rewrite(value: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(object) => {
            nullable(object);
            exclusive(object, "exclusiveMinimum", "minimum");
            exclusive(object, "exclusiveMaximum", "maximum");
            for (key, child) in object.iter_mut() {
                if !DATA.contains(&key.as_str()) {
                    rewrite(child, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite(item, depth + 1);
            }
        }
        _ => {}
    }
}

fn nullable(object: &mut Map<String, Value>) {
    if object.get("nullable") != Some(&Value::Bool(true)) {
        return;
    }
    object.remove("nullable");
    match object.get_mut("type") {
        Some(Value::String(kind)) => {
            let kind = std::mem::take(kind);
            object.insert("type".into(), serde_json::json!([kind, "null"]));
        }
        Some(Value::Array(kinds)) if !kinds.contains(&Value::from("null")) => {
            kinds.push(Value::from("null"));
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = object.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
}

fn exclusive(object: &mut Map<String, Value>, exclusive: &str, inclusive: &str) {
    match object.get(exclusive) {
        Some(Value::Bool(true)) => {
            object.remove(exclusive);
            if let Some(bound) = object.remove(inclusive) {
                object.insert(exclusive.into(), bound);
            }
        }
        Some(Value::Bool(false)) => {
            object.remove(exclusive);
        }
        _ => {}
    }
}
