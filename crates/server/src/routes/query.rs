//! Queries over the index: observations (filtered, paginated, as JSON,
//! JSON Lines, CSV or GeoJSON) and a statement by its hash.

use axum::extract::{Path, RawQuery};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::App;
use crate::problem::Problem;

/// A page of observations, rendered.
pub struct Found {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// What the routes need of the index (see `crate::index`).
pub trait Queries: Send + Sync {
    /// The log size the index reflects, or why it cannot say.
    fn indexed_size(&self) -> Result<u64, String>;
    /// Observations matching URL query pairs.
    fn observations(&self, pairs: &[(String, String)], page_max: usize) -> Result<Found, Problem>;
    /// A statement by its entry hash or digest (32 bytes), as JSON.
    fn statement(&self, hash: &[u8; 32]) -> Result<Option<serde_json::Value>, Problem>;
}

fn index(app: &crate::app::AppState) -> Result<&dyn Queries, Problem> {
    app.index.as_deref().ok_or_else(|| {
        Problem::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "no-index",
            "No index",
            "this server runs without an index database; queries need one",
        )
    })
}

/// Observations, filtered, in log order, a page at a time.
#[utoipa::path(get, path = "/v1/observations", tag = "query",
    params(
        ("from" = Option<String>, Query, description = "Observed at or after (RFC 3339)"),
        ("to" = Option<String>, Query, description = "Observed before (RFC 3339)"),
        ("zone" = Option<String>, Query, description = "In this zone of the agreement"),
        ("category" = Option<String>, Query, description = "Observation category"),
        ("party" = Option<String>, Query, description = "Held responsible: this party"),
        ("verified" = Option<bool>, Query, description = "Verified (true) or only reported (false)"),
        ("standing" = Option<String>, Query, description = "The observation's standing (see the README of accord-server)"),
        ("reporter" = Option<String>, Query, description = "Reported by this organisation"),
        ("bbox" = Option<String>, Query, description = "west,south,east,north in degrees"),
        ("limit" = Option<u32>, Query, description = "Rows per page (default 100)"),
        ("cursor" = Option<String>, Query, description = "From the previous page's `next`"),
        ("format" = Option<String>, Query, description = "json (default), jsonl, csv or geojson"),
    ),
    responses(
        (status = 200, description = "A page of observations", body = Object),
        (status = 400, description = "A bad parameter (the problem names it)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No index", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn observations(
    axum::extract::State(app): App,
    RawQuery(q): RawQuery,
) -> Result<Response, Problem> {
    let pairs: Vec<(String, String)> = match q {
        Some(q) => serde_urlencoded::from_str(&q).map_err(|e| {
            Problem::bad_request("query", format!("the query string does not parse: {e}"))
        })?,
        None => vec![],
    };
    let a = app.clone();
    let p2 = pairs.clone();
    let found =
        tokio::task::spawn_blocking(move || index(&a)?.observations(&p2, a.limits.page_max))
            .await
            .map_err(|e| Problem::internal(e.to_string()))??;
    let mut r = ([(header::CONTENT_TYPE, found.content_type)], found.body).into_response();
    // The next page, for every format (JSON Lines and CSV have no room for
    // it in the body).
    if let Some(next) = found.next {
        let mut rest: Vec<(String, String)> =
            pairs.into_iter().filter(|(k, _)| k != "cursor").collect();
        rest.push(("cursor".into(), next));
        let q = serde_urlencoded::to_string(&rest).unwrap_or_default();
        if let Ok(v) = format!("</v1/observations?{q}>; rel=\"next\"").parse() {
            r.headers_mut().insert(header::LINK, v);
        }
    }
    Ok(r)
}

/// A statement by its hash: the entry's leaf hash or the statement's
/// digest (64 hex digits, or `sha256:` and 64 hex digits).
#[utoipa::path(get, path = "/v1/statements/{hash}", tag = "query",
    params(("hash" = String, Path, description = "Entry hash or statement digest, hex")),
    responses(
        (status = 200, description = "The statement as indexed, with its index", body = Object),
        (status = 400, description = "Not a hash", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not in the log", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn statement(
    axum::extract::State(app): App,
    Path(hash): Path<String>,
) -> Result<Response, Problem> {
    let h = parse_hash(&hash)?;
    let a = app.clone();
    let found = tokio::task::spawn_blocking(move || index(&a)?.statement(&h))
        .await
        .map_err(|e| Problem::internal(e.to_string()))??;
    match found {
        Some(v) => Ok(axum::Json(v).into_response()),
        None => Err(Problem::not_found(format!(
            "no statement in the log has entry hash or digest {hash}"
        ))),
    }
}

fn parse_hash(s: &str) -> Result<[u8; 32], Problem> {
    let hex = s.strip_prefix("sha256:").unwrap_or(s);
    let bad = || {
        Problem::bad_request(
            "hash",
            format!("{s:?} is not a hash: give 64 hex digits (an entry hash or a statement digest, with or without `sha256:`)"),
        )
        .with("parameter", "hash")
    };
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (k, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}
