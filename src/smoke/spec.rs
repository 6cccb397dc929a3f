//! The smoke spec: a YAML file with a top-level `checks:` list (schema:
//! `schemas/smoke.schema.json`, documented in the README).
//!
//! Parsing is strict: an unknown key, a check with no kind or two kinds, a bad duration
//! or an unknown variable is an error naming the file, the line and the check.
//! `${NAME}` is replaced in every string from `--var NAME=VALUE` and the environment
//! (`$${` writes a literal `${`); substitution happens after parsing, so a value can never
//! change the spec's structure.

use crate::config::{load_strict, ConfigError};
use crate::duration::parse_duration;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// Checks run at once (default 8).
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Defaults for every check.
    #[serde(default)]
    pub defaults: Option<Defaults>,
    pub checks: Vec<RawCheck>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub timeout: Option<String>,
}

/// `wait:` — poll until the check passes or `timeout` ends.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawWait {
    Short(String),
    Full {
        timeout: String,
        #[serde(default)]
        interval: Option<String>,
    },
}

/// `http:` — a path below the instance or an absolute https URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawHttp {
    Url(String),
    Full { url: String },
}

/// `org:` — the identity the connected org must have: `{id, instance, sandbox}`, or the
/// organization id alone (`org: 00D…` is `org: {id: 00D…}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrg {
    pub id: Option<String>,
    pub instance: Option<String>,
    pub sandbox: Option<bool>,
}

/// Reads `org:` as a mapping (with the mapping's own errors: unknown keys, wrong types) or
/// as a bare organization id.
fn org_or_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<RawOrg>, D::Error> {
    struct OrgVisitor;
    impl<'de> serde::de::Visitor<'de> for OrgVisitor {
        type Value = Option<RawOrg>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an organization id (00D…) or a mapping with `id`, `instance`, `sandbox`")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(RawOrg {
                id: Some(v.to_string()),
                ..RawOrg::default()
            }))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            RawOrg::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(OrgVisitor)
        }
    }
    d.deserialize_any(OrgVisitor)
}

/// One check as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub timeout: Option<String>,
    pub wait: Option<RawWait>,
    pub soql: Option<String>,
    pub tooling: Option<String>,
    /// `soql` through `queryAll` (deleted and archived records too).
    #[serde(default)]
    pub query_all: bool,
    pub apex: Option<String>,
    /// Let the anonymous Apex commit (default: rolled back).
    #[serde(default)]
    pub commit: bool,
    pub http: Option<RawHttp>,
    pub limits: Option<String>,
    #[serde(default, deserialize_with = "org_or_id")]
    pub org: Option<RawOrg>,
    #[serde(default)]
    pub expect: Option<RawExpect>,
}

/// `expect:` — which keys apply depends on the kind.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub count: Option<Value>,
    pub min: Option<Value>,
    pub max: Option<Value>,
    pub equals: Option<BTreeMap<String, Value>>,
    pub all: Option<BTreeMap<String, Value>>,
    pub none: Option<BTreeMap<String, Value>>,
    /// `http`: expected status (default 200).
    pub status: Option<Value>,
    /// `http`: text the body must contain.
    pub contains: Option<String>,
    /// `limits`: `"20%"` of the maximum, or an absolute number.
    pub min_remaining: Option<Value>,
}

/// What a check runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Soql { query: String, all: bool },
    Tooling { query: String },
    Apex { body: String, commit: bool },
    Http { url: String },
    Limits { name: String },
    Org(OrgExpect),
}

impl Kind {
    pub fn label(&self) -> &'static str {
        match self {
            Kind::Soql { .. } => "soql",
            Kind::Tooling { .. } => "tooling",
            Kind::Apex { .. } => "apex",
            Kind::Http { .. } => "http",
            Kind::Limits { .. } => "limits",
            Kind::Org(_) => "org",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgExpect {
    pub id: Option<String>,
    pub instance: Option<String>,
    pub sandbox: Option<bool>,
}

/// The expected outcome, resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expect {
    pub count: Option<u64>,
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub equals: BTreeMap<String, Value>,
    pub all: BTreeMap<String, Value>,
    pub none: BTreeMap<String, Value>,
    pub status: Option<u16>,
    pub contains: Option<String>,
    /// (value, is a percentage of the maximum)
    pub min_remaining: Option<(f64, bool)>,
}

/// A check ready to run: variables substituted, durations parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: String,
    pub tags: Vec<String>,
    /// 1-based line of the check in its file, when known.
    pub line: Option<usize>,
    /// Where the check came from (`smoke.yml`, `preset approval-process-active`).
    pub origin: String,
    pub timeout: Duration,
    /// Poll until it passes: (for how long, how often).
    pub wait: Option<(Duration, Duration)>,
    pub kind: Kind,
    pub expect: Expect,
}

/// A parsed spec.
#[derive(Debug, Clone)]
pub struct Spec {
    pub concurrency: Option<usize>,
    pub checks: Vec<Check>,
}

/// The default time limit of one check.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);

/// Where a variable's value comes from.
pub trait Vars {
    fn get(&self, name: &str) -> Option<String>;
}

impl Vars for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        BTreeMap::get(self, name).cloned()
    }
}

/// `--var` values over the process environment.
pub struct VarsWithEnv<'a>(pub &'a BTreeMap<String, String>);

impl Vars for VarsWithEnv<'_> {
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .cloned()
            .or_else(|| std::env::var(name).ok())
    }
}

/// Replaces `${NAME}`; `$${` is a literal `${`. Errors name the missing variable.
pub fn substitute(text: &str, vars: &dyn Vars) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if let Some(tail) = after.strip_prefix("$${") {
            out.push_str("${");
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("${") {
            let Some(end) = tail.find('}') else {
                return Err("`${` without a closing `}`".into());
            };
            let name = &tail[..end];
            let valid = !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit();
            if !valid {
                return Err(format!(
                    "`${{{name}}}` is not a variable name (letters, digits, _)"
                ));
            }
            match vars.get(name) {
                Some(v) => out.push_str(&v),
                None => {
                    return Err(format!(
                        "variable `{name}` is not set (set it in the environment or pass --var {name}=VALUE)"
                    ))
                }
            }
            rest = &tail[end + 1..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn substitute_value(v: &Value, vars: &dyn Vars) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => Value::String(substitute(s, vars)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| substitute_value(i, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(substitute(k, vars)?, substitute_value(v, vars)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

fn substitute_map(
    m: &Option<BTreeMap<String, Value>>,
    vars: &dyn Vars,
) -> Result<BTreeMap<String, Value>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in m.iter().flatten() {
        out.insert(substitute(k, vars)?, substitute_value(v, vars)?);
    }
    Ok(out)
}

/// A count bound: a number, or a string that is one after substitution.
fn count_of(v: &Option<Value>, key: &str, vars: &dyn Vars) -> Result<Option<u64>, String> {
    let Some(v) = v else { return Ok(None) };
    let v = substitute_value(v, vars)?;
    let n = match &v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    n.map(Some)
        .ok_or_else(|| format!("expect.{key}: expected a whole number ≥ 0, got {v}"))
}

fn duration_of(text: &str, key: &str, vars: &dyn Vars) -> Result<Duration, String> {
    let text = substitute(text, vars)?;
    parse_duration(&text).map_err(|e| format!("{key}: {e}"))
}

/// The lines where the items of the top-level `checks:` block sequence start.
fn item_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut in_checks = false;
    let mut indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let col = line.len() - trimmed.len();
        if col == 0 && !trimmed.starts_with('-') {
            in_checks = trimmed.starts_with("checks:");
            indent = None;
            continue;
        }
        if !in_checks {
            continue;
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            match indent {
                None => {
                    indent = Some(col);
                    lines.push(i + 1);
                }
                Some(ind) if ind == col => lines.push(i + 1),
                _ => {}
            }
        }
    }
    lines
}

fn err_at(origin: &str, line: Option<usize>, key: String, message: String) -> ConfigError {
    ConfigError {
        origin: origin.to_string(),
        line,
        column: None,
        key: Some(key),
        message,
    }
}

/// Most checks one spec may hold.
pub const MAX_CHECKS: usize = 5_000;

impl Spec {
    /// Parses and resolves spec text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str, vars: &dyn Vars) -> Result<Spec, ConfigError> {
        let text = text.trim_start_matches('\u{feff}');
        let file: Option<SpecFile> = load_strict(text, origin)?;
        let Some(file) = file else {
            return Err(err_at(
                origin,
                None,
                "checks".into(),
                "the spec is empty: it needs a `checks:` list".into(),
            ));
        };
        if file.checks.is_empty() {
            return Err(err_at(
                origin,
                None,
                "checks".into(),
                "the spec has no checks: a smoke run that checks nothing must not pass".into(),
            ));
        }
        if file.checks.len() > MAX_CHECKS {
            return Err(err_at(
                origin,
                None,
                "checks".into(),
                format!("{} checks; at most {MAX_CHECKS}", file.checks.len()),
            ));
        }
        if file.concurrency == Some(0) {
            return Err(err_at(
                origin,
                None,
                "concurrency".into(),
                "must be at least 1".into(),
            ));
        }
        let lines = item_lines(text);
        let default_timeout = match file.defaults.as_ref().and_then(|d| d.timeout.as_deref()) {
            Some(t) => duration_of(t, "defaults.timeout", vars)
                .map_err(|m| err_at(origin, None, "defaults.timeout".into(), m))?,
            None => DEFAULT_TIMEOUT,
        };
        let mut checks = Vec::with_capacity(file.checks.len());
        let mut names = std::collections::HashSet::new();
        for (i, raw) in file.checks.iter().enumerate() {
            let line = lines.get(i).copied();
            let key = format!("checks[{i}]");
            let check = resolve(raw, default_timeout, vars).map_err(|m| {
                err_at(
                    origin,
                    line,
                    key.clone(),
                    format!("check {:?}: {m}", raw.name),
                )
            })?;
            if !names.insert(check.name.clone()) {
                return Err(err_at(
                    origin,
                    line,
                    key,
                    format!(
                        "two checks are named {:?}; names identify checks in reports",
                        check.name
                    ),
                ));
            }
            checks.push(Check {
                line,
                origin: origin.to_string(),
                ..check
            });
        }
        Ok(Spec {
            concurrency: file.concurrency,
            checks,
        })
    }
}

fn resolve(raw: &RawCheck, default_timeout: Duration, vars: &dyn Vars) -> Result<Check, String> {
    let name = substitute(&raw.name, vars)?;
    if name.trim().is_empty() {
        return Err("`name` is empty".into());
    }
    let mut kinds = Vec::new();
    if let Some(q) = &raw.soql {
        kinds.push(Kind::Soql {
            query: substitute(q, vars)?,
            all: raw.query_all,
        });
    }
    if let Some(q) = &raw.tooling {
        kinds.push(Kind::Tooling {
            query: substitute(q, vars)?,
        });
    }
    if let Some(body) = &raw.apex {
        kinds.push(Kind::Apex {
            body: substitute(body, vars)?,
            commit: raw.commit,
        });
    }
    if let Some(h) = &raw.http {
        let url = match h {
            RawHttp::Url(u) | RawHttp::Full { url: u } => substitute(u, vars)?,
        };
        if !(url.starts_with('/') || url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!(
                "http: {url:?} is neither a /path below the instance nor an https URL"
            ));
        }
        kinds.push(Kind::Http { url });
    }
    if let Some(l) = &raw.limits {
        kinds.push(Kind::Limits {
            name: substitute(l, vars)?,
        });
    }
    if let Some(o) = &raw.org {
        let id = o.id.as_deref().map(|s| substitute(s, vars)).transpose()?;
        if let Some(id) = &id {
            if !(id.len() == 15 || id.len() == 18) || !id.starts_with("00D") {
                return Err(format!(
                    "org.id {id:?} is not an organization id (15 or 18 characters starting with 00D)"
                ));
            }
        }
        let instance = o
            .instance
            .as_deref()
            .map(|s| substitute(s, vars))
            .transpose()?;
        if id.is_none() && instance.is_none() && o.sandbox.is_none() {
            return Err("org: give at least one of `id`, `instance`, `sandbox`".into());
        }
        kinds.push(Kind::Org(OrgExpect {
            id,
            instance,
            sandbox: o.sandbox,
        }));
    }
    let kind = match kinds.len() {
        1 => kinds.remove(0),
        0 => {
            return Err(
                "no kind: give one of `soql`, `tooling`, `apex`, `http`, `limits`, `org`".into(),
            )
        }
        _ => {
            let labels: Vec<&str> = kinds.iter().map(Kind::label).collect();
            return Err(format!(
                "one kind per check, but this one has {}",
                labels.join(" and ")
            ));
        }
    };
    if raw.query_all && !matches!(kind, Kind::Soql { .. }) {
        return Err("`query_all` applies to `soql` checks only".into());
    }
    if raw.commit && !matches!(kind, Kind::Apex { .. }) {
        return Err("`commit` applies to `apex` checks only".into());
    }
    let e = raw.expect.clone().unwrap_or_default();
    let expect = Expect {
        count: count_of(&e.count, "count", vars)?,
        min: count_of(&e.min, "min", vars)?,
        max: count_of(&e.max, "max", vars)?,
        equals: substitute_map(&e.equals, vars)?,
        all: substitute_map(&e.all, vars)?,
        none: substitute_map(&e.none, vars)?,
        status: count_of(&e.status, "status", vars)?
            .map(|s| u16::try_from(s).ok().filter(|s| (100..600).contains(s)))
            .map(|s| s.ok_or("expect.status: not an HTTP status"))
            .transpose()?,
        contains: e
            .contains
            .as_deref()
            .map(|c| substitute(c, vars))
            .transpose()?,
        min_remaining: match &e.min_remaining {
            None => None,
            Some(v) => Some(min_remaining(&substitute_value(v, vars)?)?),
        },
    };
    // Keys that do not apply to the kind are mistakes, not no-ops.
    let query_keys = expect.count.is_some()
        || expect.min.is_some()
        || expect.max.is_some()
        || !expect.equals.is_empty()
        || !expect.all.is_empty()
        || !expect.none.is_empty();
    let misplaced = match &kind {
        Kind::Soql { .. } | Kind::Tooling { .. } => {
            (expect.status.is_some() || expect.contains.is_some() || expect.min_remaining.is_some())
                .then_some("`status`, `contains` and `min_remaining` do not apply to queries")
        }
        Kind::Http { .. } => (query_keys || expect.min_remaining.is_some())
            .then_some("an `http` check expects only `status` and `contains`"),
        Kind::Limits { .. } => (query_keys || expect.status.is_some() || expect.contains.is_some())
            .then_some("a `limits` check expects only `min_remaining`"),
        Kind::Apex { .. } | Kind::Org(_) => (raw.expect.is_some())
            .then_some("`apex` and `org` checks take no `expect:` (apex must compile and run; org values go under `org:`)"),
    };
    if let Some(m) = misplaced {
        return Err(m.into());
    }
    if matches!(kind, Kind::Limits { .. }) && expect.min_remaining.is_none() {
        return Err(
            "a `limits` check needs `expect: {min_remaining: \"20%\"}` (or a number)".into(),
        );
    }
    if let (Some(min), Some(max)) = (expect.min, expect.max) {
        if min > max {
            return Err(format!("expect.min ({min}) is above expect.max ({max})"));
        }
    }
    for (key, map) in [
        ("equals", &expect.equals),
        ("all", &expect.all),
        ("none", &expect.none),
    ] {
        for (field, v) in map {
            super::expect::check_matcher(v).map_err(|m| format!("expect.{key}.{field}: {m}"))?;
        }
    }
    let timeout = match &raw.timeout {
        Some(t) => duration_of(t, "timeout", vars)?,
        None => default_timeout,
    };
    let wait = match &raw.wait {
        None => None,
        Some(RawWait::Short(t)) => Some((duration_of(t, "wait", vars)?, DEFAULT_INTERVAL)),
        Some(RawWait::Full { timeout, interval }) => Some((
            duration_of(timeout, "wait.timeout", vars)?,
            match interval {
                Some(i) => duration_of(i, "wait.interval", vars)?,
                None => DEFAULT_INTERVAL,
            },
        )),
    };
    if let Some((_, interval)) = wait {
        if interval.is_zero() {
            return Err("wait.interval must be more than 0s".into());
        }
    }
    let tags = raw
        .tags
        .iter()
        .map(|t| substitute(t, vars))
        .collect::<Result<_, _>>()?;
    Ok(Check {
        name,
        tags,
        line: None,
        origin: String::new(),
        // A waiting check gets at least its wait plus one poll.
        timeout: match wait {
            Some((w, i)) => timeout.max(w + i),
            None => timeout,
        },
        wait,
        kind,
        expect,
    })
}

fn min_remaining(v: &Value) -> Result<(f64, bool), String> {
    let bad =
        || format!("expect.min_remaining: expected a percentage like \"20%\" or a number, got {v}");
    match v {
        Value::Number(n) => n
            .as_f64()
            .filter(|f| *f >= 0.0)
            .map(|f| (f, false))
            .ok_or_else(bad),
        Value::String(s) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(p) => p
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .map(|p| (p, true))
                    .ok_or_else(bad),
                None => s
                    .parse::<f64>()
                    .ok()
                    .filter(|f| *f >= 0.0)
                    .map(|f| (f, false))
                    .ok_or_else(bad),
            }
        }
        _ => Err(bad()),
    }
}

/// The line and column of a byte offset (for callers reporting raw text errors).
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    crate::config::yaml::line_column(text.as_bytes(), offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_every_kind() {
        let text = r#"
concurrency: 4
defaults:
  timeout: 30s
checks:
  - name: approval process active
    tags: [approvals]
    soql: SELECT Id, State FROM ProcessDefinition WHERE DeveloperName = '${PROC}'
    expect:
      count: 1
      equals: {State: Active}
  - name: classes compiled
    tooling: SELECT Id FROM ApexClass WHERE IsValid = false
    expect: {max: 0}
  - name: submit for approval
    apex: |
      System.debug('x');
    wait: {timeout: 2m, interval: 5s}
  - name: health
    http: /services/apexrest/health
    expect: {status: 200, contains: ok}
  - name: api headroom
    limits: DailyApiRequests
    expect: {min_remaining: "20%"}
  - name: right org
    org: {id: 00D000000000001AAA, sandbox: false}
"#;
        let spec = Spec::parse(text, "smoke.yml", &vars(&[("PROC", "Opp_Approval")])).unwrap();
        assert_eq!(spec.concurrency, Some(4));
        assert_eq!(spec.checks.len(), 6);
        let c = &spec.checks[0];
        assert_eq!(c.line, Some(6));
        assert_eq!(c.timeout, Duration::from_secs(30));
        assert!(
            matches!(&c.kind, Kind::Soql { query, all: false } if query.ends_with("'Opp_Approval'"))
        );
        assert_eq!(c.expect.count, Some(1));
        assert_eq!(
            spec.checks[2].wait,
            Some((Duration::from_secs(120), Duration::from_secs(5)))
        );
        assert_eq!(spec.checks[2].timeout, Duration::from_secs(125));
        assert_eq!(spec.checks[4].expect.min_remaining, Some((20.0, true)));
        assert_eq!(spec.checks[5].line, Some(25));
    }

    #[test]
    fn org_id_alone_is_shorthand_for_org_id() {
        let v = vars(&[("ORG", "00D000000000002AAA")]);
        let spec = Spec::parse(
            "checks:\n  - name: right org\n    org: 00D000000000001AAA\n  - name: from var\n    org: ${ORG}\n",
            "s.yml",
            &v,
        )
        .unwrap();
        assert!(matches!(&spec.checks[0].kind,
            Kind::Org(o) if o.id.as_deref() == Some("00D000000000001AAA") && o.instance.is_none() && o.sandbox.is_none()));
        assert!(matches!(&spec.checks[1].kind,
            Kind::Org(o) if o.id.as_deref() == Some("00D000000000002AAA")));
        // The shorthand is checked like the mapping's id.
        let e = Spec::parse(
            "checks:\n  - name: a\n    org: 001000000000001AAA\n",
            "s.yml",
            &v,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not an organization id"), "{e}");
        // The mapping keeps its own errors.
        let e = Spec::parse("checks:\n  - name: a\n    org: {idd: x}\n", "s.yml", &v).unwrap_err();
        assert!(e.to_string().contains("idd"), "{e}");
    }

    #[test]
    fn errors_name_line_and_check() {
        let v = vars(&[]);
        let e = Spec::parse(
            "checks:\n  - name: a\n    soql: x\n    colour: red\n",
            "s.yml",
            &v,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("s.yml:4"), "{e}");
        assert!(e.to_string().contains("colour"), "{e}");

        let e = Spec::parse(
            "checks:\n  - name: a\n    soql: x\n  - name: b\n    soql: y\n    apex: z\n",
            "s.yml",
            &v,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(
            e.to_string()
                .contains("check \"b\": one kind per check, but this one has soql and apex"),
            "{e}"
        );

        let e = Spec::parse(
            "checks:\n  - name: a\n    soql: SELECT ${MISSING}\n",
            "s.yml",
            &v,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("variable `MISSING` is not set"),
            "{e}"
        );

        let e = Spec::parse(
            "checks:\n  - name: a\n    soql: x\n    timeout: soon\n",
            "s.yml",
            &v,
        )
        .unwrap_err();
        assert!(e.to_string().contains("timeout"), "{e}");

        let e = Spec::parse(
            "checks:\n  - name: a\n    http: /x\n    expect: {count: 1}\n",
            "s.yml",
            &v,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("expects only `status` and `contains`"),
            "{e}"
        );

        let e = Spec::parse(
            "checks:\n  - {name: a, soql: x}\n  - {name: a, soql: y}\n",
            "s.yml",
            &v,
        )
        .unwrap_err();
        assert!(e.to_string().contains("two checks are named"), "{e}");

        assert!(Spec::parse("", "s.yml", &v)
            .unwrap_err()
            .to_string()
            .contains("needs a `checks:` list"));
        assert!(Spec::parse("checks: [", "s.yml", &v).is_err());
        let deep = format!("checks: {}{}", "[".repeat(200), "]".repeat(200));
        assert!(Spec::parse(&deep, "s.yml", &v).is_err());
    }

    #[test]
    fn substitution() {
        let v = vars(&[("A", "1"), ("B_2", "two")]);
        assert_eq!(
            substitute("x ${A} ${B_2} $${A} $ y", &v).unwrap(),
            "x 1 two ${A} $ y"
        );
        assert!(substitute("${A", &v).is_err());
        assert!(substitute("${A-B}", &v).is_err());
        // A value cannot inject structure: it stays a string.
        let v = vars(&[("N", "x\n  - name: injected\n    apex: evil")]);
        let spec = Spec::parse(
            "checks:\n  - name: '${N}'\n    soql: SELECT Id FROM Account\n",
            "s",
            &v,
        )
        .unwrap();
        assert_eq!(spec.checks.len(), 1);
    }
}
