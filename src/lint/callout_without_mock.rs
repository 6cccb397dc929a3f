//! ## `callout-without-mock` (error)
//!
//! **What it does.** Finds Apex test methods (`@IsTest` or `testMethod`, and
//! `@TestSetup` methods) that can reach an HTTP callout (`Http.send`) or a SOAP
//! callout (`WebServiceCallout.invoke`, what generated WSDL stubs call) with no
//! mock of the right kind set before it on that path. The whole repository's call
//! graph is followed: static calls, calls on variables, fields and `new X().m()`
//! typed by their declarations, inner classes, calls through interfaces and
//! virtual methods (every implementation in the repository, so fflib-style
//! dependency injection is followed), `@future` methods, Queueables
//! (`System.enqueueJob`), Batchables (`Database.executeBatch`) and Schedulables
//! (`System.schedule`).
//!
//! **Why it matters.** A test that reaches a callout without a mock fails with
//! `System.CalloutException: Methods defined as TestMethod do not support Web
//! service callouts` — usually where it hurts most, in the production validation
//! on release night, where `RunLocalTests` runs every test.
//!
//! **Order.** A synchronous callout needs the mock set before it: a mock set after
//! the callout does not count. Asynchronous work runs at `Test.stopTest()` (or the
//! end of the test), so a mock set anywhere before that point counts. A mock set in
//! a helper method of the test class or in a mock factory in another class counts.
//! `Test.setMock(HttpCalloutMock.class, …)` mocks HTTP (including
//! `StaticResourceCalloutMock` and `MultiStaticResourceCalloutMock`);
//! `Test.setMock(WebServiceMock.class, …)` mocks SOAP. A mock in a comment or a
//! string is not a mock. `Continuation` callouts are tested with
//! `Test.setContinuationResponse` and are out of scope. A branch that tests never
//! run — the `else` of `if (Test.isRunningTest())`, the body of
//! `if (!Test.isRunningTest())` — is not followed.
//!
//! **Example.**
//! ```apex
//! @IsTest static void testSync() {
//!     AccountFacade.run();          // → ExternalSyncService.syncAccounts → Http.send
//! }
//! ```
//!
//! **Fix.** Set the mock before the code under test runs:
//! ```apex
//! @IsTest static void testSync() {
//!     Test.setMock(HttpCalloutMock.class, new ExternalSyncMock());
//!     Test.startTest();
//!     AccountFacade.run();
//!     Test.stopTest();
//! }
//! ```

use super::reach::Reach;
use super::{Hit, Scope};
use crate::apex::index::Index;
use crate::report::{RuleInfo, Severity};

pub const RULE: RuleInfo = RuleInfo {
    id: "callout-without-mock",
    short: "A test method can reach a callout with no mock of the right kind set before it",
    full: "An Apex test that reaches an HTTP callout (Http.send) or a SOAP callout \
           (WebServiceCallout.invoke) without Test.setMock fails with System.CalloutException \
           ('Methods defined as TestMethod do not support Web service callouts'), typically in \
           the production validation on release night where RunLocalTests runs every test. The \
           check follows the whole call graph: service classes, interfaces and their \
           implementations, virtual methods, DML that fires the repository's triggers, \
           @future methods, Queueables and Batchables. A callout whose exception a frame on \
           the stack catches is reported by unmocked-callout-caught instead.",
    help: "Set the mock before the code under test makes the callout: \
           `Test.setMock(HttpCalloutMock.class, new MyMock());` for HTTP, \
           `Test.setMock(WebServiceMock.class, new MyMock());` for SOAP stubs. Asynchronous work \
           (@future, Queueable, Batchable) runs at Test.stopTest(), so its mock must be set \
           before that point. The message shows the call chain from the test to the callout.",
    default_severity: Severity::Error,
};

/// The words of a finding's message for a callout kind.
pub(super) fn kind_words(slot: usize) -> (&'static str, &'static str) {
    if slot == 0 {
        ("an HTTP callout", "Test.setMock(HttpCalloutMock.class, …)")
    } else {
        ("a SOAP callout", "Test.setMock(WebServiceMock.class, …)")
    }
}

/// A hit for a test method, from its outcome.
pub(super) fn hit(
    idx: &Index,
    m: u32,
    rule: &'static str,
    message: String,
    files: Vec<u32>,
    chain: Vec<String>,
) -> Hit {
    let md = idx.method(m).expect("a test method has a declaration");
    let class = idx.methods[m as usize].class;
    Hit {
        rule,
        file: idx.classes[class as usize].file,
        line: md.line,
        column: md.column,
        symbol: Some(format!(
            "{}.{}",
            idx.classes[class as usize].display, md.name
        )),
        message,
        key: String::new(),
        chain,
        chain_files: files,
        scope: Scope {
            class: Some(class),
            method: Some(m),
            anchor_from: md.decl_line,
        },
    }
}

/// Every test (and `@TestSetup`) method with a body.
pub(super) fn tests(idx: &Index) -> impl Iterator<Item = u32> + '_ {
    (0..idx.methods.len() as u32).filter(move |&m| {
        idx.method(m)
            .is_some_and(|md| (md.is_test || md.is_test_setup) && md.has_body)
    })
}

/// Runs the rule over every test method of the index.
pub fn check(idx: &Index, reach: &Reach, hits: &mut Vec<Hit>) {
    for m in tests(idx) {
        let outcomes = reach.outcomes(idx, m);
        let Some(o) = outcomes.iter().find(|o| o.uncaught) else {
            continue;
        };
        let md = idx.method(m).expect("a test method has a declaration");
        let (what, mock) = kind_words(o.slot);
        let also = if o.slot == 0 && outcomes.iter().any(|x| x.uncaught && x.slot == 1) {
            " (and a SOAP callout without WebServiceMock)"
        } else {
            ""
        };
        let kind_word = if md.is_test_setup {
            "test setup"
        } else {
            "test"
        };
        let message = format!(
            "{kind_word} {} can reach {what} with no {mock} set before it{also}: {}",
            md.name,
            o.chain.join(" → ")
        );
        hits.push(hit(
            idx,
            m,
            RULE.id,
            message,
            o.files.clone(),
            o.chain.clone(),
        ));
    }
}
