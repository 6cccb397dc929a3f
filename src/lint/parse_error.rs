//! ## `parse-error` (warning)
//!
//! **What it does.** Reports a file that could not be analysed, or only in part:
//! an unterminated block comment or string literal, a class whose body is not
//! closed, a file with no class, interface, enum or trigger, a file that cannot be
//! read. The rest of the scan goes on. (A file that is not valid UTF-8 is analysed
//! as it is: Apex keywords and identifiers are ASCII.)
//!
//! **Why it matters.** A file that cannot be analysed may hide callouts or tests;
//! the platform will also reject most of these files at deployment.
//!
//! **Fix.** Correct the syntax the message names (the file usually does not
//! compile), or exclude the file with `.forceignore` if it is not deployed.

use crate::report::{RuleInfo, Severity};

pub const RULE: RuleInfo = RuleInfo {
    id: "parse-error",
    short: "A file could not be analysed",
    full: "The file has a syntax problem (unterminated comment or string, unclosed class body, \
           no type declaration) or cannot be read, so it was analysed only in part or not at \
           all. Callouts and tests in it may be missed.",
    help: "Fix the syntax problem the message names, or add the file to .forceignore if it is \
           not deployed.",
    default_severity: Severity::Warning,
};
