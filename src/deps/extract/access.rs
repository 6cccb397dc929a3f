//! Permission sets (`X.permissionset-meta.xml` → `PermissionSet X`) and profiles
//! (`X.profile-meta.xml` → `Profile X`).
//!
//! References, every name as written (standard ones too; the graph drops what
//! resolves to nothing):
//! - `<classAccesses><apexClass>` → ApexClass
//! - `<pageAccesses><apexPage>` → VisualforcePage
//! - `<objectPermissions><object>` → CustomObject
//! - `<fieldPermissions><field>O.F` → CustomField
//! - `<customMetadataTypeAccesses><name>`, `<customSettingAccesses><name>` → CustomObject
//! - `<flowAccesses><flow>` → Flow

use super::common::{child_text, Sink, Source};
use crate::deps::model::{Declared, FileFacts, Kind};

const ACCESSES: &[(&str, &str, Kind)] = &[
    ("classAccesses", "apexClass", Kind::ApexClass),
    ("pageAccesses", "apexPage", Kind::VisualforcePage),
    ("objectPermissions", "object", Kind::CustomObject),
    ("fieldPermissions", "field", Kind::CustomField),
    ("customMetadataTypeAccesses", "name", Kind::CustomObject),
    ("customSettingAccesses", "name", Kind::CustomObject),
    ("flowAccesses", "flow", Kind::Flow),
];

/// Facts of a permission set or profile (`kind`) named `name`.
pub fn extract(rel: &str, kind: Kind, name: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let owner = Declared {
        kind,
        name: name.to_string(),
        line: 1,
    };
    let mut sink = Sink::new(&src, rel, Some(owner));
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    for el in doc.root_element().children().filter(|n| n.is_element()) {
        let tag = el.tag_name().name();
        if let Some((_, item, k)) = ACCESSES.iter().find(|(t, _, _)| *t == tag) {
            if let Some((v, off)) = child_text(el, item) {
                sink.add(&[*k], v, off);
            }
        }
    }
    sink.facts
}

#[cfg(test)]
mod tests {
    use super::super::common::testutil::{r, refs};
    use super::*;

    const PS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <classAccesses>
        <apexClass>InvoiceController</apexClass>
        <enabled>true</enabled>
    </classAccesses>
    <customMetadataTypeAccesses>
        <enabled>true</enabled>
        <name>Tax_Setting__mdt</name>
    </customMetadataTypeAccesses>
    <fieldPermissions>
        <editable>true</editable>
        <field>Invoice__c.Amount__c</field>
        <readable>true</readable>
    </fieldPermissions>
    <flowAccesses>
        <enabled>true</enabled>
        <flow>Invoice_Review</flow>
    </flowAccesses>
    <hasActivationRequired>false</hasActivationRequired>
    <label>Billing User</label>
    <objectPermissions>
        <allowCreate>true</allowCreate>
        <allowDelete>false</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>false</modifyAllRecords>
        <object>Invoice__c</object>
        <viewAllRecords>false</viewAllRecords>
    </objectPermissions>
    <pageAccesses>
        <apexPage>InvoiceView</apexPage>
        <enabled>true</enabled>
    </pageAccesses>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
</PermissionSet>
"#;

    #[test]
    fn permission_set() {
        let f = extract(
            "billing/main/default/permissionsets/Billing_User.permissionset-meta.xml",
            Kind::PermissionSet,
            "Billing_User",
            PS.as_bytes(),
        );
        assert_eq!(
            f.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
            Some((Kind::PermissionSet, "Billing_User"))
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::ApexClass], "InvoiceController", 4, 20),
                r(&[Kind::CustomObject], "Tax_Setting__mdt", 9, 15),
                r(&[Kind::CustomField], "Invoice__c.Amount__c", 13, 16),
                r(&[Kind::Flow], "Invoice_Review", 18, 15),
                r(&[Kind::CustomObject], "Invoice__c", 28, 17),
                r(&[Kind::VisualforcePage], "InvoiceView", 32, 19),
            ]
        );
    }

    #[test]
    fn profile_with_a_syntax_error() {
        let f = extract(
            "profiles/Admin.profile-meta.xml",
            Kind::Profile,
            "Admin",
            b"<Profile>\n<classAccesses><apexClass>A</apexClass></classAccesses>\n<custom>false</Profile>",
        );
        assert_eq!(f.owner.as_ref().unwrap().kind, Kind::Profile);
        assert_eq!(f.problems.len(), 1);
        // The parser stops at the mismatched end tag.
        assert_eq!((f.problems[0].line, f.problems[0].column), (3, 14));
    }
}
