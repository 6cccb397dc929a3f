//! The `callout-without-timeout` rule: its declaration (the doc comment on [`RULE`] is its
//! documentation) and its check.

use super::{Check, Context, Hit, Hits, Rule, Scope};
use crate::apex::index::{ClassId, Index, Op};

crate::rule! {
    /// **What it does.** In non-test code, finds an `HttpRequest` that is created in a
    /// method and sent (`Http.send`) without `setTimeout` having been called on that
    /// request first. Requests are tracked per variable, so two requests in one method
    /// are judged separately. A request that is built but never sent is not a finding;
    /// a request handed to another method before it is sent is not judged (that method
    /// may set the timeout).
    ///
    /// **Why it matters.** An HttpRequest sent without setTimeout waits for the platform
    /// default of 10 seconds (the maximum is 120 s). A slow or unavailable endpoint then
    /// holds every transaction, and every test run that reaches it, for that long. Requests
    /// are tracked per variable within the method that creates and sends them.
    ///
    /// **Example.**
    /// ```apex
    /// HttpRequest req = new HttpRequest();
    /// req.setEndpoint('callout:Billing/invoices');
    /// new Http().send(req);          // no timeout
    /// ```
    ///
    /// **Fix.** Call `req.setTimeout(ms)` on the request before `new Http().send(req)`, with
    /// a value chosen for the endpoint (at most 120000). To make this blocking, set
    /// `lint.rules.callout-without-timeout.severity: error` in .sfci.yml.
    ///
    /// The reference pipeline treats this rule as blocking (`severity: error`).
    pub const RULE: Rule = {
        id: "callout-without-timeout",
        severity: Warning,
        summary: "An HttpRequest is sent without setTimeout",
        check: Check { hits: Hits::Index(check), examines },
    }
}

/// Whether a non-test class of the file makes a callout.
fn examines(idx: &Index, file: u32) -> bool {
    idx.classes.iter().enumerate().any(|(c, ci)| {
        ci.file == file
            && !idx.decl(c as ClassId).is_test
            && ci.methods.iter().any(|&m| {
                idx.ops[m as usize]
                    .iter()
                    .any(|o| matches!(o, Op::Callout { .. }))
            })
    })
}

/// Reports every request a method sends without a timeout.
pub fn check(ctx: &Context, hits: &mut Vec<Hit>) {
    let idx = ctx.idx;
    for (m, mi) in idx.methods.iter().enumerate() {
        if mi.copy_of.is_some() {
            continue;
        }
        let Some(md) = idx.method(m as u32) else {
            continue;
        };
        let class = mi.class;
        if md.is_test || idx.decl(class).is_test || md.untimed_sends.is_empty() {
            continue;
        }
        let symbol = format!("{}.{}", idx.classes[class as usize].display, md.name);
        let mut seen: Vec<&str> = Vec::new();
        for s in &md.untimed_sends {
            let occurrence = seen.iter().filter(|v| **v == s.var.as_str()).count();
            seen.push(&s.var);
            let message = if s.var.starts_with("new ") {
                "HttpRequest created inline is sent without setTimeout (platform default 10 s)"
                    .to_string()
            } else {
                format!(
                    "HttpRequest `{}` (created at line {}) is sent without {}.setTimeout(...) (platform default 10 s)",
                    s.var, s.created_line, s.var
                )
            };
            hits.push(Hit {
                rule: RULE.id,
                file: idx.classes[class as usize].file,
                line: s.line,
                column: s.column,
                symbol: Some(symbol.clone()),
                message,
                key: format!("{}#{}", s.var, occurrence),
                chain: Vec::new(),
                chain_files: Vec::new(),
                scope: Scope {
                    class: Some(class),
                    method: Some(m as u32),
                    anchor_from: s.line,
                },
            });
        }
    }
}
