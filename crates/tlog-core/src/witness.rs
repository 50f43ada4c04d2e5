//! The C2SP tlog-witness wire format: the `add-checkpoint` request body, the
//! signature lines of a 200 response, and the size of a 409 response. No
//! HTTP here: the witness server, the log that asks witnesses and the mirror
//! all speak through these functions, so that there is one reading of the
//! spec's syntax.
//!
//! What a witness then decides (the 404/403/400/409/422 rules) needs its
//! state and lives with it; what is pure is [`check_request`].

use crate::checkpoint::Checkpoint;
use crate::hash::Hash;
use crate::merkle::{ProofError, verify_consistency};
use crate::note::{Note, NoteError, NoteSignature};

/// The media type of a 409 response's body.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";
/// A client must not send more proof lines than this.
pub const MAX_PROOF_LINES: usize = 63;
/// Request bodies larger than this are refused before parsing: 63 proof
/// lines and a checkpoint with a hundred signatures (ML-DSA ones are about
/// 3.3 KB each) fit well within it.
pub const MAX_REQUEST_SIZE: usize = 512 << 10;

/// Why a request or response body does not follow the spec's syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("body is {0} bytes; at most {MAX_REQUEST_SIZE} are accepted")]
    TooLarge(usize),
    #[error("line {line}: {why}")]
    Line { line: usize, why: String },
    #[error("more than {MAX_PROOF_LINES} consistency proof lines")]
    TooManyProofLines,
    #[error("no blank line between the proof and the checkpoint")]
    NoBlankLine,
    #[error("the checkpoint is not a signed note: {0}")]
    Note(#[from] NoteError),
    #[error("response line {line} is not a signature line ending in a newline")]
    SignatureLine { line: usize },
    #[error("a 409 body must be a decimal size and a newline, got {0:?}")]
    Size(String),
}

/// An `add-checkpoint` request: the size the client believes the witness
/// holds, a consistency proof from it, and the signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpoint {
    pub old_size: u64,
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, as sent.
    pub checkpoint: Vec<u8>,
}

/// A decimal with no leading zeroes (`0` itself allowed).
fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

impl AddCheckpoint {
    /// Parses a request body: `old <size>\n`, up to 63 base64 hash lines, an
    /// empty line, then the checkpoint note.
    pub fn parse(body: &[u8]) -> Result<AddCheckpoint, WireError> {
        if body.len() > MAX_REQUEST_SIZE {
            return Err(WireError::TooLarge(body.len()));
        }
        let line_err = |line: usize, why: &str| WireError::Line {
            line,
            why: why.to_string(),
        };
        let mut rest = body;
        let mut next_line = |n: usize| -> Result<&[u8], WireError> {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .ok_or_else(|| line_err(n, "does not end in a newline"))?;
            let line = &rest[..end];
            rest = &rest[end + 1..];
            Ok(line)
        };
        let first = next_line(1)?;
        let first = std::str::from_utf8(first).map_err(|_| line_err(1, "not UTF-8"))?;
        let old_size = first
            .strip_prefix("old ")
            .and_then(parse_decimal)
            .ok_or_else(|| {
                line_err(
                    1,
                    "must be \"old \" and a decimal size with no leading zeroes",
                )
            })?;
        let mut proof = Vec::new();
        let mut n = 1;
        loop {
            n += 1;
            let line = next_line(n).map_err(|_| WireError::NoBlankLine)?;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_LINES {
                return Err(WireError::TooManyProofLines);
            }
            let hash = std::str::from_utf8(line)
                .ok()
                .and_then(Hash::from_base64)
                .ok_or_else(|| line_err(n, "a proof line must be the base64 of 32 bytes"))?;
            proof.push(hash);
        }
        Note::parse(rest)?;
        Ok(AddCheckpoint {
            old_size,
            proof,
            checkpoint: rest.to_vec(),
        })
    }

    /// The request body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("old {}\n", self.old_size).into_bytes();
        for h in &self.proof {
            out.extend_from_slice(h.to_base64().as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(&self.checkpoint);
        out
    }
}

/// Parses a 200 response: one or more note signature lines.
pub fn parse_signature_lines(body: &[u8]) -> Result<Vec<NoteSignature>, WireError> {
    if body.is_empty() || !body.ends_with(b"\n") {
        return Err(WireError::SignatureLine { line: 1 });
    }
    // The signature block of a note is exactly this syntax: parse it as the
    // signatures of a dummy note, so that there is one parser of it.
    let mut note = b"x\n\n".to_vec();
    note.extend_from_slice(body);
    let parsed = Note::parse(&note).map_err(|e| match e {
        NoteError::BadSignatureLine { line, .. } => WireError::SignatureLine { line },
        other => WireError::Note(other),
    })?;
    Ok(parsed.signatures().to_vec())
}

/// A 200 response body: the signature lines.
pub fn signature_lines(sigs: &[NoteSignature]) -> Vec<u8> {
    let mut out = String::new();
    for s in sigs {
        out.push_str(&s.line());
        out.push('\n');
    }
    out.into_bytes()
}

/// Parses a 409 response body: a decimal size and a newline.
pub fn parse_size(body: &[u8]) -> Result<u64, WireError> {
    let text = std::str::from_utf8(body).unwrap_or("");
    text.strip_suffix('\n')
        .and_then(parse_decimal)
        .ok_or_else(|| WireError::Size(String::from_utf8_lossy(body).into_owned()))
}

/// What a witness holds for one log: the latest checkpoint it cosigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Latest {
    pub size: u64,
    pub root: Hash,
}

/// A witness's decision on a request whose log signature has been verified
/// (the 404 and 403 rules come first and need the witness's key list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Cosign, and record the checkpoint as the latest.
    Cosign,
    /// 400: the request contradicts itself (old size above the checkpoint's).
    BadRequest(String),
    /// 409: the old size is not the size the witness holds (given).
    Conflict(u64),
    /// 422: the proof does not verify, or the checkpoint does not extend
    /// what the witness holds. `misbehaviour` is set when the request, its
    /// log signature verified, proves by itself that the log misbehaved: a
    /// checkpoint of the size held with another root; one of size 0 whose
    /// root is not the empty tree's; or a proof that reproduces the new
    /// root from a prefix whose root is not the one held
    /// ([`proven_prefix_root`]).
    Unprocessable { why: String, misbehaviour: bool },
}

/// The spec's checks of an `add-checkpoint` request against what the
/// witness holds for its origin (`None`: it never cosigned one), in the
/// spec's order: 400, 409, 422.
pub fn check_request(latest: Option<&Latest>, req: &AddCheckpoint, cp: &Checkpoint) -> Decision {
    if req.old_size > cp.size {
        return Decision::BadRequest(format!(
            "old size {} is larger than the checkpoint's size {}",
            req.old_size, cp.size
        ));
    }
    let held = latest.map_or(0, |l| l.size);
    if req.old_size != held {
        return Decision::Conflict(held);
    }
    if cp.size == 0 && cp.root != Hash::EMPTY_ROOT {
        return Decision::Unprocessable {
            why: "a checkpoint of size 0 must have the empty tree's root".into(),
            // No tree has it: the log's signature on it is proof enough.
            misbehaviour: true,
        };
    }
    let Some(latest) = latest.filter(|l| l.size > 0) else {
        if !req.proof.is_empty() {
            return Decision::Unprocessable {
                why: "old size 0 takes an empty consistency proof".into(),
                misbehaviour: false,
            };
        }
        return Decision::Cosign;
    };
    if latest.size == cp.size {
        if latest.root != cp.root {
            return Decision::Unprocessable {
                why: format!(
                    "the log signed two checkpoints of size {} with different roots (held {}, now {})",
                    cp.size, latest.root, cp.root
                ),
                misbehaviour: true,
            };
        }
        if !req.proof.is_empty() {
            return Decision::Unprocessable {
                why: "a checkpoint of the size held takes an empty consistency proof".into(),
                misbehaviour: false,
            };
        }
        return Decision::Cosign;
    }
    match verify_consistency(latest.size, cp.size, &latest.root, &cp.root, &req.proof) {
        Ok(()) => Decision::Cosign,
        Err(e) => match proven_prefix_root(latest.size, cp.size, &cp.root, &req.proof) {
            Some(prefix) => Decision::Unprocessable {
                why: format!(
                    "the log's tree of size {} has a prefix of size {} with root {prefix}, \
                     not the root {} it signed before: the proof sent reproduces the new root",
                    cp.size, latest.size, latest.root
                ),
                misbehaviour: true,
            },
            None => Decision::Unprocessable {
                why: format!(
                    "the consistency proof from size {} to {} does not verify: {e}",
                    latest.size, cp.size
                ),
                // A proof that fails to reach the new root proves nothing by
                // itself (anyone can send bad hashes with a genuine
                // checkpoint); it is kept for a human to look at, marked as
                // such.
                misbehaviour: false,
            },
        },
    }
}

/// The root of the first `old_size` leaves of the tree whose root is
/// `new_root`, as a consistency proof from `old_size` to `new_size` commits
/// to it, when the proof reproduces `new_root`.
///
/// The RFC 9162 verifier computes the old and the new root from the same
/// hashes, each hash that enters the old root entering the new one too. So a
/// proof that reproduces the log's signed new root fixes the old root as well
/// (short of a SHA-256 collision), and when that root is not the one the log
/// signed for `old_size`, the two signed checkpoints together with the proof
/// prove the log forked. `None` when the proof does not reproduce `new_root`,
/// or when `old_size` is a power of two (or 0, or not below `new_size`): the
/// old root is then an input of the verification, not a result.
pub fn proven_prefix_root(
    old_size: u64,
    new_size: u64,
    new_root: &Hash,
    proof: &[Hash],
) -> Option<Hash> {
    if old_size == 0 || old_size >= new_size || old_size.is_power_of_two() {
        return None;
    }
    // Any old root will do to learn the one the proof computes.
    let probe = Hash([0; 32]);
    let computed = match verify_consistency(old_size, new_size, &probe, new_root, proof) {
        Ok(()) => probe,
        Err(ProofError::OldRootMismatch { computed, .. }) => computed,
        Err(_) => return None,
    };
    verify_consistency(old_size, new_size, &computed, new_root, proof)
        .is_ok()
        .then_some(computed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_requests_say_where() {
        let cases: &[(&str, &str)] = &[
            ("old 01\n\nx\n\n— a AAAAAAA=\n", "line 1"),
            ("old -1\n\nx\n\n— a AAAAAAA=\n", "line 1"),
            ("new 1\n\nx\n\n— a AAAAAAA=\n", "line 1"),
            ("old 1\nnot-base64\n\nx\n\n— a AAAAAAA=\n", "line 2"),
            ("old 1\nAAAA\n\nx\n\n— a AAAAAAA=\n", "line 2"),
            ("old 1", "line 1"),
            ("old 1\n", "blank line"),
        ];
        for (body, want) in cases {
            let e = AddCheckpoint::parse(body.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{body:?}: {e}");
        }
        let mut many = "old 1\n".to_string();
        for _ in 0..64 {
            many.push_str(&Hash([1; 32]).to_base64());
            many.push('\n');
        }
        many.push_str("\nx\n\n— a AAAAAAA=\n");
        assert_eq!(
            AddCheckpoint::parse(many.as_bytes()),
            Err(WireError::TooManyProofLines)
        );
    }

    #[test]
    fn sizes_and_signature_lines() {
        assert_eq!(parse_size(b"42\n"), Ok(42));
        assert_eq!(parse_size(b"0\n"), Ok(0));
        assert!(parse_size(b"042\n").is_err());
        assert!(parse_size(b"42").is_err());
        let sig = NoteSignature {
            name: "w.example/w1".into(),
            key_id: 0x01020304,
            signature: vec![5; 72],
        };
        let body = signature_lines(std::slice::from_ref(&sig));
        assert_eq!(parse_signature_lines(&body).unwrap(), vec![sig]);
        assert!(parse_signature_lines(b"").is_err());
        assert!(parse_signature_lines(b"- w AAAAAAA=\n").is_err());
    }

    fn cp(size: u64, root: Hash) -> Checkpoint {
        Checkpoint {
            origin: "o".into(),
            size,
            root,
            extensions: vec![],
        }
    }

    #[test]
    fn decisions_follow_the_spec_order() {
        use crate::hash::{leaf_hash, merkle_root};
        use crate::merkle::{MemoryNodes, consistency_plan, resolve};
        let leaves: Vec<Hash> = (0..10u8).map(|i| leaf_hash(&[i])).collect();
        let root = |n: usize| merkle_root(&leaves[..n]);
        let proof = resolve(
            &consistency_plan(4, 10).unwrap(),
            &mut MemoryNodes { leaves: &leaves },
        )
        .unwrap();
        let held = Latest {
            size: 4,
            root: root(4),
        };
        let req = |old, proof: Vec<Hash>| AddCheckpoint {
            old_size: old,
            proof,
            checkpoint: vec![],
        };
        assert_eq!(
            check_request(Some(&held), &req(4, proof.clone()), &cp(10, root(10))),
            Decision::Cosign
        );
        assert!(matches!(
            check_request(Some(&held), &req(11, vec![]), &cp(10, root(10))),
            Decision::BadRequest(_)
        ));
        assert_eq!(
            check_request(Some(&held), &req(0, vec![]), &cp(10, root(10))),
            Decision::Conflict(4)
        );
        assert_eq!(
            check_request(None, &req(4, vec![]), &cp(10, root(10))),
            Decision::Conflict(0)
        );
        assert_eq!(
            check_request(None, &req(0, vec![]), &cp(10, root(10))),
            Decision::Cosign
        );
        assert!(matches!(
            check_request(None, &req(0, proof.clone()), &cp(10, root(10))),
            Decision::Unprocessable {
                misbehaviour: false,
                ..
            }
        ));
        // A fork: same size, another root.
        assert!(matches!(
            check_request(Some(&held), &req(4, vec![]), &cp(4, root(5))),
            Decision::Unprocessable {
                misbehaviour: true,
                ..
            }
        ));
        // The same checkpoint again is cosigned again.
        assert_eq!(
            check_request(Some(&held), &req(4, vec![]), &cp(4, root(4))),
            Decision::Cosign
        );
        // A proof to another tree fails.
        assert!(matches!(
            check_request(Some(&held), &req(4, proof), &cp(10, root(9))),
            Decision::Unprocessable { .. }
        ));
        assert!(matches!(
            check_request(None, &req(0, vec![]), &cp(0, root(1))),
            Decision::Unprocessable {
                misbehaviour: true,
                ..
            }
        ));
    }

    #[test]
    fn a_proof_reaching_the_new_root_from_another_prefix_proves_a_fork() {
        use crate::hash::{leaf_hash, merkle_root};
        use crate::merkle::{MemoryNodes, consistency_plan, resolve};
        let honest: Vec<Hash> = (0..12u8).map(|i| leaf_hash(&[i])).collect();
        // Same key, another history from leaf 3 on.
        let forked: Vec<Hash> = (0..12u8)
            .map(|i| leaf_hash(&[if i < 3 { i } else { i + 100 }]))
            .collect();
        let prove = |leaves: &[Hash], old, new| {
            resolve(
                &consistency_plan(old, new).unwrap(),
                &mut MemoryNodes {
                    leaves: &leaves[..new as usize],
                },
            )
            .unwrap()
        };
        let req = |old, proof: Vec<Hash>| AddCheckpoint {
            old_size: old,
            proof,
            checkpoint: vec![],
        };
        for held_size in [5u64, 6, 7] {
            let held = Latest {
                size: held_size,
                root: merkle_root(&honest[..held_size as usize]),
            };
            let proof = prove(&forked, held_size, 11);
            let new_root = merkle_root(&forked[..11]);
            assert_eq!(
                proven_prefix_root(held_size, 11, &new_root, &proof),
                Some(merkle_root(&forked[..held_size as usize]))
            );
            assert!(matches!(
                check_request(
                    Some(&held),
                    &req(held_size, proof.clone()),
                    &cp(11, new_root)
                ),
                Decision::Unprocessable {
                    misbehaviour: true,
                    ..
                }
            ));
            // Junk hashes reach no signed root: proof of nothing.
            let mut junk = proof;
            junk[0] = Hash([9; 32]);
            let d = check_request(Some(&held), &req(held_size, junk), &cp(11, new_root));
            assert!(
                matches!(
                    d,
                    Decision::Unprocessable {
                        misbehaviour: false,
                        ..
                    }
                ),
                "{d:?}"
            );
        }
        // From a power of two the old root is an input: nothing is proved.
        let held = Latest {
            size: 4,
            root: merkle_root(&honest[..4]),
        };
        let proof = prove(&forked, 4, 11);
        assert_eq!(
            proven_prefix_root(4, 11, &merkle_root(&forked[..11]), &proof),
            None
        );
        assert!(matches!(
            check_request(
                Some(&held),
                &req(4, proof),
                &cp(11, merkle_root(&forked[..11]))
            ),
            Decision::Unprocessable {
                misbehaviour: false,
                ..
            }
        ));
    }
}
