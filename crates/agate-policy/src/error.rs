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

/// Turns a YAML or shape error into [`PolicyError::Invalid`], with the key path and, for an
/// unknown key, the closest known one.
pub(crate) fn from_yaml(file: &str, text: &str, error: &serde_saphyr::Error) -> PolicyError {
    let location = error.location();
    let raw = error.without_snippet().to_string();
    let message = strip_location_suffix(&raw);
    let key_path = location
        .as_ref()
        .map(|location| key_path_at(text, location.line()))
        .unwrap_or_default();
    let at = location
        .as_ref()
        .map_or_else(|| Place::file(file), |location| Place::at(file, location));
    if let Some((unknown, expected)) = parse_unknown(message, "unknown field `") {
        let inside = if key_path.is_empty() {
            "the top level".to_owned()
        } else {
            format!("`{key_path}`")
        };
        return PolicyError::Invalid {
            at,
            message: format!("unknown key `{unknown}` in {inside}"),
            help: suggestion(&unknown, &expected),
        };
    }
    if let Some((unknown, expected)) = parse_unknown(message, "unknown variant `") {
        let key = if key_path.is_empty() {
            "this key".to_owned()
        } else {
            format!("`{key_path}`")
        };
        return PolicyError::Invalid {
            at,
            message: format!("`{unknown}` is not a valid value for {key}"),
            help: suggestion(&unknown, &expected),
        };
    }
    let key = if key_path.is_empty() {
        String::new()
    } else {
        format!(" in `{key_path}`")
    };
    PolicyError::Invalid {
        at,
        message: format!("{message}{key}"),
        help: "see docs/config.md for every key and its type".to_owned(),
    }
}

fn strip_location_suffix(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |index| &message[..index])
}

/// Parses serde's "unknown field `x`, expected one of a, b" (or "expected `a` or `b`").
fn parse_unknown(message: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(prefix)?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest
        .split_once("expected")
        .map(|(_, list)| {
            list.trim_start_matches(" one of")
                .split([',', ' '])
                .map(|word| word.trim_matches(|c: char| c == '`' || c.is_whitespace()))
                .filter(|word| !word.is_empty() && *word != "or")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Some((unknown.to_owned(), expected))
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

/// The dotted path of mapping keys enclosing `line` (1-based) in block-style YAML, e.g.
/// `tiers.ai` for a line inside `tiers:` → `ai:`.
pub(crate) fn key_path_at(text: &str, line: u64) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(index) = usize::try_from(line)
        .ok()
        .and_then(|line| line.checked_sub(1))
    else {
        return String::new();
    };
    let Some(current) = lines.get(index) else {
        return String::new();
    };
    let mut indent = indentation(current);
    let mut path = Vec::new();
    for candidate in lines[..index].iter().rev() {
        let trimmed = candidate.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let candidate_indent = indentation(candidate);
        if candidate_indent < indent {
            let key = trimmed.trim_start_matches("- ");
            if let Some((key, _)) = key.split_once(':') {
                path.push(key.trim().trim_matches(['"', '\'']).to_owned());
            }
            indent = candidate_indent;
            if indent == 0 {
                break;
            }
        }
    }
    path.reverse();
    path.join(".")
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_follow_indentation() {
        let text = "version: 1\ntiers:\n  ai:\n    blok_at: low\nrules:\n  py.x: off\n";
        assert_eq!(key_path_at(text, 4), "tiers.ai");
        assert_eq!(key_path_at(text, 6), "rules");
        assert_eq!(key_path_at(text, 1), "");
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
