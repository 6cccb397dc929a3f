//! The `validate-deps` run: scan, attribute teams, build the graph, and report
//! cross-team, forbidden and broken dependencies — for the whole repository
//! (`--all`) or for what a change adds (`--base`).
//!
//! `run` is the pipeline; its stages are in their own modules: [`super::teams`] (team
//! fallback), [`super::change`] (the change and its base), [`super::scan`] (facts),
//! [`super::rules`] (one file per rule with its check, run over a
//! [`Context`](super::rules::Context)), [`super::select`] (test selection),
//! [`super::render`] (the team graph) and [`super::approvals`] (`--approvals`).

use super::change::{self, Base};
use super::extract;
use super::graph::{Graph, Key};
use super::model::FileFacts;
use super::render::render_graph;
use super::scan::{scan, scan_change};
use super::select::select_tests;
use super::teams::Teams;
use crate::apex::model::FileModel;
use crate::config::Config;
use crate::report::FindingsReport;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const TOOL: &str = "validate-deps";

use super::rules::{pairs, rules, ChangeContext, Check, Context, PairInfo, RULES};

#[derive(Debug, Clone, Default)]
pub struct DepsOptions {
    pub paths: Vec<PathBuf>,
    /// `--base REV`: report what the change adds; None = the whole repository.
    pub base: Option<String>,
    pub head: Option<String>,
    pub config: Option<PathBuf>,
    /// `--select-tests FILE` (needs `base`).
    pub select_tests: Option<PathBuf>,
    /// `--uncovered FILE` (with `select_tests`): the changed Apex classes and triggers that
    /// no selected test reaches, `Name<TAB>path` per line. `RunSpecifiedTests` needs 75 %
    /// of each of them from the selected tests alone, so one line here means the selection
    /// cannot pass and the deployment must fall back to `RunLocalTests`.
    pub uncovered: Option<PathBuf>,
    /// `--graph FILE` (`.mmd`, `.dot`, `.json`).
    pub graph: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Source(#[from] crate::source::SourceError),
    #[error("{0}")]
    Git(#[from] crate::git::GitError),
    #[error("{0}")]
    Other(String),
}

/// What a run produced: the report, and the team graph (for `--graph` and the note).
pub struct Outcome {
    pub report: FindingsReport,
    /// Team graph: (from team, to team) → reference count.
    pub team_edges: BTreeMap<(String, String), usize>,
}

/// Scans, attributes teams, builds the graph and reports on it: the whole repository,
/// or with `--base` what the change adds (and the tests it needs with `--select-tests`).
pub fn run(opts: &DepsOptions) -> Result<Outcome, DepsError> {
    let started = Instant::now();
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    if let Some(path) = &opts.graph {
        // An unknown format is a usage error, before any work.
        render_graph(path, &BTreeMap::new())?;
    }
    let sources = crate::source::discover(&paths, extract::EXTENSIONS, None)?;
    let config = Config::load_or_discover(opts.config.as_deref(), &sources.root)?;
    let teams = Teams::new(&config.deps, &sources.root, &paths);
    check_options(opts)?;

    let list: Vec<(PathBuf, String)> = sources
        .files
        .iter()
        .map(|f| (f.path.clone(), f.rel.clone()))
        .collect();
    let change = match &opts.base {
        Some(base) => Some(change::load(
            &sources.root,
            &crate::ci::resolve_base(base).map_err(DepsError::Other)?,
            opts.head.as_deref(),
        )?),
        None => None,
    };
    // A change needs the references of the files it touches and of the files that
    // name what it adds or removes; test selection needs every Apex call graph.
    let (facts, models) = match &change {
        Some(c) if opts.select_tests.is_none() => (scan_change(&list, c), Vec::new()),
        _ => scan(&list, opts.select_tests.is_some()),
    };
    let analysed = facts
        .iter()
        .filter(|f| !f.refs.is_empty() || !f.problems.is_empty())
        .count();
    let g = Graph::build(&facts, &|rel: &str| teams.team_of(rel));
    let head_pairs = pairs(&g);

    let changed: HashSet<&str> = change
        .iter()
        .flat_map(|c| c.files.iter().map(String::as_str))
        .collect();
    let base = change
        .as_ref()
        .map(|c| Base::of(&g, &facts, c, &changed, &|rel: &str| teams.team_of(rel)));
    let ctx = Context::new(
        &g,
        &teams,
        &facts,
        &head_pairs,
        base.as_ref().map(|base| ChangeContext {
            files: &changed,
            base,
        }),
    );
    let mut findings = Vec::new();
    let mut checked = BTreeMap::new();
    for rule in RULES {
        if let Check::Run {
            check,
            checked: files,
        } = rule.check
        {
            check(&ctx, &mut findings);
            if let Some(files) = files(&ctx) {
                checked.insert(rule.id.to_string(), files);
            }
        }
    }
    let team_edges = ctx.team_edges();
    let changed_files = match (&change, &base) {
        (Some(change), Some(base)) => {
            if let Some(path) = &opts.select_tests {
                let selection = Selection {
                    tests: path,
                    uncovered: opts.uncovered.as_deref(),
                };
                selection.write(&g, &facts, models, &change.files, &base.removed)?;
            }
            change.files.clone()
        }
        _ => Vec::new(),
    };

    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        rules: rules(),
        findings,
        checked,
        summary: summary(&facts, analysed, &g, &head_pairs, opts.base.is_some()),
        changed_files,
        duration: started.elapsed(),
    };
    report.sort();
    if let Some(path) = &opts.graph {
        write_file(path, &render_graph(path, &team_edges)?)?;
    }
    Ok(Outcome { report, team_edges })
}

/// The options that only make sense together.
fn check_options(opts: &DepsOptions) -> Result<(), DepsError> {
    if opts.uncovered.is_some() && opts.select_tests.is_none() {
        return Err(DepsError::Other(
            "--uncovered needs --select-tests FILE: it names the changed classes the selected tests do not reach".into(),
        ));
    }
    if opts.select_tests.is_some() && opts.base.is_none() {
        return Err(DepsError::Other(
            "--select-tests needs --base REV: tests are selected for what a change touches".into(),
        ));
    }
    Ok(())
}

/// `--select-tests FILE` and `--uncovered FILE`.
struct Selection<'a> {
    tests: &'a Path,
    uncovered: Option<&'a Path>,
}

impl Selection<'_> {
    /// Writes the selected tests, one per line, and with `--uncovered` the changed classes
    /// no selected test reaches (`Name<TAB>path`).
    fn write(
        &self,
        g: &Graph,
        facts: &[FileFacts],
        models: Vec<FileModel>,
        changed_files: &[String],
        removed: &HashMap<Key, (String, String)>,
    ) -> Result<(), DepsError> {
        let (tests, uncovered) = select_tests(
            g,
            facts,
            models,
            changed_files,
            removed,
            self.uncovered.is_some(),
        );
        let mut text = tests.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        write_file(self.tests, &text)?;
        if let Some(upath) = self.uncovered {
            let text: String = uncovered
                .iter()
                .map(|(name, rel)| format!("{name}\t{rel}\n"))
                .collect();
            write_file(upath, &text)?;
        }
        Ok(())
    }
}

/// The report's summary figures.
fn summary(
    facts: &[FileFacts],
    analysed: usize,
    g: &Graph,
    head_pairs: &BTreeMap<(usize, usize), PairInfo>,
    change_mode: bool,
) -> BTreeMap<String, serde_json::Value> {
    let mut summary = BTreeMap::new();
    summary.insert("files".into(), facts.len().into());
    summary.insert("files_analysed".into(), analysed.into());
    summary.insert("components".into(), g.components.len().into());
    summary.insert("references".into(), g.edges.len().into());
    let cross = head_pairs
        .keys()
        .filter(|(f, t)| g.components[*f].team != g.components[*t].team)
        .count();
    summary.insert("cross_team_edges".into(), cross.into());
    summary.insert(
        "mode".into(),
        if change_mode { "change" } else { "all" }.into(),
    );
    summary
}

fn write_file(path: &Path, text: &str) -> Result<(), DepsError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| DepsError::Other(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| DepsError::Other(format!("cannot write {}: {e}", path.display())))
}
