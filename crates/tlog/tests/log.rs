//! The writer: durability protocol, recovery from every interrupted state,
//! the single-writer lock, group commit, and bad input.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tlog::checkpoint::{Checkpoint, SignedCheckpoint};
use tlog::client::{DirSource, TileReader};
use tlog::keys::{KeyType, SignerKey};
use tlog::log::LogError;
use tlog::sequencer::{AppendError, BatchOptions, Sequencer};
use tlog::storage::{Object, Storage, StorageError, WriterLock};
use tlog::tree::RightEdge;
use tlog::verify::{VerifyOptions, verify_log};
use tlog::{DirStorage, Log};

fn key() -> SignerKey {
    SignerKey::from_seed("test.example/log", KeyType::Ed25519, [9u8; 32]).unwrap()
}

fn entries(range: std::ops::Range<u64>) -> Vec<Vec<u8>> {
    range.map(|i| format!("entry {i}").into_bytes()).collect()
}

fn verify(dir: &std::path::Path) -> tlog::verify::VerifyReport {
    let vkey = key().verifier();
    verify_log(
        &DirSource::new(dir),
        &VerifyOptions {
            log_key: Some(&vkey),
            entries: true,
            ..Default::default()
        },
        |_| {},
    )
    .unwrap_or_else(|e| panic!("{} does not verify: {e}", dir.display()))
}

fn tlogcheck(dir: &std::path::Path) {
    let vkey = key().verifier().to_string();
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        dir.to_str().unwrap(),
        "-key",
        &vkey,
        "-entries",
    ]);
}

fn new_log() -> (tempfile::TempDir, Arc<DirStorage>, Log) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let log = Log::create(storage.clone(), key()).unwrap();
    (dir, storage, log)
}

#[test]
fn append_reopen_append_verifies_with_tlogcheck() {
    let (dir, storage, mut log) = new_log();
    assert_eq!(log.append_batch(&entries(0..1000)).unwrap(), 0..1000);
    assert_eq!(log.append_batch(&entries(1000..1001)).unwrap(), 1000..1001);
    drop(log);
    let mut log = Log::open(storage.clone(), key()).unwrap();
    assert_eq!(log.size(), 1001);
    assert_eq!(
        log.append_batch(&entries(1001..70_000)).unwrap(),
        1001..70_000
    );
    let report = verify(dir.path());
    assert_eq!(report.checkpoint.checkpoint.size, 70_000);
    tlogcheck(dir.path());
    let mut r = TileReader::new(DirSource::new(dir.path()));
    for i in [0, 255, 256, 1000, 65_535, 65_536, 69_999] {
        assert_eq!(
            r.entry(70_000, i).unwrap(),
            format!("entry {i}").into_bytes()
        );
    }
    // Partial tiles superseded by full ones were collected; the current ones stay.
    assert!(!dir.path().join("tile/0/000.p/1").exists() || !dir.path().join("tile/0/000").exists());
    assert!(dir.path().join("tile/0/273.p/112").exists());
}

#[test]
fn verification_hands_over_every_entry_once_in_order() {
    let (dir, _, mut log) = new_log();
    // Two full bundles and a partial one.
    log.append_batch(&entries(0..600)).unwrap();
    drop(log);
    let seen = Mutex::new(Vec::new());
    let collect = |first: u64, bundle: &[Vec<u8>]| {
        let mut seen = seen.lock().unwrap();
        assert_eq!(first, seen.len() as u64, "bundles arrive in order");
        seen.extend_from_slice(bundle);
    };
    let vkey = key().verifier();
    verify_log(
        &DirSource::new(dir.path()),
        &VerifyOptions {
            log_key: Some(&vkey),
            entries: true,
            on_entries: Some(&collect),
            ..Default::default()
        },
        |_| {},
    )
    .unwrap();
    assert_eq!(seen.into_inner().unwrap(), entries(0..600));
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_log() {
    let (dir, storage, log) = new_log();
    let other = Arc::new(DirStorage::new(dir.path()).unwrap());
    match Log::open(other.clone(), key()) {
        Err(LogError::Storage(StorageError::Locked { what })) => {
            assert!(what.contains(&dir.path().display().to_string()))
        }
        other => panic!("second writer was not refused: {other:?}"),
    }
    assert!(matches!(
        Log::create(other.clone(), key()),
        Err(LogError::Storage(StorageError::Locked { .. }))
    ));
    drop(log);
    // Once the first writer is gone, the log can be opened, but not created again.
    assert!(matches!(
        Log::create(storage.clone(), key()),
        Err(LogError::AlreadyExists)
    ));
    Log::open(other, key()).unwrap();
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let (dir, storage, mut log) = new_log();
    log.append_batch(&entries(0..10)).unwrap();
    let mut batch = entries(10..20);
    batch[5] = vec![b'x'; 65_536];
    match log.append_batch(&batch) {
        Err(LogError::EntryTooLarge {
            index_in_batch: 5,
            size: 65_536,
        }) => {}
        other => panic!("oversized entry accepted: {other:?}"),
    }
    assert_eq!(log.size(), 10);
    // The largest legal entry is fine.
    log.append_batch(&[vec![b'y'; 65_535]]).unwrap();
    assert_eq!(verify(dir.path()).checkpoint.checkpoint.size, 11);
    drop(log);

    // A key that is not the log's cannot open it.
    let other = SignerKey::from_seed("other.example/log", KeyType::Ed25519, [1u8; 32]).unwrap();
    assert!(matches!(
        Log::open(storage.clone(), other),
        Err(LogError::OriginMismatch { .. })
    ));
    let same_name = SignerKey::from_seed("test.example/log", KeyType::Ed25519, [2u8; 32]).unwrap();
    assert!(matches!(
        Log::open(storage.clone(), same_name),
        Err(LogError::Checkpoint(_))
    ));
    let cosigner =
        SignerKey::from_seed("test.example/log", KeyType::Cosignature, [9u8; 32]).unwrap();
    assert!(matches!(
        Log::open(storage, cosigner),
        Err(LogError::WrongKeyType)
    ));
}

/// What a batch from the log's current size would write, as the log would.
fn batch_objects(
    storage: &DirStorage,
    size: u64,
    batch: &[Vec<u8>],
) -> (Vec<Object>, SignedCheckpoint) {
    let mut edge = RightEdge::load(size, true, |t| {
        Ok::<_, ()>(
            storage
                .read(&t.path())
                .unwrap()
                .or_else(|| storage.read(&t.full().path()).unwrap())
                .unwrap(),
        )
    })
    .unwrap()
    .unwrap();
    let objects = edge.append_entries(batch);
    let cp = Checkpoint {
        origin: "test.example/log".into(),
        size: size + batch.len() as u64,
        root: edge.root(),
        extensions: vec![],
    };
    (objects, cp.sign(&key()).unwrap())
}

/// Leaves the log as a crash during a batch of 600 entries from size 300
/// would: the intent recorded, `written` of the batch's objects in place,
/// and the checkpoint replaced or not.
fn crash_mid_batch(
    written: usize,
    publish: bool,
) -> (tempfile::TempDir, Arc<DirStorage>, SignedCheckpoint) {
    let (dir, storage, mut log) = new_log();
    log.append_batch(&entries(0..300)).unwrap();
    drop(log);
    let (objects, cp) = batch_objects(&storage, 300, &entries(300..900));
    storage.write_private("pending", b"300 900\n").unwrap();
    storage
        .create_all(&objects[..written.min(objects.len())])
        .unwrap();
    if publish {
        let current = storage.read("checkpoint").unwrap().unwrap();
        storage.swap_checkpoint(&current, &cp.to_bytes()).unwrap();
    }
    (dir, storage, cp)
}

#[test]
fn recovery_removes_a_batch_that_was_not_completely_written() {
    for written in [0usize, 1, 3] {
        let (dir, storage, _) = crash_mid_batch(written, false);
        let mut log = Log::open(storage.clone(), key()).unwrap();
        assert_eq!(log.size(), 300, "written {written}");
        verify(dir.path());
        // Create-only writes of the same paths with other contents now succeed.
        log.append_batch(&entries(5000..5600)).unwrap();
        let mut r = TileReader::new(DirSource::new(dir.path()));
        assert_eq!(r.entry(900, 300).unwrap(), b"entry 5000");
        tlogcheck(dir.path());
    }
}

#[test]
fn recovery_completes_a_batch_whose_objects_were_all_written() {
    let (dir, storage, cp) = crash_mid_batch(usize::MAX, false);
    let log = Log::open(storage.clone(), key()).unwrap();
    assert_eq!(log.size(), 900);
    // Byte for byte the checkpoint the interrupted batch would have published.
    assert_eq!(log.checkpoint().to_bytes(), cp.to_bytes());
    assert_eq!(
        std::fs::read(dir.path().join("checkpoint")).unwrap(),
        cp.to_bytes()
    );
    verify(dir.path());
    tlogcheck(dir.path());
}

#[test]
fn recovery_after_the_commit_point_changes_nothing() {
    let (dir, storage, cp) = crash_mid_batch(usize::MAX, true);
    let mut log = Log::open(storage.clone(), key()).unwrap();
    assert_eq!(log.checkpoint().to_bytes(), cp.to_bytes());
    log.append_batch(&entries(900..901)).unwrap();
    assert_eq!(verify(dir.path()).checkpoint.checkpoint.size, 901);
}

#[test]
fn corruption_is_refused_on_open() {
    let (dir, storage, mut log) = new_log();
    log.append_batch(&entries(0..300)).unwrap();
    drop(log);
    storage.write_private("pending", b"garbage").unwrap();
    assert!(matches!(
        Log::open(storage.clone(), key()),
        Err(LogError::Corrupt(_))
    ));
    storage.write_private("pending", b"0 300\n").unwrap();
    let p = dir.path().join("tile/0/001.p/44");
    let mut data = std::fs::read(&p).unwrap();
    data[0] ^= 1;
    std::fs::write(&p, &data).unwrap();
    match Log::open(storage, key()) {
        Err(LogError::Corrupt(why)) => assert!(why.contains("root"), "{why}"),
        other => panic!("corrupt tile accepted: {other:?}"),
    }
}

/// A storage that fails on demand, to see what the writer does about it.
struct Faulty {
    inner: DirStorage,
    fail_create_after: Mutex<Option<usize>>,
    fail_replace: Mutex<bool>,
    replaces: AtomicUsize,
}

impl Storage for Faulty {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.read(path)
    }
    fn create_all(&self, objects: &[Object]) -> Result<(), StorageError> {
        if let Some(n) = *self.fail_create_after.lock().unwrap() {
            self.inner.create_all(&objects[..n.min(objects.len())])?;
            return Err(StorageError::io(
                "tile/x",
                std::io::Error::other("disk full (injected)"),
            ));
        }
        self.inner.create_all(objects)
    }
    fn create_checkpoint(&self, data: &[u8]) -> Result<(), StorageError> {
        self.inner.create_checkpoint(data)
    }
    fn swap_checkpoint(&self, current: &[u8], new: &[u8]) -> Result<(), StorageError> {
        if *self.fail_replace.lock().unwrap() {
            // The rename happened; making it durable failed.
            self.inner.swap_checkpoint(current, new)?;
            return Err(StorageError::io(
                "checkpoint",
                std::io::Error::other("fsync failed (injected)"),
            ));
        }
        self.replaces.fetch_add(1, Ordering::SeqCst);
        self.inner.swap_checkpoint(current, new)
    }
    fn delete_all(&self, paths: &[String], durable: bool) -> Result<(), StorageError> {
        self.inner.delete_all(paths, durable)
    }
    fn read_private(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.read_private(name)
    }
    fn write_private(&self, name: &str, data: &[u8]) -> Result<(), StorageError> {
        self.inner.write_private(name, data)
    }
    fn lock_as(&self, holder: &str) -> Result<Box<dyn WriterLock>, StorageError> {
        self.inner.lock_as(holder)
    }
    fn lease(&self) -> Result<Option<tlog::LeaseInfo>, StorageError> {
        self.inner.lease()
    }
}

fn faulty() -> (tempfile::TempDir, Arc<Faulty>) {
    let dir = tempfile::tempdir().unwrap();
    let f = Arc::new(Faulty {
        inner: DirStorage::new(dir.path()).unwrap(),
        fail_create_after: Mutex::new(None),
        fail_replace: Mutex::new(false),
        replaces: AtomicUsize::new(0),
    });
    (dir, f)
}

#[test]
fn a_failed_tile_write_is_undone_and_the_log_goes_on() {
    let (dir, f) = faulty();
    let mut log = Log::create(f.clone(), key()).unwrap();
    log.append_batch(&entries(0..100)).unwrap();
    *f.fail_create_after.lock().unwrap() = Some(2);
    assert!(matches!(
        log.append_batch(&entries(100..700)),
        Err(LogError::Storage(_))
    ));
    assert_eq!(log.size(), 100);
    *f.fail_create_after.lock().unwrap() = None;
    assert_eq!(log.append_batch(&entries(1000..1600)).unwrap(), 100..700);
    assert_eq!(
        TileReader::new(DirSource::new(dir.path()))
            .entry(700, 100)
            .unwrap(),
        b"entry 1000"
    );
    verify(dir.path());
}

#[test]
fn a_failed_checkpoint_write_stops_the_writer_until_reopened() {
    let (dir, f) = faulty();
    let mut log = Log::create(f.clone(), key()).unwrap();
    log.append_batch(&entries(0..100)).unwrap();
    *f.fail_replace.lock().unwrap() = true;
    assert!(log.append_batch(&entries(100..200)).is_err());
    *f.fail_replace.lock().unwrap() = false;
    assert!(matches!(
        log.append_batch(&entries(200..300)),
        Err(LogError::Poisoned(_))
    ));
    drop(log);
    // The checkpoint may have been seen: reopening keeps it.
    let log = Log::open(f.clone(), key()).unwrap();
    assert_eq!(log.size(), 200);
    verify(dir.path());
}

#[test]
fn concurrent_appends_get_distinct_indices_and_share_batches() {
    let (dir, f) = faulty();
    let log = Log::create(f.clone(), key()).unwrap();
    let before = f.replaces.load(Ordering::SeqCst);
    let (seq, thread) = Sequencer::start(
        log,
        BatchOptions {
            max_batch_delay: Duration::from_millis(5),
            ..Default::default()
        },
    );
    let per_thread = 300u64;
    let handles: Vec<_> = (0..16u64)
        .map(|t| {
            let seq = seq.clone();
            std::thread::spawn(move || {
                (0..per_thread)
                    .map(|i| {
                        let e = format!("thread {t} item {i}").into_bytes();
                        (seq.append_blocking(e.clone()).unwrap(), e)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<(u64, Vec<u8>)> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    drop(seq);
    let log = thread.join();
    let total = 16 * per_thread;
    assert_eq!(log.size(), total);
    all.sort();
    let indices: Vec<u64> = all.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        indices,
        (0..total).collect::<Vec<_>>(),
        "indices are exactly 0..n, each once"
    );
    let mut r = TileReader::new(DirSource::new(dir.path()));
    for (i, e) in all.iter().step_by(37) {
        assert_eq!(&r.entry(total, *i).unwrap(), e);
    }
    let batches = f.replaces.load(Ordering::SeqCst) - before;
    assert!(
        batches < total as usize,
        "{total} appends took {batches} commits: no group commit"
    );
    verify(dir.path());
}

#[test]
fn batches_close_by_count_and_by_time() {
    let (_dir, f) = faulty();
    let log = Log::create(f.clone(), key()).unwrap();
    let before = f.replaces.load(Ordering::SeqCst);
    let opts = BatchOptions {
        max_batch_entries: 100,
        max_batch_delay: Duration::from_secs(2),
        ..Default::default()
    };
    let (seq, thread) = Sequencer::start(log, opts);
    // 250 single-entry requests, queued far faster than the delay: two
    // batches close on count (100 each), the last 50 on time.
    let pending: Vec<_> = (0..250u64)
        .map(|i| seq.submit(entries(i..i + 1)).unwrap())
        .collect();
    let ranges: Vec<_> = pending.into_iter().map(|p| p.wait().unwrap()).collect();
    assert_eq!(
        ranges.iter().map(|r| r.start).collect::<Vec<_>>(),
        (0..250).collect::<Vec<_>>()
    );
    assert_eq!(
        f.replaces.load(Ordering::SeqCst) - before,
        3,
        "250 entries in batches of at most 100"
    );
    assert_eq!(seq.checkpoint().checkpoint.size, 250);
    drop(seq);
    let log = thread.join();

    // Five requests with a long delay and a large count go out as one batch.
    let before = f.replaces.load(Ordering::SeqCst);
    let (seq, thread) = Sequencer::start(
        log,
        BatchOptions {
            max_batch_delay: Duration::from_millis(500),
            ..Default::default()
        },
    );
    let pending: Vec<_> = (0..5u64)
        .map(|i| seq.submit(entries(i..i + 1)).unwrap())
        .collect();
    let ranges: Vec<_> = pending.into_iter().map(|p| p.wait().unwrap()).collect();
    assert_eq!(
        ranges.iter().map(|r| r.start).collect::<Vec<_>>(),
        vec![250, 251, 252, 253, 254]
    );
    assert_eq!(
        f.replaces.load(Ordering::SeqCst) - before,
        1,
        "five requests, one commit"
    );
    drop(seq);
    thread.join();
}

#[test]
fn the_sequencer_refuses_oversized_entries_and_reports_closure() {
    let (_dir, _storage, log) = new_log();
    let (seq, thread) = Sequencer::start(log, BatchOptions::default());
    assert!(matches!(
        seq.append_blocking(vec![0; 70_000]),
        Err(AppendError::TooLarge { size: 70_000 })
    ));
    assert_eq!(seq.append_blocking(b"fine".to_vec()).unwrap(), 0);
    let rt = tokio_rt();
    assert_eq!(rt.block_on(seq.append(b"async".to_vec())).unwrap(), 1);
    let seq2 = seq.clone();
    drop(seq);
    drop(seq2);
    let log = thread.join();
    assert_eq!(log.size(), 2);
}

fn tokio_rt() -> SimpleExecutor {
    SimpleExecutor
}

/// Polls a future to completion on this thread (enough for a oneshot).
struct SimpleExecutor;
impl SimpleExecutor {
    fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        use std::task::{Context, Poll, Wake, Waker};
        struct ThreadWaker(std::thread::Thread);
        impl Wake for ThreadWaker {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            match f.as_mut().poll(&mut cx) {
                Poll::Ready(v) => return v,
                Poll::Pending => std::thread::park(),
            }
        }
    }
}

/// A server that answers each request for an entry bundle honestly the
/// first `honest` times, then with the bundle of another log of the same
/// size (well formed, the same number of entries, other bytes).
struct TwoFaced {
    real: DirSource,
    other: DirSource,
    honest: usize,
    asked: Mutex<std::collections::HashMap<String, usize>>,
}

impl tlog::TileSource for TwoFaced {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, tlog::client::ReadError> {
        if !path.starts_with("tile/entries/") {
            return self.real.fetch(path);
        }
        let mut asked = self.asked.lock().unwrap();
        let n = asked.entry(path.to_string()).or_default();
        *n += 1;
        if *n > self.honest {
            self.other.fetch(path)
        } else {
            self.real.fetch(path)
        }
    }
    fn describe(&self) -> String {
        "a two-faced server".into()
    }
}

fn two_faced(honest: usize, size: u64) -> (tempfile::TempDir, tempfile::TempDir, TwoFaced) {
    let (real, _, mut log) = new_log();
    log.append_batch(&entries(0..size)).unwrap();
    let (other, _, mut log2) = new_log();
    let lies: Vec<Vec<u8>> = (0..size)
        .map(|i| format!("lie {i:02}").into_bytes())
        .collect();
    log2.append_batch(&lies).unwrap();
    let src = TwoFaced {
        real: DirSource::new(real.path()),
        other: DirSource::new(other.path()),
        honest,
        asked: Mutex::new(Default::default()),
    };
    (real, other, src)
}

#[test]
fn entries_read_after_verification_are_checked_against_the_verified_tree() {
    // Honest once, lying after: what is read once is what was verified; a
    // second read is refused, never handed on.
    let (_a, _b, src) = two_faced(1, 600);
    let vkey = key().verifier();
    let opts = VerifyOptions {
        log_key: Some(&vkey),
        ..Default::default()
    };
    let log = tlog::verify::verify_tree(&src, &opts, |_| {}).unwrap();
    assert_eq!(log.size(), 600);
    assert_eq!(log.bundles(), 3);
    for t in 0..3 {
        let b = log.bundle(&src, t).unwrap();
        assert_eq!(b.first(), t * 256);
        assert_eq!(b.entries(), &entries(t * 256..(t * 256 + 256).min(600))[..]);
    }
    for t in 0..3 {
        match log.bundle(&src, t) {
            Err(tlog::verify::VerifyError::EntryMismatch { index, path }) => {
                assert_eq!(index, t * 256, "the first entry that differs");
                assert!(path.starts_with("tile/entries/"), "{path}");
            }
            other => panic!("bundle {t} read a second time: {other:?}"),
        }
    }
    assert!(matches!(
        log.entry(&src, 599),
        Err(tlog::verify::VerifyError::EntryMismatch { index: 512, .. })
    ));
    assert!(matches!(
        log.bundle(&src, 3),
        Err(tlog::verify::VerifyError::OutOfRange { .. })
    ));
}

#[test]
fn a_server_that_lies_from_the_first_read_fails_verification() {
    let (_a, _b, src) = two_faced(0, 600);
    let vkey = key().verifier();
    let opts = VerifyOptions {
        log_key: Some(&vkey),
        entries: true,
        ..Default::default()
    };
    match verify_log(&src, &opts, |_| {}) {
        Err(tlog::verify::VerifyError::EntryMismatch { index: 0, path }) => {
            assert_eq!(path, "tile/entries/000")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn cosignatures_are_added_to_the_current_checkpoint_only_and_survive_reopening() {
    use tlog::cosignature::{CosignatureType, CosignerSecret};
    let (dir, storage, log) = new_log();
    let w = CosignerSecret::from_seed("w.example/1", CosignatureType::Ed25519, [3; 32]).unwrap();
    let pq = CosignerSecret::from_seed("w.example/pq", CosignatureType::MlDsa44, [4; 32]).unwrap();
    let (seq, thread) = Sequencer::start(log, BatchOptions::default());
    seq.append_blocking(b"one".to_vec()).unwrap();
    let at1 = seq.checkpoint().checkpoint;
    let lines = vec![w.cosign(&at1, 100).unwrap(), pq.cosign(&at1, 100).unwrap()];
    seq.add_cosignatures(at1.clone(), lines.clone()).unwrap();
    // A round trip through the queue: the next append is behind the cosign.
    seq.append_blocking(b"two".to_vec()).unwrap();
    // Cosignatures of a checkpoint the log has moved past are not written.
    seq.add_cosignatures(at1.clone(), lines).unwrap();
    drop(seq);
    let log = thread.join();
    assert_eq!(log.size(), 2);
    let raw = std::fs::read(dir.path().join("checkpoint")).unwrap();
    let cp = SignedCheckpoint::parse(&raw).unwrap();
    assert_eq!(cp.note.signatures().len(), 1, "size 2 was never cosigned");
    drop(log);

    // Cosign the current one through the log itself, and reopen.
    let mut log = Log::open(storage.clone(), key()).unwrap();
    let now = log.checkpoint().checkpoint.clone();
    let lines = vec![w.cosign(&now, 200).unwrap(), pq.cosign(&now, 200).unwrap()];
    assert!(log.add_cosignatures(&now, &lines).unwrap());
    assert!(!log.add_cosignatures(&at1, &lines).unwrap());
    drop(log);
    let log = Log::open(storage, key()).unwrap();
    let note = &log.checkpoint().note;
    assert_eq!(note.signatures().len(), 3);
    assert_eq!(w.verifier().cosigned(note), Some(200));
    assert_eq!(pq.verifier().cosigned(note), Some(200));
    verify(dir.path());
    tlogcheck(dir.path());
    // The Go reference verifier checks the Ed25519 cosignature too.
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        dir.path().to_str().unwrap(),
        "-key",
        &key().verifier().to_string(),
        "-witness",
        &w.verifier().to_string(),
    ]);
}
