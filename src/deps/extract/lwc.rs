//! Lightning Web Components: every file of `lwc/<bundle>/` belongs to the
//! bundle (`Kind::Lwc` named like the folder).
//!
//! References:
//! - JavaScript (`.js`, `.ts`) import sources — `import … from`, `export … from`,
//!   `import 'x'`, `import('x')`; other strings and comments are ignored:
//!   - `@salesforce/apex/[ns.]Class.method` and `@salesforce/apexContinuation/…`
//!     → ApexClass `Class` (a namespace is dropped only with three dotted parts);
//!   - `@salesforce/schema/Object` → CustomObject; `@salesforce/schema/Object.Field`
//!     → CustomField `Object.Field`; `Object.Rel__r.Field` → CustomField `Object.Rel__c`;
//!   - `@salesforce/label/c.X` (or `ns.X`) → CustomLabel `X`;
//!   - `@salesforce/resourceUrl/X` → StaticResource `X`;
//!   - `c/other` → Lwc `other`.
//! - HTML templates (comments ignored): `<c-other-thing>` → Lwc `otherThing`;
//!   a literal `flow-api-name="F"` on `<lightning-flow>` → Flow `F`; a literal
//!   `object-api-name="O"` (record forms) → CustomObject `O`.
//! - CSS: `@import 'c/sharedStyles';` → Lwc `sharedStyles`.
//! - `<bundle>.js-meta.xml`: `<object>` of target configs → CustomObject;
//!   `datasource="apex://Class"` → ApexClass; `configurationEditor="c-x-y"` → Lwc `xY`.
//!
//! Import references are placed at the first character inside the quotes, tags at
//! the tag name.

use super::common::{dotted, relationship_field, Sink, Source};
use super::{js, markup};
use crate::deps::model::{Declared, FileFacts, Kind};

/// Facts of `file` (its path inside the bundle folder, e.g. `foo.js` or
/// `utils/dates.js`) of bundle `bundle`.
pub fn extract(rel: &str, bundle: &str, file: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let owner = Declared {
        kind: Kind::Lwc,
        name: bundle.to_string(),
        line: 1,
    };
    let mut sink = Sink::new(&src, rel, Some(owner));
    if file.ends_with(".js-meta.xml") {
        meta(&mut sink);
    } else if file.ends_with(".js") || (file.ends_with(".ts") && !file.ends_with(".d.ts")) {
        script(&mut sink);
    } else if file.ends_with(".html") {
        template(&mut sink);
    } else if file.ends_with(".css") {
        css(&mut sink);
    }
    sink.facts
}

fn script(sink: &mut Sink<'_, '_>) {
    let text: &str = &sink.src.text;
    let sc = js::scan(text);
    for (off, msg) in &sc.problems {
        sink.problem(*off, format!("JavaScript: {msg}"));
    }
    for (spec, off) in js::import_sources(text, &sc) {
        module_ref(sink, spec, off);
    }
}

/// Adds the reference an import specifier makes, if any.
pub(crate) fn module_ref(sink: &mut Sink<'_, '_>, spec: &str, off: usize) {
    // `spec` is the text at `off`; a suffix `rest` of it starts at `rest_at(rest)`.
    let rest_at = |rest: &str| off + spec.len() - rest.len();
    if let Some(rest) = spec
        .strip_prefix("@salesforce/apex/")
        .or_else(|| spec.strip_prefix("@salesforce/apexContinuation/"))
    {
        let parts = dotted(rest);
        let (class, range) = if parts.len() >= 3 {
            &parts[1]
        } else {
            &parts[0]
        };
        let at = rest_at(rest) + range.start;
        sink.add_named(&[Kind::ApexClass], class, off, at);
    } else if let Some(rest) = spec.strip_prefix("@salesforce/schema/") {
        let parts = dotted(rest);
        match parts.as_slice() {
            [(obj, _)] => sink.add_named(&[Kind::CustomObject], obj, off, rest_at(rest)),
            [(obj, _), (field, _), ..] => {
                let name = format!("{obj}.{}", relationship_field(field));
                sink.add_named(&[Kind::CustomField], &name, off, rest_at(rest));
            }
            [] => {}
        }
    } else if let Some(rest) = spec.strip_prefix("@salesforce/label/") {
        let name = rest.rsplit('.').next().unwrap_or(rest);
        sink.add_named(&[Kind::CustomLabel], name, off, rest_at(name));
    } else if let Some(rest) = spec.strip_prefix("@salesforce/resourceUrl/") {
        sink.add_named(&[Kind::StaticResource], rest, off, rest_at(rest));
    } else if let Some(rest) = spec.strip_prefix("c/") {
        let name = rest.split('/').next().unwrap_or(rest);
        sink.add_named(&[Kind::Lwc], name, off, rest_at(rest));
    }
}

/// `c-foo-bar` → `fooBar`; `None` for other namespaces.
pub(crate) fn kebab_to_camel(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix("c-")?;
    if rest.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(rest.len());
    let mut upper = false;
    for ch in rest.chars() {
        if ch == '-' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    Some(out)
}

fn template(sink: &mut Sink<'_, '_>) {
    let text: &str = &sink.src.text;
    let m = markup::scan(text);
    if let Some(off) = m.unterminated_comment {
        sink.problem(off, "HTML: unterminated comment");
    }
    for tag in &m.tags {
        if let Some(name) = kebab_to_camel(tag.name) {
            sink.add(&[Kind::Lwc], &name, tag.name_off);
        }
        for a in &tag.attrs {
            let literal = !a.value.contains('{');
            if a.name == "flow-api-name" && tag.name == "lightning-flow" && literal {
                sink.add(&[Kind::Flow], a.value, a.value_off);
            } else if a.name == "object-api-name" && literal {
                sink.add(&[Kind::CustomObject], a.value, a.value_off);
            }
        }
    }
}

fn css(sink: &mut Sink<'_, '_>) {
    let text: &str = &sink.src.text;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            match b[i + 2..].windows(2).position(|w| w == b"*/") {
                Some(p) => i += 2 + p + 2,
                None => {
                    sink.problem(i, "CSS: unterminated comment");
                    return;
                }
            }
        } else if b[i] == b'"' || b[i] == b'\'' {
            let q = b[i];
            let start = i + 1;
            let end = b[start..]
                .iter()
                .position(|&c| c == q || c == b'\n')
                .map_or(b.len(), |p| start + p);
            let before = text[..i].trim_end();
            if before.ends_with("@import") || before.ends_with("@import url(") {
                module_ref(sink, &text[start..end], start);
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
}

fn meta(sink: &mut Sink<'_, '_>) {
    let Some(doc) = sink.parse_xml() else {
        return;
    };
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        if name == "object" && n.ancestors().any(|a| a.has_tag_name("targetConfig")) {
            if let Some((obj, off)) = super::common::text_at(n) {
                sink.add(&[Kind::CustomObject], obj, off);
            }
        }
        for a in n.attributes() {
            let (value, off) = (a.value(), a.range_value().start);
            if a.name() == "datasource" {
                for (item, item_off) in markup::list_items(value, off) {
                    if let Some(class) = item.strip_prefix("apex://") {
                        sink.add(&[Kind::ApexClass], class, item_off);
                    }
                }
            } else if a.name() == "configurationEditor" {
                if let Some(camel) = kebab_to_camel(value.trim()) {
                    sink.add(&[Kind::Lwc], &camel, off);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testutil::{r, refs, rn};
    use super::*;

    const REL: &str = "sales/main/default/lwc/invoiceList/invoiceList.js";

    #[test]
    fn javascript_imports() {
        let js = "import { LightningElement, wire } from 'lwc';
import getInvoices from '@salesforce/apex/InvoiceController.getInvoices';
import charge from \"@salesforce/apex/billing.PaymentService.charge\";
import AMOUNT from '@salesforce/schema/Invoice__c.Amount__c';
import ACCOUNT_NAME from '@salesforce/schema/Invoice__c.Account__r.Name';
import INVOICE from '@salesforce/schema/Invoice__c';
import greeting from '@salesforce/label/c.Invoice_Greeting';
import LOGO from '@salesforce/resourceUrl/BillingLogo';
import { formatMoney } from 'c/moneyUtils';
import { refreshApex } from '@salesforce/apex';
// import legacy from 'c/legacyThing';
const notAnImport = 'c/decoy';
export { helper } from 'c/sharedHelpers';
export default class InvoiceList extends LightningElement {
    async open() { const { default: Modal } = await import('c/invoiceModal'); }
}
";
        let f = extract(REL, "invoiceList", "invoiceList.js", js.as_bytes());
        assert_eq!(
            f.owner,
            Some(Declared {
                kind: Kind::Lwc,
                name: "invoiceList".into(),
                line: 1
            })
        );
        assert_eq!(f.declares, vec![f.owner.clone().unwrap()]);
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::ApexClass], "InvoiceController", 2, 43),
                r(&[Kind::ApexClass], "PaymentService", 3, 46),
                r(&[Kind::CustomField], "Invoice__c.Amount__c", 4, 40),
                r(&[Kind::CustomField], "Invoice__c.Account__c", 5, 46),
                r(&[Kind::CustomObject], "Invoice__c", 6, 41),
                r(&[Kind::CustomLabel], "Invoice_Greeting", 7, 43),
                r(&[Kind::StaticResource], "BillingLogo", 8, 43),
                r(&[Kind::Lwc], "moneyUtils", 9, 32),
                r(&[Kind::Lwc], "sharedHelpers", 13, 27),
                r(&[Kind::Lwc], "invoiceModal", 15, 63),
            ]
        );
        assert!(f.problems.is_empty());
    }

    #[test]
    fn html_template_tags() {
        let html = "<template>\r\n    <!-- <c-old-banner></c-old-banner> -->\r\n    \
                    <lightning-card title=\"Invoices\">\r\n        <c-invoice-row lwc:for={rows}></c-invoice-row>\r\n\
                    <c-x-y-z></c-x-y-z><c-list2-view></c-list2-view>\r\n    </lightning-card>\r\n\
                    <lightning-flow flow-api-name=\"Invoice_Review\"></lightning-flow>\r\n\
                    <lightning-record-form object-api-name=\"Invoice__c\" record-id={recordId}></lightning-record-form>\r\n\
                    <lightning-record-form object-api-name={objectApiName}></lightning-record-form>\r\n</template>\r\n";
        let f = extract(
            "x/lwc/invoiceList/invoiceList.html",
            "invoiceList",
            "invoiceList.html",
            html.as_bytes(),
        );
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::Lwc], "invoiceRow", 4, 10),
                rn(&[Kind::Lwc], "xYZ", html, "c-x-y-z"),
                rn(&[Kind::Lwc], "list2View", html, "c-list2-view"),
                rn(&[Kind::Flow], "Invoice_Review", html, "Invoice_Review"),
                rn(&[Kind::CustomObject], "Invoice__c", html, "Invoice__c"),
            ]
        );
    }

    #[test]
    fn css_imports() {
        let css = "/* @import 'c/old'; */\n@import 'c/sharedStyles';\n.a { content: 'c/not'; }\n";
        let f = extract("lwc/a/a.css", "a", "a.css", css.as_bytes());
        assert_eq!(refs(&f), vec![r(&[Kind::Lwc], "sharedStyles", 2, 12)]);
    }

    #[test]
    fn import_names_that_also_occur_in_their_prefix() {
        let js = "import a from '@salesforce/label/c.c';\n\
                  import b from '@salesforce/resourceUrl/source';\n\
                  import l from '@salesforce/label/c.sales';\n\
                  import x from 'c/c';\n";
        let f = extract("lwc/a/a.js", "a", "a.js", js.as_bytes());
        assert_eq!(
            refs(&f),
            vec![
                r(&[Kind::CustomLabel], "c", 1, 36),
                r(&[Kind::StaticResource], "source", 2, 40),
                r(&[Kind::CustomLabel], "sales", 3, 36),
                r(&[Kind::Lwc], "c", 4, 18),
            ]
        );
    }

    #[test]
    fn meta_xml_objects_and_datasources() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<LightningComponentBundle xmlns="http://soap.sforce.com/2006/04/metadata">
    <apiVersion>62.0</apiVersion>
    <isExposed>true</isExposed>
    <targets>
        <target>lightning__RecordPage</target>
        <target>lightning__FlowScreen</target>
    </targets>
    <targetConfigs>
        <targetConfig targets="lightning__RecordPage">
            <property name="status" type="String" datasource="apex://InvoiceStatusPicklist"/>
            <objects>
                <object>Invoice__c</object>
            </objects>
        </targetConfig>
        <targetConfig targets="lightning__FlowScreen" configurationEditor="c-invoice-editor"/>
    </targetConfigs>
</LightningComponentBundle>
"#;
        let f = extract(
            "lwc/invoiceList/invoiceList.js-meta.xml",
            "invoiceList",
            "invoiceList.js-meta.xml",
            xml.as_bytes(),
        );
        assert_eq!(
            refs(&f),
            vec![
                rn(&[Kind::ApexClass], "InvoiceStatusPicklist", xml, "apex://"),
                r(&[Kind::CustomObject], "Invoice__c", 13, 25),
                rn(&[Kind::Lwc], "invoiceEditor", xml, "c-invoice-editor"),
            ]
        );
    }

    #[test]
    fn broken_meta_keeps_the_owner() {
        let f = extract(
            "lwc/a/a.js-meta.xml",
            "a",
            "a.js-meta.xml",
            b"<LightningComponentBundle>\n  <targets>\n</LightningComponentBundle>",
        );
        assert_eq!(f.owner.as_ref().unwrap().name, "a");
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].line, 3);
    }

    #[test]
    fn kebab() {
        assert_eq!(kebab_to_camel("c-foo-bar").as_deref(), Some("fooBar"));
        assert_eq!(kebab_to_camel("c-foo").as_deref(), Some("foo"));
        assert_eq!(kebab_to_camel("lightning-card"), None);
        assert_eq!(kebab_to_camel("c-"), None);
    }
}
