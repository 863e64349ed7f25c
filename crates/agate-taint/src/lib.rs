//! agate's data-flow engine for `mode: taint` rules.
//!
//! A taint rule names, as ast-grep patterns, where untrusted data comes from (sources), where
//! it must not arrive (sinks), and what makes it safe (sanitizers). The rule engine matches
//! those patterns in the same walk of the tree as every other rule and records the matches
//! as [`Marks`]; [`analyze`] then follows values through each function of the file —
//! assignments, string building, containers, branches, loops, helpers of the same file — and
//! reports each [`Flow`] from a source to a sink.
//!
//! The analysis stays within one file and is bounded: every node evaluated counts against a
//! budget, and an analysis that runs out says so ([`Analysis::complete`]).
#![warn(missing_docs)]

mod interp;
mod marks;
mod models;
mod spec;
mod syntax;
mod value;

pub use interp::{Analysis, Flow, analyze};
pub use marks::{MAX_RULES, Marks, RuleBits, Span};
pub use spec::{CompiledEntry, Effect, Entry, Role, TaintSpec, UntrustedParameters};

#[cfg(test)]
mod tests;
