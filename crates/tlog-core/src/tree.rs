//! The right edge of a tiled Merkle tree: for each tile level, the hashes of
//! its rightmost tile that is not full yet. That is all a writer needs to
//! append (completed tiles are written out and forgotten) and to compute the
//! root, and all a verifier needs to rebuild a tree tile by tile.

use crate::hash::{HASH_SIZE, Hash, leaf_hash, node_hash, perfect_root};
use crate::tile::{MAX_ENTRY_SIZE, TILE_WIDTH, TileId, hashes_at_level};

/// An object to publish: its path in the log and its bytes.
pub type Object = (String, Vec<u8>);

/// The serialised form of a tile: its hashes, concatenated.
pub fn tile_bytes(hashes: &[Hash]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hashes.len() * HASH_SIZE);
    for h in hashes {
        out.extend_from_slice(&h.0);
    }
    out
}

/// Splits tile bytes into hashes; `None` unless the length is a multiple of 32.
pub fn parse_tile(data: &[u8]) -> Option<Vec<Hash>> {
    if !data.len().is_multiple_of(HASH_SIZE) {
        return None;
    }
    Some(
        data.chunks_exact(HASH_SIZE)
            .map(|c| Hash::from_slice(c).expect("32 bytes"))
            .collect(),
    )
}

/// Splits an entry bundle into its entries (each behind a big-endian u16
/// length). `None` if the bundle is truncated or has trailing bytes.
pub fn parse_bundle(data: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let len = usize::from(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]));
        at += 2;
        out.push(data.get(at..at + len)?);
        at += len;
    }
    Some(out)
}

/// The right edge of a tree, and optionally the entries of its rightmost
/// entry bundle.
#[derive(Clone, Debug)]
pub struct RightEdge {
    size: u64,
    levels: Vec<Vec<Hash>>,
    /// The partial entry bundle (length-prefixed entries), when tracked.
    bundle: Option<Vec<u8>>,
    scratch: Vec<Hash>,
}

/// Why a right edge could not be loaded from its partial tiles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdgeError {
    #[error("{tile}: {got} bytes, want at least {want}")]
    ShortTile {
        tile: String,
        got: usize,
        want: usize,
    },
    #[error("{tile}: not a sequence of length-prefixed entries")]
    BadBundle { tile: String },
    #[error("{tile}: holds {got} entries, want {want}")]
    BundleCount {
        tile: String,
        got: usize,
        want: usize,
    },
}

impl RightEdge {
    /// The empty tree. With `track_entries`, the edge also keeps the partial
    /// entry bundle so that [`RightEdge::append_entries`] can write bundles.
    pub fn new(track_entries: bool) -> RightEdge {
        RightEdge {
            size: 0,
            levels: Vec::new(),
            bundle: track_entries.then(Vec::new),
            scratch: Vec::with_capacity(128),
        }
    }

    /// Rebuilds the edge of a tree of `size` from its partial tiles, as
    /// returned by `read(tile)` (a full tile may stand in for a partial one).
    /// With `track_entries`, the partial entry bundle is read too.
    pub fn load<E>(
        size: u64,
        track_entries: bool,
        mut read: impl FnMut(TileId) -> Result<Vec<u8>, E>,
    ) -> Result<Result<RightEdge, EdgeError>, E> {
        let mut edge = RightEdge::new(track_entries);
        edge.size = size;
        for level in 0..=crate::tile::MAX_LEVEL {
            let n = hashes_at_level(size, level);
            if n == 0 {
                break;
            }
            let w = (n % TILE_WIDTH) as usize;
            let mut hashes = Vec::with_capacity(TILE_WIDTH as usize);
            if w > 0 {
                let id = TileId::hashes(level, n / TILE_WIDTH, w as u16);
                let data = read(id)?;
                if data.len() < w * HASH_SIZE {
                    return Ok(Err(EdgeError::ShortTile {
                        tile: id.path(),
                        got: data.len(),
                        want: w * HASH_SIZE,
                    }));
                }
                hashes.extend(parse_tile(&data[..w * HASH_SIZE]).expect("multiple of 32"));
                if level == 0 && track_entries {
                    let bid = TileId::entries(n / TILE_WIDTH, w as u16);
                    let data = read(bid)?;
                    let Some(entries) = parse_bundle(&data) else {
                        return Ok(Err(EdgeError::BadBundle { tile: bid.path() }));
                    };
                    if entries.len() < w {
                        return Ok(Err(EdgeError::BundleCount {
                            tile: bid.path(),
                            got: entries.len(),
                            want: w,
                        }));
                    }
                    // A full bundle standing in for a partial one: keep the prefix.
                    let mut b = Vec::new();
                    for e in &entries[..w] {
                        b.extend_from_slice(&(e.len() as u16).to_be_bytes());
                        b.extend_from_slice(e);
                    }
                    edge.bundle = Some(b);
                }
            }
            edge.levels.push(hashes);
        }
        Ok(Ok(edge))
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The hashes of the rightmost tile at `level` (fewer than 256).
    pub fn partial(&self, level: u8) -> &[Hash] {
        self.levels
            .get(usize::from(level))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The RFC 6962 root of the tree.
    pub fn root(&mut self) -> Hash {
        if self.size == 0 {
            return Hash::EMPTY_ROOT;
        }
        // The perfect subtrees along the right edge, left (largest) to right.
        let mut parts = Vec::new();
        for level in (0..self.levels.len()).rev() {
            let hs = &self.levels[level];
            let mut at = 0;
            for b in (0..8).rev() {
                if hs.len() & (1 << b) != 0 {
                    parts.push(perfect_root(&hs[at..at + (1 << b)], &mut self.scratch));
                    at += 1 << b;
                }
            }
        }
        let mut acc = parts.pop().expect("non-empty tree");
        while let Some(left) = parts.pop() {
            acc = node_hash(&left, &acc);
        }
        acc
    }

    /// Appends one leaf hash; `on_full` sees every tile this completes, as
    /// (tile, its 256 hashes), lowest level first.
    pub fn push_hash(&mut self, leaf: Hash, mut on_full: impl FnMut(TileId, &[Hash])) {
        let new_size = self.size + 1;
        let mut h = leaf;
        let mut level = 0usize;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::with_capacity(TILE_WIDTH as usize));
            }
            self.levels[level].push(h);
            if self.levels[level].len() < TILE_WIDTH as usize {
                break;
            }
            let index = hashes_at_level(new_size, level as u8) / TILE_WIDTH - 1;
            on_full(
                TileId::hashes(level as u8, index, TILE_WIDTH as u16),
                &self.levels[level],
            );
            h = perfect_root(&self.levels[level], &mut self.scratch);
            self.levels[level].clear();
            level += 1;
        }
        self.size = new_size;
    }

    /// Appends entries, returning every object to publish for the new size:
    /// the tiles and bundles completed, then the new partial tiles and
    /// partial bundle. Entries must be at most 65,535 bytes (checked by the
    /// caller; this panics otherwise) and the edge must track entries.
    pub fn append_entries<E: AsRef<[u8]> + Sync>(&mut self, entries: &[E]) -> Vec<Object> {
        let leaf_hashes: Vec<Hash> = hash_entries(entries);
        self.append_hashed(entries, &leaf_hashes)
    }

    /// As [`RightEdge::append_entries`], with the leaf hashes already computed.
    pub fn append_hashed<E: AsRef<[u8]>>(
        &mut self,
        entries: &[E],
        leaf_hashes: &[Hash],
    ) -> Vec<Object> {
        assert_eq!(entries.len(), leaf_hashes.len());
        let old_size = self.size;
        let mut out = Vec::new();
        let mut bundle = self.bundle.take().expect("edge does not track entries");
        for (e, h) in entries.iter().zip(leaf_hashes) {
            let e = e.as_ref();
            assert!(e.len() <= MAX_ENTRY_SIZE, "entry larger than 65535 bytes");
            bundle.extend_from_slice(&(e.len() as u16).to_be_bytes());
            bundle.extend_from_slice(e);
            self.push_hash(*h, |tile, hashes| {
                if tile.level() == 0 {
                    let b = std::mem::take(&mut bundle);
                    out.push((TileId::entries(tile.index, tile.width).path(), b));
                }
                out.push((tile.path(), tile_bytes(hashes)));
            });
        }
        self.bundle = Some(bundle);
        out.extend(self.partial_objects(old_size));
        out
    }

    /// The partial tiles (and bundle) of the current size that a tree of
    /// `old_size` did not have: with the full tiles of the appends since,
    /// everything the tree of this size publishes beyond that one's.
    pub fn partial_objects(&self, old_size: u64) -> Vec<Object> {
        let mut out = Vec::new();
        for (level, hs) in self.levels.iter().enumerate() {
            let level = level as u8;
            if hs.is_empty()
                || hashes_at_level(self.size, level) == hashes_at_level(old_size, level)
            {
                continue;
            }
            let index = hashes_at_level(self.size, level) / TILE_WIDTH;
            let id = TileId::hashes(level, index, hs.len() as u16);
            out.push((id.path(), tile_bytes(hs)));
            if level == 0
                && let Some(b) = &self.bundle
            {
                out.push((TileId::entries(index, hs.len() as u16).path(), b.clone()));
            }
        }
        out
    }
}

/// Leaf hashes of `entries`, on two threads when there is enough to share.
pub fn hash_entries<E: AsRef<[u8]> + Sync>(entries: &[E]) -> Vec<Hash> {
    let bytes: usize = entries.iter().map(|e| e.as_ref().len()).sum();
    if bytes < (1 << 20) || entries.len() < 2 {
        return entries.iter().map(|e| leaf_hash(e.as_ref())).collect();
    }
    // WebAssembly without atomics has no threads to share with.
    if cfg!(all(target_arch = "wasm32", not(target_feature = "atomics"))) {
        return entries.iter().map(|e| leaf_hash(e.as_ref())).collect();
    }
    let mid = entries.len() / 2;
    let (a, b) = entries.split_at(mid);
    std::thread::scope(|s| {
        let h = s.spawn(|| a.iter().map(|e| leaf_hash(e.as_ref())).collect::<Vec<_>>());
        let hb: Vec<Hash> = b.iter().map(|e| leaf_hash(e.as_ref())).collect();
        let mut ha = h.join().expect("hashing thread panicked");
        ha.extend(hb);
        ha
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::merkle_root;
    use crate::tile::new_tiles;

    #[test]
    fn root_matches_merkle_root_at_every_size_across_tile_boundaries() {
        let mut edge = RightEdge::new(false);
        let mut leaves = Vec::new();
        for i in 0..(256 * 256 + 300u32) {
            let h = leaf_hash(&i.to_be_bytes());
            leaves.push(h);
            edge.push_hash(h, |_, _| {});
            let n = leaves.len();
            if n < 600 || n % 4099 == 0 || n == 65536 || n == 65537 {
                assert_eq!(edge.root(), merkle_root(&leaves), "size {n}");
            }
        }
    }

    #[test]
    fn append_writes_exactly_the_new_tiles() {
        let mut edge = RightEdge::new(true);
        let mut size = 0u64;
        for batch in [1usize, 254, 1, 1, 300, 65000, 537] {
            let entries: Vec<Vec<u8>> = (0..batch)
                .map(|i| format!("e{}", size + i as u64).into_bytes())
                .collect();
            let objs = edge.append_entries(&entries);
            let got: Vec<String> = objs.iter().map(|o| o.0.clone()).collect();
            let mut want: Vec<String> = new_tiles(size, size + batch as u64)
                .iter()
                .map(|t| t.path())
                .collect();
            let mut got_sorted = got.clone();
            got_sorted.sort();
            want.sort();
            assert_eq!(got_sorted, want, "batch {size}+{batch}");
            size += batch as u64;
        }
    }

    #[test]
    fn load_restores_an_edge_with_the_same_root() {
        let mut edge = RightEdge::new(true);
        let mut store = std::collections::HashMap::new();
        let entries: Vec<Vec<u8>> = (0..70_000u32).map(|i| i.to_le_bytes().to_vec()).collect();
        for chunk in entries.chunks(999) {
            for (p, d) in edge.append_entries(chunk) {
                store.insert(p, d);
            }
        }
        let mut loaded = RightEdge::load(70_000, true, |t| Ok::<_, ()>(store[&t.path()].clone()))
            .unwrap()
            .unwrap();
        assert_eq!(loaded.root(), edge.root());
        assert_eq!(loaded.bundle, edge.bundle);
    }

    #[test]
    fn bundles_parse_and_reject_truncation() {
        let b = [0u8, 2, b'h', b'i', 0, 0];
        assert_eq!(parse_bundle(&b).unwrap(), vec![&b"hi"[..], &b""[..]]);
        assert!(parse_bundle(&b[..3]).is_none());
        assert!(parse_bundle(&[0u8]).is_none());
    }
}
