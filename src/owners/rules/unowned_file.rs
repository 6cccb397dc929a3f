//! The `unowned-file` rule of `codeowners-check validate`: its declaration (the doc comment on
//! [`RULE`] is its documentation) and its check.

use super::{Check, Context, Rule};
use crate::owners::matcher::SectionEval;
use crate::owners::model::{CodeOwners, Dialect, Problem};

crate::rule! {
    /// **Why it matters.** No rule gives the file an owner (GitLab: no required section does),
    /// so changes to it need no code-owner review.
    ///
    /// **Fix.** Add a rule, or allow the path with --allow-unowned.
    pub const RULE: Rule = {
        id: "unowned-file",
        severity: Warning,
        summary: "A tracked file without code owners",
        check: Check::Offline(check),
    }
}

/// A tracked file without owners: GitHub, no rule decides it or the deciding rule has no
/// owners; GitLab, no required section (the default section or one without `^`) has a
/// deciding entry with owners. Files matching the allow-list are not reported. One problem
/// per file, in file order, line 0 (no place in CODEOWNERS), the file's path first in the
/// message. Skipped without tracked files.
pub fn check(ctx: &Context, problems: &mut Vec<Problem>) {
    let Some(files) = &ctx.files else {
        return;
    };
    for (f, reason) in &files.unowned {
        let path = &ctx.tracked[*f];
        if ctx.unowned_allow.is_match(path) {
            continue;
        }
        problems.push(Problem {
            rule: RULE.id,
            line: 0,
            column: 0,
            message: format!("{path}: no code owner ({reason})"),
        });
    }
}

/// Why a file has no owner, or None when it has one (`sections`: how each section judged
/// it).
pub(crate) fn reason(co: &CodeOwners, sections: &[SectionEval]) -> Option<String> {
    match co.dialect {
        Dialect::GitHub => match sections.first().and_then(|s| s.decider) {
            None => Some("no rule matches it".to_string()),
            Some(d) if co.rules[d].owners.is_empty() => Some(format!(
                "line {} (`{}`) decides it and has no owners",
                co.rules[d].line, co.rules[d].pattern
            )),
            Some(_) => None,
        },
        Dialect::GitLab => {
            let mut optional_only = false;
            let mut excluded = false;
            let mut empty = false;
            for s in sections {
                let required = s.section.is_none_or(|i| !co.sections[i].optional);
                match s.decider {
                    Some(d) if !co.rules[d].owners.is_empty() => {
                        if required {
                            return None;
                        }
                        optional_only = true;
                    }
                    Some(_) => empty = true,
                    None => excluded |= s.excluded_by.is_some(),
                }
            }
            let mut why: Vec<&str> = Vec::new();
            if sections.is_empty() {
                why.push("no rule matches it");
            }
            if optional_only {
                why.push("only optional sections own it");
            }
            if excluded {
                why.push("excluded by `!` patterns");
            }
            if empty {
                why.push("a matching entry has no owners");
            }
            Some(why.join("; "))
        }
    }
}
