//! Every rule of `codeowners-check`, declared with [`rule!`](crate::rule) (the doc comment
//! is the rule's documentation): those of `validate`, then `approvals`' one. The checks
//! that report them are in [`parse`](mod@super::parse), [`validate`](mod@super::validate) and
//! [`check`](super::check).

use crate::report::RuleInfo;
use crate::rules::Rule;

crate::rule! {
    /// **Why it matters.** The line is not valid CODEOWNERS syntax for this forge (missing or
    /// malformed owner, bad section header, an optional section with an approval count). GitLab
    /// rejects the file; GitHub ignores the line.
    ///
    /// **Fix.** Fix the line the message names.
    pub const SYNTAX: Rule = {
        id: "syntax-error",
        severity: Error,
        summary: "A CODEOWNERS line the forge rejects",
    }
}

crate::rule! {
    /// **Why it matters.** GitHub CODEOWNERS does not support `!` negation, `[...]` ranges or
    /// `\#` escapes; such a line silently matches nothing, so its paths fall to an earlier
    /// rule.
    ///
    /// **Fix.** Rewrite the pattern without the unsupported syntax.
    pub const UNSUPPORTED: Rule = {
        id: "unsupported-syntax",
        severity: Error,
        summary: "Pattern syntax GitHub does not support",
    }
}

crate::rule! {
    /// **Why it matters.** A pattern appears more than once (in one section); only the last one
    /// counts.
    ///
    /// **Fix.** Merge the owners into one line.
    pub const DUPLICATE: Rule = {
        id: "duplicate-pattern",
        severity: Warning,
        summary: "The same pattern twice",
    }
}

crate::rule! {
    /// **Why it matters.** Every tracked file this rule matches is also matched by a later rule
    /// (in its section), so this rule never decides an owner.
    ///
    /// **Fix.** Remove the rule or move it after the rules that shadow it.
    pub const SHADOWED: Rule = {
        id: "shadowed-rule",
        severity: Warning,
        summary: "A rule that later rules make dead",
    }
}

crate::rule! {
    /// **Why it matters.** No tracked file matches the pattern: a typo, or a path that was
    /// moved or deleted.
    ///
    /// **Fix.** Fix or remove the pattern.
    pub const MATCHES_NOTHING: Rule = {
        id: "pattern-matches-nothing",
        severity: Warning,
        summary: "A pattern that matches no tracked file",
    }
}

crate::rule! {
    /// **Why it matters.** No rule gives the file an owner (GitLab: no required section does),
    /// so changes to it need no code-owner review.
    ///
    /// **Fix.** Add a rule, or allow the path with --allow-unowned.
    pub const UNOWNED: Rule = {
        id: "unowned-file",
        severity: Warning,
        summary: "A tracked file without code owners",
    }
}

crate::rule! {
    /// **Why it matters.** The user, team or group named as an owner does not exist (or the
    /// token cannot see it); the forge ignores it, so its paths may have no effective owner.
    ///
    /// **Fix.** Fix the name, or give the token read access to org teams / groups.
    pub const UNKNOWN_OWNER: Rule = {
        id: "unknown-owner",
        severity: Error,
        summary: "An owner that does not exist on the forge",
    }
}

crate::rule! {
    /// **Why it matters.** Code owners must have write access for their approval to count; the
    /// forge ignores owners without it.
    ///
    /// **Fix.** Grant the user or team write access, or replace the owner.
    pub const NO_WRITE: Rule = {
        id: "owner-without-write-access",
        severity: Error,
        summary: "An owner without write access to the repository",
    }
}

crate::rule! {
    /// **Why it matters.** GitHub ignores a CODEOWNERS file larger than 3 MB entirely.
    ///
    /// **Fix.** Split ownership into fewer, broader rules.
    pub const TOO_LARGE: Rule = {
        id: "file-too-large",
        severity: Error,
        summary: "CODEOWNERS larger than the forge accepts",
    }
}

crate::rule! {
    /// **Why it matters.** The merge request changes files whose code owners (per the target
    /// branch's CODEOWNERS) have not approved it, or not enough of them.
    ///
    /// **Fix.** Ask the listed owners to review; then re-run the job (GitLab does not re-run
    /// pipelines on approval; on GitHub, trigger on pull_request_review).
    pub const MISSING: Rule = {
        id: "missing-approval",
        severity: Error,
        summary: "Code-owner approvals missing",
    }
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
    let validate: Vec<Rule> = RULES
        .iter()
        .filter(|r| r.id != MISSING.id)
        .copied()
        .collect();
    crate::rules::infos(&validate)
}
