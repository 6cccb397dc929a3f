//! `gate window`: the flags become [`crate::gate::window::Check`].

use super::{run, OverrideArg, Root};
use crate::gate::window::{self, Check};
use crate::notify::NotifyArgs;
use crate::report::output::OutputArgs;
use clap::Args;

pub(super) const AFTER_HELP: &str = "\
Windows: DAYS HH:MM-HH:MM [ZONE] — Fri, Mon-Thu, Sat,Sun, daily; an end before the start runs
overnight; ZONE is an IANA name (real tz database, DST-correct). Freezes: FROM..TO dates (TO
included) or date-times (TO excluded), in the window's zone unless a zone follows.
Without --allow/--freeze, .sfci.yml gate.window is used.

Examples:
  gate window --allow 'Fri 18:00-22:00 America/New_York' --freeze 2024-12-20..2025-01-02
  gate window --allow 'Fri 22:00-02:00 Europe/Paris' --now 2024-11-08T23:30:00+01:00
  gate window --override 'INC-4711: payment outage hotfix' --junit window.xml";

#[derive(Args, Debug)]
pub(super) struct WindowArgs {
    /// An allowed window (repeatable).
    #[arg(long = "allow", value_name = "SPEC")]
    pub allow: Vec<String>,
    /// A freeze period FROM..TO (repeatable).
    #[arg(long = "freeze", value_name = "FROM..TO")]
    pub freeze: Vec<String>,
    /// Zone of windows and freezes that name none (default: the first window's, else UTC).
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Decide at this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    #[command(flatten)]
    pub over: OverrideArg,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub root: Root,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn main(a: WindowArgs) -> ! {
    run(&a.output, false, move || {
        window::run(&Check {
            over: a.over.get()?,
            allow: a.allow,
            freeze: a.freeze,
            tz: a.tz,
            now: a.now,
            root: a.root.root,
            notify: a.notify,
        })
    })
}
