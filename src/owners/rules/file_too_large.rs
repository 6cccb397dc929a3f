//! The `file-too-large` rule of `codeowners-check`: its declaration (the doc comment on [`RULE`] is
//! its documentation). The parser reports it as it reads the file
//! ([`CodeOwners::problems`](crate::owners::model::CodeOwners)): GitHub reads no rule from such a
//! file, so the parser reports it instead of reading it.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** GitHub ignores a CODEOWNERS file larger than 3 MB entirely.
    ///
    /// **Fix.** Split ownership into fewer, broader rules.
    pub const RULE: Rule = {
        id: "file-too-large",
        severity: Error,
        summary: "CODEOWNERS larger than the forge accepts",
        check: Check::Parser,
    }
}
