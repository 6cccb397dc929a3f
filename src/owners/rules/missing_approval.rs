//! The `missing-approval` rule of `codeowners-check approvals`: its declaration (the doc comment on
//! [`RULE`] is its documentation). Its check is the `approvals` run
//! ([`approvals`](crate::owners::check::approvals)): the forge's approvals against the
//! requirements of the changed files.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** The merge request changes files whose code owners (per the target
    /// branch's CODEOWNERS) have not approved it, or not enough of them.
    ///
    /// **Fix.** Ask the listed owners to review; then re-run the job (GitLab does not re-run
    /// pipelines on approval; on GitHub, trigger on pull_request_review).
    pub const RULE: Rule = {
        id: "missing-approval",
        severity: Error,
        summary: "Code-owner approvals missing",
        check: Check::Approvals,
    }
}
