//! `gate deploy-result` as a command: the coverage thresholds from the flags, the config and
//! the platform's default; the input read and judged; the Cobertura and Markdown side files,
//! the merge-request note, the release-channel message and the deployment record.

use super::{evaluate, DeployReport, Options, SourceIndex, Tier};
use crate::forge::args::ChangeArgs;
use crate::forge::comment::CommentArgs;
use crate::gate::config::CoverageConfig;
use crate::gate::record::{self, Record, RecordArgs};
use crate::gate::{GateError, TOOL};
use crate::notify::{NotifyArgs, Policy};
use std::path::PathBuf;
use std::time::Instant;

/// The org-wide minimum when neither `--min-coverage` nor `gate.coverage.min` gives one:
/// the platform's own.
pub const DEFAULT_MIN_COVERAGE: f64 = 75.0;

/// `gate deploy-result`.
pub struct DeployResult {
    /// The file, or `-` for stdin.
    pub input: String,
    /// `--min-coverage`: wins over the config's minimum.
    pub min_coverage: Option<f64>,
    /// `--tier` flags: they replace the config's tiers.
    pub tiers: Vec<String>,
    pub min_flow_coverage: Option<f64>,
    pub require_coverage: bool,
    /// The deployment ran `RunSpecifiedTests`.
    pub specified_tests: bool,
    pub cobertura: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    /// Where `.sfci.yml` and the sources are.
    pub root: PathBuf,
    pub comment: CommentArgs,
    pub change: ChangeArgs,
    pub notify: NotifyArgs,
    pub record: RecordArgs,
}

/// The org-wide minimum and the tiers in effect: `--min-coverage`, else `gate.coverage.min`,
/// else [`DEFAULT_MIN_COVERAGE`]; `--tier` flags, else `gate.coverage.tiers`. Minimums must
/// be percentages.
pub fn thresholds(
    min_coverage: Option<f64>,
    tier_flags: &[String],
    min_flow_coverage: Option<f64>,
    config: &CoverageConfig,
) -> Result<(f64, Vec<Tier>), GateError> {
    let tiers = if tier_flags.is_empty() {
        config.tiers.iter().map(Tier::from_config).collect()
    } else {
        tier_flags
            .iter()
            .map(|t| Tier::parse_flag(t))
            .collect::<Result<Vec<_>, _>>()?
    };
    let min = min_coverage
        .or(config.min.map(|p| p.0))
        .unwrap_or(DEFAULT_MIN_COVERAGE);
    for (flag, v) in [
        ("--min-coverage", Some(min)),
        ("--min-flow-coverage", min_flow_coverage),
    ] {
        if let Some(v) = v {
            if !(0.0..=100.0).contains(&v) {
                return Err(GateError(format!(
                    "{flag} {v}: use a percentage from 0 to 100"
                )));
            }
        }
    }
    Ok((min, tiers))
}

/// Judges the input and does what was asked with the outcome.
pub fn run(c: &DeployResult) -> Result<DeployReport, GateError> {
    let cfg = crate::gate::config(&c.root)?;
    let (min, tiers) = thresholds(
        c.min_coverage,
        &c.tiers,
        c.min_flow_coverage,
        &cfg.gate.coverage,
    )?;
    let started = Instant::now();
    let (bytes, origin) = crate::gate::read_input(&c.input)?;
    let parsed = crate::gate::sf_result::parse(&bytes, &origin)?;
    let env = |k: &str| std::env::var(k).ok();
    let facts = c
        .record
        .wanted(&env)
        .then(|| record::DeployFacts::read(&parsed, &bytes));
    drop(bytes);
    let idx = SourceIndex::build(&c.root);
    let opts = Options {
        min_coverage: min,
        tiers,
        min_flow_coverage: c.min_flow_coverage,
        require_coverage: c.require_coverage,
        specified_tests: c.specified_tests,
        origin,
    };
    let mut report = evaluate(&parsed, &opts, &idx, c.cobertura.is_some());
    drop(parsed);
    if let (Some(path), Some(xml)) = (&c.cobertura, report.cobertura.take()) {
        report
            .results
            .write_side_file(path, "the Cobertura report", &xml);
    }
    if let Some(path) = &c.markdown {
        let text = crate::report::Render::markdown(&report, 1 << 20);
        report
            .results
            .write_side_file(path, "the Markdown summary", &text);
    }
    report.results.duration = started.elapsed();
    crate::forge::comment::post_if_asked(&c.comment, &c.change, TOOL, "deploy-result", || {
        crate::gate::deploy_comment::render(&report, crate::forge::comment::BODY_LIMIT)
    });
    crate::notify::results_if_asked(TOOL, &c.notify, Policy::Always, &report.results);
    if let Some(facts) = &facts {
        let line = Record::of_deploy(
            &report.results,
            facts,
            &c.record,
            &env,
            jiff::Timestamp::now(),
        );
        record::finish(TOOL, &c.record, &line);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::config::{ClassGlobs, CoverageTier, Percent};

    fn config(min: Option<f64>, tiers: &[(&str, f64, &str)]) -> CoverageConfig {
        CoverageConfig {
            min: min.map(Percent),
            tiers: tiers
                .iter()
                .map(|(name, min, glob)| CoverageTier {
                    name: name.to_string(),
                    min: Percent(*min),
                    classes: ClassGlobs::new(&[glob.to_string()]).unwrap(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_platform_minimum_applies_when_nothing_sets_one() {
        let (min, tiers) = thresholds(None, &[], None, &config(None, &[])).unwrap();
        assert_eq!(min, 75.0);
        assert!(tiers.is_empty());
        let (min, _) = thresholds(None, &[], None, &config(Some(85.0), &[])).unwrap();
        assert_eq!(min, 85.0);
        let (min, _) = thresholds(Some(0.0), &[], None, &config(Some(85.0), &[])).unwrap();
        assert_eq!(min, 0.0);
    }

    #[test]
    fn tier_flags_replace_the_config_tiers_and_minimums_are_percentages() {
        let cfg = config(None, &[("critical", 100.0, "Payment*")]);
        let (_, tiers) = thresholds(None, &[], None, &cfg).unwrap();
        assert_eq!(tiers[0].name, "critical");
        let (_, tiers) = thresholds(None, &["std=80:*".to_string()], None, &cfg).unwrap();
        assert_eq!((tiers.len(), tiers[0].name.as_str()), (1, "std"));
        let e = thresholds(Some(101.0), &[], None, &cfg).unwrap_err();
        assert_eq!(e.0, "--min-coverage 101: use a percentage from 0 to 100");
        let e = thresholds(None, &[], Some(-1.0), &cfg).unwrap_err();
        assert_eq!(
            e.0,
            "--min-flow-coverage -1: use a percentage from 0 to 100"
        );
    }
}
