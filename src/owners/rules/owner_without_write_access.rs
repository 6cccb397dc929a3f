//! The `owner-without-write-access` rule of `codeowners-check validate`: its declaration (the doc comment on
//! [`RULE`] is its documentation). It needs the forge: [`validate`](crate::owners::check::validate)
//! asks it once per distinct owner, and that one answer decides both `unknown-owner` and
//! `owner-without-write-access`, so their check is one loop there.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** Code owners must have write access for their approval to count; the
    /// forge ignores owners without it.
    ///
    /// **Fix.** Grant the user or team write access, or replace the owner.
    pub const RULE: Rule = {
        id: "owner-without-write-access",
        severity: Error,
        summary: "An owner without write access to the repository",
        check: Check::Forge,
    }
}
