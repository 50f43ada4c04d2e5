//! The log as C2SP tlog-tiles serves it (`/checkpoint`, `/tile/...`), and
//! entries and their proofs by index.
//!
//! Only what the durable checkpoint covers is served: a tile written for a
//! batch that is not committed yet may still be deleted (see `tlog::log`),
//! and a full tile, once served, is cached forever. So full tiles are
//! immutable to caches; partial tiles (which are deleted once their full
//! tile exists) and the checkpoint are short-lived.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tlog::client::TileReader;
use tlog::tile::{TILE_WIDTH, TileId, TileKind};

use super::App;
use crate::app::AppState;
use crate::live::Durable;
use crate::problem::Problem;
use crate::routes::submit::{Logged, prove_entry};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const SHORT: &str = "public, max-age=2, must-revalidate";

/// The latest checkpoint (a signed note).
#[utoipa::path(get, path = "/checkpoint", tag = "log",
    responses((status = 200, description = "The latest checkpoint: origin, size, root, signatures", body = String, content_type = "text/plain; charset=utf-8")))]
pub async fn checkpoint(axum::extract::State(app): App, headers: HeaderMap) -> Response {
    let d = app.live.served();
    // Cosignatures are added to a checkpoint of the same size and root:
    // the tag changes with them.
    let etag = format!("\"{}-{}-{}\"", d.size, d.root, d.cosigners.len());
    cached(
        &headers,
        &etag,
        "no-cache",
        "text/plain; charset=utf-8",
        d.checkpoint.as_ref().clone(),
    )
}

/// How far a tile reaches: the log size at which it is complete at its
/// width.
pub fn tile_end(id: &TileId) -> u64 {
    let span = TILE_WIDTH.saturating_pow(u32::from(id.level()));
    (id.index
        .saturating_mul(TILE_WIDTH)
        .saturating_add(u64::from(id.width)))
    .saturating_mul(span)
}

/// A hash tile or an entry bundle, by its C2SP path.
#[utoipa::path(get, path = "/tile/{path}", tag = "log",
    params(("path" = String, Path, description = "The tile's path after `tile/`, per C2SP tlog-tiles: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, where `<N>` is split in 3-digit parts (`x001/x234/067`)")),
    responses(
        (status = 200, description = "The tile: full tiles are immutable; partial tiles short-lived", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Not a tile path", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Beyond the checkpoint, or a partial tile whose full tile exists", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn tile(
    axum::extract::State(app): App,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (id, full_path) = parse_tile_path(&path)?;
    let d = app.live.durable();
    check_covered(&id, &full_path, d.size)?;
    let bytes = match app.tiles.get(&id) {
        Some(b) => b,
        // The store may be remote (S3): read off the async threads.
        None => {
            let app = app.clone();
            tokio::task::spawn_blocking(move || {
                read_tile(&app.log_source, &app.tiles, &id, &full_path)
            })
            .await
            .map_err(|e| Problem::internal(format!("reading a tile: {e}")))??
        }
    };
    Ok(tile_response(&headers, &id, bytes))
}

/// The tile named by a path after `tile/`, and its whole path.
pub fn parse_tile_path(path: &str) -> Result<(TileId, String), Problem> {
    let full_path = format!("tile/{path}");
    let id = TileId::parse_path(&full_path).map_err(|_| {
        Problem::bad_request(
            "tile-path",
            format!(
                "{full_path:?} is not a tile path: C2SP tlog-tiles paths are tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>], with <N> in 3-digit parts (x001/x234/067)"
            ),
        )
    })?;
    Ok((id, full_path))
}

/// Only tiles a checkpoint of `size` covers are served: one beyond may be
/// part of a batch not committed yet, which may still be deleted.
pub fn check_covered(id: &TileId, full_path: &str, size: u64) -> Result<(), Problem> {
    if tile_end(id) > size {
        return Err(Problem::not_found(format!(
            "{full_path} is beyond the log's checkpoint (size {size})"
        )));
    }
    Ok(())
}

/// A tile's answer: full tiles immutable, partial ones short-lived, with
/// the ETag of its path (its bytes never change under it).
pub fn tile_response(headers: &HeaderMap, id: &TileId, bytes: Bytes) -> Response {
    let cache = if id.is_full() { IMMUTABLE } else { SHORT };
    let etag = format!("\"{}\"", id.path());
    let content_type = match id.kind {
        TileKind::Entries => "application/octet-stream; entries",
        TileKind::Hashes { .. } => "application/octet-stream",
    };
    let mut r = cached(headers, &etag, cache, content_type, bytes);
    if matches!(id.kind, TileKind::Entries) {
        // Entry bundles are text and compress well; hash tiles do not.
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.c2sp.tlog-entries"),
        );
    }
    r
}

/// Reads a tile from a log directory, through `cache`: a full one
/// (immutable) is kept there.
pub fn read_tile(
    source: &impl tlog::client::TileSource,
    cache: &TileCache,
    id: &TileId,
    full_path: &str,
) -> Result<Bytes, Problem> {
    if let Some(b) = cache.get(id) {
        return Ok(b);
    }
    // The path is canonical (parsed and printed again), so it names an
    // object under tile/ and nothing else.
    let bytes = match source.fetch(&id.path()) {
        Ok(Some(b)) => Bytes::from(b),
        Ok(None) => {
            return Err(Problem::not_found(format!(
                "{full_path}: no such tile (a partial tile is removed once its full tile exists)"
            )));
        }
        Err(e) => return Err(Problem::internal(format!("{full_path}: {e}"))),
    };
    if id.is_full() {
        cache.put(*id, bytes.clone());
    }
    Ok(bytes)
}

/// Full tiles, which never change once served, kept in memory up to a
/// number of bytes (then read from the directory each time): a read is
/// then one lookup and no system call, and the body is shared, not copied.
pub struct TileCache {
    map: std::sync::RwLock<std::collections::HashMap<TileId, Bytes>>,
    bytes: std::sync::atomic::AtomicUsize,
    cap: usize,
}

impl TileCache {
    pub fn new(cap: usize) -> TileCache {
        TileCache {
            map: Default::default(),
            bytes: Default::default(),
            cap,
        }
    }

    pub fn get(&self, id: &TileId) -> Option<Bytes> {
        self.map
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    pub fn put(&self, id: TileId, b: Bytes) {
        use std::sync::atomic::Ordering;
        if self.bytes.load(Ordering::Relaxed) + b.len() > self.cap {
            return;
        }
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        let n = b.len();
        if map.insert(id, b).is_none() {
            self.bytes.fetch_add(n, Ordering::Relaxed);
        }
    }
}

/// A response with an ETag, answered 304 when the client has it.
pub fn cached(
    headers: &HeaderMap,
    etag: &str,
    cache_control: &'static str,
    content_type: &'static str,
    body: impl IntoResponse,
) -> Response {
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    let common = [
        (header::ETAG, etag_value),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

fn durable_index(app: &AppState, index: &str) -> Result<(u64, Durable), Problem> {
    let i: u64 = index
        .strip_suffix(".proof")
        .unwrap_or(index)
        .parse()
        .map_err(|_| {
            Problem::bad_request(
                "index",
                format!("{index:?} is not a log index (a whole number from 0)"),
            )
            .with("parameter", "index")
        })?;
    let d = app.live.durable();
    if i >= d.size {
        return Err(Problem::not_found(format!(
            "entry {i} is not in the log: its checkpoint has {} entries",
            d.size
        )));
    }
    Ok((i, d))
}

fn read_entry(app: &AppState, d: &Durable, i: u64) -> Result<Vec<u8>, Problem> {
    let mut reader = TileReader::new(app.source());
    let e = reader
        .entry(d.size, i)
        .map_err(|e| Problem::internal(format!("entry {i} could not be read: {e}")))?;
    // Checked against the checkpoint before it is served, like a proof.
    let hashes = reader
        .inclusion_proof(d.size, i)
        .map_err(|e| Problem::internal(format!("entry {i}: {e}")))?;
    tlog::merkle::verify_inclusion(i, d.size, &tlog::hash::leaf_hash(&e), &hashes, &d.root)
        .map_err(|e| Problem::internal(format!("entry {i} does not match the log's tree: {e}")))?;
    Ok(e)
}

/// The entry at an index: the signed statement as logged.
#[utoipa::path(get, path = "/v1/entries/{index}", tag = "log",
    params(("index" = u64, Path, description = "The log index")),
    responses(
        (status = 200, description = "The entry (a signed note)", body = String, content_type = "text/plain; charset=utf-8"),
        (status = 400, description = "Not an index", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Beyond the checkpoint", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn entry(
    axum::extract::State(app): App,
    Path(index): Path<String>,
) -> Result<Response, Problem> {
    let (i, d) = durable_index(&app, &index)?;
    let e = read_entry(&app, &d, i)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        e,
    )
        .into_response())
}

/// An entry's inclusion proof in the latest checkpoint.
#[utoipa::path(get, path = "/v1/proof/{index}", tag = "log",
    params(("index" = u64, Path, description = "The log index"),
        ("format" = Option<String>, Query, description = "`json` (default) or `text` (C2SP tlog-proof alone)")),
    responses(
        (status = 200, description = "The entry proved against the latest checkpoint", body = Logged),
        (status = 400, description = "Not an index", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Beyond the checkpoint", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn proof(
    axum::extract::State(app): App,
    Path(index): Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::BTreeMap<String, String>>,
) -> Result<Response, Problem> {
    let (i, durable) = durable_index(&app, &index)?;
    // Against the checkpoint served at /checkpoint, with its witnesses'
    // cosignatures, when it covers the entry: a reader holding the
    // agreement's witness policy can then check the proof alone. (With
    // `ack = "durable"` the served checkpoint may trail: then the durable
    // one, unwitnessed so far, is all there is.)
    let served = app.live.served();
    let d = if i < served.size { served } else { durable };
    let e = read_entry(&app, &d, i)?;
    let digest = accord::statement::Digest::of(
        tlog::Note::parse(&e)
            .map(|n| n.text().as_bytes().to_vec())
            .unwrap_or_default()
            .as_slice(),
    );
    let logged = prove_entry(&app, &d, i, &e, digest, false)?;
    // `N.proof`, as the reports link to it, is the proof as text.
    let default = if index.ends_with(".proof") {
        "text"
    } else {
        "json"
    };
    match q.get("format").map_or(default, String::as_str) {
        "json" => Ok(axum::Json(logged).into_response()),
        "text" => Ok((
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            logged.proof,
        )
            .into_response()),
        other => Err(
            Problem::bad_request("format", format!("format {other:?}: use json or text"))
                .with("parameter", "format"),
        ),
    }
}
