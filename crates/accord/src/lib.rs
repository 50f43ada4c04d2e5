//! The accord domain: agreements written as code, the statements monitors
//! sign, the geography of zones, and the evaluator that says whether the
//! terms are kept. Pure: no network, no database, no wall clock.
//!
//! - [`agreement`]: the agreement format, its checks and canonical hash.
//! - [`statement`]: statements (observations and the rest), their
//!   canonical JSON and signed-note form, their JSON Schema.
//! - [`geography`]: placing points among the zones (membership, sides,
//!   geodesic distances).
//! - [`evaluate`]: the evaluator — (agreement, log prefix) to status.
//! - [`quorum`]: who must sign.
//! - [`cel`]: the conditions' language, pinned and wrapped.
//! - [`diag`]: diagnostics that say what and where.
//! - [`jcs`]: RFC 8785 canonical JSON, fast.
//! - [`text`]: text from log entries made safe to print.
//! - [`vocab`]: what agreements and statements both name (digests,
//!   observation categories, sensors).

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod agreement;
pub mod cel;
pub mod diag;
pub mod evaluate;
pub mod geography;
pub mod import;
pub mod jcs;
pub mod quorum;
pub mod statement;
pub mod text;
pub mod vocab;
