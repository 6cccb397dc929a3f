//! `--approvals`: new cross-team edges that one of the target team's owners approved pass.

use super::check::DepsError;
use crate::deps::rules::CROSS_TEAM;
use crate::report::{FindingsReport, Severity};

/// Which approvers count for a list of owners (`@user`, `@org/team`, …).
pub type ApprovedBy<'a> = dyn Fn(&[String]) -> Result<Vec<String>, String> + 'a;

/// `--approvals`: a new cross-team edge passes when one of the target team's
/// owners (`deps.teams.<team>.owners`) approved the merge request. `approved_by`
/// answers which approvers count for a list of owners. Returns how many edges
/// passed that way.
pub fn apply_approvals(
    report: &mut FindingsReport,
    approved_by: &ApprovedBy,
) -> Result<usize, DepsError> {
    let mut passed = 0;
    let mut kept = Vec::with_capacity(report.findings.len());
    for f in std::mem::take(&mut report.findings) {
        if f.rule == CROSS_TEAM.id && f.severity == Severity::Error {
            let owners: Vec<String> = f
                .extra
                .get("to_owners")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|o| o.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            if !owners.is_empty() && !approved_by(&owners).map_err(DepsError::Other)?.is_empty() {
                passed += 1;
                continue;
            }
        }
        kept.push(f);
    }
    report.findings = kept;
    report
        .summary
        .insert("approved_edges".into(), passed.into());
    Ok(passed)
}
