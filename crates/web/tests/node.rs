//! The built WebAssembly itself, run headless in Node (`node` on PATH, or
//! `$ACCORD_NODE`): the files checked in under
//! crates/dashboard/assets/wasm/, loaded as the page loads them, verify the
//! demo log, replay it to the engine's status, and refuse an altered tile.
//! This is what shows that the evaluator runs without threads (rayon on
//! the current thread, the pipeline on one) and batch verification draws
//! its randomness from Web Crypto.

mod common;

use std::process::Command;

use accord::agreement::canonical::canonical_json;
use common::*;
use serde_json::{Value, json};

#[test]
fn the_built_webassembly_verifies_and_replays_the_log_in_node() {
    let node = std::env::var("ACCORD_NODE").unwrap_or_else(|_| "node".into());
    if Command::new(&node).arg("--version").output().is_err() {
        panic!("node is needed to run the WebAssembly ({node} not found; set ACCORD_NODE)");
    }
    let root = testkit::repo_root();
    let wasm = root.join("crates/dashboard/assets/wasm");
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let checkpoint = String::from_utf8(read(dir, "checkpoint")).unwrap();
    let size: u64 = checkpoint.lines().nth(1).unwrap().parse().unwrap();
    let (entry, proof) = entry_and_proof(dir, hist.attack.index);
    let served = engine_status(&a, h, dir, size);
    let work = tempfile::tempdir().unwrap();
    let input = json!({
        "agreement": canonical_json(&a),
        "pinned": h.to_string(),
        "checkpoint": checkpoint,
        "log": dir,
        "index": hist.attack.index,
        "entry": String::from_utf8(entry).unwrap(),
        "proof": proof,
        "served": served.to_string(),
    });
    std::fs::write(work.path().join("input.json"), input.to_string()).unwrap();
    let out = Command::new(&node)
        .arg(root.join("crates/web/tests/node/run.mjs"))
        .arg(&wasm)
        .arg(work.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let o: Value =
        serde_json::from_slice(&std::fs::read(work.path().join("output.json")).unwrap()).unwrap();
    eprintln!(
        "the replay of {size} entries took {:.0} ms in Node",
        o["replay_ms"].as_f64().unwrap_or(f64::NAN)
    );
    assert_eq!(o["agreement"]["matches_pin"], true, "{o}");
    assert_eq!(o["checkpoint"]["ok"], true, "{}", o["checkpoint"]);
    assert_eq!(o["checkpoint"]["witnesses"]["met"], true);
    assert_eq!(o["replay"]["ok"], true, "{}", o["replay"]["findings"]);
    assert_eq!(o["replay"]["status"], served);
    assert_eq!(o["compare"]["same"], true, "{}", o["compare"]);
    // Monitors' keys learned by the replay: the attack's signature checks.
    assert_eq!(o["entry"]["ok"], true, "{}", o["entry"]);
    assert_eq!(o["entry"]["signatures"][0]["who"], "MISSION");
    assert_eq!(o["tampered"]["ok"], false);
    assert_eq!(o["tampered"]["findings"][0]["kind"], "log");
    assert!(
        o["misuse"].as_str().unwrap_or("").contains("not JSON"),
        "{}",
        o["misuse"]
    );
    assert!(
        o["bad_index"]
            .as_str()
            .unwrap_or("")
            .contains("not a log index"),
        "{}",
        o["bad_index"]
    );
}
