//! Secret rules: one YAML file each (`rules/secrets/<id>.yaml`), compiled once.

use std::path::Path;

use agate_model::{Confidence, MAX_PATTERN_BYTES, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::Regex;
use serde::Deserialize;

use crate::checks::Check;

/// Why a rule could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The file is not valid rule YAML or TOML.
    #[error("{path}: {message}")]
    Invalid {
        /// The rule file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file is not a regular file, or too large.
    #[error(transparent)]
    File(#[from] agate_fs::FsError),
}

/// A rule as written in YAML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rule id, equal to the file stem, e.g. `secret.aws-access-key-id`.
    pub id: String,
    /// What was found, e.g. `AWS access key ID`.
    pub title: String,
    /// How bad a leak is.
    pub severity: Severity,
    /// How sure a match is (default high).
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Lowercase words one of which must occur in the text for the regex to run; empty:
    /// always run.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The regex; the secret is capture group `secret_group`.
    pub regex: String,
    /// Which group holds the secret (default: 1 when the regex has groups, else 0).
    #[serde(default)]
    pub secret_group: Option<usize>,
    /// Minimum Shannon entropy of the secret, in bits per character.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// A check run on each candidate.
    #[serde(default)]
    pub check: Check,
    /// Words one of which must occur (case-insensitive) on the candidate's line or the two
    /// lines above it; empty: no such condition.
    #[serde(default)]
    pub context: Vec<String>,
    /// Candidates this rule never reports.
    #[serde(default)]
    pub allowlist: AllowlistFile,
    /// A catch-all rule: a more specific rule's match on the same text wins.
    #[serde(default)]
    pub generic: bool,
    /// A pattern typical of AI-written code (its findings go to the AI anti-pattern gate).
    #[serde(default)]
    pub ai_pattern: bool,
    /// CWE identifiers.
    #[serde(default)]
    pub cwe: Vec<String>,
    /// OWASP Top 10 categories.
    #[serde(default)]
    pub owasp: Vec<String>,
    /// Compliance requirements, e.g. `PCI-DSS-4 3.5.1`.
    #[serde(default)]
    pub compliance: Vec<String>,
    /// Markdown: why it matters, how to fix it, references.
    #[serde(default)]
    pub note: String,
    /// The shape of a fake secret, as a regex, from which tests generate samples.
    #[serde(default)]
    pub fake: Option<String>,
    /// Lines that must and must not match; `{secret}` stands for a generated fake.
    #[serde(default)]
    pub examples: Examples,
}

/// Allowlist settings, per rule or global.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistFile {
    /// A secret matching one of these regexes is not reported.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// A secret containing one of these words (case-insensitive) is not reported.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Files matching one of these globs are not scanned by the rule.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// True and false samples.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Text in which the rule must find a secret.
    #[serde(default, rename = "match")]
    pub matching: Vec<String>,
    /// Text in which it must not.
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// Refuses a pattern longer than [`MAX_PATTERN_BYTES`] before anything parses it: parsing
/// and compiling take memory many times a pattern's length. `what` names the pattern,
/// `kind` says what patterns are (`regexes`, `globs`).
pub(crate) fn check_length(pattern: &str, what: &str, kind: &str) -> Result<(), String> {
    if pattern.len() <= MAX_PATTERN_BYTES {
        return Ok(());
    }
    Err(format!(
        "{what} is {} bytes long; {kind} are limited to {} bytes (4 KiB)",
        pattern.len(),
        MAX_PATTERN_BYTES
    ))
}

/// What an allowlist regex is tested against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Target {
    /// The secret (the capture group).
    #[default]
    Secret,
    /// The whole regex match.
    Match,
    /// The line the match starts on.
    Line,
}

/// A compiled allowlist.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    regexes: Vec<(regex::Regex, Target)>,
    stopwords: Vec<String>,
    paths: Vec<GlobSet>,
    path_regexes: Vec<regex::Regex>,
}

impl Allowlist {
    /// Compiles an allowlist; `origin` names it in errors.
    pub fn compile(file: &AllowlistFile, origin: &str) -> Result<Allowlist, RuleError> {
        let invalid = |message: String| RuleError::Invalid {
            path: origin.to_owned(),
            message,
        };
        let regexes = file
            .regexes
            .iter()
            .enumerate()
            .map(|(index, pattern)| {
                check_length(
                    pattern,
                    &format!("allowlist regex {}", index + 1),
                    "regexes",
                )
                .map_err(invalid)?;
                regex::Regex::new(pattern)
                    .map(|regex| (regex, Target::Secret))
                    .map_err(|error| invalid(format!("allowlist regex `{pattern}`: {error}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut paths = Vec::new();
        if !file.paths.is_empty() {
            let mut builder = GlobSetBuilder::new();
            for (index, pattern) in file.paths.iter().enumerate() {
                check_length(pattern, &format!("allowlist path {}", index + 1), "globs")
                    .map_err(invalid)?;
                builder
                    .add(Glob::new(pattern).map_err(|error| {
                        invalid(format!("allowlist path `{pattern}`: {error}"))
                    })?);
            }
            paths.push(
                builder
                    .build()
                    .map_err(|error| invalid(format!("allowlist paths: {error}")))?,
            );
        }
        Ok(Allowlist {
            regexes,
            stopwords: file
                .stopwords
                .iter()
                .map(|word| word.to_ascii_lowercase())
                .collect(),
            paths,
            path_regexes: Vec::new(),
        })
    }

    /// Adds regexes tested against `target`.
    pub(crate) fn add_regexes(&mut self, regexes: Vec<regex::Regex>, target: Target) {
        self.regexes
            .extend(regexes.into_iter().map(|regex| (regex, target)));
    }

    /// Adds regexes over file paths (gitleaks's `paths`).
    pub(crate) fn add_path_regexes(&mut self, regexes: Vec<regex::Regex>) {
        self.path_regexes.extend(regexes);
    }

    /// Adds another allowlist's entries.
    pub fn extend(&mut self, other: Allowlist) {
        self.regexes.extend(other.regexes);
        self.stopwords.extend(other.stopwords);
        self.paths.extend(other.paths);
        self.path_regexes.extend(other.path_regexes);
    }

    /// Whether a candidate is allowed (not reported): its secret, the whole match and the
    /// line it is on.
    pub(crate) fn allows(&self, secret: &str, matched: &str, line: &str) -> bool {
        let lower = secret.to_ascii_lowercase();
        self.stopwords
            .iter()
            .any(|word| lower.contains(word.as_str()))
            || self.regexes.iter().any(|(regex, target)| {
                regex.is_match(match target {
                    Target::Secret => secret,
                    Target::Match => matched,
                    Target::Line => line,
                })
            })
    }

    /// Whether files at `path` are skipped.
    pub(crate) fn allows_path(&self, path: &str) -> bool {
        self.paths.iter().any(|paths| paths.is_match(path))
            || self.path_regexes.iter().any(|regex| regex.is_match(path))
    }
}

/// A compiled secret rule.
#[derive(Debug, Clone)]
pub struct SecretRule {
    pub(crate) file: RuleFile,
    pub(crate) regex: Regex,
    pub(crate) group: usize,
    pub(crate) allowlist: Allowlist,
    /// Only files whose path matches are scanned (gitleaks's rule `path`).
    pub(crate) only_paths: Option<regex::Regex>,
}

impl SecretRule {
    /// Compiles a rule; `origin` names the file in errors.
    pub fn compile(file: RuleFile, origin: &str) -> Result<SecretRule, RuleError> {
        let invalid = |message: String| RuleError::Invalid {
            path: origin.to_owned(),
            message,
        };
        check_length(
            &file.regex,
            &format!("rule `{}`: the regex", file.id),
            "regexes",
        )
        .map_err(invalid)?;
        // Secrets are ASCII: byte-oriented classes and word boundaries keep the regex on
        // the fast DFA engines. A pattern that needs Unicode (a gitleaks `\p{L}`) gets it.
        let build = |unicode: bool| {
            regex::bytes::RegexBuilder::new(&file.regex)
                .unicode(unicode)
                .size_limit(8 * 1024 * 1024)
                .build()
        };
        let regex = build(false)
            .or_else(|_| build(true))
            .map_err(|error| invalid(format!("rule `{}`: invalid regex: {error}", file.id)))?;
        let groups = regex.captures_len() - 1;
        let group = file.secret_group.unwrap_or(usize::from(groups > 0));
        if group > groups {
            return Err(invalid(format!(
                "rule `{}`: secret_group {group} but the regex has {groups} groups",
                file.id
            )));
        }
        if file
            .keywords
            .iter()
            .any(|keyword| keyword.trim().is_empty())
        {
            return Err(invalid(format!("rule `{}`: an empty keyword", file.id)));
        }
        if let Some(bad) = file
            .compliance
            .iter()
            .find(|requirement| agate_model::split_compliance(requirement).is_none())
        {
            return Err(invalid(format!(
                "rule `{}`: compliance requirement `{bad}` is not the standard, a space and the requirement; write e.g. `PCI-DSS-4 3.4.1`",
                file.id
            )));
        }
        let allowlist = Allowlist::compile(&file.allowlist, origin)?;
        Ok(SecretRule {
            file,
            regex,
            group,
            allowlist,
            only_paths: None,
        })
    }

    /// Parses and compiles a rule from YAML.
    pub fn from_yaml(text: &str, origin: &str) -> Result<SecretRule, RuleError> {
        let file: RuleFile = serde_saphyr::from_str(text).map_err(|error| RuleError::Invalid {
            path: origin.to_owned(),
            message: error.to_string(),
        })?;
        let stem = Path::new(origin)
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        let yaml = Path::new(origin)
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("yaml"));
        if yaml && stem != file.id {
            return Err(RuleError::Invalid {
                path: origin.to_owned(),
                message: format!("rule id `{}` differs from the file name `{stem}`", file.id),
            });
        }
        SecretRule::compile(file, origin)
    }

    /// The rule id.
    pub fn id(&self) -> &str {
        &self.file.id
    }

    /// The rule as written.
    pub fn file(&self) -> &RuleFile {
        &self.file
    }
}
