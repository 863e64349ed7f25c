//! The test functions of a file, read from its syntax tree: their names, whether they are
//! skipped, focused or empty, and their assertions.

use agate_lang::{AstNode, Language, TreeWalk};
use ast_grep_core::tree_sitter::LanguageExt as _;

/// One test function as the file defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TestFn {
    /// Its name, with the enclosing class or `describe` titles: `TestRefund.test_negative`,
    /// `refund > rejects negative amounts`.
    pub(crate) name: String,
    /// The 1-based line where it is defined.
    pub(crate) line: u32,
    /// What skips it (`@pytest.mark.skip`, `it.skip`, `@Disabled`), if anything.
    pub(crate) skipped: Option<String>,
    /// What makes it the only test that runs (`it.only`, `fit`), if anything.
    pub(crate) focused: Option<String>,
    /// Its body does nothing: only `pass`, `return`, docstrings or comments.
    pub(crate) empty: bool,
    /// Its assertions, in order.
    pub(crate) assertions: Vec<Assertion>,
}

impl TestFn {
    /// Assertions that check something (not `assert True`).
    pub(crate) fn meaningful(&self) -> usize {
        self.assertions
            .iter()
            .filter(|assertion| assertion.strength != Strength::Trivial)
            .count()
    }

    /// Assertions that compare a value (not only that it exists or is truthy).
    pub(crate) fn strong(&self) -> usize {
        self.assertions
            .iter()
            .filter(|assertion| assertion.strength == Strength::Strong)
            .count()
    }
}

/// One assertion call or statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assertion {
    /// Its text, whitespace collapsed.
    pub(crate) text: String,
    /// The 1-based line it starts on.
    pub(crate) line: u32,
    pub(crate) strength: Strength,
}

/// How much an assertion checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strength {
    /// Compares values: `assertEqual(a, b)`, `expect(x).toBe(y)`.
    Strong,
    /// Only that a value exists or is truthy: `toBeDefined()`, `assertIsNotNone(x)`.
    Weak,
    /// Checks nothing: `assert True`, `expect(true).toBe(true)`, `assertTrue(true)`.
    Trivial,
}

/// The test functions of `text`, a file in `language`.
pub(crate) fn tests(language: Language, text: &str) -> Vec<TestFn> {
    let tree = language.ast_grep(text);
    let root = tree.root();
    let mut found = Vec::new();
    match language {
        Language::Python => python_scope(&root, "", None, 0, &mut found),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript(&root, &mut found);
        }
        Language::Java => java(&root, &mut found),
    }
    found
}

fn line_of(node: &AstNode<'_>) -> u32 {
    u32::try_from(node.start_pos().line()).map_or(u32::MAX, |line| line.saturating_add(1))
}

/// Whether two nodes are the same node of the tree.
fn same(a: &AstNode<'_>, b: &AstNode<'_>) -> bool {
    a.range() == b.range() && a.kind() == b.kind()
}

/// `text` on one line, whitespace collapsed.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first line of `text`, at most 80 characters.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(79).collect::<String>())
    } else {
        line.to_owned()
    }
}

// ---------------------------------------------------------------------------------------
// Python: `test*` functions at module level and in classes (pytest and unittest).

/// How deeply nested classes are read for test methods: real test classes nest a level or
/// two; the bound keeps a hostile file's recursion short.
const MAX_CLASS_DEPTH: usize = 32;

fn python_scope(
    scope: &AstNode<'_>,
    prefix: &str,
    skipped: Option<&str>,
    depth: usize,
    out: &mut Vec<TestFn>,
) {
    if depth > MAX_CLASS_DEPTH {
        return;
    }
    for child in scope.children() {
        let (decorators, definition) = if child.kind() == "decorated_definition" {
            let decorators: Vec<String> = child
                .children()
                .filter(|node| node.kind() == "decorator")
                .map(|node| node.text().into_owned())
                .collect();
            match child.field("definition") {
                Some(definition) => (decorators, definition),
                None => continue,
            }
        } else {
            (Vec::new(), child.clone())
        };
        let skip = decorators
            .iter()
            .find(|decorator| is_python_skip(decorator))
            .map(|decorator| short(decorator))
            .or_else(|| skipped.map(str::to_owned));
        let Some(name) = definition
            .field("name")
            .map(|name| name.text().into_owned())
        else {
            continue;
        };
        match definition.kind().as_ref() {
            "class_definition" => {
                if let Some(body) = definition.field("body") {
                    python_scope(
                        &body,
                        &format!("{prefix}{name}."),
                        skip.as_deref(),
                        depth + 1,
                        out,
                    );
                }
            }
            "function_definition" if name.starts_with("test") => {
                let Some(body) = definition.field("body") else {
                    continue;
                };
                let mut test = TestFn {
                    name: format!("{prefix}{name}"),
                    line: line_of(&child),
                    skipped: skip,
                    focused: None,
                    empty: python_empty(&body),
                    assertions: Vec::new(),
                };
                python_body(&body, &mut test);
                out.push(test);
            }
            _ => {}
        }
    }
}

fn is_python_skip(decorator: &str) -> bool {
    let name = decorator
        .trim_start_matches('@')
        .split('(')
        .next()
        .unwrap_or_default();
    let last = name.rsplit('.').next().unwrap_or_default();
    matches!(
        last,
        "skip" | "skipif" | "skipIf" | "skipUnless" | "xfail" | "expectedFailure"
    )
}

fn python_empty(body: &AstNode<'_>) -> bool {
    body.children()
        .filter(AstNode::is_named)
        .all(|statement| match statement.kind().as_ref() {
            "pass_statement" | "comment" => true,
            "return_statement" => statement.children().filter(AstNode::is_named).count() == 0,
            "expression_statement" => statement
                .children()
                .filter(AstNode::is_named)
                .all(|expression| matches!(expression.kind().as_ref(), "string" | "ellipsis")),
            _ => false,
        })
}

fn python_body(body: &AstNode<'_>, test: &mut TestFn) {
    TreeWalk::full().run(body, |node, _, _| match node.kind().as_ref() {
        "assert_statement" => {
            let strength = match node.children().find(AstNode::is_named) {
                Some(condition) if python_literal(&condition) => Strength::Trivial,
                Some(condition) if python_weak_condition(&condition) => Strength::Weak,
                _ => Strength::Strong,
            };
            test.assertions.push(Assertion {
                text: collapse(&node.text()),
                line: line_of(node),
                strength,
            });
        }
        "call" => {
            let Some(function) = node.field("function") else {
                return;
            };
            let name = last_name(&function.text());
            let arguments: Vec<AstNode<'_>> = node
                .field("arguments")
                .map(|arguments| arguments.children().filter(AstNode::is_named).collect())
                .unwrap_or_default();
            if matches!(name.as_str(), "skip" | "skipTest" | "xfail") && test.skipped.is_none() {
                test.skipped = Some(short(&node.text()));
            } else if name.starts_with("assert") || matches!(name.as_str(), "raises" | "fail") {
                let strength = if !arguments.is_empty() && arguments.iter().all(python_literal) {
                    Strength::Trivial
                } else if matches!(
                    name.as_str(),
                    "assertTrue" | "assertIsNotNone" | "assert_called" | "assert_any_call"
                ) {
                    Strength::Weak
                } else {
                    Strength::Strong
                };
                test.assertions.push(Assertion {
                    text: collapse(&node.text()),
                    line: line_of(node),
                    strength,
                });
            }
        }
        _ => {}
    });
}

fn python_literal(node: &AstNode<'_>) -> bool {
    matches!(
        node.kind().as_ref(),
        "true" | "false" | "none" | "integer" | "float" | "string"
    )
}

/// `assert x`, `assert x is not None`: only that a value is there.
fn python_weak_condition(node: &AstNode<'_>) -> bool {
    match node.kind().as_ref() {
        "identifier" | "attribute" => true,
        "comparison_operator" => collapse(&node.text()).ends_with("is not None"),
        _ => false,
    }
}

/// The last dotted part of a callee: `self.assertEqual` → `assertEqual`.
fn last_name(callee: &str) -> String {
    callee
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// JavaScript and TypeScript: `it`/`test` calls (Jest, Mocha, Vitest, Jasmine), inside
// `describe` blocks.

/// What a test-framework call is.
enum Block {
    Suite,
    Test,
}

/// `it.only` → (`Test`, focused, skipped).
fn js_block(callee: &str) -> Option<(Block, bool, bool)> {
    let mut parts = callee.split('.');
    let head = parts.next()?;
    let modifiers: Vec<&str> = parts.collect();
    let (block, mut focused, mut skipped) = match head {
        "describe" | "context" | "suite" => (Block::Suite, false, false),
        "xdescribe" | "xcontext" => (Block::Suite, false, true),
        "fdescribe" => (Block::Suite, true, false),
        "it" | "test" | "specify" => (Block::Test, false, false),
        "xit" | "xtest" | "xspecify" => (Block::Test, false, true),
        "fit" => (Block::Test, true, false),
        _ => return None,
    };
    for modifier in modifiers {
        match modifier {
            "only" => focused = true,
            "skip" | "todo" => skipped = true,
            "each" | "concurrent" | "sequential" | "failing" => {}
            _ => return None,
        }
    }
    Some((block, focused, skipped))
}

/// A test-framework call's callee, with `test.each(table)` reduced to `test.each`.
fn js_callee<'r>(call: &AstNode<'r>) -> Option<AstNode<'r>> {
    let function = call.field("function")?;
    if function.kind() == "call_expression" {
        let inner = function.field("function")?;
        return inner.text().ends_with(".each").then_some(inner);
    }
    Some(function)
}

fn js_title(call: &AstNode<'_>) -> Option<String> {
    let arguments = call.field("arguments")?;
    let first = arguments.children().find(AstNode::is_named)?;
    let text = first.text();
    let title = text
        .trim_matches(|character| matches!(character, '\'' | '"' | '`'))
        .to_owned();
    Some(title)
}

fn javascript(root: &AstNode<'_>, out: &mut Vec<TestFn>) {
    // Suites open on the way down; a test's suites are its ancestors' suite calls.
    TreeWalk::full().run(root, |node, ancestors, _| {
        if node.kind() != "call_expression" {
            return;
        }
        let Some(callee) = js_callee(node) else {
            return;
        };
        let Some((Block::Test, focused, skipped)) = js_block(&collapse(&callee.text())) else {
            return;
        };
        let Some(title) = js_title(node) else {
            return;
        };
        let mut names = Vec::new();
        let mut suite_skipped = None;
        let mut suite_focused = None;
        for ancestor in ancestors
            .iter()
            .filter(|node| node.kind() == "call_expression")
        {
            let Some(callee) = js_callee(ancestor) else {
                continue;
            };
            let callee = collapse(&callee.text());
            if let Some((Block::Suite, focused, skipped)) = js_block(&callee) {
                names.push(js_title(ancestor).unwrap_or_default());
                if skipped {
                    suite_skipped.get_or_insert_with(|| callee.clone());
                }
                if focused {
                    suite_focused.get_or_insert(callee);
                }
            }
        }
        names.push(title);
        let callee_text = collapse(&callee.text());
        let body = node.field("arguments").and_then(|arguments| {
            arguments
                .children()
                .filter(|argument| {
                    matches!(
                        argument.kind().as_ref(),
                        "arrow_function" | "function_expression" | "function"
                    )
                })
                .last()
        });
        let mut test = TestFn {
            name: names.join(" > "),
            line: line_of(node),
            skipped: if skipped {
                Some(callee_text.clone())
            } else {
                suite_skipped
            },
            focused: if focused {
                Some(callee_text)
            } else {
                suite_focused
            },
            empty: body.as_ref().is_none_or(js_empty),
            assertions: Vec::new(),
        };
        if let Some(body) = body.and_then(|function| function.field("body")) {
            js_assertions(&body, &mut test);
        }
        out.push(test);
    });
}

fn js_empty(function: &AstNode<'_>) -> bool {
    let Some(body) = function.field("body") else {
        return true;
    };
    if body.kind() != "statement_block" {
        // `() => expression`: the expression is the test.
        return false;
    }
    body.children()
        .filter(AstNode::is_named)
        .all(|statement| match statement.kind().as_ref() {
            "comment" | "empty_statement" => true,
            "return_statement" => statement.children().filter(AstNode::is_named).count() == 0,
            _ => false,
        })
}

/// Matchers that only say a value exists or is truthy.
const JS_WEAK: &[&str] = &[
    "toBeDefined",
    "toBeTruthy",
    "toBeFalsy",
    "not.toBeNull",
    "not.toBeUndefined",
    "toHaveBeenCalled",
    "to.exist",
    "to.be.ok",
    "ok",
];

fn js_assertions(body: &AstNode<'_>, test: &mut TestFn) {
    TreeWalk::full().run(body, |node, ancestors, _| {
        if node.kind() != "call_expression" {
            return;
        }
        let Some(function) = node.field("function") else {
            return;
        };
        let callee = collapse(&function.text());
        let expect = callee == "expect";
        let assert = callee == "assert" || callee.starts_with("assert.");
        if !expect && !assert {
            return;
        }
        // The whole chain: `expect(x).not.toBe(y)` from its `expect(x)`.
        let mut chain = node.clone();
        for ancestor in ancestors.iter().rev() {
            let extends = match ancestor.kind().as_ref() {
                "member_expression" => ancestor
                    .field("object")
                    .is_some_and(|object| same(&object, &chain)),
                "call_expression" => ancestor
                    .field("function")
                    .is_some_and(|function| same(&function, &chain)),
                _ => false,
            };
            if !extends {
                break;
            }
            chain = ancestor.clone();
        }
        let arguments: Vec<AstNode<'_>> = node
            .field("arguments")
            .map(|arguments| arguments.children().filter(AstNode::is_named).collect())
            .unwrap_or_default();
        let literal = !arguments.is_empty() && arguments.iter().all(js_literal);
        let whole = collapse(&chain.text());
        let matcher = if expect {
            let own = collapse(&node.text());
            whole
                .strip_prefix(&own)
                .unwrap_or_default()
                .trim_start_matches('.')
                .split('(')
                .next()
                .unwrap_or_default()
                .to_owned()
        } else {
            callee
                .trim_start_matches("assert")
                .trim_start_matches('.')
                .to_owned()
        };
        let strength = if literal {
            Strength::Trivial
        } else if JS_WEAK.contains(&matcher.as_str()) || expect && matcher.is_empty() {
            Strength::Weak
        } else {
            Strength::Strong
        };
        test.assertions.push(Assertion {
            text: whole,
            line: line_of(node),
            strength,
        });
    });
}

fn js_literal(node: &AstNode<'_>) -> bool {
    matches!(
        node.kind().as_ref(),
        "true" | "false" | "null" | "undefined" | "number" | "string"
    )
}

// ---------------------------------------------------------------------------------------
// Java: JUnit 4 and 5 `@Test` methods.

const JAVA_TESTS: &[&str] = &[
    "Test",
    "ParameterizedTest",
    "RepeatedTest",
    "TestFactory",
    "TestTemplate",
];

fn annotations(declaration: &AstNode<'_>) -> Vec<(String, String)> {
    declaration
        .children()
        .filter(|node| node.kind() == "modifiers")
        .flat_map(|modifiers| modifiers.children().collect::<Vec<_>>())
        .filter(|node| matches!(node.kind().as_ref(), "marker_annotation" | "annotation"))
        .filter_map(|annotation| {
            let name = annotation.field("name")?.text().into_owned();
            let name = name.rsplit('.').next().unwrap_or_default().to_owned();
            Some((name, short(&annotation.text())))
        })
        .collect()
}

fn is_java_skip(name: &str) -> bool {
    matches!(name, "Disabled" | "Ignore") || name.starts_with("Disabled")
}

fn java(root: &AstNode<'_>, out: &mut Vec<TestFn>) {
    TreeWalk::full().run(root, |node, ancestors, _| {
        if node.kind() != "method_declaration" {
            return;
        }
        let own = annotations(node);
        if !own
            .iter()
            .any(|(name, _)| JAVA_TESTS.contains(&name.as_str()))
        {
            return;
        }
        let classes: Vec<&AstNode<'_>> = ancestors
            .iter()
            .filter(|ancestor| ancestor.kind() == "class_declaration")
            .collect();
        let mut names: Vec<String> = classes
            .iter()
            .filter_map(|class| Some(class.field("name")?.text().into_owned()))
            .collect();
        let Some(name) = node.field("name") else {
            return;
        };
        names.push(name.text().into_owned());
        let skipped = own
            .iter()
            .chain(
                classes
                    .iter()
                    .flat_map(|class| annotations(class))
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .find(|(name, _)| is_java_skip(name))
            .map(|(_, text)| text.clone());
        let body = node.field("body");
        let mut test = TestFn {
            name: names.join("."),
            line: line_of(node),
            skipped,
            focused: None,
            empty: body.as_ref().is_none_or(java_empty),
            assertions: Vec::new(),
        };
        if let Some(body) = &body {
            java_assertions(body, &mut test);
        }
        out.push(test);
    });
}

fn java_empty(body: &AstNode<'_>) -> bool {
    body.children()
        .filter(AstNode::is_named)
        .all(|statement| match statement.kind().as_ref() {
            "line_comment" | "block_comment" => true,
            "return_statement" => statement.children().filter(AstNode::is_named).count() == 0,
            _ => false,
        })
}

fn java_assertions(body: &AstNode<'_>, test: &mut TestFn) {
    TreeWalk::full().run(body, |node, ancestors, _| {
        if node.kind() != "method_invocation" {
            return;
        }
        let Some(name) = node.field("name").map(|name| name.text().into_owned()) else {
            return;
        };
        if !(name.starts_with("assert") || matches!(name.as_str(), "fail" | "verify")) {
            return;
        }
        // `assertThat(x).isEqualTo(y)`: the chain the assertion begins.
        let mut chain = node.clone();
        for ancestor in ancestors.iter().rev() {
            if ancestor.kind() == "method_invocation"
                && ancestor
                    .field("object")
                    .is_some_and(|object| same(&object, &chain))
            {
                chain = ancestor.clone();
            } else {
                break;
            }
        }
        let arguments: Vec<AstNode<'_>> = node
            .field("arguments")
            .map(|arguments| arguments.children().filter(AstNode::is_named).collect())
            .unwrap_or_default();
        let literal = !arguments.is_empty() && arguments.iter().all(java_literal);
        let outer = chain
            .field("name")
            .map(|name| name.text().into_owned())
            .unwrap_or_default();
        let strength = if literal {
            Strength::Trivial
        } else if matches!(name.as_str(), "assertNotNull" | "assertTrue")
            || matches!(outer.as_str(), "isNotNull" | "isTrue")
        {
            Strength::Weak
        } else {
            Strength::Strong
        };
        test.assertions.push(Assertion {
            text: collapse(&chain.text()),
            line: line_of(node),
            strength,
        });
    });
}

fn java_literal(node: &AstNode<'_>) -> bool {
    matches!(
        node.kind().as_ref(),
        "true"
            | "false"
            | "null_literal"
            | "decimal_integer_literal"
            | "decimal_floating_point_literal"
            | "string_literal"
            | "character_literal"
    )
}
