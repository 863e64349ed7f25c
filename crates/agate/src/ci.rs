//! What the CI system says about the change being checked.

/// The base the CI system implies: the target branch of a GitHub pull request
/// (`GITHUB_BASE_REF`) or a GitLab merge request (`CI_MERGE_REQUEST_TARGET_BRANCH_NAME`), as
/// `origin/<branch>`.
pub(crate) fn base() -> Option<String> {
    ["GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .map(|branch| branch.trim().to_owned())
        .filter(|branch| !branch.is_empty() && !branch.starts_with('-'))
        .map(|branch| format!("origin/{branch}"))
}

/// Labels on a pull or merge request that mark the whole change as AI-authored.
const AI_LABELS: &[&str] = &["ai-generated", "ai-assisted"];

/// Returns true when the environment marks the change as AI-authored: `AGATE_AI_CHANGE=1`
/// (or `true`), an AI label on the GitHub pull request (from `GITHUB_EVENT_PATH`), or on
/// the GitLab merge request (`CI_MERGE_REQUEST_LABELS`).
pub(crate) fn change_is_ai() -> bool {
    let flag = std::env::var("AGATE_AI_CHANGE")
        .is_ok_and(|value| matches!(value.trim(), "1" | "true" | "yes"));
    flag || gitlab_labels()
        .iter()
        .chain(&github_labels())
        .any(|label| is_ai_label(label))
}

fn is_ai_label(label: &str) -> bool {
    AI_LABELS
        .iter()
        .any(|ai| label.trim().eq_ignore_ascii_case(ai))
}

fn gitlab_labels() -> Vec<String> {
    std::env::var("CI_MERGE_REQUEST_LABELS")
        .map(|labels| labels.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The labels of the pull request in the GitHub Actions event payload, if any.
fn github_labels() -> Vec<String> {
    let Ok(path) = std::env::var("GITHUB_EVENT_PATH") else {
        return Vec::new();
    };
    let Ok(text) = fs_err::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(event) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    event["pull_request"]["labels"]
        .as_array()
        .map(|labels| {
            labels
                .iter()
                .filter_map(|label| label["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ai_labels_match_case_insensitively() {
        assert!(is_ai_label(" AI-Generated"));
        assert!(!is_ai_label("bug"));
    }
}
