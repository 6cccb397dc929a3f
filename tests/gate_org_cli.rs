//! `gate error-rate` with SOQL measurements and `gate deploy-watch`, end to end against the
//! local fake org.

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

const BIN: &str = env!("CARGO_BIN_EXE_gate");
const JOB: &str = "0Af5g00000FAKEJOB1";

fn gate(dir: &Path, args: &[&str], org: &FakeOrg) -> Output {
    let mut cmd = command(BIN, dir);
    for k in common::ORG_ENV.iter().chain(&["SFCI_PROMETHEUS_TOKEN"]) {
        cmd.env_remove(k);
    }
    cmd.env("SF_AUTH_URL", org.auth_url()).args(args);
    cmd.output().expect("run gate")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn no_secrets(o: &Output) {
    for s in [REFRESH_TOKEN, CLIENT_SECRET, ACCESS_TOKEN] {
        assert!(!text(o).contains(s), "secret leaked: {}", text(o));
    }
}

#[test]
fn error_rate_over_soql_passes_fails_and_expands_since() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    // Any query for failed jobs: the client's exact text changes with {since:…}, so match the path.
    org.server.route(
        "GET",
        &format!("{API}/query"),
        vec![
            FakeOrg::query_page(&[], 2, None),
            FakeOrg::query_page(
                &[json!({"attributes": {"type": "AggregateResult"}, "expr0": 288})],
                1,
                None,
            ),
            FakeOrg::query_page(&[], 9, None),
            FakeOrg::query_page(
                &[json!({"attributes": {"type": "AggregateResult"}, "expr0": 288})],
                1,
                None,
            ),
        ],
    );
    let out = gate(
        dir.path(),
        &[
            "error-rate",
            "--query", "SELECT COUNT() FROM AsyncApexJob WHERE Status = 'Failed' AND CreatedDate >= {since:5m}",
            "--baseline-query", "SELECT COUNT(Id) FROM AsyncApexJob WHERE Status = 'Failed' AND CreatedDate >= {since:48h} AND CreatedDate < {since:24h}",
            "--baseline-scale", "0.003472",
            "--max-ratio", "2", "--floor", "3", "--count", "2", "--interval", "10ms", "--failure-limit", "0",
            "--json", "-",
        ],
        &org,
    );
    no_secrets(&out);
    // Baseline 288/288 ≈ 1 → threshold max(2, 3) = 3: 2 passes, 9 fails.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r = stdout_json(&out);
    let statuses: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"pass") && statuses.contains(&"fail"),
        "{r}"
    );
    let sent: Vec<String> = org
        .server
        .requests()
        .into_iter()
        .filter(|q| q.path().ends_with("/query"))
        .map(|q| q.target)
        .collect();
    assert!(
        sent.iter().all(|t| !t.contains("since")),
        "placeholder not expanded: {sent:?}"
    );
    assert!(sent[0].contains("CreatedDate+%3E%3D+20"), "{}", sent[0]);
}

#[test]
fn error_rate_without_a_source_or_with_a_dead_org_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    org.token(vec![R::json(
        400,
        json!({"error": "invalid_grant", "error_description": "expired access/refresh token"}),
    )]);
    let out = gate(
        dir.path(),
        &[
            "error-rate",
            "--query",
            "SELECT COUNT() FROM AsyncApexJob",
            "--baseline",
            "1",
            "--junit",
            "e.xml",
        ],
        &org,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("invalid_grant"), "{}", text(&out));
    no_secrets(&out);
}

fn progress(status: &str, comps: u64, tests: u64, detail: &str) -> R {
    R::json(
        200,
        json!({"id": JOB, "url": format!("{API}/metadata/deployRequest/{JOB}"), "deployResult": {
        "id": JOB, "status": status, "done": matches!(status, "Succeeded" | "Failed" | "Canceled"),
        "numberComponentsDeployed": comps, "numberComponentsTotal": 140, "numberComponentErrors": 0,
        "numberTestsCompleted": tests, "numberTestsTotal": 500, "numberTestErrors": 0,
        "stateDetail": detail, "checkOnly": false, "runTestsEnabled": true}}),
    )
}

#[test]
fn deploy_watch_catches_a_stall_names_the_test_and_cancels() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    let path = format!("{API}/metadata/deployRequest/{JOB}");
    org.server.route(
        "GET",
        &path,
        vec![
            progress("InProgress", 60, 0, "Processing Type: ApexClass"),
            progress("InProgress", 140, 100, "Running Test: AccountServiceTest"),
            progress("InProgress", 140, 415, "Running Test: InvoiceSyncTest"),
        ],
    );
    org.server.route(
        "PATCH",
        &path,
        vec![R::json(
            202,
            json!({"id": JOB, "deployResult": {"status": "Canceling"}}),
        )],
    );
    let t = Instant::now();
    let out = gate(
        dir.path(),
        &[
            "deploy-watch",
            "--job-id",
            JOB,
            "--poll",
            "50ms",
            "--stall-after",
            "300ms",
            "--cancel-on-stall",
            "--junit",
            "w.xml",
            "--json",
            "w.json",
        ],
        &org,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(t.elapsed() < Duration::from_secs(5));
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("w.json")).unwrap()).unwrap();
    let msg = r["results"][0]["message"].as_str().unwrap();
    assert!(msg.starts_with("stalled: no progress for"), "{msg}");
    assert!(msg.contains("tests 415/500 (86 %)"), "{msg}");
    assert!(
        msg.contains("still running: Running Test: InvoiceSyncTest"),
        "{msg}"
    );
    assert!(msg.contains("cancellation requested"), "{msg}");
    let patch = org
        .server
        .requests()
        .into_iter()
        .find(|q| q.method == "PATCH")
        .expect("cancel sent");
    assert_eq!(
        serde_json::from_str::<Value>(&patch.body).unwrap(),
        json!({"deployResult": {"status": "Canceling"}})
    );
    let xml = std::fs::read_to_string(dir.path().join("w.xml")).unwrap();
    assert!(xml.contains("<failure") && xml.contains("InvoiceSyncTest"));
    no_secrets(&out);
}

/// A --stall-after shorter than --poll (here the default 30 s) is still honoured: the
/// watch polls again at the stall limit instead of sleeping a whole poll interval, as a
/// release job that sets only SFCI_STALL_AFTER relies on.
#[test]
fn deploy_watch_reports_a_stall_shorter_than_the_poll_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    let path = format!("{API}/metadata/deployRequest/{JOB}");
    org.server.route(
        "GET",
        &path,
        vec![progress(
            "InProgress",
            140,
            415,
            "Running Test: InvoiceSyncTest",
        )],
    );
    let t = Instant::now();
    let out = gate(
        dir.path(),
        &[
            "deploy-watch",
            "--job-id",
            JOB,
            "--stall-after",
            "1s",
            "--json",
            "w.json",
        ],
        &org,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "took {:?}: slept the 30 s poll",
        t.elapsed()
    );
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("w.json")).unwrap()).unwrap();
    let msg = r["results"][0]["message"].as_str().unwrap();
    assert!(msg.starts_with("stalled: no progress for 1."), "{msg}");
    assert!(
        msg.contains("still running: Running Test: InvoiceSyncTest"),
        "{msg}"
    );
    no_secrets(&out);
}

#[test]
fn deploy_watch_passes_a_finished_deploy_and_fails_a_failed_one() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    let path = format!("{API}/metadata/deployRequest/{JOB}");
    org.server.route(
        "GET",
        &path,
        vec![
            progress("InProgress", 10, 0, "x"),
            progress("Succeeded", 140, 500, ""),
        ],
    );
    let out = gate(
        dir.path(),
        &[
            "deploy-watch",
            "--job-id",
            JOB,
            "--poll",
            "20ms",
            "--json",
            "-",
        ],
        &org,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout_json(&out)["results"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("deployed: Succeeded"));

    org.server
        .route("GET", &path, vec![progress("Failed", 140, 500, "")]);
    let out = gate(
        dir.path(),
        &[
            "deploy-watch",
            "--job-id",
            JOB,
            "--poll",
            "20ms",
            "--json",
            "-",
        ],
        &org,
    );
    assert_eq!(out.status.code(), Some(1));

    // Still running at --timeout: inconclusive, exit 2.
    org.server.route(
        "GET",
        &path,
        vec![
            progress("InProgress", 1, 0, "a"),
            progress("InProgress", 2, 0, "b"),
            progress("InProgress", 3, 0, "c"),
            progress("InProgress", 4, 0, "d"),
            progress("InProgress", 5, 0, "e"),
            progress("InProgress", 6, 0, "f"),
            progress("InProgress", 7, 0, "g"),
            progress("InProgress", 8, 0, "h"),
            progress("InProgress", 9, 0, "i"),
            progress("InProgress", 10, 0, "j"),
            progress("InProgress", 11, 0, "k"),
            progress("InProgress", 12, 0, "l"),
        ],
    );
    let out = gate(
        dir.path(),
        &[
            "deploy-watch",
            "--job-id",
            JOB,
            "--poll",
            "30ms",
            // Room for the login and several polls even on a loaded machine (200 ms let the
            // deadline cut the login short there: exit 2, but no inconclusive result).
            "--timeout",
            "1500ms",
            "--json",
            "-",
        ],
        &org,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let r = stdout_json(&out);
    assert_eq!(r["results"][0]["inconclusive"], true);

    // A bad id never reaches the org.
    let before = org.server.requests().len();
    let out = gate(
        dir.path(),
        &["deploy-watch", "--job-id", "0Af/../../x"],
        &org,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(org.server.requests().len(), before);

    // The org keeps failing: error after five polls in a row.
    org.server.route(
        "GET",
        &path,
        vec![R::raw(500, "text/html", "<html>oops</html>")],
    );
    let out = gate(
        dir.path(),
        &[
            "deploy-watch",
            "--job-id",
            JOB,
            "--poll",
            "10ms",
            "--retries",
            "0",
            "--json",
            "-",
        ],
        &org,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stdout_json(&out)["results"][0]["message"]
        .as_str()
        .unwrap()
        .contains("HTML page"));
}

#[test]
fn deploy_watch_warns_once_past_warn_after_notifies_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let org = FakeOrg::start();
    let path = format!("{API}/metadata/deployRequest/{JOB}");
    let mut script: Vec<R> = (0..12)
        .map(|i| progress("InProgress", 10 + i, 0, &format!("Processing {i}")))
        .collect();
    script.push(progress("Succeeded", 140, 500, ""));
    org.server.route("GET", &path, script);
    org.server.route(
        "POST",
        "/hooks/release",
        vec![R::raw(200, "text/plain", "ok")],
    );
    let mut cmd = command(BIN, dir.path());
    for k in common::ORG_ENV
        .iter()
        .chain(&["SFCI_PUSHGATEWAY_URL", "SFCI_TEAM"])
    {
        cmd.env_remove(k);
    }
    let out = cmd
        .env("SF_AUTH_URL", org.auth_url())
        .env("SFCI_NOTIFY_URL", format!("{}/hooks/release", org.url()))
        .args([
            "deploy-watch",
            "--job-id",
            JOB,
            "--poll",
            "30ms",
            "--warn-after",
            "150ms",
            "--notify",
            "--record",
            "reports/deployments.jsonl",
            "--team",
            "sales",
            "--environment",
            "production",
            "--json",
            "-",
        ])
        .output()
        .unwrap();
    // The warning does not change the outcome: the deployment finished and passed.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert_eq!(t.matches("warning: deployment").count(), 1, "{t}");
    assert!(
        t.contains("still running after") && t.contains("(--warn-after 150ms)"),
        "{t}"
    );
    let r = stdout_json(&out);
    assert_eq!(r["results"][0]["warned_after_ms"], 150);
    let posts: Vec<Value> = org
        .server
        .requests()
        .into_iter()
        .filter(|q| q.method == "POST" && q.path() == "/hooks/release")
        .map(|q| serde_json::from_str(&q.body).unwrap())
        .collect();
    assert_eq!(posts.len(), 1, "one notification");
    let text = posts[0]["text"].as_str().unwrap();
    assert!(
        text.contains("is running long") && text.contains(JOB),
        "{text}"
    );
    let line: Value = serde_json::from_str(
        std::fs::read_to_string(dir.path().join("reports/deployments.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    assert_eq!(line["kind"], "deploy-watch");
    assert_eq!(line["deploy_id"], JOB);
    assert_eq!(line["team"], "sales");
    assert_eq!(line["outcome"], "success");
    no_secrets(&out);
}
