//! Health, readiness, metrics, and the API's own description: the OpenAPI
//! document and a page that shows it (Swagger UI, embedded: no CDN).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::App;
use crate::problem::Problem;

/// Whether the process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Up", body = Object)))]
pub async fn healthz() -> Response {
    axum::Json(json!({"status": "up"})).into_response()
}

/// Whether the server takes statements and serves a current view.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready: the log takes statements, the index is current", body = Object),
        (status = 503, description = "Not ready, and why", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(axum::extract::State(app): App) -> Response {
    if app.live.shutting_down() {
        return Problem::busy("shutting down", 5).into_response();
    }
    if let Some(why) = app.live.stopped() {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "log-stopped",
            "Not ready",
            why,
        )
        .into_response();
    }
    let d = app.live.durable();
    // A database call blocks (PostgreSQL's client runs its own runtime):
    // off the async threads.
    let index = match app.index.clone() {
        Some(i) => Some(
            tokio::task::spawn_blocking(move || i.indexed_size())
                .await
                .unwrap_or_else(|e| Err(e.to_string())),
        ),
        None => None,
    };
    if let Some(Err(why)) = &index {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "index",
            "Not ready",
            why.clone(),
        )
        .into_response();
    }
    axum::Json(json!({
        "status": "ready",
        "log_size": d.size,
        "indexed_size": index.and_then(Result::ok),
        // A replica of a cluster that does not hold the log's lease
        // follows the log and forwards submissions.
        "sequencing": app.forward.is_none(),
    }))
    .into_response()
}

/// Prometheus metrics (OpenMetrics text).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Metrics", body = String, content_type = "application/openmetrics-text")))]
pub async fn metrics(axum::extract::State(app): App) -> Response {
    app.metrics.log_size.set(app.live.durable().size as i64);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.encode(),
    )
        .into_response()
}

/// This document: the whole API as OpenAPI 3.1.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::json(),
    )
        .into_response()
}

/// The API's documentation page (works offline).
#[utoipa::path(get, path = "/docs", tag = "operations",
    responses((status = 200, description = "An HTML page", body = String, content_type = "text/html")))]
pub async fn docs_page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        crate::openapi::DOCS_PAGE,
    )
        .into_response()
}

/// The documentation page's script and style, embedded in the server.
#[utoipa::path(get, path = "/docs/{file}", tag = "operations",
    params(("file" = String, Path, description = "`swagger-ui-bundle.js` or `swagger-ui.css`")),
    responses(
        (status = 200, description = "The file", body = String),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn docs_asset(Path(file): Path<String>) -> Result<Response, Problem> {
    let mut r = crate::openapi::asset(&file)
        .await
        .ok_or_else(|| Problem::not_found(format!("no documentation file {file:?}")))?;
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(r)
}
