//! `gate sarif`: the flags become [`crate::gate::sarif_gate::Gate`].

use super::{run, Root};
use crate::forge::args::ChangeArgs;
use crate::forge::comment::CommentArgs;
use crate::gate::sarif_gate::{self as sg, Gate};
use crate::report::output::OutputArgs;
use clap::Args;
use std::path::PathBuf;

pub(super) const AFTER_HELP: &str = "\
Identity of a finding (the baseline key): engine (tool.driver.name), rule, repository-relative
file, a hash of its whitespace-collapsed snippet (else the first source line of its region
read under --root, else its symbol, else its message) and its occurrence index among
identical keys in the file. Never its line: a method moved 20 lines stays baselined; a
renamed file or a second identical finding in a file is new. New findings at or above --min-level are errors
(exit 1), below it warnings; baselined ones are counted, not reported (--show-baselined keeps
them as warnings). Malformed SARIF or baseline: exit 2 naming the file and position.

Examples:
  sf code-analyzer run --workspace . --output-file ca.sarif
  gate sarif ca.sarif --write-baseline .sfci/code-analyzer-baseline.json   # adopt: exit 0
  gate sarif ca.sarif --baseline .sfci/code-analyzer-baseline.json \\
      --codequality gl-code-quality.json --junit code-analyzer.xml
  gate sarif pmd.sarif eslint.sarif --baseline base.json --min-level warning --format github
  cat ca.sarif | gate sarif - --baseline base.json --json -";

#[derive(Args, Debug)]
pub(super) struct SarifArgs {
    /// SARIF 2.1.0 files (several runs each is fine); `-` reads stdin.
    #[arg(value_name = "FILE|-", required = true)]
    pub inputs: Vec<String>,
    /// Block only on findings not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to this baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// New findings at or above this SARIF level block; lower ones are warnings.
    #[arg(long, value_name = "LEVEL", default_value = "note",
          value_parser = ["error", "warning", "note"])]
    pub min_level: String,
    /// Keep baselined findings in the report, as (non-blocking) warnings.
    #[arg(long)]
    pub show_baselined: bool,
    #[command(flatten)]
    pub root: Root,
    #[command(flatten)]
    pub comment: CommentArgs,
    #[command(flatten)]
    pub change: ChangeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn main(a: SarifArgs) -> ! {
    // Writing a baseline adopts the findings: the run passes whatever it found.
    let record_only = a.write_baseline.is_some();
    let g = Gate {
        inputs: a.inputs,
        baseline: a.baseline,
        write_baseline: a.write_baseline,
        opts: sg::Options {
            root: a.root.root,
            min_level: sg::Level::parse(&a.min_level).unwrap_or(sg::Level::Note),
            show_baselined: a.show_baselined,
        },
        comment: a.comment,
        change: a.change,
    };
    run(&a.output, record_only, move || sg::run(&g))
}
