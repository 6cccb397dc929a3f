//! The `open-change-shared-profile` rule of `validate-deps --conflicts`: its declaration (the doc
//! comment on [`RULE`] is its documentation). [`conflicts`](crate::deps::conflicts) checks it: the
//! open changes are compared pairwise in one pass that reports every `open-change-*` rule.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** Profiles, permission sets and custom-labels files are touched by
    /// almost every change, so two open changes sharing one is advisory; when git cannot merge
    /// them, open-change-text-conflict reports it as an error.
    ///
    /// **Fix.** Nothing to do unless the two changes grant contradicting access; review them
    /// together.
    pub const RULE: Rule = {
        id: "open-change-shared-profile",
        severity: Warning,
        summary: "Another team's open change edits the same profile or permission set (advisory)",
        check: Check::Conflicts,
    }
}
