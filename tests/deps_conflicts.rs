//! `validate-deps --conflicts` end to end: real git repositories built from the fixture with
//! one branch per open change, and the open changes listed by the fake GitLab and GitHub.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{command, copy_dir, fixture, stdout_json};

// The forge tests' scripted HTTP server (loopback only).
#[allow(dead_code, unused_imports)]
#[path = "../src/forge/fake.rs"]
mod fake;
#[allow(unused_imports)]
use sfci::forge::{ForgeError, HttpConfig};

const BIN: &str = env!("CARGO_BIN_EXE_validate-deps");
const SALES: &str = "sales/main/default";
const BILLING: &str = "billing/main/default";
const SERVICE: &str = "service/main/default";
const PROFILE: &str = "sales/main/default/profiles/Sales Representative.profile-meta.xml";

/// git with a fixed identity and commit date (`when`, seconds since the epoch), so which
/// change was opened first is known.
fn git_at(dir: &Path, when: i64, args: &[&str]) -> String {
    let date = format!("@{when} +0000");
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn git(dir: &Path, args: &[&str]) -> String {
    git_at(dir, 1_700_000_000, args)
}

/// The fixture as a git repository on `main`, with a `.sfci.yml` naming team owners.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("enterprise-monorepo"), dir.path());
    std::fs::write(
        dir.path().join(".sfci.yml"),
        "deps:\n  teams:\n    billing:\n      owners: ['@acme/billing']\n    sales:\n      owners: ['@acme/sales', '@sam']\n",
    )
    .unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    dir
}

fn edit(dir: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    let new = f(text.clone());
    assert_ne!(new, text, "{rel} must change");
    std::fs::write(p, new).unwrap();
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A branch from `main` with `work` done and committed at `when`.
fn branch(dir: &Path, name: &str, when: i64, work: impl FnOnce(&Path)) -> String {
    git(dir, &["checkout", "-q", "-b", name, "main"]);
    work(dir);
    git(dir, &["add", "-A"]);
    git_at(dir, when, &["commit", "-q", "-m", name]);
    let head = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["checkout", "-q", "main"]);
    head
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command(BIN, dir)
        .args(args)
        .output()
        .expect("run validate-deps")
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

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `validate-deps --conflicts --from-forge` against the fake GitLab at `api` (project
/// `acme/repo`, a token in GITLAB_TOKEN), with `extra` arguments.
fn from_gitlab(dir: &Path, api: &str, extra: &[&str]) -> Output {
    command(BIN, dir)
        .env("GITLAB_TOKEN", "glpat-secret-for-test")
        .args([
            "--conflicts",
            "--target",
            "main",
            "--from-forge",
            "--forge",
            "gitlab",
        ])
        .args(["--api-url", api, "--repo", "acme/repo"])
        .args(extra)
        .output()
        .unwrap()
}

/// Sales (opened first) and billing (opened later) both edit `InvoiceService` in different
/// methods and the same line of the Sales Representative profile.
fn class_and_profile_branches(dir: &Path) -> (String, String) {
    let sales = branch(dir, "sales/rounding", 1_700_000_100, |d| {
        edit(d, &format!("{BILLING}/classes/InvoiceService.cls"), |s| {
            s.replacen(
                "public static Decimal openBalance(Id accountId) {",
                "public static Decimal openBalance(Id accountId) {\n        // sales: rounding",
                1,
            )
        });
        edit(d, &format!("{SALES}/classes/AccountFacade.cls"), |s| {
            s + "// sales\n"
        });
        edit(d, &format!("{SALES}/classes/AccountsSelector.cls"), |s| {
            s + "// sales\n"
        });
        edit(d, PROFILE, |s| {
            s.replacen(
                "<apexClass>AccountFacade</apexClass>\n        <enabled>true</enabled>",
                "<apexClass>AccountFacade</apexClass>\n        <enabled>false</enabled>",
                1,
            )
        });
    });
    let billing = branch(dir, "billing/cache", 1_700_000_200, |d| {
        edit(d, &format!("{BILLING}/classes/InvoiceService.cls"), |s| {
            s.replacen(
                "public static List<InvoiceSummary> summariesFor(Id accountId) {",
                "public static List<InvoiceSummary> summariesFor(Id accountId) {\n        // billing: cache",
                1,
            )
        });
        edit(d, &format!("{BILLING}/classes/Invoices.cls"), |s| {
            s + "// billing\n"
        });
        edit(d, PROFILE, |s| {
            s.replacen(
                "<apexClass>AccountFacade</apexClass>\n        <enabled>true</enabled>",
                "<apexClass>AccountFacade</apexClass>\n        <enabled>true</enabled><!-- billing -->",
                1,
            )
        });
    });
    (sales, billing)
}

#[test]
fn one_class_and_the_same_profile_lines_conflict_and_fail_the_later_change() {
    let dir = repo();
    let p = dir.path();
    class_and_profile_branches(p);
    let out = run(
        p,
        &[
            "--conflicts",
            "--target",
            "main",
            "--branches",
            "sales/rounding",
            "billing/cache",
            "--json",
            "-",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v = stdout_json(&out);

    // The class both change: an error for billing (opened later), a warning for sales.
    let class = findings(&v, "open-change-conflict");
    assert_eq!(class.len(), 2, "{v:#}");
    for f in &class {
        assert_eq!(f["subject"], "ApexClass InvoiceService");
        assert_eq!(f["file"], format!("{BILLING}/classes/InvoiceService.cls"));
    }
    let later = class
        .iter()
        .find(|f| f["change"] == "billing/cache")
        .unwrap();
    assert_eq!(later["severity"], "error");
    assert_eq!(later["team"], "billing");
    assert_eq!(later["others"][0]["change"], "sales/rounding");
    assert_eq!(later["others"][0]["team"], "sales");
    assert_eq!(
        later["others"][0]["owners"],
        serde_json::json!(["@acme/sales", "@sam"])
    );
    assert!(
        later["message"].as_str().unwrap().contains("@acme/sales"),
        "{later:#}"
    );
    let earlier = class
        .iter()
        .find(|f| f["change"] == "sales/rounding")
        .unwrap();
    assert_eq!(earlier["severity"], "warning");
    assert_eq!(
        earlier["others"][0]["owners"],
        serde_json::json!(["@acme/billing"])
    );

    // The profile's same lines: a text conflict, not an advisory.
    let text = findings(&v, "open-change-text-conflict");
    assert_eq!(text.len(), 2, "{v:#}");
    assert!(text.iter().all(|f| f["file"] == PROFILE));
    assert_eq!(
        text.iter()
            .find(|f| f["change"] == "billing/cache")
            .unwrap()["severity"],
        "error"
    );
    assert!(
        findings(&v, "open-change-shared-profile").is_empty(),
        "{v:#}"
    );
    // The class's different methods merge cleanly: no text conflict there.
    assert!(text
        .iter()
        .all(|f| f["file"] != format!("{BILLING}/classes/InvoiceService.cls")));
    assert_eq!(v["summary"]["merge_tree_runs"], 1);

    // --fail-on: both, or neither.
    let all = run(
        p,
        &[
            "--conflicts",
            "--branches",
            "sales/rounding",
            "billing/cache",
            "--fail-on",
            "all",
            "--json",
            "-",
        ],
    );
    assert_eq!(code(&all), 1);
    let v = stdout_json(&all);
    assert!(findings(&v, "open-change-conflict")
        .iter()
        .all(|f| f["severity"] == "error"));
    let none = run(
        p,
        &[
            "--conflicts",
            "--branches",
            "sales/rounding",
            "billing/cache",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&none), 0, "{}", stderr(&none));
}

#[test]
fn different_fields_of_one_object_and_distant_profile_edits_do_not_conflict() {
    let dir = repo();
    let p = dir.path();
    let field = |name: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CustomField xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <fullName>{name}</fullName>\n    <label>{name}</label>\n    <type>Checkbox</type>\n    <defaultValue>false</defaultValue>\n</CustomField>\n"
        )
    };
    branch(p, "sales/region", 1_700_000_100, |d| {
        write(
            d,
            &format!("{SALES}/objects/Invoice__c/fields/Sales_Region__c.field-meta.xml"),
            &field("Sales_Region__c"),
        );
        edit(d, PROFILE, |s| {
            s.replacen(
                "<apexClass>AccountFacade</apexClass>",
                "<apexClass>AccountFacade</apexClass><!-- sales -->",
                1,
            )
        });
    });
    branch(p, "service/tier", 1_700_000_200, |d| {
        write(
            d,
            &format!("{SERVICE}/objects/Invoice__c/fields/Service_Tier__c.field-meta.xml"),
            &field("Service_Tier__c"),
        );
        write(
            d,
            &format!("{SERVICE}/classes/TierService.cls"),
            "public class TierService {}\n",
        );
        edit(d, PROFILE, |s| {
            s.replacen("</Profile>", "    <!-- service -->\n</Profile>", 1)
        });
    });
    let out = run(
        p,
        &[
            "--conflicts",
            "--branches",
            "sales/region",
            "service/tier",
            "--json",
            "-",
            "--junit",
            "conflicts.xml",
            "--sarif",
            "conflicts.sarif",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = stdout_json(&out);
    assert!(findings(&v, "open-change-conflict").is_empty(), "{v:#}");
    assert!(
        findings(&v, "open-change-text-conflict").is_empty(),
        "{v:#}"
    );
    // The shared profile is advisory: a warning on each side.
    let shared = findings(&v, "open-change-shared-profile");
    assert_eq!(shared.len(), 2, "{v:#}");
    assert!(shared
        .iter()
        .all(|f| f["severity"] == "warning" && f["file"] == PROFILE));
    // The distant profile edits needed no merge.
    assert_eq!(v["summary"]["merge_tree_runs"], 0);
    let junit = std::fs::read_to_string(p.join("conflicts.xml")).unwrap();
    assert!(junit.contains("open-change-conflict"), "{junit}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("conflicts.sarif")).unwrap()).unwrap();
    assert!(sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "open-change-shared-profile"));
}

#[test]
fn deleting_a_class_another_team_now_references() {
    let dir = repo();
    let p = dir.path();
    branch(p, "billing/drop-export", 1_700_000_100, |d| {
        for f in [
            "InvoiceExportService.cls",
            "InvoiceExportService.cls-meta.xml",
        ] {
            std::fs::remove_file(d.join(format!("{BILLING}/classes/{f}"))).unwrap();
        }
    });
    branch(p, "sales/export", 1_700_000_200, |d| {
        edit(d, &format!("{SALES}/classes/AccountFacade.cls"), |s| {
            s.replacen(
                "public static void run(Set<Id> accountIds) {",
                "public static void run(Set<Id> accountIds) {\n        InvoiceExportService.exportToSap(null);",
                1,
            )
        });
    });
    let out = run(
        p,
        &[
            "--conflicts",
            "--branches",
            "billing/drop-export",
            "sales/export",
            "--json",
            "-",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v = stdout_json(&out);
    let broken = findings(&v, "open-change-breaks-reference");
    assert_eq!(broken.len(), 2, "{v:#}");
    let refs = broken
        .iter()
        .find(|f| f["change"] == "sales/export")
        .unwrap();
    assert_eq!(refs["file"], format!("{SALES}/classes/AccountFacade.cls"));
    assert!(refs["line"].as_u64().unwrap() > 1);
    assert_eq!(refs["severity"], "error", "sales opened later");
    assert_eq!(refs["subject"], "ApexClass InvoiceExportService");
    let del = broken
        .iter()
        .find(|f| f["change"] == "billing/drop-export")
        .unwrap();
    assert_eq!(
        del["file"],
        format!("{BILLING}/classes/InvoiceExportService.cls")
    );
    assert_eq!(del["severity"], "warning");
    assert!(
        del["message"]
            .as_str()
            .unwrap()
            .contains("AccountFacade.cls"),
        "{del:#}"
    );
    // Annotations name the rule.
    let gh = run(
        p,
        &[
            "--conflicts",
            "--branches",
            "billing/drop-export",
            "sales/export",
            "--format",
            "github",
        ],
    );
    assert!(String::from_utf8_lossy(&gh.stdout)
        .contains("::error file=sales/main/default/classes/AccountFacade.cls"));
}

#[test]
fn changes_of_one_team_and_usage_errors() {
    let dir = repo();
    let p = dir.path();
    for (name, when) in [("billing/a", 1_700_000_100), ("billing/b", 1_700_000_200)] {
        branch(p, name, when, |d| {
            edit(d, &format!("{BILLING}/classes/Invoices.cls"), |s| {
                s + &format!("// {name}\n")
            });
        });
    }
    let out = run(
        p,
        &[
            "--conflicts",
            "--branches",
            "billing/a",
            "billing/b",
            "--json",
            "-",
        ],
    );
    assert_eq!(
        code(&out),
        0,
        "one team's changes are not compared: {}",
        stderr(&out)
    );
    assert!(stdout_json(&out)["findings"].as_array().unwrap().is_empty());

    let missing = run(p, &["--conflicts", "--branches", "billing/a", "nope"]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("nope"), "{}", stderr(&missing));
    let no_changes = run(p, &["--conflicts"]);
    assert_eq!(code(&no_changes), 2);
    assert!(
        stderr(&no_changes).contains("--branches"),
        "{}",
        stderr(&no_changes)
    );
    let bad_target = run(
        p,
        &[
            "--conflicts",
            "--target",
            "release",
            "--branches",
            "billing/a",
        ],
    );
    assert_eq!(code(&bad_target), 2);
    assert!(
        stderr(&bad_target).contains("--target release"),
        "{}",
        stderr(&bad_target)
    );
    let with_base = run(
        p,
        &["--conflicts", "--base", "main", "--branches", "billing/a"],
    );
    assert_eq!(code(&with_base), 2);
}

#[test]
fn from_gitlab_with_a_note_on_each_merge_request() {
    use fake::{FakeResponse, FakeServer};
    let dir = repo();
    let p = dir.path();
    let (sales, billing) = class_and_profile_branches(p);
    // The forge's heads are fetched as refs/merge-requests/N/head; the branches are not needed.
    git(p, &["update-ref", "refs/merge-requests/4/head", &sales]);
    git(p, &["update-ref", "refs/merge-requests/9/head", &billing]);
    git(p, &["branch", "-D", "sales/rounding", "billing/cache"]);
    let server = FakeServer::start();
    let project = "/api/v4/projects/acme%2Frepo";
    let mr = |iid: u64, branch: &str, sha: &str, created: &str| {
        serde_json::json!({
            "iid": iid, "source_branch": branch, "target_branch": "main", "state": "opened",
            // A sha the clone does not have: the MR ref is used.
            "sha": if iid == 4 { "0".repeat(40) } else { sha.to_string() },
            "created_at": created, "author": {"id": iid, "username": format!("u{iid}")},
            "web_url": format!("https://gitlab.example.com/acme/repo/-/merge_requests/{iid}")
        })
    };
    server.route(
        "GET",
        &format!("{project}/merge_requests"),
        vec![FakeResponse::json(
            200,
            serde_json::json!([
                mr(4, "sales/rounding", &sales, "2026-11-20T10:00:00.000Z"),
                mr(9, "billing/cache", &billing, "2026-11-21T09:00:00.000Z"),
            ]),
        )],
    );
    for iid in [4, 9] {
        let notes = format!("{project}/merge_requests/{iid}/notes");
        server.route(
            "GET",
            &notes,
            vec![FakeResponse::json(200, serde_json::json!([]))],
        );
        server.route(
            "POST",
            &notes,
            vec![FakeResponse::json(
                201,
                serde_json::json!({"id": 100 + iid}),
            )],
        );
    }
    let url = format!("{}/api/v4", server.url());
    let out = from_gitlab(p, &url, &["--comment", "--json", "-"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("glpat-secret-for-test"));
    assert!(err.contains("note on merge request !4 posted"), "{err}");
    assert!(err.contains("note on merge request !9 posted"), "{err}");
    let v = stdout_json(&out);
    let later = findings(&v, "open-change-conflict")
        .into_iter()
        .find(|f| f["change"] == "!9")
        .unwrap();
    assert_eq!(later["severity"], "error", "!9 was opened later");
    assert_eq!(later["others"][0]["change"], "!4");
    assert_eq!(
        later["others"][0]["url"],
        "https://gitlab.example.com/acme/repo/-/merge_requests/4"
    );
    let posted: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posted.len(), 2);
    let body9: Value = serde_json::from_str(
        &posted
            .iter()
            .find(|r| r.path().contains("/9/"))
            .unwrap()
            .body,
    )
    .unwrap();
    let body9 = body9["body"].as_str().unwrap();
    assert!(
        body9.contains("<!-- sfci:validate-deps:conflicts -->"),
        "{body9}"
    );
    assert!(body9.contains("ApexClass InvoiceService"), "{body9}");
    assert!(body9.contains("`@acme/sales`"), "{body9}");
    assert!(body9.contains("| sales |"), "{body9}");
    assert!(body9.contains("text conflict"), "{body9}");
    let body4: Value = serde_json::from_str(
        &posted
            .iter()
            .find(|r| r.path().contains("/4/"))
            .unwrap()
            .body,
    )
    .unwrap();
    assert!(body4["body"].as_str().unwrap().contains("`@acme/billing`"));

    // A forge that fails to take the notes leaves the verdict alone.
    let down = FakeServer::start();
    down.route(
        "GET",
        &format!("{project}/merge_requests"),
        vec![FakeResponse::json(
            200,
            serde_json::json!([
                mr(4, "sales/rounding", &sales, "2026-11-20T10:00:00.000Z"),
                mr(9, "billing/cache", &billing, "2026-11-21T09:00:00.000Z")
            ]),
        )],
    );
    let url = format!("{}/api/v4", down.url());
    let out = command(BIN, p)
        .env("GITLAB_TOKEN", "glpat-secret-for-test")
        .args([
            "--conflicts",
            "--from-forge",
            "--comment",
            "--forge",
            "gitlab",
            "--api-url",
            &url,
            "--repo",
            "acme/repo",
            "--retries",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: no comment posted"),
        "{}",
        stderr(&out)
    );

    // --change N: only that merge request's pairs and findings.
    let url = format!("{}/api/v4", server.url());
    let only = command(BIN, p)
        .env("GITLAB_TOKEN", "glpat-secret-for-test")
        .args([
            "--conflicts",
            "--from-forge",
            "--forge",
            "gitlab",
            "--api-url",
            &url,
            "--repo",
            "acme/repo",
            "--change",
            "4",
            "--json",
            "-",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&only), 0, "!4 was opened first: {}", stderr(&only));
    let v = stdout_json(&only);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["change"] == "!4"),
        "{v:#}"
    );
}

#[test]
fn from_github_missing_heads_say_what_to_fetch() {
    use fake::{FakeResponse, FakeServer};
    let dir = repo();
    let p = dir.path();
    let (sales, billing) = class_and_profile_branches(p);
    git(p, &["update-ref", "refs/pull/3/head", &sales]);
    let server = FakeServer::start();
    let pull = |n: u64, branch: &str, sha: &str, created: &str| {
        serde_json::json!({
            "number": n, "state": "open", "created_at": created, "user": {"login": format!("u{n}")},
            "html_url": format!("https://github.com/acme/repo/pull/{n}"),
            "head": {"ref": branch, "sha": sha}, "base": {"ref": "main", "sha": "x"}
        })
    };
    server.route(
        "GET",
        "/repos/acme/repo/pulls",
        vec![FakeResponse::json(
            200,
            serde_json::json!([
                pull(3, "sales/rounding", &sales, "2026-11-20T10:00:00Z"),
                pull(8, "billing/cache", &billing, "2026-11-21T09:00:00Z"),
                pull(11, "service/gone", &"f".repeat(40), "2026-11-22T09:00:00Z"),
            ]),
        )],
    );
    let url = server.url();
    let gh = |extra: &[&str]| {
        command(BIN, p)
            .env("GITHUB_TOKEN", "ghp_secret_for_test")
            .args([
                "--conflicts",
                "--from-forge",
                "--forge",
                "github",
                "--api-url",
                &url,
                "--repo",
                "acme/repo",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = gh(&["--json", "-"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("#11") && err.contains("refs/pull/*/head"),
        "{err}"
    );
    assert!(!err.contains("ghp_secret_for_test"));

    // With #11's head fetched (as refs/pull/11/head), the run completes.
    git(p, &["update-ref", "refs/pull/11/head", &sales]);
    let out = gh(&["--json", "-"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v = stdout_json(&out);
    let later = findings(&v, "open-change-conflict")
        .into_iter()
        .find(|f| f["change"] == "#8")
        .unwrap();
    assert_eq!(later["severity"], "error");
}

/// The nightly integration build: three teams' branches merged in the order they were opened
/// onto the target; billing's, which git cannot merge after sales' (the same profile lines),
/// is left out and reported, the others are in the branch, the working tree is untouched, and
/// the release channel hears which teams collide.
#[test]
fn integrate_merges_what_merges_and_leaves_out_the_conflicting_change() {
    use fake::{FakeResponse, FakeServer};
    let dir = repo();
    let p = dir.path();
    let (sales, billing) = class_and_profile_branches(p);
    let service = branch(p, "service/tier", 1_700_000_300, |d| {
        write(
            d,
            &format!("{SERVICE}/classes/TierService.cls"),
            "public class TierService {}\n",
        );
    });
    let main_before = git(p, &["rev-parse", "main"]);
    let server = FakeServer::start();
    server.route(
        "POST",
        "/hooks/nightly",
        vec![FakeResponse::raw(200, "text/plain", "ok")],
    );
    let out = command(BIN, p)
        .args([
            "--conflicts",
            "--target",
            "main",
            "--branches",
            "service/tier",
            "billing/cache",
            "sales/rounding",
            "--integrate",
            "integration/nightly",
            "--notify",
            "--json",
            "-",
            "--junit",
            "nightly.xml",
        ])
        .env("SFCI_NOTIFY_URL", format!("{}/hooks/nightly", server.url()))
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v = stdout_json(&out);
    let left = findings(&v, "open-change-not-integrated");
    assert_eq!(left.len(), 1, "{v:#}");
    assert_eq!(left[0]["symbol"], "billing/cache");
    assert_eq!(left[0]["severity"], "error");
    assert_eq!(left[0]["file"], PROFILE);
    let msg = left[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("integration/nightly") && msg.contains("sales/rounding (team sales"),
        "{msg}"
    );
    assert_eq!(left[0]["others"][0]["team"], "sales", "{v:#}");
    let i = &v["summary"]["integration"];
    assert_eq!(
        i["merged"],
        serde_json::json!(["sales/rounding", "service/tier"])
    );
    assert_eq!(i["left_out"], serde_json::json!(["billing/cache"]));
    assert!(stderr(&out).contains("integration branch integration/nightly at "));
    // The branch: main, then sales, then service (first parents), and not billing.
    let head = git(p, &["rev-parse", "integration/nightly"]);
    assert_eq!(i["head"], head.as_str());
    let firsts = git(
        p,
        &[
            "rev-list",
            "--first-parent",
            "--reverse",
            "main..integration/nightly",
        ],
    );
    assert_eq!(firsts.lines().count(), 2, "{firsts}");
    let seconds: Vec<String> = firsts
        .lines()
        .map(|c| git(p, &["rev-parse", &format!("{c}^2")]))
        .collect();
    assert_eq!(seconds, vec![sales.clone(), service.clone()]);
    assert_eq!(
        git(
            p,
            &[
                "rev-parse",
                &format!("{}^1", firsts.lines().next().unwrap())
            ]
        ),
        main_before
    );
    let merged_profile = git(p, &["show", &format!("integration/nightly:{PROFILE}")]);
    assert!(merged_profile.contains("<enabled>false</enabled>"));
    assert!(!merged_profile.contains("<!-- billing -->"));
    let contains_billing = Command::new("git")
        .current_dir(p)
        .args(["merge-base", "--is-ancestor", &billing, &head])
        .status()
        .unwrap();
    assert!(!contains_billing.success(), "billing must be left out");
    // Nothing checked out changed.
    assert_eq!(git(p, &["rev-parse", "HEAD"]), main_before);
    assert_eq!(git(p, &["symbolic-ref", "--short", "HEAD"]), "main");
    assert_eq!(
        git(p, &["status", "--porcelain", "--untracked-files=no"]),
        ""
    );
    // JUnit: a failing case for the rule.
    let junit = std::fs::read_to_string(p.join("nightly.xml")).unwrap();
    assert!(junit.contains("open-change-not-integrated"), "{junit}");
    // One message to the release channel naming the teams.
    let posts: Vec<Value> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(posts.len(), 1, "{}", stderr(&out));
    let text = posts[0].to_string();
    assert!(
        text.contains("billing/cache")
            && text.contains("open-change-not-integrated")
            && text.contains("team sales"),
        "{text}"
    );

    // Run again: the branch is reset, not stacked.
    let again = run(
        p,
        &[
            "--conflicts",
            "--target",
            "main",
            "--branches",
            "service/tier",
            "--integrate",
            "integration/nightly",
        ],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let firsts = git(
        p,
        &["rev-list", "--first-parent", "main..integration/nightly"],
    );
    assert_eq!(firsts.lines().count(), 1, "{firsts}");

    // The branch checked out here is refused; --change cannot select one change to integrate.
    let own = run(
        p,
        &[
            "--conflicts",
            "--target",
            "main",
            "--branches",
            "service/tier",
            "--integrate",
            "main",
        ],
    );
    assert_eq!(code(&own), 2, "{}", stderr(&own));
    assert!(
        stderr(&own).contains("checked out here"),
        "{}",
        stderr(&own)
    );
}

/// A merge request whose conflicts are gone gets its old conflict note replaced by a "no
/// conflicts now" one; a merge request that never had one gets no note at all.
#[test]
fn a_conflict_note_is_cleared_when_the_conflict_is_gone() {
    use fake::{FakeResponse, FakeServer};
    let dir = repo();
    let p = dir.path();
    let (sales, _billing) = class_and_profile_branches(p);
    let service = branch(p, "service/tier", 1_700_000_300, |d| {
        write(
            d,
            &format!("{SERVICE}/classes/TierService.cls"),
            "public class TierService {}\n",
        );
    });
    git(p, &["update-ref", "refs/merge-requests/4/head", &sales]);
    git(p, &["update-ref", "refs/merge-requests/12/head", &service]);
    let server = FakeServer::start();
    let project = "/api/v4/projects/acme%2Frepo";
    let mr = |iid: u64, branch: &str, sha: &str| {
        serde_json::json!({
            "iid": iid, "source_branch": branch, "target_branch": "main", "state": "opened",
            "sha": sha, "created_at": format!("2026-11-2{}T10:00:00.000Z", iid % 10),
            "author": {"id": iid, "username": format!("u{iid}")},
            "web_url": format!("https://gitlab.example.com/acme/repo/-/merge_requests/{iid}")
        })
    };
    server.route(
        "GET",
        &format!("{project}/merge_requests"),
        vec![FakeResponse::json(
            200,
            serde_json::json!([
                mr(4, "sales/rounding", &sales),
                mr(12, "service/tier", &service)
            ]),
        )],
    );
    server.route(
        "GET",
        &format!("{project}/merge_requests/4/notes"),
        vec![FakeResponse::json(200, serde_json::json!([]))],
    );
    server.route(
        "GET",
        &format!("{project}/merge_requests/12/notes"),
        vec![FakeResponse::json(
            200,
            serde_json::json!([{"id": 777, "system": false,
                "body": "<!-- sfci:validate-deps:conflicts -->\n### ❌ an old conflict"}]),
        )],
    );
    server.route(
        "PUT",
        &format!("{project}/merge_requests/12/notes/777"),
        vec![FakeResponse::json(200, serde_json::json!({"id": 777}))],
    );
    let url = format!("{}/api/v4", server.url());
    let out = from_gitlab(p, &url, &["--comment"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("note on merge request !12 updated"), "{err}");
    assert!(!err.contains("!4"), "{err}");
    let writes: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(writes.len(), 1, "one update, no note created: {writes:?}");
    assert_eq!(writes[0].method, "PUT");
    let body: Value = serde_json::from_str(&writes[0].body).unwrap();
    let body = body["body"].as_str().unwrap();
    assert!(
        body.starts_with("<!-- sfci:validate-deps:conflicts -->"),
        "{body}"
    );
    assert!(
        body.contains("no conflicts with other teams' open changes now"),
        "{body}"
    );
}
