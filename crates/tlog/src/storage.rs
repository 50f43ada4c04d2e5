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
pub use crate::tree::Object;

/// The step of [`Storage::commit_batch`] that failed. Before
/// [`CommitStage::Checkpoint`] nothing a reader can rely on has changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitStage {
    Intent,
    Objects,
    Checkpoint,
}

/// A failed batch commit: where it failed and why.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct CommitError {
    pub stage: CommitStage,
    #[source]
    pub error: StorageError,
}

impl CommitError {
    fn at(stage: CommitStage) -> impl FnOnce(StorageError) -> CommitError {
        move |error| CommitError { stage, error }
    }
}

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

    /// Commits a batch, in this order, each step durable before the next
    /// becomes visible: the private `intent`, then the immutable `objects`,
    /// then the replaced `checkpoint`. Backends may overlap what the order
    /// allows, such as uploading or syncing data before it is made visible.
    fn commit_batch(
        &self,
        intent: (&str, &[u8]),
        objects: &[Object],
        checkpoint: (&str, &[u8]),
    ) -> Result<(), CommitError> {
        self.write_private(intent.0, intent.1)
            .map_err(CommitError::at(CommitStage::Intent))?;
        self.create_all(objects)
            .map_err(CommitError::at(CommitStage::Objects))?;
        self.replace(checkpoint.0, checkpoint.1)
            .map_err(CommitError::at(CommitStage::Checkpoint))
    }
}

/// A log in a local directory: `DIR/checkpoint`, `DIR/tile/...`, and the
/// writer's private `DIR/.tlog/`.
///
/// Durability: immutable objects are created at their final paths,
/// create-only (`O_EXCL`), written and synced on several threads; then the
/// directories that gained a name are synced. Mutable objects (the
/// checkpoint, private state) are written to `.tlog/tmp`, synced, renamed
/// over the old version, and their directory synced. A batch commit takes
/// four rounds of syncs however many files the batch has.
pub struct DirStorage {
    root: PathBuf,
    private: PathBuf,
    tmp: PathBuf,
    counter: AtomicU64,
}

const PRIVATE_DIR: &str = ".tlog";

/// Files and directories are synced on up to this many threads: the work is
/// waiting on the device, not computing.
const SYNC_THREADS: usize = 8;

/// A file written to `.tlog/tmp`, not yet synced or visible.
struct Staged {
    tmp: PathBuf,
    file: File,
}

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

    /// Writes `data` to a fresh temporary file (not yet synced).
    fn stage(&self, data: &[u8]) -> Result<Staged, StorageError> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self.tmp.join(format!("{}.{n}", std::process::id()));
        let disp = || tmp.display().to_string();
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| StorageError::io(disp(), e))?;
        file.write_all(data)
            .map_err(|e| StorageError::io(disp(), e))?;
        Ok(Staged { tmp, file })
    }

    /// Writes and syncs the staged copies of `datas`.
    fn stage_all(&self, datas: &[&[u8]]) -> Result<Vec<PathBuf>, StorageError> {
        let mut staged = Vec::with_capacity(datas.len());
        let result = (|| {
            for d in datas {
                staged.push(self.stage(d)?);
            }
            parallel(&staged, |s| {
                s.file
                    .sync_data()
                    .map_err(|e| StorageError::io(s.tmp.display().to_string(), e))
            })
        })();
        let paths: Vec<PathBuf> = staged.into_iter().map(|s| s.tmp).collect();
        match result {
            Ok(()) => Ok(paths),
            Err(e) => {
                remove_quietly(&paths);
                Err(e)
            }
        }
    }

    /// Creates the objects at their final paths, create-only
    /// (`O_CREAT|O_EXCL`), writing and syncing them on several threads, then
    /// syncs the directories that gained a name.
    ///
    /// A reader may see a file while it is being written; none needs to, as
    /// no published checkpoint covers it yet, and after a crash the writer's
    /// recovery removes or completes every object of an unpublished batch.
    fn create_direct(&self, objects: &[Object]) -> Result<(), StorageError> {
        let mut dirs = BTreeSet::new();
        let mut dests = Vec::with_capacity(objects.len());
        for (path, _) in objects {
            let dest = self.public_path(path)?;
            let parent = dest
                .parent()
                .expect("object paths have a parent")
                .to_path_buf();
            if !dirs.contains(&parent) && !parent.is_dir() {
                create_dirs_collect(&parent, &mut dirs)?;
            }
            dirs.insert(parent);
            dests.push(dest);
        }
        let work: Vec<(&PathBuf, &Object)> = dests.iter().zip(objects).collect();
        parallel(&work, |(dest, (path, data))| create_one(dest, path, data))?;
        sync_dirs(&dirs)
    }

    fn rename_into(&self, tmp: &Path, dest: &Path, name: &str) -> Result<(), StorageError> {
        fs::rename(tmp, dest).map_err(|e| StorageError::io(name, e))?;
        sync_dir(dest.parent().expect("has parent"))
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
        self.create_direct(objects)
    }

    fn replace(&self, path: &str, data: &[u8]) -> Result<(), StorageError> {
        let dest = self.public_path(path)?;
        let staged = self.stage_all(&[data])?;
        let r = self.rename_into(&staged[0], &dest, path);
        remove_quietly(&staged);
        r
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
        if durable { sync_dirs(&dirs) } else { Ok(()) }
    }

    fn read_private(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        read_opt(&self.private_path(name)?, name)
    }

    fn write_private(&self, name: &str, data: &[u8]) -> Result<(), StorageError> {
        let dest = self.private_path(name)?;
        let staged = self.stage_all(&[data])?;
        let r = self.rename_into(&staged[0], &dest, name);
        remove_quietly(&staged);
        r
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

    fn commit_batch(
        &self,
        intent: (&str, &[u8]),
        objects: &[Object],
        checkpoint: (&str, &[u8]),
    ) -> Result<(), CommitError> {
        use CommitStage::*;
        let intent_dest = self
            .private_path(intent.0)
            .map_err(CommitError::at(Intent))?;
        let cp_dest = self
            .public_path(checkpoint.0)
            .map_err(CommitError::at(Intent))?;
        // Round 1: the intent and the new checkpoint, staged and synced.
        let staged = self
            .stage_all(&[intent.1, checkpoint.1])
            .map_err(CommitError::at(Intent))?;
        let result = (|| {
            // Round 2: the intent made visible, so that recovery knows what follows.
            self.rename_into(&staged[0], &intent_dest, intent.0)
                .map_err(CommitError::at(Intent))?;
            // Round 3: the objects, written and synced in parallel.
            self.create_direct(objects)
                .map_err(CommitError::at(Objects))?;
            // Round 4: the commit point.
            self.rename_into(&staged[1], &cp_dest, checkpoint.0)
                .map_err(CommitError::at(Checkpoint))
        })();
        remove_quietly(&staged);
        result
    }
}

struct DirLock(#[allow(dead_code)] File);
impl WriterLock for DirLock {}

/// Runs `f` over `items` on up to [`SYNC_THREADS`] threads; the first error wins.
fn parallel<T: Sync>(
    items: &[T],
    f: impl Fn(&T) -> Result<(), StorageError> + Sync,
) -> Result<(), StorageError> {
    if items.len() <= 1 {
        return items.iter().try_for_each(&f);
    }
    let per = items.len().div_ceil(SYNC_THREADS);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|c| s.spawn(|| c.iter().try_for_each(&f)))
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("sync thread panicked"))
    })
}

/// Creates one file, create-only, and syncs its data. An existing file with
/// exactly these bytes is a retried write and is accepted.
fn create_one(dest: &Path, path: &str, data: &[u8]) -> Result<(), StorageError> {
    match OpenOptions::new().write(true).create_new(true).open(dest) {
        Ok(mut f) => f
            .write_all(data)
            .and_then(|()| f.sync_data())
            .map_err(|e| StorageError::io(path, e)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let existing = fs::read(dest).map_err(|e| StorageError::io(path, e))?;
            if existing != data {
                return Err(StorageError::AlreadyExists {
                    path: path.to_string(),
                });
            }
            File::open(dest)
                .and_then(|f| f.sync_data())
                .map_err(|e| StorageError::io(path, e))
        }
        Err(e) => Err(StorageError::io(path, e)),
    }
}

fn remove_quietly(paths: &[PathBuf]) {
    for p in paths {
        let _ = fs::remove_file(p);
    }
}

fn read_opt(full: &Path, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
    match fs::read(full) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StorageError::io(name, e)),
    }
}

fn sync_dir(d: &Path) -> Result<(), StorageError> {
    let d = if d.as_os_str().is_empty() {
        Path::new(".")
    } else {
        d
    };
    File::open(d)
        .and_then(|f| f.sync_all())
        .map_err(|e| StorageError::io(d.display().to_string(), e))
}

fn sync_dirs(dirs: &BTreeSet<PathBuf>) -> Result<(), StorageError> {
    let v: Vec<&PathBuf> = dirs.iter().collect();
    parallel(&v, |d| sync_dir(d))
}

/// Creates `d` and its missing ancestors, noting each parent that gained an
/// entry so that the new names can be made durable.
fn create_dirs_collect(d: &Path, dirs: &mut BTreeSet<PathBuf>) -> Result<(), StorageError> {
    // A relative path's last ancestor is "", which means ".".
    let dot = |p: &Path| {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p.to_path_buf()
        }
    };
    let mut missing = Vec::new();
    let mut at = dot(d);
    while !at.is_dir() {
        missing.push(at.clone());
        match at.parent() {
            Some(p) => at = dot(p),
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
            dirs.insert(dot(p));
        }
    }
    Ok(())
}

fn create_dir_durable(d: &Path) -> Result<(), StorageError> {
    let mut dirs = BTreeSet::new();
    create_dirs_collect(d, &mut dirs)?;
    sync_dirs(&dirs)
}

/// Any [`Storage`] is a tile source too.
pub struct StorageSource(pub std::sync::Arc<dyn Storage>);

impl crate::client::TileSource for StorageSource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, crate::client::ReadError> {
        self.0
            .read(path)
            .map_err(|e: StorageError| crate::client::ReadError::Fetch {
                path: path.into(),
                message: e.to_string(),
            })
    }
    fn describe(&self) -> String {
        "log storage".into()
    }
}
