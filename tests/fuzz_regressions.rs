//! Inputs saved from fuzzing (`fuzz/regressions/<target>/`), run through the very checks
//! the fuzz targets run (`fuzz/checks/<target>.rs`: the entry point plus its invariants).
//! A file there is a crash, hang or broken invariant that was found and fixed, or a case
//! worth keeping; see `fuzz/README.md`.

#[path = "../fuzz/checks/apex.rs"]
mod apex;
#[path = "../fuzz/checks/auth_url.rs"]
mod auth_url;
#[path = "../fuzz/checks/callgraph.rs"]
mod callgraph;
#[path = "../fuzz/checks/codeowners.rs"]
mod codeowners;
#[path = "../fuzz/checks/config.rs"]
mod config;
#[path = "../fuzz/checks/deploy_result.rs"]
mod deploy_result;
#[path = "../fuzz/checks/smoke_spec.rs"]
mod smoke_spec;

use std::path::PathBuf;

/// Runs `check` on every file of `fuzz/regressions/<target>/`; returns how many ran.
fn run(target: &str, check: fn(&[u8])) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "fuzz regression {} fails again",
            f.display()
        );
    }
    files.len()
}

#[test]
fn apex_regressions() {
    run("apex", apex::check);
}

#[test]
fn codeowners_regressions() {
    run("codeowners", codeowners::check);
}

#[test]
fn smoke_spec_regressions() {
    run("smoke_spec", smoke_spec::check);
}

#[test]
fn deploy_result_regressions() {
    run("deploy_result", deploy_result::check);
}

#[test]
fn config_regressions() {
    run("config", config::check);
}

#[test]
fn auth_url_regressions() {
    run("auth_url", auth_url::check);
}

#[test]
fn callgraph_regressions() {
    run("callgraph", callgraph::check);
}
