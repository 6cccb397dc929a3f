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
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

mod answer;
mod post;
mod redact;
mod secret;
mod send;
mod url;
pub use answer::{decode_json, error_message, is_html, rate_limit_reset, retry_after};
pub use post::{post, Post, PostError};
pub use redact::{chain, strip_queries, truncate};
pub use secret::Secret;
pub use send::{
    classify, classify_body, fetch, send, Exchange, GiveUp, Policy, Transport, Verdict,
};
pub use url::{
    client_builder, is_loopback, parse_base_url, parse_base_url_with, same_origin,
    same_origin_redirects,
};

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

/// What a client of `net` sets beyond the [`Policy`] of each request (the forges, the
/// webhook, the Pushgateway). `Default` gives the production values.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Time to establish a connection (TCP + TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// Most pages one listing may read (paginated clients). Default 1,000.
    pub max_pages: usize,
    /// Timeouts, retries, waits and the run's deadline of each request ([`Policy::default`]).
    pub policy: Policy,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            max_pages: 1000,
            policy: Policy::default(),
        }
    }
}

impl HttpConfig {
    /// Sets the run's deadline (share one `Instant` between clients of one run).
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.policy.deadline = Some(deadline);
        self
    }

    /// Sets the run's deadline to `timeout` from now.
    pub fn with_run_timeout(self, timeout: Duration) -> Self {
        self.with_deadline(Instant::now() + timeout)
    }

    /// The nominal backoff before retry number `retry + 1` (see [`Policy::backoff`]).
    pub fn backoff(&self, retry: u32) -> Duration {
        self.policy.backoff(retry)
    }
}
