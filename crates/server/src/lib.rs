//! The accord server: the HTTP API over the log, with the index database.
//! It wires the `tlog` log, the `accord` domain and the engine to the
//! network; see ARCHITECTURE.md and this crate's README.
//!
//! - [`app`]: the server started (log opened and recovered, evaluation
//!   replayed) and served until shutdown;
//! - [`admission`]: the one thread that decides the log's order, checking
//!   each statement as the evaluator will;
//! - [`live`]: the durable checkpoint, the status and the live events;
//! - [`witnessing`]: the witnesses' cosignatures gathered on every new
//!   checkpoint, and published with it;
//! - [`routes`]: the HTTP API, every route in one list; [`openapi`]: its
//!   description; [`problem`]: errors as RFC 9457 problems;
//! - [`config`], [`limits`], [`metrics`]: the configuration file, rate
//!   limits, Prometheus metrics.

// A library does not print: it logs through `tracing`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod admission;
pub mod app;
pub mod cluster;
pub mod config;
pub mod follow;
pub mod index;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod replica;
pub mod routes;
pub mod witnessing;

pub use app::{AgreementFiles, LogKey, ServerConfig, Started, start};
pub use config::{FileConfig, Limits};
