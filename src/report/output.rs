//! The output flags every findings binary flattens, and [`emit`], which writes them.
//!
//! Machine outputs (`--json`, `--junit`, `--sarif`, `--codequality`) can all be written
//! in one run; `-` means stdout and at most one may use it. The `--format` rendering goes
//! to stdout, or to stderr when a machine output holds stdout, so stdout stays
//! parseable. Colour only on a terminal and when `NO_COLOR` is unset or empty. When
//! `GITHUB_STEP_SUMMARY` is set, the Markdown summary is appended to that file within
//! GitHub's 1 MiB limit (less what the file already holds).

use super::{markdown, Render};
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// What to print on the terminal (`--format`).
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One line per finding and a summary, for people.
    #[default]
    Text,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// The JSON findings report.
    Json,
}

/// The output flags shared by every findings binary (`#[command(flatten)]`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Write the JSON report to stdout (bare `--json`, as in `sf … --json`) or to FILE:
    /// `--json=FILE`, or `--json FILE` when FILE is `-` or ends in `.json` (any other
    /// word after a bare `--json` is an argument, e.g. a path to scan).
    #[arg(
        long,
        value_name = "FILE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "-"
    )]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report to FILE (`-` for stdout), for GitLab's
    /// `artifacts:reports:junit`. Each tool describes its own shape in its `--help`
    /// (`process::parse_tool`).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a SARIF 2.1.0 log to FILE (`-` for stdout), for GitHub code scanning.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Write a GitLab Code Quality report to FILE (`-` for stdout), for
    /// `artifacts:reports:codequality`.
    #[arg(long, value_name = "FILE")]
    pub codequality: Option<PathBuf>,
    /// What to print: `text` for people, `github` for workflow-command annotations,
    /// `json` for the JSON report. Printed on stderr when a report file is `-`.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
    pub format: Format,
}

impl OutputArgs {
    /// Checks the flags (see [`validate`]); call it before a long analysis so a usage
    /// mistake is reported at once.
    pub fn validate(&self) -> Result<(), OutputError> {
        validate(self)
    }
}

/// An output that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// More than one report asked for stdout.
    #[error("only one report can be written to stdout, but {} all use `-`", .flags.join(", "))]
    SeveralOnStdout { flags: Vec<&'static str> },
    /// Two flags name the same file.
    #[error("{first} and {second} both write to {}", .path.display())]
    SameFile {
        first: &'static str,
        second: &'static str,
        path: PathBuf,
    },
    /// A report file (or its folder) could not be written.
    #[error("cannot write {what} to {}: {source}", .path.display())]
    File {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Writing to stdout or stderr failed (for example a closed pipe).
    #[error("cannot write to {stream}: {source}")]
    Stream {
        stream: &'static str,
        #[source]
        source: io::Error,
    },
    /// Several outputs failed; every one was attempted.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Several(Vec<OutputError>),
}

impl OutputError {
    /// Whether the failure is only a closed stdout/stderr pipe (`tool | head`), which a
    /// binary may choose to ignore.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            OutputError::Stream { source, .. } => source.kind() == io::ErrorKind::BrokenPipe,
            OutputError::Several(all) => all.iter().all(OutputError::is_broken_pipe),
            _ => false,
        }
    }
}

/// The process context [`emit`] reads, separated so tests need not touch the
/// process-global environment.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `$GITHUB_STEP_SUMMARY`, when set and not empty.
    pub step_summary: Option<PathBuf>,
    /// `$NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
}

impl Environment {
    /// The real process environment.
    pub fn from_process() -> Environment {
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        Environment {
            step_summary: non_empty("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            no_color: non_empty("NO_COLOR").is_some(),
            stdout_is_terminal: io::stdout().is_terminal(),
            stderr_is_terminal: io::stderr().is_terminal(),
        }
    }
}

/// A requested machine output.
struct Target<'a> {
    flag: &'static str,
    what: &'static str,
    path: &'a Path,
    render: Renderer,
}

fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A renderer of a machine output.
type Renderer = fn(&dyn Render) -> String;

fn targets(args: &OutputArgs) -> Vec<Target<'_>> {
    let all: [(&'static str, &'static str, &Option<PathBuf>, Renderer); 4] = [
        ("--json", "the JSON report", &args.json, |r| r.json()),
        ("--junit", "the JUnit report", &args.junit, |r| r.junit()),
        ("--sarif", "the SARIF log", &args.sarif, |r| r.sarif()),
        (
            "--codequality",
            "the Code Quality report",
            &args.codequality,
            |r| r.codequality(),
        ),
    ];
    all.into_iter()
        .filter_map(|(flag, what, path, render)| {
            path.as_deref().map(|path| Target {
                flag,
                what,
                path,
                render,
            })
        })
        .collect()
}

/// Checks the flags before anything is written: at most one `-`, no file named twice.
pub fn validate(args: &OutputArgs) -> Result<(), OutputError> {
    let targets = targets(args);
    let on_stdout: Vec<&'static str> = targets
        .iter()
        .filter(|t| is_stdout(t.path))
        .map(|t| t.flag)
        .collect();
    if on_stdout.len() > 1 {
        return Err(OutputError::SeveralOnStdout { flags: on_stdout });
    }
    for (i, a) in targets.iter().enumerate() {
        for b in &targets[i + 1..] {
            if !is_stdout(a.path) && a.path == b.path {
                return Err(OutputError::SameFile {
                    first: a.flag,
                    second: b.flag,
                    path: a.path.to_path_buf(),
                });
            }
        }
    }
    Ok(())
}

fn write_file(what: &'static str, path: &Path, contents: &str) -> Result<(), OutputError> {
    let err = |source| OutputError::File {
        what,
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(err)?;
    }
    fs::write(path, contents).map_err(err)
}

fn write_stream(stream: &'static str, w: &mut dyn Write, s: &str) -> Result<(), OutputError> {
    w.write_all(s.as_bytes())
        .and_then(|()| w.flush())
        .map_err(|source| OutputError::Stream { stream, source })
}

/// Appends the Markdown summary to `path` (a `$GITHUB_STEP_SUMMARY` file), keeping the
/// file within GitHub's 1 MiB limit: the summary is cut to the room left. Nothing is
/// written when there is no room.
pub fn append_step_summary(report: &dyn Render, path: &Path) -> Result<(), OutputError> {
    let what = "the job summary";
    let err = |source| OutputError::File {
        what,
        path: path.to_path_buf(),
        source,
    };
    let existing = match fs::metadata(path) {
        Ok(m) => usize::try_from(m.len()).unwrap_or(usize::MAX),
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
        Err(e) => return Err(err(e)),
    };
    let room = markdown::GITHUB_STEP_SUMMARY_LIMIT.saturating_sub(existing);
    // A blank line separates this summary from earlier steps' Markdown.
    let separator = if existing > 0 { "\n" } else { "" };
    let Some(budget) = room.checked_sub(separator.len()) else {
        return Ok(());
    };
    let summary = report.markdown(budget);
    if summary.is_empty() {
        return Ok(());
    }
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(err)?;
    file.write_all(format!("{separator}{summary}").as_bytes())
        .map_err(err)
}

/// Where the full report can be found, for the annotation overflow notice.
fn pointer(args: &OutputArgs, env: &Environment) -> String {
    let mut places: Vec<String> = Vec::new();
    if env.step_summary.is_some() {
        places.push("the job summary".into());
    }
    for t in targets(args) {
        if !is_stdout(t.path) {
            places.push(t.path.display().to_string());
        }
    }
    if places.is_empty() {
        "the full report (write it with --json FILE or --sarif FILE)".into()
    } else {
        places.join(", ")
    }
}

/// Writes every requested output for `report`, reading the process environment.
/// Every output is attempted even when one fails; the errors are returned together.
pub fn emit(report: &dyn Render, args: &OutputArgs) -> Result<(), OutputError> {
    let env = Environment::from_process();
    emit_with(
        report,
        args,
        &env,
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    )
}

/// [`emit`] with an explicit environment and streams.
pub fn emit_with(
    report: &dyn Render,
    args: &OutputArgs,
    env: &Environment,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), OutputError> {
    validate(args)?;
    let mut errors = Vec::new();
    let mut stdout_taken = false;
    for t in targets(args) {
        let contents = (t.render)(report);
        let result = if is_stdout(t.path) {
            stdout_taken = true;
            write_stream("stdout", stdout, &contents)
        } else {
            write_file(t.what, t.path, &contents)
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }

    if let Some(path) = &env.step_summary {
        if let Err(e) = append_step_summary(report, path) {
            errors.push(e);
        }
    }

    let (stream, is_terminal): (&'static str, bool) = if stdout_taken {
        ("stderr", env.stderr_is_terminal)
    } else {
        ("stdout", env.stdout_is_terminal)
    };
    let human = match args.format {
        Format::Text => report.text(is_terminal && !env.no_color),
        Format::Github => report.github(&pointer(args, env)),
        Format::Json => report.json(),
    };
    let w: &mut dyn Write = if stdout_taken { stderr } else { stdout };
    if let Err(e) = write_stream(stream, w, &human) {
        errors.push(e);
    }

    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(OutputError::Several(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        output: OutputArgs,
    }

    fn parse(args: &[&str]) -> Result<OutputArgs, clap::Error> {
        Cli::try_parse_from(crate::process::sf_json_args(
            std::iter::once("tool").chain(args.iter().copied()),
        ))
        .map(|c| c.output)
    }

    fn run(args: &OutputArgs, env: &Environment) -> (Result<(), OutputError>, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = emit_with(&sample_report(), args, env, &mut out, &mut err);
        (
            r,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn flags_parse() {
        let a = parse(&["--json", "out/r.json", "--sarif", "-", "--format", "github"]).unwrap();
        assert_eq!(a.json.as_deref(), Some(Path::new("out/r.json")));
        assert_eq!(a.sarif.as_deref(), Some(Path::new("-")));
        assert_eq!(a.format, Format::Github);
        assert_eq!(parse(&[]).unwrap().format, Format::Text);
        assert!(parse(&["--format", "xml"]).is_err());
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn two_stdout_outputs_are_an_error() {
        let args = parse(&["--json", "-", "--junit", "x.xml", "--sarif", "-"]).unwrap();
        let (r, out, err) = run(&args, &Environment::default());
        let e = r.unwrap_err();
        assert!(
            matches!(&e, OutputError::SeveralOnStdout { flags } if flags == &["--json", "--sarif"])
        );
        assert!(e.to_string().contains("--json, --sarif"));
        assert!(out.is_empty() && err.is_empty());
    }

    #[test]
    fn same_file_twice_is_an_error() {
        let args = parse(&["--json=r.out", "--sarif", "r.out"]).unwrap();
        assert!(matches!(
            validate(&args),
            Err(OutputError::SameFile {
                first: "--json",
                second: "--sarif",
                ..
            })
        ));
    }

    #[test]
    fn files_written_and_text_on_stdout() {
        let dir = tempfile::tempdir().unwrap();
        let p = |name: &str| dir.path().join("nested/deeper").join(name);
        let args = OutputArgs {
            json: Some(p("r.json")),
            junit: Some(p("r.xml")),
            sarif: Some(p("r.sarif")),
            codequality: Some(p("cq.json")),
            format: Format::Text,
        };
        let (r, out, err) = run(&args, &Environment::default());
        r.unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(p("r.json")).unwrap()).unwrap();
        assert_eq!(json["summary"]["errors"], 3);
        roxmltree::Document::parse(&fs::read_to_string(p("r.xml")).unwrap()).unwrap();
        let sarif: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(p("r.sarif")).unwrap()).unwrap();
        assert_eq!(sarif["version"], "2.1.0");
        let cq: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(p("cq.json")).unwrap()).unwrap();
        assert_eq!(cq.as_array().unwrap().len(), 4);
        assert!(
            out.ends_with("3 errors, 1 warning in 3 files (classes: 98, files: 120) in 1.23s\n")
        );
        assert!(!out.contains('\x1b'));
        assert!(err.is_empty());
    }

    #[test]
    fn machine_output_on_stdout_moves_text_to_stderr() {
        let args = parse(&["--sarif", "-"]).unwrap();
        let env = Environment {
            stdout_is_terminal: true,
            stderr_is_terminal: true,
            ..Environment::default()
        };
        let (r, out, err) = run(&args, &env);
        r.unwrap();
        let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(sarif["version"], "2.1.0");
        assert!(err.contains("error"));
        assert!(err.contains('\x1b'), "stderr is a terminal: coloured");
    }

    #[test]
    fn colour_rules() {
        let args = OutputArgs::default();
        let tty = Environment {
            stdout_is_terminal: true,
            ..Environment::default()
        };
        assert!(run(&args, &tty).1.contains('\x1b'));
        let no_color = Environment {
            no_color: true,
            ..tty.clone()
        };
        assert!(!run(&args, &no_color).1.contains('\x1b'));
        assert!(!run(&args, &Environment::default()).1.contains('\x1b'));
    }

    #[test]
    fn github_and_json_formats() {
        let dir = tempfile::tempdir().unwrap();
        let json_path = dir.path().join("r.json");
        let args = OutputArgs {
            json: Some(json_path.clone()),
            format: Format::Github,
            ..OutputArgs::default()
        };
        let (r, out, _) = run(&args, &Environment::default());
        r.unwrap();
        assert_eq!(out.lines().filter(|l| l.starts_with("::error ")).count(), 3);
        let args = OutputArgs {
            format: Format::Json,
            ..OutputArgs::default()
        };
        let (r, out, _) = run(&args, &Environment::default());
        r.unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["tool"], "lint-callout-mocks");
        // The overflow notice points at the written files.
        let mut many = sample_report();
        for i in 0..12 {
            many.findings.push(finding(
                RULE_A.id,
                crate::report::Severity::Error,
                &format!("z{i}.cls"),
                1,
                1,
                None,
                "e",
            ));
        }
        let env = Environment {
            step_summary: Some(dir.path().join("summary.md")),
            ..Environment::default()
        };
        let args = OutputArgs {
            json: Some(json_path.clone()),
            format: Format::Github,
            ..OutputArgs::default()
        };
        let mut out = Vec::new();
        emit_with(&many, &args, &env, &mut out, &mut Vec::new()).unwrap();
        let out = String::from_utf8(out).unwrap();
        let notice = out.lines().find(|l| l.starts_with("::notice")).unwrap();
        assert!(notice.contains("5 errors not shown"), "{notice}");
        assert!(notice.contains(&format!("see the job summary, {}.", json_path.display())));
    }

    #[test]
    fn step_summary_is_appended_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("step_summary.md");
        fs::write(&path, "# Earlier step\n").unwrap();
        append_step_summary(&sample_report(), &path).unwrap();
        let s = fs::read_to_string(&path).unwrap();
        assert!(s.starts_with("# Earlier step\n\n## lint-callout-mocks: ❌ failed\n"));
        assert!(s.contains("| callout-without-mock |"));

        // A nearly full file: what is appended keeps the file within 1 MiB.
        let limit = markdown::GITHUB_STEP_SUMMARY_LIMIT;
        fs::write(&path, "x".repeat(limit - 300)).unwrap();
        append_step_summary(&sample_report(), &path).unwrap();
        let len = fs::metadata(&path).unwrap().len() as usize;
        assert!(len <= limit && len > limit - 300, "{len}");

        // A full file is left alone.
        fs::write(&path, "x".repeat(limit)).unwrap();
        append_step_summary(&sample_report(), &path).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().len() as usize, limit);

        // Missing file: created.
        let fresh = dir.path().join("fresh.md");
        append_step_summary(&sample_report(), &fresh).unwrap();
        assert!(fs::read_to_string(&fresh)
            .unwrap()
            .starts_with("## lint-callout-mocks"));
    }

    #[test]
    fn emit_with_appends_the_step_summary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        let env = Environment {
            step_summary: Some(path.clone()),
            ..Environment::default()
        };
        let (r, _, _) = run(&OutputArgs::default(), &env);
        r.unwrap();
        let (r, _, _) = run(&OutputArgs::default(), &env);
        r.unwrap();
        let s = fs::read_to_string(&path).unwrap();
        assert_eq!(s.matches("## lint-callout-mocks").count(), 2);
    }

    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn closed_stdout_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let args = OutputArgs {
            json: Some(dir.path().join("r.json")),
            ..OutputArgs::default()
        };
        let e = emit_with(
            &sample_report(),
            &args,
            &Environment::default(),
            &mut ClosedPipe,
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(e.is_broken_pipe());
        assert!(e.to_string().starts_with("cannot write to stdout"));
        // The file was still written.
        assert!(dir.path().join("r.json").exists());
    }

    #[test]
    fn unwritable_file_names_the_path_and_others_still_written() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("blocker");
        fs::write(&blocker, "").unwrap();
        let args = OutputArgs {
            junit: Some(blocker.join("r.xml")),
            sarif: Some(dir.path().join("ok.sarif")),
            ..OutputArgs::default()
        };
        let (r, out, _) = run(&args, &Environment::default());
        let e = r.unwrap_err();
        assert!(matches!(
            e,
            OutputError::File {
                what: "the JUnit report",
                ..
            }
        ));
        assert!(e.to_string().contains("blocker"));
        assert!(!e.is_broken_pipe());
        assert!(dir.path().join("ok.sarif").exists());
        assert!(!out.is_empty());
    }
}
