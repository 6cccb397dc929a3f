//! The outcome model of the tools that run checks (`smoke`, `gate`) and its
//! renderers: the JSON results contract of DESIGN.md, JUnit (one test case per
//! check), text, GitHub annotations and the Markdown summary.
//!
//! A check is `pass`, `fail`, `error` (could not decide: unreachable org, no data —
//! `inconclusive` says the latter) or `skip`. Exit code: 1 when any check failed,
//! else 2 when any errored, else 0 ([`ExitCode::combine`]: a failure always wins).
//! A gate passed with `--override` is a `pass` that carries an [`Override`], shown
//! loudly in every output.
//!
//! Gates with located findings (component failures of a deployment) also carry a
//! [`FindingsReport`], rendered as SARIF and Code Quality and added to the
//! annotations.

use super::github::{escape_data, escape_property};
use super::markdown::escape_cell;
use super::sanitize::{one_line, terminal, xml_attr, xml_text};
use super::text::format_duration;
use super::{ExitCode, FindingsReport};
use junit_report::{Duration as JDuration, Report, TestCaseBuilder, TestSuiteBuilder};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// What happened to one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Error,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skip => "skip",
        }
    }
}

/// A blocking gate passed by `--override`: who and why, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    /// The gate that was overridden (`window`, `lock`, …).
    pub gate: String,
    /// The CI user (`GITLAB_USER_LOGIN`, `GITHUB_ACTOR`) or the local user.
    pub who: String,
    pub why: String,
    /// What the gate would have said.
    pub would_have: String,
}

/// One check's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub status: Status,
    /// One line: why it passed or failed.
    pub message: String,
    pub duration_ms: u64,
    /// The group the check belongs to: the JUnit `classname` (an Apex class for
    /// test methods); the tool's name when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Several lines: the query, expected and actual values, a stack trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A repository-relative file the check is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The check could not decide (no data): status `error`, never a pass.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inconclusive: bool,
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Override>,
    /// Check-specific fields, written as extra keys of the result.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl CheckResult {
    pub fn new(name: impl Into<String>, status: Status, message: impl Into<String>) -> Self {
        CheckResult {
            name: name.into(),
            status,
            message: message.into(),
            duration_ms: 0,
            group: None,
            detail: None,
            file: None,
            inconclusive: false,
            overridden: None,
            extra: BTreeMap::new(),
        }
    }
    pub fn pass(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(name, Status::Pass, message)
    }
    pub fn fail(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(name, Status::Fail, message)
    }
    pub fn error(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(name, Status::Error, message)
    }
    pub fn skip(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(name, Status::Skip, message)
    }
    /// An `error` that could not decide for lack of data.
    pub fn inconclusive(name: impl Into<String>, message: impl Into<String>) -> Self {
        let mut r = Self::new(name, Status::Error, message);
        r.inconclusive = true;
        r
    }
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
    pub fn with_group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }
    pub fn with_duration(mut self, d: Duration) -> Self {
        self.duration_ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        self
    }
    pub fn with_extra(mut self, key: &str, value: serde_json::Value) -> Self {
        self.extra.insert(key.to_string(), value);
        self
    }
    /// Turns a failing blocking gate into a pass with an audit record.
    pub fn overridden(mut self, gate: &str, who: &str, why: &str) -> Self {
        if self.status == Status::Fail {
            self.overridden = Some(Override {
                gate: gate.to_string(),
                who: who.to_string(),
                why: why.to_string(),
                would_have: self.message.clone(),
            });
            self.status = Status::Pass;
            self.message = format!(
                "OVERRIDDEN by {who} ({why}); the gate said: {}",
                self.message
            );
        }
        self
    }
}

/// The whole outcome of a checks tool's run.
#[derive(Debug, Clone, Default)]
pub struct ResultsReport {
    /// Binary name, with the subcommand for `gate` (`gate window`).
    pub tool: String,
    pub version: &'static str,
    pub results: Vec<CheckResult>,
    /// Extra summary figures (API usage, coverage, …).
    pub summary: BTreeMap<String, serde_json::Value>,
    /// Located findings (SARIF, Code Quality, annotations); may be empty.
    pub findings: FindingsReport,
    pub duration: Duration,
}

impl ResultsReport {
    pub fn new(tool: impl Into<String>) -> Self {
        let tool = tool.into();
        ResultsReport {
            findings: FindingsReport {
                tool: "sfci",
                version: env!("CARGO_PKG_VERSION"),
                ..FindingsReport::default()
            },
            tool,
            version: env!("CARGO_PKG_VERSION"),
            ..ResultsReport::default()
        }
    }
    pub fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }
    /// 1 when a check failed (or a finding is an error), else 2 when one errored.
    pub fn exit_code(&self) -> ExitCode {
        let mut code = self.findings.exit_code();
        for r in &self.results {
            code = code.combine(match r.status {
                Status::Fail => ExitCode::Failed,
                Status::Error => ExitCode::Broken,
                Status::Pass | Status::Skip => ExitCode::Passed,
            });
        }
        code
    }
    /// Writes an extra output (Cobertura, Markdown) beside the report. A failure becomes
    /// an `error` result — the report is still written, and a failed check still exits 1.
    pub fn write_side_file(&mut self, path: &std::path::Path, what: &str, text: &str) {
        let written = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(parent) => std::fs::create_dir_all(parent),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(path, text));
        if let Err(e) = written {
            let message = format!("cannot write {what} to {}: {e}", path.display());
            eprintln!("{}: {message}", self.tool);
            self.results
                .push(CheckResult::error(format!("write {what}"), message).with_group("outputs"));
        }
    }

    pub fn overrides(&self) -> impl Iterator<Item = &Override> {
        self.results.iter().filter_map(|r| r.overridden.as_ref())
    }
    pub fn verdict(&self) -> &'static str {
        match self.exit_code() {
            ExitCode::Passed => "passed",
            ExitCode::Failed => "failed",
            ExitCode::Broken => "could not complete",
        }
    }
    /// `3 passed, 1 failed, 0 error[, 2 skipped]`.
    pub fn counts(&self) -> String {
        let mut parts = vec![
            format!("{} passed", self.count(Status::Pass)),
            format!("{} failed", self.count(Status::Fail)),
            format!("{} error", self.count(Status::Error)),
        ];
        let skipped = self.count(Status::Skip);
        if skipped > 0 {
            parts.push(format!("{skipped} skipped"));
        }
        parts.join(", ")
    }
    pub fn summary_line(&self) -> String {
        let mut s = self.counts();
        if !self.summary.is_empty() {
            let extra: Vec<String> = self
                .summary
                .iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k}: {s}"),
                    other => format!("{k}: {other}"),
                })
                .collect();
            s.push_str(&format!(" ({})", extra.join(", ")));
        }
        s
    }
}

/// The JSON results contract.
pub fn render_json(report: &ResultsReport) -> String {
    let mut summary = serde_json::Map::new();
    for status in [Status::Pass, Status::Fail, Status::Error, Status::Skip] {
        summary.insert(status.as_str().into(), report.count(status).into());
    }
    summary.insert("exit_code".into(), report.exit_code().code().into());
    summary.insert(
        "duration_ms".into(),
        u64::try_from(report.duration.as_millis())
            .unwrap_or(u64::MAX)
            .into(),
    );
    for (k, v) in &report.summary {
        summary.insert(k.clone(), v.clone());
    }
    let overrides: Vec<&Override> = report.overrides().collect();
    let mut doc = serde_json::json!({
        "tool": report.tool,
        "version": report.version,
        "results": report.results,
        "summary": summary,
    });
    if !overrides.is_empty() {
        doc["overrides"] = serde_json::json!(overrides);
    }
    if !report.findings.findings.is_empty() {
        doc["findings"] = serde_json::json!(report.findings.ordered_findings());
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn failure_text(r: &CheckResult) -> String {
    let mut s = r.message.clone();
    if let Some(d) = &r.detail {
        s.push('\n');
        s.push_str(d);
    }
    s.push('\n');
    s
}

/// JUnit: one suite per group (in first-seen order), one case per check. `fail` is a
/// `failure`, `error` an `error`, `skip` a `skipped` case; a pass keeps its detail
/// (and any override) in `system-out`.
pub fn render_junit(report: &ResultsReport) -> String {
    let mut groups: Vec<(String, Vec<&CheckResult>)> = Vec::new();
    // Group positions by name: a deploy result has thousands of test classes.
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &report.results {
        let g = r.group.as_deref().unwrap_or(&report.tool);
        match index.get(g) {
            Some(&i) => groups[i].1.push(r),
            None => {
                index.insert(g, groups.len());
                groups.push((g.to_string(), vec![r]));
            }
        }
    }
    let mut junit = Report::new();
    for (group, results) in groups {
        let cases = results.into_iter().map(|r| {
            let name = xml_attr(&r.name);
            let time = JDuration::milliseconds(i64::try_from(r.duration_ms).unwrap_or(i64::MAX));
            let message = xml_attr(&r.message);
            let mut b = match r.status {
                Status::Pass => TestCaseBuilder::success(&name, time),
                Status::Skip => TestCaseBuilder::skipped(&name),
                Status::Fail => TestCaseBuilder::failure(&name, time, "fail", &message),
                Status::Error => TestCaseBuilder::error(
                    &name,
                    time,
                    if r.inconclusive {
                        "inconclusive"
                    } else {
                        "error"
                    },
                    &message,
                ),
            };
            match r.status {
                Status::Fail | Status::Error => {
                    b.set_trace(&xml_text(&failure_text(r)));
                }
                Status::Pass | Status::Skip => {
                    let mut out = String::new();
                    if let Some(o) = &r.overridden {
                        out.push_str(&format!(
                            "OVERRIDE of gate {} by {}: {}\nThe gate said: {}\n",
                            o.gate, o.who, o.why, o.would_have
                        ));
                    }
                    if let Some(d) = &r.detail {
                        out.push_str(d);
                        out.push('\n');
                    }
                    if !out.is_empty() {
                        b.set_system_out(&xml_text(&out));
                    }
                }
            }
            b.set_classname(&xml_attr(&group));
            if let Some(f) = &r.file {
                b.set_filepath(&xml_attr(f));
            }
            b.build()
        });
        junit.add_testsuite(
            TestSuiteBuilder::new(&xml_attr(&group))
                .add_testcases(cases)
                .build(),
        );
    }
    super::junit::to_xml(&junit)
}

/// Text for people: one line per check (detail indented under failures and
/// errors), overrides, then the counts.
pub fn render_text(report: &ResultsReport, color: bool) -> String {
    let paint = |style: &str, s: &str| {
        if color {
            format!("{style}{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for r in &report.results {
        let (label, style) = match (r.status, r.overridden.is_some()) {
            (Status::Pass, true) => ("OVERRIDE", "\x1b[1;33m"),
            (Status::Pass, false) => ("PASS", "\x1b[1;32m"),
            (Status::Fail, _) => ("FAIL", "\x1b[1;31m"),
            (Status::Error, _) => ("ERROR", "\x1b[1;31m"),
            (Status::Skip, _) => ("SKIP", "\x1b[2m"),
        };
        out.push_str(&format!(
            "{} {}: {}",
            paint(style, &format!("{label:<8}")),
            terminal(&r.name),
            terminal(&one_line(&r.message))
        ));
        if r.duration_ms > 0 {
            out.push_str(&format!(
                " ({})",
                format_duration(Duration::from_millis(r.duration_ms))
            ));
        }
        out.push('\n');
        if matches!(r.status, Status::Fail | Status::Error) {
            if let Some(d) = &r.detail {
                for line in d.lines() {
                    out.push_str(&format!("         {}\n", terminal(line)));
                }
            }
        }
    }
    for o in report.overrides() {
        out.push_str(&format!(
            "{} gate {} overridden by {}: {}\n",
            paint("\x1b[1;33m", "AUDIT"),
            terminal(&o.gate),
            terminal(&o.who),
            terminal(&one_line(&o.why))
        ));
    }
    if !report.findings.findings.is_empty() {
        out.push_str(&super::text::render(&report.findings, color));
    }
    out.push_str(&format!(
        "{}: {} — {} in {}\n",
        report.tool,
        report.verdict(),
        report.summary_line(),
        format_duration(report.duration)
    ));
    out
}

/// GitHub workflow commands: an `error` per failed or errored check, a `warning`
/// per override, then the findings' annotations.
pub fn render_github(report: &ResultsReport, pointer: &str) -> String {
    let mut out = String::new();
    for r in &report.results {
        let level = match r.status {
            Status::Fail | Status::Error => "error",
            Status::Pass if r.overridden.is_some() => "warning",
            _ => continue,
        };
        let mut props = vec![format!(
            "title={}",
            escape_property(&format!("{}: {}", report.tool, r.name))
        )];
        if let Some(f) = &r.file {
            props.push(format!("file={}", escape_property(f)));
        }
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            escape_data(failure_text(r).trim_end())
        ));
    }
    if !report.findings.findings.is_empty() {
        out.push_str(&super::github::render_with_pointer(
            &report.findings,
            pointer,
        ));
    }
    out
}

/// The Markdown summary (`$GITHUB_STEP_SUMMARY`), at most `limit` bytes: the
/// verdict, overrides, then a table of checks, failures first.
pub fn render_markdown(report: &ResultsReport, limit: usize) -> String {
    let icon = match report.exit_code() {
        ExitCode::Passed => "✅",
        ExitCode::Failed => "❌",
        ExitCode::Broken => "⚠️",
    };
    let mut s = format!(
        "## {}: {icon} {}\n\n{}\n\n",
        escape_cell(&report.tool),
        report.verdict(),
        escape_cell(&report.summary_line())
    );
    for o in report.overrides() {
        s.push_str(&format!(
            "> **Override:** gate `{}` passed by {} — {}\n\n",
            escape_cell(&o.gate),
            escape_cell(&o.who),
            escape_cell(&o.why)
        ));
    }
    let mut rows: Vec<&CheckResult> = report.results.iter().collect();
    rows.sort_by_key(|r| match r.status {
        Status::Fail => 0,
        Status::Error => 1,
        Status::Pass => 2,
        Status::Skip => 3,
    });
    s.push_str("| status | check | message |\n|---|---|---|\n");
    let footer = "\n_Table cut to fit the summary limit; see the JUnit or JSON report._\n";
    for (i, r) in rows.iter().enumerate() {
        let row = format!(
            "| {} | {} | {} |\n",
            r.status.as_str(),
            escape_cell(&r.name),
            escape_cell(&one_line(&r.message))
        );
        if s.len() + row.len() + footer.len() > limit {
            if i < rows.len() {
                s.push_str(footer);
            }
            break;
        }
        s.push_str(&row);
    }
    if s.len() > limit {
        let mut end = limit;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// The merge-request comment of a results report (`smoke`, gates): the verdict, every check that
/// did not pass with its detail (the query, expected and found values) folded under it, and the
/// passing checks folded at the end. `sections` (Markdown) go between the verdict and the table.
pub fn render_comment(report: &ResultsReport, sections: &str, limit: usize) -> String {
    let icon = match report.exit_code() {
        ExitCode::Passed => "✅",
        ExitCode::Failed => "❌",
        ExitCode::Broken => "⚠️",
    };
    let mut s = format!(
        "### {icon} `{}` {}\n\n{}\n\n",
        report.tool.replace('`', "'"),
        report.verdict(),
        escape_cell(&report.counts())
    );
    for o in report.overrides() {
        s.push_str(&format!(
            "> **Break glass:** gate `{}` passed by {} — {}\n\n",
            o.gate.replace('`', "'"),
            escape_cell(&o.who),
            escape_cell(&o.why)
        ));
    }
    s.push_str(sections);
    let (bad, good): (Vec<&CheckResult>, Vec<&CheckResult>) = report
        .results
        .iter()
        .partition(|r| matches!(r.status, Status::Fail | Status::Error));
    let row = |r: &CheckResult| {
        let name = match &r.group {
            Some(g) if g != &r.name => format!("{g} › {}", r.name),
            _ => r.name.clone(),
        };
        format!(
            "| {} | {} | {} |\n",
            match r.status {
                Status::Fail => "❌ fail",
                Status::Error => "⚠️ error",
                Status::Pass => "✅ pass",
                Status::Skip => "⏭ skip",
            },
            escape_cell(&name),
            escape_cell(&one_line(&r.message))
        )
    };
    let footer =
        "\n_Cut to fit the comment limit; the job's JUnit and JSON reports have every check._\n";
    let push = |s: &mut String, text: &str| -> bool {
        if s.len() + text.len() + footer.len() > limit {
            s.push_str(footer);
            false
        } else {
            s.push_str(text);
            true
        }
    };
    if !bad.is_empty() {
        let mut ok = push(&mut s, "| status | check | why |\n|---|---|---|\n");
        for r in &bad {
            if !ok {
                break;
            }
            ok = push(&mut s, &row(r));
        }
        let details: Vec<&&CheckResult> = bad.iter().filter(|r| r.detail.is_some()).collect();
        for r in details {
            if !ok {
                break;
            }
            let d = r
                .detail
                .as_deref()
                .unwrap_or_default()
                .replace("```", "'''");
            ok = push(
                &mut s,
                &format!(
                    "\n<details><summary>{}</summary>\n\n```\n{}\n```\n</details>\n",
                    escape_cell(&r.name),
                    d.trim_end()
                ),
            );
        }
        if !ok {
            return s;
        }
    }
    if !good.is_empty() {
        let mut block = format!(
            "\n<details><summary>{} other check(s)</summary>\n\n| status | check | message |\n|---|---|---|\n",
            good.len()
        );
        for r in &good {
            block.push_str(&row(r));
        }
        block.push_str("\n</details>\n");
        push(&mut s, &block);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ResultsReport {
        let mut r = ResultsReport::new("smoke");
        r.results = vec![
            CheckResult::pass("org identity", "connected to 00D000000000001").with_group("org"),
            CheckResult::fail("approval process active", "expected 1 record, got 0")
                .with_detail(
                    "query: SELECT Id FROM ProcessDefinition\nexpected: count = 1\nactual: 0",
                )
                .with_duration(Duration::from_millis(120)),
            CheckResult::inconclusive("error rate", "no data"),
            CheckResult::skip("limits", "not selected by --tags"),
            CheckResult::fail("window", "outside Fri 18:00-22:00").overridden(
                "window",
                "jane",
                "INC-42 hotfix",
            ),
        ];
        r.summary.insert("api_usage".into(), "120/15000".into());
        r
    }

    #[test]
    fn exit_code_failure_wins() {
        let r = sample();
        assert_eq!(r.exit_code(), ExitCode::Failed);
        let mut only_error = ResultsReport::new("smoke");
        only_error.results = vec![
            CheckResult::pass("a", ""),
            CheckResult::inconclusive("b", "no data"),
        ];
        assert_eq!(only_error.exit_code(), ExitCode::Broken);
        let mut ok = ResultsReport::new("smoke");
        ok.results = vec![CheckResult::pass("a", ""), CheckResult::skip("b", "")];
        assert_eq!(ok.exit_code(), ExitCode::Passed);
    }

    #[test]
    fn a_side_file_that_cannot_be_written_is_an_error_result() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        let mut r = sample();
        r.write_side_file(
            &blocker.join("x/coverage.xml"),
            "the Cobertura report",
            "<x/>",
        );
        let last = r.results.last().unwrap();
        assert_eq!(last.status, Status::Error);
        assert!(last
            .message
            .starts_with("cannot write the Cobertura report to "));
        // A failed check still wins.
        assert_eq!(r.exit_code(), ExitCode::Failed);
        let mut ok = ResultsReport::new("gate");
        ok.write_side_file(&dir.path().join("sub/s.md"), "the summary", "# hi");
        assert!(ok.results.is_empty());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/s.md")).unwrap(),
            "# hi"
        );
    }

    #[test]
    fn json_contract() {
        let v: serde_json::Value = serde_json::from_str(&render_json(&sample())).unwrap();
        assert_eq!(v["tool"], "smoke");
        assert_eq!(v["results"].as_array().unwrap().len(), 5);
        assert_eq!(v["results"][1]["status"], "fail");
        assert_eq!(v["results"][1]["duration_ms"], 120);
        assert_eq!(v["results"][2]["status"], "error");
        assert_eq!(v["results"][2]["inconclusive"], true);
        assert!(v["results"][0].get("inconclusive").is_none());
        assert_eq!(v["results"][4]["status"], "pass");
        assert_eq!(v["results"][4]["override"]["who"], "jane");
        assert_eq!(v["overrides"][0]["why"], "INC-42 hotfix");
        assert_eq!(v["summary"]["fail"], 1);
        assert_eq!(v["summary"]["exit_code"], 1);
        assert_eq!(v["summary"]["api_usage"], "120/15000");
    }

    #[test]
    fn junit_cases_by_status() {
        let xml = render_junit(&sample());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let case = |name: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
                .unwrap()
        };
        assert_eq!(case("org identity").attribute("classname"), Some("org"));
        let failed = case("approval process active");
        assert_eq!(failed.attribute("classname"), Some("smoke"));
        let f = failed
            .children()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert!(f
            .text()
            .unwrap_or_default()
            .contains("SELECT Id FROM ProcessDefinition"));
        let e = case("error rate")
            .children()
            .find(|n| n.has_tag_name("error"))
            .unwrap();
        assert_eq!(e.attribute("type"), Some("inconclusive"));
        assert!(case("limits").children().any(|n| n.has_tag_name("skipped")));
        let o = case("window");
        assert!(!o.children().any(|n| n.has_tag_name("failure")));
        let out = o.children().find(|n| n.has_tag_name("system-out")).unwrap();
        assert!(out
            .text()
            .unwrap()
            .contains("OVERRIDE of gate window by jane: INC-42"));
    }

    #[test]
    fn text_github_markdown() {
        let r = sample();
        let t = render_text(&r, false);
        assert!(t.contains("FAIL     approval process active: expected 1 record, got 0 (120ms)"));
        assert!(t.contains("         query: SELECT Id FROM ProcessDefinition"));
        assert!(t.contains("AUDIT gate window overridden by jane: INC-42 hotfix"));
        assert!(t.ends_with("smoke: failed — 2 passed, 1 failed, 1 error, 1 skipped (api_usage: 120/15000) in 0ms\n"), "{t}");
        let g = render_github(&r, "x");
        assert_eq!(g.lines().filter(|l| l.starts_with("::error ")).count(), 2);
        assert_eq!(g.lines().filter(|l| l.starts_with("::warning ")).count(), 1);
        assert!(!g.contains("org identity"));
        let md = render_markdown(&r, 1 << 20);
        assert!(md.starts_with("## smoke: ❌ failed"));
        assert!(md.contains("> **Override:** gate `window` passed by jane"));
        let first_row = md.lines().find(|l| l.starts_with("| fail")).unwrap();
        assert!(first_row.contains("approval process active"));
        let short = render_markdown(&r, 200);
        assert!(short.len() <= 200);
    }
}
