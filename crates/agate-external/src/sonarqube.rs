//! SonarQube's quality gate status (`GET /api/qualitygates/project_status`): each failed
//! condition of the gate is a finding.

use agate_model::{Confidence, Severity};
use serde_json::Value;

use crate::reported::Reported;
use crate::{Parsed, ReadError};

/// Where SonarQube is and how to log in.
#[derive(Debug, Clone)]
pub struct SonarServer {
    /// The server's base URL, e.g. `https://sonar.example.com`.
    pub url: String,
    /// A user or project analysis token.
    pub token: Option<String>,
}

/// Asks the server for the project's quality gate status and returns the JSON answer.
pub(crate) fn fetch(
    server: &SonarServer,
    project: &str,
    timeout: std::time::Duration,
) -> Result<String, String> {
    let url = format!(
        "{}/api/qualitygates/project_status?projectKey={}",
        server.url.trim_end_matches('/'),
        query_escape(project)
    );
    let agent = agate_http::agent(timeout, agate_http::Statuses::AsResponses);
    let mut request = agent.get(&url);
    if let Some(token) = &server.token {
        use base64::Engine as _;
        // A token is the user name of HTTP basic authentication, with no password.
        let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{token}:"));
        request = request.header("Authorization", &format!("Basic {credentials}"));
    }
    let mut response = request
        .call()
        .map_err(|error| format!("cannot reach SonarQube at {}: {error}", server.url))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_string()
        .map_err(|error| format!("cannot read SonarQube's answer: {error}"))?;
    match status {
        200 => Ok(body),
        401 | 403 => Err(format!(
            "SonarQube refused the request (HTTP {status}): set SONAR_TOKEN to a token that may browse project `{project}`"
        )),
        404 => Err(format!("SonarQube knows no project `{project}` (HTTP 404)")),
        _ => Err(format!(
            "SonarQube answered HTTP {status}: {}",
            crate::reported::one_line(&body)
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
