//! `smoke`: argument parsing and wiring only; the logic is in `sfci::smoke`.

use crate::forge::args::ChangeArgs;
use crate::forge::comment::CommentArgs;
use crate::notify::{NotifyArgs, Policy};
use crate::org::args::OrgArgs;
use crate::report::output::OutputArgs;
use crate::report::ExitCode;
use crate::smoke::{self, spec::VarsWithEnv, SmokeError, SmokeOptions, PRESETS};
use clap::Parser;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

const AFTER_HELP: &str = "\
Credentials (never on the command line), by preference:
  SF_AUTH_URL or SFDX_AUTH_URL, or --auth-url-file FILE: an SFDX auth URL
      (force://<clientId>:<clientSecret>:<refreshToken>@<host>, from `sf org display --verbose --json`)
  --client-id, --username, --jwt-key-file [--login-url]: the JWT bearer flow
  SF_ACCESS_TOKEN with SF_INSTANCE_URL: a ready session (cannot be renewed)

Spec (schemas/smoke.schema.json; see the README):
  checks:
    - name: approval process active
      soql: SELECT State FROM ProcessDefinition WHERE DeveloperName = '${PROCESS}'
      expect: {count: 1, equals: {State: Active}}
Kinds: soql, tooling, apex (rolled back unless `commit: true`), http, limits, org.
`${NAME}` comes from --var NAME=VALUE or the environment.

Exit codes: 0 every check passed, 1 a check failed, 2 the org could not be reached or a check
could not decide (and none failed).

Examples:
  smoke --spec smoke.yml --junit smoke.xml
  smoke --preset approval-process-active --var APPROVAL_PROCESS=Opportunity_Approval
  smoke --preset no-failed-async-jobs --var DEPLOY_STARTED_AT=$(date -u +%FT%TZ) --tags runbook
  smoke --print-preset scheduled-jobs-waiting > smoke.yml
  smoke --check-spec --spec smoke.yml --var PROCESS=x      # validate without an org
  smoke --spec smoke.yml --comment --notify   # the check table as one MR note; a failure
                                              # also to the webhook in SFCI_NOTIFY_URL";

/// Post-deployment checks against a live org over the Salesforce REST API: queries with
/// expected records, anonymous Apex, HTTP endpoints, org limits and the org's identity.
#[derive(Parser, Debug)]
#[command(name = "smoke", version, after_help = AFTER_HELP)]
struct Cli {
    /// A spec file (repeatable). Default: smoke.yml, unless --preset is given.
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<PathBuf>,
    /// A built-in spec (repeatable); see --list-presets.
    #[arg(long = "preset", value_name = "NAME")]
    presets: Vec<String>,
    /// A variable for `${NAME}` in specs (repeatable); overrides the environment.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Run only checks with one of these tags (comma-separated); the others are skipped.
    #[arg(long, value_name = "TAGS", value_delimiter = ',')]
    tags: Vec<String>,
    /// Checks run at once (default: the spec's `concurrency`, else 8).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: Option<u16>,
    /// Time limit of the whole run.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = crate::duration::parse_duration)]
    timeout: Duration,
    /// List the built-in presets and exit.
    #[arg(long)]
    list_presets: bool,
    /// Print a preset's spec (a starting point for your own) and exit.
    #[arg(long, value_name = "NAME")]
    print_preset: Option<String>,
    /// Parse the specs and list the checks, without connecting to an org.
    #[arg(long)]
    check_spec: bool,
    /// Also write the Markdown summary (failures first) to FILE, e.g. for a merge-request note.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    #[command(flatten)]
    org: OrgArgs,
    #[command(flatten)]
    comment: CommentArgs,
    #[command(flatten)]
    change: ChangeArgs,
    #[command(flatten)]
    notify: NotifyArgs,
    #[command(flatten)]
    output: OutputArgs,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected NAME=VALUE"))?;
    if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(format!("{k:?} is not a variable name (letters, digits, _)"));
    }
    Ok((k.to_string(), v.to_string()))
}

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("smoke: {e}");
    std::process::exit(ExitCode::Broken.code());
}

/// Runs the tool with `args` (the first is the program name) and exits.
pub fn main<I, T>(args: I) -> !
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli: Cli = crate::process::parse_tool(args, crate::process::JUNIT_HELP_SMOKE);
    if cli.list_presets {
        for (name, about, _) in PRESETS {
            println!("{name:<26} {about}");
        }
        std::process::exit(0);
    }
    if let Some(name) = &cli.print_preset {
        match smoke::preset(name) {
            Some(text) => {
                print!("{text}");
                std::process::exit(0);
            }
            None => fail(format!(
                "no preset named {name:?}; presets: {}",
                PRESETS
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    crate::process::check_outputs("smoke", &cli.output);
    let vars: BTreeMap<String, String> = cli.vars.iter().cloned().collect();
    let opts = SmokeOptions {
        specs: cli.specs.clone(),
        presets: cli.presets.clone(),
        tags: cli.tags.clone(),
        concurrency: cli.concurrency.map(usize::from),
        timeout: cli.timeout,
    };
    let (checks, spec_concurrency) =
        smoke::load(&opts, &VarsWithEnv(&vars)).unwrap_or_else(|e: SmokeError| fail(e));
    for warning in smoke::check_tags(&checks, &opts.tags).unwrap_or_else(|e| fail(e)) {
        eprintln!("smoke: warning: {warning}");
    }
    if cli.check_spec {
        for c in &checks {
            println!(
                "{:<8} {}  ({}{})",
                c.kind.label(),
                c.name,
                c.origin,
                c.line.map(|l| format!(":{l}")).unwrap_or_default()
            );
        }
        println!("{} check(s) OK", checks.len());
        std::process::exit(0);
    }
    let creds = cli.org.auth_inputs().resolve().unwrap_or_else(|e| fail(e));
    let cfg = cli.org.config().unwrap_or_else(|e| fail(e));
    let concurrency = opts.concurrency.or(spec_concurrency).unwrap_or(8);
    let markdown = cli.markdown.clone();
    let (comment, change, notify) = (cli.comment, cli.change, cli.notify);
    crate::process::run_and_exit("smoke", &cli.output, false, move || {
        let mut report = smoke::run(creds, cfg, checks, concurrency, &opts);
        if let Some(path) = &markdown {
            use crate::report::Render;
            let text = report.markdown(crate::report::markdown::GITHUB_STEP_SUMMARY_LIMIT);
            report.write_side_file(path, "the Markdown summary", &text);
        }
        crate::forge::comment::post_if_asked(&comment, &change, "smoke", "run", || {
            crate::report::results::render_comment(&report, "", crate::forge::comment::BODY_LIMIT)
        });
        crate::notify::results_if_asked("smoke", &notify, Policy::UnlessPassed, &report);
        Ok::<_, SmokeError>(report)
    });
}
