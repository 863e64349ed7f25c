//! SonarQube's quality gate: the status of this run's analysis, found through the scanner's
//! `report-task.txt` and the Compute Engine task it names (`GET /api/ce/task`), then
//! `GET /api/qualitygates/project_status?analysisId=…`; each failed condition of the gate
//! is a finding.
//!
//! Asking for the project's status by key alone judges the last analysis SonarQube
//! finished, which on a pull request is the main branch's (or an older push's): the check
//! waits for the task of this run instead, as the scanner's own `sonar.qualitygate.wait`
//! does, and fails closed when it cannot.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::Reported;
use crate::{Parsed, ReadError};

/// Where SonarQube is, how to log in, and what this run analyses.
#[derive(Debug, Clone)]
pub struct SonarServer {
    /// The server's base URL, e.g. `https://sonar.example.com`.
    pub url: String,
    /// A user or project analysis token.
    pub token: Option<String>,
    /// The branch or pull request of this run, as the CI system says; asked for when no
    /// scanner task pins the analysis.
    pub scope: SonarScope,
}

/// The branch or pull request a run analyses (the caller reads it from the CI system).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SonarScope {
    /// Nothing known: the project's main branch.
    #[default]
    MainBranch,
    /// A branch, by name.
    Branch(String),
    /// A pull (merge) request, by its id (`42`).
    PullRequest(String),
}

/// Where the scanner writes its task file unless `report_task` says otherwise (SonarScanner
/// CLI; Maven writes `target/sonar/report-task.txt`, Gradle `build/sonar/report-task.txt`).
pub(crate) const DEFAULT_REPORT_TASK: &str = ".scannerwork/report-task.txt";

/// The largest `report-task.txt` read: a handful of short lines.
const MAX_REPORT_TASK_BYTES: u64 = 64 * 1024;

/// The largest Compute Engine task answer read.
const MAX_TASK_ANSWER_BYTES: u64 = 1024 * 1024;

/// The largest quality gate status answer read.
const MAX_STATUS_ANSWER_BYTES: u64 = 16 * 1024 * 1024;

/// The longest pause between two questions about a task that is still running.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// How the check finds the analysis to judge.
#[derive(Debug)]
pub(crate) struct StatusQuery<'a> {
    /// The SonarQube project key.
    pub(crate) project: &'a str,
    /// The scanner's task file.
    pub(crate) task_file: &'a Path,
    /// Whether the task file must be there: the scanner just ran, or `report_task` names it.
    pub(crate) task_required: bool,
    /// When the scanner was started in this run: an older task file is stale.
    pub(crate) written_after: Option<SystemTime>,
    /// How long one request may take.
    pub(crate) request_timeout: Duration,
    /// How long to wait for the analysis task to finish.
    pub(crate) wait: Duration,
}

/// The quality gate status answer, and warnings about how it was found.
#[derive(Debug)]
pub(crate) struct Status {
    pub(crate) answer: String,
    pub(crate) warnings: Vec<String>,
}

/// Finds the analysis of this run and returns its quality gate status.
pub(crate) fn fetch(server: &SonarServer, query: &StatusQuery<'_>) -> Result<Status, String> {
    let client = Client::new(server, query.request_timeout);
    let task = match crate::run::read_report_file_within(
        query.task_file,
        query.written_after,
        MAX_REPORT_TASK_BYTES,
    ) {
        Ok(text) => ReportTask::parse(&text).map_err(|why| {
            format!(
                "cannot read the scanner's task file {}: {why}",
                query.task_file.display()
            )
        })?,
        Err(crate::run::ReportFileError::Missing) if !query.task_required => {
            let asked = client.project_status(query.project)?;
            return Ok(Status {
                answer: asked,
                warnings: vec![format!(
                    "no scanner task file at {}, so the last analysis SonarQube finished for {} was judged, which may not be this run's: run the scanner before agate in the same job (or as the check's `run`), or set `report_task` to where it writes the file",
                    query.task_file.display(),
                    scope_words(&server.scope)
                )],
            });
        }
        Err(error) => {
            return Err(format!(
                "cannot read the scanner's task file {}: {}; run the scanner before agate in the same job (or as the check's `run`), or set `report_task` to where it writes the file (Maven: `target/sonar/report-task.txt`, Gradle: `build/sonar/report-task.txt`)",
                query.task_file.display(),
                task_file_problem(&error)
            ));
        }
    };
    if let Some(key) = &task.project
        && key != query.project
    {
        return Err(format!(
            "the scanner's task file {} is for project `{key}`, not `{}`: set `project` to the key the scanner used",
            query.task_file.display(),
            query.project
        ));
    }
    let analysis = client.wait_for(&task.id, query.wait)?;
    Ok(Status {
        answer: client.analysis_status(&analysis)?,
        warnings: Vec::new(),
    })
}

/// Why the task file cannot be used.
fn task_file_problem(error: &crate::run::ReportFileError) -> String {
    use crate::run::ReportFileError;
    match error {
        ReportFileError::Missing => "there is no such file".to_owned(),
        ReportFileError::Folder => "it is a folder".to_owned(),
        ReportFileError::TooLarge => "it is too large for a task file".to_owned(),
        ReportFileError::Stale => {
            "it is older than this run, so it names an earlier analysis".to_owned()
        }
        ReportFileError::Unreadable(why) => why.clone(),
    }
}

/// `pull request 42`, `branch feature/x`, `the main branch`.
fn scope_words(scope: &SonarScope) -> String {
    match scope {
        SonarScope::MainBranch => "the main branch".to_owned(),
        SonarScope::Branch(branch) => format!("branch `{branch}`"),
        SonarScope::PullRequest(id) => format!("pull request `{id}`"),
    }
}

/// What the scanner's `report-task.txt` says (Java properties: `key=value`, `\:` escapes).
#[derive(Debug, PartialEq, Eq)]
struct ReportTask {
    /// `ceTaskId`: the Compute Engine task processing the analysis.
    id: String,
    /// `projectKey`, when written.
    project: Option<String>,
}

impl ReportTask {
    fn parse(text: &str) -> Result<ReportTask, String> {
        let mut id = None;
        let mut project = None;
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let Some((key, value)) = line.split_once(['=', ':']) else {
                continue;
            };
            match key.trim() {
                "ceTaskId" => id = Some(unescape(value.trim())),
                "projectKey" => project = Some(unescape(value.trim())),
                _ => {}
            }
        }
        let id = id.ok_or("it has no `ceTaskId`")?;
        // Task ids are SonarQube's own (`AYxR…`): anything else is not a task file.
        if id.is_empty()
            || id.len() > 100
            || !id
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || "-_".contains(character))
        {
            return Err(format!(
                "its `ceTaskId` is not a task id: `{}`",
                crate::reported::one_line(&id)
            ));
        }
        Ok(ReportTask { id, project })
    }
}

/// Undoes the escapes of a Java properties value (`http\://host`).
fn unescape(value: &str) -> String {
    let mut unescaped = String::with_capacity(value.len());
    let mut characters = value.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            unescaped.push(character);
            continue;
        }
        match characters.next() {
            Some('t') => unescaped.push('\t'),
            Some('n') => unescaped.push('\n'),
            Some('r') => unescaped.push('\r'),
            Some('u') => {
                let code: String = characters.by_ref().take(4).collect();
                if let Some(decoded) = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32)
                {
                    unescaped.push(decoded);
                }
            }
            Some(other) => unescaped.push(other),
            None => {}
        }
    }
    unescaped
}

/// SonarQube's web API, as this run may use it.
struct Client<'a> {
    server: &'a SonarServer,
    agent: agate_http::Agent,
}

impl<'a> Client<'a> {
    fn new(server: &'a SonarServer, timeout: Duration) -> Client<'a> {
        Client {
            server,
            agent: agate_http::agent(timeout, agate_http::Statuses::AsResponses),
        }
    }

    /// `GET path` on the server; the status and at most `limit` bytes of the answer.
    fn get(&self, path: &str, limit: u64) -> Result<(u16, String), String> {
        let url = format!("{}{path}", self.server.url.trim_end_matches('/'));
        let mut request = self.agent.get(&url);
        if let Some(token) = &self.server.token {
            use base64::Engine as _;
            // A token is the user name of HTTP basic authentication, with no password.
            let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{token}:"));
            request = request.header("Authorization", &format!("Basic {credentials}"));
        }
        let mut response = request
            .call()
            .map_err(|error| format!("cannot reach SonarQube at {}: {error}", self.server.url))?;
        let status = response.status().as_u16();
        let body = agate_http::read_text(response.body_mut(), limit)
            .map_err(|error| format!("cannot read SonarQube's answer: {error}"))?;
        Ok((status, body))
    }

    /// The last finished analysis of the project, on the run's branch or pull request.
    fn project_status(&self, project: &str) -> Result<String, String> {
        let scope = match &self.server.scope {
            SonarScope::MainBranch => String::new(),
            SonarScope::Branch(branch) => format!("&branch={}", query_escape(branch)),
            SonarScope::PullRequest(id) => format!("&pullRequest={}", query_escape(id)),
        };
        let path = format!(
            "/api/qualitygates/project_status?projectKey={}{scope}",
            query_escape(project)
        );
        let (status, body) = self.get(&path, MAX_STATUS_ANSWER_BYTES)?;
        match status {
            200 => Ok(body),
            404 => Err(format!(
                "SonarQube knows no project `{project}` with an analysis of {} (HTTP 404)",
                scope_words(&self.server.scope)
            )),
            _ => Err(refused(status, &body, &format!("project `{project}`"))),
        }
    }

    /// The quality gate status of one analysis.
    fn analysis_status(&self, analysis: &str) -> Result<String, String> {
        let path = format!(
            "/api/qualitygates/project_status?analysisId={}",
            query_escape(analysis)
        );
        let (status, body) = self.get(&path, MAX_STATUS_ANSWER_BYTES)?;
        match status {
            200 => Ok(body),
            404 => Err(format!(
                "SonarQube knows no analysis `{analysis}` (HTTP 404)"
            )),
            _ => Err(refused(status, &body, "the project")),
        }
    }

    /// Asks about the task until it is done, at most `wait`; returns its analysis id.
    fn wait_for(&self, task: &str, wait: Duration) -> Result<String, String> {
        let deadline = Instant::now() + wait;
        let path = format!("/api/ce/task?id={}", query_escape(task));
        let mut pause = Duration::from_millis(500);
        loop {
            let (status, body) = self.get(&path, MAX_TASK_ANSWER_BYTES)?;
            match status {
                200 => {}
                404 => {
                    return Err(format!(
                        "SonarQube knows no analysis task `{task}` (HTTP 404): did the scanner send its report to {}?",
                        self.server.url
                    ));
                }
                _ => return Err(refused(status, &body, "the project")),
            }
            match task_state(&body)? {
                TaskState::Done(analysis) => return Ok(analysis),
                TaskState::Running(state) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(format!(
                            "SonarQube's analysis task `{task}` did not finish within {} s (still {state}): raise the check's `timeout`, or see the task in SonarQube's background tasks",
                            wait.as_secs()
                        ));
                    }
                    std::thread::sleep(pause.min(deadline - now));
                    pause = (pause * 2).min(MAX_POLL_INTERVAL);
                }
            }
        }
    }
}

/// Why an answer other than 200 or 404 is an error.
fn refused(status: u16, body: &str, what: &str) -> String {
    match status {
        401 | 403 => format!(
            "SonarQube refused the request (HTTP {status}): set SONAR_TOKEN to a token that may browse {what}"
        ),
        _ => format!(
            "SonarQube answered HTTP {status}: {}",
            crate::reported::one_line(body)
        ),
    }
}

/// Where a Compute Engine task is.
#[derive(Debug, PartialEq, Eq)]
enum TaskState {
    /// `PENDING` or `IN_PROGRESS`.
    Running(String),
    /// `SUCCESS`, with the id of the analysis it made.
    Done(String),
}

/// Reads an `api/ce/task` answer: `{"task": {"status": "SUCCESS", "analysisId": "…"}}`.
fn task_state(text: &str) -> Result<TaskState, String> {
    let answer: Value = serde_json::from_str(text)
        .map_err(|error| ReadError::json("SonarQube task", &error).to_string())?;
    let task = answer
        .get("task")
        .ok_or("SonarQube's task answer has no `task`")?;
    let status = task
        .get("status")
        .and_then(Value::as_str)
        .ok_or("SonarQube's task answer has no `task.status`")?;
    match status {
        "PENDING" | "IN_PROGRESS" => Ok(TaskState::Running(status.to_owned())),
        "SUCCESS" => task
            .get("analysisId")
            .and_then(Value::as_str)
            .filter(|analysis| !analysis.is_empty())
            .map(|analysis| TaskState::Done(analysis.to_owned()))
            .ok_or_else(|| {
                "SonarQube's analysis task succeeded but names no `analysisId`".to_owned()
            }),
        "FAILED" | "CANCELED" => {
            let why = task
                .get("errorMessage")
                .and_then(Value::as_str)
                .map(|message| format!(": {}", crate::reported::one_line(message)))
                .unwrap_or_default();
            Err(format!(
                "SonarQube's analysis task ended {status}{why}, so there is no quality gate result for this run; see the task in SonarQube's background tasks"
            ))
        }
        other => Err(format!(
            "SonarQube's analysis task is in an unknown state `{}`",
            crate::reported::one_line(other)
        )),
    }
}

/// Reads a quality gate status answer.
pub(crate) fn read(text: &str) -> Result<Parsed, ReadError> {
    let answer: Value =
        serde_json::from_str(text).map_err(|error| ReadError::json("SonarQube", &error))?;
    let status = answer
        .pointer("/projectStatus/status")
        .and_then(Value::as_str)
        .ok_or_else(|| ReadError::shape("SonarQube", "no `projectStatus.status`"))?;
    let mut parsed = Parsed::default();
    if status == "NONE" {
        parsed.failures.push(
            "the project has no quality gate result: has its analysis run and finished?".to_owned(),
        );
        return Ok(parsed);
    }
    for condition in answer
        .pointer("/projectStatus/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |key: &str| {
            condition
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        let severity = match text("status") {
            "ERROR" => Severity::High,
            "WARN" => Severity::Medium,
            _ => continue,
        };
        let comparator = match text("comparator") {
            "LT" => "at least",
            "GT" => "at most",
            "EQ" => "not",
            "NE" => "exactly",
            other => other,
        };
        let metric = text("metricKey");
        parsed.reported.push(Reported {
            rule: metric.to_owned(),
            title: format!("quality gate condition on {metric}"),
            help: "https://docs.sonarsource.com/sonarqube-server/latest/instance-administration/analysis-functions/quality-gates/".to_owned(),
            message: format!(
                "SonarQube quality gate: {metric} is {} but must be {comparator} {}",
                text("actualValue"),
                text("errorThreshold")
            ),
            severity,
            confidence: Confidence::High,
            ..Reported::default()
        });
    }
    if status == "ERROR" && parsed.reported.is_empty() {
        parsed.reported.push(Reported {
            rule: "quality-gate".to_owned(),
            title: "quality gate failed".to_owned(),
            message: "SonarQube's quality gate failed".to_owned(),
            severity: Severity::High,
            confidence: Confidence::High,
            ..Reported::default()
        });
    }
    Ok(parsed)
}

/// Escapes a query parameter value.
fn query_escape(value: &str) -> String {
    use std::fmt::Write as _;
    value.bytes().fold(String::new(), |mut escaped, byte| {
        if byte.is_ascii_alphanumeric() || b"-_.~:".contains(&byte) {
            escaped.push(char::from(byte));
        } else {
            let _ = write!(escaped, "%{byte:02X}");
        }
        escaped
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Any text: the parser never panics, and an id it accepts is safe to put in a URL.
        #[test]
        fn issue_8_any_report_task_text_parses_or_is_refused(text in "\\PC{0,200}|(ceTaskId|projectKey)[=:][ -~\\\\u]{0,40}\n?") {
            if let Ok(task) = ReportTask::parse(&text) {
                proptest::prop_assert!(!task.id.is_empty() && task.id.len() <= 100);
                proptest::prop_assert!(task.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            }
        }
    }

    #[test]
    fn issue_8_report_task_files_are_read_as_java_properties() {
        let task = ReportTask::parse(
            "# written by the scanner\nprojectKey=acme\\:shop\nserverUrl=http\\://sonar\\:9000\nceTaskId=AYxR-12_z\n",
        )
        .unwrap();
        assert_eq!(
            task,
            ReportTask {
                id: "AYxR-12_z".to_owned(),
                project: Some("acme:shop".to_owned()),
            }
        );
        assert_eq!(unescape("caf\\u00e9\\\\x"), "café\\x");
        assert!(ReportTask::parse("ceTaskId=../api/x").is_err());
        assert!(ReportTask::parse("projectKey=a").is_err());
    }

    #[test]
    fn issue_8_task_states() {
        assert_eq!(
            task_state(r#"{"task":{"status":"IN_PROGRESS"}}"#),
            Ok(TaskState::Running("IN_PROGRESS".to_owned()))
        );
        assert_eq!(
            task_state(r#"{"task":{"status":"SUCCESS","analysisId":"AX1"}}"#),
            Ok(TaskState::Done("AX1".to_owned()))
        );
        assert!(task_state(r#"{"task":{"status":"SUCCESS"}}"#).is_err());
        assert!(task_state(r#"{"task":{"status":"FAILED"}}"#).is_err());
        assert!(task_state(r#"{"task":{"status":"LOST"}}"#).is_err());
        assert!(task_state("{}").is_err());
    }
}
