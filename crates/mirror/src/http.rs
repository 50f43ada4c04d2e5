//! A log served over HTTP(S), as C2SP tlog-tiles lays it out: what the
//! mirror copies from, and what `accord audit`, `status` and `report` read
//! when given an address.

use std::time::Duration;

use tlog::client::{ReadError, TileSource};

/// The most a single object may be: an entry bundle of 256 entries of
/// 65,535 bytes each is just under 16 MiB; this leaves room.
const MAX_OBJECT: u64 = 64 << 20;

/// How many times a request answered "busy" (429, 503) is tried again, and
/// the longest wait between tries that a `Retry-After` can ask for.
const BUSY_RETRIES: u32 = 5;
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

/// A log served over HTTP(S) at `base` (`base/checkpoint`, `base/tile/...`).
/// The agent is shared: one may fetch from several threads at once.
#[derive(Clone)]
pub struct HttpSource {
    base: String,
    agent: ureq::Agent,
}

impl HttpSource {
    pub fn new(base: &str) -> HttpSource {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        HttpSource {
            base: base.trim_end_matches('/').to_string(),
            agent,
        }
    }

    /// The address the log is served at, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }
}

impl TileSource for HttpSource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let url = format!("{}/{path}", self.base);
        let io = |message: String| ReadError::Fetch {
            path: url.clone(),
            message,
        };
        let mut tries = 0;
        loop {
            let mut resp = self.agent.get(&url).call().map_err(|e| io(e.to_string()))?;
            match resp.status().as_u16() {
                200 => {
                    return resp
                        .body_mut()
                        .with_config()
                        .limit(MAX_OBJECT)
                        .read_to_vec()
                        .map(Some)
                        .map_err(|e| io(e.to_string()));
                }
                404 => return Ok(None),
                // A server that sheds load (rate limits, a full queue) says
                // when to come back: the answer is late, not wrong.
                s @ (429 | 503) if tries < BUSY_RETRIES => {
                    tries += 1;
                    let wait = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map_or(Duration::from_millis(200 << tries), Duration::from_secs)
                        .min(MAX_RETRY_WAIT);
                    tracing::debug!(%url, status = s, ?wait, "busy; trying again");
                    std::thread::sleep(wait);
                }
                s => return Err(io(format!("HTTP status {s}"))),
            }
        }
    }

    fn describe(&self) -> String {
        self.base.clone()
    }
}
