//! Load on a C2SP tlog-witness (`accord witness`, or the Go witness of
//! `tlogcheck`): how many `add-checkpoint` requests it answers with a
//! cosignature per second. It starts no witness: it targets a URL.
//!
//!   witness_load prepare --dir D [--logs 16] [--steps 2000] [--grow 10]
//!
//! makes --logs logs in memory (each with its own Ed25519 key, origin
//! `bench.example/logK`), and for each the requests a log would send as
//! it grows by --grow entries --steps times: request j says `old` (the
//! size before), carries the consistency proof, and the checkpoint of the
//! size after, signed. D/logs.txt holds the logs' verifier keys, one a
//! line (give them to the witness); D/log-K.bin the requests, each a
//! little-endian u32 length then the body.
//!
//!   witness_load run --url http://127.0.0.1:PORT --dir D [--seconds 10]
//!
//! drives every log on a connection of its own, each request sent when the
//! last is answered, in order (a witness serialises one log's requests, so
//! one connection a log is the load a set of logs puts on it). It stops
//! after --seconds or when the requests run out, checks that every answer
//! was 200, and prints the rate, latency (p50, p99, max) and a `RESULT`
//! line.

use std::time::{Duration, Instant};

use accord_bench::{arg, ms, quantile};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tlog::checkpoint::Checkpoint;
use tlog::hash::{leaf_hash, merkle_root};
use tlog::keys::{KeyType, SignerKey};
use tlog::merkle::{MemoryNodes, consistency_plan, resolve};
use tlog::witness::AddCheckpoint;

fn string_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("prepare") => prepare(),
        Some("run") => run(),
        _ => {
            eprintln!("usage: witness_load prepare --dir D | witness_load run --url URL --dir D");
            std::process::exit(2);
        }
    }
}

fn prepare() {
    let dir = std::path::PathBuf::from(string_arg("--dir").expect("--dir D"));
    let logs: usize = arg("--logs", 16);
    let steps: u64 = arg("--steps", 2000);
    let grow: u64 = arg("--grow", 10);
    std::fs::create_dir_all(&dir).unwrap();
    let mut vkeys = String::new();
    for k in 0..logs {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&(k as u64 + 1).to_le_bytes());
        let key =
            SignerKey::from_seed(&format!("bench.example/log{k}"), KeyType::Ed25519, seed).unwrap();
        vkeys.push_str(&key.verifier().to_string());
        vkeys.push('\n');
        let leaves: Vec<tlog::Hash> = (0..steps * grow)
            .map(|i| leaf_hash(format!("log {k} entry {i}").as_bytes()))
            .collect();
        let mut out = Vec::new();
        for j in 1..=steps {
            let (old, new) = ((j - 1) * grow, j * grow);
            let tree = &leaves[..new as usize];
            let proof = if old == 0 {
                Vec::new()
            } else {
                resolve(
                    &consistency_plan(old, new).unwrap(),
                    &mut MemoryNodes { leaves: tree },
                )
                .unwrap()
            };
            let cp = Checkpoint {
                origin: key.name().to_string(),
                size: new,
                root: merkle_root(tree),
                extensions: vec![],
            }
            .sign(&key)
            .unwrap();
            let body = AddCheckpoint {
                old_size: old,
                proof,
                checkpoint: cp.to_bytes(),
            }
            .to_bytes();
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&body);
        }
        std::fs::write(dir.join(format!("log-{k}.bin")), out).unwrap();
    }
    std::fs::write(dir.join("logs.txt"), vkeys).unwrap();
    println!(
        "prepared {logs} logs of {steps} requests in {}",
        dir.display()
    );
}

fn requests(path: &std::path::Path) -> Vec<Bytes> {
    let raw = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    while at < raw.len() {
        let n = u32::from_le_bytes(raw[at..at + 4].try_into().unwrap()) as usize;
        out.push(Bytes::copy_from_slice(&raw[at + 4..at + 4 + n]));
        at += 4 + n;
    }
    out
}

async fn connect(addr: &str) -> SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    send
}

fn run() {
    let url = string_arg("--url").expect("--url URL");
    let dir = std::path::PathBuf::from(string_arg("--dir").expect("--dir D"));
    let seconds: u64 = arg("--seconds", 10);
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut logs = Vec::new();
    for k in 0.. {
        let p = dir.join(format!("log-{k}.bin"));
        if !p.exists() {
            break;
        }
        logs.push(requests(&p));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let results: Vec<(Vec<Duration>, Vec<u16>)> = rt.block_on(async {
        let tasks: Vec<_> = logs
            .into_iter()
            .map(|reqs| {
                let addr = addr.clone();
                tokio::spawn(async move {
                    let mut c = connect(&addr).await;
                    let mut lat = Vec::new();
                    let mut bad = Vec::new();
                    for body in reqs {
                        if Instant::now() >= deadline {
                            break;
                        }
                        let t = Instant::now();
                        let r = Request::post("/add-checkpoint")
                            .header(hyper::header::HOST, addr.as_str())
                            .body(Full::new(body))
                            .unwrap();
                        let resp = c.send_request(r).await.unwrap();
                        let status = resp.status().as_u16();
                        let _ = resp.into_body().collect().await.unwrap();
                        lat.push(t.elapsed());
                        if status != 200 {
                            bad.push(status);
                        }
                    }
                    (lat, bad)
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    let elapsed = start.elapsed();
    let mut all: Vec<Duration> = results.iter().flat_map(|(l, _)| l.clone()).collect();
    let bad: Vec<u16> = results.iter().flat_map(|(_, b)| b.clone()).collect();
    assert!(bad.is_empty(), "answers other than 200: {bad:?}");
    all.sort();
    let n = all.len();
    let rate = n as f64 / elapsed.as_secs_f64();
    println!(
        "{n} checkpoints cosigned in {:.2} s: {rate:.0}/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        ms(quantile(&all, 0.5)),
        ms(quantile(&all, 0.99)),
        ms(all.last().copied().unwrap_or_default()),
    );
    println!(
        "RESULT rate={rate:.0} p50={:.2} p99={:.2} n={n}",
        ms(quantile(&all, 0.5)),
        ms(quantile(&all, 0.99))
    );
}
