//! The rule registry of `codeowners-check` ([`RULES`]: one file per rule, declaring its id,
//! severity, summary, documentation and — where it is a check of its own — its check) and
//! what the offline checks read ([`Context`]).
//!
//! How each rule is checked is its [`Check`]: the parser reports the problems of reading a
//! line (`syntax-error`, `unsupported-syntax`, `file-too-large`);
//! [`offline_problems`](super::offline_problems) runs the offline checks of [`RULES`] in
//! order (`duplicate-pattern`, `shadowed-rule`, `pattern-matches-nothing`, `unowned-file`);
//! [`check::validate`](super::check::validate) with a forge token asks the forge about each
//! distinct owner once, then runs the forge checks (`unknown-owner`,
//! `owner-without-write-access`) over the answers ([`ForgeContext`]);
//! [`check::approvals`](super::check::approvals) evaluates the approvals, then runs
//! `missing-approval` over them ([`ApprovalContext`]).

pub mod duplicate_pattern;
pub mod file_too_large;
pub mod missing_approval;
pub mod owner_without_write_access;
pub mod pattern_matches_nothing;
pub mod shadowed_rule;
pub mod syntax_error;
pub mod unknown_owner;
pub mod unowned_file;
pub mod unsupported_syntax;

pub use duplicate_pattern::RULE as DUPLICATE;
pub use file_too_large::RULE as TOO_LARGE;
pub use missing_approval::RULE as MISSING;
pub use owner_without_write_access::RULE as NO_WRITE;
pub use pattern_matches_nothing::RULE as MATCHES_NOTHING;
pub use shadowed_rule::RULE as SHADOWED;
pub use syntax_error::RULE as SYNTAX;
pub use unknown_owner::RULE as UNKNOWN_OWNER;
pub use unowned_file::RULE as UNOWNED;
pub use unsupported_syntax::RULE as UNSUPPORTED;

use super::approvals::Status;
use super::matcher::Matcher;
use super::model::{CodeOwners, Problem};
use super::validate::{scan, FileScan};
use crate::forge::Standing;
use crate::report::{fingerprint, Finding, RuleInfo};
use globset::GlobSet;
use std::collections::BTreeMap;

/// A `codeowners-check` rule: its id, severity, summary and documentation, and its [`Check`].
pub type Rule = crate::rules::Rule<Check>;

/// How a `codeowners-check` rule is checked.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// The parser reports it as it reads the file ([`CodeOwners::problems`]).
    Parser,
    /// An offline check of the file (and the tracked files): pushes its problems.
    Offline(fn(&Context, &mut Vec<Problem>)),
    /// `validate` with a forge token ([`check::validate`](super::check::validate)): over
    /// what the forge said of each owner, pushes its findings.
    Forge(fn(&ForgeContext, &mut Vec<Finding>)),
    /// The `approvals` run ([`check::approvals`](super::check::approvals)): over the
    /// requirements of the changed files and their approvals, pushes its findings.
    Approvals(fn(&ApprovalContext, &mut Vec<Finding>)),
}

/// What every offline check reads.
pub struct Context<'a> {
    pub co: &'a CodeOwners,
    /// The rules of `co`, compiled.
    pub matcher: &'a Matcher,
    /// The tracked files (repository-relative paths).
    pub tracked: &'a [String],
    /// The files `unowned-file` does not report (`--allow-unowned`).
    pub unowned_allow: &'a GlobSet,
    /// What the tracked files tell about the rules (one parallel pass over them); None
    /// without tracked files, when the checks that look at files are skipped.
    pub files: Option<FileScan>,
}

impl<'a> Context<'a> {
    /// The context of `co`, its matcher and the tracked files (matched once, here).
    pub fn new(
        co: &'a CodeOwners,
        matcher: &'a Matcher,
        tracked: &'a [String],
        unowned_allow: &'a GlobSet,
    ) -> Context<'a> {
        let files = (!tracked.is_empty()).then(|| scan(co, matcher, tracked));
        Context {
            co,
            matcher,
            tracked,
            unowned_allow,
            files,
        }
    }

    /// The pattern of rule `i` as written (`!` for an exclusion).
    pub fn pattern(&self, i: usize) -> String {
        let r = &self.co.rules[i];
        if r.exclusion {
            format!("!{}", r.pattern)
        } else {
            r.pattern.clone()
        }
    }
}

/// What the forge checks read: what the forge said of each owner.
pub struct ForgeContext<'a> {
    pub co: &'a CodeOwners,
    /// Each distinct owner the forge was asked about (users, teams, groups: not e-mail
    /// addresses or GitLab roles), in name order.
    pub owners: Vec<OwnerStanding>,
}

/// An owner, the first CODEOWNERS place naming it, and how it stands on the forge.
pub struct OwnerStanding {
    pub owner: String,
    pub line: u32,
    pub column: u32,
    pub standing: Standing,
}

impl ForgeContext<'_> {
    /// The finding of `rule` about owner `o`: at the first line naming it, the owner as
    /// its symbol.
    pub fn finding(&self, rule: &Rule, o: &OwnerStanding, message: String) -> Finding {
        Finding {
            rule: rule.id.into(),
            severity: rule.default_severity,
            file: self.co.path.clone(),
            line: o.line,
            column: o.column,
            symbol: Some(o.owner.clone()),
            message,
            fingerprint: fingerprint(&[rule.id, &self.co.path, &o.owner]),
            chain: Vec::new(),
            in_change: false,
            extra: BTreeMap::new(),
        }
    }
}

/// What the approval checks read: the target branch's CODEOWNERS, and each requirement
/// of the changed files with the approvals that count for it.
pub struct ApprovalContext<'a> {
    pub co: &'a CodeOwners,
    pub statuses: &'a [Status],
}

/// Every rule of `codeowners-check`, in documentation order: those of `validate`, then
/// `missing-approval` (`approvals`). Ids are part of the interface.
pub const RULES: &[Rule] = &[
    SYNTAX,
    UNSUPPORTED,
    DUPLICATE,
    SHADOWED,
    MATCHES_NOTHING,
    UNOWNED,
    UNKNOWN_OWNER,
    NO_WRITE,
    TOO_LARGE,
    MISSING,
];

/// The rules of `validate` (all but `missing-approval`).
pub fn validate_rules() -> Vec<RuleInfo> {
    RULES
        .iter()
        .filter(|r| !matches!(r.check, Check::Approvals(_)))
        .map(|r| r.info())
        .collect()
}
