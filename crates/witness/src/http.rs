//! The witness over HTTP: `POST <submission prefix>/add-checkpoint` and
//! `GET <monitoring prefix>/<origin hash>/checkpoint`.
//!
//! Slow clients are cut off twice: one that does not send its request's
//! headers within `header_timeout` is disconnected (hyper's header read
//! timeout; `axum::serve` sets no timer, so the connections are served here),
//! and a request whose body and answer take longer than `request_timeout`
//! gets a 408 (tower-http). A request cut off while its commit runs is
//! answered 408 even if the checkpoint became the one held: the client asks
//! again and gets a 409 with that size, as after a crash (see `state`).
//! Bodies are limited to `tlog_core::witness::MAX_REQUEST_SIZE` (413).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tlog_core::witness::MAX_REQUEST_SIZE;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::HttpConfig;
use crate::witness::{Answer, Witness};

/// How long in-flight requests are given to finish at shutdown.
const DRAIN: Duration = Duration::from_secs(30);

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

async fn add_checkpoint(State(w): State<Arc<Witness>>, body: Bytes) -> Response {
    let answer = match tokio::task::spawn_blocking(move || w.add_checkpoint(&body)).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "add-checkpoint failed");
            return text(StatusCode::INTERNAL_SERVER_ERROR, "the witness failed\n");
        }
    };
    answer.into_response()
}

async fn checkpoint(State(w): State<Arc<Witness>>, Path(origin_hash): Path<String>) -> Response {
    if origin_hash.len() != 64
        || !origin_hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return text(
            StatusCode::NOT_FOUND,
            "the origin hash is the lower-case hex SHA-256 of the log's origin\n",
        );
    }
    match w.checkpoint_by_origin_hash(&origin_hash) {
        Some(note) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                // The latest is replaced at every cosignature.
                (header::CACHE_CONTROL, "no-store"),
            ],
            note,
        )
            .into_response(),
        None => text(
            StatusCode::NOT_FOUND,
            "this witness has cosigned no checkpoint of that log\n",
        ),
    }
}

/// The witness's routes with their limits.
pub fn router(witness: Arc<Witness>, cfg: &HttpConfig) -> Router {
    Router::new()
        .route(
            &format!("{}/add-checkpoint", cfg.submission_prefix),
            post(add_checkpoint),
        )
        .route(
            &format!("{}/{{origin_hash}}/checkpoint", cfg.monitoring_prefix),
            get(checkpoint),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_SIZE))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_SIZE))
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            cfg.request_timeout,
        ))
        .with_state(witness)
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops
/// accepting, and lets the requests in flight finish (for at most 30 s).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(e) => {
                        // Out of file descriptors, say: wait, do not spin.
                        tracing::warn!(error = %e, "accepting a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(router.clone()));
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => {
            tracing::warn!("requests still in flight after {DRAIN:?}; stopping anyway");
        }
    }
    Ok(())
}

/// A witness serving on `listener` in a task of the current runtime,
/// stopped by the returned sender (tests, embedding).
pub fn spawn(
    witness: Arc<Witness>,
    cfg: &HttpConfig,
    listener: TcpListener,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = router(witness, cfg);
    let handle = tokio::spawn(serve(listener, app, cfg.header_timeout, async move {
        let _ = rx.await;
    }));
    (tx, handle)
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).expect("a valid status");
        (
            status,
            [(header::CONTENT_TYPE, self.content_type())],
            self.body(),
        )
            .into_response()
    }
}
