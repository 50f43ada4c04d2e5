//! Whole-log verification, the checks of an independent verifier such as
//! tlogcheck: the checkpoint's signature and cosignatures; the tree rebuilt
//! from the level-0 tiles gives the checkpoint's root; every published hash
//! tile matches the rebuilt tree; optionally every entry bundle hashes to its
//! level-0 tile; optionally an older checkpoint is a prefix of this log.
//!
//! Memory stays flat: the tree is rebuilt tile by tile, keeping only its
//! right edge.

use crate::checkpoint::{Cosignature, SignedCheckpoint};
use crate::client::{ReadError, TileReader, TileSource, fetch_bundle, fetch_tile};
use crate::hash::{Hash, leaf_hash};
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
    /// checked against its level-0 tile (the index of its first entry, its
    /// entries), so that a caller needing the entries reads them only once.
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

/// Verifies a whole log. `progress` is called with the number of leaves
/// checked so far.
pub fn verify_log<S: TileSource>(
    source: &S,
    opts: &VerifyOptions<'_>,
    mut progress: impl FnMut(u64),
) -> Result<VerifyReport, VerifyError> {
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
    let mut entry_bundles = 0u64;
    let mut mismatch: Option<VerifyError> = None;
    let tiles0 = size.div_ceil(TILE_WIDTH);
    for t in 0..tiles0 {
        let width = (size - t * TILE_WIDTH).min(TILE_WIDTH) as u16;
        let id = TileId::hashes(0, t, width);
        let hashes = parse_tile(&fetch_tile(source, id)?).expect("length checked");
        hash_tiles += 1;
        if opts.entries {
            let bid = TileId::entries(t, width);
            let entries = fetch_bundle(source, bid)?;
            for (i, (e, h)) in entries.iter().zip(&hashes).enumerate() {
                if leaf_hash(e) != *h {
                    return Err(VerifyError::EntryMismatch {
                        index: t * TILE_WIDTH + i as u64,
                        path: bid.path(),
                    });
                }
            }
            entry_bundles += 1;
            if let Some(f) = opts.on_entries {
                f(t * TILE_WIDTH, &entries);
            }
        }
        for h in hashes {
            edge.push_hash(h, |tile, computed| {
                if tile.level() == 0 || mismatch.is_some() {
                    return;
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
        let old = SignedCheckpoint::parse(old_raw).map_err(VerifyError::OldCheckpoint)?;
        if old.checkpoint.origin != cp.checkpoint.origin {
            return Err(VerifyError::OldOrigin {
                old: old.checkpoint.origin,
                new: cp.checkpoint.origin,
            });
        }
        if opts.log_key.is_some() {
            old.verify(opts.log_key, &[])
                .map_err(VerifyError::OldCheckpoint)?;
        }
        let (m, n) = (old.checkpoint.size, size);
        if m > n {
            return Err(VerifyError::Shrank { old: m, new: n });
        }
        let mut reader = TileReader::new(source);
        let proof = reader.consistency_proof(m, n)?;
        verify_consistency(m, n, &old.checkpoint.root, &cp.checkpoint.root, &proof)
            .map_err(|why| VerifyError::Inconsistent { size: m, why })?;
        consistent_with = Some(m);
    }

    Ok(VerifyReport {
        checkpoint: cp,
        cosignatures,
        hash_tiles,
        entry_bundles,
        entries: if opts.entries { size } else { 0 },
        consistent_with,
    })
}
