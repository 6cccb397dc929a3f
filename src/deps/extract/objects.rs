//! Custom objects (also custom metadata types `X__mdt`, platform events `X__e`,
//! custom settings), their fields and the other files of `objects/<Object>/`, and
//! custom metadata records (`customMetadata/Type.Record.md-meta.xml`).
//!
//! - `objects/O/O.object-meta.xml` → owner `CustomObject O`; `<actionOverrides>`:
//!   `Flexipage` → FlexiPage, `Visualforce` → VisualforcePage, `LightningComponent`
//!   (`c:x` or `x`) → Aura or Lwc.
//! - `objects/O/fields/F.field-meta.xml` → owner `CustomField O.F`; refs: the object
//!   `O` itself (line 1, column 1: a field cannot exist without it), `<referenceTo>` →
//!   CustomObject, `<summaryForeignKey>` / `<summarizedField>` /
//!   `<summaryFilterItems><field>` → CustomField as written (`Child__c.Parent__c`),
//!   `<valueSet><controllingField>` → CustomField `O.F`, and in `<formula>`,
//!   `<defaultValue>` and lookup-filter items the formula references below.
//! - Other children (`validationRules`, `webLinks`, `listViews`, `recordTypes`,
//!   `compactLayouts`, `fieldSets`, `businessProcesses`, …) → owner `CustomObject O`;
//!   refs from formulas (`<errorConditionFormula>`, `<url>`), `<errorDisplayField>`,
//!   custom field names in `<columns>`, `<field>`, `<fields>`, `<picklist>`, and
//!   `<page>` / `/apex/Page` of web links → VisualforcePage.
//!
//! Formulas (best effort): string literals and comments are skipped; `X__c` →
//! CustomField `O.X__c`; `Rel__r.…` → CustomField `O.Rel__c`; `Parent.X__c` (a
//! standard relationship named like its object) → CustomField `Parent.X__c`;
//! `$Source.X` → `O.X`; `$Label`, `$Setup`, `$CustomMetadata`, `$ObjectType`, … as
//! in [`scan_globals`].
//!
//! Custom metadata records have no component of their own (owner `None`); they
//! reference their type (`Type__mdt`, at 1:1) and each `<values><field>` →
//! CustomField `Type__mdt.Field`.

use super::common::{
    child_text, decode_xml_text, dotted_idents, ends_with_ci, is_ident_start, raw_content,
    relationship_field, scan_globals, text_at, Sink, Source,
};
use crate::deps::model::{Declared, FileFacts, Kind};

fn owner(kind: Kind, name: String) -> Option<Declared> {
    Some(Declared {
        kind,
        name,
        line: 1,
    })
}

/// `objects/<object>/<object>.object-meta.xml`.
pub fn object(rel: &str, object: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let mut sink = Sink::new(&src, rel, owner(Kind::CustomObject, object.to_string()));
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    for ov in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("actionOverrides"))
    {
        let (Some((t, _)), Some((content, off))) =
            (child_text(ov, "type"), child_text(ov, "content"))
        else {
            continue;
        };
        match t.to_ascii_lowercase().as_str() {
            "flexipage" => sink.add(&[Kind::FlexiPage], content, off),
            "visualforce" => sink.add(&[Kind::VisualforcePage], content, off),
            "lightningcomponent" => match content.split_once(':') {
                Some(("c", n)) => sink.add(&[Kind::Aura, Kind::Lwc], n, off),
                Some(_) => {}
                None => sink.add(&[Kind::Aura, Kind::Lwc], content, off),
            },
            _ => {}
        }
    }
    sink.facts
}

/// `objects/<object>/fields/<field>.field-meta.xml`.
pub fn field(rel: &str, object: &str, field: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let mut sink = Sink::new(
        &src,
        rel,
        owner(Kind::CustomField, format!("{object}.{field}")),
    );
    sink.add(&[Kind::CustomObject], object, 0);
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    for n in doc.descendants().filter(|n| n.is_element()) {
        let Some((text, off)) = text_at(n) else {
            continue;
        };
        let parent = n.parent_element().map(|p| p.tag_name().name());
        match n.tag_name().name() {
            "referenceTo" => sink.add(&[Kind::CustomObject], text, off),
            "summaryForeignKey" | "summarizedField" => sink.add(&[Kind::CustomField], text, off),
            "field" if parent == Some("summaryFilterItems") => {
                sink.add(&[Kind::CustomField], text, off)
            }
            "controllingField" => sink.add(&[Kind::CustomField], &format!("{object}.{text}"), off),
            "formula" | "defaultValue" => formula_of(&mut sink, object, n),
            "field" | "valueField" if parent == Some("filterItems") => {
                filter_operand(&mut sink, object, text, off)
            }
            _ => {}
        }
    }
    sink.facts
}

/// Any other `objects/<object>/<folder>/<name>.<type>-meta.xml`.
pub fn child(rel: &str, object: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let mut sink = Sink::new(&src, rel, owner(Kind::CustomObject, object.to_string()));
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    for n in doc.descendants().filter(|n| n.is_element()) {
        let Some((text, off)) = text_at(n) else {
            continue;
        };
        match n.tag_name().name() {
            "errorConditionFormula" | "formula" => formula_of(&mut sink, object, n),
            "url" => {
                if let Some((raw, base)) = raw_content(n) {
                    let (text, map) = decode_xml_text(raw);
                    let at = |i: usize| base + map[i.min(map.len() - 1)];
                    formula(&mut sink, object, &text, &at);
                    apex_urls(&mut sink, &text, &at);
                }
            }
            "page" => sink.add(&[Kind::VisualforcePage], text, off),
            "errorDisplayField" | "columns" | "field" | "fields" | "picklist" => {
                field_name(&mut sink, object, text, off)
            }
            _ => {}
        }
    }
    sink.facts
}

/// `customMetadata/<Type>.<Record>.md-meta.xml` (`record` is `Type.Record`).
pub fn custom_metadata_record(rel: &str, record: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let mut sink = Sink::new(&src, rel, None);
    let ty = format!("{}__mdt", record.split('.').next().unwrap_or(record));
    sink.add(&[Kind::CustomObject], &ty, 0);
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    for v in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("values"))
    {
        if let Some((f, off)) = child_text(v, "field") {
            sink.add(&[Kind::CustomField], &format!("{ty}.{f}"), off);
        }
    }
    sink.facts
}

/// A custom field name in a list (`Amount__c`, `Account__r.Name`, `Obj__c.F__c`);
/// standard names are skipped.
fn field_name(sink: &mut Sink<'_, '_>, object: &str, text: &str, off: usize) {
    let parts: Vec<&str> = text.split('.').collect();
    match parts.as_slice() {
        [f] if ends_with_ci(f, "__c") => {
            sink.add(&[Kind::CustomField], &format!("{object}.{f}"), off)
        }
        [o, f, ..] if o.eq_ignore_ascii_case(object) && ends_with_ci(f, "__c") => {
            sink.add(&[Kind::CustomField], &format!("{object}.{f}"), off)
        }
        [rel, _, ..] if ends_with_ci(rel, "__r") => sink.add(
            &[Kind::CustomField],
            &format!("{object}.{}", relationship_field(rel)),
            off,
        ),
        _ => {}
    }
}

/// A lookup-filter operand: `Object.Field` as written, or `$Source.Field` (the
/// field's own object).
fn filter_operand(sink: &mut Sink<'_, '_>, object: &str, text: &str, off: usize) {
    if let Some(f) = text.strip_prefix("$Source.") {
        let f = f.split('.').next().unwrap_or(f);
        sink.add(&[Kind::CustomField], &format!("{object}.{f}"), off);
    } else if !text.starts_with('$') && text.matches('.').count() == 1 {
        sink.add(&[Kind::CustomField], text, off);
    }
}

/// `/apex/PageName` in a URL → VisualforcePage.
fn apex_urls(sink: &mut Sink<'_, '_>, text: &str, at: &dyn Fn(usize) -> usize) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find("/apex/") {
        let s = from + p + "/apex/".len();
        let mut e = s;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
        if e > s {
            sink.add(&[Kind::VisualforcePage], &text[s..e], at(s));
        }
        from = s;
    }
}

/// The references of the formula in element `n` (best effort; see the module doc).
fn formula_of(sink: &mut Sink<'_, '_>, object: &str, n: roxmltree::Node<'_, '_>) {
    if let Some((raw, base)) = raw_content(n) {
        let (text, map) = decode_xml_text(raw);
        formula(sink, object, &text, &|i| base + map[i.min(map.len() - 1)]);
    }
}

/// The references of formula `text`; `at` maps a byte of it to its file offset.
pub fn formula(sink: &mut Sink<'_, '_>, object: &str, text: &str, at: &dyn Fn(usize) -> usize) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let c = b[i];
        if c == b'"' || c == b'\'' {
            i += 1;
            while i < n && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = text[i + 2..].find("*/").map_or(n, |p| i + 2 + p + 2);
        } else if c == b'$' && b.get(i + 1).is_some_and(|&x| is_ident_start(x)) {
            let parts = dotted_idents(b, i + 1);
            let end = parts.last().map_or(i + 1, |r| r.end);
            let global = &text[parts[0].clone()];
            if global.eq_ignore_ascii_case("Source") && parts.len() >= 2 {
                let f = &text[parts[1].clone()];
                let f = if parts.len() > 2 {
                    relationship_field(f)
                } else {
                    f.into()
                };
                sink.add(&[Kind::CustomField], &format!("{object}.{f}"), at(i));
            } else {
                scan_globals(sink, &text[i..end], at(i));
            }
            i = end;
        } else if is_ident_start(c) && (i == 0 || !super::common::is_ident_continue(b[i - 1])) {
            let parts = dotted_idents(b, i);
            let end = parts.last().map_or(i + 1, |r| r.end);
            let p = |k: usize| &text[parts[k].clone()];
            let off = at(i);
            if ends_with_ci(p(0), "__r") {
                let f = relationship_field(p(0));
                sink.add(&[Kind::CustomField], &format!("{object}.{f}"), off);
            } else if parts.len() == 1 {
                if ends_with_ci(p(0), "__c") {
                    sink.add(&[Kind::CustomField], &format!("{object}.{}", p(0)), off);
                }
            } else if ends_with_ci(p(1), "__c") || ends_with_ci(p(1), "__r") {
                let f = relationship_field(p(1));
                sink.add(&[Kind::CustomField], &format!("{}.{f}", p(0)), off);
            }
            i = end;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testutil::{r, refs, rn};
    use super::*;

    #[test]
    fn object_with_overrides() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
    <actionOverrides>
        <actionName>View</actionName>
        <comment>Action override created by Lightning App Builder during activation.</comment>
        <content>Invoice_Record_Page</content>
        <formFactor>Large</formFactor>
        <skipRecordTypeSelect>false</skipRecordTypeSelect>
        <type>Flexipage</type>
    </actionOverrides>
    <actionOverrides>
        <actionName>Edit</actionName>
        <content>c:invoiceEdit</content>
        <type>LightningComponent</type>
    </actionOverrides>
    <actionOverrides>
        <actionName>New</actionName>
        <content>InvoiceNew</content>
        <type>Visualforce</type>
    </actionOverrides>
    <label>Invoice</label>
    <nameField><label>Invoice Number</label><type>AutoNumber</type></nameField>
    <sharingModel>ControlledByParent</sharingModel>
</CustomObject>
"#;
        let f = object(
            "billing/main/default/objects/Invoice__c/Invoice__c.object-meta.xml",
            "Invoice__c",
            xml.as_bytes(),
        );
        assert_eq!(
            f.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
            Some((Kind::CustomObject, "Invoice__c"))
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::FlexiPage], "Invoice_Record_Page", 6, 18),
                rn(
                    &[Kind::Aura, Kind::Lwc],
                    "invoiceEdit",
                    xml,
                    "c:invoiceEdit"
                ),
                rn(&[Kind::VisualforcePage], "InvoiceNew", xml, "InvoiceNew"),
            ]
        );
    }

    #[test]
    fn lookup_field() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Account__c</fullName>
    <deleteConstraint>Restrict</deleteConstraint>
    <label>Account</label>
    <lookupFilter>
        <active>true</active>
        <filterItems>
            <field>Account.Type</field>
            <operation>equals</operation>
            <valueField>$Source.Customer_Type__c</valueField>
        </filterItems>
        <isOptional>false</isOptional>
    </lookupFilter>
    <referenceTo>Account</referenceTo>
    <relationshipName>Invoices</relationshipName>
    <type>Lookup</type>
</CustomField>
"#;
        let f = field(
            "objects/Invoice__c/fields/Account__c.field-meta.xml",
            "Invoice__c",
            "Account__c",
            xml.as_bytes(),
        );
        assert_eq!(
            f.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
            Some((Kind::CustomField, "Invoice__c.Account__c"))
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomObject], "Invoice__c", 1, 1),
                r(&[Kind::CustomField], "Account.Type", 9, 20),
                r(&[Kind::CustomField], "Invoice__c.Customer_Type__c", 11, 25),
                r(&[Kind::CustomObject], "Account", 15, 18),
            ]
        );
    }

    #[test]
    fn formula_and_rollup_fields() {
        let xml = r#"<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Total_With_Tax__c</fullName>
    <formula>Amount__c * (1 + Account__r.Tax_Rate__c) /* Old__c */
 + IF(ISPICKVAL(Status__c, "Paid__c"), Account.Discount__c, $Setup.Billing_Settings__c.Fee__c)</formula>
    <type>Currency</type>
</CustomField>
"#;
        let f = field(
            "objects/Invoice__c/fields/Total_With_Tax__c.field-meta.xml",
            "Invoice__c",
            "Total_With_Tax__c",
            xml.as_bytes(),
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomObject], "Invoice__c", 1, 1),
                r(&[Kind::CustomField], "Invoice__c.Amount__c", 3, 14),
                r(&[Kind::CustomField], "Invoice__c.Account__c", 3, 31),
                r(&[Kind::CustomField], "Invoice__c.Status__c", 4, 17),
                rn(
                    &[Kind::CustomField],
                    "Account.Discount__c",
                    xml,
                    "Account.Discount__c"
                ),
                r(&[Kind::CustomObject], "Billing_Settings__c", 4, 68),
                r(&[Kind::CustomField], "Billing_Settings__c.Fee__c", 4, 68),
            ]
        );
        let rollup = r#"<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Total__c</fullName>
    <summarizedField>Invoice_Line__c.Amount__c</summarizedField>
    <summaryFilterItems>
        <field>Invoice_Line__c.Billable__c</field>
        <operation>equals</operation>
        <value>true</value>
    </summaryFilterItems>
    <summaryForeignKey>Invoice_Line__c.Invoice__c</summaryForeignKey>
    <summaryOperation>sum</summaryOperation>
    <type>Summary</type>
</CustomField>"#;
        let f = field(
            "objects/Invoice__c/fields/Total__c.field-meta.xml",
            "Invoice__c",
            "Total__c",
            rollup.as_bytes(),
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomObject], "Invoice__c", 1, 1),
                r(&[Kind::CustomField], "Invoice_Line__c.Amount__c", 3, 22),
                r(&[Kind::CustomField], "Invoice_Line__c.Billable__c", 5, 16),
                r(&[Kind::CustomField], "Invoice_Line__c.Invoice__c", 9, 24),
            ]
        );
    }

    #[test]
    fn validation_rule_and_web_link() {
        let vr = r#"<?xml version="1.0" encoding="UTF-8"?>
<ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Amount_Positive</fullName>
    <active>true</active>
    <errorConditionFormula>AND(Amount__c &lt;= 0, NOT($Permission.Bypass),
    ISPICKVAL(Status__c, &quot;Draft__c&quot;), Approver__r.IsActive)</errorConditionFormula>
    <errorDisplayField>Amount__c</errorDisplayField>
    <errorMessage>Amount must be positive</errorMessage>
</ValidationRule>
"#;
        let f = child(
            "objects/Invoice__c/validationRules/Amount_Positive.validationRule-meta.xml",
            "Invoice__c",
            vr.as_bytes(),
        );
        assert_eq!(
            f.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
            Some((Kind::CustomObject, "Invoice__c"))
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomField], "Invoice__c.Amount__c", 5, 32),
                r(&[Kind::CustomField], "Invoice__c.Status__c", 6, 15),
                rn(
                    &[Kind::CustomField],
                    "Invoice__c.Approver__c",
                    vr,
                    "Approver__r"
                ),
                r(&[Kind::CustomField], "Invoice__c.Amount__c", 7, 24),
            ]
        );
        let wl = r#"<WebLink xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Print</fullName>
    <linkType>url</linkType>
    <url>/apex/InvoicePdf?id={!Invoice__c.Id}&amp;lang={!$Label.Pdf_Lang}</url>
</WebLink>"#;
        let f = child(
            "objects/Invoice__c/webLinks/Print.webLink-meta.xml",
            "Invoice__c",
            wl.as_bytes(),
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomLabel], "Pdf_Lang", 4, 65),
                r(&[Kind::VisualforcePage], "InvoicePdf", 4, 16),
            ]
        );
    }

    #[test]
    fn custom_metadata_records() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>Default</label>
    <protected>false</protected>
    <values>
        <field>Rate__c</field>
        <value xsi:type="xsd:double">0.2</value>
    </values>
</CustomMetadata>
"#;
        let f = custom_metadata_record(
            "customMetadata/Tax_Setting.Default.md-meta.xml",
            "Tax_Setting.Default",
            xml.as_bytes(),
        );
        assert_eq!(f.owner, None);
        assert!(f.declares.is_empty());
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomObject], "Tax_Setting__mdt", 1, 1),
                r(&[Kind::CustomField], "Tax_Setting__mdt.Rate__c", 6, 16),
            ]
        );
    }
}
