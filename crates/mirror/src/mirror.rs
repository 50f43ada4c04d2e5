//! The mirror's copy of a log: pulled from a source (the operator, or
//! another mirror), verified entry by entry, kept in a directory laid out as
//! C2SP tlog-tiles lays out a log, and cosigned as a C2SP tlog-mirror.
//!
//! # What is trusted
//!
//! Only the log's signature on a checkpoint, and the mirror's own copy.
//! The mirror appends the leaf hash of every entry it fetches to its own
//! [`RightEdge`], so every hash tile it stores is computed here from the
//! entries; none of the source's tiles is copied. A checkpoint is accepted
//! only when the mirror's entries followed by the new ones give its root,
//! which also proves that it extends the checkpoint the mirror had.
//! Anything else is refused, kept as evidence ([`crate::evidence`]), and
//! the mirror goes on serving its last good state.
//!
//! # The commit protocol
//!
//! The mirror checkpoint (`checkpoint`, public) is the origin's signed
//! checkpoint with the mirror's cosignature added. It covers size `m`, and
//! every object it covers is durable and is exactly what the entries give.
//! Copying it forward to a checkpoint of size `n` goes:
//!
//! 1. the intent `m n` and the offered checkpoint, in the private object
//!    `pending` (durable) — before any object of the batch exists;
//! 2. the batch's full tiles and entry bundles, a group at a time as they
//!    are fetched and hashed (create-only, durable);
//! 3. the root of the mirror's tree of size `n` compared with the offered
//!    checkpoint's; on a mismatch, every object of `new_tiles(m, n)` is
//!    deleted (durable) and the refusal is recorded;
//! 4. the partial tiles and bundle of size `n` (create-only, durable);
//! 5. the cosignature, made now that everything the checkpoint covers is
//!    durable (tlog-mirror's MUST), and `checkpoint` replaced (atomic,
//!    durable): the commit point;
//! 6. the partial tiles that size `m` needed and whose full tile now exists
//!    deleted (not durable: a leftover is only redundant).
//!
//! # Crash windows
//!
//! - Before 1 is durable: the previous intent is still there, and it
//!   describes a batch already resolved (committed, or its objects deleted
//!   durably before this batch began): recovery finds nothing to do, or
//!   redoes what it did.
//! - Between 1 and 5 (objects half written, some durable, some torn or
//!   missing): on open, `pending`'s `m` equals the checkpoint's size, so the
//!   batch was not committed and no reader was shown its objects (the
//!   server serves nothing beyond the checkpoint). Recovery reads the
//!   batch's bundles in order from `m`; while each is complete and its
//!   entries before `m` are the mirror's own, its entries are appended to
//!   the edge and every full object they give is compared with what is
//!   stored: equal ones are kept, different ones (torn writes) removed and
//!   written again. Everything else of `new_tiles(m, n)` (after the first
//!   missing or bad bundle, and the partial tiles of `n`) is removed,
//!   durably, and fetched again on the next pull. The kept prefix is only a
//!   cache: the root check at step 3 covers it, so nothing unverified is
//!   ever committed. When the whole batch is there, its root is checked
//!   against the offered checkpoint kept in `pending` (its log signature
//!   checked again), and it is committed, cosigned now: the mirror need
//!   not reach the source to finish.
//! - At 5: the rename is atomic; either the old checkpoint (the case above)
//!   or the new one (committed: `pending`'s `m` is below the checkpoint's
//!   size, nothing to do) is in place.
//! - After 5: the redundant partial tiles may remain; they are never read
//!   for a size that has their full tile.
//!
//! A later pull whose checkpoint is below what a recovered batch kept
//! deletes that batch's objects, durably, before it writes its own intent,
//! so that an intent always names every object beyond the checkpoint. A
//! kept prefix that does not give the next checkpoint's root (it may have
//! come from another source) is deleted and copied again, not held against
//! the source as evidence.
//!
//! Refused checkpoints change nothing of the above: their evidence is
//! written apart (`evidence/`), each file atomically.
//!
//! One process at a time: [`Mirror::open`] holds the storage's writer lock
//! for the mirror's life.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tlog::checkpoint::{CheckpointError, SignedCheckpoint};
use tlog::client::{AtSize, ReadError, TileReader, TileSource, fetch_bundle, fetch_tile};
use tlog::hash::{Hash, leaf_hash};
use tlog::keys::VerifierKey;
use tlog::merkle::{range_nodes, resolve};
use tlog::note::{Note, NoteError, NoteSignature};
use tlog::storage::{Object, Storage, StorageError, StorageSource, WriterLock};
use tlog::tile::{MAX_LEVEL, TILE_WIDTH, TileId, TileKind, hashes_at_level, new_tiles};
use tlog::tree::{RightEdge, parse_bundle};

use crate::evidence::{Evidence, EvidenceKind};
use crate::key::CosignerSecret;

/// The private object naming the batch in progress.
const PENDING: &str = "pending";
/// The private object naming the log this directory mirrors.
const CONFIG: &str = "mirror";
/// Signature lines of the origin's checkpoint carried into the mirror's
/// (the log's, its witnesses', other mirrors'), at most: a source cannot
/// fill the mirror's checkpoint up to the signed-note limit.
const MAX_CARRIED_SIGNATURES: usize = 32;
/// About how many bytes of entries are held between two durable writes.
const GROUP_BYTES: usize = 64 << 20;

/// Everything that can go wrong opening a mirror or pulling into it, other
/// than a refusal (which is an outcome: [`Pulled::Refused`]).
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error("mirror storage: {0}")]
    Storage(#[from] StorageError),
    #[error("reading from the source: {0}")]
    Read(#[from] ReadError),
    #[error("{source_name} has no checkpoint")]
    NoCheckpoint { source_name: String },
    #[error("the checkpoint of {source_name}: {error}")]
    BadCheckpoint {
        source_name: String,
        #[source]
        error: CheckpointError,
    },
    #[error(
        "this directory mirrors the log of key {mirrored}; the key given is {given} (use another directory)"
    )]
    OtherLog { mirrored: String, given: String },
    #[error("the mirror's copy is corrupt: {0}")]
    Corrupt(String),
    #[error("cosigning: {0}")]
    Cosign(#[from] NoteError),
}

/// How a mirror fetches.
#[derive(Clone, Debug)]
pub struct MirrorOptions {
    /// Objects fetched at once (on as many threads).
    pub fetch_threads: usize,
    /// Entry bundles hashed between two durable writes (more: fewer
    /// rounds of syncs; fewer: less refetched after a crash).
    pub bundles_per_write: usize,
    /// Also fetch the source's hash tiles and compare them with those the
    /// mirror computed; a difference is recorded as evidence (it does not
    /// stop the copy: those tiles are not what the mirror serves).
    pub check_source_tiles: bool,
    /// Cosigners whose keys the mirror knows (the agreement's witnesses).
    /// A line the source carries in one of their names is kept only if it
    /// verifies: otherwise a source could add a bad line by a witness a
    /// client trusts, and by signed-note's rule the mirror's checkpoint
    /// would then be invalid to every client that enforces the policy.
    /// Lines by keys the mirror does not know are carried unchecked.
    pub cosigners: Vec<tlog::cosignature::CosignerKey>,
}

impl Default for MirrorOptions {
    fn default() -> MirrorOptions {
        MirrorOptions {
            fetch_threads: 8,
            bundles_per_write: 64,
            check_source_tiles: true,
            cosigners: Vec::new(),
        }
    }
}

/// What a pull did.
#[derive(Debug)]
pub enum Pulled {
    /// The mirror now holds and cosigns the source's checkpoint.
    Advanced {
        from: u64,
        to: u64,
        /// The source's hash tiles that differ from the mirror's, recorded.
        source_tiles: Option<Evidence>,
    },
    /// The source's checkpoint is the mirror's; `signatures` lines it
    /// carries that the mirror's lacked were added (witnesses' cosignatures
    /// gathered since).
    Unchanged { size: u64, signatures: usize },
    /// The source's checkpoint was refused; the mirror is unchanged.
    Refused(Evidence),
}

/// A batch left by an interrupted copy: its full objects from the
/// mirror's size to the edge's are stored and checked against their
/// entries (not yet against a checkpoint).
struct Resume {
    edge: RightEdge,
    /// The size the batch was copying to: its intent covers
    /// `new_tiles(mirror size, target)`.
    target: u64,
}

/// A mirror of one log, in one storage, held by one process.
pub struct Mirror {
    storage: Arc<dyn Storage>,
    key: CosignerSecret,
    log_key: VerifierKey,
    options: MirrorOptions,
    /// The mirror checkpoint, once there is one.
    mirrored: Option<SignedCheckpoint>,
    /// The right edge of the mirrored tree (tracking its partial bundle).
    edge: RightEdge,
    resume: Option<Resume>,
    /// A copy failed half-way: its objects are recovered before the next.
    interrupted: bool,
    /// Widths of partial tiles published for the rightmost tile of each
    /// level, to delete once that tile is full.
    partial_widths: Vec<Vec<u16>>,
    _lock: Box<dyn WriterLock>,
}

impl std::fmt::Debug for Mirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mirror")
            .field("log", &self.log_key.name())
            .field("size", &self.size())
            .finish_non_exhaustive()
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs().max(1))
}

impl Mirror {
    /// Opens (or starts) the mirror of the log of `log_key` in `storage`:
    /// takes the writer lock, checks the mirror checkpoint and its tiles,
    /// and recovers an interrupted batch (see the module's documentation).
    pub fn open(
        storage: Arc<dyn Storage>,
        key: CosignerSecret,
        log_key: VerifierKey,
        options: MirrorOptions,
    ) -> Result<Mirror, MirrorError> {
        let lock = storage.lock()?;
        let pinned = format!("log_key = \"{log_key}\"\n");
        match storage.read_private(CONFIG)? {
            Some(text) => {
                let text = String::from_utf8_lossy(&text);
                let mirrored = text
                    .lines()
                    .find_map(|l| l.strip_prefix("log_key = \""))
                    .and_then(|l| l.strip_suffix('"'))
                    .ok_or_else(|| {
                        MirrorError::Corrupt(format!("unreadable .tlog/{CONFIG}: {text:?}"))
                    })?;
                if mirrored != log_key.to_string() {
                    return Err(MirrorError::OtherLog {
                        mirrored: mirrored.to_string(),
                        given: log_key.to_string(),
                    });
                }
            }
            None => storage.write_private(CONFIG, pinned.as_bytes())?,
        }

        let mirrored = match storage.read("checkpoint")? {
            None => None,
            Some(raw) => {
                let cp = SignedCheckpoint::parse(&raw).map_err(|e| {
                    MirrorError::Corrupt(format!("the mirror checkpoint does not parse: {e}"))
                })?;
                cp.verify(Some(&log_key), &[]).map_err(|e| {
                    MirrorError::Corrupt(format!("the mirror checkpoint does not verify: {e}"))
                })?;
                Some(cp)
            }
        };
        let size = mirrored.as_ref().map_or(0, |c| c.checkpoint.size);
        let mut edge = load_edge(storage.as_ref(), size)?;
        if let Some(cp) = &mirrored {
            let root = edge.root();
            if root != cp.checkpoint.root {
                return Err(MirrorError::Corrupt(format!(
                    "the stored partial tiles give root {root}, the mirror checkpoint says {}",
                    cp.checkpoint.root
                )));
            }
        }
        let mut partial_widths = Vec::new();
        for level in 0..=MAX_LEVEL {
            let n = hashes_at_level(size, level);
            if n == 0 {
                break;
            }
            let w = (n % TILE_WIDTH) as u16;
            partial_widths.push(if w > 0 { vec![w] } else { vec![] });
        }
        let mut mirror = Mirror {
            storage,
            key,
            log_key,
            options,
            mirrored,
            edge,
            resume: None,
            interrupted: false,
            partial_widths,
            _lock: lock,
        };
        mirror.recover()?;
        mirror.ensure_cosigned()?;
        Ok(mirror)
    }

    /// The mirror checkpoint (with the mirror's cosignature), once there is one.
    pub fn checkpoint(&self) -> Option<&SignedCheckpoint> {
        self.mirrored.as_ref()
    }

    /// The number of entries the mirror checkpoint covers.
    pub fn size(&self) -> u64 {
        self.mirrored.as_ref().map_or(0, |c| c.checkpoint.size)
    }

    pub fn log_key(&self) -> &VerifierKey {
        &self.log_key
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// The mirror's cosigner key, as verifiers name it.
    pub fn cosigner(&self) -> crate::key::CosignerKey {
        self.key.verifier()
    }

    /// Fetches the source's checkpoint and, if it extends the mirror's,
    /// copies and verifies the entries up to it, stores them, and cosigns it.
    pub fn pull<S: TileSource + Sync + ?Sized>(
        &mut self,
        source: &S,
    ) -> Result<Pulled, MirrorError> {
        if self.interrupted {
            self.resume = None;
            self.recover()?;
            self.interrupted = false;
        }
        let raw = source
            .fetch("checkpoint")?
            .ok_or_else(|| MirrorError::NoCheckpoint {
                source_name: source.describe(),
            })?;
        let bad = |error| MirrorError::BadCheckpoint {
            source_name: source.describe(),
            error,
        };
        let offered = SignedCheckpoint::parse(&raw).map_err(bad)?;
        offered.verify(Some(&self.log_key), &[]).map_err(bad)?;
        let (m, n) = (self.size(), offered.checkpoint.size);
        let Some(mine) = self.mirrored.clone() else {
            return self.copy(source, offered);
        };
        if n > m {
            return self.copy(source, offered);
        }
        if n == m && offered.checkpoint.root == mine.checkpoint.root {
            return self.merge_signatures(&offered);
        }
        let (kind, why) = if n == m {
            (
                EvidenceKind::Fork,
                format!(
                    "two checkpoints of size {n} signed by the log with different roots: the mirror's {}, the source's {}",
                    mine.checkpoint.root, offered.checkpoint.root
                ),
            )
        } else {
            let ours = self.own_root_at(n)?;
            if ours == offered.checkpoint.root {
                (
                    EvidenceKind::Rollback,
                    format!(
                        "the source offers the log's checkpoint of size {n}, older than the mirror's (size {m}): it serves a rolled-back log"
                    ),
                )
            } else {
                (
                    EvidenceKind::Fork,
                    format!(
                        "the source's checkpoint of size {n} has root {}, but the mirror's log (size {m}, signed by the same key) has root {ours} at size {n}: the log signed two histories",
                        offered.checkpoint.root
                    ),
                )
            }
        };
        self.refuse(kind, &offered, why, source)
    }

    /// Copies entries from the mirror's size (or where an interrupted batch
    /// stopped) to the offered checkpoint's, and commits it if it matches.
    fn copy<S: TileSource + Sync + ?Sized>(
        &mut self,
        source: &S,
        offered: SignedCheckpoint,
    ) -> Result<Pulled, MirrorError> {
        let (m, n) = (self.size(), offered.checkpoint.size);
        let mut edge = match self.resume.take() {
            Some(r) if r.edge.size() <= n => r.edge,
            Some(r) => {
                // The kept objects reach beyond this checkpoint: drop them,
                // so that the intent below names everything beyond `m`.
                self.discard(r.target)?;
                self.edge.clone()
            }
            None => self.edge.clone(),
        };
        if n > m {
            let mut intent = format!("{m} {n}\n").into_bytes();
            intent.extend_from_slice(&offered.to_bytes());
            self.storage.write_private(PENDING, &intent)?;
        }
        // From here on, a failure leaves objects of this batch behind: the
        // next pull recovers them first, as a restart would.
        self.interrupted = true;
        // Entries kept from an interrupted batch may have come from another
        // source: a mismatch with them is not this source's doing.
        let resumed = edge.size() > m;
        let mut tiles_differ = Vec::new();
        let mismatch = match self.fetch_into(source, &mut edge, n, &mut tiles_differ)? {
            Some(why) => Some(why),
            None => {
                let root = edge.root();
                (root != offered.checkpoint.root).then(|| {
                    format!(
                        "the entries the source serves, after the mirror's {m}, give root {root}; its checkpoint of size {n} says {}",
                        offered.checkpoint.root
                    )
                })
            }
        };
        if let Some(why) = mismatch {
            self.discard(n)?;
            self.interrupted = false;
            if resumed {
                tracing::info!(
                    "the entries kept from an interrupted copy do not fit this checkpoint: copying again from {m}"
                );
                return self.copy(source, offered);
            }
            return self.refuse_mismatch(source, &offered, why);
        }
        let partials = edge.partial_objects(m);
        if self.options.check_source_tiles {
            tiles_differ.extend(self.compare_source_tiles(source, &partials));
        }
        self.storage.create_all(&partials)?;
        self.commit(&offered, edge)?;
        self.interrupted = false;
        tracing::info!(from = m, to = n, "mirrored");
        let source_tiles = if tiles_differ.is_empty() {
            None
        } else {
            let why = format!(
                "the source's hash tiles differ from those computed from the entries its checkpoint of size {n} commits to (the mirror serves its own):\n{}",
                tiles_differ.join("\n")
            );
            Some(self.record(EvidenceKind::SourceTiles, &offered, why)?)
        };
        Ok(Pulled::Advanced {
            from: m,
            to: n,
            source_tiles,
        })
    }

    /// Fetches the entry bundles from the edge's size to `n`, appends their
    /// entries to `edge`, and stores the full tiles and bundles they give,
    /// a group at a time. Returns why, when the source's bundles hold
    /// entries before the edge's size other than the mirror's.
    fn fetch_into<S: TileSource + Sync + ?Sized>(
        &self,
        source: &S,
        edge: &mut RightEdge,
        n: u64,
        tiles_differ: &mut Vec<String>,
    ) -> Result<Option<String>, MirrorError> {
        let end = n.div_ceil(TILE_WIDTH);
        let mut t = edge.size() / TILE_WIDTH;
        // Bundles per group: as many as asked, fewer when bundles are large,
        // so that a group holds about GROUP_BYTES.
        let mut group = self.options.bundles_per_write.max(1) as u64;
        while t < end {
            let upto = (t + group).min(end);
            let ids: Vec<TileId> = (t..upto).map(|t| bundle_at(t, n)).collect();
            let bundles = fetch_all(source, &ids, self.options.fetch_threads, fetch_bundle);
            let mut objects = Vec::new();
            let mut bytes = 0usize;
            for (id, bundle) in ids.iter().zip(bundles) {
                let entries = bundle?;
                bytes += entries.iter().map(Vec::len).sum::<usize>();
                // Entries of this bundle the mirror already has (the start of
                // the first one) must be its own: they are not appended.
                let have = edge.size().saturating_sub(id.index * TILE_WIDTH) as usize;
                if let Some(i) = (0..have).find(|&i| leaf_hash(&entries[i]) != edge.partial(0)[i]) {
                    return Ok(Some(format!(
                        "{} holds, at entry {}, an entry other than the one the mirror holds there",
                        id.path(),
                        id.index * TILE_WIDTH + i as u64
                    )));
                }
                objects.extend(
                    edge.append_entries(&entries[have..])
                        .into_iter()
                        .filter(|(p, _)| is_full(p)),
                );
            }
            self.storage.create_all(&objects)?;
            if self.options.check_source_tiles {
                tiles_differ.extend(self.compare_source_tiles(source, &objects));
            }
            tracing::debug!(size = edge.size(), target = n, "copied");
            let per_bundle = (bytes / ids.len()).max(1);
            group = ((GROUP_BYTES / per_bundle) as u64)
                .clamp(1, self.options.bundles_per_write.max(1) as u64);
            t = upto;
        }
        Ok(None)
    }

    /// Deletes every object a batch towards `target` may have written.
    fn discard(&mut self, target: u64) -> Result<(), MirrorError> {
        let paths: Vec<String> = new_tiles(self.size(), target)
            .iter()
            .map(TileId::path)
            .collect();
        // A partial tile of the mirror's own size is never among them:
        // `new_tiles` lists partial tiles at the new width only, and a
        // level whose width did not change is not listed.
        self.storage.delete_all(&paths, true)?;
        self.resume = None;
        Ok(())
    }

    /// Publishes `offered` as the mirror checkpoint, cosigned now: every
    /// object it covers is durable.
    fn commit(&mut self, offered: &SignedCheckpoint, edge: RightEdge) -> Result<(), MirrorError> {
        let m = self.size();
        let note = self.carried(&offered.note)?;
        let mut cp = SignedCheckpoint {
            checkpoint: offered.checkpoint.clone(),
            note,
        };
        let sig = self.key.cosign(&cp.checkpoint, now())?;
        cp.note.add_signature(sig)?;
        self.publish_checkpoint(&cp.to_bytes())?;
        let n = cp.checkpoint.size;
        self.mirrored = Some(cp);
        self.edge = edge;
        self.resume = None;
        self.collect_partials(m, n);
        Ok(())
    }

    /// The origin's note as the mirror carries it: every signature line but
    /// the mirror's own (it adds a fresh one), the log's first, at most
    /// [`MAX_CARRIED_SIGNATURES`].
    fn carried(&self, origin: &Note) -> Result<Note, MirrorError> {
        let mut note = Note::new(origin.text())?;
        let (own, log) = (
            (self.key.name(), self.key.key_id()),
            (self.log_key.name(), self.log_key.key_id()),
        );
        fn id(s: &NoteSignature) -> (&str, u32) {
            (s.name.as_str(), s.key_id)
        }
        let sigs = origin.signatures();
        let ordered = sigs
            .iter()
            .filter(|s| id(s) == log)
            .chain(sigs.iter().filter(|s| id(s) != log && id(s) != own));
        for s in ordered
            .filter(|s| self.carriable(origin, s))
            .take(MAX_CARRIED_SIGNATURES)
        {
            note.add_signature(s.clone())?;
        }
        Ok(note)
    }

    /// Whether a line of the source's note may be carried: not by a cosigner
    /// the mirror knows, or by one and verifying (see
    /// [`MirrorOptions::cosigners`]).
    fn carriable(&self, origin: &Note, s: &NoteSignature) -> bool {
        match self
            .options
            .cosigners
            .iter()
            .find(|k| k.name() == s.name && k.key_id() == s.key_id)
        {
            None => true,
            Some(k) => {
                let ok = k
                    .verify_cosignature(origin.text().as_bytes(), &s.signature)
                    .is_some();
                if !ok {
                    tracing::warn!(
                        cosigner = %s.name,
                        "the source's checkpoint carries a cosignature by a known cosigner that does not verify: dropped"
                    );
                }
                ok
            }
        }
    }

    /// The same checkpoint as the mirror's, perhaps with more signature
    /// lines (cosignatures the operator gathered since): those are added.
    fn merge_signatures(&mut self, offered: &SignedCheckpoint) -> Result<Pulled, MirrorError> {
        let mine = self.mirrored.clone().expect("a mirror checkpoint");
        let size = mine.checkpoint.size;
        let own = (self.key.name(), self.key.key_id());
        let mut note = mine.note.clone();
        let mut added = 0;
        for s in offered.note.signatures() {
            if note.signatures().len() > MAX_CARRIED_SIGNATURES {
                break;
            }
            let known = note
                .signatures()
                .iter()
                .any(|x| x.name == s.name && x.key_id == s.key_id);
            if !known && (s.name.as_str(), s.key_id) != own && self.carriable(&offered.note, s) {
                note.add_signature(s.clone())?;
                added += 1;
            }
        }
        if added > 0 {
            let cp = SignedCheckpoint {
                checkpoint: mine.checkpoint,
                note,
            };
            self.publish_checkpoint(&cp.to_bytes())?;
            self.mirrored = Some(cp);
            tracing::info!(
                size,
                added,
                "signature lines added to the mirror checkpoint"
            );
        }
        Ok(Pulled::Unchanged {
            size,
            signatures: added,
        })
    }

    /// The entries fetched do not give the offered root: tells, from the
    /// source's own tiles, whether the checkpoint forks from the mirror's
    /// log or the source serves entries its checkpoint does not commit to.
    fn refuse_mismatch<S: TileSource + ?Sized>(
        &mut self,
        source: &S,
        offered: &SignedCheckpoint,
        why: String,
    ) -> Result<Pulled, MirrorError> {
        let (m, n) = (self.size(), offered.checkpoint.size);
        let mut reader = TileReader::new(source);
        // The source's tiles are worth something only if they give the
        // root the log signed; then their tree at the mirror's size is the
        // log's too.
        let theirs = (|| -> Result<Option<Hash>, ReadError> {
            if reader.root(n)? != offered.checkpoint.root {
                return Ok(None);
            }
            Ok(Some(root_at(&mut reader, n, m)?))
        })();
        let mine = self
            .mirrored
            .as_ref()
            .map_or(Hash::EMPTY_ROOT, |c| c.checkpoint.root);
        let (kind, detail) = match theirs {
            Ok(Some(r)) if r == mine => (
                EvidenceKind::BadEntries,
                format!(
                    "{why}. The source's hash tiles give the checkpoint's root and extend the mirror's log: the checkpoint is consistent, the entries served are not the ones it commits to"
                ),
            ),
            Ok(Some(r)) => (
                EvidenceKind::Fork,
                format!(
                    "{why}. The source's hash tiles give the checkpoint's root and, at size {m}, root {r}: the log signed a history other than the one the mirror holds (root {mine} at size {m})"
                ),
            ),
            Ok(None) => (
                EvidenceKind::RootMismatch,
                format!(
                    "{why}. The source's hash tiles do not give the checkpoint's root either: a fork cannot be told from bad data"
                ),
            ),
            Err(e) => (
                EvidenceKind::RootMismatch,
                format!(
                    "{why}. The source's hash tiles could not be read to tell a fork from bad data: {e}"
                ),
            ),
        };
        self.refuse(kind, offered, detail, source)
    }

    fn refuse<S: TileSource + ?Sized>(
        &mut self,
        kind: EvidenceKind,
        offered: &SignedCheckpoint,
        why: String,
        source: &S,
    ) -> Result<Pulled, MirrorError> {
        let why = format!("{why}\nsource: {}", source.describe());
        let evidence = self.record(kind, offered, why)?;
        Ok(Pulled::Refused(evidence))
    }

    fn record(
        &self,
        kind: EvidenceKind,
        offered: &SignedCheckpoint,
        why: String,
    ) -> Result<Evidence, MirrorError> {
        let mirrored = self.mirrored.as_ref().map(SignedCheckpoint::to_bytes);
        let e = crate::evidence::record(
            self.storage.as_ref(),
            kind,
            mirrored,
            offered.to_bytes(),
            why,
            now(),
        )?;
        if e.new {
            match kind {
                EvidenceKind::Fork => tracing::error!(
                    kind = %kind, at = %e.path, "refused the source's checkpoint: {}", e.why
                ),
                _ => tracing::warn!(kind = %kind, at = %e.path, "{}", e.why),
            }
        }
        Ok(e)
    }

    /// The root of the mirror's own tree at `size` (at most its size).
    fn own_root_at(&self, size: u64) -> Result<Hash, MirrorError> {
        let mut reader = TileReader::new(StorageSource(self.storage.clone()));
        root_at(&mut reader, self.size(), size).map_err(|e| {
            MirrorError::Corrupt(format!(
                "the mirror's own tiles do not give its root at size {size}: {e}"
            ))
        })
    }

    /// The source's hash tiles among `objects` that differ from them, as
    /// lines for the evidence.
    fn compare_source_tiles<S: TileSource + Sync + ?Sized>(
        &self,
        source: &S,
        objects: &[Object],
    ) -> Vec<String> {
        let tiles: Vec<(TileId, &Vec<u8>)> = objects
            .iter()
            .filter_map(|(p, d)| Some((TileId::parse_path(p).ok()?, d)))
            .filter(|(id, _)| matches!(id.kind, TileKind::Hashes { .. }))
            .collect();
        let ids: Vec<TileId> = tiles.iter().map(|(id, _)| *id).collect();
        let got = fetch_all(source, &ids, self.options.fetch_threads, fetch_tile);
        let mut out = Vec::new();
        for ((id, ours), theirs) in tiles.iter().zip(got) {
            match theirs {
                Ok(t) if &t == *ours => {}
                Ok(_) => out.push(format!("{}: differs from the mirror's", id.path())),
                Err(e) => tracing::debug!(tile = %id.path(), "source tile not compared: {e}"),
            }
        }
        out
    }

    /// Deletes partial tiles whose full tile the commit from `old` to `new`
    /// published. A failure leaves only redundant files: logged.
    fn collect_partials(&mut self, old: u64, new: u64) {
        let doomed = tlog::log::redundant_partials(&mut self.partial_widths, old, new);
        if !doomed.is_empty()
            && let Err(e) = self.storage.delete_all(&doomed, false)
        {
            tracing::warn!("could not delete redundant partial tiles: {e}");
        }
    }

    /// A mirror checkpoint without the mirror's valid cosignature (the key
    /// was changed) is cosigned again: everything it covers is durable.
    fn ensure_cosigned(&mut self) -> Result<(), MirrorError> {
        let Some(cp) = &self.mirrored else {
            return Ok(());
        };
        let key = self.key.verifier();
        if cp.note.is_signed_by(&key) {
            return Ok(());
        }
        let mut note = self.carried(&cp.note)?;
        note.add_signature(self.key.cosign(&cp.checkpoint, now())?)?;
        let cp = SignedCheckpoint {
            checkpoint: cp.checkpoint.clone(),
            note,
        };
        self.publish_checkpoint(&cp.to_bytes())?;
        tracing::info!(size = cp.checkpoint.size, cosigner = %key, "mirror checkpoint cosigned by this mirror's key");
        self.mirrored = Some(cp);
        Ok(())
    }

    /// Replaces the mirror checkpoint (or publishes the first). The mirror
    /// holds its storage's writer lock, so the one read is the one swapped.
    fn publish_checkpoint(&self, bytes: &[u8]) -> Result<(), MirrorError> {
        match self.storage.read(tlog::storage::CHECKPOINT)? {
            Some(current) => self.storage.swap_checkpoint(&current, bytes)?,
            None => self.storage.create_checkpoint(bytes)?,
        }
        Ok(())
    }

    /// Recovers an interrupted batch (see the module's documentation).
    fn recover(&mut self) -> Result<(), MirrorError> {
        let Some(raw) = self.storage.read_private(PENDING)? else {
            return Ok(());
        };
        let m = self.size();
        let (head, note) = match raw.iter().position(|&b| b == b'\n') {
            Some(i) => (&raw[..i], &raw[i + 1..]),
            None => (&raw[..], &[][..]),
        };
        let head = String::from_utf8_lossy(head);
        let mut it = head.split_whitespace().map(str::parse::<u64>);
        let (old, target) = match (it.next(), it.next()) {
            (Some(Ok(o)), Some(Ok(t))) if o < t => (o, t),
            _ => {
                return Err(MirrorError::Corrupt(format!(
                    "unreadable batch record .tlog/{PENDING}: {head:?}"
                )));
            }
        };
        if old != m {
            if old > m {
                return Err(MirrorError::Corrupt(format!(
                    "a batch from size {old} was in progress but the mirror checkpoint is at size {m}"
                )));
            }
            return Ok(()); // committed
        }
        let mut edge = self.edge.clone();
        let mut fixed = 0usize;
        for t in m / TILE_WIDTH..target.div_ceil(TILE_WIDTH) {
            let id = bundle_at(t, target);
            let Some(data) = self.storage.read(&id.path())? else {
                break;
            };
            let Some(entries) = parse_bundle(&data) else {
                break;
            };
            if entries.len() != usize::from(id.width) {
                break;
            }
            let have = edge.size().saturating_sub(t * TILE_WIDTH) as usize;
            if (0..have).any(|i| leaf_hash(entries[i]) != edge.partial(0)[i]) {
                break;
            }
            let mut next = edge.clone();
            let objects: Vec<Object> = next
                .append_entries(&entries[have..])
                .into_iter()
                .filter(|(p, _)| is_full(p))
                .collect();
            fixed += self.reconcile(&objects)?;
            edge = next;
        }
        let r = edge.size();
        if r == target {
            let partials = edge.partial_objects(m);
            fixed += self.reconcile(&partials)?;
            let offered = SignedCheckpoint::parse(note)
                .ok()
                .filter(|c| c.verify(Some(&self.log_key), &[]).is_ok())
                .filter(|c| c.checkpoint.size == target);
            if let Some(offered) = offered
                && edge.root() == offered.checkpoint.root
            {
                self.commit(&offered, edge)?;
                tracing::info!(
                    from = m,
                    to = target,
                    fixed,
                    "completed a mirror batch interrupted before its checkpoint"
                );
                return Ok(());
            }
            tracing::warn!(
                from = m,
                to = target,
                "an interrupted batch does not give its checkpoint's root: removed"
            );
            self.discard(target)?;
            return Ok(());
        }
        // Everything of the batch beyond the checked prefix goes.
        let keep: std::collections::HashSet<String> = new_tiles(m, r)
            .iter()
            .filter(|t| t.is_full())
            .map(TileId::path)
            .collect();
        let doomed: Vec<String> = new_tiles(m, target)
            .iter()
            .map(TileId::path)
            .filter(|p| !keep.contains(p))
            .collect();
        self.storage.delete_all(&doomed, true)?;
        tracing::info!(
            from = m,
            to = target,
            kept = r,
            fixed,
            "an interrupted mirror batch: its checked prefix is kept, the rest is fetched again"
        );
        if r > m {
            self.resume = Some(Resume { edge, target });
        }
        Ok(())
    }

    /// Makes the stored objects exactly `objects`: equal ones are kept,
    /// different ones (torn writes) removed and written again, missing ones
    /// written. Returns how many were written.
    fn reconcile(&self, objects: &[Object]) -> Result<usize, MirrorError> {
        let mut wrong = Vec::new();
        let mut write = Vec::new();
        for (path, data) in objects {
            match self.storage.read(path)? {
                Some(d) if &d == data => {}
                Some(_) => {
                    wrong.push(path.clone());
                    write.push((path.clone(), data.clone()));
                }
                None => write.push((path.clone(), data.clone())),
            }
        }
        self.storage.delete_all(&wrong, true)?;
        self.storage.create_all(&write)?;
        Ok(write.len())
    }
}

/// The entry bundle `t` at the width a tree of `size` has.
fn bundle_at(t: u64, size: u64) -> TileId {
    let width = (size - t * TILE_WIDTH).min(TILE_WIDTH) as u16;
    TileId::entries(t, width)
}

fn is_full(path: &str) -> bool {
    TileId::parse_path(path).is_ok_and(|t| t.is_full())
}

/// The root of the tree at `size` (at most `at`), from the tiles of the
/// tree at `at`: its perfect subtrees are complete in the larger tree.
fn root_at<S: TileSource>(
    reader: &mut TileReader<S>,
    at: u64,
    size: u64,
) -> Result<Hash, ReadError> {
    if size == 0 {
        return Ok(Hash::EMPTY_ROOT);
    }
    let plan = vec![range_nodes(0, size)];
    Ok(resolve(&plan, &mut AtSize { reader, size: at })?[0])
}

/// Loads the right edge of the mirror's tree of `size` from its partial
/// tiles (or full ones standing in).
fn load_edge(storage: &dyn Storage, size: u64) -> Result<RightEdge, MirrorError> {
    let edge = RightEdge::load(size, true, |t| {
        storage
            .read(&t.path())?
            .or(storage.read(&t.full().path())?)
            .ok_or_else(|| {
                MirrorError::Corrupt(format!(
                    "{} is missing, but the mirror checkpoint (size {size}) needs it",
                    t.path()
                ))
            })
    })?;
    edge.map_err(|e| MirrorError::Corrupt(e.to_string()))
}

/// Fetches `ids` with `fetch`, on up to `threads` threads, in order.
fn fetch_all<S, T>(
    source: &S,
    ids: &[TileId],
    threads: usize,
    fetch: fn(&S, TileId) -> Result<T, ReadError>,
) -> Vec<Result<T, ReadError>>
where
    S: TileSource + Sync + ?Sized,
    T: Send,
{
    let threads = threads.clamp(1, ids.len().max(1));
    if threads == 1 {
        return ids.iter().map(|id| fetch(source, *id)).collect();
    }
    let mut out: Vec<Option<Result<T, ReadError>>> = (0..ids.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                s.spawn(move || {
                    ids.iter()
                        .enumerate()
                        .skip(k)
                        .step_by(threads)
                        .map(|(i, id)| (i, fetch(source, *id)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().expect("a fetch thread panicked") {
                out[i] = Some(r);
            }
        }
    });
    out.into_iter()
        .map(|r| r.expect("every object fetched"))
        .collect()
}
