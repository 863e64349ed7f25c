//! The analysis: an abstract interpreter that runs each function over what it knows of values
//! (see [`crate::value`]), statement by statement, in the order the code runs.
//!
//! Branches run on copies of the variables and join where they meet; a branch whose
//! condition is a constant runs alone; a branch that returns or raises does not reach the
//! code after it. Loops run twice (what one iteration leaves reaches the next). A call to a
//! function of the same file applies that function's summary (which parameters reach its
//! return value and which reach a sink inside it); any other call passes on its receiver's
//! and arguments' data, unless it is known to return a number or a boolean. Every step
//! counts against a budget, so a hostile file costs bounded time; an analysis that runs out
//! says so.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use agate_lang::{AstNode, MAX_RULE_DEPTH, TreeWalk};

use crate::marks::{Mark, Marks, RuleBits, Span};
use crate::syntax::{
    ContainerKind, Family, container_kind, is_exit_call, is_mutator, is_receiver, is_scalar_call,
    is_scalar_type, is_string_building, place_name,
};
use crate::value::{Const, Env, LAST_PARAM, MAX_ENTRIES, Slots, Taint, Value};

/// Steps one file may take: a node evaluated or a variable copied at a branch.
const BUDGET: u64 = 4_000_000;

/// How deep evaluations may nest (expressions in expressions, calls to summarised helpers).
const MAX_DEPTH: usize = 300;

/// A value from a source that reaches a sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// The rule's index in the analysis.
    pub rule: usize,
    /// The node the sink entry matched.
    pub sink: Span,
    /// The source, when known.
    pub source: Option<Span>,
}

/// What an analysis found.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Flows, ordered by sink and rule.
    pub flows: Vec<Flow>,
    /// False when the file was too large or too deeply nested to finish: flows may be missing.
    pub complete: bool,
}

/// Finds the flows from sources to sinks in the file under `root`, for the rules `marks`
/// has both a source and a sink of.
pub fn analyze(root: &AstNode<'_>, marks: &Marks) -> Analysis {
    let live = marks.live();
    if live == 0 {
        return Analysis {
            flows: Vec::new(),
            complete: true,
        };
    }
    let mut interp = Interp::new(root, marks, live);
    interp.exec(root);
    let mut flows: Vec<Flow> = interp
        .flows
        .into_iter()
        .map(|((rule, sink), source)| Flow { rule, sink, source })
        .collect();
    flows.sort_by_key(|flow| (flow.sink, flow.rule));
    Analysis {
        flows,
        complete: !interp.exhausted && !interp.cut,
    }
}

/// A function defined in the file, for calls to it.
#[derive(Clone)]
struct Definition<'t> {
    node: AstNode<'t>,
    /// Defined in a class (called through `self`/`this` or the class).
    method: bool,
}

/// What a function does with its parameters' data.
struct Summary {
    returns: Value,
    sinks: Vec<ParamSink>,
    /// Parameter names, for Python's keyword arguments.
    names: Vec<String>,
}

/// Parameters whose data reaches a sink inside the function.
#[derive(Debug, Clone, Copy)]
struct ParamSink {
    params: u32,
    rules: RuleBits,
    sink: Span,
}

#[derive(Default)]
struct Frame {
    returns: Option<Value>,
    summarizing: bool,
    sinks: Vec<ParamSink>,
}

struct Interp<'t, 'm> {
    family: Family,
    marks: &'m Marks,
    live: RuleBits,
    functions: HashMap<String, Vec<Definition<'t>>>,
    classes: HashSet<String>,
    /// Names of functions the file calls (or passes to a call).
    called: HashSet<String>,
    /// Sorted starts of the sinks and of the calls to the file's own functions.
    reporting: Vec<u32>,
    summaries: HashMap<Span, Option<Rc<Summary>>>,
    flows: BTreeMap<(usize, Span), Option<Span>>,
    env: Env,
    frame: Frame,
    /// Fields written (`this.x = …`) in the class being analysed.
    fields: Vec<(String, Value)>,
    in_class: bool,
    /// Values of nodes a propagator moves, until the propagator's match is evaluated.
    moved: HashMap<Span, Value>,
    /// Data for the parameters of the next closure (a callback of a tainted receiver).
    hint: Option<Value>,
    /// The top level's variables, for summaries.
    globals: Env,
    steps: u64,
    depth: usize,
    /// The budget is spent: nothing more runs.
    exhausted: bool,
    /// A subtree below the depth bound was left out.
    cut: bool,
}

/// A call's evaluated arguments.
struct Arguments {
    args: Vec<Value>,
    /// Python's keyword arguments, by name.
    kwargs: Vec<(String, Value)>,
    /// `type=int` among them (Flask's `request.args.get("n", type=int)`).
    typed_scalar: bool,
}

/// One `case` group of a `switch`.
struct Group<'t> {
    /// The labels' constants (`None`: a label the analysis cannot compute).
    labels: Vec<Option<Const>>,
    default: bool,
    statements: Vec<AstNode<'t>>,
    /// Whether control falls through to the next group (not for `case X ->`).
    falls_through: bool,
}

/// A call, taken apart.
struct Call<'t> {
    name: String,
    receiver: Option<AstNode<'t>>,
    /// `Receiver.name` when the receiver is a plain name or a dotted path.
    qualified: Option<String>,
    arguments: Option<AstNode<'t>>,
    /// `new T(…)`: the type's name.
    constructs: Option<String>,
}

fn named_children<'t>(node: &AstNode<'t>) -> impl Iterator<Item = AstNode<'t>> {
    node.children()
        .filter(|child| child.is_named() && child.kind() != "comment")
}

fn first_named<'t>(node: &AstNode<'t>) -> Option<AstNode<'t>> {
    named_children(node).next()
}

/// The parameter bindings of a function: each parameter's node and the pattern it binds.
fn parameters<'t>(family: Family, function: &AstNode<'t>, method: bool) -> Vec<AstNode<'t>> {
    let list = function
        .field("parameters")
        .or_else(|| function.field("parameter"));
    let Some(list) = list else {
        return Vec::new();
    };
    if matches!(list.kind().as_ref(), "identifier") {
        return vec![list];
    }
    let mut params: Vec<AstNode<'t>> = named_children(&list)
        .filter(|param| {
            !matches!(
                param.kind().as_ref(),
                "keyword_separator" | "positional_separator" | "receiver_parameter"
            )
        })
        .collect();
    if family == Family::Python && method {
        let first_is_receiver = params
            .first()
            .and_then(|param| param_pattern(param))
            .is_some_and(|pattern| matches!(pattern.text().as_ref(), "self" | "cls"));
        if first_is_receiver {
            params.remove(0);
        }
    }
    params
}

/// The pattern a parameter binds (`x` of `x: int = 3`).
fn param_pattern<'t>(param: &AstNode<'t>) -> Option<AstNode<'t>> {
    match param.kind().as_ref() {
        "identifier" | "object_pattern" | "array_pattern" => Some(param.clone()),
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" | "rest_pattern" => {
            first_named(param)
        }
        "default_parameter" | "typed_default_parameter" | "formal_parameter" => param.field("name"),
        "assignment_pattern" => param.field("left"),
        "required_parameter" | "optional_parameter" => param.field("pattern"),
        "spread_parameter" => named_children(param)
            .find(|child| child.kind() == "variable_declarator")
            .and_then(|declarator| declarator.field("name")),
        _ => None,
    }
}

fn param_type(param: &AstNode<'_>) -> Option<String> {
    param
        .field("type")
        .map(|kind| kind.text().trim_start_matches(':').trim().to_owned())
}

fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "function_declaration"
            | "generator_function_declaration"
            | "method_definition"
            | "method_declaration"
            | "constructor_declaration"
            | "lambda"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "lambda_expression"
    )
}

fn is_class(kind: &str) -> bool {
    matches!(
        kind,
        "class_definition"
            | "class_declaration"
            | "class"
            | "abstract_class_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration"
            | "object_creation_expression"
    )
}

fn parse_int(text: &str) -> Option<i64> {
    let text: String = text
        .trim_end_matches(['l', 'L'])
        .chars()
        .filter(|c| *c != '_')
        .collect();
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    text.parse().ok()
}

/// Whether a `case` statement ends with `break` (`case 'a': { …; break; }` included).
fn ends_in_break(statement: &AstNode<'_>) -> bool {
    let mut last = statement.clone();
    // A loop: blocks may nest as deep as the file is long.
    loop {
        match last.kind().as_ref() {
            "break_statement" => return true,
            "block" | "statement_block" => match named_children(&last).last() {
                Some(inner) => last = inner,
                None => return false,
            },
            _ => return false,
        }
    }
}

/// Where a finding can come from, sorted: the sinks, and the calls to the file's functions
/// that hold one (whose summaries may report), directly or through the functions they call
/// or define. A function or class that holds none of these reports nothing, so it is not
/// analysed unless something calls it for its summary.
///
/// `call_sites` (callee name, start) and `defined` (name, span) come in document order.
fn reporting(
    mut sinks: Vec<u32>,
    call_sites: &[(String, u32)],
    defined: &[(String, Span)],
) -> Vec<u32> {
    sinks.sort_unstable();
    let mut parents = Vec::with_capacity(defined.len());
    let mut open: Vec<usize> = Vec::new();
    for (index, (_, span)) in defined.iter().enumerate() {
        while open
            .last()
            .is_some_and(|&outer| defined[outer].1.end <= span.start)
        {
            open.pop();
        }
        parents.push(open.last().copied());
        open.push(index);
    }
    let callers = innermost(defined, call_sites.iter().map(|(_, start)| *start));
    let mut callers_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for ((name, _), caller) in call_sites.iter().zip(callers) {
        if let Some(caller) = caller {
            callers_of.entry(name.as_str()).or_default().push(caller);
        }
    }
    // Holding a sink, a call to a function that holds one, or a function that holds one.
    let mut holds = vec![false; defined.len()];
    let mut held: HashSet<&str> = HashSet::new();
    let mut pending: Vec<usize> = innermost(defined, sinks.iter().copied())
        .into_iter()
        .flatten()
        .collect();
    while let Some(function) = pending.pop() {
        if std::mem::replace(&mut holds[function], true) {
            continue;
        }
        pending.extend(parents[function]);
        let name = defined[function].0.as_str();
        if held.insert(name) {
            pending.extend(callers_of.get(name).into_iter().flatten());
        }
    }
    let mut reporting = sinks;
    reporting.extend(
        call_sites
            .iter()
            .filter(|(name, _)| held.contains(name.as_str()))
            .map(|(_, start)| *start),
    );
    reporting.sort_unstable();
    reporting
}

/// The innermost of the functions `defined` (in document order; they nest like the tree)
/// around each of `positions` (in order).
fn innermost(
    defined: &[(String, Span)],
    positions: impl Iterator<Item = u32>,
) -> Vec<Option<usize>> {
    let mut open: Vec<usize> = Vec::new();
    let mut next = 0;
    positions
        .map(|position| {
            while let Some((_, span)) = defined.get(next).filter(|(_, span)| span.start <= position)
            {
                while open
                    .last()
                    .is_some_and(|&outer| defined[outer].1.end <= span.start)
                {
                    open.pop();
                }
                open.push(next);
                next += 1;
            }
            while open
                .last()
                .is_some_and(|&outer| defined[outer].1.end <= position)
            {
                open.pop();
            }
            open.last().copied()
        })
        .collect()
}

/// Bits set in `mask`, as indexes.
fn bits(mask: u128) -> impl Iterator<Item = usize> {
    (0..128).filter(move |bit| mask & (1u128 << bit) != 0)
}

impl<'t, 'm> Interp<'t, 'm> {
    fn new(root: &AstNode<'t>, marks: &'m Marks, live: RuleBits) -> Interp<'t, 'm> {
        let family = Family::of(*root.lang());
        let mut functions: HashMap<String, Vec<Definition<'t>>> = HashMap::new();
        let mut classes = HashSet::new();
        let mut called = HashSet::new();
        let mut call_sites: Vec<(String, u32)> = Vec::new();
        // The named functions, in document order: where they are, for `reporting`.
        let mut defined: Vec<(String, Span)> = Vec::new();
        TreeWalk::bounded(MAX_RULE_DEPTH).run(root, |node, ancestors, _| {
            let kind = node.kind();
            // Names the file calls, or hands to a call (a callback): not entry points.
            if let Some(call) = Self::call_parts(node) {
                call_sites.push((call.name.clone(), Span::of(node).start));
                called.insert(call.name);
            } else if kind == "identifier"
                && ancestors.last().is_some_and(|parent| {
                    matches!(parent.kind().as_ref(), "arguments" | "argument_list")
                })
            {
                called.insert(node.text().into_owned());
            }
            if is_class(&kind) {
                if let Some(name) = node.field("name") {
                    classes.insert(name.text().into_owned());
                }
                return;
            }
            let name = match kind.as_ref() {
                "function_definition"
                | "function_declaration"
                | "generator_function_declaration"
                | "method_definition"
                | "method_declaration" => node.field("name"),
                "variable_declarator" => node
                    .field("value")
                    .filter(|value| {
                        matches!(
                            value.kind().as_ref(),
                            "arrow_function" | "function_expression" | "function"
                        )
                    })
                    .and(node.field("name")),
                _ => None,
            };
            let Some(name) = name else {
                return;
            };
            let node = if kind == "variable_declarator" {
                node.field("value")
            } else {
                Some(node.clone())
            };
            let Some(node) = node else {
                return;
            };
            let method = ancestors
                .iter()
                .rev()
                .find(|ancestor| {
                    let kind = ancestor.kind();
                    is_class(&kind) || is_function(&kind)
                })
                .is_some_and(|ancestor| is_class(&ancestor.kind()));
            let name = name.text().into_owned();
            defined.push((name.clone(), Span::of(&node)));
            functions
                .entry(name)
                .or_default()
                .push(Definition { node, method });
        });
        let reporting = reporting(marks.sink_starts(), &call_sites, &defined);
        Interp {
            family,
            marks,
            live,
            reporting,
            functions,
            classes,
            called,
            summaries: HashMap::new(),
            flows: BTreeMap::new(),
            env: Env::default(),
            frame: Frame::default(),
            fields: Vec::new(),
            in_class: false,
            moved: HashMap::new(),
            hint: None,
            globals: Env::default(),
            steps: 0,
            depth: 0,
            exhausted: false,
            cut: false,
        }
    }

    /// Counts `cost` steps; false once the budget is spent.
    fn tick(&mut self, cost: u64) -> bool {
        self.steps += cost;
        if self.steps > BUDGET {
            self.exhausted = true;
        }
        !self.exhausted
    }

    fn report(&mut self, rules: RuleBits, sink: Span, origin: Option<Span>) {
        for rule in bits(rules & self.live) {
            self.flows.entry((rule, sink)).or_insert(origin);
        }
    }

    // Statements.

    /// Whether analysing `node` can report anything: whether it holds a sink or a call to a
    /// function of the file. A function or class that holds neither is not analysed (its
    /// summary still is, when something calls it).
    fn may_report(&self, node: &AstNode<'t>) -> bool {
        let span = Span::of(node);
        let first = self.reporting.partition_point(|&start| start < span.start);
        self.reporting
            .get(first)
            .is_some_and(|&start| start < span.end)
    }

    /// Whether one more nested step may run: false once the budget is spent (the analysis
    /// stops) or below the depth bound (only this subtree is left out). Either way the
    /// analysis is incomplete and says so.
    fn enter(&mut self) -> bool {
        if !self.tick(1) {
            return false;
        }
        if self.depth > MAX_DEPTH {
            self.cut = true;
            return false;
        }
        true
    }

    /// Runs a statement; true when control leaves the function (return, raise).
    fn exec(&mut self, node: &AstNode<'t>) -> bool {
        if !self.enter() {
            return false;
        }
        self.depth += 1;
        let exits = self.exec_kind(node);
        self.depth -= 1;
        exits
    }

    fn exec_kind(&mut self, node: &AstNode<'t>) -> bool {
        let kind = node.kind();
        match kind.as_ref() {
            "comment"
            | "pass_statement"
            | "break_statement"
            | "continue_statement"
            | "import_statement"
            | "import_from_statement"
            | "future_import_statement"
            | "import_declaration"
            | "package_declaration"
            | "empty_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "debugger_statement" => false,
            "module" | "program" => self.exec_top_level(node),
            "block"
            | "statement_block"
            | "else_clause"
            | "finally_clause"
            | "labeled_statement"
            | "synchronized_statement"
            | "static_initializer"
            | "export_statement"
            | "constructor_body" => self.exec_children(node),
            "expression_statement" => {
                let mut exits = false;
                for child in named_children(node) {
                    self.eval(&child);
                    exits |= self.is_exit(&child);
                }
                exits
            }
            "if_statement" => self.exec_if(node),
            "for_statement"
            | "for_in_statement"
            | "enhanced_for_statement"
            | "while_statement"
            | "do_statement" => {
                self.exec_loop(node);
                false
            }
            "return_statement" => {
                let value = first_named(node)
                    .map(|child| self.eval(&child))
                    .unwrap_or_default();
                self.frame.returns = Some(match self.frame.returns.take() {
                    Some(earlier) => earlier.join(&value),
                    None => value,
                });
                true
            }
            "raise_statement" | "throw_statement" => {
                for child in named_children(node) {
                    self.eval(&child);
                }
                true
            }
            "try_statement" | "try_with_resources_statement" => self.exec_try(node),
            "with_statement" => self.exec_with(node),
            "switch_statement" | "switch_expression" => self.exec_switch(node),
            "match_statement" => self.exec_match(node),
            "lexical_declaration" | "variable_declaration" | "local_variable_declaration" => {
                self.declare(node, false);
                false
            }
            "decorated_definition" => node
                .field("definition")
                .is_some_and(|definition| self.exec(&definition)),
            "assert_statement" => {
                if let Some(condition) = first_named(node) {
                    self.eval(&condition);
                    let mut holds = Vec::new();
                    self.guards(&condition, true, &mut holds);
                    self.apply_guards(&holds);
                }
                false
            }
            kind if is_function(kind) && kind != "lambda" && kind != "arrow_function" => {
                // A method runs whatever it holds: it may fill a field another method reads.
                if self.in_class || self.may_report(node) {
                    let method = self.in_class;
                    self.function(node, method, false);
                }
                false
            }
            kind if is_class(kind) && kind != "object_creation_expression" => {
                if self.may_report(node) {
                    self.class(node);
                }
                false
            }
            _ => {
                self.eval(node);
                false
            }
        }
    }

    /// The top level: what it defined before each function is the globals a helper's
    /// summary starts from.
    fn exec_top_level(&mut self, node: &AstNode<'t>) -> bool {
        for child in named_children(node) {
            if is_function(&child.kind())
                || is_class(&child.kind())
                || matches!(
                    child.kind().as_ref(),
                    "decorated_definition" | "export_statement"
                )
            {
                self.tick(self.env.len() as u64);
                self.globals = self.env.clone();
            }
            if self.exec(&child) {
                return true;
            }
        }
        false
    }

    fn exec_children(&mut self, node: &AstNode<'t>) -> bool {
        for child in named_children(node) {
            if self.exec(&child) {
                return true;
            }
        }
        false
    }

    fn is_exit(&self, node: &AstNode<'t>) -> bool {
        let node = if node.kind() == "await" || node.kind() == "await_expression" {
            first_named(node).unwrap_or_else(|| node.clone())
        } else {
            node.clone()
        };
        Self::call_parts(&node)
            .is_some_and(|call| is_exit_call(self.family, &call.name, call.qualified.as_deref()))
    }

    fn snapshot(&mut self) -> Env {
        self.tick(self.env.len() as u64);
        self.env.clone()
    }

    /// Continues with the join of the branches that did not leave; true when none is left.
    fn merge(&mut self, ends: Vec<(bool, Env)>) -> bool {
        let mut joined: Option<Env> = None;
        let mut all_exit = !ends.is_empty();
        for (exits, env) in ends {
            if exits {
                continue;
            }
            all_exit = false;
            self.tick(env.len() as u64);
            joined = Some(match joined {
                None => env,
                Some(joined) => joined.join(&env),
            });
        }
        if let Some(env) = joined {
            self.env = env;
        }
        all_exit
    }

    fn exec_if(&mut self, node: &AstNode<'t>) -> bool {
        let Some(condition) = node.field("condition") else {
            return self.exec_children(node);
        };
        let consequence = node.field("consequence");
        let alternatives: Vec<AstNode<'t>> = match self.family {
            Family::Python => named_children(node)
                .filter(|child| matches!(child.kind().as_ref(), "elif_clause" | "else_clause"))
                .collect(),
            Family::Js | Family::Java => node.field("alternative").into_iter().collect(),
        };
        self.branch(&condition, consequence.as_ref(), &alternatives)
    }

    /// One `if`/`elif` of a chain: each `elif` is one level deeper.
    fn branch(
        &mut self,
        condition: &AstNode<'t>,
        consequence: Option<&AstNode<'t>>,
        alternatives: &[AstNode<'t>],
    ) -> bool {
        if !self.enter() {
            return false;
        }
        self.depth += 1;
        let exits = self.branch_kind(condition, consequence, alternatives);
        self.depth -= 1;
        exits
    }

    fn branch_kind(
        &mut self,
        condition: &AstNode<'t>,
        consequence: Option<&AstNode<'t>>,
        alternatives: &[AstNode<'t>],
    ) -> bool {
        let tested = self.eval(condition);
        let known = tested.truthiness(self.family == Family::Java);
        let (mut when_true, mut when_false) = (Vec::new(), Vec::new());
        self.guards(condition, true, &mut when_true);
        self.guards(condition, false, &mut when_false);
        let before = self.snapshot();
        let mut ends = Vec::new();
        if known != Some(false) {
            self.env = before.clone();
            self.apply_guards(&when_true);
            let exits = consequence.is_some_and(|consequence| self.exec(consequence));
            ends.push((exits, std::mem::take(&mut self.env)));
        }
        if known != Some(true) {
            self.env = before;
            self.apply_guards(&when_false);
            let exits = match alternatives.split_first() {
                None => false,
                Some((first, rest)) => match first.kind().as_ref() {
                    "elif_clause" => match first.field("condition") {
                        Some(condition) => {
                            self.branch(&condition, first.field("consequence").as_ref(), rest)
                        }
                        None => false,
                    },
                    "else_clause" => self.exec_children(first),
                    _ => self.exec(first),
                },
            };
            ends.push((exits, std::mem::take(&mut self.env)));
        }
        self.merge(ends)
    }

    /// The guards that hold where `condition` evaluates to `holds`.
    fn guards(
        &mut self,
        condition: &AstNode<'t>,
        holds: bool,
        out: &mut Vec<(Box<str>, RuleBits, bool)>,
    ) {
        if !self.enter() {
            return;
        }
        self.depth += 1;
        self.guards_kind(condition, holds, out);
        self.depth -= 1;
    }

    fn guards_kind(
        &mut self,
        condition: &AstNode<'t>,
        holds: bool,
        out: &mut Vec<(Box<str>, RuleBits, bool)>,
    ) {
        for mark in self.marks.at(&Span::of(condition)) {
            if let Mark::Guard {
                rules,
                holds: when,
                place,
                needs_normalized,
            } = mark
                && *when == holds
            {
                out.push((place.clone(), *rules, *needs_normalized));
            }
        }
        let kind = condition.kind();
        match kind.as_ref() {
            "parenthesized_expression" => {
                if let Some(inner) = first_named(condition) {
                    self.guards(&inner, holds, out);
                }
            }
            "not_operator" => {
                if let Some(inner) = condition.field("argument") {
                    self.guards(&inner, !holds, out);
                }
            }
            "unary_expression" => {
                let negates = condition
                    .field("operator")
                    .is_some_and(|operator| operator.text() == "!");
                let inner = condition
                    .field("argument")
                    .or_else(|| condition.field("operand"));
                if let (true, Some(inner)) = (negates, inner) {
                    self.guards(&inner, !holds, out);
                }
            }
            "boolean_operator" | "binary_expression" => {
                let operator = condition
                    .field("operator")
                    .map(|operator| operator.text().into_owned())
                    .unwrap_or_default();
                let conjunction = match operator.as_str() {
                    "and" | "&&" => true,
                    "or" | "||" => false,
                    _ => {
                        Self::null_guard(condition, &operator, holds, out);
                        return;
                    }
                };
                let sides = [condition.field("left"), condition.field("right")];
                if conjunction == holds {
                    // Both sides hold (`a and b` true) or both fail (`a or b` false).
                    for side in sides.into_iter().flatten() {
                        self.guards(&side, holds, out);
                    }
                } else if let [Some(left), Some(right)] = sides {
                    // One side or the other: what both sides guarantee.
                    let (mut first, mut second) = (Vec::new(), Vec::new());
                    self.guards(&left, holds, &mut first);
                    self.guards(&right, holds, &mut second);
                    for (place, rules, normalized) in first {
                        for (other, more, _) in &second {
                            if *other == place && rules & more != 0 {
                                out.push((place.clone(), rules & more, normalized));
                            }
                        }
                    }
                }
            }
            "comparison_operator" => {
                let operator: String = condition
                    .children()
                    .filter(|child| !child.is_named())
                    .map(|child| child.text().into_owned())
                    .collect::<Vec<_>>()
                    .join(" ");
                Self::null_guard(condition, &operator, holds, out);
            }
            _ => {}
        }
    }

    /// `x == null` holds (or `x != null` fails): `x` is null, clean for every rule.
    fn null_guard(
        condition: &AstNode<'t>,
        operator: &str,
        holds: bool,
        out: &mut Vec<(Box<str>, RuleBits, bool)>,
    ) {
        let is_null = |node: &AstNode<'t>| {
            matches!(
                node.kind().as_ref(),
                "none" | "null" | "null_literal" | "undefined"
            )
        };
        let equal_when = match operator {
            "==" | "===" | "is" => true,
            "!=" | "!==" | "is not" => false,
            _ => return,
        };
        if equal_when != holds {
            return;
        }
        let operands: Vec<AstNode<'t>> = named_children(condition).collect();
        let [left, right] = operands.as_slice() else {
            return;
        };
        let named = if is_null(right) {
            left
        } else if is_null(left) {
            right
        } else {
            return;
        };
        if let Some(place) = place_name(named) {
            out.push((place.into(), RuleBits::MAX, false));
        }
    }

    fn apply_guards(&mut self, guards: &[(Box<str>, RuleBits, bool)]) {
        for (place, rules, needs_normalized) in guards {
            if let Some(value) = self.env.get(place) {
                let rules = if *needs_normalized {
                    rules & value.normalized
                } else {
                    *rules
                };
                let cleaned = value.cleaned(rules);
                self.env.set(place, cleaned);
            }
        }
    }

    fn exec_loop(&mut self, node: &AstNode<'t>) {
        let kind = node.kind();
        // What each iteration binds, and to what.
        let mut element: Option<(AstNode<'t>, Value)> = None;
        match kind.as_ref() {
            "for_statement" if self.family == Family::Python => {
                if let (Some(left), Some(right)) = (node.field("left"), node.field("right")) {
                    let iterated = self.eval(&right);
                    element = Some((left, iterated.flattened()));
                }
            }
            "for_in_statement" => {
                if let (Some(left), Some(right)) = (node.field("left"), node.field("right")) {
                    let iterated = self.eval(&right);
                    element = Some((left, iterated.flattened()));
                }
            }
            "enhanced_for_statement" => {
                if let (Some(name), Some(value)) = (node.field("name"), node.field("value")) {
                    let iterated = self.eval(&value);
                    let scalar = node
                        .field("type")
                        .is_some_and(|kind| is_scalar_type(self.family, &kind.text()));
                    let value = if scalar {
                        self.scalar(iterated.flattened())
                    } else {
                        iterated.flattened()
                    };
                    element = Some((name, value));
                }
            }
            "for_statement" => {
                for init in node
                    .field_children("initializer")
                    .chain(node.field_children("init"))
                {
                    self.exec(&init);
                }
            }
            _ => {}
        }
        let mut after = self.snapshot();
        for _ in 0..2 {
            if self.exhausted {
                break;
            }
            if let Some((target, value)) = &element {
                self.bind(target, value.clone());
            }
            let mut runs = true;
            if let Some(condition) = node.field("condition")
                && kind != "do_statement"
            {
                let tested = self.eval(&condition);
                runs = tested.truthiness(self.family == Family::Java) != Some(false);
                let mut holds = Vec::new();
                self.guards(&condition, true, &mut holds);
                self.apply_guards(&holds);
            }
            if !runs {
                break;
            }
            let exits = node.field("body").is_some_and(|body| self.exec(&body));
            if let Some(update) = node.field("increment").or_else(|| node.field("update")) {
                self.eval(&update);
            }
            if kind == "do_statement"
                && let Some(condition) = node.field("condition")
            {
                self.eval(&condition);
            }
            if !exits {
                self.tick(self.env.len() as u64);
                after = after.join(&self.env);
            }
            self.env = after.clone();
        }
        self.env = after;
    }

    fn exec_try(&mut self, node: &AstNode<'t>) -> bool {
        let before = self.snapshot();
        if let Some(resources) = node.field("resources") {
            for resource in named_children(&resources) {
                match (resource.field("name"), resource.field("value")) {
                    (Some(name), Some(value)) => {
                        let value = self.eval(&value);
                        self.bind(&name, value);
                    }
                    _ => {
                        self.eval(&resource);
                    }
                }
            }
        }
        let mut exits = node.field("body").is_some_and(|body| self.exec(&body));
        if let Some(otherwise) = named_children(node).find(|child| child.kind() == "else_clause")
            && !exits
        {
            exits = self.exec_children(&otherwise);
        }
        let after_body = self.snapshot();
        let handlers: Vec<AstNode<'t>> = named_children(node)
            .filter(|child| {
                matches!(
                    child.kind().as_ref(),
                    "except_clause" | "catch_clause" | "except_group_clause"
                )
            })
            .collect();
        let mut ends = vec![(exits, after_body.clone())];
        for handler in handlers {
            self.env = before.join(&after_body);
            let exits = self.exec_children(&handler);
            ends.push((exits, std::mem::take(&mut self.env)));
        }
        let mut exits = self.merge(ends);
        let finally = node
            .field("finalizer")
            .or_else(|| named_children(node).find(|child| child.kind() == "finally_clause"));
        if let Some(finally) = finally {
            exits |= self.exec_children(&finally);
        }
        exits
    }

    fn exec_with(&mut self, node: &AstNode<'t>) -> bool {
        for clause in named_children(node).filter(|child| child.kind() == "with_clause") {
            for item in named_children(&clause) {
                let Some(value) = item.field("value") else {
                    continue;
                };
                if value.kind() == "as_pattern" {
                    let bound = first_named(&value)
                        .map(|inner| self.eval(&inner))
                        .unwrap_or_default();
                    if let Some(target) = value.field("alias").and_then(|alias| first_named(&alias))
                    {
                        self.bind(&target, bound);
                    }
                } else {
                    self.eval(&value);
                }
            }
        }
        node.field("body").is_some_and(|body| self.exec(&body))
    }

    fn exec_switch(&mut self, node: &AstNode<'t>) -> bool {
        let subject = node
            .field("value")
            .or_else(|| node.field("condition"))
            .map(|subject| self.eval(&subject))
            .unwrap_or_default();
        let Some(body) = node.field("body") else {
            return false;
        };
        let groups = self.switch_groups(&body);
        let chosen = subject.constant.as_ref().and_then(|subject| {
            let all_known = groups
                .iter()
                .all(|group| group.labels.iter().all(Option::is_some));
            if !all_known {
                return None;
            }
            groups
                .iter()
                .position(|group| {
                    group
                        .labels
                        .iter()
                        .any(|label| label.as_ref() == Some(subject))
                })
                .or_else(|| groups.iter().position(|group| group.default))
                .or(Some(groups.len()))
        });
        let run = |interp: &mut Interp<'t, 'm>, from: usize| -> bool {
            for group in &groups[from.min(groups.len())..] {
                for statement in &group.statements {
                    if statement.kind() == "break_statement" {
                        return false;
                    }
                    if interp.exec(statement) {
                        return true;
                    }
                    if ends_in_break(statement) {
                        return false;
                    }
                }
                if !group.falls_through {
                    return false;
                }
            }
            false
        };
        if let Some(chosen) = chosen {
            return run(self, chosen);
        }
        let before = self.snapshot();
        let mut ends = Vec::new();
        for index in 0..groups.len() {
            self.env = before.clone();
            let exits = run(self, index);
            ends.push((exits, std::mem::take(&mut self.env)));
        }
        if !groups.iter().any(|group| group.default) {
            ends.push((false, before));
        }
        self.merge(ends)
    }

    /// The `case` groups of a `switch` body, their labels evaluated.
    fn switch_groups(&mut self, body: &AstNode<'t>) -> Vec<Group<'t>> {
        let mut groups: Vec<Group<'t>> = Vec::new();
        for group in named_children(body) {
            let kind = group.kind();
            let mut labels = Vec::new();
            let mut default = kind == "switch_default";
            let mut statements = Vec::new();
            match kind.as_ref() {
                "switch_case" => {
                    let value = group.field("value");
                    if let Some(value) = &value {
                        labels.push(self.eval(value).constant);
                    }
                    statements.extend(named_children(&group).filter(|child| {
                        value
                            .as_ref()
                            .is_none_or(|value| Span::of(child) != Span::of(value))
                    }));
                }
                "switch_default" => statements.extend(named_children(&group)),
                "switch_block_statement_group" | "switch_rule" => {
                    for child in named_children(&group) {
                        if child.kind() == "switch_label" {
                            let mut any = false;
                            for label in named_children(&child) {
                                any = true;
                                labels.push(self.eval(&label).constant);
                            }
                            default |= !any;
                        } else {
                            statements.push(child);
                        }
                    }
                }
                _ => continue,
            }
            groups.push(Group {
                labels,
                default,
                statements,
                falls_through: kind != "switch_rule",
            });
        }
        groups
    }

    /// Python's `match`: each case from the state before it, joined; without a `case _:`
    /// (or a bare name) nothing may match.
    fn exec_match(&mut self, node: &AstNode<'t>) -> bool {
        if let Some(subject) = node.field("subject") {
            self.eval(&subject);
        }
        let before = self.snapshot();
        let mut ends = Vec::new();
        let mut catch_all = false;
        let cases: Vec<AstNode<'t>> = node
            .field("body")
            .map(|body| {
                named_children(&body)
                    .filter(|case| case.kind() == "case_clause")
                    .collect()
            })
            .unwrap_or_default();
        for case in cases {
            self.env = before.clone();
            let pattern = named_children(&case).find(|child| child.kind() == "case_pattern");
            let irrefutable = pattern.as_ref().is_some_and(|pattern| {
                let text = pattern.text();
                text.is_empty()
                    || text == "_"
                    || first_named(pattern).is_some_and(|inner| inner.kind() == "identifier")
            });
            if let Some(guard) = case.field("guard") {
                self.eval(&guard);
            } else {
                catch_all |= irrefutable;
            }
            let exits = case
                .field("consequence")
                .is_some_and(|body| self.exec(&body));
            ends.push((exits, std::mem::take(&mut self.env)));
        }
        if !catch_all {
            ends.push((false, before));
        }
        self.merge(ends)
    }

    /// `let`/`const`/`var` and typed declarations; `fields` declares `this.name`.
    fn declare(&mut self, node: &AstNode<'t>, fields: bool) {
        let scalar = node
            .field("type")
            .is_some_and(|kind| is_scalar_type(self.family, &kind.text()));
        for declarator in named_children(node).filter(|child| child.kind() == "variable_declarator")
        {
            let mut value = declarator
                .field("value")
                .map(|value| self.eval(&value))
                .unwrap_or_default();
            // Java's declared types hold at run time; TypeScript's annotations do not.
            if scalar {
                value = self.scalar(value);
            }
            let Some(name) = declarator.field("name") else {
                continue;
            };
            if fields && name.kind() == "identifier" {
                // A second pass over a class keeps what its methods wrote.
                let place = format!("this.{}", name.text());
                let value = match self.env.get(&place) {
                    Some(known) => known.join(&value),
                    None => value,
                };
                self.env.set(&place, value);
            } else {
                self.bind(&name, value);
            }
        }
    }

    // Functions and classes.

    /// Analyses a function: standalone (parameters clean unless a source marks them) or for
    /// its summary (parameter i carries [`Taint::param`]). Returns the summary.
    fn function(&mut self, node: &AstNode<'t>, method: bool, summarizing: bool) -> Summary {
        let saved_env = self.snapshot();
        let saved_frame = std::mem::replace(
            &mut self.frame,
            Frame {
                summarizing,
                ..Frame::default()
            },
        );
        let saved_class = std::mem::replace(&mut self.in_class, false);
        let hint = self.hint.take();
        let params = parameters(self.family, node, method);
        // A source may mark the whole parameter list (a route function's).
        let all_params: RuleBits = node
            .field("parameters")
            .map_or(0, |list| self.sources_at(&Span::of(&list)));
        // An entry point: a named function no code in the file calls.
        let (entry, always) = if summarizing || hint.is_some() {
            (0, 0)
        } else {
            node.field("name")
                .filter(|name| !self.called.contains(name.text().as_ref()))
                .map_or((0, 0), |_| self.marks.parameters())
        };
        let mut names = Vec::with_capacity(params.len());
        for (index, param) in params.iter().enumerate() {
            let pattern = param_pattern(param);
            names.push(
                pattern
                    .as_ref()
                    .map(|pattern| pattern.text().into_owned())
                    .unwrap_or_default(),
            );
            let mut value = Value::default();
            if summarizing {
                value.taint = Taint::param(index);
            }
            if entry | always != 0 {
                value.taint.entry = entry;
                value.taint.rules |= always;
                value.origin = Some(pattern.as_ref().map_or_else(|| Span::of(param), Span::of));
            }
            if let Some(hint) = &hint {
                value.absorb(hint);
            }
            for span in [Some(Span::of(param)), pattern.as_ref().map(Span::of)]
                .into_iter()
                .flatten()
            {
                let rules = self.sources_at(&span) | all_params;
                if rules != 0 {
                    value.taint.rules |= rules;
                    value.origin.get_or_insert(span);
                }
            }
            // A default value is what the parameter holds when a caller leaves it out.
            let default = param.field("value").or_else(|| param.field("right"));
            if let Some(default) = default {
                let default = self.eval(&default);
                value.absorb(&default);
            }
            // Java's parameter types hold, and so do Python's on the routes of frameworks
            // that validate them (FastAPI); TypeScript's are not checked at run time.
            let scalar = param_type(param).is_some_and(|kind| is_scalar_type(self.family, &kind));
            if scalar {
                value = self.scalar(value);
            }
            if let Some(pattern) = &pattern {
                self.bind(pattern, value);
            }
        }
        if let Some(body) = node.field("body") {
            match body.kind().as_ref() {
                "block" | "statement_block" | "constructor_body" => {
                    self.exec(&body);
                }
                _ => {
                    let value = self.eval(&body);
                    self.frame.returns = Some(value);
                }
            }
        }
        let frame = std::mem::replace(&mut self.frame, saved_frame);
        self.env = saved_env;
        self.in_class = saved_class;
        Summary {
            returns: frame.returns.unwrap_or_default(),
            sinks: frame.sinks,
            names,
        }
    }

    fn class(&mut self, node: &AstNode<'t>) {
        let Some(body) = node.field("body") else {
            return;
        };
        let saved_env = self.snapshot();
        let saved_fields = std::mem::take(&mut self.fields);
        self.class_body(&body);
        let written = std::mem::replace(&mut self.fields, saved_fields);
        let tainted: Vec<(String, Value)> = written
            .into_iter()
            .filter(|(_, value)| value.total().rules != 0)
            .collect();
        if !tainted.is_empty() {
            // A field one method fills with untrusted data is untrusted in the others.
            self.env = saved_env.clone();
            for (place, value) in tainted {
                let joined = match self.env.get(&place) {
                    Some(known) => known.join(&value),
                    None => value,
                };
                self.env.set(&place, joined);
            }
            let outer = std::mem::take(&mut self.fields);
            self.class_body(&body);
            self.fields = outer;
        }
        self.env = saved_env;
    }

    fn class_body(&mut self, body: &AstNode<'t>) {
        let saved = std::mem::replace(&mut self.in_class, true);
        for member in named_children(body) {
            match member.kind().as_ref() {
                "field_declaration" | "constant_declaration" => self.declare(&member, true),
                "field_definition" | "public_field_definition" => {
                    let value = member
                        .field("value")
                        .map(|value| self.eval(&value))
                        .unwrap_or_default();
                    if let Some(name) = member.field("property").or_else(|| member.field("name")) {
                        let place = format!("this.{}", name.text());
                        let value = match self.env.get(&place) {
                            Some(known) => known.join(&value),
                            None => value,
                        };
                        self.env.set(&place, value);
                    }
                }
                _ => {
                    self.in_class = true;
                    self.exec(&member);
                }
            }
        }
        self.in_class = saved;
    }

    fn summary(&mut self, definition: &Definition<'t>) -> Option<Rc<Summary>> {
        let span = Span::of(&definition.node);
        match self.summaries.get(&span) {
            Some(known) => return known.clone(),
            None => {
                self.summaries.insert(span, None);
            }
        }
        let globals = self.globals.clone();
        let saved = std::mem::replace(&mut self.env, globals);
        let saved_hint = self.hint.take();
        let summary = Rc::new(self.function(&definition.node, definition.method, true));
        self.env = saved;
        self.hint = saved_hint;
        self.summaries.insert(span, Some(summary.clone()));
        Some(summary)
    }

    /// The functions of the file a call may run, by name and receiver.
    fn resolve(&self, call: &Call<'t>, arguments: usize) -> Vec<Definition<'t>> {
        let Some(candidates) = self.functions.get(&call.name) else {
            return Vec::new();
        };
        let wants_method = match &call.receiver {
            None => match self.family {
                Family::Java => None,
                Family::Python | Family::Js => Some(false),
            },
            Some(receiver) if is_receiver(self.family, receiver) => Some(true),
            Some(receiver)
                if matches!(
                    receiver.kind().as_ref(),
                    "object_creation_expression" | "new_expression"
                ) =>
            {
                let constructed = receiver
                    .field("type")
                    .or_else(|| receiver.field("constructor"))
                    .map(|kind| kind.text().into_owned())
                    .unwrap_or_default();
                if !self.classes.contains(&constructed) {
                    return Vec::new();
                }
                Some(true)
            }
            Some(receiver)
                if receiver.kind() == "identifier"
                    && self.classes.contains(receiver.text().as_ref()) =>
            {
                Some(true)
            }
            Some(_) => return Vec::new(),
        };
        let matching: Vec<Definition<'t>> = candidates
            .iter()
            .filter(|definition| wants_method.is_none_or(|method| definition.method == method))
            .cloned()
            .collect();
        let exact: Vec<Definition<'t>> = matching
            .iter()
            .filter(|definition| {
                parameters(self.family, &definition.node, definition.method).len() == arguments
            })
            .cloned()
            .collect();
        if exact.is_empty() { matching } else { exact }
    }

    fn apply_summary(
        &mut self,
        summary: &Summary,
        args: &[Value],
        kwargs: &[(String, Value)],
    ) -> Value {
        // The arguments a parameter bit stands for (the last bit: every one from there on).
        let argument = |index: usize| -> Option<Value> {
            if index == LAST_PARAM && args.len() > LAST_PARAM {
                let mut rest = Value::default();
                for value in &args[LAST_PARAM..] {
                    rest.absorb(value);
                }
                return Some(rest);
            }
            args.get(index).cloned().or_else(|| {
                let name = summary.names.get(index)?;
                kwargs
                    .iter()
                    .find(|(given, _)| given == name)
                    .map(|(_, value)| value.clone())
            })
        };
        let returned = summary.returns.total();
        let mut result = Value::tainted(
            Taint {
                rules: returned.rules,
                ..Taint::default()
            },
            summary.returns.origin,
        );
        if returned.rules == 0 {
            result.origin = None;
        }
        result.constant.clone_from(&summary.returns.constant);
        for index in bits(u128::from(returned.params)) {
            if let Some(value) = argument(index) {
                let mut passed = value.flattened();
                passed.taint = passed.taint.without(!returned.param_rules);
                result.absorb(&passed);
            }
        }
        let mut reached = Vec::new();
        for sink in &summary.sinks {
            for index in bits(u128::from(sink.params)) {
                if let Some(value) = argument(index) {
                    let taint = value.total();
                    reached.push((taint, *sink, value.any_origin()));
                }
            }
        }
        for (taint, sink, origin) in reached {
            let hit = taint.rules & sink.rules;
            if hit != 0 {
                self.report(hit, sink.sink, origin);
            }
            if taint.params != 0 && self.frame.summarizing {
                self.frame.sinks.push(ParamSink {
                    params: taint.params,
                    rules: sink.rules & taint.param_rules,
                    sink: sink.sink,
                });
            }
        }
        result
    }

    // Expressions.

    fn eval(&mut self, node: &AstNode<'t>) -> Value {
        if !self.enter() {
            return Value::default();
        }
        self.depth += 1;
        let value = self.eval_kind(node);
        self.depth -= 1;
        self.marked(node, value)
    }

    /// Applies the marks of `node` to its value: sources, sanitizers, then sinks.
    fn marked(&mut self, node: &AstNode<'t>, mut value: Value) -> Value {
        let span = Span::of(node);
        let marks = self.marks.at(&span);
        if marks.is_empty() {
            return value;
        }
        for mark in marks {
            if let Mark::Source(rules) = mark {
                value.taint.rules |= rules;
                value.origin.get_or_insert(span);
            }
        }
        for mark in marks {
            match mark {
                Mark::Sanitizer(rules) => value = value.cleaned(*rules),
                Mark::Normalizer(rules) => value.normalized |= rules,
                _ => {}
            }
        }
        for mark in marks {
            match mark {
                Mark::Sink { rules, sink } => {
                    let taint = value.total();
                    let hit = taint.rules & rules;
                    if hit != 0 {
                        self.report(hit, *sink, value.any_origin());
                    }
                    if taint.params != 0 && self.frame.summarizing {
                        self.frame.sinks.push(ParamSink {
                            params: taint.params,
                            rules: rules & taint.param_rules,
                            sink: *sink,
                        });
                    }
                }
                Mark::Propagate { rules, from, place } => {
                    if let Some(moved) = self.moved.get(from) {
                        let mut moved = moved.flattened();
                        moved.taint.rules &= rules;
                        if let Some(target) = self.env.get_mut(place) {
                            target.absorb(&moved);
                        } else {
                            self.env.set(place, moved);
                        }
                    }
                }
                Mark::PropagateFrom => {
                    self.moved.insert(span, value.clone());
                }
                _ => {}
            }
        }
        value
    }

    /// The rules whose sources mark the node at `span`.
    fn sources_at(&self, span: &Span) -> RuleBits {
        self.marks
            .at(span)
            .iter()
            .fold(0, |rules, mark| match mark {
                Mark::Source(more) => rules | more,
                _ => rules,
            })
    }

    /// A number or boolean made from `value`: clean, except for the rules whose data numbers
    /// carry (`numbers-carry-data`: a random number, a token count).
    fn scalar(&self, value: Value) -> Value {
        let mut scalar = value.cleaned(!self.marks.numbers());
        scalar.constant = value.constant;
        scalar
    }

    fn lookup(&self, name: &str) -> Value {
        if let Some(value) = self.env.get(name) {
            return value.clone();
        }
        if self.family == Family::Java
            && let Some(value) = self.env.get(&format!("this.{name}"))
        {
            return value.clone();
        }
        Value::default()
    }

    fn eval_kind(&mut self, node: &AstNode<'t>) -> Value {
        let kind = node.kind();
        if let Some(value) = literal(&kind, node) {
            return value;
        }
        match kind.as_ref() {
            "identifier" | "shorthand_property_identifier" => self.lookup(&node.text()),
            "this" => self.lookup("this"),
            "attribute" | "member_expression" | "field_access" => self.eval_member(node),
            "subscript" | "subscript_expression" | "array_access" => self.eval_index(node),
            "call"
            | "call_expression"
            | "method_invocation"
            | "new_expression"
            | "object_creation_expression" => self.eval_call(node),
            "string"
            | "template_string"
            | "string_literal"
            | "text_block"
            | "concatenated_string" => self.eval_string(node),
            "binary_operator" | "binary_expression" | "boolean_operator" => self.eval_binary(node),
            "comparison_operator" => self.eval_comparison(node),
            "not_operator" => {
                let inner = node
                    .field("argument")
                    .map(|inner| self.eval(&inner))
                    .unwrap_or_default();
                match inner.truthiness(false) {
                    Some(value) => Value::constant(Const::Bool(!value)),
                    None => Value::default(),
                }
            }
            "unary_operator" | "unary_expression" => self.eval_unary(node),
            "conditional_expression" | "ternary_expression" => self.eval_ternary(node),
            "list" | "tuple" | "set" | "expression_list" | "array" | "array_initializer" => {
                self.eval_list(node)
            }
            "dictionary" | "object" => self.eval_map(node),
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => self.eval_comprehension(node),
            "lambda"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "lambda_expression" => {
                // A callback of untrusted data runs (its parameters carry it); any other
                // closure only when it can report.
                if self.hint.is_some() || self.may_report(node) {
                    self.function(node, false, false);
                } else {
                    self.hint = None;
                }
                Value::default()
            }
            "class" => {
                if self.may_report(node) {
                    self.class(node);
                }
                Value::default()
            }
            "assignment" | "assignment_expression" | "named_expression" => {
                self.eval_assignment(node)
            }
            "augmented_assignment" | "augmented_assignment_expression" => self.eval_augmented(node),
            "cast_expression" => {
                let value = node
                    .field("value")
                    .map(|value| self.eval(&value))
                    .unwrap_or_default();
                let scalar = node
                    .field("type")
                    .is_some_and(|kind| is_scalar_type(self.family, &kind.text()));
                if scalar { self.scalar(value) } else { value }
            }
            "array_creation_expression" => node
                .field("value")
                .map(|value| self.eval(&value))
                .unwrap_or_default(),
            "keyword_argument" | "pair" => node
                .field("value")
                .map(|value| self.eval(&value))
                .unwrap_or_default(),
            "parenthesized_expression"
            | "await"
            | "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "spread_element"
            | "list_splat"
            | "dictionary_splat"
            | "yield"
            | "expression" => self.eval_inner(node),
            _ => self.eval_children(node),
        }
    }

    /// A wrapper (parentheses, `await`, a type assertion): the value of what it wraps.
    fn eval_inner(&mut self, node: &AstNode<'t>) -> Value {
        if matches!(
            node.kind().as_ref(),
            "as_expression" | "satisfies_expression"
        ) {
            // `x as T`: the expression comes first, the type after it.
            return first_named(node)
                .map(|inner| self.eval(&inner))
                .unwrap_or_default();
        }
        let mut value = Value::default();
        for child in named_children(node) {
            let inner = self.eval(&child);
            if matches!(
                child.kind().as_ref(),
                "type_annotation" | "type" | "type_arguments"
            ) {
                continue;
            }
            value = inner;
        }
        value
    }

    /// A node the analysis has no rule for: all its parts' data.
    fn eval_children(&mut self, node: &AstNode<'t>) -> Value {
        let mut value = Value::default();
        for child in named_children(node) {
            let inner = if child.kind().ends_with("statement") || child.kind() == "block" {
                self.exec(&child);
                Value::default()
            } else {
                self.eval(&child)
            };
            value.absorb(&inner);
        }
        value
    }

    fn eval_member(&mut self, node: &AstNode<'t>) -> Value {
        let Some(object) = node.field("object") else {
            return Value::default();
        };
        let name = node
            .field("attribute")
            .or_else(|| node.field("property"))
            .or_else(|| node.field("field"))
            .map(|name| name.text().into_owned())
            .unwrap_or_default();
        if is_receiver(self.family, &object) {
            return self.lookup(&format!("this.{name}"));
        }
        let value = self.eval(&object);
        if matches!(self.family, Family::Js | Family::Java) && name == "length" {
            return self.scalar(value);
        }
        if let Some(Slots::Map(entries)) = value.slots.as_deref() {
            let key = Const::Str(Rc::from(name.as_str()));
            if let Some((_, entry)) = entries.iter().find(|(known, _)| *known == key) {
                return entry.clone();
            }
            return Value::tainted(value.taint, value.origin);
        }
        value.flattened()
    }

    fn eval_index(&mut self, node: &AstNode<'t>) -> Value {
        let object = node
            .field("value")
            .or_else(|| node.field("object"))
            .or_else(|| node.field("array"));
        let index = node.field("subscript").or_else(|| node.field("index"));
        let container = object.map(|object| self.eval(&object)).unwrap_or_default();
        let key = index.map(|index| self.eval(&index)).unwrap_or_default();
        read_slot(&container, key.constant.as_ref())
    }

    fn eval_string(&mut self, node: &AstNode<'t>) -> Value {
        let mut value = Value::default();
        let mut text = String::new();
        let mut constant = true;
        for child in node.children() {
            match child.kind().as_ref() {
                "string_content" | "string_fragment" | "escape_sequence" => {
                    text.push_str(&child.text());
                }
                "interpolation" | "template_substitution" => {
                    constant = false;
                    let inner = child.field("expression").or_else(|| first_named(&child));
                    if let Some(inner) = inner {
                        let part = self.eval(&inner);
                        value.absorb(&part);
                    }
                }
                "string" => {
                    let part = self.eval(&child);
                    match &part.constant {
                        Some(Const::Str(part_text)) => text.push_str(part_text),
                        _ => constant = false,
                    }
                    value.absorb(&part);
                }
                _ => {}
            }
        }
        if constant {
            value.constant = Some(Const::Str(Rc::from(text.as_str())));
        } else {
            value.taint = value.taint.built();
        }
        value
    }

    fn eval_binary(&mut self, node: &AstNode<'t>) -> Value {
        let operator = node
            .field("operator")
            .map(|operator| operator.text().into_owned())
            .unwrap_or_default();
        match operator.as_str() {
            "and" | "&&" | "or" | "||" | "??" => return self.eval_logical(node, &operator),
            "==" | "!=" | "===" | "!==" | "<" | ">" | "<=" | ">=" | "in" | "instanceof" => {
                let left = node
                    .field("left")
                    .map(|left| self.eval(&left))
                    .unwrap_or_default();
                let right = node
                    .field("right")
                    .map(|right| self.eval(&right))
                    .unwrap_or_default();
                return compare(&operator, &left, &right);
            }
            _ => {}
        }
        // A long `a + b + c …` is a left-leaning chain: walked as a loop, not recursively.
        let mut chain = vec![node.clone()];
        while let Some(left) = chain.last().and_then(|last| last.field("left"))
            && left.kind() == node.kind()
            && left
                .field("operator")
                .is_some_and(|operator| is_arithmetic(&operator.text()))
        {
            chain.push(left);
            if !self.tick(1) {
                return Value::default();
            }
        }
        let innermost = chain.last().and_then(|last| last.field("left"));
        let mut value = innermost.map(|left| self.eval(&left)).unwrap_or_default();
        for (position, link) in chain.iter().rev().enumerate() {
            let operator = link
                .field("operator")
                .map(|operator| operator.text().into_owned())
                .unwrap_or_default();
            let right = link
                .field("right")
                .map(|right| self.eval(&right))
                .unwrap_or_default();
            value = arithmetic(self.family, &operator, &value, &right);
            if position + 1 < chain.len() {
                value = self.marked(link, value);
            }
        }
        value
    }

    fn eval_logical(&mut self, node: &AstNode<'t>, operator: &str) -> Value {
        let left = node
            .field("left")
            .map(|left| self.eval(&left))
            .unwrap_or_default();
        let strict = self.family == Family::Java;
        let decided = match operator {
            "and" | "&&" => left.truthiness(strict) == Some(false),
            "or" | "||" => left.truthiness(strict) == Some(true),
            _ => left
                .constant
                .as_ref()
                .is_some_and(|constant| *constant != Const::Null),
        };
        if decided {
            return if strict {
                left.constant.map_or_else(Value::default, Value::constant)
            } else {
                left
            };
        }
        let right = node
            .field("right")
            .map(|right| self.eval(&right))
            .unwrap_or_default();
        let passes_left = match operator {
            "and" | "&&" => left.truthiness(strict) == Some(true),
            "or" | "||" => left.truthiness(strict) == Some(false),
            _ => left.constant == Some(Const::Null),
        };
        let value = if passes_left {
            right
        } else {
            left.join(&right)
        };
        if strict {
            value.constant.map_or_else(Value::default, Value::constant)
        } else {
            value
        }
    }

    fn eval_comparison(&mut self, node: &AstNode<'t>) -> Value {
        let operands: Vec<AstNode<'t>> = named_children(node).collect();
        let values: Vec<Value> = operands.iter().map(|operand| self.eval(operand)).collect();
        let operators: Vec<String> = node
            .children()
            .filter(|child| !child.is_named())
            .map(|child| child.text().into_owned())
            .collect();
        match (values.as_slice(), operators.as_slice()) {
            ([left, right], [operator]) => compare(operator, left, right),
            _ => Value::default(),
        }
    }

    fn eval_unary(&mut self, node: &AstNode<'t>) -> Value {
        let operator = node
            .field("operator")
            .map(|operator| operator.text().into_owned())
            .unwrap_or_default();
        let inner = node
            .field("argument")
            .or_else(|| node.field("operand"))
            .map(|inner| self.eval(&inner))
            .unwrap_or_default();
        match operator.as_str() {
            "!" => match inner.truthiness(self.family == Family::Java) {
                Some(value) => Value::constant(Const::Bool(!value)),
                None => Value::default(),
            },
            "-" => match inner.constant {
                Some(Const::Int(value)) => value
                    .checked_neg()
                    .map_or_else(Value::default, |value| Value::constant(Const::Int(value))),
                _ => Value::default(),
            },
            "typeof" | "void" | "~" | "+" | "delete" => Value::default(),
            _ => inner,
        }
    }

    fn eval_ternary(&mut self, node: &AstNode<'t>) -> Value {
        let (consequence, condition, alternative) = if self.family == Family::Python {
            let mut parts = named_children(node);
            (parts.next(), parts.next(), parts.next())
        } else {
            (
                node.field("consequence"),
                node.field("condition"),
                node.field("alternative"),
            )
        };
        let tested = condition
            .as_ref()
            .map(|condition| self.eval(condition))
            .unwrap_or_default();
        match tested.truthiness(self.family == Family::Java) {
            Some(true) => consequence
                .map(|branch| self.eval(&branch))
                .unwrap_or_default(),
            Some(false) => alternative
                .map(|branch| self.eval(&branch))
                .unwrap_or_default(),
            None => {
                // `x if x in ALLOWED else "name"`: each side under what its condition says.
                let (mut when_true, mut when_false) = (Vec::new(), Vec::new());
                if let Some(condition) = &condition {
                    self.guards(condition, true, &mut when_true);
                    self.guards(condition, false, &mut when_false);
                }
                let before = self.snapshot();
                self.apply_guards(&when_true);
                let first = consequence
                    .map(|branch| self.eval(&branch))
                    .unwrap_or_default();
                self.env = before.clone();
                self.apply_guards(&when_false);
                let second = alternative
                    .map(|branch| self.eval(&branch))
                    .unwrap_or_default();
                self.env = before;
                first.join(&second)
            }
        }
    }

    fn eval_list(&mut self, node: &AstNode<'t>) -> Value {
        let mut items = Vec::new();
        let mut rest = Value::default();
        for child in named_children(node) {
            let value = self.eval(&child);
            if matches!(
                child.kind().as_ref(),
                "list_splat" | "spread_element" | "parenthesized_list_splat"
            ) || items.len() >= MAX_ENTRIES as usize
            {
                rest.absorb(&value);
            } else {
                items.push(value);
            }
        }
        let mut value = rest;
        value.set_slots(Slots::List(items));
        value
    }

    fn eval_map(&mut self, node: &AstNode<'t>) -> Value {
        let mut entries: Vec<(Const, Value)> = Vec::new();
        let mut rest = Value::default();
        for child in named_children(node) {
            match child.kind().as_ref() {
                "pair" => {
                    let key = child.field("key");
                    let key_constant = match &key {
                        Some(key)
                            if matches!(
                                key.kind().as_ref(),
                                "property_identifier" | "identifier"
                            ) && self.family == Family::Js =>
                        {
                            Some(Const::Str(Rc::from(key.text().as_ref())))
                        }
                        Some(key) => self.eval(key).constant,
                        None => None,
                    };
                    let value = child
                        .field("value")
                        .map(|value| self.eval(&value))
                        .unwrap_or_default();
                    let value = self.marked(&child, value);
                    match key_constant {
                        // Past the entries a value tracks, the rest is merged (and a literal
                        // of many keys costs no search per key).
                        Some(key) if entries.len() < MAX_ENTRIES as usize => {
                            entries.retain(|(known, _)| *known != key);
                            entries.push((key, value));
                        }
                        _ => rest.absorb(&value),
                    }
                }
                "shorthand_property_identifier" => {
                    let value = self.eval(&child);
                    entries.push((Const::Str(Rc::from(child.text().as_ref())), value));
                }
                _ => {
                    let value = self.eval(&child);
                    rest.absorb(&value);
                }
            }
        }
        let mut value = rest;
        value.set_slots(Slots::Map(entries));
        value
    }

    fn eval_comprehension(&mut self, node: &AstNode<'t>) -> Value {
        let saved = self.snapshot();
        for clause in named_children(node).filter(|child| child.kind() == "for_in_clause") {
            if let (Some(left), Some(right)) = (clause.field("left"), clause.field("right")) {
                let iterated = self.eval(&right);
                self.bind(&left, iterated.flattened());
            }
        }
        for clause in named_children(node).filter(|child| child.kind() == "if_clause") {
            self.eval(&clause);
        }
        let mut value = Value::default();
        if let Some(body) = node.field("body") {
            let produced = self.eval(&body);
            value.absorb(&produced);
        }
        self.env = saved;
        value
    }

    fn eval_assignment(&mut self, node: &AstNode<'t>) -> Value {
        let target = node.field("left").or_else(|| node.field("name"));
        let source = node.field("right").or_else(|| node.field("value"));
        let operator = node
            .field("operator")
            .map_or_else(|| "=".to_owned(), |operator| operator.text().into_owned());
        if operator != "=" && operator != ":=" {
            return self.eval_augmented(node);
        }
        // A Python annotation (`q: int = …`) is not checked when the code runs.
        let value = source.map(|source| self.eval(&source)).unwrap_or_default();
        if let Some(target) = target {
            self.bind(&target, value.clone());
        }
        value
    }

    fn eval_augmented(&mut self, node: &AstNode<'t>) -> Value {
        let Some(target) = node.field("left") else {
            return Value::default();
        };
        let operator = node
            .field("operator")
            .map(|operator| operator.text().trim_end_matches('=').to_owned())
            .unwrap_or_default();
        let old = self.eval(&target);
        let added = node
            .field("right")
            .map(|right| self.eval(&right))
            .unwrap_or_default();
        let value = arithmetic(self.family, &operator, &old, &added);
        self.bind(&target, value.clone());
        value
    }

    /// Gives `target` (a name, a field, an entry or a destructuring pattern) the value.
    fn bind(&mut self, target: &AstNode<'t>, value: Value) {
        if !self.enter() {
            return;
        }
        self.depth += 1;
        self.bind_kind(target, value);
        self.depth -= 1;
    }

    fn bind_kind(&mut self, target: &AstNode<'t>, value: Value) {
        let kind = target.kind();
        match kind.as_ref() {
            "identifier"
            | "shorthand_property_identifier_pattern"
            | "shorthand_property_identifier" => {
                let name = target.text();
                // In Java a bare name that is no local variable is the field.
                let field = format!("this.{name}");
                if self.family == Family::Java
                    && self.env.get(&name).is_none()
                    && self.env.get(&field).is_some()
                {
                    self.fields.push((field.clone(), value.clone()));
                    self.env.set(&field, value);
                } else {
                    self.env.set(&name, value);
                }
            }
            "attribute" | "member_expression" | "field_access" => {
                if let Some(place) = place_name(target) {
                    if self.in_class || place.starts_with("this.") {
                        self.fields.push((place.clone(), value.clone()));
                    }
                    self.env.set(&place, value);
                    return;
                }
                let Some(object) = target.field("object") else {
                    return;
                };
                let name = target
                    .field("attribute")
                    .or_else(|| target.field("property"))
                    .or_else(|| target.field("field"))
                    .map(|name| name.text().into_owned())
                    .unwrap_or_default();
                match Self::place_of(&object) {
                    Some(place) => {
                        self.write_slot(&place, Some(Const::Str(Rc::from(name.as_str()))), &value);
                    }
                    None => {
                        self.eval(&object);
                    }
                }
            }
            "subscript" | "subscript_expression" | "array_access" => {
                let object = target
                    .field("value")
                    .or_else(|| target.field("object"))
                    .or_else(|| target.field("array"));
                let key = target
                    .field("subscript")
                    .or_else(|| target.field("index"))
                    .map(|key| self.eval(&key).constant)
                    .unwrap_or_default();
                if let Some(object) = object {
                    match Self::place_of(&object) {
                        Some(place) => self.write_slot(&place, key, &value),
                        None => {
                            self.eval(&object);
                        }
                    }
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "array_pattern" | "expression_list" => {
                let targets: Vec<AstNode<'t>> = named_children(target).collect();
                let items = match value.slots.as_deref() {
                    Some(Slots::List(items)) if items.len() == targets.len() => Some(items.clone()),
                    _ => None,
                };
                for (index, inner) in targets.iter().enumerate() {
                    let item = items
                        .as_ref()
                        .and_then(|items| items.get(index).cloned())
                        .unwrap_or_else(|| value.flattened());
                    self.bind(inner, item);
                }
            }
            "object_pattern" => self.bind_object(target, &value),
            "assignment_pattern" => {
                let fallback = target
                    .field("right")
                    .map(|right| self.eval(&right))
                    .unwrap_or_default();
                if let Some(left) = target.field("left") {
                    self.bind(&left, value.join(&fallback));
                }
            }
            "list_splat_pattern"
            | "rest_pattern"
            | "parenthesized_expression"
            | "as_pattern_target"
            | "parenthesized_pattern" => {
                if let Some(inner) = first_named(target) {
                    self.bind(&inner, value.flattened());
                }
            }
            _ => {}
        }
    }

    /// `{ a, b: c, d = 1, ...rest } = value`: each name gets its entry of the value.
    fn bind_object(&mut self, target: &AstNode<'t>, value: &Value) {
        for child in named_children(target) {
            match child.kind().as_ref() {
                "shorthand_property_identifier_pattern" => {
                    let key = Const::Str(Rc::from(child.text().as_ref()));
                    self.bind(&child, read_slot(value, Some(&key)));
                }
                "pair_pattern" => {
                    let key = child
                        .field("key")
                        .map(|key| Const::Str(Rc::from(key.text().as_ref())));
                    if let Some(inner) = child.field("value") {
                        self.bind(&inner, read_slot(value, key.as_ref()));
                    }
                }
                "object_assignment_pattern" => {
                    if let Some(left) = child.field("left") {
                        let key = Const::Str(Rc::from(left.text().as_ref()));
                        let fallback = child
                            .field("right")
                            .map(|right| self.eval(&right))
                            .unwrap_or_default();
                        let item = read_slot(value, Some(&key)).join(&fallback);
                        self.bind(&left, item);
                    }
                }
                _ => {
                    let flattened = value.flattened();
                    if let Some(inner) = first_named(&child) {
                        self.bind(&inner, flattened);
                    }
                }
            }
        }
    }

    /// The variable an expression stands for: a name, a field, or the receiver a chain of
    /// builder calls (`sb.append(a).append(b)`) returns.
    fn place_of(node: &AstNode<'t>) -> Option<String> {
        let mut node = node.clone();
        // A loop, not recursion: a chain of ten thousand `.append(…)` is one line of code.
        loop {
            if let Some(place) = place_name(&node) {
                return Some(place);
            }
            node = match node.kind().as_ref() {
                "parenthesized_expression" => first_named(&node)?,
                "call" | "call_expression" | "method_invocation" => {
                    let call = Self::call_parts(&node)?;
                    if !matches!(call.name.as_str(), "append" | "insert") {
                        return None;
                    }
                    call.receiver?
                }
                _ => return None,
            };
        }
    }

    /// Writes `value` into entry `key` of the container in `place` (a strong update when the
    /// container's entries are tracked and the key is known; else its data is added).
    fn write_slot(&mut self, place: &str, key: Option<Const>, value: &Value) {
        let Some(container) = self.env.get_mut(place) else {
            self.env.set(place, value.flattened());
            return;
        };
        match (container.slots.as_deref().cloned(), key) {
            (Some(Slots::Map(mut entries)), Some(key)) => {
                entries.retain(|(known, _)| *known != key);
                entries.push((key, value.clone()));
                container.set_slots(Slots::Map(entries));
            }
            (Some(Slots::List(mut items)), Some(Const::Int(index))) => {
                let slot = usize::try_from(index)
                    .ok()
                    .filter(|index| *index < items.len());
                match slot {
                    Some(slot) => {
                        items[slot] = value.clone();
                        container.set_slots(Slots::List(items));
                    }
                    None => container.absorb(value),
                }
            }
            _ => container.absorb(value),
        }
    }

    /// Takes a call apart: name, receiver, arguments.
    fn call_parts(node: &AstNode<'t>) -> Option<Call<'t>> {
        let kind = node.kind();
        let qualify = |receiver: &Option<AstNode<'t>>, name: &str| -> Option<String> {
            let receiver = receiver.as_ref()?;
            let plain = matches!(
                receiver.kind().as_ref(),
                "identifier" | "attribute" | "member_expression" | "field_access"
            );
            let text = receiver.text();
            (plain && text.len() <= 120).then(|| format!("{text}.{name}"))
        };
        let (name, receiver, arguments, constructs) = match kind.as_ref() {
            "call" | "call_expression" => {
                let function = node.field("function")?;
                let arguments = node.field("arguments");
                match function.kind().as_ref() {
                    "identifier" => (function.text().into_owned(), None, arguments, None),
                    "attribute" | "member_expression" => {
                        let name = function
                            .field("attribute")
                            .or_else(|| function.field("property"))
                            .map(|name| name.text().into_owned())
                            .unwrap_or_default();
                        (name, function.field("object"), arguments, None)
                    }
                    _ => (String::new(), Some(function), arguments, None),
                }
            }
            "method_invocation" => (
                node.field("name")?.text().into_owned(),
                node.field("object"),
                node.field("arguments"),
                None,
            ),
            "new_expression" | "object_creation_expression" => {
                let constructed = node
                    .field("constructor")
                    .or_else(|| node.field("type"))?
                    .text()
                    .into_owned();
                let name = constructed
                    .split('<')
                    .next()
                    .unwrap_or(&constructed)
                    .rsplit('.')
                    .next()
                    .unwrap_or(&constructed)
                    .to_owned();
                (name, None, node.field("arguments"), Some(constructed))
            }
            _ => return None,
        };
        let qualified = qualify(&receiver, &name);
        Some(Call {
            name,
            receiver,
            qualified,
            arguments,
            constructs,
        })
    }

    /// Evaluates a call's arguments; a function among them (a callback) gets the receiver's
    /// data as its parameters' (`rows.forEach(row => …)`).
    fn eval_arguments(
        &mut self,
        arguments: Option<&AstNode<'t>>,
        receiver: Option<&Value>,
    ) -> Arguments {
        let mut args: Vec<Value> = Vec::new();
        let mut kwargs: Vec<(String, Value)> = Vec::new();
        let mut typed_scalar = false;
        if let Some(arguments) = arguments.filter(|arguments| arguments.kind() == "template_string")
        {
            args.push(self.eval(arguments));
        } else if let Some(arguments) = arguments {
            for argument in named_children(arguments) {
                let argument_kind = argument.kind();
                if argument_kind == "keyword_argument" {
                    let name = argument
                        .field("name")
                        .map(|name| name.text().into_owned())
                        .unwrap_or_default();
                    let value_node = argument.field("value");
                    if name == "type"
                        && value_node
                            .as_ref()
                            .is_some_and(|value| is_scalar_type(self.family, &value.text()))
                    {
                        typed_scalar = true;
                    }
                    let value = value_node
                        .map(|value| self.eval(&value))
                        .unwrap_or_default();
                    let value = self.marked(&argument, value);
                    kwargs.push((name, value));
                    continue;
                }
                if is_function(&argument_kind) {
                    self.hint = receiver.cloned().filter(|data| !data.taint.is_clean());
                }
                let value = self.eval(&argument);
                self.hint = None;
                args.push(value);
            }
        }
        Arguments {
            args,
            kwargs,
            typed_scalar,
        }
    }

    fn eval_call(&mut self, node: &AstNode<'t>) -> Value {
        let Some(call) = Self::call_parts(node) else {
            return Value::default();
        };
        let receiver = call.receiver.as_ref().map(|receiver| self.eval(receiver));
        let receiver_data = receiver.as_ref().map(Value::flattened);
        let Arguments {
            args,
            kwargs,
            typed_scalar,
        } = self.eval_arguments(call.arguments.as_ref(), receiver_data.as_ref());
        if let Some(body) = named_children(node).find(|child| child.kind() == "class_body") {
            self.class_body(&body);
        }
        let name = call.name.as_str();
        let builds = is_string_building(name);
        let everything = || {
            let mut all = receiver_data.clone().unwrap_or_default();
            for value in args.iter().chain(kwargs.iter().map(|(_, value)| value)) {
                all.absorb(value);
            }
            if builds {
                all.taint = all.taint.built();
            }
            all
        };
        if typed_scalar || is_scalar_call(self.family, name, call.qualified.as_deref()) {
            return self.scalar(everything());
        }
        if let Some(constructed) = &call.constructs {
            if args.is_empty()
                && let Some(container) = container_kind(constructed)
            {
                return empty(container);
            }
            return everything();
        }
        // Constants the analysis can compute: `"ABC".charAt(2)`.
        if name == "charAt"
            && let (Some(Const::Str(text)), Some(Const::Int(index))) = (
                receiver
                    .as_ref()
                    .and_then(|receiver| receiver.constant.clone()),
                args.first().and_then(|arg| arg.constant.clone()),
            )
            && let Some(character) = usize::try_from(index)
                .ok()
                .and_then(|index| text.chars().nth(index))
        {
            return Value::constant(Const::Str(Rc::from(character.to_string().as_str())));
        }
        let definitions = self.resolve(&call, args.len() + kwargs.len());
        if !definitions.is_empty() {
            let mut result: Option<Value> = None;
            for definition in definitions {
                if let Some(summary) = self.summary(&definition) {
                    let value = self.apply_summary(&summary, &args, &kwargs);
                    result = Some(match result {
                        Some(earlier) => earlier.join(&value),
                        None => value,
                    });
                }
            }
            if let Some(result) = result {
                return result;
            }
        }
        if self.family == Family::Python && call.receiver.is_none() {
            match name {
                "dict" if args.is_empty() => {
                    let entries = kwargs
                        .iter()
                        .map(|(key, value)| (Const::Str(Rc::from(key.as_str())), value.clone()))
                        .collect();
                    return Value::container(Slots::Map(entries));
                }
                "list" | "set" | "tuple" if args.is_empty() => return empty(ContainerKind::List),
                "str" | "repr" | "format" => return everything(),
                _ => {}
            }
        }
        if let Some(receiver_node) = &call.receiver
            && let Some(place) = Self::place_of(receiver_node)
            && let Some(result) = self.container_call(&place, name, &args)
        {
            return result;
        }
        everything()
    }

    /// A call on a variable that reads or changes its entries or adds to its data; `None`
    /// when the call is none of those.
    fn container_call(&mut self, place: &str, name: &str, args: &[Value]) -> Option<Value> {
        let container = self.env.get(place)?.clone();
        let slots = container.slots.as_deref().cloned();
        let key = args.first().and_then(|arg| arg.constant.clone());
        let result = match (slots, name, args.len()) {
            (Some(_), "get" | "getOrDefault" | "at" | "item", 1 | 2) => {
                let mut found = read_slot(&container, key.as_ref());
                if let Some(fallback) = args.get(1) {
                    found = found.join(fallback);
                }
                found
            }
            (
                Some(Slots::List(mut items)),
                "pop" | "remove" | "shift" | "removeFirst" | "removeLast" | "poll",
                0 | 1,
            ) => {
                let index = match (name, &key) {
                    ("shift" | "removeFirst" | "poll", _) => Some(0),
                    ("pop" | "removeLast", None) => items.len().checked_sub(1),
                    (_, Some(Const::Int(index))) if *index < 0 => items
                        .len()
                        .checked_sub(usize::try_from(index.unsigned_abs()).ok()?),
                    (_, Some(Const::Int(index))) => usize::try_from(*index).ok(),
                    _ => None,
                };
                match index.filter(|index| *index < items.len()) {
                    Some(index) => {
                        let removed = items.remove(index);
                        self.set_slots(place, Slots::List(items));
                        removed
                    }
                    None => container.flattened(),
                }
            }
            (Some(Slots::Map(mut entries)), "pop" | "remove", 1 | 2) => {
                let found = read_slot(&container, key.as_ref());
                if let Some(key) = &key {
                    entries.retain(|(known, _)| known != key);
                    self.set_slots(place, Slots::Map(entries));
                }
                found
            }
            (Some(Slots::Map(_)), "put" | "set" | "setdefault" | "__setitem__", 2) => {
                self.write_slot(place, key, &args[1]);
                Value::default()
            }
            (Some(Slots::List(mut items)), "append" | "add" | "push" | "addLast" | "offer", 1) => {
                items.push(args[0].clone());
                self.set_slots(place, Slots::List(items));
                Value::default()
            }
            (Some(Slots::List(mut items)), "add" | "insert", 2) => {
                match key {
                    Some(Const::Int(index))
                        if usize::try_from(index).is_ok_and(|index| index <= items.len()) =>
                    {
                        items.insert(usize::try_from(index).unwrap_or(0), args[1].clone());
                        self.set_slots(place, Slots::List(items));
                    }
                    _ => self.absorb_into(place, &args[1]),
                }
                Value::default()
            }
            (Some(Slots::List(mut items)), "unshift" | "addFirst" | "push_front", 1) => {
                items.insert(0, args[0].clone());
                self.set_slots(place, Slots::List(items));
                Value::default()
            }
            (_, name, _) if is_mutator(name) && !args.is_empty() => {
                for arg in args {
                    self.absorb_into(place, arg);
                }
                self.env.get(place).cloned().unwrap_or_default()
            }
            _ => return None,
        };
        Some(result)
    }

    fn set_slots(&mut self, place: &str, slots: Slots) {
        if let Some(container) = self.env.get_mut(place) {
            container.set_slots(slots);
        }
    }

    fn absorb_into(&mut self, place: &str, value: &Value) {
        if let Some(container) = self.env.get_mut(place) {
            container.absorb(value);
        }
    }
}

/// The value of a literal (or of an expression that is never data), `None` for other nodes.
fn literal(kind: &str, node: &AstNode<'_>) -> Option<Value> {
    let value = match kind {
        "character_literal" => {
            Value::constant(Const::Str(Rc::from(node.text().trim_matches('\''))))
        }
        "integer" | "number" | "decimal_integer_literal" | "hex_integer_literal" => {
            parse_int(&node.text())
                .map_or_else(Value::default, |value| Value::constant(Const::Int(value)))
        }
        "float"
        | "decimal_floating_point_literal"
        | "octal_integer_literal"
        | "binary_integer_literal"
        | "regex"
        | "class_literal"
        | "update_expression"
        | "instanceof_expression"
        | "method_reference" => Value::default(),
        "true" => Value::constant(Const::Bool(true)),
        "false" => Value::constant(Const::Bool(false)),
        "none" | "null" | "null_literal" | "undefined" => Value::constant(Const::Null),
        _ => return None,
    };
    Some(value)
}

fn empty(kind: ContainerKind) -> Value {
    let slots = match kind {
        ContainerKind::List => Slots::List(Vec::new()),
        ContainerKind::Map => Slots::Map(Vec::new()),
    };
    Value::container(slots)
}

/// Entry `key` of a container: the tracked entry when the key is known, else everything the
/// container may hold.
fn read_slot(container: &Value, key: Option<&Const>) -> Value {
    match (container.slots.as_deref(), key) {
        (Some(Slots::List(items)), Some(Const::Int(index))) => {
            let position = if *index < 0 {
                usize::try_from(index.unsigned_abs())
                    .ok()
                    .and_then(|back| items.len().checked_sub(back))
            } else {
                usize::try_from(*index).ok()
            };
            match position.and_then(|position| items.get(position)) {
                Some(item) => {
                    let mut item = item.clone();
                    item.absorb(&Value::tainted(container.taint, container.origin));
                    if container.taint.is_clean() {
                        item.constant = items
                            .get(position.unwrap_or(0))
                            .and_then(|item| item.constant.clone());
                    }
                    item
                }
                None => container.flattened(),
            }
        }
        (Some(Slots::Map(entries)), Some(key)) => {
            match entries.iter().find(|(known, _)| known == key) {
                Some((_, item)) if container.taint.is_clean() => item.clone(),
                Some((_, item)) => {
                    let mut item = item.clone();
                    item.absorb(&Value::tainted(container.taint, container.origin));
                    item
                }
                None => Value::tainted(container.taint, container.origin),
            }
        }
        _ => container.flattened(),
    }
}

fn is_arithmetic(operator: &str) -> bool {
    matches!(
        operator,
        "+" | "-" | "*" | "/" | "%" | "**" | "//" | "<<" | ">>" | ">>>" | "&" | "|" | "^" | "@"
    )
}

/// `left operator right` for data and constants: data from both sides; constants folded.
fn arithmetic(family: Family, operator: &str, left: &Value, right: &Value) -> Value {
    let mut value = left.flattened();
    value.absorb(right);
    value.taint = value.taint.built();
    value.constant = match (operator, &left.constant, &right.constant) {
        ("+", Some(Const::Str(a)), Some(Const::Str(b))) => {
            Some(Const::Str(Rc::from(format!("{a}{b}").as_str())))
        }
        ("+", Some(Const::Str(a)), Some(Const::Int(b))) if family != Family::Python => {
            Some(Const::Str(Rc::from(format!("{a}{b}").as_str())))
        }
        ("+", Some(Const::Int(a)), Some(Const::Str(b))) if family != Family::Python => {
            Some(Const::Str(Rc::from(format!("{a}{b}").as_str())))
        }
        (_, Some(Const::Int(a)), Some(Const::Int(b))) => match operator {
            "+" => a.checked_add(*b),
            "-" => a.checked_sub(*b),
            "*" => a.checked_mul(*b),
            "/" if family == Family::Java => a.checked_div(*b),
            "//" => a.checked_div_euclid(*b),
            "%" if family == Family::Java => a.checked_rem(*b),
            "%" => a.checked_rem_euclid(*b),
            _ => None,
        }
        .map(Const::Int),
        _ => None,
    };
    value
}

/// A comparison: a boolean, never data; folded when both sides are constants.
fn compare(operator: &str, left: &Value, right: &Value) -> Value {
    let result = match (&left.constant, &right.constant) {
        (Some(Const::Int(a)), Some(Const::Int(b))) => match operator {
            "==" | "===" => Some(a == b),
            "!=" | "!==" => Some(a != b),
            "<" => Some(a < b),
            ">" => Some(a > b),
            "<=" => Some(a <= b),
            ">=" => Some(a >= b),
            _ => None,
        },
        (Some(a), Some(b)) => match operator {
            "==" | "===" | "is" => Some(a == b),
            "!=" | "!==" | "is not" => Some(a != b),
            _ => None,
        },
        _ => None,
    };
    result.map_or_else(Value::default, |result| {
        Value::constant(Const::Bool(result))
    })
}
