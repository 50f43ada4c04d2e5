//! What a witness is configured with: its keys, the logs it witnesses, its
//! limits; and the TOML file `accord witness serve --config` reads.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use tlog_core::cosignature::CosignerSecret;
use tlog_core::keys::VerifierKey;

/// How many of the latest cosigned checkpoints of each log are kept, to
/// recognise a later checkpoint of one of their sizes with another root.
pub const DEFAULT_KEEP_HISTORY: u64 = 100_000;
/// How many refused requests that prove nothing by themselves (failed
/// proofs) are kept per log; the first ones are kept, later ones dropped.
pub const DEFAULT_KEEP_UNPROVEN: u64 = 1_000;
/// The default address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7380";

/// The witness proper.
pub struct WitnessConfig {
    /// The witness's keys; each cosigns every checkpoint accepted.
    pub keys: Vec<CosignerSecret>,
    /// The logs' verifier keys (Ed25519, type 0x01). A log's origin is its
    /// key's name; several keys of one name are all trusted for it.
    pub logs: Vec<VerifierKey>,
    pub keep_history: u64,
    pub keep_unproven: u64,
}

/// The HTTP side.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Where `add-checkpoint` is (`""`: at the root).
    pub submission_prefix: String,
    /// Where `<origin hash>/checkpoint` is (`""`: at the root).
    pub monitoring_prefix: String,
    /// A request (headers, body and answer) taking longer is cut off.
    pub request_timeout: Duration,
    /// A client that has not sent its request's headers within this is
    /// disconnected.
    pub header_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            submission_prefix: String::new(),
            monitoring_prefix: String::new(),
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// A prefix as the router takes it: empty, or `/a/b` with no trailing
/// slash.
pub fn normalize_prefix(p: &str) -> Result<String, String> {
    let p = p.trim_end_matches('/');
    if p.is_empty() {
        return Ok(String::new());
    }
    if !p.starts_with('/') {
        return Err(format!("URL prefix {p:?} must start with '/'"));
    }
    if p.contains(['{', '}', '?', '#', '*', ' ']) {
        return Err(format!(
            "URL prefix {p:?} must be a plain path (no braces, '?', '#', '*' or spaces)"
        ));
    }
    Ok(p.to_string())
}

/// The configuration file: the same as the flags of `accord witness
/// serve`. Paths are relative to the file.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub state: Option<PathBuf>,
    /// Files holding the witness's secret keys.
    #[serde(default)]
    pub keys: Vec<PathBuf>,
    /// The logs' verifier keys (vkey text).
    #[serde(default)]
    pub logs: Vec<String>,
    pub submission_prefix: Option<String>,
    pub monitoring_prefix: Option<String>,
    pub keep_history: Option<u64>,
    pub keep_unproven: Option<u64>,
    pub request_timeout_ms: Option<u64>,
    pub header_timeout_ms: Option<u64>,
}

impl FileConfig {
    pub fn parse(text: &str) -> Result<FileConfig, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_files() {
        assert_eq!(normalize_prefix("/").unwrap(), "");
        assert_eq!(normalize_prefix("/w/").unwrap(), "/w");
        assert!(normalize_prefix("w").is_err());
        assert!(normalize_prefix("/{x}").is_err());
        let c = FileConfig::parse(
            "listen = \"0.0.0.0:1\"\nkeys = [\"a.key\"]\nlogs = [\"x+1+AA\"]\nkeep_history = 5\n",
        )
        .unwrap();
        assert_eq!(c.keys, vec![PathBuf::from("a.key")]);
        assert_eq!(c.keep_history, Some(5));
        let e = FileConfig::parse("lisen = 1\n").unwrap_err();
        assert!(e.contains("lisen"), "{e}");
    }
}
