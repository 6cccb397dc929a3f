//! A Markdown summary for `$GITHUB_STEP_SUMMARY` (or a merge-request comment).
//!
//! A heading with the tool and the result, the counts, then a table of findings —
//! errors first, findings in the change first, then by file and line — cut to fit a
//! byte limit with a closing line saying how many rows were left out. GitHub rejects a
//! step summary over [`GITHUB_STEP_SUMMARY_LIMIT`]. Cell text is escaped so a message
//! cannot break the table or inject markup.

use super::text::format_duration;
use super::{Finding, FindingsReport, Severity};

/// GitHub's cap on `$GITHUB_STEP_SUMMARY` (1 MiB per step).
pub const GITHUB_STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// Escapes text for a table cell: Markdown punctuation that could start markup is
/// backslash-escaped (including `|`, which would end the cell), line breaks become
/// spaces and other control characters are dropped.
pub fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn row(f: &Finding) -> String {
    let severity = match f.severity {
        Severity::Error => "🔴 error",
        Severity::Warning => "🟡 warning",
    };
    format!(
        "| {} | {severity} | {}:{} | {} | {} |\n",
        escape_cell(&f.rule),
        escape_cell(&f.file),
        f.line,
        escape_cell(f.symbol.as_deref().unwrap_or("")),
        escape_cell(&f.message),
    )
}

fn omitted_line(n: usize) -> String {
    format!(
        "\n_{n} more {} not shown here (summary size limit); see the full report._\n",
        if n == 1 { "finding" } else { "findings" }
    )
}

/// Cuts `s` to at most `limit` bytes at a character boundary.
fn truncate_to(mut s: String, limit: usize) -> String {
    if s.len() > limit {
        let mut end = limit;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// The summary, at most `limit_bytes` long.
pub fn render(report: &FindingsReport, limit_bytes: usize) -> String {
    let (errors, warnings) = (report.errors(), report.warnings());
    let result = if errors > 0 {
        "❌ failed"
    } else if warnings > 0 {
        "⚠️ passed with warnings"
    } else {
        "✅ passed"
    };
    let mut head = format!("## {}: {result}\n\n", escape_cell(report.tool));

    let mut counts = vec![
        plural(errors, "error"),
        plural(warnings, "warning"),
        format!(
            "{} with findings",
            plural(report.files_with_findings(), "file")
        ),
    ];
    if !report.changed_files.is_empty() {
        let in_change = report
            .findings
            .iter()
            .filter(|f| report.is_in_change(f))
            .count();
        counts.push(format!(
            "{in_change} in the change ({})",
            plural(report.changed_files.len(), "changed file")
        ));
    }
    for (k, v) in &report.summary {
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        counts.push(format!("{}: {}", escape_cell(k), escape_cell(&v)));
    }
    counts.push(format!("took {}", format_duration(report.duration)));
    head.push_str(&counts.join(" · "));
    head.push('\n');

    let mut findings = report.ordered_findings();
    findings.sort_by_key(|f| (f.severity, !report.is_in_change(f)));
    if head.len() > limit_bytes || findings.is_empty() {
        return truncate_to(head, limit_bytes);
    }

    // The table header goes in with the first row that fits.
    let table_head = "\n| Rule | Severity | Location | Symbol | Message |\n|---|---|---|---|---|\n";
    let mut out = head;
    let total = findings.len();
    for (i, f) in findings.iter().enumerate() {
        let mut r = row(f);
        if i == 0 {
            r.insert_str(0, table_head);
        }
        let left_after = total - i - 1;
        // Room for this row plus, if rows remain, the line announcing them.
        let reserve = if left_after > 0 {
            omitted_line(left_after).len()
        } else {
            0
        };
        if out.len() + r.len() + reserve > limit_bytes {
            let line = omitted_line(total - i);
            if out.len() + line.len() <= limit_bytes {
                out.push_str(&line);
            }
            return out;
        }
        out.push_str(&r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::*;

    #[test]
    fn full_summary() {
        let md = render(&sample_report(), GITHUB_STEP_SUMMARY_LIMIT);
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "## lint-callout-mocks: ❌ failed");
        assert!(lines[2].starts_with(
            "3 errors · 1 warning · 3 files with findings · classes: 98 · files: 120 · took 1.23s"
        ));
        assert_eq!(
            lines[4],
            "| Rule | Severity | Location | Symbol | Message |"
        );
        let rows: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with("| callout") || l.starts_with("| mock"))
            .collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            *rows[0],
            "| callout-without-mock | 🔴 error | force-app/main/default/classes/AccountServiceTest.cls:12 | AccountServiceTest.testSync | test reaches a callout without Test.setMock |"
        );
        assert!(!md.contains("not shown"));
    }

    #[test]
    fn cells_are_escaped() {
        let mut r = empty_report();
        r.findings = vec![finding(
            RULE_A.id,
            Severity::Error,
            "a|b.cls",
            1,
            1,
            Some("A.m"),
            "x | y\nz <script> *b*",
        )];
        let md = render(&r, 10_000);
        let row = md.lines().find(|l| l.starts_with("| callout")).unwrap();
        assert_eq!(
            row,
            "| callout-without-mock | 🔴 error | a\\|b.cls:1 | A.m | x \\| y z \\<script\\> \\*b\\* |"
        );
        // Exactly six unescaped pipes: five cells.
        let unescaped = row
            .char_indices()
            .filter(|&(i, c)| c == '|' && (i == 0 || row.as_bytes()[i - 1] != b'\\'))
            .count();
        assert_eq!(unescaped, 6);
    }

    #[test]
    fn truncation_respects_the_limit() {
        let mut r = empty_report();
        for i in 0..200u32 {
            r.findings.push(finding(
                RULE_A.id,
                Severity::Error,
                &format!("classes/F{i:03}.cls"),
                i + 1,
                1,
                None,
                "a message that takes some room in the table — ünïcödé",
            ));
        }
        let full = render(&r, usize::MAX);
        assert!(!full.contains("not shown"));
        let mut truncated_tables = 0;
        for limit in (0..full.len() + 10)
            .step_by(37)
            .chain([0, 1, 2, 3, 500, 2000])
        {
            let md = render(&r, limit);
            assert!(md.len() <= limit, "limit {limit}: {} bytes", md.len());
            if md.len() < full.len() && md.contains("| Rule |") && limit >= 400 {
                truncated_tables += 1;
                let shown = md.lines().filter(|l| l.starts_with("| callout")).count();
                let line = md.lines().last().unwrap();
                assert_eq!(
                    line,
                    format!(
                        "_{} more finding{} not shown here (summary size limit); see the full report._",
                        200 - shown,
                        if 200 - shown == 1 { "" } else { "s" }
                    )
                );
            }
        }
        assert!(truncated_tables > 10);
        assert_eq!(render(&r, full.len()), full);
        // Too small for any row: the heading, counts and the omission line.
        let small = render(&r, 250);
        assert!(!small.contains("| Rule |"));
        assert!(small.ends_with(
            "_200 more findings not shown here (summary size limit); see the full report._\n"
        ));
    }

    #[test]
    fn clean_summary() {
        let md = render(&empty_report(), 1000);
        assert!(md.starts_with("## lint-callout-mocks: ✅ passed\n"));
        assert!(!md.contains("| Rule |"));
    }

    #[test]
    fn errors_and_changed_files_first() {
        let mut r = empty_report();
        r.findings = vec![
            finding(RULE_B.id, Severity::Warning, "a.cls", 1, 1, None, "w"),
            finding(RULE_A.id, Severity::Error, "b.cls", 1, 1, None, "e1"),
            finding(RULE_A.id, Severity::Error, "c.cls", 1, 1, None, "e2"),
        ];
        r.changed_files = vec!["c.cls".into()];
        let md = render(&r, 10_000);
        let rows: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with("| callout") || l.starts_with("| mock"))
            .collect();
        assert!(rows[0].contains("c.cls"));
        assert!(rows[1].contains("b.cls"));
        assert!(rows[2].contains("a.cls"));
        assert!(md.contains("1 in the change (1 changed file)"));
    }
}
