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

use crate::keys::KeyError;

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
pub fn check_key(bytes: &[u8; 32]) -> Result<PublicKey, KeyError> {
    let point = CompressedEdwardsY(*bytes)
        .decompress()
        .ok_or(KeyError::InvalidPoint)?;
    if point.compress().as_bytes() != bytes {
        return Err(KeyError::NonCanonical);
    }
    if point.is_small_order() || !point.is_torsion_free() {
        return Err(KeyError::WeakKey);
    }
    let key = VerificationKey::try_from(*bytes).map_err(|_| KeyError::InvalidPoint)?;
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
}

/// Signatures verified together, under the same rule as one at a time:
/// the result for each is what [`PublicKey::verify`] would say.
#[derive(Default)]
pub struct Batch {
    items: Vec<Option<batch::Item>>,
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    pub fn with_capacity(n: usize) -> Batch {
        Batch {
            items: Vec::with_capacity(n),
        }
    }

    /// Adds a signature to check; its result will be at this position.
    pub fn push(&mut self, key: &PublicKey, msg: &[u8], sig: &[u8]) {
        let item = Signature::try_from(sig)
            .ok()
            .map(|sig| batch::Item::from((VerificationKeyBytes::from(key.bytes), sig, msg)));
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
    pub fn verify(self) -> (Vec<bool>, bool) {
        let n = self.items.len();
        if n == 0 {
            return (vec![], false);
        }
        let mut out = vec![false; n];
        let failed = !check(&self.items, &mut out);
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
