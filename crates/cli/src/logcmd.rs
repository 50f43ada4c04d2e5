//! `accord log ...`: init, append, verify, proof, get.

use crate::out::OrClosed as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::checkpoint::SignedCheckpoint;
use tlog::client::{TileReader, TileSource};
use tlog::keys::KeyType;
use tlog::note::is_valid_key_name;
use tlog::sequencer::{BatchOptions, Sequencer};
use tlog::verify::{VerifyOptions, verify_log};
use tlog::{Log, MAX_ENTRY_SIZE, SignerKey, VerifierKey};
use tlog_s3::Location;

use crate::keys::{read_secret_key, write_secret_key};
use crate::logdir::{
    Appender, LogConfig, inclusion_proof, location, open_storage, open_writer, progress_bar,
    read_config_at, store_error, write_config,
};
use crate::replay::Source;

/// Where an S3 log's settings come from, for `accord log init --help`.
const S3_SETTINGS: &str = "\
A log on an S3-compatible object store (AWS S3, MinIO, SeaweedFS, Ceph, Google Cloud \
Storage's XML API) is named s3://BUCKET/PREFIX, here and in every command that reads or \
writes a log. The store is reached with the standard AWS settings from the environment:
  AWS_ENDPOINT_URL       the store's address, e.g. http://127.0.0.1:8333 (unset: AWS itself)
  AWS_REGION             its region (e.g. us-east-1)
  AWS_ACCESS_KEY_ID      the credentials of the writer
  AWS_SECRET_ACCESS_KEY
  AWS_ALLOW_HTTP=true    to allow an endpoint without TLS
The log's configuration is the private object PREFIX/.tlog/config.toml; its signer key stays \
a local file and never goes to the store: give --key FILE, or a new key is written to \
ORIGIN.key in the working directory ('/' in the origin as '_'). A relative key path in an S3 \
log's configuration is relative to the working directory of the command that reads it. \
Make only PREFIX/checkpoint and PREFIX/tile/ public; PREFIX/.tlog/ is private.";

#[derive(Args)]
#[command(after_help = S3_SETTINGS)]
pub struct InitArgs {
    /// Where to create the log: a directory (created if missing; must not
    /// hold a log), or s3://BUCKET/PREFIX on an object store (see below).
    #[arg(value_name = "DIR_OR_S3")]
    pub log: String,
    /// The log's origin, e.g. `log.example.org/accord` (no spaces or '+'). Also the log key's name.
    #[arg(long)]
    pub origin: Option<String>,
    /// An existing Ed25519 signer key file; by default a new key is made in
    /// DIR/.tlog/log.key, or for a log on S3 in ORIGIN.key here.
    #[arg(long)]
    pub key: Option<PathBuf>,
}

pub fn init(a: InitArgs) -> Result<()> {
    let at = location(&a.log)?;
    let storage = match &at {
        Location::Dir(dir) => {
            if dir.join("checkpoint").exists() {
                return Err(miette!(
                    "{} already holds a log (it has a checkpoint)",
                    dir.display()
                ));
            }
            None
        }
        Location::S3 { .. } => {
            // Asked before a key file is written, so that a store that
            // cannot be reached leaves nothing behind.
            let storage = open_storage(&at)?;
            match storage.read(tlog::storage::CHECKPOINT) {
                Ok(None) => {}
                Ok(Some(_)) => {
                    return Err(miette!("{at} already holds a log (it has a checkpoint)"));
                }
                Err(e) => return Err(store_error(&at, "cannot read the log's checkpoint", &e)),
            }
            Some(storage)
        }
    };
    let (signer, key_path) = match &a.key {
        Some(p) => {
            let k = read_secret_key(p)?;
            if let Some(o) = &a.origin
                && o != k.name()
            {
                return Err(miette!(
                    "--origin {o:?} differs from the key's name {:?}: a log's origin is its key's name",
                    k.name()
                ));
            }
            let abs = std::fs::canonicalize(p).into_diagnostic()?;
            (k, abs)
        }
        None => {
            let origin = a
                .origin
                .as_deref()
                .ok_or_else(|| miette!("give --origin (or --key)"))?;
            if !is_valid_key_name(origin) {
                return Err(miette!(
                    "origin {origin:?} must be non-empty, without spaces or '+'"
                ));
            }
            let k = SignerKey::generate(origin, KeyType::Ed25519).map_err(|e| miette!("{e}"))?;
            let path = match &at {
                Location::Dir(_) => PathBuf::from(".tlog/log.key"),
                // An object store is no place for a secret key: it is kept
                // here, under a name that says whose it is.
                Location::S3 { .. } => PathBuf::from(format!("{}.key", origin.replace('/', "_"))),
            };
            (k, path)
        }
    };
    if signer.key_type() != KeyType::Ed25519 {
        return Err(miette!(
            "a log key must be an Ed25519 (type 0x01) key, not a cosignature key"
        ));
    }
    let storage = match storage {
        Some(s) => s,
        None => open_storage(&at)?,
    };
    let key_path = match (&at, a.key.is_some()) {
        (_, true) => key_path,
        (Location::Dir(dir), false) => {
            write_secret_key(&dir.join(&key_path), &signer)?;
            key_path
        }
        (Location::S3 { .. }, false) => {
            write_secret_key(&key_path, &signer)?;
            // Absolute, so that the log's configuration finds the key from
            // any working directory on this machine.
            std::fs::canonicalize(&key_path).into_diagnostic()?
        }
    };
    let cfg = LogConfig {
        origin: signer.name().to_string(),
        vkey: signer.verifier().to_string(),
        key: key_path,
    };
    write_config(storage.as_ref(), &at, &cfg)?;
    let log = Log::create(storage, signer).map_err(|e| match e {
        tlog::LogError::Storage(e) => store_error(&at, "creating the log", &e),
        e => miette!("{at}: {e}"),
    })?;
    errln!("created log {at} with origin {}", cfg.origin);
    match &at {
        Location::Dir(_) => {
            errln!("serve only `checkpoint` and `tile/` from it; `.tlog/` is private");
        }
        Location::S3 { .. } => {
            if a.key.is_none() {
                errln!(
                    "the log's secret signer key is in {}: keep it private, and a copy of it safe (no one can append to the log without it)",
                    cfg.key.display()
                );
            }
            errln!("make only {at}/checkpoint and {at}/tile/ public; {at}/.tlog/ is private");
        }
    }
    outln!("{}", log.verifier());
    Ok(())
}

#[derive(Args)]
pub struct AppendArgs {
    /// The log: a directory or s3://BUCKET/PREFIX.
    #[arg(value_name = "DIR_OR_S3")]
    pub log: String,
    /// Input files; none, or `-`, reads standard input.
    pub files: Vec<PathBuf>,
    /// Take each file whole as one entry, instead of one entry per line.
    #[arg(long)]
    pub raw: bool,
    /// Entries per commit request (the sequencer may group several).
    #[arg(long, default_value_t = 8192)]
    pub chunk: usize,
    /// Commit a batch once it holds this many entries...
    #[arg(long, default_value_t = BatchOptions::default().max_batch_entries)]
    pub batch_entries: usize,
    /// ...or once this many milliseconds have passed since its first entry.
    #[arg(long, default_value_t = BatchOptions::default().max_batch_delay.as_millis() as u64)]
    pub batch_delay_ms: u64,
    /// The agreement the log follows: each entry is checked as the
    /// evaluator will check it, after the log and the entries before it,
    /// and none is appended if any would be refused.
    #[arg(long)]
    pub agreement: Option<PathBuf>,
    /// With --agreement: append even entries the evaluator would refuse
    /// (each is named, with a warning).
    #[arg(long, requires = "agreement")]
    pub force: bool,
}

/// One input, readable twice: once to check every entry, once to append.
struct Input {
    name: String,
    path: PathBuf,
    _spool: Option<tempfile::NamedTempFile>,
}

fn collect_inputs(files: &[PathBuf], at: &Location) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    let stdin_only = files.is_empty();
    for f in files.iter().map(Some).chain(stdin_only.then_some(None)) {
        match f {
            Some(p) if p.as_os_str() != "-" => {
                if !p.exists() {
                    return Err(miette!("{}: no such file", p.display()));
                }
                if p.is_dir() {
                    return Err(miette!(
                        "{}: is a directory, not a file of entries",
                        p.display()
                    ));
                }
                out.push(Input {
                    name: p.display().to_string(),
                    path: p.clone(),
                    _spool: None,
                })
            }
            _ => {
                // Standard input can only be read once: keep a copy (beside
                // the log when it is local, where there is room for it) so
                // that it can be checked whole before anything is appended.
                let spool = match at {
                    Location::Dir(dir) => {
                        tempfile::NamedTempFile::new_in(dir.join(".tlog").join("tmp"))
                    }
                    Location::S3 { .. } => tempfile::NamedTempFile::new(),
                };
                let mut spool = spool
                    .into_diagnostic()
                    .wrap_err("creating a spool file for standard input")?;
                std::io::copy(&mut std::io::stdin().lock(), &mut spool)
                    .into_diagnostic()
                    .wrap_err("reading standard input")?;
                let path = spool.path().to_path_buf();
                out.push(Input {
                    name: "<stdin>".into(),
                    path,
                    _spool: Some(spool),
                });
            }
        }
    }
    Ok(out)
}

/// Calls `f` with each line of a file (without its "\n" or "\r\n") and its
/// 1-based line number, skipping blank lines.
fn for_each_line(path: &Path, mut f: impl FnMut(u64, Vec<u8>) -> Result<()>) -> Result<u64> {
    let file = File::open(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("opening {}", path.display()))?;
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut line_no = 0u64;
    let mut blank = 0u64;
    loop {
        let mut buf = Vec::new();
        let n = r
            .read_until(b'\n', &mut buf)
            .into_diagnostic()
            .wrap_err_with(|| format!("reading {}", path.display()))?;
        if n == 0 {
            return Ok(blank);
        }
        line_no += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        if buf.is_empty() {
            blank += 1;
            continue;
        }
        f(line_no, buf)?;
    }
}

pub fn append(a: AppendArgs) -> Result<()> {
    let at = location(&a.log)?;
    let log = open_writer(&at)?;
    let inputs = collect_inputs(&a.files, &at)?;
    let agreement = a
        .agreement
        .as_deref()
        .map(crate::check::load_agreement)
        .transpose()?;
    // The log replayed, to check each entry as the evaluator will see it:
    // after the log and the entries before it in this append.
    let mut evaluator = match &agreement {
        Some((ag, hash)) => {
            let key = read_config_at(&at)?.vkey;
            Some(crate::precheck::replay_log(ag, *hash, &a.log, Some(&key))?)
        }
        None => {
            errln!(
                "note: the entries are not checked against an agreement: give --agreement FILE to check each as the evaluator will"
            );
            None
        }
    };
    let mut refused: Vec<String> = Vec::new();
    let mut judge = |position: String, entry: &[u8]| {
        if let Some(ev) = evaluator.as_mut() {
            let index = ev.state.size;
            if let Err(why) = ev.apply_entry(entry) {
                refused.push(format!(
                    "{position} (entry {index}): {}",
                    crate::precheck::explain(&why)
                ));
            }
        }
    };

    // Pass 1: check every entry, so that a bad one stops the append before
    // anything is written.
    let mut problems = Vec::new();
    let mut total = 0u64;
    for inp in &inputs {
        if a.raw {
            let len = std::fs::metadata(&inp.path).into_diagnostic()?.len();
            if len > MAX_ENTRY_SIZE as u64 {
                problems.push(format!(
                    "{}: {len} bytes; an entry is at most {MAX_ENTRY_SIZE} bytes",
                    inp.name
                ));
            } else if agreement.is_some() {
                let entry = std::fs::read(&inp.path)
                    .into_diagnostic()
                    .wrap_err_with(|| format!("reading {}", inp.name))?;
                judge(inp.name.clone(), &entry);
            }
            total += 1;
        } else {
            for_each_line(&inp.path, |line, e| {
                if e.len() > MAX_ENTRY_SIZE {
                    problems.push(format!(
                        "{}:{line}: line is {} bytes; an entry is at most {MAX_ENTRY_SIZE} bytes",
                        inp.name,
                        e.len()
                    ));
                } else {
                    judge(format!("{}:{line}", inp.name), &e);
                }
                total += 1;
                Ok(())
            })?;
        }
    }
    drop(evaluator);
    if !problems.is_empty() {
        let shown: Vec<&String> = problems.iter().take(20).collect();
        let more = if problems.len() > 20 {
            format!("\n... and {} more", problems.len() - 20)
        } else {
            String::new()
        };
        return Err(miette!(
            "nothing was appended: {} problem(s):\n{}{more}",
            problems.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    if !refused.is_empty() {
        let shown = listed(&refused);
        if !a.force {
            return Err(miette!(
                "nothing was appended: the evaluator would refuse {} of the {total} entries:\n{shown}\n(--force appends them anyway)",
                refused.len()
            ));
        }
        errln!(
            "warning: appending {} entries the evaluator will refuse (--force):\n{shown}",
            refused.len()
        );
    }

    let start_size = log.size();
    let opts = BatchOptions {
        max_batch_entries: a.batch_entries.max(1),
        max_batch_delay: Duration::from_millis(a.batch_delay_ms),
        ..BatchOptions::default()
    };
    let (seq, thread) = Sequencer::start(log, opts);
    let bar = progress_bar(total, "appending");

    // Pass 2: stream the entries in chunks, keeping a few chunks in flight
    // so that reading, hashing and committing overlap.
    let mut ap = Appender::new(seq, start_size, a.chunk.max(1), bar);
    let mut result = Ok(());
    for inp in &inputs {
        result = if a.raw {
            std::fs::read(&inp.path)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", inp.name))
                .and_then(|data| ap.push(data))
        } else {
            for_each_line(&inp.path, |_, e| ap.push(e)).map(|_| ())
        };
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = ap.flush();
    }
    // Whatever happened, wait for what was submitted and report it exactly.
    let waited = ap.drain(0);
    ap.bar.finish_and_clear();
    ap.seq = None;
    let log = thread.join();
    let (first, last_end, appended) = (ap.first, ap.end, ap.appended);
    if let Err(f) = result.and(waited) {
        let done = match first {
            Some(s) => format!("entries {s} to {} were appended before it", last_end - 1),
            None => "nothing was appended".to_string(),
        };
        return Err(miette!(
            "append failed: {f}\n{done}; the log is at size {} and intact",
            log.size()
        ));
    }
    let mut out = std::io::stdout().lock();
    if appended == 0 {
        writeln!(out, "nothing to append; the log is at size {}", log.size()).or_closed()?;
    } else {
        let s = first.expect("appended something");
        writeln!(
            out,
            "appended {appended} entries at indices {s} to {}",
            last_end - 1
        )
        .or_closed()?;
    }
    out.write_all(&log.checkpoint().to_bytes()).or_closed()?;
    Ok(())
}

/// Lines, the first 20 and how many more.
fn listed(lines: &[String]) -> String {
    let mut out: Vec<String> = lines.iter().take(20).map(|l| format!("  {l}")).collect();
    if lines.len() > 20 {
        out.push(format!("  ... and {} more", lines.len() - 20));
    }
    out.join("\n")
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The log: a directory, s3://BUCKET/PREFIX, or an http(s):// address.
    #[arg(value_name = "LOG")]
    pub log: String,
    /// The log's verifier key (default: the one in the log's .tlog/config.toml, which only checks the log against itself).
    #[arg(long)]
    pub key: Option<String>,
    /// A witness cosignature key (type 0x04) that must have cosigned the checkpoint. Repeatable.
    #[arg(long = "witness")]
    pub witnesses: Vec<String>,
    /// An earlier checkpoint file that the current log must extend.
    #[arg(long)]
    pub old: Option<PathBuf>,
    /// Skip hashing every entry bundle (checks only tiles and the checkpoint).
    #[arg(long)]
    pub skip_entries: bool,
}

fn log_key(source: &Source, given: Option<&str>) -> Result<(VerifierKey, &'static str)> {
    match given {
        Some(k) => Ok((
            VerifierKey::parse(k).map_err(|e| miette!("--key: {e}"))?,
            "given",
        )),
        None => match source.local_key() {
            Some(k) => Ok((k, "from the log's own config")),
            None => Err(match source {
                Source::Http(_) => miette!(
                    "no --key given: a log read over HTTP does not show its private .tlog/config.toml, so pass the log's verifier key with --key"
                ),
                _ => miette!(
                    "no --key given and {} has no .tlog/config.toml to take it from (or it cannot be read here)",
                    source.describe()
                ),
            }),
        },
    }
}

pub fn verify(a: VerifyArgs) -> Result<()> {
    let source = Source::open(&a.log)?;
    let (key, whence) = log_key(&source, a.key.as_deref())?;
    let witnesses = a
        .witnesses
        .iter()
        .map(|w| VerifierKey::parse(w).map_err(|e| miette!("--witness {w:?}: {e}")))
        .collect::<Result<Vec<_>>>()?;
    let old = match &a.old {
        Some(p) => Some(
            std::fs::read(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", p.display()))?,
        ),
        None => None,
    };
    let size = source
        .fetch("checkpoint")
        .ok()
        .flatten()
        .and_then(|c| SignedCheckpoint::parse(&c).ok())
        .map(|c| c.checkpoint.size)
        .unwrap_or(0);
    let bar = progress_bar(size, "verifying");
    let opts = VerifyOptions {
        log_key: Some(&key),
        witnesses: &witnesses,
        entries: !a.skip_entries,
        old_checkpoint: old.as_deref(),
        on_entries: None,
    };
    let report = verify_log(&source, &opts, |n| bar.set_position(n));
    bar.finish_and_clear();
    let report = report.map_err(|e| miette!("{}: verification FAILED: {e}", source.describe()))?;
    let cp = &report.checkpoint.checkpoint;
    outln!(
        "checkpoint ok: origin {}, size {}, root {}, signed by {} (key {whence})",
        cp.origin,
        cp.size,
        cp.root,
        key
    );
    for c in &report.cosignatures {
        outln!("cosigned by {} at {}", c.witness, c.timestamp);
    }
    outln!("{} hash tiles ok", report.hash_tiles);
    if !a.skip_entries {
        outln!(
            "{} entry bundles ok ({} entries)",
            report.entry_bundles,
            report.entries
        );
    }
    if let Some(m) = report.consistent_with {
        outln!("consistent with the old checkpoint of size {m}");
    }
    outln!("OK");
    Ok(())
}

#[derive(Args)]
pub struct ProofArgs {
    /// The log: a directory, s3://BUCKET/PREFIX, or an http(s):// address.
    #[arg(value_name = "LOG")]
    pub log: String,
    /// Prove that the entry at this index is in the log (C2SP tlog-proof format).
    #[arg(long)]
    pub index: Option<u64>,
    /// Prove that the tree of this size is a prefix of the current one (`old M`, proof hashes, blank line, checkpoint, as in C2SP tlog-witness).
    #[arg(long)]
    pub old_size: Option<u64>,
}

pub fn proof(a: ProofArgs) -> Result<()> {
    if a.index.is_none() && a.old_size.is_none() {
        return Err(miette!("give --index I, --old-size M, or both"));
    }
    let source = Source::open(&a.log)?;
    let raw = source
        .fetch("checkpoint")
        .map_err(|e| miette!("{e}"))?
        .ok_or_else(|| miette!("{} has no checkpoint: not a log", source.describe()))?;
    let cp = SignedCheckpoint::parse(&raw)
        .map_err(|e| miette!("{}/checkpoint: {e}", source.describe()))?;
    let size = cp.checkpoint.size;
    let mut reader = TileReader::new(&source);
    let mut out = String::new();
    if let Some(i) = a.index {
        if i >= size {
            return Err(miette!("index {i} is not in the log: its size is {size}"));
        }
        let (proof, _) = inclusion_proof(&mut reader, &raw, size, &cp.checkpoint.root, i)?;
        out.push_str(&proof);
    }
    if let Some(m) = a.old_size {
        if m > size {
            return Err(miette!("--old-size {m} is larger than the log ({size})"));
        }
        let proof = reader
            .consistency_proof(m, size)
            .map_err(|e| miette!("{e}"))?;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("old {m}\n"));
        for h in &proof {
            out.push_str(&format!("{h}\n"));
        }
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(&raw));
    }
    out!("{out}");
    Ok(())
}

#[derive(Args)]
pub struct GetArgs {
    /// The log: a directory, s3://BUCKET/PREFIX, or an http(s):// address.
    #[arg(value_name = "LOG")]
    pub log: String,
    /// The entry's index.
    #[arg(long)]
    pub index: u64,
    /// Print the entry's bytes exactly, without a trailing newline.
    #[arg(long)]
    pub raw: bool,
}

pub fn get(a: GetArgs) -> Result<()> {
    let source = Source::open(&a.log)?;
    let raw = source
        .fetch("checkpoint")
        .map_err(|e| miette!("{e}"))?
        .ok_or_else(|| miette!("{} has no checkpoint: not a log", source.describe()))?;
    let cp = SignedCheckpoint::parse(&raw)
        .map_err(|e| miette!("{}/checkpoint: {e}", source.describe()))?;
    let size = cp.checkpoint.size;
    if a.index >= size {
        return Err(miette!(
            "index {} is not in the log: its size is {size}",
            a.index
        ));
    }
    let entry = TileReader::new(&source)
        .entry(size, a.index)
        .map_err(|e| miette!("{e}"))?;
    let mut out = std::io::stdout().lock();
    out.write_all(&entry).or_closed()?;
    if !a.raw {
        out.write_all(b"\n").or_closed()?;
    }
    Ok(())
}
