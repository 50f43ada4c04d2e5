//! Rebuilding the index from the log alone.
//!
//! The log's tree is verified by the caller (`accord_engine::verify_log`),
//! and each entry bundle is checked against it as it is read; entries are
//! prepared on every core and their signatures verified in batches, as a
//! replay does (`accord_engine`), then applied one by one, each recorded by
//! the same [`Collector`] the live server uses, a [`Delta`] per chunk.

use accord::evaluate::{Evaluator, Versions};
use accord_engine::replay::prepare;
use accord_engine::signatures::{self, KeyBook, SignatureCheck};
use tlog_core::client::TileSource;
use tlog_core::verify::{VerifiedBundle, VerifiedLog};

use super::{Collector, Index, IndexError};

/// Entry bundles (of 256 entries) applied and written per transaction.
pub const REINDEX_CHUNK_BUNDLES: u64 = 16;

/// Empties `index` and fills it again from the verified log `log` read
/// from `source`, evaluated under `versions` (the adopted text, and any
/// amended ones the log may adopt). Returns the log size indexed.
///
/// Each chunk is its own transaction, so a reindex cut short leaves an
/// index that is right up to its indexed size, and [`catch_up`] goes on
/// from there.
pub fn reindex<S: TileSource + Sync>(
    index: &Index,
    versions: &Versions<'_>,
    source: &S,
    log: &VerifiedLog,
) -> Result<u64, IndexError> {
    index.clear()?;
    Ok(catch_up(index, versions, source, log)?.size)
}

/// An evaluation of the log up to its verified size, and the collector
/// that watched it for the index, for the live server to go on with.
pub struct CaughtUp<'a> {
    pub evaluator: Evaluator<'a>,
    pub collector: Collector,
    /// The log size now indexed (the verified log's).
    pub size: u64,
}

/// Brings `index` up to the verified log (after a restart, or a reindex
/// cut short): replays the whole log, the entries the index holds without
/// collecting them, and writes the rest a chunk at a time. Refuses an
/// index that reflects more of the log than there is, or whose last entry
/// is not this log's (another log's index): rebuild it with [`reindex`].
pub fn catch_up<'a, S: TileSource + Sync>(
    index: &Index,
    versions: &Versions<'a>,
    source: &S,
    log: &VerifiedLog,
) -> Result<CaughtUp<'a>, IndexError> {
    let indexed = index.indexed_size()?;
    if indexed > log.size() {
        return Err(IndexError::NotThisLog(format!(
            "the index reflects {indexed} entries and the log has {}",
            log.size()
        )));
    }
    let last = match indexed.checked_sub(1) {
        Some(i) => Some(
            index
                .statement_at(i)?
                .ok_or_else(|| IndexError::Corrupt(format!("entry {i} is not in the index")))?
                .entry_hash,
        ),
        None => None,
    };
    let mut ev = Evaluator::with_versions(versions);
    ev.reserve(usize::try_from(log.size()).unwrap_or(usize::MAX));
    let preparer = ev.preparer();
    // Made once the evaluator reaches the indexed size.
    let mut collector = (indexed == 0).then(|| Collector::new(&ev));
    let mut book = KeyBook::new(versions.adopted().agreement);
    for v in versions.iter().skip(1) {
        book.add_agreement(v.agreement);
    }
    let bundles = log.bundles();
    let mut t = 0;
    while t < bundles {
        let end = (t + REINDEX_CHUNK_BUNDLES).min(bundles);
        let mut entries: Vec<Vec<u8>> = Vec::new();
        for b in t..end {
            let bundle: VerifiedBundle = log.bundle(source, b)?;
            entries.extend_from_slice(bundle.entries());
        }
        let mut prepared = prepare(&preparer, &entries);
        // Keys accredited in this chunk may sign later entries of it.
        book.add_accredited(&prepared);
        let verified = signatures::verify(&prepared, &book, SignatureCheck::Batch);
        for (k, p) in prepared.iter_mut().enumerate() {
            ev.apply_prepared(p, verified.signatures.get(k).map_or(&[][..], Vec::as_slice));
            match &mut collector {
                Some(c) => c.record(&ev, &entries[k])?,
                None if ev.state.size == indexed => {
                    if last != Some(tlog_core::leaf_hash(&entries[k]).0) {
                        return Err(IndexError::NotThisLog(format!(
                            "its entry {} is not the log's",
                            indexed - 1
                        )));
                    }
                    collector = Some(Collector::new(&ev));
                }
                None => {}
            }
        }
        if let Some(c) = &mut collector {
            let delta = c.delta(&ev);
            if delta.to > delta.from {
                index.apply(&delta)?;
            }
        }
        t = end;
    }
    let collector = collector.unwrap_or_else(|| Collector::new(&ev));
    Ok(CaughtUp {
        evaluator: ev,
        collector,
        size: log.size(),
    })
}
