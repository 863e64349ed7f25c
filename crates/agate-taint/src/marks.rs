//! What the matchers of a file's taint rules found, keyed by the node they found it on.

use std::collections::HashMap;

use agate_lang::{AstNode, Language};
use ast_grep_core::NodeMatch;
use ast_grep_core::tree_sitter::StrDoc;

use crate::spec::{CompiledEntry, Effect, Role, UntrustedParameters};

/// A set of taint rules, one bit each (a file runs at most [`MAX_RULES`] per language).
pub type RuleBits = u128;

/// How many taint rules one analysis tracks at once.
pub const MAX_RULES: usize = RuleBits::BITS as usize;

/// A node, by where it is and what it is (a node and its only child share a range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// The node's kind id.
    pub kind: u16,
}

impl Span {
    /// The span of `node`.
    pub fn of(node: &AstNode<'_>) -> Span {
        let range = node.range();
        Span {
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
            kind: node.kind_id(),
        }
    }
}

/// What one node means to the analysis.
#[derive(Debug, Clone)]
pub(crate) enum Mark {
    /// Its value is untrusted for these rules.
    Source(RuleBits),
    /// Its value is clean for these rules.
    Sanitizer(RuleBits),
    /// Its value is a normalised path for these rules.
    Normalizer(RuleBits),
    /// An untrusted value here is a finding of these rules at `sink`.
    Sink { rules: RuleBits, sink: Span },
    /// Where this condition evaluates to `holds`, `place` is clean for these rules.
    Guard {
        rules: RuleBits,
        holds: bool,
        place: Box<str>,
        needs_normalized: bool,
    },
    /// A propagator moves this node's value: kept until the propagator's match is evaluated.
    PropagateFrom,
    /// Evaluating this node moves the value of node `from` into `place`.
    Propagate {
        rules: RuleBits,
        from: Span,
        place: Box<str>,
    },
}

/// The marks of one file.
#[derive(Debug, Default)]
pub struct Marks {
    pub(crate) by_node: HashMap<Span, Vec<Mark>>,
    sources: RuleBits,
    sinks: RuleBits,
    numbers: RuleBits,
    parameters: RuleBits,
    parameters_always: RuleBits,
}

impl Marks {
    /// Records what `entry`, an entry of the taint rules `rules`, matched.
    pub fn record(
        &mut self,
        entry: &CompiledEntry,
        rules: RuleBits,
        found: &NodeMatch<'_, StrDoc<Language>>,
    ) {
        let node: &AstNode<'_> = found;
        if entry.numbers_carry_data {
            self.numbers |= rules;
        }
        match entry.untrusted_parameters {
            UntrustedParameters::No => {}
            UntrustedParameters::WhenBuilt => self.parameters |= rules,
            UntrustedParameters::Always => self.parameters_always |= rules,
        }
        let focus = |name: &Option<String>| -> Vec<AstNode<'_>> {
            match name {
                None => vec![node.clone()],
                Some(name) => {
                    let env = found.get_env();
                    match env.get_match(name) {
                        Some(single) => vec![single.clone()],
                        None => env.get_multiple_matches(name),
                    }
                }
            }
        };
        match entry.role {
            Role::Source => {
                for focused in focus(&entry.focus) {
                    self.add(Span::of(&focused), Mark::Source(rules));
                }
                self.sources |= rules;
            }
            Role::Sink => {
                let sink = Span::of(node);
                for focused in focus(&entry.focus) {
                    self.add(Span::of(&focused), Mark::Sink { rules, sink });
                }
                self.sinks |= rules;
            }
            Role::Sanitizer | Role::Propagator => self.record_effect(entry, rules, found),
        }
    }

    fn record_effect(
        &mut self,
        entry: &CompiledEntry,
        rules: RuleBits,
        found: &NodeMatch<'_, StrDoc<Language>>,
    ) {
        let node: &AstNode<'_> = found;
        let env = found.get_env();
        match &entry.effect {
            Effect::Guard {
                metavariable,
                holds,
                needs_normalized,
            } => {
                let guarded = match env.get_match(metavariable) {
                    Some(single) => vec![single.clone()],
                    None => env.get_multiple_matches(metavariable),
                };
                for focused in guarded {
                    if let Some(place) = crate::syntax::place_name(&focused) {
                        let mark = Mark::Guard {
                            rules,
                            holds: *holds,
                            place: place.into(),
                            needs_normalized: *needs_normalized,
                        };
                        self.add(Span::of(node), mark);
                    }
                }
            }
            Effect::Normalizes => self.add(Span::of(node), Mark::Normalizer(rules)),
            Effect::Value => self.add(Span::of(node), Mark::Sanitizer(rules)),
            Effect::Moves { from, to } => {
                let (Some(from), Some(to)) = (env.get_match(from), env.get_match(to)) else {
                    return;
                };
                if let Some(place) = crate::syntax::place_name(to) {
                    let mark = Mark::Propagate {
                        rules,
                        from: Span::of(from),
                        place: place.into(),
                    };
                    self.add(Span::of(node), mark);
                    self.add(Span::of(from), Mark::PropagateFrom);
                }
            }
        }
    }

    fn add(&mut self, span: Span, mark: Mark) {
        self.by_node.entry(span).or_default().push(mark);
    }

    /// The rules that have both a source (or untrusted parameters) and a sink in the file: the
    /// only ones a flow can exist for.
    pub fn live(&self) -> RuleBits {
        (self.sources | self.parameters | self.parameters_always) & self.sinks
    }

    /// The rules for which an entry point's parameters are untrusted once built into a
    /// string, and those for which they are untrusted as they are.
    pub(crate) fn parameters(&self) -> (RuleBits, RuleBits) {
        (self.parameters, self.parameters_always)
    }

    /// Where the sinks' values are, by start: what the analysis can report about.
    pub(crate) fn sink_starts(&self) -> Vec<u32> {
        self.by_node
            .iter()
            .filter(|(_, marks)| marks.iter().any(|mark| matches!(mark, Mark::Sink { .. })))
            .map(|(span, _)| span.start)
            .collect()
    }

    /// The rules for which a number made from untrusted data is still untrusted.
    pub(crate) fn numbers(&self) -> RuleBits {
        self.numbers
    }

    pub(crate) fn at(&self, span: &Span) -> &[Mark] {
        self.by_node.get(span).map_or(&[], Vec::as_slice)
    }
}
