//! The log on an S3-compatible object store, through `object_store`.
//!
//! # Layout under `prefix/`
//!
//! - `checkpoint`, `tile/...`: the public C2SP objects, served to readers
//!   (behind a CDN, say).
//! - `.tlog/checkpoint`: the private checkpoint, the commit point. Only a
//!   compare-and-swap (`If-Match` its ETag) moves it, and only forward.
//! - `.tlog/lease`: who holds the writer's lease, until when.
//! - `.tlog/staging/<size>-<hex>`: a batch's record, written before its
//!   commit point, so that a crash after it can be finished.
//! - `.tlog/<name>`: the writer's other private objects
//!   ([`Storage::read_private`], [`Storage::write_private`]).
//!
//! # The commit protocol
//!
//! The rule that makes racing writers safe: only a writer that has won the
//! compare-and-swap on the private checkpoint ever writes final tile
//! paths. So a loser writes no tile, and every writer that writes a tile
//! writes exactly the bytes every other would: the private checkpoints form
//! one chain, each swapped in from its predecessor, so the tree at each
//! size is one tree.
//!
//! A batch from `old` to `new`, replacing the checkpoint `previous` with
//! `checkpoint`:
//!
//! 1. **staging**: create `.tlog/staging/<new>-<sha256(checkpoint)>`
//!    holding the new checkpoint and every object of the batch
//!    (create-only; the same bytes already there are a retry).
//! 2. **commit point**: put `.tlog/checkpoint` = `checkpoint` with
//!    `If-Match` the ETag of the private checkpoint whose note text is that
//!    of `previous` (cosignatures are added to the public checkpoint only,
//!    so the two are compared by the signed text, which fixes the tree). A
//!    412 is [`StorageError::Conflict`]: another writer moved the log on.
//!    From here on the batch is committed: if this call fails later, the
//!    next open's recovery finishes it (a caller told of a failure must
//!    not assume its entries are absent).
//! 3. **tiles**: create every object, 16 at a time; an object already
//!    there with the same bytes is accepted (a retry, or a recovery by a
//!    new holder racing this one), different bytes are an error.
//! 4. **publish**: move the public `checkpoint` forward to `checkpoint`,
//!    by compare-and-swap on what it holds, unless it is already at `new`
//!    or beyond (a recovery by another writer published it, or more).
//! 5. delete the staging object (best effort).
//!
//! Crash windows:
//!
//! - during or after 1, before 2: the private checkpoint is unchanged, so
//!   nothing is acknowledged and no reader sees anything. The staging
//!   object stays until the log has passed its size (recovery deletes
//!   staging objects of sizes the private checkpoint has reached; it keeps
//!   larger ones, which may be a live writer's about to swap).
//! - during 2: the put either happened or not. If not, as above. If it
//!   did, the next case.
//! - after 2, before 4 is done: the private checkpoint is `checkpoint`,
//!   and the staging object named by its hash holds every object of the
//!   batch. Recovery (under the lease, before the log is opened) finds it,
//!   checks its checkpoint is byte for byte the private one, creates its
//!   objects (identical bytes accepted: some may be there) and publishes
//!   forward. A reader meanwhile sees the old public checkpoint, whose tiles
//!   are all there: nothing it can rely on is missing.
//! - after 4, before 5: recovery redoes 3 and 4 idempotently and deletes it.
//!
//! A writer whose swap fails with anything but a 412 cannot know whether
//! it happened, so the stage is [`CommitStage::Checkpoint`]: the log
//! poisons itself and the next open's recovery decides. Nothing is ever
//! undone after step 2, and before it there is nothing to undo (the
//! staging object is private).
//!
//! A paused writer (one that lost its lease without knowing) is stopped by
//! step 2: its `previous` is no longer the private checkpoint. If it had
//! won step 2 before pausing, the new holder's recovery finishes its batch
//! with the same bytes, and when it wakes its tile writes find them
//! identical and its publish finds the checkpoint already at or past its
//! size. It may recreate partial tiles that the new holder had deleted as
//! redundant: garbage a checkpoint never needs, harmless (C2SP lets them
//! stay).
//!
//! The public checkpoint is never ahead of the private one; recovery
//! refuses a log where it is (someone wrote the bucket behind the writer's
//! back).
//!
//! # The lease
//!
//! `.tlog/lease` is JSON `{holder, token, expires_unix_ms}`, taken with a
//! create-only put when absent, or by compare-and-swap when expired, and
//! renewed by compare-and-swap every third of its time to live. It is
//! liveness only: it keeps two healthy writers from fighting. It assumes
//! the writers' clocks agree to well within its time to live; when they
//! do not, or a holder pauses past its expiry, two writers may both
//! believe they hold the log, and the compare-and-swap of step 2 is what
//! keeps them from forking it.
//!
//! # Threads
//!
//! `object_store` is async. An [`S3Storage`] owns a small tokio runtime
//! and runs each call on it, blocking the calling thread until it is done.
//! Callers on an async runtime's threads must call it through
//! `spawn_blocking` (blocking a runtime's worker thread stalls its other
//! tasks).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder, S3ConditionalPut};
use object_store::path::Path as ObjPath;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, GetOptions, ObjectStore, ObjectStoreExt,
    PutMode, PutOptions, PutPayload, RetryConfig, UpdateVersion,
};
use sha2::{Digest, Sha256};
use tlog::storage::{
    CHECKPOINT, Commit, CommitError, CommitStage, LeaseInfo, Object, Storage, StorageError,
    WriterLock,
};

/// How to reach the store, over what the environment says.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    /// The endpoint (`AWS_ENDPOINT_URL`), e.g. `http://127.0.0.1:8333`;
    /// none, AWS.
    pub endpoint: Option<String>,
    /// The lease's time to live, in milliseconds (default 10 000;
    /// `ACCORD_S3_LEASE_TTL_MS`).
    pub lease_ttl_ms: Option<u64>,
    /// The region (`AWS_REGION`, `AWS_DEFAULT_REGION`); default
    /// `us-east-1`, which S3-compatible stores accept.
    pub region: Option<String>,
    /// Credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Whether plain `http://` endpoints are allowed (`AWS_ALLOW_HTTP`).
    pub allow_http: Option<bool>,
    /// How long a CDN or browser may keep the public checkpoint, in
    /// seconds; 0 (the default) is `no-cache` (revalidate every time).
    pub checkpoint_max_age_s: Option<u64>,
}

/// The lease's default time to live.
pub const DEFAULT_LEASE_TTL_MS: u64 = 10_000;

/// Tiles uploaded at once in step 3: enough to hide a round trip's
/// latency, few enough not to be throttled.
const PARALLEL_PUTS: usize = 16;

/// A full tile never changes: a CDN may keep it forever.
const CACHE_FULL: &str = "public, max-age=31536000, immutable";
/// A partial tile never changes either, but is deleted once its full tile
/// exists; an hour keeps a CDN from serving it long after.
const CACHE_PARTIAL: &str = "public, max-age=3600";
const CACHE_PRIVATE: &str = "private, no-store";
const TYPE_TILE: &str = "application/octet-stream";
const TYPE_CHECKPOINT: &str = "text/plain; charset=utf-8";

const PRIVATE_DIR: &str = ".tlog";
const PRIVATE_CHECKPOINT: &str = "checkpoint";
const LEASE: &str = "lease";
const STAGING: &str = "staging";
/// The first line of a staging object.
const STAGING_VERSION: &[u8] = b"tlog-s3 staging v1\n";

impl S3Options {
    /// From the standard AWS environment variables (which
    /// `object_store` reads itself too) and `ACCORD_S3_LEASE_TTL_MS`.
    pub fn from_env() -> S3Options {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        S3Options {
            endpoint: var("AWS_ENDPOINT_URL").or_else(|| var("AWS_ENDPOINT")),
            lease_ttl_ms: var("ACCORD_S3_LEASE_TTL_MS").and_then(|v| v.parse().ok()),
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            access_key_id: var("AWS_ACCESS_KEY_ID"),
            secret_access_key: var("AWS_SECRET_ACCESS_KEY"),
            allow_http: var("AWS_ALLOW_HTTP").map(|v| v == "true" || v == "1"),
            checkpoint_max_age_s: None,
        }
    }
}

/// The crash-simulation hook: stop a commit after this step (1..=5).
/// Tests only.
const NO_CRASH: u8 = 0;

/// A log's objects under a prefix of an S3 bucket.
pub struct S3Storage {
    inner: Arc<Inner>,
    rt: Arc<Rt>,
}

/// The runtime, shut down without waiting when the last user is gone
/// (dropping a tokio runtime from inside another's async context panics,
/// and the server may drop a storage there).
struct Rt(Option<tokio::runtime::Runtime>);

impl Drop for Rt {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Rt {
    /// Runs `fut` on the runtime and waits for it on this thread.
    fn run<T: Send + 'static>(
        &self,
        what: &str,
        fut: impl Future<Output = Result<T, StorageError>> + Send + 'static,
    ) -> Result<T, StorageError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let rt = self.0.as_ref().expect("runtime present until drop");
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv().unwrap_or_else(|_| {
            Err(StorageError::Backend {
                path: what.to_string(),
                message: "the S3 client's task stopped without an answer (it panicked)".into(),
            })
        })
    }
}

struct Inner {
    store: AmazonS3,
    bucket: String,
    prefix: String,
    lease_ttl: Duration,
    checkpoint_cache: String,
    /// The private checkpoint last read or written, with its ETag.
    private_cp: Mutex<Option<(Vec<u8>, String)>>,
    /// The public checkpoint last read or written, with its ETag.
    public_cp: Mutex<Option<(Vec<u8>, String)>>,
    crash_after: AtomicU8,
    /// Leases stop renewing and are not released (a simulated kill).
    abandoned: AtomicBool,
}

impl S3Storage {
    /// A log at `s3://bucket/prefix`. Nothing is fetched: a wrong bucket
    /// or endpoint shows at the first call, in an error naming them.
    pub fn open(bucket: &str, prefix: &str, options: S3Options) -> Result<S3Storage, StorageError> {
        let prefix = prefix.trim_matches('/').to_string();
        let url = location(bucket, &prefix);
        let bad = |message: String| StorageError::Backend {
            path: url.clone(),
            message,
        };
        let ok_prefix = prefix.is_empty()
            || prefix
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != "..");
        if bucket.is_empty() || !ok_prefix {
            return Err(bad("not a valid bucket and prefix".into()));
        }
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_conditional_put(S3ConditionalPut::ETagMatch)
            // Short retries: a writer that cannot reach its store should
            // say so in seconds, not minutes.
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(50),
                    max_backoff: Duration::from_secs(2),
                    base: 2.0,
                },
                max_retries: 4,
                retry_timeout: Duration::from_secs(20),
            })
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(30)),
            );
        if let Some(e) = &options.endpoint {
            b = b.with_endpoint(e);
        }
        if let Some(r) = &options.region {
            b = b.with_region(r);
        } else if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            b = b.with_region("us-east-1");
        }
        if let Some(k) = &options.access_key_id {
            b = b.with_access_key_id(k);
        }
        if let Some(k) = &options.secret_access_key {
            b = b.with_secret_access_key(k);
        }
        // Plain HTTP only when asked for: object_store's own refusal of it
        // does not say what to do.
        let allow_http = options.allow_http.unwrap_or_else(|| {
            std::env::var("AWS_ALLOW_HTTP").is_ok_and(|v| v == "true" || v == "1")
        });
        b = b.with_allow_http(allow_http);
        if let Some(e) = &options.endpoint
            && e.starts_with("http://")
            && !allow_http
        {
            return Err(bad(format!(
                "the endpoint {e} is plain HTTP; set AWS_ALLOW_HTTP=true to use it"
            )));
        }
        let store = b.build().map_err(|e| bad(e.to_string()))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tlog-s3")
            .enable_all()
            .build()
            .map_err(|e| bad(format!("starting the S3 client's runtime: {e}")))?;
        let max_age = options.checkpoint_max_age_s.unwrap_or(0);
        Ok(S3Storage {
            inner: Arc::new(Inner {
                store,
                bucket: bucket.to_string(),
                prefix,
                lease_ttl: Duration::from_millis(
                    options
                        .lease_ttl_ms
                        .unwrap_or(DEFAULT_LEASE_TTL_MS)
                        .max(100),
                ),
                checkpoint_cache: if max_age == 0 {
                    "no-cache".into()
                } else {
                    format!("public, max-age={max_age}")
                },
                private_cp: Mutex::new(None),
                public_cp: Mutex::new(None),
                crash_after: AtomicU8::new(NO_CRASH),
                abandoned: AtomicBool::new(false),
            }),
            rt: Arc::new(Rt(Some(rt))),
        })
    }

    /// `s3://bucket/prefix`.
    pub fn url(&self) -> String {
        location(&self.inner.bucket, &self.inner.prefix)
    }

    /// Tests only: makes [`Storage::commit_batch`] stop after step `step`
    /// (1 staging, 2 commit point, 3 tiles, 4 publish, 5 cleanup) as if the
    /// process had died there, failing with a [`StorageError::Backend`].
    #[doc(hidden)]
    pub fn crash_after_step(&self, step: Option<u8>) {
        self.inner
            .crash_after
            .store(step.unwrap_or(NO_CRASH), Ordering::SeqCst);
    }

    /// Tests only: the process "dies": leases taken through this storage
    /// stop renewing and are not released when dropped.
    #[doc(hidden)]
    pub fn abandon_leases(&self) {
        self.inner.abandoned.store(true, Ordering::SeqCst);
    }

    fn run<T: Send + 'static, F>(
        &self,
        what: &str,
        f: impl FnOnce(Arc<Inner>) -> F,
    ) -> Result<T, StorageError>
    where
        F: Future<Output = Result<T, StorageError>> + Send + 'static,
    {
        self.rt
            .run(&self.url(), f(self.inner.clone()))
            .map_err(|e| {
                tracing::debug!(what, error = %e, "S3 operation failed");
                e
            })
    }
}

fn location(bucket: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        format!("s3://{bucket}")
    } else {
        format!("s3://{bucket}/{prefix}")
    }
}

/// A public object's path, checked as the directory backend checks it:
/// the C2SP names only, never the private area.
fn check_public(path: &str) -> Result<(), StorageError> {
    let ok = !path.is_empty()
        && path
            .split('/')
            .all(|c| !c.is_empty() && !c.starts_with('.'))
        && !path.contains('\\')
        && !path.contains('\n');
    if ok {
        Ok(())
    } else {
        Err(StorageError::BadPath(path.to_string()))
    }
}

/// A private object's name; the backend's own names are reserved.
fn check_private(name: &str) -> Result<(), StorageError> {
    let ok = !name.is_empty()
        && !name.contains('/')
        && !name.starts_with('.')
        && ![PRIVATE_CHECKPOINT, LEASE, STAGING].contains(&name);
    if ok {
        Ok(())
    } else {
        Err(StorageError::BadPath(name.to_string()))
    }
}

/// The signed text of a checkpoint note (through the blank line): what
/// fixes the tree. Cosignature lines follow it.
fn note_text(cp: &[u8]) -> &[u8] {
    match cp.windows(2).position(|w| w == b"\n\n") {
        Some(i) => &cp[..i + 2],
        None => cp,
    }
}

/// A checkpoint's tree size (its second line).
fn tree_size(cp: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(note_text(cp)).ok()?;
    text.lines().nth(1)?.parse().ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn staging_name(size: u64, checkpoint: &[u8]) -> String {
    format!("{size}-{}", hex(&Sha256::digest(checkpoint)))
}

/// A staging object: the version line, then the checkpoint and each
/// object as `<path>\n<length>\n<bytes>` (the checkpoint's path is
/// `checkpoint`).
fn encode_staging(checkpoint: &[u8], objects: &[Object]) -> Vec<u8> {
    let len = objects
        .iter()
        .map(|(p, d)| p.len() + d.len() + 24)
        .sum::<usize>();
    let mut out = Vec::with_capacity(STAGING_VERSION.len() + checkpoint.len() + len + 32);
    out.extend_from_slice(STAGING_VERSION);
    let mut put = |path: &str, data: &[u8]| {
        out.extend_from_slice(format!("{path}\n{}\n", data.len()).as_bytes());
        out.extend_from_slice(data);
    };
    put(CHECKPOINT, checkpoint);
    for (p, d) in objects {
        put(p, d);
    }
    out
}

fn decode_staging(data: &[u8]) -> Option<(Vec<u8>, Vec<Object>)> {
    let mut rest = data.strip_prefix(STAGING_VERSION)?;
    let line = |rest: &mut &[u8]| -> Option<String> {
        let i = rest.iter().position(|&b| b == b'\n')?;
        let s = std::str::from_utf8(&rest[..i]).ok()?.to_string();
        *rest = &rest[i + 1..];
        Some(s)
    };
    let mut items = Vec::new();
    while !rest.is_empty() {
        let path = line(&mut rest)?;
        let n: usize = line(&mut rest)?.parse().ok()?;
        if rest.len() < n {
            return None;
        }
        items.push((path, rest[..n].to_vec()));
        rest = &rest[n..];
    }
    let mut it = items.into_iter();
    let (first, cp) = it.next()?;
    if first != CHECKPOINT {
        return None;
    }
    let objects: Vec<Object> = it.collect();
    if objects
        .iter()
        .any(|(p, _)| check_public(p).is_err() || p == CHECKPOINT)
    {
        return None;
    }
    Some((cp, objects))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// What happened to a conditional put.
enum Put {
    Done(Option<String>),
    /// 412, or the object exists (create-only).
    Refused,
}

impl Inner {
    fn key(&self, path: &str) -> ObjPath {
        if self.prefix.is_empty() {
            ObjPath::from(path)
        } else {
            ObjPath::from(format!("{}/{path}", self.prefix))
        }
    }

    fn private_key(&self, name: &str) -> ObjPath {
        self.key(&format!("{PRIVATE_DIR}/{name}"))
    }

    /// `s3://bucket/key`, for errors.
    fn url_of(&self, key: &ObjPath) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    fn backend(&self, key: &ObjPath, e: object_store::Error) -> StorageError {
        StorageError::Backend {
            path: self.url_of(key),
            message: describe(&e),
        }
    }

    async fn get(&self, key: &ObjPath) -> Result<Option<(Vec<u8>, Option<String>)>, StorageError> {
        match self.store.get_opts(key, GetOptions::default()).await {
            Ok(r) => {
                let etag = r.meta.e_tag.clone();
                let bytes = r.bytes().await.map_err(|e| self.backend(key, e))?;
                Ok(Some((bytes.to_vec(), etag)))
            }
            // A missing bucket is a 404 too: it must not read as "no log
            // here".
            Err(e @ object_store::Error::NotFound { .. })
                if describe(&e).contains("NoSuchBucket") =>
            {
                Err(StorageError::Backend {
                    path: self.url_of(key),
                    message: format!("the bucket {:?} does not exist", self.bucket),
                })
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.backend(key, e)),
        }
    }

    /// Reads an object that must carry an ETag (every conditional write
    /// depends on it).
    async fn get_tagged(&self, key: &ObjPath) -> Result<Option<(Vec<u8>, String)>, StorageError> {
        match self.get(key).await? {
            None => Ok(None),
            Some((b, Some(t))) => Ok(Some((b, t))),
            Some((_, None)) => Err(StorageError::Backend {
                path: self.url_of(key),
                message: "the store returned no ETag; conditional writes need one".into(),
            }),
        }
    }

    async fn put(
        &self,
        key: &ObjPath,
        data: Vec<u8>,
        mode: PutMode,
        cache: &str,
        content_type: &str,
    ) -> Result<Put, StorageError> {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::CacheControl, cache.to_string().into());
        attributes.insert(Attribute::ContentType, content_type.to_string().into());
        let opts = PutOptions {
            mode,
            attributes,
            ..Default::default()
        };
        match self.store.put_opts(key, PutPayload::from(data), opts).await {
            Ok(r) => Ok(Put::Done(r.e_tag)),
            Err(
                object_store::Error::Precondition { .. }
                | object_store::Error::AlreadyExists { .. },
            ) => Ok(Put::Refused),
            Err(e) => Err(self.backend(key, e)),
        }
    }

    /// Creates one immutable object; the same bytes already there are a
    /// retried write.
    async fn create_one(&self, path: &str, data: &[u8]) -> Result<(), StorageError> {
        let key = self.key(path);
        let cache = if path.contains(".p/") {
            CACHE_PARTIAL
        } else {
            CACHE_FULL
        };
        match self
            .put(&key, data.to_vec(), PutMode::Create, cache, TYPE_TILE)
            .await?
        {
            Put::Done(_) => Ok(()),
            Put::Refused => match self.get(&key).await? {
                Some((existing, _)) if existing == data => Ok(()),
                Some(_) => Err(StorageError::AlreadyExists {
                    path: self.url_of(&key),
                }),
                // Deleted between the two calls: only a redundant partial
                // tile is ever deleted, so this is a writer racing a stale
                // one. Try once more.
                None => match self
                    .put(&key, data.to_vec(), PutMode::Create, cache, TYPE_TILE)
                    .await?
                {
                    Put::Done(_) => Ok(()),
                    Put::Refused => Err(StorageError::AlreadyExists {
                        path: self.url_of(&key),
                    }),
                },
            },
        }
    }

    async fn create_all(&self, objects: &[Object]) -> Result<(), StorageError> {
        // The futures are made first: a stream mapping borrowed items is
        // not `Send` for every lifetime, as the runtime needs.
        let puts: Vec<_> = objects.iter().map(|(p, d)| self.create_one(p, d)).collect();
        futures::stream::iter(puts)
            .buffer_unordered(PARALLEL_PUTS)
            .try_collect::<Vec<()>>()
            .await
            .map(|_| ())
    }

    async fn delete_one(&self, path: &str) -> Result<(), StorageError> {
        let key = self.key(path);
        match self.store.delete(&key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.backend(&key, e)),
        }
    }

    async fn delete_all(&self, paths: &[String]) -> Result<(), StorageError> {
        let deletes: Vec<_> = paths.iter().map(|p| self.delete_one(p)).collect();
        futures::stream::iter(deletes)
            .buffer_unordered(PARALLEL_PUTS)
            .try_collect::<Vec<()>>()
            .await
            .map(|_| ())
    }

    fn conflict(&self, key: &ObjPath, detail: String) -> StorageError {
        StorageError::Conflict {
            path: self.url_of(key),
            detail,
        }
    }

    /// Step 2: swaps the private checkpoint from the one whose note text
    /// is `previous`'s to `new`.
    async fn swap_private(&self, previous: &[u8], new: &[u8]) -> Result<(), StorageError> {
        let key = self.private_key(PRIVATE_CHECKPOINT);
        let cached = self.private_cp.lock().expect("lock").clone();
        let (bytes, etag) = match cached {
            Some((b, t)) if note_text(&b) == note_text(previous) => (b, t),
            _ => self
                .get_tagged(&key)
                .await?
                .ok_or_else(|| self.conflict(&key, "the private checkpoint is missing".into()))?,
        };
        if note_text(&bytes) != note_text(previous) {
            *self.private_cp.lock().expect("lock") = Some((bytes.clone(), etag));
            return Err(self.conflict(
                &key,
                format!(
                    "it is at tree size {}, not the {} this writer extends",
                    show_size(&bytes),
                    show_size(previous)
                ),
            ));
        }
        let put = self
            .put(
                &key,
                new.to_vec(),
                PutMode::Update(UpdateVersion {
                    e_tag: Some(etag),
                    version: None,
                }),
                CACHE_PRIVATE,
                TYPE_CHECKPOINT,
            )
            .await;
        match put {
            Ok(Put::Done(etag)) => {
                *self.private_cp.lock().expect("lock") = etag.map(|t| (new.to_vec(), t));
                Ok(())
            }
            Ok(Put::Refused) => {
                // A retried put whose first attempt landed is refused too:
                // only the object itself can tell.
                let now = self.get_tagged(&key).await?;
                *self.private_cp.lock().expect("lock") = now.clone();
                match now {
                    Some((b, _)) if b == new => Ok(()),
                    now => Err(self.conflict(
                        &key,
                        format!(
                            "another writer swapped it first (it is at tree size {})",
                            now.map(|(b, _)| show_size(&b)).unwrap_or("none".into())
                        ),
                    )),
                }
            }
            Err(e) => {
                *self.private_cp.lock().expect("lock") = None;
                Err(e)
            }
        }
    }

    /// Step 4: moves the public checkpoint forward to `new`, unless it is
    /// there or beyond already.
    async fn publish_forward(&self, new: &[u8]) -> Result<(), StorageError> {
        let key = self.key(CHECKPOINT);
        let size = tree_size(new).ok_or_else(|| StorageError::Backend {
            path: self.url_of(&key),
            message: "the checkpoint to publish has no tree size".into(),
        })?;
        let mut known = self.public_cp.lock().expect("lock").clone();
        for _ in 0..20 {
            let current = match known.take() {
                Some(c) => Some(c),
                None => self.get_tagged(&key).await?,
            };
            if let Some((b, _)) = &current {
                match tree_size(b) {
                    Some(s) if s > size => return Ok(()),
                    Some(s) if s == size => {
                        if note_text(b) == note_text(new) {
                            return Ok(());
                        }
                        return Err(StorageError::Backend {
                            path: self.url_of(&key),
                            message: format!(
                                "the published checkpoint of tree size {size} differs from the one committed: the log has forked"
                            ),
                        });
                    }
                    Some(_) => {}
                    None => {
                        return Err(StorageError::Backend {
                            path: self.url_of(&key),
                            message: "the published checkpoint is unreadable".into(),
                        });
                    }
                }
            }
            let mode = match &current {
                Some((_, t)) => PutMode::Update(UpdateVersion {
                    e_tag: Some(t.clone()),
                    version: None,
                }),
                None => PutMode::Create,
            };
            match self
                .put(
                    &key,
                    new.to_vec(),
                    mode,
                    &self.checkpoint_cache,
                    TYPE_CHECKPOINT,
                )
                .await?
            {
                Put::Done(t) => {
                    *self.public_cp.lock().expect("lock") = t.map(|t| (new.to_vec(), t));
                    return Ok(());
                }
                // Someone else moved it (a recovery, or a cosignature):
                // read it again and decide again.
                Put::Refused => continue,
            }
        }
        Err(StorageError::Backend {
            path: self.url_of(&key),
            message: "the published checkpoint kept changing; gave up moving it forward".into(),
        })
    }

    /// Replaces the public checkpoint if it is exactly `current`.
    async fn swap_public(&self, current: &[u8], new: &[u8]) -> Result<(), StorageError> {
        let key = self.key(CHECKPOINT);
        let cached = self.public_cp.lock().expect("lock").clone();
        let (bytes, etag) = match cached {
            Some((b, t)) if b == current => (b, t),
            _ => self
                .get_tagged(&key)
                .await?
                .ok_or_else(|| self.conflict(&key, "there is no published checkpoint".into()))?,
        };
        if bytes != current {
            *self.public_cp.lock().expect("lock") = Some((bytes, etag));
            return Err(self.conflict(
                &key,
                "it is not the checkpoint this writer published".into(),
            ));
        }
        match self
            .put(
                &key,
                new.to_vec(),
                PutMode::Update(UpdateVersion {
                    e_tag: Some(etag),
                    version: None,
                }),
                &self.checkpoint_cache,
                TYPE_CHECKPOINT,
            )
            .await?
        {
            Put::Done(t) => {
                *self.public_cp.lock().expect("lock") = t.map(|t| (new.to_vec(), t));
                Ok(())
            }
            Put::Refused => {
                let now = self.get_tagged(&key).await?;
                *self.public_cp.lock().expect("lock") = now.clone();
                match now {
                    Some((b, _)) if b == new => Ok(()),
                    _ => Err(self.conflict(&key, "another writer replaced it first".into())),
                }
            }
        }
    }

    fn crash_point(&self, step: u8) -> Result<(), StorageError> {
        if self.crash_after.load(Ordering::SeqCst) == step {
            return Err(StorageError::Backend {
                path: location(&self.bucket, &self.prefix),
                message: format!("simulated crash after step {step} of the commit"),
            });
        }
        Ok(())
    }

    async fn commit_batch(
        &self,
        previous: Vec<u8>,
        checkpoint: Vec<u8>,
        new_size: u64,
        objects: Vec<Object>,
    ) -> Result<(), CommitError> {
        use CommitStage::*;
        // 1. staging
        let name = staging_name(new_size, &checkpoint);
        let staging = self.private_key(&format!("{STAGING}/{name}"));
        let record = encode_staging(&checkpoint, &objects);
        match self
            .put(
                &staging,
                record.clone(),
                PutMode::Create,
                CACHE_PRIVATE,
                TYPE_TILE,
            )
            .await
            .map_err(CommitError::at(Intent))?
        {
            Put::Done(_) => {}
            Put::Refused => {
                // The same batch staged before (a retry): the name is the
                // checkpoint's hash, so the bytes should match.
                match self.get(&staging).await.map_err(CommitError::at(Intent))? {
                    Some((b, _)) if b == record => {}
                    _ => {
                        return Err(CommitError::at(Intent)(StorageError::AlreadyExists {
                            path: self.url_of(&staging),
                        }));
                    }
                }
            }
        }
        self.crash_point(1).map_err(CommitError::at(Intent))?;
        // 2. the commit point
        self.swap_private(&previous, &checkpoint)
            .await
            .map_err(CommitError::at(Checkpoint))?;
        self.crash_point(2).map_err(CommitError::at(Checkpoint))?;
        // 3. tiles, by the winner only
        self.create_all(&objects)
            .await
            .map_err(CommitError::at(Checkpoint))?;
        self.crash_point(3).map_err(CommitError::at(Checkpoint))?;
        // 4. publish
        self.publish_forward(&checkpoint)
            .await
            .map_err(CommitError::at(Checkpoint))?;
        self.crash_point(4).map_err(CommitError::at(Checkpoint))?;
        // 5. clean up
        if let Err(e) = self.store.delete(&staging).await {
            tracing::warn!(
                "could not delete the staging object {}: {e}; the next recovery will",
                self.url_of(&staging)
            );
        }
        self.crash_point(5).map_err(CommitError::at(Checkpoint))?;
        Ok(())
    }

    async fn recover(&self) -> Result<(), StorageError> {
        let pkey = self.private_key(PRIVATE_CHECKPOINT);
        let public = self.get_tagged(&self.key(CHECKPOINT)).await?;
        let private = match self.get_tagged(&pkey).await? {
            Some(p) => p,
            None => {
                let Some((bytes, _)) = public.clone() else {
                    // No log here; opening it will say so.
                    return Ok(());
                };
                // A log copied in by hand, or made by another tool: its
                // published checkpoint becomes the commit point.
                tracing::info!(
                    "adopting the published checkpoint of {} as the commit point",
                    location(&self.bucket, &self.prefix)
                );
                match self
                    .put(
                        &pkey,
                        bytes.clone(),
                        PutMode::Create,
                        CACHE_PRIVATE,
                        TYPE_CHECKPOINT,
                    )
                    .await?
                {
                    Put::Done(_) => {}
                    Put::Refused => {
                        return Err(self.conflict(
                            &pkey,
                            "another writer created it while this one adopted the log".into(),
                        ));
                    }
                }
                self.get_tagged(&pkey).await?.ok_or_else(|| {
                    self.conflict(&pkey, "it vanished right after it was created".into())
                })?
            }
        };
        let corrupt = |message: String| StorageError::Backend {
            path: location(&self.bucket, &self.prefix),
            message,
        };
        let psize = tree_size(&private.0).ok_or_else(|| {
            corrupt("the private checkpoint (.tlog/checkpoint) is unreadable".into())
        })?;
        if let Some((b, _)) = &public {
            let size = tree_size(b)
                .ok_or_else(|| corrupt("the published checkpoint is unreadable".into()))?;
            if size > psize || (size == psize && note_text(b) != note_text(&private.0)) {
                return Err(corrupt(format!(
                    "the published checkpoint (tree size {size}) is not one the writer committed (its commit point is at tree size {psize}): the bucket was written behind the writer's back"
                )));
            }
        }
        *self.private_cp.lock().expect("lock") = Some(private.clone());
        *self.public_cp.lock().expect("lock") = public.clone();

        let ours = staging_name(psize, &private.0);
        let dir = self.private_key(STAGING);
        let listed: Vec<object_store::ObjectMeta> = self
            .store
            .list(Some(&dir))
            .try_collect()
            .await
            .map_err(|e| self.backend(&dir, e))?;
        let mut finished = false;
        for meta in listed {
            let Some(name) = meta.location.filename().map(str::to_string) else {
                continue;
            };
            let size: Option<u64> = name.split_once('-').and_then(|(s, _)| s.parse().ok());
            if name == ours {
                let (bytes, _) = self.get(&meta.location).await?.ok_or_else(|| {
                    corrupt(format!(
                        "{} vanished while recovering",
                        self.url_of(&meta.location)
                    ))
                })?;
                let (cp, objects) = decode_staging(&bytes).ok_or_else(|| {
                    corrupt(format!(
                        "{} is not a staging record",
                        self.url_of(&meta.location)
                    ))
                })?;
                if cp != private.0 {
                    return Err(corrupt(format!(
                        "{} names the commit point's checkpoint but holds another",
                        self.url_of(&meta.location)
                    )));
                }
                tracing::info!(
                    size = psize,
                    objects = objects.len(),
                    "finishing a batch committed before a crash"
                );
                self.create_all(&objects).await?;
                self.publish_forward(&cp).await?;
                finished = true;
            } else if size.is_some_and(|s| s > psize) {
                // Maybe a live writer's, about to swap: deleting it could
                // leave that writer's batch unrecoverable. A later recovery
                // deletes it once the log has passed its size.
                continue;
            }
            // A loser's (its size is decided) or a finished batch's.
            if let Err(e) = self.store.delete(&meta.location).await {
                tracing::warn!("could not delete {}: {e}", self.url_of(&meta.location));
            }
        }
        if !finished && psize == 0 {
            // A log whose creation stopped between its two checkpoints:
            // the empty tree needs no tiles.
            self.publish_forward(&private.0).await?;
        } else if !finished
            && public
                .as_ref()
                .is_none_or(|(b, _)| tree_size(b).is_some_and(|s| s < psize))
        {
            // Without its staging record the batch's objects cannot be
            // checked or completed: publishing the commit point could
            // name tiles that are not there.
            return Err(corrupt(format!(
                "the commit point is at tree size {psize} but the published checkpoint is missing or behind it, and the batch's staging record is gone"
            )));
        }
        Ok(())
    }
}

fn show_size(cp: &[u8]) -> String {
    tree_size(cp).map_or_else(|| "unreadable".into(), |s| s.to_string())
}

/// An `object_store` error in a line, with its causes (the HTTP status and
/// the store's message are in the sources).
fn describe(e: &object_store::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = c.source();
    }
    s
}

impl Storage for S3Storage {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, StorageError> {
        check_public(path)?;
        let path = path.to_string();
        self.run("read", move |i| async move {
            Ok(i.get(&i.key(&path)).await?.map(|(b, _)| b))
        })
    }

    fn create_all(&self, objects: &[Object]) -> Result<(), StorageError> {
        for (p, _) in objects {
            check_public(p)?;
        }
        let objects = objects.to_vec();
        self.run(
            "create",
            move |i| async move { i.create_all(&objects).await },
        )
    }

    fn create_checkpoint(&self, data: &[u8]) -> Result<(), StorageError> {
        let data = data.to_vec();
        self.run("create checkpoint", move |i| async move {
            let public = i.key(CHECKPOINT);
            if i.get(&public).await?.is_some() {
                return Err(StorageError::AlreadyExists {
                    path: i.url_of(&public),
                });
            }
            let private = i.private_key(PRIVATE_CHECKPOINT);
            match i
                .put(
                    &private,
                    data.clone(),
                    PutMode::Create,
                    CACHE_PRIVATE,
                    TYPE_CHECKPOINT,
                )
                .await?
            {
                Put::Done(t) => *i.private_cp.lock().expect("lock") = t.map(|t| (data.clone(), t)),
                Put::Refused => {
                    return Err(StorageError::AlreadyExists {
                        path: i.url_of(&private),
                    });
                }
            }
            match i
                .put(
                    &public,
                    data.clone(),
                    PutMode::Create,
                    &i.checkpoint_cache,
                    TYPE_CHECKPOINT,
                )
                .await?
            {
                Put::Done(t) => {
                    *i.public_cp.lock().expect("lock") = t.map(|t| (data, t));
                    Ok(())
                }
                Put::Refused => Err(StorageError::AlreadyExists {
                    path: i.url_of(&public),
                }),
            }
        })
    }

    fn swap_checkpoint(&self, current: &[u8], new: &[u8]) -> Result<(), StorageError> {
        let (current, new) = (current.to_vec(), new.to_vec());
        self.run("swap checkpoint", move |i| async move {
            if note_text(&current) == note_text(&new) {
                // Cosignature lines added: the tree is unchanged, so the
                // commit point is too.
                i.swap_public(&current, &new).await
            } else {
                i.swap_private(&current, &new).await?;
                i.publish_forward(&new).await
            }
        })
    }

    fn delete_all(&self, paths: &[String], _durable: bool) -> Result<(), StorageError> {
        // A delete the store has acknowledged is durable.
        for p in paths {
            check_public(p)?;
        }
        let paths = paths.to_vec();
        self.run("delete", move |i| async move { i.delete_all(&paths).await })
    }

    fn read_private(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        check_private(name)?;
        let name = name.to_string();
        self.run("read private", move |i| async move {
            Ok(i.get(&i.private_key(&name)).await?.map(|(b, _)| b))
        })
    }

    fn write_private(&self, name: &str, data: &[u8]) -> Result<(), StorageError> {
        check_private(name)?;
        let (name, data) = (name.to_string(), data.to_vec());
        self.run("write private", move |i| async move {
            i.put(
                &i.private_key(&name),
                data,
                PutMode::Overwrite,
                CACHE_PRIVATE,
                TYPE_TILE,
            )
            .await
            .map(|_| ())
        })
    }

    fn lock_as(&self, holder: &str) -> Result<Box<dyn WriterLock>, StorageError> {
        let holder = holder.to_string();
        let ttl = self.inner.lease_ttl;
        let (doc, etag) = self.run(
            "take lease",
            move |i| async move { i.take_lease(&holder).await },
        )?;
        Ok(Box::new(S3Lock::start(
            self.inner.clone(),
            self.rt.clone(),
            doc,
            etag,
            ttl,
        )))
    }

    fn lease(&self) -> Result<Option<LeaseInfo>, StorageError> {
        self.run("read lease", move |i| async move {
            let key = i.private_key(LEASE);
            Ok(match i.get(&key).await? {
                None => None,
                Some((b, _)) => match serde_json::from_slice::<LeaseDoc>(&b) {
                    Ok(d) if d.expires_unix_ms > now_ms() => Some(LeaseInfo {
                        holder: d.holder,
                        expires_unix_ms: Some(d.expires_unix_ms),
                    }),
                    _ => None,
                },
            })
        })
    }

    fn recover(&self) -> Result<(), StorageError> {
        self.run("recover", |i| async move { i.recover().await })
    }

    fn commit_batch(&self, commit: &Commit<'_>) -> Result<(), CommitError> {
        for (p, _) in commit.objects {
            check_public(p).map_err(CommitError::at(CommitStage::Intent))?;
        }
        let (previous, checkpoint, objects) = (
            commit.previous.to_vec(),
            commit.checkpoint.to_vec(),
            commit.objects.to_vec(),
        );
        let new_size = commit.new_size;
        let inner = self.inner.clone();
        let (tx, rx) = mpsc::sync_channel(1);
        self.rt.0.as_ref().expect("runtime").spawn(async move {
            let _ = tx.send(
                inner
                    .commit_batch(previous, checkpoint, new_size, objects)
                    .await,
            );
        });
        rx.recv().unwrap_or_else(|_| {
            Err(CommitError::at(CommitStage::Checkpoint)(
                StorageError::Backend {
                    path: self.url(),
                    message: "the S3 client's task stopped without an answer (it panicked)".into(),
                },
            ))
        })
    }
}

/// The lease object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct LeaseDoc {
    holder: String,
    token: String,
    expires_unix_ms: u64,
}

impl LeaseDoc {
    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a lease serialises")
    }
}

fn token() -> String {
    let mut b = [0u8; 16];
    // Without randomness two takers could write the same bytes and both
    // believe they won; the clock and the process id make that unlikely
    // enough as a fallback.
    if getrandom::fill(&mut b).is_err() {
        let n = now_ms() ^ u64::from(std::process::id()) << 40;
        b[..8].copy_from_slice(&n.to_le_bytes());
    }
    hex(&b)
}

fn show_time(ms: u64) -> String {
    let left = ms.saturating_sub(now_ms());
    format!(
        "expires at Unix time {ms} ms, in {:.1} s",
        left as f64 / 1000.0
    )
}

impl Inner {
    async fn take_lease(&self, holder: &str) -> Result<(LeaseDoc, String), StorageError> {
        let key = self.private_key(LEASE);
        let what = location(&self.bucket, &self.prefix);
        let doc = LeaseDoc {
            holder: holder.to_string(),
            token: token(),
            expires_unix_ms: now_ms() + self.lease_ttl.as_millis() as u64,
        };
        let current = self.get_tagged(&key).await?;
        let mode = match &current {
            None => PutMode::Create,
            Some((b, t)) => {
                match serde_json::from_slice::<LeaseDoc>(b) {
                    Ok(d) if d.expires_unix_ms > now_ms() => {
                        return Err(StorageError::Locked {
                            what: format!(
                                "log {what} (held by {:?}; the lease {})",
                                d.holder,
                                show_time(d.expires_unix_ms)
                            ),
                        });
                    }
                    Ok(_) => {}
                    // A lease no one can read holds no one: taking it over
                    // is safe (the checkpoint's swap keeps the log whole),
                    // refusing it would block the log for good.
                    Err(e) => {
                        tracing::warn!("{}: unreadable lease taken over: {e}", self.url_of(&key))
                    }
                }
                PutMode::Update(UpdateVersion {
                    e_tag: Some(t.clone()),
                    version: None,
                })
            }
        };
        match self
            .put(&key, doc.bytes(), mode, CACHE_PRIVATE, "application/json")
            .await?
        {
            Put::Done(Some(t)) => Ok((doc, t)),
            Put::Done(None) => Err(StorageError::Backend {
                path: self.url_of(&key),
                message: "the store returned no ETag; the lease needs one".into(),
            }),
            Put::Refused => {
                let who = match self.get(&key).await? {
                    Some((b, _)) => serde_json::from_slice::<LeaseDoc>(&b)
                        .map(|d| {
                            format!(
                                "held by {:?}; the lease {}",
                                d.holder,
                                show_time(d.expires_unix_ms)
                            )
                        })
                        .unwrap_or_else(|_| "taken".into()),
                    None => "taken, then released".into(),
                };
                Err(StorageError::Locked {
                    what: format!("log {what} (another writer took it first: {who})"),
                })
            }
        }
    }

    /// Renews the lease from `etag`; gives the new ETag, or `None` when
    /// the lease is no longer ours.
    async fn renew(&self, doc: &LeaseDoc, etag: &str) -> Result<Option<String>, StorageError> {
        let key = self.private_key(LEASE);
        let bytes = doc.bytes();
        match self
            .put(
                &key,
                bytes.clone(),
                PutMode::Update(UpdateVersion {
                    e_tag: Some(etag.to_string()),
                    version: None,
                }),
                CACHE_PRIVATE,
                "application/json",
            )
            .await?
        {
            Put::Done(t) => Ok(t),
            Put::Refused => match self.get_tagged(&key).await? {
                // A retried put whose first attempt landed.
                Some((b, t)) if b == bytes => Ok(Some(t)),
                _ => Ok(None),
            },
        }
    }
}

/// What the renewal thread and the lock share.
struct LeaseState {
    /// Why the lease was lost, once it is.
    lost: Option<String>,
    expires_unix_ms: u64,
    stop: bool,
}

/// A held lease, renewed by a thread of its own.
struct S3Lock {
    inner: Arc<Inner>,
    rt: Arc<Rt>,
    state: Arc<(Mutex<LeaseState>, Condvar)>,
    doc: Arc<Mutex<(LeaseDoc, String)>>,
    thread: Option<std::thread::JoinHandle<()>>,
    ttl: Duration,
}

impl S3Lock {
    fn start(inner: Arc<Inner>, rt: Arc<Rt>, doc: LeaseDoc, etag: String, ttl: Duration) -> S3Lock {
        let state = Arc::new((
            Mutex::new(LeaseState {
                lost: None,
                expires_unix_ms: doc.expires_unix_ms,
                stop: false,
            }),
            Condvar::new(),
        ));
        let doc = Arc::new(Mutex::new((doc, etag)));
        let thread = {
            let (inner, rt, state, doc) = (inner.clone(), rt.clone(), state.clone(), doc.clone());
            std::thread::Builder::new()
                .name("tlog-s3-lease".into())
                .spawn(move || renew_loop(inner, rt, state, doc, ttl))
                .expect("spawn the lease renewal thread")
        };
        S3Lock {
            inner,
            rt,
            state,
            doc,
            thread: Some(thread),
            ttl,
        }
    }
}

fn renew_loop(
    inner: Arc<Inner>,
    rt: Arc<Rt>,
    state: Arc<(Mutex<LeaseState>, Condvar)>,
    doc: Arc<Mutex<(LeaseDoc, String)>>,
    ttl: Duration,
) {
    let what = location(&inner.bucket, &inner.prefix);
    let mut wait = ttl / 3;
    loop {
        {
            let (m, cv) = &*state;
            let g = m.lock().expect("lock");
            let (g, _) = cv.wait_timeout_while(g, wait, |s| !s.stop).expect("lock");
            if g.stop || g.lost.is_some() {
                return;
            }
        }
        if inner.abandoned.load(Ordering::SeqCst) {
            return;
        }
        let (mut next, etag) = doc.lock().expect("lock").clone();
        next.expires_unix_ms = now_ms() + ttl.as_millis() as u64;
        let i = inner.clone();
        let n = next.clone();
        let r = rt.run(&what, async move { i.renew(&n, &etag).await });
        let (m, _) = &*state;
        let mut s = m.lock().expect("lock");
        match r {
            Ok(Some(t)) => {
                s.expires_unix_ms = next.expires_unix_ms;
                *doc.lock().expect("lock") = (next, t);
                wait = ttl / 3;
            }
            Ok(None) => {
                s.lost = Some("another writer took the lease over".into());
                tracing::warn!("{what}: the writer's lease was taken over");
                return;
            }
            Err(e) => {
                if now_ms() >= s.expires_unix_ms {
                    s.lost = Some(format!("it expired while renewing it failed: {e}"));
                    tracing::warn!("{what}: the writer's lease expired: renewing failed: {e}");
                    return;
                }
                tracing::warn!("{what}: renewing the writer's lease failed (will retry): {e}");
                // Try again soon, while some of the lease is left.
                wait = ttl / 10;
            }
        }
    }
}

impl WriterLock for S3Lock {
    fn check(&self) -> Result<(), StorageError> {
        let s = self.state.0.lock().expect("lock");
        let what = location(&self.inner.bucket, &self.inner.prefix);
        if let Some(why) = &s.lost {
            return Err(StorageError::LeaseLost {
                what,
                detail: why.clone(),
            });
        }
        // A commit must not start with less than this left: it could still
        // be running when another writer takes the log over. (The swap
        // stops it then anyway; this keeps it from trying.)
        let margin = self.ttl.as_millis() as u64 / 4;
        let left = s.expires_unix_ms.saturating_sub(now_ms());
        if left < margin {
            return Err(StorageError::LeaseLost {
                what,
                detail: format!("only {left} ms of it are left (renewing is failing or late)"),
            });
        }
        Ok(())
    }
}

impl Drop for S3Lock {
    fn drop(&mut self) {
        {
            let (m, cv) = &*self.state;
            m.lock().expect("lock").stop = true;
            cv.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if self.inner.abandoned.load(Ordering::SeqCst)
            || self.state.0.lock().expect("lock").lost.is_some()
        {
            return;
        }
        // Released: an expired lease, so that the next writer need not wait
        // out the time to live. Only if it is still ours (If-Match).
        let (mut doc, etag) = self.doc.lock().expect("lock").clone();
        doc.expires_unix_ms = 0;
        let i = self.inner.clone();
        let what = location(&self.inner.bucket, &self.inner.prefix);
        if let Err(e) = self
            .rt
            .run(&what, async move { i.renew(&doc, &etag).await.map(|_| ()) })
        {
            tracing::warn!(
                "{what}: releasing the writer's lease failed (it expires on its own): {e}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_round_trips_and_refuses_garbage() {
        let objects = vec![
            ("tile/0/000".to_string(), vec![1u8, 2, 3]),
            ("tile/entries/000.p/3".to_string(), b"a\nb\n\n".to_vec()),
        ];
        let cp = b"origin\n3\nroot\n\n\xe2\x80\x94 sig\n".to_vec();
        let enc = encode_staging(&cp, &objects);
        assert_eq!(decode_staging(&enc), Some((cp.clone(), objects.clone())));
        assert_eq!(decode_staging(&enc[..enc.len() - 1]), None);
        assert_eq!(decode_staging(&enc[1..]), None);
        let bad = encode_staging(&cp, &[(".tlog/lease".into(), vec![])]);
        assert_eq!(decode_staging(&bad), None);
    }

    #[test]
    fn note_text_and_size() {
        let cp = b"o\n42\nabc=\n\n\xe2\x80\x94 o sig1\n";
        let cosigned = b"o\n42\nabc=\n\n\xe2\x80\x94 o sig1\n\xe2\x80\x94 w sig2\n";
        assert_eq!(note_text(cp), note_text(cosigned));
        assert_eq!(tree_size(cp), Some(42));
        assert_eq!(tree_size(b"o\nx\n"), None);
    }

    #[test]
    fn paths_are_checked() {
        for bad in [
            "",
            "/x",
            "a//b",
            ".tlog/lease",
            "tile/../x",
            "tile/.p",
            "a\nb",
        ] {
            assert!(check_public(bad).is_err(), "{bad:?}");
        }
        check_public("tile/0/x001/002.p/5").unwrap();
        for bad in ["", "a/b", ".x", "lease", "checkpoint", "staging"] {
            assert!(check_private(bad).is_err(), "{bad:?}");
        }
        check_private("pending").unwrap();
    }
}
