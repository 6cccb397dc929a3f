//! Sending: the retry loop of every API call and the OAuth token exchange.

use super::auth::{instance_url_allowed, jwt_assertion};
use super::{
    endpoint_of, is_html, lock, parse_limit_info, salesforce_error, Call, Credentials, Failure,
    Org, OrgError, Response,
};
use crate::forge::http::{chain, retry_after, same_origin};
use crate::forge::Secret;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Url;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Why one attempt produced no answer.
enum Transport {
    /// The connection could not be made: nothing was sent.
    Connect(String),
    Timeout(Duration),
    Other(String),
}

fn classify(e: &reqwest::Error) -> Transport {
    if e.is_timeout() {
        return Transport::Timeout(Duration::ZERO);
    }
    if e.is_connect() {
        return Transport::Connect(chain(e));
    }
    Transport::Other(chain(e))
}

impl Org {
    /// The time left before the deadline, if one is set.
    fn remaining(&self) -> Option<Duration> {
        self.cfg
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// One attempt: sends and reads the whole body within `timeout`.
    async fn attempt(
        &self,
        method: reqwest::Method,
        url: Url,
        token: Option<&Secret>,
        body: Option<&(Vec<u8>, &'static str)>,
        timeout: Duration,
    ) -> Result<Response, Transport> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut rb = self
            .http
            .request(method, url)
            .header(ACCEPT, "application/json");
        if let Some(token) = token {
            if let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
                v.set_sensitive(true);
                rb = rb.header(AUTHORIZATION, v);
            }
        }
        if let Some((bytes, content_type)) = body {
            rb = rb.header(CONTENT_TYPE, *content_type).body(bytes.clone());
        }
        let fut = async {
            let resp = rb.send().await.map_err(|e| classify(&e))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(|e| classify(&e))?;
            Ok(Response {
                status,
                headers,
                body: body.to_vec(),
            })
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(Err(Transport::Timeout(_))) | Err(_) => Err(Transport::Timeout(timeout)),
            Ok(r) => r,
        }
    }

    /// Sends `call` with the retry, renewal and deadline policy.
    pub(super) async fn send(&self, call: Call<'_>) -> Result<Response, OrgError> {
        let endpoint = endpoint_of(call.method.as_str(), call.target);
        let mut retry = 0u32;
        let mut renewed = false;
        loop {
            let attempts = retry + 1;
            let remaining = self.remaining();
            if remaining == Some(Duration::ZERO) {
                return Err(OrgError::Deadline {
                    endpoint,
                    last: String::new(),
                });
            }
            let (timeout, clipped) = match remaining {
                Some(r) if r < self.cfg.request_timeout => (r, true),
                _ => (self.cfg.request_timeout, false),
            };
            let (token, instance, generation) = {
                let s = lock(&self.session);
                (s.token.clone(), s.instance.clone(), s.generation)
            };
            let (url, with_session) = if call.target.starts_with('/') {
                let url = instance.join(call.target).map_err(|_| {
                    OrgError::Request(format!("{endpoint}: not a valid path below the instance"))
                })?;
                (url, true)
            } else {
                let url = Url::parse(call.target).map_err(|_| {
                    OrgError::Request(format!("{endpoint}: not a valid URL or /path"))
                })?;
                if !instance_url_allowed(&url) {
                    return Err(OrgError::Request(format!(
                        "{endpoint}: only https URLs (or http to a loopback address) are fetched"
                    )));
                }
                let same = same_origin(&url, &instance);
                (url, same)
            };
            let started = Instant::now();
            let outcome = self
                .attempt(
                    call.method.clone(),
                    url,
                    with_session.then_some(&token),
                    call.body.as_ref(),
                    timeout,
                )
                .await;
            if self.cfg.verbose {
                let what = match &outcome {
                    Ok(r) => format!("HTTP {}", r.status),
                    Err(Transport::Timeout(_)) => "timed out".into(),
                    Err(Transport::Connect(_)) => "no connection".into(),
                    Err(Transport::Other(_)) => "failed".into(),
                };
                eprintln!(
                    "org: {endpoint} → {what} in {} ms",
                    started.elapsed().as_millis()
                );
            }

            let failure = match outcome {
                Ok(resp) => {
                    if let Some(u) = resp
                        .headers
                        .get("sforce-limit-info")
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_limit_info)
                    {
                        // Concurrent answers arrive in any order: the highest count
                        // is the most recent figure.
                        let mut usage = lock(&self.usage);
                        if usage.is_none_or(|old| u.used >= old.used) {
                            *usage = Some(u);
                        }
                    }
                    if resp.status < 300 {
                        return Ok(resp);
                    }
                    match self.judge(&endpoint, &resp, &call, with_session) {
                        Judgement::Renew if !renewed && self.creds.can_refresh() => {
                            renewed = true;
                            self.renew(generation).await?;
                            continue;
                        }
                        Judgement::Renew => Failure::Final(OrgError::Auth(format!(
                            "{endpoint}: the session is invalid or expired (INVALID_SESSION_ID){}",
                            if self.creds.can_refresh() {
                                " even after renewing it"
                            } else {
                                "; an access token cannot be renewed — use an SFDX auth URL or the JWT flow"
                            }
                        ))),
                        Judgement::Fail(e) if call.any_status => {
                            let _ = e;
                            return Ok(resp);
                        }
                        Judgement::Fail(e) => Failure::Final(e),
                        Judgement::Retry(e, wait)
                            if call.any_status && retry >= self.cfg.max_retries =>
                        {
                            let _ = (e, wait);
                            return Ok(resp);
                        }
                        Judgement::Retry(e, wait) => Failure::Retry(e, wait),
                    }
                }
                Err(Transport::Timeout(after)) => {
                    if clipped {
                        return Err(OrgError::Deadline {
                            endpoint,
                            last: format!("a request was still running after {after:?}"),
                        });
                    }
                    let e = OrgError::Timeout {
                        endpoint: endpoint.clone(),
                        after,
                        attempts,
                    };
                    if call.idempotent {
                        Failure::Retry(e, None)
                    } else {
                        Failure::Final(e)
                    }
                }
                Err(Transport::Connect(detail)) => Failure::Retry(
                    OrgError::Network {
                        endpoint: endpoint.clone(),
                        detail: self.scrub(&detail),
                        attempts,
                    },
                    None,
                ),
                Err(Transport::Other(detail)) => {
                    let e = OrgError::Network {
                        endpoint: endpoint.clone(),
                        detail: self.scrub(&detail),
                        attempts,
                    };
                    if call.idempotent {
                        Failure::Retry(e, None)
                    } else {
                        Failure::Final(e)
                    }
                }
            };
            let (err, wait) = match failure {
                Failure::Final(e) => return Err(e),
                Failure::Retry(e, wait) => (e, wait),
            };
            self.pause_before_retry(&endpoint, err, wait, retry).await?;
            retry += 1;
        }
    }

    /// Waits before retry number `retry + 1` — `wait` (a `Retry-After`) or the backoff —
    /// or gives up with `err` when the retries are spent, the wait is too long, or the
    /// deadline comes first.
    async fn pause_before_retry(
        &self,
        endpoint: &str,
        err: OrgError,
        wait: Option<Duration>,
        retry: u32,
    ) -> Result<(), OrgError> {
        if retry >= self.cfg.max_retries {
            return Err(err);
        }
        let wait = wait.unwrap_or_else(|| self.cfg.backoff(retry));
        if wait > self.cfg.max_wait {
            return Err(err);
        }
        if self.remaining().is_some_and(|r| wait >= r) {
            return Err(OrgError::Deadline {
                endpoint: endpoint.to_string(),
                last: err.to_string(),
            });
        }
        if self.cfg.log_retries {
            eprintln!(
                "org: {err}; retrying in {:.1} s (retry {} of {})",
                wait.as_secs_f64(),
                retry + 1,
                self.cfg.max_retries
            );
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// What a non-2xx answer means.
    fn judge(
        &self,
        endpoint: &str,
        resp: &Response,
        call: &Call<'_>,
        with_session: bool,
    ) -> Judgement {
        let status = resp.status;
        if is_html(&resp.headers, &resp.body) && status != 401 {
            let e = OrgError::Html {
                endpoint: endpoint.to_string(),
                status,
            };
            return if status >= 500 && call.idempotent {
                Judgement::Retry(e, retry_after(&resp.headers))
            } else {
                Judgement::Fail(e)
            };
        }
        let (code, message) = salesforce_error(&resp.body).unwrap_or_else(|| {
            let text = String::from_utf8_lossy(&resp.body);
            let first = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("");
            ("HTTP_ERROR".to_string(), first.to_string())
        });
        let api = OrgError::Api {
            endpoint: endpoint.to_string(),
            status,
            code: code.clone(),
            message: self.scrub(&message),
        };
        if status == 401 && with_session {
            return Judgement::Renew;
        }
        if code == "REQUEST_LIMIT_EXCEEDED" {
            // The daily allocation ("TotalRequests Limit exceeded") cannot be waited out;
            // concurrent-request limits (ConcurrentPerOrgLongTxn…) can.
            if message.contains("TotalRequests") || status == 403 && !message.contains("Concurrent")
            {
                let usage = self
                    .usage()
                    .map(|u| format!(", API usage {u}"))
                    .unwrap_or_default();
                return Judgement::Fail(OrgError::ApiLimit {
                    endpoint: endpoint.to_string(),
                    usage,
                });
            }
            return Judgement::Retry(api, retry_after(&resp.headers));
        }
        let wait = retry_after(&resp.headers);
        if status == 429 || status == 503 || (status >= 500 && call.idempotent) {
            return Judgement::Retry(api, wait);
        }
        Judgement::Fail(api)
    }

    /// Exchanges the refresh token or a JWT assertion for a session at
    /// `<login>/services/oauth2/token`. Retried only when the request cannot have been
    /// processed (no connection, 429, 503): a refresh token may rotate on use.
    pub(super) async fn token_exchange(&self) -> Result<(Secret, Url, Option<Secret>), OrgError> {
        let (login_url, form) = match &self.creds {
            Credentials::AuthUrl {
                client_id,
                client_secret,
                login_url,
                ..
            } => {
                let refresh = lock(&self.refresh_token).clone().unwrap_or_default();
                let mut f = form_urlencoded::Serializer::new(String::new());
                f.append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", client_id)
                    .append_pair("refresh_token", refresh.expose());
                if !client_secret.is_empty() {
                    f.append_pair("client_secret", client_secret.expose());
                }
                (login_url.clone(), f.finish())
            }
            Credentials::Jwt {
                client_id,
                username,
                key,
                login_url,
            } => {
                let assertion =
                    jwt_assertion(client_id, username, key, login_url).map_err(OrgError::Config)?;
                lock(&self.secrets).push(Secret::new(assertion.clone()));
                let mut f = form_urlencoded::Serializer::new(String::new());
                f.append_pair("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
                    .append_pair("assertion", &assertion);
                (login_url.clone(), f.finish())
            }
            Credentials::AccessToken { .. } => {
                return Err(OrgError::Auth("an access token cannot be renewed".into()))
            }
        };
        let url = login_url
            .join("/services/oauth2/token")
            .map_err(|_| OrgError::Config("the login URL cannot take a path".into()))?;
        let endpoint = "POST /services/oauth2/token".to_string();
        let body = (form.into_bytes(), "application/x-www-form-urlencoded");
        let mut retry = 0u32;
        loop {
            let attempts = retry + 1;
            let remaining = self.remaining();
            if remaining == Some(Duration::ZERO) {
                return Err(OrgError::Deadline {
                    endpoint,
                    last: String::new(),
                });
            }
            let timeout = remaining
                .map(|r| r.min(self.cfg.request_timeout))
                .unwrap_or(self.cfg.request_timeout);
            let outcome = self
                .attempt(
                    reqwest::Method::POST,
                    url.clone(),
                    None,
                    Some(&body),
                    timeout,
                )
                .await;
            if self.cfg.verbose {
                let what = match &outcome {
                    Ok(r) => format!("HTTP {}", r.status),
                    Err(_) => "no answer".into(),
                };
                eprintln!("org: {endpoint} → {what}");
            }
            let (err, wait) = match outcome {
                Ok(resp) if resp.status < 300 => {
                    return self.read_token(&endpoint, &resp, &login_url)
                }
                Ok(resp) => {
                    if is_html(&resp.headers, &resp.body) {
                        return Err(OrgError::Auth(format!(
                            "{endpoint}: HTTP {} answered with an HTML page, not a token (is the login URL right?)",
                            resp.status
                        )));
                    }
                    let (code, message) = salesforce_error(&resp.body)
                        .unwrap_or_else(|| ("HTTP_ERROR".into(), String::new()));
                    let detail = self.scrub(&format!("{code}: {message}"));
                    if resp.status == 429 || resp.status == 503 {
                        (
                            OrgError::Network {
                                endpoint: endpoint.clone(),
                                detail: format!("HTTP {} {detail}", resp.status),
                                attempts,
                            },
                            retry_after(&resp.headers),
                        )
                    } else {
                        return Err(OrgError::Auth(format!(
                            "{endpoint}: HTTP {} {detail}{}",
                            resp.status,
                            hint(&code, &message)
                        )));
                    }
                }
                Err(Transport::Connect(detail)) => (
                    OrgError::Network {
                        endpoint: endpoint.clone(),
                        detail: self.scrub(&detail),
                        attempts,
                    },
                    None,
                ),
                Err(Transport::Timeout(after)) => {
                    return Err(OrgError::Timeout {
                        endpoint,
                        after,
                        attempts,
                    })
                }
                Err(Transport::Other(detail)) => {
                    return Err(OrgError::Network {
                        endpoint,
                        detail: self.scrub(&detail),
                        attempts,
                    })
                }
            };
            self.pause_before_retry(&endpoint, err, wait, retry).await?;
            retry += 1;
        }
    }

    fn read_token(
        &self,
        endpoint: &str,
        resp: &Response,
        login_url: &Url,
    ) -> Result<(Secret, Url, Option<Secret>), OrgError> {
        if is_html(&resp.headers, &resp.body) {
            return Err(OrgError::Auth(format!(
                "{endpoint}: HTTP {} answered with an HTML page, not a token (is the login URL right?)",
                resp.status
            )));
        }
        let v: serde_json::Value = serde_json::from_slice(&resp.body).map_err(|e| {
            OrgError::Auth(format!(
                "{endpoint}: the token answer is not JSON: {}",
                self.scrub(&e.to_string())
            ))
        })?;
        let Some(token) = v.get("access_token").and_then(|t| t.as_str()) else {
            return Err(OrgError::Auth(format!(
                "{endpoint}: the token answer has no access_token"
            )));
        };
        let token = Secret::new(token);
        // Record it before anything can fail, so no later message can show it.
        lock(&self.secrets).push(token.clone());
        let rotated = v
            .get("refresh_token")
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        let instance = match v.get("instance_url").and_then(|u| u.as_str()) {
            Some(u) => Url::parse(u).map_err(|_| {
                OrgError::Auth(format!(
                    "{endpoint}: the token answer's instance_url does not parse"
                ))
            })?,
            None => login_url.clone(),
        };
        if !instance_url_allowed(&instance) {
            return Err(OrgError::Auth(format!(
                "{endpoint}: the token answer's instance_url is not https (plain http is allowed only to a loopback address)"
            )));
        }
        Ok((token, instance, rotated))
    }
}

/// What a non-2xx answer means for the call.
enum Judgement {
    Renew,
    Fail(OrgError),
    Retry(OrgError, Option<Duration>),
}

/// A hint for the common OAuth failures.
fn hint(code: &str, message: &str) -> &'static str {
    match (code, message) {
        ("invalid_grant", m) if m.contains("expired") => {
            " — the refresh token is expired or revoked: log in again (`sf org login web`) and store a new auth URL (`sf org display --verbose --json`)"
        }
        ("invalid_grant", m) if m.contains("audience") => {
            " — the login URL does not match the org (production: https://login.salesforce.com, sandbox: https://test.salesforce.com)"
        }
        ("invalid_grant", m) if m.contains("approved") => {
            " — the user is not pre-authorized for the connected app (Manage Connected Apps → Permitted Users)"
        }
        ("invalid_client_id", _) | ("invalid_client", _) => {
            " — the client id is not a connected app of this org"
        }
        _ => "",
    }
}
