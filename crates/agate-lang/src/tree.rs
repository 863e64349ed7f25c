//! Walking a syntax tree with every node's ancestors at hand, in time linear in its size.
//!
//! tree-sitter stores no parent links: `Node::parent` (and so ast-grep's `parent` and
//! `ancestors`) walks down from the root to the node on every call, so asking each node of
//! a tree for its parent costs the depth of the tree per node. On hostile input — an
//! attribute chain `a.a.a….b` of 20,000 links, `f(f(f(…)))` 20,000 deep — the tree is as deep
//! as the input is long, and that turns into quadratic time (18 s for a 40 kB file). A
//! [`TreeWalk`] instead keeps the path from the root to the current node itself, so a node's
//! parent and ancestors cost nothing; code of agate walks trees with it, and clippy rejects
//! the parent-lookup methods elsewhere (`clippy.toml`).

use ast_grep_core::Node;
use ast_grep_core::tree_sitter::StrDoc;

use crate::Language;

/// A node of a parsed source file.
pub type AstNode<'r> = Node<'r, StrDoc<Language>>;

/// How deep below the root a bounded walk goes (see [`TreeWalk::bounded`]).
///
/// Structural rules are matched on nodes down to this depth. Real code stays far below it
/// (the deepest file of Python 3.11's standard library is 29 levels deep, of npm's own
/// `node_modules` and jQuery 53); only generated or hostile input goes deeper. Rules that
/// look at ancestors or whole subtrees cost up to this many steps per node, so the bound
/// keeps a file's matching linear in its size.
pub const MAX_RULE_DEPTH: usize = 1_000;

/// What the walk read of a node from its cursor, so visitors need not ask tree-sitter again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeIds {
    /// The node's kind id (as `AstNode::kind_id` gives it).
    pub kind_id: u16,
    /// The id of the field the node fills in its parent (`left` of an assignment), if any.
    pub field_id: Option<u16>,
}

/// Visits every node of a tree in document order (pre-order), each with its ancestors.
#[derive(Debug, Clone, Copy)]
pub struct TreeWalk {
    max_depth: usize,
}

/// What a walk did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Visited {
    /// Nodes visited.
    pub nodes: u64,
    /// Steps taken: nodes visited plus children listed. A walk takes at most two steps per
    /// node, whatever the tree's shape; tests hold callers to that.
    pub steps: u64,
    /// Subtrees left out because they start below the depth bound.
    pub cut: u64,
    /// The 0-based line of the first subtree left out.
    pub first_cut_line: Option<usize>,
}

impl TreeWalk {
    /// A walk of the whole tree, however deep.
    pub fn full() -> TreeWalk {
        TreeWalk {
            max_depth: usize::MAX,
        }
    }

    /// A walk that visits nodes at most `max_depth` levels below the root (the root is level
    /// 0) and counts the subtrees it leaves out.
    pub fn bounded(max_depth: usize) -> TreeWalk {
        TreeWalk { max_depth }
    }

    /// Calls `visit` with each node under (and including) `root`, its ancestors (the root
    /// first and the parent last) and its [`NodeIds`].
    pub fn run<'r>(
        self,
        root: &AstNode<'r>,
        mut visit: impl FnMut(&AstNode<'r>, &[AstNode<'r>], NodeIds),
    ) -> Visited {
        let mut walked = Visited::default();
        let tree = root.root();
        // One cursor for the whole walk: it moves to the first child, the next sibling or
        // back up, each in constant time; `path` holds the ancestors of its node.
        let inner = root.get_inner_node();
        let mut cursor = inner.walk();
        let mut path: Vec<AstNode<'r>> = Vec::new();
        loop {
            let inner = cursor.node();
            let ids = NodeIds {
                kind_id: inner.kind_id(),
                // The walk's root is no field of the cursor's.
                field_id: if path.is_empty() {
                    None
                } else {
                    cursor.field_id().map(std::num::NonZero::get)
                },
            };
            let node = tree.adopt(inner);
            walked.nodes += 1;
            walked.steps += 1;
            visit(&node, &path, ids);
            if path.len() < self.max_depth {
                if cursor.goto_first_child() {
                    walked.steps += 1;
                    path.push(node);
                    continue;
                }
            } else if node.get_inner_node().child_count() > 0 {
                walked.cut += 1;
                walked
                    .first_cut_line
                    .get_or_insert_with(|| node.start_pos().line());
            }
            // Up to the nearest ancestor with a next sibling; done at the root.
            loop {
                if path.is_empty() {
                    return walked;
                }
                if cursor.goto_next_sibling() {
                    walked.steps += 1;
                    break;
                }
                cursor.goto_parent();
                path.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ast_grep_core::tree_sitter::LanguageExt;

    use super::*;

    /// Kinds of the visited nodes and of their parents, as the walk saw them.
    fn visits(source: &str, walk: TreeWalk) -> (Vec<(String, Option<String>, usize)>, Visited) {
        let root = Language::Python.ast_grep(source);
        let mut seen = Vec::new();
        let walked = walk.run(&root.root(), |node, ancestors, _| {
            seen.push((
                node.kind().into_owned(),
                ancestors.last().map(|parent| parent.kind().into_owned()),
                ancestors.len(),
            ));
        });
        (seen, walked)
    }

    #[test]
    fn visits_every_node_in_document_order_with_its_parent() {
        let root = Language::Python.ast_grep("x = f(a.b)\n");
        let expected: Vec<String> = root
            .root()
            .dfs()
            .map(|node| node.kind().into_owned())
            .collect();
        let (seen, walked) = visits("x = f(a.b)\n", TreeWalk::full());
        let kinds: Vec<String> = seen.iter().map(|(kind, _, _)| kind.clone()).collect();
        assert_eq!(kinds, expected);
        assert_eq!(walked.nodes, expected.len() as u64);
        assert_eq!(walked.cut, 0);
        let attribute = seen
            .iter()
            .find(|(kind, _, _)| kind == "attribute")
            .unwrap();
        assert_eq!(attribute.1.as_deref(), Some("argument_list"));
        assert_eq!(seen[0], ("module".to_owned(), None, 0));
    }

    #[test]
    fn issue_7_deep_trees_take_two_steps_per_node() {
        for links in [1_000, 10_000, 40_000] {
            let source = format!("z = {}b\n", "a.".repeat(links));
            let (seen, walked) = visits(&source, TreeWalk::full());
            assert!(seen.iter().any(|(_, _, depth)| *depth > links));
            assert!(
                walked.steps <= 2 * walked.nodes,
                "{links} links: {walked:?}"
            );
        }
    }

    #[test]
    fn issue_7_bounded_walk_counts_what_it_leaves_out() {
        let source = format!("x = 1\nz = {}1{}\n", "(".repeat(50), ")".repeat(50));
        let (seen, walked) = visits(&source, TreeWalk::bounded(20));
        assert!(seen.iter().all(|(_, _, depth)| *depth <= 20));
        assert_eq!(walked.cut, 1);
        assert_eq!(walked.first_cut_line, Some(1));
        let (_, whole) = visits(&source, TreeWalk::full());
        assert!(whole.nodes > walked.nodes);
        assert_eq!(whole.cut, 0);
    }
}
