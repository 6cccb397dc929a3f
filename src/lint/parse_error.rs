//! The `parse-error` rule: its declaration (the doc comment on [`RULE`] is its
//! documentation) and its check.

use super::{Check, Context, Hit, Hits, Rule, Scope};
use crate::apex::index::Index;

crate::rule! {
    /// **What it does.** Reports a file that could not be analysed, or only in part:
    /// an unterminated block comment or string literal, a class whose body is not
    /// closed, a file with no class, interface, enum or trigger, a file that cannot be
    /// read. The rest of the scan goes on. (A file that is not valid UTF-8 is analysed
    /// as it is: Apex keywords and identifiers are ASCII.) The platform will also reject
    /// most of these files at deployment.
    ///
    /// **Why it matters.** The file has a syntax problem (unterminated comment or string,
    /// unclosed class body, no type declaration) or cannot be read, so it was analysed
    /// only in part or not at all. Callouts and tests in it may be missed.
    ///
    /// **Fix.** Fix the syntax problem the message names, or add the file to .forceignore
    /// if it is not deployed.
    pub const RULE: Rule = {
        id: "parse-error",
        severity: Warning,
        summary: "A file could not be analysed",
        check: Check { hits: Hits::Index(check), examines },
    }
}

/// Every file is read, so every file is examined.
fn examines(_: &Index, _: u32) -> bool {
    true
}

/// Reports each problem the parser met, at its place.
pub fn check(ctx: &Context, hits: &mut Vec<Hit>) {
    for (fi, f) in ctx.idx.files.iter().enumerate() {
        for p in &f.problems {
            hits.push(Hit {
                rule: RULE.id,
                file: fi as u32,
                line: p.line,
                column: p.column,
                symbol: None,
                message: p.message.clone(),
                key: String::new(),
                chain: Vec::new(),
                chain_files: Vec::new(),
                scope: Scope {
                    anchor_from: p.line,
                    ..Default::default()
                },
            });
        }
    }
}
