//! Property tests: proofs verify for random sizes and indices, and any
//! flipped bit in a tile, an entry bundle, a proof or a checkpoint is caught.

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;
use tlog::client::{ReadError, TileReader, TileSource};
use tlog::keys::{KeyType, SignerKey};
use tlog::merkle::{
    MemoryNodes, NodeId, NodeReader, consistency_plan, inclusion_plan, resolve, verify_consistency,
    verify_inclusion,
};
use tlog::tree::RightEdge;
use tlog::verify::{VerifyOptions, verify_log};
use tlog::{DirSource, DirStorage, Hash, Log, leaf_hash, node_hash};

/// Tiles held in memory.
struct MemSource(HashMap<String, Vec<u8>>);

impl TileSource for MemSource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        Ok(self.0.get(path).cloned())
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

fn entry(i: u64) -> Vec<u8> {
    format!("entry {i}").into_bytes()
}

/// A tree of up to 2^63 leaves whose leaf `i` hash is `leaf_hash(i mod 3)`:
/// perfect subtrees are computed by recursion with memoisation on
/// (height, first leaf mod 3), so proofs in astronomically large trees can
/// be checked against an independent computation.
struct Periodic {
    memo: HashMap<(u32, u64), Hash>,
}

impl Periodic {
    fn leaf(i: u64) -> Hash {
        leaf_hash(&(i % 3).to_be_bytes())
    }
    fn node(&mut self, height: u32, index: u64) -> Hash {
        if height == 0 {
            return Periodic::leaf(index);
        }
        // The subtree's first leaf mod 3 determines its hash.
        let first = (index as u128) << height;
        let key = (height, (first % 3) as u64);
        if let Some(h) = self.memo.get(&key) {
            return *h;
        }
        let l = self.node(height - 1, index * 2);
        let r = self.node(height - 1, index * 2 + 1);
        let h = node_hash(&l, &r);
        self.memo.insert(key, h);
        h
    }
    /// The root of the first `size` leaves, by the RFC 6962 definition.
    fn root(&mut self, start: u64, size: u64) -> Hash {
        if size.is_power_of_two() && start.is_multiple_of(size) {
            return self.node(size.trailing_zeros(), start / size);
        }
        let k = 1u64 << (63 - (size - 1).leading_zeros());
        let l = self.root(start, k);
        let r = self.root(start + k, size - k);
        node_hash(&l, &r)
    }
}

impl NodeReader for Periodic {
    type Error = std::convert::Infallible;
    fn read_nodes(&mut self, ids: &[NodeId]) -> Result<Vec<Hash>, Self::Error> {
        Ok(ids
            .iter()
            .map(|id| self.node(id.height, id.index))
            .collect())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inclusion_proofs_verify_in_huge_trees(size in 1u64..(1 << 62), frac in 0.0f64..1.0) {
        let index = ((size as f64) * frac) as u64 % size;
        let mut t = Periodic { memo: HashMap::new() };
        let root = t.root(0, size);
        let proof = resolve(&inclusion_plan(index, size).unwrap(), &mut t).unwrap();
        prop_assert!(proof.len() <= 64);
        verify_inclusion(index, size, &Periodic::leaf(index), &proof, &root).unwrap();
        // A leaf of another class, or any one flipped bit, fails.
        prop_assert!(verify_inclusion(index, size, &Periodic::leaf(index + 1), &proof, &root).is_err());
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let k = (index as usize) % bad.len();
            bad[k].0[(size % 32) as usize] ^= 1 << (index % 8);
            prop_assert!(verify_inclusion(index, size, &Periodic::leaf(index), &bad, &root).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_in_huge_trees(new in 1u64..(1 << 62), frac in 0.0f64..=1.0) {
        let old = (((new as f64) * frac) as u64).clamp(1, new);
        let mut t = Periodic { memo: HashMap::new() };
        let (old_root, new_root) = (t.root(0, old), t.root(0, new));
        let proof = resolve(&consistency_plan(old, new).unwrap(), &mut t).unwrap();
        verify_consistency(old, new, &old_root, &new_root, &proof).unwrap();
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let k = (new as usize) % bad.len();
            bad[k].0[(old % 32) as usize] ^= 1 << (new % 8);
            prop_assert!(verify_consistency(old, new, &old_root, &new_root, &bad).is_err());
        }
        if old < new {
            let mut wrong = new_root;
            wrong.0[0] ^= 1;
            prop_assert!(verify_consistency(old, new, &old_root, &wrong, &proof).is_err());
        }
    }

    /// Proofs made from tiles alone equal those made from all leaf hashes,
    /// and verify against the tree's root; a leaf swapped for its neighbour
    /// fails.
    #[test]
    fn tile_proofs_match_memory_proofs(size in 1u64..70_000, a in any::<u64>(), b in any::<u64>()) {
        let entries: Vec<Vec<u8>> = (0..size).map(entry).collect();
        let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        let mut edge = RightEdge::new(true);
        let mut store = HashMap::new();
        // Build in irregular batches so that many partial tiles are written.
        let mut at = 0usize;
        let mut step = 1usize;
        while at < entries.len() {
            let end = (at + step).min(entries.len());
            store.extend(edge.append_entries(&entries[at..end]));
            at = end;
            step = step * 7 % 1000 + 1;
        }
        let root = edge.root();
        let mut reader = TileReader::new(MemSource(store));
        prop_assert_eq!(reader.root(size).unwrap(), root);
        let index = a % size;
        let from_tiles = reader.inclusion_proof(size, index).unwrap();
        let from_memory = resolve(&inclusion_plan(index, size).unwrap(), &mut MemoryNodes { leaves: &leaves }).unwrap();
        prop_assert_eq!(&from_tiles, &from_memory);
        verify_inclusion(index, size, &leaves[index as usize], &from_tiles, &root).unwrap();
        if size > 1 {
            let other = (index + 1) % size;
            prop_assert!(verify_inclusion(index, size, &leaves[other as usize], &from_tiles, &root).is_err());
        }
        prop_assert_eq!(reader.entry(size, index).unwrap(), entries[index as usize].clone());
        let (lo, hi) = (index.min(b % size), index.max(b % size) + 1);
        prop_assert_eq!(reader.entries(size, lo..hi).unwrap(), entries[lo as usize..hi as usize].to_vec());
        let old = 1 + b % size;
        let cons = reader.consistency_proof(old, size).unwrap();
        let mut old_edge = RightEdge::new(false);
        for h in &leaves[..old as usize] { old_edge.push_hash(*h, |_, _| {}); }
        verify_consistency(old, size, &old_edge.root(), &root, &cons).unwrap();
    }
}

/// Builds a log of `size` entries in irregular batches in a fresh directory.
fn build_log(size: u64, seed: u64) -> (tempfile::TempDir, SignerKey) {
    let dir = tempfile::tempdir().unwrap();
    let key = SignerKey::from_seed("test.example/log", KeyType::Ed25519, [7u8; 32]).unwrap();
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let mut log = Log::create(storage, key.clone()).unwrap();
    let mut at = 0u64;
    let mut step = seed % 300 + 1;
    while at < size {
        let end = (at + step).min(size);
        let batch: Vec<Vec<u8>> = (at..end).map(entry).collect();
        log.append_batch(&batch).unwrap();
        at = end;
        step = step * 31 % 700 + 1;
    }
    (dir, key)
}

/// The objects the current checkpoint depends on (older partial tiles are
/// kept for older checkpoints and are not part of this tree).
fn needed_files(dir: &std::path::Path, size: u64) -> Vec<String> {
    let mut out = vec!["checkpoint".to_string()];
    for t in tlog::tile::new_tiles(0, size) {
        let p = t.path();
        if dir.join(&p).exists() {
            out.push(p);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any single flipped bit in a tile, an entry bundle or the checkpoint
    /// makes verification fail.
    #[test]
    fn any_flipped_bit_in_the_log_is_detected(size in 1u64..2000, seed in any::<u64>(), pick in any::<u64>(), bit in 0u64..(1 << 20)) {
        let (dir, key) = build_log(size, seed);
        let vkey = key.verifier();
        let opts = VerifyOptions { log_key: Some(&vkey), entries: true, ..Default::default() };
        verify_log(&DirSource::new(dir.path()), &opts, |_| {}).unwrap();

        let files = needed_files(dir.path(), size);
        let victim = &files[(pick % files.len() as u64) as usize];
        let path = dir.path().join(victim);
        let mut data = std::fs::read(&path).unwrap();
        let b = (bit as usize) % (data.len() * 8);
        data[b / 8] ^= 1 << (b % 8);
        std::fs::write(&path, &data).unwrap();
        let res = verify_log(&DirSource::new(dir.path()), &opts, |_| {});
        prop_assert!(res.is_err(), "flipping bit {b} of {victim} went unnoticed");
    }
}
