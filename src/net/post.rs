//! A one-shot `POST` to a service that takes no credential header: the notification webhook
//! (its URL is the credential) and the Prometheus Pushgateway. Sent with [`super::send`]: a
//! `POST` is retried only when it cannot have been processed (no connection, 429, 503).
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::Url;

use super::{
    client_builder, error_message, is_html, parse_base_url_with, retry_after, strip_queries,
    truncate, Exchange, HttpConfig, Response, Secret, Transport, Verdict,
};

/// What to post, and where.
#[derive(Debug)]
pub struct Post {
    /// What messages call the service (`notification webhook`, `Pushgateway`).
    pub service: &'static str,
    /// What to do about a 401/403.
    pub refused_hint: &'static str,
    pub url: Url,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub accept: &'static str,
    /// Plain http to any host (no credential is sent); else https, or http to loopback only.
    pub any_http: bool,
    /// What every message is scrubbed of (a webhook URL's path).
    pub secret: Secret,
}

/// Why a post failed. Messages name the service and the path (scrubbed), never the host,
/// query or secret.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// The URL or the client cannot be used as given.
    #[error("{service}: invalid configuration: {detail}")]
    Config {
        service: &'static str,
        detail: String,
    },
    /// The request failed (status, transport, deadline).
    #[error("{service}: POST {path}: {detail}")]
    Failed {
        service: &'static str,
        path: String,
        detail: String,
    },
}

/// Posts `post` under `config`'s timeouts, retries and deadline.
pub fn post(post: &Post, config: &HttpConfig) -> Result<(), PostError> {
    let config_err = |detail: String| PostError::Config {
        service: post.service,
        detail: post.secret.scrub(&detail),
    };
    let base = parse_base_url_with(post.url.as_str(), post.any_http).map_err(config_err)?;
    let client = client_builder(config.connect_timeout, Some(&base))
        .build()
        .map_err(|e| {
            config_err(format!(
                "cannot build the HTTP client: {}",
                super::chain(&e)
            ))
        })?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| config_err(format!("cannot start the async runtime: {e}")))?;
    let mut exchange = Posting {
        post,
        client,
        path: post.secret.scrub(post.url.path()),
    };
    rt.block_on(super::send(&config.policy, &mut exchange))?;
    Ok(())
}

struct Posting<'a> {
    post: &'a Post,
    client: reqwest::Client,
    path: String,
}

impl Posting<'_> {
    fn failed(&self, detail: String) -> PostError {
        PostError::Failed {
            service: self.post.service,
            path: self.path.clone(),
            detail: truncate(&strip_queries(&self.post.secret.scrub(&detail)), 400),
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn with_message(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl Exchange for Posting<'_> {
    type Error = PostError;

    fn idempotent(&self) -> bool {
        false
    }

    async fn attempt(&mut self) -> Result<Response, Transport> {
        let rb = self
            .client
            .post(self.post.url.clone())
            .header(ACCEPT, HeaderValue::from_static(self.post.accept))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static(self.post.content_type),
            )
            .body(self.post.body.clone());
        super::fetch(rb).await
    }

    async fn judge(&mut self, resp: &Response, attempts: u32) -> Verdict<PostError> {
        let status = resp.status;
        if status < 300 {
            return Verdict::Done;
        }
        let html = is_html(&resp.headers, &resp.body);
        let message = if html {
            String::new()
        } else {
            with_message(&error_message(&resp.body))
        };
        let detail = match status {
            300..=399 => format!(
                "HTTP {status}: a redirect to another host or too many redirects (not followed)"
            ),
            401 | 403 => format!(
                "was refused (HTTP {status}{message}): {}",
                self.post.refused_hint
            ),
            404 => format!("not found (HTTP 404{message})"),
            429 | 503 => format!(
                "HTTP {status} after {attempts} attempt{}{message}",
                plural(attempts)
            ),
            _ if html => format!("HTML error page (HTTP {status})"),
            _ => format!(
                "HTTP {status} after {attempts} attempt{}{message}",
                plural(attempts)
            ),
        };
        let err = self.failed(detail);
        // A 429 or a 503 was not processed: sending again cannot post twice.
        if status == 429 || status == 503 {
            Verdict::Retry(err, retry_after(&resp.headers))
        } else {
            Verdict::Fail(err)
        }
    }

    fn transport_error(&self, failure: Transport, attempts: u32) -> PostError {
        self.failed(match failure {
            Transport::Timeout(after) => format!(
                "timed out after {} ({attempts} attempt{})",
                fmt_duration(after),
                plural(attempts)
            ),
            Transport::Connect(d) | Transport::Body(d) | Transport::Other(d) => format!(
                "network error after {attempts} attempt{}: {d}",
                plural(attempts)
            ),
        })
    }

    fn deadline_error(&self, last: String) -> PostError {
        self.failed(format!(
            "the run's deadline was reached{}",
            with_message(&last)
        ))
    }
}

fn fmt_duration(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}
