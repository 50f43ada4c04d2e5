//! TEMPORARY STAND-IN for the lead's `tlog_core::cosignature` (Ed25519
//! only), with the API the foundation announces, so that the policy work
//! compiles before it lands. Replaced whole by main's on merge.

use std::fmt;

use crate::checkpoint::Checkpoint;
use crate::keys::{KeyError, KeyType, SignerKey, VerifierKey, split_cosignature};
use crate::note::{Note, NoteError, NoteSignature, NoteVerifier};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CosignatureType {
    Ed25519,
    MlDsa44,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CosignerKey {
    key: VerifierKey,
}

impl CosignerKey {
    pub fn parse(vkey: &str) -> Result<CosignerKey, KeyError> {
        let key = VerifierKey::parse(vkey)?;
        if key.key_type() != KeyType::Cosignature {
            return Err(KeyError::UnsupportedType(key.key_type() as u8));
        }
        Ok(CosignerKey { key })
    }
    pub fn name(&self) -> &str {
        self.key.name()
    }
    pub fn key_id(&self) -> u32 {
        self.key.key_id()
    }
    pub fn kind(&self) -> CosignatureType {
        CosignatureType::Ed25519
    }
    pub fn public_key_bytes(&self) -> &[u8] {
        self.key.public_key().as_bytes()
    }
    pub fn cosigned(&self, note: &Note) -> Option<u64> {
        note.signatures().iter().find_map(|s| {
            (s.name == self.name()
                && s.key_id == self.key_id()
                && self.key.verify(note.text().as_bytes(), &s.signature))
            .then(|| split_cosignature(&s.signature).map(|(t, _)| t))
            .flatten()
        })
    }
}

impl fmt::Display for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.key.fmt(f)
    }
}

impl NoteVerifier for CosignerKey {
    fn name(&self) -> &str {
        self.key.name()
    }
    fn key_id(&self) -> u32 {
        self.key.key_id()
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        NoteVerifier::verify(&self.key, text, signature)
    }
}

pub struct CosignerSecret {
    key: SignerKey,
}

impl CosignerSecret {
    pub fn generate(name: &str, kind: CosignatureType) -> Result<CosignerSecret, KeyError> {
        assert_eq!(kind, CosignatureType::Ed25519, "stand-in");
        Ok(CosignerSecret {
            key: SignerKey::generate(name, KeyType::Cosignature)?,
        })
    }
    pub fn from_seed(
        name: &str,
        kind: CosignatureType,
        seed: [u8; 32],
    ) -> Result<CosignerSecret, KeyError> {
        assert_eq!(kind, CosignatureType::Ed25519, "stand-in");
        Ok(CosignerSecret {
            key: SignerKey::from_seed(name, KeyType::Cosignature, seed)?,
        })
    }
    pub fn parse(secret: &str) -> Result<CosignerSecret, KeyError> {
        Ok(CosignerSecret {
            key: SignerKey::parse(secret)?,
        })
    }
    pub fn to_secret_string(&self) -> String {
        self.key.to_secret_string()
    }
    pub fn verifier(&self) -> CosignerKey {
        CosignerKey {
            key: self.key.verifier(),
        }
    }
    pub fn cosign(
        &self,
        checkpoint: &Checkpoint,
        timestamp: u64,
    ) -> Result<NoteSignature, NoteError> {
        Ok(NoteSignature {
            name: self.key.name().to_string(),
            key_id: self.key.key_id(),
            signature: self
                .key
                .cosign(checkpoint.to_text().as_bytes(), timestamp)?,
        })
    }
}
