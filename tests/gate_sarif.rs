//! `gate sarif` end to end on the SARIF that Salesforce Code Analyzer v5 wrote for the fixture
//! monorepo (`fixtures/code-analyzer/enterprise-monorepo.sarif`, 255 results from its eslint,
//! pmd and regex engines): a baseline written from it passes; one new finding fails naming it;
//! a method moved 20 lines stays baselined; a second identical finding and a renamed file are
//! new; malformed inputs exit 2 naming the file.
//!
//! Each test works on a copy of the monorepo (the analyzer wrote no snippets, so identities
//! come from the source lines under `--root`) and edits a copy of the SARIF the way the
//! analyzer would report the edited tree.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Output;

mod common;
use common::{command, copy_dir, fixture};

#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};

const BIN: &str = env!("CARGO_BIN_EXE_gate");
const LOGGER: &str = "shared/main/default/classes/Logger.cls";
/// Results in the committed SARIF.
const TOTAL: usize = 255;

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A copy of the monorepo, with the committed SARIF beside it as `ca.sarif`.
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture("enterprise-monorepo"), dir.path());
        std::fs::copy(
            fixture("code-analyzer/enterprise-monorepo.sarif"),
            dir.path().join("ca.sarif"),
        )
        .unwrap();
        Repo { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn sarif(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.path("ca.sarif")).unwrap()).unwrap()
    }
    fn write_sarif(&self, v: &Value) {
        std::fs::write(self.path("ca.sarif"), serde_json::to_vec_pretty(v).unwrap()).unwrap();
    }
    fn gate(&self, args: &[&str]) -> Output {
        let mut cmd = command(BIN, self.dir.path());
        cmd.arg("sarif").args(args);
        cmd.output().expect("run gate")
    }
    /// Writes the baseline from the unedited SARIF (exit 0).
    fn baseline(&self) {
        let o = self.gate(&["ca.sarif", "--write-baseline", ".sfci/ca-baseline.json"]);
        assert_eq!(code(&o), 0, "{}", text(&o));
        assert!(
            stderr(&o).contains(&format!("wrote {TOTAL} finding(s) to the baseline")),
            "{}",
            text(&o)
        );
    }
    /// Inserts `lines` before line `at` (1-based) of `file`.
    fn insert_lines(&self, file: &str, at: usize, lines: &[&str]) {
        let p = self.path(file);
        let old = std::fs::read_to_string(&p).unwrap();
        let mut v: Vec<&str> = old.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            v.insert(at - 1 + i, l);
        }
        std::fs::write(&p, v.join("\n") + "\n").unwrap();
    }
    fn line(&self, file: &str, n: usize) -> String {
        std::fs::read_to_string(self.path(file))
            .unwrap()
            .lines()
            .nth(n - 1)
            .unwrap()
            .to_string()
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}
fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn text(o: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o))
}

fn uri(r: &Value) -> &str {
    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or("")
}

/// Every result of the SARIF, mutably.
fn results_mut(v: &mut Value) -> impl Iterator<Item = &mut Value> {
    v["runs"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|run| run["results"].as_array_mut().unwrap().iter_mut())
}

/// Shifts the regions of `file`'s results at or after line `from` by `delta` lines, as the
/// analyzer reports the file after `delta` lines were inserted before `from`.
fn shift(v: &mut Value, file: &str, from: u64, delta: u64) -> usize {
    let mut n = 0;
    for r in results_mut(v) {
        if uri(r) != file {
            continue;
        }
        for loc in ["locations", "relatedLocations"] {
            for l in r[loc].as_array_mut().into_iter().flatten() {
                let region = &mut l["physicalLocation"]["region"];
                for key in ["startLine", "endLine"] {
                    if let Some(line) = region[key].as_u64().filter(|l| *l >= from) {
                        region[key] = json!(line + delta);
                    }
                }
            }
        }
        n += 1;
    }
    n
}

/// A PMD result as Code Analyzer writes it.
fn pmd_result(rule: &str, file: &str, line: u64, message: &str) -> Value {
    json!({
        "ruleId": rule,
        "level": "warning",
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": 9, "endLine": line, "endColumn": 40}
        }}]
    })
}

fn pmd_run(v: &mut Value) -> &mut Vec<Value> {
    v["runs"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["tool"]["driver"]["name"] == "pmd")
        .unwrap()["results"]
        .as_array_mut()
        .unwrap()
}

#[test]
fn committed_sarif_is_code_analyzer_output_with_relative_paths() {
    let text = std::fs::read_to_string(fixture("code-analyzer/enterprise-monorepo.sarif")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let engines: Vec<&str> = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tool"]["driver"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(engines, ["eslint", "pmd", "regex"]);
    let n: usize = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["results"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, TOTAL);
    assert!(
        !text.contains("\"/"),
        "no absolute path in the committed SARIF"
    );
}

#[test]
fn baseline_of_the_real_run_passes_and_reports_nothing_blocking() {
    let repo = Repo::new();
    repo.baseline();
    let base: Value =
        serde_json::from_slice(&std::fs::read(repo.path(".sfci/ca-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(base["version"], 1);
    assert_eq!(base["tool"], "gate sarif");
    let entries = base["findings"].as_array().unwrap();
    assert_eq!(entries.len(), TOTAL);
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            for k in [
                "tool",
                "rule",
                "file",
                "hash",
                "occurrence",
                "line",
                "message",
            ] {
                assert!(!e[k].is_null(), "{k} missing in {e}");
            }
            (
                e["file"].as_str().unwrap().into(),
                e["tool"].as_str().unwrap().into(),
                e["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "baseline sorted by file, tool, rule");

    let o = repo.gate(&[
        "ca.sarif",
        "--baseline",
        ".sfci/ca-baseline.json",
        "--codequality",
        "cq.json",
        "--junit",
        "junit.xml",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        stderr(&o).contains("0 new, 255 baselined, 0 fixed (in the baseline, no longer found)"),
        "{}",
        text(&o)
    );
    assert!(stdout(&o).starts_with("no findings"), "{}", text(&o));
    let cq: Value = serde_json::from_slice(&std::fs::read(repo.path("cq.json")).unwrap()).unwrap();
    assert_eq!(cq, json!([]));
    let junit = std::fs::read_to_string(repo.path("junit.xml")).unwrap();
    assert!(!junit.contains("<failure"), "{junit}");
    assert!(
        junit.contains("pmd/ApexDoc") && junit.contains(LOGGER),
        "baselined files are passing cases: {junit}"
    );
    // Writing the baseline again gives the same bytes (stable, reviewable in diffs).
    let before = std::fs::read(repo.path(".sfci/ca-baseline.json")).unwrap();
    repo.baseline();
    assert_eq!(
        before,
        std::fs::read(repo.path(".sfci/ca-baseline.json")).unwrap()
    );
}

#[test]
fn one_new_finding_fails_naming_it() {
    let repo = Repo::new();
    repo.baseline();
    // A new System.debug line in Logger.cls at line 10, reported by PMD.
    repo.insert_lines(LOGGER, 10, &["        System.debug('sfci new finding');"]);
    let mut v = repo.sarif();
    shift(&mut v, LOGGER, 10, 1);
    pmd_run(&mut v).push(pmd_result(
        "AvoidDebugStatements",
        LOGGER,
        10,
        "Avoid debug statements since they impact on performance",
    ));
    repo.write_sarif(&v);
    let o = repo.gate(&[
        "ca.sarif",
        "--baseline",
        ".sfci/ca-baseline.json",
        "--codequality",
        "cq.json",
        "--junit",
        "junit.xml",
        "--json",
        "report.json",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{LOGGER}:10:9: error[pmd/AvoidDebugStatements]")),
        "{out}"
    );
    assert_eq!(out.matches("error[").count(), 1, "only the new one: {out}");
    assert!(
        stderr(&o).contains("1 new, 255 baselined, 0 fixed"),
        "{}",
        text(&o)
    );
    let cq: Value = serde_json::from_slice(&std::fs::read(repo.path("cq.json")).unwrap()).unwrap();
    assert_eq!(cq.as_array().unwrap().len(), 1);
    assert_eq!(cq[0]["check_name"], "pmd/AvoidDebugStatements");
    assert_eq!(cq[0]["location"]["path"], LOGGER);
    assert_eq!(cq[0]["severity"], "major");
    let junit = std::fs::read_to_string(repo.path("junit.xml")).unwrap();
    assert_eq!(junit.matches("<failure").count(), 1, "{junit}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(repo.path("report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["new"], 1);
    assert_eq!(report["summary"]["baselined"], 255);
    assert_eq!(report["findings"][0]["engine"], "pmd");
    assert_eq!(report["findings"][0]["identity_basis"], "source");

    // --min-level error: a new warning-level finding is reported but does not block.
    let o = repo.gate(&[
        "ca.sarif",
        "--baseline",
        ".sfci/ca-baseline.json",
        "--min-level",
        "error",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(stdout(&o).contains("warning[pmd/AvoidDebugStatements]"));

    // --comment: the new finding as one MR note (exit code unchanged).
    let server = fake::FakeServer::start();
    let notes = "/projects/42/merge_requests/7/notes";
    server.route(
        "GET",
        notes,
        vec![fake::FakeResponse::json(200, serde_json::json!([]))],
    );
    server.route(
        "POST",
        notes,
        vec![fake::FakeResponse::json(
            201,
            serde_json::json!({"id": 1, "body": "x"}),
        )],
    );
    let url = server.url();
    let mut cmd = command(BIN, repo.dir.path());
    cmd.args([
        "sarif",
        "ca.sarif",
        "--baseline",
        ".sfci/ca-baseline.json",
        "--comment",
    ])
    .args([
        "--forge",
        "gitlab",
        "--change",
        "7",
        "--repo",
        "42",
        "--api-url",
        &url,
    ])
    .env("SFCI_GITLAB_TOKEN", "glpat-SARIFtoken0123456789");
    let o = cmd.output().unwrap();
    assert_eq!(code(&o), 1, "{}", text(&o));
    let posted: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posted.len(), 1, "{}", text(&o));
    let body: Value = serde_json::from_str(&posted[0].body).unwrap();
    let body = body["body"].as_str().unwrap();
    assert!(body.starts_with("<!-- sfci:gate:sarif -->"), "{body}");
    assert!(body.contains("1 new, 255 baselined, 0 fixed"), "{body}");
    assert!(body.contains("pmd/AvoidDebugStatements"), "{body}");
    assert!(body.contains(LOGGER), "{body}");
    assert!(!text(&o).contains("glpat-SARIFtoken0123456789"));
}

#[test]
fn a_method_moved_20_lines_down_stays_baselined() {
    let repo = Repo::new();
    repo.baseline();
    let debug_line = repo.line(LOGGER, 19);
    assert!(debug_line.contains("System.debug"), "{debug_line}");
    // 20 lines (a new method) inserted above `log`, moving it and its findings down.
    let mut method = vec!["    // moved down by a new method"];
    method.extend(std::iter::repeat_n("", 19));
    repo.insert_lines(LOGGER, 18, &method);
    assert_eq!(repo.line(LOGGER, 39), debug_line);
    let mut v = repo.sarif();
    assert!(shift(&mut v, LOGGER, 18, 20) > 0);
    repo.write_sarif(&v);
    let o = repo.gate(&["ca.sarif", "--baseline", ".sfci/ca-baseline.json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        stderr(&o).contains("0 new, 255 baselined, 0 fixed"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_second_identical_finding_in_the_same_file_is_new() {
    let repo = Repo::new();
    repo.baseline();
    let debug_line = repo.line(LOGGER, 19);
    repo.insert_lines(LOGGER, 20, &[&debug_line]);
    let mut v = repo.sarif();
    shift(&mut v, LOGGER, 20, 1);
    let original = results_mut(&mut v)
        .find(|r| {
            uri(r) == LOGGER
                && r["ruleId"] == "AvoidDebugStatements"
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 19
        })
        .expect("PMD reported the System.debug of Logger.log")
        .clone();
    let mut copy = original;
    for key in ["startLine", "endLine"] {
        copy["locations"][0]["physicalLocation"]["region"][key] = json!(20);
    }
    pmd_run(&mut v).push(copy);
    repo.write_sarif(&v);
    let o = repo.gate(&["ca.sarif", "--baseline", ".sfci/ca-baseline.json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        stdout(&o).contains(&format!("{LOGGER}:20:9: error[pmd/AvoidDebugStatements]")),
        "{}",
        text(&o)
    );
    assert!(
        stderr(&o).contains("1 new, 255 baselined, 0 fixed"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_renamed_file_makes_its_findings_new_and_the_old_ones_fixed() {
    let repo = Repo::new();
    repo.baseline();
    let renamed = "shared/main/default/classes/AppLogger.cls";
    std::fs::rename(repo.path(LOGGER), repo.path(renamed)).unwrap();
    let mut v = repo.sarif();
    let mut moved = 0;
    for r in results_mut(&mut v) {
        if uri(r) == LOGGER {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = json!(renamed);
            moved += 1;
        }
    }
    assert!(moved > 0);
    repo.write_sarif(&v);
    let o = repo.gate(&["ca.sarif", "--baseline", ".sfci/ca-baseline.json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        stderr(&o).contains(&format!(
            "{moved} new, {} baselined, {moved} fixed",
            TOTAL - moved
        )),
        "{}",
        text(&o)
    );
    assert!(stdout(&o).contains(renamed));
    assert!(!stdout(&o).contains(LOGGER));
}

#[test]
fn stdin_and_several_files_are_read() {
    let repo = Repo::new();
    repo.baseline();
    let mut cmd = command(BIN, repo.dir.path());
    cmd.args([
        "sarif",
        "-",
        "--baseline",
        ".sfci/ca-baseline.json",
        "--json",
        "-",
    ])
    .stdin(std::fs::File::open(repo.path("ca.sarif")).unwrap());
    let o = cmd.output().unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o));
    let report = common::stdout_json(&o);
    assert_eq!(report["summary"]["baselined"], 255);
    // The same run twice: the second copy's findings are new occurrences.
    let o = repo.gate(&[
        "ca.sarif",
        "ca.sarif",
        "--baseline",
        ".sfci/ca-baseline.json",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        stderr(&o).contains("255 new, 255 baselined, 0 fixed"),
        "{}",
        text(&o)
    );
}

#[test]
fn malformed_sarif_or_baseline_exits_2_naming_the_file() {
    let repo = Repo::new();
    std::fs::write(
        repo.path("bad.sarif"),
        "{\"version\": \"2.1.0\",\n \"runs\": [ {]\n}",
    )
    .unwrap();
    let o = repo.gate(&["bad.sarif"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(stderr(&o).contains("bad.sarif:2:"), "{}", text(&o));

    std::fs::write(repo.path("notsarif.json"), "{\"findings\": []}").unwrap();
    let o = repo.gate(&["notsarif.json"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        stderr(&o).contains("notsarif.json: not a SARIF log"),
        "{}",
        text(&o)
    );

    std::fs::write(
        repo.path("base.json"),
        "{\"version\": 1, \"tool\": \"gate sarif\", \"findings\": [{\"tool\": 3}]}",
    )
    .unwrap();
    let o = repo.gate(&["ca.sarif", "--baseline", "base.json"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        stderr(&o).contains("base.json:1:") && stderr(&o).contains("findings[0].tool"),
        "{}",
        text(&o)
    );

    let o = repo.gate(&["missing.sarif"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(stderr(&o).contains("missing.sarif"), "{}", text(&o));
}
