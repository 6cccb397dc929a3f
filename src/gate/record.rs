//! The deployment record: one structured line per deploy-side gate run (`--record FILE.jsonl`,
//! the job's event-record artifact) and, for deployments, per-(team, environment) gauges pushed
//! to a Prometheus Pushgateway (`--pushgateway URL` or `SFCI_PUSHGATEWAY_URL`).
//!
//! - **What a deployment is:** one `gate deploy-result` run on a deploy — `checkOnly: false` in
//!   the sf JSON (or an `sf project deploy start|report` error envelope). A validation
//!   (`checkOnly: true`, `sf project deploy validate`) and an `sf apex run test` result are
//!   recorded with `kind` `validation` / `test-run` and never pushed as deployments.
//!   `deploy-watch`, `lock acquire|release` and `error-rate` add context lines of their own
//!   kind to the same file and push their own `sfci_gate_last_*` gauges.
//! - **The record** is schema-versioned (`schemas/deployment-record.schema.json`): team,
//!   environment, commit, change, start, duration, outcome, tests, coverage, override, rollback.
//! - **The Pushgateway is a cache, not a counter:** each push replaces the group's last values,
//!   so counts come from PromQL over the gauges (`changes()` of the last timestamp), never
//!   from a pushed counter. A push is a `POST` (it replaces only the metrics it names): the
//!   `…_last_success_timestamp_seconds`, `…_last_failure_timestamp_seconds` and
//!   `…_last_rollback_timestamp_seconds` gauges are pushed only when they change, so each
//!   keeps its last value and its own `changes()` counts successes, failures and rollbacks.
//! - **Never the verdict:** a record that cannot be written or a push that fails is a warning
//!   on stderr; the exit code stays the gate's. Pushes go through [`crate::net::post`] with the
//!   notification policy (10 s per request, 2 retries, 30 s in all; a `POST` is retried only
//!   when it cannot have been processed). The URL may not carry credentials (sfci sends none)
//!   and is never printed.

use crate::gate::sf_result::{Kind as SfKind, Outcome as TestOutcome, Parsed};
use crate::net::{HttpConfig, Post, PostError, Secret};
use crate::report::results::ResultsReport;
use crate::report::ExitCode;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The record's schema version (`schema_version`); bumped on an incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The Pushgateway job of deployments.
pub const DEPLOY_JOB: &str = "sfci_deploy";
/// The Pushgateway job of the context-adding gates.
pub const GATE_JOB: &str = "sfci_gate";

/// The `--record` / `--pushgateway` flags.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RecordArgs {
    /// Append one JSON line describing this run to FILE (the deployment record; parent
    /// folders are created). A file that cannot be written gives a warning.
    #[arg(long, value_name = "FILE.jsonl")]
    pub record: Option<PathBuf>,
    /// Push this run's gauges to the Prometheus Pushgateway at URL (or SFCI_PUSHGATEWAY_URL);
    /// a failed push gives a warning, never another exit code.
    #[arg(long, value_name = "URL")]
    pub pushgateway: Option<String>,
    /// The team that deploys (default SFCI_TEAM, else the CI project path).
    #[arg(long, value_name = "NAME")]
    pub team: Option<String>,
    /// The environment deployed to (default SFCI_ENVIRONMENT, else GitLab's
    /// CI_ENVIRONMENT_NAME).
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,
    /// This deployment is a rollback (recorded and pushed as one).
    #[arg(long)]
    pub rollback: bool,
}

impl RecordArgs {
    /// Whether anything is to be recorded or pushed.
    pub fn wanted(&self, env: &dyn Fn(&str) -> Option<String>) -> bool {
        self.record.is_some() || self.pushgateway_url(env).is_some()
    }

    fn pushgateway_url(&self, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        self.pushgateway
            .clone()
            .or_else(|| env("SFCI_PUSHGATEWAY_URL"))
            .filter(|u| !u.trim().is_empty())
    }
}

/// Test counts of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tests {
    pub run: u64,
    pub failed: u64,
}

/// A break-glass override of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordOverride {
    pub gate: String,
    pub who: String,
    pub why: String,
}

/// One line of the deployment record (see `schemas/deployment-record.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub schema_version: u32,
    /// `deployment`, `validation`, `test-run`, `deploy-watch`, `lock-acquire`,
    /// `lock-release`, `error-rate`.
    pub kind: String,
    /// `gate deploy-result`, …
    pub tool: String,
    pub version: String,
    pub team: String,
    pub environment: String,
    /// The commit deployed (`CI_COMMIT_SHA`, `GITHUB_SHA`).
    pub commit: Option<String>,
    /// The branch or tag (`CI_COMMIT_REF_NAME`, `GITHUB_REF_NAME`).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// The merge request / pull request number.
    pub change: Option<u64>,
    /// The pipeline job (`CI_JOB_URL`, the GitHub run).
    pub pipeline_url: Option<String>,
    pub actor: Option<String>,
    /// The Salesforce deployment id (`0Af…`).
    pub deploy_id: Option<String>,
    /// When the deployment (or the gate run) started, RFC 3339 UTC.
    pub started_at: String,
    /// When it was recorded, RFC 3339 UTC.
    pub recorded_at: String,
    /// The deployment's duration (its `startDate` to `completedDate`), else the gate run's.
    pub duration_seconds: f64,
    /// `success`, `failure` (a check failed), `error` (the gate could not decide).
    pub outcome: String,
    pub exit_code: i32,
    pub tests: Option<Tests>,
    pub coverage_percent: Option<f64>,
    #[serde(rename = "override")]
    pub override_: Option<RecordOverride>,
    pub rollback: bool,
}

impl Record {
    /// The common part of a record for `report`, with the CI context read by `env`.
    pub fn new(
        kind: &str,
        report: &ResultsReport,
        args: &RecordArgs,
        default_env: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        now: jiff::Timestamp,
    ) -> Record {
        let ci = crate::ci::CiContext::from_env_with(env);
        let get = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let team = args
            .team
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| get("SFCI_TEAM"))
            .or_else(|| get("CI_PROJECT_PATH"))
            .or_else(|| get("GITHUB_REPOSITORY"))
            .unwrap_or_else(|| "unknown".into());
        let environment = args
            .environment
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| get("SFCI_ENVIRONMENT"))
            .or_else(|| get("CI_ENVIRONMENT_NAME"))
            .or_else(|| default_env.map(str::to_string))
            .unwrap_or_else(|| "unknown".into());
        let exit = report.exit_code();
        let duration = report.duration.as_secs_f64();
        let started = now
            .checked_sub(jiff::SignedDuration::from_secs_f64(duration))
            .unwrap_or(now);
        Record {
            schema_version: SCHEMA_VERSION,
            kind: kind.into(),
            tool: report.tool.clone(),
            version: env!("CARGO_PKG_VERSION").into(),
            team: team.trim().into(),
            environment: environment.trim().into(),
            commit: ci.head_rev.clone().or_else(|| get("CI_COMMIT_SHA")),
            git_ref: get("CI_COMMIT_REF_NAME").or_else(|| get("GITHUB_REF_NAME")),
            change: ci.change_number,
            pipeline_url: get("CI_JOB_URL").or_else(|| {
                Some(format!(
                    "{}/{}/actions/runs/{}",
                    get("GITHUB_SERVER_URL")?,
                    get("GITHUB_REPOSITORY")?,
                    get("GITHUB_RUN_ID")?
                ))
            }),
            actor: ci.actor,
            deploy_id: None,
            started_at: rfc3339(started),
            recorded_at: rfc3339(now),
            duration_seconds: round3(duration),
            outcome: match exit {
                ExitCode::Passed => "success",
                ExitCode::Failed => "failure",
                ExitCode::Broken => "error",
            }
            .into(),
            exit_code: exit as i32,
            tests: None,
            coverage_percent: None,
            override_: report.overrides().next().map(|o| RecordOverride {
                gate: o.gate.clone(),
                who: o.who.clone(),
                why: o.why.clone(),
            }),
            rollback: args.rollback,
        }
    }

    /// A `gate deploy-result` record from the facts of its input.
    pub fn of_deploy(
        report: &ResultsReport,
        facts: &DeployFacts,
        args: &RecordArgs,
        env: &dyn Fn(&str) -> Option<String>,
        now: jiff::Timestamp,
    ) -> Record {
        let mut r = Record::new(facts.kind, report, args, None, env, now);
        r.deploy_id = facts.deploy_id.clone();
        if let Some((start, secs)) = facts.started_and_duration {
            r.started_at = rfc3339(start);
            r.duration_seconds = round3(secs);
        }
        r.tests = facts.tests;
        r.coverage_percent = facts.coverage_percent;
        r
    }

    /// The record as one JSON line (no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn success(&self) -> bool {
        self.outcome == "success"
    }

    /// The Pushgateway job and grouping key of this record, or `None` when it is not pushed
    /// (validations and test runs).
    pub fn push_target(&self) -> Option<(&'static str, Vec<(&'static str, String)>)> {
        let mut key = vec![
            ("team", self.team.clone()),
            ("environment", self.environment.clone()),
        ];
        match self.kind.as_str() {
            "deployment" => Some((DEPLOY_JOB, key)),
            "validation" | "test-run" => None,
            gate => {
                key.push(("gate", gate.to_string()));
                Some((GATE_JOB, key))
            }
        }
    }

    /// The gauges of this record in the Prometheus text exposition format. Success, failure
    /// and rollback timestamps are only present when they change (a `POST` keeps the others).
    pub fn exposition(&self, now: jiff::Timestamp) -> String {
        let prefix = if self.kind == "deployment" {
            "sfci_deploy"
        } else {
            "sfci_gate"
        };
        let ts = now.as_millisecond() as f64 / 1000.0;
        let mut gauges: Vec<(&str, &str, f64)> = vec![
            (
                "last_timestamp_seconds",
                "When the last run was recorded (Unix seconds); changes() counts runs.",
                ts,
            ),
            (
                "last_duration_seconds",
                "Duration of the last run.",
                self.duration_seconds,
            ),
            (
                "last_success",
                "1 when the last run succeeded, else 0.",
                if self.success() { 1.0 } else { 0.0 },
            ),
            (
                "last_override",
                "1 when the last run passed a gate with --override, else 0.",
                if self.override_.is_some() { 1.0 } else { 0.0 },
            ),
        ];
        if self.success() {
            gauges.push((
                "last_success_timestamp_seconds",
                "When the last successful run was recorded; changes() counts successes.",
                ts,
            ));
        } else {
            gauges.push((
                "last_failure_timestamp_seconds",
                "When the last unsuccessful run was recorded; changes() counts failures.",
                ts,
            ));
        }
        if self.kind == "deployment" {
            gauges.push((
                "last_rollback",
                "1 when the last deployment was a rollback, else 0.",
                if self.rollback { 1.0 } else { 0.0 },
            ));
            if self.rollback {
                gauges.push((
                    "last_rollback_timestamp_seconds",
                    "When the last rollback was recorded; changes() counts rollbacks.",
                    ts,
                ));
            }
            if let Some(t) = &self.tests {
                gauges.push((
                    "last_tests",
                    "Tests run by the last deployment.",
                    t.run as f64,
                ));
                gauges.push((
                    "last_tests_failed",
                    "Tests failed in the last deployment.",
                    t.failed as f64,
                ));
            }
            if let Some(c) = self.coverage_percent {
                gauges.push((
                    "last_coverage_percent",
                    "Org-wide coverage of the last deployment.",
                    c,
                ));
            }
        }
        let mut out = String::new();
        for (name, help, value) in gauges {
            out.push_str(&format!(
                "# HELP {prefix}_{name} {help}\n# TYPE {prefix}_{name} gauge\n{prefix}_{name} {value}\n"
            ));
        }
        out
    }
}

/// What a deploy record takes from the sf JSON: kept small, so the parsed result can be
/// dropped before the report is rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployFacts {
    /// `deployment`, `validation` or `test-run`.
    pub kind: &'static str,
    pub deploy_id: Option<String>,
    /// The deployment's `startDate` and its seconds to `completedDate`.
    pub started_and_duration: Option<(jiff::Timestamp, f64)>,
    pub tests: Option<Tests>,
    pub coverage_percent: Option<f64>,
}

impl DeployFacts {
    /// Reads the facts from the parsed result and the input's bytes (`raw`: the dates and
    /// the command's name, which the parsed result does not keep).
    pub fn read(parsed: &Parsed, raw: &[u8]) -> DeployFacts {
        let facts = RawFacts::read(raw);
        let started_and_duration = match (facts.started, facts.completed) {
            (Some(s), Some(e)) if e >= s => Some((s, e.duration_since(s).as_secs_f64())),
            _ => None,
        };
        let tests = (!parsed.tests.is_empty() || parsed.tests_declared.is_some()).then(|| {
            let failed = parsed
                .tests
                .iter()
                .filter(|t| matches!(t.outcome, TestOutcome::Fail))
                .count() as u64;
            let run = parsed
                .tests_declared
                .unwrap_or(0)
                .max(parsed.tests.len() as u64);
            Tests { run, failed }
        });
        let coverage_percent = parsed
            .org_wide_coverage
            .or_else(|| {
                let (covered, total) = parsed
                    .coverage
                    .iter()
                    .fold((0u64, 0u64), |(c, t), x| (c + x.covered, t + x.total));
                (total > 0).then(|| covered as f64 * 100.0 / total as f64)
            })
            .map(|c| (c * 100.0).round() / 100.0);
        DeployFacts {
            kind: deploy_kind(parsed, &facts),
            deploy_id: parsed.id.clone().or(facts.deploy_id),
            started_and_duration,
            tests,
            coverage_percent,
        }
    }
}

/// `deployment`, `validation` or `test-run`.
fn deploy_kind(parsed: &Parsed, facts: &RawFacts) -> &'static str {
    if parsed.kind == SfKind::TestRun {
        return "test-run";
    }
    match parsed.check_only.or(facts.check_only) {
        Some(true) => "validation",
        Some(false) => "deployment",
        // An error envelope without checkOnly: `sf project deploy validate` names itself.
        None if facts.validate_command => "validation",
        None => "deployment",
    }
}

/// What the parsed result does not keep: the dates and the command's name.
#[derive(Debug, Default)]
struct RawFacts {
    started: Option<jiff::Timestamp>,
    completed: Option<jiff::Timestamp>,
    check_only: Option<bool>,
    validate_command: bool,
    deploy_id: Option<String>,
}

impl RawFacts {
    fn read(raw: &[u8]) -> RawFacts {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(raw) else {
            return RawFacts::default();
        };
        let r = v.get("result").unwrap_or(&v);
        let date = |k: &str| {
            r.get(k)
                .and_then(serde_json::Value::as_str)
                .and_then(|s| s.parse::<jiff::Timestamp>().ok())
        };
        let check_only = match r.get("checkOnly") {
            Some(serde_json::Value::Bool(b)) => Some(*b),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        let names = ["commandName", "context", "name"];
        let validate_command = names.iter().any(|k| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .is_some_and(|s| s.contains("Validat"))
        });
        RawFacts {
            started: date("startDate").or_else(|| date("createdDate")),
            completed: date("completedDate"),
            check_only,
            validate_command,
            deploy_id: v
                .pointer("/data/deployId")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string),
        }
    }
}

fn rfc3339(t: jiff::Timestamp) -> String {
    t.round(jiff::Unit::Millisecond).unwrap_or(t).to_string()
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Appends `line` and a newline to `path`, creating parent folders.
pub fn append(path: &Path, line: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    // One write of the whole line: concurrent appenders do not interleave within a line.
    f.write_all(format!("{line}\n").as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// URL-safe base64 with padding, as the Pushgateway's `@base64` label values expect.
pub fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The push path: `/metrics/job/<job>/<label>@base64/<value>…` (every value base64-encoded,
/// so `/`, spaces and empty values are safe).
pub fn push_path(job: &str, key: &[(&str, String)]) -> String {
    let mut p = format!("/metrics/job@base64/{}", base64url(job.as_bytes()));
    for (k, v) in key {
        p.push_str(&format!("/{k}@base64/{}", base64url(v.as_bytes())));
    }
    p
}

/// The request policy of pushes (the notification policy).
pub fn http_config() -> HttpConfig {
    crate::notify::http_config()
}

/// `POST`s `body` to the Pushgateway at `url` under `path`. Errors never contain the URL.
pub fn push(url: &str, path: &str, body: String, http: HttpConfig) -> Result<(), PostError> {
    let config = |detail: &str| PostError::Config {
        service: SERVICE,
        detail: detail.into(),
    };
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|_| config("the Pushgateway URL does not parse (its value is not shown)"))?;
    // Any credential in the URL is what messages are scrubbed of; none is ever sent.
    let secret = Secret::new(parsed.password().unwrap_or_default().to_string());
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(config(
            "the Pushgateway URL carries credentials; sfci sends none (its value is not shown)",
        ));
    }
    let base = crate::net::parse_base_url_with(url, true).map_err(|e| config(&e))?;
    let mut full = base.clone();
    full.set_path(&format!("{}{path}", base.path().trim_end_matches('/')));
    let post = Post {
        service: SERVICE,
        refused_hint: "the Pushgateway refused the push (an authenticating proxy in front of it \
                       is not supported: sfci sends no credential)",
        url: full,
        body: body.into_bytes(),
        content_type: "text/plain; version=0.0.4",
        accept: "text/plain, */*",
        any_http: true,
        secret,
    };
    crate::net::post(&post, &http)
}

/// What messages call the Pushgateway.
const SERVICE: &str = "Pushgateway";

/// What became of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    Sent,
    NotAsked,
    /// Not a deployment (a validation, a test run).
    NotPushed(&'static str),
    Failed(String),
}

/// Writes `record` to `--record` and pushes it when asked; warnings on stderr.
pub fn finish(tool: &str, args: &RecordArgs, record: &Record) {
    let env = |k: &str| std::env::var(k).ok();
    finish_with(
        tool,
        args,
        record,
        &env,
        http_config(),
        jiff::Timestamp::now(),
    );
}

/// [`finish`] with an environment, a request policy and a clock (tests).
pub fn finish_with(
    tool: &str,
    args: &RecordArgs,
    record: &Record,
    env: &dyn Fn(&str) -> Option<String>,
    http: HttpConfig,
    now: jiff::Timestamp,
) -> Pushed {
    if let Some(path) = &args.record {
        match append(path, &record.to_line()) {
            Ok(()) => eprintln!("{tool}: recorded the {} in {}", record.kind, path.display()),
            Err(e) => eprintln!("{tool}: warning: the record was not written: {e}"),
        }
    }
    let Some(url) = args.pushgateway_url(env) else {
        return Pushed::NotAsked;
    };
    let Some((job, key)) = record.push_target() else {
        eprintln!(
            "{tool}: not pushed to the Pushgateway: a {} is not a deployment",
            record.kind
        );
        return Pushed::NotPushed("not a deployment");
    };
    let secret = reqwest::Url::parse(url.trim())
        .ok()
        .and_then(|u| u.password().map(|p| Secret::new(p.to_string())));
    match push(&url, &push_path(job, &key), record.exposition(now), http) {
        Ok(()) => {
            eprintln!(
                "{tool}: pushed the {} gauges of team {} / environment {} to the Pushgateway",
                record.kind, record.team, record.environment
            );
            Pushed::Sent
        }
        Err(e) => {
            let msg = e.to_string();
            let msg = secret.map(|s| s.scrub(&msg)).unwrap_or(msg);
            eprintln!("{tool}: warning: the Pushgateway push failed: {msg}");
            Pushed::Failed(msg)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::results::CheckResult;
    use std::time::Duration;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn now() -> jiff::Timestamp {
        "2025-03-07T21:00:00Z".parse().unwrap()
    }

    const GITLAB: &[(&str, &str)] = &[
        ("GITLAB_CI", "true"),
        ("CI_COMMIT_SHA", "a1b2c3d4e5f6"),
        ("CI_COMMIT_REF_NAME", "main"),
        ("CI_MERGE_REQUEST_IID", "42"),
        ("CI_PROJECT_PATH", "acme/sales-crm"),
        ("CI_ENVIRONMENT_NAME", "production"),
        (
            "CI_JOB_URL",
            "https://gitlab.example.com/acme/sales-crm/-/jobs/7",
        ),
        ("GITLAB_USER_LOGIN", "jane"),
    ];

    fn deploy(json: &str) -> (ResultsReport, Parsed) {
        let parsed = crate::gate::sf_result::parse(json.as_bytes(), "d.json").unwrap();
        let mut report = ResultsReport::new("gate deploy-result");
        report.results = vec![CheckResult::pass("deployment status", "ok")];
        (report, parsed)
    }

    const DEPLOY: &str = r#"{"status":0,"result":{"checkOnly":false,"status":"Succeeded","success":true,
        "done":true,"id":"0Af000000000001AAA","startDate":"2025-03-07T20:40:00.000Z",
        "completedDate":"2025-03-07T20:52:30.500Z","numberTestsCompleted":2,"numberTestsTotal":2,
        "details":{"runTestResult":{"numTestsRun":2,"numFailures":0,"codeCoverage":[
          {"name":"A","numLocations":10,"numLocationsNotCovered":2},
          {"name":"B","numLocations":10,"numLocationsNotCovered":3}]}}}}"#;

    #[test]
    fn a_deploy_record_takes_ci_context_dates_tests_and_coverage() {
        let (report, parsed) = deploy(DEPLOY);
        let args = RecordArgs::default();
        let r = Record::of_deploy(
            &report,
            &DeployFacts::read(&parsed, DEPLOY.as_bytes()),
            &args,
            &env(GITLAB),
            now(),
        );
        assert_eq!(r.kind, "deployment");
        assert_eq!(r.team, "acme/sales-crm");
        assert_eq!(r.environment, "production");
        assert_eq!(r.commit.as_deref(), Some("a1b2c3d4e5f6"));
        assert_eq!(r.change, Some(42));
        assert_eq!(r.actor.as_deref(), Some("jane"));
        assert_eq!(r.deploy_id.as_deref(), Some("0Af000000000001AAA"));
        assert_eq!(r.started_at, "2025-03-07T20:40:00Z");
        assert_eq!(r.duration_seconds, 750.5);
        assert_eq!(r.outcome, "success");
        assert!(!r.rollback && r.override_.is_none());
        assert_eq!(r.coverage_percent, Some(75.0));
        let v: serde_json::Value = serde_json::from_str(&r.to_line()).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["ref"], "main");
        assert!(v["override"].is_null());

        // Flags win over the CI variables; SFCI_TEAM over the project path.
        let args = RecordArgs {
            team: Some("sales".into()),
            environment: Some("uat".into()),
            rollback: true,
            ..Default::default()
        };
        let r = Record::of_deploy(
            &report,
            &DeployFacts::read(&parsed, b""),
            &args,
            &env(GITLAB),
            now(),
        );
        assert_eq!((r.team.as_str(), r.environment.as_str()), ("sales", "uat"));
        assert!(r.rollback);
        let r = Record::new(
            "lock-acquire",
            &report,
            &RecordArgs::default(),
            Some("uat"),
            &env(&[("SFCI_TEAM", "service")]),
            now(),
        );
        assert_eq!(
            (r.team.as_str(), r.environment.as_str()),
            ("service", "uat")
        );
        assert_eq!(r.commit, None);
    }

    #[test]
    fn validations_and_test_runs_are_not_deployments() {
        let raw = DEPLOY.replace(r#""checkOnly":false"#, r#""checkOnly":true"#);
        let (report, parsed) = deploy(&raw);
        let r = Record::of_deploy(
            &report,
            &DeployFacts::read(&parsed, raw.as_bytes()),
            &RecordArgs::default(),
            &env(&[]),
            now(),
        );
        assert_eq!(r.kind, "validation");
        assert_eq!(r.push_target(), None);
        let envelope = include_str!("../../fixtures/gate/validate-error.json");
        let (report, parsed) = deploy(envelope);
        let r = Record::of_deploy(
            &report,
            &DeployFacts::read(&parsed, envelope.as_bytes()),
            &RecordArgs::default(),
            &env(&[]),
            now(),
        );
        assert_eq!(r.kind, "validation");
        assert_eq!(r.deploy_id.as_deref(), Some("0Af1n00001if15hCAA"));
        let (job, key) = Record::new(
            "deploy-watch",
            &report,
            &RecordArgs::default(),
            None,
            &env(&[]),
            now(),
        )
        .push_target()
        .unwrap();
        assert_eq!(job, GATE_JOB);
        assert_eq!(key[2], ("gate", "deploy-watch".to_string()));
    }

    #[test]
    fn gauges_name_only_what_changed() {
        let (report, parsed) = deploy(DEPLOY);
        let mut r = Record::of_deploy(
            &report,
            &DeployFacts::read(&parsed, DEPLOY.as_bytes()),
            &RecordArgs::default(),
            &env(&[]),
            now(),
        );
        let text = r.exposition(now());
        assert!(text.contains("\nsfci_deploy_last_timestamp_seconds 1741381200\n"));
        assert!(text.contains("\nsfci_deploy_last_duration_seconds 750.5\n"));
        assert!(text.contains("\nsfci_deploy_last_success 1\n"));
        assert!(text.contains("\nsfci_deploy_last_success_timestamp_seconds 1741381200\n"));
        assert!(text.contains("\nsfci_deploy_last_rollback 0\n"));
        assert!(text.contains("\nsfci_deploy_last_coverage_percent 75\n"));
        assert!(text.contains("\nsfci_deploy_last_tests 2\n"));
        assert!(!text.contains("failure_timestamp") && !text.contains("rollback_timestamp"));
        assert!(text.contains("# TYPE sfci_deploy_last_success gauge\n"));
        r.outcome = "failure".into();
        r.rollback = true;
        let text = r.exposition(now());
        assert!(text.contains("\nsfci_deploy_last_failure_timestamp_seconds 1741381200\n"));
        assert!(text.contains("\nsfci_deploy_last_rollback_timestamp_seconds 1741381200\n"));
        assert!(!text.contains("success_timestamp"));
        // No counter is ever pushed.
        assert!(!text.contains("counter") && !text.contains("_total"));
    }

    #[test]
    fn label_values_are_base64url() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg==");
        assert_eq!(base64url(b"fo"), "Zm8=");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"acme/sales?>"), "YWNtZS9zYWxlcz8-");
        assert_eq!(
            push_path(
                "sfci_deploy",
                &[("team", "a/b".into()), ("environment", "".into())]
            ),
            "/metrics/job@base64/c2ZjaV9kZXBsb3k=/team@base64/YS9i/environment@base64/"
        );
    }

    #[test]
    fn records_append_and_create_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports/deep/deployments.jsonl");
        append(&path, "{\"a\":1}").unwrap();
        append(&path, "{\"a\":2}").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"a\":2}\n"
        );
        let err = append(&dir.path().join("reports/deep/deployments.jsonl/x"), "{}").unwrap_err();
        assert!(err.contains("deployments.jsonl"), "{err}");
    }

    #[test]
    fn a_dead_or_credentialed_pushgateway_is_a_warning_without_the_url() {
        let (report, parsed) = deploy(DEPLOY);
        let r = Record::of_deploy(
            &report,
            &DeployFacts::read(&parsed, DEPLOY.as_bytes()),
            &RecordArgs::default(),
            &env(&[]),
            now(),
        );
        let quick = HttpConfig {
            connect_timeout: Duration::from_millis(500),
            policy: crate::net::Policy {
                request_timeout: Duration::from_millis(500),
                max_retries: 1,
                initial_backoff: Duration::from_millis(10),
                log_retries: false,
                ..crate::net::Policy::default()
            },
            ..HttpConfig::default()
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let args = RecordArgs {
            pushgateway: Some(format!("http://127.0.0.1:{port}")),
            ..Default::default()
        };
        let out = finish_with("gate", &args, &r, &env(&[]), quick.clone(), now());
        assert!(
            matches!(out, Pushed::Failed(ref m) if m.contains("Pushgateway")),
            "{out:?}"
        );
        let args = RecordArgs {
            pushgateway: Some("https://bot:s3cr3tpw@push.example.com".into()),
            ..Default::default()
        };
        let Pushed::Failed(m) = finish_with("gate", &args, &r, &env(&[]), quick, now()) else {
            panic!("a credentialed URL is refused");
        };
        assert!(!m.contains("s3cr3tpw") && m.contains("credentials"), "{m}");
        // Validations are recorded, not pushed.
        let mut v = r.clone();
        v.kind = "validation".into();
        let args = RecordArgs {
            pushgateway: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        };
        assert_eq!(
            finish_with("gate", &args, &v, &env(&[]), http_config(), now()),
            Pushed::NotPushed("not a deployment")
        );
    }

    #[test]
    fn the_schema_accepts_records_and_lists_every_field() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/deployment-record.schema.json"))
                .unwrap();
        let v = jsonschema::draft202012::new(&schema).unwrap();
        let (report, parsed) = deploy(DEPLOY);
        let r = Record::of_deploy(
            &report,
            &DeployFacts::read(&parsed, DEPLOY.as_bytes()),
            &RecordArgs::default(),
            &env(GITLAB),
            now(),
        );
        let mut lines = vec![serde_json::to_value(&r).unwrap()];
        let mut o = r.clone();
        o.override_ = Some(RecordOverride {
            gate: "window".into(),
            who: "jane".into(),
            why: "INC-1".into(),
        });
        o.tests = None;
        o.commit = None;
        lines.push(serde_json::to_value(&o).unwrap());
        for line in &lines {
            let errors: Vec<String> = v.iter_errors(line).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:?}");
            for k in line.as_object().unwrap().keys() {
                assert!(
                    schema["properties"].get(k).is_some(),
                    "{k} not in the schema"
                );
            }
        }
        let mut bad = lines[0].clone();
        bad["outcome"] = "ok".into();
        assert!(!v.is_valid(&bad));
    }
}
