//! `--select-tests`: the Apex tests whose call graph reaches what a change touches, and
//! the changed classes no selected test reaches (`--uncovered`).

use super::graph::{key, Graph, Key};
use super::model::FileFacts;
use crate::apex::index::{Index, Op};
use crate::apex::model::FileModel;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Apex test classes whose call graph (or whose reachable classes' references)
/// reaches a component the change touches; and the changed, non-test Apex classes and
/// triggers (`(name, path)`) that no selected test's call graph reaches.
pub fn select_tests(
    g: &Graph,
    facts: &[FileFacts],
    models: Vec<FileModel>,
    changed_files: &[String],
    removed: &HashMap<Key, (String, String)>,
    want_reach: bool,
) -> (Vec<String>, Vec<(String, String)>) {
    let changed: HashSet<&str> = changed_files.iter().map(String::as_str).collect();
    let touching_files = touching_files(g, facts, &changed, removed);
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
        if let Some(files) = walk(&idx, c, &file_hit, want_reach) {
            selected.insert(ci.display.clone());
            reached.extend(files);
        }
    }
    let uncovered = if want_reach {
        uncovered(&idx, &changed, &test_files, &reached)
    } else {
        Vec::new()
    };
    (selected.into_iter().collect(), uncovered)
}

/// The files whose references reach a component the change touches (declared by a
/// changed file, or removed).
fn touching_files(
    g: &Graph,
    facts: &[FileFacts],
    changed: &HashSet<&str>,
    removed: &HashMap<Key, (String, String)>,
) -> HashSet<String> {
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
    touching_files
}

/// Walks the test class `c`'s call graph: `Some(files it reaches)` when it reaches a file
/// `file_hit` accepts. Without `want_reach` the walk stops at the first hit (the files are
/// then not needed).
fn walk(
    idx: &Index,
    c: usize,
    file_hit: &dyn Fn(u32) -> bool,
    want_reach: bool,
) -> Option<HashSet<u32>> {
    let ci = &idx.classes[c];
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
    hit.then_some(files)
}

/// The changed Apex classes and triggers with code that no selected test reaches, as
/// `(name, path)`, sorted.
fn uncovered(
    idx: &Index,
    changed: &HashSet<&str>,
    test_files: &HashSet<u32>,
    reached: &HashSet<u32>,
) -> Vec<(String, String)> {
    let mut uncovered: Vec<(String, String)> = Vec::new();
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
        let has_code = decls.peek().is_none() || decls.any(|(k, _)| idx.decl(k as u32).has_code);
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
    uncovered
}
