use std::sync::OnceLock;

use agate_lang::Language;
use agate_model::{RuleDescriptor, Text, split_compliance};
use ast_grep_config::{GlobalRules, RuleConfig, SerializableRuleConfig};
use ast_grep_core::Matcher;
use regex::Regex;

use agate_taint::{CompiledEntry, TaintSpec};
use serde::Deserialize;

use crate::{RuleError, RuleMetadata};

/// A loaded rule: its text fields, agate metadata, and what it matches with in each
/// language it runs on.
pub struct Rule {
    /// Shared by every finding of the rule.
    id: Text,
    language: Language,
    message: String,
    note: String,
    metadata: RuleMetadata,
    source: String,
    kind: Kind,
    fixtures: Vec<Fixture>,
}

/// What a rule matches with. Each form is compiled for each target language at load
/// ([`Compile::Now`]) or when a scan first meets a file of that language
/// ([`Compile::Later`]); `None` where the rule does not apply (a JavaScript rule naming JSX
/// kinds, in plain TypeScript).
enum Kind {
    /// An ast-grep rule: a match is a finding.
    Pattern {
        config: Box<SerializableRuleConfig<Language>>,
        compiled: Vec<(Language, OnceLock<Option<RuleConfig<Language>>>)>,
    },
    /// `mode: taint`: a finding is a value from a source that reaches a sink.
    Taint {
        spec: Box<TaintSpec>,
        /// Words of which a file must contain one for a source to match there (from the
        /// models); `None` when a source can match anywhere.
        source_keywords: Option<Vec<String>>,
        compiled: Vec<(Language, OnceLock<Option<Vec<CompiledEntry>>>)>,
    },
}

/// Which form a rule file has: only `mode` is read.
#[derive(Deserialize)]
struct Mode {
    mode: Option<String>,
}

/// A `mode: taint` rule file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaintRuleFile {
    id: String,
    language: Language,
    #[allow(dead_code, reason = "read by `Mode`; listed so that serde accepts it")]
    mode: String,
    #[serde(default)]
    message: String,
    note: Option<String>,
    metadata: Option<serde_json::Value>,
    sources: Vec<agate_taint::Entry>,
    sinks: Vec<agate_taint::Entry>,
    #[serde(default)]
    sanitizers: Vec<agate_taint::Entry>,
    #[serde(default)]
    propagators: Vec<agate_taint::Entry>,
    #[serde(default, rename = "numbers-carry-data")]
    numbers_carry_data: bool,
    #[serde(default, rename = "untrusted-parameters")]
    untrusted_parameters: agate_taint::UntrustedParameters,
}

/// When a rule's matchers are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compile {
    /// At load, for every target language, so that a broken rule fails every run.
    Now,
    /// When first needed: for the bundled rules, which their tests compile for every target.
    /// A scan of a JavaScript repository does not build the Python and Java matchers.
    Later,
}

/// A fixture file beside a rule: annotated code the rule is tested on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fixture {
    /// Where it came from, for messages.
    pub(crate) path: String,
    /// Its language, from its extension.
    pub(crate) language: Language,
    /// Its text.
    pub(crate) text: String,
}

impl Rule {
    /// Parses and compiles one rule file. `path` is used in messages; its file stem must be
    /// the rule id.
    pub(crate) fn parse(
        path: &str,
        yaml: &str,
        fixtures: Vec<(String, String)>,
        compile: Compile,
    ) -> Result<Rule, RuleError> {
        let Form {
            id,
            language,
            message,
            note,
            metadata: metadata_value,
            kind,
        } = read_form(path, yaml)?;
        let invalid = |message: String| RuleError::Invalid {
            path: path.to_owned(),
            id: id.clone(),
            message,
        };
        let stem = file_stem(path);
        if id != stem {
            return Err(invalid(format!(
                "the id must equal the file name without `.yaml`; rename the file to `{id}.yaml` or the id to `{stem}`"
            )));
        }
        if !is_valid_id(&id) {
            return Err(invalid(
                "ids are `<language>.<what-is-flagged>` in lowercase kebab case, e.g. `py.broad-except`"
                    .to_owned(),
            ));
        }
        if message.trim().is_empty() {
            return Err(invalid(
                "`message` is required: one line saying what is wrong".to_owned(),
            ));
        }
        if metadata_value.is_null() {
            return Err(invalid(
                "`metadata` with at least `severity` and `confidence` is required".to_owned(),
            ));
        }
        let metadata: RuleMetadata = serde_json::from_value(metadata_value)
            .map_err(|error| invalid(format!("in `metadata`: {error}")))?;
        check_metadata(&metadata).map_err(invalid)?;
        let fix = match &kind {
            Kind::Pattern { config, .. } => serde_json::to_value(&config.fix).ok(),
            Kind::Taint { .. } => None,
        };
        crate::fix::check_rule_fix(fix.as_ref(), &metadata).map_err(invalid)?;

        let fixtures = fixtures
            .into_iter()
            .filter_map(|(path, text)| {
                Language::from_path(&path).map(|language| Fixture {
                    path,
                    language,
                    text,
                })
            })
            .collect();
        let rule = Rule {
            id: id.into(),
            language,
            message: message.trim().to_owned(),
            note: note.unwrap_or_default().trim().to_owned(),
            metadata,
            source: path.to_owned(),
            kind,
            fixtures,
        };
        if compile == Compile::Now {
            match &rule.kind {
                Kind::Pattern { compiled, .. } => {
                    for (target, slot) in compiled {
                        let _ = slot.set(rule.compile(*target)?);
                    }
                }
                Kind::Taint { compiled, .. } => {
                    for (target, slot) in compiled {
                        let _ = slot.set(rule.compile_taint(*target)?);
                    }
                }
            }
        }
        Ok(rule)
    }

    /// Compiles a taint rule's entries for `target`: `None` where a JavaScript rule's
    /// entries do not exist (JSX kinds in plain TypeScript); an error in the rule's own
    /// language.
    fn compile_taint(&self, target: Language) -> Result<Option<Vec<CompiledEntry>>, RuleError> {
        let Kind::Taint { spec, .. } = &self.kind else {
            return Ok(None);
        };
        match spec.compile(target) {
            Ok(entries) => Ok(Some(entries)),
            Err(_) if target != self.language => Ok(None),
            Err(message) => Err(RuleError::Compile {
                path: self.source.clone(),
                id: self.id.as_str().to_owned(),
                language: target.name().to_owned(),
                message,
            }),
        }
    }

    /// Compiles the matcher for `target`: `None` where a JavaScript rule's node kinds do not
    /// exist (JSX kinds in plain TypeScript); an error in the rule's own language.
    fn compile(&self, target: Language) -> Result<Option<RuleConfig<Language>>, RuleError> {
        let Kind::Pattern { config, .. } = &self.kind else {
            return Ok(None);
        };
        let mut copy = config.as_ref().clone();
        copy.language = target;
        let rule = match RuleConfig::try_from(copy, &GlobalRules::default()) {
            Ok(rule) => rule,
            Err(_) if target != self.language => return Ok(None),
            Err(error) => {
                return Err(RuleError::Compile {
                    path: self.source.clone(),
                    id: self.id.as_str().to_owned(),
                    language: target.name().to_owned(),
                    message: error_chain(&error),
                });
            }
        };
        if rule.matcher.potential_kinds().is_none() {
            return Err(RuleError::Invalid {
                path: self.source.clone(),
                id: self.id.as_str().to_owned(),
                message:
                    "the rule can match any node kind; add `kind:` or a `pattern:` to its `rule`"
                        .to_owned(),
            });
        }
        Ok(Some(rule))
    }

    /// Returns the rule id, e.g. `py.broad-except`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Returns the rule id as the findings carry it (one allocation for all of them).
    pub(crate) fn shared_id(&self) -> &Text {
        &self.id
    }

    /// Returns the language the rule was written for.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Returns the one-line message (may contain `$METAVARIABLES`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the markdown note: why it matters, how to fix, references.
    pub fn note(&self) -> &str {
        &self.note
    }

    /// Returns agate's metadata.
    pub fn metadata(&self) -> &RuleMetadata {
        &self.metadata
    }

    /// Returns where the rule was loaded from (`bundled:python/…` or a file path).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Returns the descriptor reports carry for this rule.
    pub fn descriptor(&self) -> RuleDescriptor {
        RuleDescriptor {
            id: self.id.as_str().to_owned(),
            language: self.language.name().to_owned(),
            summary: self.message.clone(),
            help: self.note.clone(),
            severity: self.metadata.severity,
            confidence: self.metadata.confidence,
            cwe: self.metadata.cwe.clone(),
            owasp: self.metadata.owasp.clone(),
            compliance: self.metadata.compliance.clone(),
            ai_pattern: self.metadata.ai_pattern,
        }
    }

    /// The languages the rule runs on.
    pub(crate) fn targets(&self) -> impl Iterator<Item = Language> + '_ {
        self.language.rule_targets().iter().copied()
    }

    /// A taint rule's source keywords: a file must contain one of them (and one of the
    /// rule's `keywords`) for the rule to run there. Empty for pattern rules and for taint
    /// rules whose sources can match anywhere.
    pub(crate) fn source_keywords(&self) -> &[String] {
        match &self.kind {
            Kind::Taint {
                source_keywords: Some(words),
                ..
            } => words,
            _ => &[],
        }
    }

    /// Whether the rule is a `mode: taint` rule.
    pub fn is_taint(&self) -> bool {
        matches!(self.kind, Kind::Taint { .. })
    }

    /// The pattern matcher for `language`, compiled on first use; `None` when the rule does
    /// not run there or is a taint rule. A rule loaded with [`Compile::Later`] that fails to
    /// compile (the bundled rules' tests rule that out) does not run.
    pub(crate) fn matcher(&self, language: Language) -> Option<&RuleConfig<Language>> {
        let Kind::Pattern { compiled, .. } = &self.kind else {
            return None;
        };
        let (_, slot) = compiled.iter().find(|(target, _)| *target == language)?;
        slot.get_or_init(|| self.compile(language).ok().flatten())
            .as_ref()
    }

    /// Whether the rule compiles for `language` (either form).
    #[cfg(test)]
    pub(crate) fn runs_on(&self, language: Language) -> bool {
        self.matcher(language).is_some() || self.taint_entries(language).is_some()
    }

    /// A taint rule's entries for `language`, compiled on first use; `None` when the rule
    /// does not run there or is a pattern rule.
    pub(crate) fn taint_entries(&self, language: Language) -> Option<&[CompiledEntry]> {
        let Kind::Taint { compiled, .. } = &self.kind else {
            return None;
        };
        let (_, slot) = compiled.iter().find(|(target, _)| *target == language)?;
        slot.get_or_init(|| self.compile_taint(language).ok().flatten())
            .as_deref()
    }

    pub(crate) fn fixtures(&self) -> &[Fixture] {
        &self.fixtures
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("language", &self.language)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// What a rule file says, before the checks every rule goes through.
struct Form {
    id: String,
    language: Language,
    message: String,
    note: Option<String>,
    metadata: serde_json::Value,
    kind: Kind,
}

/// Reads a rule file as a pattern rule or, with `mode: taint`, a taint rule.
fn read_form(path: &str, yaml: &str) -> Result<Form, RuleError> {
    let mode: Mode = ast_grep_config::from_str(yaml).map_err(|error| yaml_error(path, &error))?;
    let form = match mode.mode.as_deref() {
        None => {
            let config: SerializableRuleConfig<Language> =
                ast_grep_config::from_str(yaml).map_err(|error| yaml_error(path, &error))?;
            if config.files.is_some() || config.ignores.is_some() {
                return Err(RuleError::Invalid {
                    path: path.to_owned(),
                    id: config.id.clone(),
                    message:
                        "`files` and `ignores` are not supported; exclude paths with `.agateignore`"
                            .to_owned(),
                });
            }
            let metadata =
                serde_json::to_value(&config.metadata).map_err(|error| RuleError::Invalid {
                    path: path.to_owned(),
                    id: config.id.clone(),
                    message: format!("unreadable `metadata`: {error}"),
                })?;
            let compiled = unset_slots(config.language);
            Form {
                id: config.id.clone(),
                language: config.language,
                message: config.message.clone(),
                note: config.note.clone(),
                metadata,
                kind: Kind::Pattern {
                    config: Box::new(config),
                    compiled,
                },
            }
        }
        Some("taint") => {
            let file: TaintRuleFile =
                ast_grep_config::from_str(yaml).map_err(|error| yaml_error(path, &error))?;
            let compiled = unset_slots(file.language);
            Form {
                id: file.id,
                language: file.language,
                message: file.message,
                note: file.note,
                metadata: file.metadata.unwrap_or(serde_json::Value::Null),
                kind: {
                    let spec = TaintSpec {
                        sources: file.sources,
                        sinks: file.sinks,
                        sanitizers: file.sanitizers,
                        propagators: file.propagators,
                        numbers_carry_data: file.numbers_carry_data,
                        untrusted_parameters: file.untrusted_parameters,
                    };
                    Kind::Taint {
                        source_keywords: spec.source_keywords(file.language),
                        spec: Box::new(spec),
                        compiled,
                    }
                },
            }
        }
        Some(other) => {
            return Err(RuleError::Yaml {
                path: path.to_owned(),
                message: format!(
                    "unknown `mode: {other}`; a rule is a pattern rule (no `mode`) or `mode: taint`"
                ),
            });
        }
    };
    Ok(form)
}

/// One slot per language `language`'s rules run on, compiled when first needed.
fn unset_slots<T>(language: Language) -> Vec<(Language, OnceLock<T>)> {
    language
        .rule_targets()
        .iter()
        .map(|&target| (target, OnceLock::new()))
        .collect()
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name)
}

fn is_valid_id(id: &str) -> bool {
    static PATTERN: std::sync::LazyLock<Option<Regex>> =
        std::sync::LazyLock::new(|| Regex::new(r"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$").ok());
    PATTERN.as_ref().is_some_and(|pattern| pattern.is_match(id))
}

/// Checks what serde cannot: security rules name a CWE, CWE ids and compliance requirements
/// are well formed.
fn check_metadata(metadata: &RuleMetadata) -> Result<(), String> {
    if !metadata.ai_pattern && metadata.cwe.is_empty() {
        return Err("security rules need `metadata.cwe` (e.g. `cwe: [CWE-78]`)".to_owned());
    }
    if let Some(bad) = metadata.cwe.iter().find(|cwe| !is_cwe(cwe)) {
        return Err(format!("`{bad}` is not a CWE id; write `CWE-<number>`"));
    }
    if let Some(bad) = metadata
        .compliance
        .iter()
        .find(|requirement| split_compliance(requirement).is_none())
    {
        return Err(format!(
            "compliance requirement `{bad}` is not the standard, a space and the requirement; write e.g. `PCI-DSS-4 6.2.4`"
        ));
    }
    Ok(())
}

fn is_cwe(cwe: &str) -> bool {
    cwe.strip_prefix("CWE-")
        .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A YAML error as `path:line:column: what is wrong`, without the parser's own `error:`
/// prefix, position words or source excerpt (agate prints its own `error:`).
fn yaml_error(path: &str, error: &serde_saphyr::Error) -> RuleError {
    let plain = error.without_snippet();
    let text = plain.to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    // `line 3 column 11: …`: the position moves into the path.
    let message = match text.split_once(": ") {
        Some((position, rest)) if position.starts_with("line ") => rest,
        _ => text,
    };
    // `… at line 3, column 11`: likewise.
    let message = match message.rsplit_once(" at line ") {
        Some((message, position))
            if position.contains(", column ")
                && position.chars().all(|character| {
                    character.is_ascii_digit() || ", column".contains(character)
                }) =>
        {
            message
        }
        _ => message,
    };
    // The parser's advice names its own options; agate's is to remove the repeat.
    let duplicate = message
        .strip_prefix("duplicate mapping key: ")
        .and_then(|rest| rest.split_once(", set DuplicateKeyPolicy"))
        .map(|(key, _)| format!("`{key}` is set twice in one mapping; keep one"));
    let message = duplicate.as_deref().unwrap_or(message);
    let place = plain.location().map_or_else(
        || path.to_owned(),
        |location| format!("{path}:{}:{}", location.line(), location.column()),
    );
    RuleError::Yaml {
        path: place,
        message: message.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(rule: &Rule) -> usize {
        rule.targets()
            .filter(|&target| rule.matcher(target).is_some())
            .count()
    }

    const RULE: &str = r"
id: py.demo-eval
language: python
message: eval of data
rule:
  pattern: eval($X)
metadata:
  severity: high
  confidence: high
  cwe: [CWE-95]
";

    #[test]
    fn parses_a_rule_with_agate_metadata() {
        let rule = Rule::parse("python/py.demo-eval.yaml", RULE, vec![], Compile::Now).unwrap();
        assert_eq!(rule.id(), "py.demo-eval");
        assert_eq!(rule.metadata().cwe, ["CWE-95"]);
        assert_eq!(compiled(&rule), 1);
    }

    #[test]
    fn javascript_rules_compile_for_typescript_and_tsx() {
        let yaml = RULE
            .replace("py.demo-eval", "js.demo-eval")
            .replace("python", "javascript");
        let rule = Rule::parse("js.demo-eval.yaml", &yaml, vec![], Compile::Now).unwrap();
        assert_eq!(compiled(&rule), 3);
    }

    #[test]
    fn id_must_match_file_name() {
        let error = Rule::parse("python/other.yaml", RULE, vec![], Compile::Now).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("rename the file to `py.demo-eval.yaml`"),
            "{error}"
        );
    }

    #[test]
    fn security_rules_need_a_cwe() {
        let yaml = RULE.replace("  cwe: [CWE-95]\n", "");
        let error = Rule::parse("py.demo-eval.yaml", &yaml, vec![], Compile::Now).unwrap_err();
        assert!(error.to_string().contains("need `metadata.cwe`"), "{error}");
    }

    #[test]
    fn issue_8_compliance_reaches_the_descriptor_in_one_form() {
        let yaml = RULE.replace(
            "  cwe: [CWE-95]\n",
            "  cwe: [CWE-95]\n  compliance: [\"PCI-DSS-4 6.2.4\"]\n",
        );
        let rule = Rule::parse("py.demo-eval.yaml", &yaml, vec![], Compile::Now).unwrap();
        assert_eq!(rule.descriptor().compliance, ["PCI-DSS-4 6.2.4"]);
        let yaml = RULE.replace(
            "  cwe: [CWE-95]\n",
            "  cwe: [CWE-95]\n  compliance: [\"pci-dss-4:6.2.4\"]\n",
        );
        let error = Rule::parse("py.demo-eval.yaml", &yaml, vec![], Compile::Now).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("compliance requirement `pci-dss-4:6.2.4` is not the standard"),
            "{error}"
        );
    }

    #[test]
    fn unknown_metadata_keys_are_rejected() {
        let yaml = RULE.replace("confidence: high", "confidence: high\n  severty: low");
        let error = Rule::parse("py.demo-eval.yaml", &yaml, vec![], Compile::Now).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `severty`"),
            "{error}"
        );
    }

    const TAINT: &str = r"
id: py.demo-sql
language: python
mode: taint
message: request data reaches SQL
sources:
  - model: flask
sinks:
  - pattern: $C.execute($Q)
    focus: Q
metadata:
  severity: high
  confidence: high
  cwe: [CWE-89]
";

    #[test]
    fn issue_9_taint_rules_load_beside_pattern_rules() {
        let rule = Rule::parse("py.demo-sql.yaml", TAINT, vec![], Compile::Now).unwrap();
        assert!(rule.is_taint());
        assert!(rule.matcher(Language::Python).is_none());
        assert!(
            rule.taint_entries(Language::Python)
                .is_some_and(|entries| entries.len() > 10)
        );
    }

    #[test]
    fn issue_9_taint_rule_mistakes_name_the_entry_and_the_fix() {
        let error = |yaml: &str| {
            Rule::parse("py.demo-sql.yaml", yaml, vec![], Compile::Now)
                .unwrap_err()
                .to_string()
        };
        assert!(
            error(&TAINT.replace("mode: taint", "mode: flow")).contains("unknown `mode: flow`")
        );
        assert!(
            error(&TAINT.replace("focus: Q", "focus: QUERY"))
                .contains("in `sinks` entry 1: `QUERY` is not a metavariable of the entry")
        );
        assert!(
            error(&TAINT.replace("model: flask", "model: bottle"))
                .contains("no model `bottle` for python; the models are:")
        );
        assert!(
            error(&TAINT.replace("    focus: Q", "    guards: Q"))
                .contains("only allowed in `sanitizers`")
        );
        let no_sinks = TAINT.replace(
            "sinks:\n  - pattern: $C.execute($Q)\n    focus: Q\n",
            "sinks: []\n",
        );
        assert!(error(&no_sinks).contains("at least one entry in `sources` and in `sinks`"));
        assert!(
            error(&TAINT.replace("metadata:", "sanitisers: []\nmetadata:"))
                .contains("unknown field `sanitisers`")
        );
    }

    #[test]
    fn unknown_languages_and_bad_yaml_are_errors_not_panics() {
        let ruby = RULE.replace("language: python", "language: ruby");
        assert!(Rule::parse("py.demo-eval.yaml", &ruby, vec![], Compile::Now).is_err());
        assert!(Rule::parse("py.demo-eval.yaml", "id: [unclosed", vec![], Compile::Now).is_err());
    }
}
