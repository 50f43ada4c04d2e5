//! A server on loopback for tests: a log made from a script's first
//! entries, served in-process on an ephemeral port, with a blocking HTTP
//! client.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord::agreement::Agreement;
use accord::evaluate::Versions;
use accord::statement::Digest;
use accord_example as example;
use accord_server::{AgreementFiles, ServerConfig};
use tlog::{DirStorage, Log};

pub const LOG_KEY: &str = "log.mission.accord.example/log";

/// The example agreement, kept for the test's life.
pub fn agreement() -> (&'static Agreement, Digest) {
    use std::sync::OnceLock;
    static A: OnceLock<(Agreement, Digest)> = OnceLock::new();
    let (a, h) = A.get_or_init(example::agreement);
    (a, *h)
}

/// Makes a log in `dir` holding `entries`.
pub fn make_log(dir: &Path, entries: &[Vec<u8>]) {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, example::key(LOG_KEY)).unwrap();
    if !entries.is_empty() {
        log.append_batch(entries).unwrap();
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: PathBuf,
    pub live: Arc<accord_server::live::Live>,
    thread: Option<std::thread::JoinHandle<u64>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    /// Serves the log in `dir` (which must exist) under the example agreement.
    pub fn start(dir: &Path) -> TestServer {
        Self::start_with(dir, accord_server::Limits::default())
    }

    pub fn start_with(dir: &Path, limits: accord_server::Limits) -> TestServer {
        let db = format!("sqlite:{}", dir.join(".tlog/index.sqlite").display());
        Self::start_on(dir, limits, &db)
    }

    /// With the index in the database at `db` (SQLite or PostgreSQL).
    pub fn start_on(dir: &Path, limits: accord_server::Limits, db: &str) -> TestServer {
        Self::start_full(dir, limits, db, None)
    }

    /// With witnesses to gather cosignatures from.
    pub fn start_full(
        dir: &Path,
        limits: accord_server::Limits,
        db: &str,
        witnessing: Option<accord_server::witnessing::Witnessing>,
    ) -> TestServer {
        let (a, h) = agreement();
        let cfg = ServerConfig {
            versions: Versions::one(a, h),
            files: AgreementFiles {
                toml: example::AGREEMENT_TOML.to_string(),
                annex: example::ANNEX
                    .iter()
                    .map(|(p, t)| (p.to_string(), t.to_string()))
                    .collect(),
            },
            log: tlog_s3::Location::Dir(dir.to_path_buf()),
            key: example::key(LOG_KEY).into(),
            limits,
            database: Some(db.to_string()),
            witnessing,
        };
        let started = accord_server::start(cfg).expect("the server starts");
        let live = started.state.live.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let closing = live.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                started
                    .serve(listener, async move {
                        let _ = stopped.await;
                        closing.begin_shutdown();
                    })
                    .await
                    .unwrap()
            })
        });
        let addr = addr_rx.recv().unwrap();
        TestServer {
            addr,
            dir: dir.to_path_buf(),
            live,
            thread: Some(thread),
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Shuts down gracefully; the log's final size.
    pub fn shutdown(mut self) -> u64 {
        self.stop.take().unwrap().send(()).ok();
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }
}

/// An HTTP client that reports every status as a response, not an error.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn reply(r: ureq::http::Response<ureq::Body>) -> Reply {
    let status = r.status().as_u16();
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_string())
        .unwrap_or_default();
    let body = r.into_body().read_to_string().unwrap_or_default();
    Reply {
        status,
        content_type,
        body,
        headers,
    }
}

pub fn get(url: &str) -> Reply {
    reply(client().get(url).call().unwrap())
}

pub fn post(url: &str, content_type: &str, body: &[u8]) -> Reply {
    reply(
        client()
            .post(url)
            .header("content-type", content_type)
            .send(body)
            .unwrap(),
    )
}

/// The checkpoint served now.
pub fn checkpoint(s: &TestServer) -> String {
    get(&s.url("/checkpoint")).body
}
