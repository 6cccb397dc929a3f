//! `.sfci.yml`: the optional repository configuration shared by every tool.
//!
//! The file is optional — every tool works on a standard Salesforce DX project with no
//! configuration. When present it is a YAML mapping whose top-level sections are fixed:
//! `lint`, `deps`, `owners`, `smoke` and `gate`. This version defines keys only in `lint`:
//!
//! ```yaml
//! lint:
//!   rules:
//!     callout-without-timeout: { severity: warning }
//!     hardcoded-endpoint: { severity: off }
//!   exclude:
//!     - "force-app/main/legacy/**"
//! ```
//!
//! The loader is strict: an unknown key anywhere, a value of the wrong type, an unknown rule id
//! or an invalid glob is an error that names the key's dotted path and its line and column in the
//! file, e.g.
//!
//! ```text
//! .sfci.yml:6:7: unknown key `lint.rules.parse-error.sevrity`; valid keys here: `severity`
//! ```
//!
//! The same file is described by the JSON Schema `schemas/sfci.schema.json`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

/// The file names [`Config::discover`] looks for at the repository root, in order.
pub const CONFIG_FILE_NAMES: &[&str] = &[".sfci.yml", ".sfci.yaml"];

/// The top-level sections of `.sfci.yml`.
pub const SECTIONS: &[&str] = &["lint", "deps", "owners", "smoke", "gate"];

/// Every rule id `lint-callout-mocks` knows; the keys allowed under `lint.rules`.
pub const LINT_RULE_IDS: &[&str] = &[
    "callout-without-mock",
    "callout-without-timeout",
    "hardcoded-endpoint",
    "parse-error",
    "invalid-suppression",
];

/// The whole `.sfci.yml`. `Config::default()` is what a repository without the file gets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with the sections `lint`, `deps`, `owners`, `smoke`, `gate`"
)]
pub struct Config {
    /// `lint-callout-mocks` settings.
    #[serde(default, deserialize_with = "null_as_default")]
    pub lint: LintConfig,
    /// Dependency validation settings (no keys yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub deps: DepsConfig,
    /// CODEOWNERS settings (no keys yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub owners: OwnersConfig,
    /// Post-deploy smoke test settings (no keys yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub smoke: SmokeConfig,
    /// Release gate settings (no keys yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub gate: GateConfig,
}

/// The `lint` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with the keys `rules`, `exclude`"
)]
pub struct LintConfig {
    /// Per-rule settings keyed by rule id (only ids from [`LINT_RULE_IDS`]).
    #[serde(default, deserialize_with = "deserialize_rules")]
    pub rules: BTreeMap<String, RuleConfig>,
    /// Repository-relative path globs of files the linter skips (validated when loaded).
    #[serde(default, deserialize_with = "deserialize_globs")]
    pub exclude: Vec<String>,
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

macro_rules! empty_section {
    ($(#[$doc:meta])* $name:ident, $expecting:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, expecting = $expecting)]
        #[non_exhaustive]
        pub struct $name {}
    };
}

empty_section!(
    /// The `deps` section; this version defines no keys in it.
    DepsConfig,
    "an empty mapping (this version defines no keys in `deps`)"
);
empty_section!(
    /// The `owners` section; this version defines no keys in it.
    OwnersConfig,
    "an empty mapping (this version defines no keys in `owners`)"
);
empty_section!(
    /// The `smoke` section; this version defines no keys in it.
    SmokeConfig,
    "an empty mapping (this version defines no keys in `smoke`)"
);
empty_section!(
    /// The `gate` section; this version defines no keys in it.
    GateConfig,
    "an empty mapping (this version defines no keys in `gate`)"
);

/// Why `.sfci.yml` could not be used. `Display` reads `origin:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Where the configuration came from (usually the file path); may be empty.
    pub origin: String,
    /// 1-based line of the offending key or value, when known.
    pub line: Option<usize>,
    /// 1-based column of the offending key or value, when known.
    pub column: Option<usize>,
    /// Dotted path of the offending key (`lint.rules.parse-error.severity`), when known.
    pub key: Option<String>,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.origin.is_empty() {
            f.write_str(&self.origin)?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            f.write_str(": ")?;
        } else if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn plain(origin: &str, message: impl Into<String>) -> Self {
        ConfigError {
            origin: origin.to_string(),
            line: None,
            column: None,
            key: None,
            message: message.into(),
        }
    }
}

impl Config {
    /// Parses configuration text. `origin` names the source in errors (e.g. `.sfci.yml`).
    /// Empty text (or only comments) is the default configuration.
    pub fn from_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        if let Some((line, column)) = too_deep(text) {
            return Err(ConfigError {
                origin: origin.to_string(),
                line: Some(line),
                column: Some(column),
                key: None,
                message: format!(
                    "the file nests `[` / `{{` more than {MAX_FLOW_DEPTH} levels deep; \
                     .sfci.yml is never that deep"
                ),
            });
        }
        let deserializer = serde_norway::Deserializer::from_str(text);
        let parsed: Result<Option<Config>, _> = serde_path_to_error::deserialize(deserializer);
        match parsed {
            Ok(config) => Ok(config.unwrap_or_default()),
            Err(err) => Err(translate_error(&err, text, origin)),
        }
    }

    /// Reads and parses one configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Self::load_with_origin(path, &path.display().to_string())
    }

    fn load_with_origin(path: &Path, origin: &str) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path)
            .map_err(|e| ConfigError::plain(origin, format!("cannot read the file: {e}")))?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let bytes = e.as_bytes();
                let valid = e.utf8_error().valid_up_to();
                let (line, column) = line_column(bytes, valid);
                return Err(ConfigError {
                    origin: origin.to_string(),
                    line: Some(line),
                    column: Some(column),
                    key: None,
                    message: format!(
                        "the file is not UTF-8 text (invalid byte 0x{:02x} at offset {valid}); \
                         .sfci.yml must be UTF-8 encoded YAML",
                        bytes[valid]
                    ),
                });
            }
        };
        Self::from_str(&text, origin)
    }

    /// Loads `<root>/.sfci.yml` (or `<root>/.sfci.yaml`). A missing file is the default
    /// configuration; having both files is an error.
    pub fn discover(root: &Path) -> Result<Config, ConfigError> {
        match Self::find(root)? {
            Some(path) => {
                let origin = display_origin(root, &path);
                Self::load_with_origin(&path, &origin)
            }
            None => Ok(Config::default()),
        }
    }

    /// The configuration file [`Config::discover`] would read under `root`, if any.
    pub fn find(root: &Path) -> Result<Option<PathBuf>, ConfigError> {
        let found: Vec<PathBuf> = CONFIG_FILE_NAMES
            .iter()
            .map(|name| root.join(name))
            .filter(|p| p.exists())
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            [first, second, ..] => Err(ConfigError::plain(
                &display_origin(root, second),
                format!(
                    "both {} and {} exist; keep only one configuration file",
                    display_origin(root, first),
                    display_origin(root, second)
                ),
            )),
        }
    }
}

fn display_origin(root: &Path, path: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string())
    } else {
        path.display().to_string()
    }
}

impl LintConfig {
    /// The configured severity for `rule_id`, if `.sfci.yml` sets one.
    pub fn severity_override(&self, rule_id: &str) -> Option<RuleSeverity> {
        self.rules.get(rule_id).and_then(|r| r.severity)
    }

    /// Compiles `exclude` into one matcher for repository-relative `/` paths.
    ///
    /// `*` and `?` do not cross `/`; `**` does. A pattern also matches everything below a
    /// directory it matches, so `force-app/legacy` excludes the whole folder. A leading `./` or
    /// `/` is ignored (patterns are always relative to the repository root).
    pub fn exclude_set(&self) -> Result<GlobSet, ConfigError> {
        let mut builder = GlobSetBuilder::new();
        for (i, pattern) in self.exclude.iter().enumerate() {
            let globs = compile_exclude(pattern).map_err(|message| ConfigError {
                origin: String::new(),
                line: None,
                column: None,
                key: Some(format!("lint.exclude[{i}]")),
                message: format!("`lint.exclude[{i}]`: {message}"),
            })?;
            for glob in globs {
                builder.add(glob);
            }
        }
        builder
            .build()
            .map_err(|e| ConfigError::plain("", format!("`lint.exclude`: {e}")))
    }
}

/// One exclude pattern as the globs it stands for (the pattern and `pattern/**`).
fn compile_exclude(pattern: &str) -> Result<Vec<globset::Glob>, String> {
    let mut p = pattern.trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/').trim_end_matches('/');
    if !p
        .chars()
        .any(|c| c != '/' && c != '.' && !c.is_whitespace())
    {
        return Err(format!(
            "invalid glob `{pattern}`: the pattern names no file (use `**` to exclude everything)"
        ));
    }
    let build = |g: &str| {
        GlobBuilder::new(g)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))
    };
    let mut globs = vec![build(p)?];
    if !p.ends_with("**") {
        globs.push(build(&format!("{p}/**"))?);
    }
    Ok(globs)
}

// ---------------------------------------------------------------------------------------------
// Deserialization helpers

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The rules mapping as a struct, so that an unknown rule id is an unknown field with its own
/// path and location. Keep in step with [`LINT_RULE_IDS`] (a unit test checks).
#[derive(Deserialize, Default)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a mapping from rule id to rule settings"
)]
struct RawRules {
    #[serde(default, deserialize_with = "present_rule")]
    callout_without_mock: Option<RuleConfig>,
    #[serde(default, deserialize_with = "present_rule")]
    callout_without_timeout: Option<RuleConfig>,
    #[serde(default, deserialize_with = "present_rule")]
    hardcoded_endpoint: Option<RuleConfig>,
    #[serde(default, deserialize_with = "present_rule")]
    parse_error: Option<RuleConfig>,
    #[serde(default, deserialize_with = "present_rule")]
    invalid_suppression: Option<RuleConfig>,
}

/// A rule key that is present must hold a mapping: `parse-error:` alone (null) is an error, as
/// in the JSON Schema.
fn present_rule<'de, D>(deserializer: D) -> Result<Option<RuleConfig>, D::Error>
where
    D: Deserializer<'de>,
{
    // serde_norway deserializes null as an empty struct, so ask for a mapping explicitly.
    struct Visitor;
    impl<'de> de::Visitor<'de> for Visitor {
        type Value = RuleConfig;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping such as `{ severity: warning }`")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RuleConfig, A::Error> {
            RuleConfig::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_any(Visitor).map(Some)
}

impl RawRules {
    fn into_entries(self) -> [(&'static str, Option<RuleConfig>); 5] {
        [
            ("callout-without-mock", self.callout_without_mock),
            ("callout-without-timeout", self.callout_without_timeout),
            ("hardcoded-endpoint", self.hardcoded_endpoint),
            ("parse-error", self.parse_error),
            ("invalid-suppression", self.invalid_suppression),
        ]
    }
}

fn deserialize_rules<'de, D>(deserializer: D) -> Result<BTreeMap<String, RuleConfig>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = Option::<RawRules>::deserialize(deserializer)?.unwrap_or_default();
    Ok(raw
        .into_entries()
        .into_iter()
        .filter_map(|(id, rule)| rule.map(|r| (id.to_string(), r)))
        .collect())
}

/// One `lint.exclude` entry: must be a YAML string and a valid glob.
struct GlobPattern(String);

impl<'de> Deserialize<'de> for GlobPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = GlobPattern;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a glob string (quote it if it starts with `*`)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<GlobPattern, E> {
                compile_exclude(v).map_err(E::custom)?;
                Ok(GlobPattern(v.to_string()))
            }
        }
        // `deserialize_any` so that `1` or `true` are type errors, as in the JSON Schema.
        deserializer.deserialize_any(Visitor)
    }
}

fn deserialize_globs<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<Vec<GlobPattern>>::deserialize(deserializer)?
        .unwrap_or_default()
        .into_iter()
        .map(|g| g.0)
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Error translation

/// The keys allowed directly inside the mapping at `parent` (a dotted path), for messages.
fn valid_keys(parent: &str) -> Option<Vec<&'static str>> {
    match parent {
        "" => Some(SECTIONS.to_vec()),
        "lint" => Some(vec!["rules", "exclude"]),
        "lint.rules" => Some(LINT_RULE_IDS.to_vec()),
        p if p.starts_with("lint.rules.") => Some(vec!["severity"]),
        p if SECTIONS.contains(&p) => Some(vec![]),
        _ => None,
    }
}

fn backticked(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits a serde_path_to_error path into parent path and last key.
fn split_last(path: &str) -> (&str, &str) {
    // Keys are separated by '.', sequence indexes are `[n]` and never end a key path here.
    match path.rfind('.') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

fn translate_error(
    err: &serde_path_to_error::Error<serde_norway::Error>,
    text: &str,
    origin: &str,
) -> ConfigError {
    let path = err.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let inner = err.inner();
    let mut location = inner.location().map(|l| (l.line(), l.column()));
    let mut raw = inner.to_string();

    if let Some((line, column)) = location {
        raw = raw.replacen(&format!(" at line {line} column {column}"), "", 1);
    }
    // libyaml reader errors (bad control characters, bad encodings) carry only a byte offset.
    if let Some(start) = raw.find(" at position ") {
        let digits: String = raw[start + 13..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if let Ok(offset) = digits.parse::<usize>() {
            location = Some(line_column(text.as_bytes(), offset.min(text.len())));
            raw.replace_range(start..start + 13 + digits.len(), "");
        }
    }
    // serde_norway prefixes messages with its own path (the key's path or its parent's).
    let (parent, last) = split_last(&path);
    for prefix in [path.as_str(), parent] {
        if !prefix.is_empty() {
            if let Some(rest) = raw.strip_prefix(&format!("{prefix}: ")) {
                raw = rest.to_string();
                break;
            }
        }
    }

    let shown = |p: &str| {
        if p.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{p}`")
        }
    };

    let (key, message) = if raw.starts_with("unknown field `") {
        let hint = match valid_keys(parent) {
            Some(keys) if keys.is_empty() => {
                format!("this version defines no keys in `{parent}`")
            }
            Some(keys) if parent == "lint.rules" => {
                format!(
                    "`{last}` is not a lint rule; valid rule ids: {}",
                    backticked(&keys)
                )
            }
            Some(keys) => format!("valid keys here: {}", backticked(&keys)),
            None => raw.clone(),
        };
        let sep = if hint.starts_with("valid") {
            "; "
        } else {
            ": "
        };
        (
            Some(path.clone()),
            format!("unknown key `{path}`{sep}{hint}"),
        )
    } else if let Some(rest) = raw.strip_prefix("duplicate field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let full = if path.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        };
        (
            Some(full.clone()),
            format!("duplicate key `{full}` (in the mapping that starts here); keep only one"),
        )
    } else if raw.starts_with("invalid type: ")
        || raw.starts_with("invalid value: ")
        || raw.starts_with("unknown variant `")
        || raw.starts_with("invalid length ")
        || raw.starts_with("invalid glob `")
    {
        let cleaned = raw
            .replace("unit value", "null")
            .replace("unknown variant", "unknown value");
        (Some(path.clone()), format!("{}: {cleaned}", shown(&path)))
    } else if raw.contains("more than one document") {
        (
            None,
            "the file contains more than one YAML document (`---`); .sfci.yml must be one mapping"
                .to_string(),
        )
    } else {
        // YAML syntax errors and anything else: keep the parser's words. The path is where
        // deserialization had got to (often ending in `?`), not a key the user wrote.
        (None, format!("invalid YAML: {raw}"))
    };

    ConfigError {
        origin: origin.to_string(),
        line: location.map(|l| l.0),
        column: location.map(|l| l.1),
        key,
        message,
    }
}

/// Deeper flow nesting than any valid `.sfci.yml` has; checked before parsing because libyaml's
/// scanner is quadratic in flow depth (100 000 `[` after a key take 12 s in a release build).
const MAX_FLOW_DEPTH: usize = 64;

/// Where `text` first nests flow collections deeper than [`MAX_FLOW_DEPTH`], if it does.
/// Brackets in quoted scalars and comments are not counted; brackets inside plain scalars are,
/// which can only over-count (real configurations stay far below the limit).
fn too_deep(text: &str) -> Option<(usize, usize)> {
    #[derive(PartialEq)]
    enum State {
        Plain,
        Single,
        Double,
        Comment,
    }
    let mut state = State::Plain;
    let mut depth = 0usize;
    let (mut line, mut column) = (1usize, 0usize);
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
        let token_start = prev.is_none_or(char::is_whitespace);
        let quote_start = token_start || matches!(prev, Some('[' | '{' | ',' | ':'));
        match state {
            State::Plain => match c {
                '#' if token_start => state = State::Comment,
                '\'' if quote_start => state = State::Single,
                '"' if quote_start => state = State::Double,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((line, column));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
            State::Single => {
                if c == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                        column += 1;
                    } else {
                        state = State::Plain;
                    }
                }
            }
            State::Double => match c {
                '\\' => match chars.next() {
                    Some('\n') => {
                        line += 1;
                        column = 0;
                    }
                    Some(_) => column += 1,
                    None => {}
                },
                '"' => state = State::Plain,
                _ => {}
            },
            State::Comment => {
                if c == '\n' {
                    state = State::Plain;
                }
            }
        }
        prev = Some(c);
    }
    None
}

/// 1-based line and column (in characters) of byte `offset` in `bytes`.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ConfigError {
        Config::from_str(text, ".sfci.yml").expect_err("config should be rejected")
    }

    fn ok(text: &str) -> Config {
        Config::from_str(text, ".sfci.yml").expect("config should load")
    }

    const FULL_EXAMPLE: &str = "\
# sfci configuration
lint:
  rules:
    callout-without-mock: { severity: error }
    callout-without-timeout:
      severity: warning
    hardcoded-endpoint: { severity: off }
    parse-error: { severity: warning }
    invalid-suppression: {}
  exclude:
    - \"force-app/main/legacy/**\"
    - \"**/*Test.cls\"
    - force-app/main/default/classes/Generated
deps: {}
owners:
smoke: null
gate: {}
";

    #[test]
    fn empty_and_comment_only_files_are_the_default() {
        for text in [
            "",
            "\n",
            "# nothing yet\n",
            "---\n",
            "~\n",
            "null\n",
            "{}\n",
        ] {
            assert_eq!(ok(text), Config::default(), "text: {text:?}");
        }
    }

    #[test]
    fn full_example_loads() {
        let c = ok(FULL_EXAMPLE);
        assert_eq!(
            c.lint.severity_override("callout-without-mock"),
            Some(RuleSeverity::Error)
        );
        assert_eq!(
            c.lint.severity_override("callout-without-timeout"),
            Some(RuleSeverity::Warning)
        );
        assert_eq!(
            c.lint.severity_override("hardcoded-endpoint"),
            Some(RuleSeverity::Off)
        );
        assert_eq!(c.lint.severity_override("invalid-suppression"), None);
        assert_eq!(c.lint.severity_override("no-such-rule"), None);
        assert_eq!(c.lint.rules.len(), 5);
        assert_eq!(c.lint.exclude.len(), 3);
    }

    #[test]
    fn every_rule_id_is_accepted_and_maps_to_itself() {
        assert_eq!(
            RawRules::default().into_entries().len(),
            LINT_RULE_IDS.len()
        );
        let ids: Vec<&str> = RawRules::default()
            .into_entries()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(ids, LINT_RULE_IDS);
        for id in LINT_RULE_IDS {
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
    fn unknown_top_level_key() {
        let e = err("lint: {}\n\nlnt:\n  rules: {}\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:1: unknown key `lnt`; valid keys here: `lint`, `deps`, `owners`, \
             `smoke`, `gate`"
        );
    }

    #[test]
    fn unknown_key_in_lint() {
        let e = err("lint:\n  rules: {}\n  excludes: []\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:3: unknown key `lint.excludes`; valid keys here: `rules`, `exclude`"
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
            ".sfci.yml:5:5: unknown key `lint.rules.callout-without-mocks`: \
             `callout-without-mocks` is not a lint rule; valid rule ids: `callout-without-mock`, \
             `callout-without-timeout`, `hardcoded-endpoint`, `parse-error`, `invalid-suppression`"
        );
    }

    #[test]
    fn keys_in_sections_without_keys_are_errors() {
        for section in ["deps", "owners", "smoke", "gate"] {
            let e = err(&format!("lint: {{}}\n{section}:\n  enabled: true\n"));
            assert_eq!(
                e.to_string(),
                format!(
                    ".sfci.yml:3:3: unknown key `{section}.enabled`: this version defines no \
                     keys in `{section}`"
                )
            );
            // Empty mapping and null are fine.
            assert_eq!(ok(&format!("{section}: {{}}\n")), Config::default());
            assert_eq!(ok(&format!("{section}:\n")), Config::default());
        }
    }

    #[test]
    fn wrong_severity_value() {
        let e = err("lint:\n  rules:\n    parse-error:\n      severity: fatal\n");
        assert_eq!((e.line, e.column), (Some(4), Some(17)));
        assert_eq!(e.key.as_deref(), Some("lint.rules.parse-error.severity"));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:4:17: `lint.rules.parse-error.severity`: unknown value `fatal`, \
             expected one of `error`, `warning`, `off`"
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
    fn wrong_value_types() {
        let e = err("lint:\n  exclude: force-app/legacy\n");
        assert_eq!((e.line, e.column), (Some(2), Some(12)));
        assert!(
            e.to_string().starts_with(
                ".sfci.yml:2:12: `lint.exclude`: invalid type: string \"force-app/legacy\", \
                 expected a sequence"
            ),
            "{e}"
        );

        let e = err("lint:\n  exclude:\n    - ok/**\n    - 42\n");
        assert_eq!((e.line, e.column), (Some(4), Some(7)));
        assert_eq!(e.key.as_deref(), Some("lint.exclude[1]"));
        assert!(e.message.contains("invalid type: integer `42`"), "{e}");

        let e = err("lint:\n  rules:\n    parse-error:\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:17: `lint.rules.parse-error`: invalid type: null, expected a mapping \
             such as `{ severity: warning }`"
        );

        let e = err("lint: [a, b]\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:1:7: `lint`: invalid type: sequence, expected a mapping with the keys \
             `rules`, `exclude`"
        );

        let e = err("deps: [x]\n");
        assert!(
            e.message.contains("this version defines no keys in `deps`"),
            "{e}"
        );
    }

    #[test]
    fn a_list_instead_of_a_mapping() {
        let e = err("- lint\n- deps\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:1:1: the top level: invalid type: sequence, expected a mapping with the \
             sections `lint`, `deps`, `owners`, `smoke`, `gate`"
        );
        let e = err("just a string\n");
        assert!(e.message.contains("invalid type: string"), "{e}");
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
    fn duplicate_keys_are_errors() {
        let e =
            err("lint:\n  rules:\n    parse-error:\n      severity: off\n      severity: error\n");
        assert_eq!(e.key.as_deref(), Some("lint.rules.parse-error.severity"));
        assert!(
            e.message
                .starts_with("duplicate key `lint.rules.parse-error.severity`"),
            "{e}"
        );
        assert_eq!(
            e.line,
            Some(4),
            "points at the mapping holding the duplicate"
        );
    }

    #[test]
    fn yaml_syntax_errors_have_a_location() {
        let e = err("lint:\n  rules: {parse-error: {severity: off}\n  exclude: []\n");
        assert!(e.line.is_some(), "{e}");
        assert!(e.message.starts_with("invalid YAML: "), "{e}");
        let e = err("lint:\n\trules: {}\n");
        assert_eq!(e.line, Some(2), "{e}");
    }

    #[test]
    fn control_characters_are_located() {
        let e = err("lint: {}\nde\u{0}ps: {}\n");
        assert_eq!((e.line, e.column), (Some(2), Some(3)), "{e}");
        assert!(e.message.contains("control characters"), "{e}");
    }

    #[test]
    fn multiple_documents_are_rejected() {
        let e = err("lint: {}\n---\nlint: {}\n");
        assert!(e.message.contains("more than one YAML document"), "{e}");
    }

    #[test]
    fn deeply_nested_garbage_does_not_panic() {
        for text in [
            format!("lint: {}", "[".repeat(100_000)),
            format!("lint:\n  rules: {}", "{a: ".repeat(50_000)),
            "- ".repeat(100_000),
            "[".repeat(100_000),
            format!(
                "lint:\n  exclude: {}",
                "[".repeat(10_000) + &"]".repeat(10_000)
            ),
            "a: &a [*a, *a]\nb: *a\n".to_string(),
            "lint: &x {}\ndeps: *x\nsmoke: *x\n".to_string(),
        ] {
            let _ = Config::from_str(&text, ".sfci.yml");
        }
        // Anchors and aliases resolve like any YAML.
        assert_eq!(ok("lint: &x {}\ngate: *x\n"), Config::default());
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let start = std::time::Instant::now();
        let e = err(&format!("lint:\n  rules: {}", "[".repeat(1_000_000)));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!((e.line, e.column), (Some(2), Some(10 + MAX_FLOW_DEPTH)));
        assert!(e.message.contains("more than 64 levels deep"), "{e}");
        // Brackets in quotes and comments do not count; balanced globs are fine.
        let quoted = format!(
            "# {}\nlint:\n  exclude: [\"{}\\\"\", '{}''', src/[ab].cls]\n",
            "[".repeat(100),
            "[".repeat(100),
            "{".repeat(100)
        );
        assert!(too_deep(&quoted).is_none());
        assert!(
            err(&quoted).message.contains("invalid glob"),
            "parsed, then the glob failed"
        );
        assert!(too_deep(&format!("a: {}{}", "[".repeat(64), "]".repeat(64))).is_none());
        assert!(too_deep(&format!("a: {}", "[".repeat(65))).is_some());
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        let c = ok("\u{feff}lint:\n  exclude: [\"a/**\"]\n");
        assert_eq!(c.lint.exclude, vec!["a/**"]);
    }

    #[test]
    fn load_reports_non_utf8_with_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".sfci.yml");
        std::fs::write(&path, b"lint:\n  exclude: [\"caf\xe9\"]\n").unwrap();
        let e = Config::load(&path).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(17)));
        assert!(e.message.contains("not UTF-8"), "{e}");
        assert!(e
            .to_string()
            .starts_with(&format!("{}:2:17: ", path.display())));

        // A binary file.
        std::fs::write(&path, [0u8, 1, 2, 0xff, 0xfe, 0, 0x89, b'P', b'N', b'G']).unwrap();
        let e = Config::load(&path).unwrap_err();
        assert!(e.message.contains("not UTF-8"), "{e}");
        std::fs::write(&path, [0u8, 1, 2, 3, b'\n', 0]).unwrap();
        let e = Config::load(&path).unwrap_err();
        assert!(e.message.contains("control characters"), "{e}");

        // UTF-16 with a BOM is not UTF-8 either.
        std::fs::write(&path, [0xff, 0xfe, b'l', 0, b'i', 0]).unwrap();
        assert!(Config::load(&path)
            .unwrap_err()
            .message
            .contains("not UTF-8"));
    }

    #[test]
    fn load_reports_unreadable_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = Config::load(&dir.path().join("missing.yml")).unwrap_err();
        assert!(e.message.starts_with("cannot read the file"), "{e}");
        // A directory is not a file.
        let e = Config::load(dir.path()).unwrap_err();
        assert!(e.message.starts_with("cannot read the file"), "{e}");
    }

    #[test]
    fn discover_finds_yml_or_yaml() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Config::discover(dir.path()).unwrap(), Config::default());
        assert_eq!(Config::find(dir.path()).unwrap(), None);

        std::fs::write(
            dir.path().join(".sfci.yaml"),
            "lint: {rules: {parse-error: {severity: off}}}\n",
        )
        .unwrap();
        let c = Config::discover(dir.path()).unwrap();
        assert_eq!(
            c.lint.severity_override("parse-error"),
            Some(RuleSeverity::Off)
        );

        std::fs::write(dir.path().join(".sfci.yml"), "lint: {}\n").unwrap();
        let e = Config::discover(dir.path()).unwrap_err();
        assert!(e.message.contains("keep only one"), "{e}");

        std::fs::remove_file(dir.path().join(".sfci.yaml")).unwrap();
        std::fs::write(dir.path().join(".sfci.yml"), "lint:\n  bogus: 1\n").unwrap();
        let e = Config::discover(dir.path()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}:2:3: unknown key `lint.bogus`; valid keys here: `rules`, `exclude`",
                dir.path().join(".sfci.yml").display()
            )
        );
    }

    #[test]
    fn exclude_set_matches_repo_relative_paths() {
        let c = ok("lint:\n  exclude:\n    - \"force-app/main/legacy\"\n    - \"**/*Mock.cls\"\n    - \"./scripts/*.cls\"\n    - \"/Tmp.cls\"\n");
        let set = c.lint.exclude_set().unwrap();
        assert!(set.is_match("force-app/main/legacy/classes/A.cls"));
        assert!(set.is_match("force-app/main/legacy"));
        assert!(!set.is_match("force-app/main/legacyX/A.cls"));
        assert!(set.is_match("force-app/main/default/classes/HttpMock.cls"));
        assert!(set.is_match("HttpMock.cls"));
        assert!(set.is_match("scripts/A.cls"));
        assert!(!set.is_match("scripts/sub/A.cls"), "`*` does not cross `/`");
        assert!(set.is_match("Tmp.cls"));
        assert!(!set.is_match("force-app/main/default/classes/Service.cls"));
        assert!(LintConfig::default().exclude_set().unwrap().is_empty());

        let bad = LintConfig {
            exclude: vec!["ok".into(), "a/{b".into()],
            ..LintConfig::default()
        };
        let e = bad.exclude_set().unwrap_err();
        assert_eq!(e.key.as_deref(), Some("lint.exclude[1]"));
        assert!(
            e.to_string()
                .starts_with("`lint.exclude[1]`: invalid glob `a/{b`"),
            "{e}"
        );
    }

    // --- the JSON Schema -----------------------------------------------------------------

    const SCHEMA: &str = include_str!("../schemas/sfci.schema.json");

    fn schema() -> serde_json::Value {
        serde_json::from_str(SCHEMA).expect("schema is JSON")
    }

    fn validator() -> jsonschema::Validator {
        jsonschema::draft202012::new(&schema()).expect("schema compiles")
    }

    fn yaml_to_json(text: &str) -> serde_json::Value {
        serde_norway::from_str(text).expect("YAML converts to JSON")
    }

    #[test]
    fn schema_accepts_the_full_example() {
        let instance = yaml_to_json(FULL_EXAMPLE);
        let v = validator();
        let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        for text in ["{}", "lint: {}", "lint:\n", "deps: null"] {
            assert!(v.is_valid(&yaml_to_json(text)), "{text}");
            ok(text);
        }
    }

    #[test]
    fn schema_and_loader_reject_the_same_mistakes() {
        let v = validator();
        for text in [
            "lint:\n  rules:\n    callout-without-timeout:\n      sevrity: warning\n",
            "lnt: {}\n",
            "lint:\n  excludes: []\n",
            "lint:\n  rules:\n    no-such-rule: {}\n",
            "lint:\n  rules:\n    parse-error: {severity: fatal}\n",
            "lint:\n  rules:\n    parse-error:\n",
            "lint:\n  exclude: a/**\n",
            "lint:\n  exclude: [1]\n",
            "lint:\n  exclude: [\"\"]\n",
            "lint:\n  exclude: [\"./\"]\n",
            "deps:\n  enabled: true\n",
            "gate: []\n",
            "- lint\n",
        ] {
            assert!(
                Config::from_str(text, "t").is_err(),
                "loader accepts {text:?}"
            );
            assert!(!v.is_valid(&yaml_to_json(text)), "schema accepts {text:?}");
        }
    }

    #[test]
    fn schema_lists_the_same_rule_ids_sections_and_severities() {
        let s = schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let ids: Vec<&str> = s["properties"]["lint"]["properties"]["rules"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = LINT_RULE_IDS.to_vec();
        let mut got = ids.clone();
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected);

        let mut sections: Vec<&str> = s["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        sections.sort_unstable();
        let mut expected = SECTIONS.to_vec();
        expected.sort_unstable();
        assert_eq!(sections, expected);

        let severities = &s["$defs"]["rule"]["properties"]["severity"]["enum"];
        assert_eq!(severities, &serde_json::json!(["error", "warning", "off"]));
    }

    #[test]
    fn schema_is_closed_and_documented_everywhere() {
        fn walk(v: &serde_json::Value, at: &str, problems: &mut Vec<String>) {
            let Some(obj) = v.as_object() else { return };
            let is_object_schema = obj.get("type").is_some_and(|t| {
                t == "object"
                    || t.as_array()
                        .is_some_and(|a| a.iter().any(|x| x == "object"))
            });
            if is_object_schema
                && obj.get("additionalProperties") != Some(&serde_json::json!(false))
            {
                problems.push(format!("{at}: object without additionalProperties: false"));
            }
            if let Some(props) = obj.get("properties").and_then(|p| p.as_object()) {
                for (k, p) in props {
                    if p.get("description")
                        .and_then(|d| d.as_str())
                        .is_none_or(str::is_empty)
                    {
                        problems.push(format!("{at}.{k}: no description"));
                    }
                    walk(p, &format!("{at}.{k}"), problems);
                }
            }
            for key in ["$defs", "items"] {
                match obj.get(key) {
                    Some(serde_json::Value::Object(m)) if key == "$defs" => {
                        for (k, d) in m {
                            walk(d, &format!("{at}.$defs.{k}"), problems)
                        }
                    }
                    Some(other) => walk(other, &format!("{at}.{key}"), problems),
                    None => {}
                }
            }
        }
        let mut problems = vec![];
        walk(&schema(), "", &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
