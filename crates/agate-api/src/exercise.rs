//! Each operation's requests built, sent and their answers checked.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use agate_model::{Finding, Notice, NoticeLevel};
use serde_json::Value;

use crate::findings::{Rule, Shown, excerpt, finding};
use crate::spec::{Body, In, Operation, Spec, is_json};
use crate::target::Target;
use crate::values::{Checker, INJECTIONS, Malformed, inside, outside};
use crate::{ApiError, Options, Outcome};

/// The most of a response body read; a longer one is not checked against its schema.
const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// The most valid requests sent for one operation (the rest of its budget goes to malformed
/// and probing ones).
const MAX_VALID: usize = 5;

/// The methods that change state: sent only to a loopback target unless allowed.
const DESTRUCTIVE: [&str; 4] = ["POST", "PUT", "PATCH", "DELETE"];

/// What a request is meant to test, and so what answer it expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Inside the document: a documented status, a valid response, no 5xx.
    Valid,
    /// Outside it: a 4xx expected.
    Malformed,
    /// Inside the types, hostile in content: no 5xx.
    Probe,
}

/// One request to send.
#[derive(Debug, Clone)]
struct Request {
    kind: Kind,
    shown: Shown,
    content_type: Option<String>,
}

/// The values of one request's parameters, by index, `None` to leave one out.
type Values = Vec<Option<Value>>;

/// Runs every operation of `spec`.
pub(crate) fn all(
    spec: &Spec,
    file: &str,
    target: &Target,
    options: &Options,
) -> Result<Outcome, ApiError> {
    let agent = agate_http::agent_without_redirects(options.request_timeout);
    let mut outcome = Outcome::default();
    let mut answered = false;
    let mut first_failure: Option<String> = None;
    for operation in &spec.operations {
        if !target.loopback
            && !options.allow_destructive
            && DESTRUCTIVE.contains(&operation.method.as_str())
        {
            outcome.notices.push(notice(
                file,
                format!(
                    "`{}` was not tested: agate sends `{}` only to a loopback target unless told `--allow-destructive`",
                    operation.name(),
                    operation.method
                ),
            ));
            continue;
        }
        if let Some(media) = &operation.unsupported_body {
            outcome.notices.push(notice(
                file,
                format!(
                    "`{}` was tested without a body: agate generates JSON bodies, not `{media}`",
                    operation.name()
                ),
            ));
        }
        let requests = match requests(operation, options) {
            Ok(requests) => requests,
            Err(message) => {
                outcome.notices.push(Notice {
                    level: NoticeLevel::Error,
                    path: Some(file.to_owned()),
                    message: format!("`{}` was not tested: {message}", operation.name()),
                });
                continue;
            }
        };
        let mut seen = BTreeSet::new();
        for request in requests {
            if outcome.requests_sent >= options.max_requests {
                outcome.notices.push(notice(
                    file,
                    format!(
                        "the run stopped at its limit of {} requests; the operations from `{}` on were not fully tested",
                        options.max_requests,
                        operation.name()
                    ),
                ));
                return finish(outcome, answered, first_failure, target);
            }
            outcome.requests_sent += 1;
            match send(&agent, target, &request) {
                Ok(answer) => {
                    answered = true;
                    check(
                        operation,
                        file,
                        &request,
                        &answer,
                        options,
                        &mut seen,
                        &mut outcome.findings,
                    );
                }
                Err(reason) => {
                    first_failure.get_or_insert_with(|| reason.clone());
                    if seen.insert((Rule::Unreachable, String::new())) {
                        outcome.findings.push(finding(
                            Rule::Unreachable,
                            operation,
                            file,
                            "",
                            &format!("no answer to {}: {reason}", request.shown.describe()),
                        ));
                    }
                }
            }
        }
    }
    finish(outcome, answered, first_failure, target)
}

fn finish(
    outcome: Outcome,
    answered: bool,
    first_failure: Option<String>,
    target: &Target,
) -> Result<Outcome, ApiError> {
    match first_failure {
        Some(reason) if !answered => Err(ApiError::Unreachable {
            base_url: target.base.clone(),
            reason,
        }),
        _ => Ok(outcome),
    }
}

fn notice(file: &str, message: String) -> Notice {
    Notice {
        level: NoticeLevel::Warning,
        path: Some(file.to_owned()),
        message,
    }
}

/// The requests of one operation: valid ones first, then malformed and probing ones in
/// turn, at most `options.max_requests_per_operation`.
fn requests(operation: &Operation, options: &Options) -> Result<Vec<Request>, String> {
    let checkers = operation
        .parameters
        .iter()
        .map(|parameter| Checker::new(&parameter.schema))
        .collect::<Result<Vec<_>, _>>()?;
    let samples: Vec<Vec<Value>> = operation
        .parameters
        .iter()
        .zip(&checkers)
        .map(|(parameter, checker)| {
            inside(
                &parameter.schema,
                parameter.example.as_ref(),
                Some(checker),
                options.seed,
            )
        })
        .collect();
    let body_checker = operation
        .body
        .as_ref()
        .map(|body| Checker::new(&body.schema))
        .transpose()?;
    let bodies: Vec<Value> = operation
        .body
        .as_ref()
        .map(|body| {
            inside(
                &body.schema,
                body.example.as_ref(),
                body_checker.as_ref(),
                options.seed,
            )
        })
        .unwrap_or_default();
    // Rotate by the seed so another seed starts from other values.
    let pick = |values: &[Value], index: usize| -> Option<Value> {
        if values.is_empty() {
            return None;
        }
        let start = usize::try_from(options.seed % values.len() as u64).unwrap_or(0);
        values.get((index + start) % values.len()).cloned()
    };
    let base_values = |index: usize| -> Values {
        operation
            .parameters
            .iter()
            .zip(&samples)
            .map(|(parameter, values)| {
                if !parameter.required && index == 0 {
                    return None;
                }
                pick(values, index).or_else(|| parameter.required.then(|| Value::from("agate")))
            })
            .collect()
    };
    let body_at = |index: usize| pick(&bodies, index);
    let count = samples
        .iter()
        .map(Vec::len)
        .chain([bodies.len()])
        .max()
        .unwrap_or(1)
        .clamp(1, MAX_VALID);
    let mut valid = Vec::new();
    for index in 0..count {
        valid.push(build(
            operation,
            Kind::Valid,
            "valid".to_owned(),
            &base_values(index),
            body_at(index).as_ref().map(json_body),
        ));
    }
    let base = base_values(1);
    let base_body = body_at(0);
    let mut variants = Variants::default();
    variants.of_parameters(operation, &base, base_body.as_ref());
    if let Some(body) = &operation.body {
        variants.of_body(operation, body, &base, base_body.as_ref(), options);
    }
    let Variants { malformed, probes } = variants;
    let mut all = valid;
    let mut malformed = malformed.into_iter();
    let mut probes = probes.into_iter();
    while all.len() < options.max_requests_per_operation {
        let next = [malformed.next(), probes.next()];
        if next.iter().all(Option::is_none) {
            break;
        }
        all.extend(next.into_iter().flatten());
    }
    all.truncate(options.max_requests_per_operation);
    Ok(all)
}

/// The malformed and probing requests of an operation, built from one valid request.
#[derive(Default)]
struct Variants {
    malformed: Vec<Request>,
    probes: Vec<Request>,
}

impl Variants {
    /// Each parameter of the wrong type, missing when required, and carrying injection
    /// strings when it takes free text.
    fn of_parameters(&mut self, operation: &Operation, base: &Values, base_body: Option<&Value>) {
        for (index, parameter) in operation.parameters.iter().enumerate() {
            let valid_value = base[index].as_ref();
            for Malformed { value, note } in outside(&parameter.schema, valid_value) {
                let mut values = base.clone();
                values[index] = Some(value);
                let note = format!(
                    "malformed: {} parameter `{}`: {note}",
                    place(parameter.place),
                    parameter.name
                );
                self.malformed.push(build(
                    operation,
                    Kind::Malformed,
                    note,
                    &values,
                    base_body.map(json_body),
                ));
            }
            if parameter.required && parameter.place != In::Path {
                let mut values = base.clone();
                values[index] = None;
                let note = format!(
                    "malformed: required {} parameter `{}` missing",
                    place(parameter.place),
                    parameter.name
                );
                self.malformed.push(build(
                    operation,
                    Kind::Malformed,
                    note,
                    &values,
                    base_body.map(json_body),
                ));
            }
            if takes_free_text(&parameter.schema) {
                for injection in INJECTIONS {
                    let mut values = base.clone();
                    values[index] = Some(Value::from(injection));
                    let note = format!(
                        "probe: `{injection}` in {} parameter `{}`",
                        place(parameter.place),
                        parameter.name
                    );
                    self.probes.push(build(
                        operation,
                        Kind::Probe,
                        note,
                        &values,
                        base_body.map(json_body),
                    ));
                }
            }
        }
    }

    /// The body of the wrong shape, not JSON, missing, oversized, and carrying injection
    /// strings in its free-text properties.
    fn of_body(
        &mut self,
        operation: &Operation,
        body: &Body,
        base: &Values,
        base_body: Option<&Value>,
        options: &Options,
    ) {
        for Malformed { value, note } in outside(&body.schema, base_body) {
            self.malformed.push(build(
                operation,
                Kind::Malformed,
                format!("malformed body: {note}"),
                base,
                Some(json_body(&value)),
            ));
        }
        self.malformed.push(build(
            operation,
            Kind::Malformed,
            "malformed body: not JSON".to_owned(),
            base,
            Some(b"{\"agate\": ".to_vec()),
        ));
        if body.required {
            self.malformed.push(build(
                operation,
                Kind::Malformed,
                "malformed: the required body missing".to_owned(),
                base,
                None,
            ));
        }
        let oversized = format!("\"{}\"", "A".repeat(options.oversized_body_bytes));
        self.malformed.push(build(
            operation,
            Kind::Malformed,
            format!("malformed body: oversized ({} bytes)", oversized.len()),
            base,
            Some(oversized.into_bytes()),
        ));
        if let Some(Value::Object(object)) = base_body {
            for (name, property) in body
                .schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !takes_free_text(property) {
                    continue;
                }
                for injection in INJECTIONS {
                    let mut changed = object.clone();
                    changed.insert(name.clone(), Value::from(injection));
                    let note = format!("probe: `{injection}` in body property `{name}`");
                    self.probes.push(build(
                        operation,
                        Kind::Probe,
                        note,
                        base,
                        Some(json_body(&Value::Object(changed))),
                    ));
                }
            }
        }
    }
}

/// A string schema without an enum, format or pattern: free text where an injection
/// string is a valid value.
fn takes_free_text(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && ["enum", "format", "pattern", "maxLength", "const"]
            .iter()
            .all(|key| schema.get(key).is_none())
}

fn place(place: In) -> &'static str {
    match place {
        In::Path => "path",
        In::Query => "query",
        In::Header => "header",
        In::Cookie => "cookie",
    }
}

fn json_body(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// A parameter's value as it goes on the wire: a string as it is, anything else as JSON.
fn wire(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// The request of `operation` with `values` for its parameters and `body`.
fn build(
    operation: &Operation,
    kind: Kind,
    note: String,
    values: &Values,
    body: Option<Vec<u8>>,
) -> Request {
    let mut path = operation.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut cookies = Vec::new();
    for (parameter, value) in operation.parameters.iter().zip(values) {
        let Some(value) = value else {
            continue;
        };
        match parameter.place {
            In::Path => {
                path = path.replace(&format!("{{{}}}", parameter.name), &encode(&wire(value)));
            }
            In::Query => match value {
                Value::Array(items) => {
                    for item in items {
                        query.push(format!(
                            "{}={}",
                            encode(&parameter.name),
                            encode(&wire(item))
                        ));
                    }
                }
                other => query.push(format!(
                    "{}={}",
                    encode(&parameter.name),
                    encode(&wire(other))
                )),
            },
            In::Header => {
                let text: String = wire(value)
                    .chars()
                    .filter(|character| !character.is_control())
                    .collect();
                headers.push((parameter.name.clone(), text));
            }
            In::Cookie => cookies.push(format!("{}={}", parameter.name, encode(&wire(value)))),
        }
    }
    if !cookies.is_empty() {
        headers.push(("Cookie".to_owned(), cookies.join("; ")));
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    let content_type = body.as_ref().map(|_| {
        operation
            .body
            .as_ref()
            .map_or_else(|| "application/json".to_owned(), |body| body.media.clone())
    });
    Request {
        kind,
        shown: Shown {
            method: operation.method.clone(),
            target: path,
            headers,
            body,
            note,
        },
        content_type,
    }
}

/// An answer: its status, content type, body (or why it could not be read) and time.
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Result<Vec<u8>, String>,
    elapsed: Duration,
}

fn send(agent: &ureq::Agent, target: &Target, request: &Request) -> Result<Answer, String> {
    let url = format!("{}{}", target.base, request.shown.target);
    let mut builder = ureq::http::Request::builder()
        .method(request.shown.method.as_str())
        .uri(&url);
    for (name, value) in &request.shown.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some(content_type) = &request.content_type {
        builder = builder.header("content-type", content_type.as_str());
    }
    let started = Instant::now();
    let response = match &request.shown.body {
        Some(body) => builder
            .body(body.clone())
            .map_err(|error| format!("cannot build the request: {error}"))
            .and_then(|built| agent.run(built).map_err(|error| error.to_string())),
        None => builder
            .body(())
            .map_err(|error| format!("cannot build the request: {error}"))
            .and_then(|built| agent.run(built).map_err(|error| error.to_string())),
    };
    let mut response = response?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(|error| error.to_string());
    Ok(Answer {
        status,
        content_type,
        body,
        elapsed: started.elapsed(),
    })
}

/// Checks one answer; each rule reports once per operation (an undocumented status once
/// per status).
fn check(
    operation: &Operation,
    file: &str,
    request: &Request,
    answer: &Answer,
    options: &Options,
    seen: &mut BTreeSet<(Rule, String)>,
    findings: &mut Vec<Finding>,
) {
    let status = answer.status;
    let body_text = match &answer.body {
        Ok(body) => format!("`{}`", excerpt(body)),
        Err(error) => format!("unreadable ({error})"),
    };
    let actual = format!(
        "got status {status}{} with body {body_text}",
        answer
            .content_type
            .as_ref()
            .map(|media| format!(" (`{media}`)"))
            .unwrap_or_default()
    );
    let described = request.shown.describe();
    let mut report = |rule: Rule, key: String, message: String| {
        if seen.insert((rule, key.clone())) {
            findings.push(finding(rule, operation, file, &key, &message));
        }
    };
    if status >= 500 {
        // A server error says more than that its status is undocumented.
        let expected = if request.kind == Kind::Malformed {
            "a 4xx"
        } else {
            "no server error"
        };
        report(
            Rule::ServerError,
            String::new(),
            format!("{described}: expected {expected}, {actual}"),
        );
        return;
    }
    if request.kind == Kind::Malformed && status < 400 {
        report(
            Rule::AcceptedMalformed,
            String::new(),
            format!("{described}: expected a 4xx for malformed input, {actual}"),
        );
    }
    let Some(documented) = operation.response_for(status) else {
        report(
            Rule::UndocumentedStatus,
            status.to_string(),
            format!(
                "{described}: expected one of the documented statuses ({}), {actual}",
                operation.documented()
            ),
        );
        return;
    };
    if answer.elapsed > options.slow_response {
        report(
            Rule::SlowResponse,
            String::new(),
            format!(
                "{described}: answered in {} ms, over the limit of {} ms",
                answer.elapsed.as_millis(),
                options.slow_response.as_millis()
            ),
        );
    }
    if let Some((key, problem)) = content_problem(documented, answer) {
        report(
            Rule::ResponseSchema,
            key,
            format!("{described}: {problem}; {actual}"),
        );
    }
}

/// What is wrong with the content type or body of an answer with a documented status: a
/// key telling findings apart and the problem.
fn content_problem(
    documented: &crate::spec::Response,
    answer: &Answer,
) -> Option<(String, String)> {
    let status = answer.status;
    if documented.content.is_empty() {
        return None;
    }
    let media = answer.content_type.as_deref().map(|media| {
        media
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    let Ok(body) = &answer.body else {
        return None;
    };
    let matching = documented.content.iter().find(|(documented, _)| {
        media
            .as_deref()
            .is_some_and(|media| media_matches(documented, media))
    });
    let Some((documented_media, schema)) = matching else {
        if !body.is_empty() || media.is_some() {
            let expected: Vec<&str> = documented
                .content
                .iter()
                .map(|(media, _)| media.as_str())
                .collect();
            return Some((
                format!("content-type {status}"),
                format!(
                    "expected content type `{}` for status {status}",
                    expected.join("`, `")
                ),
            ));
        }
        return None;
    };
    let Some(schema) = schema else {
        return None;
    };
    if !is_json(documented_media) {
        return None;
    }
    let errors = match serde_json::from_slice::<Value>(body) {
        Ok(value) => match Checker::new(schema) {
            Ok(checker) => checker.errors(&value),
            Err(error) => vec![error],
        },
        Err(error) => vec![format!("the body is not JSON ({error})")],
    };
    (!errors.is_empty()).then(|| {
        (
            format!("schema {status}"),
            format!(
                "the status {status} body does not match its schema: {}",
                errors.join("; ")
            ),
        )
    })
}

/// Whether a documented media type (`application/json`, `application/*`, `*/*`) covers
/// `actual`.
fn media_matches(documented: &str, actual: &str) -> bool {
    let documented = documented
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if documented == "*/*" || documented == actual {
        return true;
    }
    documented
        .strip_suffix("/*")
        .is_some_and(|family| actual.split('/').next() == Some(family))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse;

    const SPEC: &str = "openapi: 3.0.3
paths:
  /items/{id}:
    put:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}, example: 7}
        - {name: q, in: query, schema: {type: string}}
        - {name: X-Api-Key, in: header, required: true, schema: {type: string, enum: [k1]}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                price: {type: number, minimum: 0}
      responses:
        '200': {description: ok}
        '400': {description: bad}
";

    #[test]
    fn requests_are_valid_then_malformed_and_probing_within_the_budget() {
        let spec = parse("api.yaml", SPEC).unwrap();
        let options = Options::new("http://127.0.0.1:1");
        let requests = requests(&spec.operations[0], &options).unwrap();
        assert_eq!(requests.len(), options.max_requests_per_operation);
        let first = &requests[0];
        assert_eq!(first.kind, Kind::Valid);
        assert_eq!(
            first.shown.target, "/items/7",
            "the example, optional query left out"
        );
        assert_eq!(
            first.shown.headers,
            [("X-Api-Key".to_owned(), "k1".to_owned())]
        );
        assert_eq!(first.shown.body.as_deref(), Some(&b"{\"name\":\"a\"}"[..]));
        assert_eq!(first.content_type.as_deref(), Some("application/json"));
        let notes: Vec<&str> = requests
            .iter()
            .map(|request| request.shown.note.as_str())
            .collect();
        assert!(
            notes.contains(&"malformed: path parameter `id`: a string where a number is expected"),
            "{notes:#?}"
        );
        assert!(
            notes.contains(&"malformed: required header parameter `X-Api-Key` missing"),
            "{notes:#?}"
        );
        assert!(
            notes.contains(&"probe: `' OR 1=1--` in query parameter `q`"),
            "{notes:#?}"
        );
        let probe = requests
            .iter()
            .find(|request| request.shown.note.starts_with("probe: `' OR"))
            .unwrap();
        assert!(
            probe.shown.target.ends_with("?q=%27%20OR%201%3D1--"),
            "{}",
            probe.shown.target
        );
        assert!(
            requests.iter().all(|request| request.kind != Kind::Valid
                || request.shown.target.starts_with("/items/"))
        );
    }

    #[test]
    fn media_types_match_exactly_or_by_wildcard() {
        assert!(media_matches("application/json", "application/json"));
        assert!(media_matches(
            "application/json; charset=utf-8",
            "application/json"
        ));
        assert!(media_matches("application/*", "application/problem+json"));
        assert!(media_matches("*/*", "text/html"));
        assert!(!media_matches("application/json", "text/html"));
    }
}
