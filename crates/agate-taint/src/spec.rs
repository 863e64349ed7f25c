//! The data-flow part of a `mode: taint` rule, as written in YAML, and its compiled form.

use std::collections::HashMap;

use agate_lang::Language;
use ast_grep_config::{DeserializeEnv, RuleCore, SerializableRule, SerializableRuleCore};
use ast_grep_core::Matcher;
use serde::Deserialize;

use crate::models;

/// What a taint rule says about data: where untrusted values come from (`sources`), where
/// they must not arrive (`sinks`), what makes them safe on the way (`sanitizers`) and what
/// carries them beyond the engine's own rules (`propagators`).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaintSpec {
    /// Expressions (or parameters) whose value is untrusted.
    pub sources: Vec<Entry>,
    /// Expressions an untrusted value must not reach.
    pub sinks: Vec<Entry>,
    /// Expressions whose value is clean, and conditions under which a value is clean.
    #[serde(default)]
    pub sanitizers: Vec<Entry>,
    /// Calls that move a value from one place to another (`$TO.add($FROM)`).
    #[serde(default)]
    pub propagators: Vec<Entry>,
    /// Numbers made from untrusted data stay untrusted: for rules about quantities (a
    /// token limit) or random numbers, where `int(x)` is no sanitizer.
    #[serde(default, rename = "numbers-carry-data")]
    pub numbers_carry_data: bool,
    /// Whether an entry point's parameters are untrusted (see [`UntrustedParameters`]).
    #[serde(default, rename = "untrusted-parameters")]
    pub untrusted_parameters: UntrustedParameters,
}

/// Whether the parameters of a function no code in the file calls (a library's entry point,
/// whose callers may pass anything) are untrusted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UntrustedParameters {
    /// No: only the rule's sources are.
    #[default]
    No,
    /// Once built into a string (`f"… {term}"`): passed through unchanged they are not —
    /// handing a query to a driver is an API's job.
    WhenBuilt,
    /// As they are: `eval(expression)` in `def calculate(expression)` runs whatever its
    /// caller passes.
    Always,
}

/// One source, sink, sanitizer or propagator: an ast-grep rule (`pattern:` or a whole
/// `rule:`) and what the engine does with its matches.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Entry {
    /// An ast-grep pattern, e.g. `request.args`.
    pub pattern: Option<String>,
    /// A whole ast-grep rule, for what a pattern cannot say.
    pub rule: Option<SerializableRule>,
    /// ast-grep constraints on the pattern's metavariables.
    pub constraints: Option<HashMap<String, SerializableRule>>,
    /// Sources and sanitizers: a model bundled with agate (e.g. `flask`, `stored-data`),
    /// standing for its list of entries.
    pub model: Option<String>,
    /// The metavariable whose node is the source or sink (default: the whole match).
    pub focus: Option<String>,
    /// Sanitizers only: the match is a condition under which the value of this
    /// metavariable's variable is clean (an allow-list check).
    pub guards: Option<String>,
    /// With `guards`: whether the variable is clean where the condition holds (default) or
    /// where it fails (`$X not in $ALLOWED`).
    #[serde(default = "yes")]
    pub holds: bool,
    /// Sanitizers only: the match normalises a path; it is not clean until a guard with
    /// `needs-normalized` checks it.
    #[serde(default)]
    pub normalizes: bool,
    /// With `guards`: the guard cleans only a value that was normalised first (a prefix check
    /// on a path that still holds `..` proves nothing).
    #[serde(default)]
    pub needs_normalized: bool,
    /// Propagators only: the metavariable the value comes from.
    pub from: Option<String>,
    /// Propagators only: the metavariable of the variable it goes to.
    pub to: Option<String>,
}

fn yes() -> bool {
    true
}

/// What an entry is to the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// An untrusted value.
    Source,
    /// Where an untrusted value must not arrive.
    Sink,
    /// A clean value, a normalised one, or a guard.
    Sanitizer,
    /// A move of a value between places.
    Propagator,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Source => "sources",
            Role::Sink => "sinks",
            Role::Sanitizer => "sanitizers",
            Role::Propagator => "propagators",
        }
    }
}

/// What the engine does with an entry's matches, beyond its role.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Effect {
    /// The match's value (or its focus) is the source, sink or clean value.
    Value,
    /// A sanitizer that normalises a path ([`Entry::normalizes`]).
    Normalizes,
    /// A sanitizer that is a condition ([`Entry::guards`]).
    Guard {
        /// The metavariable of the guarded variable.
        metavariable: String,
        /// See [`Entry::holds`].
        holds: bool,
        /// See [`Entry::needs_normalized`].
        needs_normalized: bool,
    },
    /// A propagator: the metavariables of where the data comes from and goes to.
    Moves {
        /// See [`Entry::from`].
        from: String,
        /// See [`Entry::to`].
        to: String,
    },
}

/// An entry checked and compiled for one language: the matcher and what its matches mean.
pub struct CompiledEntry {
    /// Which list it came from.
    pub role: Role,
    /// The compiled ast-grep rule.
    pub matcher: RuleCore,
    /// Identical entries of different rules share one matcher: this is the entry's rule and
    /// constraints as text, without what the engine does with its matches.
    pub key: String,
    /// See [`Entry::focus`].
    pub focus: Option<String>,
    /// What a match does.
    pub effect: Effect,
    /// See [`TaintSpec::numbers_carry_data`].
    pub numbers_carry_data: bool,
    /// See [`TaintSpec::untrusted_parameters`].
    pub untrusted_parameters: UntrustedParameters,
    /// What every match contains: for each group, one of its words (an identifier the
    /// pattern spells out is a group of one; a metavariable constrained by a regular
    /// expression gives the group of the literals its matches begin with). A file without
    /// some group cannot match, so the entry is not tried there.
    pub anchors: Vec<Vec<String>>,
    /// How many of the anchor groups, the first ones, every node the entry matches holds
    /// (the names its pattern spells out, the literals its constrained metavariables begin
    /// with; the others are the rest of its rule's): a node without one is not tried.
    pub node_groups: usize,
}

impl std::fmt::Debug for CompiledEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledEntry")
            .field("role", &self.role)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl TaintSpec {
    /// Words of which a file must contain one for any source of the rule to match there:
    /// `None` when some source can match anywhere (an inline pattern, a model without
    /// keywords, or `untrusted-parameters`).
    pub fn source_keywords(&self, language: Language) -> Option<Vec<String>> {
        if self.untrusted_parameters != UntrustedParameters::No {
            return None;
        }
        let mut words = Vec::new();
        for source in &self.sources {
            let model = models::model(language, source.model.as_deref()?).ok()?;
            if model.keywords.is_empty() {
                return None;
            }
            words.extend(model.keywords.iter().cloned());
        }
        words.sort();
        words.dedup();
        Some(words)
    }

    /// Checks the spec (models exist, attributes fit their list) and compiles every entry for
    /// `language`. Errors name the list and the entry's position.
    pub fn compile(&self, language: Language) -> Result<Vec<CompiledEntry>, String> {
        if self.sources.is_empty() || self.sinks.is_empty() {
            return Err("a taint rule needs at least one entry in `sources` and in `sinks`".into());
        }
        let mut compiled = Vec::new();
        let lists = [
            (Role::Source, &self.sources),
            (Role::Sink, &self.sinks),
            (Role::Sanitizer, &self.sanitizers),
            (Role::Propagator, &self.propagators),
        ];
        for (role, entries) in lists {
            for (index, entry) in entries.iter().enumerate() {
                let place = |message: String| {
                    format!("in `{}` entry {}: {message}", role.name(), index + 1)
                };
                check_entry(role, entry).map_err(place)?;
                if let Some(name) = &entry.model {
                    let model = models::model(language, name).map_err(place)?;
                    for modelled in &model.entries {
                        compiled.push(
                            compile_entry(role, modelled, language)
                                .map_err(|error| place(format!("in model `{name}`: {error}")))?,
                        );
                    }
                } else {
                    let mut entry = compile_entry(role, entry, language).map_err(place)?;
                    entry.numbers_carry_data = self.numbers_carry_data;
                    entry.untrusted_parameters = self.untrusted_parameters;
                    compiled.push(entry);
                }
            }
        }
        Ok(compiled)
    }
}

fn check_entry(role: Role, entry: &Entry) -> Result<(), String> {
    let forms = usize::from(entry.pattern.is_some())
        + usize::from(entry.rule.is_some())
        + usize::from(entry.model.is_some());
    if forms != 1 {
        return Err("give exactly one of `pattern`, `rule` or `model`".into());
    }
    if entry.model.is_some() && !matches!(role, Role::Source | Role::Sanitizer) {
        return Err(
            "`model` names sources or sanitizers; it is only allowed in those lists".into(),
        );
    }
    let sanitizer_only = entry.guards.is_some() || entry.normalizes || entry.needs_normalized;
    if sanitizer_only && role != Role::Sanitizer {
        return Err(
            "`guards`, `normalizes` and `needs-normalized` are only allowed in `sanitizers`".into(),
        );
    }
    if entry.needs_normalized && entry.guards.is_none() {
        return Err("`needs-normalized` qualifies a guard; add `guards: <metavariable>`".into());
    }
    if entry.guards.is_some() && entry.normalizes {
        return Err("an entry either `guards` a variable or `normalizes` a value, not both".into());
    }
    match (role, &entry.from, &entry.to) {
        (Role::Propagator, Some(_), Some(_)) => {}
        (Role::Propagator, _, _) => {
            return Err("a propagator names the metavariable the value comes `from` and the one it goes `to`".into());
        }
        (_, None, None) => {}
        _ => return Err("`from` and `to` are only allowed in `propagators`".into()),
    }
    if entry.focus.is_some() && !matches!(role, Role::Source | Role::Sink) {
        return Err("`focus` is only allowed in `sources` and `sinks`".into());
    }
    Ok(())
}

fn compile_entry(role: Role, entry: &Entry, language: Language) -> Result<CompiledEntry, String> {
    let matching = match (&entry.pattern, &entry.rule) {
        (Some(pattern), _) => {
            serde_json::from_value::<SerializableRule>(serde_json::json!({ "pattern": pattern }))
                .map_err(|error| error.to_string())?
        }
        (None, Some(written)) => written.clone(),
        (None, None) => return Err("give `pattern` or `rule`".into()),
    };
    let core = SerializableRuleCore {
        rule: matching,
        constraints: entry.constraints.clone(),
        utils: None,
        transform: None,
    };
    let key = serde_json::to_string(&(&core.rule, &core.constraints))
        .map_err(|error| error.to_string())?;
    let matcher = core
        .get_matcher(DeserializeEnv::new(language))
        .map_err(|error| error_chain(&error))?;
    if matcher.potential_kinds().is_none() {
        return Err("the entry can match any node kind; add `kind:` or use a `pattern:`".into());
    }
    let defined = matcher.defined_vars();
    let named = [&entry.focus, &entry.guards, &entry.from, &entry.to];
    for name in named.into_iter().flatten() {
        if !defined.contains(name.as_str()) {
            return Err(format!(
                "`{name}` is not a metavariable of the entry; write it without `$`, as it appears in the pattern (`$X` → `X`)"
            ));
        }
    }
    let effect = match (&entry.guards, &entry.from, &entry.to) {
        (Some(metavariable), _, _) => Effect::Guard {
            metavariable: metavariable.clone(),
            holds: entry.holds,
            needs_normalized: entry.needs_normalized,
        },
        (None, Some(from), Some(to)) => Effect::Moves {
            from: from.clone(),
            to: to.clone(),
        },
        _ if entry.normalizes => Effect::Normalizes,
        _ => Effect::Value,
    };
    let (node_groups, anchors) = entry_anchors(entry);
    Ok(CompiledEntry {
        role,
        matcher,
        key,
        focus: entry.focus.clone(),
        effect,
        numbers_carry_data: false,
        untrusted_parameters: UntrustedParameters::No,
        anchors,
        node_groups,
    })
}

/// An entry's anchor groups, those the file must contain, and how many of them (the first
/// ones) every node it matches contains: what its pattern or rule requires of the node itself
/// and of what is inside it (names, the literals of case-sensitive regular expressions and
/// of the constraints on its pattern's metavariables) comes first, then what it requires
/// around the node (`inside`, `precedes`, `follows`) or case-insensitively.
fn entry_anchors(entry: &Entry) -> (usize, Vec<Vec<String>>) {
    let constraints: Vec<serde_json::Value> = match entry
        .constraints
        .as_ref()
        .and_then(|constraints| serde_json::to_value(constraints).ok())
    {
        Some(serde_json::Value::Object(constraints)) => constraints.into_values().collect(),
        _ => Vec::new(),
    };
    let mut groups: Vec<Anchor> = Vec::new();
    if let Some(pattern) = entry.pattern.as_deref() {
        groups.extend(anchors(pattern).into_iter().map(|words| Anchor {
            words: vec![words],
            in_node: true,
        }));
    }
    if let Some(rule) = entry
        .rule
        .as_ref()
        .and_then(|rule| serde_json::to_value(rule).ok())
    {
        rule_anchors(&rule, true, &mut groups);
    }
    // A pattern's metavariables are inside the node; a rule's may be around it.
    let constrained_in_node = entry.pattern.is_some();
    for constraint in &constraints {
        rule_anchors(constraint, constrained_in_node, &mut groups);
    }
    // Stable: the node's groups first, each side in the order found.
    groups.sort_by_key(|group| !group.in_node);
    let node_groups = groups.iter().filter(|group| group.in_node).count();
    (
        node_groups,
        groups.into_iter().map(|group| group.words).collect(),
    )
}

/// Words of which one is in every match (or around it).
#[derive(Debug, PartialEq)]
struct Anchor {
    words: Vec<String>,
    /// In the matched node itself, as written (case-sensitive); else only in the file.
    in_node: bool,
}

/// Adds the anchor groups an ast-grep rule (as JSON) requires of any code it matches: its
/// pattern's names, its regular expressions' literals, those of the rules it requires
/// (`all`, `has`, `inside`, …), and for `any` one group of every branch's first group.
/// `in_node`: whether what the rule matches is the node (or inside it).
fn rule_anchors(rule: &serde_json::Value, in_node: bool, groups: &mut Vec<Anchor>) {
    let Some(fields) = rule.as_object() else {
        return;
    };
    if let Some(pattern) = fields.get("pattern").and_then(serde_json::Value::as_str) {
        groups.extend(anchors(pattern).into_iter().map(|word| Anchor {
            words: vec![word],
            in_node,
        }));
    }
    if let Some(regex) = fields.get("regex").and_then(serde_json::Value::as_str)
        && let Some(words) = regex_literals(regex)
    {
        groups.push(Anchor {
            words,
            in_node: in_node && !regex.contains("(?i"),
        });
    }
    if let Some(related) = fields.get("has") {
        rule_anchors(related, in_node, groups);
    }
    for relation in ["inside", "precedes", "follows"] {
        if let Some(related) = fields.get(relation) {
            rule_anchors(related, false, groups);
        }
    }
    if let Some(all) = fields.get("all").and_then(serde_json::Value::as_array) {
        for required in all {
            rule_anchors(required, in_node, groups);
        }
    }
    if let Some(any) = fields.get("any").and_then(serde_json::Value::as_array) {
        let mut union = Anchor {
            words: Vec::new(),
            in_node,
        };
        for branch in any {
            let mut branch_groups = Vec::new();
            rule_anchors(branch, in_node, &mut branch_groups);
            match branch_groups.into_iter().next() {
                Some(first) => {
                    union.words.extend(first.words);
                    union.in_node &= first.in_node;
                }
                // A branch that requires nothing: the `any` requires nothing either.
                None => return,
            }
        }
        if !union.words.is_empty() {
            groups.push(union);
        }
    }
}

/// The literals every match of `regex` begins with, or else those every match ends with:
/// at most 64, each at least three characters long (a long list is cut to the literals'
/// first or last bytes); `None` when there are none such (no anchor).
fn regex_literals(regex: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    // Keywords are found ASCII case-insensitively: a leading `(?i)` changes nothing for them
    // and would multiply the literals by their case variants.
    let regex = regex.strip_prefix("(?i)").unwrap_or(regex);
    let hir = regex_syntax::Parser::new().parse(regex).ok()?;
    [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .find_map(|kind| {
            let mut extractor = Extractor::new();
            extractor.kind(kind.clone());
            let extracted = extractor.extract(&hir);
            [usize::MAX, 16, 12, 8, 6, 4, 3]
                .into_iter()
                .find_map(|length| {
                    let mut literals = extracted.clone();
                    match kind {
                        ExtractKind::Suffix => literals.keep_last_bytes(length),
                        _ => literals.keep_first_bytes(length),
                    }
                    literals.dedup();
                    let literals = literals.literals()?;
                    if literals.is_empty() || literals.len() > 64 {
                        return None;
                    }
                    literals
                        .iter()
                        .map(|literal| {
                            let text = std::str::from_utf8(literal.as_bytes()).ok()?;
                            (text.len() >= 3).then(|| text.to_owned())
                        })
                        .collect()
                })
        })
}

/// The identifiers of at least three characters a pattern spells out (not its
/// `$METAVARIABLES`): any code the pattern matches contains each of them.
fn anchors(pattern: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let bytes = pattern.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let start = index;
        if bytes[index] == b'$' {
            // A metavariable: `$X`, `$$$ARGS`, `$_`.
            while index < bytes.len()
                && (bytes[index] == b'$'
                    || bytes[index] == b'_'
                    || bytes[index].is_ascii_alphanumeric())
            {
                index += 1;
            }
            continue;
        }
        if bytes[index] == b'_' || bytes[index].is_ascii_alphabetic() {
            while index < bytes.len()
                && (bytes[index] == b'_' || bytes[index].is_ascii_alphanumeric())
            {
                index += 1;
            }
            let word = &pattern[start..index];
            // Keywords are tokens some grammars let a pattern skip; names are not.
            let keyword = matches!(
                word,
                "await"
                    | "async"
                    | "new"
                    | "not"
                    | "and"
                    | "lambda"
                    | "return"
                    | "typeof"
                    | "yield"
            );
            if word.len() >= 3 && !keyword && !words.iter().any(|known| known == word) {
                words.push(word.to_owned());
            }
            continue;
        }
        index += 1;
    }
    words
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

#[cfg(test)]
mod tests {
    use super::anchors;

    #[test]
    fn anchors_are_the_names_a_pattern_spells_out() {
        assert_eq!(anchors("$CUR.execute($Q, $$$)"), ["execute"]);
        assert_eq!(anchors("await request.json()"), ["request", "json"]);
        assert_eq!(anchors("new SystemMessage($X)"), ["SystemMessage"]);
        assert_eq!(anchors("$F($PATH)"), Vec::<String>::new());
        assert_eq!(anchors("os.environ.get($K, $$$)"), ["environ", "get"]);
    }

    #[test]
    fn a_constrained_metavariable_anchors_on_the_literals_its_regex_begins_with() {
        let mut prefixes = super::regex_literals("^(builtins\\.)?(eval|exec)$").unwrap();
        prefixes.sort();
        assert_eq!(prefixes, ["builtins.eval", "builtins.exec", "eval", "exec"]);
        assert_eq!(super::regex_literals("(?i)key|x"), None);
        assert_eq!(super::regex_literals(".*"), None);
        // Too many (13 modules times 6 functions): their first bytes.
        let many = "^(ET|ElementTree|etree|xml\\.etree\\.ElementTree|cElementTree|lxml\\.etree|minidom|xml\\.dom\\.minidom|pulldom|xml\\.dom\\.pulldom|sax|xml\\.sax|expatbuilder)\\.(fromstring|fromstringlist|parse|parseString|XML|iterparse)$";
        let literals = super::regex_literals(many).unwrap();
        assert!(literals.len() <= 64 && literals.contains(&"ET.fromstring".to_owned()));
        assert!(literals.iter().all(|literal| literal.len() >= 3));
    }

    #[test]
    fn a_rule_anchors_on_what_it_requires() {
        let rule = serde_json::json!({
            "kind": "keyword_argument",
            "has": { "field": "name", "regex": "^(system|instructions)$" },
            "inside": { "kind": "call", "has": { "field": "function", "regex": "messages\\.create$" } },
            "not": { "regex": "nothing" },
            "any": [ { "pattern": "openai.chat($X)" }, { "regex": "(?i)anthropic" } ]
        });
        let mut groups = Vec::new();
        super::rule_anchors(&rule, true, &mut groups);
        let groups: Vec<(Vec<String>, bool)> = groups
            .into_iter()
            .map(|mut group| {
                group.words.sort();
                (group.words, group.in_node)
            })
            .collect();
        let words = |words: &[&str]| words.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            groups,
            [
                // What it has is in the node; what it is inside is not; an `any` with a
                // case-insensitive branch is only in the file.
                (words(&["instructions", "system"]), true),
                (words(&["messages.create"]), false),
                (words(&["anthropic", "openai"]), false),
            ]
        );
    }

    #[test]
    fn an_entrys_node_groups_come_first() {
        let entry: super::Entry = ast_grep_config::from_str(
            "rule:\n  pattern: compile($CODE, $$$)\n  inside:\n    kind: call\n    has: { field: function, regex: '^(eval|exec)$' }\n",
        )
        .unwrap();
        let (node_groups, groups) = super::entry_anchors(&entry);
        assert_eq!(node_groups, 1);
        assert_eq!(groups[0], ["compile"]);
    }
}
