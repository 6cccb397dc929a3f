//! Why a call to the org failed. Every message names the operation and the URL path
//! (never the host's query string, never a credential: the client scrubs its secrets
//! out of every text it puts here).

use std::time::Duration;

/// One failed call (or a failed login).
#[derive(Debug, Clone, thiserror::Error)]
pub enum OrgError {
    /// The credentials are missing or unusable (no network involved).
    #[error("org auth: {0}")]
    Config(String),
    /// The token endpoint refused the credentials, or the session expired and could not
    /// be renewed.
    #[error("org auth failed: {0}")]
    Auth(String),
    /// Salesforce answered with an error array (`errorCode`, `message`).
    #[error("{endpoint}: HTTP {status} {code}: {message}")]
    Api {
        endpoint: String,
        status: u16,
        code: String,
        message: String,
    },
    /// The org's 24-hour API request allocation is spent: retrying cannot help.
    #[error("{endpoint}: the org's daily API request limit is exhausted (REQUEST_LIMIT_EXCEEDED{usage}); no retry until the 24-hour allocation frees up")]
    ApiLimit { endpoint: String, usage: String },
    /// An HTML page where JSON was expected (a login page, a proxy, a maintenance page).
    #[error("{endpoint}: HTTP {status} answered with an HTML page, not JSON (a login or maintenance page, or a proxy in the way?)")]
    Html { endpoint: String, status: u16 },
    /// The body is not the JSON expected.
    #[error("{endpoint}: malformed JSON (HTTP {status}): {detail}")]
    Malformed {
        endpoint: String,
        status: u16,
        detail: String,
    },
    /// No connection, a reset, a TLS failure — after the retries.
    #[error("{endpoint}: {detail} (after {attempts} attempt{})", if *.attempts == 1 { "" } else { "s" })]
    Network {
        endpoint: String,
        detail: String,
        attempts: u32,
    },
    /// No answer within the request timeout — after the retries.
    #[error("{endpoint}: no answer within {}s (after {attempts} attempt{})", .after.as_secs_f64(), if *.attempts == 1 { "" } else { "s" })]
    Timeout {
        endpoint: String,
        after: Duration,
        attempts: u32,
    },
    /// The run's (or the check's) deadline passed.
    #[error("{endpoint}: the deadline passed{}", if .last.is_empty() { String::new() } else { format!(" (last: {})", .last) })]
    Deadline { endpoint: String, last: String },
    /// A request that cannot be sent as asked (too long for the GET endpoint…).
    #[error("{0}")]
    Request(String),
    /// Query pagination went wrong (a loop, too many pages).
    #[error("{endpoint}: {detail}")]
    Pagination { endpoint: String, detail: String },
}

impl OrgError {
    /// Whether the org could not be reached or logged into at all (the run cannot go
    /// on), as opposed to one call failing.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            OrgError::Config(_) | OrgError::Auth(_) | OrgError::ApiLimit { .. }
        )
    }
}
