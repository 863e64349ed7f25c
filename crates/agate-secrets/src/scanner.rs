//! Finds secrets in text: one Aho-Corasick pass over the keywords of every rule picks the
//! rules whose regex can match, then only those run. Matches become findings whose message,
//! snippet and fingerprint carry the secret redacted.

use std::ops::Range;
use std::path::{Path, PathBuf};

use agate_lang::{AnyFile, Language, WalkOptions, is_binary, walk_all};
use agate_model::{
    Analyzer, Confidence, Finding, Fingerprint, FingerprintInput, Location, Notice, NoticeLevel,
    Position, Redacted, RuleDescriptor, ScanStats, Severity,
};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::bytes::{RegexSet, RegexSetBuilder};

use agate_model::entropy;

use crate::checks::Verdict;
use crate::rule::{Allowlist, RuleError, SecretRule};

/// At most this many findings per file; the rest are summarised in a notice.
const MAX_FINDINGS_PER_FILE: usize = 1000;
/// Snippet lines longer than this are cut around the secret.
const MAX_SNIPPET_LINE: usize = 240;

/// A secret found in a text.
#[derive(Debug, Clone)]
pub struct SecretMatch {
    /// Index of the rule in the scanner.
    pub rule: usize,
    /// Byte range of the secret.
    pub range: Range<usize>,
    /// The secret.
    pub secret: Redacted,
    verdict: Verdict,
}

/// What a scan of files found.
#[derive(Debug, Default)]
pub struct SecretsScan {
    /// Findings, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Files that could not be read, and other coverage notes.
    pub notices: Vec<Notice>,
    /// Files and bytes read.
    pub stats: ScanStats,
    /// `(path, text)` of the files that contain `agate:` comments (suppressions), so the
    /// policy can apply them without reading the files again.
    pub annotated: Vec<(String, String)>,
}

/// The secret rules, ready to run; `Send + Sync`, built once per run.
#[derive(Debug)]
pub struct SecretScanner {
    rules: Vec<SecretRule>,
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules that listed it.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: they always run.
    always: Vec<usize>,
    /// The broad rules (without keywords, or generic: their keywords are in most files)
    /// and one set of their regexes, which tells in one pass which of them match at all.
    screen: Option<Screen>,
    allowlist: Allowlist,
}

/// Rules screened together: `set` holds the regexes of `rules`, in that order.
#[derive(Debug)]
struct Screen {
    rules: Vec<usize>,
    set: RegexSet,
}

impl Screen {
    /// The broad rules among `rules`, when their regexes build into one set; screening is
    /// an optimization, so a set that does not build (a pattern that needs Unicode) is none.
    fn new(rules: &[SecretRule]) -> Option<Screen> {
        let broad: Vec<usize> = (0..rules.len())
            .filter(|&index| rules[index].file.keywords.is_empty() || rules[index].file.generic)
            .collect();
        if broad.len() < 2 {
            return None;
        }
        let set = RegexSetBuilder::new(broad.iter().map(|&index| &rules[index].file.regex))
            .unicode(false)
            .size_limit(32 * 1024 * 1024)
            .build()
            .ok()?;
        Some(Screen { rules: broad, set })
    }

    /// Clears the candidates among the screened rules whose regex matches nowhere in
    /// `bytes`; worth its pass only when two or more of them are candidates.
    fn narrow(&self, bytes: &[u8], candidates: &mut [bool]) {
        if self
            .rules
            .iter()
            .filter(|&&index| candidates[index])
            .count()
            < 2
        {
            return;
        }
        // Most files match none: one search that may stop early says so, before the one
        // that tells which match.
        let matched = self.set.is_match(bytes).then(|| self.set.matches(bytes));
        for (at, &index) in self.rules.iter().enumerate() {
            if !matched.as_ref().is_some_and(|matched| matched.matched(at)) {
                candidates[index] = false;
            }
        }
    }
}

impl SecretScanner {
    /// Builds a scanner over `rules` with a global `allowlist`; rule ids must be unique.
    pub fn new(rules: Vec<SecretRule>, allowlist: Allowlist) -> Result<SecretScanner, RuleError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if rules[..index]
                .iter()
                .any(|earlier| earlier.id() == rule.id())
            {
                return Err(RuleError::Invalid {
                    path: rule.id().to_owned(),
                    message: format!("two secret rules have the id `{}`", rule.id()),
                });
            }
            if rule.file.keywords.is_empty() {
                always.push(index);
            }
            for keyword in &rule.file.keywords {
                let keyword = keyword.to_ascii_lowercase();
                if let Some(at) = patterns.iter().position(|known| *known == keyword) {
                    keyword_rules[at].push(index);
                } else {
                    patterns.push(keyword);
                    keyword_rules.push(vec![index]);
                }
            }
        }
        // A DFA: one table lookup per byte of every file read. The automatic choice takes a
        // (slower) NFA above a hundred keywords; the DFA of these stays well under a megabyte.
        let keywords = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .or_else(|_| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&patterns)
            })
            .map_err(|error| RuleError::Invalid {
                path: "keywords".to_owned(),
                message: error.to_string(),
            })?;
        Ok(SecretScanner {
            screen: Screen::new(&rules),
            rules,
            keywords,
            keyword_rules,
            always,
            allowlist,
        })
    }

    /// The rules, in scanner order.
    pub fn rules(&self) -> &[SecretRule] {
        &self.rules
    }

    /// Finds the secrets in `bytes` (the contents of `path`), more specific rules winning
    /// over generic ones on the same text, in order of position.
    pub fn matches(&self, path: &str, bytes: &[u8]) -> Vec<SecretMatch> {
        self.find(Some(path), bytes, MAX_FINDINGS_PER_FILE)
    }

    /// Finds the secrets in `bytes`, at most `limit` (plus one) per rule. Without a `path`
    /// (text that is not a file: an excerpt, a tool's output), path allowlists do not
    /// apply and rules limited to some paths do not run.
    pub(crate) fn find(&self, path: Option<&str>, bytes: &[u8], limit: usize) -> Vec<SecretMatch> {
        if path.is_some_and(|path| self.allowlist.allows_path(path)) {
            return Vec::new();
        }
        let mut candidates = vec![false; self.rules.len()];
        for &index in &self.always {
            candidates[index] = true;
        }
        for found in self.keywords.find_overlapping_iter(bytes) {
            for &index in &self.keyword_rules[found.pattern().as_usize()] {
                candidates[index] = true;
            }
        }
        if let Some(screen) = &self.screen {
            screen.narrow(bytes, &mut candidates);
        }
        let mut found: Vec<SecretMatch> = Vec::new();
        for (index, rule) in self.rules.iter().enumerate() {
            let outside = match path {
                Some(path) => {
                    rule.allowlist.allows_path(path)
                        || rule
                            .only_paths
                            .as_ref()
                            .is_some_and(|only| !only.is_match(path))
                }
                None => rule.only_paths.is_some(),
            };
            if !candidates[index] || outside {
                continue;
            }
            for captures in rule.regex.captures_iter(bytes) {
                let Some(group) = captures.get(rule.group) else {
                    continue;
                };
                let Ok(text) = std::str::from_utf8(group.as_bytes()) else {
                    continue;
                };
                if text.is_empty()
                    || rule
                        .file
                        .entropy
                        .is_some_and(|minimum| entropy(text) < minimum)
                {
                    continue;
                }
                let whole = captures.get(0).map_or(group, |whole| whole);
                let matched = String::from_utf8_lossy(whole.as_bytes());
                let line = line_around(bytes, whole.start());
                if rule.allowlist.allows(text, &matched, &line)
                    || self.allowlist.allows(text, &matched, &line)
                {
                    continue;
                }
                if !rule.file.context.is_empty()
                    && !has_context(bytes, whole.start(), &rule.file.context)
                {
                    continue;
                }
                let verdict = rule.file.check.run(text);
                if verdict == Verdict::Reject {
                    continue;
                }
                found.push(SecretMatch {
                    rule: index,
                    range: group.range(),
                    secret: Redacted::new(text),
                    verdict,
                });
                if found.len() > limit {
                    break;
                }
            }
        }
        self.resolve_overlaps(found)
    }

    /// Keeps one match per stretch of text: a specific rule's over a generic one's, else
    /// the first rule's.
    fn resolve_overlaps(&self, mut found: Vec<SecretMatch>) -> Vec<SecretMatch> {
        found.sort_by_key(|candidate| {
            (
                candidate.range.start,
                self.rules[candidate.rule].file.generic,
                candidate.rule,
            )
        });
        let mut kept: Vec<SecretMatch> = Vec::new();
        for candidate in found {
            let overlapping = kept.iter().position(|kept| {
                kept.range.start < candidate.range.end && candidate.range.start < kept.range.end
            });
            match overlapping {
                None => kept.push(candidate),
                Some(at)
                    if self.rules[kept[at].rule].file.generic
                        && !self.rules[candidate.rule].file.generic =>
                {
                    kept[at] = candidate;
                }
                Some(_) => {}
            }
        }
        kept
    }

    /// The findings for the secrets in `bytes`, with every secret redacted.
    pub fn findings(&self, path: &str, bytes: &[u8]) -> Vec<Finding> {
        let matches = self.matches(path, bytes);
        if matches.is_empty() {
            return Vec::new();
        }
        let lines = LineIndex::new(bytes);
        let mut findings: Vec<Finding> = Vec::new();
        for found in matches.iter().take(MAX_FINDINGS_PER_FILE) {
            let rule = &self.rules[found.rule].file;
            let (start, end) = (
                lines.position(found.range.start),
                lines.position(found.range.end),
            );
            let snippet = redacted_snippet(bytes, &lines, start.line, end.line, &matches);
            let occurrence = findings
                .iter()
                .filter(|earlier| earlier.rule_id == rule.id && earlier.snippet == snippet)
                .count();
            let fingerprint = Fingerprint::compute(&FingerprintInput {
                rule_id: &rule.id,
                path,
                code: &snippet,
                scope: "",
                occurrence: u32::try_from(occurrence).unwrap_or(u32::MAX),
            });
            let (severity, confidence, message) = match found.verdict {
                Verdict::TestValue => (
                    Severity::Low,
                    rule.confidence.unwrap_or(Confidence::High),
                    format!("{} `{}` (a published test value)", rule.title, found.secret),
                ),
                Verdict::Doubtful => (
                    rule.severity,
                    Confidence::Low,
                    format!(
                        "{} `{}` (its checksum does not match)",
                        rule.title, found.secret
                    ),
                ),
                Verdict::Secret | Verdict::Reject => (
                    rule.severity,
                    rule.confidence.unwrap_or(Confidence::High),
                    format!("{} `{}`", rule.title, found.secret),
                ),
            };
            // Placeholder credentials are AI anti-patterns.
            let analyzer = if rule.ai_pattern {
                Analyzer::AiPatterns
            } else {
                Analyzer::Secrets
            };
            let location = Location {
                path: path.into(),
                start,
                end,
            };
            let mut finding = Finding::new(
                rule.id.as_str(),
                analyzer,
                severity,
                confidence,
                message,
                location,
                fingerprint,
            );
            finding.snippet = snippet;
            finding.cwe.clone_from(&rule.cwe);
            finding.owasp.clone_from(&rule.owasp);
            findings.push(finding);
        }
        findings
    }

    /// Scans every text file under `paths` (hidden files included, `.git` not), in
    /// parallel. Binary files are skipped (a source file that looks binary and an unreadable
    /// file are error notices); text with stray NUL bytes is scanned.
    pub fn scan(&self, root: &Path, paths: &[PathBuf], options: &WalkOptions) -> SecretsScan {
        let options = WalkOptions {
            include_hidden: true,
            ..options.clone()
        };
        let walked = walk_all(root, paths, &options);
        let mut scan = self.scan_files(&walked.files, options.max_file_size);
        scan.notices
            .extend(walked.errors.into_iter().map(Notice::from));
        scan
    }

    /// Scans `files` (from [`walk_all`], each read up to `limit` bytes) in parallel, for
    /// callers that walk once for several analyzers. Binary files are skipped (a source file
    /// that looks binary and an unreadable file are error notices); text with stray NUL bytes
    /// is scanned.
    pub fn scan_files(&self, files: &[AnyFile], limit: u64) -> SecretsScan {
        let mut scan = SecretsScan::default();
        // One task per file, largest first, so that no thread is left with a long run of
        // large files or one large file at the end.
        let results = agate_lang::map_largest_first(
            files,
            |file| file.bytes,
            |file| self.scan_file(file, limit),
        );
        for (findings, notice, bytes, annotated) in results {
            scan.findings.extend(findings);
            scan.notices.extend(notice);
            scan.annotated.extend(annotated);
            if bytes > 0 {
                scan.stats.files += 1;
                scan.stats.bytes += bytes;
            }
        }
        scan.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        scan
    }

    /// Reads one file (into the thread's buffer) and finds its secrets.
    fn scan_file(&self, file: &AnyFile, limit: u64) -> FileOutcome {
        agate_fs::with_bounded_read(&file.path, limit, |read| match read {
            // Images and archives are not text. A source file that looks binary is one
            // nobody checked (the structural scanner says the same, once).
            Ok(bytes) if is_binary(bytes) => {
                let notice = Language::from_path(&file.relative).map(|_| Notice {
                    level: NoticeLevel::Error,
                    path: Some(file.relative.clone()),
                    message: agate_lang::BINARY_SOURCE.to_owned(),
                });
                (Vec::new(), notice, 0, None)
            }
            Ok(bytes) => {
                let findings = self.findings(&file.relative, bytes);
                let annotated = (!findings.is_empty()
                    && memchr::memmem::find(bytes, agate_model::ANNOTATION_MARKER.as_bytes())
                        .is_some())
                .then(|| {
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    (file.relative.clone(), text)
                });
                let notice = (findings.len() >= MAX_FINDINGS_PER_FILE).then(|| Notice {
                    level: NoticeLevel::Warning,
                    path: Some(file.relative.clone()),
                    message: format!(
                        "more than {MAX_FINDINGS_PER_FILE} secrets; only the first are reported"
                    ),
                });
                (findings, notice, bytes.len() as u64, annotated)
            }
            Err(error) => {
                let notice = Notice {
                    level: NoticeLevel::Error,
                    path: Some(file.relative.clone()),
                    message: format!("not scanned for secrets: {}", error.reason()),
                };
                (Vec::new(), Some(notice), 0, None)
            }
        })
    }

    /// What reports say about the rules that produced `findings`.
    pub fn descriptors(&self, findings: &[Finding]) -> Vec<RuleDescriptor> {
        self.rules
            .iter()
            .filter(|rule| findings.iter().any(|finding| finding.rule_id == rule.id()))
            .map(SecretRule::descriptor)
            .collect()
    }
}

impl SecretRule {
    /// What reports say about the rule.
    pub fn descriptor(&self) -> RuleDescriptor {
        RuleDescriptor {
            id: self.file.id.clone(),
            language: "any".to_owned(),
            summary: self.file.title.clone(),
            help: self.file.note.clone(),
            severity: self.file.severity,
            confidence: self.file.confidence.unwrap_or(Confidence::High),
            cwe: self.file.cwe.clone(),
            owasp: self.file.owasp.clone(),
            compliance: self.file.compliance.clone(),
            ai_pattern: self.file.ai_pattern,
        }
    }
}

/// One file's findings, notice, bytes read and (when it has `agate:` comments) text.
type FileOutcome = (Vec<Finding>, Option<Notice>, u64, Option<(String, String)>);

/// Whether one of `words` occurs (ASCII case-insensitive) on the line holding `offset` or
/// the two lines above it.
fn has_context(bytes: &[u8], offset: usize, words: &[String]) -> bool {
    let mut start = offset;
    for _ in 0..3 {
        start = match memchr::memrchr(b'\n', &bytes[..start]) {
            Some(at) if at > 0 => at,
            _ => 0,
        };
        if start == 0 {
            break;
        }
    }
    let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |at| offset + at);
    let window = bytes[start..end].to_ascii_lowercase();
    words
        .iter()
        .any(|word| memchr::memmem::find(&window, word.to_ascii_lowercase().as_bytes()).is_some())
}

/// The line holding byte `offset`.
fn line_around(bytes: &[u8], offset: usize) -> std::borrow::Cow<'_, str> {
    let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |at| at + 1);
    let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |at| offset + at);
    String::from_utf8_lossy(&bytes[start..end])
}

/// Byte offsets of line starts, for turning offsets into positions.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(bytes: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|at| at + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in bytes) of `offset`.
    fn position(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let column = offset - self.starts[line - 1] + 1;
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The byte range of 1-based `line`, without its line break.
    fn line(&self, bytes: &[u8], line: u32) -> Range<usize> {
        let index = usize::try_from(line)
            .unwrap_or(usize::MAX)
            .saturating_sub(1);
        let start = self.starts.get(index).copied().unwrap_or(bytes.len());
        let end = self
            .starts
            .get(index + 1)
            .map_or(bytes.len(), |next| next - 1);
        let end = if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

/// The lines `first..=last` with every secret on them replaced by its redacted form, long
/// lines cut, at most 5 lines.
fn redacted_snippet(
    bytes: &[u8],
    lines: &LineIndex,
    first: u32,
    last: u32,
    secrets: &[SecretMatch],
) -> String {
    let last = last.min(first.saturating_add(4));
    let mut out: Vec<String> = Vec::new();
    for number in first..=last {
        let range = lines.line(bytes, number);
        let mut text = String::new();
        let mut at = range.start;
        let mut focus = None;
        for secret in secrets
            .iter()
            .filter(|secret| secret.range.start < range.end && range.start < secret.range.end)
        {
            let start = secret.range.start.max(at);
            text.push_str(&String::from_utf8_lossy(&bytes[at..start]));
            if secret.range.start >= range.start {
                focus.get_or_insert(text.len());
                text.push_str(&secret.secret.to_string());
            }
            at = secret.range.end.min(range.end).max(start);
        }
        text.push_str(&String::from_utf8_lossy(
            &bytes[at.min(range.end)..range.end],
        ));
        out.push(cut(&text, focus.unwrap_or(0)));
    }
    out.join("\n")
}

/// `text` cut to about [`MAX_SNIPPET_LINE`] characters around byte offset `focus`.
fn cut(text: &str, focus: usize) -> String {
    if text.chars().count() <= MAX_SNIPPET_LINE {
        return text.to_owned();
    }
    let before: String = text[..focus.min(text.len())]
        .chars()
        .rev()
        .take(MAX_SNIPPET_LINE / 3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[focus.min(text.len())..]
        .chars()
        .take(MAX_SNIPPET_LINE * 2 / 3)
        .collect();
    format!("…{before}{after}…")
}
