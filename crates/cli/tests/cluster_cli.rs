//! Several `accord serve` processes over one log, as a mission runs them
//! behind one address: a sequencer, a standby and a reader. Monitors submit
//! to any of them at once; the sequencer is killed with SIGKILL again and
//! again, and each time a replica takes over. Every statement a monitor was
//! told is logged is in the log at its index; the log passes the independent
//! verifier; no two checkpoints of one size that anyone served differ; and
//! every replica ends with the same log and status.

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

/// How the replicas reach the log and the index.
struct Backend {
    /// `log = …` in the replicas' configuration.
    log: String,
    /// The index database of replica `n`.
    database: Box<dyn Fn(usize) -> String>,
    /// The environment the replicas run with (an S3 store's settings).
    env: Vec<(String, String)>,
    lease_ttl_ms: u64,
}

/// One replica: its configuration and, while it runs, its process.
struct Replica {
    n: usize,
    role: &'static str,
    port: u16,
    config: PathBuf,
    child: Option<Child>,
    stderr: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Replica {
    fn new(tmp: &Path, n: usize, role: &'static str, keyfile: &Path, b: &Backend) -> Replica {
        let port = free_port();
        let config = tmp.join(format!("replica-{n}.toml"));
        // A reader holds no secret: it checks the log with the verifier
        // key of the log's own config.
        let key_line = if role == "reader" {
            String::new()
        } else {
            format!("log_key = {:?}\n", keyfile.display().to_string())
        };
        let text = format!(
            "agreement = {ag:?}\nlog = {log:?}\n{key_line}bind = \"127.0.0.1:{port}\"\ndatabase = {db:?}\n\n[limits]\nrequest_timeout_ms = 20000\n\n[cluster]\nrole = \"{role}\"\nadvertise = \"http://127.0.0.1:{port}\"\nlease_ttl_ms = {ttl}\npoll_ms = 100\n",
            ag = agreement_path().display().to_string(),
            log = b.log,
            db = (b.database)(n),
            ttl = b.lease_ttl_ms,
        );
        std::fs::write(&config, text).unwrap();
        Replica {
            n,
            role,
            port,
            config,
            child: None,
            stderr: tmp.join(format!("replica-{n}.err")),
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn start(&mut self, tmp: &Path, b: &Backend) {
        let err = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.stderr)
            .unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_accord"));
        cmd.args(["serve", "--config", self.config.to_str().unwrap()])
            .current_dir(tmp)
            .env("ACCORD_STATE", tmp.join(format!(".state-{}", self.n)))
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(err);
        for (k, v) in &b.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start accord serve");
        let _ = common::listening_at(&mut child, &self.stderr, self.role);
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// What `/readyz` says, if it answers.
    fn ready(&self) -> Option<Value> {
        let r = common::http_agent(Duration::from_secs(5))
            .get(format!("{}/readyz", self.base()))
            .call()
            .ok()?;
        if r.status().as_u16() != 200 {
            return None;
        }
        serde_json::from_slice(&r.into_body().read_to_vec().ok()?).ok()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The sequencing replica, once one says it is.
fn sequencer(replicas: &[Replica], patience: Duration) -> usize {
    let deadline = Instant::now() + patience;
    loop {
        for r in replicas {
            if r.child.is_some() && r.ready().is_some_and(|v| v["sequencing"] == true) {
                return r.n;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no replica took over sequencing:\n{}",
            stderrs(replicas)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stderrs(replicas: &[Replica]) -> String {
    replicas
        .iter()
        .map(|r| {
            let t = std::fs::read_to_string(&r.stderr).unwrap_or_default();
            let tail: Vec<&str> = t
                .lines()
                .filter(|l| {
                    !l.starts_with("note:")
                        && !l.starts_with("stack backtrace")
                        && !l.trim_start().starts_with("at ")
                        && !l
                            .trim_start()
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_digit())
                })
                .rev()
                .take(30)
                .collect();
            format!(
                "--- replica {} ({}) ---\n{}",
                r.n,
                r.role,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every checkpoint served by any replica, by size: two of one size that
/// differ are a fork.
#[derive(Default)]
struct Seen {
    roots: BTreeMap<u64, (String, String)>,
    forks: Vec<String>,
}

fn watch_checkpoints(
    bases: Vec<String>,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let agent = common::http_agent(Duration::from_secs(2));
        while !stop.load(Ordering::Relaxed) {
            for b in &bases {
                let Ok(r) = agent.get(format!("{b}/checkpoint")).call() else {
                    continue;
                };
                if r.status().as_u16() != 200 {
                    continue;
                }
                let Ok(bytes) = r.into_body().read_to_vec() else {
                    continue;
                };
                let Ok(cp) = tlog::SignedCheckpoint::parse(&bytes) else {
                    continue;
                };
                let root = cp.checkpoint.root.to_string();
                let mut s = seen.lock().unwrap();
                match s.roots.get(&cp.checkpoint.size) {
                    Some((r, from)) if *r != root => {
                        let why = format!(
                            "size {}: root {r} from {from}, {root} from {b}",
                            cp.checkpoint.size
                        );
                        s.forks.push(why);
                    }
                    Some(_) => {}
                    None => {
                        s.roots.insert(cp.checkpoint.size, (root, b.clone()));
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    })
}

/// Monitors submitting their queues to the replicas in turn; a statement
/// not acknowledged (503, a connection lost to a killed process) is sent
/// again, to the next replica.
fn submit_everywhere(
    bases: &[String],
    queues: &[Vec<Vec<u8>>],
    acked: &Acked,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<usize>> {
    (0..queues.len())
        .map(|t| {
            let (bases, q, acked, stop) = (
                bases.to_vec(),
                queues[t].clone(),
                acked.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let agent = common::http_agent(Duration::from_secs(30));
                let mut k = 0;
                let mut turn = t;
                while k < q.len() && !stop.load(Ordering::Relaxed) {
                    let base = &bases[turn % bases.len()];
                    turn += 1;
                    match submit(&agent, base, &q[k]) {
                        Ok(Some(i)) => {
                            record(&acked, i, &q[k]);
                            k += 1;
                        }
                        Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                        Err(why) => panic!("statement {k} of monitor {t} at {base}: {why}"),
                    }
                }
                k
            })
        })
        .collect()
}

/// The fail-over run: three replicas, `kills` SIGKILLs of the sequencer.
fn fail_over(
    tmp: &Path,
    b: &Backend,
    kills: usize,
    make: impl FnOnce(&[Vec<u8>]) -> (PathBuf, String),
) {
    let started = Instant::now();
    let (s, queues) = monitors_history(2000);
    let (keyfile, vkey) = make(&s.entries);
    let mut replicas = vec![
        Replica::new(tmp, 0, "sequencer", &keyfile, b),
        Replica::new(tmp, 1, "standby", &keyfile, b),
        Replica::new(tmp, 2, "reader", &keyfile, b),
    ];
    for r in replicas.iter_mut() {
        r.start(tmp, b);
    }
    assert_eq!(sequencer(&replicas, Duration::from_secs(30)), 0);
    let bases: Vec<String> = replicas.iter().map(Replica::base).collect();
    let acked: Acked = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let watcher = watch_checkpoints(bases.clone(), seen.clone(), stop.clone());
    let threads = submit_everywhere(&bases, &queues, &acked, &stop);
    let mut rng = Lcg(20261207);
    let mut takeovers = Vec::new();
    for round in 0..kills {
        // Some acknowledgements, then the kill at a random moment.
        let before = acked.lock().unwrap().len();
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.lock().unwrap().len() < before + 10 {
            assert!(
                Instant::now() < deadline,
                "round {round}: nothing acknowledged after a fail-over:\n{}",
                stderrs(&replicas)
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(rng.next(300)));
        let victim = sequencer(&replicas, Duration::from_secs(30));
        replicas[victim].kill();
        let t = Instant::now();
        let next = sequencer(&replicas, Duration::from_secs(60));
        assert_ne!(next, victim, "round {round}");
        takeovers.push(t.elapsed());
        // The killed one comes back, as a replica now.
        replicas[victim].start(tmp, b);
    }
    // A last stretch of submissions, then everyone stops.
    let before = acked.lock().unwrap().len();
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < before + 20 {
        assert!(
            Instant::now() < deadline,
            "no submissions after the last fail-over"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("a monitor's thread panicked");
    }
    let acked = acked.lock().unwrap().clone();
    // Every replica catches up with the same log and the same status.
    let seq = sequencer(&replicas, Duration::from_secs(30));
    let size = replicas[seq].ready().unwrap()["log_size"].as_u64().unwrap();
    let agent = common::http_agent(Duration::from_secs(30));
    let status_of = |base: &str| -> Value {
        let r = agent.get(format!("{base}/v1/status")).call().unwrap();
        serde_json::from_slice(&r.into_body().read_to_vec().unwrap()).unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    for r in &replicas {
        while r.ready().and_then(|v| v["log_size"].as_u64()) != Some(size) {
            assert!(
                Instant::now() < deadline,
                "replica {} did not catch up with size {size}:\n{}",
                r.n,
                stderrs(&replicas)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let reference = status_of(&bases[seq]);
    for b in &bases {
        let st = status_of(b);
        assert_eq!(st["log_size"], size, "{b}");
        assert_eq!(st["clauses"], reference["clauses"], "{b}");
    }
    stop.store(true, Ordering::Relaxed);
    watcher.join().unwrap();
    let seen = seen.lock().unwrap();
    assert!(seen.forks.is_empty(), "forks: {:?}", seen.forks);
    assert!(
        seen.roots.len() > kills,
        "{} checkpoints seen",
        seen.roots.len()
    );
    // Every acknowledged statement is in the log, at its index: read from
    // a replica, each entry proved against the checkpoint by the reader.
    let source = accord_mirror::HttpSource::new(&bases[2]);
    let mut reader = tlog::client::TileReader::new(source);
    for (i, e) in &acked {
        assert!(*i < size, "entry {i} was acknowledged; the log has {size}");
        assert_eq!(&reader.entry(size, *i).unwrap(), e, "entry {i}");
    }
    testkit::tlogcheck_ok(&["verify", "-log", &bases[2], "-key", &vkey, "-entries"]);
    // Nothing logged that was not submitted, and nothing twice.
    assert!(size >= s.entries.len() as u64 + acked.len() as u64);
    eprintln!(
        "fail-over: {kills} kills, {} acknowledged, log {size}, take-overs {:?}, {:.1} s",
        acked.len(),
        takeovers,
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn replicas_on_a_directory_fail_over_under_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let tmpp = tmp.path().to_path_buf();
    let log = tmpp.join("log");
    let b = Backend {
        log: log.display().to_string(),
        database: Box::new({
            let tmpp = tmpp.clone();
            move |n| {
                format!(
                    "sqlite:{}",
                    tmpp.join(format!("index-{n}.sqlite")).display()
                )
            }
        }),
        env: vec![],
        lease_ttl_ms: 2000,
    };
    fail_over(&tmpp, &b, 10, |entries| {
        let (_, vkey) = make_log(&tmpp, entries);
        (tmpp.join("log.key"), vkey)
    });
}

/// The configuration: the log on S3 (SeaweedFS, on loopback), the
/// index in one PostgreSQL database that the three replicas share.
#[test]
fn replicas_on_s3_and_postgresql_fail_over_under_kill_9() {
    use testkit::s3::{Kind, S3Server};
    let Some(server) = S3Server::shared(Kind::SeaweedFs) else {
        eprintln!("skipped: ACCORD_SKIP_S3=1");
        return;
    };
    let Some(pg) = testkit::postgres::Cluster::start() else {
        eprintln!("skipped: ACCORD_SKIP_POSTGRES=1");
        return;
    };
    let db = pg.create_db("accord_cluster");
    let bucket = server.new_bucket("fail-over");
    let tmp = tempfile::tempdir().unwrap();
    let tmpp = tmp.path().to_path_buf();
    let env: Vec<(String, String)> = [
        ("AWS_ENDPOINT_URL", server.endpoint()),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "accord-test".into()),
        ("AWS_SECRET_ACCESS_KEY", "accord-test-secret".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let location = format!("s3://{bucket}/ceasefire");
    let b = Backend {
        log: location.clone(),
        database: Box::new(move |_| db.clone()),
        env: env.clone(),
        lease_ttl_ms: 2000,
    };
    fail_over(&tmpp, &b, 10, |entries| {
        // The log made as `accord log init` and `append` make it, on the
        // store: the key stays a local file.
        let key = accord_example::key(LOG_KEY);
        let keyfile = tmpp.join("log.key");
        std::fs::write(&keyfile, key.to_secret_string()).unwrap();
        let storage: std::sync::Arc<dyn tlog::Storage> = std::sync::Arc::new(
            tlog_s3::S3Storage::open(
                &bucket,
                "ceasefire",
                tlog_s3::S3Options {
                    endpoint: Some(server.endpoint()),
                    allow_http: Some(true),
                    region: Some("us-east-1".into()),
                    access_key_id: Some("accord-test".into()),
                    secret_access_key: Some("accord-test-secret".into()),
                    ..Default::default()
                },
            )
            .unwrap(),
        );
        let mut log = tlog::Log::create(storage.clone(), key.clone()).unwrap();
        log.append_batch(entries).unwrap();
        drop(log);
        let vkey = key.verifier().to_string();
        let config = format!(
            "origin = {:?}\nvkey = {vkey:?}\nkey = {:?}\n",
            LOG_KEY,
            keyfile.display().to_string()
        );
        storage
            .write_private("config.toml", config.as_bytes())
            .unwrap();
        (keyfile, vkey)
    });
}

#[test]
fn a_bad_cluster_setting_is_named_with_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    for (line, says) in [
        ("advertise = \"accord-1:8470\"", "[cluster] advertise"),
        (
            "advertise = \"http://a:1\"\nlease_ttl_ms = 10",
            "[cluster] lease_ttl_ms",
        ),
        (
            "advertise = \"http://a:1\"\npoll_ms = 0",
            "[cluster] poll_ms",
        ),
    ] {
        let cfg = tmp.path().join("replica.toml");
        std::fs::write(
            &cfg,
            format!(
                "agreement = \"a.toml\"\nlog = \"log\"\n[cluster]\nrole = \"reader\"\n{line}\n"
            ),
        )
        .unwrap();
        let err = common::fails(&["serve", "--config", cfg.to_str().unwrap()], tmp.path());
        assert!(
            err.contains(says) && err.contains("replica.toml"),
            "{line}: {err}"
        );
    }
}
