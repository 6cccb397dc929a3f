//! Reading an answer: `Retry-After` in both forms, rate-limit resets, HTML pages where JSON
//! was expected, JSON decoding with the path of a bad value, a service's error message.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

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
