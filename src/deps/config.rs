//! The `deps` section of `.sfci.yml` and team matching: which team owns a path
//! ([`DepsConfig::team_of_path`]) and which edges between teams are fine
//! ([`DepsConfig::is_allowed`], [`DepsConfig::is_denied`]), compiled once when loaded.

use std::collections::BTreeMap;
use std::fmt;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::config::de::{deserialize_globs, keyed_error, null_as_default, CheckedString, Mapping};
use crate::config::glob::{
    build_glob, check_glob_len, compile_exclude, names_nothing, normalize_rel,
};
use crate::config::{ConfigError, Invalid};

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

/// `deps` as written; checked again and compiled into a [`DepsConfig`].
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
                let team = map.next_value_seed(Mapping::<TeamConfig>::new(
                    "a mapping such as `{ paths: [\"sales/**\"], owners: [\"@acme/sales\"] }`",
                ))?;
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
    use crate::config::tests::{err, ok};
    use crate::config::Config;

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
        let c = ok(crate::config::tests::FULL_EXAMPLE);
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
}
