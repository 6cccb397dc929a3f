//! The `missing-approval` rule of `codeowners-check approvals`: its declaration (the doc comment on
//! [`RULE`] is its documentation) and its check. The `approvals` run
//! ([`approvals`](crate::owners::check::approvals)) reads the forge's approvals, evaluates the
//! requirements of the changed files against them, and runs the check over the result
//! ([`ApprovalContext`]).

use super::{ApprovalContext, Check, Rule};
use crate::report::{fingerprint, Finding, Severity};
use std::collections::BTreeMap;

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
        check: Check::Approvals(check),
    }
}

/// Each required (non-optional) requirement with approvals still missing: at its
/// CODEOWNERS line, naming the owners, the approvals given and (up to five of) its files.
pub fn check(ctx: &ApprovalContext, findings: &mut Vec<Finding>) {
    for st in ctx
        .statuses
        .iter()
        .filter(|s| s.missing > 0 && !s.requirement.optional)
    {
        let r = &st.requirement;
        let mut extra = BTreeMap::new();
        extra.insert("section".into(), r.name.clone().into());
        extra.insert("owners".into(), r.owners.clone().into());
        extra.insert("approvals_required".into(), r.approvals_required.into());
        extra.insert("approved_by".into(), st.approved_by.clone().into());
        extra.insert("missing".into(), st.missing.into());
        extra.insert("files".into(), r.files.clone().into());
        let shown: Vec<&str> = r.files.iter().take(5).map(String::as_str).collect();
        let more = r.files.len().saturating_sub(shown.len());
        findings.push(Finding {
            rule: RULE.id.into(),
            severity: Severity::Error,
            file: ctx.co.path.clone(),
            line: r.line.max(1),
            column: 1,
            symbol: Some(format!("{} (line {})", r.name, r.line)),
            message: format!(
                "{} (line {}): {} more approval(s) needed from {} (required {}, approved by {}) for {}{}",
                r.name,
                r.line,
                st.missing,
                r.owners.join(", "),
                r.approvals_required,
                if st.approved_by.is_empty() {
                    "nobody".to_string()
                } else {
                    st.approved_by.join(", ")
                },
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more file(s)")
                } else {
                    String::new()
                }
            ),
            // One requirement per section and pattern: the rule's line tells them apart.
            fingerprint: fingerprint(&[RULE.id, &ctx.co.path, &r.name.to_lowercase(), &r.line.to_string()]),
            chain: Vec::new(),
            in_change: true,
            extra,
        });
    }
}
