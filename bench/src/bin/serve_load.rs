//! Load on `accord serve` (issue 13), or on a static file server serving
//! the same log directory, over keep-alive HTTP/1.1 connections on
//! loopback. It starts no server: it targets a URL.
//!
//!   serve_load prepare --dir D [--single N] [--batched N]
//!
//! makes D/log (the Ukraine example adopted and thirty monitors of three
//! organisations accredited, written with `tlog::Log`, with the
//! `.tlog/config.toml` that `accord serve` and `accord log append` read),
//! D/log.key, and the observations to submit, signed by the monitors and
//! checked to be accepted by the evaluator in order: D/single.bin and
//! D/batched.bin (each statement a little-endian u32 length, then its
//! bytes) and D/notes/N, the single ones one file each (for `accord log
//! append --raw`). Their times lie within a day of the adoption, so they
//! are accepted in any order.
//!
//!   serve_load run --url http://127.0.0.1:8470[,http://…] --mode MODE
//!       [--concurrency 64] [--seconds 10] [--threads 1]
//!       [--file D/single.bin] [--from 0] [--batch 100]
//!
//! Submissions start at statement --from of the file. MODE is `single` (POST /v1/statements, one statement each), `batch`
//! (POST /v1/statements/batch, --batch statements each), `tiles` (random
//! full level-0 and level-1 hash tiles), `bundles` (random full entry
//! bundles), `reads` (proofs, entries, checkpoint and status, mixed) or
//! `queries` (observations in a random box, from the index).
//! Each connection sends its next request when the last is answered. It
//! stops after --seconds or when the statements run out, and prints
//! throughput, latency (p50, p99, max) and every status counted, then a
//! `RESULT` line for scripts. Submissions are held to the log: the
//! checkpoint must grow by exactly the statements answered 201.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use accord::statement::SignedStatement;
use accord_bench::{Rng, arg, ms, observation, quantile, statement};
use accord_engine::signatures::{self, KeyBook, SignatureCheck};
use accord_example::{self as example, Script};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use jiff::Timestamp;
use rayon::prelude::*;
use tlog::tile::{TILE_WIDTH, TileId};
use tlog::{DirStorage, Log, VerifierKey};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LOG_KEY: &str = "log.mission.accord.example/log";
const ORGS: [&str; 3] = ["MISSION", "JCCC_UA", "JCCC_RU"];
const MONITORS_PER_ORG: u32 = 10;

fn main() {
    let cmd = std::env::args().nth(1).unwrap_or_default();
    match cmd.as_str() {
        "prepare" => prepare(),
        "run" => run(),
        _ => {
            eprintln!("usage: serve_load prepare --dir D | serve_load run --url URL --mode MODE");
            std::process::exit(2);
        }
    }
}

fn string_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

// --- prepare -----------------------------------------------------------------

fn prepare() {
    let dir = std::path::PathBuf::from(string_arg("--dir").expect("--dir D"));
    let n_single: usize = arg("--single", 200_000);
    let n_batched: usize = arg("--batched", 300_000);
    let t0 = Instant::now();
    let (a, hash) = example::agreement();
    let start: Timestamp = "2026-03-02T10:00:00Z".parse().unwrap();
    let mut s = Script::new(&a, hash, start);
    s.adopt().ok();
    let mut monitors = Vec::new();
    for org in ORGS {
        for n in 1..=MONITORS_PER_ORG {
            s.accredit(org, n).ok();
            monitors.push(s.signer(&format!("{org}/{n}")).clone());
        }
    }
    // The log: the adoption and the accreditations.
    std::fs::create_dir_all(dir.join("log")).unwrap();
    let signer = example::key(LOG_KEY);
    let key_file = dir.join("log.key");
    std::fs::write(&key_file, format!("{}\n", signer.to_secret_string())).unwrap();
    let storage = Arc::new(DirStorage::new(dir.join("log")).unwrap());
    let mut log = Log::create(storage, signer.clone()).unwrap();
    log.append_batch(&s.entries).unwrap();
    drop(log);
    std::fs::create_dir_all(dir.join("log/.tlog")).unwrap();
    let key_abs = std::fs::canonicalize(&key_file).unwrap();
    std::fs::write(
        dir.join("log/.tlog/config.toml"),
        format!(
            "origin = {:?}\nvkey = {:?}\nkey = {:?}\n",
            signer.name(),
            signer.verifier().to_string(),
            key_abs.display().to_string()
        ),
    )
    .unwrap();

    // The observations: the single ones within ten hours of the adoption,
    // the batched ones in the ten after, signed on every core.
    let mut r = Rng(13);
    let mut draft = |count: usize, from_hour: i64| -> Vec<Vec<u8>> {
        let drafts: Vec<_> = (0..count)
            .map(|i| {
                let at = Timestamp::from_second(
                    start.as_second() + from_hour * 3600 + (i as i64 * 36_000) / count as i64,
                )
                .unwrap();
                let m = r.below(monitors.len() as u64) as usize;
                (
                    m,
                    statement(hash, "observation", at, observation(&mut r, at)),
                )
            })
            .collect();
        drafts
            .into_par_iter()
            .map(|(m, st)| SignedStatement::sign(st, &monitors[m]).unwrap().to_bytes())
            .collect()
    };
    let single = draft(n_single, 1);
    let batched = draft(n_batched, 11);

    // Every one accepted, in order, after the log.
    let mut keys = KeyBook::new(&a);
    for m in &monitors {
        keys.add(&VerifierKey::parse(&m.verifier().to_string()).unwrap());
    }
    let mut ev = s.eval;
    for set in [&single, &batched] {
        for chunk in set.chunks(65_536) {
            let preparer = ev.preparer();
            let mut prepared = accord_engine::replay::prepare(&preparer, chunk);
            let verified = signatures::verify(&prepared, &keys, SignatureCheck::Batch);
            ev.apply_prepared_all(&mut prepared, &verified.signatures);
        }
    }
    let refused = &ev.state.rejections;
    assert!(
        refused.is_empty(),
        "the evaluator refuses {} of the observations, e.g. {:?}",
        refused.len(),
        refused.first().map(|(i, w)| (i, w.to_string()))
    );
    write_set(&dir.join("single.bin"), &single);
    write_set(&dir.join("batched.bin"), &batched);
    let notes = dir.join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    for (k, e) in single.iter().enumerate() {
        std::fs::write(notes.join(k.to_string()), e).unwrap();
    }
    println!(
        "prepared {}: log of {} entries, {} single and {} batched observations ({:.1} MB), all accepted in order, in {:.1} s",
        dir.display(),
        s.entries.len(),
        single.len(),
        batched.len(),
        (single.iter().chain(&batched).map(Vec::len).sum::<usize>()) as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
}

fn write_set(path: &Path, set: &[Vec<u8>]) {
    let mut out = Vec::with_capacity(set.iter().map(|e| e.len() + 4).sum());
    for e in set {
        out.extend_from_slice(&(e.len() as u32).to_le_bytes());
        out.extend_from_slice(e);
    }
    std::fs::write(path, out).unwrap();
}

fn read_set(path: &str) -> Vec<Bytes> {
    let data = Bytes::from(std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}")));
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= data.len() {
        let n = u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        out.push(data.slice(at + 4..at + 4 + n));
        at += 4 + n;
    }
    out
}

// --- run ---------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Single,
    Batch,
    Tiles,
    Bundles,
    Reads,
    Queries,
}

/// What one connection saw.
#[derive(Default)]
struct Seen {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, u64>,
    /// Statements answered as logged now (201, `logged_now`).
    logged: u64,
    bytes: u64,
    /// Connections that failed (reconnected).
    errors: u64,
    /// A few bodies of answers that were not 2xx.
    problems: Vec<String>,
}

/// The requests to send, shared by the connections.
struct Work {
    mode: Mode,
    host: String,
    statements: Vec<Bytes>,
    batch: usize,
    next: AtomicU64,
    /// Tile paths to read (tiles, bundles), and the log's size (reads).
    paths: Vec<String>,
    size: u64,
}

impl Work {
    /// The next request, and how many statements it carries; None when
    /// the statements have run out.
    fn next(&self, rng: &mut Rng) -> Option<(Request<Full<Bytes>>, u64)> {
        let b = Request::builder().header(hyper::header::HOST, &self.host);
        match self.mode {
            Mode::Single => {
                let k = self.next.fetch_add(1, Ordering::Relaxed) as usize;
                let s = self.statements.get(k)?.clone();
                let r = b
                    .method(Method::POST)
                    .uri("/v1/statements")
                    .header(hyper::header::CONTENT_TYPE, "text/plain")
                    .body(Full::new(s))
                    .unwrap();
                Some((r, 1))
            }
            Mode::Batch => {
                let k = self.next.fetch_add(self.batch as u64, Ordering::Relaxed) as usize;
                if k >= self.statements.len() {
                    return None;
                }
                let end = (k + self.batch).min(self.statements.len());
                let items: Vec<&str> = self.statements[k..end]
                    .iter()
                    .map(|s| std::str::from_utf8(s).expect("a statement is text"))
                    .collect();
                let body = serde_json::to_vec(&serde_json::json!({ "statements": items })).unwrap();
                let r = b
                    .method(Method::POST)
                    .uri("/v1/statements/batch")
                    .header(hyper::header::CONTENT_TYPE, "application/json")
                    .body(Full::new(Bytes::from(body)))
                    .unwrap();
                Some((r, (end - k) as u64))
            }
            Mode::Tiles | Mode::Bundles => {
                let p = &self.paths[rng.below(self.paths.len() as u64) as usize];
                Some((b.uri(p.as_str()).body(Full::default()).unwrap(), 0))
            }
            Mode::Reads => {
                let i = rng.below(self.size);
                let uri = match rng.below(10) {
                    0..=4 => format!("/v1/proof/{i}"),
                    5..=7 => format!("/v1/entries/{i}"),
                    8 => "/checkpoint".to_string(),
                    _ => "/v1/status".to_string(),
                };
                Some((b.uri(uri).body(Full::default()).unwrap(), 0))
            }
            Mode::Queries => {
                // The index: observations in a random box of the region,
                // a page of at most 100.
                let w = 36.0 + rng.below(300) as f64 / 100.0;
                let s = 47.0 + rng.below(200) as f64 / 100.0;
                let uri = format!(
                    "/v1/observations?bbox={w:.2},{s:.2},{:.2},{:.2}&limit=100",
                    w + 0.5,
                    s + 0.5
                );
                Some((b.uri(uri).body(Full::default()).unwrap(), 0))
            }
        }
    }
}

async fn connect(addr: &str) -> std::io::Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(std::io::Error::other)?;
    tokio::spawn(conn);
    Ok(send)
}

async fn get(addr: &str, host: &str, path: &str) -> (u16, Bytes) {
    let mut c = connect(addr).await.expect("the server answers");
    let r = Request::get(path)
        .header(hyper::header::HOST, host)
        .body(Full::default())
        .unwrap();
    let resp = c.send_request(r).await.expect("an answer");
    let status = resp.status().as_u16();
    (status, resp.into_body().collect().await.unwrap().to_bytes())
}

async fn log_size(addr: &str, host: &str) -> u64 {
    let (status, body) = get(addr, host, "/checkpoint").await;
    assert_eq!(status, 200, "GET /checkpoint");
    let text = String::from_utf8_lossy(&body);
    text.lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .expect("a checkpoint")
}

async fn connection(addr: String, work: Arc<Work>, deadline: Instant, seed: u64) -> Seen {
    let mut seen = Seen::default();
    let mut rng = Rng(seed);
    let mut conn = None;
    while Instant::now() < deadline {
        let c = match &mut conn {
            Some(c) => c,
            None => match connect(&addr).await {
                Ok(c) => conn.insert(c),
                Err(_) => {
                    seen.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let Some((req, carried)) = work.next(&mut rng) else {
            break;
        };
        let t = Instant::now();
        let answer = match c.send_request(req).await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                resp.into_body()
                    .collect()
                    .await
                    .map(|b| (status, b.to_bytes()))
            }
            Err(e) => Err(e),
        };
        let (status, body) = match answer {
            Ok(a) => a,
            Err(_) => {
                // The statement (if any) was not answered: counted as an
                // error, and the connection opened again.
                seen.errors += 1;
                conn = None;
                continue;
            }
        };
        seen.latencies.push(t.elapsed());
        *seen.statuses.entry(status).or_default() += 1;
        seen.bytes += body.len() as u64;
        if status == 201 {
            seen.logged += match work.mode {
                Mode::Batch => count(&body, b"\"logged_now\":true"),
                _ => carried,
            };
        }
        if !(200..300).contains(&status) && seen.problems.len() < 3 {
            seen.problems
                .push(String::from_utf8_lossy(&body[..body.len().min(400)]).into_owned());
        }
    }
    seen
}

fn count(hay: &[u8], needle: &[u8]) -> u64 {
    hay.windows(needle.len()).filter(|w| *w == needle).count() as u64
}

fn run() {
    // Several URLs, comma-separated: replicas of one log, each connection
    // to one of them in turn.
    let urls = string_arg("--url").unwrap_or_else(|| "http://127.0.0.1:8470".into());
    let addrs: Vec<String> = urls
        .split(',')
        .map(|u| {
            u.strip_prefix("http://")
                .expect("an http:// URL")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    let addr = addrs[0].clone();
    let mode = match string_arg("--mode").as_deref().unwrap_or("single") {
        "single" => Mode::Single,
        "batch" => Mode::Batch,
        "tiles" => Mode::Tiles,
        "bundles" => Mode::Bundles,
        "reads" => Mode::Reads,
        "queries" => Mode::Queries,
        m => panic!("--mode {m}: single, batch, tiles, bundles, reads or queries"),
    };
    let concurrency: usize = arg("--concurrency", 64);
    let seconds: f64 = arg("--seconds", 10.0);
    let threads: usize = arg("--threads", 1);
    let batch: usize = arg("--batch", 100);
    let label = string_arg("--label").unwrap_or_else(|| format!("{mode:?}").to_lowercase());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let size_before = log_size(&addr, &addr).await;
        let statements = match mode {
            Mode::Single | Mode::Batch => read_set(
                &string_arg("--file").expect("--file D/single.bin (or batched.bin)"),
            ),
            _ => Vec::new(),
        };
        let paths = match mode {
            Mode::Tiles => {
                let mut p: Vec<String> = (0..size_before / TILE_WIDTH)
                    .map(|n| format!("/{}", TileId::hashes(0, n, TILE_WIDTH as u16).path()))
                    .collect();
                p.extend(
                    (0..size_before / (TILE_WIDTH * TILE_WIDTH))
                        .map(|n| format!("/{}", TileId::hashes(1, n, TILE_WIDTH as u16).path())),
                );
                p
            }
            Mode::Bundles => (0..size_before / TILE_WIDTH)
                .map(|n| format!("/{}", TileId::entries(n, TILE_WIDTH as u16).path()))
                .collect(),
            _ => Vec::new(),
        };
        if matches!(mode, Mode::Tiles | Mode::Bundles) {
            assert!(!paths.is_empty(), "the log has no full tile");
        }
        let work = Arc::new(Work {
            mode,
            host: addr.clone(),
            statements,
            batch: batch.max(1),
            next: AtomicU64::new(arg("--from", 0)),
            paths,
            size: size_before.max(1),
        });
        let started = Instant::now();
        let deadline = started + Duration::from_secs_f64(seconds);
        let tasks: Vec<_> = (0..concurrency)
            .map(|k| {
                tokio::spawn(connection(
                    addrs[k % addrs.len()].clone(),
                    work.clone(),
                    deadline,
                    0x5EED + k as u64,
                ))
            })
            .collect();
        let mut all = Seen::default();
        for t in tasks {
            let s = t.await.unwrap();
            all.latencies.extend(s.latencies);
            for (k, v) in s.statuses {
                *all.statuses.entry(k).or_default() += v;
            }
            all.logged += s.logged;
            all.bytes += s.bytes;
            all.errors += s.errors;
            if all.problems.len() < 3 {
                all.problems.extend(s.problems);
            }
        }
        let elapsed = started.elapsed();
        all.latencies.sort_unstable();
        let requests = all.latencies.len() as u64;
        let ok: u64 = all
            .statuses
            .iter()
            .filter(|(s, _)| (200..300).contains(*s))
            .map(|(_, n)| n)
            .sum();
        let secs = elapsed.as_secs_f64();
        let (p50, p99, max) = (
            ms(quantile(&all.latencies, 0.50)),
            ms(quantile(&all.latencies, 0.99)),
            ms(all.latencies.last().copied().unwrap_or_default()),
        );
        let statuses: Vec<String> = all
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}:{n}"))
            .collect();
        println!(
            "{label}: {requests} requests in {secs:.2} s over {concurrency} connections: {:.0} requests/s ({:.0} answered 2xx/s), {:.1} MB/s; latency p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms; statuses {}; connection errors {}",
            requests as f64 / secs,
            ok as f64 / secs,
            all.bytes as f64 / secs / 1e6,
            statuses.join(" "),
            all.errors,
        );
        for p in &all.problems {
            println!("  not 2xx: {p}");
        }
        let mut items_per_s = ok as f64 / secs;
        if matches!(mode, Mode::Single | Mode::Batch) {
            let size_after = log_size(&addr, &addr).await;
            let grown = size_after - size_before;
            println!(
                "  statements logged (answered 201): {}, {:.0}/s; the log grew from {size_before} to {size_after} (+{grown})",
                all.logged,
                all.logged as f64 / secs
            );
            assert_eq!(
                grown, all.logged,
                "the log grew by the statements answered as logged"
            );
            items_per_s = all.logged as f64 / secs;
        }
        println!(
            "RESULT label={label} requests={requests} seconds={secs:.3} rps={:.0} items_per_s={items_per_s:.0} p50_ms={p50:.2} p99_ms={p99:.2} max_ms={max:.2} mb_per_s={:.1} statuses={} errors={}",
            requests as f64 / secs,
            all.bytes as f64 / secs / 1e6,
            statuses.join(","),
            all.errors
        );
    });
}
