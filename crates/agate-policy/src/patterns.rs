//! Bounds on the globs and regular expressions a configuration holds.
//!
//! Parsing and compiling a pattern takes memory many times its length: one 52 MB `ignore`
//! glob took 4 GB. Every glob and regex of `agate.yaml` (and of `--ai-paths`) is checked
//! against [`MAX_PATTERN_BYTES`] and every list against [`MAX_PATTERNS`] before anything
//! compiles it; the error names the file, the key and the limit.

use agate_model::MAX_PATTERN_BYTES;
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::{Place, PolicyError};

/// The most patterns one list of a configuration file may hold (`ignore`, `ai_paths`, a
/// rule's `include`, …).
pub const MAX_PATTERNS: usize = 1_000;

/// What a pattern is, for messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Glob,
    Regex,
    Word,
}

impl Kind {
    fn plural(self) -> &'static str {
        match self {
            Kind::Glob => "globs",
            Kind::Regex => "regexes",
            Kind::Word => "words",
        }
    }
}

/// Checks a list's length and each pattern's size. `key` names the list as written
/// (`ignore`, `rules.py.eval.include`); a pattern is named `key[index]`.
pub(crate) fn check_list<'a>(
    at: &Place,
    key: &str,
    kind: Kind,
    patterns: impl ExactSizeIterator<Item = &'a str>,
) -> Result<(), PolicyError> {
    if patterns.len() > MAX_PATTERNS {
        return Err(PolicyError::Invalid {
            at: at.clone(),
            message: format!(
                "`{key}` lists {} {}; at most {} are allowed",
                thousands(patterns.len()),
                kind.plural(),
                thousands(MAX_PATTERNS)
            ),
            help: "cover many paths with one glob (`vendor/**`, `**/*.gen.py`) instead of listing each".to_owned(),
        });
    }
    for (index, pattern) in patterns.enumerate() {
        check_one(at, &format!("{key}[{index}]"), kind, pattern)?;
    }
    Ok(())
}

/// Checks one pattern's size; `name` is its key (`provenance.ai_identities[0].pattern`).
pub(crate) fn check_one(
    at: &Place,
    name: &str,
    kind: Kind,
    pattern: &str,
) -> Result<(), PolicyError> {
    if pattern.len() <= MAX_PATTERN_BYTES {
        return Ok(());
    }
    Err(PolicyError::Invalid {
        at: at.clone(),
        message: format!(
            "`{name}` is {} long; {} are limited to {}",
            size(pattern.len()),
            kind.plural(),
            size(MAX_PATTERN_BYTES)
        ),
        help: "shorten it: a pattern this long is almost certainly a mistake (a pasted file?)"
            .to_owned(),
    })
}

/// Compiles globs that were checked (sizes and syntax) into one set; an empty list is no
/// set. A set the glob engine refuses (its compiled form over the engine's size limit) is
/// an error naming `key`, never a filter silently dropped.
pub(crate) fn glob_set(
    at: &Place,
    key: &str,
    patterns: &[String],
) -> Result<Option<GlobSet>, PolicyError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let invalid = |message: String| PolicyError::Invalid {
        at: at.clone(),
        message,
        help: "use fewer or simpler globs (`**` and alternatives `{a,b}` cost the most)".to_owned(),
    };
    let mut builder = GlobSetBuilder::new();
    for (index, pattern) in patterns.iter().enumerate() {
        let glob = Glob::new(pattern)
            .map_err(|error| invalid(format!("`{key}[{index}]` is not a valid glob: {error}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|error| invalid(format!("the globs of `{key}` cannot be compiled: {error}")))
}

/// `1234567` as `1,234,567`.
fn thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A byte count for people: `4 KiB`, `52.0 MB`, `4,097 bytes`.
fn size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{} bytes", thousands(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(52_000_026), "52,000,026");
        assert_eq!(size(4096), "4 KiB");
        assert_eq!(size(4097), "4,097 bytes");
        assert_eq!(size(52_000_026), "52.0 MB");
    }

    #[test]
    fn issue_7_long_patterns_and_long_lists_are_refused() {
        let at = Place::file("agate.yaml");
        let long = "a*".repeat(MAX_PATTERN_BYTES);
        let error = check_list(
            &at,
            "ignore",
            Kind::Glob,
            ["ok/**", long.as_str()].into_iter(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("agate.yaml: `ignore[1]` is 8 KiB long; globs are limited to 4 KiB"),
            "{error}"
        );
        let exact = "a".repeat(MAX_PATTERN_BYTES);
        assert!(check_one(&at, "x", Kind::Regex, &exact).is_ok());

        let many: Vec<String> = (0..=MAX_PATTERNS).map(|n| format!("f{n}.py")).collect();
        let error = check_list(&at, "ai_paths", Kind::Glob, many.iter().map(String::as_str))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`ai_paths` lists 1,001 globs; at most 1,000 are allowed"),
            "{error}"
        );
        assert!(
            check_list(
                &at,
                "ai_paths",
                Kind::Glob,
                many[1..].iter().map(String::as_str)
            )
            .is_ok()
        );
    }

    #[test]
    fn a_glob_set_the_engine_refuses_is_an_error_not_a_dropped_filter() {
        let at = Place::file("agate.yaml");
        assert!(glob_set(&at, "rules.x.include", &[]).unwrap().is_none());
        let set = glob_set(&at, "rules.x.include", &["src/**".to_owned()])
            .unwrap()
            .unwrap();
        assert!(set.is_match("src/a.py"));
        let error = glob_set(&at, "rules.x.include", &["a[".to_owned()])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`rules.x.include[0]` is not a valid glob"),
            "{error}"
        );
    }
}
