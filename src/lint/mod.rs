//! `lint-callout-mocks`: the rule registry ([`RULES`]: one file per rule, declaring its
//! id, severity, summary, documentation and check) and the run that ties sources, the
//! Apex index, suppressions, configuration, the change and the baseline together.
//!
//! Adding a rule: a file `src/lint/<rule>.rs` declaring `RULE` with
//! [`rule!`](crate::rule) and its `check`, plus its line in [`RULES`] (and the file's
//! `pub mod` line). `--help`, SARIF, the passing JUnit cases and the suppression ids follow
//! from the list; tests pin the README table, the JSON Schema and the configuration keys
//! to it (`SFCI_BLESS=1 cargo test --lib rules::` regenerates the first two).

pub mod baseline;
pub mod callout_without_mock;
pub mod callout_without_timeout;
pub mod config;
pub mod hardcoded_endpoint;
pub mod invalid_suppression;
pub mod parse_error;
pub mod reach;
pub mod suppress;
pub mod unmocked_callout_caught;

use crate::apex::index::{ClassId, Index, MethodId};
use crate::apex::model::{FileModel, TypeKind};
use crate::apex::parse::parse_file;
use crate::config::Config;
use crate::lint::config::RuleSeverity;
use crate::report::{fingerprint, Finding, FindingsReport, Severity};
use rayon::prelude::*;
use reach::Outcome;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

pub const TOOL: &str = "lint-callout-mocks";

/// What the current run is doing, for the `--timeout` message.
static PHASE: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn set_phase(what: String) {
    if let Ok(mut p) = PHASE.lock() {
        *p = what;
    }
}

/// What the run is doing now (`analysing the call graph of 1,754 classes`).
pub fn phase() -> String {
    PHASE
        .lock()
        .map(|p| p.clone())
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "starting".into())
}

/// Every rule, in documentation order. Ids are part of the interface.
pub const RULES: &[Rule] = &[
    callout_without_mock::RULE,
    unmocked_callout_caught::RULE,
    callout_without_timeout::RULE,
    hardcoded_endpoint::RULE,
    parse_error::RULE,
    invalid_suppression::RULE,
];

pub fn rule_ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

/// A lint rule: its id, severity, summary and documentation, and its [`Check`].
pub type Rule = crate::rules::Rule<Check>;

/// How a lint rule checks.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Where its hits come from.
    pub hits: Hits,
    /// Whether it examined a file of the index (a passing JUnit case when it found
    /// nothing there).
    pub examines: fn(&Index, u32) -> bool,
}

/// Where a rule's hits come from.
#[derive(Debug, Clone, Copy)]
pub enum Hits {
    /// The index: [`check_all`] runs the function.
    Index(fn(&Context, &mut Vec<Hit>)),
    /// The suppressions, as [`suppress::Suppressions::collect`] reads them (such a hit
    /// is never suppressed itself).
    Suppressions,
}

/// What every check reads: the index, and what the tests reach (computed once).
pub struct Context<'a> {
    pub idx: &'a Index,
    /// Each test (and `@TestSetup`) method with a body that reaches an unmocked callout,
    /// with what it reaches.
    pub tests: Vec<(MethodId, Vec<Outcome>)>,
}

/// Whether the file declares a test or `@TestSetup` method (what the mock rules examine).
fn has_tests(idx: &Index, file: u32) -> bool {
    idx.files[file as usize]
        .types
        .iter()
        .any(|t| t.methods.iter().any(|m| m.is_test || m.is_test_setup))
}

/// Where a hit sits, for suppressions: its class and method (annotations) and the
/// first line of its declaration (a comment above the annotations applies).
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub class: Option<ClassId>,
    pub method: Option<MethodId>,
    pub anchor_from: u32,
}

/// A rule's raw result, before configuration, suppressions, change and baseline.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: &'static str,
    pub file: u32,
    pub line: u32,
    pub column: u32,
    pub symbol: Option<String>,
    pub message: String,
    /// Rule-specific part of the fingerprint (never a line number).
    pub key: String,
    pub chain: Vec<String>,
    /// Files the chain passes through (indexes into the index's files).
    pub chain_files: Vec<u32>,
    pub scope: Scope,
}

#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    pub paths: Vec<PathBuf>,
    /// `--base REV`: limit findings to the change (analysis stays global).
    pub base: Option<String>,
    pub head: Option<String>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    /// `--config FILE`; default `<root>/.sfci.yml` when present.
    pub config: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Source(#[from] crate::source::SourceError),
    #[error("{0}")]
    Git(#[from] crate::git::GitError),
    #[error("{0}")]
    Other(String),
}

/// Reads and parses every file in parallel. Unreadable files are recorded as
/// problems of the file; the scan goes on.
pub fn parse_sources(files: &[(PathBuf, String)]) -> Vec<FileModel> {
    files
        .par_iter()
        .map(|(path, rel)| match std::fs::read(path) {
            Ok(bytes) => {
                // Apex keywords and identifiers are ASCII: a file in another
                // encoding (Latin-1 comments or strings) is analysed as it is.
                parse_file(rel, &bytes)
            }
            Err(e) => FileModel {
                rel: rel.clone(),
                problems: vec![crate::apex::lexer::LexError {
                    line: 1,
                    column: 1,
                    message: format!("cannot read the file: {e}"),
                }],
                ..Default::default()
            },
        })
        .collect()
}

/// Runs every rule over an index, returning raw hits (parse errors included; invalid
/// suppressions are reported as the suppressions are read).
pub fn check_all(idx: &Index) -> Vec<Hit> {
    let reach = reach::Reach::compute(idx);
    // The bound is an invariant (fuzzed by fuzz/fuzz_targets/callgraph.rs): tests
    // fail on it; a release build says so and keeps its (finished) result.
    debug_assert!(
        reach.work <= reach.bound,
        "the callout analysis exceeded its bound ({} > {})",
        reach.work,
        reach.bound
    );
    if reach.work > reach.bound {
        eprintln!(
            "lint-callout-mocks: internal: the callout analysis did {} units of work, over its \
             stated bound of {}; the result is complete, but please report the input",
            reach.work, reach.bound
        );
    }
    let ctx = Context {
        idx,
        tests: callout_without_mock::test_outcomes(idx, &reach),
    };
    let mut hits = Vec::new();
    for rule in RULES {
        if let Hits::Index(check) = rule.check.hits {
            check(&ctx, &mut hits);
        }
    }
    hits
}

/// The files each rule examined (for passing JUnit cases).
fn checked_files(idx: &Index, enabled: &dyn Fn(&str) -> bool) -> BTreeMap<String, Vec<String>> {
    let mut checked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for rule in RULES.iter().filter(|r| enabled(r.id)) {
        for (fi, f) in idx.files.iter().enumerate() {
            if (rule.check.examines)(idx, fi as u32) {
                checked
                    .entry(rule.id.to_string())
                    .or_default()
                    .push(f.rel.clone());
            }
        }
    }
    checked
}

/// The whole run: discover, parse, index, check, then apply configuration,
/// suppressions, the change and the baseline.
pub fn run(opts: &LintOptions) -> Result<FindingsReport, LintError> {
    let started = Instant::now();
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    // Excluded files still take part in the call graph (a chain through them is
    // real); only findings located in them are dropped.
    set_phase("finding the Apex sources".into());
    let sources = crate::source::discover_apex(&paths, None)?;
    let config = Config::load_or_discover(opts.config.as_deref(), &sources.root)?;
    let exclude = config.lint.exclude_set();
    let severity = |rule: &str, default: Severity| -> Option<Severity> {
        match config.lint.severity_override(rule) {
            Some(RuleSeverity::Off) => None,
            Some(RuleSeverity::Error) => Some(Severity::Error),
            Some(RuleSeverity::Warning) => Some(Severity::Warning),
            None => Some(default),
        }
    };
    let changed: Option<HashSet<String>> = match &opts.base {
        Some(base) => {
            let base = crate::ci::resolve_base(base).map_err(LintError::Other)?;
            Some(
                crate::git::changed_files(&sources.root, &base, opts.head.as_deref())?
                    .into_iter()
                    .collect(),
            )
        }
        None => None,
    };

    let list: Vec<(PathBuf, String)> = sources
        .files
        .iter()
        .map(|f| (f.path.clone(), f.rel.clone()))
        .collect();
    set_phase(format!("parsing {} Apex files", list.len()));
    let models = parse_sources(&list);
    let bytes: u64 = models.iter().map(|m| m.bytes).sum();
    set_phase("building the call graph".into());
    let idx = Index::build(models);
    set_phase(format!(
        "analysing the call graph of {} classes and {} methods",
        idx.classes.len(),
        idx.methods.len()
    ));
    let mut hits = check_all(&idx);
    set_phase("applying configuration, suppressions and the baseline".into());
    let ids = rule_ids();
    let sup = suppress::Suppressions::collect(&idx, &ids, &mut hits);

    let mut suppressed = 0usize;
    let mut findings = Vec::new();
    let mut fp_seen: HashMap<String, usize> = HashMap::new();
    for h in hits {
        let rel = &idx.files[h.file as usize].rel;
        let default = RULES
            .iter()
            .find(|r| r.id == h.rule)
            .map(|r| r.default_severity)
            .unwrap_or(Severity::Warning);
        let Some(sev) = severity(h.rule, default) else {
            continue;
        };
        if exclude.is_match(rel) {
            continue;
        }
        if h.rule != invalid_suppression::RULE.id && sup.covers(&idx, &h) {
            suppressed += 1;
            continue;
        }
        let in_change = match &changed {
            Some(set) => {
                set.contains(rel)
                    || h.chain_files
                        .iter()
                        .any(|&f| set.contains(&idx.files[f as usize].rel))
            }
            None => false,
        };
        if changed.is_some() && !in_change {
            continue;
        }
        let base_fp = fingerprint(&[h.rule, rel, h.symbol.as_deref().unwrap_or(""), &h.key]);
        let n = fp_seen.entry(base_fp.clone()).or_default();
        let fp = if *n == 0 {
            base_fp.clone()
        } else {
            fingerprint(&[&base_fp, &n.to_string()])
        };
        *n += 1;
        findings.push(Finding {
            rule: h.rule.to_string(),
            severity: sev,
            file: rel.clone(),
            line: h.line,
            column: h.column,
            symbol: h.symbol,
            message: h.message,
            fingerprint: fp,
            chain: h.chain,
            in_change,
            extra: Default::default(),
        });
    }

    if let Some(path) = &opts.write_baseline {
        baseline::Baseline::from_findings(TOOL, &findings)
            .write(path)
            .map_err(LintError::Other)?;
    }
    let mut baselined = 0;
    // `--baseline FILE`, else `lint.baseline` of `.sfci.yml` (repository-relative). While a
    // baseline is being written, the configured one is not applied: it is being replaced.
    let configured = match (&opts.baseline, &opts.write_baseline, &config.lint.baseline) {
        (None, None, Some(rel)) => Some(sources.root.join(rel)),
        _ => None,
    };
    if let Some(path) = opts.baseline.as_ref().or(configured.as_ref()) {
        let b = baseline::Baseline::load(path).map_err(|e| {
            if configured.is_some() {
                LintError::Other(format!(
                    "{e} (the baseline named by `lint.baseline` in .sfci.yml; create it with \
                     `lint-callout-mocks --write-baseline {}`)",
                    config.lint.baseline.as_deref().unwrap_or_default()
                ))
            } else {
                LintError::Other(e)
            }
        })?;
        baselined = b.filter(&mut findings);
    }

    let enabled = |rule: &str| severity(rule, Severity::Warning).is_some();
    let mut checked = checked_files(&idx, &enabled);
    for files in checked.values_mut() {
        files.retain(|f| !exclude.is_match(f) && changed.as_ref().is_none_or(|c| c.contains(f)));
    }
    let tests = idx
        .methods
        .iter()
        .enumerate()
        .filter(|(m, _)| idx.method(*m as u32).is_some_and(|md| md.is_test))
        .count();
    let classes = idx
        .classes
        .iter()
        .filter(|c| c.kind != TypeKind::Trigger)
        .count();
    let mut summary = BTreeMap::new();
    summary.insert("files".into(), idx.files.len().into());
    summary.insert("bytes".into(), bytes.into());
    summary.insert("classes".into(), classes.into());
    summary.insert("test_methods".into(), tests.into());
    summary.insert("suppressed".into(), suppressed.into());
    summary.insert("baselined".into(), baselined.into());
    for w in &sources.warnings {
        eprintln!("warning: {w}");
    }
    if sources.files.is_empty() {
        // Nothing checked is not "no findings": say so, so a wrong path or an ignore file
        // that hides the sources does not pass unnoticed.
        eprintln!(
            "warning: no Apex file (.cls, .trigger) found to check; look at the paths given, \
             sfdx-project.json packageDirectories, .forceignore and .gitignore"
        );
    }
    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        rules: crate::rules::infos(RULES),
        findings,
        checked,
        summary,
        changed_files: changed
            .map(|c| {
                let mut v: Vec<String> = c.into_iter().collect();
                v.sort();
                v
            })
            .unwrap_or_default(),
        duration: started.elapsed(),
    };
    report.sort();
    Ok(report)
}

#[cfg(test)]
mod tests;
