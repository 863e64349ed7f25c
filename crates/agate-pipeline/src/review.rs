//! The LLM review gates (issue [14]): a gate's `llm_review:` asks a model about the
//! AI-authored and new hunks of the change, each with its context, after the secrets engine
//! redacted them. Its findings (`llm.<rubric>`) belong to its gate and block only where it
//! says `block: true`. An endpoint that fails, or hunks left unasked, put a blocking review's
//! gate in `error`; for an advisory review they are a warning.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use agate_lang::Language;
use agate_llm::{ChangedFile, Definition, Hunk, Outline, Rubric};
use agate_model::Redactor as _;
use agate_model::{
    Analyzer, Confidence, Finding, Fingerprint, FingerprintInput, LlmReview, LlmReviewSpec,
    Location, Notice, NoticeLevel, Position, RuleDescriptor, Severity, Tier, normalize_code,
};
use agate_policy::{Policy, TierMap};
use agate_secrets::KnownSecrets;

use crate::external::ExternalRun;
use crate::request::{Event, Variables};

/// Where answers are kept, one file per question, relative to the root.
pub const LLM_CACHE: &str = ".agate/cache/llm";

/// The most lines one hunk holds; a longer run of changed lines is sent in parts.
const MAX_HUNK_LINES: u32 = 80;
/// Changed lines this close together are one hunk.
const HUNK_GAP: u32 = 2;
/// The most tokens one answer may use.
const MAX_ANSWER_TOKENS: u32 = 2048;
/// The largest business-rules file read.
const MAX_RULES_BYTES: u64 = 64 * 1024;
/// The most characters of a model's explanation, and of its fix, a finding keeps.
const MAX_EXPLANATION_CHARS: usize = 1000;

/// Files no one reviews line by line: lock files a package manager writes.
const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "Cargo.lock",
    "go.sum",
    "composer.lock",
    "Gemfile.lock",
];

/// The reviews of an environment's gates, with the API key each one's `api_key_env` names
/// (or why there is none).
#[derive(Default)]
pub(crate) struct Reviews<'p> {
    gates: Vec<(&'p LlmReviewSpec, Result<Option<String>, String>)>,
}

impl<'p> Reviews<'p> {
    /// The reviews of the gates `environment` runs, their keys read through `variables`.
    pub(crate) fn new(
        policy: &'p Policy,
        environment: Option<&str>,
        variables: &Variables,
    ) -> Reviews<'p> {
        let gates = policy
            .environment(environment)
            .map(|environment| {
                policy
                    .gates_of(&environment)
                    .into_iter()
                    .filter_map(|gate| gate.llm_review.as_ref())
                    .map(|spec| (spec, api_key(spec, variables)))
                    .collect()
            })
            .unwrap_or_default();
        Reviews { gates }
    }

    /// Whether no gate reviews.
    pub(crate) fn is_empty(&self) -> bool {
        self.gates.is_empty()
    }

    /// The API keys read: hidden wherever they appear.
    pub(crate) fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.gates
            .iter()
            .filter_map(|(_, key)| key.as_ref().ok().cloned().flatten())
    }

    /// Reviews the change: `files` are the candidates (the change's files, or without a base
    /// the files known to hold AI-authored lines); of them, the AI-authored lines, and the
    /// new ones when there is a change (`with_base`), are sent.
    pub(crate) fn run(
        &self,
        change: &Change<'_>,
        redactor: &KnownSecrets<'_>,
        progress: &(dyn Fn(Event<'_>) + Sync),
    ) -> ExternalRun {
        let mut run = ExternalRun::default();
        let most = self
            .gates
            .iter()
            .map(|(spec, _)| spec.max_hunks)
            .max()
            .unwrap_or(0);
        let Hunks {
            sent: hunks,
            total,
            unreadable,
            not_sent,
        } = hunks(change, redactor, most);
        let unreadable = files_not_sent(change, unreadable, &not_sent, &mut run.notices);
        let cache = if change.cached {
            cache(change.root, &mut run.notices)
        } else {
            None
        };
        for (spec, key) in &self.gates {
            let mut failures: Vec<String> = unreadable.clone();
            let record = match (key, rubric(change.root, spec, redactor)) {
                (Err(why), _) => {
                    failures.push(why.clone());
                    None
                }
                (_, Err(why)) => {
                    failures.push(why);
                    None
                }
                (Ok(key), Ok(rubric)) => {
                    progress(Event::ReviewStarted {
                        gate: &spec.gate,
                        hunks: total,
                    });
                    let record = review_gate(
                        spec,
                        key.clone(),
                        &rubric,
                        (&hunks, total),
                        cache.as_ref(),
                        &mut run,
                    );
                    progress(Event::ReviewFinished(&record));
                    if record.failed > 0 {
                        failures.push(format!(
                            "{} of {} hunks have no answer",
                            record.failed, record.hunks
                        ));
                    }
                    if record.skipped > 0 {
                        failures.push(format!(
                            "{} of {} hunks were not asked about: past `max_hunks` ({}) or the token budget (`max_tokens` {}); raise them to review the whole change",
                            record.skipped, record.hunks, spec.max_hunks, spec.max_tokens
                        ));
                    }
                    Some(record)
                }
            };
            run.reviews.extend(record);
            if failures.is_empty() {
                continue;
            }
            let reason = format!(
                "the LLM review did not cover the change: {}",
                failures.join("; ")
            );
            if spec.block {
                run.failed.push((spec.gate.clone(), reason));
            } else {
                run.notices.push(Notice {
                    level: NoticeLevel::Warning,
                    path: None,
                    message: format!("gate `{}`: {reason} (advisory: `block: false`)", spec.gate),
                });
            }
        }
        run.rules.extend(
            self.gates
                .iter()
                .filter_map(|(spec, _)| descriptor(&spec.rubric)),
        );
        run
    }
}

/// Says which files of the change are not sent by design (`not_sent`), and returns why
/// others could not be read (`unreadable`): what leaves the review incomplete, unless
/// `unscannable: warn` makes those warnings too.
fn files_not_sent(
    change: &Change<'_>,
    unreadable: Vec<String>,
    not_sent: &[String],
    notices: &mut Vec<Notice>,
) -> Vec<String> {
    if !not_sent.is_empty() {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: format!(
                "{} changed file{} not sent to the LLM review: {}{}",
                not_sent.len(),
                if not_sent.len() == 1 { " is" } else { "s are" },
                not_sent[..not_sent.len().min(10)].join(", "),
                if not_sent.len() > 10 { ", …" } else { "" }
            ),
        });
    }
    if change.unscannable == agate_policy::Unscannable::Warn {
        notices.extend(unreadable.into_iter().map(|why| Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: format!(
                "not sent to the LLM review: {why} (a warning by `unscannable: warn`)"
            ),
        }));
        Vec::new()
    } else {
        unreadable
    }
}

/// The key `spec.api_key_env` names, `None` when it names none, or why it cannot be read.
fn api_key(spec: &LlmReviewSpec, variables: &Variables) -> Result<Option<String>, String> {
    let Some(name) = &spec.api_key_env else {
        return Ok(None);
    };
    match variables.get(name) {
        Some(key) if !key.trim().is_empty() => Ok(Some(key.trim().to_owned())),
        _ => Err(format!(
            "the variable `{name}` that `gates.{}.llm_review.api_key_env` names is not set",
            spec.gate
        )),
    }
}

/// The rubric `spec` names; a team's business rules are read (bounded, under the root)
/// and redacted.
fn rubric(
    root: &Path,
    spec: &LlmReviewSpec,
    redactor: &KnownSecrets<'_>,
) -> Result<Rubric, String> {
    match spec.rubric.as_str() {
        "hallucination" => Ok(Rubric::Hallucination),
        "security" => Ok(Rubric::Security),
        _ => {
            let path = spec.rules.as_deref().unwrap_or(Path::new(""));
            let read = agate_fs::resolve_under(root, path)
                .and_then(|file| agate_fs::read_to_string_bounded(&file, MAX_RULES_BYTES))
                .map_err(|error| {
                    format!(
                        "cannot read the business rules `{}` of gate `{}`: {}",
                        path.display(),
                        spec.gate,
                        error.reason()
                    )
                })?;
            Ok(Rubric::BusinessRules(
                redactor.redact_tool_output(&read).into_owned(),
            ))
        }
    }
}

/// The change to review: the root, the line provenance, the candidate files, and how the
/// repository's files are found (for the definitions hunks call).
pub(crate) struct Change<'a> {
    pub(crate) root: &'a Path,
    pub(crate) tiers: &'a TierMap,
    pub(crate) files: Vec<String>,
    pub(crate) with_base: bool,
    pub(crate) walk: agate_lang::WalkOptions,
    /// Answers may be read from and written to [`LLM_CACHE`].
    pub(crate) cached: bool,
    /// What a file of the change that cannot be read does: with `warn`, a warning instead
    /// of an incomplete review.
    pub(crate) unscannable: agate_policy::Unscannable,
}

/// A hunk to send, and whether it holds AI-authored lines (those go first).
struct Sent {
    /// The file, relative to the root, as findings name it.
    path: String,
    /// What is sent (its path redacted).
    hunk: Hunk,
    ai: bool,
    /// The hunk's lines as the file has them, each with how many lines of the file before
    /// it hold the same code (whitespace aside): what a finding's fingerprint is made of.
    raw: Vec<(String, u32)>,
}

/// The hunks of a change, and the files of it that are not sent.
struct Hunks {
    /// AI-authored hunks first, each with its context: at most as many as a gate asks.
    sent: Vec<Sent>,
    /// The hunks of the change, sent or not.
    total: usize,
    /// Why files of the change could not be read (the review did not cover them).
    unreadable: Vec<String>,
    /// Files with lines to review that are not sent by design: generated, or source too
    /// binary to send.
    not_sent: Vec<String>,
}

/// The hunks of the change, AI-authored ones first, each with its context; and the files
/// of it that could not be read or are not sent.
fn hunks(change: &Change<'_>, redactor: &KnownSecrets<'_>, most: usize) -> Hunks {
    let (files, unreadable, not_sent) = candidates(change);
    let (files, total) = first_hunks(files, most);
    let parsed: Vec<_> = files
        .iter()
        .map(|(path, text, _)| {
            let language = Language::from_path(path);
            let outline = language.map(|language| Outline::parse(language, text));
            let shown: Vec<String> = redactor
                .redact_source(text)
                .lines()
                .map(str::to_owned)
                .collect();
            (language, outline, shown)
        })
        .collect();
    // The names hunks call that their own file does not define, by language.
    let mut wanted: BTreeMap<Language, BTreeSet<&str>> = BTreeMap::new();
    for ((_, _, ranges), (language, outline, _)) in files.iter().zip(&parsed) {
        if let (Some(language), Some(outline)) = (language, outline) {
            for &(first, last, _) in ranges {
                wanted
                    .entry(family(*language))
                    .or_default()
                    .extend(outline.undefined(first, last));
            }
        }
    }
    let elsewhere = definitions(change, &wanted, redactor);
    let empty = BTreeMap::new();
    let mut sent = Vec::new();
    for ((path, text, ranges), (language, outline, shown)) in files.iter().zip(&parsed) {
        let plain = Outline::default();
        let file = ChangedFile {
            path,
            lines: shown,
            outline: outline.as_ref().unwrap_or(&plain),
        };
        let defined = language
            .and_then(|language| elsewhere.get(&family(language)))
            .unwrap_or(&empty);
        let raw = numbered_copies(text);
        for &(first, last, ai) in ranges {
            let mut hunk = file.hunk(first, last, defined);
            // Its lines are redacted; the names and paths its headers quote (`File: …`,
            // `Enclosing `…``, `Definition of `…` (path)`) are as the code has them, so they
            // are redacted too.
            hunk.context = redactor.redact_source(&hunk.context).into_owned();
            hunk.path = redactor.redact_source(path).into_owned();
            sent.push(Sent {
                path: (*path).to_owned(),
                hunk,
                ai,
                raw: raw
                    .iter()
                    .skip(usize::try_from(first - 1).unwrap_or(usize::MAX))
                    .take(usize::try_from(last - first + 1).unwrap_or(0))
                    .map(|&(line, copy)| (line.to_owned(), copy))
                    .collect(),
            });
        }
    }
    // AI-authored hunks first: a budget runs out on human edits, not on them.
    sent.sort_by_key(|sent| !sent.ai);
    Hunks {
        sent,
        total,
        unreadable,
        not_sent,
    }
}

/// Each line of `text`, with how many lines before it hold the same code (whitespace
/// aside): identical lines are told apart by their order, so two findings on two copies of
/// a line are two findings, each with its own fingerprint.
fn numbered_copies(text: &str) -> Vec<(&str, u32)> {
    let mut copies: HashMap<String, u32> = HashMap::new();
    text.lines()
        .map(|line| {
            let count = copies.entry(normalize_code(line)).or_insert(0);
            *count += 1;
            (line, *count - 1)
        })
        .collect()
}

/// The files of the change with lines to review, and their hunks' lines; why others could
/// not be read; and which are not sent by design (generated, or source too binary).
fn candidates<'c>(change: &'c Change<'_>) -> (Vec<Candidate<'c>>, Vec<String>, Vec<String>) {
    let mut unreadable = Vec::new();
    let mut not_sent = Vec::new();
    let mut files = Vec::new();
    for path in &change.files {
        let name = path.rsplit('/').next().unwrap_or(path);
        if LOCK_FILES.contains(&name) {
            continue;
        }
        let text = match agate_fs::resolve_under(change.root, Path::new(path))
            .and_then(|file| agate_fs::read_bounded(&file, change.walk.max_file_size))
        {
            Ok(bytes) => bytes,
            // Deleted by the change: nothing left to review.
            Err(error) if error.is_not_found() => continue,
            // An image or an archive is not text anyone reviews, whatever its size (as the
            // scan skips it).
            Err(agate_fs::FsError::TooLarge { .. }) if large_binary(change.root, path) => {
                continue;
            }
            Err(error) => {
                unreadable.push(format!("`{path}` not read: {}", error.reason()));
                continue;
            }
        };
        // Binary files and generated code are not reviewed line by line; a file in another
        // encoding than UTF-8 is (its other characters sent as U+FFFD), so Latin-1 source
        // cannot slip past the review.
        let binary = agate_lang::is_binary(&text);
        let text = String::from_utf8_lossy(&text).into_owned();
        let ranges = review_ranges(change, path, text.lines().count());
        if ranges.is_empty() {
            continue;
        }
        // An image is not news; source made to look binary (control characters in a
        // comment) is.
        if binary && Language::from_path(path).is_none() {
            continue;
        }
        if binary {
            not_sent.push(format!("`{path}` (binary)"));
        } else if agate_policy::is_generated(&text) {
            not_sent.push(format!("`{path}` (`@generated`)"));
        } else {
            files.push((path.as_str(), text, ranges));
        }
    }
    (files, unreadable, not_sent)
}

/// Whether `path`, too large to read whole, is a binary file in no source language: its
/// first 8 KiB look binary.
fn large_binary(root: &Path, path: &str) -> bool {
    use std::io::Read as _;
    if Language::from_path(path).is_some() {
        return false;
    }
    let mut head = Vec::new();
    agate_fs::resolve_under(root, Path::new(path))
        .ok()
        .and_then(|file| std::fs::File::open(file).ok())
        .and_then(|file| file.take(8 * 1024).read_to_end(&mut head).ok())
        .is_some_and(|_| agate_lang::is_binary(&head))
}

/// A file of the change: its path, its text and its hunks' lines (first, last, and whether
/// any is AI-authored).
type Candidate<'a> = (&'a str, String, Vec<(u32, u32, bool)>);

/// Keeps, of the `files`' hunks, the first `most` (AI-authored first), and the files
/// holding them; and says how many there were. Only the hunks some gate may ask about get
/// their context: a change of thousands of hunks would otherwise have each one built, and
/// the repository searched for what it calls, to be skipped.
fn first_hunks(files: Vec<Candidate<'_>>, most: usize) -> (Vec<Candidate<'_>>, usize) {
    let mut order: Vec<(usize, (u32, u32, bool))> = files
        .iter()
        .enumerate()
        .flat_map(|(index, (_, _, ranges))| ranges.iter().map(move |&range| (index, range)))
        .collect();
    order.sort_by_key(|&(_, (_, _, ai))| !ai);
    let total = order.len();
    let mut chosen = vec![Vec::new(); files.len()];
    for (index, range) in order.into_iter().take(most) {
        chosen[index].push(range);
    }
    let files = files
        .into_iter()
        .zip(chosen)
        .filter(|(_, ranges)| !ranges.is_empty())
        .map(|((path, text, _), ranges)| (path, text, ranges))
        .collect();
    (files, total)
}

/// The language whose files define what files of `language` call: JavaScript stands for
/// TypeScript and TSX too.
fn family(language: Language) -> Language {
    match language {
        Language::TypeScript | Language::Tsx => Language::JavaScript,
        other => other,
    }
}

/// The line ranges of `path` to review — AI-authored lines, and new ones when there is a
/// change — as hunks of at most [`MAX_HUNK_LINES`], each marked when it holds an AI line.
fn review_ranges(change: &Change<'_>, path: &str, lines: usize) -> Vec<(u32, u32, bool)> {
    let lines = u32::try_from(lines).unwrap_or(u32::MAX);
    let mut ranges: Vec<(u32, u32, bool)> = Vec::new();
    for (line, tier) in (1..=lines).zip(change.tiers.line_tiers(path, lines)) {
        let ai = match tier {
            Tier::Ai => true,
            Tier::New if change.with_base => false,
            _ => continue,
        };
        match ranges.last_mut() {
            Some((first, last, any_ai))
                if line - *last <= HUNK_GAP + 1 && line - *first < MAX_HUNK_LINES =>
            {
                *last = line;
                *any_ai |= ai;
            }
            _ => ranges.push((line, line, ai)),
        }
    }
    ranges
}

/// Where the `wanted` names are defined in the repository's files, by language family:
/// each file read (bounded) at most once, only when some name is wanted in its family.
fn definitions<'n>(
    change: &Change<'_>,
    wanted: &BTreeMap<Language, BTreeSet<&'n str>>,
    redactor: &KnownSecrets<'_>,
) -> BTreeMap<Language, BTreeMap<&'n str, Definition>> {
    if wanted.values().all(BTreeSet::is_empty) {
        return BTreeMap::new();
    }
    let walk = agate_lang::walk(change.root, &[change.root.to_path_buf()], &change.walk);
    let redact = |text: &str| redactor.redact_source(text).into_owned();
    wanted
        .iter()
        .map(|(&language, names)| {
            let files = walk
                .files
                .iter()
                .filter(|file| family(file.language) == language)
                .filter_map(|file| {
                    let text =
                        agate_fs::read_to_string_bounded(&file.path, change.walk.max_file_size)
                            .ok()?;
                    Some((file.relative.clone(), file.language, text))
                });
            (
                language,
                agate_llm::find_definitions(language, files, names, &redact),
            )
        })
        .collect()
}

/// The answer cache under the root, unless `.agate` or a folder below it is a link (answers
/// would be written wherever it points): then nothing is cached, and a notice says so.
fn cache(root: &Path, notices: &mut Vec<Notice>) -> Option<agate_llm::AnswerCache> {
    let mut at = root.to_path_buf();
    for part in Path::new(LLM_CACHE).components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|metadata| metadata.file_type().is_symlink()) {
            notices.push(Notice {
                level: NoticeLevel::Warning,
                path: None,
                message: format!(
                    "`{}` is a symbolic link: LLM answers are not cached (every run asks again)",
                    at.strip_prefix(root).unwrap_or(&at).display()
                ),
            });
            return None;
        }
    }
    Some(agate_llm::AnswerCache::new(root.join(LLM_CACHE)))
}

/// One gate's review of `hunks` (of `total` in the change; the rest are not asked): its
/// findings go into `run`, and its record is returned.
fn review_gate(
    spec: &LlmReviewSpec,
    api_key: Option<String>,
    rubric: &Rubric,
    (hunks, total): (&[Sent], usize),
    cache: Option<&agate_llm::AnswerCache>,
    run: &mut ExternalRun,
) -> LlmReview {
    let endpoint = agate_llm::Endpoint {
        base_url: spec.base_url.clone(),
        model: spec.model.clone(),
        api_key,
        timeout: Duration::from_secs(spec.timeout_secs),
        max_tokens: MAX_ANSWER_TOKENS,
    };
    let limits = agate_llm::Limits {
        max_hunks: spec.max_hunks,
        max_tokens: spec.max_tokens,
        concurrency: spec.concurrency,
        max_wait: Duration::from_secs(spec.timeout_secs),
    };
    let asked: Vec<Hunk> = hunks.iter().map(|sent| sent.hunk.clone()).collect();
    let outcome = agate_llm::review(&endpoint, rubric, &asked, limits, cache);
    let rule_id = format!("llm.{}", rubric.name());
    let mut record = LlmReview {
        gate: spec.gate.clone(),
        model: spec.model.clone(),
        rubric: rubric.name().to_owned(),
        hunks: total,
        reviewed: 0,
        cached: 0,
        skipped: outcome.skipped + total.saturating_sub(hunks.len()),
        failed: 0,
        prompt_tokens: outcome.usage.prompt_tokens,
        completion_tokens: outcome.usage.completion_tokens,
        cost: spec.price.map(|(prompt, completion)| {
            // Prices are per million tokens.
            #[expect(clippy::cast_precision_loss, reason = "token counts far below 2^52")]
            let tokens = |count: u64| count as f64 / 1_000_000.0;
            tokens(outcome.usage.prompt_tokens) * prompt
                + tokens(outcome.usage.completion_tokens) * completion
        }),
    };
    let mut seen = BTreeSet::new();
    for review in outcome.reviews {
        let sent = &hunks[review.hunk];
        let answer = match review.answer {
            Ok(answer) => answer,
            Err(why) => {
                record.failed += 1;
                run.notices.push(Notice {
                    level: NoticeLevel::Warning,
                    path: Some(sent.path.clone()),
                    message: format!(
                        "gate `{}`: lines {}-{} have no LLM review: {why}",
                        spec.gate,
                        sent.hunk.line_range().start(),
                        sent.hunk.line_range().end()
                    ),
                });
                continue;
            }
        };
        record.reviewed += 1;
        record.cached += usize::from(review.cached);
        for reviewed in answer.findings {
            let finding = finding(&rule_id, spec, sent, &reviewed);
            // One finding per rule and line: a model may repeat itself.
            if seen.insert(finding.fingerprint.clone()) {
                run.findings.push(finding);
            }
        }
    }
    record
}

/// A finding of a model's answer about `sent`; the answer's line is inside the hunk (the
/// answer was checked).
fn finding(
    rule_id: &str,
    spec: &LlmReviewSpec,
    sent: &Sent,
    reviewed: &agate_llm::Reviewed,
) -> Finding {
    let index = usize::try_from(reviewed.line - sent.hunk.first_line).unwrap_or(0);
    let (raw, occurrence) = sent
        .raw
        .get(index)
        .map_or(("", 0), |(line, copy)| (line.as_str(), *copy));
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id,
        path: &sent.path,
        code: raw,
        scope: "",
        occurrence,
    });
    let mut message = format!(
        "{}: {}",
        one_line(&reviewed.category, 80),
        one_line(&reviewed.explanation, MAX_EXPLANATION_CHARS)
    );
    if let Some(fix) = reviewed.fix.as_deref().filter(|fix| !fix.trim().is_empty()) {
        message.push_str(" Fix: ");
        message.push_str(&one_line(fix, MAX_EXPLANATION_CHARS));
    }
    let position = Position {
        line: reviewed.line,
        column: 1,
    };
    let mut finding = Finding::new(
        rule_id.to_owned(),
        Analyzer::Llm,
        Severity::Medium,
        confidence(reviewed.confidence),
        message,
        Location {
            path: sent.path.as_str().into(),
            start: position,
            end: position,
        },
        fingerprint,
    );
    finding.gate = Some(spec.gate.as_str().into());
    finding.snippet = sent.hunk.lines.get(index).cloned().unwrap_or_default();
    finding
}

/// The model's own figure as agate's confidence: high from 0.8, medium from 0.5.
fn confidence(figure: f64) -> Confidence {
    if figure >= 0.8 {
        Confidence::High
    } else if figure >= 0.5 {
        Confidence::Medium
    } else {
        Confidence::Low
    }
}

/// `text` on one line, whitespace collapsed and control characters dropped, at most `most`
/// characters.
fn one_line(text: &str, most: usize) -> String {
    let collapsed = text
        .split(|character: char| character.is_whitespace() || character.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if collapsed.chars().count() > most {
        format!("{}…", collapsed.chars().take(most - 1).collect::<String>())
    } else {
        collapsed
    }
}

/// The descriptor of the rule a rubric's findings carry.
fn descriptor(rubric: &str) -> Option<RuleDescriptor> {
    let (summary, help) = match rubric {
        "hallucination" => (
            "A model found a call to a function, field or endpoint that does not exist",
            "The LLM review found code that calls something neither the repository, the standard library nor the declared dependencies define. Check that it exists; AI assistants invent plausible names.",
        ),
        "business-rules" => (
            "A model found code that breaks the team's business rules",
            "The LLM review judged the code against the business rules the gate names and found a place that breaks one. Check the rule it names.",
        ),
        "security" => (
            "A model found a security flaw",
            "The LLM review found a security flaw the rules may not describe. Check it as you would a reviewer's comment.",
        ),
        _ => return None,
    };
    Some(RuleDescriptor {
        id: format!("llm.{rubric}"),
        language: "llm".to_owned(),
        summary: summary.to_owned(),
        help: help.to_owned(),
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        cwe: Vec::new(),
        owasp: Vec::new(),
        compliance: Vec::new(),
        ai_pattern: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_hunks_ai_first_are_kept_and_all_are_counted() {
        let files = vec![
            ("a.py", String::new(), vec![(1, 2, false), (10, 12, true)]),
            ("b.py", String::new(), vec![(5, 5, false)]),
            ("c.py", String::new(), vec![(7, 9, true)]),
        ];
        let (kept, total) = first_hunks(files, 3);
        assert_eq!(total, 4);
        let paths: Vec<&str> = kept.iter().map(|(path, _, _)| *path).collect();
        assert_eq!(paths, ["a.py", "c.py"]);
        assert_eq!(kept[0].2, [(10, 12, true), (1, 2, false)]);
        assert_eq!(kept[1].2, [(7, 9, true)]);
    }
}
