//! What the CI system says about the change being checked.

/// The variables that name the target branch of a pull or merge request, by CI system:
/// GitHub Actions, GitLab CI, Jenkins (multibranch), Bitbucket Pipelines, Azure Pipelines
/// (which writes `refs/heads/main` for Azure Repos).
const TARGET_BRANCH_VARIABLES: [&str; 5] = [
    "GITHUB_BASE_REF",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CHANGE_TARGET",
    "BITBUCKET_PR_DESTINATION_BRANCH",
    "SYSTEM_PULLREQUEST_TARGETBRANCH",
];

/// The base the CI system implies: the target branch of the pull or merge request
/// ([`TARGET_BRANCH_VARIABLES`], the first set wins), as `origin/<branch>`, with the
/// variable that named it.
pub(crate) fn target() -> Option<agate_pipeline::CiTarget> {
    TARGET_BRANCH_VARIABLES.iter().find_map(|&variable| {
        let value = var(variable)?;
        let value = value.trim();
        let branch = value.strip_prefix("refs/heads/").unwrap_or(value);
        (!branch.is_empty() && !branch.starts_with('-')).then(|| agate_pipeline::CiTarget {
            revision: format!("origin/{branch}"),
            variable: variable.to_owned(),
        })
    })
}

/// The repository as the CI system names it: GitHub's `owner/name`, GitLab's project path,
/// Bitbucket's full name, Azure's repository name, Jenkins' job name.
pub(crate) fn repository() -> Option<String> {
    [
        "GITHUB_REPOSITORY",
        "CI_PROJECT_PATH",
        "BITBUCKET_REPO_FULL_NAME",
        "BUILD_REPOSITORY_NAME",
        "JOB_NAME",
    ]
    .iter()
    .find_map(|name| var(name))
    .map(|value| value.trim().to_owned())
    .filter(|value| !value.is_empty())
}

/// The CI run, so a retried upload of the same run is the same run: GitHub's run id and
/// attempt, GitLab's pipeline and job, Jenkins' build tag, Bitbucket's build number,
/// Azure's build id.
pub(crate) fn run_id() -> Option<String> {
    if let Some(run) = var("GITHUB_RUN_ID") {
        let attempt = var("GITHUB_RUN_ATTEMPT").unwrap_or_else(|| "1".to_owned());
        return Some(format!("github-{}-{}", run.trim(), attempt.trim()));
    }
    if let Some(pipeline) = var("CI_PIPELINE_ID") {
        let job = var("CI_JOB_ID").unwrap_or_default();
        return Some(format!("gitlab-{}-{}", pipeline.trim(), job.trim()));
    }
    [
        ("BUILD_TAG", "jenkins"),
        ("BITBUCKET_BUILD_NUMBER", "bitbucket"),
        ("BUILD_BUILDID", "azure"),
    ]
    .iter()
    .find_map(|(name, system)| var(name).map(|value| format!("{system}-{}", value.trim())))
}

/// The SonarQube server `sonarqube` checks ask: `SONAR_HOST_URL`, with `SONAR_TOKEN`, for
/// this run's branch or pull request.
pub(crate) fn sonar() -> Option<agate_external::SonarServer> {
    var("SONAR_HOST_URL").map(|url| agate_external::SonarServer {
        url,
        token: var("SONAR_TOKEN"),
        scope: sonar_scope(),
    })
}

/// The branch or pull request this run analyses, for SonarQube: a pull request's id
/// (GitHub, GitLab's merge request IID, Jenkins' `CHANGE_ID`, Bitbucket, Azure Pipelines),
/// else the branch pushed.
fn sonar_scope() -> agate_external::SonarScope {
    use agate_external::SonarScope;
    let pull_request = github_pull_request()
        .map(|number| number.to_string())
        .or_else(|| {
            [
                "CI_MERGE_REQUEST_IID",
                "CHANGE_ID",
                "BITBUCKET_PR_ID",
                "SYSTEM_PULLREQUEST_PULLREQUESTID",
            ]
            .iter()
            .find_map(|name| var(name))
        });
    if let Some(id) = pull_request {
        return SonarScope::PullRequest(id.trim().to_owned());
    }
    let github_branch = var("GITHUB_REF")
        .and_then(|reference| reference.strip_prefix("refs/heads/").map(str::to_owned));
    let branch = github_branch
        .or_else(|| {
            ["CI_COMMIT_BRANCH", "BRANCH_NAME", "BITBUCKET_BRANCH"]
                .iter()
                .find_map(|name| var(name))
        })
        .or_else(|| {
            var("BUILD_SOURCEBRANCH")
                .and_then(|reference| reference.strip_prefix("refs/heads/").map(str::to_owned))
        });
    match branch {
        Some(branch) if !branch.trim().is_empty() => SonarScope::Branch(branch.trim().to_owned()),
        _ => SonarScope::MainBranch,
    }
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

/// The largest GitHub Actions event payload read: GitHub caps a pull request's body and
/// title well below this; the bound keeps a device or runaway file from exhausting memory.
const MAX_EVENT_BYTES: u64 = 16 * 1024 * 1024;

/// The GitHub Actions event payload (`GITHUB_EVENT_PATH`), if it is a readable regular file
/// within [`MAX_EVENT_BYTES`].
fn github_event() -> Option<serde_json::Value> {
    let path = std::env::var_os("GITHUB_EVENT_PATH")?;
    let text =
        agate_fs::read_to_string_bounded(std::path::Path::new(&path), MAX_EVENT_BYTES).ok()?;
    serde_json::from_str(&text).ok()
}

/// The number of the pull request this GitHub Actions run is for: from the event, else
/// from `GITHUB_REF` (`refs/pull/N/merge`).
pub(crate) fn github_pull_request() -> Option<u64> {
    github_event()
        .and_then(|event| event["pull_request"]["number"].as_u64())
        .or_else(|| {
            let reference = std::env::var("GITHUB_REF").ok()?;
            reference
                .strip_prefix("refs/pull/")?
                .split('/')
                .next()?
                .parse()
                .ok()
        })
}

/// The labels of the pull request in the GitHub Actions event payload, if any.
fn github_labels() -> Vec<String> {
    let Some(event) = github_event() else {
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

/// An environment variable's value; unset and empty are the same.
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The values of the environment variables whose names mark them as secrets
/// ([`agate_secrets::is_secret_name`]: `GITHUB_TOKEN`, `DB_PASSWORD`, …). External checks
/// inherit them, and reports hide them wherever they appear.
pub(crate) fn secret_values() -> Vec<String> {
    std::env::vars_os()
        .filter(|(name, _)| agate_secrets::is_secret_name(&name.to_string_lossy()))
        .filter_map(|(_, value)| value.into_string().ok())
        .collect()
}

/// The URL of the checked-out commit's files, to link findings from Markdown reports:
/// GitHub (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`) or GitLab
/// (`CI_PROJECT_URL`, `CI_COMMIT_SHA`).
pub(crate) fn source_url() -> Option<String> {
    if let (Some(server), Some(repository), Some(sha)) = (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_SHA"),
    ) {
        return Some(format!("{server}/{repository}/blob/{sha}"));
    }
    let (project, sha) = (var("CI_PROJECT_URL")?, var("CI_COMMIT_SHA")?);
    Some(format!("{project}/-/blob/{sha}"))
}

/// The URL of this CI run, where its logs and artifacts are: a GitHub Actions run or a
/// GitLab job.
pub(crate) fn run_url() -> Option<String> {
    if let (Some(server), Some(repository), Some(run)) = (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_RUN_ID"),
    ) {
        return Some(format!("{server}/{repository}/actions/runs/{run}"));
    }
    var("CI_JOB_URL")
}

/// The variables of agate's environment the interpreters of function contracts get;
/// nothing else (tokens and other secrets stay with agate).
const RUNTIME_VARIABLES: &[&str] = &[
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "SYSTEMROOT",
];

/// [`RUNTIME_VARIABLES`] that are set, with their values.
pub(crate) fn runtime_env() -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    RUNTIME_VARIABLES
        .iter()
        .filter_map(|name| std::env::var_os(name).map(|value| (name.into(), value)))
        .collect()
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
