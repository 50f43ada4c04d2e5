//! A log as the browser has it: the checkpoint and the tiles it fetched
//! (from the server or any mirror), in memory, read through the same
//! `TileSource` seam as a directory or HTTP.

use std::collections::BTreeMap;

use tlog_core::TileSource;
use tlog_core::client::ReadError;
use tlog_core::tile::new_tiles;

/// The checkpoint and the tiles fetched, by their tlog-tiles path
/// (`tile/0/000`, `tile/entries/x001/234.p/5`, ...).
pub struct MemorySource {
    checkpoint: Vec<u8>,
    tiles: BTreeMap<String, Vec<u8>>,
}

impl MemorySource {
    pub fn new(checkpoint: Vec<u8>, tiles: BTreeMap<String, Vec<u8>>) -> MemorySource {
        MemorySource { checkpoint, tiles }
    }
}

impl TileSource for MemorySource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        if path == "checkpoint" {
            return Ok(Some(self.checkpoint.clone()));
        }
        Ok(self.tiles.get(path).cloned())
    }

    fn describe(&self) -> String {
        "the tiles fetched by the page".into()
    }
}

/// Every tile and entry bundle a tree of `size` entries has: what a replay
/// of it reads (the verifier reads every hash tile, the replay every
/// bundle). A partial tile may be given as the full tile that replaced it,
/// under the full tile's path.
pub fn tiles_for(size: u64) -> Vec<String> {
    new_tiles(0, size).iter().map(|t| t.path()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_tree_needs_its_partial_level_0_tile_and_bundle() {
        assert_eq!(
            tiles_for(5),
            vec!["tile/0/000.p/5".to_string(), "tile/entries/000.p/5".into()]
        );
        assert!(tiles_for(0).is_empty());
    }

    #[test]
    fn a_larger_tree_needs_every_level() {
        let t = tiles_for(256 * 3 + 1);
        for want in [
            "tile/0/000",
            "tile/0/002",
            "tile/0/003.p/1",
            "tile/entries/003.p/1",
            "tile/1/000.p/3",
        ] {
            assert!(t.iter().any(|p| p == want), "{want} in {t:?}");
        }
        assert_eq!(t.len(), 4 + 4 + 1);
    }
}
