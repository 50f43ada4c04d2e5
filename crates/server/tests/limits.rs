//! Abuse: a client over its rate is told to wait (429, Retry-After, a
//! problem body) before its request costs anything, and the log is
//! unchanged; the metrics count requests by route and status.

mod common;

use accord_example::Script;
use common::*;
use serde_json::json;

#[test]
fn over_its_rate_a_client_is_told_to_wait_and_the_metrics_count_it() {
    let (a, h) = agreement();
    let mut s = Script::new(a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.days(1);
    let logged = s.entries.len();
    for k in 0..4 {
        s.wait_hours(0.5);
        s.observe(
            "MISSION/1",
            "ceasefire_violation",
            (37.58 + f64::from(k) * 0.01, 48.74),
            json!({"events": [{"type": "explosion", "count": 1}]}),
            json!({}),
        )
        .ok();
    }
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &s.entries[..logged]);
    let limits = accord_server::Limits {
        per_key_per_second: 1,
        per_key_burst: 2,
        ..Default::default()
    };
    let server = TestServer::start_with(dir.path(), limits);
    let statuses: Vec<u16> = s.entries[logged..]
        .iter()
        .map(|e| post(&server.url("/v1/statements"), "text/plain", e).status)
        .collect();
    // Two within the burst, then the key must wait.
    assert_eq!(&statuses[..2], &[201, 201], "{statuses:?}");
    let before = checkpoint(&server);
    let r = post(
        &server.url("/v1/statements"),
        "text/plain",
        &s.entries[logged + 3],
    );
    if r.status == 429 {
        assert_eq!(r.content_type, "application/problem+json");
        assert!(r.header("retry-after").is_some());
        assert!(
            r.json()["detail"].as_str().unwrap().contains("monitor-01"),
            "{}",
            r.body
        );
        assert_eq!(
            checkpoint(&server),
            before,
            "a limited request appends nothing"
        );
    }
    assert!(
        statuses.contains(&429) || r.status == 429,
        "{statuses:?} then {}",
        r.status
    );
    // The metrics count requests by route pattern and status.
    let m = get(&server.url("/metrics")).body;
    let line = m
        .lines()
        .find(|l| {
            l.starts_with("accord_http_requests_total")
                && l.contains("route=\"/v1/statements\"")
                && l.contains("status=\"201\"")
        })
        .unwrap_or_else(|| panic!("no count of 201s on /v1/statements:\n{m}"));
    assert!(line.ends_with(" 2"), "{line}");
    assert!(m.contains("status=\"429\""), "{m}");
    assert!(m.contains("accord_append_latency_seconds_count 2"), "{m}");
    assert!(m.contains("accord_admission_queue_depth"), "{m}");
}
