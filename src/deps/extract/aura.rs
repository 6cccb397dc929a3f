//! Aura bundles: every file of `aura/<bundle>/` belongs to the bundle
//! (`Kind::Aura` named like the folder).
//!
//! References in markup (`.cmp`, `.app`, `.evt`, `.intf`, `.design`, `.tokens`),
//! comments ignored:
//! - `controller="Class"` / `controller="ns.Class"` on `aura:component` or
//!   `aura:application` → ApexClass `Class`;
//! - a `<c:other>` tag → Aura or Lwc `other`;
//! - `extends="c:base"`, each `c:` item of `implements="…"`,
//!   `<aura:registerEvent type="c:e">`, `<aura:handler event="c:e">`,
//!   `<aura:import name="c:t">` → Aura; `<aura:dependency resource="markup://c:x">`
//!   → Aura or Lwc;
//! - `<aura:attribute type="T">`: `c:x` → Aura; a custom object (`X__c`, `__mdt`,
//!   `__e`) → CustomObject; any other non-built-in, non-namespaced type → ApexClass
//!   or CustomObject (`Invoice`, `Account[]`);
//! - `datasource="apex://Class"` (design attributes) → ApexClass;
//! - a literal `objectApiName="O"` (`lightning:recordForm` and friends) → CustomObject;
//! - merge fields anywhere outside comments: `$Label.c.X` → CustomLabel, `$Resource.X`
//!   → StaticResource (and the other globals of [`scan_globals`]).
//!
//! In JavaScript (controllers, helpers, renderers) every string literal is read:
//! `"c:x"` or `"markup://c:x"` (`$A.createComponent`) → Aura or Lwc `x`;
//! `"$Label.c.X"` (`$A.get`) → CustomLabel; `"$Resource.X"` → StaticResource.
//! `c.method` (server actions of the markup's controller) are not references here.

use super::common::{scan_globals, Sink, Source};
use super::{js, markup};
use crate::deps::model::{Declared, FileFacts, Kind};

const MARKUP: &[&str] = &[".cmp", ".app", ".evt", ".intf", ".design", ".tokens"];

/// Facts of `file` (a file name directly inside `aura/<bundle>/`).
pub fn extract(rel: &str, bundle: &str, file: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let owner = Declared {
        kind: Kind::Aura,
        name: bundle.to_string(),
        line: 1,
    };
    let mut sink = Sink::new(&src, rel, Some(owner));
    if MARKUP.iter().any(|s| file.ends_with(s)) {
        markup_refs(&mut sink);
    } else if file.ends_with(".js") {
        script(&mut sink);
    }
    sink.facts
}

const BUILTIN_TYPES: &[&str] = &[
    "string", "boolean", "integer", "long", "decimal", "double", "date", "datetime", "time", "id",
    "object", "list", "map", "set", "function", "sobject", "blob", "array", "number",
];

/// `c:name` or `markup://c:name` → `name`.
fn c_name(v: &str) -> Option<(&str, usize)> {
    let (v, skip) = match v.strip_prefix("markup://") {
        Some(r) => (r, "markup://".len()),
        None => (v, 0),
    };
    let name = v.strip_prefix("c:")?;
    let ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    ok.then_some((name, skip))
}

fn markup_refs(sink: &mut Sink<'_, '_>) {
    let text: &str = &sink.src.text;
    let m = markup::scan(text);
    if let Some(off) = m.unterminated_comment {
        sink.problem(off, "markup: unterminated comment");
    }
    for tag in &m.tags {
        let tname = tag.name;
        if let Some((name, _)) = c_name(tname) {
            sink.add(&[Kind::Aura, Kind::Lwc], name, tag.name_off);
        }
        let is_root = tname.eq_ignore_ascii_case("aura:component")
            || tname.eq_ignore_ascii_case("aura:application");
        for a in &tag.attrs {
            let an = a.name.to_ascii_lowercase();
            match an.as_str() {
                "controller" if is_root => {
                    let v = a.value.trim();
                    let lead = a.value.len() - a.value.trim_start().len();
                    let class = v.rsplit('.').next().unwrap_or(v);
                    sink.add(&[Kind::ApexClass], class, a.value_off + lead);
                }
                "extends" | "implements" => {
                    for (item, off) in markup::list_items(a.value, a.value_off) {
                        if let Some((name, _)) = c_name(item) {
                            sink.add(&[Kind::Aura], name, off);
                        }
                    }
                }
                "type" if tname.eq_ignore_ascii_case("aura:registerEvent") => {
                    c_ref(sink, a, &[Kind::Aura]);
                }
                "event" if tname.eq_ignore_ascii_case("aura:handler") => {
                    c_ref(sink, a, &[Kind::Aura]);
                }
                "name" if tname.eq_ignore_ascii_case("aura:import") => {
                    c_ref(sink, a, &[Kind::Aura]);
                }
                "resource" if tname.eq_ignore_ascii_case("aura:dependency") => {
                    c_ref(sink, a, &[Kind::Aura, Kind::Lwc]);
                }
                "type" if tname.eq_ignore_ascii_case("aura:attribute") => attribute_type(sink, a),
                "objectapiname" if !a.value.contains('{') => {
                    let v = a.value.trim();
                    let lead = a.value.len() - a.value.trim_start().len();
                    sink.add(&[Kind::CustomObject], v, a.value_off + lead);
                }
                "datasource" => {
                    for (item, off) in markup::list_items(a.value, a.value_off) {
                        if let Some(class) = item.strip_prefix("apex://") {
                            sink.add(&[Kind::ApexClass], class, off);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for r in &m.text {
        scan_globals(sink, &text[r.clone()], r.start);
    }
}

fn c_ref(sink: &mut Sink<'_, '_>, a: &markup::Attr<'_>, kinds: &[Kind]) {
    let v = a.value.trim();
    let lead = a.value.len() - a.value.trim_start().len();
    if let Some((name, _)) = c_name(v) {
        sink.add(kinds, name, a.value_off + lead);
    }
}

fn attribute_type(sink: &mut Sink<'_, '_>, a: &markup::Attr<'_>) {
    let v = a.value.trim();
    let lead = a.value.len() - a.value.trim_start().len();
    let off = a.value_off + lead;
    if let Some((name, _)) = c_name(v) {
        sink.add(&[Kind::Aura], name, off);
        return;
    }
    let base = v.trim_end_matches("[]");
    let simple = !base.is_empty()
        && base.as_bytes()[0].is_ascii_alphabetic()
        && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !simple || BUILTIN_TYPES.iter().any(|t| t.eq_ignore_ascii_case(base)) {
        return;
    }
    let custom_object = ["__c", "__mdt", "__e", "__x", "__b"]
        .iter()
        .any(|s| super::common::ends_with_ci(base, s));
    if custom_object {
        sink.add(&[Kind::CustomObject], base, off);
    } else {
        sink.add(&[Kind::ApexClass, Kind::CustomObject], base, off);
    }
}

fn script(sink: &mut Sink<'_, '_>) {
    let text: &str = &sink.src.text;
    let sc = js::scan(text);
    for (off, msg) in &sc.problems {
        sink.problem(*off, format!("JavaScript: {msg}"));
    }
    for t in sc.tokens.iter().filter(|t| t.kind == js::Tok::Str) {
        let s = &text[t.range.clone()];
        if let Some((name, _)) = c_name(s.trim()) {
            let lead = s.len() - s.trim_start().len();
            sink.add(&[Kind::Aura, Kind::Lwc], name, t.range.start + lead);
        } else if s.contains('$') {
            scan_globals(sink, s, t.range.start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testutil::{r, refs, rn};
    use super::*;

    #[test]
    fn component_markup() {
        let cmp = r#"<aura:component controller="InvoiceCmpController"
    implements="force:hasRecordId,flexipage:availableForRecordHome, c:invoiceAware"
    extends="c:baseCard">
    <aura:attribute name="invoice" type="Invoice__c"/>
    <aura:attribute name="rows" type="InvoiceRow[]"/>
    <aura:attribute name="label" type="String"/>
    <aura:attribute name="acct" type="Account"/>
    <aura:registerEvent name="paid" type="c:invoicePaid"/>
    <aura:handler event="c:refreshAll" action="{!c.refresh}"/>
    <aura:handler name="init" value="{!this}" action="{!c.init}"/>
    <!-- <c:legacyTable/> -->
    <lightning:card title="{!$Label.c.Invoice_Title}">
        <c:invoiceTable rows="{!v.rows}"/>
        <lightning:recordForm objectApiName="Invoice_Line__c" recordId="{!v.recordId}"/>
        <img src="{!$Resource.BillingLogo + '/logo.png'}"/>
    </lightning:card>
</aura:component>
"#;
        let f = extract(
            "billing/main/default/aura/invoiceCard/invoiceCard.cmp",
            "invoiceCard",
            "invoiceCard.cmp",
            cmp.as_bytes(),
        );
        assert_eq!(f.owner.as_ref().unwrap().kind, Kind::Aura);
        assert_eq!(f.owner.as_ref().unwrap().name, "invoiceCard");
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::ApexClass], "InvoiceCmpController", 1, 29),
                rn(&[Kind::Aura], "invoiceAware", cmp, "c:invoiceAware"),
                rn(&[Kind::Aura], "baseCard", cmp, "c:baseCard"),
                rn(&[Kind::CustomObject], "Invoice__c", cmp, "Invoice__c"),
                rn(
                    &[Kind::ApexClass, Kind::CustomObject],
                    "InvoiceRow",
                    cmp,
                    "InvoiceRow[]"
                ),
                rn(
                    &[Kind::ApexClass, Kind::CustomObject],
                    "Account",
                    cmp,
                    "Account\""
                ),
                rn(&[Kind::Aura], "invoicePaid", cmp, "c:invoicePaid"),
                rn(&[Kind::Aura], "refreshAll", cmp, "c:refreshAll"),
                r(&[Kind::Aura, Kind::Lwc], "invoiceTable", 13, 10),
                rn(
                    &[Kind::CustomObject],
                    "Invoice_Line__c",
                    cmp,
                    "Invoice_Line__c"
                ),
                r(&[Kind::CustomLabel], "Invoice_Title", 12, 39),
                r(&[Kind::StaticResource], "BillingLogo", 15, 31),
            ]
        );
    }

    #[test]
    fn namespaced_controller_and_design() {
        let f = extract(
            "aura/a/a.app",
            "a",
            "a.app",
            b"<aura:application controller=\"acme.AppController\" extends=\"force:slds\">\n<aura:dependency resource=\"markup://c:lazyPanel\"/>\n</aura:application>",
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::ApexClass], "AppController", 1, 31),
                r(&[Kind::Aura, Kind::Lwc], "lazyPanel", 2, 28),
            ]
        );
        let d = extract(
            "aura/a/a.design",
            "a",
            "a.design",
            b"<design:component>\n  <design:attribute name=\"status\" datasource=\"apex://StatusPicklist\"/>\n</design:component>",
        );
        assert_eq!(
            refs(&d),
            vec![r(&[Kind::ApexClass], "StatusPicklist", 2, 47)]
        );
    }

    #[test]
    fn controller_javascript() {
        let js = r#"({
    init: function (component, event, helper) {
        var title = $A.get("$Label.c.Invoice_Title");
        // $A.get("$Label.c.Commented_Out");
        $A.createComponent("c:invoiceModal", { invoice: component.get("v.invoice") },
            function (modal) {});
        var action = component.get("c.getInvoices");
        var url = $A.get('$Resource.BillingLogo') + '/x.png';
    }
})
"#;
        let f = extract(
            "aura/invoiceCard/invoiceCardController.js",
            "invoiceCard",
            "invoiceCardController.js",
            js.as_bytes(),
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomLabel], "Invoice_Title", 3, 38),
                rn(
                    &[Kind::Aura, Kind::Lwc],
                    "invoiceModal",
                    js,
                    "c:invoiceModal"
                ),
                r(&[Kind::StaticResource], "BillingLogo", 8, 37),
            ]
        );
    }

    #[test]
    fn other_files_only_belong_to_the_bundle() {
        let f = extract("aura/a/a.css", "a", "a.css", b".THIS { color: red }");
        assert_eq!(f.owner.unwrap().name, "a");
        assert!(f.refs.is_empty());
    }
}
