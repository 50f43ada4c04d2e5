//! Where a log's objects live. The sequencer needs only the few operations
//! of [`Storage`]; [`DirStorage`] is the local filesystem. An object-store
//! backend fits the same seam: immutable objects are created with a
//! conditional put (`If-None-Match: *`), the checkpoint is a plain put, and
//! the single-writer lock is a lease.
//!
//! Public objects are the C2SP ones (`checkpoint`, `tile/...`). Private
//! objects (the writer's lock and its record of a batch in progress) are kept
//! apart, under `.tlog/` in a directory, and are never served.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A storage failure, naming the object it concerns.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path} already exists with different contents; a published object never changes")]
    AlreadyExists { path: String },
    #[error("{what} is locked by another writer (only one process may append to a log at a time)")]
    Locked { what: String },
    #[error("invalid object path {0:?}")]
    BadPath(String),
}

impl StorageError {
    pub fn io(path: impl Into<String>, source: io::Error) -> StorageError {
        StorageError::Io {
            path: path.into(),
            source,
        }
    }
}

/// An object to write: its path below the log's prefix and its bytes.
pub type Object = (String, Vec<u8>);

/// Proof that the single-writer lock is held; dropping it releases the lock.
pub trait WriterLock: Send {}

/// The operations a log needs from its storage.
pub trait Storage: Send + Sync {
    /// Reads a public object; `Ok(None)` when it does not exist.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, StorageError>;

    /// Creates immutable objects. An object that already exists is an error,
    /// unless it holds exactly these bytes (a retried write). Returns only
    /// once every object is durable.
    fn create_all(&self, objects: &[Object]) -> Result<(), StorageError>;

    /// Atomically and durably replaces a mutable object (the checkpoint):
    /// readers see the old bytes or the new, never a mix.
    fn replace(&self, path: &str, data: &[u8]) -> Result<(), StorageError>;

    /// Removes objects; absent ones are skipped. Used only for objects no
    /// published checkpoint needs: tiles of a batch that was never published,
    /// and partial tiles made redundant by their full tile. With `durable`,
    /// returns only once the removals are durable.
    fn delete_all(&self, paths: &[String], durable: bool) -> Result<(), StorageError>;

    /// Reads a private object of the writer.
    fn read_private(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError>;

    /// Atomically and durably replaces a private object of the writer.
    fn write_private(&self, name: &str, data: &[u8]) -> Result<(), StorageError>;

    /// Takes the single-writer lock, failing at once (with
    /// [`StorageError::Locked`]) if another writer holds it.
    fn lock(&self) -> Result<Box<dyn WriterLock>, StorageError>;
}

/// A log in a local directory: `DIR/checkpoint`, `DIR/tile/...`, and the
/// writer's private `DIR/.tlog/`.
///
/// Durability: every new file is written to `.tlog/tmp`, fsynced, then
/// hard-linked into place (which fails if the name exists: create-only),
/// and the directories that gained a name are fsynced. The checkpoint is
/// renamed over the old one and its directory fsynced.
pub struct DirStorage {
    root: PathBuf,
    private: PathBuf,
    tmp: PathBuf,
    counter: AtomicU64,
}

const PRIVATE_DIR: &str = ".tlog";

impl DirStorage {
    /// Opens (creating when needed) the directory layout under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Result<DirStorage, StorageError> {
        let root = root.into();
        let private = root.join(PRIVATE_DIR);
        let tmp = private.join("tmp");
        for d in [&root, &private, &tmp] {
            create_dir_durable(d)?;
        }
        Ok(DirStorage {
            root,
            private,
            tmp,
            counter: AtomicU64::new(0),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn public_path(&self, path: &str) -> Result<PathBuf, StorageError> {
        // Only the C2SP names are valid: no absolute paths, no "..", no dot
        // files (the private area must stay unreachable).
        let ok = !path.is_empty()
            && path
                .split('/')
                .all(|c| !c.is_empty() && !c.starts_with('.'))
            && !path.contains('\\');
        if !ok {
            return Err(StorageError::BadPath(path.to_string()));
        }
        Ok(self.root.join(path))
    }

    fn private_path(&self, name: &str) -> Result<PathBuf, StorageError> {
        if name.is_empty() || name.contains('/') || name.starts_with('.') {
            return Err(StorageError::BadPath(name.to_string()));
        }
        Ok(self.private.join(name))
    }

    fn tmp_file(&self) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        self.tmp.join(format!("{}.{n}", std::process::id()))
    }

    /// Writes `data` to a fresh temporary file and fsyncs it.
    fn write_tmp(&self, data: &[u8]) -> Result<PathBuf, StorageError> {
        let tmp = self.tmp_file();
        let disp = tmp.display().to_string();
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| StorageError::io(&disp, e))?;
        f.write_all(data).map_err(|e| StorageError::io(&disp, e))?;
        f.sync_data().map_err(|e| StorageError::io(&disp, e))?;
        Ok(tmp)
    }

    /// Creates one object, returning the directories that need an fsync.
    fn create_one(
        &self,
        path: &str,
        data: &[u8],
        dirs: &mut BTreeSet<PathBuf>,
    ) -> Result<(), StorageError> {
        let dest = self.public_path(path)?;
        let parent = dest
            .parent()
            .expect("object paths have a parent")
            .to_path_buf();
        if !parent.is_dir() {
            create_dirs_collect(&parent, dirs)?;
        }
        let tmp = self.write_tmp(data)?;
        let linked = fs::hard_link(&tmp, &dest);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                dirs.insert(parent);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let existing = fs::read(&dest).map_err(|e| StorageError::io(path, e))?;
                if existing == data {
                    // A retry of a write that landed: make sure it is durable.
                    File::open(&dest)
                        .and_then(|f| f.sync_data())
                        .map_err(|e| StorageError::io(path, e))?;
                    dirs.insert(parent);
                    Ok(())
                } else {
                    Err(StorageError::AlreadyExists {
                        path: path.to_string(),
                    })
                }
            }
            Err(e) => Err(StorageError::io(path, e)),
        }
    }
}

impl Storage for DirStorage {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, StorageError> {
        read_opt(&self.public_path(path)?, path)
    }

    fn create_all(&self, objects: &[Object]) -> Result<(), StorageError> {
        if objects.is_empty() {
            return Ok(());
        }
        // Two writers share the work: fsync latency, not bandwidth, bounds
        // a single one.
        let mut dirs = BTreeSet::new();
        if objects.len() >= 8 {
            let mid = objects.len() / 2;
            let (a, b) = objects.split_at(mid);
            let (ra, rb) = std::thread::scope(|s| {
                let h = s.spawn(|| {
                    let mut d = BTreeSet::new();
                    for (p, data) in a {
                        self.create_one(p, data, &mut d)?;
                    }
                    Ok::<_, StorageError>(d)
                });
                let mut d = BTreeSet::new();
                let rb = b
                    .iter()
                    .try_for_each(|(p, data)| self.create_one(p, data, &mut d))
                    .map(|_| d);
                (h.join().expect("writer thread panicked"), rb)
            });
            dirs.extend(ra?);
            dirs.extend(rb?);
        } else {
            for (p, data) in objects {
                self.create_one(p, data, &mut dirs)?;
            }
        }
        for d in &dirs {
            sync_dir(d)?;
        }
        Ok(())
    }

    fn replace(&self, path: &str, data: &[u8]) -> Result<(), StorageError> {
        let dest = self.public_path(path)?;
        let tmp = self.write_tmp(data)?;
        fs::rename(&tmp, &dest).map_err(|e| StorageError::io(path, e))?;
        sync_dir(dest.parent().expect("has parent"))
    }

    fn delete_all(&self, paths: &[String], durable: bool) -> Result<(), StorageError> {
        let mut dirs = BTreeSet::new();
        for p in paths {
            let full = self.public_path(p)?;
            match fs::remove_file(&full) {
                Ok(()) => {
                    dirs.insert(full.parent().expect("has parent").to_path_buf());
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StorageError::io(p, e)),
            }
        }
        // Empty `.p` directories are left behind; they are harmless and
        // removing them would race with a writer creating the next partial.
        if durable {
            for d in &dirs {
                sync_dir(d)?;
            }
        }
        Ok(())
    }

    fn read_private(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        read_opt(&self.private_path(name)?, name)
    }

    fn write_private(&self, name: &str, data: &[u8]) -> Result<(), StorageError> {
        let dest = self.private_path(name)?;
        let tmp = self.write_tmp(data)?;
        fs::rename(&tmp, &dest).map_err(|e| StorageError::io(name, e))?;
        sync_dir(&self.private)
    }

    fn lock(&self) -> Result<Box<dyn WriterLock>, StorageError> {
        let path = self.private.join("lock");
        let disp = path.display().to_string();
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StorageError::io(&disp, e))?;
        match f.try_lock() {
            Ok(()) => {
                // Temporary files left by a crashed writer are garbage: nothing
                // links to them. Only the lock holder may clear them.
                if let Ok(rd) = fs::read_dir(&self.tmp) {
                    for e in rd.flatten() {
                        let _ = fs::remove_file(e.path());
                    }
                }
                Ok(Box::new(DirLock(f)))
            }
            Err(fs::TryLockError::WouldBlock) => Err(StorageError::Locked {
                what: format!("log {}", self.root.display()),
            }),
            Err(fs::TryLockError::Error(e)) => Err(StorageError::io(&disp, e)),
        }
    }
}

struct DirLock(#[allow(dead_code)] File);
impl WriterLock for DirLock {}

fn read_opt(full: &Path, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
    match fs::read(full) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StorageError::io(name, e)),
    }
}

fn sync_dir(d: &Path) -> Result<(), StorageError> {
    File::open(d)
        .and_then(|f| f.sync_all())
        .map_err(|e| StorageError::io(d.display().to_string(), e))
}

/// Creates `d` and its missing ancestors, noting each parent that gained an
/// entry so that the new names can be made durable.
fn create_dirs_collect(d: &Path, dirs: &mut BTreeSet<PathBuf>) -> Result<(), StorageError> {
    let mut missing = Vec::new();
    let mut at = d;
    while !at.is_dir() {
        missing.push(at.to_path_buf());
        match at.parent() {
            Some(p) => at = p,
            None => break,
        }
    }
    for m in missing.iter().rev() {
        match fs::create_dir(m) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(StorageError::io(m.display().to_string(), e)),
        }
        if let Some(p) = m.parent() {
            dirs.insert(p.to_path_buf());
        }
    }
    Ok(())
}

fn create_dir_durable(d: &Path) -> Result<(), StorageError> {
    let mut dirs = BTreeSet::new();
    create_dirs_collect(d, &mut dirs)?;
    for p in &dirs {
        sync_dir(p)?;
    }
    Ok(())
}
