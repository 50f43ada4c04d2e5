//! The engine: the end of accord's data flow as a library, so that every
//! front end — the `accord` binary, the HTTP server, the benchmarks, the
//! tests, a WebAssembly build — calls the same code.
//!
//! - [`replay`]: verified replay. A log's tree is verified, then each entry
//!   bundle is read once and checked against it as it is read, prepared on
//!   every core ([`signatures`] verifies in batches under one rule), and
//!   applied in order ([`pipeline`]).
//! - [`audit`]: the audit, as typed findings with their evidence;
//!   [`remembered`]: a log against the checkpoint remembered from an
//!   earlier run; [`gossip`]: against another party's checkpoint (a split
//!   view caught); [`witnessed`]: the checkpoint held to the witness
//!   policy (the agreement's `[witnesses]`, or a C2SP tlog-policy given).
//! - [`text`]: the status as people read it; [`titles`]: the agreement's
//!   titles for what the evaluator knows by id. The report is the crate
//!   `accord-report`'s.
//! - [`files`]: agreements and their zone files read from disk, bounded.
//!
//! The domain (`accord`) is pure; this crate reads logs through any
//! `TileSource` and uses threads. It does not print, and knows no network;
//! the only files it reads are agreements and their zone files ([`files`]):
//! the front ends bring the log's source (a directory, HTTP) and show the
//! results.

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod files;
pub mod gossip;
pub mod pipeline;
pub mod refusal;
pub mod remembered;
pub mod replay;
pub mod signatures;
#[cfg(feature = "text")]
pub mod text;
pub mod titles;
pub mod witnessed;

pub use audit::{
    AuditOptions, AuditReport, Expected, Finding, audit, audit_versions, audit_versions_with_policy,
};
pub use replay::{
    ReplayError, ReplayOptions, Replayed, replay, replay_versions, replay_versions_with,
    replay_with, verify_log,
};
pub use signatures::SignatureCheck;
pub use witnessed::PolicyChoice;
