//! `notify.on_block` entries checked and turned into [`NotifyTarget`]s.

use agate_model::{Channel, NotifyTarget};

use crate::error::{Place, PolicyError};
use crate::options::NotifyTargetOptions;

/// Checks one notification: webhooks need a URL (written or from the environment),
/// GitHub and GitLab take theirs from the CI; variable names must be names.
pub(crate) fn notify_target(
    options: &NotifyTargetOptions,
    at: &Place,
) -> Result<NotifyTarget, PolicyError> {
    let invalid = |message: String, help: &str| PolicyError::Invalid {
        at: at.clone(),
        message: format!("notify.on_block: {message}"),
        help: help.to_owned(),
    };
    for name in [&options.url_env, &options.secret_env, &options.token_env]
        .into_iter()
        .flatten()
    {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || character == '_');
        if !valid {
            return Err(invalid(
                format!("`{name}` is not an environment variable name"),
                "name the variable that holds the value, e.g. `SLACK_WEBHOOK_URL`",
            ));
        }
    }
    let needs_url = matches!(options.channel, Channel::Webhook | Channel::Slack);
    match (needs_url, &options.url, &options.url_env) {
        (true, None, None) => {
            return Err(invalid(
                "a webhook needs `url` or `url_env`".to_owned(),
                "write `url_env: SLACK_WEBHOOK_URL` for a URL that is a secret, `url:` otherwise",
            ));
        }
        (true, Some(_), Some(_)) => {
            return Err(invalid(
                "give `url` or `url_env`, not both".to_owned(),
                "keep `url_env` when the URL carries a secret",
            ));
        }
        (false, Some(_), _) | (false, _, Some(_)) => {
            return Err(invalid(
                "GitHub and GitLab notifications take their API URL from the CI".to_owned(),
                "drop `url`; GITHUB_API_URL and CI_API_V4_URL are read at run time",
            ));
        }
        _ => {}
    }
    if let Some(url) = &options.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(invalid(
            format!("`{url}` is not an http(s) URL"),
            "write the full URL, e.g. https://hooks.example.com/agate",
        ));
    }
    if options.secret_env.is_some() && options.channel != Channel::Webhook {
        return Err(invalid(
            "`secret_env` signs generic webhooks only".to_owned(),
            "drop it, or use `type: webhook`",
        ));
    }
    Ok(NotifyTarget {
        channel: options.channel,
        url: options.url.clone(),
        url_env: options.url_env.clone(),
        secret_env: options.secret_env.clone(),
        token_env: options.token_env.clone().or_else(|| match options.channel {
            Channel::Github => Some("GITHUB_TOKEN".to_owned()),
            Channel::Gitlab => Some("GITLAB_TOKEN".to_owned()),
            Channel::Webhook | Channel::Slack => None,
        }),
        issue: options.issue.unwrap_or(false),
    })
}
