//! The server gathering cosignatures from witnesses — here the independent
//! Go witness of `tlogcheck`, on the reference code — on every new
//! checkpoint: submissions acknowledged at quorum carry a cosigned
//! checkpoint; `/checkpoint` serves it; a witness down is routed around
//! while the quorum holds, and submissions say so when it does not.

mod common;

use std::sync::Arc;
use std::time::Duration;

use accord_example::Script;
use accord_server::witnessing::{AckAfter, WitnessTarget, Witnessing};
use common::*;
use serde_json::json;
use testkit::go_witness::GoWitness;
use tlog::SignedCheckpoint;
use tlog::cosignature::CosignerKey;

fn history() -> (Script<'static>, usize) {
    let (a, h) = agreement();
    let mut s = Script::new(a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    let logged = s.entries.len();
    for k in 0..6 {
        s.wait_hours(1.0);
        s.observe(
            "MISSION/1",
            "ceasefire_violation",
            (37.58 + 0.01 * k as f64, 48.74),
            json!({"events": [{"type": "explosion", "count": 1 + k}]}),
            json!({}),
        )
        .ok();
    }
    (s, logged)
}

fn log_vkey() -> String {
    accord_example::key(LOG_KEY).verifier().to_string()
}

fn witnesses(dir: &std::path::Path, n: usize) -> Vec<GoWitness> {
    let log = log_vkey();
    (0..n)
        .map(|i| {
            GoWitness::start(
                &format!("witness.test/w{i}"),
                &dir.join(format!("w{i}")),
                &[&log],
            )
        })
        .collect()
}

fn witnessing(ws: &[GoWitness], need: usize, ack: AckAfter) -> Witnessing {
    Witnessing {
        witnesses: ws
            .iter()
            .map(|w| WitnessTarget {
                name: w.name.clone(),
                key: CosignerKey::parse(&w.vkey).unwrap(),
                url: w.url.clone(),
            })
            .collect(),
        quorum: Arc::new(move |got: &[bool]| got.iter().filter(|g| **g).count() >= need),
        ack,
        round_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(1),
        retry_every: Duration::from_millis(200),
        ack_timeout: Duration::from_secs(3),
    }
}

/// The witnesses that validly cosigned a checkpoint note.
fn cosigners(note: &str, ws: &[GoWitness]) -> Vec<String> {
    let cp = SignedCheckpoint::parse(note.as_bytes()).unwrap();
    ws.iter()
        .filter(|w| {
            CosignerKey::parse(&w.vkey)
                .unwrap()
                .cosigned(&cp.note)
                .is_some()
        })
        .map(|w| w.name.clone())
        .collect()
}

#[test]
fn submissions_are_acknowledged_with_a_checkpoint_the_quorum_cosigned() {
    let (s, logged) = history();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    std::fs::create_dir(&dir).unwrap();
    make_log(&dir, &s.entries[..logged]);
    let mut ws = witnesses(tmp.path(), 3);
    let db = format!("sqlite:{}", dir.join(".tlog/index.sqlite").display());
    let server = TestServer::start_full(
        &dir,
        accord_server::Limits::default(),
        &db,
        Some(witnessing(&ws, 2, AckAfter::Quorum)),
    );
    let mut entries = s.entries[logged..].iter();

    // All three up: the answer carries a checkpoint with at least the
    // quorum's cosignatures, each verifying under its witness's key.
    let e = entries.next().unwrap();
    let r = post(&server.url("/v1/statements"), "text/plain", e);
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(v["witnessed"], true);
    let got = cosigners(v["checkpoint"].as_str().unwrap(), &ws);
    assert!(got.len() >= 2, "cosigned by {got:?}");
    let listed: Vec<String> = serde_json::from_value(v["cosigned_by"].clone()).unwrap();
    assert_eq!(listed.len(), got.len());

    // /checkpoint serves a cosigned checkpoint; the Go verifier checks the
    // log and the witnesses' cosignatures over HTTP. (Stragglers' lines
    // are added by the end of the round.)
    std::thread::sleep(Duration::from_millis(300));
    let served = checkpoint(&server);
    let mut args = vec![
        "verify".to_string(),
        "-log".into(),
        server.url(""),
        "-key".into(),
        log_vkey(),
    ];
    for w in &ws {
        args.push("-witness".into());
        args.push(w.vkey.clone());
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    testkit::tlogcheck_ok(&argv);
    assert_eq!(cosigners(&served, &ws).len(), 3, "{served}");

    // One witness down: the quorum (2 of 3) still holds.
    ws[2].kill();
    let e = entries.next().unwrap();
    let r = post(&server.url("/v1/statements"), "text/plain", e);
    assert_eq!(r.status, 201, "{}", r.body);
    let got = cosigners(r.json()["checkpoint"].as_str().unwrap(), &ws);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(!got.contains(&ws[2].name));

    // Two down: the statement is logged but not witnessed, and the answer
    // says so, with its index.
    ws[1].kill();
    let e = entries.next().unwrap();
    let r = post(&server.url("/v1/statements"), "text/plain", e);
    assert_eq!(r.status, 503, "{}", r.body);
    let p = r.json();
    assert!(
        p["type"].as_str().unwrap().ends_with("not-witnessed"),
        "{p}"
    );
    let index = p["entries"][0].as_u64().unwrap();

    // The witnesses come back (from their state, on their addresses): the
    // same statement sent again gets its index and a cosigned checkpoint.
    // Witness 1 held an older size: it answers 409 and is asked again from
    // there, with a consistency proof.
    ws[1].restart();
    ws[2].restart();
    let mut answered = None;
    for _ in 0..50 {
        let r = post(&server.url("/v1/statements"), "text/plain", e);
        if r.status == 200 {
            answered = Some(r.json());
            break;
        }
        assert_eq!(r.status, 503, "{}", r.body);
        std::thread::sleep(Duration::from_millis(200));
    }
    let v = answered.expect("witnessed once the witnesses returned");
    assert_eq!(v["index"], index);
    assert_eq!(v["logged_now"], false);
    assert_eq!(v["witnessed"], true);

    // The metrics tell how the witnesses answered and the lag's bound.
    let m = get(&server.url("/metrics")).body;
    assert!(
        m.contains(
            "accord_witness_requests_total{witness=\"witness.test/w0\",outcome=\"cosigned\"}"
        ),
        "{m}"
    );
    assert!(m.contains("accord_witness_lag_bound_seconds 2"), "{m}");
    let size = server.shutdown();

    // The checkpoint file itself carries the cosignatures, after a restart
    // too, and the Go verifier checks the directory with them.
    let note = std::fs::read_to_string(dir.join("checkpoint")).unwrap();
    let cp = SignedCheckpoint::parse(note.as_bytes()).unwrap();
    assert_eq!(cp.checkpoint.size, size);
    assert!(cosigners(&note, &ws).len() >= 2, "{note}");

    // Started again, the server does not know what the witnesses hold: it
    // asks from 0, each answers 409 with its size, and is asked again from
    // there with a consistency proof.
    let server = TestServer::start_full(
        &dir,
        accord_server::Limits::default(),
        &db,
        Some(witnessing(&ws, 3, AckAfter::Quorum)),
    );
    let e = entries.next().unwrap();
    let r = post(&server.url("/v1/statements"), "text/plain", e);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        cosigners(r.json()["checkpoint"].as_str().unwrap(), &ws).len(),
        3
    );
    let m = get(&server.url("/metrics")).body;
    assert!(
        m.contains("outcome=\"conflict\""),
        "a 409 was followed: {m}"
    );
    server.shutdown();
}

#[test]
fn acknowledged_once_durable_the_cosigned_checkpoint_follows() {
    let (s, logged) = history();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    std::fs::create_dir(&dir).unwrap();
    make_log(&dir, &s.entries[..logged]);
    let mut ws = witnesses(tmp.path(), 2);
    let db = format!("sqlite:{}", dir.join(".tlog/index.sqlite").display());
    let server = TestServer::start_full(
        &dir,
        accord_server::Limits::default(),
        &db,
        Some(witnessing(&ws, 2, AckAfter::Durable)),
    );
    // Every witness down: submissions are still acknowledged (durable),
    // and say they are not witnessed.
    for w in &mut ws {
        w.kill();
    }
    let e = &s.entries[logged];
    let r = post(&server.url("/v1/statements"), "text/plain", e);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["witnessed"], false);
    let index = r.json()["index"].as_u64().unwrap();
    // /checkpoint does not claim what the witnesses have not signed: it
    // still serves the last checkpoint that went through a round.
    for w in &mut ws {
        w.restart();
    }
    let mut served = String::new();
    for _ in 0..50 {
        served = checkpoint(&server);
        let cp = SignedCheckpoint::parse(served.as_bytes()).unwrap();
        if cp.checkpoint.size > index && cosigners(&served, &ws).len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let cp = SignedCheckpoint::parse(served.as_bytes()).unwrap();
    assert!(cp.checkpoint.size > index, "{served}");
    assert_eq!(cosigners(&served, &ws).len(), 2, "{served}");
    server.shutdown();
}

/// A rogue operator: the log's own key, another history. The witnesses
/// that cosigned the honest log refuse every checkpoint of the fork with
/// the spec's 422 and keep the request as evidence, so the rogue's server
/// never gets its quorum: its `/checkpoint` carries no cosignature, and its
/// submissions are answered `not-witnessed`.
#[test]
fn a_forked_log_under_the_same_key_never_gets_the_quorum() {
    let (s, logged) = history();
    let tmp = tempfile::tempdir().unwrap();
    let honest_dir = tmp.path().join("honest");
    let rogue_dir = tmp.path().join("rogue");
    std::fs::create_dir(&honest_dir).unwrap();
    std::fs::create_dir(&rogue_dir).unwrap();
    // The same first entries; then the honest log has observation 0, the
    // rogue observation 1 in its place: one size, two roots.
    make_log(&honest_dir, &s.entries[..logged + 1]);
    let mut forked: Vec<Vec<u8>> = s.entries[..logged].to_vec();
    forked.push(s.entries[logged + 1].clone());
    make_log(&rogue_dir, &forked);
    let ws = witnesses(tmp.path(), 3);
    let limits = accord_server::Limits::default;
    let db = |d: &std::path::Path| format!("sqlite:{}", d.join(".tlog/index.sqlite").display());

    let honest = TestServer::start_full(
        &honest_dir,
        limits(),
        &db(&honest_dir),
        Some(witnessing(&ws, 3, AckAfter::Quorum)),
    );
    let r = post(
        &honest.url("/v1/statements"),
        "text/plain",
        &s.entries[logged + 2],
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        cosigners(r.json()["checkpoint"].as_str().unwrap(), &ws).len(),
        3
    );
    let honest_size = honest.shutdown();

    let mut w = witnessing(&ws, 1, AckAfter::Quorum);
    w.ack_timeout = Duration::from_secs(2);
    let rogue = TestServer::start_full(&rogue_dir, limits(), &db(&rogue_dir), Some(w));
    let r = post(
        &rogue.url("/v1/statements"),
        "text/plain",
        &s.entries[logged + 2],
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.json()["type"]
            .as_str()
            .unwrap()
            .ends_with("not-witnessed")
    );
    let served = checkpoint(&rogue);
    assert!(cosigners(&served, &ws).is_empty(), "{served}");
    let m = get(&rogue.url("/metrics")).body;
    for w in &ws {
        assert!(
            m.contains(&format!(
                "accord_witness_requests_total{{witness=\"{}\",outcome=\"refused\"}}",
                w.name
            )),
            "{} refused the fork with 422: {m}",
            w.name
        );
    }
    rogue.shutdown();
    // Each witness kept the refused requests as evidence, and still holds
    // the honest log's size.
    for w in &ws {
        let evidence = std::fs::read_dir(w.state.join("evidence"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert!(evidence > 0, "{} kept no evidence", w.name);
        let r = testkit::tlogcheck(&[
            "add-checkpoint",
            "-url",
            &w.url,
            "-log",
            honest_dir.to_str().unwrap(),
            "-key",
            &log_vkey(),
            "-witness",
            &w.vkey,
        ]);
        let out = String::from_utf8_lossy(&r.stdout);
        assert!(r.status.success(), "{out}");
        assert!(out.contains(&format!("size {honest_size}")), "{out}");
    }
}
