//! The mirror's cosigning key. Until `tlog_core::cosignature` lands this is
//! a stand-in with the same names, over an Ed25519 cosignature/v1 (0x04)
//! `SignerKey`; then it becomes a re-export.

use tlog::checkpoint::Checkpoint;
use tlog::keys::{KeyError, KeyType, SignerKey, VerifierKey};
use tlog::note::{NoteError, NoteSignature};

/// A cosigner's public key.
pub type CosignerKey = VerifierKey;

/// A cosigner's secret key, in its `PRIVATE+KEY+name+id+base64` text form.
pub struct CosignerSecret(SignerKey);

impl CosignerSecret {
    pub fn parse(secret: &str) -> Result<CosignerSecret, KeyError> {
        let k = SignerKey::parse(secret)?;
        if k.key_type() != KeyType::Cosignature {
            return Err(KeyError::UnsupportedType(k.key_type() as u8));
        }
        Ok(CosignerSecret(k))
    }

    pub fn generate(name: &str) -> Result<CosignerSecret, KeyError> {
        SignerKey::generate(name, KeyType::Cosignature).map(CosignerSecret)
    }

    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<CosignerSecret, KeyError> {
        SignerKey::from_seed(name, KeyType::Cosignature, seed).map(CosignerSecret)
    }

    pub fn to_secret_string(&self) -> String {
        self.0.to_secret_string()
    }

    pub fn name(&self) -> &str {
        self.0.name()
    }

    pub fn key_id(&self) -> u32 {
        self.0.key_id()
    }

    pub fn verifier(&self) -> CosignerKey {
        self.0.verifier()
    }

    /// A cosignature line on `checkpoint` at `timestamp` (POSIX seconds).
    pub fn cosign(
        &self,
        checkpoint: &Checkpoint,
        timestamp: u64,
    ) -> Result<NoteSignature, NoteError> {
        Ok(NoteSignature {
            name: self.0.name().to_string(),
            key_id: self.0.key_id(),
            signature: self.0.cosign(checkpoint.to_text().as_bytes(), timestamp)?,
        })
    }
}
