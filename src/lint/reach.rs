//! Which tests reach a callout without its mock: the call-graph analysis behind
//! `callout-without-mock` (uncaught: the test fails) and `unmocked-callout-caught`
//! (a frame on the stack catches the `CalloutException`: the test passes without
//! ever exercising the response).
//!
//! ## What is computed
//! For every method `m` and callout kind `k` (HTTP, SOAP), assuming no mock of
//! kind `k` is set when `m` is entered:
//! - `sets(m)`: the mock kinds `m` sets, itself or through what it calls;
//! - `U`: `m` can reach a callout of kind `k` before any mock of kind `k` is set,
//!   and no frame between `m` and the callout catches the exception;
//! - `A`: the same, caught or not (`U` implies `A`);
//! - `W` / `WA`: work `m` queues (`@future`, `System.enqueueJob`,
//!   `Database.executeBatch`, `System.schedule`) and leaves pending can reach such
//!   a callout, uncaught within the job / caught or not.
//!
//! **Trigger contexts.** Code a `Trigger.isInsert`-style condition or a `switch on
//! Trigger.operationType` guards runs only in the trigger contexts it names; a
//! DML statement runs its triggers in the context of the events it fires, and
//! tests and queued jobs run outside any trigger. So every summary is kept per
//! context — outside a trigger, plus one per distinct set of events the
//! repository's DML fires (at most six: insert, update, upsert, delete,
//! undelete, merge): `C ≤ 7`.
//!
//! A mock of kind `k` set on entry makes all four false (mocks are never unset,
//! so queued work then runs mocked too), and a frame that catches on entry only
//! turns `U` into `A`: one summary per method and kind serves every caller and
//! every entry state. Pending work is summarised by what it reaches, not by a
//! list of entry points: every job pending at a `Test.stopTest()` runs with the
//! same mocks, so the set needs no cap.
//!
//! The summaries are the least fixpoint of monotone Horn clauses, one family per
//! operation of the call graph (a call, a DML statement that fires triggers,
//! queued work), each guarded by facts known before the fixpoint starts: the
//! mocks set before that operation (from `sets`, computed first), whether it is
//! inside a `try` whose catch swallows the exception, and the next
//! `Test.stopTest()` after it. Both fixpoints are solved by worklist propagation
//! over the reversed call graph (Dowling–Gallier): a fact becomes true at most
//! once, and only then are the operations that call its method visited. This
//! handles recursion, strongly connected components of any size (class-hierarchy
//! analysis makes them large: a virtual method or an interface with hundreds of
//! implementations), self-enqueuing jobs and triggers that update their own
//! object, with no depth limit and no recursion on the machine stack.
//!
//! ## Bound
//! With `M` methods, `O` operations, `E` call edges (operation → target method,
//! counting every class-hierarchy target) and `C` contexts, the work is at most
//! `2·E` edge visits for the mocks, then `16·C·E` for the facts (each of the `8·C`
//! facts of a method becomes true once and visits its callers; a DML or queued-work
//! edge fans out to the caller's `C` contexts only for the one context it enters),
//! plus `(4 + C)·O + 9·C·M` for the passes over the operations and seeding (one
//! visit per operation in each of the four passes, `C` more per callout) —
//! `O((M + O + E) · F · C)` with `F = 8`,
//! counted in [`Reach::work`] and checked against [`Reach::bound`]. Memory is
//! `O(M·C + O + E)`. Each finding's chain is rebuilt afterwards from the first
//! derivation of each fact (so it is acyclic and at most `8·C·M` steps long).

use crate::apex::index::{Index, MethodId, Op, HTTP, SOAP};
use crate::apex::model::trigger_events;
use std::collections::HashMap;

const U: u8 = 0;
const A: u8 = 1;
const W: u8 = 2;
const WA: u8 = 3;
const NONE: u32 = u32::MAX;

fn fact(slot: usize, level: u8) -> u8 {
    slot as u8 * 4 + level
}

fn kind_of(slot: usize) -> u8 {
    if slot == 0 {
        HTTP
    } else {
        SOAP
    }
}

/// A method in a trigger context: `method * contexts + context`.
type State = u32;

/// How a fact first became true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// A callout at operation `op` of the method.
    Callout { op: u32 },
    /// Through operation `op` (a call, DML or queued work) to `target`'s fact.
    Edge { op: u32, target: State, fact: u8 },
    /// Work queued at operation `op` (`target`'s fact), run at the
    /// `Test.stopTest()` at operation `stop`.
    Flush {
        stop: u32,
        op: u32,
        target: State,
        fact: u8,
    },
}

/// The summaries of every method of an index.
pub struct Reach {
    sets: Vec<u8>,
    /// The trigger contexts: `NOT_IN_TRIGGER`, then each set of events a DML
    /// operation of the repository fires.
    contexts: Vec<u8>,
    facts: Vec<u8>,
    why: HashMap<(State, u8), Why>,
    /// Per method, the offset of its operations in `before` / `next_stop`.
    op_base: Vec<u32>,
    /// Mock kinds set before each operation (by the method itself or its callees).
    before: Vec<u8>,
    /// The index of the next `Test.stopTest()` after each operation, or `NONE`.
    next_stop: Vec<u32>,
    /// Units of work done, and the bound they must stay within (see the module
    /// documentation).
    pub work: u64,
    pub bound: u64,
}

/// What a test reaches, for one callout kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// 0: HTTP, 1: SOAP.
    pub slot: usize,
    /// True: the exception is not caught (the test fails).
    pub uncaught: bool,
    /// `testSync`, `A.run`, `B.sync`, `Http.send (B.cls:7)`.
    pub chain: Vec<String>,
    /// Files the chain passes through (indexes into the index's files).
    pub files: Vec<u32>,
    /// For a caught callout: where (`Class.method (line N)`).
    pub caught_in: Option<String>,
}

impl Reach {
    /// Computes every method's summary.
    pub fn compute(idx: &Index) -> Reach {
        let n = idx.methods.len();
        let mut op_base = Vec::with_capacity(n + 1);
        let mut total_ops = 0u32;
        let mut edges = 0u64;
        let mut rev_count = vec![0u32; n + 1];
        let mut contexts = vec![trigger_events::NOT_IN_TRIGGER];
        for ops in &idx.ops {
            op_base.push(total_ops);
            total_ops += ops.len() as u32;
            for op in ops {
                if let Op::Dml { events, .. } = op {
                    if !contexts.contains(events) {
                        contexts.push(*events);
                    }
                }
                for &t in op.targets() {
                    rev_count[t as usize] += 1;
                    edges += 1;
                }
            }
        }
        op_base.push(total_ops);
        let cn = contexts.len();
        // Reversed edges, compressed: callers of t are rev[start[t]..start[t+1]].
        let mut start = vec![0u32; n + 1];
        for i in 0..n {
            start[i + 1] = start[i] + rev_count[i];
        }
        let mut fill = start.clone();
        let mut rev = vec![(0u32, 0u32); edges as usize];
        for (m, ops) in idx.ops.iter().enumerate() {
            for (p, op) in ops.iter().enumerate() {
                for &t in op.targets() {
                    rev[fill[t as usize] as usize] = (m as u32, p as u32);
                    fill[t as usize] += 1;
                }
            }
        }
        let (c64, o64) = (cn as u64, total_ops as u64);
        let mut r = Reach {
            sets: vec![0; n],
            facts: vec![0; n * cn],
            why: HashMap::new(),
            contexts,
            op_base,
            before: vec![0; total_ops as usize],
            next_stop: vec![NONE; total_ops as usize],
            work: 0,
            bound: 2 * edges + 16 * c64 * edges + (4 + c64) * o64 + 9 * c64 * n as u64 + 16,
        };

        // 1. Mock kinds set, through calls and DML (not queued work).
        let mut queue: Vec<(MethodId, u8)> = Vec::new();
        for (m, ops) in idx.ops.iter().enumerate() {
            for op in ops {
                r.work += 1;
                if let Op::SetMock { kinds, .. } = op {
                    for bit in [HTTP, SOAP] {
                        if kinds & bit != 0 && r.sets[m] & bit == 0 {
                            r.sets[m] |= bit;
                            queue.push((m as MethodId, bit));
                        }
                    }
                }
            }
        }
        while let Some((t, bit)) = queue.pop() {
            for &(m, p) in &rev[start[t as usize] as usize..start[t as usize + 1] as usize] {
                r.work += 1;
                let synchronous = matches!(
                    idx.ops[m as usize][p as usize],
                    Op::Call { .. } | Op::Dml { .. }
                );
                if synchronous && r.sets[m as usize] & bit == 0 {
                    r.sets[m as usize] |= bit;
                    queue.push((m, bit));
                }
            }
        }

        // 2. Per operation: mocks set before it, the next Test.stopTest().
        for (m, ops) in idx.ops.iter().enumerate() {
            let base = r.op_base[m] as usize;
            let mut cur = 0u8;
            for (p, op) in ops.iter().enumerate() {
                r.work += 1;
                r.before[base + p] = cur;
                match op {
                    Op::SetMock { kinds, .. } => cur |= kinds,
                    Op::Call { targets, .. } | Op::Dml { targets, .. } => {
                        for &t in targets {
                            cur |= r.sets[t as usize];
                        }
                    }
                    _ => {}
                }
            }
            let mut next = NONE;
            for p in (0..ops.len()).rev() {
                r.work += 1;
                r.next_stop[base + p] = next;
                if matches!(ops[p], Op::StopTest { .. }) {
                    next = p as u32;
                }
            }
        }

        // 3. Reach facts: seeded by callouts, propagated to callers.
        let mut work: Vec<(State, u8)> = Vec::new();
        for (m, ops) in idx.ops.iter().enumerate() {
            for (p, op) in ops.iter().enumerate() {
                r.work += 1;
                let Op::Callout {
                    kind,
                    caught,
                    guard,
                    ..
                } = op
                else {
                    continue;
                };
                let slot = if *kind == HTTP { 0 } else { 1 };
                if r.before_op(m as MethodId, p as u32) & kind != 0 {
                    continue;
                }
                let level = if *caught { A } else { U };
                for c in 0..cn {
                    r.work += 1;
                    if guard & r.contexts[c] != 0 {
                        let why = Why::Callout { op: p as u32 };
                        r.set((m * cn + c) as State, fact(slot, level), why, &mut work);
                    }
                }
            }
        }
        while let Some((ts, f)) = work.pop() {
            let (t, tc) = (ts as usize / cn, ts as usize % cn);
            let slot = (f / 4) as usize;
            let level = f % 4;
            let kind = kind_of(slot);
            for &(m, p) in &rev[start[t] as usize..start[t + 1] as usize] {
                r.work += 1;
                if r.before_op(m, p) & kind != 0 {
                    continue;
                }
                let op = &idx.ops[m as usize][p as usize];
                let guard = op.guard();
                // The caller's contexts this operation can lead to the fact from.
                let callers = match op {
                    Op::Call { .. } => tc..tc + 1,
                    Op::Dml { events, .. } if r.contexts[tc] == *events => 0..cn,
                    Op::Async { .. } if tc == 0 => 0..cn,
                    _ => 0..0,
                };
                for c in callers {
                    r.work += 1;
                    if guard & r.contexts[c] == 0 {
                        continue;
                    }
                    let ms = (m as usize * cn + c) as State;
                    let edge = Why::Edge {
                        op: p,
                        target: ts,
                        fact: f,
                    };
                    match op {
                        Op::Call { caught, .. } | Op::Dml { caught, .. } => match level {
                            U if !caught => r.set(ms, fact(slot, U), edge, &mut work),
                            U | A => r.set(ms, fact(slot, A), edge, &mut work),
                            // Work queued by the callee runs later: a try around
                            // this call does not enclose it.
                            _ => r.deliver(idx, ms, p, slot, level, (ts, f), &mut work),
                        },
                        Op::Async { .. } => {
                            let level = if matches!(level, U | W) { W } else { WA };
                            r.deliver(idx, ms, p, slot, level, (ts, f), &mut work);
                        }
                        _ => {}
                    }
                }
            }
        }
        r
    }

    fn method_of(&self, s: State) -> MethodId {
        s / self.contexts.len() as u32
    }

    fn before_op(&self, m: MethodId, p: u32) -> u8 {
        self.before[(self.op_base[m as usize] + p) as usize]
    }

    fn has(&self, s: State, f: u8) -> bool {
        self.facts[s as usize] & (1 << f) != 0
    }

    /// Sets a fact (and the weaker one it implies: `U` → `A`, `W` → `WA`).
    fn set(&mut self, m: State, f: u8, why: Why, work: &mut Vec<(State, u8)>) {
        let implied = match f % 4 {
            U | W => Some(f + 1),
            _ => None,
        };
        for g in std::iter::once(f).chain(implied) {
            if !self.has(m, g) {
                self.facts[m as usize] |= 1 << g;
                self.why.insert((m, g), why);
                work.push((m, g));
            }
        }
    }

    /// Work that reaches a callout (`level` `W` or `WA`) was queued at operation
    /// `p` of `m`: it runs at the next `Test.stopTest()` of `m` (if no mock of the
    /// kind is set by then), or stays pending for `m`'s callers.
    #[allow(clippy::too_many_arguments)]
    fn deliver(
        &mut self,
        idx: &Index,
        ms: State,
        p: u32,
        slot: usize,
        level: u8,
        from: (State, u8),
        work: &mut Vec<(State, u8)>,
    ) {
        let (target, f) = from;
        let m = self.method_of(ms);
        let stop = self.next_stop[(self.op_base[m as usize] + p) as usize];
        if stop == NONE {
            let why = Why::Edge {
                op: p,
                target,
                fact: f,
            };
            self.set(ms, fact(slot, level), why, work);
            return;
        }
        if self.before_op(m, stop) & kind_of(slot) != 0 {
            return;
        }
        let caught = matches!(
            idx.ops[m as usize][stop as usize],
            Op::StopTest { caught: true, .. }
        );
        let why = Why::Flush {
            stop,
            op: p,
            target,
            fact: f,
        };
        let level = if level == W && !caught { U } else { A };
        self.set(ms, fact(slot, level), why, work);
    }

    /// The mock kinds `m` sets, itself or through what it calls.
    pub fn sets(&self, m: MethodId) -> u8 {
        self.sets[m as usize]
    }

    /// What the test (or `@TestSetup`) method `root` reaches, per callout kind,
    /// uncaught first. The test class's static initialisers run before it; work
    /// still pending at the end of the test runs then, with every mock the test
    /// set.
    pub fn outcomes(&self, idx: &Index, root: MethodId) -> Vec<Outcome> {
        let class = idx.methods[root as usize].class;
        let init = idx.classes[class as usize].init;
        let end = self.sets(root);
        // Tests run outside any trigger: context 0.
        let cn = self.contexts.len() as State;
        let (root_s, init_s) = (root * cn, init * cn);
        let mut out = Vec::new();
        for slot in 0..2 {
            let kind = kind_of(slot);
            if init != root && self.sets(init) & kind != 0 {
                continue;
            }
            let pending = |level: u8| end & kind == 0 && self.has(root_s, fact(slot, level));
            let found = if init != root && self.has(init_s, fact(slot, U)) {
                Some((true, init_s, U))
            } else if self.has(root_s, fact(slot, U)) {
                Some((true, root_s, U))
            } else if pending(W) {
                Some((true, root_s, W))
            } else if init != root && self.has(init_s, fact(slot, A)) {
                Some((false, init_s, A))
            } else if self.has(root_s, fact(slot, A)) {
                Some((false, root_s, A))
            } else if pending(WA) {
                Some((false, root_s, WA))
            } else {
                None
            };
            if let Some((uncaught, from, level)) = found {
                out.push(self.witness(idx, root, from, slot, level, uncaught));
            }
        }
        out.sort_by_key(|o| (!o.uncaught, o.slot));
        out
    }

    /// Rebuilds the chain of a fact from the first derivations.
    fn witness(
        &self,
        idx: &Index,
        root: MethodId,
        from: State,
        slot: usize,
        level: u8,
        uncaught: bool,
    ) -> Outcome {
        let root_name = idx.method(root).map(|m| m.name.clone()).unwrap_or_default();
        let file_of = |m: MethodId| idx.classes[idx.methods[m as usize].class as usize].file;
        let mut chain = vec![root_name];
        let mut files = vec![file_of(root)];
        if self.method_of(from) != root {
            chain.push(idx.method_display(self.method_of(from)));
            files.push(file_of(self.method_of(from)));
        }
        let mut caught_in: Option<String> = None;
        let (mut s, mut f) = (from, fact(slot, level));
        let limit = 8 * self.facts.len() + 8;
        for _ in 0..limit {
            let Some(why) = self.why.get(&(s, f)).copied() else {
                break;
            };
            let m = self.method_of(s);
            let (op, target_state, g) = match why {
                Why::Callout { op } => {
                    if let Op::Callout {
                        kind, line, caught, ..
                    } = &idx.ops[m as usize][op as usize]
                    {
                        let file = idx.file_of_method(m);
                        let base = file.rel.rsplit('/').next().unwrap_or(&file.rel);
                        let prim = if *kind == SOAP {
                            "WebServiceCallout.invoke"
                        } else {
                            "Http.send"
                        };
                        chain.push(format!("{prim} ({base}:{line})"));
                        files.push(file_of(m));
                        if *caught && caught_in.is_none() {
                            caught_in = Some(format!("{} (line {line})", idx.method_display(m)));
                        }
                    }
                    break;
                }
                Why::Edge { op, target, fact } => (op, target, fact),
                Why::Flush {
                    stop,
                    op,
                    target,
                    fact,
                } => {
                    if let Op::StopTest { caught: true, line } = &idx.ops[m as usize][stop as usize]
                    {
                        if caught_in.is_none() {
                            caught_in = Some(format!(
                                "{} (a try around Test.stopTest(), line {line})",
                                idx.method_display(m)
                            ));
                        }
                    }
                    (op, target, fact)
                }
            };
            let target = self.method_of(target_state);
            let sync_fact = matches!(g % 4, U | A);
            match &idx.ops[m as usize][op as usize] {
                Op::Call { caught, line, .. } => {
                    if *caught && sync_fact && caught_in.is_none() {
                        caught_in = Some(format!("{} (line {line})", idx.method_display(m)));
                    }
                    chain.push(idx.method_display(target));
                }
                Op::Dml {
                    caught,
                    line,
                    verb,
                    events,
                    object,
                    ..
                } => {
                    if *caught && sync_fact && caught_in.is_none() {
                        caught_in = Some(format!("{} (line {line})", idx.method_display(m)));
                    }
                    chain.push(format!("{verb} {object}"));
                    let tdecl = idx.decl(idx.methods[target as usize].class);
                    let fired = tdecl.trigger_events & events;
                    chain.push(format!(
                        "{} ({})",
                        tdecl.display,
                        crate::apex::model::trigger_events::describe(fired)
                    ));
                }
                Op::Async { .. } => {
                    chain.push(format!("{} (async)", idx.method_display(target)));
                }
                _ => {}
            }
            files.push(file_of(target));
            s = target_state;
            f = g;
        }
        files.sort_unstable();
        files.dedup();
        Outcome {
            slot,
            uncaught,
            chain,
            files,
            caught_in: if uncaught { None } else { caught_in },
        }
    }
}
