//! A token that never prints.
//!
//! Tokens (forge, org, Prometheus, a webhook URL) live only inside [`Secret`]: its `Debug` and
//! `Display` print `***`, and every client on [`crate::net`] scrubs the token's text out of every
//! error message it builds (see [`Secret::scrub`]), so a token cannot reach a report, a log line or a panic message by accident.
use std::fmt;

/// A credential (API token). `Debug`/`Display` print `***`; read the value with
/// [`Secret::expose`] only where it goes into a request header.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token. Surrounding whitespace (a trailing newline from a file or a CI variable) is
    /// dropped.
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        let trimmed = token.trim();
        if trimmed.len() == token.len() {
            Secret(token)
        } else {
            Secret(trimmed.to_string())
        }
    }

    /// The token text, for building an authentication header. Never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// No token (anonymous requests).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Replaces every occurrence of the token in `text` with `***`.
    pub fn scrub(&self, text: &str) -> String {
        // Tokens shorter than 4 characters are not real tokens; replacing them would mangle
        // ordinary words in messages.
        if self.0.len() < 4 {
            return text.to_string();
        }
        text.replace(&self.0, "***")
    }
}

impl From<String> for Secret {
    fn from(token: String) -> Self {
        Secret::new(token)
    }
}

impl From<&str> for Secret {
    fn from(token: &str) -> Self {
        Secret::new(token)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::new("glpat-abcdef123456\n");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(***)");
        assert_eq!(s.expose(), "glpat-abcdef123456");
        assert_eq!(
            s.scrub("token glpat-abcdef123456 leaked"),
            "token *** leaked"
        );
        assert!(Secret::default().is_empty());
    }
}
