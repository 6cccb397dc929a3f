//! ## `invalid-suppression` (warning)
//!
//! **What it does.** Reports a suppression that is not valid, and therefore does not
//! suppress anything: a `// sfci-ignore <rule>: <reason>` comment or a
//! `@SuppressWarnings('sfci:<rule>: <reason>')` annotation without a reason, or
//! naming a rule that does not exist.
//!
//! **Why it matters.** Suppressions are reviewed exceptions. A reason tells the
//! reviewer (and the next team) why the finding does not apply; an unknown rule id
//! is usually a typo that leaves the finding in place.
//!
//! **Forms.**
//! ```apex
//! // sfci-ignore callout-without-timeout: the vendor SDK enforces a 5 s timeout
//! req.send(...);
//! @SuppressWarnings('sfci:hardcoded-endpoint: sandbox-only diagnostics')
//! public void ping() { ... }
//! ```
//! A comment applies to its own line (when code precedes it) or to the next line of
//! code and the declaration it starts (annotations included). An annotation applies
//! to its class or method. Several rules: `sfci-ignore rule-a, rule-b: reason`.

use crate::report::{RuleInfo, Severity};

pub const RULE: RuleInfo = RuleInfo {
    id: "invalid-suppression",
    short: "A suppression without a reason or with an unknown rule id",
    full: "Suppressions (`// sfci-ignore <rule>: <reason>` or \
           `@SuppressWarnings('sfci:<rule>: <reason>')`) must name an existing rule and give a \
           reason. An invalid suppression does not suppress anything.",
    help: "Write the rule id exactly and add a reason after a colon: \
           `// sfci-ignore callout-without-timeout: the vendor SDK enforces its own timeout`.",
    default_severity: Severity::Warning,
};
