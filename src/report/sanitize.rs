//! Making untrusted text (messages, symbols and paths taken from scanned files) safe
//! for the formats it is written into.
//!
//! `junit-report` 0.9.1 (through quick-xml 0.41) escapes `<`, `>`, `&`, `'` and `"` in
//! attribute values, but writes `failure`/`system-out` text as CDATA verbatim
//! (`BytesCData::new`, which does not split `]]>`), and passes control characters
//! through everywhere. A message holding `]]>` or a NUL would therefore produce an
//! XML file no parser accepts. Everything given to `junit-report` goes through
//! [`xml_text`] (element text) or [`xml_attr`] (attribute values) first.

/// Whether `c` may appear in an XML 1.0 document
/// (`#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`;
/// Rust `char`s are never surrogates).
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Text safe for XML 1.0 element content, including inside a CDATA section:
/// drops the characters XML 1.0 forbids (C0 controls except tab, LF and CR; U+FFFE;
/// U+FFFF) and breaks every `]]>` into `]] >` so it cannot close a CDATA section.
pub fn xml_text(s: &str) -> String {
    let cleaned: String = s.chars().filter(|&c| xml_allowed(c)).collect();
    // Dropping characters can create a new `]]>` (`]]\u{0}>`), so break after cleaning.
    // The replacement cannot create another one: every `>` it leaves behind a `]]`
    // is now preceded by a space.
    if cleaned.contains("]]>") {
        cleaned.replace("]]>", "]] >")
    } else {
        cleaned
    }
}

/// Text safe for an XML attribute value written by quick-xml (which escapes the
/// markup characters itself): [`xml_text`] on one line, since parsers turn line
/// breaks and tabs in attributes into spaces anyway.
pub fn xml_attr(s: &str) -> String {
    one_line(&xml_text(s))
}

/// The text on one line: line breaks and tabs become spaces, runs of spaces collapse
/// into one, and surrounding whitespace is trimmed.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if matches!(c, '\r' | '\n' | '\t') {
            ' '
        } else {
            c
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Text safe to print on a terminal: control characters (C0 other than tab, DEL and
/// C1, which includes the escape that starts ANSI sequences) are shown as `\u{..}`
/// escapes instead of being interpreted, so a scanned file cannot drive the terminal.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c != '\t' && c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_drops_forbidden_characters() {
        assert_eq!(xml_text("a\u{0}b\u{1b}c\u{8}\u{FFFE}\u{FFFF}d"), "abcd");
        assert_eq!(xml_text("tab\tlf\ncr\r"), "tab\tlf\ncr\r");
        assert_eq!(xml_text("é \u{85} \u{10000}"), "é \u{85} \u{10000}");
    }

    #[test]
    fn xml_text_breaks_cdata_end() {
        assert_eq!(xml_text("a]]>b"), "a]] >b");
        assert_eq!(xml_text("]]]>]]>"), "]]] >]] >");
        // A `]]>` formed by removing a control character is broken too.
        assert_eq!(xml_text("]]\u{1}>"), "]] >");
        assert!(!xml_text("]]]]>>]]\u{0}>").contains("]]>"));
    }

    #[test]
    fn xml_attr_is_one_line() {
        assert_eq!(xml_attr("  a\r\nb\n\nc\u{7} "), "a b c");
        assert_eq!(one_line("x \n y"), "x y");
    }

    #[test]
    fn terminal_escapes_control_sequences() {
        assert_eq!(terminal("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(terminal("x\ny\tz"), "x\\u{a}y\tz");
    }
}
