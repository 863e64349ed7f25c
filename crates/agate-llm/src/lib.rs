//! The LLM review gate's engine: a chat-completions client for any OpenAI-compatible
//! endpoint (`{base_url}/chat/completions`), asking for structured output (a JSON Schema
//! through `response_format`, or plain JSON from servers without it), and the checks an
//! answer must pass before any of it becomes a finding: well-formed, every line inside the
//! hunk that was sent, confidence between 0 and 1.
//!
//! Each hunk goes with its context ([`ChangedFile::hunk`]): the file's imports, the function
//! around it, and the definitions of what it calls.
//!
//! Nothing here reads files or the environment, and nothing here redacts: the caller passes
//! only text the secrets engine has already redacted.

mod answer;
mod chat;
mod context;
mod prompt;
mod review;

pub use answer::{Answer, AnswerError, Reviewed, parse_answer};
pub use chat::{ChatError, Endpoint, Exchange, Usage, answer_schema, complete};
pub use context::{ChangedFile, Definition, Outline, find_definitions};
pub use prompt::{Hunk, PROMPT_VERSION, Rubric};
pub use review::{AnswerCache, HunkReview, Limits, ReviewOutcome, cache_key, review};
