//! The `open-change-conflict` rule of `validate-deps --conflicts`: its declaration (the doc comment
//! on [`RULE`] is its documentation). [`conflicts`](crate::deps::conflicts) checks it: the open
//! changes are compared pairwise in one pass that reports every `open-change-*` rule.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** Two open merge requests of different teams change one metadata
    /// component (the same class, trigger, bundle, flow, field, object …). Even when git merges
    /// them, one team's change can overwrite or break the other's. With --conflicts; an error
    /// for the change opened later (--fail-on).
    ///
    /// **Fix.** Talk to the other team (the finding names its owners): merge one change first
    /// and rebase the other onto it, or combine them.
    pub const RULE: Rule = {
        id: "open-change-conflict",
        severity: Error,
        summary: "Another team's open change changes the same component",
        check: Check::Conflicts,
    }
}
