//! Loading an OpenAPI 3.0 or 3.1 document: YAML or JSON read bounded, local `$ref`s
//! resolved (a cycle stops at its second visit, a document that expands past a budget is
//! refused), and its operations with the line each starts on.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ApiError;

/// The largest OpenAPI document read: 16 MiB.
pub(crate) const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// How many JSON nodes the `$ref`s of one operation may expand into: a "billion laughs"
/// of references stops here.
const MAX_EXPANDED_NODES: usize = 200_000;

/// The methods an OpenAPI path item may hold, in the order operations are tested.
const METHODS: [&str; 8] = [
    "get", "head", "options", "trace", "post", "put", "patch", "delete",
];

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum In {
    Path,
    Query,
    Header,
    Cookie,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    pub(crate) name: String,
    pub(crate) place: In,
    pub(crate) required: bool,
    pub(crate) schema: Value,
    pub(crate) example: Option<Value>,
}

/// An operation's JSON request body.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) required: bool,
    pub(crate) media: String,
    pub(crate) schema: Value,
    pub(crate) example: Option<Value>,
}

/// One documented response: its media types and their schemas.
#[derive(Debug, Clone, Default)]
pub(crate) struct Response {
    pub(crate) content: Vec<(String, Option<Value>)>,
}

/// One operation, e.g. `GET /items/{id}`.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) line: u32,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) body: Option<Body>,
    /// A request body in a media type agate does not generate (form data, XML): noted.
    pub(crate) unsupported_body: Option<String>,
    /// By status key as written: `200`, `4XX`, `default`.
    pub(crate) responses: BTreeMap<String, Response>,
}

impl Operation {
    /// `GET /items/{id}`.
    pub(crate) fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The documented response for `status`: the exact code, else its range (`4XX`), else
    /// `default`.
    pub(crate) fn response_for(&self, status: u16) -> Option<&Response> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        self.responses
            .get(&exact)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(&range))
                    .map(|(_, response)| response)
            })
            .or_else(|| self.responses.get("default"))
    }

    /// The documented statuses, for a message.
    pub(crate) fn documented(&self) -> String {
        self.responses
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A loaded document: its operations in document order.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) operations: Vec<Operation>,
}

/// Parses `text` (the file `display`) as an OpenAPI 3.0 or 3.1 document.
pub(crate) fn parse(display: &str, text: &str) -> Result<Spec, ApiError> {
    let invalid = |line: u64, message: String| ApiError::Spec {
        file: display.to_owned(),
        line,
        message,
    };
    let trimmed = text.trim_start();
    let document: Value = if trimmed.starts_with('{') {
        serde_json::from_str(text)
            .map_err(|error| invalid(error.line() as u64, format!("not JSON: {error}")))?
    } else {
        serde_saphyr::from_str(text).map_err(|error| {
            let error = error.without_snippet();
            let line = error.location().map_or(1, |location| location.line());
            invalid(line, format!("not YAML: {error}"))
        })?
    };
    let version = document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(invalid(
            line_of(text, "openapi", 0).unwrap_or(1),
            format!(
                "`openapi: {version}` is not an OpenAPI 3.0 or 3.1 document; agate tests `openapi: 3.0.x` and `3.1.x` (convert a Swagger 2.0 file first)"
            ),
        ));
    }
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return Err(invalid(
            1,
            "the document has no `paths` object: there is no operation to test".to_owned(),
        ));
    };
    let mut operations = Vec::new();
    for (path, item) in paths {
        let path_line = line_of(text, path, 0).unwrap_or(1);
        let mut budget = MAX_EXPANDED_NODES;
        let item = resolve(&document, item, &mut Vec::new(), &mut budget)
            .map_err(|message| invalid(path_line, message))?;
        let shared = item.get("parameters").cloned().unwrap_or(Value::Null);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let line =
                line_of(text, method, usize::try_from(path_line).unwrap_or(0)).unwrap_or(path_line);
            let at = |message: String| invalid(line, message);
            operations.push(operation_of(method, path, line, operation, &shared).map_err(at)?);
        }
    }
    Ok(Spec { operations })
}

/// The 1-based line of the first key `key` (bare or quoted, followed by `:`) at or after
/// line `after` (0-based index of the line to start from).
fn line_of(text: &str, key: &str, after: usize) -> Option<u64> {
    let candidates = [
        format!("{key}:"),
        format!("'{key}':"),
        format!("\"{key}\":"),
        format!("\"{key}\" :"),
    ];
    text.lines()
        .enumerate()
        .skip(after.saturating_sub(1))
        .find(|(_, line)| {
            let line = line.trim_start().trim_start_matches(['{', ',', ' ']);
            candidates
                .iter()
                .any(|candidate| line.starts_with(candidate.as_str()))
        })
        .map(|(index, _)| index as u64 + 1)
}

/// `value` with every local `$ref` replaced by what it points at. A reference already
/// being expanded (a recursive schema) becomes `{}`, which accepts anything.
fn resolve(
    document: &Value,
    value: &Value,
    stack: &mut Vec<String>,
    budget: &mut usize,
) -> Result<Value, String> {
    *budget = budget.checked_sub(1).ok_or_else(|| {
        format!(
            "the `$ref`s expand into more than {MAX_EXPANDED_NODES} nodes; simplify the schemas"
        )
    })?;
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let Some(pointer) = reference.strip_prefix('#') else {
                    return Err(format!(
                        "`$ref: {reference}` points outside the document; agate resolves only local references (`#/components/…`): bundle the document first"
                    ));
                };
                if stack.iter().any(|seen| seen == reference) {
                    return Ok(Value::Object(Map::new()));
                }
                let target = document.pointer(pointer).ok_or_else(|| {
                    format!("`$ref: {reference}` points at nothing in the document")
                })?;
                stack.push(reference.to_owned());
                let resolved = resolve(document, target, stack, budget);
                stack.pop();
                return resolved;
            }
            let mut resolved = Map::new();
            for (key, item) in map {
                resolved.insert(key.clone(), resolve(document, item, stack, budget)?);
            }
            Ok(Value::Object(resolved))
        }
        Value::Array(items) => items
            .iter()
            .map(|item| resolve(document, item, stack, budget))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

/// One operation of a resolved path item.
fn operation_of(
    method: &str,
    path: &str,
    line: u64,
    operation: &Value,
    shared: &Value,
) -> Result<Operation, String> {
    let mut parameters: Vec<Parameter> = Vec::new();
    let own = operation.get("parameters").and_then(Value::as_array);
    // Operation parameters override the path item's of the same name and place.
    for parameter in shared
        .as_array()
        .into_iter()
        .flatten()
        .chain(own.into_iter().flatten())
    {
        let parameter = parameter_of(parameter)?;
        parameters
            .retain(|known| !(known.name == parameter.name && known.place == parameter.place));
        parameters.push(parameter);
    }
    let mut body = None;
    let mut unsupported_body = None;
    if let Some(request) = operation.get("requestBody") {
        let required = request
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let content = request.get("content").and_then(Value::as_object);
        let json = content.and_then(|content| content.iter().find(|(media, _)| is_json(media)));
        match json {
            Some((media, entry)) => {
                body = Some(Body {
                    required,
                    media: media.clone(),
                    schema: entry
                        .get("schema")
                        .cloned()
                        .unwrap_or(Value::Object(Map::new())),
                    example: example_of(entry),
                });
            }
            None => {
                unsupported_body = content.and_then(|content| content.keys().next().cloned());
            }
        }
    }
    let mut responses = BTreeMap::new();
    let Some(documented) = operation.get("responses").and_then(Value::as_object) else {
        return Err(format!(
            "`{} {path}` has no `responses`: document at least one status",
            method.to_ascii_uppercase()
        ));
    };
    for (status, response) in documented {
        let content = response
            .get("content")
            .and_then(Value::as_object)
            .map(|content| {
                content
                    .iter()
                    .map(|(media, entry)| (media.clone(), entry.get("schema").cloned()))
                    .collect()
            })
            .unwrap_or_default();
        responses.insert(status.clone(), Response { content });
    }
    Ok(Operation {
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        parameters,
        body,
        unsupported_body,
        responses,
    })
}

fn parameter_of(parameter: &Value) -> Result<Parameter, String> {
    let name = parameter
        .get("name")
        .and_then(Value::as_str)
        .ok_or("a parameter has no `name`")?;
    let place = match parameter.get("in").and_then(Value::as_str) {
        Some("path") => In::Path,
        Some("query") => In::Query,
        Some("header") => In::Header,
        Some("cookie") => In::Cookie,
        other => {
            return Err(format!(
                "parameter `{name}` has `in: {}`; expected path, query, header or cookie",
                other.unwrap_or("(nothing)")
            ));
        }
    };
    Ok(Parameter {
        name: name.to_owned(),
        place,
        required: place == In::Path
            || parameter
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        schema: parameter
            .get("schema")
            .cloned()
            .unwrap_or(Value::Object(Map::new())),
        example: example_of(parameter),
    })
}

/// `example`, else the first of `examples` (a media type's or parameter's).
fn example_of(entry: &Value) -> Option<Value> {
    entry.get("example").cloned().or_else(|| {
        entry
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().next())
            .and_then(|example| example.get("value"))
            .cloned()
    })
}

/// `application/json`, `application/problem+json`, with or without parameters.
pub(crate) fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEMS: &str = "openapi: 3.0.3
info: {title: items, version: '1'}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
    delete:
      responses:
        '204': {description: gone}
components:
  schemas:
    Item:
      type: object
      properties:
        id: {type: integer}
        children: {type: array, items: {$ref: '#/components/schemas/Item'}}
";

    #[test]
    fn operations_have_their_lines_parameters_and_resolved_schemas() {
        let spec = parse("openapi.yaml", ITEMS).unwrap();
        let names: Vec<String> = spec.operations.iter().map(Operation::name).collect();
        assert_eq!(names, ["GET /items/{id}", "DELETE /items/{id}"]);
        assert_eq!(spec.operations[0].line, 7);
        assert_eq!(spec.operations[1].line, 13);
        assert_eq!(spec.operations[0].parameters[0].name, "id");
        let schema = spec.operations[0].responses["200"].content[0]
            .1
            .clone()
            .unwrap();
        assert_eq!(schema["properties"]["id"]["type"], "integer");
        // The recursion stops at its second visit.
        assert_eq!(
            schema["properties"]["children"]["items"],
            serde_json::json!({})
        );
    }

    #[test]
    fn statuses_match_exactly_then_by_range_then_default() {
        let text = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        '200': {}\n        4XX: {}\n        default: {}\n";
        let spec = parse("a.yaml", text).unwrap();
        let operation = &spec.operations[0];
        assert!(operation.response_for(200).is_some());
        assert!(operation.responses.contains_key("4XX"));
        assert!(operation.response_for(404).is_some());
        assert!(operation.response_for(500).is_some());
    }

    #[test]
    fn a_bad_document_names_file_and_line() {
        let error = parse("api.yaml", "openapi: 2.0\npaths: {}\n").unwrap_err();
        assert_eq!(error.to_string().split(": ").next(), Some("api.yaml:1"));
        let text = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {$ref: 'other.yaml#/A'}\n";
        let error = parse("api.yaml", text).unwrap_err().to_string();
        assert!(error.starts_with("api.yaml:3: "), "{error}");
        assert!(error.contains("only local references"), "{error}");
        let error = parse("api.json", "{\"openapi\": \"3.0.0\",\n\"paths\": [}").unwrap_err();
        assert!(
            error.to_string().starts_with("api.json:2: not JSON"),
            "{error}"
        );
    }

    #[test]
    fn a_reference_bomb_is_refused() {
        use std::fmt::Write as _;
        let mut text = String::from(
            "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/L0'}\ncomponents:\n  schemas:\n",
        );
        for level in 0..30 {
            let next = level + 1;
            writeln!(
                text,
                "    L{level}: {{type: array, items: [{{$ref: '#/components/schemas/L{next}'}}, {{$ref: '#/components/schemas/L{next}'}}]}}"
            )
            .unwrap();
        }
        text.push_str("    L30: {type: string}\n");
        let error = parse("bomb.yaml", &text).unwrap_err().to_string();
        assert!(error.contains("expand into more than"), "{error}");
    }
}
