//! The Salesforce org client: auth ([`auth`]), REST and Tooling queries with
//! `nextRecordsUrl` pagination, `queryAll`, anonymous Apex, `/limits`, and plain GETs.
//!
//! - **One session, renewed once:** a 401 (`INVALID_SESSION_ID`) renews the session once per
//!   call through the refresh-token or JWT grant — concurrent calls share one renewal — and a
//!   second 401 is an auth error, never a loop. An access token cannot be renewed.
//! - **Retries:** bounded, with exponential backoff, on connection failures, 429, 5xx and a
//!   `REQUEST_LIMIT_EXCEEDED` for concurrent requests; `Retry-After` is honoured up to
//!   [`Policy::max_wait`](crate::net::Policy::max_wait). When the org's 24-hour API allocation is spent the call fails at
//!   once with the usage ([`OrgError::ApiLimit`]). A call that changes data (anonymous Apex
//!   that commits) is retried only when it cannot have run (no connection, 429).
//! - **Timeouts:** connect and per-request timeouts, both cut short by the run's deadline.
//!   The retry loop, waits, deadline and transport-error classes are [`crate::net::send`]'s;
//!   `send.rs` supplies the org's judgement of a status (renew, retry, fail).
//! - **Errors:** decoded from Salesforce's error array (`errorCode`, `message`) or the OAuth
//!   error (`error`, `error_description`); HTML pages and malformed JSON are named as such.
//! - **Usage:** the `Sforce-Limit-Info: api-usage=USED/MAX` header (the highest count seen).
//! - **Secrets:** the access token, refresh tokens (rotated ones too), client secret and JWT
//!   key are scrubbed out of every message, in plain and percent-encoded form; errors carry
//!   the method and URL path only.
//!
//! The client is async so that many checks share one connection pool on one thread
//! (`futures_util::stream::buffer_unordered`); [`runtime`] builds the runtime to drive it.

pub mod args;
pub mod auth;
pub mod error;
mod send;

pub use auth::{AuthInputs, Credentials};
pub use error::OrgError;

pub(crate) use crate::net::is_html;
pub use crate::net::Response;
use crate::net::{chain, decode_json, strip_queries, truncate, Policy, Secret};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The API version used unless `--api-version` says otherwise (Spring '26).
pub const DEFAULT_API_VERSION: &str = "66.0";

/// Anonymous Apex goes in the URL of a GET; Salesforce refuses URIs over 16,384 bytes.
pub const MAX_ANONYMOUS_URL: usize = 16_000;

/// Limits of the org client beyond the [`Policy`] of each request.
#[derive(Debug, Clone)]
pub struct OrgConfig {
    /// `66.0`.
    pub api_version: String,
    pub connect_timeout: Duration,
    /// Most pages one query reads.
    pub max_pages: usize,
    /// Most records one query keeps (the total size is still reported).
    pub max_records: usize,
    /// One line on stderr per request (method, path, status, time; never a secret).
    pub verbose: bool,
    /// Timeouts, retries, waits and the run's deadline of each request: 60 s per attempt,
    /// 3 retries, backoff from 0.5 s up to 20 s, `Retry-After` up to 60 s.
    pub policy: Policy,
}

impl Default for OrgConfig {
    fn default() -> Self {
        OrgConfig {
            api_version: DEFAULT_API_VERSION.into(),
            connect_timeout: Duration::from_secs(10),
            max_pages: 500,
            max_records: 50_000,
            verbose: false,
            policy: Policy {
                request_timeout: Duration::from_secs(60),
                initial_backoff: Duration::from_millis(500),
                max_backoff: Duration::from_secs(20),
                ..Policy::default()
            },
        }
    }
}

/// A current-thread runtime to drive the client.
pub fn runtime() -> Result<tokio::runtime::Runtime, OrgError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| OrgError::Config(format!("cannot start the async runtime: {e}")))
}

/// The org's API request usage from `Sforce-Limit-Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ApiUsage {
    pub used: u64,
    pub max: u64,
}

impl std::fmt::Display for ApiUsage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.used, self.max)
    }
}

/// Which API a query goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Rest,
    Tooling,
}

/// A query's records (at most [`OrgConfig::max_records`]) and its `totalSize`.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub total_size: u64,
    pub records: Vec<serde_json::Value>,
    /// More records exist than were kept.
    pub truncated: bool,
}

/// The answer of `tooling/executeAnonymous`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AnonymousResult {
    pub compiled: bool,
    pub success: bool,
    pub line: i64,
    pub column: i64,
    pub compile_problem: Option<String>,
    pub exception_message: Option<String>,
    pub exception_stack_trace: Option<String>,
}

/// One entry of `/limits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Limit {
    pub max: i64,
    pub remaining: i64,
}

/// Who the org is (`Organization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub id: String,
    pub name: String,
    pub instance: String,
    pub sandbox: bool,
}

struct Session {
    token: Secret,
    instance: Url,
    generation: u64,
}

/// What to send.
struct Call<'a> {
    method: reqwest::Method,
    /// A path below the instance (with its query), or an absolute URL.
    target: &'a str,
    body: Option<(Vec<u8>, &'static str)>,
    /// Repeating it has the same effect as sending it once.
    idempotent: bool,
    /// Return any final status instead of an error (the `http` smoke check).
    any_status: bool,
}

/// The client. Cheap to share by reference between concurrent calls.
pub struct Org {
    http: reqwest::Client,
    creds: Credentials,
    cfg: OrgConfig,
    session: Mutex<Session>,
    refresh_lock: tokio::sync::Mutex<()>,
    /// Every secret seen: the credentials' and each session's token.
    secrets: Mutex<Vec<Secret>>,
    usage: Mutex<Option<ApiUsage>>,
    requests: AtomicU64,
    /// The newest refresh token (Salesforce may rotate it on every exchange).
    refresh_token: Mutex<Option<Secret>>,
}

impl std::fmt::Debug for Org {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Org")
            .field("auth", &self.creds.describe())
            .finish_non_exhaustive()
    }
}

impl Org {
    /// Logs in (no network for an access token) and returns the client.
    pub async fn connect(creds: Credentials, cfg: OrgConfig) -> Result<Org, OrgError> {
        let http = crate::net::client_builder(cfg.connect_timeout, None)
            // Stricter than net's same-origin rule: the REST API answers no redirect, so one
            // (a login page, a proxy) is reported, never followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                OrgError::Config(format!("cannot build the HTTP client: {}", chain(&e)))
            })?;
        let (token, instance) = match &creds {
            Credentials::AccessToken {
                token,
                instance_url,
            } => (token.clone(), instance_url.clone()),
            _ => (
                Secret::default(),
                Url::parse("https://invalid.invalid").expect("static URL"),
            ),
        };
        let refresh_token = match &creds {
            Credentials::AuthUrl { refresh_token, .. } => Some(refresh_token.clone()),
            _ => None,
        };
        let org = Org {
            http,
            refresh_token: Mutex::new(refresh_token),
            secrets: Mutex::new(creds.secrets()),
            creds,
            cfg,
            session: Mutex::new(Session {
                token,
                instance,
                generation: 0,
            }),
            refresh_lock: tokio::sync::Mutex::new(()),
            usage: Mutex::new(None),
            requests: AtomicU64::new(0),
        };
        if org.creds.can_refresh() {
            org.renew(0).await?;
        }
        Ok(org)
    }

    pub fn config(&self) -> &OrgConfig {
        &self.cfg
    }

    /// The credentials' kind and host, for the summary.
    pub fn describe(&self) -> String {
        self.creds.describe()
    }

    /// The instance URL of the session.
    pub fn instance_url(&self) -> Url {
        lock(&self.session).instance.clone()
    }

    /// API usage from `Sforce-Limit-Info`: the highest count seen (answers to concurrent calls
    /// arrive in any order).
    pub fn usage(&self) -> Option<ApiUsage> {
        *lock(&self.usage)
    }

    /// Requests sent (attempts included).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Replaces every known secret in `text` (plain and percent-encoded), strips URL queries
    /// and bounds the length.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in lock(&self.secrets).iter() {
            if s.expose().len() < 4 {
                continue;
            }
            out = s.scrub(&out);
            let encoded: String = form_urlencoded::byte_serialize(s.expose().as_bytes()).collect();
            if encoded != s.expose() {
                out = out.replace(&encoded, "***");
            }
        }
        truncate(&strip_queries(&out), 500)
    }

    fn data_path(&self, rest: &str) -> String {
        format!("/services/data/v{}/{rest}", self.cfg.api_version)
    }

    /// Runs a SOQL query (REST or Tooling; `all` = `queryAll`, REST only), following
    /// `nextRecordsUrl`.
    pub async fn query(&self, soql: &str, api: Api, all: bool) -> Result<QueryResult, OrgError> {
        let resource = match (api, all) {
            (Api::Rest, false) => "query",
            (Api::Rest, true) => "queryAll",
            (Api::Tooling, false) => "tooling/query",
            (Api::Tooling, true) => {
                return Err(OrgError::Request(
                    "queryAll is not available on the Tooling API".into(),
                ))
            }
        };
        let q: String = form_urlencoded::byte_serialize(soql.as_bytes()).collect();
        let first = format!("{}?q={q}", self.data_path(resource));
        let endpoint = format!("GET {}", self.data_path(resource));
        let mut target = first;
        let mut seen = HashSet::new();
        let mut result = QueryResult::default();
        for page in 1.. {
            if page > self.cfg.max_pages {
                return Err(OrgError::Pagination {
                    endpoint,
                    detail: format!("more than {} pages of records", self.cfg.max_pages),
                });
            }
            let v: serde_json::Value = self.get_json(&target).await?;
            if page == 1 {
                result.total_size = v.get("totalSize").and_then(number_of).unwrap_or(0);
            }
            if let Some(records) = v.get("records").and_then(|r| r.as_array()) {
                let room = self.cfg.max_records.saturating_sub(result.records.len());
                if records.len() > room {
                    result.truncated = true;
                }
                result.records.extend(records.iter().take(room).cloned());
            }
            let done = v.get("done").and_then(|d| d.as_bool()).unwrap_or(true);
            let next = v.get("nextRecordsUrl").and_then(|n| n.as_str());
            match next {
                Some(next) if !done => {
                    if result.truncated || result.records.len() >= self.cfg.max_records {
                        result.truncated = true;
                        break;
                    }
                    if !next.starts_with("/services/data/") {
                        return Err(OrgError::Pagination {
                            endpoint,
                            detail: "nextRecordsUrl is not a path of the data API".into(),
                        });
                    }
                    if !seen.insert(next.to_string()) {
                        return Err(OrgError::Pagination {
                            endpoint,
                            detail: format!(
                                "nextRecordsUrl of page {page} points to a page already read"
                            ),
                        });
                    }
                    target = next.to_string();
                }
                _ => break,
            }
        }
        if result.total_size < result.records.len() as u64 {
            result.total_size = result.records.len() as u64;
        }
        Ok(result)
    }

    /// Runs anonymous Apex through `tooling/executeAnonymous` (a GET: the body must fit in
    /// the URL). `changes_data`: the body commits, so an attempt that may have run is never
    /// repeated.
    pub async fn execute_anonymous(
        &self,
        body: &str,
        changes_data: bool,
    ) -> Result<AnonymousResult, OrgError> {
        let encoded: String = form_urlencoded::byte_serialize(body.as_bytes()).collect();
        let target = format!(
            "{}?anonymousBody={encoded}",
            self.data_path("tooling/executeAnonymous/")
        );
        if target.len() > MAX_ANONYMOUS_URL {
            return Err(OrgError::Request(format!(
                "the anonymous Apex is too long for the executeAnonymous GET endpoint: {} bytes URL-encoded, at most about {} (shorten it, or move the logic into a class and call that)",
                target.len(),
                MAX_ANONYMOUS_URL
            )));
        }
        let resp = self
            .send(Call {
                method: reqwest::Method::GET,
                target: &target,
                body: None,
                idempotent: !changes_data,
                any_status: false,
            })
            .await?;
        self.decode(&endpoint_of("GET", &target), &resp)
    }

    /// `/limits`, by name.
    pub async fn limits(&self) -> Result<BTreeMap<String, Limit>, OrgError> {
        let raw: BTreeMap<String, serde_json::Value> =
            self.get_json(&self.data_path("limits")).await?;
        // Entries carry Max/Remaining and sometimes per-app sub-maps: keep what parses.
        Ok(raw
            .into_iter()
            .filter_map(|(k, v)| {
                let max = v.get("Max").and_then(number_of_i64)?;
                let remaining = v.get("Remaining").and_then(number_of_i64)?;
                Some((k, Limit { max, remaining }))
            })
            .collect())
    }

    /// The connected org's `Organization` record.
    pub async fn identity(&self) -> Result<Identity, OrgError> {
        let r = self
            .query(
                "SELECT Id, Name, InstanceName, IsSandbox FROM Organization",
                Api::Rest,
                false,
            )
            .await?;
        let rec = r.records.first().ok_or_else(|| OrgError::Malformed {
            endpoint: format!("GET {}", self.data_path("query")),
            status: 200,
            detail: "the Organization query returned no record".into(),
        })?;
        let s = |k: &str| {
            rec.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        Ok(Identity {
            id: s("Id"),
            name: s("Name"),
            instance: s("InstanceName"),
            sandbox: rec
                .get("IsSandbox")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        })
    }

    /// GET a JSON resource (a path below the instance).
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<T, OrgError> {
        let resp = self
            .send(Call {
                method: reqwest::Method::GET,
                target: path,
                body: None,
                idempotent: true,
                any_status: false,
            })
            .await?;
        self.decode(&endpoint_of("GET", path), &resp)
    }

    /// PATCH a JSON body to a resource (a path below the instance); the answer's JSON, or
    /// `null` for an empty body.
    pub async fn patch_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, OrgError> {
        let resp = self
            .send(Call {
                method: reqwest::Method::PATCH,
                target: path,
                body: Some((
                    serde_json::to_vec(body).unwrap_or_default(),
                    "application/json",
                )),
                idempotent: true,
                any_status: false,
            })
            .await?;
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        self.decode(&endpoint_of("PATCH", path), &resp)
    }

    /// GET `target` (a path below the instance, sent with the session; or an absolute URL,
    /// sent with the session only on the instance's origin) and return whatever status
    /// comes back after the retries.
    pub async fn get_raw(&self, target: &str) -> Result<Response, OrgError> {
        self.send(Call {
            method: reqwest::Method::GET,
            target,
            body: None,
            idempotent: true,
            any_status: true,
        })
        .await
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &str,
        resp: &Response,
    ) -> Result<T, OrgError> {
        if is_html(&resp.headers, &resp.body) {
            return Err(OrgError::Html {
                endpoint: endpoint.to_string(),
                status: resp.status,
            });
        }
        let detail = match decode_json::<T>(&resp.body) {
            Ok(v) => return Ok(v),
            Err(detail) => detail,
        };
        Err(OrgError::Malformed {
            endpoint: endpoint.to_string(),
            status: resp.status,
            detail: self.scrub(&detail),
        })
    }

    /// Renews the session, unless another call already did since generation `seen`.
    async fn renew(&self, seen: u64) -> Result<(), OrgError> {
        let _one_at_a_time = self.refresh_lock.lock().await;
        if lock(&self.session).generation != seen {
            return Ok(());
        }
        let (token, instance, rotated) = self.token_exchange().await?;
        {
            let mut secrets = lock(&self.secrets);
            secrets.push(token.clone());
            if let Some(r) = &rotated {
                secrets.push(r.clone());
            }
        }
        if let Some(rotated) = rotated {
            *lock(&self.refresh_token) = Some(rotated);
        }
        let mut s = lock(&self.session);
        s.token = token;
        s.instance = instance;
        s.generation += 1;
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn number_of(v: &serde_json::Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn number_of_i64(v: &serde_json::Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().map(|f| f as i64))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// `METHOD /path` of a target, without query or host.
fn endpoint_of(method: &str, target: &str) -> String {
    let no_query = target.split('?').next().unwrap_or("");
    let path = match Url::parse(no_query) {
        Ok(u) => u.path().to_string(),
        Err(_) => no_query.to_string(),
    };
    format!("{method} {path}")
}

/// Salesforce's `errorCode` and `message` from an error body: the REST error array, a
/// single error object, or the OAuth `error`/`error_description`.
pub fn salesforce_error(body: &[u8]) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let first = match &v {
        serde_json::Value::Array(items) => items.first()?.clone(),
        other => other.clone(),
    };
    let text = |k: &str| first.get(k).and_then(|x| x.as_str()).map(str::to_string);
    if let Some(code) = text("errorCode") {
        return Some((code, text("message").unwrap_or_default()));
    }
    if let Some(code) = text("error") {
        return Some((code, text("error_description").unwrap_or_default()));
    }
    None
}

/// `api-usage=USED/MAX` from `Sforce-Limit-Info`.
pub fn parse_limit_info(value: &str) -> Option<ApiUsage> {
    value.split(',').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        if k.trim() != "api-usage" {
            return None;
        }
        let (used, max) = v.trim().split_once('/')?;
        Some(ApiUsage {
            used: used.trim().parse().ok()?,
            max: max.trim().parse().ok()?,
        })
    })
}

#[cfg(test)]
mod tests;
