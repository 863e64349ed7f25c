//! The base revision a CI system implies: read from each system's variables, and, when the
//! checkout lacks it, an error that names the variable and the command that fetches it.

use std::path::Path;

use super::{SAFE_PY, agate, git};

/// A clone on branch `feature` (one commit past `main`) whose `origin/main` was never
/// fetched, as in a merge-request pipeline; returns the temporary folder and the clone.
fn clone_without_target() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    std::fs::write(origin.join("app.py"), SAFE_PY).unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "main"]);
    git(dir.path(), &["clone", "-q", "origin", "work"]);
    let work = dir.path().join("work");
    git(&work, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(work.join("feature.py"), SAFE_PY).unwrap();
    git(&work, &["add", "."]);
    git(&work, &["commit", "-q", "-m", "feature"]);
    git(&work, &["remote", "set-head", "origin", "--delete"]);
    git(&work, &["update-ref", "-d", "refs/remotes/origin/main"]);
    (dir, work)
}

/// Runs `agate gate` in `dir` with one variable set; returns the exit code and stderr.
fn gate_with(dir: &Path, variable: &str, value: &str) -> (Option<i32>, String) {
    let output = agate(dir)
        .arg("gate")
        .env(variable, value)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn issue_8_a_merge_request_target_not_fetched_names_the_variable_and_the_fix() {
    let (_dir, work) = clone_without_target();
    let (code, stderr) = gate_with(&work, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "the base revision `origin/main` (from `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`) is not in this checkout"
        ),
        "{stderr}"
    );
    // The command in the help line is the fix: run it, and the same pipeline passes.
    let command = stderr
        .split("`git fetch ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no fetch command in: {stderr}"));
    assert_eq!(
        command,
        "--no-tags origin +refs/heads/main:refs/remotes/origin/main"
    );
    let mut args = vec!["fetch"];
    args.extend(command.split_whitespace());
    git(&work, &args);
    let (code, stderr) = gate_with(&work, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main");
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn issue_8_jenkins_bitbucket_and_azure_target_branches_are_the_base() {
    let (_dir, work) = clone_without_target();
    for (variable, value) in [
        ("CHANGE_TARGET", "release"),
        ("BITBUCKET_PR_DESTINATION_BRANCH", "release"),
        ("SYSTEM_PULLREQUEST_TARGETBRANCH", "refs/heads/release"),
    ] {
        let (code, stderr) = gate_with(&work, variable, value);
        assert_eq!(code, Some(2), "{variable}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "the base revision `origin/release` (from `{variable}`)"
            )),
            "{variable}: {stderr}"
        );
    }
    // Without a target branch there is no base to miss: every line counts as new.
    let output = agate(&work).arg("gate").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn issue_8_generated_pipelines_fetch_the_target_branch() {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
    let read = |name: &str| std::fs::read_to_string(templates.join(name)).unwrap();
    let gitlab = read("gitlab/agate.gitlab-ci.yml");
    assert!(gitlab.contains(
        "git fetch --no-tags origin \"+refs/heads/${CI_MERGE_REQUEST_TARGET_BRANCH_NAME}:refs/remotes/origin/${CI_MERGE_REQUEST_TARGET_BRANCH_NAME}\""
    ));
    let jenkins = read("jenkins/Jenkinsfile");
    assert!(
        !jenkins.contains("'main'"),
        "the Jenkinsfile must not assume the target branch is main"
    );
    assert!(jenkins.contains(
        "git fetch --no-tags origin \"+refs/heads/${CHANGE_TARGET}:refs/remotes/origin/${CHANGE_TARGET}\""
    ));
    // Tekton: the Pipeline passes its base-branch to the Task, which fetches it and gives
    // agate `--base`.
    let tekton: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(&read("tekton/agate.yaml")).unwrap();
    let pipeline = tekton
        .iter()
        .find(|document| document["kind"] == "Pipeline")
        .unwrap();
    let gate = pipeline["spec"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|task| task["name"] == "gate")
        .unwrap();
    assert!(
        gate["params"].as_array().unwrap().iter().any(
            |param| param["name"] == "base-branch" && param["value"] == "$(params.base-branch)"
        ),
        "the gate task is not given the base branch"
    );
    let task = tekton
        .iter()
        .find(|document| document["kind"] == "Task")
        .unwrap();
    let script = task["spec"]["steps"][0]["script"].as_str().unwrap();
    assert!(script.contains("set -- --base \"origin/${AGATE_BASE_BRANCH}\""));
    assert!(script.contains("agate gate --env \"$AGATE_ENV\" \"$@\""));
}
