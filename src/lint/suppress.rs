//! Suppressions: `// sfci-ignore <rule>[, <rule>]: <reason>` comments and
//! `@SuppressWarnings('sfci:<rule>: <reason>')` annotations on classes and methods.
//! Each is checked by the `invalid-suppression` rule as it is read: an invalid one (no
//! reason, unknown rule) becomes its finding and suppresses nothing.

use super::invalid_suppression::{self, parse_spec, Parsed};
use super::Hit;
use crate::apex::index::{ClassId, Index, MethodId};
use crate::apex::model::Annotation;
use std::collections::HashMap;

#[derive(Default)]
pub struct Suppressions {
    /// Per file: (rules, the line of code the comment applies to).
    comments: HashMap<u32, Vec<(Vec<String>, u32)>>,
    classes: HashMap<ClassId, Vec<String>>,
    methods: HashMap<MethodId, Vec<String>>,
    /// How many findings were suppressed.
    pub used: usize,
}

/// The `sfci:` entries of a `@SuppressWarnings` annotation.
fn annotation_specs(a: &Annotation) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &a.strings {
        let mut open = false;
        for item in s.split(',') {
            let t = item.trim();
            if let Some(rest) = t
                .get(..5)
                .filter(|p| p.eq_ignore_ascii_case("sfci:"))
                .map(|_| &t[5..])
            {
                out.push(rest.to_string());
                open = rest.contains(':');
            } else if open && !looks_like_other_tool(t) {
                if let Some(last) = out.last_mut() {
                    last.push(',');
                    last.push_str(item);
                }
            } else {
                open = false;
            }
        }
    }
    out
}

/// `PMD.ApexDoc` and the like: another tool's suppression in the same string.
fn looks_like_other_tool(t: &str) -> bool {
    let mut parts = t.split('.');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None)
        if !a.is_empty() && !b.is_empty() && a.chars().chain(b.chars()).all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

impl Suppressions {
    /// Collects every suppression of the index; invalid ones are pushed as hits.
    pub fn collect(idx: &Index, known: &[&str], hits: &mut Vec<Hit>) -> Suppressions {
        let mut s = Suppressions::default();
        for (fi, f) in idx.files.iter().enumerate() {
            for (d, target) in f.directives.iter().zip(&f.directive_targets) {
                let Some(rest) = d.text.strip_prefix("sfci-ignore") else {
                    continue;
                };
                match parse_spec(rest, known, "sfci-ignore") {
                    Parsed::Valid(rules) => s
                        .comments
                        .entry(fi as u32)
                        .or_default()
                        .push((rules, *target)),
                    Parsed::Invalid(msg) => hits.push(invalid_suppression::hit(
                        fi as u32, d.line, d.column, msg, &d.text, None,
                    )),
                }
            }
        }
        for c in 0..idx.classes.len() as ClassId {
            let file = idx.classes[c as usize].file;
            let decl = idx.decl(c);
            let class_rules = s.annotation_rules(&decl.annotations, known, file, hits, Some(c));
            if !class_rules.is_empty() {
                s.classes.insert(c, class_rules);
            }
            for &m in &idx.classes[c as usize].methods {
                if let Some(md) = idx.method(m) {
                    let r = s.annotation_rules(&md.annotations, known, file, hits, Some(c));
                    if !r.is_empty() {
                        s.methods.insert(m, r);
                    }
                }
            }
        }
        s
    }

    fn annotation_rules(
        &self,
        anns: &[Annotation],
        known: &[&str],
        file: u32,
        hits: &mut Vec<Hit>,
        class: Option<ClassId>,
    ) -> Vec<String> {
        let mut rules = Vec::new();
        for a in anns.iter().filter(|a| a.name == "suppresswarnings") {
            for spec in annotation_specs(a) {
                match parse_spec(&spec, known, "sfci:") {
                    Parsed::Valid(r) => rules.extend(r),
                    Parsed::Invalid(msg) => hits.push(invalid_suppression::hit(
                        file,
                        a.line,
                        a.column,
                        msg.replace("sfci: ", "sfci:"),
                        &spec,
                        class,
                    )),
                }
            }
        }
        rules
    }

    /// Whether a hit is covered by a valid suppression.
    pub fn covers(&self, idx: &Index, h: &Hit) -> bool {
        if let Some(list) = self.comments.get(&h.file) {
            let from = h.scope.anchor_from.min(h.line);
            if list
                .iter()
                .any(|(rules, t)| *t >= from && *t <= h.line && rules.iter().any(|r| r == h.rule))
            {
                return true;
            }
        }
        if let Some(m) = h.scope.method {
            if self
                .methods
                .get(&m)
                .is_some_and(|r| r.iter().any(|r| r == h.rule))
            {
                return true;
            }
        }
        let mut cur = h.scope.class;
        let mut guard = 0;
        while let Some(c) = cur {
            if self
                .classes
                .get(&c)
                .is_some_and(|r| r.iter().any(|r| r == h.rule))
            {
                return true;
            }
            cur = idx.classes[c as usize].outer;
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const KNOWN: &[&str] = &["callout-without-timeout", "hardcoded-endpoint"];

    #[test]
    fn specs() {
        assert!(
            matches!(parse_spec(" callout-without-timeout: SDK sets it", KNOWN, "sfci-ignore"), Parsed::Valid(r) if r == vec!["callout-without-timeout"])
        );
        assert!(
            matches!(parse_spec(" callout-without-timeout", KNOWN, "sfci-ignore"), Parsed::Invalid(m) if m.contains("no reason"))
        );
        assert!(
            matches!(parse_spec(" callout-without-timeout:   ", KNOWN, "sfci-ignore"), Parsed::Invalid(m) if m.contains("no reason"))
        );
        assert!(
            matches!(parse_spec(" calout-without-timeout: x", KNOWN, "sfci-ignore"), Parsed::Invalid(m) if m.contains("unknown rule `calout-without-timeout`"))
        );
        assert!(
            matches!(parse_spec(" hardcoded-endpoint, callout-without-timeout: x", KNOWN, "sfci-ignore"), Parsed::Valid(r) if r.len() == 2)
        );
    }

    #[test]
    fn annotation_items() {
        let a = Annotation {
            name: "suppresswarnings".into(),
            strings: vec![
                "PMD.ApexDoc, sfci:hardcoded-endpoint: sandbox only, see INC-12, PMD.Other".into(),
            ],
            ..Default::default()
        };
        assert_eq!(
            annotation_specs(&a),
            vec!["hardcoded-endpoint: sandbox only, see INC-12"]
        );
    }
}
