//! What users see, pinned: every tool's reports on the repository's fixtures, as
//! `insta` snapshots under `tests/snapshots/` — the text and `--format github` output
//! with the exit status, and the JSON, JUnit, SARIF and Code Quality reports (plus the
//! gate's Cobertura and Markdown where it writes them). `smoke` runs against the fake org
//! of `tests/fake_org/` (a passing and a failing release spec, a refused login, retries
//! running out, presets) besides its offline commands.
//!
//! These snapshots are the one place where a fixture's expected findings are written:
//! `tests/lint_cli.rs` keeps only assertions about a behaviour, and the tables of
//! `fixtures/*/EXPECTED.md` are checked against the snapshots below
//! (`expected_md_tables_match_the_snapshots`).
//!
//! What varies between runs and machines is redacted by filters: the package version,
//! durations, JUnit `time`/`timestamp`, temporary paths, and the fake org's URL and port.
//! Review a change with `cargo insta review`, or accept it with
//! `INSTA_UPDATE=always cargo test --test snapshots`; under `CI=true` a mismatch fails and
//! nothing is written.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{command, copy_dir, fixture, git};

#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};
#[allow(dead_code)]
mod fake_org;
use fake::FakeResponse as R;
use fake_org::{scenario_org, FakeOrg, API, ORG_ID, SCENARIO_2};

const LINT: &str = env!("CARGO_BIN_EXE_lint-callout-mocks");
const DEPS: &str = env!("CARGO_BIN_EXE_validate-deps");
const OWNERS: &str = env!("CARGO_BIN_EXE_codeowners-check");
const GATE: &str = env!("CARGO_BIN_EXE_gate");
const SMOKE: &str = env!("CARGO_BIN_EXE_smoke");

/// Which reports a case writes besides its text output.
#[derive(Clone, Copy, PartialEq)]
enum Reports {
    /// JSON, JUnit, SARIF and Code Quality, and a second run with `--format github`.
    All,
    /// The JSON report only.
    Json,
    /// Only what the command prints.
    None,
}

/// One run of a binary, from `dir`, snapshotted as `<name>__text` (+ the reports).
struct Case<'a> {
    name: &'a str,
    bin: &'a str,
    dir: &'a Path,
    args: &'a [&'a str],
    env: &'a [(&'a str, &'a str)],
    reports: Reports,
    /// Other files the run writes, relative to the reports folder: (flag, file name).
    extra: &'a [(&'a str, &'a str)],
    /// More filters (e.g. [`smoke_filters`]): (regex, replacement).
    redact: &'a [(String, &'a str)],
}

impl Case<'_> {
    fn new<'a>(name: &'a str, bin: &'a str, dir: &'a Path, args: &'a [&'a str]) -> Case<'a> {
        Case {
            name,
            bin,
            dir,
            args,
            env: &[],
            reports: Reports::All,
            extra: &[],
            redact: &[],
        }
    }

    fn run(&self, args: &[String]) -> Output {
        let mut cmd = command(self.bin, self.dir);
        for k in common::ORG_ENV {
            cmd.env_remove(k);
        }
        cmd.args(self.args)
            .args(args)
            .envs(self.env.iter().copied());
        cmd.output().expect("run the binary")
    }

    /// Runs the case and asserts its snapshots.
    fn check(&self) {
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path();
        let file = |f: &str| out.join(f).display().to_string();
        let mut flags: Vec<(&str, &str)> = match self.reports {
            Reports::All => vec![
                ("--json", "report.json"),
                ("--junit", "junit.xml"),
                ("--sarif", "report.sarif"),
                ("--codequality", "codequality.json"),
            ],
            Reports::Json => vec![("--json", "report.json")],
            Reports::None => vec![],
        };
        flags.extend_from_slice(self.extra);
        let mut args = Vec::new();
        for (flag, f) in &flags {
            args.push(flag.to_string());
            args.push(file(f));
        }
        let output = self.run(&args);

        let mut settings = settings(&[self.dir, out]);
        for (re, name) in self.redact {
            settings.add_filter(re, *name);
        }
        let bin = Path::new(self.bin).file_name().unwrap().to_string_lossy();
        // The command as a reader would type it: fixtures repository-relative, temporary
        // folders as [TMP].
        let line = format!("{bin} {}", self.args.join(" "));
        let line = line.replace(concat!(env!("CARGO_MANIFEST_DIR"), "/"), "");
        settings.set_description(temp_dirs().replace_all(&line, "[TMP]").trim_end());
        settings.bind(|| {
            insta::assert_snapshot!(format!("{}__text", self.name), shown(&output));
            for (flag, f) in &flags {
                let body = std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| {
                    panic!("{}: {flag} {f}: {e}\n{}", self.name, shown(&output))
                });
                let body = if f.ends_with(".xml") {
                    xml_lines(&body)
                } else {
                    body
                };
                let kind = flag.trim_start_matches("--");
                insta::assert_snapshot!(format!("{}__{kind}", self.name), body);
            }
            if self.reports == Reports::All {
                let gh = self.run(&["--format".into(), "github".into()]);
                insta::assert_snapshot!(format!("{}__github", self.name), shown(&gh));
            }
        });
    }
}

/// Exit status, stdout and stderr as one text.
fn shown(o: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        o.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// JUnit and Cobertura are written on one line; one element per line reads and diffs better.
fn xml_lines(xml: &str) -> String {
    let mut s = xml.replace("><", ">\n<");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Any folder made by `tempfile::tempdir()`.
fn temp_dirs() -> regex::Regex {
    let tmp = std::env::temp_dir().display().to_string();
    let tmp = tmp.trim_end_matches('/');
    regex::Regex::new(&format!(r"{}/\.tmp\w+", regex::escape(tmp))).unwrap()
}

/// The filters that make a snapshot the same on every machine and run.
fn settings(tmp: &[&Path]) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    for (i, p) in tmp.iter().enumerate() {
        let name = if i == 0 { "[DIR]" } else { "[OUT]" };
        // The canonical form too: /tmp may be a link (macOS /private/var/…).
        let canon = p.canonicalize().unwrap_or(p.to_path_buf());
        for p in [canon.as_path(), p] {
            s.add_filter(&regex::escape(&p.display().to_string()), name);
        }
    }
    s.add_filter(temp_dirs().as_str(), "[TMP]");
    s.add_filter(
        &format!(r#""{}""#, regex::escape(env!("CARGO_PKG_VERSION"))),
        r#""[VERSION]""#,
    );
    s.add_filter(
        &format!(r"\b{} ", regex::escape(env!("CARGO_PKG_VERSION"))),
        "[VERSION] ",
    );
    s.add_filter(r#"\b(time|timestamp)="[^"]*""#, r#"$1="[T]""#);
    s.add_filter(r#""(duration_ms|elapsed_ms)": \d+"#, r#""$1": "[MS]""#);
    // The run's own duration ends a summary line ("… in 12ms"); durations computed from
    // the input (a window's "(in 30m)") stay.
    s.add_filter(r"(?m) in \d+(\.\d+)?(ns|µs|ms|s)$", " in [DURATION]");
    s
}

/// A fixture in a fresh temporary folder (so reported paths are fixture-relative).
fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

fn path_str(p: PathBuf) -> String {
    p.display().to_string()
}

// --- lint-callout-mocks ---------------------------------------------------------------------

#[test]
fn lint_callout_mocks() {
    for name in ["enterprise-monorepo", "real-patterns", "broken"] {
        let dir = copy_of(name);
        Case::new(&format!("lint_{name}"), LINT, dir.path(), &[]).check();
    }
}

// --- validate-deps --------------------------------------------------------------------------

#[test]
fn validate_deps() {
    let dir = copy_of("enterprise-monorepo");
    let case = Case {
        extra: &[("--graph", "graph.mmd")],
        ..Case::new("deps_enterprise-monorepo", DEPS, dir.path(), &["--all"])
    };
    case.check();

    // A change: sales starts calling a billing class, and billing deletes a class its own
    // test still uses — one new cross-team edge and a broken reference (exit 1).
    let p = dir.path();
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "base"]);
    git(p, &["checkout", "-q", "-b", "feature"]);
    let f = p.join("sales/main/default/classes/AccountFacade.cls");
    let src = std::fs::read_to_string(&f).unwrap();
    let src = src.replacen(
        "public static void run(Set<Id> accountIds) {",
        "public static void run(Set<Id> accountIds) {\n        PaymentService.chargeInvoice(null);",
        1,
    );
    std::fs::write(&f, src).unwrap();
    let gone = "billing/main/default/classes/InvoiceExportService.cls";
    git(p, &["rm", "-q", gone, &format!("{gone}-meta.xml")]);
    git(p, &["commit", "-q", "-am", "change"]);
    let case = Case {
        extra: &[("--select-tests", "selected-tests.txt")],
        ..Case::new("deps_change", DEPS, p, &["--base", "main"])
    };
    case.check();
}

// --- codeowners-check -----------------------------------------------------------------------

#[test]
fn codeowners_check() {
    let dir = copy_of("enterprise-monorepo");
    let p = dir.path();
    git(p, &["init", "-q"]);
    git(p, &["add", "-A"]);
    for dialect in ["github", "gitlab"] {
        let name = format!("owners_validate_enterprise-monorepo_{dialect}");
        let args = ["validate", "--dialect", dialect];
        Case::new(&name, OWNERS, p, &args).check();
    }
    let paths = [
        "owners",
        "billing/main/default/classes/InvoiceService.cls",
        "sales/main/default/classes/AccountSyncTest.cls",
        "scripts/apex/syncAccountsNow.apex",
    ];
    for dialect in ["github", "gitlab"] {
        let mut args = paths.to_vec();
        args.extend(["--dialect", dialect]);
        let name = format!("owners_owners_{dialect}");
        let case = Case {
            reports: Reports::Json,
            ..Case::new(&name, OWNERS, p, &args)
        };
        case.check();
    }

    // A CODEOWNERS with one problem of each kind the offline validation finds.
    let dir = common::codeowners_with_each_problem();
    let p = dir.path();
    let args = ["validate", "--dialect", "github"];
    Case::new("owners_validate_problems", OWNERS, p, &args).check();
}

// --- gate -----------------------------------------------------------------------------------

#[test]
fn gate_deploy_result() {
    let dir = copy_of("gate/project");
    let p = dir.path();
    std::fs::write(
        p.join(".sfci.yml"),
        "gate:\n  coverage:\n    min: 70\n    tiers:\n      - { name: critical, min: 100, classes: [\"Payment*\"] }\n      - { name: standard, min: 75, classes: [\"*\"] }\n",
    )
    .unwrap();
    let failed = path_str(fixture("gate/deploy-failed.json"));
    let args = ["deploy-result", failed.as_str()];
    let case = Case {
        extra: &[
            ("--cobertura", "cobertura.xml"),
            ("--markdown", "summary.md"),
        ],
        ..Case::new("gate_deploy-result_deploy-failed", GATE, p, &args)
    };
    case.check();
    for f in [
        "deploy-succeeded",
        "deploy-start-failed",
        "validate-error",
        "validate-specified-coverage",
    ] {
        let input = path_str(fixture(&format!("gate/{f}.json")));
        let args = ["deploy-result", input.as_str()];
        let name = format!("gate_deploy-result_{f}");
        let case = Case {
            reports: Reports::Json,
            ..Case::new(&name, GATE, p, &args)
        };
        case.check();
    }
    let run_test = path_str(fixture(
        "salesforce/apex-run-test/mburnside999-learning4life/test-result-707Bm000003jiC1.json",
    ));
    let args = ["deploy-result", run_test.as_str(), "--min-coverage", "85"];
    let case = Case {
        reports: Reports::Json,
        ..Case::new("gate_deploy-result_apex-run-test", GATE, p, &args)
    };
    case.check();
}

#[test]
fn gate_window_promotion_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let allow = "Fri 18:00-22:00 America/New_York";
    // Friday 17:30 EST (after the DST change): closed, opens in 30 minutes.
    let args = ["window", "--allow", allow, "--now", "2024-11-08T22:30:00Z"];
    Case::new("gate_window_closed", GATE, p, &args).check();
    let args = ["window", "--allow", allow, "--now", "2024-11-08T23:30:00Z"];
    let case = Case {
        reports: Reports::Json,
        ..Case::new("gate_window_open", GATE, p, &args)
    };
    case.check();
    let args = [
        "window",
        "--allow",
        allow,
        "--now",
        "2024-11-09T12:00:00Z",
        "--override",
        "INC-42 payment outage",
    ];
    let case = Case {
        reports: Reports::Json,
        env: &[("GITLAB_CI", "true"), ("GITLAB_USER_LOGIN", "jane.doe")],
        ..Case::new("gate_window_overridden", GATE, p, &args)
    };
    case.check();

    let args = [
        "promotion",
        "--source",
        "feature/TEAM-1",
        "--target",
        "main",
    ];
    Case::new("gate_promotion_refused", GATE, p, &args).check();
    let args = [
        "promotion",
        "--source",
        "release/2024-11-08",
        "--target",
        "main",
    ];
    let case = Case {
        reports: Reports::Json,
        ..Case::new("gate_promotion_allowed", GATE, p, &args)
    };
    case.check();

    // Code Analyzer's SARIF of the monorepo, cut to the first four results of each engine's
    // run (the 255 of the whole file would make a 300 kB snapshot), without a baseline.
    let mono = copy_of("enterprise-monorepo");
    let full = std::fs::read_to_string(fixture("code-analyzer/enterprise-monorepo.sarif")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&full).unwrap();
    for run in v["runs"].as_array_mut().unwrap() {
        run["results"].as_array_mut().unwrap().truncate(4);
    }
    let sarif = path_str(p.join("code-analyzer.sarif"));
    std::fs::write(&sarif, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let args = ["sarif", sarif.as_str()];
    Case::new("gate_sarif_code-analyzer", GATE, mono.path(), &args).check();

    // Behind a baseline of the first two results of each run: only the other two are new.
    for run in v["runs"].as_array_mut().unwrap() {
        run["results"].as_array_mut().unwrap().truncate(2);
    }
    let older = path_str(p.join("older.sarif"));
    std::fs::write(&older, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let args = ["sarif", older.as_str()];
    let case = Case {
        reports: Reports::None,
        extra: &[("--write-baseline", "baseline.json")],
        ..Case::new("gate_sarif_write-baseline", GATE, mono.path(), &args)
    };
    case.check();
    let baseline = path_str(p.join("baseline.json"));
    let mut cmd = command(GATE, mono.path());
    let st = cmd
        .args(["sarif", &older, "--write-baseline", &baseline])
        .status()
        .unwrap();
    assert!(st.success());
    let args = ["sarif", sarif.as_str(), "--baseline", baseline.as_str()];
    Case::new("gate_sarif_baseline", GATE, mono.path(), &args).check();
}

// --- smoke (what runs without an org) -------------------------------------------------------

#[test]
fn smoke_offline() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("smoke.yml"),
        "checks:\n  - name: no failed async jobs\n    soql: SELECT Id FROM AsyncApexJob WHERE Status = 'Failed'\n    expect: {count: 0}\n",
    )
    .unwrap();
    for (name, args) in [
        ("smoke_list-presets", &["--list-presets"][..]),
        ("smoke_print-preset", &["--print-preset", "api-limits"][..]),
        ("smoke_check-spec", &["--check-spec"][..]),
        ("smoke_no-credentials", &[][..]),
    ] {
        let case = Case {
            reports: Reports::None,
            ..Case::new(name, SMOKE, p, args)
        };
        case.check();
    }
}

// --- smoke against an org (the fake org of `tests/smoke_cli.rs`) ---------------------------

/// What varies in a run against the fake org at `url`: its URL and port, and each check's
/// duration, which ends its line as ` (4ms)` — or is left out when under a millisecond, so it
/// is removed rather than replaced.
fn smoke_filters(url: &str) -> Vec<(String, &'static str)> {
    let host = url.trim_start_matches("http://");
    vec![
        (regex::escape(url), "[ORG_URL]"),
        (regex::escape(host), "[ORG_HOST]"),
        (
            r"(?m)^((?:PASS|FAIL|ERROR|SKIP) .*) \(\d+(?:\.\d+)?(?:ms|s|m \d+s|h \d+m)\)$".into(),
            "$1",
        ),
    ]
}

/// Scenario 2's release spec against a healthy org (exit 0) and against the org of the
/// incident (exit 1: the approval process inactive, Sales_Ops unassigned, the pricing flag on,
/// the Apex throwing), with every report and the Markdown summary.
#[test]
fn smoke_scenario_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("smoke.yml"), SCENARIO_2).unwrap();
    let var = format!("EXPECTED_ORG={ORG_ID}");
    let args = ["--var", var.as_str()];
    for (name, healthy, extra) in [
        ("smoke_scenario-2_pass", true, &[][..]),
        (
            "smoke_scenario-2_fail",
            false,
            &[("--markdown", "summary.md")][..],
        ),
    ] {
        let org = scenario_org(healthy);
        let (auth, url) = (org.auth_url(), org.url());
        let case = Case {
            env: &[("SF_AUTH_URL", &auth)],
            extra,
            redact: &smoke_filters(&url),
            ..Case::new(name, SMOKE, p, &args)
        };
        case.check();
    }
}

/// Runs that cannot decide: exit 2, the checks `error`. The refresh token refused (no check
/// runs), and the limits endpoint answering 503 until the retries run out (the query passes).
#[test]
fn smoke_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("smoke.yml"),
        "checks:\n  - name: accounts exist\n    soql: SELECT Id FROM Account LIMIT 1\n    expect: {min: 1}\n  - name: api headroom\n    limits: DailyApiRequests\n    expect: {min_remaining: 10%}\n",
    )
    .unwrap();

    let org = FakeOrg::start();
    org.token(vec![R::json(
        400,
        serde_json::json!({"error": "invalid_grant", "error_description": "expired access/refresh token"}),
    )]);
    let (auth, url) = (org.auth_url(), org.url());
    let case = Case {
        env: &[("SF_AUTH_URL", &auth)],
        redact: &smoke_filters(&url),
        ..Case::new("smoke_auth-refused", SMOKE, p, &[])
    };
    case.check();

    let org = FakeOrg::start();
    org.soql(
        "SELECT Id FROM Account LIMIT 1",
        vec![serde_json::json!({"Id": "001000000000001AAA"})],
    );
    org.server.route(
        "GET",
        &format!("{API}/limits"),
        vec![R::raw(503, "text/plain", "Service Unavailable").header("Retry-After", "0")],
    );
    let (auth, url) = (org.auth_url(), org.url());
    let case = Case {
        env: &[("SF_AUTH_URL", &auth)],
        redact: &smoke_filters(&url),
        reports: Reports::Json,
        extra: &[("--junit", "junit.xml")],
        ..Case::new("smoke_retries-exhausted", SMOKE, p, &["--retries", "2"])
    };
    case.check();
}

/// Two presets at once: a failed queueable job since the deployment (exit 1) and the org's
/// identity.
#[test]
fn smoke_presets() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    let q = "SELECT Id, ApexClass.Name, JobType, Status, ExtendedStatus FROM AsyncApexJob WHERE Status = 'Failed' AND CreatedDate >= 2026-11-27T22:00:00Z";
    org.soql(q, vec![serde_json::json!({"Id": "707x", "ApexClass": {"Name": "InvoiceSync"}, "JobType": "Queueable", "Status": "Failed", "ExtendedStatus": "System.CalloutException: Read timed out"})]);
    org.soql("SELECT Id, ApexClass.Name, NumberOfErrors, ExtendedStatus FROM AsyncApexJob WHERE JobType = 'BatchApex' AND NumberOfErrors > 0 AND CreatedDate >= 2026-11-27T22:00:00Z", vec![]);
    let (auth, url) = (org.auth_url(), org.url());
    let args = [
        "--preset",
        "no-failed-async-jobs",
        "--preset",
        "org-identity",
        "--var",
        "DEPLOY_STARTED_AT=2026-11-27T22:00:00Z",
    ];
    let case = Case {
        env: &[("SF_AUTH_URL", &auth), ("EXPECTED_ORG_ID", ORG_ID)],
        redact: &smoke_filters(&url),
        reports: Reports::Json,
        ..Case::new("smoke_presets", SMOKE, dir.path(), &args)
    };
    case.check();
}

// --- EXPECTED.md, checked against the snapshots ---------------------------------------------

/// The findings of a JSON report snapshot: (file, line, rule).
fn snapshot_findings(name: &str) -> Vec<(String, u64, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.snap"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // After the front matter (`---` … `---`).
    let body = text.splitn(3, "---\n").nth(2).expect("a snapshot body");
    let v: serde_json::Value = serde_json::from_str(body).expect("a JSON report");
    let mut got: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    got
}

/// The cells of a Markdown table row (`| a | b |` → `["a", "b"]`), backticks removed.
fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().replace('`', ""))
        .collect()
}

/// The rows of the tables in `md` after a heading or paragraph matching `section`, up to
/// the next heading: (file, line, rule) with the file (after `prefix`) and rule taken from the
/// named columns, the rule from the section heading when the table has no such column.
fn md_findings(
    md: &str,
    prefix: &str,
    sections: &[(&str, Option<&str>)],
) -> Vec<(String, u64, String)> {
    let mut rows = Vec::new();
    for (start, rule_default) in sections {
        let at = md
            .find(start)
            .unwrap_or_else(|| panic!("no `{start}` in EXPECTED.md"));
        let rest = &md[at + start.len()..];
        let end = rest.find("\n#").unwrap_or(rest.len());
        let mut header: Option<Vec<String>> = None;
        for line in rest[..end]
            .lines()
            .filter(|l| l.trim_start().starts_with('|'))
        {
            let c = cells(line);
            let Some(h) = &header else {
                header = Some(c);
                continue;
            };
            if c.iter().all(|x| x.chars().all(|ch| "-: ".contains(ch))) {
                continue;
            }
            let col = |name: &str| h.iter().position(|x| x == name).map(|i| c[i].clone());
            let Ok(line_no) = col("line").unwrap_or_default().parse::<u64>() else {
                continue; // "nothing" rows
            };
            let file = format!("{prefix}{}", col("file").expect("a file column"));
            let rule = col("rule")
                .or_else(|| col("expected"))
                .map(|r| r.split_whitespace().next().unwrap_or_default().to_string())
                .or(rule_default.map(str::to_string))
                .expect("a rule");
            rows.push((file, line_no, rule));
        }
    }
    rows.sort();
    rows
}

/// Reads the committed snapshots: when they are first written (or re-blessed) in the same run,
/// this test may see the old ones; run the tests again.
#[test]
fn expected_md_tables_match_the_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mono =
        std::fs::read_to_string(root.join("fixtures/enterprise-monorepo/EXPECTED.md")).unwrap();
    let want = md_findings(
        &mono,
        "",
        &[
            ("### `callout-without-mock`", Some("callout-without-mock")),
            (
                "### `callout-without-timeout`",
                Some("callout-without-timeout"),
            ),
            ("### `hardcoded-endpoint`", Some("hardcoded-endpoint")),
            ("### `invalid-suppression`", Some("invalid-suppression")),
        ],
    );
    assert_eq!(
        want,
        snapshot_findings("lint_enterprise-monorepo__json"),
        "fixtures/enterprise-monorepo/EXPECTED.md"
    );
    let broken = md_findings(&mono, "", &[("## `../broken/`", None)]);
    assert_eq!(
        broken,
        snapshot_findings("lint_broken__json"),
        "EXPECTED.md, ../broken/"
    );

    let real = std::fs::read_to_string(root.join("fixtures/real-patterns/EXPECTED.md")).unwrap();
    let want = md_findings(
        &real,
        "force-app/main/default/classes/",
        &[("## Findings", None)],
    );
    assert_eq!(
        want,
        snapshot_findings("lint_real-patterns__json"),
        "fixtures/real-patterns/EXPECTED.md"
    );
}
