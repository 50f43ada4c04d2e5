//! A log directory as the CLI keeps it: the public C2SP objects
//! (`checkpoint`, `tile/`) and, under `.tlog/`, the writer's private state,
//! including `config.toml` (origin, verifier key, where the signer key is).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{IntoDiagnostic, Result, WrapErr, miette};
use serde::{Deserialize, Serialize};
use tlog::{DirStorage, Log, SignerKey, VerifierKey};

use crate::keys::read_secret_key;

#[derive(Serialize, Deserialize)]
pub struct LogConfig {
    /// The checkpoint origin, which is also the log key's name.
    pub origin: String,
    /// The log's verifier key.
    pub vkey: String,
    /// The signer key file, absolute or relative to the log directory.
    pub key: PathBuf,
}

pub fn config_path(dir: &Path) -> PathBuf {
    dir.join(".tlog").join("config.toml")
}

pub fn read_config(dir: &Path) -> Result<LogConfig> {
    let p = config_path(dir);
    let text = std::fs::read_to_string(&p)
        .into_diagnostic()
        .wrap_err_with(|| {
            format!(
                "{} is not a log made by `accord log init` (cannot read {})",
                dir.display(),
                p.display()
            )
        })?;
    toml::from_str(&text).map_err(|e| miette!("{}: {e}", p.display()))
}

pub fn write_config(dir: &Path, cfg: &LogConfig) -> Result<()> {
    let p = config_path(dir);
    let tmp = p.with_extension("toml.tmp");
    let text = toml::to_string(cfg).into_diagnostic()?;
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|()| std::fs::rename(&tmp, &p))
        .into_diagnostic()
        .wrap_err_with(|| format!("writing {}", p.display()))
}

impl LogConfig {
    pub fn verifier(&self) -> Result<VerifierKey> {
        VerifierKey::parse(&self.vkey).map_err(|e| miette!("log config: vkey: {e}"))
    }

    pub fn key_path(&self, dir: &Path) -> PathBuf {
        if self.key.is_absolute() {
            self.key.clone()
        } else {
            dir.join(&self.key)
        }
    }

    pub fn signer(&self, dir: &Path) -> Result<SignerKey> {
        let key = read_secret_key(&self.key_path(dir))?;
        if key.verifier().to_string() != self.vkey {
            return Err(miette!(
                "the key in {} is not this log's key ({})",
                self.key_path(dir).display(),
                self.vkey
            ));
        }
        Ok(key)
    }
}

/// Opens the log in `dir` for writing.
pub fn open_writer(dir: &Path) -> Result<Log> {
    let cfg = read_config(dir)?;
    let signer = cfg.signer(dir)?;
    let storage = Arc::new(DirStorage::new(dir).map_err(|e| miette!("{e}"))?);
    Log::open(storage, signer).map_err(|e| miette!("opening log {}: {e}", dir.display()))
}
