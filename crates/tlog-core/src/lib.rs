//! The read side of a C2SP transparency log: everything a verifier, a
//! witness, a mirror or a browser needs, and nothing of the writer (no
//! storage, no sequencer, no threads, no files but through a
//! [`TileSource`]). `tlog` builds the durable writer on it and re-exports
//! it whole.
//!
//! - [`hash`]: RFC 6962 leaf and node hashes.
//! - [`tile`]: the tlog-tiles layout and paths.
//! - [`merkle`]: inclusion and consistency proofs, made and checked.
//! - [`note`], [`keys`], [`checkpoint`]: signed notes, Ed25519 and
//!   cosignature keys, checkpoints; [`ed25519`]: the one signature rule
//!   (ZIP-215), alone and in batches.
//! - [`cosignature`]: C2SP cosignatures of both types, Ed25519
//!   (`cosignature/v1`) and ML-DSA-44 (`subtree/v1`), made and checked;
//!   [`witness`]: the tlog-witness wire format and the checks a witness
//!   makes of an `add-checkpoint` request.
//! - [`policy`]: C2SP tlog-policy: the logs, witnesses and quorum that
//!   make a checkpoint valid, parsed, written and checked.
//! - [`tree`]: the right edge of a tiled tree, which appends and roots.
//! - [`client`], [`verify`]: reading a log from tiles alone, and checking all
//!   of it; [`proof`]: an entry proved, as C2SP tlog-proof text.
//!
//! This crate knows nothing of what the entries mean.

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod checkpoint;
pub mod client;
pub mod cosignature;
pub mod ed25519;
pub mod hash;
pub mod keys;
pub mod merkle;
pub mod note;
pub mod policy;
pub mod proof;
pub mod tile;
pub mod tree;
pub mod verify;
pub mod witness;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use client::{DirSource, TileReader, TileSource};
pub use hash::{Hash, leaf_hash, node_hash};
pub use keys::{KeyType, SignerKey, VerifierKey};
pub use note::Note;
pub use tile::{MAX_ENTRY_SIZE, TileId};
