//! Credentials for an org, in the order of preference sfci uses them:
//!
//! 1. an **SFDX auth URL** — `force://<clientId>:<clientSecret>:<refreshToken>@<host>`,
//!    the format `sf org login sfdx-url` reads (`sf org display --verbose --json` prints
//!    it as `sfdxAuthUrl`), usually with an empty secret: `force://PlatformCLI::<token>@<host>`.
//!    From `--auth-url-file FILE`, `SF_AUTH_URL` or `SFDX_AUTH_URL`. The refresh token is
//!    exchanged at `<host>/services/oauth2/token`; a rotated refresh token in the answer
//!    replaces the old one;
//! 2. the **JWT bearer flow** — `--client-id`, `--username`, `--jwt-key-file` (the connected
//!    app's private key, PEM) and `--login-url` (`https://login.salesforce.com` for
//!    production, `https://test.salesforce.com` for sandboxes, or a My Domain URL);
//! 3. an **access token** — `SF_ACCESS_TOKEN` with `SF_INSTANCE_URL` (no renewal: an expired
//!    session is an auth error).
//!
//! Hosts are https. An explicit `http://` is accepted only for loopback addresses (a local
//! fake org): `force://id:secret:token@http://127.0.0.1:8080`.
//!
//! No credential is ever formatted: they live in [`Secret`]s, and errors about the auth URL
//! never quote it.

use crate::net::Secret;
use crate::net::{is_loopback, parse_base_url};
use reqwest::Url;
use std::path::{Path, PathBuf};

/// Production login host, the default of `--login-url`.
pub const PRODUCTION_LOGIN_URL: &str = "https://login.salesforce.com";

/// How to obtain a session.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// An SFDX auth URL: refresh-token grant.
    AuthUrl {
        client_id: String,
        client_secret: Secret,
        refresh_token: Secret,
        login_url: Url,
    },
    /// JWT bearer grant.
    Jwt {
        client_id: String,
        username: String,
        key: Secret,
        login_url: Url,
    },
    /// A ready session.
    AccessToken { token: Secret, instance_url: Url },
}

impl Credentials {
    /// Every secret these credentials hold, for scrubbing messages.
    pub fn secrets(&self) -> Vec<Secret> {
        match self {
            Credentials::AuthUrl {
                client_secret,
                refresh_token,
                ..
            } => vec![client_secret.clone(), refresh_token.clone()],
            // The key as a whole and line by line: an echo of any line must not show.
            Credentials::Jwt { key, .. } => std::iter::once(key.clone())
                .chain(
                    key.expose()
                        .lines()
                        .map(str::trim)
                        .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
                        .map(Secret::new),
                )
                .collect(),
            Credentials::AccessToken { token, .. } => vec![token.clone()],
        }
    }

    /// What the credentials are, for the summary (no secret).
    pub fn describe(&self) -> String {
        match self {
            Credentials::AuthUrl { login_url, .. } => {
                format!("SFDX auth URL ({})", host_of(login_url))
            }
            Credentials::Jwt {
                username,
                login_url,
                ..
            } => format!("JWT bearer as {username} ({})", host_of(login_url)),
            Credentials::AccessToken { instance_url, .. } => {
                format!("access token ({})", host_of(instance_url))
            }
        }
    }

    /// Whether an expired session can be renewed.
    pub fn can_refresh(&self) -> bool {
        !matches!(self, Credentials::AccessToken { .. })
    }
}

fn host_of(url: &Url) -> String {
    match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

/// The auth inputs, as flags and environment give them (see [`super::args::OrgArgs`]).
#[derive(Debug, Clone, Default)]
pub struct AuthInputs {
    pub auth_url_file: Option<PathBuf>,
    /// `SF_AUTH_URL` / `SFDX_AUTH_URL`.
    pub auth_url_env: Option<Secret>,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub jwt_key_file: Option<PathBuf>,
    pub login_url: Option<String>,
    /// `SF_ACCESS_TOKEN`.
    pub access_token: Option<Secret>,
    /// `--instance-url` / `SF_INSTANCE_URL`.
    pub instance_url: Option<String>,
}

impl AuthInputs {
    /// Reads the environment variables sfci knows (flags are set by the caller).
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        AuthInputs {
            auth_url_env: var("SF_AUTH_URL")
                .or_else(|| var("SFDX_AUTH_URL"))
                .map(Secret::new),
            access_token: var("SF_ACCESS_TOKEN").map(Secret::new),
            instance_url: var("SF_INSTANCE_URL"),
            ..AuthInputs::default()
        }
    }

    /// The credentials to use, by preference: auth URL, JWT, access token.
    pub fn resolve(&self) -> Result<Credentials, String> {
        if let Some(path) = &self.auth_url_file {
            let text = read_secret_file(path, "--auth-url-file")?;
            return parse_auth_url(text.expose())
                .map_err(|e| format!("--auth-url-file {}: {e}", path.display()));
        }
        if let Some(url) = &self.auth_url_env {
            // A GitLab variable of type File holds the path of a file with the value.
            let value = url.expose().trim();
            if !value.starts_with("force://") && Path::new(value).is_file() {
                let text = read_secret_file(Path::new(value), "SF_AUTH_URL (a file)")?;
                return parse_auth_url(text.expose())
                    .map_err(|e| format!("SF_AUTH_URL (a file): {e}"));
            }
            return parse_auth_url(url.expose()).map_err(|e| format!("SF_AUTH_URL: {e}"));
        }
        let jwt_parts = [
            self.client_id.is_some(),
            self.username.is_some(),
            self.jwt_key_file.is_some(),
        ];
        if jwt_parts.iter().any(|p| *p) {
            let (Some(client_id), Some(username), Some(key_file)) =
                (&self.client_id, &self.username, &self.jwt_key_file)
            else {
                return Err(
                    "the JWT bearer flow needs --client-id, --username and --jwt-key-file together"
                        .into(),
                );
            };
            let key = read_secret_file(key_file, "--jwt-key-file")?;
            if jsonwebtoken::EncodingKey::from_rsa_pem(key.expose().as_bytes()).is_err() {
                return Err(format!(
                    "--jwt-key-file {}: not an RSA private key in PEM format",
                    key_file.display()
                ));
            }
            let login = self.login_url.as_deref().unwrap_or(PRODUCTION_LOGIN_URL);
            let login_url = checked_url(login).map_err(|e| format!("--login-url: {e}"))?;
            return Ok(Credentials::Jwt {
                client_id: client_id.clone(),
                username: username.clone(),
                key,
                login_url,
            });
        }
        if let Some(token) = &self.access_token {
            let Some(instance) = &self.instance_url else {
                return Err("SF_ACCESS_TOKEN needs SF_INSTANCE_URL (or --instance-url)".into());
            };
            let instance_url =
                checked_url(instance).map_err(|e| format!("SF_INSTANCE_URL: {e}"))?;
            return Ok(Credentials::AccessToken {
                token: token.clone(),
                instance_url,
            });
        }
        Err("no org credentials: set SF_AUTH_URL (an SFDX auth URL, from `sf org display --verbose --json`), \
             or pass --auth-url-file FILE, or --client-id/--username/--jwt-key-file for the JWT flow, \
             or set SF_ACCESS_TOKEN and SF_INSTANCE_URL"
            .into())
    }
}

fn read_secret_file(path: &Path, flag: &str) -> Result<Secret, String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) if s.trim().is_empty() => {
                Err(format!("{flag} {}: the file is empty", path.display()))
            }
            Ok(s) => Ok(Secret::new(s.trim_start_matches('\u{feff}').to_string())),
            Err(_) => Err(format!(
                "{flag} {}: the file is not UTF-8 text",
                path.display()
            )),
        },
        Err(e) => Err(format!("{flag} {}: cannot read it: {e}", path.display())),
    }
}

/// A login or instance URL: https, or http to a loopback address; a bare host gets https.
pub fn checked_url(text: &str) -> Result<Url, String> {
    let text = text.trim();
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("https://{text}")
    };
    parse_base_url(&with_scheme)
}

/// Parses `force://<clientId>:<clientSecret>:<refreshToken>@<host>`. Errors never quote the
/// URL (it holds the refresh token).
pub fn parse_auth_url(text: &str) -> Result<Credentials, String> {
    let text = text.trim().trim_start_matches('\u{feff}');
    let Some(rest) = text.strip_prefix("force://") else {
        return Err("not an SFDX auth URL: it must start with force://".into());
    };
    // The host part follows the last `@` (a token never holds one; a host may hold a
    // scheme and port).
    let Some(at) = rest.rfind('@') else {
        return Err("not an SFDX auth URL: no @ before the host".into());
    };
    let (creds, host) = (&rest[..at], &rest[at + 1..]);
    let mut parts = creds.splitn(3, ':');
    let (Some(client_id), Some(client_secret), Some(refresh_token)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(
            "not an SFDX auth URL: expected force://<clientId>:<clientSecret>:<refreshToken>@<host>"
                .into(),
        );
    };
    if client_id.is_empty() {
        return Err("the SFDX auth URL has no client id".into());
    }
    if refresh_token.trim().is_empty() {
        return Err("the SFDX auth URL has no refresh token".into());
    }
    if host.trim().is_empty() {
        return Err("the SFDX auth URL has no host".into());
    }
    let login_url = checked_url(host.trim_end_matches('/'))
        .map_err(|e| format!("the SFDX auth URL's host is not usable: {e}"))?;
    Ok(Credentials::AuthUrl {
        client_id: client_id.to_string(),
        client_secret: Secret::new(client_secret),
        refresh_token: Secret::new(refresh_token),
        login_url,
    })
}

/// The JWT bearer assertion: RS256 over `iss` (client id), `sub` (username), `aud` (the
/// login URL's origin) and `exp` (3 minutes, the most Salesforce accepts).
pub fn jwt_assertion(
    client_id: &str,
    username: &str,
    key: &Secret,
    login_url: &Url,
) -> Result<String, String> {
    #[derive(serde::Serialize)]
    struct Claims<'a> {
        iss: &'a str,
        sub: &'a str,
        aud: String,
        exp: u64,
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let aud = std::env::var("SF_AUDIENCE_URL")
        .ok()
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| jwt_audience(login_url));
    let claims = Claims {
        iss: client_id,
        sub: username,
        aud,
        exp: now + 180,
    };
    let encoding = jsonwebtoken::EncodingKey::from_rsa_pem(key.expose().as_bytes())
        .map_err(|_| "the JWT key is not an RSA private key in PEM format".to_string())?;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &encoding,
    )
    .map_err(|e| format!("cannot sign the JWT assertion: {}", e.kind_name()))
}

/// The `aud` Salesforce expects for a login URL, as the `sf` CLI derives it: the sandbox
/// login host for sandboxes (test.salesforce.com, `*.sandbox.my.salesforce.com`, `acme--uat…`),
/// the production one otherwise (My Domain URLs included); a loopback URL (a test org) is its
/// own audience. `SF_AUDIENCE_URL` overrides it.
pub fn jwt_audience(login_url: &Url) -> String {
    let host = login_url.host_str().unwrap_or("").to_ascii_lowercase();
    if is_loopback(login_url) {
        return login_url.origin().ascii_serialization();
    }
    let sandbox = host == "test.salesforce.com"
        || host.ends_with(".sandbox.my.salesforce.com")
        || (host.contains("--") && host.ends_with(".my.salesforce.com"));
    if sandbox {
        "https://test.salesforce.com".into()
    } else {
        "https://login.salesforce.com".into()
    }
}

/// `jsonwebtoken` errors as a kind, never with key material.
trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for jsonwebtoken::errors::Error {
    fn kind_name(&self) -> &'static str {
        use jsonwebtoken::errors::ErrorKind;
        match self.kind() {
            ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat => "invalid RSA key",
            ErrorKind::Json(_) => "cannot encode the claims",
            _ => "signing failed",
        }
    }
}

/// Whether the instance URL the token endpoint returned may be used: https, or http on a
/// loopback address.
pub fn instance_url_allowed(url: &Url) -> bool {
    url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_url_forms() {
        let c = parse_auth_url("force://PlatformCLI::5Aep861abc.def==@myorg.my.salesforce.com")
            .unwrap();
        let Credentials::AuthUrl {
            client_id,
            client_secret,
            refresh_token,
            login_url,
        } = c
        else {
            panic!()
        };
        assert_eq!(client_id, "PlatformCLI");
        assert!(client_secret.is_empty());
        assert_eq!(refresh_token.expose(), "5Aep861abc.def==");
        assert_eq!(login_url.as_str(), "https://myorg.my.salesforce.com/");

        let c = parse_auth_url("force://id:sec:tok@http://127.0.0.1:8080\n").unwrap();
        let Credentials::AuthUrl {
            login_url,
            client_secret,
            ..
        } = c
        else {
            panic!()
        };
        assert_eq!(login_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(client_secret.expose(), "sec");
        assert!(parse_auth_url("force://id:sec:tok@https://login.salesforce.com/").is_ok());
    }

    #[test]
    fn auth_url_errors_never_quote_the_token() {
        let token = "5AepSECRETTOKEN123";
        for bad in [
            format!("https://id::{token}@host"),
            format!("force://id::{token}"),
            format!("force://id{token}@host"),
            format!("force://::{token}@host"),
            "force://id::@host".to_string(),
            format!("force://id::{token}@"),
            format!("force://id::{token}@http://example.com"),
            format!("force://id::{token}@ftp://host"),
            format!("force://id::{token}@exa mple.com"),
        ] {
            let e = parse_auth_url(&bad).unwrap_err();
            assert!(!e.contains(token), "{e}");
            assert!(!e.contains("SECRET"), "{e}");
        }
        let e = parse_auth_url(&format!("force://id::{token}@http://example.com")).unwrap_err();
        assert!(e.contains("loopback"), "{e}");
    }

    #[test]
    fn resolve_prefers_auth_url_then_jwt_then_token() {
        let mut inputs = AuthInputs {
            auth_url_env: Some(Secret::new(
                "force://PlatformCLI::tok1@login.salesforce.com",
            )),
            access_token: Some(Secret::new("00Dxx!tok")),
            instance_url: Some("https://x.my.salesforce.com".into()),
            ..AuthInputs::default()
        };
        assert!(matches!(
            inputs.resolve().unwrap(),
            Credentials::AuthUrl { .. }
        ));
        inputs.auth_url_env = None;
        assert!(matches!(
            inputs.resolve().unwrap(),
            Credentials::AccessToken { .. }
        ));
        inputs.client_id = Some("cid".into());
        let e = inputs.resolve().unwrap_err();
        assert!(e.contains("--client-id, --username and --jwt-key-file together"));
        inputs.instance_url = None;
        inputs.client_id = None;
        assert!(inputs.resolve().unwrap_err().contains("SF_INSTANCE_URL"));
        let none = AuthInputs::default().resolve().unwrap_err();
        assert!(none.contains("no org credentials"));
    }

    #[test]
    fn jwt_audiences() {
        let aud = |u: &str| jwt_audience(&checked_url(u).unwrap());
        assert_eq!(
            aud("https://login.salesforce.com"),
            "https://login.salesforce.com"
        );
        assert_eq!(
            aud("https://acme.my.salesforce.com"),
            "https://login.salesforce.com"
        );
        assert_eq!(
            aud("https://test.salesforce.com"),
            "https://test.salesforce.com"
        );
        assert_eq!(
            aud("https://acme--uat.sandbox.my.salesforce.com"),
            "https://test.salesforce.com"
        );
        assert_eq!(
            aud("https://acme--uat.my.salesforce.com"),
            "https://test.salesforce.com"
        );
        assert_eq!(aud("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
    }

    #[test]
    fn auth_url_variable_may_name_a_file() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            f.path(),
            "force://PlatformCLI::5AepFILEtoken@acme.my.salesforce.com\n",
        )
        .unwrap();
        let inputs = AuthInputs {
            auth_url_env: Some(Secret::new(f.path().display().to_string())),
            ..AuthInputs::default()
        };
        let Credentials::AuthUrl { refresh_token, .. } = inputs.resolve().unwrap() else {
            panic!()
        };
        assert_eq!(refresh_token.expose(), "5AepFILEtoken");
    }

    #[test]
    fn instance_urls() {
        assert!(checked_url("http://10.0.0.1").is_err());
        assert!(checked_url("http://localhost:1234").is_ok());
        assert_eq!(
            checked_url("acme.my.salesforce.com").unwrap().as_str(),
            "https://acme.my.salesforce.com/"
        );
    }
}
