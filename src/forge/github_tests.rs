//! GitHub client tests against the scripted server, with payloads shaped like GitHub's REST
//! documentation ("List pull requests files", "List reviews for a pull request", "Get a user",
//! "List team members", "Check team permissions for a repository", "Get repository permissions
//! for a user", issue comments).
use crate::net::Policy;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::*;
use crate::forge::fake::{
    assert_no_token, closed_port_url, fast_config, FakeResponse, FakeServer, GITHUB_TOKEN,
};

fn client(server: &FakeServer) -> GitHub {
    GitHub::with_config(
        &server.url(),
        "octo-org",
        "monorepo",
        Secret::new(GITHUB_TOKEN),
        fast_config(),
    )
    .expect("client")
}

fn user(login: &str) -> Value {
    json!({
        "login": login, "id": 1, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false,
        "avatar_url": "https://github.com/images/error/octocat_happy.gif",
        "url": format!("https://api.github.com/users/{login}")
    })
}

fn file(name: &str, status: &str) -> Value {
    json!({
        "sha": "bbcd538c8e72b8c175046e27cc8f907076331401",
        "filename": name,
        "status": status,
        "additions": 103, "deletions": 21, "changes": 124,
        "blob_url": format!("https://github.com/octo-org/monorepo/blob/6dcb09b/{name}"),
        "patch": "@@ -132,7 +132,7 @@ module Test @@ -1000,7 +1000,7 @@ module Test"
    })
}

fn review(id: u64, login: &str, state: &str, at: &str) -> Value {
    json!({
        "id": id, "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
        "user": user(login), "body": "Here is the body for the review.",
        "state": state, "submitted_at": at,
        "commit_id": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
        "author_association": "COLLABORATOR"
    })
}

fn r(login: &str, state: ReviewState, at: &str) -> Review {
    Review {
        user: login.into(),
        state,
        submitted_at: Some(at.into()),
    }
}

#[test]
fn pull_files_paginates_and_keeps_renamed_sources() {
    let server = FakeServer::start();
    let base = server.url();
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/42",
        vec![FakeResponse::json(
            200,
            json!({"number": 42, "state": "open", "changed_files": 3}),
        )],
    );
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/42/files?per_page=100",
        vec![FakeResponse::json(
            200,
            json!([file("force-app/sales/classes/A.cls", "modified"), file("README.md", "removed")]),
        )
        .header(
            "Link",
            &format!(
                "<{base}/repos/octo-org/monorepo/pulls/42/files?per_page=100&page=2>; rel=\"next\", \
                 <{base}/repos/octo-org/monorepo/pulls/42/files?per_page=100&page=2>; rel=\"last\""
            ),
        )],
    );
    let mut renamed = file("force-app/service/classes/B.cls", "renamed");
    renamed["previous_filename"] = json!("force-app/sales/classes/B.cls");
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/42/files?per_page=100&page=2",
        vec![FakeResponse::json(200, json!([renamed]))],
    );
    let gh = client(&server);
    assert_eq!(
        gh.pull_files(42).unwrap(),
        vec![
            "force-app/sales/classes/A.cls",
            "README.md",
            "force-app/service/classes/B.cls",
            "force-app/sales/classes/B.cls",
        ]
    );
    // Headers GitHub asks for; the token only in Authorization.
    for req in server.requests() {
        assert_eq!(
            req.header("authorization"),
            Some(format!("Bearer {GITHUB_TOKEN}").as_str())
        );
        assert_eq!(req.header("accept"), Some("application/vnd.github+json"));
        assert_eq!(req.header("x-github-api-version"), Some("2022-11-28"));
        // GitHub requires a User-Agent (octocrab sends its own); one of each header.
        for name in [
            "user-agent",
            "accept",
            "authorization",
            "x-github-api-version",
        ] {
            let n = req.headers.iter().filter(|(k, _)| k == name).count();
            assert_eq!(n, 1, "{name} in {:?}", req.headers);
        }
        assert!(!req.target.contains(GITHUB_TOKEN));
    }
}

#[test]
fn pull_files_over_the_3000_file_limit_says_so() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/7",
        vec![FakeResponse::json(
            200,
            json!({"number": 7, "changed_files": 3500}),
        )],
    );
    let gh = client(&server);
    let err = gh.pull_files(7).unwrap_err();
    let text = assert_no_token(&err, GITHUB_TOKEN);
    assert!(err.is_too_many_files(), "{err:?}");
    assert_eq!(
        text,
        "GitHub: GET /repos/octo-org/monorepo/pulls/7/files: the pull request changes 3500 \
         files, more than the API lists (at most 3000); take the changed files from git"
    );
    assert_eq!(
        server.hits("GET", "/repos/octo-org/monorepo/pulls/7/files"),
        0,
        "no point listing a truncated set"
    );
}

#[test]
fn pull_files_listing_fewer_than_changed_files_is_an_error() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/8",
        vec![FakeResponse::json(
            200,
            json!({"number": 8, "changed_files": 3}),
        )],
    );
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/8/files",
        vec![FakeResponse::json(
            200,
            json!([file("a", "added"), file("b", "added")]),
        )],
    );
    let err = client(&server).pull_files(8).unwrap_err();
    assert_no_token(&err, GITHUB_TOKEN);
    assert!(
        matches!(
            err,
            ForgeError::TooManyFiles {
                total: 3,
                listed: Some(2),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn review_reduction_approved_then_changes_requested_is_not_approved() {
    let reviews = [
        r("alice", ReviewState::Approved, "2024-05-01T10:00:00Z"),
        r(
            "alice",
            ReviewState::ChangesRequested,
            "2024-05-01T11:00:00Z",
        ),
    ];
    assert!(approved_logins(&reviews).is_empty());
}

#[test]
fn review_reduction_comment_after_approval_keeps_the_approval() {
    let reviews = [
        r("alice", ReviewState::Approved, "2024-05-01T10:00:00Z"),
        r("alice", ReviewState::Commented, "2024-05-01T11:00:00Z"),
        r("bob", ReviewState::Commented, "2024-05-01T12:00:00Z"),
    ];
    assert_eq!(approved_logins(&reviews), vec!["alice"]);
}

#[test]
fn review_reduction_dismissed_is_not_approved() {
    let reviews = [
        r("alice", ReviewState::Dismissed, "2024-05-01T10:00:00Z"),
        r("bob", ReviewState::ChangesRequested, "2024-05-01T09:00:00Z"),
        r("bob", ReviewState::Approved, "2024-05-01T12:00:00Z"),
        r("Carol", ReviewState::Approved, "2024-05-01T08:00:00Z"),
        r("carol", ReviewState::Dismissed, "2024-05-01T08:30:00Z"),
        r("dave", ReviewState::Approved, "2024-05-01T08:00:00Z"),
        Review {
            user: "dave".into(),
            state: ReviewState::Pending,
            submitted_at: None,
        },
    ];
    assert_eq!(approved_logins(&reviews), vec!["bob", "dave"]);
}

#[test]
fn approvers_reads_paginated_reviews() {
    let server = FakeServer::start();
    let base = server.url();
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/5/reviews?per_page=100",
        vec![FakeResponse::json(
            200,
            json!([
                review(80, "alice", "APPROVED", "2024-05-01T10:00:00Z"),
                review(81, "bob", "APPROVED", "2024-05-01T10:05:00Z"),
            ]),
        )
        .header(
            "Link",
            &format!("<{base}/repos/octo-org/monorepo/pulls/5/reviews?per_page=100&page=2>; rel=\"next\""),
        )],
    );
    let mut ghost = review(83, "ghost", "APPROVED", "2024-05-01T13:00:00Z");
    ghost["user"] = Value::Null;
    server.route(
        "GET",
        "/repos/octo-org/monorepo/pulls/5/reviews?per_page=100&page=2",
        vec![FakeResponse::json(
            200,
            json!([
                review(82, "bob", "CHANGES_REQUESTED", "2024-05-01T12:00:00Z"),
                ghost,
                {"id": 84, "user": user("erin"), "state": "PENDING", "body": ""},
            ]),
        )],
    );
    let gh = client(&server);
    let reviews = gh.pull_reviews(5).unwrap();
    assert_eq!(reviews.len(), 4, "the ghost's review has no user");
    assert_eq!(reviews[3].state, ReviewState::Pending);
    assert_eq!(reviews[3].submitted_at, None);
    assert_eq!(gh.approvers(5).unwrap(), vec!["alice"]);
}

#[test]
fn user_exists_404_is_false_and_lookups_are_cached() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/users/octocat",
        vec![FakeResponse::json(200, user("octocat"))],
    );
    server.route(
        "GET",
        "/users/nobody-here",
        vec![FakeResponse::json(
            404,
            json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/users/users#get-a-user", "status": "404"}),
        )],
    );
    let mut org = user("octo-org");
    org["type"] = json!("Organization");
    server.route("GET", "/users/octo-org", vec![FakeResponse::json(200, org)]);
    let gh = client(&server);
    assert!(gh.user_exists("octocat").unwrap());
    assert!(
        gh.user_exists("OctoCat").unwrap(),
        "logins are case-insensitive"
    );
    assert!(!gh.user_exists("nobody-here").unwrap());
    assert!(!gh.user_exists("nobody-here").unwrap());
    assert!(
        !gh.user_exists("octo-org").unwrap(),
        "an organisation is not a user"
    );
    assert_eq!(server.hits("GET", "/users/octocat"), 1);
    assert_eq!(server.hits("GET", "/users/nobody-here"), 1);
}

#[test]
fn unauthorized_names_the_token_github_needs() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/orgs/octo-org/teams/sales/members",
        vec![FakeResponse::json(
            401,
            json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}),
        )],
    );
    let err = client(&server)
        .team_members("octo-org", "sales")
        .unwrap_err();
    let text = assert_no_token(&err, GITHUB_TOKEN);
    assert!(
        matches!(err, ForgeError::Auth { status: 401, .. }),
        "{err:?}"
    );
    assert!(
        text.starts_with(
            "GitHub: GET /orgs/octo-org/teams/sales/members was refused (HTTP 401: Bad credentials)"
        ),
        "{text}"
    );
    assert!(text.contains("org teams"), "{text}");
}

#[test]
fn team_members_paginate_and_are_cached() {
    let server = FakeServer::start();
    let base = server.url();
    server.route(
        "GET",
        "/orgs/octo-org/teams/sales-eng/members?per_page=100",
        vec![FakeResponse::json(200, json!([user("alice"), user("bob")])).header(
            "Link",
            &format!("<{base}/orgs/octo-org/teams/sales-eng/members?per_page=100&page=2>; rel=\"next\""),
        )],
    );
    server.route(
        "GET",
        "/orgs/octo-org/teams/sales-eng/members?per_page=100&page=2",
        vec![FakeResponse::json(200, json!([user("carol")]))],
    );
    let gh = client(&server);
    assert_eq!(
        gh.team_members("octo-org", "sales-eng").unwrap(),
        vec!["alice", "bob", "carol"]
    );
    assert_eq!(gh.team_members("Octo-Org", "Sales-Eng").unwrap().len(), 3);
    assert_eq!(server.requests().len(), 2);
    assert!(
        gh.team_exists("octo-org", "sales-eng").unwrap(),
        "known from the listing"
    );
    assert_eq!(server.requests().len(), 2);
    assert!(!gh.team_exists("octo-org", "ghosts").unwrap());

    let err = gh.team_members("octo-org", "ghosts").unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_no_token(&err, GITHUB_TOKEN);
}

#[test]
fn team_repo_permission_uses_the_repository_media_type() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/orgs/octo-org/teams/sales-eng/repos/octo-org/monorepo",
        vec![FakeResponse::json(
            200,
            json!({
                "id": 1296269, "name": "monorepo", "full_name": "octo-org/monorepo",
                "permissions": {"admin": false, "maintain": false, "push": true, "triage": true, "pull": true},
                "role_name": "write"
            }),
        )],
    );
    server.route(
        "GET",
        "/orgs/octo-org/teams/readers/repos/octo-org/monorepo",
        vec![FakeResponse::json(
            200,
            json!({"name": "monorepo", "permissions": {"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}}),
        )],
    );
    server.route(
        "GET",
        "/orgs/octo-org/teams/custom/repos/octo-org/monorepo",
        vec![FakeResponse::json(
            200,
            json!({"name": "monorepo", "role_name": "release-manager",
                   "permissions": {"admin": false, "maintain": true, "push": true, "triage": true, "pull": true}}),
        )],
    );
    let gh = client(&server);
    assert_eq!(
        gh.team_repo_permission("octo-org", "sales-eng", "octo-org", "monorepo")
            .unwrap()
            .as_deref(),
        Some("write")
    );
    assert_eq!(
        gh.team_repo_permission("octo-org", "readers", "octo-org", "monorepo")
            .unwrap()
            .as_deref(),
        Some("read")
    );
    assert_eq!(
        gh.team_repo_permission("octo-org", "custom", "octo-org", "monorepo")
            .unwrap()
            .as_deref(),
        Some("maintain"),
        "a custom role counts by its base permission"
    );
    assert_eq!(
        gh.team_repo_permission("octo-org", "outsiders", "octo-org", "monorepo")
            .unwrap(),
        None
    );
    let first = &server.requests()[0];
    assert_eq!(
        first.header("accept"),
        Some("application/vnd.github.v3.repository+json")
    );
    assert!(can_write("write") && can_write("maintain") && !can_write("triage"));
}

#[test]
fn user_permission_maps_none_and_404_to_none() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/repos/octo-org/monorepo/collaborators/alice/permission",
        vec![FakeResponse::json(
            200,
            json!({"permission": "admin", "role_name": "admin", "user": user("alice")}),
        )],
    );
    server.route(
        "GET",
        "/repos/octo-org/monorepo/collaborators/mallory/permission",
        vec![FakeResponse::json(
            200,
            json!({"permission": "none", "role_name": "none", "user": user("mallory")}),
        )],
    );
    server.route(
        "GET",
        "/repos/octo-org/monorepo/collaborators/trent/permission",
        vec![FakeResponse::json(
            200,
            json!({"permission": "write", "role_name": "maintain", "user": user("trent")}),
        )],
    );
    let gh = client(&server);
    assert_eq!(
        gh.user_permission("alice").unwrap().as_deref(),
        Some("admin")
    );
    assert_eq!(
        gh.user_permission("trent").unwrap().as_deref(),
        Some("maintain")
    );
    assert_eq!(gh.user_permission("mallory").unwrap(), None);
    assert_eq!(gh.user_permission("nobody").unwrap(), None);
    assert_eq!(
        gh.user_permission("ALICE").unwrap().as_deref(),
        Some("admin")
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn upsert_comment_creates_once_then_updates() {
    let server = FakeServer::start();
    let marker = "<!-- sfci:codeowners-check -->";
    let list = "/repos/octo-org/monorepo/issues/42/comments";
    let other = json!({"id": 1, "body": "LGTM", "user": user("alice")});
    server.route(
        "GET",
        list,
        vec![
            FakeResponse::json(200, json!([other])),
            FakeResponse::json(
                200,
                json!([other, {"id": 99, "body": format!("{marker}\nfirst"), "user": user("sfci-bot")}]),
            ),
        ],
    );
    server.route(
        "POST",
        list,
        vec![FakeResponse::json(201, json!({"id": 99, "body": "..."}))],
    );
    server.route(
        "PATCH",
        "/repos/octo-org/monorepo/issues/comments/99",
        vec![FakeResponse::json(200, json!({"id": 99, "body": "..."}))],
    );
    let gh = client(&server);
    assert_eq!(
        gh.upsert_comment(42, marker, "first").unwrap(),
        Upsert::Created { id: 99 }
    );
    assert_eq!(
        gh.upsert_comment(42, marker, "second").unwrap(),
        Upsert::Updated { id: 99 }
    );
    assert_eq!(
        gh.upsert_comment(42, marker, "first").unwrap(),
        Upsert::Unchanged { id: 99 }
    );
    assert_eq!(server.hits("POST", list), 1, "never a second comment");
    assert_eq!(
        server.hits("PATCH", "/repos/octo-org/monorepo/issues/comments/99"),
        1
    );
    let posted: Value = serde_json::from_str(
        &server
            .requests()
            .iter()
            .find(|r| r.method == "POST")
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(posted["body"], format!("{marker}\nfirst"));
    let patched: Value = serde_json::from_str(
        &server
            .requests()
            .iter()
            .find(|r| r.method == "PATCH")
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(patched["body"], format!("{marker}\nsecond"));

    let err = gh.upsert_comment(42, " ", "x").unwrap_err();
    assert_no_token(&err, GITHUB_TOKEN);
    assert!(matches!(err, ForgeError::Config { .. }));
}

#[test]
fn retries_and_timeouts_through_octocrab() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/users/octocat",
        vec![
            FakeResponse::json(502, json!({"message": "Server Error"})),
            FakeResponse::json(429, json!({"message": "secondary rate limit"}))
                .header("Retry-After", "0"),
            FakeResponse::json(200, user("octocat")),
        ],
    );
    server.route(
        "GET",
        "/users/slowpoke",
        vec![FakeResponse::json(200, user("slowpoke")).delay(Duration::from_millis(1500))],
    );
    let config = HttpConfig {
        policy: Policy {
            request_timeout: Duration::from_millis(200),
            max_retries: 2,
            ..fast_config().policy
        },
        ..fast_config()
    };
    let gh =
        GitHub::with_config(&server.url(), "o", "r", Secret::new(GITHUB_TOKEN), config).unwrap();
    assert!(gh.user_exists("octocat").unwrap());
    assert_eq!(server.hits("GET", "/users/octocat"), 3);

    let started = Instant::now();
    let err = gh.user_exists("slowpoke").unwrap_err();
    assert!(
        matches!(err, ForgeError::Timeout { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1400));
    assert_no_token(&err, GITHUB_TOKEN);
}

#[test]
fn connection_refused_is_a_network_error() {
    let gh = GitHub::with_config(
        &closed_port_url(),
        "o",
        "r",
        Secret::new(GITHUB_TOKEN),
        fast_config(),
    )
    .unwrap();
    let err = gh.pull_files(1).unwrap_err();
    let text = assert_no_token(&err, GITHUB_TOKEN);
    assert!(matches!(err, ForgeError::Network { .. }), "{err:?}");
    assert!(
        text.starts_with("GitHub: GET /repos/o/r/pulls/1: network error"),
        "{text}"
    );
}

#[test]
fn constructor_rejects_remote_plain_http_and_missing_repo() {
    assert!(GitHub::new("http://api.github.com", "o", "r", Secret::default()).is_err());
    assert!(GitHub::new(GitHub::DEFAULT_BASE_URL, "", "r", Secret::default()).is_err());
    let gh = GitHub::new(
        GitHub::DEFAULT_BASE_URL,
        "o",
        "r",
        Secret::new(GITHUB_TOKEN),
    )
    .unwrap();
    assert_eq!((gh.owner(), gh.repo()), ("o", "r"));
}

#[test]
fn anonymous_client_sends_no_authorization() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/users/octocat",
        vec![FakeResponse::json(200, user("octocat"))],
    );
    let gh =
        GitHub::with_config(&server.url(), "o", "r", Secret::default(), fast_config()).unwrap();
    assert!(gh.user_exists("octocat").unwrap());
    assert_eq!(server.requests()[0].header("authorization"), None);
}

#[test]
fn a_token_that_cannot_be_a_header_is_a_config_error_not_a_panic() {
    let token = "ghp_SECRET\u{1}CTRL";
    let err = match GitHub::new("http://127.0.0.1:9", "acme", "repo", Secret::new(token)) {
        Err(e) => e,
        Ok(_) => panic!("a control character in the token must be refused"),
    };
    let text = format!("{err} {err:?}");
    assert!(text.contains("not allowed in a header"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
}

fn pull(number: u64, branch: &str, sha: &str, created: &str, login: &str) -> Value {
    json!({
        "url": format!("https://api.github.com/repos/octo-org/monorepo/pulls/{number}"),
        "id": 1000 + number, "number": number, "state": "open", "locked": false,
        "title": format!("change {number}"), "user": user(login), "draft": false,
        "html_url": format!("https://github.com/octo-org/monorepo/pull/{number}"),
        "created_at": created, "updated_at": created,
        "head": {"label": format!("octo-org:{branch}"), "ref": branch, "sha": sha, "user": user(login)},
        "base": {"label": "octo-org:main", "ref": "main", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"}
    })
}

#[test]
fn open_pulls_into_a_base_follow_pages() {
    let server = FakeServer::start();
    let base = server.url();
    let first = "/repos/octo-org/monorepo/pulls?state=open&base=main&sort=created&direction=asc&per_page=100";
    server.route(
        "GET",
        first,
        vec![FakeResponse::json(
            200,
            json!([pull(
                3,
                "sales/rounding",
                "a".repeat(40).as_str(),
                "2026-11-20T10:00:00Z",
                "sam"
            )]),
        )
        .header(
            "Link",
            &format!("<{base}{first}&page=2>; rel=\"next\", <{base}{first}&page=2>; rel=\"last\""),
        )],
    );
    server.route(
        "GET",
        &format!("{first}&page=2"),
        vec![FakeResponse::json(
            200,
            json!([pull(
                7,
                "billing/cache",
                "b".repeat(40).as_str(),
                "2026-11-21T09:00:00Z",
                "bea"
            )]),
        )],
    );
    let gh = client(&server);
    let open = gh.open_pulls("main").unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].number, 3);
    assert_eq!(open[0].source_branch, "sales/rounding");
    assert_eq!(open[0].sha, "a".repeat(40));
    assert_eq!(open[0].author.as_deref(), Some("sam"));
    assert_eq!(open[1].created_at.as_deref(), Some("2026-11-21T09:00:00Z"));
    assert_eq!(
        open[1].url.as_deref(),
        Some("https://github.com/octo-org/monorepo/pull/7")
    );
}
