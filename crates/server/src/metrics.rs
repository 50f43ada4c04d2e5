//! Prometheus metrics (`/metrics`, OpenMetrics text): requests by route
//! and status, append latency, batch sizes, the admission queue's depth.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    /// The route's pattern (`/tile/{*path}`), never the raw path: a
    /// client cannot make a label per URL.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WitnessLabels {
    /// The witness's name in the policy.
    pub witness: String,
    /// cosigned, conflict (409), refused (422), unreachable, unavailable,
    /// timeout, malformed, bad-cosignature, status-N.
    pub outcome: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    pub requests: Family<RouteLabels, Counter>,
    /// Seconds from a submission's arrival to its entries being durable.
    pub append_seconds: Histogram,
    /// Statements per submission request.
    pub batch_statements: Histogram,
    /// Requests waiting for admission.
    pub queue_depth: Gauge,
    /// The log's durable size.
    pub log_size: Gauge,
    /// Submissions refused by the evaluator, and turned away busy.
    pub refused: Counter,
    pub busy: Counter,
    /// Seconds a request took, by route.
    pub request_seconds: Family<RouteLabels, Histogram>,
    /// add-checkpoint requests to witnesses, by witness and outcome.
    pub witness_requests: Family<WitnessLabels, Counter>,
    /// Seconds a round of witnessing took (every witness asked).
    pub witness_round_seconds: Histogram,
    /// Seconds from a checkpoint being durable to its publication with the
    /// witness quorum.
    pub witness_lag_seconds: Histogram,
    /// The bound on that lag: one round's timeout (after which the round
    /// ends with what it has and the next one begins).
    pub witness_lag_bound_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    /// The size of the latest checkpoint published with cosignatures.
    pub witnessed_size: Gauge,
    /// Seconds a submission waited, once durable, for its quorum.
    pub quorum_wait_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn seconds_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 18))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("accord");
        let requests = Family::<RouteLabels, Counter>::default();
        let append_seconds = seconds_histogram();
        let batch_statements = Histogram::new(exponential_buckets(1.0, 2.0, 12));
        let queue_depth = Gauge::default();
        let log_size = Gauge::default();
        let refused = Counter::default();
        let busy = Counter::default();
        let request_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(
            seconds_histogram as fn() -> Histogram,
        );
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "append_latency_seconds",
            "From a submission's arrival to its entries being durable",
            append_seconds.clone(),
        );
        registry.register(
            "submission_statements",
            "Statements per submission request",
            batch_statements.clone(),
        );
        registry.register(
            "admission_queue_depth",
            "Requests waiting for admission",
            queue_depth.clone(),
        );
        registry.register("log_size", "Entries in the log, durable", log_size.clone());
        registry.register(
            "refused_statements",
            "Statements refused as the evaluator would refuse them",
            refused.clone(),
        );
        registry.register(
            "busy_responses",
            "Requests turned away with 503 because the queue was full",
            busy.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route",
            request_seconds.clone(),
        );
        let witness_requests = Family::<WitnessLabels, Counter>::default();
        let witness_round_seconds = seconds_histogram();
        let witness_lag_seconds = seconds_histogram();
        let witness_lag_bound_seconds = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        let witnessed_size = Gauge::default();
        let quorum_wait_seconds = seconds_histogram();
        registry.register(
            "witness_requests",
            "add-checkpoint requests to witnesses, by witness and outcome",
            witness_requests.clone(),
        );
        registry.register(
            "witness_round_seconds",
            "Time one round of witnessing took",
            witness_round_seconds.clone(),
        );
        registry.register(
            "witness_lag_seconds",
            "From a checkpoint being durable to its publication with the witness quorum",
            witness_lag_seconds.clone(),
        );
        registry.register(
            "witness_lag_bound_seconds",
            "The bound on the witness lag: one round's timeout",
            witness_lag_bound_seconds.clone(),
        );
        registry.register(
            "witnessed_size",
            "Size of the latest checkpoint published with cosignatures",
            witnessed_size.clone(),
        );
        registry.register(
            "quorum_wait_seconds",
            "Time a submission waited, once durable, for its witness quorum",
            quorum_wait_seconds.clone(),
        );
        Metrics {
            witness_requests,
            witness_round_seconds,
            witness_lag_seconds,
            witness_lag_bound_seconds,
            witnessed_size,
            quorum_wait_seconds,
            registry: Mutex::new(registry),
            requests,
            append_seconds,
            batch_statements,
            queue_depth,
            log_size,
            refused,
            busy,
            request_seconds,
        }
    }

    /// The OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let r = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        let _ = prometheus_client::encoding::text::encode(&mut out, &r);
        out
    }
}
