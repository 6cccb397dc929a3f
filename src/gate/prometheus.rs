//! A [`Measure`] source over Prometheus' HTTP API: `GET /api/v1/query?query=…` (an instant
//! query at the current time).
//!
//! - A `vector` result with one sample, or a `scalar`, is the value; an empty vector, or a
//!   `NaN` value, is *no data*; several series are an error (aggregate them with `sum()`);
//!   a `matrix` (range vector) is an error.
//! - Requests go through [`crate::net::send`]: a 5 s connect timeout and the query timeout as
//!   the total per attempt; 429, 5xx and transport failures are retried at most 3 times with
//!   backoff (1 s, 2 s, 4 s, jittered shorter), honouring a `Retry-After` (seconds or an HTTP
//!   date) up to 30 s — a longer one fails the measurement at once.
//! - An optional bearer token (`SFCI_PROMETHEUS_TOKEN`) is sent as `Authorization`; it and the
//!   URL's user info never appear in messages.

use super::error_rate::{Measure, MeasureError};
use crate::net::{self, Exchange, Policy, Response, Secret, Transport, Verdict};
use std::fmt;
use std::time::Duration;

/// The longest `Retry-After` a measurement waits for.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// The Prometheus source.
pub struct Prometheus {
    base: reqwest::Url,
    shown: String,
    token: Option<Secret>,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    /// Timeouts, retries and waits of a measurement (see the module doc).
    pub policy: Policy,
}

impl Prometheus {
    /// `url` is the server's base (`http://prometheus:9090`, or with a path prefix).
    pub fn new(url: &str, token: Option<Secret>, timeout: Duration) -> Result<Prometheus, String> {
        let mut base = reqwest::Url::parse(url.trim())
            .map_err(|e| format!("invalid --prometheus URL: {e}"))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(format!(
                "invalid --prometheus URL: scheme `{}` is not http or https",
                base.scheme()
            ));
        }
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        let mut shown = base.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        let client = net::client_builder(Duration::from_secs(5), Some(&base))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        Ok(Prometheus {
            base,
            shown: shown.to_string().trim_end_matches('/').to_string(),
            token,
            client,
            runtime,
            policy: Policy {
                request_timeout: timeout,
                max_backoff: MAX_WAIT,
                max_wait: MAX_WAIT,
                ..Policy::default()
            },
        })
    }

    fn scrub(&self, s: &str) -> String {
        let mut s = s.to_string();
        if let Some(p) = self.base.password() {
            s = Secret::new(p).scrub(&s);
        }
        if let Some(t) = &self.token {
            s = t.scrub(&s);
        }
        s
    }
}

/// Why a measurement failed: `why`, and the attempts when the retries were spent.
struct Failed {
    why: String,
    attempts: Option<u32>,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.why)?;
        if let Some(n) = self.attempts {
            write!(f, " (after {n} attempt{})", if n == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

/// One query under [`net::send`].
struct Query<'a> {
    prometheus: &'a Prometheus,
    url: reqwest::Url,
}

impl Exchange for Query<'_> {
    type Error = Failed;

    fn idempotent(&self) -> bool {
        true
    }

    async fn attempt(&mut self) -> Result<Response, Transport> {
        let mut req = self
            .prometheus
            .client
            .get(self.url.clone())
            .header("Accept", "application/json");
        if let Some(t) = &self.prometheus.token {
            req = req.bearer_auth(t.expose());
        }
        net::fetch(req).await
    }

    /// 429 and 5xx are retried; any other answer is read by [`parse_response`].
    async fn judge(&mut self, resp: &Response, attempts: u32) -> Verdict<Failed> {
        let status = resp.status;
        if status != 429 && status < 500 {
            return Verdict::Done;
        }
        let wait = net::retry_after(&resp.headers);
        // A longer wait than a measurement allows fails now, not after the retries.
        if let Some(wait) = wait.filter(|w| *w > MAX_WAIT) {
            return Verdict::Fail(Failed {
                why: format!(
                    "HTTP {status}: the server asks to retry after {} s, longer than the {} s a measurement waits",
                    wait.as_secs(),
                    MAX_WAIT.as_secs()
                ),
                attempts: None,
            });
        }
        Verdict::Retry(
            Failed {
                why: format!("HTTP {status}"),
                attempts: Some(attempts),
            },
            wait,
        )
    }

    fn transport_error(&self, failure: Transport, attempts: u32) -> Failed {
        let why = match failure {
            Transport::Timeout(_) => "timed out",
            Transport::Connect(_) => "connection failed",
            Transport::Body(_) => "the response was cut short",
            Transport::Other(_) => "request failed",
        };
        Failed {
            why: why.into(),
            attempts: Some(attempts),
        }
    }

    fn deadline_error(&self, last: String) -> Failed {
        Failed {
            why: format!("the deadline passed ({last})"),
            attempts: None,
        }
    }

    fn retry_line(&self, err: &Failed, wait: Duration, _retry: u32, _max: u32) -> String {
        format!(
            "gate error-rate: {}: {}; retrying in {}",
            self.prometheus.shown,
            err.why,
            crate::duration::format_duration(wait)
        )
    }
}

/// Reads an API response body.
pub fn parse_response(status: u16, body: &str) -> Result<Option<f64>, String> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('<') {
        return Err(format!(
            "HTTP {status}: an HTML page, not the Prometheus API (is the URL the server's base?)"
        ));
    }
    let v: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| format!("HTTP {status}: malformed JSON from the Prometheus API: {e}"))?;
    if !v["status"].is_string() {
        return Err(format!(
            "HTTP {status}: not a Prometheus API response (is the URL the server's base?)"
        ));
    }
    if v["status"] != "success" {
        let kind = v["errorType"].as_str().unwrap_or("error");
        let msg = v["error"].as_str().unwrap_or("no message");
        return Err(format!("HTTP {status}: Prometheus {kind}: {msg}"));
    }
    let data = &v["data"];
    let sample = |pair: &serde_json::Value| -> Result<Option<f64>, String> {
        let s = pair
            .get(1)
            .and_then(|x| x.as_str())
            .ok_or("a sample without a value")?;
        let x: f64 = s
            .parse()
            .map_err(|_| format!("a sample value `{s}` that is not a number"))?;
        Ok(x.is_finite().then_some(x))
    };
    match data["resultType"].as_str() {
        Some("vector") => {
            let series = data["result"]
                .as_array()
                .ok_or("a vector without `result`")?;
            match series.as_slice() {
                [] => Ok(None),
                [one] => sample(&one["value"]),
                many => Err(format!(
                    "the query returned {} series; aggregate it to one number, e.g. sum(…)",
                    many.len()
                )),
            }
        }
        Some("scalar") => sample(&data["result"]),
        Some("matrix") => Err(
            "the query returned a range vector; use an instant query (e.g. sum(increase(x[5m])))"
                .into(),
        ),
        Some(other) => Err(format!("unsupported result type `{other}`")),
        None => Err("a response without `data.resultType`".into()),
    }
}

impl Measure for Prometheus {
    fn describe(&self) -> String {
        format!("Prometheus {}", self.shown)
    }

    fn measure(&mut self, query: &str) -> Result<Option<f64>, MeasureError> {
        let fail = |e: String| MeasureError(self.scrub(&format!("{}: {e}", self.shown)));
        let mut url = self
            .base
            .join("api/v1/query")
            .map_err(|e| fail(e.to_string()))?;
        url.query_pairs_mut().append_pair("query", query);
        let mut exchange = Query {
            prometheus: self,
            url,
        };
        let resp = self
            .runtime
            .block_on(net::send(&self.policy, &mut exchange))
            .map_err(|e| fail(e.to_string()))?;
        if net::is_html(&resp.headers, &resp.body) {
            return Err(fail(format!(
                "HTTP {}: an HTML page, not the Prometheus API (is the URL the server's base?)",
                resp.status
            )));
        }
        parse_response(resp.status, &String::from_utf8_lossy(&resp.body)).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses() {
        let ok = |b: &str| parse_response(200, b);
        assert_eq!(
            ok(
                r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1.7e9,"12"]}]}}"#
            ),
            Ok(Some(12.0))
        );
        assert_eq!(
            ok(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#),
            Ok(None)
        );
        assert_eq!(
            ok(r#"{"status":"success","data":{"resultType":"scalar","result":[1.7e9,"0.5"]}}"#),
            Ok(Some(0.5))
        );
        assert_eq!(
            ok(r#"{"status":"success","data":{"resultType":"scalar","result":[1.7e9,"NaN"]}}"#),
            Ok(None)
        );
        assert!(ok(r#"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"]},{"value":[1,"2"]}]}}"#).unwrap_err().contains("2 series"));
        assert!(
            ok(r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#)
                .unwrap_err()
                .contains("range vector")
        );
        assert_eq!(
            parse_response(
                400,
                r#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#
            )
            .unwrap_err(),
            "HTTP 400: Prometheus bad_data: parse error at char 3"
        );
        assert!(ok("<html>login</html>").unwrap_err().contains("HTML page"));
        assert!(ok("{").unwrap_err().contains("malformed JSON"));
    }
}
