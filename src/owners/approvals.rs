//! Which code-owner approvals a change needs, and which are missing.
//!
//! GitHub ("Require review from Code Owners"): every changed file needs an
//! approval from one owner of the rule that decides it; a rule without owners
//! needs none. GitLab: every (section, pattern) entry that owns a changed file needs
//! approvals from its owners — one, or the `[N]` of its section header; optional
//! sections (`^[Name]`) never block.

use super::model::{Dialect, Ownership};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One approval the change needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The GitLab section, or `line N` for the GitHub rule.
    pub name: String,
    /// The CODEOWNERS line of the (first) deciding rule.
    pub line: u32,
    /// Who may approve (as written in CODEOWNERS), sorted.
    pub owners: Vec<String>,
    pub approvals_required: u32,
    pub optional: bool,
    /// The changed files it covers.
    pub files: Vec<String>,
}

/// The requirements for a change, from the ownership of each changed file.
pub fn requirements(dialect: Dialect, owned: &[Ownership]) -> Vec<Requirement> {
    let mut by: BTreeMap<String, Requirement> = BTreeMap::new();
    for o in owned {
        match dialect {
            Dialect::GitHub => {
                let (Some(line), false) = (o.line, o.owners.is_empty()) else {
                    continue;
                };
                let key = format!("line {line:08}");
                let r = by.entry(key).or_insert_with(|| Requirement {
                    name: format!("line {line}"),
                    line,
                    owners: Vec::new(),
                    approvals_required: 1,
                    optional: false,
                    files: Vec::new(),
                });
                merge_owners(&mut r.owners, &o.owners);
                r.files.push(o.path.clone());
            }
            Dialect::GitLab => {
                for s in &o.sections {
                    if s.owners.is_empty() {
                        continue;
                    }
                    // GitLab makes one approval rule per section and pattern, with
                    // the count of the header the entry stands under.
                    let key = format!("{}\u{0}{:08}", s.name.to_lowercase(), s.line);
                    let r = by.entry(key).or_insert_with(|| Requirement {
                        name: s.name.clone(),
                        line: s.line,
                        owners: Vec::new(),
                        approvals_required: s.approvals_required.max(1),
                        optional: s.optional,
                        files: Vec::new(),
                    });
                    merge_owners(&mut r.owners, &s.owners);
                    r.files.push(o.path.clone());
                }
            }
        }
    }
    by.into_values().collect()
}

fn merge_owners(into: &mut Vec<String>, add: &[String]) {
    let mut set: BTreeSet<String> = into.drain(..).collect();
    set.extend(add.iter().cloned());
    into.extend(set);
}

/// Answers whether an approver counts for an owner entry (a user, a team or
/// group through membership, a GitLab role through the approver's access level).
pub trait OwnerCheck {
    fn approves_for(&self, approver: &str, owner: &str) -> Result<bool, String>;
}

/// How one requirement stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub requirement: Requirement,
    /// Approvers who count for it.
    pub approved_by: Vec<String>,
    /// Approvals still needed (0 when satisfied).
    pub missing: u32,
}

/// Evaluates every requirement against the change's approvers. Each approver
/// counts once per requirement.
pub fn evaluate(
    reqs: &[Requirement],
    approvers: &[String],
    check: &dyn OwnerCheck,
) -> Result<Vec<Status>, String> {
    let mut out = Vec::with_capacity(reqs.len());
    for r in reqs {
        let mut approved_by = Vec::new();
        for a in approvers {
            let mut counts = false;
            for o in &r.owners {
                if check.approves_for(a, o)? {
                    counts = true;
                    break;
                }
            }
            if counts && !approved_by.contains(a) {
                approved_by.push(a.clone());
            }
        }
        let missing = r
            .approvals_required
            .saturating_sub(approved_by.len() as u32);
        out.push(Status {
            requirement: r.clone(),
            approved_by,
            missing,
        });
    }
    Ok(out)
}

/// The summary comment posted on the merge request (Markdown), found again by
/// the hidden `marker`.
pub fn summary_markdown(marker: &str, statuses: &[Status]) -> String {
    let mut s = format!("<!-- {marker} -->\n### Code owners\n\n");
    let blocking: Vec<&Status> = statuses
        .iter()
        .filter(|st| st.missing > 0 && !st.requirement.optional)
        .collect();
    if blocking.is_empty() {
        s.push_str("All required code-owner approvals are present.\n\n");
    } else {
        s.push_str(&format!(
            "**{} approval group(s) still need approvals.**\n\n",
            blocking.len()
        ));
    }
    s.push_str("| section | owners | required | approved by | missing | files |\n|---|---|---:|---|---:|---:|\n");
    let esc = |t: &str| t.replace('|', "\\|");
    for st in statuses {
        let r = &st.requirement;
        s.push_str(&format!(
            "| {}{} | {} | {} | {} | {} | {} |\n",
            esc(&r.name),
            if r.optional { " (optional)" } else { "" },
            esc(&r.owners.join(", ")),
            r.approvals_required,
            esc(&st.approved_by.join(", ")),
            st.missing,
            r.files.len()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owners::model::SectionOwners;

    fn gh(path: &str, line: u32, owners: &[&str]) -> Ownership {
        Ownership {
            path: path.into(),
            owners: owners.iter().map(|s| s.to_string()).collect(),
            line: Some(line),
            sections: vec![],
        }
    }

    struct Users;
    impl OwnerCheck for Users {
        fn approves_for(&self, approver: &str, owner: &str) -> Result<bool, String> {
            Ok(match owner {
                "@acme/billing" => approver == "bea" || approver == "bo",
                o => o.trim_start_matches('@').eq_ignore_ascii_case(approver),
            })
        }
    }

    #[test]
    fn github_one_owner_per_deciding_rule() {
        let owned = vec![
            gh("billing/a.cls", 7, &["@acme/billing"]),
            gh("billing/b.cls", 7, &["@acme/billing"]),
            gh("sales/c.cls", 3, &["@sam", "@sue"]),
            gh("README.md", 9, &[]),
        ];
        let reqs = requirements(Dialect::GitHub, &owned);
        assert_eq!(reqs.len(), 2);
        let st = evaluate(&reqs, &["bea".into(), "bo".into()], &Users).unwrap();
        let billing = st.iter().find(|s| s.requirement.line == 7).unwrap();
        assert_eq!(billing.missing, 0);
        assert_eq!(billing.requirement.files.len(), 2);
        let sales = st.iter().find(|s| s.requirement.line == 3).unwrap();
        assert_eq!(sales.missing, 1);
        assert_eq!(sales.requirement.owners, vec!["@sam", "@sue"]);
    }

    #[test]
    fn gitlab_sections_counts_and_optional() {
        let sec = |name: &str, line: u32, owners: &[&str], n: u32, optional: bool| SectionOwners {
            name: name.into(),
            owners: owners.iter().map(|s| s.to_string()).collect(),
            line,
            optional,
            approvals_required: n,
        };
        let owned = vec![Ownership {
            path: "billing/a.cls".into(),
            owners: vec![],
            line: None,
            sections: vec![
                sec("Billing", 4, &["@acme/billing"], 2, false),
                sec("Docs", 9, &["@writer"], 1, true),
            ],
        }];
        let reqs = requirements(Dialect::GitLab, &owned);
        let st = evaluate(&reqs, &["bea".into()], &Users).unwrap();
        let billing = st.iter().find(|s| s.requirement.name == "Billing").unwrap();
        assert_eq!(billing.missing, 1, "[2] needs two billing approvals");
        let docs = st.iter().find(|s| s.requirement.name == "Docs").unwrap();
        assert!(docs.requirement.optional && docs.missing == 1);
        let md = summary_markdown("sfci:codeowners", &st);
        assert!(md.starts_with("<!-- sfci:codeowners -->"));
        assert!(md.contains("1 approval group(s) still need approvals"));
    }
}
