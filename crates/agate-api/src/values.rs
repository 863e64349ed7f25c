//! Values for requests, from a parameter's or body's schema: ones inside it (examples
//! first, then boundaries and typical values, each kept only when the schema accepts it)
//! and ones outside it (the wrong type, a required property missing).

use serde_json::{Map, Value, json};

/// Strings that probe for injection: SQL, HTML, path traversal, template evaluation.
pub(crate) const INJECTIONS: [&str; 4] = [
    "' OR 1=1--",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "{{7*7}}",
];

/// How deep a generated value nests at most.
const MAX_DEPTH: usize = 6;

/// A compiled schema (agate-schema: JSON Schema draft 2020-12, OpenAPI 3.0's `nullable`
/// read as a `null` type).
pub(crate) struct Checker {
    schema: agate_schema::Schema,
}

/// How many generated cases a schema adds to its examples and boundaries.
const GENERATED_CASES: usize = 8;

impl Checker {
    /// The checker of `schema`; an error says why it does not compile.
    pub(crate) fn new(schema: &Value) -> Result<Checker, String> {
        agate_schema::Schema::new(schema)
            .map(|schema| Checker { schema })
            .map_err(|error| format!("a schema is not valid JSON Schema: {error}"))
    }

    /// What is wrong with `value`, one line per error with its JSON pointer (at most 5).
    pub(crate) fn errors(&self, value: &Value) -> Vec<String> {
        let mut errors = self.schema.validate(value);
        errors.truncate(5);
        errors
    }

    /// Generated values inside the schema, deterministic for `seed`.
    fn generated(&self, seed: u64) -> impl Iterator<Item = Value> {
        self.schema
            .cases(seed, GENERATED_CASES)
            .into_iter()
            .filter(|case| case.inside)
            .map(|case| case.value)
    }
}

/// The schema's first type, `object` when it has properties and no type.
fn kind(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(kind)) => Some(kind),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null"),
        _ if schema.get("properties").is_some() => Some("object"),
        _ => None,
    }
}

/// Values inside `schema`, most telling first: its example, default and enum values, then
/// boundaries and typical values of its type, then the checker's generated cases for
/// `seed`; each checked by `checker` when given.
pub(crate) fn inside(
    schema: &Value,
    example: Option<&Value>,
    checker: Option<&Checker>,
    seed: u64,
) -> Vec<Value> {
    let mut values = Vec::new();
    values.extend(example.cloned());
    values.extend(candidates(schema, 0));
    if let Some(checker) = checker {
        values.extend(checker.generated(seed));
    }
    let mut kept: Vec<Value> = Vec::new();
    for value in values {
        if kept.contains(&value) {
            continue;
        }
        if checker.is_none_or(|checker| checker.errors(&value).is_empty()) {
            kept.push(value);
        }
    }
    kept
}

fn candidates(schema: &Value, depth: usize) -> Vec<Value> {
    let mut values = Vec::new();
    for key in ["example", "default", "const"] {
        values.extend(schema.get(key).cloned());
    }
    if let Some(Value::Array(examples)) = schema.get("examples") {
        values.extend(examples.iter().cloned());
    }
    if let Some(Value::Array(choices)) = schema.get("enum") {
        values.extend(choices.iter().cloned());
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(options)) = schema.get(key)
            && let Some(first) = options.first()
        {
            values.extend(candidates(first, depth));
        }
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    match kind(schema) {
        Some("integer") => {
            let whole = |key: &str| schema.get(key).and_then(Value::as_i64);
            let low = whole("minimum").unwrap_or(1);
            let high = whole("maximum").unwrap_or(1000);
            values.extend([json!(low), json!(high)]);
            if whole("minimum").is_none() {
                values.push(json!(0));
            }
        }
        Some("number") => {
            let low = number("minimum").unwrap_or(0.5);
            let high = number("maximum").unwrap_or(1000.5);
            values.extend([json!(low), json!(high)]);
        }
        Some("boolean") => values.extend([json!(true), json!(false)]),
        Some("string") => values.extend(strings(schema)),
        Some("array") if depth < MAX_DEPTH => {
            let items = schema
                .get("items")
                .cloned()
                .unwrap_or(Value::Object(Map::new()));
            let item = candidates(&items, depth + 1).into_iter().next();
            let least = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let count = usize::try_from(least.max(1)).unwrap_or(1).min(16);
            if let Some(item) = item {
                values.push(Value::Array(vec![item; count]));
            }
            if least == 0 {
                values.push(json!([]));
            }
        }
        Some("object") if depth < MAX_DEPTH => {
            values.extend(objects(schema, depth));
        }
        Some("null") => values.push(Value::Null),
        _ => {}
    }
    values
}

/// A string by format, at the shortest and longest length allowed.
fn strings(schema: &Value) -> Vec<Value> {
    let formatted = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        Some("date") => Some("2024-01-31"),
        Some("date-time") => Some("2024-01-31T12:00:00Z"),
        Some("email") => Some("user@example.com"),
        Some("uri" | "url") => Some("https://example.com/"),
        Some("ipv4") => Some("192.0.2.1"),
        _ => None,
    };
    if let Some(formatted) = formatted {
        return vec![json!(formatted)];
    }
    let least = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
    let most = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(64)
        .min(4096);
    let length = |count: u64| "a".repeat(usize::try_from(count).unwrap_or(1));
    vec![
        json!(length(least.max(1))),
        json!(length(most.max(least))),
        json!("agate"),
    ]
}

/// An object with its required properties, then one with every property.
fn objects(schema: &Value, depth: usize) -> Vec<Value> {
    let properties = schema.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let build = |all: bool| {
        let mut object = Map::new();
        for (name, property) in properties.into_iter().flatten() {
            if (all || required.contains(&name.as_str()))
                && let Some(value) = candidates(property, depth + 1).into_iter().next()
            {
                object.insert(name.clone(), value);
            }
        }
        Value::Object(object)
    };
    vec![build(false), build(true)]
}

/// One malformed value and what is wrong with it.
#[derive(Debug, Clone)]
pub(crate) struct Malformed {
    pub(crate) value: Value,
    pub(crate) note: String,
}

/// Values outside `schema`: the wrong type, and for an object each required property
/// missing and each typed property of the wrong type; `valid` is a value inside it to
/// start from.
pub(crate) fn outside(schema: &Value, valid: Option<&Value>) -> Vec<Malformed> {
    let mut malformed = Vec::new();
    match kind(schema) {
        Some("integer" | "number") => malformed.push(Malformed {
            value: json!("not-a-number"),
            note: "a string where a number is expected".to_owned(),
        }),
        Some("boolean") => malformed.push(Malformed {
            value: json!("not-a-boolean"),
            note: "a string where a boolean is expected".to_owned(),
        }),
        Some("array") => malformed.push(Malformed {
            value: json!({"not": "an array"}),
            note: "an object where an array is expected".to_owned(),
        }),
        Some("object") => {
            malformed.push(Malformed {
                value: json!("not an object"),
                note: "a string where an object is expected".to_owned(),
            });
            let Some(Value::Object(valid)) = valid else {
                return malformed;
            };
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let mut without = valid.clone();
                if without.remove(name).is_some() {
                    malformed.push(Malformed {
                        value: Value::Object(without),
                        note: format!("required property `{name}` missing"),
                    });
                }
            }
            for (name, property) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let wrong = match kind(property) {
                    Some("integer" | "number" | "boolean" | "array" | "object") => {
                        json!("wrong type")
                    }
                    Some("string") => json!(12345),
                    _ => continue,
                };
                let mut changed = valid.clone();
                changed.insert(name.clone(), wrong);
                malformed.push(Malformed {
                    value: Value::Object(changed),
                    note: format!("property `{name}` of the wrong type"),
                });
            }
        }
        Some("string")
            if ["enum", "format", "pattern"]
                .iter()
                .any(|key| schema.get(key).is_some()) =>
        {
            malformed.push(Malformed {
                value: json!("agate-not-allowed-\u{2603}"),
                note: "a string outside the allowed values or format".to_owned(),
            });
        }
        _ => {}
    }
    malformed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_inside_start_with_the_example_and_pass_the_schema() {
        let schema = json!({"type": "integer", "minimum": 3, "maximum": 9});
        let checker = Checker::new(&schema).unwrap();
        let values = inside(&schema, Some(&json!(5)), Some(&checker), 0);
        assert_eq!(values[..3], [json!(5), json!(3), json!(9)]);
        assert!(values.iter().all(|value| checker.errors(value).is_empty()));
    }

    #[test]
    fn objects_hold_their_required_properties() {
        let schema = json!({"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string", "maxLength": 4}, "age": {"type": "integer", "nullable": true}}});
        let checker = Checker::new(&schema).unwrap();
        let values = inside(&schema, None, Some(&checker), 0);
        assert_eq!(values[0], json!({"name": "a"}));
        assert_eq!(values[1], json!({"name": "a", "age": 1}));
        assert!(
            checker
                .errors(&json!({"name": "a", "age": null}))
                .is_empty(),
            "nullable"
        );
        let errors = checker.errors(&json!({"age": "x"}));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().any(|error| error.starts_with("at `/age`")),
            "{errors:?}"
        );
    }

    #[test]
    fn values_outside_break_the_schema_one_way_each() {
        let schema = json!({"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "price": {"type": "number"}}});
        let checker = Checker::new(&schema).unwrap();
        let valid = json!({"name": "a", "price": 1.5});
        let malformed = outside(&schema, Some(&valid));
        let notes: Vec<&str> = malformed.iter().map(|value| value.note.as_str()).collect();
        assert_eq!(
            notes,
            [
                "a string where an object is expected",
                "required property `name` missing",
                "property `name` of the wrong type",
                "property `price` of the wrong type",
            ]
        );
        for value in &malformed {
            assert!(!checker.errors(&value.value).is_empty(), "{}", value.note);
        }
    }
}
