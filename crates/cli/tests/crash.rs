//! Crash test: `kill -9` the writer at random moments during long appends,
//! again and again. After each kill and restart, every entry below every
//! checkpoint ever seen is in the log, at its index; the log passes the
//! independent verifier; and it is consistent with every checkpoint seen
//! before the kill.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tlog::checkpoint::SignedCheckpoint;
use tlog::client::{DirSource, TileReader};
use tlog::merkle::verify_consistency;

const RUNS: u64 = 24;
const LINES: u64 = 400_000;

fn accord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_accord"))
}

fn entry(run: u64, k: u64) -> String {
    format!("run {run} line {k} {}", "p".repeat((k % 97) as usize))
}

/// A small deterministic generator, so that a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn size_of(cp: &[u8]) -> u64 {
    SignedCheckpoint::parse(cp).unwrap().checkpoint.size
}

#[test]
fn kill_9_at_random_moments_loses_nothing_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let d = dir.to_str().unwrap().to_string();
    let out = accord()
        .args(["log", "init", &d, "--origin", "crash.example/log"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let vkey = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261123u64);
    let mut rng = Lcg(seed);
    let mut interrupted = 0;
    let (mut rolled_forward, mut rolled_back) = (0, 0);
    let mut all_seen: Vec<Vec<u8>> = Vec::new();

    for run in 0..RUNS {
        let start = size_of(&std::fs::read(dir.join("checkpoint")).unwrap());
        let input = tmp.path().join("input.txt");
        {
            let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
            for k in 0..LINES {
                writeln!(f, "{}", entry(run, k)).unwrap();
            }
        }

        // Watch the checkpoint while the writer runs.
        let seen = Arc::new(Mutex::new(BTreeSet::<Vec<u8>>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (seen, stop, cp) = (seen.clone(), stop.clone(), dir.join("checkpoint"));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(b) = std::fs::read(&cp) {
                        seen.lock().unwrap().insert(b);
                    }
                    std::thread::sleep(Duration::from_micros(300));
                }
            })
        };
        let mut child = accord()
            .args([
                "log",
                "append",
                &d,
                input.to_str().unwrap(),
                "--batch-entries",
                "3000",
                "--chunk",
                "1000",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + rng.next(400)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        watcher.join().unwrap();
        let seen: Vec<Vec<u8>> = seen.lock().unwrap().iter().cloned().collect();
        let max_seen = seen.iter().map(|c| size_of(c)).max().unwrap_or(start);

        // Even before recovery, the published log is valid. (Killed before
        // its first commit, the log is empty, and the Go reference that
        // tlogcheck is built on hashes the empty tree to 32 zero bytes where
        // RFC 6962 and C2SP say SHA-256 of nothing, so it refuses every log
        // of size 0: there is nothing for it to check then.)
        let published = std::fs::read(dir.join("checkpoint")).unwrap();
        if size_of(&published) > 0 {
            testkit::tlogcheck_ok(&["verify", "-log", &d, "-key", &vkey]);
        }

        // Restart: opening the log for writing recovers it.
        let out = accord()
            .args(["log", "append", &d, "/dev/null"])
            .env("ACCORD_LOG", "info")
            .output()
            .unwrap();
        let log_text = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "run {run}: recovery failed: {log_text}"
        );
        if log_text.contains("completed a batch") {
            rolled_forward += 1;
        } else if log_text.contains("never published") {
            rolled_back += 1;
        }
        let final_cp = std::fs::read(dir.join("checkpoint")).unwrap();
        let fin = SignedCheckpoint::parse(&final_cp).unwrap().checkpoint;
        assert!(
            fin.size >= max_seen,
            "run {run}: a published checkpoint of size {max_seen} was lost (now {})",
            fin.size
        );
        assert!(fin.size <= start + LINES);
        if fin.size > start && fin.size < start + LINES {
            interrupted += 1;
        }

        // Every entry this run added is the right line at the right index.
        let mut reader = TileReader::new(DirSource::new(&dir));
        for (i, got) in (start..fin.size).zip(reader.entries(fin.size, start..fin.size).unwrap()) {
            assert_eq!(
                got,
                entry(run, i - start).as_bytes(),
                "run {run}: index {i}"
            );
        }

        // Consistent with every checkpoint seen, in this run and before.
        all_seen.extend(seen);
        for cp in &all_seen {
            let old = SignedCheckpoint::parse(cp).unwrap().checkpoint;
            let proof = reader.consistency_proof(old.size, fin.size).unwrap();
            verify_consistency(old.size, fin.size, &old.root, &fin.root, &proof).unwrap_or_else(
                |e| {
                    panic!(
                        "run {run}: checkpoint of size {} is not a prefix: {e}",
                        old.size
                    )
                },
            );
        }
        if let Some(last) = all_seen.last() {
            let old = tmp.path().join("old");
            std::fs::write(&old, last).unwrap();
            testkit::tlogcheck_ok(&[
                "verify",
                "-log",
                &d,
                "-key",
                &vkey,
                "-entries",
                "-old",
                old.to_str().unwrap(),
            ]);
        }
        // Keep the set of remembered checkpoints small.
        all_seen.sort_by_key(|c| size_of(c));
        all_seen.dedup();
        if all_seen.len() > 64 {
            let keep: Vec<Vec<u8>> = all_seen
                .iter()
                .step_by(all_seen.len() / 32)
                .cloned()
                .collect();
            all_seen = keep;
        }
    }
    eprintln!(
        "{RUNS} kills: {interrupted} mid-append; recovery completed {rolled_forward} interrupted batches and removed {rolled_back}"
    );
    assert!(
        interrupted >= RUNS / 2,
        "only {interrupted} of {RUNS} kills landed mid-append; the test is not testing"
    );
    assert!(Path::new(&d).join("checkpoint").exists());
}
