//! What a model answers, checked: `{"findings": [{"line", "category", "confidence",
//! "explanation", "fix"}]}`, every line inside the lines that were sent.

use std::ops::RangeInclusive;

use serde::Deserialize;

/// One finding a model reported, as it reported it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    /// The file's own line number.
    pub line: u32,
    /// What kind of problem, e.g. `hallucinated-api`.
    pub category: String,
    /// How sure the model says it is, 0 to 1.
    pub confidence: f64,
    /// Why it is a problem.
    pub explanation: String,
    /// How to fix it, when the model says.
    #[serde(default)]
    pub fix: Option<String>,
}

/// A model's whole answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// What it found; empty when nothing.
    pub findings: Vec<Reviewed>,
}

/// Why an answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// Not the JSON asked for.
    #[error("the answer is not the JSON asked for: {0}")]
    Malformed(String),
    /// A finding names a line that was not sent.
    #[error("the answer names line {line}, outside the lines sent ({start}-{end})")]
    LineOutside {
        /// The line named.
        line: u32,
        /// First line sent.
        start: u32,
        /// Last line sent.
        end: u32,
    },
    /// A confidence outside 0..=1, or not a number.
    #[error("the answer gives confidence {0}, outside 0 to 1")]
    Confidence(String),
}

/// Reads a model's message: the JSON object, also when a model wraps it in a Markdown code
/// fence or adds a sentence around it; every line must be in `lines`.
pub fn parse_answer(content: &str, lines: &RangeInclusive<u32>) -> Result<Answer, AnswerError> {
    let json = object_in(content)
        .ok_or_else(|| AnswerError::Malformed("no JSON object in the message".to_owned()))?;
    let answer: Answer =
        serde_json::from_str(json).map_err(|error| AnswerError::Malformed(error.to_string()))?;
    for finding in &answer.findings {
        if !lines.contains(&finding.line) {
            return Err(AnswerError::LineOutside {
                line: finding.line,
                start: *lines.start(),
                end: *lines.end(),
            });
        }
        if !(0.0..=1.0).contains(&finding.confidence) {
            return Err(AnswerError::Confidence(finding.confidence.to_string()));
        }
    }
    Ok(answer)
}

/// The outermost `{…}` of `text`.
fn object_in(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (start < end).then(|| &text[start..=end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_read_from_bare_or_fenced_json() {
        let bare = r#"{"findings": [{"line": 12, "category": "hallucinated-api", "confidence": 0.8, "explanation": "requests.fetch does not exist", "fix": "use requests.get"}]}"#;
        let answer = parse_answer(bare, &(10..=20)).unwrap();
        assert_eq!(answer.findings[0].line, 12);
        assert_eq!(answer.findings[0].fix.as_deref(), Some("use requests.get"));
        let fenced = format!("Here is my review:\n```json\n{bare}\n```\n");
        assert_eq!(parse_answer(&fenced, &(10..=20)).unwrap(), answer);
        assert_eq!(
            parse_answer(r#"{"findings": []}"#, &(1..=1))
                .unwrap()
                .findings,
            []
        );
    }

    #[test]
    fn answers_outside_what_was_sent_or_asked_are_refused() {
        let line = |line: u32| {
            format!(
                r#"{{"findings": [{{"line": {line}, "category": "x", "confidence": 0.5, "explanation": "e"}}]}}"#
            )
        };
        assert_eq!(
            parse_answer(&line(9), &(10..=20)).unwrap_err(),
            AnswerError::LineOutside {
                line: 9,
                start: 10,
                end: 20
            }
        );
        assert!(parse_answer(&line(21), &(10..=20)).is_err());
        assert!(matches!(
            parse_answer("I found nothing wrong.", &(1..=5)),
            Err(AnswerError::Malformed(_))
        ));
        assert!(matches!(
            parse_answer(r#"{"findings": [{"line": 2}]}"#, &(1..=5)),
            Err(AnswerError::Malformed(_))
        ));
        assert!(matches!(
            parse_answer(r#"{"findings": [], "verdict": "ok"}"#, &(1..=5)),
            Err(AnswerError::Malformed(_))
        ));
        let sure = r#"{"findings": [{"line": 2, "category": "x", "confidence": 1.5, "explanation": "e"}]}"#;
        assert!(matches!(
            parse_answer(sure, &(1..=5)),
            Err(AnswerError::Confidence(_))
        ));
    }
}
