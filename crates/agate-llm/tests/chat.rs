//! `complete` against a local server that speaks the chat-completions API: canned answers,
//! a refusal, a 429 with `Retry-After`, a slow answer.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agate_llm::{ChatError, Endpoint, complete, parse_answer};

/// One canned reply: status, extra headers, body, and a delay before answering.
type Reply = (u16, &'static str, String, Duration);

/// The requests a server saw: head and body of each.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// Serves `replies` in order on a loopback port; returns the base URL and the requests seen.
fn serve(replies: Vec<Reply>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for (reply, stream) in replies.into_iter().zip(listener.incoming()) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            record
                .lock()
                .unwrap()
                .push((head, String::from_utf8(body).unwrap()));
            let (status, headers, text, delay) = reply;
            std::thread::sleep(delay);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    (base, seen)
}

fn endpoint(base: &str) -> Endpoint {
    Endpoint {
        base_url: base.to_owned(),
        model: "local-model".to_owned(),
        api_key: Some("sk-test-key".to_owned()),
        timeout: Duration::from_secs(2),
        max_tokens: 800,
    }
}

fn completion(content: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{ "index": 0, "message": { "role": "assistant", "content": content }, "finish_reason": "stop" }],
        "usage": { "prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150 }
    })
    .to_string()
}

#[test]
fn a_structured_request_gets_a_checked_answer_and_its_token_count() {
    let answer = r#"{"findings": [{"line": 7, "category": "hallucinated-api", "confidence": 0.9, "explanation": "no such method", "fix": null}]}"#;
    let (base, seen) = serve(vec![(200, "", completion(answer), Duration::ZERO)]);
    let exchange = complete(&endpoint(&base), "You review code.", "7 | x.fetch()", true).unwrap();
    assert_eq!(
        (
            exchange.usage.prompt_tokens,
            exchange.usage.completion_tokens
        ),
        (120, 30)
    );
    let parsed = parse_answer(&exchange.content, &(5..=9)).unwrap();
    assert_eq!(parsed.findings[0].category, "hallucinated-api");

    let (head, body) = seen.lock().unwrap()[0].clone();
    assert!(head.starts_with("POST /v1/chat/completions "), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("authorization: bearer sk-test-key"),
        "{head}"
    );
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["model"], "local-model");
    assert_eq!(body["messages"][1]["content"], "7 | x.fetch()");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(
        body["response_format"]["json_schema"]["schema"]["required"],
        serde_json::json!(["findings"])
    );
}

#[test]
fn refusals_rate_limits_and_slow_answers_are_errors_that_say_so() {
    let (base, seen) = serve(vec![
        (
            400,
            "",
            r#"{"error": {"message": "response_format is not supported"}}"#.to_owned(),
            Duration::ZERO,
        ),
        (200, "", completion(r#"{"findings": []}"#), Duration::ZERO),
        (
            429,
            "retry-after: 3\r\n",
            r#"{"error": {"message": "slow down"}}"#.to_owned(),
            Duration::ZERO,
        ),
        (500, "", "boom".to_owned(), Duration::ZERO),
        (200, "", completion("{}"), Duration::from_secs(4)),
        (200, "", r#"{"choices": []}"#.to_owned(), Duration::ZERO),
    ]);
    let endpoint = endpoint(&base);
    // A server without structured output refuses it; asked again without, it answers.
    let refused = complete(&endpoint, "s", "u", true).unwrap_err();
    assert!(
        matches!(refused, ChatError::Refused { status: 400, .. }),
        "{refused}"
    );
    let plain = complete(&endpoint, "s", "u", false).unwrap();
    assert_eq!(plain.content, r#"{"findings": []}"#);
    let body: serde_json::Value = serde_json::from_str(&seen.lock().unwrap()[1].1).unwrap();
    assert!(body.get("response_format").is_none());

    assert_eq!(
        complete(&endpoint, "s", "u", false).unwrap_err(),
        ChatError::RateLimited {
            retry_after: Some(Duration::from_secs(3))
        }
    );
    assert!(matches!(
        complete(&endpoint, "s", "u", false).unwrap_err(),
        ChatError::Refused { status: 500, .. }
    ));
    let slow = complete(&endpoint, "s", "u", false).unwrap_err();
    assert!(matches!(slow, ChatError::Unreachable { .. }), "{slow}");
    assert!(matches!(
        complete(&endpoint, "s", "u", false).unwrap_err(),
        ChatError::Malformed(_)
    ));
}

fn hunk(first_line: u32) -> agate_llm::Hunk {
    agate_llm::Hunk {
        path: "app.py".to_owned(),
        first_line,
        lines: vec!["resp = requests.fetch(url)".to_owned()],
        context: "import requests".to_owned(),
    }
}

fn found(line: u32) -> String {
    completion(&format!(
        r#"{{"findings": [{{"line": {line}, "category": "hallucinated-api", "confidence": 0.9, "explanation": "requests has no fetch", "fix": "requests.get(url)"}}]}}"#
    ))
}

fn limits() -> agate_llm::Limits {
    agate_llm::Limits {
        max_hunks: 10,
        max_tokens: 100_000,
        concurrency: 1,
        max_wait: Duration::from_secs(5),
    }
}

#[test]
fn a_review_retries_a_malformed_answer_once_and_caches_what_it_learns() {
    let (base, seen) = serve(vec![
        (200, "", completion("Looks fine to me!"), Duration::ZERO),
        (200, "", found(3), Duration::ZERO),
        (
            400,
            "",
            r#"{"error": "response_format unsupported"}"#.to_owned(),
            Duration::ZERO,
        ),
        (200, "", completion("still not json"), Duration::ZERO),
        (200, "", completion("nor this"), Duration::ZERO),
    ]);
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = agate_llm::AnswerCache::new(cache_dir.path());
    let endpoint = endpoint(&base);
    let outcome = agate_llm::review(
        &endpoint,
        &agate_llm::Rubric::Hallucination,
        &[hunk(3), hunk(9)],
        limits(),
        Some(&cache),
    );
    assert_eq!(outcome.reviews.len(), 2);
    let first = outcome.reviews[0].answer.as_ref().unwrap();
    assert_eq!(first.findings[0].line, 3);
    // The second: the server refuses structured output, then slips twice: an error, said.
    let second = outcome.reviews[1].answer.as_ref().unwrap_err();
    assert!(second.contains("asked twice"), "{second}");
    assert_eq!(outcome.usage.prompt_tokens, 4 * 120, "four answers counted");
    let bodies: Vec<serde_json::Value> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| serde_json::from_str(body).unwrap())
        .collect();
    assert!(bodies[2].get("response_format").is_some());
    assert!(
        bodies[3].get("response_format").is_none(),
        "asked again in plain JSON"
    );

    // Asked again: the first comes from the cache and costs nothing; the server is gone.
    let again = agate_llm::review(
        &endpoint,
        &agate_llm::Rubric::Hallucination,
        &[hunk(3)],
        limits(),
        Some(&cache),
    );
    assert!(again.reviews[0].cached);
    assert_eq!(again.reviews[0].answer.as_ref().unwrap(), first);
    assert_eq!(again.usage, agate_llm::Usage::default());
    // Another rubric is another question.
    assert_ne!(
        agate_llm::cache_key(&endpoint, &agate_llm::Rubric::Hallucination, &hunk(3)),
        agate_llm::cache_key(&endpoint, &agate_llm::Rubric::Security, &hunk(3))
    );
}

#[test]
fn a_review_waits_out_a_rate_limit_and_stops_at_its_budget() {
    let (base, _) = serve(vec![
        (429, "retry-after: 1\r\n", "{}".to_owned(), Duration::ZERO),
        (200, "", found(3), Duration::ZERO),
    ]);
    let cache_dir = tempfile::tempdir().unwrap();
    let budget = agate_llm::Limits {
        max_tokens: 100,
        max_hunks: 2,
        ..limits()
    };
    let outcome = agate_llm::review(
        &endpoint(&base),
        &agate_llm::Rubric::Security,
        &[hunk(3), hunk(9), hunk(12)],
        budget,
        Some(&agate_llm::AnswerCache::new(cache_dir.path())),
    );
    assert_eq!(
        outcome.reviews.len(),
        1,
        "the first answer spent the budget"
    );
    assert!(outcome.reviews[0].answer.is_ok());
    assert_eq!(
        outcome.skipped, 2,
        "one past the budget, one past max_hunks"
    );

    let (base, _) = serve(vec![(
        429,
        "retry-after: 60\r\n",
        "{}".to_owned(),
        Duration::ZERO,
    )]);
    let outcome = agate_llm::review(
        &endpoint(&base),
        &agate_llm::Rubric::Security,
        &[hunk(3)],
        limits(),
        Some(&agate_llm::AnswerCache::new(cache_dir.path().join("other"))),
    );
    let error = outcome.reviews[0].answer.as_ref().unwrap_err();
    assert!(error.contains("rate limiting"), "{error}");
}

#[test]
fn once_the_endpoint_cannot_be_reached_the_rest_are_not_asked() {
    // A port nothing listens on: the first hunk's request fails, the others are not sent
    // to wait out the same failure.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let outcome = agate_llm::review(
        &endpoint(&base),
        &agate_llm::Rubric::Security,
        &[hunk(3), hunk(9), hunk(20)],
        agate_llm::Limits {
            concurrency: 1,
            ..limits()
        },
        None,
    );
    let errors: Vec<&String> = outcome
        .reviews
        .iter()
        .map(|review| review.answer.as_ref().unwrap_err())
        .collect();
    assert_eq!(errors.len(), 3);
    assert!(
        errors[0].starts_with("cannot reach the model at"),
        "{}",
        errors[0]
    );
    for later in &errors[1..] {
        assert!(
            later.starts_with("not asked: cannot reach the model"),
            "{later}"
        );
    }
}

/// Serves one request: reads its head and body, then writes `head` and calls `body` with
/// the stream until it fails (the client hung up).
fn serve_raw(
    head: &'static str,
    body: fn(&mut std::net::TcpStream) -> std::io::Result<()>,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut request = vec![0; length];
        reader.read_exact(&mut request).unwrap();
        if stream.write_all(head.as_bytes()).is_ok() {
            let _ = body(&mut stream);
        }
    });
    base
}

#[test]
fn an_endless_or_huge_answer_is_cut_off() {
    // A body that never ends, a byte at a time: the timeout covers reading it too.
    let base = serve_raw(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        |stream| loop {
            stream.write_all(b"1\r\n \r\n")?;
            stream.flush()?;
            std::thread::sleep(Duration::from_millis(50));
        },
    );
    let mut endless = endpoint(&base);
    endless.timeout = Duration::from_secs(1);
    let error = complete(&endless, "s", "u", false).unwrap_err();
    assert!(matches!(error, ChatError::Unreachable { .. }), "{error}");

    // A body past the limit, as fast as it comes: not read into memory.
    let base = serve_raw(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        |stream| {
            let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
            loop {
                stream.write_all(chunk.as_bytes())?;
            }
        },
    );
    let mut huge = endpoint(&base);
    huge.timeout = Duration::from_secs(60);
    let error = complete(&huge, "s", "u", false).unwrap_err();
    assert!(matches!(error, ChatError::Unreachable { .. }), "{error}");
    assert!(error.to_string().contains("limit"), "{error}");
}

#[test]
fn a_redirect_is_an_error_never_followed() {
    let (elsewhere, seen) = serve(vec![(
        200,
        "",
        completion(r#"{"findings": []}"#),
        Duration::ZERO,
    )]);
    let (base, _) = serve(vec![(
        307,
        Box::leak(format!("location: {elsewhere}/chat/completions\r\n").into_boxed_str()),
        String::new(),
        Duration::ZERO,
    )]);
    let error = complete(&endpoint(&base), "s", "the code", false).unwrap_err();
    assert!(
        matches!(error, ChatError::Refused { status: 307, .. }),
        "{error}"
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "the code followed the redirect"
    );
}

#[test]
fn an_answer_quoting_the_api_key_is_not_cached() {
    let (base, _) = serve(vec![(
        200,
        "",
        completion(
            r#"{"findings": [{"line": 3, "category": "x", "confidence": 0.9, "explanation": "your key is sk-test-key", "fix": null}]}"#,
        ),
        Duration::ZERO,
    )]);
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = agate_llm::AnswerCache::new(cache_dir.path());
    let outcome = agate_llm::review(
        &endpoint(&base),
        &agate_llm::Rubric::Hallucination,
        &[hunk(3)],
        limits(),
        Some(&cache),
    );
    assert_eq!(
        outcome.reviews[0].answer.as_ref().unwrap().findings.len(),
        1
    );
    let written = std::fs::read_dir(cache_dir.path()).map_or(0, Iterator::count);
    assert_eq!(written, 0, "the key was written to the cache");
}

#[test]
fn token_counts_that_would_overflow_spend_the_budget() {
    let answer = |prompt: u64| {
        serde_json::json!({
            "choices": [{ "message": { "content": r#"{"findings": []}"# } }],
            "usage": { "prompt_tokens": prompt, "completion_tokens": u64::MAX }
        })
        .to_string()
    };
    let (base, seen) = serve(vec![
        (200, "", answer(u64::MAX), Duration::ZERO),
        (200, "", answer(1), Duration::ZERO),
    ]);
    let outcome = agate_llm::review(
        &endpoint(&base),
        &agate_llm::Rubric::Hallucination,
        &[hunk(3), hunk(9), hunk(20)],
        limits(),
        None,
    );
    assert_eq!(outcome.usage.total(), u64::MAX);
    assert_eq!(outcome.skipped, 2, "the budget is spent");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn retry_after_zero_is_waited_out_a_second_at_a_time_within_the_bound() {
    let rate_limited = || (429, "retry-after: 0\r\n", "{}".to_owned(), Duration::ZERO);
    let (base, seen) = serve(vec![rate_limited(), rate_limited(), rate_limited()]);
    let outcome = agate_llm::review(
        &endpoint(&base),
        &agate_llm::Rubric::Hallucination,
        &[hunk(3)],
        agate_llm::Limits {
            max_wait: Duration::from_secs(2),
            ..limits()
        },
        None,
    );
    let error = outcome.reviews[0].answer.as_ref().unwrap_err();
    assert!(error.contains("kept rate limiting"), "{error}");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn a_400_that_is_not_about_the_schema_does_not_turn_it_off_for_the_rest() {
    let too_long = || {
        (
            400,
            "",
            r#"{"error": {"message": "the prompt is longer than the context window"}}"#.to_owned(),
            Duration::ZERO,
        )
    };
    let (base, seen) = serve(vec![
        too_long(),
        too_long(),
        (200, "", found(9), Duration::ZERO),
    ]);
    let outcome = agate_llm::review(
        &endpoint(&base),
        &agate_llm::Rubric::Hallucination,
        &[hunk(3), hunk(9)],
        limits(),
        None,
    );
    let first = outcome.reviews[0].answer.as_ref().unwrap_err();
    assert!(first.contains("context window"), "{first}");
    assert_eq!(
        outcome.reviews[1].answer.as_ref().unwrap().findings.len(),
        1
    );
    let bodies: Vec<serde_json::Value> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| serde_json::from_str(body).unwrap())
        .collect();
    assert!(bodies[1].get("response_format").is_none());
    assert!(
        bodies[2].get("response_format").is_some(),
        "the second hunk is asked with the schema"
    );
}
