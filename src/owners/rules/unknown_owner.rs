//! The `unknown-owner` rule of `codeowners-check validate`: its declaration (the doc comment on
//! [`RULE`] is its documentation). It needs the forge: [`validate`](crate::owners::check::validate)
//! asks it once per distinct owner, and that one answer decides both `unknown-owner` and
//! `owner-without-write-access`, so their check is one loop there.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** The user, team or group named as an owner does not exist (or the
    /// token cannot see it); the forge ignores it, so its paths may have no effective owner.
    ///
    /// **Fix.** Fix the name, or give the token read access to org teams / groups.
    pub const RULE: Rule = {
        id: "unknown-owner",
        severity: Error,
        summary: "An owner that does not exist on the forge",
        check: Check::Forge,
    }
}
