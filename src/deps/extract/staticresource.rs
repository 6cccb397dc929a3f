//! Static resources: `staticresources/X.resource-meta.xml`, the resource file
//! `staticresources/X.<ext>` and every file of an expanded folder
//! `staticresources/X/…` → owner `StaticResource X`. A resource's content is
//! opaque (vendored libraries): it references nothing.

use super::common::{declared, facts, Sink, Source};
use crate::deps::model::{FileFacts, Kind};

/// Facts of a file of resource `name`; `meta` when it is the `.resource-meta.xml`
/// (which is parsed, so a malformed one is reported).
pub fn extract(rel: &str, name: &str, meta: bool, bytes: &[u8]) -> FileFacts {
    let owner = Some(declared(Kind::StaticResource, name));
    if !meta {
        return facts(rel, owner);
    }
    let src = Source::new(bytes);
    let mut sink = Sink::new(&src, rel, owner);
    let _ = sink.parse_xml();
    sink.facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_and_content() {
        let meta = br#"<?xml version="1.0" encoding="UTF-8"?>
<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">
    <cacheControl>Public</cacheControl>
    <contentType>application/zip</contentType>
</StaticResource>
"#;
        let f = extract(
            "staticresources/BillingAssets.resource-meta.xml",
            "BillingAssets",
            true,
            meta,
        );
        assert_eq!(f.owner.as_ref().unwrap().kind, Kind::StaticResource);
        assert_eq!(f.owner.as_ref().unwrap().name, "BillingAssets");
        assert!(f.problems.is_empty());
        let c = extract(
            "staticresources/BillingAssets/js/import.js",
            "BillingAssets",
            false,
            b"import x from 'c/notARef';",
        );
        assert!(c.refs.is_empty());
        assert_eq!(c.declares.len(), 1);
    }
}
