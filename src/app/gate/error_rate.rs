//! `gate error-rate`: the flags become [`crate::gate::error_rate::ErrorRate`].

use super::run;
use crate::duration::parse_duration;
use crate::gate::error_rate::{self, Analysis, ErrorRate, Source};
use crate::gate::record::RecordArgs;
use crate::org::args::OrgArgs;
use crate::report::output::OutputArgs;
use clap::Args;
use std::time::Duration;

pub(super) const AFTER_HELP: &str = "\
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
ApexLog only has rows while debug-log trace flags are set: an empty ApexLog proves nothing.";

#[derive(Args, Debug)]
pub(super) struct ErrorRateArgs {
    /// The measurement query (an error count over the last minutes).
    #[arg(long, value_name = "QUERY")]
    pub query: String,
    /// Divide the measurement by this query (e.g. the request count) to make it a rate.
    #[arg(long, value_name = "QUERY")]
    pub total_query: Option<String>,
    /// Baseline query, multiplied by --baseline-scale (e.g. yesterday's count / 288).
    #[arg(long, value_name = "QUERY", conflicts_with = "baseline")]
    pub baseline_query: Option<String>,
    /// Scale of the baseline query.
    #[arg(
        long,
        value_name = "FACTOR",
        default_value_t = 1.0,
        requires = "baseline_query"
    )]
    pub baseline_scale: f64,
    /// A constant baseline.
    #[arg(long, value_name = "VALUE")]
    pub baseline: Option<f64>,
    /// Pass while current ≤ baseline × this.
    #[arg(long, value_name = "RATIO", default_value_t = 2.0)]
    pub max_ratio: f64,
    /// Absolute floor of the threshold (a zero baseline is not an alarm).
    #[arg(long, value_name = "VALUE", default_value_t = 0.0)]
    pub floor: f64,
    /// Prometheus server base URL (the HTTP API's instant query is used).
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    /// Time between measurements.
    #[arg(long, value_parser = parse_duration, default_value = "1m")]
    pub interval: Duration,
    /// Number of measurements.
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    /// Failed measurements tolerated.
    #[arg(long, default_value_t = 0)]
    pub failure_limit: u32,
    /// Consecutive measurement errors tolerated.
    #[arg(long, default_value_t = 4)]
    pub consecutive_error_limit: u32,
    /// Inconclusive (no data) measurements tolerated.
    #[arg(long, default_value_t = 0)]
    pub inconclusive_limit: u32,
    /// Timeout of one query.
    #[arg(long, value_parser = parse_duration, default_value = "30s")]
    pub query_timeout: Duration,
    /// Without --prometheus, the queries are SOQL against the org (credentials as for
    /// `smoke`: SF_AUTH_URL, the JWT flags, or SF_ACCESS_TOKEN + SF_INSTANCE_URL).
    #[command(flatten)]
    pub org: OrgArgs,
    #[command(flatten)]
    pub record: RecordArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn main(a: ErrorRateArgs) -> ! {
    let output = a.output.clone();
    run(&output, false, move || {
        let analysis = Analysis {
            baseline: error_rate::baseline(a.baseline_query, a.baseline_scale, a.baseline)?,
            query: a.query,
            total_query: a.total_query,
            max_ratio: a.max_ratio,
            floor: a.floor,
            interval: a.interval,
            count: a.count,
            failure_limit: a.failure_limit,
            consecutive_error_limit: a.consecutive_error_limit,
            inconclusive_limit: a.inconclusive_limit,
        };
        error_rate::run(&ErrorRate {
            analysis,
            source: Source {
                prometheus: a.prometheus,
                query_timeout: a.query_timeout,
                org: a.org,
            },
            record: a.record,
        })
    })
}
