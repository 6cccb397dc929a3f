//! `smoke`: declarative post-deployment verification of a live org.
//!
//! A spec ([`spec`]) lists checks — SOQL and Tooling queries with expected records,
//! anonymous Apex that must run (rolled back by default), HTTP endpoints, org limits and
//! the org's identity. [`run`] runs them concurrently against the [`crate::org`] client and
//! produces a [`ResultsReport`]. Ready-made specs for the post-deploy incidents of the
//! reference material are compiled in as presets ([`PRESETS`]).

pub mod config;
pub mod expect;
pub mod run;
pub mod spec;

use crate::config::ConfigError;
use crate::org::{Credentials, Org, OrgConfig};
use crate::report::results::{CheckResult, ResultsReport, Status};
use spec::{Check, Spec, Vars};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Presets: (name, one-line description, spec text).
pub const PRESETS: &[(&str, &str, &str)] = &[
    ("org-identity", "connected to the expected org (EXPECTED_ORG_ID)", include_str!("presets/org-identity.yml")),
    ("approval-process-active", "an approval process is active (APPROVAL_PROCESS)", include_str!("presets/approval-process-active.yml")),
    ("permission-set-assigned", "a permission set is assigned to N active users (PERMISSION_SET, MIN_ASSIGNEES)", include_str!("presets/permission-set-assigned.yml")),
    ("custom-metadata-value", "a custom-metadata field has this environment's value (CMDT_TYPE, CMDT_RECORD, CMDT_FIELD, CMDT_EXPECTED)", include_str!("presets/custom-metadata-value.yml")),
    ("scheduled-jobs-waiting", "scheduled jobs are WAITING with a next fire time (SCHEDULED_JOBS, MIN_JOBS)", include_str!("presets/scheduled-jobs-waiting.yml")),
    ("no-failed-async-jobs", "no failed async or batch Apex since the deploy (DEPLOY_STARTED_AT)", include_str!("presets/no-failed-async-jobs.yml")),
    ("api-limits", "at least 20 % of the daily API and async Apex allocations remain", include_str!("presets/api-limits.yml")),
];

/// Every preset's name, comma-separated (for messages).
pub fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of a preset.
pub fn preset(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, t)| *t)
}

/// Why smoke could not run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SmokeError {
    #[error("{0}")]
    Spec(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
}

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct SmokeOptions {
    /// Spec files (none: `smoke.yml` unless presets are given).
    pub specs: Vec<PathBuf>,
    pub presets: Vec<String>,
    /// Run only checks with one of these tags (empty: all).
    pub tags: Vec<String>,
    /// Checks at once (default: the spec's `concurrency`, else 8).
    pub concurrency: Option<usize>,
    /// The whole run's time limit.
    pub timeout: Duration,
}

/// Loads every spec and preset into one list of checks.
pub fn load(
    opts: &SmokeOptions,
    vars: &dyn Vars,
) -> Result<(Vec<Check>, Option<usize>), SmokeError> {
    let mut checks: Vec<Check> = Vec::new();
    let mut concurrency = None;
    let mut specs = opts.specs.clone();
    if specs.is_empty() && opts.presets.is_empty() {
        let default = Path::new("smoke.yml");
        if !default.exists() {
            return Err(SmokeError::Usage(
                "no smoke.yml here: pass --spec FILE or --preset NAME (see --list-presets)".into(),
            ));
        }
        specs.push(default.to_path_buf());
    }
    let mut add = |spec: Spec| -> Result<(), SmokeError> {
        for c in spec.checks {
            if let Some(other) = checks.iter().find(|o| o.name == c.name) {
                return Err(SmokeError::Usage(format!(
                    "two checks are named {:?} ({} and {}); names identify checks in reports",
                    c.name, other.origin, c.origin
                )));
            }
            checks.push(c);
        }
        concurrency = concurrency.or(spec.concurrency);
        Ok(())
    };
    for path in &specs {
        let origin = path.display().to_string();
        let text = crate::config::yaml::read_text(path, &origin, "spec")?;
        add(Spec::parse(&text, &origin, vars)?)?;
    }
    for name in &opts.presets {
        let text = preset(name).ok_or_else(|| {
            SmokeError::Usage(format!(
                "no preset named {name:?}; presets: {}",
                PRESETS
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        add(Spec::parse(text, &format!("preset {name}"), vars)?)?;
    }
    Ok((checks, concurrency))
}

/// Checks `--tags` against the checks: an error when it selects none (a run that checks
/// nothing must not pass), a warning for each tag no check has (a typo).
pub fn check_tags(checks: &[Check], tags: &[String]) -> Result<Vec<String>, SmokeError> {
    if tags.is_empty() {
        return Ok(Vec::new());
    }
    let known: std::collections::BTreeSet<&str> = checks
        .iter()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    let unknown: Vec<String> = tags
        .iter()
        .filter(|t| !known.contains(t.as_str()))
        .map(|t| format!("--tags {t}: no check has this tag"))
        .collect();
    if unknown.len() == tags.len() {
        return Err(SmokeError::Usage(format!(
            "--tags {} selects no check; the checks' tags are: {}",
            tags.join(","),
            if known.is_empty() {
                "(none)".to_string()
            } else {
                known.into_iter().collect::<Vec<_>>().join(", ")
            }
        )));
    }
    Ok(unknown)
}

/// Runs the checks selected by `opts.tags` (the others are `skip`) against the org.
pub fn run(
    creds: Credentials,
    mut cfg: OrgConfig,
    checks: Vec<Check>,
    concurrency: usize,
    opts: &SmokeOptions,
) -> ResultsReport {
    let started = Instant::now();
    let deadline = started + opts.timeout;
    cfg.policy.deadline = Some(deadline);
    let mut report = ResultsReport::new("smoke");
    report
        .summary
        .insert("auth".into(), creds.describe().into());
    let (selected, skipped): (Vec<Check>, Vec<Check>) = checks
        .into_iter()
        .partition(|c| opts.tags.is_empty() || c.tags.iter().any(|t| opts.tags.contains(t)));
    let results = match crate::org::runtime() {
        Err(e) => run::all_unreachable(&selected, &e.to_string()),
        Ok(rt) => rt.block_on(async {
            match Org::connect(creds, cfg).await {
                Err(e) => {
                    let why = format!("cannot log in to the org: {e}");
                    eprintln!("smoke: {why}");
                    run::all_unreachable(&selected, &why)
                }
                Ok(org) => {
                    let r = run::run_checks(&org, &selected, concurrency, deadline).await;
                    if let Some(u) = org.usage() {
                        report
                            .summary
                            .insert("api_usage".into(), u.to_string().into());
                    }
                    report
                        .summary
                        .insert("requests".into(), org.requests_sent().into());
                    r
                }
            }
        }),
    };
    report.results = results;
    for c in skipped {
        report.results.push(
            CheckResult::new(
                c.name,
                Status::Skip,
                format!("not selected by --tags {}", opts.tags.join(",")),
            )
            .with_group(format!("smoke.{}", c.kind.label())),
        );
    }
    report.duration = started.elapsed();
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn every_preset_parses_with_its_variables() {
        let vars: BTreeMap<String, String> = [
            ("EXPECTED_ORG_ID", "00D5g000004abcdEAA"),
            ("APPROVAL_PROCESS", "Opp_Approval"),
            ("PERMISSION_SET", "Sales_Ops"),
            ("MIN_ASSIGNEES", "10"),
            ("CMDT_TYPE", "Feature_Flag__mdt"),
            ("CMDT_RECORD", "New_Pricing"),
            ("CMDT_FIELD", "Enabled__c"),
            ("CMDT_EXPECTED", "false"),
            ("SCHEDULED_JOBS", "Nightly%"),
            ("MIN_JOBS", "2"),
            ("DEPLOY_STARTED_AT", "2026-11-27T22:00:00Z"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (name, _, text) in PRESETS {
            let spec = Spec::parse(text, name, &vars).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!spec.checks.is_empty(), "{name}");
        }
        let spec = Spec::parse(preset("custom-metadata-value").unwrap(), "p", &vars).unwrap();
        assert_eq!(
            spec.checks[0].expect.equals.get("Enabled__c"),
            Some(&serde_json::json!("false"))
        );
        let spec = Spec::parse(preset("permission-set-assigned").unwrap(), "p", &vars).unwrap();
        assert_eq!(spec.checks[0].expect.min, Some(10));
        // A missing variable names itself.
        let e = Spec::parse(
            preset("approval-process-active").unwrap(),
            "preset approval-process-active",
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("APPROVAL_PROCESS"), "{e}");
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    fn validator() -> jsonschema::Validator {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/smoke.schema.json")).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .unwrap()
    }

    fn yaml(text: &str) -> serde_json::Value {
        serde_saphyr::from_str(text).unwrap()
    }

    #[test]
    fn presets_validate_and_the_schema_rejects_what_the_loader_rejects() {
        let v = validator();
        for (name, _, text) in PRESETS {
            let errors: Vec<String> = v.iter_errors(&yaml(text)).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
        }
        let vars = std::collections::BTreeMap::<String, String>::new();
        for bad in [
            "checks:\n  - name: a\n",
            "checks:\n  - {name: a, soql: x, apex: y}\n",
            "checks:\n  - {name: a, soql: x, colour: red}\n",
            "checks:\n  - {name: a, soql: x, timeout: soon}\n",
            "checks:\n  - {name: a, soql: x, expect: {equals: {F: {between: 1}}}}\n",
            "checks:\n  - {name: a, org: {}}\n",
            "checks: []\nextra: 1\n",
        ] {
            assert!(!v.is_valid(&yaml(bad)), "schema accepts {bad}");
            assert!(
                Spec::parse(bad, "s", &vars).is_err(),
                "loader accepts {bad}"
            );
        }
        let good = "checks:\n  - {name: a, soql: x, wait: 1m, expect: {min: 1, all: {State: {in: [A, B]}}}}\n  - {name: b, http: {url: /x}, expect: {status: 204}}\n";
        assert!(v.is_valid(&yaml(good)));
        assert!(Spec::parse(good, "s", &vars).is_ok());
        // `org: 00D…` is shorthand for `org: {id: 00D…}`, in the loader and the schema.
        let short = "checks:\n  - {name: a, org: 00D000000000001AAA}\n";
        assert!(v.is_valid(&yaml(short)));
        assert!(Spec::parse(short, "s", &vars).is_ok());
        let wrong = "checks:\n  - {name: a, org: [00D000000000001AAA]}\n";
        assert!(!v.is_valid(&yaml(wrong)));
        assert!(Spec::parse(wrong, "s", &vars).is_err());
    }
}
