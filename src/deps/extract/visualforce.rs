//! Visualforce pages (`X.page` → `VisualforcePage X`) and components
//! (`X.component` → `VisualforceComponent X`).
//!
//! References (Visualforce is read with a tolerant tag scanner: it is not XML),
//! comments ignored, tag and attribute names compared ignoring case:
//! - on `apex:page` / `apex:component`: `controller="C"` → ApexClass `C` (a `ns.`
//!   prefix dropped); `extensions="A, B"` → ApexClass `A` and `B`, each trimmed;
//!   `standardController="Obj"` → CustomObject;
//! - a `<c:comp>` tag → VisualforceComponent `comp`;
//! - `<apex:include pageName="P">`, `<apex:composition template="P">` → VisualforcePage;
//! - `<flow:interview name="F">` → Flow;
//! - merge fields anywhere outside comments (scripts included): `$Label.X`,
//!   `$Label.c.X` → CustomLabel; `$Resource.X` (also inside `URLFOR(…)`) →
//!   StaticResource; `$Page.X` → VisualforcePage; `$ObjectType.O[.Fields.F]`,
//!   `$Setup.O.F` → CustomObject / CustomField.

use super::common::{scan_globals, Sink, Source};
use super::markup;
use crate::deps::model::{Declared, FileFacts, Kind};

/// Facts of a page (`kind` VisualforcePage) or component (VisualforceComponent) named `name`.
pub fn extract(rel: &str, kind: Kind, name: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let owner = Declared {
        kind,
        name: name.to_string(),
        line: 1,
    };
    let mut sink = Sink::new(&src, rel, Some(owner));
    let text: &str = &src.text;
    let m = markup::scan(text);
    if let Some(off) = m.unterminated_comment {
        sink.problem(off, "Visualforce: unterminated comment");
    }
    for tag in &m.tags {
        let t = tag.name;
        if t.len() > 2 && t.as_bytes()[..2].eq_ignore_ascii_case(b"c:") {
            sink.add(&[Kind::VisualforceComponent], &t[2..], tag.name_off);
        }
        let root = t.eq_ignore_ascii_case("apex:page") || t.eq_ignore_ascii_case("apex:component");
        for a in &tag.attrs {
            let an = a.name.to_ascii_lowercase();
            let one = |sink: &mut Sink<'_, '_>, kinds: &[Kind], last_part: bool| {
                if let Some((item, off)) = markup::list_items(a.value, a.value_off).first() {
                    if item.starts_with("{!") {
                        return;
                    }
                    let item = match last_part {
                        true => item.rsplit('.').next().unwrap_or(item),
                        false => item,
                    };
                    sink.add(kinds, item, *off);
                }
            };
            match an.as_str() {
                "controller" if root => one(&mut sink, &[Kind::ApexClass], true),
                "extensions" if root => {
                    for (item, off) in markup::list_items(a.value, a.value_off) {
                        let item = item.rsplit('.').next().unwrap_or(item);
                        sink.add(&[Kind::ApexClass], item, off);
                    }
                }
                "standardcontroller" if root => one(&mut sink, &[Kind::CustomObject], false),
                "pagename" if t.eq_ignore_ascii_case("apex:include") => {
                    one(&mut sink, &[Kind::VisualforcePage], false)
                }
                "template" if t.eq_ignore_ascii_case("apex:composition") => {
                    one(&mut sink, &[Kind::VisualforcePage], false)
                }
                "name" if t.eq_ignore_ascii_case("flow:interview") => {
                    one(&mut sink, &[Kind::Flow], false)
                }
                _ => {}
            }
        }
    }
    for r in &m.text {
        scan_globals(&mut sink, &text[r.clone()], r.start);
    }
    sink.facts
}

#[cfg(test)]
mod tests {
    use super::super::common::testutil::{r, refs, rn};
    use super::*;

    #[test]
    fn page() {
        let page = r#"<apex:page standardController="Invoice__c" extensions="InvoiceExtension, acme.PdfExtension ,AuditExtension" showHeader="false">
    <apex:stylesheet value="{!URLFOR($Resource.BillingAssets, 'css/invoice.css')}"/>
    <!-- <c:oldHeader/> {!$Label.Old} -->
    <c:invoiceHeader invoice="{!Invoice__c}"/>
    <apex:outputText value="{!$Label.Invoice_Title}"/>
    <apex:include pageName="InvoiceFooter"/>
    <flow:interview name="Invoice_Review" finishLocation="{!$Page.InvoiceView}"/>
    <apex:outputLink value="{!$Page.InvoicePdf}">PDF</apex:outputLink>
    <script>
        var title = '{!JSENCODE($Label.c.Invoice_Js_Title)}';
        if (a<c.length) {}
    </script>
</apex:page>
"#;
        let f = extract(
            "billing/main/default/pages/InvoiceView.page",
            Kind::VisualforcePage,
            "InvoiceView",
            page.as_bytes(),
        );
        assert_eq!(
            f.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
            Some((Kind::VisualforcePage, "InvoiceView"))
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomObject], "Invoice__c", 1, 32),
                r(&[Kind::ApexClass], "InvoiceExtension", 1, 56),
                rn(
                    &[Kind::ApexClass],
                    "PdfExtension",
                    page,
                    "acme.PdfExtension"
                ),
                rn(&[Kind::ApexClass], "AuditExtension", page, "AuditExtension"),
                r(&[Kind::VisualforceComponent], "invoiceHeader", 4, 6),
                rn(
                    &[Kind::VisualforcePage],
                    "InvoiceFooter",
                    page,
                    "InvoiceFooter"
                ),
                rn(&[Kind::Flow], "Invoice_Review", page, "Invoice_Review"),
                r(&[Kind::StaticResource], "BillingAssets", 2, 48),
                r(&[Kind::CustomLabel], "Invoice_Title", 5, 38),
                r(&[Kind::VisualforcePage], "InvoiceView", 7, 67),
                r(&[Kind::VisualforcePage], "InvoicePdf", 8, 37),
                r(&[Kind::CustomLabel], "Invoice_Js_Title", 10, 42),
            ]
        );
    }

    #[test]
    fn component_with_controller() {
        let f = extract(
            "pages/x/components/InvoiceHeader.component",
            Kind::VisualforceComponent,
            "InvoiceHeader",
            b"<apex:component controller=\"InvoiceHeaderController\">\n<apex:attribute name=\"invoice\" type=\"Invoice__c\" description=\"x\"/>\n</apex:component>",
        );
        assert_eq!(
            refs(&f),
            vec![r(&[Kind::ApexClass], "InvoiceHeaderController", 1, 29)]
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let f = extract(
            "pages/X.page",
            Kind::VisualforcePage,
            "X",
            b"<apex:page controller=\"\xff\xfe\" <<< {!$Label.",
        );
        assert_eq!(f.owner.unwrap().name, "X");
    }
}
