//! The `lint` section of `.sfci.yml`: per-rule settings keyed by the ids of
//! [`crate::lint::RULES`], excluded paths and the baseline file.

use std::collections::BTreeMap;
use std::fmt;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::config::de::{keyed_error, GlobPattern, Mapping};
use crate::config::glob::compile_exclude;
use crate::config::{ConfigError, Invalid};

/// The `lint` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Per-rule settings keyed by rule id (only ids of [`crate::lint::RULES`]).
    #[serde(default, deserialize_with = "deserialize_rules")]
    pub rules: BTreeMap<String, RuleConfig>,
    /// Repository-relative path globs of files the linter skips (compiled when loaded).
    #[serde(default)]
    pub exclude: ExcludeGlobs,
    /// Repository-relative path of the baseline file (written by `--write-baseline`): known
    /// findings it lists are not reported. Used when `--baseline` is not given, so the
    /// pre-commit hooks and the CI templates pick it up with no extra argument.
    #[serde(
        default,
        deserialize_with = "deserialize_baseline_path",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline: Option<String>,
}

/// `lint.baseline`: a non-empty relative path (`null` is no baseline).
fn deserialize_baseline_path<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let Some(path) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(de::Error::custom(Invalid::EmptyBaseline));
    }
    if trimmed.starts_with('/') || trimmed.contains('\\') || trimmed.split('/').any(|p| p == "..") {
        return Err(de::Error::custom(Invalid::Baseline(trimmed.to_string())));
    }
    Ok(Some(trimmed.trim_start_matches("./").to_string()))
}

/// The settings of one lint rule: `lint.rules.<id>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping such as `{ severity: warning }`"
)]
pub struct RuleConfig {
    /// Overrides the rule's default severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<RuleSeverity>,
}

/// A configured rule severity. `Off` disables the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    rename_all = "lowercase",
    expecting = "one of `error`, `warning`, `off`"
)]
pub enum RuleSeverity {
    /// Findings block the change (exit code 1).
    Error,
    /// Findings are reported but do not block.
    Warning,
    /// The rule does not run.
    Off,
}

impl RuleSeverity {
    /// The spelling used in `.sfci.yml`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
            RuleSeverity::Off => "off",
        }
    }
}

impl fmt::Display for RuleSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl LintConfig {
    /// The configured severity for `rule_id`, if `.sfci.yml` sets one.
    pub fn severity_override(&self, rule_id: &str) -> Option<RuleSeverity> {
        self.rules.get(rule_id).and_then(|r| r.severity)
    }

    /// `exclude` as one matcher for repository-relative `/` paths (compiled when loaded; see
    /// [`ExcludeGlobs`]).
    pub fn exclude_set(&self) -> &GlobSet {
        &self.exclude.set
    }
}

/// `lint.exclude`: the patterns as written and compiled, when loaded, into one matcher for
/// repository-relative `/` paths.
///
/// `*` and `?` do not cross `/`; `**` does. A pattern also matches everything below a
/// directory it matches, so `force-app/legacy` excludes the whole folder. A leading `./` or
/// `/` is ignored (patterns are always relative to the repository root). Equal when written
/// alike (also to a list of strings); written back as the list of patterns.
#[derive(Clone, Default)]
pub struct ExcludeGlobs {
    patterns: Vec<String>,
    set: GlobSet,
}

impl ExcludeGlobs {
    /// Compiles `patterns`; an error names the key (`lint.exclude[1]`) but has no line.
    pub fn new(patterns: Vec<String>) -> Result<ExcludeGlobs, ConfigError> {
        let globs = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| {
                compile_exclude(p).map_err(|m| keyed_error(format!("lint.exclude[{i}]"), m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        ExcludeGlobs::from_globs(patterns, globs.into_iter().flatten())
            .map_err(|e| ConfigError::plain("", format!("`lint.exclude`: {e}")))
    }

    fn from_globs(
        patterns: Vec<String>,
        globs: impl IntoIterator<Item = Glob>,
    ) -> Result<ExcludeGlobs, globset::Error> {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            builder.add(glob);
        }
        Ok(ExcludeGlobs {
            patterns,
            set: builder.build()?,
        })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The compiled matcher.
    pub fn set(&self) -> &GlobSet {
        &self.set
    }
}

impl std::ops::Deref for ExcludeGlobs {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.patterns
    }
}

impl fmt::Debug for ExcludeGlobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.patterns.fmt(f)
    }
}

impl PartialEq for ExcludeGlobs {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for ExcludeGlobs {}

impl<S: AsRef<str>> PartialEq<Vec<S>> for ExcludeGlobs {
    fn eq(&self, other: &Vec<S>) -> bool {
        self.patterns.len() == other.len()
            && self
                .patterns
                .iter()
                .zip(other)
                .all(|(a, b)| a == b.as_ref())
    }
}

impl Serialize for ExcludeGlobs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.patterns.serialize(s)
    }
}

/// A list of [`GlobPattern`]s (`null` is none), each compiled as it is read.
impl<'de> Deserialize<'de> for ExcludeGlobs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Option::<Vec<GlobPattern>>::deserialize(d)?.unwrap_or_default();
        let mut patterns = Vec::with_capacity(items.len());
        let mut globs = Vec::new();
        for item in items {
            let (pattern, compiled) = item.into_parts();
            patterns.push(pattern);
            globs.extend(compiled);
        }
        ExcludeGlobs::from_globs(patterns, globs).map_err(de::Error::custom)
    }
}

/// The keys allowed under `lint.rules`: the ids of [`crate::lint::RULES`], in its order.
static LINT_RULE_KEYS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| crate::lint::RULES.iter().map(|r| r.id).collect());

/// `lint.rules`: a mapping from rule id (an id of [`crate::lint::RULES`]; anything else is an
/// unknown key listing the ids) to a rule's settings, which must be a mapping (`parse-error:`
/// alone, null, is an error, as in the JSON Schema).
fn deserialize_rules<'de, D>(deserializer: D) -> Result<BTreeMap<String, RuleConfig>, D::Error>
where
    D: Deserializer<'de>,
{
    struct RuleId;
    impl<'de> de::DeserializeSeed<'de> for RuleId {
        type Value = &'static str;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl de::Visitor<'_> for RuleId {
        type Value = &'static str;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a lint rule id")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<&'static str, E> {
            let keys: &'static [&'static str] = LINT_RULE_KEYS.as_slice();
            keys.iter()
                .copied()
                .find(|id| *id == v)
                .ok_or_else(|| E::unknown_field(v, keys))
        }
    }
    struct Rules;
    impl<'de> de::Visitor<'de> for Rules {
        type Value = BTreeMap<String, RuleConfig>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping from rule id to rule settings")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut rules = BTreeMap::new();
            while let Some(id) = map.next_key_seed(RuleId)? {
                let rule = map.next_value_seed(Mapping::<RuleConfig>::new(
                    "a mapping such as `{ severity: warning }`",
                ))?;
                rules.insert(id.to_string(), rule);
            }
            Ok(rules)
        }
    }
    deserializer.deserialize_any(Rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::{err, ok};

    #[test]
    fn every_rule_id_is_accepted_and_maps_to_itself() {
        for id in crate::lint::rule_ids() {
            let c = ok(&format!("lint:\n  rules:\n    {id}: {{ severity: off }}\n"));
            assert_eq!(
                c.lint.severity_override(id),
                Some(RuleSeverity::Off),
                "{id}"
            );
            assert_eq!(c.lint.rules.keys().collect::<Vec<_>>(), vec![id]);
        }
    }

    #[test]
    fn unknown_key_in_rule_names_path_line_and_column() {
        let text = "\
lint:
  rules:
    parse-error: { severity: off }
    callout-without-timeout:
      severity: error
      sevrity: warning
";
        let e = err(text);
        assert_eq!(e.line, Some(6));
        assert_eq!(e.column, Some(7));
        assert_eq!(
            e.key.as_deref(),
            Some("lint.rules.callout-without-timeout.sevrity")
        );
        assert_eq!(
            e.to_string(),
            ".sfci.yml:6:7: unknown key `lint.rules.callout-without-timeout.sevrity`; \
             valid keys here: `severity`"
        );
        // The reported line really holds the key.
        let line = text.lines().nth(e.line.unwrap() - 1).unwrap();
        assert_eq!(&line[e.column.unwrap() - 1..], "sevrity: warning");
    }

    #[test]
    fn unknown_key_in_flow_mapping_points_at_the_key() {
        let text = "lint:\n  rules: { parse-error: { severity: off, sevrity: x } }\n";
        let e = err(text);
        assert_eq!((e.line, e.column), (Some(2), Some(42)));
        let line = text.lines().nth(1).unwrap();
        assert!(line[e.column.unwrap() - 1..].starts_with("sevrity"));
    }

    #[test]
    fn unknown_key_in_lint() {
        let e = err("lint:\n  rules: {}\n  excludes: []\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:3: unknown key `lint.excludes`; valid keys here: `rules`, `exclude`, `baseline`"
        );
    }

    #[test]
    fn unknown_rule_id_lists_valid_ids() {
        let text = "lint:\n  rules:\n    parse-error: {}\n    # typo below\n    callout-without-mocks: { severity: off }\n";
        let e = err(text);
        assert_eq!((e.line, e.column), (Some(5), Some(5)));
        assert_eq!(e.key.as_deref(), Some("lint.rules.callout-without-mocks"));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:5:5: unknown key `lint.rules.callout-without-mocks`; \
             valid keys here: `callout-without-mock`, `unmocked-callout-caught`, `callout-without-timeout`, `hardcoded-endpoint`, `parse-error`, `invalid-suppression`"
        );
    }

    #[test]
    fn wrong_severity_value() {
        let e = err("lint:\n  rules:\n    parse-error:\n      severity: fatal\n");
        assert_eq!((e.line, e.column), (Some(4), Some(17)));
        assert_eq!(e.key.as_deref(), Some("lint.rules.parse-error.severity"));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:4:17: `lint.rules.parse-error.severity`: unknown value `fatal`; \
             valid values: `error`, `warning`, `off`"
        );
    }

    #[test]
    fn severity_is_case_sensitive_and_yaml_1_1_booleans_are_strings() {
        assert!(err("lint: {rules: {parse-error: {severity: Error}}}")
            .message
            .contains("`Error`"));
        // `off` is a boolean in YAML 1.1 but a plain string here (YAML 1.2 core schema).
        assert_eq!(
            ok("lint: {rules: {parse-error: {severity: off}}}")
                .lint
                .severity_override("parse-error"),
            Some(RuleSeverity::Off)
        );
    }

    #[test]
    fn bad_globs_are_named() {
        let e = err("lint:\n  exclude:\n    - \"src/**\"\n    - \"src/[abc.cls\"\n");
        assert_eq!((e.line, e.column), (Some(4), Some(7)));
        assert_eq!(e.key.as_deref(), Some("lint.exclude[1]"));
        assert!(
            e.to_string().starts_with(
                ".sfci.yml:4:7: `lint.exclude[1]`: invalid glob `src/[abc.cls`: unclosed character class"
            ),
            "{e}"
        );
        let e = err("lint:\n  exclude: [\"\"]\n");
        assert!(
            e.message
                .contains("invalid glob ``: the pattern names no file"),
            "{e}"
        );
        for pattern in ["/", "./", ".", " ", "../"] {
            let e = err(&format!("lint:\n  exclude: [\"{pattern}\"]\n"));
            assert!(e.message.contains("names no file"), "{pattern:?}: {e}");
        }
    }

    #[test]
    fn exclude_set_matches_repo_relative_paths() {
        let c = ok("lint:\n  exclude:\n    - \"force-app/main/legacy\"\n    - \"**/*Mock.cls\"\n    - \"./scripts/*.cls\"\n    - \"/Tmp.cls\"\n");
        let set = c.lint.exclude_set();
        assert!(set.is_match("force-app/main/legacy/classes/A.cls"));
        assert!(set.is_match("force-app/main/legacy"));
        assert!(!set.is_match("force-app/main/legacyX/A.cls"));
        assert!(set.is_match("force-app/main/default/classes/HttpMock.cls"));
        assert!(set.is_match("HttpMock.cls"));
        assert!(set.is_match("scripts/A.cls"));
        assert!(!set.is_match("scripts/sub/A.cls"), "`*` does not cross `/`");
        assert!(set.is_match("Tmp.cls"));
        assert!(!set.is_match("force-app/main/default/classes/Service.cls"));
        assert!(LintConfig::default().exclude_set().is_empty());

        let e = ExcludeGlobs::new(vec!["ok".into(), "a/{b".into()]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("lint.exclude[1]"));
        assert!(
            e.to_string()
                .starts_with("`lint.exclude[1]`: invalid glob `a/{b`"),
            "{e}"
        );
    }
}
