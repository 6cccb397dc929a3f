//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The variables that carry org credentials and settings: removed from every org-using
/// test command so the developer's own environment never reaches a test.
pub const ORG_ENV: &[&str] = &[
    "SF_AUTH_URL",
    "SFDX_AUTH_URL",
    "SF_ACCESS_TOKEN",
    "SF_INSTANCE_URL",
    "SF_CLIENT_ID",
    "SF_USERNAME",
    "SF_JWT_KEY_FILE",
    "SF_LOGIN_URL",
    "SF_API_VERSION",
    "SF_AUDIENCE_URL",
];

/// A folder of `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Runs git in `dir` with a fixed identity; panics with git's stderr on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}

/// A command for a binary with the CI variables that change its behaviour removed.
pub fn command(bin: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir);
    for k in [
        "GITHUB_STEP_SUMMARY",
        "NO_COLOR",
        "CI",
        "GITLAB_CI",
        "GITHUB_ACTIONS",
    ] {
        cmd.env_remove(k);
    }
    cmd
}

/// The JSON a command printed on stdout; panics with both streams when it is not JSON.
pub fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The URL of a throwaway server the tests need (`scheme://[user:pass@]HOST:PORT/…` in the
/// variable `var`), checked to answer. `.ci/test` — the README's test command — installs,
/// starts and stops these servers and sets the variables; without them a test fails with a
/// message naming it, never skips.
pub fn test_server_url(var: &str, who: &str, what: &str) -> String {
    let how = format!(
        "run `.ci/test` (the README's test command: it installs what is missing, starts a \
         throwaway server on a free 127.0.0.1 port, runs `cargo test --locked` with {var} set \
         and stops it), or set {var} to {what} of your own"
    );
    let url = match std::env::var(var) {
        Ok(u) if !u.is_empty() => u,
        _ => panic!("{who} need {what}, and {var} is not set: {how}"),
    };
    let addr = url
        .split_once("://")
        .map_or(url.as_str(), |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_string();
    let sock: std::net::SocketAddr = addr.parse().unwrap_or_else(|_| {
        panic!("{var} must look like scheme://HOST:PORT/… with an IP address, got {url}")
    });
    if std::net::TcpStream::connect_timeout(&sock, std::time::Duration::from_secs(2)).is_err() {
        panic!("{who} need {what} at {url} ({var}), and nothing answers there: {how}");
    }
    url
}

/// A git repository whose `.github/CODEOWNERS` has one problem of each kind the offline
/// validation finds (a duplicate and shadowed rule, a pattern matching nothing, unsupported
/// syntax, a bad owner, an unowned file). The folder is removed when the value is dropped.
pub fn codeowners_with_each_problem() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join(".github")).unwrap();
    std::fs::write(
        p.join(".github/CODEOWNERS"),
        "/billing/ @acme/billing\n/billing/ @acme/finance\n/nothing-here/ @x\n[a-z].cls @y\nsales/ not-an-owner\n",
    )
    .unwrap();
    std::fs::create_dir_all(p.join("billing")).unwrap();
    std::fs::write(p.join("billing/a.cls"), "x").unwrap();
    std::fs::write(p.join("loose.txt"), "x").unwrap();
    git(p, &["init", "-q"]);
    git(p, &["add", "-A"]);
    dir
}
