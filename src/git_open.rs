//! What `validate-deps --conflicts` asks git about open changes: the raw diff of a change with
//! renames and blob ids, its hunks in the base version's line numbers, the files two heads
//! cannot merge (`git merge-tree --write-tree`, git ≥ 2.38), blobs in bulk
//! (`git cat-file --batch`) and the age of a branch; for `--integrate`, the merge commits of
//! the integration branch (`git commit-tree`) and the branch itself (`git update-ref`).
//!
//! Every function runs one git process (`set_branch`: three); nothing here reads or writes
//! the working tree.

use super::{command_error, git, resolve_commit, run, validate_revision, GitError};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;

/// What happened to a path between two commits (`git diff --raw -M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    Added,
    Modified,
    Deleted,
    /// Moved from `old_path` (with or without edits).
    Renamed,
    /// Type change, copy, unmerged or unknown letters.
    Other,
}

/// One entry of a raw diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffEntry {
    pub status: EntryStatus,
    /// The path after the change (for a deletion, the deleted path).
    pub path: String,
    /// The path before a rename.
    pub old_path: Option<String>,
    /// Blob ids before and after (all zeros when absent).
    pub old_oid: String,
    pub new_oid: String,
}

impl DiffEntry {
    /// The paths the entry touches: the path, and the old path of a rename.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.path.as_str()).chain(self.old_path.as_deref())
    }
}

/// `git diff --raw -z -M --no-abbrev FROM TO`: every changed path with renames and blob ids.
pub fn diff_raw(repo: &Path, from: &str, to: &str) -> Result<Vec<DiffEntry>, GitError> {
    validate_revision(from)?;
    validate_revision(to)?;
    let args = [
        "diff",
        "--raw",
        "-z",
        "-M",
        "--no-abbrev",
        "--no-ext-diff",
        "--no-textconv",
        "--end-of-options",
        from,
        to,
        "--",
    ];
    let output = run(repo, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    parse_raw(&output.stdout).ok_or_else(|| GitError::Command {
        args: args.join(" "),
        status: output.status.to_string(),
        stderr: "unexpected output".into(),
    })
}

/// Parses `:MODE MODE OID OID STATUS\0PATH\0` (`\0SRC\0DST\0` for renames and copies).
fn parse_raw(out: &[u8]) -> Option<Vec<DiffEntry>> {
    let mut fields = out.split(|&b| b == 0);
    let mut entries = Vec::new();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    while let Some(head) = fields.next() {
        if head.is_empty() {
            break;
        }
        let head = text(head);
        let parts: Vec<&str> = head.trim_start_matches(':').split(' ').collect();
        let [_, _, old_oid, new_oid, status] = parts[..] else {
            return None;
        };
        let letter = status.chars().next()?;
        let first = text(fields.next().filter(|p| !p.is_empty())?);
        let (status, path, old_path) = match letter {
            'R' | 'C' => {
                let dst = text(fields.next().filter(|p| !p.is_empty())?);
                let st = if letter == 'R' {
                    EntryStatus::Renamed
                } else {
                    EntryStatus::Other
                };
                (st, dst, Some(first))
            }
            'A' => (EntryStatus::Added, first, None),
            'M' => (EntryStatus::Modified, first, None),
            'D' => (EntryStatus::Deleted, first, None),
            _ => (EntryStatus::Other, first, None),
        };
        entries.push(DiffEntry {
            status,
            path,
            old_path,
            old_oid: old_oid.to_string(),
            new_oid: new_oid.to_string(),
        });
    }
    Some(entries)
}

/// The lines of the `from` version each modified file's hunks replace, as inclusive
/// `(first, last)` ranges (an insertion after line `a` is `(a, a + 1)`), from
/// `git diff -U0 --histogram --no-renames FROM TO` (merge-ort's diff algorithm). Files whose
/// hunks cannot be read (binary, quoted names, added or deleted) are absent.
pub fn diff_hunks(
    repo: &Path,
    from: &str,
    to: &str,
) -> Result<HashMap<String, Vec<(u32, u32)>>, GitError> {
    validate_revision(from)?;
    validate_revision(to)?;
    let args = [
        "diff",
        "-U0",
        "--histogram",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--end-of-options",
        from,
        to,
        "--",
    ];
    let output = run(repo, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    Ok(parse_hunks(&output.stdout))
}

fn parse_hunks(out: &[u8]) -> HashMap<String, Vec<(u32, u32)>> {
    let mut files: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    let mut old: Option<String> = None;
    let mut current: Option<String> = None;
    // A name with a space gets a trailing tab (for patch(1)); a quoted name is skipped.
    let name = |line: &[u8], prefix: &[u8]| -> Option<String> {
        let rest = line.strip_prefix(prefix)?;
        let rest = rest.strip_suffix(b"\t").unwrap_or(rest);
        Some(String::from_utf8_lossy(rest).into_owned())
    };
    for line in out.split(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") {
            old = None;
            current = None;
        } else if line.starts_with(b"--- ") && current.is_none() {
            old = name(line, b"--- a/");
        } else if line.starts_with(b"+++ ") && current.is_none() {
            if let (Some(o), Some(n)) = (old.take(), name(line, b"+++ b/")) {
                if o == n {
                    files.entry(n.clone()).or_default();
                    current = Some(n);
                }
            }
        } else if let (Some(c), Some(rest)) = (&current, line.strip_prefix(b"@@ -")) {
            let range = rest.split(|&b| b == b' ').next().unwrap_or_default();
            let range = String::from_utf8_lossy(range);
            let mut it = range.splitn(2, ',');
            let start: Option<u32> = it.next().and_then(|s| s.parse().ok());
            let count: Option<u32> = match it.next() {
                Some(c) => c.parse().ok(),
                None => Some(1),
            };
            match (start, count) {
                (Some(a), Some(0)) => files.entry(c.clone()).or_default().push((a, a + 1)),
                (Some(a), Some(n)) => files
                    .entry(c.clone())
                    .or_default()
                    .push((a, a.saturating_add(n - 1))),
                _ => {
                    // Unreadable: the file must be merged to know.
                    files.remove(c);
                    current = None;
                }
            }
        }
    }
    files
}

/// Whether two sorted hunk lists of one base version touch or come within `margin` lines of
/// each other (merge-ort reports a conflict when changed regions overlap or are adjacent).
/// O(a + b).
pub fn hunks_meet(a: &[(u32, u32)], b: &[(u32, u32)], margin: u32) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (a0, a1) = (a[i].0.saturating_sub(margin), a[i].1.saturating_add(margin));
        let (b0, b1) = b[j];
        if a0 <= b1 && b0 <= a1 {
            return true;
        }
        if a1 < b0 {
            i += 1;
        } else {
            j += 1;
        }
    }
    false
}

/// The paths `git merge-tree --write-tree` cannot merge cleanly when merging `a` and `b`
/// (their merge base is found by git). Empty when they merge cleanly. Writes tree objects
/// into the repository (as any merge does); never touches the working tree or the index.
pub fn merge_tree_conflicts(repo: &Path, a: &str, b: &str) -> Result<Vec<String>, GitError> {
    merge_tree(repo, a, b).map(|(_, conflicts)| conflicts)
}

/// `git merge-tree --write-tree a b`: the merged tree's id and the paths git could not merge
/// (empty when the merge is clean; the tree then holds the merge result).
pub fn merge_tree(repo: &Path, a: &str, b: &str) -> Result<(String, Vec<String>), GitError> {
    validate_revision(a)?;
    validate_revision(b)?;
    let args = [
        "merge-tree",
        "--write-tree",
        "--name-only",
        "--no-messages",
        "-z",
        a,
        b,
    ];
    let output = run(repo, args)?;
    match output.status.code() {
        Some(code @ (0 | 1)) => {
            let mut fields = output.stdout.split(|&b| b == 0);
            let tree = fields
                .next()
                .map(|t| String::from_utf8_lossy(t).trim().to_string())
                .unwrap_or_default();
            let conflicts = if code == 0 {
                Vec::new()
            } else {
                fields
                    .filter(|p| !p.is_empty())
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect()
            };
            Ok((tree, conflicts))
        }
        _ => {
            let err = command_error(&args, &output);
            let stderr = String::from_utf8_lossy(&output.stderr);
            if stderr.contains("usage:") || stderr.contains("unknown option") {
                return Err(GitError::Command {
                    args: args.join(" "),
                    status: output.status.to_string(),
                    stderr: format!(
                        "this git has no `merge-tree --write-tree` (git 2.38 or newer is needed): {}",
                        stderr.trim()
                    ),
                });
            }
            Err(err)
        }
    }
}

/// `git commit-tree TREE -p P… -m MESSAGE`: a commit object (author and committer `sfci`, so
/// no identity needs configuring); returns its id. Touches no branch, index or working tree.
pub fn commit_tree(
    repo: &Path,
    tree: &str,
    parents: &[&str],
    message: &str,
) -> Result<String, GitError> {
    validate_revision(tree)?;
    let mut args = vec!["commit-tree", tree];
    for p in parents {
        validate_revision(p)?;
        args.extend(["-p", p]);
    }
    args.extend(["-m", message]);
    let output = git(repo)
        .args(&args)
        .env("GIT_AUTHOR_NAME", "sfci")
        .env("GIT_AUTHOR_EMAIL", "sfci@localhost")
        .env("GIT_COMMITTER_NAME", "sfci")
        .env("GIT_COMMITTER_EMAIL", "sfci@localhost")
        .output()
        .map_err(super::spawn_error)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Points the local branch `name` at `commit` (`git update-ref refs/heads/NAME`), creating or
/// moving it. Refuses the branch checked out in this working tree, whose files would no
/// longer match it.
pub fn set_branch(repo: &Path, name: &str, commit: &str) -> Result<(), GitError> {
    validate_revision(name)?;
    let reference = format!("refs/heads/{name}");
    let check = run(repo, ["check-ref-format", reference.as_str()])?;
    if !check.status.success() {
        return Err(GitError::InvalidRevision {
            rev: name.to_string(),
            reason: "not a valid branch name",
        });
    }
    let current = run(repo, ["symbolic-ref", "-q", "HEAD"])?;
    if current.status.success() && String::from_utf8_lossy(&current.stdout).trim() == reference {
        return Err(GitError::InvalidRevision {
            rev: name.to_string(),
            reason: "it is the branch checked out here; name a throwaway branch",
        });
    }
    let args = [
        "update-ref",
        "-m",
        "sfci integration",
        reference.as_str(),
        commit,
    ];
    let output = run(repo, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    Ok(())
}

/// The contents of `REV:PATH` specs, read by one `git cat-file --batch`; `None` for a spec
/// that names no blob (missing, a tree, or a name with a newline).
pub fn read_blobs(repo: &Path, specs: &[String]) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let asked: Vec<Option<&String>> = specs
        .iter()
        .map(|s| (!s.contains('\n') && !s.contains('\r')).then_some(s))
        .collect();
    let input: String = asked.iter().flatten().map(|s| format!("{s}\n")).collect();
    let mut child = git(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(super::spawn_error)?;
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(input.as_bytes());
        }
        drop(stdin);
    });
    let mut out = Vec::with_capacity(specs.len());
    let failed = |detail: String| GitError::Command {
        args: "cat-file --batch".into(),
        status: "unexpected output".into(),
        stderr: detail,
    };
    {
        let Some(stdout) = child.stdout.take() else {
            return Err(failed("no output".into()));
        };
        let mut reader = BufReader::new(stdout);
        for a in &asked {
            if a.is_none() {
                out.push(None);
                continue;
            }
            let mut header = String::new();
            reader.read_line(&mut header).map_err(GitError::Io)?;
            let parts: Vec<&str> = header.trim_end().split(' ').collect();
            match parts[..] {
                [_, kind, size] => {
                    let size: usize = size
                        .parse()
                        .map_err(|_| failed(format!("bad header {header:?}")))?;
                    let mut body = vec![0u8; size];
                    reader.read_exact(&mut body).map_err(GitError::Io)?;
                    let mut nl = [0u8; 1];
                    reader.read_exact(&mut nl).map_err(GitError::Io)?;
                    out.push((kind == "blob").then_some(body));
                }
                _ if header.trim_end().ends_with(" missing")
                    || header.trim_end().ends_with(" ambiguous") =>
                {
                    out.push(None)
                }
                _ => return Err(failed(format!("bad header {header:?}"))),
            }
        }
    }
    let _ = writer.join();
    let status = child.wait().map_err(GitError::Io)?;
    if !status.success() {
        return Err(failed(format!("exit {status}")));
    }
    Ok(out)
}

/// The committer time (seconds since the epoch) of the oldest commit on `head` since
/// `base` — when the branch's work started — or of `head` itself when it has none.
pub fn first_commit_time(repo: &Path, base: &str, head: &str) -> Result<i64, GitError> {
    let head_id = resolve_commit(repo, head)?;
    let base_id = resolve_commit(repo, base)?;
    let range = format!("{base_id}..{head_id}");
    let args = ["log", "--format=%ct", range.as_str()];
    let output = run(repo, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    let times: Vec<i64> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    if let Some(t) = times.iter().min() {
        return Ok(*t);
    }
    let args = ["log", "-1", "--format=%ct", head_id.as_str()];
    let output = run(repo, args)?;
    if !output.status.success() {
        return Err(command_error(&args, &output));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_entries_with_renames() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let out = format!(
            ":100644 100644 {a} {a} M\0x.cls\0:000000 100644 {z} {a} A\0y y.cls\0:100644 100644 {a} {a} R097\0old.cls\0new.cls\0:100644 000000 {a} {z} D\0gone.cls\0"
        );
        let e = parse_raw(out.as_bytes()).unwrap();
        assert_eq!(e.len(), 4);
        assert_eq!(e[0].status, EntryStatus::Modified);
        assert_eq!(e[1].path, "y y.cls");
        assert_eq!(e[2].status, EntryStatus::Renamed);
        assert_eq!(e[2].old_path.as_deref(), Some("old.cls"));
        assert_eq!(e[2].path, "new.cls");
        assert_eq!(e[3].status, EntryStatus::Deleted);
        assert!(parse_raw(b":100644 M\0x\0").is_none());
    }

    #[test]
    fn hunks_in_base_lines() {
        let diff = b"diff --git a/f.txt b/f.txt\nindex 1..2 100644\n--- a/f.txt\n+++ b/f.txt\n@@ -2 +2 @@ a\n-b\n+B\n@@ -7,3 +7,0 @@\n-x\n@@ -10,0 +8 @@\n+y\ndiff --git a/s p.txt b/s p.txt\n--- a/s p.txt\t\n+++ b/s p.txt\t\n@@ -1,0 +2 @@ x\n+y\ndiff --git a/n.txt b/n.txt\nnew file mode 100644\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+n\n";
        let h = parse_hunks(diff);
        assert_eq!(h["f.txt"], vec![(2, 2), (7, 9), (10, 11)]);
        assert_eq!(h["s p.txt"], vec![(1, 2)]);
        assert!(!h.contains_key("n.txt"), "added files have no base lines");
    }

    #[test]
    fn hunks_meet_within_the_margin() {
        assert!(hunks_meet(&[(2, 2)], &[(2, 2)], 0));
        assert!(!hunks_meet(&[(2, 2)], &[(4, 4)], 0));
        assert!(hunks_meet(&[(2, 2)], &[(4, 4)], 2));
        assert!(hunks_meet(&[(2, 2)], &[(3, 3)], 1), "adjacent lines");
        assert!(!hunks_meet(&[(1, 1), (20, 20)], &[(10, 12), (30, 30)], 3));
        assert!(hunks_meet(&[(1, 1), (20, 20)], &[(10, 12), (22, 22)], 3));
        assert!(!hunks_meet(&[], &[(1, 1)], 3));
    }
}
