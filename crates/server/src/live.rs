//! What the server knows now, shared between the admission and committer
//! threads and the request handlers: the durable checkpoint, the latest
//! status, the stream of live events, and whether admission has stopped.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};

use accord::evaluate::{Evaluator, Prepared, Status};
use serde::Serialize;
use tlog::Hash;
use tlog::checkpoint::SignedCheckpoint;
use tokio::sync::{broadcast, watch};

/// The latest durable checkpoint: everything below `size` is acknowledged.
#[derive(Clone, Debug)]
pub struct Durable {
    pub size: u64,
    /// The signed checkpoint, as served at `/checkpoint`.
    pub checkpoint: Arc<Vec<u8>>,
    pub root: Hash,
    /// Whether the checkpoint meets the witness quorum (always, when the
    /// server asks no witnesses).
    pub quorum: bool,
    /// The witnesses whose cosignatures it carries, by their policy names.
    pub cosigners: Arc<Vec<String>>,
}

impl Durable {
    /// A checkpoint of a log that asks no witnesses.
    pub fn of(cp: &SignedCheckpoint) -> Durable {
        Durable::witnessed(cp, true, Vec::new())
    }

    /// A checkpoint with the cosignatures gathered for it.
    pub fn witnessed(cp: &SignedCheckpoint, quorum: bool, cosigners: Vec<String>) -> Durable {
        Durable {
            size: cp.checkpoint.size,
            checkpoint: Arc::new(cp.to_bytes()),
            root: cp.checkpoint.root,
            quorum,
            cosigners: Arc::new(cosigners),
        }
    }
}

/// An entry logged, as the live stream tells it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EntryEvent {
    pub index: u64,
    /// The entry's leaf hash (RFC 6962), hex.
    pub entry_hash: String,
    /// The statement's digest (SHA-256 of its signed text), hex.
    pub digest: String,
    /// The statement's kind.
    pub kind: String,
}

impl EntryEvent {
    pub fn of(index: u64, leaf: &Hash, p: &Prepared) -> EntryEvent {
        EntryEvent {
            index,
            entry_hash: hex(leaf.as_bytes()),
            digest: p.digest.to_string(),
            kind: p
                .statement
                .as_ref()
                .map(|s| word(&s.statement.kind()))
                .unwrap_or_default(),
        }
    }
}

/// One thing the status says that changed.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Change {
    /// What changed: `phase`, `clause/C`, `clause/C/party/P`, `tranche/T`,
    /// `guarantee/G`.
    pub what: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A live event.
#[derive(Clone, Debug)]
pub enum Event {
    Entry(EntryEvent),
    Status {
        size: u64,
        changes: Vec<Change>,
    },
    /// A checkpoint is served at `/checkpoint`: larger, or the same with
    /// more cosignatures (a reader re-verifies it).
    Checkpoint {
        size: u64,
        cosigners: usize,
        quorum: bool,
    },
}

/// The status of the evaluation at a log size.
#[derive(Clone, Debug)]
pub struct StatusSnapshot {
    pub size: u64,
    pub status: Arc<Status>,
    /// What a change event compares: verdicts and states, by what.
    pub summary: BTreeMap<String, String>,
}

impl StatusSnapshot {
    pub fn of(ev: &Evaluator<'_>) -> StatusSnapshot {
        let status = ev.status();
        StatusSnapshot {
            size: status.log_size,
            summary: summary(&status),
            status: Arc::new(status),
        }
    }
}

fn word<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(_) => String::new(),
    }
}

fn summary(s: &Status) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    if let Some(p) = &s.phase.id {
        m.insert("phase".into(), p.clone());
    }
    for (c, cs) in &s.clauses {
        if let Some(v) = &cs.verdict {
            m.insert(format!("clause/{c}"), word(v));
        }
        for (p, pc) in &cs.by_party {
            m.insert(format!("clause/{c}/party/{p}"), word(&pc.verdict));
        }
    }
    for (t, ts) in &s.tranches {
        m.insert(format!("tranche/{t}"), word(&ts.state));
    }
    for (g, gs) in &s.guarantees {
        m.insert(format!("guarantee/{g}"), word(&gs.state));
    }
    m
}

fn changes(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<Change> {
    let mut out = Vec::new();
    for (k, v) in new {
        if old.get(k) != Some(v) {
            out.push(Change {
                what: k.clone(),
                from: old.get(k).cloned(),
                to: Some(v.clone()),
            });
        }
    }
    for (k, v) in old {
        if !new.contains_key(k) {
            out.push(Change {
                what: k.clone(),
                from: Some(v.clone()),
                to: None,
            });
        }
    }
    out
}

pub struct Live {
    durable: watch::Sender<Durable>,
    /// The checkpoint served at `/checkpoint`: the durable one, or, when
    /// the server asks witnesses, the latest with the cosignatures gathered
    /// (which may trail the durable one by a round).
    served: watch::Sender<Durable>,
    witnessing: bool,
    /// The same size, for threads that wait without a runtime.
    durable_size: Mutex<u64>,
    durable_moved: Condvar,
    status: watch::Sender<Option<StatusSnapshot>>,
    events: broadcast::Sender<Event>,
    /// Why admission stopped, if it did.
    stopped: Mutex<Option<String>>,
    /// Set once the log is closed (shutdown): its final size.
    finished: watch::Sender<Option<u64>>,
    /// Set when shutdown begins: no more submissions, live streams end.
    closing: watch::Sender<bool>,
}

impl Live {
    /// `witnessing`: whether a publisher gathers cosignatures (and so
    /// decides what `/checkpoint` serves).
    pub fn new(durable: Durable, witnessing: bool) -> Live {
        let size = durable.size;
        Live {
            served: watch::Sender::new(durable.clone()),
            witnessing,
            durable: watch::Sender::new(durable),
            durable_size: Mutex::new(size),
            durable_moved: Condvar::new(),
            status: watch::Sender::new(None),
            events: broadcast::Sender::new(4096),
            stopped: Mutex::new(None),
            finished: watch::Sender::new(None),
            closing: watch::Sender::new(false),
        }
    }

    pub fn durable(&self) -> Durable {
        self.durable.borrow().clone()
    }

    pub fn subscribe_durable(&self) -> watch::Receiver<Durable> {
        self.durable.subscribe()
    }

    /// Waits (async) until the log's durable size is at least `size`.
    pub async fn durable_at_least(&self, size: u64) -> Option<Durable> {
        let mut rx = self.durable.subscribe();
        let d = rx.wait_for(|d| d.size >= size).await.ok()?;
        Some(d.clone())
    }

    /// A newly committed checkpoint as this server describes it: without
    /// witnesses it needs none; with them, it has none yet.
    pub fn committed(&self, cp: &SignedCheckpoint) -> Durable {
        if self.witnessing {
            Durable::witnessed(cp, false, Vec::new())
        } else {
            Durable::of(cp)
        }
    }

    /// The checkpoint served at `/checkpoint`.
    pub fn served(&self) -> Durable {
        self.served.borrow().clone()
    }

    /// Waits (async) until a served checkpoint covers `size` entries and
    /// meets the witness quorum.
    pub async fn witnessed_at_least(&self, size: u64) -> Option<Durable> {
        let mut rx = self.served.subscribe();
        let d = rx.wait_for(|d| d.size >= size && d.quorum).await.ok()?;
        Some(d.clone())
    }

    /// Publishes a checkpoint with its cosignatures: it is served if it is
    /// larger than the one served, or the same with more signatures.
    pub(crate) fn publish_witnessed(&self, d: Durable) {
        self.served.send_if_modified(|cur| {
            let better = d.size > cur.size
                || (d.size == cur.size
                    && d.root == cur.root
                    && (d.cosigners.len() > cur.cosigners.len() || (d.quorum && !cur.quorum)));
            if better {
                let _ = self.events.send(Event::Checkpoint {
                    size: d.size,
                    cosigners: d.cosigners.len(),
                    quorum: d.quorum,
                });
                *cur = d;
            }
            better
        });
    }

    /// Blocks until the durable size reaches `size` or `timeout` passes.
    pub(crate) fn wait_durable_timeout(&self, size: u64, timeout: std::time::Duration) {
        let s = self.durable_size.lock().unwrap_or_else(|e| e.into_inner());
        if *s < size {
            let _ = self
                .durable_moved
                .wait_timeout(s, timeout)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    pub(crate) fn advance(&self, d: Durable) {
        if !self.witnessing {
            self.served.send_if_modified(|cur| {
                if d.size > cur.size {
                    let _ = self.events.send(Event::Checkpoint {
                        size: d.size,
                        cosigners: d.cosigners.len(),
                        quorum: d.quorum,
                    });
                    *cur = d.clone();
                    true
                } else {
                    false
                }
            });
        }
        let size = d.size;
        self.durable.send_if_modified(|cur| {
            if d.size > cur.size {
                *cur = d;
                true
            } else {
                false
            }
        });
        let mut s = self.durable_size.lock().unwrap_or_else(|e| e.into_inner());
        if size > *s {
            *s = size;
            self.durable_moved.notify_all();
        }
    }

    /// Blocks until everything below `size` is durable; false if
    /// admission stopped meanwhile.
    pub(crate) fn wait_durable(&self, size: u64) -> bool {
        let mut s = self.durable_size.lock().unwrap_or_else(|e| e.into_inner());
        while *s < size {
            if self.stopped().is_some() {
                return false;
            }
            let (g, _) = self
                .durable_moved
                .wait_timeout(s, std::time::Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner());
            s = g;
        }
        true
    }

    pub fn stopped(&self) -> Option<String> {
        self.stopped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn stop(&self, why: String) {
        let mut s = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        s.get_or_insert(why);
    }

    /// The latest status published (of a durable log size).
    pub fn status(&self) -> Option<StatusSnapshot> {
        self.status.borrow().clone()
    }

    pub fn subscribe_status(&self) -> watch::Receiver<Option<StatusSnapshot>> {
        self.status.subscribe()
    }

    pub(crate) fn publish_status(&self, s: StatusSnapshot) {
        let changes = match &*self.status.borrow() {
            Some(old) => changes(&old.summary, &s.summary),
            None => vec![],
        };
        let size = s.size;
        self.status.send_replace(Some(s));
        if !changes.is_empty() {
            let _ = self.events.send(Event::Status { size, changes });
        }
    }

    pub(crate) fn send_entries(&self, events: Vec<EntryEvent>) {
        if self.events.receiver_count() == 0 {
            return;
        }
        for e in events {
            let _ = self.events.send(Event::Entry(e));
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Begins shutdown: submissions are refused, live streams end.
    pub fn begin_shutdown(&self) {
        self.closing.send_replace(true);
    }

    pub fn shutting_down(&self) -> bool {
        *self.closing.borrow()
    }

    pub fn subscribe_closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    pub(crate) fn finish(&self, size: u64) {
        self.finished.send_replace(Some(size));
    }

    /// Waits until the log is closed, durable; its final size.
    pub async fn finished(&self) -> Option<u64> {
        let mut rx = self.finished.subscribe();
        let v = rx.wait_for(Option::is_some).await.ok()?;
        *v
    }
}

pub fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}
