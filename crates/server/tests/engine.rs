//! The server is built on the engine, not on the command line: it audits a
//! log and replays it through `accord_engine` alone. (What the HTTP API
//! serves comes from the same calls.)

use std::sync::Arc;

use accord_engine::audit::{AuditOptions, Finding};
use accord_engine::{ReplayOptions, SignatureCheck};
use accord_example::{self as example, Script};
use serde_json::json;
use tlog::{DirSource, DirStorage, Log};

fn log_of(dir: &std::path::Path, entries: &[Vec<u8>]) {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, example::key("log.mission.accord.example/log")).unwrap();
    log.append_batch(entries).unwrap();
}

#[test]
fn a_log_is_audited_through_the_library() {
    let (a, h) = example::agreement();
    let mut s = Script::new(&a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.days(3);
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
    let dir = tempfile::tempdir().unwrap();
    log_of(dir.path(), &s.entries);
    let key = example::key("log.mission.accord.example/log").verifier();
    let opts = AuditOptions {
        log_key: &key,
        witnesses: &[],
        since: None,
        remembered: None,
        expect: &[],
        replay: ReplayOptions {
            check: SignatureCheck::Batch,
            progress: None,
        },
    };
    let report = accord_engine::audit(&a, h, &DirSource::new(dir.path()), &opts);
    assert!(report.passed(), "{:?}", report.findings);
    let r = report.replay.as_ref().unwrap();
    assert_eq!(
        r.evaluator.status().canonical(),
        s.eval.status().canonical()
    );
    assert_eq!(r.signatures, s.entries.len() as u64 + 1);

    // A status statement that lies about a field: a typed finding, with the
    // entry proved against the checkpoint.
    let size = s.entries.len() as u64;
    let mut st = s.eval.status();
    st.log_size = size;
    let mut body = s.status_body(size, &st);
    body["phase"] = json!("settlement");
    let lie = s.write("status", body, &["operator"]).index;
    let dir = tempfile::tempdir().unwrap();
    log_of(dir.path(), &s.entries);
    let report = accord_engine::audit(&a, h, &DirSource::new(dir.path()), &opts);
    match &report.findings[..] {
        [
            Finding::StatusFalse {
                claim, evidence, ..
            },
        ] => {
            assert_eq!(claim.index, lie);
            assert_eq!(claim.fields[0].field, "phase");
            let proved = evidence.as_ref().unwrap();
            assert_eq!(proved.index, lie);
            assert_eq!(proved.entry, s.entries[lie as usize]);
            assert!(proved.text().starts_with("c2sp.org/tlog-proof@v1\nindex "));
        }
        other => panic!("{other:?}"),
    }
}
