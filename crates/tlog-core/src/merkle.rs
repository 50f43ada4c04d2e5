//! Inclusion and consistency proofs (RFC 6962 §2.1.1–2.1.2, verified with
//! the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2).
//!
//! Proof *generation* is split in two steps so that any hash store can serve
//! it: [`inclusion_plan`] / [`consistency_plan`] say which perfect subtrees
//! are needed (a pure function of the sizes), and [`resolve`] asks a
//! [`NodeReader`] for them and folds them into proof hashes. A tile reader
//! can then fetch every tile a proof needs at once.

use crate::hash::{Hash, node_hash};

/// A perfect subtree: height `height` (0 = a leaf), covering leaves
/// `[index << height, (index + 1) << height)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub height: u32,
    pub index: u64,
}

impl NodeId {
    pub fn new(height: u32, index: u64) -> NodeId {
        NodeId { height, index }
    }
}

/// Anything that can produce the hash of a perfect subtree.
pub trait NodeReader {
    type Error;
    /// Hashes of the given perfect subtrees, in the same order.
    fn read_nodes(&mut self, ids: &[NodeId]) -> Result<Vec<Hash>, Self::Error>;
}

/// One proof hash: the Merkle Tree Hash of consecutive perfect subtrees,
/// listed left to right with decreasing heights.
pub type ProofElement = Vec<NodeId>;

/// Why a proof could not be made or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old size {old} is larger than new size {new}")]
    SizesOutOfOrder { old: u64, new: u64 },
    #[error("proof has {got} hashes, a proof for these sizes has {want}")]
    WrongLength { got: usize, want: usize },
    #[error("proof does not lead to the expected root: computed {computed}, expected {expected}")]
    RootMismatch { computed: Hash, expected: Hash },
    #[error(
        "consistency proof does not reproduce the old root: computed {computed}, expected {expected}"
    )]
    OldRootMismatch { computed: Hash, expected: Hash },
    #[error("trees of equal size {size} have different roots")]
    EqualSizeDifferentRoots { size: u64 },
}

/// The largest power of two strictly smaller than `n` (n >= 2).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The perfect subtrees making up `MTH(D[start:end])`, where `start` is a
/// multiple of a power of two at least `end - start` (true of every range
/// the RFC 6962 recursions visit).
pub fn range_nodes(start: u64, end: u64) -> ProofElement {
    let mut out = Vec::new();
    let mut at = start;
    let mut left = end - start;
    while left > 0 {
        let h = 63 - left.leading_zeros();
        out.push(NodeId::new(h, at >> h));
        at += 1 << h;
        left -= 1 << h;
    }
    out
}

/// What an inclusion proof for leaf `index` in a tree of `size` is made of.
pub fn inclusion_plan(index: u64, size: u64) -> Result<Vec<ProofElement>, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // PATH(m, D[a:b]) unrolled from the root down, then reversed so that the
    // proof starts at the leaf's sibling.
    let mut out = Vec::new();
    let (mut a, mut b) = (0u64, size);
    while b - a > 1 {
        let k = split_point(b - a);
        if index < a + k {
            out.push(range_nodes(a + k, b));
            b = a + k;
        } else {
            out.push(range_nodes(a, a + k));
            a += k;
        }
    }
    out.reverse();
    Ok(out)
}

/// What a consistency proof from `old_size` to `new_size` is made of. Empty
/// when the sizes are equal or `old_size` is 0 (every tree extends the empty
/// one; C2SP tlog-witness uses an empty proof for that case).
pub fn consistency_plan(old_size: u64, new_size: u64) -> Result<Vec<ProofElement>, ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesOutOfOrder {
            old: old_size,
            new: new_size,
        });
    }
    let mut out = Vec::new();
    if old_size == 0 || old_size == new_size {
        return Ok(out);
    }
    // SUBPROOF(m, D[a:b], flag), iteratively; elements collected root-down
    // and reversed at the end.
    let (mut a, mut b, mut m, mut complete) = (0u64, new_size, old_size, true);
    loop {
        let n = b - a;
        if m == n {
            if !complete {
                out.push(range_nodes(a, b));
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            out.push(range_nodes(a + k, b));
            b = a + k;
        } else {
            out.push(range_nodes(a, a + k));
            a += k;
            m -= k;
            complete = false;
        }
    }
    out.reverse();
    Ok(out)
}

/// Resolves a plan into proof hashes with one call to the reader.
pub fn resolve<R: NodeReader>(
    plan: &[ProofElement],
    reader: &mut R,
) -> Result<Vec<Hash>, R::Error> {
    let ids: Vec<NodeId> = plan.iter().flatten().copied().collect();
    let hashes = reader.read_nodes(&ids)?;
    let mut out = Vec::with_capacity(plan.len());
    let mut at = 0;
    for elem in plan {
        let parts = &hashes[at..at + elem.len()];
        at += elem.len();
        // MTH of consecutive perfect subtrees of decreasing height: a fold
        // from the right.
        let mut acc = parts[parts.len() - 1];
        for h in parts[..parts.len() - 1].iter().rev() {
            acc = node_hash(h, &acc);
        }
        out.push(acc);
    }
    Ok(out)
}

/// The root an inclusion proof leads to (RFC 9162 §2.1.3.2).
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let want = inclusion_plan(index, size)?.len();
    if proof.len() != want {
        return Err(ProofError::WrongLength {
            got: proof.len(),
            want,
        });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    debug_assert_eq!(snode, 0);
    Ok(r)
}

/// Checks that `leaf` is at `index` in the tree of `size` with `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion_proof(index, size, leaf, proof)?;
    if computed != *root {
        return Err(ProofError::RootMismatch {
            computed,
            expected: *root,
        });
    }
    Ok(())
}

/// Checks that the tree (`new_size`, `new_root`) extends (`old_size`,
/// `old_root`) (RFC 9162 §2.1.4.2). An old size of 0 is consistent with any
/// tree given an empty proof.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesOutOfOrder {
            old: old_size,
            new: new_size,
        });
    }
    let want = consistency_plan(old_size, new_size)?.len();
    if proof.len() != want {
        return Err(ProofError::WrongLength {
            got: proof.len(),
            want,
        });
    }
    if old_size == 0 {
        // The empty tree is a prefix of every tree, but its root is fixed.
        if *old_root != Hash::EMPTY_ROOT {
            return Err(ProofError::OldRootMismatch {
                computed: Hash::EMPTY_ROOT,
                expected: *old_root,
            });
        }
        if new_size == 0 && *new_root != Hash::EMPTY_ROOT {
            return Err(ProofError::RootMismatch {
                computed: Hash::EMPTY_ROOT,
                expected: *new_root,
            });
        }
        return Ok(());
    }
    if old_size == new_size {
        if old_root != new_root {
            return Err(ProofError::EqualSizeDifferentRoots { size: old_size });
        }
        return Ok(());
    }
    // When the old tree is a perfect subtree its root is the proof's
    // implicit first element.
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut fnode, mut snode) = (old_size - 1, new_size - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return Err(ProofError::WrongLength {
                got: proof.len(),
                want,
            });
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength {
            got: proof.len(),
            want,
        });
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch {
            computed: fr,
            expected: *old_root,
        });
    }
    if sr != *new_root {
        return Err(ProofError::RootMismatch {
            computed: sr,
            expected: *new_root,
        });
    }
    Ok(())
}

/// A [`NodeReader`] over all leaf hashes held in memory (tests, small trees).
pub struct MemoryNodes<'a> {
    pub leaves: &'a [Hash],
}

impl NodeReader for MemoryNodes<'_> {
    type Error = std::convert::Infallible;
    fn read_nodes(&mut self, ids: &[NodeId]) -> Result<Vec<Hash>, Self::Error> {
        let mut scratch = Vec::new();
        Ok(ids
            .iter()
            .map(|id| {
                let start = (id.index << id.height) as usize;
                let end = ((id.index + 1) << id.height) as usize;
                crate::hash::perfect_root(&self.leaves[start..end], &mut scratch)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{leaf_hash, merkle_root};

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn every_inclusion_proof_in_small_trees_verifies() {
        let l = leaves(70);
        for size in 1..=70u64 {
            let root = merkle_root(&l[..size as usize]);
            for index in 0..size {
                let plan = inclusion_plan(index, size).unwrap();
                let proof = resolve(&plan, &mut MemoryNodes { leaves: &l }).unwrap();
                verify_inclusion(index, size, &l[index as usize], &proof, &root).unwrap();
                let wrong = leaf_hash(b"not this one");
                assert!(verify_inclusion(index, size, &wrong, &proof, &root).is_err());
            }
        }
    }

    #[test]
    fn every_consistency_proof_in_small_trees_verifies() {
        let l = leaves(70);
        for new in 1..=70u64 {
            let new_root = merkle_root(&l[..new as usize]);
            for old in 0..=new {
                let old_root = merkle_root(&l[..old as usize]);
                let plan = consistency_plan(old, new).unwrap();
                let proof = resolve(&plan, &mut MemoryNodes { leaves: &l }).unwrap();
                verify_consistency(old, new, &old_root, &new_root, &proof).unwrap();
                if old > 0 && old < new {
                    let bad = leaf_hash(b"x");
                    assert!(verify_consistency(old, new, &bad, &new_root, &proof).is_err());
                    assert!(verify_consistency(old, new, &old_root, &bad, &proof).is_err());
                }
            }
        }
    }
}
