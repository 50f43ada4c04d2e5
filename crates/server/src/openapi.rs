//! The API described: an OpenAPI 3.1 document generated from the handlers'
//! annotations (`utoipa`), and the page that shows it, with Swagger UI's
//! script and style embedded in the binary (`swagger-ui-dist`), so that the
//! documentation works with no network.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use tower::ServiceExt;
use utoipa::OpenApi;

use crate::routes::{agreement, dashboard, events, log, ops, query, status, submit};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "accord",
        description = "A ceasefire agreement's public log: submit signed statements, read the log (C2SP tlog-tiles) and its proofs, query observations, and read the evaluation (status, daily reports) that anyone can re-run on the log.",
        license(name = "Apache-2.0")
    ),
    paths(
        submit::submit_one,
        submit::submit_batch,
        log::checkpoint,
        log::tile,
        log::entry,
        log::proof,
        query::statement,
        query::observations,
        agreement::canonical,
        agreement::toml,
        agreement::versions,
        agreement::annex,
        status::status,
        status::report,
        events::events,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::openapi_json,
        ops::docs_page,
        ops::docs_asset,
        dashboard::root,
        dashboard::bare,
        dashboard::page,
        dashboard::file,
    ),
    components(schemas(
        crate::problem::Problem,
        submit::Logged,
        submit::Batch,
        submit::BatchLogged,
        crate::live::EntryEvent,
        crate::live::Change,
    )),
    tags(
        (name = "submit", description = "Signed statements into the log"),
        (name = "log", description = "The log itself: C2SP tlog-tiles, entries, proofs"),
        (name = "query", description = "Observations and statements, from the index"),
        (name = "agreement", description = "The agreement as adopted"),
        (name = "evaluation", description = "The evaluator's status and the daily report"),
        (name = "live", description = "Server-sent events"),
        (name = "operations", description = "Health, metrics, this document"),
        (name = "dashboard", description = "The dashboard page, which verifies what it shows in the browser"),
    )
)]
pub struct ApiDoc;

/// The document as JSON (made once).
pub fn json() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default())
        .clone()
}

/// The documentation page; its script and style are served from `/docs/`.
pub const DOCS_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>accord API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.onload = () => {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });
};
</script>
</body>
</html>
"#;

/// Swagger UI's files, as the `swagger-ui-dist` crate serves them.
pub async fn asset(file: &str) -> Option<Response> {
    if !matches!(file, "swagger-ui.css" | "swagger-ui-bundle.js") {
        return None;
    }
    static UI: OnceLock<axum::Router> = OnceLock::new();
    let ui = UI.get_or_init(|| {
        swagger_ui_dist::generate_routes(swagger_ui_dist::ApiDefinition {
            uri_prefix: "/docs",
            api_definition: swagger_ui_dist::OpenApiSource::Uri("/openapi.json"),
            title: Some("accord API"),
        })
    });
    let req = Request::get(format!("/docs/{file}"))
        .body(Body::empty())
        .ok()?;
    ui.clone().oneshot(req).await.ok()
}
