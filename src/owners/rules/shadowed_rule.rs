//! The `shadowed-rule` rule of `codeowners-check validate`: its declaration (the doc comment on
//! [`RULE`] is its documentation) and its check.

use super::{Check, Context, Rule};
use crate::owners::matcher::Matcher;
use crate::owners::model::{CodeOwners, Dialect, Problem};

crate::rule! {
    /// **Why it matters.** Every tracked file this rule matches is also matched by a later rule
    /// (in its section), so this rule never decides an owner.
    ///
    /// **Fix.** Remove the rule or move it after the rules that shadow it.
    pub const RULE: Rule = {
        id: "shadowed-rule",
        severity: Warning,
        summary: "A rule that later rules make dead",
        check: Check::Offline(check),
    }
}

/// A rule that matches tracked files but decides none of them, because for every file it
/// matches another rule of its section takes precedence (GitHub: a later line; GitLab: a
/// later entry, or an exclusion that removes the file from the section). Only for rules
/// that match at least one file, never for exclusions or for the earlier copies of a
/// duplicate pattern (those are `duplicate-pattern`s). Skipped without tracked files.
pub fn check(ctx: &Context, problems: &mut Vec<Problem>) {
    let Some(files) = &ctx.files else {
        return;
    };
    let co = ctx.co;
    let overridden = overridden_rules(co, ctx.matcher);
    for (i, rule) in co.rules.iter().enumerate() {
        if files.matched[i] == 0 || files.decided[i] || rule.exclusion || overridden[i] {
            continue;
        }
        let Some((file, beater)) = files.beaten[i] else {
            continue;
        };
        let b = &co.rules[beater];
        let why = if b.exclusion {
            format!("the exclusion on line {} (`!{}`)", b.line, b.pattern)
        } else {
            format!("line {} (`{}`)", b.line, b.pattern)
        };
        let scope = match (co.dialect, rule.section) {
            (Dialect::GitLab, Some(s)) => format!(" in section `{}`", co.sections[s].name),
            _ => String::new(),
        };
        problems.push(Problem {
            rule: RULE.id,
            line: rule.line,
            column: rule.column,
            message: format!(
                "`{}` never decides ownership: every tracked file it matches ({}) is decided \
                 by another rule{scope}, e.g. `{}` by {why}",
                ctx.pattern(i),
                files.matched[i],
                ctx.tracked[file]
            ),
        });
    }
}

/// Rules replaced by a later rule with the same pattern.
fn overridden_rules(co: &CodeOwners, matcher: &Matcher) -> Vec<bool> {
    let mut out = vec![false; co.rules.len()];
    for t in 0..matcher.target_count() {
        let (rules, effective) = matcher.target_rules(t);
        for &r in rules {
            out[r] = r != effective;
        }
    }
    out
}
