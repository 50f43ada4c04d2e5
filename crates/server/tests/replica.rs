//! A replica that does not sequence follows its log, and trusts none of
//! it: a log that grows is followed entry by entry, each checked against
//! the signed root; a checkpoint that forks the tree it verified, or goes
//! back, stops it following, and it says why.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use accord::evaluate::Versions;
use accord_example::{self as example, Script};
use accord_server::{AgreementFiles, ServerConfig};
use common::*;
use serde_json::json;
use tlog::{DirStorage, Log, Storage};

fn script() -> Script<'static> {
    let (a, h) = agreement();
    let mut s = Script::new(a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.days(2);
    s
}

fn observe(s: &mut Script<'_>, n: usize) {
    for k in 0..n {
        s.wait_hours(0.1);
        s.observe(
            "MISSION/1",
            "ceasefire_violation",
            (37.50 + 0.01 * k as f64, 48.70),
            json!({"events": [{"type": "explosion", "count": 1 + k}]}),
            json!({}),
        )
        .ok();
    }
}

fn config(dir: &std::path::Path) -> ServerConfig {
    let (a, h) = agreement();
    ServerConfig {
        versions: Versions::one(a, h),
        files: AgreementFiles::default(),
        log: tlog_s3::Location::Dir(dir.to_path_buf()),
        // A reader's key: the verifier alone.
        key: accord_server::app::LogKey::Verifier(example::key(LOG_KEY).verifier()),
        limits: accord_server::Limits::default(),
        database: None,
        witnessing: None,
    }
}

/// A replica of the log in `dir`, following every 20 ms.
fn replica(dir: &std::path::Path) -> accord_server::app::Started {
    let storage: Arc<dyn Storage> = Arc::new(DirStorage::new(dir).unwrap());
    let forward = Arc::new(accord_server::cluster::Forward::new(
        storage,
        "http://127.0.0.1:1",
        Duration::from_millis(20),
        Duration::from_secs(1),
    ));
    accord_server::app::start_replica(config(dir), Duration::from_millis(20), forward).unwrap()
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_replica_follows_the_log_and_its_status_is_the_replay() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = script();
    let first = s.entries.len();
    make_log(dir.path(), &s.entries);
    let r = replica(dir.path());
    let live = r.state.live.clone();
    assert_eq!(live.durable().size, first as u64);
    // The sequencer (here, a writer of its own) grows the log.
    observe(&mut s, 5);
    s.days(1);
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let mut log = Log::open(storage, example::key(LOG_KEY)).unwrap();
    log.append_batch(&s.entries[first..]).unwrap();
    let size = s.entries.len() as u64;
    wait_for("the replica follows the log", || {
        live.durable().size == size && live.status().is_some_and(|st| st.size == size)
    });
    assert!(live.stopped().is_none());
    // What it says is what a replay of the whole log says.
    let replayed = accord_server::app::replay_log(
        &config(dir.path()).versions,
        &tlog_s3::Location::Dir(dir.path().to_path_buf())
            .source()
            .unwrap(),
        &example::key(LOG_KEY).verifier(),
    )
    .unwrap();
    let theirs = serde_json::to_value(&*live.status().unwrap().status).unwrap();
    let mine = serde_json::to_value(replayed.status()).unwrap();
    assert_eq!(theirs, mine);
    assert!(mine["clauses"].as_object().is_some_and(|c| !c.is_empty()));
}

#[test]
fn a_fork_stops_the_replica_and_it_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = script();
    make_log(dir.path(), &s.entries);
    let r = replica(dir.path());
    let live = r.state.live.clone();
    let verified = live.durable().size;
    // Another tree signed with the same key, larger, that does not extend
    // the one the replica verified: the same history but for one entry.
    let other = tempfile::tempdir().unwrap();
    let mut forked = s.entries.clone();
    forked.remove(1);
    observe(&mut s, 3);
    forked.extend(s.entries[s.entries.len() - 3..].iter().cloned());
    forked.push(s.entries[1].clone());
    make_log(other.path(), &forked);
    assert!(forked.len() as u64 > verified);
    // The operator swaps the whole directory's public objects for it.
    copy_public(other.path(), dir.path());
    wait_for("the replica stops on the fork", || live.stopped().is_some());
    let why = live.stopped().unwrap();
    assert!(why.contains("fork"), "{why}");
    // It goes on serving only what it verified.
    assert_eq!(live.durable().size, verified);
}

#[test]
fn a_log_that_goes_back_stops_the_replica() {
    let dir = tempfile::tempdir().unwrap();
    let s = script();
    make_log(dir.path(), &s.entries);
    let r = replica(dir.path());
    let live = r.state.live.clone();
    let other = tempfile::tempdir().unwrap();
    make_log(other.path(), &s.entries[..s.entries.len() - 2]);
    copy_public(other.path(), dir.path());
    wait_for("the replica stops on the rollback", || {
        live.stopped().is_some()
    });
    let why = live.stopped().unwrap();
    assert!(why.contains("went back"), "{why}");
}

/// Copies `checkpoint` and `tile/` from one log directory over another's.
fn copy_public(from: &std::path::Path, to: &std::path::Path) {
    let _ = std::fs::remove_dir_all(to.join("tile"));
    let status = std::process::Command::new("cp")
        .args(["-a"])
        .arg(from.join("tile"))
        .arg(to.join("tile"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::copy(from.join("checkpoint"), to.join("checkpoint")).unwrap();
}
