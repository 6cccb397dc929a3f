//! The `invalid-suppression` rule: its declaration (the doc comment on [`RULE`] is its
//! documentation) and its check of one suppression, which
//! [`Suppressions::collect`](super::suppress::Suppressions::collect) runs on every
//! suppression it reads (so an invalid one is reported and suppresses nothing).

use super::{Check, Hit, Hits, Rule, Scope};
use crate::apex::index::{ClassId, Index};

crate::rule! {
    /// **What it does.** Reports a suppression that is not valid, and therefore does not
    /// suppress anything: a `// sfci-ignore <rule>: <reason>` comment or a
    /// `@SuppressWarnings('sfci:<rule>: <reason>')` annotation without a reason, or
    /// naming a rule that does not exist.
    ///
    /// **Why it matters.** Suppressions (`// sfci-ignore <rule>: <reason>` or
    /// `@SuppressWarnings('sfci:<rule>: <reason>')`) must name an existing rule and give a
    /// reason. An invalid suppression does not suppress anything.
    ///
    /// Suppressions are reviewed exceptions. A reason tells the reviewer (and the next
    /// team) why the finding does not apply; an unknown rule id is usually a typo that
    /// leaves the finding in place.
    ///
    /// **Forms.**
    /// ```apex
    /// // sfci-ignore callout-without-timeout: the vendor SDK enforces a 5 s timeout
    /// req.send(...);
    /// @SuppressWarnings('sfci:hardcoded-endpoint: sandbox-only diagnostics')
    /// public void ping() { ... }
    /// ```
    /// A comment applies to its own line (when code precedes it) or to the next line of
    /// code and the declaration it starts (annotations included). An annotation applies
    /// to its class or method. Several rules: `sfci-ignore rule-a, rule-b: reason`.
    ///
    /// **Fix.** Write the rule id exactly and add a reason after a colon:
    /// `// sfci-ignore callout-without-timeout: the vendor SDK enforces its own timeout`.
    pub const RULE: Rule = {
        id: "invalid-suppression",
        severity: Warning,
        summary: "A suppression without a reason or with an unknown rule id",
        check: Check { hits: Hits::Suppressions, examines },
    }
}

/// Whether the file has a suppression (a directive comment or an `sfci:` annotation).
fn examines(idx: &Index, file: u32) -> bool {
    let f = &idx.files[file as usize];
    !f.directives.is_empty()
        || f.types.iter().any(|t| {
            t.annotations
                .iter()
                .chain(t.methods.iter().flat_map(|m| &m.annotations))
                .any(|a| {
                    a.name == "suppresswarnings"
                        && a.strings
                            .iter()
                            .any(|s| s.to_ascii_lowercase().contains("sfci:"))
                })
        })
}

/// A suppression, read: the rules it names, or why it is invalid.
pub(super) enum Parsed {
    Valid(Vec<String>),
    Invalid(String),
}

/// The check of one suppression: reads `rule-a, rule-b: reason` (what follows
/// `sfci-ignore` or `sfci:`, the `form`) against the known rule ids.
pub(super) fn parse_spec(spec: &str, known: &[&str], form: &str) -> Parsed {
    let (rules, reason) = match spec.split_once(':') {
        Some((r, why)) => (r, why.trim()),
        None => (spec, ""),
    };
    let rules: Vec<String> = rules
        .split(',')
        .map(|r| r.trim().to_ascii_lowercase())
        .filter(|r| !r.is_empty())
        .collect();
    if rules.is_empty() {
        return Parsed::Invalid(format!(
            "{form} names no rule; write `{form} <rule>: <reason>`"
        ));
    }
    if let Some(bad) = rules.iter().find(|r| !known.contains(&r.as_str())) {
        return Parsed::Invalid(format!(
            "{form} names the unknown rule `{bad}` (rules: {})",
            known.join(", ")
        ));
    }
    if reason.is_empty() {
        return Parsed::Invalid(format!(
            "{form} {} has no reason; write `{form} {}: <why this finding does not apply>`",
            rules.join(", "),
            rules.join(", ")
        ));
    }
    Parsed::Valid(rules)
}

/// The hit for an invalid suppression (`text` as written, its fingerprint key).
pub(super) fn hit(
    file: u32,
    line: u32,
    column: u32,
    message: String,
    text: &str,
    class: Option<ClassId>,
) -> Hit {
    Hit {
        rule: RULE.id,
        file,
        line,
        column,
        symbol: None,
        message,
        key: text.trim().to_string(),
        chain: Vec::new(),
        chain_files: Vec::new(),
        scope: Scope {
            class,
            method: None,
            anchor_from: line,
        },
    }
}
