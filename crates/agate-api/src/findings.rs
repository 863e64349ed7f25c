//! What a broken contract becomes: an `api.*` finding that names the operation, the
//! request (credentials redacted) and the expected and actual answer, at the operation's
//! line in the document.

use std::fmt::Write as _;

use agate_model::{
    Analyzer, Confidence, Finding, Fingerprint, FingerprintInput, Location, Position,
    RuleDescriptor, Severity,
};

use crate::spec::Operation;

/// How much of a request or response body a message quotes.
const EXCERPT_CHARS: usize = 200;

/// Headers whose values are credentials: never shown.
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
];

/// One rule of API contract testing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rule {
    /// A status the operation does not document.
    UndocumentedStatus,
    /// A content type or body the response schema does not accept.
    ResponseSchema,
    /// A 5xx.
    ServerError,
    /// A 2xx or 3xx to a malformed request.
    AcceptedMalformed,
    /// An answer slower than the limit.
    SlowResponse,
    /// No answer at all.
    Unreachable,
}

impl Rule {
    const ALL: [Rule; 6] = [
        Rule::UndocumentedStatus,
        Rule::ResponseSchema,
        Rule::ServerError,
        Rule::AcceptedMalformed,
        Rule::SlowResponse,
        Rule::Unreachable,
    ];

    pub(crate) fn id(self) -> &'static str {
        match self {
            Rule::UndocumentedStatus => "api.undocumented-status",
            Rule::ResponseSchema => "api.response-schema",
            Rule::ServerError => "api.server-error",
            Rule::AcceptedMalformed => "api.accepted-malformed",
            Rule::SlowResponse => "api.slow-response",
            Rule::Unreachable => "api.unreachable",
        }
    }

    fn summary(self) -> &'static str {
        match self {
            Rule::UndocumentedStatus => {
                "the service answered with a status the operation does not document"
            }
            Rule::ResponseSchema => {
                "the response's content type or body does not match the documented response"
            }
            Rule::ServerError => "the service answered with a server error (5xx)",
            Rule::AcceptedMalformed => {
                "the service accepted a malformed request instead of answering 4xx"
            }
            Rule::SlowResponse => "the service answered slower than the limit",
            Rule::Unreachable => "the service did not answer a request",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Rule::UndocumentedStatus => {
                "document the status under the operation's `responses` (or `default`), or stop returning it"
            }
            Rule::ResponseSchema => "return what the response schema says, or correct the schema",
            Rule::ServerError => {
                "validate the input and answer 4xx; a 5xx on bad input usually hides an unhandled error"
            }
            Rule::AcceptedMalformed => {
                "validate the request against the document before acting on it"
            }
            Rule::SlowResponse => {
                "find what makes the operation slow, or raise the limit (`--slow`)"
            }
            Rule::Unreachable => {
                "check the service's logs in the report: it may have crashed on the request"
            }
        }
    }

    fn severity(self) -> Severity {
        match self {
            Rule::ServerError | Rule::Unreachable => Severity::High,
            Rule::UndocumentedStatus | Rule::ResponseSchema | Rule::AcceptedMalformed => {
                Severity::Medium
            }
            Rule::SlowResponse => Severity::Low,
        }
    }
}

/// The descriptors of the `api.*` rules, for a report's `rules`.
pub fn rules() -> Vec<RuleDescriptor> {
    Rule::ALL
        .iter()
        .map(|rule| RuleDescriptor {
            id: rule.id().to_owned(),
            language: "openapi".to_owned(),
            summary: rule.summary().to_owned(),
            help: rule.help().to_owned(),
            severity: rule.severity(),
            confidence: Confidence::High,
            cwe: Vec::new(),
            owasp: Vec::new(),
            compliance: Vec::new(),
            ai_pattern: false,
        })
        .collect()
}

/// A request as a finding shows it.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    pub(crate) method: String,
    /// The path with its query.
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
    /// What kind of request it was, e.g. ``malformed: property `price` of the wrong type``.
    pub(crate) note: String,
}

impl Shown {
    /// `GET /items/abc?x=1` with its headers (credentials redacted) and a body excerpt.
    pub(crate) fn describe(&self) -> String {
        let mut text = format!("`{} {}`", self.method, excerpt(self.target.as_bytes()));
        for (name, value) in &self.headers {
            let shown = if is_secret_header(name) {
                "[redacted]".to_owned()
            } else {
                excerpt(value.as_bytes())
            };
            let _ = write!(text, " with header `{name}: {shown}`");
        }
        if let Some(body) = &self.body {
            let _ = write!(text, " with body `{}`", excerpt(body));
        }
        let _ = write!(text, " ({})", self.note);
        text
    }
}

fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&name.as_str())
        || ["token", "secret", "password", "auth"]
            .iter()
            .any(|word| name.contains(word))
}

/// The first [`EXCERPT_CHARS`] characters of `bytes` as text, control characters escaped,
/// with the total size when cut.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut shown: String = text
        .chars()
        .take(EXCERPT_CHARS)
        .flat_map(|character| {
            if character.is_control() {
                character.escape_default().collect::<Vec<_>>()
            } else {
                vec![character]
            }
        })
        .collect();
    shown = shown.replace('`', "'");
    if text.chars().count() > EXCERPT_CHARS {
        let _ = write!(shown, "… ({} bytes)", bytes.len());
    }
    shown
}

/// The finding of `rule` for `operation` in the document `file`; `key` tells apart findings
/// of one rule and operation (a status).
pub(crate) fn finding(
    rule: Rule,
    operation: &Operation,
    file: &str,
    key: &str,
    message: &str,
) -> Finding {
    let name = operation.name();
    let start = Position {
        line: operation.line,
        column: 1,
    };
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id: rule.id(),
        path: file,
        code: &name,
        scope: key,
        occurrence: 0,
    });
    Finding::new(
        rule.id(),
        Analyzer::External,
        rule.severity(),
        Confidence::High,
        format!("`{name}`: {message}"),
        Location {
            path: file.into(),
            start,
            end: start,
        },
        fingerprint,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_headers_are_redacted() {
        let shown = Shown {
            method: "GET".to_owned(),
            target: "/items/1?q=a".to_owned(),
            headers: vec![
                ("Authorization".to_owned(), "Bearer abc".to_owned()),
                ("X-Api-Key".to_owned(), "k".to_owned()),
                ("X-Session-Token".to_owned(), "t".to_owned()),
                ("X-Request-Id".to_owned(), "7".to_owned()),
            ],
            body: Some(b"{\"a\":1}".to_vec()),
            note: "valid".to_owned(),
        };
        assert_eq!(
            shown.describe(),
            "`GET /items/1?q=a` with header `Authorization: [redacted]` with header `X-Api-Key: [redacted]` with header `X-Session-Token: [redacted]` with header `X-Request-Id: 7` with body `{\"a\":1}` (valid)"
        );
    }

    #[test]
    fn excerpts_are_bounded_and_on_one_line() {
        assert_eq!(excerpt(b"a\nb`c"), "a\\nb'c");
        let long = excerpt(&[b'x'; 1000]);
        assert!(long.ends_with("… (1000 bytes)"));
        assert!(long.len() < 230);
    }
}
