//! A C2SP transparency log: the durable writer ([`log`], [`sequencer`],
//! [`storage`]) on the read side in `tlog-core`, which is re-exported here
//! whole, so that `tlog::note`, `tlog::verify` and the rest name the same
//! things in both.
//!
//! - [`hash`]: RFC 6962 leaf and node hashes.
//! - [`tile`]: the tlog-tiles layout and paths.
//! - [`merkle`]: inclusion and consistency proofs, made and checked.
//! - [`note`], [`keys`], [`checkpoint`]: signed notes, Ed25519 and
//!   cosignature keys, checkpoints; [`ed25519`]: the one signature rule
//!   (ZIP-215), alone and in batches.
//! - [`tree`]: the right edge of a tiled tree, which appends and roots.
//! - [`storage`]: the storage seam, and the local filesystem behind it.
//! - [`log`], [`sequencer`]: the durable, crash-safe writer and its group
//!   commit.
//! - [`client`], [`verify`]: reading a log from tiles alone, and checking all
//!   of it.
//!
//! This crate knows nothing of what the entries mean.

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub use tlog_core::{
    checkpoint, client, cosignature, ed25519, hash, keys, merkle, note, policy, proof, tile, tree,
    verify, witness,
};

pub mod log;
pub mod sequencer;
pub mod storage;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use client::{DirSource, TileReader, TileSource};
pub use hash::{Hash, leaf_hash, node_hash};
pub use keys::{KeyType, SignerKey, VerifierKey};
pub use log::{Log, LogError};
pub use note::Note;
pub use sequencer::{AppendError, BatchOptions, Sequencer};
pub use storage::{
    Commit, DirStorage, LeaseInfo, Storage, StorageError, StorageSource, WriterLock,
};
pub use tile::{MAX_ENTRY_SIZE, TileId};
