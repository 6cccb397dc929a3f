//! Tests of the send policy's pieces.
use super::*;

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
