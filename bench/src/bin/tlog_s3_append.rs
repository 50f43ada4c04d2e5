//! Durable appends on S3 (SeaweedFS on loopback, started here) versus the
//! directory backend, in one run: many concurrent tasks appending one
//! entry each through the sequencer's group commit, for a few seconds
//! each; appends per second, p50, p99 and max latency, and the ratio.
//!
//!     bench/s3.sh          # installs SeaweedFS when missing, then:
//!     cargo run --release -p accord-bench --bin tlog_s3_append -- --seconds 10 --tasks 64
//!
//! The SeaweedFS binary is found as the tests find it (testkit::s3:
//! `$ACCORD_S3_TOOLS`, or `~/.cache/accord/s3-tools`).

use std::sync::Arc;
use std::time::Duration;

use accord_bench::{arg, ms, quantile};
use testkit::s3::{Kind, S3Server};
use tlog::keys::{KeyType, SignerKey};
use tlog::sequencer::BatchOptions;
use tlog::storage::Storage;
use tlog::{DirStorage, Log};
use tlog_s3::{S3Options, S3Storage};

const ENTRY: usize = 1024;

fn entry(i: u64) -> Vec<u8> {
    let mut e = format!("{i:016}").into_bytes();
    e.resize(ENTRY, b'a' + (i % 26) as u8);
    e
}

struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn concurrent(storage: Arc<dyn Storage>, tasks: u64, seconds: f64) -> Run {
    let key = SignerKey::from_seed("bench.example/log", KeyType::Ed25519, [7; 32]).unwrap();
    let log = Log::create(storage, key).unwrap();
    let (elapsed, latencies) =
        accord_bench::concurrent_appends(log, BatchOptions::default(), tasks, seconds, entry);
    Run { elapsed, latencies }
}

fn row(name: &str, r: &Run) -> f64 {
    let rate = r.latencies.len() as f64 / r.elapsed.as_secs_f64();
    println!(
        "| {name} | {rate:.0} | {:.2} | {:.2} | {:.2} |",
        ms(quantile(&r.latencies, 0.5)),
        ms(quantile(&r.latencies, 0.99)),
        ms(*r.latencies.last().unwrap_or(&Duration::ZERO)),
    );
    rate
}

fn main() {
    let tasks: u64 = arg("--tasks", 64);
    let seconds: f64 = arg("--seconds", 10.0);

    let server = S3Server::start(Kind::SeaweedFs);
    let bucket = server.new_bucket("bench");
    let s3 = S3Storage::open(
        &bucket,
        "log",
        S3Options {
            endpoint: Some(server.endpoint()),
            allow_http: Some(true),
            region: Some("us-east-1".into()),
            access_key_id: Some("bench".into()),
            secret_access_key: Some("bench-secret".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let dir = match std::env::var_os("BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };

    println!("## {tasks} concurrent tasks, one {ENTRY}-byte entry per append, {seconds} s each\n");
    println!("| backend | appends/s | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    let d = concurrent(
        Arc::new(DirStorage::new(dir.path()).unwrap()),
        tasks,
        seconds,
    );
    let rd = row("directory (ext4, fsync)", &d);
    let s = concurrent(Arc::new(s3), tasks, seconds);
    let rs = row("S3: SeaweedFS 4.48 `weed mini` on loopback", &s);
    println!(
        "\nthroughput ratio: S3 / directory = {:.2}x; p99 ratio: S3 / directory = {:.1}x",
        rs / rd,
        ms(quantile(&s.latencies, 0.99)) / ms(quantile(&d.latencies, 0.99))
    );
}
