//! `gate promotion`: a merge request may only promote along the branch flow.
//!
//! Rules are `{from, to}` globs on branch names (`*` does not cross `/`). A target that some
//! rule names may only receive from the sources its rules allow; a target no rule names is
//! unrestricted (feature branches are the developers' playground). The default reproduces
//! Scenario 1 of the reference:
//!
//! ```text
//! feature/* → integration → uat → release/* → main
//! hotfix/*  → main, and back to integration
//! ```
//!
//! Rules come from `--rule FROM:TO` flags, else `.sfci.yml` `gate.promotion.rules`, else the
//! default. Source and target default to the merge request's (GitLab
//! `CI_MERGE_REQUEST_SOURCE_BRANCH_NAME` / `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`) or pull
//! request's (GitHub `GITHUB_HEAD_REF` / `GITHUB_BASE_REF`).

use super::{GateError, Override};
use crate::gate::config::BranchGlob;
use crate::notify::NotifyArgs;
use crate::report::results::{CheckResult, ResultsReport};
use std::path::PathBuf;
use std::time::Instant;

/// The default flow (Scenario 1).
pub const DEFAULT_RULES: &[(&str, &str)] = &[
    ("feature/*", "integration"),
    ("hotfix/*", "integration"),
    ("integration", "uat"),
    ("uat", "release/*"),
    ("release/*", "main"),
    ("hotfix/*", "main"),
];

/// A compiled rule: the `{from, to}` of `gate.promotion.rules` (compiled when `.sfci.yml` was
/// loaded), of a `--rule` flag or of [`DEFAULT_RULES`].
pub use crate::gate::config::PromotionRule as Rule;

fn glob(p: &str) -> Result<BranchGlob, GateError> {
    if p.trim().is_empty() {
        return Err(GateError(format!(
            "invalid branch glob `{p}`: it names no branch"
        )));
    }
    BranchGlob::new(p).map_err(|e| GateError(format!("invalid branch glob `{p}`: {}", e.kind())))
}

impl Rule {
    pub fn new(from: &str, to: &str) -> Result<Rule, GateError> {
        Ok(Rule {
            from: glob(from)?,
            to: glob(to)?,
        })
    }

    /// `FROM:TO` (`release/*:main`).
    pub fn parse_flag(s: &str) -> Result<Rule, GateError> {
        let (a, b) = s.split_once(':').ok_or_else(|| {
            GateError(format!(
                "invalid --rule `{s}`: write SOURCE:TARGET, e.g. 'release/*:main'"
            ))
        })?;
        Rule::new(a.trim(), b.trim())
    }
}

/// The rules in effect: flags, else config (compiled when loaded: cloned, not compiled again),
/// else the default.
pub fn rules(flags: &[String], config: &[Rule]) -> Result<(Vec<Rule>, &'static str), GateError> {
    if !flags.is_empty() {
        return Ok((
            flags
                .iter()
                .map(|f| Rule::parse_flag(f))
                .collect::<Result<_, _>>()?,
            "--rule",
        ));
    }
    if !config.is_empty() {
        return Ok((config.to_vec(), ".sfci.yml gate.promotion.rules"));
    }
    Ok((
        DEFAULT_RULES
            .iter()
            .map(|(a, b)| Rule::new(a, b))
            .collect::<Result<_, _>>()?,
        "the default flow",
    ))
}

/// Source and target branches from the CI variables.
pub fn branches_from_env<F: Fn(&str) -> Option<String>>(
    lookup: F,
) -> (Option<String>, Option<String>) {
    let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
    match (
        get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
        get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
    ) {
        (Some(s), Some(t)) => (Some(s), Some(t)),
        _ => (get("GITHUB_HEAD_REF"), get("GITHUB_BASE_REF")),
    }
}

/// The check: passes when the target is unrestricted or a rule allows source → target.
pub fn check(source: &str, target: &str, rules: &[Rule], origin: &str) -> CheckResult {
    let name = format!("promotion {source} → {target}");
    let for_target: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.to.matcher().is_match(target))
        .collect();
    let result = if for_target.is_empty() {
        CheckResult::pass(
            &name,
            format!("`{target}` has no promotion rule ({origin}): any source may merge"),
        )
    } else if let Some(r) = for_target
        .iter()
        .find(|r| r.from.matcher().is_match(source))
    {
        CheckResult::pass(
            &name,
            format!("allowed by {} → {} ({origin})", r.from, r.to),
        )
    } else {
        let allowed: Vec<&str> = for_target.iter().map(|r| r.from.as_str()).collect();
        CheckResult::fail(
            &name,
            format!(
                "`{target}` only receives merges from {} ({origin}); `{source}` is not one of them",
                allowed.join(", ")
            ),
        )
        .with_detail(
            rules
                .iter()
                .map(|r| format!("{} → {}", r.from, r.to))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    result
        .with_group("promotion")
        .with_extra("source", source.into())
        .with_extra("target", target.into())
}

/// Source and target: the ones given, else the merge request's from the CI variables
/// (`lookup`); an error names the flag and the variables when one is missing.
pub fn branches<F: Fn(&str) -> Option<String>>(
    source: Option<String>,
    target: Option<String>,
    lookup: F,
) -> Result<(String, String), GateError> {
    let (env_source, env_target) = branches_from_env(lookup);
    let source = source.or(env_source).ok_or_else(|| GateError("no source branch: pass --source, or run in a GitLab merge-request pipeline (CI_MERGE_REQUEST_SOURCE_BRANCH_NAME) or a GitHub pull_request workflow (GITHUB_HEAD_REF)".into()))?;
    let target = target.or(env_target).ok_or_else(|| GateError("no target branch: pass --target, or run in a GitLab merge-request pipeline (CI_MERGE_REQUEST_TARGET_BRANCH_NAME) or a GitHub pull_request workflow (GITHUB_BASE_REF)".into()))?;
    Ok((source, target))
}

/// `gate promotion`.
pub struct Promotion {
    pub source: Option<String>,
    pub target: Option<String>,
    /// `--rule SOURCE:TARGET` flags (they replace the config's rules and the default).
    pub rules: Vec<String>,
    /// Where `.sfci.yml` is.
    pub root: PathBuf,
    pub over: Option<Override>,
    pub notify: NotifyArgs,
}

/// May the source merge into the target? A blocking gate (`--override` passes it).
pub fn run(p: &Promotion) -> Result<ResultsReport, GateError> {
    let started = Instant::now();
    let cfg = super::config(&p.root)?;
    let (rules, origin) = rules(&p.rules, &cfg.gate.promotion.rules)?;
    let (source, target) = branches(p.source.clone(), p.target.clone(), |k| {
        std::env::var(k).ok()
    })?;
    let r = check(&source, &target, &rules, origin);
    Ok(super::blocking_report(
        "promotion",
        "promotion",
        r,
        p.over.as_ref(),
        &p.notify,
        started,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::results::Status;

    #[test]
    fn flags_name_the_branches_else_the_merge_request_does() {
        let gitlab = |k: &str| match k {
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME" => Some("feature/x".to_string()),
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME" => Some("integration".to_string()),
            _ => None,
        };
        assert_eq!(
            branches(None, None, gitlab).unwrap(),
            ("feature/x".to_string(), "integration".to_string())
        );
        assert_eq!(
            branches(Some("hotfix/1".into()), None, gitlab).unwrap(),
            ("hotfix/1".to_string(), "integration".to_string())
        );
        let e = branches(None, Some("main".into()), |_| None).unwrap_err();
        assert!(e.0.starts_with("no source branch: pass --source"), "{e}");
        let e = branches(Some("a".into()), None, |_| None).unwrap_err();
        assert!(e.0.starts_with("no target branch: pass --target"), "{e}");
    }

    #[test]
    fn default_flow_is_scenario_one() {
        let (r, _) = rules(&[], &[]).unwrap();
        let st = |s: &str, t: &str| check(s, t, &r, "default").status;
        assert_eq!(st("feature/TEAM-1", "integration"), Status::Pass);
        assert_eq!(st("integration", "uat"), Status::Pass);
        assert_eq!(st("uat", "release/2024-11-03"), Status::Pass);
        assert_eq!(st("release/2024-11-03", "main"), Status::Pass);
        assert_eq!(st("hotfix/URGENT-456", "main"), Status::Pass);
        assert_eq!(st("hotfix/URGENT-456", "integration"), Status::Pass);
        assert_eq!(st("feature/x", "main"), Status::Fail);
        assert_eq!(st("feature/x", "uat"), Status::Fail);
        assert_eq!(st("integration", "main"), Status::Fail);
        assert_eq!(
            st("feature/a/b", "integration"),
            Status::Fail,
            "* stays in one segment"
        );
        assert_eq!(st("main", "feature/x"), Status::Pass, "unrestricted target");
        let m = check("feature/x", "main", &r, "the default flow").message;
        assert_eq!(m, "`main` only receives merges from release/*, hotfix/* (the default flow); `feature/x` is not one of them");
    }

    #[test]
    fn flags_and_env() {
        let (r, origin) = rules(&["develop:main".into()], &[]).unwrap();
        assert_eq!(origin, "--rule");
        assert_eq!(check("develop", "main", &r, origin).status, Status::Pass);
        assert!(Rule::parse_flag("nocolon").is_err());
        let env = |k: &str| match k {
            "GITHUB_HEAD_REF" => Some("feature/x".to_string()),
            "GITHUB_BASE_REF" => Some("integration".to_string()),
            _ => None,
        };
        assert_eq!(
            branches_from_env(env),
            (Some("feature/x".into()), Some("integration".into()))
        );
    }
}
