//! Flows: `flows/X.flow-meta.xml` → `Flow X`.
//!
//! References (element names as in the Metadata API `Flow` type):
//! - `<actionCalls>` with `<actionType>apex</actionType>`: `<actionName>Class</actionName>`
//!   → ApexClass `Class` (`Class.method` → `Class`); with `<actionType>component</actionType>`
//!   (local actions) `c:x` → Aura or Lwc `x`;
//! - `<apexPluginCalls><apexClass>` and `<variables><apexClass>` → ApexClass;
//!   `<variables><objectType>` → CustomObject;
//! - `<subflows><flowName>` → Flow;
//! - `<object>` of `recordLookups`, `recordCreates`, `recordUpdates`, `recordDeletes`,
//!   `dynamicChoiceSets` and `start` → CustomObject, and inside the same element
//!   `<field>`, `<queriedFields>`, `<displayField>`, `<valueField>`, `<sortField>`
//!   → CustomField `Object.Field` (a relationship path `Rel__r.Name` → `Object.Rel__c`);
//!   `dynamicChoiceSets` `<picklistObject>` / `<picklistField>` likewise;
//! - screen fields `<extensionName>c:x</extensionName>` → Lwc or Aura `x`;
//! - in any text: `$Record.F` / `$Record__Prior.F` → CustomField `StartObject.F` when the
//!   start element names its object, and the globals of [`scan_globals`]
//!   (`{!$Label.X}`, `$Setup`, `$CustomMetadata`, …).

use super::common::{
    child, child_text, dotted_idents, relationship_field, scan_globals, text_at, Sink, Source,
};
use crate::deps::model::{Declared, FileFacts, Kind};

const RECORD_ELEMENTS: &[&str] = &[
    "recordLookups",
    "recordCreates",
    "recordUpdates",
    "recordDeletes",
    "dynamicChoiceSets",
    "start",
];

const FIELD_ELEMENTS: &[&str] = &[
    "field",
    "queriedFields",
    "displayField",
    "valueField",
    "sortField",
];

/// Facts of the flow `name`.
pub fn extract(rel: &str, name: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let owner = Declared {
        kind: Kind::Flow,
        name: name.to_string(),
        line: 1,
    };
    let mut sink = Sink::new(&src, rel, Some(owner));
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    let root = doc.root_element();
    let start_object = child(root, "start")
        .and_then(|s| child_text(s, "object"))
        .map(|(o, _)| o);
    for el in root.children().filter(|n| n.is_element()) {
        match el.tag_name().name() {
            "actionCalls" => {
                let action_type = child_text(el, "actionType").map(|(t, _)| t);
                let Some((action, off)) = child_text(el, "actionName") else {
                    continue;
                };
                match action_type {
                    Some(t) if t.eq_ignore_ascii_case("apex") => {
                        let class = action.split('.').next().unwrap_or(action);
                        sink.add(&[Kind::ApexClass], class, off);
                    }
                    Some(t) if t.eq_ignore_ascii_case("component") => {
                        if let Some(n) = action.strip_prefix("c:") {
                            sink.add(&[Kind::Aura, Kind::Lwc], n, off);
                        }
                    }
                    _ => {}
                }
            }
            "apexPluginCalls" => {
                if let Some((c, off)) = child_text(el, "apexClass") {
                    sink.add(&[Kind::ApexClass], c, off);
                }
            }
            "variables" => {
                if let Some((c, off)) = child_text(el, "apexClass") {
                    sink.add(&[Kind::ApexClass], c, off);
                }
                if let Some((o, off)) = child_text(el, "objectType") {
                    sink.add(&[Kind::CustomObject], o, off);
                }
            }
            "subflows" => {
                if let Some((f, off)) = child_text(el, "flowName") {
                    sink.add(&[Kind::Flow], f, off);
                }
            }
            "screens" => {
                for n in el.descendants().filter(|n| n.has_tag_name("extensionName")) {
                    if let Some((x, off)) = text_at(n) {
                        if let Some(c) = x.strip_prefix("c:") {
                            sink.add(&[Kind::Lwc, Kind::Aura], c, off);
                        }
                    }
                }
            }
            name if RECORD_ELEMENTS.contains(&name) => record_element(&mut sink, el),
            _ => {}
        }
    }
    let input = doc.input_text();
    for t in doc.descendants().filter(|n| n.is_text()) {
        let r = t.range();
        let raw = &input[r.clone()];
        if !raw.contains('$') {
            continue;
        }
        scan_globals(&mut sink, raw, r.start);
        if let Some(obj) = start_object {
            record_refs(&mut sink, obj, raw, r.start);
        }
    }
    sink.facts
}

fn record_element(sink: &mut Sink<'_, '_>, el: roxmltree::Node<'_, '_>) {
    let object = child_text(el, "object");
    if let Some((o, off)) = object {
        sink.add(&[Kind::CustomObject], o, off);
    }
    if let Some((o, off)) = child_text(el, "picklistObject") {
        sink.add(&[Kind::CustomObject], o, off);
        if let Some((f, foff)) = child_text(el, "picklistField") {
            sink.add(&[Kind::CustomField], &format!("{o}.{f}"), foff);
        }
    }
    let Some((obj, _)) = object else {
        return;
    };
    for n in el.descendants().filter(|n| n.is_element()) {
        if !FIELD_ELEMENTS.contains(&n.tag_name().name()) {
            continue;
        }
        if let Some((f, off)) = text_at(n) {
            let first = f.split('.').next().unwrap_or(f);
            let first = if f.contains('.') {
                relationship_field(first)
            } else {
                first.into()
            };
            sink.add(&[Kind::CustomField], &format!("{obj}.{first}"), off);
        }
    }
}

/// `$Record.F`, `$Record.Rel__r.X`, `$Record__Prior.F` → CustomField of the start object.
fn record_refs(sink: &mut Sink<'_, '_>, obj: &str, text: &str, base: usize) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'$') {
        let at = i + p;
        i = at + 1;
        let parts = dotted_idents(b, at + 1);
        if parts.len() < 2 {
            continue;
        }
        let global = &text[parts[0].clone()];
        if !(global.eq_ignore_ascii_case("Record") || global.eq_ignore_ascii_case("Record__Prior"))
        {
            continue;
        }
        let field = &text[parts[1].clone()];
        let field = if parts.len() > 2 {
            relationship_field(field)
        } else {
            field.into()
        };
        sink.add(&[Kind::CustomField], &format!("{obj}.{field}"), base + at);
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testutil::{r, refs, rn};
    use super::*;

    const FLOW: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    <actionCalls>
        <name>Charge_Invoice</name>
        <label>Charge Invoice</label>
        <locationX>176</locationX>
        <locationY>335</locationY>
        <actionName>PaymentService</actionName>
        <actionType>apex</actionType>
        <flowTransactionModel>CurrentTransaction</flowTransactionModel>
    </actionCalls>
    <actionCalls>
        <name>Legacy</name>
        <actionName>InvoiceActions.resend</actionName>
        <actionType>apex</actionType>
    </actionCalls>
    <actionCalls>
        <name>Email</name>
        <actionName>emailSimple</actionName>
        <actionType>emailSimple</actionType>
    </actionCalls>
    <apiVersion>62.0</apiVersion>
    <formulas>
        <name>Greeting</name>
        <dataType>String</dataType>
        <expression>{!$Label.Invoice_Greeting} &amp; {!$Record.Account__r.Name}</expression>
    </formulas>
    <recordLookups>
        <name>Get_Lines</name>
        <object>Invoice_Line__c</object>
        <filters>
            <field>Invoice__c</field>
            <operator>EqualTo</operator>
            <value><elementReference>$Record.Id</elementReference></value>
        </filters>
        <queriedFields>Amount__c</queriedFields>
    </recordLookups>
    <screens>
        <name>Review</name>
        <fields>
            <name>Editor</name>
            <extensionName>c:invoiceEditor</extensionName>
            <fieldType>ComponentInstance</fieldType>
        </fields>
    </screens>
    <start>
        <locationX>50</locationX>
        <object>Invoice__c</object>
        <recordTriggerType>Update</recordTriggerType>
        <triggerType>RecordAfterSave</triggerType>
    </start>
    <subflows>
        <name>Notify</name>
        <flowName>Notify_Account_Owner</flowName>
    </subflows>
    <variables>
        <name>lines</name>
        <apexClass>InvoiceLineWrapper</apexClass>
        <dataType>Apex</dataType>
        <isCollection>true</isCollection>
    </variables>
    <variables>
        <name>acct</name>
        <dataType>SObject</dataType>
        <objectType>Account</objectType>
    </variables>
</Flow>
"#;

    #[test]
    fn record_triggered_flow() {
        let f = extract(
            "billing/main/default/flows/Invoice_After_Update.flow-meta.xml",
            "Invoice_After_Update",
            FLOW.as_bytes(),
        );
        assert_eq!(
            f.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
            Some((Kind::Flow, "Invoice_After_Update"))
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::ApexClass], "PaymentService", 8, 21),
                r(&[Kind::ApexClass], "InvoiceActions", 14, 21),
                r(&[Kind::CustomObject], "Invoice_Line__c", 30, 17),
                r(&[Kind::CustomField], "Invoice_Line__c.Invoice__c", 32, 20),
                r(&[Kind::CustomField], "Invoice_Line__c.Amount__c", 36, 24),
                rn(
                    &[Kind::Lwc, Kind::Aura],
                    "invoiceEditor",
                    FLOW,
                    "c:invoiceEditor"
                ),
                r(&[Kind::CustomObject], "Invoice__c", 48, 17),
                r(&[Kind::Flow], "Notify_Account_Owner", 54, 19),
                r(&[Kind::ApexClass], "InvoiceLineWrapper", 58, 20),
                r(&[Kind::CustomObject], "Account", 65, 21),
                r(&[Kind::CustomLabel], "Invoice_Greeting", 26, 30),
                rn(
                    &[Kind::CustomField],
                    "Invoice__c.Account__c",
                    FLOW,
                    "$Record.Account__r"
                ),
                rn(&[Kind::CustomField], "Invoice__c.Id", FLOW, "$Record.Id"),
            ]
        );
        assert!(f.problems.is_empty());
    }

    #[test]
    fn malformed_flow_is_a_problem_and_keeps_its_owner() {
        let f = extract(
            "flows/Broken.flow-meta.xml",
            "Broken",
            b"<?xml version=\"1.0\"?>\r\n<Flow>\r\n  <subflows><flowName>X</flowName>\r\n</Flow>\r\n",
        );
        assert_eq!(f.owner.as_ref().unwrap().name, "Broken");
        assert!(f.refs.is_empty());
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].line, 4);
        assert!(f.problems[0].message.starts_with("malformed XML"));
        let empty = extract("flows/E.flow-meta.xml", "E", b"");
        assert_eq!(empty.problems.len(), 1);
    }
}
