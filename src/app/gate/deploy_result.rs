//! `gate deploy-result`: the flags become [`crate::gate::deploy_result::DeployResult`].

use super::{run, Root};
use crate::forge::args::ChangeArgs;
use crate::forge::comment::CommentArgs;
use crate::gate::deploy_result::{self, DeployResult};
use crate::gate::record::RecordArgs;
use crate::notify::NotifyArgs;
use crate::report::output::OutputArgs;
use clap::Args;
use std::path::PathBuf;

pub(super) const AFTER_HELP: &str = "\
Coverage tiers: .sfci.yml gate.coverage.tiers (first match wins), or --tier (replaces them).
The org-wide minimum: --min-coverage, else gate.coverage.min, else 75 (the platform's).

Examples:
  sf project deploy validate --test-level RunLocalTests --json > deploy.json || true
  gate deploy-result deploy.json --min-coverage 85 --junit junit.xml --cobertura coverage.xml \\
      --codequality gl-code-quality.json
  sf apex run test --code-coverage --result-format json --wait 30 --json | gate deploy-result - \\
      --tier 'critical=100:Payment*,Order*' --tier 'standard=75:*'
  # In an MR pipeline: failures, failing tests and low coverage as one MR note (updated in
  # place), and a message to the release channel (SFCI_NOTIFY_URL holds the webhook URL):
  gate deploy-result deploy.json --comment --notify --junit junit.xml
  # Record a production deployment (a validation is recorded as kind=validation, not pushed):
  gate deploy-result deploy.json --record reports/deployments.jsonl \\
      --pushgateway http://pushgateway:9091 --team sales --environment production";

#[derive(Args, Debug)]
pub(super) struct DeployResultArgs {
    /// The JSON (or Metadata API XML) file; `-` reads stdin.
    #[arg(value_name = "FILE|-")]
    pub input: String,
    /// Org-wide minimum coverage in percent (0 = do not check).
    #[arg(long, value_name = "PERCENT")]
    pub min_coverage: Option<f64>,
    /// A coverage tier NAME=MIN:GLOB[,GLOB…] (repeatable, in order; replaces the config's).
    #[arg(long = "tier", alias = "tiers", value_name = "TIER")]
    pub tiers: Vec<String>,
    /// Also require this flow coverage (percent).
    #[arg(long, value_name = "PERCENT")]
    pub min_flow_coverage: Option<f64>,
    /// Coverage is required even when no test ran (by default a NoTestRun deployment
    /// skips the coverage checks).
    #[arg(long)]
    pub require_coverage: bool,
    /// The test level the deployment ran. With RunSpecifiedTests the org-wide check is
    /// skipped and every class and trigger of the deployment must reach 75 % from the
    /// specified tests (the org's per-class warnings; also recognised without this flag).
    #[arg(long, value_name = "LEVEL", value_parser = ["NoTestRun", "RunSpecifiedTests", "RunLocalTests", "RunAllTestsInOrg", "RunRelevantTests"])]
    pub test_level: Option<String>,
    /// Write Cobertura XML (GitLab coverage_report) to FILE.
    #[arg(long, value_name = "FILE")]
    pub cobertura: Option<PathBuf>,
    /// Write the Markdown summary (worst-covered classes) to FILE.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    #[command(flatten)]
    pub root: Root,
    #[command(flatten)]
    pub comment: CommentArgs,
    #[command(flatten)]
    pub change: ChangeArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub record: RecordArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn main(a: DeployResultArgs) -> ! {
    let c = DeployResult {
        input: a.input,
        min_coverage: a.min_coverage,
        tiers: a.tiers,
        min_flow_coverage: a.min_flow_coverage,
        require_coverage: a.require_coverage,
        specified_tests: a.test_level.as_deref() == Some("RunSpecifiedTests"),
        cobertura: a.cobertura,
        markdown: a.markdown,
        root: a.root.root,
        comment: a.comment,
        change: a.change,
        notify: a.notify,
        record: a.record,
    };
    run(&a.output, false, move || deploy_result::run(&c))
}
