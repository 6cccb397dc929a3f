//! `.sfci.yml`: the optional repository configuration shared by every tool.
//!
//! The file is optional — every tool works on a standard Salesforce DX project with no
//! configuration. When present it is a YAML mapping whose top-level sections are fixed:
//! `lint`, `deps`, `owners`, `smoke` and `gate`. This version defines keys in `lint` and `deps`:
//!
//! ```yaml
//! lint:
//!   rules:
//!     callout-without-timeout: { severity: warning }
//!     hardcoded-endpoint: { severity: off }
//!   exclude:
//!     - "force-app/main/legacy/**"
//! deps:
//!   teams:                       # first team (in this order) whose paths match a file owns it
//!     sales:
//!       paths: ["sales/**", "shared/sales-*/**"]
//!       owners: ["@acme/sales", "jane@example.com"]
//!     platform:
//!       owners: ["@acme/platform"]   # no paths: names the owners of a package-directory team
//!   allow:
//!     - { from: "*", to: shared }
//!   deny:                        # deny wins over allow
//!     - { from: sales, to: billing }
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

pub mod yaml;

pub use yaml::{load_strict, load_strict_file, MAX_DEPTH};

/// Why a value in a YAML file is refused by a validator. Deserializers hand it to serde as a
/// custom error; [`yaml::load_strict`] then reports it at the value's line, column and key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Invalid {
    /// A glob longer than any path or name.
    #[error(
        "invalid glob: it is {len} bytes long, more than the {MAX_GLOB_BYTES} a path or name can need"
    )]
    GlobTooLong { len: usize },
    /// A glob that names nothing (`what`: a file, class, branch or team, with a hint).
    #[error("invalid glob `{pattern}`: the pattern names no {what}")]
    EmptyGlob { pattern: String, what: &'static str },
    /// A glob globset refuses.
    #[error("invalid glob `{pattern}`: {reason}")]
    Glob { pattern: String, reason: String },
    /// A team name with characters other than `[A-Za-z0-9_.-]`.
    #[error("invalid team name `{0}`: use letters, digits, `_`, `.` and `-`")]
    TeamName(String),
    /// The same team twice.
    #[error("duplicate team `{0}`; keep only one")]
    DuplicateTeam(String),
    /// An owner that is neither a forge handle nor an email.
    #[error("invalid owner `{0}`: an owner is `@user`, `@org/team` or an email address")]
    Owner(String),
    /// A percentage outside 0..=100.
    #[error("invalid percentage {0}: use a number from 0 to 100")]
    Percentage(f64),
    /// A blank coverage tier name.
    #[error("a tier name cannot be empty")]
    EmptyTierName,
    /// A `gate.window.allow` entry [`crate::gate::window::Window::parse`] refuses.
    #[error("{0}")]
    Window(String),
    /// A `gate.window.freeze` entry [`crate::gate::window::Freeze::parse`] refuses.
    #[error("{0}")]
    Freeze(String),
    /// `lint.baseline: ""`.
    #[error("`lint.baseline` is empty; give the repository-relative path of the baseline file (e.g. `.sfci-baseline.json`) or remove the key")]
    EmptyBaseline,
    /// A `lint.baseline` that is not a plain relative path.
    #[error("`lint.baseline` must be a repository-relative path with `/` separators and no `..`, got `{0}`")]
    Baseline(String),
}

/// The file names [`Config::discover`] looks for at the repository root, in order.
pub const CONFIG_FILE_NAMES: &[&str] = &[".sfci.yml", ".sfci.yaml"];

/// The top-level sections of `.sfci.yml`.
pub const SECTIONS: &[&str] = &["lint", "deps", "owners", "smoke", "gate"];

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
    /// `validate-deps` settings: teams and the rules for edges between them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deps: DepsConfig,
    /// CODEOWNERS settings (no keys yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub owners: OwnersConfig,
    /// Post-deploy smoke test settings (no keys yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub smoke: SmokeConfig,
    /// Release gate settings: coverage tiers, windows, promotion rules.
    #[serde(default, deserialize_with = "null_as_default")]
    pub gate: GateConfig,
}

/// The `lint` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with the keys `rules`, `exclude`, `baseline`"
)]
pub struct LintConfig {
    /// Per-rule settings keyed by rule id (only ids of [`crate::lint::RULES`]).
    #[serde(default, deserialize_with = "deserialize_rules")]
    pub rules: BTreeMap<String, RuleConfig>,
    /// Repository-relative path globs of files the linter skips (validated when loaded).
    #[serde(default, deserialize_with = "deserialize_globs")]
    pub exclude: Vec<String>,
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
    /// The `owners` section; this version defines no keys in it.
    OwnersConfig,
    "an empty mapping (this version defines no keys in `owners`)"
);
empty_section!(
    /// The `smoke` section; this version defines no keys in it.
    SmokeConfig,
    "an empty mapping (this version defines no keys in `smoke`)"
);
/// The `gate` section: coverage tiers, deployment windows and promotion rules.
///
/// ```yaml
/// gate:
///   coverage:
///     min: 85                      # org-wide minimum (percent) for `gate deploy-result`
///     tiers:                       # first tier whose globs match a class decides its minimum
///       - { name: critical, min: 100, classes: ["Payment*", "Order*"] }
///       - { name: important, min: 85, classes: ["*Notification*"] }
///       - { name: standard, min: 75, classes: ["*"] }
///   window:
///     allow: ["Fri 18:00-22:00 America/New_York"]
///     freeze: ["2024-12-20..2025-01-02"]
///   promotion:
///     rules:                       # replaces the default branch flow
///       - { from: "feature/*", to: integration }
///       - { from: "release/*", to: main }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with the keys `coverage`, `window`, `promotion`"
)]
pub struct GateConfig {
    /// `gate deploy-result` coverage rules.
    #[serde(default, deserialize_with = "null_as_default")]
    pub coverage: CoverageConfig,
    /// `gate window` allowed windows and freezes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub window: WindowConfig,
    /// `gate promotion` branch rules.
    #[serde(default, deserialize_with = "null_as_default")]
    pub promotion: PromotionConfig,
}

/// `gate.coverage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with the keys `min`, `tiers`"
)]
pub struct CoverageConfig {
    /// Org-wide minimum coverage in percent (`--min-coverage` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Percent>,
    /// Risk tiers in order; the first whose `classes` globs match a class decides its minimum.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tiers: Vec<CoverageTier>,
}

/// A percentage from 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Percent(pub f64);

impl Eq for Percent {}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage from 0 to 100, such as 85 or 92.5")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Percent, E> {
                if (0.0..=100.0).contains(&v) {
                    Ok(Percent(v))
                } else {
                    Err(E::custom(Invalid::Percentage(v)))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Percent, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Percent, E> {
                self.visit_f64(v as f64)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One `gate.coverage.tiers` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping such as `{ name: critical, min: 100, classes: [\"Payment*\"] }`"
)]
pub struct CoverageTier {
    /// The tier's name, shown in reports (`critical`).
    #[serde(deserialize_with = "deserialize_tier_name")]
    pub name: String,
    /// Minimum coverage of every class in the tier, in percent.
    pub min: Percent,
    /// Globs on Apex class and trigger names (`Payment*`, `*Service`); case-insensitive.
    #[serde(deserialize_with = "deserialize_class_globs")]
    pub classes: Vec<String>,
}

/// `gate.window`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with the keys `allow`, `freeze`"
)]
pub struct WindowConfig {
    /// Allowed windows such as `Fri 18:00-22:00 America/New_York` (checked when loaded).
    #[serde(default, deserialize_with = "deserialize_windows")]
    pub allow: Vec<String>,
    /// Freeze periods such as `2024-12-20..2025-01-02` (checked when loaded).
    #[serde(default, deserialize_with = "deserialize_freezes")]
    pub freeze: Vec<String>,
}

/// `gate.promotion`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with the key `rules`")]
pub struct PromotionConfig {
    /// Allowed merges as `{from, to}` branch globs; replaces the default flow when present.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rules: Vec<PromotionRule>,
}

/// One allowed merge: a source-branch glob and a target-branch glob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping such as `{ from: \"release/*\", to: main }`"
)]
pub struct PromotionRule {
    /// Glob on the source branch (`feature/*`).
    #[serde(deserialize_with = "deserialize_branch_glob")]
    pub from: String,
    /// Glob on the target branch (`integration`).
    #[serde(deserialize_with = "deserialize_branch_glob")]
    pub to: String,
}

fn deserialize_tier_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(CheckedString {
        expecting: "a tier name string",
        check: |s| {
            if s.trim().is_empty() {
                Err(Invalid::EmptyTierName)
            } else {
                Ok(())
            }
        },
    })
}

/// Longest glob accepted (Linux's PATH_MAX): matcher construction grows faster than linearly
/// with a pattern's length, so a runaway value must not stall the run.
const MAX_GLOB_BYTES: usize = 4096;

fn check_glob_len(p: &str) -> Result<(), Invalid> {
    if p.len() > MAX_GLOB_BYTES {
        return Err(Invalid::GlobTooLong { len: p.len() });
    }
    Ok(())
}

/// `p` built as a glob, or why it is not one.
fn build_glob(p: &str, builder: &mut GlobBuilder<'_>) -> Result<globset::Glob, Invalid> {
    builder.build().map_err(|e| Invalid::Glob {
        pattern: p.to_string(),
        reason: e.kind().to_string(),
    })
}

fn names_nothing(pattern: &str, what: &'static str) -> Invalid {
    Invalid::EmptyGlob {
        pattern: pattern.to_string(),
        what,
    }
}

/// A class-name glob: `*` matches any run of characters.
pub fn check_class_glob(p: &str) -> Result<(), Invalid> {
    check_glob_len(p)?;
    if p.trim().is_empty() {
        return Err(names_nothing(p, "class"));
    }
    build_glob(p, GlobBuilder::new(p).case_insensitive(true)).map(|_| ())
}

fn deserialize_class_globs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Glob(String);
    impl<'de> Deserialize<'de> for Glob {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(CheckedString {
                expecting: "a class-name glob string such as \"Payment*\"",
                check: check_class_glob,
            })
            .map(Glob)
        }
    }
    Ok(Vec::<Glob>::deserialize(d)?
        .into_iter()
        .map(|g| g.0)
        .collect())
}

fn deserialize_branch_glob<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(CheckedString {
        expecting: "a branch name or glob string (quote `*`)",
        check: |p| {
            check_glob_len(p)?;
            if p.trim().is_empty() {
                return Err(names_nothing(p, "branch"));
            }
            build_glob(p, GlobBuilder::new(p).literal_separator(true)).map(|_| ())
        },
    })
}

fn deserialize_checked_list<'de, D: Deserializer<'de>>(
    d: D,
    expecting: &'static str,
    check: fn(&str) -> Result<(), Invalid>,
) -> Result<Vec<String>, D::Error> {
    struct Items {
        expecting: &'static str,
        check: fn(&str) -> Result<(), Invalid>,
    }
    impl<'de> de::Visitor<'de> for Items {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of strings")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(CheckedSeed(CheckedString {
                expecting: self.expecting,
                check: self.check,
            }))? {
                out.push(v);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Items { expecting, check })
}

struct CheckedSeed(CheckedString);

impl<'de> de::DeserializeSeed<'de> for CheckedSeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self.0)
    }
}

fn deserialize_windows<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    deserialize_checked_list(
        d,
        "a window string such as \"Fri 18:00-22:00 America/New_York\"",
        |s| {
            crate::gate::window::Window::parse(s)
                .map(|_| ())
                .map_err(Invalid::Window)
        },
    )
}

fn deserialize_freezes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    deserialize_checked_list(
        d,
        "a freeze string such as \"2024-12-20..2025-01-02\"",
        |s| {
            crate::gate::window::Freeze::parse(s)
                .map(|_| ())
                .map_err(Invalid::Freeze)
        },
    )
}

/// The `deps` section: who owns which files, and which edges between teams are fine.
///
/// ```yaml
/// deps:
///   teams:
///     sales:
///       paths: ["sales/**", "shared/sales-*/**"]
///       owners: ["@acme/sales", "jane@example.com"]
///     billing:
///       paths: [billing]
///   allow:
///     - { from: "*", to: shared }
///   deny:
///     - { from: sales, to: billing }
/// ```
///
/// The public fields are a read-only view of what was loaded: [`DepsConfig::team_of_path`],
/// [`DepsConfig::is_allowed`] and [`DepsConfig::is_denied`] use matchers compiled once when the
/// configuration is loaded or built with [`DepsConfig::new`], so changing a field afterwards
/// does not change them. `teams` is keyed by name and therefore sorted; the file order, which
/// decides attribution, is [`DepsConfig::teams_in_order`].
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "RawDeps", into = "RawDeps")]
pub struct DepsConfig {
    /// The configured teams by name (`deps.teams`).
    pub teams: BTreeMap<String, TeamConfig>,
    /// Edges between teams that are fine (`deps.allow`).
    pub allow: Vec<EdgeRule>,
    /// Edges between teams that are forbidden (`deps.deny`); deny wins over allow.
    pub deny: Vec<EdgeRule>,
    /// `deps.teams` in file order.
    ordered: Vec<(String, TeamConfig)>,
    /// Compiled once; see [`DepsMatchers`].
    matchers: DepsMatchers,
}

/// One team: `deps.teams.<name>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping such as `{ paths: [\"sales/**\"], owners: [\"@acme/sales\"] }`"
)]
pub struct TeamConfig {
    /// Repository-relative path globs of the team's files (same rules as `lint.exclude`).
    /// May be empty: the team then only names the owners of a team found another way (a
    /// package directory or a top-level folder of the same name).
    #[serde(default, deserialize_with = "deserialize_globs")]
    pub paths: Vec<String>,
    /// The team's owners on the forge: `@user`, `@org/team`, `@group/subgroup` or an email.
    #[serde(default, deserialize_with = "deserialize_owners")]
    pub owners: Vec<String>,
}

/// One `deps.allow` or `deps.deny` entry: globs on the team names at both ends of an edge.
///
/// `*` matches any team name (including names from package directories that contain `/`);
/// `{sales,billing}`, `?` and `[abc]` work as in globset. Matching is case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping such as `{ from: \"*\", to: shared }`"
)]
pub struct EdgeRule {
    /// Glob on the name of the team whose component holds the reference.
    #[serde(deserialize_with = "deserialize_team_pattern")]
    pub from: String,
    /// Glob on the name of the team whose component is referenced.
    #[serde(deserialize_with = "deserialize_team_pattern")]
    pub to: String,
}

impl EdgeRule {
    /// A rule from two team-name globs (validated when a [`DepsConfig`] is built).
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        EdgeRule {
            from: from.into(),
            to: to.into(),
        }
    }
}

/// The compiled form of `deps`.
#[derive(Clone, Default)]
struct DepsMatchers {
    /// Every team's path globs, added team by team in file order.
    paths: GlobSet,
    /// For each glob in `paths`, the index of its team in `DepsConfig::ordered`.
    path_team: Vec<usize>,
    allow: RuleMatchers,
    deny: RuleMatchers,
}

/// The `from` and `to` globs of a list of rules; glob `i` of each set belongs to rule `i`.
#[derive(Clone, Default)]
struct RuleMatchers {
    from: GlobSet,
    to: GlobSet,
}

impl RuleMatchers {
    fn compile(rules: &[EdgeRule], list: &str) -> Result<Self, ConfigError> {
        let mut from = GlobSetBuilder::new();
        let mut to = GlobSetBuilder::new();
        for (i, rule) in rules.iter().enumerate() {
            for (end, pattern, builder) in
                [("from", &rule.from, &mut from), ("to", &rule.to, &mut to)]
            {
                let glob = compile_team_pattern(pattern)
                    .map_err(|m| keyed_error(format!("deps.{list}[{i}].{end}"), m))?;
                builder.add(glob);
            }
        }
        let build = |b: GlobSetBuilder| {
            b.build()
                .map_err(|e| keyed_error(format!("deps.{list}"), e.to_string()))
        };
        Ok(RuleMatchers {
            from: build(from)?,
            to: build(to)?,
        })
    }

    /// Whether some rule matches both ends.
    fn any_match(&self, from: &str, to: &str) -> bool {
        if self.from.is_empty() {
            return false;
        }
        let froms = self.from.matches(from);
        if froms.is_empty() {
            return false;
        }
        let tos = self.to.matches(to);
        // Both lists are sorted rule indexes: look for a common one.
        let (mut i, mut j) = (0, 0);
        while i < froms.len() && j < tos.len() {
            match froms[i].cmp(&tos[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

impl fmt::Debug for DepsMatchers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<compiled>")
    }
}

impl fmt::Debug for DepsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DepsConfig")
            .field("teams", &self.ordered)
            .field("allow", &self.allow)
            .field("deny", &self.deny)
            .finish_non_exhaustive()
    }
}

/// Equal when the teams (in file order), allow and deny rules are equal.
impl PartialEq for DepsConfig {
    fn eq(&self, other: &Self) -> bool {
        self.ordered == other.ordered && self.allow == other.allow && self.deny == other.deny
    }
}

impl Eq for DepsConfig {}

impl DepsConfig {
    /// Builds the section from teams in attribution order and the two rule lists, checking
    /// everything the loader checks (team names, duplicates, globs, owners). Errors name the
    /// key path (`deps.teams.sales.paths[1]`) but have no line.
    pub fn new(
        teams: Vec<(String, TeamConfig)>,
        allow: Vec<EdgeRule>,
        deny: Vec<EdgeRule>,
    ) -> Result<Self, ConfigError> {
        let mut builder = GlobSetBuilder::new();
        let mut path_team = Vec::new();
        let mut map = BTreeMap::new();
        for (t, (name, team)) in teams.iter().enumerate() {
            check_team_name(name).map_err(|m| keyed_error("deps.teams".to_string(), m))?;
            if map.insert(name.clone(), team.clone()).is_some() {
                return Err(keyed_error(
                    format!("deps.teams.{name}"),
                    Invalid::DuplicateTeam(name.clone()),
                ));
            }
            for (i, pattern) in team.paths.iter().enumerate() {
                let globs = compile_exclude(pattern)
                    .map_err(|m| keyed_error(format!("deps.teams.{name}.paths[{i}]"), m))?;
                for glob in globs {
                    builder.add(glob);
                    path_team.push(t);
                }
            }
            for (i, owner) in team.owners.iter().enumerate() {
                check_owner(owner)
                    .map_err(|m| keyed_error(format!("deps.teams.{name}.owners[{i}]"), m))?;
            }
        }
        let paths = builder
            .build()
            .map_err(|e| keyed_error("deps.teams".to_string(), e.to_string()))?;
        let matchers = DepsMatchers {
            paths,
            path_team,
            allow: RuleMatchers::compile(&allow, "allow")?,
            deny: RuleMatchers::compile(&deny, "deny")?,
        };
        Ok(DepsConfig {
            teams: map,
            allow,
            deny,
            ordered: teams,
            matchers,
        })
    }

    /// `deps.teams` in file order — the order in which [`DepsConfig::team_of_path`] tries them.
    pub fn teams_in_order(&self) -> &[(String, TeamConfig)] {
        &self.ordered
    }

    /// The team whose `paths` match the repository-relative path `rel` (`/` separators; a
    /// leading `./` or `/` and `\` separators are tolerated). The first team in file order with
    /// a matching glob wins. `None` when no configured team claims the path — the caller then
    /// falls back to the package directory or the first path segment.
    pub fn team_of_path(&self, rel: &str) -> Option<&str> {
        if self.matchers.path_team.is_empty() {
            return None;
        }
        let rel = normalize_rel(rel);
        let hits = self.matchers.paths.matches(rel.as_ref());
        // Globs were added team by team, so the lowest glob index belongs to the first team.
        let first = *hits.first()?;
        Some(self.ordered[self.matchers.path_team[first]].0.as_str())
    }

    /// Whether a `deps.deny` rule matches the edge `from` → `to` (team names).
    pub fn is_denied(&self, from: &str, to: &str) -> bool {
        self.matchers.deny.any_match(from, to)
    }

    /// Whether a `deps.allow` rule matches the edge `from` → `to` and no `deps.deny` rule does
    /// (deny wins). Edges within one team are not special here: callers decide what counts as
    /// cross-team.
    pub fn is_allowed(&self, from: &str, to: &str) -> bool {
        self.matchers.allow.any_match(from, to) && !self.is_denied(from, to)
    }
}

fn keyed_error(key: String, message: impl fmt::Display) -> ConfigError {
    ConfigError {
        origin: String::new(),
        line: None,
        column: None,
        message: format!("`{key}`: {message}"),
        key: Some(key),
    }
}

/// `rel` without a leading `./` or `/`, with `/` separators.
fn normalize_rel(rel: &str) -> std::borrow::Cow<'_, str> {
    let mut p = rel;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/');
    if p.contains('\\') {
        std::borrow::Cow::Owned(p.replace('\\', "/"))
    } else {
        std::borrow::Cow::Borrowed(p)
    }
}

/// Team names in `.sfci.yml`: non-empty, `[A-Za-z0-9_.-]+`.
fn check_team_name(name: &str) -> Result<(), Invalid> {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        Ok(())
    } else {
        Err(Invalid::TeamName(name.to_string()))
    }
}

/// Forge owners: `@user`, `@org/team`, `@group/subgroup`, `@@role` (GitLab) or `name@domain`.
fn check_owner(owner: &str) -> Result<(), Invalid> {
    let no_space = !owner.is_empty() && !owner.chars().any(char::is_whitespace);
    let handle = owner.len() > 1 && owner.starts_with('@');
    let email = matches!(owner.split_once('@'), Some((user, domain))
        if !user.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if no_space && (handle || email) {
        Ok(())
    } else {
        Err(Invalid::Owner(owner.to_string()))
    }
}

/// One `from`/`to` pattern of a rule: a glob on team names, where `*` matches any name.
fn compile_team_pattern(pattern: &str) -> Result<globset::Glob, Invalid> {
    check_glob_len(pattern)?;
    if pattern.trim().is_empty() {
        return Err(names_nothing(pattern, "team (use `*` for every team)"));
    }
    build_glob(pattern, GlobBuilder::new(pattern).literal_separator(false))
}

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
    pub(crate) fn plain(origin: &str, message: impl Into<String>) -> Self {
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
        Ok(yaml::load_strict::<Config>(text, origin)?.unwrap_or_default())
    }

    /// Reads and parses one configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Self::load_with_origin(path, &path.display().to_string())
    }

    fn load_with_origin(path: &Path, origin: &str) -> Result<Config, ConfigError> {
        Ok(yaml::load_strict_file::<Config>(path, origin)?.unwrap_or_default())
    }

    /// Loads `<root>/.sfci.yml` (or `<root>/.sfci.yaml`). A missing file is the default
    /// configuration; having both files is an error.
    pub fn discover(root: &Path) -> Result<Config, ConfigError> {
        match Self::find(root)? {
            Some(path) => {
                let origin = display_origin(root, &path);
                // A FIFO would block the read forever; only a regular file is a configuration.
                if std::fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
                    return Err(ConfigError::plain(&origin, "not a regular file"));
                }
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
            // A dangling or looping symbolic link is there too (and fails to load, saying why).
            .filter(|p| p.symlink_metadata().is_ok())
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
fn compile_exclude(pattern: &str) -> Result<Vec<globset::Glob>, Invalid> {
    check_glob_len(pattern)?;
    let mut p = pattern.trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/').trim_end_matches('/');
    if !p
        .chars()
        .any(|c| c != '/' && c != '.' && !c.is_whitespace())
    {
        return Err(names_nothing(
            pattern,
            "file (use `**` to exclude everything)",
        ));
    }
    let build = |g: &str| build_glob(pattern, GlobBuilder::new(g).literal_separator(true));
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
                let rule = map.next_value_seed(PresentRule)?;
                rules.insert(id.to_string(), rule);
            }
            Ok(rules)
        }
    }
    deserializer.deserialize_any(Rules)
}

/// A rule's value must be a mapping.
struct PresentRule;

impl<'de> de::DeserializeSeed<'de> for PresentRule {
    type Value = RuleConfig;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RuleConfig, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for PresentRule {
    type Value = RuleConfig;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping such as `{ severity: warning }`")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RuleConfig, A::Error> {
        RuleConfig::deserialize(de::value::MapAccessDeserializer::new(map))
    }
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

/// `deps` as written; checked again and compiled into a [`DepsConfig`].
#[derive(Default, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with the keys `teams`, `allow`, `deny`"
)]
struct RawDeps {
    #[serde(
        default,
        deserialize_with = "deserialize_teams",
        serialize_with = "serialize_teams"
    )]
    teams: Vec<(String, TeamConfig)>,
    #[serde(default, deserialize_with = "null_as_default")]
    allow: Vec<EdgeRule>,
    #[serde(default, deserialize_with = "null_as_default")]
    deny: Vec<EdgeRule>,
}

impl TryFrom<RawDeps> for DepsConfig {
    type Error = String;
    fn try_from(raw: RawDeps) -> Result<Self, String> {
        DepsConfig::new(raw.teams, raw.allow, raw.deny).map_err(|e| e.message)
    }
}

impl From<DepsConfig> for RawDeps {
    fn from(deps: DepsConfig) -> Self {
        RawDeps {
            teams: deps.ordered,
            allow: deps.allow,
            deny: deps.deny,
        }
    }
}

fn serialize_teams<S: serde::Serializer>(
    teams: &[(String, TeamConfig)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(teams.iter().map(|(name, team)| (name, team)))
}

/// `deps.teams` in file order. Names are checked as keys, so a bad or repeated name is reported
/// at the name itself.
fn deserialize_teams<'de, D>(deserializer: D) -> Result<Vec<(String, TeamConfig)>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Teams;
    impl<'de> de::Visitor<'de> for Teams {
        type Value = Vec<(String, TeamConfig)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping from team name to `{ paths, owners }`")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut teams: Vec<(String, TeamConfig)> = Vec::new();
            while let Some(name) = map.next_key_seed(TeamName(&teams))? {
                let team = map.next_value_seed(PresentTeam)?;
                teams.push((name, team));
            }
            Ok(teams)
        }
    }
    deserializer.deserialize_any(Teams)
}

/// A team name key, checked against the names already read.
struct TeamName<'a>(&'a [(String, TeamConfig)]);

impl<'de> de::DeserializeSeed<'de> for TeamName<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl de::Visitor<'_> for TeamName<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a team name (quote names that YAML reads as numbers or booleans)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        check_team_name(v).map_err(E::custom)?;
        if self.0.iter().any(|(name, _)| name == v) {
            return Err(E::custom(Invalid::DuplicateTeam(v.to_string())));
        }
        Ok(v.to_string())
    }
}

/// A team's value must be a mapping: `sales:` alone (null) is an error, as in the JSON Schema.
struct PresentTeam;

impl<'de> de::DeserializeSeed<'de> for PresentTeam {
    type Value = TeamConfig;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TeamConfig, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for PresentTeam {
    type Value = TeamConfig;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping such as `{ paths: [\"sales/**\"], owners: [\"@acme/sales\"] }`")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<TeamConfig, A::Error> {
        TeamConfig::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// A string that passes `check`; anything else (a number, a list) is a type error.
struct CheckedString {
    expecting: &'static str,
    check: fn(&str) -> Result<(), Invalid>,
}

impl de::Visitor<'_> for CheckedString {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        (self.check)(v).map_err(E::custom)?;
        Ok(v.to_string())
    }
}

struct Owner(String);

impl<'de> Deserialize<'de> for Owner {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(CheckedString {
                expecting: "an owner string such as \"@acme/sales\" or \"jane@example.com\"",
                check: check_owner,
            })
            .map(Owner)
    }
}

fn deserialize_owners<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<Vec<Owner>>::deserialize(deserializer)?
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.0)
        .collect())
}

fn deserialize_team_pattern<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(CheckedString {
        expecting: "a team name or glob string (quote `*`)",
        check: |p| compile_team_pattern(p).map(|_| ()),
    })
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
  baseline: .sfci-baseline.json
deps:
  teams:
    sales:
      paths: [\"sales/**\", \"shared/sales-*/**\"]
      owners: [\"@acme/sales\", \"jane@example.com\"]
    billing:
      paths:
        - billing
      owners: [\"@acme/billing\"]
    platform:
      owners: [\"@@maintainer\", \"@acme/platform/core\"]
    shared.core-2: {}
  allow:
    - { from: \"*\", to: shared }
    - from: \"{sales,billing}\"
      to: \"shared.*\"
  deny:
    - { from: sales, to: billing }
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
        assert_eq!(c.lint.baseline.as_deref(), Some(".sfci-baseline.json"));
        assert_eq!(c.lint.rules.len(), 5);
        assert_eq!(c.lint.exclude.len(), 3);

        let names: Vec<&str> = c
            .deps
            .teams_in_order()
            .iter()
            .map(|t| t.0.as_str())
            .collect();
        assert_eq!(names, ["sales", "billing", "platform", "shared.core-2"]);
        assert_eq!(
            c.deps.teams["sales"],
            TeamConfig {
                paths: vec!["sales/**".into(), "shared/sales-*/**".into()],
                owners: vec!["@acme/sales".into(), "jane@example.com".into()],
            }
        );
        assert_eq!(c.deps.teams["billing"].paths, ["billing"]);
        assert!(c.deps.teams["platform"].paths.is_empty());
        assert_eq!(c.deps.teams["shared.core-2"], TeamConfig::default());
        assert_eq!(
            c.deps.allow,
            [
                EdgeRule::new("*", "shared"),
                EdgeRule::new("{sales,billing}", "shared.*")
            ]
        );
        assert_eq!(c.deps.deny, [EdgeRule::new("sales", "billing")]);
        assert_eq!(
            c.deps.team_of_path("billing/classes/A.cls"),
            Some("billing")
        );
        assert!(c.deps.is_allowed("billing", "shared.core-2"));
        assert!(!c.deps.is_allowed("platform", "shared.core-2"));
    }

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
    fn keys_in_sections_without_keys_are_errors() {
        let e = err("lint: {}\ngate:\n  enabled: true\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:3: unknown key `gate.enabled`; valid keys here: `coverage`, `window`, \
             `promotion`"
        );
        for section in ["owners", "smoke"] {
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
    fn wrong_value_types() {
        let e = err("lint:\n  exclude: force-app/legacy\n");
        assert_eq!((e.line, e.column), (Some(2), Some(12)));
        assert!(
            e.to_string()
                .starts_with(".sfci.yml:2:12: `lint.exclude`: invalid type: expected a list"),
            "{e}"
        );

        let e = err("lint:\n  exclude:\n    - ok/**\n    - 42\n");
        assert_eq!((e.line, e.column), (Some(4), Some(7)));
        assert_eq!(e.key.as_deref(), Some("lint.exclude[1]"));
        assert!(e.message.contains("invalid type"), "{e}");

        let e = err("lint:\n  rules:\n    parse-error:\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:5: `lint.rules.parse-error`: invalid type: null, expected a mapping \
             such as `{ severity: warning }`"
        );

        let e = err("lint: [a, b]\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:1:7: `lint`: invalid type: expected a mapping"
        );

        let e = err("deps: [x]\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:1:7: `deps`: invalid type: expected a mapping"
        );
    }

    #[test]
    fn a_list_instead_of_a_mapping() {
        let e = err("- lint\n- deps\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:1:1: the top level: invalid type: expected a mapping"
        );
        let e = err("just a string\n");
        assert!(e.message.contains("invalid type"), "{e}");
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
        assert_eq!(e.line, Some(5), "points at the second key");
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
        assert!(e.message.starts_with("invalid YAML"), "{e}");
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
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.column.is_some_and(|c| c <= 10 + MAX_DEPTH), "{e}");
        // Block nesting is bounded the same way.
        let deep: String = (0..200).map(|d| format!("{}k:\n", " ".repeat(d))).collect();
        let e = load_strict::<serde_json::Value>(&deep, ".sfci.yml").unwrap_err();
        assert!(e.message.contains("more than 64 levels deep"), "{e}");
        assert_eq!(e.line, Some(MAX_DEPTH + 1), "{e}");
    }

    #[test]
    fn brackets_in_scalars_are_not_nesting() {
        // The old lexical pre-scan refused these (fuzz/regressions/config).
        let v: serde_json::Value = load_strict(
            &format!(
                "a:\n  - |-\n    src/{}\n  - '{}'\n",
                "{".repeat(100),
                "[".repeat(100)
            ),
            ".sfci.yml",
        )
        .unwrap()
        .unwrap();
        assert_eq!(v["a"][0].as_str().unwrap().len(), 104);
        let c = ok(&format!(
            "# {}\nlint:\n  exclude: [\"a{}\", \"src/[ab].cls\"]\n",
            "[".repeat(100),
            "[[]".repeat(100)
        ));
        assert_eq!(c.lint.exclude.len(), 2);
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
        assert!(e.message.starts_with("invalid YAML"), "{e}");

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
                "{}:2:3: unknown key `lint.bogus`; valid keys here: `rules`, `exclude`, `baseline`",
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

    // --- deps ----------------------------------------------------------------------------

    #[test]
    fn keys_in_deps_are_checked() {
        let e = err("lint: {}\ndeps:\n  enabled: true\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:3: unknown key `deps.enabled`; valid keys here: `teams`, `allow`, `deny`"
        );
        for text in [
            "deps: {}\n",
            "deps:\n",
            "deps:\n  teams:\n  allow:\n  deny: []\n",
        ] {
            assert_eq!(ok(text), Config::default(), "{text:?}");
        }
    }

    #[test]
    fn team_attribution_is_first_match_in_file_order() {
        // `shared-sales` comes first in the file, so it wins over `sales` for its folder even
        // though `sales/**` matches too; `zeta` is before `alpha` in the file (not by name).
        let c = ok("\
deps:
  teams:
    shared-sales:
      paths: [\"sales/shared/**\"]
    zeta:
      paths: [\"**/*.flow-meta.xml\"]
    sales:
      paths:
        - \"sales/**\"
        - \"shared/sales-*/**\"
    alpha:
      paths: [\"**/*.flow-meta.xml\", \"alpha\"]
    owners-only:
      owners: [\"@acme/owners-only\"]
");
        let d = &c.deps;
        let names: Vec<&str> = d.teams_in_order().iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            names,
            ["shared-sales", "zeta", "sales", "alpha", "owners-only"]
        );
        let keys: Vec<&str> = d.teams.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["alpha", "owners-only", "sales", "shared-sales", "zeta"]
        );

        assert_eq!(
            d.team_of_path("sales/shared/classes/A.cls"),
            Some("shared-sales")
        );
        assert_eq!(d.team_of_path("sales/classes/A.cls"), Some("sales"));
        assert_eq!(d.team_of_path("sales/flows/X.flow-meta.xml"), Some("zeta"));
        assert_eq!(d.team_of_path("alpha/flows/X.flow-meta.xml"), Some("zeta"));
        assert_eq!(d.team_of_path("alpha/classes/A.cls"), Some("alpha"));
        assert_eq!(
            d.team_of_path("shared/sales-eu/classes/A.cls"),
            Some("sales")
        );
        // `*` does not cross `/`.
        assert_eq!(
            d.team_of_path("shared/sales-eu/x/classes/A.cls"),
            Some("sales")
        );
        assert_eq!(d.team_of_path("shared/x/sales-eu/A.cls"), None);
        // A pattern matching a folder covers everything in it; near names do not match.
        assert_eq!(d.team_of_path("alpha"), Some("alpha"));
        assert_eq!(d.team_of_path("alphabet/A.cls"), None);
        assert_eq!(d.team_of_path("billing/classes/A.cls"), None);
        assert_eq!(d.team_of_path(""), None);
        // Leading `./` or `/` and `\\` separators are tolerated.
        assert_eq!(d.team_of_path("./sales/classes/A.cls"), Some("sales"));
        assert_eq!(d.team_of_path("/sales/classes/A.cls"), Some("sales"));
        assert_eq!(d.team_of_path("sales\\classes\\A.cls"), Some("sales"));
        // A team without paths claims nothing but is known by name.
        assert_eq!(d.teams["owners-only"].owners, ["@acme/owners-only"]);

        assert_eq!(DepsConfig::default().team_of_path("sales/A.cls"), None);
    }

    #[test]
    fn deny_wins_over_allow() {
        let c = ok("\
deps:
  allow:
    - { from: \"*\", to: shared }
    - { from: sales, to: \"*\" }
    - { from: \"{billing,service}\", to: \"sales-*\" }
  deny:
    - { from: sales, to: billing }
    - { from: \"*\", to: legacy }
");
        let d = &c.deps;
        assert!(d.is_allowed("billing", "shared"));
        assert!(d.is_allowed("sales", "service"));
        assert!(!d.is_denied("sales", "service"));
        // Allowed by `sales -> *` but denied by `sales -> billing`.
        assert!(d.is_denied("sales", "billing"));
        assert!(!d.is_allowed("sales", "billing"));
        // Denied for everyone, even where an allow rule matches.
        assert!(d.is_denied("sales", "legacy"));
        assert!(!d.is_allowed("sales", "legacy"));
        assert!(d.is_denied("shared", "legacy"));
        // Rules are directed and need both ends to match the same rule.
        assert!(!d.is_denied("billing", "sales"));
        assert!(!d.is_allowed("billing", "service"));
        assert!(!d.is_allowed("service", "billing"));
        assert!(d.is_allowed("service", "sales-eu"));
        assert!(!d.is_allowed("service", "sales"));
        // Matching is case-sensitive; `*` also matches names with `/` (package directories).
        assert!(!d.is_allowed("billing", "Shared"));
        assert!(d.is_allowed("packages/billing", "shared"));

        let none = DepsConfig::default();
        assert!(!none.is_allowed("a", "b"));
        assert!(!none.is_denied("a", "b"));
    }

    #[test]
    fn bad_globs_in_deps_name_key_path_and_line() {
        let text = "deps:\n  teams:\n    sales:\n      paths:\n        - \"sales/**\"\n        - \"sales/[abc\"\n";
        let e = err(text);
        assert_eq!((e.line, e.column), (Some(6), Some(11)));
        assert_eq!(e.key.as_deref(), Some("deps.teams.sales.paths[1]"));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:6:11: `deps.teams.sales.paths[1]`: invalid glob `sales/[abc`: unclosed \
             character class; missing ']'"
        );

        let e = err("deps:\n  teams:\n    sales: {paths: [\"./\"]}\n");
        assert_eq!(e.key.as_deref(), Some("deps.teams.sales.paths[0]"));
        assert!(e.message.contains("names no file"), "{e}");

        let text = "deps:\n  allow:\n    - { from: \"*\", to: shared }\n  deny:\n    - from: sales\n      to: \"{billing\"\n";
        let e = err(text);
        assert_eq!((e.line, e.column), (Some(6), Some(11)));
        assert_eq!(e.key.as_deref(), Some("deps.deny[0].to"));
        assert!(
            e.to_string().starts_with(
                ".sfci.yml:6:11: `deps.deny[0].to`: invalid glob `{billing`: unclosed alternate group"
            ),
            "{e}"
        );

        let e = err("deps:\n  allow:\n    - { from: a, to: b }\n    - { from: \"\", to: b }\n");
        assert_eq!((e.line, e.column), (Some(4), Some(15)));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:4:15: `deps.allow[1].from`: invalid glob ``: the pattern names no team \
             (use `*` for every team)"
        );
    }

    #[test]
    fn unknown_key_inside_a_team() {
        let text =
            "deps:\n  teams:\n    sales:\n      paths: [sales]\n      owner: [\"@acme/sales\"]\n";
        let e = err(text);
        assert_eq!((e.line, e.column), (Some(5), Some(7)));
        assert_eq!(e.key.as_deref(), Some("deps.teams.sales.owner"));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:5:7: unknown key `deps.teams.sales.owner`; valid keys here: `paths`, \
             `owners`"
        );
        // Team names may contain `.`; the path keeps the whole name.
        let e = err("deps:\n  teams:\n    sales.eu: {pathz: []}\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:16: unknown key `deps.teams.sales.eu.pathz`; valid keys here: `paths`, \
             `owners`"
        );
    }

    #[test]
    fn unknown_key_inside_an_allow_rule() {
        let text = "deps:\n  allow:\n    - { from: \"*\", to: shared }\n    - from: sales\n      to: billing\n      reason: legacy\n";
        let e = err(text);
        assert_eq!((e.line, e.column), (Some(6), Some(7)));
        assert_eq!(e.key.as_deref(), Some("deps.allow[1].reason"));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:6:7: unknown key `deps.allow[1].reason`; valid keys here: `from`, `to`"
        );
        let e = err("deps:\n  deny:\n    - { from: a, tto: b }\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:18: unknown key `deps.deny[0].tto`; valid keys here: `from`, `to`"
        );
    }

    #[test]
    fn rules_need_from_and_to() {
        let e = err("deps:\n  allow:\n    - { from: a }\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:9: `deps.allow[0]`: missing key `to` (a rule needs both `from` and `to`)"
        );
        let e = err("deps:\n  deny:\n    - to: a\n");
        assert_eq!(e.key.as_deref(), Some("deps.deny[0]"));
        assert!(e.message.contains("missing key `from`"), "{e}");
        let e = err("deps:\n  allow: [shared]\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:2:11: `deps.allow[0]`: invalid type: expected a mapping"
        );
        let e = err("deps:\n  allow:\n    - { from: a, to: [b] }\n");
        assert_eq!(e.key.as_deref(), Some("deps.allow[0].to"));
        assert!(e.message.contains("invalid type"), "{e}");
    }

    #[test]
    fn owners_must_be_strings() {
        let e = err("deps:\n  teams:\n    sales:\n      owners: [\"@acme/sales\", 42]\n");
        assert_eq!((e.line, e.column), (Some(4), Some(31)));
        assert_eq!(e.key.as_deref(), Some("deps.teams.sales.owners[1]"));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:4:31: `deps.teams.sales.owners[1]`: invalid type: integer `42`, expected \
             an owner string such as \"@acme/sales\" or \"jane@example.com\""
        );
        for (value, found) in [
            ("true", "boolean `true`"),
            ("{team: sales}", "map"),
            ("[\"@a\"]", "sequence"),
            ("~", "null"),
        ] {
            let e = err(&format!(
                "deps:\n  teams:\n    sales:\n      owners: [{value}]\n"
            ));
            assert_eq!(
                e.key.as_deref(),
                Some("deps.teams.sales.owners[0]"),
                "{value}"
            );
            assert!(e.message.contains("invalid type"), "{value} ({found}): {e}");
        }
        // A single string is not a list.
        let e = err("deps:\n  teams:\n    sales:\n      owners: \"@acme/sales\"\n");
        assert_eq!(e.key.as_deref(), Some("deps.teams.sales.owners"));
        assert!(e.message.contains("expected a list"), "{e}");
        // Strings that cannot be owners.
        for owner in ["acme-sales", "", "@", "@acme sales", "a@b@c", "jane@"] {
            let e = err(&format!(
                "deps:\n  teams:\n    sales:\n      owners: [\"{owner}\"]\n"
            ));
            assert_eq!(
                e.to_string(),
                format!(
                    ".sfci.yml:4:16: `deps.teams.sales.owners[0]`: invalid owner `{owner}`: an \
                     owner is `@user`, `@org/team` or an email address"
                )
            );
        }
        let c = ok("deps:\n  teams:\n    s:\n      owners: [\"@u\", \"@org/team\", \"@g/sub/x\", \"@@developer\", \"a.b@c.d\"]\n");
        assert_eq!(c.deps.teams["s"].owners.len(), 5);
    }

    #[test]
    fn team_names_are_checked_at_the_name() {
        let e = err("deps:\n  teams:\n    sales: {}\n    \"sales team\": {}\n");
        assert_eq!((e.line, e.column), (Some(4), Some(5)));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:4:5: `deps.teams.sales team`: invalid team name `sales team`: use letters, \
             digits, `_`, `.` and `-`"
        );
        for name in ["\"\"", "\"sales/eu\"", "\"*\"", "vente-é"] {
            let e = err(&format!("deps:\n  teams:\n    {name}: {{}}\n"));
            assert!(e.message.contains("invalid team name"), "{name}: {e}");
        }
        let e = err("deps:\n  teams:\n    2024: {}\n");
        assert_eq!(e.key.as_deref(), Some("deps.teams.2024"));
        assert!(e.message.contains("quote names"), "{e}");
        assert_eq!(
            ok("deps:\n  teams:\n    \"2024\": {}\n")
                .deps
                .teams_in_order()[0]
                .0,
            "2024"
        );

        let e = err(
            "deps:\n  teams:\n    sales.eu: {}\n    billing: {}\n    sales.eu:\n      paths: [x]\n",
        );
        assert_eq!((e.line, e.column), (Some(5), Some(5)));
        assert_eq!(
            e.to_string(),
            ".sfci.yml:5:5: duplicate key `deps.teams.sales.eu`; keep only one"
        );

        let e = err("deps:\n  teams:\n    sales:\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:3:5: `deps.teams.sales`: invalid type: null, expected a mapping such as \
             `{ paths: [\"sales/**\"], owners: [\"@acme/sales\"] }`"
        );
    }

    #[test]
    fn deps_config_new_checks_like_the_loader() {
        let team = |paths: &[&str], owners: &[&str]| TeamConfig {
            paths: paths.iter().map(|s| s.to_string()).collect(),
            owners: owners.iter().map(|s| s.to_string()).collect(),
        };
        let d = DepsConfig::new(
            vec![
                ("b".into(), team(&["x/y/**"], &["@b"])),
                ("a".into(), team(&["x/**"], &[])),
            ],
            vec![EdgeRule::new("*", "shared")],
            vec![EdgeRule::new("a", "b")],
        )
        .unwrap();
        assert_eq!(d.team_of_path("x/y/z.cls"), Some("b"));
        assert_eq!(d.team_of_path("x/z.cls"), Some("a"));
        assert!(d.is_denied("a", "b") && d.is_allowed("b", "shared"));

        let bad = |teams: Vec<(String, TeamConfig)>, allow: Vec<EdgeRule>| {
            DepsConfig::new(teams, allow, vec![]).unwrap_err()
        };
        let e = bad(vec![("s".into(), team(&["ok", "a/{b"], &[]))], vec![]);
        assert_eq!(e.key.as_deref(), Some("deps.teams.s.paths[1]"));
        assert!(
            e.to_string()
                .starts_with("`deps.teams.s.paths[1]`: invalid glob `a/{b`"),
            "{e}"
        );
        let e = bad(vec![("s".into(), team(&[], &["nobody"]))], vec![]);
        assert_eq!(e.key.as_deref(), Some("deps.teams.s.owners[0]"));
        let e = bad(vec![("a b".into(), TeamConfig::default())], vec![]);
        assert!(e.message.contains("invalid team name `a b`"), "{e}");
        let e = bad(
            vec![
                ("s".into(), TeamConfig::default()),
                ("s".into(), TeamConfig::default()),
            ],
            vec![],
        );
        assert_eq!(e.key.as_deref(), Some("deps.teams.s"));
        let e = bad(
            vec![],
            vec![EdgeRule::new("a", "b"), EdgeRule::new("[", "b")],
        );
        assert_eq!(e.key.as_deref(), Some("deps.allow[1].from"));
    }

    #[test]
    fn deps_round_trip_keeps_file_order() {
        let c = ok(FULL_EXAMPLE);
        let yaml = serde_saphyr::to_string(&c).unwrap();
        let again = ok(&yaml);
        assert_eq!(again, c);
        assert_eq!(again.deps.teams_in_order(), c.deps.teams_in_order());
        assert!(
            yaml.find("sales:").unwrap() < yaml.find("billing:").unwrap(),
            "{yaml}"
        );
        // Debug shows the configuration, not the compiled automata.
        let debug = format!("{:?}", c.deps);
        assert!(
            debug.starts_with("DepsConfig { teams: [(\"sales\""),
            "{debug}"
        );
        assert!(debug.len() < 2_000, "{debug}");
    }

    // --- the JSON Schema -----------------------------------------------------------------

    const SCHEMA: &str = include_str!("../../schemas/sfci.schema.json");

    fn schema() -> serde_json::Value {
        serde_json::from_str(SCHEMA).expect("schema is JSON")
    }

    fn validator() -> jsonschema::Validator {
        jsonschema::draft202012::new(&schema()).expect("schema compiles")
    }

    fn yaml_to_json(text: &str) -> serde_json::Value {
        load_strict(text, "test.yml")
            .expect("YAML converts to JSON")
            .unwrap_or_default()
    }

    #[test]
    fn schema_accepts_the_full_example() {
        let instance = yaml_to_json(FULL_EXAMPLE);
        let v = validator();
        let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        for text in [
            "{}",
            "lint: {}",
            "lint:\n",
            "deps: null",
            "deps: {}",
            "deps:\n  teams:\n  allow:\n  deny:\n",
            "deps:\n  teams:\n    sales: {paths: null, owners: ~}\n",
            "deps:\n  teams:\n    A_b.c-1: {owners: [\"@@maintainer\", \"x@y.z\"]}\n",
            "deps:\n  allow: [{from: \"*\", to: \"*\"}]\n",
        ] {
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
            "lint:\n  baseline: \"\"\n",
            "lint:\n  baseline: [a.json]\n",
            "lint:\n  baseline: /etc/baseline.json\n",
            "lint:\n  baseline: ../outside.json\n",
            "lint:\n  rules:\n    parse-error: {severity: fatal}\n",
            "lint:\n  rules:\n    parse-error:\n",
            "lint:\n  exclude: a/**\n",
            "lint:\n  exclude: [1]\n",
            "lint:\n  exclude: [\"\"]\n",
            "lint:\n  exclude: [\"./\"]\n",
            "deps:\n  enabled: true\n",
            "deps: [x]\n",
            "deps:\n  teams: [sales]\n",
            "deps:\n  teams:\n    sales:\n",
            "deps:\n  teams:\n    sales: {pathz: []}\n",
            "deps:\n  teams:\n    sales: {paths: a/**}\n",
            "deps:\n  teams:\n    sales: {paths: [1]}\n",
            "deps:\n  teams:\n    sales: {paths: [\"\"]}\n",
            "deps:\n  teams:\n    sales: {paths: [\" \"]}\n",
            "deps:\n  teams:\n    sales: {paths: [\"./\"]}\n",
            "deps:\n  teams:\n    sales: {owners: [1]}\n",
            "deps:\n  teams:\n    sales: {owners: [true]}\n",
            "deps:\n  teams:\n    sales: {owners: [{team: a}]}\n",
            "deps:\n  teams:\n    sales: {owners: \"@acme/sales\"}\n",
            "deps:\n  teams:\n    sales: {owners: [\"acme-sales\"]}\n",
            "deps:\n  teams:\n    sales: {owners: [\"@acme sales\"]}\n",
            "deps:\n  teams:\n    sales: {owners: [\"@\"]}\n",
            "deps:\n  teams:\n    sales: {owners: [\"a@b@c\"]}\n",
            "deps:\n  teams:\n    sales: {owners: [\"\"]}\n",
            "deps:\n  teams:\n    \"sales team\": {}\n",
            "deps:\n  teams:\n    \"sales/eu\": {}\n",
            "deps:\n  teams:\n    \"\": {}\n",
            "deps:\n  allow: {from: a, to: b}\n",
            "deps:\n  allow: [shared]\n",
            "deps:\n  allow:\n    - { from: a }\n",
            "deps:\n  allow:\n    - { to: a }\n",
            "deps:\n  allow:\n    - { from: a, to: b, why: c }\n",
            "deps:\n  deny:\n    - { from: a, to: 1 }\n",
            "deps:\n  deny:\n    - { from: \"\", to: b }\n",
            "deps:\n  deny:\n    - { from: \"  \", to: b }\n",
            "deps:\n  deny:\n    -\n",
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
        let mut expected = crate::lint::rule_ids();
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

    const GATE_EXAMPLE: &str = "\
gate:
  coverage:
    min: 85
    tiers:
      - { name: critical, min: 100, classes: [\"Payment*\", \"Order*\"] }
      - name: standard
        min: 75.5
        classes: [\"*\"]
  window:
    allow: [\"Fri 18:00-22:00 America/New_York\", \"Sat 22:00-02:00\"]
    freeze: [\"2024-12-20..2025-01-02\", \"2025-03-01T18:00..2025-03-02T06:00 Europe/Paris\"]
  promotion:
    rules:
      - { from: \"release/*\", to: main }
      - { from: develop, to: \"release/*\" }
";

    #[test]
    fn gate_section_loads_and_agrees_with_the_schema() {
        let c = ok(GATE_EXAMPLE);
        assert_eq!(c.gate.coverage.min, Some(Percent(85.0)));
        assert_eq!(c.gate.coverage.tiers.len(), 2);
        assert_eq!(c.gate.coverage.tiers[1].min, Percent(75.5));
        assert_eq!(c.gate.window.allow.len(), 2);
        assert_eq!(c.gate.promotion.rules[1].from, "develop");
        let again = ok(&serde_saphyr::to_string(&c).unwrap());
        assert_eq!(again, c);
        let v = validator();
        assert!(v.is_valid(&yaml_to_json(GATE_EXAMPLE)));
        for text in [
            "gate:\n  coverage: {}\n",
            "gate:\n  window:\n  promotion: {rules: []}\n",
        ] {
            ok(text);
            assert!(v.is_valid(&yaml_to_json(text)), "{text}");
        }
        for text in [
            "gate:\n  coverage:\n    min: 101\n",
            "gate:\n  coverage:\n    min: \"85\"\n",
            "gate:\n  coverage:\n    tiers: [{name: x, min: 50}]\n",
            "gate:\n  coverage:\n    tiers: [{name: x, min: 50, classes: [\"*\"], why: y}]\n",
            "gate:\n  coverage:\n    tiers: [{name: \" \", min: 50, classes: [\"*\"]}]\n",
            "gate:\n  coverage:\n    tiers: [{name: x, min: -1, classes: [\"*\"]}]\n",
            "gate:\n  window:\n    allow: [\"Fri\"]\n",
            "gate:\n  window:\n    freeze: [\"soon\"]\n",
            "gate:\n  window:\n    allow: \"Fri 18:00-22:00\"\n",
            "gate:\n  promotion:\n    rules: [{from: a}]\n",
            "gate:\n  promotion:\n    rules: [{from: a, to: \" \"}]\n",
            "gate:\n  lock: {}\n",
        ] {
            assert!(
                Config::from_str(text, "t").is_err(),
                "loader accepts {text:?}"
            );
            assert!(!v.is_valid(&yaml_to_json(text)), "schema accepts {text:?}");
        }
    }

    #[test]
    fn gate_errors_name_key_and_line() {
        let e = err("gate:\n  window:\n    allow:\n      - \"Fri 18:00-22:00 America/New_York\"\n      - \"Fry 18:00-22:00\"\n");
        assert_eq!((e.line, e.column), (Some(5), Some(9)));
        assert_eq!(e.key.as_deref(), Some("gate.window.allow[1]"));
        assert!(e.to_string().starts_with(".sfci.yml:5:9: `gate.window.allow[1]`: invalid window `Fry 18:00-22:00`: unknown day `Fry`"), "{e}");
        let e = err("gate:\n  coverage:\n    tiers:\n      - {name: c, min: 150, classes: [x]}\n");
        assert_eq!(e.key.as_deref(), Some("gate.coverage.tiers[0].min"));
        assert!(e.message.contains("invalid percentage 150"), "{e}");
        let e = err("gate:\n  coverage:\n    tiers:\n      - {name: c, min: 50, clases: [x]}\n");
        assert_eq!(
            e.to_string(),
            ".sfci.yml:4:28: unknown key `gate.coverage.tiers[0].clases`; valid keys here: `name`, `min`, `classes`"
        );
        let e = err("gate:\n  freeze: []\n");
        assert!(
            e.to_string()
                .contains("valid keys here: `coverage`, `window`, `promotion`"),
            "{e}"
        );
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
            if let Some(props) = obj.get("patternProperties").and_then(|p| p.as_object()) {
                for (k, p) in props {
                    if p.get("description").is_none() {
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
