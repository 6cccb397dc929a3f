//! CODEOWNERS for GitHub and GitLab: parsing, matching, validation, approvals.
//!
//! * [`parse()`] reads a file in either dialect into the shared [`model`]; [`discover`] finds it
//!   where the forge would.
//! * [`CodeOwners::matcher`](model::CodeOwners) compiles the rules once into a [`Matcher`]
//!   answering [`Matcher::owners_of`] and [`Matcher::matching_rules`].
//! * [`offline_problems()`] runs the offline checks against the tracked files; [`check`]
//!   turns them (and the forge checks) into the `validate` findings.
pub mod approvals;
pub mod check;
pub mod config;
pub mod matcher;
pub mod model;
pub mod parse;
pub mod rules;
pub mod validate;

pub use matcher::{Matcher, GITLAB_DEFAULT_SECTION};
pub use parse::{discover, locations, parse, GITHUB_LOCATIONS, GITHUB_MAX_BYTES, GITLAB_LOCATIONS};
pub use validate::{offline_problems, offline_problems_with};

use model::{CodeOwners, Dialect};
use std::path::Path;

/// Finds and parses the CODEOWNERS file the forge would use in the checkout at `root`.
/// `Ok(None)` when there is none. Bytes that are not UTF-8 are replaced (U+FFFD), so such a
/// line matches nothing rather than failing the run.
pub fn load(root: &Path, dialect: Dialect) -> std::io::Result<Option<CodeOwners>> {
    let Some(file) = discover(root, dialect) else {
        return Ok(None);
    };
    let bytes = std::fs::read(&file)?;
    let rel = file
        .strip_prefix(root)
        .unwrap_or(&file)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(Some(parse(&String::from_utf8_lossy(&bytes), &rel, dialect)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use globset::{Glob, GlobSet, GlobSetBuilder};
    use std::path::PathBuf;

    fn monorepo() -> PathBuf {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/enterprise-monorepo"
        ))
    }

    /// Every file of the fixture, repository-relative.
    fn tracked() -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path.strip_prefix(root).unwrap();
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(&monorepo(), &monorepo(), &mut out);
        out.sort();
        out
    }

    fn allow(globs: &[&str]) -> GlobSet {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            b.add(Glob::new(g).unwrap());
        }
        b.build().unwrap()
    }

    #[test]
    fn monorepo_github_codeowners() {
        let co = load(&monorepo(), Dialect::GitHub).unwrap().unwrap();
        assert_eq!(co.path, ".github/CODEOWNERS");
        assert!(co.problems.is_empty(), "{:?}", co.problems);
        let m = co.matcher();
        let owners = |p: &str| m.owners_of(p).owners;
        assert_eq!(
            owners("sales/main/default/classes/AccountSyncTest.cls"),
            vec!["@acme/sales"]
        );
        assert_eq!(
            owners("billing/main/default/classes/InvoiceService.cls"),
            vec!["@acme/billing"]
        );
        assert_eq!(
            owners(
                "service/main/default/objects/Invoice__c/fields/Open_Disputes__c.field-meta.xml"
            ),
            vec!["@acme/service", "@acme/billing"]
        );
        assert_eq!(
            owners("shared/main/default/objects/Integration_Endpoint__mdt/Integration_Endpoint__mdt.object-meta.xml"),
            vec!["@acme/integrations", "@acme/shared"]
        );
        assert_eq!(
            owners("sales/main/default/profiles/Sales Representative.profile-meta.xml"),
            vec!["@acme/sales", "@acme/security"]
        );
        assert_eq!(owners("sfdx-project.json"), vec!["@acme/shared"]);
        let exp = m.owners_of("billing/main/experimental/classes/BrokenRefundParser.cls");
        assert!(exp.owners.is_empty());
        assert_eq!(exp.line, Some(28), "the owner-less rule decides");
        assert!(exp.sections.is_empty());
        // Clean against the fixture's files, once the experimental folder is allowed unowned.
        let files = tracked();
        let problems = offline_problems(&co, &files, &allow(&["billing/main/experimental/**"]));
        assert!(problems.is_empty(), "{problems:#?}");
        let problems = offline_problems(&co, &files, &GlobSet::empty());
        assert!(!problems.is_empty());
        assert!(problems.iter().all(
            |p| p.rule == "unowned-file" && p.message.starts_with("billing/main/experimental/")
        ));
    }

    #[test]
    fn monorepo_gitlab_codeowners() {
        let co = load(&monorepo(), Dialect::GitLab).unwrap().unwrap();
        assert_eq!(co.path, ".gitlab/CODEOWNERS");
        assert!(co.problems.is_empty(), "{:?}", co.problems);
        let names: Vec<(&str, bool, u32)> = co
            .sections
            .iter()
            .map(|s| (s.name.as_str(), s.optional, s.approvals_required))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Shared", false, 1),
                ("Integrations", false, 1),
                ("Sales", false, 1),
                ("Service", false, 1),
                ("Billing", false, 2),
                ("Billing experimental", true, 1),
            ]
        );
        let m = co.matcher();
        let sections = |p: &str| {
            m.owners_of(p)
                .sections
                .into_iter()
                .map(|s| (s.name, s.owners, s.approvals_required, s.optional))
                .collect::<Vec<_>>()
        };
        let s = |n: &str, o: &[&str], a: u32, opt: bool| {
            (
                n.to_string(),
                o.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
                a,
                opt,
            )
        };
        assert_eq!(
            sections("sales/main/default/classes/AccountSyncTest.cls"),
            vec![s("Sales", &["@acme/sales-team"], 1, false)]
        );
        assert_eq!(
            sections(
                "service/main/default/objects/Invoice__c/fields/Open_Disputes__c.field-meta.xml"
            ),
            vec![
                s("Service", &["@acme/service-team"], 1, false),
                s("Billing", &["@acme/billing-team"], 2, false),
            ]
        );
        assert_eq!(
            sections("shared/main/default/objects/Integration_Endpoint__mdt/Integration_Endpoint__mdt.object-meta.xml"),
            vec![s("Integrations", &["@acme/integrations-team"], 1, false)],
            "excluded from Shared"
        );
        assert_eq!(
            sections("shared/main/default/classes/Logger.cls"),
            vec![s("Shared", &["@acme/shared-team"], 1, false)]
        );
        assert_eq!(
            sections("sales/main/default/profiles/Sales Representative.profile-meta.xml"),
            vec![s(
                "Sales",
                &["@acme/sales-team", "@acme/security"],
                1,
                false
            )]
        );
        assert_eq!(
            sections("billing/main/experimental/classes/BrokenRefundParser.cls"),
            vec![
                s("Billing", &["@acme/billing-team"], 2, false),
                s("Billing experimental", &["@acme/billing-leads"], 1, true),
            ]
        );
        assert_eq!(
            sections(".gitlab/CODEOWNERS"),
            vec![s(
                "codeowners",
                &["@acme/shared-team", "@@maintainer"],
                1,
                false
            )]
        );
        let o = m.owners_of("billing/main/experimental/classes/BrokenRefundParser.cls");
        assert_eq!(o.owners, vec!["@acme/billing-team", "@acme/billing-leads"]);
        assert_eq!(o.line, None);
        let problems = offline_problems(&co, &tracked(), &GlobSet::empty());
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn load_without_codeowners() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path(), Dialect::GitHub).unwrap().is_none());
        std::fs::write(dir.path().join("CODEOWNERS"), b"* @a\n/x\xff/ @b\n").unwrap();
        let co = load(dir.path(), Dialect::GitLab).unwrap().unwrap();
        assert_eq!(co.path, "CODEOWNERS");
        assert_eq!(co.rules.len(), 2);
        assert_eq!(co.rules[1].pattern, "/x\u{fffd}/");
    }
}
