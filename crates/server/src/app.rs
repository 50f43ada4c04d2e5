//! The server put together: the log opened (and recovered), the evaluation
//! replayed from it, the admission and committer threads started, and the
//! router served until shutdown.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Arc, RwLock};

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, Preparer, Versions};
use accord::statement::Digest;
use accord_engine::signatures::KeyBook;
use accord_engine::{ReplayOptions, SignatureCheck};
use tlog::client::{TileSource, fetch_tile};
use tlog::sequencer::BatchOptions;
use tlog::tile::{TILE_WIDTH, TileId};
use tlog::{Hash, Log, SignerKey, VerifierKey};
use tlog_s3::{AnySource, Location};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::admission::{self, Admission, Follower, Start};
use crate::config::Limits;
use crate::limits::RateLimits;
use crate::live::{Durable, Live};

/// Everything `accord serve` needs, loaded.
#[derive(Clone)]
pub struct ServerConfig {
    /// The agreement and its amended texts (kept for the server's life).
    pub versions: Versions<'static>,
    /// The agreement as published: its TOML and annex files, by name.
    pub files: AgreementFiles,
    /// Where the log is: a directory or `s3://bucket/prefix`.
    pub log: Location,
    /// The operator's log key: the signer, or for a replica that never
    /// sequences (a reader), only the verifier key.
    pub key: LogKey,
    pub limits: Limits,
    /// The index database's URL (a SQLite path, `sqlite:PATH`, or
    /// `postgres://...`); none, no index (queries answer 503).
    pub database: Option<String>,
    /// The witnesses to ask for cosignatures, and when to acknowledge; none,
    /// checkpoints are published as soon as durable.
    pub witnessing: Option<crate::witnessing::Witnessing>,
}

/// The log's key as a server holds it.
#[derive(Clone)]
pub enum LogKey {
    /// The signer: this server may sequence.
    Signer(SignerKey),
    /// Only the verifier key: a reader, which checks the log and never
    /// writes it, so never holds the secret.
    Verifier(VerifierKey),
}

impl LogKey {
    pub fn verifier(&self) -> VerifierKey {
        match self {
            LogKey::Signer(s) => s.verifier(),
            LogKey::Verifier(v) => v.clone(),
        }
    }
}

impl From<SignerKey> for LogKey {
    fn from(s: SignerKey) -> LogKey {
        LogKey::Signer(s)
    }
}

/// The agreement's text and annex, served as they are.
#[derive(Clone, Default)]
pub struct AgreementFiles {
    pub toml: String,
    /// Annex files by their name in the agreement (e.g. `annex/zones.geojson`).
    pub annex: BTreeMap<String, String>,
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{dir}: {error}")]
    Log { dir: String, error: String },
    #[error("{dir}: the log does not verify: {error}")]
    Verify { dir: String, error: String },
    #[error("{dir}: the log could not be replayed: {error}")]
    Replay { dir: String, error: String },
    #[error("the index database: {0}")]
    Index(String),
}

/// What the request handlers share.
pub struct AppState {
    pub agreement: &'static Agreement,
    pub hash: Digest,
    pub versions: Versions<'static>,
    pub canonical_json: String,
    pub files: AgreementFiles,
    /// Where the log is, and its objects to read.
    pub log: Location,
    pub log_source: AnySource,
    pub verifier: VerifierKey,
    pub preparer: Preparer<'static>,
    pub keys: Arc<RwLock<KeyBook>>,
    pub admission: Admission,
    pub live: Arc<Live>,
    pub limits: Limits,
    pub rates: RateLimits,
    pub replays: Arc<Semaphore>,
    /// Live-stream clients at once.
    pub event_clients: Arc<Semaphore>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// How submissions wait for witnesses, if the server asks any.
    pub witnessing: Option<crate::witnessing::Witnessing>,
    pub index: Option<Arc<dyn crate::routes::query::Queries>>,
    /// Full tiles served, kept in memory (see `routes::log`).
    pub tiles: crate::routes::log::TileCache,
    /// On a replica that does not sequence: where submissions go.
    pub forward: Option<Arc<crate::cluster::Forward>>,
}

/// The most bytes of full tiles kept in memory.
const TILE_CACHE_BYTES: usize = 256 << 20;

/// What a server serves with, besides its configuration.
struct Serving {
    source: AnySource,
    verifier: VerifierKey,
    preparer: Preparer<'static>,
    keys: Arc<RwLock<KeyBook>>,
    admission: Admission,
    live: Arc<Live>,
    metrics: Arc<crate::metrics::Metrics>,
    index: Option<Arc<dyn crate::routes::query::Queries>>,
    forward: Option<Arc<crate::cluster::Forward>>,
}

impl AppState {
    /// The state of a sequencer or a replica.
    fn of(cfg: ServerConfig, s: Serving) -> Arc<AppState> {
        let adopted = cfg.versions.adopted();
        Arc::new(AppState {
            agreement: adopted.agreement,
            hash: adopted.hash,
            canonical_json: accord::agreement::canonical::canonical_json(adopted.agreement),
            versions: cfg.versions,
            files: cfg.files,
            log: cfg.log,
            log_source: s.source,
            verifier: s.verifier,
            preparer: s.preparer,
            keys: s.keys,
            admission: s.admission,
            live: s.live,
            rates: RateLimits::new(&cfg.limits),
            replays: Arc::new(Semaphore::new(cfg.limits.replays.max(1))),
            event_clients: Arc::new(Semaphore::new(cfg.limits.event_clients.max(1))),
            limits: cfg.limits,
            metrics: s.metrics,
            witnessing: cfg.witnessing,
            index: s.index,
            tiles: crate::routes::log::TileCache::new(TILE_CACHE_BYTES),
            forward: s.forward,
        })
    }

    /// The log's tiles, as a source.
    pub fn source(&self) -> AnySource {
        self.log_source.clone()
    }
}

/// Replays a log: the evaluation of every entry, verified.
pub fn replay_log(
    versions: &Versions<'static>,
    source: &AnySource,
    key: &VerifierKey,
) -> Result<Evaluator<'static>, StartError> {
    let d = source.describe();
    let log =
        accord_engine::verify_log(source, key, &[], None).map_err(|e| StartError::Verify {
            dir: d.clone(),
            error: e.to_string(),
        })?;
    let opts = ReplayOptions {
        check: SignatureCheck::Batch,
        progress: None,
    };
    let r = accord_engine::replay_versions(versions, source, &log, &opts).map_err(|e| {
        StartError::Replay {
            dir: d,
            error: e.to_string(),
        }
    })?;
    Ok(r.evaluator)
}

/// Every entry's leaf hash, by index, read from the level-0 tiles.
pub fn leaf_hashes(source: &AnySource, size: u64) -> Result<HashMap<Hash, u64>, String> {
    let mut out = HashMap::with_capacity(size as usize);
    let mut n = 0u64;
    while n * TILE_WIDTH < size {
        let width = (size - n * TILE_WIDTH).min(TILE_WIDTH) as u16;
        let tile = fetch_tile(source, TileId::hashes(0, n, width)).map_err(|e| e.to_string())?;
        for (k, h) in tile.chunks_exact(32).enumerate() {
            let mut b = [0u8; 32];
            b.copy_from_slice(h);
            out.entry(Hash(b)).or_insert(n * TILE_WIDTH + k as u64);
        }
        n += 1;
    }
    Ok(out)
}

/// A server, started: its state, and its threads to wait for.
pub struct Started {
    pub state: Arc<AppState>,
    threads: admission::Threads,
}

/// Opens the log (recovering an interrupted commit), replays it, and
/// starts admission. Blocking: the replay of a large log takes a while.
pub fn start(cfg: ServerConfig) -> Result<Started, StartError> {
    start_as(cfg, "")
}

/// [`start`], naming this server in the log's writer lease as `holder`
/// (the address other replicas forward submissions to).
pub fn start_as(cfg: ServerConfig, holder: &str) -> Result<Started, StartError> {
    let log_err = |e: &dyn std::fmt::Display| StartError::Log {
        dir: cfg.log.to_string(),
        error: e.to_string(),
    };
    let storage = cfg.log.storage().map_err(|e| log_err(&e))?;
    let lock = storage.lock_as(holder).map_err(|e| log_err(&e))?;
    start_with(cfg, storage, lock)
}

/// [`start`] on this storage, whose writer lock is already held.
pub fn start_with(
    cfg: ServerConfig,
    storage: Arc<dyn tlog::Storage>,
    lock: Box<dyn tlog::WriterLock>,
) -> Result<Started, StartError> {
    let d = cfg.log.to_string();
    let log_err = |e: &dyn std::fmt::Display| StartError::Log {
        dir: d.clone(),
        error: e.to_string(),
    };
    let LogKey::Signer(signer) = cfg.key.clone() else {
        return Err(log_err(
            &"this server holds only the log's verifier key (a reader): it cannot sequence",
        ));
    };
    let log = Log::open_locked(storage, signer, lock).map_err(|e| log_err(&e))?;
    let source = cfg.log.source().map_err(|e| log_err(&e))?;
    let verifier = log.verifier().clone();
    let evaluator = replay_log(&cfg.versions, &source, &verifier)?;
    let leaves = leaf_hashes(&source, log.size()).map_err(|e| log_err(&e))?;
    let keys = key_book(&cfg.versions, &evaluator);
    let (follower, index) = match &cfg.database {
        Some(url) => {
            let (f, q) = open_index(url, &cfg.versions, &source, &verifier, &evaluator, None)?;
            (
                Some(Box::new(f) as Box<dyn Follower>),
                Some(Arc::new(q) as Arc<dyn crate::routes::query::Queries>),
            )
        }
        None => (None, None),
    };
    let metrics = Arc::new(crate::metrics::Metrics::new());
    let live = Arc::new(Live::new(
        match &cfg.witnessing {
            None => Durable::of(log.checkpoint()),
            // The checkpoint file keeps the cosignatures gathered before a
            // restart: what it carries counts until the next round.
            Some(w) => {
                let cp = log.checkpoint();
                let got = w.cosigned_on(&cp.note);
                Durable::witnessed(cp, (w.quorum)(&got), w.names(&got))
            }
        },
        cfg.witnessing.is_some(),
    ));
    let preparer = evaluator.preparer();
    let rebuild_versions = cfg.versions.clone();
    let rebuild_source = source.clone();
    let rebuild_key = verifier.clone();
    let rebuild: admission::Rebuild = Box::new(move || {
        replay_log(&rebuild_versions, &rebuild_source, &rebuild_key).map_err(|e| e.to_string())
    });
    let batching = BatchOptions {
        max_batch_delay: std::time::Duration::from_millis(cfg.limits.batch_delay_ms),
        ..BatchOptions::default()
    };
    let (admission, threads) = admission::start(
        log,
        batching,
        Start {
            evaluator,
            leaves,
            rebuild,
            versions: cfg.versions.clone(),
            keys: keys.clone(),
            follower,
        },
        live.clone(),
        cfg.limits.queue,
        cfg.witnessing
            .clone()
            .map(|w| (w, source.clone(), metrics.clone())),
    );
    let state = AppState::of(
        cfg,
        Serving {
            source,
            verifier,
            preparer,
            keys,
            admission,
            live,
            metrics,
            index,
            forward: None,
        },
    );
    Ok(Started { state, threads })
}

/// The keys request threads check signatures with: the agreements' and
/// the accredited monitors'.
fn key_book(versions: &Versions<'static>, evaluator: &Evaluator<'static>) -> Arc<RwLock<KeyBook>> {
    let mut book = KeyBook::new(versions.adopted().agreement);
    for v in versions.iter() {
        book.add_agreement(v.agreement);
    }
    for (_, vkey) in evaluator.state.monitors.values() {
        if let Ok(k) = VerifierKey::parse(vkey) {
            book.add(&k);
        }
    }
    Arc::new(RwLock::new(book))
}

/// Starts a replica that does not sequence (see `replica`): the log
/// replayed from its store, followed every `poll`, submissions forwarded
/// by `forward`. A shared index (PostgreSQL) is only read here: the
/// sequencer writes it; a replica's own SQLite index it keeps itself.
pub fn start_replica(
    cfg: ServerConfig,
    poll: std::time::Duration,
    forward: Arc<crate::cluster::Forward>,
) -> Result<Started, StartError> {
    let d = cfg.log.to_string();
    let log_err = |e: &dyn std::fmt::Display| StartError::Log {
        dir: d.clone(),
        error: e.to_string(),
    };
    let source = cfg.log.source().map_err(|e| log_err(&e))?;
    let verifier = cfg.key.verifier();
    // The checkpoint the replay verifies is the one the follower starts
    // from: read once, parsed from the same bytes.
    let verified = accord_engine::verify_log(&source, &verifier, &[], None).map_err(|e| {
        StartError::Verify {
            dir: d.clone(),
            error: e.to_string(),
        }
    })?;
    let checkpoint = verified.checkpoint().clone();
    let opts = ReplayOptions {
        check: SignatureCheck::Batch,
        progress: None,
    };
    let evaluator = accord_engine::replay_versions(&cfg.versions, &source, &verified, &opts)
        .map_err(|e| StartError::Replay {
            dir: d.clone(),
            error: e.to_string(),
        })?
        .evaluator;
    let keys = key_book(&cfg.versions, &evaluator);
    let shared = cfg
        .database
        .as_deref()
        .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
    let (follower, index) = match &cfg.database {
        Some(url) if shared => {
            let index = Arc::new(
                crate::index::Index::open(url)
                    .map_err(|e| StartError::Index(format!("{url}: {e}")))?,
            );
            (
                None,
                Some(Arc::new(crate::follow::IndexQueries {
                    index: crate::follow::OffRuntime::new(index),
                    failed: Arc::new(std::sync::atomic::AtomicBool::new(false)),
                }) as Arc<dyn crate::routes::query::Queries>),
            )
        }
        Some(url) => {
            let (f, q) = open_index(
                url,
                &cfg.versions,
                &source,
                &verifier,
                &evaluator,
                Some(&verified),
            )?;
            (
                Some(Box::new(f) as Box<dyn Follower>),
                Some(Arc::new(q) as Arc<dyn crate::routes::query::Queries>),
            )
        }
        None => (None, None),
    };
    let live = Arc::new(Live::new(
        match &cfg.witnessing {
            None => Durable::of(&checkpoint),
            Some(w) => {
                let got = w.cosigned_on(&checkpoint.note);
                Durable::witnessed(&checkpoint, (w.quorum)(&got), w.names(&got))
            }
        },
        cfg.witnessing.is_some(),
    ));
    let preparer = evaluator.preparer();
    let (jobs, rx) = tokio::sync::mpsc::channel(cfg.limits.queue);
    let size = checkpoint.checkpoint.size;
    let follower_thread = crate::replica::start(
        crate::replica::FollowStart {
            evaluator,
            checkpoint,
            source: source.clone(),
            verifier: verifier.clone(),
            versions: cfg.versions.clone(),
            keys: keys.clone(),
            follower,
            witnessing: cfg.witnessing.clone(),
            poll,
        },
        live.clone(),
        rx,
    )
    .map_err(|e| log_err(&e))?;
    // The follower ends once the last request holding the state is done;
    // the live state then says the server has finished.
    let finishing = live.clone();
    let admission_thread = std::thread::Builder::new()
        .name("replica-end".into())
        .spawn(move || {
            let _ = follower_thread.join();
            finishing.finish(finishing.durable().size.max(size));
        })
        .map_err(|e| log_err(&e))?;
    let committer = std::thread::spawn(|| {});
    let metrics = Arc::new(crate::metrics::Metrics::new());
    let state = AppState::of(
        cfg,
        Serving {
            source,
            verifier,
            preparer,
            keys,
            admission: Admission { jobs },
            live,
            metrics,
            index,
            forward: Some(forward),
        },
    );
    Ok(Started {
        state,
        threads: admission::Threads {
            admission: admission_thread,
            committer,
        },
    })
}

/// Opens the index and brings it up to the log (after a crash it may be
/// behind; on first use it is empty), then follows the live evaluation.
fn open_index(
    url: &str,
    versions: &Versions<'static>,
    source: &AnySource,
    key: &VerifierKey,
    ev: &Evaluator<'static>,
    verified: Option<&tlog::verify::VerifiedLog>,
) -> Result<(crate::follow::IndexFollower, crate::follow::IndexQueries), StartError> {
    use crate::index::{Collector, Index, catch_up};
    let err = |e: &dyn std::fmt::Display| StartError::Index(format!("{url}: {e}"));
    let index = Arc::new(Index::open(url).map_err(|e| err(&e))?);
    let indexed = index.indexed_size().map_err(|e| err(&e))?;
    if indexed != ev.state.size {
        tracing::info!(
            indexed,
            log = ev.state.size,
            "catching the index up with the log"
        );
        // The log the evaluation is the replay of: a replica's log may have
        // grown since, and the index must stop where the evaluation does.
        let log = match verified {
            Some(v) => v.clone(),
            None => accord_engine::verify_log(source, key, &[], None).map_err(|e| err(&e))?,
        };
        catch_up(&index, versions, source, &log).map_err(|e| err(&e))?;
    }
    let failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    Ok((
        crate::follow::IndexFollower {
            index: index.clone(),
            collector: Collector::new(ev),
            failed: failed.clone(),
        },
        crate::follow::IndexQueries {
            index: crate::follow::OffRuntime::new(index),
            failed,
        },
    ))
}

impl Started {
    /// Serves until `shutdown` resolves; then stops taking requests,
    /// finishes those in flight, lets admission drain, and waits until
    /// everything acknowledged is durable. Returns the log's final size.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<u64> {
        let Started { state, threads } = self;
        let router = crate::routes::router(state.clone());
        // Clients quiet for a while are forgotten by the rate limiters, so
        // that a flood of addresses or key names cannot grow them for ever.
        let tidy = {
            let state = state.clone();
            let mut closing = state.live.subscribe_closing();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
                loop {
                    tokio::select! {
                        _ = every.tick() => state.rates.tidy(),
                        _ = closing.wait_for(|c| *c) => break,
                    }
                }
            })
        };
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        tidy.abort();
        let _ = tidy.await;
        Ok(Started { state, threads }.finish().await)
    }

    /// Once no request is served any more: lets admission drain, and waits
    /// until everything acknowledged is durable. Returns the log's final
    /// size.
    pub async fn finish(self) -> u64 {
        let Started { state, threads } = self;
        // Every handler has returned and dropped its clone of the state;
        // dropping the last one closes the admission queue. It is dropped
        // off the async threads: the index's PostgreSQL client blocks as it
        // closes, which a runtime thread must not (it panics).
        let live = state.live.clone();
        let done = tokio::task::spawn_blocking(move || {
            drop(state);
            let _ = threads.admission.join();
            let _ = threads.committer.join();
        });
        let _ = done.await;
        live.finished().await.unwrap_or(0)
    }
}
