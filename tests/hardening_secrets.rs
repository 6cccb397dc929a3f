//! Hardening: a secrets audit per binary. Known secret values go in through the environment,
//! files and flags (never as credentials on the command line: the tools do not take them
//! there), on success and failure paths, with `--verbose` where it exists, against servers
//! that echo them back; none may appear in stdout, stderr or any report (JSON, JUnit, SARIF,
//! Code Quality, Markdown, the GitHub step summary).

use serde_json::json;
use std::path::Path;
use std::time::Duration;

mod common;
use common::git;

#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};
#[allow(dead_code)]
mod fake_org;
use fake::{FakeResponse as R, FakeServer};
use fake_org::*;

mod hardening_util;
use hardening_util::{command, run_limited, write, Run};

const GH: &str = "ghp_AUDITgithubTOKEN0123456789abcdef";
const GL: &str = "glpat-AUDITgitlabTOKEN0123456789";
const PROM: &str = "prom-AUDIT-bearer-token-4711";
const REDIS_PW: &str = "redis-AUDIT-password-0815";
const JWT_BODY_LINE: usize = 3;

/// Every report flag, into `dir`.
const REPORTS: [&str; 8] = [
    "--json",
    "r.json",
    "--junit",
    "r.xml",
    "--sarif",
    "r.sarif",
    "--codequality",
    "r.cq.json",
];

fn jwt_key() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/org/test-jwt-key.pem"
    ))
    .unwrap()
}

/// Fails when any secret is in the run's output or in any file of `dir` (the reports and the
/// step summary are written there).
fn audit(what: &str, dir: &Path, r: &Run, secrets: &[&str]) {
    let mut haystack = r.all();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("secret-") || !e.file_type().unwrap().is_file() {
            continue; // the inputs holding the secrets
        }
        haystack.push_str(&format!("\n== {name}\n"));
        haystack.push_str(&String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()));
    }
    for s in secrets {
        assert!(
            !haystack.contains(s),
            "{what}: secret {s:?} leaked:\n{haystack}"
        );
    }
}

fn run_in(bin: &str, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = command(bin, dir);
    cmd.args(args)
        .envs(env.iter().copied())
        .env("GITHUB_STEP_SUMMARY", dir.join("step-summary.md"));
    run_limited(cmd, None, Duration::from_secs(60))
}

/// Secrets a stray environment holds: none of them may leak into a tool that does not use them.
fn ambient(org_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GITHUB_TOKEN", GH.to_string()),
        ("SFCI_GITLAB_TOKEN", GL.to_string()),
        ("SFCI_PROMETHEUS_TOKEN", PROM.to_string()),
        (
            "SFCI_REDIS_URL",
            format!("redis://:{REDIS_PW}@127.0.0.1:9/0"),
        ),
        (
            "SF_AUTH_URL",
            format!("force://PlatformCLI:{CLIENT_SECRET}:{REFRESH_TOKEN}@{org_url}"),
        ),
        ("SF_ACCESS_TOKEN", ACCESS_TOKEN.to_string()),
    ]
}

fn all_secrets() -> Vec<&'static str> {
    vec![
        GH,
        GL,
        PROM,
        REDIS_PW,
        REFRESH_TOKEN,
        ROTATED_TOKEN,
        CLIENT_SECRET,
        ACCESS_TOKEN,
    ]
}

#[test]
fn lint_callout_mocks_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        &p.join("src/T.cls"),
        "@IsTest class T { @IsTest static void t() { new Http().send(new HttpRequest()); } }\n",
    );
    let env = ambient("http://127.0.0.1:9");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut args = vec!["src", "--format", "github"];
    args.extend(REPORTS);
    let r = run_in(env!("CARGO_BIN_EXE_lint-callout-mocks"), p, &args, &env);
    assert_eq!(r.code, Some(1), "{}", r.all());
    audit("lint", p, &r, &all_secrets());
    let r = run_in(
        env!("CARGO_BIN_EXE_lint-callout-mocks"),
        p,
        &["missing"],
        &env,
    );
    assert_eq!(r.code, Some(2));
    audit("lint failure", p, &r, &all_secrets());
}

fn github_echo(server: &FakeServer, ok: bool) {
    // A server echoes what the tool sent it (a server echoing a value the tool never had is
    // not the tool's leak).
    let echo = format!("Bad credentials: {GH}");
    let reviews = if ok {
        R::json(
            200,
            json!([{"id": 1, "user": {"login": "bea"}, "state": "APPROVED", "submitted_at": "2026-11-20T10:00:00Z"}]),
        )
    } else {
        R::json(401, json!({"message": echo}))
    };
    server.route("GET", "/repos/acme/repo/pulls/3/reviews", vec![reviews]);
    server.route(
        "GET",
        "/orgs/acme/teams/billing/members",
        vec![R::json(200, json!([{"login": "bea"}]))],
    );
}

#[test]
fn validate_deps_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        &p.join("sfdx-project.json"),
        r#"{"packageDirectories": [{"path": "sales"}, {"path": "billing"}]}"#,
    );
    write(
        &p.join("billing/classes/Inv.cls"),
        "public class Inv { public static void go() {} }\n",
    );
    write(&p.join("sales/classes/S.cls"), "public class S { }\n");
    write(
        &p.join(".sfci.yml"),
        "deps:\n  teams:\n    billing:\n      owners: ['@acme/billing']\n",
    );
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "base"]);
    std::fs::write(
        p.join("sales/classes/S.cls"),
        "public class S { void m() { Inv.go(); } }\n",
    )
    .unwrap();
    git(p, &["commit", "-q", "-am", "change"]);
    for (ok, code) in [(true, 0), (false, 2)] {
        let server = FakeServer::start();
        github_echo(&server, ok);
        let url = server.url();
        let env = ambient(&url);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut args = vec![
            "--base",
            "HEAD~1",
            "--approvals",
            "--forge",
            "github",
            "--change",
            "3",
            "--api-url",
            &url,
            "--repo",
            "acme/repo",
            "--retries",
            "0",
            "--format",
            "github",
            "--graph",
            "g.mmd",
        ];
        args.extend(REPORTS);
        let r = run_in(env!("CARGO_BIN_EXE_validate-deps"), p, &args, &env);
        assert_eq!(r.code, Some(code), "{}", r.all());
        audit("validate-deps", p, &r, &all_secrets());
        // The token went to the forge, as a header only.
        assert!(server
            .requests()
            .iter()
            .any(|q| q.header("authorization").is_some_and(|a| a.contains(GH))));
    }
}

#[test]
fn codeowners_check_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(&p.join("sales/a.cls"), "v1\n");
    write(&p.join("CODEOWNERS"), "[Sales]\n/sales/ @sam @ghost\n");
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "base"]);
    std::fs::write(p.join("sales/a.cls"), "v2\n").unwrap();
    git(p, &["commit", "-q", "-am", "change"]);
    let echo = json!({"message": format!("401 Unauthorized {GL}")});
    for ok in [true, false] {
        let server = FakeServer::start();
        if ok {
            server.route(
                "GET",
                "/projects/42/merge_requests/7/approvals",
                vec![R::json(
                    200,
                    json!({"approved_by": [{"user": {"username": "sam"}}]}),
                )],
            );
            server.route(
                "GET",
                "/users",
                vec![R::json(
                    200,
                    json!([{"id": 1, "username": "sam", "state": "active"}]),
                )],
            );
            server.route(
                "GET",
                "/projects/42/merge_requests/7/notes",
                vec![R::json(200, json!([]))],
            );
            server.route(
                "POST",
                "/projects/42/merge_requests/7/notes",
                vec![R::json(201, json!({"id": 5, "body": "x"}))],
            );
        } else {
            for path in ["/projects/42/merge_requests/7/approvals", "/users"] {
                server.route("GET", path, vec![R::json(401, echo.clone())]);
            }
        }
        let url = server.url();
        let env = ambient(&url);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for sub in ["approvals", "validate"] {
            let mut args = vec![
                sub,
                "--dialect",
                "gitlab",
                "--api-url",
                &url,
                "--repo",
                "42",
                "--retries",
                "0",
                "--format",
                "github",
            ];
            if sub == "approvals" {
                args.extend(["--change", "7", "--base", "main", "--comment"]);
            }
            args.extend(REPORTS);
            let r = run_in(env!("CARGO_BIN_EXE_codeowners-check"), p, &args, &env);
            assert!(r.code.is_some(), "{}", r.all());
            if !ok {
                assert_eq!(r.code, Some(2), "{sub}: {}", r.all());
            }
            audit(&format!("codeowners-check {sub}"), p, &r, &all_secrets());
        }
        let r = run_in(
            env!("CARGO_BIN_EXE_codeowners-check"),
            p,
            &[
                "owners",
                "--dialect",
                "gitlab",
                "--json",
                "o.json",
                "sales/a.cls",
            ],
            &env,
        );
        assert_eq!(r.code, Some(0));
        audit("codeowners-check owners", p, &r, &all_secrets());
    }
}

/// A JWT key line: long enough never to appear by chance.
fn key_line() -> String {
    jwt_key().lines().nth(JWT_BODY_LINE).unwrap().to_string()
}

#[test]
fn smoke_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(&p.join("smoke.yml"), "checks:\n  - name: accounts\n    soql: SELECT Id FROM Account LIMIT 1\n    expect: {min: 1}\n");
    write(&p.join("secret-key.pem"), jwt_key());
    let key_line = key_line();
    let mut secrets = all_secrets();
    secrets.push(&key_line);
    // Success through an auth URL file (with a rotated refresh token), verbose, every report.
    let org = FakeOrg::start();
    org.token(vec![org.token_ok(ACCESS_TOKEN, Some(ROTATED_TOKEN))]);
    org.soql(
        "SELECT Id FROM Account LIMIT 1",
        vec![json!({"Id": "001x"})],
    );
    write(&p.join("secret-auth.txt"), org.auth_url());
    let mut args = vec![
        "--auth-url-file",
        "secret-auth.txt",
        "--verbose",
        "--markdown",
        "r.md",
        "--format",
        "github",
    ];
    args.extend(REPORTS);
    let r = run_in(
        env!("CARGO_BIN_EXE_smoke"),
        p,
        &args,
        &[("SFCI_PROMETHEUS_TOKEN", PROM), ("GITHUB_TOKEN", GH)],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    audit("smoke success", p, &r, &secrets);
    // Failure: the JWT flow with the key in a file, the login endpoint echoing everything.
    let org = FakeOrg::start();
    org.token(vec![R::json(400, json!({"error": "invalid_grant", "error_description": "user hasn't approved this consumer".to_string()}))]);
    let url = org.url();
    let mut args = vec![
        "--client-id",
        "3MVG9FAKE",
        "--username",
        "u@example.com",
        "--jwt-key-file",
        "secret-key.pem",
        "--login-url",
        &url,
        "--verbose",
        "--retries",
        "0",
        "--markdown",
        "r.md",
    ];
    args.extend(REPORTS);
    let r = run_in(env!("CARGO_BIN_EXE_smoke"), p, &args, &[]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(r.all().contains("invalid_grant"), "{}", r.all());
    audit("smoke JWT failure", p, &r, &secrets);
    // The signed assertion went to the org; the key itself never did.
    assert!(!org.requests_text().contains(&key_line));
}

#[test]
fn gate_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let key_line = key_line();
    let mut secrets = all_secrets();
    secrets.push(&key_line);
    write(&p.join("secret-key.pem"), jwt_key());
    // error-rate over SOQL, verbose, success and then a server that echoes the session.
    let org = FakeOrg::start();
    org.count("SELECT COUNT() FROM AsyncApexJob", 0);
    let base = [
        "error-rate",
        "--query",
        "SELECT COUNT() FROM AsyncApexJob",
        "--baseline",
        "1",
        "--count",
        "1",
        "--interval",
        "0s",
        "--verbose",
        "--retries",
        "0",
        "--format",
        "github",
    ];
    let mut args = base.to_vec();
    args.extend(REPORTS);
    let auth = org.auth_url();
    let r = run_in(
        env!("CARGO_BIN_EXE_gate"),
        p,
        &args,
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    audit("gate error-rate", p, &r, &secrets);
    org.soql_script("SELECT COUNT() FROM AsyncApexJob", vec![R::json(400, json!([{"errorCode": "MALFORMED_QUERY", "message": format!("{ACCESS_TOKEN} {REFRESH_TOKEN}")}]))]);
    let r = run_in(
        env!("CARGO_BIN_EXE_gate"),
        p,
        &args,
        &[("SF_AUTH_URL", &auth)],
    );
    assert_eq!(r.code, Some(2), "{}", r.all());
    audit("gate error-rate failure", p, &r, &secrets);
    // Prometheus with a bearer token, answering with it.
    let prom = FakeServer::start();
    prom.route(
        "GET",
        "/api/v1/query",
        vec![R::json(
            400,
            json!({"status": "error", "errorType": "bad_data", "error": format!("token {PROM}")}),
        )],
    );
    let purl = prom.url();
    let mut args = vec![
        "error-rate",
        "--prometheus",
        &purl,
        "--query",
        "x",
        "--baseline",
        "1",
        "--count",
        "1",
        "--interval",
        "0s",
    ];
    args.extend(REPORTS);
    let r = run_in(
        env!("CARGO_BIN_EXE_gate"),
        p,
        &args,
        &[("SFCI_PROMETHEUS_TOKEN", PROM)],
    );
    assert_eq!(r.code, Some(2), "{}", r.all());
    audit("gate error-rate prometheus", p, &r, &secrets);
    // deploy-watch through the JWT flow, the org echoing the key.
    let org = FakeOrg::start();
    org.token(vec![R::json(
        400,
        json!({"error": "invalid_client", "error_description": "invalid client credentials"}),
    )]);
    let ourl = org.url();
    let mut args = vec![
        "deploy-watch",
        "--job-id",
        "0Af5g00000FAKEJOB1",
        "--client-id",
        "3MVG9FAKE",
        "--username",
        "u@example.com",
        "--jwt-key-file",
        "secret-key.pem",
        "--login-url",
        &ourl,
        "--verbose",
        "--retries",
        "0",
    ];
    args.extend(REPORTS);
    let r = run_in(env!("CARGO_BIN_EXE_gate"), p, &args, &[]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    audit("gate deploy-watch", p, &r, &secrets);
    // lock with the Redis password in the flag and in the environment (nothing listening).
    let port = fake::closed_port_url()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let redis = format!("redis://:{REDIS_PW}@127.0.0.1:{port}/0");
    let mut args = vec![
        "lock", "acquire", "--env", "uat", "--owner", "sales", "--redis", &redis, "--wait", "0s",
    ];
    args.extend(REPORTS);
    let r = run_in(env!("CARGO_BIN_EXE_gate"), p, &args, &[]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    audit("gate lock (flag)", p, &r, &secrets);
    let r = run_in(
        env!("CARGO_BIN_EXE_gate"),
        p,
        &["lock", "status", "--env", "uat", "--json", "r.json"],
        &[("SFCI_REDIS_URL", &redis)],
    );
    assert_eq!(r.code, Some(2), "{}", r.all());
    audit("gate lock (env)", p, &r, &secrets);
    // deploy-result with every ambient secret set.
    let env = ambient("http://127.0.0.1:9");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/gate/deploy-failed.json"
    );
    let mut args = vec!["deploy-result", fixture, "--markdown", "r.md"];
    args.extend(REPORTS);
    let r = run_in(env!("CARGO_BIN_EXE_gate"), p, &args, &env);
    assert_eq!(r.code, Some(1), "{}", r.all());
    audit("gate deploy-result", p, &r, &secrets);
}
