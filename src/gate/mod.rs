//! Release gates: one module per gate, each turning its inputs into a
//! [`ResultsReport`](crate::report::results::ResultsReport) (one
//! [`CheckResult`](crate::report::results::CheckResult) per check, so every gate has JUnit
//! output and the shared exit policy: 0 pass, 1 a gate failed, 2 the gate could not decide).
//!
//! | gate | module | blocks on |
//! |---|---|---|
//! | `deploy-result` | [`deploy_result`] | a deployment or test run that failed, coverage under its minimum |
//! | `error-rate` | [`error_rate`] | an error rate above the baseline × ratio (analysis loop) |
//! | `window` | [`window`] | now is outside every allowed window, or inside a freeze |
//! | `lock` | [`lock`] | another pipeline holds the environment's deployment lock |
//! | `promotion` | [`promotion`] | a merge from a branch the target may not receive from |
//!
//! The blocking gates (window, freeze, lock, promotion) take a break-glass
//! `--override "<reason>"`: the gate passes, and the report carries an audit record naming
//! who ([`actor`]) and why, in the JSON, the JUnit and the summary.
//!
//! Each gate module owns its command: an options struct (what `gate <sub>`'s flags become)
//! and a `run`-style entry that applies the gate's policy (defaults, pass/fail decisions)
//! and returns the report; `app::gate` only turns arguments into those options. The pieces
//! every command shares (the config, an input file or stdin, the report of a blocking gate,
//! the deployment record of a gate that adds context) are here.

pub mod cobertura;
pub mod config;
pub mod deploy_comment;
pub mod deploy_result;
pub mod deploy_watch;
pub mod error_rate;
pub mod lock;
pub mod prometheus;
pub mod promotion;
pub mod record;
pub mod sarif_gate;
pub mod sf_result;
pub mod soql;
pub mod window;

use crate::config::Config;
use crate::gate::record::{Record, RecordArgs};
use crate::notify::{NotifyArgs, Policy};
use crate::report::results::{CheckResult, ResultsReport, Status};
use std::io::Read;
use std::path::Path;
use std::time::Instant;

/// The tool's name in messages.
pub const TOOL: &str = "gate";

/// Why a gate could not do its job (exit 2). The message names the file, line or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateError(pub String);

impl std::fmt::Display for GateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GateError {}

impl From<String> for GateError {
    fn from(s: String) -> Self {
        GateError(s)
    }
}

impl From<&str> for GateError {
    fn from(s: &str) -> Self {
        GateError(s.to_string())
    }
}

impl From<crate::config::ConfigError> for GateError {
    fn from(e: crate::config::ConfigError) -> Self {
        GateError(e.to_string())
    }
}

/// Who is running the gate, for override audit records: the CI user (`GITLAB_USER_LOGIN`,
/// `GITHUB_ACTOR`), else the local user (`USER`, `USERNAME`), else `unknown`.
pub fn actor() -> String {
    actor_with(|k| std::env::var(k).ok())
}

/// [`actor`] over a variable lookup (tests).
pub fn actor_with<F: Fn(&str) -> Option<String>>(lookup: F) -> String {
    let ci = crate::ci::CiContext::from_env_with(&lookup);
    ci.actor
        .or_else(|| lookup("USER").filter(|v| !v.trim().is_empty()))
        .or_else(|| lookup("USERNAME").filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// A break-glass override: who and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub who: String,
    pub why: String,
}

impl Override {
    /// `--override REASON` as given: the reason must say something.
    pub fn new(why: &str, who: String) -> Result<Override, GateError> {
        let why = why.trim();
        if why.is_empty() {
            return Err(GateError(
                "--override needs a reason, e.g. --override \"INC-42: hotfix for the outage\""
                    .into(),
            ));
        }
        Ok(Override {
            who,
            why: why.to_string(),
        })
    }
}

/// Applies an optional override to a blocking gate's result: a failure becomes a pass with
/// an audit record; other outcomes are left alone (an override never hides a gate that
/// could not decide, and a passing gate needs none).
pub fn apply_override(result: CheckResult, gate: &str, ov: Option<&Override>) -> CheckResult {
    match ov {
        Some(o) if result.status == Status::Fail => {
            eprintln!(
                "gate {gate}: OVERRIDDEN by {} ({}) — recorded in the report",
                o.who, o.why
            );
            result.overridden(gate, &o.who, &o.why)
        }
        _ => result,
    }
}

/// A report for `gate <sub>` with the given results.
pub fn report(sub: &str, results: Vec<CheckResult>, started: std::time::Instant) -> ResultsReport {
    let mut r = ResultsReport::new(format!("gate {sub}"));
    r.results = results;
    r.duration = started.elapsed();
    r
}

/// `.sfci.yml` under `root` (the defaults when there is none).
pub fn config(root: &Path) -> Result<Config, GateError> {
    Config::discover(root).map_err(GateError::from)
}

/// The bytes of an input file, or of stdin for `-`, with the name messages use for it.
pub fn read_input(input: &str) -> Result<(Vec<u8>, String), GateError> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| GateError(format!("cannot read stdin: {e}")))?;
        Ok((buf, "stdin".into()))
    } else {
        let bytes =
            std::fs::read(input).map_err(|e| GateError(format!("cannot read {input}: {e}")))?;
        Ok((bytes, input.to_string()))
    }
}

/// The report of a blocking gate's one check: passed by `--override` when asked (with its
/// audit record), and announced with `--notify` when it was.
pub fn blocking_report(
    sub: &str,
    gate: &str,
    r: CheckResult,
    ov: Option<&Override>,
    notify: &NotifyArgs,
    started: Instant,
) -> ResultsReport {
    let report = report(sub, vec![apply_override(r, gate, ov)], started);
    crate::notify::results_if_asked(TOOL, notify, Policy::OnOverride, &report);
    report
}

/// `--record` / `--pushgateway` of a context-adding gate (`kind`): one line and its gauges.
pub fn context_record(
    args: &RecordArgs,
    kind: &str,
    report: &ResultsReport,
    default_env: Option<&str>,
    deploy_id: Option<&str>,
) {
    let env = |k: &str| std::env::var(k).ok();
    if !args.wanted(&env) {
        return;
    }
    let mut line = Record::new(
        kind,
        report,
        args,
        default_env,
        &env,
        jiff::Timestamp::now(),
    );
    line.deploy_id = deploy_id.map(str::to_string);
    record::finish(TOOL, args, &line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_prefers_ci_user() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            actor_with(env(&[
                ("GITLAB_CI", "true"),
                ("GITLAB_USER_LOGIN", "jane"),
                ("USER", "root")
            ])),
            "jane"
        );
        assert_eq!(
            actor_with(env(&[("GITHUB_ACTIONS", "true"), ("GITHUB_ACTOR", "octo")])),
            "octo"
        );
        assert_eq!(actor_with(env(&[("USER", "dev")])), "dev");
        assert_eq!(actor_with(env(&[])), "unknown");
    }

    #[test]
    fn override_needs_a_reason_and_only_turns_failures() {
        assert!(Override::new("  ", "x".into()).is_err());
        let o = Override::new("INC-1", "jane".into()).unwrap();
        let r = apply_override(CheckResult::fail("window", "closed"), "window", Some(&o));
        assert_eq!(r.status, Status::Pass);
        assert_eq!(r.overridden.as_ref().unwrap().who, "jane");
        let e = apply_override(CheckResult::error("lock", "redis down"), "lock", Some(&o));
        assert_eq!(e.status, Status::Error);
        assert!(e.overridden.is_none());
    }
}
