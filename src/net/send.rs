//! The send-with-policy loop: [`Policy`], the [`Exchange`] a client supplies, [`send`], and
//! the one classification of transport failures ([`Transport`], [`classify`]).
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{chain, Response};

/// Timeouts, retries and waits of one client. Each client has its own defaults.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Total time for one attempt, body included.
    pub request_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff; doubled on every retry.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts.
    pub max_backoff: Duration,
    /// Longest wait for a `Retry-After` or a rate-limit reset: a longer one gives up at once.
    pub max_wait: Duration,
    /// Deadline for the whole run: no attempt starts or waits past it.
    pub deadline: Option<Instant>,
    /// Print a line on stderr before each retry.
    pub log_retries: bool,
}

/// The general defaults (the forges, the webhook, the Pushgateway): 30 s per attempt, 3
/// retries, backoff from 1 s doubling up to 30 s, `Retry-After` waits up to 60 s, no
/// deadline, a line per retry. A client with other needs overrides fields.
impl Default for Policy {
    fn default() -> Self {
        Policy {
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
            deadline: None,
            log_retries: true,
        }
    }
}

impl Policy {
    /// The nominal backoff before retry number `retry + 1`: `initial_backoff · 2^retry`, at
    /// most `max_backoff`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The backoff [`send`] waits: [`Policy::backoff`] shortened by a random jitter of up to a
    /// quarter, so clients that failed together do not come back together.
    pub fn jittered_backoff(&self, retry: u32) -> Duration {
        let full = self.backoff(retry);
        full.saturating_sub(full.mul_f64(jitter() / 4.0))
    }

    /// The time left before the deadline, if one is set.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }
}

/// A random number in `[0, 1)` (the std hasher's per-instance random keys; no dependency).
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Why one attempt produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// The connection could not be made: the request was not sent (always safe to retry).
    Connect(String),
    /// No complete answer within the attempt's timeout.
    Timeout(Duration),
    /// The answer's body was cut short (the request was processed).
    Body(String),
    /// Anything else (the request may have been processed).
    Other(String),
}

impl Transport {
    /// A short, URL-free description.
    pub fn detail(&self) -> String {
        match self {
            Transport::Connect(d) | Transport::Body(d) | Transport::Other(d) => d.clone(),
            Transport::Timeout(after) => format!("timed out after {after:?}"),
        }
    }
}

/// The one classification of a transport error: a timeout (reqwest's, or an
/// `io::ErrorKind::TimedOut` anywhere in the chain) first, then a failed connection, else other.
pub fn classify(e: &(dyn StdError + 'static)) -> Transport {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    let mut connect = false;
    while let Some(err) = cur {
        if let Some(re) = err.downcast_ref::<reqwest::Error>() {
            if re.is_timeout() {
                return Transport::Timeout(Duration::ZERO);
            }
            connect |= re.is_connect();
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return Transport::Timeout(Duration::ZERO);
            }
        }
        cur = err.source();
    }
    if connect {
        Transport::Connect(chain(e))
    } else {
        Transport::Other(chain(e))
    }
}

/// [`classify`] for an error while reading a body: a timeout stays a timeout, anything else
/// is the body cut short.
pub fn classify_body(e: &(dyn StdError + 'static)) -> Transport {
    match classify(e) {
        Transport::Timeout(d) => Transport::Timeout(d),
        Transport::Connect(d) | Transport::Other(d) | Transport::Body(d) => Transport::Body(d),
    }
}

/// Sends a built reqwest request and reads the whole body.
pub async fn fetch(rb: reqwest::RequestBuilder) -> Result<Response, Transport> {
    let resp = rb.send().await.map_err(|e| classify(&e))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.map_err(|e| classify_body(&e))?;
    Ok(Response {
        status,
        headers,
        body: body.to_vec(),
    })
}

/// What a client makes of a response.
#[derive(Debug)]
pub enum Verdict<E> {
    /// The response is the call's result.
    Done,
    /// Give up with this error.
    Fail(E),
    /// Retry after `wait` (`None`: the backoff), if retries, `max_wait` and the deadline allow.
    Retry(E, Option<Duration>),
    /// Send again now without spending a retry (the client renewed its session).
    Again,
}

/// Why [`send`] stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// Every retry was spent.
    Spent,
    /// The wait asked for is longer than [`Policy::max_wait`].
    TooLong(Duration),
    /// The wait would end past the deadline.
    Deadline(Duration),
}

/// What a client supplies to [`send`]: its attempt (auth, URL, payload), its status
/// judgement and its errors.
#[allow(async_fn_in_trait)]
pub trait Exchange {
    type Error: fmt::Display;

    /// Whether a request that may have been processed can be sent again (GET, PUT, a PATCH
    /// setting a value); a `POST` is not, and is retried only when it cannot have been processed.
    fn idempotent(&self) -> bool;

    /// One attempt; [`send`] bounds it by the attempt's timeout.
    fn attempt(&mut self) -> impl Future<Output = Result<Response, Transport>>;

    /// What `resp` (any status) means. `attempts` counts this one.
    fn judge(
        &mut self,
        resp: &Response,
        attempts: u32,
    ) -> impl Future<Output = Verdict<Self::Error>>;

    /// The error for a transport failure after `attempts` attempts.
    fn transport_error(&self, failure: Transport, attempts: u32) -> Self::Error;

    /// The error when the deadline passed; `last` is what happened before (may be empty).
    fn deadline_error(&self, last: String) -> Self::Error;

    /// The error to give up with. By default `err`, or a deadline error naming it.
    fn give_up(&self, err: Self::Error, why: GiveUp) -> Self::Error {
        match why {
            GiveUp::Deadline(_) => self.deadline_error(err.to_string()),
            GiveUp::Spent | GiveUp::TooLong(_) => err,
        }
    }

    /// Called after each attempt (verbose logs).
    fn observe(&mut self, _outcome: &Result<Response, Transport>, _took: Duration) {}

    /// The line printed before a retry (when [`Policy::log_retries`]).
    fn retry_line(&self, err: &Self::Error, wait: Duration, retry: u32, max: u32) -> String {
        format!(
            "{err}; retrying in {:.1} s (retry {retry} of {max})",
            wait.as_secs_f64()
        )
    }
}

/// Sends with `policy`: `Ok` when the client's judgement is [`Verdict::Done`].
pub async fn send<X: Exchange>(policy: &Policy, x: &mut X) -> Result<Response, X::Error> {
    let mut retry = 0u32;
    loop {
        let attempts = retry + 1;
        let remaining = policy.remaining();
        if remaining == Some(Duration::ZERO) {
            return Err(x.deadline_error(String::new()));
        }
        let (timeout, clipped) = match remaining {
            Some(r) if r < policy.request_timeout => (r, true),
            _ => (policy.request_timeout, false),
        };
        let started = Instant::now();
        let outcome = match tokio::time::timeout(timeout, x.attempt()).await {
            Ok(Err(Transport::Timeout(_))) | Err(_) => Err(Transport::Timeout(timeout)),
            Ok(r) => r,
        };
        x.observe(&outcome, started.elapsed());
        let (err, wait) = match outcome {
            Ok(resp) => match x.judge(&resp, attempts).await {
                Verdict::Done => return Ok(resp),
                Verdict::Fail(e) => return Err(e),
                Verdict::Again => continue,
                Verdict::Retry(e, wait) => (e, wait),
            },
            Err(Transport::Timeout(after)) if clipped => {
                return Err(x.deadline_error(format!("a request was still running after {after:?}")))
            }
            Err(failure) => {
                let may_repeat = matches!(failure, Transport::Connect(_)) || x.idempotent();
                let e = x.transport_error(failure, attempts);
                if !may_repeat {
                    return Err(e);
                }
                (e, None)
            }
        };
        if retry >= policy.max_retries {
            return Err(x.give_up(err, GiveUp::Spent));
        }
        let wait = wait.unwrap_or_else(|| policy.jittered_backoff(retry));
        if wait > policy.max_wait {
            return Err(x.give_up(err, GiveUp::TooLong(wait)));
        }
        if policy.remaining().is_some_and(|r| wait >= r) {
            return Err(x.give_up(err, GiveUp::Deadline(wait)));
        }
        if policy.log_retries {
            eprintln!(
                "{}",
                x.retry_line(&err, wait, retry + 1, policy.max_retries)
            );
        }
        tokio::time::sleep(wait).await;
        retry += 1;
    }
}
