//! GitHub Actions workflow-command annotations (`--format github`).
//!
//! `::error file=F,line=L,col=C,title=T::message` and `::warning …`, escaped as the
//! runner expects (`@actions/core`'s `escapeData`/`escapeProperty`). GitHub shows at
//! most [`MAX_PER_SEVERITY`] error and as many warning annotations per step and drops
//! the rest silently, so this emits at most that many of each — findings in the change
//! first — and then a `::notice::` saying how many were not shown and where the full
//! report is.

use super::{Finding, FindingsReport, Severity};

/// Annotations GitHub displays per severity and step.
pub const MAX_PER_SEVERITY: usize = 10;

/// Escapes a command's message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            // Other control characters (terminal escape sequences in scanned text)
            // are shown, never sent to the log as they are.
            c if c != '\t' && c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command property value (as data, plus `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn annotation(f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let title = match f.symbol.as_deref().filter(|s| !s.is_empty()) {
        Some(sym) => format!("{} ({sym})", f.rule),
        None => f.rule.clone(),
    };
    let mut message = f.message.clone();
    if let Some(chain) = f.chain_not_in_message(" → ") {
        message.push_str(&format!("\nvia {chain}"));
    }
    format!(
        "::{command} file={},line={},col={},title={}::{}\n",
        escape_property(&f.file),
        f.line.max(1),
        f.column.max(1),
        escape_property(&title),
        escape_data(&message),
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The annotations, pointing to "the job summary or the `--json`/`--sarif` report"
/// for the findings not shown.
pub fn render(report: &FindingsReport) -> String {
    render_with_pointer(
        report,
        "the job summary, or write the full report with --json FILE or --sarif FILE",
    )
}

/// The annotations; `pointer` says where the full report is (for example
/// `"the job summary and results.sarif"`).
pub fn render_with_pointer(report: &FindingsReport, pointer: &str) -> String {
    let mut ordered = report.ordered_findings();
    // Stable sort: findings in the change first, each group in rendering order.
    ordered.sort_by_key(|f| !report.is_in_change(f));

    let mut out = String::new();
    let mut hidden_errors = 0;
    let mut hidden_warnings = 0;
    for severity in [Severity::Error, Severity::Warning] {
        let of_severity = ordered.iter().filter(|f| f.severity == severity);
        let mut shown = 0;
        for f in of_severity {
            if shown < MAX_PER_SEVERITY {
                out.push_str(&annotation(f));
                shown += 1;
            } else if severity == Severity::Error {
                hidden_errors += 1;
            } else {
                hidden_warnings += 1;
            }
        }
    }
    if hidden_errors + hidden_warnings > 0 {
        let counts = match (hidden_errors, hidden_warnings) {
            (0, w) => plural(w, "warning"),
            (e, 0) => plural(e, "error"),
            (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
        };
        let message = format!(
            "{}: {counts} not shown as annotations (GitHub shows at most {MAX_PER_SEVERITY} \
             of each per step); see {pointer}.",
            report.tool
        );
        out.push_str(&format!(
            "::notice title={}::{}\n",
            escape_property(report.tool),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_never_reach_the_log() {
        let e = escape_data("x\u{1b}]0;pwn\u{7}\u{1b}[2J\ty");
        assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e}");
        assert!(e.contains("\\u{1b}") && e.contains('\t'), "{e}");
    }
    use crate::report::testutil::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\r\nnext: a,b"), "50%25%0D%0Anext: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn annotation_format() {
        let mut r = empty_report();
        let mut f = finding(
            RULE_A.id,
            Severity::Error,
            "classes/A,b:c.cls",
            3,
            4,
            Some("A.m"),
            "100% bad\nreally",
        );
        f.chain = vec!["A.m".into(), "Http.send".into()];
        r.findings = vec![
            f,
            finding(RULE_B.id, Severity::Warning, "b.cls", 1, 2, None, "w"),
        ];
        let out = render(&r);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=classes/A%2Cb%3Ac.cls,line=3,col=4,title=callout-without-mock (A.m)::100%25 bad%0Areally%0Avia A.m → Http.send",
                "::warning file=b.cls,line=1,col=2,title=mock-unused::w",
            ]
        );
    }

    #[test]
    fn caps_at_ten_each_with_changed_files_first_and_a_notice() {
        let mut r = empty_report();
        for i in 0..15u32 {
            r.findings.push(finding(
                RULE_A.id,
                Severity::Error,
                &format!("a{i:02}.cls"),
                1,
                1,
                None,
                "e",
            ));
        }
        for i in 0..12u32 {
            r.findings.push(finding(
                RULE_B.id,
                Severity::Warning,
                &format!("w{i:02}.cls"),
                1,
                1,
                None,
                "w",
            ));
        }
        // Late files in the change: they must be shown.
        r.changed_files = vec!["a14.cls".into(), "w11.cls".into()];
        r.findings[13].in_change = true; // a13.cls
        let out = render_with_pointer(&r, "the job summary");
        let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error ")).collect();
        let warnings: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .collect();
        assert_eq!(errors.len(), 10);
        assert_eq!(warnings.len(), 10);
        assert!(errors[0].starts_with("::error file=a13.cls,"));
        assert!(errors[1].starts_with("::error file=a14.cls,"));
        assert!(errors[2].starts_with("::error file=a00.cls,"));
        assert!(warnings[0].starts_with("::warning file=w11.cls,"));
        assert!(warnings[1].starts_with("::warning file=w00.cls,"));
        let notices: Vec<&str> = out.lines().filter(|l| l.starts_with("::notice")).collect();
        assert_eq!(
            notices,
            ["::notice title=lint-callout-mocks::lint-callout-mocks: 5 errors and 2 warnings not shown as annotations (GitHub shows at most 10 of each per step); see the job summary."]
        );
        assert_eq!(out.lines().count(), 21);
    }

    #[test]
    fn no_notice_when_everything_fits() {
        let out = render(&sample_report());
        assert_eq!(out.lines().count(), 4);
        assert!(!out.contains("::notice"));
        assert!(render(&empty_report()).is_empty());
    }

    #[test]
    fn notice_counts_one_severity() {
        let mut r = empty_report();
        for i in 0..11u32 {
            r.findings.push(finding(
                RULE_B.id,
                Severity::Warning,
                &format!("w{i:02}.cls"),
                1,
                1,
                None,
                "w",
            ));
        }
        let out = render(&r);
        assert!(out.contains("::lint-callout-mocks: 1 warning not shown"));
    }
}
