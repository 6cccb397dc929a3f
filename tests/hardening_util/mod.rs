//! Helpers of the hardening tests: run a real binary with a hard time limit (a hang fails the
//! test instead of stalling the suite) and assert that it did not panic.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run left behind.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// stdout and stderr together, for messages and searches.
    pub fn all(&self) -> String {
        format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr)
    }
}

/// A command for `bin` in `dir` with every variable that changes the tools' behaviour (CI
/// context, credentials, tokens) removed.
pub fn command(bin: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir);
    for k in [
        "GITHUB_STEP_SUMMARY",
        "NO_COLOR",
        "CI",
        "GITLAB_CI",
        "GITHUB_ACTIONS",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITLAB_TOKEN",
        "SFCI_GITLAB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_API_URL",
        "CI_API_V4_URL",
        "CI_PROJECT_ID",
        "CI_MERGE_REQUEST_IID",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA",
        "GITHUB_BASE_REF",
        "GITHUB_HEAD_REF",
        "SFCI_PROMETHEUS_TOKEN",
        "SFCI_REDIS_URL",
        "GITLAB_USER_LOGIN",
        "GITHUB_ACTOR",
    ]
    .iter()
    .chain(crate::common::ORG_ENV)
    {
        cmd.env_remove(k);
    }
    cmd
}

/// Runs `cmd` (stdin from `stdin`, else empty), killing it and failing the test when it is
/// still running after `limit`.
pub fn run_limited(mut cmd: Command, stdin: Option<Vec<u8>>, limit: Duration) -> Run {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("spawn the binary");
    let mut input = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        if let Some(bytes) = stdin {
            let _ = input.write_all(&bytes);
        }
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = err_reader.join().unwrap_or_default();
            panic!(
                "{cmd:?} hung: still running after {limit:?}, killed; stderr so far:\n{}",
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let _ = feeder.join();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    let run = Run {
        code: status.code(),
        stdout,
        stderr,
        elapsed,
    };
    assert_no_panic(&run);
    run
}

/// Runs `bin` in `dir` with `args` and the 60 s hang guard.
pub fn run(bin: &str, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = command(bin, dir);
    cmd.args(args).envs(env.iter().copied());
    run_limited(cmd, None, Duration::from_secs(60))
}

/// A run ended by a signal (a crash), a Rust panic or a caught thread panic fails the test.
pub fn assert_no_panic(run: &Run) {
    assert!(run.code.is_some(), "killed by a signal: {}", run.all());
    for marker in ["panicked", "RUST_BACKTRACE", "internal error"] {
        assert!(
            !run.stderr.contains(marker) && !run.stdout.contains(marker),
            "{marker}: {}",
            run.all()
        );
    }
}

/// Creates a FIFO (named pipe) at `path`.
pub fn mkfifo(path: &Path) {
    let st = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(st.success(), "mkfifo {}", path.display());
}

/// Writes `bytes` to `path`, creating its folders.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Deterministic bytes that are neither text nor any known format.
pub fn binary(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `text` with a UTF-8 byte-order mark.
pub fn bom(text: &str) -> Vec<u8> {
    let mut v = BOM.to_vec();
    v.extend_from_slice(text.as_bytes());
    v
}

/// `text` with CRLF line ends.
pub fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

pub const TEN_MB: usize = 10 * 1024 * 1024;
