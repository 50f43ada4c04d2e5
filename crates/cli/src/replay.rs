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
use accord::statement::{Body, Digest, SignedStatement};
use ed25519_dalek::{Signature, VerifyingKey};
use miette::{Result, miette};
use rayon::prelude::*;
use tlog::VerifierKey;
use tlog::client::{DirSource, ReadError, TileReader, TileSource};

/// Entries read and prepared at a time: 256 bundles.
const CHUNK: u64 = 1 << 16;

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

/// How to check signatures during a replay.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Batch verification first; every signature of a batch that fails is
    /// then checked strictly, one by one.
    Batch,
    /// Every signature with `verify_strict`, the evaluator's rule.
    Strict,
}

/// What a replay went through.
pub struct Replayed<'a> {
    pub evaluator: Evaluator<'a>,
    pub signatures: u64,
    /// Batches whose verification failed, so that their signatures were
    /// checked one by one.
    pub batches_failed: u64,
}

/// Keys that may have signed entries: the agreement's and every monitor key
/// accredited so far, by (name, key ID). Several keys may share a name and
/// ID (IDs are only 32 bits); the evaluator decides which one counts.
struct KeyBook(HashMap<(String, u32), Vec<VerifyingKey>>);

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

/// Every (message, signature, key) triple of a prepared entry, for the keys
/// the book knows under the line's name and ID.
type Triple<'p> = (&'p [u8], Signature, VerifyingKey, usize);

fn triples<'p>(p: &'p Prepared, book: &KeyBook) -> Vec<Triple<'p>> {
    let mut out = Vec::new();
    let Ok(s) = &p.statement else { return out };
    let text = s.note.text().as_bytes();
    for (line, sig) in s.note.signatures().iter().enumerate() {
        let Some(keys) = book.0.get(&(sig.name.clone(), sig.key_id)) else {
            continue;
        };
        let Ok(signature) = Signature::from_slice(&sig.signature) else {
            continue;
        };
        for k in keys {
            out.push((text, signature, *k, line));
        }
    }
    out
}

/// Which signature lines of an entry verify strictly: (name, key ID,
/// public key).
fn verify_entry(p: &Prepared, book: &KeyBook) -> Vec<(String, u32, [u8; 32])> {
    let t = triples(p, book);
    let Ok(s) = &p.statement else { return vec![] };
    let line = |i: usize, k: &VerifyingKey| {
        let sig = &s.note.signatures()[i];
        (sig.name.clone(), sig.key_id, k.to_bytes())
    };
    t.iter()
        .filter(|x| x.2.verify_strict(x.0, &x.1).is_ok())
        .map(|x| line(x.3, &x.2))
        .collect()
}

/// Verifies many entries: in batch mode, one batch per group of entries,
/// falling back to entry-by-entry strict checks for a group that fails.
fn verify_many(
    prepared: &[Prepared],
    book: &KeyBook,
    check: SignatureCheck,
    failed_batches: &std::sync::atomic::AtomicU64,
) -> Vec<Vec<(String, u32, [u8; 32])>> {
    const GROUP: usize = 64;
    prepared
        .par_chunks(GROUP)
        .flat_map_iter(|group| {
            if check == SignatureCheck::Batch {
                let all: Vec<Vec<Triple>> = group.iter().map(|p| triples(p, book)).collect();
                let flat: Vec<&Triple> = all.iter().flatten().collect();
                // Several candidate keys for one line cannot all verify: only
                // a group where each line has one candidate can be batched.
                let unique = all.iter().all(|t| {
                    let mut lines: Vec<usize> = t.iter().map(|x| x.3).collect();
                    lines.dedup();
                    lines.len() == t.len()
                });
                if unique && !flat.is_empty() {
                    let msgs: Vec<&[u8]> = flat.iter().map(|x| x.0).collect();
                    let sigs: Vec<Signature> = flat.iter().map(|x| x.1).collect();
                    let keys: Vec<VerifyingKey> = flat.iter().map(|x| x.2).collect();
                    if ed25519_dalek::verify_batch(&msgs, &sigs, &keys).is_ok() {
                        let out: Vec<Vec<(String, u32, [u8; 32])>> = group
                            .iter()
                            .zip(&all)
                            .map(|(p, t)| {
                                let Ok(s) = &p.statement else { return vec![] };
                                t.iter()
                                    .map(|x| {
                                        let sig = &s.note.signatures()[x.3];
                                        (sig.name.clone(), sig.key_id, x.2.to_bytes())
                                    })
                                    .collect()
                            })
                            .collect();
                        return out.into_iter();
                    }
                    failed_batches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            group
                .iter()
                .map(|p| verify_entry(p, book))
                .collect::<Vec<_>>()
                .into_iter()
        })
        .collect()
}

/// Whether an entry may be a status statement (a cheap test, before
/// parsing).
fn may_be_status(entry: &[u8]) -> bool {
    memchr::memmem::find(entry, b"\"log_size\":").is_some()
}

/// Replays the evaluator over the first `size` entries of a log whose tiles
/// were verified by [`verify`], which also found the earlier sizes that
/// status statements speak of, so that their claims can be checked.
pub fn replay<'a, S: TileSource + Sync>(
    agreement: &'a Agreement,
    hash: Digest,
    source: &S,
    log: &Verified,
    check: SignatureCheck,
) -> Result<Replayed<'a>> {
    let size = log.size;
    let sizes = log.status_sizes.clone();
    let mut reader = TileReader::new(source);
    let bar = crate::logdir::progress_bar(size, "replaying");
    let read = |reader: &mut TileReader<&S>, from: u64| {
        reader
            .entries(size, from..(from + CHUNK).min(size))
            .map_err(|e| miette!("reading entries from {}: {e}", source.describe()))
    };
    let mut evaluator = Evaluator::new(agreement, hash);
    evaluator.watch(sizes);
    evaluator.reserve(usize::try_from(size).unwrap_or(usize::MAX));
    // Pass 2: a thread reads, prepares and verifies chunk after chunk (on
    // every core), while this one applies them in order.
    let preparer = evaluator.preparer();
    let failed = std::sync::atomic::AtomicU64::new(0);
    let (mut signatures, mut applied) = (0u64, 0u64);
    evaluator.apply_pipelined(
        |tx| -> Result<()> {
            let mut book = KeyBook::new(agreement);
            let mut from = 0;
            while from < size {
                let entries = read(&mut reader, from)?;
                let prepared: Vec<Prepared> =
                    entries.par_iter().map(|e| preparer.prepare(e)).collect();
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
                from += entries.len() as u64;
                if tx.send((prepared, verified)).is_err() {
                    break;
                }
            }
            Ok(())
        },
        |(prepared, verified)| {
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
    })
}

/// A log whose checkpoint, tiles and entry bundles were verified.
pub struct Verified {
    pub report: tlog::verify::VerifyReport,
    pub size: u64,
    /// Log sizes, earlier than their own index, that status statements
    /// speak of: found while the bundles were read for verification, so
    /// that the replay reads each bundle only once more.
    pub status_sizes: Vec<u64>,
}

/// Verifies a log (checkpoint signature, cosignatures, every tile and entry
/// bundle, consistency with `old`) and notes the sizes status statements
/// speak of.
pub fn verify<S: TileSource>(
    source: &S,
    key: &VerifierKey,
    witnesses: &[VerifierKey],
    old: Option<&[u8]>,
) -> Result<Verified, tlog::verify::VerifyError> {
    let sizes = std::cell::RefCell::new(Vec::new());
    let scan = |first: u64, bundle: &[Vec<u8>]| {
        for (i, e) in bundle.iter().enumerate() {
            if may_be_status(e)
                && let Ok(s) = SignedStatement::parse(e)
                && let Body::Status(sc) = &s.statement.body
                && sc.log_size < first + i as u64
            {
                sizes.borrow_mut().push(sc.log_size);
            }
        }
    };
    let opts = tlog::verify::VerifyOptions {
        log_key: Some(key),
        witnesses,
        entries: true,
        old_checkpoint: old,
        on_entries: Some(&scan),
    };
    let report = tlog::verify::verify_log(source, &opts, |_| {})?;
    Ok(Verified {
        size: report.checkpoint.checkpoint.size,
        report,
        status_sizes: sizes.into_inner(),
    })
}
