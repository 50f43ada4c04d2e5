//! The C2SP tlog-tiles layout: which tiles a tree of a given size has, and
//! where they live (`tile/<L>/x001/x234/067[.p/<W>]`, `tile/entries/...`).

use std::fmt;

/// Tiles are subtrees of height 8: 256 hashes (or entries) wide.
pub const TILE_HEIGHT: u32 = 8;
/// The number of hashes in a full tile.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
/// The largest level C2SP allows.
pub const MAX_LEVEL: u8 = 63;
/// An entry bundle stores each entry behind a big-endian u16 length.
pub const MAX_ENTRY_SIZE: usize = u16::MAX as usize;

/// What a tile holds: Merkle tree hashes at a level, or log entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// Hashes at tree height `8 * level`; level 0 holds leaf hashes.
    Hashes { level: u8 },
    /// An entry bundle, parallel to the level-0 hash tile of the same index.
    Entries,
}

/// One tile (or entry bundle): its kind, its index within its level, and
/// its width (1..=256; 256 means full).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    pub kind: TileKind,
    pub index: u64,
    pub width: u16,
}

impl TileId {
    pub fn hashes(level: u8, index: u64, width: u16) -> TileId {
        TileId {
            kind: TileKind::Hashes { level },
            index,
            width,
        }
    }

    pub fn entries(index: u64, width: u16) -> TileId {
        TileId {
            kind: TileKind::Entries,
            index,
            width,
        }
    }

    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The same tile at full width (what a client falls back to when a
    /// partial tile has been garbage-collected).
    pub fn full(&self) -> TileId {
        TileId {
            width: TILE_WIDTH as u16,
            ..*self
        }
    }

    /// The level of a hash tile; entry bundles run parallel to level 0.
    pub fn level(&self) -> u8 {
        match self.kind {
            TileKind::Hashes { level } => level,
            TileKind::Entries => 0,
        }
    }

    /// The tile's path below the log prefix, per C2SP tlog-tiles.
    pub fn path(&self) -> String {
        let mut p = String::with_capacity(32);
        p.push_str("tile/");
        match self.kind {
            TileKind::Hashes { level } => p.push_str(&level.to_string()),
            TileKind::Entries => p.push_str("entries"),
        }
        p.push('/');
        push_index(&mut p, self.index);
        if !self.is_full() {
            p.push_str(".p/");
            p.push_str(&self.width.to_string());
        }
        p
    }

    /// Parses a tile path (the inverse of [`TileId::path`]). Rejects every
    /// non-canonical spelling, so that one tile has exactly one path.
    pub fn parse_path(path: &str) -> Result<TileId, BadTilePath> {
        let bad = || BadTilePath(path.to_string());
        let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
        let (kind_str, rest) = rest.split_once('/').ok_or_else(bad)?;
        let kind = if kind_str == "entries" {
            TileKind::Entries
        } else {
            let level = parse_canonical_decimal(kind_str).ok_or_else(bad)?;
            if level > u64::from(MAX_LEVEL) {
                return Err(bad());
            }
            TileKind::Hashes { level: level as u8 }
        };
        let (index_str, width) = match rest.split_once(".p/") {
            Some((i, w)) => {
                let w = parse_canonical_decimal(w).ok_or_else(bad)?;
                if w == 0 || w >= TILE_WIDTH {
                    return Err(bad());
                }
                (i, w as u16)
            }
            None => (rest, TILE_WIDTH as u16),
        };
        let elems: Vec<&str> = index_str.split('/').collect();
        let mut index: u64 = 0;
        for (i, e) in elems.iter().enumerate() {
            let last = i + 1 == elems.len();
            let digits = if last {
                *e
            } else {
                e.strip_prefix('x').ok_or_else(bad)?
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let d: u64 = digits.parse().map_err(|_| bad())?;
            index = index
                .checked_mul(1000)
                .and_then(|v| v.checked_add(d))
                .ok_or_else(bad)?;
        }
        // The first element must not be x000 unless the index is that short.
        if elems.len() > 1 && elems[0] == "x000" {
            return Err(bad());
        }
        Ok(TileId { kind, index, width })
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// A path that is not a canonical C2SP tile path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a C2SP tile path: {0:?}")]
pub struct BadTilePath(pub String);

fn parse_canonical_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// Appends the `x001/x234/067` encoding of `n`.
fn push_index(p: &mut String, n: u64) {
    let mut groups = Vec::with_capacity(7);
    let mut v = n;
    loop {
        groups.push(v % 1000);
        v /= 1000;
        if v == 0 {
            break;
        }
    }
    for (i, g) in groups.iter().rev().enumerate() {
        if i + 1 < groups.len() {
            p.push_str(&format!("x{g:03}/"));
        } else {
            p.push_str(&format!("{g:03}"));
        }
    }
}

/// The number of hashes stored at tile level `level` for a tree of `size`
/// leaves: `floor(size / 256^level)`.
pub fn hashes_at_level(size: u64, level: u8) -> u64 {
    let shift = TILE_HEIGHT * u32::from(level);
    if shift >= 64 { 0 } else { size >> shift }
}

/// The tile at `level` covering hash position `pos` of that level, for a
/// tree of `size` leaves (partial when it is the rightmost).
pub fn tile_for(level: u8, pos: u64, size: u64) -> TileId {
    let n = hashes_at_level(size, level);
    debug_assert!(pos < n);
    let index = pos / TILE_WIDTH;
    let width = (n - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
    TileId::hashes(level, index, width)
}

/// Every tile (and entry bundle) that a tree of `new_size` has and one of
/// `old_size` does not: what a log publishes when it grows. Full tiles that
/// were partial in the old tree are included; partial tiles are listed at
/// their new width only.
pub fn new_tiles(old_size: u64, new_size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    if new_size <= old_size {
        return out;
    }
    for level in 0..=MAX_LEVEL {
        let old_n = hashes_at_level(old_size, level);
        let new_n = hashes_at_level(new_size, level);
        if new_n == 0 || new_n == old_n {
            if new_n == 0 {
                break;
            }
            continue;
        }
        // Tiles from the one holding the old boundary to the new end.
        let first = old_n / TILE_WIDTH;
        let last = (new_n - 1) / TILE_WIDTH;
        for index in first..=last {
            let width = (new_n - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
            out.push(TileId::hashes(level, index, width));
            if level == 0 {
                out.push(TileId::entries(index, width));
            }
        }
    }
    out
}

/// The partial tiles (and entry bundle) a tree of `size` needs, one per
/// level at most: exactly what a reader must find besides full tiles.
pub fn partial_tiles(size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    for level in 0..=MAX_LEVEL {
        let n = hashes_at_level(size, level);
        if n == 0 {
            break;
        }
        let w = n % TILE_WIDTH;
        if w != 0 {
            out.push(TileId::hashes(level, n / TILE_WIDTH, w as u16));
            if level == 0 {
                out.push(TileId::entries(n / TILE_WIDTH, w as u16));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_encoding_examples_from_the_spec() {
        assert_eq!(
            TileId::hashes(0, 1234067, 256).path(),
            "tile/0/x001/x234/067"
        );
        assert_eq!(
            TileId::hashes(1, 1234067, 255).path(),
            "tile/1/x001/x234/067.p/255"
        );
        assert_eq!(
            TileId::entries(1000000, 3).path(),
            "tile/entries/x001/x000/000.p/3"
        );
        assert_eq!(TileId::hashes(0, 0, 256).path(), "tile/0/000");
    }

    #[test]
    fn parse_rejects_non_canonical_paths() {
        for p in [
            "tile/0/0",
            "tile/0/0000",
            "tile/00/000",
            "tile/0/x000/001",
            "tile/0/001.p/0",
            "tile/0/001.p/256",
            "tile/0/001.p/07",
            "tile/0/001/",
            "tile/64/000",
            "tile/0/y001/000",
            "tile/data/000",
            "tiles/0/000",
            "tile/0/x001",
        ] {
            assert!(TileId::parse_path(p).is_err(), "{p} should be rejected");
        }
    }

    #[test]
    fn tree_of_70000_has_the_tiles_the_spec_lists() {
        let p = partial_tiles(70000);
        assert_eq!(
            p,
            vec![
                TileId::hashes(0, 273, 112),
                TileId::entries(273, 112),
                TileId::hashes(1, 1, 17),
                TileId::hashes(2, 0, 1),
            ]
        );
        let all = new_tiles(0, 70000);
        assert_eq!(
            all.iter()
                .filter(|t| t.kind == TileKind::Hashes { level: 0 })
                .count(),
            274
        );
        assert_eq!(
            all.iter()
                .filter(|t| t.level() == 1 && t.kind != TileKind::Entries)
                .count(),
            2
        );
    }
}
