//! The service under test: its base URL, and whether agate may test it.

use std::net::{IpAddr, ToSocketAddrs as _};

use crate::ApiError;

/// A base URL agate may send requests to.
#[derive(Debug, Clone)]
pub struct Target {
    /// The base URL without a trailing `/`.
    pub(crate) base: String,
    /// Whether every address of its host is a loopback address.
    pub(crate) loopback: bool,
}

impl Target {
    /// Parses `base_url` and resolves its host; a host with any address that is not
    /// loopback needs `allow_remote`.
    ///
    /// # Errors
    ///
    /// [`ApiError::Target`] when the URL is not `http(s)://host[:port][/path]`, its host
    /// does not resolve, or it is remote and `allow_remote` is false.
    pub fn check(base_url: &str, allow_remote: bool) -> Result<Target, ApiError> {
        let bad = |why: &str| {
            ApiError::Target(format!(
                "`--base-url {base_url}` {why}; give e.g. `http://127.0.0.1:8080`"
            ))
        };
        let uri: ureq::http::Uri = base_url.parse().map_err(|_| bad("is not a URL"))?;
        let port = match uri.scheme_str() {
            Some("http") => 80,
            Some("https") => 443,
            _ => return Err(bad("is not an http:// or https:// URL")),
        };
        if uri.query().is_some() {
            return Err(bad("has a query"));
        }
        let authority = uri.authority().ok_or_else(|| bad("has no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad("holds credentials"));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        let port = authority.port_u16().unwrap_or(port);
        let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(address) => vec![address],
            Err(_) => (host, port)
                .to_socket_addrs()
                .map_err(|error| bad(&format!("names a host that does not resolve ({error})")))?
                .map(|address| address.ip())
                .collect(),
        };
        let loopback = !addresses.is_empty() && addresses.iter().all(IpAddr::is_loopback);
        if !loopback && !allow_remote {
            let shown: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            return Err(ApiError::Target(format!(
                "`--base-url {base_url}` is not a loopback address (it resolves to {}): agate tests only a service on this machine unless told `--allow-remote`",
                shown.join(", ")
            )));
        }
        Ok(Target {
            base: base_url.trim_end_matches('/').to_owned(),
            loopback,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_targets_are_allowed_and_others_need_a_flag() {
        let target = Target::check("http://127.0.0.1:8080/", false).unwrap();
        assert!(target.loopback);
        assert_eq!(target.base, "http://127.0.0.1:8080");
        assert!(Target::check("http://[::1]:8080", false).unwrap().loopback);
        let error = Target::check("http://192.0.2.7:8080", false).unwrap_err();
        assert!(error.to_string().contains("`--allow-remote`"), "{error}");
        let remote = Target::check("http://192.0.2.7:8080", true).unwrap();
        assert!(!remote.loopback);
    }

    #[test]
    fn only_plain_http_urls_are_targets() {
        for url in [
            "ftp://127.0.0.1/",
            "127.0.0.1:80",
            "http://u:p@127.0.0.1/",
            "http://127.0.0.1/?a=1",
        ] {
            assert!(Target::check(url, true).is_err(), "{url}");
        }
    }
}
