//! `.sfci.yml`: the optional repository configuration shared by every tool.
//!
//! The file is optional — every tool works on a standard Salesforce DX project with no
//! configuration. When present it is a YAML mapping whose top-level sections are fixed:
//! `lint`, `deps`, `owners`, `smoke` and `gate`. This version defines keys in `lint`, `deps` and
//! `gate` (see [`crate::gate::config`]):
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
//!
//! This module holds the loading and the shared pieces: [`Config`] (the sections side by
//! side), [`ConfigError`], [`Invalid`], the YAML layer ([`yaml::load_strict`]), glob helpers
//! ([`glob`]) and deserialization helpers ([`de`]). Each section's settings live with their
//! tool, as validated types: [`crate::lint::config`], [`crate::deps::config`] (with team
//! matching), [`crate::owners::config`], [`crate::smoke::config`] and [`crate::gate::config`]
//! (windows and freezes parsed once into [`crate::gate::window`] types). The shared pieces
//! import no tool; only [`Config`] names the tools' section types.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::deps::config::DepsConfig;
use crate::gate::config::GateConfig;
use crate::lint::config::LintConfig;
use crate::owners::config::OwnersConfig;
use crate::smoke::config::SmokeConfig;
use de::null_as_default;
use glob::MAX_GLOB_BYTES;

pub mod de;
pub mod glob;
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
#[serde(deny_unknown_fields)]
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

    /// `--config FILE` when given, else [`Config::discover`] under `root`: what every tool
    /// with a `--config` flag loads.
    pub fn load_or_discover(file: Option<&Path>, root: &Path) -> Result<Config, ConfigError> {
        match file {
            Some(p) => Self::load(p),
            None => Self::discover(root),
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

#[cfg(test)]
pub(crate) mod tests;
