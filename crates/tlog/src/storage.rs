//! Where a log's objects live. The sequencer needs only the few operations
//! of [`Storage`]; [`DirStorage`] is the local filesystem, and the
//! `tlog-s3` crate any S3-compatible object store. Immutable objects are
//! created create-only; the checkpoint is only ever replaced by a
//! compare-and-swap on the one its writer last published, so that two
//! writers that both believe they hold the log can never both extend it;
//! and the single-writer lock is a lease that names its holder.
//!
//! A backend may commit a batch by its own protocol
//! ([`Storage::commit_batch`]) and finish a crashed one of its own on open
//! ([`Storage::recover`]); the default is the directory's, argued in
//! `log.rs`.
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
    /// A compare-and-swap lost: the object is no longer what this writer
    /// last saw, so another writer has moved the log on.
    #[error("{path} was changed by another writer ({detail}); this writer no longer holds the log")]
    Conflict { path: String, detail: String },
    /// This writer's lease on the log has expired or was taken over.
    #[error("the lease on {what} was lost ({detail}); another writer may hold the log now")]
    LeaseLost { what: String, detail: String },
    /// Any other failure of a backend (a remote store's error, say).
    #[error("{path}: {message}")]
    Backend { path: String, message: String },
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
    pub fn at(stage: CommitStage) -> impl FnOnce(StorageError) -> CommitError {
        move |error| CommitError { stage, error }
    }
}

/// Proof that the single-writer lock is held; dropping it releases the lock.
pub trait WriterLock: Send {
    /// Whether the lock is still held. A lease can be lost (it expired, or
    /// another writer took it over); a writer checks before each commit,
    /// and the checkpoint's compare-and-swap catches what slips between.
    fn check(&self) -> Result<(), StorageError> {
        Ok(())
    }
}

/// Who holds a log's writer lock, as they told it when they took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseInfo {
    /// What the holder said of itself: for `accord serve`, the address to
    /// which other replicas forward submissions.
    pub holder: String,
    /// When the lease runs out unless renewed (Unix milliseconds), for
    /// backends whose locks expire; `None` while a process holds it.
    pub expires_unix_ms: Option<u64>,
}

/// A batch to commit: the tree grows from `old_size` to `new_size`.
#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    pub old_size: u64,
    pub new_size: u64,
    /// The private intent record (name, bytes) that the directory
    /// protocol writes first (see `log.rs`).
    pub intent: (&'a str, &'a [u8]),
    /// Every new tile and entry bundle of the batch.
    pub objects: &'a [Object],
    /// The checkpoint published now, which the commit must replace: the
    /// compare-and-swap's expected value.
    pub previous: &'a [u8],
    /// The new signed checkpoint.
    pub checkpoint: &'a [u8],
}

/// The name of the checkpoint object (C2SP tlog-tiles).
pub const CHECKPOINT: &str = "checkpoint";

/// The operations a log needs from its storage.
pub trait Storage: Send + Sync {
    /// Reads a public object; `Ok(None)` when it does not exist.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, StorageError>;

    /// Creates immutable objects. An object that already exists is an error,
    /// unless it holds exactly these bytes (a retried write). Returns only
    /// once every object is durable.
    fn create_all(&self, objects: &[Object]) -> Result<(), StorageError>;

    /// Publishes the first checkpoint of a new log, create-only:
    /// [`StorageError::AlreadyExists`] if the log has one.
    fn create_checkpoint(&self, data: &[u8]) -> Result<(), StorageError>;

    /// Atomically and durably replaces the checkpoint with `new` if it is
    /// still `current` (compare-and-swap); otherwise
    /// [`StorageError::Conflict`] and nothing changes. Readers see the old
    /// bytes or the new, never a mix.
    fn swap_checkpoint(&self, current: &[u8], new: &[u8]) -> Result<(), StorageError>;

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
    fn lock(&self) -> Result<Box<dyn WriterLock>, StorageError> {
        self.lock_as("")
    }

    /// As [`Storage::lock`], recording `holder` (what other processes
    /// should know of the holder, such as its address) in the lease.
    fn lock_as(&self, holder: &str) -> Result<Box<dyn WriterLock>, StorageError>;

    /// Who holds the writer lock now, if anyone.
    fn lease(&self) -> Result<Option<LeaseInfo>, StorageError>;

    /// Finishes, under the writer lock and before the log is opened, what
    /// a crash left of this backend's own commit protocol. The directory
    /// protocol needs nothing here (`log.rs` recovers it).
    fn recover(&self) -> Result<(), StorageError> {
        Ok(())
    }

    /// Commits a batch. The default is the directory protocol (argued in
    /// `log.rs`), each step durable before the next becomes visible: the
    /// private `intent`, then the immutable `objects`, then the checkpoint
    /// swapped in. Backends may overlap what the order allows, such as
    /// uploading or syncing data before it is made visible, or commit by a
    /// protocol of their own that keeps the same promises: nothing a
    /// reader can rely on changes before [`CommitStage::Checkpoint`], and
    /// the checkpoint moves only from `previous`.
    fn commit_batch(&self, commit: &Commit<'_>) -> Result<(), CommitError> {
        self.write_private(commit.intent.0, commit.intent.1)
            .map_err(CommitError::at(CommitStage::Intent))?;
        self.create_all(commit.objects)
            .map_err(CommitError::at(CommitStage::Objects))?;
        self.swap_checkpoint(commit.previous, commit.checkpoint)
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

/// The private object naming the writer lock's holder.
const HOLDER: &str = "holder";

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

    /// Fails with [`StorageError::Conflict`] unless the checkpoint holds
    /// exactly `current`.
    fn expect_checkpoint(&self, current: &[u8]) -> Result<(), StorageError> {
        let now = read_opt(&self.public_path(CHECKPOINT)?, CHECKPOINT)?;
        if now.as_deref() != Some(current) {
            return Err(StorageError::Conflict {
                path: CHECKPOINT.into(),
                detail: "it is not the checkpoint this writer published".into(),
            });
        }
        Ok(())
    }

    fn lock_file(&self) -> Result<(File, String), StorageError> {
        let path = self.private.join("lock");
        let disp = path.display().to_string();
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StorageError::io(&disp, e))?;
        Ok((f, disp))
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

    fn create_checkpoint(&self, data: &[u8]) -> Result<(), StorageError> {
        let dest = self.public_path(CHECKPOINT)?;
        let staged = self.stage_all(&[data])?;
        // A hard link is a create-only rename: it fails if the name exists.
        let r = match fs::hard_link(&staged[0], &dest) {
            Ok(()) => sync_dir(dest.parent().expect("has parent")),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(StorageError::AlreadyExists {
                    path: CHECKPOINT.into(),
                })
            }
            Err(e) => Err(StorageError::io(CHECKPOINT, e)),
        };
        remove_quietly(&staged);
        r
    }

    fn swap_checkpoint(&self, current: &[u8], new: &[u8]) -> Result<(), StorageError> {
        // The writer holds the directory's lock, so nothing else changes the
        // file between this check and the rename; the check catches a
        // checkpoint changed behind the writer's back (by hand, or by a
        // writer on another machine sharing the directory without locks).
        self.expect_checkpoint(current)?;
        let dest = self.public_path(CHECKPOINT)?;
        let staged = self.stage_all(&[new])?;
        let r = self.rename_into(&staged[0], &dest, CHECKPOINT);
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

    fn lock_as(&self, holder: &str) -> Result<Box<dyn WriterLock>, StorageError> {
        let (f, disp) = self.lock_file()?;
        match f.try_lock() {
            Ok(()) => {
                // Temporary files left by a crashed writer are garbage: nothing
                // links to them. Only the lock holder may clear them.
                if let Ok(rd) = fs::read_dir(&self.tmp) {
                    for e in rd.flatten() {
                        let _ = fs::remove_file(e.path());
                    }
                }
                self.write_private(HOLDER, holder.as_bytes())?;
                Ok(Box::new(DirLock(f)))
            }
            Err(fs::TryLockError::WouldBlock) => Err(StorageError::Locked {
                what: format!("log {}", self.root.display()),
            }),
            Err(fs::TryLockError::Error(e)) => Err(StorageError::io(&disp, e)),
        }
    }

    fn lease(&self) -> Result<Option<LeaseInfo>, StorageError> {
        // The lock is a `flock`, released by the kernel when its holder
        // dies: it is held exactly when it cannot be taken. (Taken here for
        // a moment, it is let go at once.)
        let (f, disp) = self.lock_file()?;
        match f.try_lock() {
            Ok(()) => Ok(None),
            Err(fs::TryLockError::WouldBlock) => {
                let holder = self.read_private(HOLDER)?.unwrap_or_default();
                Ok(Some(LeaseInfo {
                    holder: String::from_utf8_lossy(&holder).into_owned(),
                    expires_unix_ms: None,
                }))
            }
            Err(fs::TryLockError::Error(e)) => Err(StorageError::io(&disp, e)),
        }
    }

    fn commit_batch(&self, commit: &Commit<'_>) -> Result<(), CommitError> {
        use CommitStage::*;
        let intent = commit.intent;
        self.expect_checkpoint(commit.previous)
            .map_err(CommitError::at(Intent))?;
        let intent_dest = self
            .private_path(intent.0)
            .map_err(CommitError::at(Intent))?;
        let cp_dest = self
            .public_path(CHECKPOINT)
            .map_err(CommitError::at(Intent))?;
        // Round 1: the intent and the new checkpoint, staged and synced.
        let staged = self
            .stage_all(&[intent.1, commit.checkpoint])
            .map_err(CommitError::at(Intent))?;
        let result = (|| {
            // Round 2: the intent made visible, so that recovery knows what follows.
            self.rename_into(&staged[0], &intent_dest, intent.0)
                .map_err(CommitError::at(Intent))?;
            // Round 3: the objects, written and synced in parallel.
            self.create_direct(commit.objects)
                .map_err(CommitError::at(Objects))?;
            // Round 4: the commit point.
            self.rename_into(&staged[1], &cp_dest, CHECKPOINT)
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
