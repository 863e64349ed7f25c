use serde_json::{Value, json};

use crate::Schema;

fn discount() -> Schema {
    Schema::new(&json!({
        "type": "object",
        "properties": {
            "amount": { "type": "number", "minimum": 0, "maximum": 1_000_000 },
            "percent": { "type": "integer", "minimum": 0, "maximum": 100 },
            "code": { "type": "string", "maxLength": 12, "pattern": "^[A-Z]{3}[0-9]{2}$" }
        },
        "required": ["amount", "percent"],
        "additionalProperties": false,
        "examples": [{ "amount": 100, "percent": 10 }]
    }))
    .unwrap()
}

#[test]
fn cases_are_the_same_for_a_seed_and_checked_against_the_schema() {
    let schema = discount();
    let cases = schema.cases(7, 60);
    assert_eq!(cases.len(), 60);
    assert_eq!(cases, schema.cases(7, 60));
    assert_ne!(cases, schema.cases(8, 60));
    for case in &cases {
        assert_eq!(schema.is_valid(&case.value), case.inside, "{case:?}");
        assert_eq!(case.note.starts_with("outside"), !case.inside, "{case:?}");
    }
    // The example comes first, then the boundaries.
    assert_eq!(cases[0].value, json!({ "amount": 100, "percent": 10 }));
    assert_eq!(cases[0].note, "example");
    let values: Vec<&Value> = cases.iter().map(|case| &case.value).collect();
    assert!(values.contains(&&json!({ "amount": 0.0, "percent": 0 })));
    assert!(values.iter().any(|value| value["percent"] == json!(100)));
    // A good share is outside, of several kinds.
    let outside: Vec<&str> = cases
        .iter()
        .filter(|case| !case.inside)
        .map(|case| case.note.as_str())
        .collect();
    assert!(outside.len() >= 10, "{outside:?}");
    assert!(
        outside
            .iter()
            .any(|note| note.contains("missing required property `amount`"))
    );
    assert!(
        outside
            .iter()
            .any(|note| note.contains("`percent` above its maximum"))
    );
    // Patterns are followed.
    assert!(
        cases
            .iter()
            .any(|case| case.inside && case.value.get("code").is_some())
    );
}

#[test]
fn strings_reach_their_extremes() {
    let schema = Schema::new(&json!({ "type": "string" })).unwrap();
    let cases = schema.cases(1, 20);
    let lengths: Vec<usize> = cases
        .iter()
        .filter_map(|case| case.value.as_str())
        .map(|text| text.chars().count())
        .collect();
    assert!(lengths.contains(&0));
    assert!(lengths.contains(&10_000));
    assert!(cases.iter().any(|case| case.note == "unicode strings"
        && case.value.as_str().is_some_and(|text| !text.is_ascii())));
    let bounded =
        Schema::new(&json!({ "type": "string", "minLength": 2, "maxLength": 5 })).unwrap();
    for case in bounded.cases(3, 30).iter().filter(|case| case.inside) {
        let length = case.value.as_str().unwrap().chars().count();
        assert!((2..=5).contains(&length), "{case:?}");
    }
}

#[test]
fn any_value_is_nested_deep_once() {
    let schema =
        Schema::new(&json!({ "type": "object", "properties": { "payload": {} } })).unwrap();
    let deep = schema
        .cases(5, 20)
        .into_iter()
        .find(|case| case.note == "deep nesting")
        .unwrap();
    let mut depth = 0;
    let mut value = &deep.value["payload"];
    while let Some(inner) = value.get(0) {
        depth += 1;
        value = inner;
    }
    assert_eq!(depth, 64);
}

#[test]
fn openapi_documents_refs_and_nullable() {
    let document = json!({
        "openapi": "3.0.3",
        "components": { "schemas": {
            "Item": {
                "type": "object",
                "properties": {
                    "id": { "type": "integer", "minimum": 1, "exclusiveMinimum": true },
                    "note": { "type": "string", "nullable": true },
                    "tags": { "type": "array", "items": { "$ref": "#/components/schemas/Tag" }, "maxItems": 3 }
                },
                "required": ["id"]
            },
            "Tag": { "type": "string", "enum": ["a", "b"] }
        }}
    });
    let schema =
        Schema::with_document(&json!({ "$ref": "#/components/schemas/Item" }), &document).unwrap();
    assert!(schema.is_valid(&json!({ "id": 2, "note": null, "tags": ["a"] })));
    // 3.0's boolean exclusiveMinimum: 1 itself is out.
    let errors = schema.validate(&json!({ "id": 1, "tags": ["c", "a", "b", "a"] }));
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().any(|error| error.starts_with("at `/id`")));
    for case in schema.cases(11, 40) {
        assert_eq!(schema.is_valid(&case.value), case.inside);
        if case.inside {
            assert!(case.value["id"].as_i64().unwrap() >= 2, "{case:?}");
        }
    }
}

#[test]
fn a_ref_to_nowhere_is_an_error() {
    let error = Schema::new(&json!({ "$ref": "#/components/schemas/Missing" }))
        .err()
        .unwrap();
    assert!(error.to_string().starts_with("invalid schema"), "{error}");
    assert!(Schema::new(&json!(42)).is_err());
}

#[test]
fn shrinking_stays_on_its_side_and_gets_smaller() {
    let schema = discount();
    let valid = json!({ "amount": 523.75, "percent": 87, "code": "ABC12" });
    let candidates = schema.shrink(&valid);
    assert!(!candidates.is_empty());
    assert!(
        candidates
            .iter()
            .all(|candidate| schema.is_valid(candidate))
    );
    assert!(candidates.contains(&json!({ "amount": 523.75, "percent": 87 })));
    assert!(candidates.contains(&json!({ "amount": 0.0, "percent": 87, "code": "ABC12" })));
    let invalid = json!({ "amount": -5, "percent": 87 });
    assert!(
        schema
            .shrink(&invalid)
            .iter()
            .all(|candidate| !schema.is_valid(candidate))
    );
    // Reduce to a minimum: keep the first candidate that still "fails" (here: percent > 50).
    let mut current = valid;
    while let Some(next) = schema
        .shrink(&current)
        .into_iter()
        .find(|candidate| candidate["percent"].as_i64().unwrap_or(0) > 50)
    {
        current = next;
    }
    assert_eq!(current, json!({ "amount": 0.0, "percent": 51 }));
}

#[test]
fn hostile_schemas_stay_bounded() {
    // A schema that refers to itself, one nobody can satisfy, and wide nested values.
    let recursive = Schema::new(&json!({
        "$defs": { "node": { "type": "object", "properties": { "next": { "$ref": "#/$defs/node" } }, "required": ["next"] } },
        "$ref": "#/$defs/node"
    }))
    .unwrap();
    assert!(recursive.cases(1, 10).iter().all(|case| !case.inside));
    let impossible =
        Schema::new(&json!({ "allOf": [{ "type": "string" }, { "type": "integer" }] })).unwrap();
    assert!(impossible.cases(1, 10).iter().all(|case| !case.inside));
    // 40 wide, 3 deep: 64,000 leaves; every candidate copies them all.
    let wide: Value = (0..3).fold(json!(1), |inner, _| {
        Value::Object(
            (0..40)
                .map(|key| (format!("k{key}"), inner.clone()))
                .collect(),
        )
    });
    let any = Schema::new(&json!({})).unwrap();
    let candidates = any.shrink(&wide);
    assert!(
        !candidates.is_empty() && candidates.len() <= 4_000_000 / 64_000,
        "{}",
        candidates.len()
    );
}
