//! Lookups over the observations, kept for speed. They are derived from the
//! observations, never stored, and rebuilt when an evaluation resumes.
//!
//! Both are laid out to touch little memory: a long replay spends much of
//! its time on memory it touches for the first time, not on comparisons.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::ops::RangeInclusive;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::Obs;
use crate::statement::Digest;

/// What [`ByDigest`] indexes: things with a digest.
pub(crate) trait Digested {
    fn digest(&self) -> &Digest;
}

impl Digested for Box<Obs> {
    fn digest(&self) -> &Digest {
        &self.digest
    }
}

/// The hash of a digest in [`ByDigest`]. Keyed at random for each process:
/// digests are uniform, but a signer could grind statements whose digests
/// fall together in a table hashed without a key, and make every lookup
/// slow. (The key changes no result: the table is never iterated.)
pub(crate) fn digest_hash(d: &Digest) -> u64 {
    static KEY: LazyLock<RandomState> = LazyLock::new(RandomState::new);
    KEY.hash_one(d.0)
}

/// Observations by digest: an open-addressing table of indices into the
/// list of observations, found by their digest's hash and compared in full.
/// Eight bytes an entry, where a map from digest to index takes forty; and
/// where an entry will go can be fetched into cache ahead of time (see
/// [`ByDigest::prefetch`]): a lookup in a table of millions is a wait for
/// memory, and a replay makes one per observation.
#[derive(Clone, Debug, Default)]
pub(crate) struct ByDigest {
    /// Empty (0), or the hash's upper half (which also says where the
    /// entry goes) above the observation's index plus one.
    slots: Vec<u64>,
    len: usize,
}

impl ByDigest {
    fn tag(hash: u64) -> u32 {
        (hash >> 32) as u32
    }

    fn home(&self, tag: u32) -> usize {
        tag as usize & (self.slots.len() - 1)
    }

    /// Where the entry for a digest of this hash is, or would go.
    fn find(&self, obs: &[impl Digested], d: &Digest, hash: u64) -> Result<usize, usize> {
        let tag = Self::tag(hash);
        let mask = self.slots.len() - 1;
        let mut at = self.home(tag);
        loop {
            match self.slots[at] {
                0 => return Err(at),
                slot if (slot >> 32) as u32 == tag
                    && *obs[(slot as u32 - 1) as usize].digest() == *d =>
                {
                    return Ok(at);
                }
                _ => at = (at + 1) & mask,
            }
        }
    }

    pub(crate) fn get(&self, obs: &[impl Digested], d: &Digest) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let at = self.find(obs, d, digest_hash(d)).ok()?;
        Some((self.slots[at] as u32 - 1) as usize)
    }

    /// Adds `d`, of hash `hash` ([`digest_hash`]), as the digest of
    /// observation `i` (the next to be added to `obs`), unless some
    /// observation has it already: false then.
    pub(crate) fn insert_new(
        &mut self,
        obs: &[impl Digested],
        d: &Digest,
        hash: u64,
        i: usize,
    ) -> bool {
        self.reserve(1);
        match self.find(obs, d, hash) {
            Ok(_) => false,
            Err(at) => {
                let index = u32::try_from(i + 1).expect("fewer than 2^32 observations");
                self.slots[at] = (u64::from(Self::tag(hash)) << 32) | u64::from(index);
                self.len += 1;
                true
            }
        }
    }

    /// Adds observation `i`, whose digest is not in the table yet.
    pub(crate) fn insert(&mut self, obs: &[impl Digested], i: usize) {
        let d = *obs[i].digest();
        self.insert_new(obs, &d, digest_hash(&d), i);
    }

    /// Asks the processor to fetch where a digest of this hash goes.
    pub(crate) fn prefetch(&self, hash: u64) {
        if !self.slots.is_empty() {
            super::prefetch(&self.slots[self.home(Self::tag(hash))]);
        }
    }

    /// Makes room for `more` entries, at most half full (probes stay short).
    pub(crate) fn reserve(&mut self, more: usize) {
        let want = (self.len + more)
            .saturating_mul(2)
            .next_power_of_two()
            .max(16);
        if want <= self.slots.len() {
            return;
        }
        // Entries move by their tag alone: no digest is read again.
        let old = std::mem::replace(&mut self.slots, vec![0; want]);
        let mask = want - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut at = ((slot >> 32) as usize) & mask;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }
}

/// Observations by category and time bucket for corroboration in space and
/// time: each bucket's observations sorted by cell (row, then column), so
/// that those near a point are found by one binary search per bucket.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grid(FxHashMap<(u8, i64), Bucket>);

/// One bucket's observations: their cells (see [`cell_key`]) in order, and
/// beside them their indices.
#[derive(Clone, Debug, Default)]
struct Bucket {
    cells: Vec<u64>,
    obs: Vec<u32>,
}

/// A cell as one number that sorts as (row, column) do.
fn cell_key(row: i32, col: i32) -> u64 {
    let biased = |x: i32| u64::from(x as u32 ^ 0x8000_0000);
    (biased(row) << 32) | biased(col)
}

fn key_col(key: u64) -> i32 {
    (key as u32 ^ 0x8000_0000) as i32
}

impl Grid {
    pub(crate) fn insert(&mut self, category: u8, bucket: i64, row: i32, col: i32, i: usize) {
        let at = u32::try_from(i).expect("fewer than 2^32 observations");
        let b = self.0.entry((category, bucket)).or_default();
        let key = cell_key(row, col);
        // Observations mostly arrive in log order, which is no order of
        // cells: an insertion, within one bucket of one category. Among
        // those in one cell, log order.
        let pos = b.cells.partition_point(|&k| k <= key);
        b.cells.insert(pos, key);
        b.obs.insert(pos, at);
    }

    /// Calls `found` with each observation of the category in the buckets,
    /// rows and columns given.
    pub(crate) fn near(
        &self,
        category: u8,
        buckets: RangeInclusive<i64>,
        rows: RangeInclusive<i32>,
        cols: RangeInclusive<i32>,
        mut found: impl FnMut(usize),
    ) {
        let first = cell_key(*rows.start(), *cols.start());
        let last = cell_key(*rows.end(), *cols.end());
        for bucket in buckets {
            let Some(b) = self.0.get(&(category, bucket)) else {
                continue;
            };
            // The rows are next to each other in the bucket: one search for
            // the first, then a walk to the end of the last.
            let from = b.cells.partition_point(|&k| k < first);
            for (&key, &i) in b.cells[from..].iter().zip(&b.obs[from..]) {
                if key > last {
                    break;
                }
                if cols.contains(&key_col(key)) {
                    found(i as usize);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Digested for Digest {
        fn digest(&self) -> &Digest {
            self
        }
    }

    fn digest(n: u64) -> Digest {
        use sha2::{Digest as _, Sha256};
        Digest(Sha256::digest(n.to_le_bytes()).into())
    }

    #[test]
    fn by_digest_finds_every_digest_added_and_refuses_it_twice() {
        let mut table = ByDigest::default();
        let mut added: Vec<Digest> = Vec::new();
        // Grows from empty, several times.
        for n in 0..5000 {
            let d = digest(n);
            assert!(table.insert_new(&added, &d, digest_hash(&d), added.len()));
            added.push(d);
        }
        for (i, d) in added.iter().enumerate() {
            assert_eq!(table.get(&added, d), Some(i));
            assert!(!table.insert_new(&added, d, digest_hash(d), added.len()));
        }
        assert_eq!(table.get(&added, &digest(5000)), None);
        // Digests whose hashes share the upper half (as a grinding signer
        // could make them, were the key known) are told apart in full.
        let mut twins = ByDigest::default();
        let set = [digest(1), digest(2), digest(3)];
        for (i, d) in set.iter().enumerate() {
            assert!(twins.insert_new(&set[..i], d, 42 << 32, i));
        }
        for (i, d) in set.iter().enumerate() {
            let at = twins.find(&set, d, 42 << 32).unwrap();
            assert_eq!((twins.slots[at] as u32 - 1) as usize, i);
        }
    }

    #[test]
    fn grid_finds_exactly_the_cells_asked_for() {
        let mut g = Grid::default();
        let mut i = 0;
        let mut placed = Vec::new();
        for bucket in 0..4 {
            for row in -3..3 {
                for col in [-2, 5, 0, 1, -1, 3] {
                    g.insert(1, bucket, row, col, i);
                    placed.push((bucket, row, col));
                    i += 1;
                }
            }
        }
        g.insert(2, 1, 0, 0, i);
        let mut got = Vec::new();
        g.near(1, 1..=2, -1..=0, -1..=1, |j| got.push(j));
        got.sort();
        let want: Vec<usize> = placed
            .iter()
            .enumerate()
            .filter(|(_, (b, r, c))| {
                (1..=2).contains(b) && (-1..=0).contains(r) && (-1..=1).contains(c)
            })
            .map(|(j, _)| j)
            .collect();
        assert_eq!(got, want);
        assert_eq!(got.len(), 2 * 2 * 3);
    }
}
