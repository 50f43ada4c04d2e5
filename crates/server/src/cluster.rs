//! Several `accord serve` processes over one log (`[cluster]`).
//!
//! At most one holds the log's writer lease and sequences: it runs the
//! server as a single one does ([`crate::app::start_with`]). The others are
//! replicas ([`crate::replica`]): they follow the log, answer reads, and
//! forward submissions to the lease's holder, whose address the lease
//! records. A sequencer or standby replica takes the lease when it is free
//! (its holder let it go, or died and it expired) and becomes the
//! sequencer: it opens the log (recovering what the dead holder left half
//! done), replays it, and swaps its routes for the sequencer's.
//!
//! What is promised:
//!
//! - **No fork.** Whatever the lease says, the log moves only by a
//!   compare-and-swap on its checkpoint (see `tlog::storage`): of two
//!   processes that both believe they sequence, one commit wins each size;
//!   the other's commit fails, and that process stops (it exits; restarted,
//!   it rejoins as a replica).
//! - **No acknowledged statement lost.** A submission is answered only by
//!   the sequencer, once a checkpoint covering it is published; a new
//!   sequencer starts from the published log. A submission whose answer
//!   was lost with its sequencer may or may not be in the log: sent again,
//!   it is answered with its index if it is (the same bytes are never
//!   logged twice).
//! - The lease is liveness only: its expiry assumes clocks that roughly
//!   agree; if they do not, two may try to sequence, and the
//!   compare-and-swap decides.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tlog::Storage;
use tlog::storage::StorageError;
use tower::ServiceExt;

use crate::app::{ServerConfig, StartError, Started};
use crate::config::{ClusterConfig, Role};
use crate::problem::Problem;
use crate::routes::App;

/// Where a replica forwards submissions: the lease's holder, looked up at
/// most once per `poll`.
pub struct Forward {
    storage: Arc<dyn Storage>,
    me: String,
    poll: Duration,
    agent: ureq::Agent,
    holder: Mutex<Option<(Instant, Option<String>)>>,
}

impl Forward {
    pub fn new(storage: Arc<dyn Storage>, me: &str, poll: Duration, timeout: Duration) -> Forward {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Forward {
            storage,
            me: me.trim_end_matches('/').to_string(),
            poll,
            agent,
            holder: Mutex::new(None),
        }
    }

    /// The sequencer's address, if one holds the lease (blocking).
    fn holder(&self, fresh: bool) -> Option<String> {
        let mut h = self.holder.lock().unwrap_or_else(|e| e.into_inner());
        if !fresh
            && let Some((at, who)) = h.as_ref()
            && at.elapsed() < self.poll
        {
            return who.clone();
        }
        let who = match self.storage.lease() {
            Ok(l) => l
                .map(|l| l.holder.trim_end_matches('/').to_string())
                .filter(|w| !w.is_empty() && *w != self.me),
            Err(e) => {
                tracing::warn!("reading the log's lease: {e}");
                None
            }
        };
        *h = Some((Instant::now(), who.clone()));
        who
    }

    /// Sends a submission to the sequencer and hands back its answer.
    fn send(&self, path: &str, content_type: Option<&str>, body: &[u8]) -> Response {
        let mut last = String::from("no replica holds the log's lease");
        // A sequencer that just died is still named until its lease runs
        // out: look again once before answering 503.
        for fresh in [false, true] {
            let Some(to) = self.holder(fresh) else {
                continue;
            };
            let mut req = self.agent.post(format!("{to}{path}"));
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            match req.send(body) {
                Ok(mut r) => {
                    let status = r.status();
                    let ct = r.headers().get("content-type").cloned();
                    let retry = r.headers().get("retry-after").cloned();
                    let bytes = match r.body_mut().with_config().limit(64 << 20).read_to_vec() {
                        Ok(b) => b,
                        Err(e) => {
                            last = format!("the sequencer at {to} answered, but not whole: {e}");
                            continue;
                        }
                    };
                    let mut out = Response::new(Body::from(bytes));
                    *out.status_mut() =
                        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
                    if let Some(v) = ct.and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok()) {
                        out.headers_mut().insert(header::CONTENT_TYPE, v);
                    }
                    if let Some(v) = retry.and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok())
                    {
                        out.headers_mut().insert(header::RETRY_AFTER, v);
                    }
                    if let Ok(v) = HeaderValue::from_str(&to) {
                        out.headers_mut().insert("x-accord-sequenced-by", v);
                    }
                    return out;
                }
                Err(e) => last = format!("the sequencer at {to} did not answer: {e}"),
            }
        }
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no-sequencer",
            "No sequencer to take the statement",
            format!(
                "{last}; a standby takes over when the lease runs out: send the statement again (if it was logged, the answer names its index)"
            ),
        )
        .retry_after(1)
        .into_response()
    }
}

/// Submissions on a replica go to the sequencer (after this replica's own
/// limits); everything else is answered here.
pub async fn forward_submissions(State(app): App, req: Request, next: Next) -> Response {
    let Some(fw) = app.forward.clone() else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    if req.method() != Method::POST || !matches!(path, "/v1/statements" | "/v1/statements/batch") {
        return next.run(req).await;
    }
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.to_string());
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = match crate::routes::submit::read_body(req.into_body(), app.limits.body_bytes).await
    {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    tokio::task::spawn_blocking(move || fw.send(&path, ct.as_deref(), &body))
        .await
        .unwrap_or_else(|e| Problem::internal(format!("forwarding: {e}")).into_response())
}

/// Which server is running now.
enum Mode {
    Replica(Started),
    Sequencer(Started),
}

impl Mode {
    fn started(&self) -> &Started {
        match self {
            Mode::Replica(s) | Mode::Sequencer(s) => s,
        }
    }
}

/// Serves as one replica of a cluster until `shutdown`, or until this
/// process, sequencing, loses the log (an error: restart it). Returns what
/// it was at the end, in words.
pub async fn serve(
    cfg: ServerConfig,
    cluster: ClusterConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    mut closing: tokio::sync::watch::Receiver<bool>,
) -> Result<String, StartError> {
    let log_err = |e: &dyn std::fmt::Display| StartError::Log {
        dir: cfg.log.to_string(),
        error: e.to_string(),
    };
    let options = tlog_s3::S3Options {
        lease_ttl_ms: Some(cluster.lease_ttl_ms),
        ..tlog_s3::S3Options::from_env()
    };
    let storage = cfg.log.storage_with(options).map_err(|e| log_err(&e))?;
    let poll = Duration::from_millis(cluster.poll_ms.max(10));
    let me = cluster.advertise.clone();
    let forward = Arc::new(Forward::new(
        storage.clone(),
        &me,
        poll,
        cfg.limits.request_timeout(),
    ));
    // The first mode: the sequencer takes a free lease at once.
    let first = {
        let (cfg, storage, forward, me) =
            (cfg.clone(), storage.clone(), forward.clone(), me.clone());
        let role = cluster.role;
        tokio::task::spawn_blocking(move || -> Result<Mode, StartError> {
            if role == Role::Sequencer {
                match storage.lock_as(&me) {
                    Ok(lock) => {
                        return crate::app::start_with(cfg, storage, lock).map(Mode::Sequencer);
                    }
                    Err(StorageError::Locked { .. }) => {}
                    Err(e) => {
                        return Err(StartError::Log {
                            dir: cfg.log.to_string(),
                            error: e.to_string(),
                        });
                    }
                }
            }
            crate::app::start_replica(cfg, poll, forward).map(Mode::Replica)
        })
        .await
        .map_err(|e| log_err(&e))??
    };
    tracing::info!(
        sequencing = matches!(first, Mode::Sequencer(_)),
        "replica started"
    );
    let router = Arc::new(RwLock::new(crate::routes::router(
        first.started().state.clone(),
    )));
    let mode = Arc::new(Mutex::new(Some(first)));
    let started_at = Instant::now();

    // Every connection is answered by the routes of the mode at the time
    // of each request.
    let service = {
        let router = router.clone();
        axum::routing::any(
            move |ConnectInfo(addr): ConnectInfo<SocketAddr>, mut req: Request| {
                let r: Router = router.read().unwrap_or_else(|e| e.into_inner()).clone();
                req.extensions_mut().insert(ConnectInfo(addr));
                async move { r.oneshot(req).await.unwrap_or_else(|e| match e {}) }
            },
        )
    };
    let app = Router::new().fallback_service(service);
    // Stops serving on the operator's signal, or when this process must
    // stop (it lost the log to another sequencer).
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = shutdown => {}
                _ = stop_rx.wait_for(|s| *s) => {}
            }
        })
        .await
    });

    // The supervisor: take the lease when it is free; stop when the log is
    // lost to another sequencer.
    let outcome: Result<String, StartError> = loop {
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = closing.wait_for(|c| *c) => break Ok("shut down".into()),
        }
        // Sequencing: whether it has stopped (and why).
        let sequencing = match mode.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            Some(Mode::Sequencer(s)) => Some(s.state.live.stopped()),
            _ => None,
        };
        if let Some(stopped) = sequencing {
            if let Some(why) = stopped {
                break Err(StartError::Log {
                    dir: cfg.log.to_string(),
                    error: format!(
                        "this replica stopped sequencing: {why}; restart it to rejoin as a replica"
                    ),
                });
            }
            continue;
        }
        if cluster.role == Role::Reader
            || (cluster.role == Role::Standby
                && started_at.elapsed() < Duration::from_millis(cluster.lease_ttl_ms))
        {
            continue;
        }
        let (cfg2, storage2, me2) = (cfg.clone(), storage.clone(), me.clone());
        let taken = tokio::task::spawn_blocking(move || -> Result<Option<Started>, StartError> {
            match storage2.lease() {
                Ok(Some(_)) => return Ok(None),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!("reading the log's lease: {e}");
                    return Ok(None);
                }
            }
            match storage2.lock_as(&me2) {
                Ok(lock) => {
                    tracing::warn!("the log's lease was free: this replica takes over sequencing");
                    crate::app::start_with(cfg2, storage2, lock).map(Some)
                }
                Err(StorageError::Locked { .. }) => Ok(None),
                Err(e) => {
                    tracing::warn!("taking the log's lease: {e}");
                    Ok(None)
                }
            }
        })
        .await
        .map_err(|e| log_err(&e))?;
        match taken {
            Ok(Some(seq)) => {
                *router.write().unwrap_or_else(|e| e.into_inner()) =
                    crate::routes::router(seq.state.clone());
                let old = mode
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .replace(Mode::Sequencer(seq));
                // The replica's state goes once its last request is done.
                if let Some(old) = old {
                    tokio::task::spawn_blocking(move || drop(old));
                }
                tracing::info!("sequencing now");
            }
            Ok(None) => {}
            Err(e) => {
                // Taking over failed after the lease was taken (the log
                // could not be opened or replayed): let it go and say so.
                tracing::error!("taking over the log failed: {e}");
            }
        }
    };
    // Stop taking requests, then let the running mode finish what it has.
    let _ = stop_tx.send(true);
    let _ = server.await;
    let last = mode.lock().unwrap_or_else(|e| e.into_inner()).take();
    *router.write().unwrap_or_else(|e| e.into_inner()) = Router::new();
    if let Some(m) = last {
        let (what, started) = match m {
            Mode::Replica(s) => ("a replica", s),
            Mode::Sequencer(s) => ("the sequencer", s),
        };
        let live = started.state.live.clone();
        live.begin_shutdown();
        let size = started.finish().await;
        return outcome.map(|o| format!("{o}; was {what}, the log at {size} entries"));
    }
    outcome
}
