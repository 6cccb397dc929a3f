//! Lightning pages: `flexipages/X.flexipage-meta.xml` → owner `FlexiPage X`.
//!
//! References:
//! - `<componentName>c:x</componentName>` → Lwc or Aura `x` (other namespaces —
//!   `flexipage:`, `force:`, `runtime_…` — are platform components);
//! - a `flowruntime:interview` component's `flowName` property → Flow;
//! - `<sobjectType>O</sobjectType>` → CustomObject `O`, and with it Dynamic Forms
//!   `<fieldItem>Record.F</fieldItem>` and visibility-rule `{!Record.F}` → CustomField
//!   `O.F` (a relationship `Rel__r.X` → `O.Rel__c`);
//! - merge-field globals in any text ([`scan_globals`]).
//!
//! `<pageTemplate>` is ignored.

use super::common::{
    child, child_text, dotted_idents, relationship_field, scan_globals, text_at, Sink, Source,
};
use crate::deps::model::{Declared, FileFacts, Kind};

/// Facts of the Lightning page `name`.
pub fn extract(rel: &str, name: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let owner = Declared {
        kind: Kind::FlexiPage,
        name: name.to_string(),
        line: 1,
    };
    let mut sink = Sink::new(&src, rel, Some(owner));
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    let root = doc.root_element();
    let sobject = child_text(root, "sobjectType");
    if let Some((o, off)) = sobject {
        sink.add(&[Kind::CustomObject], o, off);
    }
    let sobject = sobject.map(|(o, _)| o);
    for n in doc.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "componentName" => {
                let Some((c, off)) = text_at(n) else { continue };
                if let Some(x) = c.strip_prefix("c:") {
                    sink.add(&[Kind::Lwc, Kind::Aura], x, off);
                } else if c == "flowruntime:interview" {
                    flow_property(&mut sink, n);
                }
            }
            "fieldItem" | "leftValue" => {
                if let (Some(o), Some((t, off))) = (sobject, text_at(n)) {
                    record_fields(&mut sink, o, t, off);
                }
            }
            _ => {}
        }
    }
    let input = doc.input_text();
    for t in doc.descendants().filter(|n| n.is_text()) {
        let r = t.range();
        let raw = &input[r.clone()];
        if raw.contains('$') {
            scan_globals(&mut sink, raw, r.start);
        }
    }
    sink.facts
}

/// The `flowName` property of the component instance holding `name_el`.
fn flow_property(sink: &mut Sink<'_, '_>, name_el: roxmltree::Node<'_, '_>) {
    let Some(instance) = name_el.parent_element() else {
        return;
    };
    for p in instance
        .children()
        .filter(|c| c.has_tag_name("componentInstanceProperties"))
    {
        if child_text(p, "name").is_some_and(|(n, _)| n == "flowName") {
            if let Some((flow, off)) = child(p, "value").and_then(text_at) {
                sink.add(&[Kind::Flow], flow, off);
            }
        }
    }
}

/// `Record.F` (also inside `{!…}`) → CustomField `O.F`.
fn record_fields(sink: &mut Sink<'_, '_>, object: &str, text: &str, base: usize) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find("Record.") {
        let at = from + p;
        from = at + "Record.".len();
        if at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_' || b[at - 1] == b'$') {
            continue;
        }
        let parts = dotted_idents(b, from);
        let Some(first) = parts.first() else { continue };
        let f = &text[first.clone()];
        let f = if parts.len() > 1 {
            relationship_field(f)
        } else {
            f.into()
        };
        sink.add(&[Kind::CustomField], &format!("{object}.{f}"), base + at);
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testutil::{r, refs, rn};
    use super::*;

    const PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<FlexiPage xmlns="http://soap.sforce.com/2006/04/metadata">
    <flexiPageRegions>
        <itemInstances>
            <componentInstance>
                <componentInstanceProperties>
                    <name>recordId</name>
                    <value>{!recordId}</value>
                </componentInstanceProperties>
                <componentName>c:invoiceList</componentName>
                <identifier>c_invoiceList</identifier>
                <visibilityRule>
                    <criteria>
                        <leftValue>{!Record.Status__c}</leftValue>
                        <operator>EQUAL</operator>
                        <rightValue>Open</rightValue>
                    </criteria>
                </visibilityRule>
            </componentInstance>
        </itemInstances>
        <itemInstances>
            <componentInstance>
                <componentInstanceProperties>
                    <name>flowName</name>
                    <value>Invoice_Review</value>
                </componentInstanceProperties>
                <componentName>flowruntime:interview</componentName>
                <identifier>flowruntime_interview</identifier>
            </componentInstance>
        </itemInstances>
        <itemInstances>
            <fieldInstance>
                <fieldItem>Record.Amount__c</fieldItem>
                <identifier>RecordAmount_cField</identifier>
            </fieldInstance>
        </itemInstances>
        <itemInstances>
            <componentInstance>
                <componentName>force:highlightsPanel</componentName>
                <identifier>force_highlightsPanel</identifier>
            </componentInstance>
        </itemInstances>
        <name>main</name>
        <type>Region</type>
    </flexiPageRegions>
    <masterLabel>Invoice Record Page</masterLabel>
    <pageTemplate>flexipage:recordHomeTemplateDesktop</pageTemplate>
    <sobjectType>Invoice__c</sobjectType>
    <template><name>flexipage:recordHomeTemplateDesktop</name></template>
    <type>RecordPage</type>
</FlexiPage>
"#;

    #[test]
    fn record_page() {
        let f = extract(
            "billing/main/default/flexipages/Invoice_Record_Page.flexipage-meta.xml",
            "Invoice_Record_Page",
            PAGE.as_bytes(),
        );
        assert_eq!(
            f.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
            Some((Kind::FlexiPage, "Invoice_Record_Page"))
        );
        assert_eq!(
            refs(&f),
            vec![
                rn(
                    &[Kind::CustomObject],
                    "Invoice__c",
                    PAGE,
                    "Invoice__c</sobjectType>"
                ),
                r(&[Kind::Lwc, Kind::Aura], "invoiceList", 10, 32),
                r(&[Kind::CustomField], "Invoice__c.Status__c", 14, 38),
                r(&[Kind::Flow], "Invoice_Review", 25, 28),
                r(&[Kind::CustomField], "Invoice__c.Amount__c", 33, 28),
            ]
        );
    }
}
