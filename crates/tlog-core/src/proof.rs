//! An entry proved: C2SP tlog-proof (`c2sp.org/tlog-proof@v1`) — the
//! entry's index, the inclusion proof's hashes, and the checkpoint they
//! lead to — made from a log's tiles and checked before it is handed out,
//! so that a proof that does not verify is never given to anyone; and
//! read back ([`parse`]), by those who check one.

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

/// A tlog-proof as read: nothing verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofText {
    pub index: u64,
    pub hashes: Vec<Hash>,
    /// The checkpoint, a signed note, as given.
    pub checkpoint: Vec<u8>,
    /// The optional opaque `extra` data, base64-decoded is the reader's
    /// business: kept as written.
    pub extra: Option<String>,
}

/// Why a text is not a tlog-proof.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofTextError {
    #[error("the proof does not start with the line c2sp.org/tlog-proof@v1")]
    Header,
    #[error("the proof has no `index N` line after its header")]
    Index,
    #[error("line {line} of the proof is not a base64 hash of 32 bytes")]
    Hash { line: usize },
    #[error("the proof has no empty line before its checkpoint")]
    NoCheckpoint,
}

/// Reads a proof (what [`text`] writes, and the spec's form with an
/// `extra` line); nothing is verified.
pub fn parse(text: &[u8]) -> Result<ProofText, ProofTextError> {
    let mut rest = text;
    let mut next_line = || -> Option<&[u8]> {
        let end = rest.iter().position(|&b| b == b'\n')?;
        let (line, tail) = rest.split_at(end);
        rest = &tail[1..];
        Some(line)
    };
    if next_line() != Some(b"c2sp.org/tlog-proof@v1".as_slice()) {
        return Err(ProofTextError::Header);
    }
    let mut line = next_line().ok_or(ProofTextError::Index)?;
    let mut extra = None;
    if let Some(e) = line.strip_prefix(b"extra ") {
        extra = Some(String::from_utf8_lossy(e).into_owned());
        line = next_line().ok_or(ProofTextError::Index)?;
    }
    let index = line
        .strip_prefix(b"index ")
        .and_then(|n| std::str::from_utf8(n).ok())
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .filter(|n| *n == "0" || !n.starts_with('0'))
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or(ProofTextError::Index)?;
    let mut hashes = Vec::new();
    let mut n = if extra.is_some() { 4 } else { 3 };
    loop {
        let line = next_line().ok_or(ProofTextError::NoCheckpoint)?;
        if line.is_empty() {
            break;
        }
        let h = std::str::from_utf8(line)
            .ok()
            .and_then(Hash::from_base64)
            .ok_or(ProofTextError::Hash { line: n })?;
        hashes.push(h);
        n += 1;
    }
    Ok(ProofText {
        index,
        hashes,
        checkpoint: rest.to_vec(),
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_tlog_core_writes() {
        let h = crate::hash::leaf_hash(b"x");
        let text = text(7, &[h, h], b"origin\n8\nAAAA\n\n- sig\n");
        let p = parse(text.as_bytes()).unwrap();
        assert_eq!(p.index, 7);
        assert_eq!(p.hashes, vec![h, h]);
        assert_eq!(p.checkpoint, b"origin\n8\nAAAA\n\n- sig\n");
    }

    #[test]
    fn reads_the_spec_form_with_extra_and_refuses_the_rest() {
        let h = crate::hash::leaf_hash(b"x");
        let p =
            parse(format!("c2sp.org/tlog-proof@v1\nextra YQ==\nindex 0\n{h}\n\ncp\n").as_bytes())
                .unwrap();
        assert_eq!((p.index, p.extra.as_deref()), (0, Some("YQ==")));
        assert_eq!(parse(b"tlog-proof\n"), Err(ProofTextError::Header));
        assert_eq!(
            parse(b"c2sp.org/tlog-proof@v1\nindex 01\n\n"),
            Err(ProofTextError::Index)
        );
        assert_eq!(
            parse(b"c2sp.org/tlog-proof@v1\nindex 1\nnot-a-hash\n\n"),
            Err(ProofTextError::Hash { line: 3 })
        );
        assert_eq!(
            parse(format!("c2sp.org/tlog-proof@v1\nindex 1\n{h}\n").as_bytes()),
            Err(ProofTextError::NoCheckpoint)
        );
    }
}
