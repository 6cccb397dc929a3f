//! What every binary's `main` does after parsing its arguments: check the output
//! flags, run the work on a thread with a large stack (the analyses recurse along
//! deep call chains), write the reports and exit with the shared exit-code policy.

use crate::report::output::{emit, OutputArgs};
use crate::report::{ExitCode, Render};

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
