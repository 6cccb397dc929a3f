//! `gate deploy-result`: judges a deployment, validation or test run from the JSON the
//! Salesforce CLI already wrote (see [`super::sf_result`] for what is read).
//!
//! Checks, each a JUnit test case:
//!
//! - **deployment status** (group `deploy`): `Succeeded` passes; `Failed`, `SucceededPartial`,
//!   `Canceled` and the CLI's error envelope fail; a deployment still running is an error
//!   (it cannot be judged yet). For a test run, the run's outcome.
//! - **components** (group `components`): one failing case per component failure, also a
//!   finding (`deploy-component-failure`) at the component's file and line — class names and
//!   the org's `fileName` are mapped to the repository's sources — for SARIF, Code Quality and
//!   annotations.
//! - **Apex tests**: one case per test method (classname = Apex class, time, failure message
//!   and stack trace); a failed test is also a finding (`apex-test-failure`) at the line of the
//!   test class its stack trace names.
//! - **coverage** (group `coverage`): org-wide coverage ≥ `--min-coverage` (the input's
//!   org-wide figure when it has one, else computed from the per-class locations); one case per
//!   tier of `gate.coverage.tiers` (every class in the tier ≥ its minimum; a class belongs to
//!   the first tier whose globs match it); flow coverage ≥ `--min-flow-coverage` when asked.
//!   No coverage data is *inconclusive*, never a pass.
//!
//! The Markdown summary lists the worst-covered classes; `--cobertura` writes Cobertura XML
//! ([`super::cobertura`]).
//!
//! [`command`] holds the command (thresholds, input, side files, note, record).

mod apex_tests;
pub mod command;
mod components;
mod coverage;
mod worst;

pub use command::{run, DeployResult};

use super::sf_result::{ClassCoverage, ComponentFailure, Kind, Parsed};
use super::GateError;
use crate::gate::config::{ClassGlobs, CoverageTier};
use crate::report::markdown::escape_cell;
use crate::report::results::{CheckResult, ResultsReport};
use crate::report::{fingerprint, ExitCode, Finding, Render, RuleInfo, Severity};
use globset::GlobSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The rules of the findings this gate reports.
pub const COMPONENT_FAILURE: RuleInfo = RuleInfo {
    id: "deploy-component-failure",
    short: "A component failed to deploy.",
    full: "The org rejected this component during the deployment or validation (a compile error, a missing dependency, an invalid field).",
    help: "Fix the problem the org reports at this line and deploy again; validate with `sf project deploy validate` before release night.",
    default_severity: Severity::Error,
};

pub const TEST_FAILURE: RuleInfo = RuleInfo {
    id: "apex-test-failure",
    short: "An Apex test failed.",
    full: "An Apex test method failed in the deployment or test run; a production deployment with RunLocalTests fails on any test failure.",
    help: "Read the message and stack trace; run the test locally with `sf apex run test --tests Class.method`.",
    default_severity: Severity::Error,
};

/// A coverage tier, compiled: from `gate.coverage.tiers` (compiled when `.sfci.yml` was
/// loaded) or a `--tier` flag.
#[derive(Debug, Clone)]
pub struct Tier {
    pub name: String,
    pub min: f64,
    pub patterns: Vec<String>,
    set: GlobSet,
}

impl Tier {
    pub fn new(name: &str, min: f64, patterns: &[String]) -> Result<Tier, GateError> {
        if !(0.0..=100.0).contains(&min) {
            return Err(GateError(format!(
                "tier `{name}`: minimum {min} is not a percentage from 0 to 100"
            )));
        }
        let classes =
            ClassGlobs::new(patterns).map_err(|e| GateError(format!("tier `{name}`: {e}")))?;
        Ok(Tier::with_classes(name, min, &classes))
    }

    fn with_classes(name: &str, min: f64, classes: &ClassGlobs) -> Tier {
        Tier {
            name: name.to_string(),
            min,
            patterns: classes.patterns().to_vec(),
            set: classes.set().clone(),
        }
    }

    /// The tier as loaded: its globs were checked and compiled then, so this cannot fail.
    pub fn from_config(t: &CoverageTier) -> Tier {
        Tier::with_classes(&t.name, t.min.0, &t.classes)
    }

    /// `--tier NAME=MIN:GLOB,GLOB` (`critical=100:Payment*,Order*`).
    pub fn parse_flag(s: &str) -> Result<Tier, GateError> {
        let bad = || {
            GateError(format!("invalid --tier `{s}`: write NAME=MIN:GLOB[,GLOB…], e.g. 'critical=100:Payment*,Order*'"))
        };
        let (name, rest) = s.split_once('=').ok_or_else(bad)?;
        let (min, globs) = rest.split_once(':').ok_or_else(bad)?;
        let min: f64 = min
            .trim()
            .trim_end_matches('%')
            .parse()
            .map_err(|_| bad())?;
        let globs: Vec<String> = globs
            .split(',')
            .map(|g| g.trim().to_string())
            .filter(|g| !g.is_empty())
            .collect();
        if name.trim().is_empty() || globs.is_empty() {
            return Err(bad());
        }
        Tier::new(name.trim(), min, &globs)
    }
}

/// What the gate checks against.
#[derive(Debug, Clone)]
pub struct Options {
    /// Org-wide minimum; 0 skips the check.
    pub min_coverage: f64,
    pub tiers: Vec<Tier>,
    pub min_flow_coverage: Option<f64>,
    /// When no test ran (a `NoTestRun` deployment), coverage is an error (inconclusive)
    /// instead of a skip.
    pub require_coverage: bool,
    /// The deployment ran `RunSpecifiedTests` (`--test-level`; also recognised from the org's
    /// "Test coverage of selected Apex …" warnings). The org then requires 75 % of every Apex
    /// class and trigger *in the deployment* from the specified tests alone, and states no
    /// org-wide figure: the classes in `codeCoverage` are only those the tests reached, so an
    /// org-wide percentage computed from them would judge the wrong thing.
    pub specified_tests: bool,
    /// The input's name, for messages.
    pub origin: String,
}

/// The per-class minimum of a `RunSpecifiedTests` deployment (fixed by the platform).
pub const SPECIFIED_TESTS_MIN: f64 = 75.0;

/// `(class or trigger, percent)` from the org's `RunSpecifiedTests` coverage warnings
/// ("AccountService: Test coverage of selected Apex Class is 60%, at least 75% test coverage
/// is required"), in input order.
pub fn specified_tests_shortfalls(warnings: &[String]) -> Vec<(String, Option<f64>)> {
    const MARK: &str = "Test coverage of selected Apex ";
    warnings
        .iter()
        .filter_map(|w| {
            let i = w.find(MARK)?;
            let name = w[..i].trim_end().trim_end_matches(':').trim();
            let rest = &w[i + MARK.len()..];
            let pct = rest.find(" is ").and_then(|j| {
                let num: String = rest[j + 4..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                num.parse().ok()
            });
            let name = if name.is_empty() { "(unnamed)" } else { name };
            Some((name.to_string(), pct))
        })
        .collect()
}

/// Repository files by Apex class name and by path suffix, to put findings on files.
#[derive(Debug, Default)]
pub struct SourceIndex {
    root: PathBuf,
    /// Lowercase `name.cls` / `name.trigger` → repository-relative path.
    apex: HashMap<String, String>,
    /// Every indexed file (repository-relative).
    files: Vec<String>,
}

const INDEXED: &[&str] = &[
    "cls",
    "trigger",
    "xml",
    "js",
    "html",
    "css",
    "page",
    "component",
    "cmp",
    "app",
    "evt",
    "design",
    "email",
    "resource",
    "json",
];

impl SourceIndex {
    /// Indexes the sources under `root` (its `sfdx-project.json` package directories, else
    /// the folder). Problems only reduce what can be mapped.
    pub fn build(root: &Path) -> SourceIndex {
        let mut idx = SourceIndex {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            ..Default::default()
        };
        match crate::source::discover(&[root.to_path_buf()], INDEXED, None) {
            Ok(set) => {
                idx.root = set.root.clone();
                for f in set.files {
                    let lower = f.rel.to_ascii_lowercase();
                    if lower.ends_with(".cls") || lower.ends_with(".trigger") {
                        if let Some(name) = lower.rsplit('/').next() {
                            idx.apex.entry(name.to_string()).or_insert_with(|| f.rel.clone());
                        }
                    }
                    idx.files.push(f.rel);
                }
            }
            Err(e) => eprintln!("gate deploy-result: cannot index the sources under {}: {e}; findings keep the org's file names", root.display()),
        }
        idx
    }

    /// The file of an Apex class or trigger (`kind` `Trigger` tries `.trigger` first).
    pub fn apex(&self, name: &str, trigger: bool) -> Option<&str> {
        let bare = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
        let (a, b) = if trigger {
            ("trigger", "cls")
        } else {
            ("cls", "trigger")
        };
        self.apex
            .get(&format!("{bare}.{a}"))
            .or_else(|| self.apex.get(&format!("{bare}.{b}")))
            .map(String::as_str)
    }

    /// The repository file of a failed component.
    pub fn component(
        &self,
        f: &ComponentFailure,
        files: &[(String, String, String)],
    ) -> Option<String> {
        let ty = f.component_type.as_deref().unwrap_or("");
        if ty.eq_ignore_ascii_case("ApexClass") || ty.eq_ignore_ascii_case("ApexTrigger") {
            if let Some(p) = self.apex(&f.full_name, ty.eq_ignore_ascii_case("ApexTrigger")) {
                return Some(p.to_string());
            }
        }
        // A local path the CLI reported for this component.
        for (t, name, path) in files {
            if name == &f.full_name && (ty.is_empty() || t == ty) {
                let p = Path::new(path);
                let rel = if p.is_absolute() {
                    crate::source::rel_path(&self.root, p)
                } else {
                    path.replace('\\', "/")
                };
                return Some(rel);
            }
        }
        let file = f.file_name.as_deref()?.replace('\\', "/");
        if self.files.contains(&file) {
            return Some(file);
        }
        // `classes/Foo.cls` (Metadata API) → `force-app/main/default/classes/Foo.cls`, also as
        // `…-meta.xml`; `objects/Account.object` → `objects/Account/Account.object-meta.xml`.
        let tail = file.trim_start_matches("unpackaged/");
        let mut suffixes = vec![format!("/{tail}"), format!("/{tail}-meta.xml")];
        if let Some((folder, leaf)) = tail.rsplit_once('/') {
            if let Some((stem, ext)) = leaf.rsplit_once('.') {
                suffixes.push(format!("/{folder}/{stem}/{stem}.{ext}-meta.xml"));
            }
        }
        self.files
            .iter()
            .find(|x| suffixes.iter().any(|s| x.ends_with(s.as_str())))
            .cloned()
            .or(Some(file))
    }
}

/// One row of the worst-covered table.
#[derive(Debug, Clone)]
pub struct Worst {
    pub name: String,
    pub percent: f64,
    pub covered: u64,
    pub total: u64,
    pub tier: Option<String>,
}

/// The gate's report: the results plus the coverage table of the Markdown summary.
#[derive(Debug, Clone)]
pub struct DeployReport {
    pub results: ResultsReport,
    pub worst: Vec<Worst>,
    /// Classes under the minimum of their coverage tier, lowest first within each tier.
    pub below: Vec<Below>,
    pub cobertura: Option<String>,
}

/// A class under its tier's minimum.
#[derive(Debug, Clone)]
pub struct Below {
    pub name: String,
    pub percent: f64,
    pub covered: u64,
    pub total: u64,
    pub tier: String,
    pub min: f64,
}

impl DeployReport {
    fn worst_table(&self) -> String {
        if self.worst.is_empty() {
            return String::new();
        }
        let mut s = String::from("\n### Worst-covered classes\n\n| class | coverage | lines | tier |\n|---|---:|---:|---|\n");
        for w in &self.worst {
            s.push_str(&format!(
                "| {} | {:.1} % | {}/{} | {} |\n",
                escape_cell(&w.name),
                w.percent,
                w.covered,
                w.total,
                w.tier
                    .as_deref()
                    .map(escape_cell)
                    .unwrap_or_else(|| "—".into())
            ));
        }
        s
    }
}

impl Render for DeployReport {
    fn exit_code(&self) -> ExitCode {
        self.results.exit_code()
    }
    fn json(&self) -> String {
        Render::json(&self.results)
    }
    fn junit(&self) -> String {
        Render::junit(&self.results)
    }
    fn sarif(&self) -> String {
        Render::sarif(&self.results)
    }
    fn codequality(&self) -> String {
        Render::codequality(&self.results)
    }
    fn text(&self, color: bool) -> String {
        Render::text(&self.results, color)
    }
    fn github(&self, pointer: &str) -> String {
        Render::github(&self.results, pointer)
    }
    fn markdown(&self, limit: usize) -> String {
        let table = self.worst_table();
        if table.len() >= limit {
            return Render::markdown(&self.results, limit);
        }
        let mut s = Render::markdown(&self.results, limit - table.len());
        s.push_str(&table);
        s
    }
}

pub(crate) fn pct(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// `Class.FooTest.testX: line 12, column 1` → 12, for the frame of `class` (else the first).
pub(crate) fn stack_line(trace: &str, class: &str) -> Option<u32> {
    let bare = class
        .rsplit('.')
        .next()
        .unwrap_or(class)
        .to_ascii_lowercase();
    let mut first = None;
    for frame in trace.lines() {
        let lower = frame.to_ascii_lowercase();
        let Some(i) = lower.find(": line ") else {
            continue;
        };
        let n: String = lower[i + 7..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let Ok(n) = n.parse::<u32>() else { continue };
        if lower.contains(&format!(".{bare}.")) || lower.starts_with(&format!("{bare}.")) {
            return Some(n);
        }
        first.get_or_insert(n);
    }
    first
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &RuleInfo,
    severity: Severity,
    file: String,
    line: u32,
    column: u32,
    symbol: String,
    message: String,
    key: &str,
) -> Finding {
    Finding {
        rule: rule.id.to_string(),
        severity,
        fingerprint: fingerprint(&[rule.id, &file, &symbol, key]),
        file,
        line: line.max(1),
        column: column.max(1),
        symbol: Some(symbol),
        message,
        chain: Vec::new(),
        in_change: false,
        extra: Default::default(),
    }
}

fn status_check(p: &Parsed) -> CheckResult {
    let id =
        p.id.as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
    let what = match (p.kind, p.check_only) {
        (Kind::TestRun, _) => "test run",
        (_, Some(true)) => "validation",
        _ => "deployment",
    };
    let err = p
        .error_message
        .as_deref()
        .map(|m| format!(": {}", m.lines().next().unwrap_or(m)))
        .unwrap_or_default();
    let detail = p.error_message.clone();
    let r = match p.kind {
        Kind::DeployError => {
            CheckResult::fail("deployment status", format!("the {what} failed{id}{err}"))
        }
        Kind::TestRun => match p.status.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("passed") => CheckResult::pass("test run outcome", format!("Passed{id}")),
            Some("failed") => CheckResult::fail("test run outcome", format!("Failed{id}")),
            Some(other) => CheckResult::error(
                "test run outcome",
                format!("the run is not finished or has an unknown outcome `{other}`{id}"),
            ),
            None => CheckResult::error("test run outcome", format!("the input has no outcome{id}")),
        },
        Kind::Deploy => {
            let status = p.status.as_deref().unwrap_or("");
            match status {
                "Succeeded" if p.success != Some(false) => CheckResult::pass(
                    "deployment status",
                    format!(
                        "the {what} succeeded{id}{}",
                        p.components_total.map(|n| format!("; {n} components")).unwrap_or_default()
                    ),
                ),
                "InProgress" | "Pending" | "Queued" | "Finalizing" | "Canceling" => CheckResult::error(
                    "deployment status",
                    format!("the {what} is not finished (status {status}){id}: report it again when it is done (`sf project deploy report --job-id … --json`)"),
                ),
                "" => match p.success {
                    Some(true) => CheckResult::pass("deployment status", format!("the {what} succeeded{id}")),
                    Some(false) => CheckResult::fail("deployment status", format!("the {what} failed{id}{err}")),
                    None => CheckResult::error("deployment status", format!("the input has no status{id}")),
                },
                other => CheckResult::fail("deployment status", format!("the {what} ended with status {other}{id}{err}")),
            }
        }
    };
    let r = r.with_group("deploy");
    match detail {
        Some(d) if d.contains('\n') => r.with_detail(d),
        _ => r,
    }
}

/// Evaluates a parsed input: the deployment status, the components, the Apex tests, the
/// coverage checks, then the worst-covered classes and (when wanted) the Cobertura XML.
pub fn evaluate(
    p: &Parsed,
    opts: &Options,
    idx: &SourceIndex,
    want_cobertura: bool,
) -> DeployReport {
    let mut report = ResultsReport::new("gate deploy-result");
    report.findings.rules = vec![COMPONENT_FAILURE, TEST_FAILURE];
    report.summary.insert("input".into(), p.source.into());
    if let Some(id) = &p.id {
        report.summary.insert("id".into(), id.clone().into());
    }
    report.results =
        Vec::with_capacity(p.tests.len() + p.component_failures.len() + opts.tiers.len() + 4);
    report.results.push(status_check(p));
    components::check(p, idx, &mut report);
    apex_tests::check(p, idx, &mut report);
    let measured: Vec<&ClassCoverage> = p.coverage.iter().filter(|c| c.total > 0).collect();
    let tier_of: Vec<Option<usize>> = measured
        .iter()
        .map(|c| opts.tiers.iter().position(|t| t.set.is_match(&c.name)))
        .collect();
    let below = coverage::check(p, opts, &measured, &tier_of, &mut report);
    let worst = worst::worst_covered(&measured, &tier_of, &opts.tiers);
    let cobertura = want_cobertura.then(|| worst::cobertura_xml(p, idx, &mut report.summary));
    DeployReport {
        results: report,
        worst,
        below,
        cobertura,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::results::Status;

    fn opts(min: f64, tiers: Vec<Tier>) -> Options {
        Options {
            min_coverage: min,
            tiers,
            min_flow_coverage: None,
            require_coverage: false,
            specified_tests: false,
            origin: "t".into(),
        }
    }

    #[test]
    fn specified_tests_shortfalls_reads_the_orgs_per_class_warnings() {
        let w = vec![
            "QuoteService: Test coverage of selected Apex Class is 40%, at least 75% test coverage is required".to_string(),
            "ns__QuoteTrigger: Test coverage of selected Apex Trigger is 0%, at least 75% test coverage is required".to_string(),
            "Average test coverage across all Apex Classes and Triggers is 52%, at least 75% test coverage is required.".to_string(),
            "Test coverage of selected Apex Class is 12.5%, at least 75% test coverage is required".to_string(),
        ];
        assert_eq!(
            specified_tests_shortfalls(&w),
            vec![
                ("QuoteService".to_string(), Some(40.0)),
                ("ns__QuoteTrigger".to_string(), Some(0.0)),
                ("(unnamed)".to_string(), Some(12.5)),
            ]
        );
        assert!(specified_tests_shortfalls(&w[2..3]).is_empty());
    }

    #[test]
    fn tier_flags_and_stack_lines() {
        let t = Tier::parse_flag("critical=100:Payment*,Order*").unwrap();
        assert_eq!(t.patterns, vec!["Payment*", "Order*"]);
        assert!(t.set.is_match("paymentservice"));
        assert!(Tier::parse_flag("critical=abc:X").is_err());
        assert!(Tier::parse_flag("critical=100").is_err());
        assert!(Tier::parse_flag("x=101:Y").is_err());
        assert_eq!(
            stack_line(
                "Class.Svc.run: line 40, column 1\nClass.SvcTest.testRun: line 12, column 1",
                "SvcTest"
            ),
            Some(12)
        );
        assert_eq!(
            stack_line("Class.Svc.run: line 40, column 1", "Other"),
            Some(40)
        );
        assert_eq!(stack_line("no lines", "X"), None);
    }

    #[test]
    fn tiers_first_match_wins_and_report_offenders() {
        let json = br#"{"status":0,"result":{"status":"Succeeded","success":true,"checkOnly":true,"numberComponentsTotal":3,
          "details":{"runTestResult":{"numTestsRun":1,"successes":[{"name":"PaymentServiceTest","methodName":"t","time":"5"}],
          "codeCoverage":[
            {"name":"PaymentService","type":"Class","numLocations":10,"numLocationsNotCovered":1},
            {"name":"OrderHelper","type":"Class","numLocations":10,"numLocationsNotCovered":0},
            {"name":"Util","type":"Class","numLocations":10,"numLocationsNotCovered":4}]}}}}"#;
        let p = super::super::sf_result::parse(json, "d.json").unwrap();
        let tiers = vec![
            Tier::parse_flag("critical=100:Payment*,Order*").unwrap(),
            Tier::parse_flag("standard=75:*").unwrap(),
        ];
        let r = evaluate(&p, &opts(75.0, tiers), &SourceIndex::default(), false);
        let get = |n: &str| {
            r.results
                .results
                .iter()
                .find(|c| c.name.starts_with(n))
                .unwrap()
        };
        assert_eq!(get("deployment status").status, Status::Pass);
        assert_eq!(get("org-wide coverage").status, Status::Pass);
        assert!(
            get("org-wide coverage")
                .message
                .starts_with("83.33% (computed"),
            "{}",
            get("org-wide coverage").message
        );
        let crit = get("tier critical");
        assert_eq!(crit.status, Status::Fail);
        assert_eq!(
            crit.message,
            "1 of 2 class(es) under 100%: PaymentService 90% (9/10 lines)"
        );
        assert_eq!(get("tier standard").status, Status::Fail, "Util 60%");
        assert_eq!(r.worst[0].name, "Util");
        assert_eq!(r.worst[0].tier.as_deref(), Some("standard"));
        assert!(r
            .markdown(1 << 20)
            .contains("| Util | 60.0 % | 6/10 | standard |"));
        assert_eq!(r.results.exit_code(), ExitCode::Failed);
    }

    #[test]
    fn no_coverage_is_inconclusive_and_in_progress_is_an_error() {
        let json = br#"{"status":"InProgress","done":false,"checkOnly":false,"id":"0Af1"}"#;
        let p = super::super::sf_result::parse(json, "d.json").unwrap();
        let r = evaluate(&p, &opts(75.0, vec![]), &SourceIndex::default(), false);
        assert_eq!(r.results.results[0].status, Status::Error);
        let org = r
            .results
            .results
            .iter()
            .find(|c| c.name.starts_with("org-wide"))
            .unwrap();
        assert!(org.inconclusive);
        assert_eq!(r.results.exit_code(), ExitCode::Broken);
    }
}
