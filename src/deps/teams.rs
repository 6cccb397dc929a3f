//! Which team a file belongs to when `.sfci.yml` does not say: the package directory of
//! `sfdx-project.json` it is in, else its first path segment; and a team's owners.

use crate::deps::config::DepsConfig;
use std::path::{Path, PathBuf};

/// Teams of files: `.sfci.yml` `deps.teams` globs, else the package directory of
/// `sfdx-project.json`, else the first path segment.
pub struct Teams<'a> {
    pub(super) config: &'a DepsConfig,
    /// (repo-relative prefix ending in `/`, team name), longest prefix first.
    packages: Vec<(String, String)>,
}

impl<'a> Teams<'a> {
    pub fn new(config: &'a DepsConfig, root: &Path, scanned: &[PathBuf]) -> Teams<'a> {
        let mut packages = Vec::new();
        for p in scanned {
            let dir = if p.is_dir() { p.clone() } else { continue };
            if let Ok(Some(project)) = crate::source::read_sfdx_project(&dir) {
                for pd in &project.package_directories {
                    let abs = project.dir.join(&pd.path);
                    let abs = abs.canonicalize().unwrap_or(abs);
                    let mut rel = crate::source::rel_path(root, &abs);
                    if !rel.ends_with('/') {
                        rel.push('/');
                    }
                    let path = pd.path.trim_start_matches("./").trim_end_matches('/');
                    packages.push((rel, path.to_string()));
                }
            }
        }
        // A package directory's team is its last path segment (`packages/sales` →
        // `sales`), a name `.sfci.yml` can give owners to; when two package
        // directories share a last segment, the whole path with `.` for `/`.
        let last = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let names: Vec<String> = packages.iter().map(|(_, p)| last(p)).collect();
        for (k, (_, p)) in packages.iter_mut().enumerate() {
            let clash = names.iter().filter(|n| **n == names[k]).count() > 1;
            *p = if clash {
                p.replace('/', ".")
            } else {
                names[k].clone()
            };
        }
        packages.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        Teams { config, packages }
    }

    pub fn team_of(&self, rel: &str) -> String {
        if let Some(t) = self.config.team_of_path(rel) {
            return t.to_string();
        }
        if let Some((_, t)) = self
            .packages
            .iter()
            .find(|(p, _)| rel.starts_with(p.as_str()))
        {
            return t.clone();
        }
        rel.split('/').next().unwrap_or(rel).to_string()
    }

    pub fn owners(&self, team: &str) -> Vec<String> {
        self.config
            .teams
            .get(team)
            .map(|t| t.owners.clone())
            .unwrap_or_default()
    }
}
