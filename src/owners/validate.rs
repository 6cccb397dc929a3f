//! Offline validation of a CODEOWNERS against the tracked files: the checks that need no
//! forge. Each is the check of its rule's file in [`rules`](super::rules) (declared
//! [`Check::Offline`]); this module runs them and holds what they share: one pass over the
//! tracked files ([`FileScan`]).
//!
//! The problems are the parser's (`syntax-error`, `unsupported-syntax`, `file-too-large`),
//! then the offline checks' in [`RULES`] order (`duplicate-pattern`, `shadowed-rule`,
//! `pattern-matches-nothing`, `unowned-file`): those about a CODEOWNERS line in line order,
//! then those about a tracked file (line 0) in file order.
//!
//! The checks that look at files are skipped when `tracked_files` is empty. Each file is
//! matched once through the compiled [`Matcher`] (one query per path component), in parallel;
//! nothing loops over rules × files.

use super::matcher::Matcher;
use super::model::{CodeOwners, Problem};
use super::rules::{unowned_file, Check, Context, RULES};
use globset::GlobSet;
use rayon::prelude::*;

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
    let ctx = Context::new(co, matcher, tracked_files, unowned_allow);
    let mut found = Vec::new();
    for rule in RULES {
        if let Check::Offline(check) = rule.check {
            check(&ctx, &mut found);
        }
    }
    // Stable: at one place, the problems keep the order of RULES.
    found.sort_by_key(|p| (p.line == 0, p.line, p.column));
    let mut out = co.problems.clone();
    out.extend(found);
    out
}

/// What the files tell about the rules.
pub struct FileScan {
    /// Files each rule matches.
    pub matched: Vec<u32>,
    /// Whether each rule decides at least one file.
    pub decided: Vec<bool>,
    /// For a rule that matched a file it did not decide: the first such file and the rule
    /// that beat it there.
    pub beaten: Vec<Option<(usize, usize)>>,
    /// Files without owners and why, in file order.
    pub unowned: Vec<(usize, String)>,
}

impl FileScan {
    fn new(n: usize) -> FileScan {
        FileScan {
            matched: vec![0; n],
            decided: vec![false; n],
            beaten: vec![None; n],
            unowned: Vec::new(),
        }
    }

    fn merge(mut self, other: FileScan) -> FileScan {
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

/// Matches each tracked file once (in parallel) and gathers what the files tell about the
/// rules.
pub(crate) fn scan(co: &CodeOwners, matcher: &Matcher, files: &[String]) -> FileScan {
    let n = co.rules.len();
    let mut acc = files
        .par_iter()
        .enumerate()
        .fold(
            || FileScan::new(n),
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
                if let Some(reason) = unowned_file::reason(co, &eval.sections) {
                    acc.unowned.push((fi, reason));
                }
                acc
            },
        )
        .reduce(|| FileScan::new(n), FileScan::merge);
    acc.unowned.sort_by_key(|(f, _)| *f);
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owners::model::Dialect;
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
