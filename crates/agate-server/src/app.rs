//! The HTTP API: authentication by token, uploads, and what a caller may read.

use std::sync::Arc;
use std::time::Instant;

use agate_model::{REPORT_SCHEMA_VERSION, Report};
use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

use crate::limit::RateLimiter;
use crate::store::{Caller, FindingFilter, RunFilter, Store, StoreError, Upload, json_name};
use agate_attest::{Envelope, GatePredicate, Statement};

/// How the server treats uploads.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The largest report accepted, in bytes (larger: 413).
    pub max_upload_bytes: usize,
    /// Uploads per token per minute, per server instance (more: 429).
    pub uploads_per_minute: u32,
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            max_upload_bytes: 32 * 1024 * 1024,
            uploads_per_minute: 60,
        }
    }
}

/// Something the server says about a request: the CLI writes it as one JSON line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogLine {
    /// `info`, `warn` or `error`.
    pub level: &'static str,
    /// What happened, e.g. `upload`.
    pub event: &'static str,
    /// The team of the caller, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Details, e.g. the repository and the run.
    pub message: String,
}

/// Passes every uploaded report through the secret scanner's redaction before it is
/// stored, and writes log lines: both are the caller's (the CLI's) to provide.
pub struct Hooks {
    /// Hides secrets in a report's texts.
    pub redact: Box<dyn Fn(&mut Report) + Send + Sync>,
    /// Writes one log line.
    pub log: Box<dyn Fn(&LogLine) + Send + Sync>,
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) store: Store,
    options: Arc<ServerOptions>,
    limiter: Arc<RateLimiter>,
    hooks: Arc<Hooks>,
}

/// The server's routes over `store`.
pub fn router(store: Store, options: ServerOptions, hooks: Hooks) -> Router {
    let limit = options.max_upload_bytes;
    let state = AppState {
        store,
        limiter: Arc::new(RateLimiter::new(options.uploads_per_minute)),
        options: Arc::new(options),
        hooks: Arc::new(hooks),
    };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/", get(crate::dashboard::overview))
        .route("/runs/{id}", get(crate::dashboard::run_page))
        .route(
            "/login",
            get(crate::dashboard::login_form).post(crate::dashboard::login),
        )
        .route("/logout", post(crate::dashboard::logout))
        .route("/api/v1/runs", post(upload).get(runs))
        .route("/api/v1/runs/{id}", get(run_report))
        .route("/api/v1/findings", get(findings))
        .route("/api/v1/gates", get(gates))
        .route(
            "/api/v1/attestations",
            post(put_attestation).get(attestations),
        )
        .route("/api/v1/repositories/{name}", put(assign))
        .route("/api/v1/policies/{org}/{name}/{version}", get(policy))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok" }))).into_response(),
        Err(error) => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response()
        }
    }
}

/// An error answer: `{"error": …, "help": …}` with its status.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    error: String,
    help: Option<&'static str>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            help: None,
            retry_after: None,
        }
    }

    fn help(mut self, help: &'static str) -> ApiError {
        self.help = Some(help);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({ "error": self.error, "help": self.help })),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::PolicyExists { .. } => {
                ApiError::new(StatusCode::CONFLICT, error.to_string())
            }
            StoreError::NotYours { .. } => ApiError::new(StatusCode::FORBIDDEN, error.to_string())
                .help("an admin assigns repositories to teams"),
            error => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        }
    }
}

/// The caller of a request, from `Authorization: Bearer TOKEN`, with the token's hash.
struct Authenticated {
    caller: Caller,
    token: String,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let unauthorized = || {
            ApiError::new(StatusCode::UNAUTHORIZED, "a valid token is required").help(
                "send `Authorization: Bearer` and the token; `agate server token create` makes one",
            )
        };
        let token = bearer(&parts.headers).ok_or_else(unauthorized)?;
        let caller = state.store.caller(&token).await?.ok_or_else(unauthorized)?;
        Ok(Authenticated { caller, token })
    }
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// `POST /api/v1/runs`: stores a gate's JSON report.
async fn upload(
    State(state): State<AppState>,
    auth: Authenticated,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the report is larger than the server's limit of {} bytes",
                state.options.max_upload_bytes
            )
        } else {
            rejection.body_text()
        };
        ApiError::new(status, message)
            .help("upload the JSON report of one run; an operator raises the limit with `agate server --max-upload`")
    })?;
    rate_limit(&state, &auth)?;
    let mut report = parse_report(&body)?;
    (state.hooks.redact)(&mut report);
    let unprocessable = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    let run = report.run.clone().ok_or_else(|| {
        unprocessable("the report has no `run`: upload a report of `agate gate`".to_owned())
    })?;
    check_repository(&run.repository)?;
    let verdict = report.verdict.clone().ok_or_else(|| {
        unprocessable("the report has no verdict: upload a report of `agate gate`".to_owned())
    })?;
    let json = serde_json::to_string(&report)
        .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    // Once the organisation publishes its policy, a run must extend one of its versions.
    let published = state.store.policy_digests().await?;
    let org_policy = published.is_empty()
        || run
            .policy_layers
            .iter()
            .any(|layer| published.contains(&layer.digest));
    let uploaded = state
        .store
        .upload(
            &auth.caller,
            &Upload {
                report: &report,
                run: &run,
                verdict: &verdict,
                json: &json,
                org_policy,
            },
        )
        .await?;
    (state.hooks.log)(&LogLine {
        level: if org_policy { "info" } else { "warn" },
        event: "upload",
        team: Some(auth.caller.team.clone()),
        message: format!(
            "run {} of `{}` at {} ({}){}{}",
            uploaded.id,
            run.repository,
            run.commit.as_deref().unwrap_or("no commit"),
            verdict.environment,
            if uploaded.created {
                ""
            } else {
                ", already stored"
            },
            if org_policy {
                ""
            } else {
                ", does not extend the organisation's policy"
            },
        ),
    });
    let status = if uploaded.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({ "id": uploaded.id, "created": uploaded.created, "org_policy": org_policy })),
    )
        .into_response())
}

/// A 429 with `Retry-After` once `auth`'s token has uploaded (reports and attestations
/// alike) more than `--uploads-per-minute`.
fn rate_limit(state: &AppState, auth: &Authenticated) -> Result<(), ApiError> {
    state
        .limiter
        .take(&auth.token, Instant::now())
        .map_err(|wait| {
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "more than {} uploads a minute",
                    state.options.uploads_per_minute
                ),
            );
            error.retry_after = Some(wait.as_secs().max(1));
            error
        })
}

/// A JSON body, or a JSON error that says what is wrong with it (400 or 422).
fn json_body<T>(body: Result<Json<T>, JsonRejection>, help: &'static str) -> Result<T, ApiError> {
    body.map(|Json(value)| value)
        .map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()).help(help))
}

/// Only an upload's version: the rest of the body is checked, not kept (a report of 32 MiB
/// as a `serde_json::Value` would take ten times that again).
#[derive(serde::Deserialize)]
struct Versioned {
    schema_version: Option<serde_json::Value>,
}

/// The longest repository name stored (GitHub's `owner/name` is at most 140 characters;
/// GitLab's nested groups go further).
const MAX_REPOSITORY_CHARS: usize = 512;

/// A repository name the server stores and shows: not blank, no surrounding spaces (which
/// would make `app ` a look-alike of `app`), no control characters, bounded.
fn check_repository(name: &str) -> Result<(), ApiError> {
    let problem = if name.trim().is_empty() {
        Some("is empty")
    } else if name.trim() != name {
        Some("has spaces around it")
    } else if name.chars().any(char::is_control) {
        Some("holds a control character")
    } else if name.chars().count() > MAX_REPOSITORY_CHARS {
        Some("is longer than 512 characters")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the repository name {problem}"),
        )
        .help("the repository is the CI's `owner/name` (`run.repository` in the report)")),
    }
}

/// A query string, or a JSON 400 that says which parameter is wrong.
fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query.map(|Query(value)| value).map_err(|rejection| {
        ApiError::new(rejection.status(), rejection.body_text())
            .help("the parameters this endpoint takes are in docs/server-api.yaml")
    })
}

/// An uploaded body as a report of this schema version; what else it is, in a 400 or 422.
fn parse_report(body: &[u8]) -> Result<Report, ApiError> {
    let unprocessable = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    let version = match serde_json::from_slice::<Versioned>(body) {
        Ok(versioned) => versioned
            .schema_version
            .as_ref()
            .and_then(serde_json::Value::as_u64),
        // JSON, but not an object with a version.
        Err(error) if error.is_data() => None,
        Err(error) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("not JSON: {error}"),
            ));
        }
    };
    if version != Some(u64::from(REPORT_SCHEMA_VERSION)) {
        return Err(unprocessable(format!(
            "not an agate report of schema version {REPORT_SCHEMA_VERSION}"
        ))
        .help(
            "upload the report of `agate gate --format json` from an agate of the server's version",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|error| unprocessable(format!("not an agate report: {error}")))
}

/// `GET /api/v1/runs`: the caller's runs (an admin's: everyone's), newest first.
async fn runs(
    State(state): State<AppState>,
    auth: Authenticated,
    filter: Result<Query<RunFilter>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = query(filter)?;
    let runs = state.store.runs(&auth.caller, &filter).await?;
    Ok(Json(json!({ "runs": runs })).into_response())
}

/// `GET /api/v1/runs/{id}`: one run's report, as stored.
async fn run_report(
    State(state): State<AppState>,
    auth: Authenticated,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(|rejection| {
        ApiError::new(rejection.status(), rejection.body_text())
            .help("a run's id is the number the upload answered")
    })?;
    let report = state
        .store
        .report(&auth.caller, id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no run {id}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        report,
    )
        .into_response())
}

/// `GET /api/v1/findings`: findings of the caller's runs, filtered.
async fn findings(
    State(state): State<AppState>,
    auth: Authenticated,
    filter: Result<Query<FindingFilter>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = query(filter)?;
    let findings = state.store.findings(&auth.caller, &filter).await?;
    Ok(Json(json!({ "findings": findings })).into_response())
}

/// `GET /api/v1/gates`: each gate's outcome per run, newest first: gates over time.
async fn gates(
    State(state): State<AppState>,
    auth: Authenticated,
    filter: Result<Query<RunFilter>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = query(filter)?;
    let gates = state.store.gates(&auth.caller, &filter).await?;
    Ok(Json(json!({ "gates": gates })).into_response())
}

/// The body of `PUT /api/v1/repositories/{name}`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Assignment {
    team: String,
}

/// `PUT /api/v1/repositories/{name}`: an admin assigns a repository to a team.
async fn assign(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
    assignment: Result<Json<Assignment>, JsonRejection>,
) -> Result<Response, ApiError> {
    let assignment = json_body(assignment, "send `{\"team\": \"NAME\"}`")?;
    check_repository(&name)?;
    if !auth.caller.admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "only an admin token assigns repositories",
        ));
    }
    if !state.store.assign(&name, &assignment.team).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no team `{}`", assignment.team),
        )
        .help("`agate server token create --team NAME` creates a team"));
    }
    (state.hooks.log)(&LogLine {
        level: "info",
        event: "assign",
        team: Some(auth.caller.team.clone()),
        message: format!("repository `{name}` assigned to team `{}`", assignment.team),
    });
    Ok(Json(json!({ "repository": name, "team": assignment.team })).into_response())
}

/// `POST /api/v1/attestations`: stores a signed gate attestation (a DSSE envelope). The
/// server keeps it as uploaded; whoever relies on it verifies the signature with the
/// public key (`agate attest verify`), so the server need not be trusted.
async fn put_attestation(
    State(state): State<AppState>,
    auth: Authenticated,
    envelope: Result<Json<Envelope>, JsonRejection>,
) -> Result<Response, ApiError> {
    use base64::Engine as _;
    rate_limit(&state, &auth)?;
    let envelope = json_body(envelope, "upload the file `agate gate --attest` wrote")?;
    let unprocessable = |message: String| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
            .help("upload the file `agate gate --attest` wrote")
    };
    let payload = base64::engine::general_purpose::STANDARD
        .decode(&envelope.payload)
        .map_err(|error| unprocessable(format!("payload is not base64: {error}")))?;
    let statement: Statement<GatePredicate> = serde_json::from_slice(&payload)
        .map_err(|error| unprocessable(format!("not a gate attestation: {error}")))?;
    let commit = agate_attest::commit_of(&statement)
        .ok_or_else(|| unprocessable("the statement names no commit".to_owned()))?
        .to_owned();
    let json = serde_json::to_string(&envelope)
        .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    let predicate = &statement.predicate;
    check_repository(&predicate.repository)?;
    state
        .store
        .put_attestation(
            &auth.caller,
            &predicate.repository,
            &commit,
            &predicate.environment,
            &json,
        )
        .await?;
    (state.hooks.log)(&LogLine {
        level: "info",
        event: "attestation",
        team: Some(auth.caller.team.clone()),
        message: format!(
            "`{}` at {commit} in {}: {}",
            predicate.repository,
            predicate.environment,
            json_name(&predicate.verdict)
        ),
    });
    Ok((
        StatusCode::CREATED,
        Json(json!({ "commit": commit, "environment": predicate.environment })),
    )
        .into_response())
}

/// Which attestations `GET /api/v1/attestations` returns.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AttestationQuery {
    commit: String,
    #[serde(default)]
    repository: String,
    #[serde(default)]
    environment: String,
}

/// `GET /api/v1/attestations?commit=…`: the envelopes of a commit.
async fn attestations(
    State(state): State<AppState>,
    auth: Authenticated,
    attestation_query: Result<Query<AttestationQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = query(attestation_query)?;
    let found = state
        .store
        .attestations(
            &auth.caller,
            &query.commit,
            &query.repository,
            &query.environment,
        )
        .await?;
    Ok(Json(json!({ "attestations": found })).into_response())
}

/// `GET /api/v1/policies/{org}/{name}/{version}`: a published policy's YAML, for
/// `extends: agate+https://SERVER/ORG/NAME@VERSION`; any team's token reads it.
async fn policy(
    State(state): State<AppState>,
    _auth: Authenticated,
    Path((org, name, version)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let full = format!("{org}/{name}");
    let (text, digest) = state.store.policy(&full, &version).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no policy `{full}@{version}`"),
        )
        .help("an operator publishes one with `agate server policy publish`")
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/yaml"),
            ),
            (
                header::ETAG,
                HeaderValue::from_str(&format!("\"{digest}\""))
                    .unwrap_or(HeaderValue::from_static("")),
            ),
        ],
        text,
    )
        .into_response())
}
