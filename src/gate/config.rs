//! The `gate` section of `.sfci.yml`: coverage tiers, deployment windows and freezes (parsed
//! once, when loaded, into [`crate::gate::window`] types) and promotion rules.

use std::fmt;

use globset::GlobBuilder;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::config::de::{deserialize_checked_list, null_as_default, CheckedString};
use crate::config::glob::{build_glob, check_glob_len, names_nothing};
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
    #[serde(deserialize_with = "deserialize_class_globs")]
    pub classes: Vec<String>,
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
    use crate::config::{Config, ConfigError};

    fn err(text: &str) -> ConfigError {
        Config::from_str(text, ".sfci.yml").expect_err("config should be rejected")
    }

    #[allow(dead_code)]
    fn ok(text: &str) -> Config {
        Config::from_str(text, ".sfci.yml").expect("config should load")
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
}
