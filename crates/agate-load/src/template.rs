//! Paths and bodies with placeholders, parsed once and filled per request.

use std::fmt::Write;

/// A text with placeholders: `{{counter}}` (the request's number in the run), `{{random}}`
/// (a random 32-bit number), `{{random 1 100}}` (an integer in that range) and `{{uuid}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Counter,
    Random,
    Range(i64, i64),
    Uuid,
}

impl Template {
    /// Parses `text`; an unknown placeholder is an error naming it.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("`{{{{` without `}}}}` in `{text}`"))?;
            let words: Vec<&str> = after[..close].split_whitespace().collect();
            parts.push(match words.as_slice() {
                ["counter"] => Part::Counter,
                ["random"] => Part::Random,
                ["uuid"] => Part::Uuid,
                ["random", low, high] => {
                    let bound = |word: &str| {
                        word.parse::<i64>()
                            .map_err(|_| format!("`{word}` is not an integer in `{text}`"))
                    };
                    let (low, high) = (bound(low)?, bound(high)?);
                    if low > high {
                        return Err(format!("`random {low} {high}`: the range is empty"));
                    }
                    Part::Range(low, high)
                }
                _ => {
                    return Err(format!(
                        "unknown placeholder `{{{{{}}}}}` (use counter, random, `random LOW HIGH` or uuid)",
                        &after[..close]
                    ));
                }
            });
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// A template without placeholders.
    pub fn literal(text: &str) -> Template {
        Template {
            parts: vec![Part::Text(text.to_owned())],
        }
    }

    /// The text for request number `counter`.
    pub(crate) fn fill(&self, counter: u64, rng: &mut fastrand::Rng) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Counter => out.push_str(&counter.to_string()),
                Part::Random => out.push_str(&rng.u32(..).to_string()),
                Part::Range(low, high) => out.push_str(&rng.i64(*low..=*high).to_string()),
                Part::Uuid => {
                    let bits = rng.u128(..);
                    let hex = format!("{bits:032x}");
                    // Writing to a String cannot fail.
                    let _ = write!(
                        out,
                        "{}-{}-4{}-a{}-{}",
                        &hex[..8],
                        &hex[8..12],
                        &hex[13..16],
                        &hex[17..20],
                        &hex[20..]
                    );
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Template;

    #[test]
    fn placeholders_are_filled_and_mistakes_named() {
        let template = Template::parse("/items/{{counter}}?n={{random 5 5}}&id={{uuid}}").unwrap();
        let mut rng = fastrand::Rng::with_seed(1);
        let text = template.fill(42, &mut rng);
        assert!(text.starts_with("/items/42?n=5&id="), "{text}");
        assert_eq!(text.len(), "/items/42?n=5&id=".len() + 36);
        assert_eq!(
            Template::parse("plain").unwrap(),
            Template::literal("plain")
        );
        let error = Template::parse("/x/{{count}}").unwrap_err();
        assert!(error.contains("unknown placeholder `{{count}}`"), "{error}");
        assert!(Template::parse("/x/{{counter").is_err());
        assert!(Template::parse("{{random 9 1}}").is_err());
    }
}
