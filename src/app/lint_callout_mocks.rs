//! `lint-callout-mocks`: argument parsing and wiring only; the logic is in
//! `sfci::lint`.

use crate::lint::{run, LintOptions};
use crate::report::output::OutputArgs;
use clap::Parser;
use std::path::PathBuf;

/// The rule list (from [`crate::lint::RULES`]) and [`AFTER_RULES`].
fn after_help() -> String {
    format!(
        "Rules (ids are stable; configure them in .sfci.yml under lint.rules.<id>.severity):\n{}\n\
         {AFTER_RULES}",
        crate::rules::help(crate::lint::RULES)
    )
}

const AFTER_RULES: &str = "\
Suppress a finding with a reason:
  // sfci-ignore callout-without-timeout: the vendor SDK enforces a 5 s timeout
  @SuppressWarnings('sfci:hardcoded-endpoint: sandbox-only diagnostics')

Exit codes: 0 no error findings, 1 error findings, 2 the tool could not run.

Examples:
  lint-callout-mocks                                  # the SFDX project in .
  lint-callout-mocks force-app --junit junit.xml --codequality gl-code-quality.json
  lint-callout-mocks --base origin/main --sarif sfci.sarif --format github
  lint-callout-mocks --write-baseline .sfci-baseline.json   # adopt: record today's findings
  lint-callout-mocks --baseline .sfci-baseline.json         # then fail only on new ones";

/// Finds Apex tests that reach an HTTP or SOAP callout without Test.setMock, and
/// callouts without timeouts or with hard-coded endpoints.
///
/// The analysis follows the whole repository's call graph (service classes,
/// interfaces and their implementations, virtual methods, @future, Queueable,
/// Batchable), so a test that calls a facade that calls a service that calls out is
/// caught on the merge request, not in the production validation.
#[derive(Parser, Debug)]
#[command(name = "lint-callout-mocks", version, after_help = after_help())]
struct Cli {
    /// Folders or files to scan. A folder with sfdx-project.json is scanned through
    /// its package directories; .forceignore and .gitignore are honoured.
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,

    /// Report only findings in files changed since the merge base with REV (or whose
    /// call chain passes through one). `auto` takes it from the GitLab/GitHub CI
    /// environment. The analysis itself always covers the whole repository.
    #[arg(long, value_name = "REV")]
    base: Option<String>,

    /// The head revision of the change (default HEAD).
    #[arg(long, value_name = "REV", requires = "base")]
    head: Option<String>,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Record the current findings in FILE (fingerprints survive line moves) and
    /// exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// Configuration file (default: .sfci.yml at the repository root, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Stop the run after this long (30s, 5m, 1h) and exit 2, saying what it was
    /// doing. The analysis is linear in the size of the call graph (a 1,000-class
    /// repository takes about a second), so this only guards against the unexpected.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = crate::duration::parse_duration)]
    timeout: std::time::Duration,

    #[command(flatten)]
    output: OutputArgs,
}

/// Runs the tool with `args` (the first is the program name) and exits.
pub fn main<I, T>(args: I) -> !
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli: Cli = crate::process::parse_tool(args, crate::process::JUNIT_HELP_FINDINGS);
    crate::process::check_outputs("lint-callout-mocks", &cli.output);
    let opts = LintOptions {
        paths: cli.paths,
        base: cli.base,
        head: cli.head,
        baseline: cli.baseline,
        write_baseline: cli.write_baseline.clone(),
        config: cli.config,
    };
    // Recording a baseline is not a check: it exits 0 with the findings in the file.
    let record_only = cli.write_baseline.is_some();
    let limit = crate::process::Limit {
        timeout: cli.timeout,
        phase: crate::lint::phase,
    };
    crate::process::run_and_exit_within(
        "lint-callout-mocks",
        &cli.output,
        record_only,
        Some(limit),
        move || {
            let report = run(&opts)?;
            if let Some(path) = &opts.write_baseline {
                eprintln!(
                    "lint-callout-mocks: wrote {} finding(s) to the baseline {}",
                    report.findings.len(),
                    path.display()
                );
            }
            Ok::<_, crate::lint::LintError>(report)
        },
    );
}
