//! Note keys: Ed25519 signatures (type 0x01) and timestamped Ed25519
//! cosignatures (type 0x04, C2SP tlog-cosignature), with their text forms
//! `name+hash+base64(type || public key)` (verifier key) and
//! `PRIVATE+KEY+name+hash+base64(type || seed)` (signer key).
//!
//! Signatures are checked under one rule, ZIP-215 (see [`crate::ed25519`]),
//! whether alone or in batches, and weak public keys (small order, with a
//! small-order component, or not canonically encoded) are refused when a
//! key is parsed, so that a key that would accept forged signatures can
//! never be registered.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest, Sha256};

use crate::ed25519::{PublicKey, check_key};
use crate::note::{NoteError, NoteSigner, NoteVerifier, is_valid_key_name};

/// Signature type bytes from the signed-note spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum KeyType {
    /// Ed25519 over the note text.
    Ed25519 = 0x01,
    /// A timestamped Ed25519 witness cosignature (`cosignature/v1`).
    Cosignature = 0x04,
}

impl KeyType {
    fn from_byte(b: u8) -> Option<KeyType> {
        match b {
            0x01 => Some(KeyType::Ed25519),
            0x04 => Some(KeyType::Cosignature),
            _ => None,
        }
    }
}

/// A malformed or unacceptable key string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("key must have the form {form}")]
    Form { form: &'static str },
    #[error("invalid key name {0:?}: names must be non-empty without spaces or '+'")]
    Name(String),
    #[error("key hash {0:?} must be 8 lower-case hexadecimal digits")]
    HashSyntax(String),
    #[error("key material is not standard base64")]
    Base64,
    #[error("unsupported key type 0x{0:02x} (supported: 0x01 Ed25519, 0x04 cosignature)")]
    UnsupportedType(u8),
    #[error(
        "unsupported cosignature key type 0x{0:02x} (supported: 0x04 Ed25519 cosignature/v1, 0x06 ML-DSA-44)"
    )]
    UnsupportedCosignatureType(u8),
    #[error(
        "key material is {got} bytes, want 33 (a type byte and a 32-byte key; 1313 for an ML-DSA-44 public key)"
    )]
    Length { got: usize },
    #[error("key hash {stated:08x} does not match the key (computed {computed:08x})")]
    HashMismatch { stated: u32, computed: u32 },
    #[error("public key is not a valid Ed25519 point")]
    InvalidPoint,
    #[error(
        "public key is weak (of small order, or with a small-order component): signatures by it prove nothing"
    )]
    WeakKey,
    #[error("public key is not canonically encoded: a key has one spelling")]
    NonCanonical,
    #[error("no randomness available to generate a key: {0}")]
    Random(String),
}

impl From<crate::ed25519::BadKey> for KeyError {
    fn from(e: crate::ed25519::BadKey) -> KeyError {
        use crate::ed25519::BadKey;
        match e {
            BadKey::InvalidPoint => KeyError::InvalidPoint,
            BadKey::NonCanonical => KeyError::NonCanonical,
            BadKey::Weak => KeyError::WeakKey,
        }
    }
}

/// The key ID of a key: the first four bytes of
/// SHA-256(name || "\n" || type || public key), big-endian.
pub fn key_id(name: &str, key_type: KeyType, public: &[u8; 32]) -> u32 {
    key_id_of(name, key_type as u8, public)
}

/// The signed-note key ID for a key of any type byte and length (ML-DSA-44
/// public keys are 1,312 bytes).
pub(crate) fn key_id_of(name: &str, type_byte: u8, public: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([type_byte]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A public key that verifies note signatures of one type.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_type: KeyType,
    key_id: u32,
    key: PublicKey,
}

impl VerifierKey {
    /// Parses `name+hash+base64(type || key)`. The base64 part may itself
    /// contain '+', so only the first two are separators.
    pub fn parse(s: &str) -> Result<VerifierKey, KeyError> {
        const FORM: &str = "name+hash+base64";
        let mut it = s.trim().splitn(3, '+');
        let (name, hash, b64) = match (it.next(), it.next(), it.next()) {
            (Some(n), Some(h), Some(k)) => (n, h, k),
            _ => return Err(KeyError::Form { form: FORM }),
        };
        let (key_type, material) = decode_material(name, hash, b64)?;
        let key = check_key(&material)?;
        Ok(VerifierKey {
            name: name.to_string(),
            key_type,
            key_id: parse_hash(hash)?,
            key,
        })
    }

    pub fn from_public(
        name: &str,
        key_type: KeyType,
        key: &[u8; 32],
    ) -> Result<VerifierKey, KeyError> {
        if !is_valid_key_name(name) {
            return Err(KeyError::Name(name.to_string()));
        }
        let key = check_key(key)?;
        let key_id = key_id(name, key_type, key.as_bytes());
        Ok(VerifierKey {
            name: name.to_string(),
            key_type,
            key_id,
            key,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }
    pub fn key_id(&self) -> u32 {
        self.key_id
    }
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// Checks a raw Ed25519 signature over `msg` with this key (ZIP-215).
    pub fn verify_raw(&self, msg: &[u8], sig: &[u8]) -> bool {
        self.key.verify(msg, sig)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = vec![self.key_type as u8];
        raw.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{:08x}+{}", self.name, self.key_id, B64.encode(raw))
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

impl NoteVerifier for VerifierKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        match self.key_type {
            KeyType::Ed25519 => self.verify_raw(text, signature),
            KeyType::Cosignature => {
                let Some((timestamp, sig)) = split_cosignature(signature) else {
                    return false;
                };
                self.verify_raw(&cosigned_message(timestamp, text), sig)
            }
        }
    }
}

/// A private key that signs notes (type 0x01) or cosigns checkpoints (0x04).
#[derive(Clone)]
pub struct SignerKey {
    name: String,
    key_type: KeyType,
    key_id: u32,
    // ed25519-dalek zeroizes the key when it is dropped.
    key: SigningKey,
}

impl SignerKey {
    /// Parses `PRIVATE+KEY+name+hash+base64(type || seed)`.
    pub fn parse(s: &str) -> Result<SignerKey, KeyError> {
        const FORM: &str = "PRIVATE+KEY+name+hash+base64";
        let mut it = s.trim().splitn(5, '+');
        let (p, k, name, hash, b64) = match (it.next(), it.next(), it.next(), it.next(), it.next())
        {
            (Some(p), Some(k), Some(n), Some(h), Some(b)) => (p, k, n, h, b),
            _ => return Err(KeyError::Form { form: FORM }),
        };
        if p != "PRIVATE" || k != "KEY" {
            return Err(KeyError::Form { form: FORM });
        }
        if !is_valid_key_name(name) {
            return Err(KeyError::Name(name.to_string()));
        }
        let stated = parse_hash(hash)?;
        let raw = B64.decode(b64).map_err(|_| KeyError::Base64)?;
        let key_type = KeyType::from_byte(*raw.first().ok_or(KeyError::Length { got: 0 })?)
            .ok_or(KeyError::UnsupportedType(raw[0]))?;
        let seed: [u8; 32] = raw[1..]
            .try_into()
            .map_err(|_| KeyError::Length { got: raw.len() })?;
        let sk = SigningKey::from_bytes(&seed);
        let computed = key_id(name, key_type, sk.verifying_key().as_bytes());
        if computed != stated {
            return Err(KeyError::HashMismatch { stated, computed });
        }
        Ok(SignerKey {
            name: name.to_string(),
            key_type,
            key_id: computed,
            key: sk,
        })
    }

    /// A signer from a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, key_type: KeyType, seed: [u8; 32]) -> Result<SignerKey, KeyError> {
        if !is_valid_key_name(name) {
            return Err(KeyError::Name(name.to_string()));
        }
        let sk = SigningKey::from_bytes(&seed);
        let key_id = key_id(name, key_type, sk.verifying_key().as_bytes());
        Ok(SignerKey {
            name: name.to_string(),
            key_type,
            key_id,
            key: sk,
        })
    }

    /// A fresh key from the operating system's randomness.
    #[cfg(feature = "keygen")]
    pub fn generate(name: &str, key_type: KeyType) -> Result<SignerKey, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
        let k = SignerKey::from_seed(name, key_type, seed);
        seed.fill(0);
        k
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key_type: self.key_type,
            key_id: self.key_id,
            key: check_key(self.key.verifying_key().as_bytes())
                .expect("a key made from a seed is a point of the prime-order subgroup"),
        }
    }

    /// The signer key's text form. It is secret: write it only to files only
    /// its owner can read.
    pub fn to_secret_string(&self) -> String {
        let mut raw = vec![self.key_type as u8];
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id,
            B64.encode(raw)
        )
    }

    /// A raw Ed25519 signature over `msg`.
    pub fn sign_raw(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }

    /// A cosignature/v1 over a checkpoint's note text at `timestamp`
    /// (seconds since the epoch): 8-byte big-endian timestamp || Ed25519.
    pub fn cosign(&self, text: &[u8], timestamp: u64) -> Result<Vec<u8>, NoteError> {
        if self.key_type != KeyType::Cosignature {
            return Err(NoteError::SignFailed(
                "not a cosignature (type 0x04) key".into(),
            ));
        }
        if timestamp > i64::MAX as u64 {
            return Err(NoteError::SignFailed("timestamp exceeds 2^63-1".into()));
        }
        let mut out = timestamp.to_be_bytes().to_vec();
        out.extend_from_slice(&self.sign_raw(&cosigned_message(timestamp, text)));
        Ok(out)
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SignerKey({}+{:08x}, secret elided)",
            self.name, self.key_id
        )
    }
}

impl NoteSigner for SignerKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, NoteError> {
        match self.key_type {
            KeyType::Ed25519 => Ok(self.sign_raw(text).to_vec()),
            KeyType::Cosignature => Err(NoteError::SignFailed(
                "a cosignature key needs a timestamp: use SignerKey::cosign".into(),
            )),
        }
    }
}

/// A cosigner bound to a timestamp, usable wherever a [`NoteSigner`] is.
pub struct TimestampedCosigner<'a> {
    pub key: &'a SignerKey,
    pub timestamp: u64,
}

impl NoteSigner for TimestampedCosigner<'_> {
    fn name(&self) -> &str {
        self.key.name()
    }
    fn key_id(&self) -> u32 {
        self.key.key_id()
    }
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, NoteError> {
        self.key.cosign(text, self.timestamp)
    }
}

/// The message a cosignature/v1 signs.
pub fn cosigned_message(timestamp: u64, text: &[u8]) -> Vec<u8> {
    let mut m = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    m.extend_from_slice(text);
    m
}

/// Splits a cosignature into its timestamp and Ed25519 signature.
pub fn split_cosignature(sig: &[u8]) -> Option<(u64, &[u8])> {
    if sig.len() != 8 + 64 {
        return None;
    }
    let ts = u64::from_be_bytes(sig[..8].try_into().ok()?);
    if ts > i64::MAX as u64 {
        return None;
    }
    Some((ts, &sig[8..]))
}

pub(crate) fn parse_hash(hash: &str) -> Result<u32, KeyError> {
    if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(KeyError::HashSyntax(hash.to_string()));
    }
    u32::from_str_radix(hash, 16).map_err(|_| KeyError::HashSyntax(hash.to_string()))
}

fn decode_material(name: &str, hash: &str, b64: &str) -> Result<(KeyType, [u8; 32]), KeyError> {
    if !is_valid_key_name(name) {
        return Err(KeyError::Name(name.to_string()));
    }
    let stated = parse_hash(hash)?;
    let raw = B64.decode(b64).map_err(|_| KeyError::Base64)?;
    let first = *raw.first().ok_or(KeyError::Length { got: 0 })?;
    let key_type = KeyType::from_byte(first).ok_or(KeyError::UnsupportedType(first))?;
    let material: [u8; 32] = raw[1..]
        .try_into()
        .map_err(|_| KeyError::Length { got: raw.len() })?;
    let computed = key_id(name, key_type, &material);
    if computed != stated {
        return Err(KeyError::HashMismatch { stated, computed });
    }
    Ok((key_type, material))
}
