//! The `unmocked-callout-caught` rule: its declaration (the doc comment on [`RULE`] is its
//! documentation) and its check.

use super::callout_without_mock::{hit, kind_words, subject};
use super::{Check, Context, Hit, Hits, Rule};

crate::rule! {
    /// **What it does.** Finds Apex test methods (and `@TestSetup` methods) that reach
    /// an HTTP or SOAP callout with no mock of the right kind set before it, where a
    /// frame on the stack when the callout runs catches the exception: a
    /// `try { … } catch (Exception e) { … }` or `catch (CalloutException e)` whose
    /// catch neither throws nor fails an assertion (`Assert.fail`,
    /// `System.assert(false, …)`, `Assert.isTrue(false, …)`), in the test itself or
    /// in any method of the chain. For queued work (`@future`, Queueable, Batchable,
    /// Schedulable) the frame must be in the job's own chain, or the `try` must
    /// enclose `Test.stopTest()`, where the job runs: a `try` around
    /// `System.enqueueJob` does not enclose the job.
    ///
    /// **Premise.** The platform's `System.CalloutException` for a callout without a
    /// mock in a test ("Methods defined as TestMethod do not support Web service
    /// callouts") is an ordinary, catchable exception. Such a test passes — so
    /// `callout-without-mock` (an error) does not report it — but it never
    /// exercises the callout's response: the code after the callout, the parsing,
    /// the error handling for a non-200 answer stay untested, and the coverage they
    /// show is the catch block's.
    ///
    /// **Why it matters.** An Apex test reaches an HTTP or SOAP callout with no Test.setMock
    /// of the right kind set before it, but a frame on the stack catches the
    /// System.CalloutException (catch (Exception e) or catch (CalloutException e) that
    /// neither rethrows nor fails an assertion). The test passes, yet never exercises the
    /// callout's response: the parsing and error handling after the callout stay untested.
    ///
    /// **Example.**
    /// ```apex
    /// @IsTest static void testSync() {
    ///     AccountSync.run();   // → ExternalClient.post → try { Http.send } catch (Exception e) { log }
    /// }
    /// ```
    ///
    /// **Fix.** Set the mock before the code under test makes the callout
    /// (`Test.setMock(HttpCalloutMock.class, new MyMock());`, or WebServiceMock for SOAP
    /// stubs) so the test exercises the response. The message names the catching frame
    /// and shows the call chain.
    ///
    /// For the example: `Test.setMock(HttpCalloutMock.class, new ExternalClientMock());`
    /// before the code under test.
    pub const RULE: Rule = {
        id: "unmocked-callout-caught",
        severity: Warning,
        summary: "A test reaches a callout without a mock, and a catch hides the CalloutException",
        check: Check { hits: Hits::Index(check), examines: super::has_tests },
    }
}

/// Reports tests whose unmocked callouts are all caught (a test with an uncaught
/// one is `callout-without-mock`'s).
pub fn check(ctx: &Context, hits: &mut Vec<Hit>) {
    let idx = ctx.idx;
    for (m, outcomes) in &ctx.tests {
        if outcomes.iter().any(|o| o.uncaught) {
            continue;
        }
        let Some(o) = outcomes.first() else { continue };
        let md = idx.method(*m).expect("a test method has a declaration");
        let (what, mock) = kind_words(o.slot);
        let caught = o.caught_in.as_deref().unwrap_or("a frame of the chain");
        let message = format!(
            "{} {} reaches {what} with no {mock} set before it; the CalloutException \
             is caught in {caught}, so the test passes without exercising the response: {}",
            subject(md),
            md.name,
            o.chain.join(" → ")
        );
        hits.push(hit(idx, *m, RULE.id, message, o));
    }
}
