//! The global class/method index and the call graph.
//!
//! Built from every file's [`FileModel`]: classes by qualified name (inner classes
//! as `outer.inner`), the type hierarchy (extends/implements, with every transitive
//! subtype for class-hierarchy analysis), and per method the resolved operations in
//! source order: calls (with virtual/interface dispatch to every implementation in
//! the repository), asynchronous work (`@future`, `System.enqueueJob`,
//! `Database.executeBatch`, `System.schedule`), callouts (`Http.send`,
//! `WebServiceCallout.invoke`) and test controls (`Test.setMock`, `Test.startTest`,
//! `Test.stopTest`).

use super::model::*;
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

/// Platform classes the analyses rely on. The parser drops `System.` from type
/// names, so a repository class of the same name (test suites that check their
/// code always writes `System.Http`, `System.Test`, … declare such classes on
/// purpose) would take their place: such classes are not resolved by name.
const SHADOWED_PLATFORM: &[&str] = &[
    "http",
    "httprequest",
    "httpresponse",
    "httpcalloutmock",
    "webservicemock",
    "webservicecallout",
    "test",
    "system",
    "database",
    "eventbus",
    "queueable",
    "schedulable",
    "iterable",
    "iterator",
    "callable",
    "type",
];

/// The type of objects made by `Type.newInstance()` (see the parser).
const DYNAMIC: &str = "object";

/// No class (`Index::this_class` when no copy is being resolved).
const NO_CLASS: ClassId = ClassId::MAX;

pub type ClassId = u32;
pub type MethodId = u32;

/// The kinds of callout (and of mock), as a bit set.
pub const HTTP: u8 = 1;
pub const SOAP: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Unknown,
    Class(ClassId),
    /// A platform type (`http`, `httprequest`, `string`, `id`, …).
    Builtin(String),
    /// `list<T>`, `set<T>`, `map<K,V>`.
    Coll(String, Vec<Ty>),
}

/// What a call's receiver is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Recv {
    Instance(Ty),
    StaticClass(ClassId),
    /// A platform namespace or class used statically: `test`, `system`, `database`,
    /// `webservicecallout`.
    StaticBuiltin(String),
    Super(ClassId),
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// A synchronous call. `caught`: inside a `try` whose catch swallows a
    /// `CalloutException` (see the parser).
    Call {
        targets: Vec<MethodId>,
        line: u32,
        caught: bool,
        /// The trigger contexts it runs in (see `Call::guard` of the model).
        guard: u8,
    },
    /// A DML statement or `Database.<verb>(…)` on records of a known sObject: runs
    /// the repository's triggers on that object whose events it fires.
    Dml {
        targets: Vec<MethodId>,
        line: u32,
        caught: bool,
        guard: u8,
        /// The DML verb (`insert`, `upsert`, …).
        verb: &'static str,
        /// The events it fires ([`trigger_events`] bits).
        events: u8,
        /// The sObject as the trigger names it (`Account`).
        object: String,
    },
    /// Work that runs later: at `Test.stopTest()` in a test.
    Async {
        targets: Vec<MethodId>,
        line: u32,
        guard: u8,
    },
    Callout {
        kind: u8,
        line: u32,
        caught: bool,
        guard: u8,
    },
    SetMock {
        kinds: u8,
        line: u32,
    },
    StartTest,
    StopTest {
        caught: bool,
        line: u32,
    },
}

impl Op {
    /// The trigger contexts the operation runs in (every one for operations that
    /// carry none).
    pub fn guard(&self) -> u8 {
        match self {
            Op::Call { guard, .. }
            | Op::Dml { guard, .. }
            | Op::Async { guard, .. }
            | Op::Callout { guard, .. } => *guard,
            _ => trigger_events::ALL,
        }
    }

    /// The methods a call, a DML statement or queued work runs.
    pub fn targets(&self) -> &[MethodId] {
        match self {
            Op::Call { targets, .. } | Op::Dml { targets, .. } | Op::Async { targets, .. } => {
                targets
            }
            _ => &[],
        }
    }
}

#[derive(Debug)]
pub struct ClassInfo {
    pub file: u32,
    pub ty: u32,
    pub qname: String,
    pub display: String,
    pub kind: TypeKind,
    pub outer: Option<ClassId>,
    pub extends: Option<ClassId>,
    pub implements: Vec<ClassId>,
    /// Direct subtypes (extends or implements this).
    pub subtypes: Vec<ClassId>,
    pub methods: Vec<MethodId>,
    /// Synthetic method running field initialisers and initialiser blocks.
    pub init: MethodId,
    inner: HashMap<String, ClassId>,
}

#[derive(Debug)]
pub struct MethodInfo {
    pub class: ClassId,
    /// Index in the type's `methods`, or None for the synthetic initialiser.
    pub idx: Option<u32>,
    /// For a copy of an inherited method specialised to the class of `this`
    /// (see [`Index::build`]): the original. Rules that report per method skip
    /// copies.
    pub copy_of: Option<MethodId>,
}

pub struct Index {
    pub files: Vec<FileModel>,
    pub classes: Vec<ClassInfo>,
    pub methods: Vec<MethodInfo>,
    pub ops: Vec<Vec<Op>>,
    by_name: HashMap<String, ClassId>,
    /// Triggers per sObject (lower-case name).
    triggers: HashMap<String, Vec<ClassId>>,
    /// Classes implementing a platform interface (`iterator`, `iterable`,
    /// `callable`), with the interface's type arguments as written.
    platform_impls: HashMap<String, Vec<(ClassId, Vec<String>)>>,
    /// Inherited methods specialised to a subclass: (original, class of `this`)
    /// → copy.
    specialised: HashMap<(MethodId, ClassId), MethodId>,
    /// Copies are the methods from this id on; `copy_class[id - copies_from]` is
    /// the class of `this` of each.
    copies_from: usize,
    copy_class: Vec<ClassId>,
    /// While a copy is resolved: the class of `this` (`NO_CLASS` otherwise).
    this_class: std::sync::atomic::AtomicU32,
    /// Set when a resolution dispatched on `this` (an unqualified or `this.`
    /// call to an instance method).
    this_used: std::sync::atomic::AtomicBool,
    /// Per method: every `return` gives an object made by `Type.newInstance()`.
    returns_dynamic: Vec<bool>,
    /// Transitive subtypes per class (computed on demand, cached).
    all_subtypes: Vec<Option<Vec<ClassId>>>,
}

fn split_generic(name: &str) -> (&str, Vec<&str>) {
    match name.find('<') {
        Some(i) if name.ends_with('>') => {
            let base = &name[..i];
            let inner = &name[i + 1..name.len() - 1];
            let mut args = Vec::new();
            let mut depth = 0i32;
            let mut start = 0;
            for (k, c) in inner.char_indices() {
                match c {
                    '<' => depth += 1,
                    '>' => depth -= 1,
                    ',' if depth == 0 => {
                        args.push(&inner[start..k]);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            args.push(&inner[start..]);
            (base, args)
        }
        _ => (name, Vec::new()),
    }
}

impl Index {
    pub fn build(files: Vec<FileModel>) -> Index {
        let mut idx = Index {
            files,
            classes: Vec::new(),
            methods: Vec::new(),
            ops: Vec::new(),
            by_name: HashMap::new(),
            triggers: HashMap::new(),
            platform_impls: HashMap::new(),
            specialised: HashMap::new(),
            copies_from: usize::MAX,
            returns_dynamic: Vec::new(),
            copy_class: Vec::new(),
            this_class: std::sync::atomic::AtomicU32::new(NO_CLASS),
            this_used: std::sync::atomic::AtomicBool::new(false),
            all_subtypes: Vec::new(),
        };
        // Classes and methods.
        for (fi, f) in idx.files.iter().enumerate() {
            let base = idx.classes.len() as ClassId;
            for (ti, t) in f.types.iter().enumerate() {
                let id = idx.classes.len() as ClassId;
                let init = idx.methods.len() as MethodId;
                idx.methods.push(MethodInfo {
                    class: id,
                    idx: None,
                    copy_of: None,
                });
                let mut methods = Vec::with_capacity(t.methods.len());
                for mi in 0..t.methods.len() {
                    methods.push(idx.methods.len() as MethodId);
                    idx.methods.push(MethodInfo {
                        class: id,
                        idx: Some(mi as u32),
                        copy_of: None,
                    });
                }
                idx.classes.push(ClassInfo {
                    file: fi as u32,
                    ty: ti as u32,
                    qname: t.qname.clone(),
                    display: t.display.clone(),
                    kind: t.kind,
                    outer: t.outer.map(|o| base + o as ClassId),
                    extends: None,
                    implements: Vec::new(),
                    subtypes: Vec::new(),
                    methods,
                    init,
                    inner: HashMap::new(),
                });
                if !SHADOWED_PLATFORM.contains(&t.qname.as_str()) {
                    idx.by_name.entry(t.qname.clone()).or_insert(id);
                }
            }
        }
        for id in 0..idx.classes.len() {
            if let Some(o) = idx.classes[id].outer {
                let simple = idx.decl(id as ClassId).name.to_ascii_lowercase();
                idx.classes[o as usize].inner.insert(simple, id as ClassId);
            }
        }
        // Hierarchy.
        for id in 0..idx.classes.len() as ClassId {
            let t = idx.decl(id);
            let ext = t.extends.clone();
            let imps = t.implements.clone();
            let trigger_object = t.trigger_object.clone();
            let ext_id = ext.and_then(|e| idx.lookup_class(split_generic(&e).0, id));
            let imp_ids: Vec<ClassId> = imps
                .iter()
                .filter_map(|i| idx.lookup_class(split_generic(i).0, id))
                .filter(|&c| c != id)
                .collect();
            for i in &imps {
                let (base, args) = split_generic(i);
                let base = base.strip_prefix("system.").unwrap_or(base);
                if matches!(
                    base,
                    "iterator" | "iterable" | "callable" | "cache.cachebuilder"
                ) && idx.lookup_class(base, id).is_none()
                {
                    let args = args.iter().map(|a| a.to_string()).collect();
                    idx.platform_impls
                        .entry(base.to_string())
                        .or_default()
                        .push((id, args));
                }
            }
            if idx.classes[id as usize].kind == TypeKind::Trigger {
                if let Some(obj) = &trigger_object {
                    idx.triggers.entry(obj.to_string()).or_default().push(id);
                }
            }
            let ext_id = ext_id.filter(|&c| c != id);
            if let Some(e) = ext_id {
                idx.classes[e as usize].subtypes.push(id);
            }
            for &i in &imp_ids {
                idx.classes[i as usize].subtypes.push(id);
            }
            idx.classes[id as usize].extends = ext_id;
            idx.classes[id as usize].implements = imp_ids;
        }
        idx.all_subtypes = vec![None; idx.classes.len()];
        for c in 0..idx.classes.len() as ClassId {
            let subs = idx.compute_subtypes(c);
            idx.all_subtypes[c as usize] = Some(subs);
        }
        // Operations. A method's events are dropped once resolved (and
        // specialised): the analyses work on operations, and this keeps peak
        // memory near one copy.
        idx.find_dynamic_returns();
        // A first resolution finds the methods that dispatch on `this`; once their
        // copies exist, every method is resolved again so calls reach the copies.
        let mut uses_this = vec![false; idx.methods.len()];
        let mut ops = Vec::with_capacity(idx.methods.len());
        for m in 0..idx.methods.len() as MethodId {
            idx.this_used.store(false, Relaxed);
            ops.push(idx.resolve_ops(m));
            uses_this[m as usize] = idx.this_used.load(Relaxed);
        }
        idx.specialise(&uses_this);
        let mut has_copies = vec![false; idx.methods.len()];
        for &(o, _) in idx.specialised.keys() {
            has_copies[o as usize] = true;
        }
        for (m, resolved) in ops.iter_mut().enumerate() {
            let touches = resolved
                .iter()
                .any(|op| op.targets().iter().any(|&t| has_copies[t as usize]));
            if touches {
                *resolved = idx.resolve_ops(m as MethodId);
            }
        }
        for m in ops.len()..idx.methods.len() {
            let original = idx.methods[m].copy_of.unwrap_or(m as MethodId);
            let this = idx.copy_class[m - idx.copies_from];
            idx.this_class.store(this, Relaxed);
            ops.push(idx.resolve_ops(original));
            idx.this_class.store(NO_CLASS, Relaxed);
        }
        for m in 0..idx.methods.len() as MethodId {
            let mi = &idx.methods[m as usize];
            if mi.copy_of.is_some() {
                continue;
            }
            let ci = &idx.classes[mi.class as usize];
            let t = &mut idx.files[ci.file as usize].types[ci.ty as usize];
            match mi.idx {
                Some(i) => t.methods[i as usize].events = Default::default(),
                None => t.init = Default::default(),
            }
        }
        idx.ops = ops;
        idx
    }

    /// Copies of inherited instance methods that dispatch on `this`, one per
    /// subclass that inherits them, resolved with `this` typed as that subclass.
    ///
    /// A base trigger handler's `run()` calls `this.afterUpdate()`: with plain
    /// class-hierarchy analysis every handler's `afterUpdate` would be reached
    /// from every trigger. Called on an `AccountTriggerHandler` (its static type),
    /// the copy reaches only `AccountTriggerHandler.afterUpdate` and the overrides
    /// below it. At most one copy per (method, subclass) pair and at most as
    /// many copies as there are methods: beyond that, calls use the shared
    /// original (class-hierarchy analysis), so the index stays linear in size.
    fn specialise(&mut self, uses_this: &[bool]) {
        let cap = self.methods.len();
        let mut pairs = Vec::new();
        'classes: for x in 0..self.classes.len() as ClassId {
            if self.classes[x as usize].kind != TypeKind::Class {
                continue;
            }
            // Names (lower-case, arity) declared on the way up, nearest first.
            let mut declared: Vec<(Ident, u16)> = self
                .decl(x)
                .methods
                .iter()
                .map(|m| (m.lname.clone(), m.param_count))
                .collect();
            let mut cur = self.classes[x as usize].extends;
            let mut guard = 0;
            while let Some(s) = cur {
                for &m in &self.classes[s as usize].methods {
                    let Some(md) = self.method(m) else { continue };
                    if !uses_this[m as usize]
                        || md.is_static
                        || md.is_constructor
                        || md.is_test
                        || !md.has_body
                        || declared
                            .iter()
                            .any(|(n, p)| *n == md.lname && *p == md.param_count)
                    {
                        continue;
                    }
                    if pairs.len() >= cap {
                        break 'classes;
                    }
                    pairs.push((m, x));
                }
                declared.extend(
                    self.decl(s)
                        .methods
                        .iter()
                        .map(|m| (m.lname.clone(), m.param_count)),
                );
                cur = self.classes[s as usize].extends;
                guard += 1;
                if guard > 64 {
                    break;
                }
            }
        }
        self.copies_from = self.methods.len();
        for &(m, x) in &pairs {
            let id = self.methods.len() as MethodId;
            let mi = &self.methods[m as usize];
            let info = MethodInfo {
                class: mi.class,
                idx: mi.idx,
                copy_of: Some(m),
            };
            self.methods.push(info);
            self.copy_class.push(x);
            self.specialised.insert((m, x), id);
        }
    }

    /// The class of `this` in code of `ctx`: the subclass a copy is specialised
    /// to, else `ctx`.
    fn this_of(&self, ctx: ClassId) -> ClassId {
        match self.this_class.load(Relaxed) {
            NO_CLASS => ctx,
            x => x,
        }
    }

    /// A target found on receivers of static class `x`, replaced by its copy
    /// specialised to `x` when there is one.
    fn specialised_for(&self, m: MethodId, x: ClassId) -> MethodId {
        self.specialised.get(&(m, x)).copied().unwrap_or(m)
    }

    /// Methods that return an object made by `Type.newInstance()` (plugin
    /// factories: `return (Plugin) Type.forName(name).newInstance();`, or a call
    /// to another such method). Calls on what they return are left unresolved
    /// rather than dispatched to every implementation of the declared type.
    /// Helpers calling helpers are followed up to `DYNAMIC_ROUNDS` deep (each
    /// round is one pass over the methods' return calls).
    fn find_dynamic_returns(&mut self) {
        const DYNAMIC_ROUNDS: usize = 8;
        let n = self.methods.len();
        self.returns_dynamic = (0..n as MethodId)
            .map(|m| {
                self.method(m)
                    .and_then(|md| md.dyn_returns.as_ref())
                    .is_some_and(|calls| calls.is_empty())
            })
            .collect();
        for _ in 0..DYNAMIC_ROUNDS {
            let mut changed = false;
            let mut next = self.returns_dynamic.clone();
            for m in 0..n as MethodId {
                if next[m as usize] {
                    continue;
                }
                let Some(calls) = self.method(m).and_then(|md| md.dyn_returns.as_ref()) else {
                    continue;
                };
                let ctx = self.methods[m as usize].class;
                if calls.iter().all(|c| self.made_dynamically(c, ctx)) {
                    next[m as usize] = true;
                    changed = true;
                }
            }
            self.returns_dynamic = next;
            if !changed {
                break;
            }
        }
    }

    /// Whether a call gives an object made by `Type.newInstance()`.
    fn made_dynamically(&self, call: &Expr, ctx: ClassId) -> bool {
        let Expr::Call(recv, name, argc) = call else {
            return false;
        };
        let recv = recv.as_ref().map(|r| self.recv_of(r, ctx, 1));
        self.all_return_dynamic(&self.call_targets(recv.as_ref(), name, *argc as usize, ctx))
    }

    /// Whether a call resolves, and every method it may run returns an object
    /// made by `Type.newInstance()`.
    fn all_return_dynamic(&self, targets: &[MethodId]) -> bool {
        !targets.is_empty()
            && targets
                .iter()
                .all(|&t| self.returns_dynamic.get(t as usize) == Some(&true))
    }

    pub fn decl(&self, c: ClassId) -> &TypeDecl {
        let ci = &self.classes[c as usize];
        &self.files[ci.file as usize].types[ci.ty as usize]
    }

    /// The method's declaration; None for a synthetic initialiser.
    pub fn method(&self, m: MethodId) -> Option<&Method> {
        let mi = &self.methods[m as usize];
        mi.idx.map(|i| &self.decl(mi.class).methods[i as usize])
    }

    pub fn file_of_method(&self, m: MethodId) -> &FileModel {
        let c = self.methods[m as usize].class;
        &self.files[self.classes[c as usize].file as usize]
    }

    /// `Class.method` for messages (`Outer.Inner.method`; `Class.<init>`).
    pub fn method_display(&self, m: MethodId) -> String {
        let c = &self.classes[self.methods[m as usize].class as usize];
        match self.method(m) {
            Some(md) if c.kind == TypeKind::Trigger => format!("trigger {}", md.name),
            Some(md) => format!("{}.{}", c.display, md.name),
            None => format!("{}.<init>", c.display),
        }
    }

    fn compute_subtypes(&self, c: ClassId) -> Vec<ClassId> {
        let mut out = Vec::new();
        let mut seen = vec![false; 0];
        seen.resize(self.classes.len(), false);
        seen[c as usize] = true;
        let mut stack = self.classes[c as usize].subtypes.clone();
        while let Some(s) = stack.pop() {
            if seen[s as usize] {
                continue;
            }
            seen[s as usize] = true;
            out.push(s);
            stack.extend(self.classes[s as usize].subtypes.iter().copied());
        }
        out
    }

    /// Every transitive subtype of `c`.
    pub fn subtypes(&self, c: ClassId) -> &[ClassId] {
        self.all_subtypes
            .get(c as usize)
            .and_then(|s| s.as_deref())
            .unwrap_or(&[])
    }

    /// Resolves a (lower-case, generics stripped) class name as seen from `ctx`:
    /// inner classes of `ctx` and its outers, then top-level, then dotted names.
    pub fn lookup_class(&self, name: &str, ctx: ClassId) -> Option<ClassId> {
        let name = name.strip_prefix("system.").unwrap_or(name);
        if !name.contains('.') {
            let mut cur = Some(ctx);
            let mut guard = 0;
            while let Some(c) = cur {
                let ci = &self.classes[c as usize];
                if let Some(&i) = ci.inner.get(name) {
                    return Some(i);
                }
                if ci.qname.rsplit('.').next() == Some(name) {
                    return Some(c);
                }
                // Inner classes of superclasses are visible too.
                if let Some(e) = ci.extends {
                    if let Some(&i) = self.classes[e as usize].inner.get(name) {
                        return Some(i);
                    }
                }
                cur = ci.outer;
                guard += 1;
                if guard > 64 {
                    break;
                }
            }
        }
        self.by_name.get(name).copied().or_else(|| {
            // `c.Foo` (default namespace) or `ns.Foo`: try the last segments.
            let (_, rest) = name.split_once('.')?;
            self.by_name.get(rest).copied()
        })
    }

    /// Resolves a declared type name in the context of class `ctx`.
    pub fn resolve_type(&self, name: &str, ctx: ClassId) -> Ty {
        let (base, args) = split_generic(name);
        match base {
            "list" | "set" | "map" | "iterable" | "iterator" => Ty::Coll(
                base.to_string(),
                args.iter().map(|a| self.resolve_type(a, ctx)).collect(),
            ),
            "" => Ty::Unknown,
            _ => match self.lookup_class(base, ctx) {
                Some(c) => Ty::Class(c),
                None => Ty::Builtin(base.to_string()),
            },
        }
    }

    /// A field's (or property's) type, searching the class, its superclasses and,
    /// for static fields, its outer classes.
    fn field_type(&self, c: ClassId, name: &str) -> Option<Ty> {
        let mut cur = Some(c);
        let mut guard = 0;
        while let Some(k) = cur {
            if let Some(f) = self.decl(k).fields.iter().find(|f| f.lname == name) {
                return Some(self.resolve_type(&f.ty, k));
            }
            cur = self.classes[k as usize].extends;
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        let mut cur = self.classes[c as usize].outer;
        while let Some(k) = cur {
            if let Some(f) = self.decl(k).fields.iter().find(|f| f.lname == name) {
                return Some(self.resolve_type(&f.ty, k));
            }
            cur = self.classes[k as usize].outer;
        }
        None
    }

    /// A string constant's value ([`Field::literal`]): `NAME` in `ctx` (or its
    /// outers/supers), or `Cls.NAME`; with the class that declares it, where the
    /// value's own names resolve.
    pub fn constant_literal(&self, path: &[Ident], ctx: ClassId) -> Option<(&Expr, ClassId)> {
        let (owner, field) = match path {
            [f] => (ctx, f),
            [.., cls, f] => {
                let cname = path[..path.len() - 1].join(".");
                let _ = cls;
                (self.lookup_class(&cname, ctx)?, f)
            }
            [] => return None,
        };
        let mut cur = Some(owner);
        let mut guard = 0;
        while let Some(k) = cur {
            if let Some(f) = self.decl(k).fields.iter().find(|x| x.lname == *field) {
                return f.literal.as_deref().map(|e| (e, k));
            }
            cur = self.classes[k as usize]
                .extends
                .or(self.classes[k as usize].outer);
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        None
    }

    fn recv_of(&self, e: &Expr, ctx: ClassId, depth: u32) -> Recv {
        if depth > 32 {
            return Recv::Unknown;
        }
        match e {
            Expr::Name(path) => self.resolve_name(path, ctx),
            Expr::Super => match self.classes[ctx as usize].extends {
                Some(s) => Recv::Super(s),
                None => Recv::Unknown,
            },
            other => Recv::Instance(self.type_of(other, ctx, depth + 1)),
        }
    }

    fn resolve_name(&self, path: &[Ident], ctx: ClassId) -> Recv {
        let Some(first) = path.first() else {
            return Recv::Unknown;
        };
        // A field of this class (or its supers/outers), then further fields.
        if let Some(t) = self.field_type(ctx, first) {
            return Recv::Instance(self.field_chain(t, &path[1..]));
        }
        // The longest prefix naming a class, then static fields.
        for k in (1..=path.len()).rev() {
            let name = path[..k].join(".");
            if let Some(c) = self.lookup_class(&name, ctx) {
                if k == path.len() {
                    return Recv::StaticClass(c);
                }
                return match self.field_type(c, &path[k]) {
                    Some(t) => Recv::Instance(self.field_chain(t, &path[k + 1..])),
                    None => Recv::Unknown,
                };
            }
        }
        // A platform class or namespace.
        let segs: Vec<&str> = path.iter().map(|s| s.as_str()).collect();
        let segs = match segs.as_slice() {
            ["system", rest @ ..] if !rest.is_empty() => rest.to_vec(),
            s => s.to_vec(),
        };
        if segs.len() == 1 {
            Recv::StaticBuiltin(segs[0].to_string())
        } else {
            Recv::Unknown
        }
    }

    fn field_chain(&self, mut t: Ty, rest: &[Ident]) -> Ty {
        for f in rest {
            t = match t {
                Ty::Class(c) => self.field_type(c, f).unwrap_or(Ty::Unknown),
                _ => Ty::Unknown,
            };
        }
        t
    }

    /// The static type of an expression in class `ctx`.
    pub fn type_of(&self, e: &Expr, ctx: ClassId, depth: u32) -> Ty {
        if depth > 32 {
            return Ty::Unknown;
        }
        match e {
            Expr::Local { ty, .. } => self.resolve_type(ty, ctx),
            Expr::New(t) | Expr::Cast(t) => self.resolve_type(t, ctx),
            Expr::Str(_) | Expr::Concat(_) => Ty::Builtin("string".into()),
            Expr::This => {
                self.this_used.store(true, Relaxed);
                Ty::Class(self.this_of(ctx))
            }
            Expr::Super => self.classes[ctx as usize]
                .extends
                .map(Ty::Class)
                .unwrap_or(Ty::Unknown),
            Expr::Name(path) => match self.resolve_name(path, ctx) {
                Recv::Instance(t) => t,
                _ => Ty::Unknown,
            },
            Expr::Field(inner, f) => match self.type_of(inner, ctx, depth + 1) {
                Ty::Class(c) => self.field_type(c, f).unwrap_or(Ty::Unknown),
                _ => Ty::Unknown,
            },
            Expr::Index(inner) => match self.type_of(inner, ctx, depth + 1) {
                Ty::Coll(base, args) => elem_type(&base, &args, "get"),
                _ => Ty::Unknown,
            },
            Expr::Call(recv, name, argc) => {
                let recv = recv.as_ref().map(|r| self.recv_of(r, ctx, depth + 1));
                if let Some(Recv::Instance(Ty::Coll(base, args))) = &recv {
                    let t = elem_type(base, args, name);
                    if t != Ty::Unknown || !matches!(base.as_str(), "iterator" | "iterable") {
                        return t;
                    }
                }
                let targets = self.call_targets(recv.as_ref(), name, *argc as usize, ctx);
                if self.all_return_dynamic(&targets) {
                    return Ty::Builtin(DYNAMIC.into());
                }
                for t in targets {
                    if let Some(md) = self.method(t) {
                        if md.ret != "void" {
                            return self.resolve_type(&md.ret, self.methods[t as usize].class);
                        }
                    }
                }
                Ty::Unknown
            }
            Expr::Via(ty, call) => {
                if self.made_dynamically(call, ctx) {
                    Ty::Builtin(DYNAMIC.into())
                } else {
                    self.resolve_type(ty, ctx)
                }
            }
            Expr::Unknown => Ty::Unknown,
        }
    }

    /// Methods named `name` in `c` or its nearest superclass that has one,
    /// preferring those with `argc` parameters.
    fn find_methods(&self, c: ClassId, name: &str, argc: usize) -> Vec<MethodId> {
        let mut cur = Some(c);
        let mut guard = 0;
        while let Some(k) = cur {
            let found = self.methods_named(k, name, argc);
            if !found.is_empty() {
                return found;
            }
            // Interfaces extend other interfaces through `implements`.
            for &i in &self.classes[k as usize].implements {
                let found = self.methods_named(i, name, argc);
                if !found.is_empty() {
                    return found;
                }
            }
            cur = self.classes[k as usize].extends;
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        Vec::new()
    }

    fn methods_named(&self, c: ClassId, name: &str, argc: usize) -> Vec<MethodId> {
        let t = self.decl(c);
        let ci = &self.classes[c as usize];
        let named: Vec<(MethodId, &Method)> = ci
            .methods
            .iter()
            .map(|&m| {
                (
                    m,
                    &t.methods[self.methods[m as usize].idx.unwrap_or(0) as usize],
                )
            })
            .filter(|(_, md)| md.lname == name && !md.is_constructor)
            .collect();
        let exact: Vec<MethodId> = named
            .iter()
            .filter(|(_, md)| md.param_count as usize == argc)
            .map(|(m, _)| *m)
            .collect();
        if exact.is_empty() {
            named.into_iter().map(|(m, _)| m).collect()
        } else {
            exact
        }
    }

    /// Targets of a call, with class-hierarchy analysis for instance calls: the
    /// declared method and every override in every subtype in the repository.
    fn call_targets(
        &self,
        recv: Option<&Recv>,
        name: &str,
        argc: usize,
        ctx: ClassId,
    ) -> Vec<MethodId> {
        let (class, dispatch) = match recv {
            None => {
                // Unqualified: this class (and supers), else an outer class.
                let mut cur = Some(ctx);
                let mut out = Vec::new();
                while let Some(c) = cur {
                    let found = self.find_methods(c, name, argc);
                    if !found.is_empty() {
                        let is_static = found
                            .iter()
                            .all(|&m| self.method(m).map(|x| x.is_static).unwrap_or(false));
                        out = found;
                        if !is_static && c == ctx {
                            // Dispatch on `this`: its class may be a subclass.
                            self.this_used.store(true, Relaxed);
                            let this = self.this_of(ctx);
                            if this != ctx {
                                let own = self.find_methods(this, name, argc);
                                if !own.is_empty() {
                                    out = own;
                                }
                            }
                            out = out.iter().map(|&m| self.specialised_for(m, this)).collect();
                            self.add_overrides(&mut out, this, name, argc);
                        }
                        break;
                    }
                    cur = self.classes[c as usize].outer;
                }
                return out;
            }
            Some(Recv::Instance(Ty::Class(c))) => (*c, true),
            Some(Recv::StaticClass(c)) => (*c, false),
            Some(Recv::Super(c)) => (*c, false),
            // Platform interfaces implemented in the repository: `it.next()` on an
            // `Iterator<T>`, `c.call(…)` on a `Callable`.
            Some(Recv::Instance(Ty::Coll(base, args)))
                if base == "iterator" || base == "iterable" =>
            {
                return self.platform_dispatch(base, args, name, argc);
            }
            Some(Recv::Instance(Ty::Builtin(b))) if b == "callable" => {
                return self.platform_dispatch("callable", &[], name, argc);
            }
            _ => return Vec::new(),
        };
        let mut out = self.find_methods(class, name, argc);
        if dispatch {
            out = out
                .iter()
                .map(|&m| self.specialised_for(m, class))
                .collect();
            self.add_overrides(&mut out, class, name, argc);
        }
        out
    }

    fn add_overrides(&self, out: &mut Vec<MethodId>, class: ClassId, name: &str, argc: usize) {
        for &s in self.subtypes(class) {
            for m in self.methods_named(s, name, argc) {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
    }

    fn class_of_expr(&self, e: &Expr, ctx: ClassId) -> Option<ClassId> {
        match self.type_of(e, ctx, 0) {
            Ty::Class(c) => Some(c),
            _ => None,
        }
    }

    /// Methods named `name` declared in `c` or inherited, for async entry points.
    fn entry_points(&self, c: ClassId, names: &[&str]) -> Vec<MethodId> {
        let mut out = Vec::new();
        for n in names {
            let mut cur = Some(c);
            let mut guard = 0;
            while let Some(k) = cur {
                let found = self.methods_named(k, n, usize::MAX);
                if !found.is_empty() {
                    out.extend(found);
                    break;
                }
                cur = self.classes[k as usize].extends;
                guard += 1;
                if guard > 64 {
                    break;
                }
            }
        }
        out
    }

    fn resolve_ops(&self, m: MethodId) -> Vec<Op> {
        let mi = &self.methods[m as usize];
        let ctx = mi.class;
        let events = match mi.idx {
            Some(i) => &self.decl(ctx).methods[i as usize].events,
            None => &self.decl(ctx).init,
        };
        let mut ops = Vec::new();
        for ev in events.iter() {
            match ev {
                Event::New {
                    ty,
                    line,
                    caught,
                    guard,
                } => {
                    if let Ty::Class(c) = self.resolve_type(&ty, ctx) {
                        let ci = &self.classes[c as usize];
                        let mut targets = vec![ci.init];
                        let t = self.decl(c);
                        targets.extend(ci.methods.iter().copied().filter(|&mm| {
                            t.methods[self.methods[mm as usize].idx.unwrap_or(0) as usize]
                                .is_constructor
                        }));
                        ops.push(Op::Call {
                            targets,
                            line,
                            caught,
                            guard,
                        });
                    }
                }
                Event::Call(call) => {
                    if let Some(mut op) = self.resolve_call(&call, ctx) {
                        // A static method's class is initialised (static blocks and
                        // field initialisers) before its first use.
                        if let Op::Call { targets, .. } | Op::Dml { targets, .. } = &mut op {
                            let inits: Vec<MethodId> = targets
                                .iter()
                                .filter(|&&t| self.method(t).is_some_and(|md| md.is_static))
                                .map(|&t| self.methods[t as usize].class)
                                // Code of a class runs after that class was initialised.
                                .filter(|&c| c != ctx)
                                .map(|c| self.classes[c as usize].init)
                                .collect();
                            for i in inits {
                                if !targets.contains(&i) {
                                    targets.insert(0, i);
                                }
                            }
                        }
                        ops.push(op);
                    }
                }
            }
        }
        ops
    }

    fn resolve_call(&self, call: &Call, ctx: ClassId) -> Option<Op> {
        let recv = call.recv.as_ref().map(|r| self.recv_of(r, ctx, 0));
        let line = call.line;
        let caught = call.caught;
        let guard = call.guard;
        let name = call.name.as_str();
        // `Cache.Org.get(X.class, key)`, `partition.get(X.class, key)`: the platform runs
        // X.doLoad(key) on a cache miss, X being a Cache.CacheBuilder of the repository.
        if let (true, Some(Expr::Name(p))) = (name == "get" && call.argc >= 2, call.args.first()) {
            if p.len() >= 2 && p.last().map(Ident::as_str) == Some("class") {
                let cname = p[..p.len() - 1].join(".");
                let builder = self.lookup_class(&cname, ctx).filter(|c| {
                    self.platform_impls
                        .get("cache.cachebuilder")
                        .is_some_and(|v| v.iter().any(|(k, _)| k == c))
                });
                if let Some(c) = builder {
                    let targets = self.entry_points(c, &["doload"]);
                    if !targets.is_empty() {
                        return Some(Op::Call {
                            targets,
                            line,
                            caught,
                            guard,
                        });
                    }
                }
            }
        }
        if let Some(Recv::StaticBuiltin(b)) = &recv {
            let arg_class = |i: usize| call.args.get(i).and_then(|a| self.class_of_expr(a, ctx));
            return match (b.as_str(), name) {
                ("test", "setmock") => Some(Op::SetMock {
                    kinds: mock_kinds(call.args.first()),
                    line,
                }),
                ("test", "starttest") => Some(Op::StartTest),
                ("test", "stoptest") => Some(Op::StopTest { caught, line }),
                ("webservicecallout", "invoke") => Some(Op::Callout {
                    kind: SOAP,
                    line,
                    caught,
                    guard,
                }),
                ("database", verb) if trigger_events::DML_VERBS.contains(&verb) => {
                    self.dml(verb, call.args.first()?, ctx, (line, caught, guard))
                }
                // `EventBus.publish(event | events)` inserts platform events: their after
                // insert triggers run (in a test at Test.getEventBus().deliver() or
                // Test.stopTest()).
                ("eventbus", "publish") => {
                    self.dml("insert", call.args.first()?, ctx, (line, caught, guard))
                }
                ("system", "enqueuejob") => arg_class(0).map(|c| Op::Async {
                    targets: self.entry_points(c, &["execute"]),
                    line,
                    guard,
                }),
                ("database", "executebatch") => arg_class(0).map(|c| Op::Async {
                    targets: self.entry_points(c, &["start", "execute", "finish"]),
                    line,
                    guard,
                }),
                ("system", "schedule") => arg_class(2).map(|c| Op::Async {
                    targets: self.entry_points(c, &["execute"]),
                    line,
                    guard,
                }),
                _ => None,
            };
        }
        if name == "send" && call.argc == 1 {
            if let Some(Recv::Instance(Ty::Builtin(b))) = &recv {
                if b == "http" {
                    return Some(Op::Callout {
                        kind: HTTP,
                        line,
                        caught,
                        guard,
                    });
                }
            }
        }
        let targets = self.call_targets(recv.as_ref(), name, call.argc as usize, ctx);
        if targets.is_empty() {
            return None;
        }
        let (asyncs, syncs): (Vec<MethodId>, Vec<MethodId>) = targets
            .into_iter()
            .partition(|&t| self.method(t).map(|m| m.is_future).unwrap_or(false));
        match (asyncs.is_empty(), syncs.is_empty()) {
            (true, _) => Some(Op::Call {
                targets: syncs,
                line,
                caught,
                guard,
            }),
            (false, true) => Some(Op::Async {
                targets: asyncs,
                line,
                guard,
            }),
            (false, false) => Some(Op::Call {
                targets: syncs.into_iter().chain(asyncs).collect(),
                line,
                caught,
                guard,
            }),
        }
    }

    /// A DML statement on `arg`: the triggers on its sObject type whose events
    /// the verb fires. None when the type is not known (`SObject`, a generic
    /// list) or no trigger matches.
    fn dml(&self, verb: &str, arg: &Expr, ctx: ClassId, at: (u32, bool, u8)) -> Option<Op> {
        let (line, caught, guard) = at;
        let object = match self.type_of(arg, ctx, 0) {
            Ty::Builtin(n) => n,
            Ty::Coll(base, args) if base == "list" || base == "set" => match args.first() {
                Some(Ty::Builtin(n)) => n.clone(),
                _ => return None,
            },
            _ => return None,
        };
        let events = trigger_events::of_dml(verb);
        let mut targets = Vec::new();
        let mut display = None;
        for &c in self.triggers.get(object.as_str())? {
            let t = self.decl(c);
            if t.trigger_events & events == 0 {
                continue;
            }
            if let Some(&m) = self.classes[c as usize].methods.first() {
                targets.push(m);
                display = display.or_else(|| t.trigger_object_display.clone());
            }
        }
        if targets.is_empty() {
            return None;
        }
        let verb = trigger_events::DML_VERBS.iter().find(|v| **v == verb)?;
        Some(Op::Dml {
            targets,
            line,
            caught,
            guard,
            verb,
            events,
            object: display.unwrap_or(object),
        })
    }

    /// A call on a value of a platform interface: the method in every class of the
    /// repository implementing it (and their overrides).
    fn platform_dispatch(&self, base: &str, args: &[Ty], name: &str, argc: usize) -> Vec<MethodId> {
        let mut out = Vec::new();
        for c in self.platform_implementations(base, args) {
            for m in self.find_methods(c, name, argc) {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
            self.add_overrides(&mut out, c, name, argc);
        }
        out
    }

    /// Classes of the repository implementing the platform interface `base`
    /// (`iterator`, `iterable`, `callable`) with type arguments `args` (any,
    /// when either side has none).
    fn platform_implementations(&self, base: &str, args: &[Ty]) -> Vec<ClassId> {
        let Some(impls) = self.platform_impls.get(base) else {
            return Vec::new();
        };
        impls
            .iter()
            .filter(|(c, iargs)| {
                args.is_empty()
                    || iargs.is_empty()
                    || (iargs.len() == args.len()
                        && iargs
                            .iter()
                            .zip(args)
                            .all(|(a, want)| self.resolve_type(a, *c) == *want))
            })
            .map(|(c, _)| *c)
            .collect()
    }
}

/// `Test.setMock(HttpCalloutMock.class, …)` → HTTP; `WebServiceMock.class` → SOAP;
/// anything else (a `Type` variable) might be either.
fn mock_kinds(arg: Option<&Expr>) -> u8 {
    match arg {
        Some(Expr::Name(path))
            if path.last().map(|s| s.as_str()) == Some("class") && path.len() >= 2 =>
        {
            match path[path.len() - 2].as_str() {
                "httpcalloutmock" => HTTP,
                "webservicemock" => SOAP,
                _ => 0,
            }
        }
        _ => HTTP | SOAP,
    }
}

fn elem_type(base: &str, args: &[Ty], method: &str) -> Ty {
    match (base, method) {
        ("list" | "set" | "iterable" | "iterator", "get" | "next" | "remove") => {
            args.first().cloned().unwrap_or(Ty::Unknown)
        }
        ("list" | "set" | "iterable", "iterator") => Ty::Coll("iterator".into(), args.to_vec()),
        ("map", "get" | "remove") => args.get(1).cloned().unwrap_or(Ty::Unknown),
        ("map", "values") => Ty::Coll("list".into(), args.get(1).cloned().into_iter().collect()),
        ("map", "keyset") => Ty::Coll("set".into(), args.first().cloned().into_iter().collect()),
        _ => Ty::Unknown,
    }
}
