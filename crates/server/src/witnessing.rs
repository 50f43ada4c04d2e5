//! Gathering witnesses' cosignatures on every new checkpoint (C2SP
//! tlog-witness, the log's side).
//!
//! A thread of its own, the publisher, follows the durable checkpoint.
//! For each new one it asks every configured witness at once (one thread
//! per witness, scoped to the round), each request carrying a consistency
//! proof from the size that witness was last known to hold; a 409 names
//! the size the witness does hold, and the request is sent again from
//! there. Transport failures and 5xx answers are retried with backoff until
//! the round's deadline. Every cosignature line is verified against the
//! witness's key before it is kept; lines by anyone else are dropped.
//!
//! As soon as the cosignatures gathered meet the quorum, the checkpoint
//! with them is published (at `/checkpoint`, and added to the `checkpoint`
//! file by the sequencer's own thread, so that it never races a commit),
//! and again if more arrive before the round ends. A submission waiting
//! for its quorum (`ack = "quorum"`) is answered from that publication.
//!
//! What a witness refuses is logged at the level it deserves: 409 is
//! routine; 422 means the witness holds a view this checkpoint does not
//! extend — a fork, or this log rolled back — and is an error, as is a
//! witness that reports a size larger than the log's.
//!
//! When the log moves on during a round, the round still finishes for the
//! checkpoint it began with (its cosignatures prove that size), and the
//! next round starts from the latest checkpoint: under load, rounds are
//! back to back and each covers every entry committed before it began.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tlog::client::TileReader;
use tlog::cosignature::CosignerKey;
use tlog::sequencer::Sequencer;
use tlog::witness::{AddCheckpoint, parse_signature_lines, parse_size};
use tlog::{Hash, SignedCheckpoint};
use tlog_core::note::NoteSignature;
use tlog_s3::AnySource;

use crate::live::{Durable, Live};
use crate::metrics::{Metrics, WitnessLabels};

/// One witness the log asks.
#[derive(Clone, Debug)]
pub struct WitnessTarget {
    /// Its name in the policy (for logs and metrics).
    pub name: String,
    pub key: CosignerKey,
    /// Its submission prefix; `add-checkpoint` is appended.
    pub url: String,
}

/// When a submission is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AckAfter {
    /// Once its entries are durable; the cosigned checkpoint follows.
    Durable,
    /// Once a checkpoint covering it meets the witness quorum.
    Quorum,
}

/// Whether the witnesses that cosigned (by index into the targets) meet
/// the quorum.
pub type QuorumRule = Arc<dyn Fn(&[bool]) -> bool + Send + Sync>;

/// How the server gathers cosignatures.
#[derive(Clone)]
pub struct Witnessing {
    pub witnesses: Vec<WitnessTarget>,
    pub quorum: QuorumRule,
    pub ack: AckAfter,
    /// How long one round may take before it ends with what it has.
    pub round_timeout: Duration,
    /// How long one request to one witness may take.
    pub request_timeout: Duration,
    /// How soon a round that missed its quorum is tried again when the log
    /// does not move.
    pub retry_every: Duration,
    /// How long a submission waits for its quorum (`ack = quorum`) before
    /// it is answered that its entries are logged but not yet witnessed.
    pub ack_timeout: Duration,
}

impl std::fmt::Debug for Witnessing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witnessing")
            .field("witnesses", &self.witnesses)
            .field("ack", &self.ack)
            .field("round_timeout", &self.round_timeout)
            .finish_non_exhaustive()
    }
}

/// What one witness answered in a round.
enum Answer {
    Cosigned(Vec<NoteSignature>),
    Failed,
}

/// The publisher's thread; dropping [`Publisher::stop`]'s result ends it.
pub struct Publisher {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<()>,
}

impl Publisher {
    /// Starts the publisher over the log read from `log`.
    pub fn start(
        w: Witnessing,
        seq: Sequencer,
        live: Arc<Live>,
        log: AnySource,
        metrics: Arc<Metrics>,
    ) -> Publisher {
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        let handle = std::thread::Builder::new()
            .name("witness-publisher".into())
            .spawn(move || run(w, seq, live, log, metrics, s2))
            .expect("spawn the witness publisher");
        Publisher { stop, handle }
    }

    /// Ends the publisher after its current round.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Release);
        let _ = self.handle.join();
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_idle_connections_per_host(4)
        .build()
        .into()
}

fn run(
    w: Witnessing,
    seq: Sequencer,
    live: Arc<Live>,
    log: AnySource,
    metrics: Arc<Metrics>,
    stop: Arc<AtomicBool>,
) {
    let agent = agent(w.request_timeout);
    // The size each witness holds, as last learnt (None: not yet known;
    // the first request then says `old 0`, and a 409 tells).
    let mut held: Vec<Option<u64>> = vec![None; w.witnesses.len()];
    let mut reader = TileReader::new(log).with_cache_limit(64);
    let mut last_round: Option<(u64, bool, Instant)> = None;
    while !stop.load(Ordering::Acquire) {
        let cp = seq.checkpoint();
        let size = cp.checkpoint.size;
        let due = match last_round {
            None => true,
            Some((s, _, _)) if s < size => true,
            Some((_, false, at)) => at.elapsed() >= w.retry_every,
            Some(_) => false,
        };
        if !due {
            live.wait_durable_timeout(size + 1, Duration::from_millis(50));
            continue;
        }
        let began = Instant::now();
        let met = round(
            &w,
            &agent,
            &cp,
            &mut held,
            &mut reader,
            &seq,
            &live,
            &metrics,
            began,
        );
        metrics
            .witness_round_seconds
            .observe(began.elapsed().as_secs_f64());
        last_round = Some((size, met, Instant::now()));
    }
}

/// One round for `cp`: ask every witness, publish at quorum and at the end.
/// Whether the quorum was met.
#[allow(clippy::too_many_arguments)]
fn round(
    w: &Witnessing,
    agent: &ureq::Agent,
    cp: &SignedCheckpoint,
    held: &mut [Option<u64>],
    reader: &mut TileReader<AnySource>,
    seq: &Sequencer,
    live: &Live,
    metrics: &Metrics,
    began: Instant,
) -> bool {
    let size = cp.checkpoint.size;
    let deadline = Instant::now() + w.round_timeout;
    // What the note already carries (an earlier round of the same size, or
    // the file after a restart) counts.
    let mut cosigned = w.cosigned_on(&cp.note);
    let mut lines: Vec<NoteSignature> = Vec::new();
    let mut published_quorum = false;
    // Lines in the last publication: a round publishes again only with more.
    let mut published_lines = 0;
    // `first_quorum`: this publication is the round's first to meet the
    // quorum, the one the lag is measured to.
    let publish = |lines: &[NoteSignature], cosigned: &[bool], quorum: bool, first_quorum: bool| {
        let mut note = cp.note.clone();
        for l in lines {
            let _ = note.add_signature(l.clone());
        }
        let signed = SignedCheckpoint {
            checkpoint: cp.checkpoint.clone(),
            note,
        };
        live.publish_witnessed(Durable::witnessed(&signed, quorum, w.names(cosigned)));
        if first_quorum {
            metrics
                .witness_lag_seconds
                .observe(began.elapsed().as_secs_f64());
        }
        if !lines.is_empty() {
            let _ = seq.add_cosignatures(cp.checkpoint.clone(), lines.to_vec());
        }
        metrics.witnessed_size.set(size as i64);
    };
    if (w.quorum)(&cosigned) {
        publish(&[], &cosigned, true, true);
        return true;
    }
    // Proofs from each witness's held size, made here (the tiles are read
    // once for all of them).
    let (tx, rx) = mpsc::channel::<(usize, Option<u64>, Answer)>();
    std::thread::scope(|scope| {
        for (i, t) in w.witnesses.iter().enumerate() {
            if cosigned[i] {
                continue;
            }
            let old = held[i].filter(|&h| h <= size).unwrap_or(0);
            let proof = proof_or_empty(reader, old, size);
            let tx = tx.clone();
            // The tiles are read on this thread; a 409 needs a proof from
            // another size, read by the witness's own thread.
            let dir = reader.source().clone();
            scope.spawn(move || {
                let (now_held, answer) = ask(agent, t, cp, old, proof, &dir, deadline, metrics);
                let _ = tx.send((i, now_held, answer));
            });
        }
        drop(tx);
        while let Ok((i, now_held, answer)) = rx.recv() {
            if let Some(h) = now_held {
                held[i] = Some(h);
            }
            if let Answer::Cosigned(mut got) = answer {
                cosigned[i] = true;
                held[i] = Some(size);
                lines.append(&mut got);
                let met = (w.quorum)(&cosigned);
                if met && !published_quorum {
                    // Acknowledge as soon as the quorum is there; the
                    // stragglers are added when the round ends.
                    published_quorum = true;
                    published_lines = lines.len();
                    publish(&lines, &cosigned, true, true);
                }
            }
        }
    });
    let met = (w.quorum)(&cosigned);
    if !published_quorum || lines.len() > published_lines {
        publish(&lines, &cosigned, met, met && !published_quorum);
    }
    if !met {
        tracing::warn!(
            size,
            cosigned = ?w.names(&cosigned),
            "the checkpoint did not get its witness quorum in this round"
        );
    }
    met
}

fn proof_or_empty(reader: &mut TileReader<AnySource>, old: u64, size: u64) -> Vec<Hash> {
    if old == 0 || old == size {
        return Vec::new();
    }
    reader.consistency_proof(old, size).unwrap_or_else(|e| {
        tracing::error!(
            old,
            size,
            "reading a consistency proof from the log's tiles: {e}"
        );
        Vec::new()
    })
}

/// Asks one witness, following one 409 and retrying transport failures
/// until the deadline. The size the witness was found to hold, and what
/// it gave.
#[allow(clippy::too_many_arguments)]
fn ask(
    agent: &ureq::Agent,
    t: &WitnessTarget,
    cp: &SignedCheckpoint,
    mut old: u64,
    mut proof: Vec<Hash>,
    dir: &AnySource,
    deadline: Instant,
    metrics: &Metrics,
) -> (Option<u64>, Answer) {
    let size = cp.checkpoint.size;
    let url = format!("{}/add-checkpoint", t.url.trim_end_matches('/'));
    let body_of = |old: u64, proof: Vec<Hash>| {
        AddCheckpoint {
            old_size: old,
            proof,
            checkpoint: cp.to_bytes(),
        }
        .to_bytes()
    };
    let count = |outcome: &str| {
        metrics
            .witness_requests
            .get_or_create(&WitnessLabels {
                witness: t.name.clone(),
                outcome: outcome.to_string(),
            })
            .inc();
    };
    let mut learnt = None;
    let mut conflicts = 0;
    let mut backoff = Duration::from_millis(25);
    loop {
        if Instant::now() >= deadline {
            count("timeout");
            return (learnt, Answer::Failed);
        }
        let sent = agent
            .post(&url)
            .header("Content-Type", "text/plain; charset=utf-8")
            .send(&body_of(old, proof.clone())[..]);
        let mut resp = match sent {
            Ok(r) => r,
            Err(e) => {
                count("unreachable");
                tracing::debug!(witness = %t.name, "add-checkpoint: {e}");
                std::thread::sleep(backoff.min(deadline.saturating_duration_since(Instant::now())));
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .unwrap_or_default();
        match status {
            200 => {
                let lines = match parse_signature_lines(&body) {
                    Ok(l) => l,
                    Err(e) => {
                        count("malformed");
                        tracing::warn!(witness = %t.name, "a 200 whose body is not signature lines: {e}");
                        return (learnt, Answer::Failed);
                    }
                };
                // Keep only this witness's lines, and only those that verify.
                let text = cp.note.text().as_bytes();
                let good: Vec<NoteSignature> = lines
                    .into_iter()
                    .filter(|l| {
                        l.name == t.key.name()
                            && l.key_id == t.key.key_id()
                            && t.key.verify_cosignature(text, &l.signature).is_some()
                    })
                    .collect();
                if good.is_empty() {
                    count("bad-cosignature");
                    tracing::warn!(witness = %t.name, size, "answered 200 without a valid cosignature by its key");
                    return (learnt, Answer::Failed);
                }
                count("cosigned");
                return (Some(size), Answer::Cosigned(good));
            }
            409 if conflicts == 0 => {
                conflicts += 1;
                count("conflict");
                let Ok(theirs) = parse_size(&body) else {
                    tracing::warn!(witness = %t.name, "a 409 without a size");
                    return (learnt, Answer::Failed);
                };
                learnt = Some(theirs);
                if theirs > size {
                    tracing::error!(
                        witness = %t.name, theirs, ours = size,
                        "the witness holds a larger checkpoint of this log than the log has: this log was rolled back, or someone else signs with its key"
                    );
                    return (learnt, Answer::Failed);
                }
                old = theirs;
                proof = if old == 0 || old == size {
                    Vec::new()
                } else {
                    match TileReader::new(dir.clone()).consistency_proof(old, size) {
                        Ok(p) => p,
                        Err(e) => {
                            tracing::error!(old, size, "consistency proof: {e}");
                            return (learnt, Answer::Failed);
                        }
                    }
                };
            }
            422 => {
                count("refused");
                tracing::error!(
                    witness = %t.name, size,
                    "the witness refuses the checkpoint as inconsistent with what it holds (422): {}",
                    String::from_utf8_lossy(&body).trim()
                );
                return (learnt, Answer::Failed);
            }
            s if s >= 500 || s == 429 => {
                count("unavailable");
                std::thread::sleep(backoff.min(deadline.saturating_duration_since(Instant::now())));
                backoff = (backoff * 2).min(Duration::from_secs(1));
            }
            s => {
                count(&format!("status-{s}"));
                tracing::warn!(
                    witness = %t.name, status = s,
                    "add-checkpoint refused: {}",
                    String::from_utf8_lossy(&body).trim()
                );
                return (learnt, Answer::Failed);
            }
        }
    }
}

impl Witnessing {
    /// Which witnesses (by index) validly cosigned a checkpoint note.
    pub fn cosigned_on(&self, note: &tlog::Note) -> Vec<bool> {
        self.witnesses
            .iter()
            .map(|t| t.key.cosigned(note).is_some())
            .collect()
    }

    /// The policy names of the witnesses marked in `got`.
    pub fn names(&self, got: &[bool]) -> Vec<String> {
        self.witnesses
            .iter()
            .zip(got)
            .filter(|(_, g)| **g)
            .map(|(t, _)| t.name.clone())
            .collect()
    }

    /// The witnesses a policy names, reached at the URLs it gives or those
    /// in `config.urls` (by policy name, which win), and its quorum. `None`
    /// when the policy names no witness. An error when the quorum cannot be
    /// met by the witnesses the server can reach.
    pub fn from_policy(
        policy: tlog::policy::Policy,
        config: &crate::config::WitnessingConfig,
    ) -> Result<Option<Witnessing>, String> {
        if policy.witnesses().is_empty() {
            return Ok(None);
        }
        for name in config.urls.keys() {
            if !policy.witnesses().iter().any(|w| &w.name == name) {
                return Err(format!(
                    "[witnessing.urls] names {name:?}, which is not a witness of the policy ({})",
                    policy
                        .witnesses()
                        .iter()
                        .map(|w| w.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        let mut witnesses = Vec::new();
        let mut unreachable = Vec::new();
        for w in policy.witnesses() {
            match config.urls.get(&w.name).or(w.url.as_ref()) {
                Some(url) => witnesses.push(WitnessTarget {
                    name: w.name.clone(),
                    key: w.key.clone(),
                    url: url.clone(),
                }),
                None => unreachable.push(w.name.clone()),
            }
        }
        let reachable: Vec<String> = witnesses.iter().map(|t| t.name.clone()).collect();
        if !policy.quorum_met(|w| reachable.contains(&w.name)) {
            return Err(format!(
                "the witness quorum cannot be met by the witnesses the server can reach: {} {} no URL (give one in [witnessing.urls] or with --witness-url NAME=URL)",
                unreachable.join(", "),
                if unreachable.len() == 1 {
                    "has"
                } else {
                    "have"
                }
            ));
        }
        if !unreachable.is_empty() {
            tracing::warn!(?unreachable, "witnesses without a URL are not asked");
        }
        let policy = Arc::new(policy);
        let names = reachable;
        let quorum: QuorumRule = Arc::new(move |got: &[bool]| {
            policy.quorum_met(|w| {
                names
                    .iter()
                    .position(|n| n == &w.name)
                    .is_some_and(|i| got.get(i).copied().unwrap_or(false))
            })
        });
        let ms = Duration::from_millis;
        Ok(Some(Witnessing {
            witnesses,
            quorum,
            ack: config.ack,
            round_timeout: ms(config.round_timeout_ms.max(1)),
            request_timeout: ms(config.request_timeout_ms.max(1)),
            retry_every: ms(config.retry_ms),
            ack_timeout: ms(config.ack_timeout_ms),
        }))
    }
}
