//! Admission: the one place where the log's order is decided.
//!
//! A thread of its own owns the live [`Evaluator`] and the [`Sequencer`].
//! Statements reach it already parsed and with their signatures checked
//! (on the request threads, against the keys known so far); it takes them
//! one request at a time, in order, and for each entry:
//!
//! 1. the same bytes logged before are answered with their index, and
//!    nothing is appended (a patrol retrying over a poor link);
//! 2. [`Evaluator::screen`] refuses, without changing anything, what the
//!    evaluator would refuse before a statement takes effect (signatures,
//!    signer, agreement, clock, names, duplicates, an observation's own
//!    faults);
//! 3. the entry is applied to the live evaluator ([`Evaluator::apply_verified`]),
//!    the evaluator's own path; accepted, it is handed to the sequencer,
//!    whose order is this thread's order.
//!
//! So the log holds only what the evaluator accepted, in the order it
//! accepted it, and the live evaluation is exactly the replay of the log
//! (plus what is on its way to being durable).
//!
//! Refusals found in step 3 have already changed the live evaluation
//! (time may have moved, the refusal is counted): the evaluator is then
//! rebuilt from the log once everything admitted before is durable. This is
//! rare (step 2 catches the common refusals) and slow for a large log,
//! which is why a request is rate-limited before it gets here. A batch is
//! all or nothing: it is applied to a copy of the evaluation, which
//! replaces the live one only if every entry is accepted.
//!
//! A second thread, the committer, waits for each commit in order,
//! publishes the new checkpoint, answers the requests, writes the index
//! and sends the live events. A commit that fails (a full or broken disk)
//! stops admission: what was acknowledged stays acknowledged, nothing more
//! is taken, and the operator restarts the server, which recovers the log.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use accord::evaluate::{Duplicate, Evaluator, Prepared, Rejected, Versions};
use accord_engine::signatures::KeyBook;
use tlog::sequencer::{AppendError, Pending, Sequencer};
use tlog::{Hash, Log};
use tlog_core::ed25519::VerifiedSignature;
use tokio::sync::{mpsc, oneshot};

use crate::live::{EntryEvent, Live, StatusSnapshot};

/// An entry to admit: its bytes, its leaf hash, and what the request
/// thread found (the statement prepared, the signatures that verified).
pub struct Candidate {
    pub entry: Vec<u8>,
    pub leaf: Hash,
    pub prepared: Prepared,
    pub verified: Vec<VerifiedSignature>,
}

/// What became of one entry of an admitted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admitted {
    pub index: u64,
    /// False when the same bytes were logged before (nothing appended).
    pub fresh: bool,
}

/// Why a request was not admitted.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// Entry `item` of the request would be refused by the evaluator.
    Refused { item: usize, why: Rejected },
    /// The log cannot take entries (a commit failed; see the module docs).
    Stopped(String),
}

type Reply = oneshot::Sender<Result<Vec<Admitted>, Refusal>>;
type Reader = Box<dyn FnOnce(&Evaluator<'static>) + Send>;

pub enum Job {
    Submit {
        items: Vec<Candidate>,
        reply: Reply,
    },
    /// Runs on the admission thread with the live evaluation (a status, a
    /// report): it sees every entry admitted so far.
    Read(Reader),
}

/// The admission thread's end of things, for the request handlers.
#[derive(Clone)]
pub struct Admission {
    pub jobs: mpsc::Sender<Job>,
}

/// What the admission thread starts from: the log's evaluation and every
/// entry's leaf hash, by index; and what it works with.
pub struct Start {
    pub evaluator: Evaluator<'static>,
    pub leaves: HashMap<Hash, u64>,
    /// How to rebuild the evaluation from the log.
    pub rebuild: Rebuild,
    /// The agreement's versions, which the evaluator borrows.
    pub versions: Versions<'static>,
    /// The keys the request threads check signatures with.
    pub keys: Arc<RwLock<KeyBook>>,
    /// What follows the evaluation (the index).
    pub follower: Option<Box<dyn Follower>>,
}

/// How to rebuild the evaluation from the log (after a refusal found by
/// applying, see the module docs).
pub type Rebuild = Box<dyn Fn() -> Result<Evaluator<'static>, String> + Send>;

/// What the committer is handed, in admission order.
enum InFlight {
    /// A commit on its way, and what to do once it is durable.
    Commit {
        pending: Pending,
        first: u64,
        events: Vec<EntryEvent>,
    },
    /// What the evaluation was at a log size (its status, and the index's
    /// work), to publish once that size is durable: everything before it
    /// in this queue has been committed by then.
    Derived {
        status: StatusSnapshot,
        then: Option<AfterCommit>,
    },
}

/// Work to do once entries are durable (writing the index).
pub type AfterCommit = Box<dyn FnOnce() + Send>;

/// Follows the evaluation on the admission thread (the index does).
pub trait Follower: Send {
    /// Told of every admitted request, with the live evaluation that has
    /// just applied it: `entries` (index, bytes), all accepted, are new.
    fn admitted(&mut self, ev: &Evaluator<'static>, entries: &[(u64, Vec<u8>)]);
    /// Asked now and then (at most every [`STATUS_EVERY`] while entries
    /// keep coming, and when they stop) for what to do once everything
    /// admitted so far is durable; it runs on the committer, in order.
    fn flush(&mut self, ev: &Evaluator<'static>) -> Option<AfterCommit>;
}

pub struct Threads {
    pub admission: std::thread::JoinHandle<()>,
    pub committer: std::thread::JoinHandle<()>,
}

/// Starts the admission and committer threads. The log is moved into a
/// sequencer; it is handed back, durable, when the threads end (once every
/// `Admission` has been dropped and the queue drained).
pub fn start(
    log: Log,
    batching: tlog::sequencer::BatchOptions,
    start: Start,
    live: Arc<Live>,
    queue: usize,
    witnessing: Option<(
        crate::witnessing::Witnessing,
        tlog_s3::AnySource,
        Arc<crate::metrics::Metrics>,
    )>,
) -> (Admission, Threads) {
    let Start {
        evaluator,
        leaves,
        rebuild,
        versions,
        keys,
        follower,
    } = start;
    let (jobs, rx) = mpsc::channel(queue);
    let (seq, seq_thread) = Sequencer::start(log, batching);
    let publisher = witnessing.map(|(w, dir, metrics)| {
        metrics
            .witness_lag_bound_seconds
            .set(w.round_timeout.as_secs_f64());
        crate::witnessing::Publisher::start(w, seq.clone(), live.clone(), dir, metrics)
    });
    let (commits_tx, commits_rx) = std::sync::mpsc::channel::<InFlight>();
    let live2 = live.clone();
    let seq2 = seq.clone();
    let admission = std::thread::Builder::new()
        .name("admission".into())
        .spawn(move || {
            let mut a = Admitter {
                ev: evaluator,
                leaves,
                seq,
                rebuild,
                live: live2,
                commits: commits_tx,
                next: 0,
                last_status: Instant::now() - Duration::from_secs(1),
                dirty: false,
                follower,
                penalties: HashMap::new(),
                keys,
                _versions: versions,
            };
            a.next = a.ev.state.size;
            let live = a.live.clone();
            // A panic here (a bug) must not look like a shutdown: admission
            // stops, and says so.
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.run(rx))).is_err() {
                live.stop("the admission thread failed (a bug; see the server's log)".into());
            }
        })
        .expect("spawning the admission thread");
    let committer = std::thread::Builder::new()
        .name("committer".into())
        .spawn(move || {
            commit_loop(commits_rx, &live, &seq2);
            // The publisher holds a handle on the sequencer: it ends first
            // (after its round), so that the sequencer can drain and close.
            if let Some(p) = publisher {
                p.stop();
            }
            drop(seq2);
            let log = seq_thread.join();
            live.finish(log.size());
        })
        .expect("spawning the committer thread");
    (
        Admission { jobs },
        Threads {
            admission,
            committer,
        },
    )
}

struct Admitter {
    ev: Evaluator<'static>,
    leaves: HashMap<Hash, u64>,
    seq: Sequencer,
    rebuild: Rebuild,
    live: Arc<Live>,
    commits: std::sync::mpsc::Sender<InFlight>,
    /// The index the next admitted entry will have.
    next: u64,
    last_status: Instant,
    /// Entries admitted since the last status snapshot.
    dirty: bool,
    follower: Option<Box<dyn Follower>>,
    /// Signers whose statements made the evaluation be rebuilt, and until
    /// when their statements are tried on a copy.
    penalties: HashMap<String, Instant>,
    /// The keys the request threads check signatures with: a monitor's
    /// key is added once its accreditation is admitted.
    keys: Arc<RwLock<KeyBook>>,
    /// The agreement's versions, which the evaluator borrows.
    _versions: Versions<'static>,
}

/// How often, at most, the status is computed for the live stream while
/// entries keep coming (and once more when they stop).
pub const STATUS_EVERY: Duration = Duration::from_millis(200);

/// How long a signer's statements are tried on a copy after one of them
/// made the evaluation be rebuilt.
const PENALTY: Duration = Duration::from_secs(600);

/// How long a pause in submissions is before the status is computed.
const QUIET: Duration = Duration::from_millis(20);

impl Admitter {
    fn run(&mut self, mut rx: mpsc::Receiver<Job>) {
        // For waiting on the queue with a timeout, on this thread.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime for the admission thread");
        self.publish_status();
        loop {
            // While entries keep coming, the status is computed every
            // STATUS_EVERY; once they pause for QUIET, at once.
            let job = if self.dirty {
                let since = self.last_status.elapsed();
                if since >= STATUS_EVERY {
                    self.publish_status();
                    continue;
                }
                let wait = QUIET.min(STATUS_EVERY - since);
                match rt.block_on(async { tokio::time::timeout(wait, rx.recv()).await }) {
                    Ok(job) => job,
                    Err(_) => {
                        self.publish_status();
                        continue;
                    }
                }
            } else {
                rx.blocking_recv()
            };
            let Some(job) = job else { break };
            match job {
                Job::Read(f) => f(&self.ev),
                Job::Submit { items, reply } => {
                    let answer = self.submit(items);
                    let _ = reply.send(answer);
                }
            }
        }
        if self.dirty {
            self.publish_status();
        }
    }

    fn stopped(&self) -> Option<String> {
        self.live.stopped()
    }

    fn submit(&mut self, mut items: Vec<Candidate>) -> Result<Vec<Admitted>, Refusal> {
        if let Some(why) = self.stopped() {
            return Err(Refusal::Stopped(why));
        }
        // Applied to the live evaluation, unless the request holds a
        // statement its room may refuse (not an observation) signed by a
        // key that has made the evaluation be rebuilt lately: then to a
        // copy, so that a signer cannot make every refusal cost a replay.
        let careful = items.iter().any(|c| {
            !self.leaves.contains_key(&c.leaf)
                && !self.ev.settles(&c.prepared)
                && self.penalised(&c.prepared)
        });
        let mut copy = careful.then(|| Box::new(self.ev.clone()));
        let mut out = Vec::with_capacity(items.len());
        let mut fresh: Vec<usize> = Vec::new();
        let mut seen_here: HashMap<Hash, u64> = HashMap::new();
        for (k, c) in items.iter_mut().enumerate() {
            if let Some(&index) = self.leaves.get(&c.leaf).or(seen_here.get(&c.leaf)) {
                out.push(Admitted {
                    index,
                    fresh: false,
                });
                continue;
            }
            let on_live = copy.is_none();
            let ev = copy.as_deref_mut().unwrap_or(&mut self.ev);
            if let Err(why) = ev.screen(&c.prepared, &c.verified) {
                let why = entry_repeated(ev, &c.prepared, why);
                if on_live && !fresh.is_empty() {
                    // Earlier statements of this request are in the live
                    // evaluation, and the request is refused whole.
                    self.restore();
                }
                return Err(Refusal::Refused { item: k, why });
            }
            if let Err(why) = ev.apply_verified(&mut c.prepared, &c.verified) {
                let why = entry_repeated(ev, &c.prepared, why);
                if on_live {
                    // The live evaluation counted the refusal and may have
                    // moved its clock: make it the log's again.
                    self.penalise(&c.prepared);
                    self.restore();
                }
                return Err(Refusal::Refused { item: k, why });
            }
            if let Ok(s) = &c.prepared.statement
                && let accord::statement::Body::Accreditation(_) = &s.statement.body
            {
                let mut book = self.keys.write().unwrap_or_else(|e| e.into_inner());
                book.add_accredited(std::slice::from_ref(&c.prepared));
            }
            let index = self.next + fresh.len() as u64;
            seen_here.insert(c.leaf, index);
            out.push(Admitted { index, fresh: true });
            fresh.push(k);
        }
        if let Some(c) = copy {
            self.ev = *c;
        }
        if fresh.is_empty() {
            return Ok(out);
        }
        let first = self.next;
        let mut entries = Vec::with_capacity(fresh.len());
        let mut events = Vec::with_capacity(fresh.len());
        for (n, &k) in fresh.iter().enumerate() {
            let index = first + n as u64;
            let c = &mut items[k];
            self.leaves.insert(c.leaf, index);
            events.push(EntryEvent::of(index, &c.leaf, &c.prepared));
            // Moved, not copied: the request no longer needs its bytes.
            entries.push((index, std::mem::take(&mut c.entry)));
        }
        let bytes: Vec<Vec<u8>> = entries.iter().map(|(_, e)| e.clone()).collect();
        match self.seq.submit(bytes) {
            Ok(pending) => {
                self.next += fresh.len() as u64;
                self.dirty = true;
                if let Some(f) = self.follower.as_mut() {
                    f.admitted(&self.ev, &entries);
                }
                let _ = self.commits.send(InFlight::Commit {
                    pending,
                    first,
                    events,
                });
                Ok(out)
            }
            Err(e) => {
                // Nothing of this request reached the log, but the live
                // evaluation has it: admission stops (see the module docs).
                let why = format!("the log could not take the entries: {e}");
                self.live.stop(why.clone());
                Err(Refusal::Stopped(why))
            }
        }
    }

    /// The signer a refusal is charged to: the first signature line's name.
    fn signer(p: &Prepared) -> Option<&str> {
        p.note()
            .and_then(|n| n.signatures().first())
            .map(|l| l.name.as_str())
    }

    /// Whether statements by this signer are tried on a copy for now.
    fn penalised(&self, p: &Prepared) -> bool {
        Self::signer(p)
            .and_then(|n| self.penalties.get(n))
            .is_some_and(|until| Instant::now() < *until)
    }

    /// Charges a rebuild to the statement's signer: its statements that
    /// may be refused are tried on a copy for a while.
    fn penalise(&mut self, p: &Prepared) {
        if let Some(n) = Self::signer(p) {
            let now = Instant::now();
            self.penalties.retain(|_, until| *until > now);
            if self.penalties.len() < 10_000 {
                self.penalties.insert(n.to_string(), now + PENALTY);
            }
        }
    }

    /// Makes the live evaluation the log's again: waits until everything
    /// admitted is durable, then replays the log.
    fn restore(&mut self) {
        if !self.live.wait_durable(self.next) {
            return;
        }
        match (self.rebuild)() {
            Ok(ev) => {
                tracing::info!(
                    size = ev.state.size,
                    "evaluation rebuilt from the log after a refusal"
                );
                self.ev = ev;
            }
            Err(e) => self.live.stop(format!(
                "the evaluation could not be rebuilt from the log: {e}"
            )),
        }
    }

    fn publish_status(&mut self) {
        self.dirty = false;
        self.last_status = Instant::now();
        let status = StatusSnapshot::of(&self.ev);
        let then = self.follower.as_mut().and_then(|f| f.flush(&self.ev));
        // Published in order with the commits, so once durable.
        let _ = self.commits.send(InFlight::Derived { status, then });
    }
}

/// An observation refused as a duplicate is the same statement as one in
/// the log (an observation's digest is its statement's, whatever signs
/// it): the refusal names that entry, as it does for other statements, so
/// that the client can find what it repeats.
fn entry_repeated(ev: &Evaluator<'_>, p: &Prepared, why: Rejected) -> Rejected {
    if let Rejected::Duplicate {
        of: Duplicate::Observation,
    } = why
        && let Some(o) = ev.state.obs.iter().find(|o| o.digest == p.digest)
    {
        return Rejected::Duplicate {
            of: Duplicate::Statement { entry: o.index },
        };
    }
    why
}

fn commit_loop(rx: std::sync::mpsc::Receiver<InFlight>, live: &Live, seq: &Sequencer) {
    while let Ok(c) = rx.recv() {
        let (pending, first, events) = match c {
            InFlight::Derived { status, then } => {
                // After a failed commit, what the evaluation holds is not
                // all durable: nothing more is published.
                if live.stopped().is_some() {
                    continue;
                }
                if let Some(f) = then {
                    f();
                }
                live.publish_status(status);
                continue;
            }
            InFlight::Commit {
                pending,
                first,
                events,
            } => (pending, first, events),
        };
        match pending.wait() {
            Ok(range) if range.start != first => {
                // The sequencer is fed by admission alone, in order.
                live.stop(format!(
                    "the log placed entries at {range:?}, not at {first} as admitted"
                ));
            }
            Ok(_) => {
                live.advance(live.committed(&seq.checkpoint()));
                live.send_entries(events);
            }
            Err(e) => {
                let why = match &e {
                    AppendError::Failed(e) => format!("a commit failed: {e}"),
                    e => e.to_string(),
                };
                tracing::error!("{why}; admission stopped");
                live.stop(why);
            }
        }
    }
}
