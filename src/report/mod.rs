//! The outcome model shared by every binary, its renderers and the exit-code policy.
//!
//! Checking produces a [`FindingsReport`]; rendering (text, JSON, JUnit, SARIF,
//! GitLab Code Quality, GitHub annotations, Markdown) is separate from checking and
//! lives in the submodules. Paths in a report are repository-relative with `/`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod codequality;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod output;
pub mod results;
pub mod sanitize;
pub mod sarif;
pub mod text;

/// How serious a finding is. `Error` findings fail the run (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's documentation, as shown in SARIF, `--help` and the README.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// Stable id, part of the interface (`callout-without-mock`).
    pub id: &'static str,
    /// One line: what the rule finds.
    pub short: &'static str,
    /// A paragraph: why it matters.
    pub full: &'static str,
    /// How to fix it (Markdown allowed).
    pub help: &'static str,
    pub default_severity: Severity,
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    /// Repository-relative path with `/`.
    pub file: String,
    /// 1-based.
    pub line: u32,
    /// 1-based.
    pub column: u32,
    /// The code element the finding is about (`Class.method`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    pub message: String,
    /// Stable across runs and line moves: rule, file, symbol and a rule-specific key,
    /// never a line number. Used by baselines, Code Quality and SARIF.
    pub fingerprint: String,
    /// For path-sensitive rules: the call chain from the finding to its cause.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<String>,
    /// Whether the finding lies in (or its chain passes through) a file of the change.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_change: bool,
    /// Rule-specific fields (`from`, `to`, `from_team`, `to_team`, …), written as
    /// extra keys of the finding in JSON and as SARIF result properties.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Finding {
    /// The chain joined with `sep`, when the message does not already show it
    /// (rules usually write the chain into the message).
    pub fn chain_not_in_message(&self, sep: &str) -> Option<String> {
        if self.chain.is_empty() || self.message.contains(&self.chain.join(" → ")) {
            None
        } else {
            Some(self.chain.join(sep))
        }
    }
}

/// Builds a fingerprint from stable parts (never a line number).
pub fn fingerprint(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let out = h.finalize();
    out.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The whole outcome of a findings tool's run.
#[derive(Debug, Clone, Default)]
pub struct FindingsReport {
    /// Binary name, e.g. `lint-callout-mocks`.
    pub tool: &'static str,
    pub version: &'static str,
    /// Every rule the tool has (also the ones that found nothing).
    pub rules: Vec<RuleInfo>,
    /// Findings after suppressions, baseline and severity configuration.
    pub findings: Vec<Finding>,
    /// Per rule, the files it examined (repo-relative). Rendered as passing JUnit
    /// test cases when they have no finding, so a report shows what was checked.
    pub checked: BTreeMap<String, Vec<String>>,
    /// Extra summary figures (`files`, `classes`, `suppressed`, `baselined`, …).
    pub summary: BTreeMap<String, serde_json::Value>,
    /// Files of the change (`--base`), repo-relative; empty when no change was given.
    pub changed_files: Vec<String>,
    /// Wall time of the analysis.
    pub duration: std::time::Duration,
}

impl FindingsReport {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }
    /// Sorts findings by file, line, column, rule: the order every renderer uses.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (a.file.as_str(), a.line, a.column, a.rule.as_str()).cmp(&(
                b.file.as_str(),
                b.line,
                b.column,
                b.rule.as_str(),
            ))
        });
    }
    /// The findings in rendering order (file, line, column, rule, then message),
    /// whatever order `findings` is in, so every renderer is deterministic.
    pub fn ordered_findings(&self) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.findings.iter().collect();
        v.sort_by(|a, b| {
            (
                a.file.as_str(),
                a.line,
                a.column,
                a.rule.as_str(),
                a.message.as_str(),
            )
                .cmp(&(
                    b.file.as_str(),
                    b.line,
                    b.column,
                    b.rule.as_str(),
                    b.message.as_str(),
                ))
        });
        v
    }
    /// How many distinct files have at least one finding.
    pub fn files_with_findings(&self) -> usize {
        self.findings
            .iter()
            .map(|f| f.file.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    }
    /// Whether a finding belongs to the change: flagged `in_change`, or its file is
    /// one of `changed_files`.
    pub fn is_in_change(&self, finding: &Finding) -> bool {
        finding.in_change || self.changed_files.contains(&finding.file)
    }
    /// The exit code for this report: 1 when an error-severity finding remains, else 0.
    pub fn exit_code(&self) -> ExitCode {
        if self.errors() > 0 {
            ExitCode::Failed
        } else {
            ExitCode::Passed
        }
    }
}

/// What [`output::emit`] needs of a report: every rendering and the exit code. Both
/// outcome models implement it — [`FindingsReport`] (lint, deps, owners) and
/// [`results::ResultsReport`] (smoke, gate).
pub trait Render {
    fn exit_code(&self) -> ExitCode;
    fn json(&self) -> String;
    fn junit(&self) -> String;
    fn sarif(&self) -> String;
    fn codequality(&self) -> String;
    fn text(&self, color: bool) -> String;
    /// GitHub annotations; `pointer` says where the full report is.
    fn github(&self, pointer: &str) -> String;
    /// The Markdown summary, at most `limit` bytes.
    fn markdown(&self, limit: usize) -> String;
}

impl Render for FindingsReport {
    fn exit_code(&self) -> ExitCode {
        FindingsReport::exit_code(self)
    }
    fn json(&self) -> String {
        json::render(self)
    }
    fn junit(&self) -> String {
        junit::render(self)
    }
    fn sarif(&self) -> String {
        sarif::render(self)
    }
    fn codequality(&self) -> String {
        codequality::render(self)
    }
    fn text(&self, color: bool) -> String {
        text::render(self, color)
    }
    fn github(&self, pointer: &str) -> String {
        github::render_with_pointer(self, pointer)
    }
    fn markdown(&self, limit: usize) -> String {
        markdown::render(self, limit)
    }
}

impl Render for results::ResultsReport {
    fn exit_code(&self) -> ExitCode {
        results::ResultsReport::exit_code(self)
    }
    fn json(&self) -> String {
        results::render_json(self)
    }
    fn junit(&self) -> String {
        results::render_junit(self)
    }
    fn sarif(&self) -> String {
        sarif::render(&self.findings)
    }
    fn codequality(&self) -> String {
        codequality::render(&self.findings)
    }
    fn text(&self, color: bool) -> String {
        results::render_text(self, color)
    }
    fn github(&self, pointer: &str) -> String {
        results::render_github(self, pointer)
    }
    fn markdown(&self, limit: usize) -> String {
        results::render_markdown(self, limit)
    }
}

/// The exit-code policy shared by every binary (see DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// 0: every check passed.
    Passed = 0,
    /// 1: a check failed. Wins over `Broken` when both happen.
    Failed = 1,
    /// 2: the tool could not do its job (usage, config, unreadable input, network).
    Broken = 2,
}

impl ExitCode {
    /// Combines two outcomes: `Failed` wins over `Broken`, which wins over `Passed`,
    /// so `allow_failure: exit_codes: [2]` can never hide a real failure.
    pub fn combine(self, other: ExitCode) -> ExitCode {
        use ExitCode::*;
        match (self, other) {
            (Failed, _) | (_, Failed) => Failed,
            (Broken, _) | (_, Broken) => Broken,
            _ => Passed,
        }
    }
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// Small hand-built reports for the renderers' tests.
#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    pub(crate) const RULE_A: RuleInfo = RuleInfo {
        id: "callout-without-mock",
        short: "A test reaches an HTTP callout without a mock.",
        full: "Tests that reach a callout without Test.setMock fail with CalloutException.",
        help: "Call `Test.setMock(HttpCalloutMock.class, new MyMock())` before the callout.",
        default_severity: Severity::Error,
    };
    pub(crate) const RULE_B: RuleInfo = RuleInfo {
        id: "mock-unused",
        short: "A mock is registered but never reached.",
        full: "A Test.setMock call whose mock no callout path uses.",
        help: "Remove the unused `Test.setMock` call.",
        default_severity: Severity::Warning,
    };

    /// A finding with its fingerprint derived from rule, file and symbol.
    pub(crate) fn finding(
        rule: &str,
        severity: Severity,
        file: &str,
        line: u32,
        column: u32,
        symbol: Option<&str>,
        message: &str,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            file: file.to_string(),
            line,
            column,
            symbol: symbol.map(str::to_string),
            message: message.to_string(),
            fingerprint: fingerprint(&[rule, file, symbol.unwrap_or(""), message]),
            chain: Vec::new(),
            in_change: false,
            extra: Default::default(),
        }
    }

    /// A report of `lint-callout-mocks` with the two rules and no findings.
    pub(crate) fn empty_report() -> FindingsReport {
        FindingsReport {
            tool: "lint-callout-mocks",
            version: "0.1.0",
            rules: vec![RULE_A, RULE_B],
            duration: std::time::Duration::from_millis(1234),
            ..FindingsReport::default()
        }
    }

    /// Two errors in one file, one error and one warning elsewhere, a clean checked file.
    pub(crate) fn sample_report() -> FindingsReport {
        let mut r = empty_report();
        let mut chained = finding(
            RULE_A.id,
            Severity::Error,
            "force-app/main/default/classes/AccountServiceTest.cls",
            12,
            9,
            Some("AccountServiceTest.testSync"),
            "test reaches a callout without Test.setMock",
        );
        chained.chain = vec![
            "AccountServiceTest.testSync".into(),
            "AccountService.sync".into(),
            "Http.send".into(),
        ];
        r.findings = vec![
            chained,
            finding(
                RULE_A.id,
                Severity::Error,
                "force-app/main/default/classes/AccountServiceTest.cls",
                40,
                5,
                Some("AccountServiceTest.testBatch"),
                "test reaches a callout without Test.setMock",
            ),
            finding(
                RULE_A.id,
                Severity::Error,
                "force-app/main/default/classes/Billing Test.cls",
                7,
                3,
                None,
                "test reaches a callout without Test.setMock",
            ),
            finding(
                RULE_B.id,
                Severity::Warning,
                "force-app/main/default/classes/OrderTest.cls",
                3,
                1,
                Some("OrderTest.setup"),
                "mock registered but never reached",
            ),
        ];
        r.checked.insert(
            RULE_A.id.to_string(),
            vec![
                "force-app/main/default/classes/AccountServiceTest.cls".into(),
                "force-app/main/default/classes/Billing Test.cls".into(),
                "force-app/main/default/classes/CleanTest.cls".into(),
            ],
        );
        r.checked.insert(
            RULE_B.id.to_string(),
            vec![
                "force-app/main/default/classes/CleanTest.cls".into(),
                "force-app/main/default/classes/OrderTest.cls".into(),
            ],
        );
        r.summary.insert("files".into(), serde_json::json!(120));
        r.summary.insert("classes".into(), serde_json::json!(98));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_wins_over_broken() {
        assert_eq!(ExitCode::Broken.combine(ExitCode::Failed), ExitCode::Failed);
        assert_eq!(ExitCode::Passed.combine(ExitCode::Broken), ExitCode::Broken);
        assert_eq!(ExitCode::Passed.combine(ExitCode::Passed), ExitCode::Passed);
    }

    #[test]
    fn fingerprint_is_stable_and_part_sensitive() {
        let a = fingerprint(&["r", "f.cls", "A.m"]);
        assert_eq!(a, fingerprint(&["r", "f.cls", "A.m"]));
        assert_ne!(a, fingerprint(&["r", "f.clsA", ".m"]));
        assert_eq!(a.len(), 32);
    }
}
