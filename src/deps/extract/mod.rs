//! Reference extraction, one module per metadata type. [`extract`] dispatches on
//! the file's repository-relative path (Salesforce DX source format).
//!
//! # Dispatch
//! Folder names and suffixes are matched case-sensitively, as the Salesforce CLI
//! does. The first rule that matches wins:
//!
//! 1. Below a `staticresources/` folder (the leftmost one): `X.resource-meta.xml`,
//!    `X.<ext>` and `X/…` → static resource `X` (content is opaque, so a vendored
//!    `.js` or even `.cls` inside is no reference).
//! 2. `*.cls`, `*.trigger` → [`apex::extract`].
//! 3. Below `lwc/<bundle>/` (the rightmost `lwc` folder) → [`lwc`]: every file
//!    belongs to the bundle, its `.js-meta.xml` too (it holds target-config
//!    references); files under a `__tests__` or `__mocks__` folder (Jest, never
//!    deployed) → `None`.
//! 4. `aura/<bundle>/<file>` → [`aura`]: every file belongs to the bundle.
//! 5. `objects/<O>/<O>.object-meta.xml` → object; `objects/<O>/fields/F.field-meta.xml`
//!    → field; `objects/<O>/<folder>/N.<type>-meta.xml` for the known child folders
//!    (validation rules, web links, list views, …) → the object ([`objects`]).
//! 6. By suffix, in any folder: `.page`, `.component` ([`visualforce`]),
//!    `.flow-meta.xml` ([`flow`]), `.flexipage-meta.xml` ([`flexipage`]),
//!    `.permissionset-meta.xml`, `.profile-meta.xml` ([`access`]), `.labels-meta.xml`,
//!    `.label-meta.xml` ([`labels`]), `.md-meta.xml` (custom metadata records,
//!    [`objects::custom_metadata_record`]).
//! 7. Anything else → `None`, including the `-meta.xml` of single-file components
//!    (`.cls-meta.xml`, `.page-meta.xml`, …: the main file declares the component
//!    and the meta file references nothing).
//!
//! # Positions
//! Lines and columns are 1-based; columns count bytes (as the Apex lexer's), after
//! a UTF-8 BOM. A reference is placed where its name (or the expression naming it)
//! starts: the first character inside an import's quotes, a tag's name, an XML
//! element's text, an attribute list item, the `$` of a merge field.

pub mod access;
pub mod apex;
pub mod aura;
mod common;
pub mod flexipage;
pub mod flow;
mod js;
pub mod labels;
pub mod lwc;
mod markup;
pub mod objects;
pub mod staticresource;
pub mod visualforce;

use crate::deps::model::{FileFacts, Kind};

/// The file extensions the walker must collect (without the dot). Static resources
/// with other extensions are declared by their `.resource-meta.xml`.
pub const EXTENSIONS: &[&str] = &[
    "cls",
    "trigger",
    "js",
    "ts",
    "html",
    "css",
    "cmp",
    "app",
    "evt",
    "intf",
    "design",
    "tokens",
    "page",
    "component",
    "xml",
];

/// `objects/<O>/<folder>/` children and their suffixes, besides `fields`.
const OBJECT_CHILDREN: &[(&str, &str)] = &[
    ("validationRules", ".validationRule-meta.xml"),
    ("webLinks", ".webLink-meta.xml"),
    ("listViews", ".listView-meta.xml"),
    ("recordTypes", ".recordType-meta.xml"),
    ("compactLayouts", ".compactLayout-meta.xml"),
    ("fieldSets", ".fieldSet-meta.xml"),
    ("businessProcesses", ".businessProcess-meta.xml"),
    ("sharingReasons", ".sharingReason-meta.xml"),
    ("indexes", ".index-meta.xml"),
];

/// The facts of the file at repository-relative path `rel` (with `/`), or `None`
/// when it is no component and holds no references. Never panics.
pub fn extract(rel: &str, bytes: &[u8]) -> Option<FileFacts> {
    let segs: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
    let (&file, dirs) = segs.split_last()?;

    if let Some(i) = dirs.iter().position(|d| *d == "staticresources") {
        let first = segs[i + 1];
        let meta = i + 2 == segs.len() && first.ends_with(".resource-meta.xml");
        let name = first.split('.').next().unwrap_or(first);
        if name.is_empty() {
            return None;
        }
        return Some(staticresource::extract(rel, name, meta, bytes));
    }
    if file.ends_with(".cls") || file.ends_with(".trigger") {
        return Some(apex::extract(rel, bytes));
    }
    if let Some(i) = dirs.iter().rposition(|d| *d == "lwc") {
        if i + 1 < dirs.len() {
            // Bundle names start with a letter (`__mocks__`, `__tests__` are Jest's).
            if !dirs[i + 1].starts_with(|c: char| c.is_ascii_alphabetic()) {
                return None;
            }
            let inner = &segs[i + 2..];
            if inner[..inner.len() - 1]
                .iter()
                .any(|d| *d == "__tests__" || *d == "__mocks__")
            {
                return None;
            }
            let file_in_bundle = inner.join("/");
            return Some(lwc::extract(rel, dirs[i + 1], &file_in_bundle, bytes));
        }
    }
    if let [.., "aura", bundle] = dirs {
        return Some(aura::extract(rel, bundle, file, bytes));
    }
    if let [.., "objects", _] = dirs {
        let stem = file.strip_suffix(".object-meta.xml")?;
        return Some(objects::object(rel, stem, bytes));
    }
    if let [.., "objects", object, folder] = dirs {
        if *folder == "fields" {
            let f = file.strip_suffix(".field-meta.xml")?;
            return Some(objects::field(rel, object, f, bytes));
        }
        if OBJECT_CHILDREN
            .iter()
            .any(|(d, suffix)| d == folder && file.ends_with(suffix))
        {
            return Some(objects::child(rel, object, bytes));
        }
    }
    by_suffix(rel, file, bytes)
}

fn by_suffix(rel: &str, file: &str, bytes: &[u8]) -> Option<FileFacts> {
    let stem = |suffix: &str| file.strip_suffix(suffix).filter(|s| !s.is_empty());
    if let Some(n) = stem(".page") {
        return Some(visualforce::extract(rel, Kind::VisualforcePage, n, bytes));
    }
    if let Some(n) = stem(".component") {
        return Some(visualforce::extract(
            rel,
            Kind::VisualforceComponent,
            n,
            bytes,
        ));
    }
    if let Some(n) = stem(".flow-meta.xml") {
        return Some(flow::extract(rel, n, bytes));
    }
    if let Some(n) = stem(".flexipage-meta.xml") {
        return Some(flexipage::extract(rel, n, bytes));
    }
    if let Some(n) = stem(".permissionset-meta.xml") {
        return Some(access::extract(rel, Kind::PermissionSet, n, bytes));
    }
    if let Some(n) = stem(".profile-meta.xml") {
        return Some(access::extract(rel, Kind::Profile, n, bytes));
    }
    if stem(".labels-meta.xml").is_some() {
        return Some(labels::extract(rel, bytes));
    }
    if let Some(n) = stem(".label-meta.xml") {
        return Some(labels::single(rel, n, bytes));
    }
    if let Some(n) = stem(".md-meta.xml") {
        return Some(objects::custom_metadata_record(rel, n, bytes));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(rel: &str) -> Option<(Kind, String)> {
        extract(rel, b"")
            .expect(rel)
            .owner
            .map(|o| (o.kind, o.name))
    }

    fn o(kind: Kind, name: &str) -> Option<(Kind, String)> {
        Some((kind, name.to_string()))
    }

    #[test]
    fn dispatch_by_path() {
        let p = "sales/main/default/";
        assert!(extract(&format!("{p}classes/A.cls"), b"").is_some());
        assert!(extract(&format!("{p}triggers/T.trigger"), b"").is_some());
        let cases = [
            (
                "lwc/invoiceList/invoiceList.js",
                o(Kind::Lwc, "invoiceList"),
            ),
            (
                "lwc/invoiceList/invoiceList.html",
                o(Kind::Lwc, "invoiceList"),
            ),
            (
                "lwc/invoiceList/utils/dates.js",
                o(Kind::Lwc, "invoiceList"),
            ),
            (
                "lwc/invoiceList/invoiceList.js-meta.xml",
                o(Kind::Lwc, "invoiceList"),
            ),
            (
                "aura/invoiceCard/invoiceCard.cmp",
                o(Kind::Aura, "invoiceCard"),
            ),
            (
                "aura/invoiceCard/invoiceCardHelper.js",
                o(Kind::Aura, "invoiceCard"),
            ),
            (
                "aura/invoiceCard/invoiceCard.cmp-meta.xml",
                o(Kind::Aura, "invoiceCard"),
            ),
            (
                "pages/InvoiceView.page",
                o(Kind::VisualforcePage, "InvoiceView"),
            ),
            (
                "components/Header.component",
                o(Kind::VisualforceComponent, "Header"),
            ),
            (
                "flows/Invoice_Review.flow-meta.xml",
                o(Kind::Flow, "Invoice_Review"),
            ),
            (
                "objects/Invoice__c/Invoice__c.object-meta.xml",
                o(Kind::CustomObject, "Invoice__c"),
            ),
            (
                "objects/Tax__mdt/Tax__mdt.object-meta.xml",
                o(Kind::CustomObject, "Tax__mdt"),
            ),
            (
                "objects/Paid__e/Paid__e.object-meta.xml",
                o(Kind::CustomObject, "Paid__e"),
            ),
            (
                "objects/Invoice__c/fields/Amount__c.field-meta.xml",
                o(Kind::CustomField, "Invoice__c.Amount__c"),
            ),
            (
                "objects/Invoice__c/validationRules/Positive.validationRule-meta.xml",
                o(Kind::CustomObject, "Invoice__c"),
            ),
            (
                "objects/Invoice__c/listViews/All.listView-meta.xml",
                o(Kind::CustomObject, "Invoice__c"),
            ),
            ("labels/CustomLabels.labels-meta.xml", None),
            (
                "labels/Greeting.label-meta.xml",
                o(Kind::CustomLabel, "Greeting"),
            ),
            (
                "staticresources/Logo.resource-meta.xml",
                o(Kind::StaticResource, "Logo"),
            ),
            ("staticresources/Logo.png", o(Kind::StaticResource, "Logo")),
            (
                "staticresources/chartjs/dist/chart.min.js",
                o(Kind::StaticResource, "chartjs"),
            ),
            (
                "staticresources/lib/classes/X.cls",
                o(Kind::StaticResource, "lib"),
            ),
            (
                "flexipages/Invoice_Page.flexipage-meta.xml",
                o(Kind::FlexiPage, "Invoice_Page"),
            ),
            (
                "permissionsets/Billing_User.permissionset-meta.xml",
                o(Kind::PermissionSet, "Billing_User"),
            ),
            ("profiles/Admin.profile-meta.xml", o(Kind::Profile, "Admin")),
            ("customMetadata/Tax.Default.md-meta.xml", None),
        ];
        for (path, want) in cases {
            assert_eq!(owner(&format!("{p}{path}")), want, "{path}");
        }
        // A team folder named like a metadata folder does not confuse the rules.
        assert_eq!(
            owner("lwc/main/default/lwc/foo/foo.js"),
            o(Kind::Lwc, "foo")
        );
        assert_eq!(
            owner("objects/main/default/flows/F.flow-meta.xml"),
            o(Kind::Flow, "F")
        );
    }

    #[test]
    fn files_that_are_no_component() {
        for rel in [
            "force-app/main/default/classes/A.cls-meta.xml",
            "force-app/main/default/pages/P.page-meta.xml",
            "force-app/main/default/lwc/foo/__tests__/foo.test.js",
            "force-app/main/default/lwc/__mocks__/x.js",
            "force-app/main/default/lwc/jsconfig.json",
            "force-app/main/default/Lwc/foo/foo.js",
            "force-app/main/default/objects/Invoice__c/fields/README.md",
            "force-app/main/default/objects/Invoice__c/notes.xml",
            "force-app/main/default/layouts/Invoice__c-Layout.layout-meta.xml",
            "package.xml",
            "jest.config.js",
            "scripts/setup.js",
            "",
            "/",
            "x.page-meta.xml",
            ".page",
        ] {
            assert_eq!(extract(rel, b"<x/>"), None, "{rel}");
        }
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let inputs: [&[u8]; 6] = [
            b"",
            b"\xEF\xBB\xBF",
            b"\xff\xfe\x00<",
            b"<<<<>>>>'\"`/*",
            b"<a>\r\n<![CDATA[",
            &[0xC3],
        ];
        let paths = [
            "lwc/a/a.js",
            "lwc/a/a.html",
            "lwc/a/a.css",
            "lwc/a/a.js-meta.xml",
            "aura/a/a.cmp",
            "aura/a/aController.js",
            "pages/P.page",
            "flows/F.flow-meta.xml",
            "objects/O/O.object-meta.xml",
            "objects/O/fields/F.field-meta.xml",
            "objects/O/webLinks/W.webLink-meta.xml",
            "labels/CustomLabels.labels-meta.xml",
            "staticresources/R.resource-meta.xml",
            "flexipages/F.flexipage-meta.xml",
            "permissionsets/P.permissionset-meta.xml",
            "customMetadata/T.R.md-meta.xml",
        ];
        for p in paths {
            for b in inputs {
                let f = extract(p, b).expect(p);
                assert!(
                    f.owner.is_some()
                        || !f.declares.is_empty()
                        || p.contains("labels")
                        || p.contains("customMetadata")
                );
            }
        }
    }

    #[test]
    fn random_soup_never_panics() {
        const PIECES: &[&[u8]] = &[
            b"<",
            b">",
            b"/>",
            b"</",
            b"\"",
            b"'",
            b"`",
            b"${",
            b"}",
            b"{",
            b"/*",
            b"*/",
            b"//",
            b"/",
            b"\\",
            b"\n",
            b"\r\n",
            b"$Label.",
            b"c.",
            b"c:",
            b"c-",
            b"x",
            b"Foo__c",
            b"__r",
            b".",
            b"<![CDATA[",
            b"]]>",
            b"&amp;",
            b"&#x",
            b";",
            b"\xC3\xA9",
            b"\xff",
            b"{!",
            b"@import ",
            b"import(",
            b"from ",
            b"@salesforce/apex/",
            b"$Record.",
            b"=",
            b"<!--",
            b"-->",
            b"<script>",
            b"</script>",
            b"<Flow>",
            b"</Flow>",
            b"<object>",
            b"</object>",
            b"<formula>",
            b"</formula>",
            b" ",
            b"apex://",
            b"Record.",
            b"$Source.",
        ];
        let paths = [
            "lwc/a/a.js",
            "lwc/a/a.html",
            "lwc/a/a.css",
            "lwc/a/a.js-meta.xml",
            "aura/a/a.cmp",
            "aura/a/aController.js",
            "pages/P.page",
            "flows/F.flow-meta.xml",
            "objects/O/O.object-meta.xml",
            "objects/O/fields/F.field-meta.xml",
            "objects/O/webLinks/W.webLink-meta.xml",
            "flexipages/F.flexipage-meta.xml",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let mut bytes = Vec::new();
            for _ in 0..len {
                bytes.extend_from_slice(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            for p in paths {
                let f = extract(p, &bytes).expect(p);
                for r in &f.refs {
                    assert!(r.line >= 1 && r.column >= 1, "{p}: {r:?}");
                }
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 200_000;
        let mut xml = String::from("<Flow>");
        xml.push_str(&"<a>".repeat(depth));
        xml.push_str(&"</a>".repeat(depth));
        xml.push_str("</Flow>");
        let f = extract("flows/Deep.flow-meta.xml", xml.as_bytes()).unwrap();
        assert!(f.problems.is_empty());
        let js = "`${".repeat(depth);
        let f = extract("lwc/a/a.js", js.as_bytes()).unwrap();
        assert_eq!(f.problems.len(), 1);
    }
}
