use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The output format of an external tool, which decides how agate reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ToolFormat {
    /// SARIF 2.1.0, from any tool (Semgrep, CodeQL, Snyk Code, Trivy, Checkov, …).
    Sarif,
    /// Bandit's JSON (`bandit -f json`).
    Bandit,
    /// Semgrep's JSON (`semgrep scan --json`).
    Semgrep,
    /// Trivy's JSON (`trivy fs --format json`): vulnerabilities, misconfigurations, secrets.
    Trivy,
    /// Checkov's JSON (`checkov -o json`).
    Checkov,
    /// Snyk Open Source JSON (`snyk test --json`); Snyk Code's SARIF is read as well.
    Snyk,
    /// OWASP ZAP's JSON report (`zap-baseline.py -J report.json`).
    Zap,
    /// gitleaks' JSON report (`gitleaks detect --report-format json`).
    Gitleaks,
    /// SonarQube's quality gate status, from its web API.
    Sonarqube,
    /// JUnit XML test results (pytest, Jest, Mocha, Maven Surefire, Gradle).
    Junit,
}

impl ToolFormat {
    /// Every format, in documentation order.
    pub const ALL: [ToolFormat; 10] = [
        ToolFormat::Sarif,
        ToolFormat::Bandit,
        ToolFormat::Semgrep,
        ToolFormat::Trivy,
        ToolFormat::Checkov,
        ToolFormat::Snyk,
        ToolFormat::Zap,
        ToolFormat::Gitleaks,
        ToolFormat::Sonarqube,
        ToolFormat::Junit,
    ];

    /// Returns the lowercase name used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolFormat::Sarif => "sarif",
            ToolFormat::Bandit => "bandit",
            ToolFormat::Semgrep => "semgrep",
            ToolFormat::Trivy => "trivy",
            ToolFormat::Checkov => "checkov",
            ToolFormat::Snyk => "snyk",
            ToolFormat::Zap => "zap",
            ToolFormat::Gitleaks => "gitleaks",
            ToolFormat::Sonarqube => "sonarqube",
            ToolFormat::Junit => "junit",
        }
    }
}

impl fmt::Display for ToolFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ToolFormat {
    type Err = String;

    fn from_str(name: &str) -> Result<ToolFormat, String> {
        ToolFormat::ALL
            .into_iter()
            .find(|format| format.as_str() == name)
            .ok_or_else(|| format!("`{name}` is not a tool format"))
    }
}

/// How an external check is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckCommand {
    /// A program and its arguments, run directly (no shell).
    Argv(Vec<String>),
    /// A command line run by `sh -c` (only with `shell: true` in the configuration).
    Shell(String),
}

/// One external check of a gate, as configured: what to run and how to read its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSpec {
    /// Its name, e.g. `semgrep`; rule ids of its findings start with `name/`.
    pub name: String,
    /// The gate whose verdict its findings count toward.
    pub gate: String,
    /// What to run; `None` reads an existing `report` (or asks SonarQube).
    pub command: Option<CheckCommand>,
    /// How to read its output.
    pub format: ToolFormat,
    /// The working directory, relative to the scan root (default: the root).
    pub workdir: Option<PathBuf>,
    /// Environment variables set for the command, on top of agate's own.
    pub env: Vec<(String, String)>,
    /// How long the command may run.
    pub timeout_secs: u64,
    /// Exit codes that mean the tool ran (default 0 and 1: most tools exit 1 on findings).
    pub exit_codes: Vec<i32>,
    /// A report file the tool writes, relative to the working directory; default `{out}`
    /// when the command names it, else the command's standard output.
    pub report: Option<PathBuf>,
    /// The SonarQube project key.
    pub project: Option<String>,
    /// Where the SonarQube scanner writes its task file (`report-task.txt`), relative to
    /// the working directory; `None` looks in `.scannerwork/`.
    pub report_task: Option<PathBuf>,
    /// The most results kept; more make the check an error (the rest are counted only).
    pub max_results: usize,
}

/// One tool that reported a finding; several when tools agree on a location and CWE.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct FindingSource {
    /// The tool: `agate`, or the external check's name.
    pub tool: String,
    /// The tool's rule id.
    pub rule_id: String,
}

/// What happened when an external check ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckRun {
    /// The check's name.
    pub name: String,
    /// Its gate.
    pub gate: String,
    /// How its output was read.
    pub format: ToolFormat,
    /// The command as run (empty when a report was only read).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// `ok`, or `error` when it could not be trusted (the gate then fails closed).
    pub status: CheckStatus,
    /// The exit code, when the command ran to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// Wall-clock time in milliseconds.
    pub duration_ms: u64,
    /// How many findings it reported.
    pub findings: u64,
    /// Results beyond its `max_results`: counted, not kept, and the check is an error.
    #[serde(default, skip_serializing_if = "crate::is_zero")]
    pub truncated: u64,
    /// Why it is in error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The end of its standard output (when that is not the report).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stdout: String,
    /// The end of its standard error.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
}

/// Whether an external check's result can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// It ran and its output was read.
    Ok,
    /// It crashed, timed out, exited unexpectedly, or wrote nothing or something unreadable.
    Error,
}

/// Where a blocked verdict is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A generic webhook: agate's JSON, optionally signed with HMAC-SHA256.
    Webhook,
    /// A Slack-compatible incoming webhook (`{"text": …}`).
    Slack,
    /// A comment on the GitHub pull request (or an issue outside one).
    Github,
    /// A note on the GitLab merge request.
    Gitlab,
}

/// One configured notification of `notify.on_block`; secrets are named, never written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyTarget {
    /// Where to.
    pub channel: Channel,
    /// The URL (webhook, Slack), when it is not a secret.
    pub url: Option<String>,
    /// The environment variable holding the URL (a Slack webhook URL is a secret).
    pub url_env: Option<String>,
    /// The environment variable holding the HMAC key of a webhook.
    pub secret_env: Option<String>,
    /// The environment variable holding the API token (GitHub, GitLab).
    pub token_env: Option<String>,
    /// GitHub outside a pull request: open an issue instead.
    pub issue: bool,
}

/// The rules of coverage minimums not met: of new lines, and of AI-authored lines.
pub const COVERAGE_RULES: [&str; 2] = ["coverage/new-lines", "coverage/ai-lines"];

/// A gate's coverage thresholds, as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageSpec {
    /// The gate.
    pub gate: String,
    /// Coverage reports (Cobertura, LCOV, JaCoCo), relative to the scan root.
    pub reports: Vec<PathBuf>,
    /// The least share of new lines the tests must run, in percent.
    pub new_lines: Option<f64>,
    /// The least share of AI-authored lines the tests must run, in percent.
    pub ai_lines: Option<f64>,
}

/// Lines the tests ran, of those that count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LineRatio {
    /// Lines executed at least once.
    pub covered: u64,
    /// Instrumented lines that count.
    pub total: u64,
}

/// A gate's diff coverage: how much of the change the tests ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CoverageResult {
    /// The gate.
    pub gate: String,
    /// New lines (AI-authored ones included).
    pub new_lines: LineRatio,
    /// AI-authored lines.
    pub ai_lines: LineRatio,
    /// The minimum for new lines, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_lines_min: Option<f64>,
    /// The minimum for AI-authored lines, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_lines_min: Option<f64>,
}
