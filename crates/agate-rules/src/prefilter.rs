//! Which rules run on a file, and the one traversal that runs them.
//!
//! Keyword prefilter: a rule that declares `metadata.keywords` runs on a file only when the
//! file contains one of them.
//!
//! Parsing is shared by all rules, but matching is not: every rule on a common node kind
//! (`call`, `string`, `assignment`) is tried on every such node. Most security rules name an
//! API (`os.system`, `pickle`, `createCipheriv`), so one Aho-Corasick pass over the text
//! (ASCII case-insensitive) tells which of them can possibly match, and the combined matcher
//! for the file is built from those alone. The same trick is gitleaks's keyword prefilter.
//!
//! Dispatch: rules are indexed by the node kinds they can match, and one depth-first walk
//! of the tree tries each node only against the rules for its kind. (ast-grep's
//! `CombinedScan` does the same but first walks the whole tree a second time looking for
//! `ast-grep-ignore` comments; agate's suppressions are its own, so that walk is skipped.)

use std::collections::HashMap;

use agate_lang::{AstNode, Language, MAX_RULE_DEPTH, NodeIds, TreeWalk, Visited};
use agate_taint::{CompiledEntry, MAX_RULES, Marks, Role, RuleBits, Span};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use ast_grep_config::RuleConfig;
use ast_grep_core::matcher::MatcherExt;
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::{AstGrep, Matcher, NodeMatch};

use crate::Rule;

/// A match: the rule, its compiled form for the language, the matched node, and the names
/// of the functions and classes around it (`Api::get`).
pub(crate) type Match<'r, 't> = (
    &'r Rule,
    &'r RuleConfig<Language>,
    NodeMatch<'t, StrDoc<Language>>,
    String,
);

/// What one walk of a file found.
pub(crate) struct Found<'r, 't> {
    /// The pattern rules' matches.
    pub(crate) matches: Vec<Match<'r, 't>>,
    /// The taint rules' entries' matches.
    pub(crate) marks: Marks,
    /// Each node a sink entry matched, with the scope around it, for the findings.
    pub(crate) sinks: HashMap<Span, (NodeMatch<'t, StrDoc<Language>>, String)>,
    pub(crate) visited: Visited,
}

/// What may match in one file.
pub(crate) struct Enabled {
    /// Indexed like the rules.
    rules: Vec<bool>,
    /// Indexed like the checks: a taint entry whose anchors the file lacks is not tried.
    checks: Vec<bool>,
    /// For each keyword pattern that is some entry's node word, where it starts in the
    /// file, in order (empty for the others).
    starts: Vec<Vec<u32>>,
}

impl Enabled {
    /// Whether keyword pattern `pattern` (of `length` bytes) occurs within `span`.
    fn occurs_in(&self, pattern: usize, length: usize, span: &Span) -> bool {
        let starts = &self.starts[pattern];
        let first = starts.partition_point(|&start| start < span.start);
        starts
            .get(first)
            .is_some_and(|&start| start as usize + length <= span.end as usize)
    }
}

/// One matcher of the combined walk: a pattern rule, or a taint entry that identical
/// entries of several taint rules share.
enum Check<'r> {
    Pattern(usize, &'r RuleConfig<Language>),
    /// The entry and the taint rules that use it: (index into `rules`, bit).
    Taint(&'r CompiledEntry, Vec<(usize, RuleBits)>),
}

pub(crate) struct LanguageRules<'r> {
    rules: Vec<&'r Rule>,
    checks: Vec<Check<'r>>,
    /// For each node kind id, the indices (into `checks`) of the checks that can match it.
    by_kind: Vec<Vec<usize>>,
    /// `None` when no rule declares keywords.
    keywords: Option<AhoCorasick>,
    /// For each keyword pattern, the indices (into `rules`) of the rules it enables, and
    /// whether it is one of their source keywords.
    enables: Vec<Vec<(usize, bool)>>,
    /// Taint rules that run on a file only if it also holds one of their source keywords.
    needs_source: Vec<bool>,
    /// For each check, its entry's anchor groups as keyword patterns: a file must hold one
    /// pattern of every group for the check to be tried there.
    anchors: Vec<Vec<Vec<usize>>>,
    /// For each check, how many of its anchor groups (the first ones) every node it matches
    /// holds: a node without one of them is not tried.
    node_groups: Vec<usize>,
    /// For each keyword pattern in some check's node groups, its text (where it occurs,
    /// in this case, is recorded); `None` for the others.
    node_words: Vec<Option<&'r str>>,
    /// Indices of rules without keywords: they run on every file.
    unconditional: Vec<usize>,
    /// The taint rules, by bit.
    taint: Vec<usize>,
}

impl<'r> LanguageRules<'r> {
    /// Combines the pattern rules (with their matchers) and the taint rules (with their
    /// entries) of one language. A rule set holds at most [`MAX_RULES`] taint rules per
    /// language (see `RuleSet::insert`); any beyond are left out.
    pub(crate) fn new(
        patterns: &[(&'r Rule, &'r RuleConfig<Language>)],
        taint: &[(&'r Rule, &'r [CompiledEntry])],
    ) -> LanguageRules<'r> {
        let mut rules: Vec<&'r Rule> = Vec::new();
        let mut checks: Vec<Check<'r>> = Vec::new();
        for (rule, config) in patterns {
            checks.push(Check::Pattern(rules.len(), config));
            rules.push(rule);
        }
        let tracked = &taint[..taint.len().min(MAX_RULES)];
        let taint_rules = add_taint_rules(&mut rules, &mut checks, tracked);
        let mut patterns_of_keywords: Vec<&str> = Vec::new();
        // For each keyword pattern, the rules it enables, and whether as a source keyword.
        let mut enables: Vec<Vec<(usize, bool)>> = Vec::new();
        let mut unconditional = Vec::new();
        let mut needs_source = vec![false; rules.len()];
        for (index, rule) in rules.iter().enumerate() {
            let keywords = &rule.metadata().keywords;
            if keywords.is_empty() {
                unconditional.push(index);
            }
            let sources = rule.source_keywords();
            needs_source[index] = !sources.is_empty();
            let words = keywords
                .iter()
                .map(|word| (word, false))
                .chain(sources.iter().map(|word| (word, true)));
            for (keyword, source) in words {
                if let Some(pattern) = patterns_of_keywords
                    .iter()
                    .position(|known| known.eq_ignore_ascii_case(keyword))
                {
                    enables[pattern].push((index, source));
                } else {
                    patterns_of_keywords.push(keyword);
                    enables.push(vec![(index, source)]);
                }
            }
        }
        let mut anchors = anchor_patterns(&checks, &mut patterns_of_keywords, &mut enables);
        let mut node_groups: Vec<usize> = checks
            .iter()
            .map(|check| match check {
                Check::Taint(entry, _) => entry.node_groups,
                Check::Pattern(..) => 0,
            })
            .collect();
        let mut node_words = vec![None; patterns_of_keywords.len()];
        for (groups, &count) in anchors.iter().zip(&node_groups) {
            for &pattern in groups[..count].iter().flatten() {
                node_words[pattern] = Some(patterns_of_keywords[pattern]);
            }
        }
        let keywords = (!patterns_of_keywords.is_empty())
            .then(|| {
                // A DFA (see `agate_secrets`' keywords), else whatever builds.
                let builder = |kind| {
                    AhoCorasickBuilder::new()
                        .ascii_case_insensitive(true)
                        .match_kind(MatchKind::Standard)
                        .kind(kind)
                        .build(&patterns_of_keywords)
                        .ok()
                };
                builder(Some(AhoCorasickKind::DFA)).or_else(|| builder(None))
            })
            .flatten();
        if keywords.is_none() {
            // Without an automaton (none declared, or it failed to build), run everything.
            unconditional = (0..rules.len()).collect();
            needs_source = vec![false; rules.len()];
            anchors = vec![Vec::new(); checks.len()];
            node_groups = vec![0; checks.len()];
        }
        let by_kind = index_by_kind(&checks);
        LanguageRules {
            rules,
            checks,
            by_kind,
            keywords,
            enables,
            unconditional,
            needs_source,
            anchors,
            node_groups,
            node_words,
            taint: taint_rules,
        }
    }

    /// Returns which rules and checks can match `text`, or `None` when no rule can, in which
    /// case the file need not be parsed at all.
    pub(crate) fn enabled(&self, text: &str) -> Option<Enabled> {
        let mut rules = vec![false; self.rules.len()];
        let mut has_source = vec![false; self.rules.len()];
        let mut seen = vec![false; self.enables.len()];
        let mut starts = vec![Vec::new(); self.enables.len()];
        for &index in &self.unconditional {
            rules[index] = true;
        }
        if let Some(keywords) = &self.keywords {
            for found in keywords.find_overlapping_iter(text) {
                let pattern = found.pattern().as_usize();
                seen[pattern] = true;
                // Names in code are case-sensitive: a node word counts as written.
                if self.node_words[pattern]
                    .is_some_and(|word| text.get(found.range()) == Some(word))
                {
                    // Overlapping matches come by end, so one pattern's come by start.
                    starts[pattern].push(u32::try_from(found.start()).unwrap_or(u32::MAX));
                }
                for &(index, source) in &self.enables[pattern] {
                    if source {
                        has_source[index] = true;
                    } else {
                        rules[index] = true;
                    }
                }
            }
        }
        // A taint rule needs a sink keyword and, when its sources have keywords, one of them.
        for (index, needs) in self.needs_source.iter().enumerate() {
            if *needs && !has_source[index] {
                rules[index] = false;
            }
        }
        if !rules.contains(&true) {
            return None;
        }
        let checks = self
            .anchors
            .iter()
            .map(|groups| {
                groups
                    .iter()
                    .all(|group| group.iter().any(|&pattern| seen[pattern]))
            })
            .collect();
        Some(Enabled {
            rules,
            checks,
            starts,
        })
    }

    /// The taint rule of bit index `bit`.
    pub(crate) fn taint_rule(&self, bit: usize) -> Option<&'r Rule> {
        self.taint.get(bit).map(|&index| self.rules[index])
    }

    /// Runs the enabled rules in one walk of the tree, trying each node only against the
    /// checks for its kind. Nodes deeper than [`MAX_RULE_DEPTH`] are not tried: rules with
    /// `inside` or `has` cost up to the tree's depth per node, so an unbounded walk is
    /// quadratic on a hostile tree; what was left out is in [`Found::visited`].
    pub(crate) fn matches<'t>(
        &self,
        root: &'t AstGrep<StrDoc<Language>>,
        enabled: &Enabled,
        mut also: impl FnMut(&AstNode<'t>, &[AstNode<'t>], NodeIds),
    ) -> Found<'r, 't> {
        let mut matches = Vec::new();
        let mut marks = Marks::default();
        let mut sinks = HashMap::new();
        let visited =
            TreeWalk::bounded(MAX_RULE_DEPTH).run(&root.root(), |node, ancestors, ids| {
                also(node, ancestors, ids);
                let Some(candidates) = self.by_kind.get(usize::from(ids.kind_id)) else {
                    return;
                };
                for &index in candidates {
                    match &self.checks[index] {
                        Check::Pattern(rule, config) => {
                            if !enabled.rules[*rule] {
                                continue;
                            }
                            if let Some(node_match) = config.matcher.match_node(node.clone()) {
                                let scope = enclosing_scope(ancestors);
                                matches.push((self.rules[*rule], *config, node_match, scope));
                            }
                        }
                        Check::Taint(entry, users) => {
                            if !enabled.checks[index] {
                                continue;
                            }
                            // Cheaper than a match attempt: a node without the names the
                            // pattern spells out cannot match it (found by where the file's
                            // one keyword pass saw them, not by reading the node's text).
                            let groups = &self.anchors[index][..self.node_groups[index]];
                            if !groups.is_empty() {
                                let span = Span::of(node);
                                let holds = groups.iter().all(|group| {
                                    group.iter().any(|&pattern| {
                                        enabled.occurs_in(
                                            pattern,
                                            self.node_words[pattern].map_or(0, str::len),
                                            &span,
                                        )
                                    })
                                });
                                if !holds {
                                    continue;
                                }
                            }
                            let bits = users
                                .iter()
                                .filter(|(rule, _)| enabled.rules[*rule])
                                .fold(0, |bits, (_, bit)| bits | bit);
                            if bits == 0 {
                                continue;
                            }
                            if let Some(node_match) = entry.matcher.match_node(node.clone()) {
                                marks.record(entry, bits, &node_match);
                                if entry.role == Role::Sink {
                                    let span = Span::of(node);
                                    sinks.entry(span).or_insert_with(|| {
                                        (node_match, enclosing_scope(ancestors))
                                    });
                                }
                            }
                        }
                    }
                }
            });
        Found {
            matches,
            marks,
            sinks,
            visited,
        }
    }
}

/// For each node kind id, the indices of the checks that can match it.
fn index_by_kind(checks: &[Check<'_>]) -> Vec<Vec<usize>> {
    let mut by_kind: Vec<Vec<usize>> = Vec::new();
    for (index, check) in checks.iter().enumerate() {
        // Loading rejects rules and entries without potential kinds: every one is indexed.
        let kinds = match check {
            Check::Pattern(_, config) => config.matcher.potential_kinds(),
            Check::Taint(entry, _) => entry.matcher.potential_kinds(),
        };
        let Some(kinds) = kinds else {
            continue;
        };
        for kind in &kinds {
            if by_kind.len() <= kind {
                by_kind.resize_with(kind + 1, Vec::new);
            }
            by_kind[kind].push(index);
        }
    }
    by_kind
}

/// Each check's anchor groups as indices into the keyword patterns, adding the words not
/// yet among them (with nothing to enable: they only gate checks).
fn anchor_patterns<'r>(
    checks: &[Check<'r>],
    patterns: &mut Vec<&'r str>,
    enables: &mut Vec<Vec<(usize, bool)>>,
) -> Vec<Vec<Vec<usize>>> {
    let mut anchors = vec![Vec::new(); checks.len()];
    for (index, check) in checks.iter().enumerate() {
        let Check::Taint(entry, _) = check else {
            continue;
        };
        for group in &entry.anchors {
            let mut ids = Vec::with_capacity(group.len());
            for word in group {
                let pattern = if let Some(known) = patterns.iter().position(|known| known == word) {
                    known
                } else {
                    patterns.push(word);
                    enables.push(Vec::new());
                    patterns.len() - 1
                };
                ids.push(pattern);
            }
            anchors[index].push(ids);
        }
    }
    anchors
}

/// A taint entry's identity for sharing: its matcher and everything its matches mean.
type SharedEntry<'e> = (
    Role,
    &'e str,
    Option<&'e str>,
    &'e agate_taint::Effect,
    bool,
    agate_taint::UntrustedParameters,
);

/// Adds the taint rules and their entries to `rules` and `checks`; returns the rules' indices
/// by bit. Identical entries of several rules (the framework models above all) are matched
/// once, marking every rule that uses them.
fn add_taint_rules<'r>(
    rules: &mut Vec<&'r Rule>,
    checks: &mut Vec<Check<'r>>,
    tracked: &[(&'r Rule, &'r [CompiledEntry])],
) -> Vec<usize> {
    let mut shared: HashMap<SharedEntry<'r>, usize> = HashMap::new();
    let mut taint_rules = Vec::new();
    for (bit_index, (rule, entries)) in tracked.iter().enumerate() {
        let bit: RuleBits = 1 << bit_index;
        taint_rules.push(rules.len());
        for entry in *entries {
            let key = (
                entry.role,
                entry.key.as_str(),
                entry.focus.as_deref(),
                &entry.effect,
                entry.numbers_carry_data,
                entry.untrusted_parameters,
            );
            if let Some(&index) = shared.get(&key) {
                if let Check::Taint(_, users) = &mut checks[index] {
                    users.push((rules.len(), bit));
                }
            } else {
                shared.insert(key, checks.len());
                checks.push(Check::Taint(entry, vec![(rules.len(), bit)]));
            }
        }
        rules.push(rule);
    }
    taint_rules
}

/// Names the functions and classes among `ancestors`, outermost first: `Api::get`.
fn enclosing_scope(ancestors: &[AstNode<'_>]) -> String {
    let Some(first) = ancestors.first() else {
        return String::new();
    };
    let kinds = first.lang().scope_kinds();
    let names: Vec<String> = ancestors
        .iter()
        .filter(|ancestor| kinds.contains(&ancestor.kind().as_ref()))
        .filter(|ancestor| {
            // `const handler = () => …` names a function; other declarators are not scopes.
            ancestor.kind() != "variable_declarator"
                || ancestor.field("value").is_some_and(|value| {
                    matches!(
                        value.kind().as_ref(),
                        "arrow_function" | "function_expression" | "function"
                    )
                })
        })
        .filter_map(|ancestor| ancestor.field("name").map(|name| name.text().into_owned()))
        .collect();
    names.join("::")
}
