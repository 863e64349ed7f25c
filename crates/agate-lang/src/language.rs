use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use ast_grep_core::matcher::{Pattern, PatternBuilder, PatternError};
use ast_grep_core::tree_sitter::{LanguageExt, StrDoc, TSLanguage};
use serde::{Deserialize, Deserializer, Serialize};

/// A language agate parses. Each variant is one tree-sitter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Python 3 (`.py`, `.pyi`, `.pyw`).
    Python,
    /// JavaScript, including JSX (`.js`, `.mjs`, `.cjs`, `.jsx`).
    JavaScript,
    /// TypeScript (`.ts`, `.mts`, `.cts`).
    TypeScript,
    /// TypeScript with JSX (`.tsx`).
    Tsx,
    /// Java (`.java`).
    Java,
}

impl Language {
    /// Every language, in a fixed order.
    pub const ALL: [Language; 5] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Java,
    ];

    /// Returns the name used in rule files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Java => "java",
        }
    }

    /// Returns the language of a file from its extension (in any case: `A.PY` is Python),
    /// if agate analyzes it.
    pub fn from_path(path: impl AsRef<Path>) -> Option<Language> {
        let extension = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "py" | "pyi" | "pyw" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "java" => Language::Java,
            _ => return None,
        })
    }

    /// Returns the language a `#!` line names (`#!/usr/bin/env python3`, `#!/usr/bin/node`),
    /// for scripts without an extension; `None` for any other first line.
    pub fn from_shebang(first_line: &str) -> Option<Language> {
        let command = first_line.strip_prefix("#!")?.trim();
        let mut words = command.split_whitespace();
        let mut program = words.next()?.rsplit('/').next()?;
        if program == "env" {
            // `env -S python3 -u`: the first word that is not an option.
            program = words.find(|word| !word.starts_with('-'))?;
        }
        if program.starts_with("python") {
            Some(Language::Python)
        } else if program == "node" || program == "nodejs" {
            Some(Language::JavaScript)
        } else {
            None
        }
    }

    /// Returns the languages a rule written for `self` runs on.
    ///
    /// A JavaScript rule also runs on TypeScript and TSX (where its node kinds exist): their
    /// grammars extend JavaScript's,
    /// so a JavaScript pattern means the same there, and one rule covers the whole family.
    pub fn rule_targets(self) -> &'static [Language] {
        match self {
            Language::JavaScript => &[Language::JavaScript, Language::TypeScript, Language::Tsx],
            Language::Python => &[Language::Python],
            Language::TypeScript => &[Language::TypeScript],
            Language::Tsx => &[Language::Tsx],
            Language::Java => &[Language::Java],
        }
    }

    /// Returns the node kinds that open a named scope (function, class, method), used to
    /// describe where a match is and to fingerprint it.
    pub fn scope_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["function_definition", "class_definition"],
            Language::JavaScript | Language::TypeScript | Language::Tsx => &[
                "function_declaration",
                "generator_function_declaration",
                "method_definition",
                "class_declaration",
                "abstract_class_declaration",
                "interface_declaration",
                "variable_declarator",
            ],
            Language::Java => &[
                "method_declaration",
                "constructor_declaration",
                "class_declaration",
                "interface_declaration",
                "enum_declaration",
                "record_declaration",
            ],
        }
    }

    pub(crate) fn tree_sitter(self) -> TSLanguage {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a language name agate does not support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseLanguageError(pub String);

impl fmt::Display for ParseLanguageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported language `{}`; expected one of python, javascript, typescript, tsx, java",
            self.0
        )
    }
}

impl std::error::Error for ParseLanguageError {}

impl FromStr for Language {
    type Err = ParseLanguageError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "python" | "py" => Language::Python,
            "javascript" | "js" | "jsx" => Language::JavaScript,
            "typescript" | "ts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "java" => Language::Java,
            _ => return Err(ParseLanguageError(name.to_owned())),
        })
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = Cow::<str>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// Python identifiers cannot contain `$`, so metavariables are spelled with `µ` while the
/// pattern is parsed (ast-grep's "expando" character); `µ` is a valid identifier start.
const PYTHON_EXPANDO: char = 'µ';

impl ast_grep_core::Language for Language {
    fn pre_process_pattern<'q>(&self, query: &'q str) -> Cow<'q, str> {
        if *self == Language::Python && query.contains('$') {
            Cow::Owned(query.replace('$', &PYTHON_EXPANDO.to_string()))
        } else {
            Cow::Borrowed(query)
        }
    }

    fn expando_char(&self) -> char {
        if *self == Language::Python {
            PYTHON_EXPANDO
        } else {
            '$'
        }
    }

    fn from_path<P: AsRef<Path>>(path: P) -> Option<Self> {
        Language::from_path(path)
    }

    fn kind_to_id(&self, kind: &str) -> u16 {
        self.tree_sitter().id_for_node_kind(kind, true)
    }

    fn field_to_id(&self, field: &str) -> Option<u16> {
        self.tree_sitter()
            .field_id_for_name(field)
            .map(std::num::NonZero::get)
    }

    fn build_pattern(&self, builder: &PatternBuilder) -> Result<Pattern, PatternError> {
        builder.build(|source| StrDoc::try_new(source, *self))
    }
}

impl LanguageExt for Language {
    fn get_ts_language(&self) -> TSLanguage {
        self.tree_sitter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_7_extensions_match_in_any_case_and_shebangs_name_a_language() {
        assert_eq!(Language::from_path("A.PY"), Some(Language::Python));
        assert_eq!(Language::from_path("w.pyw"), Some(Language::Python));
        assert_eq!(Language::from_path("App.JS"), Some(Language::JavaScript));
        let shebang = Language::from_shebang;
        assert_eq!(shebang("#!/usr/bin/env python3"), Some(Language::Python));
        assert_eq!(shebang("#!/usr/bin/python -u"), Some(Language::Python));
        assert_eq!(
            shebang("#!/usr/bin/env -S node --x"),
            Some(Language::JavaScript)
        );
        assert_eq!(shebang("#!/bin/sh"), None);
        assert_eq!(shebang("import os"), None);
    }

    #[test]
    fn extensions_map_to_grammars() {
        assert_eq!(Language::from_path("a/b.py"), Some(Language::Python));
        assert_eq!(Language::from_path("x.jsx"), Some(Language::JavaScript));
        assert_eq!(Language::from_path("x.mts"), Some(Language::TypeScript));
        assert_eq!(Language::from_path("x.tsx"), Some(Language::Tsx));
        assert_eq!(Language::from_path("X.java"), Some(Language::Java));
        assert_eq!(Language::from_path("x.rb"), None);
        assert_eq!(Language::from_path("Makefile"), None);
    }

    #[test]
    fn python_metavariables_match() {
        let root = Language::Python.ast_grep("subprocess.call(cmd, shell=True)");
        let found = root
            .root()
            .find("subprocess.call($CMD, shell=True)")
            .unwrap();
        assert_eq!(found.get_env().get_match("CMD").unwrap().text(), "cmd");
    }

    #[test]
    fn every_grammar_parses_its_language() {
        let samples = [
            (Language::Python, "def f(x):\n    return x\n"),
            (Language::JavaScript, "const a = <div>{x}</div>;"),
            (Language::TypeScript, "let a: number = 1;"),
            (Language::Tsx, "const a = <A b={1} />;"),
            (Language::Java, "class A { void f() {} }"),
        ];
        for (language, source) in samples {
            let root = language.ast_grep(source);
            assert!(!root.root().get_inner_node().has_error(), "{language}");
        }
    }

    #[test]
    fn unknown_language_names_are_rejected_with_the_choices() {
        let error = "ruby".parse::<Language>().unwrap_err();
        assert!(error.to_string().contains("expected one of python"));
    }
}
