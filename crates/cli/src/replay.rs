//! Reading an agreement's log and replaying the evaluator over it: the work
//! `accord audit`, `status` and `report` share.
//!
//! The log is a directory or an HTTP(S) address serving the C2SP tiles. The
//! replay runs in chunks of entries: parsing, placing and signature checking
//! need no state and run on every core; applying to the evaluator is
//! sequential, in log order.

use std::collections::HashMap;
use std::path::PathBuf;

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, Prepared};
use accord::statement::{Body, Digest};
use miette::{Result, miette};
use rayon::prelude::*;
use tlog::VerifierKey;
use tlog::client::{DirSource, ReadError, TileSource};
use tlog::ed25519::{Batch, PublicKey};
use tlog::verify::VerifiedBundle;

/// Entry bundles read and prepared at a time: 65,536 entries.
const CHUNK_BUNDLES: u64 = 256;

/// Where a log is read from.
pub enum Source {
    Dir(DirSource, PathBuf),
    Http(HttpSource),
}

impl Source {
    /// A directory, or an `http://` or `https://` address.
    pub fn open(location: &str) -> Result<Source> {
        if location.starts_with("http://") || location.starts_with("https://") {
            return Ok(Source::Http(HttpSource::new(location)));
        }
        let dir = PathBuf::from(location);
        if !dir.is_dir() {
            return Err(miette!(
                "{location} is neither a log directory nor an http(s):// address"
            ));
        }
        Ok(Source::Dir(DirSource::new(&dir), dir))
    }

    /// The log's own key, when the log was made here (`.tlog/config.toml`).
    pub fn local_key(&self) -> Option<VerifierKey> {
        match self {
            Source::Dir(_, dir) => crate::logdir::read_config(dir)
                .ok()
                .and_then(|c| c.verifier().ok()),
            Source::Http(_) => None,
        }
    }
}

impl TileSource for Source {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        match self {
            Source::Dir(d, _) => d.fetch(path),
            Source::Http(h) => h.fetch(path),
        }
    }
    fn describe(&self) -> String {
        match self {
            Source::Dir(d, _) => d.describe(),
            Source::Http(h) => h.describe(),
        }
    }
}

/// A log served over HTTP(S), as C2SP tlog-tiles lays it out.
pub struct HttpSource {
    base: String,
    agent: ureq::Agent,
}

impl HttpSource {
    pub fn new(base: &str) -> HttpSource {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        HttpSource {
            base: base.trim_end_matches('/').to_string(),
            agent,
        }
    }
}

impl TileSource for HttpSource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let url = format!("{}/{path}", self.base);
        let io = |message: String| ReadError::Fetch {
            path: url.clone(),
            message,
        };
        let mut resp = self.agent.get(&url).call().map_err(|e| io(e.to_string()))?;
        match resp.status().as_u16() {
            200 => resp
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_vec()
                .map(Some)
                .map_err(|e| io(e.to_string())),
            404 => Ok(None),
            s => Err(io(format!("HTTP status {s}"))),
        }
    }
    fn describe(&self) -> String {
        self.base.clone()
    }
}

/// The log's key: given, or the agreement's `[operator] log`, or the log's
/// own config when it was made here. Says where it came from.
pub fn log_key(
    given: Option<&str>,
    agreement: &Agreement,
    source: &Source,
) -> Result<(VerifierKey, &'static str)> {
    if let Some(k) = given {
        let k = VerifierKey::parse(k).map_err(|e| miette!("--log-key {k:?}: {e}"))?;
        return Ok((k, "given with --log-key"));
    }
    if let Some(k) = agreement.operator.as_ref().and_then(|o| o.log.as_ref()) {
        return Ok((
            k.get_ref().clone(),
            "named by the agreement's [operator] log",
        ));
    }
    if let Some(k) = source.local_key() {
        return Ok((k, "from the log's own .tlog/config.toml"));
    }
    Err(miette!(
        "the agreement names no log key ([operator] log) and none was given: pass --log-key"
    ))
}

/// How to check signatures during a replay. Both apply the same rule
/// (ZIP-215, see `tlog::ed25519`), so they accept exactly the same
/// signatures; batches are faster.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    /// In batches; every signature of a batch that fails is then checked
    /// alone, to say which.
    Batch,
    /// Every signature alone.
    Single,
}

/// What a replay went through.
pub struct Replayed<'a> {
    pub evaluator: Evaluator<'a>,
    pub signatures: u64,
    /// Batches whose verification failed, so that their signatures were
    /// checked one by one.
    pub batches_failed: u64,
    /// Whether the log was replayed a second time, to check status
    /// statements about sizes the first replay had passed.
    pub replayed_twice: bool,
}

/// Keys that may have signed entries: the agreement's and every monitor key
/// accredited so far, by (name, key ID). Several keys may share a name and
/// ID (IDs are only 32 bits); the evaluator decides which one counts.
struct KeyBook(HashMap<(String, u32), Vec<PublicKey>>);

impl KeyBook {
    fn new(a: &Agreement) -> KeyBook {
        let mut book = KeyBook(HashMap::new());
        let parties = a.parties.values().flat_map(|p| p.keys.iter());
        let orgs = a.organisations.values().flat_map(|o| o.keys.iter());
        let operator = a.operator.iter().flat_map(|o| o.keys.iter());
        for k in parties.chain(orgs).chain(operator) {
            book.add(k.get_ref());
        }
        book
    }
    fn add(&mut self, k: &VerifierKey) {
        let v = self
            .0
            .entry((k.name().to_string(), k.key_id()))
            .or_default();
        if !v.contains(k.public_key()) {
            v.push(*k.public_key());
        }
    }
}

/// A signature line of an entry checked with a candidate key: (entry in
/// its group, line, key).
type Candidate = (usize, usize, PublicKey);

/// Verifies the signature lines of many entries by every key the book
/// knows under each line's name and ID: for each entry, the lines that
/// verified, as (name, key ID, public key). In batch mode, one batch per
/// group of entries, on every core.
fn verify_many(
    prepared: &[Prepared],
    book: &KeyBook,
    check: SignatureCheck,
    failed_batches: &std::sync::atomic::AtomicU64,
) -> Vec<Vec<(String, u32, [u8; 32])>> {
    // Larger batches amortise better (see BENCHMARKS.md); a batch that
    // fails costs its signatures checked one by one.
    const GROUP: usize = 1024;
    let group_size = match check {
        SignatureCheck::Batch => GROUP,
        SignatureCheck::Single => 1,
    };
    prepared
        .par_chunks(group_size)
        .flat_map_iter(|group| {
            let mut batch = Batch::with_capacity(group.len());
            let mut candidates: Vec<Candidate> = Vec::with_capacity(group.len());
            for (e, p) in group.iter().enumerate() {
                // A malformed statement's note too: who signed it matters
                // (the operator answers for what it signs).
                let Some(note) = p.note() else { continue };
                let text = note.text().as_bytes();
                for (line, sig) in note.signatures().iter().enumerate() {
                    let Some(keys) = book.0.get(&(sig.name.clone(), sig.key_id)) else {
                        continue;
                    };
                    for k in keys {
                        batch.push(k, text, &sig.signature);
                        candidates.push((e, line, *k));
                    }
                }
            }
            let mut out = vec![Vec::new(); group.len()];
            let (each, failed) = batch.verify();
            if failed && group_size > 1 {
                failed_batches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            for ((e, line, k), ok) in candidates.into_iter().zip(each) {
                if ok && let Some(note) = group[e].note() {
                    let sig = &note.signatures()[line];
                    out[e].push((sig.name.clone(), sig.key_id, k.to_bytes()));
                }
            }
            out.into_iter()
        })
        .collect()
}

/// Replays the evaluator over the entries of a verified log, each entry
/// bundle read once and checked against the verified tree as it is read
/// (so the bytes replayed are those the checkpoint commits to). Status
/// statements about an earlier size than their own place are checked
/// against the status the replay kept at that size; when the first replay
/// meets one whose size it has passed already, it replays again, keeping
/// those sizes.
pub fn replay<'a, S: TileSource + Sync>(
    agreement: &'a Agreement,
    hash: Digest,
    source: &S,
    log: &Verified,
    check: SignatureCheck,
) -> Result<Replayed<'a>> {
    replay_with(agreement, hash, source, log, check, |_, _| {})
}

/// [`replay`], showing `seen` every entry (its index, the entry prepared)
/// once it is applied; an entry may be shown twice when the log is
/// replayed twice.
pub fn replay_with<'a, S: TileSource + Sync>(
    agreement: &'a Agreement,
    hash: Digest,
    source: &S,
    log: &Verified,
    check: SignatureCheck,
    mut seen: impl FnMut(u64, &Prepared),
) -> Result<Replayed<'a>> {
    let first = replay_once(agreement, hash, source, log, check, &[], &mut seen)?;
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
    let mut again = replay_once(agreement, hash, source, log, check, &missed, &mut seen)?;
    again.replayed_twice = true;
    Ok(again)
}

fn replay_once<'a, S: TileSource + Sync>(
    agreement: &'a Agreement,
    hash: Digest,
    source: &S,
    log: &Verified,
    check: SignatureCheck,
    watch: &[u64],
    seen: &mut impl FnMut(u64, &Prepared),
) -> Result<Replayed<'a>> {
    let size = log.size();
    let bundles = log.bundles();
    let bar = crate::logdir::progress_bar(size, "replaying");
    let mut evaluator = Evaluator::new(agreement, hash);
    evaluator.watch(watch.iter().copied());
    evaluator.reserve(usize::try_from(size).unwrap_or(usize::MAX));
    // A thread reads, checks, prepares and verifies chunk after chunk (on
    // every core), while this one applies them in order.
    let preparer = evaluator.preparer();
    let failed = std::sync::atomic::AtomicU64::new(0);
    let (mut signatures, mut applied) = (0u64, 0u64);
    evaluator.apply_pipelined(
        |tx| -> Result<()> {
            let mut book = KeyBook::new(agreement);
            let mut t = 0;
            while t < bundles {
                let end = (t + CHUNK_BUNDLES).min(bundles);
                let read: Vec<VerifiedBundle> = (t..end)
                    .into_par_iter()
                    .map(|t| log.bundle(source, t))
                    .collect::<Result<_, _>>()
                    .map_err(|e| miette!("the log {} does not verify: {e}", source.describe()))?;
                let prepared: Vec<Prepared> = read
                    .par_iter()
                    .flat_map_iter(|b| b.entries().iter())
                    .map(|e| preparer.prepare(e))
                    .collect();
                drop(read);
                // Keys accredited in this chunk may sign later entries of it.
                for p in &prepared {
                    if let Ok(s) = &p.statement
                        && let Body::Accreditation(ac) = &s.statement.body
                        && let Ok(k) = VerifierKey::parse(&ac.key)
                    {
                        book.add(&k);
                    }
                }
                let verified = verify_many(&prepared, &book, check, &failed);
                t = end;
                if tx.send((prepared, verified)).is_err() {
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
            bar.set_position(applied);
        },
    )?;
    bar.finish_and_clear();
    Ok(Replayed {
        evaluator,
        signatures,
        batches_failed: failed.into_inner(),
        replayed_twice: false,
    })
}

/// A log whose checkpoint and tiles verified; its entries are checked as
/// they are read.
pub type Verified = tlog::verify::VerifiedLog;

/// Verifies a log's checkpoint (signature, cosignatures), every hash tile,
/// and consistency with `old`; the entries are checked as the replay reads
/// them.
pub fn verify<S: TileSource>(
    source: &S,
    key: &VerifierKey,
    witnesses: &[VerifierKey],
    old: Option<&[u8]>,
) -> Result<Verified, tlog::verify::VerifyError> {
    let opts = tlog::verify::VerifyOptions {
        log_key: Some(key),
        witnesses,
        entries: false,
        old_checkpoint: old,
        on_entries: None,
    };
    tlog::verify::verify_tree(source, &opts, |_| {})
}
