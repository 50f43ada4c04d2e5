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
/// index that is right up to its indexed size, and the server catches up
/// from there.
pub fn reindex<S: TileSource + Sync>(
    index: &Index,
    versions: &Versions<'_>,
    source: &S,
    log: &VerifiedLog,
) -> Result<u64, IndexError> {
    index.clear()?;
    let mut ev = Evaluator::with_versions(versions);
    ev.reserve(usize::try_from(log.size()).unwrap_or(usize::MAX));
    let preparer = ev.preparer();
    let mut collector = Collector::new(&ev);
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
            collector.record(&ev, &entries[k])?;
        }
        index.apply(&collector.delta(&ev))?;
        t = end;
    }
    Ok(log.size())
}
