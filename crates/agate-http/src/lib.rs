//! The HTTP client agate uses, set up in one place: remote `extends:`, registry lookups,
//! the OSV download, SonarQube and notifications all talk through [`agent`].
//!
//! What every agent does:
//! - trusts the system's certificate store (the platform verifier), so pipelines behind a
//!   TLS-inspecting proxy work with the proxy's CA installed there;
//! - gives up after one timeout for the whole call (connect, send, receive);
//! - says it is agate (`User-Agent: agate/<version>`), so a registry or server can tell;
//! - follows redirects as ureq does, never sending `Authorization` on after one, so a
//!   token given to one host never reaches another.
//!
//! What it does not do: decide what a status code means (see [`Statuses`]), retry, or
//! read a body without a limit ([`read_text`] is the bounded read).
//!
//! ```no_run
//! use std::time::Duration;
//!
//! let agent = agate_http::agent(Duration::from_secs(10), agate_http::Statuses::AsErrors);
//! let mut response = agent.get("https://example.com/agate.yaml").call()?;
//! let text = agate_http::read_text(response.body_mut(), 1024 * 1024)?;
//! # Ok::<(), ureq::Error>(())
//! ```
#![warn(missing_docs)]

use std::time::Duration;

/// The agent [`agent`] returns, for callers that keep one.
pub use ureq::Agent;

/// The `User-Agent` of every request agate makes.
pub const USER_AGENT: &str = concat!("agate/", env!("CARGO_PKG_VERSION"));

/// What a response with an HTTP error status (4xx, 5xx) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statuses {
    /// An `Err(ureq::Error::StatusCode(…))`: for callers that only want a success.
    AsErrors,
    /// An `Ok` response like any other: for callers that read the status (a 404 means "no
    /// such package", a 401 needs its own message) or the error body.
    AsResponses,
}

/// Returns an agent with the system's certificates, `timeout` for each whole call, agate's
/// user agent and `statuses` deciding what an error status becomes.
pub fn agent(timeout: Duration, statuses: Statuses) -> ureq::Agent {
    ureq::Agent::config_builder()
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .timeout_global(Some(timeout))
        .redirect_auth_headers(ureq::config::RedirectAuthHeaders::Never)
        .http_status_as_error(statuses == Statuses::AsErrors)
        .user_agent(USER_AGENT)
        .build()
        .into()
}

/// Returns an agent for probing a server agate tests (a service's readiness URL, an API
/// under test): the system's certificates, `timeout` for each whole call, agate's user
/// agent, every status an `Ok` response and no redirect followed — a `3xx` is the answer,
/// so a request never leaves the host it was meant for.
pub fn agent_without_redirects(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        .build()
        .into()
}

/// Reads a response body as UTF-8 text, failing once it grows past `limit` bytes.
///
/// # Errors
///
/// Fails when the body is larger than `limit` (`BodyExceedsLimit`), is not UTF-8, or the
/// connection fails or times out while reading.
pub fn read_text(body: &mut ureq::Body, limit: u64) -> Result<String, ureq::Error> {
    body.with_config().limit(limit).read_to_string()
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::net::TcpListener;
    use std::thread;

    use super::*;

    /// Serves one request with `status` and `body`; returns the URL and the request's
    /// header lines.
    fn serve_once(
        status: &'static str,
        body: &'static str,
    ) -> (String, thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                headers.push(line.trim().to_ascii_lowercase());
            }
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            headers
        });
        (url, server)
    }

    #[test]
    fn requests_say_they_come_from_agate() {
        let (url, server) = serve_once("200 OK", "ok");
        let agent = agent(Duration::from_secs(10), Statuses::AsErrors);
        let mut response = agent.get(&url).call().unwrap();
        assert_eq!(read_text(response.body_mut(), 16).unwrap(), "ok");
        let headers = server.join().unwrap();
        let expected = format!("user-agent: {}", USER_AGENT.to_ascii_lowercase());
        assert!(headers.contains(&expected), "{headers:?}");
    }

    #[test]
    fn statuses_are_errors_or_responses_as_asked() {
        let (url, server) = serve_once("404 Not Found", "no such package");
        let error = agent(Duration::from_secs(10), Statuses::AsErrors)
            .get(&url)
            .call()
            .unwrap_err();
        assert!(matches!(error, ureq::Error::StatusCode(404)), "{error}");
        server.join().unwrap();
        let (url, server) = serve_once("404 Not Found", "no such package");
        let mut response = agent(Duration::from_secs(10), Statuses::AsResponses)
            .get(&url)
            .call()
            .unwrap();
        assert_eq!(response.status().as_u16(), 404);
        assert_eq!(
            read_text(response.body_mut(), 1024).unwrap(),
            "no such package"
        );
        server.join().unwrap();
    }

    #[test]
    fn probes_get_redirects_as_answers() {
        let (url, server) = serve_once("302 Found\r\nlocation: http://192.0.2.1/", "");
        let response = agent_without_redirects(Duration::from_secs(10))
            .get(&url)
            .call()
            .unwrap();
        assert_eq!(response.status().as_u16(), 302);
        server.join().unwrap();
    }

    #[test]
    fn a_body_past_the_limit_is_an_error() {
        let (url, server) = serve_once("200 OK", "0123456789");
        let agent = agent(Duration::from_secs(10), Statuses::AsErrors);
        let mut response = agent.get(&url).call().unwrap();
        let error = read_text(response.body_mut(), 4).unwrap_err();
        assert!(matches!(error, ureq::Error::BodyExceedsLimit(4)), "{error}");
        server.join().unwrap();
    }
}
