//! `extends:` from a URL: fetched with a timeout, cached, usable offline, optionally pinned.
//!
//! `https://example.com/org/agate.yaml#sha256=<hex>` pins the content: a file whose SHA-256
//! differs is refused, fetched or cached. Plain `http://` is accepted only for loopback hosts
//! (`localhost`, `127.0.0.0/8`, `[::1]`: tests, local mirrors); anything else must be https.
//!
//! `agate+https://SERVER/ORG/NAME@VERSION` names a policy an agate server publishes
//! (`agate server policy publish`): fetched from `https://SERVER/api/v1/policies/ORG/NAME/VERSION`
//! with the server token — only when SERVER is the server the token belongs to
//! ([`ServerToken`]): a policy that names another server never gets it. A published version never changes,
//! and the report lists each layer with its digest.
//!
//! A URL may carry credentials (`https://user:password@host/…`). They are used for the fetch
//! and nowhere else: every message, origin and cycle shows [`display`]'s masked form
//! (`https://user:***@host/…`), and the cache file is named after the URL without them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::load::MAX_CONFIG_BYTES;

/// How remote parents are fetched.
#[derive(Debug, Clone)]
pub struct RemoteOptions {
    /// Where fetched files are kept (`.agate/cache` in the repository).
    pub cache_dir: Option<PathBuf>,
    /// Never touch the network; use the cache.
    pub offline: bool,
    /// Give up on a fetch after this long.
    pub timeout: Duration,
    /// The agate server token, sent with `agate+https://` fetches of its own server only.
    pub server_token: Option<ServerToken>,
}

/// An agate server token and the server it belongs to. It goes with the fetches of
/// `agate+https://` parents on that server (same scheme, host and port) and nowhere else:
/// a configuration — which a change under review may edit — naming another server cannot
/// make agate send it there.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerToken {
    /// The server's URL, e.g. `https://agate.bank.example`.
    pub server: String,
    /// The token.
    pub token: String,
}

impl std::fmt::Debug for ServerToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ServerToken")
            .field("server", &display(&self.server))
            .field("token", &"***")
            .finish()
    }
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            cache_dir: None,
            offline: false,
            timeout: Duration::from_secs(10),
            server_token: None,
        }
    }
}

/// Returns true for the URLs `extends` may name.
pub(crate) fn is_url(reference: &str) -> bool {
    let url = reference.strip_prefix("agate+").unwrap_or(reference);
    url.starts_with("https://") || url.starts_with("http://")
}

/// For `agate+SCHEME://SERVER/ORG/NAME@VERSION`: the API URL the server publishes it at.
/// `Ok(None)` for any other URL.
fn server_policy_url(reference: &str) -> Result<Option<String>, String> {
    let Some(url) = reference.strip_prefix("agate+") else {
        return Ok(None);
    };
    let plain = |part: &str| {
        !part.is_empty()
            && !part.starts_with('.')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let (scheme, after) = url.split_at(url.find("://").map_or(0, |index| index + 3));
    let parsed = after.split_once('/').and_then(|(server, path)| {
        let (name, version) = path.split_once('@')?;
        let (org, name) = name.split_once('/')?;
        (plain(org) && plain(name) && plain(version) && !server.is_empty())
            .then(|| format!("{scheme}{server}/api/v1/policies/{org}/{name}/{version}"))
    });
    parsed.map(Some).ok_or_else(|| {
        format!(
            "`{}` is not agate+https://SERVER/ORG/NAME@VERSION (e.g. agate+https://agate.bank.example/bank/base@v3)",
            display(reference)
        )
    })
}

/// The parts of an `extends` (or model server) URL agate looks at.
pub(crate) struct Parts<'a> {
    /// `https://` or `http://`.
    pub(crate) scheme: &'a str,
    /// `user:password` before the `@`, when present.
    pub(crate) userinfo: Option<&'a str>,
    /// The host (an IPv6 address keeps its brackets), lowercase as compared.
    host: &'a str,
    /// Everything after the user information: host, port, path, query.
    rest: &'a str,
}

impl<'a> Parts<'a> {
    pub(crate) fn of(url: &'a str) -> Parts<'a> {
        let (scheme, after) = match url.find("://") {
            Some(index) => url.split_at(index + 3),
            None => ("", url),
        };
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = &after[..end];
        let (userinfo, rest) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &after[at + 1..]),
            None => (None, after),
        };
        let host_port = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        let host = if host_port.starts_with('[') {
            host_port
                .find(']')
                .map_or(host_port, |close| &host_port[..=close])
        } else {
            host_port.split(':').next().unwrap_or_default()
        };
        Parts {
            scheme,
            userinfo,
            host,
            rest,
        }
    }

    pub(crate) fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self.host == "[::1]"
            || self
                .host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|address| address.is_loopback())
    }

    /// Scheme, host and port, lowercase: whom a request goes to.
    fn origin(&self) -> String {
        let end = self.rest.find(['/', '?', '#']).unwrap_or(self.rest.len());
        format!("{}{}", self.scheme, &self.rest[..end]).to_ascii_lowercase()
    }

    /// The URL without its user information, to name the cache file after.
    fn without_userinfo(&self) -> String {
        format!("{}{}", self.scheme, self.rest)
    }
}

/// The URL as shown to people: a password (or a token given as the user name) is masked,
/// `https://user:***@host/…`, so no message, origin or report carries it.
pub(crate) fn display(url: &str) -> String {
    let parts = Parts::of(url);
    match parts.userinfo {
        None => url.to_owned(),
        Some(userinfo) => {
            let user = userinfo
                .split_once(':')
                .map_or(String::new(), |(user, _)| format!("{user}:"));
            format!("{}{user}***@{}", parts.scheme, parts.rest)
        }
    }
}

/// Fetches (or reads from the cache) the file at `reference`; the error says what to do and
/// shows the URL masked.
pub(crate) fn fetch(reference: &str, options: &RemoteOptions) -> Result<String, String> {
    let (url, pin) = match reference.split_once("#sha256=") {
        Some((url, pin)) => (url, Some(pin.to_ascii_lowercase())),
        None => (reference, None),
    };
    let shown = display(url);
    let server = server_policy_url(url)?;
    let url = server.as_deref().unwrap_or(url);
    let parts = Parts::of(url);
    let token = options
        .server_token
        .as_ref()
        .filter(|owned| server.is_some() && Parts::of(&owned.server).origin() == parts.origin())
        .map(|owned| owned.token.as_str());
    if parts.scheme == "http://" && !parts.is_loopback() {
        return Err(format!(
            "`{shown}` is plain http; use https (http is only allowed for loopback hosts: localhost, 127.0.0.0/8, [::1])"
        ));
    }
    let cached = options
        .cache_dir
        .as_ref()
        .map(|dir| cache_path(dir, &parts.without_userinfo()));
    let verify = |text: &str| -> Result<(), String> {
        match &pin {
            Some(pin) if agate_model::sha256_hex(text.as_bytes()) != *pin => Err(format!(
                "`{shown}` does not match its pin: sha256 is {}, expected {pin}",
                agate_model::sha256_hex(text.as_bytes())
            )),
            _ => Ok(()),
        }
    };
    // A cache entry that is not a regular file, or too large, is no entry.
    let from_cache = || -> Option<String> {
        cached
            .as_ref()
            .and_then(|path| agate_fs::read_to_string_bounded(path, MAX_CONFIG_BYTES).ok())
    };
    if options.offline {
        let text = from_cache().ok_or_else(|| {
            format!("`{shown}` is not in the cache and --offline forbids fetching it; run once online first")
        })?;
        verify(&text)?;
        return Ok(text);
    }
    match download(url, options.timeout, token) {
        Ok(text) => {
            verify(&text)?;
            if let Some(path) = &cached {
                store(path, &text);
            }
            Ok(text)
        }
        Err(error) => match from_cache() {
            Some(text) => {
                verify(&text)?;
                Ok(text)
            }
            None => Err(format!(
                "cannot fetch `{shown}`: {} (and it is not cached)",
                mask_in(&error, url, &parts)
            )),
        },
    }
}

/// `message` with the URL's credentials masked, should the HTTP client have quoted them.
fn mask_in(message: &str, url: &str, parts: &Parts<'_>) -> String {
    let mut message = message.replace(url, &display(url));
    if let Some(userinfo) = parts.userinfo.filter(|userinfo| !userinfo.is_empty()) {
        message = message.replace(userinfo, "***");
    }
    message
}

fn cache_path(dir: &Path, url: &str) -> PathBuf {
    dir.join("extends").join(format!(
        "{}.yaml",
        &agate_model::sha256_hex(url.as_bytes())[..32]
    ))
}

/// Writes the cache atomically; a cache that cannot be written only costs a later fetch.
fn store(path: &Path, text: &str) {
    let Some(folder) = path.parent() else { return };
    if fs_err::create_dir_all(folder).is_err() {
        return;
    }
    if let Ok(mut file) = tempfile::NamedTempFile::new_in(folder) {
        use std::io::Write as _;
        if file.write_all(text.as_bytes()).is_ok() {
            let _ = file.persist(path);
        }
    }
}

#[cfg(feature = "https")]
fn download(url: &str, timeout: Duration, token: Option<&str>) -> Result<String, String> {
    let agent = agate_http::agent(timeout, agate_http::Statuses::AsErrors);
    let mut request = agent.get(url);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = request.call().map_err(|error| error.to_string())?;
    agate_http::read_text(response.body_mut(), MAX_CONFIG_BYTES).map_err(|error| error.to_string())
}

#[cfg(not(feature = "https"))]
fn download(_url: &str, _timeout: Duration, _token: Option<&str>) -> Result<String, String> {
    Err("this agate was built without the `https` feature".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> RemoteOptions {
        RemoteOptions {
            offline: true,
            ..RemoteOptions::default()
        }
    }

    #[test]
    fn issue_7_plain_http_is_only_for_loopback() {
        for refused in [
            "http://example.com/a.yaml",
            // The user information is not the host.
            "http://localhost@example.com/a.yaml",
            "http://127.0.0.1.example.com/a.yaml",
            "http://[::2]/a.yaml",
        ] {
            assert!(
                fetch(refused, &offline())
                    .unwrap_err()
                    .contains("plain http"),
                "{refused}"
            );
        }
        for loopback in [
            "http://127.0.0.1:1/a.yaml",
            "http://127.42.0.9/a.yaml",
            "http://LOCALHOST:8080/a.yaml",
            "http://[::1]:8080/a.yaml",
            "http://user:pass@localhost/a.yaml",
        ] {
            assert!(
                fetch(loopback, &offline())
                    .unwrap_err()
                    .contains("not in the cache"),
                "{loopback}"
            );
        }
    }

    #[test]
    fn issue_7_credentials_are_masked_and_not_in_the_cache_name() {
        assert_eq!(
            display("https://ci:hunter2@example.com/org/agate.yaml#sha256=00"),
            "https://ci:***@example.com/org/agate.yaml#sha256=00"
        );
        assert_eq!(
            display("https://ghp_token@example.com/a.yaml"),
            "https://***@example.com/a.yaml"
        );
        assert_eq!(
            display("https://example.com/a@b.yaml"),
            "https://example.com/a@b.yaml"
        );
        let error = fetch("https://ci:hunter2@example.com/a.yaml", &offline()).unwrap_err();
        assert!(
            error.contains("`https://ci:***@example.com/a.yaml`") && !error.contains("hunter2"),
            "{error}"
        );
        // The cache entry is named after the URL without credentials: the file a run with
        // other (or no) credentials cached serves this one, and its name holds no secret.
        let folder = tempfile::tempdir().unwrap();
        let cached = cache_path(folder.path(), "https://example.com/a.yaml");
        std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
        std::fs::write(&cached, "version: 1\n").unwrap();
        let options = RemoteOptions {
            cache_dir: Some(folder.path().to_path_buf()),
            ..offline()
        };
        assert_eq!(
            fetch("https://ci:hunter2@example.com/a.yaml", &options).unwrap(),
            "version: 1\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn issue_7_a_cache_entry_that_is_not_a_regular_file_is_no_entry() {
        let folder = tempfile::tempdir().unwrap();
        let cached = cache_path(folder.path(), "https://example.com/a.yaml");
        std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &cached).unwrap();
        let options = RemoteOptions {
            cache_dir: Some(folder.path().to_path_buf()),
            ..offline()
        };
        assert!(
            fetch("https://example.com/a.yaml", &options)
                .unwrap_err()
                .contains("not in the cache")
        );
    }
}
