use std::fmt;
use std::path::PathBuf;

/// Why a configuration or baseline file cannot be used. Every variant says where (file,
/// line, column when known) and how to fix it; the CLI exits 2 on all of them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is missing, not a regular file (a device, a FIFO, a folder) or too large.
    #[error(transparent)]
    File(#[from] agate_fs::FsError),
    /// The file could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A problem at a place in a file: malformed YAML, an unknown key, a wrong type or value.
    #[error("{at}: {message}\n  help: {help}")]
    Invalid {
        /// Where.
        at: Place,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// A child file loosens a key its parent locked.
    #[error("{at}: `{key}` is locked by {locked_at} and cannot be loosened: {what}\n  help: a team or repository may tighten a locked setting, never weaken it; remove the override or ask the owners of {} to change it", locked_at.file)]
    Locked {
        /// Where the loosening is.
        at: Place,
        /// The locked key.
        key: String,
        /// Where the lock is.
        locked_at: Box<Place>,
        /// What the child tried.
        what: String,
    },
    /// `extends` forms a cycle.
    #[error("{at}: `extends` forms a cycle: {}\n  help: a file may not extend itself, directly or through others", chain.join(" → "))]
    Cycle {
        /// Where the cycle closes.
        at: Place,
        /// The files in the cycle.
        chain: Vec<String>,
    },
}

/// A file and, when known, a 1-based line and column in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, as given or resolved.
    pub file: String,
    /// Line and column.
    pub position: Option<(u64, u64)>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

impl Place {
    pub(crate) fn at(file: &str, location: &serde_saphyr::Location) -> Place {
        Place {
            file: file.to_owned(),
            position: Some((location.line(), location.column())),
        }
    }

    pub(crate) fn file(file: &str) -> Place {
        Place {
            file: file.to_owned(),
            position: None,
        }
    }
}

/// Turns a YAML or shape error into [`PolicyError::Invalid`] in agate's words: the key
/// path, what is wrong and how to fix it (for an unknown key, the closest known one), never
/// the YAML library's own vocabulary.
pub(crate) fn from_yaml(file: &str, text: &str, error: &serde_saphyr::Error) -> PolicyError {
    let error = error.without_snippet();
    let location = error.location();
    let (message, help) = match &location {
        Some(location) => explain(
            error,
            &key_path_at(text, location.line(), location.column()),
            || scalar_at(text, location.line(), location.column()),
        ),
        None => explain(error, "", String::new),
    };
    PolicyError::Invalid {
        at: location
            .as_ref()
            .map_or_else(|| Place::file(file), |location| Place::at(file, location)),
        message,
        help,
    }
}

/// What is wrong and how to fix it, for an error at `key_path`; `value` quotes the scalar
/// there.
fn explain(
    error: &serde_saphyr::Error,
    key_path: &str,
    value: impl FnOnce() -> String,
) -> (String, String) {
    use serde_saphyr::Error as Yaml;
    // "in `tiers.ai`" or "at the top level", for keys; "for `tiers.ai.block_at`", for values.
    let inside = if key_path.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("in `{key_path}`")
    };
    let of_key = if key_path.is_empty() {
        String::new()
    } else {
        format!(" for `{key_path}`")
    };
    let see_docs = || "see docs/config.md for every key and its type".to_owned();
    let names = |expected: &[&str]| -> Vec<String> {
        expected.iter().map(|name| (*name).to_owned()).collect()
    };
    match error {
        Yaml::SerdeUnknownField {
            field, expected, ..
        } => (
            format!("unknown key `{field}` {inside}"),
            suggestion(field, &names(expected)),
        ),
        Yaml::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!("`{variant}` is not a valid value{of_key}"),
            suggestion(variant, &names(expected)),
        ),
        Yaml::DuplicateMappingKey { key, .. } => (
            match key {
                Some(key) => format!("`{key}` is set twice {inside}"),
                None => format!("a key is set twice {inside}"),
            },
            "a key may appear once in a mapping: keep one of the two and delete the other"
                .to_owned(),
        ),
        Yaml::InvalidScalar { ty, .. } => (
            format!("`{}` is not {}{of_key}", value(), describe_type(ty)),
            see_docs(),
        ),
        Yaml::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            format!(
                "expected {}{of_key}, found {unexpected}",
                describe_type(expected)
            ),
            see_docs(),
        ),
        Yaml::Unexpected { expected, .. } => (
            match *expected {
                "string scalar" | "scalar" | "value" => {
                    format!("expected a single value{of_key}, not a list or a mapping")
                }
                "sequence start" => format!("expected a list{of_key}"),
                "mapping start" => format!("expected a mapping of keys to values{of_key}"),
                _ => format!("this is not the kind of value expected{of_key}"),
            },
            see_docs(),
        ),
        other => explain_document(other).unwrap_or_else(|| {
            let raw = other.to_string();
            let key = if key_path.is_empty() {
                String::new()
            } else {
                format!(" in `{key_path}`")
            };
            (format!("{}{key}", strip_location_suffix(&raw)), see_docs())
        }),
    }
}

/// Errors about the file as a whole: several documents, over the YAML budget, bad syntax.
fn explain_document(error: &serde_saphyr::Error) -> Option<(String, String)> {
    use serde_saphyr::Error as Yaml;
    let too_large = "a configuration is a few hundred lines: check that this is the file you meant, and move long lists (ignore globs, package names) into the files made for them";
    Some(match error {
        Yaml::MultipleDocuments { .. } => (
            "the file holds more than one YAML document (a `---` line starts a second one)"
                .to_owned(),
            "a configuration is one document: delete the `---` line and merge the settings"
                .to_owned(),
        ),
        Yaml::Budget { breach, .. } => (budget_message(breach), too_large.to_owned()),
        Yaml::ExternalMessage { source, msg, .. } => match source.as_ref() {
            serde_saphyr::ExternalMessageSource::Parser(scan)
                if matches!(
                    scan.kind(),
                    serde_saphyr::granit_parser::ErrorKind::RecursionLimitExceeded
                ) =>
            {
                (
                    "the file nests values deeper than a configuration may".to_owned(),
                    too_large.to_owned(),
                )
            }
            // The YAML parser's own words describe a syntax error well enough.
            _ => (
                format!("invalid YAML: {}", strip_location_suffix(msg)),
                "check the indentation and quoting on this line".to_owned(),
            ),
        },
        _ => return None,
    })
}

/// What a YAML budget breach means for a configuration file.
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as Breach;
    match breach {
        Breach::Depth { depth } => {
            format!("the file nests values {depth} levels deep, more than a configuration may")
        }
        Breach::Aliases { .. }
        | Breach::Anchors { .. }
        | Breach::AliasAnchorRatio { .. }
        | Breach::MergeKeys { .. } => {
            "the file uses more YAML anchors, aliases or merge keys than a configuration may"
                .to_owned()
        }
        _ => "the file holds more values than a configuration may".to_owned(),
    }
}

/// A Rust type name as a person reads it: `u32` → "a whole number from 0 to 4294967295".
fn describe_type(ty: &str) -> String {
    match ty {
        "u8" => format!("a whole number from 0 to {}", u8::MAX),
        "u16" => format!("a whole number from 0 to {}", u16::MAX),
        "u32" => format!("a whole number from 0 to {}", u32::MAX),
        "u64" | "usize" => format!("a whole number from 0 to {}", u64::MAX),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "bool" | "boolean" | "a boolean" => "`true` or `false`".to_owned(),
        "char" => "a single character".to_owned(),
        "string" | "a string" => "text".to_owned(),
        other => other.to_owned(),
    }
}

/// The scalar starting at `line`:`column` (1-based), whitespace folded and cut to 40
/// characters, to quote it back.
fn scalar_at(text: &str, line: u64, column: u64) -> String {
    use serde_saphyr::granit_parser::{Event, Parser};
    let target = (line, column.saturating_sub(1));
    for next in Parser::new_from_str(text) {
        let Ok((event, span)) = next else { break };
        let start = (span.start.line() as u64, span.start.col() as u64);
        if start > target {
            break;
        }
        if let (Event::Scalar(value, ..), true) = (event, start == target) {
            let folded = value.split_whitespace().collect::<Vec<_>>().join(" ");
            return folded.chars().take(40).collect();
        }
    }
    String::new()
}

fn strip_location_suffix(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |index| &message[..index])
}

/// "did you mean `x`?" when a known name is close, and the full list.
pub(crate) fn suggestion(unknown: &str, expected: &[String]) -> String {
    let closest = expected
        .iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let list = expected.join(", ");
    match closest {
        Some((_, name)) => format!("did you mean `{name}`? expected one of: {list}"),
        None if expected.is_empty() => "see docs/config.md".to_owned(),
        None => format!("expected one of: {list}"),
    }
}

/// The dotted path of the mapping keys leading to the node at `line`:`column` (1-based),
/// e.g. `tiers.ai.block_at` for the value of `block_at` and `tiers.ai` for the key itself, in
/// block and flow style alike (the YAML is parsed; sequences add nothing to the path).
pub(crate) fn key_path_at(text: &str, line: u64, column: u64) -> String {
    use serde_saphyr::granit_parser::{Event, Parser};
    /// A mapping being read: its current key, and whether the next node is a key.
    struct Mapping {
        key: String,
        expecting_key: bool,
    }
    // `None` for a sequence.
    let mut open: Vec<Option<Mapping>> = Vec::new();
    let target = (line, column.saturating_sub(1));
    for next in Parser::new_from_str(text) {
        let Ok((event, span)) = next else { break };
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        if is_node && (span.start.line() as u64, span.start.col() as u64) >= target {
            break;
        }
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Some(mapping)) = open.last_mut() {
                    if mapping.expecting_key {
                        mapping.key = value.into_owned();
                    }
                    mapping.expecting_key = !mapping.expecting_key;
                }
            }
            Event::Alias(..) => {
                if let Some(Some(mapping)) = open.last_mut() {
                    mapping.expecting_key = !mapping.expecting_key;
                }
            }
            Event::MappingStart(..) => open.push(Some(Mapping {
                key: String::new(),
                expecting_key: true,
            })),
            Event::SequenceStart(..) => open.push(None),
            Event::MappingEnd | Event::SequenceEnd => {
                open.pop();
                // The closed collection was a key or a value of its parent.
                if let Some(Some(mapping)) = open.last_mut() {
                    mapping.expecting_key = !mapping.expecting_key;
                }
            }
            _ => {}
        }
    }
    let innermost = open.len().saturating_sub(1);
    open.iter()
        .enumerate()
        .filter_map(|(depth, frame)| {
            let mapping = frame.as_ref()?;
            // At a key of the innermost mapping, that key is not yet part of the path.
            (!(depth == innermost && mapping.expecting_key)).then(|| mapping.key.clone())
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_name_keys_and_values_in_block_and_flow_style() {
        let text = "version: 1\ntiers:\n  ai:\n    blok_at: low\nrules:\n  py.x: off\n";
        assert_eq!(key_path_at(text, 4, 5), "tiers.ai", "at a key");
        assert_eq!(key_path_at(text, 4, 14), "tiers.ai.blok_at", "at a value");
        assert_eq!(key_path_at(text, 6, 3), "rules");
        assert_eq!(key_path_at(text, 1, 1), "");
        let flow = "tiers: {ai: {block_at: extreme}}\nignore: [a, {b: c}]\n";
        assert_eq!(key_path_at(flow, 1, 14), "tiers.ai");
        assert_eq!(key_path_at(flow, 1, 24), "tiers.ai.block_at");
        assert_eq!(key_path_at(flow, 2, 17), "ignore.b");
    }

    #[test]
    fn close_names_are_suggested() {
        let expected = vec!["block_at".to_owned(), "baseline".to_owned()];
        assert!(suggestion("blok_at", &expected).starts_with("did you mean `block_at`?"));
        assert_eq!(
            suggestion("zzz", &expected),
            "expected one of: block_at, baseline"
        );
    }
}
