//! One chat-completions exchange with an OpenAI-compatible endpoint.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

/// Where and how to ask.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The API root, e.g. `http://127.0.0.1:8000/v1`; requests go to `{base_url}/chat/completions`.
    pub base_url: String,
    /// The model name the server knows.
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set (never shown).
    pub api_key: Option<String>,
    /// How long one exchange may take.
    pub timeout: Duration,
    /// The most tokens the answer may use.
    pub max_tokens: u32,
}

/// Tokens an exchange used, as the server counted them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    /// The prompt's tokens.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// The answer's tokens.
    #[serde(default)]
    pub completion_tokens: u64,
}

impl Usage {
    /// Adds `other`'s tokens; a server's counts are not trusted not to overflow.
    pub fn add(&mut self, other: Usage) {
        self.prompt_tokens = self.prompt_tokens.saturating_add(other.prompt_tokens);
        self.completion_tokens = self
            .completion_tokens
            .saturating_add(other.completion_tokens);
    }

    /// Prompt and answer tokens together.
    pub fn total(&self) -> u64 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }
}

/// A model's answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The message's text.
    pub content: String,
    /// What it cost.
    pub usage: Usage,
}

/// Why an exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// Nothing answered, or not in time.
    #[error("cannot reach the model at `{url}`: {reason}")]
    Unreachable {
        /// The URL asked.
        url: String,
        /// What the HTTP client said.
        reason: String,
    },
    /// The server said no to the request.
    #[error("the model server answered {status}: {body}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The start of its body.
        body: String,
    },
    /// Too many requests; wait this long (the server's `Retry-After`, when it said).
    #[error("the model server is rate limiting (429)")]
    RateLimited {
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
    },
    /// A 200 whose body is not a chat completion.
    #[error("not a chat completion: {0}")]
    Malformed(String),
}

/// The JSON Schema of the answer asked for.
pub fn answer_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["findings"],
        "properties": {
            "findings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["line", "category", "confidence", "explanation", "fix"],
                    "properties": {
                        "line": { "type": "integer", "minimum": 1 },
                        "category": { "type": "string" },
                        "confidence": { "type": "number", "minimum": 0, "maximum": 1 },
                        "explanation": { "type": "string" },
                        "fix": { "type": ["string", "null"] }
                    }
                }
            }
        }
    })
}

#[derive(Deserialize)]
/// The parts of a chat completion agate reads.
struct Completion {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Usage,
}
#[derive(Deserialize)]
/// One choice of a completion.
struct Choice {
    message: Message,
}
#[derive(Deserialize)]
/// A choice's message.
struct Message {
    #[serde(default)]
    content: Option<String>,
}

/// The largest answer body read.
const MAX_ANSWER_BYTES: u64 = 4 * 1024 * 1024;

/// Sends `system` and `user` and returns the answer. With `structured`, the answer's JSON
/// Schema goes along as `response_format`; servers without structured output refuse it
/// (a 400), and the caller asks again without.
pub fn complete(
    endpoint: &Endpoint,
    system: &str,
    user: &str,
    structured: bool,
) -> Result<Exchange, ChatError> {
    let url = format!(
        "{}/chat/completions",
        endpoint.base_url.trim_end_matches('/')
    );
    let mut body = json!({
        "model": endpoint.model,
        "temperature": 0,
        "max_tokens": endpoint.max_tokens,
        "messages": [
            { "role": "system", "content": system },
            { "role": "user", "content": user },
        ],
    });
    if structured {
        body["response_format"] = json!({
            "type": "json_schema",
            "json_schema": { "name": "agate_review", "strict": true, "schema": answer_schema() },
        });
    }
    // A redirect is not followed: the code would go wherever it points, maybe in clear.
    let agent = agate_http::agent_without_redirects(endpoint.timeout);
    let mut request = agent.post(&url).header("Content-Type", "application/json");
    if let Some(key) = &endpoint.api_key {
        request = request.header("Authorization", &format!("Bearer {key}"));
    }
    let response = request
        .send(body.to_string())
        .map_err(|error| ChatError::Unreachable {
            url: url.clone(),
            reason: error.to_string(),
        })?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let mut response_body = response.into_body();
    let text = agate_http::read_text(&mut response_body, MAX_ANSWER_BYTES).map_err(|error| {
        ChatError::Unreachable {
            url: url.clone(),
            reason: error.to_string(),
        }
    })?;
    match status {
        200 => {}
        429 => return Err(ChatError::RateLimited { retry_after }),
        _ => {
            return Err(ChatError::Refused {
                status,
                body: text.chars().take(300).collect(),
            });
        }
    }
    let completion: Completion =
        serde_json::from_str(&text).map_err(|error| ChatError::Malformed(error.to_string()))?;
    let content = completion
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.message.content)
        .ok_or_else(|| ChatError::Malformed("no message in `choices`".to_owned()))?;
    Ok(Exchange {
        content,
        usage: completion.usage,
    })
}
