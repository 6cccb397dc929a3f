//! Finding Salesforce source files: `sfdx-project.json` package directories, `.forceignore`,
//! `.gitignore`, and the repository root that report paths are relative to.
//!
//! Rules, in the order a user meets them:
//! - No path given means `.`.
//! - The *root* (what report paths are relative to) is the nearest ancestor of the first path
//!   (canonicalized) that contains `.git` (a directory, or a file in worktrees and submodules);
//!   outside a repository it is the current directory when the path is below it, else the
//!   nearest folder holding `sfdx-project.json` above the path, else the path's folder.
//! - A directory that contains `sfdx-project.json` is scanned through its
//!   `packageDirectories[].path` entries; any other directory is scanned as a whole; a file is
//!   taken as it is (no ignore file applies to it, the `exclude` globs do).
//! - Walks honour `.forceignore` (gitignore syntax, including one in any parent directory such as
//!   the project root) and `.gitignore`, even outside a git repository, skip hidden files and
//!   folders, never follow symbolic links and skip anything that is not a regular file.
//! - Unreadable entries become warnings and the walk goes on.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;
use ignore::gitignore::Gitignore;
use ignore::WalkBuilder;
use serde::Deserialize;

/// The file extensions of Apex classes and triggers.
pub const APEX_EXTENSIONS: &[&str] = &["cls", "trigger"];

/// The Salesforce DX project file name.
pub const SFDX_PROJECT_FILE: &str = "sfdx-project.json";

/// The Salesforce CLI's ignore file name.
pub const FORCEIGNORE_FILE: &str = ".forceignore";

/// One discovered source file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceFile {
    /// The file's canonical absolute path (use it to read the file).
    pub path: PathBuf,
    /// The path relative to [`SourceSet::root`] with `/` separators (use it in reports). For a
    /// file outside the root, its absolute path with `/` separators.
    pub rel: String,
}

/// The result of a discovery: files sorted by `rel`, without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceSet {
    /// The directory report paths are relative to (canonical).
    pub root: PathBuf,
    /// The files found, sorted by `rel`.
    pub files: Vec<SourceFile>,
    /// Problems that did not stop the scan (unreadable directories, broken ignore files, …).
    pub warnings: Vec<String>,
}

/// The parts of `sfdx-project.json` sfci uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfdxProject {
    /// The `sfdx-project.json` file.
    pub file: PathBuf,
    /// The directory holding it (the project root package paths are relative to).
    pub dir: PathBuf,
    /// `packageDirectories`, in file order.
    pub package_directories: Vec<PackageDirectory>,
}

/// One `packageDirectories[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDirectory {
    /// The `path` as written (backslashes turned into `/`).
    pub path: String,
    /// Whether the entry is marked `"default": true`.
    pub default: bool,
}

impl SfdxProject {
    /// The absolute directories of the packages, in file order.
    pub fn package_paths(&self) -> Vec<PathBuf> {
        self.package_directories
            .iter()
            .map(|p| self.dir.join(&p.path))
            .collect()
    }
}

/// Why discovery could not run.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A path the user gave does not exist.
    #[error("{}: no such file or directory", .path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// `sfdx-project.json` is not valid JSON or lacks `packageDirectories`.
    #[error("{}:{line}:{column}: invalid sfdx-project.json: {message}", .file.display())]
    InvalidSfdxProject {
        /// The project file.
        file: PathBuf,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A `packageDirectories[].path` does not exist or is not a directory.
    #[error(
        "{}: package directory `{declared}` does not exist ({})",
        .file.display(),
        .resolved.display()
    )]
    MissingPackageDir {
        /// The project file.
        file: PathBuf,
        /// The path as written in the file.
        declared: String,
        /// Where it was looked for.
        resolved: PathBuf,
    },
    /// Reading a path failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

impl SourceError {
    fn io(path: &Path, source: io::Error) -> Self {
        SourceError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[derive(Deserialize)]
struct RawSfdxProject {
    #[serde(rename = "packageDirectories")]
    package_directories: Vec<RawPackageDirectory>,
}

#[derive(Deserialize)]
struct RawPackageDirectory {
    path: String,
    #[serde(default)]
    default: Option<serde_json::Value>,
}

/// Reads `<dir>/sfdx-project.json`; `Ok(None)` when there is none.
///
/// Only `packageDirectories[].path` (required) and `.default` are read; other keys are ignored.
pub fn read_sfdx_project(dir: &Path) -> Result<Option<SfdxProject>, SourceError> {
    let file = dir.join(SFDX_PROJECT_FILE);
    // A FIFO would block the read forever.
    if fs::metadata(&file).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Err(SourceError::io(
            &file,
            io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    let text = match fs::read(&file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SourceError::io(&file, e)),
    };
    // The CLI writes UTF-8; tolerate a BOM as editors on Windows add one.
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let raw: RawSfdxProject = serde_json::from_slice(text).map_err(|e| {
        let mut message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_string();
        }
        SourceError::InvalidSfdxProject {
            file: file.clone(),
            line: e.line(),
            column: e.column(),
            message,
        }
    })?;
    Ok(Some(SfdxProject {
        file,
        dir: dir.to_path_buf(),
        package_directories: raw
            .package_directories
            .into_iter()
            .map(|p| PackageDirectory {
                path: p.path.replace('\\', "/"),
                default: p.default == Some(serde_json::Value::Bool(true)),
            })
            .collect(),
    }))
}

/// The directory report paths are relative to: the nearest ancestor of `path` (canonicalized,
/// itself included) that contains `.git`; else the current directory when `path` is below it;
/// else the nearest ancestor holding `sfdx-project.json`, else `path`'s folder.
pub fn project_root(path: &Path) -> Result<PathBuf, SourceError> {
    let canonical = canonicalize(path)?;
    let start = if canonical.is_dir() {
        canonical.as_path()
    } else {
        canonical.parent().unwrap_or(&canonical)
    };
    if let Some(root) = start
        .ancestors()
        .find(|dir| fs::symlink_metadata(dir.join(".git")).is_ok())
    {
        return Ok(root.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| SourceError::io(Path::new("."), e))?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    if start.starts_with(&cwd) {
        return Ok(cwd);
    }
    // Outside the current directory and outside a repository: the SFDX project that
    // holds the path (else the path itself), so reports never carry absolute paths.
    Ok(start
        .ancestors()
        .find(|dir| dir.join("sfdx-project.json").is_file())
        .unwrap_or(start)
        .to_path_buf())
}

fn canonicalize(path: &Path) -> Result<PathBuf, SourceError> {
    path.canonicalize().map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            SourceError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            SourceError::io(path, e)
        }
    })
}

/// Finds Apex classes and triggers (`.cls`, `.trigger`) under `paths` (default `.`).
/// `exclude` is matched against each file's repository-relative `rel` path.
pub fn discover_apex(
    paths: &[PathBuf],
    exclude: Option<&GlobSet>,
) -> Result<SourceSet, SourceError> {
    discover(paths, APEX_EXTENSIONS, exclude)
}

/// Finds files whose extension (case-insensitive, without the dot) is in `extensions` under
/// `paths` (default `.`), following the rules in the module documentation.
pub fn discover(
    paths: &[PathBuf],
    extensions: &[&str],
    exclude: Option<&GlobSet>,
) -> Result<SourceSet, SourceError> {
    let default_paths = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default_paths[..]
    } else {
        paths
    };
    let extensions: Vec<String> = extensions
        .iter()
        .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
        .collect();

    // Resolve every path first so that a typo fails before any work is done.
    let mut targets = Vec::new();
    for given in paths {
        let canonical = canonicalize(given)?;
        let metadata = fs::metadata(&canonical).map_err(|e| SourceError::io(given, e))?;
        targets.push((given.clone(), canonical, metadata));
    }
    let root = project_root(&paths[0])?;

    let mut scan = Scan {
        root: &root,
        extensions: &extensions,
        exclude,
        found: BTreeMap::new(),
        warnings: Vec::new(),
    };
    for (given, canonical, metadata) in targets {
        if metadata.is_dir() {
            match read_sfdx_project(&canonical)? {
                Some(project) => {
                    if project.package_directories.is_empty() {
                        scan.warnings.push(format!(
                            "{}: `packageDirectories` is empty; nothing to scan",
                            project.file.display()
                        ));
                    }
                    let forceignore = canonical.join(FORCEIGNORE_FILE);
                    let forceignore = forceignore.is_file().then_some(forceignore);
                    for package in &project.package_directories {
                        let resolved = canonical.join(&package.path);
                        let dir = match resolved.canonicalize() {
                            Ok(dir) if dir.is_dir() => dir,
                            _ => {
                                return Err(SourceError::MissingPackageDir {
                                    file: project.file.clone(),
                                    declared: package.path.clone(),
                                    resolved,
                                })
                            }
                        };
                        scan.walk(&dir, forceignore.as_deref());
                    }
                }
                None => scan.walk(&canonical, None),
            }
        } else if metadata.is_file() {
            scan.file(&given, &canonical);
        } else {
            scan.warnings.push(format!(
                "{}: skipped: not a regular file or directory",
                given.display()
            ));
        }
    }

    let warnings = scan.warnings;
    let mut files: Vec<SourceFile> = scan
        .found
        .into_iter()
        .map(|(path, rel)| SourceFile { path, rel })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel).then_with(|| a.path.cmp(&b.path)));
    Ok(SourceSet {
        root,
        files,
        warnings,
    })
}

struct Scan<'a> {
    root: &'a Path,
    extensions: &'a [String],
    exclude: Option<&'a GlobSet>,
    /// Canonical path → rel; a map so that overlapping paths do not duplicate files.
    found: BTreeMap<PathBuf, String>,
    warnings: Vec<String>,
}

impl Scan<'_> {
    fn wanted_extension(&self, path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| self.extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
    }

    fn excluded(&self, rel: &str) -> bool {
        self.exclude.is_some_and(|set| set.is_match(rel))
    }

    /// A file the user named: no ignore file applies, the extension and `exclude` do.
    fn file(&mut self, given: &Path, canonical: &Path) {
        if !self.wanted_extension(canonical) {
            let wanted: Vec<String> = self.extensions.iter().map(|e| format!(".{e}")).collect();
            self.warnings.push(format!(
                "{}: skipped: not a {} file",
                given.display(),
                wanted.join(" or ")
            ));
            return;
        }
        let rel = rel_path(self.root, canonical);
        if !self.excluded(&rel) {
            self.found.insert(canonical.to_path_buf(), rel);
        }
    }

    fn walk(&mut self, dir: &Path, project_forceignore: Option<&Path>) {
        let mut builder = WalkBuilder::new(dir);
        builder
            .standard_filters(true)
            .ignore(false)
            .git_global(false)
            .require_git(false)
            .follow_links(false)
            // Ignore files above the repository root are not the repository's: a checkout
            // inside another tree (a CI runner's build folder under an ignored path) must
            // not lose its sources to the outer tree's `.gitignore`. The ones between the
            // root and `dir` are read explicitly below.
            .parents(false)
            .add_custom_ignore_filename(FORCEIGNORE_FILE);
        // Ignore files in `dir` and below are read by the walker, rooted at their own
        // folder. Those above `dir` are rooted here, at the folder that holds them — never
        // at the working directory (`WalkBuilder::add_ignore` matches relative to it, so
        // the answer would depend on where the tool was started).
        let mut outer: Vec<Gitignore> = Vec::new();
        let mut read: Vec<PathBuf> = Vec::new();
        let mut add = |file: &Path, warnings: &mut Vec<String>| {
            if read.iter().any(|f| f == file) {
                return;
            }
            read.push(file.to_path_buf());
            let (matcher, err) = Gitignore::new(file);
            if let Some(err) = err {
                warnings.push(format!("{}: {err}", file.display()));
            }
            outer.push(matcher);
        };
        for ancestor in dir.ancestors().skip(1) {
            if !ancestor.starts_with(self.root) {
                break;
            }
            for name in [FORCEIGNORE_FILE, ".gitignore"] {
                let file = ancestor.join(name);
                if file.is_file() {
                    add(&file, &mut self.warnings);
                }
            }
        }
        if let Some(forceignore) = project_forceignore {
            // Already read above when the project is inside the root; this covers a project
            // outside it and package directories outside the project (`../shared`).
            add(forceignore, &mut self.warnings);
        }
        let walk_dir = dir.to_path_buf();
        let exclude = self.exclude.cloned();
        let root = self.root.to_path_buf();
        builder.filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if entry.depth() > 0 && is_dir {
                if let Some(exclude) = &exclude {
                    if exclude.is_match(rel_path(&root, entry.path())) {
                        return false;
                    }
                }
            }
            !outer_ignored(&outer, &walk_dir, entry.path(), is_dir)
        });
        for entry in builder.build() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    self.warnings.push(err.to_string());
                    continue;
                }
            };
            // Symbolic links, FIFOs, sockets and devices are not regular files.
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.path();
            if !self.wanted_extension(path) {
                continue;
            }
            let rel = rel_path(self.root, path);
            if !self.excluded(&rel) {
                self.found.insert(path.to_path_buf(), rel);
            }
        }
    }
}

/// Whether the ignore files above a walked directory (`outer`, nearest folder first) ignore
/// `path`. Each file's patterns are relative to the folder holding it; the nearest file that
/// decides (ignore or `!` whitelist) wins, as git does. For a path outside a file's folder (a
/// package directory outside the project), the path relative to the walked directory is used.
fn outer_ignored(outer: &[Gitignore], walk_dir: &Path, path: &Path, is_dir: bool) -> bool {
    for matcher in outer {
        let decision = if path.starts_with(matcher.path()) {
            matcher.matched_path_or_any_parents(path, is_dir)
        } else {
            match path.strip_prefix(walk_dir) {
                Ok(rel) if !rel.as_os_str().is_empty() => {
                    matcher.matched_path_or_any_parents(rel, is_dir)
                }
                _ => ignore::Match::None,
            }
        };
        match decision {
            ignore::Match::Ignore(_) => return true,
            ignore::Match::Whitelist(_) => return false,
            ignore::Match::None => {}
        }
    }
    false
}

/// `path` relative to `root` with `/` separators; the whole path (with `/`) when outside it.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in relative.components() {
        let part = match component {
            Component::Normal(p) => p.to_string_lossy(),
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Prefix(p) => p.as_os_str().to_string_lossy(),
            Component::CurDir => continue,
            Component::ParentDir => "..".into(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    out
}

impl fmt::Display for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn rels(set: &SourceSet) -> Vec<&str> {
        set.files.iter().map(|f| f.rel.as_str()).collect()
    }

    /// A repository with `.git`, an sfdx project with two package dirs and decoys.
    fn sample_repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        fs::create_dir(r.join(".git")).unwrap();
        write(
            r,
            "sfdx-project.json",
            r#"{
  "packageDirectories": [
    { "path": "force-app", "default": true },
    { "path": "team-b/src", "package": "TeamB", "versionName": "ver 0.1" }
  ],
  "namespace": "",
  "sourceApiVersion": "61.0"
}"#,
        );
        write(r, ".forceignore", "# Salesforce ignores\n**/Ignored*.cls\n");
        write(
            r,
            "force-app/main/default/classes/Service.cls",
            "public class Service {}",
        );
        write(
            r,
            "force-app/main/default/classes/Service.cls-meta.xml",
            "<xml/>",
        );
        write(r, "force-app/main/default/classes/IgnoredThing.cls", "");
        write(
            r,
            "force-app/main/default/triggers/Acc.trigger",
            "trigger Acc on Account (before insert) {}",
        );
        write(r, "force-app/main/default/classes/UPPER.CLS", "");
        write(r, "force-app/main/default/lwc/cmp/cmp.js", "");
        write(r, "team-b/src/classes/B.cls", "");
        write(r, "team-b/src/.forceignore", "classes/Local*.cls\n");
        write(r, "team-b/src/classes/LocalOnly.cls", "");
        write(r, "team-b/notapackage/Stray.cls", "");
        write(r, "scripts/apex/Anon.cls", "");
        write(r, "force-app/.hidden/H.cls", "");
        write(r, ".sfdx/tools/sobjects/Account.cls", "");
        dir
    }

    #[test]
    fn sfdx_project_package_dirs_forceignore_and_extensions() {
        let dir = sample_repo();
        let set = discover_apex(&[dir.path().to_path_buf()], None).unwrap();
        assert_eq!(set.root, dir.path().canonicalize().unwrap());
        assert_eq!(
            rels(&set),
            vec![
                "force-app/main/default/classes/Service.cls",
                "force-app/main/default/classes/UPPER.CLS",
                "force-app/main/default/triggers/Acc.trigger",
                "team-b/src/classes/B.cls",
            ]
        );
        assert!(set.warnings.is_empty(), "{:?}", set.warnings);
        for f in &set.files {
            assert!(
                f.path.is_absolute() && f.path.is_file(),
                "{}",
                f.path.display()
            );
            assert!(f.path.ends_with(&f.rel));
        }
    }

    #[test]
    fn project_forceignore_applies_to_package_dirs_outside_the_project_dir() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        fs::create_dir(r.join(".git")).unwrap();
        write(
            r,
            "app/sfdx-project.json",
            r#"{"packageDirectories":[{"path":"../shared"},{"path":"src"}]}"#,
        );
        write(r, "app/.forceignore", "Skip*.cls\n");
        write(r, "app/src/Keep.cls", "");
        write(r, "app/src/SkipMe.cls", "");
        write(r, "shared/Lib.cls", "");
        write(r, "shared/SkipToo.cls", "");
        let set = discover_apex(&[r.join("app")], None).unwrap();
        assert_eq!(rels(&set), vec!["app/src/Keep.cls", "shared/Lib.cls"]);
    }

    #[test]
    fn gitignore_is_honoured_outside_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, ".gitignore", "build/\n*.bak.cls\n");
        write(r, "src/A.cls", "");
        write(r, "src/A.bak.cls", "");
        write(r, "build/Gen.cls", "");
        let set = discover_apex(&[r.to_path_buf()], None).unwrap();
        assert_eq!(set.files.len(), 1);
        assert!(set.files[0].path.ends_with("src/A.cls"));
    }

    #[test]
    fn ignore_files_above_the_repository_root_do_not_apply() {
        // A CI runner's build folder: the checkout (with its own .git) sits below a folder
        // whose .gitignore ignores everything.
        let outer = tempfile::tempdir().unwrap();
        write(outer.path(), ".gitignore", "*\n");
        let repo = outer.path().join("builds/project");
        fs::create_dir_all(repo.join(".git")).unwrap();
        write(&repo, ".gitignore", "generated/\n");
        write(&repo, "force-app/main/default/classes/A.cls", "");
        write(&repo, "force-app/main/default/generated/G.cls", "");
        write(
            &repo,
            "sfdx-project.json",
            r#"{"packageDirectories": [{"path": "force-app"}]}"#,
        );
        let set = discover_apex(std::slice::from_ref(&repo), None).unwrap();
        assert_eq!(rels(&set), vec!["force-app/main/default/classes/A.cls"]);
        // The repository's own .gitignore still applies to a sub-folder scan.
        let set = discover_apex(&[repo.join("force-app/main")], None).unwrap();
        assert_eq!(rels(&set), vec!["force-app/main/default/classes/A.cls"]);
    }

    #[test]
    fn plain_directory_without_sfdx_project() {
        let dir = sample_repo();
        let set = discover_apex(&[dir.path().join("scripts")], None).unwrap();
        // Root is still the directory holding `.git`.
        assert_eq!(rels(&set), vec!["scripts/apex/Anon.cls"]);
        // A sub-folder of a package still honours the project's .forceignore (parent dirs).
        let set =
            discover_apex(&[dir.path().join("force-app/main/default/classes")], None).unwrap();
        assert_eq!(
            rels(&set),
            vec![
                "force-app/main/default/classes/Service.cls",
                "force-app/main/default/classes/UPPER.CLS",
            ]
        );
    }

    #[test]
    fn explicit_files_are_taken_as_they_are_and_deduplicated() {
        let dir = sample_repo();
        let r = dir.path();
        let set = discover_apex(
            &[
                r.join("force-app/main/default/classes/IgnoredThing.cls"),
                r.to_path_buf(),
                r.join("force-app/main/default/classes/Service.cls"),
                r.join("force-app/main/default/classes/../classes/Service.cls"),
                r.join("force-app/main/default/classes/Service.cls-meta.xml"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(
            rels(&set),
            vec![
                "force-app/main/default/classes/IgnoredThing.cls",
                "force-app/main/default/classes/Service.cls",
                "force-app/main/default/classes/UPPER.CLS",
                "force-app/main/default/triggers/Acc.trigger",
                "team-b/src/classes/B.cls",
            ]
        );
        assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
        assert!(
            set.warnings[0].contains("Service.cls-meta.xml: skipped: not a .cls or .trigger file")
        );
    }

    #[test]
    fn exclude_globs_match_repo_relative_paths() {
        let dir = sample_repo();
        let config = crate::config::Config::from_str(
            "lint:\n  exclude: [\"team-b\", \"**/triggers/*.trigger\"]\n",
            "t",
        )
        .unwrap();
        let set = config.lint.exclude_set();
        let found = discover_apex(&[dir.path().to_path_buf()], Some(set)).unwrap();
        assert_eq!(
            rels(&found),
            vec![
                "force-app/main/default/classes/Service.cls",
                "force-app/main/default/classes/UPPER.CLS",
            ]
        );
        // Excludes apply to explicitly named files too.
        let found =
            discover_apex(&[dir.path().join("team-b/src/classes/B.cls")], Some(set)).unwrap();
        assert!(found.files.is_empty());
    }

    #[test]
    fn generic_discover_takes_other_extensions() {
        let dir = sample_repo();
        let set = discover(&[dir.path().to_path_buf()], &[".JS", "xml"], None).unwrap();
        assert_eq!(
            rels(&set),
            vec![
                "force-app/main/default/classes/Service.cls-meta.xml",
                "force-app/main/default/lwc/cmp/cmp.js",
            ]
        );
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let e = discover_apex(&[dir.path().to_path_buf(), missing.clone()], None).unwrap_err();
        assert!(matches!(&e, SourceError::NotFound { path } if path == &missing));
        assert_eq!(
            e.to_string(),
            format!("{}: no such file or directory", missing.display())
        );
    }

    #[test]
    fn missing_package_dir_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "sfdx-project.json",
            r#"{"packageDirectories":[{"path":"force-app"},{"path":"gone"}]}"#,
        );
        fs::create_dir(dir.path().join("force-app")).unwrap();
        let e = discover_apex(&[dir.path().to_path_buf()], None).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("sfdx-project.json: package directory `gone` does not exist"),
            "{text}"
        );
    }

    #[test]
    fn malformed_sfdx_project_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "sfdx-project.json",
            "{\n  \"packageDirectories\": [\n    { \"path\": \"a\" },\n  ]\n}\n",
        );
        let e = discover_apex(&[dir.path().to_path_buf()], None).unwrap_err();
        match &e {
            SourceError::InvalidSfdxProject {
                file, line, column, ..
            } => {
                assert!(file.ends_with("sfdx-project.json"));
                assert_eq!((*line, *column), (4, 3));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            e.to_string()
                .contains("sfdx-project.json:4:3: invalid sfdx-project.json: trailing comma"),
            "{e}"
        );

        write(dir.path(), "sfdx-project.json", "{\"name\": \"x\"}");
        let e = read_sfdx_project(dir.path()).unwrap_err();
        assert!(
            e.to_string().contains("missing field `packageDirectories`"),
            "{e}"
        );

        write(
            dir.path(),
            "sfdx-project.json",
            "{\"packageDirectories\": [{\"path\": 3}]}",
        );
        let e = read_sfdx_project(dir.path()).unwrap_err();
        assert!(
            e.to_string()
                .contains(":1:34: invalid sfdx-project.json: invalid type: integer `3`"),
            "{e}"
        );

        fs::write(dir.path().join("sfdx-project.json"), b"\x00\xff\xfe").unwrap();
        assert!(read_sfdx_project(dir.path()).is_err());
    }

    #[test]
    fn read_sfdx_project_reads_package_dirs() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_sfdx_project(dir.path()).unwrap(), None);
        write(
            dir.path(),
            "sfdx-project.json",
            "\u{feff}{\"packageDirectories\":[{\"path\":\"force-app\",\"default\":true},{\"path\":\"pkgs\\\\b\",\"default\":\"yes\"}]}",
        );
        let p = read_sfdx_project(dir.path()).unwrap().unwrap();
        assert_eq!(
            p.package_directories,
            vec![
                PackageDirectory {
                    path: "force-app".into(),
                    default: true
                },
                PackageDirectory {
                    path: "pkgs/b".into(),
                    default: false
                },
            ]
        );
        assert_eq!(
            p.package_paths(),
            vec![dir.path().join("force-app"), dir.path().join("pkgs/b")]
        );
    }

    #[test]
    fn empty_package_directories_warns() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "sfdx-project.json",
            r#"{"packageDirectories":[]}"#,
        );
        write(dir.path(), "A.cls", "");
        let set = discover_apex(&[dir.path().to_path_buf()], None).unwrap();
        assert!(set.files.is_empty());
        assert!(
            set.warnings[0].contains("`packageDirectories` is empty"),
            "{:?}",
            set.warnings
        );
    }

    #[test]
    fn root_is_the_nearest_git_ancestor_even_for_a_git_file() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path().canonicalize().unwrap();
        fs::create_dir(r.join(".git")).unwrap();
        write(&r, "sub/worktree/.git", "gitdir: /elsewhere\n");
        write(&r, "sub/worktree/src/A.cls", "");
        write(&r, "sub/B.cls", "");
        assert_eq!(project_root(&r.join("sub/B.cls")).unwrap(), r);
        assert_eq!(
            project_root(&r.join("sub/worktree/src")).unwrap(),
            r.join("sub/worktree")
        );
        let set = discover_apex(
            &[r.join("sub/worktree/src/A.cls"), r.join("sub/B.cls")],
            None,
        )
        .unwrap();
        // The root comes from the first path; files outside it keep an absolute path.
        assert_eq!(set.root, r.join("sub/worktree"));
        assert_eq!(set.files.len(), 2);
        assert!(set.files.iter().any(|f| f.rel == "src/A.cls"));
        let b = r.join("sub/B.cls");
        assert!(set.files.iter().any(|f| f.rel == b.to_string_lossy()));
    }

    #[test]
    fn relative_paths_resolve_from_the_current_directory() {
        // `.` is the default; the test binary runs in the crate directory, a git checkout or not.
        let set = discover(&[], &["no-such-extension"], None).unwrap();
        assert!(set.files.is_empty());
        assert!(set.root.is_absolute());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_loops_and_fifos_do_not_hang_or_count() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, "src/A.cls", "");
        symlink(r.join("src"), r.join("src/loop")).unwrap();
        symlink(r.join("src/A.cls"), r.join("src/Link.cls")).unwrap();
        symlink(r.join("nowhere.cls"), r.join("src/Broken.cls")).unwrap();
        let fifo = r.join("src/Pipe.cls");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let set = discover_apex(&[r.to_path_buf()], None).unwrap();
        assert_eq!(set.files.len(), 1, "{:?}", set.files);
        assert!(set.files[0].path.ends_with("src/A.cls"));

        // A FIFO named explicitly is skipped with a warning, not opened.
        let set = discover_apex(&[fifo], None).unwrap();
        assert!(set.files.is_empty());
        assert!(
            set.warnings[0].contains("not a regular file"),
            "{:?}",
            set.warnings
        );
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_directory_is_a_warning() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, "ok/A.cls", "");
        write(r, "locked/B.cls", "");
        fs::set_permissions(r.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
        let readable = fs::read_dir(r.join("locked")).is_ok(); // root ignores permissions
        let set = discover_apex(&[r.to_path_buf()], None).unwrap();
        fs::set_permissions(r.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        if readable {
            assert_eq!(set.files.len(), 2);
        } else {
            assert_eq!(set.files.len(), 1);
            assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
            assert!(set.warnings[0].contains("locked"), "{:?}", set.warnings);
        }
    }

    #[test]
    fn rel_path_uses_forward_slashes() {
        let root = PathBuf::from("/repo");
        assert_eq!(rel_path(&root, Path::new("/repo/a/b.cls")), "a/b.cls");
        assert_eq!(
            rel_path(&root, Path::new("/elsewhere/c.cls")),
            "/elsewhere/c.cls"
        );
        assert_eq!(rel_path(&root, Path::new("/repo")), "");
    }

    #[test]
    fn outside_a_repository_and_the_current_directory_the_root_is_the_sfdx_project() {
        // The tests run in the crate's folder; a temporary folder is elsewhere.
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("proj");
        fs::create_dir_all(project.join("force-app/main")).unwrap();
        fs::write(project.join("sfdx-project.json"), "{}").unwrap();
        let project = project.canonicalize().unwrap();
        assert_eq!(
            project_root(&project.join("force-app/main")).unwrap(),
            project
        );
        // No project above it: the path itself.
        let lone = tmp.path().join("lone");
        fs::create_dir_all(&lone).unwrap();
        assert_eq!(project_root(&lone).unwrap(), lone.canonicalize().unwrap());
    }
}
