//! The `pattern-matches-nothing` rule of `codeowners-check validate`: its declaration (the doc
//! comment on [`RULE`] is its documentation) and its check.

use super::{Check, Context, Rule};
use crate::owners::model::Problem;

crate::rule! {
    /// **Why it matters.** No tracked file matches the pattern: a typo, or a path that was
    /// moved or deleted.
    ///
    /// **Fix.** Fix or remove the pattern.
    pub const RULE: Rule = {
        id: "pattern-matches-nothing",
        severity: Warning,
        summary: "A pattern that matches no tracked file",
        check: Check::Offline(check),
    }
}

/// A rule no tracked file matches (skipped without tracked files).
pub fn check(ctx: &Context, problems: &mut Vec<Problem>) {
    let Some(files) = &ctx.files else {
        return;
    };
    for (i, rule) in ctx.co.rules.iter().enumerate() {
        if files.matched[i] == 0 {
            problems.push(Problem {
                rule: RULE.id,
                line: rule.line,
                column: rule.column,
                message: format!("`{}` matches no tracked file", ctx.pattern(i)),
            });
        }
    }
}
