//! `--notify`: one message to the release channel through an incoming webhook, so a production
//! deploy, a failed smoke check and a break-glass `--override` reach people who are not watching
//! the pipeline.
//!
//! - **Where:** the webhook URL is read from `SFCI_NOTIFY_URL` (or the variable `--notify-env NAME`
//!   names), never from the command line, where job logs and process lists would show it. The URL
//!   is a secret: it appears in no output, log or error message (errors name "the notification
//!   webhook" and scrub the URL's path).
//! - **Formats:** Slack-compatible incoming-webhook JSON (`text` plus Block Kit `blocks`; Mattermost
//!   and Rocket.Chat accept the same), or a Microsoft Teams Workflows webhook with an Adaptive Card
//!   (`type: message`, one `application/vnd.microsoft.card.adaptive` attachment). The format comes
//!   from `--notify-format`, else from the URL's host (`*.logic.azure.com`, `*.powerautomate.com`,
//!   `*.powerplatform.com`, `*.webhook.office.com` are Teams), else Slack.
//! - **When** ([`Policy`]): `gate deploy-result` always (a deployment or validation happened);
//!   `smoke` when a check failed or could not decide; every run that passed a gate with
//!   `--override`.
//! - **Never changes the verdict:** a webhook that is down, refuses or is not configured gives a
//!   warning on stderr; the exit code stays the check's. Requests go through [`crate::net::post`]
//!   (10 s per request, 2 retries, 30 s in all; a `POST` is retried only when it cannot have been
//!   processed, so a message is never sent twice).
use crate::net::{HttpConfig, Post, PostError, Secret};
use crate::report::results::{ResultsReport, Status};
use crate::report::{ExitCode, FindingsReport, Severity};
use std::time::Duration;

/// The variable that holds the webhook URL unless `--notify-env` names another.
pub const DEFAULT_ENV: &str = "SFCI_NOTIFY_URL";

/// The `--notify` flags.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct NotifyArgs {
    /// Post the outcome to the release channel's incoming webhook, whose URL is in
    /// SFCI_NOTIFY_URL (or --notify-env NAME). A webhook that fails gives a warning; the exit
    /// code stays the check's.
    #[arg(long)]
    pub notify: bool,
    /// The environment variable holding the webhook URL (never pass the URL itself).
    #[arg(long, value_name = "NAME", requires = "notify")]
    pub notify_env: Option<String>,
    /// The webhook's payload format (default: from the URL's host; Slack-compatible otherwise).
    #[arg(long, value_enum, value_name = "FORMAT", requires = "notify")]
    pub notify_format: Option<Format>,
}

/// Payload formats.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Slack incoming webhook (also Mattermost, Rocket.Chat, Google Chat's `text`).
    Slack,
    /// Microsoft Teams Workflows webhook with an Adaptive Card.
    Teams,
}

/// When a tool notifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Every run (a deployment happened).
    Always,
    /// When a check failed or could not decide.
    UnlessPassed,
    /// Only when a gate was passed with `--override`.
    OnOverride,
}

/// Whether `report` is worth a message under `policy` (an override always is).
pub fn due(policy: Policy, report: &ResultsReport) -> bool {
    report.overrides().next().is_some()
        || match policy {
            Policy::Always => true,
            Policy::UnlessPassed => report.exit_code() != ExitCode::Passed,
            Policy::OnOverride => false,
        }
}

/// One message: a title, a status, facts (label → value) and up to a few lines of detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub title: String,
    /// Passed, failed, could not decide.
    pub exit: ExitCode,
    pub facts: Vec<(String, String)>,
    pub lines: Vec<String>,
    /// The pipeline / workflow run.
    pub link: Option<String>,
}

const MAX_LINES: usize = 10;

impl Message {
    /// The message of a results report (`gate …`, `smoke`), with the CI context read by `env`.
    pub fn of_results(report: &ResultsReport, env: &dyn Fn(&str) -> Option<String>) -> Message {
        let exit = report.exit_code();
        let mut lines = Vec::new();
        for o in report.overrides() {
            lines.push(format!(
                "Break glass: gate `{}` passed by {} — {}",
                o.gate, o.who, o.why
            ));
        }
        let mut bad: Vec<_> = report
            .results
            .iter()
            .filter(|r| matches!(r.status, Status::Fail | Status::Error))
            .collect();
        bad.sort_by_key(|r| r.status != Status::Fail);
        let total = bad.len();
        for r in bad.iter().take(MAX_LINES.saturating_sub(lines.len())) {
            let group = r
                .group
                .as_deref()
                .map(|g| format!("{g}: "))
                .unwrap_or_default();
            lines.push(format!(
                "{} {group}{} — {}",
                if r.status == Status::Fail { "✗" } else { "?" },
                r.name,
                crate::report::sanitize::one_line(&r.message)
            ));
        }
        let shown = lines.len() - report.overrides().count();
        if total > shown {
            lines.push(format!(
                "… and {} more (see the job's reports)",
                total - shown
            ));
        }
        Message {
            title: format!("{}: {}", report.tool, report.verdict()),
            exit,
            facts: ci_facts(env, &report.counts()),
            lines,
            link: ci_link(env),
        }
    }

    /// The message of a findings report (`validate-deps --conflicts`): its blocking findings
    /// first, each as `file — message`, with the CI context read by `env`.
    pub fn of_findings(
        report: &FindingsReport,
        title: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Message {
        let mut list = report.ordered_findings();
        list.sort_by_key(|f| f.severity != Severity::Error);
        let mut lines: Vec<String> = list
            .iter()
            .take(MAX_LINES)
            .map(|f| {
                format!(
                    "{} {}: {} — {}",
                    if f.severity == Severity::Error {
                        "✗"
                    } else {
                        "!"
                    },
                    f.symbol.as_deref().unwrap_or(&f.file),
                    f.rule,
                    crate::report::sanitize::one_line(&f.message)
                )
            })
            .collect();
        if list.len() > MAX_LINES {
            lines.push(format!(
                "… and {} more (see the job's reports)",
                list.len() - MAX_LINES
            ));
        }
        let summary = format!(
            "{} error(s), {} warning(s)",
            report.errors(),
            report.warnings()
        );
        Message {
            title: format!("{}: {title}", report.tool),
            exit: report.exit_code(),
            facts: ci_facts(env, &summary),
            lines,
            link: ci_link(env),
        }
    }

    /// A warning that is not a verdict (a deployment still running past `--warn-after`), with
    /// the CI context read by `env`.
    pub fn warning(
        title: String,
        lines: Vec<String>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Message {
        Message {
            title,
            exit: ExitCode::Broken,
            facts: ci_facts(env, "still running"),
            lines,
            link: ci_link(env),
        }
    }

    fn icon(&self) -> &'static str {
        match self.exit {
            ExitCode::Passed => "✅",
            ExitCode::Failed => "❌",
            ExitCode::Broken => "⚠️",
        }
    }

    /// Slack incoming-webhook JSON: `text` (notifications, clients without blocks) and blocks.
    pub fn slack(&self) -> serde_json::Value {
        let text = format!("{} {}", self.icon(), self.title);
        let mut blocks = vec![serde_json::json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": format!("*{}*", slack_escape(&text))}
        })];
        if !self.facts.is_empty() {
            let fields: Vec<_> = self
                .facts
                .iter()
                .take(10)
                .map(|(k, v)| {
                    serde_json::json!({"type": "mrkdwn", "text": format!("*{}*\n{}", slack_escape(k), slack_escape(v))})
                })
                .collect();
            blocks.push(serde_json::json!({"type": "section", "fields": fields}));
        }
        if !self.lines.is_empty() {
            let body: Vec<String> = self.lines.iter().map(|l| slack_escape(l)).collect();
            blocks.push(serde_json::json!({
                "type": "section",
                "text": {"type": "mrkdwn", "text": truncate(&body.join("\n"), 2900)}
            }));
        }
        if let Some(link) = &self.link {
            blocks.push(serde_json::json!({
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": format!("<{link}|Open the pipeline>")}]
            }));
        }
        serde_json::json!({"text": text, "blocks": blocks})
    }

    /// A Teams Workflows webhook payload: one Adaptive Card (schema 1.4).
    pub fn teams(&self) -> serde_json::Value {
        let color = match self.exit {
            ExitCode::Passed => "Good",
            ExitCode::Failed => "Attention",
            ExitCode::Broken => "Warning",
        };
        let mut body = vec![serde_json::json!({
            "type": "TextBlock", "size": "Medium", "weight": "Bolder", "wrap": true,
            "color": color, "text": format!("{} {}", self.icon(), self.title)
        })];
        if !self.facts.is_empty() {
            let facts: Vec<_> = self
                .facts
                .iter()
                .map(|(k, v)| serde_json::json!({"title": k, "value": v}))
                .collect();
            body.push(serde_json::json!({"type": "FactSet", "facts": facts}));
        }
        for l in &self.lines {
            body.push(serde_json::json!({"type": "TextBlock", "wrap": true, "text": l}));
        }
        let mut card = serde_json::json!({
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body
        });
        if let Some(link) = &self.link {
            card["actions"] = serde_json::json!([
                {"type": "Action.OpenUrl", "title": "Open the pipeline", "url": link}
            ]);
        }
        serde_json::json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": null,
                "content": card
            }]
        })
    }
}

fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Project, environment, commit, who ran it, and the summary.
fn ci_facts(env: &dyn Fn(&str) -> Option<String>, summary: &str) -> Vec<(String, String)> {
    let mut facts = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            facts.push((k.to_string(), v));
        }
    };
    add(
        "Project",
        env("CI_PROJECT_PATH").or_else(|| env("GITHUB_REPOSITORY")),
    );
    add("Environment", env("CI_ENVIRONMENT_NAME"));
    add(
        "Branch",
        env("CI_COMMIT_REF_NAME").or_else(|| env("GITHUB_REF_NAME")),
    );
    add(
        "Commit",
        env("CI_COMMIT_SHORT_SHA")
            .or_else(|| env("GITHUB_SHA").map(|s| s.chars().take(8).collect())),
    );
    add(
        "By",
        env("GITLAB_USER_LOGIN").or_else(|| env("GITHUB_ACTOR")),
    );
    add("Summary", Some(summary.to_string()));
    facts
}

fn ci_link(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    env("CI_JOB_URL").or_else(|| {
        Some(format!(
            "{}/{}/actions/runs/{}",
            env("GITHUB_SERVER_URL")?,
            env("GITHUB_REPOSITORY")?,
            env("GITHUB_RUN_ID")?
        ))
    })
}

/// The format a webhook URL implies.
pub fn format_of(url: &str) -> Format {
    let host = reqwest::Url::parse(url.trim())
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let teams = [
        ".logic.azure.com",
        ".powerautomate.com",
        ".powerplatform.com",
        ".webhook.office.com",
    ];
    if teams.iter().any(|t| host.ends_with(t)) {
        Format::Teams
    } else {
        Format::Slack
    }
}

/// The request policy of notifications.
pub fn http_config() -> HttpConfig {
    HttpConfig {
        policy: crate::net::Policy {
            request_timeout: Duration::from_secs(10),
            max_retries: 2,
            ..crate::net::Policy::default()
        },
        ..HttpConfig::default()
    }
    .with_run_timeout(Duration::from_secs(30))
}

/// Posts `payload` to the webhook `url`. Errors never contain the URL.
pub fn send(url: &Secret, payload: &serde_json::Value, http: HttpConfig) -> Result<(), PostError> {
    let full = reqwest::Url::parse(url.expose().trim()).map_err(|_| PostError::Config {
        service: SERVICE,
        detail: "the webhook URL does not parse (its value is not shown)".into(),
    })?;
    // The URL's path (and query) is the credential: scrub it from every message.
    let path = full.path().to_string();
    let scrub = if path.len() > 1 { path } else { String::new() };
    let post = Post {
        service: SERVICE,
        refused_hint: "check the webhook URL in the notification variable (it may have been \
                       revoked or the workflow turned off)",
        url: full,
        body: serde_json::to_vec(payload).unwrap_or_default(),
        content_type: "application/json",
        accept: "application/json, text/plain, */*",
        any_http: false,
        secret: Secret::new(scrub),
    };
    crate::net::post(&post, &http).map_err(|e| match e {
        PostError::Config { service, detail } => PostError::Config {
            service,
            detail: url.scrub(&detail),
        },
        other => other,
    })
}

/// What messages call the webhook.
const SERVICE: &str = "notification webhook";

/// What became of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent(Format),
    NotDue,
    NotSent(String),
}

/// Sends `message` when `--notify` was given and `due`, reading the URL from the environment.
pub fn notify(args: &NotifyArgs, message: &Message) -> Outcome {
    notify_with(args, message, &|k| std::env::var(k).ok(), http_config())
}

/// [`notify`] with an environment and a request policy (tests).
pub fn notify_with(
    args: &NotifyArgs,
    message: &Message,
    env: &dyn Fn(&str) -> Option<String>,
    http: HttpConfig,
) -> Outcome {
    let var = args.notify_env.as_deref().unwrap_or(DEFAULT_ENV);
    let Some(url) = env(var).filter(|v| !v.trim().is_empty()) else {
        return Outcome::NotSent(format!("{var} is not set (it holds the webhook URL)"));
    };
    let url = Secret::new(url);
    let format = args
        .notify_format
        .unwrap_or_else(|| format_of(url.expose()));
    let payload = match format {
        Format::Slack => message.slack(),
        Format::Teams => message.teams(),
    };
    match send(&url, &payload, http) {
        Ok(()) => Outcome::Sent(format),
        Err(e) => Outcome::NotSent(url.scrub(&e.to_string())),
    }
}

/// `--notify` for a results report: sends when asked and due under `policy`, and says on stderr
/// what happened.
pub fn results_if_asked(tool: &str, args: &NotifyArgs, policy: Policy, report: &ResultsReport) {
    if !args.notify {
        return;
    }
    if !due(policy, report) {
        return;
    }
    let msg = Message::of_results(report, &|k| std::env::var(k).ok());
    message_if_asked(tool, args, &msg);
}

/// `--notify` for a findings report: sends when asked and the report does not pass (a
/// blocking finding), and says on stderr what happened.
pub fn findings_if_asked(tool: &str, args: &NotifyArgs, title: &str, report: &FindingsReport) {
    if !args.notify || report.exit_code() == ExitCode::Passed {
        return;
    }
    let msg = Message::of_findings(report, title, &|k| std::env::var(k).ok());
    message_if_asked(tool, args, &msg);
}

/// `--notify` for one message: sends when asked, and says on stderr what happened.
pub fn message_if_asked(tool: &str, args: &NotifyArgs, msg: &Message) {
    if !args.notify {
        return;
    }
    match notify(args, msg) {
        Outcome::Sent(f) => eprintln!(
            "{tool}: notification sent ({})",
            match f {
                Format::Slack => "Slack-compatible webhook",
                Format::Teams => "Teams workflow webhook",
            }
        ),
        Outcome::NotDue => {}
        Outcome::NotSent(why) => eprintln!("{tool}: warning: no notification sent: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::results::CheckResult;

    fn report(results: Vec<CheckResult>) -> ResultsReport {
        let mut r = ResultsReport::new("gate deploy-result");
        r.results = results;
        r
    }

    #[test]
    fn the_policy_decides() {
        let pass = report(vec![CheckResult::pass("deployment status", "ok")]);
        let fail = report(vec![CheckResult::fail("deployment status", "failed")]);
        assert!(due(Policy::Always, &pass));
        assert!(!due(Policy::UnlessPassed, &pass));
        assert!(due(Policy::UnlessPassed, &fail));
        assert!(!due(Policy::OnOverride, &fail));
    }

    #[test]
    fn teams_hosts_get_adaptive_cards() {
        assert_eq!(
            format_of("https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x"),
            Format::Teams
        );
        assert_eq!(
            format_of("https://default1.environment.api.powerplatform.com/powerautomate/x"),
            Format::Teams
        );
        assert_eq!(
            format_of("https://hooks.slack.com/services/T/B/X"),
            Format::Slack
        );
        assert_eq!(format_of("not a url"), Format::Slack);
    }

    #[test]
    fn payloads_carry_the_outcome_and_the_failures() {
        let r = report(vec![
            CheckResult::fail("ApexClass AccountService", "Variable does not exist: x")
                .with_group("components"),
            CheckResult::pass("deployment status", "ok"),
        ]);
        let env = |k: &str| match k {
            "CI_PROJECT_PATH" => Some("acme/crm".to_string()),
            "CI_JOB_URL" => Some("https://gitlab.example.com/acme/crm/-/jobs/7".to_string()),
            _ => None,
        };
        let m = Message::of_results(&r, &env);
        let slack = m.slack();
        assert!(slack["text"]
            .as_str()
            .unwrap()
            .starts_with("❌ gate deploy-result"));
        let all = slack.to_string();
        assert!(all.contains("components: ApexClass AccountService — Variable does not exist: x"));
        assert!(all.contains("acme/crm"));
        assert!(all.contains("<https://gitlab.example.com/acme/crm/-/jobs/7|Open the pipeline>"));
        let teams = m.teams();
        assert_eq!(teams["type"], "message");
        let card = &teams["attachments"][0]["content"];
        assert_eq!(card["type"], "AdaptiveCard");
        assert_eq!(card["body"][0]["color"], "Attention");
        assert_eq!(
            card["actions"][0]["url"],
            "https://gitlab.example.com/acme/crm/-/jobs/7"
        );
    }

    #[test]
    fn slack_text_is_escaped() {
        assert_eq!(slack_escape("a <b> & c"), "a &lt;b&gt; &amp; c");
    }
}
