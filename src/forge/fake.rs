//! A tiny scripted HTTP/1.1 server on 127.0.0.1 for the forge client tests.
//!
//! Routes map a method and a request target (path and query, or the path alone) to a script of
//! responses: each request takes the next one, and the last one repeats. Every request is
//! recorded (method, target, headers, body) so tests can assert what the client sent. Responses
//! can be delayed (timeouts) and cut short (a body shorter than its `Content-Length`). Each
//! connection gets `Connection: close`.
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

#[derive(Debug, Clone)]
pub(crate) struct FakeResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
    /// Send only this many body bytes, then close (the `Content-Length` stays the full length).
    pub cut_body_at: Option<usize>,
}

impl FakeResponse {
    pub(crate) fn json(status: u16, value: serde_json::Value) -> Self {
        Self::raw(
            status,
            "application/json; charset=utf-8",
            &value.to_string(),
        )
    }

    pub(crate) fn raw(status: u16, content_type: &str, body: &str) -> Self {
        FakeResponse {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            cut_body_at: None,
        }
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub(crate) fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub(crate) fn cut_body_at(mut self, n: usize) -> Self {
        self.cut_body_at = Some(n);
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub method: String,
    pub target: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

struct Route {
    method: String,
    target: String,
    script: VecDeque<FakeResponse>,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    requests: Vec<Recorded>,
}

pub(crate) struct FakeServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    pub(crate) fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let accept_thread = {
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let state = Arc::clone(&state);
                    std::thread::spawn(move || handle(conn, &state));
                }
            })
        };
        FakeServer {
            addr,
            state,
            stop,
            accept_thread: Some(accept_thread),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds (or replaces) the script for `method target`. `target` with a `?` must match the
    /// request's path and query exactly; without one it matches the path with any query.
    pub(crate) fn route(&self, method: &str, target: &str, script: Vec<FakeResponse>) {
        assert!(!script.is_empty(), "a route needs at least one response");
        let mut state = self.state.lock().unwrap();
        state
            .routes
            .retain(|r| !(r.method == method && r.target == target));
        state.routes.push(Route {
            method: method.into(),
            target: target.into(),
            script: script.into(),
        });
    }

    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// How many requests had this method and path.
    pub(crate) fn hits(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path() == path)
            .count()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
    }
}

/// A port on 127.0.0.1 with nothing listening (connection refused).
pub(crate) fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

fn handle(conn: TcpStream, state: &Mutex<State>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(read_half) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let recorded = Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let response = {
        let mut state = state.lock().unwrap();
        let path = recorded.path().to_string();
        let index = state
            .routes
            .iter()
            .position(|r| r.method == recorded.method && r.target == recorded.target)
            .or_else(|| {
                state.routes.iter().position(|r| {
                    r.method == recorded.method && !r.target.contains('?') && r.target == path
                })
            });
        let response = match index {
            Some(i) => {
                let script = &mut state.routes[i].script;
                if script.len() > 1 {
                    script.pop_front().unwrap()
                } else {
                    script[0].clone()
                }
            }
            None => FakeResponse::json(404, serde_json::json!({"message": "Not Found"})),
        };
        state.requests.push(recorded);
        response
    };
    std::thread::sleep(response.delay);
    let mut out = conn;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let body = match response.cut_body_at {
        Some(n) => &response.body[..n.min(response.body.len())],
        None => &response.body[..],
    };
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(body);
    let _ = out.flush();
    let _ = out.shutdown(std::net::Shutdown::Both);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A token that must never show up in an error.
pub(crate) const GITHUB_TOKEN: &str = "ghp_FAKEtoken0123456789abcdefSECRET";
pub(crate) const GITLAB_TOKEN: &str = "glpat-FAKEtoken0123456789SECRET";

/// Asserts that neither the Display nor the Debug of `err` contains `token`, and returns the
/// Display text.
pub(crate) fn assert_no_token(err: &super::ForgeError, token: &str) -> String {
    let display = err.to_string();
    let debug = format!("{err:?}");
    assert!(!display.contains(token), "token in Display: {display}");
    assert!(!debug.contains(token), "token in Debug: {debug}");
    display
}

/// Short timeouts and backoffs so that the tests stay fast.
pub(crate) fn fast_config() -> super::HttpConfig {
    // Built without naming `Policy`: the integration tests include this file by path, where
    // only `HttpConfig` is in scope.
    let mut config = super::HttpConfig {
        connect_timeout: Duration::from_secs(2),
        max_pages: 20,
        ..Default::default()
    };
    let policy = &mut config.policy;
    policy.request_timeout = Duration::from_secs(3);
    policy.max_retries = 3;
    policy.initial_backoff = Duration::from_millis(10);
    policy.max_backoff = Duration::from_millis(40);
    policy.max_wait = Duration::from_secs(5);
    policy.deadline = None;
    policy.log_retries = false;
    config
}
