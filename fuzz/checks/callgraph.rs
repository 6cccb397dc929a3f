//! Whole repositories of hostile call graphs for the callout analysis
//! (`lint::reach::Reach`), generated from the fuzzer's bytes.
//!
//! The generator writes syntactically valid Apex (classes, interfaces, triggers and
//! tests) made of structures that blow up naive call-graph analyses: deep call
//! chains, recursion, large cycles through an interface with hundreds of
//! implementations, virtual methods whose base calls `this.x()`, self-enqueuing
//! Queueables, `@future(callout=true)` methods, triggers whose handlers update
//! their own object (under `Trigger.isInsert` and `switch on
//! Trigger.operationType`), `try`/`catch` around calls, `Type.forName(…)
//! .newInstance()` casts, for-each over `Iterable` classes, and tests with and
//! without `Test.setMock`, `Test.startTest()`/`Test.stopTest()`.
//!
//! Invariants:
//! - `Reach::compute` stays within its stated bound (`work <= bound`), and
//!   `lint::check_all` does not panic;
//! - the analysis is deterministic: two runs over separately parsed and indexed
//!   copies give the same hits, and the same hits (rule, file, line) when the
//!   files are given in the reverse order;
//! - a test that sets `Test.setMock(HttpCalloutMock.class, …)` first is never
//!   reported (the generator makes HTTP callouts only, and mocks are never unset);
//!   the canary test that calls `Callouts.send()` unmocked is reported.
//!
//! The main crate's `tests/callgraph_bound.rs` uses this very file (`#[path]`) for
//! its fixed, large repositories, so the generator lives in one place.
#![allow(dead_code)]

use sfci::apex::{index::Index, parse};
use sfci::lint;
use std::fmt::Write as _;

/// Reads the fuzzer's bytes as small numbers; zeros once they run out.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }
    pub fn done(&self) -> bool {
        self.pos >= self.data.len()
    }
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        let v = (self.byte() as usize) << 8 | self.byte() as usize;
        lo + v % (hi - lo + 1)
    }
    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }
}

/// How a test runs its entry point.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestStyle {
    /// `Test.setMock(HttpCalloutMock.class, …)` first.
    pub mock: bool,
    /// The entry between `Test.startTest()` and `Test.stopTest()`.
    pub start_stop: bool,
    /// The entry inside `try { … } catch (Exception e) { … }`.
    pub try_catch: bool,
}

/// A generated test: its symbol (`Class.method`) and how it runs.
#[derive(Debug, Clone)]
pub struct GenTest {
    pub symbol: String,
    pub style: TestStyle,
}

/// A repository under construction: `(relative path, source)` per file.
#[derive(Default)]
pub struct Repo {
    pub files: Vec<(String, String)>,
    pub tests: Vec<GenTest>,
    next: usize,
    test_class: Option<(String, String)>,
    /// Methods written so far (a size budget for the fuzzer).
    pub methods: usize,
}

const CLASSES: &str = "force-app/main/default/classes/";
const TRIGGERS: &str = "force-app/main/default/triggers/";
const OBJECTS: [&str; 4] = ["Account", "Contact", "Opportunity", "Invoice__c"];

impl Repo {
    /// A repository with the shared callout client, a mock and the canary tests.
    pub fn new() -> Repo {
        let mut r = Repo::default();
        r.class(
            "Callouts",
            "public with sharing class Callouts {
    public static HttpResponse send() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Gateway/v1');
        req.setTimeout(10000);
        return new Http().send(req);
    }
}
"
            .into(),
        );
        r.class(
            "GenMock",
            "@IsTest
public class GenMock implements HttpCalloutMock {
    public HttpResponse respond(HttpRequest request) {
        return new HttpResponse();
    }
}
"
            .into(),
        );
        r.methods += 2;
        r.test("Callouts.send();", TestStyle::default());
        r.test(
            "Callouts.send();",
            TestStyle {
                mock: true,
                ..Default::default()
            },
        );
        r
    }

    fn id(&mut self) -> usize {
        self.next += 1;
        self.next
    }

    fn class(&mut self, name: &str, src: String) {
        self.files.push((format!("{CLASSES}{name}.cls"), src));
    }

    /// A call to `Callouts.send()`, caught or not.
    fn callout(caught: bool) -> &'static str {
        if caught {
            "try { Callouts.send(); } catch (CalloutException e) { System.debug(e); }"
        } else {
            "Callouts.send();"
        }
    }

    /// `depth` static methods, each calling the next, in classes of at most 100
    /// methods; the last makes a callout (if `callout`) and, if `cyclic`, calls
    /// the first again. Entry: a statement.
    pub fn chain(&mut self, depth: usize, cyclic: bool, callout: bool, caught: bool) -> String {
        const PART: usize = 100;
        let k = self.id();
        let depth = depth.max(1);
        let part = |i: usize| format!("Chain{k}p{}", i / PART);
        let mut s = String::new();
        for i in 0..depth {
            if i % PART == 0 {
                let _ = writeln!(s, "public with sharing class {} {{", part(i));
            }
            let _ = write!(s, "    public static void m{i}(Integer n) {{\n        ");
            if i + 1 < depth {
                let _ = writeln!(s, "{}.m{}(n + 1);", part(i + 1), i + 1);
            } else {
                if callout {
                    let _ = write!(s, "{}\n        ", Self::callout(caught));
                }
                if cyclic {
                    let _ = writeln!(s, "if (n > 0) {{ {}.m0(n - 1); }}", part(0));
                } else {
                    s.push_str("System.debug(n);\n");
                }
            }
            s.push_str("    }\n");
            if i % PART == PART - 1 || i + 1 == depth {
                s.push_str("}\n");
                self.class(&part(i), std::mem::take(&mut s));
            }
        }
        self.methods += depth;
        format!("{}.m0(3);", part(0))
    }

    /// An interface with `impls` implementations in one strongly connected
    /// component: each implementation calls `step` on an instance of the
    /// interface, either directly (`impls` × `impls` call edges) or through one
    /// hub method. Implementation `callout_at` makes a callout.
    pub fn interface_cycle(
        &mut self,
        impls: usize,
        hub: bool,
        callout_at: Option<usize>,
        caught: bool,
    ) -> String {
        let k = self.id();
        let iface = format!("Step{k}");
        self.class(
            &iface,
            format!("public interface {iface} {{\n    void step(Integer n);\n}}\n"),
        );
        self.class(
            &format!("{iface}Hub"),
            format!(
                "public with sharing class {iface}Hub {{
    private static List<{iface}> registry = new List<{iface}>();
    public static {iface} pick(Integer n) {{
        return registry.isEmpty() ? null : registry[Math.mod(n, registry.size())];
    }}
    public static void dispatch(Integer n) {{
        {iface} s = pick(n);
        if (s != null) {{
            s.step(n + 1);
        }}
    }}
    public static {iface} dynamic(String name) {{
        return ({iface}) Type.forName(name).newInstance();
    }}
}}
"
            ),
        );
        for j in 0..impls.max(1) {
            let body = if hub {
                format!("{iface}Hub.dispatch(n);")
            } else {
                format!("{iface} next = {iface}Hub.pick(n);\n        next.step(n + 1);")
            };
            let extra = if callout_at == Some(j) {
                Self::callout(caught)
            } else {
                ""
            };
            self.class(
                &format!("{iface}Impl{j}"),
                format!(
                    "public with sharing class {iface}Impl{j} implements {iface} {{
    public void step(Integer n) {{
        {extra}
        {body}
    }}
}}
"
                ),
            );
        }
        self.methods += impls.max(1) + 3;
        format!("{iface}Hub.dispatch(0); {iface}Hub.dynamic('{iface}Impl0').step(1);")
    }

    /// A virtual base whose `run()` calls `this.x()`, with `subs` subclasses
    /// overriding `x()`; each override calls `this.run()` again. Subclass
    /// `callout_at` makes a callout in its `x()`.
    pub fn virtual_hierarchy(&mut self, subs: usize, callout_at: Option<usize>) -> String {
        let k = self.id();
        let base = format!("Base{k}");
        self.class(
            &base,
            format!(
                "public virtual with sharing class {base} {{
    protected Integer depth = 0;
    public void run() {{
        this.before();
        this.x();
    }}
    public virtual void before() {{
        depth++;
    }}
    public virtual void x() {{
        System.debug(depth);
    }}
}}
"
            ),
        );
        for j in 0..subs.max(1) {
            let extra = if callout_at == Some(j) {
                "Callouts.send();"
            } else {
                ""
            };
            self.class(
                &format!("{base}Sub{j}"),
                format!(
                    "public with sharing class {base}Sub{j} extends {base} {{
    public override void x() {{
        {extra}
        if (depth < 3) {{
            this.run();
        }}
    }}
}}
"
                ),
            );
        }
        self.methods += subs.max(1) + 3;
        let last = subs.max(1) - 1;
        format!("{base} b{k} = new {base}Sub{last}(); b{k}.run();")
    }

    /// `count` Queueables, each enqueuing itself and the next one from `execute`;
    /// job `callout_at` makes a callout. Entry: enqueue job 0.
    pub fn queueables(&mut self, count: usize, callout_at: Option<usize>, caught: bool) -> String {
        let k = self.id();
        let count = count.max(1);
        for j in 0..count {
            let extra = if callout_at == Some(j) {
                Self::callout(caught)
            } else {
                ""
            };
            let next = (j + 1) % count;
            self.class(
                &format!("Job{k}n{j}"),
                format!(
                    "public with sharing class Job{k}n{j} implements Queueable, Database.AllowsCallouts {{
    public void execute(QueueableContext context) {{
        {extra}
        if (Limits.getQueueableJobs() < Limits.getLimitQueueableJobs()) {{
            System.enqueueJob(new Job{k}n{j}());
            System.enqueueJob(new Job{k}n{next}());
        }}
    }}
}}
"
                ),
            );
        }
        self.methods += count;
        format!("System.enqueueJob(new Job{k}n0());")
    }

    /// A `@future(callout=true)` method that makes a callout and calls itself
    /// through a synchronous helper.
    pub fn future(&mut self) -> String {
        let name = format!("Future{}", self.id());
        self.class(
            &name,
            format!(
                "public with sharing class {name} {{
    @future(callout=true)
    public static void push(Set<Id> ids) {{
        Callouts.send();
        again(ids);
    }}
    public static void again(Set<Id> ids) {{
        if (!System.isFuture()) {{
            push(ids);
        }}
    }}
}}
"
            ),
        );
        self.methods += 2;
        format!("{name}.push(new Set<Id>());")
    }

    /// A trigger on `OBJECTS[object % 4]` (after insert, after update) whose
    /// handler updates the same object again (recursion through DML) and, after
    /// update, calls `then` (a statement: a callout, a future, a job…).
    pub fn trigger(&mut self, object: usize, then: &str) -> String {
        let k = self.id();
        let obj = OBJECTS[object % OBJECTS.len()];
        let t = format!("Trig{k}");
        let h = format!("Trig{k}Handler");
        self.files.push((
            format!("{TRIGGERS}{t}.trigger"),
            format!(
                "trigger {t} on {obj} (after insert, after update) {{
    if (Trigger.isInsert) {{
        {h}.afterInsert(Trigger.new);
    }}
    switch on Trigger.operationType {{
        when AFTER_UPDATE {{
            {h}.afterUpdate(Trigger.new);
        }}
        when else {{
            System.debug('other');
        }}
    }}
}}
"
            ),
        ));
        self.class(
            &h,
            format!(
                "public with sharing class {h} {{
    public static void afterInsert(List<{obj}> records) {{
        List<{obj}> copies = new List<{obj}>();
        for ({obj} r : records) {{
            copies.add(new {obj}(Id = r.Id));
        }}
        update copies;
    }}
    public static void afterUpdate(List<{obj}> records) {{
        {then}
        {obj} again = new {obj}();
        update again;
    }}
}}
"
            ),
        );
        self.methods += 3;
        format!("insert new {obj}();")
    }

    /// An `Iterable` class whose iterator's `next()` makes a callout. Entry: a
    /// for-each over it.
    pub fn iterable(&mut self) -> String {
        let k = self.id();
        self.class(
            &format!("Pages{k}"),
            format!(
                "public with sharing class Pages{k} implements Iterable<String> {{
    public Iterator<String> iterator() {{
        return new Pages{k}Iterator();
    }}
}}
"
            ),
        );
        self.class(
            &format!("Pages{k}Iterator"),
            format!(
                "public with sharing class Pages{k}Iterator implements Iterator<String> {{
    private Integer i = 0;
    public Boolean hasNext() {{
        return i < 3;
    }}
    public String next() {{
        i++;
        return Callouts.send().getBody();
    }}
}}
"
            ),
        );
        self.methods += 3;
        format!(
            "Pages{k} pages{k} = new Pages{k}(); for (String p : pages{k}) {{ System.debug(p); }}"
        )
    }

    /// A method with `n` callouts in a row.
    pub fn burst(&mut self, n: usize) -> String {
        let name = format!("Burst{}", self.id());
        let mut s = format!("public with sharing class {name} {{\n    public static void fire() {{\n        HttpRequest req = new HttpRequest();\n        req.setTimeout(10000);\n");
        for _ in 0..n {
            s.push_str("        new Http().send(req);\n");
        }
        s.push_str("    }\n}\n");
        self.class(&name, s);
        self.methods += 1;
        format!("{name}.fire();")
    }

    /// A test method running `entry` (one or more statements) in `style`.
    /// Returns its symbol.
    pub fn test(&mut self, entry: &str, style: TestStyle) -> String {
        if self
            .test_class
            .as_ref()
            .is_none_or(|(_, s)| s.len() > 20_000)
        {
            self.flush_tests();
            let name = format!("GenTest{}", self.id());
            let src = format!("@IsTest\nprivate class {name} {{\n");
            self.test_class = Some((name, src));
        }
        let n = self.id();
        let (class, src) = self.test_class.as_mut().expect("a test class is open");
        let mut body = String::new();
        if style.mock {
            body.push_str("        Test.setMock(HttpCalloutMock.class, new GenMock());\n");
        }
        if style.start_stop {
            body.push_str("        Test.startTest();\n");
        }
        if style.try_catch {
            let _ = writeln!(
                body,
                "        try {{\n            {entry}\n        }} catch (Exception e) {{\n            System.debug(e.getMessage());\n        }}"
            );
        } else {
            let _ = writeln!(body, "        {entry}");
        }
        if style.start_stop {
            body.push_str("        Test.stopTest();\n");
        }
        let _ = write!(
            src,
            "    @IsTest\n    static void t{n}() {{\n{body}    }}\n"
        );
        let symbol = format!("{class}.t{n}");
        self.tests.push(GenTest {
            symbol: symbol.clone(),
            style,
        });
        self.methods += 1;
        symbol
    }

    fn flush_tests(&mut self) {
        if let Some((name, mut src)) = self.test_class.take() {
            src.push_str("}\n");
            self.class(&name, src);
        }
    }

    /// The finished repository's files.
    pub fn finish(mut self) -> (Vec<(String, String)>, Vec<GenTest>) {
        self.flush_tests();
        (self.files, self.tests)
    }
}

/// Turns the fuzzer's bytes into a repository: a sequence of structures, each
/// followed by tests that run its entry point in various styles, until the bytes
/// or the size budget run out.
pub fn generate(data: &[u8]) -> (Vec<(String, String)>, Vec<GenTest>) {
    const BUDGET: usize = 3_000;
    let mut b = Bytes::new(data);
    let mut r = Repo::new();
    let mut entries: Vec<String> = Vec::new();
    while !b.done() && r.methods < BUDGET {
        let room = BUDGET - r.methods;
        let callout = |b: &mut Bytes, n: usize| -> Option<usize> {
            let v = b.range(0, n + n / 2);
            (v < n).then_some(v)
        };
        let entry = match b.byte() % 10 {
            0 => {
                let depth = b.range(1, 600.min(room));
                let (cyclic, co, caught) = (b.flag(), b.flag(), b.flag());
                r.chain(depth, cyclic, co, caught)
            }
            1 => {
                let hub = b.flag();
                let max = if hub { 500 } else { 60 };
                let n = b.range(1, max.min(room));
                let at = callout(&mut b, n);
                let caught = b.flag();
                r.interface_cycle(n, hub, at, caught)
            }
            2 => {
                let n = b.range(1, 300.min(room));
                let at = callout(&mut b, n);
                r.virtual_hierarchy(n, at)
            }
            3 => {
                let n = b.range(1, 300.min(room));
                let at = callout(&mut b, n);
                let caught = b.flag();
                r.queueables(n, at, caught)
            }
            4 => r.future(),
            5 => {
                let object = b.byte() as usize;
                let then = match (b.byte() % 4, entries.last()) {
                    (0, _) | (_, None) => "Callouts.send();".to_string(),
                    (1, Some(e)) => e.clone(),
                    (2, _) => r.future(),
                    _ => "System.debug('no callout');".to_string(),
                };
                r.trigger(object, &then)
            }
            6 => r.iterable(),
            7 => r.burst(b.range(1, 200)),
            // Combine earlier entries into one.
            8 if !entries.is_empty() => {
                let i = b.range(0, entries.len() - 1);
                let j = b.range(0, entries.len() - 1);
                format!("{} {}", entries[i], entries[j])
            }
            _ => String::new(),
        };
        if !entry.is_empty() {
            entries.push(entry);
        }
        // Tests of some entry point.
        if let Some(e) = entries.last().cloned() {
            for _ in 0..b.range(0, 3) {
                let s = b.byte();
                let style = TestStyle {
                    mock: s & 1 != 0,
                    start_stop: s & 2 != 0,
                    try_catch: s & 4 != 0,
                };
                r.test(&e, style);
            }
        }
    }
    r.finish()
}

/// What `check_all` reports, comparable across runs.
pub fn hits_of(files: &[(String, String)]) -> (Vec<String>, u64, u64) {
    let models = files
        .iter()
        .map(|(rel, src)| parse::parse_file(rel, src.as_bytes()))
        .collect();
    let idx = Index::build(models);
    let reach = lint::reach::Reach::compute(&idx);
    assert!(
        reach.work <= reach.bound,
        "the callout analysis exceeded its bound: {} > {}",
        reach.work,
        reach.bound
    );
    let mut out: Vec<String> = lint::check_all(&idx)
        .iter()
        .map(|h| {
            format!(
                "{} {}:{} {}",
                h.rule,
                idx.files[h.file as usize].rel,
                h.line,
                h.symbol.as_deref().unwrap_or("")
            )
        })
        .collect();
    out.sort();
    (out, reach.work, reach.bound)
}

/// The reported symbols of one rule, from [`hits_of`]'s lines.
pub fn symbols<'a>(hits: &'a [String], rule: &str) -> Vec<&'a str> {
    hits.iter()
        .filter_map(|h| h.strip_prefix(rule)?.strip_prefix(' '))
        .filter_map(|h| h.rsplit(' ').next())
        .collect()
}

/// Checks the invariants on one generated repository.
pub fn check_repo(files: &[(String, String)], tests: &[GenTest]) -> Vec<String> {
    let (first, work, bound) = hits_of(files);
    let (second, work2, bound2) = hits_of(files);
    assert_eq!(first, second, "two runs gave different hits");
    assert_eq!(
        (work, bound),
        (work2, bound2),
        "two runs did different work"
    );
    let mut reversed = files.to_vec();
    reversed.reverse();
    let (third, _, _) = hits_of(&reversed);
    assert_eq!(first, third, "the order of the files changed the hits");
    let broken: Vec<&String> = first
        .iter()
        .filter(|h| h.starts_with("parse-error"))
        .collect();
    assert!(
        broken.is_empty(),
        "generated Apex does not parse: {broken:?}"
    );

    let reported: Vec<&str> = symbols(&first, "callout-without-mock")
        .into_iter()
        .chain(symbols(&first, "unmocked-callout-caught"))
        .collect();
    for t in tests {
        if t.style.mock {
            assert!(
                !reported.contains(&t.symbol.as_str()),
                "{} sets the HTTP mock first, yet it is reported: {first:?}",
                t.symbol
            );
        }
    }
    // The canary (the first test: `Callouts.send()`, unmocked, not caught).
    let canary = &tests[0].symbol;
    assert!(
        symbols(&first, "callout-without-mock").contains(&canary.as_str()),
        "the unmocked canary {canary} is not reported: {first:?}"
    );
    first
}

/// Runs the target on one input; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    let (files, tests) = generate(data);
    check_repo(&files, &tests);
}
