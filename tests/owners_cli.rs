//! `codeowners-check` end to end: owners queries, validation, and approvals of a
//! real git change against a local fake GitHub / GitLab.

use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;

mod common;
use common::{command, git, stdout_json};

// The forge tests' scripted HTTP server (loopback only).
#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
use fake::{FakeResponse, FakeServer};
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};

const BIN: &str = env!("CARGO_BIN_EXE_codeowners-check");
const TOKEN: &str = "ghp_SECRETtoken1234567890";

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(BIN, dir);
    for k in [
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITLAB_TOKEN",
        "SFCI_GITLAB_TOKEN",
        "GITHUB_REPOSITORY",
        "CI_PROJECT_ID",
    ] {
        cmd.env_remove(k);
    }
    cmd.args(args).envs(env.iter().copied());
    cmd.output().expect("run codeowners-check")
}

const GITHUB_CODEOWNERS: &str = "\
# Default owners
*                 @acme/platform
/billing/         @acme/billing
/sales/           @sam @sue
/sales/README.md
";

/// A repository with CODEOWNERS on `main` and a change on `feature` that edits
/// billing and sales files — and tries to drop the sales owners.
fn change_repo(codeowners_path: &str, codeowners: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for f in [
        "billing/a.cls",
        "sales/b.cls",
        "sales/README.md",
        "docs/x.md",
    ] {
        std::fs::create_dir_all(p.join(f).parent().unwrap()).unwrap();
        std::fs::write(p.join(f), "v1\n").unwrap();
    }
    std::fs::create_dir_all(p.join(codeowners_path).parent().unwrap()).unwrap();
    std::fs::write(p.join(codeowners_path), codeowners).unwrap();
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "base"]);
    git(p, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(p.join("billing/a.cls"), "v2\n").unwrap();
    std::fs::write(p.join("sales/b.cls"), "v2\n").unwrap();
    // The change rewrites its own CODEOWNERS: the target branch's still decides.
    std::fs::write(p.join(codeowners_path), "* @mallory\n").unwrap();
    git(p, &["commit", "-q", "-am", "change"]);
    dir
}

#[test]
fn owners_query_text_and_json() {
    let dir = change_repo(".github/CODEOWNERS", GITHUB_CODEOWNERS);
    git(dir.path(), &["checkout", "-q", "main"]);
    let out = run(
        dir.path(),
        &[
            "owners",
            "billing/a.cls",
            "sales/README.md",
            "docs/x.md",
            "--dialect",
            "github",
            "--json",
            "-",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    assert_eq!(v[0]["path"], "billing/a.cls");
    assert_eq!(v[0]["owners"], json!(["@acme/billing"]));
    assert_eq!(v[0]["line"], 3);
    assert_eq!(
        v[1]["owners"],
        json!([]),
        "an owner-less rule makes the path unowned"
    );
    assert_eq!(v[1]["line"], 5);
    assert_eq!(v[2]["owners"], json!(["@acme/platform"]));
    assert_eq!(v[2]["sections"], json!([]));
    // Paths from stdin.
    let mut cmd = command(BIN, dir.path());
    cmd.args(["owners", "-", "--dialect", "github"]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"sales/b.cls\n./billing/a.cls\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "sales/b.cls: @sam @sue (line 4)\nbilling/a.cls: @acme/billing (line 3)\n"
    );
}

#[test]
fn validate_reports_structure_problems_offline() {
    let dir = common::codeowners_with_each_problem();
    let p = dir.path();
    let out = run(p, &["validate", "--dialect", "github", "--json", "-"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let rules: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    for (rule, line) in [
        ("duplicate-pattern", 2),
        ("pattern-matches-nothing", 3),
        ("unsupported-syntax", 4),
        ("syntax-error", 5),
    ] {
        assert!(
            rules.iter().any(|r| r.0 == rule && r.1 == line),
            "{rule} at {line}: {rules:?}"
        );
    }
    assert!(rules.iter().any(|r| r.0 == "unowned-file"), "{rules:?}");
    assert!(v["summary"]["forge_checks"]
        .as_str()
        .unwrap()
        .contains("skipped"));
}

fn github_fake(approvals: &[(&str, &str)]) -> FakeServer {
    let server = FakeServer::start();
    let reviews: Vec<Value> = approvals
        .iter()
        .enumerate()
        .map(|(i, (login, state))| {
            json!({"id": i + 1, "user": {"login": login}, "state": state,
                   "submitted_at": format!("2026-11-20T10:0{i}:00Z")})
        })
        .collect();
    server.route(
        "GET",
        "/repos/acme/repo/pulls/7/reviews",
        vec![FakeResponse::json(200, json!(reviews))],
    );
    server.route(
        "GET",
        "/orgs/acme/teams/billing/members",
        vec![FakeResponse::json(
            200,
            json!([{"login": "bea"}, {"login": "bo"}]),
        )],
    );
    server.route(
        "GET",
        "/orgs/acme/teams/platform/members",
        vec![FakeResponse::json(200, json!([{"login": "pat"}]))],
    );
    server.route(
        "GET",
        "/repos/acme/repo/issues/7/comments",
        vec![FakeResponse::json(200, json!([]))],
    );
    server.route(
        "POST",
        "/repos/acme/repo/issues/7/comments",
        vec![FakeResponse::json(201, json!({"id": 99, "body": "x"}))],
    );
    server
}

#[test]
fn github_approvals_follow_the_target_branch_codeowners() {
    let dir = change_repo(".github/CODEOWNERS", GITHUB_CODEOWNERS);
    let server = github_fake(&[("bea", "APPROVED"), ("mallory", "APPROVED")]);
    let url = server.url();
    let env = [("GITHUB_TOKEN", TOKEN)];
    let args = [
        "approvals",
        "--dialect",
        "github",
        "--change",
        "7",
        "--base",
        "main",
        "--api-url",
        &url,
        "--repo",
        "acme/repo",
        "--json",
        "-",
        "--comment",
    ];
    let out = run(dir.path(), &args, &env);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let f = v["findings"].as_array().unwrap();
    // Billing approved (bea is in @acme/billing); mallory's approval counts for
    // nothing because the target branch's CODEOWNERS does not name her. Sales, and
    // the platform team for the edit of CODEOWNERS itself, are missing.
    assert_eq!(f.len(), 2, "{v:#}");
    assert!(f
        .iter()
        .all(|x| x["rule"] == "missing-approval" && x["file"] == ".github/CODEOWNERS"));
    assert_eq!(f[0]["line"], 2);
    assert_eq!(f[0]["owners"], json!(["@acme/platform"]));
    assert_eq!(f[0]["files"], json!([".github/CODEOWNERS"]));
    assert_eq!(f[1]["line"], 4);
    assert_eq!(f[1]["owners"], json!(["@sam", "@sue"]));
    assert_eq!(f[1]["missing"], 1);
    assert!(f[1]["message"].as_str().unwrap().contains("sales/b.cls"));
    // The comment was posted once, with the marker; no token anywhere in the output.
    assert_eq!(server.hits("POST", "/repos/acme/repo/issues/7/comments"), 1);
    let posted = server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert!(posted.body.contains("sfci:codeowners-check"));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(TOKEN));

    // Once sue and the platform team approve, it passes.
    let server = github_fake(&[
        ("bea", "APPROVED"),
        ("sue", "APPROVED"),
        ("pat", "APPROVED"),
    ]);
    let url = server.url();
    let args = [
        "approvals",
        "--dialect",
        "github",
        "--change",
        "7",
        "--base",
        "main",
        "--api-url",
        &url,
        "--repo",
        "acme/repo",
        "--json",
        "-",
    ];
    let out = run(dir.path(), &args, &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn approvals_without_a_token_or_change_exit_2() {
    let dir = change_repo(".github/CODEOWNERS", GITHUB_CODEOWNERS);
    let out = run(
        dir.path(),
        &[
            "approvals",
            "--dialect",
            "github",
            "--change",
            "7",
            "--base",
            "main",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GITHUB_TOKEN"));
    let out = run(
        dir.path(),
        &["approvals", "--dialect", "github", "--base", "main"],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(out.status.code(), Some(2));
    // A forge that is down: a clear error, exit 2, no token.
    let args = [
        "approvals",
        "--dialect",
        "github",
        "--change",
        "7",
        "--base",
        "main",
        "--api-url",
        "http://127.0.0.1:9",
        "--repo",
        "acme/repo",
    ];
    let out = run(dir.path(), &args, &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains(TOKEN), "{err}");
    assert!(
        err.to_lowercase().contains("connect") || err.to_lowercase().contains("network"),
        "{err}"
    );
}

#[test]
fn gitlab_sections_need_their_counts() {
    let codeowners = "\
[Billing][2] @acme/billing
/billing/

^[Docs] @writer
/docs/

[Sales]
/sales/ @sam
";
    let dir = change_repo(".gitlab/CODEOWNERS", codeowners);
    let server = FakeServer::start();
    server.route(
        "GET",
        "/projects/42/merge_requests/7/approvals",
        vec![FakeResponse::json(
            200,
            json!({"approved_by": [{"user": {"username": "bea"}}, {"user": {"username": "sam"}}]}),
        )],
    );
    server.route(
        "GET",
        "/groups/acme%2Fbilling/members/all",
        vec![FakeResponse::json(
            200,
            json!([{"username": "bea", "state": "active"}, {"username": "bo", "state": "active"}]),
        )],
    );
    let url = server.url();
    let args = [
        "approvals",
        "--dialect",
        "gitlab",
        "--change",
        "7",
        "--base",
        "main",
        "--api-url",
        &url,
        "--repo",
        "42",
        "--json",
        "-",
    ];
    let out = run(dir.path(), &args, &[("SFCI_GITLAB_TOKEN", "glpat-SECRET")]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["section"], "Billing");
    assert_eq!(f[0]["approvals_required"], 2);
    assert_eq!(f[0]["approved_by"], json!(["bea"]));
    assert_eq!(f[0]["missing"], 1);
}

#[test]
fn validate_checks_owners_against_the_forge() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join(".github")).unwrap();
    std::fs::write(
        p.join(".github/CODEOWNERS"),
        "*.cls @ghost\n/billing/ @acme/billing\n/sales/ @reader\n/docs/ @acme/writers\n",
    )
    .unwrap();
    for f in ["billing/a.cls", "sales/b.cls", "docs/c.md"] {
        std::fs::create_dir_all(p.join(f).parent().unwrap()).unwrap();
        std::fs::write(p.join(f), "x").unwrap();
    }
    git(p, &["init", "-q"]);
    git(p, &["add", "-A"]);
    let server = FakeServer::start();
    server.route(
        "GET",
        "/users/ghost",
        vec![FakeResponse::json(404, json!({"message": "Not Found"}))],
    );
    server.route(
        "GET",
        "/users/reader",
        vec![FakeResponse::json(
            200,
            json!({"login": "reader", "type": "User"}),
        )],
    );
    server.route(
        "GET",
        "/repos/acme/repo/collaborators/reader/permission",
        vec![FakeResponse::json(
            200,
            json!({"permission": "read", "role_name": "read", "user": {"login": "reader"}}),
        )],
    );
    server.route(
        "GET",
        "/orgs/acme/teams/billing",
        vec![FakeResponse::json(
            200,
            json!({"slug": "billing", "name": "billing"}),
        )],
    );
    server.route(
        "GET",
        "/orgs/acme/teams/billing/repos/acme/repo",
        vec![FakeResponse::json(200, json!({"name": "repo", "permissions": {"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}, "role_name": "write"}))],
    );
    server.route(
        "GET",
        "/orgs/acme/teams/writers",
        vec![FakeResponse::json(404, json!({"message": "Not Found"}))],
    );
    let url = server.url();
    let out = run(
        p,
        &[
            "validate",
            "--dialect",
            "github",
            "--api-url",
            &url,
            "--repo",
            "acme/repo",
            "--json",
            "-",
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let mut got: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unknown-owner" || f["rule"] == "owner-without-write-access")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["symbol"].as_str().unwrap().into(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("owner-without-write-access".into(), "@reader".into(), 3),
            ("unknown-owner".into(), "@acme/writers".into(), 4),
            ("unknown-owner".into(), "@ghost".into(), 1),
        ]
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(TOKEN));
    // --offline skips the forge.
    let out = run(
        p,
        &[
            "validate",
            "--dialect",
            "github",
            "--offline",
            "--json",
            "-",
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_example_monorepo_codeowners_in_both_dialects() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("enterprise-monorepo"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    // GitHub: only the owner-less experimental folder is unowned (warnings, exit 0).
    let out = run(
        dir.path(),
        &["validate", "--dialect", "github", "--json", "-"],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = stdout_json(&out);
    let f = v["findings"].as_array().unwrap();
    assert!(!f.is_empty());
    assert!(f.iter().all(|x| x["rule"] == "unowned-file"
        && x["file"]
            .as_str()
            .unwrap()
            .starts_with("billing/main/experimental/")));
    let out = run(
        dir.path(),
        &[
            "validate",
            "--dialect",
            "github",
            "--allow-unowned",
            "billing/main/experimental/**",
            "--json",
            "-",
        ],
        &[],
    );
    assert!(stdout_json(&out)["findings"].as_array().unwrap().is_empty());
    // GitLab: clean, and owners per section.
    let out = run(
        dir.path(),
        &["validate", "--dialect", "gitlab", "--json", "-"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout_json(&out)["findings"].as_array().unwrap().is_empty());
    let out = run(
        dir.path(),
        &[
            "owners",
            "billing/main/default/classes/InvoiceService.cls",
            "--dialect",
            "gitlab",
            "--json",
            "-",
        ],
        &[],
    );
    let v = stdout_json(&out);
    assert_eq!(v[0]["line"], serde_json::Value::Null);
    let billing = v[0]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Billing")
        .expect("a Billing section");
    assert_eq!(billing["owners"], json!(["@acme/billing-team"]));
    assert_eq!(billing["approvals_required"], 2);
}
