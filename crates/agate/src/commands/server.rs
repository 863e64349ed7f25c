//! `agate server`, `agate server token create` and `agate upload`.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::time::Duration;

use agate_server::{Hooks, LogLine, ServerOptions, Store};

use crate::args::{PolicyCommand, ServeArgs, ServerCommand, TokenCommand};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The largest policy file `--org-policy` reads.
const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// The largest report `agate upload` sends; the server has its own limit.
const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// How long an upload may take.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) fn run(
    command: Option<&ServerCommand>,
    serve: &ServeArgs,
) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match command {
        Some(ServerCommand::Token {
            command:
                TokenCommand::Create {
                    db,
                    team,
                    admin,
                    label,
                },
        }) => {
            if team.trim().is_empty() {
                return Err(Failure::usage(
                    "--team is empty\n  help: name the team, e.g. `--team payments`",
                ));
            }
            let token = runtime.block_on(async {
                let store = open(db).await?;
                store
                    .create_token(team, *admin, label)
                    .await
                    .map_err(|error| anyhow::anyhow!("{error}"))
            })?;
            output::note(&format!(
                "token for team `{team}`{} (shown once; the server keeps only its hash):",
                if *admin { ", admin" } else { "" }
            ));
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{token}")?;
            Ok(ExitStatus::Pass)
        }
        Some(ServerCommand::Token {
            command: TokenCommand::Revoke { db },
        }) => {
            // From standard input, not an argument: arguments end up in shell history and
            // process listings.
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .take(1024)
                .read_to_string(&mut line)?;
            let token = line.trim();
            if token.is_empty() {
                return Err(Failure::usage(
                    "no token on standard input\n  help: `agate server token revoke --db URL < leaked-token.txt`",
                ));
            }
            let team = runtime.block_on(async {
                let store = open(db).await?;
                store
                    .revoke_token(token)
                    .await
                    .map_err(|error| anyhow::anyhow!("{error}"))
            })?;
            match team {
                Some(team) => {
                    output::note(&format!("revoked a token of team `{team}`"));
                    Ok(ExitStatus::Pass)
                }
                None => Err(Failure::usage(
                    "the server knows no such token (revoked already, or of another database)",
                )),
            }
        }
        Some(ServerCommand::Policy {
            command: PolicyCommand::Publish { db, name, file },
        }) => {
            let (name, version) = policy_name(name)?;
            let text = agate_fs::read_to_string_bounded(file, MAX_POLICY_BYTES)
                .map_err(|error| Failure::usage(error.to_string()))?;
            // A published version never changes: a policy every repository would then fail
            // to load is refused before, with the error at its line.
            agate_policy::load(file)
                .and_then(|layers| {
                    agate_policy::resolve(&layers, &agate_policy::Overrides::default())
                })
                .map_err(|error| {
                    Failure::usage(format!(
                        "{error}\n  help: nothing was published; fix the policy and publish again"
                    ))
                })?;
            let digest = runtime.block_on(async {
                let store = open(db).await?;
                store
                    .publish_policy(name, version, &text)
                    .await
                    .map_err(|error| Failure::usage(error.to_string()))
            })?;
            output::note(&format!(
                "published `{name}@{version}` (sha256 {digest}); repositories extend it with `extends: agate+https://SERVER/{name}@{version}`"
            ));
            Ok(ExitStatus::Pass)
        }
        None => runtime.block_on(serve_until_stopped(serve)),
    }
}

async fn open(db: &str) -> anyhow::Result<Store> {
    Store::open(db).await.map_err(|error| {
        // A PostgreSQL URL may hold a password: the error names the database redacted.
        anyhow::anyhow!("{}", output::redact(&error.to_string()).into_owned())
    })
}

async fn serve_until_stopped(args: &ServeArgs) -> anyhow::Result<ExitStatus> {
    let store = open(&args.db).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|error| {
            anyhow::anyhow!(
                "cannot listen on `{}`: {error}\n  help: pick a free address with --listen",
                args.listen
            )
        })?;
    let options = ServerOptions {
        max_upload_bytes: args.max_upload,
        uploads_per_minute: args.uploads_per_minute,
    };
    let hooks = Hooks {
        redact: Box::new(|report| {
            if let Some(secrets) = output::bundled_secrets() {
                report.redact(secrets);
            }
        }),
        log: Box::new(log),
    };
    let stop = stopped()?;
    let address = listener.local_addr()?;
    log(&LogLine {
        level: "info",
        event: "start",
        team: None,
        message: format!("listening on http://{address} ({:?})", store.backend()),
    });
    let app = agate_server::router(store, options, hooks);
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    log(&LogLine {
        level: "info",
        event: "stop",
        team: None,
        message: "stopped after the requests in flight finished".to_owned(),
    });
    Ok(ExitStatus::Pass)
}

/// A future that resolves on SIGINT or SIGTERM; the handlers are installed now, before the
/// server says it listens, so no early signal kills it outright.
#[cfg(unix)]
fn stopped() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// A future that resolves on Ctrl-C.
#[cfg(not(unix))]
fn stopped() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// One structured log line on standard error.
fn log(line: &LogLine) {
    if let Ok(json) = serde_json::to_string(line) {
        output::note(&json);
    }
}

/// `ORG/NAME@VERSION`, each part a plain name.
fn policy_name(text: &str) -> anyhow::Result<(&str, &str)> {
    let plain = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !part.starts_with('.')
    };
    match text.split_once('@') {
        Some((name, version))
            if plain(version)
                && name
                    .split_once('/')
                    .is_some_and(|(org, rest)| plain(org) && plain(rest)) =>
        {
            Ok((name, version))
        }
        _ => Err(Failure::usage(format!(
            "`{text}` is not ORG/NAME@VERSION
  help: e.g. `bank/base@v3` (letters, digits, `-`, `_`, `.`)"
        ))),
    }
}

/// `agate upload REPORT --server URL`.
pub(crate) fn upload(report: &Path, server: &str) -> anyhow::Result<ExitStatus> {
    let token = token()?;
    let body = agate_fs::read_to_string_bounded(report, MAX_REPORT_BYTES)
        .map_err(|error| Failure::usage(error.to_string()))?;
    send(&body, server, &token)
}

/// The server token in `AGATE_TOKEN`, when it is set.
pub(crate) fn token_if_set() -> Option<String> {
    std::env::var("AGATE_TOKEN")
        .ok()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
}

/// The token for `agate+https://` policy parents: `AGATE_TOKEN`, for the server `upload`
/// names (`agate gate --upload URL`) or else `AGATE_SERVER`; without a server, no parent
/// gets it.
pub(crate) fn policy_token(upload: Option<&str>) -> Option<agate_policy::ServerToken> {
    let server = upload
        .map(str::to_owned)
        .or_else(|| std::env::var("AGATE_SERVER").ok())
        .filter(|server| !server.trim().is_empty())?;
    Some(agate_policy::ServerToken {
        server: server.trim().to_owned(),
        token: token_if_set()?,
    })
}

/// The server token, from `AGATE_TOKEN`.
pub(crate) fn token() -> anyhow::Result<String> {
    token_if_set().ok_or_else(|| {
            Failure::usage("no token: set `AGATE_TOKEN`\n  help: an admin makes one with `agate server token create --team NAME`")
        })
}

/// Posts a signed attestation to `server`.
pub(crate) fn send_attestation(
    envelope: &agate_attest::Envelope,
    server: &str,
    token: &str,
) -> anyhow::Result<ExitStatus> {
    let (status, answer) = post(
        server,
        "/api/v1/attestations",
        &serde_json::to_string(envelope)?,
        token,
    )?;
    if status == 201 {
        output::note(&format!(
            "uploaded: the attestation, to {}",
            output::redact(server)
        ));
        Ok(ExitStatus::Pass)
    } else {
        Err(refused("the attestation", status, &answer))
    }
}

/// Posts `body` to `path` of `server`; the status and the JSON answer.
fn post(
    server: &str,
    path: &str,
    body: &str,
    token: &str,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let url = format!("{}{path}", server.trim_end_matches('/'));
    let agent = agate_http::agent(UPLOAD_TIMEOUT, agate_http::Statuses::AsResponses);
    let response = agent
        .post(&url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|error| anyhow::anyhow!("cannot upload to `{}`: {error}", output::redact(&url)))?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let answer = agate_http::read_text(&mut body, 64 * 1024).unwrap_or_default();
    Ok((status, serde_json::from_str(&answer).unwrap_or_default()))
}

/// Why the server refused an upload of `what`.
fn refused(what: &str, status: u16, answer: &serde_json::Value) -> anyhow::Error {
    anyhow::anyhow!(
        "the server refused {what} ({status}): {}{}",
        answer["error"].as_str().unwrap_or("no reason given"),
        answer["help"]
            .as_str()
            .map(|help| format!("\n  help: {help}"))
            .unwrap_or_default()
    )
}

/// Posts a report to `server`, and says what the server answered.
pub(crate) fn send(body: &str, server: &str, token: &str) -> anyhow::Result<ExitStatus> {
    let (status, answer) = post(server, "/api/v1/runs", body, token)?;
    match status {
        200 | 201 => {
            output::note(&format!(
                "uploaded: run {} on {}{}",
                answer["id"],
                output::redact(server),
                if status == 200 {
                    " (already there)"
                } else {
                    ""
                }
            ));
            Ok(ExitStatus::Pass)
        }
        _ => Err(refused("the upload", status, &answer)),
    }
}
