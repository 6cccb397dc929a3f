//! The time-limit flags every forge-using command flattens (`#[command(flatten)]`).

use super::HttpConfig;
use crate::duration::parse_duration;
use crate::net::Policy;
use std::time::Duration;

/// Request timeout, retries and the run's deadline for the forge clients.
#[derive(clap::Args, Debug, Clone)]
pub struct NetArgs {
    /// Time limit of one forge request.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// Retries of a failed forge request (connection failures, 429, 5xx).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Time limit of all forge requests of the run (no request or retry outlives it).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub timeout: Duration,
}

impl NetArgs {
    /// The HTTP layer's configuration, its deadline counted from now.
    pub fn http_config(&self) -> HttpConfig {
        HttpConfig {
            policy: Policy {
                request_timeout: self.request_timeout,
                max_retries: self.retries.min(10),
                ..Policy::default()
            },
            ..HttpConfig::default()
        }
        .with_run_timeout(self.timeout)
    }
}

/// Where the forge API is and which token to use (the token is read from an environment
/// variable, never given on the command line).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ForgeArgs {
    /// API base URL (default: GITHUB_API_URL / CI_API_V4_URL, else the public forge).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// GitHub OWNER/NAME or GitLab project id or path (default: GITHUB_REPOSITORY / CI_PROJECT_ID).
    #[arg(long, value_name = "REPO")]
    pub repo: Option<String>,
    /// Name of the environment variable that holds the token (default: GITHUB_TOKEN or
    /// GH_TOKEN; SFCI_GITLAB_TOKEN or GITLAB_TOKEN).
    #[arg(long, value_name = "NAME")]
    pub token_env: Option<String>,
}

/// Which forge, which merge request / pull request, and how to reach it.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ChangeArgs {
    /// The forge (default: GitLab in GitLab CI, else GitHub).
    #[arg(long, value_enum, value_name = "FORGE")]
    pub forge: Option<ForgeKind>,
    /// The merge request IID / pull request number (default: from the CI context).
    #[arg(long, value_name = "N")]
    pub change: Option<u64>,
    #[command(flatten)]
    pub api: ForgeArgs,
}

/// `--forge` values.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgeKind {
    Github,
    Gitlab,
}

impl From<ForgeKind> for super::Forge {
    fn from(k: ForgeKind) -> Self {
        match k {
            ForgeKind::Github => super::Forge::GitHub,
            ForgeKind::Gitlab => super::Forge::GitLab,
        }
    }
}

impl ChangeArgs {
    /// The forge options, with `http` as the request policy.
    pub fn options(&self, http: HttpConfig) -> super::ForgeOptions {
        super::ForgeOptions {
            forge: self.forge.map(Into::into),
            api_url: self.api.api_url.clone(),
            repo: self.api.repo.clone(),
            token_env: self.api.token_env.clone(),
            http,
        }
    }

    /// The change number: the flag, else the CI context's.
    pub fn change_number(&self) -> Option<u64> {
        self.change
            .or_else(|| crate::ci::CiContext::detect().change_number)
    }
}
