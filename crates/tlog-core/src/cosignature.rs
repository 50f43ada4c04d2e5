//! C2SP tlog-cosignature: a witness's or a mirror's statement that it saw a
//! checkpoint and found it consistent with everything it saw before.
//!
//! Two types, one interface:
//!
//! - **Ed25519** (`cosignature/v1`, vkey type 0x04): the signed message is
//!   `cosignature/v1\ntime <t>\n` and the whole checkpoint text, extension
//!   lines included. Signatures are checked under the crate's one Ed25519
//!   rule (ZIP-215, [`crate::ed25519`]); weak keys are refused when parsed.
//! - **ML-DSA-44** (`subtree/v1`, vkey type 0x06, FIPS 204, post-quantum, the
//!   type the spec recommends for new deployments): the signed message is
//!   the `cosigned_message` structure, which commits to the cosigner's name,
//!   the origin, the range `[0, size)` and the root, but not to extension
//!   lines. Signing is ML-DSA's deterministic variant with an empty context
//!   (any valid signature verifies, so the choice is ours alone).
//!
//! Both carry a `timestamped_signature`: eight bytes of big-endian POSIX
//! time, at most 2^63 - 1, then the signature. A checkpoint's cosignature
//! here always has a non-zero timestamp and covers the whole tree (`start`
//! 0), as tlog-witness requires of add-checkpoint responses.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ml_dsa::{EncodedSignature, EncodedVerifyingKey, MlDsa44, Signature, SigningKey, VerifyingKey};

use crate::checkpoint::Checkpoint;
use crate::keys::{
    KeyError, KeyType, SignerKey, VerifierKey, cosigned_message, key_id_of, parse_hash,
    split_cosignature,
};
use crate::note::{Note, NoteError, NoteSignature, NoteVerifier, is_valid_key_name};

/// The length of an ML-DSA-44 public key.
pub const ML_DSA_44_PUBLIC_KEY_LEN: usize = 1312;
/// The length of an ML-DSA-44 signature.
pub const ML_DSA_44_SIGNATURE_LEN: usize = 2420;
/// The domain-separation label of an ML-DSA cosigned message.
const SUBTREE_LABEL: &[u8; 12] = b"subtree/v1\n\0";

/// Which cosignature a key makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CosignatureType {
    /// `cosignature/v1`, vkey type 0x04.
    Ed25519,
    /// `subtree/v1` with ML-DSA-44, vkey type 0x06.
    MlDsa44,
}

impl CosignatureType {
    /// The vkey type byte, which also separates key IDs.
    pub fn type_byte(self) -> u8 {
        match self {
            CosignatureType::Ed25519 => 0x04,
            CosignatureType::MlDsa44 => 0x06,
        }
    }

    /// The name used on the command line and in configuration files.
    pub fn label(self) -> &'static str {
        match self {
            CosignatureType::Ed25519 => "ed25519",
            CosignatureType::MlDsa44 => "ml-dsa-44",
        }
    }

    /// Parses [`CosignatureType::label`].
    pub fn from_label(s: &str) -> Option<CosignatureType> {
        match s {
            "ed25519" => Some(CosignatureType::Ed25519),
            "ml-dsa-44" | "mldsa44" | "ml-dsa" => Some(CosignatureType::MlDsa44),
            _ => None,
        }
    }
}

impl fmt::Display for CosignatureType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Clone)]
enum PublicKind {
    Ed25519(Box<VerifierKey>),
    MlDsa44 {
        key: Box<VerifyingKey<MlDsa44>>,
        raw: Box<[u8]>,
    },
}

/// A cosigner's public key: a vkey of type 0x04 (Ed25519) or 0x06
/// (ML-DSA-44).
#[derive(Clone)]
pub struct CosignerKey {
    name: String,
    key_id: u32,
    kind: PublicKind,
}

impl PartialEq for CosignerKey {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.key_id == other.key_id
            && self.public_key_bytes() == other.public_key_bytes()
    }
}
impl Eq for CosignerKey {}

/// The key ID of a cosigner key: the first four bytes of
/// SHA-256(name || "\n" || type || public key).
fn cosigner_key_id(name: &str, kind: CosignatureType, public: &[u8]) -> u32 {
    key_id_of(name, kind.type_byte(), public)
}

impl CosignerKey {
    /// Parses a vkey `name+hash+base64(type || key)` of type 0x04 or 0x06.
    /// Weak or invalid Ed25519 keys are refused, as everywhere in accord.
    pub fn parse(vkey: &str) -> Result<CosignerKey, KeyError> {
        const FORM: &str = "name+hash+base64";
        let vkey = vkey.trim();
        let mut it = vkey.splitn(3, '+');
        let (name, hash, b64) = match (it.next(), it.next(), it.next()) {
            (Some(n), Some(h), Some(k)) => (n, h, k),
            _ => return Err(KeyError::Form { form: FORM }),
        };
        if !is_valid_key_name(name) {
            return Err(KeyError::Name(name.to_string()));
        }
        let raw = B64.decode(b64).map_err(|_| KeyError::Base64)?;
        match raw.first() {
            Some(0x04) => {
                let key = VerifierKey::parse(vkey)?;
                Ok(CosignerKey::from_verifier(key).expect("a type 0x04 key"))
            }
            Some(0x06) => {
                let stated = parse_hash(hash)?;
                let public = &raw[1..];
                if public.len() != ML_DSA_44_PUBLIC_KEY_LEN {
                    return Err(KeyError::Length { got: raw.len() });
                }
                let computed = cosigner_key_id(name, CosignatureType::MlDsa44, public);
                if computed != stated {
                    return Err(KeyError::HashMismatch { stated, computed });
                }
                Ok(CosignerKey::ml_dsa(name, public))
            }
            Some(&other) => Err(KeyError::UnsupportedCosignatureType(other)),
            None => Err(KeyError::Length { got: 0 }),
        }
    }

    /// A cosigner key from an Ed25519 vkey of type 0x04; `None` for other
    /// types.
    pub fn from_verifier(key: VerifierKey) -> Option<CosignerKey> {
        if key.key_type() != KeyType::Cosignature {
            return None;
        }
        Some(CosignerKey {
            name: key.name().to_string(),
            key_id: key.key_id(),
            kind: PublicKind::Ed25519(Box::new(key)),
        })
    }

    fn ml_dsa(name: &str, public: &[u8]) -> CosignerKey {
        let enc = EncodedVerifyingKey::<MlDsa44>::try_from(public).expect("1312 bytes");
        CosignerKey {
            name: name.to_string(),
            key_id: cosigner_key_id(name, CosignatureType::MlDsa44, public),
            kind: PublicKind::MlDsa44 {
                key: Box::new(VerifyingKey::decode(&enc)),
                raw: public.into(),
            },
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn kind(&self) -> CosignatureType {
        match self.kind {
            PublicKind::Ed25519(_) => CosignatureType::Ed25519,
            PublicKind::MlDsa44 { .. } => CosignatureType::MlDsa44,
        }
    }

    /// The public key itself, without name or type: two vkeys wrapping the
    /// same bytes are the same key (tlog-policy's duplicate rule).
    pub fn public_key_bytes(&self) -> &[u8] {
        match &self.kind {
            PublicKind::Ed25519(k) => k.public_key().as_bytes(),
            PublicKind::MlDsa44 { raw, .. } => raw,
        }
    }

    /// Verifies a cosignature (the signature bytes of a note signature line,
    /// key ID removed) on a checkpoint's text; its timestamp if valid.
    pub fn verify_cosignature(&self, checkpoint_text: &[u8], signature: &[u8]) -> Option<u64> {
        let (timestamp, sig) = split_timestamp(signature)?;
        let ok = match &self.kind {
            PublicKind::Ed25519(k) => {
                sig.len() == 64 && k.verify_raw(&cosigned_message(timestamp, checkpoint_text), sig)
            }
            PublicKind::MlDsa44 { key, .. } => {
                let cp = std::str::from_utf8(checkpoint_text)
                    .ok()
                    .and_then(|t| Checkpoint::parse_text(t).ok())?;
                let msg = subtree_message(&self.name, timestamp, &cp)?;
                let Ok(enc) = EncodedSignature::<MlDsa44>::try_from(sig) else {
                    return None;
                };
                match Signature::<MlDsa44>::decode(&enc) {
                    Some(s) => key.verify_with_context(&msg, &[], &s),
                    None => false,
                }
            }
        };
        // A checkpoint's cosignature always carries its time (tlog-witness:
        // "the timestamp MUST NOT be zero").
        (ok && timestamp > 0).then_some(timestamp)
    }

    /// The timestamp of this key's valid cosignature on a checkpoint note,
    /// if the note carries one.
    pub fn cosigned(&self, note: &Note) -> Option<u64> {
        note.signatures()
            .iter()
            .filter(|s| s.name == self.name && s.key_id == self.key_id)
            .find_map(|s| self.verify_cosignature(note.text().as_bytes(), &s.signature))
    }
}

impl fmt::Display for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            PublicKind::Ed25519(k) => write!(f, "{k}"),
            PublicKind::MlDsa44 { raw, .. } => {
                let mut bytes = Vec::with_capacity(1 + raw.len());
                bytes.push(CosignatureType::MlDsa44.type_byte());
                bytes.extend_from_slice(raw);
                write!(f, "{}+{:08x}+{}", self.name, self.key_id, B64.encode(bytes))
            }
        }
    }
}

impl fmt::Debug for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CosignerKey({}+{:08x}, {})",
            self.name,
            self.key_id,
            self.kind()
        )
    }
}

impl NoteVerifier for CosignerKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        self.verify_cosignature(text, signature).is_some()
    }
}

enum SecretKind {
    Ed25519(Box<SignerKey>),
    MlDsa44 {
        key: Box<SigningKey<MlDsa44>>,
        seed: [u8; 32],
    },
}

/// A cosigner's secret key. Its text form is
/// `PRIVATE+KEY+<name>+<key ID>+base64(type byte || 32-byte seed)`, the
/// signed-note form for Ed25519; for ML-DSA-44 the 32 bytes are the FIPS 204
/// seed ξ the key pair is derived from.
pub struct CosignerSecret {
    name: String,
    key_id: u32,
    kind: SecretKind,
    public: CosignerKey,
}

impl CosignerSecret {
    /// A new random key.
    #[cfg(feature = "keygen")]
    pub fn generate(name: &str, kind: CosignatureType) -> Result<CosignerSecret, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
        let k = CosignerSecret::from_seed(name, kind, seed);
        seed.fill(0);
        k
    }

    /// The key derived from a 32-byte seed.
    pub fn from_seed(
        name: &str,
        kind: CosignatureType,
        seed: [u8; 32],
    ) -> Result<CosignerSecret, KeyError> {
        if !is_valid_key_name(name) {
            return Err(KeyError::Name(name.to_string()));
        }
        match kind {
            CosignatureType::Ed25519 => {
                let sk = SignerKey::from_seed(name, KeyType::Cosignature, seed)?;
                let public = CosignerKey::from_verifier(sk.verifier()).expect("type 0x04");
                Ok(CosignerSecret {
                    name: name.to_string(),
                    key_id: sk.key_id(),
                    kind: SecretKind::Ed25519(Box::new(sk)),
                    public,
                })
            }
            CosignatureType::MlDsa44 => {
                let sk = SigningKey::<MlDsa44>::from_seed(&seed.into());
                let vk = ml_dsa::signature::Keypair::verifying_key(&sk).encode();
                let public = CosignerKey::ml_dsa(name, vk.as_slice());
                Ok(CosignerSecret {
                    name: name.to_string(),
                    key_id: public.key_id,
                    kind: SecretKind::MlDsa44 {
                        key: Box::new(sk),
                        seed,
                    },
                    public,
                })
            }
        }
    }

    /// Parses the text form.
    pub fn parse(secret: &str) -> Result<CosignerSecret, KeyError> {
        const FORM: &str = "PRIVATE+KEY+name+hash+base64";
        let s = secret.trim();
        let mut it = s.splitn(5, '+');
        let (p, k, name, hash, b64) = match (it.next(), it.next(), it.next(), it.next(), it.next())
        {
            (Some(p), Some(k), Some(n), Some(h), Some(b)) => (p, k, n, h, b),
            _ => return Err(KeyError::Form { form: FORM }),
        };
        if p != "PRIVATE" || k != "KEY" {
            return Err(KeyError::Form { form: FORM });
        }
        let stated = parse_hash(hash)?;
        let raw = B64.decode(b64).map_err(|_| KeyError::Base64)?;
        let kind = match raw.first() {
            Some(0x04) => CosignatureType::Ed25519,
            Some(0x06) => CosignatureType::MlDsa44,
            Some(&other) => return Err(KeyError::UnsupportedCosignatureType(other)),
            None => return Err(KeyError::Length { got: 0 }),
        };
        let seed: [u8; 32] = raw[1..]
            .try_into()
            .map_err(|_| KeyError::Length { got: raw.len() })?;
        let key = CosignerSecret::from_seed(name, kind, seed)?;
        if key.key_id != stated {
            return Err(KeyError::HashMismatch {
                stated,
                computed: key.key_id,
            });
        }
        Ok(key)
    }

    /// The text form (a secret: write it only where a secret belongs).
    pub fn to_secret_string(&self) -> String {
        let (kind, seed) = match &self.kind {
            SecretKind::Ed25519(k) => {
                // The signer key's own text form is exactly this one.
                return k.to_secret_string();
            }
            SecretKind::MlDsa44 { seed, .. } => (CosignatureType::MlDsa44, seed),
        };
        let mut raw = vec![kind.type_byte()];
        raw.extend_from_slice(seed);
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id,
            B64.encode(raw)
        )
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn kind(&self) -> CosignatureType {
        self.public.kind()
    }

    /// The public key.
    pub fn verifier(&self) -> CosignerKey {
        self.public.clone()
    }

    /// A cosignature of the whole checkpoint at `timestamp` (POSIX seconds,
    /// at least 1 and at most 2^63 - 1), as a note signature line.
    pub fn cosign(
        &self,
        checkpoint: &Checkpoint,
        timestamp: u64,
    ) -> Result<NoteSignature, NoteError> {
        if timestamp == 0 || timestamp > i64::MAX as u64 {
            return Err(NoteError::SignFailed(format!(
                "a cosignature's timestamp must be between 1 and 2^63-1, not {timestamp}"
            )));
        }
        let signature = match &self.kind {
            SecretKind::Ed25519(k) => k.cosign(checkpoint.to_text().as_bytes(), timestamp)?,
            SecretKind::MlDsa44 { key, .. } => {
                let msg = subtree_message(&self.name, timestamp, checkpoint).ok_or_else(|| {
                    NoteError::SignFailed(
                        "the cosigner name and the origin must each be 1 to 255 bytes".into(),
                    )
                })?;
                let sig = key
                    .expanded_key()
                    .sign_deterministic(&msg, &[])
                    .map_err(|e| NoteError::SignFailed(e.to_string()))?;
                let mut out = timestamp.to_be_bytes().to_vec();
                out.extend_from_slice(sig.encode().as_slice());
                out
            }
        };
        Ok(NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature,
        })
    }
}

impl fmt::Debug for CosignerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CosignerSecret({}+{:08x}, {}, secret elided)",
            self.name,
            self.key_id,
            self.kind()
        )
    }
}

impl Drop for CosignerSecret {
    fn drop(&mut self) {
        if let SecretKind::MlDsa44 { seed, .. } = &mut self.kind {
            seed.fill(0);
        }
    }
}

/// Splits a `timestamped_signature` into its time and its signature.
fn split_timestamp(sig: &[u8]) -> Option<(u64, &[u8])> {
    if sig.len() == 8 + 64 {
        return split_cosignature(sig);
    }
    if sig.len() != 8 + ML_DSA_44_SIGNATURE_LEN {
        return None;
    }
    let ts = u64::from_be_bytes(sig[..8].try_into().ok()?);
    (ts <= i64::MAX as u64).then_some((ts, &sig[8..]))
}

/// The ML-DSA `cosigned_message` for a whole checkpoint (`start` 0, `end`
/// its size); `None` when a name is not 1 to 255 bytes.
pub fn subtree_message(cosigner: &str, timestamp: u64, checkpoint: &Checkpoint) -> Option<Vec<u8>> {
    let name = cosigner.as_bytes();
    let origin = checkpoint.origin.as_bytes();
    if name.is_empty() || name.len() > 255 || origin.is_empty() || origin.len() > 255 {
        return None;
    }
    let mut m = Vec::with_capacity(12 + 1 + name.len() + 8 + 1 + origin.len() + 16 + 32);
    m.extend_from_slice(SUBTREE_LABEL);
    m.push(name.len() as u8);
    m.extend_from_slice(name);
    m.extend_from_slice(&timestamp.to_be_bytes());
    m.push(origin.len() as u8);
    m.extend_from_slice(origin);
    m.extend_from_slice(&0u64.to_be_bytes());
    m.extend_from_slice(&checkpoint.size.to_be_bytes());
    m.extend_from_slice(checkpoint.root.as_bytes());
    Some(m)
}

/// What each of `keys` cosigned on a checkpoint note: for every key, the
/// timestamp of its valid cosignature, in the order of `keys`. A signature
/// line by a known key that does not verify makes the whole note invalid
/// (signed-note: such a note is malformed), reported as the error.
pub fn cosignatures_by(note: &Note, keys: &[CosignerKey]) -> Result<Vec<Option<u64>>, NoteError> {
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let mut found = None;
        for s in note.signatures() {
            if s.name != k.name || s.key_id != k.key_id {
                continue;
            }
            match k.verify_cosignature(note.text().as_bytes(), &s.signature) {
                Some(t) => found = found.or(Some(t)),
                None => {
                    return Err(NoteError::InvalidSignature {
                        name: s.name.clone(),
                        key_id: s.key_id,
                    });
                }
            }
        }
        out.push(found);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::Hash;

    fn checkpoint(size: u64) -> Checkpoint {
        Checkpoint {
            origin: "example.com/log".into(),
            size,
            root: Hash([7; 32]),
            extensions: vec![],
        }
    }

    fn signed_note(cp: &Checkpoint, sig: NoteSignature) -> Note {
        let mut n = Note::new(cp.to_text()).unwrap();
        n.add_signature(sig).unwrap();
        n
    }

    #[test]
    fn both_types_round_trip_and_verify() {
        for kind in [CosignatureType::Ed25519, CosignatureType::MlDsa44] {
            let sk = CosignerSecret::from_seed("witness.example/w1", kind, [9; 32]).unwrap();
            let again = CosignerSecret::parse(&sk.to_secret_string()).unwrap();
            assert_eq!(again.verifier(), sk.verifier(), "{kind}");
            let vk = CosignerKey::parse(&sk.verifier().to_string()).unwrap();
            assert_eq!(vk, sk.verifier());
            assert_eq!(vk.kind(), kind);
            let cp = checkpoint(10);
            let line = sk.cosign(&cp, 1_700_000_000).unwrap();
            let note = signed_note(&cp, line.clone());
            assert_eq!(vk.cosigned(&note), Some(1_700_000_000), "{kind}");
            // Another size, another root: the same signature proves nothing.
            let other = signed_note(&checkpoint(11), line.clone());
            assert_eq!(vk.cosigned(&other), None, "{kind}");
            let mut bad = line;
            let last = bad.signature.len() - 1;
            bad.signature[last] ^= 1;
            assert_eq!(vk.cosigned(&signed_note(&cp, bad.clone())), None, "{kind}");
            assert!(cosignatures_by(&signed_note(&cp, bad), &[vk]).is_err());
        }
    }

    #[test]
    fn ml_dsa_signature_commits_to_the_cosigner_name() {
        let a =
            CosignerSecret::from_seed("w.example/a", CosignatureType::MlDsa44, [1; 32]).unwrap();
        let cp = checkpoint(3);
        let line = a.cosign(&cp, 5).unwrap();
        let msg = subtree_message("w.example/a", 5, &cp).unwrap();
        assert_eq!(&msg[..12], b"subtree/v1\n\0");
        assert_eq!(msg.len(), 12 + 1 + 11 + 8 + 1 + 15 + 16 + 32);
        assert_eq!(line.signature.len(), 8 + ML_DSA_44_SIGNATURE_LEN);
        // The same public key under another name: a different message.
        let raw = a.verifier().public_key_bytes().to_vec();
        let renamed = CosignerKey::ml_dsa("w.example/b", &raw);
        assert!(
            renamed
                .verify_cosignature(cp.to_text().as_bytes(), &line.signature)
                .is_none()
        );
    }

    #[test]
    fn zero_timestamp_is_refused() {
        let a = CosignerSecret::from_seed("w", CosignatureType::Ed25519, [2; 32]).unwrap();
        assert!(a.cosign(&checkpoint(1), 0).is_err());
        assert!(a.cosign(&checkpoint(1), 1 << 63).is_err());
    }

    #[test]
    fn bad_vkeys_are_refused_with_reasons() {
        let a = CosignerSecret::from_seed("w", CosignatureType::MlDsa44, [3; 32]).unwrap();
        let text = a.verifier().to_string();
        // A wrong key ID.
        let parts: Vec<&str> = text.splitn(3, '+').collect();
        let wrong = format!("{}+00000000+{}", parts[0], parts[2]);
        assert!(matches!(
            CosignerKey::parse(&wrong),
            Err(KeyError::HashMismatch { .. })
        ));
        // A log key (type 0x01) is not a cosigner key.
        let log = SignerKey::from_seed("log", KeyType::Ed25519, [4; 32]).unwrap();
        assert!(matches!(
            CosignerKey::parse(&log.verifier().to_string()),
            Err(KeyError::UnsupportedCosignatureType(0x01))
        ));
        // A truncated ML-DSA key.
        let mut raw = vec![0x06];
        raw.extend_from_slice(&a.verifier().public_key_bytes()[..100]);
        let short = format!("w+{:08x}+{}", 0, B64.encode(raw));
        assert!(matches!(
            CosignerKey::parse(&short),
            Err(KeyError::Length { .. })
        ));
    }
}
