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

/// A connected forge (GitHub or GitLab): callers ask it, never match on which it is.
pub type Client = Box<dyn ForgeClient>;

/// How an owner named in CODEOWNERS stands on the forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The owner exists and can approve (write access; GitLab: Developer or higher).
    Writer,
    /// No such user, team or group (or the token cannot see it); the reason.
    Unknown(String),
    /// The owner exists but cannot approve; the reason.
    CannotWrite(String),
}

/// What the tools ask of a forge: comments, approvals, open changes, changed files, and the
/// owner lookups of `codeowners-check`. [`GitHub`] and [`GitLab`] implement it.
pub trait ForgeClient {
    /// Which forge this is.
    fn forge(&self) -> Forge;

    /// Creates or updates the one comment (GitHub) or note (GitLab) on change `change` that
    /// holds `marker`.
    fn upsert_comment(&self, change: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError>;

    /// Updates the comment/note marked `marker` on change `change` when there is one; creates
    /// none (`Upsert::Absent`).
    fn update_comment(&self, change: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError>;

    /// The accounts that approved change `change`.
    fn approvers(&self, change: u64) -> Result<Vec<String>, ForgeError>;

    /// The open merge requests / pull requests into `target_branch`, oldest first.
    fn open_changes(&self, target_branch: &str) -> Result<Vec<OpenChange>, ForgeError>;

    /// The ref a CI job fetches to have the head of change `number` locally
    /// (`refs/merge-requests/N/head`, `refs/pull/N/head`).
    fn head_ref(&self, number: u64) -> String;

    /// The files change `change` touches, as the forge lists them.
    fn changed_files(&self, change: u64) -> Result<Vec<String>, ForgeError>;

    /// How `owner` (as written, `@name`; `name` is it without the `@`: a user, `org/team` or
    /// a group path) stands as a code owner.
    fn owner_standing(&self, owner: &str, name: &str) -> Result<Standing, ForgeError>;

    /// Whether a bare `@name` may be a group (GitLab: a top-level group is written like a
    /// user); on GitHub only `@org/team` is.
    fn bare_names_may_be_groups(&self) -> bool;

    /// The members of group or team `name` (empty when the forge has no such group).
    fn members_of(&self, name: &str) -> Result<Vec<String>, ForgeError>;

    /// The project access level of `account` (GitLab roles for `@@developer` owners);
    /// `None` on a forge without roles or for a non-member.
    fn role_access(&self, account: &str) -> Result<Option<u32>, ForgeError>;
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
                Box::new(GitHub::with_config(
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
                Box::new(GitLab::with_config(
                    &url,
                    &project,
                    token,
                    self.http.clone(),
                )?)
            }
        }))
    }
}

impl ForgeClient for GitHub {
    fn forge(&self) -> Forge {
        Forge::GitHub
    }

    fn upsert_comment(&self, change: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError> {
        GitHub::upsert_comment(self, change, marker, body)
    }

    fn update_comment(&self, change: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError> {
        self.write_comment(change, marker, body, false)
    }

    fn approvers(&self, change: u64) -> Result<Vec<String>, ForgeError> {
        GitHub::approvers(self, change)
    }

    fn open_changes(&self, target_branch: &str) -> Result<Vec<OpenChange>, ForgeError> {
        self.open_pulls(target_branch)
    }

    fn head_ref(&self, number: u64) -> String {
        format!("refs/pull/{number}/head")
    }

    fn changed_files(&self, change: u64) -> Result<Vec<String>, ForgeError> {
        self.pull_files(change)
    }

    fn owner_standing(&self, owner: &str, name: &str) -> Result<Standing, ForgeError> {
        let (perm, what) = match name.split_once('/') {
            Some((org, team)) => {
                if !self.team_exists(org, team)? {
                    return Ok(Standing::Unknown(format!(
                        "team {owner} does not exist (or the token cannot read org teams)"
                    )));
                }
                let perm = self.team_repo_permission(org, team, self.owner(), self.repo())?;
                let access = format!(
                    "team {owner} has {} access to {}/{}",
                    perm.as_deref().unwrap_or("no"),
                    self.owner(),
                    self.repo()
                );
                (perm, access)
            }
            None => {
                if !self.user_exists(name)? {
                    return Ok(Standing::Unknown(format!("user {owner} does not exist")));
                }
                let perm = self.user_permission(name)?;
                let access = format!(
                    "user {owner} has {} access",
                    perm.as_deref().unwrap_or("no")
                );
                (perm, access)
            }
        };
        Ok(if perm.as_deref().is_some_and(super::github::can_write) {
            Standing::Writer
        } else {
            Standing::CannotWrite(format!("{what}; code owners need write"))
        })
    }

    fn bare_names_may_be_groups(&self) -> bool {
        false
    }

    fn members_of(&self, name: &str) -> Result<Vec<String>, ForgeError> {
        match name.split_once('/') {
            Some((org, team)) => self.team_members(org, team),
            None => Ok(Vec::new()),
        }
    }

    fn role_access(&self, _account: &str) -> Result<Option<u32>, ForgeError> {
        Ok(None)
    }
}

impl ForgeClient for GitLab {
    fn forge(&self) -> Forge {
        Forge::GitLab
    }

    fn upsert_comment(&self, change: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError> {
        self.upsert_note(change, marker, body)
    }

    fn update_comment(&self, change: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError> {
        self.write_note(change, marker, body, false)
    }

    fn approvers(&self, change: u64) -> Result<Vec<String>, ForgeError> {
        self.mr_approvers(change)
    }

    fn open_changes(&self, target_branch: &str) -> Result<Vec<OpenChange>, ForgeError> {
        self.open_merge_requests(target_branch)
    }

    fn head_ref(&self, number: u64) -> String {
        format!("refs/merge-requests/{number}/head")
    }

    fn changed_files(&self, change: u64) -> Result<Vec<String>, ForgeError> {
        self.mr_changed_files(change)
    }

    fn owner_standing(&self, owner: &str, name: &str) -> Result<Standing, ForgeError> {
        if name.contains('/') {
            return Ok(if self.group_exists(name)? {
                Standing::Writer
            } else {
                Standing::Unknown(format!(
                    "group {owner} does not exist (or the token cannot see it)"
                ))
            });
        }
        if !self.user_exists(name)? {
            // A top-level group is written like a user.
            return Ok(if self.group_exists(name)? {
                Standing::Writer
            } else {
                Standing::Unknown(format!("{owner} is neither a user nor a group"))
            });
        }
        let access = self.project_member_access(name)?;
        Ok(if access.unwrap_or(0) < super::gitlab::access::DEVELOPER {
            Standing::CannotWrite(format!("user {owner} is not a Developer (or higher) member of the project; GitLab ignores such code owners"))
        } else {
            Standing::Writer
        })
    }

    fn bare_names_may_be_groups(&self) -> bool {
        true
    }

    fn members_of(&self, name: &str) -> Result<Vec<String>, ForgeError> {
        match self.group_members(name) {
            Ok(m) => Ok(m),
            Err(e) if e.is_not_found() => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    fn role_access(&self, account: &str) -> Result<Option<u32>, ForgeError> {
        self.project_member_access(account)
    }
}
