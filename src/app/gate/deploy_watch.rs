//! `gate deploy-watch`: the flags become [`crate::gate::deploy_watch::Watch`].

use super::run;
use crate::duration::parse_duration;
use crate::gate::deploy_watch::{self, Watch, WatchOptions};
use crate::gate::record::RecordArgs;
use crate::notify::NotifyArgs;
use crate::org::args::OrgArgs;
use crate::report::output::OutputArgs;
use clap::Args;
use std::time::Duration;

pub(super) const AFTER_HELP: &str = "\
The deployment id is what `sf project deploy start --async --json` (or `validate`) prints
(result.id, 0Af…). Org credentials as for `smoke`: SF_AUTH_URL, the JWT flags, or
SF_ACCESS_TOKEN + SF_INSTANCE_URL.

Examples:
  id=$(sf project deploy start --async --test-level RunLocalTests --json | jq -r .result.id)
  gate deploy-watch --job-id \"$id\" --stall-after 15m --cancel-on-stall --junit watch.xml
  gate deploy-watch --job-id 0Af5g00000ABCDE --poll 10s --stall-after 5m --timeout 3h
  # Warn the release channel (SFCI_NOTIFY_URL) when the deployment runs past 30 minutes:
  gate deploy-watch --job-id \"$id\" --warn-after 30m --notify";

#[derive(Args, Debug)]
pub(super) struct DeployWatchArgs {
    /// The deployment id (0Af…).
    #[arg(long, value_name = "ID")]
    pub job_id: String,
    /// Fail when nothing has progressed for this long.
    #[arg(long, value_parser = parse_duration, default_value = "15m")]
    pub stall_after: Duration,
    /// Time between polls (at most --stall-after).
    #[arg(long, value_parser = parse_duration, default_value = "30s")]
    pub poll: Duration,
    /// Request cancellation of a stalled deployment.
    #[arg(long)]
    pub cancel_on_stall: bool,
    /// Give up (error, inconclusive) when still running after this long.
    #[arg(long, value_parser = parse_duration, default_value = "6h")]
    pub timeout: Duration,
    /// Warn once (and with --notify, post to the release channel) when the deployment is
    /// still running after this long; the watch goes on.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub warn_after: Option<Duration>,
    #[command(flatten)]
    pub org: OrgArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub record: RecordArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn main(a: DeployWatchArgs) -> ! {
    let w = Watch {
        opts: WatchOptions {
            job_id: a.job_id,
            stall_after: a.stall_after,
            poll: a.poll,
            cancel_on_stall: a.cancel_on_stall,
            timeout: a.timeout,
            warn_after: a.warn_after,
        },
        org: a.org,
        notify: a.notify,
        record: a.record,
    };
    run(&a.output, false, move || deploy_watch::run(&w))
}
