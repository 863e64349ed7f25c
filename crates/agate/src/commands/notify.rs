//! `notify.on_block`: when the verdict is blocked (or error), tell the configured people.
//! Tokens and secret URLs come from environment variables; a failed delivery is a warning.

use std::time::Duration;

use agate_model::{Channel, Notice, NoticeLevel, NotifyTarget, Redacted, Report, VerdictStatus};
use agate_notify::{Context, Destination};

use crate::ci::var;
use crate::output;

/// Announces a blocked or failed verdict to `targets`; each failed delivery becomes a
/// warning in the report. The verdict never changes.
pub(crate) fn on_block(targets: &[NotifyTarget], report: &mut Report) {
    let stopped = report.verdict.as_ref().is_some_and(|verdict| {
        matches!(
            verdict.status,
            VerdictStatus::Blocked | VerdictStatus::Error
        )
    });
    if !stopped || targets.is_empty() {
        return;
    }
    let destinations: Vec<Destination> = targets.iter().map(destination).collect();
    let context = context();
    for delivery in agate_notify::notify(report, &destinations, &context) {
        match &delivery.outcome {
            Ok(status) => output::note(&format!(
                "agate: notified {} (HTTP {status})",
                delivery.label
            )),
            Err(why) => {
                let message = format!("could not notify {}: {why}", delivery.label);
                output::note(&format!("warning: {message}"));
                report.notices.push(Notice {
                    level: NoticeLevel::Warning,
                    path: None,
                    message,
                });
            }
        }
    }
}

/// A target with its secrets read from the environment, named by where they came from.
fn destination(target: &NotifyTarget) -> Destination {
    let url = target
        .url
        .clone()
        .or_else(|| target.url_env.as_deref().and_then(var))
        .map(Redacted::new);
    let label = match (target.channel, &target.url, &target.url_env) {
        (Channel::Webhook, Some(url), _) => format!("webhook {}", host_of(url)),
        (Channel::Webhook, None, Some(name)) => format!("webhook ${name}"),
        (Channel::Slack, _, Some(name)) => format!("Slack ${name}"),
        (Channel::Slack, Some(url), None) => format!("Slack {}", host_of(url)),
        (Channel::Github, _, _) => "GitHub".to_owned(),
        (Channel::Gitlab, _, _) => "GitLab".to_owned(),
        (_, None, None) => "webhook".to_owned(),
    };
    Destination {
        channel: target.channel,
        url,
        label,
        secret: target
            .secret_env
            .as_deref()
            .and_then(var)
            .map(Redacted::new),
        token: target.token_env.as_deref().and_then(var).map(Redacted::new),
        issue: target.issue,
    }
}

/// `https://hooks.example.com/…` → `hooks.example.com`: enough to name it, nothing secret.
fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(url)
        .to_owned()
}

/// What GitHub Actions or GitLab CI say about this run.
fn context() -> Context {
    Context {
        github_api: var("GITHUB_API_URL"),
        github_repository: var("GITHUB_REPOSITORY"),
        github_pull_request: crate::ci::github_pull_request(),
        gitlab_api: var("CI_API_V4_URL"),
        gitlab_project: var("CI_PROJECT_ID"),
        gitlab_merge_request: var("CI_MERGE_REQUEST_IID").and_then(|iid| iid.parse().ok()),
        report_url: crate::ci::run_url(),
        source_url: crate::ci::source_url(),
        commit: var("GITHUB_SHA").or_else(|| var("CI_COMMIT_SHA")),
        attempts: 3,
        backoff: Duration::from_millis(
            var("AGATE_NOTIFY_BACKOFF_MS")
                .and_then(|millis| millis.parse().ok())
                .unwrap_or(500),
        ),
        timeout: Duration::from_secs(10),
    }
}
