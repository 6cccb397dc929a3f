//! `gate error-rate`: an analysis loop over an error measurement, modelled on Argo Rollouts'
//! AnalysisRun, for the 10/50/100 % activation steps of Scenario 4.
//!
//! Each of `count` measurements, `interval` apart:
//!
//! 1. `current` = the measurement query (a count of errors in the last minutes), divided by
//!    the `total` query when one is given (errors / requests = a rate);
//! 2. `baseline` = a constant, or the baseline query × `scale` (the reference takes
//!    yesterday's count / 288 = one 5-minute slot) — in the same unit as `current`;
//! 3. `threshold` = max(`baseline` × `max_ratio`, `floor`): the floor keeps a zero baseline
//!    from turning one error into an alarm;
//! 4. the measurement is *successful* when `current ≤ threshold`, *failed* above it,
//!    *inconclusive* when a query has no data (or the total is 0), an *error* when a query
//!    could not run.
//!
//! The run **fails** as soon as failed measurements exceed `failure_limit`; it **errors** when
//! consecutive errors exceed `consecutive_error_limit`; it is **inconclusive** (status `error`,
//! `"inconclusive": true` — never a pass) when inconclusive measurements exceed
//! `inconclusive_limit` or no measurement succeeded. Every measurement is a JUnit test case
//! (failures and errors within their limits are reported as tolerated), plus one for the
//! verdict.
//!
//! The data comes from a [`Measure`] source: [`super::prometheus::Prometheus`] (the HTTP
//! API's instant query) here; a Salesforce SOQL `COUNT()` source implements the same trait.

use super::GateError;
use crate::gate::prometheus::Prometheus;
use crate::gate::record::RecordArgs;
use crate::gate::soql::OrgSource;
use crate::net::Secret;
use crate::org::args::OrgArgs;
use crate::org::Api;
use crate::report::results::{CheckResult, ResultsReport, Status};
use std::time::{Duration, Instant};

/// Why a measurement could not be taken (network, auth, a bad query). The message must not
/// contain secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureError(pub String);

impl std::fmt::Display for MeasureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A source of measurements: runs one query and returns one number.
///
/// - `Ok(Some(v))`: the value now (a count, a rate — any finite number);
/// - `Ok(None)`: the query ran but has no data (empty result, NaN) — *inconclusive*;
/// - `Err(e)`: the query could not run (after the source's own bounded retries).
///
/// Implementations apply their own timeouts and retries; the loop calls `measure` at most
/// three times per measurement (query, total, baseline).
pub trait Measure {
    /// What the source is, for reports (`Prometheus http://prom:9090`), without secrets.
    fn describe(&self) -> String;
    fn measure(&mut self, query: &str) -> Result<Option<f64>, MeasureError>;
}

/// The baseline: a constant, or a query scaled.
#[derive(Debug, Clone, PartialEq)]
pub enum Baseline {
    Constant(f64),
    Query { query: String, scale: f64 },
}

/// The analysis settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub query: String,
    pub total_query: Option<String>,
    pub baseline: Baseline,
    pub max_ratio: f64,
    pub floor: f64,
    pub interval: Duration,
    pub count: u32,
    pub failure_limit: u32,
    pub consecutive_error_limit: u32,
    pub inconclusive_limit: u32,
}

impl Analysis {
    /// Checks the numbers.
    pub fn validate(&self) -> Result<(), GateError> {
        if self.query.trim().is_empty() {
            return Err("--query is empty".into());
        }
        if self.count == 0 {
            return Err("--count must be at least 1".into());
        }
        if !(self.max_ratio.is_finite() && self.max_ratio > 0.0) {
            return Err(format!(
                "--max-ratio must be a positive number, not {}",
                self.max_ratio
            )
            .into());
        }
        if !(self.floor.is_finite() && self.floor >= 0.0) {
            return Err(format!("--floor must be 0 or more, not {}", self.floor).into());
        }
        match &self.baseline {
            Baseline::Constant(b) if !(b.is_finite() && *b >= 0.0) => {
                Err(format!("--baseline must be 0 or more, not {b}").into())
            }
            Baseline::Query { scale, .. } if !(scale.is_finite() && *scale > 0.0) => {
                Err(format!("--baseline-scale must be a positive number, not {scale}").into())
            }
            Baseline::Query { query, .. } if query.trim().is_empty() => {
                Err("--baseline-query is empty".into())
            }
            _ => Ok(()),
        }
    }
}

/// The baseline of `--baseline-query Q [--baseline-scale F]` or `--baseline VALUE`: exactly
/// one of them.
pub fn baseline(
    query: Option<String>,
    scale: f64,
    constant: Option<f64>,
) -> Result<Baseline, GateError> {
    match (query, constant) {
        (Some(query), None) => Ok(Baseline::Query { query, scale }),
        (None, Some(b)) => Ok(Baseline::Constant(b)),
        _ => Err(GateError(
            "give a baseline: --baseline VALUE or --baseline-query QUERY [--baseline-scale F]"
                .into(),
        )),
    }
}

/// Where the measurements come from: Prometheus when a URL is given, else SOQL against the
/// org.
pub struct Source {
    /// The Prometheus server (its token, if any, in `SFCI_PROMETHEUS_TOKEN`).
    pub prometheus: Option<String>,
    /// The timeout of one query (it also caps the org's request timeout).
    pub query_timeout: Duration,
    pub org: OrgArgs,
}

impl Source {
    /// Connects: `Ok(Err(message))` when the org is unreachable — a failed measurement
    /// source to report, not a gate that could not start.
    fn open(&self) -> Result<Result<Box<dyn Measure>, String>, GateError> {
        match &self.prometheus {
            Some(url) => {
                let token = std::env::var("SFCI_PROMETHEUS_TOKEN")
                    .ok()
                    .filter(|t| !t.trim().is_empty())
                    .map(Secret::new);
                Ok(Ok(Box::new(Prometheus::new(
                    url,
                    token,
                    self.query_timeout,
                )?)))
            }
            None => {
                let creds = self.org.auth_inputs().resolve().map_err(|e| {
                    GateError(format!(
                        "no measurement source: pass --prometheus URL, or org credentials for SOQL queries ({e})"
                    ))
                })?;
                let mut cfg = self.org.config()?;
                cfg.policy.request_timeout = cfg.policy.request_timeout.min(self.query_timeout);
                Ok(OrgSource::connect(creds, cfg, Api::Rest)
                    .map(|source| Box::new(source) as Box<dyn Measure>))
            }
        }
    }
}

/// `gate error-rate`.
pub struct ErrorRate {
    pub analysis: Analysis,
    pub source: Source,
    pub record: RecordArgs,
}

/// Checks the analysis, connects to the source and runs the analysis (an unreachable org is
/// an error case in every report, never a pass).
pub fn run(c: &ErrorRate) -> Result<ResultsReport, GateError> {
    c.analysis.validate()?;
    let started = Instant::now();
    let results = match c.source.open()? {
        Ok(mut source) => analyse(&c.analysis, source.as_mut(), &mut std::thread::sleep),
        Err(e) => vec![CheckResult::error("error rate", e).with_group("error-rate")],
    };
    let report = super::report("error-rate", results, started);
    super::context_record(&c.record, "error-rate", &report, None, None);
    Ok(report)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Successful,
    Failed,
    Inconclusive,
    Error,
}

struct Taken {
    outcome: Outcome,
    message: String,
    detail: String,
    current: Option<f64>,
    baseline: Option<f64>,
    threshold: Option<f64>,
    duration: Duration,
}

fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Why a measurement ended before its verdict: no data (inconclusive) or a query that
/// failed (error).
struct Stopped {
    outcome: Outcome,
    message: String,
}

/// One query's answer as a number; `what` names the query in the message
/// (`query`, `total query`, `baseline query`).
fn answer(r: Result<Option<f64>, MeasureError>, what: &str) -> Result<f64, Stopped> {
    match r {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(Stopped {
            outcome: Outcome::Inconclusive,
            message: format!("no data for the {what}"),
        }),
        Err(e) => Err(Stopped {
            outcome: Outcome::Error,
            message: format!("the {what} failed: {e}"),
        }),
    }
}

/// The current value: the query, divided by the total query when there is one (a total of
/// 0 means no traffic, so no rate).
fn current(a: &Analysis, src: &mut dyn Measure, detail: &mut Vec<String>) -> Result<f64, Stopped> {
    let count = answer(src.measure(&a.query), "query")?;
    detail.push(format!("value: {}", fmt_num(count)));
    let Some(tq) = &a.total_query else {
        return Ok(count);
    };
    detail.push(format!("total query: {tq}"));
    let t = answer(src.measure(tq), "total query")?;
    if t > 0.0 {
        detail.push(format!("total: {}", fmt_num(t)));
        Ok(count / t)
    } else {
        Err(Stopped {
            outcome: Outcome::Inconclusive,
            message: "the total is 0: no traffic, so no rate".into(),
        })
    }
}

/// The baseline now: the constant, or the baseline query × its scale.
fn baseline_now(
    a: &Analysis,
    src: &mut dyn Measure,
    detail: &mut Vec<String>,
) -> Result<f64, Stopped> {
    match &a.baseline {
        Baseline::Constant(b) => {
            detail.push(format!("baseline: {} (constant)", fmt_num(*b)));
            Ok(*b)
        }
        Baseline::Query { query, scale } => {
            detail.push(format!("baseline query: {query} × {}", fmt_num(*scale)));
            let b = answer(src.measure(query), "baseline query")?;
            detail.push(format!(
                "baseline: {} × {} = {}",
                fmt_num(b),
                fmt_num(*scale),
                fmt_num(b * scale)
            ));
            Ok(b * scale)
        }
    }
}

/// The verdict on `current` against max(`baseline` × max-ratio, floor): the outcome, its
/// message and the threshold.
fn judge(
    a: &Analysis,
    current: f64,
    baseline: f64,
    detail: &mut Vec<String>,
) -> (Outcome, String, f64) {
    let threshold = (baseline * a.max_ratio).max(a.floor);
    detail.push(format!(
        "threshold: max({} × {}, floor {}) = {}",
        fmt_num(baseline),
        fmt_num(a.max_ratio),
        fmt_num(a.floor),
        fmt_num(threshold)
    ));
    let (outcome, sign) = if current <= threshold {
        (Outcome::Successful, "≤")
    } else {
        (Outcome::Failed, ">")
    };
    let message = format!(
        "{} {sign} {} (baseline {} × {}, floor {})",
        fmt_num(current),
        fmt_num(threshold),
        fmt_num(baseline),
        fmt_num(a.max_ratio),
        fmt_num(a.floor)
    );
    (outcome, message, threshold)
}

/// One measurement: the current value, the baseline, the verdict.
fn take(a: &Analysis, src: &mut dyn Measure) -> Taken {
    let started = Instant::now();
    let mut detail = vec![format!("query: {}", a.query)];
    let done = |outcome, message: String, detail: Vec<String>, c, b, t| Taken {
        outcome,
        message,
        detail: detail.join("\n"),
        current: c,
        baseline: b,
        threshold: t,
        duration: started.elapsed(),
    };
    let current = match current(a, src, &mut detail) {
        Ok(v) => v,
        Err(s) => return done(s.outcome, s.message, detail, None, None, None),
    };
    let baseline = match baseline_now(a, src, &mut detail) {
        Ok(b) => b,
        Err(s) => return done(s.outcome, s.message, detail, Some(current), None, None),
    };
    let (outcome, message, threshold) = judge(a, current, baseline, &mut detail);
    done(
        outcome,
        message,
        detail,
        Some(current),
        Some(baseline),
        Some(threshold),
    )
}

/// The measurements' outcomes so far.
#[derive(Debug, Default)]
struct Tally {
    successful: u32,
    failed: u32,
    inconclusive: u32,
    errors: u32,
    consecutive_errors: u32,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Successful => self.successful += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Inconclusive => self.inconclusive += 1,
            Outcome::Error => self.errors += 1,
        }
        if outcome == Outcome::Error {
            self.consecutive_errors += 1;
        } else {
            self.consecutive_errors = 0;
        }
    }

    /// The limit the measurements went over, if any: the analysis stops there.
    fn limit_exceeded(&self, a: &Analysis) -> Option<&'static str> {
        if self.failed > a.failure_limit {
            Some("failure limit exceeded")
        } else if self.consecutive_errors > a.consecutive_error_limit {
            Some("consecutive error limit exceeded")
        } else if self.inconclusive > a.inconclusive_limit {
            Some("inconclusive limit exceeded")
        } else {
            None
        }
    }
}

/// Runs the analysis; `sleep` waits between measurements (tests pass a no-op).
pub fn analyse(
    a: &Analysis,
    src: &mut dyn Measure,
    sleep: &mut dyn FnMut(Duration),
) -> Vec<CheckResult> {
    let started = Instant::now();
    let mut taken: Vec<Taken> = Vec::new();
    let mut tally = Tally::default();
    let mut stopped: Option<String> = None;
    for i in 0..a.count {
        if i > 0 && !a.interval.is_zero() {
            sleep(a.interval);
        }
        let t = take(a, src);
        tally.add(t.outcome);
        eprintln!(
            "gate error-rate: measurement {} of {}: {}",
            i + 1,
            a.count,
            t.message
        );
        taken.push(t);
        if let Some(why) = tally.limit_exceeded(a) {
            stopped = Some(format!("stopped after measurement {}: {why}", i + 1));
            break;
        }
    }
    let (verdict, verdict_status) = verdict(a, &tally, taken.len(), stopped);
    let verdict = verdict
        .with_duration(started.elapsed())
        .with_extra("source", src.describe().into());
    let mut out: Vec<CheckResult> = taken
        .into_iter()
        .enumerate()
        .map(|(i, t)| measurement_case(a, i, t, verdict_status))
        .collect();
    out.push(verdict);
    out
}

/// The verdict of `n` measurements (`stopped` says why they stopped early) and its status:
/// failed above the failure limit, an error above the consecutive error limit,
/// inconclusive above the inconclusive limit or without a successful measurement.
fn verdict(a: &Analysis, t: &Tally, n: usize, stopped: Option<String>) -> (CheckResult, Status) {
    let Tally {
        successful,
        failed,
        inconclusive,
        errors,
        consecutive_errors,
    } = *t;
    let counts = format!(
        "{n} measurement(s): {successful} successful, {failed} failed, {inconclusive} inconclusive, {errors} error(s)"
    );
    let suffix = stopped.map(|s| format!("; {s}")).unwrap_or_default();
    let (verdict, status) = if failed > a.failure_limit {
        (CheckResult::fail(
            "error-rate analysis",
            format!("the error rate is above its threshold: {failed} failed measurement(s) > --failure-limit {}; {counts}{suffix}", a.failure_limit),
        ), Status::Fail)
    } else if consecutive_errors > a.consecutive_error_limit {
        (CheckResult::error(
            "error-rate analysis",
            format!("{consecutive_errors} consecutive measurement errors > --consecutive-error-limit {}; {counts}{suffix}", a.consecutive_error_limit),
        ), Status::Error)
    } else if inconclusive > a.inconclusive_limit || successful == 0 {
        (
            CheckResult::inconclusive(
                "error-rate analysis",
                format!("inconclusive: not enough data to decide; {counts}{suffix}"),
            ),
            Status::Error,
        )
    } else {
        (
            CheckResult::pass(
                "error-rate analysis",
                format!("the error rate stayed under its threshold; {counts}"),
            ),
            Status::Pass,
        )
    };
    let verdict = verdict
        .with_group("error-rate")
        .with_extra("measurements", n.into())
        .with_extra("successful", successful.into())
        .with_extra("failed", failed.into())
        .with_extra("inconclusive_count", inconclusive.into())
        .with_extra("errors", errors.into());
    (verdict, status)
}

/// Measurement `i` as a case: failures, errors and no-data within their limits are
/// reported as tolerated when the verdict allows it.
fn measurement_case(a: &Analysis, i: usize, t: Taken, verdict_status: Status) -> CheckResult {
    let name = format!("measurement {} of {}", i + 1, a.count);
    let mut r = match (t.outcome, verdict_status) {
        (Outcome::Successful, _) => CheckResult::pass(&name, t.message),
        (Outcome::Failed, Status::Fail) => CheckResult::fail(&name, t.message),
        (Outcome::Failed, _) => CheckResult::pass(
            &name,
            format!(
                "{} — tolerated (within --failure-limit {})",
                t.message, a.failure_limit
            ),
        ),
        (Outcome::Inconclusive, Status::Pass) => CheckResult::skip(
            &name,
            format!(
                "{} — tolerated (within --inconclusive-limit {})",
                t.message, a.inconclusive_limit
            ),
        ),
        (Outcome::Inconclusive, _) => CheckResult::inconclusive(&name, t.message),
        (Outcome::Error, Status::Pass) => CheckResult::skip(
            &name,
            format!(
                "{} — tolerated (within --consecutive-error-limit {})",
                t.message, a.consecutive_error_limit
            ),
        ),
        (Outcome::Error, _) => CheckResult::error(&name, t.message),
    };
    let outcome = match t.outcome {
        Outcome::Successful => "successful",
        Outcome::Failed => "failed",
        Outcome::Inconclusive => "inconclusive",
        Outcome::Error => "error",
    };
    r = r
        .with_group("error-rate")
        .with_detail(t.detail)
        .with_duration(t.duration)
        .with_extra("outcome", outcome.into());
    for (k, v) in [
        ("value", t.current),
        ("baseline", t.baseline),
        ("threshold", t.threshold),
    ] {
        if let Some(v) = v {
            r = r.with_extra(k, v.into());
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    type Answer = Result<Option<f64>, MeasureError>;

    /// Answers per query from a script; the last answer repeats.
    struct Scripted {
        answers: Vec<(String, VecDeque<Answer>)>,
        calls: Vec<String>,
    }

    impl Scripted {
        #[allow(clippy::type_complexity)]
        fn new(spec: &[(&str, &[Result<Option<f64>, &str>])]) -> Self {
            Scripted {
                answers: spec
                    .iter()
                    .map(|(q, a)| {
                        (
                            q.to_string(),
                            a.iter()
                                .map(|r| r.map_err(|e| MeasureError(e.to_string())))
                                .collect(),
                        )
                    })
                    .collect(),
                calls: Vec::new(),
            }
        }
    }

    impl Measure for Scripted {
        fn describe(&self) -> String {
            "scripted".into()
        }
        fn measure(&mut self, query: &str) -> Result<Option<f64>, MeasureError> {
            self.calls.push(query.to_string());
            let (_, q) = self
                .answers
                .iter_mut()
                .find(|(k, _)| k == query)
                .expect("known query");
            if q.len() > 1 {
                q.pop_front().unwrap()
            } else {
                q.front().cloned().unwrap()
            }
        }
    }

    fn analysis() -> Analysis {
        Analysis {
            query: "errors".into(),
            total_query: None,
            baseline: Baseline::Query {
                query: "yesterday".into(),
                scale: 1.0 / 288.0,
            },
            max_ratio: 2.0,
            floor: 5.0,
            interval: Duration::from_secs(60),
            count: 3,
            failure_limit: 0,
            consecutive_error_limit: 4,
            inconclusive_limit: 0,
        }
    }

    fn statuses(r: &[CheckResult]) -> Vec<(Status, bool)> {
        r.iter().map(|c| (c.status, c.inconclusive)).collect()
    }

    #[test]
    fn passes_under_twice_the_baseline() {
        // yesterday 2880 → 10 per 5 min; threshold 20.
        let mut s = Scripted::new(&[
            ("errors", &[Ok(Some(12.0)), Ok(Some(20.0)), Ok(Some(3.0))]),
            ("yesterday", &[Ok(Some(2880.0))]),
        ]);
        let mut slept = Vec::new();
        let r = analyse(&analysis(), &mut s, &mut |d| slept.push(d));
        assert_eq!(r.len(), 4);
        assert!(r.iter().all(|c| c.status == Status::Pass), "{r:#?}");
        assert_eq!(slept, vec![Duration::from_secs(60); 2]);
        assert_eq!(r[1].message, "20 ≤ 20 (baseline 10 × 2, floor 5)");
        assert_eq!(r[0].extra["threshold"], serde_json::json!(20.0));
    }

    #[test]
    fn fails_fast_above_the_limit_and_zero_baseline_uses_floor() {
        let mut s = Scripted::new(&[
            ("errors", &[Ok(Some(4.0)), Ok(Some(6.0))]),
            ("yesterday", &[Ok(Some(0.0))]),
        ]);
        let r = analyse(&analysis(), &mut s, &mut |_| {});
        // 4 ≤ floor 5 passes; 6 > 5 fails and stops the run.
        assert_eq!(
            statuses(&r),
            vec![
                (Status::Pass, false),
                (Status::Fail, false),
                (Status::Fail, false)
            ]
        );
        assert!(
            r[2].message.contains("stopped after measurement 2"),
            "{}",
            r[2].message
        );
    }

    #[test]
    fn tolerated_failures_and_errors() {
        let mut a = analysis();
        a.failure_limit = 1;
        a.baseline = Baseline::Constant(10.0);
        let mut s = Scripted::new(&[("errors", &[Ok(Some(30.0)), Err("timeout"), Ok(Some(1.0))])]);
        let r = analyse(&a, &mut s, &mut |_| {});
        assert_eq!(
            statuses(&r),
            vec![
                (Status::Pass, false),
                (Status::Skip, false),
                (Status::Pass, false),
                (Status::Pass, false)
            ]
        );
        assert!(r[0].message.contains("tolerated"));
        assert_eq!(r[0].extra["outcome"], "failed");
    }

    #[test]
    fn no_data_is_inconclusive_never_a_pass() {
        let mut a = analysis();
        a.count = 1;
        let mut s = Scripted::new(&[("errors", &[Ok(None)]), ("yesterday", &[Ok(Some(1.0))])]);
        let r = analyse(&a, &mut s, &mut |_| {});
        assert_eq!(
            statuses(&r),
            vec![(Status::Error, true), (Status::Error, true)]
        );
        // A rate over zero traffic has no data either.
        a.total_query = Some("requests".into());
        let mut s = Scripted::new(&[
            ("errors", &[Ok(Some(0.0))]),
            ("requests", &[Ok(Some(0.0))]),
            ("yesterday", &[Ok(Some(1.0))]),
        ]);
        let r = analyse(&a, &mut s, &mut |_| {});
        assert!(r[0].message.contains("the total is 0"));
        assert!(r[1].inconclusive);
    }

    #[test]
    fn consecutive_errors_stop_with_error() {
        let mut a = analysis();
        a.count = 10;
        a.consecutive_error_limit = 2;
        let mut s = Scripted::new(&[
            ("errors", &[Err("HTTP 503")]),
            ("yesterday", &[Ok(Some(1.0))]),
        ]);
        let r = analyse(&a, &mut s, &mut |_| {});
        assert_eq!(r.len(), 4);
        assert_eq!(r[3].status, Status::Error);
        assert!(!r[3].inconclusive);
        assert!(
            r[3].message.starts_with("3 consecutive measurement errors"),
            "{}",
            r[3].message
        );
    }

    #[test]
    fn rate_with_total_query() {
        let mut a = analysis();
        a.count = 1;
        a.total_query = Some("requests".into());
        a.baseline = Baseline::Constant(0.001);
        a.floor = 0.0;
        let mut s = Scripted::new(&[
            ("errors", &[Ok(Some(3.0))]),
            ("requests", &[Ok(Some(1000.0))]),
        ]);
        let r = analyse(&a, &mut s, &mut |_| {});
        assert_eq!(r[0].status, Status::Fail, "0.003 > 0.002");
        assert_eq!(s.calls, vec!["errors", "requests"]);
    }

    #[test]
    fn one_baseline_exactly() {
        assert_eq!(
            baseline(Some("q".into()), 0.5, None).unwrap(),
            Baseline::Query {
                query: "q".into(),
                scale: 0.5
            }
        );
        assert_eq!(
            baseline(None, 1.0, Some(3.0)).unwrap(),
            Baseline::Constant(3.0)
        );
        for (q, c) in [(None, None), (Some("q".to_string()), Some(1.0))] {
            let e = baseline(q, 1.0, c).unwrap_err();
            assert!(e.0.starts_with("give a baseline"), "{e}");
        }
    }

    #[test]
    fn a_prometheus_url_is_the_source_and_is_checked_before_any_query() {
        let c = ErrorRate {
            analysis: analysis(),
            source: Source {
                prometheus: Some("ftp://prometheus:9090".into()),
                query_timeout: Duration::from_secs(1),
                org: OrgArgs::default(),
            },
            record: RecordArgs::default(),
        };
        let e = run(&c).unwrap_err();
        assert!(e.0.contains("--prometheus"), "{e}");
        // The analysis is checked first.
        let mut bad = analysis();
        bad.count = 0;
        let e = run(&ErrorRate { analysis: bad, ..c }).unwrap_err();
        assert_eq!(e.0, "--count must be at least 1");
    }

    #[test]
    fn validation() {
        let mut a = analysis();
        a.count = 0;
        assert!(a.validate().is_err());
        let mut a = analysis();
        a.max_ratio = 0.0;
        assert!(a.validate().is_err());
        assert!(analysis().validate().is_ok());
    }
}
