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

use agate_lang::{AstNode, Language, MAX_RULE_DEPTH, NodeIds, TreeWalk, Visited};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use ast_grep_config::RuleConfig;
use ast_grep_core::matcher::MatcherExt;
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::{AstGrep, Matcher, NodeMatch};

use crate::Rule;

/// A rule, its compiled form for the file's language, and where it matched.
/// A match: the rule, its compiled form for the language, the matched node, and the names
/// of the functions and classes around it (`Api::get`).
pub(crate) type Match<'r, 't> = (
    &'r Rule,
    &'r RuleConfig<Language>,
    NodeMatch<'t, StrDoc<Language>>,
    String,
);

pub(crate) struct LanguageRules<'r> {
    rules: Vec<(&'r Rule, &'r RuleConfig<Language>)>,
    /// For each node kind id, the indices (into `rules`) of the rules that can match it.
    by_kind: Vec<Vec<usize>>,
    /// `None` when no rule declares keywords.
    keywords: Option<AhoCorasick>,
    /// For each keyword pattern, the indices (into `rules`) of the rules it enables.
    enables: Vec<Vec<usize>>,
    /// Indices of rules without keywords: they run on every file.
    unconditional: Vec<usize>,
}

impl<'r> LanguageRules<'r> {
    pub(crate) fn new(rules: &[(&'r Rule, &'r RuleConfig<Language>)]) -> LanguageRules<'r> {
        let mut patterns: Vec<&str> = Vec::new();
        let mut enables: Vec<Vec<usize>> = Vec::new();
        let mut unconditional = Vec::new();
        for (index, (rule, _)) in rules.iter().enumerate() {
            let keywords = &rule.metadata().keywords;
            if keywords.is_empty() {
                unconditional.push(index);
            }
            for keyword in keywords {
                if let Some(pattern) = patterns
                    .iter()
                    .position(|known| known.eq_ignore_ascii_case(keyword))
                {
                    enables[pattern].push(index);
                } else {
                    patterns.push(keyword);
                    enables.push(vec![index]);
                }
            }
        }
        let keywords = (!patterns.is_empty())
            .then(|| {
                // A DFA (see `agate_secrets`' keywords), else whatever builds.
                let builder = |kind| {
                    AhoCorasickBuilder::new()
                        .ascii_case_insensitive(true)
                        .match_kind(MatchKind::Standard)
                        .kind(kind)
                        .build(&patterns)
                        .ok()
                };
                builder(Some(AhoCorasickKind::DFA)).or_else(|| builder(None))
            })
            .flatten();
        if keywords.is_none() {
            // Without an automaton (none declared, or it failed to build), run everything.
            unconditional = (0..rules.len()).collect();
        }
        let mut by_kind: Vec<Vec<usize>> = Vec::new();
        for (index, (_, config)) in rules.iter().enumerate() {
            // Loading rejects rules without potential kinds, so every rule is indexed.
            let Some(kinds) = config.matcher.potential_kinds() else {
                continue;
            };
            for kind in &kinds {
                if by_kind.len() <= kind {
                    by_kind.resize_with(kind + 1, Vec::new);
                }
                by_kind[kind].push(index);
            }
        }
        LanguageRules {
            rules: rules.to_vec(),
            by_kind,
            keywords,
            enables,
            unconditional,
        }
    }

    /// Returns which rules can match `text` (indexed like the rules), or `None` when none
    /// can, in which case the file need not be parsed at all.
    pub(crate) fn enabled(&self, text: &str) -> Option<Vec<bool>> {
        let mut enabled = vec![false; self.rules.len()];
        for &index in &self.unconditional {
            enabled[index] = true;
        }
        if let Some(keywords) = &self.keywords {
            for found in keywords.find_overlapping_iter(text) {
                for &index in &self.enables[found.pattern().as_usize()] {
                    enabled[index] = true;
                }
            }
        }
        enabled.contains(&true).then_some(enabled)
    }

    /// Runs the enabled rules in one walk of the tree, trying each node only against the
    /// rules for its kind. Nodes deeper than [`MAX_RULE_DEPTH`] are not tried: rules with
    /// `inside` or `has` cost up to the tree's depth per node, so an unbounded walk is
    /// quadratic on a hostile tree; what was left out is in the returned [`Visited`].
    pub(crate) fn matches<'t>(
        &self,
        root: &'t AstGrep<StrDoc<Language>>,
        enabled: &[bool],
        mut also: impl FnMut(&AstNode<'t>, &[AstNode<'t>], NodeIds),
    ) -> (Vec<Match<'r, 't>>, Visited) {
        let mut found = Vec::new();
        let visited =
            TreeWalk::bounded(MAX_RULE_DEPTH).run(&root.root(), |node, ancestors, ids| {
                also(node, ancestors, ids);
                let Some(candidates) = self.by_kind.get(usize::from(ids.kind_id)) else {
                    return;
                };
                for &index in candidates {
                    if !enabled[index] {
                        continue;
                    }
                    let (rule, config) = self.rules[index];
                    if let Some(node_match) = config.matcher.match_node(node.clone()) {
                        found.push((rule, config, node_match, enclosing_scope(ancestors)));
                    }
                }
            });
        (found, visited)
    }
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
