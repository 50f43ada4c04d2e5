//! The audit's typed findings, one by one, through the library alone: a log
//! written with the example's demonstration keys, made wrong in one way
//! (a tile or a bundle tampered on disk, a checkpoint by another key, a
//! remembered checkpoint of another history, a forged signature line, a
//! statement the operator signs and the rules refuse, an expected
//! statement missing or stripped of a signer's line, a source that answers
//! the same request differently), and the exact finding asserted: its
//! variant, what it carries, and its evidence proved against the
//! checkpoint.
//!
//! (`crates/cli/tests/adversary.rs` plays the same tricks against
//! `accord audit`; `crates/accord/tests/adversary.rs` against the
//! evaluator.)

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use accord::agreement::Agreement;
use accord::evaluate::{Duplicate, Rejected};
use accord::statement::{Digest, SignedStatement, Statement, Time};
use accord_engine::audit::{AuditOptions, AuditReport, Expected, Finding, audit};
use accord_engine::gossip::Gossip;
use accord_engine::remembered::Seen;
use accord_engine::{ReplayOptions, SignatureCheck};
use accord_example::{self as example, Script};
use serde_json::{Value, json};
use tlog::{DirSource, DirStorage, KeyType, Log, SignerKey};
use tlog_core::VerifierKey;
use tlog_core::checkpoint::{CheckpointError, SignedCheckpoint};
use tlog_core::client::{ReadError, TileSource};
use tlog_core::hash::leaf_hash;
use tlog_core::merkle::verify_inclusion;
use tlog_core::note::{Note, NoteError, NoteSignature};
use tlog_core::proof::ProvedEntry;
use tlog_core::tile::TileId;
use tlog_core::verify::VerifyError;

const D: &str = "2026-03-02T10:00:00Z";
const LOG: &str = "log.mission.accord.example/log";
const KRAMATORSK: (f64, f64) = (37.58, 48.74);

fn t(s: &str) -> Time {
    Time(s.parse().unwrap())
}

fn write_log(dir: &Path, entries: &[Vec<u8>]) {
    write_log_by(dir, entries, example::key(LOG));
}

fn write_log_by(dir: &Path, entries: &[Vec<u8>], key: SignerKey) {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, key).unwrap();
    log.append_batch(entries).unwrap();
}

fn append_log(dir: &Path, entries: &[Vec<u8>]) {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::open(storage, example::key(LOG)).unwrap();
    log.append_batch(entries).unwrap();
}

/// A log of `entries` in a new directory.
fn logged(entries: &[Vec<u8>]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_log(dir.path(), entries);
    dir
}

fn checkpoint(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("checkpoint")).unwrap()
}

fn log_key() -> VerifierKey {
    example::key(LOG).verifier()
}

/// Nothing asked of the log but its key.
fn options(key: &VerifierKey) -> AuditOptions<'_> {
    AuditOptions {
        log_key: key,
        witnesses: &[],
        since: None,
        remembered: None,
        expect: &[],
        replay: ReplayOptions {
            check: SignatureCheck::Batch,
            progress: None,
        },
    }
}

fn audit_dir<'a>(
    a: &'a Agreement,
    h: Digest,
    dir: &Path,
    opts: &AuditOptions<'_>,
) -> AuditReport<'a> {
    audit(a, h, &DirSource::new(dir), opts)
}

/// Adoption, a monitor of the Mission and one of the Ukrainian JCCC, and a
/// day of the operator's statuses: entries 0 to 3, the clock at D + 1 day.
fn start(a: &Agreement, h: Digest) -> Script<'_> {
    let mut s = Script::new(a, h, D.parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.days(1);
    s
}

/// A statement of `kind` signed by `by` (the script's signers), dated `at`,
/// not logged.
fn signed_at(s: &Script<'_>, h: Digest, at: Time, kind: &str, body: Value, by: &[&str]) -> Vec<u8> {
    let v = json!({"v": 1, "kind": kind, "agreement": h, "issued_at": at, "body": body});
    let st = Statement::from_value(v).unwrap();
    let mut signed = SignedStatement::sign(st, s.signer(by[0])).unwrap();
    for who in &by[1..] {
        signed.cosign(s.signer(who)).unwrap();
    }
    signed.to_bytes()
}

/// An observation's body: explosions at Kramatorsk half an hour ago.
fn observation(s: &Script<'_>, count: u32) -> Value {
    let observed = Time(jiff::Timestamp::from_second(s.now.as_second() - 1800).unwrap());
    json!({
        "category": "ceasefire_violation",
        "observed": {"from": observed},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 200},
        "sensor": "patrol",
        "details": {"events": [{"type": "explosion", "count": count}]},
    })
}

/// The text a signed entry's lines sign, and its lines.
fn note_of(entry: &[u8]) -> (String, Vec<NoteSignature>) {
    let note = Note::parse(entry).unwrap();
    (note.text().to_string(), note.signatures().to_vec())
}

/// A note of `text` with exactly these lines.
fn note_with(text: &str, lines: Vec<NoteSignature>) -> Vec<u8> {
    let mut note = Note::new(text).unwrap();
    for l in lines {
        note.add_signature(l).unwrap();
    }
    note.to_bytes()
}

/// A line in `victim`'s key name and key ID whose signature is another
/// key's: what anyone can write, and what no known key verifies.
fn forged_line(text: &str, victim: &SignerKey) -> NoteSignature {
    let impostor = SignerKey::from_seed(victim.name(), KeyType::Ed25519, [7; 32]).unwrap();
    assert_ne!(impostor.key_id(), victim.key_id());
    NoteSignature {
        name: victim.name().to_string(),
        key_id: victim.key_id(),
        signature: impostor.sign_raw(text.as_bytes()).to_vec(),
    }
}

/// The line of `lines` by `who`.
fn line_by(lines: &[NoteSignature], who: &SignerKey) -> NoteSignature {
    lines
        .iter()
        .find(|l| l.name == who.name() && l.key_id == who.key_id())
        .unwrap()
        .clone()
}

/// Findings as the audit words them, one a line, for a failure message.
fn shown(findings: &[Finding]) -> String {
    let lines: Vec<String> = findings.iter().map(|f| format!("- {f}")).collect();
    format!("{} findings:\n{}", findings.len(), lines.join("\n"))
}

/// Evidence of entry `index` (`entry`): the entry proved against the
/// checkpoint the log in `dir` serves, as a C2SP tlog-proof.
#[track_caller]
fn assert_proved(evidence: Option<&ProvedEntry>, index: u64, entry: &[u8], dir: &Path) {
    let p = evidence.expect("the finding carries its evidence");
    assert_eq!(p.index, index);
    assert_eq!(p.entry, entry, "the entry proved is the one logged");
    assert_eq!(
        p.checkpoint,
        checkpoint(dir),
        "proved against the checkpoint served"
    );
    let text = p.text();
    assert!(
        text.starts_with(&format!("c2sp.org/tlog-proof@v1\nindex {index}\n")),
        "{text}"
    );
    let cp = SignedCheckpoint::parse(&p.checkpoint).unwrap();
    verify_inclusion(
        index,
        cp.checkpoint.size,
        &leaf_hash(entry),
        &p.hashes,
        &cp.checkpoint.root,
    )
    .expect("the inclusion proof verifies");
}

/// `bundle` (an entry bundle: each entry a 2-byte big-endian length, then
/// its bytes) with one byte of its entry `k` changed, the length kept.
fn with_entry_changed(bundle: &[u8], k: usize) -> Vec<u8> {
    let mut out = bundle.to_vec();
    let mut at = 0;
    for i in 0.. {
        let len = usize::from(u16::from_be_bytes([out[at], out[at + 1]]));
        if i == k {
            out[at + 2 + len / 2] ^= 0x01;
            return out;
        }
        at += 2 + len;
        assert!(at < out.len(), "no entry {k} in the bundle");
    }
    unreachable!()
}

/// A source that serves a directory, except that `alter(path, n, bytes)`
/// may change what the `n`-th read (from 1) of `path` returns: a log that
/// does not always tell the same story.
struct Fickle<F> {
    dir: DirSource,
    reads: Mutex<HashMap<String, usize>>,
    alter: F,
}

impl<F: Fn(&str, usize, Vec<u8>) -> Vec<u8>> Fickle<F> {
    fn new(dir: &Path, alter: F) -> Fickle<F> {
        Fickle {
            dir: DirSource::new(dir),
            reads: Mutex::new(HashMap::new()),
            alter,
        }
    }

    fn reads(&self, path: &str) -> usize {
        self.reads.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

impl<F: Fn(&str, usize, Vec<u8>) -> Vec<u8>> TileSource for Fickle<F> {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let n = {
            let mut reads = self.reads.lock().unwrap();
            let n = reads.entry(path.to_string()).or_default();
            *n += 1;
            *n
        };
        Ok(self.dir.fetch(path)?.map(|b| (self.alter)(path, n, b)))
    }

    fn describe(&self) -> String {
        self.dir.describe()
    }
}

// --- a log that holds ------------------------------------------------------------

#[test]
fn a_clean_log_passes_with_no_findings() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    let m = s.entries.len();
    s.wait_hours(1.0);
    let cert = signed_at(
        &s,
        h,
        Time(s.now),
        "certification",
        json!({"of": "transition", "target": "begin_verification", "statement": "together"}),
        &["UA", "RU", "MISSION"],
    );
    let at = s.append(cert.clone()).ok();
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 2}]}),
        json!({}),
    )
    .ok();
    s.days(2);
    // Seen when it had `m` entries; it grew since.
    let dir = tempfile::tempdir().unwrap();
    write_log(dir.path(), &s.entries[..m]);
    let older = checkpoint(dir.path());
    append_log(dir.path(), &s.entries[m..]);

    let key = log_key();
    let expect = [Expected::new("ours.note", &cert).unwrap()];
    let opts = AuditOptions {
        since: Some(&older),
        remembered: Some(&older),
        expect: &expect,
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    assert!(report.findings.is_empty(), "{}", shown(&report.findings));
    assert!(report.passed());
    assert_eq!(report.seen, Some(Seen::Extends { from: m as u64 }));
    let log = report.log.as_ref().unwrap();
    assert_eq!(log.size(), s.entries.len() as u64);
    // The other party's checkpoint of size `m`: this log extends it.
    assert_eq!(report.since, Some(Gossip::Extends { from: m as u64 }));
    assert_eq!(report.expected.len(), 1);
    assert_eq!(report.expected[0].name, "ours.note");
    assert_eq!(report.expected[0].entries, vec![at]);
    assert!(report.expected[0].refused.is_empty());
    let r = report.replay.as_ref().unwrap();
    assert!(!r.replayed_twice);
    assert_eq!(
        r.evaluator.status().canonical(),
        s.eval.status().canonical()
    );

    // The checkpoint remembered is the one served: the same log.
    let now = checkpoint(dir.path());
    let opts = AuditOptions {
        remembered: Some(&now),
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    assert!(report.passed(), "{}", shown(&report.findings));
    assert_eq!(report.seen, Some(Seen::Same));
}

// --- the log does not verify -------------------------------------------------------

#[test]
fn a_checkpoint_signed_by_another_key_is_a_log_finding() {
    let (a, h) = example::agreement();
    let s = start(&a, h);
    // The log's name, another key.
    let other = SignerKey::from_seed(LOG, KeyType::Ed25519, [42; 32]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_log_by(dir.path(), &s.entries, other);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [
            Finding::Log(VerifyError::Checkpoint(CheckpointError::Note(
                NoteError::NoKnownSignature { signers },
            ))),
        ] => assert!(signers.starts_with(&format!("{LOG}+")), "{signers}"),
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
    assert!(report.log.is_none());
    assert!(report.replay.is_none());
}

#[test]
fn a_missing_witness_cosignature_is_a_log_finding() {
    let (a, h) = example::agreement();
    let s = start(&a, h);
    let dir = logged(&s.entries);
    let key = log_key();
    let witness = example::key("witness.example/w1").verifier();
    let witnesses = [witness.clone()];
    let opts = AuditOptions {
        witnesses: &witnesses,
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    match &report.findings[..] {
        [Finding::Log(VerifyError::Checkpoint(CheckpointError::MissingSignature(who)))] => {
            assert_eq!(*who, witness.to_string())
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
    assert!(report.log.is_none());
}

#[test]
fn a_tampered_hash_tile_is_a_log_finding() {
    let (a, h) = example::agreement();
    let s = start(&a, h);
    let dir = logged(&s.entries);
    let n = s.entries.len();
    // The only hash tile of a small log: its level-0 tile, one hash changed.
    let path = TileId::hashes(0, 0, n as u16).path();
    let mut tile = std::fs::read(dir.path().join(&path)).unwrap();
    tile[32 * (n - 1)] ^= 0x01;
    std::fs::write(dir.path().join(&path), tile).unwrap();
    let cp = SignedCheckpoint::parse(&checkpoint(dir.path())).unwrap();
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [Finding::Log(VerifyError::RootMismatch { computed, expected })] => {
            assert_eq!(*expected, cp.checkpoint.root);
            assert_ne!(computed, expected);
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
    assert!(report.log.is_none());
}

#[test]
fn a_tampered_upper_hash_tile_is_a_log_finding() {
    let (a, h) = example::agreement();
    // 300 entries: a full level-0 tile, whose root is in a level-1 tile.
    let entries: Vec<Vec<u8>> = (0..300)
        .map(|i| format!("entry {i}").into_bytes())
        .collect();
    let dir = logged(&entries);
    let path = TileId::hashes(1, 0, 1).path();
    let mut tile = std::fs::read(dir.path().join(&path)).unwrap();
    tile[0] ^= 0x01;
    std::fs::write(dir.path().join(&path), tile).unwrap();
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [Finding::Log(VerifyError::TileMismatch { path: p })] => assert_eq!(*p, path),
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

#[test]
fn a_tampered_entry_bundle_is_a_log_finding() {
    let (a, h) = example::agreement();
    let s = start(&a, h);
    let dir = logged(&s.entries);
    let n = s.entries.len();
    let path = TileId::entries(0, n as u16).path();
    let bundle = std::fs::read(dir.path().join(&path)).unwrap();
    std::fs::write(dir.path().join(&path), with_entry_changed(&bundle, 2)).unwrap();
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [Finding::Log(VerifyError::EntryMismatch { index, path: p })] => {
            assert_eq!(*index, 2);
            assert_eq!(*p, path);
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
    // The tree verified; the replay did not get past the bundle.
    assert!(report.log.is_some());
    assert!(report.replay.is_none());
}

#[test]
fn an_earlier_checkpoint_the_log_does_not_extend_is_a_split_view() {
    let (a, h) = example::agreement();
    let s = start(&a, h);
    let dir = logged(&s.entries);
    // Another history, shorter, under the same key.
    let mut other = Script::new(&a, h, "2026-03-05T10:00:00Z".parse().unwrap());
    other.adopt().ok();
    other.accredit("MISSION", 1).ok();
    let odir = logged(&other.entries);
    let since = checkpoint(odir.path());
    let key = log_key();
    let opts = AuditOptions {
        since: Some(&since),
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    match &report.findings[..] {
        [Finding::SplitView { why, ours, theirs }] => {
            assert!(
                why.starts_with(&format!(
                    "this log of size {} does not extend their checkpoint of size 2",
                    s.entries.len()
                )),
                "{why}"
            );
            assert_eq!(*ours, checkpoint(dir.path()));
            assert_eq!(*theirs, since);
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

// --- forks ------------------------------------------------------------------------------

/// The same steps as [`start`], from another time: another history of as
/// many entries.
fn other_history(a: &Agreement, h: Digest) -> Vec<Vec<u8>> {
    let mut s = Script::new(a, h, "2026-03-05T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.days(1);
    s.entries
}

#[test]
fn a_remembered_checkpoint_of_the_same_size_and_another_history_is_a_fork() {
    let (a, h) = example::agreement();
    let s = start(&a, h);
    let dir = logged(&s.entries);
    let other = other_history(&a, h);
    assert_eq!(other.len(), s.entries.len());
    assert_ne!(other, s.entries);
    let remembered = checkpoint(logged(&other).path());
    let key = log_key();
    let opts = AuditOptions {
        remembered: Some(&remembered),
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    let n = s.entries.len();
    match &report.findings[..] {
        [
            f @ Finding::Fork {
                why,
                remembered: r,
                served,
            },
        ] => {
            assert!(
                why.starts_with(&format!("two checkpoints of size {n} with different roots")),
                "{why}"
            );
            assert_eq!(*r, remembered);
            assert_eq!(*served, checkpoint(dir.path()));
            // Both signed checkpoints are kept as evidence.
            let files = f.evidence_files();
            assert_eq!(
                files,
                vec![
                    ("remembered.checkpoint".to_string(), remembered.clone()),
                    ("served.checkpoint".to_string(), checkpoint(dir.path())),
                ]
            );
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
    assert!(report.seen.is_none());
    assert!(report.log.is_some());
    assert!(report.replay.is_none(), "a fork is not replayed");
}

#[test]
fn a_remembered_checkpoint_of_a_smaller_size_and_another_history_is_a_fork() {
    let (a, h) = example::agreement();
    let s = start(&a, h);
    let dir = logged(&s.entries);
    let other = other_history(&a, h);
    let m = other.len() - 1;
    let remembered = checkpoint(logged(&other[..m]).path());
    let key = log_key();
    let opts = AuditOptions {
        remembered: Some(&remembered),
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    let n = s.entries.len();
    match &report.findings[..] {
        [
            Finding::Fork {
                why,
                remembered: r,
                served,
            },
        ] => {
            assert!(
                why.starts_with(&format!(
                    "the log of size {n} does not extend the remembered one of size {m}"
                )),
                "{why}"
            );
            assert_eq!(*r, remembered);
            assert_eq!(*served, checkpoint(dir.path()));
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
    assert!(report.replay.is_none());
}

// --- entries that should never have been logged -------------------------------------

#[test]
fn an_entry_with_a_forged_signature_line_is_unloggable() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // An observation in the name of the Mission's monitor, signed by
    // someone else.
    let monitor = s.signer("MISSION/1").clone();
    let real = signed_at(
        &s,
        h,
        Time(s.now),
        "observation",
        observation(&s, 3),
        &["MISSION/1"],
    );
    let (text, _) = note_of(&real);
    let forged = note_with(&text, vec![forged_line(&text, &monitor)]);
    let at = s.append(forged.clone()).index;
    // Refused, it did not move the log's clock: the day's status is a
    // day after the clock.
    s.wait_hours(-1.0);
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [
            f @ Finding::Unloggable {
                index,
                why,
                evidence,
            },
        ] => {
            assert_eq!(*index, at);
            assert_eq!(
                *why,
                Rejected::BadSignature {
                    by: monitor.name().to_string()
                }
            );
            assert_proved(evidence.as_ref(), at, &forged, dir.path());
            let files = f.evidence_files();
            let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(
                names,
                [format!("entry-{at}.note"), format!("entry-{at}.proof")]
            );
            assert_eq!(files[0].1, forged);
            assert_eq!(files[1].1, evidence.as_ref().unwrap().text().into_bytes());
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

#[test]
fn an_entry_signed_by_no_known_key_is_unloggable() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let stranger = example::key("stranger.example/monitor-01");
    let body = observation(&s, 4);
    let w = s.write_signed_by("observation", body, &[&stranger]);
    assert!(w.rejected.is_some());
    let entry = s.entries[w.index as usize].clone();
    // Refused, it did not move the log's clock: the day's status is a
    // day after the clock.
    s.wait_hours(-1.0);
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [
            Finding::Unloggable {
                index,
                why,
                evidence,
            },
        ] => {
            assert_eq!(*index, w.index);
            assert_eq!(*why, Rejected::UnknownSigner);
            assert_proved(evidence.as_ref(), w.index, &entry, dir.path());
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

/// A well-formed observation signed by a key the agreement does not know.
fn by_a_stranger(a: &Agreement, h: Digest) -> Vec<u8> {
    let mut s = start(a, h);
    s.wait_hours(1.0);
    let stranger = example::key("stranger.example/monitor-01");
    let body = observation(&s, 4);
    let w = s.write_signed_by("observation", body, &[&stranger]);
    assert!(
        w.rejected
            .as_deref()
            .is_some_and(|r| r.starts_with("unknown signer")),
        "{:?}",
        w.rejected
    );
    s.entries[w.index as usize].clone()
}

#[test]
fn junk_that_anyone_can_log_does_not_hide_an_unloggable_entry() {
    // Ten thousand entries nobody signed (refused as malformed, which is
    // no one's fault), then one signed by a stranger: the audit still
    // names the stranger's, though it kept only the first 10,000 refusals
    // of every kind.
    let (a, h) = example::agreement();
    let signed = by_a_stranger(&a, h);
    let mut entries = vec![b"junk".to_vec(); 10_000];
    entries.push(signed.clone());
    let dir = logged(&entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [
            Finding::Unloggable {
                index,
                why,
                evidence,
            },
        ] => {
            assert_eq!(*index, 10_000);
            assert_eq!(*why, Rejected::UnknownSigner);
            assert_proved(evidence.as_ref(), 10_000, &signed, dir.path());
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

#[test]
fn more_than_ten_thousand_unloggable_entries_are_counted_beyond_the_list() {
    let (a, h) = example::agreement();
    let entries = vec![by_a_stranger(&a, h); 10_001];
    let dir = logged(&entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    assert_eq!(
        report.findings.len(),
        10_001,
        "{}",
        shown(&report.findings[10_000..])
    );
    assert!(report.findings[..10_000].iter().all(|f| matches!(
        f,
        Finding::Unloggable {
            why: Rejected::UnknownSigner,
            ..
        }
    )));
    match &report.findings[10_000] {
        Finding::MoreUnloggable { count } => assert_eq!(*count, 1),
        other => panic!("{other}"),
    }
    assert!(!report.passed());
}

// --- what the operator signs and the rules refuse -------------------------------------

#[test]
fn a_status_statement_dated_ahead_is_refused_and_the_operator_answers_for_it() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    assert_eq!(s.eval.state.clock, Some(t("2026-03-03T10:00:00Z").0));
    // Three weeks ahead of the log's clock, past every dispute deadline.
    let size = s.entries.len() as u64;
    let mut st = s.eval.status();
    st.log_size = size;
    let body = s.status_body(size, &st);
    let ahead = signed_at(
        &s,
        h,
        t("2026-03-24T10:00:00Z"),
        "status",
        body,
        &["operator"],
    );
    let at = s.append(ahead.clone()).index;
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [
            Finding::RefusedOperatorStatement {
                index,
                why,
                evidence,
            },
        ] => {
            assert_eq!(*index, at);
            assert_eq!(
                *why,
                Rejected::DatedAhead {
                    issued: t("2026-03-24T10:00:00Z"),
                    clock: t("2026-03-03T10:00:00Z"),
                    latest: t("2026-03-04T10:00:00Z"),
                    status: true,
                }
            );
            assert_proved(evidence.as_ref(), at, &ahead, dir.path());
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

#[test]
fn an_operator_statement_logged_twice_is_refused_and_the_operator_answers_for_it() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    let first = s.entries.len() - 1;
    let again = s.entries[first].clone();
    let at = s.append(again.clone()).index;
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    match &report.findings[..] {
        [
            Finding::RefusedOperatorStatement {
                index,
                why,
                evidence,
            },
        ] => {
            assert_eq!(*index, at);
            assert_eq!(
                *why,
                Rejected::Duplicate {
                    of: Duplicate::Statement {
                        entry: first as u64
                    }
                }
            );
            assert_proved(evidence.as_ref(), at, &again, dir.path());
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

#[test]
fn a_forged_line_beside_the_operators_own_is_the_operators_refusal() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // The monitor's line forged, the operator's own line valid: the
    // operator signed an entry with a signature that does not verify.
    let monitor = s.signer("MISSION/1").clone();
    let operator = s.signer("operator").clone();
    let real = signed_at(
        &s,
        h,
        Time(s.now),
        "observation",
        observation(&s, 5),
        &["MISSION/1", "operator"],
    );
    let (text, lines) = note_of(&real);
    let entry = note_with(
        &text,
        vec![forged_line(&text, &monitor), line_by(&lines, &operator)],
    );
    let at = s.append(entry.clone()).index;
    // Refused, it did not move the log's clock: the day's status is a
    // day after the clock.
    s.wait_hours(-1.0);
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    // Listed once, as the operator's: not also as unloggable.
    match &report.findings[..] {
        [
            Finding::RefusedOperatorStatement {
                index,
                why,
                evidence,
            },
        ] => {
            assert_eq!(*index, at);
            assert_eq!(
                *why,
                Rejected::BadSignature {
                    by: monitor.name().to_string()
                }
            );
            assert_proved(evidence.as_ref(), at, &entry, dir.path());
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

#[test]
fn more_than_ten_thousand_operator_refusals_are_counted_beyond_the_list() {
    let (a, h) = example::agreement();
    let s = Script::new(&a, h, D.parse().unwrap());
    // A note the operator signs that is no statement at all, 10,001 times.
    let mut note = Note::new("not a statement\n").unwrap();
    note.sign(s.signer("operator")).unwrap();
    let junk = note.to_bytes();
    let entries = vec![junk.clone(); 10_001];
    let dir = logged(&entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    assert_eq!(report.findings.len(), 10_001);
    for (i, f) in report.findings[..10_000].iter().enumerate() {
        match f {
            Finding::RefusedOperatorStatement { index, why, .. } => {
                assert_eq!(*index, i as u64);
                assert!(matches!(why, Rejected::Malformed { .. }), "{why:?}");
            }
            other => panic!("finding {i}: {other}"),
        }
    }
    match &report.findings[0] {
        Finding::RefusedOperatorStatement { evidence, .. } => {
            assert_proved(evidence.as_ref(), 0, &junk, dir.path());
        }
        other => panic!("{other}"),
    }
    match &report.findings[10_000] {
        Finding::MoreRefusedOperatorStatements { count } => assert_eq!(*count, 1),
        other => panic!("{other}"),
    }
    assert!(!report.passed());
}

// --- status statements ----------------------------------------------------------------

#[test]
fn a_status_statement_about_an_earlier_size_is_checked_not_left_unchecked() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    // The status after the first entries, as the operator saw it then.
    let j = s.entries.len() as u64;
    let mut then = s.eval.status();
    then.log_size = j;
    let honest = s.status_body(j, &then);
    let mut lie = honest.clone();
    lie["phase"] = json!("settlement");
    s.wait_hours(1.0);
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 2}]}),
        json!({}),
    )
    .ok();
    s.days(1);
    // Logged later, about that earlier size: one true, one whose phase lies.
    s.wait_hours(1.0);
    let good = s.write("status", honest, &["operator"]).ok();
    let bad = s.write("status", lie, &["operator"]).ok();
    let lie_entry = s.entries[bad as usize].clone();
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let report = audit_dir(&a, h, dir.path(), &options(&key));
    let r = report.replay.as_ref().unwrap();
    assert!(r.replayed_twice, "replayed again to keep the earlier size");
    let claims = &r.evaluator.state.claims;
    let good_claim = claims.iter().find(|c| c.index == good).unwrap();
    assert_eq!(good_claim.log_size, j);
    assert!(good_claim.holds(), "{good_claim:?}");
    match &report.findings[..] {
        [
            f @ Finding::StatusFalse {
                claim,
                replayed,
                evidence,
            },
        ] => {
            assert_eq!(claim.index, bad);
            assert_eq!(claim.log_size, j);
            assert_eq!(claim.computed, Some(claim.claimed), "the digest is right");
            assert_eq!(claim.fields.len(), 1);
            assert_eq!(claim.fields[0].field, "phase");
            assert_eq!(claim.fields[0].claimed, "settlement");
            let replayed = replayed
                .as_deref()
                .expect("the status replayed at that size");
            assert_eq!(replayed.log_size, j);
            assert_eq!(replayed.canonical(), then.canonical());
            assert_proved(evidence.as_ref(), bad, &lie_entry, dir.path());
            let names: Vec<String> = f.evidence_files().into_iter().map(|(n, _)| n).collect();
            assert_eq!(
                names,
                [
                    format!("status-{bad}.note"),
                    format!("status-{bad}.proof"),
                    format!("status-{bad}.claimed.json"),
                    format!("status-{bad}.replayed.json"),
                ]
            );
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}

#[test]
fn a_source_that_changes_its_bytes_for_the_second_replay_fails_the_log() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    let j = s.entries.len() as u64;
    let mut then = s.eval.status();
    then.log_size = j;
    let body = s.status_body(j, &then);
    s.days(1);
    s.wait_hours(1.0);
    // About an earlier size: the log is replayed twice.
    s.write("status", body, &["operator"]).ok();
    let dir = logged(&s.entries);
    let bundle = TileId::entries(0, s.entries.len() as u16).path();
    let source = Fickle::new(dir.path(), |path: &str, n, bytes: Vec<u8>| {
        if path.starts_with("tile/entries/") && n > 1 {
            with_entry_changed(&bytes, 1)
        } else {
            bytes
        }
    });
    let key = log_key();
    let report = audit(&a, h, &source, &options(&key));
    match &report.findings[..] {
        [Finding::Log(VerifyError::EntryMismatch { index, path })] => {
            assert_eq!(*index, 1);
            assert_eq!(*path, bundle);
        }
        other => panic!("{}", shown(other)),
    }
    assert_eq!(source.reads(&bundle), 2);
    assert!(report.replay.is_none());
    assert!(!report.passed());
}

// --- statements that must be in the log ------------------------------------------------

#[test]
fn an_expected_statement_not_in_the_log_is_missing() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // The monitor's report, signed, never logged.
    let ours = signed_at(
        &s,
        h,
        Time(s.now),
        "observation",
        observation(&s, 6),
        &["MISSION/1"],
    );
    // Not logged, it did not move the log's clock.
    s.wait_hours(-1.0);
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let expect = [Expected::new("report.note", &ours).unwrap()];
    let opts = AuditOptions {
        expect: &expect,
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    match &report.findings[..] {
        [Finding::ExpectedMissing { name, digest, size }] => {
            assert_eq!(name, "report.note");
            assert_eq!(*digest, SignedStatement::parse(&ours).unwrap().digest());
            assert_eq!(*size, s.entries.len() as u64);
        }
        other => panic!("{}", shown(other)),
    }
    assert!(report.expected.is_empty());
    assert!(!report.passed());
}

#[test]
fn an_expected_statement_logged_without_a_cosigners_line_is_stripped() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // Signed by Ukraine, Russia and the Mission together...
    let full = signed_at(
        &s,
        h,
        Time(s.now),
        "certification",
        json!({"of": "transition", "target": "begin_verification", "statement": "together"}),
        &["UA", "RU", "MISSION"],
    );
    // ...and logged with Russia's line stripped.
    let ru = s.signer("RU").clone();
    let (text, lines) = note_of(&full);
    let kept: Vec<NoteSignature> = lines
        .into_iter()
        .filter(|l| !(l.name == ru.name() && l.key_id == ru.key_id()))
        .collect();
    assert_eq!(kept.len(), 2);
    let at = s.append(note_with(&text, kept)).ok();
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let expect = [Expected::new("ours.note", &full).unwrap()];
    let opts = AuditOptions {
        expect: &expect,
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    match &report.findings[..] {
        [
            Finding::ExpectedStripped {
                name,
                entries,
                missing,
            },
        ] => {
            assert_eq!(name, "ours.note");
            assert_eq!(*entries, vec![at]);
            assert_eq!(*missing, vec![(ru.name().to_string(), ru.key_id())]);
        }
        other => panic!("{}", shown(other)),
    }
    assert!(report.expected.is_empty());
    assert!(!report.passed());
}

#[test]
fn an_expected_statement_split_across_entries_is_stripped_unless_a_certification() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let m1 = s.signer("MISSION/1").clone();
    let j1 = s.signer("JCCC_UA/1").clone();
    // An observation both monitors signed, logged as two entries with one
    // line each: no entry is the statement they gave.
    let obs = signed_at(
        &s,
        h,
        Time(s.now),
        "observation",
        observation(&s, 8),
        &["MISSION/1", "JCCC_UA/1"],
    );
    let (text, lines) = note_of(&obs);
    let o1 = s.append(note_with(&text, vec![line_by(&lines, &m1)])).ok();
    let o2 = s.append(note_with(&text, vec![line_by(&lines, &j1)])).index;
    // A certification's signers count in whichever entries they come.
    let ua = s.signer("UA").clone();
    let ru = s.signer("RU").clone();
    let cert = signed_at(
        &s,
        h,
        Time(s.now),
        "certification",
        json!({"of": "transition", "target": "begin_verification", "statement": "in two"}),
        &["UA", "RU"],
    );
    let (text, lines) = note_of(&cert);
    let c1 = s.append(note_with(&text, vec![line_by(&lines, &ua)])).ok();
    let c2 = s.append(note_with(&text, vec![line_by(&lines, &ru)])).ok();
    s.days(1);
    let dir = logged(&s.entries);
    let key = log_key();
    let expect = [
        Expected::new("observation.note", &obs).unwrap(),
        Expected::new("certification.note", &cert).unwrap(),
    ];
    let opts = AuditOptions {
        expect: &expect,
        ..options(&key)
    };
    let report = audit_dir(&a, h, dir.path(), &opts);
    match &report.findings[..] {
        [
            Finding::ExpectedStripped {
                name,
                entries,
                missing,
            },
        ] => {
            assert_eq!(name, "observation.note");
            assert_eq!(*entries, vec![o1, o2]);
            // The entry missing the fewest lines: the first, without the
            // JCCC monitor's.
            assert_eq!(*missing, vec![(j1.name().to_string(), j1.key_id())]);
        }
        other => panic!("{}", shown(other)),
    }
    assert_eq!(report.expected.len(), 1);
    assert_eq!(report.expected[0].name, "certification.note");
    assert_eq!(report.expected[0].entries, vec![c1, c2]);
    assert!(report.expected[0].refused.is_empty());
    assert!(!report.passed());
}

// --- a source that answers the same request differently ---------------------------------

#[test]
fn a_source_that_serves_other_bytes_for_the_evidence_is_caught() {
    let (a, h) = example::agreement();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let stranger = example::key("stranger.example/monitor-01");
    let body = observation(&s, 4);
    let at = s.write_signed_by("observation", body, &[&stranger]).index;
    // Refused, it did not move the log's clock: the day's status is a
    // day after the clock.
    s.wait_hours(-1.0);
    s.days(1);
    let dir = logged(&s.entries);
    let bundle = TileId::entries(0, s.entries.len() as u16).path();
    // Honest for the replay; asked again for the entry, it serves another.
    let k = at as usize;
    let source = Fickle::new(dir.path(), move |path: &str, n, bytes: Vec<u8>| {
        if path.starts_with("tile/entries/") && n > 1 {
            with_entry_changed(&bytes, k)
        } else {
            bytes
        }
    });
    let key = log_key();
    let report = audit(&a, h, &source, &options(&key));
    assert_eq!(
        source.reads(&bundle),
        2,
        "read for the replay, then for the evidence"
    );
    match &report.findings[..] {
        [
            Finding::Unloggable {
                index,
                why,
                evidence,
            },
            Finding::ServedOtherBytes { failures },
        ] => {
            // The replay read the true bytes: the finding stands, without
            // the evidence the source would not give.
            assert_eq!(*index, at);
            assert_eq!(*why, Rejected::UnknownSigner);
            assert!(evidence.is_none());
            assert_eq!(failures.len(), 1);
            assert_eq!(failures[0].0, at);
            assert_eq!(
                failures[0].1,
                format!("entry {at} (in {bundle}) does not hash to its level-0 tile hash")
            );
        }
        other => panic!("{}", shown(other)),
    }
    assert!(!report.passed());
}
