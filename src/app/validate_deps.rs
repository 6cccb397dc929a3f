//! `validate-deps`: argument parsing and wiring only; the logic is in
//! `sfci::deps`.

use crate::deps::approvals::apply_approvals;
use crate::deps::check::{run, DepsError, DepsOptions};
use crate::forge::args::ChangeArgs;
use crate::forge::comment::CommentArgs;
use crate::forge::Forge;
use crate::owners::check::ApprovalSource;
use crate::owners::model::Dialect;
use crate::report::output::OutputArgs;
use clap::Parser;
use std::path::PathBuf;

/// The rule list (from [`crate::deps::rules::RULES`]) and [`AFTER_RULES`].
fn after_help() -> String {
    format!(
        "Findings (ids are stable; open-change-* come with --conflicts: open changes of \
         different teams compared pairwise):\n{}\
         cross-team-dependency: an error in --base mode (a new edge), a warning with --all (the\n\
         inventory). open-change-* errors: for the change opened later (--fail-on later|all|none).\n\n{AFTER_RULES}",
        crate::rules::help(crate::deps::rules::RULES)
    )
}

const AFTER_RULES: &str = "\
Teams: .sfci.yml deps.teams.<name>.paths globs, else the sfdx-project.json package directory,
else the first path segment. Allowed edges: deps.allow [{from, to}] (team-name globs).

Exit codes: 0 nothing blocking, 1 blocking findings, 2 the tool could not run.

Examples:
  validate-deps --all --graph teams.mmd                  # inventory + Mermaid team graph
  validate-deps --base origin/main --junit deps.xml      # what this merge request adds
  validate-deps --base auto --select-tests tests.txt     # tests to run for this change
  validate-deps --base auto --select-tests tests.txt --uncovered uncovered.tsv
                                # … and the changed classes no selected test reaches
  validate-deps --base auto --approvals                  # an owner's approval passes a new edge
  validate-deps --base auto --comment                    # new edges, owners to ask, team graph
                                                         # as one comment on the MR/PR
  validate-deps --conflicts --target main --branches sales/x billing/y
  validate-deps --conflicts --target main --from-forge --comment
                                                         # every open MR into main, one comment
                                                         # on each MR involved
  b=$(git for-each-ref --format='%(refname:short)' 'refs/remotes/origin/feature/*')
  validate-deps --conflicts --target origin/integration --branches $b \\
    --integrate sfci/nightly --notify                    # the nightly integration build: merge
                                                         # every team branch that merges, report
                                                         # the rest, tell the release channel
  sf project deploy validate --test-level RunSpecifiedTests --tests $(cat tests.txt)";

/// Finds the cross-team dependencies of a Salesforce monorepo — Apex, triggers,
/// LWC, Aura, Visualforce, Flows, FlexiPages, permission sets, profiles, objects,
/// fields, labels, static resources — and what a change adds to them.
#[derive(Parser, Debug)]
#[command(name = "validate-deps", version, after_help = after_help())]
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

    /// With --select-tests: write the changed Apex classes and triggers that no selected
    /// test reaches (`Name<TAB>path` per line, empty when every one is reached). Each needs
    /// 75 % coverage from the selected tests alone, so a line here means RunSpecifiedTests
    /// cannot pass: deploy with RunLocalTests (the templates do, naming the class).
    #[arg(long, value_name = "FILE", requires = "select_tests")]
    uncovered: Option<PathBuf>,

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

    /// Compare the open changes into --target with each other: components both change,
    /// text conflicts (git merge-tree), deletions the other references; pairs from
    /// different teams only. The changes are --branches or --from-forge.
    #[arg(long, conflicts_with_all = ["base", "all", "select_tests", "approvals", "graph"])]
    conflicts: bool,

    /// The target branch of the open changes (--conflicts; `origin/BRANCH` is tried too).
    #[arg(
        long,
        value_name = "BRANCH",
        default_value = "main",
        requires = "conflicts"
    )]
    target: String,

    /// Local branches (or any revisions) to compare, one per open change (--conflicts).
    #[arg(long, value_name = "BRANCH", num_args = 1.., requires = "conflicts",
          conflicts_with = "from_forge")]
    branches: Vec<String>,

    /// Take the open merge requests / pull requests into --target from the forge API
    /// (--conflicts; a token that can read them). Their heads must be in the clone: fetch
    /// `refs/merge-requests/*/head` (GitLab) or `refs/pull/*/head` (GitHub).
    #[arg(long, requires = "conflicts")]
    from_forge: bool,

    /// Which change of a conflicting pair fails (--conflicts): the one opened later, both,
    /// or none (warnings only).
    #[arg(
        long,
        value_enum,
        value_name = "WHICH",
        default_value = "later",
        requires = "conflicts"
    )]
    fail_on: crate::deps::conflicts::FailOn,

    /// Merge the open changes, opened earliest first, onto --target into this local branch
    /// (created or reset; never the one checked out) — the nightly integration build. A
    /// change git cannot merge there is left out and reported (open-change-not-integrated).
    /// Only git objects and the branch are written; the working tree is untouched.
    #[arg(long, value_name = "BRANCH", requires = "conflicts")]
    integrate: Option<String>,

    #[command(flatten)]
    comment: CommentArgs,

    #[command(flatten)]
    notify: crate::notify::NotifyArgs,

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
    let cli: Cli = crate::process::parse_tool(args, crate::process::JUNIT_HELP_FINDINGS);
    crate::process::check_outputs("validate-deps", &cli.output);
    if cli.conflicts {
        conflicts_main(cli);
    }
    let opts = DepsOptions {
        paths: cli.paths,
        base: cli.base,
        head: cli.head,
        config: cli.config,
        select_tests: cli.select_tests,
        uncovered: cli.uncovered,
        graph: cli.graph,
    };
    let approvals = cli.approvals.then(|| {
        let forge = cli.change.options(cli.net.http_config());
        let dialect = Dialect::from(forge.forge());
        (forge, dialect, cli.change.change)
    });
    let (comment, change, notify) = (cli.comment, cli.change, cli.notify);
    let mode = if opts.base.is_some() { "base" } else { "all" };
    crate::process::run_and_exit("validate-deps", &cli.output, false, move || {
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
        let title = match mode {
            "base" => "the change adds blocking dependencies",
            _ => "blocking dependencies",
        };
        crate::notify::findings_if_asked("validate-deps", &notify, title, &report);
        Ok::<_, DepsError>(report)
    });
}

/// `--conflicts`: the open changes from the forge or the branches, compared pairwise.
fn conflicts_main(cli: Cli) -> ! {
    use crate::deps::conflicts::{self, ConflictOptions, OpenChange};
    let forge_opts = cli.change.options(cli.net.http_config());
    let path = cli
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let (target, branches, from_forge) = (cli.target, cli.branches, cli.from_forge);
    let (fail_on, config, only) = (cli.fail_on, cli.config, cli.change.change);
    let (comment, change, notify) = (cli.comment, cli.change, cli.notify);
    let integrate = cli.integrate;
    crate::process::run_and_exit("validate-deps", &cli.output, false, move || {
        if integrate.is_some() && only.is_some() {
            return Err(DepsError::Other(
                "--integrate merges every open change: it cannot be combined with --change N"
                    .into(),
            ));
        }
        let branch_name = target
            .strip_prefix("origin/")
            .unwrap_or(&target)
            .to_string();
        let mut fetch_hint = None;
        let changes: Vec<OpenChange> = if from_forge {
            let forge = forge_opts.forge();
            let client = forge_opts
                .connect(forge)
                .map_err(|e| DepsError::Other(e.to_string()))?
                .ok_or_else(|| {
                    let vars = match &forge_opts.token_env {
                        Some(v) => v.clone(),
                        None => forge.token_vars().join(" or "),
                    };
                    DepsError::Other(format!(
                        "--from-forge: no {forge} token in {vars} to list the open changes"
                    ))
                })?;
            let (sigil, refspec) = match client.forge() {
                Forge::GitLab => (
                    '!',
                    "+refs/merge-requests/*/head:refs/merge-requests/*/head",
                ),
                _ => ('#', "+refs/pull/*/head:refs/pull/*/head"),
            };
            fetch_hint = Some(format!(
                "fetch the heads of the open changes first: `git fetch origin '{refspec}'`; \
                 a shallow clone also needs their merge bases \
                 with {branch_name} (`git fetch --unshallow`; GIT_DEPTH: 0, fetch-depth: 0)"
            ));
            client
                .open_changes(&branch_name)
                .map_err(|e| DepsError::Other(e.to_string()))?
                .into_iter()
                .map(|o| OpenChange {
                    label: format!("{sigil}{}", o.number),
                    number: Some(o.number),
                    revs: [
                        o.sha.clone(),
                        client.head_ref(o.number),
                        format!("origin/{}", o.source_branch),
                    ]
                    .into_iter()
                    .filter(|r| !r.is_empty())
                    .collect(),
                    branch: o.source_branch,
                    created_at: o.created_at.as_deref().and_then(|t| t.parse().ok()),
                    author: o.author,
                    url: o.url,
                })
                .collect()
        } else {
            if branches.is_empty() {
                return Err(DepsError::Other(
                    "--conflicts needs the open changes: --branches B1 B2 … or --from-forge".into(),
                ));
            }
            branches
                .iter()
                .map(|b| OpenChange {
                    label: b.clone(),
                    branch: b.clone(),
                    revs: vec![b.clone()],
                    ..OpenChange::default()
                })
                .collect()
        };
        if only.is_some() && !from_forge {
            return Err(DepsError::Other(
                "--change N with --conflicts needs --from-forge (branches have no numbers)".into(),
            ));
        }
        let numbers: Vec<u64> = changes.iter().filter_map(|c| c.number).collect();
        let opts = ConflictOptions {
            path,
            target,
            changes,
            config,
            fail_on,
            only,
            fetch_hint,
            integrate,
        };
        let report = conflicts::run(&opts)?;
        if let Some(line) = conflicts::integration_line(&report) {
            eprintln!("validate-deps: {line}");
        }
        crate::notify::findings_if_asked(
            "validate-deps",
            &notify,
            "conflicts between open changes",
            &report,
        );
        if comment.comment {
            if !from_forge {
                eprintln!(
                    "validate-deps: warning: no comment posted: local branches have no merge \
                     requests (use --from-forge)"
                );
            } else {
                let bodies = conflicts::comment_bodies(&report);
                let bodies: Vec<(u64, String)> = match only {
                    Some(n) => bodies.into_iter().filter(|(m, _)| *m == n).collect(),
                    None => bodies,
                };
                if bodies.is_empty() {
                    eprintln!(
                        "validate-deps: no conflicts between open changes: no comment to post"
                    );
                }
                // The merge requests without conflicts now: an old conflict note (if any) says
                // they are gone; none is created.
                let cleared: Vec<(u64, String, bool)> = numbers
                    .iter()
                    .filter(|n| only.is_none_or(|o| o == **n))
                    .filter(|n| !bodies.iter().any(|(m, _)| m == *n))
                    .map(|n| (*n, conflicts::cleared_body(), false))
                    .collect();
                let writes: Vec<(u64, String, bool)> = bodies
                    .into_iter()
                    .map(|(n, body)| (n, body, true))
                    .chain(cleared)
                    .collect();
                for o in crate::forge::comment::post_each(
                    &comment,
                    &change,
                    "validate-deps",
                    "conflicts",
                    &writes,
                ) {
                    if !matches!(
                        o,
                        crate::forge::comment::Outcome::Posted {
                            upsert: crate::forge::Upsert::Absent,
                            ..
                        }
                    ) {
                        eprintln!("{}", o.line("validate-deps"));
                    }
                }
            }
        }
        Ok::<_, DepsError>(report)
    });
}
