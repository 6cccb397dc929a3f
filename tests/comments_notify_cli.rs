//! Results where people look (issue 15): `--comment` on `gate deploy-result`, `smoke` and
//! `validate-deps` against fake GitLab / GitHub servers (one note per tool and mode, updated in
//! place; a dead forge leaves the exit code alone), and `--notify` against a local webhook
//! receiver (Slack and Teams payloads; a receiver that is down; the URL never printed).

use serde_json::{json, Value};
use std::path::Path;
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
use fake::{closed_port_url, FakeResponse, FakeServer};

const GATE: &str = env!("CARGO_BIN_EXE_gate");
const SMOKE: &str = env!("CARGO_BIN_EXE_smoke");
const DEPS: &str = env!("CARGO_BIN_EXE_validate-deps");
const GL_TOKEN: &str = "glpat-SECRETcommentTOKEN0123";
const GH_TOKEN: &str = "ghp_SECRETcommentTOKEN0123456";
const HOOK_SECRET: &str = "B0SECRETxoxHOOK77";
const NOTES: &str = "/projects/42/merge_requests/7/notes";

fn run(bin: &str, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(bin, dir);
    for k in common::ORG_ENV {
        cmd.env_remove(k);
    }
    for k in [
        "SFCI_NOTIFY_URL",
        "SFCI_GITLAB_TOKEN",
        "GITLAB_TOKEN",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "CI_MERGE_REQUEST_IID",
        "GITHUB_REF",
        "CI_JOB_URL",
    ] {
        cmd.env_remove(k);
    }
    cmd.args(args).envs(env.iter().copied());
    cmd.output().expect("run the tool")
}

fn all(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn posted(server: &FakeServer, method: &str, path: &str) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == method && r.path() == path)
        .map(|r| {
            let v: Value = serde_json::from_str(&r.body).expect("a JSON body");
            v["body"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

fn gitlab(notes: Value) -> FakeServer {
    let server = FakeServer::start();
    server.route("GET", NOTES, vec![FakeResponse::json(200, notes)]);
    server.route(
        "POST",
        NOTES,
        vec![FakeResponse::json(201, json!({"id": 501, "body": "x"}))],
    );
    server.route(
        "PUT",
        &format!("{NOTES}/501"),
        vec![FakeResponse::json(200, json!({"id": 501, "body": "x"}))],
    );
    server
}

fn gitlab_args(url: &str) -> Vec<String> {
    [
        "--comment",
        "--forge",
        "gitlab",
        "--change",
        "7",
        "--repo",
        "42",
        "--api-url",
        url,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn deploy_failed(extra: &[String], env: &[(&str, &str)]) -> Output {
    let mut args: Vec<String> = vec![
        "deploy-result".into(),
        fixture("gate/deploy-failed.json").display().to_string(),
        "--root".into(),
        fixture("enterprise-monorepo").display().to_string(),
    ];
    args.extend(extra.iter().cloned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(GATE, &fixture("gate"), &refs, env)
}

#[test]
fn deploy_result_comment_names_the_failures_and_is_updated_in_place() {
    // First run: no note yet → one POST with the marker, the failing test and the component.
    let server = gitlab(json!([]));
    let out = deploy_failed(
        &gitlab_args(&server.url()),
        &[("SFCI_GITLAB_TOKEN", GL_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("gate: note on merge request !7 posted"),
        "{}",
        all(&out)
    );
    let bodies = posted(&server, "POST", NOTES);
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    assert!(
        body.starts_with("<!-- sfci:gate:deploy-result -->"),
        "{body}"
    );
    assert!(body.contains("❌ `gate deploy-result` failed"), "{body}");
    assert!(body.contains("#### Failing tests (1)"), "{body}");
    assert!(body.contains("`AccountServiceTest.scoresRich`"), "{body}");
    assert!(body.contains("Expected: 3, Actual: 1"), "{body}");
    assert!(body.contains("#### Component failures (1)"), "{body}");
    assert!(body.contains("`classes/AccountService.cls:10`"), "{body}");
    assert!(
        body.contains("Variable does not exist: Undefined"),
        "{body}"
    );
    assert!(
        body.contains("not in the target org"),
        "the fix hint: {body}"
    );
    assert!(body.contains("org-wide coverage"), "{body}");
    assert!(!all(&out).contains(GL_TOKEN));

    // Second run: the note exists (another sfci note beside it) → one PUT of that note.
    let server = gitlab(json!([
        {"id": 400, "body": "<!-- sfci:smoke:run -->\nsmoke", "system": false},
        {"id": 501, "body": format!("<!-- sfci:gate:deploy-result -->\nold"), "system": false}
    ]));
    let out = deploy_failed(
        &gitlab_args(&server.url()),
        &[("SFCI_GITLAB_TOKEN", GL_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("note on merge request !7 updated"),
        "{}",
        all(&out)
    );
    assert_eq!(server.hits("POST", NOTES), 0);
    let put = posted(&server, "PUT", &format!("{NOTES}/501"));
    assert_eq!(put.len(), 1);
    assert!(put[0].contains("AccountServiceTest.scoresRich"));
    // The token went in the header GitLab reads, and nowhere else.
    let req = server
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(req.header("private-token"), Some(GL_TOKEN));
}

#[test]
fn a_dead_or_refusing_forge_leaves_the_exit_code_alone() {
    let mut args = gitlab_args(&closed_port_url());
    args.extend(["--json".to_string(), "-".to_string()]);
    let out = deploy_failed(&args, &[("SFCI_GITLAB_TOKEN", GL_TOKEN)]);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    let text = all(&out);
    assert!(
        text.contains("gate: warning: no comment posted: GitLab"),
        "{text}"
    );
    assert!(!text.contains(GL_TOKEN), "{text}");
    // The report itself is intact.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["test_failures"], 1);

    // A token without `api`: 403 on the POST → a warning naming the needed scope.
    let server = FakeServer::start();
    server.route("GET", NOTES, vec![FakeResponse::json(200, json!([]))]);
    server.route(
        "POST",
        NOTES,
        vec![FakeResponse::json(
            403,
            json!({"message": "403 Forbidden - insufficient_scope"}),
        )],
    );
    let out = deploy_failed(
        &gitlab_args(&server.url()),
        &[("SFCI_GITLAB_TOKEN", GL_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(all(&out).contains("api to post notes"), "{}", all(&out));

    // No token, no merge request: a warning each, exit 1 still.
    let out = deploy_failed(
        &[
            "--comment".into(),
            "--forge".into(),
            "gitlab".into(),
            "--change".into(),
            "7".into(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all(&out).contains("no GitLab token in SFCI_GITLAB_TOKEN or GITLAB_TOKEN"),
        "{}",
        all(&out)
    );
    let out = deploy_failed(
        &["--comment".into(), "--forge".into(), "gitlab".into()],
        &[("SFCI_GITLAB_TOKEN", GL_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all(&out).contains("not a merge request pipeline"),
        "{}",
        all(&out)
    );
}

#[test]
fn smoke_comment_on_github_shows_expected_and_found() {
    use fake_org::*;
    let org = FakeOrg::start();
    org.soql(
        "SELECT Id, State FROM ProcessDefinition WHERE DeveloperName = 'Opp_Approval'",
        vec![json!({"Id": "04a000000000001", "State": "Inactive"})],
    );
    let gh = FakeServer::start();
    let comments = "/repos/acme/crm/issues/12/comments";
    gh.route("GET", comments, vec![FakeResponse::json(200, json!([]))]);
    gh.route(
        "POST",
        comments,
        vec![FakeResponse::json(201, json!({"id": 9, "body": "x"}))],
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("smoke.yml"),
        "checks:\n  - name: approval process active\n    soql: SELECT Id, State FROM ProcessDefinition WHERE DeveloperName = 'Opp_Approval'\n    expect: {count: 1, equals: {State: Active}}\n",
    )
    .unwrap();
    let auth = org.auth_url();
    let smoke_on = |url: &str| {
        run(
            SMOKE,
            dir.path(),
            &[
                "--spec",
                "smoke.yml",
                "--comment",
                "--forge",
                "github",
                "--change",
                "12",
                "--repo",
                "acme/crm",
                "--api-url",
                url,
            ],
            &[("SF_AUTH_URL", &auth), ("GITHUB_TOKEN", GH_TOKEN)],
        )
    };
    let out = smoke_on(&gh.url());
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("smoke: comment on pull request #12 posted"),
        "{}",
        all(&out)
    );
    let bodies = posted(&gh, "POST", comments);
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    assert!(body.starts_with("<!-- sfci:smoke:run -->"), "{body}");
    assert!(body.contains("| ❌ fail | smoke.soql › approval process active | State: expected \"Active\", got \"Inactive\" |"), "{body}");
    // The query, the expectation and what was found, folded under the table.
    assert!(
        body.contains("<details><summary>approval process active</summary>"),
        "{body}"
    );
    assert!(
        body.contains("expected: count = 1; first record: State = \"Active\""),
        "{body}"
    );
    assert!(
        body.contains("actual: first record {\"Id\":\"04a000000000001\",\"State\":\"Inactive\"}"),
        "{body}"
    );
    let req = gh
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {GH_TOKEN}").as_str())
    );
    for secret in [GH_TOKEN, REFRESH_TOKEN, CLIENT_SECRET] {
        assert!(!all(&out).contains(secret));
    }

    // A second run finds its comment (beside another tool's) and edits it in place.
    let gh = FakeServer::start();
    gh.route(
        "GET",
        comments,
        vec![FakeResponse::json(
            200,
            json!([
                {"id": 8, "body": "<!-- sfci:validate-deps:base -->\ndeps"},
                {"id": 9, "body": "<!-- sfci:smoke:run -->\nold"}
            ]),
        )],
    );
    gh.route(
        "PATCH",
        "/repos/acme/crm/issues/comments/9",
        vec![FakeResponse::json(200, json!({"id": 9, "body": "x"}))],
    );
    let out = smoke_on(&gh.url());
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("comment on pull request #12 updated"),
        "{}",
        all(&out)
    );
    assert_eq!(gh.hits("POST", comments), 0);
    let patched = posted(&gh, "PATCH", "/repos/acme/crm/issues/comments/9");
    assert_eq!(patched.len(), 1);
    assert!(patched[0].contains("approval process active"));

    // A dead forge: a warning, and the smoke verdict (1) stands.
    let out = smoke_on(&closed_port_url());
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("smoke: warning: no comment posted: GitHub"),
        "{}",
        all(&out)
    );
    assert!(!all(&out).contains(GH_TOKEN));
}

#[test]
fn validate_deps_comment_lists_new_edges_owners_and_the_team_graph() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    copy_dir(&fixture("enterprise-monorepo"), p);
    std::fs::write(
        p.join(".sfci.yml"),
        "deps:\n  teams:\n    billing:\n      owners: ['@acme/billing']\n",
    )
    .unwrap();
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "base"]);
    git(p, &["checkout", "-q", "-b", "feature"]);
    let f = p.join("sales/main/default/classes/AccountFacade.cls");
    let src = std::fs::read_to_string(&f).unwrap().replacen(
        "public static void run(Set<Id> accountIds) {",
        "public static void run(Set<Id> accountIds) {\n        InvoiceExportService.exportToSap(null);",
        1,
    );
    std::fs::write(&f, src).unwrap();
    git(p, &["commit", "-qam", "sales uses billing"]);
    let server = gitlab(json!([]));
    let mut args = vec!["--base".to_string(), "main".to_string()];
    args.extend(gitlab_args(&server.url()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(DEPS, p, &refs, &[("SFCI_GITLAB_TOKEN", GL_TOKEN)]);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    let bodies = posted(&server, "POST", NOTES);
    assert_eq!(bodies.len(), 1, "{}", all(&out));
    let body = &bodies[0];
    assert!(
        body.starts_with("<!-- sfci:validate-deps:base -->"),
        "{body}"
    );
    assert!(body.contains("#### New cross-team dependencies"), "{body}");
    assert!(body.contains("`AccountFacade` (sales)"), "{body}");
    assert!(body.contains("`InvoiceExportService` (billing)"), "{body}");
    assert!(
        body.contains("`@acme/billing`"),
        "the owners to ask: {body}"
    );
    assert!(body.contains("```mermaid\ngraph LR\n"), "{body}");
    assert!(body.contains("t_sales -->|"), "{body}");

    // The next push: the note is found again and replaced (PUT), never a second one.
    let server = gitlab(json!([
        {"id": 501, "body": "<!-- sfci:validate-deps:base -->\nold", "system": false}
    ]));
    let mut args = vec!["--base".to_string(), "main".to_string()];
    args.extend(gitlab_args(&server.url()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(DEPS, p, &refs, &[("SFCI_GITLAB_TOKEN", GL_TOKEN)]);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert_eq!(server.hits("POST", NOTES), 0);
    assert_eq!(posted(&server, "PUT", &format!("{NOTES}/501")).len(), 1);

    // A dead forge leaves the verdict (1) alone.
    let mut args = vec!["--base".to_string(), "main".to_string()];
    args.extend(gitlab_args(&closed_port_url()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(DEPS, p, &refs, &[("SFCI_GITLAB_TOKEN", GL_TOKEN)]);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("validate-deps: warning: no comment posted: GitLab"),
        "{}",
        all(&out)
    );
    assert!(!all(&out).contains(GL_TOKEN));
}

// ------------------------------------------------------------------ --notify

fn receiver(status: u16) -> (FakeServer, String) {
    let server = FakeServer::start();
    let path = format!("/services/T0001/{HOOK_SECRET}");
    server.route(
        "POST",
        &path,
        vec![FakeResponse::raw(status, "text/plain", "ok")],
    );
    let url = format!("{}{path}", server.url());
    (server, url)
}

fn bodies(server: &FakeServer) -> Vec<Value> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

#[test]
fn deploy_result_notifies_the_release_channel_without_showing_the_url() {
    let (server, url) = receiver(200);
    let out = deploy_failed(
        &["--notify".into()],
        &[
            ("SFCI_NOTIFY_URL", &url),
            ("CI_PROJECT_PATH", "acme/crm"),
            ("CI_ENVIRONMENT_NAME", "production"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("gate: notification sent (Slack-compatible webhook)"),
        "{}",
        all(&out)
    );
    let sent = bodies(&server);
    assert_eq!(sent.len(), 1);
    let text = sent[0].to_string();
    assert!(
        sent[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("❌ gate deploy-result: failed"),
        "{text}"
    );
    assert!(text.contains("scoresRich"), "{text}");
    assert!(text.contains("production"), "{text}");
    assert!(!all(&out).contains(HOOK_SECRET));

    // Teams: an Adaptive Card, chosen with --notify-format (or a Teams host).
    let (server, url) = receiver(202);
    let out = deploy_failed(
        &[
            "--notify".into(),
            "--notify-env".into(),
            "TEAMS_HOOK".into(),
            "--notify-format".into(),
            "teams".into(),
        ],
        &[("TEAMS_HOOK", &url)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    let sent = bodies(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["attachments"][0]["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(sent[0]["attachments"][0]["content"]["type"], "AdaptiveCard");
}

#[test]
fn a_webhook_that_is_down_or_refuses_is_a_warning() {
    let url = format!("{}/services/T0001/{HOOK_SECRET}", closed_port_url());
    let out = deploy_failed(&["--notify".into()], &[("SFCI_NOTIFY_URL", &url)]);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    let text = all(&out);
    assert!(
        text.contains("gate: warning: no notification sent: notification webhook"),
        "{text}"
    );
    assert!(!text.contains(HOOK_SECRET), "{text}");

    let (server, url) = receiver(404);
    let out = deploy_failed(&["--notify".into()], &[("SFCI_NOTIFY_URL", &url)]);
    assert_eq!(out.status.code(), Some(1));
    let text = all(&out);
    assert!(text.contains("no notification sent"), "{text}");
    assert!(!text.contains(HOOK_SECRET), "{text}");
    assert_eq!(
        server.hits("POST", &format!("/services/T0001/{HOOK_SECRET}")),
        1
    );

    let out = deploy_failed(&["--notify".into()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all(&out).contains("SFCI_NOTIFY_URL is not set"),
        "{}",
        all(&out)
    );
}

#[test]
fn a_break_glass_override_is_announced_and_a_closed_window_alone_is_not() {
    let (server, url) = receiver(200);
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "window",
        "--allow",
        "Fri 18:00-22:00 UTC",
        "--now",
        "2026-12-02T10:00:00Z",
        "--notify",
    ];
    let out = run(GATE, dir.path(), &base, &[("SFCI_NOTIFY_URL", &url)]);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(bodies(&server).is_empty(), "a closed window is no news");
    let mut args = base.to_vec();
    args.extend(["--override", "INC-4711 payment outage"]);
    let out = run(
        GATE,
        dir.path(),
        &args,
        &[("SFCI_NOTIFY_URL", &url), ("GITLAB_USER_LOGIN", "dana")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let sent = bodies(&server);
    assert_eq!(sent.len(), 1);
    let text = sent[0].to_string();
    assert!(text.contains("Break glass"), "{text}");
    assert!(text.contains("INC-4711 payment outage"), "{text}");
}
