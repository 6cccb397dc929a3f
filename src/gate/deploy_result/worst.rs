//! The coverage outputs of `gate deploy-result` beyond its checks: the worst-covered
//! classes of the Markdown summary and the Cobertura XML.

use super::{SourceIndex, Tier, Worst};
use crate::gate::cobertura::{self, Fidelity};
use crate::gate::sf_result::{ClassCoverage, Parsed};
use std::collections::BTreeMap;

/// The ten worst-covered classes, lowest first (then the largest, then by name).
pub(super) fn worst_covered(
    measured: &[&ClassCoverage],
    tier_of: &[Option<usize>],
    tiers: &[Tier],
) -> Vec<Worst> {
    let mut worst: Vec<Worst> = measured
        .iter()
        .zip(tier_of)
        .filter_map(|(c, t)| {
            c.percent().map(|v| Worst {
                name: c.name.clone(),
                percent: v,
                covered: c.covered,
                total: c.total,
                tier: t.map(|i| tiers[i].name.clone()),
            })
        })
        .collect();
    worst.sort_by(|a, b| {
        a.percent
            .total_cmp(&b.percent)
            .then(b.total.cmp(&a.total))
            .then(a.name.cmp(&b.name))
    });
    worst.truncate(10);
    worst
}

/// The Cobertura XML of the input's coverage, with each class at its source file (the
/// `cobertura` fidelity and the number of classes not found go to the summary).
pub(super) fn cobertura_xml(
    p: &Parsed,
    idx: &SourceIndex,
    summary: &mut BTreeMap<String, serde_json::Value>,
) -> String {
    let fidelity = if p.full_line_hits {
        Fidelity::FullLineHits
    } else {
        Fidelity::UncoveredOnly
    };
    summary.insert("cobertura".into(), fidelity.describe().into());
    let mut unmapped = 0usize;
    let xml = cobertura::render(&p.coverage, fidelity, |c| {
        let trigger = c
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("trigger"));
        match idx.apex(&c.name, trigger) {
            Some(f) => f.to_string(),
            None => {
                unmapped += 1;
                format!("{}.{}", c.name, if trigger { "trigger" } else { "cls" })
            }
        }
    });
    if unmapped > 0 {
        summary.insert("cobertura_unmapped_classes".into(), unmapped.into());
    }
    xml
}
