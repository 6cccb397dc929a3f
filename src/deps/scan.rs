//! What `validate-deps` reads: the facts of every file (in parallel, with the Apex models
//! when tests are to be selected), or only those a change needs.

use super::change::Change;
use super::extract;
use super::graph::{key, Key};
use super::model::{FileFacts, Kind};
use crate::apex::model::FileModel;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

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
    let (mut out, pending) = first_pass(files, &changed);
    let texts = names_to_search(&out, change, &changed);
    if !texts.is_empty() {
        read_files_naming(files, &pending, &texts, &mut out);
    }
    out.into_iter().flatten().collect()
}

/// Every file's declarations from its path alone, and the full facts of the changed
/// files, of the other files of their components and of labels files; returns the facts
/// by file and the files (indices) known by their path only.
fn first_pass(
    files: &[(PathBuf, String)],
    changed: &HashSet<&str>,
) -> (Vec<Option<FileFacts>>, Vec<usize>) {
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
    (out, pending)
}

/// The names of what the change adds (declared by its files now, not before) and removes
/// (declared by its files before, not now), as the texts a reference would contain.
fn names_to_search(
    out: &[Option<FileFacts>],
    change: &Change,
    changed: &HashSet<&str>,
) -> Vec<String> {
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
    texts
}

/// Reads the files known by their path only (`pending`) that contain one of `texts`
/// (case-insensitive) and puts their full facts in `out`.
fn read_files_naming(
    files: &[(PathBuf, String)],
    pending: &[usize],
    texts: &[String],
    out: &mut [Option<FileFacts>],
) {
    if let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(texts)
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
