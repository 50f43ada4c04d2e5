//! A log as the CLI keeps it, in a directory or under an `s3://bucket/prefix`:
//! the public C2SP objects (`checkpoint`, `tile/`) and the writer's private
//! state, including `config.toml` (origin, verifier key, where the signer key
//! is). The configuration is a private object of the log's storage, so that
//! both backends keep it alike: for a directory it is the file
//! `DIR/.tlog/config.toml`, as it always was; on S3 the object
//! `prefix/.tlog/config.toml`.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use serde::{Deserialize, Serialize};
use tlog::client::{TileReader, TileSource};
use tlog::merkle::verify_inclusion;
use tlog::sequencer::{Pending, Sequencer};
use tlog::{Hash, Log, SignerKey, Storage, StorageError, VerifierKey};
use tlog_s3::Location;

use crate::keys::read_secret_key;

/// The private object holding a log's [`LogConfig`].
pub const CONFIG: &str = "config.toml";

#[derive(Serialize, Deserialize)]
pub struct LogConfig {
    /// The checkpoint origin, which is also the log key's name.
    pub origin: String,
    /// The log's verifier key.
    pub vkey: String,
    /// The signer key file: absolute, or relative to the log directory; for
    /// a log on S3 (whose config is an object, not beside any file) relative
    /// to the working directory of the command that reads it. The key is
    /// always a local file: it never goes to the object store.
    pub key: PathBuf,
}

/// Parses a log's location as given on the command line (`DIR` or
/// `s3://bucket/prefix`), the error naming it.
pub fn location(given: &str) -> Result<Location> {
    Location::parse(given).map_err(|e| miette!("{e}"))
}

/// What to tell a user whose object store could not be used.
pub const STORE_HELP: &str = "the object store is reached with the standard AWS settings from the environment: \
AWS_ENDPOINT_URL (e.g. http://127.0.0.1:8333; none for AWS itself), AWS_REGION, \
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and AWS_ALLOW_HTTP=true for an endpoint without TLS";

/// The log's configuration, wherever the log is.
pub fn read_config_at(at: &Location) -> Result<LogConfig> {
    let (text, whence) = match at {
        // Read as a file rather than through `DirStorage`, which would create
        // the log's directories: reading must change nothing. It is the same
        // file (a test holds them to it).
        Location::Dir(dir) => {
            let p = dir.join(".tlog").join(CONFIG);
            let text = std::fs::read(&p).into_diagnostic().wrap_err_with(|| {
                format!(
                    "{} is not a log made by `accord log init` (cannot read {})",
                    dir.display(),
                    p.display()
                )
            })?;
            (text, p.display().to_string())
        }
        Location::S3 { .. } => {
            let storage = open_storage(at)?;
            let text = storage
                .read_private(CONFIG)
                .map_err(|e| store_error(at, "cannot read the log's configuration", &e))?
                .ok_or_else(|| {
                    miette!(
                        "{at} is not a log made by `accord log init` (it has no .tlog/{CONFIG})"
                    )
                })?;
            (text, format!("{at}/.tlog/{CONFIG}"))
        }
    };
    let text = String::from_utf8(text).map_err(|_| miette!("{whence}: not UTF-8 text"))?;
    toml::from_str(&text).map_err(|e| miette!("{whence}: {e}"))
}

/// Writes the log's configuration as a private object of its storage
/// (atomically: the old one or the new, never a mix).
pub fn write_config(storage: &dyn Storage, at: &Location, cfg: &LogConfig) -> Result<()> {
    let text = toml::to_string(cfg).into_diagnostic()?;
    storage
        .write_private(CONFIG, text.as_bytes())
        .map_err(|e| miette!("{at}: writing the log's configuration: {e}"))
}

/// The log's storage, to write (a directory is created when missing).
pub fn open_storage(at: &Location) -> Result<Arc<dyn Storage>> {
    at.storage()
        .map_err(|e| store_error(at, "cannot open the log", &e))
}

/// A storage failure at `at`, in a sentence; when the object store itself
/// failed (rather than, say, a lock held by another writer), with where its
/// settings come from.
pub fn store_error(at: &Location, doing: &str, e: &StorageError) -> miette::Report {
    let store_failed = matches!(e, StorageError::Backend { .. } | StorageError::Io { .. });
    match at {
        Location::S3 { .. } if store_failed => miette!(help = STORE_HELP, "{at}: {doing}: {e}"),
        _ => miette!("{at}: {doing}: {e}"),
    }
}

impl LogConfig {
    pub fn verifier(&self) -> Result<VerifierKey> {
        VerifierKey::parse(&self.vkey).map_err(|e| miette!("log config: vkey: {e}"))
    }

    /// The signer key file: see [`LogConfig::key`].
    pub fn key_path_at(&self, at: &Location) -> PathBuf {
        match at {
            _ if self.key.is_absolute() => self.key.clone(),
            Location::Dir(dir) => dir.join(&self.key),
            Location::S3 { .. } => self.key.clone(),
        }
    }

    /// The signer key, checked to be the log's.
    pub fn signer_at(&self, at: &Location) -> Result<SignerKey> {
        let path = self.key_path_at(at);
        let key = read_secret_key(&path)?;
        if key.verifier().to_string() != self.vkey {
            return Err(miette!(
                "the key in {} is not this log's key ({})",
                path.display(),
                self.vkey
            ));
        }
        Ok(key)
    }
}

/// Opens the log for writing, taking its writer lock (on S3, its lease).
pub fn open_writer(at: &Location) -> Result<Log> {
    let cfg = read_config_at(at)?;
    let signer = cfg.signer_at(at)?;
    let storage = open_storage(at)?;
    Log::open(storage, signer).map_err(|e| match e {
        tlog::LogError::Storage(e) => store_error(at, "opening the log", &e),
        e => miette!("{at}: opening the log: {e}"),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration written as the storage's private object is the
    /// file every log directory has had, `DIR/.tlog/config.toml`, and is
    /// read back from it.
    #[test]
    fn a_directory_keeps_its_config_where_it_always_did() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("log");
        let at = Location::Dir(dir.clone());
        let storage = open_storage(&at).unwrap();
        let cfg = LogConfig {
            origin: "test.example/log".into(),
            vkey: "test.example/log+00000000+AAAA".into(),
            key: ".tlog/log.key".into(),
        };
        write_config(storage.as_ref(), &at, &cfg).unwrap();
        let text = std::fs::read_to_string(dir.join(".tlog/config.toml")).unwrap();
        assert!(text.contains("origin = \"test.example/log\""), "{text}");
        let back = read_config_at(&Location::Dir(dir.clone())).unwrap();
        assert_eq!(back.vkey, cfg.vkey);
        assert_eq!(back.key_path_at(&at), dir.join(".tlog/log.key"));
    }

    /// A relative key path is the log directory's for a directory, and the
    /// working directory's for a log on S3 (its config is not beside any
    /// file); an absolute one is itself.
    #[test]
    fn key_paths_are_resolved_by_where_the_log_is() {
        let cfg = |key: &str| LogConfig {
            origin: "o".into(),
            vkey: "v".into(),
            key: key.into(),
        };
        let dir = Location::parse("logs/x").unwrap();
        let s3 = Location::parse("s3://b/p").unwrap();
        assert_eq!(
            cfg("k.key").key_path_at(&dir),
            PathBuf::from("logs/x/k.key")
        );
        assert_eq!(cfg("k.key").key_path_at(&s3), PathBuf::from("k.key"));
        assert_eq!(cfg("/k/l.key").key_path_at(&s3), PathBuf::from("/k/l.key"));
        assert_eq!(cfg("/k/l.key").key_path_at(&dir), PathBuf::from("/k/l.key"));
    }

    /// Reading a directory's configuration creates nothing.
    #[test]
    fn reading_a_missing_log_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("nothing");
        let e = read_config_at(&Location::Dir(dir.clone()))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("is not a log made by `accord log init`"), "{e}");
        assert!(!dir.exists());
    }
}
