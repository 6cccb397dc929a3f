//! Sending: the org's side of [`crate::net::send`] for every API call and the OAuth token
//! exchange — how an attempt is built (session, URL, bearer token), what a status means
//! (renew the session once, retry, fail, or hand any status back), and the org's errors.

use super::auth::{instance_url_allowed, jwt_assertion};
use super::{
    endpoint_of, is_html, lock, parse_limit_info, salesforce_error, Call, Credentials, Org,
    OrgError, Response,
};
use crate::net::{self, retry_after, same_origin, Exchange, Secret, Transport, Verdict};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Url;
use std::sync::atomic::Ordering;
use std::time::Duration;

impl Org {
    /// One attempt: sends and reads the whole body ([`net::send`] bounds its time).
    async fn attempt(
        &self,
        method: reqwest::Method,
        url: Url,
        token: Option<&Secret>,
        body: Option<&(Vec<u8>, &'static str)>,
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
        net::fetch(rb).await
    }

    /// Sends `call` with the [`crate::net`] policy, renewing the session once on a 401.
    pub(super) async fn send(&self, call: Call<'_>) -> Result<Response, OrgError> {
        let mut exchange = ApiCall {
            org: self,
            endpoint: endpoint_of(call.method.as_str(), call.target),
            call: &call,
            renewed: false,
            with_session: false,
            generation: 0,
            early: None,
        };
        net::send(&self.cfg.policy, &mut exchange).await
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
        let mut exchange = TokenCall {
            org: self,
            endpoint: endpoint.clone(),
            url,
            body,
        };
        let resp = net::send(&self.cfg.policy, &mut exchange).await?;
        self.read_token(&endpoint, &resp, &login_url)
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

/// One API call under [`net::send`].
struct ApiCall<'o, 'c> {
    org: &'o Org,
    endpoint: String,
    call: &'c Call<'c>,
    /// The session was renewed once already.
    renewed: bool,
    /// The last attempt carried the session's token (a URL on the instance's origin).
    with_session: bool,
    /// The session generation the last attempt used.
    generation: u64,
    /// Why the call cannot be sent at all (a bad target): it fails at once.
    early: Option<OrgError>,
}

impl ApiCall<'_, '_> {
    /// The URL of the call on the current session, and whether the session's token goes with it.
    fn target(&self, instance: &Url) -> Result<(Url, bool), OrgError> {
        let (call, endpoint) = (self.call, &self.endpoint);
        if call.target.starts_with('/') {
            let url = instance.join(call.target).map_err(|_| {
                OrgError::Request(format!("{endpoint}: not a valid path below the instance"))
            })?;
            return Ok((url, true));
        }
        let url = Url::parse(call.target)
            .map_err(|_| OrgError::Request(format!("{endpoint}: not a valid URL or /path")))?;
        if !instance_url_allowed(&url) {
            return Err(OrgError::Request(format!(
                "{endpoint}: only https URLs (or http to a loopback address) are fetched"
            )));
        }
        let same = same_origin(&url, instance);
        Ok((url, same))
    }
}

impl Exchange for ApiCall<'_, '_> {
    type Error = OrgError;

    fn idempotent(&self) -> bool {
        self.call.idempotent && self.early.is_none()
    }

    async fn attempt(&mut self) -> Result<Response, Transport> {
        let (token, instance, generation) = {
            let s = lock(&self.org.session);
            (s.token.clone(), s.instance.clone(), s.generation)
        };
        self.generation = generation;
        let (url, with_session) = match self.target(&instance) {
            Ok(target) => target,
            Err(e) => {
                self.early = Some(e);
                return Err(Transport::Other(String::new()));
            }
        };
        self.with_session = with_session;
        self.org
            .attempt(
                self.call.method.clone(),
                url,
                with_session.then_some(&token),
                self.call.body.as_ref(),
            )
            .await
    }

    async fn judge(&mut self, resp: &Response, attempts: u32) -> Verdict<OrgError> {
        let org = self.org;
        if let Some(u) = resp
            .headers
            .get("sforce-limit-info")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_limit_info)
        {
            // Concurrent answers arrive in any order: the highest count is the most recent
            // figure.
            let mut usage = lock(&org.usage);
            if usage.is_none_or(|old| u.used >= old.used) {
                *usage = Some(u);
            }
        }
        if resp.status < 300 {
            return Verdict::Done;
        }
        let call = self.call;
        match org.judge(&self.endpoint, resp, call, self.with_session) {
            Judgement::Renew if !self.renewed && org.creds.can_refresh() => {
                self.renewed = true;
                match org.renew(self.generation).await {
                    Ok(()) => Verdict::Again,
                    Err(e) => Verdict::Fail(e),
                }
            }
            Judgement::Renew => Verdict::Fail(OrgError::Auth(format!(
                "{}: the session is invalid or expired (INVALID_SESSION_ID){}",
                self.endpoint,
                if org.creds.can_refresh() {
                    " even after renewing it"
                } else {
                    "; an access token cannot be renewed — use an SFDX auth URL or the JWT flow"
                }
            ))),
            Judgement::Fail(_) if call.any_status => Verdict::Done,
            Judgement::Fail(e) => Verdict::Fail(e),
            Judgement::Retry(..) if call.any_status && attempts > org.cfg.policy.max_retries => {
                Verdict::Done
            }
            Judgement::Retry(e, wait) => Verdict::Retry(e, wait),
        }
    }

    fn transport_error(&self, failure: Transport, attempts: u32) -> OrgError {
        if let Some(e) = &self.early {
            return e.clone();
        }
        transport_error(self.org, &self.endpoint, failure, attempts)
    }

    fn deadline_error(&self, last: String) -> OrgError {
        OrgError::Deadline {
            endpoint: self.endpoint.clone(),
            last,
        }
    }

    fn observe(&mut self, outcome: &Result<Response, Transport>, took: Duration) {
        if !self.org.cfg.verbose || self.early.is_some() {
            return;
        }
        let what = match outcome {
            Ok(r) => format!("HTTP {}", r.status),
            Err(Transport::Timeout(_)) => "timed out".into(),
            Err(Transport::Connect(_)) => "no connection".into(),
            Err(Transport::Body(_) | Transport::Other(_)) => "failed".into(),
        };
        eprintln!("org: {} → {what} in {} ms", self.endpoint, took.as_millis());
    }

    fn retry_line(&self, err: &OrgError, wait: Duration, retry: u32, max: u32) -> String {
        format!(
            "org: {err}; retrying in {:.1} s (retry {retry} of {max})",
            wait.as_secs_f64()
        )
    }
}

/// The org's error for a transport failure.
fn transport_error(org: &Org, endpoint: &str, failure: Transport, attempts: u32) -> OrgError {
    match failure {
        Transport::Timeout(after) => OrgError::Timeout {
            endpoint: endpoint.to_string(),
            after,
            attempts,
        },
        Transport::Connect(detail) | Transport::Body(detail) | Transport::Other(detail) => {
            OrgError::Network {
                endpoint: endpoint.to_string(),
                detail: org.scrub(&detail),
                attempts,
            }
        }
    }
}

/// The OAuth token exchange under [`net::send`]: a `POST` retried only when it cannot have
/// been processed (no connection, 429, 503) — a refresh token may rotate on use.
struct TokenCall<'o> {
    org: &'o Org,
    endpoint: String,
    url: Url,
    body: (Vec<u8>, &'static str),
}

impl Exchange for TokenCall<'_> {
    type Error = OrgError;

    fn idempotent(&self) -> bool {
        false
    }

    async fn attempt(&mut self) -> Result<Response, Transport> {
        self.org
            .attempt(
                reqwest::Method::POST,
                self.url.clone(),
                None,
                Some(&self.body),
            )
            .await
    }

    async fn judge(&mut self, resp: &Response, attempts: u32) -> Verdict<OrgError> {
        let endpoint = &self.endpoint;
        if resp.status < 300 {
            return Verdict::Done;
        }
        if is_html(&resp.headers, &resp.body) {
            return Verdict::Fail(OrgError::Auth(format!(
                "{endpoint}: HTTP {} answered with an HTML page, not a token (is the login URL right?)",
                resp.status
            )));
        }
        let (code, message) =
            salesforce_error(&resp.body).unwrap_or_else(|| ("HTTP_ERROR".into(), String::new()));
        let detail = self.org.scrub(&format!("{code}: {message}"));
        if resp.status == 429 || resp.status == 503 {
            return Verdict::Retry(
                OrgError::Network {
                    endpoint: endpoint.clone(),
                    detail: format!("HTTP {} {detail}", resp.status),
                    attempts,
                },
                retry_after(&resp.headers),
            );
        }
        Verdict::Fail(OrgError::Auth(format!(
            "{endpoint}: HTTP {} {detail}{}",
            resp.status,
            hint(&code, &message)
        )))
    }

    fn transport_error(&self, failure: Transport, attempts: u32) -> OrgError {
        transport_error(self.org, &self.endpoint, failure, attempts)
    }

    fn deadline_error(&self, last: String) -> OrgError {
        OrgError::Deadline {
            endpoint: self.endpoint.clone(),
            last,
        }
    }

    fn observe(&mut self, outcome: &Result<Response, Transport>, _took: Duration) {
        if self.org.cfg.verbose {
            let what = match outcome {
                Ok(r) => format!("HTTP {}", r.status),
                Err(_) => "no answer".into(),
            };
            eprintln!("org: {} → {what}", self.endpoint);
        }
    }

    fn retry_line(&self, err: &OrgError, wait: Duration, retry: u32, max: u32) -> String {
        format!(
            "org: {err}; retrying in {:.1} s (retry {retry} of {max})",
            wait.as_secs_f64()
        )
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
