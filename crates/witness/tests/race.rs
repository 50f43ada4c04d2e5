//! The spec's race: many clients submitting checkpoints of different sizes
//! of one log at once. The size held never goes back, every 200 is for a
//! size at least that of every 200 answered before it was asked, and every
//! cosignature is valid for the checkpoint it answers.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use accord_witness::{HttpConfig, Witness};
use common::*;
use tlog::checkpoint::Checkpoint;
use tlog::cosignature::{CosignatureType, CosignerKey};
use tlog::hash::merkle_root;
use tlog::merkle::{MemoryNodes, consistency_plan, resolve};
use tlog::witness::{AddCheckpoint, parse_signature_lines, parse_size};
use tlog::{Hash, Note, leaf_hash};

const ORIGIN: &str = "example.com/raced";
const N: u64 = 1024;

/// Every checkpoint of sizes 0..=N of one honest log, signed.
struct History {
    leaves: Vec<Hash>,
    notes: Vec<Vec<u8>>,
}

impl History {
    fn new() -> History {
        let leaves: Vec<Hash> = (0..N)
            .map(|i| leaf_hash(format!("e{i}").as_bytes()))
            .collect();
        let key = log_key(ORIGIN);
        let notes = (0..=N)
            .map(|n| {
                Checkpoint {
                    origin: ORIGIN.into(),
                    size: n,
                    root: merkle_root(&leaves[..n as usize]),
                    extensions: vec![],
                }
                .sign(&key)
                .unwrap()
                .to_bytes()
            })
            .collect();
        History { leaves, notes }
    }

    fn request(&self, old: u64, new: u64) -> Vec<u8> {
        let proof = if old == 0 || old == new {
            vec![]
        } else {
            resolve(
                &consistency_plan(old, new).unwrap(),
                &mut MemoryNodes {
                    leaves: &self.leaves[..new as usize],
                },
            )
            .unwrap()
        };
        AddCheckpoint {
            old_size: old,
            proof,
            checkpoint: self.notes[new as usize].clone(),
        }
        .to_bytes()
    }
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A 200: when it was asked and answered, and for what size.
#[derive(Clone, Copy, Debug)]
struct Cosigned {
    sent: Instant,
    answered: Instant,
    size: u64,
}

/// Sends a request body; the answer's status and body.
type Submit<'a> = dyn Fn(&[u8]) -> (u16, Vec<u8>) + Sync + 'a;

/// Runs `clients` threads of `attempts` each through `send`, watching the
/// size held through `held`; checks the invariants and returns how many
/// 200s there were.
fn race(
    clients: u64,
    attempts: u64,
    history: &History,
    key: &CosignerKey,
    send: &Submit<'_>,
    held: &(dyn Fn() -> u64 + Sync),
) -> usize {
    let ok: Mutex<Vec<Cosigned>> = Mutex::new(Vec::new());
    let done = AtomicBool::new(false);
    let rollbacks = std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            let mut last = 0;
            let mut bad = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let now = held();
                if now < last {
                    bad.push((last, now));
                }
                last = now;
            }
            bad
        });
        let workers: Vec<_> = (0..clients)
            .map(|c| {
                let ok = &ok;
                s.spawn(move || {
                    let mut rng = Lcg(0x5eed + c);
                    let mut old = 0;
                    for _ in 0..attempts {
                        // A little beyond what this client last saw, so that
                        // clients collide with sizes close to each other's,
                        // and now and then one from before it.
                        let target = if rng.next(5) == 0 {
                            1 + rng.next(old.max(1))
                        } else {
                            (old + 1 + rng.next(6)).min(N)
                        };
                        for _retry in 0..4 {
                            if old > target {
                                break;
                            }
                            let sent = Instant::now();
                            let (status, body) = send(&history.request(old, target));
                            let answered = Instant::now();
                            match status {
                                200 => {
                                    let sigs = parse_signature_lines(&body).unwrap();
                                    let mut note =
                                        Note::parse(&history.notes[target as usize]).unwrap();
                                    for s in sigs {
                                        note.add_signature(s).unwrap();
                                    }
                                    assert!(key.cosigned(&note).is_some(), "size {target}");
                                    ok.lock().unwrap().push(Cosigned {
                                        sent,
                                        answered,
                                        size: target,
                                    });
                                    old = target;
                                    break;
                                }
                                409 => old = parse_size(&body).unwrap(),
                                400 => break,
                                other => panic!(
                                    "{other} for {old} -> {target}: {}",
                                    String::from_utf8_lossy(&body)
                                ),
                            }
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
        watcher.join().unwrap()
    });
    assert!(
        rollbacks.is_empty(),
        "the size held went back: {rollbacks:?}"
    );
    let mut ok = ok.into_inner().unwrap();
    assert!(ok.len() as u64 >= clients, "too few 200s to mean anything");
    ok.sort_by_key(|c| c.answered);
    for (i, a) in ok.iter().enumerate() {
        for b in &ok[i + 1..] {
            if a.answered < b.sent {
                assert!(
                    b.size >= a.size,
                    "a 200 for {} was asked after a 200 for {} was answered",
                    b.size,
                    a.size
                );
            }
        }
    }
    let max = ok.iter().map(|c| c.size).max().unwrap();
    assert_eq!(held(), max, "the largest size cosigned is the one held");
    ok.len()
}

#[test]
fn concurrent_requests_never_roll_the_size_back_in_process() {
    let tmp = tempfile::tempdir().unwrap();
    let history = History::new();
    let key = witness_key(CosignatureType::Ed25519, 1);
    let vkey = key.verifier();
    let w: Witness = open_witness(
        tmp.path(),
        vec![key],
        &[&log_key(ORIGIN).verifier().to_string()],
    );
    let send = |body: &[u8]| {
        let a = w.add_checkpoint(body);
        (a.status(), a.body())
    };
    let held = || w.held(ORIGIN).map_or(0, |h| h.0);
    let n = race(12, 60, &history, &vkey, &send, &held);
    assert!(n > 20, "{n}");
}

#[test]
fn concurrent_requests_never_roll_the_size_back_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let history = History::new();
    let key = witness_key(CosignatureType::MlDsa44, 2);
    let vkey = key.verifier();
    let w = open_witness(
        tmp.path(),
        vec![key],
        &[&log_key(ORIGIN).verifier().to_string()],
    );
    let served = Served::start(w, HttpConfig::default());
    let url = format!("{}/add-checkpoint", served.url);
    let send = |body: &[u8]| {
        let (s, _, b) = post(&url, body);
        (s, b)
    };
    let witness = Arc::clone(&served.witness);
    let held = move || witness.held(ORIGIN).map_or(0, |h| h.0);
    race(8, 30, &history, &vkey, &send, &held);
    served.stop();
}
