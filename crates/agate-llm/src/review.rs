//! Reviewing hunks: each asked once (answers cached by question), a malformed answer asked
//! again once, a rate limit waited out within a bound, a server without structured output
//! asked in plain JSON, within a token budget, several at a time.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sha2::{Digest as _, Sha256};

use crate::{
    Answer, ChatError, Endpoint, Hunk, PROMPT_VERSION, Rubric, Usage, complete, parse_answer,
};

/// How much a run may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Hunks reviewed at most; the rest are skipped (and said so).
    pub max_hunks: usize,
    /// Tokens (prompt and answer) a run may use; once spent, the rest are skipped.
    pub max_tokens: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The longest a rate limit is waited out, in all, per hunk.
    pub max_wait: Duration,
}

/// The outcome of one hunk.
#[derive(Debug, Clone, PartialEq)]
pub struct HunkReview {
    /// Its index in the hunks given.
    pub hunk: usize,
    /// The checked answer, or why there is none.
    pub answer: Result<Answer, String>,
    /// True when the answer came from the cache (it cost nothing).
    pub cached: bool,
}

/// The outcome of a review run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewOutcome {
    /// Each hunk asked about, in the order given.
    pub reviews: Vec<HunkReview>,
    /// Tokens spent (cached answers cost none).
    pub usage: Usage,
    /// Hunks not asked about: past `max_hunks` or the token budget.
    pub skipped: usize,
}

/// Answers kept on disk, one file per question (`.agate/cache/llm/<key>.json`).
#[derive(Debug, Clone)]
pub struct AnswerCache {
    dir: PathBuf,
}

/// The largest cached answer read.
const MAX_CACHED_BYTES: u64 = 1024 * 1024;

impl AnswerCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> AnswerCache {
        AnswerCache { dir: dir.into() }
    }

    fn get(&self, key: &str) -> Option<String> {
        agate_fs::read_to_string_bounded(&self.dir.join(format!("{key}.json")), MAX_CACHED_BYTES)
            .ok()
    }

    fn put(&self, key: &str, content: &str) {
        if std::fs::create_dir_all(&self.dir).is_ok() {
            let _ = agate_fs::write_atomic(&self.dir.join(format!("{key}.json")), |out| {
                out.write_all(content.as_bytes())
            });
        }
    }
}

/// The cache key of a question: the prompt's version, the model, the rubric and the hunk
/// with its context, hashed.
pub fn cache_key(endpoint: &Endpoint, rubric: &Rubric, hunk: &Hunk) -> String {
    let mut hasher = Sha256::new();
    for part in [
        PROMPT_VERSION.to_string(),
        endpoint.model.clone(),
        rubric.system(),
        hunk.user_message(),
    ] {
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    }
    agate_model::hex(&hasher.finalize())
}

/// Reviews `hunks` with `rubric` at `endpoint`, within `limits`; answers come from and go
/// to `cache` when there is one.
pub fn review(
    endpoint: &Endpoint,
    rubric: &Rubric,
    hunks: &[Hunk],
    limits: Limits,
    cache: Option<&AnswerCache>,
) -> ReviewOutcome {
    let asked = hunks.len().min(limits.max_hunks);
    let next = AtomicUsize::new(0);
    let structured = AtomicBool::new(true);
    let spent = Mutex::new(Usage::default());
    let skipped = AtomicUsize::new(hunks.len() - asked);
    // Once the endpoint cannot be reached, the rest are not asked: each would wait out
    // the same timeout.
    let down: Mutex<Option<String>> = Mutex::new(None);
    let reviews = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..limits.concurrency.clamp(1, 16) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= asked {
                        break;
                    }
                    let hunk = &hunks[index];
                    let key = cache_key(endpoint, rubric, hunk);
                    if let Some(answer) = cache
                        .and_then(|cache| cache.get(&key))
                        .and_then(|content| parse_answer(&content, &hunk.line_range()).ok())
                    {
                        lock(&reviews).push(HunkReview {
                            hunk: index,
                            answer: Ok(answer),
                            cached: true,
                        });
                        continue;
                    }
                    let used = *lock(&spent);
                    if used.total() >= limits.max_tokens {
                        skipped.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    if let Some(reason) = lock(&down).clone() {
                        lock(&reviews).push(HunkReview {
                            hunk: index,
                            answer: Err(format!("not asked: {reason}")),
                            cached: false,
                        });
                        continue;
                    }
                    let (answer, usage) = ask(endpoint, rubric, hunk, &structured, limits.max_wait);
                    lock(&spent).add(usage);
                    let answer = match answer {
                        Ok((answer, content)) => {
                            // An answer quoting the API key (the server has it) is not
                            // written where a CI cache or a commit would keep it.
                            let quotes_key = endpoint
                                .api_key
                                .as_deref()
                                .is_some_and(|api_key| content.contains(api_key));
                            if let Some(cache) = cache.filter(|_| !quotes_key) {
                                cache.put(&key, &content);
                            }
                            Ok(answer)
                        }
                        Err(Failure::Down(reason)) => {
                            lock(&down).get_or_insert_with(|| reason.clone());
                            Err(reason)
                        }
                        Err(Failure::Other(reason)) => Err(reason),
                    };
                    lock(&reviews).push(HunkReview {
                        hunk: index,
                        answer,
                        cached: false,
                    });
                }
            });
        }
    });
    let mut reviews = reviews
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    reviews.sort_by_key(|review| review.hunk);
    ReviewOutcome {
        reviews,
        usage: spent
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        skipped: skipped.into_inner(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why a hunk has no answer: the endpoint cannot be reached (the rest are not asked), or
/// something about this exchange.
enum Failure {
    Down(String),
    Other(String),
}

/// Asks about one hunk: the checked answer with its text (for the cache), or why not; and
/// the tokens spent.
fn ask(
    endpoint: &Endpoint,
    rubric: &Rubric,
    hunk: &Hunk,
    structured: &AtomicBool,
    max_wait: Duration,
) -> (Result<(Answer, String), Failure>, Usage) {
    let (system, user) = (rubric.system(), hunk.user_message());
    let mut usage = Usage::default();
    let mut malformed = 0;
    let mut waited = Duration::ZERO;
    let mut gave_up_schema = false;
    loop {
        let as_schema = structured.load(Ordering::Relaxed);
        match complete(endpoint, &system, &user, as_schema) {
            Ok(exchange) => {
                usage.add(exchange.usage);
                match parse_answer(&exchange.content, &hunk.line_range()) {
                    Ok(answer) => return (Ok((answer, exchange.content)), usage),
                    // Asked again once: a model sometimes slips.
                    Err(_) if malformed == 0 => malformed += 1,
                    Err(error) => {
                        return (Err(Failure::Other(format!("{error} (asked twice)"))), usage);
                    }
                }
            }
            // A server without structured output: ask in plain JSON from now on.
            Err(ChatError::Refused { status: 400, .. }) if as_schema => {
                structured.store(false, Ordering::Relaxed);
                gave_up_schema = true;
            }
            // Refused in plain JSON too: the 400 was about something else (a prompt too
            // long for the model), so the other hunks keep asking with the schema.
            Err(error @ ChatError::Refused { status: 400, .. }) if gave_up_schema => {
                structured.store(true, Ordering::Relaxed);
                return (Err(Failure::Other(error.to_string())), usage);
            }
            Err(ChatError::RateLimited { retry_after }) => {
                // At least a second: `Retry-After: 0` answered every time would otherwise
                // be asked again at once, for ever, never adding to the time waited.
                let wait = retry_after.unwrap_or_default().max(Duration::from_secs(1));
                if waited + wait > max_wait {
                    return (
                        Err(Failure::Other(format!(
                            "the model server kept rate limiting (429) past {}s of waiting",
                            max_wait.as_secs()
                        ))),
                        usage,
                    );
                }
                std::thread::sleep(wait);
                waited += wait;
            }
            Err(error @ ChatError::Unreachable { .. }) => {
                return (Err(Failure::Down(error.to_string())), usage);
            }
            Err(error) => return (Err(Failure::Other(error.to_string())), usage),
        }
    }
}
