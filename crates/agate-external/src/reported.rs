//! What a tool reported, in its terms, and how it becomes an agate finding: a path relative
//! to the scan root, the source lines, a fingerprint, and the check's gate.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use agate_model::{
    Analyzer, Confidence, Finding, FindingSource, Fingerprint, FingerprintInput, Location,
    Position, Redacted, RuleDescriptor, Severity,
};

/// Files larger than this are not read for snippets.
const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// Lines of source a snippet shows at most.
const MAX_SNIPPET_LINES: usize = 5;

/// One result as a tool reported it.
#[derive(Debug, Clone)]
pub(crate) struct Reported {
    /// The tool's rule id, e.g. `B602`.
    pub(crate) rule: String,
    /// What the rule is about, in one line.
    pub(crate) title: String,
    /// Documentation: a URL or text.
    pub(crate) help: String,
    pub(crate) message: String,
    pub(crate) severity: Severity,
    pub(crate) confidence: Confidence,
    /// The path as the tool wrote it (absolute, relative to the working directory, a
    /// `file:` URI or a URL); empty when the result is about no file.
    pub(crate) path: String,
    /// Paths, relative to the scan root, to try in turn when `path` is empty (the first
    /// that exists wins).
    pub(crate) path_candidates: Vec<String>,
    /// Names to look for, in turn, when the line is unknown: the first line of the file
    /// that holds `name(` (an identifier: a test function) or the text itself (a test's
    /// title in a string) is the place.
    pub(crate) symbols: Vec<String>,
    /// 1-based line and column; 0 when unknown.
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) end_line: u32,
    pub(crate) end_column: u32,
    /// The code the tool quoted, when it did.
    pub(crate) snippet: Option<String>,
    pub(crate) cwe: Vec<String>,
    /// A secret the result is about: never shown, only hashed; the source line is then
    /// not read, and `snippet` must already be masked.
    pub(crate) secret: Option<Redacted>,
}

impl Default for Reported {
    fn default() -> Reported {
        Reported {
            rule: String::new(),
            title: String::new(),
            help: String::new(),
            message: String::new(),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            path: String::new(),
            path_candidates: Vec::new(),
            symbols: Vec::new(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            snippet: None,
            cwe: Vec::new(),
            secret: None,
        }
    }
}

/// Where a check ran, to turn its results into findings.
pub(crate) struct Context<'a> {
    /// The scan root reports are relative to.
    root: &'a Path,
    /// The root with `.` and `..` resolved, once.
    normalized_root: PathBuf,
    /// The root with links resolved, once, when a path needs it.
    canonical_root: std::cell::OnceCell<Option<PathBuf>>,
    /// The check's working directory.
    workdir: &'a Path,
    /// The check's name (rule ids become `name/rule`).
    check: &'a str,
    /// The check's gate.
    gate: &'a str,
}

impl<'a> Context<'a> {
    pub(crate) fn new(root: &'a Path, workdir: &'a Path, check: &'a str, gate: &'a str) -> Self {
        Context {
            root,
            normalized_root: lexical_normalize(root),
            canonical_root: std::cell::OnceCell::new(),
            workdir,
            check,
            gate,
        }
    }

    /// Turns results into findings and the descriptors of their rules; a result whose file
    /// lies outside the scan root is kept without any of that file's lines, and `warnings`
    /// says so.
    pub(crate) fn findings(
        &self,
        reported: Vec<Reported>,
        warnings: &mut Vec<String>,
    ) -> (Vec<Finding>, Vec<RuleDescriptor>) {
        let mut sources = SourceCache::default();
        let mut occurrences: HashMap<(String, String, String), u32> = HashMap::new();
        let mut rules: Vec<RuleDescriptor> = Vec::new();
        let mut described: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut findings = Vec::with_capacity(reported.len());
        let mut outside: (usize, Option<String>) = (0, None);
        for result in reported {
            let (path, place) = self.path_of(&result);
            let source = match place {
                Place::Inside => sources.load(self.root, &path),
                Place::Outside => &Source::Outside,
                Place::NoFile => &Source::Unavailable,
            };
            let rule_id = format!("{}/{}", self.check, result.rule);
            let line = match result.line {
                0 => result
                    .symbols
                    .iter()
                    .find_map(|symbol| source.find(symbol))
                    .unwrap_or(1),
                line => line,
            };
            let column = result.column.max(1);
            let end = if result.end_line >= line {
                Position {
                    line: result.end_line,
                    column: result.end_column.max(1),
                }
            } else {
                Position { line, column }
            };
            if matches!(source, Source::Outside) {
                outside.0 += 1;
                outside.1.get_or_insert_with(|| path.clone());
            }
            let snippet = snippet_of(&result, source, line, end.line);
            let code = match &result.secret {
                Some(secret) => format!("{}\u{0}{}", secret.hash(), secret.expose().len()),
                None if !snippet.is_empty() => snippet.clone(),
                None => result.message.clone(),
            };
            let key = (
                rule_id.clone(),
                path.clone(),
                agate_model::normalize_code(&code),
            );
            let occurrence = occurrences.entry(key).or_insert(0);
            let fingerprint = Fingerprint::compute(&FingerprintInput {
                rule_id: &rule_id,
                path: &path,
                code: &code,
                scope: "",
                occurrence: *occurrence,
            });
            *occurrence += 1;
            if described.insert(rule_id.clone()) {
                rules.push(descriptor(&rule_id, &result));
            }
            let location = Location {
                path: path.into(),
                start: Position { line, column },
                end,
            };
            let mut finding = Finding::new(
                rule_id,
                Analyzer::External,
                result.severity,
                result.confidence,
                result.message,
                location,
                fingerprint,
            );
            finding.snippet = snippet;
            finding.cwe = result.cwe;
            // External findings belong to the gate whose check ran the tool.
            finding.gate = Some(self.gate.into());
            finding.sources = vec![FindingSource {
                tool: self.check.to_owned(),
                rule_id: result.rule,
            }];
            findings.push(finding);
        }
        if let (count, Some(first)) = outside {
            warnings.push(format!(
                "{count} result{} name{} a file outside the scan root or in `.git` (the first: `{}`); kept without any of its lines",
                if count == 1 { "" } else { "s" },
                if count == 1 { "s" } else { "" },
                one_line(&first),
            ));
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        (findings, rules)
    }

    /// A result's path and where it leads; without one, the first of its candidates that
    /// is a regular file below the root.
    fn path_of(&self, result: &Reported) -> (String, Place) {
        if result.path.is_empty() {
            let found = result
                .path_candidates
                .iter()
                .find(|candidate| is_file_below(self.root, candidate))
                .cloned();
            match found {
                Some(path) => (path, Place::Inside),
                None => (String::new(), Place::NoFile),
            }
        } else {
            self.locate(&result.path)
        }
    }

    /// The tool's path as a finding's path and where it leads: relative to the scan root
    /// with `/` when it lies below it; a URL as written; anything else as the tool wrote
    /// it (decoded, `\` as `/`), outside.
    ///
    /// `file:` URIs are decoded, `\` is a separator (Windows tools), a NUL becomes U+FFFD,
    /// and `.` and `..` are resolved by name; [`SourceCache::load`] then resolves links.
    pub(crate) fn locate(&self, raw: &str) -> (String, Place) {
        if raw.contains("://") && !raw.starts_with("file:") {
            return (raw.replace('\0', "\u{fffd}"), Place::NoFile);
        }
        let decoded = match file_uri_path(raw) {
            Some(path) => path,
            None => raw.to_owned(),
        };
        let written = decoded.replace('\\', "/").replace('\0', "\u{fffd}");
        let path = PathBuf::from(&written);
        let absolute = if path.is_absolute() {
            path
        } else {
            self.workdir.join(path)
        };
        let absolute = lexical_normalize(&absolute);
        if let Ok(relative) = absolute.strip_prefix(&self.normalized_root) {
            return (slashed(relative), Place::Inside);
        }
        // Canonical forms catch symlinked temp folders (macOS /var → /private/var).
        let canonical = fs_err::canonicalize(&absolute).ok();
        let canonical_root = self
            .canonical_root
            .get_or_init(|| fs_err::canonicalize(&self.normalized_root).ok());
        match (canonical, canonical_root) {
            (Some(path), Some(root)) if path.starts_with(root) => (
                path.strip_prefix(root).map(slashed).unwrap_or_default(),
                Place::Inside,
            ),
            _ => (written.trim_start_matches("./").to_owned(), Place::Outside),
        }
    }
}

/// Where a reported path leads, by its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Below the scan root (links not yet followed).
    Inside,
    /// Outside it: an absolute path elsewhere, or `..` past the root.
    Outside,
    /// Not a file: no path (SonarQube's conditions), or a URL (ZAP's sites).
    NoFile,
}

/// A relative path with `/` separators.
fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The path of a `file:` URI (`file:///x`, `file://localhost/x`, `file:/x`), decoded;
/// `None` for anything else.
fn file_uri_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix("file:")?;
    let path = match rest.strip_prefix("//") {
        // `file://HOST/path`: the host (empty or `localhost`) is not part of the path.
        Some(authority) => &authority[authority.find('/').unwrap_or(authority.len())..],
        None => rest,
    };
    Some(percent_decode(path))
}

/// What a finding quotes: lines `line..=end` of its file, else what the tool quoted.
///
/// The line of a secret holds the secret: it is never read. Nothing of a file outside the
/// root is shown, not even what the tool quoted of it.
fn snippet_of(result: &Reported, source: &Source, line: u32, end: u32) -> String {
    let source_lines = match (&result.secret, source) {
        (None, Source::Lines(lines)) => pick_lines(lines, line, end),
        _ => None,
    };
    let quoted = match source {
        Source::Outside => None,
        _ => result.snippet.as_deref().map(cap_lines),
    };
    match (&result.secret, source_lines, quoted) {
        (_, Some(lines), _) => lines,
        (_, None, Some(quoted)) => quoted,
        (Some(secret), None, None) => secret.to_string(),
        (None, None, None) => String::new(),
    }
}

/// What reports say about an external rule, from its first result.
fn descriptor(rule_id: &str, result: &Reported) -> RuleDescriptor {
    RuleDescriptor {
        id: rule_id.to_owned(),
        language: "any".to_owned(),
        summary: if result.title.is_empty() {
            result.rule.clone()
        } else {
            result.title.clone()
        },
        help: result.help.clone(),
        severity: result.severity,
        confidence: result.confidence,
        cwe: result.cwe.clone(),
        owasp: Vec::new(),
        compliance: Vec::new(),
        ai_pattern: false,
    }
}

/// Resolves `.` and `..` without touching the file system.
fn lexical_normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other),
        }
    }
    normalized
}

/// Decodes `%XX` escapes of a URI path.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |offset: usize| {
            bytes
                .get(index + offset)
                .and_then(|&byte| char::from(byte).to_digit(16))
        };
        match (bytes[index], hex(1), hex(2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Text on one line: whitespace collapsed, at most 400 characters. A longer text is cut
/// between words, never inside one: the text is redacted only later, and a token cut in
/// half would no longer match the rule that hides it (a word longer than the whole limit is
/// cut after its last punctuation, or left out).
pub(crate) fn one_line(text: &str) -> String {
    const MAX_CHARS: usize = 400;
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= MAX_CHARS {
        return collapsed;
    }
    let end = collapsed
        .char_indices()
        .nth(MAX_CHARS - 1)
        .map_or(collapsed.len(), |(at, _)| at);
    let mut cut = &collapsed[..end];
    if !collapsed[end..].starts_with(' ') {
        // Inside a word: drop its part, back to a space or else to punctuation.
        cut = match cut.rfind(' ') {
            Some(space) => &cut[..space],
            None => cut
                .rfind(|character: char| {
                    !(character.is_alphanumeric()
                        || matches!(character, '_' | '-' | '+' | '/' | '=' | '.'))
                })
                .map_or("", |at| &cut[..at]),
        };
    }
    let mut cut = cut.trim_end().to_owned();
    cut.push('…');
    cut
}

/// Keeps the first [`MAX_SNIPPET_LINES`] lines.
fn cap_lines(text: &str) -> String {
    text.lines()
        .take(MAX_SNIPPET_LINES)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Line `line` (1-based) of `path`, a regular file below `root`; `None` for anything else
/// (a path a report names is never followed out of the root, through `..` or a link).
pub fn source_line(root: &Path, path: &str, line: u32) -> Option<String> {
    match SourceCache::default().load(root, path) {
        Source::Lines(lines) => pick_lines(lines, line, line),
        Source::Outside | Source::Unavailable => None,
    }
}

/// What agate may show of a file a report names.
#[derive(Debug)]
enum Source {
    /// Its lines: a regular file below the root, read within [`MAX_SOURCE_BYTES`].
    Lines(Vec<String>),
    /// It resolves (through `..` or a link) outside the root: nothing of it is shown.
    Outside,
    /// It is missing, not a regular file, too large or unreadable.
    Unavailable,
}

impl Source {
    /// The first line that holds `symbol(` for an identifier, else `symbol` (1-based).
    fn find(&self, symbol: &str) -> Option<u32> {
        let Source::Lines(lines) = self else {
            return None;
        };
        if symbol.is_empty() {
            return None;
        }
        let identifier = symbol
            .chars()
            .all(|character| character.is_alphanumeric() || character == '_');
        let needle = if identifier {
            format!("{symbol}(")
        } else {
            symbol.to_owned()
        };
        let index = lines.iter().position(|line| line.contains(&needle))?;
        u32::try_from(index + 1).ok()
    }
}

/// Lines `start..=end` (1-based) of `lines`, at most [`MAX_SNIPPET_LINES`].
fn pick_lines(lines: &[String], start: u32, end: u32) -> Option<String> {
    let first = usize::try_from(start).ok()?.checked_sub(1)?;
    let last = usize::try_from(end.max(start))
        .ok()?
        .min(first + MAX_SNIPPET_LINES);
    let picked = lines.get(first..last.min(lines.len()))?;
    (!picked.is_empty()).then(|| picked.join("\n"))
}

/// Source files read for snippets, each once.
#[derive(Default)]
struct SourceCache {
    files: HashMap<String, Source>,
}

/// Whether `path` (relative to `root`) is a regular file below the root, links resolved,
/// and not one of git's own files.
fn is_file_below(root: &Path, path: &str) -> bool {
    below_root(path)
        && agate_fs::resolve_under(root, Path::new(path))
            .is_ok_and(|file| file.is_file() && !is_git_internal(root, &file))
}

/// Whether the resolved `file` lies in a `.git` folder under `root`: git's own files are not
/// the repository's content, and `.git/config` holds the token `actions/checkout` writes,
/// so they are never quoted, whatever a report names.
fn is_git_internal(root: &Path, file: &Path) -> bool {
    std::fs::canonicalize(root)
        .ok()
        .and_then(|root| {
            file.strip_prefix(&root)
                .ok()
                .map(|relative| relative.components().any(|part| part.as_os_str() == ".git"))
        })
        .unwrap_or(true)
}

impl SourceCache {
    /// `path` (relative to `root`) read once: every component resolved, links included,
    /// and read only when the result is a regular file inside the root.
    fn load(&mut self, root: &Path, path: &str) -> &Source {
        self.files.entry(path.to_owned()).or_insert_with(|| {
            // A report names paths; `..` and absolute ones are refused by name, links by
            // resolving them, so neither `../../etc/passwd` nor `src/etclink/passwd` with
            // `src/etclink -> /etc` can pull a file from outside into a snippet.
            if path.is_empty() {
                // The root itself (`.`): a folder, nothing to quote, not outside.
                return Source::Unavailable;
            }
            if !below_root(path) {
                return Source::Outside;
            }
            let file = match agate_fs::resolve_under(root, Path::new(path)) {
                Ok(file) if is_git_internal(root, &file) => return Source::Outside,
                Ok(file) => file,
                Err(agate_fs::FsError::OutsideRoot { .. }) => return Source::Outside,
                Err(_) => return Source::Unavailable,
            };
            match agate_fs::read_bounded(&file, MAX_SOURCE_BYTES) {
                Ok(bytes) => Source::Lines(
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .map(str::to_owned)
                        .collect(),
                ),
                Err(_) => Source::Unavailable,
            }
        })
    }
}

/// Whether a path is relative and stays below where it starts: no `..`, no root.
pub fn below_root(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|part| matches!(part, Component::Normal(_) | Component::CurDir))
}

/// A CVSS-like score (SARIF `security-severity`) as a severity.
pub(crate) fn severity_from_score(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// A severity word most tools use (`CRITICAL`, `high`, `Medium`, `ERROR`, `warning`,
/// `INFO`, `UNKNOWN`); `None` when it is none of them.
pub(crate) fn severity_from_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "critical" | "blocker" => Some(Severity::Critical),
        "high" | "error" | "major" => Some(Severity::High),
        "medium" | "moderate" | "warning" | "warn" => Some(Severity::Medium),
        "low" | "minor" | "note" => Some(Severity::Low),
        "info" | "informational" | "none" | "unknown" => Some(Severity::Info),
        _ => None,
    }
}

/// CWE ids mentioned in `text`: `CWE-79`, `cwe_79`, `external/cwe/cwe-79`,
/// `CWE-79: Improper Neutralization…` all give `CWE-79`.
pub(crate) fn cwes_in(text: &str, into: &mut Vec<String>) {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(r"(?i)\bcwe[-_/: ]?(\d{1,5})\b").unwrap_or_else(|_| unreachable!())
    });
    for capture in pattern.captures_iter(text) {
        push_cwe(&capture[1], into);
    }
}

/// Adds `CWE-<number>` unless it is there or not a positive number.
pub(crate) fn push_cwe(number: &str, into: &mut Vec<String>) {
    if let Ok(number) = number.trim().parse::<u32>()
        && number > 0
    {
        let id = format!("CWE-{number}");
        if !into.contains(&id) {
            into.push(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_7_a_long_text_is_never_cut_inside_a_token() {
        let token = "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";
        for lead in 370..400 {
            let text = format!("{} {token} after", "a".repeat(lead));
            let shown = one_line(&text);
            assert!(shown.chars().count() <= 400, "{shown}");
            assert!(shown.ends_with('…'), "{shown}");
            assert!(!shown.contains("ghp_") || shown.contains(token), "{shown}");
        }
        let glued = format!("{}={token}", "k".repeat(380));
        let shown = one_line(&glued);
        assert!(!shown.contains("ghp_"), "{shown}");
        assert_eq!(one_line("short text"), "short text");
    }

    #[test]
    fn cwe_spellings() {
        let mut found = Vec::new();
        for text in [
            "CWE-79: Improper Neutralization",
            "external/cwe/cwe-89",
            "cwe_78",
            "CWE-79",
        ] {
            cwes_in(text, &mut found);
        }
        assert_eq!(found, ["CWE-79", "CWE-89", "CWE-78"]);
        push_cwe("-1", &mut found);
        push_cwe("0", &mut found);
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn paths_become_relative_to_the_root() {
        let context = Context::new(
            Path::new("/repo"),
            Path::new("/repo/service"),
            "t",
            "security",
        );
        let inside = |path: &str| (path.to_owned(), Place::Inside);
        assert_eq!(context.locate("app.py"), inside("service/app.py"));
        assert_eq!(context.locate("./app.py"), inside("service/app.py"));
        assert_eq!(context.locate("../lib/x.py"), inside("lib/x.py"));
        assert_eq!(context.locate("/repo/lib/x.py"), inside("lib/x.py"));
        assert_eq!(
            context.locate("file:///repo/my%20app/x.py"),
            inside("my app/x.py")
        );
        assert_eq!(context.locate("file://localhost/repo/x.py"), inside("x.py"));
        assert_eq!(context.locate("file:/repo/x.py"), inside("x.py"));
        assert_eq!(
            context.locate("https://example.test/login"),
            ("https://example.test/login".to_owned(), Place::NoFile)
        );
        assert_eq!(
            context.locate("/elsewhere/x.py"),
            ("/elsewhere/x.py".to_owned(), Place::Outside)
        );
    }

    #[test]
    fn issue_7_report_paths_that_leave_the_root_by_name_are_outside() {
        let context = Context::new(
            Path::new("/repo"),
            Path::new("/repo/service"),
            "t",
            "security",
        );
        let outside = |path: &str| (path.to_owned(), Place::Outside);
        assert_eq!(
            context.locate("../../etc/passwd"),
            outside("../../etc/passwd")
        );
        assert_eq!(context.locate("file:///etc/passwd"), outside("/etc/passwd"));
        assert_eq!(
            context.locate("file:///repo/%2e%2e/etc/passwd"),
            outside("/repo/../etc/passwd")
        );
        // Windows tools write `\`; it separates components, so `..` is seen.
        assert_eq!(
            context.locate("..\\..\\etc\\passwd"),
            outside("../../etc/passwd")
        );
        assert_eq!(
            context.locate("src\\app.py"),
            ("service/src/app.py".to_owned(), Place::Inside)
        );
        // A NUL never reaches a path or a report.
        assert_eq!(
            context.locate("app.py\0/../../../etc/passwd"),
            outside("app.py\u{fffd}/../../../etc/passwd")
        );
    }

    #[test]
    fn only_paths_below_the_root_are_read() {
        assert!(below_root("app/x.py"));
        assert!(below_root("./x.py"));
        for outside in ["../x.py", "a/../../x.py", "/etc/passwd", ""] {
            assert!(!below_root(outside), "{outside}");
        }
        // The root itself is no file, and not outside either.
        let mut sources = SourceCache::default();
        assert!(matches!(
            sources.load(Path::new("/"), ""),
            Source::Unavailable
        ));
        assert!(matches!(
            sources.load(Path::new("/"), "../etc/passwd"),
            Source::Outside
        ));
    }

    #[test]
    fn severities() {
        assert_eq!(severity_from_score(9.8), Severity::Critical);
        assert_eq!(severity_from_score(7.5), Severity::High);
        assert_eq!(severity_from_score(5.0), Severity::Medium);
        assert_eq!(severity_from_score(0.1), Severity::Low);
        assert_eq!(severity_from_word("ERROR"), Some(Severity::High));
        assert_eq!(severity_from_word("Moderate"), Some(Severity::Medium));
        assert_eq!(severity_from_word("bogus"), None);
    }
}
