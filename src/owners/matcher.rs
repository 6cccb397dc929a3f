//! Matching paths against a parsed CODEOWNERS, compiled once into an index.
//!
//! # How a pattern is compiled
//!
//! Every rule is translated into a list of path segments (a literal name, a segment glob such
//! as `*.rs`, or `**`) and a mode saying what it must match:
//!
//! * `Exact`: the path itself;
//! * `DirOnly`: a directory the path is under (`docs` for `docs/a/b.md`): the rule owns
//!   everything below a directory it matches;
//! * `ExactOrDir`: either.
//!
//! The compiled rules are indexed by shape, so that a lookup costs a few hash probes per path
//! component and never loops over the rules:
//!
//! * literal paths (`/docs/`, `/Makefile`) in a hash map keyed by the path, probed with every
//!   prefix of the query (`a`, `a/b`, `a/b/c`);
//! * `**/name` (GitHub `name`, `name/`; GitLab `name`, `name/`) keyed by the name, probed with
//!   every component;
//! * `**/*.ext` keyed by the extension, probed with every component's extension;
//! * patterns with a literal directory prefix and wildcards after it (`/apps/x/**/*.sql`) in a
//!   hash map from the prefix to one `RegexSet`, run only for the query's own ancestor
//!   directories;
//! * the rest (no literal prefix: `*`, `f*`, `**/a/b`) in one `RegexSet` run once per path.
//!
//! Every matching rule is found; the winner is then picked by index.
//!
//! ## GitHub
//!
//! GitHub documents the syntax as gitignore's minus `!`, `[ ]` and `\#`
//! (docs.github.com, "About code owners": *CODEOWNERS syntax*, *Syntax exceptions*). The
//! translation follows hmarr/codeowners (`match.go`), whose 153 path assertions
//! (`fixtures/codeowners/hmarr-patterns.json`) pass:
//!
//! * a pattern with no `/` except a trailing one matches at any depth (`**/` is prepended);
//!   otherwise it is anchored at the root, with or without a leading `/`;
//! * `*` and `?` never match `/`; a whole segment `**` matches zero or more directories;
//! * a trailing `/` (or trailing `/**`) matches only what is under a directory (`DirOnly`);
//! * a last segment that is exactly `*` matches direct children only (`docs/*` does not own
//!   `docs/a/b.md`, as GitHub's documentation says); every other pattern also owns
//!   everything under a directory it matches (`ExactOrDir`);
//! * `\` escapes the next character; `[`, `]`, `{`, `}` and every other character are
//!   literal (GitHub does not support character ranges; hmarr matches `[param]` literally).
//!
//! ## GitLab
//!
//! GitLab normalises each pattern (`Gitlab::CodeOwners::File#normalize_pattern`): `*` becomes
//! `/**/*`; a leading `\#` becomes `#`; `\` followed by whitespace becomes a space; a pattern
//! not starting with `/` gets `/**/` prepended (so `internal/README.md` matches at any depth,
//! unlike GitHub); a trailing `/` gets `**/*` appended. The result is matched against `/path`
//! with Ruby's `File.fnmatch?` and `FNM_PATHNAME | FNM_DOTMATCH` (docs.gitlab.com, "Advanced
//! CODEOWNERS configuration": *Pattern matching*). So, unlike GitHub:
//!
//! * a pattern without a trailing `/` matches only the path itself: `docs` does not own
//!   `docs/a.md` (a pattern ending in `/**/*` is compiled as `DirOnly`, everything else as
//!   `Exact`);
//! * `**` is recursive only as a whole segment followed by `/`; elsewhere it is `*`
//!   (`/docs/**` matches direct children only);
//! * `[...]` is a bracket expression (`[!...]`/`[^...]` negate; it never matches `/`); an
//!   unclosed bracket, or `[]`, makes the pattern match nothing, as in Ruby's `bracket()`.
//!
//! Both forges match case-sensitively, and `*` matches dotfiles.

use super::model::{CodeOwners, Dialect, Ownership, Rule, Section, SectionOwners};
use regex::{RegexSet, RegexSetBuilder};
use std::collections::HashMap;
use std::fmt::Write as _;

/// The name GitLab gives the entries before the first section header
/// (`Gitlab::CodeOwners::Section::DEFAULT`; approval rules carry it as their `section`).
pub const GITLAB_DEFAULT_SECTION: &str = "codeowners";

/// What a compiled pattern is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    /// The path itself.
    Exact,
    /// A directory the path is under (or the path itself when it ends with `/`).
    DirOnly,
    /// Either.
    ExactOrDir,
}

/// One element of a segment glob.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Tok {
    Lit(char),
    /// `*`: any run of characters other than `/`.
    Star,
    /// `?`: one character other than `/`.
    Quest,
    /// A bracket expression (GitLab); negated ones include `/` in `items`.
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
}

/// One path segment of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    /// `**`: zero or more directories.
    Rec,
    Toks(Vec<Tok>),
}

/// A pattern translated for matching.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Compiled {
    pub segs: Vec<Seg>,
    pub mode: Mode,
}

impl Compiled {
    /// A readable glob rendering (`**/docs`, `src/*.rs`), also a key for equal patterns.
    pub fn glob(&self) -> String {
        let mut out = String::new();
        for (i, seg) in self.segs.iter().enumerate() {
            if i > 0 {
                out.push('/');
            }
            match seg {
                Seg::Rec => out.push_str("**"),
                Seg::Toks(toks) => {
                    for t in toks {
                        match t {
                            Tok::Lit(c) => {
                                if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
                                    out.push('\\');
                                }
                                out.push(*c);
                            }
                            Tok::Star => out.push('*'),
                            Tok::Quest => out.push('?'),
                            Tok::Class { negated, items } => {
                                out.push('[');
                                if *negated {
                                    out.push('!');
                                }
                                for &(a, b) in items {
                                    if a == b {
                                        let _ = write!(out, "{}", a.escape_default());
                                    } else {
                                        let _ = write!(
                                            out,
                                            "{}-{}",
                                            a.escape_default(),
                                            b.escape_default()
                                        );
                                    }
                                }
                                out.push(']');
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// The regular expression for the whole pattern with its mode folded in, matched
    /// against the query path (which ends with `/` for a directory).
    fn regex(&self) -> String {
        let mut re = String::from("(?s)^");
        let n = self.segs.len();
        let mut need_sep = false;
        for (i, seg) in self.segs.iter().enumerate() {
            match seg {
                Seg::Rec => {
                    if n == 1 {
                        re.push_str(".*");
                    } else if i == 0 {
                        re.push_str("(?:.*/)?");
                    } else if i == n - 1 {
                        re.push_str("/.*");
                    } else {
                        re.push_str("/(?:.*/)?");
                    }
                    need_sep = false;
                }
                Seg::Toks(toks) => {
                    if need_sep {
                        re.push('/');
                    }
                    for t in toks {
                        match t {
                            Tok::Lit(c) => push_regex_char(&mut re, *c),
                            Tok::Star => re.push_str("[^/]*"),
                            Tok::Quest => re.push_str("[^/]"),
                            Tok::Class { negated, items } => {
                                re.push('[');
                                if *negated {
                                    re.push('^');
                                }
                                for &(a, b) in items {
                                    push_regex_char(&mut re, a);
                                    if a != b {
                                        re.push('-');
                                        push_regex_char(&mut re, b);
                                    }
                                }
                                re.push(']');
                            }
                        }
                    }
                    need_sep = true;
                }
            }
        }
        re.push_str(match self.mode {
            Mode::Exact => "$",
            Mode::DirOnly => "/",
            Mode::ExactOrDir => "(?:/|$)",
        });
        re
    }
}

/// Appends `c` to a regex as a literal (valid inside and outside classes).
fn push_regex_char(re: &mut String, c: char) {
    if c.is_alphanumeric() || c == '_' {
        re.push(c);
    } else {
        let _ = write!(re, "\\x{{{:x}}}", c as u32);
    }
}

/// The literal text of a segment, if it has no wildcard.
fn seg_literal(seg: &Seg) -> Option<String> {
    match seg {
        Seg::Rec => None,
        Seg::Toks(toks) => toks
            .iter()
            .map(|t| match t {
                Tok::Lit(c) => Some(*c),
                _ => None,
            })
            .collect(),
    }
}

/// `*SUFFIX` with a literal, non-empty SUFFIX.
fn star_suffix(seg: &Seg) -> Option<String> {
    match seg {
        Seg::Toks(toks) if toks.len() > 1 && toks[0] == Tok::Star => {
            seg_literal(&Seg::Toks(toks[1..].to_vec()))
        }
        _ => None,
    }
}

/// One distinct thing to match: the rules that share a pattern (GitHub: the same compiled
/// pattern; GitLab: the same section and normalised pattern, which GitLab keeps as one hash
/// entry).
#[derive(Debug, Clone)]
struct Target {
    /// Every rule with this pattern, ascending.
    rules: Vec<usize>,
    /// Precedence when several targets of one section match: GitHub, the last line; GitLab,
    /// the *first* occurrence (a Ruby hash keeps a re-assigned key in its original place).
    priority: usize,
    /// The rule whose owners apply: the last occurrence.
    effective: usize,
    section: Option<usize>,
    exclusion: bool,
}

/// The outcome of one section for one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SectionEval {
    pub section: Option<usize>,
    /// The deciding rule, unless an exclusion matched.
    pub decider: Option<usize>,
    /// The exclusion rule that removed the path from this section (GitLab).
    pub excluded_by: Option<usize>,
}

/// Everything about one path: the matched targets and each section's decision.
#[derive(Debug, Default, Clone)]
pub(crate) struct Eval {
    /// Matched target indexes, ascending.
    pub targets: Vec<usize>,
    /// One entry per section with a match, in section order (default section first).
    pub sections: Vec<SectionEval>,
}

/// A target reached through a hash probe, with the mode it must satisfy there.
#[derive(Debug, Clone, Copy)]
struct Probe {
    target: u32,
    mode: Mode,
}

/// Patterns behind one literal directory prefix.
#[derive(Debug, Clone)]
struct Bucket {
    set: RegexSet,
    targets: Vec<u32>,
}

/// A CODEOWNERS compiled for lookups; build it once with [`CodeOwners::matcher`].
#[derive(Debug, Clone)]
pub struct Matcher {
    dialect: Dialect,
    literal: HashMap<Box<str>, Vec<Probe>>,
    basename: HashMap<Box<str>, Vec<Probe>>,
    /// Extension (after the last `.`) → (whole suffix, probe).
    ext: HashMap<Box<str>, Vec<(Box<str>, Probe)>>,
    /// Anchored patterns with a literal directory prefix, keyed by the prefix.
    buckets: HashMap<Box<str>, Bucket>,
    /// `**/lit/.../rest`, keyed by the literal run; the regexes match from a component start.
    floating: HashMap<Box<str>, Bucket>,
    /// The numbers of components in `floating`'s keys.
    floating_lens: Vec<usize>,
    global: RegexSet,
    global_targets: Vec<u32>,
    targets: Vec<Target>,
    rules: Vec<Rule>,
    sections: Vec<Section>,
}

impl CodeOwners {
    /// Compiles every rule once into a [`Matcher`].
    pub fn matcher(&self) -> Matcher {
        Matcher::new(self)
    }
}

/// Builds a `RegexSet`; None if the patterns exceed the regex size limits (not expected for
/// CODEOWNERS patterns).
fn regex_set(patterns: &[String]) -> Option<RegexSet> {
    RegexSetBuilder::new(patterns)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .ok()
}

impl Matcher {
    /// Compiles `co`. Patterns that can never match (GitLab: an unclosed `[`) are kept as
    /// targets that nothing reaches.
    pub fn new(co: &CodeOwners) -> Matcher {
        let mut targets: Vec<Target> = Vec::new();
        let mut compiled: Vec<Option<Compiled>> = Vec::new();
        let mut index: HashMap<(Option<usize>, String), usize> = HashMap::new();
        for (i, rule) in co.rules.iter().enumerate() {
            let (key, c) = match co.dialect {
                Dialect::GitHub => {
                    let c = compile_github(&rule.pattern);
                    let key = match &c {
                        Some(c) => format!("{:?}\u{0}{}", c.mode, c.glob()),
                        None => format!("never\u{0}{}", rule.pattern),
                    };
                    ((None, key), c)
                }
                Dialect::GitLab => {
                    let norm = gitlab_normalize(&rule.pattern);
                    let c = compile_gitlab_normalized(&norm);
                    ((rule.section, norm), c)
                }
            };
            match index.get(&key) {
                Some(&t) => {
                    let target = &mut targets[t];
                    target.rules.push(i);
                    target.effective = i;
                    target.exclusion = rule.exclusion;
                    if co.dialect == Dialect::GitHub {
                        target.priority = i;
                    }
                }
                None => {
                    index.insert(key, targets.len());
                    targets.push(Target {
                        rules: vec![i],
                        priority: i,
                        effective: i,
                        section: rule.section,
                        exclusion: rule.exclusion,
                    });
                    compiled.push(c);
                }
            }
        }

        let mut literal: HashMap<Box<str>, Vec<Probe>> = HashMap::new();
        let mut basename: HashMap<Box<str>, Vec<Probe>> = HashMap::new();
        let mut ext: HashMap<Box<str>, Vec<(Box<str>, Probe)>> = HashMap::new();
        let mut bucketed: HashMap<String, (Vec<String>, Vec<u32>)> = HashMap::new();
        let mut floated: HashMap<String, (Vec<String>, Vec<u32>)> = HashMap::new();
        let mut floating_lens: Vec<usize> = Vec::new();
        let mut global_patterns: Vec<String> = Vec::new();
        let mut global_targets: Vec<u32> = Vec::new();
        for (t, c) in compiled.iter().enumerate() {
            let Some(c) = c else { continue };
            let probe = Probe {
                target: t as u32,
                mode: c.mode,
            };
            let lits: Vec<Option<String>> = c.segs.iter().map(seg_literal).collect();
            if lits.iter().all(Option::is_some) {
                let path: Vec<String> = lits.into_iter().flatten().collect();
                literal
                    .entry(path.join("/").into())
                    .or_default()
                    .push(probe);
                continue;
            }
            if c.segs.len() == 2 && c.segs[0] == Seg::Rec {
                if let Some(name) = seg_literal(&c.segs[1]) {
                    basename.entry(name.into()).or_default().push(probe);
                    continue;
                }
                if let Some(suffix) = star_suffix(&c.segs[1]) {
                    if let Some(dot) = suffix.rfind('.') {
                        let key: Box<str> = suffix[dot + 1..].into();
                        ext.entry(key).or_default().push((suffix.into(), probe));
                        continue;
                    }
                }
            }
            if c.segs[0] == Seg::Rec {
                let run = lits[1..].iter().take_while(|l| l.is_some()).count();
                if run > 0 {
                    let key: Vec<&str> = lits[1..=run]
                        .iter()
                        .map(|l| l.as_deref().unwrap_or_default())
                        .collect();
                    let rest = Compiled {
                        segs: c.segs[1..].to_vec(),
                        mode: c.mode,
                    };
                    let b = floated.entry(key.join("/")).or_default();
                    b.0.push(rest.regex());
                    b.1.push(t as u32);
                    if !floating_lens.contains(&run) {
                        floating_lens.push(run);
                    }
                    continue;
                }
            }
            let prefix_len = lits.iter().take_while(|l| l.is_some()).count();
            if prefix_len > 0 {
                let prefix: Vec<&str> = lits[..prefix_len]
                    .iter()
                    .map(|l| l.as_deref().unwrap_or_default())
                    .collect();
                let b = bucketed.entry(prefix.join("/")).or_default();
                b.0.push(c.regex());
                b.1.push(t as u32);
            } else {
                global_patterns.push(c.regex());
                global_targets.push(t as u32);
            }
        }
        let to_buckets = |m: HashMap<String, (Vec<String>, Vec<u32>)>| {
            let mut out = HashMap::new();
            for (key, (patterns, ts)) in m {
                if let Some(set) = regex_set(&patterns) {
                    out.insert(key.into_boxed_str(), Bucket { set, targets: ts });
                }
            }
            out
        };
        let buckets = to_buckets(bucketed);
        let floating = to_buckets(floated);
        floating_lens.sort_unstable();
        let global = regex_set(&global_patterns).unwrap_or_else(|| {
            global_targets.clear();
            RegexSet::empty()
        });
        Matcher {
            dialect: co.dialect,
            literal,
            basename,
            ext,
            buckets,
            floating,
            floating_lens,
            global,
            global_targets,
            targets,
            rules: co.rules.clone(),
            sections: co.sections.clone(),
        }
    }

    /// The dialect this matcher was compiled for.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The owners of `path` (repository-relative, `/`-separated; a leading `/` or `./` is
    /// ignored, a trailing `/` marks a directory).
    ///
    /// GitHub: the last matching rule decides; `owners` are its owners (empty for an
    /// owner-less rule), `line` its line, `sections` empty. GitLab: every section decides on
    /// its own (the default, unnamed section is [`GITLAB_DEFAULT_SECTION`]); a section where
    /// an exclusion matches is left out; `owners` is the union, `line` is None.
    pub fn owners_of(&self, path: &str) -> Ownership {
        let eval = self.evaluate(path);
        let mut out = Ownership {
            path: path.to_string(),
            owners: Vec::new(),
            line: None,
            sections: Vec::new(),
        };
        match self.dialect {
            Dialect::GitHub => {
                if let Some(rule) = eval.sections.first().and_then(|s| s.decider) {
                    let rule = &self.rules[rule];
                    out.owners = rule.owners.clone();
                    out.line = Some(rule.line);
                }
            }
            Dialect::GitLab => {
                for s in &eval.sections {
                    let Some(r) = s.decider else { continue };
                    let rule = &self.rules[r];
                    for o in &rule.owners {
                        if !out.owners.contains(o) {
                            out.owners.push(o.clone());
                        }
                    }
                    let (name, optional) = match s.section.and_then(|i| self.sections.get(i)) {
                        Some(sec) => (sec.name.clone(), sec.optional),
                        None => (GITLAB_DEFAULT_SECTION.to_string(), false),
                    };
                    out.sections.push(SectionOwners {
                        name,
                        owners: rule.owners.clone(),
                        line: rule.line,
                        optional,
                        approvals_required: rule.approvals_required,
                    });
                }
            }
        }
        out
    }

    /// Indexes (into `CodeOwners::rules`) of every rule whose pattern matches `path`,
    /// ascending, whether or not it decides (exclusions included).
    pub fn matching_rules(&self, path: &str) -> Vec<usize> {
        let eval = self.evaluate(path);
        let mut out: Vec<usize> = eval
            .targets
            .iter()
            .flat_map(|&t| self.targets[t].rules.iter().copied())
            .collect();
        out.sort_unstable();
        out
    }

    /// The rules of one target (ascending) and the one whose owners apply.
    pub(crate) fn target_rules(&self, t: usize) -> (&[usize], usize) {
        let target = &self.targets[t];
        (&target.rules, target.effective)
    }

    /// Number of distinct targets.
    pub(crate) fn target_count(&self) -> usize {
        self.targets.len()
    }

    /// Every target whose pattern matches `path`, ascending.
    fn matched_targets(&self, path: &str) -> Vec<usize> {
        let mut q = path;
        loop {
            if let Some(rest) = q.strip_prefix("./") {
                q = rest;
            } else if let Some(rest) = q.strip_prefix('/') {
                q = rest;
            } else {
                break;
            }
        }
        let stripped = q.trim_end_matches('/');
        let mut out: Vec<usize> = Vec::new();
        if stripped.is_empty() {
            return out;
        }
        let is_dir = stripped.len() != q.len();
        // Component start offsets, for the floating patterns.
        let mut starts: Vec<usize> = Vec::new();
        let mut start = 0;
        loop {
            starts.push(start);
            let end = stripped[start..]
                .find('/')
                .map_or(stripped.len(), |i| start + i);
            let last = end == stripped.len();
            let as_dir = !last || is_dir;
            let accept = |mode: Mode| match mode {
                Mode::Exact => !as_dir,
                Mode::DirOnly => as_dir,
                Mode::ExactOrDir => true,
            };
            let comp = &stripped[start..end];
            let prefix = &stripped[..end];
            if let Some(ps) = self.literal.get(prefix) {
                out.extend(
                    ps.iter()
                        .filter(|p| accept(p.mode))
                        .map(|p| p.target as usize),
                );
            }
            if let Some(ps) = self.basename.get(comp) {
                out.extend(
                    ps.iter()
                        .filter(|p| accept(p.mode))
                        .map(|p| p.target as usize),
                );
            }
            if !self.ext.is_empty() {
                if let Some(dot) = comp.rfind('.') {
                    if let Some(ps) = self.ext.get(&comp[dot + 1..]) {
                        out.extend(
                            ps.iter()
                                .filter(|(suffix, p)| comp.ends_with(&**suffix) && accept(p.mode))
                                .map(|(_, p)| p.target as usize),
                        );
                    }
                }
            }
            if as_dir {
                if let Some(b) = self.buckets.get(prefix) {
                    out.extend(b.set.matches(q).iter().map(|i| b.targets[i] as usize));
                }
            }
            if last {
                break;
            }
            start = end + 1;
        }
        if !self.floating.is_empty() {
            let n = starts.len();
            for (i, &s) in starts.iter().enumerate() {
                for &k in &self.floating_lens {
                    if i + k > n {
                        break;
                    }
                    let end = if i + k == n {
                        stripped.len()
                    } else {
                        starts[i + k] - 1
                    };
                    if let Some(b) = self.floating.get(&stripped[s..end]) {
                        out.extend(b.set.matches(&q[s..]).iter().map(|j| b.targets[j] as usize));
                    }
                }
            }
        }
        if !self.global_targets.is_empty() {
            out.extend(
                self.global
                    .matches(q)
                    .iter()
                    .map(|i| self.global_targets[i] as usize),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Matches `path` and decides every section.
    pub(crate) fn evaluate(&self, path: &str) -> Eval {
        let mut eval = Eval {
            targets: self.matched_targets(path),
            sections: Vec::new(),
        };
        match self.dialect {
            Dialect::GitHub => {
                let best = eval
                    .targets
                    .iter()
                    .max_by_key(|&&t| self.targets[t].priority);
                if let Some(&t) = best {
                    eval.sections.push(SectionEval {
                        section: None,
                        decider: Some(self.targets[t].effective),
                        excluded_by: None,
                    });
                }
            }
            Dialect::GitLab => {
                // Group by section: default (None) first, then section order.
                let mut by: Vec<(Option<usize>, usize)> = eval
                    .targets
                    .iter()
                    .map(|&t| (self.targets[t].section, t))
                    .collect();
                by.sort_by_key(|&(s, t)| (s.map_or(0, |s| s + 1), t));
                let mut i = 0;
                while i < by.len() {
                    let section = by[i].0;
                    let mut j = i;
                    let mut best: Option<usize> = None;
                    let mut excluded_by: Option<usize> = None;
                    while j < by.len() && by[j].0 == section {
                        let t = &self.targets[by[j].1];
                        if t.exclusion {
                            excluded_by =
                                Some(excluded_by.map_or(t.effective, |e| e.min(t.effective)));
                        } else if best.is_none_or(|b| self.targets[b].priority < t.priority) {
                            best = Some(by[j].1);
                        }
                        j += 1;
                    }
                    eval.sections.push(SectionEval {
                        section,
                        decider: if excluded_by.is_some() {
                            None
                        } else {
                            best.map(|b| self.targets[b].effective)
                        },
                        excluded_by,
                    });
                    i = j;
                }
            }
        }
        eval
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub translation

/// Translates a GitHub pattern (as written); None when it can never match (`/`).
pub(crate) fn compile_github(pattern: &str) -> Option<Compiled> {
    let mut segs: Vec<&str> = pattern.split('/').collect();
    if segs[0].is_empty() {
        // A leading slash anchors at the root.
        segs.remove(0);
    } else if (segs.len() == 1 || (segs.len() == 2 && segs[1].is_empty())) && segs[0] != "**" {
        // A single segment matches at any depth.
        segs.insert(0, "**");
    }
    let mut dir_only = false;
    if segs.len() > 1 && segs.last() == Some(&"") {
        segs.pop();
        dir_only = true;
    }
    while segs.len() > 1 && segs.last() == Some(&"**") {
        segs.pop();
        dir_only = true;
    }
    if segs.iter().all(|s| s.is_empty()) {
        return None;
    }
    let mode = if dir_only {
        Mode::DirOnly
    } else if segs.last() == Some(&"*") {
        Mode::Exact
    } else {
        Mode::ExactOrDir
    };
    let segs = segs
        .iter()
        .map(|seg| {
            if *seg == "**" {
                return Seg::Rec;
            }
            let mut toks = Vec::new();
            let mut escaped = false;
            for c in seg.chars() {
                if escaped {
                    toks.push(Tok::Lit(c));
                    escaped = false;
                    continue;
                }
                match c {
                    '\\' => escaped = true,
                    '*' => {
                        if toks.last() != Some(&Tok::Star) {
                            toks.push(Tok::Star);
                        }
                    }
                    '?' => toks.push(Tok::Quest),
                    c => toks.push(Tok::Lit(c)),
                }
            }
            if escaped {
                toks.push(Tok::Lit('\\'));
            }
            Seg::Toks(toks)
        })
        .collect();
    Some(Compiled { segs, mode })
}

// ---------------------------------------------------------------------------------------------
// GitLab translation

/// GitLab's `normalize_pattern`: the key of an entry within its section, and what is matched
/// against `/path`.
pub(crate) fn gitlab_normalize(pattern: &str) -> String {
    if pattern == "*" {
        return "/**/*".to_string();
    }
    let mut p = match pattern.strip_prefix("\\#") {
        Some(rest) => format!("#{rest}"),
        None => pattern.to_string(),
    };
    // `gsub(/\\\s+/, ' ')`: a backslash and the whitespace run after it become one space.
    if p.contains('\\') {
        let mut out = String::with_capacity(p.len());
        let mut chars = p.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| is_ruby_space(*n)) {
                while chars.peek().is_some_and(|n| is_ruby_space(*n)) {
                    chars.next();
                }
                out.push(' ');
            } else {
                out.push(c);
            }
        }
        p = out;
    }
    if !p.starts_with('/') {
        p = format!("/**/{p}");
    }
    if p.ends_with('/') {
        p.push_str("**/*");
    }
    p
}

/// Ruby's `\s`: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub(crate) fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// Translates a GitLab pattern (as written, without `!`).
#[cfg(test)]
pub(crate) fn compile_gitlab(pattern: &str) -> Option<Compiled> {
    compile_gitlab_normalized(&gitlab_normalize(pattern))
}

/// Translates a normalised GitLab pattern (starting with `/`): fnmatch semantics with
/// `FNM_PATHNAME | FNM_DOTMATCH`. None when it can never match.
pub(crate) fn compile_gitlab_normalized(norm: &str) -> Option<Compiled> {
    // Both the pattern and `/path` start with `/`; drop it from both.
    let body = norm.strip_prefix('/').unwrap_or(norm);
    let segs: Vec<&str> = body.split('/').collect();
    let n = segs.len();
    // `X/**/*` owns everything under a directory matching X.
    let (segs, mode) = if n > 2 && segs[n - 1] == "*" && segs[n - 2] == "**" {
        (&segs[..n - 2], Mode::DirOnly)
    } else {
        (&segs[..], Mode::Exact)
    };
    let mut out = Vec::with_capacity(segs.len());
    for (i, seg) in segs.iter().enumerate() {
        // `**/` is recursive only as a whole segment followed by `/`.
        let followed_by_slash = i + 1 < segs.len() || mode == Mode::DirOnly;
        if *seg == "**" && followed_by_slash {
            out.push(Seg::Rec);
        } else {
            out.push(Seg::Toks(fnmatch_segment(seg)?));
        }
    }
    Some(Compiled { segs: out, mode })
}

/// One fnmatch segment (no `/`); None when it can never match.
fn fnmatch_segment(seg: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = seg.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                toks.push(Tok::Lit(chars[i + 1]));
                i += 2;
            }
            '*' => {
                if toks.last() != Some(&Tok::Star) {
                    toks.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                toks.push(Tok::Quest);
                i += 1;
            }
            '[' => {
                let (negated, mut items, next) = parse_bracket(&chars, i + 1)?;
                if negated {
                    // FNM_PATHNAME: a bracket expression never matches `/`.
                    items.push(('/', '/'));
                } else {
                    items = without_slash(items);
                    if items.is_empty() {
                        return None;
                    }
                }
                toks.push(Tok::Class { negated, items });
                i = next;
            }
            c => {
                toks.push(Tok::Lit(c));
                i += 1;
            }
        }
    }
    Some(toks)
}

/// Removes `/` from a set of ranges (a segment never contains it).
fn without_slash(items: Vec<(char, char)>) -> Vec<(char, char)> {
    let mut out = Vec::with_capacity(items.len());
    for (a, b) in items {
        if a <= '/' && '/' <= b {
            if a < '/' {
                out.push((a, '.'));
            }
            if '/' < b {
                out.push(('0', b));
            }
        } else {
            out.push((a, b));
        }
    }
    out
}

/// A parsed bracket expression: negated, its ranges, and the index after its `]`.
type Bracket = (bool, Vec<(char, char)>, usize);

/// Ruby's `bracket()`: parses `[...]` from just after the `[`. Returns the negation, the
/// ranges and the index after the closing `]`; None when unclosed or empty (no match in
/// Ruby, where `[]` is an empty set and `[!]` any character).
fn parse_bracket(chars: &[char], start: usize) -> Option<Bracket> {
    let end = chars.len();
    let mut p = start;
    if p >= end {
        return None;
    }
    let negated = chars[p] == '!' || chars[p] == '^';
    if negated {
        p += 1;
    }
    let mut items = Vec::new();
    loop {
        if p >= end {
            return None;
        }
        if chars[p] == ']' {
            break;
        }
        let mut t1 = p;
        if chars[t1] == '\\' {
            t1 += 1;
        }
        if t1 >= end {
            return None;
        }
        let c1 = chars[t1];
        p = t1 + 1;
        if p >= end {
            return None;
        }
        if chars[p] == '-' && p + 1 < end && chars[p + 1] != ']' {
            let mut t2 = p + 1;
            if chars[t2] == '\\' {
                t2 += 1;
            }
            if t2 >= end {
                return None;
            }
            let c2 = chars[t2];
            p = t2 + 1;
            if c1 <= c2 {
                items.push((c1, c2));
            } else {
                // Ruby still matches the two endpoints themselves.
                items.push((c1, c1));
                items.push((c2, c2));
            }
            continue;
        }
        items.push((c1, c1));
    }
    if items.is_empty() && !negated {
        return None;
    }
    Some((negated, items, p + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owners::parse::parse;

    fn gh(text: &str) -> Matcher {
        parse(text, "CODEOWNERS", Dialect::GitHub).matcher()
    }

    fn gl(text: &str) -> Matcher {
        parse(text, "CODEOWNERS", Dialect::GitLab).matcher()
    }

    fn hits(pattern: &str, path: &str) -> bool {
        let m = gh(&format!("{} @o\n", pattern.replace(' ', "\\ ")));
        !m.matching_rules(path).is_empty()
    }

    fn gl_hits(pattern: &str, path: &str) -> bool {
        let m = gl(&format!("{} @o\n", pattern.replace(' ', "\\ ")));
        !m.matching_rules(path).is_empty()
    }

    /// All 153 path assertions of hmarr/codeowners' `testdata/patterns.json`.
    #[test]
    fn hmarr_conformance() {
        let file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/codeowners/hmarr-patterns.json"
        );
        let text = std::fs::read_to_string(file).expect("hmarr-patterns.json");
        let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut checked = 0;
        let mut failures = Vec::new();
        for case in cases.as_array().unwrap() {
            let pattern = case["pattern"].as_str().unwrap();
            let m = gh(&format!("{pattern} @owner\n"));
            for (path, want) in case["paths"].as_object().unwrap() {
                let want = want.as_bool().unwrap();
                let got = m.owners_of(path).line.is_some();
                assert_eq!(got, !m.matching_rules(path).is_empty());
                if got != want {
                    failures.push(format!(
                        "{}: pattern {pattern:?} path {path:?}: want {want}, got {got}",
                        case["name"].as_str().unwrap()
                    ));
                }
                checked += 1;
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(checked, 153);
    }

    #[test]
    fn github_translation() {
        let c = |p: &str| compile_github(p).map(|c| (c.glob(), c.mode));
        assert_eq!(c("foo"), Some(("**/foo".into(), Mode::ExactOrDir)));
        assert_eq!(c("/foo/"), Some(("foo".into(), Mode::DirOnly)));
        assert_eq!(c("foo/*"), Some(("foo/*".into(), Mode::Exact)));
        assert_eq!(c("foo/**"), Some(("foo".into(), Mode::DirOnly)));
        assert_eq!(c("foo/**/"), Some(("foo".into(), Mode::DirOnly)));
        assert_eq!(c("a**b"), Some(("**/a*b".into(), Mode::ExactOrDir)));
        assert_eq!(
            c("/apps/[x]"),
            Some(("apps/\\[x\\]".into(), Mode::ExactOrDir))
        );
        assert_eq!(c("{a,b}"), Some(("**/\\{a,b\\}".into(), Mode::ExactOrDir)));
        assert_eq!(c("/"), None);
        assert_eq!(c("**"), Some(("**".into(), Mode::ExactOrDir)));
    }

    #[test]
    fn github_semantics() {
        // `*` does not cross `/`; `**` does.
        assert!(hits("docs/*.md", "docs/a.md"));
        assert!(!hits("docs/*.md", "docs/x/a.md"));
        assert!(hits("docs/**/*.md", "docs/x/y/a.md"));
        // Multi-segment patterns are anchored even without a leading slash.
        assert!(!hits("docs/a.md", "x/docs/a.md"));
        // A matched directory owns what is under it.
        assert!(hits("build/logs", "build/logs/x/y.log"));
        // `docs/*` owns direct children only (GitHub documentation example).
        assert!(hits("docs/*", "docs/getting-started.md"));
        assert!(!hits("docs/*", "docs/build-app/troubleshooting.md"));
        // Case-sensitive.
        assert!(!hits("/Docs/", "docs/a.md"));
        // Dotfiles match `*`.
        assert!(hits("*", ".gitignore"));
        assert!(hits("*.yml", ".github/workflows/ci.yml"));
        // Escaped spaces.
        assert!(hits("path with spaces/", "path with spaces/a.txt"));
        // Trailing slash on the query marks a directory.
        assert!(hits("/docs/", "docs/"));
        assert!(hits("/x/", "./x/a"));
    }

    #[test]
    fn github_last_match_wins_and_unowned() {
        let m = gh("* @all\n*.js @js\n/apps/ @octocat\n/apps/github\n");
        let o = m.owners_of("src/a.js");
        assert_eq!((o.owners, o.line), (vec!["@js".to_string()], Some(2)));
        let o = m.owners_of("apps/x/a.js");
        assert_eq!(o.owners, vec!["@octocat"]);
        let o = m.owners_of("apps/github/a.js");
        assert!(o.owners.is_empty());
        assert_eq!(o.line, Some(4), "an owner-less rule decides: unowned");
        assert!(o.sections.is_empty());
        assert_eq!(m.matching_rules("apps/github/a.js"), vec![0, 1, 2, 3]);
        let empty = gh("");
        assert_eq!(empty.owners_of("a").line, None);
    }

    #[test]
    fn github_duplicate_patterns_later_wins() {
        let m = gh("/a/ @x\n/b/ @y\n/a/ @z\n");
        assert_eq!(m.owners_of("a/f").owners, vec!["@z"]);
        assert_eq!(m.matching_rules("a/f"), vec![0, 2]);
    }

    #[test]
    fn gitlab_normalisation() {
        assert_eq!(gitlab_normalize("*"), "/**/*");
        assert_eq!(gitlab_normalize("*.rb"), "/**/*.rb");
        assert_eq!(
            gitlab_normalize("\\#file_with_pound.rb"),
            "/**/#file_with_pound.rb"
        );
        assert_eq!(gitlab_normalize("/docs/"), "/docs/**/*");
        assert_eq!(gitlab_normalize("lib/"), "/**/lib/**/*");
        assert_eq!(
            gitlab_normalize("path\\ with\\ spaces/"),
            "/**/path with spaces/**/*"
        );
        let c = |p: &str| compile_gitlab(p).map(|c| (c.glob(), c.mode));
        assert_eq!(c("/docs/"), Some(("docs".into(), Mode::DirOnly)));
        assert_eq!(c("*"), Some(("**/*".into(), Mode::Exact)));
        assert_eq!(c("/docs/**"), Some(("docs/*".into(), Mode::Exact)));
        assert_eq!(c("docs"), Some(("**/docs".into(), Mode::Exact)));
        assert_eq!(c("a[bc"), None);
        assert_eq!(c("a[]b"), None);
    }

    /// The examples of GitLab's `file_spec.rb` and its reference documentation.
    #[test]
    fn gitlab_semantics() {
        // Relative paths are globstar paths: `internal/README.md` matches at any depth.
        assert!(gl_hits("internal/README.md", "docs/internal/README.md"));
        assert!(!gl_hits("/internal/README.md", "docs/internal/README.md"));
        // Without a trailing slash a pattern matches only the path itself.
        assert!(gl_hits("docs", "docs"));
        assert!(gl_hits("docs", "a/docs"));
        assert!(!gl_hits("docs", "docs/index.md"));
        assert!(gl_hits("docs/", "docs/a/index.md"));
        assert!(gl_hits("/docs/", "docs/index.md"));
        assert!(!gl_hits("/docs/", "x/docs/index.md"));
        // `/*` matches the root only; `foo/*` one level below any `foo`.
        assert!(gl_hits("/*", "README.md"));
        assert!(!gl_hits("/*", "nested/path/README.md"));
        assert!(!gl_hits("foo/*", "fufoo/bar"));
        assert!(gl_hits("foo/*", "baz/foo/bar"));
        assert!(gl_hits("foo/*", "foo/bar"));
        assert!(!gl_hits("foo/*", "foo/bar/baz"));
        // `**` not followed by `/` is `*`.
        assert!(gl_hits("/docs/**", "docs/a.md"));
        assert!(!gl_hits("/docs/**", "docs/a/b.md"));
        assert!(gl_hits("/docs/**/index.md", "docs/index.md"));
        assert!(gl_hits("/docs/**/index.md", "docs/api/graphql/index.md"));
        // Bracket expressions.
        assert!(gl_hits("file[0-9].txt", "file1.txt"));
        assert!(!gl_hits("file[0-9].txt", "filex.txt"));
        assert!(gl_hits("file[!0-9].txt", "filex.txt"));
        assert!(!gl_hits("file[!0-9].txt", "file1.txt"));
        assert!(!gl_hits("a[!x]b", "a/b"));
        // Ruby's `bracket()` reads `[]` as an empty set: never a match.
        assert!(!gl_hits("a[]-]b", "a-b"));
        assert!(gl_hits("a[-\\]]b", "a-b"));
        assert!(gl_hits("a[-\\]]b", "a]b"));
        assert!(!gl_hits("a[-\\]]b", "a\\b"));
        assert!(gl_hits("a[!-z]b", "a b"));
        assert!(!gl_hits("a[!-z]b", "a-b"));
        assert!(gl_hits("a[!]b", "axb"));
        assert!(gl_hits("a[\\]]b", "a]b"));
        assert!(gl_hits("a[!^]b", "axb"));
        assert!(!gl_hits("a[!^]b", "a^b"));
        assert!(gl_hits("a[!^]b", "a!b"));
        // Escapes.
        assert!(gl_hits("f\\*o", "f*o"));
        assert!(!gl_hits("f\\*o", "foo"));
        assert!(gl_hits(
            "\\#file_with_pound.rb",
            "examples/#file_with_pound.rb"
        ));
        // Dotfiles (FNM_DOTMATCH).
        assert!(gl_hits("*", ".gitlab-ci.yml"));
        // Spaces and lookalikes (file_spec.rb).
        let m = gl("a/weird\\ path\\ with/\\ @username\\ /\\ and-email@lookalikes.com\\ / @user-1 email@gitlab.org @user-2\n");
        let o = m.owners_of("a/weird path with/ @username / and-email@lookalikes.com /test.rb");
        assert_eq!(o.owners, vec!["@user-1", "email@gitlab.org", "@user-2"]);
    }

    #[test]
    fn gitlab_sections_and_exclusions() {
        let text = "\
* @admin
!pom.xml

[README Owners]
README.md @user1 @user2
internal/README.md @user4

[README other owners]
README.md @user3

^[Ruby][2] @ruby-team
*.rb
!/config/**/*.rb
";
        let m = gl(text);
        let o = m.owners_of("README.md");
        let names: Vec<&str> = o.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["codeowners", "README Owners", "README other owners"]
        );
        assert_eq!(o.owners, vec!["@admin", "@user1", "@user2", "@user3"]);
        assert_eq!(o.line, None);
        let o = m.owners_of("internal/README.md");
        assert_eq!(o.sections[1].owners, vec!["@user4"]);
        assert_eq!(o.sections[1].line, 6);
        // Exclusion in the default section only.
        let o = m.owners_of("pom.xml");
        assert!(o.sections.is_empty());
        // The optional section with [2] approvals and its default owners.
        let o = m.owners_of("app/x.rb");
        let ruby = o.sections.iter().find(|s| s.name == "Ruby").unwrap();
        assert!(ruby.optional);
        assert_eq!(ruby.approvals_required, 2);
        assert_eq!(ruby.owners, vec!["@ruby-team"]);
        // Excluded from Ruby, still owned by the default section.
        let o = m.owners_of("config/a/b.rb");
        assert_eq!(o.sections.len(), 1);
        assert_eq!(o.sections[0].name, "codeowners");
    }

    #[test]
    fn gitlab_exclusion_cannot_be_reincluded() {
        // docs.gitlab.com: "After a pattern is excluded, it cannot be included again in the
        // same section".
        let m = gl("* @default-owner\n!*.rb\n/special/*.rb @ruby-owner\n");
        assert!(m.owners_of("special/a.rb").sections.is_empty());
        assert_eq!(m.owners_of("special/a.py").owners, vec!["@default-owner"]);
        // file_spec.rb: nested exclusions.
        let m = gl("* @group-x\n\n!/app/temp/*\n!/app/*/temp/*\n");
        assert_eq!(m.owners_of("app/models/user.rb").owners, vec!["@group-x"]);
        assert!(m.owners_of("app/temp/temp.rb").sections.is_empty());
        assert!(m.owners_of("app/models/temp/file.rb").sections.is_empty());
    }

    #[test]
    fn gitlab_duplicate_keeps_first_position_last_owners() {
        // A Ruby hash keeps a re-assigned key where it was first inserted; GitLab takes the
        // last matching key in insertion order.
        let m = gl("a/* @x\na/b @y\na/* @z\n");
        let o = m.owners_of("a/b");
        assert_eq!(o.owners, vec!["@y"]);
        let o = m.owners_of("a/c");
        assert_eq!(o.owners, vec!["@z"]);
        assert_eq!(o.sections[0].line, 3);
        assert_eq!(m.matching_rules("a/b"), vec![0, 1, 2]);
        // `docs` and `/**/docs` are one key.
        let m = gl("docs @a\n/**/docs @b\n");
        assert_eq!(m.owners_of("docs").owners, vec!["@b"]);
    }

    #[test]
    fn gitlab_merged_sections_per_rule_approvals() {
        let m = gl("[Docs][2] @a\n/docs/\n[Other]\n* @o\n^[docs]\n/guides/\n");
        let o = m.owners_of("docs/x.md");
        let d = o.sections.iter().find(|s| s.name == "Docs").unwrap();
        assert_eq!(d.approvals_required, 2);
        assert!(
            !d.optional,
            "one required header makes the merged section required"
        );
        let o = m.owners_of("guides/x.md");
        let d = o.sections.iter().find(|s| s.name == "Docs").unwrap();
        assert_eq!(d.approvals_required, 1);
        assert!(
            d.owners.is_empty(),
            "no default owners under the second header"
        );
    }

    #[test]
    fn paths_are_normalised() {
        let m = gh("/a/ @x\n");
        assert_eq!(m.owners_of("/a/b").owners, vec!["@x"]);
        assert_eq!(m.owners_of("").line, None);
        assert_eq!(m.owners_of("/").line, None);
    }

    /// The index (literal, basename, extension, anchored and floating buckets, global set)
    /// finds exactly the rules whose whole-pattern regex matches, for both dialects.
    #[test]
    fn index_agrees_with_per_rule_regexes() {
        let patterns = [
            "*",
            "**",
            "/**",
            "**/",
            "/",
            "foo",
            "/foo",
            "foo/",
            "/foo/",
            "foo/bar",
            "foo/bar/",
            "/foo/bar/",
            "f*",
            "/f*",
            "f*/",
            "/*/",
            "/*",
            "foo/*",
            "foo/*.txt",
            "foo/*/baz",
            "f?o",
            "**/foo/bar",
            "**/*bar*",
            "foo/bar/**",
            "foo/**/bar",
            "foo/**/",
            "*.txt",
            "*.tar.gz",
            "bar/*.txt",
            "**/baz",
            "**/baz/",
            "docs/**/*.md",
            "/docs/**",
            "*o",
            "a\\ b",
            "foo/ba?",
            "**/foo/*",
            "x/**/y/**/z",
            ".hidden",
            "*.",
            "[ab]c",
            "q[!x]z",
            "!neg",
            "foo/bar/baz.txt",
            "**/bar/baz.txt",
        ];
        let paths = [
            "foo",
            "foo.txt",
            "foo/bar",
            "foo/bar/",
            "foo/bar/baz",
            "foo/bar/baz.txt",
            "bar/foo",
            "bar/foo/baz",
            "bar/baz",
            "bar/baz.txt",
            "a/bar/baz.txt",
            "xfoo",
            "docs/a.md",
            "docs/x/y.md",
            "x.tar.gz",
            "d/x.tar.gz/e",
            "a b",
            "x/a b/c",
            "foo/baz",
            "x/y/z",
            "x/q/y/w/z",
            "x/y/z/",
            ".hidden/f",
            "a/.hidden",
            "f.",
            "ac",
            "bc",
            "qyz",
            "q/z",
            "neg",
            "foo/",
            "/foo/bar",
            "./bar/baz",
        ];
        for dialect in [Dialect::GitHub, Dialect::GitLab] {
            let text: String = patterns
                .iter()
                .filter(|p| dialect == Dialect::GitLab || !p.starts_with('!'))
                .map(|p| format!("{p} @o\n"))
                .collect();
            let co = parse(&text, "CODEOWNERS", dialect);
            let m = co.matcher();
            let regexes: Vec<Option<regex::Regex>> = co
                .rules
                .iter()
                .map(|r| {
                    let c = match dialect {
                        Dialect::GitHub => compile_github(&r.pattern),
                        Dialect::GitLab => compile_gitlab(&r.pattern),
                    };
                    c.map(|c| regex::Regex::new(&c.regex()).unwrap())
                })
                .collect();
            for path in paths {
                let q = path.trim_start_matches("./").trim_start_matches('/');
                let want: Vec<usize> = regexes
                    .iter()
                    .enumerate()
                    .filter(|(_, re)| re.as_ref().is_some_and(|re| re.is_match(q)))
                    .map(|(i, _)| i)
                    .collect();
                assert_eq!(m.matching_rules(path), want, "{dialect:?} {path}");
            }
        }
    }

    #[test]
    fn github_recursive_edge_cases() {
        assert!(hits("**", "a/b/c"));
        assert!(hits("/**", "a"));
        assert!(!hits("**/", "a"));
        assert!(hits("**/", "a/b"));
        assert!(hits("foo/**/bar", "foo/bar"));
        assert!(hits("foo/**/bar", "foo/x/y/bar/z"));
        assert!(!hits("foo/**/bar", "x/foo/bar"));
    }
}
