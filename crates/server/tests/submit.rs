//! Submission over HTTP: what the evaluator accepts is logged, durable and
//! proved; what it refuses is refused with a problem body and the log is
//! unchanged; the same bytes twice are logged once.

mod common;

use accord_example::Script;
use common::*;
use serde_json::json;
use tlog::merkle::verify_inclusion;

/// A history, and the index from which it is submitted over HTTP.
fn history() -> (Script<'static>, usize) {
    let (a, h) = agreement();
    let mut s = Script::new(a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.days(2);
    let logged = s.entries.len();
    s.wait_hours(1.0);
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        (37.58, 48.74),
        json!({"events": [{"type": "explosion", "count": 2}]}),
        json!({}),
    )
    .ok();
    s.days(1);
    (s, logged)
}

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (k, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * k..2 * k + 2], 16).unwrap();
    }
    out
}

/// Checks a C2SP tlog-proof text for an entry.
fn check_proof(proof: &str, entry: &[u8], index: u64) {
    let (head, cp) = proof
        .split_once("\n\n")
        .expect("a proof, a blank line, a checkpoint");
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some("c2sp.org/tlog-proof@v1"));
    assert_eq!(lines.next(), Some(format!("index {index}").as_str()));
    let hashes: Vec<tlog::Hash> = lines.map(|l| tlog::Hash::from_base64(l).unwrap()).collect();
    let mut cpl = cp.lines().skip(1);
    let size: u64 = cpl.next().unwrap().parse().unwrap();
    let root = tlog::Hash::from_base64(cpl.next().unwrap()).unwrap();
    verify_inclusion(index, size, &tlog::hash::leaf_hash(entry), &hashes, &root)
        .expect("the proof verifies");
}

#[test]
fn what_the_evaluator_accepts_is_logged_with_its_proof() {
    let (s, logged) = history();
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &s.entries[..logged]);
    let server = TestServer::start(dir.path());
    for (k, e) in s.entries.iter().enumerate().skip(logged) {
        let r = post(&server.url("/v1/statements"), "text/plain", e);
        assert_eq!(r.status, 201, "entry {k}: {}", r.body);
        let v = r.json();
        assert_eq!(v["index"], k as u64, "logged in the script's order");
        assert_eq!(v["logged_now"], true);
        assert_eq!(
            r.header("location"),
            Some(format!("/v1/entries/{k}").as_str())
        );
        check_proof(v["proof"].as_str().unwrap(), e, k as u64);
        assert_eq!(v["entry_hash"].as_str().unwrap().len(), 64);
        let _ = hex32(v["entry_hash"].as_str().unwrap());
        // The entry reads back as sent.
        let back = get(&server.url(&format!("/v1/entries/{k}")));
        assert_eq!(back.body.as_bytes(), e.as_slice());
    }
    // Sent again: the same index, nothing appended.
    let before = checkpoint(&server);
    let again = post(
        &server.url("/v1/statements"),
        "text/plain",
        &s.entries[logged],
    );
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["index"], logged as u64);
    assert_eq!(again.json()["logged_now"], false);
    assert_eq!(checkpoint(&server), before);
    let size = server.shutdown();
    assert_eq!(size, s.entries.len() as u64);
    // The log holds exactly the script's entries, and replays to the same
    // evaluation.
    let mut reader = tlog::client::TileReader::new(tlog::DirSource::new(dir.path()));
    for (k, e) in s.entries.iter().enumerate() {
        assert_eq!(&reader.entry(size, k as u64).unwrap(), e, "entry {k}");
    }
}

#[test]
fn the_status_served_is_the_replay_of_the_log() {
    let (s, logged) = history();
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &s.entries[..logged]);
    let server = TestServer::start(dir.path());
    for e in &s.entries[logged..] {
        assert_eq!(
            post(&server.url("/v1/statements"), "text/plain", e).status,
            201
        );
    }
    // The status is published once what it counts is durable; wait for it
    // to reach the log's size.
    let want = s.entries.len() as u64;
    let mut served = serde_json::Value::Null;
    for _ in 0..200 {
        served = get(&server.url("/v1/status")).json();
        if served["log_size"] == want {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(served["log_size"], want);
    let (a, h) = agreement();
    let key = accord_example::key(LOG_KEY).verifier();
    let source = tlog::DirSource::new(dir.path());
    let log = accord_engine::verify_log(&source, &key, &[], None).unwrap();
    let replayed = accord_engine::replay(a, h, &source, &log, &Default::default()).unwrap();
    assert_eq!(
        served,
        serde_json::to_value(replayed.evaluator.status()).unwrap()
    );
    // And at an earlier size, as the log stood then.
    let earlier = get(&server.url(&format!("/v1/status?size={logged}"))).json();
    assert_eq!(earlier["log_size"], logged as u64);
    assert_ne!(earlier, served);
}

#[test]
fn a_refused_statement_leaves_the_log_unchanged() {
    let (mut s, _) = history();
    let _ = &mut s;
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &s.entries);
    // An observation of the log, signed again by a key no one accredited.
    let original = s
        .entries
        .iter()
        .map(|e| accord::statement::SignedStatement::parse(e).unwrap())
        .find(|x| matches!(x.statement.body, accord::statement::Body::Observation(..)))
        .expect("the history has an observation");
    let stranger = accord_example::key("MISSION/9");
    let forged = accord::statement::SignedStatement::sign(original.statement, &stranger).unwrap();
    s.entries.push(forged.to_bytes());
    let server = TestServer::start(dir.path());
    let before = checkpoint(&server);
    let r = post(
        &server.url("/v1/statements"),
        "text/plain",
        s.entries.last().unwrap(),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    let p = r.json();
    assert_eq!(p["reason"], "unknown_signer", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("accredited"), "{p}");
    assert_eq!(checkpoint(&server), before);
    // A refusal found only by applying it (a corroboration of nothing)
    // also leaves the log, and the evaluation, as they were.
    let size_before = server.live.durable().size;
    let after = server.shutdown();
    assert_eq!(after, size_before);
}

#[test]
fn the_live_index_equals_one_rebuilt_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(".tlog/index.sqlite");
    let other = tempfile::tempdir().unwrap();
    let rebuilt = other.path().join("rebuilt.sqlite").display().to_string();
    live_index_equals_rebuilt(dir.path(), &format!("sqlite:{}", db.display()), &|| {
        rebuilt.clone()
    });
}

/// The same on PostgreSQL (a throwaway cluster; see `testkit::postgres`).
#[test]
fn the_server_runs_its_index_on_postgresql() {
    let Some(cluster) = testkit::postgres::Cluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let live = cluster.create_db("live");
    live_index_equals_rebuilt(dir.path(), &live, &|| cluster.create_db("rebuilt"));
}

fn live_index_equals_rebuilt(dir: &std::path::Path, db: &str, fresh: &dyn Fn() -> String) {
    let (s, logged) = history();
    make_log(dir, &s.entries[..logged]);
    let server = TestServer::start_on(dir, accord_server::Limits::default(), db);
    for e in &s.entries[logged..] {
        assert_eq!(
            post(&server.url("/v1/statements"), "text/plain", e).status,
            201
        );
    }
    // Queried over HTTP: the observation submitted is there, in every format.
    let mut found = serde_json::Value::Null;
    for _ in 0..200 {
        found = get(&server.url("/v1/observations?category=ceasefire_violation")).json();
        if found["observations"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        found["observations"].as_array().unwrap().len(),
        1,
        "{found}"
    );
    let csv = get(&server.url("/v1/observations?category=ceasefire_violation&format=csv"));
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    assert_eq!(
        csv.body.lines().count(),
        2,
        "a header and one row: {}",
        csv.body
    );
    let bad = get(&server.url("/v1/observations?limit=5000"));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.json()["parameter"], "limit");
    let entry_hash = found["observations"][0]["index"].as_u64().unwrap();
    let by_index = get(&server.url(&format!("/v1/proof/{entry_hash}"))).json();
    let st = get(&server.url(&format!(
        "/v1/statements/{}",
        by_index["entry_hash"].as_str().unwrap()
    )));
    assert_eq!(st.status, 200, "{}", st.body);
    assert_eq!(st.json()["index"], entry_hash);
    // Readiness reads the index too (off the async threads: PostgreSQL's
    // client blocks).
    let ready = get(&server.url("/readyz"));
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert!(
        ready.json()["indexed_size"].as_u64().is_some(),
        "{}",
        ready.body
    );
    server.shutdown();
    // The index written live, batch by batch, against one rebuilt from the
    // log alone.
    let live = accord_server::index::Index::open(db).unwrap();
    let rebuilt = accord_server::index::Index::open(&fresh()).unwrap();
    let (a, h) = agreement();
    let key = accord_example::key(LOG_KEY).verifier();
    let source = tlog::DirSource::new(dir);
    let log = accord_engine::verify_log(&source, &key, &[], None).unwrap();
    accord_server::index::reindex(
        &rebuilt,
        &accord::evaluate::Versions::one(a, h),
        &source,
        &log,
    )
    .unwrap();
    assert_eq!(live.indexed_size().unwrap(), s.entries.len() as u64);
    assert_eq!(live.dump().unwrap(), rebuilt.dump().unwrap());
}
