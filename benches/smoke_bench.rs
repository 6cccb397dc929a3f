//! `cargo bench --bench smoke`: 200 checks against the local fake org answering every
//! query after 50 ms, and a stalled org against the run's deadline. Prints wall times;
//! targets (issue 5): ≤ 2 s for the 200 checks, and a stalled run ends within its
//! `--timeout` plus one `--request-timeout`.

use std::process::Command;
use std::time::{Duration, Instant};

#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};
#[allow(dead_code)]
#[path = "../tests/fake_org/mod.rs"]
mod fake_org;
use fake_org::FakeOrg;

const BIN: &str = env!("CARGO_BIN_EXE_smoke");

fn spec(n: usize) -> String {
    let mut s = String::from("checks:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  - name: check {i}\n    soql: SELECT Id FROM Account WHERE Name = 'a{i}'\n    expect: {{count: 1}}\n"
        ));
    }
    s
}

fn run(dir: &std::path::Path, org: &FakeOrg, args: &[&str]) -> (Duration, Option<i32>) {
    let t = Instant::now();
    let out = Command::new(BIN)
        .current_dir(dir)
        .env("SF_AUTH_URL", org.auth_url())
        .args(args)
        .output()
        .expect("run smoke");
    (t.elapsed(), out.status.code())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yml"), spec(200)).unwrap();
    let org = FakeOrg::start();
    for i in 0..200 {
        org.soql_script(
            &format!("SELECT Id FROM Account WHERE Name = 'a{i}'"),
            vec![
                FakeOrg::query_page(&[serde_json::json!({"Id": i})], 1, None)
                    .delay(Duration::from_millis(50)),
            ],
        );
    }
    for c in ["8", "16", "32"] {
        let (t, code) = run(dir.path(), &org, &["--concurrency", c, "--junit", "s.xml"]);
        println!(
            "200 checks, 50 ms latency, concurrency {c:>2}: {:>6.0} ms (exit {code:?})",
            t.as_secs_f64() * 1000.0
        );
    }

    let stalled = FakeOrg::start();
    for i in 0..200 {
        stalled.soql_script(
            &format!("SELECT Id FROM Account WHERE Name = 'a{i}'"),
            vec![FakeOrg::query_page(&[], 0, None).delay(Duration::from_secs(60))],
        );
    }
    let (t, code) = run(
        dir.path(),
        &stalled,
        &[
            "--timeout",
            "3s",
            "--request-timeout",
            "1s",
            "--junit",
            "s.xml",
        ],
    );
    println!(
        "stalled org, --timeout 3s --request-timeout 1s: {:>6.0} ms (exit {code:?}; bound 4000 ms)",
        t.as_secs_f64() * 1000.0
    );
}
