//! The languages agate analyzes, and how it finds their files.
//!
//! [`Language`] plugs agate's five tree-sitter grammars (Python, JavaScript, TypeScript, TSX,
//! Java) into ast-grep, so rules compile and match without linking ast-grep's other two dozen
//! grammars. [`walk`] lists the files of a workspace the way a user expects: `.gitignore` and
//! `.agateignore` honoured, vendored and generated trees skipped. [`classify_source`] decides
//! whether bytes read from a file are worth parsing (not binary, not minified), and
//! [`ChangeScope`] says which files belong to the change under review (those are scanned
//! even when they look minified, and their problems fail a gate closed).
//!
//! This crate does not read file contents for analysis or run rules; `agate-rules` does.
//!
//! ```
//! use agate_lang::Language;
//! use ast_grep_core::tree_sitter::LanguageExt;
//!
//! let language = Language::from_path("app/views.py").unwrap();
//! let root = language.ast_grep("eval(expr)");
//! assert!(root.root().find("eval($X)").is_some());
//! ```
#![warn(missing_docs)]

mod classify;
pub mod imports;
mod language;
mod scope;
mod tree;
mod walk;

pub use classify::{BINARY_SOURCE, SourceKind, classify_source, is_binary};
pub use imports::{FileImports, ImportReader, Imports, imports, may_import};
pub use language::{Language, ParseLanguageError};
pub use scope::ChangeScope;
pub use tree::{AstNode, MAX_RULE_DEPTH, NodeIds, TreeWalk, Visited};
pub use walk::{
    AnyFile, SourceFile, Walk, WalkError, WalkOptions, map_largest_first, walk, walk_all,
};
