//! `gate` end to end: deploy results (real CLI outputs and built failing runs), windows,
//! promotion, error-rate analysis against a local fake Prometheus, and locks in a real Redis.
//!
//! The lock tests need a real Redis server at `SFCI_TEST_REDIS_URL`: `.ci/test` (the README's
//! test command) installs redis-server when it is missing, starts a throwaway one on a free
//! 127.0.0.1 port and sets the variable. They fail — never skip — naming `.ci/test` when it is
//! unset or nothing answers.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{command, copy_dir, fixture, stdout_json};

#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
use fake::{FakeResponse, FakeServer};
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};

const BIN: &str = env!("CARGO_BIN_EXE_gate");

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(BIN, dir);
    for k in [
        "SFCI_REDIS_URL",
        "GITLAB_USER_LOGIN",
        "GITHUB_ACTOR",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
        "GITHUB_HEAD_REF",
        "GITHUB_BASE_REF",
        "SFCI_PROMETHEUS_TOKEN",
    ] {
        cmd.env_remove(k);
    }
    cmd.args(args).envs(env.iter().copied());
    cmd.output().expect("run gate")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The example project in a temporary folder (repository root = that folder).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("gate/project"), dir.path());
    dir
}

fn gate_fixture(name: &str) -> String {
    fixture("gate").join(name).display().to_string()
}

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/salesforce")
        .join(path)
}

fn xml(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cases(junit: &str) -> Vec<(String, String, Option<String>)> {
    let doc = roxmltree::Document::parse(junit).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let status = n
                .children()
                .find(|c| c.is_element() && c.tag_name().name() != "system-out")
                .map(|c| c.tag_name().name().to_string());
            (
                n.attribute("classname").unwrap_or_default().to_string(),
                n.attribute("name").unwrap_or_default().to_string(),
                status,
            )
        })
        .collect()
}

// --- deploy-result -------------------------------------------------------------------------

#[test]
fn failed_validation_reports_tests_components_coverage_and_files() {
    let dir = project();
    let p = dir.path();
    std::fs::write(
        p.join(".sfci.yml"),
        "gate:\n  coverage:\n    min: 70\n    tiers:\n      - { name: critical, min: 100, classes: [\"Payment*\"] }\n      - { name: standard, min: 75, classes: [\"*\"] }\n",
    )
    .unwrap();
    let out = run(
        p,
        &[
            "deploy-result",
            &gate_fixture("deploy-failed.json"),
            "--junit",
            "junit.xml",
            "--sarif",
            "out.sarif",
            "--codequality",
            "cq.json",
            "--cobertura",
            "coverage.xml",
            "--markdown",
            "summary.md",
            "--json",
            "-",
        ],
        &[],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    let json = stdout_json(&out);
    assert_eq!(json["tool"], "gate deploy-result");
    let results = json["results"].as_array().unwrap();
    let by_name = |n: &str| {
        results
            .iter()
            .find(|r| r["name"] == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    assert_eq!(by_name("deployment status")["status"], "fail");
    assert!(by_name("deployment status")["message"]
        .as_str()
        .unwrap()
        .starts_with("the validation ended with status Failed (0Af5g00000XyZ01CAE)"));
    assert_eq!(by_name("scoresRich")["status"], "fail");
    assert_eq!(by_name("scoresRich")["group"], "AccountServiceTest");
    assert_eq!(
        by_name("scoresRich")["file"],
        "force-app/main/default/classes/AccountServiceTest.cls"
    );
    assert_eq!(by_name("scoresNull")["status"], "pass");
    assert_eq!(by_name("ApexClass AccountService")["status"], "fail");
    // Org-wide 11/15 = 73.33% ≥ 70 (config); tiers: PaymentService 75% < 100, AccountService 62.5% < 75.
    assert_eq!(by_name("org-wide coverage ≥ 70%")["status"], "pass");
    assert_eq!(
        by_name("tier critical: every class ≥ 100%")["status"],
        "fail"
    );
    assert_eq!(
        by_name("tier standard: every class ≥ 75%")["message"],
        "1 of 2 class(es) under 75%: AccountService 62.5% (5/8 lines)"
    );
    assert_eq!(json["summary"]["org_wide_coverage"], 73.33);

    // JUnit: one case per test method with classname = Apex class, plus coverage rules.
    let junit = xml(&p.join("junit.xml"));
    let cs = cases(&junit);
    assert!(
        cs.contains(&(
            "AccountServiceTest".into(),
            "scoresRich".into(),
            Some("failure".into())
        )),
        "{cs:?}"
    );
    assert!(cs.contains(&("AccountServiceTest".into(), "scoresNull".into(), None)));
    assert!(cs.contains(&("PaymentServiceTest".into(), "charges".into(), None)));
    assert!(cs
        .iter()
        .any(|c| c.0 == "coverage" && c.1 == "tier critical: every class ≥ 100%"));
    assert!(junit.contains("Class.AccountServiceTest.scoresRich: line 11, column 1"));
    assert!(junit.contains("time=\"0.041"), "test time in seconds");

    // SARIF / Code Quality: the component failure and the test failure at their lines.
    let sarif: Value = serde_json::from_str(&xml(&p.join("out.sarif"))).unwrap();
    let locs: Vec<(String, u64, String)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let l = &r["locations"][0]["physicalLocation"];
            (
                l["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                l["region"]["startLine"].as_u64().unwrap(),
                r["ruleId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        locs.contains(&(
            "force-app/main/default/classes/AccountService.cls".into(),
            10,
            "deploy-component-failure".into()
        )),
        "{locs:?}"
    );
    assert!(
        locs.contains(&(
            "force-app/main/default/classes/AccountServiceTest.cls".into(),
            11,
            "apex-test-failure".into()
        )),
        "{locs:?}"
    );
    let cq: Value = serde_json::from_str(&xml(&p.join("cq.json"))).unwrap();
    assert_eq!(cq.as_array().unwrap().len(), 2);

    // Cobertura: files mapped to the repository, only uncovered lines (deploy result).
    let cob = xml(&p.join("coverage.xml"));
    assert!(cob.contains("uncovered lines only"));
    assert!(cob.contains("filename=\"force-app/main/default/classes/AccountService.cls\""));
    assert!(cob.contains("filename=\"force-app/main/default/triggers/AccountTrigger.trigger\""));
    assert!(cob.contains("<line number=\"10\" hits=\"0\""));
    assert_eq!(
        json["summary"]["cobertura"],
        "uncovered lines only (a deploy result does not list covered lines)"
    );

    // Markdown: the worst-covered classes, worst first.
    let md = xml(&p.join("summary.md"));
    let i = md
        .find("| AccountService | 62.5 % | 5/8 | standard |")
        .expect(&md);
    let j = md
        .find("| PaymentService | 75.0 % | 3/4 | critical |")
        .expect(&md);
    assert!(i < j);
}

#[test]
fn github_annotations_point_at_files() {
    let dir = project();
    let out = run(
        dir.path(),
        &[
            "deploy-result",
            &gate_fixture("deploy-failed.json"),
            "--format",
            "github",
        ],
        &[],
    );
    assert_eq!(code(&out), 1);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("file=force-app/main/default/classes/AccountService.cls,line=10"),
        "{s}"
    );
}

#[test]
fn error_envelope_of_a_failed_validate() {
    let dir = project();
    let out = run(
        dir.path(),
        &[
            "deploy-result",
            &gate_fixture("validate-error.json"),
            "--json",
            "-",
        ],
        &[],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    let json = stdout_json(&out);
    let r = &json["results"][0];
    assert_eq!(r["status"], "fail");
    assert!(r["message"]
        .as_str()
        .unwrap()
        .contains("FailedValidationError: Failed to validate the deployment (0Af1n00001if15hCAA)"));
    // The coverage figure in the message is used.
    let org = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "org-wide coverage ≥ 75%")
        .unwrap();
    assert_eq!(org["status"], "fail");
    assert!(org["message"].as_str().unwrap().starts_with("52% is under"));
}

#[test]
fn real_apex_run_test_output_with_full_line_hits() {
    let dir = project();
    let input = shared("apex-run-test/mburnside999-learning4life/test-result-707Bm000003jiC1.json");
    let input = input.display().to_string();
    let out = run(
        dir.path(),
        &[
            "deploy-result",
            &input,
            "--min-coverage",
            "50",
            "--junit",
            "j.xml",
            "--cobertura",
            "c.xml",
        ],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    let cs = cases(&xml(&dir.path().join("j.xml")));
    assert_eq!(
        cs.iter().filter(|c| c.0.starts_with("TestL4L")).count(),
        15,
        "{cs:?}"
    );
    assert_eq!(
        cs.iter()
            .filter(|c| c.0 == "TestL4LSessionStatsController")
            .count(),
        6
    );
    let cob = xml(&dir.path().join("c.xml"));
    assert!(cob.contains("full line hits"));
    assert!(cob.contains("<class name=\"ComponentLogger\" filename=\"ComponentLogger.cls\""));
    assert!(cob.contains("hits=\"1\""), "covered lines carry their hits");

    let out = run(
        dir.path(),
        &["deploy-result", &input, "--min-coverage", "85"],
        &[],
    );
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL     org-wide coverage ≥ 85%: 50% is under the minimum 85% (as reported by the org)"), "{}", text(&out));

    // The older CLI's output, from stdin.
    let older = std::fs::read(shared(
        "apex-run-test/navikt-crm-workflows-dev/test-result-7074E00002G2doP.json",
    ))
    .unwrap();
    let mut cmd = command(BIN, dir.path());
    cmd.args(["deploy-result", "-", "--min-coverage", "40", "--json", "-"]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&older).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let json = stdout_json(&out);
    assert_eq!(json["summary"]["tests"], 2);
}

#[test]
fn bad_inputs_are_exit_2_with_the_place() {
    let dir = project();
    let p = dir.path();
    std::fs::write(
        p.join("broken.json"),
        "{\n  \"status\": 0,\n  \"result\": {\"status\": \"Succeeded\",,}\n}\n",
    )
    .unwrap();
    let out = run(p, &["deploy-result", "broken.json"], &[]);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.json:3:"), "{err}");
    let out = run(p, &["deploy-result", "missing.json"], &[]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read missing.json"));
    std::fs::write(
        p.join("other.json"),
        r#"{"status":0,"result":{"username":"x"}}"#,
    )
    .unwrap();
    let out = run(p, &["deploy-result", "other.json"], &[]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a deploy or test result"));
    let out = run(
        p,
        &[
            "deploy-result",
            &gate_fixture("deploy-failed.json"),
            "--tier",
            "nonsense",
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid --tier `nonsense`"));
    std::fs::write(
        p.join(".sfci.yml"),
        "gate:\n  coverage:\n    tiers:\n      - {name: c, min: 50, clases: [x]}\n",
    )
    .unwrap();
    let out = run(
        p,
        &["deploy-result", &gate_fixture("deploy-failed.json")],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(".sfci.yml:4:28: unknown key `gate.coverage.tiers[0].clases`"),
        "{}",
        text(&out)
    );
}

// --- window ---------------------------------------------------------------------------------

#[test]
fn window_closed_open_and_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let allow = "Fri 18:00-22:00 America/New_York";
    // Friday 17:30 EST (after the DST change): closed, opens in 30 minutes.
    let out = run(
        p,
        &[
            "window",
            "--allow",
            allow,
            "--now",
            "2024-11-08T22:30:00Z",
            "--junit",
            "w.xml",
        ],
        &[],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("the next window opens Fri 2024-11-08 18:00 EST (in 30m)"),
        "{s}"
    );
    assert_eq!(
        cases(&xml(&p.join("w.xml"))),
        vec![(
            "window".into(),
            "deployment window".into(),
            Some("failure".into())
        )]
    );

    let out = run(
        p,
        &["window", "--allow", allow, "--now", "2024-11-08T23:30:00Z"],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));

    // Break glass: passes, with who and why everywhere.
    let out = run(
        p,
        &[
            "window",
            "--allow",
            allow,
            "--now",
            "2024-11-09T12:00:00Z",
            "--override",
            "INC-42 payment outage",
            "--json",
            "-",
            "--junit",
            "o.xml",
        ],
        &[("GITLAB_CI", "true"), ("GITLAB_USER_LOGIN", "jane.doe")],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    let json = stdout_json(&out);
    assert_eq!(json["overrides"][0]["who"], "jane.doe");
    assert_eq!(json["overrides"][0]["why"], "INC-42 payment outage");
    assert_eq!(json["overrides"][0]["gate"], "window");
    assert!(xml(&p.join("o.xml"))
        .contains("OVERRIDE of gate window by jane.doe: INC-42 payment outage"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("OVERRIDDEN by jane.doe"));
}

#[test]
fn window_freeze_from_config_and_bad_specs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join(".sfci.yml"),
        "gate:\n  window:\n    allow: [\"Fri 22:00-02:00 Europe/Paris\"]\n    freeze: [\"2024-12-20..2025-01-02\"]\n",
    )
    .unwrap();
    // Saturday 01:00 Paris inside the overnight window: open.
    let out = run(p, &["window", "--now", "2024-11-09T00:00:00Z"], &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = run(
        p,
        &["window", "--now", "2024-12-20T22:00:00Z", "--json", "-"],
        &[],
    );
    assert_eq!(code(&out), 1);
    let json = stdout_json(&out);
    let m = json["results"][0]["message"].as_str().unwrap();
    assert!(
        m.contains("freeze 2024-12-20..2025-01-02 is in effect"),
        "{m}"
    );
    assert!(m.contains("opens Fri 2025-01-03 22:00 CET"), "{m}");

    let out = run(p, &["window", "--allow", "Fri 18:00-22:00 Mars/Base"], &[]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown time zone `Mars/Base`"));
    let out = run(
        p,
        &["window", "--allow", "Fri 18:00-22:00", "--now", "tomorrow"],
        &[],
    );
    assert_eq!(code(&out), 2);
    let out = run(
        p,
        &["window", "--allow", "Fri 18:00-22:00", "--override", " "],
        &[],
    );
    assert_eq!(code(&out), 2);
}

// --- promotion ------------------------------------------------------------------------------

#[test]
fn promotion_from_ci_variables_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let gl = |s: &'static str, t: &'static str| {
        vec![
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", s),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", t),
        ]
    };
    assert_eq!(
        code(&run(p, &["promotion"], &gl("release/2024-11-08", "main"))),
        0
    );
    let out = run(
        p,
        &["promotion", "--junit", "p.xml"],
        &gl("feature/TEAM-1", "main"),
    );
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("`main` only receives merges from release/*, hotfix/* (the default flow)"));
    assert_eq!(
        cases(&xml(&p.join("p.xml")))[0].2.as_deref(),
        Some("failure")
    );
    let gh = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_HEAD_REF", "hotfix/URGENT-456"),
        ("GITHUB_BASE_REF", "integration"),
    ];
    assert_eq!(code(&run(p, &["promotion"], &gh)), 0);
    assert_eq!(
        code(&run(
            p,
            &[
                "promotion",
                "--source",
                "develop",
                "--target",
                "main",
                "--rule",
                "develop:main"
            ],
            &[]
        )),
        0
    );
    let out = run(
        p,
        &[
            "promotion",
            "--source",
            "feature/x",
            "--target",
            "uat",
            "--override",
            "CAB-7 approved",
            "--json",
            "-",
        ],
        &[("USER", "ops")],
    );
    assert_eq!(code(&out), 0);
    assert_eq!(stdout_json(&out)["overrides"][0]["who"], "ops");
    let out = run(p, &["promotion"], &[]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no source branch"));
}

// --- error-rate -----------------------------------------------------------------------------

fn prom_value(v: &str) -> FakeResponse {
    FakeResponse::json(
        200,
        serde_json::json!({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1731100000.0, v]}]}}),
    )
}

#[test]
fn error_rate_against_prometheus() {
    let server = FakeServer::start();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    server.route(
        "GET",
        "/api/v1/query?query=errors",
        vec![prom_value("3"), prom_value("3.9"), prom_value("30")],
    );
    server.route(
        "GET",
        "/api/v1/query?query=yesterday",
        vec![prom_value("576")],
    );
    let url = server.url();
    let base = [
        "error-rate",
        "--prometheus",
        &url,
        "--query",
        "errors",
        "--baseline-query",
        "yesterday",
        "--baseline-scale",
        "0.003472222",
        "--interval",
        "0s",
    ];
    // 576 / 288 = 2 → threshold 4: 3 and 3.9 pass, then 30 fails.
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["--count", "3", "--junit", "e.xml", "--json", "-"]);
    let out = run(p, &args, &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let json = stdout_json(&out);
    let statuses: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["pass", "pass", "fail", "fail"]);
    assert_eq!(
        json["results"][2]["message"],
        "30 > 4 (baseline 2 × 2, floor 0)"
    );
    let cs = cases(&xml(&p.join("e.xml")));
    assert_eq!(cs.len(), 4);
    assert_eq!(cs[0].1, "measurement 1 of 3");

    // No data: inconclusive, exit 2, never a pass.
    server.route(
        "GET",
        "/api/v1/query?query=empty",
        vec![FakeResponse::json(
            200,
            serde_json::json!({"status":"success","data":{"resultType":"vector","result":[]}}),
        )],
    );
    let out = run(
        p,
        &[
            "error-rate",
            "--prometheus",
            &url,
            "--query",
            "empty",
            "--baseline",
            "1",
            "--json",
            "-",
        ],
        &[],
    );
    assert_eq!(code(&out), 2, "{}", text(&out));
    let json = stdout_json(&out);
    assert_eq!(json["results"][1]["inconclusive"], true);
    assert_eq!(json["results"][1]["status"], "error");

    // A 503 then a value: retried once.
    server.route(
        "GET",
        "/api/v1/query?query=flaky",
        vec![
            FakeResponse::raw(503, "text/plain", "busy").header("Retry-After", "0"),
            prom_value("1"),
        ],
    );
    let out = run(
        p,
        &[
            "error-rate",
            "--prometheus",
            &url,
            "--query",
            "flaky",
            "--baseline",
            "1",
        ],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 503; retrying"));

    // A bad query: Prometheus' error is shown; a bearer token is sent and never printed.
    server.route(
        "GET",
        "/api/v1/query?query=bad%28",
        vec![FakeResponse::json(
            400,
            serde_json::json!({"status":"error","errorType":"bad_data","error":"parse error"}),
        )],
    );
    let out = run(
        p,
        &[
            "error-rate",
            "--prometheus",
            &url,
            "--query",
            "bad(",
            "--baseline",
            "1",
        ],
        &[("SFCI_PROMETHEUS_TOKEN", "prom-secret-token-123")],
    );
    assert_eq!(code(&out), 2);
    let all = text(&out);
    assert!(all.contains("Prometheus bad_data: parse error"), "{all}");
    assert!(!all.contains("prom-secret-token-123"));
    let auth = server
        .requests()
        .iter()
        .rev()
        .find_map(|r| r.header("authorization").map(str::to_string));
    assert_eq!(auth.as_deref(), Some("Bearer prom-secret-token-123"));

    // Nothing listening: an error after bounded retries.
    let out = run(
        p,
        &[
            "error-rate",
            "--prometheus",
            &fake::closed_port_url(),
            "--query",
            "x",
            "--baseline",
            "1",
            "--consecutive-error-limit",
            "0",
        ],
        &[],
    );
    assert_eq!(code(&out), 2, "{}", text(&out));
}

// --- lock -----------------------------------------------------------------------------------

fn redis_url() -> String {
    common::test_server_url(
        "SFCI_TEST_REDIS_URL",
        "the gate lock tests",
        "a Redis server",
    )
}

fn unique_env(tag: &str) -> String {
    format!(
        "test-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

#[test]
fn fifty_concurrent_acquirers_one_holder() {
    let url = redis_url();
    let env = unique_env("race");
    let dir = tempfile::tempdir().unwrap();
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (url, env, d) = (url.clone(), env.clone(), dir.path().to_path_buf());
            std::thread::spawn(move || {
                let tf = format!("t{i}.token");
                let o = run(
                    &d,
                    &[
                        "lock",
                        "acquire",
                        "--env",
                        &env,
                        "--owner",
                        &format!("team-{i}"),
                        "--ttl",
                        "1m",
                        "--token-file",
                        &tf,
                    ],
                    &[("SFCI_REDIS_URL", &url)],
                );
                (i, code(&o), text(&o))
            })
        })
        .collect();
    let outcomes: Vec<(usize, i32, String)> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    let winners: Vec<&(usize, i32, String)> = outcomes.iter().filter(|o| o.1 == 0).collect();
    assert_eq!(winners.len(), 1, "{outcomes:#?}");
    assert!(
        outcomes.iter().all(|o| o.1 == 0 || o.1 == 1),
        "{outcomes:#?}"
    );
    let winner = winners[0].0;
    let loser = outcomes.iter().find(|o| o.1 == 1).unwrap();
    assert!(
        loser.2.contains(&format!("is locked by team-{winner}")),
        "{}",
        loser.2
    );

    // Status shows the holder; a loser (another token) cannot release; the winner can.
    let st = run(
        dir.path(),
        &["lock", "status", "--env", &env, "--json", "-"],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(code(&st), 0);
    let json = stdout_json(&st);
    assert_eq!(json["results"][0]["held"], true);
    assert_eq!(
        json["results"][0]["holder"]["owner"],
        format!("team-{winner}")
    );
    std::fs::write(
        dir.path().join("fake.token"),
        "0123456789abcdef0123456789abcdef\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "lock",
            "release",
            "--env",
            &env,
            "--token-file",
            "fake.token",
        ],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("refused"), "{}", text(&out));
    let out = run(
        dir.path(),
        &[
            "lock",
            "extend",
            "--env",
            &env,
            "--token-file",
            "fake.token",
        ],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(code(&out), 1);
    let tf = format!("t{winner}.token");
    let out = run(
        dir.path(),
        &[
            "lock",
            "extend",
            "--env",
            &env,
            "--ttl",
            "2m",
            "--token-file",
            &tf,
        ],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = run(
        dir.path(),
        &["lock", "release", "--env", &env, "--token-file", &tf],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        !dir.path().join(&tf).exists(),
        "the token file is removed after release"
    );
    let st = run(
        dir.path(),
        &["lock", "status", "--env", &env, "--json", "-"],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(stdout_json(&st)["results"][0]["held"], false);
}

#[test]
fn expiry_lets_the_next_in_and_wait_waits() {
    let url = redis_url();
    let env = unique_env("expiry");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let r = &[("SFCI_REDIS_URL", url.as_str())];
    assert_eq!(
        code(&run(
            p,
            &[
                "lock",
                "acquire",
                "--env",
                &env,
                "--owner",
                "sales",
                "--ttl",
                "1s",
                "--token-file",
                "a.token"
            ],
            r
        )),
        0
    );
    let out = run(
        p,
        &[
            "lock",
            "acquire",
            "--env",
            &env,
            "--owner",
            "service",
            "--token-file",
            "b.token",
        ],
        r,
    );
    assert_eq!(code(&out), 1);
    // With --wait, the second gets in once the first expires.
    let out = run(
        p,
        &[
            "lock",
            "acquire",
            "--env",
            &env,
            "--owner",
            "service",
            "--wait",
            "10s",
            "--token-file",
            "b.token",
            "--json",
            "-",
        ],
        r,
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is held by sales"));
    assert_eq!(
        stdout_json(&out)["results"][0]["holder"]["owner"],
        "service"
    );
    // The expired holder's release is refused: it would delete the new holder's lock.
    let out = run(
        p,
        &["lock", "release", "--env", &env, "--token-file", "a.token"],
        r,
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("held by service"));
    assert_eq!(
        code(&run(
            p,
            &["lock", "release", "--env", &env, "--token-file", "b.token"],
            r
        )),
        0
    );
    // Override: passes without the lock, audited.
    assert_eq!(
        code(&run(
            p,
            &[
                "lock",
                "acquire",
                "--env",
                &env,
                "--owner",
                "x",
                "--ttl",
                "30s",
                "--token-file",
                "c.token"
            ],
            r
        )),
        0
    );
    let out = run(
        p,
        &[
            "lock",
            "acquire",
            "--env",
            &env,
            "--owner",
            "y",
            "--override",
            "INC-9 emergency",
            "--json",
            "-",
        ],
        &[("SFCI_REDIS_URL", url.as_str()), ("USER", "oncall")],
    );
    assert_eq!(code(&out), 0);
    assert_eq!(stdout_json(&out)["overrides"][0]["gate"], "lock");
    assert_eq!(
        code(&run(
            p,
            &["lock", "release", "--env", &env, "--token-file", "c.token"],
            r
        )),
        0
    );
}

#[test]
fn dead_redis_is_exit_2_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let port = fake::closed_port_url()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let url = format!("redis://:hunter2-very-secret@127.0.0.1:{port}/0");
    let out = run(
        dir.path(),
        &[
            "lock", "acquire", "--env", "uat", "--owner", "sales", "--redis", &url,
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
    let all = text(&out);
    assert!(
        all.contains("cannot reach Redis at redis://:***@127.0.0.1:"),
        "{all}"
    );
    assert!(!all.contains("hunter2-very-secret"), "{all}");
    // From the environment too, and a release without a token file is a clear error.
    let out = run(
        dir.path(),
        &["lock", "status", "--env", "uat"],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(code(&out), 2);
    assert!(!text(&out).contains("hunter2"));
    let out = run(
        dir.path(),
        &["lock", "release", "--env", "uat"],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert_eq!(code(&out), 2);
    assert!(
        text(&out).contains("cannot read the lock token from .sfci-lock-uat.token"),
        "{}",
        text(&out)
    );
    let out = run(dir.path(), &["lock", "status", "--env", "uat"], &[]);
    assert_eq!(code(&out), 2);
    assert!(text(&out).contains("no Redis: pass --redis URL or set SFCI_REDIS_URL"));
    // --help never shows the URL from the environment.
    let out = run(
        dir.path(),
        &["lock", "acquire", "--help"],
        &[("SFCI_REDIS_URL", &url)],
    );
    assert!(!text(&out).contains("hunter2"));
}

#[test]
fn help_has_examples_and_sfci_dispatches() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["deploy-result", "error-rate", "window", "lock", "promotion"] {
        let out = run(dir.path(), &[sub, "--help"], &[]);
        assert_eq!(code(&out), 0);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Examples"),
            "{sub}"
        );
    }
    let out = command(env!("CARGO_BIN_EXE_sfci"), dir.path())
        .args([
            "gate",
            "promotion",
            "--source",
            "uat",
            "--target",
            "release/1",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn a_deployment_that_ran_no_test_skips_coverage_unless_required() {
    let dir = project();
    let deploy = serde_json::json!({"status": 0, "result": {
        "id": "0Af5g00000NOTESTS", "status": "Succeeded", "success": true, "done": true, "checkOnly": false,
        "numberComponentsDeployed": 3, "numberComponentsTotal": 3, "numberComponentErrors": 0,
        "numberTestsCompleted": 0, "numberTestsTotal": 0, "numberTestErrors": 0, "runTestsEnabled": false,
        "details": {"componentSuccesses": [{"componentType": "CustomMetadata", "fullName": "Feature_Flag.New_Pricing", "success": true}]}
    }});
    std::fs::write(dir.path().join("deploy.json"), deploy.to_string()).unwrap();
    let out = run(
        dir.path(),
        &["deploy-result", "deploy.json", "--json", "-"],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let r = stdout_json(&out);
    let coverage: Vec<&Value> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["group"] == "coverage")
        .collect();
    assert!(!coverage.is_empty());
    assert!(coverage.iter().all(|c| c["status"] == "skip"), "{r}");
    assert!(coverage[0]["message"]
        .as_str()
        .unwrap()
        .contains("no test ran"));
    let out = run(
        dir.path(),
        &[
            "deploy-result",
            "deploy.json",
            "--require-coverage",
            "--json",
            "-",
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
}

/// A `RunSpecifiedTests` validation: the org judges each class and trigger of the deployment
/// (≥ 75 % from the specified tests) and states no org-wide figure. A class under 75 % is named
/// (the template revalidates with RunLocalTests naming it); a passing run is not failed by an
/// "org-wide" percentage computed from the few classes the selected tests reached.
#[test]
fn deploy_result_reads_per_class_coverage_of_run_specified_tests() {
    let dir = project();
    let p = dir.path();
    let fixture = gate_fixture("validate-specified-coverage.json");
    let out = run(p, &["deploy-result", &fixture, "--json", "-"], &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let json = stdout_json(&out);
    let results = json["results"].as_array().unwrap();
    let per_class = results
        .iter()
        .find(|r| {
            r["name"]
                .as_str()
                .unwrap()
                .starts_with("every class and trigger of the deployment")
        })
        .unwrap_or_else(|| panic!("no per-class check: {json}"));
    assert_eq!(per_class["status"], "fail", "{per_class}");
    assert_eq!(
        per_class["classes"],
        serde_json::json!(["QuoteService", "QuoteTrigger"])
    );
    let msg = per_class["message"].as_str().unwrap();
    assert!(
        msg.contains("QuoteService 40") && msg.contains("QuoteTrigger 0"),
        "{msg}"
    );
    let org = results
        .iter()
        .find(|r| r["name"].as_str().unwrap().starts_with("org-wide coverage"))
        .unwrap();
    assert_eq!(org["status"], "skip", "{org}");
    assert_eq!(json["summary"]["test_level"], "RunSpecifiedTests");
    assert!(json["summary"].get("org_wide_coverage").is_none(), "{json}");

    // The same run after a test for QuoteService and QuoteTrigger was added: it succeeds,
    // and the gate passes although the classes the tests reached average 61 %.
    let mut ok: Value = serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
    ok["status"] = 0.into();
    ok["result"]["status"] = "Succeeded".into();
    ok["result"]["success"] = true.into();
    ok["result"]["details"]["runTestResult"]["codeCoverageWarnings"] = serde_json::json!([]);
    let okf = p.join("specified-ok.json");
    std::fs::write(&okf, ok.to_string()).unwrap();
    let okf = okf.display().to_string();
    let out = run(
        p,
        &[
            "deploy-result",
            &okf,
            "--test-level",
            "RunSpecifiedTests",
            "--json",
            "-",
        ],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    let json = stdout_json(&out);
    for r in json["results"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        if name.starts_with("every class and trigger") {
            assert_eq!(r["status"], "pass", "{r}");
        }
        if name.starts_with("org-wide coverage") {
            assert_eq!(r["status"], "skip", "{r}");
        }
    }
    // Without --test-level (and no warning to recognise it by) it is judged as before.
    let out = run(p, &["deploy-result", &okf, "--json", "-"], &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
}
