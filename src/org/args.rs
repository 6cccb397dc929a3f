//! The org flags every org-using command flattens (`#[command(flatten)]`).
//! Secrets never come from flags: only from files and the environment.

use super::auth::AuthInputs;
use super::OrgConfig;
use crate::duration::parse_duration;
use crate::net::Policy;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach the org. Credentials, by preference: `--auth-url-file` / `SF_AUTH_URL` /
/// `SFDX_AUTH_URL` (an SFDX auth URL), the JWT flow (`--client-id`, `--username`,
/// `--jwt-key-file`, `--login-url`), `SF_ACCESS_TOKEN` with `SF_INSTANCE_URL`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OrgArgs {
    /// A file holding an SFDX auth URL (`force://<clientId>:<secret>:<refreshToken>@<host>`,
    /// from `sf org display --verbose --json`). Default: the `SF_AUTH_URL` or
    /// `SFDX_AUTH_URL` variable.
    #[arg(long, value_name = "FILE")]
    pub auth_url_file: Option<PathBuf>,
    /// JWT bearer flow: the connected app's consumer key.
    #[arg(long, value_name = "ID", env = "SF_CLIENT_ID")]
    pub client_id: Option<String>,
    /// JWT bearer flow: the user to act as.
    #[arg(long, value_name = "USER", env = "SF_USERNAME")]
    pub username: Option<String>,
    /// JWT bearer flow: the connected app's RSA private key (PEM).
    #[arg(long, value_name = "FILE", env = "SF_JWT_KEY_FILE")]
    pub jwt_key_file: Option<PathBuf>,
    /// JWT bearer flow: https://login.salesforce.com (production), https://test.salesforce.com
    /// (sandbox) or a My Domain URL.
    #[arg(long, value_name = "URL", env = "SF_LOGIN_URL")]
    pub login_url: Option<String>,
    /// With `SF_ACCESS_TOKEN`: the org's instance URL (default: `SF_INSTANCE_URL`).
    #[arg(long, value_name = "URL")]
    pub instance_url: Option<String>,
    /// Salesforce API version.
    #[arg(long, value_name = "X.Y", env = "SF_API_VERSION", default_value = super::DEFAULT_API_VERSION)]
    pub api_version: String,
    /// Time limit of one request.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// Retries of a failed request (connection failures, 429, 5xx).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// One line per request on stderr (method, path, status, time; never a credential).
    #[arg(long)]
    pub verbose: bool,
}

impl OrgArgs {
    /// The auth inputs: these flags over the environment.
    pub fn auth_inputs(&self) -> AuthInputs {
        let mut inputs = AuthInputs::from_env();
        inputs.auth_url_file = self.auth_url_file.clone();
        inputs.client_id = self.client_id.clone();
        inputs.username = self.username.clone();
        inputs.jwt_key_file = self.jwt_key_file.clone();
        inputs.login_url = self.login_url.clone();
        if self.instance_url.is_some() {
            inputs.instance_url = self.instance_url.clone();
        }
        inputs
    }

    /// The client configuration (the caller sets the deadline).
    pub fn config(&self) -> Result<OrgConfig, String> {
        let v = self.api_version.trim().trim_start_matches('v');
        let ok = v.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
                && !b.is_empty()
        });
        if !ok {
            return Err(format!(
                "--api-version {:?}: expected a version like {}",
                self.api_version,
                super::DEFAULT_API_VERSION
            ));
        }
        let defaults = OrgConfig::default();
        Ok(OrgConfig {
            api_version: v.to_string(),
            verbose: self.verbose,
            policy: Policy {
                request_timeout: self.request_timeout,
                max_retries: self.retries.min(10),
                ..defaults.policy
            },
            ..defaults
        })
    }
}
