//! The component graph: every declared component with its team, and every
//! reference resolved to an edge between two components.

use super::model::{FileFacts, Kind, Reference};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub kind: Kind,
    /// As declared.
    pub name: String,
    /// The declaring file (repo-relative); for bundles, the first file seen.
    pub file: String,
    pub line: u32,
    pub team: String,
}

/// One resolved reference occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// Index into the facts the graph was built from.
    pub fact: usize,
    pub line: u32,
    pub column: u32,
}

/// A reference that resolves to no component (a standard or managed name, or
/// something the change removed).
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub from: usize,
    pub fact: usize,
    pub reference: Reference,
}

#[derive(Debug, Default)]
pub struct Graph {
    pub components: Vec<Component>,
    index: HashMap<(Kind, String), usize>,
    pub edges: Vec<Edge>,
}

/// Component keys as (kind, lower-case name) strings, for comparing revisions.
pub type Key = (Kind, String);

/// The lookup key of a name: case-insensitive.
pub fn key(kind: Kind, name: &str) -> Key {
    (kind, name.to_ascii_lowercase())
}

impl Graph {
    /// Builds the graph. `team_of` gives the team of a repo-relative path.
    /// `extra_components` are known to exist although no fact declares them
    /// (used to resolve a base revision's references).
    pub fn build(facts: &[FileFacts], team_of: &dyn Fn(&str) -> String) -> Graph {
        let mut g = Graph::default();
        for f in facts {
            for d in &f.declares {
                g.add(d.kind, &d.name, &f.rel, d.line, team_of);
            }
        }
        g.link(facts);
        g
    }

    /// Adds a component unless one of that kind and name exists; returns its index.
    pub fn add(
        &mut self,
        kind: Kind,
        name: &str,
        file: &str,
        line: u32,
        team_of: &dyn Fn(&str) -> String,
    ) -> usize {
        let k = key(kind, name);
        if let Some(&i) = self.index.get(&k) {
            return i;
        }
        let i = self.components.len();
        self.components.push(Component {
            kind,
            name: name.to_string(),
            file: file.to_string(),
            line,
            team: team_of(file),
        });
        self.index.insert(k, i);
        i
    }

    pub fn lookup(&self, kinds: &[Kind], name: &str) -> Option<usize> {
        let mut k = (Kind::ApexClass, name.to_ascii_lowercase());
        kinds.iter().find_map(|&kind| {
            k.0 = kind;
            self.index.get(&k).copied()
        })
    }

    /// References that resolve to no component and name one of `keys` (for
    /// example components a change removed).
    pub fn unresolved_matching(
        &self,
        facts: &[FileFacts],
        keys: &std::collections::HashSet<(Kind, String)>,
    ) -> Vec<Unresolved> {
        let mut out = Vec::new();
        if keys.is_empty() {
            return out;
        }
        for (fi, f) in facts.iter().enumerate() {
            let Some(owner) = &f.owner else { continue };
            let Some(from) = self.lookup(&[owner.kind], &owner.name) else {
                continue;
            };
            for r in &f.refs {
                let mut k = (Kind::ApexClass, r.name.to_ascii_lowercase());
                let named = r.kinds.iter().any(|&kind| {
                    k.0 = kind;
                    keys.contains(&k)
                });
                if named && self.lookup(&r.kinds, &r.name).is_none() {
                    out.push(Unresolved {
                        from,
                        fact: fi,
                        reference: r.clone(),
                    });
                }
            }
        }
        out
    }

    /// Resolves every fact's references against the components.
    pub fn link(&mut self, facts: &[FileFacts]) {
        for (fi, f) in facts.iter().enumerate() {
            let Some(owner) = &f.owner else { continue };
            let Some(from) = self.lookup(&[owner.kind], &owner.name) else {
                continue;
            };
            for r in &f.refs {
                if let Some(to) = self.lookup(&r.kinds, &r.name) {
                    if to != from {
                        self.edges.push(Edge {
                            from,
                            to,
                            fact: fi,
                            line: r.line,
                            column: r.column,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::model::Declared;

    fn fact(rel: &str, kind: Kind, name: &str, refs: &[(&[Kind], &str, u32)]) -> FileFacts {
        let d = Declared {
            kind,
            name: name.into(),
            line: 1,
        };
        FileFacts {
            rel: rel.into(),
            owner: Some(d.clone()),
            declares: vec![d],
            refs: refs
                .iter()
                .map(|(k, n, l)| Reference {
                    kinds: k.to_vec(),
                    name: n.to_string(),
                    line: *l,
                    column: 1,
                })
                .collect(),
            problems: vec![],
        }
    }

    #[test]
    fn references_resolve_case_insensitively_by_kind_order() {
        let facts = vec![
            fact(
                "sales/A.cls",
                Kind::ApexClass,
                "A",
                &[
                    (&[Kind::ApexClass, Kind::CustomObject], "invoice__C", 3),
                    (&[Kind::ApexClass], "Account", 4),
                    (&[Kind::ApexClass], "a", 5),
                ],
            ),
            fact(
                "billing/objects/Invoice__c/Invoice__c.object-meta.xml",
                Kind::CustomObject,
                "Invoice__c",
                &[],
            ),
        ];
        let team = |p: &str| p.split('/').next().unwrap().to_string();
        let g = Graph::build(&facts, &team);
        assert_eq!(g.edges.len(), 1);
        let e = &g.edges[0];
        assert_eq!(g.components[e.to].name, "Invoice__c");
        assert_eq!(g.components[e.to].team, "billing");
        assert_eq!(e.line, 3);
        // `Account` resolves to nothing (a standard object); a self-reference is no edge.
        let keys = [key(Kind::ApexClass, "ACCOUNT")].into_iter().collect();
        let u = g.unresolved_matching(&facts, &keys);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].reference.name, "Account");
    }
}
