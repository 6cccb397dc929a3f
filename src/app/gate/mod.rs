//! `gate`: argument parsing and wiring only. Each subcommand has a file that turns its
//! arguments into the gate's own options and calls `sfci::gate::<sub>`, where the policy
//! (defaults, pass/fail decisions, lock rules) lives and is tested.

mod deploy_result;
mod deploy_watch;
mod error_rate;
mod lock;
mod promotion;
mod sarif;
mod window;

use crate::gate::{GateError, Override, TOOL};
use crate::report::output::OutputArgs;
use crate::report::Render;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes: 0 the gate passed, 1 it failed (wins when another check could not run), 2 the gate
could not decide (bad input, unreachable server, no data).
Blocking gates (window, lock acquire, promotion) take --override \"<reason>\": the gate passes
with an audit record naming the CI user and the reason in the JSON, JUnit and summary; with
--notify the break-glass is also posted to the webhook in SFCI_NOTIFY_URL.
Deployment record (deploy-result, deploy-watch, lock acquire|release, error-rate):
--record FILE.jsonl appends one JSON line per run; --pushgateway URL (or SFCI_PUSHGATEWAY_URL)
pushes per-(team, environment) gauges; --team (SFCI_TEAM, else the CI project path) and
--environment (SFCI_ENVIRONMENT, else CI_ENVIRONMENT_NAME) label both. Neither changes the exit
code: a failure is a warning.
Durations: 30s, 5m, 1h, 1h30m.";

/// Release gates: deploy and test results with coverage tiers, error-rate analysis,
/// deployment windows, environment locks and branch promotion rules.
#[derive(Parser, Debug)]
#[command(name = "gate", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct Root {
    /// Repository root: where .sfci.yml and the sources are (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

#[derive(Args, Debug, Clone)]
struct OverrideArg {
    /// Break glass: pass this gate anyway, recording who and why in every report.
    #[arg(long = "override", value_name = "REASON")]
    reason: Option<String>,
}

impl OverrideArg {
    fn get(&self) -> Result<Option<Override>, GateError> {
        self.reason
            .as_deref()
            .map(|r| Override::new(r, crate::gate::actor()))
            .transpose()
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Judges `sf project deploy start|validate|report --json`, `sf apex run test --json` or a
    /// Metadata API deploy result: status, component failures, test failures, coverage.
    #[command(after_help = deploy_result::AFTER_HELP)]
    DeployResult(deploy_result::DeployResultArgs),
    /// Error-rate analysis (Argo-style): COUNT measurements INTERVAL apart; fails when the
    /// rate exceeds max(baseline × max-ratio, floor) more than --failure-limit times.
    #[command(after_help = error_rate::AFTER_HELP)]
    ErrorRate(error_rate::ErrorRateArgs),
    /// Follows a running deployment and fails when it stalls (no component or test progress
    /// for --stall-after), naming the test class still running; optionally cancels it.
    #[command(after_help = deploy_watch::AFTER_HELP)]
    DeployWatch(deploy_watch::DeployWatchArgs),
    /// Passes inside an allowed window and outside freezes; says when the next window opens.
    #[command(after_help = window::AFTER_HELP)]
    Window(window::WindowArgs),
    /// A deployment lock per environment in Redis (acquire, release, extend, status).
    #[command(after_help = lock::AFTER_HELP)]
    Lock {
        #[command(subcommand)]
        action: lock::LockAction,
    },
    /// Branch promotion rules: may SOURCE merge into TARGET?
    #[command(after_help = promotion::AFTER_HELP)]
    Promotion(promotion::PromotionArgs),
    /// Gates any analyzer's SARIF 2.1.0 (Salesforce Code Analyzer, PMD, ESLint, …) against a
    /// baseline: only findings not in the baseline block.
    #[command(after_help = sarif::AFTER_HELP)]
    Sarif(sarif::SarifArgs),
}

/// What every subcommand does: refuse unusable output flags, then run `work` (the
/// arguments turned into the gate's options and the gate called), write the reports and
/// exit with the shared exit-code policy (always 0 when `record_only`).
fn run<R, F>(output: &OutputArgs, record_only: bool, work: F) -> !
where
    R: Render + Send + 'static,
    F: FnOnce() -> Result<R, GateError> + Send + 'static,
{
    crate::process::check_outputs(TOOL, output);
    crate::process::run_and_exit(TOOL, output, record_only, work)
}

/// Runs the tool with `args` (the first is the program name) and exits.
pub fn main<I, T>(args: I) -> !
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli: Cli = crate::process::parse_tool(args, crate::process::JUNIT_HELP_GATE);
    match cli.command {
        Command::DeployResult(a) => deploy_result::main(a),
        Command::ErrorRate(a) => error_rate::main(a),
        Command::DeployWatch(a) => deploy_watch::main(a),
        Command::Window(a) => window::main(a),
        Command::Lock { action } => lock::main(action),
        Command::Promotion(a) => promotion::main(a),
        Command::Sarif(a) => sarif::main(a),
    }
}
