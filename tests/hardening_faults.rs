//! Hardening: fault injection for every network-using command against the local fake GitHub,
//! GitLab, Salesforce org, Prometheus and a dead or wrong Redis — the faults the existing
//! end-to-end tests do not already cover. Each case asserts the exit code, a message naming
//! the cause, the JUnit report (where the command writes one: every case `error` or
//! `failure`, never a pass) and the wall time against the configured deadline.

use serde_json::{json, Value};
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
use hardening_util::{command, run_limited, Run};

const OWNERS: &str = env!("CARGO_BIN_EXE_codeowners-check");
const DEPS: &str = env!("CARGO_BIN_EXE_validate-deps");
const SMOKE: &str = env!("CARGO_BIN_EXE_smoke");
const GATE: &str = env!("CARGO_BIN_EXE_gate");
const TOKEN: &str = "ghp_FAULTtoken0123456789SECRET";

/// A fault: what the fake server answers on the route under test (None: the URL itself is
/// the fault), and what must come out.
struct Fault {
    name: &'static str,
    script: Vec<R>,
    /// Replaces the server URL (connection refused, DNS failure).
    url: Option<String>,
    code: i32,
    /// Any of these (lower-cased) in stdout or stderr.
    cause: &'static [&'static str],
    /// Wall-time bound.
    within: Duration,
}

fn fault(name: &'static str, script: Vec<R>, code: i32, cause: &'static [&'static str]) -> Fault {
    Fault {
        name,
        script,
        url: None,
        code,
        cause,
        within: Duration::from_secs(8),
    }
}

fn at_url(name: &'static str, url: String, cause: &'static [&'static str]) -> Fault {
    Fault {
        name,
        script: vec![],
        url: Some(url),
        code: 2,
        cause,
        within: Duration::from_secs(8),
    }
}

impl Fault {
    fn within(mut self, d: Duration) -> Self {
        self.within = d;
        self
    }
}

const SLOW: Duration = Duration::from_secs(6);

/// Checks one run against its fault; returns a problem description, if any.
fn judge(f: &Fault, r: &Run, junit: Option<&Path>) -> Option<String> {
    let all = r.all();
    let lower = all.to_lowercase();
    let mut problems = Vec::new();
    if r.code != Some(f.code) {
        problems.push(format!("exit {:?}, expected {}", r.code, f.code));
    }
    if !f.cause.iter().any(|c| lower.contains(&c.to_lowercase())) {
        problems.push(format!("none of {:?} in the output", f.cause));
    }
    if r.elapsed > f.within {
        problems.push(format!("took {:?}, limit {:?}", r.elapsed, f.within));
    }
    if all.contains(TOKEN) || all.contains(REFRESH_TOKEN) || all.contains(ACCESS_TOKEN) {
        problems.push("a secret in the output".into());
    }
    if let (Some(path), true) = (junit, f.code != 0) {
        if let Some(p) = junit_never_passes(path) {
            problems.push(p);
        }
    }
    (!problems.is_empty()).then(|| {
        let shown: String = all.chars().take(2500).collect();
        format!("[{}] {}\n{shown}", f.name, problems.join("; "))
    })
}

/// A JUnit report, when there is one, must not pass: every test case is an error or a failure
/// (or skipped), and there is at least one that is not a pass.
fn junit_never_passes(path: &Path) -> Option<String> {
    let Ok(xml) = std::fs::read_to_string(path) else {
        // The tool could not run at all: no report, so nothing can read as a pass.
        return None;
    };
    let doc = match roxmltree::Document::parse(&xml) {
        Ok(d) => d,
        Err(e) => return Some(format!("JUnit is not XML: {e}")),
    };
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let bad = cases
        .iter()
        .filter(|c| {
            c.children()
                .any(|n| n.has_tag_name("error") || n.has_tag_name("failure"))
        })
        .count();
    (bad == 0).then(|| format!("JUnit has no error or failure: {xml}"))
}

// --- codeowners-check and validate-deps against a fake GitHub / GitLab ---------------------

/// Faults of the forge's HTTP layer common to every forge request.
fn forge_faults() -> Vec<Fault> {
    vec![
        at_url(
            "connection refused",
            fake::closed_port_url(),
            &["cannot connect", "connection refused"],
        ),
        at_url(
            "DNS failure",
            "https://x.invalid".into(),
            &["dns", "resolve", "lookup"],
        ),
        fault(
            "reset mid-body",
            vec![R::json(
                200,
                json!({"login": "ghost", "type": "User", "pad": "x".repeat(4000)}),
            )
            .cut_body_at(20)],
            2,
            &["body", "connection", "closed", "incomplete"],
        ),
        fault(
            "slower than the request timeout",
            vec![R::json(200, json!({})).delay(SLOW)],
            2,
            &["timed out", "deadline"],
        )
        .within(Duration::from_secs(4)),
        fault(
            "401",
            vec![R::json(401, json!({"message": "Bad credentials"}))],
            2,
            &["401", "bad credentials"],
        ),
        fault(
            "429 with a Retry-After beyond the deadline",
            vec![R::json(429, json!({"message": "slow down"})).header("Retry-After", "3600")],
            2,
            &["rate limit", "429"],
        ),
        fault(
            "5xx burst longer than the retries",
            vec![R::raw(503, "text/plain", "busy")],
            2,
            &["503"],
        ),
        fault(
            "truncated JSON",
            vec![R::raw(200, "application/json", "{\"login\": \"gho")],
            2,
            &["malformed json"],
        ),
        fault(
            "malformed JSON",
            vec![R::raw(200, "application/json", "{login: ghost}")],
            2,
            &["malformed json"],
        ),
        fault(
            "HTML error page",
            vec![R::raw(
                502,
                "text/html",
                "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
            )],
            2,
            &["html"],
        ),
    ]
}

/// Short network limits for the forge commands.
const FORGE_LIMITS: [&str; 6] = [
    "--request-timeout",
    "500ms",
    "--retries",
    "1",
    "--timeout",
    "3s",
];

fn owners_repo(codeowners_at: &str, codeowners: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for f in ["sales/a.cls", "billing/b.cls"] {
        hardening_util::write(&p.join(f), "v1\n");
    }
    hardening_util::write(&p.join(codeowners_at), codeowners);
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "base"]);
    git(p, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(p.join("sales/a.cls"), "v2\n").unwrap();
    git(p, &["commit", "-q", "-am", "change"]);
    dir
}

fn run_faults(
    faults: Vec<Fault>,
    route: (&str, &str),
    others: &dyn Fn(&FakeServer),
    mut invoke: impl FnMut(&str, &Path) -> Run,
    dir: &Path,
) {
    let mut failures = Vec::new();
    for f in faults {
        let server = FakeServer::start();
        others(&server);
        if !f.script.is_empty() {
            server.route(route.0, route.1, f.script.clone());
        }
        let url = f.url.clone().unwrap_or_else(|| server.url());
        let _ = std::fs::remove_file(dir.join("r.xml"));
        let r = invoke(&url, dir);
        if let Some(p) = judge(&f, &r, Some(&dir.join("r.xml"))) {
            failures.push(p);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn codeowners_validate_against_a_faulty_github() {
    let dir = owners_repo(".github/CODEOWNERS", "* @ghost\n");
    run_faults(
        forge_faults(),
        ("GET", "/users/ghost"),
        &|_| {},
        |url, dir| {
            let mut cmd = command(OWNERS, dir);
            cmd.args([
                "validate",
                "--dialect",
                "github",
                "--api-url",
                url,
                "--repo",
                "acme/repo",
                "--junit",
                "r.xml",
            ])
            .args(FORGE_LIMITS)
            .env("GITHUB_TOKEN", TOKEN);
            run_limited(cmd, None, Duration::from_secs(60))
        },
        dir.path(),
    );
}

#[test]
fn codeowners_approvals_against_a_faulty_gitlab() {
    let dir = owners_repo("CODEOWNERS", "[Sales]\n/sales/ @sam\n");
    run_faults(
        forge_faults(),
        ("GET", "/projects/42/merge_requests/7/approvals"),
        &|_| {},
        |url, dir| {
            let mut cmd = command(OWNERS, dir);
            cmd.args([
                "approvals",
                "--dialect",
                "gitlab",
                "--change",
                "7",
                "--base",
                "main",
                "--api-url",
                url,
                "--repo",
                "42",
                "--junit",
                "r.xml",
            ])
            .args(FORGE_LIMITS)
            .env("SFCI_GITLAB_TOKEN", TOKEN);
            run_limited(cmd, None, Duration::from_secs(60))
        },
        dir.path(),
    );
}

#[test]
fn codeowners_approvals_github_pagination_loops_and_429_recovers() {
    let dir = owners_repo(".github/CODEOWNERS", "/sales/ @sam\n");
    let reviews = "/repos/acme/repo/pulls/7/reviews";
    let approved = json!([{"id": 1, "user": {"login": "sam"}, "state": "APPROVED", "submitted_at": "2026-11-20T10:00:00Z"}]);
    let faults = vec![
        // A next link that points back to a page already read.
        fault(
            "pagination loop",
            vec![R::json(200, json!([]))
                .header("Link", &format!("<{{URL}}{reviews}?page=2>; rel=\"next\""))],
            2,
            &["already", "loop", "seen"],
        ),
        // Every page names a new next page: the page cap ends it.
        fault(
            "pagination that never ends",
            (2..=1100)
                .map(|i| {
                    R::json(200, json!([])).header(
                        "Link",
                        &format!("<{{URL}}{reviews}?page={i}>; rel=\"next\""),
                    )
                })
                .collect(),
            2,
            &["pages"],
        ),
        // A 429 with a short Retry-After and a 5xx burst within the retries: then it passes.
        fault(
            "429 then 503 then the answer",
            vec![
                R::json(429, json!({"message": "secondary rate limit"})).header("Retry-After", "1"),
                R::raw(503, "text/plain", "busy"),
                R::json(200, approved),
            ],
            0,
            &["retrying"],
        ),
    ];
    let mut failures = Vec::new();
    for mut f in faults {
        let server = FakeServer::start();
        for r in &mut f.script {
            for h in &mut r.headers {
                h.1 = h.1.replace("{URL}", &server.url());
            }
        }
        server.route("GET", reviews, f.script.clone());
        let mut cmd = command(OWNERS, dir.path());
        cmd.args([
            "approvals",
            "--dialect",
            "github",
            "--change",
            "7",
            "--base",
            "main",
            "--api-url",
            &server.url(),
            "--repo",
            "acme/repo",
            "--junit",
            "r.xml",
            "--retries",
            "3",
            "--timeout",
            "8s",
        ])
        .env("GITHUB_TOKEN", TOKEN);
        let r = run_limited(cmd, None, Duration::from_secs(60));
        if let Some(p) = judge(&f, &r, Some(&dir.path().join("r.xml"))) {
            failures.push(p);
        }
        if f.code == 0 && r.elapsed < Duration::from_millis(900) {
            failures.push(format!(
                "[{}] Retry-After not honoured: {:?}",
                f.name, r.elapsed
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn validate_deps_approvals_against_a_faulty_github() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    hardening_util::write(
        &p.join("sfdx-project.json"),
        r#"{"packageDirectories": [{"path": "sales"}, {"path": "billing"}]}"#,
    );
    hardening_util::write(
        &p.join("billing/classes/Inv.cls"),
        "public class Inv { public static void go() {} }\n",
    );
    hardening_util::write(&p.join("sales/classes/S.cls"), "public class S { }\n");
    hardening_util::write(
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
    git(p, &["commit", "-q", "-am", "sales uses billing"]);
    let faults: Vec<Fault> = forge_faults();
    run_faults(
        faults,
        ("GET", "/repos/acme/repo/pulls/3/reviews"),
        &|_| {},
        |url, dir| {
            let mut cmd = command(DEPS, dir);
            cmd.args([
                "--base",
                "HEAD~1",
                "--approvals",
                "--forge",
                "github",
                "--change",
                "3",
                "--api-url",
                url,
                "--repo",
                "acme/repo",
                "--junit",
                "r.xml",
            ])
            .args(FORGE_LIMITS)
            .env("GITHUB_TOKEN", TOKEN);
            run_limited(cmd, None, Duration::from_secs(60))
        },
        p,
    );
}

// --- smoke, gate error-rate and gate deploy-watch against a faulty org ----------------------

const QUERY: &str = "SELECT Id FROM Account LIMIT 1";
const COUNT: &str = "SELECT COUNT() FROM AsyncApexJob";
const JOB: &str = "0Af5g00000FAKEJOB1";

/// Faults of the org's REST API common to every org request (on the route under test).
fn org_faults() -> Vec<Fault> {
    vec![
        fault(
            "reset mid-body",
            vec![
                FakeOrg::query_page(&[json!({"Id": "001x", "pad": "x".repeat(4000)})], 1, None)
                    .cut_body_at(25),
            ],
            2,
            &["body", "connection", "closed", "incomplete", "decod"],
        ),
        fault(
            "slower than the request timeout",
            vec![FakeOrg::query_page(&[], 0, None).delay(SLOW)],
            2,
            &["no answer within", "timed out", "deadline"],
        )
        .within(Duration::from_secs(4)),
        fault(
            "401 twice: one renewal, never a loop",
            vec![FakeOrg::invalid_session()],
            2,
            &["invalid_session_id", "session"],
        ),
        fault(
            "429 with a Retry-After beyond the deadline",
            vec![R::raw(429, "text/plain", "slow down").header("Retry-After", "3600")],
            2,
            &["429"],
        ),
        fault(
            "5xx burst longer than the retries",
            vec![R::raw(503, "text/plain", "Service Unavailable")],
            2,
            &["503"],
        ),
        fault(
            "truncated JSON",
            vec![R::raw(
                200,
                "application/json",
                "{\"totalSize\": 1, \"done\": true, \"records\": [{\"Id\"",
            )],
            2,
            &["malformed json"],
        ),
        fault(
            "HTML error page",
            vec![R::raw(
                500,
                "text/html",
                "<html><body>Internal Server Error</body></html>",
            )],
            2,
            &["html page"],
        ),
    ]
}

/// Faults of the login itself.
fn login_faults() -> Vec<Fault> {
    vec![
        at_url(
            "DNS failure",
            "https://x.invalid".into(),
            &["dns", "lookup", "resolve"],
        ),
        fault(
            "token endpoint answers HTML",
            vec![R::raw(200, "text/html", "<html>Login</html>")],
            2,
            &["html page"],
        ),
        fault(
            "token endpoint is slow",
            vec![R::json(200, json!({})).delay(SLOW)],
            2,
            &["no answer within", "timed out", "deadline"],
        )
        .within(Duration::from_secs(4)),
    ]
}

const ORG_LIMITS: [&str; 6] = [
    "--request-timeout",
    "500ms",
    "--retries",
    "1",
    "--timeout",
    "3s",
];

/// Runs `args` of `bin` against `org` for every fault on `route` (None: the login).
fn org_table(
    bin: &str,
    args: &[&str],
    route: Option<(&str, String)>,
    faults: Vec<Fault>,
    setup: &dyn Fn(&FakeOrg),
) {
    let mut failures = Vec::new();
    for f in faults {
        let dir = tempfile::tempdir().unwrap();
        hardening_util::write(
            &dir.path().join("smoke.yml"),
            format!("checks:\n  - name: accounts\n    soql: {QUERY}\n    expect: {{min: 1}}\n"),
        );
        let org = FakeOrg::start();
        setup(&org);
        match &route {
            Some((method, path)) if !f.script.is_empty() => {
                org.server.route(method, path, f.script.clone())
            }
            None if !f.script.is_empty() => org.token(f.script.clone()),
            _ => {}
        }
        let auth = match &f.url {
            Some(u) => format!("force://PlatformCLI::{REFRESH_TOKEN}@{u}"),
            None => org.auth_url(),
        };
        let mut cmd = command(bin, dir.path());
        cmd.args(args)
            .args(["--junit", "r.xml"])
            .env("SF_AUTH_URL", auth);
        let r = run_limited(cmd, None, Duration::from_secs(60));
        if let Some(p) = judge(&f, &r, Some(&dir.path().join("r.xml"))) {
            failures.push(p);
        }
        // `gate error-rate` writes no report when it cannot log in (exit 2, nothing passes).
        let login_failure = route.is_none() && args.first() == Some(&"error-rate");
        if f.code != 0 && !login_failure && !dir.path().join("r.xml").exists() {
            failures.push(format!("[{}] no JUnit report", f.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

fn with_limits<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend(ORG_LIMITS);
    v
}

#[test]
fn smoke_against_a_faulty_org() {
    let route = ("GET", format!("{API}/query?q={}", encode(QUERY)));
    let mut faults = org_faults();
    faults.push(fault(
        "pagination that never ends",
        vec![FakeOrg::query_page(
            &[json!({"Id": "001x"})],
            3,
            Some(&format!("{API}/query/01gFAKE-2000")),
        )],
        2,
        &["already read", "pages"],
    ));
    let setup = |org: &FakeOrg| {
        // The next page points to itself.
        org.server.route(
            "GET",
            &format!("{API}/query/01gFAKE-2000"),
            vec![FakeOrg::query_page(
                &[json!({"Id": "001y"})],
                3,
                Some(&format!("{API}/query/01gFAKE-2000")),
            )],
        );
    };
    org_table(SMOKE, &with_limits(&[]), Some(route), faults, &setup);
    org_table(SMOKE, &with_limits(&[]), None, login_faults(), &|_| {});
}

#[test]
fn smoke_401_without_a_curable_session() {
    // An access token cannot be renewed: the 401 is an auth error, exit 2, every check error.
    let dir = tempfile::tempdir().unwrap();
    hardening_util::write(
        &dir.path().join("smoke.yml"),
        format!("checks:\n  - name: accounts\n    soql: {QUERY}\n    expect: {{min: 1}}\n"),
    );
    let org = FakeOrg::start();
    org.soql_script(QUERY, vec![FakeOrg::invalid_session()]);
    let mut cmd = command(SMOKE, dir.path());
    cmd.args(["--junit", "r.xml"])
        .args(ORG_LIMITS)
        .env("SF_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("SF_INSTANCE_URL", org.url());
    let r = run_limited(cmd, None, Duration::from_secs(60));
    let f = fault(
        "401 with an access token",
        vec![],
        2,
        &["session", "expired", "invalid_session_id"],
    );
    assert_eq!(judge(&f, &r, Some(&dir.path().join("r.xml"))), None);
    assert_eq!(org.server.hits("POST", "/services/oauth2/token"), 0);
    assert_eq!(org.server.hits("GET", &format!("{API}/query")), 1);
}

#[test]
fn gate_error_rate_over_soql_against_a_faulty_org() {
    // error-rate has no run deadline of its own: a measurement's time is bounded by the
    // request timeout and the retries.
    let args = [
        "error-rate",
        "--query",
        COUNT,
        "--baseline",
        "1",
        "--count",
        "1",
        "--interval",
        "0s",
        "--consecutive-error-limit",
        "0",
        "--request-timeout",
        "500ms",
        "--retries",
        "1",
    ];
    let route = ("GET", format!("{API}/query?q={}", encode(COUNT)));
    org_table(GATE, &args, Some(route), org_faults(), &|_| {});
    org_table(GATE, &args, None, login_faults(), &|_| {});
}

#[test]
fn gate_deploy_watch_against_a_faulty_org() {
    let args = with_limits(&[
        "deploy-watch",
        "--job-id",
        JOB,
        "--poll",
        "50ms",
        "--stall-after",
        "10s",
    ]);
    let route = ("GET", format!("{API}/metadata/deployRequest/{JOB}"));
    let faults: Vec<Fault> = org_faults()
        .into_iter()
        .filter(|f| f.name != "slower than the request timeout")
        .chain([fault(
            "every poll slower than the request timeout",
            vec![R::json(200, json!({})).delay(SLOW)],
            2,
            &[
                "no answer within",
                "timed out",
                "deadline",
                "inconclusive",
                "still running",
            ],
        )
        .within(Duration::from_secs(5))])
        .collect();
    org_table(GATE, &args, Some(route), faults, &|_| {});
    org_table(GATE, &args, None, login_faults(), &|_| {});
}

// --- gate error-rate against a faulty Prometheus --------------------------------------------

#[test]
fn gate_error_rate_against_a_faulty_prometheus() {
    let mut faults = vec![
        at_url("DNS failure", "https://x.invalid".into(), &["dns", "lookup", "resolve", "connect"]),
        fault(
            "reset mid-body",
            vec![R::json(200, json!({"status": "success", "data": {"resultType": "vector", "result": [], "pad": "x".repeat(4000)}})).cut_body_at(20)],
            2,
            &["cut short"],
        )
        .within(Duration::from_secs(12)),
        // Each attempt ends at --query-timeout (1 s); 3 retries with 1, 2, 4 s of backoff.
        fault(
            "slower than the query timeout",
            vec![R::json(200, json!({})).delay(Duration::from_secs(20))],
            2,
            &["timed out", "timeout", "deadline"],
        )
        .within(Duration::from_secs(14)),
        fault("401", vec![R::raw(401, "text/plain", "Unauthorized")], 2, &["401"]),
        fault(
            "429 with a Retry-After beyond the run",
            vec![R::raw(429, "text/plain", "slow down").header("Retry-After", "3600")],
            2,
            &["429"],
        ),
        fault("5xx burst", vec![R::raw(503, "text/plain", "busy")], 2, &["503"]),
        fault(
            "truncated JSON",
            vec![R::raw(200, "application/json", "{\"status\":\"success\",\"data\":{")],
            2,
            &["json"],
        ),
        fault(
            "HTML error page",
            vec![R::raw(502, "text/html", "<html><body>Bad Gateway</body></html>")],
            2,
            &["html", "502"],
        ),
    ];
    // A 5xx burst within the retries and a short Retry-After pass.
    faults.push(fault(
        "503, 429 then the value",
        vec![
            R::raw(503, "text/plain", "busy").header("Retry-After", "0"),
            R::raw(429, "text/plain", "slow").header("Retry-After", "1"),
            R::json(200, json!({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1731100000.0, "0"]}]}})),
        ],
        0,
        &["retrying"],
    ));
    let mut failures = Vec::new();
    for f in faults {
        let server = FakeServer::start();
        if !f.script.is_empty() {
            server.route("GET", "/api/v1/query?query=errors", f.script.clone());
        }
        let url = f.url.clone().unwrap_or_else(|| server.url());
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = command(GATE, dir.path());
        cmd.args([
            "error-rate",
            "--prometheus",
            &url,
            "--query",
            "errors",
            "--baseline",
            "1",
            "--count",
            "1",
            "--interval",
            "0s",
            "--query-timeout",
            "1s",
            "--consecutive-error-limit",
            "0",
            "--junit",
            "r.xml",
        ]);
        let r = run_limited(cmd, None, Duration::from_secs(60));
        if let Some(p) = judge(&f, &r, Some(&dir.path().join("r.xml"))) {
            failures.push(p);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

// --- gate lock against a Redis that is not one ---------------------------------------------

#[test]
fn gate_lock_against_a_server_that_is_not_redis() {
    // An HTTP server where Redis should be: a protocol error, exit 2, quickly.
    let server = FakeServer::start();
    let url = server
        .url()
        .replace("http://", "redis://:hunter2-lock-secret@")
        + "/0";
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec![
            "lock", "acquire", "--env", "uat", "--owner", "sales", "--wait", "0s", "--junit",
            "r.xml",
        ],
        vec!["lock", "status", "--env", "uat"],
    ] {
        let mut cmd = command(GATE, dir.path());
        cmd.args(&args).args(["--redis", &url]);
        let r = run_limited(cmd, None, Duration::from_secs(60));
        let all = r.all();
        assert_eq!(r.code, Some(2), "{all}");
        assert!(all.contains("Redis"), "{all}");
        assert!(!all.contains("hunter2-lock-secret"), "{all}");
        assert!(r.elapsed < Duration::from_secs(20), "{:?}", r.elapsed);
        if let Some(p) = junit_never_passes(&dir.path().join("r.xml")) {
            panic!("{p}");
        }
    }
}

#[allow(dead_code)]
fn unused(_: Value) {}
