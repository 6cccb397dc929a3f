//! The `hardcoded-endpoint` rule: its declaration (the doc comment on [`RULE`] is its
//! documentation) and its check.

use super::{Check, Context, Hit, Hits, Rule, Scope};
use crate::apex::index::{ClassId, Index};
use crate::apex::model::Expr;

crate::rule! {
    /// **What it does.** Finds `setEndpoint` calls (test code included: a test that sets
    /// a real URL is usually one that makes a real callout) whose endpoint is an
    /// `http://` or `https://` URL with a literal host: written inline, built from a
    /// literal by concatenation or `String.format('https://api.example.com/{0}', …)`,
    /// held in a local variable, or held in a string constant
    /// (`static final String ENDPOINT = 'https://…'`, also `Other.ENDPOINT`, a constant
    /// built by concatenation, or one constant copied from another).
    ///
    /// Values are followed within the method: a local holds the value last assigned
    /// to it before the call, in source order (`String u = BASE_URL; u += '/x';`,
    /// `String u; u = 'https://…';`), whatever branch the assignment is in; a
    /// constant's initialiser is followed through other constants.
    ///
    /// **When the host counts as literal.** Only the leftmost operand of a
    /// concatenation is known. The URL is reported when that literal holds the whole
    /// host: after the scheme (and any `user@`), a non-empty host ended inside the
    /// literal by `/`, `:`, `?` or `#`; or, when the literal ends right after the host,
    /// a host that looks complete: it contains a dot and does not end with `.` or `-`
    /// (`'https://api.example.com' + path` is reported; `'https://' + host`,
    /// `'https://api.' + domain`, `'https://' + Settings.host + '/x'` and
    /// `'https://localhost' + port` are not). A whole literal is reported whenever its
    /// host is non-empty. A `{` starts a `String.format` placeholder: the literal is
    /// read up to it (`String.format('https://{0}/v1', …)` is not reported).
    /// `callout:` endpoints are never reported.
    ///
    /// **Why it matters.** A hard-coded callout URL sends every org (scratch, sandbox,
    /// production) to the same host, needs a Remote Site Setting, and usually keeps
    /// authentication in code. Named Credentials (`callout:Name/path`) keep the host and the
    /// credentials in per-org configuration.
    ///
    /// **Example.** `req.setEndpoint('https://api.example.com/v1/sync');`
    ///
    /// **Fix.** Create a Named Credential for the endpoint and call
    /// `req.setEndpoint('callout:My_Credential/path')`.
    ///
    /// For the example: `req.setEndpoint('callout:Example_API/v1/sync');` with a Named
    /// Credential `Example_API` in each org.
    pub const RULE: Rule = {
        id: "hardcoded-endpoint",
        severity: Warning,
        summary: "setEndpoint with a literal http(s):// URL instead of a Named Credential",
        check: Check { hits: Hits::Index(check), examines },
    }
}

/// Whether a non-test type of the file calls `setEndpoint`.
fn examines(idx: &Index, file: u32) -> bool {
    idx.files[file as usize]
        .types
        .iter()
        .filter(|t| !t.is_test)
        .any(|t| t.methods.iter().any(|m| !m.endpoints.is_empty()))
}

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

/// Whether an `http(s)://` literal holds the whole host (see the rule's doc).
/// `whole`: the literal is the whole value, not the leftmost operand of more.
fn host_is_literal(lit: &str, whole: bool) -> bool {
    if !is_http_url(lit) {
        return false;
    }
    let t = lit.trim();
    let rest = &t[t.find("://").map_or(t.len(), |k| k + 3)..];
    // A `String.format` placeholder: the literal ends there.
    let (rest, whole) = match rest.find('{') {
        Some(k) => (&rest[..k], false),
        None => (rest, whole),
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_and_more = &rest[authority.rfind('@').map_or(0, |k| k + 1)..];
    match host_and_more.find(['/', ':', '?', '#']) {
        Some(k) => k > 0,
        None if whole => !host_and_more.is_empty(),
        None => {
            host_and_more.contains('.')
                && !host_and_more.ends_with('.')
                && !host_and_more.ends_with('-')
        }
    }
}

/// An endpoint value's leftmost literal, whether it is the whole value, and the
/// constant it was read from (the first one named). Constants are followed
/// through other constants, at most 16 deep (a cycle ends there).
fn resolve(
    idx: &Index,
    e: &Expr,
    class: ClassId,
    depth: u32,
) -> Option<(String, bool, Option<String>)> {
    match e {
        Expr::Str(s) => Some((s.clone(), true, None)),
        Expr::Concat(inner) => resolve(idx, inner, class, depth).map(|(s, _, via)| (s, false, via)),
        Expr::Name(path) if depth < 16 => {
            let (v, owner) = idx.constant_literal(path, class)?;
            let (s, whole, _) = resolve(idx, v, owner, depth + 1)?;
            Some((s, whole, Some(path.join("."))))
        }
        _ => None,
    }
}

/// Reports every `setEndpoint` whose URL has a literal host.
pub fn check(ctx: &Context, hits: &mut Vec<Hit>) {
    let idx = ctx.idx;
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
            let Some((url, whole, via)) = resolve(idx, &e.arg, class, 0) else {
                continue;
            };
            if !host_is_literal(&url, whole) {
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

    #[test]
    fn the_host_must_be_in_the_literal() {
        // (literal, whole value?, reported?)
        let cases = [
            ("https://api.example.com", true, true),
            ("https://localhost", true, true),
            ("https://", true, false),
            ("https://api.example.com", false, true),
            ("https://api.example.com/v1/", false, true),
            ("http://10.0.0.1:", false, true),
            ("https://api.example.com?x=", false, true),
            ("https://", false, false),
            ("https://api.", false, false),
            ("https://my-", false, false),
            ("https://localhost", false, false),
            ("https://user:pw@", false, false),
            ("https://user:pw@api.example.com/", false, true),
            ("https://api.example.com/{0}", true, true),
            ("https://{0}/v1", true, false),
            ("https://api{0}.example.com", true, false),
            ("callout:Foo", true, false),
            ("callout:Foo/{0}", false, false),
        ];
        for (lit, whole, want) in cases {
            assert_eq!(host_is_literal(lit, whole), want, "{lit} whole={whole}");
        }
    }
}
