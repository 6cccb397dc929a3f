//! The `unsupported-syntax` rule of `codeowners-check`: its declaration (the doc comment on
//! [`RULE`] is its documentation). The parser reports it as it reads the file
//! ([`CodeOwners::problems`](crate::owners::model::CodeOwners)): the pattern is judged as the line
//! is read, and such a line never becomes a rule.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** GitHub CODEOWNERS does not support `!` negation, `[...]` ranges or
    /// `\#` escapes; such a line silently matches nothing, so its paths fall to an earlier
    /// rule.
    ///
    /// **Fix.** Rewrite the pattern without the unsupported syntax.
    pub const RULE: Rule = {
        id: "unsupported-syntax",
        severity: Error,
        summary: "Pattern syntax GitHub does not support",
        check: Check::Parser,
    }
}
