//! `accord mirror` as a library: a party's own verified copy of the log,
//! kept, served and cosigned as a C2SP tlog-mirror, so that no party has to
//! trust the operator to keep the record, and the record outlives it.
//!
//! - [`mirror`]: the copy. [`Mirror::pull`] fetches the source's checkpoint
//!   (the operator's, or another mirror's), checks the log's signature,
//!   fetches the entries beyond what the mirror has, computes every hash
//!   tile itself, and commits only a checkpoint whose root its own tree
//!   gives; the commit protocol and its crash windows are argued there.
//! - [`evidence`]: what is kept of a refused checkpoint (a fork, a
//!   rollback, entries that are not the checkpoint's).
//! - [`serve`]: the read API over the copy (tlog-tiles, at the root and at
//!   the tlog-mirror prefix), `/healthz`, the agreement; [`run`]: the pull
//!   loop beside it.
//! - [`http`]: a log read over HTTP(S) ([`HttpSource`]), which the
//!   command line's audit, status and report use too.
//! - [`key`]: the mirror's cosigner key.

// A library does not print: it logs through `tracing`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod evidence;
pub mod http;
pub mod key;
pub mod mirror;
pub mod run;
pub mod serve;

pub use evidence::{Evidence, EvidenceKind};
pub use http::HttpSource;
pub use key::{CosignatureType, CosignerKey, CosignerSecret};
pub use mirror::{Mirror, MirrorError, MirrorOptions, Pulled};
pub use serve::{AgreementDoc, MirrorService, Published, origin_hash, router, serve};
