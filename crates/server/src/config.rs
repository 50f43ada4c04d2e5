//! How a server is set up: the configuration file (TOML) as a user writes
//! it, and the limits that keep one client from taking the server from
//! the others. Paths in the file are relative to the file; the front end
//! (`accord serve`) resolves them and loads the agreement and keys.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// The default address: loopback, so that a server is public only when
/// its operator says so.
pub const DEFAULT_BIND: &str = "127.0.0.1:8470";

/// The configuration file of `accord serve --config FILE`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The agreement (TOML, with its annex beside it).
    pub agreement: PathBuf,
    /// Amended texts the log may adopt.
    #[serde(default)]
    pub amended: Vec<PathBuf>,
    /// The log (made by `accord log init`): a directory, or
    /// `s3://bucket/prefix` on an S3-compatible store.
    pub log: String,
    /// The operator's log signer key; by default the one the log's
    /// `.tlog/config.toml` names.
    pub log_key: Option<PathBuf>,
    /// The address to listen on.
    #[serde(default = "default_bind")]
    pub bind: String,
    /// The index database: a SQLite file (`sqlite:PATH` or a path) or a
    /// `postgres://` URL; by default SQLite in the log's `.tlog/`.
    pub database: Option<String>,
    #[serde(default)]
    pub limits: Limits,
    /// Gathering witnesses' cosignatures.
    #[serde(default)]
    pub witnessing: WitnessingConfig,
    /// Running as one of several replicas of one log (`[cluster]`); none,
    /// the one server of its log.
    pub cluster: Option<ClusterConfig>,
}

/// What a replica does (`[cluster] role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Takes the log's writer lease when it is free, at once.
    Sequencer,
    /// Serves reads and forwards submissions; takes the lease when its
    /// holder has been gone a whole lease (so that at a cold start the
    /// sequencer, not the standby, takes it).
    Standby,
    /// Serves reads and forwards submissions; never sequences.
    Reader,
}

/// Several `accord serve` processes behind one address, over one log
/// (`[cluster]`). One at a time holds the log's writer lease and
/// sequences; the others follow the log as it grows, answer reads, and
/// forward submissions to the holder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    pub role: Role,
    /// How the other replicas reach this one (e.g. `http://accord-1:8470`):
    /// recorded in the lease while this one sequences.
    pub advertise: String,
    /// How long a lease lasts unless renewed, in milliseconds: how soon a
    /// standby takes over from a sequencer that died (an S3 log; a
    /// directory's lock is let go by the system when its holder dies).
    #[serde(default = "default_lease_ttl")]
    pub lease_ttl_ms: u64,
    /// How often a replica that does not sequence looks for new entries
    /// and for a free lease, in milliseconds.
    #[serde(default = "default_poll")]
    pub poll_ms: u64,
}

impl ClusterConfig {
    /// What is wrong with the values, naming the key.
    pub fn check(&self) -> Result<(), String> {
        let a = &self.advertise;
        if !(a.starts_with("http://") || a.starts_with("https://")) || a.len() < "http://x".len() {
            return Err(format!(
                "[cluster] advertise = {a:?}: the address the other replicas reach this one at, as http://HOST:PORT"
            ));
        }
        if self.lease_ttl_ms < 1000 {
            return Err(format!(
                "[cluster] lease_ttl_ms = {}: at least 1000 (a lease shorter than a second is renewed more often than a store answers under load)",
                self.lease_ttl_ms
            ));
        }
        if self.poll_ms == 0 || self.poll_ms * 2 > self.lease_ttl_ms {
            return Err(format!(
                "[cluster] poll_ms = {}: more than 0 and at most half of lease_ttl_ms ({})",
                self.poll_ms, self.lease_ttl_ms
            ));
        }
        Ok(())
    }
}

fn default_lease_ttl() -> u64 {
    10_000
}

fn default_poll() -> u64 {
    500
}

/// How the server asks witnesses for cosignatures (`[witnessing]`). The
/// witnesses and the quorum are the agreement's (`[witnesses]`), or a C2SP
/// tlog-policy file's; their addresses come from there or from `urls`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WitnessingConfig {
    /// When a submission is answered: `"quorum"` (once a checkpoint covering
    /// it meets the witness quorum) or `"durable"` (once durable; the
    /// cosigned checkpoint follows).
    pub ack: crate::witnessing::AckAfter,
    /// A C2SP tlog-policy file to follow instead of the agreement's.
    pub policy: Option<PathBuf>,
    /// Witnesses' submission prefixes by their policy names, overriding
    /// the policy's URLs.
    pub urls: std::collections::BTreeMap<String, String>,
    /// Most milliseconds one round of asking may take.
    pub round_timeout_ms: u64,
    /// Most milliseconds one request to one witness may take.
    pub request_timeout_ms: u64,
    /// How soon, in milliseconds, a round that missed its quorum is tried
    /// again while the log does not move.
    pub retry_ms: u64,
    /// Most milliseconds a submission waits for its quorum (ack = quorum)
    /// before it is answered 503 `not-witnessed` (it is logged).
    pub ack_timeout_ms: u64,
}

impl Default for WitnessingConfig {
    fn default() -> Self {
        WitnessingConfig {
            ack: crate::witnessing::AckAfter::Quorum,
            policy: None,
            urls: Default::default(),
            round_timeout_ms: 5_000,
            request_timeout_ms: 2_000,
            retry_ms: 1_000,
            ack_timeout_ms: 10_000,
        }
    }
}

fn default_bind() -> String {
    DEFAULT_BIND.into()
}

impl FileConfig {
    pub fn parse(text: &str) -> Result<FileConfig, toml::de::Error> {
        toml::from_str(text)
    }
}

/// Limits on what one request, one client and the queue may take.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// The largest request body, in bytes (a statement is at most 65,535).
    pub body_bytes: usize,
    /// The most statements in one batch.
    pub batch_statements: usize,
    /// Requests waiting for admission before new ones are turned away
    /// with 503 and Retry-After.
    pub queue: usize,
    /// Requests per second from one address, and the burst allowed.
    pub per_address_per_second: u32,
    pub per_address_burst: u32,
    /// Statements per second signed by one key, and the burst allowed.
    pub per_key_per_second: u32,
    pub per_key_burst: u32,
    /// How long a request may take, in milliseconds.
    pub request_timeout_ms: u64,
    /// The largest page of a query.
    pub page_max: usize,
    /// Replays of an earlier log size (`/v1/status?size=`) run at once.
    pub replays: usize,
    /// Most milliseconds a batch of entries waits for more before it is
    /// committed (group commit).
    pub batch_delay_ms: u64,
    /// Live-stream clients at once.
    pub event_clients: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 4 << 20,
            batch_statements: 1000,
            queue: 4096,
            per_address_per_second: 2000,
            per_address_burst: 4000,
            per_key_per_second: 1000,
            per_key_burst: 2000,
            request_timeout_ms: 30_000,
            page_max: 1000,
            replays: 1,
            batch_delay_ms: 1,
            event_clients: 256,
        }
    }
}

impl Limits {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

/// Parses a bind address.
pub fn parse_bind(s: &str) -> Result<SocketAddr, String> {
    s.parse()
        .map_err(|e| format!("bind address {s:?}: {e} (write it as IP:PORT, e.g. {DEFAULT_BIND})"))
}
