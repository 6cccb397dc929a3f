//! Cobertura XML for GitLab's diff coverage (`artifacts:reports:coverage_report`).
//!
//! GitLab reads `<class filename=…>` with `<line number hits>` and shows coverage on the
//! changed lines of a merge request. Filenames are repository-relative with `/` (no
//! `<sources>` element, so GitLab takes them as they are).
//!
//! What a line list can say depends on the input: `sf apex run test --code-coverage` gives
//! every executable line with its hit count ([`Fidelity::FullLineHits`]); a deploy result only
//! lists the lines *not* covered ([`Fidelity::UncoveredOnly`]) — the covered ones are unknown,
//! so only those are written (with `hits="0"`), while each class's `line-rate` still comes from
//! its location counts.

use super::sf_result::ClassCoverage;
use crate::report::sanitize::xml_attr;
use std::fmt::Write;

/// How complete the line data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fidelity {
    FullLineHits,
    UncoveredOnly,
}

impl Fidelity {
    pub fn describe(self) -> &'static str {
        match self {
            Fidelity::FullLineHits => "full line hits (sf apex run test)",
            Fidelity::UncoveredOnly => {
                "uncovered lines only (a deploy result does not list covered lines)"
            }
        }
    }
}

/// An attribute value: XML-safe characters on one line, markup escaped.
fn esc(s: &str) -> String {
    let clean = xml_attr(s);
    if !clean.contains(['&', '<', '>', '"']) {
        return clean;
    }
    clean
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rate(covered: u64, total: u64) -> String {
    if total == 0 {
        "1".to_string()
    } else {
        format!("{:.4}", covered as f64 / total as f64)
    }
}

/// Renders the classes; `file_of` maps a class name to its repository path.
pub fn render<'a, F>(classes: &'a [ClassCoverage], fidelity: Fidelity, mut file_of: F) -> String
where
    F: FnMut(&'a ClassCoverage) -> String,
{
    let covered: u64 = classes
        .iter()
        .fold(0u64, |a, c| a.saturating_add(c.covered.min(c.total)));
    let total: u64 = classes.iter().fold(0u64, |a, c| a.saturating_add(c.total));
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut out = String::with_capacity(256 + classes.len() * 160);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n\
         <!-- sfci gate deploy-result: {} -->\n\
         <coverage line-rate=\"{}\" branch-rate=\"0\" lines-covered=\"{covered}\" lines-valid=\"{total}\" \
         branches-covered=\"0\" branches-valid=\"0\" complexity=\"0\" version=\"sfci {}\" timestamp=\"{timestamp}\">\n\
         <packages>\n<package name=\"apex\" line-rate=\"{}\" branch-rate=\"0\" complexity=\"0\">\n<classes>\n",
        fidelity.describe(),
        rate(covered, total),
        env!("CARGO_PKG_VERSION"),
        rate(covered, total),
    );
    for c in classes {
        let file = file_of(c);
        let _ = write!(
            out,
            "<class name=\"{}\" filename=\"{}\" line-rate=\"{}\" branch-rate=\"0\" complexity=\"0\">\n<methods/>\n<lines>\n",
            esc(&c.name),
            esc(&file),
            rate(c.covered, c.total)
        );
        match (&c.line_hits, fidelity) {
            (Some(hits), _) => {
                for (line, n) in hits {
                    let _ = writeln!(
                        out,
                        "<line number=\"{line}\" hits=\"{n}\" branch=\"false\"/>"
                    );
                }
            }
            _ => {
                for line in &c.uncovered_lines {
                    let _ = writeln!(out, "<line number=\"{line}\" hits=\"0\" branch=\"false\"/>");
                }
            }
        }
        out.push_str("</lines>\n</class>\n");
    }
    out.push_str("</classes>\n</package>\n</packages>\n</coverage>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_uncovered_only() {
        let classes = vec![
            ClassCoverage {
                name: "A".into(),
                total: 4,
                covered: 3,
                line_hits: Some(vec![(1, 2), (2, 1), (3, 0), (5, 7)]),
                uncovered_lines: vec![3],
                ..Default::default()
            },
            ClassCoverage {
                name: "B<&>".into(),
                total: 10,
                covered: 8,
                uncovered_lines: vec![4, 9],
                ..Default::default()
            },
        ];
        let xml = render(&classes, Fidelity::UncoveredOnly, |c| {
            format!("force-app/classes/{}.cls", c.name)
        });
        let doc = roxmltree::Document::parse_with_options(
            &xml,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("lines-valid"), Some("14"));
        assert_eq!(root.attribute("lines-covered"), Some("11"));
        let cls: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("class"))
            .collect();
        assert_eq!(
            cls[0].attribute("filename"),
            Some("force-app/classes/A.cls")
        );
        assert_eq!(cls[1].attribute("name"), Some("B<&>"));
        let lines_a: Vec<_> = cls[0]
            .descendants()
            .filter(|n| n.has_tag_name("line"))
            .map(|n| (n.attribute("number").unwrap(), n.attribute("hits").unwrap()))
            .collect();
        assert_eq!(
            lines_a,
            vec![("1", "2"), ("2", "1"), ("3", "0"), ("5", "7")]
        );
        let lines_b = cls[1]
            .descendants()
            .filter(|n| n.has_tag_name("line"))
            .count();
        assert_eq!(lines_b, 2);
        assert_eq!(cls[1].attribute("line-rate"), Some("0.8000"));
    }
}
