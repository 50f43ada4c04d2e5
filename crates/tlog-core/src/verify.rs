//! Whole-log verification, the checks of an independent verifier such as
//! tlogcheck: the checkpoint's signature and cosignatures; the tree rebuilt
//! from the level-0 tiles gives the checkpoint's root; every published hash
//! tile matches the rebuilt tree; optionally every entry bundle hashes to its
//! level-0 tile; optionally an older checkpoint is a prefix of this log.
//!
//! Memory stays flat: the tree is rebuilt tile by tile, keeping only its
//! right edge, and the root of each level-0 tile (32 bytes per 256 entries).
//!
//! Those roots are what make a [`VerifiedLog`] more than a report: it checks
//! every entry bundle fetched afterwards against the tree it verified, and
//! hands the entries on only as a [`VerifiedBundle`], which nothing else can
//! make. A caller that replays what it verified therefore replays the bytes
//! the checkpoint commits to, even from a server that answers the same
//! request differently the second time.

use crate::checkpoint::{Cosignature, SignedCheckpoint};
use crate::client::{ReadError, TileReader, TileSource, fetch_bundle, fetch_tile};
use crate::hash::{Hash, leaf_hash, perfect_root};
use crate::keys::VerifierKey;
use crate::merkle::verify_consistency;
use crate::tile::{TILE_WIDTH, TileId, hashes_at_level};
use crate::tree::{RightEdge, parse_tile, tile_bytes};

/// A receiver of entry bundles: the index of the first entry, the entries.
pub type OnEntries<'a> = dyn Fn(u64, &[Vec<u8>]) + 'a;

/// What to check besides the checkpoint and the hash tiles.
#[derive(Default)]
pub struct VerifyOptions<'a> {
    /// The log's key. Without it, the witnesses' cosignatures are the trust.
    pub log_key: Option<&'a VerifierKey>,
    /// Witnesses that must all have cosigned the checkpoint.
    pub witnesses: &'a [VerifierKey],
    /// Check every entry bundle too.
    pub entries: bool,
    /// An earlier checkpoint (note bytes) the log must extend.
    pub old_checkpoint: Option<&'a [u8]>,
    /// With `entries`: called with each entry bundle once it has been
    /// checked against the verified tree (the index of its first entry, its
    /// entries).
    pub on_entries: Option<&'a OnEntries<'a>>,
}

/// What a successful verification covered.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub checkpoint: SignedCheckpoint,
    pub cosignatures: Vec<Cosignature>,
    pub hash_tiles: u64,
    pub entry_bundles: u64,
    pub entries: u64,
    /// The size of the older checkpoint shown to be a prefix.
    pub consistent_with: Option<u64>,
}

/// A failed check, saying which object failed and how.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] crate::checkpoint::CheckpointError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{path} does not match the tree rebuilt from the level-0 tiles")]
    TileMismatch { path: String },
    #[error("entry {index} (in {path}) does not hash to its level-0 tile hash")]
    EntryMismatch { index: u64, path: String },
    #[error(
        "{path} does not hash to the verified tree: the log served entries its checkpoint does not commit to"
    )]
    BundleMismatch { path: String },
    #[error("entry {index} is not in the verified log of {size} entries")]
    OutOfRange { index: u64, size: u64 },
    #[error("the tree rebuilt from the tiles has root {computed}, the checkpoint says {expected}")]
    RootMismatch { computed: Hash, expected: Hash },
    #[error("old checkpoint: {0}")]
    OldCheckpoint(crate::checkpoint::CheckpointError),
    #[error("old checkpoint is for origin {old:?}, this log is {new:?}")]
    OldOrigin { old: String, new: String },
    #[error("old checkpoint has size {old}, larger than the log's {new}: the log shrank")]
    Shrank { old: u64, new: u64 },
    #[error("the old checkpoint (size {size}) is NOT a prefix of this log: {why}")]
    Inconsistent {
        size: u64,
        why: crate::merkle::ProofError,
    },
}

/// A log whose checkpoint and tiles verified: what was checked, and the
/// tree that every entry read from the log from now on is checked against.
#[derive(Debug, Clone)]
pub struct VerifiedLog {
    report: VerifyReport,
    /// The root of each full level-0 tile: the level-1 tiles' hashes.
    tile_roots: Vec<Hash>,
    /// The leaf hashes of the last, partial level-0 tile.
    last_tile: Vec<Hash>,
}

/// Entries of one bundle, as the verified tree commits to them. Only
/// [`VerifiedLog`] makes one, and only after hashing them to its tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBundle {
    first: u64,
    entries: Vec<Vec<u8>>,
}

impl VerifiedBundle {
    /// The index of its first entry.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// Its entries, in log order.
    pub fn entries(&self) -> &[Vec<u8>] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl VerifiedLog {
    pub fn report(&self) -> &VerifyReport {
        &self.report
    }

    pub fn into_report(self) -> VerifyReport {
        self.report
    }

    pub fn checkpoint(&self) -> &SignedCheckpoint {
        &self.report.checkpoint
    }

    /// The number of entries the verified checkpoint commits to.
    pub fn size(&self) -> u64 {
        self.report.checkpoint.checkpoint.size
    }

    /// The number of entry bundles of the verified log.
    pub fn bundles(&self) -> u64 {
        self.size().div_ceil(TILE_WIDTH)
    }

    /// Fetches entry bundle `t` (of the width the verified size gives) and
    /// checks it against the verified tree: the entries returned are those
    /// the checkpoint commits to, or this fails.
    pub fn bundle<S: TileSource + ?Sized>(
        &self,
        source: &S,
        t: u64,
    ) -> Result<VerifiedBundle, VerifyError> {
        let size = self.size();
        let first = t.saturating_mul(TILE_WIDTH);
        if first >= size {
            return Err(VerifyError::OutOfRange { index: first, size });
        }
        let width = (size - first).min(TILE_WIDTH) as u16;
        let id = TileId::entries(t, width);
        let entries = fetch_bundle(source, id)?;
        let hashes: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        let matches = if id.is_full() {
            let mut scratch = Vec::with_capacity(TILE_WIDTH as usize / 2);
            self.tile_roots.get(t as usize) == Some(&perfect_root(&hashes, &mut scratch))
        } else {
            hashes == self.last_tile
        };
        if !matches {
            return Err(self.which_entry(source, id, &hashes));
        }
        Ok(VerifiedBundle { first, entries })
    }

    /// Which entry of a bundle that does not hash to the tree is wrong,
    /// when the level-0 tile (checked against the tree too) says so.
    fn which_entry<S: TileSource + ?Sized>(
        &self,
        source: &S,
        id: TileId,
        hashes: &[Hash],
    ) -> VerifyError {
        let mismatch = VerifyError::BundleMismatch { path: id.path() };
        let Ok(tile) = fetch_tile(source, TileId::hashes(0, id.index, id.width)) else {
            return mismatch;
        };
        let tile = parse_tile(&tile).expect("length checked");
        let tile_ok = if id.is_full() {
            let mut scratch = Vec::new();
            self.tile_roots.get(id.index as usize) == Some(&perfect_root(&tile, &mut scratch))
        } else {
            tile == self.last_tile
        };
        match hashes.iter().zip(&tile).position(|(a, b)| a != b) {
            Some(i) if tile_ok => VerifyError::EntryMismatch {
                index: id.index * TILE_WIDTH + i as u64,
                path: id.path(),
            },
            _ => mismatch,
        }
    }

    /// The entry at `index`, checked against the verified tree.
    pub fn entry<S: TileSource + ?Sized>(
        &self,
        source: &S,
        index: u64,
    ) -> Result<Vec<u8>, VerifyError> {
        if index >= self.size() {
            return Err(VerifyError::OutOfRange {
                index,
                size: self.size(),
            });
        }
        let mut b = self.bundle(source, index / TILE_WIDTH)?;
        Ok(b.entries.swap_remove((index % TILE_WIDTH) as usize))
    }
}

/// Verifies a whole log. `progress` is called with the number of leaves
/// checked so far.
pub fn verify_log<S: TileSource>(
    source: &S,
    opts: &VerifyOptions<'_>,
    progress: impl FnMut(u64),
) -> Result<VerifyReport, VerifyError> {
    let mut log = verify_tree(source, opts, progress)?;
    if opts.entries {
        for t in 0..log.bundles() {
            let b = log.bundle(source, t)?;
            log.report.entry_bundles += 1;
            if let Some(f) = opts.on_entries {
                f(b.first, &b.entries);
            }
        }
        log.report.entries = log.size();
    }
    Ok(log.into_report())
}

/// Verifies a log's checkpoint and hash tiles (and consistency with
/// `opts.old_checkpoint`), not its entries: those are checked as they are
/// read, through the [`VerifiedLog`] returned. `opts.entries` is ignored.
pub fn verify_tree<S: TileSource>(
    source: &S,
    opts: &VerifyOptions<'_>,
    mut progress: impl FnMut(u64),
) -> Result<VerifiedLog, VerifyError> {
    let raw = source
        .fetch("checkpoint")?
        .ok_or_else(|| ReadError::NotFound {
            path: "checkpoint".into(),
        })?;
    let cp = SignedCheckpoint::parse(&raw)?;
    let cosignatures = cp.verify(opts.log_key, opts.witnesses)?;
    let size = cp.checkpoint.size;

    let mut edge = RightEdge::new(false);
    let mut hash_tiles = 0u64;
    let mut mismatch: Option<VerifyError> = None;
    let mut tile_roots: Vec<Hash> = Vec::with_capacity((size / TILE_WIDTH) as usize);
    let tiles0 = size.div_ceil(TILE_WIDTH);
    for t in 0..tiles0 {
        let width = (size - t * TILE_WIDTH).min(TILE_WIDTH) as u16;
        let id = TileId::hashes(0, t, width);
        let hashes = parse_tile(&fetch_tile(source, id)?).expect("length checked");
        hash_tiles += 1;
        for h in hashes {
            edge.push_hash(h, |tile, computed| {
                if tile.level() == 0 || mismatch.is_some() {
                    return;
                }
                if tile.level() == 1 {
                    tile_roots.extend_from_slice(computed);
                }
                hash_tiles += 1;
                match fetch_tile(source, tile) {
                    Ok(stored) if stored == tile_bytes(computed) => {}
                    Ok(_) => mismatch = Some(VerifyError::TileMismatch { path: tile.path() }),
                    Err(e) => mismatch = Some(e.into()),
                }
            });
        }
        if let Some(e) = mismatch.take() {
            return Err(e);
        }
        progress((t * TILE_WIDTH + u64::from(width)).min(size));
    }
    // The roots of the full level-0 tiles not yet in a full level-1 tile.
    tile_roots.extend_from_slice(edge.partial(1));
    debug_assert_eq!(tile_roots.len() as u64, size / TILE_WIDTH);
    let last_tile = edge.partial(0).to_vec();
    // The partial tiles above level 0.
    for level in 1..=crate::tile::MAX_LEVEL {
        let n = hashes_at_level(size, level);
        if n == 0 {
            break;
        }
        let w = n % TILE_WIDTH;
        if w == 0 {
            continue;
        }
        let id = TileId::hashes(level, n / TILE_WIDTH, w as u16);
        let stored = fetch_tile(source, id)?;
        hash_tiles += 1;
        if stored != tile_bytes(edge.partial(level)) {
            return Err(VerifyError::TileMismatch { path: id.path() });
        }
    }
    let root = edge.root();
    if root != cp.checkpoint.root {
        return Err(VerifyError::RootMismatch {
            computed: root,
            expected: cp.checkpoint.root,
        });
    }

    let mut consistent_with = None;
    if let Some(old_raw) = opts.old_checkpoint {
        consistent_with = Some(check_consistent(source, opts.log_key, old_raw, &cp)?);
    }

    Ok(VerifiedLog {
        report: VerifyReport {
            checkpoint: cp,
            cosignatures,
            hash_tiles,
            entry_bundles: 0,
            entries: 0,
            consistent_with,
        },
        tile_roots,
        last_tile,
    })
}

/// Checks that the log of checkpoint `cp` (already verified) extends the
/// older checkpoint `old_raw`, with a consistency proof from the log's
/// tiles; returns the older size.
pub fn check_consistent<S: TileSource>(
    source: &S,
    log_key: Option<&VerifierKey>,
    old_raw: &[u8],
    cp: &SignedCheckpoint,
) -> Result<u64, VerifyError> {
    let old = SignedCheckpoint::parse(old_raw).map_err(VerifyError::OldCheckpoint)?;
    if old.checkpoint.origin != cp.checkpoint.origin {
        return Err(VerifyError::OldOrigin {
            old: old.checkpoint.origin,
            new: cp.checkpoint.origin.clone(),
        });
    }
    if log_key.is_some() {
        old.verify(log_key, &[])
            .map_err(VerifyError::OldCheckpoint)?;
    }
    let (m, n) = (old.checkpoint.size, cp.checkpoint.size);
    if m > n {
        return Err(VerifyError::Shrank { old: m, new: n });
    }
    let mut reader = TileReader::new(source);
    let proof = reader.consistency_proof(m, n)?;
    verify_consistency(m, n, &old.checkpoint.root, &cp.checkpoint.root, &proof)
        .map_err(|why| VerifyError::Inconsistent { size: m, why })?;
    Ok(m)
}
