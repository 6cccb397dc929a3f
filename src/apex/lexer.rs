//! The fast tier of Apex analysis: a hand-written lexer.
//!
//! Every file goes through it. It yields the tokens outside comments and strings,
//! keeps string literals as single tokens, records `// sfci-ignore` comments for
//! suppressions, and reports unterminated comments and strings as errors. It works
//! on bytes, so a file that is not valid UTF-8 can still be analysed, and it is
//! linear in the input (a 5 MB single-line file is fine).

/// What a token is. Identifiers include keywords (Apex keywords are
/// case-insensitive, so the parser compares them with `eq_ignore_ascii_case`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ident,
    /// A single-quoted string literal, quotes included in the span.
    Str,
    Number,
    /// One punctuation byte: `( ) { } [ ] ; , . = < > @ : ? ! + - * / & | ^ % ~`.
    Punct(u8),
    /// A multi-byte operator (`==`, `!=`, `&&`, `||`, `++`, `--`, `+=`, `-=`, `*=`,
    /// `/=`, `?.`, `=>`, `===`, `!==`); the text is in the span.
    Op,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// 1-based line of the token's first byte.
    pub line: u32,
}

/// A `// ...` comment that mentions `sfci-ignore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveComment {
    pub line: u32,
    pub column: u32,
    /// The comment's text after `//`, trimmed.
    pub text: String,
    /// Whether code precedes the comment on its line (a trailing comment).
    pub trailing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub directives: Vec<DirectiveComment>,
    /// Byte offset of the start of each line (line 1 at index 0).
    pub line_starts: Vec<u32>,
}

impl Lexed {
    /// 1-based byte column of an offset.
    pub fn column(&self, offset: u32) -> u32 {
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        offset - self.line_starts[idx] + 1
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Lexes Apex source. Offsets and lines are of `src`.
pub fn lex(src: &[u8]) -> Result<Lexed, LexError> {
    if src.len() > u32::MAX as usize - 1 {
        return Err(LexError {
            line: 1,
            column: 1,
            message: "file larger than 4 GiB".into(),
        });
    }
    let mut out = Lexed {
        tokens: Vec::with_capacity(src.len() / 5 + 8),
        directives: Vec::new(),
        line_starts: vec![0],
    };
    let n = src.len();
    let mut i = 0usize;
    let mut line: u32 = 1;
    // Line of the last code token, to tell trailing comments from own-line ones.
    let mut last_code_line: u32 = 0;
    let err = |out: &Lexed, off: usize, line: u32, message: String| LexError {
        line,
        column: out.column(off as u32),
        message,
    };
    while i < n {
        let b = src[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
                out.line_starts.push(i as u32);
            }
            b' ' | b'\t' | b'\r' | 0x0c => i += 1,
            b'/' if i + 1 < n && src[i + 1] == b'/' => {
                let start = i;
                let mut j = i + 2;
                while j < n && src[j] != b'\n' {
                    j += 1;
                }
                let body = &src[start + 2..j];
                if contains(body, b"sfci-ignore") {
                    out.directives.push(DirectiveComment {
                        line,
                        column: out.column(start as u32),
                        text: String::from_utf8_lossy(body).trim().to_string(),
                        trailing: last_code_line == line,
                    });
                }
                i = j;
            }
            b'/' if i + 1 < n && src[i + 1] == b'*' => {
                let (start, start_line) = (i, line);
                let mut j = i + 2;
                loop {
                    if j + 1 >= n {
                        return Err(err(
                            &out,
                            start,
                            start_line,
                            format!("unterminated block comment starting at line {start_line}"),
                        ));
                    }
                    if src[j] == b'*' && src[j + 1] == b'/' {
                        j += 2;
                        break;
                    }
                    if src[j] == b'\n' {
                        line += 1;
                        out.line_starts.push(j as u32 + 1);
                    }
                    j += 1;
                }
                i = j;
            }
            b'\'' => {
                let start = i;
                let mut j = i + 1;
                loop {
                    if j >= n || src[j] == b'\n' {
                        return Err(err(
                            &out,
                            start,
                            line,
                            format!("unterminated string literal at line {line}"),
                        ));
                    }
                    match src[j] {
                        b'\\' => j += 2,
                        b'\'' => {
                            j += 1;
                            break;
                        }
                        _ => j += 1,
                    }
                }
                out.tokens.push(Token {
                    kind: Kind::Str,
                    start: start as u32,
                    end: j.min(n) as u32,
                    line,
                });
                last_code_line = line;
                i = j;
            }
            _ if is_ident_start(b) => {
                let start = i;
                let mut j = i + 1;
                while j < n && is_ident_continue(src[j]) {
                    j += 1;
                }
                out.tokens.push(Token {
                    kind: Kind::Ident,
                    start: start as u32,
                    end: j as u32,
                    line,
                });
                last_code_line = line;
                i = j;
            }
            _ if b.is_ascii_digit() => {
                let start = i;
                let mut j = i + 1;
                while j < n
                    && (is_ident_continue(src[j])
                        || (src[j] == b'.' && j + 1 < n && src[j + 1].is_ascii_digit()))
                {
                    j += 1;
                }
                out.tokens.push(Token {
                    kind: Kind::Number,
                    start: start as u32,
                    end: j as u32,
                    line,
                });
                last_code_line = line;
                i = j;
            }
            _ => {
                let len = op_len(&src[i..]);
                let kind = if len > 1 { Kind::Op } else { Kind::Punct(b) };
                // Non-ASCII bytes outside strings and comments are not Apex; keep
                // one token per UTF-8 sequence start so the parser just skips them.
                out.tokens.push(Token {
                    kind,
                    start: i as u32,
                    end: (i + len) as u32,
                    line,
                });
                last_code_line = line;
                i += len;
            }
        }
    }
    Ok(out)
}

fn op_len(s: &[u8]) -> usize {
    const OPS3: [&[u8]; 2] = [b"===", b"!=="];
    const OPS2: [&[u8]; 12] = [
        b"==", b"!=", b"&&", b"||", b"++", b"--", b"+=", b"-=", b"*=", b"/=", b"?.", b"=>",
    ];
    if OPS3.iter().any(|o| s.starts_with(o)) {
        return 3;
    }
    if OPS2.iter().any(|o| s.starts_with(o)) {
        return 2;
    }
    1
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, String)> {
        let l = lex(src.as_bytes()).unwrap();
        l.tokens
            .iter()
            .map(|t| (t.kind, src[t.start as usize..t.end as usize].to_string()))
            .collect()
    }

    #[test]
    fn comments_and_strings_are_not_code() {
        let toks = kinds("a /* Test.setMock( */ b // Test.setMock\n 'Test.setMock(x)' c");
        let texts: Vec<_> = toks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, vec!["a", "b", "'Test.setMock(x)'", "c"]);
        assert_eq!(toks[2].0, Kind::Str);
    }

    #[test]
    fn escaped_quote_inside_string() {
        let toks = kinds(r"x = 'it\'s' ;");
        assert_eq!(toks[2].1, r"'it\'s'");
        assert_eq!(toks[3].1, ";");
    }

    #[test]
    fn lines_and_columns() {
        let l = lex(b"a\n  bb\r\n/* x\n y */ c").unwrap();
        assert_eq!(l.tokens[1].line, 2);
        assert_eq!(l.column(l.tokens[1].start), 3);
        assert_eq!(l.tokens[2].line, 4);
        assert_eq!(l.column(l.tokens[2].start), 7);
    }

    #[test]
    fn unterminated_comment_and_string() {
        let e = lex(b"class A {\n /* never closed\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unterminated block comment"));
        let e = lex(b"class A {\n String s = 'oops;\n}").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unterminated string"));
    }

    #[test]
    fn directive_comments_know_if_trailing() {
        let l = lex(b"// sfci-ignore a: b\nx(); // sfci-ignore c: d\n// other").unwrap();
        assert_eq!(l.directives.len(), 2);
        assert!(!l.directives[0].trailing);
        assert!(l.directives[1].trailing);
        assert_eq!(l.directives[1].line, 2);
        assert_eq!(l.directives[1].text, "sfci-ignore c: d");
    }

    #[test]
    fn operators() {
        let toks = kinds("a?.b == c >> d");
        let texts: Vec<_> = toks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, vec!["a", "?.", "b", "==", "c", ">", ">", "d"]);
    }

    #[test]
    fn non_utf8_bytes_do_not_stop_lexing() {
        let l = lex(b"class A { /* caf\xe9 */ String s = 'na\xefve'; }").unwrap();
        assert!(l.tokens.len() > 5);
    }
}
