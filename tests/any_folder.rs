//! The same answer from any folder: every tool run on a Salesforce DX project from the
//! repository root, from the project folder and from a sibling folder reports the same
//! findings (rule, line, file relative to the project folder). `.forceignore` and the other
//! project-relative settings are rooted at the project folder, never at the working directory.

use serde_json::Value;
use std::path::{Path, PathBuf};

mod common;
use common::{command, copy_dir, fixture, git, stdout_json};

const LINT: &str = env!("CARGO_BIN_EXE_lint-callout-mocks");
const DEPS: &str = env!("CARGO_BIN_EXE_validate-deps");
const OWNERS: &str = env!("CARGO_BIN_EXE_codeowners-check");

/// A repository (`git` or a plain folder) holding the example monorepo in `app/`
/// (the SFDX project) and an unrelated sibling folder `tools/`.
struct Layout {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    app: PathBuf,
    tools: PathBuf,
}

fn layout(with_git: bool) -> Layout {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().canonicalize().unwrap().join("repo");
    let app = repo.join("app");
    let tools = repo.join("tools");
    copy_dir(&fixture("enterprise-monorepo"), &app);
    std::fs::create_dir_all(&tools).unwrap();
    std::fs::write(tools.join("README"), "scripts of the platform team\n").unwrap();
    if with_git {
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "base"]);
    }
    Layout {
        _tmp: tmp,
        repo,
        app,
        tools,
    }
}

/// (rule, file relative to the project folder, line), sorted.
type Finding = (String, String, u64);

/// Runs `bin` in `cwd` with `args` (`{app}` is replaced by `app` as seen from `cwd`) and
/// returns its findings with files made relative to the project folder.
fn findings(l: &Layout, bin: &str, cwd: &Path, args: &[&str], want_exit: i32) -> Vec<Finding> {
    let app_arg = if cwd == l.app {
        ".".to_string()
    } else if cwd == l.repo {
        "app".to_string()
    } else {
        "../app".to_string()
    };
    let args: Vec<String> = args.iter().map(|a| a.replace("{app}", &app_arg)).collect();
    let out = command(bin, cwd).args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(want_exit),
        "{bin} {args:?} in {}: stderr: {}",
        cwd.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = stdout_json(&out);
    let app_abs = format!("{}/", l.app.display());
    let app_rel = format!("{}/", l.app.strip_prefix(&l.repo).unwrap().display());
    let mut got: Vec<Finding> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or("");
            let file = file
                .strip_prefix(&app_abs)
                .or_else(|| file.strip_prefix(&app_rel))
                .unwrap_or(file)
                .to_string();
            (
                f["rule"].as_str().unwrap().to_string(),
                file,
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    got
}

fn count(f: &[Finding], rule: &str) -> usize {
    f.iter().filter(|x| x.0 == rule).count()
}

/// Runs one tool from the three folders and asserts one answer; returns it.
fn same_from_everywhere(l: &Layout, bin: &str, args: &[&str], want_exit: i32) -> Vec<Finding> {
    let from_root = findings(l, bin, &l.repo, args, want_exit);
    let from_project = findings(l, bin, &l.app, args, want_exit);
    let from_sibling = findings(l, bin, &l.tools, args, want_exit);
    assert_eq!(
        from_root, from_project,
        "{bin}: repository root vs project folder"
    );
    assert_eq!(
        from_root, from_sibling,
        "{bin}: repository root vs sibling folder"
    );
    assert!(
        from_root.iter().all(|f| !f.1.starts_with('/')
            && !f.1.starts_with("..")
            && !f.1.starts_with("billing/main/experimental/")),
        "{bin}: {from_root:#?}"
    );
    from_root
}

#[test]
fn lint_callout_mocks_gives_one_answer_from_any_folder() {
    for with_git in [true, false] {
        let l = layout(with_git);
        let f = same_from_everywhere(&l, LINT, &["{app}", "--json", "-"], 1);
        // fixtures/enterprise-monorepo/EXPECTED.md: 16 errors and 10 warnings, and the
        // `.forceignore`d spike in billing/main/experimental/ is not scanned.
        assert_eq!(count(&f, "callout-without-mock"), 16, "git: {with_git}");
        assert_eq!(f.len(), 26, "git: {with_git}: {f:#?}");
    }
}

#[test]
fn validate_deps_gives_one_answer_from_any_folder() {
    let tsv = std::fs::read_to_string(fixture("enterprise-monorepo/EXPECTED-deps.tsv")).unwrap();
    // One warning per (from component, to component) pair of EXPECTED-deps.tsv.
    let edges: std::collections::BTreeSet<Vec<&str>> = tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("from_kind") && !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            vec![c[0], c[1], c[3], c[4]]
        })
        .collect();
    let edges = edges.len();
    for with_git in [true, false] {
        let l = layout(with_git);
        let f = same_from_everywhere(&l, DEPS, &["--all", "{app}", "--json", "-"], 0);
        assert_eq!(
            count(&f, "cross-team-dependency"),
            edges,
            "git: {with_git}: every edge of EXPECTED-deps.tsv, none from the ignored spike"
        );
    }
}

#[test]
fn codeowners_check_gives_one_answer_from_any_folder() {
    let l = layout(true);
    let args = [
        "validate",
        "--offline",
        "--dialect",
        "github",
        "--root",
        "{app}",
        "--json",
        "-",
    ];
    // Warnings only (unowned files): exit 0.
    let from_root = findings(&l, OWNERS, &l.repo, &args, 0);
    assert_eq!(from_root, findings(&l, OWNERS, &l.app, &args, 0));
    assert_eq!(from_root, findings(&l, OWNERS, &l.tools, &args, 0));
    assert!(!from_root.is_empty());
}
