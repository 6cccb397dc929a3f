//! Detecting the CI context (GitLab CI or GitHub Actions) from environment variables.
//!
//! Every value here is a default that a command-line flag can override. Detection is a pure
//! function over a variable lookup, so it is tested without touching the process environment:
//! [`CiContext::from_env_with`]; [`CiContext::detect`] reads the real environment.
//!
//! | field | GitLab | GitHub |
//! |---|---|---|
//! | `provider` | `GITLAB_CI` | `GITHUB_ACTIONS` |
//! | `base_rev` | `CI_MERGE_REQUEST_DIFF_BASE_SHA`, else `CI_MERGE_REQUEST_TARGET_BRANCH_SHA`, else `origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME` | `origin/$GITHUB_BASE_REF` |
//! | `head_rev` | `CI_COMMIT_SHA` | `GITHUB_SHA` |
//! | `change_number` | `CI_MERGE_REQUEST_IID` | `N` from `GITHUB_REF=refs/pull/N/merge` |
//! | `actor` | `GITLAB_USER_LOGIN` | `GITHUB_ACTOR` |
//! | `project_dir` | `CI_PROJECT_DIR` | `GITHUB_WORKSPACE` |
//!
//! Empty values count as unset. Outside a merge request / pull request pipeline the base and
//! change number are `None`.

use std::fmt;
use std::path::PathBuf;

/// The CI service running us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// GitLab CI/CD (`GITLAB_CI=true`).
    GitLab,
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GitHub,
}

impl Provider {
    /// A stable lowercase name (`gitlab`, `github`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::GitLab => "gitlab",
            Provider::GitHub => "github",
        }
    }

    /// The forge family of the job running us, for every choice between GitLab's and
    /// GitHub's ways (the forge API, the CODEOWNERS dialect): see [`CiContext::forge_family`].
    pub fn of_job() -> Provider {
        CiContext::detect().forge_family()
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::GitLab => "GitLab CI",
            Provider::GitHub => "GitHub Actions",
        })
    }
}

/// What the CI environment says about the current change. All `None` outside CI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CiContext {
    /// The CI service, if any.
    pub provider: Option<Provider>,
    /// The revision to compare against (`--base`), in a merge/pull request pipeline.
    pub base_rev: Option<String>,
    /// The revision under test (`--head`).
    pub head_rev: Option<String>,
    /// The merge request IID (GitLab) or pull request number (GitHub).
    pub change_number: Option<u64>,
    /// The user who triggered the pipeline.
    pub actor: Option<String>,
    /// The checkout directory.
    pub project_dir: Option<PathBuf>,
}

impl CiContext {
    /// GitLab in GitLab CI, else GitHub (outside CI too): the one place that decides which
    /// forge's ways a tool follows when no flag says.
    pub fn forge_family(&self) -> Provider {
        self.provider.unwrap_or(Provider::GitHub)
    }

    /// Reads the process environment.
    pub fn detect() -> CiContext {
        Self::from_env_with(|key| std::env::var(key).ok())
    }

    /// Detects the context from `lookup(name)`, which returns a variable's value if it is set.
    pub fn from_env_with<F>(lookup: F) -> CiContext
    where
        F: Fn(&str) -> Option<String>,
    {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let enabled = |key: &str| get(key).is_some_and(|v| is_truthy(&v));

        if enabled("GITLAB_CI") {
            let base_rev = get("CI_MERGE_REQUEST_DIFF_BASE_SHA")
                .or_else(|| get("CI_MERGE_REQUEST_TARGET_BRANCH_SHA"))
                .or_else(|| {
                    get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME").map(|b| format!("origin/{b}"))
                });
            CiContext {
                provider: Some(Provider::GitLab),
                base_rev,
                head_rev: get("CI_COMMIT_SHA"),
                change_number: get("CI_MERGE_REQUEST_IID").and_then(|v| v.trim().parse().ok()),
                actor: get("GITLAB_USER_LOGIN"),
                project_dir: get("CI_PROJECT_DIR").map(PathBuf::from),
            }
        } else if enabled("GITHUB_ACTIONS") {
            CiContext {
                provider: Some(Provider::GitHub),
                base_rev: get("GITHUB_BASE_REF").map(|b| format!("origin/{b}")),
                head_rev: get("GITHUB_SHA"),
                change_number: get("GITHUB_REF").and_then(|r| pull_request_number(&r)),
                actor: get("GITHUB_ACTOR"),
                project_dir: get("GITHUB_WORKSPACE").map(PathBuf::from),
            }
        } else {
            CiContext::default()
        }
    }

    /// Whether we run in a known CI service.
    pub fn is_ci(&self) -> bool {
        self.provider.is_some()
    }
}

/// `GITLAB_CI` / `GITHUB_ACTIONS` are `true` when set by the runner; accept the usual spellings
/// and refuse explicit negatives someone may export to turn detection off.
fn is_truthy(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// `N` from `refs/pull/N/merge` (or `refs/pull/N/head`).
fn pull_request_number(git_ref: &str) -> Option<u64> {
    let rest = git_ref.strip_prefix("refs/pull/")?;
    let (number, kind) = rest.split_once('/')?;
    if kind != "merge" && kind != "head" {
        return None;
    }
    number.parse().ok()
}

/// Resolves a `--base` value: `auto` takes the merge-request base revision from
/// the CI environment; anything else is returned as given.
pub fn resolve_base(base: &str) -> Result<String, String> {
    if base != "auto" {
        return Ok(base.to_string());
    }
    CiContext::detect().base_rev.ok_or_else(|| {
        "--base auto: no merge-request base revision in the CI environment \
         (GitLab: CI_MERGE_REQUEST_DIFF_BASE_SHA; GitHub: GITHUB_BASE_REF); pass --base REV"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn ctx(vars: &[(&str, &str)]) -> CiContext {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        CiContext::from_env_with(|k| map.get(k).cloned())
    }

    #[test]
    fn outside_ci_everything_is_none() {
        assert_eq!(ctx(&[]), CiContext::default());
        assert!(!ctx(&[]).is_ci());
        // Values of the other provider's variables alone do not make a context.
        assert_eq!(
            ctx(&[("CI_COMMIT_SHA", "abc"), ("GITHUB_SHA", "def")]),
            CiContext::default()
        );
    }

    #[test]
    fn gitlab_merge_request_pipeline() {
        let c = ctx(&[
            ("CI", "true"),
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "1111111"),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", "2222222"),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
            ("CI_COMMIT_SHA", "3333333"),
            ("CI_MERGE_REQUEST_IID", "42"),
            ("GITLAB_USER_LOGIN", "jdoe"),
            ("CI_PROJECT_DIR", "/builds/org/repo"),
        ]);
        assert_eq!(
            c,
            CiContext {
                provider: Some(Provider::GitLab),
                base_rev: Some("1111111".into()),
                head_rev: Some("3333333".into()),
                change_number: Some(42),
                actor: Some("jdoe".into()),
                project_dir: Some(PathBuf::from("/builds/org/repo")),
            }
        );
        assert!(c.is_ci());
    }

    #[test]
    fn gitlab_base_falls_back_in_order() {
        let c = ctx(&[
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", ""),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", "2222222"),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
        ]);
        assert_eq!(c.base_rev.as_deref(), Some("2222222"));
        let c = ctx(&[
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "release/2024-06"),
        ]);
        assert_eq!(c.base_rev.as_deref(), Some("origin/release/2024-06"));
    }

    #[test]
    fn gitlab_branch_pipeline_has_no_base() {
        let c = ctx(&[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_SHA", "abc"),
            ("CI_MERGE_REQUEST_IID", ""),
            ("GITLAB_USER_LOGIN", "  "),
        ]);
        assert_eq!(c.provider, Some(Provider::GitLab));
        assert_eq!(c.base_rev, None);
        assert_eq!(c.change_number, None);
        assert_eq!(c.actor, None, "blank counts as unset");
        assert_eq!(c.head_rev.as_deref(), Some("abc"));
    }

    #[test]
    fn github_pull_request() {
        let c = ctx(&[
            ("CI", "true"),
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_BASE_REF", "main"),
            ("GITHUB_HEAD_REF", "feature/x"),
            ("GITHUB_SHA", "ffffeee"),
            ("GITHUB_REF", "refs/pull/1234/merge"),
            ("GITHUB_ACTOR", "octocat"),
            ("GITHUB_WORKSPACE", "/home/runner/work/repo/repo"),
        ]);
        assert_eq!(
            c,
            CiContext {
                provider: Some(Provider::GitHub),
                base_rev: Some("origin/main".into()),
                head_rev: Some("ffffeee".into()),
                change_number: Some(1234),
                actor: Some("octocat".into()),
                project_dir: Some(PathBuf::from("/home/runner/work/repo/repo")),
            }
        );
    }

    #[test]
    fn github_push_has_no_base_or_number() {
        let c = ctx(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_BASE_REF", ""),
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_SHA", "abc"),
        ]);
        assert_eq!(c.provider, Some(Provider::GitHub));
        assert_eq!(c.base_rev, None);
        assert_eq!(c.change_number, None);
    }

    #[test]
    fn pull_request_numbers() {
        assert_eq!(pull_request_number("refs/pull/7/merge"), Some(7));
        assert_eq!(pull_request_number("refs/pull/7/head"), Some(7));
        assert_eq!(pull_request_number("refs/pull/x/merge"), None);
        assert_eq!(pull_request_number("refs/pull/7"), None);
        assert_eq!(pull_request_number("refs/tags/v1"), None);
        assert_eq!(pull_request_number("refs/pull/7/other"), None);
    }

    #[test]
    fn bad_numbers_are_ignored() {
        let c = ctx(&[("GITLAB_CI", "true"), ("CI_MERGE_REQUEST_IID", "abc")]);
        assert_eq!(c.change_number, None);
        let c = ctx(&[("GITLAB_CI", "true"), ("CI_MERGE_REQUEST_IID", "-1")]);
        assert_eq!(c.change_number, None);
    }

    #[test]
    fn provider_flags() {
        assert_eq!(ctx(&[("GITLAB_CI", "false")]).provider, None);
        assert_eq!(ctx(&[("GITHUB_ACTIONS", "")]).provider, None);
        assert_eq!(
            ctx(&[("GITHUB_ACTIONS", "TRUE")]).provider,
            Some(Provider::GitHub)
        );
        // Both set (a GitLab runner started from an Actions job?): GitLab's variables win.
        let both = ctx(&[("GITLAB_CI", "true"), ("GITHUB_ACTIONS", "true")]);
        assert_eq!(both.provider, Some(Provider::GitLab));
        assert_eq!(Provider::GitHub.as_str(), "github");
        assert_eq!(Provider::GitLab.to_string(), "GitLab CI");
    }

    #[test]
    fn the_forge_family_is_gitlab_only_in_gitlab_ci() {
        assert_eq!(
            ctx(&[("GITLAB_CI", "true")]).forge_family(),
            Provider::GitLab
        );
        assert_eq!(
            ctx(&[("GITHUB_ACTIONS", "true")]).forge_family(),
            Provider::GitHub
        );
        assert_eq!(ctx(&[]).forge_family(), Provider::GitHub);
    }

    #[test]
    fn detect_reads_the_process_environment_without_panicking() {
        let c = CiContext::detect();
        assert_eq!(c.is_ci(), c.provider.is_some());
    }
}
