//! Connecting to the forge of the current CI job: which forge, its API URL, the repository or
//! project, the token (read from an environment variable, never from the command line) and the
//! merge request / pull request number — from flags first, then the CI environment.
//!
//! One place for what `codeowners-check`, `validate-deps --approvals` and every `--comment`
//! need, so each tool finds the forge the same way.
use super::{Forge, ForgeError, GitHub, GitLab, HttpConfig, Secret, Upsert};

/// Where the forge is and how to reach it.
#[derive(Debug, Clone, Default)]
pub struct ForgeOptions {
    /// GitHub or GitLab; from the CI context when absent.
    pub forge: Option<Forge>,
    pub api_url: Option<String>,
    /// GitHub `owner/repo` or GitLab project id/path.
    pub repo: Option<String>,
    /// Name of the environment variable holding the token (never the token).
    pub token_env: Option<String>,
    /// Timeouts, retries and the run's deadline of the forge requests.
    pub http: HttpConfig,
}

/// An open merge request / pull request, as the forge lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenChange {
    /// The merge request IID / pull request number.
    pub number: u64,
    pub source_branch: String,
    /// The head commit (GitLab `sha`, GitHub `head.sha`); empty when the forge gave none.
    pub sha: String,
    /// ISO 8601, as the forge wrote it.
    pub created_at: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub draft: bool,
}

/// A connected forge.
pub enum Client {
    GitHub(GitHub),
    GitLab(GitLab),
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

impl Forge {
    /// The forge of the CI job running us: GitLab in GitLab CI, else GitHub.
    pub fn from_ci() -> Forge {
        match crate::ci::Provider::of_job() {
            crate::ci::Provider::GitLab => Forge::GitLab,
            crate::ci::Provider::GitHub => Forge::GitHub,
        }
    }

    /// The environment variables a token is read from when `--token-env` is not given.
    pub fn token_vars(self) -> &'static [&'static str] {
        match self {
            Forge::GitHub => &["GITHUB_TOKEN", "GH_TOKEN"],
            Forge::GitLab => &["SFCI_GITLAB_TOKEN", "GITLAB_TOKEN"],
            Forge::Webhook | Forge::Pushgateway => &[],
        }
    }
}

impl ForgeOptions {
    /// The forge these options name, else the CI job's.
    pub fn forge(&self) -> Forge {
        self.forge.unwrap_or_else(Forge::from_ci)
    }

    /// The forge client, or None when no token is configured (`fallback` is the forge when the
    /// options name none).
    pub fn connect(&self, fallback: Forge) -> Result<Option<Client>, ForgeError> {
        let forge = self.forge.unwrap_or(fallback);
        let token = match &self.token_env {
            Some(v) => env(v),
            None => forge.token_vars().iter().find_map(|v| env(v)),
        };
        let Some(token) = token else {
            return Ok(None);
        };
        let token = Secret::new(token);
        let config = |detail: &str| ForgeError::Config {
            forge,
            detail: detail.into(),
        };
        Ok(Some(match forge {
            Forge::GitHub => {
                let url = self
                    .api_url
                    .clone()
                    .or_else(|| env("GITHUB_API_URL"))
                    .unwrap_or_else(|| GitHub::DEFAULT_BASE_URL.into());
                let repo = self.repo.clone().or_else(|| env("GITHUB_REPOSITORY")).ok_or_else(|| {
                    config("the repository is unknown: pass --repo OWNER/NAME (or set GITHUB_REPOSITORY)")
                })?;
                let (owner, name) = repo
                    .split_once('/')
                    .ok_or_else(|| config(&format!("--repo {repo}: expected OWNER/NAME")))?;
                Client::GitHub(GitHub::with_config(
                    &url,
                    owner,
                    name,
                    token,
                    self.http.clone(),
                )?)
            }
            Forge::GitLab => {
                let url = self
                    .api_url
                    .clone()
                    .or_else(|| env("CI_API_V4_URL"))
                    .unwrap_or_else(|| GitLab::DEFAULT_BASE_URL.into());
                let project = self
                    .repo
                    .clone()
                    .or_else(|| env("CI_PROJECT_ID"))
                    .ok_or_else(|| {
                        config("the project is unknown: pass --repo ID|PATH (or set CI_PROJECT_ID)")
                    })?;
                Client::GitLab(GitLab::with_config(
                    &url,
                    &project,
                    token,
                    self.http.clone(),
                )?)
            }
            Forge::Webhook | Forge::Pushgateway => {
                return Err(config("a webhook or a Pushgateway is not a forge"))
            }
        }))
    }
}

impl Client {
    pub fn forge(&self) -> Forge {
        match self {
            Client::GitHub(_) => Forge::GitHub,
            Client::GitLab(_) => Forge::GitLab,
        }
    }

    /// Creates or updates the one comment (GitHub) or note (GitLab) on change `change` that
    /// holds `marker`.
    pub fn upsert_comment(
        &self,
        change: u64,
        marker: &str,
        body: &str,
    ) -> Result<Upsert, ForgeError> {
        match self {
            Client::GitHub(gh) => gh.upsert_comment(change, marker, body),
            Client::GitLab(gl) => gl.upsert_note(change, marker, body),
        }
    }

    /// Updates the comment/note marked `marker` on change `change` when there is one; creates
    /// none (`Upsert::Absent`).
    pub fn update_comment(
        &self,
        change: u64,
        marker: &str,
        body: &str,
    ) -> Result<Upsert, ForgeError> {
        match self {
            Client::GitHub(gh) => gh.write_comment(change, marker, body, false),
            Client::GitLab(gl) => gl.write_note(change, marker, body, false),
        }
    }

    /// The accounts that approved change `change`.
    pub fn approvers(&self, change: u64) -> Result<Vec<String>, ForgeError> {
        match self {
            Client::GitHub(gh) => gh.approvers(change),
            Client::GitLab(gl) => gl.mr_approvers(change),
        }
    }

    /// The open merge requests / pull requests into `target_branch`, oldest first.
    pub fn open_changes(&self, target_branch: &str) -> Result<Vec<OpenChange>, ForgeError> {
        match self {
            Client::GitHub(gh) => gh.open_pulls(target_branch),
            Client::GitLab(gl) => gl.open_merge_requests(target_branch),
        }
    }

    /// The refs a CI job fetches to have the head of change `number` locally
    /// (`refs/merge-requests/N/head`, `refs/pull/N/head`).
    pub fn head_ref(&self, number: u64) -> String {
        match self {
            Client::GitHub(_) => format!("refs/pull/{number}/head"),
            Client::GitLab(_) => format!("refs/merge-requests/{number}/head"),
        }
    }

    /// The files change `change` touches, as the forge lists them.
    pub fn changed_files(&self, change: u64) -> Result<Vec<String>, ForgeError> {
        match self {
            Client::GitHub(gh) => gh.pull_files(change),
            Client::GitLab(gl) => gl.mr_changed_files(change),
        }
    }
}
