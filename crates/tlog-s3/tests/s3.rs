//! The log on S3, against real servers on loopback (SeaweedFS, and moto's
//! emulator where said): the log suite, crash windows, two sequencers
//! racing, the lease, cache headers and bad input.
//!
//! The servers are started once per run of this file (testkit::s3) and
//! each test uses buckets of its own.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use testkit::s3::{Kind, S3Server};
use tlog::client::{DirSource, TileReader, TileSource};
use tlog::keys::{KeyType, SignerKey};
use tlog::log::LogError;
use tlog::storage::{Storage, StorageError, WriterLock};
use tlog::verify::{VerifyOptions, verify_log};
use tlog::{DirStorage, Log, StorageSource};
use tlog_s3::{S3Options, S3Storage};

fn key() -> SignerKey {
    SignerKey::from_seed("test.example/log", KeyType::Ed25519, [9u8; 32]).unwrap()
}

fn entries(range: std::ops::Range<u64>) -> Vec<Vec<u8>> {
    range.map(|i| format!("entry {i}").into_bytes()).collect()
}

/// Both servers, or none when `ACCORD_SKIP_S3=1`.
fn servers() -> Vec<&'static S3Server> {
    [Kind::SeaweedFs, Kind::Moto]
        .into_iter()
        .filter_map(S3Server::shared)
        .collect()
}

fn seaweed() -> Option<&'static S3Server> {
    S3Server::shared(Kind::SeaweedFs)
}

fn options(server: &S3Server, lease_ttl_ms: Option<u64>) -> S3Options {
    S3Options {
        endpoint: Some(server.endpoint()),
        allow_http: Some(true),
        region: Some("us-east-1".into()),
        access_key_id: Some("accord-test".into()),
        secret_access_key: Some("accord-test-secret".into()),
        lease_ttl_ms,
        ..Default::default()
    }
}

fn storage(server: &S3Server, bucket: &str, prefix: &str) -> Arc<S3Storage> {
    Arc::new(S3Storage::open(bucket, prefix, options(server, None)).unwrap())
}

fn verify(source: &impl TileSource) -> tlog::verify::VerifyReport {
    let vkey = key().verifier();
    verify_log(
        source,
        &VerifyOptions {
            log_key: Some(&vkey),
            entries: true,
            ..Default::default()
        },
        |_| {},
    )
    .unwrap_or_else(|e| panic!("{} does not verify: {e}", source.describe()))
}

/// tlogcheck reads the log over HTTP, as any reader would.
fn tlogcheck(server: &S3Server, bucket: &str, prefix: &str) {
    let url = format!("{}/{bucket}/{prefix}", server.endpoint());
    let vkey = key().verifier().to_string();
    testkit::tlogcheck_ok(&["verify", "-log", &url, "-key", &vkey, "-entries"]);
}

/// Every key under `prefix` in the bucket (a plain ListObjectsV2).
fn list(server: &S3Server, bucket: &str, prefix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut q = format!("/{bucket}?list-type=2&prefix={prefix}");
        if let Some(t) = &token {
            q.push_str(&format!("&continuation-token={}", url_escape(t)));
        }
        let r = server.request("GET", &q, &[], &[]);
        assert_eq!(
            r.status,
            200,
            "listing {q}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let body = String::from_utf8_lossy(&r.body).into_owned();
        for part in body.split("<Key>").skip(1) {
            keys.push(part.split("</Key>").next().unwrap().to_string());
        }
        token = body.split("<NextContinuationToken>").nth(1).map(|t| {
            t.split("</NextContinuationToken>")
                .next()
                .unwrap()
                .to_string()
        });
        if token.is_none() {
            return keys;
        }
    }
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The same batches in a directory log, reopened after each as the S3 one
/// is (a writer collects only the partial tiles it knows of): the
/// reference.
fn dir_log(batches: &[std::ops::Range<u64>]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    drop(Log::create(storage.clone(), key()).unwrap());
    for b in batches {
        let mut log = Log::open(storage.clone(), key()).unwrap();
        log.append_batch(&entries(b.clone())).unwrap();
    }
    dir
}

/// Every file of a directory log's public part, by path.
fn dir_objects(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel.starts_with(".tlog") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_log_suite_on_s3_matches_the_directory_log_and_verifies_with_tlogcheck() {
    for server in servers() {
        let bucket = server.new_bucket("suite");
        let prefix = "logs/a";
        // Past the first full level-1 tile on SeaweedFS; moto, an emulator
        // in Python, gets a smaller log.
        let last = if server.kind() == Kind::SeaweedFs {
            70_000
        } else {
            3_000
        };
        let batches = [0..1000, 1000..1001, 1001..last];
        drop(Log::create(storage(server, &bucket, prefix), key()).unwrap());
        for b in &batches {
            // Each batch through a new client, as another process would.
            let mut log = Log::open(storage(server, &bucket, prefix), key()).unwrap();
            assert_eq!(log.size(), b.start);
            assert_eq!(log.append_batch(&entries(b.clone())).unwrap(), b.clone());
        }
        let s = storage(server, &bucket, prefix);
        let source = StorageSource(s.clone());
        let report = verify(&source);
        assert_eq!(report.checkpoint.checkpoint.size, last);
        assert_eq!(report.entries, last);
        let mut r = TileReader::new(StorageSource(s.clone()));
        for i in [0, 255, 256, 1000, last / 2, last - 1] {
            assert_eq!(r.entry(last, i).unwrap(), format!("entry {i}").into_bytes());
        }
        tlogcheck(server, &bucket, prefix);

        // The same batches in a directory give the same objects, byte for
        // byte: the same checkpoint (Ed25519 signs deterministically), the
        // same tiles, the same partial tiles collected.
        let dir = dir_log(&batches);
        let expected = dir_objects(dir.path());
        let mut got: Vec<String> = list(server, &bucket, &format!("{prefix}/"))
            .into_iter()
            .map(|k| k[prefix.len() + 1..].to_string())
            .filter(|k| !k.starts_with(".tlog/"))
            .collect();
        got.sort();
        assert_eq!(
            got,
            expected.keys().cloned().collect::<Vec<_>>(),
            "{:?}",
            server.kind()
        );
        for (path, data) in &expected {
            assert_eq!(s.read(path).unwrap().as_ref(), Some(data), "{path}");
        }
        // Nothing left staged.
        assert_eq!(
            list(server, &bucket, &format!("{prefix}/.tlog/staging/")),
            Vec::<String>::new()
        );
    }
}

#[test]
fn roots_are_the_rfc6962_reference_roots() {
    let text = std::fs::read_to_string(testkit::vectors(
        "rfc6962-reference/tree-leaves-and-roots.txt",
    ))
    .unwrap();
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let leaves: Vec<Vec<u8>> = text
        .lines()
        .filter(|l| l.starts_with("leaf "))
        .map(|l| {
            let d = l.split_whitespace().nth(2).unwrap();
            if d == "(empty)" { vec![] } else { hex(d) }
        })
        .collect();
    let roots: BTreeMap<u64, String> = text
        .lines()
        .filter(|l| l.starts_with("root "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[1].parse().unwrap(), f[2].to_string())
        })
        .collect();
    assert_eq!((leaves.len(), roots.len()), (8, 9));
    for server in servers() {
        let bucket = server.new_bucket("rfc6962");
        let mut log = Log::create(storage(server, &bucket, ""), key()).unwrap();
        assert_eq!(log.checkpoint().checkpoint.root.to_hex(), roots[&0]);
        for (i, leaf) in leaves.iter().enumerate() {
            log.append_batch(&[leaf]).unwrap();
            assert_eq!(
                log.checkpoint().checkpoint.root.to_hex(),
                roots[&(i as u64 + 1)]
            );
        }
        drop(log);
        tlogcheck(server, &bucket, "");
    }
}

/// The public checkpoint's tree size.
fn published_size(s: &S3Storage) -> u64 {
    let cp = s.read("checkpoint").unwrap().unwrap();
    String::from_utf8_lossy(&cp)
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_crash_after_each_step_of_a_commit_is_completed_or_discarded_on_reopen() {
    for server in servers() {
        for step in 1..=5u8 {
            let bucket = server.new_bucket(&format!("crash{step}"));
            let s = storage(server, &bucket, "log");
            let mut log = Log::create(s.clone(), key()).unwrap();
            log.append_batch(&entries(0..10)).unwrap();
            s.crash_after_step(Some(step));
            // Across a tile boundary: full and partial tiles in one batch.
            let err = log.append_batch(&entries(10..300)).unwrap_err();
            assert!(
                err.to_string()
                    .contains(&format!("simulated crash after step {step}")),
                "{err}"
            );
            drop(log);
            let size_before = published_size(&s);

            let s = storage(server, &bucket, "log");
            let mut log = Log::open(s.clone(), key()).unwrap();
            // Before the commit point the batch is discarded; after it, it
            // is completed. The checkpoint never went back.
            let expect = if step == 1 { 10 } else { 300 };
            assert_eq!(
                log.size(),
                expect,
                "crash after step {step} ({:?})",
                server.kind()
            );
            assert_eq!(published_size(&s), expect);
            assert!(published_size(&s) >= size_before);
            let staged = list(server, &bucket, "log/.tlog/staging/");
            if step == 1 {
                // A staging record of a size not yet reached may be a live
                // writer's: kept until the log passes it.
                assert_eq!(staged.len(), 1, "{staged:?}");
            } else {
                assert!(staged.is_empty(), "{staged:?}");
            }
            // The log goes on, through the size the crashed batch wanted.
            log.append_batch(&entries(expect..expect + 400)).unwrap();
            drop(log);
            let report = verify(&StorageSource(s.clone()));
            assert_eq!(report.checkpoint.checkpoint.size, expect + 400);
            // Reopening removes what the crashed batch staged, now passed.
            drop(Log::open(storage(server, &bucket, "log"), key()).unwrap());
            assert!(list(server, &bucket, "log/.tlog/staging/").is_empty());
            tlogcheck(server, &bucket, "log");
        }
    }
}

/// A lock that is no lock: a writer that believes it holds the log (a
/// paused old holder, say) while another does.
struct FakeLock;
impl WriterLock for FakeLock {}

#[test]
fn two_sequencers_racing_on_one_bucket_never_fork_the_log() {
    let Some(server) = seaweed() else { return };
    let bucket = server.new_bucket("race");
    let prefix = "race";
    let mut a = Log::create(storage(server, &bucket, prefix), key()).unwrap();
    let mut b =
        Log::open_locked(storage(server, &bucket, prefix), key(), Box::new(FakeLock)).unwrap();

    // A reader watching the published checkpoint all along.
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<BTreeMap<u64, Vec<u8>>>> = Arc::default();
    let watcher = {
        let (stop, seen) = (stop.clone(), seen.clone());
        let s = storage(server, &bucket, prefix);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let cp = s.read("checkpoint").unwrap().unwrap();
                let text = String::from_utf8_lossy(&cp).into_owned();
                let (body, _) = text.split_once("\n\n").unwrap();
                let size: u64 = body.lines().nth(1).unwrap().parse().unwrap();
                let mut seen = seen.lock().unwrap();
                let first = seen.entry(size).or_insert_with(|| body.as_bytes().to_vec());
                assert_eq!(first, body.as_bytes(), "two checkpoints of size {size}");
            }
        })
    };

    let mut losers: Vec<String> = Vec::new();
    let mut size = 0u64;
    let (mut wins_a, mut wins_b) = (0, 0);
    for round in 0..24u64 {
        // Different entries (and different counts) from each: whichever
        // wins, the other's batch must vanish without a trace.
        let ea: Vec<Vec<u8>> = (0..3 + round % 5)
            .map(|i| format!("writer A round {round} entry {i}").into_bytes())
            .collect();
        let eb: Vec<Vec<u8>> = (0..4 + round % 3)
            .map(|i| format!("writer B round {round} entry {i}").into_bytes())
            .collect();
        let barrier = Barrier::new(2);
        let (ra, rb) = std::thread::scope(|sc| {
            let ha = sc.spawn(|| {
                barrier.wait();
                a.append_batch(&ea)
            });
            let hb = sc.spawn(|| {
                barrier.wait();
                b.append_batch(&eb)
            });
            (ha.join().unwrap(), hb.join().unwrap())
        });
        let conflict = |r: &Result<std::ops::Range<u64>, LogError>| {
            matches!(r, Err(LogError::Storage(StorageError::Conflict { .. })))
        };
        match (&ra, &rb) {
            (Ok(r), Err(_)) if conflict(&rb) => {
                assert_eq!(r.start, size);
                size = r.end;
                wins_a += 1;
                losers.push(format!("writer B round {round} "));
                // The loser is poisoned: it appends nothing more.
                assert!(matches!(b.append_batch(&eb), Err(LogError::Poisoned(_))));
                drop(b);
                b = Log::open_locked(storage(server, &bucket, prefix), key(), Box::new(FakeLock))
                    .unwrap();
            }
            (Err(_), Ok(r)) if conflict(&ra) => {
                assert_eq!(r.start, size);
                size = r.end;
                wins_b += 1;
                losers.push(format!("writer A round {round} "));
                assert!(matches!(a.append_batch(&ea), Err(LogError::Poisoned(_))));
                drop(a);
                a = Log::open(storage(server, &bucket, prefix), key()).unwrap();
            }
            other => panic!("round {round}: not exactly one winner: {other:?}"),
        }
        assert_eq!((a.size(), b.size()), (size, size), "round {round}");
    }
    stop.store(true, Ordering::Relaxed);
    watcher.join().unwrap();
    drop((a, b));
    // Both won some rounds (the barrier makes it a real race; if one
    // always won, the test would show little).
    eprintln!("writer A won {wins_a} rounds, writer B {wins_b}");
    assert!(seen.lock().unwrap().len() > 1);

    let s = storage(server, &bucket, prefix);
    let report = verify(&StorageSource(s.clone()));
    assert_eq!(report.checkpoint.checkpoint.size, size);
    tlogcheck(server, &bucket, prefix);
    // No loser's entry is in any object under tile/: a loser wrote no
    // final tile path, not even a partial one that the winner did not.
    for k in list(server, &bucket, &format!("{prefix}/tile/")) {
        let r = server.request("GET", &format!("/{bucket}/{k}"), &[], &[]);
        let body = String::from_utf8_lossy(&r.body);
        for l in &losers {
            assert!(
                !body.contains(l.as_str()),
                "{k} holds an entry of the losing {l}"
            );
        }
    }
}

#[test]
fn the_lease_names_its_holder_is_released_on_drop_and_expires_after_a_kill() {
    for server in servers() {
        let bucket = server.new_bucket("lease");
        // Long enough that a loaded machine's scheduling does not count.
        let ttl = 3000;
        let open = || Arc::new(S3Storage::open(&bucket, "l", options(server, Some(ttl))).unwrap());
        let (s1, s2) = (open(), open());
        assert_eq!(s1.lease().unwrap(), None);
        let l1 = s1.lock_as("http://alpha:8080").unwrap();
        match s2.lock_as("beta") {
            Err(StorageError::Locked { what }) => {
                assert!(what.contains("http://alpha:8080"), "{what}");
                assert!(what.contains(&format!("s3://{bucket}/l")), "{what}");
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
        let info = s2.lease().unwrap().unwrap();
        assert_eq!(info.holder, "http://alpha:8080");
        assert!(info.expires_unix_ms.is_some());
        // Held past its time to live: renewed.
        std::thread::sleep(Duration::from_millis(ttl + ttl / 2));
        l1.check().unwrap();
        assert!(s2.lock_as("beta").is_err());

        // Dropped: free at once.
        drop(l1);
        assert_eq!(s2.lease().unwrap(), None);
        let l2 = s2.lock_as("beta").unwrap();
        assert_eq!(s1.lease().unwrap().unwrap().holder, "beta");

        // Killed: no renewal, no release; free once the lease runs out.
        s2.abandon_leases();
        drop(l2);
        let s3 = open();
        assert!(matches!(
            s3.lock_as("gamma"),
            Err(StorageError::Locked { .. })
        ));
        let start = Instant::now();
        let l3 = loop {
            match s3.lock_as("gamma") {
                Ok(l) => break l,
                Err(StorageError::Locked { .. }) if start.elapsed() < Duration::from_secs(10) => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                Err(e) => panic!("{e}"),
            }
        };
        assert!(
            start.elapsed() >= Duration::from_millis(ttl / 2),
            "{:?}",
            start.elapsed()
        );

        // Taken over behind its back (a holder paused past its expiry, whose
        // lease another took): the holder finds out.
        let forged = format!(
            r#"{{"holder":"intruder","token":"x","expires_unix_ms":{}}}"#,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 60_000
        );
        let r = server.request(
            "PUT",
            &format!("/{bucket}/l/.tlog/lease"),
            &[],
            forged.as_bytes(),
        );
        assert_eq!(r.status, 200);
        std::thread::sleep(Duration::from_millis(ttl));
        match l3.check() {
            Err(StorageError::LeaseLost { what, detail }) => {
                assert!(what.contains(&bucket), "{what}");
                assert!(detail.contains("took the lease over"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s1.lease().unwrap().unwrap().holder, "intruder");
        // Its drop does not release the intruder's lease.
        drop(l3);
        assert_eq!(s1.lease().unwrap().unwrap().holder, "intruder");

        // A log whose lease is lost stops before committing.
        let bucket2 = server.new_bucket("lease-log");
        let s = Arc::new(S3Storage::open(&bucket2, "", options(server, Some(ttl))).unwrap());
        let mut log = Log::create(s.clone(), key()).unwrap();
        log.append_batch(&entries(0..3)).unwrap();
        let r = server.request(
            "PUT",
            &format!("/{bucket2}/.tlog/lease"),
            &[],
            forged.as_bytes(),
        );
        assert_eq!(r.status, 200);
        std::thread::sleep(Duration::from_millis(ttl));
        match log.append_batch(&entries(3..5)) {
            Err(LogError::Storage(StorageError::LeaseLost { .. })) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            log.append_batch(&entries(3..5)),
            Err(LogError::Poisoned(_))
        ));
        assert_eq!(published_size(&s), 3);
    }
}

#[test]
fn uploads_carry_cache_headers_for_a_cdn() {
    for server in servers() {
        let bucket = server.new_bucket("headers");
        let s = storage(server, &bucket, "p");
        let mut log = Log::create(s.clone(), key()).unwrap();
        log.append_batch(&entries(0..300)).unwrap();
        drop(log);
        let head = |path: &str| {
            let r = server.request("HEAD", &format!("/{bucket}/p/{path}"), &[], &[]);
            assert_eq!(r.status, 200, "{path}");
            (
                r.header("cache-control").unwrap_or_default().to_string(),
                r.header("content-type").unwrap_or_default().to_string(),
            )
        };
        let (cc, ct) = head("checkpoint");
        assert_eq!(cc, "no-cache", "{:?}", server.kind());
        assert!(ct.starts_with("text/plain"), "{ct}");
        for full in ["tile/0/000", "tile/entries/000"] {
            let (cc, ct) = head(full);
            assert_eq!(cc, "public, max-age=31536000, immutable", "{full}");
            assert_eq!(ct, "application/octet-stream");
        }
        for partial in ["tile/0/001.p/44", "tile/entries/001.p/44", "tile/1/000.p/1"] {
            let (cc, _) = head(partial);
            assert_eq!(cc, "public, max-age=3600", "{partial}");
        }
    }
}

#[test]
fn cosignatures_change_only_the_public_checkpoint_and_the_log_goes_on() {
    for server in servers() {
        let bucket = server.new_bucket("cosign");
        let s = storage(server, &bucket, "");
        let mut log = Log::create(s.clone(), key()).unwrap();
        log.append_batch(&entries(0..5)).unwrap();
        drop(log);
        let cp = s.read("checkpoint").unwrap().unwrap();
        // A witness's line (the storage does not judge signatures).
        let mut cosigned = cp.clone();
        cosigned.extend_from_slice(
            "— witness.example/w AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
                .as_bytes(),
        );
        s.swap_checkpoint(&cp, &cosigned).unwrap();
        assert_eq!(s.read("checkpoint").unwrap().unwrap(), cosigned);
        // Swapping from a checkpoint that is no longer the one published
        // is refused.
        match s.swap_checkpoint(&cp, &cosigned) {
            Err(StorageError::Conflict { path, .. }) => assert!(path.ends_with("/checkpoint")),
            other => panic!("{other:?}"),
        }
        // The commit point still matches (same signed text): a new writer
        // extends the cosigned checkpoint.
        let mut log = Log::open(storage(server, &bucket, ""), key()).unwrap();
        assert_eq!(log.size(), 5);
        log.append_batch(&entries(5..9)).unwrap();
        drop(log);
        assert_eq!(
            verify(&StorageSource(s.clone())).checkpoint.checkpoint.size,
            9
        );
    }
}

#[test]
fn a_log_copied_in_is_adopted_and_a_checkpoint_ahead_of_the_commit_point_is_refused() {
    let Some(server) = seaweed() else { return };
    let bucket = server.new_bucket("adopt");
    // A directory log copied into the bucket by hand: no private objects.
    let dir = dir_log(&[0..100, 100..300]);
    for (path, data) in dir_objects(dir.path()) {
        let r = server.request("PUT", &format!("/{bucket}/copy/{path}"), &[], &data);
        assert_eq!(r.status, 200, "{path}");
    }
    let s = storage(server, &bucket, "copy");
    let mut log = Log::open(s.clone(), key()).unwrap();
    assert_eq!(log.size(), 300);
    log.append_batch(&entries(300..310)).unwrap();
    drop(log);
    tlogcheck(server, &bucket, "copy");

    // Someone publishes a checkpoint the writer never committed.
    let ahead = dir_log(&[0..200, 200..400]);
    let cp = std::fs::read(ahead.path().join("checkpoint")).unwrap();
    let r = server.request("PUT", &format!("/{bucket}/copy/checkpoint"), &[], &cp);
    assert_eq!(r.status, 200);
    let err = Log::open(storage(server, &bucket, "copy"), key()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("tree size 400") && text.contains("tree size 310"),
        "{text}"
    );
    assert!(text.contains(&format!("s3://{bucket}/copy")), "{text}");
}

#[test]
fn bad_input_gives_errors_naming_what_and_where() {
    let Some(server) = seaweed() else { return };
    // No such bucket.
    let s = storage(server, "no-such-bucket-here", "x");
    let err = Log::create(s, key()).unwrap_err().to_string();
    assert!(err.contains("no-such-bucket-here"), "{err}");

    // Nothing listening there.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut o = options(server, None);
    o.endpoint = Some(format!("http://127.0.0.1:{dead}"));
    let s = S3Storage::open("bucket", "x", o).unwrap();
    let start = Instant::now();
    let err = s.read("checkpoint").unwrap_err().to_string();
    assert!(err.contains("s3://bucket/x/checkpoint"), "{err}");
    assert!(err.contains(&dead.to_string()), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );

    // Plain HTTP is refused unless allowed.
    let mut o = options(server, None);
    o.allow_http = Some(false);
    let err = S3Storage::open("bucket", "x", o).err().unwrap().to_string();
    assert!(
        err.contains("AWS_ALLOW_HTTP") && err.contains(&server.endpoint()),
        "{err}"
    );

    // Paths outside the log's public names.
    let bucket = server.new_bucket("bad");
    let s = storage(server, &bucket, "x");
    for bad in ["", "../checkpoint", "/checkpoint", ".tlog/lease", "tile//0"] {
        assert!(
            matches!(s.read(bad), Err(StorageError::BadPath(_))),
            "{bad:?}"
        );
    }
    for bad in ["lease", "checkpoint", "staging", "a/b", ".x"] {
        assert!(
            matches!(s.write_private(bad, b"x"), Err(StorageError::BadPath(_))),
            "{bad:?}"
        );
    }
    // Create-only: the same bytes again are a retry, other bytes an error.
    let obj = |b: &[u8]| vec![("tile/0/x001/000".to_string(), b.to_vec())];
    s.create_all(&obj(b"one")).unwrap();
    s.create_all(&obj(b"one")).unwrap();
    match s.create_all(&obj(b"two")) {
        Err(StorageError::AlreadyExists { path }) => {
            assert_eq!(path, format!("s3://{bucket}/x/tile/0/x001/000"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.read("tile/0/x001/000").unwrap().unwrap(), b"one");
    s.write_private("note", b"kept").unwrap();
    assert_eq!(s.read_private("note").unwrap().unwrap(), b"kept");
    // A second log is refused where one is.
    drop(Log::create(s.clone(), key()).unwrap());
    assert!(matches!(
        Log::create(s, key()),
        Err(LogError::AlreadyExists)
    ));
}

#[test]
fn reads_through_dir_and_s3_agree() {
    // A small check that DirSource and StorageSource(S3) read the same
    // log alike (the log suite above compares every object).
    let Some(server) = seaweed() else { return };
    let bucket = server.new_bucket("agree");
    let s = storage(server, &bucket, "");
    let mut log = Log::create(s.clone(), key()).unwrap();
    log.append_batch(&entries(0..513)).unwrap();
    drop(log);
    let dir = dir_log(&[0..256, 256..513]);
    let mut a = TileReader::new(StorageSource(s));
    let mut b = TileReader::new(DirSource::new(dir.path()));
    assert_eq!(a.root(513).unwrap(), b.root(513).unwrap());
    assert_eq!(
        a.inclusion_proof(513, 300).unwrap(),
        b.inclusion_proof(513, 300).unwrap()
    );
}

#[test]
fn a_lease_whose_store_is_gone_is_lost_once_it_expires() {
    if testkit::s3::skipped() {
        return;
    }
    // A server of its own, to stop.
    let server = S3Server::start(Kind::SeaweedFs);
    let bucket = server.new_bucket("gone");
    let ttl = 2000;
    let s = S3Storage::open(&bucket, "", options(&server, Some(ttl))).unwrap();
    let lock = s.lock_as("alpha").unwrap();
    lock.check().unwrap();
    drop(server);
    // Renewing fails; the lease holds until it runs out (less a margin),
    // then the holder must stop.
    std::thread::sleep(Duration::from_millis(ttl + ttl / 2));
    match lock.check() {
        Err(StorageError::LeaseLost { what, .. }) => assert!(what.contains(&bucket), "{what}"),
        other => panic!("{other:?}"),
    }
    // Dropping it neither hangs nor panics with the store gone.
    let start = Instant::now();
    drop(lock);
    assert!(start.elapsed() < Duration::from_secs(30));
}
