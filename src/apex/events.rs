//! A compact byte encoding of a method's events.
//!
//! Between parsing and resolution every call of every method is held in memory at
//! once; as Rust values (an `Event` is over 100 bytes, plus boxes) they were the
//! largest part of the model. Encoded they take about a fifth of that. Decoding
//! is done once, when the index resolves the method's operations.

use super::call::{Call, Event, Expr, Ident};

/// A method's events, in source order, encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventBuf(Vec<u8>, u32);

const EV_CALL: u8 = 1;
const EV_NEW: u8 = 2;

const EX_UNKNOWN: u8 = 0;
const EX_LOCAL: u8 = 1;
const EX_THIS: u8 = 2;
const EX_SUPER: u8 = 3;
const EX_NAME: u8 = 4;
const EX_NEW: u8 = 5;
const EX_CAST: u8 = 6;
const EX_CALL: u8 = 7;
const EX_FIELD: u8 = 8;
const EX_INDEX: u8 = 9;
const EX_STR: u8 = 10;
const EX_CONCAT: u8 = 11;
const EX_CALL_UNQUALIFIED: u8 = 12;
const EX_VIA: u8 = 13;

/// How deep an expression is encoded; deeper parts become `Unknown`.
const MAX_DEPTH: u32 = 64;

impl EventBuf {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, ev: &Event) {
        match ev {
            Event::Call(c) => {
                self.1 += 1;
                self.0.push(EV_CALL);
                self.varint(c.line);
                self.0.push(c.caught as u8);
                self.0.push(c.guard);
                self.str(&c.name);
                self.0.push(c.argc);
                match &c.recv {
                    None => self.0.push(0),
                    Some(e) => {
                        self.0.push(1);
                        self.expr(e, 0);
                    }
                }
                self.varint(c.args.len() as u32);
                for a in &c.args {
                    self.expr(a, 0);
                }
            }
            Event::New {
                ty,
                line,
                caught,
                guard,
            } => {
                self.1 += 1;
                self.0.push(EV_NEW);
                self.varint(*line);
                self.0.push(*caught as u8);
                self.0.push(*guard);
                self.str(ty);
            }
        }
    }

    pub fn extend(&mut self, other: EventBuf) {
        self.0.extend_from_slice(&other.0);
        self.1 += other.1;
    }

    /// How many events were pushed (the index the next one gets).
    pub fn len(&self) -> u32 {
        self.1
    }

    /// The same events without those at the given indexes (sorted or not).
    pub fn without(&self, drop: &[u32]) -> EventBuf {
        let mut out = EventBuf::default();
        for (i, ev) in self.iter().enumerate() {
            if !drop.contains(&(i as u32)) {
                out.push(&ev);
            }
        }
        out
    }

    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    /// The events, decoded in order. Decoding stops at the first malformed byte
    /// (which only a bug could produce).
    pub fn iter(&self) -> impl Iterator<Item = Event> + '_ {
        let mut r = Reader { b: &self.0, i: 0 };
        std::iter::from_fn(move || r.event())
    }

    fn varint(&mut self, mut v: u32) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn str(&mut self, s: &str) {
        self.varint(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn expr(&mut self, e: &Expr, depth: u32) {
        if depth > MAX_DEPTH {
            self.0.push(EX_UNKNOWN);
            return;
        }
        match e {
            Expr::Unknown => self.0.push(EX_UNKNOWN),
            Expr::Local { ty, .. } => {
                self.0.push(EX_LOCAL);
                self.str(ty);
            }
            Expr::This => self.0.push(EX_THIS),
            Expr::Super => self.0.push(EX_SUPER),
            Expr::Name(p) => {
                self.0.push(EX_NAME);
                self.varint(p.len() as u32);
                for s in p {
                    self.str(s);
                }
            }
            Expr::New(t) => {
                self.0.push(EX_NEW);
                self.str(t);
            }
            Expr::Cast(t) => {
                self.0.push(EX_CAST);
                self.str(t);
            }
            Expr::Call(recv, name, argc) => {
                match recv {
                    Some(r) => {
                        self.0.push(EX_CALL);
                        self.expr(r, depth + 1);
                    }
                    None => self.0.push(EX_CALL_UNQUALIFIED),
                }
                self.str(name);
                self.0.push(*argc);
            }
            Expr::Field(r, name) => {
                self.0.push(EX_FIELD);
                self.expr(r, depth + 1);
                self.str(name);
            }
            Expr::Index(r) => {
                self.0.push(EX_INDEX);
                self.expr(r, depth + 1);
            }
            Expr::Str(_) => self.0.push(EX_STR),
            Expr::Concat(r) => {
                self.0.push(EX_CONCAT);
                self.expr(r, depth + 1);
            }
            Expr::Via(t, r) => {
                self.0.push(EX_VIA);
                self.str(t);
                self.expr(r, depth + 1);
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.i)?;
        self.i += 1;
        Some(v)
    }

    fn varint(&mut self) -> Option<u32> {
        let mut v: u32 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u32) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn str(&mut self) -> Option<Ident> {
        let n = self.varint()? as usize;
        let s = self.b.get(self.i..self.i.checked_add(n)?)?;
        self.i += n;
        Some(Ident::from(std::str::from_utf8(s).ok()?))
    }

    fn event(&mut self) -> Option<Event> {
        match self.byte()? {
            EV_CALL => {
                let line = self.varint()?;
                let caught = self.byte()? != 0;
                let guard = self.byte()?;
                let name = self.str()?;
                let argc = self.byte()?;
                let recv = match self.byte()? {
                    0 => None,
                    _ => Some(self.expr()?),
                };
                let n = self.varint()? as usize;
                let mut args = Vec::with_capacity(n.min(255));
                for _ in 0..n {
                    args.push(self.expr()?);
                }
                Some(Event::Call(Call {
                    recv,
                    name,
                    argc,
                    args,
                    line,
                    caught,
                    guard,
                }))
            }
            EV_NEW => {
                let line = self.varint()?;
                let caught = self.byte()? != 0;
                let guard = self.byte()?;
                let ty = self.str()?;
                Some(Event::New {
                    ty,
                    line,
                    caught,
                    guard,
                })
            }
            _ => None,
        }
    }

    fn expr(&mut self) -> Option<Expr> {
        Some(match self.byte()? {
            EX_UNKNOWN => Expr::Unknown,
            EX_LOCAL => Expr::Local {
                name: Ident::default(),
                ty: self.str()?,
            },
            EX_THIS => Expr::This,
            EX_SUPER => Expr::Super,
            EX_NAME => {
                let n = self.varint()? as usize;
                let mut p = Vec::with_capacity(n.min(64));
                for _ in 0..n {
                    p.push(self.str()?);
                }
                Expr::Name(p)
            }
            EX_NEW => Expr::New(self.str()?),
            EX_CAST => Expr::Cast(self.str()?),
            EX_CALL => {
                let r = self.expr()?;
                let name = self.str()?;
                let argc = self.byte()?;
                Expr::Call(Some(Box::new(r)), name, argc)
            }
            EX_CALL_UNQUALIFIED => {
                let name = self.str()?;
                let argc = self.byte()?;
                Expr::Call(None, name, argc)
            }
            EX_FIELD => {
                let r = self.expr()?;
                Expr::Field(Box::new(r), self.str()?)
            }
            EX_INDEX => Expr::Index(Box::new(self.expr()?)),
            EX_STR => Expr::Str(String::new()),
            EX_CONCAT => Expr::Concat(Box::new(self.expr()?)),
            EX_VIA => {
                let t = self.str()?;
                Expr::Via(t, Box::new(self.expr()?))
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let evs = vec![
            Event::Call(Call {
                recv: Some(Expr::Call(
                    Some(Box::new(Expr::Cast("ipaymentgateway".into()))),
                    "charge".into(),
                    2,
                )),
                name: "send".into(),
                argc: 1,
                args: vec![
                    Expr::Name(vec!["httpcalloutmock".into(), "class".into()]),
                    Expr::Field(Box::new(Expr::This), "x".into()),
                    Expr::Index(Box::new(Expr::Local {
                        name: Ident::default(),
                        ty: "list<account>".into(),
                    })),
                    Expr::Concat(Box::new(Expr::Str(String::new()))),
                    Expr::Call(None, "f".into(), 0),
                    Expr::Super,
                    Expr::Unknown,
                    Expr::New("a".into()),
                    Expr::Via(
                        "ihandler".into(),
                        Box::new(Expr::Call(None, "make".into(), 1)),
                    ),
                ],
                line: 70_000,
                caught: true,
                guard: 12,
            }),
            Event::New {
                ty: "outer.inner".into(),
                line: 3,
                caught: false,
                guard: 255,
            },
            Event::Call(Call {
                recv: None,
                name: "m".into(),
                argc: 0,
                args: vec![],
                line: 1,
                caught: false,
                guard: 255,
            }),
        ];
        let mut buf = EventBuf::default();
        for e in &evs {
            buf.push(e);
        }
        let back: Vec<Event> = buf.iter().collect();
        assert_eq!(back, evs);
    }

    #[test]
    fn truncated_buffers_stop_cleanly() {
        let mut buf = EventBuf::default();
        buf.push(&Event::New {
            ty: "abc".into(),
            line: 9,
            caught: false,
            guard: 255,
        });
        for cut in 0..buf.0.len() {
            let b = EventBuf(buf.0[..cut].to_vec(), 0);
            assert_eq!(b.iter().count(), 0);
        }
    }
}
