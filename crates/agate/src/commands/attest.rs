//! `agate attest keygen|sign|verify`, and the attestation `agate gate --attest` writes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agate_attest::{Envelope, GatePredicate, PrivateKey, PublicKey, Statement};
use agate_model::{Report, VerdictStatus};

use crate::args::{AttestArgs, AttestSignArgs, AttestVerifyArgs};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The largest key file read.
const MAX_KEY_BYTES: u64 = 64 * 1024;

/// The largest attestation read: a statement with a few subjects is a few kilobytes.
const MAX_ATTESTATION_BYTES: u64 = 4 * 1024 * 1024;

/// The variable that holds the private key when `--attest` names no file.
const KEY_VARIABLE: &str = "AGATE_ATTEST_KEY";

/// `agate attest keygen --out PREFIX`.
pub(crate) fn keygen(prefix: &Path) -> anyhow::Result<ExitStatus> {
    let key = PrivateKey::generate()?;
    let (private, public) = (with_extension(prefix, "key"), with_extension(prefix, "pub"));
    for path in [&private, &public] {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Failure::usage(format!(
                "`{}` already exists\n  help: keys are never replaced; pick another --out",
                path.display()
            )));
        }
    }
    if let Some(folder) = private
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|error| {
            Failure::usage(format!("cannot create `{}`: {error}", folder.display()))
        })?;
    }
    agate_fs::create_private(&private, key.to_pem()?.as_bytes())
        .map_err(|error| Failure::usage(error.to_string()))?;
    let public_pem = key.public().to_pem()?;
    agate_fs::write_atomic(&public, |out| out.write_all(public_pem.as_bytes()))?;
    output::note(&format!(
        "wrote {} (private: keep it in your CI's secret store) and {} (public: give it to whoever verifies); key id {}",
        private.display(),
        public.display(),
        key.public().key_id()
    ));
    Ok(ExitStatus::Pass)
}

/// The public key in the PEM file at `path`.
pub(crate) fn public_key(path: &Path) -> anyhow::Result<PublicKey> {
    let text = agate_fs::read_to_string_bounded(path, MAX_KEY_BYTES)
        .map_err(|error| Failure::usage(error.to_string()))?;
    PublicKey::from_pem(&text)
        .map_err(|error| Failure::usage(format!("{}: {error}", path.display())))
}

/// `PREFIX.extension`, keeping any dots already in the prefix.
fn with_extension(prefix: &Path, extension: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// The private key `--attest` names, or the one in `AGATE_ATTEST_KEY`.
pub(crate) fn private_key(path: Option<&Path>) -> anyhow::Result<PrivateKey> {
    let text = if let Some(path) = path {
        agate_fs::read_to_string_bounded(path, MAX_KEY_BYTES)
            .map_err(|error| Failure::usage(error.to_string()))?
    } else {
        std::env::var(KEY_VARIABLE).map_err(|_| {
            Failure::usage(format!(
                "no key file is named (`--attest KEY`, `--key KEY`) and `{KEY_VARIABLE}` is not set\n  help: `agate attest keygen --out PREFIX` makes a key pair"
            ))
        })?
    };
    // The key's text is never quoted back: the error says only what is wrong.
    PrivateKey::from_pem(&text).map_err(|error| {
        Failure::usage(format!(
            "{}: {error}\n  help: use the PREFIX.key file `agate attest keygen` wrote",
            path.map_or_else(
                || KEY_VARIABLE.to_owned(),
                |path| path.display().to_string()
            )
        ))
    })
}

/// Signs `report`'s verdict and writes it to `args.attest_dir` as
/// `<commit>.<environment>.json`; returns the file and the envelope.
pub(crate) fn attest(report: &Report, args: &AttestArgs) -> anyhow::Result<(PathBuf, Envelope)> {
    let key = private_key(args.attest.clone().flatten().as_deref())?;
    let artifacts = args
        .artifact
        .iter()
        .map(|path| Ok((path.display().to_string(), sha256_file(path)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let statement = agate_attest::gate_statement(report, &artifacts)
        .map_err(|error| Failure::usage(error.to_string()))?;
    let commit = agate_attest::commit_of(&statement)
        .unwrap_or_default()
        .to_owned();
    let file = args
        .attest_dir
        .join(file_name(&commit, &statement.predicate.environment)?);
    let envelope = agate_attest::sign(&statement, &key)?;
    std::fs::create_dir_all(&args.attest_dir)?;
    let json = serde_json::to_string_pretty(&envelope)?;
    agate_fs::write_atomic(&file, |out| writeln!(out, "{json}"))?;
    Ok((file, envelope))
}

/// `<commit>.<environment>.json`, both checked to be plain names.
fn file_name(commit: &str, environment: &str) -> anyhow::Result<String> {
    let plain = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    };
    if !plain(commit) || !plain(environment) {
        return Err(Failure::usage(format!(
            "commit `{commit}` or environment `{environment}` is not a plain name (letters, digits, `-`, `_`)"
        )));
    }
    Ok(format!("{commit}.{environment}.json"))
}

/// The SHA-256 of a file, read in pieces (an artifact may be gigabytes).
fn sha256_file(path: &Path) -> anyhow::Result<String> {
    use sha2::{Digest as _, Sha256};
    let mut file =
        fs_err::File::open(path).map_err(|error| Failure::usage(format!("--artifact: {error}")))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 64 * 1024];
    loop {
        let read = std::io::Read::read(&mut file, &mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(agate_model::hex(&hasher.finalize()))
}

/// `agate attest sign REPORT --attest KEY`.
pub(crate) fn sign(args: &AttestSignArgs) -> anyhow::Result<ExitStatus> {
    let report = crate::commands::report::read(&args.report)?;
    let (file, _) = attest(&report, &args.attest)?;
    output::note(&format!("attestation written to {}", file.display()));
    Ok(ExitStatus::Pass)
}

/// The largest file `sign-file` signs: a checksum list is a few kilobytes.
const MAX_SIGNED_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// `agate attest sign-file FILE [--key KEY] [--output SIG]`: the raw ed25519 signature of the
/// file's bytes.
pub(crate) fn sign_file(
    file: &Path,
    key: Option<&Path>,
    signature_file: Option<&Path>,
) -> anyhow::Result<ExitStatus> {
    let key = private_key(key)?;
    let bytes = agate_fs::read_bounded(file, MAX_SIGNED_FILE_BYTES)
        .map_err(|error| Failure::usage(error.to_string()))?;
    let signature = key.sign(&bytes);
    let out = signature_file.map_or_else(|| with_extension(file, "sig"), Path::to_path_buf);
    agate_fs::write_atomic(&out, |writer| writer.write_all(&signature))?;
    output::note(&format!(
        "signed {} with key {}: {}",
        file.display(),
        key.public().key_id(),
        out.display()
    ));
    Ok(ExitStatus::Pass)
}

/// What `verify` found for one environment.
struct Found {
    environment: String,
    statement: Option<Statement<GatePredicate>>,
    problem: Option<String>,
}

/// `agate attest verify --commit SHA --env ENV --key PUB [--require ENV]...`.
pub(crate) fn verify(args: &AttestVerifyArgs) -> anyhow::Result<ExitStatus> {
    let key = public_key(&args.key)?;
    let envelopes = match &args.server {
        Some(server) => from_server(server, &args.commit, args.repository.as_deref())?,
        None => from_dir(
            &args.dir,
            &args.commit,
            args.require.iter().chain([&args.env]),
        )?,
    };
    let mut found: Vec<Found> = args
        .require
        .iter()
        .chain([&args.env])
        .map(|environment| {
            best(
                &envelopes,
                &key,
                &args.commit,
                args.repository.as_deref(),
                environment,
            )
        })
        .collect();
    // Each required environment passed before the one verified, under the same policy.
    if let Some(last) = found.last().and_then(|item| item.statement.clone()) {
        let count = found.len();
        for earlier in found.iter_mut().take(count - 1) {
            let Some(statement) = &earlier.statement else {
                continue;
            };
            let (time, digest) = (
                &statement.predicate.time,
                &statement.predicate.policy_digest,
            );
            if *time > last.predicate.time {
                earlier.problem = Some(format!(
                    "passed at {time}, after `{}` ({}): it must pass first",
                    args.env, last.predicate.time
                ));
            } else if *digest != last.predicate.policy_digest {
                earlier.problem = Some(format!(
                    "passed under another policy (digest {}) than `{}` ({})",
                    digest.as_deref().unwrap_or("built-in"),
                    args.env,
                    last.predicate
                        .policy_digest
                        .as_deref()
                        .unwrap_or("built-in")
                ));
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for item in &found {
        match (&item.problem, &item.statement) {
            (None, Some(statement)) => writeln!(
                out,
                "ok    {}: pass at {}, run {} of `{}`, key {}",
                item.environment,
                statement.predicate.time,
                statement.predicate.run_id,
                statement.predicate.repository,
                key.key_id()
            )?,
            (problem, _) => {
                failed = true;
                writeln!(
                    out,
                    "FAIL  {}: {}",
                    item.environment,
                    problem.as_deref().unwrap_or("no attestation")
                )?;
            }
        }
    }
    Ok(if failed {
        ExitStatus::Blocked
    } else {
        ExitStatus::Pass
    })
}

/// The newest attestation of `environment` that verifies with `key` and names `commit`
/// (and `repository`, when given), if it passed; else what is wrong. A newer blocked
/// verdict wins over an older pass, and attestations of several repositories are refused
/// unless `--repository` picks one: a pass elsewhere (a fork, a clone under a laxer
/// policy) proves nothing about this repository.
fn best(
    envelopes: &[(String, Envelope)],
    key: &PublicKey,
    commit: &str,
    repository: Option<&str>,
    environment: &str,
) -> Found {
    let mut problem = format!("no attestation of commit {commit}");
    let mut newest: Option<Statement<GatePredicate>> = None;
    let mut repositories: Vec<String> = Vec::new();
    for (_, envelope) in envelopes.iter().filter(|(env, _)| env == environment) {
        match agate_attest::open(envelope, key) {
            Err(error) => problem = error.to_string(),
            Ok(opened) if agate_attest::commit_of(&opened) != Some(commit) => {
                "the attestation names another commit".clone_into(&mut problem);
            }
            Ok(opened) if opened.predicate.environment != environment => {
                problem = format!(
                    "the attestation is of environment `{}`",
                    opened.predicate.environment
                );
            }
            Ok(opened) if repository.is_some_and(|name| opened.predicate.repository != name) => {
                problem = format!(
                    "the attestation is of repository `{}`",
                    opened.predicate.repository
                );
            }
            Ok(opened) => {
                if !repositories.contains(&opened.predicate.repository) {
                    repositories.push(opened.predicate.repository.clone());
                }
                if newest
                    .as_ref()
                    .is_none_or(|seen| opened.predicate.time > seen.predicate.time)
                {
                    newest = Some(opened);
                }
            }
        }
    }
    let mut found = Found {
        environment: environment.to_owned(),
        problem: None,
        statement: None,
    };
    match newest {
        None => found.problem = Some(problem),
        Some(_) if repositories.len() > 1 => {
            repositories.sort();
            found.problem = Some(format!(
                "attestations of several repositories (`{}`): name one with --repository",
                repositories.join("`, `")
            ));
        }
        Some(statement) if statement.predicate.verdict != VerdictStatus::Pass => {
            found.problem = Some(format!(
                "the gates did not pass: verdict {} in run {}",
                serde_json::to_value(statement.predicate.verdict).unwrap_or_default(),
                statement.predicate.run_id
            ));
        }
        Some(statement) => found.statement = Some(statement),
    }
    found
}

/// The envelopes of `commit` in `dir`, by environment.
fn from_dir<'a>(
    dir: &Path,
    commit: &str,
    environments: impl Iterator<Item = &'a String>,
) -> anyhow::Result<Vec<(String, Envelope)>> {
    let mut envelopes = Vec::new();
    for environment in environments {
        let path = dir.join(file_name(commit, environment)?);
        let text = match agate_fs::read_to_string_bounded(&path, MAX_ATTESTATION_BYTES) {
            Ok(text) => text,
            Err(error) if error.is_not_found() => continue,
            Err(error) => return Err(Failure::usage(error.to_string())),
        };
        let envelope: Envelope = serde_json::from_str(&text).map_err(|error| {
            Failure::usage(format!(
                "{}:{}:{}: not an attestation: {error}",
                path.display(),
                error.line(),
                error.column()
            ))
        })?;
        envelopes.push((environment.clone(), envelope));
    }
    Ok(envelopes)
}

/// What `GET /api/v1/attestations` answers.
#[derive(serde::Deserialize)]
struct Listed {
    attestations: Vec<Stored>,
}

/// One attestation the server holds.
#[derive(serde::Deserialize)]
struct Stored {
    environment: String,
    envelope: Envelope,
}

/// The envelopes of `commit` an agate server holds, by environment.
fn from_server(
    server: &str,
    commit: &str,
    repository: Option<&str>,
) -> anyhow::Result<Vec<(String, Envelope)>> {
    let token = crate::commands::server::token()?;
    let mut url = format!(
        "{}/api/v1/attestations?commit={}",
        server.trim_end_matches('/'),
        percent_encode(commit)
    );
    if let Some(name) = repository {
        url.push_str("&repository=");
        url.push_str(&percent_encode(name));
    }
    let agent = agate_http::agent(Duration::from_secs(60), agate_http::Statuses::AsResponses);
    let response = agent
        .get(&url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .map_err(|error| anyhow::anyhow!("cannot reach `{}`: {error}", output::redact(server)))?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let text = agate_http::read_text(&mut body, 16 * 1024 * 1024)?;
    if status != 200 {
        return Err(anyhow::anyhow!(
            "the server answered {status}: {}",
            output::redact(&text)
        ));
    }
    let listed: Listed = serde_json::from_str(&text)?;
    Ok(listed
        .attestations
        .into_iter()
        .map(|stored| (stored.environment, stored.envelope))
        .collect())
}

/// `text` as a URL query value: unreserved characters kept, every other byte `%XX`.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    encoded
}
