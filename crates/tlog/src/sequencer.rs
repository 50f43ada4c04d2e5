//! Group commit: many callers append concurrently; one thread owns the
//! [`Log`] and commits their entries in batches, so that the cost of making a
//! batch durable (a few fsyncs and a signature) is shared by all of them.
//!
//! A batch closes when it holds `max_batch_entries` entries or when
//! `max_batch_delay` has passed since its first entry, whichever comes
//! first. While one batch commits, the next one fills up.

use std::ops::Range;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::hash::Hash;
use crate::log::{Log, LogError, check_entries};
use crate::note::NoteSignature;
use crate::tree::hash_entries;

/// How batches are formed.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// A batch is committed as soon as it holds this many entries. A single
    /// request larger than this is committed whole, as one batch.
    pub max_batch_entries: usize,
    /// ... or this many bytes of entries.
    pub max_batch_bytes: usize,
    /// ... or when this much time has passed since its first entry arrived.
    /// Zero commits whatever has queued up as soon as the previous batch is
    /// done: the lowest latency, with batches still forming under load.
    pub max_batch_delay: Duration,
    /// Requests that may wait in the queue before `submit` blocks (back
    /// pressure, so that a fast producer cannot exhaust memory).
    pub queue_depth: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            max_batch_entries: 16_384,
            max_batch_bytes: 32 << 20,
            max_batch_delay: Duration::from_millis(1),
            queue_depth: 4096,
        }
    }
}

/// Why an append failed. Cloneable: one failed batch fails all its callers.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppendError {
    #[error("entry is {size} bytes; an entry is at most 65535 bytes")]
    TooLarge { size: usize },
    #[error("the sequencer has stopped")]
    Closed,
    #[error("the log is busy: its queue is full; retry shortly")]
    Busy,
    #[error("the batch could not be committed: {0}")]
    Failed(Arc<LogError>),
}

/// What the sequencer thread is asked to do.
enum Msg {
    Append(Request),
    /// Add verified cosignatures to the published checkpoint, if it is
    /// still the one they are of.
    Cosign(Checkpoint, Vec<NoteSignature>),
}

struct Request {
    entries: Vec<Vec<u8>>,
    /// Computed by the caller, so that hashing overlaps the commit of the
    /// batch before.
    leaf_hashes: Vec<Hash>,
    bytes: usize,
    reply: oneshot::Sender<Result<Range<u64>, AppendError>>,
}

/// A handle on a running sequencer; cheap to clone.
#[derive(Clone)]
pub struct Sequencer {
    tx: SyncSender<Msg>,
    latest: Arc<RwLock<SignedCheckpoint>>,
}

/// The sequencer's thread; joining it returns the [`Log`].
pub struct SequencerThread {
    handle: JoinHandle<Log>,
}

impl SequencerThread {
    /// Waits for every queued request to be committed (all [`Sequencer`]
    /// handles must have been dropped) and returns the log.
    pub fn join(self) -> Log {
        self.handle.join().expect("sequencer thread panicked")
    }
}

/// The future result of a submitted request.
pub struct Pending(oneshot::Receiver<Result<Range<u64>, AppendError>>);

impl Pending {
    /// Blocks until the entries are durable; their indices.
    pub fn wait(self) -> Result<Range<u64>, AppendError> {
        self.0.blocking_recv().map_err(|_| AppendError::Closed)?
    }

    /// Awaits the entries' durability; their indices.
    pub async fn wait_async(self) -> Result<Range<u64>, AppendError> {
        self.0.await.map_err(|_| AppendError::Closed)?
    }
}

impl Sequencer {
    /// Starts the sequencer thread over an open log.
    pub fn start(log: Log, options: BatchOptions) -> (Sequencer, SequencerThread) {
        let (tx, rx) = mpsc::sync_channel(options.queue_depth.max(1));
        let latest = Arc::new(RwLock::new(log.checkpoint().clone()));
        let l2 = latest.clone();
        let handle = std::thread::Builder::new()
            .name("tlog-sequencer".into())
            .spawn(move || run(log, rx, options, l2))
            .expect("spawn sequencer thread");
        (Sequencer { tx, latest }, SequencerThread { handle })
    }

    /// Queues entries to be appended together, with consecutive indices.
    /// Blocks while the queue is full.
    pub fn submit(&self, entries: Vec<Vec<u8>>) -> Result<Pending, AppendError> {
        let (req, pending) = request(entries)?;
        self.tx
            .send(Msg::Append(req))
            .map_err(|_| AppendError::Closed)?;
        Ok(pending)
    }

    /// As [`Sequencer::submit`], but fails instead of blocking when the
    /// queue is full (for async callers, which must not block).
    pub fn try_submit(&self, entries: Vec<Vec<u8>>) -> Result<Option<Pending>, AppendError> {
        let (req, pending) = request(entries)?;
        match self.tx.try_send(Msg::Append(req)) {
            Ok(()) => Ok(Some(pending)),
            Err(TrySendError::Full(_)) => Ok(None),
            Err(TrySendError::Disconnected(_)) => Err(AppendError::Closed),
        }
    }

    /// Appends one entry; returns its index once it is durable.
    pub fn append_blocking(&self, entry: Vec<u8>) -> Result<u64, AppendError> {
        Ok(self.submit(vec![entry])?.wait()?.start)
    }

    /// Appends one entry from async code; returns its index once durable.
    /// Never blocks the runtime: when the queue is full it fails with
    /// [`AppendError::Busy`] (an HTTP front end answers 503, retry later).
    pub async fn append(&self, entry: Vec<u8>) -> Result<u64, AppendError> {
        match self.try_submit(vec![entry])? {
            Some(p) => Ok(p.wait_async().await?.start),
            None => Err(AppendError::Busy),
        }
    }

    /// Adds witnesses' cosignatures (verified by the caller) to the
    /// published checkpoint, on the sequencer's thread, between batches, so
    /// that they never race a commit: written only if the log is still at
    /// the checkpoint `of` (see [`Log::add_cosignatures`]). Blocks while the
    /// queue is full.
    pub fn add_cosignatures(
        &self,
        of: Checkpoint,
        lines: Vec<NoteSignature>,
    ) -> Result<(), AppendError> {
        self.tx
            .send(Msg::Cosign(of, lines))
            .map_err(|_| AppendError::Closed)
    }

    /// The latest published checkpoint.
    pub fn checkpoint(&self) -> SignedCheckpoint {
        self.latest.read().expect("checkpoint lock").clone()
    }
}

/// Checks and hashes entries on the caller's thread.
fn request(entries: Vec<Vec<u8>>) -> Result<(Request, Pending), AppendError> {
    if let Err(LogError::EntryTooLarge { size, .. }) = check_entries(&entries) {
        return Err(AppendError::TooLarge { size });
    }
    let bytes = entries.iter().map(Vec::len).sum();
    let leaf_hashes = hash_entries(&entries);
    let (reply, rx) = oneshot::channel();
    Ok((
        Request {
            entries,
            leaf_hashes,
            bytes,
            reply,
        },
        Pending(rx),
    ))
}

fn run(
    mut log: Log,
    rx: Receiver<Msg>,
    opts: BatchOptions,
    latest: Arc<RwLock<SignedCheckpoint>>,
) -> Log {
    let mut carry: Option<Request> = None;
    loop {
        let first = match carry.take() {
            Some(r) => r,
            None => match rx.recv() {
                Ok(Msg::Append(r)) => r,
                Ok(Msg::Cosign(of, lines)) => {
                    cosign(&mut log, &of, &lines, &latest);
                    continue;
                }
                Err(_) => return log,
            },
        };
        let mut cosigns = Vec::new();
        let deadline = Instant::now() + opts.max_batch_delay;
        let mut count = first.entries.len();
        let mut bytes = first.bytes;
        let mut batch = vec![first];
        let mut closed = false;
        while count < opts.max_batch_entries && bytes < opts.max_batch_bytes {
            let next = if opts.max_batch_delay.is_zero() {
                rx.try_recv().map_err(|e| match e {
                    mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                    mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                })
            } else {
                rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            };
            match next {
                Ok(Msg::Cosign(of, lines)) => cosigns.push((of, lines)),
                Ok(Msg::Append(r)) => {
                    if count + r.entries.len() > opts.max_batch_entries
                        || bytes + r.bytes > opts.max_batch_bytes
                    {
                        carry = Some(r);
                        break;
                    }
                    count += r.entries.len();
                    bytes += r.bytes;
                    batch.push(r);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    closed = true;
                    break;
                }
            }
        }
        // Cosignatures that arrived while the batch formed are of the
        // checkpoint before it: add them first, or they would be of an old
        // checkpoint by the time the batch is committed.
        for (of, lines) in cosigns {
            cosign(&mut log, &of, &lines, &latest);
        }
        commit(&mut log, batch, &latest);
        if closed && carry.is_none() {
            return log;
        }
    }
}

fn cosign(
    log: &mut Log,
    of: &Checkpoint,
    lines: &[NoteSignature],
    latest: &RwLock<SignedCheckpoint>,
) {
    match log.add_cosignatures(of, lines) {
        Ok(true) => *latest.write().expect("checkpoint lock") = log.checkpoint().clone(),
        Ok(false) => {}
        Err(e) => tracing::warn!("adding cosignatures to checkpoint {}: {e}", of.size),
    }
}

fn commit(log: &mut Log, batch: Vec<Request>, latest: &RwLock<SignedCheckpoint>) {
    let n = batch.iter().map(|r| r.entries.len()).sum();
    let mut entries = Vec::with_capacity(n);
    let mut hashes = Vec::with_capacity(n);
    let mut replies = Vec::with_capacity(batch.len());
    for r in batch {
        replies.push((r.entries.len() as u64, r.reply));
        entries.extend(r.entries);
        hashes.extend(r.leaf_hashes);
    }
    match log.append_hashed(&entries, &hashes) {
        Ok(range) => {
            *latest.write().expect("checkpoint lock") = log.checkpoint().clone();
            let mut at = range.start;
            for (n, reply) in replies {
                let _ = reply.send(Ok(at..at + n));
                at += n;
            }
        }
        Err(e) => {
            tracing::error!("batch of {} entries failed: {e}", entries.len());
            let e = Arc::new(e);
            for (_, reply) in replies {
                let _ = reply.send(Err(AppendError::Failed(e.clone())));
            }
        }
    }
}
