//! The `validate-deps` run: scan, attribute teams, build the graph, and report
//! cross-team, forbidden and broken dependencies — for the whole repository
//! (`--all`) or for what a change adds (`--base`).
//!
//! `run` is the pipeline; its stages are in their own modules: [`super::teams`] (team
//! fallback), [`super::change`] (the change and its base), [`super::scan`] (facts),
//! [`super::select`] (test selection), [`super::render`] (the team graph) and
//! [`super::approvals`] (`--approvals`).

use super::change::{self, teamed, Base, Change};
use super::extract;
use super::graph::{key, Graph, Key};
use super::model::FileFacts;
use super::render::render_graph;
use super::scan::{scan, scan_change};
use super::select::select_tests;
use super::teams::Teams;
use crate::apex::model::FileModel;
use crate::config::Config;
use crate::report::{fingerprint, Finding, FindingsReport, Severity};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const TOOL: &str = "validate-deps";

use super::rules::{rules, BROKEN, CROSS_TEAM, FORBIDDEN, PARSE_ERROR};

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

/// A (from, to) component pair with its first reference and reference count.
struct PairInfo {
    fact: usize,
    line: u32,
    column: u32,
    count: usize,
}

fn pairs(g: &Graph) -> BTreeMap<(usize, usize), PairInfo> {
    let mut out: BTreeMap<(usize, usize), PairInfo> = BTreeMap::new();
    for e in &g.edges {
        out.entry((e.from, e.to))
            .and_modify(|p| p.count += 1)
            .or_insert(PairInfo {
                fact: e.fact,
                line: e.line,
                column: e.column,
                count: 1,
            });
    }
    out
}

/// What a run produced: the report, and the team graph (for `--graph` and the note).
pub struct Outcome {
    pub report: FindingsReport,
    /// Team graph: (from team, to team) → reference count.
    pub team_edges: BTreeMap<(String, String), usize>,
}

/// What the checks found so far.
#[derive(Default)]
struct Found {
    findings: Vec<Finding>,
    /// (from team, to team) → reference count, over the cross-team pairs reported on.
    team_edges: BTreeMap<(String, String), usize>,
    /// Rule → the files it looked at.
    checked: BTreeMap<String, Vec<String>>,
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
    let config = match &opts.config {
        Some(p) => Config::load(p)?,
        None => Config::discover(&sources.root)?,
    };
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

    let mut found = Found::default();
    let changed_files = match &change {
        None => {
            every_edge(&g, &teams, &facts, &head_pairs, &mut found);
            Vec::new()
        }
        Some(change) => {
            let removed = what_the_change_adds(&g, &teams, &facts, &head_pairs, change, &mut found);
            if let Some(path) = &opts.select_tests {
                let selection = Selection {
                    tests: path,
                    uncovered: opts.uncovered.as_deref(),
                };
                selection.write(&g, &facts, models, &change.files, &removed)?;
            }
            change.files.clone()
        }
    };
    parse_problems(&facts, &mut found);

    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        rules: rules(),
        findings: found.findings,
        checked: found.checked,
        summary: summary(&facts, analysed, &g, &head_pairs, opts.base.is_some()),
        changed_files,
        duration: started.elapsed(),
    };
    report.sort();
    if let Some(path) = &opts.graph {
        write_file(path, &render_graph(path, &found.team_edges)?)?;
    }
    Ok(Outcome {
        report,
        team_edges: found.team_edges,
    })
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

/// The whole repository: every cross-team pair (a warning; a denied one an error).
fn every_edge(
    g: &Graph,
    teams: &Teams,
    facts: &[FileFacts],
    head_pairs: &BTreeMap<(usize, usize), PairInfo>,
    found: &mut Found,
) {
    for ((from, to), p) in head_pairs {
        edge_finding(
            g,
            teams,
            facts,
            *from,
            *to,
            p,
            false,
            &mut found.findings,
            &mut found.team_edges,
        );
    }
    found.checked.insert(
        CROSS_TEAM.id.into(),
        facts
            .iter()
            .filter(|f| !f.refs.is_empty())
            .map(|f| f.rel.clone())
            .collect(),
    );
}

/// A change: the cross-team pairs that did not exist at base, and the references to
/// components it deletes or renames. Returns those components.
fn what_the_change_adds(
    g: &Graph,
    teams: &Teams,
    facts: &[FileFacts],
    head_pairs: &BTreeMap<(usize, usize), PairInfo>,
    change: &Change,
    found: &mut Found,
) -> HashMap<Key, (String, String)> {
    let changed: HashSet<&str> = change.files.iter().map(String::as_str).collect();
    let base = Base::of(g, facts, change, &changed, &|rel: &str| teams.team_of(rel));
    for ((from, to), p) in head_pairs {
        let (fc, tc) = (&g.components[*from], &g.components[*to]);
        if !base.pairs.contains(&(teamed(fc), teamed(tc))) {
            edge_finding(
                g,
                teams,
                facts,
                *from,
                *to,
                p,
                true,
                &mut found.findings,
                &mut found.team_edges,
            );
        }
    }
    broken_references(g, facts, &base.removed, &changed, &mut found.findings);
    let with_refs: Vec<String> = facts
        .iter()
        .filter(|f| changed.contains(f.rel.as_str()) && !f.refs.is_empty())
        .map(|f| f.rel.clone())
        .collect();
    found
        .checked
        .insert(CROSS_TEAM.id.into(), with_refs.clone());
    found.checked.insert(FORBIDDEN.id.into(), with_refs);
    found.checked.insert(
        BROKEN.id.into(),
        facts
            .iter()
            .filter(|f| !f.refs.is_empty())
            .map(|f| f.rel.clone())
            .collect(),
    );
    base.removed
}

/// Broken references: components the change removed that a file still references (one
/// finding per referencing component and removed component).
fn broken_references(
    g: &Graph,
    facts: &[FileFacts],
    removed: &HashMap<Key, (String, String)>,
    changed: &HashSet<&str>,
    findings: &mut Vec<Finding>,
) {
    let removed_keys: HashSet<Key> = removed.keys().cloned().collect();
    let broken = g.unresolved_matching(facts, &removed_keys);
    let mut seen: HashSet<(usize, Key)> = HashSet::new();
    for u in &broken {
        let r = &u.reference;
        let Some((k, (name, team))) = r.kinds.iter().find_map(|&kind| {
            let k = key(kind, &r.name);
            removed.get(&k).map(|v| (k, v))
        }) else {
            continue;
        };
        if !seen.insert((u.from, k.clone())) {
            continue;
        }
        let fc = &g.components[u.from];
        let rel = &facts[u.fact].rel;
        let mut extra = BTreeMap::new();
        extra.insert("from".into(), fc.name.clone().into());
        extra.insert("to".into(), name.clone().into());
        extra.insert("from_team".into(), fc.team.clone().into());
        extra.insert("to_team".into(), team.clone().into());
        extra.insert("to_kind".into(), k.0.as_str().into());
        findings.push(Finding {
            rule: BROKEN.id.into(),
            severity: Severity::Error,
            file: rel.clone(),
            line: r.line,
            column: r.column,
            symbol: Some(fc.name.clone()),
            message: format!(
                "{} ({}) still references {} {} ({}), which this change deletes or renames",
                fc.name,
                fc.team,
                k.0.as_str(),
                name,
                team
            ),
            fingerprint: fingerprint(&[BROKEN.id, rel, &fc.name, &k.1]),
            chain: Vec::new(),
            in_change: changed.contains(rel.as_str()),
            extra,
        });
    }
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

/// Parse problems: a warning per problem, every file checked.
fn parse_problems(facts: &[FileFacts], found: &mut Found) {
    for f in facts {
        for p in &f.problems {
            found.findings.push(Finding {
                rule: PARSE_ERROR.id.into(),
                severity: Severity::Warning,
                file: f.rel.clone(),
                line: p.line,
                column: p.column,
                symbol: None,
                message: p.message.clone(),
                fingerprint: fingerprint(&[PARSE_ERROR.id, &f.rel, &p.message]),
                chain: Vec::new(),
                in_change: false,
                extra: BTreeMap::new(),
            });
        }
    }
    found.checked.insert(
        PARSE_ERROR.id.into(),
        facts.iter().map(|f| f.rel.clone()).collect(),
    );
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

#[allow(clippy::too_many_arguments)]
fn edge_finding(
    g: &Graph,
    teams: &Teams,
    facts: &[FileFacts],
    from: usize,
    to: usize,
    p: &PairInfo,
    change_mode: bool,
    findings: &mut Vec<Finding>,
    team_edges: &mut BTreeMap<(String, String), usize>,
) {
    let (fc, tc) = (&g.components[from], &g.components[to]);
    if fc.team == tc.team {
        return;
    }
    *team_edges
        .entry((fc.team.clone(), tc.team.clone()))
        .or_default() += p.count;
    let denied = teams.config.is_denied(&fc.team, &tc.team);
    if !denied && teams.config.is_allowed(&fc.team, &tc.team) {
        return;
    }
    let (rule, severity) = if denied {
        (FORBIDDEN.id, Severity::Error)
    } else if change_mode {
        (CROSS_TEAM.id, Severity::Error)
    } else {
        (CROSS_TEAM.id, Severity::Warning)
    };
    let rel = &facts[p.fact].rel;
    let owners = teams.owners(&tc.team);
    let approval = if denied {
        format!("; .sfci.yml denies {} → {}", fc.team, tc.team)
    } else if owners.is_empty() {
        format!("; needs the approval of team {}", tc.team)
    } else {
        format!(
            "; needs the approval of {} ({})",
            tc.team,
            owners.join(", ")
        )
    };
    let refs = if p.count == 1 {
        "1 reference".to_string()
    } else {
        format!("{} references", p.count)
    };
    let mut extra = BTreeMap::new();
    extra.insert("from".into(), fc.name.clone().into());
    extra.insert("to".into(), tc.name.clone().into());
    extra.insert("from_team".into(), fc.team.clone().into());
    extra.insert("to_team".into(), tc.team.clone().into());
    extra.insert("from_kind".into(), fc.kind.as_str().into());
    extra.insert("to_kind".into(), tc.kind.as_str().into());
    extra.insert("references".into(), p.count.into());
    if !owners.is_empty() {
        extra.insert("to_owners".into(), owners.clone().into());
    }
    findings.push(Finding {
        rule: rule.into(),
        severity,
        file: rel.clone(),
        line: p.line,
        column: p.column,
        symbol: Some(fc.name.clone()),
        message: format!(
            "{} {} ({}) depends on {} {} ({}): {refs}{approval}",
            fc.kind.as_str(),
            fc.name,
            fc.team,
            tc.kind.as_str(),
            tc.name,
            tc.team
        ),
        fingerprint: fingerprint(&[rule, rel, &fc.name, tc.kind.as_str(), &tc.name]),
        chain: Vec::new(),
        in_change: change_mode,
        extra,
    });
}

fn write_file(path: &Path, text: &str) -> Result<(), DepsError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| DepsError::Other(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| DepsError::Other(format!("cannot write {}: {e}", path.display())))
}
