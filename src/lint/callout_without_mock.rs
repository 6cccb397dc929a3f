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

use super::{Hit, Scope};
use crate::apex::index::{Index, MethodId, Op, HTTP, SOAP};
use crate::report::{RuleInfo, Severity};
use std::collections::HashMap;
use std::rc::Rc;

pub const RULE: RuleInfo = RuleInfo {
    id: "callout-without-mock",
    short: "A test method can reach a callout with no mock of the right kind set before it",
    full: "An Apex test that reaches an HTTP callout (Http.send) or a SOAP callout \
           (WebServiceCallout.invoke) without Test.setMock fails with System.CalloutException \
           ('Methods defined as TestMethod do not support Web service callouts'), typically in \
           the production validation on release night where RunLocalTests runs every test. The \
           check follows the whole call graph: service classes, interfaces and their \
           implementations, virtual methods, @future methods, Queueables and Batchables.",
    help: "Set the mock before the code under test makes the callout: \
           `Test.setMock(HttpCalloutMock.class, new MyMock());` for HTTP, \
           `Test.setMock(WebServiceMock.class, new MyMock());` for SOAP stubs. Asynchronous work \
           (@future, Queueable, Batchable) runs at Test.stopTest(), so its mock must be set \
           before that point. The message shows the call chain from the test to the callout.",
    default_severity: Severity::Error,
};

/// How a callout was reached: frames from the method being evaluated down to the
/// method that makes the callout.
#[derive(Debug)]
enum Link {
    Frame(MethodId, Rc<Link>),
    Async(MethodId, Rc<Link>),
    Callout {
        kind: u8,
        method: MethodId,
        line: u32,
    },
}

#[derive(Clone, Default)]
struct Summary {
    /// First witness per callout kind (index 0: HTTP, 1: SOAP) reached without its
    /// mock, given the entry state.
    unmocked: [Option<Rc<Link>>; 2],
    /// Asynchronous work queued and not yet run: (entry point, chain prefix in
    /// calling order, the callee first).
    pending: Vec<(MethodId, Vec<MethodId>)>,
}

/// How deep call chains are followed. Deeper chains are cut (and said so on
/// stderr); the analysis thread has a large stack for this.
const MAX_DEPTH: u32 = 20_000;
/// How many levels of asynchronous work queued by asynchronous work are followed.
const MAX_ASYNC_NESTING: u32 = 8;
/// Not on the evaluation stack.
const OFF: u32 = u32::MAX;
/// After this many evaluations, results cut by recursion are memoised anyway, so a
/// pathological call graph cannot make the analysis exponential.
const BUDGET: u64 = 20_000_000;

struct Analyzer<'a> {
    idx: &'a Index,
    memo: HashMap<(MethodId, u8), Rc<Summary>>,
    sets: HashMap<MethodId, u8>,
    /// Results cut by recursion, valid only while the current root is analysed
    /// (its unfinished ancestor completes them); cleared for every root.
    root_memo: HashMap<(MethodId, u8), Rc<Summary>>,
    root_sets: HashMap<MethodId, u8>,
    /// Stack depth of each method being evaluated (`OFF` when not).
    pos: Vec<u32>,
    spos: Vec<u32>,
    /// The shallowest stack depth a recursion cut below the current frame reached:
    /// a result that depends on an unfinished ancestor is not memoised (it would be
    /// incomplete for other callers).
    cut: u32,
    scut: u32,
    steps: u64,
    truncated: bool,
    async_depth: u32,
}

impl<'a> Analyzer<'a> {
    /// The mock kinds a method sets, itself or through the methods it calls.
    fn sets_mock(&mut self, m: MethodId, depth: u32) -> u8 {
        if let Some(&k) = self.sets.get(&m).or_else(|| self.root_sets.get(&m)) {
            return k;
        }
        if depth > MAX_DEPTH {
            self.truncated = true;
            self.scut = 0;
            return 0;
        }
        if self.spos[m as usize] != OFF {
            self.scut = self.scut.min(self.spos[m as usize]);
            return 0;
        }
        self.steps += 1;
        let saved = std::mem::replace(&mut self.scut, OFF);
        self.spos[m as usize] = depth;
        let mut kinds = 0;
        let idx = self.idx;
        for op in &idx.ops[m as usize] {
            match op {
                Op::SetMock { kinds: k, .. } => kinds |= k,
                Op::Call { targets, .. } => {
                    for &t in targets {
                        kinds |= self.sets_mock(t, depth + 1);
                    }
                }
                _ => {}
            }
        }
        self.spos[m as usize] = OFF;
        let complete = self.scut >= depth || self.steps > BUDGET;
        if complete {
            self.sets.insert(m, kinds);
        } else {
            self.root_sets.insert(m, kinds);
        }
        self.scut = saved.min(if complete { OFF } else { self.scut });
        kinds
    }

    fn eval(&mut self, m: MethodId, state: u8, depth: u32) -> Rc<Summary> {
        if let Some(s) = self
            .memo
            .get(&(m, state))
            .or_else(|| self.root_memo.get(&(m, state)))
        {
            return s.clone();
        }
        if depth > MAX_DEPTH {
            self.truncated = true;
            self.cut = 0;
            return Rc::new(Summary::default());
        }
        if self.pos[m as usize] != OFF {
            self.cut = self.cut.min(self.pos[m as usize]);
            return Rc::new(Summary::default());
        }
        self.steps += 1;
        let saved = std::mem::replace(&mut self.cut, OFF);
        self.pos[m as usize] = depth;
        let mut cur = state;
        let mut out = Summary::default();
        let idx = self.idx;
        for op in &idx.ops[m as usize] {
            match op {
                Op::SetMock { kinds, .. } => cur |= kinds,
                Op::Callout { kind, line } => {
                    let slot = if *kind == HTTP { 0 } else { 1 };
                    if cur & kind == 0 && out.unmocked[slot].is_none() {
                        out.unmocked[slot] = Some(Rc::new(Link::Callout {
                            kind: *kind,
                            method: m,
                            line: *line,
                        }));
                    }
                }
                Op::Call { targets, .. } => {
                    let mut after = cur;
                    for &t in targets {
                        let s = self.eval(t, cur, depth + 1);
                        for slot in 0..2 {
                            if out.unmocked[slot].is_none() {
                                if let Some(w) = &s.unmocked[slot] {
                                    out.unmocked[slot] = Some(Rc::new(Link::Frame(t, w.clone())));
                                }
                            }
                        }
                        for (entry, chain) in &s.pending {
                            let mut c = Vec::with_capacity(chain.len() + 1);
                            c.push(t);
                            c.extend_from_slice(chain);
                            out.pending.push((*entry, c));
                        }
                        after |= self.sets_mock(t, depth + 1);
                    }
                    cur = after;
                }
                Op::Async { targets, .. } => {
                    for &t in targets {
                        out.pending.push((t, Vec::new()));
                    }
                }
                Op::StopTest => {
                    let pending = std::mem::take(&mut out.pending);
                    self.flush(pending, cur, &mut out, depth);
                }
                Op::StartTest => {}
            }
            // Bound the pending list on pathological graphs.
            out.pending.truncate(256);
        }
        self.pos[m as usize] = OFF;
        let rc = Rc::new(out);
        let complete = self.cut >= depth || self.steps > BUDGET;
        if complete {
            self.memo.insert((m, state), rc.clone());
        } else {
            self.root_memo.insert((m, state), rc.clone());
        }
        self.cut = saved.min(if complete { OFF } else { self.cut });
        rc
    }

    /// Runs queued asynchronous work with the mocks set so far.
    fn flush(
        &mut self,
        pending: Vec<(MethodId, Vec<MethodId>)>,
        state: u8,
        out: &mut Summary,
        depth: u32,
    ) {
        for (entry, chain) in pending {
            let s = self.eval(entry, state, depth + 1);
            // Work the async job queues itself runs in the same flush — a few
            // levels deep (a job that re-enqueues itself would otherwise chain on).
            let mut inner = Summary::default();
            let nested: Vec<_> = s.pending.clone();
            if self.async_depth < MAX_ASYNC_NESTING && depth < MAX_DEPTH {
                self.async_depth += 1;
                self.flush(nested, state, &mut inner, depth + 1);
                self.async_depth -= 1;
            }
            for slot in 0..2 {
                if out.unmocked[slot].is_some() {
                    continue;
                }
                let w = s.unmocked[slot]
                    .clone()
                    .map(|w| Rc::new(Link::Async(entry, w)))
                    .or_else(|| {
                        inner.unmocked[slot]
                            .clone()
                            .map(|w| Rc::new(Link::Async(entry, w)))
                    });
                if let Some(mut w) = w {
                    for &f in chain.iter().rev() {
                        w = Rc::new(Link::Frame(f, w));
                    }
                    out.unmocked[slot] = Some(w);
                }
            }
        }
    }
}

/// Runs the rule over every test method of the index.
pub fn check(idx: &Index, hits: &mut Vec<Hit>) {
    let mut an = Analyzer {
        idx,
        memo: HashMap::new(),
        sets: HashMap::new(),
        root_memo: HashMap::new(),
        root_sets: HashMap::new(),
        pos: vec![OFF; idx.methods.len()],
        spos: vec![OFF; idx.methods.len()],
        cut: OFF,
        scut: OFF,
        steps: 0,
        truncated: false,
        async_depth: 0,
    };
    for m in 0..idx.methods.len() as MethodId {
        let Some(md) = idx.method(m) else { continue };
        if !(md.is_test || md.is_test_setup) || !md.has_body {
            continue;
        }
        an.root_memo.clear();
        an.root_sets.clear();
        let s = an.eval(m, 0, 0);
        let mut result = (*s).clone();
        // Work still queued runs at the end of the test, with every mock set.
        let end_state = an.sets_mock(m, 0);
        let pending = std::mem::take(&mut result.pending);
        an.flush(pending, end_state, &mut result, 0);
        let Some((slot, w)) = result
            .unmocked
            .iter()
            .enumerate()
            .find_map(|(i, w)| w.clone().map(|w| (i, w)))
        else {
            continue;
        };
        let (chain, files, callout) = render_chain(idx, m, &w);
        let class = idx.methods[m as usize].class;
        let symbol = format!("{}.{}", idx.classes[class as usize].display, md.name);
        let (what, mock) = if slot == 0 {
            ("an HTTP callout", "Test.setMock(HttpCalloutMock.class, …)")
        } else {
            ("a SOAP callout", "Test.setMock(WebServiceMock.class, …)")
        };
        let also = if slot == 0 && result.unmocked[1].is_some() {
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
            chain.join(" → ")
        );
        let _ = callout;
        hits.push(Hit {
            rule: RULE.id,
            file: idx.classes[class as usize].file,
            line: md.line,
            column: md.column,
            symbol: Some(symbol),
            message,
            key: String::new(),
            chain,
            chain_files: files,
            scope: Scope {
                class: Some(class),
                method: Some(m),
                anchor_from: md.decl_line,
            },
        });
    }
    if an.truncated {
        eprintln!(
            "lint-callout-mocks: warning: call chains deeper than {MAX_DEPTH} methods were not followed past that depth"
        );
    }
}

/// The chain as text (`testSync → A.run → B.sync → Http.send (B.cls:7)`), the files
/// it passes through (for `--base`), and the callout's own description.
fn render_chain(idx: &Index, root: MethodId, w: &Rc<Link>) -> (Vec<String>, Vec<u32>, String) {
    let root_name = idx.method(root).map(|m| m.name.clone()).unwrap_or_default();
    let mut chain = vec![root_name];
    let mut files = vec![idx.classes[idx.methods[root as usize].class as usize].file];
    let mut cur = w.clone();
    loop {
        let next = match cur.as_ref() {
            Link::Frame(m, n) => {
                chain.push(idx.method_display(*m));
                files.push(idx.classes[idx.methods[*m as usize].class as usize].file);
                n.clone()
            }
            Link::Async(m, n) => {
                chain.push(format!("{} (async)", idx.method_display(*m)));
                files.push(idx.classes[idx.methods[*m as usize].class as usize].file);
                n.clone()
            }
            Link::Callout { kind, method, line } => {
                let f = idx.file_of_method(*method);
                let base = f.rel.rsplit('/').next().unwrap_or(&f.rel).to_string();
                let prim = if *kind == SOAP {
                    "WebServiceCallout.invoke"
                } else {
                    "Http.send"
                };
                let text = format!("{prim} ({base}:{line})");
                chain.push(text.clone());
                files.push(idx.classes[idx.methods[*method as usize].class as usize].file);
                files.sort_unstable();
                files.dedup();
                return (chain, files, text);
            }
        };
        cur = next;
    }
}
