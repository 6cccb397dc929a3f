//! The time-limit flags every forge-using command flattens (`#[command(flatten)]`).

use super::HttpConfig;
use crate::duration::parse_duration;
use std::time::Duration;

/// Request timeout, retries and the run's deadline for the forge clients.
#[derive(clap::Args, Debug, Clone)]
pub struct NetArgs {
    /// Time limit of one forge request.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// Retries of a failed forge request (connection failures, 429, 5xx).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Time limit of all forge requests of the run (no request or retry outlives it).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub timeout: Duration,
}

impl NetArgs {
    /// The HTTP layer's configuration, its deadline counted from now.
    pub fn http_config(&self) -> HttpConfig {
        HttpConfig {
            request_timeout: self.request_timeout,
            max_retries: self.retries.min(10),
            ..HttpConfig::default()
        }
        .with_run_timeout(self.timeout)
    }
}
