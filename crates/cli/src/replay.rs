//! Where a log is read from (a directory, an `s3://bucket/prefix`, or
//! HTTP(S) serving the C2SP tiles), which key it is checked with, and the
//! engine's verified replay with a progress bar: what `accord audit`,
//! `status` and `report` share.

use std::path::PathBuf;
use std::sync::Arc;

use accord::agreement::Agreement;
use miette::{Result, miette};
use tlog::client::{DirSource, ReadError, TileSource};
use tlog::{Storage, VerifierKey};
use tlog_s3::Location;

use crate::logdir::store_error;

/// Where a log is read from.
pub enum Source {
    Dir(DirSource, PathBuf),
    /// A log on an S3-compatible object store, read through its storage
    /// (the same reads whoever wrote it, public objects only).
    S3(Arc<dyn Storage>, Location),
    Http(HttpSource),
}

impl Source {
    /// A directory, an `s3://bucket/prefix`, or an `http://` or `https://`
    /// address.
    pub fn open(location: &str) -> Result<Source> {
        if location.starts_with("http://") || location.starts_with("https://") {
            return Ok(Source::Http(HttpSource::new(location)));
        }
        match crate::logdir::location(location)? {
            Location::Dir(dir) => {
                if !dir.is_dir() {
                    return Err(miette!(
                        "{location} is neither a log directory, an s3://bucket/prefix nor an http(s):// address"
                    ));
                }
                Ok(Source::Dir(DirSource::new(&dir), dir))
            }
            at @ Location::S3 { .. } => {
                let storage = crate::logdir::open_storage(&at)?;
                // Asked once here, so that a store that cannot be reached (or
                // a prefix with no log) is named now, in words, rather than
                // as the first tile that fails to read.
                match storage.read(tlog::storage::CHECKPOINT) {
                    Ok(Some(_)) => Ok(Source::S3(storage, at)),
                    Ok(None) => Err(miette!(
                        "{at} holds no log: there is no checkpoint at {at}/checkpoint"
                    )),
                    Err(e) => Err(store_error(&at, "cannot read the log's checkpoint", &e)),
                }
            }
        }
    }

    /// The log's own key, when it was made by `accord log init` and its
    /// configuration can be read here (`.tlog/config.toml`: on S3 it is a
    /// private object, which a reader's credentials may not reach).
    pub fn local_key(&self) -> Option<VerifierKey> {
        let at = match self {
            Source::Dir(_, dir) => Location::Dir(dir.clone()),
            Source::S3(_, at) => at.clone(),
            Source::Http(_) => return None,
        };
        crate::logdir::read_config_at(&at)
            .ok()
            .and_then(|c| c.verifier().ok())
    }
}

impl TileSource for Source {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        match self {
            Source::Dir(d, _) => d.fetch(path),
            Source::S3(s, at) => s.read(path).map_err(|e| ReadError::Fetch {
                path: format!("{at}/{path}"),
                message: e.to_string(),
            }),
            Source::Http(h) => h.fetch(path),
        }
    }
    fn describe(&self) -> String {
        match self {
            Source::Dir(d, _) => d.describe(),
            Source::S3(_, at) => at.to_string(),
            Source::Http(h) => h.describe(),
        }
    }
}

/// A log served over HTTP(S), as C2SP tlog-tiles lays it out (the mirror's
/// crate reads it so too).
pub use accord_mirror::HttpSource;

/// The log's key: given, or the agreement's `[operator] log`, or the log's
/// own config when it was made here. Says where it came from.
pub fn log_key(
    given: Option<&str>,
    agreement: &Agreement,
    source: &Source,
) -> Result<(VerifierKey, &'static str)> {
    if let Some(k) = given {
        let k = VerifierKey::parse(k).map_err(|e| miette!("--log-key {k:?}: {e}"))?;
        return Ok((k, "given with --log-key"));
    }
    if let Some(k) = agreement.operator.as_ref().and_then(|o| o.log.as_ref()) {
        return Ok((
            k.get_ref().clone(),
            "named by the agreement's [operator] log",
        ));
    }
    if let Some(k) = source.local_key() {
        return Ok((k, "from the log's own .tlog/config.toml"));
    }
    Err(miette!(
        "the agreement names no log key ([operator] log) and none was given: pass --log-key"
    ))
}

pub use accord_engine::SignatureCheck;
pub use accord_engine::replay::Replayed;

/// Replays the evaluator over a verified log (see `accord_engine::replay`)
/// under a chain of versions of the agreement (see [`crate::amended`]),
/// with a progress bar.
pub fn replay_versions<'a, S: TileSource + Sync>(
    versions: &accord::evaluate::Versions<'a>,
    source: &S,
    log: &Verified,
    check: SignatureCheck,
) -> Result<Replayed<'a>> {
    let bar = crate::logdir::progress_bar(log.size(), "replaying");
    let progress = |n: u64| bar.set_position(n);
    let opts = accord_engine::ReplayOptions {
        check,
        progress: Some(&progress),
    };
    let r =
        accord_engine::replay_versions(versions, source, log, &opts).map_err(|e| miette!("{e}"));
    bar.finish_and_clear();
    r
}

/// A log whose checkpoint and tiles verified; its entries are checked as
/// they are read.
pub type Verified = tlog::verify::VerifiedLog;

/// Verifies a log's checkpoint (signature, cosignatures), every hash tile,
/// and consistency with `old`; the entries are checked as the replay reads
/// them.
pub fn verify<S: TileSource>(
    source: &S,
    key: &VerifierKey,
    witnesses: &[VerifierKey],
    old: Option<&[u8]>,
) -> Result<Verified, tlog::verify::VerifyError> {
    accord_engine::verify_log(source, key, witnesses, old)
}

/// The witness policy given with `--policy FILE`, read and checked under
/// C2SP tlog-policy's rules (an error names the file and line).
pub fn read_policy(path: Option<&std::path::Path>) -> Result<Option<tlog::policy::Policy>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes = std::fs::read(path).map_err(|e| miette!("reading {}: {e}", path.display()))?;
    tlog::policy::Policy::parse(&bytes)
        .map(Some)
        .map_err(|e| miette!("{}: {e}", path.display()))
}

/// Which policy the checkpoint is held to: the file's, else the agreement's.
pub fn policy_choice(given: &Option<tlog::policy::Policy>) -> accord_engine::PolicyChoice<'_> {
    match given {
        Some(p) => accord_engine::PolicyChoice::Given(p),
        None => accord_engine::PolicyChoice::Agreement,
    }
}

/// What `status` and `report` do with the witnesses: the verified
/// checkpoint held to the policy of the version in force (or the file's);
/// refused when the quorum is not met, unless `allow` (then the caller says
/// so in its output). `None`: no policy applies.
pub fn witnessed(
    source: &Source,
    key: &VerifierKey,
    log: &Verified,
    in_force: &Agreement,
    given: &Option<tlog::policy::Policy>,
    allow: bool,
) -> Result<Option<accord_engine::witnessed::WitnessCheck>> {
    let Some((policy, is_given)) = policy_choice(given).resolve(in_force) else {
        return Ok(None);
    };
    let check = accord_engine::witnessed::witness_check(policy, is_given, key, log.checkpoint());
    if let Some(e) = &check.error
        && !allow
    {
        return Err(miette!(
            "{}: the checkpoint is NOT WITNESSED under {}: {}. Without the witnesses' quorum only the operator vouches for this history; pass --allow-unwitnessed to go on regardless (the output will say so)",
            source.describe(),
            check.whence(),
            accord::text::printable(&e.to_string())
        ));
    }
    Ok(Some(check))
}

/// What the witnesses did, in a sentence for people.
pub fn witnessed_sentence(check: &accord_engine::witnessed::WitnessCheck) -> String {
    use accord_engine::witnessed::cosigners_text;
    match &check.error {
        None => format!(
            "The checkpoint is witnessed: cosigned by {}, meeting the witness quorum of {}.",
            cosigners_text(&check.cosigners),
            check.whence()
        ),
        Some(e) => format!(
            "NOT WITNESSED: the checkpoint does not meet the witness quorum of {} ({}): only the operator vouches for this history.",
            check.whence(),
            accord::text::printable(&e.to_string())
        ),
    }
}
