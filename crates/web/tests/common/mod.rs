//! What the tests of the browser's verifier share: the Ukraine example
//! with `[witnesses]`, a history written under it with the demonstration
//! keys into a log on disk, cosigned, and what the server would serve of it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use accord::agreement::Agreement;
use accord::agreement::canonical::canonical_json;
use accord::evaluate::Versions;
use accord::statement::Digest;
use accord_engine::ReplayOptions;
use accord_example::{self as example, Script, Written};
use accord_web::Verifier;
use serde_json::{Value, json};
use tlog::{DirSource, DirStorage, Log, SignedCheckpoint, TileReader};

pub const D: &str = "2026-03-02T10:00:00Z";
pub const LOG: &str = "log.mission.accord.example/log";
pub const KRAMATORSK: (f64, f64) = (37.58, 48.74);

/// The example with `[witnesses]`: every signatory's witness and the
/// Mission's must cosign.
pub fn witnessed_agreement() -> (Agreement, Digest) {
    let keys: Vec<(&str, &str, String)> = example::witnesses()
        .into_iter()
        .map(|(n, by, s)| (n, by, s.verifier().to_string()))
        .collect();
    let text = example::witnessed_toml(
        "[{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]",
        &keys,
    );
    let c = accord::agreement::check(example::AGREEMENT_PATH, &text, &example::EmbeddedLoader);
    (c.agreement.unwrap(), c.hash.unwrap())
}

/// A history: adoption, monitors accredited, two weeks of patrols, an
/// attack observed by the Mission, the operator's status statement.
pub struct History {
    pub dir: tempfile::TempDir,
    pub adoption: Written,
    pub attack: Written,
}

pub fn history(a: &Agreement, h: Digest) -> History {
    let mut s = Script::new(a, h, D.parse().unwrap());
    let adoption = s.adopt();
    adoption.ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.patrol("MISSION/1", &[]);
    s.wait_hours(1.0);
    s.certify("transition", "begin_verification", &["UA", "RU", "MISSION"])
        .ok();
    s.wait_hours(-1.0);
    s.days(15);
    s.wait_hours(2.0);
    let attack = s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 7, "weapon_class": "artillery_100mm"}]}),
        json!({"sensor": "uav", "assessment": {"responsible": "RU", "confidence": "high"}}),
    );
    attack.ok();
    s.wait_hours(-2.0);
    s.days(2);
    s.status().ok();
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let mut log = Log::create(storage, example::key(LOG)).unwrap();
    log.append_batch(&s.entries).unwrap();
    cosign(dir.path(), &["kyiv", "moscow", "mission"]);
    History {
        dir,
        adoption,
        attack,
    }
}

/// The log's checkpoint cosigned by `who` (and no one else).
pub fn cosign(log: &Path, who: &[&str]) {
    let mut cp = SignedCheckpoint::parse(&std::fs::read(log.join("checkpoint")).unwrap()).unwrap();
    let mut note = tlog::Note::new(cp.note.text()).unwrap();
    note.add_signature(cp.note.signatures()[0].clone()).unwrap();
    cp.note = note;
    for (n, _, s) in example::witnesses() {
        if who.contains(&n) {
            cp.note
                .add_signature(s.cosign(&cp.checkpoint, 1_773_964_800).unwrap())
                .unwrap();
        }
    }
    std::fs::write(log.join("checkpoint"), cp.to_bytes()).unwrap();
}

pub fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap()
}

/// Every tile the verifier asks for, read from the log's directory.
pub fn tiles(dir: &Path, v: &Verifier, size: u64) -> BTreeMap<String, Vec<u8>> {
    let paths: Vec<String> = serde_json::from_value(v.tiles_for(size)).unwrap();
    paths
        .into_iter()
        .map(|p| (p.clone(), read(dir, &p)))
        .collect()
}

/// The entry's bytes and its C2SP tlog-proof, as the server serves them.
pub fn entry_and_proof(dir: &Path, index: u64) -> (Vec<u8>, String) {
    let source = DirSource::new(dir);
    let log = accord_engine::verify_log(&source, &example::key(LOG).verifier(), &[], None).unwrap();
    let mut reader = TileReader::new(DirSource::new(dir));
    let proved = tlog::proof::prove(&mut reader, &log, index).unwrap();
    (proved.entry.clone(), proved.text())
}

pub fn verifier(a: &Agreement, h: Digest) -> Verifier {
    Verifier::new(&canonical_json(a), Some(&h.to_string())).unwrap()
}

pub fn problems(v: &Value) -> String {
    v["problems"].to_string()
}

/// The status as the server serves it at `size`: the engine's replay up
/// to that size (`accord_engine::replay::status_at`, which `GET
/// /v1/status?size=N` calls), serialised.
pub fn engine_status(a: &Agreement, h: Digest, dir: &Path, size: u64) -> Value {
    let source = DirSource::new(dir);
    let log = accord_engine::verify_log(&source, &example::key(LOG).verifier(), &[], None).unwrap();
    let versions = Versions::one(a, h);
    let st =
        accord_engine::replay::status_at(&versions, &source, &log, size, &ReplayOptions::default())
            .unwrap()
            .unwrap();
    serde_json::to_value(st).unwrap()
}
