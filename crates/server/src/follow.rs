//! The index, following the live evaluation: rows collected on the
//! admission thread as requests are admitted, written once they are
//! durable (see `admission::Follower`); and the queries the routes make.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use accord::evaluate::Evaluator;
use axum::http::StatusCode;

use crate::admission::{AfterCommit, Follower};
use crate::index::{Collector, Format, Index, ObservationQuery, render};
use crate::problem::Problem;
use crate::routes::query::{Found, Queries};

/// Feeds the index from the admission thread.
pub struct IndexFollower {
    pub index: Arc<Index>,
    pub collector: Collector,
    /// Set when a write failed: the index is behind until a restart
    /// catches it up (readiness says so; the log is not affected).
    pub failed: Arc<AtomicBool>,
}

impl Follower for IndexFollower {
    fn admitted(&mut self, ev: &Evaluator<'static>, entries: &[(u64, Vec<u8>)]) {
        if self.failed.load(Ordering::Relaxed) {
            return;
        }
        let bytes: Vec<&[u8]> = entries.iter().map(|(_, e)| e.as_slice()).collect();
        if let Err(e) = self.collector.record_accepted(ev, &bytes) {
            tracing::error!(
                "the index lost step with the log: {e}; it will be caught up on restart"
            );
            self.failed.store(true, Ordering::Relaxed);
        }
    }

    fn flush(&mut self, ev: &Evaluator<'static>) -> Option<AfterCommit> {
        if self.failed.load(Ordering::Relaxed) {
            return None;
        }
        let delta = self.collector.delta(ev);
        if delta.from == delta.to && delta.observations.is_empty() {
            return None;
        }
        let index = self.index.clone();
        let failed = self.failed.clone();
        Some(Box::new(move || {
            if let Err(e) = index.apply(&delta) {
                tracing::error!("writing the index failed: {e}; it will be caught up on restart");
                failed.store(true, Ordering::Relaxed);
            }
        }))
    }
}

/// The routes' queries, on the index.
pub struct IndexQueries {
    pub index: OffRuntime,
    pub failed: Arc<AtomicBool>,
}

/// A handle on the index that is never let go on a runtime thread:
/// PostgreSQL's client blocks as it closes, which a tokio thread must not
/// (it panics), and the routes' last reference may fall anywhere.
pub struct OffRuntime(Option<Arc<Index>>);

impl OffRuntime {
    pub fn new(index: Arc<Index>) -> OffRuntime {
        OffRuntime(Some(index))
    }
}

impl std::ops::Deref for OffRuntime {
    type Target = Index;
    fn deref(&self) -> &Index {
        self.0.as_deref().expect("held until dropped")
    }
}

impl Drop for OffRuntime {
    fn drop(&mut self) {
        if let Some(index) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            let _ = std::thread::Builder::new()
                .name("index-close".into())
                .spawn(move || drop(index));
        }
    }
}

fn db_problem(e: crate::index::IndexError) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "index",
        "The index cannot answer",
        format!("{e}"),
    )
    .retry_after(5)
}

impl Queries for IndexQueries {
    fn indexed_size(&self) -> Result<u64, String> {
        if self.failed.load(Ordering::Relaxed) {
            return Err("a write to the index failed: it is behind the log until the server restarts (the log is unaffected)".into());
        }
        self.index.indexed_size().map_err(|e| e.to_string())
    }

    fn observations(&self, pairs: &[(String, String)], page_max: usize) -> Result<Found, Problem> {
        let q = ObservationQuery::from_pairs(pairs).map_err(|e| {
            Problem::bad_request("parameter", e.to_string()).with("parameter", e.parameter.clone())
        })?;
        if q.limit as usize > page_max {
            return Err(Problem::bad_request(
                "parameter",
                format!("limit {} is more than this server gives in one page ({page_max}); follow `next` for more", q.limit),
            )
            .with("parameter", "limit"));
        }
        let page = self.index.observations(&q).map_err(db_problem)?;
        let format = q.format.unwrap_or(Format::Json);
        Ok(Found {
            body: render(&page, format),
            content_type: format.content_type(),
            next: page.next_cursor.clone(),
        })
    }

    fn statement(&self, hash: &[u8; 32]) -> Result<Option<serde_json::Value>, Problem> {
        let row = self.index.statement(hash).map_err(db_problem)?;
        Ok(row.map(|r| serde_json::to_value(r).unwrap_or_default()))
    }
}
