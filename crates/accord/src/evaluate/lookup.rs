//! Lookups over the observations, kept for speed. They are derived from the
//! observations, never stored, and rebuilt when an evaluation resumes.
//!
//! Both are laid out to touch little memory: a long replay spends much of
//! its time on memory it touches for the first time, not on comparisons.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::ops::RangeInclusive;

use hashbrown::HashTable;
use rustc_hash::FxHashMap;

use super::Obs;
use crate::statement::Digest;

/// Observations by digest: indices into the list of observations, found by
/// their digest's hash and compared in full. Four bytes an entry, where a
/// map from digest to index takes forty.
///
/// The hash is keyed at random for each process: digests are uniform, but a
/// signer could grind statements whose digests fall in one bucket of an
/// unkeyed table, and make every lookup slow. (The key changes no result:
/// the table is never iterated.)
#[derive(Clone, Debug, Default)]
pub(crate) struct ByDigest {
    table: HashTable<u32>,
    key: RandomState,
}

impl ByDigest {
    fn hash(key: &RandomState, d: &Digest) -> u64 {
        key.hash_one(d.0)
    }

    pub(crate) fn get(&self, obs: &[Box<Obs>], d: &Digest) -> Option<usize> {
        self.table
            .find(Self::hash(&self.key, d), |&i| obs[i as usize].digest == *d)
            .map(|&i| i as usize)
    }

    /// Adds `d` as the digest of observation `i` (not in `obs` yet, the
    /// next to be added), unless some observation has it already: false
    /// then. One probe of the table for both.
    pub(crate) fn insert_new(&mut self, obs: &[Box<Obs>], d: &Digest, i: usize) -> bool {
        let key = &self.key;
        let at = u32::try_from(i).expect("fewer than 2^32 observations");
        match self.table.entry(
            Self::hash(key, d),
            |&j| obs[j as usize].digest == *d,
            |&j| Self::hash(key, &obs[j as usize].digest),
        ) {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(at);
                true
            }
        }
    }

    /// Adds observation `i`, whose digest is not in the table yet.
    pub(crate) fn insert(&mut self, obs: &[Box<Obs>], i: usize) {
        let key = &self.key;
        let at = u32::try_from(i).expect("fewer than 2^32 observations");
        self.table
            .insert_unique(Self::hash(key, &obs[i].digest), at, |&j| {
                Self::hash(key, &obs[j as usize].digest)
            });
    }

    pub(crate) fn reserve(&mut self, obs: &[Box<Obs>], more: usize) {
        let key = &self.key;
        self.table
            .reserve(more, |&j| Self::hash(key, &obs[j as usize].digest));
    }
}

/// Observations by category and time bucket for corroboration in space and
/// time: each bucket's list is sorted by cell (row, column, index), so that
/// the observations near a point are found by one binary search per row.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grid(FxHashMap<(u8, i64), Vec<Cell>>);

/// An observation in the grid: its row, column and index.
type Cell = (i32, i32, u32);

impl Grid {
    pub(crate) fn insert(&mut self, category: u8, bucket: i64, row: i32, col: i32, i: usize) {
        let at = u32::try_from(i).expect("fewer than 2^32 observations");
        let list = self.0.entry((category, bucket)).or_default();
        let entry = (row, col, at);
        // Observations mostly arrive in log order, which is no order of
        // cells: an insertion, within one bucket of one category.
        let pos = list.partition_point(|e| *e < entry);
        list.insert(pos, entry);
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
        for bucket in buckets {
            let Some(list) = self.0.get(&(category, bucket)) else {
                continue;
            };
            // The rows are next to each other in the list: one search for
            // the first, then a walk to the end of the last.
            let from = list.partition_point(|e| (e.0, e.1) < (*rows.start(), *cols.start()));
            for &(r, c, i) in &list[from..] {
                if r > *rows.end() {
                    break;
                }
                if cols.contains(&c) {
                    found(i as usize);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
