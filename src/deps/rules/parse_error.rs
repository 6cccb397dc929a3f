//! The `parse-error` rule of `validate-deps`: its declaration (the doc comment on [`RULE`] is its
//! documentation) and its check.

use super::{Check, Context, Rule};
use crate::report::{fingerprint, Finding, Severity};
use std::collections::BTreeMap;

crate::rule! {
    /// **Why it matters.** The file has a syntax problem (broken XML, an unterminated Apex
    /// comment or string) so its references may be incomplete. The graph is built from
    /// everything else.
    ///
    /// **Fix.** Fix the syntax problem the message names.
    pub const RULE: Rule = {
        id: "parse-error",
        severity: Warning,
        summary: "A file could not be read completely",
        check: Check::Run { check, checked },
    }
}

/// A warning per problem the extraction met, at its place.
pub fn check(ctx: &Context, findings: &mut Vec<Finding>) {
    for f in ctx.facts {
        for p in &f.problems {
            findings.push(Finding {
                rule: RULE.id.into(),
                severity: Severity::Warning,
                file: f.rel.clone(),
                line: p.line,
                column: p.column,
                symbol: None,
                message: p.message.clone(),
                fingerprint: fingerprint(&[RULE.id, &f.rel, &p.message]),
                chain: Vec::new(),
                in_change: false,
                extra: BTreeMap::new(),
            });
        }
    }
}

/// Every file scanned.
fn checked(ctx: &Context) -> Option<Vec<String>> {
    Some(ctx.facts.iter().map(|f| f.rel.clone()).collect())
}
