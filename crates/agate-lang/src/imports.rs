//! What a source file imports, read off its syntax tree in one traversal.
//!
//! The structural scanner calls [`imports`] on the tree it already parsed for its rules, so
//! the dependency analyzer learns which packages and which members of them a file uses
//! without parsing anything twice.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ast_grep_core::Doc;
use serde::Serialize;

use crate::Language;
use crate::tree::{AstNode, NodeIds, TreeWalk};

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
    /// Not needed at run time: inside a `try` block, code that copes when the module is
    /// missing (`try: import ujson as json` / `except ImportError`), or (Python) under
    /// `if TYPE_CHECKING:`, where only type checkers import it.
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

/// Whether `text` may import anything: every import names a keyword — `import` (Python,
/// Java, JavaScript's `import` and `import()`), and in JavaScript and TypeScript also
/// `require` (a `require(…)` call) and `from` (`export … from "m"`). A file with none of
/// them imports nothing, and need not be parsed to learn so.
pub fn may_import(language: Language, text: &str) -> bool {
    let words: &[&str] = match language {
        Language::Python | Language::Java => &["import"],
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            &["import", "require", "from"]
        }
    };
    words.iter().any(|word| text.contains(word))
}

/// Lists what the tree under `root` imports, in one walk of the tree (linear in its size,
/// however deep it is).
pub fn imports(language: Language, root: &AstNode<'_>) -> Imports {
    let mut reader = ImportReader::new(language);
    TreeWalk::full().run(root, |node, ancestors, ids| {
        reader.visit(node, ancestors, ids);
    });
    reader.finish()
}

/// Reads imports node by node, so that a walk the caller makes anyway (the structural
/// rules') lists them too: feed it every node of a tree in document order with its
/// ancestors ([`TreeWalk`]), then [`ImportReader::finish`]. A walk that leaves nodes out
/// (a bounded one that cut a subtree) must not be finished: read with [`imports`] instead.
pub struct ImportReader<'r> {
    language: Language,
    grammar: &'static Grammar,
    collector: Collector<'r>,
    guards: Guards,
    /// The kind ids of the visited node's ancestors and its own, root first: a parent's
    /// kind is read here, not asked of tree-sitter again.
    kind_ids: Vec<u16>,
}

impl<'r> ImportReader<'r> {
    /// A reader of a file in `language`.
    pub fn new(language: Language) -> ImportReader<'r> {
        ImportReader {
            language,
            grammar: Grammar::of(language),
            collector: Collector::default(),
            guards: Guards::default(),
            kind_ids: Vec::new(),
        }
    }

    /// Reads one node; `ancestors` are the root first and the parent last. Call it for every
    /// node of the tree in pre-order, none skipped, as [`TreeWalk`] does: parents' kinds are
    /// remembered from their own visits.
    pub fn visit(&mut self, node: &AstNode<'r>, ancestors: &[AstNode<'r>], ids: NodeIds) {
        let depth = ancestors.len();
        self.kind_ids.truncate(depth);
        let parent_kind_id = self.kind_ids.last().copied();
        let kind_id = ids.kind_id;
        self.kind_ids.push(kind_id);
        let kind = self.grammar.kind_of(kind_id);
        let at = At {
            node,
            kind,
            parent: ancestors.last(),
            parent_kind_id,
            field_id: ids.field_id,
            grandparent: ancestors
                .len()
                .checked_sub(2)
                .map(|index| &ancestors[index]),
            optional: self.guards.enter(
                kind == Kind::TryStatement
                    || self
                        .grammar
                        .is_type_checking_block(ids, parent_kind_id, ancestors.last()),
                ancestors.len(),
            ),
            grammar: self.grammar,
        };
        match self.language {
            Language::Python => python(&mut self.collector, &at),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                javascript(&mut self.collector, &at);
            }
            Language::Java => java(&mut self.collector, &at),
        }
    }

    /// What the file imports.
    pub fn finish(self) -> Imports {
        self.collector.finish(self.grammar)
    }
}

/// The node kinds the reader acts on. Looked up by kind id, so the walk compares numbers
/// instead of asking tree-sitter for each node's kind name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Other,
    TryStatement,
    /// Python's `if`: its block is typing-only under `if TYPE_CHECKING:`.
    IfStatement,
    ImportStatement,
    ImportFromStatement,
    ImportDeclaration,
    ExportStatement,
    CallExpression,
    /// A link of a dotted chain: `attribute` (Python), `member_expression` (JavaScript).
    Chain,
    Identifier,
    ShorthandPattern,
}

/// How a parent binds an identifier below it (see `python_rebinding`, `js_rebinding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rebinds {
    Never,
    Always,
    /// When the identifier is the parent's field with this id.
    Field(Option<u16>),
    VariableDeclarator,
    ObjectPattern,
}

/// Kind and field ids of one grammar, resolved once.
struct Grammar {
    kinds: Vec<Kind>,
    rebinds: Vec<Rebinds>,
    /// The fields of a chain link: its object and its member.
    object: Option<u16>,
    member: Option<u16>,
    /// Fields the JavaScript readers ask every call and declarator for.
    name: Option<u16>,
    value: Option<u16>,
    function: Option<u16>,
    arguments: Option<u16>,
    /// An `if`'s condition and its first block.
    condition: Option<u16>,
    consequence: Option<u16>,
}

impl Grammar {
    fn of(language: Language) -> &'static Grammar {
        static PYTHON: LazyLock<Grammar> = LazyLock::new(|| Grammar::new(Language::Python));
        static JAVASCRIPT: LazyLock<Grammar> = LazyLock::new(|| Grammar::new(Language::JavaScript));
        static TYPESCRIPT: LazyLock<Grammar> = LazyLock::new(|| Grammar::new(Language::TypeScript));
        static TSX: LazyLock<Grammar> = LazyLock::new(|| Grammar::new(Language::Tsx));
        static JAVA: LazyLock<Grammar> = LazyLock::new(|| Grammar::new(Language::Java));
        match language {
            Language::Python => &PYTHON,
            Language::JavaScript => &JAVASCRIPT,
            Language::TypeScript => &TYPESCRIPT,
            Language::Tsx => &TSX,
            Language::Java => &JAVA,
        }
    }

    fn new(language: Language) -> Grammar {
        let python = language == Language::Python;
        let java = language == Language::Java;
        let kind_of = |name: &str| match name {
            "try_statement" => Kind::TryStatement,
            "if_statement" if python => Kind::IfStatement,
            "import_statement" if !java => Kind::ImportStatement,
            "import_from_statement" if python => Kind::ImportFromStatement,
            "import_declaration" if java => Kind::ImportDeclaration,
            "export_statement" if !python && !java => Kind::ExportStatement,
            "call_expression" if !python && !java => Kind::CallExpression,
            "attribute" if python => Kind::Chain,
            "member_expression" if !python && !java => Kind::Chain,
            "identifier" => Kind::Identifier,
            "shorthand_property_identifier_pattern" if !python && !java => Kind::ShorthandPattern,
            _ => Kind::Other,
        };
        let grammar = language.tree_sitter();
        let field = |name: &str| grammar.field_id_for_name(name).map(std::num::NonZero::get);
        let rebinds_of = |name: &str| {
            if python {
                match name {
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
                    | "nonlocal_statement" => Rebinds::Always,
                    "default_parameter"
                    | "typed_default_parameter"
                    | "function_definition"
                    | "class_definition" => Rebinds::Field(field("name")),
                    "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                        Rebinds::Field(field("left"))
                    }
                    _ => Rebinds::Never,
                }
            } else {
                match name {
                    "formal_parameters" | "required_parameter" | "optional_parameter"
                    | "rest_pattern" | "array_pattern" => Rebinds::Always,
                    "variable_declarator" => Rebinds::VariableDeclarator,
                    "object_pattern" => Rebinds::ObjectPattern,
                    "function_declaration" | "class_declaration" | "function_expression" => {
                        Rebinds::Field(field("name"))
                    }
                    "assignment_expression" => Rebinds::Field(field("left")),
                    "arrow_function" | "catch_clause" => Rebinds::Field(field("parameter")),
                    _ => Rebinds::Never,
                }
            }
        };
        // Every id, aliases included: one name can stand for several ids.
        let names: Vec<&str> = (0..grammar.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| grammar.node_kind_for_id(id))
                    .unwrap_or_default()
            })
            .collect();
        let (object, member) = if python {
            ("object", "attribute")
        } else {
            ("object", "property")
        };
        Grammar {
            kinds: names.iter().map(|name| kind_of(name)).collect(),
            rebinds: names.iter().map(|name| rebinds_of(name)).collect(),
            object: field(object),
            member: field(member),
            name: field("name"),
            value: field("value"),
            function: field("function"),
            arguments: field("arguments"),
            condition: field("condition"),
            consequence: field("consequence"),
        }
    }

    fn kind(&self, node: &AstNode<'_>) -> Kind {
        self.kind_of(node.kind_id())
    }

    /// Whether the node is the block of an `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`):
    /// imports there serve type checkers only and are never made at run time.
    fn is_type_checking_block(
        &self,
        ids: NodeIds,
        parent_kind_id: Option<u16>,
        parent: Option<&AstNode<'_>>,
    ) -> bool {
        self.consequence.is_some()
            && ids.field_id == self.consequence
            && parent_kind_id.is_some_and(|id| self.kind_of(id) == Kind::IfStatement)
            && parent
                .and_then(|parent| Grammar::field(parent, self.condition))
                .is_some_and(|condition| {
                    let text = source_text(&condition);
                    text == "TYPE_CHECKING" || text.ends_with(".TYPE_CHECKING")
                })
    }

    fn kind_of(&self, kind_id: u16) -> Kind {
        self.kinds
            .get(usize::from(kind_id))
            .copied()
            .unwrap_or(Kind::Other)
    }

    fn rebinds(&self, parent_kind_id: u16) -> Rebinds {
        self.rebinds
            .get(usize::from(parent_kind_id))
            .copied()
            .unwrap_or(Rebinds::Never)
    }

    /// The object of a chain link (`a.b` of `a.b.c`).
    fn object<'r>(&self, link: &AstNode<'r>) -> Option<AstNode<'r>> {
        link.child_by_field_id(self.object?)
    }

    /// The member of a chain link (`c` of `a.b.c`).
    fn member<'r>(&self, link: &AstNode<'r>) -> Option<AstNode<'r>> {
        link.child_by_field_id(self.member?)
    }

    /// The child of `node` in the field with this id: by id, as names cost a string
    /// comparison per field of the grammar.
    fn field<'r>(node: &AstNode<'r>, id: Option<u16>) -> Option<AstNode<'r>> {
        node.child_by_field_id(id?)
    }
}

/// A node visited by the walk, with what the collectors need to know of its ancestors.
struct At<'a, 'r> {
    node: &'a AstNode<'r>,
    kind: Kind,
    parent: Option<&'a AstNode<'r>>,
    /// The kind id of `parent`.
    parent_kind_id: Option<u16>,
    /// The field `node` fills in `parent`.
    field_id: Option<u16>,
    grandparent: Option<&'a AstNode<'r>>,
    /// Inside a `try` block or an `if TYPE_CHECKING:` block: imports there are optional.
    optional: bool,
    grammar: &'static Grammar,
}

impl At<'_, '_> {
    /// Whether the node fills its parent's field with this id.
    fn fills(&self, field: Option<u16>) -> bool {
        field.is_some() && self.field_id == field
    }
}

/// The depths of the nodes around the one being visited under which imports are optional
/// (`try` statements, `if TYPE_CHECKING:` blocks), kept as the walk goes so that asking
/// costs nothing.
#[derive(Default)]
struct Guards {
    depths: Vec<usize>,
}

impl Guards {
    /// Moves to a node at `depth` (a guard itself when `is_guard`) and returns whether a
    /// guard encloses it.
    fn enter(&mut self, is_guard: bool, depth: usize) -> bool {
        while self.depths.last().is_some_and(|&open| open >= depth) {
            self.depths.pop();
        }
        let inside = !self.depths.is_empty();
        if is_guard {
            self.depths.push(depth);
        }
        inside
    }
}

/// The source text of a node, borrowed from the file (no copy, no re-validation).
fn source_text<'r>(node: &AstNode<'r>) -> &'r str {
    let source: &'r str = node.get_doc().get_source().as_str();
    source.get(node.range()).unwrap_or_default()
}

/// What a local name stands for: a module, or a member path inside one.
#[derive(Debug, Clone)]
struct Binding {
    module: String,
    path: Vec<String>,
}

/// Collects imports and bindings in one traversal, then resolves member chains.
#[derive(Default)]
struct Collector<'r> {
    imports: Imports,
    bindings: HashMap<&'r str, Binding>,
    /// Names the file also binds some other way (parameters, assignments, definitions):
    /// chains through them are not followed.
    rebound: HashSet<&'r str>,
    /// The outermost link of every maximal dotted chain (`a.b.c`), resolved in
    /// [`Collector::finish`] once every binding is known: most chains start at a name no
    /// import binds (`self.x`), and cost nothing more than this entry.
    chains: Vec<AstNode<'r>>,
    locator: Locator,
}

impl<'r> Collector<'r> {
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

    fn bind(&mut self, name: &'r str, module: &str, path: Vec<String>) {
        if let Some(bound) = self.bindings.get(name) {
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

    fn finish(mut self, grammar: &Grammar) -> Imports {
        for link in std::mem::take(&mut self.chains) {
            self.resolve_chain(grammar, &link);
        }
        self.imports.members.sort_by(|a, b| {
            (a.line, a.column, &a.module, &a.path).cmp(&(b.line, b.column, &b.module, &b.path))
        });
        self.imports
    }

    /// Records the chain whose outermost link is `link` when its root is a name an import
    /// bound (and nothing rebinds).
    fn resolve_chain(&mut self, grammar: &Grammar, link: &AstNode<'r>) {
        let mut current = link.clone();
        let mut first_member = None;
        let mut links = 0usize;
        while grammar.kind(&current) == Kind::Chain {
            let (Some(object), Some(member)) = (grammar.object(&current), grammar.member(&current))
            else {
                return;
            };
            first_member = Some(member);
            links += 1;
            current = object;
        }
        let Some(first_member) = first_member else {
            return;
        };
        if grammar.kind(&current) != Kind::Identifier {
            return;
        }
        let name = source_text(&current);
        if self.rebound.contains(name) {
            return;
        }
        let Some(binding) = self.bindings.get(name) else {
            return;
        };
        let mut path = Vec::with_capacity(binding.path.len() + links);
        path.extend(binding.path.iter().cloned());
        let module = binding.module.clone();
        let start = path.len();
        let mut current = link.clone();
        while let (Some(object), Some(member)) =
            (grammar.object(&current), grammar.member(&current))
        {
            path.push(source_text(&member).to_owned());
            if grammar.kind(&object) != Kind::Chain {
                break;
            }
            current = object;
        }
        path[start..].reverse();
        let place = self.locator.place(&first_member);
        self.imports.members.push(MemberUse {
            module,
            path,
            line: place.line,
            column: place.column,
            text: place.text,
        });
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

fn python<'r>(collector: &mut Collector<'r>, at: &At<'_, 'r>) {
    let node = at.node;
    match at.kind {
        Kind::ImportStatement => {
            for name in node.field_children("name") {
                if name.kind() == "aliased_import" {
                    let (Some(module), Some(alias)) = (name.field("name"), name.field("alias"))
                    else {
                        continue;
                    };
                    let module_name = source_text(&module);
                    collector.module(module_name.to_owned(), &module, at.optional);
                    collector.bind(source_text(&alias), module_name, Vec::new());
                } else {
                    let module_name = source_text(&name);
                    collector.module(module_name.to_owned(), &name, at.optional);
                    // `import os.path` binds `os`.
                    let first = module_name.split('.').next().unwrap_or_default();
                    collector.bind(first, first, Vec::new());
                }
            }
        }
        Kind::ImportFromStatement => python_from(collector, node, at.optional),
        Kind::Chain if !continues_chain(at) => collector.chains.push(node.clone()),
        Kind::Identifier => python_rebinding(collector, at),
        _ => {}
    }
}

/// Whether the node is the object of a longer chain (`a.b` in `a.b.c`): only the longest
/// chain is recorded.
fn continues_chain(at: &At<'_, '_>) -> bool {
    // A link below a link is its object, the first child (a member is a name): it starts
    // where its parent does.
    at.parent.is_some_and(|parent| {
        at.parent_kind_id
            .is_some_and(|id| at.grammar.kind_of(id) == Kind::Chain)
            && parent.range().start == at.node.range().start
    })
}

/// `from M import a, b as c`: module M, members `a` and `b`, bindings `a` and `c`.
fn python_from<'r>(collector: &mut Collector<'r>, node: &AstNode<'r>, optional: bool) {
    let Some(module) = node.field("module_name") else {
        return;
    };
    if module.kind() == "relative_import" {
        return;
    }
    let module_name = source_text(&module);
    collector.module(module_name.to_owned(), &module, optional);
    for name in node.field_children("name") {
        let (imported, local) = if name.kind() == "aliased_import" {
            let (Some(imported), Some(alias)) = (name.field("name"), name.field("alias")) else {
                continue;
            };
            (imported, source_text(&alias))
        } else {
            let local = source_text(&name);
            (name, local)
        };
        let path: Vec<String> = source_text(&imported)
            .split('.')
            .map(str::to_owned)
            .collect();
        collector.member(module_name, path.clone(), &imported);
        collector.bind(local, module_name, path);
    }
}

/// Parameters, assignment targets, loop variables and definitions that reuse an import's
/// name.
fn python_rebinding<'r>(collector: &mut Collector<'r>, at: &At<'_, 'r>) {
    let rebinds = match at
        .parent_kind_id
        .map_or(Rebinds::Never, |id| at.grammar.rebinds(id))
    {
        Rebinds::Always => true,
        Rebinds::Field(field) => at.fills(field),
        Rebinds::Never | Rebinds::VariableDeclarator | Rebinds::ObjectPattern => false,
    };
    if rebinds {
        collector.rebound.insert(source_text(at.node));
    }
}

fn javascript<'r>(collector: &mut Collector<'r>, at: &At<'_, 'r>) {
    let node = at.node;
    match at.kind {
        Kind::ImportStatement => js_import(collector, node, at.optional),
        Kind::ExportStatement => {
            if let Some(source) = node.field("source") {
                let module = string_value(&source);
                if !module.is_empty() {
                    collector.module(module.to_owned(), &source, at.optional);
                }
            }
        }
        Kind::CallExpression => js_require(collector, at),
        Kind::Chain if !continues_chain(at) => collector.chains.push(node.clone()),
        Kind::Identifier | Kind::ShorthandPattern => js_rebinding(collector, at),
        _ => {}
    }
}

/// `import d, * as ns, { a, b as c } from "m"`.
fn js_import<'r>(collector: &mut Collector<'r>, node: &AstNode<'r>, optional: bool) {
    let Some(source) = node.field("source") else {
        return;
    };
    let module = string_value(&source);
    if module.is_empty() {
        return;
    }
    collector.module(module.to_owned(), &source, optional);
    let Some(clause) = node
        .children()
        .find(|child| child.kind() == "import_clause")
    else {
        return;
    };
    for part in clause.children() {
        match part.kind().as_ref() {
            // A default import of a Node.js core module is the module object.
            "identifier" => collector.bind(source_text(&part), module, Vec::new()),
            "namespace_import" => {
                if let Some(name) = part.children().find(|child| child.kind() == "identifier") {
                    collector.bind(source_text(&name), module, Vec::new());
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
                        .map_or(imported, |alias| source_text(&alias));
                    collector.member(module, vec![imported.to_owned()], &name);
                    collector.bind(local, module, vec![imported.to_owned()]);
                }
            }
            _ => {}
        }
    }
}

/// `require("m")` and `import("m")`, with the binding of `const x = require("m")` and
/// `const { a, b: c } = require("m")`.
fn js_require<'r>(collector: &mut Collector<'r>, at: &At<'_, 'r>) {
    let node = at.node;
    // The callee comes first in a call's text: most calls are neither.
    if !source_text(node).starts_with(['r', 'i']) {
        return;
    }
    let Some(function) = Grammar::field(node, at.grammar.function) else {
        return;
    };
    let dynamic = function.kind() == "import";
    if !(dynamic || function.kind() == "identifier" && source_text(&function) == "require") {
        return;
    }
    let Some(argument) = Grammar::field(node, at.grammar.arguments)
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
    collector.module(module.to_owned(), &argument, at.optional);
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
        "identifier" => collector.bind(source_text(&name), module, Vec::new()),
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
                let member = source_text(&imported);
                collector.member(module, vec![member.to_owned()], &imported);
                collector.bind(source_text(&local), module, vec![member.to_owned()]);
            }
        }
        _ => {}
    }
}

/// Parameters, declarations and assignments that reuse an import's name.
fn js_rebinding<'r>(collector: &mut Collector<'r>, at: &At<'_, 'r>) {
    let node = at.node;
    let Some(parent) = at.parent else {
        return;
    };
    let rebinds = match at
        .parent_kind_id
        .map_or(Rebinds::Never, |id| at.grammar.rebinds(id))
    {
        Rebinds::Never => false,
        Rebinds::Always => true,
        // `const x = require(…)` is the import itself; any other declaration of the name
        // rebinds it.
        Rebinds::VariableDeclarator => {
            at.fills(at.grammar.name)
                && !Grammar::field(parent, at.grammar.value)
                    .is_some_and(|value| is_require_or_import(&value, at.grammar))
        }
        Rebinds::ObjectPattern => !at
            .grandparent
            .and_then(|declarator| Grammar::field(declarator, at.grammar.value))
            .is_some_and(|value| is_require_or_import(&value, at.grammar)),
        Rebinds::Field(field) => at.fills(field),
    };
    if rebinds {
        collector.rebound.insert(source_text(node));
    }
}

fn is_require_or_import(node: &AstNode<'_>, grammar: &Grammar) -> bool {
    let node = if node.kind() == "await_expression" {
        match node.named_children().next() {
            Some(inner) => inner,
            None => return false,
        }
    } else {
        node.clone()
    };
    node.kind() == "call_expression"
        && Grammar::field(&node, grammar.function).is_some_and(|function| {
            function.kind() == "import"
                || function.kind() == "identifier" && source_text(&function) == "require"
        })
}

/// The text of a string literal without its quotes (escapes are kept as written: module
/// names do not use them).
fn string_value<'r>(node: &AstNode<'r>) -> &'r str {
    let text = source_text(node);
    text.strip_prefix(['"', '\'', '`'])
        .and_then(|inner| inner.strip_suffix(['"', '\'', '`']))
        .unwrap_or(text)
}

fn java<'r>(collector: &mut Collector<'r>, at: &At<'_, 'r>) {
    let node = at.node;
    if at.kind != Kind::ImportDeclaration {
        return;
    }
    let Some(name) = node
        .named_children()
        .find(|child| matches!(child.kind().as_ref(), "scoped_identifier" | "identifier"))
    else {
        return;
    };
    collector.module(source_text(&name).to_owned(), &name, at.optional);
}
