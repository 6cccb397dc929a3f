//! The smoke spec: `Spec::parse(text, origin, &vars)` with variables.
//!
//! Input: the spec text; after the last NUL byte, variables as `NAME=VALUE` lines.
//!
//! Invariants beyond "no panic, no hang, bounded memory":
//! - an error's line and column point into the text (lines as YAML counts them);
//! - a parsed spec re-validates: written back out as a spec (flow YAML, every value
//!   escaped, `${` written as `$${`, no variables needed) it parses to the same checks;
//! - the resolved spec keeps its promises: at most `MAX_CHECKS` checks, unique non-blank
//!   names, concurrency >= 1, a waiting check's timeout covers its wait plus one poll,
//!   a poll interval > 0, `min <= max`, HTTP statuses in 100..600.

use serde_json::Value;
use sfci::smoke::spec::{Kind, Spec, MAX_CHECKS};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// A YAML double-quoted scalar that reads back as exactly `s` (every non-printable-ASCII
/// character escaped, so no YAML restriction on raw characters applies).
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// A string value that substitution turns back into `s`.
fn sv(s: &str) -> String {
    q(&s.replace("${", "$${"))
}

fn dur(d: Duration) -> String {
    q(&format!("{}ms", d.as_millis()))
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => sv(s),
        Value::Array(a) => format!("[{}]", a.iter().map(value).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{}: {}", sv(k), value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn map(m: &BTreeMap<String, Value>) -> String {
    format!(
        "{{{}}}",
        m.iter()
            .map(|(k, v)| format!("{}: {}", sv(k), value(v)))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn write_spec(spec: &Spec) -> String {
    let mut out = String::new();
    if let Some(c) = spec.concurrency {
        let _ = writeln!(out, "concurrency: {c}");
    }
    out.push_str("checks:\n");
    for c in &spec.checks {
        let mut f: Vec<String> = vec![format!("name: {}", sv(&c.name))];
        f.push(format!(
            "tags: [{}]",
            c.tags.iter().map(|t| sv(t)).collect::<Vec<_>>().join(", ")
        ));
        // A waiting check's timeout is at least wait + interval; when it is exactly that,
        // write 0ms (parsing takes the larger again), which also keeps a sum above the
        // largest writable duration writable.
        let timeout = match c.wait {
            Some((w, i)) if c.timeout == w + i => Duration::ZERO,
            _ => c.timeout,
        };
        f.push(format!("timeout: {}", dur(timeout)));
        if let Some((w, i)) = c.wait {
            f.push(format!(
                "wait: {{timeout: {}, interval: {}}}",
                dur(w),
                dur(i)
            ));
        }
        match &c.kind {
            Kind::Soql { query, all } => {
                f.push(format!("soql: {}", sv(query)));
                f.push(format!("query_all: {all}"));
            }
            Kind::Tooling { query } => f.push(format!("tooling: {}", sv(query))),
            Kind::Apex { body, commit } => {
                f.push(format!("apex: {}", sv(body)));
                f.push(format!("commit: {commit}"));
            }
            Kind::Http { url } => f.push(format!("http: {{url: {}}}", sv(url))),
            Kind::Limits { name } => f.push(format!("limits: {}", sv(name))),
            Kind::Org(o) => {
                let mut parts = Vec::new();
                if let Some(id) = &o.id {
                    parts.push(format!("id: {}", sv(id)));
                }
                if let Some(i) = &o.instance {
                    parts.push(format!("instance: {}", sv(i)));
                }
                if let Some(s) = o.sandbox {
                    parts.push(format!("sandbox: {s}"));
                }
                f.push(format!("org: {{{}}}", parts.join(", ")));
            }
        }
        let e = &c.expect;
        if *e != Default::default() {
            let mut parts = Vec::new();
            for (k, n) in [("count", e.count), ("min", e.min), ("max", e.max)] {
                if let Some(n) = n {
                    parts.push(format!("{k}: {n}"));
                }
            }
            for (k, m) in [("equals", &e.equals), ("all", &e.all), ("none", &e.none)] {
                if !m.is_empty() {
                    parts.push(format!("{k}: {}", map(m)));
                }
            }
            if let Some(s) = e.status {
                parts.push(format!("status: {s}"));
            }
            if let Some(s) = &e.contains {
                parts.push(format!("contains: {}", sv(s)));
            }
            if let Some((v, pct)) = e.min_remaining {
                let text = if pct { format!("{v}%") } else { format!("{v}") };
                parts.push(format!("min_remaining: {}", q(&text)));
            }
            f.push(format!("expect: {{{}}}", parts.join(", ")));
        }
        let _ = writeln!(out, "  - {{{}}}", f.join(", "));
    }
    out
}

/// Runs the target on one input; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    let (text, vars) = match data.iter().rposition(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let vars: BTreeMap<String, String> = String::from_utf8_lossy(vars)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();

    let spec = match Spec::parse(text, "smoke.yml", &vars) {
        Err(e) => {
            // YAML breaks lines at LF, CR, NEL, LS and PS: an upper bound.
            let lines = 1 + text
                .chars()
                .filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
                .count();
            if let Some(l) = e.line {
                assert!(l >= 1 && l <= lines + 1, "error line {l} of {lines}: {e:?}");
            }
            if let Some(c) = e.column {
                assert!(c >= 1, "error column 0: {e:?}");
            }
            let _ = e.to_string();
            return;
        }
        Ok(spec) => spec,
    };

    assert!(spec.checks.len() <= MAX_CHECKS);
    assert_ne!(spec.concurrency, Some(0));
    let mut names = std::collections::HashSet::new();
    for c in &spec.checks {
        assert!(!c.name.trim().is_empty(), "blank name");
        assert!(
            names.insert(c.name.clone()),
            "two checks named {:?}",
            c.name
        );
        if let Some((w, i)) = c.wait {
            assert!(!i.is_zero(), "{:?}: zero poll interval", c.name);
            assert!(
                c.timeout >= w + i,
                "{:?}: timeout below wait + interval",
                c.name
            );
        }
        if let (Some(min), Some(max)) = (c.expect.min, c.expect.max) {
            assert!(min <= max);
        }
        if let Some(s) = c.expect.status {
            assert!((100..600).contains(&s));
        }
        if let Kind::Http { url } = &c.kind {
            assert!(
                url.starts_with('/') || url.starts_with("https://") || url.starts_with("http://")
            );
        }
    }

    // Re-validation: what was accepted, written back, is accepted again as the same checks.
    let written = write_spec(&spec);
    let no_vars: BTreeMap<String, String> = BTreeMap::new();
    let again = Spec::parse(&written, "smoke.yml", &no_vars)
        .unwrap_or_else(|e| panic!("a parsed spec does not re-validate: {e}\n---\n{written}"));
    assert_eq!(spec.concurrency, again.concurrency);
    assert_eq!(spec.checks.len(), again.checks.len());
    for (a, b) in spec.checks.iter().zip(&again.checks) {
        let b = sfci::smoke::spec::Check {
            line: a.line,
            ..b.clone()
        };
        assert_eq!(a, &b, "re-validated check differs\n---\n{written}");
    }
}
