//! Micro-benchmarks of the log's hot functions:
//!
//!     cargo bench -p tlog --bench tlog
//!
//! Whole-program comparisons with Go's reference, SQLite and plain files are
//! in bench/ (see BENCHMARKS.md).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tlog::keys::{KeyType, SignerKey};
use tlog::merkle::{MemoryNodes, inclusion_plan, resolve, verify_inclusion};
use tlog::note::{Note, NoteVerifier};
use tlog::tree::RightEdge;
use tlog::{leaf_hash, node_hash};

fn hashing(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    let entry = vec![7u8; 1024];
    g.throughput(Throughput::Bytes(1024));
    g.bench_function("leaf_hash 1 KiB", |b| {
        b.iter(|| leaf_hash(black_box(&entry)))
    });
    let (l, r) = (leaf_hash(b"l"), leaf_hash(b"r"));
    g.throughput(Throughput::Elements(1));
    g.bench_function("node_hash", |b| {
        b.iter(|| node_hash(black_box(&l), black_box(&r)))
    });
    g.finish();
}

fn tree(c: &mut Criterion) {
    let mut g = c.benchmark_group("tree");
    let hashes: Vec<_> = (0..65_536u32)
        .map(|i| leaf_hash(&i.to_be_bytes()))
        .collect();
    g.throughput(Throughput::Elements(hashes.len() as u64));
    g.bench_function(
        "append 65536 leaf hashes (interior hashes and tiles)",
        |b| {
            b.iter(|| {
                let mut e = RightEdge::new(false);
                for h in &hashes {
                    e.push_hash(*h, |_, _| {});
                }
                e.root()
            })
        },
    );
    let n = hashes.len() as u64;
    let plan = inclusion_plan(12_345, n).unwrap();
    let proof = resolve(&plan, &mut MemoryNodes { leaves: &hashes }).unwrap();
    let mut e = RightEdge::new(false);
    for h in &hashes {
        e.push_hash(*h, |_, _| {});
    }
    let root = e.root();
    g.throughput(Throughput::Elements(1));
    g.bench_function("verify_inclusion in 65536", |b| {
        b.iter(|| {
            verify_inclusion(
                12_345,
                n,
                black_box(&hashes[12_345]),
                black_box(&proof),
                &root,
            )
            .unwrap()
        })
    });
    g.finish();
}

fn notes(c: &mut Criterion) {
    let mut g = c.benchmark_group("note");
    let key = SignerKey::from_seed("bench.example/key", KeyType::Ed25519, [5; 32]).unwrap();
    let v = key.verifier();
    let mut n =
        Note::new("bench.example/log\n123456\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
            .unwrap();
    g.bench_function("sign a checkpoint", |b| {
        b.iter(|| {
            let mut m = n.clone();
            m.sign(&key).unwrap();
            m
        })
    });
    n.sign(&key).unwrap();
    let bytes = n.to_bytes();
    g.bench_function("parse and verify a signed checkpoint (ZIP-215)", |b| {
        b.iter(|| {
            Note::parse(black_box(&bytes))
                .unwrap()
                .verify(&[&v as &dyn NoteVerifier])
                .unwrap()
        })
    });
    g.finish();
}

/// The one signature rule (ZIP-215, `tlog::ed25519`) alone and in batches,
/// against what it replaced: ed25519-dalek's `verify_strict` one at a time
/// and its (cofactored) `verify_batch`. Statements of ~500 bytes, signed by
/// 31 keys in turn, as monitors and an operator sign a log.
fn signatures(c: &mut Criterion) {
    use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _};
    let mut g = c.benchmark_group("signatures");
    let keys: Vec<SigningKey> = (0..31u8)
        .map(|i| SigningKey::from_bytes(&[i; 32]))
        .collect();
    let msgs: Vec<Vec<u8>> = (0..1024u32)
        .map(|i| format!("{i:0>500}").into_bytes())
        .collect();
    let signed: Vec<(usize, Signature)> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| (i % keys.len(), keys[i % keys.len()].sign(m)))
        .collect();
    let ours: Vec<tlog::ed25519::PublicKey> = keys
        .iter()
        .map(|k| tlog::ed25519::check_key(k.verifying_key().as_bytes()).unwrap())
        .collect();
    g.throughput(Throughput::Elements(1));
    g.bench_function("ed25519-dalek verify_strict, one", |b| {
        let (k, sig) = &signed[0];
        let vk = keys[*k].verifying_key();
        b.iter(|| vk.verify_strict(black_box(&msgs[0]), sig).unwrap())
    });
    g.bench_function("ed25519-dalek verify (cofactorless), one", |b| {
        let (k, sig) = &signed[0];
        let vk = keys[*k].verifying_key();
        b.iter(|| vk.verify(black_box(&msgs[0]), sig).unwrap())
    });
    g.bench_function("ZIP-215 (ours), one", |b| {
        let (k, sig) = &signed[0];
        b.iter(|| assert!(ours[*k].verify(black_box(&msgs[0]), &sig.to_bytes())))
    });
    for n in [64usize, 256, 1024] {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("ed25519-dalek verify_batch, {n}"), |b| {
            let m: Vec<&[u8]> = msgs[..n].iter().map(|m| m.as_slice()).collect();
            let s: Vec<Signature> = signed[..n].iter().map(|x| x.1).collect();
            let k: Vec<_> = signed[..n]
                .iter()
                .map(|x| keys[x.0].verifying_key())
                .collect();
            b.iter(|| ed25519_dalek::verify_batch(&m, &s, &k).unwrap())
        });
        g.bench_function(format!("ZIP-215 (ours) batch, {n}"), |b| {
            b.iter(|| {
                let mut batch = tlog::ed25519::Batch::with_capacity(n);
                for (m, (k, sig)) in msgs[..n].iter().zip(&signed[..n]) {
                    batch.push(&ours[*k], m, &sig.to_bytes());
                }
                let (each, failed) = batch.verify();
                assert!(!failed && each.len() == n);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, hashing, tree, notes, signatures);
criterion_main!(benches);
