//! The `duplicate-pattern` rule of `codeowners-check validate`: its declaration (the doc comment on
//! [`RULE`] is its documentation) and its check.

use super::{Check, Context, Rule};
use crate::owners::matcher::{compile_github, gitlab_normalize};
use crate::owners::model::{Dialect, Problem};
use std::collections::HashMap;

crate::rule! {
    /// **Why it matters.** A pattern appears more than once (in one section); only the last one
    /// counts.
    ///
    /// **Fix.** Merge the owners into one line.
    pub const RULE: Rule = {
        id: "duplicate-pattern",
        severity: Warning,
        summary: "The same pattern twice",
        check: Check::Offline(check),
    }
}

/// A pattern that repeats an earlier one in the same section (GitHub: the whole file). On
/// GitHub two patterns are the same when they compile to the same match (`foo/bar` and
/// `/foo/bar`), and the earlier rule can never decide. On GitLab the key is GitLab's
/// normalised pattern within a section (`docs` and `/**/docs`; an exclusion `!x` and an
/// entry `x` share one key): GitLab keeps only the last entry, in the place of the first.
pub fn check(ctx: &Context, problems: &mut Vec<Problem>) {
    let co = ctx.co;
    let mut seen: HashMap<(Option<usize>, String), usize> = HashMap::new();
    for (i, rule) in co.rules.iter().enumerate() {
        let key = match co.dialect {
            Dialect::GitHub => match compile_github(&rule.pattern) {
                Some(c) => (None, format!("{:?}\u{0}{}", c.mode, c.glob())),
                None => (None, format!("never\u{0}{}", rule.pattern)),
            },
            Dialect::GitLab => (rule.section, gitlab_normalize(&rule.pattern)),
        };
        match seen.get(&key) {
            Some(&first) => {
                let f = &co.rules[first];
                let effect = match co.dialect {
                    Dialect::GitHub => "the earlier rule never applies".to_string(),
                    Dialect::GitLab => format!(
                        "GitLab keeps only this entry, at the position of line {}",
                        f.line
                    ),
                };
                let same = if ctx.pattern(first) == ctx.pattern(i) {
                    String::new()
                } else {
                    format!(" (`{}`)", ctx.pattern(first))
                };
                problems.push(Problem {
                    rule: RULE.id,
                    line: rule.line,
                    column: rule.column,
                    message: format!(
                        "`{}` repeats the pattern of line {}{same}; {effect}",
                        ctx.pattern(i),
                        f.line
                    ),
                });
            }
            None => {
                seen.insert(key, i);
            }
        }
    }
}
