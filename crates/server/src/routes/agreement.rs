//! The agreement as adopted: its canonical JSON (what its hash is of), its
//! TOML text, and its annex files; and every text the server judges by (the
//! adopted one and the amended ones it was given), so that a replay
//! elsewhere (the dashboard's, in the browser) can judge by them too.

use std::collections::BTreeMap;

use accord::statement::Digest;
use axum::extract::Path;
use axum::http::{HeaderMap, header};
use axum::response::Response;

use super::App;
use super::log::cached;
use crate::problem::Problem;

/// The agreement's canonical JSON (RFC 8785), whose SHA-256 is its hash.
#[utoipa::path(get, path = "/v1/agreement", tag = "agreement",
    responses((status = 200, description = "Canonical JSON; the `X-Accord-Agreement` header is its hash", body = Object)))]
pub async fn canonical(axum::extract::State(app): App, headers: HeaderMap) -> Response {
    canonical_response(&headers, &app.hash, &app.canonical_json)
}

/// The answer of `/v1/agreement` (also served by mirrors).
pub fn canonical_response(headers: &HeaderMap, hash: &Digest, canonical_json: &str) -> Response {
    let mut r = cached(
        headers,
        &format!("\"{}\"", hash.hex()),
        "public, max-age=300",
        "application/json",
        canonical_json.to_string().into_bytes(),
    );
    if let Ok(v) = hash.to_string().parse() {
        r.headers_mut().insert("x-accord-agreement", v);
    }
    r
}

/// Every text of the agreement the server judges the log by: the adopted
/// one first, then the amended texts it was given (`amended` in its
/// configuration, `--amended`), each with its hash and its canonical JSON.
/// An amendment statement in the log adopts one by its hash; a replay
/// without that text cannot judge by it.
#[utoipa::path(get, path = "/v1/agreement/versions", tag = "agreement",
    responses((status = 200, description = "`{\"versions\": [{\"hash\", \"version\", \"canonical\"}]}`: the adopted text first, then the amended ones; `canonical` is the text's canonical JSON (a string), whose SHA-256 is `hash`", body = Object)))]
pub async fn versions(axum::extract::State(app): App, headers: HeaderMap) -> Response {
    let list: Vec<serde_json::Value> = app
        .versions
        .iter()
        .map(|v| {
            serde_json::json!({
                "hash": v.hash.to_string(),
                "version": v.agreement.version.get_ref(),
                "canonical": accord::agreement::canonical::canonical_json(v.agreement),
            })
        })
        .collect();
    let body = serde_json::json!({ "versions": list }).to_string();
    cached(
        &headers,
        &format!("\"versions-{}-{}\"", app.hash.hex(), list.len()),
        "public, max-age=300",
        "application/json",
        body.into_bytes(),
    )
}

/// The agreement's TOML text, as its parties wrote it.
#[utoipa::path(get, path = "/v1/agreement.toml", tag = "agreement",
    responses((status = 200, description = "The agreement's text", body = String, content_type = "application/toml")))]
pub async fn toml(axum::extract::State(app): App, headers: HeaderMap) -> Response {
    toml_response(&headers, &app.hash, &app.files.toml)
}

/// The answer of `/v1/agreement.toml` (also served by mirrors).
pub fn toml_response(headers: &HeaderMap, hash: &Digest, toml: &str) -> Response {
    cached(
        headers,
        &format!("\"toml-{}\"", hash.hex()),
        "public, max-age=300",
        "application/toml; charset=utf-8",
        toml.to_string().into_bytes(),
    )
}

/// An annex file of the agreement (its zones, as GeoJSON), by the name the
/// agreement gives it.
#[utoipa::path(get, path = "/v1/agreement/annex/{file}", tag = "agreement",
    params(("file" = String, Path, description = "The file's name as the agreement gives it, e.g. `annex/zones.geojson`")),
    responses(
        (status = 200, description = "The file", body = Object, content_type = "application/geo+json"),
        (status = 404, description = "The agreement has no such file", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn annex(
    axum::extract::State(app): App,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    annex_response(&headers, &app.hash, &app.files.annex, &file)
}

/// The answer of `/v1/agreement/annex/{file}` (also served by mirrors).
pub fn annex_response(
    headers: &HeaderMap,
    hash: &Digest,
    annex: &BTreeMap<String, String>,
    file: &str,
) -> Result<Response, Problem> {
    // Looked up by name among the files the agreement has: a name is never
    // joined to a path on disk.
    let text = annex.get(file).ok_or_else(|| {
        let names: Vec<&str> = annex.keys().map(String::as_str).collect();
        Problem::not_found(format!(
            "the agreement has no annex file {file:?}; it has: {}",
            names.join(", ")
        ))
    })?;
    let ct = if file.ends_with("json") {
        "application/geo+json"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut r = cached(
        headers,
        &format!("\"{}-{}\"", hash.hex(), file.len()),
        "public, max-age=300",
        ct,
        text.clone().into_bytes(),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        "inline".parse().expect("a header value"),
    );
    Ok(r)
}
