//! GitLab client tests against the scripted server, with payloads shaped like GitLab's REST
//! documentation ("List merge request diffs", "Merge request approvals API", "Users API",
//! "Groups API", "Group and project members API", "Notes API").
use serde_json::{json, Value};

use super::*;
use crate::forge::fake::{assert_no_token, fast_config, FakeResponse, FakeServer, GITLAB_TOKEN};

const PROJECT: &str = "/api/v4/projects/platform%2Fsalesforce%2Fmonorepo";

fn client(server: &FakeServer) -> GitLab {
    GitLab::with_config(
        &format!("{}/api/v4", server.url()),
        "platform/salesforce/monorepo",
        Secret::new(GITLAB_TOKEN),
        fast_config(),
    )
    .expect("client")
}

fn diff(old: &str, new: &str, new_file: bool, renamed: bool, deleted: bool) -> Value {
    json!({
        "old_path": old, "new_path": new, "a_mode": "100644", "b_mode": "100644",
        "diff": "@@ -1 +1 @@\n-a\n+b\n",
        "new_file": new_file, "renamed_file": renamed, "deleted_file": deleted,
        "generated_file": false
    })
}

fn user(id: u64, username: &str) -> Value {
    json!({
        "id": id, "username": username, "name": username, "state": "active",
        "locked": false, "avatar_url": "https://gitlab.example.com/uploads/avatar.png",
        "web_url": format!("https://gitlab.example.com/{username}")
    })
}

fn member(id: u64, username: &str, level: u32, state: &str) -> Value {
    json!({
        "id": id, "username": username, "name": username, "state": state,
        "access_level": level, "created_at": "2012-10-22T14:13:35Z", "expires_at": null,
        "group_saml_identity": null, "membership_state": "active"
    })
}

#[test]
fn changed_files_follow_x_next_page_and_keep_old_paths() {
    let server = FakeServer::start();
    let diffs = format!("{PROJECT}/merge_requests/12/diffs");
    server.route(
        "GET",
        &format!("{diffs}?per_page=100"),
        vec![FakeResponse::json(
            200,
            json!([
                diff(
                    "force-app/sales/A.cls",
                    "force-app/sales/A.cls",
                    false,
                    false,
                    false
                ),
                diff("docs/new.md", "docs/new.md", true, false, false),
            ]),
        )
        .header("x-page", "1")
        .header("x-per-page", "100")
        .header("x-next-page", "2")
        .header("x-total-pages", "2")],
    );
    server.route(
        "GET",
        &format!("{diffs}?per_page=100&page=2"),
        vec![FakeResponse::json(
            200,
            json!([
                diff(
                    "force-app/sales/B.cls",
                    "force-app/service/B.cls",
                    false,
                    true,
                    false
                ),
                diff("old/C.cls", "old/C.cls", false, false, true),
            ]),
        )
        .header("x-page", "2")
        .header("x-next-page", "")],
    );
    let gl = client(&server);
    assert_eq!(
        gl.mr_changed_files(12).unwrap(),
        vec![
            "force-app/sales/A.cls",
            "docs/new.md",
            "force-app/service/B.cls",
            "force-app/sales/B.cls",
            "old/C.cls",
        ]
    );
    for req in server.requests() {
        assert_eq!(req.header("private-token"), Some(GITLAB_TOKEN));
        assert!(req.header("authorization").is_none());
        assert!(!req.target.contains(GITLAB_TOKEN));
    }
}

#[test]
fn x_next_page_that_never_advances_is_an_error() {
    let server = FakeServer::start();
    server.route(
        "GET",
        &format!("{PROJECT}/merge_requests/12/diffs"),
        vec![
            FakeResponse::json(200, json!([diff("a", "a", false, false, false)]))
                .header("x-next-page", "2"),
        ],
    );
    let err = client(&server).mr_changed_files(12).unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(matches!(err, ForgeError::Pagination { .. }), "{err:?}");
    assert!(
        text.starts_with(&format!(
            "GitLab: GET {PROJECT}/merge_requests/12/diffs: pagination stopped"
        )),
        "{text}"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "page 1, page 2, then page 2 again is refused"
    );
}

#[test]
fn approvers_come_from_approved_by() {
    let server = FakeServer::start();
    server.route(
        "GET",
        &format!("{PROJECT}/merge_requests/5/approvals"),
        vec![FakeResponse::json(
            200,
            json!({
                "id": 5, "iid": 5, "project_id": 1, "title": "Approvals API", "state": "opened",
                "merge_status": "can_be_merged", "approved": true,
                "approvals_required": 2, "approvals_left": 0,
                "approved_by": [
                    {"user": user(1, "root")},
                    {"user": user(7, "sales-lead")}
                ]
            }),
        )],
    );
    assert_eq!(
        client(&server).mr_approvers(5).unwrap(),
        vec!["root", "sales-lead"]
    );
}

#[test]
fn job_token_forbidden_on_approvals_gives_the_hint() {
    let server = FakeServer::start();
    server.route(
        "GET",
        &format!("{PROJECT}/merge_requests/5/approvals"),
        vec![FakeResponse::json(403, json!({"message": "403 Forbidden"}))],
    );
    let err = client(&server).mr_approvers(5).unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::Auth { status: 403, .. }),
        "{err:?}"
    );
    assert!(text.contains("project access token"), "{text}");
    assert!(
        text.contains("CI_JOB_TOKEN cannot read merge request approvals"),
        "{text}"
    );
}

#[test]
fn user_exists_by_username_and_is_cached() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/api/v4/users?username=jdoe",
        vec![FakeResponse::json(200, json!([user(3, "jdoe")]))],
    );
    server.route(
        "GET",
        "/api/v4/users?username=ghost",
        vec![FakeResponse::json(200, json!([]))],
    );
    let gl = client(&server);
    assert!(gl.user_exists("jdoe").unwrap());
    assert!(gl.user_exists("jdoe").unwrap());
    assert!(!gl.user_exists("ghost").unwrap());
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn group_exists_encodes_the_full_path() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/api/v4/groups/platform%2Fsales-team",
        vec![FakeResponse::json(
            200,
            json!({"id": 4, "name": "sales-team", "path": "sales-team", "full_path": "platform/sales-team"}),
        )],
    );
    let gl = client(&server);
    assert!(gl.group_exists("platform/sales-team").unwrap());
    assert!(!gl.group_exists("platform/nope").unwrap(), "404 → false");
    assert!(gl.group_exists("Platform/Sales-Team").unwrap(), "cached");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn group_members_paginate_and_skip_blocked_users() {
    let server = FakeServer::start();
    let path = "/api/v4/groups/platform%2Fsales-team/members/all";
    server.route(
        "GET",
        &format!("{path}?per_page=100"),
        vec![FakeResponse::json(
            200,
            json!([
                member(1, "raymond_smith", 30, "active"),
                member(2, "john_doe", 40, "blocked")
            ]),
        )
        .header("x-next-page", "2")],
    );
    server.route(
        "GET",
        &format!("{path}?per_page=100&page=2"),
        vec![
            FakeResponse::json(200, json!([member(3, "sam", 50, "active")]))
                .header("x-next-page", ""),
        ],
    );
    let gl = client(&server);
    assert_eq!(
        gl.group_members("platform/sales-team").unwrap(),
        vec!["raymond_smith", "sam"]
    );
    assert_eq!(gl.group_members("platform/sales-team").unwrap().len(), 2);
    assert_eq!(server.requests().len(), 2);
    assert!(gl.group_exists("platform/sales-team").unwrap());
    assert_eq!(server.requests().len(), 2, "known from the listing");
}

#[test]
fn project_member_access_levels() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/api/v4/users?username=dev",
        vec![FakeResponse::json(200, json!([user(11, "dev")]))],
    );
    server.route(
        "GET",
        "/api/v4/users?username=outsider",
        vec![FakeResponse::json(200, json!([user(12, "outsider")]))],
    );
    server.route(
        "GET",
        "/api/v4/users?username=ghost",
        vec![FakeResponse::json(200, json!([]))],
    );
    server.route(
        "GET",
        &format!("{PROJECT}/members/all/11"),
        vec![FakeResponse::json(200, member(11, "dev", 30, "active"))],
    );
    server.route(
        "GET",
        &format!("{PROJECT}/members/all/12"),
        vec![FakeResponse::json(404, json!({"message": "404 Not found"}))],
    );
    let gl = client(&server);
    assert_eq!(
        gl.project_member_access("dev").unwrap(),
        Some(access::DEVELOPER)
    );
    assert_eq!(gl.project_member_access("outsider").unwrap(), None);
    assert_eq!(gl.project_member_access("ghost").unwrap(), None);
    assert_eq!(gl.project_member_access("dev").unwrap(), Some(30));
    assert!(gl.user_exists("outsider").unwrap());
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn upsert_note_creates_once_then_updates_and_ignores_system_notes() {
    let server = FakeServer::start();
    let marker = "<!-- sfci:codeowners-check -->";
    let notes = format!("{PROJECT}/merge_requests/9/notes");
    let system = json!({"id": 300, "body": format!("mentioned {marker} in a commit"), "system": true,
                        "author": user(1, "root"), "noteable_type": "MergeRequest"});
    server.route(
        "GET",
        &notes,
        vec![
            FakeResponse::json(200, json!([system])),
            FakeResponse::json(
                200,
                json!([system, {"id": 301, "body": format!("{marker}\nfirst"), "system": false,
                                "author": user(2, "project_42_bot"), "noteable_type": "MergeRequest"}]),
            ),
        ],
    );
    server.route(
        "POST",
        &notes,
        vec![FakeResponse::json(
            201,
            json!({"id": 301, "body": "...", "system": false}),
        )],
    );
    server.route(
        "PUT",
        &format!("{notes}/301"),
        vec![FakeResponse::json(
            200,
            json!({"id": 301, "body": "...", "system": false}),
        )],
    );
    let gl = client(&server);
    assert_eq!(
        gl.upsert_note(9, marker, "first").unwrap(),
        Upsert::Created { id: 301 }
    );
    assert_eq!(
        gl.upsert_note(9, marker, "second").unwrap(),
        Upsert::Updated { id: 301 }
    );
    assert_eq!(
        gl.upsert_note(9, marker, "first").unwrap(),
        Upsert::Unchanged { id: 301 }
    );
    assert_eq!(server.hits("POST", &notes), 1);
    assert_eq!(server.hits("PUT", &format!("{notes}/301")), 1);
    let listed = server
        .requests()
        .into_iter()
        .find(|r| r.method == "GET")
        .unwrap();
    assert!(listed.target.contains("sort=asc"), "{}", listed.target);
    let put = server
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    let put: Value = serde_json::from_str(&put.body).unwrap();
    assert_eq!(put["body"], format!("{marker}\nsecond"));
}

#[test]
fn numeric_project_ids_are_used_as_is() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/api/v4/projects/278964/merge_requests/1/approvals",
        vec![FakeResponse::json(200, json!({"approved_by": []}))],
    );
    let gl = GitLab::with_config(
        &format!("{}/api/v4/", server.url()),
        "278964",
        Secret::new(GITLAB_TOKEN),
        fast_config(),
    )
    .unwrap();
    assert!(gl.mr_approvers(1).unwrap().is_empty());
    assert!(GitLab::new(GitLab::DEFAULT_BASE_URL, " ", Secret::default()).is_err());
}

fn merge_request(iid: u64, branch: &str, sha: &str, created: &str, username: &str) -> Value {
    json!({
        "id": 5000 + iid, "iid": iid, "project_id": 3, "title": format!("change {iid}"),
        "state": "opened", "created_at": created, "updated_at": created,
        "target_branch": "main", "source_branch": branch, "author": user(10 + iid, username),
        "draft": iid == 9, "work_in_progress": iid == 9, "sha": sha, "merge_status": "can_be_merged",
        "web_url": format!("https://gitlab.example.com/platform/salesforce/monorepo/-/merge_requests/{iid}")
    })
}

#[test]
fn open_merge_requests_into_a_target_follow_x_next_page() {
    let server = FakeServer::start();
    let list = format!(
        "{PROJECT}/merge_requests?state=opened&target_branch=main&order_by=created_at&sort=asc&per_page=100"
    );
    server.route(
        "GET",
        &list,
        vec![FakeResponse::json(
            200,
            json!([merge_request(
                4,
                "sales/rounding",
                &"a".repeat(40),
                "2026-11-20T10:00:00.000Z",
                "sam"
            )]),
        )
        .header("x-next-page", "2")],
    );
    server.route(
        "GET",
        &format!("{list}&page=2"),
        vec![FakeResponse::json(
            200,
            json!([merge_request(
                9,
                "billing/cache",
                &"b".repeat(40),
                "2026-11-21T09:00:00.000Z",
                "bea"
            )]),
        )
        .header("x-next-page", "")],
    );
    let gl = client(&server);
    let open = gl.open_merge_requests("main").unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].number, 4);
    assert_eq!(open[0].source_branch, "sales/rounding");
    assert_eq!(open[0].author.as_deref(), Some("sam"));
    assert_eq!(open[1].sha, "b".repeat(40));
    assert!(open[1].draft);
    assert_eq!(
        open[1].created_at.as_deref(),
        Some("2026-11-21T09:00:00.000Z")
    );
}
