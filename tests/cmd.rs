//! Command-file tests (as in typos): each `tests/cmd/*.toml` runs one of the six binaries
//! with its arguments, in a sandbox copy of a fixture (`fs.base`) or of `tests/cmd/empty`,
//! and pins its exit status, stdout and stderr (the `.stdout` and `.stderr` files beside it).
//! Each binary's `--help` is in its own `<bin>-help.toml`, so a regenerated help text is
//! re-blessed on its own. After an intended change: `TRYCMD=overwrite cargo test --test cmd`
//! (a run's duration is written `[..]` in the expected files; keep it so).

#[test]
fn cli() {
    // What the binaries read from the environment, removed so that a developer's shell or
    // a CI job gives the same output; help text wrapped at clap's default width.
    let mut vars = vec![
        "CI",
        "GITLAB_CI",
        "GITHUB_ACTIONS",
        "GITHUB_STEP_SUMMARY",
        "NO_COLOR",
    ];
    vars.extend([
        "SF_AUTH_URL",
        "SFDX_AUTH_URL",
        "SF_ACCESS_TOKEN",
        "SF_INSTANCE_URL",
    ]);
    vars.extend([
        "SF_CLIENT_ID",
        "SF_USERNAME",
        "SF_JWT_KEY_FILE",
        "SF_LOGIN_URL",
    ]);
    vars.extend([
        "GITHUB_TOKEN",
        "GITLAB_TOKEN",
        "SFCI_GITLAB_TOKEN",
        "SFCI_NOTIFY_URL",
    ]);
    for k in vars {
        std::env::remove_var(k);
    }
    std::env::set_var("COLUMNS", "100");
    let cases = trycmd::TestCases::new();
    for bin in [
        "lint-callout-mocks",
        "validate-deps",
        "codeowners-check",
        "smoke",
        "gate",
        "sfci",
    ] {
        cases.register_bin(bin, trycmd::cargo::cargo_bin(bin));
    }
    cases
        .insert_var("[VERSION]", env!("CARGO_PKG_VERSION"))
        .unwrap()
        .case("tests/cmd/*.toml");
}
