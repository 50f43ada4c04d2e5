//! C2SP tlog-proof text (`c2sp.org/tlog-proof@v1`), read: the entry's
//! index, the inclusion proof's hashes, and the checkpoint they lead to.
//! (`tlog_core::proof` writes it.)

use tlog_core::Hash;

/// A tlog-proof, parsed, nothing verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
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
pub enum ProofError {
    #[error("the proof does not start with the line c2sp.org/tlog-proof@v1")]
    Header,
    #[error("the proof has no `index N` line after its header")]
    Index,
    #[error("line {line} of the proof is not a base64 hash of 32 bytes")]
    Hash { line: usize },
    #[error("the proof has no empty line before its checkpoint")]
    NoCheckpoint,
}

/// Parses a proof.
pub fn parse(text: &[u8]) -> Result<Proof, ProofError> {
    let mut rest = text;
    let mut next_line = || -> Option<&[u8]> {
        let end = rest.iter().position(|&b| b == b'\n')?;
        let (line, tail) = rest.split_at(end);
        rest = &tail[1..];
        Some(line)
    };
    if next_line() != Some(b"c2sp.org/tlog-proof@v1".as_slice()) {
        return Err(ProofError::Header);
    }
    let mut line = next_line().ok_or(ProofError::Index)?;
    let mut extra = None;
    if let Some(e) = line.strip_prefix(b"extra ") {
        extra = Some(String::from_utf8_lossy(e).into_owned());
        line = next_line().ok_or(ProofError::Index)?;
    }
    let index = line
        .strip_prefix(b"index ")
        .and_then(|n| std::str::from_utf8(n).ok())
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .filter(|n| *n == "0" || !n.starts_with('0'))
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or(ProofError::Index)?;
    let mut hashes = Vec::new();
    let mut n = if extra.is_some() { 4 } else { 3 };
    loop {
        let line = next_line().ok_or(ProofError::NoCheckpoint)?;
        if line.is_empty() {
            break;
        }
        let h = std::str::from_utf8(line)
            .ok()
            .and_then(Hash::from_base64)
            .ok_or(ProofError::Hash { line: n })?;
        hashes.push(h);
        n += 1;
    }
    Ok(Proof {
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
        let h = tlog_core::leaf_hash(b"x");
        let text = tlog_core::proof::text(7, &[h, h], b"origin\n8\nAAAA\n\n- sig\n");
        let p = parse(text.as_bytes()).unwrap();
        assert_eq!(p.index, 7);
        assert_eq!(p.hashes, vec![h, h]);
        assert_eq!(p.checkpoint, b"origin\n8\nAAAA\n\n- sig\n");
    }

    #[test]
    fn reads_the_spec_form_with_extra_and_refuses_the_rest() {
        let h = tlog_core::leaf_hash(b"x");
        let p =
            parse(format!("c2sp.org/tlog-proof@v1\nextra YQ==\nindex 0\n{h}\n\ncp\n").as_bytes())
                .unwrap();
        assert_eq!((p.index, p.extra.as_deref()), (0, Some("YQ==")));
        assert_eq!(parse(b"tlog-proof\n"), Err(ProofError::Header));
        assert_eq!(
            parse(b"c2sp.org/tlog-proof@v1\nindex 01\n\n"),
            Err(ProofError::Index)
        );
        assert_eq!(
            parse(b"c2sp.org/tlog-proof@v1\nindex 1\nnot-a-hash\n\n"),
            Err(ProofError::Hash { line: 3 })
        );
        assert_eq!(
            parse(format!("c2sp.org/tlog-proof@v1\nindex 1\n{h}\n").as_bytes()),
            Err(ProofError::NoCheckpoint)
        );
    }
}
