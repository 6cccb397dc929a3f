//! The conventions a Salesforce CLI user brings: `--json` as a flag, an optional value that
//! never swallows a path, `.sfci.yml` settings the hooks and templates pick up, and `--help`
//! texts that describe each tool's own reports.

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;
use common::{command, copy_dir, fixture, stdout_json};

const LINT: &str = env!("CARGO_BIN_EXE_lint-callout-mocks");
const DEPS: &str = env!("CARGO_BIN_EXE_validate-deps");
const OWNERS: &str = env!("CARGO_BIN_EXE_codeowners-check");
const SMOKE: &str = env!("CARGO_BIN_EXE_smoke");
const GATE: &str = env!("CARGO_BIN_EXE_gate");

fn run(bin: &str, dir: &Path, args: &[&str]) -> Output {
    let mut cmd = command(bin, dir);
    for k in common::ORG_ENV {
        cmd.env_remove(k);
    }
    cmd.args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the example monorepo (no `.git`: the root is the folder itself).
fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("enterprise-monorepo"), dir.path());
    dir
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn bare_json_writes_the_report_to_stdout_and_never_swallows_a_path() {
    let dir = monorepo();
    let d = dir.path();
    // `--json .`: `.` is the folder to scan, the report goes to stdout.
    let out = run(LINT, d, &["--json", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["summary"]["errors"], 16);
    assert!(!d.join(".json").exists());

    // `--json force-app`-style: the word after `--json` is a path, not a file to write.
    let out = run(LINT, d, &["--json", "sales"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"].as_str().unwrap().starts_with("sales/")));
    assert!(!d.join("sales").is_file());

    // Bare `--json` last, as `sf` users type it.
    let out = run(LINT, d, &[".", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["tool"], "lint-callout-mocks");

    // `--json out.json`: a name ending in .json is the file; stdout keeps the text.
    let out = run(LINT, d, &["--json", "out.json", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(read_json(&d.join("out.json"))["summary"]["errors"], 16);
    assert!(String::from_utf8_lossy(&out.stdout).contains("callout-without-mock"));

    // `--json=out`: with `=` any name is the file.
    let out = run(LINT, d, &["--json=out", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(read_json(&d.join("out"))["summary"]["errors"], 16);

    // `--json -` is stdout, as before.
    let out = run(LINT, d, &["--json", "-"]);
    assert_eq!(stdout_json(&out)["summary"]["errors"], 16);

    // Two reports on stdout is still a usage error (exit 2).
    let out = run(LINT, d, &["--json", "--sarif", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--json, --sarif"), "{}", stderr(&out));
}

#[test]
fn bare_json_works_in_every_tool() {
    let dir = monorepo();
    let d = dir.path();
    let out = run(DEPS, d, &["--all", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["tool"], "validate-deps");
    let out = run(DEPS, d, &["--json", ".", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["tool"], "validate-deps");

    let out = run(
        OWNERS,
        d,
        &["validate", "--offline", "--dialect", "github", "--json"],
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["tool"], "codeowners-check");
    let out = run(
        OWNERS,
        d,
        &[
            "owners",
            "--dialect",
            "github",
            "--json",
            "sales/main/default/classes/AccountSyncTest.cls",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(
        v[0]["path"], "sales/main/default/classes/AccountSyncTest.cls",
        "{v}"
    );

    let out = run(
        GATE,
        d,
        &[
            "window",
            "--allow",
            "Fri 18:00-22:00 UTC",
            "--now",
            "2026-11-27T19:00:00Z",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["tool"], "gate window");

    // smoke: bare `--json` against an org is in tests/smoke_cli.rs
    // (org_id_alone_checks_the_org_and_bare_json_goes_to_stdout); here it must parse.
    std::fs::write(
        d.join("smoke.yml"),
        "checks:\n  - name: right org\n    org: 00D000000000001AAA\n",
    )
    .unwrap();
    let out = run(SMOKE, d, &["--check-spec", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn lint_baseline_in_sfci_yml_is_applied_without_arguments() {
    let dir = monorepo();
    let d = dir.path();
    common::git(d, &["init", "-q", "-b", "main"]);
    // Record today's findings, then name the baseline in .sfci.yml.
    let out = run(LINT, d, &["--write-baseline", "ci/sfci-baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(
        d.join(".sfci.yml"),
        "lint:\n  baseline: ci/sfci-baseline.json\n",
    )
    .unwrap();
    // No argument: nobody starts red.
    let out = run(LINT, d, &["--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["baselined"], 26);
    // Run from another folder of the repository, the baseline is still the repository's.
    let out = run(LINT, &d.join("sales"), &["..", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A new finding still fails.
    let src = d.join("sales/main/default/classes/NewCalloutTest.cls");
    std::fs::write(
        &src,
        "@isTest\nprivate class NewCalloutTest {\n    @isTest static void calls() {\n        \
         ExternalSyncService.syncAccounts();\n    }\n}\n",
    )
    .unwrap();
    let out = run(LINT, d, &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"] == "sales/main/default/classes/NewCalloutTest.cls"));
    std::fs::remove_file(&src).unwrap();
    // A configured baseline that is missing is the tool's failure (2), naming the key.
    std::fs::remove_file(d.join("ci/sfci-baseline.json")).unwrap();
    let out = run(LINT, d, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lint.baseline"), "{}", stderr(&out));
    // A bad value is a configuration error with its key.
    std::fs::write(
        d.join(".sfci.yml"),
        "lint:\n  baseline: ../elsewhere.json\n",
    )
    .unwrap();
    let out = run(LINT, d, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lint.baseline"), "{}", stderr(&out));
}

#[test]
fn help_describes_each_tools_own_junit_shape() {
    let help = |bin: &str, args: &[&str]| -> String {
        let out = run(bin, Path::new(env!("CARGO_MANIFEST_DIR")), args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).replace('\n', " ")
    };
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let lint_wording = "one test case per checked file";
    assert!(squash(help(LINT, &["--help"])).contains(lint_wording));
    assert!(squash(help(DEPS, &["--help"])).contains(lint_wording));
    let smoke = squash(help(SMOKE, &["--help"]));
    assert!(!smoke.contains(lint_wording), "{smoke}");
    assert!(
        smoke.contains("one test suite per kind of check"),
        "{smoke}"
    );
    assert!(
        smoke.contains("one test case per check of the spec"),
        "{smoke}"
    );
    for sub in [
        "deploy-result",
        "error-rate",
        "deploy-watch",
        "window",
        "promotion",
    ] {
        let gate = squash(help(GATE, &[sub, "--help"]));
        assert!(!gate.contains(lint_wording), "gate {sub}: {gate}");
        assert!(
            gate.contains("one test case per check of the gate"),
            "gate {sub}: {gate}"
        );
    }
    let lock = squash(help(GATE, &["lock", "acquire", "--help"]));
    assert!(!lock.contains(lint_wording), "{lock}");
    // The --json wording says how a value is taken.
    let lint = squash(help(LINT, &["--help"]));
    assert!(lint.contains("--json[=<FILE>]"), "{lint}");
    assert!(lint.contains("ends in `.json`"), "{lint}");
}
