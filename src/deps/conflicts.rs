//! `validate-deps --conflicts`: conflicts between the open changes (merge requests, pull
//! requests or local branches) against one target branch, per pair of changes from different
//! teams.
//!
//! - **A change** is its head compared with its merge base with the target
//!   (`git diff --raw -M`): changed files, renames, deletions. Its **team** is the team most of
//!   its changed files belong to ([`Teams::team_of`]; a tie goes to the first name in
//!   alphabetical order); changes of one team are not compared with each other.
//! - **Components** ([`component_of`]): a class and its `-meta.xml` are one `ApexClass`, every
//!   file of an LWC or Aura bundle is the bundle, a field is `CustomField Object.Field` (two
//!   fields of one object are two components), the object file is the `CustomObject`, other
//!   object children are `Type Object.Name`, other metadata `Type Name` from
//!   `Name.type-meta.xml`. Both changes changing one component is `open-change-conflict`;
//!   profiles, permission sets and custom-labels files, which almost every change touches, are
//!   `open-change-shared-profile` (advisory) unless git cannot merge them.
//! - **Text conflicts** (`open-change-text-conflict`): the files `git merge-tree --write-tree`
//!   cannot merge when merging the two heads (git ≥ 2.38).
//! - **Broken references** (`open-change-breaks-reference`): one change deletes or renames a
//!   component that a file the other change adds or edits references (the deps extractors on
//!   that file at the other change's head).
//!
//! - **Integration** (`--integrate BRANCH`, the nightly run): the changes are merged one by one,
//!   opened earliest first, onto the target — `git merge-tree --write-tree` of the integration
//!   so far with the change's head, then `git commit-tree` of the merged tree with both
//!   parents — and the local branch is set to the result (`git update-ref`). A change git
//!   cannot merge there is left out (`open-change-not-integrated`, naming the files and the
//!   changes merged before it that touch them). The working tree and index are never touched.
//!
//! Findings are grouped per change and subject (a component, a file) and list every other
//! change involved, with its team and owners (`deps.teams.<team>.owners`). A blocking finding
//! is an error for the change opened later (`created_at` of the forge, the first commit's
//! date of a branch; `--fail-on later`), for both (`all`) or for neither (`none`).
//!
//! # Complexity
//! With n changes, F changed paths in all and k_x changes touching path or component x:
//! O(n) git processes for the changes (merge base, raw diff, hunks, date; run in parallel), one
//! `git cat-file --batch` when some change deletes a component, and one `git merge-tree` per
//! *candidate* pair only — a pair of different teams that shares a path, unless both modify one
//! base version of every shared path in hunks more than 3 lines apart (merge-ort's conflicts
//! need overlapping or adjacent hunks) or identically. Pairs only ever meet through a shared
//! path or component: O(F + Σ_x k_x² + H) time and memory, H the hunks compared (linear merge
//! of two sorted lists per pair and path), never the n² pairs of unrelated changes.
//! `--integrate` adds 2 git processes per change (a merge-tree and a commit-tree, sequential:
//! each merges onto the last) and one update-ref: O(n) processes.

use super::check::{DepsError, TOOL};
use super::extract;
use super::graph::key;
use super::model::Kind;
use super::teams::Teams;
use crate::config::Config;
use crate::git::open::{self as gitx, DiffEntry, EntryStatus};
use crate::report::{fingerprint, Finding, FindingsReport, Severity};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use super::rules::{BREAKS_REFERENCE, CONFLICT, NOT_INTEGRATED, SHARED_PROFILE, TEXT_CONFLICT};

/// Which side of a conflicting pair fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// The change opened later (it is the one to rebase).
    #[default]
    Later,
    /// Both changes.
    All,
    /// Neither: every finding is a warning.
    None,
}

/// One open change to compare.
#[derive(Debug, Clone, Default)]
pub struct OpenChange {
    /// How reports name it: `!12` (GitLab), `#12` (GitHub), or the branch name.
    pub label: String,
    /// The merge request IID / pull request number, when from a forge.
    pub number: Option<u64>,
    pub branch: String,
    /// Revisions naming its head, tried in order (a commit id, `refs/pull/N/head`, …).
    pub revs: Vec<String>,
    /// When it was opened; None: the committer date of its first commit since the target.
    pub created_at: Option<jiff::Timestamp>,
    pub author: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ConflictOptions {
    /// A folder in the repository (its top level is used).
    pub path: PathBuf,
    /// The target branch (`main`, or `origin/main`; `origin/<target>` is tried too).
    pub target: String,
    pub changes: Vec<OpenChange>,
    pub config: Option<PathBuf>,
    pub fail_on: FailOn,
    /// Only the pairs that involve the change with this number (`--change N`).
    pub only: Option<u64>,
    /// What a CI job must fetch when a head is missing (shown in the error).
    pub fetch_hint: Option<String>,
    /// `--integrate BRANCH`: merge the changes, opened earliest first, onto the target into
    /// this local branch (created or reset); the ones that do not merge are left out and
    /// reported (`open-change-not-integrated`).
    pub integrate: Option<String>,
}

/// A component identity: (type, lower-case name).
type CompKey = (String, String);
/// A candidate pair and the files `git merge-tree` could not merge.
type MergeOutcome = ((usize, usize), Vec<String>);
/// A component a change removes: (change, name, deleted file).
type Removal = (usize, String, String);

struct Analysed {
    ch: OpenChange,
    head: String,
    created: i64,
    team: String,
    entries: Vec<DiffEntry>,
    hunks: HashMap<String, Vec<(u32, u32)>>,
    /// Component key → (type, name as written, first file of it in this change).
    components: BTreeMap<CompKey, (String, String, String)>,
    /// Components the change deletes or renames: (kind, name, deleted file).
    removed: Vec<(Kind, String, String)>,
}

/// Types whose files almost every change touches: advisory unless their text conflicts.
fn advisory(ty: &str) -> bool {
    matches!(ty, "Profile" | "PermissionSet" | "CustomLabels")
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// The metadata component a repository-relative path belongs to, as (type, name), or None
/// for files that are no metadata (documentation, scripts, Jest tests).
pub fn component_of(rel: &str) -> Option<(String, String)> {
    let segs: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
    let (&file, dirs) = segs.split_last()?;
    if let [.., "objects", object, folder] = dirs {
        if *folder != "fields" {
            if let Some((name, ty)) = file
                .strip_suffix("-meta.xml")
                .and_then(|s| s.rsplit_once('.'))
            {
                return Some((upper_first(ty), format!("{object}.{name}")));
            }
        }
    }
    if let Some(stem) = file.strip_suffix(".labels-meta.xml") {
        return Some(("CustomLabels".into(), stem.to_string()));
    }
    let facts = extract::extract(rel, b"")
        .filter(|f| f.owner.is_some())
        .or_else(|| {
            rel.strip_suffix("-meta.xml")
                .and_then(|s| extract::extract(s, b""))
        });
    if let Some(o) = facts.and_then(|f| f.owner) {
        return Some((o.kind.as_str().to_string(), o.name));
    }
    let (name, ty) = file.strip_suffix("-meta.xml")?.split_once('.')?;
    (!name.is_empty() && !ty.is_empty()).then(|| (upper_first(ty), name.to_string()))
}

/// Whether deleting `rel` deletes its component (a bundle goes with its main file).
fn primary(rel: &str, kind: Kind, name: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    match kind {
        Kind::Lwc => file == format!("{name}.js-meta.xml") || file == format!("{name}.js"),
        Kind::Aura => [".cmp", ".app", ".evt", ".intf"]
            .iter()
            .any(|ext| file == format!("{name}{ext}")),
        Kind::StaticResource => file.ends_with(".resource-meta.xml"),
        _ => true,
    }
}

/// Components the change deletes or renames: declared by a file it deletes (or moves away)
/// and by none of the files it adds or keeps changing.
fn removed_components(entries: &[DiffEntry]) -> Vec<(Kind, String, String)> {
    let declared = |p: &str| -> Vec<(Kind, String)> {
        extract::extract(p, b"")
            .map(|f| f.declares.into_iter().map(|d| (d.kind, d.name)).collect())
            .unwrap_or_default()
    };
    let present: HashSet<(Kind, String)> = entries
        .iter()
        .filter(|e| e.status != EntryStatus::Deleted)
        .flat_map(|e| declared(&e.path))
        .map(|(k, n)| key(k, &n))
        .collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for e in entries {
        let gone = match e.status {
            EntryStatus::Deleted => e.path.as_str(),
            EntryStatus::Renamed => match &e.old_path {
                Some(p) => p.as_str(),
                None => continue,
            },
            _ => continue,
        };
        for (kind, name) in declared(gone) {
            let k = key(kind, &name);
            if primary(gone, kind, &name) && !present.contains(&k) && seen.insert(k) {
                out.push((kind, name, gone.to_string()));
            }
        }
    }
    out
}

fn resolve_target(root: &Path, target: &str) -> Result<String, DepsError> {
    let mut tried = vec![target.to_string()];
    if !target.starts_with("origin/") {
        tried.push(format!("origin/{target}"));
    }
    for t in &tried {
        if let Ok(c) = crate::git::resolve_commit(root, t) {
            return Ok(c);
        }
    }
    Err(DepsError::Other(format!(
        "--target {target}: no such branch or commit here (tried {}); fetch it, e.g. \
         `git fetch origin {}`",
        tried.join(", "),
        target.strip_prefix("origin/").unwrap_or(target)
    )))
}

fn analyse(
    root: &Path,
    target: &str,
    ch: OpenChange,
) -> Result<Result<Analysed, OpenChange>, DepsError> {
    let Some(head) = ch
        .revs
        .iter()
        .find_map(|r| crate::git::resolve_commit(root, r).ok())
    else {
        return Ok(Err(ch));
    };
    let mb = crate::git::merge_base(root, target, &head)?;
    let entries = gitx::diff_raw(root, &mb, &head)?;
    let hunks = gitx::diff_hunks(root, &mb, &head)?;
    let created = match ch.created_at {
        Some(t) => t.as_second(),
        None => gitx::first_commit_time(root, &mb, &head)?,
    };
    let mut components = BTreeMap::new();
    for e in &entries {
        for p in e.paths() {
            if let Some((ty, name)) = component_of(p) {
                components
                    .entry((ty.clone(), name.to_ascii_lowercase()))
                    .or_insert((ty, name, p.to_string()));
            }
        }
    }
    let removed = removed_components(&entries);
    Ok(Ok(Analysed {
        ch,
        head,
        created,
        team: String::new(),
        entries,
        hunks,
        components,
        removed,
    }))
}

/// The majority team of a change's files (ties: alphabetical first).
fn team_of_change(teams: &Teams, entries: &[DiffEntry]) -> String {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        *count.entry(teams.team_of(&e.path)).or_default() += 1;
    }
    let best = count.values().copied().max().unwrap_or(0);
    count
        .into_iter()
        .find(|(_, c)| *c == best)
        .map(|(t, _)| t)
        .unwrap_or_default()
}

/// Whether the two changes' edits of `path` may conflict: anything but two modifications
/// of one base version whose hunks stay more than 3 lines apart (or that are identical).
fn may_conflict(a: &Analysed, b: &Analysed, path: &str) -> bool {
    let entry = |x: &Analysed| {
        x.entries
            .iter()
            .find(|e| e.paths().any(|p| p == path))
            .cloned()
    };
    let (Some(ea), Some(eb)) = (entry(a), entry(b)) else {
        return true;
    };
    if ea.status != EntryStatus::Modified || eb.status != EntryStatus::Modified {
        return true;
    }
    if ea.old_oid != eb.old_oid {
        return true;
    }
    if ea.new_oid == eb.new_oid {
        return false;
    }
    match (a.hunks.get(path), b.hunks.get(path)) {
        (Some(ha), Some(hb)) => gitx::hunks_meet(ha, hb, 3),
        _ => true,
    }
}

/// One group of findings: this change, a rule, a subject, and the other changes.
struct Group {
    file: String,
    line: u32,
    column: u32,
    subject: String,
    detail: String,
    others: BTreeSet<usize>,
    /// Per other change, what it contributes (its file and line, for references).
    notes: BTreeMap<usize, String>,
}

/// Runs the comparison and returns the report (tool `validate-deps`, the `--conflicts`
/// rules). Exit-code policy as every findings report: an error finding fails.
pub fn run(opts: &ConflictOptions) -> Result<FindingsReport, DepsError> {
    let started = Instant::now();
    let root = crate::git::toplevel(&opts.path)?;
    let root = root.canonicalize().unwrap_or(root);
    let config = Config::load_or_discover(opts.config.as_deref(), &root)?;
    let teams = Teams::new(&config.deps, &root, std::slice::from_ref(&root));
    let target = resolve_target(&root, &opts.target)?;

    let results: Vec<Result<Result<Analysed, OpenChange>, DepsError>> = opts
        .changes
        .par_iter()
        .map(|c| analyse(&root, &target, c.clone()))
        .collect();
    let mut changes = Vec::new();
    let mut missing = Vec::new();
    for r in results {
        match r? {
            Ok(a) => changes.push(a),
            Err(c) => missing.push(c),
        }
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|c| format!("{} ({}: tried {})", c.label, c.branch, c.revs.join(", ")))
            .collect();
        return Err(DepsError::Other(format!(
            "the head of {} open change(s) is not in this clone: {}; {}",
            missing.len(),
            list.join("; "),
            opts.fetch_hint.as_deref().unwrap_or(
                "fetch the branches (`git fetch origin BRANCH…`) or name local branches"
            )
        )));
    }
    for c in changes.iter_mut() {
        c.team = team_of_change(&teams, &c.entries);
    }
    let only = match opts.only {
        Some(n) => Some(
            changes
                .iter()
                .position(|c| c.ch.number == Some(n))
                .ok_or_else(|| {
                    DepsError::Other(format!(
                        "--change {n}: no open change with that number targets {}",
                        opts.target
                    ))
                })?,
        ),
        None => None,
    };
    let compared = |i: usize, j: usize| -> bool {
        i != j
            && !changes[i].entries.is_empty()
            && !changes[j].entries.is_empty()
            && changes[i].team != changes[j].team
            && only.is_none_or(|o| o == i || o == j)
    };
    // Index paths and components → changes; candidate pairs only meet there.
    let mut by_path: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_comp: HashMap<&CompKey, Vec<usize>> = HashMap::new();
    for (i, c) in changes.iter().enumerate() {
        let mut paths: Vec<&str> = c.entries.iter().flat_map(|e| e.paths()).collect();
        paths.sort_unstable();
        paths.dedup();
        for p in paths {
            by_path.entry(p).or_default().push(i);
        }
        for k in c.components.keys() {
            by_comp.entry(k).or_default().push(i);
        }
    }
    let mut shared_paths: BTreeMap<(usize, usize), Vec<&str>> = BTreeMap::new();
    for (p, list) in &by_path {
        for (x, &i) in list.iter().enumerate() {
            for &j in &list[x + 1..] {
                if compared(i, j) {
                    shared_paths.entry((i, j)).or_default().push(p);
                }
            }
        }
    }
    let candidates: Vec<(usize, usize)> = shared_paths
        .iter()
        .filter(|((i, j), paths)| {
            paths
                .iter()
                .any(|p| may_conflict(&changes[*i], &changes[*j], p))
        })
        .map(|(k, _)| *k)
        .collect();
    let merged: Vec<Result<MergeOutcome, DepsError>> = candidates
        .par_iter()
        .map(|&(i, j)| {
            gitx::merge_tree_conflicts(&root, &changes[i].head, &changes[j].head)
                .map(|c| ((i, j), c))
                .map_err(DepsError::from)
        })
        .collect();
    let mut text: HashMap<(usize, usize), HashSet<String>> = HashMap::new();
    for m in merged {
        let (pair, files) = m?;
        if !files.is_empty() {
            text.insert(pair, files.into_iter().collect());
        }
    }
    let text_of = |i: usize, j: usize| text.get(&(i.min(j), i.max(j)));

    // (change, rule, subject key) → group.
    let mut groups: BTreeMap<(usize, &'static str, String), Group> = BTreeMap::new();
    let mut add = |i: usize,
                   rule: &'static str,
                   skey: String,
                   other: usize,
                   g: Group,
                   note: Option<String>| {
        let e = groups.entry((i, rule, skey)).or_insert(g);
        e.others.insert(other);
        if let Some(n) = note {
            e.notes.insert(other, n);
        }
    };
    let new_group = |file: &str, line: u32, column: u32, subject: String, detail: String| Group {
        file: file.to_string(),
        line,
        column,
        subject,
        detail,
        others: BTreeSet::new(),
        notes: BTreeMap::new(),
    };

    // Text conflicts.
    for (&(i, j), files) in &text {
        for f in files {
            for (a, b) in [(i, j), (j, i)] {
                add(
                    a,
                    TEXT_CONFLICT.id,
                    f.clone(),
                    b,
                    new_group(f, 1, 1, f.clone(), String::new()),
                    None,
                );
            }
        }
    }
    // Shared components.
    for (k, list) in &by_comp {
        for (x, &i) in list.iter().enumerate() {
            for &j in &list[x + 1..] {
                if !compared(i, j) {
                    continue;
                }
                let (ty, name, _) = &changes[i].components[*k];
                let subject = format!("{ty} {name}");
                let rule = if advisory(ty) {
                    // A text conflict in one of its files is reported as such.
                    let files_of = |c: &Analysed| -> Vec<String> {
                        c.entries
                            .iter()
                            .flat_map(|e| e.paths())
                            .filter(|p| {
                                component_of(p)
                                    .is_some_and(|(t, n)| (t, n.to_ascii_lowercase()) == **k)
                            })
                            .map(String::from)
                            .collect()
                    };
                    let conflicted = text_of(i, j).is_some_and(|t| {
                        files_of(&changes[i])
                            .iter()
                            .chain(files_of(&changes[j]).iter())
                            .any(|f| t.contains(f))
                    });
                    if conflicted {
                        continue;
                    }
                    SHARED_PROFILE.id
                } else {
                    CONFLICT.id
                };
                for (a, b) in [(i, j), (j, i)] {
                    let file = changes[a].components[*k].2.clone();
                    add(
                        a,
                        rule,
                        format!("{}|{}", k.0, k.1),
                        b,
                        new_group(&file, 1, 1, subject.clone(), String::new()),
                        Some(changes[b].components[*k].2.clone()),
                    );
                }
            }
        }
    }
    // Deleted or renamed components that another change's files reference.
    let mut removed: HashMap<(Kind, String), Vec<Removal>> = HashMap::new();
    for (i, c) in changes.iter().enumerate() {
        for (kind, name, file) in &c.removed {
            removed
                .entry(key(*kind, name))
                .or_default()
                .push((i, name.clone(), file.clone()));
        }
    }
    let mut refs_read = 0usize;
    if !removed.is_empty() {
        let mut specs = Vec::new();
        let mut whose = Vec::new();
        for (j, c) in changes.iter().enumerate() {
            if !removed.values().flatten().any(|(i, _, _)| compared(*i, j)) {
                continue;
            }
            for e in c
                .entries
                .iter()
                .filter(|e| e.status != EntryStatus::Deleted)
            {
                if extract::extract(&e.path, b"").is_some() {
                    specs.push(format!("{}:{}", c.head, e.path));
                    whose.push((j, e.path.clone()));
                }
            }
        }
        refs_read = specs.len();
        let blobs = gitx::read_blobs(&root, &specs)?;
        for ((j, rel), blob) in whose.into_iter().zip(blobs) {
            let Some(bytes) = blob else { continue };
            let Some(facts) = extract::extract(&rel, &bytes) else {
                continue;
            };
            let own: HashSet<(Kind, String)> = facts
                .declares
                .iter()
                .map(|d| key(d.kind, &d.name))
                .collect();
            let mut seen = HashSet::new();
            for r in &facts.refs {
                for kind in &r.kinds {
                    let k = key(*kind, &r.name);
                    if own.contains(&k) {
                        continue;
                    }
                    let Some(list) = removed.get(&k) else {
                        continue;
                    };
                    for (i, name, gone) in list {
                        if !compared(*i, j) || !seen.insert((*i, k.clone())) {
                            continue;
                        }
                        let subject = format!("{} {name}", kind.as_str());
                        add(
                            j,
                            BREAKS_REFERENCE.id,
                            format!("ref|{rel}|{}|{}", k.0.as_str(), k.1),
                            *i,
                            new_group(&rel, r.line, r.column, subject.clone(), "references".into()),
                            None,
                        );
                        add(
                            *i,
                            BREAKS_REFERENCE.id,
                            format!("del|{}|{}", k.0.as_str(), k.1),
                            j,
                            new_group(gone, 1, 1, subject, "deletes".into()),
                            Some(format!("{rel}:{}", r.line)),
                        );
                    }
                }
            }
        }
    }

    let later = |a: usize, b: usize| -> bool {
        let key = |x: usize| (changes[x].created, changes[x].ch.number.unwrap_or(0), x);
        key(a) > key(b)
    };
    let describe = |o: usize| -> String {
        let c = &changes[o];
        let owners = teams.owners(&c.team);
        let who = if owners.is_empty() {
            format!("team {}", c.team)
        } else {
            format!("team {}, owners {}", c.team, owners.join(", "))
        };
        if c.ch.label == c.ch.branch {
            format!("{} ({who})", c.ch.label)
        } else {
            format!("{} `{}` ({who})", c.ch.label, c.ch.branch)
        }
    };
    // The finding's fields about change `i` and the other changes (`notes`: where each other
    // change meets this one, for references).
    let extra_of = |i: usize,
                    subject: &str,
                    others: &mut dyn Iterator<Item = usize>,
                    notes: &BTreeMap<usize, String>|
     -> BTreeMap<String, serde_json::Value> {
        let me = &changes[i];
        let mut extra = BTreeMap::new();
        extra.insert("change".into(), me.ch.label.clone().into());
        if let Some(n) = me.ch.number {
            extra.insert("number".into(), n.into());
        }
        extra.insert("branch".into(), me.ch.branch.clone().into());
        extra.insert("team".into(), me.team.clone().into());
        extra.insert("subject".into(), subject.into());
        let mut other_teams: BTreeSet<&str> = BTreeSet::new();
        let list: Vec<serde_json::Value> = others
            .map(|o| {
                let c = &changes[o];
                other_teams.insert(c.team.as_str());
                let mut v = serde_json::json!({
                    "change": c.ch.label,
                    "branch": c.ch.branch,
                    "team": c.team,
                    "owners": teams.owners(&c.team),
                    "opened_earlier": later(i, o),
                });
                if let Some(n) = c.ch.number {
                    v["number"] = n.into();
                }
                if let Some(u) = &c.ch.url {
                    v["url"] = u.clone().into();
                }
                if let Some(n) = notes.get(&o) {
                    v["where"] = n.clone().into();
                }
                v
            })
            .collect();
        extra.insert(
            "other_teams".into(),
            other_teams.into_iter().collect::<Vec<_>>().into(),
        );
        extra.insert("others".into(), list.into());
        extra
    };
    let mut findings = Vec::new();
    for ((i, rule, skey), g) in groups {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let advisory_rule = rule == SHARED_PROFILE.id;
        let earlier: Vec<usize> = g.others.iter().copied().filter(|&o| later(i, o)).collect();
        let severity = match (advisory_rule, opts.fail_on) {
            (true, _) | (_, FailOn::None) => Severity::Warning,
            (_, FailOn::All) => Severity::Error,
            (_, FailOn::Later) if !earlier.is_empty() => Severity::Error,
            _ => Severity::Warning,
        };
        let others: Vec<String> = g
            .others
            .iter()
            .map(|&o| match g.notes.get(&o) {
                Some(n) if rule == BREAKS_REFERENCE.id => format!("{} in {n}", describe(o)),
                _ => describe(o),
            })
            .collect();
        // Messages name at most 5 others; the `others` field lists every one.
        let others_text = if others.len() > 5 {
            format!(
                "{} and {} more open change(s)",
                others[..5].join("; "),
                others.len() - 5
            )
        } else {
            others.join("; ")
        };
        let me = &changes[i];
        let mut message = match rule {
            r if r == TEXT_CONFLICT.id => format!(
                "git cannot merge {} with {others_text}: a text conflict",
                g.subject
            ),
            r if r == BREAKS_REFERENCE.id && g.detail == "references" => format!(
                "references {}, which {others_text} deletes or renames",
                g.subject
            ),
            r if r == BREAKS_REFERENCE.id => format!(
                "deletes or renames {}, which {others_text} still references",
                g.subject
            ),
            r if r == SHARED_PROFILE.id => format!(
                "{} is also changed by {others_text} (advisory: git merges them)",
                g.subject
            ),
            _ => format!("{} is also changed by {others_text}", g.subject),
        };
        if severity == Severity::Error && opts.fail_on == FailOn::Later {
            let names: Vec<&str> = earlier
                .iter()
                .map(|&o| changes[o].ch.label.as_str())
                .collect();
            message.push_str(&format!(
                "; this change ({}) was opened after {}: it merges second, rebase it once {} is merged",
                me.ch.label,
                names.join(", "),
                names.join(", ")
            ));
        }
        let extra = extra_of(i, &g.subject, &mut g.others.iter().copied(), &g.notes);
        let other_labels: Vec<&str> = g
            .others
            .iter()
            .map(|&o| changes[o].ch.label.as_str())
            .collect();
        findings.push(Finding {
            rule: rule.into(),
            severity,
            file: g.file.clone(),
            line: g.line,
            column: g.column,
            symbol: Some(me.ch.label.clone()),
            message,
            fingerprint: fingerprint(&[rule, &me.ch.branch, &skey, &other_labels.join(",")]),
            chain: Vec::new(),
            in_change: true,
            extra,
        });
    }

    let mut integration: Option<(String, Vec<usize>, Vec<usize>)> = None;
    if let Some(branch) = &opts.integrate {
        let mut order: Vec<usize> = (0..changes.len())
            .filter(|&i| !changes[i].entries.is_empty())
            .collect();
        order.sort_by_key(|&x| (changes[x].created, changes[x].ch.number.unwrap_or(0), x));
        let mut head = target.clone();
        let (mut merged, mut skipped) = (Vec::new(), Vec::new());
        for i in order {
            let c = &changes[i];
            let (tree, conflicts) = gitx::merge_tree(&root, &head, &c.head)?;
            if !conflicts.is_empty() {
                skipped.push((i, conflicts));
                continue;
            }
            let name = if c.ch.label == c.ch.branch {
                c.ch.label.clone()
            } else {
                format!("{} `{}`", c.ch.label, c.ch.branch)
            };
            let message = format!(
                "sfci integration: merge {name} (team {}) into {}",
                c.team, opts.target
            );
            head = gitx::commit_tree(&root, &tree, &[&head, &c.head], &message)?;
            merged.push(i);
        }
        gitx::set_branch(&root, branch, &head)?;
        for (i, files) in &skipped {
            let me = &changes[*i];
            let touching: Vec<usize> = merged
                .iter()
                .copied()
                .filter(|&m| {
                    changes[m]
                        .entries
                        .iter()
                        .flat_map(|e| e.paths())
                        .any(|p| files.iter().any(|f| f == p))
                })
                .collect();
            let with = if touching.is_empty() {
                format!("the target {}", opts.target)
            } else {
                let names: Vec<String> = touching.iter().map(|&o| describe(o)).collect();
                format!("{} merged before it", names.join("; "))
            };
            let shown: Vec<&str> = files.iter().take(5).map(String::as_str).collect();
            let more = if files.len() > 5 {
                format!(" and {} more file(s)", files.len() - 5)
            } else {
                String::new()
            };
            let message = format!(
                "left out of the integration branch {branch}: git cannot merge {}{more} with {with}",
                shown.join(", ")
            );
            let mut extra = extra_of(
                *i,
                &files[0],
                &mut touching.iter().copied(),
                &BTreeMap::new(),
            );
            extra.insert("conflicting_files".into(), files.clone().into());
            findings.push(Finding {
                rule: NOT_INTEGRATED.id.into(),
                severity: if opts.fail_on == FailOn::None {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                file: files[0].clone(),
                line: 1,
                column: 1,
                symbol: Some(me.ch.label.clone()),
                message,
                fingerprint: fingerprint(&[NOT_INTEGRATED.id, &me.ch.branch, &files.join(",")]),
                chain: Vec::new(),
                in_change: true,
                extra,
            });
        }
        let skipped: Vec<usize> = skipped.into_iter().map(|(i, _)| i).collect();
        integration = Some((head, merged, skipped));
    }

    let all_files: Vec<String> = {
        let set: BTreeSet<String> = changes
            .iter()
            .filter(|c| only.is_none() || only.is_some_and(|o| changes[o].ch.branch == c.ch.branch))
            .flat_map(|c| c.entries.iter().map(|e| e.path.clone()))
            .collect();
        set.into_iter().collect()
    };
    let mut checked = BTreeMap::new();
    for r in super::rules::conflict_rules() {
        if r.id != NOT_INTEGRATED.id || opts.integrate.is_some() {
            checked.insert(r.id.to_string(), all_files.clone());
        }
    }
    let mut summary = BTreeMap::new();
    summary.insert("mode".into(), "conflicts".into());
    summary.insert("target".into(), opts.target.clone().into());
    summary.insert("changes".into(), changes.len().into());
    summary.insert("pairs_sharing_files".into(), shared_paths.len().into());
    summary.insert("merge_tree_runs".into(), candidates.len().into());
    summary.insert("pairs_text_conflicting".into(), text.len().into());
    summary.insert("files_read_for_references".into(), refs_read.into());
    if let (Some(branch), Some((head, merged, skipped))) = (&opts.integrate, integration) {
        let labels = |list: &[usize]| -> Vec<String> {
            list.iter().map(|&i| changes[i].ch.label.clone()).collect()
        };
        summary.insert(
            "integration".into(),
            serde_json::json!({
                "branch": branch,
                "head": head,
                "merged": labels(&merged),
                "left_out": labels(&skipped),
            }),
        );
    }
    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        rules: super::rules::rules(),
        findings,
        checked,
        summary,
        changed_files: Vec::new(),
        duration: started.elapsed(),
    };
    report.sort();
    Ok(report)
}

/// One line on what `--integrate` did (branch, head, merged, left out), from the report's
/// summary; None without `--integrate`.
pub fn integration_line(report: &FindingsReport) -> Option<String> {
    let i = report.summary.get("integration")?;
    let list = |k: &str| -> String {
        let v: Vec<&str> = i[k]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str())
            .collect();
        if v.is_empty() {
            "none".into()
        } else {
            v.join(", ")
        }
    };
    Some(format!(
        "integration branch {} at {}: merged {}; left out {}",
        i["branch"].as_str().unwrap_or(""),
        i["head"].as_str().unwrap_or("").get(..12).unwrap_or(""),
        list("merged"),
        list("left_out")
    ))
}

/// The body that replaces an earlier conflict comment on a merge request whose conflicts are
/// gone (only ever an update: no comment is created for it).
pub fn cleared_body() -> String {
    "### ✅ `validate-deps --conflicts`: no conflicts with other teams' open changes now\n\n\
     The conflicts this comment reported earlier are gone: the other change was merged, closed \
     or rebased, or this one no longer touches what it shared. Profiles and permission sets \
     only count when git cannot merge them.\n"
        .to_string()
}

/// The `--comment` bodies: one per merge request with a finding other than an advisory one,
/// naming the other changes, their teams and owners, and what they share.
pub fn comment_bodies(report: &FindingsReport) -> Vec<(u64, String)> {
    use crate::report::markdown::escape_cell;
    let mut by_change: BTreeMap<u64, Vec<&Finding>> = BTreeMap::new();
    for f in report.ordered_findings() {
        if let Some(n) = f.extra.get("number").and_then(|v| v.as_u64()) {
            by_change.entry(n).or_default().push(f);
        }
    }
    let mut out = Vec::new();
    for (n, list) in by_change {
        if list.iter().all(|f| f.rule == SHARED_PROFILE.id) {
            continue;
        }
        let errors = list
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let mut s = if errors > 0 {
            format!("### ❌ `validate-deps --conflicts`: this change conflicts with open changes of other teams and was opened later ({errors} blocking)\n\n")
        } else {
            "### ⚠️ `validate-deps --conflicts`: open changes of other teams touch the same components\n\n".to_string()
        };
        s.push_str("| what | where | other change | team | owners |\n|---|---|---|---|---|\n");
        for f in &list {
            let what = match f.rule.as_str() {
                r if r == CONFLICT.id => "same component",
                r if r == TEXT_CONFLICT.id => "text conflict",
                r if r == BREAKS_REFERENCE.id => "deleted / referenced",
                r if r == NOT_INTEGRATED.id => "left out of the integration",
                _ => "shared profile (advisory)",
            };
            let subject = f
                .extra
                .get("subject")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let others = f.extra.get("others").and_then(|v| v.as_array());
            if others.is_none_or(|o| o.is_empty()) {
                s.push_str(&format!(
                    "| {what} | {} `{}:{}` | the target branch | — | — |\n",
                    escape_cell(subject),
                    f.file.replace('`', "'"),
                    f.line
                ));
            }
            for o in others.into_iter().flatten() {
                let get = |k: &str| o.get(k).and_then(|v| v.as_str()).unwrap_or("");
                let owners: Vec<String> = o
                    .get("owners")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str())
                    .map(|v| format!("`{}`", v.replace('`', "'")))
                    .collect();
                let change = match o.get("url").and_then(|v| v.as_str()) {
                    Some(u) => format!(
                        "[{}]({}) `{}`",
                        escape_cell(get("change")),
                        u,
                        get("branch").replace('`', "'")
                    ),
                    None => format!(
                        "{} `{}`",
                        escape_cell(get("change")),
                        get("branch").replace('`', "'")
                    ),
                };
                s.push_str(&format!(
                    "| {what} | {} `{}:{}` | {change} | {} | {} |\n",
                    escape_cell(subject),
                    f.file.replace('`', "'"),
                    f.line,
                    escape_cell(get("team")),
                    if owners.is_empty() {
                        "—".to_string()
                    } else {
                        owners.join(", ")
                    }
                ));
            }
        }
        s.push_str(
            "\nThe change opened later merges second: agree with the other team which goes first, \
             then rebase this one. Profiles and permission sets only count when git cannot merge them.\n",
        );
        out.push((n, s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ty: &str, name: &str) -> Option<(String, String)> {
        Some((ty.to_string(), name.to_string()))
    }

    #[test]
    fn components_of_paths() {
        let p = "sales/main/default/";
        assert_eq!(
            component_of(&format!("{p}classes/Foo.cls")),
            c("ApexClass", "Foo")
        );
        assert_eq!(
            component_of(&format!("{p}classes/Foo.cls-meta.xml")),
            c("ApexClass", "Foo")
        );
        assert_eq!(
            component_of(&format!("{p}objects/Account/fields/A__c.field-meta.xml")),
            c("CustomField", "Account.A__c")
        );
        assert_eq!(
            component_of(&format!("{p}objects/Account/Account.object-meta.xml")),
            c("CustomObject", "Account")
        );
        assert_eq!(
            component_of(&format!(
                "{p}objects/Account/validationRules/V.validationRule-meta.xml"
            )),
            c("ValidationRule", "Account.V")
        );
        assert_eq!(
            component_of(&format!("{p}lwc/fooBar/fooBar.html")),
            c("LightningComponentBundle", "fooBar")
        );
        assert_eq!(
            component_of(&format!("{p}aura/card/cardController.js")),
            c("AuraDefinitionBundle", "card")
        );
        assert_eq!(
            component_of(&format!("{p}profiles/Sales Rep.profile-meta.xml")),
            c("Profile", "Sales Rep")
        );
        assert_eq!(
            component_of(&format!(
                "{p}layouts/Account-Account Layout.layout-meta.xml"
            )),
            c("Layout", "Account-Account Layout")
        );
        assert_eq!(
            component_of(&format!("{p}labels/CustomLabels.labels-meta.xml")),
            c("CustomLabels", "CustomLabels")
        );
        assert_eq!(component_of("README.md"), None);
        assert_eq!(
            component_of(&format!("{p}lwc/fooBar/__tests__/fooBar.test.js")),
            None
        );
    }

    fn entry(status: EntryStatus, path: &str, old: Option<&str>) -> DiffEntry {
        DiffEntry {
            status,
            path: path.into(),
            old_path: old.map(String::from),
            old_oid: String::new(),
            new_oid: String::new(),
        }
    }

    #[test]
    fn removed_components_of_deletions_and_renames() {
        let p = "sales/main/default/";
        let e = vec![
            entry(EntryStatus::Deleted, &format!("{p}classes/Gone.cls"), None),
            entry(
                EntryStatus::Deleted,
                &format!("{p}classes/Gone.cls-meta.xml"),
                None,
            ),
            entry(
                EntryStatus::Renamed,
                &format!("{p}classes/New.cls"),
                Some(&format!("{p}classes/Old.cls")),
            ),
            // A move keeps the component.
            entry(
                EntryStatus::Renamed,
                "b/classes/Moved.cls",
                Some(&format!("{p}classes/Moved.cls")),
            ),
            // A bundle loses a file, not itself.
            entry(EntryStatus::Deleted, &format!("{p}lwc/card/card.css"), None),
        ];
        let names: Vec<String> = removed_components(&e)
            .into_iter()
            .map(|(_, n, _)| n)
            .collect();
        assert_eq!(names, vec!["Gone", "Old"]);
    }
}
