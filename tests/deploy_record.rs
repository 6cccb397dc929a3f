//! The deployment record end to end: `gate deploy-result --record --pushgateway` on the
//! fixtures, a real Pushgateway, a real Prometheus scraping it every second (both started by
//! `.ci/test`), and the README's PromQL — the Grafana dashboard's panels — giving the figures.

use serde_json::Value;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

mod common;
use common::{command, fixture, test_server_url};

const BIN: &str = env!("CARGO_BIN_EXE_gate");

fn pushgateway() -> String {
    test_server_url(
        "SFCI_TEST_PUSHGATEWAY_URL",
        "the deployment-record tests",
        "a Prometheus Pushgateway (http://127.0.0.1:PORT)",
    )
}

fn prometheus() -> String {
    test_server_url(
        "SFCI_TEST_PROMETHEUS_URL",
        "the deployment-record tests",
        "a Prometheus scraping the Pushgateway every second with honor_labels (http://127.0.0.1:PORT)",
    )
}

/// A label value no other run or test uses.
fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{tag}-{}-{nanos}", std::process::id())
}

fn deploy(dir: &Path, input: &str, args: &[&str]) -> Output {
    let mut cmd = command(BIN, dir);
    for k in [
        "SFCI_PUSHGATEWAY_URL",
        "SFCI_TEAM",
        "SFCI_ENVIRONMENT",
        "CI_ENVIRONMENT_NAME",
        "CI_PROJECT_PATH",
        "GITHUB_REPOSITORY",
    ] {
        cmd.env_remove(k);
    }
    cmd.arg("deploy-result")
        .arg(fixture("gate").join(input))
        .arg("--root")
        .arg(fixture("gate/project"))
        .args(args);
    cmd.output().expect("run gate")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The dashboard's panels: title → PromQL.
fn panels() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/grafana/sfci-deployments.json");
    let dash: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    dash["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["title"].as_str().unwrap().to_string(),
                p["targets"][0]["expr"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn panel(title: &str) -> String {
    panels()
        .into_iter()
        .find(|(t, _)| t == title)
        .unwrap_or_else(|| panic!("no panel {title}"))
        .1
}

/// Grafana's variables as the dashboard would expand them over the last hour, for `team`,
/// with the test Prometheus's 1 s scrape interval.
fn expand(expr: &str, team: &str) -> String {
    expr.replace("$__range_s", "3600")
        .replace("$__range", "1h")
        .replace("$scrape_interval", "1s")
        .replace("$team", team)
}

/// An instant query: team → value.
fn query(prom: &str, q: &str) -> Vec<(String, f64)> {
    let url =
        reqwest::Url::parse_with_params(&format!("{prom}/api/v1/query"), &[("query", q)]).unwrap();
    let body = ureq_get(url.as_str());
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(v["status"], "success", "{q}: {body}");
    let mut out: Vec<(String, f64)> = v["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["metric"]["team"].as_str().unwrap_or_default().to_string(),
                r["value"][1].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A blocking GET with a timeout (the dev-dependencies have no HTTP client of their own).
fn ureq_get(url: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .unwrap();
        client.get(url).send().await.unwrap().text().await.unwrap()
    })
}

/// Waits until the Deployments panel counts `n` for `team` (a scrape happened), up to 20 s.
fn wait_for_deployments(prom: &str, team: &str, n: f64) {
    let q = expand(&panel("Deployments"), team);
    let t = Instant::now();
    loop {
        let got = query(prom, &q);
        if got.first().map(|g| g.1) == Some(n) {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "Prometheus never counted {n} deployment(s) for {team}: {got:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn the_readme_promql_gives_the_figures_of_recorded_deployments() {
    let push = pushgateway();
    let prom = prometheus();
    let dir = tempfile::tempdir().unwrap();
    let sales = unique("sales");
    let service = unique("service");
    let record = dir.path().join("reports/deployments.jsonl");
    let rec = record.to_str().unwrap();
    let run = |input: &str, team: &str, env: &str, extra: &[&str], code: i32| {
        let mut args = vec![
            "--record",
            rec,
            "--pushgateway",
            &push,
            "--team",
            team,
            "--environment",
            env,
        ];
        args.extend_from_slice(extra);
        let out = deploy(dir.path(), input, &args);
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
        out
    };
    // sales: a success (600 s), a failure (300 s), a successful rollback (600 s) — one
    // scrape between each, as between real deployments.
    let out = run("deploy-succeeded.json", &sales, "production", &[], 0);
    assert!(
        text(&out).contains("pushed the deployment gauges"),
        "{}",
        text(&out)
    );
    wait_for_deployments(&prom, &sales, 1.0);
    run("deploy-start-failed.json", &sales, "production", &[], 1);
    wait_for_deployments(&prom, &sales, 2.0);
    run(
        "deploy-succeeded.json",
        &sales,
        "production",
        &["--rollback"],
        0,
    );
    wait_for_deployments(&prom, &sales, 3.0);
    // A validation of the same team is recorded, never counted.
    let out = run("deploy-failed.json", &sales, "production", &[], 1);
    assert!(
        text(&out).contains("a validation is not a deployment"),
        "{}",
        text(&out)
    );
    // service: one success in uat.
    run("deploy-succeeded.json", &service, "uat", &[], 0);
    wait_for_deployments(&prom, &service, 1.0);
    std::thread::sleep(Duration::from_millis(1500));

    let both = format!("{sales}|{service}");
    let q = |title: &str| query(&prom, &expand(&panel(title), &both));
    assert_eq!(
        q("Deployments"),
        vec![(sales.clone(), 3.0), (service.clone(), 1.0)]
    );
    let rate = q("Success rate");
    assert_eq!(rate.len(), 2, "{rate:?}");
    assert!((rate[0].1 - 2.0 / 3.0).abs() < 1e-9, "{rate:?}");
    assert_eq!(rate[1].1, 1.0, "{rate:?}");
    let avg = q("Average deployment duration");
    assert_eq!(avg, vec![(sales.clone(), 500.0), (service.clone(), 600.0)]);
    assert_eq!(q("Rollbacks"), vec![(sales.clone(), 1.0)]);

    // The event record: five lines, the validation among them.
    let lines: Vec<Value> = std::fs::read_to_string(&record)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "deployment",
            "deployment",
            "deployment",
            "validation",
            "deployment"
        ]
    );
    assert_eq!(lines[1]["outcome"], "failure");
    assert_eq!(lines[1]["duration_seconds"], 300.0);
    assert_eq!(lines[2]["rollback"], true);
    assert_eq!(lines[0]["tests"]["run"], 3);
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/deployment-record.schema.json")).unwrap();
    let v = jsonschema::draft202012::new(&schema).unwrap();
    for l in &lines {
        assert!(v.is_valid(l), "{l}");
    }
}

#[test]
fn a_dead_pushgateway_is_a_warning_and_the_exit_code_stays() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let t = Instant::now();
    for (input, code) in [
        ("deploy-succeeded.json", 0),
        ("deploy-start-failed.json", 1),
    ] {
        let out = deploy(
            dir.path(),
            input,
            &[
                "--pushgateway",
                &url,
                "--team",
                "sales",
                "--record",
                "r.jsonl",
            ],
        );
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
        assert!(
            text(&out).contains("warning: the Pushgateway push failed"),
            "{}",
            text(&out)
        );
    }
    assert!(t.elapsed() < Duration::from_secs(40));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.jsonl"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    // Credentials in the URL are refused and never printed.
    let out = deploy(
        dir.path(),
        "deploy-succeeded.json",
        &["--pushgateway", "https://ci:hunter2pw@push.example.com"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(!text(&out).contains("hunter2pw"), "{}", text(&out));
    assert!(text(&out).contains("credentials"), "{}", text(&out));
}

#[test]
fn every_dashboard_query_is_in_the_readme() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let panels = panels();
    assert_eq!(panels.len(), 4);
    for (title, expr) in panels {
        assert!(
            readme.contains(&expr),
            "the dashboard's {title} query is not in the README: {expr}"
        );
        // Counts come from the gauges, never from a pushed counter.
        assert!(
            !expr.contains("_total") && !expr.contains("increase("),
            "{expr}"
        );
    }
}
