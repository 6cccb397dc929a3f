//! A small JavaScript tokenizer, good enough to tell code from comments,
//! strings, template literals and regular-expression literals, so that import
//! sources and string literals can be read without a JS parser.
//!
//! Regex or division after `/` is decided from the previous token, as a JS
//! lexer without a parser does (`)` means division, `}` a regex). Template
//! literals nest through an explicit stack, not recursion.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Ident,
    Punct(u8),
    Num,
    /// A string literal, or a template literal without substitutions; the
    /// token's range is the content between the quotes.
    Str,
    /// A part of a template literal with substitutions.
    Template,
    Regex,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub range: Range<usize>,
}

#[derive(Debug, Default)]
pub struct Scanned {
    pub tokens: Vec<Token>,
    /// `(offset, message)` of unterminated comments, strings and templates.
    pub problems: Vec<(usize, String)>,
}

const REGEX_AFTER_KEYWORDS: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit()
}

/// Tokenizes `s`. Never fails; problems are collected.
pub fn scan(s: &str) -> Scanned {
    let b = s.as_bytes();
    let n = b.len();
    let mut out = Scanned::default();
    // Open `${` substitutions: the brace depth inside each.
    let mut subst: Vec<u32> = Vec::new();
    let mut i = 0;
    // Set when a `}` closed a substitution: continue the template at `i`.
    let mut in_template_from: Option<usize> = None;
    loop {
        if let Some(start) = in_template_from.take() {
            i = template(s, start, &mut out, &mut subst);
            continue;
        }
        if i >= n {
            break;
        }
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..].iter().position(|&x| x == b'\n').map_or(n, |p| i + p);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match find(b, i + 2, b"*/") {
                Some(e) => i = e + 2,
                None => {
                    out.problems.push((i, "unterminated comment".into()));
                    i = n;
                }
            },
            b'/' if regex_allowed(s, out.tokens.last()) => match regex_end(b, i + 1) {
                Some(end) => {
                    let mut j = end + 1;
                    while j < n && is_ident_continue(b[j]) {
                        j += 1;
                    }
                    out.tokens.push(Token {
                        kind: Tok::Regex,
                        range: i..j,
                    });
                    i = j;
                }
                None => {
                    out.tokens.push(Token {
                        kind: Tok::Punct(b'/'),
                        range: i..i + 1,
                    });
                    i += 1;
                }
            },
            b'\'' | b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut closed = false;
                while j < n {
                    match b[j] {
                        b'\\' => j += 2,
                        b'\n' => break,
                        x if x == c => {
                            closed = true;
                            break;
                        }
                        _ => j += 1,
                    }
                }
                let j = j.min(n);
                if !closed {
                    out.problems.push((i, "unterminated string".into()));
                }
                out.tokens.push(Token {
                    kind: Tok::Str,
                    range: start..j,
                });
                i = if closed { j + 1 } else { j };
            }
            b'`' => i = template(s, i + 1, &mut out, &mut subst),
            b'{' => {
                if let Some(d) = subst.last_mut() {
                    *d += 1;
                }
                out.tokens.push(Token {
                    kind: Tok::Punct(c),
                    range: i..i + 1,
                });
                i += 1;
            }
            b'}' => match subst.last_mut() {
                Some(0) => {
                    subst.pop();
                    in_template_from = Some(i + 1);
                }
                Some(d) => {
                    *d -= 1;
                    out.tokens.push(Token {
                        kind: Tok::Punct(c),
                        range: i..i + 1,
                    });
                    i += 1;
                }
                None => {
                    out.tokens.push(Token {
                        kind: Tok::Punct(c),
                        range: i..i + 1,
                    });
                    i += 1;
                }
            },
            _ if c.is_ascii_digit() => {
                let mut j = i + 1;
                while j < n && (is_ident_continue(b[j]) || b[j] == b'.') {
                    j += 1;
                }
                out.tokens.push(Token {
                    kind: Tok::Num,
                    range: i..j,
                });
                i = j;
            }
            _ if is_ident_start(c) => {
                let mut j = i + 1;
                while j < n && is_ident_continue(b[j]) {
                    j += 1;
                }
                // Keep ranges on char boundaries (non-ASCII bytes are all taken).
                out.tokens.push(Token {
                    kind: Tok::Ident,
                    range: i..j,
                });
                i = j;
            }
            _ => {
                out.tokens.push(Token {
                    kind: Tok::Punct(c),
                    range: i..i + 1,
                });
                i += 1;
            }
        }
    }
    if !subst.is_empty() {
        out.problems
            .push((n, "unterminated template literal substitution".into()));
    }
    out
}

/// Scans template characters from `start` (just after `` ` `` or a closing
/// `}` of a substitution). Returns where code resumes.
fn template(s: &str, start: usize, out: &mut Scanned, subst: &mut Vec<u32>) -> usize {
    let b = s.as_bytes();
    let n = b.len();
    let opened_by_backtick = start > 0 && b[start - 1] == b'`';
    let mut j = start;
    while j < n {
        match b[j] {
            b'\\' => j += 2,
            b'`' => {
                let kind = if opened_by_backtick {
                    Tok::Str
                } else {
                    Tok::Template
                };
                out.tokens.push(Token {
                    kind,
                    range: start..j,
                });
                return j + 1;
            }
            b'$' if b.get(j + 1) == Some(&b'{') => {
                out.tokens.push(Token {
                    kind: Tok::Template,
                    range: start..j,
                });
                subst.push(0);
                return j + 2;
            }
            _ => j += 1,
        }
    }
    out.problems.push((
        start.saturating_sub(1),
        "unterminated template literal".into(),
    ));
    n
}

fn regex_allowed(s: &str, prev: Option<&Token>) -> bool {
    match prev {
        None => true,
        Some(t) => match t.kind {
            Tok::Punct(p) => !matches!(p, b')' | b']'),
            Tok::Ident => REGEX_AFTER_KEYWORDS.contains(&&s[t.range.clone()]),
            Tok::Num | Tok::Str | Tok::Template | Tok::Regex => false,
        },
    }
}

/// The offset of the `/` closing a regex body that starts at `from`, or `None`
/// when the line ends first (then the `/` was a division).
fn regex_end(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    let mut class = false;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\n' | b'\r' => return None,
            b'[' => {
                class = true;
                j += 1;
            }
            b']' => {
                class = false;
                j += 1;
            }
            b'/' if !class => return Some(j),
            _ => j += 1,
        }
    }
    None
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

/// The import sources of a module: `(specifier, offset of its first char)`
/// for `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`.
pub fn import_sources<'s>(s: &'s str, sc: &Scanned) -> Vec<(&'s str, usize)> {
    let t = &sc.tokens;
    let text = |k: usize| &s[t[k].range.clone()];
    let is_ident = |k: usize, w: &str| t[k].kind == Tok::Ident && text(k) == w;
    let is_punct = |k: usize, p: u8| t[k].kind == Tok::Punct(p);
    let mut out = Vec::new();
    for (k, tok) in t.iter().enumerate() {
        if tok.kind != Tok::Str {
            continue;
        }
        let member = |k: usize| k > 0 && is_punct(k - 1, b'.');
        let source = (k >= 1 && is_ident(k - 1, "from"))
            || (k >= 1 && is_ident(k - 1, "import") && !member(k - 1))
            || (k >= 2 && is_punct(k - 1, b'(') && is_ident(k - 2, "import") && !member(k - 2));
        if source {
            out.push((text(k), tok.range.start));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Vec<&str> {
        let sc = scan(s);
        sc.tokens
            .iter()
            .filter(|t| t.kind == Tok::Str)
            .map(|t| &s[t.range.clone()])
            .collect()
    }

    #[test]
    fn comments_regexes_and_templates_hide_quotes() {
        let s = r#"
// import x from 'c/commented';
/* import y from "c/blockComment" */
const re = /['"]/g, d = a / b / c;
const t = `it's ${ {a: 'in'}.a + `nested ${"deep"}` } done`;
if (x) { } /'not a string/.test(s);
const q = "esc\"aped";
"#;
        assert_eq!(strings(s), ["in", "deep", "esc\\\"aped"]);
        assert!(scan(s).problems.is_empty());
    }

    #[test]
    fn imports() {
        let s = "import a from 'c/a';\nimport { b } from \"c/b\";\nimport 'c/side';\n\
                 export * from 'c/re';\nconst m = import('c/dyn');\nconst z = 'c/notImport';\n\
                 import.meta.url; obj.import('c/member');\nconst w = import(`c/tmpl`);";
        let sc = scan(s);
        let got: Vec<_> = import_sources(s, &sc).into_iter().map(|(x, _)| x).collect();
        assert_eq!(got, ["c/a", "c/b", "c/side", "c/re", "c/dyn", "c/tmpl"]);
    }

    #[test]
    fn unterminated_things_are_problems_not_panics() {
        for s in [
            "'abc", "\"abc\n", "`abc", "`a${", "/* x", "/", "a /", "x = /[/", "é'", "\\",
        ] {
            let _ = scan(s);
        }
        assert_eq!(scan("'abc").problems.len(), 1);
        assert_eq!(scan("/* x").problems.len(), 1);
        assert_eq!(scan("`a${b").problems.len(), 1);
    }
}
