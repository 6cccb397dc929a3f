//! The `callout-without-mock` rule: its declaration (the doc comment on [`RULE`] is its
//! documentation) and its check, with the test outcomes it shares with
//! `unmocked-callout-caught`.

use super::reach::{Outcome, Reach};
use super::{Check, Context, Hit, Hits, Rule, Scope};
use crate::apex::index::{Index, MethodId};
use crate::apex::model::Method;

crate::rule! {
    /// **What it does.** Finds Apex test methods (`@IsTest` or `testMethod`, and
    /// `@TestSetup` methods) that can reach an HTTP callout (`Http.send`) or a SOAP
    /// callout (`WebServiceCallout.invoke`, what generated WSDL stubs call) with no
    /// mock of the right kind set before it on that path. The whole repository's call
    /// graph is followed: static calls, calls on variables, fields and `new X().m()`
    /// typed by their declarations, inner classes, calls through interfaces and
    /// virtual methods (every implementation in the repository, so fflib-style
    /// dependency injection is followed), `@future` methods, Queueables
    /// (`System.enqueueJob`), Batchables (`Database.executeBatch`) and Schedulables
    /// (`System.schedule`).
    ///
    /// **Why it matters.** An Apex test that reaches an HTTP callout (Http.send) or a SOAP
    /// callout (WebServiceCallout.invoke) without Test.setMock fails with
    /// System.CalloutException ('Methods defined as TestMethod do not support Web service
    /// callouts'), typically in the production validation on release night where
    /// RunLocalTests runs every test. The check follows the whole call graph: service
    /// classes, interfaces and their implementations, virtual methods, DML that fires the
    /// repository's triggers, @future methods, Queueables and Batchables. A callout whose
    /// exception a frame on the stack catches is reported by unmocked-callout-caught
    /// instead.
    ///
    /// **Order.** A synchronous callout needs the mock set before it: a mock set after
    /// the callout does not count. Asynchronous work runs at `Test.stopTest()` (or the
    /// end of the test), so a mock set anywhere before that point counts. A mock set in
    /// a helper method of the test class or in a mock factory in another class counts.
    /// `Test.setMock(HttpCalloutMock.class, …)` mocks HTTP (including
    /// `StaticResourceCalloutMock` and `MultiStaticResourceCalloutMock`);
    /// `Test.setMock(WebServiceMock.class, …)` mocks SOAP. A mock in a comment or a
    /// string is not a mock. `Continuation` callouts are tested with
    /// `Test.setContinuationResponse` and are out of scope. A branch that tests never
    /// run — the `else` of `if (Test.isRunningTest())`, the body of
    /// `if (!Test.isRunningTest())` — is not followed.
    ///
    /// **Example.**
    /// ```apex
    /// @IsTest static void testSync() {
    ///     AccountFacade.run();          // → ExternalSyncService.syncAccounts → Http.send
    /// }
    /// ```
    ///
    /// **Fix.** Set the mock before the code under test makes the callout:
    /// `Test.setMock(HttpCalloutMock.class, new MyMock());` for HTTP,
    /// `Test.setMock(WebServiceMock.class, new MyMock());` for SOAP stubs. Asynchronous work
    /// (@future, Queueable, Batchable) runs at Test.stopTest(), so its mock must be set
    /// before that point. The message shows the call chain from the test to the callout.
    ///
    /// ```apex
    /// @IsTest static void testSync() {
    ///     Test.setMock(HttpCalloutMock.class, new ExternalSyncMock());
    ///     Test.startTest();
    ///     AccountFacade.run();
    ///     Test.stopTest();
    /// }
    /// ```
    pub const RULE: Rule = {
        id: "callout-without-mock",
        severity: Error,
        summary: "A test method can reach a callout with no mock of the right kind set before it",
        check: Check { hits: Hits::Index(check), examines: super::has_tests },
    }
}

/// The words of a finding's message for a callout kind.
pub(super) fn kind_words(slot: usize) -> (&'static str, &'static str) {
    if slot == 0 {
        ("an HTTP callout", "Test.setMock(HttpCalloutMock.class, …)")
    } else {
        ("a SOAP callout", "Test.setMock(WebServiceMock.class, …)")
    }
}

/// `test` or `test setup`, as a message names the method.
pub(super) fn subject(md: &Method) -> &'static str {
    if md.is_test_setup {
        "test setup"
    } else {
        "test"
    }
}

/// A hit for a test method, from its outcome.
pub(super) fn hit(
    idx: &Index,
    m: MethodId,
    rule: &'static str,
    message: String,
    o: &Outcome,
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
        chain: o.chain.clone(),
        chain_files: o.files.clone(),
        scope: Scope {
            class: Some(class),
            method: Some(m),
            anchor_from: md.decl_line,
        },
    }
}

/// What each test (and `@TestSetup`) method with a body reaches, for those that
/// reach an unmocked callout at all: computed once for this rule and
/// `unmocked-callout-caught`, which split the outcomes between them.
pub(super) fn test_outcomes(idx: &Index, reach: &Reach) -> Vec<(MethodId, Vec<Outcome>)> {
    (0..idx.methods.len() as MethodId)
        .filter(|&m| {
            idx.method(m)
                .is_some_and(|md| (md.is_test || md.is_test_setup) && md.has_body)
        })
        .map(|m| (m, reach.outcomes(idx, m)))
        .filter(|(_, o)| !o.is_empty())
        .collect()
}

/// Reports every test with an uncaught unmocked callout.
pub fn check(ctx: &Context, hits: &mut Vec<Hit>) {
    let idx = ctx.idx;
    for (m, outcomes) in &ctx.tests {
        let Some(o) = outcomes.iter().find(|o| o.uncaught) else {
            continue;
        };
        let md = idx.method(*m).expect("a test method has a declaration");
        let (what, mock) = kind_words(o.slot);
        let also = if o.slot == 0 && outcomes.iter().any(|x| x.uncaught && x.slot == 1) {
            " (and a SOAP callout without WebServiceMock)"
        } else {
            ""
        };
        let message = format!(
            "{} {} can reach {what} with no {mock} set before it{also}: {}",
            subject(md),
            md.name,
            o.chain.join(" → ")
        );
        hits.push(hit(idx, *m, RULE.id, message, o));
    }
}
