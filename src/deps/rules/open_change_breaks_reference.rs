//! The `open-change-breaks-reference` rule of `validate-deps --conflicts`: its declaration (the doc
//! comment on [`RULE`] is its documentation). [`conflicts`](crate::deps::conflicts) checks it: the
//! open changes are compared pairwise in one pass that reports every `open-change-*` rule.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** One open merge request deletes or renames a component that a file
    /// another team's open merge request adds or edits references: once both are merged the
    /// deployment fails (or the reference breaks at run time).
    ///
    /// **Fix.** Keep the component until the other change no longer needs it, or update the
    /// other change's reference before merging.
    pub const RULE: Rule = {
        id: "open-change-breaks-reference",
        severity: Error,
        summary: "One open change deletes or renames what another team's open change references",
        check: Check::Conflicts,
    }
}
