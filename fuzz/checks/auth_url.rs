//! The SFDX auth URL parser (`force://<clientId>:<clientSecret>:<refreshToken>@<host>`).
//!
//! Invariants beyond "no panic":
//! - nothing shown depends on the secrets: the same URL with the client secret and the
//!   refresh token replaced by other values (a blank one stays blank) gives the very same error
//!   message, or on success the very same `Debug` and `describe()` text, so no part of a
//!   secret can be quoted (stronger than "does not contain the token", and free of false
//!   alarms when a short token happens to occur in the host or a fixed message);
//! - on success the fields are the URL's parts and the login URL is https or http.

use sfci::org::auth::{parse_auth_url, Credentials};

/// The parts as the parser splits them: (prefix incl. client id and `:`, secret, token, host).
fn parts(text: &str) -> Option<(&str, &str, &str, &str)> {
    let t = text.trim().trim_start_matches('\u{feff}');
    let rest = t.strip_prefix("force://")?;
    let at = rest.rfind('@')?;
    let (creds, host) = (&rest[..at], &rest[at + 1..]);
    let mut it = creds.splitn(3, ':');
    let id = it.next()?;
    let secret = it.next()?;
    let token = it.next()?;
    Some((id, secret, token, host))
}

/// Another value for a secret; a blank one (empty or whitespace) stays as it is.
fn stand_in(s: &str, with: &str) -> String {
    if s.trim().is_empty() {
        s.to_string()
    } else {
        with.to_string()
    }
}

/// Runs the target on one input; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = parse_auth_url(text);
    let Some((id, secret, token, host)) = parts(text) else {
        assert!(
            result.is_err(),
            "accepted a URL without force://, @ or three parts"
        );
        return;
    };
    // Secrets are trimmed by `Secret::new`; compare against what is kept.
    let (secret_t, token_t) = (secret.trim(), token.trim());
    // The same URL with other secrets: nothing the user sees may change.
    let other = format!(
        "force://{id}:{}:{}@{host}",
        stand_in(secret, "S3cr3t"),
        stand_in(token, "T0k3nT0k3n")
    );
    let result2 = parse_auth_url(&other);
    match &result {
        Err(err) => {
            let err2 = result2.expect_err("the secrets changed the outcome");
            assert_eq!(err, &err2, "the error depends on the secrets");
        }
        Ok(creds) => {
            let Credentials::AuthUrl {
                client_id,
                client_secret,
                refresh_token,
                login_url,
            } = creds
            else {
                panic!("an auth URL gave other credentials");
            };
            assert_eq!(client_id, id);
            assert_eq!(client_secret.expose(), secret_t);
            assert_eq!(refresh_token.expose(), token_t);
            assert!(!id.is_empty() && !token_t.is_empty());
            let scheme = login_url.scheme();
            assert!(scheme == "https" || scheme == "http", "scheme {scheme}");
            let creds2 = result2.expect("the secrets changed the outcome");
            let shown = format!("{creds:?} {}", creds.describe());
            let shown2 = format!("{creds2:?} {}", creds2.describe());
            assert_eq!(shown, shown2, "Debug or describe() shows a secret");
        }
    }
}
