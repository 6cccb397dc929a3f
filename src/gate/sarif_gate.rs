//! `gate sarif`: a baseline gate over any analyzer's SARIF 2.1.0 (Salesforce Code Analyzer's
//! PMD, ESLint, RetireJS, regex, Flow and SFGE runs, or anything else that writes SARIF).
//!
//! Every SARIF result becomes a [`Finding`] of a [`FindingsReport`], so the shared renderers
//! write Code Quality, JUnit, SARIF, GitHub annotations, JSON and Markdown. Only findings that
//! are **new** against the baseline block: at or above `--min-level` they are errors (exit 1),
//! below it warnings. Findings the baseline holds are counted (`baselined`), and left out of
//! the report unless [`Options::show_baselined`] keeps them as warnings; baseline entries no
//! longer found are counted as `fixed`.
//!
//! ## Identity
//! A finding's identity — the baseline key — is
//! `engine (tool.driver.name) + rule + file + content hash + occurrence`, never its line:
//! - the file is repository-relative (`file://` and the root's absolute prefix stripped,
//!   `uriBaseId`s resolved through `originalUriBaseIds`);
//! - the content hash is a hash of the whitespace-collapsed `region.snippet.text`, else
//!   `contextRegion.snippet.text`, else the first source line of the region read from the
//!   file under the root (a whole-method region must not change with the method's body),
//!   else the symbol (`logicalLocations[].fullyQualifiedName`), else the
//!   message;
//! - the occurrence is the index of the finding among those with the same key in that file,
//!   in line order, so a second identical finding in a file is new.
//!
//! A method moved 20 lines keeps its identity; a renamed file makes its findings new.
//! `partialFingerprints` are a hint only: a finding whose key is not in the baseline is still
//! baselined when a leftover entry of the same engine, rule and file has an equal partial
//! fingerprint.
//!
//! ## Cost
//! Linear in the number of results plus the size of the source files read (each file is
//! read at most once): results are grouped by key in hash maps, sorted once per group for
//! the occurrence index, and matched against the baseline through a hash map.

use crate::report::{fingerprint, Finding, FindingsReport, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

/// The report's tool name.
pub const TOOL: &str = "gate sarif";

/// The baseline format version this build reads and writes.
pub const BASELINE_VERSION: u32 = 1;

/// Why the gate could not do its job (exit 2); names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifError(pub String);

impl std::fmt::Display for SarifError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SarifError {}

/// A SARIF `level`, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    None,
    Note,
    Warning,
    Error,
}

impl Level {
    /// Parses a SARIF level (`error`, `warning`, `note`, `none`); `None` for anything else.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "note" => Some(Level::Note),
            "none" => Some(Level::None),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
            Level::None => "none",
        }
    }
}

// ---------------------------------------------------------------------------------------
// The SARIF subset read (everything optional; unknown properties ignored).

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Log {
    version: Option<String>,
    runs: Option<Vec<Run>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Option<Vec<SarifResult>>,
    original_uri_base_ids: BTreeMap<String, ArtifactLocation>,
    artifacts: Vec<Artifact>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Tool {
    driver: Driver,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Driver {
    name: String,
    rules: Vec<Rule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Rule {
    id: String,
    default_configuration: Option<RuleConfig>,
    short_description: Option<Message>,
    help_uri: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleConfig {
    level: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Artifact {
    location: Option<ArtifactLocation>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ArtifactLocation {
    uri: Option<String>,
    uri_base_id: Option<String>,
    index: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Message {
    text: Option<String>,
    markdown: Option<String>,
    id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SarifResult {
    rule_id: Option<String>,
    rule_index: Option<i64>,
    rule: Option<RuleRef>,
    kind: Option<String>,
    level: Option<String>,
    message: Message,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<String, String>,
    suppressions: Option<Vec<Suppression>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleRef {
    id: Option<String>,
    index: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Suppression {
    status: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Location {
    physical_location: Option<PhysicalLocation>,
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Option<ArtifactLocation>,
    region: Option<Region>,
    context_region: Option<Region>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Region {
    start_line: Option<i64>,
    start_column: Option<i64>,
    end_line: Option<i64>,
    snippet: Option<Snippet>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Snippet {
    text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: Option<String>,
    name: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Results read from SARIF, before identity.

/// One SARIF result, resolved: engine, rule, repository-relative file, position, content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResult {
    /// `tool.driver.name` (`pmd`, `eslint`, …).
    pub engine: String,
    pub rule: String,
    pub level: Level,
    /// Repository-relative with `/`; empty when the result has no file location.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub message: String,
    /// The region's snippet as the analyzer wrote it.
    pub snippet: Option<String>,
    pub symbol: Option<String>,
    pub help_uri: Option<String>,
    pub partial_fingerprints: BTreeMap<String, String>,
}

/// What reading the SARIF inputs found besides results.
#[derive(Debug, Default, Clone)]
pub struct ReadStats {
    pub runs: usize,
    /// Results suppressed in the source (`suppressions` accepted), not gated.
    pub suppressed: usize,
    /// Results of kind `pass`, `notApplicable` or `informational`: not findings.
    pub not_failures: usize,
}

/// Parses one SARIF document (`origin` names it in errors) and appends its results.
pub fn read_sarif(
    bytes: &[u8],
    origin: &str,
    root: &Path,
    out: &mut Vec<RawResult>,
    stats: &mut ReadStats,
) -> Result<(), SarifError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let log: Log = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let path = e.path().to_string();
        let at = if path.is_empty() || path == "." {
            String::new()
        } else {
            format!(" at {path}")
        };
        SarifError(format!(
            "{origin}:{}:{}: not valid SARIF{at}: {inner}",
            inner.line(),
            inner.column()
        ))
    })?;
    if let Some(v) = &log.version {
        if !v.starts_with("2.1") {
            return Err(SarifError(format!(
                "{origin}: SARIF version {v} is not supported (expected 2.1.0)"
            )));
        }
    }
    let runs = log.runs.ok_or_else(|| {
        SarifError(format!(
            "{origin}: not a SARIF log: no \"runs\" array (expected {{\"version\": \"2.1.0\", \"runs\": [...]}})"
        ))
    })?;
    let root_abs = absolute(root);
    let root_canon = root.canonicalize().ok();
    for (ri, run) in runs.into_iter().enumerate() {
        stats.runs += 1;
        let engine = if run.tool.driver.name.trim().is_empty() {
            format!("run{ri}")
        } else {
            run.tool.driver.name.trim().to_string()
        };
        let ctx = RunCtx {
            run: &run,
            root_abs: &root_abs,
            root_canon: root_canon.as_deref(),
        };
        for r in run.results.iter().flatten() {
            if matches!(
                r.kind.as_deref(),
                Some("pass") | Some("notApplicable") | Some("informational")
            ) {
                stats.not_failures += 1;
                continue;
            }
            if let Some(s) = &r.suppressions {
                let active = s.iter().any(|s| {
                    !matches!(s.status.as_deref(), Some("rejected") | Some("underReview"))
                });
                if active {
                    stats.suppressed += 1;
                    continue;
                }
            }
            out.push(ctx.resolve(&engine, r));
        }
    }
    Ok(())
}

struct RunCtx<'a> {
    run: &'a Run,
    root_abs: &'a Path,
    root_canon: Option<&'a Path>,
}

impl RunCtx<'_> {
    fn rule_at(&self, index: Option<i64>) -> Option<&Rule> {
        let i = usize::try_from(index?).ok()?;
        self.run.tool.driver.rules.get(i)
    }

    fn resolve(&self, engine: &str, r: &SarifResult) -> RawResult {
        let by_index = self.rule_at(r.rule.as_ref().and_then(|x| x.index).or(r.rule_index));
        let rule_id = r
            .rule_id
            .clone()
            .or_else(|| r.rule.as_ref().and_then(|x| x.id.clone()))
            .or_else(|| by_index.map(|x| x.id.clone()))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "unknown-rule".to_string());
        let rule = by_index
            .filter(|x| x.id == rule_id)
            .or_else(|| self.run.tool.driver.rules.iter().find(|x| x.id == rule_id));
        // SARIF §3.27.10: a missing level is the rule's default, else "warning";
        // results of kind review/open have level "none" unless given.
        let level = r
            .level
            .as_deref()
            .and_then(Level::parse)
            .or_else(|| {
                rule.and_then(|x| x.default_configuration.as_ref())
                    .and_then(|c| c.level.as_deref())
                    .and_then(Level::parse)
            })
            .unwrap_or(match r.kind.as_deref() {
                Some("review") | Some("open") => Level::None,
                _ => Level::Warning,
            });
        let message = r
            .message
            .text
            .clone()
            .or_else(|| r.message.markdown.clone())
            .or_else(|| {
                rule.and_then(|x| x.short_description.as_ref())
                    .and_then(|m| m.text.clone())
            })
            .or_else(|| r.message.id.clone())
            .unwrap_or_else(|| rule_id.clone());
        let loc = r.locations.first();
        let phys = loc.and_then(|l| l.physical_location.as_ref());
        let file = phys
            .and_then(|p| p.artifact_location.as_ref())
            .map(|a| self.file_of(a))
            .unwrap_or_default();
        let region = phys.and_then(|p| p.region.as_ref());
        let line = region.and_then(|x| x.start_line).unwrap_or(0);
        let line = u32::try_from(line.max(0)).unwrap_or(u32::MAX);
        let end_line = region
            .and_then(|x| x.end_line)
            .map(|e| u32::try_from(e.max(0)).unwrap_or(u32::MAX))
            .unwrap_or(line)
            .max(line);
        let column = region
            .and_then(|x| x.start_column)
            .map(|c| u32::try_from(c.max(1)).unwrap_or(u32::MAX))
            .unwrap_or(1);
        let snippet = region
            .and_then(|x| x.snippet.as_ref())
            .and_then(|s| s.text.clone())
            .or_else(|| {
                phys.and_then(|p| p.context_region.as_ref())
                    .and_then(|x| x.snippet.as_ref())
                    .and_then(|s| s.text.clone())
            })
            .filter(|s| !s.trim().is_empty());
        let symbol = r
            .locations
            .iter()
            .flat_map(|l| l.logical_locations.iter())
            .find_map(|l| l.fully_qualified_name.clone().or_else(|| l.name.clone()))
            .filter(|s| !s.trim().is_empty());
        RawResult {
            engine: engine.to_string(),
            rule: rule_id,
            level,
            file,
            line: line.max(1),
            column,
            end_line: end_line.max(1),
            message,
            snippet,
            symbol,
            help_uri: rule.and_then(|x| x.help_uri.clone()),
            partial_fingerprints: r.partial_fingerprints.clone(),
        }
    }

    /// The repository-relative path of an artifact location.
    fn file_of(&self, a: &ArtifactLocation) -> String {
        let mut loc = a.clone();
        if loc.uri.is_none() {
            // A location may point into run.artifacts by index only.
            if let Some(art) = loc
                .index
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| self.run.artifacts.get(i))
                .and_then(|x| x.location.as_ref())
            {
                loc = art.clone();
            }
        }
        let Some(uri) = loc.uri.as_deref() else {
            return String::new();
        };
        let mut full = uri.to_string();
        let mut base = loc.uri_base_id.clone();
        // originalUriBaseIds may chain; bounded so a cycle cannot loop.
        for _ in 0..8 {
            let Some(b) = base.take() else { break };
            if is_absolute_uri(&full) {
                break;
            }
            match self.run.original_uri_base_ids.get(&b) {
                Some(parent) => {
                    if let Some(p) = parent.uri.as_deref() {
                        let mut p = p.to_string();
                        if !p.ends_with('/') {
                            p.push('/');
                        }
                        full = format!("{p}{full}");
                    }
                    base = parent.uri_base_id.clone();
                }
                // Code Analyzer writes the workspace's absolute path as the base id.
                None if is_absolute_uri(&b) => {
                    let sep = if b.ends_with('/') || b.ends_with('\\') {
                        ""
                    } else {
                        "/"
                    };
                    full = format!("{b}{sep}{full}");
                }
                // An unknown symbolic base (%SRCROOT% with no entry) is the repository root.
                None => break,
            }
        }
        relative_path(&full, self.root_abs, self.root_canon)
    }
}

fn is_absolute_uri(s: &str) -> bool {
    s.starts_with("file:") || s.starts_with('/') || has_drive(s)
}

fn has_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'/' || b[2] == b'\\')
}

/// Decodes `%XX` escapes of a URI (invalid escapes are kept as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Lexically normalises `/`-separated parts: drops `.` and empty parts, applies `..`.
fn normalise_parts(path: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(l) if *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    parts
}

fn path_parts(p: &Path) -> Vec<String> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().replace('\\', "/")),
            _ => None,
        })
        .collect()
}

/// A URI or path as written by an analyzer, made relative to the repository root (`/`
/// separators, never absolute): `file://` stripped, `%XX` decoded, the root's absolute
/// (or canonical) prefix removed; a relative path is taken as relative to the root; an
/// absolute path outside the root is written relative to it with `..`.
pub fn relative_path(uri: &str, root_abs: &Path, root_canon: Option<&Path>) -> String {
    let mut s = uri.trim().replace('\\', "/");
    if let Some(rest) = s.strip_prefix("file:") {
        let rest = if let Some(r) = rest.strip_prefix("//") {
            // file://host/path: drop the host (empty or localhost).
            match r.find('/') {
                Some(i) => r[i..].to_string(),
                None => String::new(),
            }
        } else {
            rest.to_string()
        };
        s = rest;
    }
    let s = percent_decode(&s);
    // file:///C:/x → /C:/x
    let s = match s.strip_prefix('/') {
        Some(r) if has_drive(r) => r.to_string(),
        _ => s,
    };
    let absolute = s.starts_with('/') || has_drive(&s);
    if !absolute {
        return normalise_parts(&s).join("/");
    }
    let body = if has_drive(&s) { &s[2..] } else { &s[..] };
    let parts = normalise_parts(body);
    let mut roots = vec![path_parts(root_abs)];
    if let Some(c) = root_canon {
        roots.push(path_parts(c));
    }
    for root in &roots {
        if parts.len() >= root.len() && parts.iter().zip(root).all(|(a, b)| *a == b.as_str()) {
            return parts[root.len()..].join("/");
        }
    }
    // Outside the root: relative to it with `..` (never absolute in a report).
    let root = &roots[roots.len() - 1];
    let common = parts
        .iter()
        .zip(root)
        .take_while(|(a, b)| **a == b.as_str())
        .count();
    let mut out: Vec<&str> = vec![".."; root.len() - common];
    out.extend(parts[common..].iter().copied());
    out.join("/")
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

// ---------------------------------------------------------------------------------------
// Identity.

/// Collapses every run of whitespace to one space and trims.
pub fn normalise_snippet(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a finding's content hash was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Snippet,
    Source,
    Symbol,
    Message,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Snippet => "snippet",
            Basis::Source => "source",
            Basis::Symbol => "symbol",
            Basis::Message => "message",
        }
    }
}

/// Source files under the root, each read at most once.
struct Sources<'a> {
    root: &'a Path,
    files: HashMap<String, Option<Vec<String>>>,
}

impl Sources<'_> {
    /// Line `n` (1-based) of `file`, when it exists and is not blank. Only a region's first
    /// line is read: analyzers (PMD's ApexDoc, …) give whole methods or classes as the region,
    /// and an edit inside a method body must not make its old finding new.
    fn line(&mut self, file: &str, n: u32) -> Option<String> {
        if file.is_empty() || file.starts_with("../") || file == ".." {
            return None;
        }
        let root = self.root;
        let lines = self
            .files
            .entry(file.to_string())
            .or_insert_with(|| {
                std::fs::read(root.join(file)).ok().map(|b| {
                    String::from_utf8_lossy(&b)
                        .lines()
                        .map(str::to_string)
                        .collect()
                })
            })
            .as_ref()?;
        let i = usize::try_from(n.max(1)).ok()? - 1;
        lines.get(i).filter(|t| !t.trim().is_empty()).cloned()
    }
}

/// A finding's identity: the baseline key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identity {
    pub tool: String,
    pub rule: String,
    pub file: String,
    pub hash: String,
    pub occurrence: u32,
}

/// A result with its identity.
#[derive(Debug, Clone)]
pub struct Identified {
    pub raw: RawResult,
    pub id: Identity,
    pub basis: Basis,
}

/// Computes every result's identity (content hash and occurrence index). Reads source
/// lines from `root` for results that carry no snippet.
pub fn identify(results: Vec<RawResult>, root: &Path) -> Vec<Identified> {
    let mut sources = Sources {
        root,
        files: HashMap::new(),
    };
    let mut out: Vec<Identified> = results
        .into_iter()
        .map(|raw| {
            let (basis, text) = if let Some(s) = &raw.snippet {
                (Basis::Snippet, normalise_snippet(s))
            } else if let Some(s) = sources.line(&raw.file, raw.line) {
                (Basis::Source, normalise_snippet(&s))
            } else if let Some(s) = &raw.symbol {
                (Basis::Symbol, s.trim().to_string())
            } else {
                (Basis::Message, normalise_snippet(&raw.message))
            };
            let hash = fingerprint(&[basis.as_str(), &text]);
            let id = Identity {
                tool: raw.engine.clone(),
                rule: raw.rule.clone(),
                file: raw.file.clone(),
                hash,
                occurrence: 0,
            };
            Identified { raw, id, basis }
        })
        .collect();
    // Occurrence: the index among identical keys, in line order (stable for ties).
    let mut groups: HashMap<(String, String, String, String), Vec<usize>> = HashMap::new();
    for (i, f) in out.iter().enumerate() {
        groups
            .entry((
                f.id.tool.clone(),
                f.id.rule.clone(),
                f.id.file.clone(),
                f.id.hash.clone(),
            ))
            .or_default()
            .push(i);
    }
    for (_, mut idx) in groups {
        if idx.len() < 2 {
            continue;
        }
        idx.sort_by_key(|&i| (out[i].raw.line, out[i].raw.column, i));
        for (n, i) in idx.into_iter().enumerate() {
            out[i].id.occurrence = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Baseline.

/// The baseline file: sorted, stable, reviewable in diffs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// Format version ([`BASELINE_VERSION`]).
    pub version: u32,
    /// Always `gate sarif`, so a baseline of another tool is not taken for one.
    pub tool: String,
    pub findings: Vec<BaselineEntry>,
}

/// One baselined finding: its identity, plus the message and line at the time for humans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub tool: String,
    pub rule: String,
    pub file: String,
    pub hash: String,
    #[serde(default)]
    pub occurrence: u32,
    /// For humans only: where it was when the baseline was written.
    #[serde(default)]
    pub line: u32,
    /// For humans only.
    #[serde(default)]
    pub message: String,
    /// The analyzer's partial fingerprints, a matching hint when present.
    #[serde(
        default,
        rename = "partialFingerprints",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub partial_fingerprints: BTreeMap<String, String>,
}

impl BaselineEntry {
    fn identity(&self) -> Identity {
        Identity {
            tool: self.tool.clone(),
            rule: self.rule.clone(),
            file: self.file.clone(),
            hash: self.hash.clone(),
            occurrence: self.occurrence,
        }
    }
}

impl BaselineFile {
    /// The baseline of these findings, sorted by file, tool, rule, hash and occurrence.
    pub fn from_findings(found: &[Identified]) -> BaselineFile {
        let mut findings: Vec<BaselineEntry> = found
            .iter()
            .map(|f| BaselineEntry {
                tool: f.id.tool.clone(),
                rule: f.id.rule.clone(),
                file: f.id.file.clone(),
                hash: f.id.hash.clone(),
                occurrence: f.id.occurrence,
                line: f.raw.line,
                message: normalise_snippet(&f.raw.message),
                partial_fingerprints: f.raw.partial_fingerprints.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.tool, &a.rule, &a.hash, a.occurrence).cmp(&(
                &b.file,
                &b.tool,
                &b.rule,
                &b.hash,
                b.occurrence,
            ))
        });
        findings.dedup_by(|a, b| a.identity() == b.identity());
        BaselineFile {
            version: BASELINE_VERSION,
            tool: TOOL.to_string(),
            findings,
        }
    }

    /// Parses a baseline; `origin` names the file in errors.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<BaselineFile, SarifError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let b: BaselineFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            SarifError(format!(
                "{origin}:{}:{}: not a `gate sarif` baseline (at {}): {inner}",
                inner.line(),
                inner.column(),
                e.path()
            ))
        })?;
        if b.version != BASELINE_VERSION {
            return Err(SarifError(format!(
                "{origin}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                b.version
            )));
        }
        if b.tool != TOOL {
            return Err(SarifError(format!(
                "{origin}: this baseline is for `{}`, not `{TOOL}`; write one with `gate sarif … --write-baseline {origin}`",
                b.tool
            )));
        }
        Ok(b)
    }

    pub fn load(path: &Path) -> Result<BaselineFile, SarifError> {
        let bytes = std::fs::read(path)
            .map_err(|e| SarifError(format!("cannot read baseline {}: {e}", path.display())))?;
        BaselineFile::parse(&bytes, &path.display().to_string())
    }

    /// The file's text: pretty JSON with a final newline.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    pub fn write(&self, path: &Path) -> Result<(), SarifError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| SarifError(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(path, self.to_text())
            .map_err(|e| SarifError(format!("cannot write baseline {}: {e}", path.display())))
    }
}

/// Whether each finding is in the baseline, and how many baseline entries are left over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    /// Per finding (same order as the input): true when baselined.
    pub baselined: Vec<bool>,
    /// Baseline entries no finding matched (fixed).
    pub fixed: Vec<BaselineEntry>,
}

/// Matches findings against the baseline: by identity first, then (for what is left) by
/// an equal partial fingerprint of the same tool, rule and file.
pub fn match_baseline(found: &[Identified], baseline: &BaselineFile) -> Matching {
    let mut by_id: HashMap<Identity, usize> = HashMap::new();
    for (i, e) in baseline.findings.iter().enumerate() {
        by_id.entry(e.identity()).or_insert(i);
    }
    let mut used = vec![false; baseline.findings.len()];
    let mut baselined = vec![false; found.len()];
    for (fi, f) in found.iter().enumerate() {
        if let Some(&bi) = by_id.get(&f.id) {
            if !used[bi] {
                used[bi] = true;
                baselined[fi] = true;
            }
        }
    }
    // Hint: partial fingerprints of leftover entries.
    type PfKey = (String, String, String, String, String);
    let mut by_pf: HashMap<PfKey, Vec<usize>> = HashMap::new();
    for (bi, e) in baseline.findings.iter().enumerate() {
        if used[bi] {
            continue;
        }
        for (k, v) in &e.partial_fingerprints {
            by_pf
                .entry((
                    e.tool.clone(),
                    e.rule.clone(),
                    e.file.clone(),
                    k.clone(),
                    v.clone(),
                ))
                .or_default()
                .push(bi);
        }
    }
    if !by_pf.is_empty() {
        for (fi, f) in found.iter().enumerate() {
            if baselined[fi] {
                continue;
            }
            'keys: for (k, v) in &f.raw.partial_fingerprints {
                let key = (
                    f.id.tool.clone(),
                    f.id.rule.clone(),
                    f.id.file.clone(),
                    k.clone(),
                    v.clone(),
                );
                if let Some(cands) = by_pf.get_mut(&key) {
                    while let Some(bi) = cands.pop() {
                        if !used[bi] {
                            used[bi] = true;
                            baselined[fi] = true;
                            break 'keys;
                        }
                    }
                }
            }
        }
    }
    let fixed = baseline
        .findings
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(e, _)| e.clone())
        .collect();
    Matching { baselined, fixed }
}

// ---------------------------------------------------------------------------------------
// The gate.

/// The gate's options (from the command line).
#[derive(Debug, Clone)]
pub struct Options {
    /// Repository root: paths are made relative to it, source lines read under it.
    pub root: PathBuf,
    /// New findings at or above this level block (errors); below it they are warnings.
    pub min_level: Level,
    /// Keep baselined findings in the report, as warnings marked `"baselined": true`.
    pub show_baselined: bool,
}

/// The outcome: the report to render, and the identified findings (for `--write-baseline`).
pub struct Outcome {
    pub report: FindingsReport,
    pub found: Vec<Identified>,
    pub new: usize,
    pub baselined: usize,
    pub fixed: usize,
}

impl Outcome {
    /// `N new, M baselined, K fixed (in the baseline, no longer found)`.
    pub fn summary_line(&self) -> String {
        format!(
            "{} new, {} baselined, {} fixed (in the baseline, no longer found)",
            self.new, self.baselined, self.fixed
        )
    }
}

/// Judges the results against an optional baseline.
pub fn evaluate(
    results: Vec<RawResult>,
    stats: &ReadStats,
    baseline: Option<&BaselineFile>,
    opts: &Options,
) -> Outcome {
    let found = identify(results, &opts.root);
    let matching = match baseline {
        Some(b) => match_baseline(&found, b),
        None => Matching {
            baselined: vec![false; found.len()],
            fixed: Vec::new(),
        },
    };
    let mut report = FindingsReport {
        tool: TOOL,
        version: env!("CARGO_PKG_VERSION"),
        ..FindingsReport::default()
    };
    let (mut new, mut baselined) = (0usize, 0usize);
    let mut per_engine: BTreeMap<String, usize> = BTreeMap::new();
    for (f, is_base) in found.iter().zip(&matching.baselined) {
        let rule = format!("{}/{}", f.id.tool, f.id.rule);
        *per_engine.entry(f.id.tool.clone()).or_default() += 1;
        if *is_base {
            baselined += 1;
            if !f.id.file.is_empty() {
                // A baselined finding's file shows as a checked (passing) JUnit case.
                report
                    .checked
                    .entry(rule.clone())
                    .or_default()
                    .push(f.id.file.clone());
            }
            if !opts.show_baselined {
                continue;
            }
        } else {
            new += 1;
        }
        let severity = if !*is_base && f.raw.level >= opts.min_level && f.raw.level > Level::None {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut extra = BTreeMap::new();
        extra.insert("engine".into(), serde_json::json!(f.id.tool));
        extra.insert("engine_rule".into(), serde_json::json!(f.id.rule));
        extra.insert("level".into(), serde_json::json!(f.raw.level.as_str()));
        extra.insert("hash".into(), serde_json::json!(f.id.hash));
        extra.insert("occurrence".into(), serde_json::json!(f.id.occurrence));
        extra.insert("identity_basis".into(), serde_json::json!(f.basis.as_str()));
        extra.insert("baselined".into(), serde_json::json!(*is_base));
        if let Some(u) = &f.raw.help_uri {
            extra.insert("help_uri".into(), serde_json::json!(u));
        }
        report.findings.push(Finding {
            rule,
            severity,
            file: f.id.file.clone(),
            line: f.raw.line,
            column: f.raw.column,
            symbol: f.raw.symbol.clone(),
            message: normalise_snippet(&f.raw.message),
            fingerprint: fingerprint(&[
                &f.id.tool,
                &f.id.rule,
                &f.id.file,
                &f.id.hash,
                &f.id.occurrence.to_string(),
            ]),
            chain: Vec::new(),
            in_change: false,
            extra,
        });
    }
    for files in report.checked.values_mut() {
        files.sort();
        files.dedup();
    }
    report.sort();
    let fixed = matching.fixed.len();
    let s = &mut report.summary;
    s.insert("new".into(), serde_json::json!(new));
    s.insert("baselined".into(), serde_json::json!(baselined));
    s.insert("fixed".into(), serde_json::json!(fixed));
    s.insert("runs".into(), serde_json::json!(stats.runs));
    if stats.suppressed > 0 {
        s.insert("suppressed".into(), serde_json::json!(stats.suppressed));
    }
    s.insert(
        "min_level".into(),
        serde_json::json!(opts.min_level.as_str()),
    );
    s.insert(
        "by_engine".into(),
        serde_json::json!(per_engine
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")),
    );
    Outcome {
        report,
        found,
        new,
        baselined,
        fixed,
    }
}

/// `gate sarif`.
pub struct Gate {
    /// SARIF files; `-` (once) reads stdin.
    pub inputs: Vec<String>,
    pub baseline: Option<PathBuf>,
    /// Write every current finding to this baseline file (the run then exits 0).
    pub write_baseline: Option<PathBuf>,
    pub opts: Options,
    pub comment: crate::forge::comment::CommentArgs,
    pub change: crate::forge::args::ChangeArgs,
}

/// Reads the inputs and the baseline, judges, writes the baseline when asked and posts the
/// merge-request note when asked.
pub fn run(g: &Gate) -> Result<FindingsReport, super::GateError> {
    use super::GateError;
    let started = std::time::Instant::now();
    if g.inputs.iter().filter(|i| *i == "-").count() > 1 {
        return Err("`-` (stdin) can be given once".into());
    }
    let base = g
        .baseline
        .as_deref()
        .map(BaselineFile::load)
        .transpose()
        .map_err(|e| GateError(e.0))?;
    let (mut results, mut stats) = (Vec::new(), ReadStats::default());
    for input in &g.inputs {
        let (bytes, origin) = super::read_input(input)?;
        read_sarif(&bytes, &origin, &g.opts.root, &mut results, &mut stats)
            .map_err(|e| GateError(e.0))?;
    }
    let mut out = evaluate(results, &stats, base.as_ref(), &g.opts);
    if let Some(path) = &g.write_baseline {
        BaselineFile::from_findings(&out.found)
            .write(path)
            .map_err(|e| GateError(e.0))?;
        eprintln!(
            "gate sarif: wrote {} finding(s) to the baseline {}",
            out.found.len(),
            path.display()
        );
    }
    eprintln!("gate sarif: {}", out.summary_line());
    out.report.duration = started.elapsed();
    crate::forge::comment::post_if_asked(&g.comment, &g.change, super::TOOL, "sarif", || {
        format!(
            "_Analyzer findings against the baseline: {}._\n\n{}",
            out.summary_line(),
            crate::report::markdown::render(&out.report, crate::forge::comment::BODY_LIMIT - 200)
        )
    });
    Ok(out.report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SARIF: &str = r#"{
      "version": "2.1.0",
      "runs": [
        {"tool": {"driver": {"name": "pmd", "rules": [
            {"id": "ApexDoc", "defaultConfiguration": {"level": "note"}},
            {"id": "AvoidDebugStatements"}]}},
         "originalUriBaseIds": {"SRC": {"uri": "file:///repo/"}},
         "results": [
          {"ruleId": "AvoidDebugStatements", "level": "warning",
           "message": {"text": "Avoid debug statements"},
           "locations": [{"physicalLocation": {"artifactLocation": {"uri": "force-app/A.cls", "uriBaseId": "SRC"},
                          "region": {"startLine": 3, "startColumn": 9, "snippet": {"text": "System.debug('x');"}}}}]},
          {"ruleIndex": 0,
           "message": {"text": "Missing ApexDoc"},
           "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file:///repo/force-app/A.cls"},
                          "region": {"startLine": 1}},
                          "logicalLocations": [{"fullyQualifiedName": "A"}]}]},
          {"ruleId": "AvoidDebugStatements", "message": {"text": "suppressed"},
           "suppressions": [{"kind": "inSource"}],
           "locations": []}
         ]},
        {"tool": {"driver": {"name": "eslint"}}, "results": []}
      ]
    }"#;

    fn read(s: &str, root: &str) -> (Vec<RawResult>, ReadStats) {
        let mut out = Vec::new();
        let mut stats = ReadStats::default();
        read_sarif(
            s.as_bytes(),
            "ca.sarif",
            Path::new(root),
            &mut out,
            &mut stats,
        )
        .unwrap();
        (out, stats)
    }

    #[test]
    fn stdin_is_read_once_and_a_missing_input_names_itself() {
        let gate = |inputs: &[&str]| Gate {
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            baseline: None,
            write_baseline: None,
            opts: Options {
                root: PathBuf::from("."),
                min_level: Level::Note,
                show_baselined: false,
            },
            comment: Default::default(),
            change: Default::default(),
        };
        let e = run(&gate(&["-", "a.sarif", "-"])).err().unwrap();
        assert_eq!(e.0, "`-` (stdin) can be given once");
        let e = run(&gate(&["/nonexistent/ca.sarif"])).err().unwrap();
        assert!(e.0.starts_with("cannot read /nonexistent/ca.sarif"), "{e}");
    }

    #[test]
    fn reads_rules_levels_files_and_suppressions() {
        let (r, stats) = read(SARIF, "/repo");
        assert_eq!(stats.runs, 2);
        assert_eq!(stats.suppressed, 1);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].engine, "pmd");
        assert_eq!(r[0].rule, "AvoidDebugStatements");
        assert_eq!(r[0].file, "force-app/A.cls");
        assert_eq!((r[0].line, r[0].column), (3, 9));
        assert_eq!(r[0].level, Level::Warning);
        assert_eq!(r[1].rule, "ApexDoc");
        assert_eq!(r[1].level, Level::Note, "the rule's default level");
        assert_eq!(r[1].file, "force-app/A.cls");
        assert_eq!(r[1].symbol.as_deref(), Some("A"));
    }

    #[test]
    fn code_analyzer_absolute_base_ids_are_stripped() {
        // What Code Analyzer v5 writes: the workspace's absolute path as the uriBaseId.
        let s = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"pmd"}},"results":[
          {"ruleId":"ApexDoc","level":"warning","message":{"text":"m"},
           "locations":[{"physicalLocation":{"artifactLocation":{"uri":"sales/A.cls","uriBaseId":"/ci/build/repo/"},
                         "region":{"startLine":2}}}]},
          {"ruleId":"ApexDoc","level":"warning","message":{"text":"m"},
           "locations":[{"physicalLocation":{"artifactLocation":{"uri":"sales/B.cls","uriBaseId":"%SRCROOT%"},
                         "region":{"startLine":2}}}]}]}]}"#;
        let (r, _) = read(s, "/ci/build/repo");
        assert_eq!(r[0].file, "sales/A.cls");
        assert_eq!(r[1].file, "sales/B.cls");
        let (r, _) = read(s, "/elsewhere");
        assert_eq!(r[0].file, "../ci/build/repo/sales/A.cls", "never absolute");
    }

    #[test]
    fn paths_are_made_relative() {
        let root = Path::new("/work/repo");
        assert_eq!(
            relative_path("file:///work/repo/a/b.cls", root, None),
            "a/b.cls"
        );
        assert_eq!(
            relative_path("/work/repo/./a/../b.cls", root, None),
            "b.cls"
        );
        assert_eq!(
            relative_path("a/My%20Class.cls", root, None),
            "a/My Class.cls"
        );
        assert_eq!(relative_path("./x\\y.js", root, None), "x/y.js");
        assert_eq!(
            relative_path("file://localhost/work/repo/z", root, None),
            "z"
        );
        assert_eq!(
            relative_path("/work/other/z.cls", root, None),
            "../other/z.cls"
        );
        assert_eq!(
            relative_path(
                "/private/tmp/r/a.cls",
                Path::new("/tmp/r"),
                Some(Path::new("/private/tmp/r"))
            ),
            "a.cls"
        );
        assert_eq!(
            relative_path("file:///C:/w/r/a.cls", Path::new("/w/r"), None),
            "a.cls"
        );
    }

    #[test]
    fn malformed_inputs_name_the_file() {
        let mut out = Vec::new();
        let mut st = ReadStats::default();
        let e = read_sarif(
            b"{\"runs\": [}",
            "x.sarif",
            Path::new("."),
            &mut out,
            &mut st,
        )
        .unwrap_err();
        assert!(e.0.starts_with("x.sarif:1:"), "{e}");
        let e = read_sarif(
            b"{\"version\":\"2.1.0\"}",
            "y.sarif",
            Path::new("."),
            &mut out,
            &mut st,
        )
        .unwrap_err();
        assert!(e.0.contains("y.sarif") && e.0.contains("runs"), "{e}");
        let e = read_sarif(
            br#"{"runs":[{"results":[{"locations":[{"physicalLocation":{"region":{"startLine":"3"}}}]}]}]}"#,
            "z.sarif",
            Path::new("."),
            &mut out,
            &mut st,
        )
        .unwrap_err();
        assert!(e.0.contains("z.sarif") && e.0.contains("startLine"), "{e}");
        let e = BaselineFile::parse(
            b"{\"version\": 1, \"tool\": \"gate sarif\", \"findings\": [{}]}",
            "b.json",
        )
        .unwrap_err();
        assert!(e.0.starts_with("b.json:1:"), "{e}");
        assert!(e.0.contains("findings[0]"), "{e}");
    }

    fn raw(rule: &str, file: &str, line: u32, snippet: Option<&str>) -> RawResult {
        RawResult {
            engine: "pmd".into(),
            rule: rule.into(),
            level: Level::Warning,
            file: file.into(),
            line,
            column: 1,
            end_line: line,
            message: format!("{rule} here"),
            snippet: snippet.map(str::to_string),
            symbol: None,
            help_uri: None,
            partial_fingerprints: BTreeMap::new(),
        }
    }

    fn opts(root: &Path) -> Options {
        Options {
            root: root.to_path_buf(),
            min_level: Level::Note,
            show_baselined: false,
        }
    }

    #[test]
    fn identity_ignores_lines_and_whitespace_but_counts_occurrences() {
        let dir = tempfile::tempdir().unwrap();
        let o = opts(dir.path());
        let before = vec![raw("R", "a.cls", 3, Some("System.debug( x );"))];
        let stats = ReadStats::default();
        let out = evaluate(before, &stats, None, &o);
        let base = BaselineFile::from_findings(&out.found);
        // Moved 20 lines down and re-indented: still baselined.
        let moved = vec![raw("R", "a.cls", 23, Some("   System.debug(  x\n );"))];
        let out = evaluate(moved, &stats, Some(&base), &o);
        assert_eq!((out.new, out.baselined, out.fixed), (0, 1, 0));
        assert_eq!(out.report.exit_code(), crate::report::ExitCode::Passed);
        // A second identical finding in the same file is new.
        let twice = vec![
            raw("R", "a.cls", 23, Some("System.debug( x );")),
            raw("R", "a.cls", 40, Some("System.debug( x );")),
        ];
        let out = evaluate(twice, &stats, Some(&base), &o);
        assert_eq!((out.new, out.baselined), (1, 1));
        assert_eq!(out.report.findings.len(), 1);
        assert_eq!(out.report.findings[0].line, 40);
        assert_eq!(out.report.findings[0].severity, Severity::Error);
        // A renamed file makes its findings new, and the old entry fixed.
        let renamed = vec![raw("R", "b.cls", 3, Some("System.debug( x );"))];
        let out = evaluate(renamed, &stats, Some(&base), &o);
        assert_eq!((out.new, out.baselined, out.fixed), (1, 0, 1));
        assert_eq!(
            out.summary_line(),
            "1 new, 0 baselined, 1 fixed (in the baseline, no longer found)"
        );
    }

    #[test]
    fn source_lines_are_read_when_there_is_no_snippet() {
        let dir = tempfile::tempdir().unwrap();
        let o = opts(dir.path());
        std::fs::write(
            dir.path().join("a.cls"),
            "class A {\n  void m() { System.debug(1); }\n}\n",
        )
        .unwrap();
        let out = evaluate(
            vec![raw("R", "a.cls", 2, None)],
            &ReadStats::default(),
            None,
            &o,
        );
        assert_eq!(out.found[0].basis, Basis::Source);
        let base = BaselineFile::from_findings(&out.found);
        let moved = format!(
            "class A {{\n{}  void m() {{ System.debug(1); }}\n}}\n",
            "\n".repeat(20)
        );
        std::fs::write(dir.path().join("a.cls"), moved).unwrap();
        let out = evaluate(
            vec![raw("R", "a.cls", 22, None)],
            &ReadStats::default(),
            Some(&base),
            &o,
        );
        assert_eq!((out.new, out.baselined), (0, 1));
        // A region over the whole method: an edit in its body keeps the finding.
        let mut whole = raw("R", "a.cls", 22, None);
        whole.end_line = 24;
        let base2 = BaselineFile::from_findings(
            &evaluate(vec![whole.clone()], &ReadStats::default(), None, &o).found,
        );
        let edited = format!(
            "class A {{\n{}  void m() {{ System.debug(1); }}\n  // edited body\n}}\n",
            "\n".repeat(20)
        );
        std::fs::write(dir.path().join("a.cls"), edited).unwrap();
        let out = evaluate(vec![whole], &ReadStats::default(), Some(&base2), &o);
        assert_eq!((out.new, out.baselined), (0, 1));
        // A changed line is a new finding.
        let out = evaluate(
            vec![raw("R", "a.cls", 1, None)],
            &ReadStats::default(),
            Some(&base),
            &o,
        );
        assert_eq!((out.new, out.fixed), (1, 1));
    }

    #[test]
    fn min_level_and_partial_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = opts(dir.path());
        o.min_level = Level::Error;
        let out = evaluate(
            vec![raw("R", "a.cls", 1, Some("x"))],
            &ReadStats::default(),
            None,
            &o,
        );
        assert_eq!(out.report.findings[0].severity, Severity::Warning);
        assert_eq!(out.report.exit_code(), crate::report::ExitCode::Passed);

        let mut a = raw("R", "a.cls", 1, Some("old text"));
        a.partial_fingerprints
            .insert("primaryLocationLineHash".into(), "abc".into());
        let base = BaselineFile::from_findings(
            &evaluate(vec![a.clone()], &ReadStats::default(), None, &o).found,
        );
        let mut b = raw("R", "a.cls", 9, Some("new text"));
        b.partial_fingerprints = a.partial_fingerprints.clone();
        let out = evaluate(vec![b], &ReadStats::default(), Some(&base), &o);
        assert_eq!((out.new, out.baselined), (0, 1));
    }

    #[test]
    fn baseline_text_is_sorted_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let o = opts(dir.path());
        let out = evaluate(
            vec![
                raw("Z", "b.cls", 1, Some("z")),
                raw("A", "a.cls", 5, Some("a")),
            ],
            &ReadStats::default(),
            None,
            &o,
        );
        let base = BaselineFile::from_findings(&out.found);
        assert_eq!(base.findings[0].file, "a.cls");
        let text = base.to_text();
        assert_eq!(
            BaselineFile::parse(text.as_bytes(), "b.json").unwrap(),
            base
        );
        assert!(text.contains("\"occurrence\": 0"));
        let e = BaselineFile::parse(
            br#"{"version":1,"tool":"lint-callout-mocks","findings":[]}"#,
            "b.json",
        )
        .unwrap_err();
        assert!(e.0.contains("not `gate sarif`"), "{e}");
    }

    #[test]
    fn baselined_findings_can_be_kept_as_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = opts(dir.path());
        let found = evaluate(
            vec![raw("R", "a.cls", 1, Some("x"))],
            &ReadStats::default(),
            None,
            &o,
        );
        let base = BaselineFile::from_findings(&found.found);
        o.show_baselined = true;
        let out = evaluate(
            vec![raw("R", "a.cls", 1, Some("x"))],
            &ReadStats::default(),
            Some(&base),
            &o,
        );
        assert_eq!(out.report.findings.len(), 1);
        assert_eq!(out.report.findings[0].severity, Severity::Warning);
        assert_eq!(
            out.report.findings[0].extra["baselined"],
            serde_json::json!(true)
        );
        assert_eq!(out.report.checked["pmd/R"], vec!["a.cls".to_string()]);
    }
}
