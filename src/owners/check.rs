//! The `codeowners-check` runs: `owners` (a query), `validate` and `approvals`
//! (findings reports).

use super::approvals::{evaluate, requirements, summary_markdown, OwnerCheck, Status};
use super::model::{CodeOwners, Dialect, Ownership};
use super::{locations, offline_problems_with, parse};
use crate::forge::Forge;
use crate::report::{fingerprint, Finding, FindingsReport, Severity};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const TOOL: &str = "codeowners-check";
/// The hidden marker that finds the summary comment again.
pub const MARKER: &str = "sfci:codeowners-check";

use super::rules::{
    validate_rules, ApprovalContext, Check, ForgeContext, OwnerStanding, MISSING, RULES, UNOWNED,
};

#[derive(Debug, thiserror::Error)]
pub enum OwnersError {
    #[error("{0}")]
    Forge(#[from] crate::forge::ForgeError),
    #[error("{0}")]
    Git(#[from] crate::git::GitError),
    #[error("{0}")]
    Other(String),
}

pub use crate::forge::{Client, ForgeOptions};

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

/// `owners`: the owners of each path.
pub fn owners_of(co: &CodeOwners, paths: &[String]) -> Vec<Ownership> {
    let m = co.matcher();
    paths.par_iter().map(|p| m.owners_of(p)).collect()
}

/// Reads CODEOWNERS: an explicit file, or the forge's location in `root`.
pub fn load(root: &Path, file: Option<&Path>, dialect: Dialect) -> Result<CodeOwners, OwnersError> {
    match file {
        Some(f) => {
            let bytes = std::fs::read(f)
                .map_err(|e| OwnersError::Other(format!("cannot read {}: {e}", f.display())))?;
            Ok(parse(
                &String::from_utf8_lossy(&bytes),
                &f.to_string_lossy(),
                dialect,
            ))
        }
        None => super::load(root, dialect)
            .map_err(|e| OwnersError::Other(format!("cannot read CODEOWNERS: {e}")))?
            .ok_or_else(|| {
                OwnersError::Other(format!(
                    "no CODEOWNERS file in {} (looked in {})",
                    root.display(),
                    locations(dialect).join(", ")
                ))
            }),
    }
}

/// The CODEOWNERS of a revision (the target branch): `git show REV:<location>` in
/// the forge's order.
pub fn load_at(root: &Path, rev: &str, dialect: Dialect) -> Result<CodeOwners, OwnersError> {
    for loc in locations(dialect) {
        if let Some(bytes) = crate::git::show_file(root, rev, loc)? {
            return Ok(parse(&String::from_utf8_lossy(&bytes), loc, dialect));
        }
    }
    Err(OwnersError::Other(format!(
        "no CODEOWNERS at {rev} (looked in {})",
        locations(dialect).join(", ")
    )))
}

fn problem_finding(rel: &str, p: &super::model::Problem) -> Finding {
    let sev = super::rules::RULES
        .iter()
        .find(|r| r.id == p.rule)
        .map(|r| r.default_severity)
        .unwrap_or(Severity::Error);
    // An unowned file is reported at the file itself (its message starts with its
    // path), so annotations and Code Quality land where the owner is missing.
    let (file, line) = match (p.rule == UNOWNED.id, p.message.split_once(": ")) {
        (true, Some((path, _))) if !path.is_empty() => (path.to_string(), 1),
        _ => (rel.to_string(), p.line.max(1)),
    };
    let fp = fingerprint(&[p.rule, &file, &p.message]);
    Finding {
        rule: p.rule.to_string(),
        severity: sev,
        file,
        line,
        column: p.column.max(1),
        symbol: None,
        message: p.message.clone(),
        fingerprint: fp,
        chain: Vec::new(),
        in_change: false,
        extra: BTreeMap::new(),
    }
}

/// `validate`: syntax and structure against the tracked files, and — with a
/// forge token — owners that do not exist or cannot approve.
pub fn validate(
    co: &CodeOwners,
    tracked: &[String],
    allow: &globset::GlobSet,
    client: Option<&Client>,
) -> Result<FindingsReport, OwnersError> {
    let started = Instant::now();
    let m = co.matcher();
    let mut findings: Vec<Finding> = offline_problems_with(co, &m, tracked, allow)
        .iter()
        .map(|p| problem_finding(&co.path, p))
        .collect();
    let mut summary = BTreeMap::new();
    summary.insert("rules".into(), co.rules.len().into());
    summary.insert("tracked_files".into(), tracked.len().into());
    match client {
        Some(c) => {
            let (f, checked) = check_owners(co, c)?;
            findings.extend(f);
            summary.insert("owners_checked".into(), checked.into());
        }
        None => {
            summary.insert(
                "forge_checks".into(),
                "skipped: no forge token (unknown-owner and owner-without-write-access need one)"
                    .into(),
            );
        }
    }
    let mut checked = BTreeMap::new();
    for r in validate_rules() {
        checked.insert(r.id.to_string(), vec![co.path.clone()]);
    }
    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        rules: validate_rules(),
        findings,
        checked,
        summary,
        changed_files: Vec::new(),
        duration: started.elapsed(),
    };
    report.sort();
    Ok(report)
}

/// Every distinct owner, with the first rule line naming it.
fn distinct_owners(co: &CodeOwners) -> Vec<(String, u32, u32)> {
    let mut seen: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for r in &co.rules {
        for o in &r.owners {
            seen.entry(o.clone()).or_insert((r.line, r.column));
        }
    }
    for s in &co.sections {
        for o in &s.default_owners {
            seen.entry(o.clone()).or_insert((s.line, 1));
        }
    }
    seen.into_iter().map(|(o, (l, c))| (o, l, c)).collect()
}

/// Asks the forge about each distinct owner once, then runs the forge checks of
/// [`RULES`] over the answers. Returns their findings and the number of owners.
fn check_owners(co: &CodeOwners, client: &Client) -> Result<(Vec<Finding>, usize), OwnersError> {
    let owners = distinct_owners(co);
    let mut asked = Vec::new();
    for (owner, line, column) in &owners {
        let Some(name) = owner.strip_prefix('@') else {
            continue; // e-mail owners cannot be looked up
        };
        if name.starts_with('@') {
            continue; // GitLab roles
        }
        asked.push(OwnerStanding {
            owner: owner.clone(),
            line: *line,
            column: *column,
            standing: client.owner_standing(owner, name)?,
        });
    }
    let ctx = ForgeContext { co, owners: asked };
    let mut out = Vec::new();
    for rule in RULES {
        if let Check::Forge(check) = rule.check {
            check(&ctx, &mut out);
        }
    }
    Ok((out, owners.len()))
}

/// Membership and role answers through the forge, cached per run.
struct ForgeCheck {
    client: Client,
    members: RefCell<HashMap<String, Vec<String>>>,
    access: RefCell<HashMap<String, Option<u32>>>,
}

impl ForgeCheck {
    fn new(client: Client) -> ForgeCheck {
        ForgeCheck {
            client,
            members: RefCell::new(HashMap::new()),
            access: RefCell::new(HashMap::new()),
        }
    }
}

impl OwnerCheck for ForgeCheck {
    fn approves_for(&self, approver: &str, owner: &str) -> Result<bool, String> {
        let Some(name) = owner.strip_prefix('@') else {
            return Ok(false); // e-mail owners: no reliable mapping to an account
        };
        if let Some(role) = name.strip_prefix('@') {
            let needed = match role.to_ascii_lowercase().as_str() {
                "developer" => 30,
                "maintainer" => 40,
                "owner" => 50,
                _ => return Ok(false),
            };
            if !self.access.borrow().contains_key(approver) {
                let a = self
                    .client
                    .role_access(approver)
                    .map_err(|e| e.to_string())?;
                self.access.borrow_mut().insert(approver.to_string(), a);
            }
            return Ok(self.access.borrow()[approver].unwrap_or(0) >= needed);
        }
        if !name.contains('/') && name.eq_ignore_ascii_case(approver) {
            return Ok(true);
        }
        let is_group = name.contains('/') || self.client.bare_names_may_be_groups();
        if !is_group {
            return Ok(false);
        }
        if !self.members.borrow().contains_key(name) {
            let m = self.client.members_of(name).map_err(|e| e.to_string())?;
            self.members.borrow_mut().insert(name.to_string(), m);
        }
        Ok(self.members.borrow()[name]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(approver)))
    }
}

#[derive(Debug, Clone, Default)]
pub struct ApprovalOptions {
    pub root: PathBuf,
    pub dialect: Option<Dialect>,
    /// MR/PR number; from the CI context when absent.
    pub change: Option<u64>,
    /// Target revision: the CODEOWNERS is read there; changed files from git
    /// since the merge base when given.
    pub base: Option<String>,
    pub comment: bool,
    pub forge: ForgeOptions,
}

/// `approvals`: the owners each changed file needs (per the target branch's
/// CODEOWNERS) against the approvals given.
pub fn approvals(opts: &ApprovalOptions) -> Result<FindingsReport, OwnersError> {
    let started = Instant::now();
    let ctx = crate::ci::CiContext::detect();
    let dialect = opts.dialect.unwrap_or(match opts.forge.forge() {
        Forge::GitLab => Dialect::GitLab,
        _ => Dialect::GitHub,
    });
    let change = opts.change.or(ctx.change_number).ok_or_else(|| {
        OwnersError::Other(
            "no merge request / pull request number: pass --change N (or run in an MR/PR pipeline)"
                .into(),
        )
    })?;
    let client = opts.forge.connect(Forge::from(dialect))?.ok_or_else(|| {
        OwnersError::Other(match dialect {
            Dialect::GitHub => "approvals need a GitHub token that can read pull requests and org teams (GITHUB_TOKEN or --token-env NAME)".into(),
            Dialect::GitLab => "approvals need a GitLab project access token with read_api (SFCI_GITLAB_TOKEN or --token-env NAME); CI_JOB_TOKEN cannot read approvals".into(),
        })
    })?;
    // The target branch decides: GitLab's target-branch head when the pipeline has
    // it (the merge base could hold an older CODEOWNERS), else the CI base.
    let base = match &opts.base {
        Some(b) => Some(crate::ci::resolve_base(b).map_err(OwnersError::Other)?),
        None => env("CI_MERGE_REQUEST_TARGET_BRANCH_SHA").or_else(|| ctx.base_rev.clone()),
    };
    let base = base.ok_or_else(|| {
        OwnersError::Other("the target branch is unknown: pass --base REV (its CODEOWNERS decides, so a change cannot rewrite its own owners)".into())
    })?;
    let co = load_at(&opts.root, &base, dialect)?;
    // Changed files: git when the history is there, else the forge's API.
    let changed = match crate::git::changed_files(&opts.root, &base, None) {
        Ok(f) => f,
        Err(_) => client.changed_files(change)?,
    };
    let approvers = client.approvers(change)?;
    let owned = owners_of(&co, &changed);
    let reqs = requirements(dialect, &owned);
    let check = ForgeCheck::new(client);
    let statuses = evaluate(&reqs, &approvers, &check).map_err(OwnersError::Other)?;
    if opts.comment {
        let body = summary_markdown(MARKER, &statuses);
        check.client.upsert_comment(change, MARKER, &body)?;
    }
    Ok(approval_report(
        &co,
        &statuses,
        changed,
        approvers.len(),
        started,
    ))
}

fn approval_report(
    co: &CodeOwners,
    statuses: &[Status],
    changed: Vec<String>,
    approvers: usize,
    started: Instant,
) -> FindingsReport {
    let mut findings = Vec::new();
    let ctx = ApprovalContext { co, statuses };
    for rule in RULES {
        if let Check::Approvals(check) = rule.check {
            check(&ctx, &mut findings);
        }
    }
    let mut summary = BTreeMap::new();
    summary.insert("changed_files".into(), changed.len().into());
    summary.insert("requirements".into(), statuses.len().into());
    summary.insert("approvers".into(), approvers.into());
    let mut checked = BTreeMap::new();
    checked.insert(MISSING.id.to_string(), vec![co.path.clone()]);
    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        rules: vec![MISSING.info()],
        findings,
        checked,
        summary,
        changed_files: changed,
        duration: started.elapsed(),
    };
    report.sort();
    report
}

/// Tracked files of the repository at `root`: `git ls-files`, or a walk that
/// honours `.gitignore` outside a git checkout.
pub fn tracked_files(root: &Path) -> Vec<String> {
    if let Ok(out) = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off", "ls-files", "-z"])
        .output()
    {
        if out.status.success() {
            return out
                .stdout
                .split(|&b| b == 0)
                .filter(|s| !s.is_empty())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect();
        }
    }
    let mut files = Vec::new();
    for e in ignore::WalkBuilder::new(root)
        .require_git(false)
        // Only the repository's own ignore files (see `source::Scan::walk`).
        .parents(false)
        .build()
        .flatten()
    {
        if e.file_type().is_some_and(|t| t.is_file()) {
            files.push(crate::source::rel_path(root, e.path()));
        }
    }
    files.sort();
    files
}

/// The approvals of one merge request, as a source for other tools
/// (`validate-deps --approvals`: a new cross-team edge passes when an owner of the
/// target team approved).
pub struct ApprovalSource {
    check: ForgeCheck,
    approvers: Vec<String>,
}

impl ApprovalSource {
    /// Connects to the forge and reads the approvals of `change` (or the CI's).
    pub fn connect(
        forge: &ForgeOptions,
        dialect: Dialect,
        change: Option<u64>,
    ) -> Result<ApprovalSource, OwnersError> {
        let change = change
            .or(crate::ci::CiContext::detect().change_number)
            .ok_or_else(|| {
                OwnersError::Other(
                    "--approvals: no merge request / pull request number (pass --change N)".into(),
                )
            })?;
        let client = forge.connect(Forge::from(dialect))?.ok_or_else(|| {
            OwnersError::Other("--approvals needs a forge token (GITHUB_TOKEN; GitLab SFCI_GITLAB_TOKEN or GITLAB_TOKEN; or --token-env NAME)".into())
        })?;
        let approvers = client.approvers(change)?;
        Ok(ApprovalSource {
            check: ForgeCheck::new(client),
            approvers,
        })
    }

    /// The approvers who count for any of `owners`.
    pub fn approved_by(&self, owners: &[String]) -> Result<Vec<String>, OwnersError> {
        let mut out = Vec::new();
        for a in &self.approvers {
            for o in owners {
                if self.check.approves_for(a, o).map_err(OwnersError::Other)? {
                    out.push(a.clone());
                    break;
                }
            }
        }
        Ok(out)
    }
}
