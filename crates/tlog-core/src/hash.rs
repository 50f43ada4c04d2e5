//! RFC 6962 hashing: SHA-256 with one-byte domain separation between leaves
//! and interior nodes.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

/// Size of a SHA-256 hash in bytes.
pub const HASH_SIZE: usize = 32;

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; HASH_SIZE]);

impl Hash {
    /// The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1).
    pub const EMPTY_ROOT: Hash = Hash([
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ]);

    /// Reads a hash from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Hash> {
        bytes.try_into().ok().map(Hash)
    }

    /// Parses standard base64 (RFC 4648 §4), as used in checkpoints and proofs.
    pub fn from_base64(s: &str) -> Option<Hash> {
        let raw = B64.decode(s).ok()?;
        Hash::from_slice(&raw)
    }

    /// Standard base64 encoding.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    /// Lower-case hexadecimal encoding.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(2 * HASH_SIZE);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_base64())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

/// The hash of a log entry: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    Hash(h.finalize().into())
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut buf = [0u8; 1 + 2 * HASH_SIZE];
    buf[0] = 1;
    buf[1..33].copy_from_slice(&left.0);
    buf[33..].copy_from_slice(&right.0);
    Hash(Sha256::digest(buf).into())
}

/// Hashes a perfect subtree whose leaves (or lower nodes) are `hashes`, whose
/// length must be a power of two. Works in place to avoid allocation on hot
/// paths; `scratch` is overwritten.
pub(crate) fn perfect_root(hashes: &[Hash], scratch: &mut Vec<Hash>) -> Hash {
    debug_assert!(hashes.len().is_power_of_two());
    if hashes.len() == 1 {
        return hashes[0];
    }
    scratch.clear();
    scratch.extend(hashes.chunks_exact(2).map(|p| node_hash(&p[0], &p[1])));
    let mut n = scratch.len();
    while n > 1 {
        for i in 0..n / 2 {
            scratch[i] = node_hash(&scratch[2 * i], &scratch[2 * i + 1]);
        }
        n /= 2;
    }
    scratch[0]
}

/// The RFC 6962 Merkle Tree Hash of a sequence of hashes (leaf hashes, or
/// roots of consecutive perfect subtrees of equal height).
pub fn merkle_root(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => Hash::EMPTY_ROOT,
        1 => hashes[0],
        n => {
            // Split at the largest power of two smaller than n.
            let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            node_hash(&merkle_root(&hashes[..k]), &merkle_root(&hashes[k..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(Hash::EMPTY_ROOT.0, <[u8; 32]>::from(Sha256::digest(b"")));
    }

    #[test]
    fn base64_round_trip_and_rejects_wrong_length() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_base64(&h.to_base64()), Some(h));
        assert_eq!(Hash::from_base64("AAAA"), None);
        assert_eq!(Hash::from_base64("not base64!"), None);
    }

    #[test]
    fn perfect_root_matches_recursive_definition() {
        let leaves: Vec<Hash> = (0..64u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut scratch = Vec::new();
        for n in [1usize, 2, 4, 8, 64] {
            assert_eq!(
                perfect_root(&leaves[..n], &mut scratch),
                merkle_root(&leaves[..n])
            );
        }
    }
}
