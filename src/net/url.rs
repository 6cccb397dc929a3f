//! Where requests go: base URLs (https, or http to loopback), same-origin redirects only, and
//! the shared client settings.
use std::time::Duration;

use reqwest::Url;

use super::{strip_queries, USER_AGENT};

/// A reqwest client builder with the shared settings: connect timeout, user agent, redirects
/// on the same origin only (a credential header never follows a redirect elsewhere), and no
/// proxy for a loopback `base` (tests, a port-forward).
pub fn client_builder(connect_timeout: Duration, base: Option<&Url>) -> reqwest::ClientBuilder {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(USER_AGENT)
        .redirect(same_origin_redirects());
    if base.is_some_and(is_loopback) {
        builder = builder.no_proxy();
    }
    builder
}

/// Follow at most 5 redirects, and only on the first request's origin.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .first()
            .is_some_and(|first| same_origin(first, attempt.url()));
        if attempt.previous().len() > 5 || !same {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// Parses and checks a base URL: https, or http to a loopback address only; no credentials.
pub fn parse_base_url(base_url: &str) -> Result<Url, String> {
    parse_base_url_with(base_url, false)
}

/// [`parse_base_url`], with plain http to any host when `any_http` (no credential is sent).
pub fn parse_base_url_with(base_url: &str, any_http: bool) -> Result<Url, String> {
    let trimmed = base_url.trim();
    let mut url = Url::parse(trimmed).map_err(|e| {
        format!(
            "the base URL {:?} does not parse: {e}",
            strip_queries(trimmed)
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the base URL must not contain credentials; pass the token separately".into());
    }
    match url.scheme() {
        "https" => {}
        "http" if any_http || is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "plain http is allowed only to a loopback address, not {}",
                url.host_str().unwrap_or("")
            ))
        }
        other => return Err(format!("unsupported URL scheme {other:?}")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the base URL has no host".into());
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// Whether the URL's host is `localhost` or a loopback address.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}
