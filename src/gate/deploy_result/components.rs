//! The components part of `gate deploy-result` (group `components`): a failing case and a
//! finding per component failure, a passing case when every component deployed.

use super::{finding, SourceIndex, COMPONENT_FAILURE};
use crate::gate::sf_result::{Kind, Parsed};
use crate::report::results::{CheckResult, ResultsReport};
use crate::report::Severity;

/// Adds the component cases and findings, and the `component_failures` count.
pub(super) fn check(p: &Parsed, idx: &SourceIndex, report: &mut ResultsReport) {
    let mut failed_components = 0;
    for f in &p.component_failures {
        let ty = f.component_type.as_deref().unwrap_or("Component");
        let name = format!("{ty} {}", f.full_name);
        let file = idx.component(f, &p.files);
        let loc = match (f.line, f.column) {
            (Some(l), Some(c)) => format!(" ({l}:{c})"),
            (Some(l), None) => format!(" (line {l})"),
            _ => String::new(),
        };
        let mut r = if f.warning {
            CheckResult::pass(&name, format!("warning: {}{loc}", f.problem))
        } else {
            failed_components += 1;
            CheckResult::fail(&name, format!("{}{loc}", f.problem))
        }
        .with_group("components");
        if let Some(file) = &file {
            r.file = Some(file.clone());
            report.findings.findings.push(finding(
                &COMPONENT_FAILURE,
                if f.warning {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                file.clone(),
                f.line.unwrap_or(1),
                f.column.unwrap_or(1),
                format!("{ty}:{}", f.full_name),
                format!("{name}: {}", f.problem),
                &f.problem,
            ));
        }
        report.results.push(r);
    }
    if p.kind == Kind::Deploy && p.component_failures.iter().all(|f| f.warning) {
        let n = p
            .components_total
            .map(|n| format!("{n} component(s)"))
            .unwrap_or_else(|| "all components".into());
        report.results.push(
            CheckResult::pass("components", format!("{n} deployed without errors"))
                .with_group("components"),
        );
    }
    report
        .summary
        .insert("component_failures".into(), failed_components.into());
}
