//! The JSON findings contract (see DESIGN.md, "JSON findings contract").
//!
//! ```json
//! {
//!   "tool": "lint-callout-mocks",
//!   "version": "0.1.0",
//!   "findings": [{"rule": "…", "severity": "error", "file": "…", "line": 12, "column": 9,
//!                 "symbol": "Class.method" | null, "message": "…", "fingerprint": "…",
//!                 "chain": ["…"], "in_change": false}],
//!   "summary": {"errors": 1, "warnings": 0, "files_with_findings": 1, "duration_ms": 12, …},
//!   "rules": ["callout-without-mock", …],
//!   "changed_files": ["…"]
//! }
//! ```
//!
//! Every finding has every key (`symbol` is `null` when there is none, `chain` may be
//! empty) so consumers such as `jq` see one shape. `summary` holds the computed counts
//! followed by every entry of [`FindingsReport::summary`]; an entry named like a
//! computed count is ignored (the computed value wins). `changed_files` is present
//! only when a change was given. Findings are in [`FindingsReport::ordered_findings`]
//! order.

use super::{Finding, FindingsReport, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// Summary keys computed from the findings; report entries with these names are ignored.
const COMPUTED: [&str; 4] = ["errors", "warnings", "files_with_findings", "duration_ms"];

#[derive(Serialize)]
struct Document<'a> {
    tool: &'a str,
    version: &'a str,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary<'a>,
    rules: Vec<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    changed_files: &'a [String],
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    file: &'a str,
    line: u32,
    column: u32,
    symbol: Option<&'a str>,
    message: &'a str,
    fingerprint: &'a str,
    chain: &'a [String],
    in_change: bool,
    #[serde(flatten)]
    extra: &'a BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
struct Summary<'a> {
    errors: usize,
    warnings: usize,
    files_with_findings: usize,
    duration_ms: u128,
    #[serde(flatten)]
    extra: BTreeMap<&'a str, &'a serde_json::Value>,
}

fn finding<'a>(report: &FindingsReport, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity,
        file: &f.file,
        line: f.line,
        column: f.column,
        symbol: f.symbol.as_deref(),
        message: &f.message,
        fingerprint: &f.fingerprint,
        chain: &f.chain,
        in_change: report.is_in_change(f),
        extra: &f.extra,
    }
}

fn document(report: &FindingsReport) -> Document<'_> {
    Document {
        tool: report.tool,
        version: report.version,
        findings: report
            .ordered_findings()
            .into_iter()
            .map(|f| finding(report, f))
            .collect(),
        summary: Summary {
            errors: report.errors(),
            warnings: report.warnings(),
            files_with_findings: report.files_with_findings(),
            duration_ms: report.duration.as_millis(),
            extra: report
                .summary
                .iter()
                .filter(|(k, _)| !COMPUTED.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v))
                .collect(),
        },
        rules: report.rules.iter().map(|r| r.id).collect(),
        changed_files: &report.changed_files,
    }
}

/// The report as a JSON value (the document [`render`] prints; keys of a
/// `serde_json::Value` are sorted, [`render`] keeps the contract's order).
pub fn to_value(report: &FindingsReport) -> serde_json::Value {
    // Serializing plain structs, strings, integers and JSON values cannot fail.
    serde_json::to_value(document(report)).unwrap_or(serde_json::Value::Null)
}

/// The pretty-printed JSON document, keys in contract order, ending with a newline.
pub fn render(report: &FindingsReport) -> String {
    let mut s =
        serde_json::to_string_pretty(&document(report)).unwrap_or_else(|_| "null".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::*;
    use serde_json::{json, Value};

    #[test]
    fn contract_shape() {
        let mut r = sample_report();
        r.summary.insert("errors".into(), json!("bogus"));
        r.changed_files = vec!["force-app/main/default/classes/OrderTest.cls".into()];
        let v: Value = serde_json::from_str(&render(&r)).unwrap();
        assert_eq!(v["tool"], "lint-callout-mocks");
        assert_eq!(v["version"], "0.1.0");
        assert_eq!(v["rules"], json!(["callout-without-mock", "mock-unused"]));
        assert_eq!(
            v["changed_files"],
            json!(["force-app/main/default/classes/OrderTest.cls"])
        );
        let s = &v["summary"];
        assert_eq!(s["errors"], 3);
        assert_eq!(s["warnings"], 1);
        assert_eq!(s["files_with_findings"], 3);
        assert_eq!(s["files"], 120);
        assert_eq!(s["classes"], 98);
        assert_eq!(s["duration_ms"], 1234);

        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 4);
        for f in findings {
            for key in [
                "rule",
                "severity",
                "file",
                "line",
                "column",
                "symbol",
                "message",
                "fingerprint",
                "chain",
                "in_change",
            ] {
                assert!(f.get(key).is_some(), "missing {key} in {f}");
            }
            assert!(matches!(f["severity"].as_str(), Some("error" | "warning")));
        }
        // Ordered by file, then line.
        assert_eq!(findings[0]["line"], 12);
        assert_eq!(
            findings[0]["chain"],
            json!([
                "AccountServiceTest.testSync",
                "AccountService.sync",
                "Http.send"
            ])
        );
        assert_eq!(findings[1]["line"], 40);
        assert_eq!(findings[2]["symbol"], Value::Null);
        assert_eq!(findings[3]["in_change"], true);
        assert_eq!(findings[0]["in_change"], false);
    }

    #[test]
    fn no_changed_files_key_without_a_change() {
        let v: Value = serde_json::from_str(&render(&empty_report())).unwrap();
        assert!(v.get("changed_files").is_none());
        assert_eq!(v["findings"], json!([]));
        assert_eq!(v["summary"]["errors"], 0);
    }

    #[test]
    fn pretty_printed() {
        let out = render(&empty_report());
        assert!(out.starts_with("{\n  \"tool\": \"lint-callout-mocks\",\n  \"version\""));
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap(),
            to_value(&empty_report())
        );
        assert!(out.ends_with("}\n"));
    }
}
