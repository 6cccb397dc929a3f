//! The coverage part of `gate deploy-result` (group `coverage`): the org-wide minimum, the
//! per-class rule of a `RunSpecifiedTests` deployment, one case per tier and the flow
//! coverage. No coverage data is inconclusive, never a pass; a deployment that ran no test
//! has nothing to judge (a skip) unless coverage is required.

use super::{pct, specified_tests_shortfalls, Below, Options, Tier, SPECIFIED_TESTS_MIN};
use crate::gate::sf_result::{ClassCoverage, Parsed};
use crate::report::results::{CheckResult, ResultsReport};
use std::collections::BTreeMap;

const NO_DATA: &str = "no coverage data in the input (run the tests with coverage: `sf apex run test --code-coverage`, or deploy with a test level)";
const NO_TESTS_MESSAGE: &str =
    "no test ran in this deployment (NoTestRun?), so there is no coverage to check; --require-coverage makes this an error";

/// Adds the coverage cases (and the `test_level` and `org_wide_coverage` figures) for the
/// classes with lines (`measured`), each in the tier `tier_of` names; returns the classes
/// under their tier's minimum.
pub(super) fn check(
    p: &Parsed,
    opts: &Options,
    measured: &[&ClassCoverage],
    tier_of: &[Option<usize>],
    report: &mut ResultsReport,
) -> Vec<Below> {
    // A deployment that ran no test (NoTestRun: metadata only, sandboxes) has no coverage to
    // judge; that is a skip, not a failure to decide — unless coverage is required.
    let finished = matches!(
        p.status.as_deref(),
        Some("Succeeded" | "SucceededPartial" | "Failed" | "Canceled")
    );
    let no_tests_ran = finished
        && measured.is_empty()
        && p.tests.is_empty()
        && p.tests_declared.unwrap_or(0) == 0
        && !opts.require_coverage;
    let shortfalls = specified_tests_shortfalls(&p.coverage_warnings);
    let specified = opts.specified_tests || !shortfalls.is_empty();
    if specified {
        report
            .summary
            .insert("test_level".into(), "RunSpecifiedTests".into());
    }
    let org = org_wide(
        p,
        opts,
        measured,
        specified,
        no_tests_ran,
        &mut report.summary,
    );
    report.results.push(org);
    if specified {
        report
            .results
            .push(specified_tests(&shortfalls, no_tests_ran));
    }
    let mut below = Vec::new();
    for (ti, tier) in opts.tiers.iter().enumerate() {
        let r = tier_check(ti, tier, measured, tier_of, no_tests_ran, &mut below);
        report.results.push(r);
    }
    if let Some(min) = opts.min_flow_coverage {
        report.results.push(flow(p, min));
    }
    below
}

/// Org-wide coverage ≥ the minimum: the org's figure, else one computed from the classes
/// (never for `RunSpecifiedTests`, whose classes are only those the tests reached).
fn org_wide(
    p: &Parsed,
    opts: &Options,
    measured: &[&ClassCoverage],
    specified: bool,
    no_tests_ran: bool,
    summary: &mut BTreeMap<String, serde_json::Value>,
) -> CheckResult {
    let computed = if measured.is_empty() {
        None
    } else {
        // f64 sums: counts come from the input and must not overflow.
        let cov: f64 = measured.iter().map(|c| c.covered.min(c.total) as f64).sum();
        let tot: f64 = measured.iter().map(|c| c.total as f64).sum();
        Some(cov * 100.0 / tot)
    };
    let org = p
        .org_wide_coverage
        .map(|v| (v, "as reported by the org"))
        .or(computed.map(|v| {
            (
            v,
            "computed from the classes in the input; the input does not carry the org-wide figure",
        )
        }));
    let org_name = format!("org-wide coverage ≥ {}", pct(opts.min_coverage));
    // A RunSpecifiedTests result covers only the classes its tests reached: a figure computed
    // from them is no org-wide coverage (and must not reach the pipeline's coverage badge).
    if let Some((v, _)) = org.filter(|_| !specified || p.org_wide_coverage.is_some()) {
        summary.insert(
            "org_wide_coverage".into(),
            serde_json::json!((v * 100.0).round() / 100.0),
        );
    }
    let mut org_check = if specified {
        CheckResult::skip(
            &org_name,
            "RunSpecifiedTests: the org judges each Apex class and trigger of the deployment (≥ 75 % from the specified tests), not an org-wide figure; the input's classes are only those the tests reached",
        )
    } else if opts.min_coverage <= 0.0 {
        CheckResult::skip(&org_name, "no minimum (--min-coverage 0)")
    } else if no_tests_ran && org.is_none() {
        CheckResult::skip(&org_name, NO_TESTS_MESSAGE)
    } else {
        match org {
            None => CheckResult::inconclusive(&org_name, NO_DATA),
            Some((v, how)) if v + 1e-9 >= opts.min_coverage => {
                CheckResult::pass(&org_name, format!("{} ({how})", pct(v)))
            }
            Some((v, how)) => CheckResult::fail(
                &org_name,
                format!(
                    "{} is under the minimum {} ({how})",
                    pct(v),
                    pct(opts.min_coverage)
                ),
            ),
        }
    };
    if !p.coverage_warnings.is_empty() {
        org_check = org_check.with_detail(p.coverage_warnings.join("\n"));
    }
    org_check.with_group("coverage")
}

/// `RunSpecifiedTests`: every class and trigger of the deployment ≥ 75 % from the specified
/// tests, as the org's warnings (`shortfalls`) tell.
fn specified_tests(shortfalls: &[(String, Option<f64>)], no_tests_ran: bool) -> CheckResult {
    let name = format!(
        "every class and trigger of the deployment ≥ {} from the specified tests",
        pct(SPECIFIED_TESTS_MIN)
    );
    let r = if shortfalls.is_empty() && no_tests_ran {
        CheckResult::skip(&name, NO_TESTS_MESSAGE)
    } else if shortfalls.is_empty() {
        CheckResult::pass(
            &name,
            "the org reports no class or trigger of the deployment under 75 %",
        )
    } else {
        let list: Vec<String> = shortfalls
            .iter()
            .map(|(n, v)| match v {
                Some(v) => format!("{n} {}", pct(*v)),
                None => n.clone(),
            })
            .collect();
        CheckResult::fail(
            &name,
            format!(
                "{} under {} from the specified tests: {} (add a test that reaches it, or deploy with RunLocalTests)",
                list.len(),
                pct(SPECIFIED_TESTS_MIN),
                list.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
        )
        .with_detail(list.join("\n"))
    };
    let classes: Vec<serde_json::Value> =
        shortfalls.iter().map(|(n, _)| n.clone().into()).collect();
    r.with_group("coverage")
        .with_extra("classes", serde_json::Value::Array(classes))
}

/// Tier `ti`: every measured class in it at or above its minimum; the ones below are added
/// to `below`, lowest first.
fn tier_check(
    ti: usize,
    tier: &Tier,
    measured: &[&ClassCoverage],
    tier_of: &[Option<usize>],
    no_tests_ran: bool,
    below: &mut Vec<Below>,
) -> CheckResult {
    let name = format!("tier {}: every class ≥ {}", tier.name, pct(tier.min));
    let members: Vec<&ClassCoverage> = measured
        .iter()
        .zip(tier_of)
        .filter(|(_, t)| **t == Some(ti))
        .map(|(c, _)| *c)
        .collect();
    let r = if no_tests_ran {
        CheckResult::skip(&name, NO_TESTS_MESSAGE)
    } else if measured.is_empty() {
        CheckResult::inconclusive(&name, NO_DATA)
    } else if members.is_empty() {
        CheckResult::skip(
            &name,
            format!("no class in the input matches {}", tier.patterns.join(", ")),
        )
    } else {
        let mut under: Vec<(&ClassCoverage, f64)> = members
            .iter()
            .filter_map(|c| c.percent().filter(|v| v + 1e-9 < tier.min).map(|v| (*c, v)))
            .collect();
        under.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.name.cmp(&b.0.name)));
        below.extend(under.iter().map(|(c, v)| Below {
            name: c.name.clone(),
            percent: *v,
            covered: c.covered,
            total: c.total,
            tier: tier.name.clone(),
            min: tier.min,
        }));
        if under.is_empty() {
            let low = members
                .iter()
                .filter_map(|c| c.percent().map(|v| (c, v)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            CheckResult::pass(
                &name,
                format!(
                    "{} class(es) at or above {}{}",
                    members.len(),
                    pct(tier.min),
                    low.map(|(c, v)| format!(" (lowest: {} {})", c.name, pct(v)))
                        .unwrap_or_default()
                ),
            )
        } else {
            let list: Vec<String> = under
                .iter()
                .map(|(c, v)| format!("{} {} ({}/{} lines)", c.name, pct(*v), c.covered, c.total))
                .collect();
            CheckResult::fail(
                &name,
                format!(
                    "{} of {} class(es) under {}: {}",
                    under.len(),
                    members.len(),
                    pct(tier.min),
                    list.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                ),
            )
            .with_detail(list.join("\n"))
        }
    };
    r.with_group("coverage")
        .with_extra("tier", tier.name.clone().into())
}

/// Flow coverage ≥ `min` over the flows of the input.
fn flow(p: &Parsed, min: f64) -> CheckResult {
    let name = format!("flow coverage ≥ {}", pct(min));
    let total: f64 = p.flow_coverage.iter().map(|f| f.elements as f64).sum();
    let not: f64 = p
        .flow_coverage
        .iter()
        .map(|f| f.not_covered.min(f.elements) as f64)
        .sum();
    let r = if total == 0.0 {
        CheckResult::inconclusive(&name, "no flow coverage in the input (flow coverage comes with a deploy that runs tests on an org with flow test coverage)")
    } else {
        let v = (total - not) * 100.0 / total;
        let flows = p.flow_coverage.len();
        if v + 1e-9 >= min {
            CheckResult::pass(&name, format!("{} over {flows} flow(s)", pct(v)))
        } else {
            CheckResult::fail(
                &name,
                format!("{} over {flows} flow(s) is under {}", pct(v), pct(min)),
            )
        }
    };
    let r = if p.flow_coverage_warnings.is_empty() {
        r
    } else {
        r.with_detail(p.flow_coverage_warnings.join("\n"))
    };
    r.with_group("coverage")
}
