//! What a source file imports, read off its syntax tree in one traversal.
//!
//! The structural scanner calls [`imports`] on the tree it already parsed for its rules, so
//! the dependency analyzer learns which packages and which members of them a file uses
//! without parsing anything twice.

use std::collections::{BTreeSet, HashMap};

use ast_grep_core::Doc;
use serde::Serialize;

use crate::Language;
use crate::tree::{AstNode, TreeWalk};

/// The imports of one source file, and the members of imported modules it names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Imports {
    /// Every module or package imported, once per import statement (or `require` call).
    pub modules: Vec<ImportedModule>,
    /// Members reached through an import: `os.path.join(…)` after `import os` is module
    /// `os`, path `["path", "join"]`; `from json import loads` is module `json`, path
    /// `["loads"]`. Chains through names the file rebinds are left out.
    pub members: Vec<MemberUse>,
}

/// The imports of one file of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileImports {
    /// Path relative to the scan root, with `/` separators.
    pub path: String,
    /// The file's language.
    pub language: Language,
    /// What it imports.
    pub imports: Imports,
}

/// A module named by an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedModule {
    /// As written: `yaml`, `os.path`, `@scope/pkg/sub`, `node:fs`, `org.slf4j.Logger`.
    /// Relative imports (`from . import x`, `./util`) are not listed.
    pub module: String,
    /// 1-based line of the import.
    pub line: u32,
    /// 1-based column of the module name.
    pub column: u32,
    /// The source line, for reports (at most [`MAX_LINE_TEXT`] bytes).
    pub text: String,
    /// Inside a `try` block: code that copes when the module is missing
    /// (`try: import ujson as json` / `except ImportError`).
    pub optional: bool,
}

/// A chain of member names reached from an imported module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberUse {
    /// The module as imported (`os`, `node:fs`).
    pub module: String,
    /// Member names in order, at least one.
    pub path: Vec<String>,
    /// 1-based line of the first member name.
    pub line: u32,
    /// 1-based column of the first member name.
    pub column: u32,
    /// The source line, for reports (at most [`MAX_LINE_TEXT`] bytes).
    pub text: String,
}

/// The most of a source line an import keeps for reports.
pub const MAX_LINE_TEXT: usize = 240;

/// Lists what the tree under `root` imports, in one walk of the tree (linear in its size,
/// however deep it is).
pub fn imports(language: Language, root: &AstNode<'_>) -> Imports {
    let mut collector = Collector::default();
    let mut tries = TryBlocks::default();
    TreeWalk::full().run(root, |node, ancestors| {
        let at = At {
            node,
            parent: ancestors.last(),
            grandparent: ancestors
                .len()
                .checked_sub(2)
                .map(|index| &ancestors[index]),
            in_try: tries.enter(node, ancestors.len()),
        };
        match language {
            Language::Python => python(&mut collector, &at),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                javascript(&mut collector, &at);
            }
            Language::Java => java(&mut collector, &at),
        }
    });
    collector.finish()
}

/// A node visited by the walk, with what the collectors need to know of its ancestors.
struct At<'a, 'r> {
    node: &'a AstNode<'r>,
    parent: Option<&'a AstNode<'r>>,
    grandparent: Option<&'a AstNode<'r>>,
    /// Inside a `try` block.
    in_try: bool,
}

/// The depths of the `try` statements around the node being visited, kept as the walk
/// goes so that asking costs nothing.
#[derive(Default)]
struct TryBlocks {
    depths: Vec<usize>,
}

impl TryBlocks {
    /// Moves to `node` at `depth` and returns whether a `try` statement encloses it.
    fn enter(&mut self, node: &AstNode<'_>, depth: usize) -> bool {
        while self.depths.last().is_some_and(|&open| open >= depth) {
            self.depths.pop();
        }
        let inside = !self.depths.is_empty();
        if node.kind() == "try_statement" {
            self.depths.push(depth);
        }
        inside
    }
}

/// What a local name stands for: a module, or a member path inside one.
#[derive(Debug, Clone)]
struct Binding {
    module: String,
    path: Vec<String>,
}

/// Collects imports and bindings in one traversal, then resolves member chains.
#[derive(Default)]
struct Collector {
    imports: Imports,
    bindings: HashMap<String, Binding>,
    /// Names the file also binds some other way (parameters, assignments, definitions):
    /// chains through them are not followed.
    rebound: BTreeSet<String>,
    /// Root name, members and the first member's place of every maximal dotted chain.
    chains: Vec<(String, Vec<String>, Place)>,
    locator: Locator,
}

impl Collector {
    fn module(&mut self, module: String, node: &AstNode<'_>, optional: bool) {
        let place = self.locator.place(node);
        self.imports.modules.push(ImportedModule {
            module,
            line: place.line,
            column: place.column,
            text: place.text,
            optional,
        });
    }

    fn member(&mut self, module: &str, path: Vec<String>, node: &AstNode<'_>) {
        let place = self.locator.place(node);
        self.imports.members.push(MemberUse {
            module: module.to_owned(),
            path,
            line: place.line,
            column: place.column,
            text: place.text,
        });
    }

    fn bind(&mut self, name: String, module: &str, path: Vec<String>) {
        if let Some(bound) = self.bindings.get(&name) {
            // Bound to two things by imports: which one a use means depends on control flow.
            if bound.module != module || bound.path != path {
                self.rebound.insert(name);
            }
            return;
        }
        self.bindings.insert(
            name,
            Binding {
                module: module.to_owned(),
                path,
            },
        );
    }

    fn finish(mut self) -> Imports {
        for (name, members, place) in std::mem::take(&mut self.chains) {
            if self.rebound.contains(&name) {
                continue;
            }
            let Some(binding) = self.bindings.get(&name) else {
                continue;
            };
            let mut path = binding.path.clone();
            path.extend(members);
            self.imports.members.push(MemberUse {
                module: binding.module.clone(),
                path,
                line: place.line,
                column: place.column,
                text: place.text,
            });
        }
        self.imports.members.sort_by(|a, b| {
            (a.line, a.column, &a.module, &a.path).cmp(&(b.line, b.column, &b.module, &b.path))
        });
        self.imports
    }
}

/// Where a node starts: 1-based line and character column, and the line's text.
struct Place {
    line: u32,
    column: u32,
    text: String,
}

/// Turns node starts into [`Place`]s without rescanning a whole line per node (a hostile
/// one-line file with thousands of imports would make that quadratic): nodes mostly come
/// in source order, so a column is counted on from the previous node on the same line.
#[derive(Default)]
struct Locator {
    /// `(byte offset, 0-based line, 0-based character column)` of the last node placed.
    last: Option<(usize, usize, usize)>,
}

impl Locator {
    fn place(&mut self, node: &AstNode<'_>) -> Place {
        let source = node.get_doc().get_source().as_str();
        let offset = node.range().start.min(source.len());
        let (line, byte_column) = node.start_pos().byte_point();
        let line_start = offset.saturating_sub(byte_column);
        let chars = |from: usize| {
            source
                .get(from..offset)
                .map_or(0, |text| text.chars().count())
        };
        let column = match self.last {
            Some((last_offset, last_line, last_column))
                if last_line == line && last_offset <= offset =>
            {
                last_column + chars(last_offset)
            }
            _ => chars(line_start),
        };
        self.last = Some((offset, line, column));
        let mut end = (line_start + MAX_LINE_TEXT).min(source.len());
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let text = source.get(line_start..end).unwrap_or_default();
        let text = text.split('\n').next().unwrap_or_default();
        Place {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            text: text.trim_end_matches('\r').to_owned(),
        }
    }
}

fn python(collector: &mut Collector, at: &At<'_, '_>) {
    let node = at.node;
    match node.kind().as_ref() {
        "import_statement" => {
            for name in node.field_children("name") {
                if name.kind() == "aliased_import" {
                    let (Some(module), Some(alias)) = (name.field("name"), name.field("alias"))
                    else {
                        continue;
                    };
                    let module_name = module.text().into_owned();
                    collector.module(module_name.clone(), &module, at.in_try);
                    collector.bind(alias.text().into_owned(), &module_name, Vec::new());
                } else {
                    let module_name = name.text().into_owned();
                    collector.module(module_name.clone(), &name, at.in_try);
                    // `import os.path` binds `os`.
                    let first = module_name.split('.').next().unwrap_or_default();
                    collector.bind(first.to_owned(), first, Vec::new());
                }
            }
        }
        "import_from_statement" => python_from(collector, node, at.in_try),
        "attribute" if !continues_chain(node, at.parent, "attribute") => {
            chain(collector, node, "attribute", "object", "attribute");
        }
        "identifier" => python_rebinding(collector, node, at.parent),
        _ => {}
    }
}

/// Whether `node` is the object of a longer chain (`a.b` in `a.b.c`): only the longest
/// chain is recorded.
fn continues_chain(node: &AstNode<'_>, parent: Option<&AstNode<'_>>, kind: &str) -> bool {
    parent.is_some_and(|parent| {
        parent.kind() == kind
            && parent
                .field("object")
                .is_some_and(|object| object.node_id() == node.node_id())
    })
}

/// `from M import a, b as c`: module M, members `a` and `b`, bindings `a` and `c`.
fn python_from(collector: &mut Collector, node: &AstNode<'_>, optional: bool) {
    let Some(module) = node.field("module_name") else {
        return;
    };
    if module.kind() == "relative_import" {
        return;
    }
    let module_name = module.text().into_owned();
    collector.module(module_name.clone(), &module, optional);
    for name in node.field_children("name") {
        let (imported, local) = if name.kind() == "aliased_import" {
            let (Some(imported), Some(alias)) = (name.field("name"), name.field("alias")) else {
                continue;
            };
            (imported, alias.text().into_owned())
        } else {
            let local = name.text().into_owned();
            (name, local)
        };
        let path: Vec<String> = imported.text().split('.').map(str::to_owned).collect();
        collector.member(&module_name, path.clone(), &imported);
        collector.bind(local, &module_name, path);
    }
}

/// Parameters, assignment targets, loop variables and definitions that reuse an import's
/// name.
fn python_rebinding(collector: &mut Collector, node: &AstNode<'_>, parent: Option<&AstNode<'_>>) {
    let Some(parent) = parent else {
        return;
    };
    let rebinds = match parent.kind().as_ref() {
        "parameters"
        | "lambda_parameters"
        | "typed_parameter"
        | "list_splat_pattern"
        | "dictionary_splat_pattern"
        | "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "as_pattern_target"
        | "global_statement"
        | "nonlocal_statement" => true,
        "default_parameter"
        | "typed_default_parameter"
        | "function_definition"
        | "class_definition" => parent
            .field("name")
            .is_some_and(|name| name.node_id() == node.node_id()),
        "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => parent
            .field("left")
            .is_some_and(|left| left.node_id() == node.node_id()),
        _ => false,
    };
    if rebinds {
        collector.rebound.insert(node.text().into_owned());
    }
}

/// Records the maximal dotted chain ending at `node` (`a.b.c`) when its root is a plain
/// name.
fn chain(
    collector: &mut Collector,
    node: &AstNode<'_>,
    kind: &str,
    object_field: &str,
    member_field: &str,
) {
    let mut members = Vec::new();
    let mut current = node.clone();
    let mut first_member = None;
    loop {
        if current.kind() != kind {
            break;
        }
        let (Some(object), Some(member)) =
            (current.field(object_field), current.field(member_field))
        else {
            return;
        };
        members.push(member.text().into_owned());
        first_member = Some(member);
        current = object;
    }
    if current.kind() != "identifier" {
        return;
    }
    let Some(first_member) = first_member else {
        return;
    };
    members.reverse();
    let place = collector.locator.place(&first_member);
    collector
        .chains
        .push((current.text().into_owned(), members, place));
}

fn javascript(collector: &mut Collector, at: &At<'_, '_>) {
    let node = at.node;
    match node.kind().as_ref() {
        "import_statement" => js_import(collector, node, at.in_try),
        "export_statement" => {
            if let Some(source) = node.field("source") {
                let module = string_value(&source);
                if !module.is_empty() {
                    collector.module(module, &source, at.in_try);
                }
            }
        }
        "call_expression" => js_require(collector, at),
        "member_expression" if !continues_chain(node, at.parent, "member_expression") => {
            chain(collector, node, "member_expression", "object", "property");
        }
        "identifier" | "shorthand_property_identifier_pattern" => js_rebinding(collector, at),
        _ => {}
    }
}

/// `import d, * as ns, { a, b as c } from "m"`.
fn js_import(collector: &mut Collector, node: &AstNode<'_>, optional: bool) {
    let Some(source) = node.field("source") else {
        return;
    };
    let module = string_value(&source);
    if module.is_empty() {
        return;
    }
    collector.module(module.clone(), &source, optional);
    let Some(clause) = node
        .children()
        .find(|child| child.kind() == "import_clause")
    else {
        return;
    };
    for part in clause.children() {
        match part.kind().as_ref() {
            // A default import of a Node.js core module is the module object.
            "identifier" => collector.bind(part.text().into_owned(), &module, Vec::new()),
            "namespace_import" => {
                if let Some(name) = part.children().find(|child| child.kind() == "identifier") {
                    collector.bind(name.text().into_owned(), &module, Vec::new());
                }
            }
            "named_imports" => {
                for specifier in part.children().filter(|s| s.kind() == "import_specifier") {
                    let Some(name) = specifier.field("name") else {
                        continue;
                    };
                    let imported = string_value(&name);
                    let local = specifier
                        .field("alias")
                        .map_or_else(|| imported.clone(), |alias| alias.text().into_owned());
                    collector.member(&module, vec![imported.clone()], &name);
                    collector.bind(local, &module, vec![imported]);
                }
            }
            _ => {}
        }
    }
}

/// `require("m")` and `import("m")`, with the binding of `const x = require("m")` and
/// `const { a, b: c } = require("m")`.
fn js_require(collector: &mut Collector, at: &At<'_, '_>) {
    let node = at.node;
    let Some(function) = node.field("function") else {
        return;
    };
    let dynamic = function.kind() == "import";
    if !(dynamic || function.kind() == "identifier" && function.text() == "require") {
        return;
    }
    let Some(argument) = node
        .field("arguments")
        .and_then(|arguments| arguments.named_children().next())
    else {
        return;
    };
    if argument.kind() != "string" {
        return;
    }
    let module = string_value(&argument);
    if module.is_empty() {
        return;
    }
    collector.module(module.clone(), &argument, at.in_try);
    if dynamic {
        return;
    }
    let Some(declarator) = at
        .parent
        .filter(|parent| parent.kind() == "variable_declarator")
    else {
        return;
    };
    let Some(name) = declarator.field("name") else {
        return;
    };
    match name.kind().as_ref() {
        "identifier" => collector.bind(name.text().into_owned(), &module, Vec::new()),
        "object_pattern" => {
            for property in name.named_children() {
                let (imported, local) = match property.kind().as_ref() {
                    "shorthand_property_identifier_pattern" => (property.clone(), property.clone()),
                    "pair_pattern" => match (property.field("key"), property.field("value")) {
                        (Some(key), Some(value)) if value.kind() == "identifier" => (key, value),
                        _ => continue,
                    },
                    _ => continue,
                };
                let member = imported.text().into_owned();
                collector.member(&module, vec![member.clone()], &imported);
                collector.bind(local.text().into_owned(), &module, vec![member]);
            }
        }
        _ => {}
    }
}

/// Parameters, declarations and assignments that reuse an import's name.
fn js_rebinding(collector: &mut Collector, at: &At<'_, '_>) {
    let node = at.node;
    let Some(parent) = at.parent else {
        return;
    };
    let rebinds = match parent.kind().as_ref() {
        "formal_parameters" | "required_parameter" | "optional_parameter" | "rest_pattern"
        | "array_pattern" => true,
        // `const x = require(…)` is the import itself; any other declaration of the name
        // rebinds it.
        "variable_declarator" => {
            parent
                .field("name")
                .is_some_and(|name| name.node_id() == node.node_id())
                && !parent
                    .field("value")
                    .is_some_and(|value| is_require_or_import(&value))
        }
        "object_pattern" => !at
            .grandparent
            .and_then(|declarator| declarator.field("value"))
            .is_some_and(|value| is_require_or_import(&value)),
        "function_declaration" | "class_declaration" | "function_expression" => parent
            .field("name")
            .is_some_and(|name| name.node_id() == node.node_id()),
        "assignment_expression" => parent
            .field("left")
            .is_some_and(|left| left.node_id() == node.node_id()),
        "arrow_function" => parent
            .field("parameter")
            .is_some_and(|p| p.node_id() == node.node_id()),
        "catch_clause" => parent
            .field("parameter")
            .is_some_and(|p| p.node_id() == node.node_id()),
        _ => false,
    };
    if rebinds {
        collector.rebound.insert(node.text().into_owned());
    }
}

fn is_require_or_import(node: &AstNode<'_>) -> bool {
    let node = if node.kind() == "await_expression" {
        match node.named_children().next() {
            Some(inner) => inner,
            None => return false,
        }
    } else {
        node.clone()
    };
    node.kind() == "call_expression"
        && node.field("function").is_some_and(|function| {
            function.kind() == "import"
                || function.kind() == "identifier" && function.text() == "require"
        })
}

/// The text of a string literal without its quotes (escapes are kept as written: module
/// names do not use them).
fn string_value(node: &AstNode<'_>) -> String {
    let text = node.text();
    let trimmed = text
        .strip_prefix(['"', '\'', '`'])
        .and_then(|inner| inner.strip_suffix(['"', '\'', '`']))
        .unwrap_or(&text);
    trimmed.to_owned()
}

fn java(collector: &mut Collector, at: &At<'_, '_>) {
    let node = at.node;
    if node.kind() != "import_declaration" {
        return;
    }
    let Some(name) = node
        .named_children()
        .find(|child| matches!(child.kind().as_ref(), "scoped_identifier" | "identifier"))
    else {
        return;
    };
    collector.module(name.text().into_owned(), &name, at.in_try);
}
