//! The `open-change-text-conflict` rule of `validate-deps --conflicts`: its declaration (the doc
//! comment on [`RULE`] is its documentation). [`conflicts`](crate::deps::conflicts) checks it: the
//! open changes are compared pairwise in one pass that reports every `open-change-*` rule.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** `git merge-tree --write-tree` reports a conflict in this file when
    /// merging the heads of two open merge requests of different teams: whichever merges second
    /// must resolve it. Profiles and permission sets are reported here when their text
    /// conflicts.
    ///
    /// **Fix.** Merge one change first, then rebase the other and resolve the conflict with the
    /// other team (the finding names its owners).
    pub const RULE: Rule = {
        id: "open-change-text-conflict",
        severity: Error,
        summary: "git cannot merge this file with another team's open change",
        check: Check::Conflicts,
    }
}
