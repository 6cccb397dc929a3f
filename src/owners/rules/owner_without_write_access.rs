//! The `owner-without-write-access` rule of `codeowners-check validate`: its declaration (the doc
//! comment on [`RULE`] is its documentation) and its check. It needs the forge:
//! [`validate`](crate::owners::check::validate) with a token asks the forge once per distinct owner
//! (one answer decides both this rule and the other forge rule) and runs the check over the answers
//! ([`ForgeContext`]).

use super::{Check, ForgeContext, Rule};
use crate::forge::Standing;
use crate::report::Finding;

crate::rule! {
    /// **Why it matters.** Code owners must have write access for their approval to count; the
    /// forge ignores owners without it.
    ///
    /// **Fix.** Grant the user or team write access, or replace the owner.
    pub const RULE: Rule = {
        id: "owner-without-write-access",
        severity: Error,
        summary: "An owner without write access to the repository",
        check: Check::Forge(check),
    }
}

/// Each owner that exists but cannot approve, with its reason.
pub fn check(ctx: &ForgeContext, findings: &mut Vec<Finding>) {
    for o in &ctx.owners {
        if let Standing::CannotWrite(why) = &o.standing {
            findings.push(ctx.finding(&RULE, o, why.clone()));
        }
    }
}
