//! The forge side of [`crate::net`]: the HTTP client under both forge clients. The send policy —
//! timeouts, deadline, retries, waits, error classes — is [`crate::net::send`]'s; this file
//! supplies the forges' auth, pagination, payloads and status judgement.
//!
//! - **Timeouts:** a connect timeout and a total timeout per request ([`HttpConfig`]), both cut
//!   short by the run's deadline when one is set.
//! - **Retries:** at most [`Policy::max_retries`](crate::net::Policy::max_retries) more attempts, with exponential backoff, for
//!   429, 5xx and connection errors (and timeouts of idempotent requests). `Retry-After` (seconds
//!   or an HTTP date) is honoured, and so are GitHub's `x-ratelimit-reset` and GitLab's
//!   `RateLimit-Reset` when the remaining count is 0 — but never a wait longer than
//!   [`Policy::max_wait`](crate::net::Policy::max_wait) or past the deadline: then a [`ForgeError::RateLimited`] says when
//!   the limit resets. A `POST` is retried only when it cannot have been processed (connection
//!   refused, 429), so a comment is never posted twice.
//! - **Decoding:** JSON errors name the path of the bad value
//!   (`malformed JSON from /repos/o/r/pulls/1/files (HTTP 200): [3].filename: invalid type ...`);
//!   an HTML page where JSON was expected is reported as such; nothing panics.
//! - **Pagination:** `Link: <...>; rel="next"` (both forges) and GitLab's `x-next-page`, with a
//!   page cap and a loop guard (a next link seen before stops with an error); next links must stay
//!   on the forge's origin, so the token is never sent elsewhere.
//! - **Secrets:** errors carry the method and URL path only (no host, query or userinfo), and every
//!   message is scrubbed of the token.
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use ::http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use http_body_util::BodyExt;
use reqwest::Url;
use serde::de::DeserializeOwned;

use super::{Endpoint, Forge, ForgeError, Secret};
pub use crate::net::HttpConfig;
use crate::net::{self, Exchange, GiveUp, Transport, Verdict};
pub(crate) use crate::net::{
    chain, decode_json, error_message, is_html, parse_base_url, rate_limit_reset, retry_after,
    same_origin, strip_queries, truncate, Response,
};

/// HTTP methods the clients use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }

    /// Repeating the request has the same effect as sending it once (PATCH/PUT of a comment body
    /// set it to the same value).
    fn idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }

    fn to_http(self) -> ::http::Method {
        match self {
            Method::Get => ::http::Method::GET,
            Method::Post => ::http::Method::POST,
            Method::Put => ::http::Method::PUT,
            Method::Patch => ::http::Method::PATCH,
        }
    }
}

/// One request, rebuilt for every attempt.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    pub url: Url,
    /// Overrides the client's default `Accept`.
    pub accept: Option<&'static str>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub(crate) fn get(url: Url) -> Self {
        Request {
            method: Method::Get,
            url,
            accept: None,
            body: None,
        }
    }

    pub(crate) fn with_json(method: Method, url: Url, body: &serde_json::Value) -> Self {
        Request {
            method,
            url,
            accept: None,
            body: Some(serde_json::to_vec(body).unwrap_or_default()),
        }
    }
}

enum Backend {
    /// Plain reqwest; the token goes into `auth` (marked sensitive).
    Reqwest {
        client: reqwest::Client,
        auth: Option<(HeaderName, HeaderValue)>,
    },
    /// octocrab on the same reqwest client; octocrab adds `Authorization: Bearer`.
    Octocrab(Box<octocrab::Octocrab>),
}

/// How a client authenticates.
pub(crate) enum Auth {
    /// GitHub: octocrab with `Authorization: Bearer <token>`.
    OctocrabBearer,
    /// A plain header (GitLab: `PRIVATE-TOKEN`).
    Header(&'static str),
}

/// The HTTP client under [`super::GitHub`] and [`super::GitLab`].
pub(crate) struct HttpClient {
    forge: Forge,
    base: Url,
    backend: Backend,
    rt: tokio::runtime::Runtime,
    config: HttpConfig,
    token: Secret,
    accept: &'static str,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("forge", &self.forge)
            .field("base", &self.base.as_str())
            .field("token", &self.token)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    pub(crate) fn new(
        forge: Forge,
        base_url: &str,
        token: Secret,
        auth: Auth,
        accept: &'static str,
        headers: &[(&'static str, &'static str)],
        config: HttpConfig,
    ) -> Result<Self, ForgeError> {
        let config_err = |detail: String| ForgeError::Config {
            forge,
            detail: token.scrub(&detail),
        };
        let base = parse_base_url(base_url).map_err(config_err)?;

        // Redirects only on the same origin: reqwest drops `Authorization` on a cross-host
        // redirect but would forward GitLab's `PRIVATE-TOKEN`.
        let builder = net::client_builder(config.connect_timeout, Some(&base));
        let client = builder
            .build()
            .map_err(|e| config_err(format!("cannot build the HTTP client: {}", chain(&e))))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| config_err(format!("cannot start the async runtime: {e}")))?;

        let backend = match auth {
            Auth::OctocrabBearer => {
                let _guard = rt.enter();
                let mut ob = octocrab::Octocrab::builder()
                    .base_uri(base.as_str())
                    .map_err(|e| config_err(format!("octocrab rejects the base URL: {e}")))?;
                if !token.is_empty() {
                    // octocrab unwraps the header it builds from the token: check it first.
                    if http::HeaderValue::from_str(&format!("Bearer {}", token.expose())).is_err() {
                        return Err(config_err(
                            "the token contains characters not allowed in a header".to_string(),
                        ));
                    }
                    ob = ob.personal_token(token.expose().to_string());
                }
                let oc = ob
                    .build_with_reqwest(client)
                    .map_err(|e| config_err(format!("cannot build the octocrab client: {e}")))?;
                Backend::Octocrab(Box::new(oc))
            }
            Auth::Header(name) => {
                let auth = if token.is_empty() {
                    None
                } else {
                    let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
                        config_err("the token contains characters not allowed in a header".into())
                    })?;
                    value.set_sensitive(true);
                    Some((HeaderName::from_static(name_lower(name)), value))
                };
                Backend::Reqwest { client, auth }
            }
        };
        let headers = headers
            .iter()
            .map(|(k, v)| {
                (
                    HeaderName::from_static(name_lower(k)),
                    HeaderValue::from_static(v),
                )
            })
            .collect();
        Ok(HttpClient {
            forge,
            base,
            backend,
            rt,
            config,
            token,
            accept,
            headers,
        })
    }

    /// `path` (already percent-encoded, starting with `/`) below the base URL, with `query` pairs.
    pub(crate) fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", self.base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    pub(crate) fn endpoint(&self, method: Method, url: &Url) -> Endpoint {
        Endpoint {
            method: method.as_str(),
            path: self.token.scrub(url.path()),
        }
    }

    /// GET and decode one JSON value.
    pub(crate) fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, ForgeError> {
        self.json(Request::get(url))
    }

    /// Sends `req` and decodes the JSON answer.
    pub(crate) fn json<T: DeserializeOwned>(&self, req: Request) -> Result<T, ForgeError> {
        let endpoint = self.endpoint(req.method, &req.url);
        let resp = self.execute(&req)?;
        self.decode(&endpoint, &resp)
    }

    /// GET that answers `Some(value)` on success and `None` on 404.
    pub(crate) fn get_optional<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<Option<T>, ForgeError> {
        match self.json(req) {
            Ok(v) => Ok(Some(v)),
            Err(ForgeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every item of a paginated JSON-array listing.
    pub(crate) fn get_pages<T: DeserializeOwned>(&self, first: Url) -> Result<Vec<T>, ForgeError> {
        let first_endpoint = self.endpoint(Method::Get, &first);
        let mut items = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        seen.insert(first.to_string());
        let mut url = first;
        let mut pages = 0usize;
        loop {
            pages += 1;
            if pages > self.config.max_pages {
                return Err(ForgeError::Pagination {
                    forge: self.forge,
                    endpoint: first_endpoint,
                    detail: format!("more than {} pages", self.config.max_pages),
                });
            }
            let endpoint = self.endpoint(Method::Get, &url);
            let resp = self.execute(&Request::get(url.clone()))?;
            let page: Vec<T> = self.decode(&endpoint, &resp)?;
            items.extend(page);
            match self.next_page(&url, &resp.headers, &first_endpoint)? {
                None => return Ok(items),
                Some(next) => {
                    if !seen.insert(next.to_string()) {
                        return Err(ForgeError::Pagination {
                            forge: self.forge,
                            endpoint: first_endpoint,
                            detail: format!(
                                "the next-page link of page {pages} points to a page already read"
                            ),
                        });
                    }
                    url = next;
                }
            }
        }
    }

    fn next_page(
        &self,
        current: &Url,
        headers: &HeaderMap,
        endpoint: &Endpoint,
    ) -> Result<Option<Url>, ForgeError> {
        let pagination_err = |detail: String| ForgeError::Pagination {
            forge: self.forge,
            endpoint: endpoint.clone(),
            detail,
        };
        for value in headers.get_all("link") {
            let Ok(value) = value.to_str() else { continue };
            if let Some(next) = next_link(value) {
                let url = current.join(next).map_err(|_| {
                    pagination_err("the Link header's next URL does not parse".into())
                })?;
                if !same_origin(&url, &self.base) {
                    return Err(pagination_err(
                        "the Link header's next URL leaves the forge's host".into(),
                    ));
                }
                return Ok(Some(url));
            }
        }
        if let Some(next) = headers.get("x-next-page").and_then(|v| v.to_str().ok()) {
            let next = next.trim();
            if next.is_empty() {
                return Ok(None);
            }
            if next.parse::<u64>().is_err() {
                return Err(pagination_err(format!(
                    "x-next-page is not a page number: {:?}",
                    truncate(next, 40)
                )));
            }
            let mut url = current.clone();
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("page", next);
            return Ok(Some(url));
        }
        Ok(None)
    }

    /// Decodes a JSON body, reporting HTML pages and malformed JSON with the endpoint path.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        resp: &Response,
    ) -> Result<T, ForgeError> {
        if is_html(&resp.headers, &resp.body) {
            return Err(ForgeError::HtmlPage {
                forge: self.forge,
                endpoint: endpoint.clone(),
                status: resp.status,
            });
        }
        let detail = match decode_json::<T>(&resp.body) {
            Ok(value) => return Ok(value),
            Err(detail) => detail,
        };
        Err(ForgeError::MalformedJson {
            forge: self.forge,
            endpoint: endpoint.clone(),
            status: resp.status,
            detail: truncate(&self.token.scrub(&detail), 300),
        })
    }

    /// Sends `req` with the [`crate::net`] policy; `Ok` only for 2xx.
    pub(crate) fn execute(&self, req: &Request) -> Result<Response, ForgeError> {
        let mut exchange = ForgeExchange {
            client: self,
            req,
            endpoint: self.endpoint(req.method, &req.url),
        };
        self.rt
            .block_on(net::send(&self.config.policy, &mut exchange))
    }

    async fn send_once(&self, req: &Request) -> Result<Response, Transport> {
        let accept = HeaderValue::from_static(req.accept.unwrap_or(self.accept));
        match &self.backend {
            Backend::Reqwest { client, auth } => {
                let mut rb = client
                    .request(req.method.to_http(), req.url.clone())
                    .header(ACCEPT, accept);
                for (k, v) in &self.headers {
                    rb = rb.header(k, v);
                }
                if let Some((k, v)) = auth {
                    rb = rb.header(k, v);
                }
                if let Some(body) = &req.body {
                    rb = rb
                        .header(CONTENT_TYPE, "application/json")
                        .body(body.clone());
                }
                net::fetch(rb).await
            }
            Backend::Octocrab(oc) => {
                // octocrab joins a path to its base URI and adds the bearer token only to
                // requests without an authority, so send path and query alone; the URL was
                // built from (or checked against) the same base.
                let path_and_query = match req.url.query() {
                    Some(q) => format!("{}?{q}", req.url.path()),
                    None => req.url.path().to_string(),
                };
                let mut rb = ::http::Request::builder()
                    .method(req.method.to_http())
                    .uri(path_and_query)
                    .header(ACCEPT, accept);
                for (k, v) in &self.headers {
                    rb = rb.header(k, v);
                }
                let body = match &req.body {
                    Some(body) => {
                        rb = rb.header(CONTENT_TYPE, "application/json");
                        octocrab::OctoBody::from(body.clone())
                    }
                    None => octocrab::OctoBody::empty(),
                };
                let request = rb
                    .body(body)
                    .map_err(|e| Transport::Other(format!("invalid request: {e}")))?;
                let resp = oc.execute(request).await.map_err(|e| net::classify(&e))?;
                let (parts, body) = resp.into_parts();
                let body = body
                    .collect()
                    .await
                    .map_err(|e| net::classify_body(&e))?
                    .to_bytes();
                Ok(Response {
                    status: parts.status.as_u16(),
                    headers: parts.headers,
                    body: body.to_vec(),
                })
            }
        }
    }

    /// The error for an unsuccessful final response.
    fn status_error(
        &self,
        endpoint: &Endpoint,
        resp: &Response,
        attempts: u32,
        reset: Option<SystemTime>,
    ) -> ForgeError {
        let forge = self.forge;
        let endpoint = endpoint.clone();
        let html = is_html(&resp.headers, &resp.body);
        let message = if (300..400).contains(&resp.status) {
            "a redirect to another host or too many redirects (not followed)".to_string()
        } else if html {
            String::new()
        } else {
            self.clean(&error_message(&resp.body))
        };
        match resp.status {
            429 => ForgeError::RateLimited {
                forge,
                endpoint,
                status: 429,
                reset_at: reset
                    .or_else(|| retry_after(&resp.headers).map(|d| SystemTime::now() + d)),
                reason: format!("still limited after {attempts} attempt(s)"),
            },
            403 if reset.is_some() || retry_after(&resp.headers).is_some() => {
                ForgeError::RateLimited {
                    forge,
                    endpoint,
                    status: 403,
                    reset_at: reset
                        .or_else(|| retry_after(&resp.headers).map(|d| SystemTime::now() + d)),
                    reason: format!("still limited after {attempts} attempt(s)"),
                }
            }
            401 | 403 => ForgeError::Auth {
                forge,
                endpoint,
                status: resp.status,
                message,
                hint: forge.auth_hint(),
            },
            404 => ForgeError::NotFound {
                forge,
                endpoint,
                message,
            },
            status if html && !(300..400).contains(&status) => ForgeError::HtmlPage {
                forge,
                endpoint,
                status,
            },
            status => ForgeError::Status {
                forge,
                endpoint,
                status,
                message,
                attempts,
            },
        }
    }

    /// Scrubs the token and URLs' queries out of a message and bounds its length.
    fn clean(&self, text: &str) -> String {
        truncate(&strip_queries(&self.token.scrub(text)), 300)
    }
}

fn name_lower(name: &'static str) -> &'static str {
    // Header names given to `from_static` must be lowercase.
    debug_assert!(!name.bytes().any(|b| b.is_ascii_uppercase()));
    name
}

/// The `rel="next"` target of a `Link` header.
pub(crate) fn next_link(header: &str) -> Option<&str> {
    for part in header.split(',') {
        let part = part.trim();
        let (Some(start), Some(end)) = (part.find('<'), part.find('>')) else {
            continue;
        };
        if end <= start {
            continue;
        }
        let target = &part[start + 1..end];
        let is_next = part[end + 1..].split(';').any(|param| {
            let param = param.trim();
            let Some((key, value)) = param.split_once('=') else {
                return false;
            };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target);
        }
    }
    None
}

/// Percent-encodes one path segment or query value (everything but RFC 3986 unreserved
/// characters), e.g. a GitLab project path `group/sub/project` → `group%2Fsub%2Fproject`.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One forge request under [`net::send`]: the forges' status judgement and errors.
struct ForgeExchange<'a> {
    client: &'a HttpClient,
    req: &'a Request,
    endpoint: Endpoint,
}

impl Exchange for ForgeExchange<'_> {
    type Error = ForgeError;

    fn idempotent(&self) -> bool {
        self.req.method.idempotent()
    }

    async fn attempt(&mut self) -> Result<Response, Transport> {
        self.client.send_once(self.req).await
    }

    /// 429, and 403 with a rate-limit header, wait for the limit; 5xx is retried when the
    /// request may be repeated (a 503 was not processed); anything else fails.
    async fn judge(&mut self, resp: &Response, attempts: u32) -> Verdict<ForgeError> {
        if resp.status < 300 {
            return Verdict::Done;
        }
        let retry_after = retry_after(&resp.headers);
        let reset = rate_limit_reset(&resp.headers);
        let rate_limited = resp.status == 429
            || (resp.status == 403 && (reset.is_some() || retry_after.is_some()));
        let retryable = rate_limited
            || (resp.status >= 500 && (self.req.method.idempotent() || resp.status == 503));
        let err = self
            .client
            .status_error(&self.endpoint, resp, attempts, reset);
        if !retryable {
            return Verdict::Fail(err);
        }
        let wait = retry_after.or_else(|| {
            reset.map(|t| {
                t.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO)
            })
        });
        Verdict::Retry(err, wait)
    }

    fn transport_error(&self, failure: Transport, attempts: u32) -> ForgeError {
        let forge = self.client.forge;
        let endpoint = self.endpoint.clone();
        match failure {
            Transport::Timeout(after) => ForgeError::Timeout {
                forge,
                endpoint,
                after,
                attempts,
            },
            Transport::Connect(detail) | Transport::Body(detail) | Transport::Other(detail) => {
                ForgeError::Network {
                    forge,
                    endpoint,
                    detail: self.client.clean(&detail),
                    attempts,
                }
            }
        }
    }

    fn deadline_error(&self, last: String) -> ForgeError {
        ForgeError::Deadline {
            forge: self.client.forge,
            endpoint: self.endpoint.clone(),
            last,
        }
    }

    /// A rate limit that cannot be waited out says when it resets and why we did not wait.
    fn give_up(&self, err: ForgeError, why: GiveUp) -> ForgeError {
        let reason = match why {
            GiveUp::Spent => return err,
            GiveUp::TooLong(_) => format!(
                "not waiting longer than {} s for it",
                self.client.config.policy.max_wait.as_secs()
            ),
            GiveUp::Deadline(_) => "the run's deadline comes first".into(),
        };
        match (err, why) {
            (
                ForgeError::RateLimited {
                    forge,
                    endpoint,
                    status,
                    ..
                },
                GiveUp::TooLong(wait) | GiveUp::Deadline(wait),
            ) => ForgeError::RateLimited {
                forge,
                endpoint,
                status,
                reset_at: Some(SystemTime::now() + wait),
                reason,
            },
            (err, GiveUp::Deadline(_)) => self.deadline_error(err.to_string()),
            (err, _) => err,
        }
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
