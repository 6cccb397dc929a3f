//! The `open-change-not-integrated` rule of `validate-deps --conflicts`: its declaration (the doc
//! comment on [`RULE`] is its documentation). [`conflicts`](crate::deps::conflicts) checks it: the
//! open changes are compared pairwise in one pass that reports every `open-change-*` rule.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** With --integrate, the open changes are merged one by one, opened
    /// earliest first, onto the target into a throwaway integration branch (the nightly
    /// integration run). This change could not be merged there: git cannot merge the files
    /// named with the target and the changes merged before it, so it was left out of the
    /// integration build.
    ///
    /// **Fix.** Rebase the change onto the target (and onto the other team's change the finding
    /// names, once merged) and resolve the conflict with that team.
    pub const RULE: Rule = {
        id: "open-change-not-integrated",
        severity: Error,
        summary: "This open change does not merge into the integration of the open changes before it",
        check: Check::Conflicts,
    }
}
