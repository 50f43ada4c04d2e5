//! `accord serve` end to end, as an operator runs it: the binary serves a
//! log made by `accord log init`; accredited monitors submit from several
//! threads at once; what they were told is logged is in the log at that
//! index; the served log passes the independent verifier and `accord
//! audit` over HTTP; SIGTERM drains and exits 0; `kill -9` at random
//! moments, again and again, loses nothing acknowledged.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::logs::*;
use common::serving::*;
use serde_json::Value;

/// A running `accord serve`.
struct Served {
    child: Child,
    base: String,
    stderr: PathBuf,
}

impl Served {
    fn start(tmp: &Path, log: &Path) -> Served {
        let ag = agreement_path();
        Served::with_args(
            tmp,
            &[
                "serve",
                "--agreement",
                ag.to_str().unwrap(),
                "--log",
                log.to_str().unwrap(),
                "--bind",
                "127.0.0.1:0",
            ],
        )
    }

    fn with_args(tmp: &Path, args: &[&str]) -> Served {
        let stderr = tmp.join(format!("serve-{}.err", std::process::id()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(args)
            .current_dir(tmp)
            .env("ACCORD_STATE", tmp.join(".accord-state"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("start accord serve");
        let base = common::listening_at(&mut child, &stderr, "accord serve");
        Served {
            child,
            base,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Waits for the process to end; its exit status.
    fn wait(&mut self, patience: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "accord serve did not exit:\n{}",
                std::fs::read_to_string(&self.stderr).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    common::http_agent(Duration::from_secs(60))
}

fn get(url: &str) -> (u16, String) {
    let r = agent().get(url).call().unwrap();
    let status = r.status().as_u16();
    (status, r.into_body().read_to_string().unwrap_or_default())
}

fn get_bytes(url: &str) -> (u16, Vec<u8>) {
    let r = agent().get(url).call().unwrap();
    let status = r.status().as_u16();
    (status, r.into_body().read_to_vec().unwrap_or_default())
}

/// Every acknowledged entry is in the log in `dir` at its index.
fn assert_acknowledged_in_log(dir: &Path, acked: &BTreeMap<u64, Vec<u8>>) -> u64 {
    let cp = std::fs::read(dir.join("checkpoint")).unwrap();
    let size = tlog::checkpoint::SignedCheckpoint::parse(&cp)
        .unwrap()
        .checkpoint
        .size;
    let mut reader = tlog::client::TileReader::new(tlog::DirSource::new(dir));
    for (i, e) in acked {
        assert!(*i < size, "entry {i} was acknowledged; the log has {size}");
        assert_eq!(&reader.entry(size, *i).unwrap(), e, "entry {i}");
    }
    size
}

#[test]
fn monitors_submit_at_once_and_the_served_log_verifies_and_audits() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let (s, queues) = monitors_history(15);
    let (log, vkey) = make_log(tmp.path(), &s.entries);
    let served = Served::start(tmp.path(), &log);
    let base = served.base.clone();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let acked: Acked = Arc::default();
    let threads: Vec<_> = queues
        .iter()
        .cloned()
        .map(|q| {
            let (base, acked) = (base.clone(), acked.clone());
            std::thread::spawn(move || {
                let agent = agent();
                for e in &q {
                    let i = submit(&agent, &base, e)
                        .unwrap()
                        .expect("the server answers while it runs");
                    record(&acked, i, e);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let first = s.entries.len() as u64;
    let total = queues.iter().map(Vec::len).sum::<usize>() as u64;
    assert_eq!(
        acked.keys().copied().collect::<Vec<_>>(),
        (first..first + total).collect::<Vec<_>>(),
        "every statement logged once, after the history, with no gap"
    );

    // Everything reads back as sent, over HTTP.
    let (status, cp) = get(&served.url("/checkpoint"));
    assert_eq!(status, 200);
    assert_eq!(
        cp.lines().nth(1),
        Some((first + total).to_string().as_str())
    );
    for (i, e) in s.entries.iter().enumerate() {
        assert_eq!(&get_bytes(&served.url(&format!("/v1/entries/{i}"))).1, e);
    }
    for (i, e) in &acked {
        let (status, back) = get_bytes(&served.url(&format!("/v1/entries/{i}")));
        assert_eq!(status, 200);
        assert_eq!(&back, e, "entry {i}");
        let (status, proof) = get(&served.url(&format!("/v1/proof/{i}?format=text")));
        assert_eq!(status, 200);
        assert_eq!(check_proof(&proof, e), *i);
    }

    // The independent verifier, over HTTP.
    testkit::tlogcheck_ok(&["verify", "-log", &base, "-key", &vkey, "-entries"]);
    // The audit, over HTTP: the log verifies and replays.
    let o = audit(&base, &[], tmp.path());
    let out = common::text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("AUDIT PASSED"), "{out}");

    // The status, once it counts everything, and the day's report.
    let mut status = Value::Null;
    for _ in 0..500 {
        status = serde_json::from_str(&get(&served.url("/v1/status")).1).unwrap();
        if status["log_size"] == first + total {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(status["log_size"], first + total);
    assert_eq!(status["phase"]["id"], "ceasefire", "{}", status["phase"]);
    let (code, text) = get(&served.url("/v1/status?format=text"));
    assert_eq!(code, 200);
    assert!(!text.is_empty());
    let (code, report) = get(&served.url("/v1/report/2026-03-03"));
    assert_eq!(code, 200, "{report}");
    assert!(
        report.contains("<html") || report.contains("<!DOCTYPE"),
        "{report}"
    );
    let (code, md) = get(&served.url("/v1/report/2026-03-03?format=md"));
    assert_eq!(code, 200, "{md}");
    assert!(md.contains("Daily report, 3 March 2026"), "{md}");
    let (code, uk) = get(&served.url("/v1/report/2026-03-03?format=md&lang=uk&period=week"));
    assert_eq!(code, 200, "{uk}");
    assert!(uk.contains("Тижневий звіт"), "{uk}");
    let (code, json) = get(&served.url("/v1/report/2026-03-03?format=json"));
    assert_eq!(code, 200, "{json}");
    assert!(json.contains("\"day\": \"2026-03-03\""), "{json}");
    // The server prints the PDF itself, with its headless Chromium.
    if testkit::browser::available() {
        let (code, pdf) = get_bytes(&served.url("/v1/report/2026-03-03?format=pdf&lang=ru"));
        assert_eq!(code, 200, "{}", String::from_utf8_lossy(&pdf));
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    }
    eprintln!("end to end: {:.1} s", started.elapsed().as_secs_f64());
}

/// Threads that submit their queues until told to stop or the server
/// stops answering; each resends from the first statement it was not
/// told was logged.
fn submitters(
    base: &str,
    queues: &[Vec<Vec<u8>>],
    next: &Arc<Mutex<Vec<usize>>>,
    acked: &Acked,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..queues.len())
        .map(|t| {
            let (base, q, next, acked, stop) = (
                base.to_string(),
                queues[t].clone(),
                next.clone(),
                acked.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let agent = agent();
                while !stop.load(Ordering::Relaxed) {
                    let k = next.lock().unwrap()[t];
                    let Some(e) = q.get(k) else { return };
                    match submit(&agent, &base, e) {
                        Ok(Some(i)) => {
                            record(&acked, i, e);
                            next.lock().unwrap()[t] = k + 1;
                        }
                        Ok(None) => return,
                        Err(why) => panic!("statement {k} of thread {t}: {why}"),
                    }
                }
            })
        })
        .collect()
}

#[test]
fn sigterm_drains_and_exits_0_with_everything_acknowledged_logged() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let (s, queues) = monitors_history(400);
    let (log, vkey) = make_log(tmp.path(), &s.entries);
    let mut served = Served::start(tmp.path(), &log);
    let acked: Acked = Arc::default();
    let next = Arc::new(Mutex::new(vec![0; queues.len()]));
    let stop = Arc::new(AtomicBool::new(false));
    let threads = submitters(&served.base, &queues, &next, &acked, &stop);
    // Once a stream is flowing, SIGTERM.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 40 {
        assert!(Instant::now() < deadline, "no submissions acknowledged");
        std::thread::sleep(Duration::from_millis(5));
    }
    served.signal("-TERM");
    let exit = served.wait(Duration::from_secs(60));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let err = std::fs::read_to_string(&served.stderr).unwrap_or_default();
    assert!(exit.success(), "exit {exit:?}:\n{err}");
    assert!(err.contains("shutting down"), "{err}");
    let acked = acked.lock().unwrap().clone();
    let size = assert_acknowledged_in_log(&log, &acked);
    assert!(acked.len() >= 40);
    assert_eq!(
        size,
        s.entries.len() as u64 + acked.len() as u64,
        "nothing logged that was not acknowledged, once the server drained"
    );
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        log.to_str().unwrap(),
        "-key",
        &vkey,
        "-entries",
    ]);
    eprintln!(
        "SIGTERM: {} acknowledged, {:.1} s",
        acked.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn kill_9_at_random_moments_loses_nothing_acknowledged() {
    const KILLS: usize = 20;
    let started = Instant::now();
    let seed = std::env::var("SERVE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261207u64);
    let mut rng = Lcg(seed);
    let tmp = tempfile::tempdir().unwrap();
    let (s, queues) = monitors_history(600);
    let (log, vkey) = make_log(tmp.path(), &s.entries);
    let acked: Acked = Arc::default();
    let next = Arc::new(Mutex::new(vec![0; queues.len()]));
    let mut sizes = vec![];
    for round in 0..=KILLS {
        let mut served = Served::start(tmp.path(), &log);
        // What was acknowledged before the kill is there after the restart,
        // and the log, recovered, verifies (nothing is submitted yet).
        let size = assert_acknowledged_in_log(&log, &acked.lock().unwrap());
        sizes.push(size);
        testkit::tlogcheck_ok(&["verify", "-log", log.to_str().unwrap(), "-key", &vkey]);
        // The index was caught up from the log before the server took
        // anything.
        let (status, ready) = get_bytes(&served.url("/readyz"));
        assert_eq!(status, 200);
        let ready: serde_json::Value = serde_json::from_slice(&ready).unwrap();
        assert_eq!(ready["indexed_size"], size, "round {round}: {ready}");
        for (i, e) in acked.lock().unwrap().iter() {
            if rng.next(8) == 0 {
                assert_eq!(&get_bytes(&served.url(&format!("/v1/entries/{i}"))).1, e);
            }
        }
        if round == KILLS {
            // The last restart: submissions continue, and the log
            // verifies with every entry.
            let before = acked.lock().unwrap().len();
            let stop = Arc::new(AtomicBool::new(false));
            let threads = submitters(&served.base, &queues, &next, &acked, &stop);
            let deadline = Instant::now() + Duration::from_secs(30);
            while acked.lock().unwrap().len() < before + 8 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            stop.store(true, Ordering::Relaxed);
            for t in threads {
                t.join().unwrap();
            }
            assert!(
                acked.lock().unwrap().len() >= before + 8,
                "submissions continue"
            );
            served.signal("-TERM");
            assert!(served.wait(Duration::from_secs(60)).success());
            break;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let threads = submitters(&served.base, &queues, &next, &acked, &stop);
        std::thread::sleep(Duration::from_millis(20 + rng.next(400)));
        served.child.kill().unwrap();
        served.wait(Duration::from_secs(30));
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            t.join().unwrap();
        }
    }
    let acked = acked.lock().unwrap().clone();
    let size = assert_acknowledged_in_log(&log, &acked);
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        log.to_str().unwrap(),
        "-key",
        &vkey,
        "-entries",
    ]);
    // `accord log verify` agrees, and the audit replays it.
    let o = common::accord(&["log", "verify", log.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", common::text(&o));
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    assert!(o.status.success(), "{}", common::text(&o));
    assert!(
        sizes.windows(2).any(|w| w[1] > w[0]),
        "the kills fell while statements were being logged: {sizes:?}"
    );
    // The index the server kept through the kills agrees with one rebuilt
    // from the log alone.
    let live = accord_server::index::Index::open(log.join(".tlog/index.sqlite").to_str().unwrap())
        .unwrap();
    assert_eq!(live.indexed_size().unwrap(), size);
    let rebuilt =
        accord_server::index::Index::open(tmp.path().join("rebuilt.sqlite").to_str().unwrap())
            .unwrap();
    let (a, h) = accord_example::agreement();
    let source = tlog::DirSource::new(&log);
    let key = tlog::VerifierKey::parse(&vkey).unwrap();
    let verified = accord_engine::verify_log(&source, &key, &[], None).unwrap();
    accord_server::index::reindex(
        &rebuilt,
        &accord::evaluate::Versions::one(&a, h),
        &source,
        &verified,
    )
    .unwrap();
    assert_eq!(live.dump().unwrap(), rebuilt.dump().unwrap());
    eprintln!(
        "kill -9 x{KILLS}: {} acknowledged, log size {size}, sizes {sizes:?}, {:.1} s",
        acked.len(),
        started.elapsed().as_secs_f64()
    );
}

/// `accord serve --demo`: one command, nothing else to set up, and a
/// server with the demo's log, its status and its reports.
#[test]
fn serve_demo_needs_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let mut served = Served::with_args(
        tmp.path(),
        &[
            "serve",
            "--demo",
            "--demo-dir",
            dir.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
        ],
    );
    let (status, ready) = get(&served.url("/readyz"));
    assert_eq!(status, 200, "{ready}");
    let ready: Value = serde_json::from_str(&ready).unwrap();
    let size = ready["log_size"].as_u64().unwrap();
    assert!(size > 100, "the demo's log: {ready}");
    assert_eq!(ready["indexed_size"], size, "indexed at start: {ready}");
    let (status, text) = get(&served.url("/v1/status?format=text"));
    assert_eq!(status, 200);
    assert!(text.contains("PHASE") && text.contains("RELIEF"), "{text}");
    let (status, obs) = get(&served.url("/v1/observations?format=geojson&limit=5"));
    assert_eq!(status, 200, "{obs}");
    let fc: Value = serde_json::from_str(&obs).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    assert!(!fc["features"].as_array().unwrap().is_empty());
    served.signal("-TERM");
    assert!(served.wait(Duration::from_secs(60)).success());
}
