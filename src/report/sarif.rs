//! SARIF 2.1.0, as accepted by GitHub code scanning (`github/codeql-action/upload-sarif`).
//!
//! One run. `tool.driver` lists every rule of the tool (id, a PascalCase `name`, short
//! and full description, help as text and Markdown, default level); a result whose
//! rule the tool does not list gets a minimal descriptor appended so every `ruleIndex`
//! is valid. Each result has one location whose `artifactLocation.uri` is the
//! repository-relative path as a percent-encoded URI reference, relative to
//! `%SRCROOT%`, and a region with 1-based `startLine`/`startColumn`. The finding's
//! fingerprint goes to `partialFingerprints["sfci/v1"]`, so code scanning tracks an
//! alert across line moves; the symbol becomes a logical location and the call chain
//! a result property.

use super::{FindingsReport, RuleInfo, Severity};
use serde_json::{json, Map, Value};

/// The `$schema` of the log.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of the finding fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "sfci/v1";

/// The project's address from Cargo.toml (`repository`, else `homepage`), if set.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `callout-without-mock` → `CalloutWithoutMock` (SARIF recommends Pascal case names).
pub fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// A repository-relative path as a relative URI reference: `\` becomes `/`, a leading
/// `./` is dropped, and every byte other than unreserved characters, sub-delimiters,
/// `@` and `/` is percent-encoded (so spaces, `%`, `#`, `?`, `:` and non-ASCII are safe
/// and the first segment can never be read as a scheme).
pub fn uri_reference(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    json!({
        "id": rule.id,
        "name": pascal_case(rule.id),
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {"text": rule.help, "markdown": rule.help},
        "defaultConfiguration": {"level": level(rule.default_severity)},
    })
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &FindingsReport) -> Value {
    let mut rule_ids: Vec<String> = report.rules.iter().map(|r| r.id.to_string()).collect();
    let mut rules: Vec<Value> = report.rules.iter().map(rule_descriptor).collect();

    let mut results = Vec::with_capacity(report.findings.len());
    for f in report.ordered_findings() {
        let index = match rule_ids.iter().position(|id| *id == f.rule) {
            Some(i) => i,
            None => {
                rule_ids.push(f.rule.clone());
                rules.push(json!({
                    "id": f.rule,
                    "name": pascal_case(&f.rule),
                    "shortDescription": {"text": f.rule},
                }));
                rule_ids.len() - 1
            }
        };
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri_reference(&f.file), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": f.line.max(1), "startColumn": f.column.max(1)},
            }
        });
        if let Some(sym) = f.symbol.as_deref().filter(|s| !s.is_empty()) {
            location["logicalLocations"] = json!([{"fullyQualifiedName": sym}]);
        }
        let mut result = json!({
            "ruleId": f.rule,
            "ruleIndex": index,
            "level": level(f.severity),
            "message": {"text": f.message},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        });
        let mut props = Map::new();
        if let Some(sym) = &f.symbol {
            props.insert("symbol".into(), json!(sym));
        }
        if !f.chain.is_empty() {
            props.insert("chain".into(), json!(f.chain));
        }
        if report.is_in_change(f) {
            props.insert("inChange".into(), json!(true));
        }
        for (k, v) in &f.extra {
            props.insert(k.clone(), v.clone());
        }
        if !props.is_empty() {
            result["properties"] = Value::Object(props);
        }
        results.push(result);
    }

    let mut driver = json!({
        "name": report.tool,
        "version": report.version,
        "rules": rules,
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = json!(uri);
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {
                "%SRCROOT%": {"description": {"text": "The repository root."}}
            },
            "results": results,
        }],
    })
}

/// The pretty-printed SARIF log, ending with a newline.
pub fn render(report: &FindingsReport) -> String {
    let mut s =
        serde_json::to_string_pretty(&to_value(report)).unwrap_or_else(|_| "null".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::*;

    fn validator() -> jsonschema::Validator {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/schemas/sarif-2.1.0.schema.json"
        );
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("schema file")).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("valid schema")
    }

    fn assert_valid(log: &Value) {
        let v = validator();
        let errors: Vec<String> = v
            .iter_errors(log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "schema errors: {errors:#?}");
    }

    #[test]
    fn sample_validates_against_the_schema() {
        let mut r = sample_report();
        r.changed_files = vec!["force-app/main/default/classes/OrderTest.cls".into()];
        let text = render(&r);
        let log: Value = serde_json::from_str(&text).unwrap();
        assert_valid(&log);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["$schema"], SCHEMA_URI);
        assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn empty_report_validates() {
        assert_valid(&to_value(&empty_report()));
    }

    #[test]
    fn a_schema_violation_is_detected() {
        // Guard against a validator that accepts anything.
        let mut log = to_value(&sample_report());
        log["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(!validator().is_valid(&log));
    }

    #[test]
    fn rules_and_results() {
        let log = to_value(&sample_report());
        let run = &log["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "lint-callout-mocks");
        assert_eq!(driver["version"], "0.1.0");
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0]["id"], "callout-without-mock");
        assert_eq!(rules[0]["name"], "CalloutWithoutMock");
        assert_eq!(rules[0]["shortDescription"]["text"], RULE_A.short);
        assert_eq!(rules[0]["fullDescription"]["text"], RULE_A.full);
        assert_eq!(rules[0]["help"]["text"], RULE_A.help);
        assert_eq!(rules[0]["help"]["markdown"], RULE_A.help);
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");

        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        let first = &results[0];
        assert_eq!(first["ruleId"], "callout-without-mock");
        assert_eq!(first["ruleIndex"], 0);
        assert_eq!(first["level"], "error");
        let loc = &first["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "force-app/main/default/classes/AccountServiceTest.cls"
        );
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc["region"]["startLine"], 12);
        assert_eq!(loc["region"]["startColumn"], 9);
        assert_eq!(
            first["partialFingerprints"][FINGERPRINT_KEY],
            sample_report().ordered_findings()[0].fingerprint.as_str()
        );
        // Repo-relative, percent-encoded.
        let billing = &results[2]["locations"][0]["physicalLocation"];
        assert_eq!(
            billing["artifactLocation"]["uri"],
            "force-app/main/default/classes/Billing%20Test.cls"
        );
        for r in results {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.starts_with('/') && !uri.contains("://") && !uri.contains(' '));
        }
        let warning = &results[3];
        assert_eq!(warning["level"], "warning");
        assert_eq!(warning["ruleIndex"], 1);
    }

    #[test]
    fn zero_positions_clamped_and_unknown_rules_indexed() {
        let mut r = empty_report();
        r.findings = vec![finding(
            "other-rule",
            Severity::Warning,
            "./dir/ä #1?:x.cls",
            0,
            0,
            None,
            "m",
        )];
        let log = to_value(&r);
        assert_valid(&log);
        let res = &log["runs"][0]["results"][0];
        assert_eq!(res["ruleIndex"], 2);
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][2]["id"],
            "other-rule"
        );
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["region"]["startLine"], 1);
        assert_eq!(loc["region"]["startColumn"], 1);
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "dir/%C3%A4%20%231%3F%3Ax.cls"
        );
    }

    #[test]
    fn pascal_case_of_ids() {
        assert_eq!(pascal_case("callout-without-mock"), "CalloutWithoutMock");
        assert_eq!(pascal_case("a_b c"), "ABC");
        assert_eq!(pascal_case(""), "");
    }
}
