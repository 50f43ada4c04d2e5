//! Verified replay: the evaluator over a log whose tree was verified, each
//! entry bundle read once and checked against that tree as it is read (so
//! the bytes replayed are those the checkpoint commits to), parsed and
//! placed on every core, signatures verified in batches, then applied in
//! log order.
//!
//! Status statements about an earlier size than their own place are
//! checked against the status the replay kept at that size; when the first
//! replay meets one whose size it has passed already, it replays again,
//! keeping those sizes (and reading the bundles again, through the same
//! verified tree).

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, Prepared, Preparer, Versions};
use accord::statement::Digest;
use rayon::prelude::*;
use tlog_core::client::TileSource;
use tlog_core::verify::{VerifiedBundle, VerifiedLog, VerifyError, VerifyOptions};
use tlog_core::{VerifierKey, verify};

use crate::signatures::{self, KeyBook, SignatureCheck};

/// Entry bundles read and prepared at a time: 65,536 entries.
pub const CHUNK_BUNDLES: u64 = 256;

/// How to replay.
#[derive(Clone, Copy)]
pub struct ReplayOptions<'o> {
    pub check: SignatureCheck,
    /// Told how many entries have been applied, now and then.
    pub progress: Option<&'o (dyn Fn(u64) + Sync)>,
}

impl Default for ReplayOptions<'_> {
    fn default() -> Self {
        ReplayOptions {
            check: SignatureCheck::Batch,
            progress: None,
        }
    }
}

/// What a replay went through.
pub struct Replayed<'a> {
    pub evaluator: Evaluator<'a>,
    /// Signatures verified (by a key that may have made them).
    pub signatures: u64,
    /// Batches whose verification failed, so that their parts were
    /// checked.
    pub batches_failed: u64,
    /// Whether the log was replayed a second time, to check status
    /// statements about sizes the first replay had passed.
    pub replayed_twice: bool,
}

/// An entry bundle that could not be read, or that the verified tree does
/// not commit to: the log does not verify.
#[derive(Debug, thiserror::Error)]
#[error("the log {source_name} does not verify: {error}")]
pub struct ReplayError {
    pub source_name: String,
    pub error: VerifyError,
}

/// Verifies a log's checkpoint (signature, cosignatures), every hash tile,
/// and consistency with `old`; the entries are checked as a replay reads
/// them.
pub fn verify_log<S: TileSource>(
    source: &S,
    key: &VerifierKey,
    witnesses: &[VerifierKey],
    old: Option<&[u8]>,
) -> Result<VerifiedLog, VerifyError> {
    let opts = VerifyOptions {
        log_key: Some(key),
        witnesses,
        entries: false,
        old_checkpoint: old,
        on_entries: None,
    };
    verify::verify_tree(source, &opts, |_| {})
}

/// Parses and prepares entries on every core.
pub fn prepare<'e>(
    preparer: &Preparer<'_>,
    entries: impl IntoParallelIterator<Item = &'e Vec<u8>>,
) -> Vec<Prepared> {
    entries
        .into_par_iter()
        .map(|e| preparer.prepare(e))
        .collect()
}

/// Replays the evaluator over the entries of a verified log.
pub fn replay<'a, S: TileSource + Sync>(
    agreement: &'a Agreement,
    hash: Digest,
    source: &S,
    log: &VerifiedLog,
    opts: &ReplayOptions<'_>,
) -> Result<Replayed<'a>, ReplayError> {
    replay_with(agreement, hash, source, log, opts, |_, _| {})
}

/// [`replay`] under a chain of versions of the agreement: the adopted text
/// and the amended texts the log may adopt by amendment (see
/// `accord::evaluate::Versions`).
pub fn replay_versions<'a, S: TileSource + Sync>(
    versions: &Versions<'a>,
    source: &S,
    log: &VerifiedLog,
    opts: &ReplayOptions<'_>,
) -> Result<Replayed<'a>, ReplayError> {
    replay_versions_with(versions, source, log, opts, |_, _| {})
}

/// [`replay`], showing `seen` every entry (its index, the entry prepared)
/// once it is applied; an entry may be shown twice when the log is
/// replayed twice.
pub fn replay_with<'a, S: TileSource + Sync>(
    agreement: &'a Agreement,
    hash: Digest,
    source: &S,
    log: &VerifiedLog,
    opts: &ReplayOptions<'_>,
    seen: impl FnMut(u64, &Prepared),
) -> Result<Replayed<'a>, ReplayError> {
    let versions = Versions::one(agreement, hash);
    replay_versions_with(&versions, source, log, opts, seen)
}

/// [`replay_with`] under a chain of versions (see [`replay_versions`]).
pub fn replay_versions_with<'a, S: TileSource + Sync>(
    versions: &Versions<'a>,
    source: &S,
    log: &VerifiedLog,
    opts: &ReplayOptions<'_>,
    mut seen: impl FnMut(u64, &Prepared),
) -> Result<Replayed<'a>, ReplayError> {
    let first = replay_once(versions, source, log, opts, &[], &mut seen)?;
    let missed: Vec<u64> = first
        .evaluator
        .state
        .claims
        .iter()
        .filter(|c| c.computed.is_none() && c.log_size < c.index)
        .map(|c| c.log_size)
        .collect();
    if missed.is_empty() {
        return Ok(first);
    }
    drop(first);
    let mut again = replay_once(versions, source, log, opts, &missed, &mut seen)?;
    again.replayed_twice = true;
    Ok(again)
}

/// The status of a log as it stood at an earlier size: the log replayed
/// with the status kept as it passes `size` (the same mechanism that checks
/// the operator's status statements).
pub fn status_at<S: TileSource + Sync>(
    versions: &Versions<'_>,
    source: &S,
    log: &VerifiedLog,
    size: u64,
    opts: &ReplayOptions<'_>,
) -> Result<Option<accord::evaluate::Status>, ReplayError> {
    if size > log.size() {
        return Ok(None);
    }
    let r = replay_once(versions, source, log, opts, &[size], &mut |_, _| {})?;
    if size == log.size() {
        return Ok(Some(r.evaluator.status()));
    }
    Ok(r.evaluator.watched(size).cloned())
}

fn replay_once<'a, S: TileSource + Sync>(
    versions: &Versions<'a>,
    source: &S,
    log: &VerifiedLog,
    opts: &ReplayOptions<'_>,
    watch: &[u64],
    seen: &mut impl FnMut(u64, &Prepared),
) -> Result<Replayed<'a>, ReplayError> {
    let size = log.size();
    let bundles = log.bundles();
    let mut evaluator = Evaluator::with_versions(versions);
    evaluator.watch(watch.iter().copied());
    evaluator.reserve(usize::try_from(size).unwrap_or(usize::MAX));
    let preparer = evaluator.preparer();
    let (mut signatures, mut batches_failed, mut applied) = (0u64, 0u64, 0u64);
    let failed_batches = std::sync::atomic::AtomicU64::new(0);
    crate::pipeline::apply_pipelined(
        &mut evaluator,
        |sink| -> Result<(), ReplayError> {
            // Keys of every version: an amended text may give new ones.
            let mut book = KeyBook::new(versions.adopted().agreement);
            for v in versions.iter().skip(1) {
                book.add_agreement(v.agreement);
            }
            let mut t = 0;
            while t < bundles {
                let end = (t + CHUNK_BUNDLES).min(bundles);
                let read: Vec<VerifiedBundle> = (t..end)
                    .into_par_iter()
                    .map(|t| log.bundle(source, t))
                    .collect::<Result<_, _>>()
                    .map_err(|error| ReplayError {
                        source_name: source.describe(),
                        error,
                    })?;
                let prepared = prepare(
                    &preparer,
                    read.par_iter().flat_map_iter(|b| b.entries().iter()),
                );
                drop(read);
                // Keys accredited in this chunk may sign later entries of it.
                book.add_accredited(&prepared);
                let verified = signatures::verify(&prepared, &book, opts.check);
                failed_batches.fetch_add(
                    verified.batches_failed,
                    std::sync::atomic::Ordering::Relaxed,
                );
                t = end;
                if !sink((prepared, verified.signatures)) {
                    break;
                }
            }
            Ok(())
        },
        |(prepared, verified)| {
            for (i, p) in prepared.iter().enumerate() {
                seen(applied + i as u64, p);
            }
            applied += prepared.len() as u64;
            signatures += verified.iter().map(|v| v.len() as u64).sum::<u64>();
            if let Some(progress) = opts.progress {
                progress(applied);
            }
        },
    )?;
    batches_failed += failed_batches.into_inner();
    Ok(Replayed {
        evaluator,
        signatures,
        batches_failed,
        replayed_twice: false,
    })
}
