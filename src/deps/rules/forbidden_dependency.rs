//! The `forbidden-dependency` rule of `validate-deps`: its declaration (the doc comment on [`RULE`]
//! is its documentation) and its check.

use super::{Check, Context, Rule};
use crate::report::{Finding, Severity};

crate::rule! {
    /// **Why it matters.** A reference from one team's component to another team's component
    /// matches a deps.deny rule of .sfci.yml (deny wins over allow).
    ///
    /// **Fix.** Remove the dependency, go through a component the rules allow (for example a
    /// shared service), or change the rule with the architects' approval.
    pub const RULE: Rule = {
        id: "forbidden-dependency",
        severity: Error,
        summary: "A dependency between teams that .sfci.yml denies",
        check: Check::Run { check, checked },
    }
}

/// Reports each judged pair between two teams that .sfci.yml denies (an error).
pub fn check(ctx: &Context, findings: &mut Vec<Finding>) {
    for &pair in &ctx.pairs {
        let (fc, tc) = ctx.components(pair.0, pair.1);
        if fc.team != tc.team && ctx.teams.config.is_denied(&fc.team, &tc.team) {
            findings.push(ctx.dependency_finding(RULE.id, Severity::Error, pair, true));
        }
    }
}

/// With `--base`, the change's files with references; without, not listed as checked.
fn checked(ctx: &Context) -> Option<Vec<String>> {
    ctx.change.as_ref()?;
    Some(ctx.files_with_references())
}
