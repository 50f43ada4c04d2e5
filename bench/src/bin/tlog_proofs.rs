//! Inclusion and consistency proofs from the tiles of a large log on disk,
//! cold (a new reader: every tile read from disk and hashed) and warm (tiles
//! cached), for comparison with Go's TileHashReader on the same directory
//! (bench/go/tlogbench -dir).
//!
//!     cargo run --release -p accord-bench --bin tlog_proofs -- --dir /tmp/log10m --size 10000000 --proofs 20000
//!
//! Builds the log in DIR first when it is not there (entries "entry <i>").

use std::sync::Arc;
use std::time::Instant;

use accord_bench::arg;
use tlog::checkpoint::SignedCheckpoint;
use tlog::client::{DirSource, TileReader};
use tlog::keys::{KeyType, SignerKey};
use tlog::merkle::verify_inclusion;
use tlog::sequencer::{BatchOptions, Sequencer};
use tlog::{DirStorage, Log, leaf_hash};

fn main() {
    let dir: String = arg("--dir", "/tmp/accord-bench-log10m".to_string());
    let size: u64 = arg("--size", 10_000_000);
    let proofs: u64 = arg("--proofs", 20_000);
    let dir = std::path::PathBuf::from(dir);

    let have = std::fs::read(dir.join("checkpoint"))
        .ok()
        .and_then(|c| SignedCheckpoint::parse(&c).ok());
    if have.as_ref().map(|c| c.checkpoint.size) != Some(size) {
        let _ = std::fs::remove_dir_all(&dir);
        let key = SignerKey::from_seed("bench.example/log10m", KeyType::Ed25519, [3; 32]).unwrap();
        let log = Log::create(Arc::new(DirStorage::new(&dir).unwrap()), key).unwrap();
        let start = Instant::now();
        let (seq, thread) = Sequencer::start(log, BatchOptions::default());
        let mut pending = std::collections::VecDeque::new();
        let mut i = 0;
        while i < size {
            let end = (i + 16_384).min(size);
            pending.push_back(
                seq.submit(
                    (i..end)
                        .map(|j| format!("entry {j}").into_bytes())
                        .collect(),
                )
                .unwrap(),
            );
            if pending.len() > 4 {
                pending.pop_front().unwrap().wait().unwrap();
            }
            i = end;
        }
        pending.into_iter().for_each(|p| {
            p.wait().unwrap();
        });
        drop(seq);
        thread.join();
        eprintln!(
            "built a log of {size} entries in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    let cp = SignedCheckpoint::parse(&std::fs::read(dir.join("checkpoint")).unwrap())
        .unwrap()
        .checkpoint;
    let idx = |k: u64| (k.wrapping_mul(2654435761).wrapping_add(12345)) % size;

    // Cold: a fresh reader per proof, as a client with no cache does.
    let start = Instant::now();
    for k in 0..proofs {
        let mut r = TileReader::new(DirSource::new(&dir));
        r.inclusion_proof(size, idx(k)).unwrap();
    }
    let cold = start.elapsed();

    // Warm: one reader, tiles cached as they are read.
    let mut r = TileReader::new(DirSource::new(&dir));
    let start = Instant::now();
    for k in 0..proofs {
        r.inclusion_proof(size, idx(k)).unwrap();
    }
    let warm_first = start.elapsed();
    let start = Instant::now();
    for k in 0..proofs {
        r.inclusion_proof(size, idx(k)).unwrap();
    }
    let warm = start.elapsed();
    let start = Instant::now();
    for k in 0..proofs {
        r.consistency_proof(idx(k) + 1, size).unwrap();
    }
    let cons = start.elapsed();

    // Sanity: the proofs prove.
    let i = idx(3);
    let p = r.inclusion_proof(size, i).unwrap();
    verify_inclusion(
        i,
        size,
        &leaf_hash(format!("entry {i}").as_bytes()),
        &p,
        &cp.root,
    )
    .unwrap();

    println!(
        "{}",
        serde_json::json!({
            "impl": "accord tlog",
            "size": size,
            "inclusion_cold_us": cold.as_secs_f64() * 1e6 / proofs as f64,
            "inclusion_warming_us": warm_first.as_secs_f64() * 1e6 / proofs as f64,
            "inclusion_warm_us": warm.as_secs_f64() * 1e6 / proofs as f64,
            "consistency_warm_us": cons.as_secs_f64() * 1e6 / proofs as f64,
        })
    );
}
