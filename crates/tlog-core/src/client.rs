//! Reading a log from its tiles alone, as any client can: node hashes,
//! inclusion and consistency proofs, and entries. Works over any
//! [`TileSource`] — a directory here, a log's storage in `tlog`, HTTP in the
//! server and CLI crates.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::hash::{HASH_SIZE, Hash, node_hash};
use crate::merkle::{NodeId, NodeReader, consistency_plan, inclusion_plan, resolve};
use crate::tile::{TILE_HEIGHT, TILE_WIDTH, TileId, hashes_at_level};
use crate::tree::{parse_bundle, parse_tile};

/// Why something could not be read from a log.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: not found")]
    NotFound { path: String },
    #[error("{path}: {message}")]
    Fetch { path: String, message: String },
    #[error("{path}: {message}")]
    Malformed { path: String, message: String },
    #[error(transparent)]
    Proof(#[from] crate::merkle::ProofError),
}

/// Read access to a log's public objects (`checkpoint`, `tile/...`).
pub trait TileSource {
    /// The object's bytes; `Ok(None)` if it does not exist.
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError>;

    /// A human-readable name of where the log is, for messages.
    fn describe(&self) -> String;
}

/// A log in a local directory, read-only.
#[derive(Clone, Debug)]
pub struct DirSource(pub PathBuf);

impl DirSource {
    pub fn new(dir: impl AsRef<Path>) -> DirSource {
        DirSource(dir.as_ref().to_path_buf())
    }
}

impl TileSource for DirSource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        if path.split('/').any(|c| c.is_empty() || c.starts_with('.')) {
            return Err(ReadError::Malformed {
                path: path.into(),
                message: "not a log object path".into(),
            });
        }
        match std::fs::read(self.0.join(path)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ReadError::Fetch {
                path: path.into(),
                message: e.to_string(),
            }),
        }
    }

    fn describe(&self) -> String {
        self.0.display().to_string()
    }
}

impl<T: TileSource + ?Sized> TileSource for &T {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        (**self).fetch(path)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// Reads a tile at the width a tree needs, falling back to the full tile
/// when a partial one has been garbage-collected (as C2SP allows). Returns
/// exactly `width` hashes' worth of bytes.
pub fn fetch_tile<S: TileSource + ?Sized>(source: &S, id: TileId) -> Result<Vec<u8>, ReadError> {
    let want = usize::from(id.width) * HASH_SIZE;
    let (data, path) = match source.fetch(&id.path())? {
        Some(d) => (d, id.path()),
        None if !id.is_full() => match source.fetch(&id.full().path())? {
            Some(d) => (d, id.full().path()),
            None => return Err(ReadError::NotFound { path: id.path() }),
        },
        None => return Err(ReadError::NotFound { path: id.path() }),
    };
    let exact = if path == id.path() {
        want
    } else {
        TILE_WIDTH as usize * HASH_SIZE
    };
    if data.len() != exact {
        return Err(ReadError::Malformed {
            path,
            message: format!("{} bytes, want {exact}", data.len()),
        });
    }
    Ok(data[..want].to_vec())
}

/// Reads an entry bundle at the width a tree needs (with the same fallback),
/// returning exactly `width` entries.
pub fn fetch_bundle<S: TileSource + ?Sized>(
    source: &S,
    id: TileId,
) -> Result<Vec<Vec<u8>>, ReadError> {
    let (data, path) = match source.fetch(&id.path())? {
        Some(d) => (d, id.path()),
        None if !id.is_full() => match source.fetch(&id.full().path())? {
            Some(d) => (d, id.full().path()),
            None => return Err(ReadError::NotFound { path: id.path() }),
        },
        None => return Err(ReadError::NotFound { path: id.path() }),
    };
    let entries = parse_bundle(&data).ok_or_else(|| ReadError::Malformed {
        path: path.clone(),
        message: "truncated or trailing bytes".into(),
    })?;
    let exact = if path == id.path() {
        usize::from(id.width)
    } else {
        TILE_WIDTH as usize
    };
    if entries.len() != exact {
        return Err(ReadError::Malformed {
            path,
            message: format!("{} entries, want {exact}", entries.len()),
        });
    }
    Ok(entries[..usize::from(id.width)]
        .iter()
        .map(|e| e.to_vec())
        .collect())
}

/// A tile with the hashes of every perfect subtree inside it.
struct TileNodes {
    /// `rows[r]` holds the nodes of height `8 * level + r` in this tile.
    rows: Vec<Vec<Hash>>,
}

impl TileNodes {
    fn new(bottom: Vec<Hash>) -> TileNodes {
        let mut rows = vec![bottom];
        for r in 1..=TILE_HEIGHT as usize {
            let below = &rows[r - 1];
            let row: Vec<Hash> = below
                .chunks_exact(2)
                .map(|p| node_hash(&p[0], &p[1]))
                .collect();
            if row.is_empty() {
                break;
            }
            rows.push(row);
        }
        TileNodes { rows }
    }
}

/// Computes node hashes, proofs and entries from tiles, caching the tiles
/// it has read (with their interior hashes) for the next request.
pub struct TileReader<S> {
    source: S,
    cache: HashMap<TileId, Arc<TileNodes>>,
    cache_limit: usize,
}

impl<S: TileSource> TileReader<S> {
    pub fn new(source: S) -> TileReader<S> {
        TileReader {
            source,
            cache: HashMap::new(),
            cache_limit: 4096,
        }
    }

    /// Keeps up to `tiles` tiles (with their interior hashes, about 16 KiB
    /// each) in memory. The default, 4096, suits a client; a server
    /// answering many proofs can afford more.
    pub fn with_cache_limit(mut self, tiles: usize) -> TileReader<S> {
        self.cache_limit = tiles.max(16);
        self
    }

    pub fn source(&self) -> &S {
        &self.source
    }

    fn tile(&mut self, id: TileId) -> Result<Arc<TileNodes>, ReadError> {
        if let Some(t) = self.cache.get(&id) {
            return Ok(t.clone());
        }
        let data = fetch_tile(&self.source, id)?;
        let nodes = Arc::new(TileNodes::new(parse_tile(&data).expect("length checked")));
        if self.cache.len() >= self.cache_limit {
            // Tiles above level 0 are few and on every proof's path: keep
            // them; drop the leaf tiles.
            self.cache.retain(|t, _| t.level() > 0);
        }
        self.cache.insert(id, nodes.clone());
        Ok(nodes)
    }

    /// The hash of a perfect subtree of a tree of `size` leaves.
    pub fn node(&mut self, size: u64, id: NodeId) -> Result<Hash, ReadError> {
        let level = (id.height / TILE_HEIGHT) as u8;
        let r = id.height % TILE_HEIGHT;
        let first = id.index << r; // position of its leftmost node at the tile's level
        let n = hashes_at_level(size, level);
        if (id.index + 1) << r > n {
            return Err(ReadError::Malformed {
                path: format!("node {}/{}", id.height, id.index),
                message: format!("not a complete subtree of a tree of size {size}"),
            });
        }
        let index = first / TILE_WIDTH;
        let width = (n - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
        let tile = self.tile(TileId::hashes(level, index, width))?;
        let pos = (first % TILE_WIDTH) >> r;
        Ok(tile.rows[r as usize][pos as usize])
    }

    /// The leaf hash at `index` in a tree of `size`.
    pub fn leaf_hash(&mut self, size: u64, index: u64) -> Result<Hash, ReadError> {
        self.node(size, NodeId::new(0, index))
    }

    /// The inclusion proof for leaf `index` in the tree of `size`.
    pub fn inclusion_proof(&mut self, size: u64, index: u64) -> Result<Vec<Hash>, ReadError> {
        let plan = inclusion_plan(index, size)?;
        resolve(&plan, &mut AtSize { reader: self, size })
    }

    /// The consistency proof from the tree of `old_size` to that of `new_size`.
    pub fn consistency_proof(
        &mut self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, ReadError> {
        let plan = consistency_plan(old_size, new_size)?;
        resolve(
            &plan,
            &mut AtSize {
                reader: self,
                size: new_size,
            },
        )
    }

    /// The root of the tree of `size`, from its tiles.
    pub fn root(&mut self, size: u64) -> Result<Hash, ReadError> {
        if size == 0 {
            return Ok(Hash::EMPTY_ROOT);
        }
        let plan = vec![crate::merkle::range_nodes(0, size)];
        Ok(resolve(&plan, &mut AtSize { reader: self, size })?[0])
    }

    /// The entry at `index` of a tree of `size`, from its bundle.
    pub fn entry(&mut self, size: u64, index: u64) -> Result<Vec<u8>, ReadError> {
        if index >= size {
            return Err(crate::merkle::ProofError::IndexOutOfRange { index, size }.into());
        }
        let t = index / TILE_WIDTH;
        let width = (size - t * TILE_WIDTH).min(TILE_WIDTH) as u16;
        let mut entries = fetch_bundle(&self.source, TileId::entries(t, width))?;
        Ok(entries.swap_remove((index % TILE_WIDTH) as usize))
    }
}

impl<S: TileSource> TileReader<S> {
    /// The entries at `range` of a tree of `size`, reading each bundle once.
    pub fn entries(
        &mut self,
        size: u64,
        range: std::ops::Range<u64>,
    ) -> Result<Vec<Vec<u8>>, ReadError> {
        if range.end > size {
            return Err(crate::merkle::ProofError::IndexOutOfRange {
                index: range.end - 1,
                size,
            }
            .into());
        }
        let mut out = Vec::with_capacity((range.end.saturating_sub(range.start)) as usize);
        let mut at = range.start;
        while at < range.end {
            let t = at / TILE_WIDTH;
            let width = (size - t * TILE_WIDTH).min(TILE_WIDTH) as u16;
            let bundle = fetch_bundle(&self.source, TileId::entries(t, width))?;
            let from = (at % TILE_WIDTH) as usize;
            let to = ((range.end - t * TILE_WIDTH).min(u64::from(width))) as usize;
            out.extend(bundle.into_iter().skip(from).take(to - from));
            at = t * TILE_WIDTH + to as u64;
        }
        Ok(out)
    }
}

/// A [`TileReader`] bound to one tree size, as a [`NodeReader`].
pub struct AtSize<'a, S> {
    pub reader: &'a mut TileReader<S>,
    pub size: u64,
}

impl<S: TileSource> NodeReader for AtSize<'_, S> {
    type Error = ReadError;
    fn read_nodes(&mut self, ids: &[NodeId]) -> Result<Vec<Hash>, ReadError> {
        ids.iter()
            .map(|id| self.reader.node(self.size, *id))
            .collect()
    }
}
