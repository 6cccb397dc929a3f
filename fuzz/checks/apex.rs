//! Apex analysis: lexer, parser (with and without reference collection), the global index
//! with its call graph, every lint rule and the suppressions, on arbitrary bytes.
//!
//! Input: one or more `.cls` files separated by two NUL bytes (`\0\0`), at most 8.
//!
//! Invariants beyond "no panic, no hang":
//! - the lexer's tokens are in order, inside the input, on the right line;
//! - collecting references does not change what is parsed (types, problems, directives);
//! - every problem and every rule hit points at an existing file, at a line that exists in
//!   it, with a column >= 1.

use sfci::apex::{index::Index, lexer, parse};
use sfci::lint;

fn split_files(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len() < 7 {
        match rest.windows(2).position(|w| w == b"\0\0") {
            Some(i) => {
                out.push(&rest[..i]);
                rest = &rest[i + 2..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

fn line_count(src: &[u8]) -> u32 {
    src.iter().filter(|&&b| b == b'\n').count() as u32 + 1
}

/// Runs the target on one input; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    let files = split_files(data);
    let mut models = Vec::with_capacity(files.len());
    for (i, src) in files.iter().enumerate() {
        let rel = format!("force-app/main/default/classes/F{i}.cls");
        let lines = line_count(src);

        if let Ok(lexed) = lexer::lex(src) {
            let mut last_end = 0u32;
            for t in &lexed.tokens {
                assert!(t.start <= t.end, "token {t:?} ends before it starts");
                assert!(t.end as usize <= src.len(), "token {t:?} past the end");
                assert!(t.start >= last_end, "tokens overlap or go backwards: {t:?}");
                last_end = t.end;
                let line = src[..t.start as usize]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u32
                    + 1;
                assert_eq!(t.line, line, "token {t:?} has the wrong line");
            }
            assert_eq!(lexed.line_starts.len() as u32, lines);
        }

        let plain = parse::parse_file(&rel, src);
        let with_refs = parse::parse_file_with_refs(&rel, src);
        assert_eq!(
            plain.types, with_refs.types,
            "collecting refs changed the types"
        );
        assert_eq!(plain.problems, with_refs.problems);
        assert_eq!(plain.directives, with_refs.directives);
        assert_eq!(plain.bytes, src.len() as u64);
        for p in &with_refs.problems {
            assert!(
                p.line >= 1 && p.line <= lines,
                "problem {p:?} outside 1..={lines}"
            );
            assert!(p.column >= 1, "problem {p:?} has column 0");
        }
        for r in &with_refs.refs {
            assert!(
                r.line >= 1 && r.line <= lines,
                "ref {r:?} outside 1..={lines}"
            );
        }
        models.push((with_refs, lines));
    }

    let lines: Vec<u32> = models.iter().map(|(_, l)| *l).collect();
    let idx = Index::build(models.into_iter().map(|(m, _)| m).collect());
    assert_eq!(idx.methods.len(), idx.ops.len());
    for c in 0..idx.classes.len() as u32 {
        let _ = idx.subtypes(c);
    }
    for m in 0..idx.methods.len() as u32 {
        let _ = idx.method_display(m);
    }

    let mut hits = lint::check_all(&idx);
    let ids = lint::rule_ids();
    let sup = lint::suppress::Suppressions::collect(&idx, &ids, &mut hits);
    for h in &hits {
        let _ = sup.covers(&idx, h);
        assert!((h.file as usize) < idx.files.len(), "hit {h:?} in no file");
        let n = lines[h.file as usize];
        assert!(
            h.line >= 1 && h.line <= n,
            "hit {} at line {} of {n}: {h:?}",
            h.rule,
            h.line
        );
        assert!(h.column >= 1, "hit {h:?} has column 0");
        assert!(ids.contains(&h.rule), "unknown rule {}", h.rule);
        for &f in &h.chain_files {
            assert!(
                (f as usize) < idx.files.len(),
                "chain file out of range: {h:?}"
            );
        }
    }
}
