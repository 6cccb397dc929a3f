//! Redaction: error chains without URLs, URLs without queries, bounded messages. Secrets are
//! scrubbed with [`super::Secret::scrub`].
use std::error::Error as StdError;

/// The error chain of `e` as one line, without any URL (reqwest's own message names the URL:
/// only its kind and sources are kept).
pub fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(re) = err.downcast_ref::<reqwest::Error>() {
            parts.push(
                if re.is_connect() {
                    "cannot connect"
                } else if re.is_timeout() {
                    "timed out"
                } else if re.is_body() || re.is_decode() {
                    "cannot read the response body"
                } else if re.is_redirect() {
                    "too many redirects"
                } else {
                    "request failed"
                }
                .to_string(),
            );
        } else if err.downcast_ref::<octocrab::Error>().is_none() {
            let text = err.to_string();
            if parts.last() != Some(&text) {
                parts.push(text);
            }
        }
        cur = err.source();
    }
    strip_queries(&parts.join(": "))
}

/// Removes the query part of anything that looks like a URL in `text`.
pub fn strip_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.contains("://") {
            if let Some(q) = word.find('?') {
                out.push_str(&word[..q]);
                // keep closing punctuation such as ")" after the query
                let tail: String = word[q..]
                    .chars()
                    .rev()
                    .take_while(|c| matches!(c, ')' | ']' | '"' | '\'' | ',' | '.'))
                    .collect();
                out.extend(tail.chars().rev());
                continue;
            }
        }
        out.push_str(word);
    }
    out
}

/// `text` cut to `max` characters, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max).collect();
    s.push('…');
    s
}
