//! The `broken-reference` rule of `validate-deps`: its declaration (the doc comment on [`RULE`] is
//! its documentation) and its check.

use super::{Check, Context, Rule};
use crate::deps::graph::{key, Key};
use crate::report::{fingerprint, Finding, Severity};
use std::collections::{BTreeMap, HashSet};

crate::rule! {
    /// **Why it matters.** A component that the change deletes or renames is still referenced
    /// by a file that remains; the deployment would fail (or the reference break at run time).
    ///
    /// **Fix.** Update or remove the remaining references in the same change, or keep the
    /// component.
    pub const RULE: Rule = {
        id: "broken-reference",
        severity: Error,
        summary: "The change deletes or renames a component that is still referenced",
        check: Check::Run { check, checked },
    }
}

/// With `--base`: the components the change removed that a file still references, one
/// finding per referencing component and removed component.
pub fn check(ctx: &Context, findings: &mut Vec<Finding>) {
    let Some(change) = &ctx.change else {
        return;
    };
    let removed = &change.base.removed;
    let removed_keys: HashSet<Key> = removed.keys().cloned().collect();
    let broken = ctx.graph.unresolved_matching(ctx.facts, &removed_keys);
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
        let fc = &ctx.graph.components[u.from];
        let rel = &ctx.facts[u.fact].rel;
        let mut extra = BTreeMap::new();
        extra.insert("from".into(), fc.name.clone().into());
        extra.insert("to".into(), name.clone().into());
        extra.insert("from_team".into(), fc.team.clone().into());
        extra.insert("to_team".into(), team.clone().into());
        extra.insert("to_kind".into(), k.0.as_str().into());
        findings.push(Finding {
            rule: RULE.id.into(),
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
            fingerprint: fingerprint(&[RULE.id, rel, &fc.name, &k.1]),
            chain: Vec::new(),
            in_change: change.files.contains(rel.as_str()),
            extra,
        });
    }
}

/// With `--base`, every file with references (any may name what the change removes).
fn checked(ctx: &Context) -> Option<Vec<String>> {
    ctx.change.as_ref()?;
    Some(
        ctx.facts
            .iter()
            .filter(|f| !f.refs.is_empty())
            .map(|f| f.rel.clone())
            .collect(),
    )
}
