//! Human output: one line per finding in the compiler style editors and CI log
//! viewers recognise, then a summary line.
//!
//! ```text
//! classes/AccountServiceTest.cls:12:9: error[callout-without-mock] test reaches a callout without Test.setMock (AccountServiceTest.testSync; via AccountServiceTest.testSync → AccountService.sync → Http.send)
//! 1 error, 0 warnings in 1 file (classes: 98, files: 120) in 1.23s
//! ```
//!
//! The symbol is appended when the message does not already name it. Text taken from
//! scanned files is passed through [`sanitize::terminal`](super::sanitize::terminal), so
//! it cannot carry terminal escape sequences. ANSI colour only when asked for.

use super::sanitize::{one_line, terminal};
use super::{Finding, FindingsReport, Severity};
use std::time::Duration;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[1;32m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: &str, s: &str) -> String {
        if self.color {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    }
}

/// `350ms`, `1.23s`, `2m 05s`, `1h 02m`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.2}s", d.as_secs_f64())
    } else if ms < 3_600_000 {
        let s = d.as_secs();
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        let s = d.as_secs();
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn finding_line(p: &Painter, f: &Finding) -> String {
    let (style, sev) = match f.severity {
        Severity::Error => (RED, "error"),
        Severity::Warning => (YELLOW, "warning"),
    };
    let location = format!("{}:{}:{}:", terminal(&f.file), f.line, f.column);
    let message = terminal(&one_line(&f.message));
    let mut extra = Vec::new();
    if let Some(sym) = f.symbol.as_deref().filter(|s| !s.is_empty()) {
        if !f.message.contains(sym) {
            extra.push(terminal(sym));
        }
    }
    if let Some(chain) = f.chain_not_in_message(" → ") {
        extra.push(format!("via {}", terminal(&chain)));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" {}", p.paint(DIM, &format!("({})", extra.join("; "))))
    };
    format!(
        "{} {}{} {message}{extra}\n",
        p.paint(BOLD, &location),
        p.paint(style, sev),
        p.paint(BOLD, &format!("[{}]", terminal(&f.rule))),
    )
}

fn summary_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => terminal(s),
        other => other.to_string(),
    }
}

/// The human-readable report; `color` adds ANSI colours.
pub fn render(report: &FindingsReport, color: bool) -> String {
    let p = Painter { color };
    let mut out = String::new();
    for f in report.ordered_findings() {
        out.push_str(&finding_line(&p, f));
    }

    let figures: Vec<String> = report
        .summary
        .iter()
        .map(|(k, v)| format!("{}: {}", terminal(k), summary_value(v)))
        .collect();
    let figures = if figures.is_empty() {
        String::new()
    } else {
        format!(" ({})", figures.join(", "))
    };
    let took = format!(" in {}", format_duration(report.duration));

    let (errors, warnings) = (report.errors(), report.warnings());
    let head = if errors + warnings == 0 {
        p.paint(GREEN, "no findings")
    } else {
        let counts = format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
        let style = if errors > 0 { RED } else { YELLOW };
        format!(
            "{} in {}",
            p.paint(style, &counts),
            plural(report.files_with_findings(), "file")
        )
    };
    out.push_str(&format!("{head}{figures}{took}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::*;

    #[test]
    fn lines_and_summary() {
        let out = render(&sample_report(), false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(
            lines[0],
            "force-app/main/default/classes/AccountServiceTest.cls:12:9: error[callout-without-mock] \
             test reaches a callout without Test.setMock (AccountServiceTest.testSync; \
             via AccountServiceTest.testSync → AccountService.sync → Http.send)"
        );
        assert_eq!(
            lines[2],
            "force-app/main/default/classes/Billing Test.cls:7:3: error[callout-without-mock] \
             test reaches a callout without Test.setMock"
        );
        assert!(lines[3].contains(
            ": warning[mock-unused] mock registered but never reached (OrderTest.setup)"
        ));
        assert_eq!(
            lines[4],
            "3 errors, 1 warning in 3 files (classes: 98, files: 120) in 1.23s"
        );
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn symbol_not_repeated_when_in_message() {
        let mut r = empty_report();
        r.findings = vec![finding(
            RULE_A.id,
            Severity::Error,
            "a.cls",
            1,
            2,
            Some("A.m"),
            "A.m reaches a callout",
        )];
        let out = render(&r, false);
        assert!(out.starts_with("a.cls:1:2: error[callout-without-mock] A.m reaches a callout\n"));
    }

    #[test]
    fn clean_report() {
        let out = render(&empty_report(), false);
        assert_eq!(out, "no findings in 1.23s\n");
    }

    #[test]
    fn colour_only_when_asked_and_no_injected_escapes() {
        let mut r = empty_report();
        r.findings = vec![finding(
            RULE_A.id,
            Severity::Error,
            "a.cls",
            1,
            1,
            None,
            "evil \u{1b}]0;title\u{7}",
        )];
        let plain = render(&r, false);
        assert!(!plain.contains('\x1b'));
        assert!(plain.contains("evil \\u{1b}]0;title\\u{7}"));
        let coloured = render(&r, true);
        assert!(coloured.contains("\x1b[1;31merror\x1b[0m"));
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(Duration::from_millis(350)), "350ms");
        assert_eq!(format_duration(Duration::from_millis(1234)), "1.23s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m 05s");
        assert_eq!(format_duration(Duration::from_secs(3720)), "1h 02m");
    }
}
