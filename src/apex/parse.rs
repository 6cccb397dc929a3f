//! A tolerant hand-written Apex parser over the lexer's tokens.
//!
//! It recovers declarations (classes, interfaces, enums, triggers, inner types,
//! fields, properties, methods, constructors, annotations, modifiers) and walks
//! method bodies for the events the analyses need: calls with typed receivers,
//! `new`, local variables and their declared types, HTTP request creation,
//! `setTimeout`, `setEndpoint` and `send`. It never panics: every token access is
//! bounds-checked, recursion is depth-limited, and every loop makes progress.

use super::lexer::{self, Kind, Lexed, Token};
use super::model::*;
use std::collections::HashMap;

const MAX_DEPTH: u32 = 200;

/// Keywords that start statements or are operators, never types or variables.
const KEYWORDS: &[&str] = &[
    "return",
    "throw",
    "new",
    "if",
    "else",
    "for",
    "while",
    "do",
    "try",
    "catch",
    "finally",
    "switch",
    "when",
    "break",
    "continue",
    "insert",
    "update",
    "upsert",
    "delete",
    "undelete",
    "merge",
    "instanceof",
    "final",
    "null",
    "true",
    "false",
    "this",
    "super",
    "class",
    "interface",
    "enum",
];

const MODIFIERS: &[&str] = &[
    "public",
    "private",
    "protected",
    "global",
    "static",
    "final",
    "abstract",
    "virtual",
    "override",
    "transient",
    "webservice",
    "testmethod",
    "with",
    "without",
    "inherited",
    "sharing",
];

/// Parses one file. Lexing problems (unterminated comment or string) and
/// structural problems are returned in `problems`; what could be parsed is kept.
pub fn parse_file(rel: &str, src: &[u8]) -> FileModel {
    parse(rel, src, false)
}

/// Like [`parse_file`], also collecting every reference to another component
/// (types, sObjects, fields, labels, `Type.forName` literals) in `refs`.
pub fn parse_file_with_refs(rel: &str, src: &[u8]) -> FileModel {
    parse(rel, src, true)
}

fn parse(rel: &str, src: &[u8], collect_refs: bool) -> FileModel {
    let mut model = FileModel {
        rel: rel.to_string(),
        bytes: src.len() as u64,
        ..Default::default()
    };
    let lexed = match lexer::lex(src) {
        Ok(l) => l,
        Err(e) => {
            model.problems.push(e);
            return model;
        }
    };
    let mut p = Parser {
        src,
        toks: &lexed.tokens,
        lx: &lexed,
        pos: 0,
        depth: 0,
        types: Vec::new(),
        problems: Vec::new(),
        not_in_tests: Vec::new(),
        caught_ranges: Vec::new(),
        trigger_guards: Vec::new(),
        test_flags: HashMap::new(),
        refs: collect_refs.then(Vec::new),
        cur_type: None,
        ctor_type: None,
        last_cast_operand: None,
        last_ternary: None,
    };
    p.prescan_test_flags();
    p.parse_top();
    if p.types.is_empty() && !lexed.tokens.is_empty() {
        p.problems.push(lexer::LexError {
            line: lexed.tokens[0].line,
            column: 1,
            message: "no class, interface, enum or trigger declaration found".into(),
        });
    }
    model.types = p.types;
    model.problems = p.problems;
    model.refs = p.refs.unwrap_or_default();
    model.directive_targets = lexed
        .directives
        .iter()
        .map(|d| {
            if d.trailing {
                d.line
            } else {
                let i = lexed.tokens.partition_point(|t| t.line <= d.line);
                lexed.tokens.get(i).map(|t| t.line).unwrap_or(d.line)
            }
        })
        .collect();
    model.directives = lexed.directives;
    model
}

struct Parser<'a> {
    src: &'a [u8],
    toks: &'a [Token],
    lx: &'a Lexed,
    pos: usize,
    depth: u32,
    types: Vec<TypeDecl>,
    problems: Vec<lexer::LexError>,
    /// Token ranges `[start, end)` that never run in a test: the branch of an
    /// `if (Test.isRunningTest())` guard that tests skip.
    not_in_tests: Vec<(usize, usize)>,
    /// Token ranges `[start, end)` of `try` bodies whose catch swallows a
    /// `CalloutException`.
    caught_ranges: Vec<(usize, usize)>,
    /// Token ranges `[start, end)` that run only in some trigger contexts: the
    /// branches of `if (Trigger.isInsert …)` and of `switch on
    /// Trigger.operationType`, with the contexts ([`trigger_events`] bits).
    trigger_guards: Vec<(usize, usize, u8)>,
    /// Names assigned exactly once in the file, from `Test.isRunningTest()`
    /// (`true`) or its negation (`false`): guards held in a variable or field.
    test_flags: HashMap<Ident, bool>,
    /// References, when collecting them.
    refs: Option<Vec<ApexRef>>,
    /// The type whose body is being parsed.
    cur_type: Option<usize>,
    /// The operand of the last cast parsed (`(T) operand`).
    last_cast_operand: Option<Expr>,
    /// The last ternary parsed: where its expression starts, and each branch
    /// (its value, whether it is `null`, the operand if it is a cast).
    #[allow(clippy::type_complexity)]
    last_ternary: Option<(usize, Vec<(Expr, bool, Option<Expr>)>)>,
    /// Inside `new T(...)`: T as written (for `Field__c = value` arguments of
    /// sObject constructors).
    ctor_type: Option<String>,
}

/// Per-body state: local scopes and HTTP request tracking.
#[derive(Default)]
struct Body {
    events: crate::apex::events::EventBuf,
    /// (name, type, block depth, string value: see [`str_value`])
    locals: Vec<(Ident, TypeName, u32, Option<Expr>)>,
    block_depth: u32,
    requests: HashMap<Ident, ReqState>,
    untimed: Vec<UntimedSend>,
    endpoints: Vec<EndpointSet>,
    /// The last asynchronous-work event recorded (`System.enqueueJob`,
    /// `Database.executeBatch`, `System.schedule`): its index in `events`.
    last_async: Option<u32>,
    /// Locals holding the id of a job queued in this body: (event index, block
    /// depth of the assignment).
    job_locals: HashMap<Ident, (u32, u32)>,
    /// Events of jobs aborted (`System.abortJob(id)`) before they could run.
    aborted: Vec<u32>,
    /// Locals holding an object made by `Type.newInstance()`.
    dynamic: Vec<Ident>,
    /// Locals of a repository type initialised from a call (see `Expr::Via`).
    via: HashMap<Ident, Expr>,
    /// What the `return`s give, for `Method::dyn_returns` (None once one gives
    /// something that is not made by `Type.newInstance()`).
    returns: Option<Vec<Expr>>,
    saw_return: bool,
    /// The string value of the pattern of the last `String.format(...)` call
    /// recorded, taken by [`str_value`] when it reads that call's result.
    format: Option<Expr>,
}

/// The type given to values whose class is chosen at run time (`Type.newInstance()`
/// with a computed type, as trigger frameworks dispatching through custom metadata
/// do): a platform type, so calls on them resolve to nothing rather than to every
/// implementation of the interface they are cast to.
const DYNAMIC: &str = "object";

/// Whether an expression is an object made by `Type.newInstance()` (a
/// zero-argument `newInstance()`: fflib-style factories such as
/// `Application.Service.newInstance(IService.class)` take the interface and stay
/// resolved through it), a cast of one, or a local holding one.
fn is_dynamic(b: &Body, e: &Expr) -> bool {
    match e {
        // `Type.forName(name).newInstance()`, or `t.newInstance()` on a local `Type`
        // computed by a call (`Type t = Type.forName(name);`, `Type t =
        // typeFor(name);`). Not on a `Type` parameter or a map lookup: factories
        // such as fflib's `Application.Service.newInstance(IService.class)` map
        // an interface to its implementation, which class-hierarchy analysis
        // over that interface covers.
        Expr::Call(Some(recv), name, 0) if name == "newinstance" => match recv.as_ref() {
            Expr::Call(_, f, _) => f == "forname",
            Expr::Local { name, ty } => ty == "type" && b.via.contains_key(name),
            Expr::Via(ty, _) => ty == "type",
            _ => false,
        },
        Expr::Cast(t) => t == DYNAMIC,
        Expr::Local { name, .. } => b.dynamic.contains(name),
        _ => false,
    }
}

/// At `return e;`: what `e` is, for `Method::dyn_returns`.
fn note_return(b: &mut Body, e: &Expr, cast_operand: Option<Expr>) {
    let e = match (e, cast_operand) {
        (Expr::Cast(t), Some(op)) if t != DYNAMIC => op,
        (e, _) => e.clone(),
    };
    if !b.saw_return {
        b.saw_return = true;
        b.returns = Some(Vec::new());
    }
    if is_dynamic(b, &e) {
        return;
    }
    let call = match &e {
        Expr::Call(..) => Some(strip_names(e.clone())),
        Expr::Via(_, c) => Some((**c).clone()),
        Expr::Local { name, .. } => b.via.get(name).cloned(),
        _ => None,
    };
    match (call, b.returns.as_mut()) {
        (Some(c), Some(list)) if list.len() < 8 => list.push(c),
        _ => b.returns = None,
    }
}

#[derive(Clone, Copy)]
struct ReqState {
    created_line: u32,
    timed: bool,
    /// Passed to another method before sending: that method may set the timeout.
    escaped: bool,
}

impl Body {
    fn local(&self, lname: &str) -> Option<&(Ident, TypeName, u32, Option<Expr>)> {
        self.locals.iter().rev().find(|l| l.0 == lname)
    }

    /// The string value a local holds now (updated on `=` and `+=`).
    fn local_value(&mut self, lname: &str) -> Option<&mut Option<Expr>> {
        self.locals
            .iter_mut()
            .rev()
            .find(|l| l.0 == lname)
            .map(|l| &mut l.3)
    }
}

/// The value shape of a string expression, as far as `hardcoded-endpoint` needs
/// it: a literal (`Str`), a constant or field (`Name`, resolved by the index), or
/// a string that starts with one of those (`Concat` of it: a `+` chain, `+=`, or
/// `String.format` of such a pattern). A local is replaced by the value it holds.
fn str_value(b: &mut Body, e: &Expr) -> Option<Expr> {
    match e {
        Expr::Str(_) | Expr::Name(_) => Some(e.clone()),
        Expr::Local { name, .. } => b.local(name).and_then(|l| l.3.clone()),
        Expr::Concat(inner) => str_value(b, inner).map(str_prefix),
        Expr::Call(Some(recv), name, _) if name == "format" && is_string_class(recv) => {
            b.format.take().map(str_prefix)
        }
        _ => None,
    }
}

/// A string that starts with `v`.
fn str_prefix(v: Expr) -> Expr {
    match v {
        c @ Expr::Concat(_) => c,
        v => Expr::Concat(Box::new(v)),
    }
}

fn is_string_class(e: &Expr) -> bool {
    matches!(e, Expr::Name(p) if p.len() == 1 && p[0] == "string")
}

fn is_http_request(ty: &str) -> bool {
    ty == "httprequest"
}

impl<'a> Parser<'a> {
    // ---- token helpers -------------------------------------------------
    fn tok(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }
    fn text(&self, i: usize) -> &'a [u8] {
        match self.toks.get(i) {
            Some(t) => &self.src[t.start as usize..t.end as usize],
            None => b"",
        }
    }
    /// The source from token `a` to the end of token `b - 1`.
    fn src_between(&self, a: usize, b: usize) -> &'a [u8] {
        match (
            self.toks.get(a),
            b.checked_sub(1).and_then(|e| self.toks.get(e)),
        ) {
            (Some(s), Some(e)) if e.end >= s.start => &self.src[s.start as usize..e.end as usize],
            _ => self.text(a),
        }
    }
    fn is_p(&self, i: usize, c: u8) -> bool {
        matches!(self.tok(i), Some(t) if t.kind == Kind::Punct(c))
    }
    fn is_op(&self, i: usize, op: &str) -> bool {
        matches!(self.tok(i), Some(t) if t.kind == Kind::Op) && self.text(i) == op.as_bytes()
    }
    fn is_ident(&self, i: usize) -> bool {
        matches!(self.tok(i), Some(t) if t.kind == Kind::Ident)
    }
    fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.is_ident(i) && self.text(i).eq_ignore_ascii_case(kw.as_bytes())
    }
    fn is_any_kw(&self, i: usize, list: &[&str]) -> bool {
        self.is_ident(i) && {
            let t = self.text(i);
            list.iter().any(|k| t.eq_ignore_ascii_case(k.as_bytes()))
        }
    }
    /// An identifier usable as a name (not a statement keyword).
    fn is_name(&self, i: usize) -> bool {
        self.is_ident(i) && !self.is_any_kw(i, KEYWORDS)
    }
    fn lower(&self, i: usize) -> Ident {
        let t = self.text(i);
        match std::str::from_utf8(t) {
            Ok(s) => Ident::from(s).to_ascii_lowercase(),
            Err(_) => Ident::from(String::from_utf8_lossy(t).to_ascii_lowercase()),
        }
    }
    fn orig(&self, i: usize) -> String {
        String::from_utf8_lossy(self.text(i)).into_owned()
    }
    fn line(&self, i: usize) -> u32 {
        self.tok(i)
            .or(self.toks.last())
            .map(|t| t.line)
            .unwrap_or(1)
    }
    fn col(&self, i: usize) -> u32 {
        self.tok(i).map(|t| self.lx.column(t.start)).unwrap_or(1)
    }
    fn eof(&self) -> bool {
        self.pos >= self.toks.len()
    }
    /// From an opening bracket at `i`, the index just past its match (or EOF).
    fn skip_balanced(&self, i: usize) -> usize {
        let (open, close) = match self.tok(i).map(|t| t.kind) {
            Some(Kind::Punct(b'{')) => (b'{', b'}'),
            Some(Kind::Punct(b'(')) => (b'(', b')'),
            Some(Kind::Punct(b'[')) => (b'[', b']'),
            _ => return i + 1,
        };
        let mut depth = 0usize;
        let mut j = i;
        while j < self.toks.len() {
            if self.is_p(j, open) {
                depth += 1;
            } else if self.is_p(j, close) {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            j += 1;
        }
        j
    }
    fn problem(&mut self, i: usize, message: String) {
        let line = self.line(i);
        let column = self.col(i);
        self.problems.push(lexer::LexError {
            line,
            column,
            message,
        });
    }

    // ---- types ---------------------------------------------------------

    /// Parses a type at `i`: `A.B<C, D<E>>[]`. Returns the normalised name and the
    /// index after it, without moving `pos`.
    fn type_at(&self, i: usize, depth: u32) -> Option<(TypeName, usize)> {
        if depth > 32 || !self.is_ident(i) || self.is_any_kw(i, KEYWORDS) {
            return None;
        }
        let mut name = self.lower(i);
        let mut j = i + 1;
        while self.is_p(j, b'.') && self.is_ident(j + 1) {
            name.push('.');
            name.push_str(&self.lower(j + 1));
            j += 2;
        }
        if self.is_p(j, b'<') {
            let mut args = Vec::new();
            let mut k = j + 1;
            loop {
                let (a, next) = self.type_at(k, depth + 1)?;
                args.push(a);
                k = next;
                if self.is_p(k, b',') {
                    k += 1;
                    continue;
                }
                if self.is_p(k, b'>') {
                    k += 1;
                    break;
                }
                return None;
            }
            name.push('<');
            name.push_str(&args.join(","));
            name.push('>');
            j = k;
        }
        let mut array = false;
        while self.is_p(j, b'[') && self.is_p(j + 1, b']') {
            array = true;
            j += 2;
        }
        let name = normalise_type(name);
        Some((
            if array {
                format!("list<{name}>").into()
            } else {
                name
            },
            j,
        ))
    }

    // ---- declarations --------------------------------------------------

    fn parse_annotations_and_modifiers(&mut self) -> (Vec<Annotation>, Vec<Ident>, u32) {
        let start_line = self.line(self.pos);
        let mut anns = Vec::new();
        let mut mods = Vec::new();
        loop {
            if self.is_p(self.pos, b'@') && self.is_ident(self.pos + 1) {
                let mut ann = Annotation {
                    name: self.lower(self.pos + 1),
                    line: self.line(self.pos),
                    column: self.col(self.pos),
                    ..Default::default()
                };
                self.pos += 2;
                while self.is_p(self.pos, b'.') && self.is_ident(self.pos + 1) {
                    ann.name = self.lower(self.pos + 1);
                    self.pos += 2;
                }
                if self.is_p(self.pos, b'(') {
                    let end = self.skip_balanced(self.pos);
                    let mut k = self.pos + 1;
                    while k + 1 < end {
                        if self.tok(k).map(|t| t.kind) == Some(Kind::Str) {
                            ann.strings.push(unquote(self.text(k)));
                        }
                        k += 1;
                    }
                    self.pos = end;
                }
                anns.push(ann);
            } else if self.is_any_kw(self.pos, MODIFIERS) {
                mods.push(self.lower(self.pos));
                self.pos += 1;
            } else {
                break;
            }
        }
        (anns, mods, start_line)
    }

    fn parse_top(&mut self) {
        while !self.eof() {
            let (anns, mods, decl_line) = self.parse_annotations_and_modifiers();
            if self.is_any_kw(self.pos, &["class", "interface", "enum"])
                && self.is_ident(self.pos + 1)
            {
                self.parse_type_decl(anns, mods, None, decl_line);
            } else if self.is_kw(self.pos, "trigger") && self.is_ident(self.pos + 1) {
                self.parse_trigger(decl_line);
            } else if !self.eof() {
                self.pos += 1;
            }
        }
    }

    fn parse_type_decl(
        &mut self,
        anns: Vec<Annotation>,
        mods: Vec<Ident>,
        outer: Option<usize>,
        decl_line: u32,
    ) {
        let kind = if self.is_kw(self.pos, "interface") {
            TypeKind::Interface
        } else if self.is_kw(self.pos, "enum") {
            TypeKind::Enum
        } else {
            TypeKind::Class
        };
        let name_i = self.pos + 1;
        let name = self.orig(name_i);
        let (qname, display) = match outer {
            Some(o) => (
                format!("{}.{}", self.types[o].qname, name.to_ascii_lowercase()),
                format!("{}.{}", self.types[o].display, name),
            ),
            None => (name.to_ascii_lowercase(), name.clone()),
        };
        let is_test =
            anns.iter().any(|a| a.name == "istest") || mods.iter().any(|m| m == "testmethod");
        let idx = self.types.len();
        self.types.push(TypeDecl {
            name: name.clone(),
            qname,
            display,
            kind,
            outer,
            extends: None,
            implements: Vec::new(),
            is_test,
            annotations: kept_annotations(anns),
            fields: Vec::new(),
            methods: Vec::new(),
            init: Default::default(),
            has_code: false,
            trigger_object: None,
            trigger_object_display: None,
            trigger_events: 0,
            decl_line,
            line: self.line(name_i),
        });
        self.pos = name_i + 1;
        // Header: extends / implements, up to the body.
        while !self.eof() && !self.is_p(self.pos, b'{') {
            if self.is_kw(self.pos, "extends") || self.is_kw(self.pos, "implements") {
                let is_ext = self.is_kw(self.pos, "extends");
                self.pos += 1;
                while let Some((t, next)) = self.type_at(self.pos, 0) {
                    self.note_type_span(self.pos, next);
                    if is_ext && kind == TypeKind::Class && self.types[idx].extends.is_none() {
                        self.types[idx].extends = Some(t);
                    } else {
                        self.types[idx].implements.push(t);
                    }
                    self.pos = next;
                    if self.is_p(self.pos, b',') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            } else if self.is_p(self.pos, b';') || self.is_p(self.pos, b'}') {
                self.problem(
                    self.pos,
                    format!("expected `{{` to open the body of {name}"),
                );
                return;
            } else {
                self.pos += 1;
            }
        }
        if self.eof() {
            self.problem(
                self.toks.len().saturating_sub(1),
                format!("unexpected end of file in the declaration of {name}"),
            );
            return;
        }
        if kind == TypeKind::Enum {
            self.pos = self.skip_balanced(self.pos);
            return;
        }
        self.parse_class_body(idx);
    }

    fn parse_trigger(&mut self, decl_line: u32) {
        let name_i = self.pos + 1;
        let name = self.orig(name_i);
        let mut obj = None;
        let mut obj_display = None;
        let mut j = name_i + 1;
        if self.is_kw(j, "on") {
            if let Some((t, next)) = self.type_at(j + 1, 0) {
                let name = String::from_utf8_lossy(self.src_between(j + 1, next)).into_owned();
                self.note_ref(RefKind::Object, self.orig(j + 1), j + 1, None);
                obj = Some(normalise_type(t));
                obj_display = Some(name);
                j = next;
            }
        }
        // `(before insert, after update, …)`
        let mut events = 0u8;
        while j < self.toks.len() && !self.is_p(j, b'{') {
            if self.is_any_kw(j, &["before", "after"]) && self.is_ident(j + 1) {
                let when = self.lower(j);
                let op = self.lower(j + 1);
                events |= trigger_events::parse(&when, &op).unwrap_or(0);
            }
            j += 1;
        }
        let idx = self.types.len();
        self.types.push(TypeDecl {
            name: name.clone(),
            qname: name.to_ascii_lowercase(),
            display: name.clone(),
            kind: TypeKind::Trigger,
            outer: None,
            extends: None,
            implements: Vec::new(),
            is_test: false,
            annotations: Vec::new(),
            fields: Vec::new(),
            methods: Vec::new(),
            init: Default::default(),
            has_code: true,
            trigger_object: obj,
            trigger_object_display: obj_display,
            trigger_events: events,
            decl_line,
            line: self.line(name_i),
        });
        self.pos = j;
        if self.eof() {
            self.problem(j.saturating_sub(1), format!("trigger {name} has no body"));
            return;
        }
        let mut method = Method {
            name: name.clone(),
            lname: name.to_ascii_lowercase().into(),
            ret: "void".into(),
            decl_line,
            line: self.line(name_i),
            column: self.col(name_i),
            has_body: true,
            ..Default::default()
        };
        let mut body = Body::default();
        self.cur_type = Some(idx);
        self.walk_block(&mut body);
        self.cur_type = None;
        finish_method(&mut method, body);
        self.types[idx].methods.push(method);
    }

    fn parse_class_body(&mut self, idx: usize) {
        let saved = self.cur_type.replace(idx);
        self.parse_class_body_inner(idx);
        self.cur_type = saved;
    }

    fn parse_class_body_inner(&mut self, idx: usize) {
        self.depth += 1;
        if self.depth > 64 {
            self.problem(self.pos, "classes nested too deeply".into());
            self.pos = self.skip_balanced(self.pos);
            self.depth -= 1;
            return;
        }
        let class_name = self.types[idx].name.to_ascii_lowercase();
        self.pos += 1; // `{`
        loop {
            if self.eof() {
                let name = self.types[idx].display.clone();
                self.problem(
                    self.toks.len().saturating_sub(1),
                    format!(
                        "unexpected end of file: the body of {name} is not closed (missing `}}`)"
                    ),
                );
                break;
            }
            if self.is_p(self.pos, b'}') {
                self.pos += 1;
                break;
            }
            if self.is_p(self.pos, b';') {
                self.pos += 1;
                continue;
            }
            let start = self.pos;
            let (anns, mods, decl_line) = self.parse_annotations_and_modifiers();
            if self.is_any_kw(self.pos, &["class", "interface", "enum"])
                && self.is_ident(self.pos + 1)
            {
                self.parse_type_decl(anns, mods, Some(idx), decl_line);
                continue;
            }
            if self.is_p(self.pos, b'{') {
                // Initialiser block (static or instance).
                self.types[idx].has_code = true;
                let mut body = Body::default();
                self.walk_block(&mut body);
                self.types[idx].init.extend(body.events);
                continue;
            }
            let is_static = mods.iter().any(|m| m == "static");
            // Constructor: `Name(`.
            if self.is_ident(self.pos)
                && self.is_p(self.pos + 1, b'(')
                && self.lower(self.pos) == class_name
            {
                let name_i = self.pos;
                self.parse_method(idx, anns, &mods, decl_line, name_i, "void".into(), true);
                continue;
            }
            if let Some((ty, next)) = self.type_at(self.pos, 0) {
                if self.is_ident(next) {
                    self.note_type_span(self.pos, next);
                    let name_i = next;
                    if self.is_p(name_i + 1, b'(') {
                        self.pos = name_i;
                        self.parse_method(idx, anns, &mods, decl_line, name_i, ty, false);
                        continue;
                    }
                    if self.is_p(name_i + 1, b'{') {
                        // Property with accessors.
                        self.types[idx].has_code = true;
                        let field = Field {
                            lname: self.lower(name_i),
                            ty,
                            is_static,
                            literal: None,
                            line: self.line(name_i),
                        };
                        self.types[idx].fields.push(field);
                        self.pos = self.skip_balanced(name_i + 1);
                        continue;
                    }
                    // Field declarators: `a = expr, b;`
                    self.pos = name_i;
                    loop {
                        if !self.is_ident(self.pos) {
                            break;
                        }
                        let fname_i = self.pos;
                        let mut literal = None;
                        self.pos += 1;
                        if self.is_p(self.pos, b'=') {
                            self.pos += 1;
                            self.types[idx].has_code = true;
                            let mut body = Body::default();
                            let e = self.parse_expr(&mut body);
                            literal = str_value(&mut body, &e).map(Box::new);
                            self.types[idx].init.extend(body.events);
                        }
                        let field = Field {
                            lname: self.lower(fname_i),
                            ty: ty.clone(),
                            is_static,
                            literal,
                            line: self.line(fname_i),
                        };
                        self.types[idx].fields.push(field);
                        if self.is_p(self.pos, b',') {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    if self.is_p(self.pos, b';') {
                        self.pos += 1;
                    }
                    continue;
                }
            }
            // Unrecognised member: skip one token (or a balanced group) and go on.
            if self.pos == start {
                if self.is_p(self.pos, b'(') || self.is_p(self.pos, b'[') {
                    self.pos = self.skip_balanced(self.pos);
                } else {
                    self.pos += 1;
                }
            }
        }
        self.depth -= 1;
    }

    #[allow(clippy::too_many_arguments)]
    fn parse_method(
        &mut self,
        idx: usize,
        anns: Vec<Annotation>,
        mods: &[Ident],
        decl_line: u32,
        name_i: usize,
        ret: TypeName,
        is_constructor: bool,
    ) {
        let mut method = Method {
            name: self.orig(name_i),
            lname: self.lower(name_i),
            ret,
            is_static: mods.iter().any(|m| m == "static"),
            is_constructor,
            is_test: anns.iter().any(|a| a.name == "istest")
                || mods.iter().any(|m| m == "testmethod"),
            is_test_setup: anns.iter().any(|a| a.name == "testsetup"),
            is_future: anns.iter().any(|a| a.name == "future"),
            annotations: kept_annotations(anns),
            decl_line,
            line: self.line(name_i),
            column: self.col(name_i),
            ..Default::default()
        };
        // Parameters.
        let open = name_i + 1;
        let close = self.skip_balanced(open);
        let mut k = open + 1;
        let mut body = Body::default();
        while k + 1 < close {
            while self.is_p(k, b'@') || self.is_kw(k, "final") {
                k += if self.is_p(k, b'@') { 2 } else { 1 };
            }
            match self.type_at(k, 0) {
                Some((ty, next)) if self.is_ident(next) => {
                    self.note_type_span(k, next);
                    let pname = self.lower(next);
                    method.param_count = method.param_count.saturating_add(1);
                    body.locals.push((pname, ty, 0, None));
                    k = next + 1;
                }
                _ => k += 1,
            }
            while k + 1 < close && !self.is_p(k, b',') {
                k += 1;
            }
            k += 1;
        }
        self.pos = close;
        if self.is_p(self.pos, b'{') {
            method.has_body = true;
            self.types[idx].has_code = true;
            self.walk_block(&mut body);
        } else if self.is_p(self.pos, b';') {
            self.pos += 1;
        }
        finish_method(&mut method, body);
        self.types[idx].methods.push(method);
    }

    // ---- references ----------------------------------------------------

    fn note_ref(&mut self, kind: RefKind, name: String, i: usize, in_type: Option<usize>) {
        if self.refs.is_none() {
            return;
        }
        let (line, column) = (self.line(i), self.col(i));
        if let Some(r) = self.refs.as_mut() {
            r.push(ApexRef {
                kind,
                name,
                line,
                column,
                in_type,
            });
        }
    }

    /// Records the names in a type span `[start, end)`: the first identifier of
    /// every dotted name (`Outer` of `Outer.Inner`, each generic argument).
    fn note_type_span(&mut self, start: usize, end: usize) {
        if self.refs.is_none() {
            return;
        }
        for k in start..end.min(self.toks.len()) {
            if self.is_ident(k) && !(k > start && self.is_p(k - 1, b'.')) {
                let name = self.orig(k);
                self.note_ref(RefKind::Type, name, k, None);
            }
        }
    }

    /// `Label.X` / `System.Label.X`, `Invoice__c.Amount__c`, `inv.Amount__c` on a
    /// local of an sObject type (`__r` relationships name their `__c` field).
    fn note_member_ref(&mut self, e: &Expr, name: &str, name_i: usize) {
        let field = |n: &str, written: String| -> Option<String> {
            if n.ends_with("__c") {
                Some(written)
            } else {
                n.strip_suffix("__r")
                    .map(|_| format!("{}__c", &written[..written.len() - 3]))
            }
        };
        let is_object = |t: &str| {
            ["__c", "__mdt", "__e", "__x"]
                .iter()
                .any(|s| t.ends_with(s))
        };
        match e {
            Expr::Name(path) => {
                let segs: Vec<&str> = path.iter().map(Ident::as_str).collect();
                match segs.as_slice() {
                    ["label"] | ["system", "label"] => {
                        let written = self.orig(name_i);
                        self.note_ref(RefKind::Label, written, name_i, None);
                    }
                    [obj] if is_object(obj) => {
                        if let Some(f) = field(name, self.orig(name_i)) {
                            let root = name_i.saturating_sub(2);
                            let (rl, rc) = (self.line(root), self.col(root));
                            // `Invoice__c.Amount__c` is one reference, to the field.
                            if let Some(refs) = self.refs.as_mut() {
                                if refs.last().is_some_and(|r| {
                                    r.kind == RefKind::Type && r.line == rl && r.column == rc
                                }) {
                                    refs.pop();
                                }
                            }
                            let obj_written = self.orig(root);
                            self.note_ref(
                                RefKind::Field,
                                format!("{obj_written}.{f}"),
                                name_i,
                                None,
                            );
                        }
                    }
                    _ => {}
                }
            }
            Expr::Local { ty, .. } if is_object(ty) => {
                if let Some(f) = field(name, self.orig(name_i)) {
                    self.note_ref(RefKind::Field, format!("{ty}.{f}"), name_i, None);
                }
            }
            _ => {}
        }
    }

    /// Records the sObjects and fields of an inline SOQL/SOSL query `[ ... ]`.
    fn note_soql(&mut self, start: usize, end: usize) {
        if self.refs.is_none() {
            return;
        }
        let end = end.min(self.toks.len());
        // The object of the outermost FROM qualifies bare field names (fields of
        // sub-queries over relationships are left unqualified).
        let mut object: Option<String> = None;
        let mut depth = 0i32;
        for k in start + 1..end {
            if self.is_p(k, b'(') {
                depth += 1;
            } else if self.is_p(k, b')') {
                depth -= 1;
            } else if depth == 0 && self.is_kw(k, "from") && self.is_ident(k + 1) {
                object = Some(self.orig(k + 1));
                break;
            }
        }
        let mut k = start + 1;
        let mut depth = 0i32;
        while k < end {
            if self.is_p(k, b'(') {
                depth += 1;
            } else if self.is_p(k, b')') {
                depth -= 1;
            }
            if self.is_kw(k, "from") && self.is_ident(k + 1) {
                let name = self.orig(k + 1);
                self.note_ref(RefKind::Object, name, k + 1, None);
                k += 2;
                continue;
            }
            if self.is_p(k, b':') {
                // A bind expression: `:var`, `:obj.field`.
                k += 1;
                if self.is_ident(k) {
                    k += 1;
                    while self.is_p(k, b'.') && self.is_ident(k + 1) {
                        k += 2;
                    }
                }
                continue;
            }
            if self.is_ident(k) && !self.is_p(k.saturating_sub(1), b'.') {
                let t = self.lower(k);
                if t.ends_with("__c") || t.ends_with("__r") {
                    let field = self.orig(k);
                    let field = match field
                        .strip_suffix("__r")
                        .or_else(|| field.strip_suffix("__R"))
                    {
                        Some(stem) => format!("{stem}__c"),
                        None => field,
                    };
                    if let (Some(obj), 0) = (object.clone(), depth) {
                        self.note_ref(RefKind::Field, format!("{obj}.{field}"), k, None);
                    }
                }
            }
            k += 1;
        }
    }

    // ---- bodies --------------------------------------------------------

    fn in_not_in_tests(&self, i: usize) -> bool {
        self.not_in_tests.iter().any(|&(s, e)| i >= s && i < e)
    }

    fn in_caught(&self, i: usize) -> bool {
        self.caught_ranges.iter().any(|&(s, e)| i >= s && i < e)
    }

    /// The trigger contexts the code at token `i` runs in.
    fn guard_at(&self, i: usize) -> u8 {
        self.trigger_guards
            .iter()
            .filter(|&&(s, e, _)| i >= s && i < e)
            .fold(trigger_events::ALL, |acc, &(_, _, m)| acc & m)
    }

    /// `TriggerOperation.AFTER_UPDATE` (or `System.TriggerOperation.…`) at `k`:
    /// its bit and the index past it.
    fn trigger_operation(&self, mut k: usize) -> Option<(u8, usize)> {
        if self.is_kw(k, "system") && self.is_p(k + 1, b'.') {
            k += 2;
        }
        if !(self.is_kw(k, "triggeroperation") && self.is_p(k + 1, b'.')) {
            return None;
        }
        let name = self.lower(k + 2);
        let (when, op) = name.split_once('_')?;
        Some((trigger_events::parse(when, op)?, k + 3))
    }

    /// An unqualified `AFTER_UPDATE` (a `when` value of `switch on
    /// Trigger.operationType`) at `k`: its bit.
    fn bare_trigger_operation(&self, k: usize) -> Option<u8> {
        if !self.is_ident(k) || self.is_p(k + 1, b'.') || (k > 0 && self.is_p(k - 1, b'.')) {
            return None;
        }
        let name = self.lower(k);
        let (when, op) = name.split_once('_')?;
        trigger_events::parse(when, op)
    }

    /// The trigger contexts in which a condition (tokens `[start, end)`) can be
    /// true, when `Trigger.isInsert`/`isUpdate`/`isDelete`/`isUndelete`/
    /// `isBefore`/`isAfter` or `Trigger.operationType == TriggerOperation.X`
    /// decide it (`&&`, `||`, `!`, parentheses), and whether they decide it
    /// exactly (so the `else` runs in the others). None when they do not.
    fn trigger_cond(&self, start: usize, end: usize, depth: u32) -> Option<(u8, bool)> {
        use trigger_events as te;
        if start >= end || depth > 16 {
            return None;
        }
        for op in ["||", "&&"] {
            let parts = self.split_condition(start, end, op)?;
            if parts.len() < 2 {
                continue;
            }
            let vals: Vec<Option<(u8, bool)>> = parts
                .iter()
                .map(|&(a, b)| self.trigger_cond(a, b, depth + 1))
                .collect();
            if op == "||" {
                // Every alternative must be decided, or any context may run it.
                let mut mask = 0;
                let mut exact = true;
                for v in vals {
                    let (m, e) = v?;
                    mask |= m;
                    exact &= e;
                }
                return Some((mask, exact));
            }
            let mut mask = te::ALL;
            let mut exact = true;
            let mut any = false;
            for v in vals {
                match v {
                    Some((m, e)) => {
                        mask &= m;
                        exact &= e;
                        any = true;
                    }
                    None => exact = false,
                }
            }
            return any.then_some((mask, exact));
        }
        let mut k = start;
        if self.is_p(k, b'!') {
            let (m, exact) = self.trigger_cond(k + 1, end, depth + 1)?;
            return exact.then_some((!m, true));
        }
        if self.is_p(k, b'(') {
            let close = self.skip_balanced(k);
            return if close == end {
                self.trigger_cond(k + 1, close - 1, depth + 1)
            } else {
                None
            };
        }
        if self.is_kw(k, "system") && self.is_p(k + 1, b'.') {
            k += 2;
        }
        if !(self.is_kw(k, "trigger") && self.is_p(k + 1, b'.')) {
            return None;
        }
        let member = self.lower(k + 2);
        let next = k + 3;
        let mask = match member.as_str() {
            "isinsert" => te::INSERT,
            "isupdate" => te::UPDATE,
            "isdelete" => te::DELETE,
            "isundelete" => te::AFTER_UNDELETE,
            "isbefore" => te::BEFORE_INSERT | te::BEFORE_UPDATE | te::BEFORE_DELETE,
            "isafter" => {
                te::AFTER_INSERT | te::AFTER_UPDATE | te::AFTER_DELETE | te::AFTER_UNDELETE
            }
            "operationtype" if self.is_op(next, "==") || self.is_op(next, "!=") => {
                let (bit, after) = self.trigger_operation(next + 1)?;
                if after != end {
                    return None;
                }
                return Some((if self.is_op(next, "==") { bit } else { !bit }, true));
            }
            _ => return None,
        };
        (next == end).then_some((mask, true))
    }

    /// At `if (` (index `i`): records the trigger contexts of its branches.
    fn note_trigger_if(&mut self, i: usize) {
        let close = self.skip_balanced(i + 1);
        let Some((mask, exact)) = self.trigger_cond(i + 2, close.saturating_sub(1), 0) else {
            return;
        };
        let then_end = self.statement_end(close, 0);
        self.trigger_guards.push((close, then_end, mask));
        if exact && self.is_kw(then_end, "else") {
            let else_end = self.statement_end(then_end + 1, 0);
            self.trigger_guards.push((then_end + 1, else_end, !mask));
        }
    }

    /// At `switch on Trigger.operationType {` (index `i`): records the trigger
    /// contexts of each `when` block (`when else`: the others).
    fn note_trigger_switch(&mut self, i: usize) {
        let mut k = i + 2;
        if self.is_kw(k, "system") && self.is_p(k + 1, b'.') {
            k += 2;
        }
        let subject = self.is_kw(k, "trigger")
            && self.is_p(k + 1, b'.')
            && self.is_kw(k + 2, "operationtype");
        if !subject || !self.is_p(k + 3, b'{') {
            return;
        }
        let close = self.skip_balanced(k + 3);
        let mut j = k + 4;
        let mut seen = 0u8;
        while j + 1 < close {
            if !self.is_kw(j, "when") {
                j += 1;
                continue;
            }
            let mut mask = 0u8;
            let mut m = j + 1;
            let is_else = self.is_kw(m, "else");
            while m < close && !self.is_p(m, b'{') {
                if let Some((bit, after)) = self.trigger_operation(m) {
                    mask |= bit;
                    m = after;
                } else if let Some(bit) = self.bare_trigger_operation(m) {
                    // `when AFTER_UPDATE`: Apex writes enum values unqualified here.
                    mask |= bit;
                    m += 1;
                } else {
                    m += 1;
                }
            }
            if !self.is_p(m, b'{') {
                break;
            }
            let block_end = self.skip_balanced(m);
            // `when else` runs in every other context, outside a trigger included.
            let mask = if is_else { !seen } else { mask };
            seen |= mask;
            self.trigger_guards.push((m, block_end, mask));
            j = block_end;
        }
    }

    /// Whether tokens `[k, …)` are `[System.]Test.isRunningTest()`; the index
    /// past it.
    fn running_test_call(&self, mut k: usize) -> Option<usize> {
        if self.is_kw(k, "system") && self.is_p(k + 1, b'.') {
            k += 2;
        }
        (self.is_kw(k, "test")
            && self.is_p(k + 1, b'.')
            && self.is_kw(k + 2, "isrunningtest")
            && self.is_p(k + 3, b'(')
            && self.is_p(k + 4, b')'))
        .then_some(k + 5)
    }

    /// Finds names assigned once in the file, from `[!]Test.isRunningTest()`:
    /// `Boolean isTest = Test.isRunningTest();`, `static final Boolean IN_TEST =
    /// …;`, or a later assignment. A name assigned anything else is not a guard.
    fn prescan_test_flags(&mut self) {
        let mut assigned: HashMap<Ident, u32> = HashMap::new();
        let mut flags = HashMap::new();
        for i in 0..self.toks.len() {
            if !(self.is_name(i) && self.is_p(i + 1, b'=')) || self.is_p(i.wrapping_sub(1), b'.') {
                continue;
            }
            let name = self.lower(i);
            *assigned.entry(name.clone()).or_default() += 1;
            let mut k = i + 2;
            let negated = self.is_p(k, b'!');
            if negated {
                k += 1;
            }
            if let Some(end) = self.running_test_call(k) {
                if self.is_p(end, b';') || self.is_p(end, b',') {
                    flags.insert(name, !negated);
                }
            }
        }
        flags.retain(|n, _| assigned.get(n) == Some(&1));
        self.test_flags = flags;
    }

    /// The operands of a condition (tokens `[start, end)`) split at top-level `op`
    /// (`||` or `&&`): one part when there is none. None for a ternary, whose
    /// condition this does not decide.
    fn split_condition(&self, start: usize, end: usize, op: &str) -> Option<Vec<(usize, usize)>> {
        let mut parts = Vec::new();
        let (mut k, mut from) = (start, start);
        while k < end {
            if self.is_p(k, b'(') || self.is_p(k, b'[') || self.is_p(k, b'{') {
                k = self.skip_balanced(k).min(end);
                continue;
            }
            if self.is_op(k, op) {
                parts.push((from, k));
                from = k + 1;
            }
            if self.is_p(k, b'?') {
                return None;
            }
            k += 1;
        }
        parts.push((from, end));
        Some(parts)
    }

    /// The value a condition (tokens `[start, end)`) has while a test runs, when
    /// `Test.isRunningTest()` decides it: `Test.isRunningTest()`, its negation,
    /// `== true`/`== false`/`!=`, a guard held in a variable, parentheses, and
    /// `&&`/`||` chains where the guard decides (`!Test.isRunningTest() && x` is
    /// false in tests; `Test.isRunningTest() || x` is true). None when it does not.
    fn test_value(&self, start: usize, end: usize, depth: u32) -> Option<bool> {
        if start >= end || depth > 16 {
            return None;
        }
        // Split at top-level `||`, then `&&`.
        for (op, short) in [("||", true), ("&&", false)] {
            let parts = self.split_condition(start, end, op)?;
            if parts.len() < 2 {
                continue;
            }
            let vals: Vec<Option<bool>> = parts
                .iter()
                .map(|&(a, b)| self.test_value(a, b, depth + 1))
                .collect();
            if vals.contains(&Some(short)) {
                return Some(short);
            }
            if vals.iter().all(|v| *v == Some(!short)) {
                return Some(!short);
            }
            return None;
        }
        // An atom: `!`*, then a guard or a parenthesised condition, then an
        // optional `== true|false` / `!= true|false`.
        let mut k = start;
        let mut negate = false;
        while self.is_p(k, b'!') && k < end {
            negate = !negate;
            k += 1;
        }
        let (mut v, mut next) = if self.is_p(k, b'(') {
            let close = self.skip_balanced(k);
            (self.test_value(k + 1, close - 1, depth + 1)?, close)
        } else if let Some(e) = self.running_test_call(k) {
            (true, e)
        } else if self.is_name(k) && !self.is_p(k + 1, b'.') && !self.is_p(k + 1, b'(') {
            (*self.test_flags.get(&self.lower(k))?, k + 1)
        } else {
            return None;
        };
        if negate {
            v = !v;
        }
        if next < end && (self.is_op(next, "==") || self.is_op(next, "!=")) {
            let eq = self.is_op(next, "==");
            let lit = if self.is_kw(next + 1, "true") {
                true
            } else if self.is_kw(next + 1, "false") {
                false
            } else {
                return None;
            };
            v = (v == lit) == eq;
            next += 2;
        }
        (next == end).then_some(v)
    }

    /// The index of the `}` closing the block that contains `j`.
    fn enclosing_block_end(&self, j: usize) -> usize {
        let mut k = j;
        while k < self.toks.len() {
            if self.is_p(k, b'{') || self.is_p(k, b'(') || self.is_p(k, b'[') {
                k = self.skip_balanced(k);
            } else if self.is_p(k, b'}') {
                return k;
            } else {
                k += 1;
            }
        }
        k
    }

    /// Whether the statement at `j` always leaves the method: `return …;`,
    /// `throw …;`, or a block with one of those directly inside it.
    fn always_exits(&self, j: usize) -> bool {
        if self.is_any_kw(j, &["return", "throw"]) {
            return true;
        }
        if !self.is_p(j, b'{') {
            return false;
        }
        let close = self.skip_balanced(j);
        let mut k = j + 1;
        let mut at_start = true;
        while k + 1 < close {
            if at_start && self.is_any_kw(k, &["return", "throw"]) {
                return true;
            }
            if self.is_p(k, b'{') || self.is_p(k, b'(') || self.is_p(k, b'[') {
                let opened_block = self.is_p(k, b'{');
                k = self.skip_balanced(k);
                at_start = opened_block;
                continue;
            }
            at_start = self.is_p(k, b';');
            k += 1;
        }
        false
    }

    /// At `if (` (index `i`): when `Test.isRunningTest()` decides the condition
    /// (see [`Self::test_value`]), records the code that tests never run — the
    /// skipped branch, and after `if (Test.isRunningTest()) return;` the rest of
    /// the block — so calls there are not part of the call graph of tests
    /// (timeouts are still tracked).
    fn note_running_test_guard(&mut self, i: usize) {
        let open = i + 1;
        let close = self.skip_balanced(open); // just past `)`
        let Some(in_tests) = self.test_value(open + 1, close.saturating_sub(1), 0) else {
            return;
        };
        let then_end = self.statement_end(close, 0);
        let has_else = self.is_kw(then_end, "else");
        if !in_tests {
            self.not_in_tests.push((close, then_end));
        } else if has_else {
            let else_end = self.statement_end(then_end + 1, 0);
            self.not_in_tests.push((then_end + 1, else_end));
        } else if self.always_exits(close) {
            let end = self.enclosing_block_end(then_end);
            self.not_in_tests.push((then_end, end));
        }
    }

    /// At `?` (index `q`) of a ternary: when `Test.isRunningTest()` decides its
    /// condition, records the branch tests never run.
    fn note_running_test_ternary(&mut self, q: usize) {
        // The condition starts after the nearest `=`, `(`, `,`, `return`, `;`, `{`,
        // `}` or `:` before `?` at this nesting level.
        let mut k = q;
        let mut depth = 0i32;
        while k > 0 {
            k -= 1;
            if self.is_p(k, b')') || self.is_p(k, b']') {
                depth += 1;
                continue;
            }
            if self.is_p(k, b'(') || self.is_p(k, b'[') {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                continue;
            }
            if depth == 0
                && (self.is_p(k, b'=')
                    || self.is_p(k, b',')
                    || self.is_p(k, b';')
                    || self.is_p(k, b'{')
                    || self.is_p(k, b'}')
                    || self.is_p(k, b':')
                    || self.is_p(k, b'?')
                    || self.is_op(k, "=>")
                    || self.is_kw(k, "return"))
            {
                break;
            }
        }
        let Some(in_tests) = self.test_value(k + 1, q, 0) else {
            return;
        };
        // `then` runs to the matching `:`, `else` to the end of the expression.
        let mut j = q + 1;
        let mut nested = 0;
        let mut colon = None;
        let mut end = self.toks.len();
        while j < self.toks.len() {
            if self.is_p(j, b'(') || self.is_p(j, b'[') || self.is_p(j, b'{') {
                j = self.skip_balanced(j);
                continue;
            }
            if self.is_p(j, b'?') {
                nested += 1;
            } else if self.is_p(j, b':') {
                if nested == 0 && colon.is_none() {
                    colon = Some(j);
                } else {
                    nested -= 1;
                }
            } else if self.is_p(j, b';')
                || self.is_p(j, b',')
                || self.is_p(j, b')')
                || self.is_p(j, b']')
                || self.is_p(j, b'}')
            {
                end = j;
                break;
            }
            j += 1;
        }
        let Some(colon) = colon else { return };
        if in_tests {
            self.not_in_tests.push((colon + 1, end));
        } else {
            self.not_in_tests.push((q + 1, colon));
        }
    }

    /// At `try {` (index `i`): when one of its catch clauses swallows a
    /// `CalloutException` — it catches `Exception` or `CalloutException`, and its
    /// body neither throws nor fails an assertion (`Assert.fail`,
    /// `System.assert(false…)`, `Assert.isTrue(false…)`, `Assert.isFalse(true…)`)
    /// — records the try body as a range whose callouts are caught.
    fn note_try(&mut self, i: usize) {
        let body_end = self.skip_balanced(i + 1);
        let mut k = body_end;
        let mut swallows = false;
        while self.is_kw(k, "catch") && self.is_p(k + 1, b'(') {
            let hclose = self.skip_balanced(k + 1);
            let ty = self
                .type_at(k + 2, 0)
                .map(|(t, _)| normalise_type(t))
                .unwrap_or_default();
            if !self.is_p(hclose, b'{') {
                break;
            }
            let cend = self.skip_balanced(hclose);
            let catches = matches!(ty.as_str(), "exception" | "calloutexception");
            if catches && !self.fails_or_throws(hclose, cend) {
                swallows = true;
            }
            k = cend;
        }
        if swallows {
            self.caught_ranges.push((i + 2, body_end.saturating_sub(1)));
        }
    }

    /// Whether tokens `[a, b)` throw or fail an assertion.
    fn fails_or_throws(&self, a: usize, b: usize) -> bool {
        (a..b).any(|k| {
            if self.is_kw(k, "throw") {
                return true;
            }
            let call = |cls: &str, m: &str| {
                self.is_kw(k, cls) && self.is_p(k + 1, b'.') && self.is_kw(k + 2, m)
            };
            let first_arg = |lit: &str| self.is_p(k + 3, b'(') && self.is_kw(k + 4, lit);
            call("assert", "fail")
                || (call("system", "assert") && first_arg("false"))
                || (call("assert", "istrue") && first_arg("false"))
                || (call("assert", "isfalse") && first_arg("true"))
        })
    }

    /// The index just past the statement starting at `j` (a block, an `if` with
    /// its `else`, or a simple statement up to its `;`).
    fn statement_end(&self, j: usize, depth: u32) -> usize {
        if depth > 64 {
            return j;
        }
        if self.is_p(j, b'{') {
            return self.skip_balanced(j);
        }
        if self.is_kw(j, "if") && self.is_p(j + 1, b'(') {
            let after_cond = self.skip_balanced(j + 1);
            let then_end = self.statement_end(after_cond, depth + 1);
            if self.is_kw(then_end, "else") {
                return self.statement_end(then_end + 1, depth + 1);
            }
            return then_end;
        }
        let mut k = j;
        while k < self.toks.len() {
            if self.is_p(k, b';') {
                return k + 1;
            }
            if self.is_p(k, b'(') || self.is_p(k, b'[') || self.is_p(k, b'{') {
                k = self.skip_balanced(k);
            } else if self.is_p(k, b'}') {
                return k;
            } else {
                k += 1;
            }
        }
        k
    }

    /// Walks a `{ ... }` block at `pos`, statement by statement.
    fn walk_block(&mut self, b: &mut Body) {
        let base = b.block_depth;
        let mut stmt_start = true;
        while !self.eof() {
            let i = self.pos;
            if self.is_p(i, b'{') {
                b.block_depth += 1;
                stmt_start = true;
                self.pos += 1;
                continue;
            }
            if self.is_p(i, b'}') {
                let d = b.block_depth;
                b.locals.retain(|l| l.2 < d);
                b.block_depth = b.block_depth.saturating_sub(1);
                self.pos += 1;
                if b.block_depth <= base {
                    return;
                }
                stmt_start = true;
                continue;
            }
            if self.is_p(i, b';') {
                stmt_start = true;
                self.pos += 1;
                continue;
            }
            if self.is_kw(i, "if") && self.is_p(i + 1, b'(') {
                self.note_running_test_guard(i);
                self.note_trigger_if(i);
            }
            if self.is_kw(i, "switch") && self.is_kw(i + 1, "on") {
                self.note_trigger_switch(i);
            }
            if self.is_kw(i, "try") && self.is_p(i + 1, b'{') {
                self.note_try(i);
            }
            if self.is_kw(i, "return") && !self.is_p(i + 1, b';') {
                self.pos = i + 1;
                self.last_cast_operand = None;
                self.last_ternary = None;
                let e = self.parse_expr(b);
                let op = self.last_cast_operand.take();
                let whole = self.is_p(self.pos, b';');
                match self.last_ternary.take() {
                    // `return c ? a : b;`: both branches are returns.
                    Some((start, branches)) if start == i + 1 && whole => {
                        for (e, is_null, op) in branches {
                            if !is_null {
                                note_return(b, &e, op);
                            }
                        }
                    }
                    _ if self.is_kw(i + 1, "null") && self.pos == i + 2 => {}
                    _ => note_return(b, &e, op),
                }
                stmt_start = false;
                continue;
            }
            if stmt_start
                && self.is_any_kw(i, &trigger_events::DML_VERBS)
                && self.starts_dml_operand(i + 1)
            {
                self.parse_dml(b, i);
                stmt_start = false;
                continue;
            }
            if self.is_any_kw(i, &["for", "catch"]) && self.is_p(i + 1, b'(') {
                // Header declarations belong to the following block.
                self.pos = i + 2;
                let depth = b.block_depth + 1;
                let decl = self.try_local_decl(b, depth);
                if decl && self.is_kw(i, "for") && self.is_p(self.pos, b':') {
                    self.pos += 1;
                    let colon = self.pos;
                    let iterable = self.parse_expr(b);
                    self.record_for_each(b, iterable, colon);
                }
                stmt_start = false;
                continue;
            }
            if stmt_start && self.try_local_decl(b, b.block_depth) {
                stmt_start = false;
                continue;
            }
            if self.starts_primary(i) {
                self.parse_expr(b);
                if self.pos == i {
                    self.pos += 1;
                }
                stmt_start = false;
                continue;
            }
            stmt_start = self.is_any_kw(i, &["else", "try", "finally", "do"]);
            self.pos += 1;
        }
    }

    /// After a DML keyword: an operand (`insert acc;`, `update as user recs;`),
    /// not a use of the word as a name.
    fn starts_dml_operand(&self, i: usize) -> bool {
        !(self.is_p(i, b'.') || self.is_p(i, b'(') || self.is_p(i, b'=') || self.is_p(i, b';'))
    }

    /// `insert x;`, `update as user x;`, `upsert x Field;`, `delete x;`,
    /// `undelete x;`, `merge master duplicate;` at `i`: recorded as the
    /// equivalent `Database.<verb>(x)` call, which the index resolves to the
    /// triggers of x's sObject type.
    fn parse_dml(&mut self, b: &mut Body, i: usize) {
        let verb = self.lower(i);
        self.pos = i + 1;
        if self.is_kw(self.pos, "as") && self.is_any_kw(self.pos + 1, &["user", "system"]) {
            self.pos += 2;
        }
        let operand = self.parse_expr(b);
        if self.in_not_in_tests(i) {
            return;
        }
        let line = self.line(i);
        b.events.push(&Event::Call(Call {
            recv: Some(Expr::Name(vec!["database".into()])),
            name: verb,
            argc: 1,
            args: vec![strip_names(operand)],
            line,
            caught: self.in_caught(i),
            guard: self.guard_at(i),
        }));
    }

    /// `for (T x : iterable)`: a for-each over a class of the repository runs its
    /// `iterator()` and the iterator's `hasNext()` and `next()`. Recorded as
    /// those calls (platform collections resolve to nothing).
    fn record_for_each(&mut self, b: &mut Body, iterable: Expr, at: usize) {
        if !may_matter(Some(&iterable), "iterator") || self.in_not_in_tests(at) {
            return;
        }
        let line = self.line(at);
        let caught = self.in_caught(at);
        let guard = self.guard_at(at);
        let it = Expr::Call(
            Some(Box::new(strip_names(iterable.clone()))),
            "iterator".into(),
            0,
        );
        let calls = [
            (strip_names(iterable), "iterator"),
            (it.clone(), "hasnext"),
            (it, "next"),
        ];
        for (recv, name) in calls {
            b.events.push(&Event::Call(Call {
                recv: Some(recv),
                name: name.into(),
                argc: 0,
                args: Vec::new(),
                line,
                caught,
                guard,
            }));
        }
    }

    fn starts_primary(&self, i: usize) -> bool {
        match self.tok(i).map(|t| t.kind) {
            Some(Kind::Ident) => {
                !self.is_any_kw(i, KEYWORDS) || self.is_any_kw(i, &["new", "this", "super"])
            }
            Some(Kind::Str) | Some(Kind::Punct(b'(')) | Some(Kind::Punct(b'[')) => true,
            _ => false,
        }
    }

    /// `Type name [= expr] [, name [= expr]]` at `pos`. Registers the locals at
    /// `depth` and consumes the declaration (initialisers included).
    fn try_local_decl(&mut self, b: &mut Body, depth: u32) -> bool {
        let mut i = self.pos;
        while self.is_kw(i, "final") {
            i += 1;
        }
        let Some((ty, next)) = self.type_at(i, 0) else {
            return false;
        };
        if !self.is_name(next) {
            return false;
        }
        let after = next + 1;
        let ok = self.is_p(after, b'=')
            || self.is_p(after, b';')
            || self.is_p(after, b',')
            || self.is_p(after, b':')
            || self.is_p(after, b')');
        if !ok {
            return false;
        }
        self.note_type_span(i, next);
        self.pos = next;
        loop {
            if !self.is_name(self.pos) {
                break;
            }
            let name = self.lower(self.pos);
            let name_line = self.line(self.pos);
            self.pos += 1;
            let mut literal = None;
            let mut init = None;
            if self.is_p(self.pos, b'=') {
                self.pos += 1;
                let before = b.events.len();
                let e = self.parse_expr(b);
                init = Some(e.clone());
                self.note_job_local(b, name.clone(), &e, before, b.block_depth);
                if is_http_request(&ty) {
                    if let Expr::New(t) = &e {
                        if is_http_request(t) {
                            b.requests.insert(
                                name.clone(),
                                ReqState {
                                    created_line: name_line,
                                    timed: false,
                                    escaped: false,
                                },
                            );
                        }
                    }
                }
                literal = str_value(b, &e);
            }
            let ty = match &init {
                Some(e) if is_dynamic(b, e) => {
                    b.dynamic.push(name.clone());
                    DYNAMIC.into()
                }
                _ => ty.clone(),
            };
            match &init {
                Some(e @ Expr::Call(..)) => {
                    b.via.insert(name.clone(), strip_names(e.clone()));
                }
                Some(Expr::Cast(t)) if t != DYNAMIC => match self.last_cast_operand.take() {
                    Some(op @ Expr::Call(..)) => {
                        b.via.insert(name.clone(), strip_names(op));
                    }
                    _ => {
                        b.via.remove(&name);
                    }
                },
                _ => {
                    b.via.remove(&name);
                }
            }
            b.locals.push((name, ty, depth, literal));
            if self.is_p(self.pos, b',') && self.is_name(self.pos + 1) {
                self.pos += 1;
            } else {
                break;
            }
        }
        true
    }

    /// Parses an expression at `pos`, recording events. Stops before `,` `)` `;`
    /// `]` `}` `{` (and `:` outside a ternary).
    fn parse_expr(&mut self, b: &mut Body) -> Expr {
        self.depth += 1;
        let e = if self.depth > MAX_DEPTH {
            self.pos += 1;
            Expr::Unknown
        } else {
            self.parse_expr_inner(b)
        };
        self.depth -= 1;
        e
    }

    fn parse_expr_inner(&mut self, b: &mut Body) -> Expr {
        let start = self.pos;
        let mut left = self.parse_unary(b);
        loop {
            let i = self.pos;
            let Some(t) = self.tok(i) else { break };
            match t.kind {
                Kind::Punct(b'=') => {
                    self.pos += 1;
                    let before = b.events.len();
                    let right = self.parse_expr(b);
                    if let Expr::Local { name, .. } = &left {
                        self.note_job_local(b, name.clone(), &right, before, b.block_depth);
                        if is_dynamic(b, &right) {
                            b.dynamic.push(name.clone());
                            if let Some(l) = b.locals.iter_mut().rev().find(|l| l.0 == *name) {
                                l.1 = DYNAMIC.into();
                            }
                        }
                        let v = str_value(b, &right);
                        if let Some(slot) = b.local_value(name) {
                            *slot = v;
                        }
                    }
                    if let (Expr::Local { name, ty }, Expr::New(t)) = (&left, &right) {
                        if is_http_request(ty) && is_http_request(t) {
                            b.requests.insert(
                                name.clone(),
                                ReqState {
                                    created_line: self.line(i),
                                    timed: false,
                                    escaped: false,
                                },
                            );
                        }
                    }
                    left = right;
                    break;
                }
                Kind::Punct(b'+') => {
                    self.pos += 1;
                    let _ = self.parse_unary(b);
                    left = match left {
                        Expr::Str(_) | Expr::Local { .. } | Expr::Name(_) => {
                            Expr::Concat(Box::new(left))
                        }
                        c @ Expr::Concat(_) => c,
                        _ => Expr::Unknown,
                    };
                }
                Kind::Punct(b'?') => {
                    self.note_running_test_ternary(i);
                    self.pos += 1;
                    let mut branches = Vec::with_capacity(2);
                    let from = self.pos;
                    self.last_cast_operand = None;
                    let then = self.parse_expr(b);
                    let is_null = self.is_kw(from, "null") && self.pos == from + 1;
                    branches.push((then, is_null, self.last_cast_operand.take()));
                    if self.is_p(self.pos, b':') {
                        self.pos += 1;
                        let from = self.pos;
                        let other = self.parse_expr(b);
                        let is_null = self.is_kw(from, "null") && self.pos == from + 1;
                        branches.push((other, is_null, self.last_cast_operand.take()));
                    }
                    self.last_ternary = Some((start, branches));
                    left = Expr::Unknown;
                }
                Kind::Punct(c) if b"-*/<>%&|^!".contains(&c) => {
                    self.pos += 1;
                    let _ = self.parse_unary(b);
                    left = Expr::Unknown;
                }
                Kind::Op => {
                    self.pos += 1;
                    if self.text(i) == b"++" || self.text(i) == b"--" {
                        continue;
                    }
                    if let (b"+=", Expr::Local { name, .. }) = (self.text(i), &left) {
                        if let Some(slot) = b.local_value(name) {
                            *slot = slot.take().map(str_prefix);
                        }
                    }
                    let _ = self.parse_unary(b);
                    left = Expr::Unknown;
                }
                Kind::Ident if self.is_kw(i, "instanceof") => {
                    self.pos += 1;
                    if let Some((_, next)) = self.type_at(self.pos, 0) {
                        self.note_type_span(self.pos, next);
                        self.pos = next;
                    }
                    left = Expr::Unknown;
                }
                _ => break,
            }
        }
        left
    }

    fn parse_unary(&mut self, b: &mut Body) -> Expr {
        let i = self.pos;
        match self.tok(i).map(|t| t.kind) {
            Some(Kind::Punct(b'!'))
            | Some(Kind::Punct(b'-'))
            | Some(Kind::Punct(b'+'))
            | Some(Kind::Punct(b'~')) => {
                self.pos += 1;
                self.depth += 1;
                let r = if self.depth > MAX_DEPTH {
                    Expr::Unknown
                } else {
                    self.parse_unary(b)
                };
                self.depth -= 1;
                let _ = r;
                Expr::Unknown
            }
            Some(Kind::Op) if self.text(i) == b"++" || self.text(i) == b"--" => {
                self.pos += 1;
                self.parse_unary(b);
                Expr::Unknown
            }
            _ => {
                let p = self.parse_primary(b);
                self.parse_postfix(b, p)
            }
        }
    }

    fn parse_args(&mut self, b: &mut Body) -> Vec<Expr> {
        // At `(`.
        let close = self.skip_balanced(self.pos);
        self.pos += 1;
        let mut args = Vec::new();
        while self.pos < close.saturating_sub(1) {
            let before = self.pos;
            let e = self.parse_expr(b);
            args.push(e);
            if self.is_p(self.pos, b',') || self.pos == before {
                self.pos += 1;
            } else if self.pos < close.saturating_sub(1) {
                // Something the expression parser did not consume: skip to the next
                // argument separator at this level.
                while self.pos < close.saturating_sub(1) && !self.is_p(self.pos, b',') {
                    if self.is_p(self.pos, b'(')
                        || self.is_p(self.pos, b'[')
                        || self.is_p(self.pos, b'{')
                    {
                        self.pos = self.skip_balanced(self.pos);
                    } else {
                        self.pos += 1;
                    }
                }
                if self.is_p(self.pos, b',') {
                    self.pos += 1;
                }
            }
        }
        self.pos = close;
        args
    }

    fn parse_primary(&mut self, b: &mut Body) -> Expr {
        let i = self.pos;
        let Some(t) = self.tok(i).copied() else {
            return Expr::Unknown;
        };
        match t.kind {
            Kind::Str => {
                self.pos += 1;
                Expr::Str(unquote(self.text(i)))
            }
            Kind::Number => {
                self.pos += 1;
                Expr::Unknown
            }
            Kind::Punct(b'[') => {
                // Inline SOQL/SOSL: calls in bind expressions are rare; skip.
                self.pos = self.skip_balanced(i);
                self.note_soql(i, self.pos);
                // `[SELECT … FROM Account …]` is a `List<Account>`.
                let from = (i + 1..self.pos.saturating_sub(1))
                    .find(|&k| self.is_kw(k, "from") && self.is_name(k + 1))
                    .filter(|_| self.is_kw(i + 1, "select"))
                    .map(|k| normalise_type(self.lower(k + 1)));
                Expr::Local {
                    name: Ident::default(),
                    ty: format!("list<{}>", from.as_deref().unwrap_or("sobject")).into(),
                }
            }
            Kind::Punct(b'(') => {
                // Cast or parenthesised expression.
                if let Some((ty, next)) = self.type_at(i + 1, 0) {
                    if self.is_p(next, b')') {
                        let after = next + 1;
                        let cast = match self.tok(after).map(|t| t.kind) {
                            Some(Kind::Ident) => {
                                !self.is_any_kw(after, KEYWORDS)
                                    || self.is_any_kw(after, &["new", "this", "super"])
                            }
                            Some(Kind::Str) | Some(Kind::Punct(b'(')) => true,
                            _ => false,
                        };
                        if cast {
                            self.note_type_span(i + 1, next);
                            self.pos = after;
                            let inner = self.parse_unary(b);
                            self.last_cast_operand = Some(match &inner {
                                Expr::Local { name, .. } => {
                                    b.via.get(name).cloned().unwrap_or_else(|| inner.clone())
                                }
                                _ => inner.clone(),
                            });
                            if is_dynamic(b, &inner) {
                                // The class was chosen at run time: not resolved.
                                return Expr::Cast(DYNAMIC.into());
                            }
                            return Expr::Cast(ty);
                        }
                    }
                }
                self.pos += 1;
                let inner = self.parse_expr(b);
                if self.is_p(self.pos, b')') {
                    self.pos += 1;
                }
                inner
            }
            Kind::Ident if self.is_kw(i, "new") => {
                let Some((ty, next)) = self.type_at(i + 1, 0) else {
                    self.pos += 1;
                    return Expr::Unknown;
                };
                self.note_type_span(i + 1, next);
                self.pos = next;
                let line = t.line;
                if self.is_p(self.pos, b'(') {
                    let written = self.refs.is_some().then(|| self.orig(i + 1));
                    let saved = std::mem::replace(&mut self.ctor_type, written);
                    let _ = self.parse_args(b);
                    self.ctor_type = saved;
                    if !self.in_not_in_tests(i) {
                        b.events.push(&Event::New {
                            ty: ty.clone(),
                            line,
                            caught: self.in_caught(i),
                            guard: self.guard_at(i),
                        });
                    }
                    if self.is_p(self.pos, b'{') {
                        // Collection initialiser after constructor args (rare).
                        self.parse_initialiser(b);
                    }
                    Expr::New(ty)
                } else if self.is_p(self.pos, b'[') {
                    self.pos = self.skip_balanced(self.pos);
                    if self.is_p(self.pos, b'{') {
                        self.parse_initialiser(b);
                    }
                    Expr::New(format!("list<{ty}>").into())
                } else if self.is_p(self.pos, b'{') {
                    self.parse_initialiser(b);
                    Expr::New(ty)
                } else {
                    Expr::New(ty)
                }
            }
            Kind::Ident if self.is_kw(i, "this") => {
                self.pos += 1;
                Expr::This
            }
            Kind::Ident if self.is_kw(i, "super") => {
                self.pos += 1;
                Expr::Super
            }
            Kind::Ident if self.is_any_kw(i, &["null", "true", "false"]) => {
                self.pos += 1;
                Expr::Unknown
            }
            Kind::Ident if !self.is_any_kw(i, KEYWORDS) => {
                if self.is_p(i + 1, b'(') {
                    // Unqualified call.
                    let name = self.lower(i);
                    self.pos = i + 1;
                    let args = self.parse_args(b);
                    let argc = args.len().min(255) as u8;
                    self.record_call(b, None, name.clone(), args, i);
                    return Expr::Call(None, name, argc);
                }
                self.pos += 1;
                let name = self.lower(i);
                match b.local(&name) {
                    Some(l) => match b.via.get(&name) {
                        Some(call) if !is_platform_value_type(&l.1) && l.1 != "http" => {
                            Expr::Via(l.1.clone(), Box::new(call.clone()))
                        }
                        _ => Expr::Local {
                            name,
                            ty: l.1.clone(),
                        },
                    },
                    None => {
                        if self.refs.is_some() {
                            let written = self.orig(i);
                            let named_arg = self.is_p(i + 1, b'=')
                                && i > 0
                                && (self.is_p(i - 1, b'(') || self.is_p(i - 1, b','));
                            match (&self.ctor_type, named_arg) {
                                // `new Obj__c(Field__c = value)`: a field of the object.
                                (Some(obj), true) => {
                                    if name.ends_with("__c") {
                                        let f = format!("{obj}.{written}");
                                        self.note_ref(RefKind::Field, f, i, None);
                                    }
                                }
                                _ => self.note_ref(RefKind::Type, written, i, self.cur_type),
                            }
                        }
                        Expr::Name(vec![name])
                    }
                }
            }
            _ => {
                self.pos += 1;
                Expr::Unknown
            }
        }
    }

    /// `{ a, b }` or `{ k => v }` after `new T`.
    fn parse_initialiser(&mut self, b: &mut Body) {
        let close = self.skip_balanced(self.pos);
        self.pos += 1;
        while self.pos < close.saturating_sub(1) {
            let before = self.pos;
            let _ = self.parse_expr(b);
            if self.is_p(self.pos, b',') || self.is_op(self.pos, "=>") || self.pos == before {
                self.pos += 1;
            }
        }
        self.pos = close;
    }

    fn parse_postfix(&mut self, b: &mut Body, mut e: Expr) -> Expr {
        loop {
            let i = self.pos;
            let dot = self.is_p(i, b'.') || self.is_op(i, "?.");
            if dot && self.is_ident(i + 1) {
                let name_i = i + 1;
                let name = self.lower(name_i);
                if self.is_p(name_i + 1, b'(') {
                    self.pos = name_i + 1;
                    let args = self.parse_args(b);
                    let argc = args.len().min(255) as u8;
                    let recv = e;
                    self.record_call(b, Some(recv.clone()), name.clone(), args, name_i);
                    e = Expr::Call(Some(Box::new(recv)), name, argc);
                } else {
                    self.pos = name_i + 1;
                    if self.refs.is_some() {
                        self.note_member_ref(&e, &name, name_i);
                    }
                    e = match e {
                        Expr::Name(mut path) => {
                            path.push(name);
                            Expr::Name(path)
                        }
                        other => Expr::Field(Box::new(other), name),
                    };
                }
            } else if self.is_p(i, b'[') {
                self.pos += 1;
                let _ = self.parse_expr(b);
                if self.is_p(self.pos, b']') {
                    self.pos += 1;
                }
                e = Expr::Index(Box::new(e));
            } else if self.is_op(i, "++") || self.is_op(i, "--") {
                self.pos += 1;
            } else {
                break;
            }
        }
        e
    }

    /// Records a call event and the intraprocedural facts about HTTP requests.
    fn record_call(
        &mut self,
        b: &mut Body,
        recv: Option<Expr>,
        name: Ident,
        args: Vec<Expr>,
        name_i: usize,
    ) {
        let line = self.line(name_i);
        let column = self.col(name_i);
        let recv_var = match &recv {
            Some(Expr::Local { name, ty }) if is_http_request(ty) => Some(name.clone()),
            _ => None,
        };
        match name.as_str() {
            "settimeout" => {
                if let Some(v) = &recv_var {
                    if let Some(r) = b.requests.get_mut(v.as_str()) {
                        r.timed = true;
                    }
                }
            }
            "setendpoint" if args.len() == 1 => {
                // A local holding a literal is as hard-coded as the literal.
                let arg = str_value(b, &args[0]).unwrap_or(Expr::Unknown);
                b.endpoints.push(EndpointSet { arg, line, column });
            }
            "format" if recv.as_ref().is_some_and(is_string_class) => {
                b.format = args.first().and_then(|a| str_value(b, a));
            }
            "send" if args.len() == 1 && is_http_receiver(recv.as_ref()) => match &args[0] {
                Expr::Local { name: v, ty } if is_http_request(ty) => {
                    if let Some(r) = b.requests.get(v.as_str()) {
                        if !r.timed && !r.escaped {
                            b.untimed.push(UntimedSend {
                                var: v.to_string(),
                                created_line: r.created_line,
                                line,
                                column,
                            });
                        }
                    }
                }
                Expr::New(t) if is_http_request(t) => b.untimed.push(UntimedSend {
                    var: "new HttpRequest()".into(),
                    created_line: line,
                    line,
                    column,
                }),
                _ => {}
            },
            _ => {
                // A request handed to another method may get its timeout there.
                for a in &args {
                    if let Expr::Local { name: v, ty } = a {
                        if is_http_request(ty) {
                            if let Some(r) = b.requests.get_mut(v.as_str()) {
                                r.escaped = true;
                            }
                        }
                    }
                }
            }
        }
        if name == "forname" && self.refs.is_some() {
            if let (Some(Expr::Name(p)), Some(Expr::Str(class))) = (&recv, args.last()) {
                if p.len() == 1 && p[0] == "type" && !class.is_empty() {
                    let class = class.clone();
                    let close = self.skip_balanced(name_i + 1);
                    let lit = (name_i + 1..close)
                        .rev()
                        .find(|&k| self.tok(k).map(|t| t.kind) == Some(Kind::Str));
                    if let Some(k) = lit {
                        let (line, column) = (self.line(k), self.col(k) + 1);
                        if let Some(refs) = self.refs.as_mut() {
                            refs.push(ApexRef {
                                kind: RefKind::ClassName,
                                name: class,
                                line,
                                column,
                                in_type: None,
                            });
                        }
                    }
                }
            }
        }
        let platform = match &recv {
            Some(Expr::Name(p)) => match p.iter().map(Ident::as_str).collect::<Vec<_>>()[..] {
                ["system", cls] | [cls] => Some(cls.to_string()),
                _ => None,
            },
            _ => None,
        };
        if platform.as_deref() == Some("system") && name == "abortjob" {
            // `System.abortJob(id)` on the id of a job queued earlier in this
            // block: the job never runs.
            if let Some(Expr::Local { name: v, .. }) = args.first() {
                if let Some(&(ev, depth)) = b.job_locals.get(v.as_str()) {
                    if depth == b.block_depth {
                        b.aborted.push(ev);
                    }
                }
            }
            return;
        }
        if !may_matter(recv.as_ref(), &name) || self.in_not_in_tests(name_i) {
            return;
        }
        let queues = matches!(
            (platform.as_deref(), name.as_str()),
            (Some("system"), "enqueuejob" | "schedule") | (Some("database"), "executebatch")
        );
        if queues {
            b.last_async = Some(b.events.len());
        }
        let argc = args.len().min(255) as u8;
        // `get(X.class, key)` on a platform cache partition runs X.doLoad (Cache.CacheBuilder).
        let cache_get = name == "get"
            && args.len() >= 2
            && matches!(args.first(), Some(Expr::Name(p))
                if p.len() >= 2 && p.last().map(Ident::as_str) == Some("class"));
        let keep_args = cache_get
            || matches!(&recv, Some(Expr::Name(p))
            if matches!(p.first().map(Ident::as_str), Some("test" | "system" | "database" | "eventbus")));
        b.events.push(&Event::Call(Call {
            recv: recv.map(strip_names),
            name,
            argc,
            args: if keep_args {
                args.into_iter().map(strip_names).collect()
            } else {
                Vec::new()
            },
            line,
            caught: self.in_caught(name_i),
            guard: self.guard_at(name_i),
        }));
    }

    /// After `v = <expr>` (a declaration or an assignment) whose value is the id
    /// of a job queued by that expression: remember it for `System.abortJob(v)`.
    fn note_job_local(&self, b: &mut Body, v: Ident, e: &Expr, before: u32, depth: u32) {
        let queued = b.last_async.filter(|&ev| ev >= before);
        let is_queue_call = matches!(e, Expr::Call(Some(r), n, _)
            if matches!(n.as_str(), "enqueuejob" | "schedule" | "executebatch")
                && matches!(r.as_ref(), Expr::Name(p)
                    if matches!(p.last().map(Ident::as_str), Some("system" | "database"))));
        match (queued, is_queue_call) {
            (Some(ev), true) => {
                b.job_locals.insert(v, (ev, depth));
            }
            _ => {
                b.job_locals.remove(&v);
            }
        }
    }
}

/// Whether a `send` receiver can be an `Http`: a local typed `Http`, `new Http()`,
/// or a receiver whose type is only known globally (a field).
fn is_http_receiver(recv: Option<&Expr>) -> bool {
    match recv {
        Some(Expr::Local { ty, .. }) => ty == "http",
        Some(Expr::New(t)) => t == "http",
        Some(Expr::Name(_)) | Some(Expr::Field(..)) | Some(Expr::Call(..)) => true,
        _ => false,
    }
}

/// Platform classes whose static methods never reach repository code or a callout.
const PLATFORM_STATICS: &[&str] = &[
    "system",
    "database",
    "string",
    "integer",
    "long",
    "decimal",
    "double",
    "boolean",
    "date",
    "datetime",
    "time",
    "math",
    "json",
    "limits",
    "userinfo",
    "schema",
    "assert",
    "label",
    "id",
    "blob",
    "crypto",
    "encodingutil",
    "url",
    "pattern",
    "apexpages",
    "messaging",
    "trigger",
    "type",
    "eventbus",
    "search",
    "approval",
];

/// Value types whose instance methods never reach repository code or a callout
/// (request setters are tracked while parsing, not as events).
fn is_platform_value_type(ty: &str) -> bool {
    let base = ty.split('<').next().unwrap_or(ty);
    matches!(
        base,
        "string"
            | "integer"
            | "long"
            | "decimal"
            | "double"
            | "boolean"
            | "id"
            | "date"
            | "datetime"
            | "time"
            | "blob"
            | "list"
            | "set"
            | "map"
            | "object"
            | "sobject"
            | "httprequest"
            | "httpresponse"
            | "dom.document"
            | "dom.xmlnode"
            | "jsongenerator"
            | "jsonparser"
            | "pagereference"
            | "savepoint"
    ) || base.ends_with("__c")
        || base.ends_with("__mdt")
        || base.ends_with("__e")
}

/// Whether a call can matter to the call graph: calls that can only be platform
/// methods (`String.valueOf`, `System.debug`, `myList.add`) are not kept.
fn may_matter(recv: Option<&Expr>, name: &str) -> bool {
    match recv {
        Some(Expr::Local { ty, .. }) => !is_platform_value_type(ty),
        Some(Expr::Str(_)) | Some(Expr::Concat(_)) => false,
        Some(Expr::Name(p)) => {
            let segs: Vec<&str> = p.iter().map(Ident::as_str).collect();
            match segs.as_slice() {
                ["test", ..] | ["system", "test", ..] | ["webservicecallout"] => true,
                ["system"] => matches!(name, "enqueuejob" | "schedule"),
                ["database"] => name == "executebatch" || trigger_events::DML_VERBS.contains(&name),
                // Publishing platform events fires their (after insert) triggers.
                ["eventbus"] => name == "publish",
                [first, ..] => !PLATFORM_STATICS.contains(first),
                [] => false,
            }
        }
        _ => true,
    }
}

/// Annotations the model keeps after parsing (the others became flags).
fn kept_annotations(anns: Vec<Annotation>) -> Vec<Annotation> {
    anns.into_iter()
        .filter(|a| a.name == "suppresswarnings")
        .collect()
}

/// Local variable names matter only while parsing (request tracking); the
/// stored model keeps their types.
fn strip_names(e: Expr) -> Expr {
    match e {
        Expr::Local { ty, .. } => Expr::Local {
            name: Ident::default(),
            ty,
        },
        Expr::Call(Some(r), n, c) => Expr::Call(Some(Box::new(strip_names(*r))), n, c),
        Expr::Field(r, n) => Expr::Field(Box::new(strip_names(*r)), n),
        Expr::Index(r) => Expr::Index(Box::new(strip_names(*r))),
        Expr::Concat(r) => Expr::Concat(Box::new(strip_names(*r))),
        Expr::Via(t, r) => Expr::Via(t, Box::new(strip_names(*r))),
        Expr::Str(_) => Expr::Str(String::new()),
        other => other,
    }
}

fn finish_method(m: &mut Method, b: Body) {
    m.dyn_returns = if b.saw_return {
        b.returns.clone()
    } else {
        None
    };
    m.events = if b.aborted.is_empty() {
        b.events
    } else {
        b.events.without(&b.aborted)
    };
    m.events.shrink_to_fit();
    m.untimed_sends = b.untimed;
    m.endpoints = b.endpoints;
}

/// Lower-case type names arrive here; `system.` is the default namespace.
fn normalise_type(name: Ident) -> TypeName {
    match name.strip_prefix("system.") {
        Some(rest) if !rest.is_empty() => rest.into(),
        _ => name,
    }
}

/// The text of a string literal token without its quotes, escapes resolved.
fn unquote(tok: &[u8]) -> String {
    let inner = if tok.len() >= 2 {
        &tok[1..tok.len() - 1]
    } else {
        tok
    };
    let s = String::from_utf8_lossy(inner);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
