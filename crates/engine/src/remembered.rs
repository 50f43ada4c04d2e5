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

/// The remembered checkpoint with the signature lines the served one adds:
/// the same checkpoint, cosigned since by more witnesses, is kept with
/// every cosignature seen. `None` when the served one adds no line, or is
/// not the same checkpoint.
pub fn with_new_cosignatures(remembered: &[u8], served: &[u8]) -> Option<Vec<u8>> {
    let mut kept = tlog_core::Note::parse(remembered).ok()?;
    let served = tlog_core::Note::parse(served).ok()?;
    if kept.text() != served.text() {
        return None;
    }
    let mut added = false;
    for line in served.signatures() {
        let known = kept
            .signatures()
            .iter()
            .any(|l| l.name == line.name && l.key_id == line.key_id);
        if !known && kept.add_signature(line.clone()).is_ok() {
            added = true;
        }
    }
    added.then(|| kept.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlog_core::cosignature::{CosignatureType, CosignerSecret};
    use tlog_core::{Checkpoint, Hash, KeyType, SignerKey};

    #[test]
    fn the_same_checkpoint_keeps_every_cosignature_seen() {
        let log = SignerKey::from_seed("log.example", KeyType::Ed25519, [1; 32]).unwrap();
        let cp = Checkpoint {
            origin: "log.example".into(),
            size: 3,
            root: Hash([3; 32]),
            extensions: vec![],
        }
        .sign(&log)
        .unwrap();
        let w = |seed| {
            CosignerSecret::from_seed(&format!("w{seed}"), CosignatureType::Ed25519, [seed; 32])
                .unwrap()
                .cosign(&cp.checkpoint, 10)
                .unwrap()
        };
        let mut first = cp.clone();
        first.note.add_signature(w(2)).unwrap();
        let mut second = cp.clone();
        second.note.add_signature(w(3)).unwrap();
        second.note.add_signature(w(2)).unwrap();
        let merged = with_new_cosignatures(&first.to_bytes(), &second.to_bytes()).unwrap();
        let merged = tlog_core::Note::parse(&merged).unwrap();
        let names: Vec<&str> = merged
            .signatures()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["log.example", "w2", "w3"]);
        // Nothing new: nothing to write.
        assert!(with_new_cosignatures(&second.to_bytes(), &first.to_bytes()).is_none());
        // Another checkpoint is not merged into it.
        let other = Checkpoint {
            root: Hash([4; 32]),
            ..cp.checkpoint.clone()
        }
        .sign(&log)
        .unwrap();
        assert!(with_new_cosignatures(&first.to_bytes(), &other.to_bytes()).is_none());
    }
}
