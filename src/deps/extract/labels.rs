//! Custom labels.
//!
//! - `labels/CustomLabels.labels-meta.xml` (any `*.labels-meta.xml`): declares every
//!   `<labels><fullName>X</fullName>` as `CustomLabel X` at the line of its name;
//!   owner `None` (the file speaks for many labels).
//! - `labels/X.label-meta.xml` (decomposed labels, one per file): owner `CustomLabel X`.
//!
//! Labels reference nothing.

use super::common::{child_text, declared, Sink, Source};
use crate::deps::model::{FileFacts, Kind};

/// A `CustomLabels` file.
pub fn extract(rel: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let mut sink = Sink::new(&src, rel, None);
    let Some(doc) = sink.parse_xml() else {
        return sink.facts;
    };
    for l in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("labels"))
    {
        if let Some((name, off)) = child_text(l, "fullName") {
            sink.declare(Kind::CustomLabel, name, off);
        }
    }
    sink.facts
}

/// A single-label file `X.label-meta.xml`.
pub fn single(rel: &str, name: &str, bytes: &[u8]) -> FileFacts {
    let src = Source::new(bytes);
    let mut sink = Sink::new(&src, rel, Some(declared(Kind::CustomLabel, name)));
    let _ = sink.parse_xml();
    sink.facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::model::Declared;

    #[test]
    fn every_label_is_declared_with_its_line() {
        let xml = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r
<CustomLabels xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r
    <labels>\r
        <fullName>Invoice_Greeting</fullName>\r
        <language>en_US</language>\r
        <protected>false</protected>\r
        <shortDescription>Invoice Greeting</shortDescription>\r
        <value>Hello &amp; welcome</value>\r
    </labels>\r
    <labels>\r
        <fullName>Pdf_Lang</fullName>\r
        <language>en_US</language>\r
        <protected>true</protected>\r
        <shortDescription>PDF language</shortDescription>\r
        <value>en</value>\r
    </labels>\r
</CustomLabels>\r
";
        let f = extract(
            "shared/main/default/labels/CustomLabels.labels-meta.xml",
            xml.as_bytes(),
        );
        assert_eq!(f.owner, None);
        assert_eq!(
            f.declares,
            vec![
                Declared {
                    kind: Kind::CustomLabel,
                    name: "Invoice_Greeting".into(),
                    line: 4
                },
                Declared {
                    kind: Kind::CustomLabel,
                    name: "Pdf_Lang".into(),
                    line: 11
                },
            ]
        );
        assert!(f.refs.is_empty() && f.problems.is_empty());
    }

    #[test]
    fn single_label_and_broken_file() {
        let f = single(
            "labels/Pdf_Lang.label-meta.xml",
            "Pdf_Lang",
            b"<CustomLabel><fullName>Pdf_Lang</fullName></CustomLabel>",
        );
        assert_eq!(f.owner.as_ref().unwrap().name, "Pdf_Lang");
        assert_eq!(f.declares.len(), 1);
        let b = extract(
            "labels/CustomLabels.labels-meta.xml",
            b"<CustomLabels><labels>",
        );
        assert!(b.declares.is_empty());
        assert_eq!(b.problems.len(), 1);
    }
}
