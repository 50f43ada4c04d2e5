//! Who signed what: every signature line of a chunk of prepared entries,
//! checked with every key that may have made it, in batches on every core.
//!
//! The evaluator decides which key counts for a line (the one the agreement
//! or an accreditation gives its name at that point of the log); this only
//! says which (line, key) pairs verified, as `VerifiedSignature`s, which
//! only `tlog_core::ed25519` makes. So trust does not depend on who ran
//! this code: the evaluator checks that each one is its line's signature,
//! of its entry's text, by the key it knows.

use std::collections::HashMap;

use accord::agreement::Agreement;
use accord::evaluate::Prepared;
use accord::statement::Body;
use rayon::prelude::*;
use tlog_core::VerifierKey;
use tlog_core::ed25519::{Batch, PublicKey, VerifiedSignature};

/// How to check signatures. Both apply the same rule (ZIP-215, see
/// `tlog_core::ed25519`), so they accept exactly the same signatures;
/// batches are faster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    /// In batches of [`BATCH`] entries' signatures; a batch that fails is
    /// bisected down to single signatures, to say which.
    Batch,
    /// Every signature alone.
    Single,
}

/// Entries whose signatures are verified in one batch. Larger batches
/// amortise better (see BENCHMARKS.md); a batch that fails is bisected.
pub const BATCH: usize = 1024;

/// Keys that may have signed entries: the agreement's and every monitor key
/// accredited so far, by (name, key ID). Several keys may share a name and
/// ID (IDs are only 32 bits); the evaluator decides which one counts.
pub struct KeyBook(HashMap<(String, u32), Vec<PublicKey>>);

impl KeyBook {
    /// The agreement's keys: parties, organisations, the operator.
    pub fn new(a: &Agreement) -> KeyBook {
        let mut book = KeyBook(HashMap::new());
        book.add_agreement(a);
        book
    }

    /// Adds an agreement's keys (another version's, say).
    pub fn add_agreement(&mut self, a: &Agreement) {
        let parties = a.parties.values().flat_map(|p| p.keys.iter());
        let orgs = a.organisations.values().flat_map(|o| o.keys.iter());
        let operator = a.operator.iter().flat_map(|o| o.keys.iter());
        for k in parties.chain(orgs).chain(operator) {
            self.add(k.get_ref());
        }
    }

    pub fn add(&mut self, k: &VerifierKey) {
        let v = self
            .0
            .entry((k.name().to_string(), k.key_id()))
            .or_default();
        if !v.contains(k.public_key()) {
            v.push(*k.public_key());
        }
    }

    /// Adds the keys accredited by these entries: they may sign the
    /// entries after them.
    pub fn add_accredited(&mut self, prepared: &[Prepared]) {
        for p in prepared {
            if let Ok(s) = &p.statement
                && let Body::Accreditation(ac) = &s.statement.body
                && let Ok(k) = VerifierKey::parse(&ac.key)
            {
                self.add(&k);
            }
        }
    }

    fn candidates(&self, name: &str, key_id: u32) -> &[PublicKey] {
        self.0
            .get(&(name.to_string(), key_id))
            .map_or(&[], Vec::as_slice)
    }
}

/// What checking a chunk's signatures found.
pub struct Verified {
    /// For each entry, its signatures that verified.
    pub signatures: Vec<Vec<VerifiedSignature>>,
    /// Batches that failed, so that their parts were checked.
    pub batches_failed: u64,
}

/// Verifies the signature lines of many entries (the statement's note, or
/// a malformed statement's: the operator answers for what it signs) by
/// every key the book knows under each line's name and ID.
pub fn verify(prepared: &[Prepared], book: &KeyBook, check: SignatureCheck) -> Verified {
    let group_size = match check {
        SignatureCheck::Batch => BATCH,
        SignatureCheck::Single => 1,
    };
    let per_group: Vec<(Vec<Vec<VerifiedSignature>>, bool)> = prepared
        .par_chunks(group_size)
        .map(|group| {
            let (out, failed) = verify_group(group, book);
            (out, failed && group_size > 1)
        })
        .collect();
    let mut verified = Verified {
        signatures: Vec::with_capacity(prepared.len()),
        batches_failed: 0,
    };
    for (group, failed) in per_group {
        verified.signatures.extend(group);
        verified.batches_failed += u64::from(failed);
    }
    verified
}

/// The signatures of one entry that verified, checked here on the caller's
/// thread (a server's request, where a thread pool would only add a hop).
/// The same rule and the same candidates as [`verify`].
pub fn verify_one(p: &Prepared, book: &KeyBook) -> Vec<VerifiedSignature> {
    verify_group(std::slice::from_ref(p), book)
        .0
        .pop()
        .unwrap_or_default()
}

/// Every signature line of `group`, with every key the book knows under
/// its name and ID, in one batch (bisected when it fails): for each entry,
/// its signatures that verified, and whether the batch failed.
fn verify_group(group: &[Prepared], book: &KeyBook) -> (Vec<Vec<VerifiedSignature>>, bool) {
    let mut batch = Batch::with_capacity(group.len());
    // Which entry of the group each signature checked is for.
    let mut of_entry: Vec<usize> = Vec::with_capacity(group.len());
    for (e, p) in group.iter().enumerate() {
        let Some(note) = p.note() else { continue };
        let text = note.text().as_bytes();
        for line in note.signatures() {
            for k in book.candidates(&line.name, line.key_id) {
                batch.push(k, text, &line.signature);
                of_entry.push(e);
            }
        }
    }
    let mut out = vec![Vec::new(); group.len()];
    let (each, failed) = batch.verify();
    for (e, v) in of_entry.into_iter().zip(each) {
        if let Some(v) = v {
            out[e].push(v);
        }
    }
    (out, failed)
}
