//! End-to-end tests of the `agate` binary: one test binary, a module per command.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod api;
mod banking;
mod bounds;
mod ci;
mod ci_base;
mod compliance;
mod contract;
mod corpus;
mod coverage;
mod deps;
mod evasion;
mod express_scenario;
mod external;
mod external_limits;
mod fix;
mod gate;
mod inputs;
mod llm;
mod load;
mod multi_team;
mod notify;
mod packaging;
mod policy;
mod provenance;
mod readme;
mod redaction;
mod review;
mod rules;
mod scan;
mod scenario;
mod secrets;
mod server;
mod shards;
mod sonarqube;
mod test_code;
mod test_integrity;
mod tools;
mod triage;

use std::path::Path;

use assert_cmd::Command;

/// Returns a command for the built `agate` binary, with colour and CI variables cleared.
pub(crate) fn agate(dir: &Path) -> Command {
    Command::from_std(agate_process(dir))
}

/// [`agate`] as a plain process, for tests that start it and signal it.
pub(crate) fn agate_process(dir: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_agate"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        // The CI this runs in must not mark the test changes as AI-authored.
        .env_remove("AGATE_AI_CHANGE")
        .env_remove("CI_MERGE_REQUEST_LABELS")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
        .env_remove("CHANGE_TARGET")
        .env_remove("BITBUCKET_PR_DESTINATION_BRANCH")
        .env_remove("SYSTEM_PULLREQUEST_TARGETBRANCH")
        // Nor may it link reports to its own repository or SonarQube.
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_RUN_ID")
        .env_remove("GITHUB_RUN_ATTEMPT")
        .env_remove("CI_PROJECT_PATH")
        .env_remove("CI_PIPELINE_ID")
        .env_remove("CI_JOB_ID")
        .env_remove("BITBUCKET_REPO_FULL_NAME")
        .env_remove("BITBUCKET_BUILD_NUMBER")
        .env_remove("BUILD_REPOSITORY_NAME")
        .env_remove("BUILD_BUILDID")
        .env_remove("BUILD_TAG")
        .env_remove("JOB_NAME")
        .env_remove("AGATE_TOKEN")
        .env_remove("AGATE_ATTEST_KEY")
        .env_remove("CI_PROJECT_URL")
        .env_remove("CI_COMMIT_SHA")
        .env_remove("CI_JOB_URL")
        .env_remove("SONAR_HOST_URL")
        .env_remove("SONAR_TOKEN")
        // Nor tell SonarQube which branch or pull request it is.
        .env_remove("GITHUB_REF")
        .env_remove("CI_MERGE_REQUEST_IID")
        .env_remove("CHANGE_ID")
        .env_remove("BITBUCKET_PR_ID")
        .env_remove("SYSTEM_PULLREQUEST_PULLREQUESTID")
        .env_remove("CI_COMMIT_BRANCH")
        .env_remove("BRANCH_NAME")
        .env_remove("BITBUCKET_BRANCH")
        .env_remove("BUILD_SOURCEBRANCH")
        // Never the user's cache, never a real package registry: a closed local port
        // answers at once (tests that need a registry serve one and override these).
        .env(
            "AGATE_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("agate-cache"),
        )
        .env("AGATE_PYPI_URL", NO_REGISTRY)
        .env("AGATE_NPM_URL", NO_REGISTRY)
        .env("AGATE_MAVEN_URL", NO_REGISTRY);
    command
}

/// A registry URL nothing listens on.
const NO_REGISTRY: &str = "http://127.0.0.1:9";

/// Runs agate with `args` in `dir` and returns its exit code.
pub(crate) fn exit_code(dir: &Path, args: &[&str]) -> Option<i32> {
    agate(dir).args(args).output().unwrap().status.code()
}

/// Runs git in `dir` as `author` (`Name <email>`, author and committer), asserting success.
pub(crate) fn git_as(dir: &Path, author: &str, args: &[&str]) {
    git_with(dir, author, args, &[]);
}

/// Runs git in `dir` as `author` with extra environment variables.
pub(crate) fn git_with(dir: &Path, author: &str, args: &[&str], env: &[(&str, String)]) {
    let (name, email) = author.split_once(" <").unwrap();
    let email = email.trim_end_matches('>');
    let output = std::process::Command::new("git")
        .args([
            "-c",
            &format!("user.name={name}"),
            "-c",
            &format!("user.email={email}"),
        ])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .envs(env.iter().map(|(key, value)| (*key, value.as_str())))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs git in `dir` as a fixed human identity.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    git_as(dir, "agate <agate@example.com>", args);
}

/// Writes `files` under a new temporary directory.
pub(crate) fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// Replaces the run time at the end of the summary line so snapshots are stable.
pub(crate) fn stable(output: &[u8]) -> String {
    String::from_utf8_lossy(output)
        .lines()
        .map(|line| match line.rfind(" rules in ") {
            Some(at) => format!("{} rules in [TIME].", &line[..at]),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) const VULNERABLE_PY: &str = "import subprocess\n\n\ndef run(request):\n    subprocess.run(\"ls \" + request.args[\"dir\"], shell=True)\n";
pub(crate) const SAFE_PY: &str =
    "import subprocess\n\n\ndef run(path):\n    subprocess.run([\"ls\", path], check=True)\n";
