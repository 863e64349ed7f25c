//! Inline suppressions: `agate: ignore[rule-id, other-id] reason="…" until=YYYY-MM-DD` in a
//! comment on the flagged line or the line above.

use std::sync::LazyLock;

use regex::Regex;

use crate::Date;

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The 1-based line of the comment.
    pub line: u32,
    /// The rule ids it names.
    pub rules: Vec<String>,
    /// The reason given, if any.
    pub reason: Option<String>,
    /// The `until=` value as written, if any.
    pub until: Option<String>,
    /// The comment's whole line, trimmed (shown in findings about the suppression).
    pub text: String,
}

impl Suppression {
    /// Returns true when the suppression applies to a finding of `rule_id` on `line`.
    pub fn covers(&self, rule_id: &str, line: u32) -> bool {
        (line == self.line || line == self.line + 1)
            && self.rules.iter().any(|rule| rule == rule_id)
    }

    /// Returns the expiry date; `Err` carries the malformed text.
    pub fn until_date(&self) -> Option<Result<Date, String>> {
        self.until.as_deref().map(str::parse)
    }
}

static SUPPRESSION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"agate:\s*ignore\[([^\]]*)\](?:\s+reason\s*=\s*"([^"]*)")?(?:\s+until\s*=\s*(\S+))?"#,
    )
    .ok()
});

/// Finds every suppression comment in `text`.
pub fn parse_suppressions(text: &str) -> Vec<Suppression> {
    let Some(pattern) = SUPPRESSION.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if !line.contains(agate_model::ANNOTATION_MARKER) {
            continue;
        }
        for captures in pattern.captures_iter(line) {
            let rules = captures[1]
                .split(',')
                .map(str::trim)
                .filter(|rule| !rule.is_empty())
                .map(str::to_owned)
                .collect();
            found.push(Suppression {
                line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                rules,
                reason: captures
                    .get(2)
                    .map(|reason| reason.as_str().trim().to_owned())
                    .filter(|reason| !reason.is_empty()),
                until: captures.get(3).map(|until| until.as_str().to_owned()),
                text: line.trim().to_owned(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_reason_and_expiry() {
        let text = "x = eval(y)  # agate: ignore[py.code-injection] reason=\"sandboxed REPL\" until=2027-01-31\n";
        let found = parse_suppressions(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rules, ["py.code-injection"]);
        assert_eq!(found[0].reason.as_deref(), Some("sandboxed REPL"));
        assert_eq!(found[0].until.as_deref(), Some("2027-01-31"));
        assert!(found[0].covers("py.code-injection", 1));
        assert!(
            found[0].covers("py.code-injection", 2),
            "the line below a comment line"
        );
        assert!(!found[0].covers("py.other", 1));
    }

    #[test]
    fn a_missing_reason_is_none() {
        let found = parse_suppressions("// agate: ignore[js.empty-catch, js.catch-only-logs]\n");
        assert_eq!(found[0].rules.len(), 2);
        assert_eq!(found[0].reason, None);
    }
}
