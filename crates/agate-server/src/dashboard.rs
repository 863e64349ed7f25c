//! The dashboard: server-rendered HTML (maud escapes every value), no external assets, the
//! same tokens as the API — in the `Authorization` header, or through a login form that
//! opens a session (an `HttpOnly`, `Secure`, `SameSite=Strict` cookie) with a CSRF secret
//! every form carries.

use axum::Form;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};

use crate::app::AppState;
use crate::stats::Scope;
use crate::store::{Caller, FindingFilter, RunFilter, json_name, random_hex};

/// The session cookie.
const SESSION: &str = "agate_session";

/// The cookie that pairs a login form with its submission.
const LOGIN: &str = "agate_login";

/// How long a session lasts: a working day.
const SESSION_SECONDS: i64 = 8 * 3600;

/// Who is looking, and the CSRF secret of their session (none for a bearer token, which
/// a browser never sends on its own).
pub(crate) struct Viewer {
    caller: Caller,
    csrf: Option<String>,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || Redirect::to("/login").into_response();
        if let Some(token) = crate::app::bearer(&parts.headers) {
            return match state.store.caller(&token).await {
                Ok(Some(caller)) => Ok(Viewer { caller, csrf: None }),
                _ => Err(StatusCode::UNAUTHORIZED.into_response()),
            };
        }
        let Some(id) = cookie(&parts.headers, SESSION) else {
            return Err(to_login());
        };
        match state.store.session(&id).await {
            Ok(Some((caller, csrf))) => Ok(Viewer {
                caller,
                csrf: Some(csrf),
            }),
            Ok(None) => Err(to_login()),
            Err(error) => Err(page_error(
                StatusCode::SERVICE_UNAVAILABLE,
                &error.to_string(),
            )),
        }
    }
}

/// A cookie's value from the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name && !value.is_empty()).then(|| value.to_owned())
        })
}

/// Headers every page carries: nothing loads from elsewhere, nothing frames it, nothing is
/// cached.
fn page(status: StatusCode, body: Markup) -> Response {
    let mut response = (status, axum::response::Html(body.into_string())).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn page_error(status: StatusCode, message: &str) -> Response {
    page(
        status,
        layout("error", None, &html! { p.error { (message) } }),
    )
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d1d1f}\
header{background:#20323f;color:#fff;padding:.6em 1.2em;display:flex;gap:1em;align-items:center}\
header a{color:#fff}main{padding:1em 1.2em}table{border-collapse:collapse;margin:.5em 0 1.5em}\
td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}th{background:#f3f3f3}\
.pass{color:#1a7f37}.blocked,.fail{color:#c62828}.error,.warn{color:#b26a00}\
form.inline{display:inline}section{margin-bottom:1.5em}code{font-size:13px}";

fn layout(title: &str, viewer: Option<&Viewer>, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "agate — " (title) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    strong { a href="/" { "agate" } }
                    @if let Some(viewer) = viewer {
                        span { "team " (viewer.caller.team) @if viewer.caller.admin { " (admin)" } }
                        @if let Some(csrf) = &viewer.csrf {
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(csrf);
                                button { "Log out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// `GET /login`.
pub(crate) async fn login_form() -> Response {
    let Ok(nonce) = random_hex() else {
        return page_error(StatusCode::SERVICE_UNAVAILABLE, "no random source");
    };
    let mut response = page(
        StatusCode::OK,
        layout(
            "log in",
            None,
            &html! {
                h1 { "Log in" }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(nonce);
                    label { "Token " input type="password" name="token" autocomplete="off" required; }
                    " "
                    button { "Log in" }
                }
                p { "Use a token from " code { "agate server token create" } "." }
            },
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{LOGIN}={nonce}; HttpOnly; Secure; SameSite=Strict; Path=/login; Max-Age=600"
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The login form's fields.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct LoginForm {
    token: String,
    csrf: String,
}

/// `POST /login`: a valid token opens a session.
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if cookie(&headers, LOGIN).as_deref() != Some(form.csrf.as_str()) {
        return page_error(
            StatusCode::FORBIDDEN,
            "the login form expired; open it again",
        );
    }
    match state
        .store
        .open_session(form.token.trim(), SESSION_SECONDS)
        .await
    {
        Ok(Some((id, _))) => {
            let mut response = Redirect::to("/").into_response();
            let cookies = [
                format!(
                    "{SESSION}={id}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}"
                ),
                format!("{LOGIN}=; HttpOnly; Secure; SameSite=Strict; Path=/login; Max-Age=0"),
            ];
            for value in cookies {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Ok(None) => page_error(StatusCode::UNAUTHORIZED, "unknown token"),
        Err(error) => page_error(StatusCode::SERVICE_UNAVAILABLE, &error.to_string()),
    }
}

/// The logout form's field.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct LogoutForm {
    csrf: String,
}

/// `POST /logout`: ends the session, when the form carries its CSRF secret.
pub(crate) async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if viewer.csrf.as_deref() != Some(form.csrf.as_str()) {
        return page_error(
            StatusCode::FORBIDDEN,
            "the form's CSRF secret does not match the session",
        );
    }
    if let Some(id) = cookie(&headers, SESSION) {
        let _ = state.store.close_session(&id).await;
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{SESSION}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0"
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `GET /`: pass rates, AI share, findings by model, noisy rules, expiring acceptances and
/// recent runs, for the caller's teams.
pub(crate) async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(scope): Query<Scope>,
) -> Response {
    let store = &state.store;
    let caller = &viewer.caller;
    let loaded = async {
        Ok::<_, crate::StoreError>((
            store.pass_rate_by_day(caller, &scope, 30).await?,
            store.pass_rate_by_group(caller, &scope, 30).await?,
            store.ai_share(caller, &scope, 30).await?,
            store.findings_by_model(caller, &scope).await?,
            store.noisiest_rules(caller, &scope).await?,
            store.expiring(caller, &scope, 30).await?,
            store
                .runs(
                    caller,
                    &RunFilter {
                        repository: scope.repository.clone(),
                        environment: scope.environment.clone(),
                        team: scope.team.clone(),
                        limit: Some(50),
                    },
                )
                .await?,
        ))
    }
    .await;
    let (days, groups, share, models, noisy, expiring, runs) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return page_error(StatusCode::SERVICE_UNAVAILABLE, &error.to_string()),
    };
    let body = html! {
        h1 { "Gates" }
        form method="get" action="/" {
            label { "Team " input name="team" value=(scope.team); }
            " " label { "Repository " input name="repository" value=(scope.repository); }
            " " label { "Environment " input name="environment" value=(scope.environment); }
            " " button { "Filter" }
        }
        (pass_rates(&days, &groups))
        (ai_code(&share, &models))
        (noise(&noisy, &expiring))
        (recent(&runs))
    };
    page(StatusCode::OK, layout("gates", Some(&viewer), &body))
}

fn pass_rates(
    days: &[crate::stats::PassRate],
    groups: &[(String, String, String, crate::stats::PassRate)],
) -> Markup {
    html! {
        section {
            h2 { "Pass rate, last 30 days" }
            (chart(days))
            table {
                tr { th { "Team" } th { "Repository" } th { "Environment" } th { "Runs" } th { "Pass rate" } }
                @for (team, repository, environment, rate) in groups {
                    tr {
                        td { (team) } td { (repository) } td { (environment) }
                        td { (rate.runs) } td { (percent(rate.passed, rate.runs)) }
                    }
                }
            }
        }
    }
}

fn ai_code(share: &crate::stats::AiShare, models: &[crate::stats::ModelFindings]) -> Markup {
    html! {
        section {
            h2 { "AI-authored code, last 30 days" }
            p {
                "AI-authored lines: " strong { (percent(share.lines_ai, share.lines)) }
                " of " (share.lines) " changed lines; findings on AI-authored lines: "
                strong { (percent(share.findings_ai, share.findings)) } " of " (share.findings) "."
            }
            table {
                tr { th { "AI tool" } th { "Model" } th { "Findings" } th { "Open" } }
                @for model in models {
                    tr { td { (model.tool) } td { (model.model) } td { (model.findings) } td { (model.open) } }
                }
            }
        }
    }
}

fn noise(noisy: &[crate::stats::RuleNoise], expiring: &[crate::stats::Expiring]) -> Markup {
    html! {
        section {
            h2 { "Noisiest rules" }
            p { "Findings of each repository's latest run per environment, and how many were triaged as false positives." }
            table {
                tr { th { "Rule" } th { "Findings" } th { "False positives" } th { "Rate" } }
                @for rule in noisy {
                    tr {
                        td { code { (rule.rule_id) } } td { (rule.findings) }
                        td { (rule.false_positives) } td { (percent(rule.false_positives, rule.findings)) }
                    }
                }
            }
        }
        section {
            h2 { "Risk acceptances ending within 30 days" }
            table {
                tr { th { "Until" } th { "Repository" } th { "Rule" } th { "File" } }
                @for item in expiring {
                    tr { td { (item.until) } td { (item.repository) } td { code { (item.rule_id) } } td { (item.path) } }
                }
            }
        }
    }
}

fn recent(runs: &[crate::RunSummary]) -> Markup {
    html! {
        section {
            h2 { "Recent runs" }
            table {
                tr { th { "Run" } th { "Repository" } th { "Commit" } th { "Environment" } th { "Verdict" } th { "Findings" } th { "Policy" } }
                @for run in runs {
                    tr {
                        td { a href={ "/runs/" (run.id) } { (run.id) } }
                        td { (run.repository) }
                        td { code { (run.commit.chars().take(12).collect::<String>()) } }
                        td { (run.environment) }
                        td class=(run.verdict) { (run.verdict) }
                        td { (run.findings) " (" (run.findings_ai) " on AI lines)" }
                        td { @if run.org_policy { "org" } @else { span.warn { "does not extend the org policy" } } }
                    }
                }
            }
        }
    }
}

/// `GET /runs/{id}`: one run's gates and findings, filtered.
pub(crate) async fn run_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(mut filter): Query<FindingFilter>,
) -> Response {
    filter.run = Some(id);
    let report = match state.store.report(&viewer.caller, id).await {
        Ok(Some(report)) => report,
        Ok(None) => return page_error(StatusCode::NOT_FOUND, &format!("no run {id}")),
        Err(error @ crate::StoreError::NotYours { .. }) => {
            return page_error(StatusCode::FORBIDDEN, &error.to_string());
        }
        Err(error) => return page_error(StatusCode::SERVICE_UNAVAILABLE, &error.to_string()),
    };
    let report: agate_model::Report = match serde_json::from_str(&report) {
        Ok(report) => report,
        Err(error) => return page_error(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    };
    let findings = match state.store.findings(&viewer.caller, &filter).await {
        Ok(findings) => findings,
        Err(error) => return page_error(StatusCode::SERVICE_UNAVAILABLE, &error.to_string()),
    };
    let run = report.run.as_ref();
    let body = html! {
        h1 { "Run " (id) }
        @if let Some(run) = run {
            p {
                (run.repository) " at " code { (run.commit.as_deref().unwrap_or("no commit")) }
                ", CI run " (run.run_id) ", " (run.started_at)
            }
        }
        @if let Some(verdict) = &report.verdict {
            @let status = json_name(&verdict.status);
            p { "Environment " (verdict.environment) ": " strong class=(status) { (status) } }
            table {
                tr { th { "Gate" } th { "Mode" } th { "Status" } th { "Why" } }
                @for gate in &verdict.gates {
                    tr {
                        td { (gate.name) }
                        td { (json_name(&gate.mode)) }
                        td class=(json_name(&gate.status)) { (json_name(&gate.status)) }
                        td { @for reason in &gate.reasons { (reason) br; } }
                    }
                }
            }
        }
        h2 { "Findings" }
        form method="get" action={ "/runs/" (id) } {
            label { "Rule " input name="rule" value=(filter.rule); }
            " " label { "Severity " input name="severity" value=(filter.severity); }
            " " label { "Status " input name="status" value=(filter.status); }
            " " label { "Tier " input name="tier" value=(filter.tier); }
            " " button { "Filter" }
        }
        table {
            tr { th { "Severity" } th { "Rule" } th { "Where" } th { "Tier" } th { "Status" } th { "Message" } th { "AI" } }
            @for finding in &findings {
                tr {
                    td { (finding.severity) }
                    td { code { (finding.rule_id) } }
                    td { (finding.path) ":" (finding.line) }
                    td { (finding.tier) }
                    td { (finding.status) }
                    td { (finding.message) }
                    td { (finding.ai_tool) " " (finding.ai_model) }
                }
            }
        }
    };
    page(
        StatusCode::OK,
        layout(&format!("run {id}"), Some(&viewer), &body),
    )
}

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "–".to_owned()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Pass rate per day as bars: green the passed share, red the rest; a day's title says
/// how many runs.
fn chart(days: &[crate::stats::PassRate]) -> Markup {
    let width = 24 * days.len().max(1);
    html! {
        svg width=(width) height="120" viewBox={ "0 0 " (width) " 120" } role="img" aria-label="pass rate per day" {
            @for (index, day) in days.iter().enumerate() {
                @let passed = if day.runs > 0 { day.passed as f64 * 100.0 / day.runs as f64 } else { 0.0 };
                g {
                    title { (day.key) ": " (day.passed) " of " (day.runs) " runs passed" }
                    rect x=(index * 24 + 2) y="0" width="20" height="100" fill="#f2c4c4" {}
                    rect x=(index * 24 + 2) y=(format!("{:.1}", 100.0 - passed)) width="20" height=(format!("{:.1}", passed)) fill="#1a7f37" {}
                    text x=(index * 24 + 12) y="115" font-size="8" text-anchor="middle" { (day.key.get(8..).unwrap_or("")) }
                }
            }
        }
    }
}
