//! The `unknown-owner` rule of `codeowners-check validate`: its declaration (the doc comment on
//! [`RULE`] is its documentation) and its check. It needs the forge:
//! [`validate`](crate::owners::check::validate) with a token asks the forge once per distinct owner
//! (one answer decides both this rule and the other forge rule) and runs the check over the answers
//! ([`ForgeContext`]).

use super::{Check, ForgeContext, Rule};
use crate::forge::Standing;
use crate::report::Finding;

crate::rule! {
    /// **Why it matters.** The user, team or group named as an owner does not exist (or the
    /// token cannot see it); the forge ignores it, so its paths may have no effective owner.
    ///
    /// **Fix.** Fix the name, or give the token read access to org teams / groups.
    pub const RULE: Rule = {
        id: "unknown-owner",
        severity: Error,
        summary: "An owner that does not exist on the forge",
        check: Check::Forge(check),
    }
}

/// Each owner the forge does not know (or the token cannot see), with its reason.
pub fn check(ctx: &ForgeContext, findings: &mut Vec<Finding>) {
    for o in &ctx.owners {
        if let Standing::Unknown(why) = &o.standing {
            findings.push(ctx.finding(&RULE, o, why.clone()));
        }
    }
}
