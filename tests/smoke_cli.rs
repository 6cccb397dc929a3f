//! `smoke` end to end against a local fake org: the incidents of Scenario 2, the
//! runbook's checks, every kind of check, the org's failure modes, and a secrets audit.

use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

mod common;
use common::{command, stdout_json};

#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};
#[allow(dead_code)]
mod fake_org;
use fake::FakeResponse as R;
use fake_org::*;

const BIN: &str = env!("CARGO_BIN_EXE_smoke");

fn smoke(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(BIN, dir);
    for k in common::ORG_ENV {
        cmd.env_remove(k);
    }
    cmd.args(args).envs(env.iter().copied());
    cmd.output().expect("run smoke")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn junit(path: &Path) -> (roxmltree::Document<'static>, String) {
    let s = std::fs::read_to_string(path).unwrap();
    let leaked: &'static str = Box::leak(s.clone().into_boxed_str());
    (roxmltree::Document::parse(leaked).unwrap(), s)
}

fn case<'a>(doc: &'a roxmltree::Document<'static>, name: &str) -> roxmltree::Node<'a, 'static> {
    doc.descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no test case {name}"))
}

fn child_text(node: roxmltree::Node<'_, '_>, tag: &str) -> Option<String> {
    node.children()
        .find(|n| n.has_tag_name(tag))
        .map(|n| n.text().unwrap_or("").to_string())
}

#[test]
fn scenario_2_incidents_fail_the_release_with_a_junit_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yml"), SCENARIO_2).unwrap();
    let org = scenario_org(false);
    let auth = org.auth_url();
    let out = smoke(
        dir.path(),
        &[
            "--junit",
            "out/smoke.xml",
            "--json",
            "out/smoke.json",
            "--var",
            &format!("EXPECTED_ORG={ORG_ID}"),
        ],
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let (doc, _) = junit(&dir.path().join("out/smoke.xml"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 9);
    let approval = case(&doc, "opportunity approval active");
    assert_eq!(approval.attribute("classname"), Some("smoke.soql"));
    let failure = child_text(approval, "failure").unwrap();
    assert!(
        failure.contains("State: expected \"Active\", got \"Inactive\""),
        "{failure}"
    );
    assert!(
        failure.contains("query: SELECT Id, State FROM ProcessDefinition"),
        "{failure}"
    );
    assert!(
        failure.contains("expected: count = 1; first record: State = \"Active\""),
        "{failure}"
    );
    assert!(child_text(case(&doc, "sales ops assigned"), "failure")
        .unwrap()
        .contains("expected at least 10 record(s), got 0"));
    assert!(
        child_text(case(&doc, "pricing flag off in production"), "failure")
            .unwrap()
            .contains("Enabled__c: expected false, got true")
    );
    let apex = child_text(case(&doc, "approval submits"), "failure").unwrap();
    assert!(apex.contains("NO_APPLICABLE_PROCESS"), "{apex}");
    assert!(
        apex.contains("AnonymousBlock: line 1, column 1"),
        "line not shifted back: {apex}"
    );
    for passing in [
        "connected to production",
        "nightly jobs waiting",
        "no invalid classes",
        "api headroom",
        "health endpoint",
    ] {
        let c = case(&doc, passing);
        assert!(
            !c.children()
                .any(|n| n.has_tag_name("failure") || n.has_tag_name("error")),
            "{passing}"
        );
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/smoke.json")).unwrap())
            .unwrap();
    assert_eq!(report["tool"], "smoke");
    assert_eq!(report["summary"]["fail"], 4);
    assert_eq!(report["summary"]["pass"], 5);
    assert_eq!(report["summary"]["api_usage"], "1001/15000");
    assert_eq!(report["results"][1]["status"], "fail");
    assert_eq!(report["results"][1]["line"], 5);
    // The body ran inside a savepoint that is rolled back.
    let anon = org
        .server
        .requests()
        .into_iter()
        .find(|r| r.path().ends_with("executeAnonymous/"))
        .unwrap();
    assert!(
        anon.target
            .contains(&encode("Database.rollback(sfciSavepoint)")),
        "{}",
        anon.target
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "FAIL     opportunity approval active: State: expected \"Active\", got \"Inactive\""
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("smoke: failed — 5 passed, 4 failed, 0 error"),
        "{stdout}"
    );
}

#[test]
fn a_healthy_org_passes() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("release.yml");
    std::fs::write(&spec, SCENARIO_2).unwrap();
    let org = scenario_org(true);
    let auth_file = dir.path().join("auth.txt");
    std::fs::write(&auth_file, format!("{}\n", org.auth_url())).unwrap();
    let out = smoke(
        dir.path(),
        &[
            "--spec",
            spec.to_str().unwrap(),
            "--auth-url-file",
            auth_file.to_str().unwrap(),
            "--junit",
            "s.xml",
            "--var",
            &format!("EXPECTED_ORG={ORG_ID}"),
            "--concurrency",
            "3",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (doc, _) = junit(&dir.path().join("s.xml"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        9
    );
    assert!(!doc
        .descendants()
        .any(|n| n.has_tag_name("failure") || n.has_tag_name("error")));
}

#[test]
fn wrong_org_is_a_failure_and_tags_skip_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yml"), SCENARIO_2).unwrap();
    let org = scenario_org(true);
    let auth = org.auth_url();
    let out = smoke(
        dir.path(),
        &["--json", "-", "--var", "EXPECTED_ORG=00D000000000001"],
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(out.status.code(), Some(1));
    let r = stdout_json(&out);
    assert!(r["results"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("WRONG ORG: connected to id 00D5g000004FAKEEAA (expected 00D000000000001)"));

    let out = smoke(
        dir.path(),
        &[
            "--json",
            "-",
            "--tags",
            "scenario-2",
            "--var",
            "EXPECTED_ORG=00D000000000001",
        ],
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let r = stdout_json(&out);
    assert_eq!(r["summary"]["pass"], 3);
    assert_eq!(r["summary"]["skip"], 6);

    // A tag typo that selects nothing must not pass a release.
    let out = smoke(
        dir.path(),
        &[
            "--json",
            "-",
            "--tags",
            "scenario2",
            "--var",
            "EXPECTED_ORG=00D000000000001",
        ],
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("--tags scenario2 selects no check; the checks' tags are: scenario-2"),
        "{}",
        text(&out)
    );
    let out = smoke(
        dir.path(),
        &[
            "--json",
            "-",
            "--tags",
            "scenario-2,scenario2",
            "--var",
            "EXPECTED_ORG=00D000000000001",
        ],
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("warning: --tags scenario2: no check has this tag"));
}

#[test]
fn wait_polls_until_the_job_is_scheduled() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    let q = "SELECT Id FROM CronTrigger WHERE State = 'WAITING'";
    org.soql_script(
        q,
        vec![
            FakeOrg::query_page(&[], 0, None),
            FakeOrg::query_page(&[], 0, None),
            FakeOrg::query_page(&[json!({"Id": "08e1"})], 1, None),
        ],
    );
    std::fs::write(
        dir.path().join("smoke.yml"),
        format!("checks:\n  - name: job scheduled\n    soql: {q}\n    wait: {{timeout: 5s, interval: 100ms}}\n    expect: {{min: 1}}\n  - name: never there\n    soql: SELECT Id FROM Account WHERE Name = 'x'\n    wait: {{timeout: 300ms, interval: 100ms}}\n    expect: {{min: 1}}\n"),
    )
    .unwrap();
    org.soql("SELECT Id FROM Account WHERE Name = 'x'", vec![]);
    let auth = org.auth_url();
    let out = smoke(dir.path(), &["--json", "-"], &[("SF_AUTH_URL", &auth)]);
    let r = stdout_json(&out);
    assert_eq!(r["results"][0]["status"], "pass", "{r}");
    assert_eq!(r["results"][0]["polls"], 3);
    assert_eq!(r["results"][1]["status"], "fail");
    assert!(
        r["results"][1]["message"]
            .as_str()
            .unwrap()
            .contains("(still, after"),
        "{r}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn presets_print_list_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = smoke(dir.path(), &["--list-presets"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8_lossy(&out.stdout);
    for p in [
        "org-identity",
        "approval-process-active",
        "permission-set-assigned",
        "custom-metadata-value",
        "scheduled-jobs-waiting",
        "no-failed-async-jobs",
        "api-limits",
    ] {
        assert!(list.contains(p), "{p}");
    }
    let out = smoke(dir.path(), &["--print-preset", "no-failed-async-jobs"], &[]);
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        printed.contains("ApexLog") && printed.contains("BatchApexErrorEvent is a platform event")
    );
    assert_eq!(
        smoke(dir.path(), &["--print-preset", "nope"], &[])
            .status
            .code(),
        Some(2)
    );

    let org = FakeOrg::start();
    let q = "SELECT Id, ApexClass.Name, JobType, Status, ExtendedStatus FROM AsyncApexJob WHERE Status = 'Failed' AND CreatedDate >= 2026-11-27T22:00:00Z";
    org.soql(q, vec![json!({"Id": "707x", "ApexClass": {"Name": "InvoiceSync"}, "JobType": "Queueable", "Status": "Failed", "ExtendedStatus": "System.CalloutException: Read timed out"})]);
    org.soql("SELECT Id, ApexClass.Name, NumberOfErrors, ExtendedStatus FROM AsyncApexJob WHERE JobType = 'BatchApex' AND NumberOfErrors > 0 AND CreatedDate >= 2026-11-27T22:00:00Z", vec![]);
    let auth = org.auth_url();
    let out = smoke(
        dir.path(),
        &[
            "--preset",
            "no-failed-async-jobs",
            "--preset",
            "org-identity",
            "--var",
            "DEPLOY_STARTED_AT=2026-11-27T22:00:00Z",
            "--json",
            "-",
        ],
        &[("SF_AUTH_URL", &auth), ("EXPECTED_ORG_ID", ORG_ID)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r = stdout_json(&out);
    assert_eq!(r["results"][0]["status"], "fail");
    assert!(
        r["results"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("InvoiceSync"),
        "{r}"
    );
    assert_eq!(r["results"][1]["status"], "pass");
    assert_eq!(r["results"][2]["status"], "pass");
    assert_eq!(r["results"][2]["origin"], "preset org-identity");

    // A preset variable left unset is a usage error naming it.
    let out = smoke(
        dir.path(),
        &["--preset", "approval-process-active"],
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("variable `APPROVAL_PROCESS` is not set"),
        "{}",
        text(&out)
    );
}

#[test]
fn spec_errors_point_to_the_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yml"), "checks:\n  - name: a\n    soql: SELECT Id FROM Account\n  - name: b\n    soql: SELECT Id FROM Contact\n    expect: {cuont: 1}\n").unwrap();
    let out = smoke(dir.path(), &["--check-spec"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let t = text(&out);
    assert!(t.contains("smoke.yml:6"), "{t}");
    assert!(t.contains("cuont"), "{t}");

    std::fs::write(
        dir.path().join("smoke.yml"),
        "checks:\n  - name: a\n    soql: SELECT Id FROM Account\n    expect: {max: 0}\n",
    )
    .unwrap();
    let out = smoke(dir.path(), &["--check-spec"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("soql     a  (smoke.yml:2)"));

    let empty = tempfile::tempdir().unwrap();
    let out = smoke(empty.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("no smoke.yml here"));
    std::fs::write(empty.path().join("smoke.yml"), b"checks:\n  - name: \xff\n").unwrap();
    let out = smoke(empty.path(), &["--check-spec"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not UTF-8"), "{}", text(&out));
    // No credentials at all.
    std::fs::write(
        empty.path().join("smoke.yml"),
        "checks:\n  - {name: a, limits: X, expect: {min_remaining: 1}}\n",
    )
    .unwrap();
    let out = smoke(empty.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("no org credentials"), "{}", text(&out));
}

const SIMPLE: &str = "checks:\n  - name: accounts exist\n    soql: SELECT Id FROM Account LIMIT 1\n    expect: {min: 1}\n  - name: api headroom\n    limits: DailyApiRequests\n    expect: {min_remaining: 10%}\n";

fn simple_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yml"), SIMPLE).unwrap();
    dir
}

/// A run that could not reach or use the org: exit 2, every check an `error` in JUnit.
fn assert_errors(dir: &Path, out: &Output, cause: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", text(out));
    assert!(
        text(out).contains(cause),
        "expected {cause:?} in: {}",
        text(out)
    );
    let (doc, _) = junit(&dir.join("s.xml"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    for c in cases {
        assert!(
            c.children().any(|n| n.has_tag_name("error")),
            "not an error: {:?}",
            c.attribute("name")
        );
    }
}

#[test]
fn org_failures_are_errors_never_passes() {
    // Connection refused.
    let dir = simple_dir();
    let closed = fake::closed_port_url();
    let out = smoke(
        dir.path(),
        &["--junit", "s.xml", "--retries", "1"],
        &[(
            "SF_AUTH_URL",
            &format!("force://PlatformCLI::{REFRESH_TOKEN}@{closed}"),
        )],
    );
    assert_errors(dir.path(), &out, "cannot log in to the org");

    // The refresh token is refused.
    let org = FakeOrg::start();
    org.token(vec![R::json(
        400,
        json!({"error": "invalid_grant", "error_description": "expired access/refresh token"}),
    )]);
    let out = smoke(
        dir.path(),
        &["--junit", "s.xml"],
        &[("SF_AUTH_URL", &org.auth_url())],
    );
    assert_errors(dir.path(), &out, "invalid_grant");

    // An HTML maintenance page and malformed JSON.
    let org = FakeOrg::start();
    org.soql_script(
        "SELECT Id FROM Account LIMIT 1",
        vec![R::raw(
            200,
            "text/html",
            "<!DOCTYPE html><html><body>Down for maintenance</body></html>",
        )],
    );
    org.server.route(
        "GET",
        &format!("{API}/limits"),
        vec![R::raw(200, "application/json", "{\"DailyApiRequests\": ")],
    );
    let out = smoke(
        dir.path(),
        &["--junit", "s.xml"],
        &[("SF_AUTH_URL", &org.auth_url())],
    );
    assert_errors(dir.path(), &out, "HTML page");
    assert!(text(&out).contains("malformed JSON"));

    // The daily API allocation is spent: no retry.
    let org = FakeOrg::start();
    let limit = R::json(403, json!([{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}])).header("Sforce-Limit-Info", "api-usage=15023/15000");
    org.soql_script("SELECT Id FROM Account LIMIT 1", vec![limit.clone()]);
    org.server
        .route("GET", &format!("{API}/limits"), vec![limit]);
    let out = smoke(
        dir.path(),
        &["--junit", "s.xml"],
        &[("SF_AUTH_URL", &org.auth_url())],
    );
    assert_errors(dir.path(), &out, "daily API request limit is exhausted");
    assert!(text(&out).contains("15023/15000"));
    assert_eq!(org.server.hits("GET", &format!("{API}/query")), 1);
}

#[test]
fn a_401_is_cured_by_one_refresh_and_503_bursts_are_retried() {
    let dir = simple_dir();
    let org = FakeOrg::start();
    org.token(vec![
        org.token_ok(ACCESS_TOKEN, Some(ROTATED_TOKEN)),
        org.token_ok("00D5g000004FAKE!AQ8AQsecondACCESS", None),
    ]);
    org.soql_script(
        "SELECT Id FROM Account LIMIT 1",
        vec![
            FakeOrg::invalid_session(),
            FakeOrg::query_page(&[json!({"Id": "001x"})], 1, None),
        ],
    );
    org.server.route(
        "GET",
        &format!("{API}/limits"),
        vec![
            R::raw(503, "text/plain", "Service Unavailable"),
            R::raw(503, "text/plain", "Service Unavailable"),
            R::json(
                200,
                json!({"DailyApiRequests": {"Max": 15000, "Remaining": 14000}}),
            ),
        ],
    );
    let out = smoke(
        dir.path(),
        &["--json", "-", "--concurrency", "1"],
        &[("SF_AUTH_URL", &org.auth_url())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let tokens: Vec<_> = org
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/services/oauth2/token")
        .collect();
    assert_eq!(tokens.len(), 2);
    assert!(tokens[1]
        .body
        .contains(&format!("refresh_token={ROTATED_TOKEN}")));
    assert_eq!(org.server.hits("GET", &format!("{API}/limits")), 3);
}

#[test]
fn a_stalled_org_cannot_outlast_the_deadline() {
    let dir = simple_dir();
    let org = FakeOrg::start();
    org.soql_script(
        "SELECT Id FROM Account LIMIT 1",
        vec![FakeOrg::query_page(&[], 0, None).delay(Duration::from_secs(20))],
    );
    org.server.route(
        "GET",
        &format!("{API}/limits"),
        vec![R::json(200, json!({})).delay(Duration::from_secs(20))],
    );
    let t = Instant::now();
    let out = smoke(
        dir.path(),
        &[
            "--junit",
            "s.xml",
            "--timeout",
            "1500ms",
            "--request-timeout",
            "500ms",
        ],
        &[("SF_AUTH_URL", &org.auth_url())],
    );
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    assert_errors(dir.path(), &out, "");
    assert!(
        text(&out).contains("no answer within") || text(&out).contains("deadline"),
        "{}",
        text(&out)
    );
}

#[test]
fn no_secret_reaches_any_output() {
    let secrets = [
        REFRESH_TOKEN,
        ROTATED_TOKEN,
        CLIENT_SECRET,
        ACCESS_TOKEN,
        "secondACCESS",
    ];
    let check = |dir: &Path, out: &Output, org: &FakeOrg| {
        let mut all = text(out);
        for f in ["s.xml", "s.json"] {
            all.push_str(&std::fs::read_to_string(dir.join(f)).unwrap_or_default());
        }
        for s in secrets {
            assert!(!all.contains(s), "secret {s} leaked: {all}");
        }
        let _ = org;
    };
    let dir = simple_dir();
    let echo = |s: &str| format!("invalid token {s} for {REFRESH_TOKEN} and {CLIENT_SECRET}");
    // Servers that echo the credentials back in every kind of failure.
    for (token_answer, query_answer) in [
        (None, R::json(400, json!([{"errorCode": "MALFORMED_QUERY", "message": echo(ACCESS_TOKEN)}]))),
        (None, R::raw(200, "application/json", &format!("{{\"x\": \"{ACCESS_TOKEN}\"")).cut_body_at(30)),
        (None, R::raw(500, "text/plain", &echo(ACCESS_TOKEN))),
        (Some(R::json(400, json!({"error": "invalid_grant", "error_description": echo(REFRESH_TOKEN)}))), FakeOrg::query_page(&[], 0, None)),
        (Some(R::raw(200, "application/json", &format!("{{\"access_token\": \"{ACCESS_TOKEN}\", \"instance_url\": \"http://example.com/{ACCESS_TOKEN}\"}}"))), FakeOrg::query_page(&[], 0, None)),
        (Some(R::raw(200, "application/json", &format!("{{\"access_token\": \"{ACCESS_TOKEN}\", \"instance_url\": 3"))), FakeOrg::query_page(&[], 0, None)),
    ] {
        let org = FakeOrg::start();
        if let Some(t) = token_answer {
            org.token(vec![t]);
        } else {
            org.token(vec![org.token_ok(ACCESS_TOKEN, Some(ROTATED_TOKEN))]);
        }
        org.soql_script("SELECT Id FROM Account LIMIT 1", vec![query_answer]);
        org.server.route("GET", &format!("{API}/limits"), vec![FakeOrg::invalid_session()]);
        let out = smoke(dir.path(), &["--junit", "s.xml", "--json", "s.json", "--verbose", "--retries", "1"], &[("SF_AUTH_URL", &org.auth_url())]);
        assert_ne!(out.status.code(), Some(0));
        check(dir.path(), &out, &org);
    }
    // The auth URL from a file, with a typo: the message must not quote it.
    let org = FakeOrg::start();
    let f = dir.path().join("auth.txt");
    std::fs::write(
        &f,
        format!(
            "force//PlatformCLI:{CLIENT_SECRET}:{REFRESH_TOKEN}@{}",
            org.url()
        ),
    )
    .unwrap();
    let out = smoke(
        dir.path(),
        &[
            "--auth-url-file",
            f.to_str().unwrap(),
            "--junit",
            "s.xml",
            "--verbose",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    check(dir.path(), &out, &org);
    // An access token that the org refuses.
    let out = smoke(
        dir.path(),
        &["--junit", "s.xml", "--json", "s.json", "--verbose"],
        &[
            ("SF_ACCESS_TOKEN", ACCESS_TOKEN),
            ("SF_INSTANCE_URL", &org.url()),
        ],
    );
    check(dir.path(), &out, &org);
    // The access token went only to the org, as a header.
    assert!(org.requests_text().contains(ACCESS_TOKEN));
}

#[test]
fn the_readme_example_spec_is_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("### The spec").expect("spec section")..];
    let start = section.find("```yaml\n").unwrap() + 8;
    let yaml = &section[start..start + section[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yml"), yaml).unwrap();
    let out = smoke(
        dir.path(),
        &["--check-spec"],
        &[
            ("EXPECTED_ORG_ID", ORG_ID),
            ("DEPLOY_STARTED_AT", "2026-11-27T22:00:00Z"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("9 check(s) OK"));
}

#[test]
fn org_id_alone_checks_the_org_and_bare_json_goes_to_stdout() {
    // `org: 00D…` is shorthand for `org: {id: 00D…}`; `--json` alone (as in `sf … --json`)
    // writes the JSON report to stdout.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("smoke.yml"),
        "checks:\n  - name: connected to production\n    org: 00D5g000004FAKEEAA\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("wrong.yml"),
        "checks:\n  - name: connected to production\n    org: 00D000000000001\n",
    )
    .unwrap();
    let org = scenario_org(true);
    let auth = org.auth_url();
    let out = smoke(dir.path(), &["--json"], &[("SF_AUTH_URL", &auth)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let r = stdout_json(&out);
    assert_eq!(r["tool"], "smoke");
    assert_eq!(r["results"][0]["status"], "pass", "{r}");

    let out = smoke(
        dir.path(),
        &["--spec", "wrong.yml", "--json"],
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r = stdout_json(&out);
    assert_eq!(r["results"][0]["status"], "fail", "{r}");
    assert!(r["results"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("WRONG ORG"));
}
