//! The witness's state, in one SQLite database (`witness.sqlite` in the
//! state directory): for each log, the latest checkpoint it cosigned; the
//! recent checkpoints it cosigned before (to recognise a later checkpoint of
//! one of their sizes with another root); and the evidence of misbehaviour.
//!
//! # What a reply promises, and the crash windows
//!
//! A 200 promises that the witness will never again cosign a checkpoint of
//! that log that does not extend the one it just cosigned. So the new latest
//! checkpoint is durable before the reply is sent: it is written in one
//! transaction (`BEGIN IMMEDIATE`, WAL with `synchronous = FULL`, so that
//! `COMMIT` returns only once the write-ahead log is synced; SQLite syncs the
//! directory when it creates that file), and only then are the cosignatures
//! handed to the HTTP layer.
//!
//! The check of the old size and this write are one step per log: the
//! caller holds the log's lock from reading what is held to the end of the
//! commit (`Witness::add_checkpoint`), and the update itself is conditional
//! on the size it replaces (`UPDATE ... WHERE size = old`), so that even a
//! second process writing the same database by mistake could not roll a log
//! back (and one is kept out by the lock file beside the database).
//!
//! - A crash before `COMMIT` returns: nothing was promised; the witness
//!   restarts with the previous checkpoint, and the client, which got no
//!   answer, sends again.
//! - A crash after `COMMIT` and before the reply: the witness holds the new
//!   checkpoint but the client never got its cosignature. Its next request
//!   (from the old size) gets a 409 with the new size; it sends the same
//!   checkpoint again from that size with an empty proof, and the witness
//!   cosigns it again (the same size and root is cosigned as often as asked).
//!   Nothing is rolled back and no cosignature is lost for good.
//! - A failed `COMMIT` (a full disk, an I/O error): whether it reached the
//!   disk is unknown, so the witness stops cosigning until it is restarted
//!   and reads what is really there (`Witness` poisons itself).
//!
//! Evidence is written in its own transaction after the decision; losing
//! one to a crash loses no promise (the client was refused either way).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tlog_core::Hash;

/// The database's file name in the state directory.
pub const DB_FILE: &str = "witness.sqlite";
/// The lock file that keeps a second witness off the same state.
pub const LOCK_FILE: &str = "witness.lock";

/// The state could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("witness state {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("witness state {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "witness state {0}: another witness is running on this state directory (its lock is held)"
    )]
    Locked(PathBuf),
    #[error("witness state {path}: {why}")]
    Corrupt { path: PathBuf, why: String },
    #[error(
        "witness state {path}: the latest checkpoint of {origin} changed under this witness (another process writing the database?)"
    )]
    Raced { path: PathBuf, origin: String },
}

/// A cosigned checkpoint as kept: its size and root, the note as the
/// monitoring endpoint serves it (the log's verified signatures and the
/// witness's cosignatures), and when it was cosigned (POSIX seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub size: u64,
    pub root: Hash,
    pub note: Vec<u8>,
    pub cosigned_at: u64,
}

/// Whether a piece of evidence proves misbehaviour by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Two checkpoints of one size with different roots, both signed by the
    /// log: the one held (or cosigned earlier) and the one received.
    SameSizeDifferentRoot,
    /// A consistency proof that reproduces the received checkpoint's root
    /// from a prefix whose root is not the one the witness holds for that
    /// size: the log's tree does not extend the tree it signed before.
    ProofShowsFork,
    /// A checkpoint of size 0 whose root is not the empty tree's.
    EmptyTreeWrongRoot,
    /// A consistency proof that does not verify. Not proof by itself: anyone
    /// can send bad hashes with a genuine checkpoint.
    ProofFailed,
}

impl EvidenceKind {
    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::SameSizeDifferentRoot => "same_size_different_root",
            EvidenceKind::ProofShowsFork => "proof_shows_fork",
            EvidenceKind::EmptyTreeWrongRoot => "empty_tree_wrong_root",
            EvidenceKind::ProofFailed => "proof_failed",
        }
    }

    fn from_label(s: &str) -> Option<EvidenceKind> {
        [
            EvidenceKind::SameSizeDifferentRoot,
            EvidenceKind::ProofShowsFork,
            EvidenceKind::EmptyTreeWrongRoot,
            EvidenceKind::ProofFailed,
        ]
        .into_iter()
        .find(|k| k.label() == s)
    }

    /// Whether this kind proves misbehaviour with nothing but the log key.
    pub fn proves(self) -> bool {
        !matches!(self, EvidenceKind::ProofFailed)
    }
}

/// A refused request kept as evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub id: i64,
    pub origin: String,
    /// When it was received, POSIX seconds.
    pub received_at: u64,
    /// The HTTP status the witness answered.
    pub status: u16,
    pub kind: EvidenceKind,
    pub reason: String,
    /// The request body, byte for byte as received.
    pub request: Vec<u8>,
    /// The checkpoint note the request contradicts, as the witness held it
    /// (signed by the log), if any.
    pub held: Option<Vec<u8>>,
}

/// The state database. One connection, used under a mutex: SQLite has one
/// writer at a time anyway, and the callers serialise per log above it.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS latest (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note BLOB NOT NULL,
    cosigned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    origin TEXT NOT NULL,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note BLOB NOT NULL,
    cosigned_at INTEGER NOT NULL,
    PRIMARY KEY (origin, size)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    status INTEGER NOT NULL,
    kind TEXT NOT NULL,
    proves INTEGER NOT NULL,
    reason TEXT NOT NULL,
    request BLOB NOT NULL,
    -- What the evidence rests on, hashed: the same contradiction sent
    -- again (another old size, a retry) is kept once.
    dedup BLOB NOT NULL UNIQUE,
    held BLOB
);
CREATE INDEX IF NOT EXISTS evidence_by_origin ON evidence (origin, proves);
";

fn to_i64(v: u64) -> i64 {
    // Sizes and times above 2^63 - 1 are refused before they get here.
    i64::try_from(v).expect("a value below 2^63")
}

impl Store {
    /// Opens (creating when missing) the state in `dir` for a witness that
    /// will write it. The caller keeps the lock file of [`lock`].
    pub fn open(dir: &Path) -> Result<Store, StateError> {
        let path = dir.join(DB_FILE);
        let sq = |source| StateError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(sq)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sq)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sq)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StateError::Corrupt {
                path,
                why: format!("cannot use write-ahead logging (journal mode {mode})"),
            });
        }
        // FULL: a commit syncs the write-ahead log before it returns, which
        // is what a 200 promises (see the module's comment).
        conn.execute_batch("PRAGMA synchronous = FULL;")
            .map_err(sq)?;
        conn.execute_batch(SCHEMA).map_err(sq)?;
        Ok(Store {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// Opens the state in `dir` to read it only (export), while a witness
    /// may be running on it.
    pub fn open_read_only(dir: &Path) -> Result<Store, StateError> {
        let path = dir.join(DB_FILE);
        if !path.exists() {
            return Err(StateError::Io {
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no witness state here (no witness.sqlite)",
                ),
            });
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StateError::Sqlite {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|source| StateError::Sqlite {
                path: path.clone(),
                source,
            })?;
        Ok(Store {
            conn: Mutex::new(conn),
            path,
        })
    }

    fn sq(&self) -> impl Fn(rusqlite::Error) -> StateError + '_ {
        |source| StateError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while the connection was held left no transaction open
        // (rusqlite rolls back on drop), so the connection is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn held_from_row(
        &self,
        r: &rusqlite::Row<'_>,
    ) -> rusqlite::Result<(i64, Vec<u8>, Vec<u8>, i64)> {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    }

    fn to_held(&self, raw: (i64, Vec<u8>, Vec<u8>, i64)) -> Result<Held, StateError> {
        let (size, root, note, at) = raw;
        let root = Hash::from_slice(&root).ok_or_else(|| StateError::Corrupt {
            path: self.path.clone(),
            why: "a stored root is not 32 bytes".into(),
        })?;
        Ok(Held {
            size: size as u64,
            root,
            note,
            cosigned_at: at as u64,
        })
    }

    /// The latest cosigned checkpoint of every log the state knows.
    pub fn load_latest(&self) -> Result<Vec<(String, Held)>, StateError> {
        let c = self.conn();
        let mut st = c
            .prepare("SELECT origin, size, root, note, cosigned_at FROM latest ORDER BY origin")
            .map_err(self.sq())?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?),
                ))
            })
            .map_err(self.sq())?;
        let mut out = Vec::new();
        for row in rows {
            let (origin, raw) = row.map_err(self.sq())?;
            out.push((origin, self.to_held(raw)?));
        }
        Ok(out)
    }

    /// The latest cosigned checkpoint of one log.
    pub fn latest(&self, origin: &str) -> Result<Option<Held>, StateError> {
        let c = self.conn();
        let raw = c
            .query_row(
                "SELECT size, root, note, cosigned_at FROM latest WHERE origin = ?1",
                [origin],
                |r| self.held_from_row(r),
            )
            .optional()
            .map_err(self.sq())?;
        raw.map(|r| self.to_held(r)).transpose()
    }

    /// The checkpoint of `size` the witness cosigned for `origin`, if it
    /// still keeps it.
    pub fn cosigned_at_size(&self, origin: &str, size: u64) -> Result<Option<Held>, StateError> {
        let Ok(size) = i64::try_from(size) else {
            return Ok(None);
        };
        let c = self.conn();
        let raw = c
            .query_row(
                "SELECT size, root, note, cosigned_at FROM history WHERE origin = ?1 AND size = ?2",
                params![origin, size],
                |r| self.held_from_row(r),
            )
            .optional()
            .map_err(self.sq())?;
        raw.map(|r| self.to_held(r)).transpose()
    }

    /// Records `new` as the latest cosigned checkpoint of `origin`, in
    /// place of a checkpoint of size `replaces` (`None`: the first), and
    /// keeps the `keep_history` most recent cosigned checkpoints. Durable
    /// when it returns `Ok`.
    pub fn commit(
        &self,
        origin: &str,
        replaces: Option<u64>,
        new: &Held,
        keep_history: u64,
    ) -> Result<(), StateError> {
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.sq())?;
        let changed = match replaces {
            Some(old) => tx
                .execute(
                    "UPDATE latest SET size = ?2, root = ?3, note = ?4, cosigned_at = ?5 \
                     WHERE origin = ?1 AND size = ?6",
                    params![
                        origin,
                        to_i64(new.size),
                        new.root.as_bytes().as_slice(),
                        new.note,
                        to_i64(new.cosigned_at),
                        to_i64(old)
                    ],
                )
                .map_err(self.sq())?,
            None => tx
                .execute(
                    "INSERT OR IGNORE INTO latest (origin, size, root, note, cosigned_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        origin,
                        to_i64(new.size),
                        new.root.as_bytes().as_slice(),
                        new.note,
                        to_i64(new.cosigned_at)
                    ],
                )
                .map_err(self.sq())?,
        };
        if changed != 1 {
            // Dropping the transaction rolls it back.
            return Err(StateError::Raced {
                path: self.path.clone(),
                origin: origin.to_string(),
            });
        }
        tx.execute(
            "INSERT OR REPLACE INTO history (origin, size, root, note, cosigned_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                origin,
                to_i64(new.size),
                new.root.as_bytes().as_slice(),
                new.note,
                to_i64(new.cosigned_at)
            ],
        )
        .map_err(self.sq())?;
        tx.execute(
            "DELETE FROM history WHERE origin = ?1 AND size < \
             (SELECT size FROM history WHERE origin = ?1 ORDER BY size DESC LIMIT 1 OFFSET ?2)",
            params![origin, to_i64(keep_history.saturating_sub(1))],
        )
        .map_err(self.sq())?;
        tx.commit().map_err(self.sq())
    }

    /// Keeps a refused request as evidence. Evidence resting on what was
    /// kept before (the same checkpoints, and the same proof where one
    /// matters) is not kept twice; evidence that proves nothing by itself
    /// is kept only while the log has fewer than `keep_unproven` such
    /// entries. Whether it was kept.
    #[allow(clippy::too_many_arguments)]
    pub fn record_evidence(
        &self,
        origin: &str,
        received_at: u64,
        status: u16,
        kind: EvidenceKind,
        reason: &str,
        request: &[u8],
        held: Option<&[u8]>,
        keep_unproven: u64,
    ) -> Result<bool, StateError> {
        let digest = dedup_key(kind, request, held);
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.sq())?;
        if !kind.proves() {
            let n: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM evidence WHERE origin = ?1 AND proves = 0",
                    [origin],
                    |r| r.get(0),
                )
                .map_err(self.sq())?;
            if n as u64 >= keep_unproven {
                return Ok(false);
            }
        }
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO evidence \
                 (origin, received_at, status, kind, proves, reason, request, dedup, held) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    origin,
                    to_i64(received_at),
                    status,
                    kind.label(),
                    kind.proves(),
                    reason,
                    request,
                    digest.as_slice(),
                    held
                ],
            )
            .map_err(self.sq())?;
        tx.commit().map_err(self.sq())?;
        Ok(n == 1)
    }

    /// Every piece of evidence kept, oldest first.
    pub fn evidence(&self) -> Result<Vec<Evidence>, StateError> {
        let c = self.conn();
        let mut st = c
            .prepare(
                "SELECT id, origin, received_at, status, kind, reason, request, held \
                 FROM evidence ORDER BY id",
            )
            .map_err(self.sq())?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, u16>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                    r.get::<_, Option<Vec<u8>>>(7)?,
                ))
            })
            .map_err(self.sq())?;
        let mut out = Vec::new();
        for row in rows {
            let (id, origin, at, status, kind, reason, request, held) = row.map_err(self.sq())?;
            let kind = EvidenceKind::from_label(&kind).ok_or_else(|| StateError::Corrupt {
                path: self.path.clone(),
                why: format!("evidence {id} has an unknown kind {kind:?}"),
            })?;
            out.push(Evidence {
                id,
                origin,
                received_at: at as u64,
                status,
                kind,
                reason,
                request,
                held,
            });
        }
        Ok(out)
    }
}

/// What a piece of evidence rests on, hashed: its kind, the checkpoint
/// received and the one held, and the proof when the kind is about a proof.
fn dedup_key(kind: EvidenceKind, request: &[u8], held: Option<&[u8]>) -> [u8; 32] {
    use sha2::Digest as _;
    let parsed = tlog_core::witness::AddCheckpoint::parse(request).ok();
    let rests_on: &[u8] = match (kind, &parsed) {
        (EvidenceKind::SameSizeDifferentRoot | EvidenceKind::EmptyTreeWrongRoot, Some(r)) => {
            &r.checkpoint
        }
        _ => request,
    };
    let mut h = sha2::Sha256::new();
    for part in [kind.label().as_bytes(), rests_on, held.unwrap_or_default()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// Takes the state directory's lock file (created when missing) for the
/// life of the returned file, so that two witnesses never write one state.
pub fn lock(dir: &Path) -> Result<std::fs::File, StateError> {
    let path = dir.join(LOCK_FILE);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StateError::Io {
            path: path.clone(),
            source,
        })?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(StateError::Locked(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(source)) => Err(StateError::Io { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(size: u64, b: u8) -> Held {
        Held {
            size,
            root: Hash([b; 32]),
            note: format!("note {size}").into_bytes(),
            cosigned_at: 1_700_000_000 + size,
        }
    }

    #[test]
    fn commits_are_conditional_and_history_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.commit("o", None, &held(1, 1), 3).unwrap();
        // A second "first" checkpoint, or an update from a size not held,
        // is a race lost: nothing changes.
        assert!(matches!(
            s.commit("o", None, &held(2, 2), 3),
            Err(StateError::Raced { .. })
        ));
        assert!(matches!(
            s.commit("o", Some(5), &held(6, 6), 3),
            Err(StateError::Raced { .. })
        ));
        for n in 2..=6 {
            s.commit("o", Some(n - 1), &held(n, n as u8), 3).unwrap();
        }
        assert_eq!(s.latest("o").unwrap(), Some(held(6, 6)));
        assert_eq!(s.cosigned_at_size("o", 4).unwrap(), Some(held(4, 4)));
        assert_eq!(s.cosigned_at_size("o", 3).unwrap(), None, "pruned");
        drop(s);
        let again = Store::open(dir.path()).unwrap();
        assert_eq!(again.load_latest().unwrap(), vec![("o".into(), held(6, 6))]);
    }

    #[test]
    fn evidence_is_kept_once_and_junk_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let fork = EvidenceKind::SameSizeDifferentRoot;
        assert!(
            s.record_evidence("o", 5, 422, fork, "r", b"a", Some(b"h"), 1)
                .unwrap()
        );
        assert!(
            !s.record_evidence("o", 6, 422, fork, "r", b"a", Some(b"h"), 1)
                .unwrap()
        );
        let junk = EvidenceKind::ProofFailed;
        assert!(
            s.record_evidence("o", 7, 422, junk, "r", b"b", None, 1)
                .unwrap()
        );
        assert!(
            !s.record_evidence("o", 8, 422, junk, "r", b"c", None, 1)
                .unwrap()
        );
        // Proofs are never crowded out by junk.
        assert!(
            s.record_evidence("o", 9, 409, fork, "r", b"d", None, 1)
                .unwrap()
        );
        let all = s.evidence().unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].request, b"a");
        assert_eq!(all[0].held.as_deref(), Some(&b"h"[..]));
        assert_eq!(all[1].kind, junk);
        assert_eq!(all[2].status, 409);
    }

    #[test]
    fn a_second_witness_cannot_take_the_state() {
        let dir = tempfile::tempdir().unwrap();
        let _first = lock(dir.path()).unwrap();
        assert!(matches!(lock(dir.path()), Err(StateError::Locked(_))));
    }
}
