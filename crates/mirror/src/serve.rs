//! Serving the mirror's copy: the C2SP tlog-tiles read API (`checkpoint`,
//! `tile/...`) at the root and under `/<origin hash>/` (tlog-mirror's
//! monitoring prefix), `/healthz`, and the agreement when given. The
//! answers are the server's own (`accord_server::routes`): the same cache
//! headers, ETags and problems.
//!
//! Only what the mirror checkpoint covers is served: objects of a batch
//! being copied are not, as they may yet be deleted. Submissions are not
//! taken: they are answered 421 with the operator's address.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use accord::statement::Digest;
use accord_server::problem::Problem;
use accord_server::routes::agreement::{annex_response, canonical_response, toml_response};
use accord_server::routes::log::{
    TileCache, cached, check_covered, parse_tile_path, read_tile, tile_response,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest as _, Sha256};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};

/// The mirror checkpoint being served.
#[derive(Debug)]
pub struct Served {
    pub checkpoint: Bytes,
    pub size: u64,
    etag: String,
}

/// How the copying goes, for `/healthz`.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Health {
    /// When the last pull ended (POSIX seconds).
    pub last_pull: Option<u64>,
    /// Why the last pull failed, if it did (the source unreachable...).
    pub last_error: Option<String>,
    /// Checkpoints refused so far, and where the last one's evidence is.
    pub refused: u64,
    pub last_refusal: Option<String>,
}

/// What the copying side hands to the serving side.
#[derive(Debug, Default)]
pub struct Published {
    served: RwLock<Option<Arc<Served>>>,
    health: Mutex<Health>,
}

impl Published {
    /// Serves `checkpoint` (the mirror checkpoint, every object it covers
    /// durable) from now on.
    pub fn set_checkpoint(&self, checkpoint: Vec<u8>, size: u64) {
        let digest = Sha256::digest(&checkpoint);
        let etag = format!(
            "\"{size}-{}\"",
            digest[..12]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let s = Arc::new(Served {
            checkpoint: Bytes::from(checkpoint),
            size,
            etag,
        });
        *self.served.write().unwrap_or_else(|e| e.into_inner()) = Some(s);
    }

    pub fn served(&self) -> Option<Arc<Served>> {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn update_health(&self, f: impl FnOnce(&mut Health)) {
        f(&mut self.health.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub fn health(&self) -> Health {
        self.health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The agreement a mirror serves beside the log, as the server does.
#[derive(Clone, Debug)]
pub struct AgreementDoc {
    pub hash: Digest,
    pub canonical_json: String,
    pub toml: String,
    /// Annex files by their name in the agreement.
    pub annex: BTreeMap<String, String>,
}

/// Everything the routes read.
pub struct MirrorService {
    /// The mirror's directory.
    pub dir: PathBuf,
    /// The log's origin, and the SHA-256 of it in lower-case hex.
    pub origin: String,
    pub origin_hash: String,
    /// The mirror's cosigner key (its vkey text).
    pub cosigner: String,
    /// Where the mirror copies from.
    pub source: String,
    /// Where submissions go.
    pub operator: Option<String>,
    pub agreement: Option<AgreementDoc>,
    pub published: Arc<Published>,
    tiles: TileCache,
}

impl MirrorService {
    pub fn new(
        dir: PathBuf,
        origin: String,
        cosigner: String,
        source: String,
        operator: Option<String>,
        agreement: Option<AgreementDoc>,
        published: Arc<Published>,
    ) -> MirrorService {
        MirrorService {
            dir,
            origin_hash: origin_hash(&origin),
            origin,
            cosigner,
            source,
            operator,
            agreement,
            published,
            // Full tiles never change: keep up to 256 MiB of them.
            tiles: TileCache::new(256 << 20),
        }
    }
}

/// The tlog-mirror prefix of a log: the SHA-256 of its origin, lower-case hex.
pub fn origin_hash(origin: &str) -> String {
    Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

type Svc = State<Arc<MirrorService>>;

/// The mirror's routes, with the layers every answer passes.
pub fn router(svc: Arc<MirrorService>) -> Router {
    use axum::routing::{get, post};
    // Hash tiles are random bytes, and a checkpoint is short: compress
    // text (entry bundles, JSON) only, as the server does.
    let compress =
        SizeAbove::new(512).and(NotForContentType::const_new("application/octet-stream"));
    Router::new()
        .route("/checkpoint", get(checkpoint))
        .route("/tile/{*path}", get(tile))
        .route("/{origin}/checkpoint", get(prefixed_checkpoint))
        .route("/{origin}/tile/{*path}", get(prefixed_tile))
        .route("/healthz", get(healthz))
        .route("/v1/agreement", get(agreement))
        .route("/v1/agreement.toml", get(agreement_toml))
        .route("/v1/agreement/annex/{*file}", get(annex))
        .route("/v1/statements", post(misdirected))
        .route("/v1/statements/batch", post(misdirected))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(CompressionLayer::new().compress_when(compress))
        .layer(axum::middleware::map_response(common_headers))
        .with_state(svc)
}

/// Serves the mirror on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    svc: Arc<MirrorService>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(svc))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn common_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .or_insert(HeaderValue::from_static("*"));
    r
}

fn served(svc: &MirrorService) -> Result<Arc<Served>, Problem> {
    svc.published.served().ok_or_else(|| {
        Problem::busy(
            format!(
                "this mirror has not copied the log {} yet (its source is {})",
                svc.origin, svc.source
            ),
            5,
        )
    })
}

fn check_prefix(svc: &MirrorService, prefix: &str) -> Result<(), Problem> {
    if prefix != svc.origin_hash {
        return Err(Problem::not_found(format!(
            "this mirror serves the log {} under /{}/ (the SHA-256 of its origin), not /{prefix}/",
            svc.origin, svc.origin_hash
        )));
    }
    Ok(())
}

/// The mirror checkpoint: the log's checkpoint, cosigned by the mirror.
async fn checkpoint(State(svc): Svc, headers: HeaderMap) -> Result<Response, Problem> {
    let s = served(&svc)?;
    Ok(cached(
        &headers,
        &s.etag,
        "no-cache",
        "text/plain; charset=utf-8",
        s.checkpoint.clone(),
    ))
}

async fn prefixed_checkpoint(
    svc: Svc,
    Path(prefix): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    check_prefix(&svc, &prefix)?;
    checkpoint(svc, headers).await
}

/// A hash tile or an entry bundle, by its C2SP path.
async fn tile(
    State(svc): Svc,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (id, full_path) = parse_tile_path(&path)?;
    let s = served(&svc)?;
    check_covered(&id, &full_path, s.size)?;
    let bytes = read_tile(&tlog::DirSource::new(&svc.dir), &svc.tiles, &id, &full_path)?;
    Ok(tile_response(&headers, &id, bytes))
}

async fn prefixed_tile(
    svc: Svc,
    Path((prefix, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    check_prefix(&svc, &prefix)?;
    tile(svc, Path(path), headers).await
}

/// Whether the mirror is up, what it serves, and how its copying goes.
async fn healthz(State(svc): Svc) -> Response {
    let s = svc.published.served();
    let h = svc.published.health();
    axum::Json(serde_json::json!({
        "status": "up",
        "origin": svc.origin,
        "prefix": format!("/{}/", svc.origin_hash),
        "size": s.as_ref().map(|s| s.size),
        "cosigner": svc.cosigner,
        "source": svc.source,
        "last_pull": h.last_pull,
        "last_error": h.last_error,
        "refused": h.refused,
        "last_refusal": h.last_refusal,
    }))
    .into_response()
}

fn agreement_doc(svc: &MirrorService) -> Result<&AgreementDoc, Problem> {
    svc.agreement.as_ref().ok_or_else(|| {
        Problem::not_found(
            "this mirror was not given the agreement: ask the operator, or any party, for it",
        )
    })
}

async fn agreement(State(svc): Svc, headers: HeaderMap) -> Result<Response, Problem> {
    let a = agreement_doc(&svc)?;
    Ok(canonical_response(&headers, &a.hash, &a.canonical_json))
}

async fn agreement_toml(State(svc): Svc, headers: HeaderMap) -> Result<Response, Problem> {
    let a = agreement_doc(&svc)?;
    Ok(toml_response(&headers, &a.hash, &a.toml))
}

async fn annex(
    State(svc): Svc,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let a = agreement_doc(&svc)?;
    annex_response(&headers, &a.hash, &a.annex, &file)
}

/// A mirror takes no statements: they go to the operator, whose log this
/// copies (RFC 9110's 421: this server is not the one to ask).
async fn misdirected(State(svc): Svc) -> Problem {
    let detail = match &svc.operator {
        Some(url) => format!(
            "this is a read-only mirror of the log {}: submit statements to its operator, at {url}",
            svc.origin
        ),
        None => format!(
            "this is a read-only mirror of the log {}: submit statements to its operator",
            svc.origin
        ),
    };
    let p = Problem::new(
        StatusCode::MISDIRECTED_REQUEST,
        "mirror",
        "Misdirected: this is a mirror",
        detail,
    )
    .with("origin", svc.origin.clone());
    match &svc.operator {
        Some(url) => p.with("operator", url.clone()),
        None => p,
    }
}

async fn no_route(method: Method, uri: Uri) -> Problem {
    Problem::not_found(format!(
        "no route {method} {} on this mirror: it serves /checkpoint, /tile/..., the same under /<origin hash>/, /healthz and /v1/agreement",
        uri.path()
    ))
}

async fn wrong_method(method: Method, uri: Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method",
        "Method not allowed",
        format!(
            "{} does not take {method} on this mirror (it is read-only)",
            uri.path()
        ),
    )
}
