//! Durable appends: bulk, and many concurrent single appends, against a
//! plain file with fdatasync (the disk's ceiling) and SQLite in WAL mode
//! with synchronous=FULL (what a user would reach for to keep records
//! durably), in one run.
//!
//!     cargo run --release -p accord-bench --bin tlog_append -- --bulk 300000 --seconds 5 --tasks 64
//!
//! Runs in a temporary directory under $BENCH_DIR (default: the system's).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_bench::{arg, ms, quantile};
use tlog::keys::{KeyType, SignerKey};
use tlog::sequencer::{BatchOptions, Sequencer};
use tlog::{DirStorage, Log};

const ENTRY: usize = 1024;
const CHUNK: usize = 8192;

fn entry(i: u64) -> Vec<u8> {
    let mut e = format!("{i:016}").into_bytes();
    e.resize(ENTRY, b'a' + (i % 26) as u8);
    e
}

fn tmpdir() -> tempfile::TempDir {
    match std::env::var_os("BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    }
}

fn new_log(dir: &std::path::Path) -> Log {
    let key = SignerKey::generate("bench.example/log", KeyType::Ed25519).unwrap();
    Log::create(Arc::new(DirStorage::new(dir).unwrap()), key).unwrap()
}

fn bulk_accord(n: u64) -> Duration {
    let dir = tmpdir();
    let log = new_log(dir.path());
    let start = Instant::now();
    let (seq, thread) = Sequencer::start(log, BatchOptions::default());
    let mut pending = std::collections::VecDeque::new();
    let mut i = 0;
    while i < n {
        let end = (i + CHUNK as u64).min(n);
        pending.push_back(seq.submit((i..end).map(entry).collect()).unwrap());
        if pending.len() > 4 {
            pending.pop_front().unwrap().wait().unwrap();
        }
        i = end;
    }
    for p in pending {
        p.wait().unwrap();
    }
    let t = start.elapsed();
    drop(seq);
    assert_eq!(thread.join().size(), n);
    t
}

fn bulk_file(n: u64) -> Duration {
    let dir = tmpdir();
    let start = Instant::now();
    let mut f = std::fs::File::create(dir.path().join("entries")).unwrap();
    let mut i = 0;
    while i < n {
        let end = (i + CHUNK as u64).min(n);
        let mut buf = Vec::with_capacity(CHUNK * (ENTRY + 2));
        for j in i..end {
            buf.extend_from_slice(&(ENTRY as u16).to_be_bytes());
            buf.extend_from_slice(&entry(j));
        }
        f.write_all(&buf).unwrap();
        f.sync_data().unwrap();
        i = end;
    }
    start.elapsed()
}

fn sqlite(dir: &std::path::Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(dir.join("log.db")).unwrap();
    c.busy_timeout(Duration::from_secs(60)).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE IF NOT EXISTS log (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL);",
    )
    .unwrap();
    c
}

fn bulk_sqlite(n: u64) -> Duration {
    let dir = tmpdir();
    let mut c = sqlite(dir.path());
    let start = Instant::now();
    let mut i = 0;
    while i < n {
        let end = (i + CHUNK as u64).min(n);
        let tx = c.transaction().unwrap();
        {
            let mut st = tx
                .prepare_cached("INSERT INTO log (entry) VALUES (?1)")
                .unwrap();
            for j in i..end {
                st.execute([entry(j)]).unwrap();
            }
        }
        tx.commit().unwrap();
        i = end;
    }
    start.elapsed()
}

struct Concurrent {
    appends: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn concurrent_accord(tasks: u64, seconds: f64, opts: BatchOptions) -> Concurrent {
    let dir = tmpdir();
    let log = new_log(dir.path());
    let (elapsed, latencies) = accord_bench::concurrent_appends(log, opts, tasks, seconds, entry);
    Concurrent {
        appends: latencies.len() as u64,
        elapsed,
        latencies,
    }
}

fn concurrent_sqlite(tasks: u64, seconds: f64) -> Concurrent {
    let dir = tmpdir();
    drop(sqlite(dir.path()));
    let stop = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let hs: Vec<_> = (0..tasks)
        .map(|t| {
            let p = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let c = sqlite(&p);
                let mut st = c.prepare("INSERT INTO log (entry) VALUES (?1)").unwrap();
                let mut lat = Vec::new();
                let mut k = 0u64;
                while Instant::now() < stop {
                    let t0 = Instant::now();
                    st.execute([entry(t * 1_000_000_000 + k)]).unwrap();
                    lat.push(t0.elapsed());
                    k += 1;
                }
                lat
            })
        })
        .collect();
    let latencies: Vec<Duration> = hs.into_iter().flat_map(|h| h.join().unwrap()).collect();
    Concurrent {
        appends: latencies.len() as u64,
        elapsed: start.elapsed(),
        latencies,
    }
}

fn report(name: &str, mut c: Concurrent) -> (String, f64) {
    c.latencies.sort();
    let rate = c.appends as f64 / c.elapsed.as_secs_f64();
    let line = format!(
        "| {name} | {:.0} | {:.2} | {:.2} | {:.2} |",
        rate,
        ms(quantile(&c.latencies, 0.5)),
        ms(quantile(&c.latencies, 0.99)),
        ms(*c.latencies.last().unwrap_or(&Duration::ZERO)),
    );
    (line, rate)
}

fn main() {
    let n: u64 = arg("--bulk", 300_000);
    let tasks: u64 = arg("--tasks", 64);
    let seconds: f64 = arg("--seconds", 5.0);

    println!("## Durable bulk append: {n} entries of {ENTRY} bytes, chunks of {CHUNK}\n");
    println!("| writer | entries/s | MB/s | vs accord |");
    println!("|---|---|---|---|");
    let a = bulk_accord(n);
    let f = bulk_file(n);
    let s = bulk_sqlite(n);
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    for (name, d) in [
        ("accord tlog (tiles, bundles, signed checkpoint)", a),
        ("plain file + fdatasync per chunk", f),
        ("SQLite WAL, synchronous=FULL, a transaction per chunk", s),
    ] {
        println!(
            "| {name} | {:.0} | {:.0} | {:.2}x |",
            rate(d),
            rate(d) * ENTRY as f64 / 1e6,
            a.as_secs_f64() / d.as_secs_f64()
        );
    }

    println!("\n## {tasks} concurrent tasks, one entry per append, {seconds} s\n");
    println!("| writer | appends/s | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    let (l, ra) = report(
        "accord tlog, default batching",
        concurrent_accord(tasks, seconds, BatchOptions::default()),
    );
    println!("{l}");
    for delay_us in std::env::var("DELAYS_US")
        .unwrap_or_default()
        .split(',')
        .filter_map(|d| d.parse::<u64>().ok())
    {
        let o = BatchOptions {
            max_batch_delay: Duration::from_micros(delay_us),
            ..BatchOptions::default()
        };
        let (l, _) = report(
            &format!("accord tlog, batch delay {delay_us} µs"),
            concurrent_accord(tasks, seconds, o),
        );
        println!("{l}");
    }
    let nobatch = BatchOptions {
        max_batch_entries: 1,
        max_batch_delay: Duration::ZERO,
        ..BatchOptions::default()
    };
    let (l, rn) = report(
        "accord tlog, no group commit (batch of 1)",
        concurrent_accord(tasks, seconds, nobatch),
    );
    println!("{l}");
    let (l, rs) = report(
        "SQLite WAL, synchronous=FULL, a transaction per append",
        concurrent_sqlite(tasks, seconds),
    );
    println!("{l}");
    println!(
        "\nthroughput ratio: accord / SQLite = {:.1}x; accord / no group commit = {:.1}x",
        ra / rs,
        ra / rn
    );
}
