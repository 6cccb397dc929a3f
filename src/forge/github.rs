//! GitHub REST client: pull request files and reviews, users, teams, permissions, the summary
//! comment.
//!
//! Requests go through `octocrab` (bearer authentication, base URI) running on the shared reqwest
//! client of [`super::http`], which adds timeouts, retries, rate-limit handling, decoding and
//! pagination. octocrab's typed endpoints are not used: they would hide the status, the headers
//! and the path of a failure, which our error contract needs.
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde::Deserialize;

use super::http::{encode_segment as enc, Auth, HttpClient, Method, Request};
use super::{Forge, ForgeError, HttpConfig, Secret, Upsert};

/// Most files GitHub's "List pull requests files" endpoint returns for one pull request.
pub const PULL_FILES_LIMIT: u64 = 3000;

const ACCEPT_JSON: &str = "application/vnd.github+json";
const ACCEPT_REPOSITORY: &str = "application/vnd.github.v3.repository+json";

/// A GitHub REST client for one repository. `Debug` shows no token.
#[derive(Debug)]
pub struct GitHub {
    http: HttpClient,
    owner: String,
    repo: String,
    cache: Mutex<Cache>,
}

#[derive(Default, Debug)]
struct Cache {
    users: HashMap<String, bool>,
    teams: HashMap<(String, String), bool>,
    team_members: HashMap<(String, String), Vec<String>>,
    team_permissions: HashMap<(String, String, String, String), Option<String>>,
    user_permissions: HashMap<String, Option<String>>,
}

/// The state of a pull request review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewState {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
    Pending,
    Other(String),
}

impl<'de> Deserialize<'de> for ReviewState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.to_ascii_uppercase().as_str() {
            "APPROVED" => ReviewState::Approved,
            "CHANGES_REQUESTED" => ReviewState::ChangesRequested,
            "COMMENTED" => ReviewState::Commented,
            "DISMISSED" => ReviewState::Dismissed,
            "PENDING" => ReviewState::Pending,
            _ => ReviewState::Other(s),
        })
    }
}

/// One pull request review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The reviewer's login.
    pub user: String,
    pub state: ReviewState,
    /// ISO 8601 (`2024-01-31T12:00:00Z`); absent for pending reviews.
    pub submitted_at: Option<String>,
}

#[derive(Deserialize)]
struct Login {
    login: String,
}

#[derive(Deserialize)]
struct RawReview {
    user: Option<Login>,
    state: ReviewState,
    #[serde(default)]
    submitted_at: Option<String>,
}

#[derive(Deserialize)]
struct PullInfo {
    changed_files: u64,
}

#[derive(Deserialize)]
struct PullFile {
    filename: String,
    #[serde(default)]
    previous_filename: Option<String>,
}

#[derive(Deserialize)]
struct UserInfo {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Deserialize)]
struct CreatedId {
    id: u64,
}

#[derive(Deserialize)]
struct PullHead {
    #[serde(rename = "ref")]
    branch: String,
    sha: String,
}

#[derive(Deserialize)]
struct Pull {
    number: u64,
    head: PullHead,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    user: Option<Login>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    draft: bool,
}

#[derive(Deserialize, Default)]
struct Permissions {
    #[serde(default)]
    admin: bool,
    #[serde(default)]
    maintain: bool,
    #[serde(default)]
    push: bool,
    #[serde(default)]
    triage: bool,
    #[serde(default)]
    pull: bool,
}

#[derive(Deserialize)]
struct TeamRepository {
    #[serde(default)]
    role_name: Option<String>,
    #[serde(default)]
    permissions: Option<Permissions>,
}

#[derive(Deserialize)]
struct CollaboratorPermission {
    permission: String,
    #[serde(default)]
    role_name: Option<String>,
}

const STANDARD_ROLES: [&str; 5] = ["admin", "maintain", "write", "triage", "read"];

/// True for the permissions that can push (and so can be a code owner): `admin`, `maintain`,
/// `write`.
pub fn can_write(permission: &str) -> bool {
    matches!(permission, "admin" | "maintain" | "write")
}

impl GitHub {
    /// GitHub.com's API.
    pub const DEFAULT_BASE_URL: &'static str = "https://api.github.com";

    /// A client for `owner/repo` with the default timeouts and retries. `base_url` is
    /// [`Self::DEFAULT_BASE_URL`], GitHub Enterprise Server's `https://HOST/api/v3`, or (tests)
    /// a loopback `http://` URL. An empty token makes anonymous requests.
    pub fn new(base_url: &str, owner: &str, repo: &str, token: Secret) -> Result<Self, ForgeError> {
        Self::with_config(base_url, owner, repo, token, HttpConfig::default())
    }

    /// Like [`Self::new`] with explicit timeouts, retries and deadline.
    pub fn with_config(
        base_url: &str,
        owner: &str,
        repo: &str,
        token: Secret,
        config: HttpConfig,
    ) -> Result<Self, ForgeError> {
        if owner.is_empty() || repo.is_empty() {
            return Err(ForgeError::Config {
                forge: Forge::GitHub,
                detail: "the repository needs an owner and a name".into(),
            });
        }
        let http = HttpClient::new(
            Forge::GitHub,
            base_url,
            token,
            Auth::OctocrabBearer,
            ACCEPT_JSON,
            &[("x-github-api-version", "2022-11-28")],
            config,
        )?;
        Ok(GitHub {
            http,
            owner: owner.to_string(),
            repo: repo.to_string(),
            cache: Mutex::new(Cache::default()),
        })
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn repo(&self) -> &str {
        &self.repo
    }

    fn repo_path(&self) -> String {
        format!("/repos/{}/{}", enc(&self.owner), enc(&self.repo))
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Paths the pull request changes (renamed files give both names), from "List pull requests
    /// files", 100 per page. GitHub lists at most 3,000 files: for a larger pull request this is
    /// [`ForgeError::TooManyFiles`] — take the changed files from git then.
    pub fn pull_files(&self, pr: u64) -> Result<Vec<String>, ForgeError> {
        let pull_url = self
            .http
            .url(&format!("{}/pulls/{pr}", self.repo_path()), &[]);
        let info: PullInfo = self.http.get_json(pull_url)?;
        let files_url = self.http.url(
            &format!("{}/pulls/{pr}/files", self.repo_path()),
            &[("per_page", "100")],
        );
        let endpoint = self.http.endpoint(Method::Get, &files_url);
        if info.changed_files > PULL_FILES_LIMIT {
            return Err(ForgeError::TooManyFiles {
                forge: Forge::GitHub,
                endpoint,
                total: info.changed_files,
                listed: None,
                limit: PULL_FILES_LIMIT,
            });
        }
        let files: Vec<PullFile> = self.http.get_pages(files_url)?;
        if (files.len() as u64) < info.changed_files {
            return Err(ForgeError::TooManyFiles {
                forge: Forge::GitHub,
                endpoint,
                total: info.changed_files,
                listed: Some(files.len() as u64),
                limit: PULL_FILES_LIMIT,
            });
        }
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            for path in std::iter::once(f.filename).chain(f.previous_filename) {
                if seen.insert(path.clone()) {
                    out.push(path);
                }
            }
        }
        Ok(out)
    }

    /// The open pull requests into `base` ("List pull requests", `state=open`, oldest first,
    /// 100 per page), drafts included.
    pub fn open_pulls(&self, base: &str) -> Result<Vec<super::connect::OpenChange>, ForgeError> {
        let url = self.http.url(
            &format!("{}/pulls", self.repo_path()),
            &[
                ("state", "open"),
                ("base", base),
                ("sort", "created"),
                ("direction", "asc"),
                ("per_page", "100"),
            ],
        );
        let pulls: Vec<Pull> = self.http.get_pages(url)?;
        Ok(pulls
            .into_iter()
            .map(|p| super::connect::OpenChange {
                number: p.number,
                source_branch: p.head.branch,
                sha: p.head.sha,
                created_at: p.created_at,
                author: p.user.map(|u| u.login),
                url: p.html_url,
                draft: p.draft,
            })
            .collect())
    }

    /// Every review of the pull request, oldest first (reviews by deleted users are skipped).
    pub fn pull_reviews(&self, pr: u64) -> Result<Vec<Review>, ForgeError> {
        let url = self.http.url(
            &format!("{}/pulls/{pr}/reviews", self.repo_path()),
            &[("per_page", "100")],
        );
        let raw: Vec<RawReview> = self.http.get_pages(url)?;
        Ok(raw
            .into_iter()
            .filter_map(|r| {
                Some(Review {
                    user: r.user?.login,
                    state: r.state,
                    submitted_at: r.submitted_at,
                })
            })
            .collect())
    }

    /// Logins whose latest decisive review approves the pull request (see [`approved_logins`]).
    pub fn approvers(&self, pr: u64) -> Result<Vec<String>, ForgeError> {
        Ok(approved_logins(&self.pull_reviews(pr)?))
    }

    /// Whether `login` is an existing user account (404 → false; organisations → false).
    pub fn user_exists(&self, login: &str) -> Result<bool, ForgeError> {
        let key = login.to_ascii_lowercase();
        if let Some(&known) = self.cache().users.get(&key) {
            return Ok(known);
        }
        let url = self.http.url(&format!("/users/{}", enc(login)), &[]);
        let exists = match self.http.get_optional::<UserInfo>(Request::get(url))? {
            Some(user) => user.kind.as_deref() != Some("Organization"),
            None => false,
        };
        self.cache().users.insert(key, exists);
        Ok(exists)
    }

    /// Whether the team `org/team_slug` exists and the token can see it (404 → false).
    pub fn team_exists(&self, org: &str, team_slug: &str) -> Result<bool, ForgeError> {
        let key = (org.to_ascii_lowercase(), team_slug.to_ascii_lowercase());
        if let Some(&known) = self.cache().teams.get(&key) {
            return Ok(known);
        }
        let url = self
            .http
            .url(&format!("/orgs/{}/teams/{}", enc(org), enc(team_slug)), &[]);
        let exists = self
            .http
            .get_optional::<serde_json::Value>(Request::get(url))?
            .is_some();
        self.cache().teams.insert(key, exists);
        Ok(exists)
    }

    /// Logins of the team's members (child teams included), 100 per page. 404 is
    /// [`ForgeError::NotFound`].
    pub fn team_members(&self, org: &str, team_slug: &str) -> Result<Vec<String>, ForgeError> {
        let key = (org.to_ascii_lowercase(), team_slug.to_ascii_lowercase());
        if let Some(members) = self.cache().team_members.get(&key) {
            return Ok(members.clone());
        }
        let url = self.http.url(
            &format!("/orgs/{}/teams/{}/members", enc(org), enc(team_slug)),
            &[("per_page", "100")],
        );
        let members: Vec<Login> = self.http.get_pages(url)?;
        let members: Vec<String> = members.into_iter().map(|m| m.login).collect();
        self.cache().teams.insert(key.clone(), true);
        self.cache().team_members.insert(key, members.clone());
        Ok(members)
    }

    /// The team's role on `owner/repo` — `admin`, `maintain`, `write`, `triage`, `read` (or a
    /// custom role's name) — or `None` when the team has no access (404).
    pub fn team_repo_permission(
        &self,
        org: &str,
        team_slug: &str,
        owner: &str,
        repo: &str,
    ) -> Result<Option<String>, ForgeError> {
        let key = (
            org.to_ascii_lowercase(),
            team_slug.to_ascii_lowercase(),
            owner.to_ascii_lowercase(),
            repo.to_ascii_lowercase(),
        );
        if let Some(known) = self.cache().team_permissions.get(&key) {
            return Ok(known.clone());
        }
        let url = self.http.url(
            &format!(
                "/orgs/{}/teams/{}/repos/{}/{}",
                enc(org),
                enc(team_slug),
                enc(owner),
                enc(repo)
            ),
            &[],
        );
        let mut req = Request::get(url);
        req.accept = Some(ACCEPT_REPOSITORY);
        let permission = self
            .http
            .get_optional::<TeamRepository>(req)?
            .and_then(|r| {
                let p = r.permissions.unwrap_or_default();
                let from_flags = if p.admin {
                    Some("admin")
                } else if p.maintain {
                    Some("maintain")
                } else if p.push {
                    Some("write")
                } else if p.triage {
                    Some("triage")
                } else if p.pull {
                    Some("read")
                } else {
                    None
                };
                match r.role_name.filter(|n| !n.is_empty()) {
                    Some(role) if STANDARD_ROLES.contains(&role.as_str()) => Some(role),
                    // A custom role: its base permission says what it can do.
                    Some(role) => from_flags.map(str::to_string).or(Some(role)),
                    None => from_flags.map(str::to_string),
                }
            });
        self.cache()
            .team_permissions
            .insert(key, permission.clone());
        Ok(permission)
    }

    /// The user's permission on this repository — `admin`, `maintain`, `write`, `triage` or
    /// `read` — or `None` (no access, or no such user).
    pub fn user_permission(&self, login: &str) -> Result<Option<String>, ForgeError> {
        let key = login.to_ascii_lowercase();
        if let Some(known) = self.cache().user_permissions.get(&key) {
            return Ok(known.clone());
        }
        let url = self.http.url(
            &format!(
                "{}/collaborators/{}/permission",
                self.repo_path(),
                enc(login)
            ),
            &[],
        );
        let permission = self
            .http
            .get_optional::<CollaboratorPermission>(Request::get(url))?
            .and_then(|p| {
                let role = p
                    .role_name
                    .filter(|r| STANDARD_ROLES.contains(&r.as_str()))
                    .unwrap_or(p.permission);
                (role != "none" && !role.is_empty()).then_some(role)
            });
        self.cache()
            .user_permissions
            .insert(key, permission.clone());
        Ok(permission)
    }

    /// Creates or updates the one summary comment on the pull request, found again by `marker`
    /// (a hidden `<!-- ... -->` tag, added to `body` when missing). Never creates a second one.
    pub fn upsert_comment(&self, pr: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError> {
        self.write_comment(pr, marker, body, true)
    }

    /// Like [`Self::upsert_comment`], creating no comment when `create` is false (the marked
    /// comment is only updated: `Upsert::Absent` when there is none).
    pub fn write_comment(
        &self,
        pr: u64,
        marker: &str,
        body: &str,
        create: bool,
    ) -> Result<Upsert, ForgeError> {
        if marker.trim().is_empty() {
            return Err(ForgeError::Config {
                forge: Forge::GitHub,
                detail: "the comment marker is empty".into(),
            });
        }
        let body = with_marker(marker, body);
        let list = self.http.url(
            &format!("{}/issues/{pr}/comments", self.repo_path()),
            &[("per_page", "100")],
        );
        let comments: Vec<Comment> = self.http.get_pages(list)?;
        let existing = comments
            .iter()
            .find(|c| c.body.as_deref().is_some_and(|b| b.contains(marker)));
        let payload = serde_json::json!({ "body": body });
        match existing {
            Some(c) if c.body.as_deref() == Some(body.as_str()) => {
                Ok(Upsert::Unchanged { id: c.id })
            }
            Some(c) => {
                let url = self.http.url(
                    &format!("{}/issues/comments/{}", self.repo_path(), c.id),
                    &[],
                );
                let updated: CreatedId =
                    self.http
                        .json(Request::with_json(Method::Patch, url, &payload))?;
                Ok(Upsert::Updated { id: updated.id })
            }
            None if !create => Ok(Upsert::Absent),
            None => {
                let url = self
                    .http
                    .url(&format!("{}/issues/{pr}/comments", self.repo_path()), &[]);
                let created: CreatedId =
                    self.http
                        .json(Request::with_json(Method::Post, url, &payload))?;
                Ok(Upsert::Created { id: created.id })
            }
        }
    }
}

/// `body` with `marker` on its first line unless it already contains it.
pub(crate) fn with_marker(marker: &str, body: &str) -> String {
    if body.contains(marker) {
        body.to_string()
    } else {
        format!("{marker}\n{body}")
    }
}

/// Reduces reviews to the approving reviewers, as GitHub counts them: per reviewer (logins
/// compared case-insensitively) the latest review that is not `COMMENTED` or `PENDING` decides;
/// only `APPROVED` counts, so a later `CHANGES_REQUESTED` or a dismissal takes an approval
/// back, and a comment after an approval does not. Sorted, case-folded order.
pub fn approved_logins(reviews: &[Review]) -> Vec<String> {
    let mut decisive: Vec<(usize, &Review)> = reviews
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            !matches!(
                r.state,
                ReviewState::Commented | ReviewState::Pending | ReviewState::Other(_)
            )
        })
        .collect();
    // The API lists reviews oldest first; sort by submission time to be safe, keeping the API's
    // order for equal or missing times (a total order: time, then position).
    decisive.sort_by(|(ia, a), (ib, b)| {
        let ta = a.submitted_at.as_deref().unwrap_or("");
        let tb = b.submitted_at.as_deref().unwrap_or("");
        ta.cmp(tb).then(ia.cmp(ib))
    });
    let mut latest: HashMap<String, (&str, &ReviewState)> = HashMap::new();
    for (_, r) in decisive {
        latest.insert(r.user.to_ascii_lowercase(), (r.user.as_str(), &r.state));
    }
    let mut out: Vec<String> = latest
        .into_values()
        .filter(|(_, state)| **state == ReviewState::Approved)
        .map(|(login, _)| login.to_string())
        .collect();
    out.sort_by_key(|l| l.to_ascii_lowercase());
    out
}

#[cfg(test)]
#[path = "github_tests.rs"]
mod tests;
