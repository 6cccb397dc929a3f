//! `--graph FILE`: the team-level dependency graph as Mermaid, Graphviz DOT or JSON.

use super::check::DepsError;
use std::collections::BTreeMap;
use std::path::Path;

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
