//! A change under review: its files, the merge base and the facts of the base versions
//! of the files it modifies or deletes; and what the graph was at base ([`Base`]).

use super::check::DepsError;
use super::extract;
use super::graph::{key, Component, Graph, Key};
use super::model::{FileFacts, Kind};
use crate::git::{self, ChangeStatus};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a change is: its files, the merge base, and the base versions of the
/// files it modifies or deletes.
pub struct Change {
    pub files: Vec<String>,
    pub merge_base: String,
    pub base_facts: Vec<FileFacts>,
}

/// Loads the change from `base` (the merge base with `head`, default `HEAD`) to `head`.
pub fn load(root: &Path, base: &str, head: Option<&str>) -> Result<Change, DepsError> {
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

/// A component with the team it belongs to: (kind, lower-case name, team).
pub type TeamedKey = (Kind, String, String);

/// [`TeamedKey`] of a component.
pub fn teamed(c: &Component) -> TeamedKey {
    (c.kind, c.name.to_ascii_lowercase(), c.team.clone())
}

/// The base revision, as far as a change's checks need it.
pub struct Base {
    /// The component pairs that existed at base, with the teams their components had then.
    pub pairs: HashSet<(TeamedKey, TeamedKey)>,
    /// The components the change removed: key → (name, team at base).
    pub removed: HashMap<Key, (String, String)>,
}

impl Base {
    /// The base of `change` from the head graph `g` and `facts`: the unchanged files
    /// count as they are, the changed ones by their base versions (`changed` are the
    /// change's files).
    pub fn of(
        g: &Graph,
        facts: &[FileFacts],
        change: &Change,
        changed: &HashSet<&str>,
        team_of: &dyn Fn(&str) -> String,
    ) -> Base {
        let base_facts = &change.base_facts;
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
        let head_keys: HashSet<Key> = g.components.iter().map(|c| key(c.kind, &c.name)).collect();

        // The base revision's components, with the teams they had then (a
        // component moved to another team's folder changes team).
        let mut bg = Graph::default();
        for f in facts
            .iter()
            .filter(|f| !changed.contains(f.rel.as_str()))
            .chain(base_facts.iter())
        {
            for d in &f.declares {
                bg.add(d.kind, &d.name, &f.rel, d.line, team_of);
            }
        }
        bg.link(base_facts);
        // Pairs that existed at base: from unchanged files (to components that
        // existed), and from the base versions of changed files.
        let mut pairs: HashSet<(TeamedKey, TeamedKey)> = HashSet::new();
        for e in &g.edges {
            let f = &facts[e.fact];
            let (from, to) = (&g.components[e.from], &g.components[e.to]);
            if changed.contains(f.rel.as_str()) || !base_keys.contains(&key(to.kind, &to.name)) {
                continue;
            }
            let (Some(bf), Some(bt)) = (
                bg.lookup(&[from.kind], &from.name),
                bg.lookup(&[to.kind], &to.name),
            ) else {
                continue;
            };
            pairs.insert((teamed(&bg.components[bf]), teamed(&bg.components[bt])));
        }
        for e in &bg.edges {
            pairs.insert((teamed(&bg.components[e.from]), teamed(&bg.components[e.to])));
        }
        let removed = bg
            .components
            .iter()
            .filter(|c| !head_keys.contains(&key(c.kind, &c.name)))
            .map(|c| (key(c.kind, &c.name), (c.name.clone(), c.team.clone())))
            .collect();
        Base { pairs, removed }
    }
}
