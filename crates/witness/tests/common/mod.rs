//! What the witness's tests share: logs made with `tlog::Log`, requests
//! built from them, and a witness served on a free port.
#![allow(dead_code)] // each test file uses its own part of it

use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord_witness::{HttpConfig, Witness, WitnessConfig};
use tlog::cosignature::{CosignatureType, CosignerSecret};
use tlog::witness::AddCheckpoint;
use tlog::{DirSource, DirStorage, Hash, KeyType, Log, SignerKey, TileReader};

/// The log key every test log signs with (a fork signs with it too).
pub fn log_key(origin: &str) -> SignerKey {
    SignerKey::from_seed(origin, KeyType::Ed25519, [7; 32]).unwrap()
}

pub fn witness_key(kind: CosignatureType, seed: u8) -> CosignerSecret {
    CosignerSecret::from_seed(&format!("witness.example/{kind}"), kind, [seed; 32]).unwrap()
}

/// A log in a directory of its own.
pub struct TestLog {
    pub dir: PathBuf,
    pub log: Log,
    /// Entries are `"<tag> <n>"`: two logs with other tags fork.
    tag: String,
}

impl TestLog {
    pub fn new(dir: &Path, signer: SignerKey, tag: &str) -> TestLog {
        let storage = Arc::new(DirStorage::new(dir).unwrap());
        TestLog {
            dir: dir.to_path_buf(),
            log: Log::create(storage, signer).unwrap(),
            tag: tag.to_string(),
        }
    }

    /// Appends `n` entries; the first `common` leaves of every log are the
    /// same whatever its tag, so that forks share a prefix.
    pub fn grow(&mut self, n: u64, common: u64) {
        let start = self.log.size();
        let entries: Vec<String> = (start..start + n)
            .map(|i| {
                if i < common {
                    format!("common {i}")
                } else {
                    format!("{} {i}", self.tag)
                }
            })
            .collect();
        self.log.append_batch(&entries).unwrap();
    }

    pub fn size(&self) -> u64 {
        self.log.size()
    }

    pub fn checkpoint(&self) -> Vec<u8> {
        self.log.checkpoint().to_bytes()
    }

    pub fn root(&self) -> Hash {
        self.log.checkpoint().checkpoint.root
    }

    pub fn proof(&self, old: u64) -> Vec<Hash> {
        let size = self.size();
        if old == 0 || old >= size {
            return vec![];
        }
        TileReader::new(DirSource::new(&self.dir))
            .consistency_proof(old, size)
            .unwrap()
    }

    /// An `add-checkpoint` body for the current checkpoint from `old`.
    pub fn request(&self, old: u64) -> Vec<u8> {
        AddCheckpoint {
            old_size: old,
            proof: self.proof(old),
            checkpoint: self.checkpoint(),
        }
        .to_bytes()
    }

    pub fn vkey(&self) -> String {
        self.log.verifier().to_string()
    }
}

pub fn open_witness(state: &Path, keys: Vec<CosignerSecret>, logs: &[&str]) -> Witness {
    Witness::open(
        WitnessConfig {
            keys,
            logs: logs
                .iter()
                .map(|k| tlog::VerifierKey::parse(k).unwrap())
                .collect(),
            keep_history: 1000,
            keep_unproven: 100,
        },
        state,
    )
    .unwrap()
}

/// A witness served on a free port of 127.0.0.1 on its own runtime.
pub struct Served {
    pub url: String,
    pub witness: Arc<Witness>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    runtime: tokio::runtime::Runtime,
}

impl Served {
    pub fn start(witness: Witness, cfg: HttpConfig) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let witness = Arc::new(witness);
        let (stop, handle, url) = runtime.block_on(async {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", l.local_addr().unwrap());
            let (stop, handle) = accord_witness::http::spawn(witness.clone(), &cfg, l);
            (stop, handle, url)
        });
        Served {
            url,
            witness,
            stop: Some(stop),
            handle: Some(handle),
            runtime,
        }
    }

    /// Stops serving and hands back the witness (its state lock with it).
    pub fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        let h = self.handle.take().unwrap();
        self.runtime.block_on(h).unwrap().unwrap();
    }
}

/// A POST's status, content type and body; every status is an answer.
pub fn post(url: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.post(url).send(body).unwrap();
    read(&mut r)
}

pub fn get(url: &str) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.get(url).call().unwrap();
    read(&mut r)
}

fn read(r: &mut ureq::http::Response<ureq::Body>) -> (u16, String, Vec<u8>) {
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.body_mut().read_to_vec().unwrap();
    (status, ct, body)
}
