//! Revisions and changed files, through the `git` command-line tool.
//!
//! `--base REV [--head REV]` means: the files changed on `head` since it forked from `base`,
//! i.e. `git diff base...head` (the merge base of the two, compared with `head`). `head`
//! defaults to `HEAD`. Paths are repository-relative with `/`, exactly as git stores them
//! (`core.quotepath=off`, NUL-separated output, so any file name round-trips).
//!
//! Shallow clones are normal in CI; when the merge base or a revision is missing from one, the
//! error says so and how to fetch more history.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[path = "git_open.rs"]
pub mod open;

/// What happened to a file between the merge base and `head`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeStatus {
    /// `A`: the file is new.
    Added,
    /// `M`: the content changed.
    Modified,
    /// `D`: the file was removed (it does not exist on `head`).
    Deleted,
    /// `T`: the type changed (file ↔ symlink ↔ submodule).
    TypeChanged,
    /// Any other status letter git reports.
    Other(char),
}

impl ChangeStatus {
    fn from_letter(letter: char) -> Self {
        match letter {
            'A' => ChangeStatus::Added,
            'M' => ChangeStatus::Modified,
            'D' => ChangeStatus::Deleted,
            'T' => ChangeStatus::TypeChanged,
            other => ChangeStatus::Other(other),
        }
    }
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChangedFile {
    /// Repository-relative path with `/`.
    pub path: String,
    /// What happened to it. Renames are reported as a deletion plus an addition.
    pub status: ChangeStatus,
}

/// Why git could not answer.
#[derive(Debug)]
pub enum GitError {
    /// The `git` program is not installed or not on `PATH`.
    GitNotFound,
    /// `path` is not inside a git working tree.
    NotARepository {
        /// The directory asked about.
        path: PathBuf,
        /// What git said.
        detail: String,
    },
    /// A revision string was refused before running git (empty, starts with `-`, has NUL).
    InvalidRevision {
        /// The revision as given.
        rev: String,
        /// Why.
        reason: &'static str,
    },
    /// git does not know the revision (or it is not a commit).
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// Whether the repository is a shallow clone (then the revision may just be unfetched).
        shallow: bool,
    },
    /// The two revisions share no history in this clone.
    NoMergeBase {
        /// The base revision.
        base: String,
        /// The head revision.
        head: String,
        /// Whether the repository is a shallow clone (the usual cause in CI).
        shallow: bool,
    },
    /// git failed in another way.
    Command {
        /// The git arguments.
        args: String,
        /// The exit status.
        status: String,
        /// git's standard error.
        stderr: String,
    },
    /// Running git failed.
    Io(io::Error),
}

const FETCH_MORE: &str =
    "fetch more history (GitLab: GIT_DEPTH: 0; GitHub: actions/checkout fetch-depth: 0)";

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::GitNotFound => f.write_str(
                "git is not installed (or not on PATH); it is needed to find changed files",
            ),
            GitError::NotARepository { path, detail } => {
                write!(f, "{} is not in a git repository", path.display())?;
                if detail.contains("dubious ownership") {
                    write!(
                        f,
                        " that git trusts: the directory belongs to another user; run \
                         `git config --global --add safe.directory {}`",
                        path.display()
                    )?;
                } else if !detail.is_empty() {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
            GitError::InvalidRevision { rev, reason } => {
                write!(f, "invalid revision {rev:?}: {reason}")
            }
            GitError::UnknownRevision { rev, shallow } => {
                write!(
                    f,
                    "unknown revision `{rev}`: git has no commit by that name"
                )?;
                if *shallow {
                    write!(
                        f,
                        "; this is a shallow clone, so it may not have been fetched: {FETCH_MORE}"
                    )?;
                }
                Ok(())
            }
            GitError::NoMergeBase {
                base,
                head,
                shallow,
            } => {
                write!(f, "no merge base between {base} and {head}: ")?;
                if *shallow {
                    write!(f, "this is a shallow clone; {FETCH_MORE}")
                } else {
                    f.write_str("the two revisions share no history")
                }
            }
            GitError::Command {
                args,
                status,
                stderr,
            } => write!(f, "`git {args}` failed ({status}): {stderr}"),
            GitError::Io(e) => write!(f, "could not run git: {e}"),
        }
    }
}

impl std::error::Error for GitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GitError::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Refuses revision strings that git could read as options or that cannot be arguments.
pub fn validate_revision(rev: &str) -> Result<(), GitError> {
    let reason = if rev.trim().is_empty() {
        "it is empty"
    } else if rev.starts_with('-') {
        "it starts with `-` and would be read as an option"
    } else if rev.contains('\0') {
        "it contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(GitError::InvalidRevision {
        rev: rev.to_string(),
        reason,
    })
}

/// A `git` invocation in `repo` with settings that make output stable and parseable.
fn git(repo: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(repo)
        .args(["-c", "core.quotepath=off", "-c", "diff.relative=false"])
        // `-C` must decide the repository, not a GIT_DIR inherited from a hook or a caller.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_PREFIX")
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    cmd
}

fn run<I, S>(repo: &Path, args: I) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    git(repo).args(args).output().map_err(spawn_error)
}

fn spawn_error(e: io::Error) -> GitError {
    if e.kind() == io::ErrorKind::NotFound {
        GitError::GitNotFound
    } else {
        GitError::Io(e)
    }
}

fn command_error(args: &[&str], output: &Output) -> GitError {
    GitError::Command {
        args: args.join(" "),
        status: output.status.to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    }
}

/// Checks that `repo` is inside a git working tree.
fn ensure_repository(repo: &Path) -> Result<(), GitError> {
    let output = run(repo, ["rev-parse", "--is-inside-work-tree"])?;
    if output.status.success() && output.stdout.starts_with(b"true") {
        return Ok(());
    }
    let detail = String::from_utf8_lossy(&output.stderr).trim().to_string();
    Err(GitError::NotARepository {
        path: repo.to_path_buf(),
        detail,
    })
}

/// Whether the repository at `repo` is a shallow clone.
pub fn is_shallow(repo: &Path) -> Result<bool, GitError> {
    let args = ["rev-parse", "--is-shallow-repository"];
    let output = run(repo, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    Ok(output.stdout.starts_with(b"true"))
}

/// The full commit id `rev` names, or [`GitError::UnknownRevision`].
pub fn resolve_commit(repo: &Path, rev: &str) -> Result<String, GitError> {
    validate_revision(rev)?;
    let spec = format!("{rev}^{{commit}}");
    let output = run(
        repo,
        [
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).trim().to_string());
    }
    Err(GitError::UnknownRevision {
        rev: rev.to_string(),
        shallow: is_shallow(repo).unwrap_or(false),
    })
}

/// The merge base of `base` and `head` as a commit id; names the cause when there is none.
pub fn merge_base(repo: &Path, base: &str, head: &str) -> Result<String, GitError> {
    ensure_repository(repo)?;
    let base_id = resolve_commit(repo, base)?;
    let head_id = resolve_commit(repo, head)?;
    let args = ["merge-base", "--end-of-options", &base_id, &head_id];
    let output = run(repo, args)?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).trim().to_string());
    }
    // Exit status 1 with no output: the commits have no common ancestor in this clone.
    if output.status.code() == Some(1) && output.stderr.is_empty() {
        return Err(GitError::NoMergeBase {
            base: base.to_string(),
            head: head.to_string(),
            shallow: is_shallow(repo)?,
        });
    }
    Err(command_error(&args, &output))
}

/// The files changed on `head` (default `HEAD`) since its merge base with `base`
/// (`git diff --name-only base...head`), repository-relative with `/`, in git's order (sorted
/// by path). Deleted files are included; renames count as a deletion plus an addition.
pub fn changed_files(
    repo_root: &Path,
    base: &str,
    head: Option<&str>,
) -> Result<Vec<String>, GitError> {
    Ok(changed_files_with_status(repo_root, base, head)?
        .into_iter()
        .map(|c| c.path)
        .collect())
}

/// Like [`changed_files`], with what happened to each file.
pub fn changed_files_with_status(
    repo_root: &Path,
    base: &str,
    head: Option<&str>,
) -> Result<Vec<ChangedFile>, GitError> {
    let head = head.unwrap_or("HEAD");
    validate_revision(base)?;
    validate_revision(head)?;
    let base_commit = merge_base(repo_root, base, head)?;
    let head_commit = resolve_commit(repo_root, head)?;
    let args = [
        "diff",
        "--name-status",
        "-z",
        "--no-renames",
        "--no-ext-diff",
        "--no-textconv",
        "--end-of-options",
        &base_commit,
        &head_commit,
        "--",
    ];
    let output = run(repo_root, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    parse_name_status(&output.stdout).ok_or_else(|| GitError::Command {
        args: args.join(" "),
        status: output.status.to_string(),
        stderr: "unexpected output".to_string(),
    })
}

/// Parses `git diff --name-status -z --no-renames`: `STATUS\0PATH\0` repeated.
fn parse_name_status(out: &[u8]) -> Option<Vec<ChangedFile>> {
    let mut fields = out.split(|&b| b == 0);
    let mut files = Vec::new();
    while let Some(status) = fields.next() {
        if status.is_empty() {
            break; // the trailing NUL
        }
        let letter = *status.first()? as char;
        let path = fields.next().filter(|p| !p.is_empty())?;
        files.push(ChangedFile {
            path: String::from_utf8_lossy(path).into_owned(),
            status: ChangeStatus::from_letter(letter),
        });
    }
    Some(files)
}

/// The top level of the working tree that contains `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    ensure_repository(dir)?;
    let args = ["rev-parse", "--show-toplevel"];
    let output = run(dir, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim_end_matches('\n'),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// Runs git with a fixed identity and no user or system configuration.
    fn sh(dir: &Path, args: &[&str]) -> String {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn commit_all(dir: &Path, message: &str) {
        sh(dir, &["add", "-A"]);
        sh(dir, &["commit", "-q", "-m", message]);
    }

    /// main: c1 → c2(main only); feature from c1: f1 (adds, modifies, deletes, renames, odd names)
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        sh(r, &["init", "-q"]);
        write(r, "force-app/classes/Keep.cls", "a");
        write(r, "force-app/classes/Change.cls", "a");
        write(r, "force-app/classes/Remove.cls", "a");
        write(
            r,
            "force-app/classes/Old.cls",
            "rename me, long enough to be detected as rename",
        );
        commit_all(r, "c1");
        sh(r, &["checkout", "-q", "-b", "feature"]);
        write(r, "force-app/classes/Change.cls", "b");
        fs::remove_file(r.join("force-app/classes/Remove.cls")).unwrap();
        fs::rename(
            r.join("force-app/classes/Old.cls"),
            r.join("force-app/classes/New.cls"),
        )
        .unwrap();
        write(r, "force-app/classes/Ünïcode Späce.cls", "x");
        write(r, "force-app/classes/tab\there.cls", "x");
        write(r, "force-app/classes/new\nline.cls", "x");
        commit_all(r, "f1");
        sh(r, &["checkout", "-q", "main"]);
        write(r, "force-app/classes/MainOnly.cls", "m");
        commit_all(r, "c2");
        dir
    }

    #[test]
    fn changed_files_since_the_merge_base() {
        let dir = repo();
        let files = changed_files(dir.path(), "main", Some("feature")).unwrap();
        assert_eq!(
            files,
            vec![
                "force-app/classes/Change.cls",
                "force-app/classes/New.cls",
                "force-app/classes/Old.cls",
                "force-app/classes/Remove.cls",
                "force-app/classes/new\nline.cls",
                "force-app/classes/tab\there.cls",
                "force-app/classes/Ünïcode Späce.cls",
            ]
        );
        // MainOnly.cls changed on the base side only, so it is not part of the change.
        assert!(!files.iter().any(|f| f.contains("MainOnly")));

        let detailed = changed_files_with_status(dir.path(), "main", Some("feature")).unwrap();
        let status = |p: &str| {
            detailed
                .iter()
                .find(|c| c.path.ends_with(p))
                .unwrap()
                .status
        };
        assert_eq!(status("Change.cls"), ChangeStatus::Modified);
        assert_eq!(status("Remove.cls"), ChangeStatus::Deleted);
        assert_eq!(status("Old.cls"), ChangeStatus::Deleted);
        assert_eq!(status("New.cls"), ChangeStatus::Added);
    }

    #[test]
    fn head_defaults_to_head() {
        let dir = repo();
        sh(dir.path(), &["checkout", "-q", "feature"]);
        let with_default = changed_files(dir.path(), "main", None).unwrap();
        assert_eq!(
            with_default,
            changed_files(dir.path(), "main", Some("feature")).unwrap()
        );
        // Uncommitted changes are not part of `base...HEAD`.
        write(dir.path(), "force-app/classes/Dirty.cls", "d");
        assert_eq!(
            changed_files(dir.path(), "main", None).unwrap(),
            with_default
        );
        // Commit ids and relative revisions work as well.
        let base = sh(dir.path(), &["rev-parse", "main~1"]);
        assert_eq!(
            changed_files(dir.path(), &base, None).unwrap(),
            with_default
        );
        assert!(changed_files(dir.path(), "HEAD", None).unwrap().is_empty());
    }

    #[test]
    fn paths_are_repo_relative_from_a_subdirectory() {
        let dir = repo();
        let files = changed_files(
            &dir.path().join("force-app/classes"),
            "main",
            Some("feature"),
        )
        .unwrap();
        assert!(files.contains(&"force-app/classes/Change.cls".to_string()));
        assert_eq!(
            toplevel(&dir.path().join("force-app"))
                .unwrap()
                .canonicalize()
                .unwrap(),
            dir.path().canonicalize().unwrap()
        );
    }

    #[test]
    fn unknown_revision_is_named() {
        let dir = repo();
        let e = changed_files(dir.path(), "origin/develop", None).unwrap_err();
        assert!(
            matches!(&e, GitError::UnknownRevision { rev, shallow: false } if rev == "origin/develop")
        );
        assert_eq!(
            e.to_string(),
            "unknown revision `origin/develop`: git has no commit by that name"
        );
        let e = changed_files(dir.path(), "main", Some("nope")).unwrap_err();
        assert!(e.to_string().contains("`nope`"), "{e}");
        // A tree is not a commit.
        let tree = sh(dir.path(), &["rev-parse", "main^{tree}"]);
        assert!(matches!(
            changed_files(dir.path(), &tree, None),
            Err(GitError::UnknownRevision { .. })
        ));
    }

    #[test]
    fn option_like_revisions_are_refused() {
        let dir = repo();
        for rev in ["--output=/tmp/pwned", "-p", "", "  ", "a\0b"] {
            let e = changed_files(dir.path(), rev, None).unwrap_err();
            assert!(
                matches!(e, GitError::InvalidRevision { .. }),
                "{rev:?}: {e}"
            );
            let e = changed_files(dir.path(), "main", Some(rev)).unwrap_err();
            assert!(
                matches!(e, GitError::InvalidRevision { .. }),
                "{rev:?}: {e}"
            );
        }
        assert!(!Path::new("/tmp/pwned").exists());
        assert_eq!(
            validate_revision("--exec=x").unwrap_err().to_string(),
            "invalid revision \"--exec=x\": it starts with `-` and would be read as an option"
        );
    }

    #[test]
    fn not_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        let e = changed_files(dir.path(), "main", None).unwrap_err();
        assert!(matches!(e, GitError::NotARepository { .. }), "{e}");
        assert!(
            e.to_string().starts_with(&format!(
                "{} is not in a git repository",
                dir.path().display()
            )),
            "{e}"
        );
    }

    #[test]
    fn unrelated_histories_have_no_merge_base() {
        let dir = repo();
        let r = dir.path();
        sh(r, &["checkout", "-q", "--orphan", "other"]);
        write(r, "x.cls", "x");
        commit_all(r, "orphan");
        let e = changed_files(r, "main", Some("other")).unwrap_err();
        assert!(
            matches!(e, GitError::NoMergeBase { shallow: false, .. }),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            "no merge base between main and other: the two revisions share no history"
        );
    }

    #[test]
    fn shallow_clone_without_merge_base_says_so() {
        let origin = repo();
        sh(origin.path(), &["checkout", "-q", "feature"]);
        let clone_parent = tempfile::tempdir().unwrap();
        let clone = clone_parent.path().join("clone");
        let url = format!("file://{}", origin.path().display());
        sh(
            clone_parent.path(),
            &[
                "clone",
                "-q",
                "--depth",
                "1",
                "--no-single-branch",
                &url,
                "clone",
            ],
        );
        assert!(is_shallow(&clone).unwrap());
        let e = changed_files(&clone, "origin/main", Some("origin/feature")).unwrap_err();
        assert!(
            matches!(e, GitError::NoMergeBase { shallow: true, .. }),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            "no merge base between origin/main and origin/feature: this is a shallow clone; \
             fetch more history (GitLab: GIT_DEPTH: 0; GitHub: actions/checkout fetch-depth: 0)"
        );

        // A revision that was never fetched mentions the shallow clone too.
        let e = changed_files(&clone, "origin/main~3", None).unwrap_err();
        assert!(
            matches!(e, GitError::UnknownRevision { shallow: true, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("shallow clone"), "{e}");

        // After fetching the history, it works.
        sh(&clone, &["fetch", "-q", "--unshallow"]);
        let files = changed_files(&clone, "origin/main", Some("origin/feature")).unwrap();
        assert_eq!(files.len(), 7);
    }

    #[test]
    fn name_status_parsing() {
        assert_eq!(parse_name_status(b""), Some(vec![]));
        assert_eq!(
            parse_name_status(b"M\0a b.cls\0D\0x\0"),
            Some(vec![
                ChangedFile {
                    path: "a b.cls".into(),
                    status: ChangeStatus::Modified
                },
                ChangedFile {
                    path: "x".into(),
                    status: ChangeStatus::Deleted
                },
            ])
        );
        assert_eq!(parse_name_status(b"M\0"), None);
    }

    #[test]
    fn missing_git_binary_is_reported() {
        // Spawning a program that is not installed goes through the same mapping as `git`.
        let e = Command::new("git-definitely-not-installed-here")
            .output()
            .map_err(spawn_error)
            .unwrap_err();
        assert!(matches!(e, GitError::GitNotFound));
        assert!(e.to_string().starts_with("git is not installed"));
    }
}

/// The content of `path` (repository-relative, `/`) at revision `rev`, or `None`
/// when the file does not exist there.
pub fn show_file(repo: &Path, rev: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
    validate_revision(rev)?;
    let commit = resolve_commit(repo, rev)?;
    let spec = format!("{commit}:{path}");
    let exists = run(repo, ["cat-file", "-e", spec.as_str()])?;
    if !exists.status.success() {
        return Ok(None);
    }
    let args = ["cat-file", "blob", spec.as_str()];
    let output = run(repo, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    Ok(Some(output.stdout))
}

#[cfg(test)]
mod show_file_tests {
    use super::*;

    #[test]
    fn reads_a_file_at_a_revision() {
        let dir = tempfile::tempdir().unwrap();
        let g = |args: &[&str]| {
            let st = Command::new("git")
                .current_dir(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .output()
                .unwrap();
            assert!(
                st.status.success(),
                "{}",
                String::from_utf8_lossy(&st.stderr)
            );
        };
        g(&["init", "-q"]);
        std::fs::create_dir_all(dir.path().join("a b")).unwrap();
        std::fs::write(dir.path().join("a b/x.cls"), "v1").unwrap();
        g(&["add", "-A"]);
        g(&["commit", "-q", "-m", "1"]);
        std::fs::write(dir.path().join("a b/x.cls"), "v2").unwrap();
        g(&["commit", "-q", "-am", "2"]);
        assert_eq!(
            show_file(dir.path(), "HEAD~1", "a b/x.cls").unwrap(),
            Some(b"v1".to_vec())
        );
        assert_eq!(show_file(dir.path(), "HEAD", "missing.cls").unwrap(), None);
        assert!(show_file(dir.path(), "-x", "a").is_err());
    }
}
