//! The browser's verifier, natively: a log written with the example's
//! demonstration keys under the Ukraine example with `[witnesses]` (a
//! witness of each signatory and the Mission's), checked as the page checks
//! it, honest and then made wrong one way at a time. Each adversary must
//! fail, with the problem that names it.

mod common;

use std::sync::Arc;

use accord::agreement::canonical::canonical_json;
use accord_example as example;
use accord_web::Verifier;
use common::*;
use serde_json::{Value, json};
use tlog::note::NoteSignature;
use tlog::{DirStorage, KeyType, Log, SignedCheckpoint, SignerKey};

#[test]
fn an_honest_log_verifies_and_its_replay_is_the_servers_status() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let mut v = verifier(&a, h);

    let ag = v.agreement();
    assert_eq!(ag["hash"], h.to_string());
    assert_eq!(ag["matches_pin"], true);
    assert_eq!(ag["log"]["origin"], LOG);
    let names: Vec<&str> = ag["witness_policy"]["witnesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["run_by"].as_str().unwrap())
        .collect();
    // In policy order: by witness name (kyiv, mission, moscow).
    assert_eq!(names, vec!["UA", "MISSION", "RU"]);

    let cp = v.checkpoint(&read(dir, "checkpoint"));
    assert_eq!(cp["ok"], true, "{cp}");
    assert_eq!(cp["log_signature"], "valid");
    assert_eq!(cp["witnesses"]["met"], true);
    assert_eq!(cp["witnesses"]["cosigned"].as_array().unwrap().len(), 3);
    assert_eq!(
        cp["witnesses"]["cosigned"][0]["time"],
        "2026-03-20T00:00:00Z"
    );
    let size = cp["size"].as_u64().unwrap();

    // The adoption, signed by both signatories.
    let (entry, proof) = entry_and_proof(dir, hist.adoption.index);
    let e = v.entry(hist.adoption.index, &entry, proof.as_bytes());
    assert_eq!(e["ok"], true, "{e}");
    assert_eq!(e["included"], true);
    assert_eq!(e["statement"]["kind"], "adoption");
    let who: Vec<&str> = e["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["who"].as_str().unwrap())
        .collect();
    // In the order of the lines (the signatories by id: RU, UA).
    assert_eq!(who, vec!["RU", "UA"]);

    // The attack, by an accredited monitor: its key is the log's, known
    // only once the replay has read the accreditation.
    let (entry, proof) = entry_and_proof(dir, hist.attack.index);
    let before = v.entry(hist.attack.index, &entry, proof.as_bytes());
    assert_eq!(before["ok"], false);
    assert_eq!(before["included"], true);
    assert!(
        problems(&before).contains("no signature by a key the agreement gives"),
        "{before}"
    );

    let r = v.replay(&read(dir, "checkpoint"), tiles(dir, &v, size));
    assert_eq!(r["ok"], true, "{}", r["findings"]);
    assert_eq!(r["size"], size);
    let served = engine_status(&a, h, dir, size);
    assert_eq!(r["status"], served);
    let same = accord_web::compare_status(&r["status"].to_string(), &served.to_string()).unwrap();
    assert_eq!(same["same"], true, "{same}");

    let after = v.entry(hist.attack.index, &entry, proof.as_bytes());
    assert_eq!(after["ok"], true, "{after}");
    assert_eq!(after["signatures"][0]["role"], "monitor");
    assert_eq!(after["signatures"][0]["who"], "MISSION");
}

#[test]
fn a_checkpoint_signed_by_another_key_fails() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let v = verifier(&a, h);
    let cp = SignedCheckpoint::parse(&read(dir, "checkpoint")).unwrap();
    let impostor = SignerKey::from_seed(LOG, KeyType::Ed25519, [7; 32]).unwrap();
    let forged = cp.checkpoint.sign(&impostor).unwrap();
    let r = v.checkpoint(&forged.to_bytes());
    assert_eq!(r["ok"], false);
    assert_eq!(r["log_signature"], "missing");
    assert!(
        problems(&r).contains("not signed by the agreement's log key"),
        "{r}"
    );
}

#[test]
fn a_checkpoint_short_of_the_witness_quorum_fails() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    cosign(dir, &["kyiv", "mission"]);
    let v = verifier(&a, h);
    let r = v.checkpoint(&read(dir, "checkpoint"));
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(r["log_signature"], "valid");
    assert_eq!(r["witnesses"]["met"], false);
    assert_eq!(r["witnesses"]["cosigned"].as_array().unwrap().len(), 2);
    let short = r["witnesses"]["short"].to_string();
    assert!(short.contains("RU"), "{short}");
    assert!(problems(&r).contains("quorum"), "{r}");
}

#[test]
fn a_forged_cosignature_fails() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let mut cp = SignedCheckpoint::parse(&read(dir, "checkpoint")).unwrap();
    // Moscow's line, with Kyiv's signature bytes in it.
    let sigs = cp.note.signatures().to_vec();
    let moscow = sigs
        .iter()
        .position(|s| s.name == "witness.moscow.example")
        .unwrap();
    let kyiv = sigs
        .iter()
        .find(|s| s.name == "witness.kyiv.example")
        .unwrap();
    let mut note = tlog::Note::new(cp.note.text()).unwrap();
    for (i, s) in sigs.iter().enumerate() {
        let s = if i == moscow {
            NoteSignature {
                name: s.name.clone(),
                key_id: s.key_id,
                signature: kyiv.signature.clone(),
            }
        } else {
            s.clone()
        };
        note.add_signature(s).unwrap();
    }
    cp.note = note;
    let v = verifier(&a, h);
    let r = v.checkpoint(&cp.to_bytes());
    assert_eq!(r["ok"], false, "{r}");
    assert!(
        problems(&r).contains("witness.moscow.example") && problems(&r).contains("does not verify"),
        "{r}"
    );
}

#[test]
fn an_entry_whose_bytes_were_changed_is_not_included() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let v = verifier(&a, h);
    let (entry, proof) = entry_and_proof(dir, hist.adoption.index);
    let changed = String::from_utf8(entry)
        .unwrap()
        .replacen("Framework", "Frámework", 1);
    let r = v.entry(hist.adoption.index, changed.as_bytes(), proof.as_bytes());
    assert_eq!(r["ok"], false);
    assert_eq!(r["included"], false, "{r}");
    assert!(problems(&r).contains("is not proved at index"), "{r}");
}

#[test]
fn a_proof_for_another_index_fails() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let v = verifier(&a, h);
    let (entry, _) = entry_and_proof(dir, hist.adoption.index);
    let (_, other) = entry_and_proof(dir, hist.attack.index);
    let r = v.entry(hist.adoption.index, &entry, other.as_bytes());
    assert_eq!(r["ok"], false);
    assert_eq!(r["included"], false);
    assert!(
        problems(&r).contains(&format!(
            "the proof is for entry {}, not entry {}",
            hist.attack.index, hist.adoption.index
        )),
        "{r}"
    );
}

#[test]
fn a_proof_against_a_different_root_fails() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let v = verifier(&a, h);
    let (entry, proof) = entry_and_proof(dir, hist.adoption.index);
    // The same proof, against a checkpoint of another tree of that size,
    // signed by the log's own key (and cosigned): the signatures hold, the
    // inclusion does not.
    let p = tlog_core::proof::parse(proof.as_bytes()).unwrap();
    let mut cp = SignedCheckpoint::parse(&p.checkpoint).unwrap().checkpoint;
    cp.root = tlog::leaf_hash(b"another tree");
    let mut signed = cp.sign(&example::key(LOG)).unwrap();
    for (_, _, s) in example::witnesses() {
        signed
            .note
            .add_signature(s.cosign(&signed.checkpoint, 1_773_964_800).unwrap())
            .unwrap();
    }
    let text = tlog::proof::text(p.index, &p.hashes, &signed.to_bytes());
    let r = v.entry(hist.adoption.index, &entry, text.as_bytes());
    assert_eq!(r["checkpoint"]["ok"], true, "{r}");
    assert_eq!(r["included"], false);
    assert_eq!(r["ok"], false);
    assert!(problems(&r).contains("is not proved at index"), "{r}");
}

#[test]
fn an_altered_tile_makes_the_replay_refuse() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let mut v = verifier(&a, h);
    let size = v.checkpoint(&read(dir, "checkpoint"))["size"]
        .as_u64()
        .unwrap();
    for bad in ["hash", "bundle"] {
        let mut t = tiles(dir, &v, size);
        let (path, bytes) = t
            .iter_mut()
            .find(|(p, _)| p.contains("entries") == (bad == "bundle"))
            .unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        let path = path.clone();
        let r = v.replay(&read(dir, "checkpoint"), t);
        assert_eq!(r["ok"], false, "{path}");
        assert_eq!(r["status"], Value::Null, "{path}");
        assert_eq!(r["findings"][0]["kind"], "log", "{r}");
    }
    // A tile missing is refused too, by name.
    let mut t = tiles(dir, &v, size);
    let first = t.keys().next().unwrap().clone();
    t.remove(&first);
    let r = v.replay(&read(dir, "checkpoint"), t);
    assert_eq!(r["ok"], false);
    assert!(r["findings"].to_string().contains(&first), "{r}");
}

#[test]
fn a_statement_signed_by_a_key_not_in_the_agreement_fails() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let v = verifier(&a, h);
    let (entry, _) = entry_and_proof(dir, hist.adoption.index);
    // The adoption's statement, signed by a stranger, and logged: included,
    // but signed by no one the agreement knows.
    let s = accord::statement::SignedStatement::parse(&entry).unwrap();
    let stranger = SignerKey::from_seed("stranger.example/key", KeyType::Ed25519, [9; 32]).unwrap();
    let forged = accord::statement::SignedStatement::sign(s.statement, &stranger).unwrap();
    // The same names and ID as Ukraine's key, another key: the line is by a
    // known name, and does not verify.
    let ua_name = a.parties["UA"].keys[0].get_ref().name().to_string();
    let impostor = SignerKey::from_seed(&ua_name, KeyType::Ed25519, [10; 32]).unwrap();
    let s2 = accord::statement::SignedStatement::parse(&entry).unwrap();
    let mut note = tlog::Note::new(s2.note.text()).unwrap();
    let mut line = impostor_line(&impostor, s2.note.text());
    line.key_id = a.parties["UA"].keys[0].get_ref().key_id();
    note.add_signature(line).unwrap();
    let mut entries = vec![forged.to_bytes(), note.to_bytes()];
    let tmp = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(tmp.path()).unwrap());
    let mut log = Log::create(storage, example::key(LOG)).unwrap();
    log.append_batch(&std::mem::take(&mut entries)).unwrap();
    cosign(tmp.path(), &["kyiv", "moscow", "mission"]);
    for (i, want) in [
        (0, "no signature by a key the agreement gives"),
        (1, "does not verify"),
    ] {
        let (entry, proof) = entry_and_proof(tmp.path(), i);
        let r = v.entry(i, &entry, proof.as_bytes());
        assert_eq!(r["included"], true, "{r}");
        assert_eq!(r["ok"], false, "{r}");
        assert_eq!(r["signatures"][0]["valid"], false, "{r}");
        assert!(problems(&r).contains(want), "{r}");
    }
}

/// A signature line by `key` over `text`.
fn impostor_line(key: &SignerKey, text: &str) -> NoteSignature {
    let mut n = tlog::Note::new(text).unwrap();
    n.sign(key).unwrap();
    n.signatures()[0].clone()
}

#[test]
fn a_status_with_one_verdict_changed_is_named_by_its_path() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let mut v = verifier(&a, h);
    let size = v.checkpoint(&read(dir, "checkpoint"))["size"]
        .as_u64()
        .unwrap();
    let r = v.replay(&read(dir, "checkpoint"), tiles(dir, &v, size));
    let replayed = r["status"].clone();
    let mut served = replayed.clone();
    // The first verdict found, changed.
    let path = change_a_verdict(&mut served, String::new()).expect("a verdict in the status");
    let c = accord_web::compare_status(&replayed.to_string(), &served.to_string()).unwrap();
    assert_eq!(c["same"], false);
    assert_eq!(c["differences"].as_array().unwrap().len(), 1, "{c}");
    assert_eq!(c["differences"][0]["path"], path.as_str());
    assert_eq!(c["differences"][0]["served"], "breach_verified_by_lie");
}

/// Changes the first `verdict` string found, depth first; its path.
fn change_a_verdict(v: &mut Value, path: String) -> Option<String> {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k == "verdict" && x.is_string() {
                    *x = json!("breach_verified_by_lie");
                    return Some(p);
                }
                if let Some(found) = change_a_verdict(x, p) {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(a) => a
            .iter_mut()
            .enumerate()
            .find_map(|(i, x)| change_a_verdict(x, format!("{path}[{i}]"))),
        _ => None,
    }
}

#[test]
fn an_agreement_that_is_not_the_pinned_one_fails_every_check() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let (plain, plain_hash) = example::agreement();
    // The server serves the agreement without witnesses; the user pinned
    // the one with them.
    let v = Verifier::new(&canonical_json(&plain), Some(&h.to_string())).unwrap();
    let ag = v.agreement();
    assert_eq!(ag["matches_pin"], false);
    assert_eq!(ag["hash"], plain_hash.to_string());
    let cp = v.checkpoint(&read(dir, "checkpoint"));
    assert_eq!(cp["ok"], false);
    assert!(problems(&cp).contains("not the one pinned"), "{cp}");
    // Bytes that are not an agreement at all are misuse.
    assert!(Verifier::new("{\"format\": 1}", None).is_err());
    assert!(Verifier::new("not json", None).is_err());
    assert!(Verifier::new(&canonical_json(&a), Some("sha256:xyz")).is_err());
}

#[test]
fn an_annex_file_is_checked_by_the_zones_it_draws() {
    let (a, h) = witnessed_agreement();
    let v = verifier(&a, h);
    let (name, text) = example::ANNEX
        .iter()
        .find(|(n, _)| n.ends_with("regions.geojson"))
        .unwrap();
    let r = v.annex(name, text.as_bytes());
    assert_eq!(r["ok"], true, "{r}");
    let zones = r["zones"].to_string();
    assert!(zones.contains("luhansk") && zones.contains("crimea"), "{r}");
    // The file draws every oblast; the agreement's zones are eight of them.
    assert_eq!(r["zones"].as_array().unwrap().len(), 8, "{r}");
    // One coordinate of Luhansk's feature moved: what it draws is no zone's.
    let mut g: Value = serde_json::from_str(text).unwrap();
    let luhansk = g["features"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["properties"]["iso"] == "UA-09")
        .unwrap();
    let first = &mut g["features"][luhansk]["geometry"]["coordinates"];
    let mut c = &mut *first;
    while c[0].is_array() {
        c = &mut c[0];
    }
    c[0] = json!(c[0].as_f64().unwrap() + 0.001);
    let moved = v.annex(name, g.to_string().as_bytes());
    assert!(
        moved["unbound"].as_u64().unwrap() > r["unbound"].as_u64().unwrap(),
        "{moved}"
    );
    assert!(!moved["zones"].to_string().contains("luhansk"), "{moved}");
    assert_eq!(moved["zones"].as_array().unwrap().len(), 7, "{moved}");
    let not = v.annex("annex/SOURCES.md", b"# Sources\n");
    assert_eq!(not["ok"], false);
}

/// The example with the regional withdrawal's deadline moved from D+30 to
/// D+45, as version 1.1.0.
fn amended_example() -> (accord::agreement::Agreement, accord::statement::Digest) {
    let text = example::AGREEMENT_TOML
        .replacen(
            "from = \"D+30\"\ncondition = \"troop_movements == 0",
            "from = \"D+45\"\ncondition = \"troop_movements == 0",
            1,
        )
        .replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1);
    let c = accord::agreement::check(example::AGREEMENT_PATH, &text, &example::EmbeddedLoader);
    (c.agreement.unwrap(), c.hash.unwrap())
}

#[test]
fn an_amended_text_is_judged_by_once_it_is_given() {
    use accord::evaluate::{Version, Versions};
    let (a, h) = example::agreement();
    let (b, hb) = amended_example();
    let versions = Versions::new(
        Version {
            agreement: &a,
            hash: h,
        },
        [Version {
            agreement: &b,
            hash: hb,
        }],
    )
    .unwrap();
    // Adopted, amended on day 20 by the quorum [amendments] requires, then
    // Russian troops seen in Kharkiv oblast on day 31 (a breach under the
    // old deadline, not under the new).
    let mut s = accord_example::Script::with_versions(&versions, D.parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.days(20);
    s.wait_hours(2.0);
    s.write(
        "amendment",
        json!({"new_agreement": hb, "summary": "the regional withdrawal by D+45"}),
        &["UA", "RU", "US"],
    )
    .ok();
    s.wait_hours(-2.0);
    s.name_version(hb);
    s.days(11);
    s.wait_hours(1.0);
    s.observe(
        "MISSION/1",
        "troop_movement",
        (36.94, 50.29),
        json!({"personnel": 40, "vehicles": 6}),
        json!({"sensor": "patrol", "assessment": {"responsible": "RU", "confidence": "medium"}}),
    )
    .ok();
    s.wait_hours(-1.0);
    s.days(2);
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let mut log = Log::create(storage, example::key(LOG)).unwrap();
    log.append_batch(&s.entries).unwrap();
    let dir = dir.path();
    let size = s.entries.len() as u64;
    let served = {
        let source = tlog::DirSource::new(dir);
        let log =
            accord_engine::verify_log(&source, &example::key(LOG).verifier(), &[], None).unwrap();
        let st = accord_engine::replay::status_at(
            &versions,
            &source,
            &log,
            size,
            &accord_engine::ReplayOptions::default(),
        )
        .unwrap()
        .unwrap();
        serde_json::to_value(st).unwrap()
    };

    // Without the amended text: a status other than the server's.
    let mut v = Verifier::new(&canonical_json(&a), Some(&h.to_string())).unwrap();
    let r = v.replay(&read(dir, "checkpoint"), tiles(dir, &v, size));
    let c = accord_web::compare_status(&r["status"].to_string(), &served.to_string()).unwrap();
    assert_eq!(c["same"], false, "{c}");
    assert_eq!(v.agreement()["in_force"], h.to_string());

    // Given it (as /v1/agreement/versions serves it): the server's status.
    let added = v.add_version(&canonical_json(&b)).unwrap();
    assert_eq!(added["ok"], true, "{added}");
    assert_eq!(added["version"], "1.1.0");
    let r = v.replay(&read(dir, "checkpoint"), tiles(dir, &v, size));
    assert_eq!(r["ok"], true, "{}", r["findings"]);
    assert_eq!(r["status"], served);
    assert_eq!(v.agreement()["in_force"], hb.to_string());
    assert_eq!(v.agreement()["versions"].as_array().unwrap().len(), 2);

    // Another agreement, or the same text twice, is refused.
    let again = v.add_version(&canonical_json(&b)).unwrap();
    assert_eq!(again["ok"], false);
    assert!(
        again["problems"].to_string().contains("given twice"),
        "{again}"
    );
    let (w, _) = witnessed_agreement();
    let other = canonical_json(&w).replacen("\"id\":\"ukraine-2025\"", "\"id\":\"other\"", 1);
    assert!(other.contains("\"id\":\"other\""));
    let refused = v.add_version(&other).unwrap();
    assert_eq!(refused["ok"], false);
    assert!(
        refused["problems"]
            .to_string()
            .contains("must be the same agreement"),
        "{refused}"
    );
}

/// The C2SP tlog-proof spec's own example reads as the spec says; its
/// checkpoint (signatures elided in the spec) is not this agreement's log's,
/// and the verifier says so instead of failing.
#[test]
fn the_c2sp_proof_example_reads_and_is_not_our_logs() {
    let text = std::fs::read(testkit::vectors(
        "c2sp-spec-examples/tlog-proof-example.txt",
    ))
    .unwrap();
    let p = tlog_core::proof::parse(&text).unwrap();
    assert_eq!(p.index, 73894);
    assert_eq!(p.hashes.len(), 5);
    assert_eq!(
        p.hashes[0].to_base64(),
        "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ="
    );
    assert_eq!(
        p.extra.as_deref(),
        Some("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
    );
    assert!(p.checkpoint.starts_with(b"example.com/fancylog\n109482\n"));
    let (a, h) = witnessed_agreement();
    let v = verifier(&a, h);
    let r = v.entry(73894, b"not a statement", &text);
    assert_eq!(r["ok"], false);
    assert_eq!(r["included"], false);
    assert_eq!(r["checkpoint"]["ok"], false);
    assert_eq!(r["statement"], Value::Null);
}

/// The server proves entries against its durable checkpoint, which the
/// witnesses may not have cosigned yet: once the page has verified the
/// cosigned checkpoint of the same text (from `/checkpoint`), a proof
/// against it is witnessed; before, it is short of the quorum.
#[test]
fn a_proof_against_the_uncosigned_checkpoint_is_witnessed_by_the_cosigned_one() {
    let (a, h) = witnessed_agreement();
    let hist = history(&a, h);
    let dir = hist.dir.path();
    let v = verifier(&a, h);
    let (entry, proof) = entry_and_proof(dir, hist.adoption.index);
    let p = tlog_core::proof::parse(proof.as_bytes()).unwrap();
    let cosigned = SignedCheckpoint::parse(&p.checkpoint).unwrap();
    let mut bare = tlog::Note::new(cosigned.note.text()).unwrap();
    bare.add_signature(cosigned.note.signatures()[0].clone())
        .unwrap();
    let text = tlog::proof::text(p.index, &p.hashes, &bare.to_bytes());

    let before = v.entry(hist.adoption.index, &entry, text.as_bytes());
    assert_eq!(before["ok"], false);
    assert_eq!(before["checkpoint"]["witnesses"]["met"], false, "{before}");

    // The cosigned checkpoint, as /checkpoint serves it, verified.
    let cp = v.checkpoint(&read(dir, "checkpoint"));
    assert_eq!(cp["ok"], true);
    let after = v.entry(hist.adoption.index, &entry, text.as_bytes());
    assert_eq!(after["ok"], true, "{after}");
    assert_eq!(after["checkpoint"]["witnesses"]["met"], true);
    assert!(after["checkpoint"]["witnesses"]["cosigned_on"].is_string());

    // A checkpoint of another root, signed by the log, gains nothing.
    let mut other = cosigned.checkpoint.clone();
    other.root = tlog::leaf_hash(b"another tree");
    let signed = other.sign(&example::key(LOG)).unwrap();
    let r = v.checkpoint(&signed.to_bytes());
    assert_eq!(r["witnesses"]["met"], false, "{r}");
}
