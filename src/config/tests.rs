//! Loading `.sfci.yml` as a whole: the YAML layer's errors, discovery, and the JSON Schema
//! agreeing with the loader. Each section's own checks are tested with its tool.

use super::*;
use crate::deps::config::{EdgeRule, TeamConfig};
use crate::gate::config::Percent;
use crate::lint::config::RuleSeverity;

/// `text` as `.sfci.yml`, which must be refused (the sections' own tests use it too).
pub(crate) fn err(text: &str) -> ConfigError {
    Config::from_str(text, ".sfci.yml").expect_err("config should be rejected")
}

/// `text` as `.sfci.yml`, which must load.
pub(crate) fn ok(text: &str) -> Config {
    Config::from_str(text, ".sfci.yml").expect("config should load")
}

pub(crate) const FULL_EXAMPLE: &str = "\
# sfci configuration
lint:
  rules:
    callout-without-mock: { severity: error }
    callout-without-timeout:
      severity: warning
    hardcoded-endpoint: { severity: off }
    parse-error: { severity: warning }
    invalid-suppression: {}
  exclude:
    - \"force-app/main/legacy/**\"
    - \"**/*Test.cls\"
    - force-app/main/default/classes/Generated
  baseline: .sfci-baseline.json
deps:
  teams:
    sales:
      paths: [\"sales/**\", \"shared/sales-*/**\"]
      owners: [\"@acme/sales\", \"jane@example.com\"]
    billing:
      paths:
        - billing
      owners: [\"@acme/billing\"]
    platform:
      owners: [\"@@maintainer\", \"@acme/platform/core\"]
    shared.core-2: {}
  allow:
    - { from: \"*\", to: shared }
    - from: \"{sales,billing}\"
      to: \"shared.*\"
  deny:
    - { from: sales, to: billing }
owners:
smoke: null
gate: {}
";

#[test]
fn empty_and_comment_only_files_are_the_default() {
    for text in [
        "",
        "\n",
        "# nothing yet\n",
        "---\n",
        "~\n",
        "null\n",
        "{}\n",
    ] {
        assert_eq!(ok(text), Config::default(), "text: {text:?}");
    }
}

#[test]
fn full_example_loads() {
    let c = ok(FULL_EXAMPLE);
    assert_eq!(
        c.lint.severity_override("callout-without-mock"),
        Some(RuleSeverity::Error)
    );
    assert_eq!(
        c.lint.severity_override("callout-without-timeout"),
        Some(RuleSeverity::Warning)
    );
    assert_eq!(
        c.lint.severity_override("hardcoded-endpoint"),
        Some(RuleSeverity::Off)
    );
    assert_eq!(c.lint.severity_override("invalid-suppression"), None);
    assert_eq!(c.lint.severity_override("no-such-rule"), None);
    assert_eq!(c.lint.baseline.as_deref(), Some(".sfci-baseline.json"));
    assert_eq!(c.lint.rules.len(), 5);
    assert_eq!(c.lint.exclude.len(), 3);

    let names: Vec<&str> = c
        .deps
        .teams_in_order()
        .iter()
        .map(|t| t.0.as_str())
        .collect();
    assert_eq!(names, ["sales", "billing", "platform", "shared.core-2"]);
    assert_eq!(
        c.deps.teams["sales"],
        TeamConfig {
            paths: vec!["sales/**".into(), "shared/sales-*/**".into()],
            owners: vec!["@acme/sales".into(), "jane@example.com".into()],
        }
    );
    assert_eq!(c.deps.teams["billing"].paths, ["billing"]);
    assert!(c.deps.teams["platform"].paths.is_empty());
    assert_eq!(c.deps.teams["shared.core-2"], TeamConfig::default());
    assert_eq!(
        c.deps.allow,
        [
            EdgeRule::new("*", "shared"),
            EdgeRule::new("{sales,billing}", "shared.*")
        ]
    );
    assert_eq!(c.deps.deny, [EdgeRule::new("sales", "billing")]);
    assert_eq!(
        c.deps.team_of_path("billing/classes/A.cls"),
        Some("billing")
    );
    assert!(c.deps.is_allowed("billing", "shared.core-2"));
    assert!(!c.deps.is_allowed("platform", "shared.core-2"));
}

#[test]
fn unknown_top_level_key() {
    let e = err("lint: {}\n\nlnt:\n  rules: {}\n");
    assert_eq!(
        e.to_string(),
        ".sfci.yml:3:1: unknown key `lnt`; valid keys here: `lint`, `deps`, `owners`, \
             `smoke`, `gate`"
    );
}

#[test]
fn keys_in_sections_without_keys_are_errors() {
    let e = err("lint: {}\ngate:\n  enabled: true\n");
    assert_eq!(
        e.to_string(),
        ".sfci.yml:3:3: unknown key `gate.enabled`; valid keys here: `coverage`, `window`, \
             `promotion`"
    );
    for section in ["owners", "smoke"] {
        let e = err(&format!("lint: {{}}\n{section}:\n  enabled: true\n"));
        assert_eq!(
            e.to_string(),
            format!(
                ".sfci.yml:3:3: unknown key `{section}.enabled`: this version defines no \
                     keys in `{section}`"
            )
        );
        // Empty mapping and null are fine.
        assert_eq!(ok(&format!("{section}: {{}}\n")), Config::default());
        assert_eq!(ok(&format!("{section}:\n")), Config::default());
    }
}

#[test]
fn wrong_value_types() {
    let e = err("lint:\n  exclude: force-app/legacy\n");
    assert_eq!((e.line, e.column), (Some(2), Some(12)));
    assert!(
        e.to_string()
            .starts_with(".sfci.yml:2:12: `lint.exclude`: invalid type: expected a list"),
        "{e}"
    );

    let e = err("lint:\n  exclude:\n    - ok/**\n    - 42\n");
    assert_eq!((e.line, e.column), (Some(4), Some(7)));
    assert_eq!(e.key.as_deref(), Some("lint.exclude[1]"));
    assert!(e.message.contains("invalid type"), "{e}");

    let e = err("lint:\n  rules:\n    parse-error:\n");
    assert_eq!(
        e.to_string(),
        ".sfci.yml:3:5: `lint.rules.parse-error`: invalid type: null, expected a mapping \
             such as `{ severity: warning }`"
    );

    let e = err("lint: [a, b]\n");
    assert_eq!(
        e.to_string(),
        ".sfci.yml:1:7: `lint`: invalid type: expected a mapping"
    );

    let e = err("deps: [x]\n");
    assert_eq!(
        e.to_string(),
        ".sfci.yml:1:7: `deps`: invalid type: expected a mapping"
    );
}

#[test]
fn a_list_instead_of_a_mapping() {
    let e = err("- lint\n- deps\n");
    assert_eq!(
        e.to_string(),
        ".sfci.yml:1:1: the top level: invalid type: expected a mapping"
    );
    let e = err("just a string\n");
    assert!(e.message.contains("invalid type"), "{e}");
}

#[test]
fn duplicate_keys_are_errors() {
    let e = err("lint:\n  rules:\n    parse-error:\n      severity: off\n      severity: error\n");
    assert_eq!(e.key.as_deref(), Some("lint.rules.parse-error.severity"));
    assert!(
        e.message
            .starts_with("duplicate key `lint.rules.parse-error.severity`"),
        "{e}"
    );
    assert_eq!(e.line, Some(5), "points at the second key");
}

#[test]
fn yaml_syntax_errors_have_a_location() {
    let e = err("lint:\n  rules: {parse-error: {severity: off}\n  exclude: []\n");
    assert!(e.line.is_some(), "{e}");
    assert!(e.message.starts_with("invalid YAML: "), "{e}");
    let e = err("lint:\n\trules: {}\n");
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn control_characters_are_located() {
    let e = err("lint: {}\nde\u{0}ps: {}\n");
    assert_eq!((e.line, e.column), (Some(2), Some(3)), "{e}");
    assert!(e.message.starts_with("invalid YAML"), "{e}");
}

#[test]
fn multiple_documents_are_rejected() {
    let e = err("lint: {}\n---\nlint: {}\n");
    assert!(e.message.contains("more than one YAML document"), "{e}");
}

#[test]
fn deeply_nested_garbage_does_not_panic() {
    for text in [
        format!("lint: {}", "[".repeat(100_000)),
        format!("lint:\n  rules: {}", "{a: ".repeat(50_000)),
        "- ".repeat(100_000),
        "[".repeat(100_000),
        format!(
            "lint:\n  exclude: {}",
            "[".repeat(10_000) + &"]".repeat(10_000)
        ),
        "a: &a [*a, *a]\nb: *a\n".to_string(),
        "lint: &x {}\ndeps: *x\nsmoke: *x\n".to_string(),
    ] {
        let _ = Config::from_str(&text, ".sfci.yml");
    }
    // Anchors and aliases resolve like any YAML.
    assert_eq!(ok("lint: &x {}\ngate: *x\n"), Config::default());
}

#[test]
fn deep_flow_nesting_is_refused_quickly() {
    let start = std::time::Instant::now();
    let e = err(&format!("lint:\n  rules: {}", "[".repeat(1_000_000)));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.column.is_some_and(|c| c <= 10 + MAX_DEPTH), "{e}");
    // Block nesting is bounded the same way.
    let deep: String = (0..200).map(|d| format!("{}k:\n", " ".repeat(d))).collect();
    let e = load_strict::<serde_json::Value>(&deep, ".sfci.yml").unwrap_err();
    assert!(e.message.contains("more than 64 levels deep"), "{e}");
    assert_eq!(e.line, Some(MAX_DEPTH + 1), "{e}");
}

#[test]
fn brackets_in_scalars_are_not_nesting() {
    // The old lexical pre-scan refused these (fuzz/regressions/config).
    let v: serde_json::Value = load_strict(
        &format!(
            "a:\n  - |-\n    src/{}\n  - '{}'\n",
            "{".repeat(100),
            "[".repeat(100)
        ),
        ".sfci.yml",
    )
    .unwrap()
    .unwrap();
    assert_eq!(v["a"][0].as_str().unwrap().len(), 104);
    let c = ok(&format!(
        "# {}\nlint:\n  exclude: [\"a{}\", \"src/[ab].cls\"]\n",
        "[".repeat(100),
        "[[]".repeat(100)
    ));
    assert_eq!(c.lint.exclude.len(), 2);
}

#[test]
fn byte_order_mark_is_accepted() {
    let c = ok("\u{feff}lint:\n  exclude: [\"a/**\"]\n");
    assert_eq!(c.lint.exclude, vec!["a/**"]);
}

#[test]
fn load_reports_non_utf8_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".sfci.yml");
    std::fs::write(&path, b"lint:\n  exclude: [\"caf\xe9\"]\n").unwrap();
    let e = Config::load(&path).unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(17)));
    assert!(e.message.contains("not UTF-8"), "{e}");
    assert!(e
        .to_string()
        .starts_with(&format!("{}:2:17: ", path.display())));

    // A binary file.
    std::fs::write(&path, [0u8, 1, 2, 0xff, 0xfe, 0, 0x89, b'P', b'N', b'G']).unwrap();
    let e = Config::load(&path).unwrap_err();
    assert!(e.message.contains("not UTF-8"), "{e}");
    std::fs::write(&path, [0u8, 1, 2, 3, b'\n', 0]).unwrap();
    let e = Config::load(&path).unwrap_err();
    assert!(e.message.starts_with("invalid YAML"), "{e}");

    // UTF-16 with a BOM is not UTF-8 either.
    std::fs::write(&path, [0xff, 0xfe, b'l', 0, b'i', 0]).unwrap();
    assert!(Config::load(&path)
        .unwrap_err()
        .message
        .contains("not UTF-8"));
}

#[test]
fn load_reports_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = Config::load(&dir.path().join("missing.yml")).unwrap_err();
    assert!(e.message.starts_with("cannot read the file"), "{e}");
    // A directory is not a file.
    let e = Config::load(dir.path()).unwrap_err();
    assert!(e.message.starts_with("cannot read the file"), "{e}");
}

#[test]
fn discover_finds_yml_or_yaml() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(Config::discover(dir.path()).unwrap(), Config::default());
    assert_eq!(Config::find(dir.path()).unwrap(), None);

    std::fs::write(
        dir.path().join(".sfci.yaml"),
        "lint: {rules: {parse-error: {severity: off}}}\n",
    )
    .unwrap();
    let c = Config::discover(dir.path()).unwrap();
    assert_eq!(
        c.lint.severity_override("parse-error"),
        Some(RuleSeverity::Off)
    );

    std::fs::write(dir.path().join(".sfci.yml"), "lint: {}\n").unwrap();
    let e = Config::discover(dir.path()).unwrap_err();
    assert!(e.message.contains("keep only one"), "{e}");

    std::fs::remove_file(dir.path().join(".sfci.yaml")).unwrap();
    std::fs::write(dir.path().join(".sfci.yml"), "lint:\n  bogus: 1\n").unwrap();
    let e = Config::discover(dir.path()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:2:3: unknown key `lint.bogus`; valid keys here: `rules`, `exclude`, `baseline`",
            dir.path().join(".sfci.yml").display()
        )
    );
}

// --- the JSON Schema -----------------------------------------------------------------

const SCHEMA: &str = include_str!("../../schemas/sfci.schema.json");

fn schema() -> serde_json::Value {
    serde_json::from_str(SCHEMA).expect("schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("schema compiles")
}

fn yaml_to_json(text: &str) -> serde_json::Value {
    load_strict(text, "test.yml")
        .expect("YAML converts to JSON")
        .unwrap_or_default()
}

#[test]
fn schema_accepts_the_full_example() {
    let instance = yaml_to_json(FULL_EXAMPLE);
    let v = validator();
    let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    for text in [
        "{}",
        "lint: {}",
        "lint:\n",
        "deps: null",
        "deps: {}",
        "deps:\n  teams:\n  allow:\n  deny:\n",
        "deps:\n  teams:\n    sales: {paths: null, owners: ~}\n",
        "deps:\n  teams:\n    A_b.c-1: {owners: [\"@@maintainer\", \"x@y.z\"]}\n",
        "deps:\n  allow: [{from: \"*\", to: \"*\"}]\n",
    ] {
        assert!(v.is_valid(&yaml_to_json(text)), "{text}");
        ok(text);
    }
}

#[test]
fn schema_and_loader_reject_the_same_mistakes() {
    let v = validator();
    for text in [
        "lint:\n  rules:\n    callout-without-timeout:\n      sevrity: warning\n",
        "lnt: {}\n",
        "lint:\n  excludes: []\n",
        "lint:\n  rules:\n    no-such-rule: {}\n",
        "lint:\n  baseline: \"\"\n",
        "lint:\n  baseline: [a.json]\n",
        "lint:\n  baseline: /etc/baseline.json\n",
        "lint:\n  baseline: ../outside.json\n",
        "lint:\n  rules:\n    parse-error: {severity: fatal}\n",
        "lint:\n  rules:\n    parse-error:\n",
        "lint:\n  exclude: a/**\n",
        "lint:\n  exclude: [1]\n",
        "lint:\n  exclude: [\"\"]\n",
        "lint:\n  exclude: [\"./\"]\n",
        "deps:\n  enabled: true\n",
        "deps: [x]\n",
        "deps:\n  teams: [sales]\n",
        "deps:\n  teams:\n    sales:\n",
        "deps:\n  teams:\n    sales: {pathz: []}\n",
        "deps:\n  teams:\n    sales: {paths: a/**}\n",
        "deps:\n  teams:\n    sales: {paths: [1]}\n",
        "deps:\n  teams:\n    sales: {paths: [\"\"]}\n",
        "deps:\n  teams:\n    sales: {paths: [\" \"]}\n",
        "deps:\n  teams:\n    sales: {paths: [\"./\"]}\n",
        "deps:\n  teams:\n    sales: {owners: [1]}\n",
        "deps:\n  teams:\n    sales: {owners: [true]}\n",
        "deps:\n  teams:\n    sales: {owners: [{team: a}]}\n",
        "deps:\n  teams:\n    sales: {owners: \"@acme/sales\"}\n",
        "deps:\n  teams:\n    sales: {owners: [\"acme-sales\"]}\n",
        "deps:\n  teams:\n    sales: {owners: [\"@acme sales\"]}\n",
        "deps:\n  teams:\n    sales: {owners: [\"@\"]}\n",
        "deps:\n  teams:\n    sales: {owners: [\"a@b@c\"]}\n",
        "deps:\n  teams:\n    sales: {owners: [\"\"]}\n",
        "deps:\n  teams:\n    \"sales team\": {}\n",
        "deps:\n  teams:\n    \"sales/eu\": {}\n",
        "deps:\n  teams:\n    \"\": {}\n",
        "deps:\n  allow: {from: a, to: b}\n",
        "deps:\n  allow: [shared]\n",
        "deps:\n  allow:\n    - { from: a }\n",
        "deps:\n  allow:\n    - { to: a }\n",
        "deps:\n  allow:\n    - { from: a, to: b, why: c }\n",
        "deps:\n  deny:\n    - { from: a, to: 1 }\n",
        "deps:\n  deny:\n    - { from: \"\", to: b }\n",
        "deps:\n  deny:\n    - { from: \"  \", to: b }\n",
        "deps:\n  deny:\n    -\n",
        "gate: []\n",
        "- lint\n",
    ] {
        assert!(
            Config::from_str(text, "t").is_err(),
            "loader accepts {text:?}"
        );
        assert!(!v.is_valid(&yaml_to_json(text)), "schema accepts {text:?}");
    }
}

#[test]
fn schema_lists_the_same_rule_ids_sections_and_severities() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let ids: Vec<&str> = s["properties"]["lint"]["properties"]["rules"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = crate::lint::rule_ids();
    let mut got = ids.clone();
    expected.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, expected);

    let mut sections: Vec<&str> = s["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    sections.sort_unstable();
    let mut expected = SECTIONS.to_vec();
    expected.sort_unstable();
    assert_eq!(sections, expected);

    let severities = &s["$defs"]["rule"]["properties"]["severity"]["enum"];
    assert_eq!(severities, &serde_json::json!(["error", "warning", "off"]));
}

const GATE_EXAMPLE: &str = "\
gate:
  coverage:
    min: 85
    tiers:
      - { name: critical, min: 100, classes: [\"Payment*\", \"Order*\"] }
      - name: standard
        min: 75.5
        classes: [\"*\"]
  window:
    allow: [\"Fri 18:00-22:00 America/New_York\", \"Sat 22:00-02:00\"]
    freeze: [\"2024-12-20..2025-01-02\", \"2025-03-01T18:00..2025-03-02T06:00 Europe/Paris\"]
  promotion:
    rules:
      - { from: \"release/*\", to: main }
      - { from: develop, to: \"release/*\" }
";

#[test]
fn gate_section_loads_and_agrees_with_the_schema() {
    let c = ok(GATE_EXAMPLE);
    assert_eq!(c.gate.coverage.min, Some(Percent(85.0)));
    assert_eq!(c.gate.coverage.tiers.len(), 2);
    assert_eq!(c.gate.coverage.tiers[1].min, Percent(75.5));
    assert_eq!(c.gate.window.allow.len(), 2);
    assert_eq!(c.gate.promotion.rules[1].from, "develop");
    let again = ok(&serde_saphyr::to_string(&c).unwrap());
    assert_eq!(again, c);
    let v = validator();
    assert!(v.is_valid(&yaml_to_json(GATE_EXAMPLE)));
    for text in [
        "gate:\n  coverage: {}\n",
        "gate:\n  window:\n  promotion: {rules: []}\n",
    ] {
        ok(text);
        assert!(v.is_valid(&yaml_to_json(text)), "{text}");
    }
    for text in [
        "gate:\n  coverage:\n    min: 101\n",
        "gate:\n  coverage:\n    min: \"85\"\n",
        "gate:\n  coverage:\n    tiers: [{name: x, min: 50}]\n",
        "gate:\n  coverage:\n    tiers: [{name: x, min: 50, classes: [\"*\"], why: y}]\n",
        "gate:\n  coverage:\n    tiers: [{name: \" \", min: 50, classes: [\"*\"]}]\n",
        "gate:\n  coverage:\n    tiers: [{name: x, min: -1, classes: [\"*\"]}]\n",
        "gate:\n  window:\n    allow: [\"Fri\"]\n",
        "gate:\n  window:\n    freeze: [\"soon\"]\n",
        "gate:\n  window:\n    allow: \"Fri 18:00-22:00\"\n",
        "gate:\n  promotion:\n    rules: [{from: a}]\n",
        "gate:\n  promotion:\n    rules: [{from: a, to: \" \"}]\n",
        "gate:\n  lock: {}\n",
    ] {
        assert!(
            Config::from_str(text, "t").is_err(),
            "loader accepts {text:?}"
        );
        assert!(!v.is_valid(&yaml_to_json(text)), "schema accepts {text:?}");
    }
}

#[test]
fn schema_is_closed_and_documented_everywhere() {
    fn walk(v: &serde_json::Value, at: &str, problems: &mut Vec<String>) {
        let Some(obj) = v.as_object() else { return };
        let is_object_schema = obj.get("type").is_some_and(|t| {
            t == "object"
                || t.as_array()
                    .is_some_and(|a| a.iter().any(|x| x == "object"))
        });
        if is_object_schema && obj.get("additionalProperties") != Some(&serde_json::json!(false)) {
            problems.push(format!("{at}: object without additionalProperties: false"));
        }
        if let Some(props) = obj.get("properties").and_then(|p| p.as_object()) {
            for (k, p) in props {
                if p.get("description")
                    .and_then(|d| d.as_str())
                    .is_none_or(str::is_empty)
                {
                    problems.push(format!("{at}.{k}: no description"));
                }
                walk(p, &format!("{at}.{k}"), problems);
            }
        }
        if let Some(props) = obj.get("patternProperties").and_then(|p| p.as_object()) {
            for (k, p) in props {
                if p.get("description").is_none() {
                    problems.push(format!("{at}.{k}: no description"));
                }
                walk(p, &format!("{at}.{k}"), problems);
            }
        }
        for key in ["$defs", "items"] {
            match obj.get(key) {
                Some(serde_json::Value::Object(m)) if key == "$defs" => {
                    for (k, d) in m {
                        walk(d, &format!("{at}.$defs.{k}"), problems)
                    }
                }
                Some(other) => walk(other, &format!("{at}.{key}"), problems),
                None => {}
            }
        }
    }
    let mut problems = vec![];
    walk(&schema(), "", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_scalar_where_a_section_belongs_is_a_type_error_at_the_key() {
    for (text, key) in [
        ("lint: 5\n", "lint"),
        ("gate:\n  window: yes\n", "gate.window"),
        ("deps: text\n", "deps"),
    ] {
        let e = err(text);
        assert_eq!(e.key.as_deref(), Some(key), "{e}");
        assert!(e.message.contains("invalid type"), "{e}");
    }
}
