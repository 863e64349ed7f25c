//! agate's structural rule engine.
//!
//! A rule is one YAML file in ast-grep's format (`id`, `language`, `rule`, `constraints`,
//! `message`, `note`) whose `metadata` carries agate's fields (`severity`, `confidence`,
//! `cwe`, `owasp`, `ai_pattern`), with a fixture file beside it whose lines say which must
//! match (`expect: <id>`) and which must not (`ok: <id>`). [`RuleSet`] loads the bundled rules
//! and any user folders; [`Scanner`] walks a workspace and runs every rule of a language on
//! one parse of each file, in parallel; [`check_fixtures`] is what `agate rules test` runs.
//! A rule's `fix:` makes an edit that travels on its findings; [`plan_fixes`] and
//! [`FilePlan::prepare`] apply them (`agate fix`).
//!
//! This crate produces findings; it does not decide what blocks (policy) or render them
//! (reports).
//!
//! ```
//! use agate_rules::{RuleSet, ScanOptions, Scanner};
//!
//! let rules = RuleSet::bundled().unwrap();
//! let scanner = Scanner::new(rules, ScanOptions::default());
//! let findings = scanner.scan_source("app.py", "import os, sys\nos.system('ls ' + sys.argv[1])\n");
//! assert!(findings.iter().any(|finding| finding.rule_id == "py.command-injection"));
//! ```
#![warn(missing_docs)]

mod error;
mod fix;
mod fixture;
mod metadata;
mod prefilter;
mod rule;
mod scanner;
mod set;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

pub use error::RuleError;
pub use fix::{FilePlan, FixError, FixedFile, plan as plan_fixes};
pub use fixture::{FixtureOutcome, check_fixtures};
pub use metadata::RuleMetadata;
pub use rule::Rule;
pub use scanner::{ScanOptions, ScanOutput, Scanner, thread_pool};
pub use set::RuleSet;
