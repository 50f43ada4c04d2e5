//! What an auditor remembers between runs: the latest checkpoint it has
//! verified of each log, so that a rewritten history is caught even with
//! no `--since` and no witness.
//!
//! As the Go checksum database's client does, every command that verifies
//! a log (`audit`, `status`, `report`) checks the checkpoint it is served
//! against the one it remembers for that log (by origin and key), with a
//! consistency proof from the log's own tiles, and remembers the newer one
//! only once that holds. A log that served one history yesterday and
//! another today fails loudly, and the two signed checkpoints are kept as
//! evidence; so does the same origin under another key. The remembered
//! checkpoints can be exported (`accord
//! checkpoints --export DIR`) for others to compare with theirs: the
//! gossip a witness network builds on.
//!
//! Where: `--state DIR`, else `$ACCORD_STATE`, else `$XDG_DATA_HOME/accord`,
//! else `~/.local/share/accord`. One file per log in `checkpoints/`, each
//! the checkpoint's signed note as the log served it; written whole and
//! renamed into place, under a lock, so that two runs at once cannot lose
//! the newer one.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::checkpoint::SignedCheckpoint;
use tlog::verify::VerifiedLog;
use tlog::{TileSource, VerifierKey};

/// The directory of remembered checkpoints.
pub struct Memory {
    dir: PathBuf,
}

pub use accord_engine::remembered::Seen;

impl Memory {
    /// The memory at `--state`, `$ACCORD_STATE` or the user's data
    /// directory; `None` when there is no such directory to use.
    pub fn open(flag: Option<&Path>) -> Result<Option<Memory>> {
        let dir = match flag {
            Some(d) => d.to_path_buf(),
            None => match default_dir() {
                Some(d) => d,
                None => return Ok(None),
            },
        };
        std::fs::create_dir_all(dir.join("checkpoints"))
            .into_diagnostic()
            .wrap_err_with(|| format!("creating {}", dir.join("checkpoints").display()))?;
        Ok(Some(Memory { dir }))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the checkpoint of a log (origin, key) is remembered.
    fn file(&self, origin: &str, key: &VerifierKey) -> PathBuf {
        self.dir
            .join("checkpoints")
            .join(format!("{}+{:08x}", encode(origin), key.key_id()))
    }

    /// The checkpoint remembered for a log (origin, key), if any. A log is
    /// its origin and its key: the same origin remembered under another
    /// key is another history (a log re-signed from scratch), whoever says
    /// which key is right.
    pub fn previous(&self, origin: &str, key: &VerifierKey) -> Result<Option<Vec<u8>>> {
        let file = self.file(origin, key);
        let prefix = format!("{}+", encode(origin));
        if let Some(other) = self.list()?.into_iter().find(|(p, _)| {
            p != &file
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix))
        }) {
            return Err(miette!(
                "KEY CHANGED: this log ({}) was seen before signed by another key (remembered in {}); a log re-signed under a new key can show any history. If the agreement was amended to name a new log key, remove that file to accept it",
                printable_origin(origin),
                other.0.display()
            ));
        }
        match std::fs::read(&file) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", file.display())),
        }
    }

    /// Remembers the verified log's checkpoint when it is new or newer
    /// (`seen` is what the engine found against the previous one, `None`
    /// when there was none). Under the memory's lock, and never over a
    /// larger checkpoint another run remembered meanwhile.
    ///
    /// The checkpoint is kept as served, with its witnesses' cosignatures;
    /// the same checkpoint served again with more of them is kept with all.
    pub fn remember(&self, key: &VerifierKey, log: &VerifiedLog, seen: Option<Seen>) -> Result<()> {
        if let Some(Seen::Older { .. }) = seen {
            return Ok(());
        }
        let _lock = self.lock()?;
        let served = log.checkpoint();
        let file = self.file(&served.checkpoint.origin, key);
        let now_bytes = std::fs::read(&file).ok();
        if let Some(Seen::Same) = seen {
            return match now_bytes.and_then(|b| {
                accord_engine::remembered::with_new_cosignatures(&b, &served.to_bytes())
            }) {
                Some(merged) => self.write(&file, &merged),
                None => Ok(()),
            };
        }
        let now = now_bytes.and_then(|b| SignedCheckpoint::parse(&b).ok());
        if now.is_some_and(|c| c.checkpoint.size > served.checkpoint.size) {
            return Ok(());
        }
        self.write(&file, &served.to_bytes())
    }

    /// Keeps both checkpoints of a fork; where they are, or why not.
    pub fn keep_fork(&self, remembered: &[u8], served: &[u8], why: &str) -> String {
        let stamp = jiff::Timestamp::now().as_second();
        let dir = self.dir.join("forks").join(stamp.to_string());
        let kept = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join("remembered.checkpoint"), remembered))
            .and_then(|()| std::fs::write(dir.join("served.checkpoint"), served))
            .and_then(|()| std::fs::write(dir.join("WHY.txt"), format!("{why}\n")));
        match kept {
            Ok(()) => format!("both signed checkpoints are kept in {}", dir.display()),
            Err(e) => format!("(could not keep them in {}: {e})", dir.display()),
        }
    }

    /// Checks a verified log against the checkpoint remembered for it (see
    /// `accord_engine::remembered`) and remembers it when it is newer; a
    /// fork fails, with both checkpoints kept. Returns what was found
    /// (`None`: nothing was remembered).
    pub fn check<S: TileSource>(
        &self,
        source: &S,
        key: &VerifierKey,
        log: &VerifiedLog,
    ) -> Result<Option<Seen>> {
        let served = log.checkpoint();
        let seen = match self.previous(&served.checkpoint.origin, key)? {
            None => None,
            Some(old) => match accord_engine::remembered::check(source, key, log, &old) {
                Ok(seen) => Some(seen),
                Err(fork) => {
                    let kept = self.keep_fork(&old, &served.to_bytes(), &fork.why);
                    return Err(miette!(
                        "FORK: this log is not the one seen before: {}. The operator has shown two histories; {kept}",
                        fork.why
                    ));
                }
            },
        };
        self.remember(key, log, seen)?;
        Ok(seen)
    }

    /// Holds the memory's lock while it lives: two runs at once cannot
    /// lose the newer checkpoint.
    fn lock(&self) -> Result<File> {
        let lock = File::create(self.dir.join("lock"))
            .into_diagnostic()
            .wrap_err_with(|| format!("opening {}", self.dir.join("lock").display()))?;
        lock.lock()
            .into_diagnostic()
            .wrap_err("locking the remembered checkpoints")?;
        Ok(lock)
    }

    /// Writes a checkpoint whole, then renames it into place.
    fn write(&self, file: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = file.with_extension("tmp");
        let mut f = File::create(&tmp)
            .into_diagnostic()
            .wrap_err_with(|| format!("writing {}", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .and_then(|()| std::fs::rename(&tmp, file))
            .into_diagnostic()
            .wrap_err_with(|| format!("writing {}", file.display()))
    }

    /// Every remembered checkpoint: its file and its note.
    pub fn list(&self) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let dir = self.dir.join("checkpoints");
        let mut out = Vec::new();
        for e in std::fs::read_dir(&dir)
            .into_diagnostic()
            .wrap_err_with(|| format!("reading {}", dir.display()))?
        {
            let path = e.into_diagnostic()?.path();
            if path.extension().is_some_and(|x| x == "tmp") {
                continue;
            }
            let bytes = std::fs::read(&path)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", path.display()))?;
            out.push((path, bytes));
        }
        out.sort();
        Ok(out)
    }
}

/// `$ACCORD_STATE`, `$XDG_DATA_HOME/accord` or `~/.local/share/accord`.
fn default_dir() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(d) = env("ACCORD_STATE") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = env("XDG_DATA_HOME") {
        return Some(PathBuf::from(d).join("accord"));
    }
    env("HOME").map(|h| PathBuf::from(h).join(".local/share/accord"))
}

/// An origin as a file name: letters, digits, `.`, `_` and `-` as they
/// are, anything else as `%XX`.
fn encode(origin: &str) -> String {
    let mut out = String::new();
    for b in origin.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What to say about the remembered checkpoint, for people (`None`:
/// nothing was remembered).
pub fn describe(seen: Option<Seen>, memory: &Memory) -> String {
    let dir = memory.dir().display();
    match seen {
        None => format!("first time this log is seen here: its checkpoint is remembered ({dir})"),
        Some(Seen::Same) => {
            format!("the same checkpoint as remembered from an earlier run ({dir})")
        }
        Some(Seen::Extends { from }) => format!(
            "consistent with the checkpoint of size {from} remembered from an earlier run: nothing was rewritten ({dir})"
        ),
        Some(Seen::Older { remembered }) => format!(
            "OLDER than the checkpoint of size {remembered} remembered from an earlier run, but a prefix of it: a mirror or cache behind the log ({dir})"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_become_file_names_that_say_what_they_are() {
        assert_eq!(
            encode("log.mission.accord.example/log"),
            "log.mission.accord.example%2Flog"
        );
        assert_eq!(encode("a b+c"), "a%20b%2Bc");
    }
}

/// `accord checkpoints`: the checkpoints remembered, and their export.
#[derive(clap::Args)]
pub struct CheckpointsArgs {
    /// Where checkpoints are remembered (default: `$ACCORD_STATE`, else
    /// the user's data directory).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Copy every remembered checkpoint (signed notes, one file per log)
    /// into DIR, for others to compare with theirs (`accord audit --since
    /// FILE`).
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

pub fn run(a: CheckpointsArgs) -> Result<()> {
    let Some(memory) = Memory::open(a.state.as_deref())? else {
        return Err(miette!(
            "no data directory: pass --state DIR or set $ACCORD_STATE"
        ));
    };
    let all = memory.list()?;
    if let Some(out) = &a.export {
        std::fs::create_dir_all(out)
            .into_diagnostic()
            .wrap_err_with(|| format!("creating {}", out.display()))?;
    }
    outln!(
        "{} checkpoint(s) remembered in {}",
        all.len(),
        memory.dir().join("checkpoints").display()
    );
    for (path, bytes) in &all {
        let name = path.file_name().unwrap_or_default();
        match SignedCheckpoint::parse(bytes) {
            Ok(c) => outln!(
                "  {}  size {}  root {}",
                crate::remembered::printable_origin(&c.checkpoint.origin),
                c.checkpoint.size,
                c.checkpoint.root
            ),
            Err(e) => outln!("  {}: not a checkpoint: {e}", path.display()),
        }
        if let Some(out) = &a.export {
            std::fs::write(out.join(name), bytes)
                .into_diagnostic()
                .wrap_err_with(|| format!("writing {}", out.join(name).display()))?;
        }
    }
    if let Some(out) = &a.export {
        outln!("exported to {}", out.display());
    }
    Ok(())
}

/// An origin as it may be printed (it comes from the log).
pub fn printable_origin(origin: &str) -> String {
    accord::text::printable(origin).into_owned()
}
