//! A log against the checkpoint an auditor remembers from an earlier run:
//! the same, grown consistently, behind but a prefix (a cache, a mirror),
//! or a fork. Keeping the checkpoints is the front end's business (the CLI
//! keeps them in the user's data directory); deciding is this.

use tlog_core::VerifierKey;
use tlog_core::checkpoint::SignedCheckpoint;
use tlog_core::client::{TileReader, TileSource};
use tlog_core::merkle::verify_consistency;
use tlog_core::verify::VerifiedLog;

/// What the served checkpoint is to the remembered one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The very checkpoint remembered (size and root).
    Same,
    /// The log grew, consistently, from the size remembered.
    Extends { from: u64 },
    /// The log served an older checkpoint than the one remembered, shown
    /// to be a prefix of it (a mirror behind, a cache): keep the
    /// remembered one.
    Older { remembered: u64 },
}

/// The two checkpoints cannot be one history (or the remembered one is not
/// this log's): why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{why}")]
pub struct Fork {
    pub why: String,
}

/// Checks a verified log against the checkpoint remembered for it, with a
/// consistency proof from the log's own tiles.
pub fn check<S: TileSource>(
    source: &S,
    key: &VerifierKey,
    log: &VerifiedLog,
    remembered: &[u8],
) -> Result<Seen, Fork> {
    let fork = |why: String| Fork { why };
    let old = SignedCheckpoint::parse(remembered)
        .and_then(|c| c.verify(Some(key), &[]).map(|_| c))
        .map_err(|e| {
            fork(format!(
                "the remembered checkpoint does not verify with the log's key: {e}"
            ))
        })?;
    let served = log.checkpoint();
    if old.checkpoint.origin != served.checkpoint.origin {
        return Err(fork(format!(
            "the remembered checkpoint is of {:?}, this log is {:?}",
            old.checkpoint.origin, served.checkpoint.origin
        )));
    }
    let (m, n) = (old.checkpoint.size, served.checkpoint.size);
    let (old_root, new_root) = (old.checkpoint.root, served.checkpoint.root);
    let mut reader = TileReader::new(source);
    if m == n {
        if old_root != new_root {
            return Err(fork(format!(
                "two checkpoints of size {n} with different roots ({old_root} remembered, {new_root} served)"
            )));
        }
        return Ok(Seen::Same);
    }
    if m < n {
        let proof = reader
            .consistency_proof(m, n)
            .map_err(|e| fork(format!("no consistency proof from size {m} to {n}: {e}")))?;
        verify_consistency(m, n, &old_root, &new_root, &proof).map_err(|e| {
            fork(format!(
                "the log of size {n} does not extend the remembered one of size {m}: {e}"
            ))
        })?;
        return Ok(Seen::Extends { from: m });
    }
    // Served older than remembered: it must be a prefix of the tree
    // remembered, which the source must be able to show.
    let proof = reader.consistency_proof(n, m).map_err(|e| {
        fork(format!(
            "the log served size {n}, older than the size {m} remembered, and cannot show that it is a prefix of it: {e}"
        ))
    })?;
    verify_consistency(n, m, &new_root, &old_root, &proof).map_err(|e| {
        fork(format!(
            "the log served size {n}, which is not a prefix of the size {m} remembered: {e}"
        ))
    })?;
    Ok(Seen::Older { remembered: m })
}
