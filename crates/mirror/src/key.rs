//! The mirror's cosigning key: a C2SP tlog-cosignature key of either type,
//! Ed25519 `cosignature/v1` (0x04) or ML-DSA-44 (0x06).

pub use tlog::cosignature::{CosignatureType, CosignerKey, CosignerSecret};
