//! An entry proved: C2SP tlog-proof (`c2sp.org/tlog-proof@v1`) — the
//! entry's index, the inclusion proof's hashes, and the checkpoint they
//! lead to — made from a log's tiles and checked before it is handed out,
//! so that a proof that does not verify is never given to anyone.

use crate::client::{ReadError, TileReader, TileSource};
use crate::hash::{Hash, leaf_hash};
use crate::merkle::{ProofError, verify_inclusion};
use crate::verify::{VerifiedLog, VerifyError};

/// An entry of a verified log, with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvedEntry {
    pub index: u64,
    /// The entry, checked against the verified tree as it was read.
    pub entry: Vec<u8>,
    pub hashes: Vec<Hash>,
    /// The checkpoint (signed note) the proof leads to.
    pub checkpoint: Vec<u8>,
}

/// Why an entry could not be proved.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error(transparent)]
    Entry(#[from] VerifyError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("the log's tiles do not prove entry {index}: {why}")]
    Proof { index: u64, why: ProofError },
}

impl ProvedEntry {
    /// The C2SP tlog-proof text.
    pub fn text(&self) -> String {
        text(self.index, &self.hashes, &self.checkpoint)
    }
}

/// The C2SP tlog-proof text of an inclusion proof against a checkpoint.
pub fn text(index: u64, hashes: &[Hash], checkpoint: &[u8]) -> String {
    let mut out = format!("c2sp.org/tlog-proof@v1\nindex {index}\n");
    for h in hashes {
        out.push_str(&format!("{h}\n"));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(checkpoint));
    out
}

/// Proves the entry at `index` of a verified log, against its verified
/// checkpoint: the entry read through the verified tree, the proof from
/// the source's tiles, checked against the checkpoint's root.
pub fn prove<S: TileSource>(
    reader: &mut TileReader<S>,
    log: &VerifiedLog,
    index: u64,
) -> Result<ProvedEntry, ProveError> {
    let cp = log.checkpoint();
    let (size, root) = (cp.checkpoint.size, cp.checkpoint.root);
    let entry = log.entry(reader.source(), index)?;
    let hashes = reader.inclusion_proof(size, index)?;
    verify_inclusion(index, size, &leaf_hash(&entry), &hashes, &root)
        .map_err(|why| ProveError::Proof { index, why })?;
    Ok(ProvedEntry {
        index,
        entry,
        hashes,
        checkpoint: cp.to_bytes(),
    })
}
