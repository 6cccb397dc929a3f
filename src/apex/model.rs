//! What the parser keeps of an Apex file: declarations and, per method, the ordered
//! events the analyses need (calls with their receivers, object creation, endpoints,
//! timeouts). Names are lower-cased (Apex identifiers are case-insensitive); display
//! names keep the source's casing. Tokens and source text are dropped after parsing,
//! so memory stays proportional to declarations and calls, not bytes.

pub use super::call::{Call, Event, Expr, Ident, TypeName};

/// An HTTP request variable's life in one method (for `callout-without-timeout`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntimedSend {
    /// The request variable (`req`), or `new HttpRequest()` when sent inline.
    pub var: String,
    /// Line where the request was created.
    pub created_line: u32,
    /// The `send(` call.
    pub line: u32,
    pub column: u32,
}

/// A `setEndpoint(...)` on an HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSet {
    /// The argument's string value with locals replaced by what they hold: `Str`,
    /// `Name` (a constant, resolved by the index), `Concat` of either (a string
    /// that starts with it), or `Unknown`.
    pub arg: Expr,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Annotation {
    /// Lower-cased name (`istest`, `future`, `suppresswarnings`).
    pub name: Ident,
    /// String literals among the parameters, as written (for `@SuppressWarnings`).
    /// Only `@SuppressWarnings` annotations are kept in the model; the others
    /// (`@IsTest`, `@TestSetup`, `@future`) become flags of the method or class.
    pub strings: Vec<String>,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Method {
    /// As written in the source.
    pub name: String,
    pub lname: Ident,
    pub param_count: u16,
    /// `void` for constructors and void methods.
    pub ret: TypeName,
    pub is_static: bool,
    pub is_constructor: bool,
    /// `@IsTest` or `testMethod`.
    pub is_test: bool,
    /// `@TestSetup`.
    pub is_test_setup: bool,
    /// `@future` (with or without `callout=true`): runs asynchronously.
    pub is_future: bool,
    pub annotations: Vec<Annotation>,
    /// Line of the first annotation or modifier of the declaration.
    pub decl_line: u32,
    /// Position of the method's name.
    pub line: u32,
    pub column: u32,
    pub events: crate::apex::events::EventBuf,
    /// Test.setMock / Test.startTest / … are plain calls in `events`.
    pub untimed_sends: Vec<UntimedSend>,
    pub endpoints: Vec<EndpointSet>,
    pub has_body: bool,
    /// When every `return` of the method gives an object made by
    /// `Type.newInstance()` — directly (then the list is empty) or through calls
    /// that the index checks for the same (the calls) — else None.
    pub dyn_returns: Option<Vec<Expr>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Class,
    Interface,
    Enum,
    Trigger,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub lname: Ident,
    pub ty: TypeName,
    pub is_static: bool,
    /// The initialiser's string value, for endpoint constants: a literal (`Str`),
    /// another constant (`Name`), or a concatenation or `String.format` whose
    /// leftmost operand is one of those (`Concat` of it). None otherwise. Boxed:
    /// most fields have none.
    pub literal: Option<Box<Expr>>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDecl {
    /// As written.
    pub name: String,
    /// Lower-cased qualified name within the file: `outer` or `outer.inner`.
    pub qname: String,
    /// As written, qualified: `Outer.Inner`.
    pub display: String,
    pub kind: TypeKind,
    /// Index of the enclosing type in the file's `types`.
    pub outer: Option<usize>,
    pub extends: Option<TypeName>,
    pub implements: Vec<TypeName>,
    pub is_test: bool,
    pub annotations: Vec<Annotation>,
    pub fields: Vec<Field>,
    pub methods: Vec<Method>,
    /// Events of field initialisers and initialiser blocks (run by `new`).
    pub init: crate::apex::events::EventBuf,
    /// Whether the type has executable code of its own — a method or constructor with a
    /// body, a field initialiser, a property with accessors, an initialiser block, a
    /// trigger's body — i.e. lines Salesforce counts for code coverage. A type with none (a
    /// class of plain fields, an interface, an enum) needs no coverage.
    pub has_code: bool,
    /// For triggers: the sObject (`account`).
    pub trigger_object: Option<TypeName>,
    /// For triggers: the sObject as written (`Account`).
    pub trigger_object_display: Option<String>,
    /// For triggers: the events it runs on, a set of [`trigger_events`] bits.
    pub trigger_events: u8,
    pub decl_line: u32,
    pub line: u32,
}

/// What a reference in Apex names (for the dependency graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// A name in a type position or the root of a dotted name: a class or an
    /// sObject type (`AccountService`, `Invoice__c`, `Outer` of `Outer.Inner`).
    Type,
    /// `Object.Field` (`Invoice__c.Amount__c`).
    Field,
    /// `System.Label.X` / `Label.X`.
    Label,
    /// A class named in `Type.forName('Name')`.
    ClassName,
    /// An sObject in a SOQL/SOSL `FROM` or a trigger's `on`.
    Object,
}

/// A reference written in Apex code (outside comments and strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApexRef {
    pub kind: RefKind,
    /// As written (`AccountService`, `Invoice__c.Amount__c`).
    pub name: String,
    pub line: u32,
    pub column: u32,
    /// For the root of a dotted name: the type it was written in, so a field or
    /// property of that name (not a class) can be told apart after parsing.
    pub in_type: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileModel {
    /// Repository-relative path with `/`.
    pub rel: String,
    pub types: Vec<TypeDecl>,
    pub directives: Vec<crate::apex::lexer::DirectiveComment>,
    /// Line of the first code token at or after each directive's line (for
    /// own-line comments): `(directive index, target line)`.
    pub directive_targets: Vec<u32>,
    /// Problems that stopped or limited the analysis of this file.
    pub problems: Vec<crate::apex::lexer::LexError>,
    pub bytes: u64,
    /// References, collected only by [`crate::apex::parse::parse_file_with_refs`].
    pub refs: Vec<ApexRef>,
}

/// Trigger events as bits (`TypeDecl::trigger_events`, and the events a DML
/// statement fires).
pub mod trigger_events {
    pub const BEFORE_INSERT: u8 = 1;
    pub const AFTER_INSERT: u8 = 2;
    pub const BEFORE_UPDATE: u8 = 4;
    pub const AFTER_UPDATE: u8 = 8;
    pub const BEFORE_DELETE: u8 = 16;
    pub const AFTER_DELETE: u8 = 32;
    pub const AFTER_UNDELETE: u8 = 64;
    pub const INSERT: u8 = BEFORE_INSERT | AFTER_INSERT;
    pub const UPDATE: u8 = BEFORE_UPDATE | AFTER_UPDATE;
    pub const DELETE: u8 = BEFORE_DELETE | AFTER_DELETE;
    /// Not a trigger event: code running outside any trigger.
    pub const NOT_IN_TRIGGER: u8 = 128;
    /// Every context (no trigger condition decides the code).
    pub const ALL: u8 = 255;

    /// `before insert` → bit; None for an unknown pair.
    pub fn parse(when: &str, op: &str) -> Option<u8> {
        Some(match (when, op) {
            ("before", "insert") => BEFORE_INSERT,
            ("after", "insert") => AFTER_INSERT,
            ("before", "update") => BEFORE_UPDATE,
            ("after", "update") => AFTER_UPDATE,
            ("before", "delete") => BEFORE_DELETE,
            ("after", "delete") => AFTER_DELETE,
            ("after", "undelete") => AFTER_UNDELETE,
            _ => return None,
        })
    }

    /// The DML verbs (`insert acc;`, `Database.insert(acc)`); each fires the
    /// triggers of its sObject.
    pub const DML_VERBS: [&str; 6] = ["insert", "update", "upsert", "delete", "undelete", "merge"];

    /// The events a DML verb fires (`upsert`: insert and update; `merge`: delete
    /// of the losing records and update of the winner).
    pub fn of_dml(verb: &str) -> u8 {
        match verb {
            "insert" => INSERT,
            "update" => UPDATE,
            "upsert" => INSERT | UPDATE,
            "delete" => DELETE,
            "undelete" => AFTER_UNDELETE,
            "merge" => DELETE | UPDATE,
            _ => 0,
        }
    }

    /// `before insert, after update` for the bits set.
    pub fn describe(bits: u8) -> String {
        const NAMES: [&str; 7] = [
            "before insert",
            "after insert",
            "before update",
            "after update",
            "before delete",
            "after delete",
            "after undelete",
        ];
        NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
