//! `codeowners-check`: argument parsing and wiring only; the logic is in
//! `sfci::owners`.

use crate::owners::check::{self, ApprovalOptions, ForgeOptions, OwnersError};
use crate::owners::model::Dialect;
use crate::report::output::OutputArgs;
use crate::report::ExitCode;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// The rule list (from [`crate::owners::rules::RULES`]) and [`AFTER_RULES`].
fn after_help() -> String {
    format!(
        "Findings of validate and approvals (ids are stable):\n{}\n{AFTER_RULES}",
        crate::rules::help(crate::owners::rules::RULES)
    )
}

const AFTER_RULES: &str = "\
Dialect: --dialect github|gitlab, else from the CI context (GitLab CI → gitlab), else github.
CODEOWNERS is found where the forge looks: GitHub .github/, root, docs/; GitLab root, docs/, .gitlab/.

Tokens (never on the command line; --token-env names the variable):
  GitHub: GITHUB_TOKEN — must read pull requests, reviews and org teams (a fine-grained token or
          an app token with members:read for team owners).
  GitLab: SFCI_GITLAB_TOKEN or GITLAB_TOKEN — a project access token with read_api (api for
          --comment). CI_JOB_TOKEN cannot read approvals or post notes.
GitLab does not re-run a pipeline when someone approves: re-run the job. On GitHub, also trigger
the workflow on pull_request_review.

Exit codes: 0 pass, 1 a check failed, 2 the tool could not run.

Examples:
  codeowners-check owners force-app/main/default/classes/AccountService.cls
  git diff --name-only origin/main... | codeowners-check owners - --json -
  codeowners-check validate --allow-unowned 'docs/**' --junit codeowners.xml
  codeowners-check approvals --base origin/main --comment     # in an MR/PR pipeline";

/// CODEOWNERS for GitHub and GitLab: who owns a path, whether the file is valid
/// (and its owners real), and whether a merge request has the owners' approvals.
#[derive(Parser, Debug)]
#[command(name = "codeowners-check", version, after_help = after_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DialectArg {
    Github,
    Gitlab,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Github => Dialect::GitHub,
            DialectArg::Gitlab => Dialect::GitLab,
        }
    }
}

#[derive(Args, Debug, Clone)]
struct Common {
    /// Repository root (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// CODEOWNERS syntax and semantics.
    #[arg(long, value_enum)]
    dialect: Option<DialectArg>,
}

#[derive(Args, Debug, Clone)]
struct ForgeFlags {
    #[command(flatten)]
    api: crate::forge::args::ForgeArgs,
    #[command(flatten)]
    net: crate::forge::args::NetArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Owners of each path (`-` reads paths from stdin, one per line).
    Owners {
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<String>,
        #[command(flatten)]
        common: Common,
        /// A CODEOWNERS file to use instead of the repository's.
        #[arg(long, value_name = "FILE")]
        codeowners: Option<PathBuf>,
        /// Write the answer as a JSON array to stdout (bare `--json`) or to FILE
        /// (`--json=FILE`, or `--json FILE` when FILE is `-` or ends in `.json`).
        #[arg(
            long,
            value_name = "FILE",
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = "-"
        )]
        json: Option<PathBuf>,
    },
    /// Validates CODEOWNERS: syntax, duplicates, shadowed rules, patterns that match
    /// nothing, unowned files and — with a forge token — unknown owners and owners
    /// without write access.
    Validate {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "FILE")]
        codeowners: Option<PathBuf>,
        /// Paths that may stay unowned (globs; repeatable).
        #[arg(long, value_name = "GLOB")]
        allow_unowned: Vec<String>,
        /// Check owners against the forge (needs a token; on by default when one is set).
        #[arg(long)]
        offline: bool,
        #[command(flatten)]
        forge: ForgeFlags,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Fails while a merge request lacks the code-owner approvals the target
    /// branch's CODEOWNERS requires.
    Approvals {
        #[command(flatten)]
        common: Common,
        /// The MR/PR number (default: from the CI context).
        #[arg(long, value_name = "N")]
        change: Option<u64>,
        /// The target revision (default: from the CI context; `auto` too).
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Create or update one summary comment on the MR/PR.
        #[arg(long)]
        comment: bool,
        #[command(flatten)]
        forge: ForgeFlags,
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn dialect_of(common: &Common) -> Dialect {
    common
        .dialect
        .map(Dialect::from)
        .unwrap_or_else(|| crate::ci::Provider::of_job().into())
}

fn forge_options(f: &ForgeFlags, dialect: Dialect) -> ForgeOptions {
    ForgeOptions {
        forge: Some(dialect.into()),
        api_url: f.api.api_url.clone(),
        repo: f.api.repo.clone(),
        token_env: f.api.token_env.clone(),
        http: f.net.http_config(),
    }
}

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("codeowners-check: {e}");
    std::process::exit(ExitCode::Broken.code());
}

/// Runs the tool with `args` (the first is the program name) and exits.
pub fn main<I, T>(args: I) -> !
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli: Cli = crate::process::parse_tool(args, crate::process::JUNIT_HELP_FINDINGS);
    match cli.command {
        Command::Owners {
            paths,
            common,
            codeowners,
            json,
        } => {
            let dialect = dialect_of(&common);
            let co = check::load(&common.root, codeowners.as_deref(), dialect)
                .unwrap_or_else(|e| fail(e));
            let mut list = Vec::new();
            for p in paths {
                if p == "-" {
                    for (n, line) in std::io::stdin().lock().lines().enumerate() {
                        let line = line.unwrap_or_else(|e| {
                            fail(format!("reading paths from stdin, line {}: {e}", n + 1))
                        });
                        // A byte-order mark (PowerShell pipes) is not part of the path.
                        let t = line.trim_start_matches('\u{feff}').trim();
                        if !t.is_empty() {
                            list.push(t.trim_start_matches("./").to_string());
                        }
                    }
                } else {
                    list.push(p.trim_start_matches("./").to_string());
                }
            }
            let answer = check::owners_of(&co, &list);
            let write = |w: &mut dyn Write| -> std::io::Result<()> {
                match &json {
                    Some(_) => {
                        serde_json::to_writer(&mut *w, &answer)?;
                        w.write_all(b"\n")
                    }
                    None => {
                        for o in &answer {
                            let owners = if o.owners.is_empty() {
                                "(unowned)".to_string()
                            } else {
                                o.owners.join(" ")
                            };
                            match o.line {
                                Some(l) => writeln!(w, "{}: {owners} (line {l})", o.path)?,
                                None if !o.sections.is_empty() => {
                                    let secs: Vec<String> = o
                                        .sections
                                        .iter()
                                        .map(|s| format!("[{}] line {}", s.name, s.line))
                                        .collect();
                                    writeln!(w, "{}: {owners} ({})", o.path, secs.join(", "))?
                                }
                                None => writeln!(w, "{}: {owners}", o.path)?,
                            }
                        }
                        Ok(())
                    }
                }
            };
            let result = match json.as_deref() {
                Some(p) if p.as_os_str() != "-" => std::fs::File::create(p)
                    .map(std::io::BufWriter::new)
                    .and_then(|mut f| write(&mut f).and_then(|_| f.flush()))
                    .map_err(|e| format!("cannot write {}: {e}", p.display())),
                _ => {
                    let stdout = std::io::stdout();
                    let mut out = std::io::BufWriter::new(stdout.lock());
                    match write(&mut out).and_then(|_| out.flush()) {
                        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                        _ => Ok(()),
                    }
                }
            };
            if let Err(e) = result {
                fail(e);
            }
            std::process::exit(ExitCode::Passed.code());
        }
        Command::Validate {
            common,
            codeowners,
            allow_unowned,
            offline,
            forge,
            output,
        } => {
            crate::process::check_outputs("codeowners-check", &output);
            let dialect = dialect_of(&common);
            let forge = forge_options(&forge, dialect);
            crate::process::run_and_exit("codeowners-check", &output, false, move || {
                // .sfci.yml is checked like every tool does (its `owners` section has no keys yet).
                crate::config::Config::discover(&common.root)
                    .map_err(|e| OwnersError::Other(e.to_string()))?;
                let co = check::load(&common.root, codeowners.as_deref(), dialect)?;
                let mut b = globset::GlobSetBuilder::new();
                for g in &allow_unowned {
                    b.add(
                        globset::GlobBuilder::new(g)
                            .literal_separator(true)
                            .build()
                            .map_err(|e| OwnersError::Other(format!("--allow-unowned {g}: {e}")))?,
                    );
                }
                let allow = b.build().map_err(|e| OwnersError::Other(e.to_string()))?;
                let tracked = check::tracked_files(&common.root);
                let client = if offline {
                    None
                } else {
                    forge.connect(dialect.into())?
                };
                check::validate(&co, &tracked, &allow, client.as_ref())
            });
        }
        Command::Approvals {
            common,
            change,
            base,
            comment,
            forge,
            output,
        } => {
            crate::process::check_outputs("codeowners-check", &output);
            let dialect = dialect_of(&common);
            let opts = ApprovalOptions {
                root: common.root.clone(),
                dialect: Some(dialect),
                change,
                base,
                comment,
                forge: forge_options(&forge, dialect),
            };
            crate::process::run_and_exit("codeowners-check", &output, false, move || {
                crate::config::Config::discover(&opts.root)
                    .map_err(|e| OwnersError::Other(e.to_string()))?;
                check::approvals(&opts)
            });
        }
    }
}
