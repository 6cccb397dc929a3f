//! `validate-deps` end to end on real git repositories built from the fixture.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{command, copy_dir, fixture, git, stdout_json};

// The forge tests' scripted HTTP server (loopback only).
#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};

const BIN: &str = env!("CARGO_BIN_EXE_validate-deps");

fn run(dir: &Path, args: &[&str]) -> Output {
    command(BIN, dir)
        .args(args)
        .output()
        .expect("run validate-deps")
}

/// The fixture as a git repository on branch `main`, checked out on `feature`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("enterprise-monorepo"), dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    dir
}

fn findings(v: &Value, rule: &str) -> Vec<Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect()
}

fn edge(f: &Value) -> (String, String, String, String) {
    (
        f["from"].as_str().unwrap().to_string(),
        f["to"].as_str().unwrap().to_string(),
        f["from_team"].as_str().unwrap().to_string(),
        f["to_team"].as_str().unwrap().to_string(),
    )
}

const SALES: &str = "sales/main/default/classes";
const BILLING: &str = "billing/main/default/classes";

#[test]
fn inventory_reports_cross_team_edges_as_warnings() {
    let dir = repo();
    let out = run(dir.path(), &["--all", "--json", "-"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let cross = findings(&v, "cross-team-dependency");
    assert!(!cross.is_empty());
    assert!(cross.iter().all(|f| f["severity"] == "warning"));
    let app = cross
        .iter()
        .find(|f| {
            edge(f)
                == (
                    "Application".into(),
                    "IPaymentGateway".into(),
                    "shared".into(),
                    "billing".into(),
                )
        })
        .expect("Application → IPaymentGateway");
    assert_eq!(app["file"], "shared/main/default/classes/Application.cls");
    assert_eq!(app["line"], 7);
    // No edge inside a team.
    assert!(cross.iter().all(|f| f["from_team"] != f["to_team"]));
}

#[test]
fn a_change_reports_only_the_edges_it_adds() {
    let dir = repo();
    let out = run(dir.path(), &["--base", "main", "--json", "-"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "no change, nothing new: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout_json(&out)["findings"].as_array().unwrap().is_empty());

    let f = dir.path().join(SALES).join("AccountFacade.cls");
    let src = std::fs::read_to_string(&f).unwrap();
    let src = src.replacen(
        "public static void run(Set<Id> accountIds) {",
        "public static void run(Set<Id> accountIds) {\n        InvoiceExportService.exportToSap(null);",
        1,
    );
    std::fs::write(&f, src).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "sales uses billing"]);
    let out = run(dir.path(), &["--base", "main", "--json", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let cross = findings(&v, "cross-team-dependency");
    assert_eq!(cross.len(), 1, "{v:#}");
    assert_eq!(
        edge(&cross[0]),
        (
            "AccountFacade".into(),
            "InvoiceExportService".into(),
            "sales".into(),
            "billing".into()
        )
    );
    assert_eq!(cross[0]["severity"], "error");
    assert_eq!(cross[0]["file"], format!("{SALES}/AccountFacade.cls"));
    assert_eq!(cross[0]["line"], 7);
}

#[test]
fn allow_and_deny_rules() {
    let dir = repo();
    std::fs::write(
        dir.path().join(".sfci.yml"),
        "deps:\n  teams:\n    billing:\n      owners: ['@acme/billing']\n  allow:\n    - { from: '*', to: shared }\n  deny:\n    - { from: shared, to: billing }\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--all", "--json", "-"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a denied edge fails even the inventory"
    );
    let v = stdout_json(&out);
    let cross = findings(&v, "cross-team-dependency");
    assert!(
        cross.iter().all(|f| f["to_team"] != "shared"),
        "allowed edges are not reported"
    );
    let forbidden = findings(&v, "forbidden-dependency");
    assert!(!forbidden.is_empty());
    assert!(forbidden
        .iter()
        .all(|f| f["from_team"] == "shared" && f["to_team"] == "billing"));
    assert!(forbidden.iter().all(|f| f["severity"] == "error"));
    assert!(forbidden[0]["message"]
        .as_str()
        .unwrap()
        .contains("denies shared → billing"));
}

#[test]
fn deleting_a_referenced_class_is_a_broken_reference() {
    let dir = repo();
    git(
        dir.path(),
        &["rm", "-q", &format!("{BILLING}/InvoiceExportService.cls")],
    );
    git(dir.path(), &["commit", "-q", "-m", "delete"]);
    let out = run(dir.path(), &["--base", "main", "--json", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let broken = findings(&v, "broken-reference");
    let mut from: Vec<String> = broken
        .iter()
        .map(|f| f["from"].as_str().unwrap().to_string())
        .collect();
    from.sort();
    assert_eq!(from, vec!["LEGACYINVOICEEXPORTTEST"], "{v:#}");
    assert_eq!(broken[0]["to"], "InvoiceExportService");
    assert_eq!(broken[0]["line"], 6);
}

#[test]
fn select_tests_lists_the_tests_that_reach_the_change() {
    let dir = repo();
    let f = dir
        .path()
        .join("integrations/main/default/classes/ExternalSyncService.cls");
    let src = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{src}\n")).unwrap();
    git(
        dir.path(),
        &["commit", "-q", "-am", "touch the sync service"],
    );
    let list = dir.path().join("out/tests.txt");
    let out = run(
        dir.path(),
        &["--base", "main", "--select-tests", list.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tests = std::fs::read_to_string(&list).unwrap();
    let tests: Vec<&str> = tests.lines().collect();
    // AccountTriggerHandlerTest reaches the service through DML: `update acc` →
    // AccountTrigger (after update) → AccountTriggerHandler.afterUpdate →
    // AccountSyncQueueable → AccountFacade → ExternalSyncService. Its insert-only
    // test does not: the handler's insert branch queues nothing.
    assert_eq!(
        tests,
        vec![
            "AccountSyncTest",
            "AccountTriggerHandlerTest",
            "legacyaccountsynctest"
        ]
    );
}

/// `--base main --select-tests LIST --uncovered UNC`, as the templates' `test-level: auto` runs it.
fn select_and_uncovered(dir: &Path, list: &Path, unc: &Path) -> Output {
    run(
        dir,
        &[
            "--base",
            "main",
            "--select-tests",
            list.to_str().unwrap(),
            "--uncovered",
            unc.to_str().unwrap(),
        ],
    )
}

/// `--uncovered`: a changed class that a selected test reaches is covered; a new class no
/// test reaches is written (name and path), so the templates fall back to RunLocalTests
/// naming it; a changed test class is never "uncovered".
#[test]
fn uncovered_names_the_changed_classes_no_selected_test_reaches() {
    let dir = repo();
    let classes = dir.path().join("integrations/main/default/classes");
    let f = classes.join("ExternalSyncService.cls");
    let src = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{src}\n")).unwrap();
    std::fs::write(
        classes.join("OrphanFormatter.cls"),
        "public with sharing class OrphanFormatter {\n    public static String fmt(String s) { return s == null ? '' : s.trim(); }\n}\n",
    )
    .unwrap();
    // Types without executable code have no lines to cover (apex-recipes' CsvData): a class
    // of plain fields, an interface, an enum — never "uncovered".
    for (name, body) in [
        (
            "SyncPayload",
            "public class SyncPayload {\n    public String id;\n    public Decimal amount;\n}\n",
        ),
        (
            "ISyncTarget",
            "public interface ISyncTarget {\n    void push(SyncPayload p);\n}\n",
        ),
        ("SyncMode", "public enum SyncMode { FULL, DELTA }\n"),
    ] {
        std::fs::write(classes.join(format!("{name}.cls")), body).unwrap();
    }
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &[
            "commit",
            "-q",
            "-m",
            "touch the sync service, add an untested class",
        ],
    );
    let list = dir.path().join("out/tests.txt");
    let unc = dir.path().join("out/uncovered.tsv");
    let out = select_and_uncovered(dir.path(), &list, &unc);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tests = std::fs::read_to_string(&list).unwrap();
    assert!(tests.lines().any(|t| t == "AccountSyncTest"), "{tests}");
    assert_eq!(
        std::fs::read_to_string(&unc).unwrap(),
        "OrphanFormatter\tintegrations/main/default/classes/OrphanFormatter.cls\n"
    );

    // Once a test reaches it, nothing is uncovered (the file is written, empty).
    std::fs::write(
        classes.join("OrphanFormatterTest.cls"),
        "@IsTest\nprivate class OrphanFormatterTest {\n    @IsTest\n    static void trims() {\n        System.assertEquals('a', OrphanFormatter.fmt(' a '));\n    }\n}\n",
    )
    .unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "test it"]);
    let out = select_and_uncovered(dir.path(), &list, &unc);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&unc).unwrap(), "");
    let tests = std::fs::read_to_string(&list).unwrap();
    assert!(tests.lines().any(|t| t == "OrphanFormatterTest"), "{tests}");

    // --uncovered without --select-tests is a usage error.
    let out = run(dir.path(), &["--base", "main", "--uncovered", "u.tsv"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A platform-event trigger is covered by the tests that publish its event
/// (`EventBus.publish` fires after-insert triggers, as apex-recipes' PlatformEventRecipes
/// tests do): changing the trigger selects them and leaves nothing uncovered.
#[test]
fn publishing_a_platform_event_reaches_its_trigger() {
    let trigger = |body: &str| {
        format!("trigger SyncEventTrigger on Sync_Event__e (after insert) {{\n    System.debug({body});\n}}\n")
    };
    let (tests, uncovered) = selection_of_a_change(
        &[
            (
                "integrations/main/default/triggers/SyncEventTrigger.trigger",
                &trigger("Trigger.new.size()"),
            ),
            (
                "integrations/main/default/classes/SyncEventTest.cls",
                "@IsTest\nprivate class SyncEventTest {\n    @IsTest\n    static void publishes() {\n        Test.startTest();\n        Database.SaveResult r = EventBus.publish(new Sync_Event__e(Payload__c = 'x'));\n        Test.stopTest();\n        System.assert(r.isSuccess());\n    }\n}\n",
            ),
        ],
        (
            "integrations/main/default/triggers/SyncEventTrigger.trigger",
            &trigger("'events: ' + Trigger.new.size()"),
        ),
    );
    assert_eq!(tests, "SyncEventTest\n");
    assert_eq!(uncovered, "");
}

/// A `Cache.CacheBuilder` runs when a test reads its partition with the class
/// (`Cache.Org.get(X.class, key)`, `partition.get(X.class, key)`: the platform calls
/// X.doLoad on a miss, as in apex-recipes' PlatformCacheBuilderRecipes tests).
#[test]
fn a_cache_builder_is_reached_through_the_partition_get() {
    let builder = |extra: &str| {
        format!("public class RateCache implements Cache.CacheBuilder {{\n    public Object doLoad(String key) {{\n        return key.length(){extra};\n    }}\n}}\n")
    };
    let (tests, uncovered) = selection_of_a_change(
        &[
            ("integrations/main/default/classes/RateCache.cls", &builder("")),
            (
                "integrations/main/default/classes/RateCacheTest.cls",
                "@IsTest\nprivate class RateCacheTest {\n    static Cache.OrgPartition part = Cache.Org.getPartition('local.Rates');\n    @IsTest\n    static void loads() {\n        System.assertEquals(3, part.get(RateCache.class, 'eur'));\n    }\n}\n",
            ),
        ],
        ("integrations/main/default/classes/RateCache.cls", &builder(" + 0")),
    );
    assert_eq!(tests, "RateCacheTest\n");
    assert_eq!(uncovered, "");
}

/// The fixture with `files` added on `main`, then one commit that rewrites `changed`: the
/// selected tests and the uncovered classes of that change (`--select-tests`, `--uncovered`;
/// the run must pass).
fn selection_of_a_change(files: &[(&str, &str)], changed: (&str, &str)) -> (String, String) {
    let dir = repo();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    for (rel, text) in files {
        write(rel, text);
    }
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &["commit", "-q", "-m", "the base of the change"],
    );
    git(dir.path(), &["branch", "-q", "-f", "main"]);
    write(changed.0, changed.1);
    git(dir.path(), &["commit", "-q", "-am", "the change"]);
    let list = dir.path().join("out/tests.txt");
    let unc = dir.path().join("out/uncovered.tsv");
    let out = select_and_uncovered(dir.path(), &list, &unc);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        std::fs::read_to_string(&list).unwrap(),
        std::fs::read_to_string(&unc).unwrap(),
    )
}

#[test]
fn graph_formats_and_usage_errors() {
    let dir = repo();
    for (ext, needle) in [
        ("mmd", "t_sales -->|"),
        ("dot", "\"sales\" -> \"integrations\""),
        ("json", "\"references\""),
    ] {
        let path = dir.path().join(format!("g.{ext}"));
        let out = run(dir.path(), &["--all", "--graph", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(needle), "{ext}: {text}");
    }
    let out = run(dir.path(), &["--all", "--graph", "g.png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("g.png"));
    let out = run(dir.path(), &["--select-tests", "t.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(dir.path(), &["--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
}

#[test]
fn shallow_clones_say_so() {
    let dir = repo();
    std::fs::write(
        dir.path()
            .join("sales/main/default/classes/AccountFacade.cls"),
        "public class AccountFacade {}\n",
    )
    .unwrap();
    git(dir.path(), &["commit", "-q", "-am", "change"]);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let st = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "feature", &url])
        .arg(clone.path().join("c"))
        .output()
        .unwrap();
    assert!(st.status.success());
    let c = clone.path().join("c");
    git(&c, &["fetch", "-q", "--depth", "1", "origin", "main:main"]);
    let out = run(&c, &["--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shallow"), "{err}");
}

/// (from kind, from, to kind, to).
type PairKey = (String, String, String, String);
/// (file, line, column, from team, to team).
type Occurrence = (String, u64, u64, String, String);

/// Every cross-team reference of the fixture (`EXPECTED-deps.tsv`): each
/// (from, to) pair is one warning, at one of its occurrences, with the count.
#[test]
fn inventory_matches_expected_deps_tsv() {
    use std::collections::BTreeMap;
    let tsv = std::fs::read_to_string(fixture("enterprise-monorepo/EXPECTED-deps.tsv")).unwrap();
    let mut want: BTreeMap<PairKey, Vec<Occurrence>> = BTreeMap::new();
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("from_kind"))
    {
        let c: Vec<&str> = line.split('\t').collect();
        want.entry((c[0].into(), c[1].into(), c[3].into(), c[4].into()))
            .or_default()
            .push((
                c[6].into(),
                c[7].parse().unwrap(),
                c[8].parse().unwrap(),
                c[2].into(),
                c[5].into(),
            ));
    }
    let dir = repo();
    let out = run(dir.path(), &["--all", "--json", "-"]);
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    let cross = findings(&v, "cross-team-dependency");
    let mut got = BTreeMap::new();
    for f in &cross {
        let k = (
            f["from_kind"].as_str().unwrap().to_string(),
            f["from"].as_str().unwrap().to_string(),
            f["to_kind"].as_str().unwrap().to_string(),
            f["to"].as_str().unwrap().to_string(),
        );
        got.insert(k, f.clone());
    }
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    for (k, occ) in &want {
        let f = &got[k];
        let at = (
            f["file"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap(),
            f["column"].as_u64().unwrap(),
        );
        assert!(
            occ.iter().any(|o| (o.0.clone(), o.1, o.2) == at),
            "{k:?} reported at {at:?}, expected one of {occ:?}"
        );
        assert_eq!(
            f["references"].as_u64().unwrap() as usize,
            occ.len(),
            "{k:?}"
        );
        assert_eq!(f["from_team"], occ[0].3.as_str(), "{k:?}");
        assert_eq!(f["to_team"], occ[0].4.as_str(), "{k:?}");
    }
    // Nothing from the forceignored experimental folder, the Jest tests or scripts.
    assert!(cross.iter().all(|f| {
        let file = f["file"].as_str().unwrap();
        !file.contains("experimental")
            && !file.contains("__tests__")
            && !file.starts_with("scripts/")
    }));
}

#[test]
fn deleted_page_extension_is_one_broken_reference() {
    let dir = repo();
    git(
        dir.path(),
        &[
            "rm",
            "-q",
            &format!("{BILLING}/InvoiceStatementExtension.cls"),
            &format!("{BILLING}/InvoiceStatementExtension.cls-meta.xml"),
        ],
    );
    git(dir.path(), &["commit", "-q", "-m", "delete"]);
    let out = run(dir.path(), &["--base", "main", "--json", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let broken = findings(&v, "broken-reference");
    assert_eq!(broken.len(), 1, "{v:#}");
    assert_eq!(
        broken[0]["file"],
        "sales/main/default/pages/AccountStatement.page"
    );
    assert_eq!(
        (broken[0]["line"].as_u64(), broken[0]["column"].as_u64()),
        (Some(1), Some(79))
    );
    assert_eq!(broken[0]["from"], "AccountStatement");
    assert_eq!(broken[0]["to_kind"], "ApexClass");
}

#[test]
fn renamed_lwc_leaves_broken_references_then_new_edges() {
    let dir = repo();
    let p = dir.path();
    let lwc = "billing/main/default/lwc";
    git(
        p,
        &[
            "mv",
            &format!("{lwc}/invoiceStatusBadge"),
            &format!("{lwc}/invoiceStatusPill"),
        ],
    );
    for f in std::fs::read_dir(p.join(lwc).join("invoiceStatusPill")).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        if name.starts_with("invoiceStatusBadge") {
            let new = name.replace("Badge", "Pill");
            git(
                p,
                &[
                    "mv",
                    &format!("{lwc}/invoiceStatusPill/{name}"),
                    &format!("{lwc}/invoiceStatusPill/{new}"),
                ],
            );
        }
    }
    git(p, &["commit", "-q", "-m", "rename"]);
    let out = run(p, &["--base", "main", "--json", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let mut broken: Vec<(String, u64, u64)> = findings(&v, "broken-reference")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    broken.sort();
    assert_eq!(
        broken,
        vec![
            (
                "sales/main/default/lwc/accountInvoices/accountInvoices.html".to_string(),
                12,
                22
            ),
            (
                "service/main/default/aura/invoiceHistoryPanel/invoiceHistoryPanel.cmp".to_string(),
                14,
                18
            ),
        ]
    );
    // Updating the users makes the references new edges into a new component (and
    // the renamed component's own dependencies are those of a new component).
    for (file, from, to) in [
        (
            "sales/main/default/lwc/accountInvoices/accountInvoices.html",
            "c-invoice-status-badge",
            "c-invoice-status-pill",
        ),
        (
            "service/main/default/aura/invoiceHistoryPanel/invoiceHistoryPanel.cmp",
            "c:invoiceStatusBadge",
            "c:invoiceStatusPill",
        ),
    ] {
        let path = p.join(file);
        let text = std::fs::read_to_string(&path).unwrap().replace(from, to);
        std::fs::write(&path, text).unwrap();
    }
    git(p, &["commit", "-q", "-am", "use the new name"]);
    let out = run(p, &["--base", "main", "--json", "-"]);
    let v = stdout_json(&out);
    assert!(findings(&v, "broken-reference").is_empty(), "{v:#}");
    let mut cross: Vec<(String, String)> = findings(&v, "cross-team-dependency")
        .iter()
        .map(|f| {
            (
                f["from"].as_str().unwrap().to_string(),
                f["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    cross.sort();
    assert_eq!(
        cross,
        vec![
            (
                "accountInvoices".to_string(),
                "invoiceStatusPill".to_string()
            ),
            (
                "invoiceHistoryPanel".to_string(),
                "invoiceStatusPill".to_string()
            ),
            ("invoiceStatusPill".to_string(), "acmeFormat".to_string()),
        ]
    );
}

#[test]
fn configured_team_paths_and_broken_xml() {
    let dir = repo();
    // Billing's LWC folder belongs to a "finance-ui" team; everything else keeps its
    // package-directory team.
    std::fs::write(
        dir.path().join(".sfci.yml"),
        "deps:\n  teams:\n    finance-ui:\n      paths: ['billing/main/default/lwc/**']\n      owners: ['@acme/finance-ui']\n",
    )
    .unwrap();
    let flow = dir
        .path()
        .join("sales/main/default/flows/Broken_Flow.flow-meta.xml");
    std::fs::write(
        &flow,
        "<?xml version=\"1.0\"?>\n<Flow>\n  <actionCalls>\n</Flow>\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--all", "--json", "-"]);
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    let cross = findings(&v, "cross-team-dependency");
    let badge = cross
        .iter()
        .find(|f| f["from"] == "accountInvoices" && f["to"] == "invoiceStatusBadge")
        .expect("sales LWC → billing LWC");
    assert_eq!(badge["to_team"], "finance-ui");
    assert_eq!(badge["to_owners"], serde_json::json!(["@acme/finance-ui"]));
    assert!(badge["message"]
        .as_str()
        .unwrap()
        .contains("@acme/finance-ui"));
    let pe = findings(&v, "parse-error");
    assert_eq!(pe.len(), 1, "{pe:#?}");
    assert_eq!(
        pe[0]["file"],
        "sales/main/default/flows/Broken_Flow.flow-meta.xml"
    );
    assert_eq!(pe[0]["severity"], "warning");
    assert!(pe[0]["line"].as_u64().unwrap() >= 2);
}

#[test]
fn reports_parse_back() {
    let dir = repo();
    let reports = tempfile::tempdir().unwrap();
    let junit = reports.path().join("deps.xml");
    let sarif = reports.path().join("deps.sarif");
    let out = run(
        dir.path(),
        &[
            "--all",
            "--junit",
            junit.to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    let suites: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert!(suites.contains(&"cross-team-dependency"));
    // Warnings (the inventory) do not fail test cases.
    assert!(!doc.descendants().any(|n| n.has_tag_name("failure")));
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("schemas/sarif-2.1.0.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let r0 = &log["runs"][0]["results"][0];
    assert!(r0["properties"]["from_team"].is_string(), "{r0:#}");
}

#[test]
fn an_owner_approval_passes_a_new_edge() {
    use fake::{FakeResponse, FakeServer};
    let dir = repo();
    std::fs::write(
        dir.path().join(".sfci.yml"),
        "deps:\n  teams:\n    billing:\n      owners: ['@acme/billing']\n",
    )
    .unwrap();
    let f = dir.path().join(SALES).join("AccountFacade.cls");
    let src = std::fs::read_to_string(&f).unwrap().replacen(
        "public static void run(Set<Id> accountIds) {",
        "public static void run(Set<Id> accountIds) {\n        InvoiceExportService.exportToSap(null);",
        1,
    );
    std::fs::write(&f, src).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "sales uses billing"]);
    let serve = |reviewer: &str| {
        let server = FakeServer::start();
        server.route(
            "GET",
            "/repos/acme/repo/pulls/3/reviews",
            vec![FakeResponse::json(200, serde_json::json!([
                {"id": 1, "user": {"login": reviewer}, "state": "APPROVED", "submitted_at": "2026-11-20T10:00:00Z"}
            ]))],
        );
        server.route(
            "GET",
            "/orgs/acme/teams/billing/members",
            vec![FakeResponse::json(
                200,
                serde_json::json!([{"login": "bea"}]),
            )],
        );
        server
    };
    for (reviewer, code) in [("bea", 0), ("someone", 1)] {
        let server = serve(reviewer);
        let url = server.url();
        let mut cmd = command(BIN, dir.path());
        cmd.env("GITHUB_TOKEN", "ghp_secret_for_test").args([
            "--base",
            "main",
            "--approvals",
            "--forge",
            "github",
            "--change",
            "3",
            "--api-url",
            &url,
            "--repo",
            "acme/repo",
            "--json",
            "-",
        ]);
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{reviewer}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = stdout_json(&out);
        assert_eq!(
            v["summary"]["approved_edges"],
            if code == 0 { 1 } else { 0 }
        );
    }
}

#[test]
fn moving_a_component_to_another_team_makes_its_edges_new() {
    let dir = repo();
    let p = dir.path();
    for f in ["InvoiceService.cls", "InvoiceService.cls-meta.xml"] {
        git(
            p,
            &["mv", &format!("{BILLING}/{f}"), &format!("{SALES}/{f}")],
        );
    }
    git(
        p,
        &["commit", "-q", "-m", "sales takes over InvoiceService"],
    );
    let out = run(p, &["--base", "main", "--json", "-"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let cross = findings(&v, "cross-team-dependency");
    // Its references into billing and billing's references to it are now cross-team.
    assert!(
        cross
            .iter()
            .any(|f| f["from"] == "InvoiceService" && f["to_team"] == "billing"),
        "{v:#}"
    );
    assert!(
        cross
            .iter()
            .any(|f| f["to"] == "InvoiceService" && f["to_team"] == "sales"),
        "{v:#}"
    );
    assert!(
        findings(&v, "broken-reference").is_empty(),
        "a move breaks nothing"
    );
}
