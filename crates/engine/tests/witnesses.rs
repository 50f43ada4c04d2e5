//! The audit holds the checkpoint to the witness policy (the agreement's
//! `[witnesses]`, or a C2SP tlog-policy given), and compares the log with
//! another party's checkpoint (gossip): a split view of two forked logs
//! signed by one key is caught, with both checkpoints as evidence.

use std::path::Path;
use std::sync::Arc;

use accord::agreement::Agreement;
use accord::evaluate::Versions;
use accord::statement::Digest;
use accord_engine::audit::{AuditOptions, AuditReport, Finding, audit_versions_with_policy};
use accord_engine::gossip::Gossip;
use accord_engine::witnessed::PolicyChoice;
use accord_engine::{ReplayOptions, SignatureCheck};
use accord_example::{self as example, Script};
use tlog::{DirSource, DirStorage, Log};
use tlog_core::VerifierKey;
use tlog_core::checkpoint::SignedCheckpoint;
use tlog_core::client::{ReadError, TileSource};
use tlog_core::cosignature::{CosignatureType, CosignerSecret};
use tlog_core::policy::{Policy, PolicyError};

const D: &str = "2026-03-02T10:00:00Z";
const LOG: &str = "log.mission.accord.example/log";

fn witness(name: &str, seed: u8) -> CosignerSecret {
    CosignerSecret::from_seed(name, CosignatureType::Ed25519, [seed; 32]).unwrap()
}

/// The witnesses of Ukraine, Russia and the Mission, and an ML-DSA-44 one
/// of the Mission's.
fn witnesses() -> [(&'static str, &'static str, CosignerSecret); 4] {
    [
        ("kyiv", "UA", witness("witness.mfa.gov.ua.example", 71)),
        ("moscow", "RU", witness("witness.mid.ru.example", 72)),
        (
            "mission",
            "MISSION",
            witness("witness.mission.accord.example", 73),
        ),
        (
            "mission-pq",
            "MISSION",
            CosignerSecret::from_seed(
                "pq.mission.accord.example",
                CosignatureType::MlDsa44,
                [74; 32],
            )
            .unwrap(),
        ),
    ]
}

/// The Ukraine example with a witness of each signatory and the Mission's
/// required.
fn witnessed_example() -> (Agreement, Digest) {
    let mut text = example::AGREEMENT_TOML.to_string();
    text.push_str(
        "\n[witnesses]\nquorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]\n",
    );
    for (name, by, s) in witnesses() {
        text.push_str(&format!(
            "\n[witnesses.{name}]\nrun_by = \"{by}\"\nkey = \"{}\"\n",
            s.verifier()
        ));
    }
    let c = accord::agreement::check(example::AGREEMENT_PATH, &text, &example::EmbeddedLoader);
    match (c.agreement, c.hash) {
        (Some(a), Some(h)) => (a, h),
        _ => panic!("{}", accord::diag::render_plain(&c.diags, &c.sources, 100)),
    }
}

fn history(a: &Agreement, h: Digest, start: &str) -> Vec<Vec<u8>> {
    let mut s = Script::new(a, h, start.parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.days(1);
    s.entries
}

fn logged(entries: &[Vec<u8>]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let mut log = Log::create(storage, example::key(LOG)).unwrap();
    log.append_batch(entries).unwrap();
    dir
}

/// A log of `first`, which then grew by `more` (its partial tiles of the
/// first size kept, as a live log keeps them).
fn grown(first: &[Vec<u8>], more: &[Vec<u8>]) -> tempfile::TempDir {
    let dir = logged(first);
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let mut log = Log::open(storage, example::key(LOG)).unwrap();
    log.append_batch(more).unwrap();
    dir
}

fn checkpoint(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("checkpoint")).unwrap()
}

/// The log's checkpoint with cosignatures by `who` (by name) added, as a
/// server publishes it once its witnesses answered.
fn cosign(dir: &Path, who: &[&str]) {
    let mut cp = SignedCheckpoint::parse(&checkpoint(dir)).unwrap();
    for (name, _, s) in witnesses() {
        if who.contains(&name) {
            let line = s.cosign(&cp.checkpoint, 1_772_445_600).unwrap();
            cp.note.add_signature(line).unwrap();
        }
    }
    std::fs::write(dir.join("checkpoint"), cp.to_bytes()).unwrap();
}

fn options<'o>(key: &'o VerifierKey, since: Option<&'o [u8]>) -> AuditOptions<'o> {
    AuditOptions {
        log_key: key,
        witnesses: &[],
        since,
        remembered: None,
        expect: &[],
        replay: ReplayOptions {
            check: SignatureCheck::Batch,
            progress: None,
        },
    }
}

fn run<'a, S: TileSource + Sync>(
    a: &'a Agreement,
    h: Digest,
    source: &S,
    since: Option<&[u8]>,
    policy: PolicyChoice<'_>,
) -> AuditReport<'a> {
    let key = example::key(LOG).verifier();
    audit_versions_with_policy(&Versions::one(a, h), source, &options(&key, since), policy)
}

fn shown(f: &[Finding]) -> String {
    f.iter().map(|f| format!("{f}\n")).collect()
}

#[test]
fn a_checkpoint_with_the_quorum_passes_and_says_who_cosigned_when() {
    let (a, h) = witnessed_example();
    let dir = logged(&history(&a, h, D));
    cosign(dir.path(), &["kyiv", "moscow", "mission-pq"]);
    let r = run(
        &a,
        h,
        &DirSource::new(dir.path()),
        None,
        PolicyChoice::Agreement,
    );
    assert!(r.passed(), "{}", shown(&r.findings));
    let w = r
        .witnesses
        .as_ref()
        .expect("the agreement has a witness policy");
    assert!(w.met());
    assert!(!w.given);
    let who: Vec<(&str, u64)> = w
        .cosigners
        .iter()
        .map(|c| (c.name.as_str(), c.timestamp))
        .collect();
    assert_eq!(
        who,
        [
            ("kyiv", 1_772_445_600),
            ("mission-pq", 1_772_445_600),
            ("moscow", 1_772_445_600)
        ]
    );
    assert_eq!(
        accord_engine::witnessed::cosigners_text(&w.cosigners),
        "kyiv at 2026-03-02T10:00:00Z, mission-pq at 2026-03-02T10:00:00Z, moscow at 2026-03-02T10:00:00Z"
    );
}

#[test]
fn a_checkpoint_short_of_the_quorum_is_a_typed_finding_with_its_evidence() {
    let (a, h) = witnessed_example();
    let dir = logged(&history(&a, h, D));
    cosign(dir.path(), &["kyiv", "mission"]);
    let r = run(
        &a,
        h,
        &DirSource::new(dir.path()),
        None,
        PolicyChoice::Agreement,
    );
    assert!(!r.passed());
    // The replay went on: the rest of the audit is still there.
    assert!(r.replay.is_some());
    match &r.findings[..] {
        [
            f @ Finding::Unwitnessed {
                quorum,
                cosigners,
                short,
                policy,
                checkpoint: cp,
            },
        ] => {
            assert_eq!(quorum, "quorum");
            let who: Vec<&str> = cosigners.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(who, ["kyiv", "mission"]);
            // The signatories' group is short of Russia, whose only
            // witness did not cosign.
            let short: Vec<(&str, usize, usize, Vec<&str>)> = short
                .iter()
                .map(|s| {
                    (
                        s.name.as_str(),
                        s.needed,
                        s.witnessed,
                        s.missing.iter().map(String::as_str).collect(),
                    )
                })
                .collect();
            assert_eq!(
                short,
                [
                    ("quorum", 2, 1, vec!["quorum.1"]),
                    ("quorum.1", 2, 1, vec!["RU"]),
                    ("RU", 1, 0, vec!["moscow"]),
                ]
            );
            assert_eq!(*cp, checkpoint(dir.path()));
            // The evidence: the policy and the checkpoint, which any C2SP
            // tool checks the one against the other.
            let files = f.evidence_files();
            assert_eq!(files[0].0, "witness-policy.txt");
            assert_eq!(files[1], ("unwitnessed.checkpoint".into(), cp.clone()));
            let p = Policy::parse(&files[0].1).unwrap();
            assert_eq!(&p.to_text(), policy);
            assert!(matches!(p.check(cp), Err(PolicyError::QuorumNotMet(_))));
            assert!(f.to_string().starts_with(
                "NOT WITNESSED: the checkpoint lacks its witness quorum (`quorum`): cosigned by kyiv at 2026-03-02T10:00:00Z, mission at"
            ), "{f}");
        }
        other => panic!("{}", shown(other)),
    }
    // No cosignature at all.
    let dir = logged(&history(&a, h, D));
    let r = run(
        &a,
        h,
        &DirSource::new(dir.path()),
        None,
        PolicyChoice::Agreement,
    );
    assert!(
        matches!(&r.findings[..], [Finding::Unwitnessed { cosigners, .. }] if cosigners.is_empty())
    );
}

#[test]
fn a_forged_cosignature_by_a_witness_of_the_policy_fails_the_checkpoint() {
    let (a, h) = witnessed_example();
    let dir = logged(&history(&a, h, D));
    cosign(dir.path(), &["kyiv", "moscow", "mission"]);
    // Moscow's cosignature, its time changed after signing.
    let text = String::from_utf8(checkpoint(dir.path())).unwrap();
    let cp = SignedCheckpoint::parse(text.as_bytes()).unwrap();
    let moscow = cp
        .note
        .signatures()
        .iter()
        .find(|s| s.name == "witness.mid.ru.example")
        .unwrap()
        .clone();
    let mut forged = moscow.clone();
    forged.signature[7] ^= 0x10;
    std::fs::write(
        dir.path().join("checkpoint"),
        text.replace(&moscow.line(), &forged.line()),
    )
    .unwrap();
    let r = run(
        &a,
        h,
        &DirSource::new(dir.path()),
        None,
        PolicyChoice::Agreement,
    );
    match &r.findings[..] {
        [
            Finding::WitnessPolicy {
                error: PolicyError::BadSignature { name, .. },
                ..
            },
        ] => {
            assert_eq!(name, "witness.mid.ru.example");
        }
        other => panic!("{}", shown(other)),
    }
}

#[test]
fn a_policy_given_overrides_the_agreements() {
    let (a, h) = witnessed_example();
    let dir = logged(&history(&a, h, D));
    cosign(dir.path(), &["kyiv"]);
    let source = DirSource::new(dir.path());
    // The agreement's: short.
    let r = run(&a, h, &source, None, PolicyChoice::Agreement);
    assert!(matches!(&r.findings[..], [Finding::Unwitnessed { .. }]));
    // A laxer file: Kyiv's alone, with no log line (the log's key known
    // from elsewhere).
    let kyiv = witnesses()[0].2.verifier();
    let lax = Policy::parse(format!("witness k {kyiv}\nquorum k\n").as_bytes()).unwrap();
    let r = run(&a, h, &source, None, PolicyChoice::Given(&lax));
    assert!(r.passed(), "{}", shown(&r.findings));
    assert!(r.witnesses.as_ref().unwrap().given);
    // A policy that names another log: the checkpoint is not its log's.
    let other = tlog::SignerKey::from_seed("other.example/log", tlog::KeyType::Ed25519, [9; 32])
        .unwrap()
        .verifier();
    let elsewhere =
        Policy::parse(format!("log {other}\nwitness k {kyiv}\nquorum k\n").as_bytes()).unwrap();
    let r = run(&a, h, &source, None, PolicyChoice::Given(&elsewhere));
    assert!(
        matches!(
            &r.findings[..],
            [Finding::WitnessPolicy {
                error: PolicyError::UnknownLog { .. },
                ..
            }]
        ),
        "{}",
        shown(&r.findings)
    );
    // The example without [witnesses]: nothing asked, as before.
    let (plain, ph) = example::agreement();
    let dir = logged(&history(&plain, ph, D));
    let r = run(
        &plain,
        ph,
        &DirSource::new(dir.path()),
        None,
        PolicyChoice::Agreement,
    );
    assert!(r.passed(), "{}", shown(&r.findings));
    assert!(r.witnesses.is_none());
}

// --- gossip --------------------------------------------------------------------

#[test]
fn two_forked_logs_signed_by_one_key_are_a_split_view() {
    let (a, h) = example::agreement();
    let ours = history(&a, h, D);
    let theirs = history(&a, h, "2026-03-05T10:00:00Z");
    assert_eq!(ours.len(), theirs.len());
    assert_ne!(ours, theirs);
    let (odir, tdir) = (logged(&ours), logged(&theirs));
    let their_cp = checkpoint(tdir.path());
    let r = run(
        &a,
        h,
        &DirSource::new(odir.path()),
        Some(&their_cp),
        PolicyChoice::Agreement,
    );
    match &r.findings[..] {
        [
            f @ Finding::SplitView {
                why,
                ours: o,
                theirs: t,
            },
        ] => {
            assert!(
                why.starts_with(&format!(
                    "two checkpoints of size {} signed by the log, with different roots",
                    ours.len()
                )),
                "{why}"
            );
            assert_eq!(*o, checkpoint(odir.path()));
            assert_eq!(*t, their_cp);
            let files = f.evidence_files();
            assert_eq!(files[0], ("split-view-ours.checkpoint".into(), o.clone()));
            assert_eq!(files[1], ("split-view-theirs.checkpoint".into(), t.clone()));
            // Both verify with the log's key: the proof of a split view.
            for cp in [o, t] {
                SignedCheckpoint::parse(cp)
                    .unwrap()
                    .verify(Some(&example::key(LOG).verifier()), &[])
                    .unwrap();
            }
        }
        other => panic!("{}", shown(other)),
    }

    // Their smaller checkpoint of the other history: this log does not
    // extend it.
    let m = theirs.len() - 2;
    let small = checkpoint(logged(&theirs[..m]).path());
    let r = run(
        &a,
        h,
        &DirSource::new(odir.path()),
        Some(&small),
        PolicyChoice::Agreement,
    );
    assert!(
        matches!(&r.findings[..], [Finding::SplitView { why, .. }] if why.contains(&format!("does not extend their checkpoint of size {m}"))),
        "{}",
        shown(&r.findings)
    );

    // Their larger checkpoint of the other history, from a source that has
    // the tiles to show it (a live log that grew): not a prefix.
    let mut longer = theirs.clone();
    longer.extend(history(&a, h, "2026-03-09T10:00:00Z"));
    let ldir = logged(&longer);
    let big = checkpoint(ldir.path());
    // Our log grew since its checkpoint was read; its tiles show what it
    // is at their size, which is not their history.
    let gdir = grown(&ours, &history(&a, h, "2026-03-09T10:00:00Z"));
    let served = Served {
        dir: DirSource::new(gdir.path()),
        checkpoint: checkpoint(odir.path()),
    };
    let r = run(&a, h, &served, Some(&big), PolicyChoice::Agreement);
    assert!(
        matches!(&r.findings[..], [Finding::SplitView { why, .. }] if why.contains("is not a prefix of their checkpoint")),
        "{}",
        shown(&r.findings)
    );
}

#[test]
fn gossip_with_one_history_same_older_and_newer() {
    let (a, h) = example::agreement();
    let entries = history(&a, h, D);
    let n = entries.len();
    let dir = logged(&entries);
    let source = DirSource::new(dir.path());
    let same = checkpoint(dir.path());
    let r = run(&a, h, &source, Some(&same), PolicyChoice::Agreement);
    assert!(r.passed(), "{}", shown(&r.findings));
    assert_eq!(r.since, Some(Gossip::Same { size: n as u64 }));

    let older = checkpoint(logged(&entries[..n - 1]).path());
    let r = run(&a, h, &source, Some(&older), PolicyChoice::Agreement);
    assert!(r.passed());
    assert_eq!(r.since, Some(Gossip::Extends { from: n as u64 - 1 }));

    // Theirs is newer: this log is behind. A directory of the older log
    // cannot show more; the grown log's tiles can.
    let more = history(&a, h, "2026-03-09T10:00:00Z");
    let gdir = grown(&entries, &more);
    let newer = checkpoint(gdir.path());
    let entries = [entries, more].concat();
    let r = run(&a, h, &source, Some(&newer), PolicyChoice::Agreement);
    assert!(r.passed(), "{}", shown(&r.findings));
    assert_eq!(
        r.since,
        Some(Gossip::Behind {
            theirs: entries.len() as u64,
            proved: false
        })
    );
    let served = Served {
        dir: DirSource::new(gdir.path()),
        checkpoint: same.clone(),
    };
    let r = run(&a, h, &served, Some(&newer), PolicyChoice::Agreement);
    assert!(r.passed(), "{}", shown(&r.findings));
    assert_eq!(
        r.since,
        Some(Gossip::Behind {
            theirs: entries.len() as u64,
            proved: true
        })
    );
}

#[test]
fn a_checkpoint_of_another_log_cannot_be_compared() {
    let (a, h) = example::agreement();
    let dir = logged(&history(&a, h, D));
    // Another origin, and the same origin under another key.
    let other = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(other.path()).unwrap());
    let k =
        tlog::SignerKey::from_seed("other.example/log", tlog::KeyType::Ed25519, [5; 32]).unwrap();
    Log::create(storage, k)
        .unwrap()
        .append_batch(&[b"x".to_vec()])
        .unwrap();
    let r = run(
        &a,
        h,
        &DirSource::new(dir.path()),
        Some(&checkpoint(other.path())),
        PolicyChoice::Agreement,
    );
    assert!(
        matches!(&r.findings[..], [Finding::SinceUnusable { why }] if why.contains("other.example/log")),
        "{}",
        shown(&r.findings)
    );
    let impostor = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(impostor.path()).unwrap());
    let k = tlog::SignerKey::from_seed(LOG, tlog::KeyType::Ed25519, [6; 32]).unwrap();
    Log::create(storage, k)
        .unwrap()
        .append_batch(&[b"x".to_vec()])
        .unwrap();
    let r = run(
        &a,
        h,
        &DirSource::new(dir.path()),
        Some(&checkpoint(impostor.path())),
        PolicyChoice::Agreement,
    );
    assert!(
        matches!(&r.findings[..], [Finding::SinceUnusable { why }] if why.contains("does not verify with the log's key")),
        "{}",
        shown(&r.findings)
    );
}

/// A log directory served with another checkpoint of it: a live log that
/// grew after its checkpoint was read.
struct Served {
    dir: DirSource,
    checkpoint: Vec<u8>,
}

impl TileSource for Served {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        if path == "checkpoint" {
            return Ok(Some(self.checkpoint.clone()));
        }
        self.dir.fetch(path)
    }
    fn describe(&self) -> String {
        self.dir.describe()
    }
}
