//! The merge-request comment of `validate-deps --comment`: what the change adds that another
//! team must know about — new cross-team edges with the owners to ask, forbidden edges, broken
//! references — and a Mermaid graph of the teams those edges join (GitLab and GitHub render
//! Mermaid in comments). Warnings (the `--all` inventory) are counted, not listed.
use super::rules::{BROKEN, CROSS_TEAM, FORBIDDEN};
use crate::report::markdown::escape_cell;
use crate::report::{Finding, FindingsReport, Severity};
use std::collections::{BTreeMap, BTreeSet};

fn field<'a>(f: &'a Finding, key: &str) -> Option<&'a str> {
    f.extra.get(key).and_then(|v| v.as_str())
}

fn owners(f: &Finding) -> String {
    let list: Vec<String> = f
        .extra
        .get("to_owners")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|o| o.as_str().map(|o| format!("`{}`", o.replace('`', "'"))))
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        match field(f, "to_team") {
            Some(t) => format!("team {} (no owners in deps.teams)", escape_cell(t)),
            None => "—".into(),
        }
    } else {
        list.join(", ")
    }
}

/// The comment body, at most `limit` bytes.
pub fn render(report: &FindingsReport, limit: usize) -> String {
    let errors: Vec<&Finding> = report
        .ordered_findings()
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings = report.warnings();
    let mut s = if errors.is_empty() {
        "### ✅ `validate-deps`: no new cross-team dependency, forbidden edge or broken reference\n\n".to_string()
    } else {
        format!(
            "### ❌ `validate-deps`: {} blocking finding(s) in this change\n\n",
            errors.len()
        )
    };
    if let Some(n) = report
        .summary
        .get("approved_edges")
        .and_then(|v| v.as_u64())
    {
        if n > 0 {
            s.push_str(&format!(
                "{n} new cross-team edge(s) passed with an approval of the target team's owners.\n\n"
            ));
        }
    }
    let footer = "\n_Cut to fit the comment limit; the job's reports list every finding._\n";
    let mut full = false;
    let mut push = |s: &mut String, text: &str| {
        if full {
            return;
        }
        if s.len() + text.len() + footer.len() > limit {
            s.push_str(footer);
            full = true;
        } else {
            s.push_str(text);
        }
    };
    let by_rule =
        |id: &str| -> Vec<&Finding> { errors.iter().copied().filter(|f| f.rule == id).collect() };
    let cross = by_rule(CROSS_TEAM.id);
    if !cross.is_empty() {
        push(&mut s, "#### New cross-team dependencies\n\n| from | depends on | where | ask |\n|---|---|---|---|\n");
        for f in &cross {
            push(
                &mut s,
                &format!(
                    "| {} `{}` ({}) | {} `{}` ({}) | `{}:{}` | {} |\n",
                    escape_cell(field(f, "from_kind").unwrap_or("")),
                    field(f, "from").unwrap_or("").replace('`', "'"),
                    escape_cell(field(f, "from_team").unwrap_or("?")),
                    escape_cell(field(f, "to_kind").unwrap_or("")),
                    field(f, "to").unwrap_or("").replace('`', "'"),
                    escape_cell(field(f, "to_team").unwrap_or("?")),
                    f.file.replace('`', "'"),
                    f.line,
                    owners(f)
                ),
            );
        }
        push(&mut s, "\nAsk the owners for a review, or add the edge to `deps.allow` in `.sfci.yml` if it is meant to stay.\n\n");
    }
    for (rule, title) in [
        (FORBIDDEN.id, "Forbidden dependencies (`deps.deny`)"),
        (BROKEN.id, "Broken references"),
    ] {
        let list = by_rule(rule);
        if list.is_empty() {
            continue;
        }
        push(
            &mut s,
            &format!("#### {title}\n\n| where | problem |\n|---|---|\n"),
        );
        for f in list {
            push(
                &mut s,
                &format!(
                    "| `{}:{}` | {} |\n",
                    f.file.replace('`', "'"),
                    f.line,
                    escape_cell(&f.message)
                ),
            );
        }
        push(&mut s, "\n");
    }
    let mut teams: BTreeMap<(String, String), usize> = BTreeMap::new();
    for f in &cross {
        if let (Some(a), Some(b)) = (field(f, "from_team"), field(f, "to_team")) {
            *teams.entry((a.to_string(), b.to_string())).or_default() +=
                f.extra
                    .get("references")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(1) as usize;
        }
    }
    if !teams.is_empty() {
        push(
            &mut s,
            &format!(
                "#### Teams this change connects\n\n```mermaid\n{}```\n",
                mermaid(&teams)
            ),
        );
    }
    if warnings > 0 {
        push(
            &mut s,
            &format!("\n{warnings} warning(s) (existing cross-team edges, unreadable files) are in the job's reports.\n"),
        );
    }
    s
}

/// A Mermaid `graph LR` of team edges weighted by references.
pub fn mermaid(edges: &BTreeMap<(String, String), usize>) -> String {
    let id = |t: &str| -> String {
        let s: String = t
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("t_{s}")
    };
    let mut s = String::from("graph LR\n");
    let nodes: BTreeSet<&str> = edges
        .keys()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    for n in &nodes {
        s.push_str(&format!("  {}[\"{}\"]\n", id(n), n.replace('"', "'")));
    }
    for ((a, b), w) in edges {
        s.push_str(&format!("  {} -->|{w}| {}\n", id(a), id(b)));
    }
    s
}
