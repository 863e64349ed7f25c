use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use agate_lang::{
    ChangeScope, FileImports, ImportReader, Imports, Language, MAX_RULE_DEPTH, SourceFile,
    SourceKind, WalkOptions, classify_source, walk,
};
use agate_model::{
    Analyzer, Finding, Fingerprint, FingerprintInput, Location, Notice, NoticeLevel, Position,
    ScanStats, Text,
};
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::{AstGrep, Doc, Node, NodeMatch};
use rayon::prelude::*;
use regex::Regex;

use crate::prefilter::{LanguageRules, Match};
use crate::{Rule, RuleSet};

/// Why a minified file was skipped.
const MINIFIED_OUTSIDE_CHANGE: &str = "skipped: looks minified or bundled and is unchanged since the base revision; it is scanned as soon as a change touches it";

/// How a syntax-error notice begins (the fixture check recognizes it by this).
pub(crate) const SYNTAX_ERROR: &str = "syntax error";

/// Why a file's data-flow findings may be incomplete.
const TAINT_INCOMPLETE: &str = "the data-flow analysis of this file stopped early (too large or too deeply nested): taint rules may miss flows in it; split the file or review it by hand";

/// How much of a source's code a taint finding's message quotes.
const SOURCE_QUOTE_CHARS: usize = 60;

/// A snippet shows at most this many lines of a match.
const SNIPPET_MAX_LINES: usize = 6;

/// Threads get a large stack: tree-sitter trees of hostile, deeply nested input are walked by
/// recursive matchers, and a stack overflow would abort the whole process.
const THREAD_STACK_SIZE: usize = 64 * 1024 * 1024;

thread_local! {
    /// Whether this thread is a worker of a [`thread_pool`], with its large stack.
    static SCAN_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A thread pool whose workers can scan (large stacks); `threads` 0 is one per core. A
/// [`Scanner`] called on one of its workers runs its files there, so callers can run other
/// parallel work beside a scan on the same threads; called elsewhere, it builds its own.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(THREAD_STACK_SIZE)
        .start_handler(|_| SCAN_WORKER.with(|worker| worker.set(true)))
        .build()
}

/// How a [`Scanner`] finds and reads files.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Which files to visit.
    pub walk: WalkOptions,
    /// Analysis threads; 0 uses every core.
    pub threads: usize,
    /// Also list each file's imports (from the same tree), for the dependency analyzer.
    pub imports: bool,
    /// The change under review: its files are scanned even when they look minified; a
    /// minified file outside it is skipped with a notice. The default holds every file.
    pub scope: ChangeScope,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanOutput {
    /// Findings, ordered by path, line, column and rule id.
    pub findings: Vec<Finding>,
    /// Files skipped or only partly analyzed, and why.
    pub notices: Vec<Notice>,
    /// Files and bytes analyzed, rules run, time taken.
    pub stats: ScanStats,
    /// `(path, text)` of the files that contain `agate:` comments (suppressions, AI
    /// markers), so the policy can read them without a second pass over the tree.
    pub annotated: Vec<(String, String)>,
    /// Each parsed file's imports, ordered by path, when [`ScanOptions::imports`] asks.
    pub imports: Vec<FileImports>,
}

/// Runs a [`RuleSet`] over files: each file is read and parsed once, every rule of its
/// language runs in one traversal of that tree, and files are analyzed in parallel.
#[derive(Debug)]
pub struct Scanner {
    rules: RuleSet,
    options: ScanOptions,
}

impl Scanner {
    /// Creates a scanner for `rules`.
    pub fn new(rules: RuleSet, options: ScanOptions) -> Scanner {
        Scanner { rules, options }
    }

    /// Returns the rules this scanner runs.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Scans `paths` (files or folders), reporting paths relative to `root`.
    pub fn scan(&self, root: &Path, paths: &[PathBuf]) -> ScanOutput {
        let started = Instant::now();
        let walked = walk(root, paths, &self.options.walk);
        let languages: BTreeSet<Language> = walked.files.iter().map(|file| file.language).collect();
        let languages: Vec<Language> = languages.into_iter().collect();
        let mut engine = Engine::new(&self.rules, &languages);
        engine.imports = self.options.imports;
        let limit = self.options.walk.max_file_size;
        let analyze = || -> Vec<FileOutcome> {
            // One task per file, largest first: rayon otherwise hands each thread long runs
            // of files, and a run of costly ones (a package's three builds side by side), or
            // one large file taken last, leaves the other cores idle at the end.
            agate_lang::map_largest_first(
                &walked.files,
                |file| file.bytes,
                |file| engine.analyze_file(file, &self.options.scope, limit),
            )
        };
        let outcomes = if SCAN_WORKER.with(std::cell::Cell::get) {
            analyze()
        } else {
            match thread_pool(self.options.threads) {
                Ok(pool) => pool.install(analyze),
                Err(_) => analyze(),
            }
        };

        let mut output = ScanOutput::default();
        // One allocation of the right size: growing by doubling would hold up to three
        // times the findings' size while copying.
        output
            .findings
            .reserve_exact(outcomes.iter().map(|outcome| outcome.findings.len()).sum());
        output
            .notices
            .extend(walked.errors.into_iter().map(Notice::from));
        for outcome in outcomes {
            if outcome.analyzed {
                output.stats.files += 1;
                output.stats.bytes += outcome.bytes;
            }
            if outcome.skipped_minified {
                output.stats.skipped_minified += 1;
            }
            output.findings.extend(outcome.findings);
            output.notices.extend(outcome.notices);
            if let Some(imports) = outcome.imports {
                output.imports.push(FileImports {
                    path: outcome.path.clone(),
                    language: outcome.language,
                    imports,
                });
            }
            if let Some(text) = outcome.annotated {
                output.annotated.push((outcome.path, text));
            }
        }
        output.imports.sort_by(|a, b| a.path.cmp(&b.path));
        output
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        output.annotated.sort();
        output
            .notices
            .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        output.stats.rules = self.rules.len() as u64;
        output.stats.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        output
    }

    /// Scans one in-memory source file whose language comes from `relative`'s extension.
    ///
    /// Builds the per-language matchers on every call; to scan many files, use [`Scanner::scan`].
    pub fn scan_source(&self, relative: &str, text: &str) -> Vec<Finding> {
        let Some(language) = Language::from_path(relative) else {
            return Vec::new();
        };
        let engine = Engine::new(&self.rules, &[language]);
        engine.analyze_text(relative, language, text).findings
    }
}

/// A rule compiled for one language.
enum Compiled<'r> {
    Pattern(
        Language,
        &'r Rule,
        &'r ast_grep_config::RuleConfig<Language>,
    ),
    Taint(Language, &'r Rule, &'r [agate_taint::CompiledEntry]),
}

/// A language's pattern rules with their matchers, and taint rules with their entries.
type ByLanguage<'r> = (
    Vec<(&'r Rule, &'r ast_grep_config::RuleConfig<Language>)>,
    Vec<(&'r Rule, &'r [agate_taint::CompiledEntry])>,
);

/// The per-scan view of a rule set: one combined matcher per language.
pub(crate) struct Engine<'r> {
    languages: HashMap<Language, LanguageRules<'r>>,
    /// Whether to list each file's imports.
    imports: bool,
}

struct FileOutcome {
    path: String,
    language: Language,
    imports: Option<Imports>,
    annotated: Option<String>,
    analyzed: bool,
    /// Skipped as minified, outside the change.
    skipped_minified: bool,
    bytes: u64,
    findings: Vec<Finding>,
    notices: Vec<Notice>,
}

impl<'r> Engine<'r> {
    /// The matchers of `rules` for `languages` (the ones the files to scan are in).
    pub(crate) fn new(rules: &'r RuleSet, languages: &[Language]) -> Engine<'r> {
        Engine::from_rules(rules.iter(), languages)
    }

    pub(crate) fn from_rules(
        rules: impl Iterator<Item = &'r Rule>,
        languages: &[Language],
    ) -> Engine<'r> {
        let wanted: Vec<(&'r Rule, Language)> = rules
            .flat_map(|rule| {
                rule.targets()
                    .filter(|target| languages.contains(target))
                    .map(move |target| (rule, target))
            })
            .collect();
        // Compiling a rule's patterns is most of a scan's start-up: in parallel.
        let compiled: Vec<Compiled<'r>> = wanted
            .par_iter()
            .filter_map(|&(rule, target)| {
                if rule.is_taint() {
                    Some(Compiled::Taint(target, rule, rule.taint_entries(target)?))
                } else {
                    Some(Compiled::Pattern(target, rule, rule.matcher(target)?))
                }
            })
            .collect();
        let mut by_language: HashMap<Language, ByLanguage<'r>> = HashMap::new();
        for compiled in compiled {
            match compiled {
                Compiled::Pattern(language, rule, config) => {
                    by_language
                        .entry(language)
                        .or_default()
                        .0
                        .push((rule, config));
                }
                Compiled::Taint(language, rule, entries) => {
                    by_language
                        .entry(language)
                        .or_default()
                        .1
                        .push((rule, entries));
                }
            }
        }
        let languages = by_language
            .into_iter()
            .map(|(language, (patterns, taint))| (language, LanguageRules::new(&patterns, &taint)))
            .collect();
        Engine {
            languages,
            imports: false,
        }
    }

    /// Reads (at most `limit` bytes) and analyzes one file.
    fn analyze_file(&self, file: &SourceFile, scope: &ChangeScope, limit: u64) -> FileOutcome {
        let mut outcome = FileOutcome {
            path: file.relative.clone(),
            language: file.language,
            imports: None,
            annotated: None,
            analyzed: false,
            skipped_minified: false,
            bytes: 0,
            findings: Vec::new(),
            notices: Vec::new(),
        };
        let notice = |level, message: String| Notice {
            level,
            path: Some(file.relative.clone()),
            message,
        };
        agate_fs::with_bounded_read(&file.path, limit, |read| {
            let bytes = match read {
                Ok(bytes) => bytes,
                Err(error) => {
                    let message = format!("not scanned: {}", error.reason());
                    outcome.notices.push(notice(NoticeLevel::Error, message));
                    return;
                }
            };
            match classify_source(&file.relative, file.language, bytes) {
                SourceKind::Text => {}
                // One line of code is still code: what the change brings is scanned.
                SourceKind::Minified if scope.contains(&file.relative) => {}
                SourceKind::Minified => {
                    let message = MINIFIED_OUTSIDE_CHANGE.to_owned();
                    outcome.notices.push(notice(NoticeLevel::Warning, message));
                    outcome.skipped_minified = true;
                    return;
                }
                SourceKind::Binary => {
                    let message = agate_lang::BINARY_SOURCE.to_owned();
                    outcome.notices.push(notice(NoticeLevel::Error, message));
                    return;
                }
            }
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(error) => {
                    let valid_up_to = error.valid_up_to();
                    let message = format!(
                        "not valid UTF-8 (first bad byte at offset {valid_up_to}); scanned with invalid bytes replaced"
                    );
                    outcome.notices.push(notice(NoticeLevel::Warning, message));
                    String::from_utf8_lossy(bytes)
                }
            };
            outcome.bytes = text.len() as u64;
            let analyzed = self.analyze_text(&file.relative, file.language, &text);
            outcome.analyzed = analyzed
                .notices
                .iter()
                .all(|notice| notice.level != NoticeLevel::Error);
            outcome.findings = analyzed.findings;
            outcome.imports = analyzed.imports;
            outcome.notices.extend(analyzed.notices);
            if text.contains(agate_model::ANNOTATION_MARKER) {
                outcome.annotated = Some(text.into_owned());
            }
        });
        outcome
    }

    /// Parses `text` once, runs every rule of `language` on the tree and, when asked,
    /// lists its imports.
    pub(crate) fn analyze_text(&self, relative: &str, language: Language, text: &str) -> Analyzed {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut analyzed = Analyzed::default();
        let rules = self.languages.get(&language);
        let enabled = rules.and_then(|rules| rules.enabled(text));
        if enabled.is_none() && !(self.imports && agate_lang::may_import(language, text)) {
            // No rule can match, and no import needs reading (a file without any word an
            // import needs imports nothing): not parsed, as without the imports.
            if self.imports {
                analyzed.imports = Some(Imports::default());
            }
            return analyzed;
        }
        let root = match StrDoc::try_new(text, language) {
            Ok(doc) => AstGrep::doc(doc),
            Err(error) => {
                analyzed.notices.push(Notice {
                    level: NoticeLevel::Error,
                    path: Some(relative.to_owned()),
                    message: format!("not scanned: the parser failed ({error})"),
                });
                return analyzed;
            }
        };
        analyzed
            .notices
            .extend(syntax_error_notice(relative, &root));
        let (Some(rules), Some(enabled)) = (rules, enabled) else {
            if self.imports {
                analyzed.imports = Some(agate_lang::imports(language, &root.root()));
            }
            return analyzed;
        };
        // The rules' walk reads the imports too: one traversal of the tree, not two.
        let mut reader = self.imports.then(|| ImportReader::new(language));
        let found = rules.matches(&root, &enabled, |node, ancestors, ids| {
            if let Some(reader) = reader.as_mut() {
                reader.visit(node, ancestors, ids);
            }
        });
        let visited = found.visited;
        if let Some(reader) = reader {
            analyzed.imports = Some(if visited.cut == 0 {
                reader.finish()
            } else {
                agate_lang::imports(language, &root.root())
            });
        }
        let mut seen = HashMap::new();
        let mut shared = Shared::new(relative);
        let mut matches = found.matches;
        let fixes = crate::fix::FileFixes::new(text);
        drop_nested_matches(&mut matches);
        for (rule, config, node_match, scope) in matches {
            let message = shared.text(config.get_message(&node_match));
            let mut finding = build_finding(
                rule,
                (&shared.path, text),
                (&node_match, scope),
                message,
                &mut seen,
            );
            finding.fix = fixes.edit(config, &node_match);
            analyzed.findings.push(finding);
        }
        if found.marks.live() != 0 {
            let flows = agate_taint::analyze(&root.root(), &found.marks);
            for flow in outermost(&flows.flows) {
                let (Some(rule), Some((node_match, scope))) =
                    (rules.taint_rule(flow.rule), found.sinks.get(&flow.sink))
                else {
                    continue;
                };
                let message = shared.text(taint_message(rule, node_match, flow.source, text));
                analyzed.findings.push(build_finding(
                    rule,
                    (&shared.path, text),
                    (node_match, scope.clone()),
                    message,
                    &mut seen,
                ));
            }
            if !flows.complete {
                analyzed.notices.push(Notice {
                    level: NoticeLevel::Warning,
                    path: Some(relative.to_owned()),
                    message: TAINT_INCOMPLETE.to_owned(),
                });
            }
        }
        if let Some(line) = visited.first_cut_line {
            analyzed
                .notices
                .push(depth_notice(relative, line, visited.cut));
        }
        analyzed
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        analyzed
    }
}

/// What one parse of a file gave.
#[derive(Default)]
pub(crate) struct Analyzed {
    pub(crate) findings: Vec<Finding>,
    /// A syntax error (warning) or a parser failure (error); nesting too deep for the rules
    /// (warning).
    pub(crate) notices: Vec<Notice>,
    pub(crate) imports: Option<Imports>,
}

/// Keeps one match per rule for nested matches: `fs.readFile(path.join(base, req.x))`
/// is one path traversal, not two. Done before findings are built, so a hostile nest of
/// matches (`eval(eval(eval(…)))`) does not copy, fingerprint and describe every inner level.
fn drop_nested_matches(matches: &mut Vec<Match<'_, '_>>) {
    // Matches come in document order, an enclosing node before the nodes inside it, so an
    // earlier match of the same rule contains this one exactly when it ends at or after
    // this one's end: the furthest end per rule decides, in one pass.
    let mut furthest: HashMap<&str, usize> = HashMap::new();
    matches.retain(|(rule, _, node_match, _)| {
        let end = node_match.range().end;
        match furthest.get_mut(rule.id()) {
            Some(furthest) if *furthest >= end => false,
            Some(furthest) => {
                *furthest = end;
                true
            }
            None => {
                furthest.insert(rule.id(), end);
                true
            }
        }
    });
}

/// Says that rules did not look below [`MAX_RULE_DEPTH`] levels of nesting.
/// The flows whose sink is inside no other sink of the same rule (one finding, as for
/// patterns): sinks are syntax nodes, so sorted by start, one inside another ends no later.
fn outermost(flows: &[agate_taint::Flow]) -> Vec<agate_taint::Flow> {
    let mut ordered = flows.to_vec();
    ordered.sort_by_key(|flow| (flow.rule, flow.sink.start, std::cmp::Reverse(flow.sink.end)));
    let mut furthest: HashMap<usize, u32> = HashMap::new();
    ordered.retain(|flow| {
        let end = furthest.entry(flow.rule).or_insert(0);
        let inside = flow.sink.end <= *end;
        *end = (*end).max(flow.sink.end);
        !inside
    });
    ordered
}

/// A taint finding's message: the rule's message with the sink's metavariables, and where
/// the data came from.
fn taint_message(
    rule: &Rule,
    sink: &NodeMatch<'_, StrDoc<Language>>,
    source: Option<agate_taint::Span>,
    text: &str,
) -> String {
    let mut message = rule.message().to_owned();
    let env = sink.get_env();
    for name in metavariables(rule.message()) {
        if let Some(node) = env.get_match(name) {
            message = message.replace(&format!("${name}"), &node.text());
        }
    }
    let Some(source) = source else {
        return message;
    };
    let start = floor_char_boundary(text, source.start as usize);
    let end = floor_char_boundary(text, (source.end as usize).max(start));
    // String literals are not quoted: a source can be `os.environ.get("KEY", "<a real key>")`.
    let code = mask_string_literals(text[start..end].lines().next().unwrap_or_default().trim());
    let mut quoted: String = code.chars().take(SOURCE_QUOTE_CHARS).collect();
    if quoted.len() < code.len() {
        quoted.push('…');
    }
    let line = text[..start].matches('\n').count() + 1;
    format!("{message} (data from `{quoted}`, line {line})")
}

/// The `$NAME`s in a message, longest first (so `$AB` is replaced before `$A`).
fn metavariables(message: &str) -> Vec<&str> {
    let mut names: Vec<&str> = message
        .match_indices('$')
        .filter_map(|(at, _)| {
            let rest = &message[at + 1..];
            let end = rest
                .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
        .collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    names.dedup();
    names
}

fn depth_notice(relative: &str, line: usize, subtrees: u64) -> Notice {
    let line = line + 1;
    let more = match subtrees {
        0 | 1 => String::new(),
        _ => format!(" (and {} more places)", subtrees - 1),
    };
    Notice {
        level: NoticeLevel::Warning,
        path: Some(relative.to_owned()),
        message: format!(
            "nesting deeper than {MAX_RULE_DEPTH} syntax levels at line {line}{more}: the structural rules did not look inside it; flatten the code or review it by hand"
        ),
    }
}

fn syntax_error_notice(relative: &str, root: &AstGrep<StrDoc<Language>>) -> Option<Notice> {
    let tree_root = root.root();
    if !tree_root.get_inner_node().has_error() {
        return None;
    }
    let first = tree_root
        .dfs()
        .find(|node| node.is_error() || node.is_missing())
        .map_or(1, |node| node.start_pos().line() + 1);
    Some(Notice {
        level: NoticeLevel::Warning,
        path: Some(relative.to_owned()),
        message: format!(
            "{SYNTAX_ERROR} near line {first}; scanned the parts that parse, matches in the broken region may be missing"
        ),
    })
}

/// The strings a file's findings share: its path, and each distinct message once.
struct Shared {
    path: Text,
    messages: HashSet<Text>,
}

impl Shared {
    fn new(relative: &str) -> Shared {
        Shared {
            path: Text::from(relative),
            messages: HashSet::new(),
        }
    }

    /// The one shared copy of `message`.
    fn text(&mut self, message: String) -> Text {
        if let Some(known) = self.messages.get(message.as_str()) {
            return known.clone();
        }
        let text = Text::from(message);
        self.messages.insert(text.clone());
        text
    }
}

fn build_finding<D: Doc<Lang = Language>>(
    rule: &Rule,
    (relative, text): (&Text, &str),
    (node_match, scope): (&NodeMatch<'_, D>, String),
    message: Text,
    seen: &mut HashMap<(String, String, String), u32>,
) -> Finding {
    let node: &Node<'_, D> = node_match;
    let range = node.range();
    let start = position(text, range.start, node.start_pos().line());
    let end = position(text, range.end, node.end_pos().line());
    let metadata = rule.metadata();
    let (code, snippet) = if metadata.sensitive {
        // Lexical masking handles well-formed code; removing the literal values the match
        // contains also covers garbage where quotes do not pair up.
        let values = literal_values(node);
        (
            mask_sensitive(&node.text(), &values),
            mask_sensitive(&snippet(text, range.start, range.end), &values),
        )
    } else {
        (
            node.text().into_owned(),
            snippet(text, range.start, range.end),
        )
    };
    let occurrence = {
        let key = (
            rule.id().to_owned(),
            scope.clone(),
            agate_model::normalize_code(&code),
        );
        let count = seen.entry(key).or_insert(0);
        *count += 1;
        *count - 1
    };
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id: rule.id(),
        path: relative,
        code: &code,
        scope: &scope,
        occurrence,
    });
    // Security findings go to gate `security` by default, AI anti-patterns to
    // `provenance-lint`.
    let analyzer = if metadata.ai_pattern {
        Analyzer::AiPatterns
    } else {
        Analyzer::Sast
    };
    let location = Location {
        path: relative.clone(),
        start,
        end,
    };
    let mut finding = Finding::new(
        rule.shared_id().clone(),
        analyzer,
        metadata.severity,
        metadata.confidence,
        message,
        location,
        fingerprint,
    );
    finding.snippet = snippet;
    finding.cwe.clone_from(&metadata.cwe);
    finding.owasp.clone_from(&metadata.owasp);
    finding
}

/// Converts a byte offset on a known 0-based line (tree-sitter tracks lines, so nothing
/// here scans the file from its start) into a 1-based line and character column.
fn position(text: &str, offset: usize, line: usize) -> Position {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    Position {
        line: u32::try_from(line + 1).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Quoted strings, including one left open at the end of a line (so a truncated literal
/// is masked too).
static STRING_LITERAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)"(?:[^"\\\n]|\\.)*(?:"|$)|'(?:[^'\\\n]|\\.)*(?:'|$)|`(?:[^`\\]|\\.)*(?:`|\z)"#,
    )
    .ok()
});

/// Replaces every string literal in `code` with `"***"`: what sensitive rules show and
/// fingerprint, so no report carries the credential they found.
fn mask_string_literals(code: &str) -> String {
    match STRING_LITERAL.as_ref() {
        Some(pattern) => pattern.replace_all(code, "\"***\"").into_owned(),
        // The pattern is a constant; should it ever fail to compile, show nothing.
        None => "***".to_owned(),
    }
}

/// String literal kinds across the grammars.
const STRING_KINDS: &[&str] = &[
    "string",
    "string_literal",
    "template_string",
    "string_fragment",
    "string_content",
];

/// The values (without quotes) of the string literals inside a match, shortest last.
fn literal_values<D: Doc>(node: &Node<'_, D>) -> Vec<String> {
    let mut values: Vec<String> = node
        .dfs()
        .filter(|descendant| STRING_KINDS.contains(&descendant.kind().as_ref()))
        .map(|literal| {
            literal
                .text()
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim_matches(|c| matches!(c, '"' | '\'' | '`'))
                .to_owned()
        })
        .filter(|value| value.chars().count() >= 3)
        .collect();
    values.sort_by_key(|value| std::cmp::Reverse(value.len()));
    values.dedup();
    values
}

/// A value at least this long, with at least this entropy (bits per byte, as the generic
/// secret rules ask), looks like a secret.
const SECRET_LIKE_LENGTH: usize = 8;
const SECRET_LIKE_ENTROPY: f64 = 3.0;

/// Masks every string literal in `code`, and the copies of `values` left outside them that
/// look like secrets or sit against a quote (a literal whose quotes the lexer could not
/// pair). A word such as `config` elsewhere on the line is code: `app.config` stays.
fn mask_sensitive(code: &str, values: &[String]) -> String {
    let mut masked = mask_string_literals(code);
    for value in values {
        let secret_like =
            value.len() >= SECRET_LIKE_LENGTH && agate_model::entropy(value) >= SECRET_LIKE_ENTROPY;
        masked = mask_copies(&masked, value, secret_like);
    }
    masked
}

/// Replaces the copies of `value` in `text` with `***`: all of them, or (when not
/// `everywhere`) those with a quote right before or after.
fn mask_copies(text: &str, value: &str, everywhere: bool) -> String {
    let is_quote = |c: Option<char>| matches!(c, Some('"' | '\'' | '`'));
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (start, _) in text.match_indices(value) {
        if start < rest {
            continue;
        }
        let end = start + value.len();
        let quoted =
            is_quote(text[..start].chars().next_back()) || is_quote(text[end..].chars().next());
        if everywhere || quoted {
            out.push_str(&text[rest..start]);
            out.push_str("***");
            rest = end;
        }
    }
    out.push_str(&text[rest..]);
    out
}

/// The whole source lines a match spans, capped at [`SNIPPET_MAX_LINES`].
fn snippet(text: &str, start: usize, end: usize) -> String {
    let start = floor_char_boundary(text, start);
    let end = floor_char_boundary(text, end.max(start));
    let line_start = text[..start].rfind('\n').map_or(0, |index| index + 1);
    let line_end = text[end..]
        .find('\n')
        .map_or(text.len(), |index| end + index);
    let mut lines: Vec<&str> = text[line_start..line_end]
        .lines()
        .take(SNIPPET_MAX_LINES)
        .collect();
    if lines.is_empty() {
        lines.push("");
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_findings(yaml_rules: &[(&str, &str)], path: &str, source: &str) -> Vec<Finding> {
        let mut set = RuleSet::default();
        for (name, yaml) in yaml_rules {
            let rule = Rule::parse(name, yaml, vec![], crate::rule::Compile::Now).unwrap();
            set.insert(rule).unwrap();
        }
        Scanner::new(set, ScanOptions::default()).scan_source(path, source)
    }

    const EVAL: (&str, &str) = (
        "py.demo-eval.yaml",
        "id: py.demo-eval\nlanguage: python\nmessage: eval of `$X`\nrule: { pattern: eval($X) }\nmetadata: { severity: high, confidence: high, cwe: [CWE-95] }\n",
    );

    /// The imports the rules' walk reads, and those of a walk of their own.
    fn imports_both_ways(language: Language, source: &str) -> (Option<Imports>, Imports) {
        let mut set = RuleSet::default();
        set.insert(Rule::parse(EVAL.0, EVAL.1, vec![], crate::rule::Compile::Now).unwrap())
            .unwrap();
        let mut engine = Engine::new(&set, &[language]);
        engine.imports = true;
        let read = engine.analyze_text("a.py", language, source).imports;
        let root = StrDoc::try_new(source, language).map(AstGrep::doc).unwrap();
        (read, agate_lang::imports(language, &root.root()))
    }

    #[test]
    fn issue_8_imports_are_read_in_the_rules_walk_as_in_a_walk_of_their_own() {
        let source = "\
import os, json as j
from xml.etree import ElementTree
def f(os_name):
    eval(os_name)
    return os.path.joinpath(j.parse(x), ElementTree.nothing)
";
        let (read, own) = imports_both_ways(Language::Python, source);
        assert_eq!(read.as_ref(), Some(&own));
        assert_eq!(own.modules.len(), 3);
        assert_eq!(own.members.len(), 4);
        // Past the rules' depth bound the rules' walk stops, and the imports are read by a
        // whole walk: the member use 1,500 brackets deep is still there.
        let deep = format!(
            "import os\neval(x)\ny = {}os.path.joinpath('a'){}\n",
            "[".repeat(1_500),
            "]".repeat(1_500)
        );
        let (read, own) = imports_both_ways(Language::Python, &deep);
        assert_eq!(read.as_ref(), Some(&own));
        assert!(
            own.members
                .iter()
                .any(|member| member.path == ["path", "joinpath"])
        );
    }

    const TAINT_SQL: (&str, &str) = (
        "py.demo-sql.yaml",
        "id: py.demo-sql\nlanguage: python\nmode: taint\nmessage: request data reaches `$C.execute`\nsources: [{ model: flask }]\nsinks: [{ pattern: $C.execute($Q), focus: Q }]\nmetadata: { severity: high, confidence: high, cwe: [CWE-89], keywords: [execute] }\n",
    );

    #[test]
    fn issue_9_a_taint_finding_says_where_the_data_came_from() {
        let source = "from flask import request\n\ndef view(cur):\n    name = request.args['n']\n    sql = 'SELECT ' + name\n    cur.execute(sql)\n    cur.execute('SELECT 1')\n";
        let findings = engine_findings(&[TAINT_SQL, EVAL], "app.py", source);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let finding = &findings[0];
        assert_eq!(finding.rule_id, "py.demo-sql");
        assert_eq!(finding.location.start.line, 6);
        assert_eq!(
            finding.message,
            "request data reaches `cur.execute` (data from `request.args`, line 4)"
        );
        assert_eq!(finding.cwe, ["CWE-89"]);
        // The same code with a constant: nothing.
        let safe = source.replace("request.args['n']", "'constant'");
        assert!(engine_findings(&[TAINT_SQL], "app.py", &safe).is_empty());
        // No keyword, no analysis: the file is not even parsed for the rule.
        let unrelated = "from flask import request\nx = request.args\n";
        assert!(engine_findings(&[TAINT_SQL], "app.py", unrelated).is_empty());
    }

    #[test]
    fn issue_9_a_taint_message_quotes_no_string_literal_and_nested_sinks_report_once() {
        let rule = (
            "py.demo-secret.yaml",
            "id: py.demo-secret\nlanguage: python\nmode: taint\nmessage: a secret reaches a prompt\nsources: [{ pattern: 'os.environ.get($K, $D)' }]\nsinks: [{ pattern: ask($X) }]\nmetadata: { severity: high, confidence: high, cwe: [CWE-200] }\n",
        );
        let source = "import os\nkey = os.environ.get(\"SERVICE_KEY\", \"q7Hx2LmP9vRt4WzK8nBc3YdF6gJs1AeU\")\nask(ask(key))\n";
        let findings = engine_findings(&[rule], "app.py", source);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].message,
            "a secret reaches a prompt (data from `os.environ.get(\"***\", \"***\")`, line 2)"
        );
        assert!(!findings[0].message.contains("q7Hx"));
    }

    #[test]
    fn issue_9_a_file_too_large_for_the_data_flow_budget_says_so() {
        let mut source =
            String::from("from flask import request\ndef view(cur):\n    x = request.args\n");
        for depth in 0..40 {
            source.push_str(&"    ".repeat(depth + 1));
            source.push_str("for i in x:\n");
        }
        source.push_str(&"    ".repeat(41));
        source.push_str("cur.execute(x)\n");
        let mut set = RuleSet::default();
        set.insert(
            Rule::parse(TAINT_SQL.0, TAINT_SQL.1, vec![], crate::rule::Compile::Now).unwrap(),
        )
        .unwrap();
        let engine = Engine::new(&set, &[Language::Python]);
        let analyzed = engine.analyze_text("deep.py", Language::Python, &source);
        assert!(
            analyzed
                .notices
                .iter()
                .any(|notice| notice.message == TAINT_INCOMPLETE),
            "{:?}",
            analyzed.notices
        );
    }

    #[test]
    fn findings_carry_location_message_scope_and_snippet() {
        let source = "class Api:\n    def get(self, q):\n        return eval(q)\n";
        let findings = engine_findings(&[EVAL], "api.py", source);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.message, "eval of `q`");
        assert_eq!(
            finding.location.start,
            Position {
                line: 3,
                column: 16
            }
        );
        assert_eq!(
            finding.location.end,
            Position {
                line: 3,
                column: 23
            }
        );
        assert_eq!(finding.snippet, "        return eval(q)");
        assert_eq!(finding.cwe, ["CWE-95"]);
    }

    #[test]
    fn fingerprint_survives_inserted_lines_but_not_a_new_scope() {
        let before = "def f(q):\n    return eval(q)\n";
        let after = "import os\n\n\ndef f(q):\n    # comment\n    return eval(q)\n";
        let renamed = "def g(q):\n    return eval(q)\n";
        let fingerprint = |source| {
            engine_findings(&[EVAL], "a.py", source)[0]
                .fingerprint
                .clone()
        };
        assert_eq!(fingerprint(before), fingerprint(after));
        assert_ne!(fingerprint(before), fingerprint(renamed));
    }

    #[test]
    fn identical_matches_in_one_scope_get_distinct_fingerprints() {
        let source = "def f(q):\n    eval(q)\n    eval(q)\n";
        let findings = engine_findings(&[EVAL], "a.py", source);
        assert_eq!(findings.len(), 2);
        assert_ne!(findings[0].fingerprint, findings[1].fingerprint);
    }

    #[test]
    fn sensitive_rules_mask_string_literals() {
        let rule = (
            "py.demo-password.yaml",
            "id: py.demo-password\nlanguage: python\nmessage: password in code\nrule: { pattern: 'password = $V' }\nmetadata: { severity: high, confidence: high, cwe: [CWE-798], sensitive: true }\n",
        );
        let findings = engine_findings(&[rule], "a.py", "password = \"hunter2-secret\"\n");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].snippet, "password = \"***\"");
        assert!(!format!("{findings:?}").contains("hunter2"));
    }

    #[test]
    fn masking_keeps_code_that_shares_a_word_with_a_plain_value() {
        // A value that is a plain word is masked inside its literal only: `app.config`
        // stays readable. One that looks like a secret is masked wherever it is.
        let values = ["config".to_owned()];
        assert_eq!(
            mask_sensitive(r#"app.config.from_mapping(SECRET_KEY="config")"#, &values),
            r#"app.config.from_mapping(SECRET_KEY="***")"#
        );
        let values = ["Zq8xT4vB9nM2kL7p".to_owned()];
        assert_eq!(
            mask_sensitive(r#"key = "Zq8xT4vB9nM2kL7p"  # Zq8xT4vB9nM2kL7p"#, &values),
            r#"key = "***"  # ***"#
        );
        // A copy against a quote is a literal the lexer could not pair: masked.
        let values = ["hunter".to_owned()];
        assert_eq!(
            mask_copies(r#"x "hunter" hunter"#, "hunter", false),
            r#"x "***" hunter"#
        );
        assert_eq!(mask_copies("hunter hunter", "hunter", true), "*** ***");
        assert_eq!(
            mask_sensitive(r#"# a"b = "hunter"#, &values),
            r#"# a"***"***"#
        );
    }

    #[test]
    fn nested_matches_of_one_rule_are_reported_once() {
        let source = "eval(eval(q))\n";
        let findings = engine_findings(&[EVAL], "a.py", source);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].location.start.column, 1);
    }

    #[test]
    fn masking_covers_every_literal_on_the_line_even_unterminated_ones() {
        assert_eq!(
            mask_string_literals(r#"a = "x\"y"; b = 'z'; c = "open"#),
            r#"a = "***"; b = "***"; c = "***""#
        );
        assert_eq!(mask_string_literals("k = `t${x}`"), "k = \"***\"");
    }

    #[test]
    fn many_findings_in_one_large_file_stay_linear() {
        // 20,000 matches in one file: positions come from the tree, not from rescanning.
        let source = "eval(q)\n".repeat(20_000);
        let findings = engine_findings(&[EVAL], "big.py", &source);
        assert_eq!(findings.len(), 20_000);
        assert_eq!(
            findings[19_999].location.start,
            Position {
                line: 20_000,
                column: 1
            }
        );
    }

    #[cfg(unix)]
    #[test]
    fn issue_8_a_scan_path_that_is_a_link_is_refused_not_followed() {
        let folder = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("real.py");
        std::fs::write(&target, "eval(x)\n").unwrap();
        let link = folder.path().join("app.py");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut set = RuleSet::default();
        set.insert(Rule::parse(EVAL.0, EVAL.1, vec![], crate::rule::Compile::Now).unwrap())
            .unwrap();
        let output = Scanner::new(set, ScanOptions::default()).scan(folder.path(), &[link]);
        assert!(output.findings.is_empty(), "{:?}", output.findings);
        let notice = output
            .notices
            .iter()
            .find(|notice| notice.path.as_deref() == Some("app.py"))
            .expect("a notice for the link");
        assert_eq!(notice.level, NoticeLevel::Error);
        assert!(
            notice.message.contains("symbolic link"),
            "{}",
            notice.message
        );
    }

    #[test]
    fn issue_7_deep_nesting_is_matched_to_a_bound_with_a_notice() {
        let mut set = RuleSet::default();
        set.insert(Rule::parse(EVAL.0, EVAL.1, vec![], crate::rule::Compile::Now).unwrap())
            .unwrap();
        let engine = Engine::new(&set, &[Language::Python]);
        // 20,000 nested calls: a tree about 60,000 levels deep.
        let levels = 20_000;
        let source = format!("z = {}1{}\n", "eval(".repeat(levels), ")".repeat(levels));
        let analyzed = engine.analyze_text("deep.py", Language::Python, &source);
        // The outermost call is found and reported once; its nested repeats are dropped
        // before any finding is built.
        assert_eq!(analyzed.findings.len(), 1);
        assert_eq!(analyzed.findings[0].location.start.column, 5);
        let [notice] = analyzed.notices.as_slice() else {
            panic!("one notice expected: {:?}", analyzed.notices);
        };
        assert_eq!(notice.level, NoticeLevel::Warning);
        assert_eq!(notice.path.as_deref(), Some("deep.py"));
        assert!(
            notice
                .message
                .starts_with("nesting deeper than 1000 syntax levels at line 1"),
            "{}",
            notice.message
        );

        // Real nesting is matched in full, without a notice.
        let shallow = format!("z = {}1{}\n", "eval(".repeat(50), ")".repeat(50));
        let analyzed = engine.analyze_text("shallow.py", Language::Python, &shallow);
        assert_eq!(analyzed.findings.len(), 1);
        assert!(analyzed.notices.is_empty());
    }

    #[test]
    fn issue_7_findings_share_their_rule_id_path_analyzer_and_message() {
        let rule = (
            "py.demo-exec.yaml",
            "id: py.demo-exec\nlanguage: python\nmessage: exec runs code\nrule: { pattern: exec($X) }\nmetadata: { severity: high, confidence: high, cwe: [CWE-95] }\n",
        );
        let source = "eval(a)\nexec(a)\n".repeat(500);
        let findings = engine_findings(&[EVAL, rule], "many.py", &source);
        assert_eq!(findings.len(), 1_000);
        let first_of = |id: &str| findings.iter().find(|f| f.rule_id == id).unwrap();
        let (eval, exec) = (first_of("py.demo-eval"), first_of("py.demo-exec"));
        for finding in &findings {
            let same = if finding.rule_id == "py.demo-eval" {
                eval
            } else {
                exec
            };
            assert!(finding.rule_id.shares_with(&same.rule_id));
            assert!(finding.location.path.shares_with(&eval.location.path));
            // Messages with metavariables are shared when their text is the same.
            assert!(finding.message.shares_with(&same.message));
        }
        assert_eq!(eval.message, "eval of `a`");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let deep = format!("x = {}1{}\n", "(".repeat(20_000), ")".repeat(20_000));
        let _ = engine_findings(&[EVAL], "a.py", &deep);
        let _ = engine_findings(&[EVAL], "a.py", "def (:\n\0\u{feff}eval(");
    }
}
