//! Telling reviewers that a gate blocked a change: a generic webhook (agate's JSON, signed
//! with HMAC-SHA256 when a key is set), a Slack-compatible webhook, a comment on the GitHub
//! pull request (or an issue), a note on the GitLab merge request.
//!
//! Every delivery is retried with backoff on network errors, 429 and 5xx answers. A failed
//! delivery is reported back, never raised: it must not change the verdict.
#![warn(missing_docs)]

mod payload;

use std::time::Duration;

use agate_model::{Channel, Redacted, Report};
use hmac::{Hmac, KeyInit as _, Mac as _};

pub use payload::{TOP_FINDINGS, webhook_payload};

/// The header carrying a webhook body's HMAC-SHA256, as `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Agate-Signature-256";

/// One place to notify, with its secrets resolved.
#[derive(Debug, Clone)]
pub struct Destination {
    /// Where to.
    pub channel: Channel,
    /// The webhook URL (webhook, Slack).
    pub url: Option<Redacted>,
    /// Where the URL came from, to name it without showing it (`$SLACK_WEBHOOK_URL`).
    pub label: String,
    /// The HMAC key of a webhook.
    pub secret: Option<Redacted>,
    /// The API token (GitHub, GitLab).
    pub token: Option<Redacted>,
    /// GitHub outside a pull request: open an issue instead of commenting.
    pub issue: bool,
}

/// What the CI says about the change, for GitHub and GitLab and for links.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// GitHub's REST API (`GITHUB_API_URL`).
    pub github_api: Option<String>,
    /// `owner/name` (`GITHUB_REPOSITORY`).
    pub github_repository: Option<String>,
    /// The pull request number, when the run is for one.
    pub github_pull_request: Option<u64>,
    /// GitLab's REST API (`CI_API_V4_URL`).
    pub gitlab_api: Option<String>,
    /// The project id (`CI_PROJECT_ID`).
    pub gitlab_project: Option<String>,
    /// The merge request's iid (`CI_MERGE_REQUEST_IID`).
    pub gitlab_merge_request: Option<u64>,
    /// Where the full report is (the CI run).
    pub report_url: Option<String>,
    /// Links findings to their source (a blob URL at the commit).
    pub source_url: Option<String>,
    /// The commit checked.
    pub commit: Option<String>,
    /// Tries per delivery (at least 1).
    pub attempts: u32,
    /// The wait before the second try; doubled after each.
    pub backoff: Duration,
    /// How long one request may take.
    pub timeout: Duration,
}

/// How one delivery went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The destination, named without its secrets.
    pub label: String,
    /// The HTTP status of the accepted request, or why it failed.
    pub outcome: Result<u16, String>,
}

/// Announces `report` to every destination; returns how each delivery went.
pub fn notify(report: &Report, destinations: &[Destination], context: &Context) -> Vec<Delivery> {
    destinations
        .iter()
        .map(|destination| deliver(report, destination, context))
        .collect()
}

/// A request to send: URL, body and headers.
struct Request {
    method: Method,
    url: String,
    body: String,
    headers: Vec<(&'static str, String)>,
    /// Where agate's earlier comment may be, to edit it rather than add another.
    previous: Option<Previous>,
}

/// The HTTP methods deliveries use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Post,
    Patch,
    Put,
}

/// How to find and edit agate's earlier comment on a pull or merge request.
struct Previous {
    /// Lists the comments.
    list_url: String,
    /// A comment's URL is this followed by its id.
    edit_prefix: String,
    /// Edits a comment.
    method: Method,
}

fn deliver(report: &Report, destination: &Destination, context: &Context) -> Delivery {
    let outcome = request(report, destination, context).and_then(|mut request| {
        let agent = agent(context);
        // One comment per pull request, kept current, rather than one per push.
        if let Some(previous) = request.previous.take()
            && let Some(id) = previous_comment(&agent, &previous, &request.headers)
        {
            request.url = format!("{}{id}", previous.edit_prefix);
            request.method = previous.method;
        }
        // An error message must not carry a URL that is a secret (Slack's).
        send(&agent, &request, context).map_err(|why| why.replace(&request.url, "<url>"))
    });
    Delivery {
        label: destination.label.clone(),
        outcome,
    }
}

fn request(
    report: &Report,
    destination: &Destination,
    context: &Context,
) -> Result<Request, String> {
    let json = ("Content-Type", "application/json".to_owned());
    match destination.channel {
        Channel::Webhook => {
            let url = url_of(destination)?;
            let body = webhook_payload(report, context).to_string();
            let mut headers = vec![json];
            if let Some(secret) = &destination.secret {
                headers.push((SIGNATURE_HEADER, signature(secret, &body)));
            }
            Ok(Request {
                method: Method::Post,
                url,
                body,
                headers,
                previous: None,
            })
        }
        Channel::Slack => Ok(Request {
            method: Method::Post,
            previous: None,
            url: url_of(destination)?,
            body: serde_json::json!({ "text": payload::slack_text(report, context) }).to_string(),
            headers: vec![json],
        }),
        Channel::Github => github_request(report, destination, context),
        Channel::Gitlab => gitlab_request(report, destination, context),
    }
}

/// The pull request comment as Markdown.
fn markdown(report: &Report, context: &Context) -> Result<String, String> {
    let options = agate_report::RenderOptions {
        source_url: context.source_url.clone(),
        report_url: context.report_url.clone(),
        ..agate_report::RenderOptions::default()
    };
    let mut out = Vec::new();
    agate_report::markdown::comment(report, &options, &mut out)
        .map_err(|error| error.to_string())?;
    String::from_utf8(out).map_err(|error| error.to_string())
}

fn token(destination: &Destination) -> Result<String, String> {
    destination
        .token
        .as_ref()
        .map(|token| token.expose().to_owned())
        .ok_or_else(|| {
            format!(
                "{}: no token (set the variable named by `token_env`)",
                destination.label
            )
        })
}

/// A comment on the pull request (edited when agate commented before), or an issue.
fn github_request(
    report: &Report,
    destination: &Destination,
    context: &Context,
) -> Result<Request, String> {
    let json = ("Content-Type", "application/json".to_owned());

    let api = context
        .github_api
        .as_deref()
        .unwrap_or("https://api.github.com")
        .trim_end_matches('/');
    let repository = context
        .github_repository
        .as_deref()
        .ok_or("GitHub: GITHUB_REPOSITORY is not set (not running in GitHub Actions?)")?;
    let (url, body, previous) = match (context.github_pull_request, destination.issue) {
        (Some(number), _) => (
            format!("{api}/repos/{repository}/issues/{number}/comments"),
            serde_json::json!({ "body": markdown(report, context)? }),
            Some(Previous {
                list_url: format!("{api}/repos/{repository}/issues/{number}/comments?per_page=100"),
                edit_prefix: format!("{api}/repos/{repository}/issues/comments/"),
                method: Method::Patch,
            }),
        ),
        (None, true) => (
            format!("{api}/repos/{repository}/issues"),
            serde_json::json!({ "title": payload::title(report), "body": markdown(report, context)? }),
            None,
        ),
        (None, false) => {
            return Err(
                "GitHub: not a pull request (set `issue: true` to open an issue instead)"
                    .to_owned(),
            );
        }
    };
    Ok(Request {
        method: Method::Post,
        url,
        body: body.to_string(),
        previous,
        headers: vec![
            json,
            ("Accept", "application/vnd.github+json".to_owned()),
            ("X-GitHub-Api-Version", "2022-11-28".to_owned()),
            ("Authorization", format!("Bearer {}", token(destination)?)),
        ],
    })
}

/// A note on the merge request (edited when agate noted before).
fn gitlab_request(
    report: &Report,
    destination: &Destination,
    context: &Context,
) -> Result<Request, String> {
    let json = ("Content-Type", "application/json".to_owned());

    let api = context
        .gitlab_api
        .as_deref()
        .ok_or("GitLab: CI_API_V4_URL is not set (not running in GitLab CI?)")?
        .trim_end_matches('/');
    let project = context
        .gitlab_project
        .as_deref()
        .ok_or("GitLab: CI_PROJECT_ID is not set")?;
    let merge_request = context
        .gitlab_merge_request
        .ok_or("GitLab: not a merge request pipeline (CI_MERGE_REQUEST_IID is not set)")?;
    let notes = format!("{api}/projects/{project}/merge_requests/{merge_request}/notes");
    Ok(Request {
        method: Method::Post,
        previous: Some(Previous {
            list_url: format!("{notes}?per_page=100&sort=desc"),
            edit_prefix: format!("{notes}/"),
            method: Method::Put,
        }),
        url: notes,
        body: serde_json::json!({ "body": markdown(report, context)? }).to_string(),
        headers: vec![json, ("PRIVATE-TOKEN", token(destination)?)],
    })
}

fn url_of(destination: &Destination) -> Result<String, String> {
    destination
        .url
        .as_ref()
        .map(|url| url.expose().to_owned())
        .ok_or_else(|| {
            format!(
                "{}: no URL (set the variable named by `url_env`)",
                destination.label
            )
        })
}

/// `sha256=<hex>` of HMAC-SHA256 over the body.
pub fn signature(secret: &Redacted, body: &str) -> String {
    use std::fmt::Write as _;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    digest
        .iter()
        .fold(String::from("sha256="), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// agate's HTTP client with the context's timeout; statuses are read, not errors.
fn agent(context: &Context) -> ureq::Agent {
    agate_http::agent(context.timeout, agate_http::Statuses::AsResponses)
}

/// The id of agate's latest comment (it starts with the comment marker), if any; a lookup
/// that fails just means a new comment.
fn previous_comment(
    agent: &ureq::Agent,
    previous: &Previous,
    headers: &[(&'static str, String)],
) -> Option<u64> {
    let mut call = agent.get(&previous.list_url);
    for (name, value) in headers {
        call = call.header(*name, value);
    }
    let mut response = call.call().ok()?;
    if response.status().as_u16() != 200 {
        return None;
    }
    let text = agate_http::read_text(response.body_mut(), 8 * 1024 * 1024).ok()?;
    let comments: Vec<serde_json::Value> = serde_json::from_str(&text).ok()?;
    comments
        .iter()
        .filter(|comment| {
            comment["body"]
                .as_str()
                .is_some_and(|body| body.starts_with(agate_report::markdown::COMMENT_MARKER))
        })
        .filter_map(|comment| comment["id"].as_u64())
        .max()
}

/// Sends the request, retrying transient failures; returns the accepted status or why
/// it failed.
fn send(agent: &ureq::Agent, request: &Request, context: &Context) -> Result<u16, String> {
    let attempts = context.attempts.max(1);
    let mut wait = context.backoff;
    let mut last = String::new();
    for attempt in 1..=attempts {
        let mut call = match request.method {
            Method::Post => agent.post(&request.url),
            Method::Patch => agent.patch(&request.url),
            Method::Put => agent.put(&request.url),
        };
        for (name, value) in &request.headers {
            call = call.header(*name, value);
        }
        match call.send(request.body.as_str()) {
            Ok(response) => {
                let status = response.status().as_u16();
                if (200..300).contains(&status) {
                    return Ok(status);
                }
                last = format!("HTTP {status}");
                let transient = status == 429 || status >= 500;
                if !transient {
                    return Err(format!("refused: {last}"));
                }
            }
            Err(error) => last = error.to_string(),
        }
        if attempt < attempts {
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_secs(30));
        }
    }
    Err(format!("gave up after {attempts} tries: {last}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(&Redacted::new("Jefe"), "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
