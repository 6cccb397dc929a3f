//! The call events of a method, as the parser records them and the index resolves them:
//! calls and `new`s with the shape of their receiver. A leaf module: the model holds these
//! events and [`super::events`] encodes them, and neither needs the other for them.

/// A type as written (`list<iservice>`, `outer.inner`, `httprequest`), lower-cased,
/// without a `system.` prefix, generics kept.
pub type TypeName = Ident;

/// A lower-cased identifier or type name. Short names (up to 24 bytes, nearly
/// all of them) are stored inline, without a heap allocation.
pub type Ident = compact_str::CompactString;

/// An expression's shape, as far as typing calls needs it. Resolved against the
/// global index later (fields, return types, class names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A local variable or parameter of a known declared type.
    Local {
        name: Ident,
        ty: TypeName,
    },
    This,
    Super,
    /// A dotted name not bound locally: a field, a class, `Outer.Inner`, a static
    /// field `Cls.FIELD`, or `X.class` (last segment `class`).
    Name(Vec<Ident>),
    /// `new T(...)`, `new T[]{}`.
    New(TypeName),
    /// `(T) expr`.
    Cast(TypeName),
    /// A call's result: receiver (None = unqualified), name, argument count.
    Call(Option<Box<Expr>>, Ident, u8),
    /// `expr.field`.
    Field(Box<Expr>, Ident),
    /// `expr[i]`.
    Index(Box<Expr>),
    /// A string literal (its text without quotes).
    Str(String),
    /// `'a' + b`: the leftmost operand of a `+` chain (used for endpoints).
    Concat(Box<Expr>),
    /// A local declared with a type and initialised from a call: its declared
    /// type, unless the call returns an object made by `Type.newInstance()`.
    Via(TypeName, Box<Expr>),
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// None for an unqualified call `m()`.
    pub recv: Option<Expr>,
    pub name: Ident,
    /// Argument count.
    pub argc: u8,
    /// The arguments, kept only for calls on platform classes whose arguments
    /// matter (`Test.setMock`, `System.enqueueJob`, `Database.executeBatch`,
    /// `System.schedule`); empty otherwise, to keep the model small.
    pub args: Vec<Expr>,
    pub line: u32,
    /// Inside the body of a `try` whose catch swallows a `CalloutException`
    /// (catches `Exception` or `CalloutException` and neither rethrows nor fails
    /// an assertion).
    pub caught: bool,
    /// The trigger contexts it runs in ([`trigger_events`] bits, `NOT_IN_TRIGGER` for
    /// code outside a trigger; `ALL` unless a `Trigger.isInsert` /
    /// `Trigger.operationType` condition decides it).
    ///
    /// [`trigger_events`]: super::model::trigger_events
    pub guard: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Call(Call),
    /// `new T(...)`: runs T's constructor and initialisers.
    New {
        ty: TypeName,
        line: u32,
        caught: bool,
        guard: u8,
    },
}
