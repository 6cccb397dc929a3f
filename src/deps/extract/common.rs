//! Helpers shared by the extractors: decoding, positions, building [`FileFacts`],
//! XML parsing with positions, and the `$Global.Name` merge-field scanner used by
//! Visualforce, Aura, flows and formulas.

use std::borrow::Cow;
use std::ops::Range;

use crate::deps::model::{Declared, FileFacts, Kind, Problem, Reference};

/// A file's text (lossily decoded, BOM removed) and where its lines start.
///
/// Positions are 1-based lines and 1-based *byte* columns of this text, like the
/// Apex lexer's. A UTF-8 BOM is not counted; a byte that is not UTF-8 became
/// U+FFFD (3 bytes), which shifts later columns of its line.
pub struct Source<'a> {
    pub text: Cow<'a, str>,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = String::from_utf8_lossy(bytes);
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()));
        Source { text, line_starts }
    }

    /// 1-based line and byte column of a byte offset (clamped to the text).
    pub fn pos(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        (to_u32(idx + 1), to_u32(offset - self.line_starts[idx] + 1))
    }

    /// The byte offset of a 1-based line and *character* column (roxmltree's
    /// error positions count characters).
    pub fn offset_of_char_pos(&self, line: u32, col: u32) -> usize {
        let idx = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[idx];
        let rest = &self.text[start..];
        let chars = col.max(1) as usize - 1;
        rest.char_indices()
            .nth(chars)
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }
}

fn memchr_newlines(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    b.iter()
        .enumerate()
        .filter(|(_, &c)| c == b'\n')
        .map(|(i, _)| i + 1)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A component a file declares at line 1.
pub fn declared(kind: Kind, name: &str) -> Declared {
    Declared {
        kind,
        name: name.to_string(),
        line: 1,
    }
}

/// New facts for `rel` owned by `owner` (which is also declared).
pub fn facts(rel: &str, owner: Option<Declared>) -> FileFacts {
    FileFacts {
        rel: rel.to_string(),
        declares: owner.iter().cloned().collect(),
        owner,
        refs: Vec::new(),
        problems: Vec::new(),
    }
}

/// Collects references and problems of one file.
pub struct Sink<'s, 'a> {
    pub src: &'s Source<'a>,
    pub facts: FileFacts,
}

impl<'s, 'a> Sink<'s, 'a> {
    pub fn new(src: &'s Source<'a>, rel: &str, owner: Option<Declared>) -> Self {
        Sink {
            src,
            facts: facts(rel, owner),
        }
    }

    /// Adds a reference written at byte `offset`. Empty names are dropped.
    pub fn add(&mut self, kinds: &[Kind], name: &str, offset: usize) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let (line, column) = self.src.pos(offset);
        self.facts.refs.push(Reference {
            kinds: kinds.to_vec(),
            name: name.to_string(),
            line,
            column,
        });
    }

    /// Like [`Sink::add`] for a reference written at `offset` whose name is
    /// written after a prefix, from byte `at` on (the end of the prefix): `X` in
    /// `@salesforce/label/c.X`, `c/X`, `$Label.c.X`, `$Resource.X`. Positioned
    /// at `at` when the text there starts with the name (its first dotted part
    /// for `O.F`), else at `offset`. The caller knows where the prefix ends; a
    /// search from `offset` would find names that also occur in the prefix
    /// (`c/c`, `@salesforce/label/c.sales`, `$Resource.Resource`).
    pub fn add_named(&mut self, kinds: &[Kind], name: &str, offset: usize, at: usize) {
        let first = name.trim().split('.').next().unwrap_or("");
        let written = self
            .src
            .text
            .get(at..)
            .is_some_and(|rest| !first.is_empty() && rest.starts_with(first));
        self.add(kinds, name, if written { at } else { offset });
    }

    pub fn problem(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = self.src.pos(offset);
        self.facts.problems.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }

    /// Declares a component at byte `offset` (besides the owner).
    pub fn declare(&mut self, kind: Kind, name: &str, offset: usize) {
        let (line, _) = self.src.pos(offset);
        self.facts.declares.push(Declared {
            kind,
            name: name.to_string(),
            line,
        });
    }

    /// Parses the text as XML; on failure records a problem at the parser's
    /// position and returns `None`.
    pub fn parse_xml(&mut self) -> Option<roxmltree::Document<'s>> {
        let text: &'s str = &self.src.text;
        if text.trim().is_empty() {
            self.problem(0, "malformed XML: the file is empty");
            return None;
        }
        // No DTDs (Salesforce metadata has none), so no entity expansion; the
        // parser is iterative, so deep nesting cannot overflow the stack.
        match roxmltree::Document::parse(text) {
            Ok(doc) => Some(doc),
            Err(e) => {
                let p = e.pos();
                let off = self.src.offset_of_char_pos(p.row, p.col);
                self.problem(off, format!("malformed XML: {e}"));
                None
            }
        }
    }
}

/// The first child element of `n` named `name`.
pub fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The text of an element, trimmed, with the byte offset of its first
/// non-blank character; `None` when it has no text.
pub fn text_at<'a>(n: roxmltree::Node<'a, '_>) -> Option<(&'a str, usize)> {
    let t = n.first_child().filter(|c| c.is_text())?;
    let value = t.text()?;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return None;
    }
    let raw = &n.document().input_text()[t.range()];
    let lead = raw.len() - raw.trim_start().len();
    Some((trimmed, t.range().start + lead))
}

/// The text of the child element `name` of `n`.
pub fn child_text<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> Option<(&'a str, usize)> {
    child(n, name).and_then(text_at)
}

/// The raw (still escaped) content of a leaf element and its byte offset: the
/// span of its text, CDATA and comment children. `None` when it has element
/// children or no content.
pub fn raw_content<'a>(n: roxmltree::Node<'a, '_>) -> Option<(&'a str, usize)> {
    if n.children().any(|c| c.is_element()) {
        return None;
    }
    let start = n.first_child()?.range().start;
    // The last child's range does not cover a CDATA section merged into it:
    // end at the element's end tag instead.
    let input = n.document().input_text();
    let whole = input.get(n.range())?;
    let end = n.range().start + whole.rfind("</")?;
    input.get(start..end).map(|s| (s, start))
}

/// Decodes XML character data as the parser would (entities, character
/// references, CDATA sections, CRLF → LF) and maps each byte of the result to
/// the byte of `raw` it comes from (one extra entry for the end).
pub fn decode_xml_text(raw: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let push = |out: &mut String, map: &mut Vec<usize>, ch: char, at: usize| {
        out.push(ch);
        map.extend(std::iter::repeat_n(at, ch.len_utf8()));
    };
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if raw[i..].starts_with("<![CDATA[") {
            let s = i + "<![CDATA[".len();
            let e = raw[s..].find("]]>").map_or(raw.len(), |p| s + p);
            for (k, ch) in raw[s..e].char_indices() {
                push(&mut out, &mut map, ch, s + k);
            }
            i = (e + 3).min(raw.len());
            continue;
        }
        if raw[i..].starts_with("<!--") {
            i = raw[i..].find("-->").map_or(raw.len(), |p| i + p + 3);
            continue;
        }
        if b[i] == b'&' {
            let semi = raw[i..].bytes().take(12).position(|c| c == b';');
            let decoded = semi.and_then(|p| {
                let ent = &raw[i + 1..i + p];
                let ch = match ent {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => {
                        let num = ent.strip_prefix('#')?;
                        let code = match num.strip_prefix(['x', 'X']) {
                            Some(h) => u32::from_str_radix(h, 16).ok()?,
                            None => num.parse().ok()?,
                        };
                        char::from_u32(code)
                    }
                }?;
                Some((ch, p + 1))
            });
            if let Some((ch, len)) = decoded {
                push(&mut out, &mut map, ch, i);
                i += len;
                continue;
            }
        }
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        let ch = raw[i..].chars().next().unwrap_or(' ');
        push(&mut out, &mut map, ch, i);
        i += ch.len_utf8();
    }
    map.push(raw.len());
    (out, map)
}

/// A name's parts split on `.` with the byte range of each, for names
/// written in one piece (`Class.method`, `Obj.Field`).
pub fn dotted(s: &str) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == '.' {
            out.push((&s[start..i], start..i));
            start = i + 1;
        }
    }
    out.push((&s[start..], start..s.len()));
    out
}

pub fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

pub fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `Account__r` → `Account__c` (the lookup field behind a relationship name).
pub fn relationship_field(name: &str) -> Cow<'_, str> {
    match name.len().checked_sub(3) {
        Some(cut) if name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case("__r") => {
            Cow::Owned(format!("{}__c", &name[..cut]))
        }
        _ => Cow::Borrowed(name),
    }
}

/// Whether a name ends with `suffix`, ignoring ASCII case.
pub fn ends_with_ci(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.is_char_boundary(name.len() - suffix.len())
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Scans `text` (which starts at byte `base` of the file) for merge-field
/// globals and adds their references:
/// - `$Label.X`, `$Label.c.X`, `$Label.ns.X` → CustomLabel `X`
/// - `$Resource.X` → StaticResource `X`
/// - `$Page.X` → VisualforcePage `X`
/// - `$ObjectType.O` → CustomObject `O`; `$ObjectType.O.Fields.F` → CustomField `O.F` too
/// - `$Setup.O.F` → CustomObject `O` and CustomField `O.F` (hierarchy custom settings)
/// - `$CustomMetadata.T.Record.F` → CustomObject `T` and CustomField `T.F`
///
/// Global names are matched ignoring case (formulas and Visualforce do). Each
/// reference is placed at the first character of its name as written (`X` of
/// `$Label.c.X`, `O` of `$ObjectType.O.Fields.F`), see [`Sink::add_named`].
pub fn scan_globals(sink: &mut Sink<'_, '_>, text: &str, base: usize) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(rel) = b[i..].iter().position(|&c| c == b'$') {
        let at = i + rel;
        i = at + 1;
        if at > 0 && is_ident_continue(b[at - 1]) {
            continue;
        }
        let parts = dotted_idents(b, at + 1);
        let Some(end) = parts.last().map(|r| r.end) else {
            continue;
        };
        i = end.max(i);
        let part = |k: usize| parts.get(k).map(|r| &text[r.clone()]);
        let global = part(0).unwrap_or_default().to_ascii_lowercase();
        let off = base + at;
        let name_at = |k: usize| parts.get(k).map_or(off, |r| base + r.start);
        match global.as_str() {
            "label" => {
                let k = if parts.len() >= 3 { 2 } else { 1 };
                if let Some(n) = part(k) {
                    sink.add_named(&[Kind::CustomLabel], n, off, name_at(k));
                }
            }
            "resource" => {
                if let Some(n) = part(1) {
                    sink.add_named(&[Kind::StaticResource], n, off, name_at(1));
                }
            }
            "page" => {
                if let Some(n) = part(1) {
                    sink.add_named(&[Kind::VisualforcePage], n, off, name_at(1));
                }
            }
            "objecttype" => {
                if let Some(o) = part(1) {
                    sink.add_named(&[Kind::CustomObject], o, off, name_at(1));
                    if part(2).is_some_and(|f| f.eq_ignore_ascii_case("fields")) {
                        if let Some(f) = part(3) {
                            let name = format!("{o}.{f}");
                            sink.add_named(&[Kind::CustomField], &name, off, name_at(1));
                        }
                    }
                }
            }
            "setup" => {
                if let Some(o) = part(1) {
                    sink.add_named(&[Kind::CustomObject], o, off, name_at(1));
                    if let Some(f) = part(2) {
                        let name = format!("{o}.{f}");
                        sink.add_named(&[Kind::CustomField], &name, off, name_at(1));
                    }
                }
            }
            "custommetadata" => {
                if let Some(t) = part(1) {
                    sink.add_named(&[Kind::CustomObject], t, off, name_at(1));
                    if let Some(f) = part(3) {
                        let name = format!("{t}.{f}");
                        sink.add_named(&[Kind::CustomField], &name, off, name_at(1));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The ranges of `ident(.ident)*` starting at `start` (empty when no identifier
/// starts there).
pub fn dotted_idents(b: &[u8], start: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = start;
    loop {
        if i >= b.len() || !is_ident_start(b[i]) {
            break;
        }
        let s = i;
        while i < b.len() && is_ident_continue(b[i]) {
            i += 1;
        }
        out.push(s..i);
        if i + 1 < b.len() && b[i] == b'.' && is_ident_start(b[i + 1]) {
            i += 1;
        } else {
            break;
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod testutil {
    use crate::deps::model::{FileFacts, Kind};

    /// `(kinds, name, line, column)` of every reference, in order.
    pub fn refs(f: &FileFacts) -> Vec<(Vec<Kind>, String, u32, u32)> {
        f.refs
            .iter()
            .map(|r| (r.kinds.clone(), r.name.clone(), r.line, r.column))
            .collect()
    }

    pub fn r(kinds: &[Kind], name: &str, line: u32, column: u32) -> (Vec<Kind>, String, u32, u32) {
        (kinds.to_vec(), name.to_string(), line, column)
    }

    /// 1-based line and byte column of the `nth` (0-based) occurrence of `needle`.
    pub fn at_nth(text: &str, needle: &str, nth: usize) -> (u32, u32) {
        let off = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("{needle:?} not in the text"))
            .0;
        let line = text[..off].matches('\n').count() as u32 + 1;
        let col = (off - text[..off].rfind('\n').map_or(0, |p| p + 1)) as u32 + 1;
        (line, col)
    }

    /// A reference expected at the first occurrence of `needle` in `text`.
    pub fn rn(
        kinds: &[Kind],
        name: &str,
        text: &str,
        needle: &str,
    ) -> (Vec<Kind>, String, u32, u32) {
        let (l, c) = at_nth(text, needle, 0);
        r(kinds, name, l, c)
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::{r, refs};
    use super::*;

    #[test]
    fn positions_are_bytes_after_the_bom() {
        let s = Source::new(b"\xEF\xBB\xBFab\r\nc\xC3\xA9d\n");
        assert_eq!(s.pos(0), (1, 1));
        assert_eq!(s.pos(4), (2, 1));
        assert_eq!(s.pos(7), (2, 4));
        assert_eq!(s.offset_of_char_pos(2, 3), 7);
        assert_eq!(s.offset_of_char_pos(9, 9), s.text.len());
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily() {
        let s = Source::new(b"a\xFFb");
        assert_eq!(s.text, "a\u{FFFD}b");
    }

    #[test]
    fn globals() {
        let text =
            "{!$Label.c.Greeting} {!$label.Plain} x$Label.No {!URLFOR($Resource.Logo, 'a.png')} \
                    $Page.Home $ObjectType.Invoice__c.Fields.Amount__c.Label $Setup.Cfg__c.On__c \
                    $CustomMetadata.Rate__mdt.Default.Value__c $User.Id $Label.";
        let src = Source::new(text.as_bytes());
        let mut sink = Sink::new(&src, "x", None);
        scan_globals(&mut sink, text, 0);
        let got = refs(&sink.facts);
        assert_eq!(
            got,
            vec![
                r(&[Kind::CustomLabel], "Greeting", 1, 12),
                r(&[Kind::CustomLabel], "Plain", 1, 31),
                r(&[Kind::StaticResource], "Logo", 1, 68),
                r(&[Kind::VisualforcePage], "Home", 1, 90),
                r(&[Kind::CustomObject], "Invoice__c", 1, 107),
                r(&[Kind::CustomField], "Invoice__c.Amount__c", 1, 107),
                r(&[Kind::CustomObject], "Cfg__c", 1, 148),
                r(&[Kind::CustomField], "Cfg__c.On__c", 1, 148),
                r(&[Kind::CustomObject], "Rate__mdt", 1, 177),
                r(&[Kind::CustomField], "Rate__mdt.Value__c", 1, 177),
            ]
        );
    }

    #[test]
    fn global_names_that_also_occur_in_their_prefix() {
        let text = format!(
            "{{!$Label.c.a}} {{!$Resource.Resource}} {{!$Label.abel}} {}",
            "\u{e9}".repeat(300)
        );
        let src = Source::new(text.as_bytes());
        let mut sink = Sink::new(&src, "x", None);
        scan_globals(&mut sink, &text, 0);
        assert_eq!(
            refs(&sink.facts),
            vec![
                r(&[Kind::CustomLabel], "a", 1, 12),
                r(&[Kind::StaticResource], "Resource", 1, 27),
                r(&[Kind::CustomLabel], "abel", 1, 46),
            ]
        );
    }

    #[test]
    fn xml_text_decoding_maps_offsets() {
        let raw = "a &lt; b\r\n&quot;x&#233;&#x41;<![CDATA[<y>]]>z&bogus;";
        let (d, map) = decode_xml_text(raw);
        assert_eq!(d, "a < b\n\"x\u{e9}A<y>z&bogus;");
        assert_eq!(map[d.find('b').unwrap()], raw.find('b').unwrap());
        assert_eq!(map[d.find('z').unwrap()], raw.find('z').unwrap());
        assert_eq!(map[d.find('y').unwrap()], raw.find('y').unwrap());
        assert_eq!(map[d.len()], raw.len());
        let doc = roxmltree::Document::parse("<a><f>x &amp; <![CDATA[Y__c]]></f><g/></a>").unwrap();
        let f = doc.descendants().find(|n| n.has_tag_name("f")).unwrap();
        assert_eq!(raw_content(f), Some(("x &amp; <![CDATA[Y__c]]>", 6)));
        let g = doc.descendants().find(|n| n.has_tag_name("g")).unwrap();
        assert_eq!(raw_content(g), None);
    }

    #[test]
    fn relationship_fields() {
        assert_eq!(relationship_field("Account__r"), "Account__c");
        assert_eq!(relationship_field("Owner"), "Owner");
        assert_eq!(relationship_field("é_r"), "é_r");
    }
}
