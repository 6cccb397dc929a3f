//! The `validate-deps` run: scan, attribute teams, build the graph, and report
//! cross-team, forbidden and broken dependencies — for the whole repository
//! (`--all`) or for what a change adds (`--base`).

use super::extract;
use super::graph::{key, Graph};
use super::model::{FileFacts, Kind};
use crate::apex::model::FileModel;
use crate::config::Config;
use crate::deps::config::DepsConfig;
use crate::git::{self, ChangeStatus};
use crate::report::{fingerprint, Finding, FindingsReport, RuleInfo, Severity};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const TOOL: &str = "validate-deps";

pub const CROSS_TEAM: RuleInfo = RuleInfo {
    id: "cross-team-dependency",
    short: "A component depends on another team's component",
    full: "A reference from one team's component (Apex, trigger, LWC, Aura, Visualforce, Flow, \
           FlexiPage, permission set, profile, object or field) to a component owned by another \
           team. In a merge request (--base) a new cross-team edge is an error unless .sfci.yml \
           allows it (deps.allow); in an inventory (--all) it is a warning.",
    help: "Ask the owning team to review the change, or allow the edge in .sfci.yml: \
           `deps: { allow: [ { from: \"sales\", to: \"shared\" } ] }`.",
    default_severity: Severity::Error,
};

pub const BROKEN: RuleInfo = RuleInfo {
    id: "broken-reference",
    short: "The change deletes or renames a component that is still referenced",
    full: "A component that the change deletes or renames is still referenced by a file that \
           remains; the deployment would fail (or the reference break at run time).",
    help: "Update or remove the remaining references in the same change, or keep the component.",
    default_severity: Severity::Error,
};

pub const FORBIDDEN: RuleInfo = RuleInfo {
    id: "forbidden-dependency",
    short: "A dependency between teams that .sfci.yml denies",
    full: "A reference from one team's component to another team's component matches a \
           deps.deny rule of .sfci.yml (deny wins over allow).",
    help: "Remove the dependency, go through a component the rules allow (for example a \
           shared service), or change the rule with the architects' approval.",
    default_severity: Severity::Error,
};

pub const PARSE_ERROR: RuleInfo = RuleInfo {
    id: "parse-error",
    short: "A file could not be read completely",
    full: "The file has a syntax problem (broken XML, an unterminated Apex comment or string) so \
           its references may be incomplete. The graph is built from everything else.",
    help: "Fix the syntax problem the message names.",
    default_severity: Severity::Warning,
};

/// Every rule of `validate-deps`: the dependency rules, then those of `--conflicts`.
pub fn rules() -> Vec<RuleInfo> {
    let mut r = vec![CROSS_TEAM, FORBIDDEN, BROKEN, PARSE_ERROR];
    r.extend(super::conflicts::rules());
    r
}

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

/// Teams of files: `.sfci.yml` `deps.teams` globs, else the package directory of
/// `sfdx-project.json`, else the first path segment.
pub struct Teams<'a> {
    config: &'a DepsConfig,
    /// (repo-relative prefix ending in `/`, team name), longest prefix first.
    packages: Vec<(String, String)>,
}

impl<'a> Teams<'a> {
    pub fn new(config: &'a DepsConfig, root: &Path, scanned: &[PathBuf]) -> Teams<'a> {
        let mut packages = Vec::new();
        for p in scanned {
            let dir = if p.is_dir() { p.clone() } else { continue };
            if let Ok(Some(project)) = crate::source::read_sfdx_project(&dir) {
                for pd in &project.package_directories {
                    let abs = project.dir.join(&pd.path);
                    let abs = abs.canonicalize().unwrap_or(abs);
                    let mut rel = crate::source::rel_path(root, &abs);
                    if !rel.ends_with('/') {
                        rel.push('/');
                    }
                    let path = pd.path.trim_start_matches("./").trim_end_matches('/');
                    packages.push((rel, path.to_string()));
                }
            }
        }
        // A package directory's team is its last path segment (`packages/sales` →
        // `sales`), a name `.sfci.yml` can give owners to; when two package
        // directories share a last segment, the whole path with `.` for `/`.
        let last = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let names: Vec<String> = packages.iter().map(|(_, p)| last(p)).collect();
        for (k, (_, p)) in packages.iter_mut().enumerate() {
            let clash = names.iter().filter(|n| **n == names[k]).count() > 1;
            *p = if clash {
                p.replace('/', ".")
            } else {
                names[k].clone()
            };
        }
        packages.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        Teams { config, packages }
    }

    pub fn team_of(&self, rel: &str) -> String {
        if let Some(t) = self.config.team_of_path(rel) {
            return t.to_string();
        }
        if let Some((_, t)) = self
            .packages
            .iter()
            .find(|(p, _)| rel.starts_with(p.as_str()))
        {
            return t.clone();
        }
        rel.split('/').next().unwrap_or(rel).to_string()
    }

    pub fn owners(&self, team: &str) -> Vec<String> {
        self.config
            .teams
            .get(team)
            .map(|t| t.owners.clone())
            .unwrap_or_default()
    }
}

fn is_apex(rel: &str) -> bool {
    let l = rel.to_ascii_lowercase();
    l.ends_with(".cls") || l.ends_with(".trigger")
}

/// Extracts the facts of every file in parallel; Apex models are kept when asked
/// (for test selection).
pub fn scan(files: &[(PathBuf, String)], keep_models: bool) -> (Vec<FileFacts>, Vec<FileModel>) {
    let results: Vec<(Option<FileFacts>, Option<FileModel>)> = files
        .par_iter()
        .map(|(path, rel)| {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    return (
                        Some(FileFacts {
                            rel: rel.clone(),
                            problems: vec![super::model::Problem {
                                line: 1,
                                column: 1,
                                message: format!("cannot read the file: {e}"),
                            }],
                            ..Default::default()
                        }),
                        None,
                    )
                }
            };
            if is_apex(rel) {
                let model = crate::apex::parse::parse_file_with_refs(rel, &bytes);
                let facts = extract::apex::facts_of(rel, &model);
                (Some(facts), keep_models.then_some(model))
            } else {
                (extract::extract(rel, &bytes), None)
            }
        })
        .collect();
    let mut facts = Vec::with_capacity(results.len());
    let mut models = Vec::new();
    for (f, m) in results {
        if let Some(f) = f {
            facts.push(f);
        }
        if let Some(m) = m {
            models.push(m);
        }
    }
    (facts, models)
}

/// What a change is: its files, the merge base, and the base versions of the
/// files it modifies or deletes.
pub struct Change {
    pub files: Vec<String>,
    pub merge_base: String,
    pub base_facts: Vec<FileFacts>,
}

fn load_change(root: &Path, base: &str, head: Option<&str>) -> Result<Change, DepsError> {
    let changes = git::changed_files_with_status(root, base, head)?;
    let mb = git::merge_base(root, base, head.unwrap_or("HEAD"))?;
    let mut base_facts = Vec::new();
    for c in &changes {
        if matches!(c.status, ChangeStatus::Added) {
            continue;
        }
        if let Some(bytes) = git::show_file(root, &mb, &c.path)? {
            if let Some(f) = extract::extract(&c.path, &bytes) {
                base_facts.push(f);
            }
        }
    }
    Ok(Change {
        files: changes.into_iter().map(|c| c.path).collect(),
        merge_base: mb,
        base_facts,
    })
}

/// Files whose declarations need their content (a labels file declares labels).
fn declares_by_content(rel: &str) -> bool {
    rel.ends_with(".labels-meta.xml") || rel.ends_with(".label-meta.xml")
}

/// The texts a reference to a component can be written as (case-insensitive):
/// its name, a field's own name, an LWC's kebab-case tag.
fn needles(kind: Kind, name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if let Some((_, last)) = name.rsplit_once('.') {
        out.push(last.to_string());
    }
    if kind == Kind::Lwc {
        let mut kebab = String::from("c-");
        for c in name.chars() {
            if c.is_ascii_uppercase() {
                kebab.push('-');
                kebab.push(c.to_ascii_lowercase());
            } else {
                kebab.push(c);
            }
        }
        out.push(kebab);
    }
    out
}

fn read_facts(path: &Path, rel: &str) -> Option<FileFacts> {
    match std::fs::read(path) {
        Ok(bytes) => extract::extract(rel, &bytes),
        Err(e) => Some(FileFacts {
            rel: rel.to_string(),
            problems: vec![super::model::Problem {
                line: 1,
                column: 1,
                message: format!("cannot read the file: {e}"),
            }],
            ..Default::default()
        }),
    }
}

/// The facts a change needs, without analysing every file: declarations of all
/// files (from their paths), and full facts for the changed files, the other
/// files of their components (bundles), labels files, and the files that name a
/// component the change adds or removes (found by a case-insensitive text search).
pub fn scan_change(files: &[(PathBuf, String)], change: &Change) -> Vec<FileFacts> {
    let changed: HashSet<&str> = change.files.iter().map(String::as_str).collect();
    // Declarations from paths alone, for every file.
    let by_path: Vec<Option<FileFacts>> = files
        .par_iter()
        .map(|(_, rel)| {
            // No content: what an extractor says about it is not a problem of the file.
            extract::extract(rel, b"").map(|mut f| {
                f.problems.clear();
                f
            })
        })
        .collect();
    let owner_key = |f: &Option<FileFacts>| {
        f.as_ref()
            .and_then(|f| f.owner.as_ref())
            .map(|o| key(o.kind, &o.name))
    };
    // The components of the changed files are analysed whole (all their files).
    let changed_owners: HashSet<Key> = files
        .iter()
        .zip(&by_path)
        .filter(|((_, rel), _)| changed.contains(rel.as_str()))
        .filter_map(|(_, f)| owner_key(f))
        .collect();
    let mut out: Vec<Option<FileFacts>> = Vec::with_capacity(files.len());
    let mut pending = Vec::new();
    for (k, ((path, rel), f)) in files.iter().zip(&by_path).enumerate() {
        let whole = changed.contains(rel.as_str())
            || declares_by_content(rel)
            || owner_key(f).is_some_and(|o| changed_owners.contains(&o));
        if whole {
            out.push(read_facts(path, rel));
        } else {
            out.push(f.clone());
            pending.push(k);
        }
    }
    // The names of what the change adds (declared by its files now, not before)
    // and removes (declared by its files before, not now).
    let decl_keys = |it: &mut dyn Iterator<Item = &FileFacts>| -> HashSet<Key> {
        it.flat_map(|f| f.declares.iter().map(|d| key(d.kind, &d.name)))
            .collect()
    };
    let head_keys = decl_keys(&mut out.iter().flatten());
    let base_keys = decl_keys(
        &mut out
            .iter()
            .flatten()
            .filter(|f| !changed.contains(f.rel.as_str()))
            .chain(&change.base_facts),
    );
    // A file the change adds (a new or moved component) names everything it
    // declares: a moved component may have changed team.
    let base_rels: HashSet<&str> = change.base_facts.iter().map(|f| f.rel.as_str()).collect();
    let mut texts: Vec<String> = Vec::new();
    for f in out
        .iter()
        .flatten()
        .filter(|f| changed.contains(f.rel.as_str()))
    {
        let added = !base_rels.contains(f.rel.as_str());
        for d in f
            .declares
            .iter()
            .filter(|d| added || !base_keys.contains(&key(d.kind, &d.name)))
        {
            texts.extend(needles(d.kind, &d.name));
        }
    }
    for f in &change.base_facts {
        for d in f
            .declares
            .iter()
            .filter(|d| !head_keys.contains(&key(d.kind, &d.name)))
        {
            texts.extend(needles(d.kind, &d.name));
        }
    }
    texts.retain(|t| !t.is_empty());
    texts.sort();
    texts.dedup();
    if !texts.is_empty() {
        if let Ok(ac) = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&texts)
        {
            let hits: Vec<(usize, Option<FileFacts>)> = pending
                .par_iter()
                .filter_map(|&k| {
                    let (path, rel) = &files[k];
                    let bytes = std::fs::read(path).ok()?;
                    ac.is_match(&bytes)
                        .then(|| (k, extract::extract(rel, &bytes)))
                })
                .collect();
            for (k, f) in hits {
                out[k] = f;
            }
        }
    }
    out.into_iter().flatten().collect()
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

/// Component keys as (kind, lower-case name) strings, for comparing revisions.
type Key = (Kind, String);

pub struct Outcome {
    pub report: FindingsReport,
    /// Team graph: (from team, to team) → reference count.
    pub team_edges: BTreeMap<(String, String), usize>,
}

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
    let team_of = |rel: &str| teams.team_of(rel);
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

    let list: Vec<(PathBuf, String)> = sources
        .files
        .iter()
        .map(|f| (f.path.clone(), f.rel.clone()))
        .collect();
    let change = match &opts.base {
        Some(base) => Some(load_change(
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
    let g = Graph::build(&facts, &team_of);

    let mut findings = Vec::new();
    let mut team_edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut checked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut changed_files: Vec<String> = Vec::new();
    let head_pairs = pairs(&g);

    match &opts.base {
        None => {
            for ((from, to), p) in &head_pairs {
                edge_finding(
                    &g,
                    &teams,
                    &facts,
                    *from,
                    *to,
                    p,
                    false,
                    &mut findings,
                    &mut team_edges,
                );
            }
            checked.insert(
                CROSS_TEAM.id.into(),
                facts
                    .iter()
                    .filter(|f| !f.refs.is_empty())
                    .map(|f| f.rel.clone())
                    .collect(),
            );
        }
        Some(_) => {
            let Some(change) = &change else {
                unreachable!("a base revision always has a change")
            };
            let base_facts = &change.base_facts;
            changed_files = change.files.clone();
            let changed: HashSet<&str> = changed_files.iter().map(String::as_str).collect();

            // Components at base: those of unchanged files plus those the changed
            // files declared at base.
            let mut base_keys: HashSet<Key> = HashSet::new();
            for f in facts.iter().filter(|f| !changed.contains(f.rel.as_str())) {
                for d in &f.declares {
                    base_keys.insert(key(d.kind, &d.name));
                }
            }
            for f in base_facts {
                for d in &f.declares {
                    base_keys.insert(key(d.kind, &d.name));
                }
            }
            let head_keys: HashSet<Key> =
                g.components.iter().map(|c| key(c.kind, &c.name)).collect();

            // The base revision's components, with the teams they had then (a
            // component moved to another team's folder changes team).
            let mut bg = Graph::default();
            for f in facts
                .iter()
                .filter(|f| !changed.contains(f.rel.as_str()))
                .chain(base_facts.iter())
            {
                for d in &f.declares {
                    bg.add(d.kind, &d.name, &f.rel, d.line, &team_of);
                }
            }
            bg.link(base_facts);
            type TeamedKey = (Kind, String, String);
            let teamed = |c: &super::graph::Component| -> TeamedKey {
                (c.kind, c.name.to_ascii_lowercase(), c.team.clone())
            };
            // Pairs that existed at base: from unchanged files (to components that
            // existed), and from the base versions of changed files.
            let mut base_pairs: HashSet<(TeamedKey, TeamedKey)> = HashSet::new();
            for e in &g.edges {
                let f = &facts[e.fact];
                let (from, to) = (&g.components[e.from], &g.components[e.to]);
                if changed.contains(f.rel.as_str()) || !base_keys.contains(&key(to.kind, &to.name))
                {
                    continue;
                }
                let (Some(bf), Some(bt)) = (
                    bg.lookup(&[from.kind], &from.name),
                    bg.lookup(&[to.kind], &to.name),
                ) else {
                    continue;
                };
                base_pairs.insert((teamed(&bg.components[bf]), teamed(&bg.components[bt])));
            }
            for e in &bg.edges {
                base_pairs.insert((teamed(&bg.components[e.from]), teamed(&bg.components[e.to])));
            }

            for ((from, to), p) in &head_pairs {
                let (fc, tc) = (&g.components[*from], &g.components[*to]);
                if !base_pairs.contains(&(teamed(fc), teamed(tc))) {
                    edge_finding(
                        &g,
                        &teams,
                        &facts,
                        *from,
                        *to,
                        p,
                        true,
                        &mut findings,
                        &mut team_edges,
                    );
                }
            }

            // Broken references: removed components still referenced.
            let removed: HashMap<Key, (String, String)> = bg
                .components
                .iter()
                .filter(|c| !head_keys.contains(&key(c.kind, &c.name)))
                .map(|c| (key(c.kind, &c.name), (c.name.clone(), c.team.clone())))
                .collect();
            let removed_keys: HashSet<Key> = removed.keys().cloned().collect();
            let broken = g.unresolved_matching(&facts, &removed_keys);
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
            let with_refs: Vec<String> = facts
                .iter()
                .filter(|f| changed.contains(f.rel.as_str()) && !f.refs.is_empty())
                .map(|f| f.rel.clone())
                .collect();
            checked.insert(CROSS_TEAM.id.into(), with_refs.clone());
            checked.insert(FORBIDDEN.id.into(), with_refs);
            checked.insert(
                BROKEN.id.into(),
                facts
                    .iter()
                    .filter(|f| !f.refs.is_empty())
                    .map(|f| f.rel.clone())
                    .collect(),
            );

            if let Some(path) = &opts.select_tests {
                let (tests, uncovered) = select_tests(
                    &g,
                    &facts,
                    models,
                    &changed_files,
                    &removed,
                    opts.uncovered.is_some(),
                );
                let mut text = tests.join("\n");
                if !text.is_empty() {
                    text.push('\n');
                }
                write_file(path, &text)?;
                if let Some(upath) = &opts.uncovered {
                    let text: String = uncovered
                        .iter()
                        .map(|(name, rel)| format!("{name}\t{rel}\n"))
                        .collect();
                    write_file(upath, &text)?;
                }
            }
        }
    }

    // Parse problems.
    for f in &facts {
        for p in &f.problems {
            findings.push(Finding {
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
    checked.insert(
        PARSE_ERROR.id.into(),
        facts.iter().map(|f| f.rel.clone()).collect(),
    );

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
        if opts.base.is_some() { "change" } else { "all" }.into(),
    );
    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        rules: rules(),
        findings,
        checked,
        summary,
        changed_files,
        duration: started.elapsed(),
    };
    report.sort();
    if let Some(path) = &opts.graph {
        write_file(path, &render_graph(path, &team_edges)?)?;
    }
    Ok(Outcome { report, team_edges })
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

/// Apex test classes whose call graph (or whose reachable classes' references)
/// reaches a component the change touches; and the changed, non-test Apex classes and
/// triggers (`(name, path)`) that no selected test's call graph reaches.
fn select_tests(
    g: &Graph,
    facts: &[FileFacts],
    models: Vec<FileModel>,
    changed_files: &[String],
    removed: &HashMap<Key, (String, String)>,
    want_reach: bool,
) -> (Vec<String>, Vec<(String, String)>) {
    use crate::apex::index::{Index, Op};
    let changed: HashSet<&str> = changed_files.iter().map(String::as_str).collect();
    // Components the change touches: declared by changed files, or removed.
    let mut touched: HashSet<Key> = removed.keys().cloned().collect();
    for f in facts.iter().filter(|f| changed.contains(f.rel.as_str())) {
        for d in &f.declares {
            touched.insert(key(d.kind, &d.name));
        }
    }
    // Apex files whose references reach a touched component.
    let mut touching_files: HashSet<String> = HashSet::new();
    for e in &g.edges {
        let to = &g.components[e.to];
        if touched.contains(&key(to.kind, &to.name)) {
            touching_files.insert(facts[e.fact].rel.clone());
        }
    }
    for u in g.unresolved_matching(facts, &touched) {
        touching_files.insert(facts[u.fact].rel.clone());
    }
    let idx = Index::build(models);
    let file_hit = |fi: u32| {
        let rel = &idx.files[fi as usize].rel;
        changed.contains(rel.as_str()) || touching_files.contains(rel)
    };
    let mut selected: BTreeSet<String> = BTreeSet::new();
    // Files whose code a selected test runs (its own and every class or trigger it reaches).
    let mut reached: HashSet<u32> = HashSet::new();
    // Files declaring a test class (never "uncovered": they are what runs).
    let mut test_files: HashSet<u32> = HashSet::new();
    for (c, ci) in idx.classes.iter().enumerate() {
        if ci.outer.is_some() {
            continue;
        }
        let decl = idx.decl(c as u32);
        let is_test_class = decl.is_test || decl.methods.iter().any(|m| m.is_test);
        if !is_test_class || !decl.methods.iter().any(|m| m.is_test) {
            continue;
        }
        test_files.insert(ci.file);
        // Walk every method reachable from the class's methods (inner classes too),
        // in the trigger context it runs in: tests outside any trigger, a trigger
        // in the events of the DML that fired it (code under `Trigger.isInsert`…
        // runs only there), queued work outside any trigger again.
        let mut seen: HashSet<(u32, u8)> = HashSet::new();
        let outside = crate::apex::model::trigger_events::NOT_IN_TRIGGER;
        let mut stack: Vec<(u32, u8)> = idx
            .classes
            .iter()
            .enumerate()
            .filter(|(k, kc)| *k == c || kc.outer == Some(c as u32))
            .flat_map(|(_, kc)| kc.methods.iter().copied().chain([kc.init]))
            .map(|m| (m, outside))
            .collect();
        let mut hit = file_hit(ci.file);
        // A selected class is walked to the end: what it reaches is what it covers.
        let mut files: HashSet<u32> = HashSet::from([ci.file]);
        while let Some((m, ctx)) = stack.pop() {
            if hit && !want_reach {
                break;
            }
            if !seen.insert((m, ctx)) {
                continue;
            }
            let class = idx.methods[m as usize].class;
            let file = idx.classes[class as usize].file;
            files.insert(file);
            if file_hit(file) {
                hit = true;
                if !want_reach {
                    break;
                }
            }
            for op in &idx.ops[m as usize] {
                if op.guard() & ctx == 0 {
                    continue;
                }
                let next = match op {
                    Op::Call { .. } => ctx,
                    Op::Dml { events, .. } => *events,
                    Op::Async { .. } => outside,
                    _ => continue,
                };
                stack.extend(
                    op.targets()
                        .iter()
                        .map(|&t| (t, next))
                        .filter(|s| !seen.contains(s)),
                );
            }
        }
        if hit {
            selected.insert(ci.display.clone());
            reached.extend(files);
        }
    }
    let mut uncovered: Vec<(String, String)> = Vec::new();
    if want_reach {
        for (fi, f) in idx.files.iter().enumerate() {
            let fi = fi as u32;
            let apex = f.rel.ends_with(".cls") || f.rel.ends_with(".trigger");
            if !apex
                || !changed.contains(f.rel.as_str())
                || test_files.contains(&fi)
                || reached.contains(&fi)
            {
                continue;
            }
            // A class without executable code (plain fields, an interface, an enum) has no
            // lines to cover: RunSpecifiedTests does not need a test for it.
            let mut decls = idx
                .classes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.file == fi)
                .peekable();
            // A file the parser found no type in counts as code (nothing is assumed away).
            let has_code =
                decls.peek().is_none() || decls.any(|(k, _)| idx.decl(k as u32).has_code);
            if f.rel.ends_with(".cls") && !has_code {
                continue;
            }
            let name = idx
                .classes
                .iter()
                .find(|c| c.file == fi && c.outer.is_none())
                .map(|c| c.display.clone())
                .unwrap_or_else(|| {
                    let base = f.rel.rsplit('/').next().unwrap_or(&f.rel);
                    base.split('.').next().unwrap_or(base).to_string()
                });
            uncovered.push((name, f.rel.clone()));
        }
        uncovered.sort();
    }
    (selected.into_iter().collect(), uncovered)
}

fn write_file(path: &Path, text: &str) -> Result<(), DepsError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| DepsError::Other(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| DepsError::Other(format!("cannot write {}: {e}", path.display())))
}

/// The team-level graph in the format the file's extension names.
pub fn render_graph(
    path: &Path,
    edges: &BTreeMap<(String, String), usize>,
) -> Result<String, DepsError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let label = |t: &str| t.replace('"', "'");
    match ext.as_str() {
        "mmd" | "mermaid" => Ok(super::comment::mermaid(edges)),
        "dot" | "gv" => {
            let mut s = String::from("digraph teams {\n  rankdir=LR;\n");
            for ((a, b), w) in edges {
                s.push_str(&format!(
                    "  \"{}\" -> \"{}\" [label=\"{w}\", weight={w}];\n",
                    label(a),
                    label(b)
                ));
            }
            s.push_str("}\n");
            Ok(s)
        }
        "json" => {
            let list: Vec<serde_json::Value> = edges
                .iter()
                .map(|((a, b), w)| serde_json::json!({"from": a, "to": b, "references": w}))
                .collect();
            let mut s = serde_json::to_string_pretty(&serde_json::json!({ "edges": list }))
                .unwrap_or_default();
            s.push('\n');
            Ok(s)
        }
        other => Err(DepsError::Other(format!(
            "--graph {}: unknown format `.{other}`; use .mmd (Mermaid), .dot or .json",
            path.display()
        ))),
    }
}

/// Which approvers count for a list of owners (`@user`, `@org/team`, …).
pub type ApprovedBy<'a> = dyn Fn(&[String]) -> Result<Vec<String>, String> + 'a;

/// `--approvals`: a new cross-team edge passes when one of the target team's
/// owners (`deps.teams.<team>.owners`) approved the merge request. `approved_by`
/// answers which approvers count for a list of owners. Returns how many edges
/// passed that way.
pub fn apply_approvals(
    report: &mut FindingsReport,
    approved_by: &ApprovedBy,
) -> Result<usize, DepsError> {
    let mut passed = 0;
    let mut kept = Vec::with_capacity(report.findings.len());
    for f in std::mem::take(&mut report.findings) {
        if f.rule == CROSS_TEAM.id && f.severity == Severity::Error {
            let owners: Vec<String> = f
                .extra
                .get("to_owners")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|o| o.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            if !owners.is_empty() && !approved_by(&owners).map_err(DepsError::Other)?.is_empty() {
                passed += 1;
                continue;
            }
        }
        kept.push(f);
    }
    report.findings = kept;
    report
        .summary
        .insert("approved_edges".into(), passed.into());
    Ok(passed)
}
