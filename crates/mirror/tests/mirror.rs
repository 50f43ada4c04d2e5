//! The mirror against honest logs, lying sources and crashes: what it
//! commits is exactly the log (the independent verifier agrees, with the
//! mirror's cosignature), it refuses forks, rollbacks and bad data with
//! their evidence and keeps serving its last good state, and an interrupted
//! copy is recovered.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use accord_mirror::evidence::{MIRRORED_FILE, OFFERED_FILE, WHY_FILE};
use accord_mirror::{EvidenceKind, Mirror, MirrorError, MirrorOptions, Pulled};
use common::*;
use tlog::storage::StorageError;
use tlog::{DirSource, DirStorage, SignedCheckpoint};

fn advanced(r: Pulled) -> (u64, u64) {
    match r {
        Pulled::Advanced {
            from,
            to,
            source_tiles: None,
        } => (from, to),
        other => panic!("expected the mirror to advance cleanly, got {other:?}"),
    }
}

fn refused(r: Pulled, kind: EvidenceKind) -> accord_mirror::Evidence {
    match r {
        Pulled::Refused(e) if e.kind == kind => e,
        other => panic!("expected a refusal ({kind}), got {other:?}"),
    }
}

/// Every public file of the mirror is the log's, byte for byte, but the
/// checkpoint (which carries the mirror's cosignature beside the log's).
fn assert_same_tiles(log: &Path, mirror: &Path) {
    let ours: Vec<_> = public_files(mirror)
        .into_iter()
        .filter(|p| p.starts_with("tile"))
        .collect();
    for p in &ours {
        assert_eq!(
            std::fs::read(log.join(p)).ok(),
            Some(std::fs::read(mirror.join(p)).unwrap()),
            "{} differs from the log's",
            p.display()
        );
    }
    assert!(!ours.is_empty());
}

#[test]
fn mirrors_a_growing_log_that_the_independent_verifier_accepts_with_the_cosignature() {
    let tmp = tempfile::tempdir().unwrap();
    let (logdir, mdir) = (tmp.path().join("log"), tmp.path().join("mirror"));
    let mut log = make_log(&logdir, 1000, u64::MAX, 0);
    let key = mirror_key("mirror.test.example/a", 1);
    let mkey = key.verifier().to_string();
    let mut mirror = open_mirror(&mdir, key);
    assert!(mirror.checkpoint().is_none());
    let source = DirSource::new(&logdir);

    assert_eq!(advanced(mirror.pull(&source).unwrap()), (0, 1000));
    tlogcheck_mirror(mdir.to_str().unwrap(), std::slice::from_ref(&mkey));
    for size in [1001, 1280, 1536, 70_000] {
        grow(&mut log, size, u64::MAX, 0);
        let before = mirror.size();
        assert_eq!(advanced(mirror.pull(&source).unwrap()), (before, size));
        // The mirror checkpoint is the log's, with the cosignature added.
        let cp = mirror.checkpoint().unwrap();
        assert_eq!(cp.checkpoint, log.checkpoint().checkpoint);
        assert!(cp.note.is_signed_by(log.verifier()));
        assert!(cp.note.is_signed_by(&mirror.cosigner()));
    }
    match mirror.pull(&source).unwrap() {
        Pulled::Unchanged { size, signatures } => assert_eq!((size, signatures), (70_000, 0)),
        other => panic!("{other:?}"),
    }
    assert_same_tiles(&logdir, &mdir);
    let out = tlogcheck_mirror(mdir.to_str().unwrap(), std::slice::from_ref(&mkey));
    assert!(out.contains("70000"), "{out}");
    // The independent verifier refuses a witness that did not cosign: the
    // check above is not vacuous.
    let other = mirror_key("mirror.test.example/other", 9)
        .verifier()
        .to_string();
    let vkey = log_vkey().to_string();
    let o = testkit::tlogcheck(&[
        "verify",
        "-log",
        mdir.to_str().unwrap(),
        "-key",
        &vkey,
        "-witness",
        &other,
    ]);
    assert!(!o.status.success());

    // Served, at the root and under the origin's hash, as tlog-mirror says.
    let served = serve(&mdir, &mirror, Some("https://operator.example"));
    let prefix = format!("{}/{}", served.base, accord_mirror::origin_hash(LOG_NAME));
    tlogcheck_mirror(&prefix, std::slice::from_ref(&mkey));
    tlogcheck_mirror(&served.base, &[mkey]);
    drop(mirror);
}

#[test]
fn a_second_process_cannot_open_the_same_mirror_nor_another_log_in_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (logdir, mdir) = (tmp.path().join("log"), tmp.path().join("mirror"));
    make_log(&logdir, 10, u64::MAX, 0);
    let mut m = open_mirror(&mdir, mirror_key("m/a", 1));
    m.pull(&DirSource::new(&logdir)).unwrap();
    let storage = Arc::new(DirStorage::new(&mdir).unwrap());
    let e = Mirror::open(
        storage,
        mirror_key("m/a", 1),
        log_vkey(),
        MirrorOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(e, MirrorError::Storage(StorageError::Locked { .. })),
        "{e}"
    );
    drop(m);
    let other = tlog::SignerKey::from_seed("other.log/x", tlog::KeyType::Ed25519, [3; 32]).unwrap();
    let storage = Arc::new(DirStorage::new(&mdir).unwrap());
    let e = Mirror::open(
        storage,
        mirror_key("m/a", 1),
        other.verifier(),
        MirrorOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, MirrorError::OtherLog { .. }), "{e}");
}

/// The mirror in `mdir`: its checkpoint's bytes and its public files.
fn state(mdir: &Path) -> (Vec<u8>, Vec<std::path::PathBuf>) {
    (
        std::fs::read(mdir.join("checkpoint")).unwrap(),
        public_files(mdir)
            .into_iter()
            .filter(|p| !p.starts_with("evidence"))
            .collect(),
    )
}

fn assert_evidence(mdir: &Path, e: &accord_mirror::Evidence, mirrored: &[u8], offered: &Path) {
    let at = mdir.join(&e.path);
    assert!(e.new);
    let kept = std::fs::read(at.join(MIRRORED_FILE)).unwrap();
    assert_eq!(kept, mirrored, "the mirror checkpoint kept as it was");
    assert_eq!(
        std::fs::read(at.join(OFFERED_FILE)).unwrap(),
        std::fs::read(offered.join("checkpoint")).unwrap()
    );
    let why = std::fs::read_to_string(at.join(WHY_FILE)).unwrap();
    assert!(why.starts_with(e.kind.as_str()), "{why}");
    // Both checkpoints are signed by the log: the evidence holds up with
    // the log's key alone.
    let key = log_vkey();
    for f in [MIRRORED_FILE, OFFERED_FILE] {
        let cp = SignedCheckpoint::parse(&std::fs::read(at.join(f)).unwrap()).unwrap();
        cp.verify(Some(&key), &[]).unwrap();
    }
}

#[test]
fn a_forked_or_rolled_back_operator_is_refused_with_evidence_and_the_mirror_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mdir = t.join("mirror");
    // The honest log, and an old copy of it.
    let mut honest = make_log(&t.join("honest"), 300, u64::MAX, 0);
    copy_dir(&t.join("honest"), &t.join("old"));
    grow(&mut honest, 700, u64::MAX, 0);
    // Forks signed by the same key: the same first 500 entries, then others.
    let same_size = t.join("fork-700");
    make_log(&same_size, 700, 500, 1);
    let larger = t.join("fork-900");
    make_log(&larger, 900, 500, 1);
    let smaller = t.join("fork-600");
    make_log(&smaller, 600, 500, 1);

    let mut mirror = open_mirror(&mdir, mirror_key("mirror.test.example/a", 1));
    assert_eq!(
        advanced(mirror.pull(&DirSource::new(t.join("honest"))).unwrap()),
        (0, 700)
    );
    let before = state(&mdir);
    let served = serve(&mdir, &mirror, None);
    let cases = [
        (
            &same_size,
            EvidenceKind::Fork,
            "two checkpoints of size 700",
        ),
        (&larger, EvidenceKind::Fork, "signed a history other"),
        (&smaller, EvidenceKind::Fork, "signed two histories"),
        (&t.join("old"), EvidenceKind::Rollback, "rolled-back"),
    ];
    for (dir, kind, says) in cases {
        let e = refused(mirror.pull(&DirSource::new(dir)).unwrap(), kind);
        assert!(e.why.contains(says), "{kind}: {}", e.why);
        assert_evidence(&mdir, &e, &before.0, dir);
        assert_eq!(state(&mdir), before, "{kind}: the mirror changed");
        assert_eq!(mirror.size(), 700);
        // The same offer again adds no second record.
        let again = refused(mirror.pull(&DirSource::new(dir)).unwrap(), kind);
        assert!(!again.new);
    }
    let (code, body, _) = get(&format!("{}/checkpoint", served.base));
    assert_eq!((code, body), (200, before.0.clone()));
    assert_eq!(accord_mirror::evidence::list(&mdir).unwrap().len(), 4);
    // The honest log goes on; so does the mirror.
    grow(&mut honest, 1000, u64::MAX, 0);
    assert_eq!(
        advanced(mirror.pull(&DirSource::new(t.join("honest"))).unwrap()),
        (700, 1000)
    );
    assert_same_tiles(&t.join("honest"), &mdir);
}

/// Flips one byte of a file.
fn tamper(path: &Path, at: usize) {
    let mut b = std::fs::read(path).unwrap();
    b[at] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

#[test]
fn a_tampered_entry_bundle_is_refused_and_nothing_of_it_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut log = make_log(&t.join("log"), 600, u64::MAX, 0);
    let mdir = t.join("mirror");
    let mut mirror = open_mirror(&mdir, mirror_key("m/a", 1));
    mirror.pull(&DirSource::new(t.join("log"))).unwrap();
    let before = state(&mdir);
    grow(&mut log, 2000, u64::MAX, 0);
    copy_dir(&t.join("log"), &t.join("bad"));
    // An entry's byte changed in the bundle of entries 1024..1280.
    tamper(&t.join("bad/tile/entries/004"), 40);
    let e = refused(
        mirror.pull(&DirSource::new(t.join("bad"))).unwrap(),
        EvidenceKind::BadEntries,
    );
    assert!(e.why.contains("consistent"), "{}", e.why);
    assert_eq!(state(&mdir), before, "objects of the refused batch remain");
    // An entry before the mirror's size, in the bundle it shares: refused
    // too, although the new entries would give the right root.
    copy_dir(&t.join("log"), &t.join("bad2"));
    tamper(&t.join("bad2/tile/entries/002"), 10);
    let e = refused(
        mirror.pull(&DirSource::new(t.join("bad2"))).unwrap(),
        EvidenceKind::BadEntries,
    );
    assert!(e.why.contains("entry 512"), "{}", e.why);
    assert_eq!(state(&mdir), before);
    advanced(mirror.pull(&DirSource::new(t.join("log"))).unwrap());
    assert_same_tiles(&t.join("log"), &mdir);
}

#[test]
fn a_tampered_hash_tile_is_caught_but_never_copied() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_log(&t.join("log"), 70_000, u64::MAX, 0);
    copy_dir(&t.join("log"), &t.join("bad"));
    tamper(&t.join("bad/tile/0/100"), 5);
    tamper(&t.join("bad/tile/1/000"), 70);
    let vkey = log_vkey().to_string();
    let o = testkit::tlogcheck(&[
        "verify",
        "-log",
        t.join("bad").to_str().unwrap(),
        "-key",
        &vkey,
    ]);
    assert!(!o.status.success(), "the source is broken");

    let mdir = t.join("mirror");
    let mut mirror = open_mirror(&mdir, mirror_key("m/a", 1));
    let e = match mirror.pull(&DirSource::new(t.join("bad"))).unwrap() {
        Pulled::Advanced {
            to: 70_000,
            source_tiles: Some(e),
            ..
        } => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(e.kind, EvidenceKind::SourceTiles);
    assert!(e.why.contains("tile/0/100"), "{}", e.why);
    assert!(e.why.contains("tile/1/000"), "{}", e.why);
    assert!(mdir.join(&e.path).join(WHY_FILE).exists());
    // What the mirror serves is right.
    assert_same_tiles(&t.join("log"), &mdir);
    tlogcheck_mirror(mdir.to_str().unwrap(), &[]);
}

#[test]
fn an_interrupted_copy_resumes_torn_objects_are_replaced_and_the_result_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let logdir = t.join("log");
    make_log(&logdir, 40_000, u64::MAX, 0);
    let mdir = t.join("mirror");
    let options = MirrorOptions {
        bundles_per_write: 8,
        fetch_threads: 3,
        ..MirrorOptions::default()
    };
    let key = || mirror_key("m/a", 1);
    let mut mirror = open_with(&mdir, key(), options.clone());
    let failing = Failing {
        inner: DirSource::new(&logdir),
        budget: AtomicUsize::new(50),
    };
    assert!(mirror.pull(&failing).is_err());
    assert!(mirror.checkpoint().is_none());
    assert!(
        mdir.join("tile/entries/000").exists(),
        "a prefix was written"
    );
    drop(mirror);
    // As after a crash: a bundle of the batch torn, a hash tile torn.
    let b = mdir.join("tile/entries/003");
    let len = std::fs::metadata(&b).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&b)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    tamper(&mdir.join("tile/0/001"), 3);
    let mut mirror = open_with(&mdir, key(), options.clone());
    assert!(
        !mdir.join("tile/entries/003").exists(),
        "a torn bundle is removed"
    );
    assert!(
        !mdir.join("tile/entries/010").exists(),
        "what follows it too"
    );
    // Another interruption, then the rest.
    failing
        .budget
        .store(40, std::sync::atomic::Ordering::SeqCst);
    assert!(mirror.pull(&failing).is_err());
    failing
        .budget
        .store(usize::MAX, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(advanced(mirror.pull(&failing).unwrap()), (0, 40_000));
    assert_same_tiles(&logdir, &mdir);
    tlogcheck_mirror(mdir.to_str().unwrap(), &[key().verifier().to_string()]);
}

#[test]
fn a_batch_written_whole_but_not_committed_is_finished_on_open_without_the_source() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut log = make_log(&t.join("log"), 1000, u64::MAX, 0);
    let mdir = t.join("mirror");
    let key = || mirror_key("m/a", 1);
    let mut mirror = open_mirror(&mdir, key());
    mirror.pull(&DirSource::new(t.join("log"))).unwrap();
    let committed = std::fs::read(mdir.join("checkpoint")).unwrap();
    grow(&mut log, 5000, u64::MAX, 0);
    mirror.pull(&DirSource::new(t.join("log"))).unwrap();
    drop(mirror);
    // As if it crashed just before the checkpoint was replaced.
    std::fs::write(mdir.join("checkpoint"), &committed).unwrap();
    let mirror = open_mirror(&mdir, key());
    assert_eq!(mirror.size(), 5000);
    assert_same_tiles(&t.join("log"), &mdir);
    tlogcheck_mirror(mdir.to_str().unwrap(), &[key().verifier().to_string()]);
}

#[test]
fn a_mirror_copies_from_another_mirror_and_carries_its_cosignature() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut log = make_log(&t.join("log"), 3000, u64::MAX, 0);
    let (a, b) = (
        mirror_key("mirror.ua.example/1", 1),
        mirror_key("mirror.osce.example/1", 2),
    );
    let (akey, bkey) = (a.verifier().to_string(), b.verifier().to_string());
    let mut ma = open_mirror(&t.join("a"), a);
    ma.pull(&DirSource::new(t.join("log"))).unwrap();
    let served_a = serve(&t.join("a"), &ma, None);
    let from_a = accord_mirror::HttpSource::new(&format!(
        "{}/{}",
        served_a.base,
        accord_mirror::origin_hash(LOG_NAME)
    ));
    let mut mb = open_mirror(&t.join("b"), b);
    assert_eq!(advanced(mb.pull(&from_a).unwrap()), (0, 3000));
    tlogcheck_mirror(t.join("b").to_str().unwrap(), &[akey.clone(), bkey.clone()]);
    // The log grows; A follows; B follows A over HTTP.
    grow(&mut log, 4000, u64::MAX, 0);
    ma.pull(&DirSource::new(t.join("log"))).unwrap();
    accord_mirror::run::publish(&ma, &served_a.published);
    assert_eq!(advanced(mb.pull(&from_a).unwrap()), (3000, 4000));
    assert_same_tiles(&t.join("log"), &t.join("b"));
    tlogcheck_mirror(t.join("b").to_str().unwrap(), &[akey, bkey]);
}

#[test]
fn cosignatures_gathered_later_are_added_to_the_same_checkpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_log(&t.join("log"), 100, u64::MAX, 0);
    let mut mirror = open_mirror(&t.join("m"), mirror_key("m/a", 1));
    mirror.pull(&DirSource::new(t.join("log"))).unwrap();
    // A witness cosigns the operator's checkpoint afterwards.
    let w = tlog::SignerKey::from_seed("witness.example/w", tlog::KeyType::Cosignature, [5; 32])
        .unwrap();
    let path = t.join("log/checkpoint");
    let mut cp = SignedCheckpoint::parse(&std::fs::read(&path).unwrap()).unwrap();
    cp.note
        .sign(&tlog::keys::TimestampedCosigner {
            key: &w,
            timestamp: 1_700_000_000,
        })
        .unwrap();
    std::fs::write(&path, cp.to_bytes()).unwrap();
    match mirror.pull(&DirSource::new(t.join("log"))).unwrap() {
        Pulled::Unchanged { size, signatures } => assert_eq!((size, signatures), (100, 1)),
        other => panic!("{other:?}"),
    }
    let mine = mirror.checkpoint().unwrap();
    assert!(mine.note.is_signed_by(&w.verifier()));
    assert!(mine.note.is_signed_by(&mirror.cosigner()));
    let ws = [w.verifier().to_string(), mirror.cosigner().to_string()];
    tlogcheck_mirror(t.join("m").to_str().unwrap(), &ws);
}

#[test]
fn the_served_mirror_takes_no_statements_and_serves_only_what_it_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_log(&t.join("log"), 300, u64::MAX, 0);
    let mdir = t.join("m");
    let mut mirror = open_mirror(&mdir, mirror_key("m/a", 1));
    let s = serve(&mdir, &mirror, Some("https://operator.example"));
    // Nothing copied yet: nothing served.
    assert_eq!(get(&format!("{}/checkpoint", s.base)).0, 503);
    mirror.pull(&DirSource::new(t.join("log"))).unwrap();
    accord_mirror::run::publish(&mirror, &s.published);
    let (code, body, cc) = get(&format!("{}/checkpoint", s.base));
    assert_eq!((code, cc.as_deref()), (200, Some("no-cache")));
    assert_eq!(body, std::fs::read(mdir.join("checkpoint")).unwrap());
    let (code, _, cc) = get(&format!("{}/tile/entries/000", s.base));
    assert_eq!(
        (code, cc.as_deref()),
        (200, Some("public, max-age=31536000, immutable"))
    );
    let (code, _, cc) = get(&format!("{}/tile/entries/001.p/44", s.base));
    assert_eq!(
        (code, cc.as_deref()),
        (200, Some("public, max-age=2, must-revalidate"))
    );
    // Beyond the checkpoint, a wrong prefix, a bad path.
    assert_eq!(get(&format!("{}/tile/entries/002", s.base)).0, 404);
    assert_eq!(get(&format!("{}/abc/checkpoint", s.base)).0, 404);
    assert_eq!(get(&format!("{}/tile/entries/x", s.base)).0, 400);
    let (code, body, _) = get(&format!("{}/healthz", s.base));
    assert_eq!(code, 200);
    let h: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(h["size"], 300);
    // Statements go to the operator.
    let mut r = agent()
        .post(format!("{}/v1/statements", s.base))
        .send("a statement")
        .unwrap();
    assert_eq!(r.status().as_u16(), 421);
    assert_eq!(
        r.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let p: serde_json::Value =
        serde_json::from_slice(&r.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(p["operator"], "https://operator.example");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("https://operator.example")
    );
    assert_eq!(get(&format!("{}/v1/agreement", s.base)).0, 404);
}

#[test]
fn a_mirror_cosigns_with_ml_dsa_44_too() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_log(&t.join("log"), 500, u64::MAX, 0);
    let key = accord_mirror::CosignerSecret::from_seed(
        "mirror.pq.example/1",
        accord_mirror::CosignatureType::MlDsa44,
        [4; 32],
    )
    .unwrap();
    let vkey = key.verifier();
    let mut mirror = open_mirror(&t.join("m"), key);
    advanced(mirror.pull(&DirSource::new(t.join("log"))).unwrap());
    let served = SignedCheckpoint::parse(&std::fs::read(t.join("m/checkpoint")).unwrap()).unwrap();
    let at = vkey
        .cosigned(&served.note)
        .expect("an ML-DSA-44 cosignature");
    assert!(at > 1_700_000_000);
    // Another ML-DSA key finds no cosignature of its own.
    let other = accord_mirror::CosignerSecret::from_seed(
        "mirror.pq.example/1",
        accord_mirror::CosignatureType::MlDsa44,
        [5; 32],
    )
    .unwrap();
    assert_eq!(other.verifier().cosigned(&served.note), None);
    tlogcheck_mirror(t.join("m").to_str().unwrap(), &[]);
}

#[test]
fn entries_kept_from_a_copy_interrupted_on_another_source_are_not_held_against_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_log(&t.join("honest"), 2000, u64::MAX, 0);
    make_log(&t.join("fork"), 3000, 1000, 1);
    let options = MirrorOptions {
        bundles_per_write: 2,
        ..MirrorOptions::default()
    };
    let mut mirror = open_with(&t.join("m"), mirror_key("m/a", 1), options);
    let failing = Failing {
        inner: DirSource::new(t.join("fork")),
        budget: AtomicUsize::new(6),
    };
    assert!(mirror.pull(&failing).is_err());
    // Forked entries (1000..1536) are kept from that copy.
    assert!(t.join("m/tile/entries/005").exists());
    assert_eq!(
        advanced(mirror.pull(&DirSource::new(t.join("honest"))).unwrap()),
        (0, 2000)
    );
    assert!(
        accord_mirror::evidence::list(&t.join("m"))
            .unwrap()
            .is_empty()
    );
    assert_same_tiles(&t.join("honest"), &t.join("m"));
}

/// A source that adds a bad line in the name of a witness the mirror knows
/// (the agreement's) cannot make the mirror's checkpoint invalid to the
/// clients that trust that witness: the line is dropped, and the witness's
/// genuine cosignature, when it comes, is carried.
#[test]
fn a_bad_line_by_a_known_witness_is_not_carried() {
    use tlog::cosignature::{CosignatureType, CosignerSecret, cosignatures_by};
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_log(&t.join("log"), 100, u64::MAX, 0);
    let w =
        CosignerSecret::from_seed("witness.example/w", CosignatureType::MlDsa44, [6; 32]).unwrap();
    let path = t.join("log/checkpoint");
    let honest = SignedCheckpoint::parse(&std::fs::read(&path).unwrap()).unwrap();
    let mut forged_line = w.cosign(&honest.checkpoint, 1_700_000_000).unwrap();
    let last = forged_line.signature.len() - 1;
    forged_line.signature[last] ^= 1;
    let mut cp = honest.clone();
    cp.note.add_signature(forged_line).unwrap();
    std::fs::write(&path, cp.to_bytes()).unwrap();
    let options = MirrorOptions {
        cosigners: vec![w.verifier()],
        ..MirrorOptions::default()
    };
    let mut mirror = open_with(&t.join("m"), mirror_key("m/a", 1), options);
    mirror.pull(&DirSource::new(t.join("log"))).unwrap();
    let mine = mirror.checkpoint().unwrap();
    assert_eq!(mine.checkpoint.size, 100);
    // No line in the witness's name: the note is valid for its clients.
    assert!(
        !mine.note.signatures().iter().any(|s| s.name == w.name()),
        "{}",
        String::from_utf8_lossy(&mine.to_bytes())
    );
    assert_eq!(
        cosignatures_by(&mine.note, &[w.verifier()]).unwrap(),
        vec![None]
    );
    // The genuine cosignature, added by the operator later, is carried.
    let mut cp = honest;
    cp.note
        .add_signature(w.cosign(&cp.checkpoint, 1_700_000_001).unwrap())
        .unwrap();
    std::fs::write(&path, cp.to_bytes()).unwrap();
    mirror.pull(&DirSource::new(t.join("log"))).unwrap();
    let mine = mirror.checkpoint().unwrap();
    assert_eq!(
        cosignatures_by(&mine.note, &[w.verifier()]).unwrap(),
        vec![Some(1_700_000_001)]
    );
}
