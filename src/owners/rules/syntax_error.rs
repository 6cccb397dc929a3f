//! The `syntax-error` rule of `codeowners-check`: its declaration (the doc comment on [`RULE`] is
//! its documentation). The parser reports it as it reads the file
//! ([`CodeOwners::problems`](crate::owners::model::CodeOwners)): a line that is not valid syntax
//! cannot become a rule, so finding it is part of reading it.

use super::{Check, Rule};

crate::rule! {
    /// **Why it matters.** The line is not valid CODEOWNERS syntax for this forge (missing or
    /// malformed owner, bad section header, an optional section with an approval count). GitLab
    /// rejects the file; GitHub ignores the line.
    ///
    /// **Fix.** Fix the line the message names.
    pub const RULE: Rule = {
        id: "syntax-error",
        severity: Error,
        summary: "A CODEOWNERS line the forge rejects",
        check: Check::Parser,
    }
}
