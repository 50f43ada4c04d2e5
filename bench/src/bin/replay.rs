//! Replaying the evaluator over a large log of the Ukraine example.
//!
//! Makes (once, then reuses) a log of N statements: the adoption, thirty
//! accredited monitors of three organisations, and a year of their
//! observations (violations, weapons, movement restrictions, casualties,
//! troop movements, corroborations) with the operator's daily status
//! statements, every one signed. Then measures, in one run:
//!
//! 1. the evaluator over statements already parsed, placed and their
//!    signatures verified (as the index holds them): sequential, one core;
//! 2. the engine's verified replay from the log's bytes, as `accord audit`
//!    runs it (`accord_engine::replay`: tiles verified, each bundle read
//!    once and checked, parsed and placed and signatures verified in
//!    batches on every core, applied in order);
//! 3. the alternative a user would write first: `Evaluator::apply` one
//!    entry at a time (parse, signature check, place, apply), on a prefix
//!    of the log;
//!
//! and checks that every status statement matches. The whole audit is timed
//! by `bench/evaluate.sh` with the `accord` binary.
//!
//!   cargo run --release -p accord-bench --bin replay -- [STATEMENTS] [DIR]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use accord::evaluate::{Evaluator, Prepared};
use accord::statement::{SignedStatement, Statement};
use accord_bench::{Rng, observation, statement};
use accord_engine::signatures::{self, KeyBook, SignatureCheck};
use accord_example as example;
use jiff::Timestamp;
use rayon::prelude::*;
use serde_json::json;
use tlog::client::{DirSource, TileReader};
use tlog::{DirStorage, Log, SignerKey};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MONITORS_PER_ORG: u32 = 10;
const ORGS: [&str; 3] = ["MISSION", "JCCC_UA", "JCCC_RU"];
const DAYS: i64 = 365;

/// Makes the log: statements signed in parallel, day by day; the operator's
/// status statement at the end of each day names the evaluator's status.
fn make_log(dir: &Path, n: u64) -> u64 {
    let (a, hash) = example::agreement();
    let start: Timestamp = "2026-03-02T10:00:00Z".parse().unwrap();
    let mut ev = Evaluator::new(&a, hash);
    let mut keys = KeyBook::new(&a);
    let remember = |keys: &mut KeyBook, k: &SignerKey| keys.add(&k.verifier());
    let signer = |id: &str| -> SignerKey {
        let key = a
            .parties
            .get(id)
            .and_then(|p| p.keys.first())
            .or_else(|| a.organisations.get(id).and_then(|o| o.keys.first()))
            .expect("a key");
        example::key(key.get_ref().name())
    };
    let operator = example::key(
        a.operator.as_ref().expect("an operator").keys[0]
            .get_ref()
            .name(),
    );
    remember(&mut keys, &operator);
    let mut entries: Vec<Vec<u8>> = Vec::with_capacity(n as usize);
    let apply =
        |ev: &mut Evaluator<'_>, entries: &mut Vec<Vec<u8>>, bytes: Vec<u8>, keys: &KeyBook| {
            let mut p = [ev.preparer().prepare(&bytes)];
            let verified = signatures::verify(&p, keys, SignatureCheck::Batch);
            ev.apply_prepared_all(&mut p, &verified.signatures);
            entries.push(bytes);
        };
    // Adoption and accreditations.
    let ua = signer("UA");
    let ru = signer("RU");
    remember(&mut keys, &ua);
    remember(&mut keys, &ru);
    let mut adoption = SignedStatement::sign(
        statement(
            hash,
            "adoption",
            start,
            json!({"title": a.title.get_ref(), "version": a.version.get_ref()}),
        ),
        &ua,
    )
    .unwrap();
    adoption.cosign(&ru).unwrap();
    apply(&mut ev, &mut entries, adoption.to_bytes(), &keys);
    let mut monitors = Vec::new();
    for org in ORGS {
        let ok = signer(org);
        remember(&mut keys, &ok);
        for i in 1..=MONITORS_PER_ORG {
            let mk = example::key(&example::monitor_key_name(ok.name(), i));
            let body =
                json!({"action": "grant", "organisation": org, "key": mk.verifier().to_string()});
            let s =
                SignedStatement::sign(statement(hash, "accreditation", start, body), &ok).unwrap();
            remember(&mut keys, &mk);
            apply(&mut ev, &mut entries, s.to_bytes(), &keys);
            monitors.push(mk);
        }
    }
    let per_day = (n.saturating_sub(entries.len() as u64 + DAYS as u64) / DAYS as u64).max(1);
    let mut r = Rng(7);
    for day in 0..DAYS {
        if entries.len() as u64 >= n {
            break;
        }
        let base = start.as_second() + day * 86_400 + 3600;
        let count = per_day.min(n - entries.len() as u64 - 1);
        // Bodies drawn in order, signed on every core.
        let drafts: Vec<(usize, Statement)> = (0..count)
            .map(|i| {
                let at = Timestamp::from_second(base + (i as i64 * 80_000) / count as i64).unwrap();
                let m = r.below(monitors.len() as u64) as usize;
                (
                    m,
                    statement(hash, "observation", at, observation(&mut r, at)),
                )
            })
            .collect();
        let signed: Vec<Vec<u8>> = drafts
            .into_par_iter()
            .map(|(m, st)| SignedStatement::sign(st, &monitors[m]).unwrap().to_bytes())
            .collect();
        let preparer = ev.preparer();
        let mut prepared = accord_engine::replay::prepare(&preparer, &signed);
        let verified = signatures::verify(&prepared, &keys, SignatureCheck::Batch);
        ev.apply_prepared_all(&mut prepared, &verified.signatures);
        entries.extend(signed);
        // The operator's status, at the end of the day.
        let at = Timestamp::from_second(start.as_second() + (day + 1) * 86_400).unwrap();
        let size = entries.len() as u64;
        let mut st = ev.status();
        st.log_size = size;
        let body = json!({"log_size": size, "status": st.digest(), "phase": st.phase.id.clone().unwrap_or_default()});
        let s = SignedStatement::sign(statement(hash, "status", at, body), &operator).unwrap();
        apply(&mut ev, &mut entries, s.to_bytes(), &keys);
    }
    let claims = &ev.state.claims;
    assert!(
        claims.iter().all(|c| c.computed == Some(c.claimed)),
        "status statements match"
    );
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, example::key("log.mission.accord.example/log")).unwrap();
    for chunk in entries.chunks(65_536) {
        log.append_batch(chunk).unwrap();
    }
    entries.len() as u64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args
        .get(1)
        .map(|s| s.parse().expect("a number of statements"))
        .unwrap_or(1_000_000);
    let dir = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("accord-replay-{n}")));
    let marker = dir.join(".complete");
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let t = Instant::now();
        let made = make_log(&dir, n);
        std::fs::write(&marker, made.to_string()).unwrap();
        eprintln!(
            "made a log of {made} statements in {:.1} s: {}",
            t.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    let (a, hash) = example::agreement();
    let source = DirSource::new(&dir);
    let cp =
        tlog::SignedCheckpoint::parse(&std::fs::read(dir.join("checkpoint")).unwrap()).unwrap();
    let size = cp.checkpoint.size;
    let mut reader = TileReader::new(&source);
    // Every key that signs in it: the agreement's and the monitors'.
    let mut keys = KeyBook::new(&a);
    for org in ORGS {
        let org_key = a.organisations[org].keys[0].get_ref().name().to_string();
        for i in 1..=MONITORS_PER_ORG {
            keys.add(&example::key(&example::monitor_key_name(&org_key, i)).verifier());
        }
    }

    // Read the entries (the page cache is warm after the first run).
    let t = Instant::now();
    let entries = reader.entries(size, 0..size).unwrap();
    let read_s = t.elapsed().as_secs_f64();
    let bytes: usize = entries.iter().map(Vec::len).sum();

    // 2. The engine's verified replay, as `accord audit` runs it: the
    // tree verified, each bundle read once and checked, statements
    // prepared and their signatures verified on every core while the chunk
    // before is applied.
    let only_apply = std::env::var_os("REPLAY_ONLY_APPLY").is_some();
    let t = Instant::now();
    let (claims, digest) = if only_apply {
        (0, None)
    } else {
        let key = example::key("log.mission.accord.example/log").verifier();
        let log = accord_engine::verify_log(&source, &key, &[], None).unwrap();
        let r = accord_engine::replay(&a, hash, &source, &log, &Default::default()).unwrap();
        let ev = r.evaluator;
        assert!(ev.state.claims.iter().all(|c| c.holds()));
        (ev.state.claims.len(), Some(ev.status().digest()))
    };
    let from_bytes_s = t.elapsed().as_secs_f64();

    // 1. The evaluator alone, over prepared statements: chunk by chunk, as
    // a replay holds them, timing only the evaluator.
    let mut ev2 = Evaluator::new(&a, hash);
    ev2.reserve(entries.len());
    let preparer = ev2.preparer();
    let (mut prepare_s, mut apply_s) = (0.0, 0.0);
    for chunk in entries.chunks(65_536) {
        let t = Instant::now();
        let mut prepared: Vec<Prepared> = accord_engine::replay::prepare(&preparer, chunk);
        let verified = signatures::verify(&prepared, &keys, SignatureCheck::Batch).signatures;
        prepare_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        ev2.apply_prepared_all(&mut prepared, &verified);
        apply_s += t.elapsed().as_secs_f64();
        // Freed outside the evaluator's time, as `accord audit` frees
        // them on another thread.
        drop((prepared, verified));
    }
    if let Some(d) = digest {
        assert_eq!(ev2.status().digest(), d, "the same status either way");
    }
    assert!(
        ev2.state
            .claims
            .iter()
            .all(|c| c.computed == Some(c.claimed))
    );
    if only_apply {
        println!(
            "apply: {apply_s:.2} s = {:.0} statements/s",
            size as f64 / apply_s
        );
        return;
    }

    // 3. One entry at a time, signatures checked: on a prefix.
    let prefix = (size / 10).clamp(1, 100_000) as usize;
    let mut ev3 = Evaluator::new(&a, hash);
    let t = Instant::now();
    for e in &entries[..prefix] {
        ev3.apply(e);
    }
    let naive_s = t.elapsed().as_secs_f64();

    let rate = |n: f64, s: f64| n / s;
    println!(
        "log: {size} statements ({:.0} MB), {claims} status statements, all matching",
        bytes as f64 / 1e6
    );
    println!("read from the tiles: {read_s:.2} s");
    println!(
        "1. evaluator over prepared, verified statements (one core): {apply_s:.2} s = {:.0} statements/s",
        rate(size as f64, apply_s)
    );
    println!(
        "   (preparing them, parse + records + signatures in batches on 2 cores: {prepare_s:.2} s = {:.0} statements/s)",
        rate(size as f64, prepare_s)
    );
    println!(
        "2. the engine's verified replay from the log's bytes (as accord audit): {from_bytes_s:.2} s = {:.0} statements/s",
        rate(size as f64, from_bytes_s)
    );
    println!(
        "3. one entry at a time with signature checks (first {prefix}): {naive_s:.2} s = {:.0} statements/s",
        rate(prefix as f64, naive_s)
    );
    println!(
        "ratios: 1 vs 3 = {:.1}x, 2 vs 3 = {:.1}x",
        rate(size as f64, apply_s) / rate(prefix as f64, naive_s),
        rate(size as f64, from_bytes_s) / rate(prefix as f64, naive_s)
    );
    println!("LOG={}", dir.display());
}
