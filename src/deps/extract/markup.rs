//! A tolerant tag scanner for markup that is not well-formed XML: LWC HTML
//! templates, Aura markup and Visualforce (undeclared `apex:`/`c:` prefixes,
//! HTML entities, unquoted attributes). It finds start tags with their
//! attributes and the parts of the text outside comments; it never fails.
//!
//! Comments `<!-- -->` are skipped; `<script>` and `<style>` bodies are raw text
//! (a `<` in JavaScript is no tag) but still count as text outside comments, so
//! merge fields inside scripts are seen.

use std::ops::Range;

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<'t> {
    pub name: &'t str,
    /// The value without its quotes (empty for a bare attribute).
    pub value: &'t str,
    /// Byte offset of the value's first character.
    pub value_off: usize,
}

/// A start tag (`<name attr="v">` or `<name/>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<'t> {
    pub name: &'t str,
    /// Byte offset of the name (just after `<`).
    pub name_off: usize,
    pub attrs: Vec<Attr<'t>>,
}

impl<'t> Tag<'t> {
    /// The first attribute named `name`, ignoring ASCII case.
    #[cfg(test)]
    pub fn attr(&self, name: &str) -> Option<&Attr<'t>> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// What the scanner found.
#[derive(Debug, Default)]
pub struct Markup<'t> {
    pub tags: Vec<Tag<'t>>,
    /// The byte ranges outside comments (tags included, so attribute values are
    /// in them), in order.
    pub text: Vec<Range<usize>>,
    /// Offset of a `<!--` that is never closed.
    pub unterminated_comment: Option<usize>,
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.') || b >= 0x80
}

/// Scans `s`.
pub fn scan(s: &str) -> Markup<'_> {
    let b = s.as_bytes();
    let n = b.len();
    let mut out = Markup::default();
    let mut i = 0;
    let mut text_start = 0;
    while i < n {
        let Some(rel) = b[i..].iter().position(|&c| c == b'<') else {
            break;
        };
        let lt = i + rel;
        if b[lt..].starts_with(b"<!--") {
            if text_start < lt {
                out.text.push(text_start..lt);
            }
            match find(b, lt + 4, b"-->") {
                Some(end) => {
                    i = end + 3;
                    text_start = i;
                }
                None => {
                    out.unterminated_comment = Some(lt);
                    return out;
                }
            }
            continue;
        }
        if lt + 1 < n && (b[lt + 1].is_ascii_alphabetic() || b[lt + 1] == b'_') {
            let (tag, end) = start_tag(s, lt);
            i = end;
            let raw = ["script", "style"]
                .into_iter()
                .find(|r| tag.name.eq_ignore_ascii_case(r));
            let self_closing = end >= 2 && b[end - 2] == b'/';
            out.tags.push(tag);
            if let (Some(raw), false) = (raw, self_closing) {
                // Skip to the closing tag; the body stays text.
                let close = format!("</{raw}");
                i = find_ci(b, i, close.as_bytes()).unwrap_or(n);
            }
            continue;
        }
        i = lt + 1;
    }
    if text_start < n {
        out.text.push(text_start..n);
    }
    out
}

/// Parses a start tag at `lt` (`b[lt] == b'<'`); returns it and the offset after it.
fn start_tag(s: &str, lt: usize) -> (Tag<'_>, usize) {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = lt + 1;
    let name_off = i;
    while i < n && is_name_char(b[i]) {
        i += 1;
    }
    let mut tag = Tag {
        name: &s[name_off..i],
        name_off,
        attrs: Vec::new(),
    };
    loop {
        while i < n && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= n {
            return (tag, n);
        }
        if b[i] == b'>' {
            return (tag, i + 1);
        }
        if b[i] == b'<' {
            // A broken tag: let the caller scan the next one.
            return (tag, i);
        }
        let an = i;
        while i < n && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/' | b'<') {
            i += 1;
        }
        if i == an {
            // A stray character such as a lone quote.
            i += 1;
            continue;
        }
        let name = &s[an..i];
        let mut j = i;
        while j < n && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < n && b[j] == b'=' {
            j += 1;
            while j < n && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < n && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let vs = j + 1;
                let ve = b[vs..].iter().position(|&c| c == q).map_or(n, |p| vs + p);
                tag.attrs.push(Attr {
                    name,
                    value: &s[vs..ve],
                    value_off: vs,
                });
                i = (ve + 1).min(n);
            } else {
                let vs = j;
                while j < n && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
                tag.attrs.push(Attr {
                    name,
                    value: &s[vs..j],
                    value_off: vs,
                });
                i = j;
            }
        } else {
            tag.attrs.push(Attr {
                name,
                value: "",
                value_off: i,
            });
        }
    }
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Splits a comma-separated attribute value into trimmed items with the byte
/// offset (in the file) of each.
pub fn list_items(value: &str, value_off: usize) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in value.split(',') {
        let lead = part.len() - part.trim_start().len();
        let item = part.trim();
        if !item.is_empty() {
            out.push((item, value_off + start + lead));
        }
        start += part.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_attributes_comments_and_raw_text() {
        let s = "<apex:page controller='A' extensions=\"B, C\" showHeader=false readonly>\n\
                 <!-- <c:hidden/> -->\n<script>if (a<c.length) {}</script>\n<c:shown x=\"1>0\"/>\n</apex:page>";
        let m = scan(s);
        let names: Vec<_> = m.tags.iter().map(|t| t.name).collect();
        assert_eq!(names, ["apex:page", "script", "c:shown"]);
        let page = &m.tags[0];
        assert_eq!(page.attr("CONTROLLER").unwrap().value, "A");
        assert_eq!(page.attr("extensions").unwrap().value, "B, C");
        assert_eq!(page.attr("showHeader").unwrap().value, "false");
        assert_eq!(page.attr("readonly").unwrap().value, "");
        assert_eq!(m.tags[2].attr("x").unwrap().value, "1>0");
        let texts: Vec<_> = m.text.iter().map(|r| &s[r.clone()]).collect();
        assert!(texts.iter().all(|t| !t.contains("hidden")));
        assert!(texts.iter().any(|t| t.contains("a<c.length")));
        let ext = page.attr("extensions").unwrap();
        let items = list_items(ext.value, ext.value_off);
        assert_eq!(items.len(), 2);
        assert_eq!(&s[items[1].1..items[1].1 + 1], "C");
    }

    #[test]
    fn broken_input_does_not_panic() {
        for s in [
            "<", "<a", "<a b", "<a b=", "<a b=\"", "<!--", "<!-- x", "<script>", "<a <b>", "<é>",
            "a < b",
        ] {
            let m = scan(s);
            assert!(m.tags.len() <= 2, "{s}");
        }
        assert_eq!(scan("x<!-- y").unterminated_comment, Some(1));
    }
}
