//! CODEOWNERS parsing, matching and validation, GitHub and GitLab dialects.
//!
//! Input: byte 0 picks the dialect (even: GitHub, odd: GitLab); then the file text (bytes
//! that are not UTF-8 are replaced, as `owners::load` does); after the last NUL byte, the
//! paths to look up, one a line.
//!
//! Invariants beyond "no panic, no hang":
//! - rules, sections and problems point at lines that exist, columns >= 1, sections that
//!   exist, approvals >= 1;
//! - a leading `/` or `./` does not change the answer;
//! - the compiled index finds exactly the rules that match on their own: for each rule (up
//!   to 12), a matcher built from that rule alone matches the path iff the full matcher
//!   lists the rule;
//! - GitHub: the deciding rule is the last matching one; GitLab: every owner reported comes
//!   from a matching rule.

use sfci::owners::model::{CodeOwners, Dialect};
use sfci::owners::{offline_problems, parse};

/// Runs the target on one input; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let dialect = if sel & 1 == 0 {
        Dialect::GitHub
    } else {
        Dialect::GitLab
    };
    let (text, paths) = match rest.iter().rposition(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (
            rest,
            &b"README.md\nforce-app/main/default/classes/A.cls\ndocs/"[..],
        ),
    };
    let text = String::from_utf8_lossy(text);
    let paths = String::from_utf8_lossy(paths);
    let paths: Vec<&str> = paths.split('\n').take(16).collect();

    let co = parse(&text, ".github/CODEOWNERS", dialect);
    let lines = text.split('\n').count() as u32;
    for r in &co.rules {
        assert!(
            r.line >= 1 && r.line <= lines,
            "rule line out of range: {r:?}"
        );
        assert!(r.column >= 1, "rule column 0: {r:?}");
        assert!(r.approvals_required >= 1, "rule needs no approval: {r:?}");
        if let Some(s) = r.section {
            assert!(s < co.sections.len(), "rule in a missing section: {r:?}");
        }
        if dialect == Dialect::GitHub {
            assert!(
                r.section.is_none() && !r.exclusion,
                "GitLab syntax in GitHub: {r:?}"
            );
        }
    }
    for s in &co.sections {
        assert!(
            s.line >= 1 && s.line <= lines,
            "section line out of range: {s:?}"
        );
    }
    for p in &co.problems {
        assert!(
            p.line >= 1 && p.line <= lines,
            "problem line out of range: {p:?}"
        );
    }

    let m = co.matcher();
    let singles: Vec<_> = co
        .rules
        .iter()
        .take(12)
        .map(|r| {
            let one = CodeOwners {
                rules: vec![r.clone()],
                ..co.clone()
            };
            one.matcher()
        })
        .collect();

    for path in &paths {
        let matching = m.matching_rules(path);
        assert!(matching.windows(2).all(|w| w[0] < w[1]), "not ascending");
        assert!(matching.iter().all(|&i| i < co.rules.len()));
        if !path.starts_with('/') && !path.starts_with("./") {
            let slash = format!("/{path}");
            let dot = format!("./{path}");
            assert_eq!(
                m.matching_rules(&slash),
                matching,
                "leading / changed {path:?}"
            );
            assert_eq!(
                m.matching_rules(&dot),
                matching,
                "leading ./ changed {path:?}"
            );
        }
        for (i, single) in singles.iter().enumerate() {
            let alone = !single.matching_rules(path).is_empty();
            let together = matching.contains(&i);
            assert_eq!(
                alone, together,
                "rule {i} ({:?}) on {path:?}: alone {alone}, in the full file {together}",
                co.rules[i].pattern
            );
        }

        let own = m.owners_of(path);
        match dialect {
            Dialect::GitHub => {
                assert!(own.sections.is_empty());
                match matching.last() {
                    Some(&last) => {
                        assert_eq!(own.line, Some(co.rules[last].line), "{path:?}");
                        assert_eq!(own.owners, co.rules[last].owners, "{path:?}");
                    }
                    None => {
                        assert_eq!(own.line, None);
                        assert!(own.owners.is_empty());
                    }
                }
            }
            Dialect::GitLab => {
                assert_eq!(own.line, None);
                for o in &own.owners {
                    assert!(
                        matching.iter().any(|&i| co.rules[i].owners.contains(o)),
                        "owner {o:?} of {path:?} from no matching rule"
                    );
                }
            }
        }
    }

    let tracked: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    let problems = offline_problems(&co, &tracked, &globset::GlobSet::empty());
    for p in &problems {
        assert!(p.line <= lines, "validation problem past the end: {p:?}");
    }
}
