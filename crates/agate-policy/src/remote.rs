//! `extends:` from a URL: fetched with a timeout, cached, usable offline, optionally pinned.
//!
//! `https://example.com/org/agate.yaml#sha256=<hex>` pins the content: a file whose SHA-256
//! differs is refused, fetched or cached. Plain `http://` is accepted only for loopback
//! hosts (tests, local mirrors).

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

/// How remote parents are fetched.
#[derive(Debug, Clone)]
pub struct RemoteOptions {
    /// Where fetched files are kept (`.agate/cache` in the repository).
    pub cache_dir: Option<PathBuf>,
    /// Never touch the network; use the cache.
    pub offline: bool,
    /// Give up on a fetch after this long.
    pub timeout: Duration,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            cache_dir: None,
            offline: false,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Returns true for the URLs `extends` may name.
pub(crate) fn is_url(reference: &str) -> bool {
    reference.starts_with("https://") || reference.starts_with("http://")
}

/// Fetches (or reads from the cache) the file at `reference`; the error says what to do.
pub(crate) fn fetch(reference: &str, options: &RemoteOptions) -> Result<String, String> {
    let (url, pin) = match reference.split_once("#sha256=") {
        Some((url, pin)) => (url, Some(pin.to_ascii_lowercase())),
        None => (reference, None),
    };
    if url.starts_with("http://") && !is_loopback(url) {
        return Err(format!(
            "`{url}` is plain http; use https (http is only allowed for loopback hosts)"
        ));
    }
    let cached = options.cache_dir.as_ref().map(|dir| cache_path(dir, url));
    let verify = |text: &str| -> Result<(), String> {
        match &pin {
            Some(pin) if sha256_hex(text.as_bytes()) != *pin => Err(format!(
                "`{url}` does not match its pin: sha256 is {}, expected {pin}",
                sha256_hex(text.as_bytes())
            )),
            _ => Ok(()),
        }
    };
    let from_cache = || -> Option<String> {
        cached
            .as_ref()
            .and_then(|path| fs_err::read_to_string(path).ok())
    };
    if options.offline {
        let text = from_cache().ok_or_else(|| {
            format!("`{url}` is not in the cache and --offline forbids fetching it; run once online first")
        })?;
        verify(&text)?;
        return Ok(text);
    }
    match download(url, options.timeout) {
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
                "cannot fetch `{url}`: {error} (and it is not cached)"
            )),
        },
    }
}

fn is_loopback(url: &str) -> bool {
    let host = url
        .trim_start_matches("http://")
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

fn cache_path(dir: &Path, url: &str) -> PathBuf {
    dir.join("extends")
        .join(format!("{}.yaml", &sha256_hex(url.as_bytes())[..32]))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
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
fn download(url: &str, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        // The system's certificate store: pipelines behind a TLS-inspecting proxy trust its CA there.
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|error| error.to_string())?;
    response
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .map_err(|error| error.to_string())
}

#[cfg(not(feature = "https"))]
fn download(_url: &str, _timeout: Duration) -> Result<String, String> {
    Err("this agate was built without the `https` feature".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_only_for_loopback() {
        let options = RemoteOptions {
            offline: true,
            ..RemoteOptions::default()
        };
        assert!(
            fetch("http://example.com/a.yaml", &options)
                .unwrap_err()
                .contains("plain http")
        );
        assert!(
            fetch("http://127.0.0.1:1/a.yaml", &options)
                .unwrap_err()
                .contains("not in the cache")
        );
    }
}
