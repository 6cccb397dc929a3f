//! A [`Measure`] source over Prometheus' HTTP API: `GET /api/v1/query?query=…` (an instant
//! query at the current time).
//!
//! - A `vector` result with one sample, or a `scalar`, is the value; an empty vector, or a
//!   `NaN` value, is *no data*; several series are an error (aggregate them with `sum()`);
//!   a `matrix` (range vector) is an error.
//! - Each request has a 5 s connect timeout and a 30 s total timeout; 429, 5xx and connection
//!   failures are retried at most 3 times with backoff (1 s, 2 s, 4 s), honouring a
//!   `Retry-After` in seconds up to 30 s (a longer one fails the measurement at once).
//! - An optional bearer token (`SFCI_PROMETHEUS_TOKEN`) is sent as `Authorization`; it and the
//!   URL's user info never appear in messages.

use super::error_rate::{Measure, MeasureError};
use crate::forge::Secret;
use std::time::Duration;

/// The Prometheus source.
pub struct Prometheus {
    base: reqwest::Url,
    shown: String,
    token: Option<Secret>,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff (doubled per retry).
    pub backoff: Duration,
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
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(timeout)
            .user_agent(concat!("sfci-gate/", env!("CARGO_PKG_VERSION")))
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
            max_retries: 3,
            backoff: Duration::from_secs(1),
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

    fn once(&self, query: &str) -> Result<(u16, Option<u64>, String), (bool, String)> {
        let mut url = self
            .base
            .join("api/v1/query")
            .map_err(|e| (false, e.to_string()))?;
        url.query_pairs_mut().append_pair("query", query);
        let mut req = self.client.get(url).header("Accept", "application/json");
        if let Some(t) = &self.token {
            req = req.bearer_auth(t.expose());
        }
        self.runtime.block_on(async {
            let resp = req.send().await.map_err(|e| {
                let why = if e.is_timeout() {
                    "timed out".to_string()
                } else if e.is_connect() {
                    "connection failed".to_string()
                } else {
                    "request failed".to_string()
                };
                (true, why)
            })?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let body = resp.text().await.map_err(|e| {
                (
                    true,
                    if e.is_timeout() {
                        "timed out reading the response".into()
                    } else {
                        "the response was cut short".into()
                    },
                )
            })?;
            Ok((status, retry_after, body))
        })
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
        let mut attempt = 0;
        loop {
            let outcome = self.once(query);
            let (retryable, why, wait) = match outcome {
                Ok((status, retry_after, _)) if status == 429 || status >= 500 => {
                    // A longer wait than a measurement allows fails now, not after the retries.
                    if let Some(s) = retry_after.filter(|s| *s > 30) {
                        return Err(MeasureError(self.scrub(&format!(
                            "{}: HTTP {status}: the server asks to retry after {s} s, longer than the 30 s a measurement waits",
                            self.shown
                        ))));
                    }
                    (
                        true,
                        format!("HTTP {status}"),
                        retry_after.map(Duration::from_secs),
                    )
                }
                Ok((status, _, body_text)) => {
                    return parse_response(status, &body_text)
                        .map_err(|e| MeasureError(self.scrub(&format!("{}: {e}", self.shown))));
                }
                Err((retryable, why)) => (retryable, why, None),
            };
            if !retryable || attempt >= self.max_retries {
                let tries = attempt + 1;
                return Err(MeasureError(self.scrub(&format!(
                    "{}: {why} (after {tries} attempt{})",
                    self.shown,
                    if tries == 1 { "" } else { "s" }
                ))));
            }
            let pause = wait.unwrap_or(self.backoff * 2u32.pow(attempt));
            eprintln!(
                "gate error-rate: {}: {why}; retrying in {}",
                self.shown,
                crate::duration::format_duration(pause)
            );
            std::thread::sleep(pause);
            attempt += 1;
        }
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
