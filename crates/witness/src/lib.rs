//! A C2SP tlog-witness (<https://c2sp.org/tlog-witness>): it cosigns a
//! log's checkpoint only when it is consistent with every checkpoint of that
//! log it cosigned before, so that a log cannot show one history to some and
//! another to others without being caught.
//!
//! - [`witness`]: the spec's checks of an `add-checkpoint` request, in the
//!   spec's order (400, 404, 403, 400, 409, 422), and the cosignatures
//!   (Ed25519 `cosignature/v1` and ML-DSA-44, one per key) on a 200. The
//!   wire format and the pure checks are `tlog_core::witness`'s.
//! - [`state`]: what the witness holds, in SQLite: the check of the old size
//!   and the update are one step per log, durable before the reply (the
//!   crash windows are argued at its top).
//! - [`evidence`]: refused requests that prove the log misbehaved (two
//!   checkpoints of one size with different roots, a proof that shows the
//!   new tree does not extend the old one, an empty tree with a root) or
//!   that might (a proof that fails), exported as files anyone can check
//!   with the log's key.
//! - [`http`]: the HTTP endpoints, with limits and graceful shutdown.
//! - [`config`]: keys, logs, limits, and the TOML file.

// A library does not print: it logs through `tracing`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod evidence;
pub mod http;
pub mod state;
pub mod witness;

pub use config::{FileConfig, HttpConfig, WitnessConfig};
pub use witness::{Answer, Witness, WitnessError, origin_hash};
