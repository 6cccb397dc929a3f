//! Forge clients: GitHub and GitLab REST.
//!
//! Both clients sit on [`crate::net`] through [`http`]: reqwest with rustls, connect and total timeouts
//! per request, bounded retries with exponential backoff for 429, 5xx and connection errors,
//! `Retry-After` and rate-limit reset headers honoured up to a cap, a deadline for the whole run,
//! pagination with a loop guard, and errors that name the forge and the endpoint path — never a
//! query string and never a token ([`Secret`]).
//!
//! GitHub requests go through `octocrab` (authentication, base URI), which runs on the same
//! reqwest client; GitLab requests go to reqwest directly. Each client owns a small current-thread
//! tokio runtime, so its methods are plain blocking calls (do not call them from inside another
//! tokio runtime).
//!
//! Tokens each forge needs:
//! - GitHub: a token that can read the repository, its pull requests and the organisation's teams
//!   (`GITHUB_TOKEN` of a workflow cannot read org teams: use a GitHub App token or a
//!   fine-grained token with *Members: read*), plus *Pull requests / Issues: write* for comments.
//! - GitLab: a project access token (`read_api`, or `api` to post notes). `CI_JOB_TOKEN` cannot
//!   read merge-request approvals or post notes.
use std::fmt;
use std::time::{Duration, SystemTime};

pub mod args;
pub mod comment;
pub mod connect;
pub mod github;
pub mod gitlab;
pub mod http;

#[cfg(test)]
pub(crate) mod fake;

pub use crate::net::Secret;
pub use connect::{Client, ForgeClient, ForgeOptions, Standing};
pub use github::{GitHub, Review, ReviewState};
pub use gitlab::GitLab;
pub use http::HttpConfig;

/// Which forge a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Forge {
    GitHub,
    GitLab,
}

impl fmt::Display for Forge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Forge::GitHub => "GitHub",
            Forge::GitLab => "GitLab",
        })
    }
}

impl Forge {
    /// What to do about a 401/403: which token is needed.
    pub fn auth_hint(self) -> &'static str {
        match self {
            Forge::GitHub => {
                "use a GitHub token that can read this repository, its pull requests and the \
                 organisation's teams (a workflow's GITHUB_TOKEN cannot read org teams: use a \
                 GitHub App token or a fine-grained token with Members: read; posting comments \
                 also needs Pull requests: write)"
            }
            Forge::GitLab => {
                "use a GitLab project access token with read_api (api to post notes); \
                 CI_JOB_TOKEN cannot read merge request approvals or post notes"
            }
        }
    }
}

/// An HTTP method and a URL path (no scheme, host, query or credentials): how errors name the
/// request that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: String,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Everything a forge request can fail with. `Display` names the forge and the endpoint path
/// (never a query string, never a token).
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// 401, or 403 that is not a rate limit.
    #[error("{forge}: {endpoint} was refused (HTTP {status}{}): {hint}", fmt_message(.message))]
    Auth {
        forge: Forge,
        endpoint: Endpoint,
        status: u16,
        message: String,
        hint: &'static str,
    },
    /// 404.
    #[error("{forge}: {endpoint}: not found (HTTP 404{})", fmt_message(.message))]
    NotFound {
        forge: Forge,
        endpoint: Endpoint,
        message: String,
    },
    /// 429, or 403 with the rate limit exhausted, that could not be waited out.
    #[error("{forge}: {endpoint}: rate limited (HTTP {status}); {}", fmt_reset(.reset_at, .reason))]
    RateLimited {
        forge: Forge,
        endpoint: Endpoint,
        status: u16,
        /// When the limit resets, if the forge said so.
        reset_at: Option<SystemTime>,
        /// Why we did not wait for it.
        reason: String,
    },
    /// One request took longer than its total timeout (on every attempt).
    #[error("{forge}: {endpoint}: timed out after {} ({attempts} attempt{})", fmt_duration(*.after), plural(*.attempts))]
    Timeout {
        forge: Forge,
        endpoint: Endpoint,
        after: Duration,
        attempts: u32,
    },
    /// The deadline for the whole run passed (or would pass while waiting to retry).
    #[error("{forge}: {endpoint}: the run's deadline was reached{}", fmt_message(.last))]
    Deadline {
        forge: Forge,
        endpoint: Endpoint,
        /// The last failure before the deadline, if any.
        last: String,
    },
    /// Connection refused, DNS, TLS, reset connections — after retries.
    #[error("{forge}: {endpoint}: network error after {attempts} attempt{}: {detail}", plural(*.attempts))]
    Network {
        forge: Forge,
        endpoint: Endpoint,
        detail: String,
        attempts: u32,
    },
    /// Any other unsuccessful status (5xx after retries, 422, ...).
    #[error("{forge}: {endpoint}: HTTP {status} after {attempts} attempt{}{}", plural(*.attempts), fmt_message(.message))]
    Status {
        forge: Forge,
        endpoint: Endpoint,
        status: u16,
        message: String,
        attempts: u32,
    },
    /// A body that is not the JSON we expect (malformed, truncated, wrong shape).
    #[error("{forge}: malformed JSON from {} (HTTP {status}): {detail}", .endpoint.path)]
    MalformedJson {
        forge: Forge,
        endpoint: Endpoint,
        status: u16,
        detail: String,
    },
    /// An HTML page where JSON was expected (a proxy's or load balancer's error page, an SSO page).
    #[error("{forge}: HTML error page from {} (HTTP {status})", .endpoint.path)]
    HtmlPage {
        forge: Forge,
        endpoint: Endpoint,
        status: u16,
    },
    /// A pagination problem: a next-page link that repeats, leaves the forge, or too many pages.
    #[error("{forge}: {endpoint}: pagination stopped: {detail}")]
    Pagination {
        forge: Forge,
        endpoint: Endpoint,
        detail: String,
    },
    /// The forge API cannot list every changed file (GitHub lists at most 3,000 per pull request):
    /// take the changed files from git instead.
    #[error("{forge}: {endpoint}: the pull request changes {total} files, more than the API lists (at most {limit}{}); take the changed files from git", .listed.map(|n| format!(", got {n}")).unwrap_or_default())]
    TooManyFiles {
        forge: Forge,
        endpoint: Endpoint,
        total: u64,
        /// How many the API listed, when it was asked.
        listed: Option<u64>,
        limit: u64,
    },
    /// A client that cannot be built as configured (bad base URL, plain http to a remote host).
    #[error("{forge}: invalid configuration: {detail}")]
    Config { forge: Forge, detail: String },
}

impl ForgeError {
    /// The forge the error came from.
    pub fn forge(&self) -> Forge {
        match self {
            ForgeError::Auth { forge, .. }
            | ForgeError::NotFound { forge, .. }
            | ForgeError::RateLimited { forge, .. }
            | ForgeError::Timeout { forge, .. }
            | ForgeError::Deadline { forge, .. }
            | ForgeError::Network { forge, .. }
            | ForgeError::Status { forge, .. }
            | ForgeError::MalformedJson { forge, .. }
            | ForgeError::HtmlPage { forge, .. }
            | ForgeError::Pagination { forge, .. }
            | ForgeError::TooManyFiles { forge, .. }
            | ForgeError::Config { forge, .. } => *forge,
        }
    }

    /// True for 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ForgeError::NotFound { .. })
    }

    /// True when the caller should take the changed files from git instead.
    pub fn is_too_many_files(&self) -> bool {
        matches!(self, ForgeError::TooManyFiles { .. })
    }
}

/// What an upsert of the summary comment/note did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Created {
        id: u64,
    },
    Updated {
        id: u64,
    },
    /// The existing comment already had exactly this body.
    Unchanged {
        id: u64,
    },
    /// Update only: there was no comment to update, and none was created.
    Absent,
}

fn fmt_message(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn fmt_duration(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn fmt_reset(reset_at: &Option<SystemTime>, reason: &str) -> String {
    match reset_at {
        Some(t) => {
            let secs = t
                .duration_since(SystemTime::now())
                .map(|d| d.as_secs())
                .unwrap_or(0);
            format!(
                "the limit resets at {} (in {secs} s); {reason}",
                httpdate::fmt_http_date(*t)
            )
        }
        None => reason.to_string(),
    }
}
