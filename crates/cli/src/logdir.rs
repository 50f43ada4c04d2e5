//! A log directory as the CLI keeps it: the public C2SP objects
//! (`checkpoint`, `tile/`) and, under `.tlog/`, the writer's private state,
//! including `config.toml` (origin, verifier key, where the signer key is).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use serde::{Deserialize, Serialize};
use tlog::client::{TileReader, TileSource};
use tlog::merkle::verify_inclusion;
use tlog::sequencer::{Pending, Sequencer};
use tlog::{DirStorage, Hash, Log, SignerKey, VerifierKey};

use crate::keys::read_secret_key;

#[derive(Serialize, Deserialize)]
pub struct LogConfig {
    /// The checkpoint origin, which is also the log key's name.
    pub origin: String,
    /// The log's verifier key.
    pub vkey: String,
    /// The signer key file, absolute or relative to the log directory.
    pub key: PathBuf,
}

pub fn config_path(dir: &Path) -> PathBuf {
    dir.join(".tlog").join("config.toml")
}

pub fn read_config(dir: &Path) -> Result<LogConfig> {
    let p = config_path(dir);
    let text = std::fs::read_to_string(&p)
        .into_diagnostic()
        .wrap_err_with(|| {
            format!(
                "{} is not a log made by `accord log init` (cannot read {})",
                dir.display(),
                p.display()
            )
        })?;
    toml::from_str(&text).map_err(|e| miette!("{}: {e}", p.display()))
}

pub fn write_config(dir: &Path, cfg: &LogConfig) -> Result<()> {
    let p = config_path(dir);
    let tmp = p.with_extension("toml.tmp");
    let text = toml::to_string(cfg).into_diagnostic()?;
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|()| std::fs::rename(&tmp, &p))
        .into_diagnostic()
        .wrap_err_with(|| format!("writing {}", p.display()))
}

impl LogConfig {
    pub fn verifier(&self) -> Result<VerifierKey> {
        VerifierKey::parse(&self.vkey).map_err(|e| miette!("log config: vkey: {e}"))
    }

    pub fn key_path(&self, dir: &Path) -> PathBuf {
        if self.key.is_absolute() {
            self.key.clone()
        } else {
            dir.join(&self.key)
        }
    }

    pub fn signer(&self, dir: &Path) -> Result<SignerKey> {
        let key = read_secret_key(&self.key_path(dir))?;
        if key.verifier().to_string() != self.vkey {
            return Err(miette!(
                "the key in {} is not this log's key ({})",
                self.key_path(dir).display(),
                self.vkey
            ));
        }
        Ok(key)
    }
}

/// Opens the log in `dir` for writing.
pub fn open_writer(dir: &Path) -> Result<Log> {
    let cfg = read_config(dir)?;
    let signer = cfg.signer(dir)?;
    let storage = Arc::new(DirStorage::new(dir).map_err(|e| miette!("{e}"))?);
    Log::open(storage, signer).map_err(|e| miette!("opening log {}: {e}", dir.display()))
}

/// A progress bar counting entries, on a terminal and for long inputs only.
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) || total < 10_000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:40}} {{human_pos}}/{{human_len}} entries ({{per_sec}}, {{eta}} left)"
        ))
        .expect("valid template"),
    );
    bar
}

/// The entry at `index` and its inclusion proof against `checkpoint` (of
/// `size` entries and root `root`), as C2SP tlog-proof text. The proof is
/// checked before it is returned: a proof that does not verify is never
/// printed.
pub fn inclusion_proof<S: TileSource>(
    reader: &mut TileReader<S>,
    checkpoint: &[u8],
    size: u64,
    root: &Hash,
    index: u64,
) -> Result<(String, Vec<u8>)> {
    let hashes = reader
        .inclusion_proof(size, index)
        .map_err(|e| miette!("proof of entry {index}: {e}"))?;
    let entry = reader
        .entry(size, index)
        .map_err(|e| miette!("entry {index}: {e}"))?;
    verify_inclusion(index, size, &tlog::leaf_hash(&entry), &hashes, root)
        .map_err(|e| miette!("the log's tiles do not prove entry {index}: {e}"))?;
    Ok((tlog::proof::text(index, &hashes, checkpoint), entry))
}

/// Feeds entries to a log's sequencer in chunks, a few in flight so that
/// reading, hashing and committing overlap, and keeps count of what is
/// durable: `first` and `end` are the indices appended so far.
pub struct Appender {
    pub seq: Option<Sequencer>,
    pub chunk: Vec<Vec<u8>>,
    pub chunk_size: usize,
    pub in_flight: VecDeque<Pending>,
    pub first: Option<u64>,
    pub end: u64,
    pub appended: u64,
    pub bar: ProgressBar,
}

impl Appender {
    /// How many chunks may be committing while the next is read.
    const IN_FLIGHT: usize = 4;

    /// An appender to a log of `size` entries, in chunks of `chunk_size`.
    pub fn new(seq: Sequencer, size: u64, chunk_size: usize, bar: ProgressBar) -> Appender {
        Appender {
            seq: Some(seq),
            chunk: Vec::new(),
            chunk_size,
            in_flight: VecDeque::new(),
            first: None,
            end: size,
            appended: 0,
            bar,
        }
    }

    /// Submits a whole chunk at once.
    pub fn submit(&mut self, entries: Vec<Vec<u8>>) -> Result<()> {
        self.chunk.extend(entries);
        self.flush()
    }

    pub fn push(&mut self, entry: Vec<u8>) -> Result<()> {
        self.chunk.push(entry);
        if self.chunk.len() >= self.chunk_size {
            self.flush()
        } else {
            Ok(())
        }
    }

    pub fn flush(&mut self) -> Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let seq = self.seq.as_ref().expect("sequencer running");
        let p = seq
            .submit(std::mem::take(&mut self.chunk))
            .map_err(|e| miette!("{e}"))?;
        self.in_flight.push_back(p);
        self.drain(Self::IN_FLIGHT)
    }

    /// Waits until at most `keep` chunks are in flight.
    pub fn drain(&mut self, keep: usize) -> Result<()> {
        let mut failure = None;
        while self.in_flight.len() > keep {
            match self.in_flight.pop_front().expect("non-empty").wait() {
                Ok(r) => {
                    self.first.get_or_insert(r.start);
                    self.end = self.end.max(r.end);
                    self.appended += r.end - r.start;
                    self.bar.inc(r.end - r.start);
                }
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
        match failure {
            Some(e) => Err(miette!("{e}")),
            None => Ok(()),
        }
    }
}
