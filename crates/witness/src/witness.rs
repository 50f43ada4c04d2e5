//! The witness: the spec's checks of an `add-checkpoint` request, in the
//! spec's order, against the state of the request's log, and the cosigning.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest as _, Sha256};
use tlog_core::checkpoint::Checkpoint;
use tlog_core::cosignature::CosignerSecret;
use tlog_core::keys::{KeyType, VerifierKey};
use tlog_core::note::{Note, NoteError, NoteSignature, NoteVerifier};
use tlog_core::witness::{AddCheckpoint, Decision, Latest, check_request, signature_lines};
use tlog_core::{Hash, witness::SIZE_CONTENT_TYPE};

use crate::config::WitnessConfig;
use crate::state::{EvidenceKind, Held, StateError, Store, lock};

/// Why a witness could not be started.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("a witness needs at least one key to cosign with")]
    NoKeys,
    #[error("a witness needs at least one log to witness")]
    NoLogs,
    #[error("two of the witness's keys are {name}+{key_id:08x}: each key must be named apart")]
    DuplicateKey { name: String, key_id: u32 },
    #[error(
        "log key {0} is not an Ed25519 note key (type 0x01): a log signs its checkpoints with one"
    )]
    LogKeyType(String),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("creating the state directory {path}: {source}")]
    StateDir {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The witness's answer to an `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// 200: the cosignatures, one per witness key.
    Cosigned(Vec<NoteSignature>),
    /// 400: the body does not follow the spec, or old size > size.
    BadRequest(String),
    /// 403: no valid signature by a key trusted for the origin, or a bad
    /// one by such a key.
    Forbidden(String),
    /// 404: the origin is not one the witness witnesses.
    NotFound(String),
    /// 409: the old size is not the size held, which is given.
    Conflict(u64),
    /// 422: the checkpoint does not extend what the witness holds.
    Unprocessable(String),
    /// 503: the witness could not make its state durable and cosigns
    /// nothing more until restarted.
    Unavailable(String),
}

impl Answer {
    pub fn status(&self) -> u16 {
        match self {
            Answer::Cosigned(_) => 200,
            Answer::BadRequest(_) => 400,
            Answer::Forbidden(_) => 403,
            Answer::NotFound(_) => 404,
            Answer::Conflict(_) => 409,
            Answer::Unprocessable(_) => 422,
            Answer::Unavailable(_) => 503,
        }
    }

    /// The response's `Content-Type`.
    pub fn content_type(&self) -> &'static str {
        match self {
            Answer::Conflict(_) => SIZE_CONTENT_TYPE,
            _ => "text/plain; charset=utf-8",
        }
    }

    /// The response body: the signature lines of a 200, the size and a
    /// newline of a 409, the reason otherwise.
    pub fn body(&self) -> Vec<u8> {
        match self {
            Answer::Cosigned(sigs) => signature_lines(sigs),
            Answer::Conflict(size) => format!("{size}\n").into_bytes(),
            Answer::BadRequest(why)
            | Answer::Forbidden(why)
            | Answer::NotFound(why)
            | Answer::Unprocessable(why)
            | Answer::Unavailable(why) => format!("{why}\n").into_bytes(),
        }
    }
}

/// One witnessed log: its trusted keys and what the witness holds of it.
struct WitnessedLog {
    keys: Vec<VerifierKey>,
    /// The latest cosigned checkpoint. Held from the check of a request to
    /// the end of its commit: the spec's race is closed here.
    held: Mutex<Option<Held>>,
}

/// A C2SP tlog-witness over any number of logs.
pub struct Witness {
    keys: Vec<CosignerSecret>,
    logs: BTreeMap<String, WitnessedLog>,
    /// Lower-case hex SHA-256 of each origin (the monitoring path).
    by_origin_hash: HashMap<String, String>,
    store: Store,
    keep_history: u64,
    keep_unproven: u64,
    /// Set when a commit failed: what is on disk is then unknown.
    poisoned: AtomicBool,
    _lock: std::fs::File,
}

impl std::fmt::Debug for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witness")
            .field("keys", &self.keys)
            .field("logs", &self.logs.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The current POSIX time in seconds, at least 1 (a cosignature's
/// timestamp is never zero).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs())
        .clamp(1, i64::MAX as u64)
}

/// The lower-case hex SHA-256 of an origin: its path on the monitoring
/// prefix.
pub fn origin_hash(origin: &str) -> String {
    Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Witness {
    /// Opens the witness's state in `state_dir` (made when missing), taking
    /// its lock for the witness's life.
    pub fn open(config: WitnessConfig, state_dir: &Path) -> Result<Witness, WitnessError> {
        if config.keys.is_empty() {
            return Err(WitnessError::NoKeys);
        }
        if config.logs.is_empty() {
            return Err(WitnessError::NoLogs);
        }
        for (i, k) in config.keys.iter().enumerate() {
            if config.keys[..i]
                .iter()
                .any(|o| o.name() == k.name() && o.key_id() == k.key_id())
            {
                return Err(WitnessError::DuplicateKey {
                    name: k.name().to_string(),
                    key_id: k.key_id(),
                });
            }
        }
        std::fs::create_dir_all(state_dir).map_err(|source| WitnessError::StateDir {
            path: state_dir.to_path_buf(),
            source,
        })?;
        let lock = lock(state_dir)?;
        let store = Store::open(state_dir)?;
        let mut held: BTreeMap<String, Held> = store.load_latest()?.into_iter().collect();
        let mut logs: BTreeMap<String, WitnessedLog> = BTreeMap::new();
        for key in config.logs {
            if key.key_type() != KeyType::Ed25519 {
                return Err(WitnessError::LogKeyType(key.to_string()));
            }
            let origin = key.name().to_string();
            let log = logs.entry(origin.clone()).or_insert_with(|| WitnessedLog {
                keys: Vec::new(),
                held: Mutex::new(held.remove(&origin)),
            });
            if !log.keys.contains(&key) {
                log.keys.push(key);
            }
        }
        let by_origin_hash = logs.keys().map(|o| (origin_hash(o), o.clone())).collect();
        Ok(Witness {
            keys: config.keys,
            logs,
            by_origin_hash,
            store,
            keep_history: config.keep_history.max(1),
            keep_unproven: config.keep_unproven,
            poisoned: AtomicBool::new(false),
            _lock: lock,
        })
    }

    /// The witness's public keys.
    pub fn verifiers(&self) -> Vec<tlog_core::cosignature::CosignerKey> {
        self.keys.iter().map(CosignerSecret::verifier).collect()
    }

    /// The origins witnessed.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.logs.keys().map(String::as_str)
    }

    /// The size and root held for `origin`.
    pub fn held(&self, origin: &str) -> Option<(u64, Hash)> {
        let log = self.logs.get(origin)?;
        let held = log.held.lock().unwrap_or_else(|p| p.into_inner());
        held.as_ref().map(|h| (h.size, h.root))
    }

    /// The latest cosigned checkpoint of the log whose origin hashes to
    /// `origin_hash` (lower-case hex), with the log's signatures the
    /// witness verified and its own cosignatures: the spec's Monitor
    /// Retrieval.
    pub fn checkpoint_by_origin_hash(&self, origin_hash: &str) -> Option<Vec<u8>> {
        let origin = self.by_origin_hash.get(origin_hash)?;
        let log = self.logs.get(origin)?;
        let held = log.held.lock().unwrap_or_else(|p| p.into_inner());
        held.as_ref().map(|h| h.note.clone())
    }

    /// Answers an `add-checkpoint` request body. Blocking: it waits for
    /// the log's lock and for the disk.
    pub fn add_checkpoint(&self, body: &[u8]) -> Answer {
        // The body's syntax: 400.
        let req = match AddCheckpoint::parse(body) {
            Ok(r) => r,
            Err(e) => return Answer::BadRequest(format!("request body: {e}")),
        };
        let note = match Note::parse(&req.checkpoint) {
            Ok(n) => n,
            Err(e) => return Answer::BadRequest(format!("checkpoint: {e}")),
        };
        let cp = match Checkpoint::parse_text(note.text()) {
            Ok(c) => c,
            Err(e) => return Answer::BadRequest(format!("checkpoint: {e}")),
        };
        if cp.size > i64::MAX as u64 {
            return Answer::BadRequest(format!(
                "checkpoint size {} is beyond any tree (at most 2^63-1)",
                cp.size
            ));
        }
        // The text is cosigned as the witness reads it, so it must read it
        // byte for byte as sent (it does whenever the checkpoint parses:
        // sizes have no leading zeroes and roots one base64 spelling).
        if cp.to_text() != note.text() {
            return Answer::BadRequest("checkpoint text is not in its canonical form".into());
        }
        // The origin: 404.
        let Some(log) = self.logs.get(&cp.origin) else {
            return Answer::NotFound(format!(
                "this witness does not witness the log {:?}",
                cp.origin
            ));
        };
        // The log's signature: 403.
        let trusted: Vec<&dyn NoteVerifier> =
            log.keys.iter().map(|k| k as &dyn NoteVerifier).collect();
        let verified = match note.verify(&trusted) {
            Ok(v) => v,
            Err(e @ NoteError::InvalidSignature { .. }) => {
                return Answer::Forbidden(format!(
                    "{e}: a note with a bad signature by a trusted key is malformed"
                ));
            }
            Err(e) => {
                return Answer::Forbidden(format!(
                    "the checkpoint is not signed by a key trusted for {:?}: {e}",
                    cp.origin
                ));
            }
        };
        // From here to the end of the commit, this log's requests wait.
        let mut held = match log.held.lock() {
            Ok(h) => h,
            Err(_) => {
                self.poison("a request panicked while it held the log's state");
                return self.unavailable();
            }
        };
        if self.poisoned.load(Ordering::SeqCst) {
            return self.unavailable();
        }
        let latest = held.as_ref().map(|h| Latest {
            size: h.size,
            root: h.root,
        });
        match check_request(latest.as_ref(), &req, &cp) {
            Decision::Cosign => {}
            Decision::BadRequest(why) => {
                self.keep_if_contradicts_history(&cp, body, 400);
                return Answer::BadRequest(why);
            }
            Decision::Conflict(size) => {
                self.keep_if_contradicts_history(&cp, body, 409);
                return Answer::Conflict(size);
            }
            Decision::Unprocessable { why, misbehaviour } => {
                let kind = if cp.size == 0 && cp.root != Hash::EMPTY_ROOT {
                    Some(EvidenceKind::EmptyTreeWrongRoot)
                } else if latest.as_ref().is_some_and(|l| l.size == cp.size) {
                    // Same size: kept only when the roots differ (a proof
                    // sent with the same checkpoint again is just wrong).
                    misbehaviour.then_some(EvidenceKind::SameSizeDifferentRoot)
                } else if misbehaviour {
                    Some(EvidenceKind::ProofShowsFork)
                } else if latest.as_ref().is_some_and(|l| l.size > 0) {
                    Some(EvidenceKind::ProofFailed)
                } else {
                    // A proof sent from size 0: malformed, nothing to keep.
                    None
                };
                if let Some(kind) = kind {
                    let held_note = match kind {
                        EvidenceKind::EmptyTreeWrongRoot => None,
                        _ => held.as_ref().map(|h| h.note.as_slice()),
                    };
                    self.keep(&cp.origin, 422, kind, &why, body, held_note);
                }
                return Answer::Unprocessable(why);
            }
        }

        // Cosign, make it durable, then answer.
        let at = now();
        let mut cosignatures = Vec::with_capacity(self.keys.len());
        for k in &self.keys {
            match k.cosign(&cp, at) {
                Ok(s) => cosignatures.push(s),
                Err(e) => {
                    tracing::error!(key = k.name(), error = %e, "cosigning failed");
                    return Answer::Unavailable(format!("cosigning failed: {e}"));
                }
            }
        }
        let mut served = Note::new(note.text()).expect("the text of a parsed note");
        for &i in &verified.verified {
            let _ = served.add_signature(note.signatures()[i].clone());
        }
        for s in &cosignatures {
            let _ = served.add_signature(s.clone());
        }
        let new = Held {
            size: cp.size,
            root: cp.root,
            note: served.to_bytes(),
            cosigned_at: at,
        };
        let replaces = held.as_ref().map(|h| h.size);
        if let Err(e) = self
            .store
            .commit(&cp.origin, replaces, &new, self.keep_history)
        {
            tracing::error!(origin = %cp.origin, error = %e, "the witness's state could not be written");
            self.poison(&e.to_string());
            return self.unavailable();
        }
        *held = Some(new);
        drop(held);
        tracing::debug!(origin = %cp.origin, size = cp.size, "cosigned");
        Answer::Cosigned(cosignatures)
    }

    /// A validly signed checkpoint refused with 400 or 409 still proves a
    /// fork when the witness cosigned another checkpoint of its size.
    fn keep_if_contradicts_history(&self, cp: &Checkpoint, body: &[u8], status: u16) {
        match self.store.cosigned_at_size(&cp.origin, cp.size) {
            Ok(Some(earlier)) if earlier.root != cp.root => {
                let why = format!(
                    "the log signed two checkpoints of size {} with different roots (cosigned {}, now {})",
                    cp.size, earlier.root, cp.root
                );
                self.keep(
                    &cp.origin,
                    status,
                    EvidenceKind::SameSizeDifferentRoot,
                    &why,
                    body,
                    Some(&earlier.note),
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reading the witness's history"),
        }
    }

    fn keep(
        &self,
        origin: &str,
        status: u16,
        kind: EvidenceKind,
        why: &str,
        body: &[u8],
        held: Option<&[u8]>,
    ) {
        if kind.proves() {
            tracing::warn!(origin, kind = kind.label(), why, "the log misbehaved");
        }
        match self.store.record_evidence(
            origin,
            now(),
            status,
            kind,
            why,
            body,
            held,
            self.keep_unproven,
        ) {
            Ok(_) => {}
            // Evidence is kept on a best-effort basis: the request is
            // refused either way, and no promise rests on it.
            Err(e) => tracing::error!(origin, error = %e, "keeping evidence"),
        }
    }

    fn poison(&self, why: &str) {
        if !self.poisoned.swap(true, Ordering::SeqCst) {
            tracing::error!(
                why,
                "the witness stops cosigning until it is restarted and reads its state again"
            );
        }
    }

    fn unavailable(&self) -> Answer {
        Answer::Unavailable(
            "the witness could not make its state durable and cosigns nothing until restarted"
                .into(),
        )
    }
}
