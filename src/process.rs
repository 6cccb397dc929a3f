//! A tool's process, from its arguments to its exit code: parse the arguments the sf way
//! (`--json` with an optional value, the tool's `--junit` wording), check the output
//! flags, run the work on a thread with a large stack (the analyses recurse along deep
//! call chains), write the reports and exit with the shared exit-code policy.

use crate::report::output::{emit, OutputArgs};
use crate::report::{ExitCode, Render};
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;

/// `--json` as the Salesforce CLI users type it: a bare `--json` writes the JSON report
/// to stdout. Its value is optional, so it must never swallow a path argument
/// (`lint-callout-mocks --json force-app` scans `force-app`): a value is taken only as
/// `--json=FILE`, or as `--json FILE` when FILE is `-` or ends in `.json`.
///
/// Clap declares `--json` with `require_equals`; this turns the two spaced forms that
/// carry a value into `--json=FILE` before parsing. Nothing after `--` is touched.
pub fn sf_json_args<I, T>(args: I) -> Vec<OsString>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut out: Vec<OsString> = Vec::new();
    let mut args = args.into_iter().map(Into::into).peekable();
    let mut options_done = false;
    while let Some(arg) = args.next() {
        if !options_done && arg == "--" {
            options_done = true;
        } else if !options_done && arg == "--json" {
            if let Some(value) = args.next_if(is_json_value) {
                let mut joined = OsString::from("--json=");
                joined.push(&value);
                out.push(joined);
                continue;
            }
        }
        out.push(arg);
    }
    out
}

/// Parses a tool's arguments the sf way ([`sf_json_args`]) with the tool's own wording of
/// `--junit` (`junit_help`), set on every (sub)command that has the flag. Exits like
/// clap's `parse_from` on a usage error (2) or `--help`/`--version` (0).
pub fn parse_tool<C, I, T>(args: I, junit_help: &'static str) -> C
where
    C: clap::Parser + CommandFactory + FromArgMatches,
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cmd = with_junit_help(C::command(), junit_help);
    let mut matches = cmd.get_matches_from(sf_json_args(args));
    C::from_arg_matches_mut(&mut matches).unwrap_or_else(|e| e.exit())
}

fn with_junit_help(mut cmd: clap::Command, help: &'static str) -> clap::Command {
    if cmd.get_arguments().any(|a| a.get_id() == "junit") {
        cmd = cmd.mut_arg("junit", |a| a.help(help));
    }
    cmd.mut_subcommands(|sub| with_junit_help(sub, help))
}

/// `--junit` of the findings tools (`lint-callout-mocks`, `validate-deps`, `codeowners-check`).
pub const JUNIT_HELP_FINDINGS: &str = "Write a JUnit XML report to FILE (`-` for stdout), for \
GitLab's `artifacts:reports:junit`: one test suite per rule, one test case per checked file \
(failing when the file has an error finding; warnings go to its system-out).";

/// `--junit` of `smoke`.
pub const JUNIT_HELP_SMOKE: &str = "Write a JUnit XML report to FILE (`-` for stdout), for \
GitLab's `artifacts:reports:junit`: one test suite per kind of check (`smoke.soql`, \
`smoke.apex`, `smoke.http`, …), one test case per check of the spec, named as in the spec; a \
failed check is a failure, one that could not decide an error, a skipped one skipped.";

/// `--junit` of `gate`.
pub const JUNIT_HELP_GATE: &str = "Write a JUnit XML report to FILE (`-` for stdout), for \
GitLab's `artifacts:reports:junit`: one test case per check of the gate, in one test suite per \
part (deploy-result: `deploy`, `components`, `coverage` and one suite per Apex test class with \
a case per test method; the other gates: one suite named after the gate); a failed check is a \
failure, an inconclusive one an error.";

/// Whether the word after a spaced `--json` is its value: `-` or a name ending in `.json`.
fn is_json_value(word: &OsString) -> bool {
    let word = word.to_string_lossy();
    word == "-" || word.to_ascii_lowercase().ends_with(".json")
}

/// Exits 2 with the tool's name when the output flags are unusable (two reports
/// on stdout, one file twice) — before any work is done.
pub fn check_outputs(tool: &str, output: &OutputArgs) {
    if let Err(e) = output.validate() {
        eprintln!("{tool}: {e}");
        std::process::exit(ExitCode::Broken.code());
    }
}

/// Runs `work`, emits its report and exits: 0 or 1 from the report (always 0 when
/// `record_only`, e.g. while writing a baseline), 2 when the work or the output
/// failed.
pub fn run_and_exit<R, E, F>(tool: &str, output: &OutputArgs, record_only: bool, work: F) -> !
where
    R: Render + Send + 'static,
    E: std::fmt::Display + Send + 'static,
    F: FnOnce() -> Result<R, E> + Send + 'static,
{
    run_and_exit_within(tool, output, record_only, None, work)
}

/// A time limit on the whole run (`--timeout`): when it passes, the tool says
/// what it was doing and exits 2 instead of running on.
pub struct Limit {
    pub timeout: std::time::Duration,
    /// What the run is doing now (`parsing 1,044 files`), for the message.
    pub phase: fn() -> String,
}

/// [`run_and_exit`] with an optional time limit.
pub fn run_and_exit_within<R, E, F>(
    tool: &str,
    output: &OutputArgs,
    record_only: bool,
    limit: Option<Limit>,
    work: F,
) -> !
where
    R: Render + Send + 'static,
    E: std::fmt::Display + Send + 'static,
    F: FnOnce() -> Result<R, E> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let r = work();
            let _ = tx.send(());
            r
        });
    let Ok(handle) = worker else {
        eprintln!("{tool}: internal error: cannot start the analysis thread");
        std::process::exit(ExitCode::Broken.code());
    };
    if let Some(limit) = &limit {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit.timeout) {
            eprintln!(
                "{tool}: stopped: the run did not finish within --timeout {} (it was {}); \
                 no report was written. Raise --timeout if the repository is this large, \
                 or report the input that made it slow",
                crate::duration::format_duration(limit.timeout),
                (limit.phase)()
            );
            std::process::exit(ExitCode::Broken.code());
        }
    }
    let report = match handle.join() {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            eprintln!("{tool}: {e}");
            std::process::exit(ExitCode::Broken.code());
        }
        Err(_) => {
            eprintln!(
                "{tool}: internal error: the analysis thread failed; please report this with the input that caused it"
            );
            std::process::exit(ExitCode::Broken.code());
        }
    };
    let verdict = if record_only {
        ExitCode::Passed
    } else {
        report.exit_code()
    };
    if let Err(e) = emit(&report, output) {
        // A closed pipe (`| head`) is the reader's choice, not a failure to report.
        if !e.is_broken_pipe() {
            eprintln!("{tool}: {e}");
            // A failed check still wins over a report that could not be written,
            // so `allow_failure: exit_codes: [2]` never hides it.
            std::process::exit(verdict.combine(ExitCode::Broken).code());
        }
    }
    std::process::exit(verdict.code());
}

#[cfg(test)]
mod tests {
    use super::sf_json_args;

    fn norm(args: &[&str]) -> Vec<String> {
        sf_json_args(args.iter().copied())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn json_takes_a_value_only_when_it_is_one() {
        assert_eq!(
            norm(&["t", "--json", "force-app"]),
            ["t", "--json", "force-app"]
        );
        assert_eq!(norm(&["t", "--json", "."]), ["t", "--json", "."]);
        assert_eq!(norm(&["t", "--json", "out.json"]), ["t", "--json=out.json"]);
        assert_eq!(norm(&["t", "--json", "OUT.JSON"]), ["t", "--json=OUT.JSON"]);
        assert_eq!(norm(&["t", "--json", "-"]), ["t", "--json=-"]);
        assert_eq!(norm(&["t", "--json=out"]), ["t", "--json=out"]);
        assert_eq!(norm(&["t", "--json"]), ["t", "--json"]);
        assert_eq!(
            norm(&["t", "--json", "--junit", "j.xml"]),
            ["t", "--json", "--junit", "j.xml"]
        );
        assert_eq!(
            norm(&["t", "--", "--json", "x.json"]),
            ["t", "--", "--json", "x.json"]
        );
    }
}
