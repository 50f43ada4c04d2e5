//! A replica that does not sequence: it follows the log as the sequencer
//! (another process) grows it, and answers reads from what it verified.
//!
//! One thread owns the evaluation, as the admission thread does on the
//! sequencer, and takes the same jobs (reads run against the evaluation;
//! a submission is refused here, since the routes forward submissions to
//! the sequencer before they reach it). Between jobs it looks at the log's
//! checkpoint every `poll`; when it has grown, the thread
//!
//! 1. checks the checkpoint's signature with the log's key;
//! 2. reads the new entries from the entry bundles and appends their leaf
//!    hashes to its own right edge of the tree, whose root must be the
//!    checkpoint's: so every entry it applies is one the signed tree holds,
//!    and the new tree extends the one it verified before (the edge is
//!    the old tree's); nothing is taken from the hash tiles on trust;
//! 3. applies the entries to the evaluation (the replay's own path, every
//!    signature checked), and tells the live stream and the index.
//!
//! A checkpoint that goes back, or whose root is not the tree it read, is
//! a fork or a rollback: the replica stops following, says why (readiness
//! and the live stream), and goes on serving only what it had verified.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use accord::evaluate::{Evaluator, Versions};
use accord_engine::signatures::KeyBook;
use tlog::client::{TileSource, fetch_tile};
use tlog::tile::{TILE_WIDTH, TileId};
use tlog::tree::{RightEdge, parse_bundle};
use tlog::{Hash, SignedCheckpoint, VerifierKey, leaf_hash};
use tlog_s3::AnySource;
use tokio::sync::mpsc;

use crate::admission::{Follower, Job, Refusal};
use crate::live::{Durable, EntryEvent, Live, StatusSnapshot};
use crate::witnessing::Witnessing;

/// What the follower thread starts from.
pub struct FollowStart {
    pub evaluator: Evaluator<'static>,
    /// The checkpoint the evaluation is the replay of.
    pub checkpoint: SignedCheckpoint,
    pub source: AnySource,
    pub verifier: VerifierKey,
    pub versions: Versions<'static>,
    pub keys: Arc<RwLock<KeyBook>>,
    /// The replica's own index, if it keeps one (a shared PostgreSQL index
    /// is written by the sequencer alone).
    pub follower: Option<Box<dyn Follower>>,
    pub witnessing: Option<Witnessing>,
    pub poll: Duration,
}

/// Starts the follower thread; it ends once every sender of `jobs` is
/// dropped.
pub fn start(
    s: FollowStart,
    live: Arc<Live>,
    jobs: mpsc::Receiver<Job>,
) -> Result<std::thread::JoinHandle<()>, String> {
    let size = s.checkpoint.checkpoint.size;
    let edge = RightEdge::load(size, false, |t| fetch_tile(&s.source, t))
        .map_err(|e| format!("reading the tree's edge: {e}"))?
        .map_err(|e| format!("reading the tree's edge: {e}"))?;
    let mut f = Following {
        s,
        edge,
        live: live.clone(),
    };
    if f.edge.root() != f.s.checkpoint.checkpoint.root {
        return Err("the tiles do not give the checkpoint's root".into());
    }
    std::thread::Builder::new()
        .name("replica".into())
        .spawn(move || {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f.run(jobs))).is_err() {
                live.stop("the replica's follower failed (a bug; see the server's log)".into());
            }
        })
        .map_err(|e| e.to_string())
}

struct Following {
    s: FollowStart,
    edge: RightEdge,
    live: Arc<Live>,
}

impl Following {
    fn run(&mut self, mut rx: mpsc::Receiver<Job>) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime for the follower thread");
        self.live
            .publish_status(StatusSnapshot::of(&self.s.evaluator));
        let poll = self.s.poll;
        loop {
            let job = rt.block_on(async { tokio::time::timeout(poll, rx.recv()).await });
            match job {
                Ok(None) => break,
                Ok(Some(Job::Read(f))) => f(&self.s.evaluator),
                Ok(Some(Job::Submit { reply, .. })) => {
                    let _ = reply.send(Err(Refusal::Stopped(
                        "this replica does not sequence: submit to the sequencer".into(),
                    )));
                }
                Err(_) => {
                    if self.live.stopped().is_none()
                        && let Err(why) = self.catch_up()
                    {
                        tracing::error!("{why}; this replica stops following the log");
                        self.live.stop(why);
                    }
                }
            }
        }
    }

    /// Follows the log to its current checkpoint (see the module docs).
    /// A transient failure to read is logged and tried again next time;
    /// what is wrong with the log itself is an error.
    fn catch_up(&mut self) -> Result<(), String> {
        let raw = match self.s.source.fetch("checkpoint") {
            Ok(Some(b)) => b,
            Ok(None) => return Err("the log's checkpoint has disappeared".into()),
            Err(e) => {
                tracing::warn!("reading the checkpoint: {e}");
                return Ok(());
            }
        };
        let cp = SignedCheckpoint::parse(&raw)
            .map_err(|e| format!("the log's checkpoint is not a checkpoint: {e}"))?;
        cp.verify(Some(&self.s.verifier), &[])
            .map_err(|e| format!("the log's checkpoint does not verify: {e}"))?;
        let (old, new) = (self.s.checkpoint.checkpoint.size, cp.checkpoint.size);
        if new < old {
            return Err(format!(
                "the log went back from size {old} to {new} (a rollback or a fork)"
            ));
        }
        if new == old {
            if cp.checkpoint.root != self.s.checkpoint.checkpoint.root {
                return Err(format!(
                    "two checkpoints of size {new} with different roots (a fork)"
                ));
            }
            // Cosignatures may have been added to the same checkpoint.
            if cp.note.signatures().len() != self.s.checkpoint.note.signatures().len() {
                self.publish_checkpoint(&cp);
                self.s.checkpoint = cp;
            }
            return Ok(());
        }
        let entries = match self.read_entries(old, new) {
            Ok(e) => e,
            Err(e) => {
                // Tiles may lag their checkpoint on a CDN; try again.
                tracing::warn!(old, new, "reading the new entries: {e}");
                return Ok(());
            }
        };
        let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        let mut edge = self.edge.clone();
        for h in &leaves {
            edge.push_hash(*h, |_, _| {});
        }
        if edge.root() != cp.checkpoint.root {
            return Err(format!(
                "the log's entries {old}..{new} do not give the root its checkpoint of size {new} signs (a fork, or altered tiles)"
            ));
        }
        let preparer = self.s.evaluator.preparer();
        let mut events = Vec::with_capacity(entries.len());
        let mut indexed = Vec::with_capacity(entries.len());
        for (k, e) in entries.into_iter().enumerate() {
            let index = old + k as u64;
            // Prepared once: applied (every signature checked, as a
            // replay does) and told to the live stream.
            let mut p = preparer.prepare(&e);
            if self.s.evaluator.apply_entry_prepared(&mut p).is_ok()
                && let Ok(s) = &p.statement
                && let accord::statement::Body::Accreditation(_) = &s.statement.body
            {
                let mut book = self.s.keys.write().unwrap_or_else(|e| e.into_inner());
                book.add_accredited(std::slice::from_ref(&p));
            }
            events.push(EntryEvent::of(index, &leaves[k], &p));
            indexed.push((index, e));
        }
        self.edge = edge;
        if let Some(f) = self.s.follower.as_mut() {
            f.admitted(&self.s.evaluator, &indexed);
            if let Some(then) = f.flush(&self.s.evaluator) {
                then();
            }
        }
        self.publish_checkpoint(&cp);
        self.s.checkpoint = cp;
        self.live.send_entries(events);
        self.live
            .publish_status(StatusSnapshot::of(&self.s.evaluator));
        tracing::debug!(old, new, "followed the log");
        Ok(())
    }

    fn publish_checkpoint(&self, cp: &SignedCheckpoint) {
        match &self.s.witnessing {
            None => self.live.advance(Durable::of(cp)),
            Some(w) => {
                let got = w.cosigned_on(&cp.note);
                let d = Durable::witnessed(cp, (w.quorum)(&got), w.names(&got));
                self.live.advance(d.clone());
                self.live.publish_witnessed(d);
            }
        }
    }

    /// Entries `old..new`, from the entry bundles.
    fn read_entries(&self, old: u64, new: u64) -> Result<Vec<Vec<u8>>, String> {
        let mut out = Vec::with_capacity((new - old) as usize);
        let mut t = old / TILE_WIDTH;
        while t * TILE_WIDTH < new {
            let width = (new - t * TILE_WIDTH).min(TILE_WIDTH) as u16;
            let id = TileId::entries(t, width);
            let data = match self.s.source.fetch(&id.path()).map_err(|e| e.to_string())? {
                Some(d) => d,
                None => self
                    .s
                    .source
                    .fetch(&id.full().path())
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("{} is missing", id.path()))?,
            };
            let list =
                parse_bundle(&data).ok_or_else(|| format!("{} is not a bundle", id.path()))?;
            if list.len() < usize::from(width) {
                return Err(format!(
                    "{} holds {} entries, not {width}",
                    id.path(),
                    list.len()
                ));
            }
            for (i, e) in list.iter().take(usize::from(width)).enumerate() {
                let index = t * TILE_WIDTH + i as u64;
                if index >= old {
                    out.push(e.to_vec());
                }
            }
            t += 1;
        }
        Ok(out)
    }
}
