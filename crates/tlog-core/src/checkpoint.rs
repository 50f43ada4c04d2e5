//! C2SP tlog-checkpoint: a signed note whose text is the log's origin, its
//! tree size and its root hash, then optional extension lines.

use crate::hash::Hash;
use crate::keys::{KeyType, VerifierKey, split_cosignature};
use crate::note::{Note, NoteError, NoteSigner, NoteVerifier};

/// The body of a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    pub extensions: Vec<String>,
}

/// A checkpoint body that does not follow the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint text must be at least three lines: origin, size, root hash")]
    TooShort,
    #[error("checkpoint origin line is empty")]
    EmptyOrigin,
    #[error("checkpoint tree size {0:?} is not a decimal number without leading zeroes")]
    BadSize(String),
    #[error("checkpoint root hash {0:?} is not the base64 of 32 bytes")]
    BadRoot(String),
    #[error("checkpoint extension line {0} is empty")]
    EmptyExtension(usize),
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("checkpoint origin {origin:?} is not the log's ({expected:?})")]
    WrongOrigin { origin: String, expected: String },
    #[error("checkpoint is not signed by {0}")]
    MissingSignature(String),
}

impl Checkpoint {
    /// Parses a checkpoint's note text (ending in a newline).
    pub fn parse_text(text: &str) -> Result<Checkpoint, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::TooShort)?;
        let lines: Vec<&str> = body.split('\n').collect();
        if lines.len() < 3 {
            return Err(CheckpointError::TooShort);
        }
        if lines[0].is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        let size_s = lines[1];
        let size_ok = !size_s.is_empty()
            && size_s.bytes().all(|b| b.is_ascii_digit())
            && (size_s == "0" || !size_s.starts_with('0'));
        let size: u64 = if size_ok { size_s.parse().ok() } else { None }
            .ok_or_else(|| CheckpointError::BadSize(size_s.to_string()))?;
        let root = Hash::from_base64(lines[2])
            .ok_or_else(|| CheckpointError::BadRoot(lines[2].to_string()))?;
        let mut extensions = Vec::new();
        for (i, l) in lines[3..].iter().enumerate() {
            if l.is_empty() {
                return Err(CheckpointError::EmptyExtension(i + 1));
            }
            extensions.push(l.to_string());
        }
        Ok(Checkpoint {
            origin: lines[0].to_string(),
            size,
            root,
            extensions,
        })
    }

    /// The checkpoint's note text.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}\n{}\n{}\n", self.origin, self.size, self.root);
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Signs the checkpoint, producing a note.
    pub fn sign(&self, signer: &dyn NoteSigner) -> Result<SignedCheckpoint, CheckpointError> {
        let mut note = Note::new(self.to_text())?;
        note.sign(signer)?;
        Ok(SignedCheckpoint {
            checkpoint: self.clone(),
            note,
        })
    }
}

/// A checkpoint with its note and signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: Note,
}

/// A witness's cosignature found on a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosignature {
    pub witness: String,
    pub timestamp: u64,
}

impl SignedCheckpoint {
    /// Parses a checkpoint note without verifying any signature.
    pub fn parse(bytes: &[u8]) -> Result<SignedCheckpoint, CheckpointError> {
        let note = Note::parse(bytes)?;
        let checkpoint = Checkpoint::parse_text(note.text())?;
        Ok(SignedCheckpoint { checkpoint, note })
    }

    /// Parses a checkpoint and checks it with [`SignedCheckpoint::verify`].
    pub fn open(
        bytes: &[u8],
        log_key: Option<&VerifierKey>,
        witnesses: &[VerifierKey],
    ) -> Result<(SignedCheckpoint, Vec<Cosignature>), CheckpointError> {
        let cp = SignedCheckpoint::parse(bytes)?;
        let cosigs = cp.verify(log_key, witnesses)?;
        Ok((cp, cosigs))
    }

    /// Checks the log's signature (when its key is given: the origin must
    /// then be the key's name, as C2SP recommends and every accord log does)
    /// and that every listed witness has cosigned. Signatures by other keys
    /// are ignored; a bad signature by a listed key fails the whole note.
    pub fn verify(
        &self,
        log_key: Option<&VerifierKey>,
        witnesses: &[VerifierKey],
    ) -> Result<Vec<Cosignature>, CheckpointError> {
        let mut known: Vec<&dyn NoteVerifier> = Vec::new();
        if let Some(log_key) = log_key {
            if self.checkpoint.origin != log_key.name() {
                return Err(CheckpointError::WrongOrigin {
                    origin: self.checkpoint.origin.clone(),
                    expected: log_key.name().to_string(),
                });
            }
            known.push(log_key);
        }
        known.extend(witnesses.iter().map(|w| w as &dyn NoteVerifier));
        if known.is_empty() {
            return Err(CheckpointError::MissingSignature(
                "(no key given to check it with)".into(),
            ));
        }
        self.note.verify(&known)?;
        if let Some(log_key) = log_key
            && !self.note.is_signed_by(log_key)
        {
            return Err(CheckpointError::MissingSignature(log_key.to_string()));
        }
        let mut out = Vec::new();
        for w in witnesses {
            let sig = self
                .note
                .signatures()
                .iter()
                .find(|s| s.name == w.name() && s.key_id == w.key_id())
                .ok_or_else(|| CheckpointError::MissingSignature(w.to_string()))?;
            let timestamp = match w.key_type() {
                KeyType::Cosignature => split_cosignature(&sig.signature)
                    .map(|(t, _)| t)
                    .unwrap_or(0),
                KeyType::Ed25519 => 0,
            };
            out.push(Cosignature {
                witness: w.name().to_string(),
                timestamp,
            });
        }
        Ok(out)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.note.to_bytes()
    }
}
