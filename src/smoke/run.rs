//! Running checks against the org: concurrently (bounded), each within its timeout and
//! the run's deadline, polling `wait:` checks until they pass.

use super::expect::{field, first_mismatch, show_record};
use super::spec::{Check, Expect, Kind, OrgExpect};
use crate::org::{AnonymousResult, Api, Identity, Limit, Org, OrgError};
use crate::report::results::{CheckResult, Status};
use futures_util::stream::{self, StreamExt};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Lines of the rollback wrapper before the body (compile lines are shifted back).
const WRAPPER_LINES: i64 = 3;

/// The message of the deliberate failure that ends a rolled-back body.
pub const ROLLBACK_SENTINEL: &str = "SFCI_ROLLBACK_SENTINEL";

/// Wraps anonymous Apex so that nothing it does survives: its DML runs inside a savepoint
/// that is rolled back, and when it completes the block ends with a deliberate assertion
/// failure, so the transaction itself never commits — no e-mail, approval notification or
/// queued job goes out. The body's own exception, if any, propagates unchanged.
pub fn rollback_wrapper(body: &str) -> String {
    format!(
        "Savepoint sfciSavepoint = Database.setSavepoint();\nBoolean sfciCompleted = false;\ntry {{\n{body}\nsfciCompleted = true;\n}} finally {{\n    Database.rollback(sfciSavepoint);\n}}\nif (sfciCompleted) {{ System.assert(false, '{ROLLBACK_SENTINEL}'); }}\n"
    )
}

/// One attempt's verdict.
struct Outcome {
    status: Status,
    message: String,
    detail: String,
}

impl Outcome {
    fn new(status: Status, message: impl Into<String>, detail: impl Into<String>) -> Self {
        Outcome {
            status,
            message: message.into(),
            detail: detail.into(),
        }
    }
}

fn query_detail(query: &str, expect: &Expect, actual: &str) -> String {
    let mut want = Vec::new();
    if let Some(c) = expect.count {
        want.push(format!("count = {c}"));
    }
    if let Some(m) = expect.min {
        want.push(format!("count ≥ {m}"));
    }
    if let Some(m) = expect.max {
        want.push(format!("count ≤ {m}"));
    }
    for (label, map) in [
        ("first record", &expect.equals),
        ("every record", &expect.all),
        ("no record", &expect.none),
    ] {
        if !map.is_empty() {
            let fields: Vec<String> = map.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            want.push(format!("{label}: {}", fields.join(", ")));
        }
    }
    format!(
        "query: {query}\nexpected: {}\nactual: {actual}",
        if want.is_empty() {
            "the query runs".to_string()
        } else {
            want.join("; ")
        }
    )
}

/// Judges a query's result.
fn judge_query(
    query: &str,
    expect: &Expect,
    total: u64,
    records: &[serde_json::Value],
    truncated: bool,
) -> Outcome {
    let detail = |actual: String| query_detail(query, expect, &actual);
    let n = total;
    if let Some(c) = expect.count {
        if n != c {
            return Outcome::new(
                Status::Fail,
                format!("expected {c} record(s), got {n}"),
                detail(format!("{n} record(s){}", sample(records))),
            );
        }
    }
    if let Some(m) = expect.min {
        if n < m {
            return Outcome::new(
                Status::Fail,
                format!("expected at least {m} record(s), got {n}"),
                detail(format!("{n} record(s)")),
            );
        }
    }
    if let Some(m) = expect.max {
        if n > m {
            return Outcome::new(
                Status::Fail,
                format!("expected at most {m} record(s), got {n}"),
                detail(format!("{n} record(s){}", sample(records))),
            );
        }
    }
    if !expect.equals.is_empty() {
        let Some(first) = records.first() else {
            return Outcome::new(
                Status::Fail,
                "expected a first record to compare, got no record",
                detail("0 records".into()),
            );
        };
        if let Some((k, want, got)) = first_mismatch(&expect.equals, first) {
            return Outcome::new(
                Status::Fail,
                format!("{k}: expected {want}, got {got}"),
                detail(format!("first record {}", show_record(first, 400))),
            );
        }
    }
    if truncated && !(expect.all.is_empty() && expect.none.is_empty()) {
        return Outcome::new(
            Status::Error,
            "too many records to check every one; narrow the query",
            detail(format!("{n} records")),
        );
    }
    if !expect.all.is_empty() {
        for (i, r) in records.iter().enumerate() {
            if let Some((k, want, got)) = first_mismatch(&expect.all, r) {
                return Outcome::new(
                    Status::Fail,
                    format!("record {} of {n}: {k}: expected {want}, got {got}", i + 1),
                    detail(format!("record {} {}", i + 1, show_record(r, 400))),
                );
            }
        }
    }
    if !expect.none.is_empty() {
        for (i, r) in records.iter().enumerate() {
            if first_mismatch(&expect.none, r).is_none() {
                let fields: Vec<String> = expect
                    .none
                    .keys()
                    .map(|k| format!("{k} = {}", field(r, k)))
                    .collect();
                return Outcome::new(
                    Status::Fail,
                    format!("record {} of {n} has {}", i + 1, fields.join(", ")),
                    detail(format!("record {} {}", i + 1, show_record(r, 400))),
                );
            }
        }
    }
    Outcome::new(
        Status::Pass,
        format!("{n} record(s)"),
        detail(format!("{n} record(s)")),
    )
}

fn sample(records: &[serde_json::Value]) -> String {
    match records.first() {
        Some(r) => format!("; first: {}", show_record(r, 300)),
        None => String::new(),
    }
}

/// Shifts `line N` of the anonymous block back by the wrapper's lines.
fn shift_lines(text: &str, by: i64) -> String {
    let re = regex::Regex::new(r"line (\d+)").expect("static regex");
    re.replace_all(text, |c: &regex::Captures<'_>| {
        let n: i64 = c[1].parse().unwrap_or(0);
        format!("line {}", (n - by).max(1))
    })
    .into_owned()
}

/// One try of a check: the org call its kind needs, then the judgement of the answer.
async fn attempt(org: &Org, check: &Check) -> Result<Outcome, OrgError> {
    let e = &check.expect;
    Ok(match &check.kind {
        Kind::Soql { query, all } => {
            let r = org.query(query, Api::Rest, *all).await?;
            judge_query(query, e, r.total_size, &r.records, r.truncated)
        }
        Kind::Tooling { query } => {
            let r = org.query(query, Api::Tooling, false).await?;
            judge_query(query, e, r.total_size, &r.records, r.truncated)
        }
        Kind::Apex { body, commit } => {
            let (sent, shift) = if *commit {
                (body.clone(), 0)
            } else {
                (rollback_wrapper(body), WRAPPER_LINES)
            };
            let r = org.execute_anonymous(&sent, *commit).await?;
            judge_apex(body, *commit, shift, &r)
        }
        Kind::Http { url } => {
            let resp = org.get_raw(url).await?;
            judge_http(url, e, resp.status, &resp.body, &|t| org.scrub(t))
        }
        Kind::Limits { name } => judge_limit(name, e, &org.limits().await?),
        Kind::Org(want) => judge_org(want, &org.identity().await?),
    })
}

/// Anonymous Apex: it must compile and run without an exception (a rolled-back body ends
/// with the sentinel's failure, which is its success). `shift` is the wrapper's lines.
fn judge_apex(body: &str, commit: bool, shift: i64, r: &AnonymousResult) -> Outcome {
    let mode = if commit { "committed" } else { "rolled back" };
    if !r.compiled {
        let line = (r.line - shift).max(1);
        Outcome::new(
            Status::Fail,
            format!(
                "does not compile: line {line}, column {}: {}",
                r.column,
                r.compile_problem.clone().unwrap_or_default()
            ),
            format!("apex ({mode}):\n{body}"),
        )
    } else if !commit
        && !r.success
        && r.exception_message
            .as_deref()
            .is_some_and(|m| m.contains(ROLLBACK_SENTINEL))
    {
        // The body completed; the sentinel then aborted the transaction on purpose.
        Outcome::new(
            Status::Pass,
            format!("compiled and ran ({mode})"),
            String::new(),
        )
    } else if !r.success {
        Outcome::new(
            Status::Fail,
            format!(
                "threw {}",
                shift_lines(&r.exception_message.clone().unwrap_or_default(), shift)
            ),
            format!(
                "stack trace: {}\napex ({mode}):\n{body}",
                shift_lines(&r.exception_stack_trace.clone().unwrap_or_default(), shift)
            ),
        )
    } else {
        Outcome::new(
            Status::Pass,
            format!("compiled and ran ({mode})"),
            String::new(),
        )
    }
}

/// An HTTP GET: the expected status (200 by default) and, when asked, a text in the body;
/// the excerpt in the detail is scrubbed of secrets.
fn judge_http(
    url: &str,
    e: &Expect,
    status: u16,
    raw: &[u8],
    scrub: &dyn Fn(&str) -> String,
) -> Outcome {
    let want = e.status.unwrap_or(200);
    let body = String::from_utf8_lossy(raw);
    // Scrub the whole body before cutting it, so no part of a secret survives.
    let excerpt: String = scrub(&body).chars().take(300).collect();
    let detail = format!(
        "GET {url}\nexpected: HTTP {want}{}\nactual: HTTP {}: {}",
        e.contains
            .as_deref()
            .map(|c| format!(" with {c:?} in the body"))
            .unwrap_or_default(),
        status,
        excerpt
    );
    if status != want {
        Outcome::new(
            Status::Fail,
            format!("expected HTTP {want}, got {status}"),
            detail,
        )
    } else if let Some(c) = e.contains.as_deref().filter(|c| !body.contains(*c)) {
        Outcome::new(
            Status::Fail,
            format!("HTTP {want}, but the body does not contain {c:?}"),
            detail,
        )
    } else {
        Outcome::new(Status::Pass, format!("HTTP {status}"), detail)
    }
}

/// An org limit: at least the expected remaining amount (or share).
fn judge_limit(name: &str, e: &Expect, limits: &BTreeMap<String, Limit>) -> Outcome {
    let Some(l) = limits.get(name) else {
        let mut names: Vec<&String> = limits.keys().collect();
        names.truncate(40);
        return Outcome::new(
            Status::Error,
            format!("the org has no limit named {name}"),
            format!(
                "known limits: {}",
                names
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    };
    let (bound, pct) = e.min_remaining.unwrap_or((0.0, false));
    let share = if l.max > 0 {
        l.remaining as f64 * 100.0 / l.max as f64
    } else {
        0.0
    };
    let ok = if pct {
        share >= bound
    } else {
        l.remaining as f64 >= bound
    };
    let shown = format!(
        "{name}: {} of {} remaining ({share:.1} %)",
        l.remaining, l.max
    );
    let want = if pct {
        format!("at least {bound} % remaining")
    } else {
        format!("at least {bound} remaining")
    };
    Outcome::new(
        if ok { Status::Pass } else { Status::Fail },
        if ok {
            shown.clone()
        } else {
            format!("{shown}; expected {want}")
        },
        format!("limit: {name}\nexpected: {want}\nactual: {shown}"),
    )
}

/// The org connected to is the one expected (id, instance, sandbox or production).
fn judge_org(want: &OrgExpect, id: &Identity) -> Outcome {
    let mut wrong = Vec::new();
    if let Some(w) = &want.id {
        // 15- and 18-character ids name the same org.
        if id.id.get(..15) != w.get(..15) {
            wrong.push(format!("id {} (expected {w})", id.id));
        }
    }
    if let Some(w) = &want.instance {
        if !id.instance.eq_ignore_ascii_case(w) {
            wrong.push(format!("instance {} (expected {w})", id.instance));
        }
    }
    if let Some(w) = want.sandbox {
        if id.sandbox != w {
            wrong.push(format!(
                "{} (expected {})",
                if id.sandbox {
                    "a sandbox"
                } else {
                    "production"
                },
                if w { "a sandbox" } else { "production" }
            ));
        }
    }
    let actual = format!(
        "{} {} on {} ({})",
        id.id,
        id.name,
        id.instance,
        if id.sandbox { "sandbox" } else { "production" }
    );
    if wrong.is_empty() {
        Outcome::new(
            Status::Pass,
            format!("connected to {actual}"),
            String::new(),
        )
    } else {
        Outcome::new(
            Status::Fail,
            format!("WRONG ORG: connected to {}", wrong.join(", ")),
            format!("actual: {actual}"),
        )
    }
}

/// Runs one check: within its timeout, polling while it fails if it has a `wait:`.
async fn run_one(org: &Org, check: &Check, deadline: Instant) -> CheckResult {
    let started = Instant::now();
    let limit = (started + check.timeout).min(deadline);
    let mut polls = 0u32;
    let outcome = loop {
        polls += 1;
        let left = limit.saturating_duration_since(Instant::now());
        let result = match tokio::time::timeout(left, attempt(org, check)).await {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => {
                let fatal = e.is_fatal();
                let o = Outcome::new(Status::Error, org.scrub(&e.to_string()), String::new());
                if fatal {
                    break o;
                }
                o
            }
            Err(_) => Outcome::new(
                Status::Error,
                format!(
                    "no result within {}",
                    crate::report::text::format_duration(limit - started)
                ),
                String::new(),
            ),
        };
        if result.status == Status::Pass {
            break result;
        }
        let Some((wait, interval)) = check.wait else {
            break result;
        };
        let wait_end = started + wait;
        let next = Instant::now() + interval;
        if next > wait_end || next >= limit {
            let mut r = result;
            r.message = format!(
                "{} (still, after {polls} tries over {})",
                r.message,
                crate::report::text::format_duration(started.elapsed())
            );
            break r;
        }
        tokio::time::sleep(interval).await;
    };
    let mut r = CheckResult::new(check.name.clone(), outcome.status, outcome.message)
        .with_group(format!("smoke.{}", check.kind.label()))
        .with_duration(started.elapsed())
        .with_extra("kind", check.kind.label().into());
    if !outcome.detail.is_empty() {
        r = r.with_detail(outcome.detail);
    }
    if let Some(line) = check.line {
        r = r.with_extra("line", line.into());
    }
    r = r.with_extra("origin", check.origin.clone().into());
    if polls > 1 {
        r = r.with_extra("polls", polls.into());
    }
    if !check.tags.is_empty() {
        r = r.with_extra("tags", check.tags.clone().into());
    }
    r
}

/// Runs the checks, at most `concurrency` at once, and returns their results in spec order.
pub async fn run_checks(
    org: &Org,
    checks: &[Check],
    concurrency: usize,
    deadline: Instant,
) -> Vec<CheckResult> {
    let mut results: Vec<(usize, CheckResult)> = stream::iter(checks.iter().enumerate())
        .map(|(i, c)| async move { (i, run_one(org, c, deadline).await) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Every check as an error when the org cannot be reached at all.
pub fn all_unreachable(checks: &[Check], why: &str) -> Vec<CheckResult> {
    checks
        .iter()
        .map(|c| {
            CheckResult::error(c.name.clone(), format!("not run: {why}"))
                .with_group(format!("smoke.{}", c.kind.label()))
                .with_extra("kind", c.kind.label().into())
        })
        .collect()
}

/// The poll interval the runner uses when a `wait:` gives none.
pub const DEFAULT_POLL: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn expect() -> Expect {
        Expect::default()
    }

    #[test]
    fn query_judgements() {
        let recs = vec![
            json!({"State": "WAITING", "NextFireTime": null}),
            json!({"State": "WAITING", "NextFireTime": "2026-11-27T23:00:00Z"}),
        ];
        let mut e = expect();
        e.min = Some(1);
        e.all = BTreeMap::from([
            ("State".into(), json!("WAITING")),
            ("NextFireTime".into(), json!({"present": true})),
        ]);
        let o = judge_query("SELECT …", &e, 2, &recs, false);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "record 1 of 2: NextFireTime: expected {\"present\":true}, got null"
        );
        assert!(o
            .detail
            .contains("query: SELECT …\nexpected: count ≥ 1; every record: "));

        let mut e = expect();
        e.count = Some(0);
        let o = judge_query("q", &e, 1, &recs[..1], false);
        assert_eq!(o.message, "expected 0 record(s), got 1");
        assert!(
            o.detail.contains(
                "actual: 1 record(s); first: {\"NextFireTime\":null,\"State\":\"WAITING\"}"
            ),
            "{}",
            o.detail
        );

        let mut e = expect();
        e.none = BTreeMap::from([("NextFireTime".into(), json!(null))]);
        assert_eq!(judge_query("q", &e, 2, &recs, false).status, Status::Fail);
        assert_eq!(
            judge_query("q", &e, 1, &recs[1..], false).status,
            Status::Pass
        );

        let mut e = expect();
        e.equals = BTreeMap::from([("State".into(), json!("WAITING"))]);
        assert_eq!(judge_query("q", &e, 0, &[], false).status, Status::Fail);
        assert_eq!(judge_query("q", &e, 2, &recs, false).status, Status::Pass);
        e.all = e.equals.clone();
        assert_eq!(
            judge_query("q", &e, 90_000, &recs, true).status,
            Status::Error
        );
    }

    #[test]
    fn wrapper_and_line_shift() {
        let w = rollback_wrapper("insert a;");
        assert!(w.starts_with(
            "Savepoint sfciSavepoint = Database.setSavepoint();\nBoolean sfciCompleted = false;\ntry {\ninsert a;\nsfciCompleted = true;\n}"
        ));
        assert!(w.contains("finally {\n    Database.rollback(sfciSavepoint);"));
        assert!(
            w.ends_with("if (sfciCompleted) { System.assert(false, 'SFCI_ROLLBACK_SENTINEL'); }\n")
        );
        // The body starts on line WRAPPER_LINES + 1.
        assert_eq!(
            w.lines().position(|l| l == "insert a;"),
            Some(WRAPPER_LINES as usize)
        );
        assert_eq!(
            shift_lines("AnonymousBlock: line 5, column 1", 2),
            "AnonymousBlock: line 3, column 1"
        );
    }
}
