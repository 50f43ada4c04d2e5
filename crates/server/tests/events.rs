//! The live stream as a party's monitor reads it: subscribed to
//! `/v1/events`, it sees an `entry` event for every statement logged and a
//! `status` event when a verdict changes, here a ceasefire breach by the
//! Russian Federation becoming verified.

mod common;

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use accord::evaluate::Verdict;
use accord_example::Script;
use common::*;
use serde_json::{Value, json};

const KRAMATORSK: (f64, f64) = (37.58, 48.74);
/// Arrival is waited for generously; no timing is asserted.
const PATIENCE: Duration = Duration::from_secs(60);

/// Reads server-sent events: (event, data as JSON) for each.
fn subscribe(url: String) -> mpsc::Receiver<(String, Value)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = client()
            .get(&url)
            .header("accept", "text/event-stream")
            .call()
            .unwrap();
        assert_eq!(r.status(), 200);
        let ct = r.headers().get("content-type").unwrap().to_str().unwrap();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        let reader = BufReader::new(r.into_body().into_reader());
        let (mut event, mut data) = (String::new(), String::new());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if line.is_empty() {
                if !data.is_empty() {
                    let v = serde_json::from_str(&data).unwrap_or(Value::String(data.clone()));
                    let name = if event.is_empty() {
                        "message".into()
                    } else {
                        event.clone()
                    };
                    if tx.send((name, v)).is_err() {
                        return;
                    }
                }
                event.clear();
                data.clear();
            } else if let Some(e) = line.strip_prefix("event:") {
                event = e.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(d.strip_prefix(' ').unwrap_or(d));
            }
            // `id:` and `:` comments (keep-alives) are not needed here.
        }
    });
    rx
}

#[test]
fn a_verified_breach_reaches_the_live_stream() {
    let (a, h) = agreement();
    let mut s = Script::new(a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.accredit("JCCC_RU", 1).ok();
    s.patrol("MISSION/1", &[]);
    s.days(1);
    let logged = s.entries.len();
    // Ukraine's side of the JCCC reports shelling of Kramatorsk by Russia;
    // the Mission corroborates it; the period ends.
    s.wait_hours(2.0);
    let report = s.observe(
        "JCCC_UA/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 3}]}),
        json!({"assessment": {"responsible": "RU", "confidence": "medium"}}),
    );
    report.ok();
    s.wait_hours(1.0);
    s.corroborate("MISSION/1", &report, true).ok();
    s.wait_hours(-3.0);
    s.days(1);
    let st = s.eval.status();
    assert_eq!(
        st.clauses["ceasefire"].by_party["RU"].verdict,
        Some(Verdict::BreachVerified),
        "the script makes a verified breach"
    );

    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &s.entries[..logged]);
    let server = TestServer::start(dir.path());
    let events = subscribe(server.url("/v1/events"));
    let deadline = Instant::now() + PATIENCE;
    let next = |what: &str| {
        events
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no event while waiting for {what}"))
    };
    let (name, hello) = next("hello");
    assert_eq!(name, "hello");
    assert_eq!(hello["size"], logged as u64);

    let mut digests = Vec::new();
    for (k, e) in s.entries.iter().enumerate().skip(logged) {
        let r = post(&server.url("/v1/statements"), "text/plain", e);
        assert_eq!(r.status, 201, "entry {k}: {}", r.body);
        assert_eq!(r.json()["index"], k as u64);
        digests.push(r.json()["digest"].clone());
    }

    let want: Vec<u64> = (logged as u64..s.entries.len() as u64).collect();
    let mut entries_seen: Vec<Value> = Vec::new();
    let mut breach: Option<Value> = None;
    let mut status_events = 0;
    let mut checkpoints: Vec<u64> = Vec::new();
    while entries_seen.len() < want.len() || breach.is_none() {
        let (name, data) = next("the entries and the verdict's change");
        match name.as_str() {
            "entry" => entries_seen.push(data),
            "status" => {
                status_events += 1;
                assert!(data["size"].as_u64().unwrap() > logged as u64, "{data}");
                for c in data["changes"].as_array().unwrap() {
                    if c["what"] == "clause/ceasefire/party/RU" && c["to"] == "breach_verified" {
                        breach = Some(data.clone());
                    }
                }
            }
            "checkpoint" => {
                // A checkpoint served as the log grows: never smaller.
                let size = data["size"].as_u64().unwrap();
                assert!(size <= s.entries.len() as u64, "{data}");
                assert!(checkpoints.last().is_none_or(|&l| l <= size), "{data}");
                checkpoints.push(size);
            }
            "lagged" => panic!("the stream fell behind: {data}"),
            other => panic!("an unexpected event {other}: {data}"),
        }
    }
    // One entry event per statement, in log order, as logged.
    let indices: Vec<u64> = entries_seen
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indices, want);
    for ((e, d), k) in entries_seen.iter().zip(&digests).zip(logged..) {
        assert_eq!(&e["digest"], d, "entry {k}");
        assert_eq!(e["entry_hash"].as_str().unwrap().len(), 64);
        let kind = e["kind"].as_str().unwrap();
        let logged_kind = accord::statement::SignedStatement::parse(&s.entries[k])
            .unwrap()
            .statement
            .kind();
        assert_eq!(json!(logged_kind), json!(kind), "entry {k}");
    }
    let breach = breach.unwrap();
    assert!(status_events >= 1);
    // The change is reported once the entries that made it are durable.
    assert!(breach["size"].as_u64().unwrap() <= s.entries.len() as u64);
    let status = get(&server.url("/v1/status")).json();
    assert_eq!(
        status["clauses"]["ceasefire"]["by_party"]["RU"]["verdict"],
        "breach_verified"
    );
    drop(server);
}
