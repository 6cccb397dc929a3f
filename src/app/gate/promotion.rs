//! `gate promotion`: the flags become [`crate::gate::promotion::Promotion`].

use super::{run, OverrideArg, Root};
use crate::gate::promotion::{self, Promotion};
use crate::notify::NotifyArgs;
use crate::report::output::OutputArgs;
use clap::Args;

pub(super) const AFTER_HELP: &str = "\
Default flow (Scenario 1): feature/* → integration → uat → release/* → main; hotfix/* → main
and back to integration. A target no rule names is unrestricted. Rules: --rule SOURCE:TARGET
(repeatable), else .sfci.yml gate.promotion.rules, else the default.
Source/target default to CI_MERGE_REQUEST_SOURCE/TARGET_BRANCH_NAME (GitLab) or
GITHUB_HEAD_REF/GITHUB_BASE_REF (GitHub).

Examples:
  gate promotion                                   # in a merge-request pipeline
  gate promotion --source feature/TEAM-1 --target main
  gate promotion --rule 'develop:main' --rule 'feature/*:develop'";

#[derive(Args, Debug)]
pub(super) struct PromotionArgs {
    #[arg(long, value_name = "BRANCH")]
    pub source: Option<String>,
    #[arg(long, value_name = "BRANCH")]
    pub target: Option<String>,
    /// An allowed merge SOURCE:TARGET (branch globs; repeatable; replaces config and default).
    #[arg(long = "rule", value_name = "SOURCE:TARGET")]
    pub rules: Vec<String>,
    #[command(flatten)]
    pub over: OverrideArg,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub root: Root,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn main(a: PromotionArgs) -> ! {
    run(&a.output, false, move || {
        promotion::run(&Promotion {
            over: a.over.get()?,
            source: a.source,
            target: a.target,
            rules: a.rules,
            root: a.root.root,
            notify: a.notify,
        })
    })
}
