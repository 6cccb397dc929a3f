//! The `cross-team-dependency` rule of `validate-deps`: its declaration (the doc comment on
//! [`RULE`] is its documentation) and its check.

use super::{Check, Context, Rule};
use crate::report::{Finding, Severity};

crate::rule! {
    /// **Why it matters.** A reference from one team's component (Apex, trigger, LWC, Aura,
    /// Visualforce, Flow, FlexiPage, permission set, profile, object or field) to a component
    /// owned by another team. In a merge request (--base) a new cross-team edge is an error
    /// unless .sfci.yml allows it (deps.allow); in an inventory (--all) it is a warning.
    ///
    /// **Fix.** Ask the owning team to review the change, or allow the edge in .sfci.yml:
    /// `deps: { allow: [ { from: "sales", to: "shared" } ] }`.
    pub const RULE: Rule = {
        id: "cross-team-dependency",
        severity: Error,
        summary: "A component depends on another team's component",
        check: Check::Run { check, checked },
    }
}

/// Reports each judged pair between two teams that .sfci.yml neither allows nor denies:
/// an error in a change, a warning in the whole repository.
pub fn check(ctx: &Context, findings: &mut Vec<Finding>) {
    let severity = if ctx.change.is_some() {
        Severity::Error
    } else {
        Severity::Warning
    };
    for &pair in &ctx.pairs {
        let (fc, tc) = ctx.components(pair.0, pair.1);
        if fc.team == tc.team
            || ctx.teams.config.is_denied(&fc.team, &tc.team)
            || ctx.teams.config.is_allowed(&fc.team, &tc.team)
        {
            continue;
        }
        findings.push(ctx.dependency_finding(RULE.id, severity, pair, false));
    }
}

/// The files with references (of the change, with `--base`).
fn checked(ctx: &Context) -> Option<Vec<String>> {
    Some(ctx.files_with_references())
}
