//! The one Ed25519 rule: ZIP-215, for every signature this project checks,
//! one at a time or in batches.
//!
//! Ed25519 as specified leaves verifiers a choice (RFC 8032 allows both the
//! cofactored equation `[8][s]B = [8]R + [8][k]A` and the cofactorless
//! `[s]B = R + [k]A`, and says nothing firm about non-canonical point
//! encodings), and implementations differ. Batch verification can only use
//! the cofactored equation. A signer who crafts a signature with a
//! small-order component can therefore make one that a batch accepts and a
//! strict single check refuses — so that two honest auditors, one verifying
//! in batches and one strictly, reach different statuses from the same log.
//!
//! ZIP-215 (<https://zips.z.cash/zip-0215>) fixes every choice: `A` and `R`
//! must decode to curve points, non-canonical encodings accepted; `s` must
//! be canonical (less than the group order); the cofactored equation alone.
//! Under it a batch accepts exactly when every signature in it would be
//! accepted alone. The `ed25519-consensus` crate implements it, single and
//! batch; this module is the only place that calls it.
//!
//! Keys are stricter than signatures: [`check_key`] refuses, when a key is
//! registered, encodings that are not canonical, small-order points, and
//! points with a small-order component, none of which an honest key
//! generator produces.

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_consensus::{Signature, VerificationKey, VerificationKeyBytes, batch};
use sha2::{Digest as _, Sha256};

/// Why a public key cannot be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadKey {
    #[error("public key is not a valid Ed25519 point")]
    InvalidPoint,
    #[error("public key is not canonically encoded: a key has one spelling")]
    NonCanonical,
    #[error(
        "public key is weak (of small order, or with a small-order component): signatures by it prove nothing"
    )]
    Weak,
}

/// A signature that verified, under the one rule: by this key, of a
/// message with this SHA-256, these 64 bytes. Only this module makes one,
/// and only after verifying it, so a caller handed one (the evaluator,
/// say) knows what was checked without checking it again or trusting
/// whoever checked it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifiedSignature {
    key: [u8; 32],
    message_sha256: [u8; 32],
    signature: [u8; 64],
}

impl VerifiedSignature {
    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }

    /// The SHA-256 of the message signed.
    pub fn message_sha256(&self) -> &[u8; 32] {
        &self.message_sha256
    }

    pub fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// Whether this is `signature` by `key` of the message whose SHA-256
    /// is `message_sha256`.
    pub fn is(&self, key: &PublicKey, message_sha256: &[u8; 32], signature: &[u8]) -> bool {
        self.key == key.bytes
            && &self.message_sha256 == message_sha256
            && self.signature[..] == *signature
    }
}

impl std::fmt::Debug for VerifiedSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifiedSignature(key ")?;
        for b in &self.key[..4] {
            write!(f, "{b:02x}")?;
        }
        write!(f, "…)")
    }
}

/// A public key checked for registration, ready to verify with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    bytes: [u8; 32],
    key: VerificationKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey(")?;
        for b in self.bytes {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// Checks a 32-byte public key as one may be registered: a canonical
/// encoding of a point of the prime-order subgroup (so not of small order,
/// and with no small-order component).
pub fn check_key(bytes: &[u8; 32]) -> Result<PublicKey, BadKey> {
    let point = CompressedEdwardsY(*bytes)
        .decompress()
        .ok_or(BadKey::InvalidPoint)?;
    if point.compress().as_bytes() != bytes {
        return Err(BadKey::NonCanonical);
    }
    if point.is_small_order() || !point.is_torsion_free() {
        return Err(BadKey::Weak);
    }
    let key = VerificationKey::try_from(*bytes).map_err(|_| BadKey::InvalidPoint)?;
    Ok(PublicKey { bytes: *bytes, key })
}

/// A public key as ZIP-215 reads it, without the registration checks: for
/// tests that hold the verifier to published vectors whose keys
/// registration refuses.
#[doc(hidden)]
pub fn unchecked_key(bytes: &[u8; 32]) -> Option<PublicKey> {
    let key = VerificationKey::try_from(*bytes).ok()?;
    Some(PublicKey { bytes: *bytes, key })
}

impl PublicKey {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// Whether `sig` (64 bytes) is a valid signature of `msg` by this key,
    /// under ZIP-215.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = Signature::try_from(sig) else {
            return false;
        };
        self.key.verify(&sig, msg).is_ok()
    }

    /// [`PublicKey::verify`], saying what verified.
    pub fn verified(&self, msg: &[u8], sig: &[u8]) -> Option<VerifiedSignature> {
        self.verify(msg, sig).then(|| VerifiedSignature {
            key: self.bytes,
            message_sha256: Sha256::digest(msg).into(),
            signature: sig
                .try_into()
                .expect("a signature that verified is 64 bytes"),
        })
    }
}

/// Signatures verified together, under the same rule as one at a time:
/// the result for each is what [`PublicKey::verify`] would say.
#[derive(Default)]
pub struct Batch {
    items: Vec<Option<batch::Item>>,
    /// What each item would be once verified (none for one that is not
    /// even 64 bytes).
    claims: Vec<Option<VerifiedSignature>>,
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    pub fn with_capacity(n: usize) -> Batch {
        Batch {
            items: Vec::with_capacity(n),
            claims: Vec::with_capacity(n),
        }
    }

    /// Adds a signature to check; its result will be at this position.
    pub fn push(&mut self, key: &PublicKey, msg: &[u8], sig: &[u8]) {
        let parsed = <[u8; 64]>::try_from(sig).ok();
        let item = parsed.map(|bytes| {
            batch::Item::from((
                VerificationKeyBytes::from(key.bytes),
                Signature::from(bytes),
                msg,
            ))
        });
        self.claims.push(parsed.map(|signature| VerifiedSignature {
            key: key.bytes,
            message_sha256: Sha256::digest(msg).into(),
            signature,
        }));
        self.items.push(item);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Checks them all: whether each verified, and whether the batch as a
    /// whole failed (so that its parts were checked, to say which).
    ///
    /// A batch that fails is split in two and each half checked, down to
    /// single signatures: one bad signature among n costs about 2 log2(n)
    /// batches of falling size, not n single checks, so that a signer
    /// cannot make an audit slow with a few bad signatures. ZIP-215 makes
    /// the parts' verdicts the same as the whole's.
    pub fn verify(self) -> (Vec<Option<VerifiedSignature>>, bool) {
        let n = self.items.len();
        if n == 0 {
            return (vec![], false);
        }
        let mut ok = vec![false; n];
        let failed = !check(&self.items, &mut ok);
        let out = self
            .claims
            .into_iter()
            .zip(ok)
            .map(|(claim, ok)| claim.filter(|_| ok))
            .collect();
        (out, failed)
    }
}

/// Below this many, signatures are checked one by one.
const SINGLE: usize = 4;

/// Checks `items`, writing each one's verdict into `out`; whether all
/// verified.
fn check(items: &[Option<batch::Item>], out: &mut [bool]) -> bool {
    if items.len() <= SINGLE {
        let mut all = true;
        for (item, o) in items.iter().zip(out.iter_mut()) {
            *o = item
                .as_ref()
                .is_some_and(|i| i.clone().verify_single().is_ok());
            all &= *o;
        }
        return all;
    }
    if items.iter().all(Option::is_some) {
        let mut v = batch::Verifier::new();
        for item in items.iter().flatten() {
            v.queue(item.clone());
        }
        if v.verify(rand_core_06::OsRng).is_ok() {
            out.fill(true);
            return true;
        }
    }
    let mid = items.len() / 2;
    let (a, b) = out.split_at_mut(mid);
    let left = check(&items[..mid], a);
    let right = check(&items[mid..], b);
    left && right
}
