//! `gate`: argument parsing and wiring only; the logic is in `sfci::gate`.

use crate::config::Config;
use crate::duration::parse_duration;
use crate::forge::args::ChangeArgs;
use crate::forge::comment::CommentArgs;
use crate::forge::Secret;
use crate::gate::deploy_result::{self, SourceIndex, Tier};
use crate::gate::deploy_watch;
use crate::gate::error_rate::Measure;
use crate::gate::error_rate::{self, Analysis, Baseline};
use crate::gate::lock::{self, Lock, RedisTarget};
use crate::gate::prometheus::Prometheus;
use crate::gate::record::{self, Record, RecordArgs};
use crate::gate::soql::OrgSource;
use crate::gate::window::{self, WindowGate};
use crate::gate::{self as g, promotion, GateError, Override};
use crate::notify::{NotifyArgs, Policy};
use crate::org::args::OrgArgs;
use crate::org::Api;
use crate::report::output::OutputArgs;
use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const AFTER_HELP: &str = "\
Exit codes: 0 the gate passed, 1 it failed (wins when another check could not run), 2 the gate
could not decide (bad input, unreachable server, no data).
Blocking gates (window, lock acquire, promotion) take --override \"<reason>\": the gate passes
with an audit record naming the CI user and the reason in the JSON, JUnit and summary; with
--notify the break-glass is also posted to the webhook in SFCI_NOTIFY_URL.
Deployment record (deploy-result, deploy-watch, lock acquire|release, error-rate):
--record FILE.jsonl appends one JSON line per run; --pushgateway URL (or SFCI_PUSHGATEWAY_URL)
pushes per-(team, environment) gauges; --team (SFCI_TEAM, else the CI project path) and
--environment (SFCI_ENVIRONMENT, else CI_ENVIRONMENT_NAME) label both. Neither changes the exit
code: a failure is a warning.
Durations: 30s, 5m, 1h, 1h30m.";

/// Release gates: deploy and test results with coverage tiers, error-rate analysis,
/// deployment windows, environment locks and branch promotion rules.
#[derive(Parser, Debug)]
#[command(name = "gate", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct Root {
    /// Repository root: where .sfci.yml and the sources are (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

#[derive(Args, Debug, Clone)]
struct OverrideArg {
    /// Break glass: pass this gate anyway, recording who and why in every report.
    #[arg(long = "override", value_name = "REASON")]
    reason: Option<String>,
}

impl OverrideArg {
    fn get(&self) -> Result<Option<Override>, GateError> {
        self.reason
            .as_deref()
            .map(|r| Override::new(r, g::actor()))
            .transpose()
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Judges `sf project deploy start|validate|report --json`, `sf apex run test --json` or a
    /// Metadata API deploy result: status, component failures, test failures, coverage.
    #[command(after_help = "\
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
      --pushgateway http://pushgateway:9091 --team sales --environment production")]
    DeployResult {
        /// The JSON (or Metadata API XML) file; `-` reads stdin.
        #[arg(value_name = "FILE|-")]
        input: String,
        /// Org-wide minimum coverage in percent (0 = do not check).
        #[arg(long, value_name = "PERCENT")]
        min_coverage: Option<f64>,
        /// A coverage tier NAME=MIN:GLOB[,GLOB…] (repeatable, in order; replaces the config's).
        #[arg(long = "tier", alias = "tiers", value_name = "TIER")]
        tiers: Vec<String>,
        /// Also require this flow coverage (percent).
        #[arg(long, value_name = "PERCENT")]
        min_flow_coverage: Option<f64>,
        /// Coverage is required even when no test ran (by default a NoTestRun deployment
        /// skips the coverage checks).
        #[arg(long)]
        require_coverage: bool,
        /// The test level the deployment ran. With RunSpecifiedTests the org-wide check is
        /// skipped and every class and trigger of the deployment must reach 75 % from the
        /// specified tests (the org's per-class warnings; also recognised without this flag).
        #[arg(long, value_name = "LEVEL", value_parser = ["NoTestRun", "RunSpecifiedTests", "RunLocalTests", "RunAllTestsInOrg", "RunRelevantTests"])]
        test_level: Option<String>,
        /// Write Cobertura XML (GitLab coverage_report) to FILE.
        #[arg(long, value_name = "FILE")]
        cobertura: Option<PathBuf>,
        /// Write the Markdown summary (worst-covered classes) to FILE.
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
        #[command(flatten)]
        root: Root,
        #[command(flatten)]
        comment: CommentArgs,
        #[command(flatten)]
        change: ChangeArgs,
        #[command(flatten)]
        notify: NotifyArgs,
        #[command(flatten)]
        record: RecordArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Error-rate analysis (Argo-style): COUNT measurements INTERVAL apart; fails when the
    /// rate exceeds max(baseline × max-ratio, floor) more than --failure-limit times.
    #[command(after_help = "\
No data is inconclusive (exit 2), never a pass. Every measurement is a JUnit test case.
The Prometheus token (optional) is read from SFCI_PROMETHEUS_TOKEN.

Examples:
  gate error-rate --prometheus http://prometheus:9090 \\
      --query 'sum(increase(http_requests_total{code=~\"5..\"}[5m]))' \\
      --total-query 'sum(increase(http_requests_total[5m]))' \\
      --baseline 0.001 --max-ratio 2 --interval 1m --count 15 --junit error-rate.xml
  gate error-rate --prometheus http://prometheus:9090 --query 'sum(increase(apex_errors[5m]))' \\
      --baseline-query 'sum(increase(apex_errors[1d] offset 1d))' --baseline-scale 0.003472 \\
      --floor 5 --count 3 --interval 5m
  # SOQL against the org (SF_AUTH_URL set); {since:5m} = the UTC date-time 5 minutes ago:
  gate error-rate \\
      --query \"SELECT COUNT() FROM AsyncApexJob WHERE Status = 'Failed' AND CreatedDate >= {since:5m}\" \\
      --baseline-query \"SELECT COUNT() FROM AsyncApexJob WHERE Status = 'Failed' AND CreatedDate >= {since:48h} AND CreatedDate < {since:24h}\" \\
      --baseline-scale 0.003472 --max-ratio 2 --floor 3 --interval 5m --count 3
Salesforce sources: failed AsyncApexJob rows; Event Monitoring's ApexUnexpectedException events.
ApexLog only has rows while debug-log trace flags are set: an empty ApexLog proves nothing.")]
    ErrorRate {
        /// The measurement query (an error count over the last minutes).
        #[arg(long, value_name = "QUERY")]
        query: String,
        /// Divide the measurement by this query (e.g. the request count) to make it a rate.
        #[arg(long, value_name = "QUERY")]
        total_query: Option<String>,
        /// Baseline query, multiplied by --baseline-scale (e.g. yesterday's count / 288).
        #[arg(long, value_name = "QUERY", conflicts_with = "baseline")]
        baseline_query: Option<String>,
        /// Scale of the baseline query.
        #[arg(
            long,
            value_name = "FACTOR",
            default_value_t = 1.0,
            requires = "baseline_query"
        )]
        baseline_scale: f64,
        /// A constant baseline.
        #[arg(long, value_name = "VALUE")]
        baseline: Option<f64>,
        /// Pass while current ≤ baseline × this.
        #[arg(long, value_name = "RATIO", default_value_t = 2.0)]
        max_ratio: f64,
        /// Absolute floor of the threshold (a zero baseline is not an alarm).
        #[arg(long, value_name = "VALUE", default_value_t = 0.0)]
        floor: f64,
        /// Prometheus server base URL (the HTTP API's instant query is used).
        #[arg(long, value_name = "URL")]
        prometheus: Option<String>,
        /// Time between measurements.
        #[arg(long, value_parser = parse_duration, default_value = "1m")]
        interval: Duration,
        /// Number of measurements.
        #[arg(long, default_value_t = 1)]
        count: u32,
        /// Failed measurements tolerated.
        #[arg(long, default_value_t = 0)]
        failure_limit: u32,
        /// Consecutive measurement errors tolerated.
        #[arg(long, default_value_t = 4)]
        consecutive_error_limit: u32,
        /// Inconclusive (no data) measurements tolerated.
        #[arg(long, default_value_t = 0)]
        inconclusive_limit: u32,
        /// Timeout of one query.
        #[arg(long, value_parser = parse_duration, default_value = "30s")]
        query_timeout: Duration,
        /// Without --prometheus, the queries are SOQL against the org (credentials as for
        /// `smoke`: SF_AUTH_URL, the JWT flags, or SF_ACCESS_TOKEN + SF_INSTANCE_URL).
        #[command(flatten)]
        org: OrgArgs,
        #[command(flatten)]
        record: RecordArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Follows a running deployment and fails when it stalls (no component or test progress
    /// for --stall-after), naming the test class still running; optionally cancels it.
    #[command(after_help = "\
The deployment id is what `sf project deploy start --async --json` (or `validate`) prints
(result.id, 0Af…). Org credentials as for `smoke`: SF_AUTH_URL, the JWT flags, or
SF_ACCESS_TOKEN + SF_INSTANCE_URL.

Examples:
  id=$(sf project deploy start --async --test-level RunLocalTests --json | jq -r .result.id)
  gate deploy-watch --job-id \"$id\" --stall-after 15m --cancel-on-stall --junit watch.xml
  gate deploy-watch --job-id 0Af5g00000ABCDE --poll 10s --stall-after 5m --timeout 3h
  # Warn the release channel (SFCI_NOTIFY_URL) when the deployment runs past 30 minutes:
  gate deploy-watch --job-id \"$id\" --warn-after 30m --notify")]
    DeployWatch {
        /// The deployment id (0Af…).
        #[arg(long, value_name = "ID")]
        job_id: String,
        /// Fail when nothing has progressed for this long.
        #[arg(long, value_parser = parse_duration, default_value = "15m")]
        stall_after: Duration,
        /// Time between polls (at most --stall-after).
        #[arg(long, value_parser = parse_duration, default_value = "30s")]
        poll: Duration,
        /// Request cancellation of a stalled deployment.
        #[arg(long)]
        cancel_on_stall: bool,
        /// Give up (error, inconclusive) when still running after this long.
        #[arg(long, value_parser = parse_duration, default_value = "6h")]
        timeout: Duration,
        /// Warn once (and with --notify, post to the release channel) when the deployment is
        /// still running after this long; the watch goes on.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        warn_after: Option<Duration>,
        #[command(flatten)]
        org: OrgArgs,
        #[command(flatten)]
        notify: NotifyArgs,
        #[command(flatten)]
        record: RecordArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Passes inside an allowed window and outside freezes; says when the next window opens.
    #[command(after_help = "\
Windows: DAYS HH:MM-HH:MM [ZONE] — Fri, Mon-Thu, Sat,Sun, daily; an end before the start runs
overnight; ZONE is an IANA name (real tz database, DST-correct). Freezes: FROM..TO dates (TO
included) or date-times (TO excluded), in the window's zone unless a zone follows.
Without --allow/--freeze, .sfci.yml gate.window is used.

Examples:
  gate window --allow 'Fri 18:00-22:00 America/New_York' --freeze 2024-12-20..2025-01-02
  gate window --allow 'Fri 22:00-02:00 Europe/Paris' --now 2024-11-08T23:30:00+01:00
  gate window --override 'INC-4711: payment outage hotfix' --junit window.xml")]
    Window {
        /// An allowed window (repeatable).
        #[arg(long = "allow", value_name = "SPEC")]
        allow: Vec<String>,
        /// A freeze period FROM..TO (repeatable).
        #[arg(long = "freeze", value_name = "FROM..TO")]
        freeze: Vec<String>,
        /// Zone of windows and freezes that name none (default: the first window's, else UTC).
        #[arg(long, value_name = "ZONE")]
        tz: Option<String>,
        /// Decide at this time instead of now (RFC 3339).
        #[arg(long, value_name = "RFC3339")]
        now: Option<String>,
        #[command(flatten)]
        over: OverrideArg,
        #[command(flatten)]
        notify: NotifyArgs,
        #[command(flatten)]
        root: Root,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// A deployment lock per environment in Redis (acquire, release, extend, status).
    #[command(after_help = "\
Redis: --redis URL or SFCI_REDIS_URL (redis://, rediss:// for TLS; a password in the URL is
never printed). The lock expires after --ttl, so a crashed job cannot block for longer.

GitLab `resource_group` and GitHub `concurrency` serialize jobs of ONE project; use this lock
when several repositories or pipelines deploy to the same org.

Examples (GitLab):
  before_script: gate lock acquire --env uat --owner \"$TEAM\" --ttl 1h --wait 15m --token-file .lock-token
  after_script:  gate lock release --env uat --token-file .lock-token
  gate lock status --env uat --json -")]
    Lock {
        #[command(subcommand)]
        action: LockAction,
    },
    /// Branch promotion rules: may SOURCE merge into TARGET?
    #[command(after_help = "\
Default flow (Scenario 1): feature/* → integration → uat → release/* → main; hotfix/* → main
and back to integration. A target no rule names is unrestricted. Rules: --rule SOURCE:TARGET
(repeatable), else .sfci.yml gate.promotion.rules, else the default.
Source/target default to CI_MERGE_REQUEST_SOURCE/TARGET_BRANCH_NAME (GitLab) or
GITHUB_HEAD_REF/GITHUB_BASE_REF (GitHub).

Examples:
  gate promotion                                   # in a merge-request pipeline
  gate promotion --source feature/TEAM-1 --target main
  gate promotion --rule 'develop:main' --rule 'feature/*:develop'")]
    Promotion {
        #[arg(long, value_name = "BRANCH")]
        source: Option<String>,
        #[arg(long, value_name = "BRANCH")]
        target: Option<String>,
        /// An allowed merge SOURCE:TARGET (branch globs; repeatable; replaces config and default).
        #[arg(long = "rule", value_name = "SOURCE:TARGET")]
        rules: Vec<String>,
        #[command(flatten)]
        over: OverrideArg,
        #[command(flatten)]
        notify: NotifyArgs,
        #[command(flatten)]
        root: Root,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Gates any analyzer's SARIF 2.1.0 (Salesforce Code Analyzer, PMD, ESLint, …) against a
    /// baseline: only findings not in the baseline block.
    #[command(after_help = "\
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
  cat ca.sarif | gate sarif - --baseline base.json --json -")]
    Sarif {
        /// SARIF 2.1.0 files (several runs each is fine); `-` reads stdin.
        #[arg(value_name = "FILE|-", required = true)]
        inputs: Vec<String>,
        /// Block only on findings not in this baseline file.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Write every current finding to this baseline file and exit 0.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
        /// New findings at or above this SARIF level block; lower ones are warnings.
        #[arg(long, value_name = "LEVEL", default_value = "note",
              value_parser = ["error", "warning", "note"])]
        min_level: String,
        /// Keep baselined findings in the report, as (non-blocking) warnings.
        #[arg(long)]
        show_baselined: bool,
        #[command(flatten)]
        root: Root,
        #[command(flatten)]
        comment: CommentArgs,
        #[command(flatten)]
        change: ChangeArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Args, Debug, Clone)]
struct RedisArgs {
    /// The environment the lock guards (uat, production).
    #[arg(long, value_name = "ENV")]
    env: String,
    /// Redis URL.
    #[arg(
        long,
        value_name = "URL",
        env = "SFCI_REDIS_URL",
        hide_env_values = true
    )]
    redis: Option<String>,
}

#[derive(Subcommand, Debug)]
enum LockAction {
    /// Takes the lock (SET NX PX with a random token); fails when another holder has it.
    Acquire {
        #[command(flatten)]
        redis: RedisArgs,
        /// Who holds it (team name).
        #[arg(long, value_name = "NAME")]
        owner: String,
        /// Expiry of the lock.
        #[arg(long, value_parser = parse_duration, default_value = "1h")]
        ttl: Duration,
        /// Keep trying this long before failing.
        #[arg(long, value_parser = parse_duration, default_value = "0s")]
        wait: Duration,
        /// Where to save the token (default .sfci-lock-ENV.token).
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        #[command(flatten)]
        over: OverrideArg,
        #[command(flatten)]
        notify: NotifyArgs,
        #[command(flatten)]
        record: RecordArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Releases the lock, only if this token holds it (atomic compare-and-delete).
    Release {
        #[command(flatten)]
        redis: RedisArgs,
        /// The token file written by acquire (default .sfci-lock-ENV.token).
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        #[command(flatten)]
        record: RecordArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Extends the lock's expiry, only if this token holds it.
    Extend {
        #[command(flatten)]
        redis: RedisArgs,
        #[arg(long, value_parser = parse_duration, default_value = "1h")]
        ttl: Duration,
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Shows who holds the lock (always exits 0 when Redis answers).
    Status {
        #[command(flatten)]
        redis: RedisArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

const TOOL: &str = "gate";

fn config(root: &std::path::Path) -> Result<Config, GateError> {
    Config::discover(root).map_err(GateError::from)
}

fn redis_target(r: &RedisArgs) -> Result<RedisTarget, GateError> {
    lock::check_env(&r.env)?;
    let url = r.redis.as_deref().filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        GateError("no Redis: pass --redis URL or set SFCI_REDIS_URL (redis://host:6379/0, rediss:// for TLS)".into())
    })?;
    RedisTarget::new(url)
}

/// The report of a blocking gate's one check: passed by `--override` when asked (with its
/// audit record), and announced with `--notify` when it was.
fn blocking_report(
    sub: &str,
    gate: &str,
    r: crate::report::results::CheckResult,
    ov: Option<&Override>,
    notify: &NotifyArgs,
    started: Instant,
) -> crate::report::results::ResultsReport {
    let report = g::report(sub, vec![g::apply_override(r, gate, ov)], started);
    crate::notify::results_if_asked(TOOL, notify, Policy::OnOverride, &report);
    report
}

/// `--record` / `--pushgateway` of a context-adding gate (`kind`): one line and its gauges.
fn context_record(
    args: &RecordArgs,
    kind: &str,
    report: &crate::report::results::ResultsReport,
    default_env: Option<&str>,
    deploy_id: Option<&str>,
) {
    let env = |k: &str| std::env::var(k).ok();
    if !args.wanted(&env) {
        return;
    }
    let mut line = Record::new(
        kind,
        report,
        args,
        default_env,
        &env,
        jiff::Timestamp::now(),
    );
    line.deploy_id = deploy_id.map(str::to_string);
    record::finish(TOOL, args, &line);
}

fn read_input(input: &str) -> Result<(Vec<u8>, String), GateError> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| GateError(format!("cannot read stdin: {e}")))?;
        Ok((buf, "stdin".into()))
    } else {
        let bytes =
            std::fs::read(input).map_err(|e| GateError(format!("cannot read {input}: {e}")))?;
        Ok((bytes, input.to_string()))
    }
}

/// Runs the tool with `args` (the first is the program name) and exits.
pub fn main<I, T>(args: I) -> !
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli: Cli = crate::cli::parse_tool(args, crate::cli::JUNIT_HELP_GATE);
    match cli.command {
        Command::DeployResult {
            input,
            min_coverage,
            tiers,
            min_flow_coverage,
            require_coverage,
            test_level,
            cobertura,
            markdown,
            root,
            comment,
            change,
            notify,
            record,
            output,
        } => {
            crate::cli::check_outputs(TOOL, &output);
            crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                let cfg = config(&root.root)?;
                let tiers = if tiers.is_empty() {
                    cfg.gate
                        .coverage
                        .tiers
                        .iter()
                        .map(Tier::from_config)
                        .collect::<Result<Vec<_>, _>>()?
                } else {
                    tiers
                        .iter()
                        .map(|t| Tier::parse_flag(t))
                        .collect::<Result<Vec<_>, _>>()?
                };
                let min = min_coverage
                    .or(cfg.gate.coverage.min.map(|p| p.0))
                    .unwrap_or(75.0);
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
                let started = Instant::now();
                let (bytes, origin) = read_input(&input)?;
                let parsed = crate::gate::sf_result::parse(&bytes, &origin)?;
                let env = |k: &str| std::env::var(k).ok();
                let facts = record
                    .wanted(&env)
                    .then(|| record::DeployFacts::read(&parsed, &bytes));
                drop(bytes);
                let idx = SourceIndex::build(&root.root);
                let opts = deploy_result::Options {
                    min_coverage: min,
                    tiers,
                    min_flow_coverage,
                    require_coverage,
                    specified_tests: test_level.as_deref() == Some("RunSpecifiedTests"),
                    origin,
                };
                let mut report = deploy_result::evaluate(&parsed, &opts, &idx, cobertura.is_some());
                drop(parsed);
                if let (Some(path), Some(xml)) = (&cobertura, report.cobertura.take()) {
                    report
                        .results
                        .write_side_file(path, "the Cobertura report", &xml);
                }
                if let Some(path) = &markdown {
                    let text = crate::report::Render::markdown(&report, 1 << 20);
                    report
                        .results
                        .write_side_file(path, "the Markdown summary", &text);
                }
                report.results.duration = started.elapsed();
                crate::forge::comment::post_if_asked(
                    &comment,
                    &change,
                    TOOL,
                    "deploy-result",
                    || {
                        crate::gate::deploy_comment::render(
                            &report,
                            crate::forge::comment::BODY_LIMIT,
                        )
                    },
                );
                crate::notify::results_if_asked(TOOL, &notify, Policy::Always, &report.results);
                if let Some(facts) = &facts {
                    let line = Record::of_deploy(
                        &report.results,
                        facts,
                        &record,
                        &env,
                        jiff::Timestamp::now(),
                    );
                    record::finish(TOOL, &record, &line);
                }
                Ok(report)
            });
        }
        Command::DeployWatch {
            job_id,
            stall_after,
            poll,
            cancel_on_stall,
            timeout,
            warn_after,
            org,
            notify,
            record,
            output,
        } => {
            crate::cli::check_outputs(TOOL, &output);
            crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                let started = Instant::now();
                deploy_watch::check_job_id(&job_id)?;
                if poll.is_zero() || stall_after.is_zero() {
                    return Err("--poll and --stall-after must be more than 0s".into());
                }
                let creds = org.auth_inputs().resolve()?;
                let mut cfg = org.config()?;
                // No request or retry outlives --timeout.
                cfg.deadline = Some(started + timeout);
                let opts = deploy_watch::WatchOptions {
                    job_id,
                    stall_after,
                    poll,
                    cancel_on_stall,
                    timeout,
                    warn_after,
                };
                let rt = crate::org::runtime().map_err(|e| e.to_string())?;
                let mut on_warn = |m: &str| {
                    let msg = crate::notify::Message::warning(
                        format!(
                            "gate deploy-watch: deployment {} is running long",
                            opts.job_id
                        ),
                        vec![m.to_string()],
                        &|k| std::env::var(k).ok(),
                    );
                    // The HTTP layer runs its own runtime: post from a thread of its own, not
                    // from inside the watch's (bounded: 30 s in all).
                    std::thread::scope(|s| {
                        s.spawn(|| crate::notify::message_if_asked(TOOL, &notify, &msg));
                    });
                };
                let results = rt.block_on(async {
                    match crate::org::Org::connect(creds, cfg).await {
                        Ok(client) => deploy_watch::watch_with(&client, &opts, &mut on_warn).await,
                        Err(e) => vec![crate::report::results::CheckResult::error(
                            format!("deployment {}", opts.job_id),
                            format!("cannot log in to the org: {e}"),
                        )
                        .with_group("gate.deploy-watch")],
                    }
                });
                let report = g::report("deploy-watch", results, started);
                context_record(&record, "deploy-watch", &report, None, Some(&opts.job_id));
                Ok(report)
            });
        }
        Command::ErrorRate {
            query,
            total_query,
            baseline_query,
            baseline_scale,
            baseline,
            max_ratio,
            floor,
            prometheus,
            interval,
            count,
            failure_limit,
            consecutive_error_limit,
            inconclusive_limit,
            query_timeout,
            org,
            record,
            output,
        } => {
            crate::cli::check_outputs(TOOL, &output);
            crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                let baseline = match (baseline_query, baseline) {
                    (Some(q), None) => Baseline::Query { query: q, scale: baseline_scale },
                    (None, Some(b)) => Baseline::Constant(b),
                    _ => return Err(GateError("give a baseline: --baseline VALUE or --baseline-query QUERY [--baseline-scale F]".into())),
                };
                let analysis = Analysis {
                    query,
                    total_query,
                    baseline,
                    max_ratio,
                    floor,
                    interval,
                    count,
                    failure_limit,
                    consecutive_error_limit,
                    inconclusive_limit,
                };
                analysis.validate()?;
                let started = Instant::now();
                let mut source: Box<dyn Measure> = match prometheus {
                    Some(url) => {
                        let token = std::env::var("SFCI_PROMETHEUS_TOKEN")
                            .ok()
                            .filter(|t| !t.trim().is_empty())
                            .map(Secret::new);
                        Box::new(Prometheus::new(&url, token, query_timeout)?)
                    }
                    None => {
                        let creds = org.auth_inputs().resolve().map_err(|e| {
                            GateError(format!(
                                "no measurement source: pass --prometheus URL, or org credentials for SOQL queries ({e})"
                            ))
                        })?;
                        let mut cfg = org.config()?;
                        cfg.request_timeout = cfg.request_timeout.min(query_timeout);
                        match OrgSource::connect(creds, cfg, Api::Rest) {
                            Ok(source) => Box::new(source),
                            // Unreachable org: an error case in every report, never a pass.
                            Err(e) => {
                                let r = crate::report::results::CheckResult::error("error rate", e)
                                    .with_group("error-rate");
                                let report = g::report("error-rate", vec![r], started);
                                context_record(&record, "error-rate", &report, None, None);
                                return Ok(report);
                            }
                        }
                    }
                };
                let results = error_rate::run(&analysis, source.as_mut(), &mut std::thread::sleep);
                let report = g::report("error-rate", results, started);
                context_record(&record, "error-rate", &report, None, None);
                Ok(report)
            });
        }
        Command::Window {
            allow,
            freeze,
            tz,
            now,
            over,
            notify,
            root,
            output,
        } => {
            crate::cli::check_outputs(TOOL, &output);
            crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                let started = Instant::now();
                let ov = over.get()?;
                let gate = if allow.is_empty() && freeze.is_empty() {
                    let cfg = config(&root.root)?;
                    let window = cfg.gate.window;
                    WindowGate::from_parsed(window.allow, window.freeze, tz.as_deref())?
                } else {
                    WindowGate::new(&allow, &freeze, tz.as_deref())?
                };
                let at = match &now {
                    Some(n) => window::parse_now(n)?,
                    None => jiff::Timestamp::now(),
                };
                let d = gate.decide(at);
                let name = if d.in_freeze.is_some() {
                    "freeze"
                } else {
                    "window"
                };
                let mut r = if d.open {
                    crate::report::results::CheckResult::pass("deployment window", d.message)
                } else {
                    crate::report::results::CheckResult::fail("deployment window", d.message)
                }
                .with_group("window")
                .with_extra("now", at.to_zoned(gate.tz.clone()).to_string().into())
                .with_extra("open", d.open.into());
                if let Some(n) = &d.next_change {
                    r = r.with_extra(
                        if d.open { "closes_at" } else { "next_open" },
                        n.timestamp().to_string().into(),
                    );
                }
                Ok(blocking_report(
                    "window",
                    name,
                    r,
                    ov.as_ref(),
                    &notify,
                    started,
                ))
            });
        }
        Command::Promotion {
            source,
            target,
            rules,
            over,
            notify,
            root,
            output,
        } => {
            crate::cli::check_outputs(TOOL, &output);
            crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                let started = Instant::now();
                let ov = over.get()?;
                let cfg = config(&root.root)?;
                let (rules, origin) = promotion::rules(&rules, &cfg.gate.promotion.rules)?;
                let (env_source, env_target) =
                    promotion::branches_from_env(|k| std::env::var(k).ok());
                let source = source.or(env_source).ok_or_else(|| GateError("no source branch: pass --source, or run in a GitLab merge-request pipeline (CI_MERGE_REQUEST_SOURCE_BRANCH_NAME) or a GitHub pull_request workflow (GITHUB_HEAD_REF)".into()))?;
                let target = target.or(env_target).ok_or_else(|| GateError("no target branch: pass --target, or run in a GitLab merge-request pipeline (CI_MERGE_REQUEST_TARGET_BRANCH_NAME) or a GitHub pull_request workflow (GITHUB_BASE_REF)".into()))?;
                let r = promotion::check(&source, &target, &rules, origin);
                Ok(blocking_report(
                    "promotion",
                    "promotion",
                    r,
                    ov.as_ref(),
                    &notify,
                    started,
                ))
            });
        }
        Command::Sarif {
            inputs,
            baseline,
            write_baseline,
            min_level,
            show_baselined,
            root,
            comment,
            change,
            output,
        } => {
            crate::cli::check_outputs(TOOL, &output);
            let record_only = write_baseline.is_some();
            crate::cli::run_and_exit(
                TOOL,
                &output,
                record_only,
                move || -> Result<_, GateError> {
                    use crate::gate::sarif_gate as sg;
                    let started = Instant::now();
                    if inputs.iter().filter(|i| *i == "-").count() > 1 {
                        return Err("`-` (stdin) can be given once".into());
                    }
                    let base = baseline
                        .as_deref()
                        .map(sg::BaselineFile::load)
                        .transpose()
                        .map_err(|e| GateError(e.0))?;
                    let (mut results, mut stats) = (Vec::new(), sg::ReadStats::default());
                    for input in &inputs {
                        let (bytes, origin) = read_input(input)?;
                        sg::read_sarif(&bytes, &origin, &root.root, &mut results, &mut stats)
                            .map_err(|e| GateError(e.0))?;
                    }
                    let opts = sg::Options {
                        root: root.root.clone(),
                        min_level: sg::Level::parse(&min_level).unwrap_or(sg::Level::Note),
                        show_baselined,
                    };
                    let mut out = sg::evaluate(results, &stats, base.as_ref(), &opts);
                    if let Some(path) = &write_baseline {
                        sg::BaselineFile::from_findings(&out.found)
                            .write(path)
                            .map_err(|e| GateError(e.0))?;
                        eprintln!(
                            "gate sarif: wrote {} finding(s) to the baseline {}",
                            out.found.len(),
                            path.display()
                        );
                    }
                    eprintln!("gate sarif: {}", out.summary_line());
                    out.report.duration = started.elapsed();
                    crate::forge::comment::post_if_asked(&comment, &change, TOOL, "sarif", || {
                        format!(
                            "_Analyzer findings against the baseline: {}._\n\n{}",
                            out.summary_line(),
                            crate::report::markdown::render(
                                &out.report,
                                crate::forge::comment::BODY_LIMIT - 200
                            )
                        )
                    });
                    Ok(out.report)
                },
            );
        }
        Command::Lock { action } => match action {
            LockAction::Acquire {
                redis,
                owner,
                ttl,
                wait,
                token_file,
                over,
                notify,
                record,
                output,
            } => {
                crate::cli::check_outputs(TOOL, &output);
                crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                    let started = Instant::now();
                    let ov = over.get()?;
                    if ttl < Duration::from_secs(1) {
                        return Err(GateError("--ttl must be at least 1s".into()));
                    }
                    if owner.trim().is_empty() {
                        return Err(GateError(
                            "--owner is empty: name the team or pipeline that deploys".into(),
                        ));
                    }
                    let target = redis_target(&redis)?;
                    let lock = Lock {
                        target: &target,
                        env: redis.env.clone(),
                    };
                    let file = token_file.unwrap_or_else(|| lock::default_token_file(&redis.env));
                    let r = lock::acquire_check(&lock, owner.trim(), ttl, wait, &file)?;
                    let report = blocking_report("lock", "lock", r, ov.as_ref(), &notify, started);
                    context_record(&record, "lock-acquire", &report, Some(&redis.env), None);
                    Ok(report)
                });
            }
            LockAction::Release {
                redis,
                token_file,
                record,
                output,
            } => {
                crate::cli::check_outputs(TOOL, &output);
                crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                    let started = Instant::now();
                    let target = redis_target(&redis)?;
                    let file = token_file.unwrap_or_else(|| lock::default_token_file(&redis.env));
                    let token = lock::read_token(&file)?;
                    let lock = Lock {
                        target: &target,
                        env: redis.env.clone(),
                    };
                    let r = lock::release_check(&lock, &token)?;
                    if r.status == crate::report::results::Status::Pass {
                        let _ = std::fs::remove_file(&file);
                    }
                    let report = g::report("lock", vec![r], started);
                    context_record(&record, "lock-release", &report, Some(&redis.env), None);
                    Ok(report)
                });
            }
            LockAction::Extend {
                redis,
                ttl,
                token_file,
                output,
            } => {
                crate::cli::check_outputs(TOOL, &output);
                crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                    let started = Instant::now();
                    if ttl < Duration::from_secs(1) {
                        return Err(GateError("--ttl must be at least 1s".into()));
                    }
                    let target = redis_target(&redis)?;
                    let file = token_file.unwrap_or_else(|| lock::default_token_file(&redis.env));
                    let token = lock::read_token(&file)?;
                    let lock = Lock {
                        target: &target,
                        env: redis.env.clone(),
                    };
                    Ok(g::report(
                        "lock",
                        vec![lock::extend_check(&lock, &token, ttl)?],
                        started,
                    ))
                });
            }
            LockAction::Status { redis, output } => {
                crate::cli::check_outputs(TOOL, &output);
                crate::cli::run_and_exit(TOOL, &output, false, move || -> Result<_, GateError> {
                    let started = Instant::now();
                    let target = redis_target(&redis)?;
                    let lock = Lock {
                        target: &target,
                        env: redis.env.clone(),
                    };
                    Ok(g::report("lock", vec![lock::status_check(&lock)?], started))
                });
            }
        },
    }
}
