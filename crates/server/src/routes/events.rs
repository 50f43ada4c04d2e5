//! The live stream (server-sent events): every entry as it becomes durable
//! (`entry`), and every change of a verdict, phase, tranche or guarantee
//! (`status`), so that a dashboard or a party's monitor sees a verified
//! breach within a second of its entry.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::App;
use crate::live::Event;
use crate::problem::Problem;

/// Server-sent events: `hello` (the log's size now), then `entry` and
/// `status` events; `lagged` if this client fell behind and missed some
/// (it should read `/v1/status` and the log again).
#[utoipa::path(get, path = "/v1/events", tag = "live",
    responses(
        (status = 200, description = "An event stream: `hello` {size}, `entry` {index, entry_hash, digest, kind}, `status` {size, changes: [{what, from, to}]}, `checkpoint` {size, cosigners, quorum} (a new checkpoint served, or more cosignatures on it), `lagged` {missed}", body = String, content_type = "text/event-stream"),
        (status = 503, description = "Too many clients", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events(axum::extract::State(app): App) -> Response {
    let Ok(permit) = app.event_clients.clone().try_acquire_owned() else {
        return Problem::busy("too many clients are following the live stream", 10).into_response();
    };
    let rx = app.live.subscribe();
    let hello = SseEvent::default()
        .event("hello")
        .json_data(json!({"size": app.live.durable().size}))
        .unwrap_or_default();
    let mut closing = app.live.subscribe_closing();
    let live = stream::unfold((rx, permit), |(mut rx, permit)| async move {
        let ev = match rx.recv().await {
            Ok(Event::Entry(e)) => SseEvent::default()
                .event("entry")
                .id(e.index.to_string())
                .json_data(&e),
            Ok(Event::Status { size, changes }) => SseEvent::default()
                .event("status")
                .json_data(json!({"size": size, "changes": changes})),
            Ok(Event::Checkpoint {
                size,
                cosigners,
                quorum,
            }) => SseEvent::default()
                .event("checkpoint")
                .json_data(json!({"size": size, "cosigners": cosigners, "quorum": quorum})),
            Err(RecvError::Lagged(n)) => SseEvent::default()
                .event("lagged")
                .json_data(json!({"missed": n})),
            Err(RecvError::Closed) => return None,
        };
        Some((ev.unwrap_or_default(), (rx, permit)))
    });
    let stream = stream::once(async move { hello })
        .chain(live)
        .take_until(async move {
            let _ = closing.wait_for(|c| *c).await;
        })
        .map(Ok::<_, Infallible>);
    sse(stream)
}

fn sse(s: impl Stream<Item = Result<SseEvent, Infallible>> + Send + 'static) -> Response {
    Sse::new(s)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
