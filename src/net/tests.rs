//! Tests of the send policy's pieces.
use super::*;
use std::time::SystemTime;

#[test]
fn backoff_is_bounded_and_jittered_downwards() {
    let p = Policy {
        request_timeout: Duration::from_secs(1),
        max_retries: 3,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(300),
        max_wait: Duration::from_secs(1),
        deadline: None,
        log_retries: false,
    };
    assert_eq!(p.backoff(0), Duration::from_millis(100));
    assert_eq!(p.backoff(1), Duration::from_millis(200));
    assert_eq!(p.backoff(9), Duration::from_millis(300));
    for _ in 0..50 {
        let b0 = p.jittered_backoff(0);
        assert!(b0 >= Duration::from_millis(75) && b0 <= Duration::from_millis(100));
        let b5 = p.jittered_backoff(5);
        assert!(b5 >= Duration::from_millis(225) && b5 <= Duration::from_millis(300));
    }
}

#[test]
fn retry_after_in_both_forms() {
    let mut h = HeaderMap::new();
    h.insert("retry-after", "7".parse().unwrap());
    assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
    h.insert("retry-after", at.parse().unwrap());
    let wait = retry_after(&h).unwrap();
    assert!(
        wait > Duration::from_secs(27) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    h.insert("retry-after", "soon".parse().unwrap());
    assert_eq!(retry_after(&h), None);
}

#[test]
fn io_timeouts_classify_as_timeouts() {
    let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "slow");
    assert!(matches!(classify(&io), Transport::Timeout(_)));
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
    assert!(matches!(classify(&io), Transport::Other(_)));
    assert!(matches!(classify_body(&io), Transport::Body(_)));
}

/// The forge, org and Prometheus clients share one send policy: against one misbehaving
/// server, each honours an HTTP-date `Retry-After`, retries a 503 burst the same bounded
/// number of times, and classifies an answer slower than its timeout as a timeout.
mod shared_policy {
    use std::time::{Duration, Instant, SystemTime};

    use serde_json::json;

    use crate::forge::fake::{FakeResponse as R, FakeServer};
    use crate::forge::http::{Auth, HttpClient};
    use crate::forge::{Forge, ForgeError, HttpConfig};
    use crate::gate::error_rate::Measure;
    use crate::gate::prometheus::Prometheus;
    use crate::net::Policy;
    use crate::net::Secret;
    use crate::org::{self, Credentials, Org, OrgConfig, OrgError};

    const FORGE: &str = "/api/v4/items";
    const ORG: &str = "/services/data/v66.0/thing";
    const PROM: &str = "/api/v1/query";

    /// The three clients, with `retries` retries, a 10 ms first backoff and `timeout` per
    /// attempt.
    struct Clients {
        forge: HttpClient,
        org: Org,
        rt: tokio::runtime::Runtime,
        prometheus: Prometheus,
    }

    impl Clients {
        fn new(server: &FakeServer, retries: u32, timeout: Duration) -> Clients {
            let forge = HttpClient::new(
                Forge::GitLab,
                &server.url(),
                Secret::new("glpat-policy-token"),
                Auth::Header("private-token"),
                "application/json",
                &[],
                HttpConfig {
                    policy: Policy {
                        request_timeout: timeout,
                        max_retries: retries,
                        initial_backoff: Duration::from_millis(10),
                        max_backoff: Duration::from_millis(40),
                        log_retries: false,
                        ..Policy::default()
                    },
                    ..HttpConfig::default()
                },
            )
            .unwrap();
            let rt = org::runtime().unwrap();
            let org = rt
                .block_on(Org::connect(
                    Credentials::AccessToken {
                        token: Secret::new("00Dpolicy!AccessToken"),
                        instance_url: reqwest::Url::parse(&server.url()).unwrap(),
                    },
                    OrgConfig {
                        policy: Policy {
                            request_timeout: timeout,
                            max_retries: retries,
                            initial_backoff: Duration::from_millis(10),
                            max_backoff: Duration::from_millis(40),
                            log_retries: false,
                            ..OrgConfig::default().policy
                        },
                        ..OrgConfig::default()
                    },
                ))
                .unwrap();
            let mut prometheus = Prometheus::new(&server.url(), None, timeout).unwrap();
            prometheus.policy.max_retries = retries;
            prometheus.policy.initial_backoff = Duration::from_millis(10);
            Clients {
                forge,
                org,
                rt,
                prometheus,
            }
        }

        fn forge(&self) -> Result<serde_json::Value, ForgeError> {
            self.forge.get_json(self.forge.url(FORGE, &[]))
        }

        fn org(&self) -> Result<serde_json::Value, OrgError> {
            self.rt.block_on(self.org.get_json(ORG))
        }

        fn prometheus(&mut self) -> Result<Option<f64>, String> {
            self.prometheus.measure("up").map_err(|e| e.0)
        }
    }

    /// Scripts the same answers on the three clients' routes.
    fn script(server: &FakeServer, first: Vec<R>, then: Option<(R, R, R)>) {
        let with = |last: Option<R>| {
            let mut s = first.clone();
            s.extend(last);
            s
        };
        let (f, o, p) = match then {
            Some((f, o, p)) => (Some(f), Some(o), Some(p)),
            None => (None, None, None),
        };
        server.route("GET", FORGE, with(f));
        server.route("GET", ORG, with(o));
        server.route("GET", PROM, with(p));
    }

    fn answers() -> (R, R, R) {
        (
            R::json(200, json!({"ok": true})),
            R::json(200, json!({"ok": true})),
            R::json(
                200,
                json!({"status": "success", "data": {"resultType": "vector",
                    "result": [{"metric": {}, "value": [1.7e9, "3"]}]}}),
            ),
        )
    }

    fn hits(server: &FakeServer) -> [usize; 3] {
        [FORGE, ORG, PROM].map(|p| server.hits("GET", p))
    }

    #[test]
    fn an_http_date_retry_after_is_honoured_by_every_client() {
        let server = FakeServer::start();
        let mut c = Clients::new(&server, 2, Duration::from_secs(5));
        let (f, o, p) = answers();
        for (path, answer) in [(FORGE, f), (ORG, o), (PROM, p)] {
            // Two seconds ahead at whole-second precision: a wait of more than one second.
            let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
            let busy = R::json(503, json!({})).header("Retry-After", &at);
            server.route("GET", path, vec![busy, answer]);
            let started = Instant::now();
            match path {
                FORGE => assert_eq!(c.forge().unwrap(), json!({"ok": true})),
                ORG => assert_eq!(c.org().unwrap(), json!({"ok": true})),
                _ => assert_eq!(c.prometheus().unwrap(), Some(3.0)),
            }
            let waited = started.elapsed();
            assert!(waited >= Duration::from_millis(900), "{path}: {waited:?}");
            assert!(waited < Duration::from_secs(3), "{path}: {waited:?}");
        }
        assert_eq!(hits(&server), [2, 2, 2]);
        // A date already past means no wait at all, for every client.
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        let server = FakeServer::start();
        script(
            &server,
            vec![R::json(503, json!({})).header("Retry-After", &past)],
            Some(answers()),
        );
        let mut c = Clients::new(&server, 2, Duration::from_secs(5));
        let started = Instant::now();
        c.forge().unwrap();
        c.org().unwrap();
        c.prometheus().unwrap();
        assert!(started.elapsed() < Duration::from_millis(900));
        assert_eq!(hits(&server), [2, 2, 2]);
        // And a date beyond the longest wait fails every client at once, after one attempt.
        let far = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        let server = FakeServer::start();
        script(
            &server,
            vec![R::json(429, json!({})).header("Retry-After", &far)],
            None,
        );
        let mut c = Clients::new(&server, 2, Duration::from_secs(5));
        let started = Instant::now();
        assert!(matches!(c.forge(), Err(ForgeError::RateLimited { .. })));
        assert!(matches!(c.org(), Err(OrgError::Api { status: 429, .. })));
        let p = c.prometheus().unwrap_err();
        assert!(
            p.contains("retry after 3599 s") || p.contains("retry after 3600 s"),
            "{p}"
        );
        assert!(started.elapsed() < Duration::from_millis(900));
        assert_eq!(hits(&server), [1, 1, 1]);
    }

    #[test]
    fn a_503_burst_is_retried_the_same_bounded_number_of_times() {
        let server = FakeServer::start();
        script(&server, vec![R::raw(503, "text/plain", "busy")], None);
        let mut c = Clients::new(&server, 2, Duration::from_secs(5));
        let f = c.forge().unwrap_err();
        assert!(
            matches!(
                f,
                ForgeError::Status {
                    status: 503,
                    attempts: 3,
                    ..
                }
            ),
            "{f:?}"
        );
        let o = c.org().unwrap_err();
        assert!(matches!(o, OrgError::Api { status: 503, .. }), "{o:?}");
        let p = c.prometheus().unwrap_err();
        assert!(p.contains("HTTP 503 (after 3 attempts)"), "{p}");
        assert_eq!(hits(&server), [3, 3, 3]);
        // A burst shorter than the retries passes for all three.
        let server = FakeServer::start();
        let busy = R::raw(503, "text/plain", "busy");
        script(&server, vec![busy.clone(), busy], Some(answers()));
        let mut c = Clients::new(&server, 2, Duration::from_secs(5));
        c.forge().unwrap();
        c.org().unwrap();
        c.prometheus().unwrap();
        assert_eq!(hits(&server), [3, 3, 3]);
    }

    #[test]
    fn a_slow_answer_is_a_timeout_for_every_client() {
        let server = FakeServer::start();
        let (f, o, p) = answers();
        let slow = Duration::from_millis(1500);
        server.route("GET", FORGE, vec![f.delay(slow)]);
        server.route("GET", ORG, vec![o.delay(slow)]);
        server.route("GET", PROM, vec![p.delay(slow)]);
        let mut c = Clients::new(&server, 1, Duration::from_millis(200));
        let started = Instant::now();
        let f = c.forge().unwrap_err();
        assert!(
            matches!(f, ForgeError::Timeout { attempts: 2, after, .. } if after == Duration::from_millis(200)),
            "{f:?}"
        );
        let o = c.org().unwrap_err();
        assert!(
            matches!(o, OrgError::Timeout { attempts: 2, after, .. } if after == Duration::from_millis(200)),
            "{o:?}"
        );
        let p = c.prometheus().unwrap_err();
        assert!(p.contains("timed out (after 2 attempts)"), "{p}");
        // Three clients, two attempts of 200 ms each: far less than one slow answer each.
        assert!(
            started.elapsed() < Duration::from_millis(2500),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(hits(&server), [2, 2, 2]);
    }
}
