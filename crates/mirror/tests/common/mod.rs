//! What the mirror's tests share: logs made by `tlog::Log`, mirrors of
//! them, sources that fail or lie, and a mirror served over HTTP.
#![allow(dead_code)] // each test file uses its own part of it

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use accord_mirror::{
    CosignatureType, CosignerSecret, Mirror, MirrorOptions, MirrorService, Published,
};
use tlog::client::{ReadError, TileSource};
use tlog::{DirSource, DirStorage, KeyType, Log, SignerKey, VerifierKey};

pub const LOG_NAME: &str = "log.test.accord.example/mirror";

pub fn log_key() -> SignerKey {
    SignerKey::from_seed(LOG_NAME, KeyType::Ed25519, [7; 32]).unwrap()
}

pub fn log_vkey() -> VerifierKey {
    log_key().verifier()
}

pub fn mirror_key(name: &str, seed: u8) -> CosignerSecret {
    CosignerSecret::from_seed(name, CosignatureType::Ed25519, [seed; 32]).unwrap()
}

/// Entry `i` of the test logs; `fork` makes another history.
pub fn entry(i: u64, fork: u8) -> Vec<u8> {
    let mut e = format!("entry {i} of history {fork}\n").into_bytes();
    // Some entries long, some empty, as logs have.
    e.extend(std::iter::repeat_n(b'x', (i % 7 * 100) as usize));
    if i.is_multiple_of(97) {
        e.clear();
    }
    e
}

/// A log in `dir` with entries `0..size` (entries from `fork_at` on of
/// history `fork`).
pub fn make_log(dir: &Path, size: u64, fork_at: u64, fork: u8) -> Log {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, log_key()).unwrap();
    grow(&mut log, size, fork_at, fork);
    log
}

/// Appends to `log` up to `size`, in batches of uneven sizes.
pub fn grow(log: &mut Log, size: u64, fork_at: u64, fork: u8) {
    let mut at = log.size();
    let mut k = 0;
    while at < size {
        let n = [1, 300, 17, 256, 1000, 3][k % 6].min(size - at);
        let batch: Vec<Vec<u8>> = (at..at + n)
            .map(|i| entry(i, if i >= fork_at { fork } else { 0 }))
            .collect();
        log.append_batch(&batch).unwrap();
        at += n;
        k += 1;
    }
}

pub fn open_mirror(dir: &Path, key: CosignerSecret) -> Mirror {
    open_with(dir, key, MirrorOptions::default())
}

pub fn open_with(dir: &Path, key: CosignerSecret, options: MirrorOptions) -> Mirror {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    Mirror::open(storage, key, log_vkey(), options).unwrap()
}

/// Copies a directory tree (a log, at the size it has now).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

/// Every public file of a directory (`checkpoint`, `tile/...`), relative.
pub fn public_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(at).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A source that fails after `budget` fetches of entry bundles.
pub struct Failing {
    pub inner: DirSource,
    pub budget: AtomicUsize,
}

impl TileSource for Failing {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        if path.starts_with("tile/entries/") {
            let spent = self
                .budget
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
            if spent.is_err() {
                return Err(ReadError::Fetch {
                    path: path.into(),
                    message: "connection reset (test)".into(),
                });
            }
        }
        self.inner.fetch(path)
    }
    fn describe(&self) -> String {
        format!("failing {}", self.inner.describe())
    }
}

/// The verifier tool's arguments for a mirror's copy.
pub fn tlogcheck_mirror(log: &str, witnesses: &[String]) -> String {
    let key = log_vkey().to_string();
    let mut args = vec!["verify", "-log", log, "-key", &key, "-entries"];
    for w in witnesses {
        args.extend(["-witness", w.as_str()]);
    }
    testkit::tlogcheck_ok(&args)
}

/// A mirror served over HTTP on a runtime of its own.
pub struct Serving {
    pub base: String,
    pub published: Arc<Published>,
    _rt: tokio::runtime::Runtime,
}

pub fn serve(dir: &Path, mirror: &Mirror, operator: Option<&str>) -> Serving {
    let published = Arc::new(Published::default());
    accord_mirror::run::publish(mirror, &published);
    let svc = Arc::new(MirrorService::new(
        dir.to_path_buf(),
        LOG_NAME.into(),
        mirror.cosigner().to_string(),
        "test".into(),
        operator.map(String::from),
        None,
        published.clone(),
    ));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(accord_mirror::serve(
        listener,
        svc,
        std::future::pending::<()>(),
    ));
    Serving {
        base,
        published,
        _rt: rt,
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// GET: status, headers we look at, body.
pub fn get(url: &str) -> (u16, Vec<u8>, Option<String>) {
    let mut r = agent().get(url).call().unwrap();
    let cc = r
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    (
        r.status().as_u16(),
        r.body_mut().read_to_vec().unwrap_or_default(),
        cc,
    )
}
