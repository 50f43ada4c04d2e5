//! Gossip: this log against another party's latest checkpoint of it (an
//! auditor's remembered one, a mirror's `/checkpoint`). Two checkpoints
//! signed by the log's key that cannot be one history are a split view:
//! the operator showed one history to one party and another to another.
//!
//! Of the same size, they must have the same root; an older one must be a
//! prefix of this log (a consistency proof from its verified tiles); a
//! newer one means this log is behind, and when the source can show that
//! it is a prefix of the newer one (a live log that grew), that is checked
//! too.

use tlog_core::VerifierKey;
use tlog_core::checkpoint::SignedCheckpoint;
use tlog_core::client::{TileReader, TileSource};
use tlog_core::merkle::verify_consistency;
use tlog_core::verify::VerifiedLog;

/// How this log stands to the other checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gossip {
    /// The very checkpoint (size and root).
    Same { size: u64 },
    /// The other is older, and this log extends it.
    Extends { from: u64 },
    /// The other is newer: this log is behind it. `proved`: the source
    /// showed this log to be a prefix of it.
    Behind { theirs: u64, proved: bool },
}

/// Why the comparison failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GossipError {
    /// The other checkpoint is not one of this log's (another origin, or
    /// not signed by its key): nothing can be concluded.
    #[error("the other checkpoint is not this log's: {0}")]
    NotThisLog(String),
    /// Both are signed by the log's key and cannot be one history.
    #[error("SPLIT VIEW: {0}")]
    SplitView(String),
}

/// Compares the verified log with `theirs` (a signed checkpoint note).
pub fn compare<S: TileSource>(
    source: &S,
    key: &VerifierKey,
    log: &VerifiedLog,
    theirs: &[u8],
) -> Result<Gossip, GossipError> {
    let other = SignedCheckpoint::parse(theirs)
        .map_err(|e| GossipError::NotThisLog(format!("not a checkpoint: {e}")))?;
    let ours = log.checkpoint();
    if other.checkpoint.origin != ours.checkpoint.origin {
        return Err(GossipError::NotThisLog(format!(
            "it is of {:?}, this log is {:?}",
            other.checkpoint.origin, ours.checkpoint.origin
        )));
    }
    other.verify(Some(key), &[]).map_err(|e| {
        GossipError::NotThisLog(format!("it does not verify with the log's key: {e}"))
    })?;
    let (m, n) = (other.checkpoint.size, ours.checkpoint.size);
    let (their_root, our_root) = (other.checkpoint.root, ours.checkpoint.root);
    let split = |why: String| GossipError::SplitView(why);
    let mut reader = TileReader::new(source);
    if m == n {
        if their_root != our_root {
            return Err(split(format!(
                "two checkpoints of size {n} signed by the log, with different roots ({our_root} here, {their_root} theirs)"
            )));
        }
        return Ok(Gossip::Same { size: n });
    }
    if m < n {
        let proof = reader.consistency_proof(m, n).map_err(|e| {
            split(format!(
                "this log cannot show that it extends their checkpoint of size {m}: {e}"
            ))
        })?;
        verify_consistency(m, n, &their_root, &our_root, &proof).map_err(|e| {
            split(format!(
                "this log of size {n} does not extend their checkpoint of size {m}: {e}"
            ))
        })?;
        return Ok(Gossip::Extends { from: m });
    }
    // Theirs is newer. The source holds tiles up to its own checkpoint; a
    // live log that grew may hold theirs too, and then the two are checked.
    match reader.consistency_proof(n, m) {
        Err(_) => Ok(Gossip::Behind {
            theirs: m,
            proved: false,
        }),
        Ok(proof) => {
            verify_consistency(n, m, &our_root, &their_root, &proof).map_err(|e| {
                split(format!(
                    "this log of size {n} is not a prefix of their checkpoint of size {m}: {e}"
                ))
            })?;
            Ok(Gossip::Behind {
                theirs: m,
                proved: true,
            })
        }
    }
}

impl std::fmt::Display for Gossip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gossip::Same { size } => write!(
                f,
                "the same checkpoint as theirs (size {size}): one history"
            ),
            Gossip::Extends { from } => write!(
                f,
                "consistent with their checkpoint of size {from}: this log extends it"
            ),
            Gossip::Behind {
                theirs,
                proved: true,
            } => write!(
                f,
                "BEHIND their checkpoint of size {theirs}, and shown to be a prefix of it: audit the newer log too"
            ),
            Gossip::Behind {
                theirs,
                proved: false,
            } => write!(
                f,
                "BEHIND their checkpoint of size {theirs}: this source cannot show the two are one history yet; audit a source that has it"
            ),
        }
    }
}
