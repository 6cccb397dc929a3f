//! The one YAML layer: [`load_strict`] turns a file (or its text) into a typed value, and every
//! failure into a [`ConfigError`] with the file, line, column and dotted key path. `.sfci.yml`
//! ([`crate::config::Config`]) and smoke specs ([`crate::smoke::spec`]) both load through it.
//!
//! The parser is `serde-saphyr` (pure Rust, no `unsafe`), chosen over `serde_norway` (a
//! transpile of libyaml, quadratic in nesting depth, so every parse had to be guarded by a
//! hand-written bracket counter with false refusals). Evaluation (release build, this
//! machine): both accept the fuzz regression corpus alike (`block-scalar-brackets-too-deep.yml`
//! parses, `cr-line-breaks.yml` fails at the same 51:4); on twelve broken inputs the positions
//! are the same or closer to the mistake (a duplicate key points at the second one, an
//! unclosed quote or `[` at its opening, a control character at its own line and column
//! instead of a byte offset); 100 000 `[` after a key: 94 s with serde_norway, 0.2 ms here;
//! 5 000 nested block mappings: 166 ms vs 15 ms; a flat 2.5 MiB file (20 000 teams) is
//! slower, 340 ms vs 131 ms — real configurations are a few KiB.
//!
//! Bounds: parsing is linear in the input; nesting is limited to [`MAX_DEPTH`] levels of
//! mappings and sequences (flow or block) by the parser's own budget, which stops at the
//! first level too deep and names its line and column. Every unknown key is an error that
//! lists the keys valid at that place (taken from the target type's own field list), so the
//! loader needs no hand-kept key table.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Error as YamlError, Options};

use super::ConfigError;

/// Deepest nesting of mappings and sequences accepted (no `.sfci.yml` or smoke spec comes
/// close; the parser stops at the first deeper level, in time linear in the input).
pub const MAX_DEPTH: usize = 64;

/// Reads `path` as UTF-8 text (`origin` names it in errors) and parses it with
/// [`load_strict`]. `Ok(None)`: the file is empty or holds only comments.
pub fn load_strict_file<T: DeserializeOwned>(
    path: &Path,
    origin: &str,
) -> Result<Option<T>, ConfigError> {
    let text = read_text(path, origin, "file")?;
    load_strict(&text, origin)
}

/// Reads `path` as UTF-8 text; a non-UTF-8 byte is an error with its line and column.
/// `what` names the file in messages (`file`, `spec`).
pub fn read_text(path: &Path, origin: &str, what: &str) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ConfigError::plain(origin, format!("cannot read the {what}: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let (line, column) = line_column(bytes, valid);
        ConfigError {
            origin: origin.to_string(),
            line: Some(line),
            column: Some(column),
            key: None,
            message: format!(
                "the {what} is not UTF-8 text (invalid byte 0x{:02x} at offset {valid}); \
                 it must be UTF-8 encoded YAML",
                bytes[valid]
            ),
        }
    })
}

/// Parses one YAML document into `T`, strictly: YAML 1.2 booleans only (`yes`/`off` stay
/// strings), duplicate keys are errors, at most [`MAX_DEPTH`] levels. `Ok(None)`: the text is
/// empty or holds only comments. Errors carry `origin`, line, column and key path.
pub fn load_strict<T: DeserializeOwned>(
    text: &str,
    origin: &str,
) -> Result<Option<T>, ConfigError> {
    let mut options = Options::default();
    options.strict_booleans = true;
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    options.budget = Some(budget);
    let mut path = None;
    let parsed = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize::<_, Option<T>>(de).map_err(|e| {
            path = Some(e.path().to_string());
            e.into_inner()
        })
    });
    parsed.map_err(|e| translate(&e, path.as_deref().unwrap_or(""), origin))
}

/// A parser or deserialization error as a [`ConfigError`], sorted by the error's own kind.
fn translate(err: &YamlError, path: &str, origin: &str) -> ConfigError {
    let mut err = err;
    while let YamlError::AliasError { error, .. } | YamlError::WithSnippet { error, .. } = err {
        err = error;
    }
    // serde_path_to_error writes `?` for a key it has not read yet (a duplicate key is
    // refused before it is handed over): drop those.
    let path = path.trim_end_matches(".?").trim_end_matches('?');
    let path = if path == "." { "" } else { path };
    let location = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as usize, (l.column() as usize).max(1)));
    let shown = |p: &str| {
        if p.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{p}`")
        }
    };
    let text = || {
        let mut s = err.to_string();
        if let Some((line, column)) = location {
            s = s.replace(&format!(" at line {line}, column {column}"), "");
        }
        s
    };
    let (key, message) = match err {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            // The path ends in the unknown key itself.
            let (parent, _) = split_last(path, field);
            let full = join(parent, field);
            let hint = if expected.is_empty() {
                if parent.is_empty() {
                    "this version defines no keys here".to_string()
                } else {
                    format!("this version defines no keys in `{parent}`")
                }
            } else {
                format!("valid keys here: {}", backticked(expected))
            };
            let sep = if expected.is_empty() { ": " } else { "; " };
            (
                Some(full.clone()),
                format!("unknown key `{full}`{sep}{hint}"),
            )
        }
        YamlError::SerdeMissingField { field, .. } => {
            let hint = if path.starts_with("deps.allow[") || path.starts_with("deps.deny[") {
                " (a rule needs both `from` and `to`)"
            } else {
                ""
            };
            (
                Some(path.to_string()),
                format!("{}: missing key `{field}`{hint}", shown(path)),
            )
        }
        YamlError::DuplicateMappingKey { key, .. } => {
            let full = match key {
                Some(k) if !path.ends_with(k.as_str()) => join(path, k),
                _ => path.to_string(),
            };
            (
                Some(full.clone()),
                format!("duplicate key `{full}`; keep only one"),
            )
        }
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            Some(path.to_string()),
            format!(
                "{}: unknown value `{variant}`; valid values: {}",
                shown(path),
                backticked(expected)
            ),
        ),
        YamlError::Unexpected { expected, .. } => {
            let expected = match *expected {
                "sequence start" => "a list",
                "mapping start" => "a mapping",
                "string scalar" => "a string",
                other => other,
            };
            (
                Some(path.to_string()),
                format!("{}: invalid type: expected {expected}", shown(path)),
            )
        }
        YamlError::MultipleDocuments { .. } => (
            None,
            "the file contains more than one YAML document (`---`); it must be one mapping"
                .to_string(),
        ),
        YamlError::Budget { breach, .. } => {
            let what = match breach {
                BudgetBreach::Depth { .. } => {
                    format!("nests mappings and lists more than {MAX_DEPTH} levels deep")
                }
                other => format!("exceeds a parser limit ({other:?})"),
            };
            (
                None,
                format!("the file {what}; it is never that deep or large"),
            )
        }
        // What the parser itself refuses: the YAML is not well formed.
        YamlError::ExternalMessage { .. }
        | YamlError::Eof { .. }
        | YamlError::UnexpectedSequenceEnd { .. }
        | YamlError::UnexpectedMappingEnd { .. }
        | YamlError::ContainerEndMismatch { .. }
        | YamlError::UnexpectedContainerEndWhileReadingKeyNode { .. }
        | YamlError::UnexpectedContainerEndWhileSkippingNode { .. }
        | YamlError::UnknownAnchor { .. }
        | YamlError::IndentationError { .. } => (None, format!("invalid YAML: {}", text())),
        // A value of the wrong type or shape, or refused by a validator
        // ([`super::Invalid`] and the tools' own checks): keyed at the value.
        _ => {
            let text = text()
                .replace("unit value", "null")
                .replace("unknown variant", "unknown value");
            (Some(path.to_string()), format!("{}: {text}", shown(path)))
        }
    };
    ConfigError {
        origin: origin.to_string(),
        line: location.map(|l| l.0),
        column: location.map(|l| l.1),
        key,
        message,
    }
}

/// `parent.key`, or `key` at the top level.
fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// The parent of `path` when `path` ends in `.last` (or is `last`).
fn split_last<'a>(path: &'a str, last: &str) -> (&'a str, &'a str) {
    if path == last {
        return ("", path);
    }
    match path.strip_suffix(last).and_then(|p| p.strip_suffix('.')) {
        Some(parent) => (parent, &path[parent.len() + 1..]),
        None => (path, ""),
    }
}

fn backticked(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// 1-based line and column (in characters) of byte `offset` in `bytes`.
pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
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
