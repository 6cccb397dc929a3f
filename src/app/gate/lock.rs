//! `gate lock acquire|release|extend|status`: the flags become the options of
//! [`crate::gate::lock`].

use super::{run, OverrideArg};
use crate::duration::parse_duration;
use crate::gate::lock::{self, Acquire, Place};
use crate::gate::record::RecordArgs;
use crate::notify::NotifyArgs;
use crate::report::output::OutputArgs;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

pub(super) const AFTER_HELP: &str = "\
Redis: --redis URL or SFCI_REDIS_URL (redis://, rediss:// for TLS; a password in the URL is
never printed). The lock expires after --ttl, so a crashed job cannot block for longer.

GitLab `resource_group` and GitHub `concurrency` serialize jobs of ONE project; use this lock
when several repositories or pipelines deploy to the same org.

Examples (GitLab):
  before_script: gate lock acquire --env uat --owner \"$TEAM\" --ttl 1h --wait 15m --token-file .lock-token
  after_script:  gate lock release --env uat --token-file .lock-token
  gate lock status --env uat --json -";

#[derive(Args, Debug, Clone)]
pub(super) struct RedisArgs {
    /// The environment the lock guards (uat, production).
    #[arg(long, value_name = "ENV")]
    pub env: String,
    /// Redis URL.
    #[arg(
        long,
        value_name = "URL",
        env = "SFCI_REDIS_URL",
        hide_env_values = true
    )]
    pub redis: Option<String>,
}

impl RedisArgs {
    fn place(self) -> Place {
        Place {
            env: self.env,
            redis: self.redis,
        }
    }
}

#[derive(Subcommand, Debug)]
pub(super) enum LockAction {
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

pub(super) fn main(action: LockAction) -> ! {
    match action {
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
        } => run(&output, false, move || {
            lock::acquire(&Acquire {
                over: over.get()?,
                place: redis.place(),
                owner,
                ttl,
                wait,
                token_file,
                notify,
                record,
            })
        }),
        LockAction::Release {
            redis,
            token_file,
            record,
            output,
        } => run(&output, false, move || {
            lock::release(&redis.place(), token_file.as_deref(), &record)
        }),
        LockAction::Extend {
            redis,
            ttl,
            token_file,
            output,
        } => run(&output, false, move || {
            lock::extend(&redis.place(), ttl, token_file.as_deref())
        }),
        LockAction::Status { redis, output } => {
            run(&output, false, move || lock::status(&redis.place()))
        }
    }
}
