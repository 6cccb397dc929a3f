//! GitLab REST (v4) client: merge request changes and approvals, users, groups, project members,
//! the summary note.
//!
//! Authenticates with the `PRIVATE-TOKEN` header (a project access token: `CI_JOB_TOKEN` cannot
//! read approvals or post notes). Pagination follows `Link` or `x-next-page`.
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde::Deserialize;

use super::github::with_marker;
use super::http::{encode_segment as enc, Auth, HttpClient, Method, Request};
use super::{Forge, ForgeError, HttpConfig, Secret, Upsert};

/// GitLab access levels (`access_level` in the members API).
pub mod access {
    pub const GUEST: u32 = 10;
    pub const REPORTER: u32 = 20;
    pub const DEVELOPER: u32 = 30;
    pub const MAINTAINER: u32 = 40;
    pub const OWNER: u32 = 50;
}

/// A GitLab REST client for one project. `Debug` shows no token.
#[derive(Debug)]
pub struct GitLab {
    http: HttpClient,
    /// The project id, or its full path URL-encoded (`group%2Fsub%2Fproject`).
    project: String,
    cache: Mutex<Cache>,
}

#[derive(Default, Debug)]
struct Cache {
    /// username (lower-case) → user id, `None` when no such user.
    users: HashMap<String, Option<u64>>,
    groups: HashMap<String, bool>,
    group_members: HashMap<String, Vec<String>>,
    access: HashMap<String, Option<u32>>,
}

#[derive(Deserialize)]
struct Diff {
    old_path: String,
    new_path: String,
    #[serde(default)]
    renamed_file: bool,
    #[serde(default)]
    deleted_file: bool,
}

#[derive(Deserialize)]
struct Approvals {
    #[serde(default)]
    approved_by: Vec<ApprovedBy>,
}

#[derive(Deserialize)]
struct ApprovedBy {
    user: UserRef,
}

#[derive(Deserialize)]
struct UserRef {
    #[serde(default)]
    id: u64,
    username: String,
}

#[derive(Deserialize)]
struct Member {
    username: String,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Deserialize)]
struct MemberAccess {
    access_level: u32,
}

#[derive(Deserialize)]
struct Note {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    system: bool,
}

#[derive(Deserialize)]
struct CreatedId {
    id: u64,
}

#[derive(Deserialize)]
struct MergeRequest {
    iid: u64,
    source_branch: String,
    #[serde(default)]
    sha: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    author: Option<UserRef>,
    #[serde(default)]
    web_url: Option<String>,
    #[serde(default)]
    draft: bool,
}

impl GitLab {
    /// GitLab.com's API.
    pub const DEFAULT_BASE_URL: &'static str = "https://gitlab.com/api/v4";

    /// A client for one project with the default timeouts and retries. `base_url` is the v4 API
    /// root (in CI: `CI_API_V4_URL`); `project` is the numeric id (`CI_PROJECT_ID`) or the full
    /// path (`group/sub/project`, encoded here).
    pub fn new(base_url: &str, project: &str, token: Secret) -> Result<Self, ForgeError> {
        Self::with_config(base_url, project, token, HttpConfig::default())
    }

    /// Like [`Self::new`] with explicit timeouts, retries and deadline.
    pub fn with_config(
        base_url: &str,
        project: &str,
        token: Secret,
        config: HttpConfig,
    ) -> Result<Self, ForgeError> {
        let project = project.trim().trim_matches('/');
        if project.is_empty() {
            return Err(ForgeError::Config {
                forge: Forge::GitLab,
                detail: "the project id or path is empty".into(),
            });
        }
        let http = HttpClient::new(
            Forge::GitLab,
            base_url,
            token,
            Auth::Header("private-token"),
            "application/json",
            &[],
            config,
        )?;
        Ok(GitLab {
            http,
            project: enc(project),
            cache: Mutex::new(Cache::default()),
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn mr_path(&self, iid: u64) -> String {
        format!("/projects/{}/merge_requests/{iid}", self.project)
    }

    /// Paths the merge request changes, from "List merge request diffs" (100 per page): each
    /// diff's `new_path`, plus `old_path` for renames and deletions.
    pub fn mr_changed_files(&self, iid: u64) -> Result<Vec<String>, ForgeError> {
        let url = self.http.url(
            &format!("{}/diffs", self.mr_path(iid)),
            &[("per_page", "100")],
        );
        let diffs: Vec<Diff> = self.http.get_pages(url)?;
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(diffs.len());
        for d in diffs {
            let old = (d.renamed_file || d.deleted_file || d.old_path != d.new_path)
                .then_some(d.old_path);
            for path in std::iter::once(d.new_path).chain(old) {
                if seen.insert(path.clone()) {
                    out.push(path);
                }
            }
        }
        Ok(out)
    }

    /// The open merge requests targeting `target_branch` ("List project merge requests",
    /// `state=opened`, oldest first, 100 per page), drafts included.
    pub fn open_merge_requests(
        &self,
        target_branch: &str,
    ) -> Result<Vec<super::connect::OpenChange>, ForgeError> {
        let url = self.http.url(
            &format!("/projects/{}/merge_requests", self.project),
            &[
                ("state", "opened"),
                ("target_branch", target_branch),
                ("order_by", "created_at"),
                ("sort", "asc"),
                ("per_page", "100"),
            ],
        );
        let mrs: Vec<MergeRequest> = self.http.get_pages(url)?;
        Ok(mrs
            .into_iter()
            .map(|m| super::connect::OpenChange {
                number: m.iid,
                source_branch: m.source_branch,
                sha: m.sha.unwrap_or_default(),
                created_at: m.created_at,
                author: m.author.map(|a| a.username),
                url: m.web_url,
                draft: m.draft,
            })
            .collect())
    }

    /// Usernames that approved the merge request (`approved_by[].user.username`). Needs a token
    /// that can read approvals (not `CI_JOB_TOKEN`).
    pub fn mr_approvers(&self, iid: u64) -> Result<Vec<String>, ForgeError> {
        let url = self
            .http
            .url(&format!("{}/approvals", self.mr_path(iid)), &[]);
        let approvals: Approvals = self.http.get_json(url)?;
        Ok(approvals
            .approved_by
            .into_iter()
            .map(|a| a.user.username)
            .collect())
    }

    /// The user's id, or `None` when no such user exists (`GET /users?username=`).
    fn user_id(&self, username: &str) -> Result<Option<u64>, ForgeError> {
        let key = username.to_ascii_lowercase();
        if let Some(&known) = self.cache().users.get(&key) {
            return Ok(known);
        }
        let url = self.http.url("/users", &[("username", username)]);
        let users: Vec<UserRef> = self.http.get_json(url)?;
        let id = users
            .into_iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
            .map(|u| u.id);
        self.cache().users.insert(key, id);
        Ok(id)
    }

    /// Whether a user with this username exists.
    pub fn user_exists(&self, username: &str) -> Result<bool, ForgeError> {
        Ok(self.user_id(username)?.is_some())
    }

    /// Whether the group (full path, e.g. `org/team`) exists and is visible to the token.
    pub fn group_exists(&self, path: &str) -> Result<bool, ForgeError> {
        let key = path.to_ascii_lowercase();
        if let Some(&known) = self.cache().groups.get(&key) {
            return Ok(known);
        }
        let url = self.http.url(&format!("/groups/{}", enc(path)), &[]);
        let exists = self
            .http
            .get_optional::<serde_json::Value>(Request::get(url))?
            .is_some();
        self.cache().groups.insert(key, exists);
        Ok(exists)
    }

    /// Usernames of the group's active members, inherited ones included
    /// (`/groups/:id/members/all`, 100 per page). 404 is [`ForgeError::NotFound`].
    pub fn group_members(&self, path: &str) -> Result<Vec<String>, ForgeError> {
        let key = path.to_ascii_lowercase();
        if let Some(members) = self.cache().group_members.get(&key) {
            return Ok(members.clone());
        }
        let url = self.http.url(
            &format!("/groups/{}/members/all", enc(path)),
            &[("per_page", "100")],
        );
        let members: Vec<Member> = self.http.get_pages(url)?;
        let mut seen = HashSet::new();
        let members: Vec<String> = members
            .into_iter()
            .filter(|m| m.state.as_deref().is_none_or(|s| s == "active"))
            .map(|m| m.username)
            .filter(|u| seen.insert(u.to_ascii_lowercase()))
            .collect();
        self.cache().groups.insert(key.clone(), true);
        self.cache().group_members.insert(key, members.clone());
        Ok(members)
    }

    /// The user's access level on the project, inherited membership included
    /// ([`access::DEVELOPER`] = 30 can push), or `None` (not a member, or no such user).
    pub fn project_member_access(&self, username: &str) -> Result<Option<u32>, ForgeError> {
        let key = username.to_ascii_lowercase();
        if let Some(&known) = self.cache().access.get(&key) {
            return Ok(known);
        }
        let level = match self.user_id(username)? {
            None => None,
            Some(id) => {
                let url = self
                    .http
                    .url(&format!("/projects/{}/members/all/{id}", self.project), &[]);
                self.http
                    .get_optional::<MemberAccess>(Request::get(url))?
                    .map(|m| m.access_level)
            }
        };
        self.cache().access.insert(key, level);
        Ok(level)
    }

    /// Creates or updates the one summary note on the merge request, found again by `marker`
    /// (added to `body` when missing). System notes are ignored. Never creates a second one.
    pub fn upsert_note(&self, iid: u64, marker: &str, body: &str) -> Result<Upsert, ForgeError> {
        self.write_note(iid, marker, body, true)
    }

    /// Like [`Self::upsert_note`], creating no note when `create` is false (the marked note is
    /// only updated: `Upsert::Absent` when there is none).
    pub fn write_note(
        &self,
        iid: u64,
        marker: &str,
        body: &str,
        create: bool,
    ) -> Result<Upsert, ForgeError> {
        if marker.trim().is_empty() {
            return Err(ForgeError::Config {
                forge: Forge::GitLab,
                detail: "the note marker is empty".into(),
            });
        }
        let body = with_marker(marker, body);
        let list = self.http.url(
            &format!("{}/notes", self.mr_path(iid)),
            &[
                ("per_page", "100"),
                ("sort", "asc"),
                ("order_by", "created_at"),
            ],
        );
        let notes: Vec<Note> = self.http.get_pages(list)?;
        let existing = notes
            .iter()
            .find(|n| !n.system && n.body.as_deref().is_some_and(|b| b.contains(marker)));
        let payload = serde_json::json!({ "body": body });
        match existing {
            Some(n) if n.body.as_deref() == Some(body.as_str()) => {
                Ok(Upsert::Unchanged { id: n.id })
            }
            Some(n) => {
                let url = self
                    .http
                    .url(&format!("{}/notes/{}", self.mr_path(iid), n.id), &[]);
                let updated: CreatedId =
                    self.http
                        .json(Request::with_json(Method::Put, url, &payload))?;
                Ok(Upsert::Updated { id: updated.id })
            }
            None if !create => Ok(Upsert::Absent),
            None => {
                let url = self.http.url(&format!("{}/notes", self.mr_path(iid)), &[]);
                let created: CreatedId =
                    self.http
                        .json(Request::with_json(Method::Post, url, &payload))?;
                Ok(Upsert::Created { id: created.id })
            }
        }
    }
}

#[cfg(test)]
#[path = "gitlab_tests.rs"]
mod tests;
