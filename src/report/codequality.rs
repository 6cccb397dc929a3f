//! GitLab Code Quality (a subset of the Code Climate issue format), for
//! `artifacts:reports:codequality`.
//!
//! A JSON array of `{"description", "check_name", "fingerprint", "severity",
//! "location": {"path", "lines": {"begin"}}}`. Error findings are `major`, warnings
//! `minor`. The fingerprint is the finding's own (stable across runs, no line
//! numbers), so GitLab can tell new issues from resolved ones between the merge
//! request and its target branch. GitLab requires fingerprints to be unique within a
//! report: when several findings share one, the first (in rendering order) keeps it
//! and the n-th later one gets `fingerprint([original, "n"])`, which is deterministic.

use super::{fingerprint, FindingsReport, Severity};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// The Code Quality severity of a finding.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
    }
}

/// Fingerprints for `originals` (in order), unique within the list: a repeated one
/// becomes `fingerprint([original, n])` for its n-th repetition (re-hashed further in
/// the astronomically unlikely case that collides too).
pub fn unique_fingerprints<'a>(originals: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let originals: Vec<&str> = originals.into_iter().collect();
    let mut used: HashSet<String> = HashSet::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(originals.len());
    // First pass reserves every original, so a rehash never takes one a later finding owns.
    let reserved: HashSet<&str> = originals.iter().copied().collect();
    for fp in originals {
        let n = seen.entry(fp).or_insert(0);
        let mut candidate = if *n == 0 {
            fp.to_string()
        } else {
            fingerprint(&[fp, &n.to_string()])
        };
        *n += 1;
        while (*n > 1 && reserved.contains(candidate.as_str())) || used.contains(&candidate) {
            candidate = fingerprint(&[&candidate, "again"]);
        }
        used.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

fn issues(report: &FindingsReport) -> Vec<Issue<'_>> {
    let findings = report.ordered_findings();
    let fps = unique_fingerprints(findings.iter().map(|f| f.fingerprint.as_str()));
    findings
        .iter()
        .zip(fps)
        .map(|(f, fp)| {
            let message = super::sanitize::one_line(&f.message);
            let description = match f.symbol.as_deref() {
                Some(sym) if !sym.is_empty() && !message.contains(sym) => {
                    format!("{message} ({sym})")
                }
                _ => message,
            };
            Issue {
                description,
                check_name: &f.rule,
                fingerprint: fp,
                severity: severity(f.severity),
                location: Location {
                    path: &f.file,
                    lines: Lines {
                        begin: f.line.max(1),
                    },
                },
            }
        })
        .collect()
}

/// The Code Quality report as a JSON value.
pub fn to_value(report: &FindingsReport) -> serde_json::Value {
    serde_json::to_value(issues(report)).unwrap_or_else(|_| serde_json::Value::Array(Vec::new()))
}

/// The pretty-printed Code Quality report, ending with a newline.
pub fn render(report: &FindingsReport) -> String {
    let mut s = serde_json::to_string_pretty(&issues(report)).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::*;
    use serde_json::Value;

    fn parse(r: &FindingsReport) -> Vec<Value> {
        let v: Value = serde_json::from_str(&render(r)).unwrap();
        v.as_array().unwrap().clone()
    }

    #[test]
    fn required_fields_and_severity() {
        let issues = parse(&sample_report());
        assert_eq!(issues.len(), 4);
        for i in &issues {
            assert!(i["description"].as_str().is_some_and(|s| !s.is_empty()));
            assert!(i["check_name"].is_string());
            assert!(i["fingerprint"].is_string());
            assert!(i["location"]["path"].is_string());
            assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        }
        assert_eq!(issues[0]["severity"], "major");
        assert_eq!(issues[0]["check_name"], "callout-without-mock");
        assert_eq!(
            issues[0]["location"]["path"],
            "force-app/main/default/classes/AccountServiceTest.cls"
        );
        assert_eq!(issues[0]["location"]["lines"]["begin"], 12);
        assert_eq!(
            issues[0]["description"],
            "test reaches a callout without Test.setMock (AccountServiceTest.testSync)"
        );
        assert_eq!(issues[3]["severity"], "minor");
        assert_eq!(issues[3]["check_name"], "mock-unused");
    }

    #[test]
    fn fingerprints_are_the_findings_and_stable() {
        let r = sample_report();
        let a = render(&r);
        assert_eq!(a, render(&r));
        let issues = parse(&r);
        let ordered = r.ordered_findings();
        for (i, f) in issues.iter().zip(ordered) {
            assert_eq!(i["fingerprint"], f.fingerprint.as_str());
        }
        // Moving every finding down keeps the fingerprints.
        let mut moved = r.clone();
        for f in &mut moved.findings {
            f.line += 10;
        }
        let fps = |v: &[Value]| -> Vec<String> {
            v.iter()
                .map(|i| i["fingerprint"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(fps(&issues), fps(&parse(&moved)));
    }

    #[test]
    fn shared_fingerprints_are_disambiguated_deterministically() {
        let mut r = empty_report();
        let mut a = finding(RULE_A.id, Severity::Error, "x.cls", 1, 1, None, "m");
        a.fingerprint = "same".into();
        let mut b = a.clone();
        b.line = 5;
        let mut c = a.clone();
        c.line = 9;
        r.findings = vec![c, a, b];
        let issues = parse(&r);
        let fps: Vec<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(fps[0], "same");
        let unique: HashSet<&str> = fps.iter().copied().collect();
        assert_eq!(unique.len(), 3);
        assert_eq!(fps[1], fingerprint(&["same", "1"]));
        assert_eq!(fps[2], fingerprint(&["same", "2"]));
        // Same input in another order: same output.
        r.findings.reverse();
        assert_eq!(parse(&r), issues);
    }

    #[test]
    fn rehash_never_steals_a_later_original() {
        let one = fingerprint(&["x", "1"]);
        let out = unique_fingerprints(["x", "x", one.as_str()]);
        let set: HashSet<&String> = out.iter().collect();
        assert_eq!(set.len(), 3);
        assert_eq!(out[2], one);
    }

    #[test]
    fn empty_is_an_empty_array() {
        assert_eq!(render(&empty_report()).trim(), "[]");
    }
}
