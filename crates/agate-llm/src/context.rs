//! What a hunk is sent with, so the model can judge it: the file's imports, the function
//! around it, and the definitions of what it calls — found in the same file or elsewhere
//! in the repository. Read off one parse of each file ([`Outline`]); bounded, so a huge
//! function or a hundred callees cannot swell a request.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use agate_lang::{AstNode, Language, MAX_RULE_DEPTH, TreeWalk};
use ast_grep_core::tree_sitter::LanguageExt as _;

use crate::Hunk;

/// The lines of a function around a hunk sent at most, on either side of the hunk.
const ENCLOSING_MARGIN: u32 = 40;
/// Import lines sent at most.
const MAX_IMPORT_LINES: usize = 40;
/// Definitions of called names sent at most per hunk.
const MAX_DEFINITIONS: usize = 6;
/// Lines of one definition sent at most.
const MAX_DEFINITION_LINES: u32 = 40;
/// The most characters of context a hunk is sent with.
const MAX_CONTEXT_CHARS: usize = 24_000;
/// The most characters of one line sent: a minified bundle's one line would otherwise make
/// a request of megabytes.
const MAX_LINE_CHARS: usize = 2_000;

/// A named scope: a function, method or class, and its lines (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Scope {
    name: String,
    start: u32,
    end: u32,
}

/// What a source file defines, imports and calls, by line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    imports: Vec<(u32, u32)>,
    scopes: Vec<Scope>,
    calls: Vec<(u32, String)>,
}

impl Outline {
    /// Parses `text` once and keeps its imports, scopes and calls.
    pub fn parse(language: Language, text: &str) -> Outline {
        let tree = language.ast_grep(text);
        let mut outline = Outline::default();
        let scope_kinds = language.scope_kinds();
        TreeWalk::bounded(MAX_RULE_DEPTH).run(&tree.root(), |node, ancestors, _| {
            let kind = node.kind();
            let (start, end) = lines(node);
            if is_import(language, &kind, node, ancestors.len()) {
                outline.imports.push((start, end));
            } else if scope_kinds.contains(&kind.as_ref()) {
                if let Some(name) = node.field("name") {
                    outline.scopes.push(Scope {
                        name: name.text().into_owned(),
                        start,
                        end,
                    });
                }
            } else if let Some(name) = called_name(&kind, node) {
                outline.calls.push((start, name));
            }
        });
        outline
    }

    /// The innermost scope holding lines `first..=last`, else the innermost holding
    /// `first`.
    fn enclosing(&self, first: u32, last: u32) -> Option<&Scope> {
        let innermost = |holds: &dyn Fn(&Scope) -> bool| {
            self.scopes
                .iter()
                .filter(|scope| holds(scope))
                .min_by_key(|scope| scope.end - scope.start)
        };
        innermost(&|scope| scope.start <= first && last <= scope.end)
            .or_else(|| innermost(&|scope| scope.start <= first && first <= scope.end))
    }

    /// The names called on lines `first..=last`, each once, in order.
    pub fn called(&self, first: u32, last: u32) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.calls
            .iter()
            .filter(|(line, name)| (first..=last).contains(line) && seen.insert(name.as_str()))
            .map(|(_, name)| name.as_str())
            .collect()
    }

    /// The names called on lines `first..=last` that the file does not define elsewhere:
    /// their definitions, if any, are in other files.
    pub fn undefined(&self, first: u32, last: u32) -> impl Iterator<Item = &str> {
        self.called(first, last)
            .into_iter()
            .filter(move |name| self.definition(name, first, last).is_none())
    }

    /// Where `name` is defined in the file, outside lines `first..=last`.
    fn definition(&self, name: &str, first: u32, last: u32) -> Option<&Scope> {
        self.scopes
            .iter()
            .find(|scope| scope.name == name && (scope.end < first || scope.start > last))
    }
}

fn lines(node: &AstNode<'_>) -> (u32, u32) {
    let line = |at: usize| u32::try_from(at).map_or(u32::MAX, |line| line.saturating_add(1));
    (line(node.start_pos().line()), line(node.end_pos().line()))
}

/// Whether `node` is an import statement (a top-level `require` in JavaScript).
fn is_import(language: Language, kind: &str, node: &AstNode<'_>, depth: usize) -> bool {
    match language {
        Language::Python => matches!(
            kind,
            "import_statement" | "import_from_statement" | "future_import_statement"
        ),
        Language::Java => matches!(kind, "import_declaration" | "package_declaration"),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            kind == "import_statement"
                || depth == 1
                    && matches!(kind, "lexical_declaration" | "variable_declaration")
                    && node.text().contains("require(")
        }
    }
}

/// The name a call or construction calls: `f` of `f(x)`, `get` of `db.get(x)`, `User` of
/// `new User()`.
fn called_name(kind: &str, node: &AstNode<'_>) -> Option<String> {
    let callee = match kind {
        "call" | "call_expression" => node.field("function")?,
        "new_expression" => node.field("constructor")?,
        "method_invocation" => node.field("name")?,
        "object_creation_expression" => node.field("type")?,
        _ => return None,
    };
    let name = match callee.kind().as_ref() {
        "attribute" => callee.field("attribute")?,
        "member_expression" => callee.field("property")?,
        _ => callee,
    };
    let text = name.text();
    let plain = !text.is_empty()
        && text.len() <= 200
        && text
            .chars()
            .all(|character| character.is_alphanumeric() || matches!(character, '_' | '$'));
    plain.then(|| text.into_owned())
}

/// Whether files of `a` may call what files of `b` define.
fn same_family(a: Language, b: Language) -> bool {
    let family = |language| match language {
        Language::Python => 0,
        Language::JavaScript | Language::TypeScript | Language::Tsx => 1,
        Language::Java => 2,
    };
    family(a) == family(b)
}

/// A definition found in the repository: its file, first line and (redacted) lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The file, relative to the root.
    pub path: String,
    /// The first line's number in the file.
    pub first_line: u32,
    /// Its lines, at most [`MAX_DEFINITION_LINES`].
    pub lines: Vec<String>,
}

/// Where the names in `wanted` are defined among `files` (path, language and text, read by
/// the caller), first file first; only files of the same language family as `language`
/// count, and only files that mention a wanted name are parsed. `redact` turns a file's
/// text into what may be sent (its line numbers kept).
pub fn find_definitions<'t>(
    language: Language,
    files: impl IntoIterator<Item = (String, Language, String)>,
    wanted: &BTreeSet<&'t str>,
    redact: &dyn Fn(&str) -> String,
) -> BTreeMap<&'t str, Definition> {
    let mut found = BTreeMap::new();
    // One pass over each file for all the names: a change calling thousands of names would
    // otherwise search every file of the repository once per name.
    let names: Vec<&'t str> = wanted.iter().copied().collect();
    let finder = aho_corasick::AhoCorasick::new(&names).ok();
    for (path, file_language, text) in files {
        if found.len() == wanted.len() {
            break;
        }
        let unfound = |name: &&str| !found.contains_key(name);
        let mentions = match &finder {
            // Overlapping: `get_json` is seen even where `get`, found already, matches too.
            Some(finder) => finder
                .find_overlapping_iter(&text)
                .any(|hit| names.get(hit.pattern().as_usize()).is_some_and(unfound)),
            None => wanted
                .iter()
                .any(|name| unfound(name) && text.contains(name)),
        };
        if !same_family(language, file_language) || !mentions {
            continue;
        }
        let outline = Outline::parse(file_language, &text);
        let mut shown: Option<Vec<String>> = None;
        for scope in &outline.scopes {
            let Some(&name) = wanted.get(scope.name.as_str()) else {
                continue;
            };
            if found.contains_key(name) {
                continue;
            }
            let lines =
                shown.get_or_insert_with(|| redact(&text).lines().map(str::to_owned).collect());
            found.insert(
                name,
                Definition {
                    path: path.clone(),
                    first_line: scope.start,
                    lines: slice(
                        lines,
                        scope.start,
                        scope.end.min(scope.start + MAX_DEFINITION_LINES - 1),
                    ),
                },
            );
        }
    }
    found
}

/// Lines `first..=last` (1-based) of `lines`, each cut at [`MAX_LINE_CHARS`].
fn slice(lines: &[String], first: u32, last: u32) -> Vec<String> {
    let from = usize::try_from(first.saturating_sub(1)).unwrap_or(usize::MAX);
    let to = usize::try_from(last).unwrap_or(usize::MAX).min(lines.len());
    lines
        .get(from..to)
        .map(|lines| lines.iter().map(|line| cut(line)).collect())
        .unwrap_or_default()
}

/// `line`, or its first [`MAX_LINE_CHARS`] characters and how many more there were.
fn cut(line: &str) -> String {
    match line.char_indices().nth(MAX_LINE_CHARS) {
        Some((at, _)) => format!(
            "{}…({} more characters not sent)",
            &line[..at],
            line[at..].chars().count()
        ),
        None => line.to_owned(),
    }
}

/// A file of the change, ready to cut hunks from.
#[derive(Debug)]
pub struct ChangedFile<'a> {
    /// Its path, relative to the root.
    pub path: &'a str,
    /// Its lines, already redacted (line numbers kept).
    pub lines: &'a [String],
    /// Its outline, parsed from the text as it is.
    pub outline: &'a Outline,
}

impl ChangedFile<'_> {
    /// The hunk of lines `first..=last` with its context: the file's imports, the function
    /// around it, and the definitions of what it calls — from this file, else from
    /// `elsewhere` (see [`find_definitions`]).
    pub fn hunk(&self, first: u32, last: u32, elsewhere: &BTreeMap<&str, Definition>) -> Hunk {
        let mut context = String::new();
        let imports: Vec<(u32, u32)> = self
            .outline
            .imports
            .iter()
            .copied()
            .filter(|&(start, _)| start < first || start > last)
            .collect();
        if !imports.is_empty() {
            context.push_str("Imports:\n");
            let mut shown = 0;
            for (start, end) in imports {
                for line in start..=end {
                    if shown < MAX_IMPORT_LINES {
                        self.number(&mut context, line);
                        shown += 1;
                    }
                }
            }
        }
        if let Some(scope) = self.outline.enclosing(first, last) {
            let start = scope.start.max(first.saturating_sub(ENCLOSING_MARGIN));
            let end = scope.end.min(last.saturating_add(ENCLOSING_MARGIN));
            let _ = writeln!(
                context,
                "Enclosing `{}` (lines {}-{}):",
                scope.name, scope.start, scope.end
            );
            if start > scope.start {
                self.number(&mut context, scope.start);
                context.push_str("…\n");
            }
            for line in start..=end {
                if line == first {
                    let _ = writeln!(context, "{first}-{last} | (the hunk, below)");
                } else if !(first..=last).contains(&line) {
                    self.number(&mut context, line);
                }
            }
        }
        let mut definitions = 0;
        for name in self.outline.called(first, last) {
            if definitions == MAX_DEFINITIONS || context.len() > MAX_CONTEXT_CHARS {
                break;
            }
            if let Some(scope) = self.outline.definition(name, first, last) {
                let _ = writeln!(context, "Definition of `{name}` (this file):");
                for line in scope.start..=scope.end.min(scope.start + MAX_DEFINITION_LINES - 1) {
                    self.number(&mut context, line);
                }
                definitions += 1;
            } else if let Some(definition) = elsewhere.get(name) {
                let _ = writeln!(context, "Definition of `{name}` ({}):", definition.path);
                for (line, code) in (definition.first_line..).zip(&definition.lines) {
                    let _ = writeln!(context, "{line} | {code}");
                }
                definitions += 1;
            }
        }
        if context.len() > MAX_CONTEXT_CHARS {
            let mut cut = MAX_CONTEXT_CHARS;
            while !context.is_char_boundary(cut) {
                cut -= 1;
            }
            context.truncate(cut);
            context.push_str("\n…(context cut)\n");
        }
        Hunk {
            path: self.path.to_owned(),
            first_line: first,
            lines: slice(self.lines, first, last),
            context: context.trim_end().to_owned(),
        }
    }

    /// Appends line `line` of the file, numbered.
    fn number(&self, out: &mut String, line: u32) {
        if let Some(code) = slice(self.lines, line, line).first() {
            let _ = writeln!(out, "{line} | {code}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAYMENTS: &str = "\
import os
from app.db import query

TAX = 0.2

def total(cart):
    return sum(item.price for item in cart)

def checkout(cart, user):
    amount = total(cart)
    rows = query(user.id)
    charge(user, amount * (1 + TAX))
    return rows
";

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn a_name_inside_another_name_found_already_does_not_hide_it() {
        let files = [
            ("a.py", "def get():\n    return 1\n"),
            ("b.py", "x = get_json()\n"),
            ("c.py", "def get_json():\n    return get()\n"),
        ]
        .map(|(path, text)| (path.to_owned(), Language::Python, text.to_owned()));
        let found = find_definitions(
            Language::Python,
            files,
            &BTreeSet::from(["get", "get_json", "missing"]),
            &|text: &str| text.to_owned(),
        );
        assert_eq!(found["get"].path, "a.py");
        assert_eq!(found["get_json"].path, "c.py");
        assert!(!found.contains_key("missing"));
    }

    #[test]
    fn a_long_line_is_cut_wherever_it_is_sent() {
        let long = format!("x = '{}'", "é".repeat(100_000));
        let text = format!("import os\n{long}\ndef f():\n    return g()\ndef g():\n    {long}\n");
        let outline = Outline::parse(Language::Python, &text);
        let shown = lines(&text);
        let file = ChangedFile {
            path: "app/min.py",
            lines: &shown,
            outline: &outline,
        };
        let hunk = file.hunk(2, 4, &BTreeMap::new());
        assert_eq!(hunk.lines.len(), 3);
        assert_eq!(
            hunk.lines[0].chars().count(),
            2_000 + "…(98006 more characters not sent)".chars().count()
        );
        assert!(hunk.lines[0].ends_with("é…(98006 more characters not sent)"));
        let message = hunk.user_message();
        assert!(message.len() < 20_000, "{} bytes sent", message.len());
        assert!(message.contains("Definition of `g`"), "{message}");
    }

    #[test]
    fn a_hunk_comes_with_imports_its_function_and_what_it_calls() {
        let outline = Outline::parse(Language::Python, PAYMENTS);
        assert_eq!(outline.called(10, 12), ["total", "query", "charge"]);
        let text = lines(PAYMENTS);
        let file = ChangedFile {
            path: "app/pay.py",
            lines: &text,
            outline: &outline,
        };
        let db = "def query(user_id):\n    return db.execute('select', user_id)\n";
        let elsewhere = find_definitions(
            Language::Python,
            [
                (
                    "web/app.js".to_owned(),
                    Language::JavaScript,
                    "function query() {}".to_owned(),
                ),
                ("app/db.py".to_owned(), Language::Python, db.to_owned()),
            ],
            &BTreeSet::from(["query", "charge"]),
            &|text: &str| text.to_owned(),
        );
        assert_eq!(elsewhere.len(), 1, "{elsewhere:?}");
        assert_eq!(elsewhere["query"].path, "app/db.py");
        let hunk = file.hunk(10, 12, &elsewhere);
        assert_eq!(hunk.line_range(), 10..=12);
        assert_eq!(hunk.lines[0], "    amount = total(cart)");
        let context = &hunk.context;
        assert!(
            context.starts_with("Imports:\n1 | import os\n2 | from app.db import query\n"),
            "{context}"
        );
        assert!(
            context.contains("Enclosing `checkout` (lines 9-13):\n9 | def checkout(cart, user):"),
            "{context}"
        );
        assert!(
            context.contains(
                "Definition of `total` (this file):\n6 | def total(cart):\n7 |     return sum"
            ),
            "{context}"
        );
        assert!(
            context.contains("Definition of `query` (app/db.py):\n1 | def query(user_id):"),
            "{context}"
        );
        assert!(
            !context.contains("charge("),
            "no definition of `charge` exists: {context}"
        );
    }

    #[test]
    fn javascript_and_java_calls_are_named() {
        let js = "const db = require('./db');\nfunction handler(req) {\n  return db.find(new User(req.id));\n}\n";
        let outline = Outline::parse(Language::JavaScript, js);
        assert_eq!(outline.imports, [(1, 1)]);
        assert_eq!(outline.called(3, 3), ["find", "User"]);
        assert_eq!(
            outline.enclosing(3, 3).map(|scope| scope.name.as_str()),
            Some("handler")
        );
        let java = "import java.util.List;\nclass Pay {\n  int run() {\n    return Tax.rate(new Cart()).size();\n  }\n}\n";
        let outline = Outline::parse(Language::Java, java);
        assert_eq!(outline.called(4, 4), ["size", "rate", "Cart"]);
        assert_eq!(
            outline.enclosing(4, 4).map(|scope| scope.name.as_str()),
            Some("run")
        );
    }

    #[test]
    fn a_long_function_is_sent_around_the_hunk_only() {
        let mut text = String::from("def long():\n");
        for line in 0..500 {
            let _ = writeln!(text, "    x{line} = {line}");
        }
        let outline = Outline::parse(Language::Python, &text);
        let lines = lines(&text);
        let file = ChangedFile {
            path: "long.py",
            lines: &lines,
            outline: &outline,
        };
        let hunk = file.hunk(300, 301, &BTreeMap::new());
        let context_lines = hunk.context.lines().count();
        assert!(context_lines < 90, "{context_lines} lines of context");
        assert!(
            hunk.context.contains("1 | def long():\n…\n260 |"),
            "{}",
            hunk.context
        );
    }
}
