//! C2SP signed notes: a UTF-8 text ending in a newline, a blank line, and
//! one or more signature lines `— <key name> base64(key ID || signature)`.
//!
//! Parsing ([`Note::parse`]) only checks the syntax; [`Note::verify`] applies
//! the spec's rules for trusting a note: signatures from unknown keys are
//! ignored, a known key's signature must verify, and at least one must.

use std::collections::HashSet;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Notes larger than this are rejected before parsing (accord's entries are
/// at most 64 KiB; checkpoints are far smaller).
pub const MAX_NOTE_SIZE: usize = 1 << 20;
/// More signature lines than this are rejected, as Go's note package does.
/// The spec requires accepting at least 16.
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";

/// A signed note's syntax error, or a failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("note is {size} bytes, more than the limit of {MAX_NOTE_SIZE}")]
    TooLarge { size: usize },
    #[error("note is not valid UTF-8 (at byte {at})")]
    NotUtf8 { at: usize },
    #[error("note contains control character U+{code:04X} at byte {at}; only newline is allowed")]
    ControlCharacter { at: usize, code: u32 },
    #[error("note has no blank line separating the text from the signatures")]
    NoSignatureBlock,
    #[error("note text must be non-empty and end in a newline")]
    BadText,
    #[error("signature line {line} is malformed: {why}")]
    BadSignatureLine { line: usize, why: &'static str },
    #[error("note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
    #[error("invalid key name {0:?}: names must be non-empty without spaces or '+'")]
    BadKeyName(String),
    #[error("signature by {name} (key ID {key_id:08x}) does not verify")]
    InvalidSignature { name: String, key_id: u32 },
    #[error("no signature by a known key (signed by: {signers})")]
    NoKnownSignature { signers: String },
    #[error("signing failed: {0}")]
    SignFailed(String),
}

/// A key name per the signed-note spec: non-empty, no Unicode space, no '+'.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// One signature line of a note.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    /// The signature proper, without the 4-byte key ID.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line as it appears in the note, without the trailing newline.
    pub fn line(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.key_id.to_be_bytes());
        raw.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}", self.name, B64.encode(raw))
    }
}

impl fmt::Debug for NoteSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoteSignature({} {:08x})", self.name, self.key_id)
    }
}

/// Something that can sign a note's text.
pub trait NoteSigner {
    fn name(&self) -> &str;
    fn key_id(&self) -> u32;
    /// The signature over `text` (without the key ID).
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, NoteError>;
}

/// Something that can check one kind of signature by one key.
pub trait NoteVerifier: Send + Sync {
    fn name(&self) -> &str;
    fn key_id(&self) -> u32;
    /// Whether `signature` (without the key ID) is valid over `text`.
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool;
}

/// A note: its text and its signature lines, in order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// What [`Note::verify`] found: the signatures that verified, in note order
/// (by index into [`Note::signatures`]), and those from unknown keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub verified: Vec<usize>,
    pub unknown: Vec<usize>,
}

impl Note {
    /// A note with the given text and no signatures yet. The text must end in
    /// a newline and obey the note character rules.
    pub fn new(text: impl Into<String>) -> Result<Note, NoteError> {
        let text = text.into();
        check_chars(text.as_bytes())?;
        if text.is_empty() || !text.ends_with('\n') || text.ends_with("\n\n") {
            return Err(NoteError::BadText);
        }
        Ok(Note {
            text,
            signatures: Vec::new(),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Parses a signed note, checking its syntax and the spec's limits. No
    /// signature is verified.
    pub fn parse(msg: &[u8]) -> Result<Note, NoteError> {
        if msg.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge { size: msg.len() });
        }
        let s = check_chars(msg)?;
        // The text ends at the last blank line.
        let split = s.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let text = &s[..split + 1];
        let sigs = &s[split + 2..];
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::NoSignatureBlock);
        }
        let mut signatures = Vec::new();
        for (i, line) in sigs[..sigs.len() - 1].split('\n').enumerate() {
            let line_no = i + 1;
            let bad = |why| NoteError::BadSignatureLine { line: line_no, why };
            let rest = line
                .strip_prefix(SIG_PREFIX)
                .ok_or(bad("does not start with \"— \""))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or(bad("no space between name and signature"))?;
            if !is_valid_key_name(name) {
                return Err(bad("invalid key name"));
            }
            let raw = B64
                .decode(b64)
                .map_err(|_| bad("signature is not standard base64"))?;
            if raw.len() < 5 {
                return Err(bad("signature shorter than a key ID and one byte"));
            }
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            signatures.push(NoteSignature {
                name: name.to_string(),
                key_id: u32::from_be_bytes(raw[..4].try_into().expect("4 bytes")),
                signature: raw[4..].to_vec(),
            });
        }
        Ok(Note {
            text: text.to_string(),
            signatures,
        })
    }

    /// The note in its wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.text.len() + 1 + 100 * self.signatures.len());
        out.push_str(&self.text);
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
            out.push('\n');
        }
        out.into_bytes()
    }

    /// Adds a signature by `signer`. Signing twice with the same key replaces
    /// nothing and adds nothing.
    pub fn sign(&mut self, signer: &dyn NoteSigner) -> Result<(), NoteError> {
        if !is_valid_key_name(signer.name()) {
            return Err(NoteError::BadKeyName(signer.name().to_string()));
        }
        if self
            .signatures
            .iter()
            .any(|s| s.name == signer.name() && s.key_id == signer.key_id())
        {
            return Ok(());
        }
        if self.signatures.len() == MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        let signature = signer.sign(self.text.as_bytes())?;
        self.signatures.push(NoteSignature {
            name: signer.name().to_string(),
            key_id: signer.key_id(),
            signature,
        });
        Ok(())
    }

    /// Adds an already-made signature line (a cosignature from a witness).
    pub fn add_signature(&mut self, sig: NoteSignature) -> Result<(), NoteError> {
        if !is_valid_key_name(&sig.name) {
            return Err(NoteError::BadKeyName(sig.name));
        }
        if self.signatures.contains(&sig) {
            return Ok(());
        }
        if self.signatures.len() == MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        self.signatures.push(sig);
        Ok(())
    }

    /// Verifies the note against a set of trusted keys, per the spec: every
    /// signature whose (name, key ID) is known must verify, unknown ones are
    /// ignored, and at least one known signature is required.
    pub fn verify(&self, known: &[&dyn NoteVerifier]) -> Result<Verified, NoteError> {
        let mut verified = Vec::new();
        let mut unknown = Vec::new();
        let mut seen: HashSet<(&str, u32)> = HashSet::new();
        for (i, sig) in self.signatures.iter().enumerate() {
            let v = known
                .iter()
                .find(|v| v.name() == sig.name && v.key_id() == sig.key_id);
            match v {
                None => unknown.push(i),
                Some(v) => {
                    if !v.verify(self.text.as_bytes(), &sig.signature) {
                        return Err(NoteError::InvalidSignature {
                            name: sig.name.clone(),
                            key_id: sig.key_id,
                        });
                    }
                    if seen.insert((&sig.name, sig.key_id)) {
                        verified.push(i);
                    }
                }
            }
        }
        if verified.is_empty() {
            let signers: Vec<String> = self
                .signatures
                .iter()
                .map(|s| format!("{}+{:08x}", s.name, s.key_id))
                .collect();
            return Err(NoteError::NoKnownSignature {
                signers: signers.join(", "),
            });
        }
        Ok(Verified { verified, unknown })
    }

    /// Whether the note carries a valid signature by `verifier`.
    pub fn is_signed_by(&self, verifier: &dyn NoteVerifier) -> bool {
        self.signatures.iter().any(|s| {
            s.name == verifier.name()
                && s.key_id == verifier.key_id()
                && verifier.verify(self.text.as_bytes(), &s.signature)
        })
    }
}

/// Checks UTF-8 and the control-character rule, returning the text.
fn check_chars(msg: &[u8]) -> Result<&str, NoteError> {
    let s = std::str::from_utf8(msg).map_err(|e| NoteError::NotUtf8 {
        at: e.valid_up_to(),
    })?;
    if let Some(at) = msg.iter().position(|&b| b < 0x20 && b != b'\n') {
        return Err(NoteError::ControlCharacter {
            at,
            code: u32::from(msg[at]),
        });
    }
    Ok(s)
}
