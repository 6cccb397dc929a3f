//! The org client against the scripted loopback server, speaking Salesforce's OAuth,
//! REST, Tooling and anonymous-Apex wire formats, including their failure modes.

use super::*;
use crate::forge::fake::{closed_port_url, FakeResponse as R, FakeServer};
use serde_json::json;
use std::time::Instant;

const REFRESH: &str = "5Aep861REFRESHsecretTOKEN.abc";
const ROTATED: &str = "5Aep861ROTATEDsecretTOKEN.xyz";
const SECRET: &str = "CLIENTsecret9876";
const ACCESS: &str = "00D5g000004SECRET!AQ8AQAccessTokenValue";
const ACCESS2: &str = "00D5g000004SECRET!AQ8AQSecondAccessToken";
const V: &str = "/services/data/v66.0";

fn cfg() -> OrgConfig {
    OrgConfig {
        connect_timeout: Duration::from_secs(2),
        policy: Policy {
            request_timeout: Duration::from_secs(2),
            max_retries: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            max_wait: Duration::from_secs(2),
            log_retries: false,
            ..OrgConfig::default().policy
        },
        ..OrgConfig::default()
    }
}

fn token(server: &FakeServer, access: &str, rotated: Option<&str>) -> R {
    let mut body = json!({
        "access_token": access,
        "instance_url": server.url(),
        "id": format!("{}/id/00D5g000004SECRET/005xx", server.url()),
        "token_type": "Bearer",
        "issued_at": "1732300000000",
        "signature": "c2ln"
    });
    if let Some(r) = rotated {
        body["refresh_token"] = json!(r);
    }
    R::json(200, body)
}

fn auth_url(server: &FakeServer) -> Credentials {
    auth::parse_auth_url(&format!(
        "force://PlatformCLI:{SECRET}:{REFRESH}@{}",
        server.url()
    ))
    .unwrap()
}

fn connect(creds: Credentials, cfg: OrgConfig) -> (tokio::runtime::Runtime, Result<Org, OrgError>) {
    let rt = runtime().unwrap();
    let org = rt.block_on(Org::connect(creds, cfg));
    (rt, org)
}

/// Neither Display nor Debug of `e` holds any secret.
fn clean(e: &OrgError) -> String {
    let text = format!("{e} {e:?}");
    for s in [REFRESH, ROTATED, SECRET, ACCESS, ACCESS2, "SECRET"] {
        assert!(!text.contains(s), "secret in error: {text}");
    }
    e.to_string()
}

#[test]
fn refresh_grant_then_paginated_query_with_usage() {
    let s = FakeServer::start();
    s.route(
        "POST",
        "/services/oauth2/token",
        vec![token(&s, ACCESS, None)],
    );
    s.route(
        "GET",
        &format!("{V}/query"),
        vec![R::json(
            200,
            json!({"totalSize": 3, "done": false, "nextRecordsUrl": format!("{V}/query/01gxx-2"),
                   "records": [{"attributes": {"type": "Account"}, "Name": "A"}, {"Name": "B"}]}),
        )
        .header("Sforce-Limit-Info", "api-usage=25/15000")],
    );
    s.route(
        "GET",
        &format!("{V}/query/01gxx-2"),
        vec![R::json(
            200,
            json!({"totalSize": 3, "done": true, "records": [{"Name": "C"}]}),
        )
        .header("Sforce-Limit-Info", "api-usage=26/15000")],
    );
    let (rt, org) = connect(auth_url(&s), cfg());
    let org = org.unwrap();
    let r = rt
        .block_on(org.query("SELECT Name FROM Account", Api::Rest, false))
        .unwrap();
    assert_eq!(r.total_size, 3);
    let names: Vec<&str> = r
        .records
        .iter()
        .map(|x| x["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A", "B", "C"]);
    assert_eq!(
        org.usage(),
        Some(ApiUsage {
            used: 26,
            max: 15000
        })
    );
    let reqs = s.requests();
    let tok = &reqs[0];
    assert!(tok.body.contains("grant_type=refresh_token"));
    assert!(tok.body.contains("client_id=PlatformCLI"));
    assert!(tok.body.contains(&format!("client_secret={SECRET}")));
    assert_eq!(
        tok.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let q = &reqs[1];
    assert_eq!(q.target, format!("{V}/query?q=SELECT+Name+FROM+Account"));
    assert_eq!(
        q.header("authorization"),
        Some(format!("Bearer {ACCESS}").as_str())
    );
}

#[test]
fn expired_session_is_renewed_once_with_the_rotated_refresh_token() {
    let s = FakeServer::start();
    s.route(
        "POST",
        "/services/oauth2/token",
        vec![token(&s, ACCESS, Some(ROTATED)), token(&s, ACCESS2, None)],
    );
    let expired = R::json(
        401,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
    );
    s.route(
        "GET",
        &format!("{V}/limits"),
        vec![
            expired.clone(),
            R::json(
                200,
                json!({"DailyApiRequests": {"Max": 15000, "Remaining": 14000}}),
            ),
        ],
    );
    let (rt, org) = connect(auth_url(&s), cfg());
    let org = org.unwrap();
    let limits = rt.block_on(org.limits()).unwrap();
    assert_eq!(
        limits["DailyApiRequests"],
        Limit {
            max: 15000,
            remaining: 14000
        }
    );
    let reqs = s.requests();
    let tokens: Vec<_> = reqs
        .iter()
        .filter(|r| r.path() == "/services/oauth2/token")
        .collect();
    assert_eq!(tokens.len(), 2);
    assert!(
        tokens[1].body.contains(&format!("refresh_token={ROTATED}")),
        "{}",
        tokens[1].body
    );
    let last = reqs.last().unwrap();
    assert_eq!(
        last.header("authorization"),
        Some(format!("Bearer {ACCESS2}").as_str())
    );

    // A session that stays invalid: one renewal, then an auth error — never a loop.
    s.route("GET", &format!("{V}/limits"), vec![expired]);
    let before = s.hits("POST", "/services/oauth2/token");
    let e = rt.block_on(org.limits()).unwrap_err();
    assert!(matches!(e, OrgError::Auth(_)), "{e}");
    assert!(clean(&e).contains("INVALID_SESSION_ID"));
    assert_eq!(s.hits("POST", "/services/oauth2/token"), before + 1);
}

#[test]
fn access_token_is_not_renewed() {
    let s = FakeServer::start();
    s.route(
        "GET",
        &format!("{V}/limits"),
        vec![R::json(
            401,
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
        )],
    );
    let creds = Credentials::AccessToken {
        token: Secret::new(ACCESS),
        instance_url: auth::checked_url(&s.url()).unwrap(),
    };
    let (rt, org) = connect(creds, cfg());
    let e = rt.block_on(org.unwrap().limits()).unwrap_err();
    assert!(clean(&e).contains("cannot be renewed"), "{e}");
    assert_eq!(s.hits("POST", "/services/oauth2/token"), 0);
}

#[test]
fn token_endpoint_failures() {
    let s = FakeServer::start();
    s.route(
        "POST",
        "/services/oauth2/token",
        vec![R::json(400, json!({"error": "invalid_grant", "error_description": format!("expired access/refresh token {REFRESH}")}))],
    );
    let (_rt, org) = connect(auth_url(&s), cfg());
    let e = org.unwrap_err();
    let text = clean(&e);
    assert!(matches!(e, OrgError::Auth(_)));
    assert!(
        text.contains("invalid_grant") && text.contains("sf org login web"),
        "{text}"
    );

    s.route(
        "POST",
        "/services/oauth2/token",
        vec![R::raw(200, "text/html", "<html><body>Login</body></html>")],
    );
    let (_rt, org) = connect(auth_url(&s), cfg());
    assert!(clean(&org.unwrap_err()).contains("not a token"));

    // An instance URL that would send the token over plain http to another host.
    s.route(
        "POST",
        "/services/oauth2/token",
        vec![R::json(
            200,
            json!({"access_token": ACCESS, "instance_url": "http://example.com"}),
        )],
    );
    let (_rt, org) = connect(auth_url(&s), cfg());
    assert!(clean(&org.unwrap_err()).contains("not https"));

    let creds = auth::parse_auth_url(&format!(
        "force://PlatformCLI::{REFRESH}@{}",
        closed_port_url()
    ))
    .unwrap();
    let (_rt, org) = connect(creds, cfg());
    let e = org.unwrap_err();
    assert!(matches!(e, OrgError::Network { attempts: 4, .. }), "{e}");
    clean(&e);
}

fn logged_in() -> (FakeServer, tokio::runtime::Runtime, Org) {
    let s = FakeServer::start();
    s.route(
        "POST",
        "/services/oauth2/token",
        vec![token(&s, ACCESS, None)],
    );
    let (rt, org) = connect(auth_url(&s), cfg());
    (s, rt, org.unwrap())
}

#[test]
fn retries_5xx_and_concurrent_limit_but_not_the_daily_limit() {
    let (s, rt, org) = logged_in();
    let path = format!("{V}/tooling/query");
    s.route(
        "GET",
        &path,
        vec![
            R::raw(503, "text/plain", "Service Unavailable"),
            R::json(500, json!([{"errorCode": "UNKNOWN_EXCEPTION", "message": "boom"}])),
            R::json(403, json!([{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "ConcurrentPerOrgLongTxn Limit exceeded."}])),
            R::json(200, json!({"totalSize": 0, "done": true, "records": []})),
        ],
    );
    let r = rt
        .block_on(org.query("SELECT Id FROM ApexClass", Api::Tooling, false))
        .unwrap();
    assert_eq!(r.total_size, 0);
    assert_eq!(s.hits("GET", &path), 4);

    s.route(
        "GET",
        &format!("{V}/query"),
        vec![R::json(403, json!([{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]))
            .header("Sforce-Limit-Info", "api-usage=15001/15000")],
    );
    let e = rt
        .block_on(org.query("SELECT Id FROM Account", Api::Rest, false))
        .unwrap_err();
    assert!(matches!(e, OrgError::ApiLimit { .. }));
    assert!(clean(&e).contains("API usage 15001/15000"), "{e}");
    assert_eq!(s.hits("GET", &format!("{V}/query")), 1);

    s.route(
        "GET",
        &format!("{V}/limits"),
        vec![R::json(
            503,
            json!([{"errorCode": "SERVER_UNAVAILABLE", "message": "down"}]),
        )],
    );
    let e = rt.block_on(org.limits()).unwrap_err();
    assert!(
        clean(&e).contains("HTTP 503 SERVER_UNAVAILABLE: down"),
        "{e}"
    );
    assert_eq!(s.hits("GET", &format!("{V}/limits")), 4);
}

#[test]
fn html_malformed_and_pagination_loop() {
    let (s, rt, org) = logged_in();
    s.route(
        "GET",
        &format!("{V}/limits"),
        vec![R::raw(
            200,
            "text/html",
            "<!DOCTYPE html><html>Maintenance</html>",
        )],
    );
    assert!(matches!(
        rt.block_on(org.limits()).unwrap_err(),
        OrgError::Html { status: 200, .. }
    ));
    s.route(
        "GET",
        &format!("{V}/limits"),
        vec![R::raw(
            200,
            "application/json",
            "{\"DailyApiRequests\": {\"Max\": 1",
        )],
    );
    let e = rt.block_on(org.limits()).unwrap_err();
    assert!(matches!(e, OrgError::Malformed { .. }), "{e}");
    s.route(
        "GET",
        &format!("{V}/limits"),
        vec![R::json(200, json!({"DailyApiRequests": {"Max": 1, "Remaining": 1}})).cut_body_at(10)],
    );
    let e = rt.block_on(org.limits()).unwrap_err();
    clean(&e);

    s.route(
        "GET",
        &format!("{V}/query"),
        vec![R::json(200, json!({"totalSize": 9, "done": false, "nextRecordsUrl": format!("{V}/query/01g-2"), "records": [{"Id": 1}]}))],
    );
    s.route(
        "GET",
        &format!("{V}/query/01g-2"),
        vec![R::json(200, json!({"totalSize": 9, "done": false, "nextRecordsUrl": format!("{V}/query/01g-2"), "records": [{"Id": 2}]}))],
    );
    let e = rt
        .block_on(org.query("SELECT Id FROM Account", Api::Rest, false))
        .unwrap_err();
    assert!(e.to_string().contains("already read"), "{e}");
}

#[test]
fn slow_answers_time_out_within_the_deadline() {
    let s = FakeServer::start();
    s.route(
        "POST",
        "/services/oauth2/token",
        vec![token(&s, ACCESS, None)],
    );
    let mut c = cfg();
    c.policy.request_timeout = Duration::from_millis(200);
    c.policy.max_retries = 1;
    let (rt, org) = connect(auth_url(&s), c.clone());
    let org = org.unwrap();
    s.route(
        "GET",
        &format!("{V}/limits"),
        vec![R::json(200, json!({})).delay(Duration::from_secs(2))],
    );
    let t = Instant::now();
    let e = rt.block_on(org.limits()).unwrap_err();
    assert!(matches!(e, OrgError::Timeout { attempts: 2, .. }), "{e}");
    assert!(t.elapsed() < Duration::from_millis(1500));

    c.policy.request_timeout = Duration::from_secs(5);
    c.policy.deadline = Some(Instant::now() + Duration::from_millis(300));
    let (rt, org) = connect(auth_url(&s), c);
    let t = Instant::now();
    let e = rt.block_on(org.unwrap().limits()).unwrap_err();
    assert!(matches!(e, OrgError::Deadline { .. }), "{e}");
    assert!(t.elapsed() < Duration::from_millis(1000));
}

#[test]
fn anonymous_apex_results_and_length_limit() {
    let (s, rt, org) = logged_in();
    let path = format!("{V}/tooling/executeAnonymous/");
    s.route(
        "GET",
        &path,
        vec![R::json(200, json!({"line": 3, "column": 5, "compiled": false, "success": false,
            "compileProblem": "Unexpected token 'x'.", "exceptionStackTrace": null, "exceptionMessage": null}))],
    );
    let r = rt
        .block_on(org.execute_anonymous("Integer x = ;", false))
        .unwrap();
    assert!(!r.compiled);
    assert_eq!(r.compile_problem.as_deref(), Some("Unexpected token 'x'."));
    assert!(s
        .requests()
        .last()
        .unwrap()
        .target
        .contains("anonymousBody=Integer+x+%3D+%3B"));

    let long = "System.debug('x');\n".repeat(1000);
    let before = s.requests().len();
    let e = rt
        .block_on(org.execute_anonymous(&long, false))
        .unwrap_err();
    assert!(e
        .to_string()
        .contains("too long for the executeAnonymous GET endpoint"));
    assert_eq!(s.requests().len(), before);

    // A body that commits is not repeated after a 500 (it may have run).
    s.route(
        "GET",
        &path,
        vec![R::json(
            500,
            json!([{"errorCode": "UNKNOWN_EXCEPTION", "message": "x"}]),
        )],
    );
    let before = s.hits("GET", &path);
    assert!(rt
        .block_on(org.execute_anonymous("insert new Account();", true))
        .is_err());
    assert_eq!(s.hits("GET", &path), before + 1);
}

#[test]
fn limit_info_and_errors_parse() {
    assert_eq!(
        parse_limit_info("api-usage=18/15000"),
        Some(ApiUsage {
            used: 18,
            max: 15000
        })
    );
    assert_eq!(
        parse_limit_info("per-app-api-usage=17/250(appName=sample), api-usage=25/5000"),
        Some(ApiUsage {
            used: 25,
            max: 5000
        })
    );
    assert_eq!(parse_limit_info("garbage"), None);
    assert_eq!(
        salesforce_error(br#"[{"message":"m","errorCode":"INVALID_FIELD"}]"#),
        Some(("INVALID_FIELD".into(), "m".into()))
    );
    assert_eq!(salesforce_error(b"<html>"), None);
}

#[test]
fn jwt_bearer_flow_signs_a_verifiable_assertion() {
    for key_file in ["test-jwt-key.pem", "test-jwt-key.pkcs1.pem"] {
        let s = FakeServer::start();
        s.route(
            "POST",
            "/services/oauth2/token",
            vec![token(&s, ACCESS, None)],
        );
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/org");
        let inputs = AuthInputs {
            client_id: Some("3MVG9FAKEconsumerKEY".into()),
            username: Some("ci@acme.com".into()),
            jwt_key_file: Some(dir.join(key_file)),
            login_url: Some(s.url()),
            ..AuthInputs::default()
        };
        let creds = inputs.resolve().unwrap();
        let (rt, org) = connect(creds, cfg());
        let org = org.unwrap();
        s.route("GET", &format!("{V}/limits"), vec![R::json(200, json!({}))]);
        rt.block_on(org.limits()).unwrap();
        let tok = &s.requests()[0];
        let form: std::collections::HashMap<String, String> =
            form_urlencoded::parse(tok.body.as_bytes())
                .into_owned()
                .collect();
        assert_eq!(
            form["grant_type"],
            "urn:ietf:params:oauth:grant-type:jwt-bearer"
        );
        let public = std::fs::read(dir.join("test-jwt-key.pub.pem")).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&[s.url()]);
        validation.set_issuer(&["3MVG9FAKEconsumerKEY"]);
        let claims = jsonwebtoken::decode::<serde_json::Value>(
            &form["assertion"],
            &jsonwebtoken::DecodingKey::from_rsa_pem(&public).unwrap(),
            &validation,
        )
        .unwrap()
        .claims;
        assert_eq!(claims["sub"], "ci@acme.com");
        // The assertion never shows up in a later error.
        s.route(
            "GET",
            &format!("{V}/limits"),
            vec![R::json(
                400,
                json!([{"errorCode": "X", "message": form["assertion"].clone()}]),
            )],
        );
        let e = rt.block_on(org.limits()).unwrap_err();
        // Messages are cut at 500 characters: look for a piece of the signature instead.
        let signature = form["assertion"].rsplit('.').next().unwrap();
        let piece = &signature[..40];
        assert!(!format!("{e} {e:?}").contains(piece), "{e}");
    }
    // A key file that is not an RSA key is refused before any request.
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        bad.path(),
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let inputs = AuthInputs {
        client_id: Some("id".into()),
        username: Some("u".into()),
        jwt_key_file: Some(bad.path().to_path_buf()),
        ..AuthInputs::default()
    };
    let e = inputs.resolve().unwrap_err();
    assert!(e.contains("not an RSA private key"), "{e}");
    assert!(!e.contains("not a key"));
}
