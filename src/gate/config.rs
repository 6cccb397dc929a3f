//! The `gate` section of `.sfci.yml`: coverage tiers, deployment windows and freezes and
//! promotion rules, each parsed once, when loaded: windows and freezes into
//! [`crate::gate::window`] types, tier class globs into a [`ClassGlobs`] set and promotion
//! branch globs into [`BranchGlob`] matchers, which `gate deploy-result` and `gate promotion`
//! use as they are.

use std::fmt;

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::de::{self, DeserializeSeed, Deserializer};
use serde::{Deserialize, Serialize};

use crate::config::de::{deserialize_checked_list, null_as_default, CheckedString, Parsed};
use crate::config::glob::{check_glob_len, names_nothing};
use crate::config::Invalid;
use crate::gate::window::{Freeze, Window};

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
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
    pub classes: ClassGlobs,
}

/// `gate.window`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowConfig {
    /// Allowed windows such as `Fri 18:00-22:00 America/New_York` (parsed when loaded).
    #[serde(default, deserialize_with = "deserialize_windows")]
    pub allow: Vec<Window>,
    /// Freeze periods such as `2024-12-20..2025-01-02` (parsed when loaded).
    #[serde(default, deserialize_with = "deserialize_freezes")]
    pub freeze: Vec<Freeze>,
}

/// `gate.promotion`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub from: BranchGlob,
    /// Glob on the target branch (`integration`).
    pub to: BranchGlob,
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

/// A class-name glob: `*` matches any run of characters, case-insensitively (Apex names are).
pub fn build_class_glob(p: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(p).case_insensitive(true).build()
}

/// A branch glob: `*` does not cross `/`.
pub fn build_branch_glob(p: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(p).literal_separator(true).build()
}

fn invalid_glob(p: &str, e: &globset::Error) -> Invalid {
    Invalid::Glob {
        pattern: p.to_string(),
        reason: e.kind().to_string(),
    }
}

/// One `classes` entry of a tier: bounded, naming something, and a glob.
fn compile_class_glob(p: &str) -> Result<Glob, Invalid> {
    check_glob_len(p)?;
    if p.trim().is_empty() {
        return Err(names_nothing(p, "class"));
    }
    build_class_glob(p).map_err(|e| invalid_glob(p, &e))
}

/// One `from`/`to` of a promotion rule: bounded, naming something, and a glob.
fn compile_branch_glob(p: &str) -> Result<BranchGlob, Invalid> {
    check_glob_len(p)?;
    if p.trim().is_empty() {
        return Err(names_nothing(p, "branch"));
    }
    BranchGlob::new(p).map_err(|e| invalid_glob(p, &e))
}

/// A tier's class-name globs as written (for reports) and compiled, when loaded, into one
/// case-insensitive set. Equal when written alike; written back as the list of patterns.
#[derive(Clone, Default)]
pub struct ClassGlobs {
    patterns: Vec<String>,
    set: GlobSet,
}

impl ClassGlobs {
    /// Compiles `patterns` ([`build_class_glob`]); the error names the first bad one. No
    /// length or emptiness check: that is the loader's ([`ClassGlobs`]' `Deserialize`).
    pub fn new(patterns: &[String]) -> Result<ClassGlobs, Invalid> {
        let globs = patterns
            .iter()
            .map(|p| build_class_glob(p).map_err(|e| invalid_glob(p, &e)))
            .collect::<Result<Vec<_>, _>>()?;
        ClassGlobs::from_globs(globs)
    }

    fn from_globs(globs: Vec<Glob>) -> Result<ClassGlobs, Invalid> {
        let patterns: Vec<String> = globs.iter().map(|g| g.glob().to_string()).collect();
        let mut b = GlobSetBuilder::new();
        for g in globs {
            b.add(g);
        }
        let set = b.build().map_err(|e| Invalid::Glob {
            pattern: patterns.join(", "),
            reason: e.to_string(),
        })?;
        Ok(ClassGlobs { patterns, set })
    }

    /// The globs as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The compiled set (glob `i` is pattern `i`).
    pub fn set(&self) -> &GlobSet {
        &self.set
    }

    /// Whether some glob matches the class or trigger name.
    pub fn is_match(&self, class: &str) -> bool {
        self.set.is_match(class)
    }
}

impl fmt::Debug for ClassGlobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.patterns.fmt(f)
    }
}

impl PartialEq for ClassGlobs {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for ClassGlobs {}

impl Serialize for ClassGlobs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.patterns.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ClassGlobs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Item(Glob);
        impl<'de> Deserialize<'de> for Item {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Parsed {
                    expecting: "a class-name glob string such as \"Payment*\"",
                    parse: compile_class_glob,
                }
                .deserialize(d)
                .map(Item)
            }
        }
        let globs = Vec::<Item>::deserialize(d)?
            .into_iter()
            .map(|i| i.0)
            .collect();
        ClassGlobs::from_globs(globs).map_err(de::Error::custom)
    }
}

/// A branch glob as written and compiled, when loaded, into a matcher. Equal when written
/// alike; written back as the pattern.
#[derive(Clone)]
pub struct BranchGlob(GlobMatcher);

impl BranchGlob {
    /// Compiles `p` ([`build_branch_glob`]) with no length or emptiness check: that is the
    /// loader's (`BranchGlob`'s `Deserialize`).
    pub fn new(p: &str) -> Result<BranchGlob, globset::Error> {
        build_branch_glob(p).map(|g| BranchGlob(g.compile_matcher()))
    }

    /// The glob as written.
    pub fn as_str(&self) -> &str {
        self.0.glob().glob()
    }

    /// The compiled matcher.
    pub fn matcher(&self) -> &GlobMatcher {
        &self.0
    }
}

impl fmt::Display for BranchGlob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for BranchGlob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().fmt(f)
    }
}

impl PartialEq for BranchGlob {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for BranchGlob {}

impl PartialEq<&str> for BranchGlob {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for BranchGlob {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for BranchGlob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Parsed {
            expecting: "a branch name or glob string (quote `*`)",
            parse: compile_branch_glob,
        }
        .deserialize(d)
    }
}

fn deserialize_windows<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Window>, D::Error> {
    deserialize_checked_list(
        d,
        "a window string such as \"Fri 18:00-22:00 America/New_York\"",
        |s| Window::parse(s).map_err(Invalid::Window),
    )
}

fn deserialize_freezes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Freeze>, D::Error> {
    deserialize_checked_list(
        d,
        "a freeze string such as \"2024-12-20..2025-01-02\"",
        |s| Freeze::parse(s).map_err(Invalid::Freeze),
    )
}

/// A window is known by what was written: equal when written alike, and written back as such.
impl PartialEq for Window {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for Window {}

impl Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.spec)
    }
}

/// A freeze is known by what was written, like [`Window`].
impl PartialEq for Freeze {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for Freeze {}

impl Serialize for Freeze {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.spec)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{err, ok};

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
    fn bad_tier_and_promotion_globs_are_refused_at_load_with_line_and_key() {
        let e = err("gate:\n  coverage:\n    tiers:\n      - name: c\n        min: 50\n        classes:\n          - \"Order*\"\n          - \"Pay[ment\"\n");
        assert_eq!(e.line, Some(8));
        assert_eq!(e.key.as_deref(), Some("gate.coverage.tiers[0].classes[1]"));
        assert!(
            e.to_string().starts_with(
                ".sfci.yml:8:13: `gate.coverage.tiers[0].classes[1]`: invalid glob `Pay[ment`: unclosed character class"
            ),
            "{e}"
        );
        let e =
            err("gate:\n  coverage:\n    tiers:\n      - {name: c, min: 50, classes: [\" \"]}\n");
        assert_eq!(e.key.as_deref(), Some("gate.coverage.tiers[0].classes[0]"));
        assert!(e.message.contains("names no class"), "{e}");
        let e = err("gate:\n  promotion:\n    rules:\n      - { from: \"feature/*\", to: integration }\n      - from: \"release/{a\"\n        to: main\n");
        assert_eq!(e.line, Some(5));
        assert_eq!(e.key.as_deref(), Some("gate.promotion.rules[1].from"));
        assert!(
            e.to_string().starts_with(
                ".sfci.yml:5:15: `gate.promotion.rules[1].from`: invalid glob `release/{a`: unclosed alternate group"
            ),
            "{e}"
        );
        let e = err("gate:\n  promotion:\n    rules: [{ from: main, to: \"\" }]\n");
        assert_eq!(e.key.as_deref(), Some("gate.promotion.rules[0].to"));
        assert!(e.message.contains("names no branch"), "{e}");
        let e = err(&format!(
            "gate:\n  promotion:\n    rules: [{{ from: \"{}\", to: main }}]\n",
            "a".repeat(crate::config::glob::MAX_GLOB_BYTES + 1)
        ));
        assert_eq!(e.key.as_deref(), Some("gate.promotion.rules[0].from"));
    }

    /// The globs compiled at load match what `gate deploy-result` and `gate promotion` matched
    /// when they compiled the patterns themselves (`GlobBuilder`, case-insensitive for class
    /// names, `*` not crossing `/` for branches).
    #[test]
    fn loaded_globs_match_as_the_tools_did() {
        use globset::GlobBuilder;
        let c = ok("gate:\n  coverage:\n    tiers:\n      - { name: svc, min: 90, classes: [\"*Service\", \"Pay?ent*\", \"[AB]cc*\"] }\n  promotion:\n    rules:\n      - { from: \"feature/*\", to: integration }\n      - { from: \"release/**\", to: \"{main,master}\" }\n");
        let tier = &c.gate.coverage.tiers[0];
        assert_eq!(tier.classes.patterns(), ["*Service", "Pay?ent*", "[AB]cc*"]);
        let mut old = globset::GlobSetBuilder::new();
        for p in tier.classes.patterns() {
            old.add(GlobBuilder::new(p).case_insensitive(true).build().unwrap());
        }
        let old = old.build().unwrap();
        for class in [
            "OrderService",
            "orderservice",
            "ORDERSERVICE",
            "Service",
            "ServiceImpl",
            "PaymentGateway",
            "paybent",
            "Payent",
            "AccountTrigger",
            "bcc",
            "Ccc",
            "ns/OrderService",
            "",
        ] {
            assert_eq!(tier.classes.is_match(class), old.is_match(class), "{class}");
        }
        assert!(tier.classes.is_match("orderservice"), "case-insensitive");
        assert!(!tier.classes.is_match("ServiceImpl"));

        for rule in &c.gate.promotion.rules {
            for glob in [&rule.from, &rule.to] {
                let old = GlobBuilder::new(glob.as_str())
                    .literal_separator(true)
                    .build()
                    .unwrap()
                    .compile_matcher();
                for branch in [
                    "feature/x",
                    "feature/a/b",
                    "Feature/x",
                    "integration",
                    "release/2024/11",
                    "main",
                    "master",
                    "mainline",
                ] {
                    assert_eq!(
                        glob.matcher().is_match(branch),
                        old.is_match(branch),
                        "{glob} {branch}"
                    );
                }
            }
        }
        let from = &c.gate.promotion.rules[0].from;
        assert!(from.matcher().is_match("feature/x"));
        assert!(
            !from.matcher().is_match("feature/a/b"),
            "`*` stays in one segment"
        );
        assert!(
            !from.matcher().is_match("Feature/x"),
            "branches are case-sensitive"
        );
        // Written back as the patterns.
        let back = serde_json::to_value(&c.gate).unwrap();
        assert_eq!(back["coverage"]["tiers"][0]["classes"][1], "Pay?ent*");
        assert_eq!(back["promotion"]["rules"][1]["to"], "{main,master}");
    }
}
