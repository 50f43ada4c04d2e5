//! The log writer: appends batches of entries durably and publishes a new
//! signed checkpoint for each, and recovers after a crash.
//!
//! # The commit protocol
//!
//! For a batch taking the tree from size `old` to `new`:
//!
//! 1. record the intent `old new` in the private object `pending` (durable);
//! 2. create every new tile and entry bundle (create-only, durable);
//! 3. replace `checkpoint` with one signed for `new` (atomic, durable):
//!    this is the commit point, after which indices `old..new` are acknowledged;
//! 4. delete partial tiles that the full tiles of this batch made redundant.
//!
//! Witnesses are asked only after step 3, so a witness never cosigns a
//! checkpoint whose objects are not all durable. Their cosignatures are
//! added afterwards ([`Log::add_cosignatures`]) by replacing `checkpoint`
//! with the same note plus their lines, only while it is still the current
//! checkpoint: the text does not change, so neither does any signature, and
//! a crash loses at most the lines, which a witness gives again (it
//! cosigns the size it holds, with the same root, again).
//!
//! A crash can leave a batch whose tiles are written but whose checkpoint is
//! not (or whose checkpoint became visible but not durable). On open, a
//! `pending` intent whose `old` equals the checkpoint's size names exactly
//! the objects of that batch. If all of them are there and are exactly what
//! the batch's entries give, the batch is completed: its checkpoint is signed
//! again (Ed25519 is deterministic, so it is byte for byte the one a reader
//! may have seen) and published. Otherwise its checkpoint was never renamed
//! into place, no one can have seen it, and its objects are deleted. Either
//! way every write stays create-only and a published object never changes.

use std::ops::Range;
use std::sync::Arc;

use crate::checkpoint::{Checkpoint, CheckpointError, SignedCheckpoint};
use crate::hash::Hash;
use crate::keys::{KeyType, SignerKey, VerifierKey};
use crate::storage::{CHECKPOINT, Commit, CommitStage, Storage, StorageError, WriterLock};
use crate::tile::{MAX_ENTRY_SIZE, TILE_WIDTH, TileId, hashes_at_level, new_tiles};
use crate::tree::{EdgeError, RightEdge, hash_entries};

/// The name of the private object that records a batch in progress.
const PENDING: &str = "pending";

/// Everything that can go wrong opening or appending to a log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("there is no log here (no checkpoint)")]
    NoLog,
    #[error("a log already exists here (it has a checkpoint)")]
    AlreadyExists,
    #[error("the signer key must be an Ed25519 (type 0x01) note key")]
    WrongKeyType,
    #[error("the log's checkpoint is for origin {found:?} but the signer key is {key:?}")]
    OriginMismatch { found: String, key: String },
    #[error("entry {index_in_batch} of the batch is {size} bytes; an entry is at most 65535 bytes")]
    EntryTooLarge { index_in_batch: usize, size: usize },
    #[error("log is corrupt: {0}")]
    Corrupt(String),
    #[error("the log stopped accepting entries after an earlier failure: {0}")]
    Poisoned(String),
    #[error("tree size would overflow")]
    Overflow,
}

impl From<EdgeError> for LogError {
    fn from(e: EdgeError) -> Self {
        LogError::Corrupt(e.to_string())
    }
}

/// The single writer of a log.
pub struct Log {
    storage: Arc<dyn Storage>,
    signer: SignerKey,
    verifier: VerifierKey,
    edge: RightEdge,
    checkpoint: SignedCheckpoint,
    /// Widths of partial tiles published for the current rightmost tile of
    /// each level (level 0 covers entry bundles too): deleted once that tile
    /// is full. Those published before this process opened the log are
    /// known only by the one the checkpoint needs.
    partial_widths: Vec<Vec<u16>>,
    poisoned: Option<String>,
    _lock: Box<dyn WriterLock>,
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log")
            .field("origin", &self.checkpoint.checkpoint.origin)
            .field("size", &self.checkpoint.checkpoint.size)
            .finish_non_exhaustive()
    }
}

impl Log {
    /// Creates a new, empty log whose origin is the signer key's name, and
    /// publishes its first checkpoint (size 0).
    pub fn create(storage: Arc<dyn Storage>, signer: SignerKey) -> Result<Log, LogError> {
        if signer.key_type() != KeyType::Ed25519 {
            return Err(LogError::WrongKeyType);
        }
        let lock = storage.lock()?;
        if storage.read(CHECKPOINT)?.is_some() {
            return Err(LogError::AlreadyExists);
        }
        let cp = Checkpoint {
            origin: signer.name().to_string(),
            size: 0,
            root: Hash::EMPTY_ROOT,
            extensions: vec![],
        };
        let signed = cp.sign(&signer)?;
        storage
            .create_checkpoint(&signed.to_bytes())
            .map_err(|e| match e {
                StorageError::AlreadyExists { .. } => LogError::AlreadyExists,
                e => e.into(),
            })?;
        let verifier = signer.verifier();
        Ok(Log {
            storage,
            signer,
            verifier,
            edge: RightEdge::new(true),
            checkpoint: signed,
            partial_widths: Vec::new(),
            poisoned: None,
            _lock: lock,
        })
    }

    /// Opens an existing log for writing: takes the writer lock, checks the
    /// checkpoint's signature, removes what an interrupted batch left behind,
    /// and checks that the partial tiles reproduce the checkpoint's root.
    pub fn open(storage: Arc<dyn Storage>, signer: SignerKey) -> Result<Log, LogError> {
        let lock = storage.lock()?;
        Log::open_locked(storage, signer, lock)
    }

    /// As [`Log::open`], with the writer lock already taken (by
    /// [`Storage::lock_as`], naming its holder).
    pub fn open_locked(
        storage: Arc<dyn Storage>,
        signer: SignerKey,
        lock: Box<dyn WriterLock>,
    ) -> Result<Log, LogError> {
        if signer.key_type() != KeyType::Ed25519 {
            return Err(LogError::WrongKeyType);
        }
        lock.check()?;
        storage.recover()?;
        let verifier = signer.verifier();
        let (checkpoint, edge) = recover(storage.as_ref(), &signer, &verifier)?;
        let mut partial_widths = Vec::new();
        for level in 0..=crate::tile::MAX_LEVEL {
            let n = hashes_at_level(checkpoint.checkpoint.size, level);
            if n == 0 {
                break;
            }
            let w = (n % TILE_WIDTH) as u16;
            partial_widths.push(if w > 0 { vec![w] } else { vec![] });
        }
        Ok(Log {
            storage,
            signer,
            verifier,
            edge,
            checkpoint,
            partial_widths,
            poisoned: None,
            _lock: lock,
        })
    }

    /// The latest published checkpoint.
    pub fn checkpoint(&self) -> &SignedCheckpoint {
        &self.checkpoint
    }

    pub fn size(&self) -> u64 {
        self.checkpoint.checkpoint.size
    }

    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// Appends a batch of entries durably; returns their indices once a
    /// checkpoint covering them is published.
    pub fn append_batch<E: AsRef<[u8]> + Sync>(
        &mut self,
        entries: &[E],
    ) -> Result<Range<u64>, LogError> {
        check_entries(entries)?;
        let leaf_hashes = hash_entries(entries);
        self.append_hashed(entries, &leaf_hashes)
    }

    /// As [`Log::append_batch`], with the entries' leaf hashes computed by
    /// the caller (the sequencer has its callers hash their own entries, in
    /// parallel with the commit of the previous batch).
    pub fn append_hashed<E: AsRef<[u8]> + Sync>(
        &mut self,
        entries: &[E],
        leaf_hashes: &[Hash],
    ) -> Result<Range<u64>, LogError> {
        if let Some(why) = &self.poisoned {
            return Err(LogError::Poisoned(why.clone()));
        }
        check_entries(entries)?;
        let old = self.size();
        if entries.is_empty() {
            return Ok(old..old);
        }
        let new = old
            .checked_add(entries.len() as u64)
            .ok_or(LogError::Overflow)?;
        assert_eq!(entries.len(), leaf_hashes.len(), "one leaf hash per entry");
        let mut edge = self.edge.clone();
        let objects = edge.append_hashed(entries, leaf_hashes);
        let root = edge.root();
        let cp = Checkpoint {
            origin: self.signer.name().to_string(),
            size: new,
            root,
            extensions: vec![],
        };
        let signed = cp.sign(&self.signer)?;

        let intent = format!("{old} {new}\n");
        let cp_bytes = signed.to_bytes();
        let previous = self.checkpoint.to_bytes();
        if let Err(e) = self._lock.check() {
            self.poisoned = Some(e.to_string());
            return Err(e.into());
        }
        if let Err(e) = self.storage.commit_batch(&Commit {
            old_size: old,
            new_size: new,
            intent: (PENDING, intent.as_bytes()),
            objects: &objects,
            previous: &previous,
            checkpoint: &cp_bytes,
        }) {
            if matches!(
                e.error,
                StorageError::Conflict { .. } | StorageError::LeaseLost { .. }
            ) {
                // Another writer holds the log now: this one must neither
                // undo anything (the objects at these paths may be the other
                // writer's) nor go on.
                self.poisoned = Some(format!("{e}; this writer has stopped"));
            } else if e.stage == CommitStage::Checkpoint {
                // The new checkpoint may or may not be visible: only recovery
                // on reopen can tell, so stop here.
                self.poisoned = Some(format!(
                    "publishing the checkpoint failed: {e}; reopen the log to recover"
                ));
            } else if e.stage == CommitStage::Objects {
                // The published checkpoint is untouched, so undoing the
                // batch's objects is safe.
                let paths: Vec<String> = new_tiles(old, new).iter().map(TileId::path).collect();
                if let Err(e2) = self.storage.delete_all(&paths, true) {
                    self.poisoned =
                        Some(format!("{e}; removing the batch's tiles failed too: {e2}"));
                }
            }
            return Err(e.error.into());
        }
        self.edge = edge;
        self.checkpoint = signed;
        self.collect_partials(old, new);
        Ok(old..new)
    }

    /// Adds cosignatures (from witnesses or mirrors, verified by the caller)
    /// to the published checkpoint, if it is still the checkpoint `of`;
    /// returns whether it was. The note's text, and so every signature on it,
    /// is unchanged: the replace is atomic, and a reader sees the note with
    /// or without the new lines, both valid. A crash before or after it
    /// loses at most the lines, which the next round of witnessing gathers
    /// again (a witness cosigns a checkpoint of the size it holds, with the
    /// same root, again). Lines already on the note are not repeated.
    pub fn add_cosignatures(
        &mut self,
        of: &Checkpoint,
        lines: &[crate::note::NoteSignature],
    ) -> Result<bool, LogError> {
        if let Some(why) = &self.poisoned {
            return Err(LogError::Poisoned(why.clone()));
        }
        if self.checkpoint.checkpoint != *of {
            return Ok(false);
        }
        let mut note = self.checkpoint.note.clone();
        let before = note.signatures().len();
        for l in lines {
            note.add_signature(l.clone())
                .map_err(|e| LogError::Checkpoint(e.into()))?;
        }
        if note.signatures().len() == before {
            return Ok(true);
        }
        let signed = SignedCheckpoint {
            checkpoint: self.checkpoint.checkpoint.clone(),
            note,
        };
        if let Err(e) = self
            .storage
            .swap_checkpoint(&self.checkpoint.to_bytes(), &signed.to_bytes())
        {
            if matches!(e, StorageError::Conflict { .. }) {
                self.poisoned = Some(format!("{e}; this writer has stopped"));
            }
            return Err(e.into());
        }
        self.checkpoint = signed;
        Ok(true)
    }

    /// Deletes partial tiles whose full tile this batch published. Failure
    /// only leaves redundant files behind, so it is logged, not returned.
    fn collect_partials(&mut self, old: u64, new: u64) {
        let doomed = redundant_partials(&mut self.partial_widths, old, new);
        if !doomed.is_empty()
            && let Err(e) = self.storage.delete_all(&doomed, false)
        {
            tracing::warn!("could not delete redundant partial tiles: {e}");
        }
    }
}

/// Checks every entry's size before anything is written.
pub(crate) fn check_entries<E: AsRef<[u8]>>(entries: &[E]) -> Result<(), LogError> {
    for (i, e) in entries.iter().enumerate() {
        if e.as_ref().len() > MAX_ENTRY_SIZE {
            return Err(LogError::EntryTooLarge {
                index_in_batch: i,
                size: e.as_ref().len(),
            });
        }
    }
    Ok(())
}

/// Reads and checks the checkpoint, undoes an unpublished batch, and loads
/// the right edge of the tree.
/// The partial tiles (and entry bundles) that a commit from `old` to `new`
/// made redundant, by path: those of each level's rightmost tile that is
/// full at `new`. `partial_widths` holds, per level, the widths published
/// for its current rightmost tile; it is updated for `new`.
pub fn redundant_partials(partial_widths: &mut Vec<Vec<u16>>, old: u64, new: u64) -> Vec<String> {
    let mut doomed = Vec::new();
    for level in 0..=crate::tile::MAX_LEVEL {
        let (o, n) = (hashes_at_level(old, level), hashes_at_level(new, level));
        if n == 0 {
            break;
        }
        let l = usize::from(level);
        if partial_widths.len() <= l {
            partial_widths.push(Vec::new());
        }
        if n / TILE_WIDTH > o / TILE_WIDTH {
            // The tile that was partial at `old` is full now.
            let index = o / TILE_WIDTH;
            for w in partial_widths[l].drain(..) {
                doomed.push(TileId::hashes(level, index, w).path());
                if level == 0 {
                    doomed.push(TileId::entries(index, w).path());
                }
            }
        }
        let w = (n % TILE_WIDTH) as u16;
        if w > 0 && n != o {
            partial_widths[l].push(w);
        }
    }
    doomed
}

fn recover(
    storage: &dyn Storage,
    signer: &SignerKey,
    verifier: &VerifierKey,
) -> Result<(SignedCheckpoint, RightEdge), LogError> {
    let raw = storage.read(CHECKPOINT)?.ok_or(LogError::NoLog)?;
    let cp = SignedCheckpoint::parse(&raw)?;
    if cp.checkpoint.origin != verifier.name() {
        return Err(LogError::OriginMismatch {
            found: cp.checkpoint.origin.clone(),
            key: verifier.to_string(),
        });
    }
    cp.verify(Some(verifier), &[])?;
    let size = cp.checkpoint.size;

    let load = |at: u64| -> Result<RightEdge, LogError> {
        Ok(RightEdge::load(at, true, |t| {
            storage
                .read(&t.path())?
                .or(storage.read(&t.full().path())?)
                .ok_or_else(|| {
                    LogError::Corrupt(format!(
                        "{} is missing, but the checkpoint (size {at}) needs it",
                        t.path()
                    ))
                })
        })??)
    };
    let mut edge = load(size)?;
    let root = edge.root();
    if root != cp.checkpoint.root {
        return Err(LogError::Corrupt(format!(
            "the partial tiles give root {root}, the checkpoint says {}",
            cp.checkpoint.root
        )));
    }

    if let Some(p) = storage.read_private(PENDING)? {
        let text = String::from_utf8_lossy(&p);
        let mut it = text.split_whitespace().map(str::parse::<u64>);
        match (it.next(), it.next()) {
            (Some(Ok(old)), Some(Ok(new))) if old < new => {
                if old == size {
                    return finish_interrupted_batch(storage, signer, &raw, cp, edge, new);
                } else if size < old {
                    return Err(LogError::Corrupt(format!(
                        "a batch from size {old} was in progress but the checkpoint is at size {size}"
                    )));
                }
                // size >= new: that batch was published; nothing to do.
            }
            _ => {
                return Err(LogError::Corrupt(format!(
                    "unreadable pending-batch record {text:?}"
                )));
            }
        }
    }
    Ok((cp, edge))
}

/// Completes a batch from `edge.size()` to `new` whose objects are all in
/// place, or removes those of it that are.
fn finish_interrupted_batch(
    storage: &dyn Storage,
    signer: &SignerKey,
    raw: &[u8],
    cp: SignedCheckpoint,
    edge: RightEdge,
    new: u64,
) -> Result<(SignedCheckpoint, RightEdge), LogError> {
    let old = edge.size();
    let tiles = new_tiles(old, new);
    let paths: Vec<String> = tiles.iter().map(TileId::path).collect();

    // The batch's entries, from its bundles.
    let mut entries: Vec<Vec<u8>> = Vec::new();
    let mut complete = true;
    for t in tiles
        .iter()
        .filter(|t| t.kind == crate::tile::TileKind::Entries)
    {
        let Some(data) = storage.read(&t.path())? else {
            complete = false;
            break;
        };
        let Some(list) = crate::tree::parse_bundle(&data) else {
            complete = false;
            break;
        };
        let first = t.index * TILE_WIDTH;
        for (i, e) in list.iter().enumerate() {
            if first + i as u64 >= old {
                entries.push(e.to_vec());
            }
        }
    }
    if complete && entries.len() as u64 == new - old {
        let mut forward = edge.clone();
        let objects = forward.append_entries(&entries);
        let mut all_there = true;
        for (path, data) in &objects {
            if storage.read(path)?.as_deref() != Some(data.as_slice()) {
                all_there = false;
                break;
            }
        }
        if all_there {
            let next = Checkpoint {
                origin: signer.name().to_string(),
                size: new,
                root: forward.root(),
                extensions: vec![],
            };
            let signed = next.sign(signer)?;
            storage.swap_checkpoint(raw, &signed.to_bytes())?;
            tracing::info!(
                old,
                new,
                "completed a batch interrupted after its tiles were written"
            );
            return Ok((signed, forward));
        }
    }
    tracing::info!(
        old,
        new,
        "removing the objects of a batch that was never published"
    );
    storage.delete_all(&paths, true)?;
    Ok((cp, edge))
}
