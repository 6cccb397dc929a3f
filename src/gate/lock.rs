//! `gate lock`: one deployment at a time per environment, across pipelines and repositories,
//! with a lock in Redis.
//!
//! - **acquire**: `SET sfci:lock:<env> <token> NX PX <ttl>` with a random 128-bit token, and
//!   the holder's metadata (owner, pipeline URL, actor, host, time) under
//!   `sfci:lock:<env>:holder` with the same expiry — both in one Lua script, so a reader never
//!   sees a lock without its holder. `--wait` polls (1 s, growing to 5 s) until a deadline.
//!   The token is written to `--token-file` (mode 0600) for the `after_script` that releases.
//! - **release** / **extend**: only with the holder's token, atomically (compare-and-delete,
//!   compare-and-`PEXPIRE` scripts) — the reference's `GET` then `DEL` could delete the next
//!   holder's lock when the first one expired in between.
//! - **status**: who holds it and for how long.
//!
//! The lock expires by itself after its TTL, so a crashed job cannot block the environment for
//! longer. Redis comes from `--redis URL` or `SFCI_REDIS_URL` (`redis://`, `rediss://` for TLS,
//! `redis://:PASSWORD@host:6379/0`); the URL is only ever shown with its password as `***`.
//! Every connection has a 5 s connect timeout and read/write timeouts, and is tried 3 times;
//! an unreachable server is exit 2.
//!
//! The commands ([`acquire`], [`release`], [`extend`], [`status`]) hold the rules of
//! `gate lock`: a TTL of at least 1 s, a named owner, the default token file, the token file
//! removed once the lock is released.

use super::{GateError, Override};
use crate::gate::record::RecordArgs;
use crate::net::Secret;
use crate::notify::NotifyArgs;
use crate::report::results::{CheckResult, ResultsReport, Status};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ACQUIRE: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
  return 1
end
return 0
";

const RELEASE: &str = r"
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
if v then return 0 end
return -1
";

const EXTEND: &str = r"
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return 1
end
if v then return 0 end
return -1
";

/// Connection attempts before giving up.
const CONNECT_ATTEMPTS: u32 = 3;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The Redis endpoint: the URL is a secret (it may carry a password).
pub struct RedisTarget {
    url: Secret,
    /// The URL with the password replaced by `***`, for messages.
    pub shown: String,
    password: Option<Secret>,
}

impl RedisTarget {
    pub fn new(url: &str) -> Result<RedisTarget, GateError> {
        let url = url.trim();
        let parsed = reqwest::Url::parse(url).map_err(|_| {
            GateError("invalid Redis URL (hidden, it may hold a password): expected redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss://…".into())
        })?;
        if !matches!(parsed.scheme(), "redis" | "rediss") {
            return Err(GateError(format!(
                "invalid Redis URL: scheme `{}` is not redis:// or rediss://",
                parsed.scheme()
            )));
        }
        let password = parsed.password().map(|p| Secret::new(percent_decode(p)));
        let mut shown = parsed.clone();
        if parsed.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        Ok(RedisTarget {
            url: Secret::new(url),
            shown: shown.to_string(),
            password,
        })
    }

    /// Removes the URL and password from a message.
    fn scrub(&self, s: &str) -> String {
        let s = self.url.scrub(s);
        match &self.password {
            Some(p) => p.scrub(&s),
            None => s,
        }
    }

    fn err(&self, what: &str, e: &redis::RedisError) -> GateError {
        let why = self.scrub(&e.to_string());
        GateError(format!("Redis at {}: {what}: {why}", self.shown))
    }

    /// Connects, with timeouts and bounded retries.
    pub fn connect(&self) -> Result<redis::Connection, GateError> {
        let client =
            redis::Client::open(self.url.expose()).map_err(|e| self.err("invalid URL", &e))?;
        let mut last = None;
        for attempt in 0..CONNECT_ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(500 << attempt));
            }
            match client.get_connection_with_timeout(CONNECT_TIMEOUT) {
                Ok(c) => {
                    let _ = c.set_read_timeout(Some(IO_TIMEOUT));
                    let _ = c.set_write_timeout(Some(IO_TIMEOUT));
                    return Ok(c);
                }
                Err(e) => {
                    // Authentication and protocol errors will not get better.
                    let retry = e.is_io_error() || e.is_timeout() || e.is_connection_refusal();
                    last = Some(e);
                    if !retry {
                        break;
                    }
                }
            }
        }
        let e = last.expect("at least one attempt");
        Err(GateError(format!(
            "cannot reach Redis at {} after {CONNECT_ATTEMPTS} attempts: {} (set --redis or SFCI_REDIS_URL to a reachable server)",
            self.shown,
            self.scrub(&e.to_string())
        )))
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The lock of one environment.
pub struct Lock {
    pub target: RedisTarget,
    pub env: String,
}

impl Lock {
    /// The lock of `env` in the Redis at `url` (`--redis` or `SFCI_REDIS_URL`): the
    /// environment's name is checked first, then that a URL was given, then the URL.
    pub fn open(env: &str, url: Option<&str>) -> Result<Lock, GateError> {
        check_env(env)?;
        let url = url.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
            GateError("no Redis: pass --redis URL or set SFCI_REDIS_URL (redis://host:6379/0, rediss:// for TLS)".into())
        })?;
        Ok(Lock {
            target: RedisTarget::new(url)?,
            env: env.to_string(),
        })
    }
}

/// The holder's metadata.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Holder {
    pub owner: String,
    pub env: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_url: Option<String>,
    pub actor: String,
    pub host: String,
    /// RFC 3339.
    pub acquired_at: String,
    pub ttl_ms: u64,
}

impl Holder {
    /// Metadata of this run: the CI pipeline (GitLab `CI_PIPELINE_URL`, GitHub run URL).
    pub fn here(owner: &str, env: &str, ttl: Duration) -> Holder {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let pipeline_url = var("CI_JOB_URL")
            .or_else(|| var("CI_PIPELINE_URL"))
            .or_else(|| {
                match (
                    var("GITHUB_SERVER_URL"),
                    var("GITHUB_REPOSITORY"),
                    var("GITHUB_RUN_ID"),
                ) {
                    (Some(s), Some(r), Some(id)) => Some(format!("{s}/{r}/actions/runs/{id}")),
                    _ => None,
                }
            });
        Holder {
            owner: owner.to_string(),
            env: env.to_string(),
            pipeline_url,
            actor: super::actor(),
            host: var("HOSTNAME").unwrap_or_else(|| "unknown".into()),
            acquired_at: jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            ttl_ms: ttl.as_millis().min(u64::MAX as u128) as u64,
        }
    }

    fn describe(&self) -> String {
        let mut s = format!("{} (by {} at {}", self.owner, self.actor, self.acquired_at);
        if let Some(u) = &self.pipeline_url {
            s.push_str(&format!(", {u}"));
        }
        s.push(')');
        s
    }
}

/// A new random token (128 bits, hex).
pub fn new_token() -> Result<String, GateError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|e| GateError(format!("cannot get random bytes for the lock token: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Checks an environment name: letters, digits, `_`, `.`, `-`, `/`.
pub fn check_env(env: &str) -> Result<(), GateError> {
    if env.is_empty()
        || env.len() > 100
        || !env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/'))
    {
        return Err(GateError(format!(
            "invalid --env `{env}`: use letters, digits, `_`, `.`, `-` and `/` (e.g. uat, production)"
        )));
    }
    Ok(())
}

/// What `status` found.
#[derive(Debug, Clone)]
pub struct State {
    pub held: bool,
    pub holder: Option<Holder>,
    pub ttl_left: Option<Duration>,
}

impl Lock {
    fn key(&self) -> String {
        format!("sfci:lock:{}", self.env)
    }
    fn holder_key(&self) -> String {
        format!("sfci:lock:{}:holder", self.env)
    }

    fn read(&self, con: &mut redis::Connection) -> Result<State, GateError> {
        let (exists, meta, pttl): (bool, Option<String>, i64) = redis::pipe()
            .atomic()
            .cmd("EXISTS")
            .arg(self.key())
            .cmd("GET")
            .arg(self.holder_key())
            .cmd("PTTL")
            .arg(self.key())
            .query(con)
            .map_err(|e| self.target.err("reading the lock", &e))?;
        Ok(State {
            held: exists,
            holder: meta.and_then(|m| serde_json::from_str(&m).ok()),
            ttl_left: (pttl > 0).then(|| Duration::from_millis(pttl as u64)),
        })
    }

    /// The lock's state.
    pub fn status(&self) -> Result<State, GateError> {
        let mut con = self.target.connect()?;
        self.read(&mut con)
    }

    /// Tries to take the lock until `wait` has passed; `Ok(Err(state))` when someone else
    /// still holds it.
    pub fn acquire(
        &self,
        token: &str,
        holder: &Holder,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Result<(), State>, GateError> {
        let deadline = Instant::now() + wait;
        let meta = serde_json::to_string(holder).map_err(|e| GateError(e.to_string()))?;
        let script = redis::Script::new(ACQUIRE);
        let mut con = self.target.connect()?;
        let mut pause = Duration::from_secs(1);
        let mut announced = false;
        loop {
            let got: i64 = script
                .key(self.key())
                .key(self.holder_key())
                .arg(token)
                .arg(ttl.as_millis().max(1) as u64)
                .arg(&meta)
                .invoke(&mut con)
                .map_err(|e| self.target.err("acquiring the lock", &e))?;
            if got == 1 {
                return Ok(Ok(()));
            }
            let state = self.read(&mut con)?;
            let now = Instant::now();
            if now >= deadline {
                return Ok(Err(state));
            }
            if !announced {
                eprintln!(
                    "gate lock: {} is held by {}; waiting up to {}",
                    self.env,
                    state
                        .holder
                        .as_ref()
                        .map(Holder::describe)
                        .unwrap_or_else(|| "another pipeline".into()),
                    crate::duration::format_duration(deadline - now)
                );
                announced = true;
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }

    /// Compare-and-delete. 1 released, 0 held by another token, -1 not held.
    pub fn release(&self, token: &str) -> Result<i64, GateError> {
        let mut con = self.target.connect()?;
        redis::Script::new(RELEASE)
            .key(self.key())
            .key(self.holder_key())
            .arg(token)
            .invoke(&mut con)
            .map_err(|e| self.target.err("releasing the lock", &e))
    }

    /// Compare-and-expire. 1 extended, 0 held by another token, -1 not held.
    pub fn extend(&self, token: &str, ttl: Duration) -> Result<i64, GateError> {
        let mut con = self.target.connect()?;
        redis::Script::new(EXTEND)
            .key(self.key())
            .key(self.holder_key())
            .arg(token)
            .arg(ttl.as_millis().max(1) as u64)
            .invoke(&mut con)
            .map_err(|e| self.target.err("extending the lock", &e))
    }
}

fn held_by(state: &State) -> String {
    let who = state
        .holder
        .as_ref()
        .map(Holder::describe)
        .unwrap_or_else(|| "another pipeline (no holder metadata)".into());
    match state.ttl_left {
        Some(t) => format!(
            "{who}; expires in {}",
            super::window::human(t.as_secs() as i64)
        ),
        None => who,
    }
}

fn with_state(mut r: CheckResult, state: &State) -> CheckResult {
    if let Some(h) = &state.holder {
        r = r.with_extra("holder", serde_json::to_value(h).unwrap_or_default());
    }
    if let Some(t) = state.ttl_left {
        r = r.with_extra("expires_in_ms", (t.as_millis() as u64).into());
    }
    r
}

/// The token file's default path.
pub fn default_token_file(env: &str) -> PathBuf {
    PathBuf::from(format!(".sfci-lock-{}.token", env.replace('/', "_")))
}

/// Writes the token (owner-only permissions on Unix).
pub fn write_token(path: &Path, token: &str) -> Result<(), GateError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .and_then(|mut f| f.write_all(format!("{token}\n").as_bytes()))
        .map_err(|e| {
            GateError(format!(
                "cannot write the lock token to {}: {e}",
                path.display()
            ))
        })
}

/// Reads the token written by `acquire`.
pub fn read_token(path: &Path) -> Result<String, GateError> {
    let t = std::fs::read_to_string(path).map_err(|e| {
        GateError(format!(
            "cannot read the lock token from {}: {e} (was the lock acquired by this job with --token-file {}?)",
            path.display(),
            path.display()
        ))
    })?;
    let t = t.trim().to_string();
    if t.is_empty() || t.len() > 200 {
        return Err(GateError(format!("{}: not a lock token", path.display())));
    }
    Ok(t)
}

/// `acquire` as a check.
pub fn acquire_check(
    lock: &Lock,
    owner: &str,
    ttl: Duration,
    wait: Duration,
    token_file: &Path,
) -> Result<CheckResult, GateError> {
    let token = new_token()?;
    let holder = Holder::here(owner, &lock.env, ttl);
    let name = format!("lock acquire {}", lock.env);
    let r = match lock.acquire(&token, &holder, ttl, wait)? {
        Ok(()) => {
            if let Err(e) = write_token(token_file, &token) {
                // Do not keep a lock nobody can release.
                let _ = lock.release(&token);
                return Err(e);
            }
            CheckResult::pass(
                &name,
                format!(
                    "acquired {} for {owner} for {} (token in {})",
                    lock.env,
                    crate::duration::format_duration(ttl),
                    token_file.display()
                ),
            )
            .with_extra("holder", serde_json::to_value(&holder).unwrap_or_default())
        }
        Err(state) => with_state(
            CheckResult::fail(
                &name,
                format!(
                    "{} is locked by {}{}",
                    lock.env,
                    held_by(&state),
                    if wait.is_zero() {
                        String::new()
                    } else {
                        format!(" (waited {})", crate::duration::format_duration(wait))
                    }
                ),
            ),
            &state,
        ),
    };
    Ok(r.with_group("lock")
        .with_extra("env", lock.env.clone().into()))
}

/// `release` as a check: refused (fail) when another token holds the lock.
pub fn release_check(lock: &Lock, token: &str) -> Result<CheckResult, GateError> {
    let name = format!("lock release {}", lock.env);
    let r = match lock.release(token)? {
        1 => CheckResult::pass(&name, format!("released {}", lock.env)),
        0 => {
            let state = lock.status()?;
            with_state(
                CheckResult::fail(
                    &name,
                    format!(
                        "refused: {} is held by {}, not by this token (our lock expired and was taken)",
                        lock.env,
                        held_by(&state)
                    ),
                ),
                &state,
            )
        }
        _ => CheckResult::pass(
            &name,
            format!(
                "{} was not locked (the lock had expired); nothing to release",
                lock.env
            ),
        ),
    };
    Ok(r.with_group("lock")
        .with_extra("env", lock.env.clone().into()))
}

/// `extend` as a check: only the holder extends.
pub fn extend_check(lock: &Lock, token: &str, ttl: Duration) -> Result<CheckResult, GateError> {
    let name = format!("lock extend {}", lock.env);
    let r = match lock.extend(token, ttl)? {
        1 => CheckResult::pass(
            &name,
            format!(
                "extended {} to expire in {}",
                lock.env,
                crate::duration::format_duration(ttl)
            ),
        ),
        0 => {
            let state = lock.status()?;
            with_state(
                CheckResult::fail(
                    &name,
                    format!(
                        "refused: {} is held by {}, not by this token",
                        lock.env,
                        held_by(&state)
                    ),
                ),
                &state,
            )
        }
        _ => CheckResult::fail(
            &name,
            format!(
                "{} is not locked (our lock expired); acquire it again",
                lock.env
            ),
        ),
    };
    Ok(r.with_group("lock")
        .with_extra("env", lock.env.clone().into()))
}

/// `status` as a check (informational: always a pass).
pub fn status_check(lock: &Lock) -> Result<CheckResult, GateError> {
    let state = lock.status()?;
    let name = format!("lock status {}", lock.env);
    let r = if state.held {
        with_state(
            CheckResult::pass(
                &name,
                format!("{} is held by {}", lock.env, held_by(&state)),
            ),
            &state,
        )
        .with_extra("held", true.into())
    } else {
        CheckResult::pass(&name, format!("{} is free", lock.env)).with_extra("held", false.into())
    };
    Ok(r.with_group("lock")
        .with_extra("env", lock.env.clone().into()))
}

/// Where a lock lives: the environment it guards (`--env`) and the Redis URL.
#[derive(Clone)]
pub struct Place {
    pub env: String,
    pub redis: Option<String>,
}

impl Place {
    fn open(&self) -> Result<Lock, GateError> {
        Lock::open(&self.env, self.redis.as_deref())
    }

    /// The token file: the one given, else [`default_token_file`].
    pub fn token_file(&self, given: Option<&Path>) -> PathBuf {
        given
            .map(Path::to_path_buf)
            .unwrap_or_else(|| default_token_file(&self.env))
    }
}

/// The shortest TTL a lock may have.
pub const MIN_TTL: Duration = Duration::from_secs(1);

fn check_ttl(ttl: Duration) -> Result<(), GateError> {
    if ttl < MIN_TTL {
        return Err(GateError("--ttl must be at least 1s".into()));
    }
    Ok(())
}

/// `gate lock acquire`.
pub struct Acquire {
    pub place: Place,
    /// Who holds it (team name); surrounding blanks are dropped, and it must say something.
    pub owner: String,
    pub ttl: Duration,
    /// Keep trying this long before failing.
    pub wait: Duration,
    pub token_file: Option<PathBuf>,
    pub over: Option<Override>,
    pub notify: NotifyArgs,
    pub record: RecordArgs,
}

/// Takes the lock (a blocking gate: `--override` passes it when someone else holds it).
pub fn acquire(a: &Acquire) -> Result<ResultsReport, GateError> {
    let started = Instant::now();
    check_ttl(a.ttl)?;
    if a.owner.trim().is_empty() {
        return Err(GateError(
            "--owner is empty: name the team or pipeline that deploys".into(),
        ));
    }
    let lock = a.place.open()?;
    let file = a.place.token_file(a.token_file.as_deref());
    let r = acquire_check(&lock, a.owner.trim(), a.ttl, a.wait, &file)?;
    let report = super::blocking_report("lock", "lock", r, a.over.as_ref(), &a.notify, started);
    super::context_record(&a.record, "lock-acquire", &report, Some(&a.place.env), None);
    Ok(report)
}

/// Releases the lock held by the token in `token_file`, and removes the file once released.
pub fn release(
    place: &Place,
    token_file: Option<&Path>,
    record: &RecordArgs,
) -> Result<ResultsReport, GateError> {
    let started = Instant::now();
    let lock = place.open()?;
    let file = place.token_file(token_file);
    let token = read_token(&file)?;
    let r = release_check(&lock, &token)?;
    if r.status == Status::Pass {
        let _ = std::fs::remove_file(&file);
    }
    let report = super::report("lock", vec![r], started);
    super::context_record(record, "lock-release", &report, Some(&place.env), None);
    Ok(report)
}

/// Extends the lock held by the token in `token_file` to expire in `ttl`.
pub fn extend(
    place: &Place,
    ttl: Duration,
    token_file: Option<&Path>,
) -> Result<ResultsReport, GateError> {
    let started = Instant::now();
    check_ttl(ttl)?;
    let lock = place.open()?;
    let token = read_token(&place.token_file(token_file))?;
    Ok(super::report(
        "lock",
        vec![extend_check(&lock, &token, ttl)?],
        started,
    ))
}

/// Who holds the lock.
pub fn status(place: &Place) -> Result<ResultsReport, GateError> {
    let started = Instant::now();
    let lock = place.open()?;
    Ok(super::report("lock", vec![status_check(&lock)?], started))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(env: &str, redis: Option<&str>) -> Place {
        Place {
            env: env.into(),
            redis: redis.map(str::to_string),
        }
    }

    fn acquire_with(owner: &str, ttl: Duration, redis: Option<&str>) -> Acquire {
        Acquire {
            place: place("uat", redis),
            owner: owner.into(),
            ttl,
            wait: Duration::ZERO,
            token_file: None,
            over: None,
            notify: NotifyArgs::default(),
            record: RecordArgs::default(),
        }
    }

    #[test]
    fn a_lock_lives_at_least_a_second_and_has_an_owner() {
        // Refused before any connection: no Redis is given, and that is not what is said.
        let e = acquire(&acquire_with("sales", Duration::from_millis(999), None)).unwrap_err();
        assert_eq!(e.0, "--ttl must be at least 1s");
        let e = extend(&place("uat", None), Duration::ZERO, None).unwrap_err();
        assert_eq!(e.0, "--ttl must be at least 1s");
        let e = acquire(&acquire_with("  ", Duration::from_secs(1), None)).unwrap_err();
        assert!(e.0.starts_with("--owner is empty"), "{e}");
        let e = acquire(&acquire_with("sales", Duration::from_secs(1), None)).unwrap_err();
        assert!(e.0.starts_with("no Redis"), "{e}");
    }

    #[test]
    fn the_environment_is_checked_before_redis_and_names_the_token_file() {
        let e = status(&place("prod eu", None)).unwrap_err();
        assert!(e.0.starts_with("invalid --env `prod eu`"), "{e}");
        let e = status(&place("uat", Some("  "))).unwrap_err();
        assert!(e.0.starts_with("no Redis"), "{e}");
        let p = place("eu/prod", None);
        assert_eq!(
            p.token_file(None),
            PathBuf::from(".sfci-lock-eu_prod.token")
        );
        assert_eq!(p.token_file(Some(Path::new("t"))), PathBuf::from("t"));
        let l = Lock::open("uat", Some("redis://:pw12345@h:6379/0")).unwrap();
        assert_eq!(l.env, "uat");
        assert_eq!(l.target.shown, "redis://:***@h:6379/0");
    }

    #[test]
    fn urls_hide_passwords() {
        let t = RedisTarget::new("redis://:s3cr%40t-pass@cache.example.com:6380/2").unwrap();
        assert_eq!(t.shown, "redis://:***@cache.example.com:6380/2");
        assert_eq!(t.password.as_ref().unwrap().expose(), "s3cr@t-pass");
        assert_eq!(t.scrub("auth s3cr@t-pass failed"), "auth *** failed");
        let t = RedisTarget::new("rediss://user:pw12345@h/0").unwrap();
        assert_eq!(t.shown, "rediss://user:***@h/0");
        let e = RedisTarget::new("http://x").err().unwrap();
        assert!(e.0.contains("not redis://"));
        let e = RedisTarget::new("redis//:hunter22@x").err().unwrap();
        assert!(!e.0.contains("hunter22"));
    }

    #[test]
    fn tokens_and_envs() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_token().unwrap());
        assert!(check_env("uat").is_ok());
        assert!(check_env("prod eu").is_err());
        assert!(check_env("").is_err());
    }
}
