//! `gate deploy-result`: reading `sf project deploy … --json`, `sf apex run test --json` and
//! Metadata API deploy results (JSON or SOAP XML), evaluating them against coverage gates,
//! and rendering every report.
//!
//! Invariants beyond "no panic, no hang, bounded memory":
//! - no false pass: a failed test, a component error or a deploy error envelope never
//!   gives exit code 0;
//! - coverage percentages are finite;
//! - the machine outputs are well-formed whatever the input holds (control characters,
//!   `]]>`, invalid XML names): JSON and SARIF parse as JSON, JUnit and Cobertura parse as
//!   XML; the Markdown summary stays within its byte limit.

use sfci::gate::deploy_result::{evaluate, Options, SourceIndex, Tier};
use sfci::gate::sf_result::{parse, Kind, Outcome};
use sfci::report::{ExitCode, Render};
use std::sync::OnceLock;

fn index() -> &'static SourceIndex {
    static IDX: OnceLock<SourceIndex> = OnceLock::new();
    IDX.get_or_init(|| {
        // The fuzz crate sits in `fuzz/`, the regression test in the package root.
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = ["fixtures/gate/project", "../fixtures/gate/project"]
            .iter()
            .map(|p| here.join(p))
            .find(|p| p.is_dir())
            .expect("fixtures/gate/project");
        SourceIndex::build(&project)
    })
}

/// Runs the target on one input; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    let Ok(p) = parse(data, "deploy.json") else {
        return;
    };
    let opts = Options {
        min_coverage: 75.0,
        tiers: vec![Tier::new(
            "critical",
            90.0,
            &["Pay*".to_string(), "*Service".to_string()],
        )
        .expect("tier")],
        min_flow_coverage: Some(50.0),
        require_coverage: false,
        // Both judgements: org-wide, and per class of a RunSpecifiedTests run.
        specified_tests: data.first().is_some_and(|b| b & 1 == 1),
        origin: "deploy.json".into(),
    };
    let report = evaluate(&p, &opts, index(), true);

    let failed_test = p.tests.iter().any(|t| t.outcome == Outcome::Fail);
    let failed_component = p.component_failures.iter().any(|f| !f.warning);
    if failed_test || failed_component || p.kind == Kind::DeployError {
        assert_ne!(
            report.exit_code(),
            ExitCode::Passed,
            "false pass: failed test {failed_test}, failed component {failed_component}, kind {:?}",
            p.kind
        );
    }
    if p.success == Some(false) {
        assert_ne!(
            report.exit_code(),
            ExitCode::Passed,
            "false pass: success false"
        );
    }

    let json = report.json();
    serde_json::from_str::<serde_json::Value>(&json)
        .unwrap_or_else(|e| panic!("JSON report does not parse: {e}\n{json}"));
    let sarif = report.sarif();
    serde_json::from_str::<serde_json::Value>(&sarif)
        .unwrap_or_else(|e| panic!("SARIF report does not parse: {e}\n{sarif}"));
    let cq = report.codequality();
    serde_json::from_str::<serde_json::Value>(&cq)
        .unwrap_or_else(|e| panic!("Code Quality report does not parse: {e}\n{cq}"));
    let junit = report.junit();
    roxmltree::Document::parse(&junit)
        .unwrap_or_else(|e| panic!("JUnit report is not XML: {e}\n{junit}"));
    if let Some(xml) = &report.cobertura {
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        roxmltree::Document::parse_with_options(xml, opts)
            .unwrap_or_else(|e| panic!("Cobertura report is not XML: {e}\n{xml}"));
    }
    let _ = report.text(false);
    let _ = report.github("report.json");
    for limit in [1024usize, 65536] {
        let md = report.markdown(limit);
        assert!(
            md.len() <= limit,
            "Markdown of {} bytes over its limit {limit}",
            md.len()
        );
    }
    for c in &p.coverage {
        if let Some(pct) = c.percent() {
            assert!(pct.is_finite());
        }
    }
}
