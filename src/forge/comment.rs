//! `--comment`: a tool's result as one comment on the merge request / pull request, updated in
//! place by later runs.
//!
//! - **One comment per tool and mode.** Each is found again by its own hidden marker,
//!   `<!-- sfci:TOOL:KEY -->`, where KEY is the tool's mode (`deploy-result`, `base`, …) or
//!   `--comment-key` (two jobs running the same check, e.g. a validation against UAT and one
//!   against production). The marker ends with ` -->`, so no marker is a prefix of another, and
//!   `codeowners-check approvals`'s comment (`sfci:codeowners-check`) never collides.
//! - **Never changes the verdict.** No token, no merge request, a forge that is down or refuses:
//!   a warning on stderr, and the exit code stays the check's.
//! - **The forge HTTP layer** ([`super::http`]): 20 s per request, at most 2 retries, 60 s for
//!   the whole comment; a `POST` is retried only when it cannot have been processed, so a comment
//!   is never posted twice. Errors never show the token.
//! - **Size:** bodies are cut to [`BODY_LIMIT`] bytes (GitHub refuses comments over 65,536
//!   characters).
use super::args::ChangeArgs;
use super::{Forge, HttpConfig, Upsert};
use crate::net::Policy;
use std::time::Duration;

/// Largest comment body posted, in bytes (below GitHub's 65,536-character limit).
pub const BODY_LIMIT: usize = 60_000;

/// The `--comment` flags every commenting tool flattens (with [`ChangeArgs`]).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CommentArgs {
    /// Create or update this tool's comment on the merge request / pull request (a forge token
    /// that can write notes/comments: SFCI_GITLAB_TOKEN or GITLAB_TOKEN with `api`, GITHUB_TOKEN
    /// with `pull-requests: write`, or --token-env NAME). A forge that fails gives a warning;
    /// the exit code stays the check's.
    #[arg(long)]
    pub comment: bool,
    /// Keep this job's comment apart from another job running the same check (default: the
    /// check's name).
    #[arg(long, value_name = "KEY", requires = "comment")]
    pub comment_key: Option<String>,
}

/// The hidden marker of one tool's comment.
pub fn marker(tool: &str, key: &str) -> String {
    format!("<!-- sfci:{tool}:{key} -->")
}

/// What became of a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Posted {
        forge: Forge,
        change: u64,
        upsert: Upsert,
    },
    /// Not posted; why (a warning for the user).
    NotPosted(String),
}

impl Outcome {
    /// The line printed on stderr.
    pub fn line(&self, tool: &str) -> String {
        match self {
            Outcome::Posted {
                forge,
                change,
                upsert,
            } => {
                let what = match forge {
                    Forge::GitLab => format!("note on merge request !{change}"),
                    _ => format!("comment on pull request #{change}"),
                };
                let done = match upsert {
                    Upsert::Created { .. } => "posted",
                    Upsert::Updated { .. } => "updated",
                    Upsert::Unchanged { .. } => "unchanged",
                    Upsert::Absent => "not needed (none to update)",
                };
                format!("{tool}: {what} {done}")
            }
            Outcome::NotPosted(why) => format!("{tool}: warning: no comment posted: {why}"),
        }
    }
}

/// The request policy of comments.
pub fn http_config() -> HttpConfig {
    http_config_within(Duration::from_secs(60))
}

/// The request policy of comments with `run` for all of them.
fn http_config_within(run: Duration) -> HttpConfig {
    HttpConfig {
        policy: Policy {
            request_timeout: Duration::from_secs(20),
            max_retries: 2,
            ..Policy::default()
        },
        ..HttpConfig::default()
    }
    .with_run_timeout(run)
}

/// The forge client of `opts`, or why there is none (no token, a bad configuration).
fn connect(opts: &super::ForgeOptions, forge: Forge) -> Result<super::Client, String> {
    match opts.connect(forge) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => {
            let vars = match &opts.token_env {
                Some(v) => v.clone(),
                None => forge.token_vars().join(" or "),
            };
            Err(format!("no {forge} token in {vars}"))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Cuts `body` to [`BODY_LIMIT`] bytes on a line boundary, saying so.
pub fn fit(body: &str) -> String {
    if body.len() <= BODY_LIMIT {
        return body.to_string();
    }
    let note = "\n\n_Cut to fit the comment limit; the job's reports have everything._\n";
    let mut end = BODY_LIMIT - note.len();
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let end = body[..end].rfind('\n').unwrap_or(end);
    format!("{}{note}", &body[..end])
}

/// Creates or updates the comment of `tool` (mode `key`, unless `--comment-key` names another)
/// with `body`. Never fails: what went wrong is in the outcome.
pub fn post(args: &CommentArgs, target: &ChangeArgs, tool: &str, key: &str, body: &str) -> Outcome {
    post_with(args, target, tool, key, body, http_config())
}

/// [`post`] with a request policy (tests shorten it).
pub fn post_with(
    args: &CommentArgs,
    target: &ChangeArgs,
    tool: &str,
    key: &str,
    body: &str,
    http: HttpConfig,
) -> Outcome {
    let opts = target.options(http);
    let forge = opts.forge();
    let Some(change) = target.change_number() else {
        return Outcome::NotPosted(match forge {
            Forge::GitLab => {
                "not a merge request pipeline (no CI_MERGE_REQUEST_IID); pass --change N".into()
            }
            _ => {
                "not a pull request workflow (GITHUB_REF is not refs/pull/N/merge); pass --change N"
                    .into()
            }
        });
    };
    let client = match connect(&opts, forge) {
        Ok(c) => c,
        Err(why) => return Outcome::NotPosted(why),
    };
    let key = args.comment_key.as_deref().unwrap_or(key);
    let marker = marker(tool, key);
    match client.upsert_comment(change, &marker, &fit(body)) {
        Ok(upsert) => Outcome::Posted {
            forge,
            change,
            upsert,
        },
        Err(e) => Outcome::NotPosted(e.to_string()),
    }
}

/// One comment on each of several changes (`validate-deps --conflicts`: one per merge request
/// involved), through one forge connection. Each write is (change, body, create): with
/// `create` false the change's existing comment is only updated (a conflict that is gone) and
/// none is made (`Upsert::Absent`). Same policy as [`post`]: never fails, an outcome per write
/// (a forge that cannot be reached: one per comment to create, or one in all); the run's
/// deadline grows with the number of writes (60 s + 5 s each, at most 10 minutes).
pub fn post_each(
    args: &CommentArgs,
    target: &ChangeArgs,
    tool: &str,
    key: &str,
    writes: &[(u64, String, bool)],
) -> Vec<Outcome> {
    let extra = Duration::from_secs(5).saturating_mul(writes.len().min(120) as u32);
    let opts = target.options(http_config_within(Duration::from_secs(60) + extra));
    let forge = opts.forge();
    let client = match connect(&opts, forge) {
        Ok(c) => c,
        Err(why) => {
            let creates = writes.iter().filter(|w| w.2).count();
            return vec![Outcome::NotPosted(why); creates.max(1).min(writes.len())];
        }
    };
    let key = args.comment_key.as_deref().unwrap_or(key);
    let marker = marker(tool, key);
    writes
        .iter()
        .map(|(change, body, create)| {
            let written = if *create {
                client.upsert_comment(*change, &marker, &fit(body))
            } else {
                client.update_comment(*change, &marker, &fit(body))
            };
            match written {
                Ok(upsert) => Outcome::Posted {
                    forge,
                    change: *change,
                    upsert,
                },
                Err(e) => Outcome::NotPosted(format!("{} {change}: {e}", forge_change(forge))),
            }
        })
        .collect()
}

fn forge_change(forge: Forge) -> &'static str {
    match forge {
        Forge::GitLab => "merge request",
        _ => "pull request",
    }
}

/// [`post`] when `--comment` was given, printing the outcome on stderr.
pub fn post_if_asked(
    args: &CommentArgs,
    target: &ChangeArgs,
    tool: &str,
    key: &str,
    body: impl FnOnce() -> String,
) {
    if args.comment {
        eprintln!("{}", post(args, target, tool, key, &body()).line(tool));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_never_prefixes_of_each_other() {
        let a = marker("gate", "deploy-result");
        let b = marker("gate", "deploy-result-uat");
        assert!(!b.contains(&a) && !a.contains(&b));
        assert!(!a.contains("sfci:codeowners-check"));
    }

    #[test]
    fn long_bodies_are_cut_on_a_line() {
        let body = "| row |\n".repeat(20_000);
        let cut = fit(&body);
        assert!(cut.len() <= BODY_LIMIT);
        assert!(cut.ends_with("everything._\n"));
        assert!(cut.contains("| row |\n\n_Cut"));
        assert_eq!(fit("short"), "short");
    }
}
