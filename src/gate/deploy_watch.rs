//! `gate deploy-watch`: polls a running deployment (`sf project deploy start --async` prints
//! its id, `0Af…`) through the Metadata REST resource
//! `GET /services/data/vXX.X/metadata/deployRequest/<id>?includeDetails=true`, and fails when
//! nothing has moved for `--stall-after` — Scenario 3's deployment sat at 83 % for hours on
//! one test. Progress is the deployed and failed component counts, the completed and failed
//! test counts and `stateDetail` (the component being deployed or the Apex test class
//! running, which the failure names). `--cancel-on-stall` asks Salesforce to cancel
//! (`PATCH … {"deployResult": {"status": "Canceling"}}`).
//!
//! Outcomes: `Succeeded` passes; `Failed`, `SucceededPartial`, `Canceled` fail; a stall
//! fails; still running at `--timeout` is an error (inconclusive). Transient API failures
//! are tolerated up to five in a row. `--warn-after` warns once (and notifies) when the
//! deployment is still running past a duration, and goes on watching. Polls come `--poll`
//! apart, or `--stall-after` apart when that is shorter, so a stall is reported on time.

use super::GateError;
use crate::gate::record::RecordArgs;
use crate::notify::NotifyArgs;
use crate::org::args::OrgArgs;
use crate::org::{Org, OrgError};
use crate::report::results::{CheckResult, ResultsReport, Status};
use serde_json::Value;
use std::time::{Duration, Instant};

/// What to watch.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub job_id: String,
    pub stall_after: Duration,
    pub poll: Duration,
    pub cancel_on_stall: bool,
    pub timeout: Duration,
    /// Warn once when the deployment is still running after this long.
    pub warn_after: Option<Duration>,
}

/// Whether to warn now: `--warn-after` is set, the deployment is still running past it, and
/// no warning was given yet.
pub fn warn_due(warn_after: Option<Duration>, elapsed: Duration, done: bool, warned: bool) -> bool {
    !done && !warned && warn_after.is_some_and(|w| elapsed >= w)
}

/// The `--warn-after` warning text.
pub fn warn_message(opts: &WatchOptions, elapsed: Duration, p: &Progress) -> String {
    format!(
        "deployment {} still running after {} (--warn-after {}): {}{}",
        opts.job_id,
        crate::report::text::format_duration(elapsed),
        opts.warn_after
            .map(crate::report::text::format_duration)
            .unwrap_or_default(),
        p.summary(),
        p.state_detail
            .as_deref()
            .map(|d| format!(" — {d}"))
            .unwrap_or_default()
    )
}

/// One poll's view of the deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub status: String,
    pub done: bool,
    pub components_deployed: u64,
    pub components_total: u64,
    pub component_errors: u64,
    pub tests_completed: u64,
    pub tests_total: u64,
    pub test_errors: u64,
    pub state_detail: Option<String>,
}

impl Progress {
    /// What must change for the deployment to count as moving.
    fn key(&self) -> (u64, u64, u64, u64, &str, Option<&str>) {
        (
            self.components_deployed,
            self.component_errors,
            self.tests_completed,
            self.test_errors,
            self.status.as_str(),
            self.state_detail.as_deref(),
        )
    }

    /// `components 120/140, tests 415/500 (83 %)`.
    pub fn summary(&self) -> String {
        // Counts come from the org: saturate rather than overflow.
        let done = self
            .components_deployed
            .saturating_add(self.component_errors)
            .saturating_add(self.tests_completed)
            .saturating_add(self.test_errors);
        let total = self.components_total.saturating_add(self.tests_total);
        let pct = if total == 0 {
            0
        } else {
            (done as f64 * 100.0 / total as f64).min(100.0) as u64
        };
        let mut s = format!(
            "{}: components {}/{}",
            self.status,
            self.components_deployed
                .saturating_add(self.component_errors),
            self.components_total
        );
        if self.component_errors > 0 {
            s.push_str(&format!(" ({} failed)", self.component_errors));
        }
        s.push_str(&format!(
            ", tests {}/{}",
            self.tests_completed.saturating_add(self.test_errors),
            self.tests_total
        ));
        if self.test_errors > 0 {
            s.push_str(&format!(" ({} failed)", self.test_errors));
        }
        s.push_str(&format!(" ({pct} %)"));
        s
    }
}

fn num(v: &Value, key: &str) -> u64 {
    match v.get(key) {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// Reads the `deployResult` of a deployRequest answer (numbers or strings, leniently).
pub fn parse_progress(body: &Value) -> Result<Progress, String> {
    let r = body
        .get("deployResult")
        .ok_or("the answer has no deployResult")?;
    let status = r
        .get("status")
        .and_then(Value::as_str)
        .ok_or("deployResult has no status")?
        .to_string();
    let done = match r.get("done") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => matches!(
            status.as_str(),
            "Succeeded" | "SucceededPartial" | "Failed" | "Canceled"
        ),
    };
    Ok(Progress {
        done,
        components_deployed: num(r, "numberComponentsDeployed"),
        components_total: num(r, "numberComponentsTotal"),
        component_errors: num(r, "numberComponentErrors"),
        tests_completed: num(r, "numberTestsCompleted"),
        tests_total: num(r, "numberTestsTotal"),
        test_errors: num(r, "numberTestErrors"),
        state_detail: r
            .get("stateDetail")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string),
        status,
    })
}

/// A deployment id: `0Af` and 15 or 18 letters and digits (it goes into a URL path).
pub fn check_job_id(id: &str) -> Result<(), String> {
    let ok = (id.len() == 15 || id.len() == 18)
        && id.starts_with("0Af")
        && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--job-id {id:?} is not a deployment id (0Af… with 15 or 18 letters and digits, as `sf project deploy start --async` prints)"
        ))
    }
}

/// Most API failures in a row before the watch gives up.
const MAX_CONSECUTIVE_ERRORS: u32 = 5;

fn result(
    opts: &WatchOptions,
    status: Status,
    message: String,
    timeline: &[String],
    started: Instant,
) -> CheckResult {
    let mut r = CheckResult::new(format!("deployment {}", opts.job_id), status, message)
        .with_group("gate.deploy-watch")
        .with_duration(started.elapsed())
        .with_extra("job_id", opts.job_id.clone().into());
    if !timeline.is_empty() {
        let shown: Vec<&String> = timeline
            .iter()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        r = r.with_detail(
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    r
}

/// Watches until the deployment finishes, stalls, or `opts.timeout` passes.
pub async fn watch(org: &Org, opts: &WatchOptions) -> Vec<CheckResult> {
    watch_with(org, opts, &mut |_| {}).await
}

/// [`watch`], calling `on_warn` once with the message when `--warn-after` passes (the caller
/// notifies); the result then carries `warned_after_ms`.
pub async fn watch_with(
    org: &Org,
    opts: &WatchOptions,
    on_warn: &mut (dyn FnMut(&str) + Send),
) -> Vec<CheckResult> {
    let mut warned = false;
    let results = watch_inner(org, opts, &mut |elapsed, p| {
        if warn_due(opts.warn_after, elapsed, p.done, warned) {
            warned = true;
            let m = warn_message(opts, elapsed, p);
            eprintln!("gate deploy-watch: warning: {m}");
            on_warn(&m);
        }
    })
    .await;
    if warned {
        let ms = opts.warn_after.unwrap_or_default().as_millis() as u64;
        return results
            .into_iter()
            .map(|r| r.with_extra("warned_after_ms", ms.into()))
            .collect();
    }
    results
}

async fn watch_inner(
    org: &Org,
    opts: &WatchOptions,
    on_poll: &mut (dyn FnMut(Duration, &Progress) + Send),
) -> Vec<CheckResult> {
    let started = Instant::now();
    // A stall is noticed within --stall-after even when it is shorter than --poll: the
    // pause between polls never exceeds it.
    let pause = opts.poll.min(opts.stall_after);
    let path = format!(
        "/services/data/v{}/metadata/deployRequest/{}?includeDetails=true",
        org.config().api_version,
        opts.job_id
    );
    let mut timeline: Vec<String> = Vec::new();
    let mut last: Option<Progress> = None;
    let mut last_change = Instant::now();
    let mut errors_in_a_row = 0u32;
    loop {
        let elapsed = crate::report::text::format_duration(started.elapsed());
        match org
            .get_json::<Value>(&path)
            .await
            .map_err(|e| e.to_string())
            .and_then(|v| parse_progress(&v))
        {
            Ok(p) => {
                errors_in_a_row = 0;
                let moved = last.as_ref().is_none_or(|l| l.key() != p.key());
                if moved {
                    last_change = Instant::now();
                    timeline.push(format!(
                        "+{elapsed} {}{}",
                        p.summary(),
                        p.state_detail
                            .as_deref()
                            .map(|d| format!(" — {d}"))
                            .unwrap_or_default()
                    ));
                    eprintln!(
                        "gate deploy-watch: {}",
                        timeline.last().map(String::as_str).unwrap_or("")
                    );
                }
                on_poll(started.elapsed(), &p);
                if p.done {
                    let (status, message) = match p.status.as_str() {
                        "Succeeded" => (Status::Pass, format!("deployed: {}", p.summary())),
                        other => (
                            Status::Fail,
                            format!("the deployment ended {other}: {}", p.summary()),
                        ),
                    };
                    return vec![result(opts, status, message, &timeline, started)];
                }
                let still = last_change.elapsed();
                if still >= opts.stall_after {
                    let running = p
                        .state_detail
                        .as_deref()
                        .map(|d| format!("; still running: {d}"))
                        .unwrap_or_default();
                    let mut message = format!(
                        "stalled: no progress for {} at {}{running}",
                        crate::report::text::format_duration(still),
                        p.summary()
                    );
                    if opts.cancel_on_stall {
                        message.push_str(&cancel(org, opts).await);
                    }
                    return vec![result(opts, Status::Fail, message, &timeline, started)];
                }
                last = Some(p);
            }
            Err(_) if started.elapsed() >= opts.timeout => {
                // The run's deadline cut the poll short: report it as the timeout below.
            }
            Err(e) => {
                errors_in_a_row += 1;
                timeline.push(format!("+{elapsed} poll failed: {e}"));
                let fatal = e.contains("org auth") || e.contains("daily API request limit");
                if fatal || errors_in_a_row >= MAX_CONSECUTIVE_ERRORS {
                    return vec![result(
                        opts,
                        Status::Error,
                        format!("cannot follow the deployment: {e}"),
                        &timeline,
                        started,
                    )];
                }
            }
        }
        if started.elapsed() + pause > opts.timeout {
            let mut r = result(
                opts,
                Status::Error,
                format!(
                    "still in progress after {} (--timeout){}",
                    crate::report::text::format_duration(started.elapsed()),
                    last.as_ref()
                        .map(|p| format!(": {}", p.summary()))
                        .unwrap_or_default()
                ),
                &timeline,
                started,
            );
            r.inconclusive = true;
            return vec![r];
        }
        tokio::time::sleep(pause).await;
    }
}

/// Requests cancellation; the text to append to the failure message.
async fn cancel(org: &Org, opts: &WatchOptions) -> String {
    let path = format!(
        "/services/data/v{}/metadata/deployRequest/{}",
        org.config().api_version,
        opts.job_id
    );
    let body = serde_json::json!({"deployResult": {"status": "Canceling"}});
    match org.patch_json(&path, &body).await {
        Ok(_) => "; cancellation requested (--cancel-on-stall)".to_string(),
        Err(e @ OrgError::Api { .. }) | Err(e) => format!("; cancelling failed: {e}"),
    }
}

/// `gate deploy-watch`.
pub struct Watch {
    pub opts: WatchOptions,
    pub org: OrgArgs,
    pub notify: NotifyArgs,
    pub record: RecordArgs,
}

/// Checks the options: a deployment id, and a poll and a stall time above zero.
pub fn check_options(opts: &WatchOptions) -> Result<(), GateError> {
    check_job_id(&opts.job_id)?;
    if opts.poll.is_zero() || opts.stall_after.is_zero() {
        return Err("--poll and --stall-after must be more than 0s".into());
    }
    Ok(())
}

/// Logs in and watches the deployment; no request or retry outlives `--timeout`, and a
/// login that fails is an error case (the gate could not decide).
pub fn run(w: &Watch) -> Result<ResultsReport, GateError> {
    let started = Instant::now();
    let opts = &w.opts;
    check_options(opts)?;
    let creds = w.org.auth_inputs().resolve()?;
    let mut cfg = w.org.config()?;
    // No request or retry outlives --timeout.
    cfg.policy.deadline = Some(started + opts.timeout);
    let rt = crate::org::runtime().map_err(|e| e.to_string())?;
    let mut on_warn = |m: &str| {
        let msg = crate::notify::Message::warning(
            format!(
                "gate deploy-watch: deployment {} is running long",
                opts.job_id
            ),
            vec![m.to_string()],
            &|k| std::env::var(k).ok(),
        );
        // The HTTP layer runs its own runtime: post from a thread of its own, not
        // from inside the watch's (bounded: 30 s in all).
        std::thread::scope(|s| {
            s.spawn(|| crate::notify::message_if_asked(super::TOOL, &w.notify, &msg));
        });
    };
    let results = rt.block_on(async {
        match Org::connect(creds, cfg).await {
            Ok(client) => watch_with(&client, opts, &mut on_warn).await,
            Err(e) => vec![CheckResult::error(
                format!("deployment {}", opts.job_id),
                format!("cannot log in to the org: {e}"),
            )
            .with_group("gate.deploy-watch")],
        }
    });
    let report = super::report("deploy-watch", results, started);
    super::context_record(&w.record, "deploy-watch", &report, None, Some(&opts.job_id));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_are_checked_before_logging_in() {
        let opts = WatchOptions {
            job_id: "0Af5g00000ABCDE".into(),
            stall_after: Duration::from_secs(900),
            poll: Duration::ZERO,
            cancel_on_stall: false,
            timeout: Duration::from_secs(60),
            warn_after: None,
        };
        let e = check_options(&opts).unwrap_err();
        assert_eq!(e.0, "--poll and --stall-after must be more than 0s");
        let e = check_options(&WatchOptions {
            job_id: "not-an-id".into(),
            ..opts.clone()
        })
        .unwrap_err();
        assert!(e.0.contains("not-an-id"), "{e}");
        assert!(check_options(&WatchOptions {
            poll: Duration::from_secs(30),
            ..opts
        })
        .is_ok());
    }
    use serde_json::json;

    #[test]
    fn progress_is_read_leniently() {
        let p = parse_progress(&json!({"id": "0Af1", "deployResult": {"status": "InProgress", "done": false,
            "numberComponentsDeployed": 120, "numberComponentsTotal": "140", "numberComponentErrors": 0,
            "numberTestsCompleted": "415", "numberTestsTotal": 500, "numberTestErrors": 2,
            "stateDetail": "Running Test: InvoiceSyncTest"}}))
        .unwrap();
        assert_eq!(p.components_total, 140);
        assert_eq!(p.tests_completed, 415);
        assert_eq!(
            p.summary(),
            "InProgress: components 120/140, tests 417/500 (2 failed) (83 %)"
        );
        assert!(!p.done);
        assert!(parse_progress(&json!({"id": "x"})).is_err());
        let done = parse_progress(&json!({"deployResult": {"status": "Failed"}})).unwrap();
        assert!(done.done);
    }

    #[test]
    fn warn_after_warns_once_while_running() {
        let m = Duration::from_secs(60);
        assert!(!warn_due(None, 100 * m, false, false));
        assert!(!warn_due(Some(30 * m), 29 * m, false, false));
        assert!(warn_due(Some(30 * m), 30 * m, false, false));
        assert!(!warn_due(Some(30 * m), 31 * m, false, true), "once");
        assert!(
            !warn_due(Some(30 * m), 31 * m, true, false),
            "not when done"
        );
        let opts = WatchOptions {
            job_id: "0Af5g00000ABCDE".into(),
            stall_after: m,
            poll: m,
            cancel_on_stall: false,
            timeout: 120 * m,
            warn_after: Some(30 * m),
        };
        let p = parse_progress(&json!({"deployResult": {"status": "InProgress",
            "numberTestsTotal": 10, "numberTestsCompleted": 5, "stateDetail": "Running Test: T"}}))
        .unwrap();
        let msg = warn_message(&opts, 31 * m, &p);
        assert!(
            msg.starts_with("deployment 0Af5g00000ABCDE still running after 31m 00s"),
            "{msg}"
        );
        assert!(
            msg.contains("(--warn-after 30m 00s)") && msg.ends_with("— Running Test: T"),
            "{msg}"
        );
    }

    #[test]
    fn job_ids() {
        assert!(check_job_id("0Af5g00000ABCDE").is_ok());
        assert!(check_job_id("0Af5g00000ABCDEFGH").is_ok());
        assert!(check_job_id("0Af5g00000ABC/../x").is_err());
        assert!(check_job_id("001000000000001").is_err());
    }
}
