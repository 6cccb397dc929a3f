//! The rule registry of `validate-deps` ([`RULES`]: one file per rule, declaring its id,
//! severity, summary, documentation and check) and what the checks read ([`Context`]).
//!
//! The dependency rules are checked by [`check::run`](super::check::run): it scans,
//! attributes teams, builds the graph (and with `--base` the change's base), then calls the
//! check of each rule of [`RULES`] declared [`Check::Run`], in order. The `open-change-*`
//! rules of `--conflicts` are declared here too ([`Check::Conflicts`]); their check is
//! [`conflicts`](super::conflicts), which compares the open changes pairwise in one pass
//! that reports all five.

pub mod broken_reference;
pub mod cross_team_dependency;
pub mod forbidden_dependency;
pub mod open_change_breaks_reference;
pub mod open_change_conflict;
pub mod open_change_not_integrated;
pub mod open_change_shared_profile;
pub mod open_change_text_conflict;
pub mod parse_error;

pub use broken_reference::RULE as BROKEN;
pub use cross_team_dependency::RULE as CROSS_TEAM;
pub use forbidden_dependency::RULE as FORBIDDEN;
pub use open_change_breaks_reference::RULE as BREAKS_REFERENCE;
pub use open_change_conflict::RULE as CONFLICT;
pub use open_change_not_integrated::RULE as NOT_INTEGRATED;
pub use open_change_shared_profile::RULE as SHARED_PROFILE;
pub use open_change_text_conflict::RULE as TEXT_CONFLICT;
pub use parse_error::RULE as PARSE_ERROR;

use super::change::{teamed, Base};
use super::graph::{Component, Graph};
use super::model::FileFacts;
use super::teams::Teams;
use crate::report::{fingerprint, Finding, RuleInfo, Severity};
use std::collections::{BTreeMap, HashSet};

/// A `validate-deps` rule: its id, severity, summary and documentation, and its [`Check`].
pub type Rule = crate::rules::Rule<Check>;

/// How a `validate-deps` rule is checked.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// By the dependency run, over [`Context`]: `check` pushes the rule's findings,
    /// `checked` names the files it looked at (JUnit's passing cases), or None when the
    /// rule does not apply to this run (a change rule without `--base`).
    Run {
        check: fn(&Context, &mut Vec<Finding>),
        checked: fn(&Context) -> Option<Vec<String>>,
    },
    /// By `--conflicts` ([`conflicts`](super::conflicts)).
    Conflicts,
}

/// Every rule of `validate-deps`, in documentation order: the dependency rules, then
/// those of `--conflicts` (`open-change-*`). Ids are part of the interface.
pub const RULES: &[Rule] = &[
    CROSS_TEAM,
    FORBIDDEN,
    BROKEN,
    PARSE_ERROR,
    CONFLICT,
    TEXT_CONFLICT,
    BREAKS_REFERENCE,
    SHARED_PROFILE,
    NOT_INTEGRATED,
];

/// The rules of `--conflicts` (the `open-change-*` ones).
pub fn conflict_rules() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(|r| matches!(r.check, Check::Conflicts))
}

/// Every rule of `validate-deps` as reports describe them.
pub fn rules() -> Vec<RuleInfo> {
    crate::rules::infos(RULES)
}

/// A (from, to) component pair with its first reference and reference count.
#[derive(Debug, Clone)]
pub struct PairInfo {
    /// The file (index into the facts) of the first reference.
    pub fact: usize,
    pub line: u32,
    pub column: u32,
    pub count: usize,
}

/// Every (from, to) component pair of the graph, with its first reference and count.
pub fn pairs(g: &Graph) -> BTreeMap<(usize, usize), PairInfo> {
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

/// What the dependency run computed, as every [`Check::Run`] check reads it.
pub struct Context<'a> {
    pub graph: &'a Graph,
    pub teams: &'a Teams<'a>,
    /// The facts of every file scanned (what the graph's references point into).
    pub facts: &'a [FileFacts],
    /// The component pairs to judge, in (from, to) order: every pair of the graph
    /// (`--all`), or those the change adds — pairs whose components, with the teams they
    /// have now, were not a pair at base (`--base`).
    pub pairs: Vec<(usize, usize, &'a PairInfo)>,
    /// With `--base`: the change.
    pub change: Option<ChangeContext<'a>>,
}

/// A change as the checks read it.
pub struct ChangeContext<'a> {
    /// The change's files.
    pub files: &'a HashSet<&'a str>,
    /// The base revision (its pairs and the components the change removed).
    pub base: &'a Base,
}

impl<'a> Context<'a> {
    /// The context of a run: `head_pairs` are [`pairs`] of `graph`; `change` the change's
    /// files and base, with `--base`.
    pub fn new(
        graph: &'a Graph,
        teams: &'a Teams<'a>,
        facts: &'a [FileFacts],
        head_pairs: &'a BTreeMap<(usize, usize), PairInfo>,
        change: Option<ChangeContext<'a>>,
    ) -> Context<'a> {
        let pairs = head_pairs
            .iter()
            .filter(|((from, to), _)| match &change {
                None => true,
                Some(c) => !c.base.pairs.contains(&(
                    teamed(&graph.components[*from]),
                    teamed(&graph.components[*to]),
                )),
            })
            .map(|(&(from, to), p)| (from, to, p))
            .collect();
        Context {
            graph,
            teams,
            facts,
            pairs,
            change,
        }
    }

    /// The components of a pair.
    pub fn components(&self, from: usize, to: usize) -> (&'a Component, &'a Component) {
        (&self.graph.components[from], &self.graph.components[to])
    }

    /// The team graph of the judged pairs: (from team, to team) → reference count, over
    /// the pairs between two teams (allowed ones included).
    pub fn team_edges(&self) -> BTreeMap<(String, String), usize> {
        let mut out = BTreeMap::new();
        for &(from, to, p) in &self.pairs {
            let (fc, tc) = self.components(from, to);
            if fc.team != tc.team {
                *out.entry((fc.team.clone(), tc.team.clone())).or_default() += p.count;
            }
        }
        out
    }

    /// The files the dependency rules look at: those with references (of the change,
    /// with `--base`).
    pub fn files_with_references(&self) -> Vec<String> {
        self.facts
            .iter()
            .filter(|f| !f.refs.is_empty())
            .filter(|f| {
                self.change
                    .as_ref()
                    .is_none_or(|c| c.files.contains(f.rel.as_str()))
            })
            .map(|f| f.rel.clone())
            .collect()
    }

    /// The finding of a dependency between two teams' components (`cross-team-dependency`
    /// or, `denied`, `forbidden-dependency`): at its first reference, naming the count, and
    /// the owners who must approve or the deny rule.
    pub fn dependency_finding(
        &self,
        rule: &'static str,
        severity: Severity,
        (from, to, p): (usize, usize, &PairInfo),
        denied: bool,
    ) -> Finding {
        let (fc, tc) = self.components(from, to);
        let rel = &self.facts[p.fact].rel;
        let owners = self.teams.owners(&tc.team);
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
        Finding {
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
            in_change: self.change.is_some(),
            extra,
        }
    }
}
