//! `accord keygen`: signer keys in the C2SP signed-note text form.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::keys::{KeyType, SignerKey};

#[derive(Clone, Copy, ValueEnum)]
pub enum KeyKind {
    /// Ed25519 note signatures (type 0x01): logs, parties, monitors.
    Ed25519,
    /// Timestamped witness cosignatures (type 0x04, C2SP tlog-cosignature).
    Cosignature,
}

#[derive(Args)]
pub struct KeygenArgs {
    /// The key's name, e.g. `monitors.example.org/patrol-7` (no spaces or '+').
    pub name: String,
    /// Where to write the secret key (default: NAME with '/' as '_', plus `.key`).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// What the key signs.
    #[arg(long = "type", value_enum, default_value = "ed25519")]
    pub kind: KeyKind,
}

pub fn keygen(a: KeygenArgs) -> Result<()> {
    let key_type = match a.kind {
        KeyKind::Ed25519 => KeyType::Ed25519,
        KeyKind::Cosignature => KeyType::Cosignature,
    };
    let key = SignerKey::generate(&a.name, key_type)
        .map_err(|e| miette!("key name {:?}: {e}", a.name))?;
    let out = a
        .out
        .unwrap_or_else(|| PathBuf::from(format!("{}.key", a.name.replace('/', "_"))));
    write_secret_key(&out, &key)?;
    errln!(
        "wrote the secret key to {} (keep it private)",
        out.display()
    );
    outln!("{}", key.verifier());
    Ok(())
}

/// Writes a signer key to a new file that only its owner can read. Refuses
/// to overwrite: losing a key is worse than an error.
pub fn write_secret_key(path: &Path, key: &SignerKey) -> Result<()> {
    write_secret(path, &key.to_secret_string())
}

/// Writes a secret key's text to a new file that only its owner can read.
/// Refuses to overwrite: losing a key is worse than an error.
pub fn write_secret(path: &Path, secret: &str) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).into_diagnostic().wrap_err_with(|| {
        format!(
            "cannot create key file {} (an existing key is never overwritten)",
            path.display()
        )
    })?;
    f.write_all(format!("{secret}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .into_diagnostic()
        .wrap_err_with(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Reads a signer key file.
pub fn read_secret_key(path: &Path) -> Result<SignerKey> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading key file {}", path.display()))?;
    SignerKey::parse(text.trim()).map_err(|e| miette!("key file {}: {e}", path.display()))
}
