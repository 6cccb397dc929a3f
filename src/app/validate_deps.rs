//! `validate-deps`: argument parsing and wiring only; the logic is in
//! `sfci::deps`.

use crate::deps::check::{apply_approvals, run, DepsError, DepsOptions};
use crate::forge::args::ChangeArgs;
use crate::forge::comment::CommentArgs;
use crate::forge::Forge;
use crate::owners::check::ApprovalSource;
use crate::owners::model::Dialect;
use crate::report::output::OutputArgs;
use clap::Parser;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Findings (ids are stable):
  cross-team-dependency  error in --base mode (a new edge), warning with --all (the inventory)
  forbidden-dependency   error    an edge that .sfci.yml deps.deny forbids (deny wins over allow)
  broken-reference       error    the change deletes or renames a component still referenced
  parse-error            warning  a file could not be read completely

Teams: .sfci.yml deps.teams.<name>.paths globs, else the sfdx-project.json package directory,
else the first path segment. Allowed edges: deps.allow [{from, to}] (team-name globs).

Exit codes: 0 nothing blocking, 1 blocking findings, 2 the tool could not run.

Examples:
  validate-deps --all --graph teams.mmd                  # inventory + Mermaid team graph
  validate-deps --base origin/main --junit deps.xml      # what this merge request adds
  validate-deps --base auto --select-tests tests.txt     # tests to run for this change
  validate-deps --base auto --approvals                  # an owner's approval passes a new edge
  validate-deps --base auto --comment                    # new edges, owners to ask, team graph
                                                         # as one comment on the MR/PR
  sf project deploy validate --test-level RunSpecifiedTests --tests $(cat tests.txt)";

/// Finds the cross-team dependencies of a Salesforce monorepo — Apex, triggers,
/// LWC, Aura, Visualforce, Flows, FlexiPages, permission sets, profiles, objects,
/// fields, labels, static resources — and what a change adds to them.
#[derive(Parser, Debug)]
#[command(name = "validate-deps", version, after_help = AFTER_HELP)]
struct Cli {
    /// Folders to scan (a folder with sfdx-project.json is scanned through its
    /// package directories; .forceignore and .gitignore are honoured).
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,

    /// Report what the change since the merge base with REV adds: new cross-team
    /// edges and broken references. `auto` reads the CI environment.
    #[arg(long, value_name = "REV", conflicts_with = "all")]
    base: Option<String>,

    /// The head revision of the change (default HEAD; the working tree is read).
    #[arg(long, value_name = "REV", requires = "base")]
    head: Option<String>,

    /// Report every cross-team edge of the repository (warnings; the default when
    /// --base is not given).
    #[arg(long)]
    all: bool,

    /// Write the Apex test classes whose call graph reaches a changed component, one
    /// per line (for `sf project deploy validate --test-level RunSpecifiedTests`).
    #[arg(long, value_name = "FILE", requires = "base")]
    select_tests: Option<PathBuf>,

    /// Write the team-level graph; format from the extension: .mmd (Mermaid), .dot,
    /// .json. Edge weights are reference counts.
    #[arg(long, value_name = "FILE")]
    graph: Option<PathBuf>,

    /// Configuration file (default: .sfci.yml at the repository root, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// A new cross-team edge passes when one of the target team's owners
    /// (deps.teams.<team>.owners) approved the merge request (read from the forge,
    /// as codeowners-check does; needs a token).
    #[arg(long, requires = "base")]
    approvals: bool,

    #[command(flatten)]
    comment: CommentArgs,

    /// The forge, the change and the API (for --approvals and --comment).
    #[command(flatten)]
    change: ChangeArgs,

    #[command(flatten)]
    net: crate::forge::args::NetArgs,

    #[command(flatten)]
    output: OutputArgs,
}

/// Runs the tool with `args` (the first is the program name) and exits.
pub fn main<I, T>(args: I) -> !
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli: Cli = crate::cli::parse_tool(args, crate::cli::JUNIT_HELP_FINDINGS);
    crate::cli::check_outputs("validate-deps", &cli.output);
    let opts = DepsOptions {
        paths: cli.paths,
        base: cli.base,
        head: cli.head,
        config: cli.config,
        select_tests: cli.select_tests,
        graph: cli.graph,
    };
    let approvals = cli.approvals.then(|| {
        let forge = cli.change.options(cli.net.http_config());
        let dialect = match forge.forge() {
            Forge::GitLab => Dialect::GitLab,
            _ => Dialect::GitHub,
        };
        (forge, dialect, cli.change.change)
    });
    let (comment, change) = (cli.comment, cli.change);
    let mode = if opts.base.is_some() { "base" } else { "all" };
    crate::cli::run_and_exit("validate-deps", &cli.output, false, move || {
        let mut report = run(&opts)?.report;
        if let Some((forge, dialect, change)) = approvals {
            let source = ApprovalSource::connect(&forge, dialect, change)
                .map_err(|e| DepsError::Other(e.to_string()))?;
            apply_approvals(&mut report, &|owners| {
                source.approved_by(owners).map_err(|e| e.to_string())
            })?;
        }
        crate::forge::comment::post_if_asked(&comment, &change, "validate-deps", mode, || {
            crate::deps::comment::render(&report, crate::forge::comment::BODY_LIMIT)
        });
        Ok::<_, DepsError>(report)
    });
}
