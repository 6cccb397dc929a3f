//! `lint-callout-mocks` end to end: the real binary on the fixtures, its exit codes,
//! and every report format parsed back.

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;
use common::{command, copy_dir, fixture, git, stdout_json};

const BIN: &str = env!("CARGO_BIN_EXE_lint-callout-mocks");

fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(BIN, dir);
    cmd.args(args).envs(env.iter().copied());
    cmd.output().expect("run lint-callout-mocks")
}

/// Runs on a fixture from inside it (so reported paths are fixture-relative:
/// outside a git checkout the root is the current directory).
fn run_fixture(name: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    let out = run_in(dir.path(), args, &[]);
    drop(dir);
    out
}

fn findings(v: &Value) -> Vec<(String, String, u64, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["symbol"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const SALES: &str = "sales/main/default/classes/";
const SERVICE: &str = "service/main/default/classes/";
const INTEG: &str = "integrations/main/default/classes/";

// Every finding of the fixtures — rule, file, line, column, symbol, chain and message — is
// pinned once, by the snapshots of `tests/snapshots.rs` (`tests/snapshots/lint_*__json.snap`,
// and the text, JUnit, SARIF, Code Quality and GitHub outputs beside them); the tables of
// `fixtures/*/EXPECTED.md` are checked against those. The tests below assert behaviours.

#[test]
fn monorepo_fails_and_skips_what_forceignore_excludes() {
    let out = run_fixture("enterprise-monorepo", &["--json", "-"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    assert_eq!(v["tool"], "lint-callout-mocks");
    // The .forceignore'd experimental folder (an unparseable class and an unmocked test)
    // was not scanned.
    let got = findings(&v);
    assert!(
        got.iter().all(|f| !f.1.contains("/experimental/")),
        "{got:#?}"
    );
    assert!(got.iter().all(|f| f.0 != "parse-error"), "{got:#?}");
    assert_eq!(v["summary"]["files"], 67);
}

#[test]
fn chains_name_every_hop_from_test_to_callout() {
    let out = run_fixture("enterprise-monorepo", &["--json", "-"]);
    let v = stdout_json(&out);
    let chain_of = |symbol: &str| -> Vec<String> {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["symbol"] == symbol && f["rule"] == "callout-without-mock")
            .unwrap_or_else(|| panic!("no finding for {symbol}"));
        let chain: Vec<String> = f["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert!(f["message"].as_str().unwrap().ends_with(&chain.join(" → ")));
        chain
    };
    assert_eq!(
        chain_of("AccountSyncTest.testSync"),
        vec![
            "testSync",
            "AccountFacade.run",
            "ExternalSyncService.syncAccounts",
            "Http.send (ExternalSyncService.cls:7)"
        ]
    );
    assert_eq!(
        chain_of("PaymentServiceTest.testChargeInvoice"),
        vec![
            "testChargeInvoice",
            "PaymentService.chargeInvoice",
            "StripePaymentGateway.charge",
            "Http.send (StripePaymentGateway.cls:15)"
        ]
    );
    let soap = chain_of("TaxCalculationServiceTest.testCalculateWithHttpMockOnly");
    assert_eq!(soap[2], "TaxServiceSoap.TaxPort.calculateTax");
    assert_eq!(
        soap.last().unwrap(),
        "WebServiceCallout.invoke (TaxServiceSoap.cls:38)"
    );
    let queued = chain_of("CaseSurveyQueueableTest.testEnqueueWithoutMock");
    assert_eq!(queued[1], "CaseSurveyQueueable.execute (async)");
    assert_eq!(queued.last().unwrap(), "Http.send (SurveyApiClient.cls:30)");
    let virt = chain_of("ErpOrderSyncTest.testPushOrders");
    assert_eq!(
        virt[1..3],
        [
            "BaseSyncJob.pushInChunks".to_string(),
            "ErpOrderSync.push".to_string()
        ]
    );
}

#[test]
fn every_report_format_parses_back() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_dir(&fixture("enterprise-monorepo"), &repo);
    let reports = dir.path().join("reports");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let out = run_in(
        &repo,
        &[
            "--json",
            reports.join("r.json").to_str().unwrap(),
            "--junit",
            reports.join("junit.xml").to_str().unwrap(),
            "--sarif",
            reports.join("r.sarif").to_str().unwrap(),
            "--codequality",
            reports.join("cq.json").to_str().unwrap(),
        ],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("16 errors, 10 warnings"), "{text}");

    // JUnit: one suite per rule, one case per (rule, file), names without lines.
    let xml = std::fs::read_to_string(reports.join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let failed: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|k| k.has_tag_name("failure")))
        .collect();
    // 16 errors (all callout-without-mock) in 13 test classes; warnings do not fail cases.
    assert_eq!(failed.len(), 13);
    for c in &cases {
        let file = c.attribute("file").expect("file attribute");
        assert_eq!(c.attribute("name"), Some(file));
        assert!(!file.contains(':'), "no line numbers in names: {file}");
    }
    let mock_suite = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testsuite") && n.attribute("name") == Some("callout-without-mock")
        })
        .unwrap();
    let mock_cases = mock_suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert!(
        mock_cases > 13,
        "passing test classes appear as passing cases ({mock_cases})"
    );
    assert_eq!(mock_suite.attribute("failures"), Some("13"));

    // SARIF against the 2.1.0 schema.
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("r.sarif")).unwrap()).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("schemas/sarif-2.1.0.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 26);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 6);
    for r in rules {
        for k in ["shortDescription", "fullDescription", "help"] {
            assert!(
                r[k]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{k} of {}",
                r["id"]
            );
        }
    }
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert!(!loc["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .starts_with('/'));
    assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);

    // Code Quality: required fields, severities, unique fingerprints.
    let cq: Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("cq.json")).unwrap()).unwrap();
    let issues = cq.as_array().unwrap();
    assert_eq!(issues.len(), 26);
    let mut fps = std::collections::HashSet::new();
    for i in issues {
        for k in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[k].is_string(), "{k} in {i}");
        }
        assert!(i["location"]["path"].is_string());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(["major", "minor"].contains(&i["severity"].as_str().unwrap()));
        assert!(fps.insert(i["fingerprint"].as_str().unwrap().to_string()));
    }

    // JSON and the step summary.
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("r.json")).unwrap()).unwrap();
    assert_eq!(j["findings"].as_array().unwrap().len(), 26);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("# earlier step\n"),
        "appended, not overwritten"
    );
    assert!(md.contains("AccountSyncTest"));
}

#[test]
fn fingerprints_survive_line_moves_and_baselines_hide_known_findings() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_dir(&fixture("enterprise-monorepo"), &repo);
    let baseline = dir.path().join("baseline.json");
    let out = run_in(
        &repo,
        &["--write-baseline", baseline.to_str().unwrap()],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b: Value = serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(b["findings"].as_array().unwrap().len(), 26);

    // Move every line of a file with findings down by three.
    let f = repo.join(format!("{SERVICE}SurveyApiClientTest.cls"));
    let src = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("// moved\n// moved\n// moved\n{src}")).unwrap();
    // And add a new unmocked test.
    std::fs::write(
        repo.join(format!("{SALES}NewSyncTest.cls")),
        "@IsTest\nprivate class NewSyncTest {\n    @IsTest static void testNew() { AccountFacade.run(); }\n}\n",
    )
    .unwrap();
    let out = run_in(
        &repo,
        &["--baseline", baseline.to_str().unwrap(), "--json", "-"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let got = findings(&v);
    assert_eq!(
        got,
        vec![(
            "callout-without-mock".to_string(),
            format!("{SALES}NewSyncTest.cls"),
            3,
            "NewSyncTest.testNew".to_string()
        )]
    );
    assert_eq!(v["summary"]["baselined"], 26);
}

#[test]
fn broken_files_are_reported_and_the_scan_goes_on() {
    let out = run_fixture("broken", &["--json", "-"]);
    assert_eq!(out.status.code(), Some(0), "parse errors are warnings");
    let v = stdout_json(&out);
    let got = findings(&v);
    // Both unparseable files are reported, and the Latin-1 file is still analysed.
    for file in ["UnterminatedComment.cls", "UnterminatedString.cls"] {
        assert!(
            got.iter().any(|f| f.0 == "parse-error" && f.1 == file),
            "{got:#?}"
        );
    }
    assert!(
        got.iter()
            .any(|f| f.0 == "callout-without-timeout" && f.1 == "Latin1TaxLookup.cls"),
        "{got:#?}"
    );
    assert!(got
        .iter()
        .all(|f| !(f.0 == "parse-error" && f.1 == "Latin1TaxLookup.cls")));
}

#[test]
fn config_sets_severity_and_rejects_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("broken"), dir.path());
    std::fs::write(
        dir.path().join(".sfci.yml"),
        "lint:\n  rules:\n    callout-without-timeout:\n      severity: error\n    parse-error:\n      severity: off\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["--json", "-"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let got = findings(&v);
    assert_eq!(got.len(), 1);
    assert_eq!(v["findings"][0]["severity"], "error");

    std::fs::write(
        dir.path().join(".sfci.yml"),
        "lint:\n  rules:\n    callout-without-timeout:\n      sevrity: error\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".sfci.yml:4"), "{err}");
    assert!(
        err.contains("lint.rules.callout-without-timeout.sevrity"),
        "{err}"
    );

    std::fs::write(
        dir.path().join(".sfci.yml"),
        "lint:\n  exclude: ['Latin1*.cls']\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["--json", "-"], &[]);
    let got = findings(&stdout_json(&out));
    assert!(got.iter().all(|f| f.1 != "Latin1TaxLookup.cls"), "{got:?}");
    assert_eq!(got.len(), 2);
}

#[test]
fn usage_and_input_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["does-not-exist"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does-not-exist"));
    let out = run_in(dir.path(), &["--no-such-flag"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = run_in(dir.path(), &["--json", "-", "--sarif", "-"], &[]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(dir.path().join("sfdx-project.json"), "{ not json").unwrap();
    let out = run_in(dir.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sfdx-project.json"));
}

#[test]
fn github_annotations_are_capped_with_a_count() {
    let out = run_fixture("enterprise-monorepo", &["--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let errors = text.lines().filter(|l| l.starts_with("::error ")).count();
    let warnings = text.lines().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!((errors, warnings), (10, 10), "{text}");
    let notice = text
        .lines()
        .find(|l| l.starts_with("::notice"))
        .expect("a notice with the rest");
    assert!(notice.contains('6'), "{notice}");
    assert!(
        text.contains("::error file=sales/main/default/classes/AccountSyncTest.cls,line=9,"),
        "{text}"
    );
}

#[test]
fn base_limits_findings_to_the_change_and_chains_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    copy_dir(&fixture("enterprise-monorepo"), repo);
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    git(repo, &["checkout", "-q", "-b", "feature"]);
    // Touch the service three tests reach through a chain, and nothing else.
    let svc = repo.join(format!("{INTEG}ExternalSyncService.cls"));
    let src = std::fs::read_to_string(&svc).unwrap();
    std::fs::write(&svc, format!("{src}\n")).unwrap();
    git(repo, &["commit", "-q", "-am", "change"]);
    let out = run_in(repo, &["--base", "main", "--json", "-"], &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let mut symbols: Vec<String> = findings(&v).into_iter().map(|f| f.3).collect();
    symbols.sort();
    assert_eq!(
        symbols,
        vec![
            "AccountSyncTest.testSync",
            "ExternalSyncService.syncAccounts",
            "legacyaccountsynctest.testaccountsync"
        ]
    );
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["in_change"] == true));

    let out = run_in(repo, &["--base", "no-such-rev"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rev"));
}

#[test]
fn a_report_that_cannot_be_written_does_not_hide_a_failed_check() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("enterprise-monorepo"), dir.path());
    // The fixture has error findings (exit 1); an unwritable report adds a problem (2).
    let out = run_in(dir.path(), &["--junit", "/proc/no/such/dir/junit.xml"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("junit.xml"));
    // Without findings the same problem is exit 2.
    let clean = tempfile::tempdir().unwrap();
    let out = run_in(
        clean.path(),
        &["--junit", "/proc/no/such/dir/junit.xml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn real_patterns_fixture_fails_and_follows_dml_through_a_trigger() {
    let out = run_fixture("real-patterns", &["--json", "-"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let trigger = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["symbol"] == "RealPatternsTest.insertFiresTriggerFuture")
        .expect("the trigger finding");
    let trigger_chain = trigger["message"].as_str().unwrap();
    assert!(
        trigger_chain.contains(
            "insert Invoice__c → InvoiceTrigger (after insert) → InvoiceHandler.afterInsert → \
             InvoiceHandler.pushInvoices (async) → GatewayClient.send → Http.send (GatewayClient.cls:4)"
        ),
        "{trigger_chain}"
    );
}

#[test]
fn a_run_past_its_timeout_exits_2_naming_what_it_was_doing_and_writes_no_report() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..400 {
        let src = format!(
            "public class C{i} {{ public static void m() {{ C{}.m(); new Http().send(new HttpRequest()); }} }}",
            (i + 1) % 400
        );
        std::fs::write(dir.path().join(format!("C{i}.cls")), src).unwrap();
    }
    let out = run_in(
        dir.path(),
        &[".", "--timeout", "0s", "--json", "report.json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "lint-callout-mocks: stopped: the run did not finish within --timeout 0s (it was "
        ),
        "{err}"
    );
    assert!(!dir.path().join("report.json").exists());
    // The same input with the default limit finishes.
    let out = run_in(dir.path(), &["."], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
