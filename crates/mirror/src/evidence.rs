//! What a mirror keeps of the checkpoints it refused: both checkpoints (the
//! one it mirrors and the one it was offered, each signed by the log) and
//! why, under `evidence/` in its directory, so that anyone can check the
//! claim with the log's key alone.
//!
//! A refusal is recorded once per offered checkpoint: a source that keeps
//! offering the same bad checkpoint adds nothing after the first time.
//! `why` is written last, once the checkpoints are durable, so a record
//! with its `why` is complete.

use std::fmt;

use sha2::{Digest, Sha256};
use tlog::storage::{Storage, StorageError};

/// Where records are kept, below the mirror's directory.
pub const EVIDENCE_DIR: &str = "evidence";
/// The checkpoint the mirror held when it refused (absent before its first).
pub const MIRRORED_FILE: &str = "mirrored.checkpoint";
/// The checkpoint the source offered.
pub const OFFERED_FILE: &str = "offered.checkpoint";
/// What was wrong, in words, with when and where from.
pub const WHY_FILE: &str = "why.txt";

/// What a refused checkpoint shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvidenceKind {
    /// The log signed two histories: a checkpoint of the mirror's size with
    /// another root, or one whose tree, at the mirror's size, has another
    /// root. Both checkpoints together prove it.
    Fork,
    /// The source serves a checkpoint older than the mirror's, of the same
    /// history.
    Rollback,
    /// The checkpoint extends the mirror's (the source's own tiles show it),
    /// but the entries served are not those it commits to.
    BadEntries,
    /// The entries served do not give the checkpoint's root, and the
    /// source's tiles cannot tell a fork from bad data.
    RootMismatch,
    /// The checkpoint was mirrored, but the source's hash tiles differ from
    /// those computed from its entries: the source serves a broken log.
    SourceTiles,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Fork => "fork",
            EvidenceKind::Rollback => "rollback",
            EvidenceKind::BadEntries => "bad-entries",
            EvidenceKind::RootMismatch => "root-mismatch",
            EvidenceKind::SourceTiles => "source-tiles",
        }
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal, as recorded.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The mirror checkpoint when it was offered the other.
    pub mirrored: Option<Vec<u8>>,
    pub offered: Vec<u8>,
    pub why: String,
    /// The record's directory, relative to the mirror's.
    pub path: String,
    /// False when the same checkpoint had been refused before.
    pub new: bool,
}

/// Records a refusal under `evidence/<kind>-<size>-<hash>/`, unless that
/// offered checkpoint was recorded already.
pub fn record(
    storage: &dyn Storage,
    kind: EvidenceKind,
    mirrored: Option<Vec<u8>>,
    offered: Vec<u8>,
    why: String,
    now: u64,
) -> Result<Evidence, StorageError> {
    let size = tlog::SignedCheckpoint::parse(&offered).map_or(0, |c| c.checkpoint.size);
    let digest = Sha256::digest(&offered);
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let path = format!("{EVIDENCE_DIR}/{kind}-{size}-{short}");
    if storage.read(&format!("{path}/{WHY_FILE}"))?.is_some() {
        return Ok(Evidence {
            kind,
            mirrored,
            offered,
            why,
            path,
            new: false,
        });
    }
    // Each file is removed first (a record torn by a crash is written
    // again whole), then created and synced; `why` last.
    let write = |name: &str, data: &[u8]| {
        let p = format!("{path}/{name}");
        storage.delete_all(std::slice::from_ref(&p), false)?;
        storage.create_all(&[(p, data.to_vec())])
    };
    if let Some(m) = &mirrored {
        write(MIRRORED_FILE, m)?;
    }
    write(OFFERED_FILE, &offered)?;
    let text = format!("{kind}\nrecorded at {now} (POSIX seconds)\n{why}\n");
    write(WHY_FILE, text.as_bytes())?;
    Ok(Evidence {
        kind,
        mirrored,
        offered,
        why,
        path,
        new: true,
    })
}

/// Every record in a mirror's storage is read from its directory: the
/// storage has no listing, so this reads the local filesystem.
pub fn list(dir: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let root = dir.join(EVIDENCE_DIR);
    let rd = match std::fs::read_dir(&root) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for e in rd {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Ok(why) = std::fs::read_to_string(e.path().join(WHY_FILE)) {
            out.push((format!("{EVIDENCE_DIR}/{name}"), why));
        }
    }
    out.sort();
    Ok(out)
}
