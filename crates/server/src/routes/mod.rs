//! The HTTP API: every route, registered in one place ([`router`]) through
//! [`Routes`], which keeps the list that the OpenAPI document is checked
//! against (`tests/openapi.rs`: every route is documented and every
//! documented path is routed).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};

use crate::app::AppState;
use crate::metrics::RouteLabels;
use crate::problem::Problem;

pub mod agreement;
pub mod dashboard;
pub mod events;
pub mod log;
pub mod ops;
pub mod query;
pub mod status;
pub mod submit;

pub type App = State<Arc<AppState>>;

/// The router and the list of what it routes.
pub struct Routes {
    router: Router<Arc<AppState>>,
    list: Vec<(Method, String)>,
}

impl Routes {
    fn new() -> Routes {
        Routes {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    /// Adds a route: `path` in axum's syntax, `methods` those it answers.
    fn add(mut self, path: &str, methods: &[Method], r: MethodRouter<Arc<AppState>>) -> Routes {
        for m in methods {
            self.list.push((m.clone(), path.to_string()));
        }
        self.router = self.router.route(path, r);
        self
    }

    /// Every (method, path) routed, in axum's path syntax.
    pub fn list(&self) -> &[(Method, String)] {
        &self.list
    }
}

/// Every route of the API.
pub fn routes() -> Routes {
    use axum::routing::{get, post};
    let g = &[Method::GET];
    let p = &[Method::POST];
    Routes::new()
        .add("/v1/statements", p, post(submit::submit_one))
        .add("/v1/statements/batch", p, post(submit::submit_batch))
        .add("/checkpoint", g, get(log::checkpoint))
        .add("/tile/{*path}", g, get(log::tile))
        .add("/v1/entries/{index}", g, get(log::entry))
        .add("/v1/proof/{index}", g, get(log::proof))
        .add("/v1/statements/{hash}", g, get(query::statement))
        .add("/v1/observations", g, get(query::observations))
        .add("/v1/agreement", g, get(agreement::canonical))
        .add("/v1/agreement.toml", g, get(agreement::toml))
        .add("/v1/agreement/versions", g, get(agreement::versions))
        .add("/v1/agreement/annex/{*file}", g, get(agreement::annex))
        .add("/v1/status", g, get(status::status))
        .add("/v1/report/{day}", g, get(status::report))
        .add("/v1/events", g, get(events::events))
        .add("/healthz", g, get(ops::healthz))
        .add("/readyz", g, get(ops::readyz))
        .add("/metrics", g, get(ops::metrics))
        .add("/openapi.json", g, get(ops::openapi_json))
        .add("/docs", g, get(ops::docs_page))
        .add("/docs/{file}", g, get(ops::docs_asset))
        .add("/", g, get(dashboard::root))
        .add("/dashboard", g, get(dashboard::bare))
        .add("/dashboard/", g, get(dashboard::page))
        .add("/dashboard/{*file}", g, get(dashboard::file))
}

/// The whole service: the routes, with the layers every request passes.
pub fn router(state: Arc<AppState>) -> Router {
    let timeout = state.limits.request_timeout();
    // Hash tiles are random bytes, and a checkpoint is short: compress
    // text (entry bundles, JSON, CSV, HTML) only.
    let compress = SizeAbove::new(512)
        .and(NotForContentType::const_new("application/octet-stream"))
        .and(NotForContentType::const_new("text/event-stream"));
    routes()
        .router
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        // Inside the limits: a replica forwards what it has admitted.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::cluster::forward_submissions,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), admit_request))
        .layer(CompressionLayer::new().compress_when(compress))
        .layer(CatchPanicLayer::custom(|_| {
            Problem::internal("the server failed on this request; it has been logged")
                .into_response()
        }))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .with_state(state)
}

async fn no_route(method: Method, uri: axum::http::Uri) -> Problem {
    Problem::not_found(format!(
        "no route {method} {}: see /openapi.json or /docs for the API",
        uri.path()
    ))
    .with("route", "none")
}

/// A route asked with a method it does not take: a problem too (axum adds
/// the Allow header).
async fn wrong_method(method: Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method",
        "Method not allowed",
        format!(
            "{} does not take {method}: the Allow header says what it takes; see /openapi.json or /docs for the API",
            uri.path()
        ),
    )
}

/// Per-address rate limits, metrics, and headers every answer carries.
async fn admit_request(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "none".to_string(), |m| m.as_str().to_string());
    let connect = req.extensions().get::<ConnectInfo<SocketAddr>>().cloned();
    let limited = match connect {
        // Probes and scrapes are not limited: an operator must always be
        // able to see the server.
        Some(ConnectInfo(addr))
            if !matches!(route.as_str(), "/healthz" | "/readyz" | "/metrics") =>
        {
            app.rates.address(addr.ip()).err()
        }
        _ => None,
    };
    let mut resp = match limited {
        Some(wait) => Problem::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!(
                "this address has sent more requests than the server takes from one client; retry after {} ms",
                wait.as_millis()
            ),
        )
        .retry_after(wait.as_secs().max(1))
        .into_response(),
        None => next.run(req).await,
    };
    let labels = RouteLabels {
        method,
        route,
        status: resp.status().as_u16(),
    };
    app.metrics.requests.get_or_create(&labels).inc();
    app.metrics
        .request_seconds
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    let h = resp.headers_mut();
    h.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .or_insert(HeaderValue::from_static("*"));
    resp
}
