//! The Apex tests part of `gate deploy-result`: a case per test method (in a group per
//! class), a finding per failed test at the line its stack trace names.

use super::{finding, stack_line, SourceIndex, TEST_FAILURE};
use crate::gate::sf_result::{Kind, Outcome, Parsed, TestMethod};
use crate::report::results::{CheckResult, ResultsReport};
use crate::report::Severity;
use std::time::Duration;

/// Adds the test cases and findings, and the `tests` and `test_failures` counts.
pub(super) fn check(p: &Parsed, idx: &SourceIndex, report: &mut ResultsReport) {
    let mut failed_tests = 0usize;
    for t in &p.tests {
        if t.outcome == Outcome::Fail {
            failed_tests += 1;
            if let Some(file) = idx.apex(&t.class, false) {
                let line = t
                    .stack_trace
                    .as_deref()
                    .and_then(|s| stack_line(s, &t.class))
                    .unwrap_or(1);
                let msg = t.message.clone().unwrap_or_else(|| "failed".into());
                report.findings.findings.push(finding(
                    &TEST_FAILURE,
                    Severity::Error,
                    file.to_string(),
                    line,
                    1,
                    format!("{}.{}", t.class, t.method),
                    format!("test {}.{} failed: {msg}", t.class, t.method),
                    &t.method,
                ));
            }
        }
        report.results.push(test_case(t, idx));
    }
    if p.tests.is_empty() && p.kind != Kind::DeployError {
        report.results.push(
            CheckResult::skip("apex tests", "no Apex test results in the input")
                .with_group("tests"),
        );
    }
    report.summary.insert("tests".into(), p.tests.len().into());
    report
        .summary
        .insert("test_failures".into(), failed_tests.into());
}

fn test_case(t: &TestMethod, idx: &SourceIndex) -> CheckResult {
    let mut r = match t.outcome {
        Outcome::Pass => CheckResult::pass(&t.method, "passed"),
        Outcome::Skip => CheckResult::skip(&t.method, "skipped"),
        Outcome::Fail => {
            let m = t
                .message
                .clone()
                .unwrap_or_else(|| "failed (no message)".into());
            let mut r = CheckResult::fail(&t.method, m);
            if let Some(st) = &t.stack_trace {
                r = r.with_detail(st.clone());
            }
            r
        }
    }
    .with_group(t.class.clone());
    if let Some(ms) = t.time_ms {
        r = r.with_duration(Duration::from_micros((ms.max(0.0) * 1000.0) as u64));
    }
    if let Some(f) = idx.apex(&t.class, false) {
        r.file = Some(f.to_string());
    }
    r
}
