//! The one shape every rule of every findings tool (`lint-callout-mocks`, `validate-deps`,
//! `codeowners-check`) is declared in, and what is generated from a tool's list of rules.
//!
//! A rule is declared once, with [`rule!`](crate::rule): its doc comment is its
//! documentation, beside its id, default severity and one-line summary (and, where the tool
//! runs its checks rule by rule, its check). From the tool's list come the SARIF rule
//! descriptors ([`Rule::info`]: the summary, the doc's **Why it matters.** and **Fix.**
//! paragraphs), the rule list of `--help` ([`help`]) and the README rule tables ([`table`],
//! kept equal to the README by a test).

use crate::report::{RuleInfo, Severity};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// A rule: metadata, documentation and — for tools that check rule by rule — its check.
#[derive(Debug, Clone, Copy)]
pub struct Rule<C: 'static = ()> {
    /// Stable id, part of the interface (`callout-without-mock`).
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line: what the rule finds (SARIF `shortDescription`, `--help`, README).
    pub summary: &'static str,
    /// The doc comment of the declaration (Markdown, one line per doc line).
    pub doc: &'static str,
    /// The source file that declares the rule (the README links to it).
    pub file: &'static str,
    /// The tool's own part: its check, or `()`.
    pub check: C,
}

/// Declares a rule: its doc comment becomes both the item's documentation and
/// [`Rule::doc`]; `file!()` is [`Rule::file`].
///
/// ```text
/// crate::rule! {
///     /// **What it does.** (the rule's documentation, Markdown)
///     ///
///     /// **Why it matters.** (SARIF `fullDescription`)
///     ///
///     /// **Fix.** (SARIF `help`)
///     pub const RULE: Rule = {
///         id: "my-rule",
///         severity: Warning,
///         summary: "What it finds, in one line",
///         check: Check { .. }, // only where the tool's `Rule` has a check
///     }
/// }
/// ```
#[macro_export]
macro_rules! rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis const $name:ident: $ty:ty = {
            id: $id:literal,
            severity: $sev:ident,
            summary: $summary:literal
            $(, check: $check:expr)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis const $name: $ty = $crate::rules::Rule {
            id: $id,
            default_severity: $crate::report::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            file: file!(),
            check: $crate::rule!(@check $($check)?),
        };
    };
    (@check) => { () };
    (@check $check:expr) => { $check };
}

impl<C> Rule<C> {
    /// The rule as reports describe it (SARIF rule descriptors).
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id,
            short: self.summary,
            full: section(self.doc, "Why it matters"),
            help: section(self.doc, "Fix"),
            default_severity: self.default_severity,
        }
    }
}

/// Every rule of a list as reports describe them.
pub fn infos<C>(rules: &[Rule<C>]) -> Vec<RuleInfo> {
    rules.iter().map(Rule::info).collect()
}

/// The paragraph of `doc` that starts with `**{label}.**`, without the label, its lines
/// joined by single spaces; empty when there is none. Each (doc, label) is read once and
/// kept for the life of the process (a few rules, a few hundred bytes each).
pub fn section(doc: &'static str, label: &'static str) -> &'static str {
    static READ: LazyLock<Mutex<HashMap<(&str, &str), &'static str>>> =
        LazyLock::new(Default::default);
    let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
    read.entry((doc, label)).or_insert_with(|| {
        let marker = format!("**{label}.**");
        let mut words: Vec<&str> = Vec::new();
        let mut inside = false;
        for line in doc.lines().map(str::trim) {
            if !inside {
                if let Some(rest) = line.strip_prefix(marker.as_str()) {
                    inside = true;
                    words.extend(rest.split_whitespace());
                }
            } else if line.is_empty() {
                break;
            } else {
                words.extend(line.split_whitespace());
            }
        }
        Box::leak(words.join(" ").into_boxed_str())
    })
}

/// The rule list of a tool's `--help`: `  id  severity  summary`, aligned, wrapped at 100
/// columns.
pub fn help<C>(rules: &[Rule<C>]) -> String {
    let id_width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let indent = 2 + id_width + 2 + "warning".len() + 2;
    let mut out = String::new();
    for r in rules {
        let mut line = format!("  {:id_width$}  {:7}  ", r.id, r.default_severity.as_str());
        let mut width = line.chars().count();
        let mut first = true;
        for word in r.summary.split_whitespace() {
            let n = word.chars().count();
            if !first && width + 1 + n > 100 {
                line.push('\n');
                line.push_str(&" ".repeat(indent));
                width = indent;
                first = true;
            }
            if !first {
                line.push(' ');
                width += 1;
            }
            line.push_str(word);
            width += n;
            first = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The README table of a tool's rules: id (linking to the file that documents it), default
/// severity, summary.
pub fn table<'a, C: 'static>(rules: impl IntoIterator<Item = &'a Rule<C>>) -> String {
    let mut out = String::from("| id | default | finds |\n|---|---|---|\n");
    for r in rules {
        out.push_str(&format!(
            "| [`{}`]({}) | {} | {} |\n",
            r.id,
            r.file,
            r.default_severity.as_str(),
            r.summary
        ));
    }
    out
}

#[cfg(test)]
mod tests;
