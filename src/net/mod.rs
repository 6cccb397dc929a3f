//! The one way to send a request: every HTTP client of sfci (the forges, the Salesforce org,
//! Prometheus, the notification webhook, the Pushgateway) goes through here.
//!
//! What it holds:
//! - [`Secret`]: a credential whose `Debug`/`Display` redact.
//! - [`HttpConfig`]: a client's timeouts, retries, waits, deadline and page cap.
//! - [`Policy`] and [`send`]: the send-with-policy loop. Every attempt has a total timeout (a
//!   connect timeout is set on the client with [`client_builder`]), cut short by the run's
//!   deadline; failures are retried at most [`Policy::max_retries`] times with a jittered
//!   exponential backoff, or after the server's `Retry-After` (delta-seconds or an HTTP date,
//!   [`retry_after`]) or rate-limit reset (GitHub `x-ratelimit-reset`, GitLab `RateLimit-Reset`
//!   when the remaining count is 0, [`rate_limit_reset`]) — never longer than
//!   [`Policy::max_wait`] and never past the deadline. A request that may have been processed (a
//!   `POST` that timed out or lost its connection mid-way) is retried only when the client says
//!   it is idempotent; one that cannot have been (no connection) always is.
//! - [`Transport`] and [`classify`]: the one classification of transport failures (no
//!   connection; a timeout, reqwest's or an `io::ErrorKind::TimedOut` anywhere in the chain; the
//!   body cut short; anything else).
//! - Redaction and checks shared by the clients: [`chain`] (an error chain without URLs),
//!   [`strip_queries`], [`truncate`], [`is_html`] (an HTML page where JSON was expected),
//!   [`same_origin`] redirects only ([`same_origin_redirects`]), [`parse_base_url`].
//! - [`post`]: a one-shot `POST` to a service that takes no credential header (the notification
//!   webhook, the Pushgateway), with its own [`PostError`].
//!
//! Each client supplies only what is its own through [`Exchange`]: how one attempt is built
//! (auth, URL, payload), what a status means (retry, fail, renew the session), and its error type.
//! Pagination and payload decoding stay in the clients.
//!
//! Why not `backon` for the retry loop: its jitter adds up to 100 % on top of a delay, after the
//! max-delay cap, so the documented bounds (no wait beyond `max_backoff`; a Prometheus
//! measurement that ends within its budget) would no longer hold; and its `Retryable` decides on
//! the error alone — a wait taken from the response, a give-up that must say *why* (rate limited
//! until T, the deadline first), an attempt timeout clipped to the deadline and a session renewal
//! that spends no retry would all sit in shared state around it, longer than this loop. The
//! jitter here only shortens a backoff (to between 3/4 and all of it), so every bound holds.
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::Url;
use serde::de::DeserializeOwned;

mod post;
mod secret;
pub use post::{post, Post, PostError};
pub use secret::Secret;

#[cfg(test)]
mod tests;

/// The user agent of every client.
pub const USER_AGENT: &str = concat!("sfci/", env!("CARGO_PKG_VERSION"));

/// A complete response (body read).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Timeouts, retries and limits of a client (the forges, the webhook, the Pushgateway).
/// `Default` gives the production values.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Time to establish a connection (TCP + TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// Total time for one request, body included. Default 30 s.
    pub request_timeout: Duration,
    /// Retries after the first attempt. Default 3.
    pub max_retries: u32,
    /// First backoff; doubled on every retry. Default 1 s.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts. Default 30 s.
    pub max_backoff: Duration,
    /// Longest wait for a `Retry-After` or a rate-limit reset; a longer one fails at once with
    /// an error. Default 60 s.
    pub max_wait: Duration,
    /// Deadline for the whole run: no request starts or waits past it.
    pub deadline: Option<Instant>,
    /// Most pages one listing may read (paginated clients). Default 1,000.
    pub max_pages: usize,
    /// Print a line on stderr before each retry. Default true.
    pub log_retries: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
            deadline: None,
            max_pages: 1000,
            log_retries: true,
        }
    }
}

impl HttpConfig {
    /// Sets the run's deadline (share one `Instant` between clients of one run).
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets the run's deadline to `timeout` from now.
    pub fn with_run_timeout(self, timeout: Duration) -> Self {
        self.with_deadline(Instant::now() + timeout)
    }

    /// The nominal backoff before retry number `retry + 1` (see [`Policy::backoff`]).
    pub fn backoff(&self, retry: u32) -> Duration {
        self.policy().backoff(retry)
    }

    /// The send policy of [`crate::net`].
    pub fn policy(&self) -> Policy {
        Policy {
            request_timeout: self.request_timeout,
            max_retries: self.max_retries,
            initial_backoff: self.initial_backoff,
            max_backoff: self.max_backoff,
            max_wait: self.max_wait,
            deadline: self.deadline,
            log_retries: self.log_retries,
        }
    }
}

/// Timeouts, retries and waits of one client. Each client has its own defaults.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Total time for one attempt, body included.
    pub request_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff; doubled on every retry.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts.
    pub max_backoff: Duration,
    /// Longest wait for a `Retry-After` or a rate-limit reset: a longer one gives up at once.
    pub max_wait: Duration,
    /// Deadline for the whole run: no attempt starts or waits past it.
    pub deadline: Option<Instant>,
    /// Print a line on stderr before each retry.
    pub log_retries: bool,
}

impl Policy {
    /// The nominal backoff before retry number `retry + 1`: `initial_backoff · 2^retry`, at
    /// most `max_backoff`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The backoff [`send`] waits: [`Policy::backoff`] shortened by a random jitter of up to a
    /// quarter, so clients that failed together do not come back together.
    pub fn jittered_backoff(&self, retry: u32) -> Duration {
        let full = self.backoff(retry);
        full.saturating_sub(full.mul_f64(jitter() / 4.0))
    }

    /// The time left before the deadline, if one is set.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }
}

/// A random number in `[0, 1)` (the std hasher's per-instance random keys; no dependency).
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Why one attempt produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// The connection could not be made: the request was not sent (always safe to retry).
    Connect(String),
    /// No complete answer within the attempt's timeout.
    Timeout(Duration),
    /// The answer's body was cut short (the request was processed).
    Body(String),
    /// Anything else (the request may have been processed).
    Other(String),
}

impl Transport {
    /// A short, URL-free description.
    pub fn detail(&self) -> String {
        match self {
            Transport::Connect(d) | Transport::Body(d) | Transport::Other(d) => d.clone(),
            Transport::Timeout(after) => format!("timed out after {after:?}"),
        }
    }
}

/// The one classification of a transport error: a timeout (reqwest's, or an
/// `io::ErrorKind::TimedOut` anywhere in the chain) first, then a failed connection, else other.
pub fn classify(e: &(dyn StdError + 'static)) -> Transport {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    let mut connect = false;
    while let Some(err) = cur {
        if let Some(re) = err.downcast_ref::<reqwest::Error>() {
            if re.is_timeout() {
                return Transport::Timeout(Duration::ZERO);
            }
            connect |= re.is_connect();
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return Transport::Timeout(Duration::ZERO);
            }
        }
        cur = err.source();
    }
    if connect {
        Transport::Connect(chain(e))
    } else {
        Transport::Other(chain(e))
    }
}

/// [`classify`] for an error while reading a body: a timeout stays a timeout, anything else
/// is the body cut short.
pub fn classify_body(e: &(dyn StdError + 'static)) -> Transport {
    match classify(e) {
        Transport::Timeout(d) => Transport::Timeout(d),
        Transport::Connect(d) | Transport::Other(d) | Transport::Body(d) => Transport::Body(d),
    }
}

/// Sends a built reqwest request and reads the whole body.
pub async fn fetch(rb: reqwest::RequestBuilder) -> Result<Response, Transport> {
    let resp = rb.send().await.map_err(|e| classify(&e))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.map_err(|e| classify_body(&e))?;
    Ok(Response {
        status,
        headers,
        body: body.to_vec(),
    })
}

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

/// What a client makes of a response.
#[derive(Debug)]
pub enum Verdict<E> {
    /// The response is the call's result.
    Done,
    /// Give up with this error.
    Fail(E),
    /// Retry after `wait` (`None`: the backoff), if retries, `max_wait` and the deadline allow.
    Retry(E, Option<Duration>),
    /// Send again now without spending a retry (the client renewed its session).
    Again,
}

/// Why [`send`] stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// Every retry was spent.
    Spent,
    /// The wait asked for is longer than [`Policy::max_wait`].
    TooLong(Duration),
    /// The wait would end past the deadline.
    Deadline(Duration),
}

/// What a client supplies to [`send`]: its attempt (auth, URL, payload), its status
/// judgement and its errors.
#[allow(async_fn_in_trait)]
pub trait Exchange {
    type Error: fmt::Display;

    /// Whether a request that may have been processed can be sent again (GET, PUT, a PATCH
    /// setting a value); a `POST` is not, and is retried only when it cannot have been processed.
    fn idempotent(&self) -> bool;

    /// One attempt; [`send`] bounds it by the attempt's timeout.
    fn attempt(&mut self) -> impl Future<Output = Result<Response, Transport>>;

    /// What `resp` (any status) means. `attempts` counts this one.
    fn judge(
        &mut self,
        resp: &Response,
        attempts: u32,
    ) -> impl Future<Output = Verdict<Self::Error>>;

    /// The error for a transport failure after `attempts` attempts.
    fn transport_error(&self, failure: Transport, attempts: u32) -> Self::Error;

    /// The error when the deadline passed; `last` is what happened before (may be empty).
    fn deadline_error(&self, last: String) -> Self::Error;

    /// The error to give up with. By default `err`, or a deadline error naming it.
    fn give_up(&self, err: Self::Error, why: GiveUp) -> Self::Error {
        match why {
            GiveUp::Deadline(_) => self.deadline_error(err.to_string()),
            GiveUp::Spent | GiveUp::TooLong(_) => err,
        }
    }

    /// Called after each attempt (verbose logs).
    fn observe(&mut self, _outcome: &Result<Response, Transport>, _took: Duration) {}

    /// The line printed before a retry (when [`Policy::log_retries`]).
    fn retry_line(&self, err: &Self::Error, wait: Duration, retry: u32, max: u32) -> String {
        format!(
            "{err}; retrying in {:.1} s (retry {retry} of {max})",
            wait.as_secs_f64()
        )
    }
}

/// Sends with `policy`: `Ok` when the client's judgement is [`Verdict::Done`].
pub async fn send<X: Exchange>(policy: &Policy, x: &mut X) -> Result<Response, X::Error> {
    let mut retry = 0u32;
    loop {
        let attempts = retry + 1;
        let remaining = policy.remaining();
        if remaining == Some(Duration::ZERO) {
            return Err(x.deadline_error(String::new()));
        }
        let (timeout, clipped) = match remaining {
            Some(r) if r < policy.request_timeout => (r, true),
            _ => (policy.request_timeout, false),
        };
        let started = Instant::now();
        let outcome = match tokio::time::timeout(timeout, x.attempt()).await {
            Ok(Err(Transport::Timeout(_))) | Err(_) => Err(Transport::Timeout(timeout)),
            Ok(r) => r,
        };
        x.observe(&outcome, started.elapsed());
        let (err, wait) = match outcome {
            Ok(resp) => match x.judge(&resp, attempts).await {
                Verdict::Done => return Ok(resp),
                Verdict::Fail(e) => return Err(e),
                Verdict::Again => continue,
                Verdict::Retry(e, wait) => (e, wait),
            },
            Err(Transport::Timeout(after)) if clipped => {
                return Err(x.deadline_error(format!("a request was still running after {after:?}")))
            }
            Err(failure) => {
                let may_repeat = matches!(failure, Transport::Connect(_)) || x.idempotent();
                let e = x.transport_error(failure, attempts);
                if !may_repeat {
                    return Err(e);
                }
                (e, None)
            }
        };
        if retry >= policy.max_retries {
            return Err(x.give_up(err, GiveUp::Spent));
        }
        let wait = wait.unwrap_or_else(|| policy.jittered_backoff(retry));
        if wait > policy.max_wait {
            return Err(x.give_up(err, GiveUp::TooLong(wait)));
        }
        if policy.remaining().is_some_and(|r| wait >= r) {
            return Err(x.give_up(err, GiveUp::Deadline(wait)));
        }
        if policy.log_retries {
            eprintln!(
                "{}",
                x.retry_line(&err, wait, retry + 1, policy.max_retries)
            );
        }
        tokio::time::sleep(wait).await;
        retry += 1;
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

/// `Retry-After` as a wait from now: delta-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_str(headers, "retry-after")?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// When the rate limit resets, if the remaining count is 0 (GitHub `x-ratelimit-*`, GitLab
/// `RateLimit-*`; both carry epoch seconds).
pub fn rate_limit_reset(headers: &HeaderMap) -> Option<SystemTime> {
    for (remaining, reset) in [
        ("x-ratelimit-remaining", "x-ratelimit-reset"),
        ("ratelimit-remaining", "ratelimit-reset"),
    ] {
        if header_str(headers, remaining).map(str::trim) == Some("0") {
            if let Some(secs) =
                header_str(headers, reset).and_then(|v| v.trim().parse::<u64>().ok())
            {
                return Some(UNIX_EPOCH + Duration::from_secs(secs));
            }
        }
    }
    None
}

/// Whether a body is an HTML page (by content type, or by how it starts) where JSON was
/// expected: a login or maintenance page, a proxy's error page.
pub fn is_html(headers: &HeaderMap, body: &[u8]) -> bool {
    if let Some(ct) = header_str(headers, "content-type") {
        if ct.to_ascii_lowercase().contains("text/html") {
            return true;
        }
    }
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &body[i..])
        .unwrap_or(&[]);
    let head: Vec<u8> = start.iter().take(15).map(u8::to_ascii_lowercase).collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html") || head.starts_with(b"<head")
}

/// Decodes a whole JSON body; the error names the path of the bad value
/// (`[3].filename: invalid type: null, expected a string`) or says what is wrong at the top.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => match de.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(e.to_string()),
        },
        Err(e) => {
            let path = e.path().to_string();
            Err(if path == "." || path.is_empty() {
                e.inner().to_string()
            } else {
                format!("{path}: {}", e.inner())
            })
        }
    }
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

/// The error chain of `e` as one line, without any URL (reqwest's own message names the URL:
/// only its kind and sources are kept).
pub fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(re) = err.downcast_ref::<reqwest::Error>() {
            parts.push(
                if re.is_connect() {
                    "cannot connect"
                } else if re.is_timeout() {
                    "timed out"
                } else if re.is_body() || re.is_decode() {
                    "cannot read the response body"
                } else if re.is_redirect() {
                    "too many redirects"
                } else {
                    "request failed"
                }
                .to_string(),
            );
        } else if err.downcast_ref::<octocrab::Error>().is_none() {
            let text = err.to_string();
            if parts.last() != Some(&text) {
                parts.push(text);
            }
        }
        cur = err.source();
    }
    strip_queries(&parts.join(": "))
}

/// Removes the query part of anything that looks like a URL in `text`.
pub fn strip_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.contains("://") {
            if let Some(q) = word.find('?') {
                out.push_str(&word[..q]);
                // keep closing punctuation such as ")" after the query
                let tail: String = word[q..]
                    .chars()
                    .rev()
                    .take_while(|c| matches!(c, ')' | ']' | '"' | '\'' | ',' | '.'))
                    .collect();
                out.extend(tail.chars().rev());
                continue;
            }
        }
        out.push_str(word);
    }
    out
}

/// The service's error message from a JSON error body (`message`, `error`, `error_description`),
/// or the first line of a text body.
pub fn error_message(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let mut parts = Vec::new();
        for key in ["message", "error", "error_description"] {
            match value.get(key) {
                Some(serde_json::Value::String(s)) => parts.push(s.clone()),
                Some(serde_json::Value::Null) | None => {}
                Some(other) => parts.push(other.to_string()),
            }
        }
        return parts.join(": ");
    }
    String::from_utf8_lossy(body)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// `text` cut to `max` characters, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max).collect();
    s.push('…');
    s
}
