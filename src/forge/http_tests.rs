//! Tests of the HTTP layer against the scripted server in `fake.rs`, through a GitLab-style
//! client (plain reqwest, `PRIVATE-TOKEN`) and a GitHub-style one (octocrab on reqwest).
use crate::net::Policy;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::*;
use crate::forge::fake::{
    assert_no_token, closed_port_url, fast_config, FakeResponse, FakeServer, GITHUB_TOKEN,
    GITLAB_TOKEN,
};

fn gitlab_client(base: &str, config: HttpConfig) -> HttpClient {
    HttpClient::new(
        Forge::GitLab,
        base,
        Secret::new(GITLAB_TOKEN),
        Auth::Header("private-token"),
        "application/json",
        &[],
        config,
    )
    .expect("client")
}

fn github_client(base: &str, config: HttpConfig) -> HttpClient {
    HttpClient::new(
        Forge::GitHub,
        base,
        Secret::new(GITHUB_TOKEN),
        Auth::OctocrabBearer,
        "application/vnd.github+json",
        &[("x-github-api-version", "2022-11-28")],
        config,
    )
    .expect("client")
}

fn ok_items() -> FakeResponse {
    FakeResponse::json(200, json!([{"id": 1}, {"id": 2}]))
}

fn get_items(client: &HttpClient, path: &str) -> Result<Vec<serde_json::Value>, ForgeError> {
    client.get_json(client.url(path, &[]))
}

#[test]
fn retry_after_429_is_honoured_then_succeeds() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/items",
        vec![
            FakeResponse::json(429, json!({"message": "429 Too Many Requests"}))
                .header("Retry-After", "1"),
            ok_items(),
        ],
    );
    let client = gitlab_client(&server.url(), fast_config());
    let started = Instant::now();
    let items = get_items(&client, "/items").expect("retried");
    assert_eq!(items.len(), 2);
    assert_eq!(server.hits("GET", "/items"), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured ({:?})",
        started.elapsed()
    );
}

#[test]
fn server_error_burst_then_success() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/items",
        vec![
            FakeResponse::raw(502, "text/plain", "bad gateway"),
            FakeResponse::json(503, json!({"message": "unavailable"})),
            FakeResponse::json(500, json!({"message": "oops"})),
            ok_items(),
        ],
    );
    let client = gitlab_client(&server.url(), fast_config());
    assert_eq!(get_items(&client, "/items").unwrap().len(), 2);
    assert_eq!(server.hits("GET", "/items"), 4);
}

#[test]
fn server_errors_forever_fail_after_bounded_retries() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/items",
        vec![FakeResponse::json(
            500,
            json!({"message": "internal error"}),
        )],
    );
    let client = gitlab_client(&server.url(), fast_config());
    let err = get_items(&client, "/items").unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(
            err,
            ForgeError::Status {
                status: 500,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.hits("GET", "/items"), 4, "1 attempt + 3 retries");
    assert_eq!(
        text,
        "GitLab: GET /items: HTTP 500 after 4 attempts: internal error"
    );
}

#[test]
fn slow_response_times_out() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/slow",
        vec![ok_items().delay(Duration::from_millis(1500))],
    );
    let config = HttpConfig {
        policy: Policy {
            request_timeout: Duration::from_millis(200),
            max_retries: 1,
            ..fast_config().policy
        },
        ..fast_config()
    };
    let client = gitlab_client(&server.url(), config);
    let started = Instant::now();
    let err = get_items(&client, "/slow").unwrap_err();
    let elapsed = started.elapsed();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::Timeout { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(elapsed < Duration::from_millis(1200), "took {elapsed:?}");
    assert!(text.contains("timed out after 200 ms"), "{text}");
}

#[test]
fn run_deadline_cuts_a_slow_request_short() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/slow",
        vec![ok_items().delay(Duration::from_secs(3))],
    );
    let config = fast_config().with_run_timeout(Duration::from_millis(300));
    let client = gitlab_client(&server.url(), config);
    let started = Instant::now();
    let err = get_items(&client, "/slow").unwrap_err();
    assert!(matches!(err, ForgeError::Deadline { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_no_token(&err, GITLAB_TOKEN);
    // Once the deadline has passed, nothing more is sent.
    let hits = server.hits("GET", "/slow");
    let err = get_items(&client, "/slow").unwrap_err();
    assert!(matches!(err, ForgeError::Deadline { .. }), "{err:?}");
    assert_eq!(server.hits("GET", "/slow"), hits);
}

#[test]
fn deadline_stops_retry_waits() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/items",
        vec![FakeResponse::json(503, json!({})).header("Retry-After", "2")],
    );
    let config = fast_config().with_run_timeout(Duration::from_millis(500));
    let client = gitlab_client(&server.url(), config);
    let started = Instant::now();
    let err = get_items(&client, "/items").unwrap_err();
    assert!(matches!(err, ForgeError::Deadline { .. }), "{err:?}");
    assert_no_token(&err, GITLAB_TOKEN);
    assert!(started.elapsed() < Duration::from_millis(400));
    assert_eq!(server.hits("GET", "/items"), 1);
}

#[test]
fn html_error_page_is_reported_as_such() {
    let server = FakeServer::start();
    let page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
                <body><h1>502 Bad Gateway</h1></body></html>";
    server.route(
        "GET",
        "/items",
        vec![FakeResponse::raw(502, "text/html", page)],
    );
    let client = gitlab_client(&server.url(), fast_config());
    let err = get_items(&client, "/items").unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::HtmlPage { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(text, "GitLab: HTML error page from /items (HTTP 502)");
    assert_eq!(server.hits("GET", "/items"), 4, "5xx pages are retried");

    // An HTML page with 200 (an SSO login page) where JSON was expected.
    server.route(
        "GET",
        "/sso",
        vec![FakeResponse::raw(200, "text/html; charset=utf-8", page)],
    );
    let err = get_items(&client, "/sso").unwrap_err();
    assert_no_token(&err, GITLAB_TOKEN);
    assert_eq!(
        err.to_string(),
        "GitLab: HTML error page from /sso (HTTP 200)"
    );
}

#[test]
fn malformed_json_names_path_status_and_field() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/api/v4/projects/7/merge_requests/1/diffs",
        vec![FakeResponse::json(
            200,
            json!([{"old_path": "a", "new_path": "a"}, {"old_path": "b", "new_path": 42}]),
        )],
    );
    let client = gitlab_client(&format!("{}/api/v4", server.url()), fast_config());
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Diff {
        old_path: String,
        new_path: String,
    }
    let url = client.url("/projects/7/merge_requests/1/diffs", &[("per_page", "100")]);
    let err = client.get_pages::<Diff>(url).unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        text.starts_with(
            "GitLab: malformed JSON from /api/v4/projects/7/merge_requests/1/diffs (HTTP 200): \
             [1].new_path: invalid type: integer `42`"
        ),
        "{text}"
    );
    assert!(!text.contains("per_page"), "no query in errors: {text}");
}

#[test]
fn truncated_json_is_malformed_not_a_panic() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/items",
        vec![FakeResponse::raw(
            200,
            "application/json",
            r#"[{"id": 1}, {"id"#,
        )],
    );
    let client = gitlab_client(&server.url(), fast_config());
    let err = get_items(&client, "/items").unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::MalformedJson { status: 200, .. }),
        "{err:?}"
    );
    assert!(text.contains("EOF while parsing"), "{text}");

    // Trailing garbage after a valid document.
    server.route(
        "GET",
        "/trailing",
        vec![FakeResponse::raw(200, "application/json", "[] []")],
    );
    let err = get_items(&client, "/trailing").unwrap_err();
    assert_no_token(&err, GITLAB_TOKEN);
    assert!(matches!(err, ForgeError::MalformedJson { .. }), "{err:?}");
}

#[test]
fn body_cut_short_is_a_network_error_after_retries() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/items",
        vec![
            FakeResponse::raw(200, "application/json", r#"[{"id": 1}, {"id": 2}]"#).cut_body_at(8),
        ],
    );
    let config = HttpConfig {
        policy: Policy {
            max_retries: 1,
            ..fast_config().policy
        },
        ..fast_config()
    };
    let client = gitlab_client(&server.url(), config);
    let err = get_items(&client, "/items").unwrap_err();
    assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::Network { attempts: 2, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits("GET", "/items"), 2);
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let base = closed_port_url();
    for client in [
        gitlab_client(&base, fast_config()),
        github_client(&base, fast_config()),
    ] {
        let started = Instant::now();
        let err = get_items(&client, "/items").unwrap_err();
        let text = assert_no_token(&err, GITLAB_TOKEN);
        assert_no_token(&err, GITHUB_TOKEN);
        assert!(
            matches!(err, ForgeError::Network { attempts: 4, .. }),
            "{err:?}"
        );
        assert!(
            text.contains("GET /items: network error after 4 attempts"),
            "{text}"
        );
        assert!(text.contains("cannot connect"), "{text}");
        assert!(!text.contains("127.0.0.1"), "no host in errors: {text}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}

#[test]
fn unauthorized_gives_a_hint_and_never_the_token() {
    let server = FakeServer::start();
    // A server that echoes the token back must not leak it either.
    server.route(
        "GET",
        "/items",
        vec![FakeResponse::json(
            401,
            json!({"message": format!("401 Unauthorized: token {GITLAB_TOKEN} is revoked")}),
        )],
    );
    let client = gitlab_client(&server.url(), fast_config());
    let err = get_items(&client, "/items").unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::Auth { status: 401, .. }),
        "{err:?}"
    );
    assert!(text.contains("token *** is revoked"), "{text}");
    assert!(
        text.contains("CI_JOB_TOKEN"),
        "hint names the token: {text}"
    );
    assert_eq!(server.hits("GET", "/items"), 1, "401 is not retried");
    let sent = &server.requests()[0];
    assert_eq!(sent.header("private-token"), Some(GITLAB_TOKEN));
    assert!(!sent.target.contains(GITLAB_TOKEN));
}

#[test]
fn forbidden_without_rate_limit_headers_is_auth_not_retried() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/items",
        vec![FakeResponse::json(
            403,
            json!({"message": "Resource not accessible by integration"}),
        )
        .header("x-ratelimit-remaining", "4999")],
    );
    let client = github_client(&server.url(), fast_config());
    let err = get_items(&client, "/items").unwrap_err();
    let text = assert_no_token(&err, GITHUB_TOKEN);
    assert!(
        matches!(err, ForgeError::Auth { status: 403, .. }),
        "{err:?}"
    );
    assert!(text.contains("org teams"), "{text}");
    assert_eq!(server.hits("GET", "/items"), 1);
}

#[test]
fn github_primary_rate_limit_waits_for_reset() {
    let server = FakeServer::start();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    server.route(
        "GET",
        "/items",
        vec![
            FakeResponse::json(403, json!({"message": "API rate limit exceeded"}))
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", &(now - 1).to_string()),
            ok_items(),
        ],
    );
    let client = github_client(&server.url(), fast_config());
    assert_eq!(get_items(&client, "/items").unwrap().len(), 2);
    assert_eq!(server.hits("GET", "/items"), 2);
}

#[test]
fn rate_limit_reset_too_far_fails_at_once_with_the_reset_time() {
    let server = FakeServer::start();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    server.route(
        "GET",
        "/items",
        vec![
            FakeResponse::json(429, json!({"message": "Rate limit exceeded"}))
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", &(now + 3600).to_string()),
        ],
    );
    let client = gitlab_client(&server.url(), fast_config());
    let started = Instant::now();
    let err = get_items(&client, "/items").unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(started.elapsed() < Duration::from_secs(1));
    match &err {
        ForgeError::RateLimited {
            status: 429,
            reset_at: Some(at),
            ..
        } => {
            let secs = at.duration_since(UNIX_EPOCH).unwrap().as_secs();
            assert!((now + 3590..=now + 3601).contains(&secs), "{secs} vs {now}");
        }
        other => panic!("{other:?}"),
    }
    assert!(text.contains("rate limited (HTTP 429)"), "{text}");
    assert!(text.contains("resets at"), "{text}");
    assert!(text.contains("not waiting longer than 5 s"), "{text}");
    assert_eq!(server.hits("GET", "/items"), 1);
}

#[test]
fn post_is_not_retried_after_a_server_error_but_is_after_429() {
    let server = FakeServer::start();
    server.route(
        "POST",
        "/notes",
        vec![FakeResponse::json(502, json!({"message": "bad gateway"}))],
    );
    let client = gitlab_client(&server.url(), fast_config());
    let req = Request::with_json(
        Method::Post,
        client.url("/notes", &[]),
        &json!({"body": "x"}),
    );
    let err = client.json::<serde_json::Value>(req.clone()).unwrap_err();
    assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::Status { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(
        server.hits("POST", "/notes"),
        1,
        "a POST may have been applied"
    );

    server.route(
        "POST",
        "/notes",
        vec![
            FakeResponse::json(429, json!({})).header("Retry-After", "0"),
            FakeResponse::json(201, json!({"id": 5})),
        ],
    );
    let created: serde_json::Value = client.json(req).unwrap();
    assert_eq!(created["id"], 5);
    assert_eq!(server.hits("POST", "/notes"), 3);
    let last = server.requests().pop().unwrap();
    assert_eq!(last.body, r#"{"body":"x"}"#);
    assert_eq!(last.header("content-type"), Some("application/json"));
}

#[test]
fn link_pagination_follows_next_until_the_end() {
    let server = FakeServer::start();
    let base = server.url();
    server.route(
        "GET",
        "/list?per_page=2",
        vec![ok_items().header(
            "Link",
            &format!(
                "<{base}/list?per_page=2&page=2>; rel=\"next\", <{base}/list?per_page=2&page=3>; rel=\"last\""
            ),
        )],
    );
    server.route(
        "GET",
        "/list?per_page=2&page=2",
        vec![ok_items().header(
            "Link",
            &format!(
                "<{base}/list?per_page=2&page=1>; rel=\"prev\", <{base}/list?per_page=2&page=3>; rel=\"next\""
            ),
        )],
    );
    server.route(
        "GET",
        "/list?per_page=2&page=3",
        vec![FakeResponse::json(200, json!([{"id": 5}])).header(
            "Link",
            &format!("<{base}/list?per_page=2&page=1>; rel=\"first\""),
        )],
    );
    for client in [
        github_client(&base, fast_config()),
        gitlab_client(&base, fast_config()),
    ] {
        let items: Vec<serde_json::Value> = client
            .get_pages(client.url("/list", &[("per_page", "2")]))
            .unwrap();
        assert_eq!(items.len(), 5);
    }
}

#[test]
fn pagination_loop_is_an_error() {
    let server = FakeServer::start();
    let base = server.url();
    // Page 2 says its next page is page 1 again.
    server.route(
        "GET",
        "/list?page=1",
        vec![ok_items().header("Link", &format!("<{base}/list?page=2>; rel=\"next\""))],
    );
    server.route(
        "GET",
        "/list?page=2",
        vec![ok_items().header("Link", &format!("<{base}/list?page=1>; rel=\"next\""))],
    );
    let client = github_client(&base, fast_config());
    let err = client
        .get_pages::<serde_json::Value>(client.url("/list", &[("page", "1")]))
        .unwrap_err();
    let text = assert_no_token(&err, GITHUB_TOKEN);
    assert!(matches!(err, ForgeError::Pagination { .. }), "{err:?}");
    assert!(text.contains("already read"), "{text}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn endless_pagination_stops_at_the_page_cap() {
    let server = FakeServer::start();
    // Every page claims a next page with a new number: x-next-page = current + 1 forever.
    for page in 1..=30 {
        server.route(
            "GET",
            &format!("/list?page={page}"),
            vec![ok_items().header("x-next-page", &(page + 1).to_string())],
        );
    }
    let config = HttpConfig {
        max_pages: 5,
        ..fast_config()
    };
    let client = gitlab_client(&server.url(), config);
    let err = client
        .get_pages::<serde_json::Value>(client.url("/list", &[("page", "1")]))
        .unwrap_err();
    assert!(matches!(err, ForgeError::Pagination { .. }), "{err:?}");
    assert!(err.to_string().contains("more than 5 pages"), "{err}");
    assert_no_token(&err, GITLAB_TOKEN);
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn next_link_to_another_host_is_refused() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/list",
        vec![ok_items().header("Link", "<https://evil.example/list?page=2>; rel=\"next\"")],
    );
    let client = github_client(&server.url(), fast_config());
    let err = client
        .get_pages::<serde_json::Value>(client.url("/list", &[]))
        .unwrap_err();
    assert!(matches!(err, ForgeError::Pagination { .. }), "{err:?}");
    assert!(!err.to_string().contains("evil"), "{err}");
    assert_no_token(&err, GITHUB_TOKEN);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn errors_carry_no_query_string() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/users",
        vec![FakeResponse::json(500, json!({"message": "boom"}))],
    );
    let config = HttpConfig {
        policy: Policy {
            max_retries: 0,
            ..fast_config().policy
        },
        ..fast_config()
    };
    let client = gitlab_client(&server.url(), config);
    let err = client
        .get_json::<serde_json::Value>(client.url("/users", &[("username", "alice")]))
        .unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(text.contains("GET /users"), "{text}");
    assert!(!text.contains("alice"), "{text}");
    assert!(!format!("{err:?}").contains("alice"));
}

#[test]
fn base_url_rules() {
    let token = || Secret::new("secret-token-value");
    let build = |url: &str| {
        HttpClient::new(
            Forge::GitLab,
            url,
            token(),
            Auth::Header("private-token"),
            "application/json",
            &[],
            fast_config(),
        )
    };
    assert!(build("http://127.0.0.1:9/api/v4").is_ok());
    assert!(build("http://localhost:9").is_ok());
    assert!(build("http://[::1]:9").is_ok());
    assert!(build("https://gitlab.example.com/api/v4/").is_ok());
    let err = build("http://gitlab.example.com/api/v4").err().unwrap();
    assert!(err.to_string().contains("plain http"), "{err}");
    let err = build("https://oauth2:secret-token-value@gitlab.example.com")
        .err()
        .unwrap();
    assert_no_token(&err, "secret-token-value");
    assert!(err.to_string().contains("credentials"), "{err}");
    assert!(build("ftp://example.com").is_err());
    assert!(build("not a url").is_err());

    let client = build("https://gitlab.example.com/api/v4/").unwrap();
    assert_eq!(
        client
            .url("/projects/a%2Fb", &[("per_page", "100")])
            .as_str(),
        "https://gitlab.example.com/api/v4/projects/a%2Fb?per_page=100"
    );
}

#[test]
fn link_header_parsing() {
    assert_eq!(
        next_link(r#"<https://x/a?page=2>; rel="next", <https://x/a?page=9>; rel="last""#),
        Some("https://x/a?page=2")
    );
    assert_eq!(
        next_link(r#"<https://x/a?page=1>; rel="prev", <https://x/a?page=3>; rel=next"#),
        Some("https://x/a?page=3")
    );
    assert_eq!(
        next_link(r#"<https://x/a?page=3>; rel="next last""#),
        Some("https://x/a?page=3")
    );
    assert_eq!(next_link(r#"<https://x/a?page=1>; rel="first""#), None);
    assert_eq!(next_link(""), None);
    assert_eq!(next_link("garbage>; <"), None);
}

#[test]
fn retry_after_and_reset_headers() {
    let mut h = HeaderMap::new();
    h.insert("retry-after", HeaderValue::from_static("7"));
    assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
    let later = SystemTime::now() + Duration::from_secs(120);
    h.insert(
        "retry-after",
        HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
    );
    let wait = retry_after(&h).unwrap();
    assert!(wait > Duration::from_secs(115) && wait <= Duration::from_secs(120));
    h.insert(
        "retry-after",
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(
        retry_after(&h),
        Some(Duration::ZERO),
        "a past date: retry now"
    );
    h.insert("retry-after", HeaderValue::from_static("soon"));
    assert_eq!(retry_after(&h), None);

    let mut h = HeaderMap::new();
    h.insert("x-ratelimit-remaining", HeaderValue::from_static("12"));
    h.insert("x-ratelimit-reset", HeaderValue::from_static("1700000000"));
    assert_eq!(rate_limit_reset(&h), None, "not exhausted");
    h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
    assert_eq!(
        rate_limit_reset(&h),
        Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    );
    let mut h = HeaderMap::new();
    h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
    h.insert("ratelimit-reset", HeaderValue::from_static("1700000001"));
    assert_eq!(
        rate_limit_reset(&h),
        Some(UNIX_EPOCH + Duration::from_secs(1_700_000_001))
    );
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let c = HttpConfig::default();
    assert_eq!(c.backoff(0), Duration::from_secs(1));
    assert_eq!(c.backoff(1), Duration::from_secs(2));
    assert_eq!(c.backoff(3), Duration::from_secs(8));
    assert_eq!(c.backoff(10), Duration::from_secs(30));
    assert_eq!(c.backoff(u32::MAX), Duration::from_secs(30));
}

#[test]
fn helpers() {
    assert_eq!(encode_segment("group/sub proj"), "group%2Fsub%20proj");
    assert_eq!(encode_segment("a-b_c.d~e"), "a-b_c.d~e");
    assert_eq!(
        strip_queries("error for url (https://h/p?private_token=abc) here"),
        "error for url (https://h/p) here"
    );
    assert_eq!(
        error_message(br#"{"message": "Not Found", "documentation_url": "x"}"#),
        "Not Found"
    );
    assert_eq!(
        error_message(br#"{"error": "invalid_token", "error_description": "expired"}"#),
        "invalid_token: expired"
    );
    assert_eq!(error_message(b"\n  plain text\nmore"), "plain text");
    assert_eq!(truncate("abcdef", 3), "abc…");
}

#[test]
fn redirects_are_followed_on_the_same_origin_only() {
    let server = FakeServer::start();
    server.route(
        "GET",
        "/old",
        vec![FakeResponse::json(301, json!({})).header("Location", "/new")],
    );
    server.route("GET", "/new", vec![ok_items()]);
    server.route(
        "GET",
        "/away",
        vec![FakeResponse::json(302, json!({}))
            .header("Location", "https://elsewhere.example/steal")],
    );
    let client = gitlab_client(&server.url(), fast_config());
    assert_eq!(get_items(&client, "/old").unwrap().len(), 2);
    let followed = server.requests().pop().unwrap();
    assert_eq!(followed.target, "/new");
    assert_eq!(followed.header("private-token"), Some(GITLAB_TOKEN));

    let err = get_items(&client, "/away").unwrap_err();
    let text = assert_no_token(&err, GITLAB_TOKEN);
    assert!(
        matches!(err, ForgeError::Status { status: 302, .. }),
        "{err:?}"
    );
    assert!(text.contains("not followed"), "{text}");
    assert!(!text.contains("elsewhere"), "{text}");
}

#[test]
fn debug_of_clients_shows_no_token() {
    let gl = gitlab_client("http://127.0.0.1:9", fast_config());
    let gh = github_client("http://127.0.0.1:9", fast_config());
    let text = format!("{gl:?} {gh:?}");
    assert!(
        !text.contains(GITLAB_TOKEN) && !text.contains(GITHUB_TOKEN),
        "{text}"
    );
    assert!(text.contains("***"), "{text}");

    fn send_sync<T: Send + Sync>() {}
    send_sync::<crate::forge::GitHub>();
    send_sync::<crate::forge::GitLab>();
    send_sync::<ForgeError>();
}
