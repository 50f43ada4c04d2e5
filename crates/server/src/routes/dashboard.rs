//! The dashboard: its page, modules, vendored libraries and WebAssembly
//! verifier, embedded in the binary by `accord-dashboard`, served under
//! `/dashboard/` with a strict Content-Security-Policy (nothing from another
//! origin but what a reader asks for: the tiles of a mirror they type), and
//! its words in each language as JSON.

use accord_dashboard::Caching;
use accord_dashboard::Lang;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::log::cached;
use crate::problem::Problem;

/// What the page may load and run: its own files only; WebAssembly
/// compiled from them (`'wasm-unsafe-eval'`, not `'unsafe-eval'`); the map's
/// worker from its own file (MapLibre's CSP build) or a blob; the map
/// controls' inline SVG icons (`data:`); and, for the replay, tiles fetched
/// from a mirror the reader types (any http(s) origin: `connect-src` only,
/// which no script of another origin can use, as none can run).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
script-src 'self' 'wasm-unsafe-eval'; \
worker-src 'self' blob:; \
child-src 'self' blob:; \
style-src 'self'; \
img-src 'self' data: blob:; \
font-src 'self'; \
connect-src 'self' http: https:; \
object-src 'none'; \
base-uri 'none'; \
form-action 'self'; \
frame-ancestors 'none'";

/// The address bar's root: the dashboard.
#[utoipa::path(get, path = "/", tag = "dashboard",
    responses((status = 307, description = "To the dashboard, `/dashboard/`")))]
pub async fn root() -> Redirect {
    Redirect::temporary("/dashboard/")
}

/// `/dashboard` without its slash: the page's relative links need it.
#[utoipa::path(get, path = "/dashboard", tag = "dashboard",
    responses((status = 307, description = "To `/dashboard/`")))]
pub async fn bare() -> Redirect {
    Redirect::temporary("/dashboard/")
}

/// The dashboard page.
#[utoipa::path(get, path = "/dashboard/", tag = "dashboard",
    responses((status = 200, description = "The page (HTML); it checks what the server says in the browser", body = String, content_type = "text/html")))]
pub async fn page(headers: HeaderMap) -> Result<Response, Problem> {
    serve(&headers, "index.html")
}

/// A file of the dashboard: its modules and style (`app.js`, `app.css`…),
/// the vendored libraries (`vendor/…`), the WebAssembly verifier
/// (`wasm/accord_web.js`, `wasm/accord_web_bg.wasm`), and the page's words
/// (`messages/en.json`, `messages/uk.json`, `messages/ru.json`: message id
/// to text, arguments as `{name}`).
#[utoipa::path(get, path = "/dashboard/{file}", tag = "dashboard",
    params(("file" = String, Path, description = "A file of the dashboard, e.g. `app.js`, `vendor/maplibre-gl-csp.js`, `wasm/accord_web_bg.wasm`, `messages/uk.json`")),
    responses(
        (status = 200, description = "The file, with its content type, an ETag and caching headers", body = String),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn file(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, Problem> {
    if let Some(rest) = file.strip_prefix("messages/") {
        return messages(&headers, rest);
    }
    serve(&headers, &file)
}

fn serve(headers: &HeaderMap, path: &str) -> Result<Response, Problem> {
    let a = accord_dashboard::asset(path).ok_or_else(|| {
        Problem::not_found(format!(
            "the dashboard has no file {path:?}; the page is /dashboard/"
        ))
        .with("file", path)
    })?;
    let cache = match a.caching() {
        Caching::Revalidate => "no-cache",
        Caching::Long => "public, max-age=604800",
    };
    Ok(secured(cached(
        headers,
        a.etag(),
        cache,
        a.content_type,
        a.bytes,
    )))
}

fn messages(headers: &HeaderMap, name: &str) -> Result<Response, Problem> {
    let lang: Option<Lang> = name
        .strip_suffix(".json")
        .and_then(|l| Lang::ALL.into_iter().find(|x| x.code() == l));
    let lang = lang.ok_or_else(|| {
        Problem::not_found(format!(
            "no messages {name:?}: the dashboard speaks en.json, uk.json and ru.json"
        ))
        .with("file", format!("messages/{name}"))
    })?;
    let (json, tag) = accord_dashboard::messages(lang);
    Ok(secured(cached(
        headers,
        tag,
        "no-cache",
        "application/json",
        json,
    )))
}

/// The headers every dashboard answer carries.
fn secured(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r.into_response()
}
