//! Submission: one signed statement (the signed note, as `accord sign`
//! writes it) or a batch of them (JSON). Each is checked as the evaluator
//! will check it before it is appended (see `admission`); what it would
//! refuse is refused with a problem body that says why, and the log is
//! unchanged. The answer, once the entry is durable, carries its index, the
//! checkpoint and its inclusion proof (C2SP tlog-proof). The same bytes
//! sent again get the same index and append nothing.

use std::time::Instant;

use accord::evaluate::{Duplicate, Rejected};
use accord::statement::Digest;
use accord_engine::signatures;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tlog::client::TileReader;
use tlog::merkle::verify_inclusion;
use tokio::sync::{mpsc::error::TrySendError, oneshot};

use super::App;
use crate::admission::{Admitted, Candidate, Job, Refusal};
use crate::app::AppState;
use crate::live::{Durable, hex};
use crate::problem::Problem;

/// A statement in the log, proved.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Logged {
    /// Its index in the log.
    pub index: u64,
    /// False when these bytes were in the log already (nothing appended).
    pub logged_now: bool,
    /// The entry's RFC 6962 leaf hash, hex.
    pub entry_hash: String,
    /// The statement's digest (SHA-256 of its signed text).
    pub digest: String,
    /// The checkpoint the proof leads to (a signed note).
    pub checkpoint: String,
    /// The inclusion proof, as C2SP tlog-proof text (it ends with the
    /// checkpoint).
    pub proof: String,
    /// Whether the checkpoint meets the agreement's witness quorum (true
    /// when the server asks no witnesses). With `ack = "durable"` it may
    /// not yet: a cosigned checkpoint follows at `/checkpoint`.
    pub witnessed: bool,
    /// The witnesses that cosigned the checkpoint, by their policy names.
    pub cosigned_by: Vec<String>,
}

/// A batch of signed statements, appended all or none.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Each a signed statement (a signed note), as text.
    pub statements: Vec<String>,
}

/// The batch, logged: one result per statement, in order.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchLogged {
    pub results: Vec<Logged>,
}

/// Submit one signed statement.
#[utoipa::path(
    post,
    path = "/v1/statements",
    tag = "submit",
    request_body(content = String, content_type = "text/plain",
        description = "One signed statement: the signed note (statement JSON, a blank line, signature lines), as `accord sign` writes it."),
    responses(
        (status = 201, description = "Logged: durable, with its inclusion proof", body = Logged),
        (status = 200, description = "These bytes were logged before: their index and proof; nothing appended", body = Logged),
        (status = 400, description = "Not a statement: malformed, not canonical", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The statement was logged before (with other signatures): it counts once", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The evaluator would refuse it; the problem says why and what to do", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy or shutting down: retry after Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn submit_one(
    axum::extract::State(app): App,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let started = Instant::now();
    open_for_submissions(&app)?;
    if is_json(&headers) {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "media-type",
            "Unsupported media type",
            "send one signed statement as text/plain (the signed note); send JSON {\"statements\": [...]} to /v1/statements/batch",
        ));
    }
    let bytes = read_body(body, app.limits.body_bytes).await?;
    let c = candidate(&app, bytes.to_vec(), None)?;
    let digest = c.prepared.digest;
    app.metrics.batch_statements.observe(1.0);
    let admitted = admit(&app, vec![c], false).await?;
    let mut logged = prove_all(&app, &admitted, &[(bytes.to_vec(), digest)]).await?;
    app.metrics
        .append_seconds
        .observe(started.elapsed().as_secs_f64());
    let one = logged.remove(0);
    let status = if one.logged_now {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/v1/entries/{}", one.index);
    Ok((status, [(header::LOCATION, location)], axum::Json(one)).into_response())
}

/// Submit a batch of signed statements, all or none.
#[utoipa::path(
    post,
    path = "/v1/statements/batch",
    tag = "submit",
    request_body(content = Batch, content_type = "application/json"),
    responses(
        (status = 201, description = "Every statement logged (or already there): durable, with proofs", body = BatchLogged),
        (status = 400, description = "Not a batch, or a statement in it is malformed (`item` says which)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A statement was logged before with other signatures (`item`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large, or too many statements", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The evaluator would refuse a statement (`item`); nothing appended", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy or shutting down", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn submit_batch(axum::extract::State(app): App, body: Body) -> Result<Response, Problem> {
    let started = Instant::now();
    open_for_submissions(&app)?;
    let bytes = read_body(body, app.limits.body_bytes).await?;
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    let batch: Batch = serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        Problem::bad_request(
            "bad-batch",
            format!(
                "the body is not a batch ({}{}): send {{\"statements\": [\"<signed note>\", ...]}}",
                if at == "." {
                    String::new()
                } else {
                    format!("at {at}: ")
                },
                e.inner()
            ),
        )
    })?;
    if batch.statements.is_empty() {
        return Err(Problem::bad_request(
            "bad-batch",
            "the batch has no statements",
        ));
    }
    if batch.statements.len() > app.limits.batch_statements {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch-too-large",
            "Batch too large",
            format!(
                "the batch has {} statements; this server takes at most {} in one request",
                batch.statements.len(),
                app.limits.batch_statements
            ),
        ));
    }
    let entries: Vec<Vec<u8>> = batch
        .statements
        .into_iter()
        .map(String::into_bytes)
        .collect();
    let mut items = Vec::with_capacity(entries.len());
    for (k, e) in entries.iter().enumerate() {
        items.push(candidate(&app, e.clone(), Some(k))?);
    }
    app.metrics.batch_statements.observe(items.len() as f64);
    let digests: Vec<Digest> = items.iter().map(|c| c.prepared.digest).collect();
    let admitted = admit(&app, items, true).await?;
    let proved: Vec<(Vec<u8>, Digest)> = entries.into_iter().zip(digests).collect();
    let results = prove_all(&app, &admitted, &proved).await?;
    app.metrics
        .append_seconds
        .observe(started.elapsed().as_secs_f64());
    let status = if results.iter().any(|r| r.logged_now) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(BatchLogged { results })).into_response())
}

fn is_json(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn open_for_submissions(app: &AppState) -> Result<(), Problem> {
    if app.live.shutting_down() {
        return Err(Problem::busy(
            "the server is shutting down and takes no more statements; submit again to it (or another) shortly",
            5,
        ));
    }
    if let Some(why) = app.live.stopped() {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "log-stopped",
            "The log takes no statements",
            format!(
                "{why}; what was acknowledged is durable; the operator must restart the server"
            ),
        )
        .retry_after(60));
    }
    Ok(())
}

/// Reads a body of at most `limit` bytes.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, Problem> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            || e.to_string().contains("length limit");
        if too_large {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                "Body too large",
                format!("the body is larger than this server takes ({limit} bytes); a statement is at most 65,535 bytes"),
            )
        } else {
            Problem::bad_request("body", format!("the body could not be read: {e}"))
        }
    })
}

/// Prepares an entry on this thread (parse, names, placing) and checks its
/// signatures against the keys known now.
fn candidate(app: &AppState, entry: Vec<u8>, item: Option<usize>) -> Result<Candidate, Problem> {
    let prepared = app.preparer.prepare(&entry);
    if let Err(why) = &prepared.statement {
        return Err(refusal(item, why, app));
    }
    // A flood of statements signed by one key is limited before any
    // signature is checked (the names are only claims until then, which
    // is fine for a limit: lying only limits the liar's claimed name).
    if let Some(note) = prepared.note()
        && let Some(sig) = note.signatures().first()
        && let Err(wait) = app.rates.key(&sig.name)
    {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many statements from one key",
            format!(
                "key {:?} has submitted more statements than the server takes from one key; retry after {} ms",
                accord::text::printable(&sig.name),
                wait.as_millis()
            ),
        )
        .retry_after(wait.as_secs().max(1)));
    }
    let verified = {
        let book = app.keys.read().unwrap_or_else(|e| e.into_inner());
        signatures::verify_one(&prepared, &book)
    };
    Ok(Candidate {
        leaf: tlog::hash::leaf_hash(&entry),
        entry,
        prepared,
        verified,
    })
}

/// Hands a request to admission; `batch` says whether refusals name the
/// item.
async fn admit(
    app: &AppState,
    items: Vec<Candidate>,
    batch: bool,
) -> Result<Vec<Admitted>, Problem> {
    let (reply, rx) = oneshot::channel();
    let job = Job::Submit { items, reply };
    app.metrics
        .queue_depth
        .set((app.admission.jobs.max_capacity() - app.admission.jobs.capacity()) as i64);
    match app.admission.jobs.try_send(job) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => {
            app.metrics.busy.inc();
            return Err(Problem::busy(
                "the server's queue of statements is full; nothing was logged: retry shortly",
                1,
            ));
        }
        Err(TrySendError::Closed(_)) => {
            return Err(Problem::busy("the server is shutting down", 5));
        }
    }
    match rx.await {
        Ok(Ok(a)) => Ok(a),
        Ok(Err(Refusal::Refused { item, why })) => {
            app.metrics.refused.inc();
            Err(refusal(batch.then_some(item), &why, app))
        }
        Ok(Err(Refusal::Stopped(why))) => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "log-stopped",
            "The log takes no statements",
            format!("{why}; nothing of this request was acknowledged"),
        )
        .retry_after(60)),
        Err(_) => Err(Problem::busy("the server is shutting down", 5)),
    }
}

/// A refusal as a problem: 400 for what is not a statement, 409 for a
/// statement counted already, 422 for the rest, with the evaluator's
/// reason (`reason`) and what to do.
pub fn refusal(item: Option<usize>, why: &Rejected, _app: &AppState) -> Problem {
    let (status, kind, title) = match why {
        Rejected::Malformed { .. } => (
            StatusCode::BAD_REQUEST,
            "malformed",
            "Not a valid statement",
        ),
        Rejected::Duplicate { .. } => (
            StatusCode::CONFLICT,
            "duplicate",
            "The statement counts once, and was logged before",
        ),
        _ => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused",
            "The evaluator would refuse this statement",
        ),
    };
    let mut detail = accord_engine::refusal::explain(why);
    if let Some(k) = item {
        detail = format!("statement {k} of the request: {detail}; nothing was logged");
    }
    let mut p =
        Problem::new(status, kind, title, detail).with("reason", why.kind().replace(' ', "_"));
    if let Some(k) = item {
        p = p.with("item", k);
    }
    if let Rejected::Duplicate {
        of: Duplicate::Statement { entry },
    } = why
    {
        p = p.with("entry", *entry);
    }
    p
}

/// Waits until the admitted entries are durable, then proves each.
async fn prove_all(
    app: &AppState,
    admitted: &[Admitted],
    entries: &[(Vec<u8>, Digest)],
) -> Result<Vec<Logged>, Problem> {
    let last = admitted.iter().map(|a| a.index).max().unwrap_or(0);
    let durable = app
        .live
        .durable_at_least(last + 1)
        .await
        .ok_or_else(|| Problem::busy("the server is shutting down", 5))?;
    let durable = match &app.witnessing {
        Some(w) if w.ack == crate::witnessing::AckAfter::Quorum => {
            let began = std::time::Instant::now();
            let witnessed =
                tokio::time::timeout(w.ack_timeout, app.live.witnessed_at_least(last + 1)).await;
            app.metrics
                .quorum_wait_seconds
                .observe(began.elapsed().as_secs_f64());
            match witnessed {
                Ok(Some(d)) => d,
                Ok(None) => return Err(Problem::busy("the server is shutting down", 5)),
                Err(_) => {
                    let indices: Vec<u64> = admitted.iter().map(|a| a.index).collect();
                    return Err(Problem::new(
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        "not-witnessed",
                        "Logged, but not yet witnessed",
                        format!(
                            "the statements are logged durably (at {indices:?}), but no checkpoint covering them has met the agreement's witness quorum within {} s; the same statements sent again are answered with these indices once it has",
                            w.ack_timeout.as_secs()
                        ),
                    )
                    .with("entries", indices)
                    .retry_after(5));
                }
            }
        }
        _ => durable,
    };
    admitted
        .iter()
        .zip(entries)
        .map(|(a, (e, digest))| prove_entry(app, &durable, a.index, e, *digest, a.fresh))
        .collect()
}

/// An entry's inclusion proof in a durable checkpoint, checked before it
/// is handed out.
pub fn prove_entry(
    app: &AppState,
    d: &Durable,
    index: u64,
    entry: &[u8],
    digest: Digest,
    fresh: bool,
) -> Result<Logged, Problem> {
    let leaf = tlog::hash::leaf_hash(entry);
    let mut reader = TileReader::new(app.source());
    let hashes = reader.inclusion_proof(d.size, index).map_err(|e| {
        Problem::internal(format!("the proof of entry {index} could not be read: {e}"))
    })?;
    verify_inclusion(index, d.size, &leaf, &hashes, &d.root).map_err(|e| {
        Problem::internal(format!("the log's tiles do not prove entry {index}: {e}"))
    })?;
    Ok(Logged {
        index,
        logged_now: fresh,
        entry_hash: hex(leaf.as_bytes()),
        digest: digest.to_string(),
        checkpoint: String::from_utf8_lossy(&d.checkpoint).into_owned(),
        proof: tlog_core::proof::text(index, &hashes, &d.checkpoint),
        witnessed: d.quorum,
        cosigned_by: d.cosigners.as_ref().clone(),
    })
}
