//! Apex classes and triggers: type references of every kind (declarations,
//! `new`, static calls, generics, casts, `instanceof`, extends/implements, inner
//! classes), sObjects and fields in code and in SOQL/SOSL, custom labels and
//! `Type.forName('Name')` literals. Comments and strings are not references.
//!
//! Reuses the lint's lexer and parser (`crate::apex`), which records references
//! while parsing when asked to.

use crate::apex::model::{FileModel, RefKind, TypeKind};
use crate::apex::parse::parse_file_with_refs;
use crate::deps::model::{Declared, FileFacts, Kind, Problem, Reference};

/// The component an Apex file declares: its file stem, as the platform requires.
fn owner(rel: &str, model: &FileModel) -> Option<Declared> {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let (stem, kind) = if let Some(s) = strip_suffix_ci(file, ".cls") {
        (s, Kind::ApexClass)
    } else if let Some(s) = strip_suffix_ci(file, ".trigger") {
        (s, Kind::ApexTrigger)
    } else {
        return None;
    };
    let line = model
        .types
        .iter()
        .find(|t| t.outer.is_none() && (t.kind == TypeKind::Trigger) == (kind == Kind::ApexTrigger))
        .map(|t| t.line)
        .unwrap_or(1);
    Some(Declared {
        kind,
        name: stem.to_string(),
        line,
    })
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let n = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(n) && s[n..].eq_ignore_ascii_case(suffix)).then(|| &s[..n])
}

/// Whether `name` is a field or property of type `t` (or of a type it is nested
/// in): then `name.foo()` is a member access, not a reference to a class.
fn is_member(model: &FileModel, t: usize, name: &str) -> bool {
    let lname = name.to_ascii_lowercase();
    let mut cur = Some(t);
    let mut guard = 0;
    while let Some(k) = cur {
        let Some(ty) = model.types.get(k) else { break };
        if ty.fields.iter().any(|f| f.lname == lname.as_str()) {
            return true;
        }
        cur = ty.outer;
        guard += 1;
        if guard > 64 {
            break;
        }
    }
    false
}

/// Platform types and namespaces that are never components of the repository
/// (checked before the graph, so the common ones cost nothing there).
fn is_platform_name(name: &str) -> bool {
    const PLATFORM: &[&str] = &[
        "string",
        "integer",
        "long",
        "decimal",
        "double",
        "boolean",
        "id",
        "date",
        "datetime",
        "time",
        "blob",
        "object",
        "sobject",
        "void",
        "list",
        "set",
        "map",
        "system",
        "database",
        "schema",
        "test",
        "json",
        "math",
        "limits",
        "userinfo",
        "label",
        "type",
        "exception",
        "http",
        "httprequest",
        "httpresponse",
        "assert",
        "trigger",
        "apexpages",
        "messaging",
        "pagereference",
        "savepoint",
        "queueablecontext",
        "schedulablecontext",
        "iterable",
        "iterator",
        "url",
        "crypto",
        "encodingutil",
        "pattern",
        "matcher",
        "dom",
        "auth",
        "account",
        "contact",
        "lead",
        "opportunity",
        "case",
        "user",
        "task",
        "event",
    ];
    name.len() <= 20 && {
        let l = name.to_ascii_lowercase();
        PLATFORM.contains(&l.as_str())
    }
}

/// Facts of an Apex class or trigger file.
pub fn extract(rel: &str, bytes: &[u8]) -> FileFacts {
    let model = parse_file_with_refs(rel, bytes);
    facts_of(rel, &model)
}

/// Facts from an already parsed file (parsed with references).
pub fn facts_of(rel: &str, model: &FileModel) -> FileFacts {
    let owner = owner(rel, model);
    let mut refs: Vec<Reference> = Vec::with_capacity(model.refs.len());
    for r in &model.refs {
        if r.kind == RefKind::Type && is_platform_name(&r.name) {
            continue;
        }
        if r.kind == RefKind::Type {
            if let Some(t) = r.in_type {
                if is_member(model, t, &r.name) {
                    continue;
                }
            }
        }
        let kinds = match r.kind {
            RefKind::Type => vec![Kind::ApexClass, Kind::CustomObject],
            RefKind::Object => vec![Kind::CustomObject],
            RefKind::Field => vec![Kind::CustomField],
            RefKind::Label => vec![Kind::CustomLabel],
            RefKind::ClassName => vec![Kind::ApexClass],
        };
        refs.push(Reference {
            kinds,
            name: r.name.clone(),
            line: r.line,
            column: r.column,
        });
    }
    refs.sort_by(|a, b| (a.line, a.column, &a.name).cmp(&(b.line, b.column, &b.name)));
    refs.dedup();
    FileFacts {
        rel: rel.to_string(),
        declares: owner.iter().cloned().collect(),
        owner,
        refs,
        problems: model
            .problems
            .iter()
            .map(|p| Problem {
                line: p.line,
                column: p.column,
                message: p.message.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<(String, u32, Kind)> {
        extract("classes/A.cls", src.as_bytes())
            .refs
            .into_iter()
            .map(|r| (r.name, r.line, r.kinds[0]))
            .collect()
    }

    fn has(refs: &[(String, u32, Kind)], name: &str, line: u32, kind: Kind) -> bool {
        refs.iter()
            .any(|r| r.0 == name && r.1 == line && r.2 == kind)
    }

    #[test]
    fn type_references_of_every_kind() {
        let src = "public class A extends BaseSvc implements IShip, Sched.Job {
    private Logger log = new Logger();
    public List<InvoiceDto> run(Map<Id, OrderDto> m, Outer.Inner x) {
        Object o = (CastTarget) m.get(null);
        if (o instanceof CheckTarget) { StaticUtil.doIt(); }
        Type t = Type.forName('DynamicThing');
        for (LoopType l : new List<LoopType>()) {}
        try { } catch (CustomException e) { }
        return null;
    }
}";
        let r = names(src);
        for (name, line) in [
            ("BaseSvc", 1),
            ("IShip", 1),
            ("Sched", 1),
            ("Logger", 2),
            ("InvoiceDto", 3),
            ("OrderDto", 3),
            ("Outer", 3),
            ("CastTarget", 4),
            ("CheckTarget", 5),
            ("StaticUtil", 5),
            ("LoopType", 7),
            ("CustomException", 8),
        ] {
            assert!(
                has(&r, name, line, Kind::ApexClass),
                "{name} at {line}: {r:?}"
            );
        }
        assert!(has(&r, "DynamicThing", 6, Kind::ApexClass), "{r:?}");
        // The field `log` is a member, not a class named Log.
        assert!(!r.iter().any(|x| x.0 == "log"));
    }

    #[test]
    fn objects_fields_labels_and_soql() {
        let src = "public class A {
    public void m(Invoice__c inv) {
        Decimal d = inv.Amount__c;
        String n = inv.Account__r.Name;
        List<Invoice__c> l = [SELECT Id, Amount__c, Customer__r.Name FROM Invoice__c WHERE Status__c = :s];
        String lbl = System.Label.Invoice_Title;
        String lbl2 = Label.Other_Label;
        Schema.SObjectField f = Invoice__c.Due_Date__c;
        Setting__mdt cfg = Setting__mdt.getInstance('x');
    }
}";
        let r = names(src);
        assert!(has(&r, "Invoice__c", 2, Kind::ApexClass), "{r:?}");
        assert!(
            has(&r, "invoice__c.Amount__c", 3, Kind::CustomField),
            "{r:?}"
        );
        assert!(
            has(&r, "invoice__c.Account__c", 4, Kind::CustomField),
            "{r:?}"
        );
        assert!(has(&r, "Invoice__c", 5, Kind::CustomObject), "{r:?}");
        assert!(
            has(&r, "Invoice__c.Amount__c", 5, Kind::CustomField),
            "{r:?}"
        );
        assert!(
            has(&r, "Invoice__c.Customer__c", 5, Kind::CustomField),
            "{r:?}"
        );
        assert!(
            has(&r, "Invoice__c.Status__c", 5, Kind::CustomField),
            "{r:?}"
        );
        assert!(has(&r, "Invoice_Title", 6, Kind::CustomLabel), "{r:?}");
        assert!(has(&r, "Other_Label", 7, Kind::CustomLabel), "{r:?}");
        assert!(
            has(&r, "Invoice__c.Due_Date__c", 8, Kind::CustomField),
            "{r:?}"
        );
        assert!(has(&r, "Setting__mdt", 9, Kind::ApexClass), "{r:?}");
    }

    #[test]
    fn comments_and_strings_are_not_references() {
        let src = "public class A {
    // uses CommentOnly
    /* BlockOnly */
    String s = 'StringOnly';
    public void m() { System.debug('AlsoString'); }
}";
        let r = names(src);
        for n in ["CommentOnly", "BlockOnly", "StringOnly", "AlsoString"] {
            assert!(!r.iter().any(|x| x.0 == n), "{n}: {r:?}");
        }
    }

    #[test]
    fn owner_and_trigger_object() {
        let f = extract(
            "sales/triggers/InvoiceTrigger.trigger",
            b"trigger InvoiceTrigger on Invoice__c (before insert) { InvoiceHandler.run(); }",
        );
        let o = f.owner.unwrap();
        assert_eq!(
            (o.kind, o.name.as_str()),
            (Kind::ApexTrigger, "InvoiceTrigger")
        );
        assert!(f
            .refs
            .iter()
            .any(|r| r.name == "Invoice__c" && r.kinds == vec![Kind::CustomObject]));
        assert!(f.refs.iter().any(|r| r.name == "InvoiceHandler"));
    }
}
