//! Offline validation of a CODEOWNERS against the tracked files: the checks that need no forge.
//!
//! Adds to the parser's problems (`syntax-error`, `unsupported-syntax`, `file-too-large`):
//!
//! * `duplicate-pattern`: a pattern that repeats an earlier one in the same section (GitHub: the
//!   whole file). On GitHub two patterns are the same when they compile to the same match
//!   (`foo/bar` and `/foo/bar`), and the earlier rule can never decide. On GitLab the key is
//!   GitLab's normalised pattern within a section (`docs` and `/**/docs`; an exclusion `!x`
//!   and an entry `x` share one key): GitLab keeps only the last entry, in the place of the
//!   first.
//! * `shadowed-rule`: a rule that matches tracked files but decides none of them, because for
//!   every file it matches another rule of its section takes precedence (GitHub: a later line;
//!   GitLab: a later entry, or an exclusion that removes the file from the section). Reported
//!   only for rules that match at least one file, never for exclusions or for the earlier
//!   copies of a duplicate pattern (those are `duplicate-pattern`s).
//! * `pattern-matches-nothing`: no tracked file matches the pattern.
//! * `unowned-file`: a tracked file without owners: GitHub, no rule decides it or the deciding
//!   rule has no owners; GitLab, no required section (the default section or one without `^`)
//!   has a deciding entry with owners. Files matching the allow-list are not reported. One
//!   problem per file, line 0 (no place in CODEOWNERS), the file's path first in the message.
//!
//! The checks that look at files are skipped when `tracked_files` is empty. Each file is
//! matched once through the compiled [`Matcher`] (one query per path component), in parallel;
//! nothing loops over rules × files.

use super::matcher::{compile_github, gitlab_normalize, Matcher};
use super::model::{CodeOwners, Dialect, Problem};
use super::rules::{DUPLICATE, MATCHES_NOTHING, SHADOWED, UNOWNED};
use globset::GlobSet;
use rayon::prelude::*;
use std::collections::HashMap;

/// Validates `co` against `tracked_files` (repository-relative paths); returns the parser's
/// problems followed by the offline checks' problems.
pub fn offline_problems(
    co: &CodeOwners,
    tracked_files: &[String],
    unowned_allow: &GlobSet,
) -> Vec<Problem> {
    offline_problems_with(co, &co.matcher(), tracked_files, unowned_allow)
}

/// [`offline_problems`] with a matcher already compiled from `co`.
pub fn offline_problems_with(
    co: &CodeOwners,
    matcher: &Matcher,
    tracked_files: &[String],
    unowned_allow: &GlobSet,
) -> Vec<Problem> {
    let mut out = co.problems.clone();
    let mut found = duplicates(co);
    let overridden = overridden_rules(co, matcher);
    if !tracked_files.is_empty() {
        let acc = scan(co, matcher, tracked_files);
        for (i, rule) in co.rules.iter().enumerate() {
            if acc.matched[i] == 0 {
                found.push(Problem {
                    rule: MATCHES_NOTHING.id,
                    line: rule.line,
                    column: rule.column,
                    message: format!("`{}` matches no tracked file", pattern_of(co, i)),
                });
            } else if !acc.decided[i] && !rule.exclusion && !overridden[i] {
                let Some((file, beater)) = acc.beaten[i] else {
                    continue;
                };
                let b = &co.rules[beater];
                let why = if b.exclusion {
                    format!("the exclusion on line {} (`!{}`)", b.line, b.pattern)
                } else {
                    format!("line {} (`{}`)", b.line, b.pattern)
                };
                let scope = match (co.dialect, rule.section) {
                    (Dialect::GitLab, Some(s)) => format!(" in section `{}`", co.sections[s].name),
                    _ => String::new(),
                };
                found.push(Problem {
                    rule: SHADOWED.id,
                    line: rule.line,
                    column: rule.column,
                    message: format!(
                        "`{}` never decides ownership: every tracked file it matches ({}) is decided \
                         by another rule{scope}, e.g. `{}` by {why}",
                        pattern_of(co, i),
                        acc.matched[i],
                        tracked_files[file]
                    ),
                });
            }
        }
        found.sort_by_key(|p| (p.line, p.column));
        out.extend(found);
        let mut unowned = acc.unowned;
        unowned.sort_by_key(|(f, _)| *f);
        for (f, reason) in unowned {
            let path = &tracked_files[f];
            if unowned_allow.is_match(path) {
                continue;
            }
            out.push(Problem {
                rule: UNOWNED.id,
                line: 0,
                column: 0,
                message: format!("{path}: no code owner ({reason})"),
            });
        }
    } else {
        found.sort_by_key(|p| (p.line, p.column));
        out.extend(found);
    }
    out
}

fn pattern_of(co: &CodeOwners, i: usize) -> String {
    let r = &co.rules[i];
    if r.exclusion {
        format!("!{}", r.pattern)
    } else {
        r.pattern.clone()
    }
}

/// `duplicate-pattern` problems.
fn duplicates(co: &CodeOwners) -> Vec<Problem> {
    let mut seen: HashMap<(Option<usize>, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, rule) in co.rules.iter().enumerate() {
        let key = match co.dialect {
            Dialect::GitHub => match compile_github(&rule.pattern) {
                Some(c) => (None, format!("{:?}\u{0}{}", c.mode, c.glob())),
                None => (None, format!("never\u{0}{}", rule.pattern)),
            },
            Dialect::GitLab => (rule.section, gitlab_normalize(&rule.pattern)),
        };
        match seen.get(&key) {
            Some(&first) => {
                let f = &co.rules[first];
                let effect = match co.dialect {
                    Dialect::GitHub => "the earlier rule never applies".to_string(),
                    Dialect::GitLab => format!(
                        "GitLab keeps only this entry, at the position of line {}",
                        f.line
                    ),
                };
                let same = if pattern_of(co, first) == pattern_of(co, i) {
                    String::new()
                } else {
                    format!(" (`{}`)", pattern_of(co, first))
                };
                out.push(Problem {
                    rule: DUPLICATE.id,
                    line: rule.line,
                    column: rule.column,
                    message: format!(
                        "`{}` repeats the pattern of line {}{same}; {effect}",
                        pattern_of(co, i),
                        f.line
                    ),
                });
            }
            None => {
                seen.insert(key, i);
            }
        }
    }
    out
}

/// Rules replaced by a later rule with the same pattern.
fn overridden_rules(co: &CodeOwners, matcher: &Matcher) -> Vec<bool> {
    let mut out = vec![false; co.rules.len()];
    for t in 0..matcher.target_count() {
        let (rules, effective) = matcher.target_rules(t);
        for &r in rules {
            out[r] = r != effective;
        }
    }
    out
}

/// What the files tell about the rules.
struct Acc {
    /// Files each rule matches.
    matched: Vec<u32>,
    /// Whether each rule decides at least one file.
    decided: Vec<bool>,
    /// For a rule that matched a file it did not decide: the first such file and the rule
    /// that beat it there.
    beaten: Vec<Option<(usize, usize)>>,
    /// Files without owners and why.
    unowned: Vec<(usize, String)>,
}

impl Acc {
    fn new(n: usize) -> Acc {
        Acc {
            matched: vec![0; n],
            decided: vec![false; n],
            beaten: vec![None; n],
            unowned: Vec::new(),
        }
    }

    fn merge(mut self, other: Acc) -> Acc {
        for (a, b) in self.matched.iter_mut().zip(other.matched) {
            *a += b;
        }
        for (a, b) in self.decided.iter_mut().zip(other.decided) {
            *a |= b;
        }
        for (a, b) in self.beaten.iter_mut().zip(other.beaten) {
            *a = match (*a, b) {
                (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
                (x, y) => x.or(y),
            };
        }
        self.unowned.extend(other.unowned);
        self
    }
}

fn scan(co: &CodeOwners, matcher: &Matcher, files: &[String]) -> Acc {
    let n = co.rules.len();
    files
        .par_iter()
        .enumerate()
        .fold(
            || Acc::new(n),
            |mut acc, (fi, path)| {
                let eval = matcher.evaluate(path);
                for s in &eval.sections {
                    if let Some(d) = s.decider {
                        acc.decided[d] = true;
                    }
                }
                for &t in &eval.targets {
                    let (rules, effective) = matcher.target_rules(t);
                    for &r in rules {
                        acc.matched[r] += 1;
                    }
                    let rule = &co.rules[effective];
                    if rule.exclusion {
                        continue;
                    }
                    let Some(sec) = eval.sections.iter().find(|s| s.section == rule.section) else {
                        continue;
                    };
                    if sec.decider == Some(effective) {
                        continue;
                    }
                    let Some(beater) = sec.excluded_by.or(sec.decider) else {
                        continue;
                    };
                    let slot = &mut acc.beaten[effective];
                    if slot.is_none_or(|(f, _)| fi < f) {
                        *slot = Some((fi, beater));
                    }
                }
                if let Some(reason) = unowned_reason(co, &eval.sections) {
                    acc.unowned.push((fi, reason));
                }
                acc
            },
        )
        .reduce(|| Acc::new(n), Acc::merge)
}

/// Why a file has no owner, or None when it has one.
fn unowned_reason(co: &CodeOwners, sections: &[super::matcher::SectionEval]) -> Option<String> {
    match co.dialect {
        Dialect::GitHub => match sections.first().and_then(|s| s.decider) {
            None => Some("no rule matches it".to_string()),
            Some(d) if co.rules[d].owners.is_empty() => Some(format!(
                "line {} (`{}`) decides it and has no owners",
                co.rules[d].line, co.rules[d].pattern
            )),
            Some(_) => None,
        },
        Dialect::GitLab => {
            let mut optional_only = false;
            let mut excluded = false;
            let mut empty = false;
            for s in sections {
                let required = s.section.is_none_or(|i| !co.sections[i].optional);
                match s.decider {
                    Some(d) if !co.rules[d].owners.is_empty() => {
                        if required {
                            return None;
                        }
                        optional_only = true;
                    }
                    Some(_) => empty = true,
                    None => excluded |= s.excluded_by.is_some(),
                }
            }
            let mut why: Vec<&str> = Vec::new();
            if sections.is_empty() {
                why.push("no rule matches it");
            }
            if optional_only {
                why.push("only optional sections own it");
            }
            if excluded {
                why.push("excluded by `!` patterns");
            }
            if empty {
                why.push("a matching entry has no owners");
            }
            Some(why.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owners::parse::parse;
    use globset::{Glob, GlobSetBuilder};

    fn files(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn none() -> GlobSet {
        GlobSet::empty()
    }

    fn summary(problems: &[Problem]) -> Vec<(&'static str, u32, u32)> {
        problems
            .iter()
            .map(|p| (p.rule, p.line, p.column))
            .collect()
    }

    #[test]
    fn github_duplicates_shadowed_nothing_unowned() {
        let co = parse(
            "/src/ @a\n*.md @docs\n/src/a.rs @x\nsrc/a.rs @y\n/src/ @b\n/nothing/ @n\n/legacy/ \n!neg @z\n",
            ".github/CODEOWNERS",
            Dialect::GitHub,
        );
        let tracked = files(&[
            "src/a.rs",
            "src/b.rs",
            "README.md",
            "legacy/old.txt",
            "Cargo.toml",
        ]);
        let problems = offline_problems(&co, &tracked, &none());
        assert_eq!(
            summary(&problems),
            vec![
                ("unsupported-syntax", 8, 1),
                ("duplicate-pattern", 4, 1),
                ("shadowed-rule", 4, 1),
                ("duplicate-pattern", 5, 1),
                ("pattern-matches-nothing", 6, 1),
                ("unowned-file", 0, 0),
                ("unowned-file", 0, 0),
            ]
        );
        assert!(problems[1]
            .message
            .contains("`src/a.rs` repeats the pattern of line 3 (`/src/a.rs`)"));
        // Line 4 replaced line 3 and is itself beaten by line 5 for its only file.
        assert!(
            problems[2]
                .message
                .contains("e.g. `src/a.rs` by line 5 (`/src/`)"),
            "{}",
            problems[2].message
        );
        assert!(problems[5]
            .message
            .starts_with("legacy/old.txt: no code owner (line 7"));
        assert!(problems[6]
            .message
            .starts_with("Cargo.toml: no code owner (no rule matches it)"));
        // Overridden duplicates (lines 1 and 3) are not also reported as shadowed.
        assert_eq!(
            problems
                .iter()
                .filter(|p| p.rule == "shadowed-rule")
                .count(),
            1
        );
    }

    #[test]
    fn github_shadowed_rule() {
        let co = parse(
            "/src/a.rs @x\n/src/b.rs @y\n/src/ @a\n*.rs @r\n/src/c.txt @c\n",
            "CODEOWNERS",
            Dialect::GitHub,
        );
        let tracked = files(&["src/a.rs", "src/b.rs", "src/c.txt", "lib.rs"]);
        let problems = offline_problems(&co, &tracked, &none());
        assert_eq!(
            summary(&problems),
            vec![
                ("shadowed-rule", 1, 1),
                ("shadowed-rule", 2, 1),
                ("shadowed-rule", 3, 1)
            ]
        );
        assert!(
            problems[0]
                .message
                .contains("e.g. `src/a.rs` by line 4 (`*.rs`)"),
            "{}",
            problems[0].message
        );
        // `/src/` still matches src/c.txt, but line 5 decides it.
        assert!(problems[2].message.contains("(3)"));
    }

    #[test]
    fn allow_list_and_no_files() {
        let co = parse("/src/ @a\n", "CODEOWNERS", Dialect::GitHub);
        let mut b = GlobSetBuilder::new();
        b.add(Glob::new("*.toml").unwrap());
        let allow = b.build().unwrap();
        let problems = offline_problems(&co, &files(&["src/x", "Cargo.toml", "docs/x.md"]), &allow);
        assert_eq!(summary(&problems), vec![("unowned-file", 0, 0)]);
        assert!(problems[0].message.starts_with("docs/x.md:"));
        // Without a file list only the file-independent checks run.
        let co = parse("/a/ @x\n/a/ @y\n", "CODEOWNERS", Dialect::GitHub);
        assert_eq!(
            summary(&offline_problems(&co, &[], &none())),
            vec![("duplicate-pattern", 2, 1)]
        );
    }

    #[test]
    fn gitlab_checks() {
        let co = parse(
            "\
* @default
!*.lock

[Docs] @docs
docs/
/docs/*.md @writers
/**/docs/ @dup

[Ruby]
*.rb @ruby
!/config/**/*.rb
/config/special.rb @never

^[Optional] @opt
*.txt

[Other]
docs/ @other
",
            ".gitlab/CODEOWNERS",
            Dialect::GitLab,
        );
        assert!(co.problems.is_empty(), "{:?}", co.problems);
        let tracked = files(&[
            "docs/a.md",
            "docs/x/y.md",
            "config/special.rb",
            "yarn.lock",
            "notes.txt",
            "app.rb",
        ]);
        let problems = offline_problems(&co, &tracked, &none());
        let s = summary(&problems);
        assert_eq!(
            s,
            vec![
                ("duplicate-pattern", 7, 1),
                ("shadowed-rule", 12, 1),
                ("unowned-file", 0, 0),
            ],
            "{problems:#?}"
        );
        assert!(problems[0]
            .message
            .contains("GitLab keeps only this entry, at the position of line 5"));
        assert!(
            problems[1].message.contains("exclusion on line 11"),
            "{}",
            problems[1].message
        );
        assert!(problems[1].message.contains("section `Ruby`"));
        assert!(problems[2]
            .message
            .starts_with("yarn.lock: no code owner (excluded by `!` patterns)"));
        // notes.txt is owned by the default section even though `Optional` is optional.
        let co = parse(
            "^[Optional] @opt\n*.txt\n[Req]\n/a/ @x\n!/a/b\n",
            "CODEOWNERS",
            Dialect::GitLab,
        );
        let problems = offline_problems(&co, &files(&["notes.txt", "a/b", "a/c"]), &none());
        assert_eq!(
            summary(&problems),
            vec![("unowned-file", 0, 0), ("unowned-file", 0, 0)]
        );
        assert!(problems[0]
            .message
            .contains("notes.txt: no code owner (only optional sections own it)"));
        assert!(problems[1]
            .message
            .contains("a/b: no code owner (excluded by `!` patterns)"));
    }

    #[test]
    fn gitlab_first_position_shadowing() {
        // `a/*` keeps its first position, so `a/b` (line 2) still decides a/b.
        let co = parse("a/* @x\na/b @y\na/* @z\n", "CODEOWNERS", Dialect::GitLab);
        let problems = offline_problems(&co, &files(&["a/b", "a/c"]), &none());
        assert_eq!(summary(&problems), vec![("duplicate-pattern", 3, 1)]);
    }

    #[test]
    fn scales_to_many_files_and_rules() {
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(&format!(
                "/team{i}/ @org/team{i}\n/team{i}/**/*.cls @org/apex{i}\n"
            ));
        }
        let co = parse(&text, "CODEOWNERS", Dialect::GitHub);
        let tracked: Vec<String> = (0..20_000)
            .map(|i| format!("team{}/main/default/classes/C{i}.cls", i % 2000))
            .collect();
        let problems = offline_problems(&co, &tracked, &none());
        // Every `/teamN/` rule is shadowed by its `*.cls` rule; nothing else is wrong.
        assert_eq!(problems.len(), 2000);
        assert!(problems
            .iter()
            .all(|p| p.rule == "shadowed-rule" && p.line % 2 == 1));
    }
}
