//! JUnit XML, shaped for GitLab's test report parser and the common GitHub reporter
//! actions.
//!
//! - one `testsuite` per rule (`name` = rule id), every rule of the tool included, so a
//!   rule that found nothing is visible too;
//! - one `testcase` per (rule, file), for every file the rule examined
//!   ([`FindingsReport::checked`]) and every file it has findings in. The case `name` is
//!   the repository-relative path *without* line numbers: GitLab compares test reports
//!   across pipelines by name, so a finding that moves by a line must keep its name.
//!   `classname` is `<tool>.<rule>`, `file` is the path, and `time` is 0 (per-file times
//!   are not measured);
//! - a file with **error** findings for the rule is a failing case: `failure type` = rule
//!   id, `message` = one line (count and the first finding's message), text = every
//!   error finding as `line L, col C: [symbol] message`;
//! - a file with only **warning** findings is a *passing* case whose `system-out` lists
//!   the warnings. Warnings never fail the run (exit 0), and a JUnit failure would make
//!   GitLab show the merge request's test report red for something that does not block
//!   it. When a file has both, the errors fail the case and the warnings go to
//!   `system-out`.
//!
//! `junit-report` writes failure text and `system-out` as CDATA without splitting `]]>`
//! and passes control characters through, so every string is sanitised with
//! [`xml_text`]/[`xml_attr`] first.

use super::sanitize::{xml_attr, xml_text};
use super::{Finding, FindingsReport, Severity};
use junit_report::{Duration, Report, TestCase, TestCaseBuilder, TestSuite, TestSuiteBuilder};
use std::collections::{BTreeMap, BTreeSet};

/// One finding as a line of failure text or `system-out`.
fn finding_line(f: &Finding) -> String {
    let mut s = format!("line {}, col {}: ", f.line, f.column);
    if let Some(sym) = f.symbol.as_deref().filter(|s| !s.is_empty()) {
        s.push_str(&format!("[{sym}] "));
    }
    s.push_str(&f.message);
    if let Some(chain) = f.chain_not_in_message(" -> ") {
        s.push_str(&format!("\n    via {chain}"));
    }
    s
}

fn lines(findings: &[&Finding]) -> String {
    let mut s = findings
        .iter()
        .map(|f| finding_line(f))
        .collect::<Vec<_>>()
        .join("\n");
    s.push('\n');
    s
}

/// The failure message: count and the first finding's message, on one line.
fn failure_message(errors: &[&Finding]) -> String {
    let first = errors
        .first()
        .map(|f| f.message.as_str())
        .unwrap_or_default();
    let count = errors.len();
    if count == 1 {
        format!("1 error: {first}")
    } else {
        format!("{count} errors, first: {first}")
    }
}

fn testcase(tool: &str, rule: &str, file: &str, findings: &[&Finding]) -> TestCase {
    let name = xml_attr(file);
    let errors: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    let mut builder = if errors.is_empty() {
        TestCaseBuilder::success(&name, Duration::ZERO)
    } else {
        let mut b = TestCaseBuilder::failure(
            &name,
            Duration::ZERO,
            &xml_attr(rule),
            &xml_attr(&failure_message(&errors)),
        );
        b.set_trace(&xml_text(&lines(&errors)));
        b
    };
    builder
        .set_classname(&xml_attr(&format!("{tool}.{rule}")))
        .set_filepath(&name);
    if !warnings.is_empty() {
        builder.set_system_out(&xml_text(&lines(&warnings)));
    }
    builder.build()
}

/// The test suites, one per rule: the tool's rules in their order, then any rule that
/// only appears in findings or `checked` (sorted), so nothing is lost.
pub fn suites(report: &FindingsReport) -> Vec<TestSuite> {
    // rule -> file -> findings, in rendering order.
    let mut by_rule: BTreeMap<&str, BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
    for f in report.ordered_findings() {
        by_rule
            .entry(f.rule.as_str())
            .or_default()
            .entry(f.file.as_str())
            .or_default()
            .push(f);
    }
    let mut rule_ids: Vec<&str> = report.rules.iter().map(|r| r.id).collect();
    let extra: BTreeSet<&str> = by_rule
        .keys()
        .copied()
        .chain(report.checked.keys().map(String::as_str))
        .filter(|id| !rule_ids.contains(id))
        .collect();
    rule_ids.extend(extra);

    rule_ids
        .into_iter()
        .map(|rule| {
            let with_findings = by_rule.remove(rule).unwrap_or_default();
            let files: BTreeSet<&str> = report
                .checked
                .get(rule)
                .into_iter()
                .flatten()
                .map(String::as_str)
                .chain(with_findings.keys().copied())
                .collect();
            let cases = files.into_iter().map(|file| {
                let findings = with_findings.get(file).map(Vec::as_slice).unwrap_or(&[]);
                testcase(report.tool, rule, file, findings)
            });
            TestSuiteBuilder::new(&xml_attr(rule))
                .add_testcases(cases)
                .build()
        })
        .collect()
}

/// The JUnit XML document.
pub fn render(report: &FindingsReport) -> String {
    let mut junit = Report::new();
    junit.add_testsuites(suites(report));
    to_xml(&junit)
}

/// A JUnit report as XML text (a well-formed document even if writing fails).
pub(crate) fn to_xml(junit: &Report) -> String {
    let mut out = Vec::new();
    match junit.write_xml(&mut out) {
        Ok(()) => {
            let mut s = String::from_utf8_lossy(&out).into_owned();
            s.push('\n');
            s
        }
        // Writing to a Vec cannot fail on I/O; keep the file well-formed regardless.
        Err(e) => format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites><!-- {} --></testsuites>\n",
            xml_text(&e.to_string()).replace("--", "- -")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::*;

    fn suite<'a, 'i>(doc: &'a roxmltree::Document<'i>, name: &str) -> roxmltree::Node<'a, 'i> {
        doc.descendants()
            .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no suite {name}"))
    }

    fn cases<'a, 'i>(suite: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
        suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect()
    }

    #[test]
    fn suites_cases_and_failures() {
        let xml = render(&sample_report());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let suites: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .collect();
        assert_eq!(suites.len(), 2);

        let a = suite(&doc, "callout-without-mock");
        let a_cases = cases(a);
        assert_eq!(a_cases.len(), 3);
        assert_eq!(a.attribute("tests"), Some("3"));
        assert_eq!(a.attribute("failures"), Some("2"));
        let names: Vec<_> = a_cases
            .iter()
            .map(|c| c.attribute("name").unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "force-app/main/default/classes/AccountServiceTest.cls",
                "force-app/main/default/classes/Billing Test.cls",
                "force-app/main/default/classes/CleanTest.cls",
            ]
        );
        for c in &a_cases {
            assert_eq!(c.attribute("file"), c.attribute("name"));
            assert_eq!(
                c.attribute("classname"),
                Some("lint-callout-mocks.callout-without-mock")
            );
            assert!(c.attribute("time").is_some());
            assert!(!c.attribute("name").unwrap().contains(':'));
        }
        let failure = a_cases[0]
            .children()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(failure.attribute("type"), Some("callout-without-mock"));
        assert_eq!(
            failure.attribute("message"),
            Some("2 errors, first: test reaches a callout without Test.setMock")
        );
        let text = failure.text().unwrap();
        assert!(text.contains(
            "line 12, col 9: [AccountServiceTest.testSync] test reaches a callout without Test.setMock"
        ));
        assert!(
            text.contains("via AccountServiceTest.testSync -> AccountService.sync -> Http.send")
        );
        assert!(text.contains("line 40, col 5: [AccountServiceTest.testBatch]"));
        // The clean file is a passing case.
        assert_eq!(a_cases[2].children().filter(|n| n.is_element()).count(), 0);

        // Warnings: a passing case with system-out.
        let b = suite(&doc, "mock-unused");
        assert_eq!(b.attribute("failures"), Some("0"));
        let b_cases = cases(b);
        assert_eq!(b_cases.len(), 2);
        let order = b_cases
            .iter()
            .find(|c| c.attribute("name") == Some("force-app/main/default/classes/OrderTest.cls"))
            .unwrap();
        assert!(order.children().all(|n| !n.has_tag_name("failure")));
        let out = order
            .children()
            .find(|n| n.has_tag_name("system-out"))
            .unwrap();
        assert_eq!(
            out.text().unwrap().trim(),
            "line 3, col 1: [OrderTest.setup] mock registered but never reached"
        );
    }

    #[test]
    fn names_carry_no_line_numbers() {
        let mut r = sample_report();
        let before = render(&r);
        for f in &mut r.findings {
            f.line += 7;
        }
        let after = render(&r);
        let names = |xml: &str| -> Vec<String> {
            let doc = roxmltree::Document::parse(xml).unwrap();
            doc.descendants()
                .filter(|n| n.has_tag_name("testcase"))
                .map(|n| n.attribute("name").unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&before), names(&after));
    }

    #[test]
    fn hostile_text_stays_well_formed() {
        let mut r = empty_report();
        let nasty = "a]]>b\u{0}c\u{1b}[31m<tag attr=\"x\">&amp;\u{FFFF}\r\nnext ]]]]>>";
        let mut f = finding(
            RULE_A.id,
            Severity::Error,
            "classes/We\u{7}ird]]>.cls",
            1,
            1,
            Some("A]]>.m\u{1}"),
            nasty,
        );
        f.chain = vec!["x]]>y".into()];
        let mut w = finding(
            RULE_A.id,
            Severity::Warning,
            "classes/W.cls",
            2,
            2,
            None,
            nasty,
        );
        w.file = "classes/We\u{7}ird]]>.cls".into();
        r.findings = vec![f, w];
        let xml = render(&r);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let case = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase"))
            .unwrap();
        assert_eq!(case.attribute("name"), Some("classes/Weird]] >.cls"));
        let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
        let msg = failure.attribute("message").unwrap();
        assert!(msg.starts_with("1 error: a]] >bc[31m<tag attr=\"x\">&amp;"));
        assert!(!msg.contains('\n'));
        let text = failure.text().unwrap();
        assert!(text.contains("[A]] >.m]"));
        assert!(text.contains("next ]]]] >>"));
        let out = case
            .children()
            .find(|n| n.has_tag_name("system-out"))
            .unwrap();
        assert!(out.text().unwrap().contains("a]] >bc"));
    }

    #[test]
    fn empty_report_lists_every_rule() {
        let xml = render(&empty_report());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let suites: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|n| n.attribute("name").unwrap())
            .collect();
        assert_eq!(suites, ["callout-without-mock", "mock-unused"]);
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name("testcase"))
                .count(),
            0
        );
    }

    #[test]
    fn unknown_rules_get_a_suite() {
        let mut r = empty_report();
        r.findings = vec![finding(
            "other-rule",
            Severity::Error,
            "x.cls",
            1,
            1,
            None,
            "m",
        )];
        let xml = render(&r);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let s = suite(&doc, "other-rule");
        assert_eq!(s.attribute("failures"), Some("1"));
    }
}
