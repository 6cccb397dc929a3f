//! ## `hardcoded-endpoint` (warning)
//!
//! **What it does.** Finds `setEndpoint` calls (test code included: a test that sets
//! a real URL is usually one that makes a real callout) whose endpoint is a
//! literal `http://` or `https://` URL: written inline, built from a literal by
//! concatenation, held in a local variable, or held in a string constant of the
//! class (`static final String ENDPOINT = 'https://…'`, also `Other.ENDPOINT`).
//!
//! **Why it matters.** A hard-coded URL points every org (scratch, sandbox,
//! production) at the same host, needs a Remote Site Setting, and keeps credentials
//! in code. A Named Credential (`callout:Name/path`) moves the host and the
//! authentication into per-org configuration.
//!
//! **Example.** `req.setEndpoint('https://api.example.com/v1/sync');`
//!
//! **Fix.** `req.setEndpoint('callout:Example_API/v1/sync');` with a Named
//! Credential `Example_API` in each org.

use super::{Hit, Scope};
use crate::apex::index::Index;
use crate::apex::model::Expr;
use crate::report::{RuleInfo, Severity};

pub const RULE: RuleInfo = RuleInfo {
    id: "hardcoded-endpoint",
    short: "setEndpoint with a literal http(s):// URL instead of a Named Credential",
    full: "A hard-coded callout URL sends every org (scratch, sandbox, production) to the same \
           host, needs a Remote Site Setting, and usually keeps authentication in code. Named \
           Credentials (`callout:Name/path`) keep the host and the credentials in per-org \
           configuration.",
    help: "Create a Named Credential for the endpoint and call \
           `req.setEndpoint('callout:My_Credential/path')`.",
    default_severity: Severity::Warning,
};

/// Only the scheme, host and path of a URL: query strings may hold secrets.
fn display_url(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    let mut s: String = url[..cut].chars().take(100).collect();
    // user:password@host
    if let Some(scheme_end) = s.find("://") {
        let rest = &s[scheme_end + 3..];
        if let Some(at) = rest.find('@') {
            if !rest[..at].contains('/') {
                s = format!("{}://{}", &s[..scheme_end], &rest[at + 1..]);
            }
        }
    }
    s
}

fn is_http_url(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

pub fn check(idx: &Index, hits: &mut Vec<Hit>) {
    for (m, mi) in idx.methods.iter().enumerate() {
        if mi.copy_of.is_some() {
            continue;
        }
        let Some(md) = idx.method(m as u32) else {
            continue;
        };
        let class = mi.class;
        if md.endpoints.is_empty() {
            continue;
        }
        let symbol = format!("{}.{}", idx.classes[class as usize].display, md.name);
        for (k, e) in md.endpoints.iter().enumerate() {
            let arg = match &e.arg {
                Expr::Concat(inner) => inner.as_ref(),
                other => other,
            };
            let (url, via) = match arg {
                Expr::Str(s) => (s.clone(), None),
                Expr::Name(path) => match idx.constant_literal(path, class) {
                    Some(s) => (s, Some(path.join("."))),
                    None => continue,
                },
                _ => continue,
            };
            if !is_http_url(&url) {
                continue;
            }
            let shown = display_url(url.trim());
            let message = match &via {
                Some(c) => format!(
                    "setEndpoint uses the hard-coded URL {shown} (through the constant {}); use a Named Credential (callout:Name/path)",
                    c.to_ascii_uppercase()
                ),
                None => format!(
                    "setEndpoint uses the hard-coded URL {shown}; use a Named Credential (callout:Name/path)"
                ),
            };
            hits.push(Hit {
                rule: RULE.id,
                file: idx.classes[class as usize].file,
                line: e.line,
                column: e.column,
                symbol: Some(symbol.clone()),
                message,
                key: format!("{shown}#{k}"),
                chain: Vec::new(),
                chain_files: Vec::new(),
                scope: Scope {
                    class: Some(class),
                    method: Some(m as u32),
                    anchor_from: e.line,
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_query_or_userinfo() {
        assert_eq!(
            display_url("https://user:pw@api.example.com/v1?token=abc"),
            "https://api.example.com/v1"
        );
        assert!(is_http_url(" HTTPS://x"));
        assert!(!is_http_url("callout:X/y"));
    }
}
