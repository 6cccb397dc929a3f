//! The rule registries against what is published from them: the README rule tables, the
//! JSON Schema's `lint.rules` keys, the configuration's lint rule ids, the SARIF texts.
//! `SFCI_BLESS=1 cargo test --lib rules::` rewrites the README tables and the schema's
//! `lint.rules` entries from the registries.

use super::*;
use std::path::{Path, PathBuf};

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn bless() -> bool {
    std::env::var_os("SFCI_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compares `path` with `want`; with `SFCI_BLESS=1` writes `want` instead of failing.
fn compare_or_bless(path: &Path, have: &str, want: &str, what: &str) {
    if have == want {
        return;
    }
    if bless() {
        std::fs::write(path, want).unwrap();
        return;
    }
    let first = have
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(have.lines().count().min(want.lines().count()));
    panic!(
        "{what} in {} differ from the registry (first at line {}: {:?}, want {:?}); \
         regenerate with `SFCI_BLESS=1 cargo test --lib rules::`",
        path.display(),
        first + 1,
        have.lines().nth(first).unwrap_or(""),
        want.lines().nth(first).unwrap_or("")
    );
}

/// `text` with the lines between `<!-- rules:NAME … -->` and `<!-- /rules:NAME -->`
/// replaced by `block`.
fn with_block(text: &str, name: &str, block: &str) -> String {
    let open = format!("<!-- rules:{name} ");
    let close = format!("<!-- /rules:{name} -->");
    let start = text
        .find(&open)
        .unwrap_or_else(|| panic!("README.md has no `{open}…-->` line"));
    let start = start + text[start..].find('\n').expect("a line") + 1;
    let end = start
        + text[start..]
            .find(&close)
            .unwrap_or_else(|| panic!("README.md has no `{close}` line"));
    format!("{}{block}{}", &text[..start], &text[end..])
}

fn readme_tables() -> Vec<(&'static str, String)> {
    let deps = crate::deps::rules::RULES;
    let conflict = |r: &&crate::deps::rules::Rule| r.id.starts_with("open-change-");
    vec![
        ("lint", table(crate::lint::RULES)),
        ("deps", table(deps.iter().filter(|r| !conflict(r)))),
        (
            "deps-conflicts",
            table(crate::deps::rules::conflict_rules()),
        ),
        ("owners", table(crate::owners::rules::RULES)),
    ]
}

#[test]
fn readme_rule_tables_are_generated_from_the_registries() {
    let path = repo_file("README.md");
    let have = std::fs::read_to_string(&path).unwrap();
    let mut want = have.clone();
    for (name, block) in readme_tables() {
        want = with_block(&want, name, &block);
    }
    compare_or_bless(&path, &have, &want, "the rule tables");
}

/// The `lint.rules.properties` entries of the schema, as the registry writes them.
fn schema_lint_rules() -> String {
    let entries: Vec<String> = crate::lint::RULES
        .iter()
        .map(|r| {
            format!(
                "            {}: {{\n              \"description\": {},\n              \
                 \"$ref\": \"#/$defs/rule\"\n            }}",
                serde_json::to_string(r.id).unwrap(),
                serde_json::to_string(r.summary).unwrap()
            )
        })
        .collect();
    entries.join(",\n")
}

#[test]
fn schema_lint_rule_keys_are_the_registry() {
    let path = repo_file("schemas/sfci.schema.json");
    let have = std::fs::read_to_string(&path).unwrap();
    // The entries sit between the `properties` of `lint.rules` and the end of that object.
    let rules = have.find("\"rules\": {").expect("lint.rules in the schema");
    let open = "\"properties\": {\n";
    let start = rules + have[rules..].find(open).unwrap() + open.len();
    let end = start + have[start..].find("\n          }\n        },").unwrap();
    let want = format!("{}{}{}", &have[..start], schema_lint_rules(), &have[end..]);
    compare_or_bless(&path, &have, &want, "the lint.rules entries");

    // And as JSON: the keys of lint.rules are the registry's ids, in its order.
    let schema: serde_json::Value = serde_json::from_str(&want).unwrap();
    let lint_rules = &schema["properties"]["lint"]["properties"]["rules"]["properties"];
    let mut keys: Vec<&str> = lint_rules
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut ids = crate::lint::rule_ids();
    keys.sort_unstable();
    ids.sort_unstable();
    assert_eq!(keys, ids);
}

#[test]
fn the_configuration_accepts_exactly_the_lint_rule_ids() {
    // Each id is a key `lint.rules` takes (the configuration reads the ids from lint::RULES)…
    for id in crate::lint::rule_ids() {
        let yaml = format!("lint:\n  rules:\n    {id}: {{ severity: error }}\n");
        let c = crate::config::Config::from_str(&yaml, ".sfci.yml");
        assert!(c.is_ok(), "{id}: {c:?}");
    }
    // …and no other: an unknown id is refused, naming the valid ones.
    let err = crate::config::Config::from_str(
        "lint:\n  rules:\n    no-such-rule: { severity: error }\n",
        ".sfci.yml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("lint.rules.no-such-rule"), "{err}");
    for id in crate::lint::rule_ids() {
        assert!(err.contains(id), "{id} missing from: {err}");
    }
}

/// A rule without its tool's check.
fn declaration<C>(r: &crate::rules::Rule<C>) -> Rule {
    Rule {
        id: r.id,
        default_severity: r.default_severity,
        summary: r.summary,
        doc: r.doc,
        file: r.file,
        check: (),
    }
}

fn every_rule() -> Vec<(&'static str, Rule)> {
    let lint = crate::lint::RULES.iter().map(|r| ("lint", declaration(r)));
    let deps = crate::deps::rules::RULES
        .iter()
        .map(|r| ("deps", declaration(r)));
    let owners = crate::owners::rules::RULES
        .iter()
        .map(|r| ("owners", declaration(r)));
    lint.chain(deps).chain(owners).collect()
}

#[test]
fn every_rule_is_documented_and_unique_in_its_tool() {
    let mut seen = std::collections::HashSet::new();
    for (tool, r) in every_rule() {
        assert!(seen.insert((tool, r.id)), "{tool}: {} twice", r.id);
        assert!(
            !r.summary.is_empty() && !r.summary.ends_with('.'),
            "{}",
            r.id
        );
        let info = r.info();
        assert!(
            !info.full.is_empty(),
            "{}: no **Why it matters.** paragraph",
            r.id
        );
        assert!(!info.help.is_empty(), "{}: no **Fix.** paragraph", r.id);
        assert!(repo_file(r.file).is_file(), "{}: {}", r.id, r.file);
    }
}

#[test]
fn sections_are_paragraphs_joined_by_single_spaces() {
    let doc = " **What it does.** x\n\n **Why it matters.** one\n  two\n\n **Fix.** three\n";
    assert_eq!(section(doc, "Why it matters"), "one two");
    assert_eq!(section(doc, "Fix"), "three");
    assert_eq!(section(doc, "Example"), "");
}

#[test]
fn help_lines_stay_within_100_columns() {
    for text in [
        help(crate::lint::RULES),
        help(crate::deps::rules::RULES),
        help(crate::owners::rules::RULES),
    ] {
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "{line}");
        }
    }
}
