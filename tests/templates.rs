//! The GitLab templates as a user includes them, read as YAML.
//!
//! On a branch pipeline GitLab has no merge request to diff against: a `rules:changes`
//! without `compare_to` counts every path of a new branch as changed. Feature branches
//! merge into the integration branch, so every branch-pipeline `rules:changes` compares
//! to it. (The GitLab emulator of `.ci/ship` ignores `compare_to`, so only this test
//! can prove it.)

use serde_json::Value;
use std::path::{Path, PathBuf};

const COMPARE_TO: &str = "refs/heads/$[[ inputs.integration-branch ]]";

fn templates() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "github") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "yml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("ci-templates"),
        &mut out,
    );
    out.sort();
    out
}

/// The spec header's inputs and the jobs document of a template.
fn documents(path: &Path) -> (Value, Value) {
    let text = std::fs::read_to_string(path).unwrap();
    let (head, body) = text.split_once("\n---\n").unwrap_or(("", &text));
    let head: Value = serde_saphyr::from_str(head).unwrap_or(Value::Null);
    let body: Value = serde_saphyr::from_str(body)
        .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()));
    (head, body)
}

/// Whether a rule's `if:` only ever matches merge-request pipelines (there GitLab
/// compares to the merge request's target and `compare_to` is not needed).
fn merge_request_only(rule: &Value) -> bool {
    rule.get("if").and_then(Value::as_str).is_some_and(|c| {
        let c = c.replace(' ', "");
        c.contains("$CI_PIPELINE_SOURCE==\"merge_request_event\"") && !c.contains("||")
            || c.contains("$CI_MERGE_REQUEST_")
    })
}

#[test]
fn every_branch_pipeline_rules_changes_compares_to_the_integration_branch() {
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for path in templates() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (head, body) = documents(&path);
        let Some(jobs) = body.as_object() else {
            continue;
        };
        for (job, spec) in jobs {
            let job = job.as_str();
            let rules = spec
                .get("rules")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (i, rule) in rules.iter().enumerate() {
                let Some(changes) = rule.get("changes") else {
                    continue;
                };
                if merge_request_only(rule) {
                    continue;
                }
                let at = format!("{name}: {job}: rules[{i}]");
                checked.push(at.clone());
                match changes.get("compare_to").and_then(Value::as_str) {
                    Some(c) if c == COMPARE_TO => {}
                    other => problems.push(format!(
                        "{at}: changes: compare_to is {other:?}, want `{COMPARE_TO}` \
                         (a bare list of paths has no compare_to)"
                    )),
                }
                if changes
                    .get("paths")
                    .and_then(Value::as_array)
                    .is_none_or(|p| p.is_empty())
                {
                    problems.push(format!("{at}: changes: has no `paths:` list"));
                }
                if head["spec"]["inputs"].get("integration-branch").is_none() {
                    problems.push(format!(
                        "{at}: the template declares no `integration-branch` input"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        checked
            .iter()
            .any(|c| c.starts_with("fifty-teams.yml: deploy:dev:")),
        "deploy:dev of fifty-teams.yml was not found among {checked:?}"
    );
}

#[test]
fn merge_request_only_rules_are_recognised() {
    let yaml = |t: &str| -> Value { serde_saphyr::from_str(t).unwrap() };
    assert!(merge_request_only(&yaml(
        "if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\nchanges: [a]"
    )));
    assert!(!merge_request_only(&yaml(
        "if: $CI_COMMIT_BRANCH =~ /^feature\\//\nchanges: [a]"
    )));
    assert!(!merge_request_only(&yaml("changes: [a]")));
}
