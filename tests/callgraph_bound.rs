//! Large hostile repositories for the callout analysis, built with the `callgraph`
//! fuzz target's generator (`fuzz/checks/callgraph.rs`, shared through `#[path]`):
//! the analysis stays within its stated bound (`Reach::work <= Reach::bound`), is
//! deterministic, and reports what each construction implies.

#[path = "../fuzz/checks/callgraph.rs"]
mod callgraph;

use callgraph::{check_repo, symbols, Repo, TestStyle};

const PLAIN: TestStyle = TestStyle {
    mock: false,
    start_stop: false,
    try_catch: false,
};
const MOCKED: TestStyle = TestStyle {
    mock: true,
    start_stop: true,
    try_catch: false,
};
const CAUGHT: TestStyle = TestStyle {
    mock: false,
    start_stop: false,
    try_catch: true,
};
const ASYNC: TestStyle = TestStyle {
    mock: false,
    start_stop: true,
    try_catch: false,
};
/// A `try` around `System.enqueueJob` (inside `Test.startTest()`…`stopTest()`)
/// does not enclose the job, which runs at `Test.stopTest()`, outside the `try`.
const ASYNC_TRY: TestStyle = TestStyle {
    mock: false,
    start_stop: true,
    try_catch: true,
};

/// Runs the invariants on the repository; returns (uncaught, caught) symbols.
fn run(r: Repo) -> (Vec<String>, Vec<String>) {
    let (files, tests) = r.finish();
    let hits = check_repo(&files, &tests);
    // In the order the tests were written, without the canaries.
    let own = |rule| -> Vec<String> {
        let reported = symbols(&hits, rule);
        tests[2..]
            .iter()
            .filter(|t| reported.contains(&t.symbol.as_str()))
            .map(|t| t.symbol.clone())
            .collect()
    };
    (own("callout-without-mock"), own("unmocked-callout-caught"))
}

#[test]
fn an_interface_cycle_of_two_thousand_implementations() {
    let mut r = Repo::new();
    let e = r.interface_cycle(2_000, true, Some(1_000), false);
    let plain = r.test(&e, PLAIN);
    r.test(&e, MOCKED);
    let caught = r.test(&e, CAUGHT);
    let (uncaught, warned) = run(r);
    assert_eq!(uncaught, vec![plain]);
    assert_eq!(warned, vec![caught]);
}

#[test]
fn direct_interface_dispatch_with_a_quadratic_number_of_edges() {
    let mut r = Repo::new();
    let e = r.interface_cycle(150, false, Some(149), true);
    let plain = r.test(&e, PLAIN);
    r.test(&e, MOCKED);
    let (uncaught, warned) = run(r);
    assert!(uncaught.is_empty(), "{uncaught:?}");
    assert_eq!(warned, vec![plain]);
}

#[test]
fn a_recursive_call_chain_five_thousand_deep() {
    let mut r = Repo::new();
    let e = r.chain(5_000, true, true, false);
    let plain = r.test(&e, PLAIN);
    r.test(&e, MOCKED);
    let caught = r.test(&e, CAUGHT);
    let quiet = r.chain(1_000, true, false, false);
    r.test(&quiet, PLAIN);
    let (uncaught, warned) = run(r);
    assert_eq!(uncaught, vec![plain]);
    assert_eq!(warned, vec![caught]);
}

#[test]
fn three_hundred_self_enqueuing_jobs() {
    let mut r = Repo::new();
    let e = r.queueables(300, Some(150), false);
    let a = r.test(&e, ASYNC);
    let b = r.test(&e, ASYNC_TRY);
    r.test(&e, MOCKED);
    let (uncaught, warned) = run(r);
    assert_eq!(uncaught, vec![a, b]);
    assert!(warned.is_empty(), "{warned:?}");
}

#[test]
fn triggers_that_update_their_own_object() {
    let mut r = Repo::new();
    // Account: insert → afterInsert → update Account → afterUpdate → callout.
    let acc = r.trigger(0, "Callouts.send();");
    let sync = r.test(&acc, PLAIN);
    r.test(&acc, MOCKED);
    // Contact: the handler queues a @future callout, run at Test.stopTest().
    let fut = r.future();
    let con = r.trigger(1, &fut);
    let queued = r.test(&con, ASYNC);
    r.test(&con, MOCKED);
    // Opportunity: recursion through DML, no callout.
    let opp = r.trigger(2, "System.debug('none');");
    r.test(&opp, ASYNC);
    let (uncaught, warned) = run(r);
    assert_eq!(uncaught, vec![sync, queued]);
    assert!(warned.is_empty(), "{warned:?}");
}

#[test]
fn virtual_hierarchies_iterables_and_bursts_of_callouts() {
    let mut r = Repo::new();
    let v = r.virtual_hierarchy(300, Some(299));
    let virt = r.test(&v, PLAIN);
    r.test(&v, MOCKED);
    let it = r.iterable();
    let iter = r.test(&it, PLAIN);
    r.test(&it, MOCKED);
    let burst = r.burst(200);
    let fired = r.test(&burst, PLAIN);
    r.test(&burst, MOCKED);
    let (uncaught, warned) = run(r);
    assert_eq!(uncaught, vec![virt, iter, fired]);
    assert!(warned.is_empty(), "{warned:?}");
}

/// Every structure at once, from fixed bytes through the fuzz target's decoder.
#[test]
fn fixed_fuzz_inputs() {
    for seed in 0u8..2 {
        let data: Vec<u8> = (0..160u32)
            .map(|i| (i.wrapping_mul(2_654_435_761).rotate_left(seed as u32 + 3) >> 11) as u8)
            .collect();
        callgraph::check(&data);
    }
}

#[test]
fn one_method_with_many_callouts() {
    let mut r = Repo::new();
    let burst = r.burst(500);
    let fired = r.test(&burst, PLAIN);
    let (uncaught, _) = run(r);
    assert_eq!(uncaught, vec![fired]);
}
